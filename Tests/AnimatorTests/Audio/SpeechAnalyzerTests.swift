import Animator
import Foundation
import XCTest

final class SpeechAnalyzerTests: XCTestCase {
    private typealias S = SpeechTestSupport

    // MARK: - Speech (espeak-ng)

    func testJawFollowsTheSpeechEnvelope() throws {
        let text = "The quick brown fox jumps over the lazy dog. Then it rests for a while, and runs away again."
        let samples = S.normalised(try S.mono16k(try S.speak(text)))
        let frames = S.analyse(samples)
        // The envelope: RMS over the newest 25 ms at each frame, smoothed over 50 ms.
        var envelope: [Float] = frames.map { frame in
            let end = min(Int((frame.time * 16_000).rounded()), samples.count)
            return S.rms(samples[max(0, end - 400)..<end])
        }
        envelope = envelope.indices.map { i in
            let r = max(0, i - 2)...min(envelope.count - 1, i + 2)
            return envelope[r].reduce(0, +) / Float(r.count)
        }
        let r = S.pearson(frames.map(\.jawOpen), envelope)
        print("jaw/envelope Pearson r = \(r) over \(frames.count) frames")
        XCTAssertGreaterThan(r, 0.6)
    }

    func testSilenceClosesTheMouthWithin150ms() throws {
        for text in ["Hello there, how are you today", "a bob a", "ah"] {
            var samples = S.normalised(try S.mono16k(try S.speak(text)))
            // Where the speech ends: the last 10 ms block within 40 dB of the loudest.
            let levels = S.blockLevels(samples)
            let peak = levels.max()!
            let lastBlock = levels.lastIndex { $0 > peak - 40 }!
            let speechEnd = Double(lastBlock + 1) * 0.01
            samples = Array(samples.prefix((lastBlock + 1) * 160)) + [Float](repeating: 0, count: 8000)
            let frames = S.analyse(samples)
            let spoke = frames.contains { $0.jawOpen > 0.2 }
            XCTAssertTrue(spoke, "'\(text)': the jaw must open while speaking")
            let after = frames.filter { $0.time >= speechEnd + 0.150 }
            XCTAssertFalse(after.isEmpty)
            for frame in after {
                XCTAssertLessThan(frame.jawOpen, 0.05, "'\(text)': jaw at \(frame.time) s, speech ended at \(speechEnd) s")
                XCTAssertEqual(frame.dominant, .sil, "'\(text)': viseme at \(frame.time) s, speech ended at \(speechEnd) s")
                XCTAssertFalse(frame.voiceActive)
            }
            if let last = frames.last {
                XCTAssertEqual(last.weights[.sil], 1, accuracy: 0.01)
                XCTAssertEqual(last.jawOpen, 0, accuracy: 0.001)
            }
        }
    }

    func testBilabialsCloseTheLips() throws {
        var total = 0, closed = 0, pressed = 0
        var report: [String] = []
        let cases = ["papa", "baby", "mama", "a bob a", "a mom a", "happy puppy"].map { ($0, [String]()) }
            + ["papa", "baby", "mama", "a bob a"].map { ($0, ["-v", "en-us"]) }
        for (text, voice) in cases {
            let samples = S.normalised(try S.mono16k(try S.speak(text, arguments: voice)))
            let levels = S.blockLevels(samples)
            let frames = S.analyse(samples)
            let occlusions = Self.energyDips(levels)
            XCTAssertFalse(occlusions.isEmpty, "'\(text)': no occlusion found")
            var line = "\(text)\(voice.isEmpty ? "" : " (\(voice[1]))"):"
            for dip in occlusions {
                // The frames that have heard the occlusion: from its centre to 40 ms later.
                let centre = (Double(dip) + 0.5) * 0.01
                for frame in frames where frame.time >= centre && frame.time <= centre + 0.040 {
                    total += 1
                    if frame.dominant == .pp { closed += 1 }
                    let arkit = VisemeMapping.arkitWeights(for: frame)
                    if Self.lipsSealed(arkit) { pressed += 1 }
                    line += " \(String(format: "%.2f", frame.time))=\(frame.dominant)"
                }
            }
            report.append(line)
        }
        print("bilabial occlusions: PP dominant in \(closed)/\(total) frames, lips sealed (ARKit) in \(pressed)/\(total)\n  " + report.joined(separator: "\n  "))
        XCTAssertGreaterThan(total, 10)
        XCTAssertGreaterThanOrEqual(Double(closed), 0.7 * Double(total), "PP must dominate at a clear majority of the occlusion frames")
        XCTAssertGreaterThanOrEqual(Double(pressed), 0.7 * Double(total), "mouthPress/mouthClose must dominate the mouth shapes there")
    }

