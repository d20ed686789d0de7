import Foundation
import XCTest
import SplatIO

/// The antimatter15 `.splat` reader and writer.
final class SplatFileTests: XCTestCase {
    func testRoundTripWithinQuantisation() throws {
        let cloud = randomCloud(count: 200, degree: 2, bindings: true)
        let data = try SplatFile.data(for: cloud)
        XCTAssertEqual(data.count, 200 * 32)
        let back = try SplatFile.read(data, path: "r.splat")
        XCTAssertEqual(back.count, 200)
        XCTAssertEqual(back.shDegree, 0)
        XCTAssertNil(back.bindings)
        XCTAssertEqual(back.positions, cloud.positions)
        XCTAssertEqual(back.scales, cloud.scales)
        for g in 0..<cloud.count {
            for c in 0..<3 {
                let rgb = 0.5 + shC0 * cloud.sh[g * 27 + c]
                guard rgb > 0, rgb < 1 else { continue }  // out-of-gamut colours are clamped
                XCTAssertEqual(back.sh[g * 3 + c], cloud.sh[g * 27 + c], accuracy: 0.51 / 255 / shC0 + 1e-6)
            }
            XCTAssertEqual(back.opacities[g], cloud.opacities[g], accuracy: 0.51 / 255)
            let a = back.rotations[g], b = cloud.rotations[g]
            XCTAssertLessThan(min(maxAbs(a - b), maxAbs(a + b)), 0.01)
            XCTAssertEqual((a * a).sum(), 1, accuracy: 1e-5)
        }
    }

    /// Re-encoding decoded records gives the same bytes (rotations within one level: decoding
    /// renormalises the quantised quaternion).
    func testReencodingIsStable() throws {
        let data = [UInt8](try SplatFile.data(for: randomCloud(count: 50, degree: 0)))
        let again = [UInt8](try SplatFile.data(for: SplatFile.read(Data(data))))
        XCTAssertEqual(data.count, again.count)
        for i in 0..<data.count {
            if i % 32 < 28 {
                XCTAssertEqual(data[i], again[i], "byte \(i)")
            } else {
                XCTAssertLessThanOrEqual(abs(Int(data[i]) - Int(again[i])), 1, "byte \(i)")
            }
        }
    }

    func testRecordLayout() throws {
        let cloud = GaussianCloud(positions: [SIMD3(1, 2, 3)], scales: [SIMD3(0.5, 0.25, 0.125)],
                                  rotations: [SIMD4(0, 1, 0, 0)], opacities: [1],
                                  sh: [(1 - 0.5) / shC0, 0, (0 - 0.5) / shC0], shDegree: 0)
        let bytes = [UInt8](try SplatFile.data(for: cloud))
        XCTAssertEqual(bytes[0..<24], le([1, 2, 3, 0.5, 0.25, 0.125])[...])
        XCTAssertEqual(Array(bytes[24..<28]), [255, 128, 0, 255])
        XCTAssertEqual(Array(bytes[28..<32]), [128, 255, 128, 128])
    }

    func testSizeNotMultipleOf32() throws {
        let data = try SplatFile.data(for: randomCloud(count: 3, degree: 0))
        let error = assertSplatIOError(try SplatFile.read(data.dropLast(5), path: "bad.splat")) {
            if case .invalidSize = $0 { return true } else { return false }
        }
        XCTAssertTrue(error?.description.hasPrefix("bad.splat: invalid size: 91 bytes") ?? false, error?.description ?? "")
    }

    func testEmptyFileIsAnEmptyCloud() throws {
        XCTAssertEqual(try SplatFile.read(Data()).count, 0)
    }

    func testNonFiniteAndDegenerateRecords() throws {
        var bytes = [UInt8](try SplatFile.data(for: randomCloud(count: 3, degree: 0)))
        bytes.replaceSubrange(32 + 16..<32 + 20, with: le([Float.nan]))  // Gaussian 1, scale_1
        assertSplatIOError(try SplatFile.read(Data(bytes))) { $0 == .nonFiniteValue(gaussian: 1, property: "scale_1") }

        bytes = [UInt8](try SplatFile.data(for: randomCloud(count: 3, degree: 0)))
        bytes.replaceSubrange(64 + 28..<64 + 32, with: [128, 128, 128, 128])
        assertSplatIOError(try SplatFile.read(Data(bytes))) {
            if case .invalidValue(2, "rotation", _) = $0 { return true } else { return false }
        }

        bytes = [UInt8](try SplatFile.data(for: randomCloud(count: 3, degree: 0)))
        bytes.replaceSubrange(32 + 12..<32 + 16, with: le([Float(50_000)]))  // Gaussian 1, scale_0: 50 km
        assertSplatIOError(try SplatFile.read(Data(bytes))) {
            if case .invalidValue(1, "scale_0", _) = $0 { return true } else { return false }
        }
        bytes = [UInt8](try SplatFile.data(for: randomCloud(count: 3, degree: 0)))
        bytes.replaceSubrange(64 + 4..<64 + 8, with: le([Float(-3e7)]))  // Gaussian 2, y
        assertSplatIOError(try SplatFile.read(Data(bytes))) {
            if case .invalidValue(2, "y", _) = $0 { return true } else { return false }
        }
        // Zeroed data decodes to zero-sized Gaussians with a valid rotation byte pattern: refused.
        var zeroed = [UInt8](repeating: 0, count: 32 * 4)
        for g in 0..<4 { zeroed[g * 32 + 28] = 255 }
        assertSplatIOError(try SplatFile.read(Data(zeroed))) {
            if case .invalidValue(_, _, let detail) = $0 { return detail.contains("zero size") } else { return false }
        }

        var cloud = randomCloud(count: 2, degree: 0)
        cloud.opacities[1] = .infinity
        assertSplatIOError(try SplatFile.data(for: cloud)) { $0 == .nonFiniteValue(gaussian: 1, property: "opacity") }
    }
}
