import Animator
import Rasterizer
import SplatIO
import SplatProtocol

/// What the daemon needs from a loaded avatar: its facts, and a way to turn drive values into
/// world-space Gaussians. Implementations must be safe to pose from the render thread while
/// the I/O thread reads their (immutable) facts.
protocol DaemonAvatar: AnyObject, Sendable {
    /// Kind, path and sizes, as reported to clients.
    var kind: Splatd_V1_AvatarKind { get }
    var gaussianCount: Int { get }
    var vertexCount: Int { get }
    var triangleCount: Int { get }
    var expressionCount: Int { get }
    /// The centre of the head in the avatar's world frame (orbit cameras aim here).
    var headCentre: SIMD3<Float> { get }
    /// The convention and background the avatar was made for.
    var defaultConvention: Convention { get }
    var defaultBackground: SIMD3<Float> { get }

    /// Expression vectors per viseme, for speech on FLAME avatars (nil: jaw only).
    var visemeTable: VisemeTable? { get }

    /// A cloud of the right size and SH degree to pose into.
    func makePoseBuffer() -> GaussianCloud
    /// Writes the Gaussians for `values` into `cloud` (from `makePoseBuffer`).
    func pose(_ values: DriveValues, into cloud: inout GaussianCloud) throws
}
