import AnimatorKernels
import Foundation
import SplatCore
import SplatIO

/// Gaussians bound to the triangles of a rig, in the triangle frames: the avatar's rest data.
/// ``deform(vertices:faces:frames:into:threads:)`` turns them into world-space Gaussians for
/// a posed mesh.
///
/// Scales are *activated* (`exp(log-scale)`) and local rotations are unit quaternions (lanes
/// w, x, y, z); opacities (0…1) and SH coefficients are passed through unchanged (SH is not
/// rotated with the face, as in GaussianAvatars).
public struct BoundGaussians: Sendable {
    /// How positions follow the triangles.
    public let binding: GaussianBinding
    /// Triangle index of each Gaussian.
    public let faces: [Int32]
    /// Barycentric coordinates (b0, b1, b2) per Gaussian; empty for ``GaussianBinding/triangleFrame``.
    public let barycentric: [SIMD3<Float>]
    /// Triangle frame: the local position. Barycentric: the offset from the surface point.
    /// Both in the triangle frame, in units of the face scale `k`.
    public let offsets: [SIMD3<Float>]
    /// Local activated scales, in units of `k`.
    public let scales: [SIMD3<Float>]
    /// Local unit quaternions (w, x, y, z).
    public let rotations: [SIMD4<Float>]
    /// Opacities 0…1 (unchanged by deformation).
    public let opacities: [Float]
    /// SH coefficients, ``GaussianCloud`` layout (unchanged by deformation).
    public let sh: [Float]
    /// SH degree 0…3.
    public let shDegree: Int

    /// Number of Gaussians.
    public var count: Int { faces.count }

    /// The largest triangle index used (−1 when empty).
    public let maximumFace: Int

    /// GaussianAvatars Gaussians: a cloud read from `point_cloud.ply` whose positions, scales
    /// and rotations are local to the triangle given by its `bindings` (`binding_0`).
    /// - Throws: ``AssetError/missingBindings(path:)`` if the cloud has no bindings,
    ///   ``AssetError/bindingOutOfRange(path:gaussian:face:faceCount:)`` for a negative index.
    public init(triangleFrame cloud: GaussianCloud, path: String) throws {
        guard let bindings = cloud.bindings else { throw AssetError.missingBindings(path: path) }
        if let bad = bindings.firstIndex(where: { $0 < 0 }) {
            throw AssetError.bindingOutOfRange(path: path, gaussian: bad, face: Int(bindings[bad]), faceCount: 0)
        }
        binding = .triangleFrame
        faces = bindings
        maximumFace = Int(bindings.max() ?? -1)
        barycentric = []
        offsets = cloud.positions
        scales = cloud.scales
        rotations = cloud.rotations
        opacities = cloud.opacities
        sh = cloud.sh
        shDegree = cloud.shDegree
    }

