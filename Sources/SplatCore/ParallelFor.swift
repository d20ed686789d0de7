import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A frame's work on every core: `DispatchQueue.concurrentPerform` over contiguous chunks.
///
/// The renderer and the rig loops split one frame across all cores (lower latency per frame
/// than one stream per core); this is the one place that does the splitting.
public enum Parallel {
    /// Cores available to this process.
    public static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Calls `body(worker)` for `worker` in `0..<workers` concurrently and waits for all.
    ///
    /// `body` runs on several threads at once; it must only write to memory that belongs to its
    /// worker (the callers hand each worker its own chunk of raw buffers).
    @inline(__always)
    public static func run(_ workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { box.value($0) }
        }
    }

    /// The `worker`-th of `workers` near-equal contiguous parts of `0..<count`.
    @inline(__always)
    public static func chunk(_ count: Int, _ worker: Int, _ workers: Int) -> Range<Int> {
        (count * worker / workers)..<(count * (worker + 1) / workers)
    }

    /// How many workers are worth it for `count` items: splitting small jobs costs more in
    /// wake-ups than it saves.
    @inline(__always)
    public static func workers(for count: Int, threads: Int, minimumPerWorker: Int = 2048) -> Int {
        max(1, min(threads, count / minimumPerWorker))
    }
}

/// Carries a closure that is not `Sendable` into `concurrentPerform`.
///
/// Safe here because `Parallel.run` waits for every worker before returning (the closure never
/// outlives the call) and each worker touches only its own part of the data.
private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
