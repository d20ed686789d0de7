import Foundation
import FrameEncoder
import MediaCodecs
import Rasterizer
import SplatProtocol

/// A stream's validated settings.
struct StreamSettings: Sendable, Equatable {
    static let sideRange: ClosedRange<UInt32> = 16...4096
    static let fpsRange: ClosedRange<Float> = 1...120

    var avatarID: String
    var width: Int = 512
    var height: Int = 512
    var fps: Float = 30
    var codec: Splatd_V1_Codec = .jpeg
    var quality: UInt32 = 0
    /// H.264: target bitrate (0: CRF `quality`, or the default bitrate without one).
    var bitrateKbps: UInt32 = 0
    /// H.264: seconds between keyframes (0: 2 s).
    var gopSeconds: Float = 0
    /// nil → the avatar's default.
    var background: SIMD3<Float>?
    var convention: Splatd_V1_Convention = .default
    var view: View = .orbit(Splatd_V1_OrbitCamera())
    /// One view, a stereo pair or a camera rig; each view is `width / views.count` × `height`.
    var views: Views = .one
    /// Several views side by side in one image, or one image each.
    var layout: Splatd_V1_Layout = .sideBySide

    static let defaultIPD: Float = 0.063
    static let ipdRange: ClosedRange<Float> = 0.02...0.2
    static let rigSizes: ClosedRange<Int> = 2...16

    /// The width of one view: the frame's, split between the views.
    var viewWidth: Int { width / views.count }

    /// Where the picture is seen from: `camera`, or an orbit about the head.
    enum View: Sendable, Equatable {
        case camera(Splatd_V1_Camera)
        case orbit(Splatd_V1_OrbitCamera)
    }

    /// The views a frame shows of one animation state.
    enum Views: Sendable, Equatable {
        /// From the stream's `view`.
        case one
        /// A stereo pair about the stream's `view` (the head), the eyes this far apart, metres.
        case stereo(ipd: Float)
        /// From each of these cameras, left to right (the stream's `view` is unused).
        case rig([Splatd_V1_Camera])

        var count: Int {
            switch self {
            case .one: return 1
            case .stereo: return 2
            case .rig(let cameras): return cameras.count
            }
        }

        /// Whether `self` and `other` are the same kind with the same number of views.
        func sameShape(as other: Views) -> Bool {
            switch (self, other) {
            case (.one, .one), (.stereo, .stereo): return true
            case (.rig(let a), .rig(let b)): return a.count == b.count
            default: return false
            }
        }
    }

    /// One encoded image per view (`LAYOUT_VIEWS` with more than one view).
    var separateViews: Bool { layout == .views && views.count > 1 }

    /// The size of each encoded image: a view's, or the whole frame's side by side.
    var imageWidth: Int { separateViews ? viewWidth : width }

    /// The quality actually used: the codec's default when the client gave 0 (H.264: the CRF,
    /// 0 when a bitrate rules).
    var effectiveQuality: UInt32 {
        if codec == .h264 { if case .crf(let q) = h264RateControl { return UInt32(q) } else { return 0 } }
        switch frameCodec {
        case .png(let level): return UInt32(level)
        case .jpeg(let quality): return UInt32(quality)
        case .raw: return 0
        }
    }

    /// H.264 rate control: the bitrate, else CRF `quality`, else the default bitrate.
    var h264RateControl: H264RateControl {
        if bitrateKbps > 0 { return .bitrate(kbps: Int(bitrateKbps)) }
        if quality > 0 { return .crf(Double(quality)) }
        return .bitrate(kbps: H264RateControl.defaultKbps)
    }

    /// H.264: the keyframe spacing used.
    var effectiveGOPSeconds: Float { gopSeconds == 0 ? 2 : gopSeconds }

    /// The H.264 encoder settings of this stream.
    var h264Settings: H264Settings {
        H264Settings(width: imageWidth, height: height, fps: max(1, Int(fps.rounded())), rateControl: h264RateControl,
                     gopSeconds: Double(effectiveGOPSeconds))
    }

