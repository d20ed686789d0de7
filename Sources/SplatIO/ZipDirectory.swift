import Foundation

/// The table of contents of a zip archive, read from its central directory and checked against
/// the file's bounds, plus extraction of single entries (stored or deflated).
///
/// Zip64 archives (large entry sizes or offsets, or more than 65 535 entries) are handled;
/// encrypted entries, multi-disk archives and compression methods other than stored (0) and
/// deflate (8) are refused.
struct ZipDirectory: Sendable {
    /// One file in the archive.
    struct Entry: Sendable, Equatable {
        var name: String
        /// 0 = stored, 8 = deflated.
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        /// Offset of the entry's (compressed) data in the archive.
        var dataOffset: Int
    }

    /// Deflate never expands more than about 1032:1; a larger declared ratio is a lie or a bomb.
    static let maximumDeflateRatio = 1032

    var entries: [Entry]

    /// Reads and checks the central directory of the archive in `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, path: String) throws {
        func fail(_ reason: SplatIOError.Reason) -> SplatIOError { SplatIOError(path: path, reason: reason) }
        func u16(_ o: Int) -> Int { Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self))) }
        func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        let size = bytes.count

        // End of central directory: 22 bytes plus a comment of at most 65 535 bytes, at the end.
        guard size >= 22 else { throw fail(.malformedArchive("\(size) bytes is too short for a zip archive")) }
        var eocd = -1
        var candidate = size - 22
        let lowest = max(0, size - 22 - 65_535)
        while candidate >= lowest {
            if u32(candidate) == 0x0605_4B50, candidate + 22 + u16(candidate + 20) <= size {
                eocd = candidate
                break
            }
            candidate -= 1
        }
        guard eocd >= 0 else { throw fail(.malformedArchive("no end-of-central-directory record (not a zip file?)")) }

        let disk = u16(eocd + 4), cdDisk = u16(eocd + 6)
        var entryCount = u16(eocd + 10)
        var cdSize = u32(eocd + 12)
        var cdOffset = u32(eocd + 16)
        var directoryEnd = eocd  // the central directory must end before this offset
        if entryCount == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // Zip64: a 20-byte locator right before the end record points at the zip64 end record.
            guard eocd >= 20, u32(eocd - 20) == 0x0706_4B50 else {
                throw fail(.malformedArchive("zip64 values without a zip64 end-of-central-directory locator"))
            }
            let recordOffset = u64(eocd - 20 + 8)
            guard eocd >= 76, recordOffset <= UInt64(eocd - 76) else {
                throw fail(.malformedArchive("zip64 end record offset \(recordOffset) is outside the file"))
            }
            let r = Int(recordOffset)
            guard u32(r) == 0x0606_4B50 else { throw fail(.malformedArchive("bad zip64 end-of-central-directory signature")) }
            guard u32(r + 16) == 0, u32(r + 20) == 0 else {
                throw fail(.unsupportedArchiveFeature("multi-disk archive"))
            }
            let count64 = u64(r + 32), size64 = u64(r + 40), offset64 = u64(r + 48)
            guard count64 <= UInt64(size), size64 <= UInt64(size), offset64 <= UInt64(size) else {
                throw fail(.malformedArchive("zip64 central directory (\(count64) entries, \(size64) bytes at \(offset64)) "
                    + "does not fit in a \(size)-byte file"))
            }
            entryCount = Int(count64)
            cdSize = Int(size64)
            cdOffset = Int(offset64)
            directoryEnd = r
        } else if disk != 0 || cdDisk != 0 {
            throw fail(.unsupportedArchiveFeature("multi-disk archive"))
        }

        guard cdOffset <= directoryEnd, cdSize <= directoryEnd - cdOffset else {
            throw fail(.malformedArchive("central directory (\(cdSize) bytes at offset \(cdOffset)) extends past "
                + "the end record at \(directoryEnd)"))
        }
        guard entryCount <= cdSize / 46 else {
            throw fail(.malformedArchive("\(entryCount) entries cannot fit in a \(cdSize)-byte central directory"))
        }

        var declaredTotal = 0
        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var p = cdOffset
        let cdEnd = cdOffset + cdSize
        for index in 0..<entryCount {
            guard cdEnd - p >= 46, u32(p) == 0x0201_4B50 else {
                throw fail(.malformedArchive("central directory entry \(index) is damaged"))
            }
            let flags = u16(p + 8)
            let method = u16(p + 10)
            let crc = UInt32(u32(p + 16))
            var compressed = u32(p + 20)
            var uncompressed = u32(p + 24)
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            let startDisk = u16(p + 34)
            var localOffset = u32(p + 42)
            let variable = nameLength + extraLength + commentLength
            guard cdEnd - (p + 46) >= variable else {
                throw fail(.malformedArchive("central directory entry \(index) runs past the directory"))
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)

            // Zip64 extended information: the 64-bit values of the fields that are all ones, in order.
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
                var e = p + 46 + nameLength
                let extraEnd = e + extraLength
                var found = false
                while extraEnd - e >= 4 {
                    let id = u16(e), length = u16(e + 2)
                    guard extraEnd - (e + 4) >= length else { break }
                    if id == 0x0001 {
                        var f = e + 4
                        let fEnd = f + length
                        func next() throws -> Int {
                            guard fEnd - f >= 8 else {
                                throw fail(.malformedArchive("entry '\(name)': zip64 extra field too short"))
                            }
                            let v = u64(f)
                            f += 8
                            guard v <= UInt64(Int.max) else {
                                throw fail(.entryOutOfBounds(entry: name, detail: "zip64 value \(v) is absurd"))
                            }
                            return Int(v)
                        }
                        if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                        if compressed == 0xFFFF_FFFF { compressed = try next() }
                        if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                        found = true
                        break
                    }
                    e += 4 + length
                }
                guard found else { throw fail(.malformedArchive("entry '\(name)': zip64 sizes without a zip64 extra field")) }
            }

            if flags & 1 != 0 { throw fail(.unsupportedArchiveFeature("entry '\(name)' is encrypted")) }
            if startDisk != 0 && startDisk != 0xFFFF { throw fail(.unsupportedArchiveFeature("multi-disk archive")) }
            guard method == 0 || method == 8 else {
                throw fail(.unsupportedArchiveFeature(
                    "entry '\(name)' uses compression method \(method) (only stored and deflate)"))
            }

            // The local header repeats the name and has its own extra field; the data follows it.
            guard localOffset <= size - 30 else {
                throw fail(.entryOutOfBounds(
                    entry: name, detail: "local header at offset \(localOffset) is beyond the \(size)-byte file"))
            }
            guard u32(localOffset) == 0x0403_4B50 else {
                throw fail(.malformedArchive("entry '\(name)': no local header signature at offset \(localOffset)"))
            }
            let dataOffset = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
            guard dataOffset <= size, compressed <= size - dataOffset else {
                throw fail(.entryOutOfBounds(entry: name, detail: "\(compressed) bytes of data at offset \(dataOffset) "
                    + "run past the end of the \(size)-byte file"))
            }
            if method == 0 && compressed != uncompressed {
                throw fail(.malformedArchive("stored entry '\(name)' has compressed size \(compressed) ≠ size \(uncompressed)"))
            }
            if method == 8 && uncompressed / Self.maximumDeflateRatio > compressed + 1 {
                throw fail(.decompressionFailed(entry: name, detail: "declared size \(uncompressed) is impossible "
                    + "for \(compressed) deflated bytes"))
            }
            declaredTotal += uncompressed
            guard declaredTotal <= ArchiveLimits.maximumUncompressedBytes else {
                throw fail(.archiveTooLarge(entry: name, bytes: declaredTotal, limit: ArchiveLimits.maximumUncompressedBytes))
            }
            entries.append(Entry(name: name, method: UInt16(method), crc32: crc, compressedSize: compressed,
                                 uncompressedSize: uncompressed, dataOffset: dataOffset))
            p += 46 + variable
        }
        self.entries = entries
    }

    /// Calls `body` with the uncompressed, CRC-checked bytes of `entry`. Stored entries are
    /// passed straight from `bytes` without copying.
    static func withContents<R>(of entry: Entry, in bytes: UnsafeRawBufferPointer, path: String,
                                _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let input = UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
        if entry.method == 0 {
            guard Zlib.crc32(input) == entry.crc32 else {
                throw SplatIOError(path: path, reason: .checksumMismatch(entry: entry.name))
            }
            return try body(input)
        }
        let output: [UInt8]
        switch Zlib.inflateRaw(input, expectedSize: entry.uncompressedSize) {
        case .success(let o): output = o
        case .failure(let f):
            throw SplatIOError(path: path, reason: .decompressionFailed(entry: entry.name, detail: f.message))
        }
        return try output.withUnsafeBytes { out in
            guard Zlib.crc32(out) == entry.crc32 else {
                throw SplatIOError(path: path, reason: .checksumMismatch(entry: entry.name))
            }
            return try body(out)
        }
    }
}
