import Foundation

/// Builds a numpy `.npz` archive: a zip file with one `<key>.npy` entry per array.
///
/// Entries are stored (like `np.savez`) or, with `compressed`, deflated (like
/// `np.savez_compressed`); CRC-32s come from zlib. numpy's `np.load` reads the result. Archives
/// over 4 GiB or with more than 65 535 entries (which would need zip64) are refused.
public struct NPZWriter: Sendable {
    /// Deflate the entries instead of storing them.
    public var compressed: Bool
    /// The arrays to write, in order.
    public private(set) var arrays: [(key: String, array: NPYArray)] = []

    /// An empty archive.
    public init(compressed: Bool = false) {
        self.compressed = compressed
    }

    /// Adds (or replaces) the array named `key`; the entry is called `key.npy`.
    public mutating func add(_ key: String, _ array: NPYArray) {
        if let i = arrays.firstIndex(where: { $0.key == key }) {
            arrays[i].array = array
        } else {
            arrays.append((key, array))
        }
    }

    /// The archive's bytes.
    /// - Throws: ``SplatIOError`` with reason `.unsupportedArchiveFeature` if zip64 would be needed.
    public func data(path: String = "<data>") throws -> Data {
        func tooLarge(_ what: String) -> SplatIOError {
            SplatIOError(path: path, reason: .unsupportedArchiveFeature(
                "\(what) would need zip64, which the writer does not produce"))
        }
        guard arrays.count < 0xFFFF else { throw tooLarge("\(arrays.count) entries") }
        var out = ByteWriter()
        var central = ByteWriter()
        for (key, array) in arrays {
            let name = Array((key + ".npy").utf8)
            let npy = NPYFile.bytes(for: array)
            let crc = npy.withUnsafeBytes { Zlib.crc32($0) }
            var payload = npy
            var method: UInt16 = 0
            if compressed, let deflated = npy.withUnsafeBytes({ Zlib.deflateRaw($0) }) {
                payload = deflated
                method = 8
            }
            let offset = out.count
            guard npy.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF, name.count <= 0xFFFF else { throw tooLarge("entry '\(key)'") }

            func header(_ w: inout ByteWriter, central: Bool) {
                w.append(UInt32(central ? 0x0201_4B50 : 0x0403_4B50))
                if central { w.append(UInt16(20)) }           // version made by
                w.append(UInt16(20))                           // version needed (2.0)
                w.append(UInt16(name.allSatisfy { $0 < 0x80 } ? 0 : 0x0800))  // flag bit 11: UTF-8 name
                w.append(method)
                w.append(UInt16(0)); w.append(UInt16(0x0021))  // 1980-01-01 00:00
                w.append(crc)
                w.append(UInt32(payload.count))
                w.append(UInt32(npy.count))
                w.append(UInt16(name.count))
                w.append(UInt16(0))                            // extra length
                if central {
                    w.append(UInt16(0)); w.append(UInt16(0)); w.append(UInt16(0))  // comment, disk, internal attributes
                    w.append(UInt32(0))                        // external attributes
                    w.append(UInt32(offset))
                }
                w.append(contentsOf: name)
            }
            header(&out, central: false)
            out.append(contentsOf: payload)
            header(&central, central: true)
        }
        let cdOffset = out.count
        guard cdOffset < 0xFFFF_FFFF, central.count < 0xFFFF_FFFF else { throw tooLarge("the archive") }
        out.append(contentsOf: central.bytes)
        out.append(UInt32(0x0605_4B50))
        out.append(UInt16(0)); out.append(UInt16(0))
        out.append(UInt16(arrays.count)); out.append(UInt16(arrays.count))
        out.append(UInt32(central.count))
        out.append(UInt32(cdOffset))
        out.append(UInt16(0))  // comment length
        return out.data
    }

    /// Writes the archive to `url` (atomically).
    public func write(to url: URL) throws {
        try FileAccess.write(data(path: url.path), to: url)
    }
}