    /// The H.264 settings a live output of this stream encodes with: the stream's own when it
    /// is H.264, else the defaults (1500 kbit/s, a keyframe every 2 s) at the stream's size and rate.
    var outputH264Settings: H264Settings {
        if codec == .h264 { return h264Settings }
        return H264Settings(width: width, height: height, fps: max(1, Int(fps.rounded())),
                            rateControl: .bitrate(kbps: H264RateControl.defaultKbps), gopSeconds: 2)
    }

    /// The encoder setting for `codec` and `quality` (JPEG, PNG, raw).
    var frameCodec: FrameCodec {
        switch codec {
        case .png: return .png(level: quality == 0 ? 1 : Int(quality))
        case .raw: return .raw
        case .jpeg, .h264, .UNRECOGNIZED: return .jpeg(quality: quality == 0 ? 85 : Int(quality))
        }
    }

    /// Settings from an `OpenStream` request (defaults for absent values), validated.
    init(_ open: Splatd_V1_OpenStream) throws {
        avatarID = open.avatarID
        if open.width != 0 { width = Int(try Self.side(open.width, "width")) }
        if open.height != 0 { height = Int(try Self.side(open.height, "height")) }
        if open.fps != 0 { fps = try Self.rate(open.fps) }
        codec = try Self.codec(open.codec)
        quality = open.quality
        bitrateKbps = open.bitrateKbps
        gopSeconds = open.gopSeconds
        if open.hasBackground { background = try Self.colour(open.background) }
        convention = try Self.convention(open.convention)
        switch open.view {
        case .camera(let c)?: view = .camera(c)
        case .orbit(let o)?: view = .orbit(o)
        case nil: break
        }
        if open.hasStereo { views = .stereo(ipd: try Self.ipd(open.stereo.ipdM)) }
        if open.hasCameraRig {
            guard !open.hasStereo else { throw ControlError.invalid("stereo and camera_rig exclude each other: give one") }
            views = try Self.rig(open.cameraRig)
        }
        layout = try Self.layout(open.layout)
        try validate()
    }

    /// These settings with the fields present in `update` changed, validated.
    func updated(with update: Splatd_V1_UpdateStream) throws -> StreamSettings {
        var s = self
        if case .width(let w)? = update.widthSet { s.width = Int(try Self.side(w, "width")) }
        if case .height(let h)? = update.heightSet { s.height = Int(try Self.side(h, "height")) }
        if case .fps(let f)? = update.fpsSet { s.fps = try Self.rate(f) }
        if case .codec(let c)? = update.codecSet { s.codec = try Self.codec(c) }
        if case .quality(let q)? = update.qualitySet { s.quality = q }
        if case .bitrateKbps(let b)? = update.bitrateSet { s.bitrateKbps = b }
        if case .gopSeconds(let g)? = update.gopSet { s.gopSeconds = g }
        if update.hasBackground { s.background = try Self.colour(update.background) }
        if case .convention(let c)? = update.conventionSet { s.convention = try Self.convention(c) }
        switch update.view {
        case .camera(let c)?: s.view = .camera(c)
        case .orbit(let o)?: s.view = .orbit(o)
        case nil: break
        }
        if case .avatarID(let a)? = update.avatarSet { s.avatarID = a }
        switch update.viewsSet {
        case .stereo(let stereo)?: s.views = .stereo(ipd: try Self.ipd(stereo.ipdM))
        case .cameraRig(let rig)?: s.views = try Self.rig(rig)
        case .mono(true)?: s.views = .one
        case .mono(false)?, nil: break
        }
        if case .layout(let l)? = update.layoutSet { s.layout = try Self.layout(l) }
        try s.validate()
        return s
    }

