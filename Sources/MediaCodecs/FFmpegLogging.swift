import CFFmpeg

/// FFmpeg's process-wide log level.
enum FFmpegLogging {
    /// Lowers FFmpeg's log level to errors, once per process, before the first encoder opens:
    /// libx264 otherwise prints its CPU flags, profile and end-of-stream statistics to stderr
    /// for every encoder. Errors still reach stderr (and come back as `MediaCodecError`).
    static let quiet: Void = { av_log_set_level(AV_LOG_ERROR) }()
}