    func testOpenVowelsOpenTheJawMoreThanClosedOnes() throws {
        func meanJaw(_ text: String) throws -> Float {
            let samples = S.normalised(try S.mono16k(try S.speak(text)))
            let frames = S.analyse(samples)
            let peak = frames.map(\.levelDB).max()!
            let voiced = frames.filter { $0.voiceActive && $0.levelDB > peak - 15 }
            XCTAssertGreaterThan(voiced.count, 10, text)
            return voiced.map(\.jawOpen).reduce(0, +) / Float(voiced.count)
        }
        let open = try ["ah", "aah", "father"].map(meanJaw)
        let closed = try ["eee", "ooh", "see", "who"].map(meanJaw)
        print("mean jawOpen over voiced frames: open \(open), closed \(closed)")
        XCTAssertGreaterThan(open.min()!, closed.max()! * 1.4, "open vowels must open the jaw clearly more than closed ones")
    }

    func testVowelsMapToTheirVisemes() throws {
        func dominantVowel(_ text: String) throws -> Viseme {
            let frames = S.analyse(S.normalised(try S.mono16k(try S.speak(text))))
            let peak = frames.map(\.levelDB).max()!
            var sums = VisemeWeights()
            for frame in frames where frame.levelDB > peak - 10 { sums.storage += frame.weights.storage }
            return sums.dominant
        }
        XCTAssertEqual(try dominantVowel("ah"), .aa)
        XCTAssertEqual(try dominantVowel("eee"), .ih)
        XCTAssertEqual(try dominantVowel("ooh"), .ou)
    }

    func testSibilantsShowAsSSAndCH() throws {
        func share(_ text: String, _ viseme: Viseme) throws -> Float {
            let frames = S.analyse(S.normalised(try S.mono16k(try S.speak(text))))
            let active = frames.filter(\.voiceActive)
            return Float(active.filter { $0.dominant == viseme }.count) / Float(active.count)
        }
        // Sustained fricatives by phoneme input: /s/ and /ʃ/.
        XCTAssertGreaterThan(try share("[[s::]]", .ss), 0.5)
        XCTAssertGreaterThan(try share("[[S::]]", .ch), 0.5)
    }

    // MARK: - Synthetic signals

    func testEveryHopGivesOneNormalisedFrame() {
        let samples = (0..<16_003).map { Float(sin(Double($0) * 0.05)) * 0.3 }
        let frames = S.analyse(samples, chunk: 77)
        XCTAssertEqual(frames.count, 16_003 / 160)
        for (i, frame) in frames.enumerated() {
            XCTAssertEqual(frame.time, Double(i + 1) * 0.01, accuracy: 1e-9)
            XCTAssertEqual(frame.weights.sum, 1, accuracy: 1e-4)
            XCTAssertEqual(frame.visemes.count, 15)
            XCTAssertEqual(frame.weights[15], 0)
            XCTAssertTrue((0...1).contains(frame.jawOpen))
        }
    }

    func testChunkSizeDoesNotChangeTheFrames() throws {
        let samples = try S.mono16k(try S.speak("chunks of any size"))
        XCTAssertEqual(S.analyse(samples, chunk: 1), S.analyse(samples, chunk: 4096))
    }

    func testDigitalSilenceIsSilence() {
        let frames = S.analyse([Float](repeating: 0, count: 16_000))
        for frame in frames {
            XCTAssertEqual(frame.levelDB, -120)
            XCTAssertFalse(frame.voiceActive)
            XCTAssertEqual(frame.jawOpen, 0)
            XCTAssertEqual(frame.dominant, .sil)
        }
    }

