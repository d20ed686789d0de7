import Animator
import Foundation
import XCTest

/// The received speech comes back out of the speech channel with the time it is to be heard,
/// and that time is when the mouth shape made from it is shown: a viewer that plays the audio
/// at those times sees the lips move with the voice.
final class SpeechAudioTimingTests: XCTestCase {
    /// Feeds `samples` in 20 ms chunks as a live microphone would (each arriving 3 ms after it
    /// was captured), advancing the playout in 5 ms steps; returns the shown jaw opening per
    /// step and the audio taken out with its presentation times.
    func play(_ samples: [Int16], rate: Int) throws -> (jaw: [Float], audio: [SpeechChannel.SpeechAudio], start: Double) {
        var channel = SpeechChannel()
        let chunk = rate / 50
        var jaw: [Float] = [], audio: [SpeechChannel.SpeechAudio] = []
        let start = 100.0
        var t = start
        for k in 0..<(samples.count / chunk) {
            let arrival = start + Double(k + 1) * 0.02 + 0.003
            let piece = samples[(k * chunk)..<((k + 1) * chunk)]
            try channel.receive(.init(samples: piece.withUnsafeBufferPointer { Data(buffer: $0) }, sampleRate: rate, channels: 1,
                                      sequence: UInt64(k + 1), senderTimeUs: 0), now: arrival)
            audio += channel.takeAudio()
            while t + 0.005 <= arrival + 0.02 {
                t += 0.005
                jaw.append(channel.advance(to: t).map { $0.frame.jawOpen * $0.influence } ?? 0)
            }
        }
        return (jaw, audio, start)
    }

    func testAudioIsHeardWhenItsMouthShapeIsShown() throws {
        let wav = try SpeechTestSupport.speak("Papa bought a big banana, and mama ate it all.")
        let mono = wav.channels == 1 ? wav.samples : stride(from: 0, to: wav.samples.count, by: wav.channels).map { wav.samples[$0] }
        let padded = [Int16](repeating: 0, count: wav.sampleRate / 2) + mono + [Int16](repeating: 0, count: wav.sampleRate / 2)
        let (jaw, audio, start) = try play(padded, rate: wav.sampleRate)

        // Every sample came back once, in order, at the rate it went in.
        XCTAssertEqual(audio.reduce(0) { $0 + $1.samples.count }, padded.count / (wav.sampleRate / 50) * (wav.sampleRate / 50))
        XCTAssertEqual(Array(audio.flatMap(\.samples).prefix(padded.count / 2)), Array(padded.prefix(padded.count / 2)))
        for (a, b) in zip(audio, audio.dropFirst()) {
            XCTAssertEqual(b.presentation - a.presentation, a.duration, accuracy: 0.0015, "pieces follow each other")
        }

        // The loudness envelope of the audio on its presentation clock, in the jaw's 5 ms steps.
        var energy = [Float](repeating: 0, count: jaw.count), counts = [Float](repeating: 0, count: jaw.count)
        for piece in audio {
            for (i, s) in piece.samples.enumerated() {
                let step = Int(((piece.presentation + Double(i) / Double(piece.sampleRate)) - start) / 0.005) - 1
                guard step >= 0, step < jaw.count else { continue }
                energy[step] += Float(s) * Float(s)
                counts[step] += 1
            }
        }
        let envelope = zip(energy, counts).map { $1 > 0 ? ($0 / $1).squareRoot() : 0 }
        // The lag that best lines the mouth up with the sound it heard.
        func correlation(_ lag: Int) -> Float {
            var pairs: [(Float, Float)] = []
            for i in jaw.indices where i - lag >= 0 && i - lag < envelope.count { pairs.append((jaw[i], envelope[i - lag])) }
            return SpeechTestSupport.pearson(pairs.map(\.0), pairs.map(\.1))
        }
        let lags = Array(-30...30)   // ±150 ms
        let best = lags.max { correlation($0) < correlation($1) }!
        XCTAssertGreaterThan(correlation(best), 0.5, "the mouth follows the loudness")
        XCTAssertLessThanOrEqual(abs(best * 5), 40, "the sound is heard within 40 ms of its mouth shape (best lag \(best * 5) ms)")
    }

    func testUntakenAudioIsBounded() throws {
        var channel = SpeechChannel()
        let second = SpeechTestSupport.tone(220, rate: 16000, seconds: 1)
        for k in 0..<5 {
            try channel.receive(.init(samples: second.withUnsafeBufferPointer { Data(buffer: $0) }, sampleRate: 16000, channels: 1,
                                      sequence: UInt64(k + 1), senderTimeUs: 0), now: Double(k))
        }
        let kept = channel.takeAudio()
        XCTAssertEqual(kept.reduce(0) { $0 + $1.duration }, SpeechChannel.maximumPendingAudioSeconds, accuracy: 1e-9)
        XCTAssertEqual(kept.last?.sequence, 5, "the newest audio is kept")
        XCTAssertTrue(channel.takeAudio().isEmpty)
    }
}
