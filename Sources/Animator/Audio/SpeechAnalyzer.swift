import Foundation

/// Streaming, causal speech analysis: 16 kHz mono samples in, one ``SpeechFrame`` (level,
/// voice activity, jaw opening, 15 viseme weights) out per 10 ms hop.
///
/// ## Measurements (per 10 ms hop)
///
/// - **Level**: RMS of the newest 10 ms, dBFS (``SpeechFrame/levelDB``).
/// - **Spectrum**: the newest 25 ms (400 samples), Hamming window, zero-padded 512-point FFT →
///   band energies (below 500 Hz, 500–3000 Hz, below 1 kHz, 1–5 kHz, above 2.5 kHz, above
///   4.5 kHz), spectral flatness 250–7500 Hz, centroid above 1 kHz; zero-crossing rate.
/// - **Formants**: the same 25 ms pre-emphasised (1 − 0.97 z⁻¹) and Hamming-windowed;
///   autocorrelation lags 0…16 with a 50 Hz Gaussian lag window and a −40 dB white-noise
///   floor; Levinson–Durbin → order-16 LPC polynomial (order 12 is too low at 16 kHz: F1 and F2
///   of back vowels merge); its roots by the Aberth–Ehrlich iteration. Roots between 150 Hz and
///   5 kHz with bandwidth < 600 Hz are formant candidates; F1, F2, F3 are the three lowest
///   (F1 ≥ 200 Hz, each ≥ 150 Hz above the previous). Skipped below −70 dBFS.
/// - **Voice activity** (``SpeechFrame/voiceActive``): the level is 12 dB (8 dB once active)
///   above an adaptive noise floor and above −60 dBFS, and the frame is speech-like: flatness
///   < 0.45 (not noise), or zero-crossing rate > 0.25 (a fricative), or 25 dB above the floor.
///   Hangover 80 ms. The noise floor is a minimum statistic: the lowest 10 ms level of the last
///   2 s, + 2 dB (−70 dBFS assumed until 2 s have been heard; never below −100 dBFS) — it drops
///   at once and rises to a new steady noise within 2 s, while speech pauses keep it low.
/// - **Reference levels**: the recent peak (decays 60 dB/s) and the speech level (the loud end
///   of speech: rises with τ ≈ 30 ms, falls 2 dB/s; −20 dBFS to start). A *dip* is how far the
///   level is below the larger of the two.
///
/// ## Sound classes → visemes (the mapping table)
///
/// Each hop is split softly (linear ramps between the values given, weights summing to 1) into
/// four classes, and each class spreads its weight over visemes:
///
/// | class | when | visemes |
/// |---|---|---|
/// | silence | no voice activity; or more than 30–40 dB below the speech level (echo, breath) | `sil` |
/// | closure: stop | inside an utterance, the newest 10 ms is within 6–14 dB of the noise floor and 10–20 dB below the recent peak | `PP` × labial, `sil` × (1 − labial) |
/// | closure: murmur | voiced (ZCR < 0.12–0.2, < 15–30 % energy above 2.5 kHz), 14–24 dB above the floor, a dip of 4–9 dB, and a low-only spectrum: 1–5 kHz energy 12–18 dB below the energy under 1 kHz (voice bar), or F1 < 340–420 Hz with F2 < 1800–1950 Hz, or energy under 500 Hz 5–8 dB above 500–3000 Hz with < 1.5–4 % above 2.5 kHz (nasal) | `PP` × labial, `nn` × (1 − labial) |
/// | fricative | 35–60 % of the energy above 2.5 kHz | strong (dip < 12–20 dB): `SS` if 50–70 % of the > 2.5 kHz energy lies above 4.5 kHz, else `CH`; weak: `TH` if 60–80 % lies above 4.5 kHz, else `FF` |
/// | sonorant | the rest | vowels by (F1, F2), `RR` by F3 (below) |
///
/// *Labial* (is the closure at the lips?): for a murmur, 0.75 × its own F2 cue (F2 < 1250 Hz:
/// m, > 1500 Hz: n; 0.5 when no low F1 was found) + 0.25 × the transition cue; for a stop,
/// 0.35 + 0.65 × the transition cue. The transition cue is how F2 moved over the last four
/// sonorant hops before the closure: falling by 30 Hz/hop or more → 1 (lips closing pull F2
/// down), rising by 20 Hz/hop → 0.
///
/// *Release*: for three hops after an oral stop (not after a nasal), 60 %, 40 %, 20 % of the
/// frame is the burst: `DD` if its centroid is above 2.8–3.8 kHz, else `PP` × labial and
/// `kk` × (1 − labial).
///
/// *Vowels*: prototypes (F1, F2) in Hz — `aa` 730/1150, `E` 580/1800, `ih` 330/2150, `oh`
/// 530/900, `ou` 340/900 and 350/1550 (the fronted /uː/ of modern English); membership
/// exp(−d²/2) with d the distance in log frequency scaled by 0.22 (F1) and 0.18 (F2),
/// normalised. `RR` first takes 0–80 % as F3 falls from 2100 to 1700 Hz (r-colouring).
///
/// ## Jaw
///
/// jawTarget = loudness × openness. Loudness maps the level from 30 dB below the speech level
/// up to the speech level onto 0…1, squared (quiet consonants open little). Openness is
/// Σ raw weight × ``jawOpenness`` (`PP` 0, `FF` 0.1, `SS` 0.15, `TH` 0.2, …), except that the
/// vowels and `RR` use their F1 instead: 0.25 + 0.75 × clamp((F1 − 250 Hz) / 450 Hz) — the
/// first formant rises with the jaw. Without voice activity the target is 0.
///
/// ## Smoothing
///
/// One-pole, per viseme and for the jaw, with separate time constants: attack 15 ms (rising),
/// release 40 ms for visemes and 30 ms for the jaw (falling); visemes are then normalised to
/// sum 1. Silence closes the mouth: 10 ms after the last sound the jaw target is 0 and the jaw
/// is below 0.05 about 90 ms later; `sil` dominates once the 80 ms hangover ends (≈ 100 ms).
///
/// ## Latency
///
/// ``algorithmicLatency`` = window 25 ms + hop 10 ms + attack time constant 15 ms = **50 ms**
/// (plus ``AudioResampler/latencySeconds``, 1.4 ms at 22.05–48 kHz and 2.8 ms at 8 kHz, when
/// the input is not 16 kHz). Loudness uses only the newest 10 ms, so the jaw follows a level
/// change after at most 10 + 10 + 15 = 35 ms; spectral decisions (visemes, openness) after 50 ms.
///
/// ## Cost
///
/// Per hop: one 512-point FFT, a 17-lag autocorrelation of 400 samples and a degree-16 root
/// search. ``benchmark(seconds:inputRate:channels:)`` measures it (≈ 20 µs per 10 ms of audio
/// on the development machine). Nothing is allocated per chunk: buffers are allocated in `init`
/// and frames are handed to a closure.
///
/// Not thread-safe: one analyser per audio stream, used from one thread at a time.
public final class SpeechAnalyzer {
    /// Input sample rate: 16 kHz mono.
    public static let sampleRate = 16_000
    /// Analysis window: 400 samples (25 ms).
    public static let windowLength = 400
    /// Hop: 160 samples (10 ms); one frame per hop.
    public static let hopLength = 160
    /// LPC order.
    public static let lpcOrder = 16
    static let fftSize = 512

