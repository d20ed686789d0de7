import Foundation

/// A RIFF/WAVE file held as interleaved 16-bit samples.
///
/// Reading accepts PCM 8, 16, 24 and 32-bit integer samples and 32-bit float samples (format
/// tags 1 and 3, also inside `WAVE_FORMAT_EXTENSIBLE`), any channel count, and skips chunks it
/// does not know (`LIST`, `fact`, …); everything is converted to 16-bit (floats are clamped to
/// ±1). A `data` chunk whose size field is larger than the file (streamed WAVs, e.g.
/// `espeak-ng --stdout`, write 0x7FFFFFFF or 0xFFFFFFFF) is read to the end of the file.
/// Writing produces canonical 44-byte-header PCM 16-bit files.
public struct WAVFile: Sendable, Equatable {
    /// Frames per second.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int
    /// Interleaved samples (frameCount × channels).
    public var samples: [Int16]

    /// Samples per channel.
    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }
    /// Duration in seconds.
    public var duration: Double { sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0 }

    public init(sampleRate: Int, channels: Int = 1, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    /// Reads a WAV file.
    /// - Throws: ``SplatIOError`` with reason ``SplatIOError/Reason/malformedWAV(_:)``.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SplatIOError(path: url.path, reason: .unreadable(error.localizedDescription))
        }
        try self.init(data: data, path: url.path)
    }

    /// Parses WAV bytes; `path` names them in errors.
    public init(data: Data, path: String = "<data>") throws {
        func fail(_ reason: String) -> SplatIOError { SplatIOError(path: path, reason: .malformedWAV(reason)) }
        let bytes = [UInt8](data)
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func tag(_ o: Int) -> String { String(decoding: bytes[o..<(o + 4)], as: UTF8.self) }
        guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else { throw fail("no RIFF/WAVE header") }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var samples: [Int16]?
        while offset + 8 <= bytes.count {
            let id = tag(offset)
            let declared = u32(offset + 4)
            let body = offset + 8
            let size = min(declared, bytes.count - body)
            switch id {
            case "fmt ":
                guard size >= 16 else { throw fail("fmt chunk of \(size) bytes") }
                var formatTag = u16(body)
                if formatTag == 0xFFFE {
                    guard size >= 26 else { throw fail("WAVE_FORMAT_EXTENSIBLE fmt chunk of \(size) bytes") }
                    formatTag = u16(body + 24)   // first two bytes of the sub-format GUID
                }
                format = (formatTag, u16(body + 2), u32(body + 4), u16(body + 14))
            case "data":
                guard let format else { throw fail("data chunk before the fmt chunk") }
                guard format.channels > 0 else { throw fail("0 channels") }
                samples = try Self.decode(bytes, from: body, count: size, format: format, fail: fail)
            default:
                break
            }
            if samples != nil { break }
            offset = body + size + (size & 1)
        }
        guard let format else { throw fail("no fmt chunk") }
        guard let samples else { throw fail("no data chunk") }
        guard format.rate > 0 else { throw fail("sample rate 0") }
        self.init(sampleRate: format.rate, channels: format.channels, samples: samples)
    }

    private static func decode(_ bytes: [UInt8], from start: Int, count: Int,
                               format: (tag: Int, channels: Int, rate: Int, bits: Int),
                               fail: (String) -> SplatIOError) throws -> [Int16] {
        let bytesPerSample = format.bits / 8
        switch (format.tag, format.bits) {
        case (1, 8), (1, 16), (1, 24), (1, 32), (3, 32): break
        default: throw fail("sample format tag \(format.tag) with \(format.bits) bits (PCM 8/16/24/32 or float 32 expected)")
        }
        let n = count / bytesPerSample
        var out = [Int16](repeating: 0, count: n - n % format.channels)
        bytes.withUnsafeBytes { raw in
            for i in 0..<out.count {
                let o = start + i * bytesPerSample
                switch (format.tag, format.bits) {
                case (1, 8): out[i] = Int16((Int(raw[o]) - 128) << 8)
                case (1, 16): out[i] = Int16(bitPattern: UInt16(raw[o]) | UInt16(raw[o + 1]) << 8)
                case (1, 24), (1, 32): out[i] = Int16(bitPattern: UInt16(raw[o + bytesPerSample - 2]) | UInt16(raw[o + bytesPerSample - 1]) << 8)
                default:
                    let v = raw.loadUnaligned(fromByteOffset: o, as: Float.self)
                    out[i] = v.isFinite ? Int16((min(1, max(-1, v)) * 32767).rounded()) : 0
                }
            }
        }
        return out
    }

    /// The file's bytes: a 44-byte PCM 16-bit header and the samples.
    public func data() -> Data {
        var d = Data(capacity: 44 + 2 * samples.count)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + 2 * samples.count)
        d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(channels); u32(sampleRate)
        u32(sampleRate * channels * 2); u16(channels * 2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(2 * samples.count)
        samples.withUnsafeBufferPointer { buffer in
            for s in buffer { withUnsafeBytes(of: s.littleEndian) { d.append(contentsOf: $0) } }
        }
        return d
    }

    /// Writes the file (PCM 16-bit).
    public func write(to url: URL) throws {
        try data().write(to: url)
    }

    /// The samples as floats (full scale ±1), interleaved.
    public func floats() -> [Float] { samples.map { Float($0) / 32768 } }

    /// The samples of one channel as floats.
    public func floats(channel: Int) -> [Float] {
        stride(from: channel, to: samples.count, by: channels).map { Float(samples[$0]) / 32768 }
    }
}
