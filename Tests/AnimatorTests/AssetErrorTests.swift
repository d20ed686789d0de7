import Animator
import Foundation
import SplatIO
import XCTest

/// Corrupt or mismatched files produce errors that name the file and the key.
final class AssetErrorTests: XCTestCase {
    /// The fixture rig's arrays, to be altered and written back.
    func rigArrays() throws -> [(String, NPYArray)] {
        let archive = try NPZArchive(contentsOf: fixtureURL("synthetic-flame/rig.npz"))
        return try archive.keys.map { ($0, try archive.array($0)) }
    }

    func writeRig(_ arrays: [(String, NPYArray)], _ name: String = "rig.npz") throws -> URL {
        var writer = NPZWriter()
        for (key, array) in arrays { writer.add(key, array) }
        let url = try makeTemporaryDirectory(self).appendingPathComponent(name)
        try writer.data().write(to: url)
        return url
    }

    func rigError(_ change: (inout [(String, NPYArray)]) throws -> Void) throws -> AssetError? {
        var arrays = try rigArrays()
        try change(&arrays)
        let url = try writeRig(arrays)
        do {
            _ = try FLAMERig(contentsOf: url)
            return nil
        } catch let error as AssetError {
            XCTAssertTrue(error.description.contains(url.path), "the message names the file: \(error)")
            return error
        }
    }

    func replace(_ arrays: inout [(String, NPYArray)], _ key: String, _ array: NPYArray) {
        arrays[arrays.firstIndex { $0.0 == key }!].1 = array
    }

    func testCorruptRigFiles() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("garbage.npz")
        try Data("this is not a zip file at all".utf8).write(to: url)
        XCTAssertThrowsError(try FLAMERig(contentsOf: url)) {
            guard case AssetError.unreadable(let path, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(path, url.path)
        }
        XCTAssertThrowsError(try FLAMERig(contentsOf: URL(fileURLWithPath: "/nonexistent/rig.npz")))
    }

