#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage 3: blends the depth-ordered splats of one 16×16 tile front to back.
///
/// This is the hot loop of the renderer, so it works on raw pointers and `SIMD8<Float>`: a tile
/// row is two 8-lane halves. For every splat only the rows inside its ellipse (where
/// `α ≥ 1/255` is possible) are visited, with one 8-pixel window per row placed over the
/// columns its box touches (two, the halves, when it is wider than 8 pixels). Finished pixels
/// carry `T = 0` (so they add nothing) and keep their final transmittance in `finalT`; a half
/// whose pixels have all finished is skipped.
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

        let minLog2Alpha = SIMD8<Float>(repeating: log2(RasterConstants.minAlpha))
        let logClamp = SIMD8<Float>(repeating: log2(alphaClamp))
        // gsplat stops at T ≤ 1e-4, INRIA at T < 1e-4.
        let stopBelow = inclusiveStop ? RasterConstants.minTransmittance.nextUp : RasterConstants.minTransmittance
        let stopT = SIMD8<Float>(repeating: stopBelow)
        let zero = SIMD8<Float>.zero
        let rowTop = Float(y0) + 0.5
        // Pixel centres within a window. (Subtracting `laneIndex` instead, whose lane 0 is 0,
        // let the optimiser special-case that lane with shuffles and blends.)
        let laneCentre = laneIndex + 0.5
        // The pixel state as bytes: row r, column c at 64·r + 4·c. An 8-pixel window may start at
        // any column 0…8, so a splat narrower than 8 pixels costs one window per row even where
        // it straddles the two halves.
        let tState = UnsafeMutableRawPointer(transmittance), finalState = UnsafeMutableRawPointer(finalT)
        let redState = UnsafeMutableRawPointer(red), greenState = UnsafeMutableRawPointer(green)
        let blueState = UnsafeMutableRawPointer(blue)

        var k = 0
        while k < count && activeHalves != 0 {
            let s = splats[k]
            k += 1
            // Rows and columns of this tile whose centre lies within the ellipse's box.
            let first = max(0, Int(s.firstRow) - y0)
            let last = min(rows - 1, Int(s.lastRow) - y0)
            if first > last { continue }
            let firstColumn = max(0, Int(s.firstColumn) - x0)
            let lastColumn = min(tile - 1, Int(s.lastColumn) - x0)
            if firstColumn > lastColumn { continue }
            let ca = SIMD8(repeating: s.conicA), cb = SIMD8(repeating: s.conicB), cc = SIMD8(repeating: s.conicC)
            let logOpacity = SIMD8(repeating: s.log2Opacity)
            let r = SIMD8(repeating: s.red), g = SIMD8(repeating: s.green), b = SIMD8(repeating: s.blue)
            let dyFirst = s.meanY - (rowTop + Float(first))
            // One window when the splat spans at most 8 columns, else the two halves.
            let narrow = lastColumn - firstColumn < 8
            var offset = narrow ? min(firstColumn, 8) : 0
            // One window at a time: dx is fixed, so σ = a·dx² + dy·(b·dx + c·dy) costs two FMAs
            // per row. (The blend is written out here rather than in a helper: Swift passed the
            // helper's SIMD8 arguments through the stack, which cost a third of the frame.)
            while true {
                let windowHalves: UInt32 = offset == 0 ? 1 : (offset == 8 ? 2 : 3)
                let dx = SIMD8(repeating: s.meanX - Float(x0 + offset)) - laneCentre
                let adx2 = ca * dx * dx, bdx = cb * dx
                // dy stays a scalar: a SIMD8 decremented per row compiled to lane shuffles.
                var dy = dyFirst
                var rowHalves = windowHalves &<< UInt32(2 * first)
                var at = 64 * first + 4 * offset
                for _ in first...last {
                    defer { dy -= 1; rowHalves &<<= 2; at += 64 }
                    if activeHalves & rowHalves == 0 { continue }
                    let dyv = SIMD8(repeating: dy)
                    let sigma = adx2.addingProduct(dyv, bdx.addingProduct(cc, dyv))
                    let x = logOpacity - sigma
                    // α = min(2^x, clamp) ≥ 1/255 exactly where x ≥ −log2(255); lanes that miss
                    // (or have σ < 0) get α = 0, so their weight is 0 and T is left unchanged, and
                    // their 2^x need not be valid. Finished pixels carry T = 0 and get weight 0 too.
                    let miss = (sigma .< zero) .| (x .< minLog2Alpha)
                    let alpha = zero.replacing(with: fastExp2(logClamp.replacing(with: x, where: x .< logClamp)), where: .!miss)
                    let T = tState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                    let weight = alpha * T
                    let next = T - weight
                    // A pixel stops where T would fall to the threshold and actually changed
                    // (next ≠ T excludes missed lanes and finished ones).
                    let stop = (next .< stopT) .& (next .!= T)
                    if !any(stop) {
                        let cr = redState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        let cg = greenState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        let cb = blueState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        redState.storeBytes(of: cr.addingProduct(weight, r), toByteOffset: at, as: SIMD8<Float>.self)
                        greenState.storeBytes(of: cg.addingProduct(weight, g), toByteOffset: at, as: SIMD8<Float>.self)
                        blueState.storeBytes(of: cb.addingProduct(weight, b), toByteOffset: at, as: SIMD8<Float>.self)
                        tState.storeBytes(of: next, toByteOffset: at, as: SIMD8<Float>.self)
                    } else {
                        // Pixels reaching T ≤ 1e-4 stop without this splat's contribution; a
                        // half whose pixels have all stopped is not visited again.
                        let final = finalState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        finalState.storeBytes(of: final.replacing(with: T, where: stop), toByteOffset: at, as: SIMD8<Float>.self)
                        let w = weight.replacing(with: zero, where: stop)
                        let cr = redState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        let cg = greenState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        let cb = blueState.loadUnaligned(fromByteOffset: at, as: SIMD8<Float>.self)
                        redState.storeBytes(of: cr.addingProduct(w, r), toByteOffset: at, as: SIMD8<Float>.self)
                        greenState.storeBytes(of: cg.addingProduct(w, g), toByteOffset: at, as: SIMD8<Float>.self)
                        blueState.storeBytes(of: cb.addingProduct(w, b), toByteOffset: at, as: SIMD8<Float>.self)
                        tState.storeBytes(of: next.replacing(with: zero, where: stop), toByteOffset: at, as: SIMD8<Float>.self)
                        let h = 2 * (at >> 6)
                        if windowHalves & 1 != 0 && !any(transmittance[h] .> zero) { activeHalves &= ~(1 << UInt32(h)) }
                        if windowHalves & 2 != 0 && !any(transmittance[h + 1] .> zero) { activeHalves &= ~(2 << UInt32(h)) }
                    }
                }
                if narrow || offset == 8 { break }
                offset = 8
            }
        }

        // Write the tile out: colour = C + T·background, alpha = 1 − T, and the colour in 8 bits.
        // A whole half (8 pixels) is written with vector stores: the interleaved colour as three
        // vectors, the 8-bit pixels as 32-bit words 3 bytes apart, each word's fourth byte
        // overwritten by the next pixel (the last pixel's written as 3 bytes: the next belongs
        // to another tile). Written lane by lane, this was an eighth of the compositor's time.
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
                if lanes == 8 {
                    UnsafeMutableRawPointer(output.alpha + pixel).storeBytes(of: 1 - T, as: SIMD8<Float>.self)
                    let colour = UnsafeMutableRawPointer(output.color + 3 * pixel)
                    colour.storeBytes(of: SIMD8(cr[0], cg[0], cb[0], cr[1], cg[1], cb[1], cr[2], cg[2]), as: SIMD8<Float>.self)
                    colour.storeBytes(of: SIMD8(cb[2], cr[3], cg[3], cb[3], cr[4], cg[4], cb[4], cr[5]), toByteOffset: 32,
                                      as: SIMD8<Float>.self)
                    colour.storeBytes(of: SIMD8(cg[5], cb[5], cr[6], cg[6], cb[6], cr[7], cg[7], cb[7]), toByteOffset: 64,
                                      as: SIMD8<Float>.self)
                    let words = quantise(cr) | quantise(cg) &<< 8 | quantise(cb) &<< 16
                    let bytes = UnsafeMutableRawPointer(output.rgb8 + 3 * pixel)
                    for l in 0..<7 { bytes.storeBytes(of: words[l], toByteOffset: 3 * l, as: UInt32.self) }
                    bytes.storeBytes(of: UInt16(truncatingIfNeeded: words[7]), toByteOffset: 21, as: UInt16.self)
                    bytes.storeBytes(of: UInt8(truncatingIfNeeded: words[7] &>> 16), toByteOffset: 23, as: UInt8.self)
                    continue
                }
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

/// Eight colour values → 0…255 in the low byte of each lane, exactly as ``quantise(_:)`` rounds
/// them (`⌊min(max(v, 0), 1)·255 + 0.5⌋`), in vector arithmetic: the 1.5·2²³ trick rounds to
/// nearest even, one less where that rounded up, and the integer then sits in the low bits.
/// (Transparent: as a call, its vector argument and result went through the stack.)
@_transparent
package func quantise(_ v: SIMD8<Float>) -> SIMD8<UInt32> {
    let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2^23
    let clamped = v.replacing(with: 0, where: v .< 0)
    let x = clamped.replacing(with: 1, where: clamped .> 1) * 255 + 0.5
    let nearest = (x + magic) - magic
    let floor = nearest.replacing(with: nearest - 1, where: nearest .> x)
    return unsafeBitCast(floor + magic, to: SIMD8<UInt32>.self) & 0xFF
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
