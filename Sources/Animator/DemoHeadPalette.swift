import AnimatorKernels
import Foundation

/// Colours of the demo avatar (display-referred RGB, 0…1, as 3DGS stores them), with the
/// position-dependent variation that keeps the skin from looking flat.
struct DemoHeadPalette {
    let noise: ValueNoise

    static let skin = SIMD3<Float>(0.88, 0.68, 0.57)
    static let lips = SIMD3<Float>(0.72, 0.38, 0.38)
    static let sclera = SIMD3<Float>(0.93, 0.91, 0.88)
    static let iris = SIMD3<Float>(0.30, 0.47, 0.55)
    static let irisInner = SIMD3<Float>(0.55, 0.47, 0.26)
    static let limbus = SIMD3<Float>(0.10, 0.16, 0.20)
    static let pupil = SIMD3<Float>(0.025, 0.025, 0.03)
    static let brow = SIMD3<Float>(0.19, 0.13, 0.09)
    static let hair = SIMD3<Float>(0.12, 0.08, 0.055)
    static let teeth = SIMD3<Float>(0.93, 0.91, 0.84)
    static let mouth = SIMD3<Float>(0.46, 0.13, 0.14)
    static let tongue = SIMD3<Float>(0.66, 0.31, 0.32)
    static let eyelid = SIMD3<Float>(0.44, 0.28, 0.25)
    static let nostril = SIMD3<Float>(0.36, 0.19, 0.16)

    /// Albedo of `region` at `p` (neutral head coordinates); `lip` is the smoothed lip weight
    /// (0…1) that blends skin into lips across a soft border.
    func albedo(_ region: HeadRegion, at p: SIMD3<Float>, tongue: Bool, lip: Float) -> SIMD3<Float> {
        switch region {
        case .skin, .neck, .eyebrows, .lips:
            var c = Self.skin
            let low = noise.value(p, frequency: 1 / 0.028), mid = noise.value(p + 17, frequency: 1 / 0.006)
            c *= 1 + 0.045 * low + 0.03 * mid
            // Warmer, redder cheeks, nose tip and ears.
            let cheeks = gauss(p, SIMD3(0.043, -0.028, 0.078), 0.022) + gauss(p, SIMD3(-0.043, -0.028, 0.078), 0.022)
            let nose = 0.7 * gauss(p, SIMD3(0, -0.028, 0.112), 0.012)
            let ears = abs(p.x) > 0.066 ? Float(0.6) : 0
            c += (cheeks + nose + ears) * SIMD3(0.02, -0.045, -0.035)
            // The neck sits in the jaw's shadow.
            if region == .neck || p.y < -0.1 { c *= SIMD3(0.9, 0.88, 0.88) }
            // Skin under the brows is a little darker where the brow is dense.
            c = c + (Self.brow - c) * (0.3 * Self.brow(at: p))
            let lips = Self.lips * (1 + 0.04 * noise.value(p, frequency: 1 / 0.004))
            return c + (lips - c) * lip
        case .scalp:
            return Self.hair * (1 + 0.25 * noise.value(p, frequency: 1 / 0.01))
        case .teeth:
            return Self.teeth * (1 + 0.03 * noise.value(p, frequency: 1 / 0.004))
        case .mouth:
            return tongue ? Self.tongue * (1 + 0.05 * noise.value(p, frequency: 1 / 0.005)) : Self.mouth
        case .eyelid:
            // The lash line is dark on the upper lid; the lower lid margin is mostly skin.
            return p.y > 0.0005 ? Self.eyelid : Self.skin * SIMD3(0.82, 0.74, 0.72)
        case .nostril:
            return Self.nostril
        case .sclera, .iris, .pupil:
            return Self.sclera
        }
    }

    /// Colour of an eyeball point: `direction` is the unit vector from the eyeball's centre
    /// (the eye looks along +z at rest).
    func eye(direction d: SIMD3<Float>) -> SIMD3<Float> {
        // A catchlight: the key light's reflection seen from the front.
        let h = TriangleFrames.normalize(SIMD3<Float>(0.35, 0.5, 0.8) + SIMD3(0, 0, 1))
        if (d * h).sum() > Foundation.cos(Float(4.2) * .pi / 180) { return SIMD3(0.97, 0.97, 0.97) }
        let angle = Foundation.acos(min(max(d.z, -1), 1)) * 180 / .pi
        let around = Foundation.atan2(d.y, d.x)
        if angle < 7.5 { return Self.pupil }
        if angle < 23 {
            let t = (angle - 7.5) / (23 - 7.5)  // 0 at the pupil, 1 at the limbus
            let streak = noise.value(SIMD3(around * 9, t * 3, 0), frequency: 1)
            var c = Self.iris * (1 + 0.35 * streak)
            if t < 0.3 { c = c + (Self.irisInner - c) * (0.6 * (1 - t / 0.3)) }
            if t > 0.75 { c = c + (Self.limbus - c) * ((t - 0.75) / 0.25) }
            return c
        }
        // Sclera, slightly pinker toward the corners and behind.
        let pink = min(max((angle - 40) / 40, 0), 1)
        return Self.sclera + pink * SIMD3(-0.04, -0.12, -0.12)
    }

    /// The brows' shape: 1 in the middle of a brow, 0 outside. Each brow runs from 12 to 56 mm
    /// off the midline, arching from 17 mm above the eye centres to 21 mm and down to 15 mm,
    /// 9.6 mm thick at the inner end tapering to 4.3 mm.
    static func brow(at p: SIMD3<Float>) -> Float {
        let t = (abs(p.x) - 0.012) / 0.044
        guard t > -0.05, t < 1.05, p.z > 0.06 else { return 0 }
        let centre = 0.017 + 0.006 * Foundation.sin(Float.pi * 0.9 * t) - 0.004 * t
        let half = 0.0056 * (1 - 0.55 * t)
        let across = abs(p.y - centre) / half
        let ends = min(max((t + 0.05) / 0.12, 0), 1) * min(max((1.05 - t) / 0.2, 0), 1)
        return max(0, 1 - across * across) * ends
    }

    private func gauss(_ p: SIMD3<Float>, _ centre: SIMD3<Float>, _ radius: Float) -> Float {
        let d = p - centre
        return Foundation.exp(-(d * d).sum() / (radius * radius))
    }
}

