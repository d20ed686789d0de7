@testable import Daemon
import Foundation
import SplatProtocol
import XCTest
import ZeroMQ

/// The frame scheduler's rules with the time passed in: ticks at the stream's rate, skipping
/// instead of catching up, a frame at once for a new viewer, no more frames than the fps
/// whatever the tracker does, and the phase lock to a tracker.
final class StreamTicksTests: XCTestCase {
    private let period = 1.0 / 30

    func testTicksAtTheFrameRateAndSkipsWhatWasMissed() {
        var ticks = StreamTicks()
        let first = ticks.take(now: 10, period: period)
        XCTAssertEqual(first.tick, 10)
        XCTAssertEqual(first.skipped, 0)
        XCTAssertEqual(ticks.nextTick, 10 + period, accuracy: 1e-9)
        // On time: the tick it was due for.
        let second = ticks.take(now: 10 + period + 0.001, period: period)
        XCTAssertEqual(second.tick, 10 + period, accuracy: 1e-9)
        XCTAssertEqual(second.skipped, 0)
        // Rendering fell 5½ periods behind: the 5 missed ticks are skipped, the frame shows the
        // newest tick.
        let late = 10 + 7.5 * period
        let third = ticks.take(now: late, period: period)
        XCTAssertEqual(third.tick, 10 + 7 * period, accuracy: 1e-9)
        XCTAssertEqual(third.skipped, 5)
        XCTAssertEqual(ticks.nextTick, 10 + 8 * period, accuracy: 1e-9)
    }

    /// Streams of one rate tick on one grid, whenever they started, so that they show the same
    /// instants (and pose their avatar once per tick); equal ticks are equal to the bit.
    func testStreamsOfOneRateShareTheTickGrid() {
        var a = StreamTicks(), b = StreamTicks()
        XCTAssertEqual(a.take(now: 100.004, period: period).tick, 100.004, "the first frame at once")
        XCTAssertEqual(b.take(now: 100.021, period: period).tick, 100.021)
        XCTAssertEqual(a.nextTick, b.nextTick, "then both on the grid")
        XCTAssertGreaterThan(a.nextTick, 100.021)
        for k in 0..<100 {
            let now = a.nextTick + 0.003
            XCTAssertEqual(a.take(now: now, period: period).tick, b.take(now: now + 0.01, period: period).tick, "tick \(k)")
        }
        // One falls behind and skips: it lands on the grid again.
        let late = a.nextTick + 3.4 * period
        XCTAssertEqual(a.take(now: late, period: period).tick, b.take(now: late, period: period).tick)
    }

    func testANewViewerGetsAFrameAtOnce() {
        var ticks = StreamTicks()
        _ = ticks.take(now: 5, period: period)
        XCTAssertGreaterThan(ticks.nextTick, 5)
        ticks.frameWanted()
        XCTAssertEqual(ticks.nextTick, 0, "due at once")
        let frame = ticks.take(now: 5.001, period: period)
        XCTAssertEqual(frame.tick, 5.001)
        XCTAssertEqual(frame.skipped, 0, "an immediate frame skips nothing")
    }

    func testADriveFrameMovesALateTickEarlierButNeverCloserThanAPeriod() {
        var ticks = StreamTicks()
        _ = ticks.take(now: 1, period: period)            // rendered at 1; next due at 1 + period
        ticks.driveArrived(now: 1.01, period: period)      // too soon after the last frame
        XCTAssertEqual(ticks.nextTick, 1 + period, accuracy: 1e-9)
        var retried = StreamTicks()
        _ = retried.take(now: 1, period: period)
        retried.retry(at: 2)
        retried.driveArrived(now: 1.5, period: period)
        XCTAssertEqual(retried.nextTick, 1.5, accuracy: 1e-9, "a late tick comes forward: the drive frame is shown now")
    }

    /// Runs the scheduler's rules for `seconds`: a stream at `fps`, a tracker sending every
    /// `interval` (±1 ms jitter, the phase lock fed with its expected next frame); returns the
    /// render times.
    private func simulate(fps: Double, interval: Double, seconds: Double) -> [Double] {
        let period = 1 / fps
        var ticks = StreamTicks()
        var renders: [Double] = []
        var drive = 0.0123, jitter: UInt64 = 12345
        var lastDrive: Double?
        var now = 0.0
        while now < seconds {
            now = min(max(ticks.nextTick, now), drive)
            if now == drive {
                ticks.driveArrived(now: now, period: period)
                lastDrive = now
                jitter = jitter &* 6364136223846793005 &+ 1442695040888963407
                drive += interval + (Double(jitter >> 53) / Double(1 << 11) - 0.5) * 0.002
                continue
            }
            let expected = lastDrive.map { (time: $0 + interval, interval: interval) }
            if ticks.postpone(forDriveExpectedAt: expected, now: now, period: period) { continue }
            _ = ticks.take(now: now, period: period)
            renders.append(now)
            now += 0.002   // rendering takes a moment
        }
        return renders
    }

