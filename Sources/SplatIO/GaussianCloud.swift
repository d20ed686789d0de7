import Foundation

/// A set of 3D Gaussians with activated parameters, stored as a structure of arrays.
///
/// Values are *activated* (what the rasterizer consumes): `opacities` are in 0…1 (after the
/// sigmoid), `scales` are standard deviations (after `exp`), `rotations` are unit quaternions
/// stored as `(w, x, y, z)` in a `SIMD4` whose lanes are `[w, x, y, z]`.
///
/// Colour is a set of real spherical-harmonics coefficients per Gaussian. `sh` holds
/// `count × coefficientsPerChannel × 3` floats, ordered Gaussian-major, then coefficient, then
/// channel (`sh[(g * coefficientsPerChannel + k) * 3 + c]`). Coefficient 0 is the DC term
/// (`f_dc`), coefficients 1… are the PLY's `f_rest` values.
public struct GaussianCloud: Sendable, Equatable {
    /// Centres (world units; for bound avatars, local to the bound triangle).
    public var positions: [SIMD3<Float>]
    /// Per-axis standard deviations (activated: `exp(scale_i)`).
    public var scales: [SIMD3<Float>]
    /// Unit quaternions, lanes `[w, x, y, z]`.
    public var rotations: [SIMD4<Float>]
    /// Opacities in 0…1 (activated: `sigmoid(opacity)`).
    public var opacities: [Float]
    /// Spherical-harmonics coefficients, see the type's documentation for the layout.
    public var sh: [Float]
    /// Spherical-harmonics degree, 0…3.
    public private(set) var shDegree: Int
    /// Triangle each Gaussian is bound to (GaussianAvatars' `binding_0`), when present.
    public var bindings: [Int32]?

    /// Number of Gaussians.
    public var count: Int { positions.count }

    /// Coefficients per colour channel: `(shDegree + 1)²`.
    public var coefficientsPerChannel: Int { (shDegree + 1) * (shDegree + 1) }

    /// Creates a cloud; every array must describe the same number of Gaussians.
    public init(
        positions: [SIMD3<Float>], scales: [SIMD3<Float>], rotations: [SIMD4<Float>],
        opacities: [Float], sh: [Float], shDegree: Int, bindings: [Int32]? = nil
    ) {
        precondition((0...3).contains(shDegree), "SH degree must be 0...3")
        let n = positions.count
        precondition(scales.count == n && rotations.count == n && opacities.count == n,
                     "all Gaussian arrays must have the same count")
        precondition(sh.count == n * (shDegree + 1) * (shDegree + 1) * 3, "sh has the wrong size")
        precondition(bindings == nil || bindings!.count == n, "bindings has the wrong size")
        self.positions = positions
        self.scales = scales
        self.rotations = rotations
        self.opacities = opacities
        self.sh = sh
        self.shDegree = shDegree
        self.bindings = bindings
    }

    /// An empty cloud of the given SH degree.
    public init(shDegree: Int = 0) {
        self.init(positions: [], scales: [], rotations: [], opacities: [], sh: [], shDegree: shDegree)
    }
}

/// The spherical-harmonics constant of the DC term; `rgb = 0.5 + shC0 · f_dc`.
public let shC0: Float = 0.28209479177387814

/// The logistic function, the activation of stored opacities.
@inlinable public func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

/// The inverse of ``sigmoid(_:)``, clamped away from 0 and 1.
@inlinable public func logit(_ p: Float) -> Float {
    let q = min(max(p, 1e-6), 1 - 1e-6)
    return Foundation.log(q / (1 - q))
}

