import Dispatch
import Foundation

/// Runs a frame's work on every core: `DispatchQueue.concurrentPerform` over contiguous chunks.
enum Parallel {
    /// Cores available to this process.
    static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Calls `body(worker)` for `worker` in `0..<workers` concurrently and waits for all.
    @inline(__always)
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: workers, execute: body)
    }

    /// The `worker`-th of `workers` near-equal contiguous parts of `0..<count`.
    @inline(__always)
    static func chunk(_ count: Int, _ worker: Int, _ workers: Int) -> Range<Int> {
        (count * worker / workers)..<(count * (worker + 1) / workers)
    }

    /// How many workers are worth it for `count` items of roughly `cost` operations each:
    /// splitting small jobs costs more in wake-ups than it saves.
    @inline(__always)
    static func workers(for count: Int, threads: Int, minimumPerWorker: Int = 2048) -> Int {
        max(1, min(threads, count / minimumPerWorker))
    }
}
