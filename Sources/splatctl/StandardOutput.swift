#if canImport(Glibc)
// `stdout` is a C global: Swift 6 cannot prove access to it race-free. splatctl touches it only
// from the main thread (set-up and progress flushes), so the pre-concurrency import is sound.
@preconcurrency import Glibc
#endif

extension Console {
    /// Makes standard output line-buffered, so that progress lines reach a pipe at once.
    static func lineBufferStandardOutput() { setvbuf(stdout, nil, _IOLBF, 0) }

    /// Flushes standard output (a progress line without a newline).
    static func flush() { fflush(stdout) }
}
