import Foundation
import Rasterizer
import SplatIO
import SplatProtocol

/// A static Gaussian scene as an avatar: it follows the drive's head pose rigidly (rotation
/// about `pivot`, then translation) and ignores expressions.
final class RigidSceneAvatar: DaemonAvatar, @unchecked Sendable {
    let scene: GaussianCloud
    let pivot: SIMD3<Float>
    let kind: Splatd_V1_AvatarKind
    var gaussianCount: Int { scene.count }
    var vertexCount: Int { 0 }
    var triangleCount: Int { 0 }
    var expressionCount: Int { 0 }
    var headCentre: SIMD3<Float> { pivot }
    let defaultConvention: Convention
    let defaultBackground: SIMD3<Float>

    init(scene: GaussianCloud, kind: Splatd_V1_AvatarKind = .static, convention: Convention = .gsplat,
         background: SIMD3<Float> = [0.1, 0.1, 0.12]) {
        self.scene = scene
        self.kind = kind
        defaultConvention = convention
        defaultBackground = background
        var sum = SIMD3<Float>.zero
        for p in scene.positions { sum += p }
        pivot = scene.count > 0 ? sum / Float(scene.count) : .zero
    }

    func makePoseBuffer() -> GaussianCloud { scene }

    func pose(_ values: DriveValues, into cloud: inout GaussianCloud) {
        let (r, q) = Self.rotation(values.rotation)
        let t = values.translation
        let pivot = self.pivot
        scene.positions.withUnsafeBufferPointer { src in
            cloud.positions.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count {
                    let p = src[i] - pivot
                    dst[i] = SIMD3((r.0 * p).sum(), (r.1 * p).sum(), (r.2 * p).sum()) + pivot + t
                }
            }
        }
        scene.rotations.withUnsafeBufferPointer { src in
            cloud.rotations.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count { dst[i] = Self.hamilton(q, src[i]) }
            }
        }
    }

    /// Rotation rows and quaternion (w, x, y, z) of an axis-angle vector.
    static func rotation(_ v: SIMD3<Float>) -> ((SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), SIMD4<Float>) {
        let angle = (v * v).sum().squareRoot()
        guard angle > 1e-9 else { return (([1, 0, 0], [0, 1, 0], [0, 0, 1]), [1, 0, 0, 0]) }
        let k = v / angle
        let s = sin(angle / 2), c = cos(angle / 2)
        let q = SIMD4<Float>(c, k.x * s, k.y * s, k.z * s)
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        return ((SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
                 SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
                 SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y))), q)
    }

    static func hamilton(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
              a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
              a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
              a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0])
    }
}
