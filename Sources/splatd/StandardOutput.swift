#if canImport(Glibc)
// `stdout` is a C global: Swift 6 cannot prove access to it race-free. `serve` touches it once,
// from the main thread before any other thread starts, so the pre-concurrency import is sound.
@preconcurrency import Glibc
#endif

/// Makes standard output line-buffered, so that log lines reach a pipe at once.
func lineBufferStandardOutput() { setvbuf(stdout, nil, _IOLBF, 0) }
