/// What one render did and how long each stage took.
public struct RenderReport: Sendable, Equatable {
    /// Gaussians that survived culling.
    public var visible: Int = 0
    /// (tile, Gaussian) pairs after binning.
    public var tileInstances: Int = 0
    /// Seconds spent projecting (covariance, conic, extent, SH colour).
    public var projectionSeconds: Double = 0
    /// Seconds spent sorting by depth and binning into tiles.
    public var binningSeconds: Double = 0
    /// Seconds spent compositing tiles.
    public var compositingSeconds: Double = 0

    /// Total seconds of the render.
    public var totalSeconds: Double { projectionSeconds + binningSeconds + compositingSeconds }

    public init() {}
}
