import Animator
import Foundation
import FrameEncoder
import Logging
import Rasterizer
import SplatCore
import SplatIO
import SplatProtocol
import ZeroMQ

/// The render thread: runs every watched stream on the monotonic clock at its frame rate.
///
/// One frame at a time uses every core (the renderer splits tiles across threads), which keeps
/// each frame's latency low. When two streams of different views are due at once (the machine
/// is busy), they render side by side instead, one core each: small frames split across cores
/// waste part of each in hand-overs, so this serves more frames a second. When rendering falls
/// behind, a stream skips the ticks it missed and renders the newest drive state; nothing waits
/// in a queue.
final class FrameScheduler: Sendable {
    private let registry: Registry
    private let outbox: Outbox
    /// Used by the render thread only (the renderer is not reentrant).
    private let renderer: Renderer
    /// Two single-threaded renderers for two frames side by side (none on a one-core machine):
    /// the render thread uses the first, a helper thread the second.
    private let lanes: [Renderer]
    /// The latest pose of each level of detail, shared by the streams and both threads.
    let poses = PoseCache()
    private let logger: Logger
    private let control = Locked(Control())
    private let renderErrors = Locked(LogThrottle())
    /// Signalled by `kick` and `stop`; the loop sleeps on it between ticks.
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    private struct Control {
        var started = false
        var stopping = false
    }

    init(registry: Registry, outbox: Outbox, renderThreads: Int, logger: Logger) {
        self.registry = registry
        self.outbox = outbox
        renderer = Renderer(threadCount: renderThreads)
        lanes = renderThreads >= 2 ? [Renderer(threadCount: 1), Renderer(threadCount: 1)] : []
        self.logger = logger
    }

    var renderThreads: Int { renderer.threadCount }

    func start() {
        guard control.withLock({ c in defer { c.started = true }; return !c.started }) else { return }
        let t = Thread { [self] in
            loop()
            done.signal()
        }
        t.name = "splatd-render"
        t.stackSize = 4 << 20
        t.start()
    }

    /// Wakes the loop to re-examine streams (new stream, new subscriber, settings changed).
    func kick() { wake.signal() }

    /// Stops after the frame in flight and waits for the thread to end.
    func stop() {
        let wasRunning = control.withLock { c in
            defer { c.stopping = true }
            return c.started && !c.stopping
        }
        wake.signal()
        if wasRunning { done.wait() }
    }

    private var isStopping: Bool { control.withLock { $0.stopping } }

