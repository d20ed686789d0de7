import Foundation

/// An in-place radix-2 complex FFT of a fixed power-of-two size, with precomputed twiddles and
/// bit-reversal table; buffers are owned by the caller. Not thread-safe (no state is mutated,
/// but it is meant to be owned by one analyser).
final class RadixTwoFFT {
    let size: Int
    private let log2Size: Int
    private let cosTable: UnsafeMutablePointer<Float>
    private let sinTable: UnsafeMutablePointer<Float>
    private let reversed: UnsafeMutablePointer<Int32>

    init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        log2Size = size.trailingZeroBitCount
        cosTable = .allocate(capacity: size / 2)
        sinTable = .allocate(capacity: size / 2)
        reversed = .allocate(capacity: size)
        for i in 0..<(size / 2) {
            let angle = -2 * Double.pi * Double(i) / Double(size)
            cosTable[i] = Float(cos(angle))
            sinTable[i] = Float(sin(angle))
        }
        for i in 0..<size {
            var r = 0, v = i
            for _ in 0..<log2Size { r = (r << 1) | (v & 1); v >>= 1 }
            reversed[i] = Int32(r)
        }
    }

    deinit {
        cosTable.deallocate()
        sinTable.deallocate()
        reversed.deallocate()
    }

    /// Forward transform (e^{−2πi kn/N}), in place.
    func forward(real re: UnsafeMutablePointer<Float>, imaginary im: UnsafeMutablePointer<Float>) {
        let n = size
        for i in 0..<n {
            let j = Int(reversed[i])
            if j > i {
                swap(&re[i], &re[j])
                swap(&im[i], &im[j])
            }
        }
        var length = 2
        while length <= n {
            let halfLength = length / 2
            let stride = n / length
            var start = 0
            while start < n {
                for k in 0..<halfLength {
                    let wr = cosTable[k * stride], wi = sinTable[k * stride]
                    let a = start + k, b = a + halfLength
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                }
                start += length
            }
            length <<= 1
        }
    }
}

/// Linear prediction helpers: Levinson–Durbin and the roots of the prediction polynomial.
enum LinearPrediction {
    /// Solves the normal equations for the autocorrelation `r[0…order]` by Levinson–Durbin.
    /// Writes `a[0…order]` with a[0] = 1 (A(z) = Σ a_k z^−k) and returns the prediction error
    /// power (≤ r[0]); `scratch` needs `order + 1` elements. Returns 0 and a = [1, 0, …] for
    /// r[0] = 0.
    @discardableResult
    static func levinson(_ r: UnsafePointer<Double>, order: Int, into a: UnsafeMutablePointer<Double>,
                         scratch: UnsafeMutablePointer<Double>) -> Double {
        a[0] = 1
        for i in 1...order { a[i] = 0 }
        var error = r[0]
        guard error > 0 else { return 0 }
        for i in 1...order {
            var acc = r[i]
            for j in 1..<i { acc += a[j] * r[i - j] }
            let k = -acc / error
            for j in 0...i { scratch[j] = a[j] }
            for j in 1..<i { a[j] = scratch[j] + k * scratch[i - j] }
            a[i] = k
            error *= 1 - k * k
            if error <= 0 { return 0 }
        }
        return error
    }

    /// The roots of z^p + a[1] z^(p−1) + … + a[p] (the prediction polynomial A(z) times z^p),
    /// by the Aberth–Ehrlich iteration (simultaneous Newton with mutual repulsion), in Double.
    /// Writes p roots into `rootsRe`/`rootsIm`; returns the number of iterations used.
    @discardableResult
    static func roots(_ a: UnsafePointer<Double>, order p: Int,
                      rootsRe zr: UnsafeMutablePointer<Double>, rootsIm zi: UnsafeMutablePointer<Double>,
                      maxIterations: Int = 80) -> Int {
        // Start on a circle inside the unit circle, rotated off the real axis.
        for k in 0..<p {
            let angle = 2 * Double.pi * Double(k) / Double(p) + 0.4
            zr[k] = 0.9 * cos(angle)
            zi[k] = 0.9 * sin(angle)
        }
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            var largestStep = 0.0
            for k in 0..<p {
                let xr = zr[k], xi = zi[k]
                // Horner: value v and derivative d of the monic polynomial at x.
                var vr = 1.0, vi = 0.0, dr = 0.0, di = 0.0
                for j in 1...p {
                    // d = d·x + v
                    let ndr = dr * xr - di * xi + vr
                    let ndi = dr * xi + di * xr + vi
                    dr = ndr; di = ndi
                    // v = v·x + a[j]
                    let nvr = vr * xr - vi * xi + a[j]
                    let nvi = vr * xi + vi * xr
                    vr = nvr; vi = nvi
                }
                // w = v / d
                let dd = dr * dr + di * di
                if dd == 0 { continue }
                let wr = (vr * dr + vi * di) / dd
                let wi = (vi * dr - vr * di) / dd
                // s = Σ_{j≠k} 1 / (x − z_j)
                var sr = 0.0, si = 0.0
                for j in 0..<p where j != k {
                    let er = xr - zr[j], ei = xi - zi[j]
                    let ee = er * er + ei * ei
                    if ee == 0 { continue }
                    sr += er / ee
                    si -= ei / ee
                }
                // step = w / (1 − w·s)
                let denr = 1 - (wr * sr - wi * si)
                let deni = -(wr * si + wi * sr)
                let den = denr * denr + deni * deni
                if den == 0 { continue }
                let stepR = (wr * denr + wi * deni) / den
                let stepI = (wi * denr - wr * deni) / den
                zr[k] = xr - stepR
                zi[k] = xi - stepI
                largestStep = max(largestStep, abs(stepR) + abs(stepI))
            }
            if largestStep < 1e-9 { break }
        }
        return iteration
    }
}

/// One-pole attack/release smoothing coefficients.
enum Smoothing {
    /// The per-step coefficient α of y += α (x − y) for a time constant `tau` seconds and a
    /// step of `step` seconds (α = 1 − e^(−step/τ); 1 for τ ≤ 0).
    static func coefficient(timeConstant tau: Double, step: Double) -> Float {
        tau <= 0 ? 1 : Float(1 - exp(-step / tau))
    }
}
