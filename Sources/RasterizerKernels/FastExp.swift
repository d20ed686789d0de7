/// `2^x` for eight lanes at once, for `−126 ≤ x ≤ 0`; lanes outside get meaningless values
/// (the compositor masks them: it needs `2^x` only where `x ≥ log2(1/255)`).
///
/// glibc's `exp2f` does not vectorise, so the compositing loop uses this instead: split `x`
/// into an integer `n` and a fraction `f ∈ [−½, ½]`, evaluate `2^f` with a degree-4
/// polynomial (relative error ≤ 2.7e-6, far below one 8-bit level), and add `n` to the
/// exponent bits. Rounding uses the 1.5·2²³ trick because `SIMD8<Int32>(SIMD8<Float>)` and
/// `.rounded()` compile to per-lane calls on Swift 6.3/Linux. Working in base 2 (the caller
/// scales its arguments by log2(e) once per splat) saves a multiply per call.
@inline(__always)
package func fastExp2(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let shifter = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2^23
    let r = x + shifter
    let n = r - shifter
    let f = x - n
    // Near-minimax for 2^f on [−½, ½] (fitted for relative error): 2.7e-6 at most, a thousandth
    // of an 8-bit level; the degree-6 Taylor polynomial it replaced cost two more FMAs a call.
    var p = SIMD8<Float>(repeating: 0.009561408311128616)
    p = SIMD8(repeating: 0.05591711774468422).addingProduct(p, f)
    p = SIMD8(repeating: 0.24024958908557892).addingProduct(p, f)
    p = SIMD8(repeating: 0.6931219696998596).addingProduct(p, f)
    p = SIMD8(repeating: 0.9999992251396179).addingProduct(p, f)
    // The low 22 bits of r's pattern hold n + 2^22; shifted by 23 only n remains.
    let exponent = unsafeBitCast(r, to: SIMD8<Int32>.self) &<< 23
    return unsafeBitCast(unsafeBitCast(p, to: SIMD8<Int32>.self) &+ exponent, to: SIMD8<Float>.self)
}
