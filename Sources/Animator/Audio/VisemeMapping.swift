/// Turns viseme weights and a jaw opening (a ``SpeechFrame``) into rig drive values: ARKit-52
/// blendshape weights for blendshape avatars (the demo head), and a jaw rotation plus an
/// optional per-avatar expression (``VisemeTable``) for FLAME avatars.
///
/// ## ARKit
///
/// `jawOpen` is the frame's ``SpeechFrame/jawOpen`` (loudness × the sound's openness, already
/// smoothed). Every other weight is Σ_v weight(v) × table(v, shape), clamped to 0…1, with the
/// table below (values at full viseme weight; L/R shapes get the same value on both sides):
///
/// | viseme | shapes |
/// |---|---|
/// | `sil` | — (neutral) |
/// | `PP` | mouthPress 0.55, mouthRollLower 0.25, mouthRollUpper 0.15, and mouthClose = weight(PP) × jawOpen |
/// | `FF` | mouthRollLower 0.6, mouthUpperUp 0.25, mouthPress 0.1 |
/// | `TH` | tongueOut 0.35, mouthLowerDown 0.15, mouthUpperUp 0.1 |
/// | `DD` | mouthStretch 0.2, mouthLowerDown 0.15, mouthUpperUp 0.1 |
/// | `kk` | mouthStretch 0.25, mouthLowerDown 0.2 |
/// | `CH` | mouthFunnel 0.55, mouthPucker 0.25, mouthUpperUp 0.2, mouthLowerDown 0.2 |
/// | `SS` | mouthStretch 0.35, mouthSmile 0.25, mouthUpperUp 0.15, mouthLowerDown 0.15 |
/// | `nn` | mouthStretch 0.15, mouthLowerDown 0.1 |
/// | `RR` | mouthPucker 0.4, mouthFunnel 0.35 |
/// | `aa` | mouthLowerDown 0.35, mouthUpperUp 0.15, mouthStretch 0.1 |
/// | `E` | mouthStretch 0.4, mouthLowerDown 0.25, mouthSmile 0.2, mouthUpperUp 0.1 |
/// | `ih` | mouthSmile 0.4, mouthStretch 0.35, mouthUpperUp 0.1 |
/// | `oh` | mouthFunnel 0.6, mouthPucker 0.2, mouthLowerDown 0.1 |
/// | `ou` | mouthPucker 0.75, mouthFunnel 0.4 |
///
/// ARKit's `mouthClose` closes the lips *against* an open jaw, so it is tied to `jawOpen`: with
/// the lips sealed (`PP`) it cancels whatever opening the jaw still has.
///
/// The shapes audio produces are ``arkitSpeechIndices`` (jaw, mouth, tongue); a mixer that lets
/// audio own the mouth takes those from audio and everything else (eyes, brows, head) from a
/// tracker.
///
/// ## FLAME
///
/// Jaw rotation about x: ``flameJawAngle`` (0.35 rad) × jawOpen, positive opens. The
/// expression, when the avatar has a ``VisemeTable``, is Σ_v weight(v) × expr(v).
public enum VisemeMapping {
    /// The 52 ARKit blendshape names in canonical order: the index order of
    /// ``arkitWeights(for:)``.
    public static var arkitNames: [String] { ARKitParameters.names }

    /// Number of ARKit weights (52).
    public static let arkitCount = 52

    /// The canonical index of an ARKit name.
    public static func arkitIndex(_ name: String) -> Int? { arkitIndexByName[name] }
    private static let arkitIndexByName: [String: Int] = Dictionary(uniqueKeysWithValues: arkitNames.enumerated().map { ($1, $0) })

    /// Indices of the shapes speech drives: `jawOpen`, every `mouth…` shape and `tongueOut`.
    /// (`jawForward`, `jawLeft`, `jawRight`, cheeks, nose, eyes and brows are not driven.)
    public static let arkitSpeechIndices: [Int] = arkitNames.enumerated()
        .filter { $0.element == "jawOpen" || $0.element.hasPrefix("mouth") || $0.element == "tongueOut" }
        .map(\.offset)

    /// Jaw rotation (radians about x) at jawOpen = 1 for FLAME avatars.
    public static let flameJawAngle: Float = 0.35