    private func validate() throws {
        if bitrateKbps != 0, !H264Settings.bitrates.contains(Int(bitrateKbps)) {
            throw ControlError.invalid("bitrate_kbps \(bitrateKbps) is outside \(H264Settings.bitrates.lowerBound)…\(H264Settings.bitrates.upperBound)")
        }
        if gopSeconds != 0, !(gopSeconds.isFinite && H264Settings.gopSecondsRange.contains(Double(gopSeconds))) {
            throw ControlError.invalid("gop_seconds \(gopSeconds) is outside 0.1…60")
        }
        if views.count > 1 {
            let n = views.count
            guard width % n == 0, width / n >= Int(Self.sideRange.lowerBound) else {
                var what = "a \(n)-camera stream's width holds every view"
                if case .stereo = views { what = "a stereo stream's width holds both eyes" }
                throw ControlError.invalid("\(what): it must divide by \(n) into views at least \(Self.sideRange.lowerBound) wide, got \(width)")
            }
        }
        if codec == .h264 {
            guard imageWidth % 2 == 0, height % 2 == 0 else {
                throw ControlError.invalid("H.264 needs an even width and height, got \(imageWidth)×\(height)\(separateViews ? " per view" : "")")
            }
            guard quality <= 51 else { throw ControlError.invalid("quality \(quality) is out of range for H.264 (CRF 1…51)") }
        } else {
            do { try frameCodec.validate() } catch {
                throw ControlError.invalid("quality \(quality) is out of range for \(codec == .png ? "PNG (0…9)" : "JPEG (1…100)")")
            }
        }
        _ = try cameras(headCentre: .zero)
    }

    /// What the picture depends on: streams with equal keys render the same pixels (they may
    /// encode them differently, at other rates).
    struct ViewKey: Equatable {
        let avatarID: String
        let width: Int, height: Int
        let view: View
        let views: Views
        let convention: Splatd_V1_Convention
        let background: SIMD3<Float>?
    }

    var viewKey: ViewKey {
        ViewKey(avatarID: avatarID, width: width, height: height, view: view, views: views,
                convention: convention, background: background)
    }

    /// Whether `self` and `old` differ only in where the views are (camera, orbit, stereo IPD,
    /// the rig's cameras): the same images, encoded the same way.
    func differsOnlyInView(from old: StreamSettings) -> Bool {
        guard views.sameShape(as: old.views) else { return false }
        var moved = old
        moved.view = view
        moved.views = views
        return moved == self
    }

    /// The cameras of the views this stream shows, left to right: the head's camera, the
    /// two eyes of a stereo pair about it, or the rig's cameras.
    func cameras(headCentre: SIMD3<Float>, sceneReach: Float? = nil) throws -> [Camera] {
        switch views {
        case .one:
            return [try camera(headCentre: headCentre, sceneReach: sceneReach)]
        case .stereo(let ipd):
            let pair = try camera(headCentre: headCentre, sceneReach: sceneReach).stereoPair(ipd: ipd)
            return [pair.left, pair.right]
        case .rig(let cameras):
            return try cameras.enumerated().map { try Self.camera($1, width: viewWidth, height: height, name: "camera_rig.cameras[\($0)]") }
        }
    }

    private static func rig(_ rig: Splatd_V1_CameraRig) throws -> Views {
        guard rigSizes.contains(rig.cameras.count) else {
            throw ControlError.invalid("camera_rig holds \(rig.cameras.count) cameras; a rig has \(rigSizes.lowerBound)…\(rigSizes.upperBound)")
        }
        return .rig(rig.cameras)
    }

    private static func layout(_ l: Splatd_V1_Layout) throws -> Splatd_V1_Layout {
        if case .UNRECOGNIZED(let raw) = l { throw ControlError.invalid("unknown layout \(raw)") }
        return l
    }

    private static func ipd(_ value: Float) throws -> Float {
        if value == 0 { return defaultIPD }
        guard value.isFinite, ipdRange.contains(value) else {
            throw ControlError.invalid("stereo.ipd_m \(value) is outside \(ipdRange.lowerBound)…\(ipdRange.upperBound) m")
        }
        return value
    }

