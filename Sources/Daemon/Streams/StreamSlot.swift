import Animator
import Foundation
import FrameEncoder
import MediaCodecs
import Rasterizer
import SplatCore
import SplatIO
import SplatProtocol

/// An open stream as every thread sees it: its settings, its subscriber count and its
/// statistics, all behind one lock. What only the render thread touches (tick times, frame
/// sequence, render buffers) lives in the scheduler, not here.
final class StreamSlot: Sendable {
    let id: String
    let topic: String
    private let state: Locked<State>

    private struct State {
        var settings: StreamSettings
        var subscribers = 0
        /// A drive frame arrived for this stream's avatar since the render thread last looked.
        var driveArrived = false
        /// The next frame should be rendered at once (a new viewer subscribed).
        var frameWanted = false
        /// The next frame should be a keyframe (a new viewer, `request_keyframe`, a dropped frame).
        var keyframeWanted = false
        /// Closed (or its avatar unloaded): nothing more of it is published.
        var closed = false
        /// Live outputs sending this stream (they keep it rendering, as viewers do).
        var outputs: [LiveOutput] = []
        // Statistics.
        var framesRendered: UInt64 = 0
        var framesSent: UInt64 = 0
        var framesSkipped: UInt64 = 0
        var bytesSent: UInt64 = 0
        var latency = RollingWindow()
        var renderTimes = RollingWindow()
        var encodeTimes = RollingWindow()
        var sendRate = RateMeter(horizon: 3)
        var pending = 0
    }

    init(id: String, settings: StreamSettings) {
        self.id = id
        topic = Topic.frames(id)
        state = Locked(State(settings: settings))
    }

    var settings: StreamSettings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    var subscribers: Int { state.withLock { $0.subscribers } }

    /// Whether anyone takes the frames: a viewer or an active live output.
    var isWatched: Bool {
        let (subscribers, outputs) = state.withLock { ($0.subscribers, $0.outputs) }
        return subscribers > 0 || outputs.contains { $0.isActive }
    }

    /// The live outputs fed with this stream's frames.
    var outputs: [LiveOutput] { state.withLock { $0.outputs } }

    /// Feeds `output` with this stream's frames from the next one on; it gets a frame at once.
    func attach(_ output: LiveOutput) {
        state.withLock { $0.outputs.append(output); $0.frameWanted = true }
    }

    /// Stops feeding `output`.
    func detach(_ output: LiveOutput) {
        state.withLock { $0.outputs.removeAll { $0 === output } }
    }

    /// Sets the subscriber count (I/O thread); a new viewer gets a frame at once.
    func setSubscribers(_ count: Int) {
        state.withLock {
            if count > $0.subscribers { $0.frameWanted = true; $0.keyframeWanted = true }
            $0.subscribers = count
        }
    }

    /// Whether the stream was closed; frames still in flight are then dropped, so nothing of it
    /// follows its `stream_closed` event.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Marks the stream closed (before its `stream_closed` event is posted).
    func markClosed() { state.withLock { $0.closed = true } }

    /// Marks that a new drive frame arrived for this stream's avatar (I/O thread).
    func driveArrived() {
        state.withLock { $0.driveArrived = true }
    }

    /// Asks for a keyframe at the next frame (`request_keyframe`, or a frame that was dropped
    /// before it was sent).
    func keyframeWanted() {
        state.withLock { $0.keyframeWanted = true }
    }

    /// Takes the drive-arrived and frame-wanted marks (render thread).
    func takeMarks() -> (driveArrived: Bool, frameWanted: Bool) {
        state.withLock { s in
            defer { s.driveArrived = false; s.frameWanted = false }
            return (s.driveArrived, s.frameWanted)
        }
    }

    /// Takes the keyframe mark (render thread, when it encodes).
    func takeKeyframeWanted() -> Bool {
        state.withLock { s in
            defer { s.keyframeWanted = false }
            return s.keyframeWanted
        }
    }

    func recordRender(renderSeconds: Double, encodeSeconds: Double, skipped: UInt64) {
        state.withLock {
            $0.framesRendered += 1
            $0.framesSkipped += skipped
            $0.renderTimes.add(renderSeconds * 1000)
            $0.encodeTimes.add(encodeSeconds * 1000)
            $0.pending = 1
        }
    }

    /// Called by the I/O thread once a frame went out; `latencyMs` from drive send to publish.
    func recordSent(bytes: Int, latencyMs: Double?, now: Double) {
        state.withLock {
            $0.framesSent += 1
            $0.bytesSent += UInt64(bytes)
            if let latencyMs { $0.latency.add(latencyMs) }
            $0.sendRate.tick(at: now)
            $0.pending = 0
        }
    }

