/// Wall-clock times of one ``Avatar/pose(_:into:)`` call.
public struct PoseReport: Sendable, Equatable {
    /// Rig evaluation (blendshapes, skinning): seconds.
    public var rigSeconds: Double = 0
    /// Triangle frames plus Gaussian deformation (or the rigid transform): seconds.
    public var deformSeconds: Double = 0
    /// Both.
    public var totalSeconds: Double { rigSeconds + deformSeconds }

    /// Zero times.
    public init() {}
}
