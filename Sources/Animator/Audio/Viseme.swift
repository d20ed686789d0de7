/// The 15 Oculus (Meta) visemes, in their canonical order: the order of ``VisemeWeights``,
/// ``SpeechFrame/visemes`` and the rows of a ``VisemeTable``.
///
/// | index | name | sounds | example |
/// |---|---|---|---|
/// | 0 | `sil` | silence | — |
/// | 1 | `PP` | p, b, m | **p**ut, **b**at, **m**at |
/// | 2 | `FF` | f, v | **f**at, **v**at |
/// | 3 | `TH` | th | **th**ink, **th**at |
/// | 4 | `DD` | t, d | **t**ip, **d**oll |
/// | 5 | `kk` | k, g | **c**all, **g**as |
/// | 6 | `CH` | ch, j, sh | **ch**air, **j**oin, **sh**e |
/// | 7 | `SS` | s, z | **s**ir, **z**eal |
/// | 8 | `nn` | n, l | **l**ot, **n**ot |
/// | 9 | `RR` | r | **r**ed |
/// | 10 | `aa` | a | c**a**r |
/// | 11 | `E` | e | b**e**d |
/// | 12 | `ih` | i | t**i**p |
/// | 13 | `oh` | o | t**o**e |
/// | 14 | `ou` | u | b**oo**k |
public enum Viseme: Int, CaseIterable, Sendable, CustomStringConvertible {
    case sil, pp, ff, th, dd, kk, ch, ss, nn, rr, aa, e, ih, oh, ou

    /// Number of visemes (15).
    public static let count = 15

    /// The Oculus names in canonical order: `sil PP FF TH DD kk CH SS nn RR aa E ih oh ou`.
    public static let names: [String] = ["sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou"]

    /// The Oculus name (`PP`, `aa`, …).
    public var name: String { Self.names[rawValue] }

    public var description: String { name }

    /// The viseme with the Oculus name `name` (exact spelling; `nil` for anything else).
    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }
}

/// Weights of the 15 visemes, stored inline (no heap allocation), indexed by ``Viseme`` or by
/// canonical index. Lane 15 of the storage is always zero.
public struct VisemeWeights: Sendable, Equatable {
    /// The weights in lanes 0…14; lane 15 is zero.
    public var storage: SIMD16<Float>

    /// All zero.
    public init() { storage = .zero }

    /// Weight 1 for `viseme`, zero for the others.
    public init(only viseme: Viseme) {
        storage = .zero
        storage[viseme.rawValue] = 1
    }

    /// From 15 values in canonical order (extra values are ignored, missing ones are zero).
    public init(_ values: [Float]) {
        storage = .zero
        for i in 0..<min(values.count, Viseme.count) { storage[i] = values[i] }
    }

    public subscript(viseme: Viseme) -> Float {
        get { storage[viseme.rawValue] }
        set { storage[viseme.rawValue] = newValue }
    }

    public subscript(index: Int) -> Float {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// The sum of the 15 weights.
    public var sum: Float { storage.sum() }

    /// The viseme with the largest weight (the first one on ties).
    public var dominant: Viseme {
        var best = 0
        for i in 1..<Viseme.count where storage[i] > storage[best] { best = i }
        return Viseme(rawValue: best)!
    }

    /// The 15 weights as an array (allocates).
    public var array: [Float] { (0..<Viseme.count).map { storage[$0] } }
}

/// What the speech analyser reports for one 10 ms hop of audio.
public struct SpeechFrame: Sendable, Equatable {
    /// Stream time of the newest sample this frame has heard, in seconds of 16 kHz audio since
    /// the analyser started (or was reset): the frame for samples 0…159 has time 0.01.
    public var time: Double
    /// RMS level of the newest 10 ms, in dBFS (a full-scale square wave is 0 dBFS, a full-scale
    /// sine −3 dBFS); digital silence reads −120.
    public var levelDB: Float
    /// Voice activity, with hangover: true while speech is heard and for a short time after.
    public var voiceActive: Bool
    /// Jaw opening 0 (closed) … 1 (wide open), smoothed.
    public var jawOpen: Float
    /// The viseme weights (smoothed; they sum to 1).
    public var weights: VisemeWeights
    /// The viseme with the largest weight.
    public var dominant: Viseme

    /// The 15 viseme weights in canonical order (``Viseme/names``); allocates.
    public var visemes: [Float] { weights.array }

    public init(time: Double, levelDB: Float, voiceActive: Bool, jawOpen: Float, weights: VisemeWeights) {
        self.time = time
        self.levelDB = levelDB
        self.voiceActive = voiceActive
        self.jawOpen = jawOpen
        self.weights = weights
        self.dominant = weights.dominant
    }

    /// Silence: mouth closed, `sil` = 1.
    public static func silence(time: Double = 0) -> SpeechFrame {
        SpeechFrame(time: time, levelDB: -120, voiceActive: false, jawOpen: 0, weights: VisemeWeights(only: .sil))
    }
}