    func testDriveFramesNeverAddTicks() {
        // The case a user measured: a 15 fps stream driven at 30 Hz rendered 20 fps.
        for (fps, hz) in [(15.0, 30.0), (30, 28), (30, 60), (30, 31), (24, 30), (30, 10)] {
            let renders = simulate(fps: fps, interval: 1 / hz, seconds: 10)
            XCTAssertLessThanOrEqual(renders.count, Int(10 * fps) + 1, "\(fps) fps driven at \(hz) Hz")
            XCTAssertGreaterThanOrEqual(renders.count, Int(10 * fps * 0.9), "\(fps) fps driven at \(hz) Hz (a tracker near the rate may lock it to its own)")
            let closest = zip(renders.dropFirst(), renders).map { $0 - $1 }.min() ?? 1
            XCTAssertGreaterThanOrEqual(closest, 1 / fps - 1e-9, "no two frames closer than a period")
        }
    }

    func testTheTickWaitsOnceForATrackerAtTheStreamRate() {
        var ticks = StreamTicks()
        _ = ticks.take(now: 2, period: period)
        let now = 2 + period
        // The tracker's next frame is due 5 ms from now, at the stream's rate: wait for it.
        XCTAssertTrue(ticks.postpone(forDriveExpectedAt: (now + 0.005, period), now: now, period: period))
        XCTAssertEqual(ticks.nextTick, now + 0.007, accuracy: 1e-9)
        XCTAssertFalse(ticks.postpone(forDriveExpectedAt: (now + 0.006, period), now: now + 0.007, period: period),
                       "only once per tick")
        // A 25 Hz tracker into a 30 fps stream: no waiting.
        var other = StreamTicks()
        _ = other.take(now: 2, period: period)
        XCTAssertFalse(other.postpone(forDriveExpectedAt: (now + 0.005, 0.04), now: now, period: period))
        XCTAssertFalse(other.postpone(forDriveExpectedAt: nil, now: now, period: period))
    }
}

/// The outbox keeps at most one frame per stream: the newest replaces one not yet sent.
final class OutboxTests: XCTestCase {
    func testNewestFrameWinsAndRepliesComeFirst() throws {
        let outbox = try Outbox()
        let settings = try StreamSettings(Splatd_V1_OpenStream.with { $0.avatarID = "demo" })
        let a = StreamSlot(id: "a", settings: settings), b = StreamSlot(id: "b", settings: settings)
        func frame(_ stream: StreamSlot, _ byte: UInt8) -> Outbox.Frame {
            Outbox.Frame(stream: stream, meta: [byte], images: [ZMQOwnedBuffer(copying: [byte])], driveSenderTimeUs: nil)
        }
        outbox.post(frame(a, 1))
        outbox.post(frame(b, 2))
        outbox.post(frame(a, 3))            // replaces a's unsent frame
        outbox.post(.event([9]))
        let (items, frames) = outbox.drain()
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(frames.map(\.stream.id), ["a", "b"], "first-posted order kept")
        XCTAssertEqual(frames.map(\.meta), [[3], [2]], "a's newest frame")
        XCTAssertEqual(a.status(camera: nil, avatar: nil, now: 0).framesSkipped, 1, "the replaced frame counts as skipped")
        XCTAssertEqual(b.status(camera: nil, avatar: nil, now: 0).framesSkipped, 0)
        XCTAssertTrue(outbox.drain().frames.isEmpty, "drained")
    }

