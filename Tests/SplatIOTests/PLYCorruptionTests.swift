import Foundation
import SplatCore
import XCTest
import SplatIO

/// Every way a PLY can be broken produces the right error, naming the file.
final class PLYCorruptionTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self)
    }

    /// Writes `data` to a temporary `name` and reads it back through the file API.
    private func read(_ data: Data, name: String = "scene.ply") throws -> GaussianCloud {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return try PLYReader.read(contentsOf: url)
    }

    func testTruncatedBodyNamesFileAndSizes() throws {
        let full = minimalPLY(rows: [minimalRow, minimalRow])
        let error = assertSplatIOError(try read(full.dropLast(10))) {
            if case .truncated = $0 { return true } else { return false }
        }
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains("scene.ply: truncated: header declares 2 vertices × 56 bytes but only 102 bytes follow"), message)
    }

    func testTruncatedInsideHeader() throws {
        let full = minimalPLY(rows: [minimalRow])
        assertSplatIOError(try read(full.prefix(40))) { if case .truncated = $0 { return true } else { return false } }
        assertSplatIOError(try read(Data())) { if case .truncated = $0 { return true } else { return false } }
    }

    func testNotPLY() throws {
        assertSplatIOError(try read(Data("hello world\n".utf8))) { $0 == .notPLY }
        assertSplatIOError(try read(Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]))) { $0 == .notPLY }
    }

    func testASCIIAndBigEndianAreRefused() throws {
        let lines = ["element vertex 1"] + minimalProperties.map { "property float \($0)" }
        for format in ["ascii 1.0", "binary_big_endian 1.0"] {
            assertSplatIOError(try read(plyData(lines, format: format, body: le(minimalRow)))) {
                if case .unsupportedPLYFormat = $0 { return true } else { return false }
            }
        }
    }

    func testMissingPropertiesAreListed() throws {
        let present = minimalProperties.filter { !["opacity", "rot_3", "y"].contains($0) }
        let data = plyData(["element vertex 1"] + present.map { "property float \($0)" }, body: le(Array(minimalRow.prefix(11))))
        assertSplatIOError(try read(data)) { $0 == .missingProperties(["y", "opacity", "rot_3"]) }

        // f_rest_0..8 with f_rest_4 missing but f_rest_9 present still counts 9, so f_rest_4 is missing.
        var names = minimalProperties
        names.insert(contentsOf: [0, 1, 2, 3, 5, 6, 7, 8, 9].map { "f_rest_\($0)" }, at: 6)
        let data2 = plyData(["element vertex 0"] + names.map { "property float \($0)" }, body: [])
        assertSplatIOError(try read(data2)) { $0 == .missingProperties(["f_rest_4"]) }

        assertSplatIOError(try read(plyData(["element face 0", "property float x"], body: []))) {
            if case .malformedHeader = $0 { return true } else { return false }
        }
    }

    func testWrongTypeForRequiredProperty() throws {
        var lines = ["element vertex 1"] + minimalProperties.map { "property float \($0)" }
        lines[4] = "property uchar f_dc_0"
        assertSplatIOError(try read(plyData(lines, body: []))) { $0 == .wrongPropertyType(property: "f_dc_0", type: "uchar") }
        lines[4] = "property list uchar float f_dc_0"
        assertSplatIOError(try read(plyData(lines, body: []))) {
            if case .unsupportedPLYFormat = $0 { return true } else { return false }  // list makes rows variable
        }
    }

    func testUnsupportedRestCount() throws {
        var names = minimalProperties
        names.insert(contentsOf: (0..<3).map { "f_rest_\($0)" }, at: 6)
        assertSplatIOError(try read(plyData(["element vertex 0"] + names.map { "property float \($0)" }, body: []))) {
            $0 == .unsupportedSHCoefficientCount(3)
        }
    }

    func testNaNAndInfinityNameGaussianAndProperty() throws {
        var bad = minimalRow
        bad[4] = .nan  // f_dc_1
        let error = assertSplatIOError(try read(minimalPLY(rows: [minimalRow, minimalRow, bad]))) {
            $0 == .nonFiniteValue(gaussian: 2, property: "f_dc_1")
        }
        XCTAssertTrue(error?.description.contains("Gaussian 2: f_dc_1") ?? false)
        bad = minimalRow
        bad[0] = -.infinity
        assertSplatIOError(try read(minimalPLY(rows: [bad]))) { $0 == .nonFiniteValue(gaussian: 0, property: "x") }
    }

    func testUnusableFiniteValues() throws {
        var bad = minimalRow
        bad[10...13] = [0, 0, 0, 0]
        assertSplatIOError(try read(minimalPLY(rows: [bad]))) {
            if case .invalidValue(0, _, _) = $0 { return true } else { return false }
        }
        bad = minimalRow
        bad[8] = 100  // exp(100) overflows
        assertSplatIOError(try read(minimalPLY(rows: [minimalRow, bad]))) {
            if case .invalidValue(1, "scale_1", _) = $0 { return true } else { return false }
        }
        let lines = ["element vertex 1"] + (minimalProperties + ["binding_0"]).map { "property float \($0)" }
        assertSplatIOError(try read(plyData(lines, body: le(minimalRow + [2.5])))) {
            if case .invalidValue(0, "binding_0", _) = $0 { return true } else { return false }
        }
    }

    func testAbsurdVertexCountIsRefusedBeforeAllocating() throws {
        for count in ["9223372036854775807", "1000000000000", "4611686018427387904"] {
            let lines = ["element vertex \(count)"] + minimalProperties.map { "property float \($0)" }
            assertSplatIOError(try read(plyData(lines, body: le(minimalRow)))) {
                if case .truncated = $0 { return true } else { return false }
            }
        }
        // An element before the vertices with a huge count.
        let lines = ["element junk 9223372036854775807", "property double a", "element vertex 1"]
            + minimalProperties.map { "property float \($0)" }
        assertSplatIOError(try read(plyData(lines, body: le(minimalRow)))) {
            if case .truncated = $0 { return true } else { return false }
        }
    }

    func testHeaderWithoutEndIsRefused() throws {
        let comments = String(repeating: "comment padding padding padding padding\n", count: 2000)
        let data = Data(("ply\nformat binary_little_endian 1.0\n" + comments).utf8)
        XCTAssertGreaterThan(data.count, 65_536)
        assertSplatIOError(try read(data)) { $0 == .headerTooLong(limit: 65_536) }
    }

    func testMalformedHeaderLines() throws {
        let base = ["element vertex 1"] + minimalProperties.map { "property float \($0)" }
        let cases: [[String]] = [
            base + ["property half w"],                       // unknown type
            ["property float x"] + base,                      // property before element
            base + ["property float x"],                      // duplicate property
            ["element vertex -1"] + base.dropFirst(),         // negative count
            ["element vertex many"] + base.dropFirst(),       // not a number
            base + ["what is this"],                          // unknown keyword
            base + ["format binary_little_endian 1.0"],       // second format line
        ]
        for lines in cases {
            assertSplatIOError(try read(plyData(lines, body: le(minimalRow)))) {
                if case .malformedHeader = $0 { return true } else { return false }
            }
        }
        assertSplatIOError(try read(plyData(base, format: "binary_little_endian 2.0", body: le(minimalRow)))) {
            if case .unsupportedPLYFormat = $0 { return true } else { return false }
        }
    }

    func testRandomCorruptionNeverCrashes() throws {
        let good = try PLYWriter.data(for: randomCloud(count: 4, degree: 1, bindings: true))
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            var bytes = [UInt8](good)
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let cut = Int.random(in: 0...bytes.count, using: &rng)
            _ = try? PLYReader.read(Data(bytes.prefix(cut)), path: "fuzz.ply")
        }
    }
}
