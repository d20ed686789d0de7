/// One Gaussian after projection, laid out for the compositing loop: only what it reads (44 bytes,
/// copied once per tile the splat covers).
///
/// The conic is stored pre-halved and in base-2 units, so that the loop computes
/// `log2(e)·σ = conicA·dx² + conicB·dx·dy + conicC·dy²` and `α = 2^(log2Opacity − log2(e)·σ)`
/// with no extra multiplies.
package struct ProjectedSplat: Sendable {
    /// Projected centre, pixels (pixel centres at `+0.5`).
    package var meanX: Float, meanY: Float
    /// `0.5·A`, `B`, `0.5·C` of the inverse 2D covariance, times `log2(e)`.
    package var conicA: Float, conicB: Float, conicC: Float
    /// `log2(opacity)`: `α = 2^(log2Opacity − log2(e)·σ)` saves a multiply per pixel.
    package var log2Opacity: Float
    /// View-dependent colour (already `max(c + 0.5, 0)`).
    package var red: Float, green: Float, blue: Float
    /// The columns and rows (of the image, inclusive) whose pixel centres lie in the box of the
    /// ellipse outside which `α < 1/255`, clamped to `−1…width` and `−1…height`; none when the
    /// first is past the last. Integers, so that the compositor and the tile rectangle agree on
    /// them exactly, and a tile costs the compositor two subtractions to place a splat. (Images
    /// are at most 16 384 pixels a side, so `Int16` holds them.)
    package var firstColumn: Int16, lastColumn: Int16, firstRow: Int16, lastRow: Int16

    package init(meanX: Float, meanY: Float, conicA: Float, conicB: Float, conicC: Float, log2Opacity: Float,
                 red: Float, green: Float, blue: Float,
                 firstColumn: Int16, lastColumn: Int16, firstRow: Int16, lastRow: Int16) {
        self.meanX = meanX; self.meanY = meanY
        self.conicA = conicA; self.conicB = conicB; self.conicC = conicC
        self.log2Opacity = log2Opacity
        self.red = red; self.green = green; self.blue = blue
        self.firstColumn = firstColumn; self.lastColumn = lastColumn
        self.firstRow = firstRow; self.lastRow = lastRow
    }
}

/// The tiles a projected Gaussian touches: columns `x0..<x1`, rows `y0..<y1`.
package struct TileRect: Sendable, Equatable {
    package var x0: Int32, y0: Int32, x1: Int32, y1: Int32
    /// Tiles `x0..<x1` × `y0..<y1`.
    package init(x0: Int32, y0: Int32, x1: Int32, y1: Int32) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    package var count: Int { Int(x1 - x0) * Int(y1 - y0) }
}

extension TileRect {
    /// True when the rectangle holds no tile (the Gaussian is not drawn).
    package var isEmpty: Bool { x1 <= x0 || y1 <= y0 }
}
