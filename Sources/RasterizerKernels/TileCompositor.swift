#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage 3: blends the depth-ordered splats of one 16×16 tile front to back.
///
/// This is the hot loop of the renderer, so it works on raw pointers and `SIMD8<Float>`: a tile
/// row is two 8-lane halves. For every splat only the rows inside its ellipse (where
/// `α ≥ 1/255` is possible) and the halves its box touches are visited. Finished pixels carry
/// `T = 0` (so they add nothing) and keep their final transmittance in `finalT`.
package struct TileCompositor {
    /// Per-tile pixel state, 32 halves (16 rows × 2) of 8 lanes each.
    let transmittance: UnsafeMutablePointer<SIMD8<Float>>
    let finalT: UnsafeMutablePointer<SIMD8<Float>>
    let red: UnsafeMutablePointer<SIMD8<Float>>
    let green: UnsafeMutablePointer<SIMD8<Float>>
    let blue: UnsafeMutablePointer<SIMD8<Float>>

    static let halves = 32

    package init() {
        transmittance = .allocate(capacity: Self.halves)
        finalT = .allocate(capacity: Self.halves)
        red = .allocate(capacity: Self.halves)
        green = .allocate(capacity: Self.halves)
        blue = .allocate(capacity: Self.halves)
    }

    package func deallocate() {
        for p in [transmittance, finalT, red, green, blue] { p.deallocate() }
    }

    /// Composites `splats[0..<count]` (front to back) over the tile whose top-left pixel is
    /// `(x0, y0)`, then writes colour, alpha and 8-bit RGB into `output`.
    package func composite(
        tileX x0: Int, tileY y0: Int, splats: UnsafePointer<ProjectedSplat>, count: Int,
        alphaClamp: Float, inclusiveStop: Bool,
        background: SIMD3<Float>, output: ImagePlanes
    ) {
        let tile = RasterConstants.tileSize
        let rows = min(tile, output.height - y0)
        let columns = min(tile, output.width - x0)
        // Lanes outside the image start finished.
        let laneIndex = SIMD8<Float>(0, 1, 2, 3, 4, 5, 6, 7)
        let live0 = laneIndex .< Float(columns)
        let live1 = laneIndex .< Float(columns - 8)
        let transmittance = self.transmittance, finalT = self.finalT
        let red = self.red, green = self.green, blue = self.blue
        var activeHalves: UInt32 = 0
        for h in 0..<Self.halves {
            let row = h >> 1
            let live = row < rows ? (h & 1 == 0 ? live0 : live1) : SIMDMask(repeating: false)
            transmittance[h] = SIMD8(repeating: 0).replacing(with: 1, where: live)
            finalT[h] = .zero
            red[h] = .zero; green[h] = .zero; blue[h] = .zero
            if any(live) { activeHalves |= 1 << UInt32(h) }
        }

        let pixelX0 = laneIndex + (Float(x0) + 0.5)
        let pixelX1 = pixelX0 + 8
        let minLog2Alpha = SIMD8<Float>(repeating: log2(RasterConstants.minAlpha))
        let logClamp = SIMD8<Float>(repeating: log2(alphaClamp))
        // gsplat stops at T ≤ 1e-4, INRIA at T < 1e-4.
        let stopBelow = inclusiveStop ? RasterConstants.minTransmittance.nextUp : RasterConstants.minTransmittance
        let stopT = SIMD8<Float>(repeating: stopBelow)
        let zero = SIMD8<Float>.zero
        let rowTop = Float(y0) + 0.5

        var k = 0
        while k < count && activeHalves != 0 {
            let s = splats[k]
            k += 1
            if s.extentY < 0 { continue }
            // Rows whose centre lies within the ellipse's vertical extent.
            let first = max(0, Int((s.meanY - s.extentY - rowTop).rounded(.up)))
            let last = min(rows - 1, Int((s.meanY + s.extentY - rowTop).rounded(.down)))
            if first > last { continue }
            // Halves touched by the horizontal extent.
            let left = s.meanX - s.extentX, right = s.meanX + s.extentX
            let useHalf0 = left <= Float(x0) + 7.5 && right >= Float(x0) + 0.5
            let useHalf1 = left <= Float(x0) + 15.5 && right >= Float(x0) + 8.5
            let ca = SIMD8(repeating: s.conicA), cb = SIMD8(repeating: s.conicB), cc = SIMD8(repeating: s.conicC)
            let logOpacity = SIMD8(repeating: s.log2Opacity)
            let r = SIMD8(repeating: s.red), g = SIMD8(repeating: s.green), b = SIMD8(repeating: s.blue)
            let dyFirst = s.meanY - (rowTop + Float(first))
            // One half column at a time: dx is fixed, so σ = a·dx² + dy·(b·dx + c·dy) costs two
            // FMAs per row. (The blend is written out here rather than in a helper: Swift passed
            // the helper's SIMD8 arguments through the stack, which cost a third of the frame.)
            for half in 0..<2 {
                if half == 0 ? !useHalf0 : !useHalf1 { continue }
                let dx = SIMD8(repeating: s.meanX) - (half == 0 ? pixelX0 : pixelX1)
                let adx2 = ca * dx * dx, bdx = cb * dx
                // dy stays a scalar: a SIMD8 decremented per row compiled to lane shuffles.
                var dy = dyFirst
                var bit: UInt32 = 1 << UInt32(2 * first + half)
                var h = 2 * first + half
                for _ in first...last {
                    defer { dy -= 1; bit &<<= 2; h += 2 }
                    if activeHalves & bit == 0 { continue }
                    let dyv = SIMD8(repeating: dy)
                    let sigma = adx2.addingProduct(dyv, bdx.addingProduct(cc, dyv))
                    let x = logOpacity - sigma
                    // α = min(2^x, clamp) ≥ 1/255 exactly where x ≥ −log2(255); lanes that miss
                    // (or have σ < 0) get α = 0, so their weight is 0 and T is left unchanged, and
                    // their 2^x need not be valid. Finished pixels carry T = 0 and get weight 0 too.
                    let miss = (sigma .< zero) .| (x .< minLog2Alpha)
                    let alpha = zero.replacing(with: fastExp2(x.replacing(with: logClamp, where: x .> logClamp)), where: .!miss)
                    let T = transmittance[h]
                    let weight = alpha * T
                    let next = T - weight
                    // A pixel stops where T would fall to the threshold and actually changed
                    // (next ≠ T excludes missed lanes and finished ones).
                    let stop = (next .< stopT) .& (next .!= T)
                    if !any(stop) {
                        red[h] = red[h].addingProduct(weight, r)
                        green[h] = green[h].addingProduct(weight, g)
                        blue[h] = blue[h].addingProduct(weight, b)
                        transmittance[h] = next
                    } else {
                        // Pixels reaching T ≤ 1e-4 stop without this splat's contribution; a
                        // half whose pixels have all stopped is not visited again.
                        finalT[h].replace(with: T, where: stop)
                        let w = weight.replacing(with: zero, where: stop)
                        red[h] = red[h].addingProduct(w, r)
                        green[h] = green[h].addingProduct(w, g)
                        blue[h] = blue[h].addingProduct(w, b)
                        let kept = next.replacing(with: zero, where: stop)
                        transmittance[h] = kept
                        if !any(kept .> zero) { activeHalves &= ~bit }
                    }
                }
            }
        }

        // Write the tile out: colour = C + T·background, alpha = 1 − T.
        for row in 0..<rows {
            for half in 0..<2 {
                let h = 2 * row + half
                let t = transmittance[h]
                let T = t.replacing(with: finalT[h], where: t .== zero)
                let cr = red[h].addingProduct(T, background.x)
                let cg = green[h].addingProduct(T, background.y)
                let cb = blue[h].addingProduct(T, background.z)
                let lanes = min(8, columns - 8 * half)
                if lanes <= 0 { continue }
                let pixel = (y0 + row) * output.width + x0 + 8 * half
                for l in 0..<lanes {
                    let o = pixel + l
                    output.color[3 * o] = cr[l]; output.color[3 * o + 1] = cg[l]; output.color[3 * o + 2] = cb[l]
                    output.alpha[o] = 1 - T[l]
                    output.rgb8[3 * o] = quantise(cr[l])
                    output.rgb8[3 * o + 1] = quantise(cg[l])
                    output.rgb8[3 * o + 2] = quantise(cb[l])
                }
            }
        }
    }
}

/// 0…1 → 0…255, rounded to nearest, clamped.
@inline(__always)
package func quantise(_ v: Float) -> UInt8 {
    let c = min(max(v, 0), 1) * 255 + 0.5
    return UInt8(truncatingIfNeeded: Int32(c))
}

/// Raw pointers to an image's planes, handed to the compositing workers for one render: each
/// tile writes only its own pixels, so workers never write the same memory.
package struct ImagePlanes: @unchecked Sendable {
    // @unchecked: raw pointers; each compositing worker writes only the pixels of the tiles it
    // took from the shared counter, so no two threads write the same memory.
    package let width: Int, height: Int
    /// Interleaved linear RGB, `height × width × 3`.
    package let color: UnsafeMutablePointer<Float>
    /// `1 − T` per pixel.
    package let alpha: UnsafeMutablePointer<Float>
    /// Interleaved 8-bit RGB.
    package let rgb8: UnsafeMutablePointer<UInt8>

    package init(width: Int, height: Int, color: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>,
                 rgb8: UnsafeMutablePointer<UInt8>) {
        self.width = width; self.height = height
        self.color = color; self.alpha = alpha; self.rgb8 = rgb8
    }
}
