import Foundation
import SplatIO

/// A FLAME avatar's viseme table: one expression vector per viseme, blended by the viseme
/// weights of a ``SpeechFrame``. File format: `docs/formats.md`, "Viseme table file" — an npz
/// with `visemes` (uint8: the 15 Oculus names joined by `\n`, any order) and `expr`
/// (15, E) float32, row *i* belonging to the *i*-th name.
public struct VisemeTable: Sendable, Equatable {
    /// Expression coefficients per viseme (E).
    public let expressionCount: Int
    /// 15 × E coefficients, row-major, rows in canonical viseme order (``Viseme/names``).
    public let expressions: [Float]

    /// A table from 15 rows in canonical order, each with the same count E ≥ 1.
    /// - Throws: ``AudioError/invalidVisemeTable(path:reason:)``.
    public init(rows: [[Float]]) throws {
        let fail = { (reason: String) in AudioError.invalidVisemeTable(path: "<rows>", reason: reason) }
        guard rows.count == Viseme.count else { throw fail("\(rows.count) rows, expected 15 (one per viseme)") }
        let e = rows[0].count
        guard e >= 1 else { throw fail("rows are empty") }
        guard rows.allSatisfy({ $0.count == e }) else { throw fail("rows of different lengths") }
        let flat = rows.flatMap { $0 }
        if let bad = flat.firstIndex(where: { !$0.isFinite }) { throw fail("element \(bad) is NaN or infinite") }
        expressionCount = e
        expressions = flat
    }

    /// Reads a viseme table file.
    /// - Throws: ``AudioError/invalidVisemeTable(path:reason:)`` naming the problem.
    public init(contentsOf url: URL) throws {
        let path = url.path
        func fail(_ reason: String) -> AudioError { .invalidVisemeTable(path: path, reason: reason) }
        let archive: NPZArchive
        do { archive = try NPZArchive(contentsOf: url) } catch { throw fail("cannot read the npz: \(error)") }
        for key in ["visemes", "expr"] where !archive.contains(key) { throw fail("missing array '\(key)'") }
        let namesArray: NPYArray, exprArray: NPYArray
        do {
            namesArray = try archive.array("visemes")
            exprArray = try archive.array("expr")
        } catch { throw fail("\(error)") }

        guard namesArray.dtype == .uint8 || namesArray.dtype == .int8, namesArray.shape.count == 1 else {
            throw fail("'visemes' must be a 1-D uint8 array (the names as UTF-8 joined by '\\n'), found dtype \(namesArray.dtype.rawValue) shape \(namesArray.shape)")
        }
        let text = String(decoding: namesArray.bytes, as: UTF8.self)
        var names = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if names.last == "" { names.removeLast() }   // a trailing newline is allowed
        guard names.count == Viseme.count else {
            throw fail("'visemes' holds \(names.count) names, expected the 15 Oculus visemes (\(Viseme.names.joined(separator: " ")))")
        }
        var order = [Int](repeating: -1, count: Viseme.count)     // file row → canonical index
        var seen = Set<Int>()
        for (row, name) in names.enumerated() {
            guard let viseme = Viseme(name: name) else {
                throw fail("'\(name)' is not an Oculus viseme name (\(Viseme.names.joined(separator: " ")); case-sensitive)")
            }
            guard seen.insert(viseme.rawValue).inserted else { throw fail("viseme '\(name)' appears twice") }
            order[row] = viseme.rawValue
        }

        guard exprArray.dtype == .float32 || exprArray.dtype == .float64 else {
            throw fail("'expr' must be float32 (float64 is accepted), found \(exprArray.dtype.rawValue)")
        }
        guard exprArray.shape.count == 2, exprArray.shape[0] == Viseme.count, exprArray.shape[1] >= 1 else {
            throw fail("'expr' has shape \(exprArray.shape), expected (15, E) with E ≥ 1")
        }
        let e = exprArray.shape[1]
        let values = exprArray.floats()
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw fail("'expr' element \(bad) is NaN or infinite") }
        var canonical = [Float](repeating: 0, count: Viseme.count * e)
        for row in 0..<Viseme.count {
            let dst = order[row] * e
            for j in 0..<e { canonical[dst + j] = values[row * e + j] }
        }
        expressionCount = e
        expressions = canonical
    }

    /// The expression vector of one viseme.
    public func row(_ viseme: Viseme) -> ArraySlice<Float> {
        expressions[(viseme.rawValue * expressionCount)..<((viseme.rawValue + 1) * expressionCount)]
    }

    /// Σ_v weights[v] × row(v), written into `output` (resized to E if needed; no allocation
    /// when it already has E elements).
    public func expression(for weights: VisemeWeights, into output: inout [Float]) {
        let e = expressionCount
        if output.count != e { output = [Float](repeating: 0, count: e) }
        expressions.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { out in
                for j in 0..<e { out[j] = 0 }
                for v in 0..<Viseme.count {
                    let w = weights[v]
                    if w == 0 { continue }
                    let row = table.baseAddress! + v * e
                    for j in 0..<e { out[j] += w * row[j] }
                }
            }
        }
    }

    /// The file's bytes (an uncompressed npz in the documented format, rows in canonical order).
    public func npzData() throws -> Data {
        var writer = NPZWriter()
        writer.add("visemes", NPYArray(shape: [Array(Viseme.names.joined(separator: "\n").utf8).count],
                                        uint8s: Array(Viseme.names.joined(separator: "\n").utf8)))
        writer.add("expr", NPYArray(shape: [Viseme.count, expressionCount], floats: expressions))
        return try writer.data()
    }

    /// Writes the table as a viseme table file.
    public func write(to url: URL) throws {
        try npzData().write(to: url)
    }
}
