#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What projection needs to know about the camera and the convention, as plain numbers (the
/// `Rasterizer` module builds it from its `Camera` and `RenderOptions`).
package struct ProjectionSetup: Sendable {
    /// Rows of the world-to-camera rotation and its translation.
    package var rotationRows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)
    package var translation: SIMD3<Float>
    /// Camera centre in world space (view direction for the SH colour).
    package var centre: SIMD3<Float>
    package var fx: Float, fy: Float, cx: Float, cy: Float
    package var width: Int, height: Int
    /// INRIA's semantics (3σ square extents, near plane test `z > near`) instead of gsplat's.
    package var inria: Bool
    package var nearPlane: Float

    package init(rotationRows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), translation: SIMD3<Float>,
                 centre: SIMD3<Float>, fx: Float, fy: Float, cx: Float, cy: Float, width: Int, height: Int,
                 inria: Bool, nearPlane: Float) {
        self.rotationRows = rotationRows
        self.translation = translation
        self.centre = centre
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.width = width; self.height = height
        self.inria = inria
        self.nearPlane = nearPlane
    }
}

/// Stage 1: world-space Gaussians → screen-space splats, depths and tile rectangles.
///
/// Follows the EWA projection of the reference renderers (docs/rasterizer.md, "Projection"):
/// the Jacobian is evaluated at a clamped position, `eps2d` is added to the diagonal, and the
/// screen extent is gsplat's opacity-aware per-axis box or INRIA's 3σ square.
package struct Projection: Sendable {
    package let setup: ProjectionSetup
    package let tilesX: Int32
    package let tilesY: Int32

    package init(_ setup: ProjectionSetup) {
        self.setup = setup
        let t = Int32(RasterConstants.tileSize)
        tilesX = (Int32(setup.width) + t - 1) / t
        tilesY = (Int32(setup.height) + t - 1) / t
    }

    /// Projects Gaussians `range` of `cloud`. For each, writes the splat, the depth key (the
    /// float bits of camera-space z, which sort like the float because z > 0) and the tile
    /// rectangle; an invisible Gaussian gets an empty rectangle, and so does a visible one
    /// whose ellipse holds no pixel centre. Returns how many are visible (by the convention's
    /// box, as the reference renderers count them).
    ///
    /// Eight Gaussians at a time: the geometry (camera-space position, covariance, its 2D
    /// projection and the SH basis of the view direction) is computed with one Gaussian per
    /// `SIMD8` lane, which is all vertical arithmetic; what needs per-Gaussian branches and
    /// rounding (visibility, the tile box, the colour sum over its own coefficients) follows per lane.
    @discardableResult
    package func project(
        _ cloud: CloudView, range: Range<Int>,
        splats: UnsafeMutablePointer<ProjectedSplat>, depthKeys: UnsafeMutablePointer<UInt32>,
        rects: UnsafeMutablePointer<TileRect>
    ) -> Int {
        guard !range.isEmpty else { return 0 }
        // The SH basis of each lane's view direction: basis[8·j + lane], j = 1…15.
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 * 8) { basis in
            var start = range.lowerBound, visible = 0
            while start < range.upperBound {
                visible += projectBlock(cloud, start: start, lanes: min(8, range.upperBound - start),
                                        basis: basis.baseAddress!, splats: splats, depthKeys: depthKeys, rects: rects)
                start += 8
            }
            return visible
        }
    }

    @inline(__always)
    private func projectBlock(
        _ cloud: CloudView, start: Int, lanes: Int, basis: UnsafeMutablePointer<Float>,
        splats: UnsafeMutablePointer<ProjectedSplat>, depthKeys: UnsafeMutablePointer<UInt32>,
        rects: UnsafeMutablePointer<TileRect>
    ) -> Int {
        typealias V = SIMD8<Float>
        let (r0, r1, r2) = setup.rotationRows
        let t = setup.translation
        let fx = setup.fx, fy = setup.fy, cx = setup.cx, cy = setup.cy
        let width = Float(setup.width), height = Float(setup.height)
        let inria = setup.inria
        let near = setup.nearPlane
        // Jacobian clamp limits (tangent space).
        let tanFovX = 0.5 * width / fx, tanFovY = 0.5 * height / fy
        let limXPos: Float, limXNeg: Float, limYPos: Float, limYNeg: Float
        if inria {
            limXPos = 1.3 * tanFovX; limXNeg = limXPos
            limYPos = 1.3 * tanFovY; limYNeg = limYPos
        } else {
            limXPos = (width - cx) / fx + 0.3 * tanFovX; limXNeg = cx / fx + 0.3 * tanFovX
            limYPos = (height - cy) / fy + 0.3 * tanFovY; limYNeg = cy / fy + 0.3 * tanFovY
        }
        let last = lanes - 1

        // Inputs, one Gaussian per lane (a short last block repeats its last Gaussian).
        let (px, py, pz, _) = Self.transposed(UnsafeRawPointer(cloud.positions), start, last)
        let (qw, qx, qy, qz) = Self.transposed(UnsafeRawPointer(cloud.rotations), start, last)
        let (sx, sy, sz, _) = Self.transposed(UnsafeRawPointer(cloud.scales), start, last)

        // Camera space.
        let pcx = (px * r0.x).addingProduct(py, r0.y).addingProduct(pz, r0.z) + t.x
        let pcy = (px * r1.x).addingProduct(py, r1.y).addingProduct(pz, r1.z) + t.y
        let z = (px * r2.x).addingProduct(py, r2.y).addingProduct(pz, r2.z) + t.z
        var visible = inria ? z .> V(repeating: near) : (z .>= V(repeating: near)) .& (z .<= V(repeating: RasterConstants.farPlane))
        if !any(visible) {
            for l in 0..<lanes { rects[start + l] = TileRect(x0: 0, y0: 0, x1: 0, y1: 0) }
            return 0
        }

        // M = W_R · R(q) · S, as columns m0, m1, m2; Σc = M Mᵀ.
        let xx = qx * qx, yy = qy * qy, zz = qz * qz
        let xy = qx * qy, xz = qx * qz, yz = qy * qz
        let wx = qw * qx, wy = qw * qy, wz = qw * qz
        let rc0 = (1 - 2 * (yy + zz), 2 * (xy + wz), 2 * (xz - wy))
        let rc1 = (2 * (xy - wz), 1 - 2 * (xx + zz), 2 * (yz + wx))
        let rc2 = (2 * (xz + wy), 2 * (yz - wx), 1 - 2 * (xx + yy))
        @inline(__always) func rotate(_ v: (V, V, V), _ s: V) -> (V, V, V) {
            (((v.0 * r0.x).addingProduct(v.1, r0.y).addingProduct(v.2, r0.z)) * s,
             ((v.0 * r1.x).addingProduct(v.1, r1.y).addingProduct(v.2, r1.z)) * s,
             ((v.0 * r2.x).addingProduct(v.1, r2.y).addingProduct(v.2, r2.z)) * s)
        }
        let m0 = rotate(rc0, sx), m1 = rotate(rc1, sy), m2 = rotate(rc2, sz)

        // Jacobian at the clamped position; rows of J·M.
        let invZ = 1 / z
        // (`clamped(lowerBound:upperBound:)` compiles to calls here.)
        @inline(__always) func clamp(_ v: V, _ low: Float, _ high: Float) -> V {
            let l = V(repeating: low), h = V(repeating: high)
            let above = v.replacing(with: l, where: v .< l)
            return above.replacing(with: h, where: above .> h)
        }
        let tx = z * clamp(pcx * invZ, -limXNeg, limXPos)
        let ty = z * clamp(pcy * invZ, -limYNeg, limYPos)
        let jxx = fx * invZ, jxz = fx * tx * invZ * invZ
        let jyy = fy * invZ, jyz = fy * ty * invZ * invZ
        let j00 = m0.0 * jxx - m0.2 * jxz, j01 = m1.0 * jxx - m1.2 * jxz, j02 = m2.0 * jxx - m2.2 * jxz
        let j10 = m0.1 * jyy - m0.2 * jyz, j11 = m1.1 * jyy - m1.2 * jyz, j12 = m2.1 * jyy - m2.2 * jyz
        let a = (j00 * j00).addingProduct(j01, j01).addingProduct(j02, j02) + RasterConstants.eps2d
        let b = (j00 * j10).addingProduct(j01, j11).addingProduct(j02, j12)
        let c = (j10 * j10).addingProduct(j11, j11).addingProduct(j12, j12) + RasterConstants.eps2d
        let det = a * c - b * b
        visible .&= det .> 0
        let mx = (fx * pcx * invZ) + cx
        let my = (fy * pcy * invZ) + cy

        // The SH basis of each lane's view direction.
        if cloud.shDegree >= 1 {
            let c = setup.centre
            SphericalHarmonics.basis(degree: cloud.shDegree, x: px - c.x, y: py - c.y, z: pz - c.z, into: basis)
        }

        // Per lane: opacity, the tile box, the colour.
        let tile = Float(RasterConstants.tileSize)
        let coefficients = cloud.coefficientsPerChannel
        // A whole number of tiles clamped to `0…limit`, clamped as a float so that converting
        // it is one instruction (NaN gives 0).
        @inline(__always) func tileIndex(_ v: Float, _ limit: Int32) -> Int32 { Int32(min(Float(limit), max(0, v))) }
        var visibleCount = 0
        for l in 0..<lanes {
            let i = start + l
            rects[i] = TileRect(x0: 0, y0: 0, x1: 0, y1: 0)
            if !visible[l] { continue }
            let a = a[l], c = c[l], mx = mx[l], my = my[l]
            let opacity = cloud.opacities[i]
            // α ≥ 1/255 exactly where σ ≤ ln(255·opacity).
            let lnOpacity = log(opacity)
            let sigmaMax = lnOpacity + 5.541263545158426  // ln 255
            var rect: TileRect
            if inria {
                let det = det[l]
                let mid = 0.5 * (a + c)
                let lambda = mid + max(0.1, mid * mid - det).squareRoot()
                let radius = (3 * lambda.squareRoot()).rounded(.up)
                // INRIA's pixel coordinates put pixel centres on integers.
                let px = mx - 0.5, py = my - 0.5
                func lo(_ v: Float, _ limit: Int32) -> Int32 { tileIndex(((v - radius) / tile).rounded(.towardZero), limit) }
                func hi(_ v: Float, _ limit: Int32) -> Int32 { tileIndex(((v + radius + tile - 1) / tile).rounded(.towardZero), limit) }
                guard radius.isFinite, px.isFinite, py.isFinite else { continue }
                rect = TileRect(x0: lo(px, tilesX), y0: lo(py, tilesY), x1: hi(px, tilesX), y1: hi(py, tilesY))
            } else {
                if opacity < RasterConstants.minAlpha { continue }
                let extend = min(3.33, (2 * sigmaMax).squareRoot())
                let rx = (extend * a.squareRoot()).rounded(.up)
                let ry = (extend * c.squareRoot()).rounded(.up)
                if rx <= 0 && ry <= 0 { continue }
                if mx + rx <= 0 || mx - rx >= width || my + ry <= 0 || my - ry >= height { continue }
                func lo(_ v: Float, _ limit: Int32) -> Int32 { tileIndex((v / tile).rounded(.down), limit) }
                func hi(_ v: Float, _ limit: Int32) -> Int32 { tileIndex((v / tile).rounded(.up), limit) }
                guard mx.isFinite, my.isFinite else { continue }
                rect = TileRect(x0: lo(mx - rx, tilesX), y0: lo(my - ry, tilesY), x1: hi(mx + rx, tilesX), y1: hi(my + ry, tilesY))
            }
            if rect.x1 <= rect.x0 || rect.y1 <= rect.y0 { continue }
            visibleCount += 1

            // The pixels whose centres lie in the box of the ellipse where α ≥ 1/255 is possible
            // (σ ≤ ln(255·opacity)); a little wider than exact, so that rounding never drops a
            // pixel that contributes.
            var columns: (Int16, Int16) = (1, 0), rows: (Int16, Int16) = (1, 0)
            if sigmaMax > 0 {
                let extentX = (2 * sigmaMax * a).squareRoot() * 1.0001 + 0.01
                let extentY = (2 * sigmaMax * c).squareRoot() * 1.0001 + 0.01
                @inline(__always) func pixel(_ v: Float, _ limit: Float) -> Int16 { Int16(max(-1, min(limit, v))) }
                columns = (pixel((mx - extentX - 0.5).rounded(.up), width), pixel((mx + extentX - 0.5).rounded(.down), width))
                rows = (pixel((my - extentY - 0.5).rounded(.up), height), pixel((my + extentY - 0.5).rounded(.down), height))
            }
            if !inria {
                // Only the tiles that hold one of those pixels. (INRIA's renderer draws every
                // tile of its square; so does this one under its convention.)
                let shift = RasterConstants.tileShift
                rect = TileRect(x0: max(rect.x0, Int32(columns.0) >> shift), y0: max(rect.y0, Int32(rows.0) >> shift),
                                x1: min(rect.x1, (Int32(columns.1) >> shift) + 1), y1: min(rect.y1, (Int32(rows.1) >> shift) + 1))
                if rect.x1 <= rect.x0 || rect.y1 <= rect.y0 { continue }
            }
            let colour = SphericalHarmonics.colour(
                coefficients: cloud.sh + i * coefficients * 3, count: coefficients, basis: basis + l)
            // The compositor works in base 2 (`α = 2^(log2 o − log2(e)·σ)`).
            let log2e: Float = 1.4426950408889634
            let scaledInvDet = log2e / det[l]
            splats[i] = ProjectedSplat(
                meanX: mx, meanY: my,
                conicA: 0.5 * c * scaledInvDet, conicB: -b[l] * scaledInvDet, conicC: 0.5 * a * scaledInvDet,
                log2Opacity: lnOpacity * log2e,
                red: colour.x, green: colour.y, blue: colour.z,
                firstColumn: columns.0, lastColumn: columns.1, firstRow: rows.0, lastRow: rows.1)
            depthKeys[i] = z[l].bitPattern
            rects[i] = rect
        }
        return visibleCount
    }

    /// The four floats of 16-byte elements `start…start + last` (`SIMD3<Float>` or `SIMD4<Float>`),
    /// one element per lane, lanes past `last` repeating it: a 4 × 8 transpose in shuffles.
    @inline(__always)
    private static func transposed(_ base: UnsafeRawPointer, _ start: Int, _ last: Int)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        @inline(__always) func at(_ l: Int) -> SIMD4<Float> {
            base.loadUnaligned(fromByteOffset: 16 * (start + (l < last ? l : last)), as: SIMD4<Float>.self)
        }
        @inline(__always) func pair(_ l: Int) -> SIMD8<Float> { SIMD8(lowHalf: at(l), highHalf: at(l + 1)) }
        let ab = pair(0), cd = pair(2), ef = pair(4), gh = pair(6)
        // x z of each element, then y w.
        let xz0 = SIMD8(lowHalf: ab.evenHalf, highHalf: cd.evenHalf), xz1 = SIMD8(lowHalf: ef.evenHalf, highHalf: gh.evenHalf)
        let yw0 = SIMD8(lowHalf: ab.oddHalf, highHalf: cd.oddHalf), yw1 = SIMD8(lowHalf: ef.oddHalf, highHalf: gh.oddHalf)
        return (SIMD8(lowHalf: xz0.evenHalf, highHalf: xz1.evenHalf), SIMD8(lowHalf: yw0.evenHalf, highHalf: yw1.evenHalf),
                SIMD8(lowHalf: xz0.oddHalf, highHalf: xz1.oddHalf), SIMD8(lowHalf: yw0.oddHalf, highHalf: yw1.oddHalf))
    }
}

/// Borrowed pointers to a cloud's arrays, valid for one render.
package struct CloudView {
    package let positions: UnsafePointer<SIMD3<Float>>
    package let scales: UnsafePointer<SIMD3<Float>>
    package let rotations: UnsafePointer<SIMD4<Float>>
    package let opacities: UnsafePointer<Float>
    package let sh: UnsafePointer<Float>
    package let shDegree: Int
    package let count: Int
    package var coefficientsPerChannel: Int { (shDegree + 1) * (shDegree + 1) }

    package init(positions: UnsafePointer<SIMD3<Float>>, scales: UnsafePointer<SIMD3<Float>>,
                 rotations: UnsafePointer<SIMD4<Float>>, opacities: UnsafePointer<Float>,
                 sh: UnsafePointer<Float>, shDegree: Int, count: Int) {
        self.positions = positions; self.scales = scales; self.rotations = rotations
        self.opacities = opacities; self.sh = sh; self.shDegree = shDegree; self.count = count
    }
}
