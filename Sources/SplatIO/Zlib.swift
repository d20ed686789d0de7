import CZlib
import Foundation

/// Raw-deflate and CRC-32 through the system zlib.
enum Zlib {
    /// zlib takes lengths as 32-bit `uInt`; longer buffers are fed in pieces of this size.
    private static let chunk = 1 << 30

    /// CRC-32 (the zip polynomial) of `bytes`.
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CZlib.crc32(0, nil, 0)
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return UInt32(crc) }
        var remaining = bytes.count
        while remaining > 0 {
            let n = min(remaining, chunk)
            crc = CZlib.crc32(crc, p, uInt(n))
            p += n
            remaining -= n
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// Inflates a raw deflate stream (no zlib or gzip wrapper) that must expand to exactly
    /// `expectedSize` bytes. Returns the failure instead of throwing so callers can name the entry.
    static func inflateRaw(_ input: UnsafeRawBufferPointer, expectedSize: Int) -> Result<[UInt8], InflateFailure> {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(InflateFailure(message: "inflateInit2 failed"))
        }
        defer { inflateEnd(&stream) }

        // Uninitialised storage: pages are only touched as inflate fills them, so a stream that
        // lies about its size fails without the whole buffer having been committed.
        var failure: InflateFailure?
        let output = [UInt8](unsafeUninitializedCapacity: expectedSize) { buffer, initialized in
            failure = inflateAll(&stream, input: input, output: buffer)
            initialized = failure == nil ? expectedSize : 0
        }
        if let failure { return .failure(failure) }
        return .success(output)
    }

    /// Runs `inflate` until the stream ends, which must happen exactly when `output` is full.
    private static func inflateAll(_ stream: inout z_stream, input: UnsafeRawBufferPointer,
                                   output: UnsafeMutableBufferPointer<UInt8>) -> InflateFailure? {
        let expectedSize = output.count
        let inBase = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        var inPos = 0
        var outPos = 0
        var spare: UInt8 = 0  // one byte past the end: if inflate writes it, the stream is too long
        while true {
            if stream.avail_in == 0 && inPos < input.count {
                let n = min(input.count - inPos, chunk)
                stream.next_in = inBase! + inPos
                stream.avail_in = uInt(n)
                inPos += n
            }
            let status: Int32
            if outPos >= expectedSize {
                status = withUnsafeMutablePointer(to: &spare) { sp in
                    stream.next_out = sp
                    stream.avail_out = 1
                    return inflate(&stream, Z_NO_FLUSH)
                }
                if stream.avail_out == 0 {
                    return InflateFailure(message: "data expands beyond the declared \(expectedSize) bytes")
                }
            } else {
                let n = min(expectedSize - outPos, chunk)
                stream.next_out = output.baseAddress! + outPos
                stream.avail_out = uInt(n)
                status = inflate(&stream, Z_NO_FLUSH)
                outPos += n - Int(stream.avail_out)
            }
            switch status {
            case Z_STREAM_END:
                return outPos == expectedSize
                    ? nil : InflateFailure(message: "data expands to \(outPos) bytes, declared \(expectedSize)")
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: fine only if more input is still to come.
                if stream.avail_in == 0 && inPos >= input.count {
                    return InflateFailure(message: "compressed data ends before the end of the deflate stream")
                }
            default:
                return InflateFailure(message: stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
            }
        }
    }

    /// Compresses `input` as a raw deflate stream (no wrapper), at zlib's default level.
    static func deflateRaw(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var inPos = 0
        let inBase = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        while true {
            if stream.avail_in == 0 && inPos < input.count {
                let n = min(input.count - inPos, chunk)
                stream.next_in = inBase! + inPos
                stream.avail_in = uInt(n)
                inPos += n
            }
            let flush = inPos >= input.count ? Z_FINISH : Z_NO_FLUSH
            let status: Int32 = buffer.withUnsafeMutableBufferPointer { b in
                stream.next_out = b.baseAddress
                stream.avail_out = uInt(b.count)
                let s = deflate(&stream, flush)
                output.append(contentsOf: b[0..<(b.count - Int(stream.avail_out))])
                return s
            }
            if status == Z_STREAM_END { return output }
            if status != Z_OK && status != Z_BUF_ERROR { return nil }
        }
    }

    /// Why inflating failed.
    struct InflateFailure: Error {
        var message: String
    }
}