    /// Tunable time constants.
    public struct Configuration: Sendable, Equatable {
        /// Attack time constant of the viseme weights and the jaw (seconds): how fast they rise.
        public var attack: Double = 0.015
        /// Release time constant of the viseme weights (seconds): how fast they fall.
        public var visemeRelease: Double = 0.040
        /// Release time constant of the jaw (seconds).
        public var jawRelease: Double = 0.030
        /// Voice activity hangover (seconds).
        public var hangover: Double = 0.080
        /// Level range (dB) below the speech reference over which the jaw opens.
        public var loudnessRange: Float = 30
        /// Level (dBFS) assumed for the loud end of speech before any speech was heard.
        public var initialSpeechLevel: Float = -20
        /// Level (dBFS) assumed for the noise floor before any audio was heard.
        public var initialNoiseFloor: Float = -70
        /// Frames quieter than this (dBFS) are never voice.
        public var absoluteThreshold: Float = -60

        public init() {}
    }

    /// Per-hop measurements of the latest frame, for diagnostics and tests.
    public struct Features: Sendable, Equatable {
        /// Level of the newest 10 ms (dBFS).
        public var levelDB: Float = -120
        /// The adaptive noise floor (dBFS).
        public var noiseFloorDB: Float = -70
        /// The tracked loud end of speech (dBFS).
        public var speechLevelDB: Float = -20
        /// How far the level is below its recent peak (dB).
        public var dipDB: Float = 0
        /// Zero crossings per sample over the window.
        public var zeroCrossingRate: Float = 0
        /// Spectral flatness 250–7500 Hz (0 tonal … 1 white noise).
        public var flatness: Float = 0
        /// Energy 1–5 kHz relative to energy below 1 kHz (dB).
        public var highLowDB: Float = 0
        /// Energy below 500 Hz relative to 500–3000 Hz (dB): high for nasal murmurs and voice bars.
        public var lowMidDB: Float = 0
        /// Fraction of the energy above 2.5 kHz.
        public var highFraction: Float = 0
        /// Fraction of the energy above 2.5 kHz that lies above 4.5 kHz.
        public var sibilantFraction: Float = 0
        /// Spectral centroid above 1 kHz (Hz).
        public var centroid: Float = 0
        /// Formants (Hz) of the latest voiced frame.
        public var f1: Float = 500, f2: Float = 1500, f3: Float = 2500
        /// Sound class weights: silence, closure, fricative, sonorant (sum 1).
        public var silence: Float = 1, closure: Float = 0, fricative: Float = 0, sonorant: Float = 0
        /// Instantaneous (unsmoothed) voice decision, before hangover.
        public var instantVoice = false
        /// Raw (unsmoothed) viseme weights.
        public var raw = VisemeWeights(only: .sil)
        /// Raw jaw target before smoothing.
        public var jawTarget: Float = 0
    }

