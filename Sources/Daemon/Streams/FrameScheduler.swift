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
/// each frame's latency low. When more streams of different views are due than one (the
/// machine is busy), they render on lanes instead, one core each, each lane taking the next
/// stream due as soon as it is free: small frames split across cores waste part of each in
/// hand-overs, and a lane never waits for another's frame, so this serves the most frames a
/// second. When rendering falls behind, a stream skips the ticks it missed and renders the
/// newest drive state; nothing waits in a queue.
final class FrameScheduler: Sendable {
    private let registry: Registry
    private let outbox: Outbox
    /// Used by the render thread only (the renderer is not reentrant).
    private let renderer: Renderer
    /// One single-threaded renderer per core, each on its own serial queue (none on a one-core
    /// machine). A lane renders one job at a time; the render thread hands them out.
    private let lanes: [RenderLane]
    /// Jobs the lanes have finished, for the render thread to take back.
    private let finished = Locked<[(lane: Int, job: RenderJob)]>([])
    /// The latest pose of each level of detail, shared by the streams and every lane.
    let poses = PoseCache()
    private let logger: Logger
    private let control = Locked(Control())
    private let renderErrors = Locked(LogThrottle())
    /// Signalled by `kick`, `stop` and finished lanes; the loop sleeps on it between ticks.
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    private struct Control {
        var started = false
        var stopping = false
    }

    /// A single-threaded renderer and the serial queue its frames run on.
    private struct RenderLane: Sendable {
        let renderer: Renderer
        let queue: DispatchQueue
    }

    init(registry: Registry, outbox: Outbox, renderThreads: Int, logger: Logger) {
        self.registry = registry
        self.outbox = outbox
        renderer = Renderer(threadCount: renderThreads)
        lanes = renderThreads < 2 ? [] : (0..<renderThreads).map { index in
            RenderLane(renderer: Renderer(threadCount: 1),
                       queue: DispatchQueue(label: "splatd-render-lane-\(index)", qos: .userInteractive))
        }
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
    /// id starts afresh. A stream on a lane is in flight: its state travels with its job and
    /// comes back when the lane has finished.
    private func loop() {
        var states: [ObjectIdentifier: StreamRenderState] = [:]
        /// Streams on a lane, with the pass their frame takes them to.
        var inFlight: [ObjectIdentifier: Double] = [:]
        var laneBusy = [Bool](repeating: false, count: lanes.count)
        /// Takes back the states of a job's streams after its frame.
        func settle(_ job: RenderJob) {
            inFlight[ObjectIdentifier(job.stream)] = nil
            for c in job.companions { inFlight[ObjectIdentifier(c.stream)] = nil }
            for var done in job.finished {
                done.pass += 1 / Double(done.stream.settings.fps)
                states[ObjectIdentifier(done.stream)] = done
            }
        }
        func takeBack() {
            let taken: [(lane: Int, job: RenderJob)] = finished.withLock { f in
                let all = f
                f.removeAll()
                return all
            }
            for (lane, job) in taken {
                laneBusy[lane] = false
                settle(job)
            }
        }
        while !isStopping {
            takeBack()
            let now = monotonicSeconds()
            let watched = registry.allStreams.filter(\.isWatched)
            if states.count > watched.count {
                let live = Set(watched.map { ObjectIdentifier($0) })
                states = states.filter { live.contains($0.key) }
            }
            // A stream that (re)joins starts at the others' virtual time: it gets its share from
            // now on, with no credit for the time it was not watched.
            let earliest = min(states.values.map(\.pass).min() ?? .infinity, inFlight.values.min() ?? .infinity)
            let joined = earliest.isFinite ? earliest : 0
            func state(_ stream: StreamSlot) -> StreamRenderState {
                states[ObjectIdentifier(stream)] ?? StreamRenderState(stream: stream, pass: joined)
            }
            // Streams in flight keep their marks until their state is back.
            let idle = watched.filter { inFlight[ObjectIdentifier($0)] == nil }
            for stream in idle {
                let marks = stream.takeMarks()
                let period = 1 / Double(stream.settings.fps)
                if marks.frameWanted { states[ObjectIdentifier(stream), default: .init(stream: stream, pass: joined)].ticks.frameWanted() }
                if marks.driveArrived { states[ObjectIdentifier(stream), default: .init(stream: stream, pass: joined)].ticks.driveArrived(now: now, period: period) }
            }
            // Of the streams due, the one furthest behind in its own frames (proportional share:
            // see StreamRenderState.pass) goes first; the earliest tick breaks ties.
            var due = idle.filter { (states[ObjectIdentifier($0)]?.ticks.nextTick ?? 0) <= now }
                .sorted { (state($0).pass, state($0).ticks.nextTick) < (state($1).pass, state($1).ticks.nextTick) }
            var waiting = false  // a stream is due but must wait for a lane to finish
            var rendered = false  // a frame was rendered here, on every core
            while let stream = due.first {
                due.removeFirst()
                var first = state(stream)
                // A stream starts beside the ones in flight only if it would be next anyway
                // before the next frame of each: with two lanes and two streams, starting
                // whatever is due would give a 10 and a 30 fps stream the same rate.
                if let turn = inFlight.values.min(), first.pass > turn + 1e-9 {
                    waiting = true
                    break
                }
                if postponeForDrive(stream, ticks: &first.ticks, now: now) {
                    states[ObjectIdentifier(stream)] = first
                    continue
                }
                // Due streams that show the same view take the same picture.
                let view = stream.settings.viewKey
                let companions = due.filter { $0.settings.viewKey == view }
                due.removeAll { $0.settings.viewKey == view }
                let job = RenderJob(stream: stream, state: first, companions: companions.map { ($0, state($0)) })
                let turn = first.pass + 1 / Double(stream.settings.fps)
                let partner = due.contains { state($0).pass <= turn + 1e-9 }
                if inFlight.isEmpty && !partner || lanes.isEmpty {
                    // Alone: every core on this frame.
                    run(job, now: now, renderer: renderer)
                    settle(job)
                    rendered = true
                    break
                }
                guard let lane = laneBusy.firstIndex(of: false) else {
                    waiting = true
                    break
                }
                for s in [stream] + companions {
                    states[ObjectIdentifier(s)] = nil
                    inFlight[ObjectIdentifier(s)] = turn
                }
                laneBusy[lane] = true
                let renderer = lanes[lane].renderer
                lanes[lane].queue.async { [self] in
                    run(job, now: now, renderer: renderer)
                    finished.withLock { $0.append((lane, job)) }
                    wake.signal()
                }
            }
            if rendered || !finished.withLock({ $0.isEmpty }) { continue }
            // Nothing more to start: when no lane is busy, let go of poses no stream renders any
            // more. Then sleep until the next tick of a stream not in flight, or until kicked or
            // a lane finishes.
            if inFlight.isEmpty { poses.keep(only: states.values.compactMap { $0.resources?.level }) }
            let ticks = idle.filter { inFlight[ObjectIdentifier($0)] == nil }  // not the ones just started
                .map { states[ObjectIdentifier($0)]?.ticks.nextTick ?? 0 }.filter { !waiting || $0 > now }
            let next = ticks.min() ?? (now + 0.25)
            _ = wake.wait(timeout: .now() + max(0.0005, min(next - now, 0.25)))
        }
        // Let the lanes finish their frames before the streams' resources go.
        while laneBusy.contains(true) {
            _ = wake.wait(timeout: .now() + 0.05)
            takeBack()
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