    /// The render thread. Its per-stream state lives here, in a local, so no other thread can
    /// reach it; streams are keyed by identity, so a stream closed and reopened under the same
    /// id starts afresh.
    private func loop() {
        var states: [ObjectIdentifier: StreamRenderState] = [:]
        while !isStopping {
            let now = monotonicSeconds()
            let watched = registry.allStreams.filter(\.isWatched)
            if states.count > watched.count {
                let live = Set(watched.map { ObjectIdentifier($0) })
                states = states.filter { live.contains($0.key) }
            }
            // A stream that (re)joins starts at the others' virtual time: it gets its share from
            // now on, with no credit for the time it was not watched.
            let joined = states.values.map(\.pass).min() ?? 0
            for stream in watched {
                let marks = stream.takeMarks()
                let period = 1 / Double(stream.settings.fps)
                if marks.frameWanted { states[ObjectIdentifier(stream), default: .init(stream: stream, pass: joined)].ticks.frameWanted() }
                if marks.driveArrived { states[ObjectIdentifier(stream), default: .init(stream: stream, pass: joined)].ticks.driveArrived(now: now, period: period) }
            }
            // Of the streams due, the one furthest behind in its own frames (proportional share:
            // see StreamRenderState.pass); the earliest tick breaks ties.
            let due = watched.map { stream -> (StreamSlot, pass: Double, tick: Double) in
                let state = states[ObjectIdentifier(stream)]
                return (stream, state?.pass ?? joined, state?.ticks.nextTick ?? 0)
            }.filter { $0.tick <= now }.sorted { ($0.pass, $0.tick) < ($1.pass, $1.tick) }.map(\.0)
            if let stream = due.first {
                var state = states[ObjectIdentifier(stream)] ?? StreamRenderState(stream: stream, pass: joined)
                if !postponeForDrive(stream, ticks: &state.ticks, now: now) {
                    // Streams due now that show the same view take the same picture.
                    func job(_ stream: StreamSlot, _ state: StreamRenderState) -> RenderJob {
                        let view = stream.settings.viewKey
                        let companions = watched.filter { other in
                            other !== stream && other.settings.viewKey == view
                                && (states[ObjectIdentifier(other)]?.ticks.nextTick ?? 0) <= now
                        }.map { ($0, states[ObjectIdentifier($0)] ?? StreamRenderState(stream: $0, pass: joined)) }
                        return RenderJob(stream: stream, state: state, companions: companions)
                    }
                    var jobs = [job(stream, state)]
                    // The next due stream of another view renders beside it — if it would be
                    // next anyway, before this one's following frame: with two lanes and two
                    // streams, pairing always would give a 10 and a 30 fps stream the same rate.
                    let turn = state.pass + 1 / Double(stream.settings.fps) + 1e-9
                    if lanes.count == 2, let second = due.dropFirst().first(where: {
                        $0.settings.viewKey != stream.settings.viewKey && (states[ObjectIdentifier($0)]?.pass ?? joined) <= turn
                    }) {
                        var secondState = states[ObjectIdentifier(second)] ?? StreamRenderState(stream: second, pass: joined)
                        if !postponeForDrive(second, ticks: &secondState.ticks, now: now) {
                            jobs.append(job(second, secondState))
                        } else {
                            states[ObjectIdentifier(second)] = secondState
                        }
                    }
                    for var done in renderSideBySide(jobs, now: now) {
                        done.pass += 1 / Double(done.stream.settings.fps)
                        states[ObjectIdentifier(done.stream)] = done
                    }
                    continue
                }
                states[ObjectIdentifier(stream)] = state
                continue
            }
            // Nothing due: let go of poses no stream renders any more, then sleep until the next
            // tick of a watched stream, or until kicked.
            poses.keep(only: states.values.compactMap { $0.resources?.level })
            let next = watched.map { states[ObjectIdentifier($0)]?.ticks.nextTick ?? 0 }.min() ?? (now + 0.25)
            _ = wake.wait(timeout: .now() + max(0.0005, min(next - now, 0.25)))
        }
    }

    /// A stream to render now and the due streams of the same view that take its picture.
    /// Handed to one thread and read back after it finished.
    private final class RenderJob: @unchecked Sendable {
        let stream: StreamSlot
        var state: StreamRenderState
        let companions: [(stream: StreamSlot, state: StreamRenderState)]
        /// The states after the frame: the stream's, then its companions' that were served.
        var finished: [StreamRenderState] = []

        init(stream: StreamSlot, state: StreamRenderState, companions: [(stream: StreamSlot, state: StreamRenderState)]) {
            self.stream = stream; self.state = state; self.companions = companions
        }
    }

    /// Renders one job with every core, or two side by side with one core each (the second on
    /// a helper thread); returns the states of every stream served.
    private func renderSideBySide(_ jobs: [RenderJob], now: Double) -> [StreamRenderState] {
        if jobs.count == 1 {
            run(jobs[0], now: now, renderer: renderer)
        } else {
            let beside = DispatchGroup()
            let second = jobs[1]
            DispatchQueue.global(qos: .userInteractive).async(group: beside) { [self] in run(second, now: now, renderer: lanes[1]) }
            run(jobs[0], now: now, renderer: lanes[0])
            beside.wait()
        }
        return jobs.flatMap(\.finished)
    }

    private func run(_ job: RenderJob, now: Double, renderer: Renderer) {
        let shared = renderFrame(job.stream, state: &job.state, now: now, companions: job.companions, renderer: renderer)
        job.finished = [job.state] + shared
    }