    /// The viseme → ARKit table (see the type's documentation), as (viseme, shape, weight);
    /// names without Left/Right stand for both sides.
    public static let arkitTable: [(viseme: Viseme, shape: String, weight: Float)] = [
        (.pp, "mouthPress", 0.55), (.pp, "mouthRollLower", 0.25), (.pp, "mouthRollUpper", 0.15),
        (.ff, "mouthRollLower", 0.6), (.ff, "mouthUpperUp", 0.25), (.ff, "mouthPress", 0.1),
        (.th, "tongueOut", 0.35), (.th, "mouthLowerDown", 0.15), (.th, "mouthUpperUp", 0.1),
        (.dd, "mouthStretch", 0.2), (.dd, "mouthLowerDown", 0.15), (.dd, "mouthUpperUp", 0.1),
        (.kk, "mouthStretch", 0.25), (.kk, "mouthLowerDown", 0.2),
        (.ch, "mouthFunnel", 0.55), (.ch, "mouthPucker", 0.25), (.ch, "mouthUpperUp", 0.2), (.ch, "mouthLowerDown", 0.2),
        (.ss, "mouthStretch", 0.35), (.ss, "mouthSmile", 0.25), (.ss, "mouthUpperUp", 0.15), (.ss, "mouthLowerDown", 0.15),
        (.nn, "mouthStretch", 0.15), (.nn, "mouthLowerDown", 0.1),
        (.rr, "mouthPucker", 0.4), (.rr, "mouthFunnel", 0.35),
        (.aa, "mouthLowerDown", 0.35), (.aa, "mouthUpperUp", 0.15), (.aa, "mouthStretch", 0.1),
        (.e, "mouthStretch", 0.4), (.e, "mouthLowerDown", 0.25), (.e, "mouthSmile", 0.2), (.e, "mouthUpperUp", 0.1),
        (.ih, "mouthSmile", 0.4), (.ih, "mouthStretch", 0.35), (.ih, "mouthUpperUp", 0.1),
        (.oh, "mouthFunnel", 0.6), (.oh, "mouthPucker", 0.2), (.oh, "mouthLowerDown", 0.1),
        (.ou, "mouthPucker", 0.75), (.ou, "mouthFunnel", 0.4),
    ]

    /// The table expanded to a 15 × 52 matrix (row-major, canonical orders).
    public static let arkitMatrix: [Float] = {
        var m = [Float](repeating: 0, count: Viseme.count * arkitCount)
        for entry in arkitTable {
            let sided = arkitIndexByName[entry.shape] == nil
            let names = sided ? [entry.shape + "Left", entry.shape + "Right"] : [entry.shape]
            for name in names {
                guard let index = arkitIndexByName[name] else { preconditionFailure("bad ARKit name \(name) in the viseme table") }
                m[entry.viseme.rawValue * arkitCount + index] += entry.weight
            }
        }
        return m
    }()

    private static let jawOpenIndex = arkitIndexByName["jawOpen"]!
    private static let mouthCloseIndex = arkitIndexByName["mouthClose"]!

    /// Writes the 52 ARKit weights for `weights` and `jawOpen` into `output` (resized to 52 if
    /// needed; no allocation when it already has 52 elements). Shapes speech does not drive are 0.
    public static func arkitWeights(weights: VisemeWeights, jawOpen: Float, into output: inout [Float]) {
        if output.count != arkitCount { output = [Float](repeating: 0, count: arkitCount) }
        let jaw = min(1, max(0, jawOpen))
        arkitMatrix.withUnsafeBufferPointer { m in
            output.withUnsafeMutableBufferPointer { out in
                for i in 0..<arkitCount { out[i] = 0 }
                for v in 0..<Viseme.count {
                    let w = weights[v]
                    if w == 0 { continue }
                    let row = m.baseAddress! + v * arkitCount
                    for i in 0..<arkitCount { out[i] += w * row[i] }
                }
                for i in 0..<arkitCount { out[i] = min(1, max(0, out[i])) }
                out[jawOpenIndex] = jaw
                out[mouthCloseIndex] = min(1, max(0, weights[.pp] * jaw))
            }
        }
    }

    /// The 52 ARKit weights of a frame (allocates).
    public static func arkitWeights(for frame: SpeechFrame) -> [Float] {
        var out = [Float](repeating: 0, count: arkitCount)
        arkitWeights(weights: frame.weights, jawOpen: frame.jawOpen, into: &out)
        return out
    }

    /// The FLAME jaw rotation (axis-angle, radians) for a jaw opening: (0.35 × jawOpen, 0, 0).
    public static func flameJaw(jawOpen: Float) -> SIMD3<Float> {
        SIMD3(flameJawAngle * min(1, max(0, jawOpen)), 0, 0)
    }

    /// FLAME drive values of a frame: the jaw rotation, and the viseme table's expression (empty
    /// without a table). Allocates; see ``VisemeTable/expression(for:into:)`` for the
    /// allocation-free form.
    public static func flame(for frame: SpeechFrame, table: VisemeTable?) -> (jaw: SIMD3<Float>, expression: [Float]) {
        var expression: [Float] = []
        table?.expression(for: frame.weights, into: &expression)
        return (flameJaw(jawOpen: frame.jawOpen), expression)
    }
}
