/// `exp(x)` for eight lanes at once, for `x ≤ 0`.
///
/// glibc's `expf` does not vectorise, so the compositing loop uses this instead: split
/// `x·log2(e)` into an integer `n` and a fraction `f ∈ [−½, ½]`, evaluate `2^f` with a
/// degree-6 polynomial (relative error ≈ 1.2e-7, far below one 8-bit level), and add `n` to
/// the exponent bits. Rounding uses the 1.5·2²³ trick because `SIMD8<Int32>(SIMD8<Float>)` and
/// `.rounded()` compile to per-lane calls on Swift 6.3/Linux.
@inline(__always)
package func fastExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let clamped = x.replacing(with: -87, where: x .< -87)
    let y = clamped * 1.4426950408889634
    let shifter = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2^23
    let r = y + shifter
    let n = r - shifter
    let f = y - n
    var p = SIMD8<Float>(repeating: 1.5403530393381606e-4)  // ln2^6/6!
    p = SIMD8(repeating: 1.3333558146428443e-3).addingProduct(p, f)  // ln2^5/5!
    p = SIMD8(repeating: 9.618129107628477e-3).addingProduct(p, f)  // ln2^4/4!
    p = SIMD8(repeating: 5.550410866482158e-2).addingProduct(p, f)  // ln2^3/3!
    p = SIMD8(repeating: 0.2402265069591007).addingProduct(p, f)  // ln2^2/2!
    p = SIMD8(repeating: 0.6931471805599453).addingProduct(p, f)  // ln2
    p = SIMD8(repeating: 1).addingProduct(p, f)
    let exponent = (unsafeBitCast(r, to: SIMD8<Int32>.self) &- 0x4B40_0000) &<< 23
    return unsafeBitCast(unsafeBitCast(p, to: SIMD8<Int32>.self) &+ exponent, to: SIMD8<Float>.self)
}