    func testWrongShapesAndDTypes() throws {
        var error = try rigError { a in
            let V = 398
            self.replace(&a, "exprdirs", NPYArray(shape: [V - 1, 3, 12], floats: [Float](repeating: 0, count: (V - 1) * 36)))
        }
        guard case .wrongShape(_, "exprdirs", [397, 3, 12], let expected)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(expected.contains("V = 398"))
        XCTAssertTrue(error!.description.contains("[exprdirs]"))

        error = try rigError { a in
            let v = a.first { $0.0 == "v_template" }!.1.floats()
            self.replace(&a, "v_template", NPYArray(shape: [398, 3], doubles: v.map(Double.init)))
        }
        guard case .wrongDType(_, "v_template", "<f8", _)? = error else { return XCTFail("\(String(describing: error))") }

        error = try rigError { a in a.removeAll { $0.0 == "posedirs" } }
        guard case .missingKey(_, "posedirs")? = error else { return XCTFail("\(String(describing: error))") }

        error = try rigError { a in
            self.replace(&a, "format", NPYArray(shape: [19], uint8s: Array("splatd-flame-rig/99".utf8)))
        }
        guard case .invalidValue(_, "format", _)? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testBadValues() throws {
        var error = try rigError { a in
            var p = a.first { $0.0 == "posedirs" }!.1.floats()
            p[1234] = .nan
            self.replace(&a, "posedirs", NPYArray(shape: [398, 3, 36], floats: p))
        }
        XCTAssertEqual(error.map { "\($0)" }?.contains("[posedirs]: element 1234 is NaN"), true, "\(String(describing: error))")

        error = try rigError { a in
            var f = try a.first { $0.0 == "faces" }!.1.int32s()
            f[30] = 398
            self.replace(&a, "faces", NPYArray(shape: [792, 3], int32s: f))
        }
        guard case .invalidValue(_, "faces", let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("triangle 10"), reason)

        error = try rigError { a in self.replace(&a, "parents", NPYArray(shape: [5], int32s: [-1, 0, 3, 1, 1])) }
        guard case .invalidValue(_, "parents", _)? = error else { return XCTFail("\(String(describing: error))") }

        error = try rigError { a in
            var w = a.first { $0.0 == "lbs_weights" }!.1.floats()
            w[0] += 0.5
            self.replace(&a, "lbs_weights", NPYArray(shape: [398, 5], floats: w))
        }
        guard case .invalidValue(_, "lbs_weights", _)? = error else { return XCTFail("\(String(describing: error))") }
    }

    /// A copy of the synthetic GaussianAvatars folder with one file replaced.
    func avatarFolder(cloud: GaussianCloud? = nil, params: [(String, NPYArray)]? = nil) throws -> URL {
        let folder = try makeTemporaryDirectory(self)
        let source = fixtureURL("synthetic-ga-avatar")
        if let cloud {
            try PLYWriter.write(cloud, to: folder.appendingPathComponent("point_cloud.ply"))
        } else {
            try FileManager.default.copyItem(at: source.appendingPathComponent("point_cloud.ply"),
                                             to: folder.appendingPathComponent("point_cloud.ply"))
        }
        if let params {
            var writer = NPZWriter()
            for (key, array) in params { writer.add(key, array) }
            try writer.data().write(to: folder.appendingPathComponent("flame_param.npz"))
        } else {
            try FileManager.default.copyItem(at: source.appendingPathComponent("flame_param.npz"),
                                             to: folder.appendingPathComponent("flame_param.npz"))
        }
        return folder
    }

    func originalParams() throws -> [(String, NPYArray)] {
        let archive = try NPZArchive(contentsOf: fixtureURL("synthetic-ga-avatar/flame_param.npz"))
        return try archive.keys.map { ($0, try archive.array($0)) }
    }

    func testAvatarThatDoesNotMatchTheRig() throws {
        let rig = try syntheticRig()
        var cloud = try PLYReader.read(contentsOf: fixtureURL("synthetic-ga-avatar/point_cloud.ply"))
        cloud.bindings![7] = 792
        var folder = try avatarFolder(cloud: cloud)
        XCTAssertThrowsError(try GaussianAvatarsFolder.load(folder, rig: rig)) {
            XCTAssertEqual($0 as? AssetError, .bindingOutOfRange(path: folder.appendingPathComponent("point_cloud.ply").path,
                                                                 gaussian: 7, face: 792, faceCount: 792))
            XCTAssertTrue("\($0)".contains("binding_0"))
        }

        cloud.bindings = nil
        folder = try avatarFolder(cloud: cloud)
        XCTAssertThrowsError(try GaussianAvatarsFolder.load(folder, rig: rig)) {
            guard case AssetError.missingBindings = $0 else { return XCTFail("\($0)") }
        }

        var params = try originalParams()
        params[params.firstIndex { $0.0 == "static_offset" }!].1 = NPYArray(shape: [1, 5143, 3], floats: [Float](repeating: 0, count: 5143 * 3))
        folder = try avatarFolder(params: params)
        XCTAssertThrowsError(try GaussianAvatarsFolder.load(folder, rig: rig)) {
            guard case AssetError.rigMismatch(let path, "static_offset", let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(path.hasSuffix("flame_param.npz"))
            XCTAssertTrue(reason.contains("5143") && reason.contains("398"), reason)
        }

        params = try originalParams()
        params[params.firstIndex { $0.0 == "shape" }!].1 = NPYArray(shape: [300], floats: [Float](repeating: 0.1, count: 300))
        folder = try avatarFolder(params: params)
        XCTAssertThrowsError(try GaussianAvatarsFolder.load(folder, rig: rig)) {
            guard case AssetError.rigMismatch(_, "shape", _) = $0 else { return XCTFail("\($0)") }
        }

        params = try originalParams()
        params[params.firstIndex { $0.0 == "jaw_pose" }!].1 = NPYArray(shape: [2, 3], floats: [Float](repeating: 0, count: 6))
        folder = try avatarFolder(params: params)
        XCTAssertThrowsError(try GaussianAvatarsFolder.load(folder, rig: rig)) {
            guard case AssetError.wrongShape(_, "jaw_pose", [2, 3], _) = $0 else { return XCTFail("\($0)") }
        }

        params = try originalParams()
        var e = params.first { $0.0 == "expr" }!.1.floats()
        e[5] = .infinity
        params[params.firstIndex { $0.0 == "expr" }!].1 = NPYArray(shape: [3, 12], floats: e)
        folder = try avatarFolder(params: params)
        XCTAssertThrowsError(try GaussianAvatarsFolder.load(folder, rig: rig)) {
            XCTAssertEqual($0 as? AssetError, .nonFinite(path: folder.appendingPathComponent("flame_param.npz").path, key: "expr", index: 5))
        }
    }

    func testLoaderNamesWhatIsMissing() throws {
        XCTAssertThrowsError(try Avatar.load(fixtureURL("synthetic-ga-avatar").path, rig: nil as FLAMERig?)) {
            guard case AssetError.unsupportedAvatar(_, let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("--rig"))
        }
        XCTAssertThrowsError(try Avatar.load("/nonexistent/avatar.ply", rig: nil as FLAMERig?)) {
            guard case AssetError.unreadable = $0 else { return XCTFail("\($0)") }
        }
        let avatar = try Avatar.load(fixtureURL("synthetic-ga-avatar").path, rig: fixtureURL("synthetic-flame/rig.npz").path)
        XCTAssertEqual(avatar.kind, .flame)
    }
}
