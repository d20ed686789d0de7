import Foundation

/// A numpy `.npz` archive opened for reading: a zip file of `.npy` entries.
///
/// Opening parses and checks the zip central directory (every entry must lie inside the file);
/// arrays are decoded on demand by ``array(_:)``, so large unused entries cost nothing. Entries
/// may be stored (`np.savez`) or deflated (`np.savez_compressed`); zip64 records (which numpy
/// always writes) are understood. Keys are entry names without the `.npy` suffix.
public struct NPZArchive: Sendable {
    /// The archive's path (or the name given for in-memory data), used in errors.
    public let path: String
    /// The array names in archive order.
    public let keys: [String]

    private let data: Data
    private let entries: [String: ZipDirectory.Entry]

    /// Opens the archive at `url` (memory-mapped).
    /// - Throws: ``SplatIOError`` if the file cannot be read or its zip structure is broken.
    public init(contentsOf url: URL) throws {
        try self.init(FileAccess.read(url), path: url.path)
    }

    /// Opens an archive held in memory; `path` names it in errors.
    public init(_ data: Data, path: String = "<data>") throws {
        let directory = try data.withUnsafeBytes { try ZipDirectory($0, path: path) }
        var keys: [String] = []
        var entries: [String: ZipDirectory.Entry] = [:]
        for entry in directory.entries {
            let key = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            guard entries[key] == nil else {
                throw SplatIOError(path: path, reason: .malformedArchive("two entries for the key '\(key)'"))
            }
            keys.append(key)
            entries[key] = entry
        }
        self.path = path
        self.keys = keys
        self.data = data
        self.entries = entries
    }

    /// Whether the archive has an array named `key`.
    public func contains(_ key: String) -> Bool { entries[key] != nil }

    /// Decodes the array named `key`.
    /// - Throws: ``SplatIOError`` with reason `.missingEntry` if there is none, or naming the
    ///   entry (`archive.npz[key.npy]`) if it cannot be inflated or parsed.
    public func array(_ key: String) throws -> NPYArray {
        guard let entry = entries[key] else { throw SplatIOError(path: path, reason: .missingEntry(key)) }
        return try data.withUnsafeBytes { raw in
            try ZipDirectory.withContents(of: entry, in: raw, path: path) {
                try NPYFile.read($0, path: "\(path)[\(entry.name)]")
            }
        }
    }

    /// Decodes every array.
    public func arrays() throws -> [String: NPYArray] {
        var result: [String: NPYArray] = [:]
        for key in keys { result[key] = try array(key) }
        return result
    }
}
