/// Reads big-endian fields from a datagram, throwing ``TrackerError/truncated(_:)`` instead of
/// reading past its end. Both tracker protocols (Live Link Face, OSC) are big-endian.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - offset }

    mutating func uint8(_ what: String) throws(TrackerError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(what) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32(_ what: String) throws(TrackerError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(what) }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    mutating func int32(_ what: String) throws(TrackerError) -> Int32 { Int32(bitPattern: try uint32(what)) }

    mutating func float32(_ what: String) throws(TrackerError) -> Float { Float(bitPattern: try uint32(what)) }

    mutating func uint64(_ what: String) throws(TrackerError) -> UInt64 {
        UInt64(try uint32(what)) << 32 | UInt64(try uint32(what))
    }

    /// `count` raw bytes.
    mutating func bytes(_ count: Int, _ what: String) throws(TrackerError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated(what) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Skips to the next multiple of four (OSC's padding).
    mutating func alignToFour(_ what: String) throws(TrackerError) {
        let padded = (offset + 3) & ~3
        guard padded <= bytes.count else { throw .truncated(what) }
        offset = padded
    }

    /// The bytes up to (not including) the next NUL, which is consumed.
    mutating func bytesUntilNul(_ what: String) throws(TrackerError) -> ArraySlice<UInt8> {
        guard let end = bytes[offset...].firstIndex(of: 0) else { throw .truncated(what) }
        defer { offset = end + 1 }
        return bytes[offset..<end]
    }
}
