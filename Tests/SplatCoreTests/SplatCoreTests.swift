import Dispatch
import SplatCore
import XCTest

final class ARKitNamesTests: XCTestCase {
    func testCanonicalOrder() {
        XCTAssertEqual(ARKitNames.all.count, 52)
        XCTAssertEqual(Set(ARKitNames.all).count, 52)
        XCTAssertEqual(ARKitNames.index["jawOpen"], 17)
        XCTAssertEqual(ARKitNames.all.first, "eyeBlinkLeft")
        XCTAssertEqual(ARKitNames.all.last, "tongueOut")
    }
}

final class ParallelTests: XCTestCase {
    func testChunksCoverTheRangeOnceInOrder() {
        for count in [0, 1, 7, 100, 1001] {
            for workers in 1...5 {
                let parts = (0..<workers).map { Parallel.chunk(count, $0, workers) }
                XCTAssertEqual(parts.first?.lowerBound, 0)
                XCTAssertEqual(parts.last?.upperBound, count)
                for (a, b) in zip(parts, parts.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                XCTAssertLessThanOrEqual(parts.map(\.count).max()! - parts.map(\.count).min()!, 1)
            }
        }
    }

    func testRunVisitsEveryWorkerOnce() {
        let workers = 4
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 7)
        defer { hits.deallocate() }
        hits.initialize(repeating: 0, count: 7)
        struct Hit: ParallelWork {
            let hits: UnsafeMutablePointer<Int>
            func run(worker: Int) { hits[worker] += 1 }   // each worker writes only its own slot
        }
        Parallel.run(workers, Hit(hits: hits))
        Parallel.run(7, Hit(hits: hits))   // more workers than threads: each still runs once
        Parallel.run(workers, Hit(hits: hits))
        XCTAssertEqual((0..<workers).map { hits[$0] }, [3, 3, 3, 3])
        XCTAssertEqual(Parallel.workers(for: 100, threads: 8, minimumPerWorker: 2048), 1)
        XCTAssertEqual(Parallel.workers(for: 1 << 20, threads: 2), 2)
    }

    /// The pool's helpers first spin for the next job, then park: jobs back to back (caught
    /// while spinning), jobs spaced out (the helpers parked in between) and jobs from several
    /// threads at once (all but one run inline) each run every worker's part exactly once.
    func testJobsBackToBackSpacedAndConcurrentEachRunEveryPartOnce() {
        let workers = 2, callers = 3, jobs = 2000
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: callers * workers)
        defer { hits.deallocate() }
        hits.initialize(repeating: 0, count: callers * workers)
        struct Hit: ParallelWork, @unchecked Sendable {   // each worker writes only its own slot
            let hits: UnsafeMutablePointer<Int>
            func run(worker: Int) { hits[worker] += 1 }
        }
        let all = Hit(hits: hits)
        for _ in 0..<jobs { Parallel.run(workers, Hit(hits: hits)) }
        for _ in 0..<5 {
            usleep(2000)   // far longer than the spin: the helpers park
            Parallel.run(workers, Hit(hits: hits))
        }
        XCTAssertEqual((0..<workers).map { hits[$0] }, Array(repeating: jobs + 5, count: workers))
        // Each caller counts in its own slots.
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            let mine = Hit(hits: all.hits + caller * workers)
            for _ in 0..<jobs { Parallel.run(workers, mine) }
        }
        XCTAssertEqual(hits[0], 2 * jobs + 5)
        XCTAssertEqual((1..<callers * workers).map { hits[$0] - ($0 < workers ? jobs + 5 : 0) },
                       Array(repeating: jobs, count: callers * workers - 1))
    }
}

final class SplitMix64Tests: XCTestCase {
    func testSameSeedSameSequenceAndRanges() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let sa = (0..<8).map { _ in a.next() }
        XCTAssertEqual(sa, (0..<8).map { _ in b.next() })
        XCTAssertNotEqual(sa, (0..<8).map { _ in c.next() })
        var g = SplitMix64(seed: 1)
        var sum: Float = 0, squares: Float = 0
        for _ in 0..<20_000 {
            let u = g.nextFloat()
            XCTAssert(u >= 0 && u < 1)
            let n = g.normal()
            sum += n; squares += n * n
        }
        XCTAssertEqual(sum / 20_000, 0, accuracy: 0.05)
        XCTAssertEqual(squares / 20_000, 1, accuracy: 0.05)
    }
}

final class MetricsTests: XCTestCase {
    func testRollingWindowPercentilesAndRate() {
        var w = RollingWindow(capacity: 100)
        for v in 1...100 { w.add(Double(v)) }
        w.add(.nan)   // ignored
        let p = w.percentiles()
        XCTAssertEqual(p.p50, 51, accuracy: 1)
        XCTAssertEqual(p.max, 100)
        var r = RateMeter(horizon: 2)
        for i in 0...60 { r.tick(at: Double(i) / 30) }
        XCTAssertEqual(r.rate(at: 2), 30, accuracy: 0.5)
        XCTAssertEqual(r.rate(at: 10), 0)
    }

    func testStopwatchMeasuresMonotonicTime() {
        var s = Stopwatch()
        usleep(20_000)
        let lap = s.lap()
        XCTAssertGreaterThan(lap, 0.015)
        XCTAssertLessThan(s.lap(), lap)
    }
}

final class LockedTests: XCTestCase {
    /// Two threads increment one locked counter: no update is lost (and under
    /// ThreadSanitizer, no race is reported).
    func testUpdatesFromTwoThreadsAreNotLost() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            for _ in 0..<50_000 { counter.withLock { $0 += 1 } }
        }
        XCTAssertEqual(counter.withLock { $0 }, 100_000)
        struct Refusal: Error {}
        XCTAssertThrowsError(try counter.withLock { _ throws(Refusal) in throw Refusal() })
        XCTAssertEqual(counter.withLock { $0 }, 100_000, "the lock is released after a throw")
    }
}