    /// The camera for this stream (for a stereo pair, the head's, of one eye's size; for a rig,
    /// its first camera), aimed at `headCentre` for orbit views. Without a distance,
    /// an orbit is 1 m away — or, for a static scene reaching `sceneReach` from its centre, far
    /// enough that the scene fills about 80 % of the view.
    func camera(headCentre: SIMD3<Float>, sceneReach: Float? = nil) throws -> Camera {
        if case .rig(let cameras) = views { return try Self.camera(cameras[0], width: viewWidth, height: height, name: "camera_rig.cameras[0]") }
        switch view {
        case .camera(let c):
            return try Self.camera(c, width: viewWidth, height: height, name: "camera")
        case .orbit(let o):
            let fov = o.fovYDegrees == 0 ? 20 : o.fovYDegrees
            var distance = o.distance
            if distance == 0 {
                distance = sceneReach.map { min(100, max(0.05, $0 / tan(fov * .pi / 360) / 0.8)) } ?? 1
            }
            guard distance.isFinite, (0.05...100).contains(distance) else {
                throw ControlError.invalid("orbit.distance \(distance) m is outside 0.05…100")
            }
            guard fov.isFinite, (1...150).contains(fov) else { throw ControlError.invalid("orbit.fov_y_degrees \(fov) is outside 1…150") }
            guard o.yawDegrees.isFinite, o.pitchDegrees.isFinite, abs(o.pitchDegrees) < 89 else {
                throw ControlError.invalid("orbit yaw must be finite and pitch within ±89°")
            }
            let yaw = o.yawDegrees * .pi / 180, pitch = o.pitchDegrees * .pi / 180
            let direction = SIMD3<Float>(sin(yaw) * cos(pitch), sin(pitch), cos(yaw) * cos(pitch))
            do {
                return try Camera.lookAt(eye: headCentre + direction * distance, target: headCentre,
                                         up: [0, 1, 0], fovY: fov, width: viewWidth, height: height)
            } catch { throw ControlError.invalid("\(error)") }
        }
    }

    /// A camera message as a validated camera for a `width` × `height` image.
    private static func camera(_ c: Splatd_V1_Camera, width: Int, height: Int, name: String) throws -> Camera {
        guard c.worldToCamera.count == 16 else {
            throw ControlError.invalid("\(name).world_to_camera must hold 16 values (row-major 4×4), got \(c.worldToCamera.count)")
        }
        let m = c.worldToCamera.map(Double.init)
        let rows = (0..<4).map { Array(m[($0 * 4)..<($0 * 4 + 4)]) }
        guard m.allSatisfy(\.isFinite) else { throw ControlError.invalid("\(name).world_to_camera holds NaN or infinity") }
        do {
            return try Camera(width: width, height: height, fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy,
                              worldToCamera: RigidTransform(rowMajor: rows))
        } catch { throw ControlError.invalid("\(name): \(error)") }
    }

    var cameraMessage: Splatd_V1_Camera? {
        if case .camera(let c) = view { return c }
        return nil
    }

    private static func side(_ v: UInt32, _ name: String) throws -> UInt32 {
        guard sideRange.contains(v) else { throw ControlError.invalid("\(name) \(v) is outside \(sideRange.lowerBound)…\(sideRange.upperBound) pixels") }
        return v
    }

    private static func rate(_ f: Float) throws -> Float {
        guard f.isFinite, fpsRange.contains(f) else { throw ControlError.invalid("fps \(f) is outside 1…120") }
        return f
    }

    private static func codec(_ c: Splatd_V1_Codec) throws -> Splatd_V1_Codec {
        if case .UNRECOGNIZED(let raw) = c { throw ControlError.invalid("unknown codec \(raw)") }
        return c
    }

    private static func convention(_ c: Splatd_V1_Convention) throws -> Splatd_V1_Convention {
        if case .UNRECOGNIZED(let raw) = c { throw ControlError.invalid("unknown convention \(raw)") }
        return c
    }

    private static func colour(_ v: Splatd_V1_Vec3) throws -> SIMD3<Float> {
        let c = SIMD3(v.x, v.y, v.z)
        guard [c.x, c.y, c.z].allSatisfy({ $0.isFinite && (0...1).contains($0) }) else {
            throw ControlError.invalid("background components must be within 0…1")
        }
        return c
    }
}
