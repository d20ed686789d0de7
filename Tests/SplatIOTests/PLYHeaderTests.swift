import Foundation
import XCTest
import SplatIO

/// Header parsing and the layouts the reader must accept.
final class PLYHeaderTests: XCTestCase {
    func testParsesElementsPropertiesAndComments() throws {
        let data = plyData([
            "comment made by hand", "obj_info whatever",
            "element vertex 2", "property float x", "property uchar red", "property list uchar int vertex_indices",
            "element face 0", "property list uint8 int32 vertex_indices",
        ], body: [])
        let header = try data.withUnsafeBytes { try PLYHeader.parse($0, path: "h.ply") }
        XCTAssertEqual(header.format, "binary_little_endian")
        XCTAssertEqual(header.version, "1.0")
        XCTAssertEqual(header.comments, ["made by hand"])
        XCTAssertEqual(header.elements.map(\.name), ["vertex", "face"])
        XCTAssertEqual(header.elements[0].count, 2)
        XCTAssertEqual(header.elements[0].properties[1], PLYHeader.Property(name: "red", type: .uint8))
        XCTAssertEqual(header.elements[0].properties[2].kind, .list(count: .uint8, item: .int32))
        XCTAssertNil(header.elements[0].rowSize)
        XCTAssertEqual(header.byteCount, data.count)
    }

