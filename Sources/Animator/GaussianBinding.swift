/// How a bound Gaussian's position follows its triangle. Rotation and scale follow the
/// triangle frame in both cases (``FaceFrames``): `world rotation = q_f ⊗ q_local`,
/// `world scale = local scale · k`.
public enum GaussianBinding: String, Sendable, Equatable {
    /// GaussianAvatars: the position is local to the triangle frame,
    /// `world position = R_f · local · k + c`.
    case triangleFrame
    /// Triangle + barycentric coordinates (UV-domain bindings of GeoDiff4D / FFAvatar, and the
    /// demo avatar): `world position = Σ bᵢ vᵢ + R_f · offset · k`, so Gaussians stay on the
    /// deformed surface even where a triangle shears; `offset` (in units of `k`, in the
    /// triangle frame) lifts them off it (hair).
    case barycentric
}
