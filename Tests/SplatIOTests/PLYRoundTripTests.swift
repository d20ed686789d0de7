import Foundation
import XCTest
import SplatIO

/// `PLYReader.read(PLYWriter.data(x)) == x` up to float rounding.
final class PLYRoundTripTests: XCTestCase {
    func testRoundTripEveryDegreeWithAndWithoutBindings() throws {
        for degree in 0...3 {
            for bindings in [false, true] {
                let cloud = randomCloud(count: 50, degree: degree, bindings: bindings, seed: UInt64(degree * 2 + (bindings ? 1 : 0)))
                let data = try PLYWriter.data(for: cloud)
                let back = try PLYReader.read(data, path: "degree\(degree).ply")
                assertClose(cloud, back)
            }
        }
    }

    func testRoundTripWithoutNormals() throws {
        let cloud = randomCloud(count: 10, degree: 2, bindings: true)
        let data = try PLYWriter.data(for: cloud, includeNormals: false)
        XCTAssertFalse(String(decoding: data.prefix(2000), as: UTF8.self).contains("property float nx"))
        assertClose(cloud, try PLYReader.read(data))
    }

    func testWriterUsesTheINRIALayout() throws {
        let cloud = randomCloud(count: 2, degree: 1, bindings: true)
        let data = try PLYWriter.data(for: cloud)
        let header = try data.withUnsafeBytes { try PLYHeader.parse($0, path: "x.ply") }
        XCTAssertEqual(header.format, "binary_little_endian")
        let names = header.elements[0].properties.map(\.name)
        XCTAssertEqual(names, ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
            + (0..<9).map { "f_rest_\($0)" }
            + ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3", "binding_0"])
        XCTAssertTrue(header.elements[0].properties.allSatisfy { $0.scalarType == .float32 })
        XCTAssertEqual(data.count, header.byteCount + 2 * names.count * 4)

        // Pre-activation values, f_rest channel-major: f_rest_3 is green coefficient 1.
        func field(_ g: Int, _ name: String) -> Float {
            let offset = header.byteCount + (g * names.count + names.firstIndex(of: name)!) * 4
            return data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Float.self) }
        }
        XCTAssertEqual(field(1, "f_rest_3"), cloud.sh[(1 * 4 + 1) * 3 + 1])
        XCTAssertEqual(field(1, "f_rest_8"), cloud.sh[(1 * 4 + 3) * 3 + 2])
        XCTAssertEqual(field(0, "opacity"), logit(cloud.opacities[0]))
        XCTAssertEqual(field(0, "scale_2"), Foundation.log(cloud.scales[0].z))
        XCTAssertEqual(field(1, "binding_0"), Float(cloud.bindings![1]))
    }

    func testRoundTripThroughFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let cloud = randomCloud(count: 20, degree: 3, bindings: true)
        let url = dir.appendingPathComponent("avatar.ply")
        try cloud.write(to: url)
        assertClose(cloud, try GaussianCloud(contentsOf: url))
    }

    func testEmptyCloud() throws {
        let data = try PLYWriter.data(for: GaussianCloud(shDegree: 2))
        let back = try PLYReader.read(data)
        XCTAssertEqual(back.count, 0)
        XCTAssertEqual(back.shDegree, 2)
    }

    func testWriterRefusesValuesItCannotStore() throws {
        var cloud = randomCloud(count: 3, degree: 0)
        cloud.positions[1].y = .nan
        assertSplatIOError(try PLYWriter.data(for: cloud)) { $0 == .nonFiniteValue(gaussian: 1, property: "y") }

        cloud = randomCloud(count: 3, degree: 0)
        cloud.rotations[2] = .zero
        assertSplatIOError(try PLYWriter.data(for: cloud)) {
            if case .invalidValue(2, "rot_0..3", _) = $0 { return true } else { return false }
        }

        cloud = randomCloud(count: 3, degree: 0, bindings: true)
        cloud.bindings![0] = 1 << 25
        assertSplatIOError(try PLYWriter.data(for: cloud)) {
            if case .invalidValue(0, "binding_0", _) = $0 { return true } else { return false }
        }
    }
}
