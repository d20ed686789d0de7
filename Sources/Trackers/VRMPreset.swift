import SplatCore

/// The VRM blendshape presets a VMC performer sends (VRM 0.x and 1.0 names) and the ARKit mix
/// each one stands for on splatd's avatars.
///
/// Vowels open the jaw and shape the lips, blinks close the lids, looks turn the gaze, and the
/// emotions are the ARKit shapes a face makes for them: joy/happy a smile with squinting
/// cheeks, angry lowered brows and a sneer, sorrow/sad raised inner brows and a frown,
/// fun/relaxed a gentle smile with softened eyes, surprised raised brows, wide eyes and a
/// dropped jaw. `Neutral` adds nothing.
public enum VRMPreset {
    /// The ARKit weights of a preset at full strength, by preset name in lower case (VRM 0.x and
    /// 1.0 spell them differently: `A`/`aa`, `Joy`/`happy`, `Blink_L`/`blinkLeft` …).
    public static let mixes: [String: [(String, Float)]] = {
        let a: [(String, Float)] = [("jawOpen", 0.6), ("mouthLowerDownLeft", 0.3), ("mouthLowerDownRight", 0.3),
                                    ("mouthUpperUpLeft", 0.15), ("mouthUpperUpRight", 0.15)]
        let i: [(String, Float)] = [("jawOpen", 0.15), ("mouthStretchLeft", 0.5), ("mouthStretchRight", 0.5),
                                    ("mouthSmileLeft", 0.25), ("mouthSmileRight", 0.25)]
        let u: [(String, Float)] = [("jawOpen", 0.15), ("mouthPucker", 0.8), ("mouthFunnel", 0.3)]
        let e: [(String, Float)] = [("jawOpen", 0.3), ("mouthStretchLeft", 0.35), ("mouthStretchRight", 0.35),
                                    ("mouthLowerDownLeft", 0.2), ("mouthLowerDownRight", 0.2)]
        let o: [(String, Float)] = [("jawOpen", 0.4), ("mouthFunnel", 0.7), ("mouthPucker", 0.3)]
        let blink: [(String, Float)] = [("eyeBlinkLeft", 1), ("eyeBlinkRight", 1)]
        let joy: [(String, Float)] = [("mouthSmileLeft", 0.8), ("mouthSmileRight", 0.8), ("cheekSquintLeft", 0.5),
                                      ("cheekSquintRight", 0.5), ("eyeSquintLeft", 0.3), ("eyeSquintRight", 0.3)]
        let angry: [(String, Float)] = [("browDownLeft", 0.8), ("browDownRight", 0.8), ("noseSneerLeft", 0.4),
                                        ("noseSneerRight", 0.4), ("mouthPressLeft", 0.3), ("mouthPressRight", 0.3),
                                        ("mouthFrownLeft", 0.3), ("mouthFrownRight", 0.3)]
        let sorrow: [(String, Float)] = [("browInnerUp", 0.8), ("mouthFrownLeft", 0.6), ("mouthFrownRight", 0.6),
                                         ("eyeSquintLeft", 0.2), ("eyeSquintRight", 0.2)]
        let fun: [(String, Float)] = [("mouthSmileLeft", 0.4), ("mouthSmileRight", 0.4), ("eyeBlinkLeft", 0.2),
                                      ("eyeBlinkRight", 0.2), ("cheekSquintLeft", 0.2), ("cheekSquintRight", 0.2)]
        let surprised: [(String, Float)] = [("browInnerUp", 0.7), ("browOuterUpLeft", 0.8), ("browOuterUpRight", 0.8),
                                            ("eyeWideLeft", 0.7), ("eyeWideRight", 0.7), ("jawOpen", 0.35)]
        return [
            "a": a, "aa": a, "i": i, "ih": i, "u": u, "ou": u, "e": e, "ee": e, "o": o, "oh": o,
            "blink": blink, "blink_l": [("eyeBlinkLeft", 1)], "blinkleft": [("eyeBlinkLeft", 1)],
            "blink_r": [("eyeBlinkRight", 1)], "blinkright": [("eyeBlinkRight", 1)],
            "joy": joy, "happy": joy, "angry": angry, "sorrow": sorrow, "sad": sorrow, "fun": fun, "relaxed": fun,
            "surprised": surprised,
            "lookup": [("eyeLookUpLeft", 1), ("eyeLookUpRight", 1)],
            "lookdown": [("eyeLookDownLeft", 1), ("eyeLookDownRight", 1)],
            // The avatar's own left: the left eye looks out, the right eye in.
            "lookleft": [("eyeLookOutLeft", 1), ("eyeLookInRight", 1)],
            "lookright": [("eyeLookInLeft", 1), ("eyeLookOutRight", 1)],
            "neutral": [],
        ]
    }()

    /// The same mixes as (ARKit index, weight) pairs.
    static let indexed: [String: [(Int, Float)]] = mixes.mapValues { $0.map { (ARKitNames.index[$0.0]!, $0.1) } }
}