    /// What one frame of this stream costs the render thread, seconds (medians of the last
    /// frames: posing and rendering — 0 for frames of a shared render — and encoding); nil
    /// before its first frame.
    var frameCost: (render: Double, encode: Double)? {
        state.withLock { s in
            s.renderTimes.filled == 0 ? nil : (s.renderTimes.percentiles().p50 / 1000, s.encodeTimes.percentiles().p50 / 1000)
        }
    }

    /// The share of the render thread this stream needs at its requested fps (0 before its
    /// first frame).
    var renderLoad: Double {
        guard let cost = frameCost else { return 0 }
        return (cost.render + cost.encode) * Double(settings.fps)
    }

    func recordReplaced() {
        state.withLock { $0.framesSkipped += 1 }
    }

    /// What replies and events say about the stream, with every default resolved against the
    /// avatar it shows (`avatar`: nil when it is not loaded).
    func info(camera: Camera?, avatar: AnimatedAvatar?) -> Splatd_V1_StreamInfo {
        let s = settings
        return .with {
            $0.streamID = id
            $0.avatarID = s.avatarID
            $0.topic = topic
            $0.width = UInt32(s.width)
            $0.height = UInt32(s.height)
            $0.fps = s.fps
            $0.codec = s.codec
            $0.quality = s.effectiveQuality
            if s.codec == .h264 {
                if case .bitrate(let kbps, _) = s.h264RateControl { $0.bitrateKbps = UInt32(kbps) }
                $0.gopSeconds = s.effectiveGOPSeconds
            }
            if let b = s.background ?? avatar?.defaultBackground { $0.background = .with { $0.x = b.x; $0.y = b.y; $0.z = b.z } }
            $0.convention = s.convention != .default ? s.convention : (avatar?.defaultConvention == .inria ? .inria : .gsplat)
            if let camera { $0.camera = Self.message(camera) }
            if case .stereo(let ipd) = s.views { $0.stereo = .with { $0.ipdM = ipd } }
            if s.views.count > 1, let avatar, let cameras = try? avatar.cameras(for: s) {
                $0.views = .with { $0.cameras = cameras.map(Self.message) }
            }
            $0.layout = s.layout
        }
    }

    func status(camera: Camera?, avatar: AnimatedAvatar?, now: Double) -> Splatd_V1_StreamStatus {
        let info = info(camera: camera, avatar: avatar)
        func percentiles(_ w: RollingWindow) -> Splatd_V1_Percentiles {
            let p = w.percentiles()
            return .with { $0.p50 = p.p50; $0.p90 = p.p90; $0.p99 = p.p99; $0.max = p.max }
        }
        let load = renderLoad, watched = isWatched
        return state.withLock { s in
            .with {
                $0.info = info
                $0.renderLoad = load
                // Short when it is watched, has sent a few frames and misses more than 5 %.
                let fps = s.sendRate.rate(at: now), requested = Double(s.settings.fps)
                if watched, s.framesSent >= 10, fps < 0.95 * requested { $0.fpsShortfall = requested - fps }
                $0.subscribers = UInt32(s.subscribers)
                $0.framesRendered = s.framesRendered
                $0.framesSent = s.framesSent
                $0.framesSkipped = s.framesSkipped
                $0.fps = s.sendRate.rate(at: now)
                $0.latencyMs = percentiles(s.latency)
                $0.renderMs = percentiles(s.renderTimes)
                $0.encodeMs = percentiles(s.encodeTimes)
                $0.queueDepth = UInt32(s.pending)
                $0.bytesSent = s.bytesSent
            }
        }
    }

    static func message(_ c: Camera) -> Splatd_V1_Camera {
        let t = c.worldToCamera
        return .with {
            $0.fx = c.fx; $0.fy = c.fy; $0.cx = c.cx; $0.cy = c.cy
            $0.worldToCamera = [t.rows.0.x, t.rows.0.y, t.rows.0.z, t.translation.x,
                                t.rows.1.x, t.rows.1.y, t.rows.1.z, t.translation.y,
                                t.rows.2.x, t.rows.2.y, t.rows.2.z, t.translation.z,
                                0, 0, 0, 1]
        }
    }
}

/// Buffers a stream renders with, rebuilt when its size, codec or avatar changes (render
/// thread only).
struct RenderResources {
    let settings: StreamSettings
    let slot: AvatarSlot
    let camera: Camera
    let framebuffer: Framebuffer
    /// The views of a stereo or rig stream: their cameras and images, placed side by side in
    /// `framebuffer`; empty for one view.
    var views: [(camera: Camera, framebuffer: Framebuffer)] = []
    /// One encoder, or one per view (`StreamSettings.separateViews`).
    var encoders: [StreamEncoder]
    /// What is posed: the avatar, or the level of detail that suits the cameras.
    let level: Avatar
    /// Each encoder's output.
    var encoded: [[UInt8]]
}
