/// One Gaussian after projection, laid out for the compositing loop (48 bytes).
///
/// The conic is stored pre-halved so that the loop computes
/// `σ = conicA·dx² + conicB·dx·dy + conicC·dy²` with no extra multiplies.
struct ProjectedSplat {
    /// Projected centre, pixels (pixel centres at `+0.5`).
    var meanX: Float, meanY: Float
    /// `0.5·A`, `B`, `0.5·C` of the inverse 2D covariance.
    var conicA: Float, conicB: Float, conicC: Float
    /// `ln(opacity)`: `α = exp(lnOpacity − σ)` saves a multiply per pixel.
    var lnOpacity: Float
    /// View-dependent colour (already `max(c + 0.5, 0)`).
    var red: Float, green: Float, blue: Float
    /// Half-extents (pixels) of the ellipse outside which `α < 1/255`; negative when no pixel can reach it.
    var extentX: Float, extentY: Float
    /// Opacity (activated).
    var opacity: Float
}

/// The tiles a projected Gaussian touches: columns `x0..<x1`, rows `y0..<y1`.
struct TileRect {
    var x0: Int32, y0: Int32, x1: Int32, y1: Int32
    var count: Int { Int(x1 - x0) * Int(y1 - y0) }
}
