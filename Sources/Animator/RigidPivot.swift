/// The point a static scene (a rigid avatar) turns about when the head pose rotates it.
public enum RigidPivot: Sendable, Equatable {
    /// The mean of the Gaussians' positions (the default: a captured head turns in place,
    /// whatever coordinate frame its capture used).
    case centroid
    /// The scene's origin.
    case origin
    /// A given point.
    case point(SIMD3<Float>)
}