    /// One rendered view: the pixels, the pose they show and when it was rendered. Streams that
    /// show the same view (`StreamSettings.viewKey`) at the same time encode the same picture.
    private struct Picture {
        /// The whole frame: one view, or the views side by side.
        let framebuffer: Framebuffer
        /// Each view's own image, when there are several.
        let views: [Framebuffer]
        let slot: AvatarSlot
        let snapshot: DriveSnapshot
        let report: RenderReport
        /// The tick the pose stands for, on the monotonic clock, and as a wall-clock time.
        let tick: Double
        let frameTimeUs: UInt64
        let renderStart: Double
        let renderStartUs: UInt64
        let renderDoneUs: UInt64
    }

    /// Renders `stream`'s next frame, and the same picture for `companions` (due streams that
    /// show the same view), each encoded its own way.
    private func renderFrame(_ stream: StreamSlot, state: inout StreamRenderState, now: Double,
                             companions: [(stream: StreamSlot, state: StreamRenderState)], renderer: Renderer) -> [StreamRenderState] {
        let settings = stream.settings
        let (tick, skipped) = state.ticks.take(now: now, period: 1 / Double(settings.fps))
        guard let slot = registry.avatar(settings.avatarID) else { return [] }
        let picture: Picture
        do {
            var resources = try prepare(&state, settings: settings, slot: slot)
            picture = try render(settings, slot: slot, resources: resources, tick: tick, renderer: renderer)
            try publish(stream, state: &state, resources: &resources, picture: picture, tick: tick, skipped: skipped)
            state.resources = resources
        } catch {
            failed(stream, state: &state, error: error, now: now)
            return []
        }
        return companions.map { companion in
            var (other, otherState) = companion
            // Read once: a client may change the settings meanwhile (then it renders its own).
            let otherSettings = other.settings
            guard otherSettings.viewKey == settings.viewKey else { return otherState }
            let (otherTick, otherSkipped) = otherState.ticks.take(now: now, period: 1 / Double(otherSettings.fps))
            do {
                var resources = try prepare(&otherState, settings: otherSettings, slot: slot)
                try publish(other, state: &otherState, resources: &resources, picture: picture, tick: otherTick, skipped: otherSkipped)
                otherState.resources = resources
            } catch {
                failed(other, state: &otherState, error: error, now: now)
            }
            return otherState
        }
    }

    /// Poses the avatar as it is at `tick` and renders the stream's views (both eyes of a stereo
    /// pair, every camera of a rig) into its framebuffer.
    private func render(_ settings: StreamSettings, slot: AvatarSlot, resources: RenderResources, tick: Double,
                        renderer: Renderer) throws -> Picture {
        let renderStartUs = wallClockMicroseconds()
        let renderStart = monotonicSeconds()
        // The face as it is at the tick, the time the frame is stamped with: a render that
        // starts late (a busy machine) still shows the mouth shape that goes with the voice
        // heard at that time. (Drive frames that arrived since are in the target already.)
        let snapshot = slot.driveSnapshot(at: min(tick, renderStart))
        let convention: Convention = switch settings.convention {
        case .gsplat: .gsplat
        case .inria: .inria
        default: slot.avatar.defaultConvention
        }
        let background = settings.background ?? slot.avatar.defaultBackground
        let options = RenderOptions(convention: convention, background: background)
        let cloud = try poses.posed(level: resources.level, values: snapshot.values) {
            try slot.avatar.pose(snapshot.values, level: resources.level, into: &$0)
        }
        var report = RenderReport()
        if resources.views.isEmpty {
            report = renderer.render(cloud, camera: resources.camera, options: options, into: resources.framebuffer)
        } else {
            // One pose, one render per view, placed side by side (live outputs and side-by-side
            // encoders take the whole frame; separate views are encoded from their own images).
            var visible = 0
            for (index, view) in resources.views.enumerated() {
                report = renderer.render(cloud, camera: view.camera, options: options, into: view.framebuffer)
                visible = max(visible, report.visible)
                resources.framebuffer.place(view.framebuffer, atColumn: index * view.framebuffer.width)
            }
            report.visible = visible
        }
        return Picture(framebuffer: resources.framebuffer, views: resources.views.map(\.framebuffer), slot: slot,
                       snapshot: snapshot, report: report, tick: tick,
                       frameTimeUs: renderStartUs &- UInt64(max(0, (renderStart - tick) * 1e6)),
                       renderStart: renderStart, renderStartUs: renderStartUs, renderDoneUs: wallClockMicroseconds())
    }

