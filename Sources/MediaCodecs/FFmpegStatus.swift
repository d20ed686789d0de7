import CFFmpeg

/// Helpers for FFmpeg's integer status codes (negative `AVERROR` values on failure).
enum FFmpegStatus {
    /// `AVERROR(EAGAIN)`: send more input, or read the output first.
    static let again = cffmpeg_error_again()
    /// `AVERROR_EOF`: the codec is drained.
    static let endOfFile = cffmpeg_error_eof()

    /// FFmpeg's text for `code` (what `av_err2str` gives in C).
    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE))
        // av_strerror always terminates the buffer, with a generic text for unknown codes.
        _ = av_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Throws `MediaCodecError.libraryFailure` when `code` is negative.
    ///
    /// - Returns: `code` when it is zero or positive.
    @discardableResult
    static func check(_ code: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
        guard code >= 0 else {
            throw MediaCodecError.libraryFailure(operation: operation(), code: code, message: message(code))
        }
        return code
    }

    /// Sets a private option of an opened or about-to-be-opened codec (`av_opt_set` on
    /// `priv_data`, where libx264 and libopus keep theirs).
    static func setOption(_ context: UnsafeMutablePointer<AVCodecContext>, _ name: String, _ value: String) throws {
        try check(av_opt_set(context.pointee.priv_data, name, value, 0), "av_opt_set(\(name)=\(value))")
    }
}
