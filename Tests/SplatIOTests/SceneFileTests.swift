import Foundation
import XCTest
import SplatIO

/// Choosing the format by extension.
final class SceneFileTests: XCTestCase {
    func testFormatFromExtension() throws {
        XCTAssertEqual(try SceneFile.Format(url: URL(fileURLWithPath: "/a/b.ply")), .ply)
        XCTAssertEqual(try SceneFile.Format(url: URL(fileURLWithPath: "/a/b.PLY")), .ply)
        XCTAssertEqual(try SceneFile.Format(url: URL(fileURLWithPath: "b.splat")), .splat)
        assertSplatIOError(try SceneFile.Format(url: URL(fileURLWithPath: "/a/b.ksplat"))) { $0 == .unsupportedFileType(".ksplat") }
        assertSplatIOError(try SceneFile.Format(url: URL(fileURLWithPath: "/a/noext"))) { $0 == .unsupportedFileType("(none)") }
    }

    func testWriteAndReadBothFormats() throws {
        let dir = try makeTemporaryDirectory(self)
        let cloud = randomCloud(count: 30, degree: 1, bindings: true)
        let ply = dir.appendingPathComponent("s.ply"), splat = dir.appendingPathComponent("s.splat")
        try SceneFile.write(cloud, to: ply)
        try SceneFile.write(cloud, to: splat)
        assertClose(cloud, try SceneFile.read(contentsOf: ply))
        let fromSplat = try SceneFile.read(contentsOf: splat)
        XCTAssertEqual(fromSplat.shDegree, 0)
        XCTAssertEqual(fromSplat.positions, cloud.positions)
        assertSplatIOError(try SceneFile.write(cloud, to: dir.appendingPathComponent("s.obj"))) {
            $0 == .unsupportedFileType(".obj")
        }
    }

    func testMissingFileIsUnreadable() throws {
        let error = assertSplatIOError(try GaussianCloud(contentsOf: URL(fileURLWithPath: "/nonexistent/avatar.ply"))) {
            if case .unreadable = $0 { return true } else { return false }
        }
        XCTAssertEqual(error?.path, "/nonexistent/avatar.ply")
    }

    func testSplatFileHandedAPLYExtensionFailsCleanly() throws {
        let dir = try makeTemporaryDirectory(self)
        let url = dir.appendingPathComponent("wrong.ply")
        try FileManager.default.copyItem(at: fixtureURL("three-points-trained.splat"), to: url)
        assertSplatIOError(try GaussianCloud(contentsOf: url)) { $0 == .notPLY }
    }
}
