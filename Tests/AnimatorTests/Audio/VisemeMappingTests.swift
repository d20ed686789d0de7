import Animator
import Foundation
import SplatIO
import XCTest

final class VisemeMappingTests: XCTestCase {
    private func w(_ arkit: [Float], _ name: String) -> Float { arkit[VisemeMapping.arkitIndex(name)!] }

    func testNamesAreTheCanonicalARKitList() {
        XCTAssertEqual(VisemeMapping.arkitNames.count, 52)
        XCTAssertEqual(Set(VisemeMapping.arkitNames).count, 52)
        XCTAssertEqual(VisemeMapping.arkitNames.first, "eyeBlinkLeft")
        XCTAssertEqual(VisemeMapping.arkitNames.last, "tongueOut")
        XCTAssertEqual(VisemeMapping.arkitIndex("jawOpen"), 17)
        XCTAssertEqual(Viseme.names.count, Viseme.count)
        XCTAssertEqual(Viseme.allCases.map(\.name), Viseme.names)
        XCTAssertEqual(Viseme(name: "PP"), .pp)
        XCTAssertNil(Viseme(name: "pp"))
    }

    func testSpeechDrivesOnlyJawMouthAndTongue() {
        let names = VisemeMapping.arkitSpeechIndices.map { VisemeMapping.arkitNames[$0] }
        XCTAssertTrue(names.contains("jawOpen"))
        XCTAssertTrue(names.contains("tongueOut"))
        XCTAssertTrue(names.contains("mouthClose"))
        XCTAssertFalse(names.contains { $0.hasPrefix("eye") || $0.hasPrefix("brow") })
        // Every shape the table writes is one speech drives.
        let driven = Set(VisemeMapping.arkitSpeechIndices)
        for v in 0..<Viseme.count {
            for i in 0..<52 where VisemeMapping.arkitMatrix[v * 52 + i] != 0 {
                XCTAssertTrue(driven.contains(i), "\(Viseme(rawValue: v)!) writes \(VisemeMapping.arkitNames[i])")
            }
        }
    }

    func testSilenceIsNeutral() {
        let arkit = VisemeMapping.arkitWeights(for: .silence())
        XCTAssertEqual(arkit, [Float](repeating: 0, count: 52))
    }

    func testBilabialSealsTheLips() {
        var weights = VisemeWeights()
        weights[.pp] = 0.8
        weights[.aa] = 0.2
        let arkit = VisemeMapping.arkitWeights(for: SpeechFrame(time: 0, levelDB: -30, voiceActive: true, jawOpen: 0.25, weights: weights))
        XCTAssertEqual(w(arkit, "jawOpen"), 0.25)
        XCTAssertEqual(w(arkit, "mouthClose"), 0.8 * 0.25, accuracy: 1e-6)
        XCTAssertEqual(w(arkit, "mouthPressLeft"), 0.8 * 0.55, accuracy: 1e-6)
        XCTAssertEqual(w(arkit, "mouthPressRight"), w(arkit, "mouthPressLeft"))
        XCTAssertGreaterThan(w(arkit, "mouthPressLeft"), w(arkit, "mouthLowerDownLeft"))
    }

    func testVowelsHaveTheirShapes() {
        func arkit(_ v: Viseme, jaw: Float) -> [Float] {
            VisemeMapping.arkitWeights(for: SpeechFrame(time: 0, levelDB: -20, voiceActive: true, jawOpen: jaw, weights: VisemeWeights(only: v)))
        }
        XCTAssertGreaterThan(w(arkit(.ou, jaw: 0.3), "mouthPucker"), 0.5)
        XCTAssertGreaterThan(w(arkit(.oh, jaw: 0.6), "mouthFunnel"), 0.5)
        XCTAssertGreaterThan(w(arkit(.ih, jaw: 0.3), "mouthSmileLeft"), 0.3)
        XCTAssertGreaterThan(w(arkit(.th, jaw: 0.2), "tongueOut"), 0.3)
        XCTAssertGreaterThan(w(arkit(.ff, jaw: 0.1), "mouthRollLower"), 0.5)
        XCTAssertEqual(w(arkit(.aa, jaw: 0.9), "jawOpen"), 0.9)
        XCTAssertEqual(w(arkit(.aa, jaw: 0.9), "mouthClose"), 0)
        // All weights within 0…1 even for an impossible mixture.
        var all = VisemeWeights()
        for v in 0..<15 { all[v] = 1 }
        let mixed = VisemeMapping.arkitWeights(for: SpeechFrame(time: 0, levelDB: 0, voiceActive: true, jawOpen: 3, weights: all))
        XCTAssertTrue(mixed.allSatisfy { (0...1).contains($0) })
    }

    func testNoAllocationFormReusesTheBuffer() {
        var out = [Float](repeating: 7, count: 52)
        VisemeMapping.arkitWeights(weights: VisemeWeights(only: .e), jawOpen: 0.5, into: &out)
        XCTAssertEqual(out.count, 52)
        XCTAssertEqual(w(out, "eyeBlinkLeft"), 0)
        XCTAssertEqual(w(out, "mouthStretchLeft"), 0.4, accuracy: 1e-6)
    }

    func testFLAMEJaw() {
        XCTAssertEqual(VisemeMapping.flameJaw(jawOpen: 1), SIMD3(0.35, 0, 0))
        XCTAssertEqual(VisemeMapping.flameJaw(jawOpen: 0.5).x, 0.175, accuracy: 1e-6)
        XCTAssertEqual(VisemeMapping.flameJaw(jawOpen: -1), .zero)
        let (jaw, expression) = VisemeMapping.flame(for: .silence(), table: nil)
        XCTAssertEqual(jaw, .zero)
        XCTAssertTrue(expression.isEmpty)
    }