    /// The configuration in use.
    public let configuration: Configuration
    /// Diagnostics of the latest frame.
    public private(set) var features = Features()
    /// Samples (at 16 kHz) consumed since the start or the last ``reset()``.
    public private(set) var sampleCount: Int = 0
    /// The most recent frame (silence before the first).
    public private(set) var lastFrame = SpeechFrame.silence()

    /// Window + hop + attack time constant, in seconds (50 ms with the default configuration).
    public var algorithmicLatency: Double {
        Double(Self.windowLength + Self.hopLength) / Double(Self.sampleRate) + configuration.attack
    }

    // Buffers.
    private let fft = RadixTwoFFT(size: SpeechAnalyzer.fftSize)
    private let window: UnsafeMutablePointer<Float>      // windowLength + 1 (index 0: the sample before)
    private let hamming: UnsafeMutablePointer<Float>
    private let re: UnsafeMutablePointer<Float>
    private let im: UnsafeMutablePointer<Float>
    private let power: UnsafeMutablePointer<Float>       // fftSize / 2 + 1
    private let emphasised: UnsafeMutablePointer<Double> // windowLength
    private let autocorrelation: UnsafeMutablePointer<Double>
    private let lagWindow: UnsafeMutablePointer<Double>
    private let lpc: UnsafeMutablePointer<Double>
    private let lpcScratch: UnsafeMutablePointer<Double>
    private let rootsRe: UnsafeMutablePointer<Double>
    private let rootsIm: UnsafeMutablePointer<Double>
    private var pending = 0                              // samples of the current hop already in `window`

    // State.
    private var noiseFloor: Float = -70
    private var floorBlocks = SIMD8<Float>(repeating: -70)      // minima of the last eight 250 ms blocks
    private var blockMinimum: Float = .infinity
    private var blockHops = 0
    static let floorBlockHops = 25
    private var speechLevel: Float = -20
    private var recentPeak: Float = -120
    private var wasInstantVoice = false
    private var hangoverLeft = 0
    private var closureRun = 0                           // consecutive hops with closure dominant
    private var sinceClosure = 100                       // hops since the last closure hop
    private var releaseIsBurst = false                   // the last closure was an oral stop
    private var f2History: SIMD4<Float> = .init(repeating: 1500)   // F2 of the last 4 sonorant hops (newest in lane 3)
    private var labialness: Float = 1
    private var transitionLabialness: Float = 1
    private var smoothed = VisemeWeights(only: .sil)
    private var jaw: Float = 0

    // Coefficients.
    private let attackAlpha: Float
    private let releaseAlpha: Float
    private let jawReleaseAlpha: Float
    private let hangoverHops: Int

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let hopSeconds = Double(Self.hopLength) / Double(Self.sampleRate)
        attackAlpha = Smoothing.coefficient(timeConstant: configuration.attack, step: hopSeconds)
        releaseAlpha = Smoothing.coefficient(timeConstant: configuration.visemeRelease, step: hopSeconds)
        jawReleaseAlpha = Smoothing.coefficient(timeConstant: configuration.jawRelease, step: hopSeconds)
        hangoverHops = Int((configuration.hangover / hopSeconds).rounded())

