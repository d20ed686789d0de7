import FrameEncoder
import Foundation
import Logging
import Rasterizer
import SplatCore
import SplatIO
import SplatProtocol
import ZeroMQ

/// The render thread: runs every watched stream on the monotonic clock at its frame rate.
///
/// One frame at a time uses every core (the renderer splits tiles across threads), which keeps
/// each frame's latency low. When rendering falls behind, a stream skips the ticks it missed
/// and renders the newest drive state; nothing waits in a queue.
final class FrameScheduler: @unchecked Sendable {
    private let registry: Registry
    private let outbox: Outbox
    private let renderer: Renderer
    private let logger: Logger
    private let condition = NSCondition()
    private var stopping = false
    private var kicked = false
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(registry: Registry, outbox: Outbox, renderThreads: Int, logger: Logger) {
        self.registry = registry
        self.outbox = outbox
        renderer = Renderer(threadCount: renderThreads)
        self.logger = logger
    }

    var renderThreads: Int { renderer.threadCount }

    func start() {
        let t = Thread { [self] in
            loop()
            done.signal()
        }
        t.name = "splatd-render"
        t.stackSize = 4 << 20
        thread = t
        t.start()
    }

    /// Wakes the loop to re-examine streams (new stream, new subscriber, settings changed).
    func kick() {
        condition.lock()
        kicked = true
        condition.signal()
        condition.unlock()
    }

