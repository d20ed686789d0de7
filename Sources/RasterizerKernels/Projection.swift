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
    /// rectangle; an invisible Gaussian gets an empty rectangle.
    package func project(
        _ cloud: borrowing CloudView, range: Range<Int>,
        splats: UnsafeMutablePointer<ProjectedSplat>, depthKeys: UnsafeMutablePointer<UInt32>,
        rects: UnsafeMutablePointer<TileRect>
    ) {
        let (r0, r1, r2) = setup.rotationRows
        let viewTranslation = setup.translation
        let centre = setup.centre
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
        @inline(__always) func rotate(_ v: SIMD3<Float>) -> SIMD3<Float> { SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum()) }
        let tile = Float(RasterConstants.tileSize)
        let empty = TileRect(x0: 0, y0: 0, x1: 0, y1: 0)
        let coefficients = cloud.coefficientsPerChannel

        for i in range {
            rects[i] = empty
            let p = cloud.positions[i]
            let pc = SIMD3((r0 * p).sum(), (r1 * p).sum(), (r2 * p).sum()) + viewTranslation
            let z = pc.z
            if inria ? !(z > near) : !(z >= near && z <= RasterConstants.farPlane) { continue }

            // M = W_R · R(q) · S, as columns; Σc = M Mᵀ.
            let q = cloud.rotations[i]
            let (w, x, y, zq) = (q[0], q[1], q[2], q[3])
            let rc0 = SIMD3(1 - 2 * (y * y + zq * zq), 2 * (x * y + w * zq), 2 * (x * zq - w * y))
            let rc1 = SIMD3(2 * (x * y - w * zq), 1 - 2 * (x * x + zq * zq), 2 * (y * zq + w * x))
            let rc2 = SIMD3(2 * (x * zq + w * y), 2 * (y * zq - w * x), 1 - 2 * (x * x + y * y))
            let s = cloud.scales[i]
            let m0 = rotate(rc0) * s.x
            let m1 = rotate(rc1) * s.y
            let m2 = rotate(rc2) * s.z

            // Jacobian at the clamped position; rows of J·M.
            let invZ = 1 / z
            let tx = z * min(limXPos, max(-limXNeg, pc.x * invZ))
            let ty = z * min(limYPos, max(-limYNeg, pc.y * invZ))
            let rowX = SIMD3(m0.x, m1.x, m2.x), rowY = SIMD3(m0.y, m1.y, m2.y), rowZ = SIMD3(m0.z, m1.z, m2.z)
            let j0 = rowX * (fx * invZ) - rowZ * (fx * tx * invZ * invZ)
            let j1 = rowY * (fy * invZ) - rowZ * (fy * ty * invZ * invZ)
            let a = (j0 * j0).sum() + RasterConstants.eps2d
            let b = (j0 * j1).sum()
            let c = (j1 * j1).sum() + RasterConstants.eps2d
            let det = a * c - b * b
            if !(det > 0) { continue }

            let mx = fx * pc.x * invZ + cx
            let my = fy * pc.y * invZ + cy
            let opacity = cloud.opacities[i]
            // α ≥ 1/255 exactly where σ ≤ ln(255·opacity).
            let lnOpacity = log(opacity)
            let sigmaMax = lnOpacity + 5.541263545158426  // ln 255
            var rect: TileRect
            if inria {
                let mid = 0.5 * (a + c)
                let lambda = mid + max(0.1, mid * mid - det).squareRoot()
                let radius = (3 * lambda.squareRoot()).rounded(.up)
                // INRIA's pixel coordinates put pixel centres on integers.
                let px = mx - 0.5, py = my - 0.5
                func lo(_ v: Float, _ limit: Int32) -> Int32 { min(limit, max(0, Int32(clamping: Int64(((v - radius) / tile).rounded(.towardZero))))) }
                func hi(_ v: Float, _ limit: Int32) -> Int32 { min(limit, max(0, Int32(clamping: Int64(((v + radius + tile - 1) / tile).rounded(.towardZero))))) }
                guard radius.isFinite, px.isFinite, py.isFinite else { continue }
                rect = TileRect(x0: lo(px, tilesX), y0: lo(py, tilesY), x1: hi(px, tilesX), y1: hi(py, tilesY))
            } else {
                if opacity < RasterConstants.minAlpha { continue }
                let extend = min(3.33, (2 * sigmaMax).squareRoot())
                let rx = (extend * a.squareRoot()).rounded(.up)
                let ry = (extend * c.squareRoot()).rounded(.up)
                if rx <= 0 && ry <= 0 { continue }
                if mx + rx <= 0 || mx - rx >= width || my + ry <= 0 || my - ry >= height { continue }
                func lo(_ v: Float, _ limit: Int32) -> Int32 { min(limit, max(0, Int32(clamping: Int64((v / tile).rounded(.down))))) }
                func hi(_ v: Float, _ limit: Int32) -> Int32 { min(limit, max(0, Int32(clamping: Int64((v / tile).rounded(.up))))) }
                guard mx.isFinite, my.isFinite else { continue }
                rect = TileRect(x0: lo(mx - rx, tilesX), y0: lo(my - ry, tilesY), x1: hi(mx + rx, tilesX), y1: hi(my + ry, tilesY))
            }
            if rect.x1 <= rect.x0 || rect.y1 <= rect.y0 { continue }

            // Exact ellipse extents where α ≥ 1/255 is possible: σ ≤ ln(255·opacity).
            var extentX: Float = -1, extentY: Float = -1
            if sigmaMax > 0 {
                extentX = (2 * sigmaMax * a).squareRoot() * 1.0001 + 0.01
                extentY = (2 * sigmaMax * c).squareRoot() * 1.0001 + 0.01
            }
            let direction = p - centre
            let colour = SphericalHarmonics.colour(
                degree: cloud.shDegree, direction: direction / (direction * direction).sum().squareRoot(),
                coefficients: cloud.sh + i * coefficients * 3)
            // The compositor works in base 2 (`α = 2^(log2 o − log2(e)·σ)`).
            let log2e: Float = 1.4426950408889634
            let scaledInvDet = log2e / det
            splats[i] = ProjectedSplat(
                meanX: mx, meanY: my,
                conicA: 0.5 * c * scaledInvDet, conicB: -b * scaledInvDet, conicC: 0.5 * a * scaledInvDet,
                log2Opacity: lnOpacity * log2e,
                red: colour.x, green: colour.y, blue: colour.z,
                extentX: extentX, extentY: extentY)
            depthKeys[i] = z.bitPattern
            rects[i] = rect
        }
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
