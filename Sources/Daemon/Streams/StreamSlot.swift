import FrameEncoder
import Foundation
import Rasterizer
import SplatCore
import SplatIO
import SplatProtocol

/// An open stream: its settings and statistics (shared, behind a lock) and its render
/// resources (used by the render thread only).
final class StreamSlot: @unchecked Sendable {
    let id: String
    let topic: String
    private let lock = NSLock()
    private var _settings: StreamSettings

    // Statistics, guarded by `lock`.
    private var framesRendered: UInt64 = 0
    private var framesSent: UInt64 = 0
    private var framesSkipped: UInt64 = 0
    private var bytesSent: UInt64 = 0
    private var latency = RollingWindow()
    private var renderTimes = RollingWindow()
    private var encodeTimes = RollingWindow()
    private var sendRate = RateMeter(horizon: 3)
    private var _subscribers = 0
    private var pending = 0

    private var _driveArrived = false

    // Render-thread state.
    var nextTick: Double = 0
    var lastRender: Double = 0
    var postponed = false
    /// The drive sequence the previous frame showed (for latency of first showings).
    var lastDriveShown: UInt64 = 0
    var frameSequence: UInt64 = 0
    var resources: RenderResources?

    init(id: String, settings: StreamSettings) {
        self.id = id
        topic = Topic.frames(id)
        _settings = settings
    }

    var settings: StreamSettings {
        get { lock.lock(); defer { lock.unlock() }; return _settings }
        set { lock.lock(); _settings = newValue; lock.unlock() }
    }

    var subscribers: Int {
        get { lock.lock(); defer { lock.unlock() }; return _subscribers }
        set { lock.lock(); _subscribers = newValue; lock.unlock() }
    }

    /// Marks that a new drive frame arrived for this stream's avatar (I/O thread).
    func driveArrived() {
        lock.lock(); _driveArrived = true; lock.unlock()
    }

    /// Takes the drive-arrived mark (render thread).
    func takeDriveArrived() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let v = _driveArrived
        _driveArrived = false
        return v
    }

    func recordRender(renderSeconds: Double, encodeSeconds: Double, skipped: UInt64) {
        lock.lock(); defer { lock.unlock() }
        framesRendered += 1
        framesSkipped += skipped
        renderTimes.add(renderSeconds * 1000)
        encodeTimes.add(encodeSeconds * 1000)
        pending = 1
    }

    /// Called by the I/O thread once a frame went out; `latencyMs` from drive send to publish.
    func recordSent(bytes: Int, latencyMs: Double?, now: Double) {
        lock.lock(); defer { lock.unlock() }
        framesSent += 1
        bytesSent += UInt64(bytes)
        if let latencyMs { latency.add(latencyMs) }
        sendRate.tick(at: now)
        pending = 0
    }

    func recordReplaced() {
        lock.lock(); defer { lock.unlock() }
        framesSkipped += 1
    }

    func info(camera: Camera?) -> Splatd_V1_StreamInfo {
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
            if let b = s.background { $0.background = .with { $0.x = b.x; $0.y = b.y; $0.z = b.z } }
            $0.convention = s.convention
            if let camera { $0.camera = Self.message(camera) }
        }
    }

    func status(camera: Camera?, now: Double) -> Splatd_V1_StreamStatus {
        let info = info(camera: camera)
        lock.lock(); defer { lock.unlock() }
        func percentiles(_ w: RollingWindow) -> Splatd_V1_Percentiles {
            let p = w.percentiles()
            return .with { $0.p50 = p.p50; $0.p90 = p.p90; $0.p99 = p.p99; $0.max = p.max }
        }
        return .with {
            $0.info = info
            $0.subscribers = UInt32(_subscribers)
            $0.framesRendered = framesRendered
            $0.framesSent = framesSent
            $0.framesSkipped = framesSkipped
            $0.fps = sendRate.rate(at: now)
            $0.latencyMs = percentiles(latency)
            $0.renderMs = percentiles(renderTimes)
            $0.encodeMs = percentiles(encodeTimes)
            $0.queueDepth = UInt32(pending)
            $0.bytesSent = bytesSent
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

/// Buffers a stream renders with, rebuilt when its size, codec or avatar changes.
struct RenderResources {
    let settings: StreamSettings
    let avatar: AvatarSlot
    let camera: Camera
    let framebuffer: Framebuffer
    var encoder: any FrameEncoding
    var cloud: GaussianCloud
    var encoded: [UInt8] = []
}