    func testH264FramesQueueAndAnOverflowAsksForAKeyframe() throws {
        let outbox = try Outbox()
        let settings = try StreamSettings(Splatd_V1_OpenStream.with { $0.avatarID = "demo"; $0.codec = .h264 })
        let v = StreamSlot(id: "v", settings: settings)
        func frame(_ byte: UInt8) -> Outbox.Frame {
            Outbox.Frame(stream: v, meta: [byte], images: [ZMQOwnedBuffer(copying: [byte])], driveSenderTimeUs: nil, chained: true)
        }
        for b in 0..<3 { outbox.post(frame(UInt8(b))) }
        XCTAssertEqual(outbox.drain().frames.map(\.meta), [[0], [1], [2]], "H.264 frames are never replaced")
        XCTAssertFalse(v.takeKeyframeWanted())
        for b in 0..<(Outbox.maximumChainedFrames + 1) { outbox.post(frame(UInt8(b))) }
        XCTAssertTrue(outbox.drain().frames.isEmpty, "an overflowing chain is dropped whole")
        XCTAssertTrue(v.takeKeyframeWanted(), "and the next frame is a keyframe")
        XCTAssertEqual(v.status(camera: nil, avatar: nil, now: 0).framesSkipped, UInt64(Outbox.maximumChainedFrames + 1))
    }
}

/// Control requests that race or hit limits, over the real control socket.
final class ControlLimitTests: XCTestCase {
    func testMaximumAvatarsIsEnforced() throws {
        let d = try DaemonHarness { $0.maximumAvatars = 1 }   // the demo takes the one place
        let reply = try d.request { $0.loadAvatar = .with { $0.avatarID = "second"; $0.path = "demo" } }
        XCTAssertEqual(reply.status, .limitReached, reply.error)
        XCTAssertTrue(reply.error.contains("maximum of 1"), reply.error)
        // Replacing the loaded avatar is not a new one: allowed at the limit.
        let replaced = try d.request { $0.loadAvatar = .with { $0.avatarID = "demo"; $0.path = "demo"; $0.replace = true } }
        XCTAssertEqual(replaced.status, .ok, replaced.error)
    }

    func testConcurrentLoadsOfOneIDLoadItOnce() throws {
        let d = try DaemonHarness()
        // Both requests are on the wire before either load finishes.
        for id: UInt64 in [101, 102] {
            let request = Splatd_V1_Request.with {
                $0.requestID = id; $0.version = 1
                $0.loadAvatar = .with { $0.avatarID = "twin"; $0.path = "demo" }
            }
            _ = try d.control.send(request.wireBytes())
        }
        var replies: [UInt64: Splatd_V1_Reply] = [:]
        for _ in 0..<2 {
            let bytes = try XCTUnwrap(try d.control.receive())
            let reply = try Splatd_V1_Reply(serializedBytes: bytes)
            replies[reply.requestID] = reply
        }
        XCTAssertEqual(Set(replies.keys), [101, 102])
        let statuses = replies.values.map(\.status)
        XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1, "\(replies.values.map(\.error))")
        XCTAssertEqual(statuses.filter { $0 == .alreadyExists }.count, 1, "\(replies.values.map(\.error))")
        let avatars = try d.ok { $0.listAvatars = .init() }.avatars.avatars.map(\.avatarID)
        XCTAssertEqual(avatars.filter { $0 == "twin" }.count, 1)
    }

    func testSetMixingOverTheWire() throws {
        let d = try DaemonHarness()
        let unknown = try d.request { $0.setMixing = .with { $0.avatarID = "nobody"; $0.mixing = .with { $0.jawAndMouth = .tracker } } }
        XCTAssertEqual(unknown.status, .notFound, unknown.error)
        let bad = try d.request { $0.setMixing = .with { $0.avatarID = "demo"; $0.mixing = .with { $0.headPose = .UNRECOGNIZED(7) } } }
        XCTAssertEqual(bad.status, .invalidRequest, bad.error)
        XCTAssertTrue(bad.error.contains("mixing source 7"), bad.error)
        let ok = try d.request {
            $0.setMixing = .with { $0.avatarID = "demo"; $0.mixing = .with { $0.jawAndMouth = .tracker; $0.headPose = .audio } }
        }
        XCTAssertEqual(ok.status, .ok, ok.error)
        XCTAssertEqual(ok.avatar.avatarID, "demo")
    }
}

/// Per-message warnings are rate-limited: the first ones, then one in `every`, each line
/// counting what went unlogged.
final class LogThrottleTests: XCTestCase {
    func testFirstLinesThenOneInEvery() {
        var throttle = LogThrottle(burst: 3, every: 10)
        let notes = (1...25).map { _ in throttle.admit() }
        XCTAssertEqual(notes.compactMap { $0 }.count, 5, "3 first lines, then the 10th and the 20th")
        XCTAssertEqual(notes[0], " [1 so far]")
        XCTAssertEqual(notes[9], " [10 so far, 6 since the last line not logged]")
        XCTAssertNil(notes[10])
        XCTAssertEqual(notes[19], " [20 so far, 9 since the last line not logged]")
        XCTAssertEqual(throttle.occurrences, 25)
    }
}
