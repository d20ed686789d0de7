/// `2^x` for eight lanes at once, for `−126 ≤ x ≤ 0`; lanes outside get meaningless values
/// (the compositor masks them: it needs `2^x` only where `x ≥ log2(1/255)`).
///
/// glibc's `exp2f` does not vectorise, so the compositing loop uses this instead: split `x`
/// into an integer `n` and a fraction `f ∈ [−½, ½]`, evaluate `2^f` with a degree-6
/// polynomial (relative error ≈ 1.2e-7, far below one 8-bit level), and add `n` to the
/// exponent bits. Rounding uses the 1.5·2²³ trick because `SIMD8<Int32>(SIMD8<Float>)` and
/// `.rounded()` compile to per-lane calls on Swift 6.3/Linux. Working in base 2 (the caller
/// scales its arguments by log2(e) once per splat) saves a multiply per call.
@inline(__always)
package func fastExp2(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let shifter = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2^23
    let r = x + shifter
    let n = r - shifter
    let f = x - n
    var p = SIMD8<Float>(repeating: 1.5403530393381606e-4)  // ln2^6/6!
    p = SIMD8(repeating: 1.3333558146428443e-3).addingProduct(p, f)  // ln2^5/5!
    p = SIMD8(repeating: 9.618129107628477e-3).addingProduct(p, f)  // ln2^4/4!
    p = SIMD8(repeating: 5.550410866482158e-2).addingProduct(p, f)  // ln2^3/3!
    p = SIMD8(repeating: 0.2402265069591007).addingProduct(p, f)  // ln2^2/2!
    p = SIMD8(repeating: 0.6931471805599453).addingProduct(p, f)  // ln2
    p = SIMD8(repeating: 1).addingProduct(p, f)
    // The low 22 bits of r's pattern hold n + 2^22; shifted by 23 only n remains.
    let exponent = unsafeBitCast(r, to: SIMD8<Int32>.self) &<< 23
    return unsafeBitCast(unsafeBitCast(p, to: SIMD8<Int32>.self) &+ exponent, to: SIMD8<Float>.self)
}