        let w = Self.windowLength, n = Self.fftSize, p = Self.lpcOrder
        window = .allocate(capacity: w + 1)
        hamming = .allocate(capacity: w)
        re = .allocate(capacity: n)
        im = .allocate(capacity: n)
        power = .allocate(capacity: n / 2 + 1)
        emphasised = .allocate(capacity: w)
        autocorrelation = .allocate(capacity: p + 1)
        lagWindow = .allocate(capacity: p + 1)
        lpc = .allocate(capacity: p + 1)
        lpcScratch = .allocate(capacity: p + 1)
        rootsRe = .allocate(capacity: p)
        rootsIm = .allocate(capacity: p)
        for i in 0..<w { hamming[i] = Float(0.54 - 0.46 * cos(2 * Double.pi * Double(i) / Double(w - 1))) }
        // Gaussian lag window, 50 Hz bandwidth: smooths the LPC envelope so that harmonics of a
        // high voice are not taken for formants.
        for k in 0...p {
            let x = 2 * Double.pi * 50 * Double(k) / Double(Self.sampleRate)
            lagWindow[k] = exp(-0.5 * x * x)
        }
        reset()
    }

    deinit {
        window.deallocate(); hamming.deallocate(); re.deallocate(); im.deallocate(); power.deallocate()
        emphasised.deallocate(); autocorrelation.deallocate(); lagWindow.deallocate(); lpc.deallocate()
        lpcScratch.deallocate(); rootsRe.deallocate(); rootsIm.deallocate()
    }

    /// Forgets all audio: the next sample is time 0, adaptive levels start again.
    public func reset() {
        window.initialize(repeating: 0, count: Self.windowLength + 1)
        pending = 0
        sampleCount = 0
        noiseFloor = configuration.initialNoiseFloor
        floorBlocks = SIMD8(repeating: configuration.initialNoiseFloor - 2)
        blockMinimum = .infinity
        blockHops = 0
        speechLevel = configuration.initialSpeechLevel
        recentPeak = -120
        wasInstantVoice = false
        hangoverLeft = 0
        closureRun = 0
        sinceClosure = 100
        releaseIsBurst = false
        f2History = .init(repeating: 1500)
        labialness = 1
        transitionLabialness = 1
        smoothed = VisemeWeights(only: .sil)
        jaw = 0
        features = Features()
        features.noiseFloorDB = noiseFloor
        features.speechLevelDB = speechLevel
        lastFrame = .silence()
    }

    /// Analyses 16 kHz mono samples (full scale ±1); calls `onFrame` once for every completed
    /// 10 ms hop, in order. Samples of an incomplete hop are kept for the next call.
    public func process(_ samples: UnsafeBufferPointer<Float>, _ onFrame: (SpeechFrame) -> Void) {
        let w = Self.windowLength, h = Self.hopLength
        var i = 0
        while i < samples.count {
            let take = min(h - pending, samples.count - i)
            // The hop being filled occupies window[w + 1 − h + pending …].
            let dst = window + (w + 1 - h + pending)
            for j in 0..<take { dst[j] = samples[i + j] }
            pending += take
            i += take
            sampleCount += take
            if pending == h {
                let frame = analyseHop()
                lastFrame = frame
                onFrame(frame)
                // Shift the window by one hop, keeping the newest w + 1 − h samples.
                window.update(from: window + h, count: w + 1 - h)
                pending = 0
            }
        }
    }

    /// Convenience: analyses an array and returns its frames (allocates).
    public func process(_ samples: [Float]) -> [SpeechFrame] {
        var frames: [SpeechFrame] = []
        frames.reserveCapacity(samples.count / Self.hopLength + 1)
        samples.withUnsafeBufferPointer { process($0) { frames.append($0) } }
        return frames
    }

    // MARK: - One hop

    private func analyseHop() -> SpeechFrame {
        let x = window + 1   // the analysis window; x[-1] is the sample before it
        var f = features
        let level = measureLevel(x, into: &f)
        measureSpectrum(x, into: &f)
        let (f1, f2, f3, haveFormants) = findFormants(x)
        let (instantVoice, voiceActive) = detectVoice(level: level, into: &f)
        let classes = classifySound(level: level, voiceActive: voiceActive, haveFormants: haveFormants, f1: f1, f2: f2,
                                    into: &f)
        if instantVoice && classes.closure < 0.5 {
            if level > speechLevel { speechLevel += 0.3 * (level - speechLevel) } else { speechLevel -= 0.02 }
        }
        speechLevel = max(speechLevel, max(noiseFloor + 15, configuration.absoluteThreshold))
        f.speechLevelDB = speechLevel
        trackArticulation(classes, haveFormants: haveFormants, f1: f1, f2: f2, f3: f3, into: &f)
        let raw = rawVisemes(classes, features: f)
        f.raw = raw
        let jawTarget = voiceActive ? jawTarget(raw, level: level, f1: f.f1) : 0
        f.jawTarget = jawTarget
        let output = smooth(raw, jawTarget: jawTarget)
        features = f
        return SpeechFrame(time: Double(sampleCount) / Double(Self.sampleRate), levelDB: level,
                           voiceActive: voiceActive, jawOpen: min(1, max(0, jaw)), weights: output)
    }

    /// 1. Level of the newest hop (dB) and the zero-crossing rate over the window.
    private func measureLevel(_ x: UnsafeMutablePointer<Float>, into f: inout Features) -> Float {
        let w = Self.windowLength, h = Self.hopLength
        var sumSquares: Float = 0
        for j in (w - h)..<w { sumSquares += x[j] * x[j] }
        let level = max(-120, 10 * log10(sumSquares / Float(h) + 1e-12))
        f.levelDB = level
        var crossings = 0
        for j in 1..<w where (x[j] >= 0) != (x[j - 1] >= 0) { crossings += 1 }
        f.zeroCrossingRate = Float(crossings) / Float(w - 1)
        return level
    }

    /// 2. Spectrum: band energies, centroid and flatness.
    private func measureSpectrum(_ x: UnsafeMutablePointer<Float>, into f: inout Features) {
        let w = Self.windowLength, n = Self.fftSize
        for j in 0..<w { re[j] = x[j] * hamming[j] }
        for j in w..<n { re[j] = 0 }
        im.initialize(repeating: 0, count: n)
        fft.forward(real: re, imaginary: im)
        for k in 0...(n / 2) { power[k] = re[k] * re[k] + im[k] * im[k] }
        let binHz = Float(Self.sampleRate) / Float(n)
        func bin(_ hz: Float) -> Int { Int((hz / binHz).rounded()) }
        var total: Float = 1e-12, below1k: Float = 1e-12, band1to5: Float = 1e-12
        var above2k5: Float = 1e-12, above4k5: Float = 1e-12, centroidNum: Float = 0, centroidDen: Float = 1e-12
        var below500: Float = 1e-12, band500to3k: Float = 1e-12
        let k60 = bin(60), k500 = bin(500), k1k = bin(1000), k2k5 = bin(2500), k3k = bin(3000), k4k5 = bin(4500), k5k = bin(5000)
        for k in k60...(n / 2) {
            let p = power[k]
            total += p
            if k < k500 { below500 += p } else if k < k3k { band500to3k += p }
            if k < k1k { below1k += p } else {
                centroidNum += p * Float(k) * binHz
                centroidDen += p
                if k < k5k { band1to5 += p }
            }
            if k >= k2k5 { above2k5 += p }
            if k >= k4k5 { above4k5 += p }
        }
        f.highLowDB = 10 * log10(band1to5 / below1k)
        f.lowMidDB = 10 * log10(below500 / band500to3k)
        f.highFraction = above2k5 / total
        f.sibilantFraction = above4k5 / above2k5
        f.centroid = centroidNum / centroidDen
        var logSum: Float = 0, linSum: Float = 0
        let kLo = bin(250), kHi = bin(7500)
        let floorPower = total * 1e-9 + 1e-20
        for k in kLo...kHi {
            let p = power[k] + floorPower
            logSum += log(p)
            linSum += p
        }
        let count = Float(kHi - kLo + 1)
        f.flatness = min(1, exp(logSum / count) / (linSum / count))
    }

    /// 3. Formants, only when the window holds something to analyse.
    private func findFormants(_ x: UnsafeMutablePointer<Float>) -> (Float, Float, Float, Bool) {
        let w = Self.windowLength
        var windowEnergy: Float = 0
        for j in 0..<w { windowEnergy += x[j] * x[j] }
        let windowLevel = 10 * log10(windowEnergy / Float(w) + 1e-12)
        return windowLevel > -70 ? formants(x) : (0, 0, 0, false)
    }

    /// 4. Voice activity against a noise floor by minimum statistics — the lowest 10 ms level of
    /// the last 2 s (eight 250 ms blocks), plus 2 dB for the spread of a noise level about its
    /// mean — with a hangover; and the decaying peak level that dips are measured from.
    private func detectVoice(level: Float, into f: inout Features) -> (instant: Bool, active: Bool) {
        blockMinimum = min(blockMinimum, level)
        blockHops += 1
        if blockHops == Self.floorBlockHops {
            floorBlocks = SIMD8(floorBlocks[1], floorBlocks[2], floorBlocks[3], floorBlocks[4],
                                floorBlocks[5], floorBlocks[6], floorBlocks[7], blockMinimum)
            blockMinimum = .infinity
            blockHops = 0
        }
        noiseFloor = max(min(floorBlocks.min(), blockMinimum) + 2, -100)
        f.noiseFloorDB = noiseFloor
        let snr = level - noiseFloor
        let energyVoice = level > configuration.absoluteThreshold && snr > (wasInstantVoice ? 8 : 12)
        let speechLike = f.flatness < 0.45 || f.zeroCrossingRate > 0.25 || snr > 25
        let instantVoice = energyVoice && speechLike
        wasInstantVoice = instantVoice
        f.instantVoice = instantVoice
        if instantVoice { hangoverLeft = hangoverHops } else if hangoverLeft > 0 { hangoverLeft -= 1 }
        recentPeak = max(level, recentPeak - 0.6)
        f.dipDB = max(0, recentPeak - level)
        return (instantVoice, instantVoice || hangoverLeft > 0)
    }

    /// How much of a hop is each class of sound (step 5), with the cues behind the closure.
    private struct SoundClasses {
        var silence: Float = 0, closure: Float = 0, fricative: Float = 0, sonorant: Float = 0
        var murmur: Float = 0, nearSilence: Float = 0, lowOnly: Float = 0, nasal: Float = 0
        /// How far below the speech (or peak) level the hop is, dB.
        var referenceDip: Float = 0
    }

    /// 5. Sound classes: silence, a closure (stop or nasal murmur), a fricative, a sonorant.
    private func classifySound(level: Float, voiceActive: Bool, haveFormants: Bool, f1: Float, f2: Float,
                               into f: inout Features) -> SoundClasses {
        var c = SoundClasses()
        c.referenceDip = max(0, max(recentPeak, speechLevel) - level)
        if !voiceActive {
            c.silence = 1
        } else {
            // Stop closure: near silence inside an utterance.
            c.nearSilence = Self.ramp(level, from: noiseFloor + 14, to: noiseFloor + 6)
                * Self.ramp(f.dipDB, from: 10, to: 20)
            // Voice bar / nasal murmur: a voiced dip below the vowels around it, with only low
            // frequencies or a low first formant.
            c.lowOnly = Self.ramp(f.highLowDB, from: -12, to: -18)
            let lowFormant = haveFormants ? Self.ramp(f1, from: 420, to: 340) * Self.ramp(f2, from: 1950, to: 1800) : 0
            let lowSpectrum = Self.ramp(f.lowMidDB, from: 5, to: 8) * Self.ramp(f.highFraction, from: 0.04, to: 0.015)
            c.nasal = max(lowFormant, lowSpectrum)
            let voiced = Self.ramp(f.zeroCrossingRate, from: 0.2, to: 0.12) * Self.ramp(f.highFraction, from: 0.3, to: 0.15)
            let audible = Self.ramp(level, from: noiseFloor + 14, to: noiseFloor + 24)
            c.murmur = Self.ramp(c.referenceDip, from: 4, to: 9) * max(c.lowOnly, c.nasal) * voiced * audible
            c.closure = max(c.nearSilence, c.murmur)
            // Sounds far below the speech level (echoes, breath, a distant voice) do not articulate.
            let present = Self.ramp(level, from: speechLevel - 40, to: speechLevel - 30)
            let hissy = Self.ramp(f.highFraction, from: 0.35, to: 0.6)
            c.silence = (1 - c.closure) * (1 - present)
            c.fricative = (1 - c.closure) * present * hissy
            c.sonorant = (1 - c.closure) * present * (1 - hissy)
        }
        f.silence = c.silence; f.closure = c.closure; f.fricative = c.fricative; f.sonorant = c.sonorant
        return c
    }

    /// Formant memory and the labial cue: F2 falling into a closure suggests lips; a murmur's own
    /// F2 tells m (about 1 kHz) from n (about 1.6 kHz).
    private func trackArticulation(_ c: SoundClasses, haveFormants: Bool, f1: Float, f2: Float, f3: Float,
                                   into f: inout Features) {
        if haveFormants {
            f.f1 = f1; f.f2 = f2; f.f3 = f3
            if c.sonorant > 0.5 {
                f2History = SIMD4(f2History[1], f2History[2], f2History[3], f2)
            }
        }
        if c.closure > 0.5 {
            if closureRun == 0 {
                // Slope over the last sonorant hops (Hz per hop): labials pull F2 down.
                let slope = (f2History[3] - f2History[0]) / 3
                transitionLabialness = Self.ramp(slope, from: 20, to: -30)
            }
            closureRun += 1
            sinceClosure = 0
            // An oral stop (silence or a voice bar) ends in a burst; a nasal does not.
            releaseIsBurst = c.nearSilence >= c.murmur || c.lowOnly >= c.nasal
        } else {
            closureRun = 0
            sinceClosure += 1
        }
        if c.murmur > 0.5 {
            // The murmur's own second resonance when a low first one was found; else unknown.
            let formantCue = haveFormants && f1 < 450 && f2 < 2500 ? Self.ramp(f2, from: 1500, to: 1250) : 0.5
            labialness = 0.25 * transitionLabialness + 0.75 * formantCue
        } else if c.closure > 0.5 && closureRun == 1 {
            labialness = 0.35 + 0.65 * transitionLabialness
        }
    }

    /// 6. Raw viseme weights of the hop.
    private func rawVisemes(_ c: SoundClasses, features f: Features) -> VisemeWeights {
        var raw = VisemeWeights()
        raw[.sil] = c.silence
        if c.closure > 0 {
            // Lips for labials; a nasal murmur that is not labial is n (nn); a silent closure
            // that is not labial shows as a closed, relaxed mouth (sil) until its burst.
            let murmurShare = c.murmur / max(c.murmur + c.nearSilence, 1e-6)
            raw[.pp] += c.closure * labialness
            let rest = c.closure * (1 - labialness)
            raw[.nn] += rest * murmurShare
            raw[.sil] += rest * (1 - murmurShare)
        }
        // A release just after a closure (the burst and its aspiration or frication): part of
        // the frame goes to the place of articulation read from the burst's spectrum.
        var fricativeLeft = c.fricative, sonorantLeft = c.sonorant
        if releaseIsBurst && sinceClosure > 0 && sinceClosure <= 3 && c.fricative + c.sonorant > 0 {
            let share = 0.6 * (1 - Float(sinceClosure - 1) / 3)
            let burst = (c.fricative + c.sonorant) * share
            fricativeLeft *= 1 - share
            sonorantLeft *= 1 - share
            let high = Self.ramp(f.centroid, from: 2800, to: 3800)
            raw[.dd] += burst * high
            raw[.pp] += burst * (1 - high) * labialness
            raw[.kk] += burst * (1 - high) * (1 - labialness)
        }
        if fricativeLeft > 0 {
            let strong = Self.ramp(c.referenceDip, from: 20, to: 12)      // sibilants are loud, f/th weak
            let sibilant = Self.ramp(f.sibilantFraction, from: 0.5, to: 0.7)
            let dental = Self.ramp(f.sibilantFraction, from: 0.6, to: 0.8)
            raw[.ss] += fricativeLeft * strong * sibilant
            raw[.ch] += fricativeLeft * strong * (1 - sibilant)
            raw[.ff] += fricativeLeft * (1 - strong) * (1 - dental)
            raw[.th] += fricativeLeft * (1 - strong) * dental
        }
        if sonorantLeft > 0 {
            vowelWeights(f1: f.f1, f2: f.f2, f3: f.f3, total: sonorantLeft, into: &raw)
        }
        return raw
    }

    /// 7. How open the jaw should be: loudness relative to the speech level times the openness
    /// of the visemes, sonorants opening with F1 rather than with their table value.
    private func jawTarget(_ raw: VisemeWeights, level: Float, f1: Float) -> Float {
        let relative = Self.clamp01((level - (speechLevel - configuration.loudnessRange)) / configuration.loudnessRange)
        let loudness = relative * relative
        var openness: Float = 0
        for v in 1..<Viseme.count { openness += raw[v] * Self.jawOpenness[v] }
        var vowelShare: Float = 0
        for v in Viseme.rr.rawValue...Viseme.ou.rawValue { vowelShare += raw[v] }
        if vowelShare > 0 {
            var tableShare: Float = 0
            for v in Viseme.rr.rawValue...Viseme.ou.rawValue { tableShare += raw[v] * Self.jawOpenness[v] }
            openness += vowelShare * (0.25 + 0.75 * Self.clamp01((f1 - 250) / 450)) - tableShare
        }
        return loudness * openness
    }

    /// Smoothing: fast attack, slower release, for the visemes and the jaw; returns the
    /// normalised viseme weights.
    private func smooth(_ raw: VisemeWeights, jawTarget: Float) -> VisemeWeights {
        for v in 0..<Viseme.count {
            let target = raw[v], current = smoothed[v]
            smoothed[v] = current + (target > current ? attackAlpha : releaseAlpha) * (target - current)
        }
        jaw += (jawTarget > jaw ? attackAlpha : jawReleaseAlpha) * (jawTarget - jaw)
        if jaw < 1e-6 { jaw = 0 }
        var output = smoothed
        let sum = output.sum
        if sum > 0 { output.storage /= SIMD16(repeating: sum) } else { output = VisemeWeights(only: .sil) }
        return output
    }

    // MARK: - Formants

    private func formants(_ x: UnsafeMutablePointer<Float>) -> (Float, Float, Float, Bool) {
        let w = Self.windowLength, p = Self.lpcOrder
        for j in 0..<w {
            emphasised[j] = Double(x[j] - 0.97 * x[j - 1]) * Double(hamming[j])
        }
        for lag in 0...p {
            var acc = 0.0
            for j in lag..<w { acc += emphasised[j] * emphasised[j - lag] }
            autocorrelation[lag] = acc * lagWindow[lag]
        }
        guard autocorrelation[0] > 0 else { return (0, 0, 0, false) }
        autocorrelation[0] *= 1.0001
        let error = LinearPrediction.levinson(autocorrelation, order: p, into: lpc, scratch: lpcScratch)
        guard error > 0 else { return (0, 0, 0, false) }
        LinearPrediction.roots(lpc, order: p, rootsRe: rootsRe, rootsIm: rootsIm)
        // Candidates: upper half-plane roots with a narrow bandwidth, sorted by frequency.
        var candidates = SIMD8<Float>(repeating: .infinity)
        var found = 0
        let fs = Double(Self.sampleRate)
        for k in 0..<p where rootsIm[k] > 0 {
            let radius = (rootsRe[k] * rootsRe[k] + rootsIm[k] * rootsIm[k]).squareRoot()
            let frequency = atan2(rootsIm[k], rootsRe[k]) * fs / (2 * Double.pi)
            let bandwidth = -log(radius) * fs / Double.pi
            guard frequency >= 150, frequency <= 5000, bandwidth < 600, found < 8 else { continue }
            // Insertion into the sorted list.
            var i = found
            candidates[i] = Float(frequency)
            while i > 0, candidates[i - 1] > candidates[i] {
                let t = candidates[i - 1]; candidates[i - 1] = candidates[i]; candidates[i] = t
                i -= 1
            }
            found += 1
        }
        var picked = SIMD3<Float>(repeating: 0)
        var count = 0
        for i in 0..<found where count < 3 {
            let c = candidates[i]
            if count == 0 && c < 200 { continue }
            if count > 0 && c < picked[count - 1] + 150 { continue }
            picked[count] = c
            count += 1
        }
        guard count >= 2 else { return (0, 0, 0, false) }
        if count == 2 { picked[2] = max(2500, picked[1] + 500) }
        return (picked[0], picked[1], picked[2], true)
    }

    // MARK: - Tables

    /// Vowel prototypes (F1, F2 in Hz; adult averages after Peterson & Barney / Hillenbrand):
    /// `aa` (ɑ, ʌ, a) 730/1150, `E` (ɛ, æ, eɪ) 580/1800, `ih` (i, ɪ) 330/2150, `oh` (ɔ, oʊ)
    /// 530/900, `ou` (u, ʊ) 340/900 and (fronted ʉː of modern English) 350/1550. Membership:
    /// exp(−d²/2) with d the distance in log frequency, scaled by 0.22 (F1) and 0.18 (F2),
    /// normalised over the six. `RR` takes a share ramping from 0 at F3 = 2100 Hz to 0.8 at
    /// F3 = 1700 Hz (r-colouring lowers F3).
    static let vowelPrototypes: [(viseme: Viseme, f1: Float, f2: Float)] = [
        (.aa, 730, 1150), (.e, 580, 1800), (.ih, 330, 2150), (.oh, 530, 900), (.ou, 340, 900), (.ou, 350, 1550),
    ]

    private func vowelWeights(f1: Float, f2: Float, f3: Float, total: Float, into raw: inout VisemeWeights) {
        guard total > 0 else { return }
        let l1 = log(max(f1, 150)), l2 = log(max(f2, 400))
        var m = SIMD8<Float>(repeating: 0)
        var sum: Float = 0
        for (i, proto) in Self.vowelPrototypes.enumerated() {
            let d1 = (l1 - log(proto.f1)) / 0.22
            let d2 = (l2 - log(proto.f2)) / 0.18
            m[i] = exp(-0.5 * (d1 * d1 + d2 * d2)) + 1e-6
            sum += m[i]
        }
        let rhotic = 0.8 * Self.ramp(f3, from: 2100, to: 1700)
        raw[.rr] += total * rhotic
        let rest = total * (1 - rhotic) / sum
        for (i, proto) in Self.vowelPrototypes.enumerated() { raw[proto.viseme] += rest * m[i] }
    }

    /// How far each viseme opens the jaw (0…1), in canonical order. Sonorants (`RR aa E ih oh
    /// ou`) use F1 instead (see the type's documentation); their table values are the typical ones.
    public static let jawOpenness: [Float] = [
        0,     // sil
        0,     // PP
        0.10,  // FF
        0.20,  // TH
        0.30,  // DD
        0.35,  // kk
        0.25,  // CH
        0.15,  // SS
        0.25,  // nn
        0.40,  // RR
        1.00,  // aa
        0.65,  // E
        0.35,  // ih
        0.70,  // oh
        0.35,  // ou
    ]

    /// A ramp from 0 at `from` to 1 at `to` (either direction), clamped.
    @inline(__always)
    static func ramp(_ x: Float, from a: Float, to b: Float) -> Float {
        clamp01((x - a) / (b - a))
    }

    @inline(__always)
    static func clamp01(_ x: Float) -> Float { min(1, max(0, x)) }
}
