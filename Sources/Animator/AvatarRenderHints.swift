/// How an avatar is meant to be rendered: the rasterizer convention it was trained with and
/// its background. (The animator does not depend on the rasterizer; map ``Convention`` onto
/// `Rasterizer.Convention` by its raw value.)
public struct AvatarRenderHints: Sendable, Equatable {
    /// Rasterizer semantics (raw values match `Rasterizer.Convention`).
    public enum Convention: String, Sendable {
        /// nerfstudio gsplat.
        case gsplat
        /// The original INRIA 3DGS renderer.
        case inria
    }

    /// The convention to render with.
    public var convention: Convention
    /// The background colour, 0…1 per channel.
    public var background: SIMD3<Float>

    /// Creates hints.
    public init(convention: Convention, background: SIMD3<Float>) {
        self.convention = convention
        self.background = background
    }

    /// GaussianAvatars avatars were trained with the INRIA renderer on a white background.
    public static let gaussianAvatars = AvatarRenderHints(convention: .inria, background: SIMD3(repeating: 1))
    /// The demo avatar: gsplat on a neutral mid-dark grey that sets off both skin and dark hair.
    public static let demo = AvatarRenderHints(convention: .gsplat, background: SIMD3(repeating: 0.32))
    /// Plain scenes: gsplat on black, as `splatd render --scene` does.
    public static let scene = AvatarRenderHints(convention: .gsplat, background: .zero)
}
