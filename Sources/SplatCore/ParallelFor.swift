#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One parallel step of a frame: `run(worker:)` does the part of worker `worker`.
///
/// A value type that holds what the step needs (raw buffers, sizes), rather than a closure:
/// handing a closure to other threads allocates, and hot loops must not.
public protocol ParallelWork {
    /// Does worker `worker`'s part (e.g. `Parallel.chunk(count, worker, workers)`).
    func run(worker: Int)
}

/// A frame's work on every core: contiguous chunks on persistent worker threads.
///
/// The renderer and the rig loops split one frame across all cores (lower latency per frame
/// than one stream per core); this is the one place that does the splitting. It allocates
/// nothing per call (see `WorkerPool`).
public enum Parallel {
    /// Cores available to this process.
    public static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Calls `work.run(worker:)` for `worker` in `0..<workers` concurrently and waits for all.
    ///
    /// `work` runs on several threads at once; it must only write to memory that belongs to its
    /// worker (the callers hand each worker its own chunk of raw buffers). More workers than
    /// cores run one after another on the threads there are. Allocates nothing.
    @inline(__always)
    public static func run<Work: ParallelWork>(_ workers: Int, _ work: Work) {
        if workers <= 1 { work.run(worker: 0); return }
        let pool = WorkerPool.shared
        if workers <= pool.helpers + 1 {
            pool.run(workers, work)
        } else {
            pool.run(pool.helpers + 1, Strided(work: work, workers: workers, threads: pool.helpers + 1))
        }
    }

    /// More chunks than threads: each thread takes every n-th chunk.
    private struct Strided<Work: ParallelWork>: ParallelWork {
        let work: Work, workers: Int, threads: Int
        func run(worker thread: Int) {
            var w = thread
            while w < workers { work.run(worker: w); w += threads }
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