    /// Stops after the frame in flight and waits for the thread to end.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        if thread != nil { done.wait() }
        thread = nil
    }

    private func loop() {
        while true {
            condition.lock()
            if stopping { condition.unlock(); return }
            kicked = false
            condition.unlock()

            let now = monotonicSeconds()
            let watched = registry.allStreams.filter { $0.subscribers > 0 }
            // A new drive frame pulls the stream's next tick forward (but never closer than
            // three quarters of a period to the previous frame): frames follow the tracker's
            // phase, which saves up to a frame period of latency, and the rate stays near fps.
            for stream in watched where stream.takeDriveArrived() {
                let period = 1 / Double(stream.settings.fps)
                stream.nextTick = min(stream.nextTick, max(now, stream.lastRender + 0.75 * period))
            }
            let due = watched.filter { $0.nextTick <= now }.min { $0.nextTick < $1.nextTick }
            if let stream = due {
                if postponeForDrive(stream, now: now) { continue }
                renderFrame(stream, now: now)
                continue
            }
            // Sleep until the next tick of a watched stream, or until kicked.
            let next = watched.map(\.nextTick).min() ?? (now + 0.25)
            condition.lock()
            if !stopping && !kicked {
                _ = condition.wait(until: Date(timeIntervalSinceNow: max(0.0005, min(next - now, 0.25))))
            }
            condition.unlock()
        }
    }

    private func renderFrame(_ stream: StreamSlot, now: Double) {
        let settings = stream.settings
        let period = 1 / Double(settings.fps)
        // Skip ticks that were missed: render the newest state, never catch up with old ones.
        var skipped: UInt64 = 0
        if stream.nextTick == 0 || now - stream.nextTick > period {
            if stream.nextTick != 0 { skipped = UInt64((now - stream.nextTick) / period) }
            stream.nextTick = now
        }
        let tick = stream.nextTick
        stream.nextTick += period
        stream.lastRender = now
        stream.postponed = false

        guard let avatar = registry.avatar(settings.avatarID) else { return }
        do {
            var resources = try prepare(stream, settings: settings, avatar: avatar)
            let renderStartUs = wallClockMicroseconds()
            let renderStart = monotonicSeconds()
            let snapshot = avatar.driveSnapshot(at: renderStart)
            try avatar.avatar.pose(snapshot.values, into: &resources.cloud)
            let convention: Convention = switch settings.convention {
            case .gsplat: .gsplat
            case .inria: .inria
            default: avatar.avatar.defaultConvention
            }
            let background = settings.background ?? avatar.avatar.defaultBackground
            let report = renderer.render(resources.cloud, camera: resources.camera,
                                         options: RenderOptions(convention: convention, background: background),
                                         into: resources.framebuffer)
            let renderDoneUs = wallClockMicroseconds()
            let encodeStart = monotonicSeconds()
            try resources.framebuffer.rgb8.withUnsafeBytes { pixels in
                try resources.encoder.encode(pixels, width: settings.width, height: settings.height,
                                             layout: .rgb8, into: &resources.encoded)
            }
            let encodeDone = monotonicSeconds()
            let image = ZMQOwnedBuffer(copying: resources.encoded)
            stream.frameSequence += 1
            // Latency counts only frames that are the first to show a drive frame that arrived
            // while the stream was running (not one from before a viewer subscribed).
            let fresh = renderStartUs &- snapshot.receivedUs <= UInt64(max(2 * period, 0.1) * 1e6)
            let firstShowing = snapshot.sequence != 0 && snapshot.sequence != stream.lastDriveShown && fresh
            stream.lastDriveShown = snapshot.sequence
            let meta = Splatd_V1_FrameMeta.with {
                $0.streamID = stream.id
                $0.frameSequence = stream.frameSequence
                $0.codec = settings.codec
                $0.width = UInt32(settings.width)
                $0.height = UInt32(settings.height)
                $0.avatarID = avatar.id
                $0.driveSequence = snapshot.sequence
                $0.driveSenderTimeUs = snapshot.senderTimeUs
                $0.driveReceivedUs = snapshot.receivedUs
                $0.frameTimeUs = renderStartUs &- UInt64(max(0, (renderStart - tick) * 1e6))
                $0.renderStartUs = renderStartUs
                $0.renderDoneUs = renderDoneUs
                $0.encodeDoneUs = wallClockMicroseconds()
                $0.gaussiansVisible = UInt32(clamping: report.visible)
                $0.audioSequence = snapshot.audioSequence
                $0.audioSenderTimeUs = snapshot.audioSenderTimeUs
            }
            stream.resources = resources
            stream.recordRender(renderSeconds: encodeStart - renderStart, encodeSeconds: encodeDone - encodeStart, skipped: skipped)
            outbox.post(Outbox.Frame(stream: stream, meta: meta.wireBytes(), image: image,
                                     driveSenderTimeUs: firstShowing ? snapshot.senderTimeUs : nil))
        } catch {
            logger.error("stream \(stream.id): cannot render: \(error)")
            outbox.post(.event(Splatd_V1_Event.with {
                $0.timeUs = wallClockMicroseconds()
                $0.error = "stream \(stream.id): \(error)"
            }.wireBytes()))
            stream.nextTick = now + 1  // retry later rather than spinning
        }
    }

    /// Phase lock: when a tracker sends at about the stream's rate and its next frame is due
    /// within a third of a period, a tick waits for it (once) instead of rendering the old pose
    /// and making the new one wait behind that render. Saves up to a render time of latency;
    /// the rate is unchanged. Trackers at other rates (25 Hz into 30 fps) tick as usual.
    private func postponeForDrive(_ stream: StreamSlot, now: Double) -> Bool {
        guard !stream.postponed, let avatar = registry.avatar(stream.settings.avatarID),
              let (expected, interval) = avatar.expectedDrive(at: now) else {
            stream.postponed = false
            return false
        }
        let period = 1 / Double(stream.settings.fps)
        guard abs(interval - period) < 0.15 * period, expected > now, expected - now < period / 3 else { return false }
        stream.postponed = true
        stream.nextTick = expected + 0.002
        return true
    }

    /// Returns the stream's resources, rebuilding them when the settings or avatar changed.
    /// The resources are taken out of the stream (and put back after the frame) so that their
    /// arrays are uniquely referenced: posing and encoding then write in place instead of
    /// copying 100k-element arrays every frame.
    private func prepare(_ stream: StreamSlot, settings: StreamSettings, avatar: AvatarSlot) throws -> RenderResources {
        let kept = stream.resources
        stream.resources = nil
        if let r = kept, r.settings == settings, r.avatar === avatar { return r }
        let camera = try settings.camera(headCentre: avatar.avatar.headCentre)
        let encoder = try makeEncoder(for: settings.frameCodec)
        return RenderResources(settings: settings, avatar: avatar, camera: camera,
                               framebuffer: Framebuffer(width: settings.width, height: settings.height),
                               encoder: encoder, cloud: avatar.avatar.makePoseBuffer())
    }
}