    func testSteadyNoiseIsNotSpeech() {
        // White noise at −50 dBFS: above the absolute threshold, and noise-like enough to pass
        // for a fricative; once the noise floor has adapted (≤ 2 s) it is not voice.
        var state: UInt32 = 1
        let noise = (0..<48_000).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return (Float(state >> 8) / Float(1 << 24) - 0.5) * 0.011
        }
        let frames = S.analyse(noise)
        let late = frames.filter { $0.time > 2.2 }
        XCTAssertTrue(late.allSatisfy { !$0.voiceActive && $0.jawOpen < 0.05 }, "noise must not move the mouth")
    }

    func testLatencyIsWithin60ms() {
        let analyzer = SpeechAnalyzer()
        XCTAssertEqual(analyzer.algorithmicLatency, 0.050, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(analyzer.algorithmicLatency, 0.060)
        // Step response: a vowel-like buzz starting at 1 s after silence. The jaw must reach
        // half of its eventual opening within 60 ms of the onset.
        let onset = 16_000
        let samples = (0..<32_000).map { i -> Float in
            guard i >= onset else { return 0 }
            let t = Float(i) / 16_000
            return 0.1 * (sin(2 * .pi * 120 * t) + 0.6 * sin(2 * .pi * 720 * t) + 0.4 * sin(2 * .pi * 1200 * t))
        }
        let frames = S.analyse(samples)
        let final = frames.last!.jawOpen
        XCTAssertGreaterThan(final, 0.3)
        let firstHalf = frames.first { $0.jawOpen >= 0.5 * final }!
        XCTAssertLessThanOrEqual(firstHalf.time - 1.0, 0.060, "jaw reached half its opening \(firstHalf.time - 1.0) s after the onset")
    }

    func testResetStartsAgain() throws {
        let samples = try S.mono16k(try S.speak("reset"))
        let analyzer = SpeechAnalyzer()
        let first = samples.withUnsafeBufferPointer { buffer -> [SpeechFrame] in
            var out: [SpeechFrame] = []
            analyzer.process(buffer) { out.append($0) }
            return out
        }
        analyzer.reset()
        XCTAssertEqual(analyzer.sampleCount, 0)
        XCTAssertEqual(analyzer.process(samples), first)
    }

    func testProcessorTakesAnyRateAndChannelCount() throws {
        let wav = try S.speak("any rate")
        let processor = SpeechProcessor()
        let frames = try processor.process(wav.samples, sampleRate: wav.sampleRate, channels: 1)
        XCTAssertEqual(Double(frames.count), wav.duration * 100, accuracy: 2)
        XCTAssertTrue(frames.contains { $0.jawOpen > 0.2 })
        // A format change mid-stream keeps the clock running.
        var stereo: [Int16] = []
        for s in wav.samples.prefix(4410) { stereo += [s, s] }
        let more = try processor.process(stereo, sampleRate: 44_100, channels: 2)
        XCTAssertEqual(more.first!.time, frames.last!.time + 0.01, accuracy: 1e-9)
        XCTAssertThrowsError(try processor.process([1, 2, 3], sampleRate: 7, channels: 1))
        XCTAssertLessThanOrEqual(processor.algorithmicLatency, 0.060)
    }

    func testBenchmarkReportsTheCost() {
        let analyser = SpeechAnalyzer.benchmark(seconds: 5)
        let withResampler = SpeechAnalyzer.benchmark(seconds: 5, inputRate: 48_000, channels: 2)
        print(String(format: "speech analysis: %.1f µs per 10 ms of audio (16 kHz mono); %.1f µs with 48 kHz stereo resampling", analyser, withResampler))
        XCTAssertTrue(analyser.isFinite && analyser > 0)
        XCTAssertTrue(withResampler.isFinite && withResampler > 0)
    }

    // MARK: - Helpers

    /// Indices of 10 ms blocks at the bottom of energy dips inside an utterance (occlusions):
    /// at least 8 dB below the loudest block in the 150 ms before and in the 150 ms after, the
    /// quietest block within ±30 ms, and lasting: a neighbouring block is also 7 dB down.
    static func energyDips(_ levels: [Float]) -> [Int] {
        var dips: [Int] = []
        for i in levels.indices.dropFirst().dropLast() {
            let before = levels[max(0, i - 15)..<i].max() ?? -120
            let after = levels[(i + 1)..<min(levels.count, i + 16)].max() ?? -120
            let near = levels[max(0, i - 3)...min(levels.count - 1, i + 3)]
            guard before > levels[i] + 8, after > levels[i] + 8, levels[i] <= near.min()! else { continue }
            let shoulder = min(before, after) - 7
            guard levels[i - 1] <= shoulder || levels[i + 1] <= shoulder else { continue }
            if let last = dips.last, i - last <= 3 { continue }   // one per occlusion
            dips.append(i)
        }
        return dips
    }

    /// Whether lip-sealing shapes (mouthPress, mouthClose) outweigh the opening, spreading and
    /// rounding ones. (ARKit's mouthClose seals the lips against whatever jawOpen remains.)
    static func lipsSealed(_ arkit: [Float]) -> Bool {
        func w(_ name: String) -> Float { arkit[VisemeMapping.arkitIndex(name)!] }
        let sealing = max(w("mouthPressLeft"), w("mouthClose"))
        let others = ["mouthFunnel", "mouthPucker", "mouthStretchLeft", "mouthSmileLeft", "mouthLowerDownLeft",
                      "mouthUpperUpLeft", "mouthRollLower", "tongueOut"].map(w).max()!
        return sealing > others
    }
}
