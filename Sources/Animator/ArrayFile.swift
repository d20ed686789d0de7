import Foundation
import SplatIO

/// Reads typed, shape-checked arrays out of an npz archive, turning every problem into an
/// ``AssetError`` that names the file and the key.
struct ArrayFile {
    /// The file's name as shown in errors (the path the caller gave).
    let path: String
    let archive: NPZArchive

    /// Opens the archive at `url`.
    init(contentsOf url: URL) throws {
        path = url.path
        do { archive = try NPZArchive(contentsOf: url) } catch let error as SplatIOError {
            throw AssetError.unreadable(path: url.path, reason: error.reason.description)
        }
    }

    /// Opens an archive held in memory; `path` names it in errors.
    init(data: Data, path: String) throws {
        self.path = path
        do { archive = try NPZArchive(data, path: path) } catch let error as SplatIOError {
            throw AssetError.unreadable(path: path, reason: error.reason.description)
        }
    }

    func contains(_ key: String) -> Bool { archive.contains(key) }

    /// The raw array, or `nil` when absent and not required.
    func array(_ key: String, required: Bool = true) throws -> NPYArray? {
        guard archive.contains(key) else {
            if required { throw AssetError.missingKey(path: path, key: key) }
            return nil
        }
        do { return try archive.array(key) } catch let error as SplatIOError {
            throw AssetError.unreadable(path: path, reason: "array '\(key)': \(error.reason.description)")
        }
    }

    /// Checks `array`'s shape against `pattern` (`nil` = any size) and returns the actual shape.
    func checkShape(_ array: NPYArray, _ key: String, _ pattern: [Int?], _ expected: String) throws -> [Int] {
        guard array.shape.count == pattern.count,
              zip(array.shape, pattern).allSatisfy({ $1 == nil || $0 == $1 })
        else { throw AssetError.wrongShape(path: path, key: key, found: array.shape, expected: expected) }
        return array.shape
    }

    /// A float array of the given shape pattern with every element finite.
    /// - Parameter allowFloat64: also accept `<f8` (converted to `Float`); otherwise only `<f4`.
    func floats(_ key: String, _ pattern: [Int?], _ expected: String, allowFloat64: Bool = false)
        throws -> (values: [Float], shape: [Int])
    {
        let array = try self.array(key)!
        return try floats(array, key, pattern, expected, allowFloat64: allowFloat64)
    }

    func floats(_ array: NPYArray, _ key: String, _ pattern: [Int?], _ expected: String, allowFloat64: Bool = false)
        throws -> (values: [Float], shape: [Int])
    {
        guard array.dtype == .float32 || (allowFloat64 && array.dtype == .float64) else {
            throw AssetError.wrongDType(path: path, key: key, found: array.dtype.rawValue,
                                        expected: allowFloat64 ? "<f4 or <f8 (float)" : "<f4 (float32)")
        }
        let shape = try checkShape(array, key, pattern, expected)
        let values = array.floats()
        if let bad = Self.firstNonFinite(values) {
            throw AssetError.nonFinite(path: path, key: key, index: bad)
        }
        return (values, shape)
    }

    /// An `<i4` array of the given shape pattern.
    func int32s(_ key: String, _ pattern: [Int?], _ expected: String) throws -> (values: [Int32], shape: [Int]) {
        let array = try self.array(key)!
        guard array.dtype == .int32 else {
            throw AssetError.wrongDType(path: path, key: key, found: array.dtype.rawValue, expected: "<i4 (int32)")
        }
        let shape = try checkShape(array, key, pattern, expected)
        let values = array.bytes.withUnsafeBytes { raw in
            [Int32](unsafeUninitializedCapacity: array.count) { buffer, initialized in
                if array.count > 0 { memcpy(buffer.baseAddress!, raw.baseAddress!, array.count * 4) }
                initialized = array.count
            }
        }
        return (values, shape)
    }

    /// A `|u1` array of the given shape pattern.
    func uint8s(_ key: String, _ pattern: [Int?], _ expected: String) throws -> (values: [UInt8], shape: [Int]) {
        let array = try self.array(key)!
        guard array.dtype == .uint8 else {
            throw AssetError.wrongDType(path: path, key: key, found: array.dtype.rawValue, expected: "|u1 (uint8)")
        }
        return (array.bytes, try checkShape(array, key, pattern, expected))
    }

    /// Index of the first NaN or infinity, if any.
    static func firstNonFinite(_ values: [Float]) -> Int? {
        values.withUnsafeBufferPointer { buffer -> Int? in
            // Fast scan: x − x is NaN exactly for NaN and ±∞.
            var i = 0
            let n = buffer.count
            while i + 8 <= n {
                let v = UnsafeRawPointer(buffer.baseAddress! + i).loadUnaligned(as: SIMD8<Float>.self)
                let d = v - v
                if (d .!= d) != SIMDMask(repeating: false) { break }
                i += 8
            }
            while i < n {
                if !buffer[i].isFinite { return i }
                i += 1
            }
            return nil
        }
    }
}
