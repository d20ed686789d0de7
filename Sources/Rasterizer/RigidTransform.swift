/// A rotation (stored as three rows) followed by a translation: `p' = R · p + t`.
public struct RigidTransform: Sendable, Equatable {
    /// Rows of the 3×3 rotation.
    public var rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)
    /// Translation applied after the rotation.
    public var translation: SIMD3<Float>

    /// Creates a transform from rotation rows and a translation.
    public init(rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), translation: SIMD3<Float>) {
        self.rows = rows
        self.translation = translation
    }

    /// The identity transform.
    public static let identity = RigidTransform(rows: ([1, 0, 0], [0, 1, 0], [0, 0, 1]), translation: .zero)

    /// Creates a transform from a row-major 4×4 matrix (the last row is ignored).
    public init(rowMajor m: [[Double]]) {
        func row(_ i: Int) -> SIMD3<Float> { SIMD3(Float(m[i][0]), Float(m[i][1]), Float(m[i][2])) }
        self.init(rows: (row(0), row(1), row(2)),
                  translation: SIMD3(Float(m[0][3]), Float(m[1][3]), Float(m[2][3])))
    }

    /// `R · v`.
    @inlinable @inline(__always) public func applyRotation(_ v: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((rows.0 * v).sum(), (rows.1 * v).sum(), (rows.2 * v).sum())
    }

    /// `R · p + t`.
    @inlinable @inline(__always) public func apply(_ p: SIMD3<Float>) -> SIMD3<Float> { applyRotation(p) + translation }

    /// The rotation's columns (the rows of `Rᵀ`).
    public var columns: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        (SIMD3(rows.0.x, rows.1.x, rows.2.x), SIMD3(rows.0.y, rows.1.y, rows.2.y), SIMD3(rows.0.z, rows.1.z, rows.2.z))
    }

    /// The inverse transform, assuming the rotation is orthonormal.
    public var inverse: RigidTransform {
        let rt = RigidTransform(rows: columns, translation: .zero)
        return RigidTransform(rows: rt.rows, translation: -rt.applyRotation(translation))
    }

    /// `self ∘ other`: applies `other` first.
    public func concatenating(_ other: RigidTransform) -> RigidTransform {
        let c = other.columns
        func row(_ r: SIMD3<Float>) -> SIMD3<Float> { SIMD3((r * c.0).sum(), (r * c.1).sum(), (r * c.2).sum()) }
        return RigidTransform(rows: (row(rows.0), row(rows.1), row(rows.2)), translation: apply(other.translation))
    }

    /// Whether every entry is finite.
    public var isFinite: Bool {
        for v in [rows.0, rows.1, rows.2, translation] where !(v.x.isFinite && v.y.isFinite && v.z.isFinite) {
            return false
        }
        return true
    }

    public static func == (a: RigidTransform, b: RigidTransform) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2 && a.translation == b.translation
    }
}
