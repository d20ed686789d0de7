/// Which reference renderer's semantics to reproduce.
public enum Convention: String, Sendable, CaseIterable, Codable {
    /// nerfstudio gsplat (the default): near plane 0.01, opacity-aware per-axis extents,
    /// α clamped to 0.999, stop when `T ≤ 1e-4`.
    case gsplat
    /// The original 3DGS renderer (graphdeco-inria), which GaussianAvatars avatars were
    /// trained with: near plane 0.2, 3σ square extents, α clamped to 0.99, stop when `T < 1e-4`.
    case inria
}

/// Per-render settings.
public struct RenderOptions: Sendable, Equatable {
    /// Semantics of projection and compositing.
    public var convention: Convention
    /// Colour behind the Gaussians, linear 0…1 per channel.
    public var background: SIMD3<Float>

    /// Creates render settings.
    public init(convention: Convention = .gsplat, background: SIMD3<Float> = .zero) {
        self.convention = convention
        self.background = background
    }

    var nearPlane: Float { convention == .gsplat ? 0.01 : 0.2 }
    var alphaClamp: Float { convention == .gsplat ? 0.999 : 0.99 }
}
