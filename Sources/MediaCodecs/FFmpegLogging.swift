import CFFmpeg

/// FFmpeg's process-wide log level.
enum FFmpegLogging {
    /// Lowers FFmpeg's log level to fatal errors, once per process, before the first encoder
    /// or muxer opens: libx264 otherwise prints its CPU flags, profile and end-of-stream
    /// statistics to stderr for every encoder, and the network protocols a line for every
    /// failed connection. Errors come back as `MediaCodecError` and `MediaMuxerError`, which
    /// the callers report.
    static let quiet: Void = { av_log_set_level(AV_LOG_FATAL) }()
}