    /// Encodes `picture` for `stream` and posts the frame (and offers it to its live outputs).
    private func publish(_ stream: StreamSlot, state: inout StreamRenderState, resources: inout RenderResources,
                         picture: Picture, tick: Double, skipped: UInt64) throws {
        // The settings the encoder was made for, not `stream.settings`, which a client may have
        // changed since: the frame must say the codec and size its bytes are in.
        let settings = resources.settings
        let snapshot = picture.snapshot
        let encodeStart = monotonicSeconds()
        // One image, or one per view (each view's encoder; H.264 keyframes together).
        let images = settings.separateViews ? picture.views : [picture.framebuffer]
        let keyframeWanted = stream.takeKeyframeWanted()
        var keyframe = true
        for (index, image) in images.enumerated() {
            keyframe = try image.rgb8.withUnsafeBytes { pixels in
                try resources.encoders[index].encode(pixels, width: settings.imageWidth, height: settings.height,
                                                     presentationUs: UInt64(tick * 1e6), keyframe: keyframeWanted,
                                                     into: &resources.encoded[index])
            } && keyframe
        }
        let encodeDone = monotonicSeconds()
        let encoded = resources.encoded.map { ZMQOwnedBuffer(copying: $0) }
        state.frameSequence += 1
        // Latency counts only frames that are the first to show a drive frame that arrived
        // while the stream was running (not one from before a viewer subscribed).
        let fresh = picture.renderStartUs &- snapshot.receivedUs <= UInt64(max(2 / Double(settings.fps), 0.1) * 1e6)
        let firstShowing = snapshot.sequence != 0 && snapshot.sequence != state.lastDriveShown && fresh
        state.lastDriveShown = snapshot.sequence
        let meta = Splatd_V1_FrameMeta.with {
            $0.streamID = stream.id
            $0.frameSequence = state.frameSequence
            $0.codec = settings.codec
            $0.width = UInt32(settings.imageWidth)
            $0.height = UInt32(settings.height)
            if settings.separateViews { $0.views = UInt32(images.count) }
            $0.avatarID = picture.slot.id
            $0.driveSequence = snapshot.sequence
            $0.driveSenderTimeUs = snapshot.senderTimeUs
            $0.driveReceivedUs = snapshot.receivedUs
            $0.driveState = Splatd_V1_DriveState(snapshot.state)
            $0.frameTimeUs = picture.frameTimeUs
            $0.keyframe = keyframe
            $0.renderStartUs = picture.renderStartUs
            $0.renderDoneUs = picture.renderDoneUs
            $0.encodeDoneUs = wallClockMicroseconds()
            $0.gaussiansVisible = UInt32(clamping: picture.report.visible)
            $0.audioSequence = snapshot.audioSequence
            $0.audioSenderTimeUs = snapshot.audioSenderTimeUs
        }
        let outputs = stream.outputs.filter(\.isActive)
        if !outputs.isEmpty {
            // The array is shared copy-on-write: the next frame's render copies it, not this.
            let frame = LiveOutput.Frame(pixels: picture.framebuffer.rgb8, width: settings.width, height: settings.height,
                                         tick: tick, settings: settings.outputH264Settings)
            for output in outputs { output.offer(frame) }
        }
        // A stream that encodes a picture rendered for another reports no render time of its own.
        let renderSeconds = resources.framebuffer === picture.framebuffer ? encodeStart - picture.renderStart : 0
        stream.recordRender(renderSeconds: renderSeconds, encodeSeconds: encodeDone - encodeStart, skipped: skipped)
        outbox.post(Outbox.Frame(stream: stream, meta: meta.wireBytes(), images: encoded,
                                 driveSenderTimeUs: firstShowing ? snapshot.senderTimeUs : nil, chained: settings.codec == .h264))
    }

