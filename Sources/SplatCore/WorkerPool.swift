#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Persistent worker threads that ``Parallel/run(_:_:)`` hands a frame's chunks to.
///
/// `DispatchQueue.concurrentPerform` allocates on every call (3–5 mallocs, a block copy and
/// continuations), and so does handing a closure to another thread (`withoutActuallyEscaping`
/// boxes it); a frame makes about a dozen such calls. Here the job is a ``ParallelWork`` value
/// on the caller's stack, passed by pointer with its type to threads parked on a condition
/// variable between jobs: a frame allocates nothing. The caller works as worker 0;
/// one job runs at a time, and a call made while another runs (from another thread, or nested
/// inside a job) runs its chunks inline instead of waiting, so it can never deadlock.
///
/// Waking a parked thread costs tens of microseconds in a virtual machine, once for the helper
/// and once more for the caller when the helper finishes last, on every step of a frame. So
/// both first watch an atomic for up to ``spinSeconds`` (longer than the gaps between a frame's
/// steps, far shorter than the gap between frames) and park only after that.
final class WorkerPool: @unchecked Sendable {
    // @unchecked: `job`, `jobType` and `workers` are written with `mutex` held while no helper
    // runs, and read by helpers under `mutex`; `generation` and `remaining` are atomics, changed
    // under `mutex` too so that a parked thread cannot miss its wake-up.

    /// The process-wide pool: one helper thread per core beyond the first.
    static let shared = WorkerPool(helpers: max(0, Parallel.coreCount - 1))

    /// How long a helper waits for the next job, and the caller for its helpers, before parking.
    static let spinSeconds = 50e-6

    /// Helper threads (the caller is the extra worker).
    let helpers: Int

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workAvailable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let workDone = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Held for the duration of a job: a second caller finds it taken and runs inline.
    private let busy = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// The current job: its value on the caller's stack and its type.
    private var job: UnsafeRawPointer?
    private var jobType: (any ParallelWork.Type)?
    private var workers = 0
    /// Bumped for every job.
    private let generation = Atomic<UInt64>(0)
    /// Helpers of the current job that have not finished.
    private let remaining = Atomic<Int>(0)
    private var started = false

    private init(helpers: Int) {
        self.helpers = helpers
        for m in [mutex, busy] {
            m.initialize(to: pthread_mutex_t())
            pthread_mutex_init(m, nil)
        }
        for c in [workAvailable, workDone] {
            c.initialize(to: pthread_cond_t())
            pthread_cond_init(c, nil)
        }
    }

    /// Runs `work.run(worker:)` for `worker` in `0..<workers` (at most `helpers + 1`) and
    /// returns when all have finished.
    func run<Work: ParallelWork>(_ workers: Int, _ work: Work) {
        let workers = min(workers, helpers + 1)
        guard workers > 1, pthread_mutex_trylock(busy) == 0 else {
            for w in 0..<workers { work.run(worker: w) }
            return
        }
        defer { pthread_mutex_unlock(busy) }
        startHelpersOnce()
        withUnsafePointer(to: work) { pointer in
            pthread_mutex_lock(mutex)
            job = UnsafeRawPointer(pointer)
            jobType = Work.self
            self.workers = workers
            remaining.store(workers - 1, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            pthread_cond_broadcast(workAvailable)
            pthread_mutex_unlock(mutex)

            work.run(worker: 0)

            Self.spin { remaining.load(ordering: .acquiring) == 0 }
            pthread_mutex_lock(mutex)
            while remaining.load(ordering: .acquiring) > 0 { pthread_cond_wait(workDone, mutex) }
            job = nil   // the pointer is valid only inside `withUnsafePointer`
            jobType = nil
            pthread_mutex_unlock(mutex)
        }
    }

    /// Polls `done` until it comes true, for at most `spinSeconds`.
    private static func spin(until done: () -> Bool) {
        var deadline = 0.0
        var polls = 0
        while !done() {
            polls += 1
            // Read the clock every 64 polls: a poll is a few nanoseconds, the clock tens.
            guard polls & 63 == 0 else { continue }
            let now = monotonicSeconds()
            if deadline == 0 { deadline = now + spinSeconds } else if now >= deadline { return }
        }
    }

    private func startHelpersOnce() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !started else { return }
        started = true
        for index in stride(from: 1, through: helpers, by: 1) {
            let context = Unmanaged.passRetained(HelperContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<HelperContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.helperLoop(index: context.index)
            }, context)
            if status == 0 { pthread_detach(thread) } else { Unmanaged<HelperContext>.fromOpaque(context).release() }
        }
    }

    /// A helper thread: waits for a job, runs its chunk if the job has one for it, reports back.
    private func helperLoop(index: Int) -> Never {
        var seen: UInt64 = 0
        while true {
            Self.spin { generation.load(ordering: .acquiring) != seen }
            pthread_mutex_lock(mutex)
            while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(workAvailable, mutex) }
            seen = generation.load(ordering: .acquiring)
            let (pointer, type) = index < workers ? (job, jobType) : (nil, nil)
            pthread_mutex_unlock(mutex)
            guard let pointer, let type else { continue }
            Self.call(type, pointer, index)
            pthread_mutex_lock(mutex)
            if remaining.subtract(1, ordering: .releasing).newValue == 0 { pthread_cond_signal(workDone) }
            pthread_mutex_unlock(mutex)
        }
    }

    /// Opens the job's type: `pointer` points at a `Work` value.
    private static func call<Work: ParallelWork>(_: Work.Type, _ pointer: UnsafeRawPointer, _ index: Int) {
        pointer.assumingMemoryBound(to: Work.self).pointee.run(worker: index)
    }
}

private final class HelperContext {
    let pool: WorkerPool
    let index: Int
    init(pool: WorkerPool, index: Int) { self.pool = pool; self.index = index }
}