    /// Gaussians from explicit arrays (every array has one entry per Gaussian; `barycentric`
    /// only for ``GaussianBinding/barycentric``). Rotations are normalised.
    /// - Throws: ``AssetError/invalidValue(path:key:reason:)`` naming the array (path `name`)
    ///   for inconsistent counts, non-finite values, zero quaternions or negative face indices.
    public init(binding: GaussianBinding, faces: [Int32], barycentric: [SIMD3<Float>] = [], offsets: [SIMD3<Float>],
                scales: [SIMD3<Float>], rotations: [SIMD4<Float>], opacities: [Float], sh: [Float], shDegree: Int,
                name: String = "bound Gaussians") throws {
        let n = faces.count
        func fail(_ key: String, _ reason: String) -> AssetError { .invalidValue(path: name, key: key, reason: reason) }
        guard (0...3).contains(shDegree) else { throw fail("sh", "degree \(shDegree) is not 0…3") }
        for (key, c) in [("offsets", offsets.count), ("scales", scales.count), ("rotations", rotations.count), ("opacities", opacities.count)]
        where c != n {
            throw fail(key, "\(c) entries for \(n) Gaussians")
        }
        if binding == .barycentric, barycentric.count != n { throw fail("barycentric", "\(barycentric.count) entries for \(n) Gaussians") }
        if binding == .triangleFrame, !barycentric.isEmpty { throw fail("barycentric", "given for a triangle-frame binding") }
        let k = (shDegree + 1) * (shDegree + 1) * 3
        guard sh.count == n * k else { throw fail("sh", "\(sh.count) values for \(n) Gaussians × \(k)") }
        if let bad = faces.firstIndex(where: { $0 < 0 }) {
            throw AssetError.bindingOutOfRange(path: name, gaussian: bad, face: Int(faces[bad]), faceCount: 0)
        }
        func finite3(_ v: SIMD3<Float>) -> Bool { v.x.isFinite && v.y.isFinite && v.z.isFinite }
        if let bad = offsets.firstIndex(where: { !finite3($0) }) { throw fail("offsets", "Gaussian \(bad) is not finite") }
        if let bad = barycentric.firstIndex(where: { !finite3($0) }) { throw fail("barycentric", "Gaussian \(bad) is not finite") }
        if let bad = scales.firstIndex(where: { !finite3($0) || $0.min() < 0 }) {
            throw fail("scales", "Gaussian \(bad) is not finite and ≥ 0")
        }
        if let bad = opacities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) { throw fail("opacities", "Gaussian \(bad) is not in 0…1") }
        if let bad = ArrayFile.firstNonFinite(sh) { throw fail("sh", "value \(bad) is not finite") }
        var unit = rotations
        for i in 0..<n {
            let q = unit[i]
            let len = (q * q).sum().squareRoot()
            guard len > 0, len.isFinite else { throw fail("rotations", "Gaussian \(i) has a zero or non-finite quaternion") }
            unit[i] = q / len
        }
        self.binding = binding
        self.faces = faces
        maximumFace = Int(faces.max() ?? -1)
        self.barycentric = barycentric
        self.offsets = offsets
        self.scales = scales
        self.rotations = unit
        self.opacities = opacities
        self.sh = sh
        self.shDegree = shDegree
    }

    /// Throws ``AssetError/bindingOutOfRange(path:gaussian:face:faceCount:)`` if a Gaussian is
    /// bound to a triangle the rig does not have.
    public func validate(faceCount: Int, path: String) throws {
        if let bad = faces.firstIndex(where: { $0 < 0 || Int($0) >= faceCount }) {
            throw AssetError.bindingOutOfRange(path: path, gaussian: bad, face: Int(faces[bad]), faceCount: faceCount)
        }
    }

    /// A world cloud sized for these Gaussians, sharing their opacities and SH arrays.
    public func makeCloud() -> GaussianCloud {
        GaussianCloud(positions: [SIMD3<Float>](repeating: .zero, count: count),
                      scales: [SIMD3<Float>](repeating: .zero, count: count),
                      rotations: [SIMD4<Float>](repeating: SIMD4(1, 0, 0, 0), count: count),
                      opacities: opacities, sh: sh, shDegree: shDegree)
    }

    /// Makes `cloud` hold these Gaussians' appearance: reuses its geometry arrays when the
    /// count and SH degree match (no allocation), otherwise replaces it.
    func prepare(_ cloud: inout GaussianCloud) {
        if cloud.count != count || cloud.shDegree != shDegree {
            cloud = makeCloud()
        } else {
            cloud.opacities = opacities  // O(1): shares the storage
            cloud.sh = sh
            cloud.bindings = nil
        }
    }

    /// Moves every Gaussian with its triangle: writes world positions, scales and rotations
    /// into `cloud` (opacities and SH are shared, not copied). `frames` holds the posed mesh's
    /// triangle frames (``FaceFrames/update(vertices:faces:threads:)``).
    ///
    /// Reuses `cloud`'s arrays when it already holds these Gaussians: no allocation per frame.
    /// - Precondition: every binding is below `frames.count` (``validate(faceCount:path:)``).
    public func deform(frames: FaceFrames, into cloud: inout GaussianCloud, threads: Int = Parallel.coreCount) {
        precondition(maximumFace < frames.count, "Gaussians bound to triangle \(maximumFace) but the mesh has \(frames.count)")
        prepare(&cloud)
        let n = count
        guard n > 0 else { return }
        let barycentricBinding = binding == .barycentric
        faces.withUnsafeBufferPointer { face in
        offsets.withUnsafeBufferPointer { offset in
        barycentric.withUnsafeBufferPointer { bary in
        scales.withUnsafeBufferPointer { scale in
        rotations.withUnsafeBufferPointer { rotation in
        cloud.positions.withUnsafeMutableBufferPointer { positionOut in
        cloud.scales.withUnsafeMutableBufferPointer { scaleOut in
        cloud.rotations.withUnsafeMutableBufferPointer { rotationOut in
            let local = BoundDeformation.Local(
                faces: face.baseAddress!, offsets: offset.baseAddress!,
                barycentric: barycentricBinding ? bary.baseAddress! : nil,
                scales: scale.baseAddress!, rotations: rotation.baseAddress!, count: n)
            BoundDeformation.deform(local, frames: frames.framePointer, corners: frames.cornerPointer,
                                    positions: positionOut.baseAddress!, scales: scaleOut.baseAddress!,
                                    rotations: rotationOut.baseAddress!, threads: threads)
        }
        }
        }
        }
        }
        }
        }
        }
    }
}