    func testAllScalarTypeNames() {
        let sizes = ["char": 1, "uchar": 1, "short": 2, "ushort": 2, "int": 4, "uint": 4, "float": 4, "double": 8,
                     "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "float32": 4, "float64": 8]
        for (name, size) in sizes { XCTAssertEqual(PLYScalarType(plyName: name)?.byteSize, size, name) }
        XCTAssertNil(PLYScalarType(plyName: "half"))
    }

    func testSerializedHeaderParsesBack() throws {
        let header = PLYHeader(comments: ["hi"], elements: [
            .init(name: "vertex", count: 7, properties: [.init(name: "x", type: .float64), .init(name: "n", type: .int16)]),
            .init(name: "face", count: 1, properties: [.init(name: "i", kind: .list(count: .uint8, item: .uint32))]),
        ])
        let text = header.serialized()
        var parsed = try Data(text.utf8).withUnsafeBytes { try PLYHeader.parse($0, path: "s.ply") }
        XCTAssertEqual(parsed.byteCount, text.utf8.count)
        parsed.byteCount = 0
        XCTAssertEqual(parsed, header)
    }

    /// Extra properties of every type, in a shuffled order, are skipped by their sizes.
    func testSkipsUnknownPropertiesOfEveryType() throws {
        let extras: [(String, [UInt8])] = [
            ("char a", le(Int8(-1))), ("uchar b", [7]), ("short c", le(Int16(-3))), ("ushort d", le(UInt16(4))),
            ("int e", le(Int32(-5))), ("uint f", le(UInt32(6))), ("double g", le(Double(7.5))),
            ("int8 h", [1]), ("uint8 i", [2]), ("int16 j", le(Int16(3))), ("uint16 k", le(UInt16(4))),
            ("int32 l", le(Int32(5))), ("uint32 m", le(UInt32(6))), ("float32 n", le([Float(7)])), ("float64 o", le(Double(8))),
            ("float nx", le([Float(0)])),
        ]
        // Interleave: an extra before each required property, the rest at the end.
        var lines = ["element vertex 2"]
        var row: [UInt8] = []
        for (i, name) in minimalProperties.enumerated() {
            lines.append("property \(extras[i].0)")
            row += extras[i].1
            lines.append("property float \(name)")
            row += le([minimalRow[i]])
        }
        for extra in extras[minimalProperties.count...] {
            lines.append("property \(extra.0)")
            row += extra.1
        }
        let cloud = try PLYReader.read(plyData(lines, body: row + row))
        XCTAssertEqual(cloud.count, 2)
        XCTAssertEqual(cloud.positions, [SIMD3(1, 2, 3), SIMD3(1, 2, 3)])
        XCTAssertEqual(cloud.sh, [0.1, 0.2, 0.3, 0.1, 0.2, 0.3])
        XCTAssertEqual(cloud.opacities[1], 0.5)
        XCTAssertEqual(cloud.scales[1], SIMD3(Foundation.exp(-1), Foundation.exp(-2), Foundation.exp(-3)))
        XCTAssertEqual(cloud.rotations[1], SIMD4(1, 0, 0, 0))
    }

    func testReadsDoublePropertiesAndIntegerBindings() throws {
        for bindingType in ["float", "int", "uint16", "uchar", "double"] {
            var lines = ["comment doubles", "element vertex 1"]
            var row: [UInt8] = []
            for (i, name) in minimalProperties.enumerated() {
                lines.append("property double \(name)")
                row += le(Double(minimalRow[i]))
            }
            lines.append("property \(bindingType) binding_0")
            switch bindingType {
            case "float": row += le([Float(42)])
            case "int": row += le(Int32(42))
            case "uint16": row += le(UInt16(42))
            case "uchar": row += [42]
            default: row += le(Double(42))
            }
            let cloud = try PLYReader.read(plyData(lines, body: row))
            XCTAssertEqual(cloud.bindings, [42], bindingType)
            XCTAssertEqual(cloud.positions, [SIMD3(1, 2, 3)])
            XCTAssertEqual(cloud.sh[1], 0.2, accuracy: 1e-7)
        }
    }

    func testNormalisesRotationAndActivates() throws {
        let row: [Float] = [0, 0, 0, 0, 0, 0, 2, 0, 1, -1, 0, 0, 3, 4]
        let cloud = try PLYReader.read(minimalPLY(rows: [row]))
        XCTAssertEqual(cloud.rotations[0], SIMD4(0, 0, 0.6, 0.8))
        XCTAssertEqual(cloud.opacities[0], 1 / (1 + Foundation.exp(-2)), accuracy: 1e-7)
        XCTAssertEqual(cloud.scales[0], SIMD3(1, Foundation.exp(1), Foundation.exp(-1)))
    }

    func testSkipsFixedSizeElementsBeforeVertexAndIgnoresElementsAfter() throws {
        let lines = ["element camera 2", "property float fx", "property uchar id"]
            + ["element vertex 1"] + minimalProperties.map { "property float \($0)" }
            + ["element face 3", "property list uchar int vertex_indices"]
        let body = le([Float(500)]) + [1] + le([Float(600)]) + [2] + le(minimalRow) + [3] + le(Int32(0)) + le(Int32(1)) + le(Int32(2))
        let cloud = try PLYReader.read(plyData(lines, body: body))
        XCTAssertEqual(cloud.positions, [SIMD3(1, 2, 3)])
    }

    func testAcceptsCRLFLineEnds() throws {
        let header = (["ply", "format binary_little_endian 1.0", "element vertex 1"]
            + minimalProperties.map { "property float \($0)" } + ["end_header"]).joined(separator: "\r\n") + "\r\n"
        let cloud = try PLYReader.read(Data(header.utf8) + Data(le(minimalRow)))
        XCTAssertEqual(cloud.positions, [SIMD3(1, 2, 3)])
    }

    func testSHDegreeFromRestCount() throws {
        for (restCount, degree) in [(0, 0), (9, 1), (24, 2), (45, 3)] {
            var names = minimalProperties
            names.insert(contentsOf: (0..<restCount).map { "f_rest_\($0)" }, at: 6)
            var row = minimalRow
            row.insert(contentsOf: (0..<restCount).map { Float($0) }, at: 6)
            let data = plyData(["element vertex 1"] + names.map { "property float \($0)" }, body: le(row))
            let cloud = try PLYReader.read(data)
            XCTAssertEqual(cloud.shDegree, degree)
            let k = (degree + 1) * (degree + 1)
            // Coefficient j ≥ 1 of channel c is f_rest_{c·(k−1) + j − 1}.
            for c in 0..<3 { for j in 1..<max(k, 1) {
                XCTAssertEqual(cloud.sh[j * 3 + c], Float(c * (k - 1) + j - 1))
            } }
        }
    }
}
