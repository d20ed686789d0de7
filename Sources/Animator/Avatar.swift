import AnimatorKernels
import Dispatch
import Foundation
import SplatCore
import SplatIO

/// An animatable avatar: a rig, Gaussians bound to its triangles (or a rigid scene), and the
/// avatar's identity. ``pose(_:into:)`` turns a drive into world-space Gaussians for the
/// rasterizer.
///
/// Make one with ``load(_:rig:)`` (a GaussianAvatars folder, a plain PLY/.splat, or `demo`),
/// ``GaussianAvatarsFolder/load(_:rig:limits:threads:)``, ``DemoAvatar/make(gaussianCount:seed:)``,
/// or the initialisers. Any avatar takes any ``AvatarDrive`` (see ``DriveMapping``).
///
/// ```swift
/// let avatar = try Avatar.load("demo")
/// var cloud = avatar.makeCloud()                        // once
/// try avatar.pose(.arkit(weights), into: &cloud)        // every frame: no allocation
/// renderer.render(cloud, camera: camera, into: framebuffer)
/// ```
///
/// Thread safety: the avatar is `Sendable`; concurrent ``pose(_:into:)`` calls are serialised
/// by an internal lock (it owns per-frame scratch buffers). Each caller passes its own cloud.
public final class Avatar: Sendable {
    /// What moves the Gaussians.
    public enum Kind: String, Sendable {
        /// A FLAME rig (linear blend skinning).
        case flame
        /// A blendshape rig (the demo head).
        case blendshape
        /// A static scene moved rigidly by the head pose.
        case rigid
    }

    enum Backend: Sendable {
        case flame(FLAMERig, FLAMEIdentity)
        case blendshape(BlendshapeRig)
        case rigid(GaussianCloud, pivot: SIMD3<Float>)
    }

    /// A name for logs (the file or folder, or `demo`).
    public let name: String
    /// What moves the Gaussians.
    public let kind: Kind
    /// Number of Gaussians.
    public let gaussianCount: Int
    /// How to render it (convention, background).
    public let renderHints: AvatarRenderHints
    /// Where to look: the centre of the neutral avatar's bounding box (the rig's mesh for
    /// rigged avatars, the Gaussians for rigid ones). Default cameras aim here.
    public let focus: SIMD3<Float>
    /// Half the diagonal of the same box: how far the avatar reaches from ``focus``. Default
    /// cameras of static scenes keep it in view.
    public let reach: Float
    /// The avatar's own motion (a GaussianAvatars folder's per-frame FLAME arrays), if any.
    public let motion: FLAMEMotion?
    /// Finite drive values beyond these are clamped.
    public let limits: DriveLimits
    /// Threads used per frame.
    public let threadCount: Int

    let backend: Backend
    let bound: BoundGaussians?

    /// Per-frame scratch buffers, reused by every pose (one pose at a time).
    private let scratch = Locked(PoseScratch())

    private struct PoseScratch {
        var vertices: [SIMD3<Float>] = []
        let frames = FaceFrames()
        var targetWeights: [Float] = []
        var arkitWeights = [Float](repeating: 0, count: ARKitParameters.count)
    }

    /// A FLAME avatar.
    /// - Throws: ``AssetError/bindingOutOfRange(path:gaussian:face:faceCount:)`` if a Gaussian
    ///   is bound to a triangle the rig lacks, ``AssetError/rigMismatch(path:key:reason:)`` if
    ///   the identity was made by another rig.
    public init(flameRig rig: FLAMERig, identity: FLAMEIdentity, gaussians: BoundGaussians, name: String,
                renderHints: AvatarRenderHints = .gaussianAvatars, motion: FLAMEMotion? = nil,
                limits: DriveLimits = .default, threads: Int = Parallel.coreCount) throws {
        try gaussians.validate(faceCount: rig.faceCount, path: name)
        guard identity.rigID == ObjectIdentifier(rig) else {
            throw AssetError.rigMismatch(path: name, key: "identity", reason: "made by another rig than \(rig.path)")
        }
        self.name = name
        kind = .flame
        gaussianCount = gaussians.count
        self.renderHints = renderHints
        self.motion = motion
        self.limits = limits
        threadCount = max(1, threads)
        backend = .flame(rig, identity)
        bound = gaussians
        (focus, reach) = Self.centreAndReach(Self.box(identity.shapedVertices))
    }

    /// A blendshape avatar (e.g. Gaussians on the demo head).
    /// - Throws: ``AssetError/bindingOutOfRange(path:gaussian:face:faceCount:)``.
    public init(blendshapeRig rig: BlendshapeRig, gaussians: BoundGaussians, name: String,
                renderHints: AvatarRenderHints = .demo, limits: DriveLimits = .default,
                threads: Int = Parallel.coreCount) throws {
        try gaussians.validate(faceCount: rig.faceCount, path: name)
        self.name = name
        kind = .blendshape
        gaussianCount = gaussians.count
        self.renderHints = renderHints
        motion = nil
        self.limits = limits
        threadCount = max(1, threads)
        backend = .blendshape(rig)
        bound = gaussians
        (focus, reach) = Self.centreAndReach(Self.box(rig.vertices))
        scratch.withLock { $0.targetWeights = [Float](repeating: 0, count: rig.targetCount) }
    }

