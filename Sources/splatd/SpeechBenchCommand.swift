import Animator
import ArgumentParser
import Foundation

/// `splatd bench-speech`: the cost of turning audio into visemes.
struct SpeechBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-speech",
        abstract: "Measure the speech analyser's cost per 10 ms of audio (resampling included).",
        discussion: "Runs synthetic voiced speech through the resampler and analyser for each input format; prints µs per 10 ms of audio (best of 3 runs) and a JSON line."
    )

    @Option(help: "Seconds of audio per run.")
    var seconds: Double = 10

    func validate() throws {
        guard seconds.isFinite, (0.5...600).contains(seconds) else { throw ValidationError("--seconds must be 0.5…600") }
    }

    func run() throws {
        var json: [String: Any] = [:]
        for (rate, channels) in [(16_000, 1), (22_050, 1), (44_100, 2), (48_000, 2)] {
            let us = SpeechAnalyzer.benchmark(seconds: seconds, inputRate: rate, channels: channels)
            print(String(format: "%6d Hz × %d ch: %6.1f µs per 10 ms of audio (%.3f %% of real time on one core)", rate, channels, us, us / 100))
            json["us_per_10ms_\(rate)_\(channels)ch"] = (us * 10).rounded() / 10
        }
        let latency = SpeechProcessor().algorithmicLatency
        print(String(format: "algorithmic latency: %.0f ms (analysis window, hop and attack; resampling adds ≤ 3 ms)", latency * 1000))
        json["algorithmic_latency_ms"] = latency * 1000
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
