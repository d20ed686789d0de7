/// Constants shared by both conventions.
package enum RasterConstants {
    /// `log2(tileSize)`: pixel → tile by an arithmetic shift (which floors, also below zero).
    package static let tileShift: Int32 = 4
    /// Side of a square tile, in pixels.
    package static let tileSize = 1 << Int(tileShift)
    /// Added to both diagonal entries of every 2D covariance (anti-aliasing low-pass).
    package static let eps2d: Float = 0.3
    /// Smallest α that contributes.
    package static let minAlpha: Float = 1.0 / 255.0
    /// Transmittance at which a pixel stops.
    package static let minTransmittance: Float = 1e-4
    /// gsplat drops Gaussians farther than this.
    package static let farPlane: Float = 1e10
}