    /// A static scene that follows the head pose rigidly: rotation about `pivot`, then the
    /// translation; scales, opacities and colours unchanged. Bindings in the cloud are ignored.
    public init(rigidScene scene: GaussianCloud, pivot: RigidPivot = .centroid, name: String,
                renderHints: AvatarRenderHints = .scene, limits: DriveLimits = .default,
                threads: Int = Parallel.coreCount) {
        var cloud = scene
        cloud.bindings = nil
        let point: SIMD3<Float>
        switch pivot {
        case .origin: point = .zero
        case .point(let p): point = p
        case .centroid:
            var sum = SIMD3<Double>.zero
            for p in cloud.positions { sum += SIMD3<Double>(p) }
            point = cloud.count == 0 ? .zero : SIMD3<Float>(sum / Double(cloud.count))
        }
        self.name = name
        kind = .rigid
        gaussianCount = cloud.count
        self.renderHints = renderHints
        motion = nil
        self.limits = limits
        threadCount = max(1, threads)
        backend = .rigid(cloud, pivot: point)
        bound = nil
        // The 2nd–98th percentile box per axis: stray floaters do not move the camera.
        (focus, reach) = Self.centreAndReach(Self.robustBox(cloud.positions))
    }

    /// The rigid pivot of a static scene (`nil` for rigged avatars).
    public var rigidPivot: SIMD3<Float>? {
        if case .rigid(_, let pivot) = backend { return pivot }
        return nil
    }

    /// The rig's triangles (3 indices per face); empty for static scenes.
    public var faces: [Int32] {
        switch backend {
        case .flame(let rig, _): return rig.faces
        case .blendshape(let rig): return rig.faces
        case .rigid: return []
        }
    }

    /// The FLAME rig, for FLAME avatars.
    public var flameRig: FLAMERig? { if case .flame(let rig, _) = backend { return rig }; return nil }
    /// The blendshape rig, for blendshape avatars.
    public var blendshapeRig: BlendshapeRig? { if case .blendshape(let rig) = backend { return rig }; return nil }
    /// The bound Gaussians, for rigged avatars.
    public var boundGaussians: BoundGaussians? { bound }

    /// A world cloud of the neutral avatar; pass it to ``pose(_:into:)`` every frame.
    public func makeCloud() -> GaussianCloud {
        var cloud = GaussianCloud()
        // The neutral drive is always valid.
        _ = try? pose(.neutral, into: &cloud)
        return cloud
    }

    /// Poses the avatar and writes its world-space Gaussians into `cloud`.
    ///
    /// The drive is validated (NaN or infinity throws ``DriveError``) and finite values are
    /// clamped to ``limits``. `cloud`'s arrays are reused when it already holds this avatar's
    /// Gaussians (as after ``makeCloud()`` or a previous call): no allocation per frame, and
    /// opacities and SH are shared with the avatar rather than copied.
    @discardableResult
    public func pose(_ drive: AvatarDrive, into cloud: inout GaussianCloud) throws -> PoseReport {
        try drive.validate()
        return scratch.withLock { s in
            var report = PoseReport()
            var clock = Stopwatch()
            switch backend {
            case .flame(let rig, let identity):
                if s.vertices.count != rig.vertexCount { s.vertices = [SIMD3<Float>](repeating: .zero, count: rig.vertexCount) }
                let parameters: FLAMEParameters
                switch drive {
                case .neutral: parameters = .neutral
                case .flame(let p): parameters = limits.clampPose(p)
                case .arkit(let a): parameters = limits.clampPose(DriveMapping.flame(from: a))
                }
                s.vertices.withUnsafeMutableBufferPointer { out in
                    rig.evaluateUnchecked(parameters, identity: identity, expressionLimit: limits.expression,
                                          threads: threadCount, into: out.baseAddress!)
                }
                report.rigSeconds = clock.lap()
                deformBound(faces: rig.faces, scratch: &s, into: &cloud)
            case .blendshape(let rig):
                if s.vertices.count != rig.vertexCount { s.vertices = [SIMD3<Float>](repeating: .zero, count: rig.vertexCount) }
                var eyes: (left: SIMD3<Float>, right: SIMD3<Float>)?
                let head: HeadPose
                switch drive {
                case .neutral:
                    s.arkitWeights.withUnsafeMutableBufferPointer { $0.initialize(repeating: 0) }
                    head = .identity
                case .arkit(let a):
                    s.arkitWeights.withUnsafeMutableBufferPointer { w in
                        a.weights.withUnsafeBufferPointer { w.baseAddress!.update(from: $0.baseAddress!, count: ARKitParameters.count) }
                    }
                    head = limits.clampHead(a.headPose)
                    if let e = a.eyes {
                        eyes = (DriveLimits.clampAngle(e.left, limits.eyeAngle), DriveLimits.clampAngle(e.right, limits.eyeAngle))
                    }
                case .flame(let p):
                    let q = limits.clampPose(p)
                    s.arkitWeights.withUnsafeMutableBufferPointer { DriveMapping.fill(from: q, weights: $0.baseAddress!) }
                    eyes = (q.leftEye, q.rightEye)
                    head = DriveMapping.headPose(from: q)
                }
                s.targetWeights.withUnsafeMutableBufferPointer { tw in
                    rig.fillWeights(s.arkitWeights, into: tw.baseAddress!)
                    s.vertices.withUnsafeMutableBufferPointer { out in
                        rig.evaluateUnchecked(weights: tw.baseAddress!, eyeRotations: eyes, headPose: head, into: out.baseAddress!)
                    }
                }
                report.rigSeconds = clock.lap()
                deformBound(faces: rig.faces, scratch: &s, into: &cloud)
            case .rigid(let scene, let pivot):
                let head: HeadPose
                switch drive {
                case .neutral: head = .identity
                case .arkit(let a): head = limits.clampHead(a.headPose)
                case .flame(let p): head = DriveMapping.headPose(from: limits.clampPose(p))
                }
                Self.moveRigidly(scene, pivot: pivot, pose: head, into: &cloud, threads: threadCount)
            }
            report.deformSeconds = clock.lap()
            return report
        }
    }