    private func failed(_ stream: StreamSlot, state: inout StreamRenderState, error: any Error, now: Double) {
        if let note = renderErrors.withLock({ $0.admit() }) { logger.error("stream \(stream.id): cannot render: \(error)\(note)") }
        outbox.post(.event(Splatd_V1_Event.with {
            $0.timeUs = wallClockMicroseconds()
            $0.error = "stream \(stream.id): \(error)"
        }.wireBytes()))
        state.ticks.retry(at: now + 1)  // later rather than spinning
    }

    /// Phase lock: when a tracker sends at about the stream's rate and its next frame is due
    /// within a third of a period, a tick waits for it (once) instead of rendering the old pose
    /// and making the new one wait behind that render. Saves up to a render time of latency;
    /// the rate is unchanged. Trackers at other rates (25 Hz into 30 fps) tick as usual.
    private func postponeForDrive(_ stream: StreamSlot, ticks: inout StreamTicks, now: Double) -> Bool {
        let expected = registry.avatar(stream.settings.avatarID)?.expectedDrive(at: now)
        return ticks.postpone(forDriveExpectedAt: expected, now: now, period: 1 / Double(stream.settings.fps))
    }

    /// Returns the stream's resources, rebuilding them when the settings or avatar changed.
    /// The resources are taken out of the stream (and put back after the frame) so that their
    /// arrays are uniquely referenced: posing and encoding then write in place instead of
    /// copying 100k-element arrays every frame.
    private func prepare(_ state: inout StreamRenderState, settings: StreamSettings, slot: AvatarSlot) throws -> RenderResources {
        let kept = state.resources
        state.resources = nil
        if let r = kept, r.settings == settings, r.slot === slot { return r }
        if let r = kept, r.slot === slot, settings.differsOnlyInView(from: r.settings) {
            // A moving viewpoint (a VR head at up to 90 Hz): new cameras, the same buffers and
            // encoder, so an H.264 stream goes on without a keyframe.
            // A level switch (the head came closer) re-sizes the cloud at the next pose.
            let cameras = try slot.avatar.cameras(for: settings)
            return RenderResources(settings: settings, slot: slot, camera: try slot.avatar.camera(for: settings),
                                   framebuffer: r.framebuffer,
                                   views: r.views.isEmpty ? [] : zip(cameras, r.views).map { ($0, $1.framebuffer) },
                                   encoders: r.encoders, level: slot.avatar.level(for: cameras),
                                   encoded: r.encoded)
        }
        if let r = kept, r.slot === slot, r.encoders.allSatisfy({ $0.adapt(to: settings, from: r.settings) }) {
            return RenderResources(settings: settings, slot: slot, camera: r.camera, framebuffer: r.framebuffer,
                                   views: r.views, encoders: r.encoders, level: r.level, encoded: r.encoded)
        }
        let cameras = try slot.avatar.cameras(for: settings)
        let encoders = try (0..<(settings.separateViews ? cameras.count : 1)).map { _ in try StreamEncoder(settings) }
        let views = cameras.count < 2 ? [] : cameras.map { ($0, Framebuffer(width: $0.width, height: $0.height)) }
        let level = slot.avatar.level(for: cameras)
        return RenderResources(settings: settings, slot: slot, camera: try slot.avatar.camera(for: settings),
                               framebuffer: Framebuffer(width: settings.width, height: settings.height),
                               views: views, encoders: encoders, level: level,
                               encoded: Array(repeating: [], count: encoders.count))
    }
}

/// What the render thread keeps about one stream between frames.
struct StreamRenderState {
    /// Held so that its identity (the key of this state) cannot be reused by a new stream
    /// while the state exists.
    let stream: StreamSlot
    var ticks = StreamTicks()
    /// The drive sequence the previous frame showed (for latency of first showings).
    var lastDriveShown: UInt64 = 0
    var frameSequence: UInt64 = 0
    var resources: RenderResources?
    /// Seconds of the stream's own frame time rendered (one period per frame), from the
    /// virtual time it joined at. When the machine cannot render every stream on time, the
    /// stream due with the smallest `pass` goes first, so each gets frames in proportion to its
    /// fps: a 10 fps preview does not take as much as a 30 fps main view.
    var pass: Double

    init(stream: StreamSlot, pass: Double = 0) {
        self.stream = stream
        self.pass = pass
    }
}