    // MARK: - Viseme table file

    private func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("splatd-viseme-\(UUID().uuidString)-\(name)")
    }

    /// Writes an npz with the given arrays.
    private func writeNPZ(_ arrays: [(String, NPYArray)]) throws -> URL {
        var writer = NPZWriter()
        for (key, array) in arrays { writer.add(key, array) }
        let url = temporaryFile("table.npz")
        try writer.data().write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func namesArray(_ names: [String], trailingNewline: Bool = false) -> NPYArray {
        let bytes = Array((names.joined(separator: "\n") + (trailingNewline ? "\n" : "")).utf8)
        return NPYArray(shape: [bytes.count], uint8s: bytes)
    }

    func testTableRoundTripsAndBlends() throws {
        // Row v holds v in its first coefficient and 1 in its second.
        let rows = (0..<15).map { [Float($0), 1, 0] }
        let table = try VisemeTable(rows: rows)
        let url = temporaryFile("roundtrip.npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try table.write(to: url)
        let loaded = try VisemeTable(contentsOf: url)
        XCTAssertEqual(loaded, table)
        XCTAssertEqual(loaded.expressionCount, 3)
        XCTAssertEqual(Array(loaded.row(.oh)), [13, 1, 0])

        var weights = VisemeWeights()
        weights[.pp] = 0.25
        weights[.aa] = 0.75
        var out: [Float] = []
        loaded.expression(for: weights, into: &out)
        XCTAssertEqual(out[0], 0.25 * 1 + 0.75 * 10, accuracy: 1e-6)
        XCTAssertEqual(out[1], 1, accuracy: 1e-6)
        let frame = SpeechFrame(time: 0, levelDB: -20, voiceActive: true, jawOpen: 0.4, weights: weights)
        let flame = VisemeMapping.flame(for: frame, table: loaded)
        XCTAssertEqual(flame.expression, out)
        XCTAssertEqual(flame.jaw.x, 0.14, accuracy: 1e-6)
    }

    func testTableRowsMayComeInAnyOrder() throws {
        let names = Viseme.names.reversed().map { $0 }
        let expr = names.flatMap { name -> [Float] in [Float(Viseme(name: name)!.rawValue), 0] }
        let url = try writeNPZ([("visemes", namesArray(names, trailingNewline: true)),
                                ("expr", NPYArray(shape: [15, 2], floats: expr))])
        let table = try VisemeTable(contentsOf: url)
        for v in Viseme.allCases { XCTAssertEqual(table.row(v).first, Float(v.rawValue)) }
    }

    func testTableFloat64IsAccepted() throws {
        let url = try writeNPZ([("visemes", namesArray(Viseme.names)),
                                ("expr", NPYArray(shape: [15, 1], doubles: (0..<15).map(Double.init)))])
        XCTAssertEqual(try VisemeTable(contentsOf: url).row(.ou).first, 14)
    }

    func testBadTablesAreRejectedWithAReason() throws {
        func reason(_ arrays: [(String, NPYArray)]) throws -> String {
            let url = try writeNPZ(arrays)
            do {
                _ = try VisemeTable(contentsOf: url)
                return "accepted"
            } catch let error as AudioError {
                guard case let .invalidVisemeTable(path, reason) = error else { return "wrong error \(error)" }
                XCTAssertEqual(path, url.path)
                return reason
            }
        }
        let goodExpr = NPYArray(shape: [15, 4], floats: [Float](repeating: 0, count: 60))
        XCTAssertTrue(try reason([("expr", goodExpr)]).contains("missing array 'visemes'"))
        XCTAssertTrue(try reason([("visemes", namesArray(Viseme.names))]).contains("missing array 'expr'"))
        var renamed = Viseme.names
        renamed[3] = "th"
        XCTAssertTrue(try reason([("visemes", namesArray(renamed)), ("expr", goodExpr)]).contains("'th' is not an Oculus viseme"))
        var duplicated = Viseme.names
        duplicated[14] = "aa"
        XCTAssertTrue(try reason([("visemes", namesArray(duplicated)), ("expr", goodExpr)]).contains("appears twice"))
        XCTAssertTrue(try reason([("visemes", namesArray(Array(Viseme.names.prefix(14)))), ("expr", goodExpr)]).contains("14 names"))
        XCTAssertTrue(try reason([("visemes", namesArray(Viseme.names)),
                                  ("expr", NPYArray(shape: [14, 4], floats: [Float](repeating: 0, count: 56)))]).contains("shape"))
        XCTAssertTrue(try reason([("visemes", namesArray(Viseme.names)),
                                  ("expr", NPYArray(shape: [15, 4], int32s: [Int32](repeating: 0, count: 60)))]).contains("float32"))
        var bad = [Float](repeating: 0, count: 60)
        bad[7] = .nan
        XCTAssertTrue(try reason([("visemes", namesArray(Viseme.names)), ("expr", NPYArray(shape: [15, 4], floats: bad))]).contains("NaN"))
        XCTAssertTrue(try reason([("visemes", NPYArray(shape: [2], floats: [0, 1])), ("expr", goodExpr)]).contains("uint8"))
        XCTAssertThrowsError(try VisemeTable(contentsOf: temporaryFile("missing.npz")))
        XCTAssertThrowsError(try VisemeTable(rows: [[1]]))
    }
}