    /// The posed mesh for a drive (empty for static scenes). Allocates: for tests and tools.
    public func posedVertices(_ drive: AvatarDrive) throws -> [SIMD3<Float>] {
        var cloud = GaussianCloud()
        try pose(drive, into: &cloud)
        if case .rigid = backend { return [] }
        return scratch.withLock { $0.vertices }
    }

    private func deformBound(faces: [Int32], scratch s: inout PoseScratch, into cloud: inout GaussianCloud) {
        let frames = s.frames
        s.vertices.withUnsafeBufferPointer { v in
            faces.withUnsafeBufferPointer { f in
                frames.update(vertices: v.baseAddress!, faces: f.baseAddress!, faceCount: f.count / 3, threads: threadCount)
            }
        }
        bound!.deform(frames: frames, into: &cloud, threads: threadCount)
    }

    /// `p ← R (p − pivot) + pivot + t`, `q ← q_R ⊗ q`; scales, opacities and SH shared.
    static func moveRigidly(_ scene: GaussianCloud, pivot: SIMD3<Float>, pose: HeadPose, into cloud: inout GaussianCloud,
                            threads: Int) {
        if cloud.count != scene.count || cloud.shDegree != scene.shDegree {
            cloud = scene
        } else {
            cloud.opacities = scene.opacities
            cloud.sh = scene.sh
            cloud.scales = scene.scales
            cloud.bindings = nil
        }
        let m = RotationMath.rodrigues(pose.rotation)
        let r0 = SIMD3<Float>(m.r0), r1 = SIMD3<Float>(m.r1), r2 = SIMD3<Float>(m.r2)
        let q = SIMD4<Float>(RotationMath.quaternion(m))
        let shift = pivot + pose.translation
        scene.positions.withUnsafeBufferPointer { p in
        scene.rotations.withUnsafeBufferPointer { r in
        cloud.positions.withUnsafeMutableBufferPointer { po in
        cloud.rotations.withUnsafeMutableBufferPointer { ro in
            RigidMotion.move(positions: p.baseAddress!, rotations: r.baseAddress!, count: scene.count,
                             rows: (r0, r1, r2), quaternion: q, pivot: pivot, shift: shift,
                             intoPositions: po.baseAddress!, rotations: ro.baseAddress!, threads: threads)
        }
        }
        }
        }
    }

    /// The axis-aligned bounding box (zero for no points).
    static func box(_ points: [SIMD3<Float>]) -> (lo: SIMD3<Float>, hi: SIMD3<Float>) {
        guard var lo = points.first else { return (.zero, .zero) }
        var hi = lo
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        return (lo, hi)
    }

    /// The box from the 2nd to the 98th percentile per axis (ignores stray floaters).
    static func robustBox(_ points: [SIMD3<Float>]) -> (lo: SIMD3<Float>, hi: SIMD3<Float>) {
        guard !points.isEmpty else { return (.zero, .zero) }
        var lo = SIMD3<Float>.zero, hi = SIMD3<Float>.zero
        for axis in 0..<3 {
            let values = points.map { $0[axis] }.sorted()
            lo[axis] = values[values.count * 2 / 100]
            hi[axis] = values[min(values.count - 1, values.count * 98 / 100)]
        }
        return (lo, hi)
    }

    /// A box's centre and half its diagonal.
    static func centreAndReach(_ box: (lo: SIMD3<Float>, hi: SIMD3<Float>)) -> (SIMD3<Float>, Float) {
        let d = box.hi - box.lo
        return ((box.lo + box.hi) / 2, (d * d).sum().squareRoot() / 2)
    }
}
