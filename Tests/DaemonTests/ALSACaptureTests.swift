import Daemon
import SplatProtocol
import Foundation
import XCTest

/// ALSA capture through ALSA's `file` plugin: an asoundrc made here defines PCMs whose
/// capture data come from a raw file (`infile`) over the `null` plugin, so the tests need no
/// sound card. The file plugin is not paced in real time; the capture paces it.
final class ALSACaptureTests: XCTestCase {
    /// The test's ALSA world: a temp dir with speech as raw s16le (mono and stereo) and an
    /// asoundrc defining `splatdtest` (mono) and `splatdtest_stereo`, selected through
    /// ALSA_CONFIG_PATH before the first ALSA call of the process.
    private struct Setup {
        let directory: URL
        let rate: Int
        let mono: [Int16]
        let stereo: [Int16]
    }

    private static let setup: Result<Setup, Error> = Result { try makeSetup() }

    private static func makeSetup() throws -> Setup {
        guard let espeak = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("espeak-ng is not installed (scripts/bootstrap installs it)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-alsa-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let wav = dir.appendingPathComponent("speech.wav")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: espeak)
        p.arguments = ["-w", wav.path, "Testing the capture of speech through the ALSA file plugin, one two three four."]
        try p.run()
        p.waitUntilExit()
        let (rate, mono) = try readMonoWAV(wav)
        XCTAssertGreaterThan(mono.count, 2 * rate, "the speech should last more than 2 s")
        // Stereo: left is the speech, right is its negation.
        var stereo: [Int16] = []
        stereo.reserveCapacity(2 * mono.count)
        for s in mono { stereo.append(s); stereo.append(s == .min ? .max : -s) }
        try raw(mono).write(to: dir.appendingPathComponent("speech.raw"))
        try raw(stereo).write(to: dir.appendingPathComponent("stereo.raw"))
        let conf = """
        pcm.splatdtest {
            type file
            slave.pcm "null"
            file "/dev/null"
            infile "\(dir.appendingPathComponent("speech.raw").path)"
            format "raw"
        }
        pcm.splatdtest_stereo {
            type file
            slave.pcm "null"
            file "/dev/null"
            infile "\(dir.appendingPathComponent("stereo.raw").path)"
            format "raw"
        }
        """
        let confURL = dir.appendingPathComponent("asoundrc")
        try conf.write(to: confURL, atomically: true, encoding: .utf8)
        // ALSA reads ALSA_CONFIG_PATH when it (re)loads its global configuration; set it before
        // any PCM is opened in this process.
        setenv("ALSA_CONFIG_PATH", "/usr/share/alsa/alsa.conf:\(confURL.path)", 1)
        return Setup(directory: dir, rate: rate, mono: mono, stereo: stereo)
    }

    private static func raw(_ samples: [Int16]) -> Data {
        samples.withUnsafeBufferPointer { Data(buffer: $0) }   // little-endian on every supported platform
    }

    /// The rate and samples of a mono 16-bit PCM WAV (espeak-ng's output).
    private static func readMonoWAV(_ url: URL) throws -> (Int, [Int16]) {
        let b = [UInt8](try Data(contentsOf: url))
        func u32(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 }
        var offset = 12, rate = 0
        while offset + 8 <= b.count {
            let id = String(decoding: b[offset..<(offset + 4)], as: UTF8.self)
            let size = min(u32(offset + 4), b.count - offset - 8)
            if id == "fmt " { rate = u32(offset + 12) }
            if id == "data" {
                let bytes = b[(offset + 8)..<(offset + 8 + size - size % 2)]
                let samples = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map {
                    Int16(bitPattern: UInt16(b[$0]) | UInt16(b[$0 + 1]) << 8)
                }
                return (rate, samples)
            }
            offset += 8 + size + (size & 1)
        }
        throw NSError(domain: "wav", code: 1, userInfo: [NSLocalizedDescriptionKey: "no data chunk in \(url.path)"])
    }

    private func prepared() throws -> Setup {
        try Self.setup.get()
    }

    /// Captures until `frames` frames have arrived (or `timeout`), then stops.
    private final class Collector: @unchecked Sendable {
        let lock = NSLock()
        var samples: [Int16] = []
        var times: [Double] = []
        var formats: Set<[Int]> = []
        let enough = DispatchSemaphore(value: 0)
        let target: Int
        init(targetSamples: Int) { target = targetSamples }
        func add(_ chunk: UnsafeBufferPointer<Int16>, _ rate: Int, _ channels: Int, _ time: Double) {
            lock.lock()
            let before = samples.count
            samples.append(contentsOf: chunk)
            times.append(time)
            formats.insert([rate, channels])
            lock.unlock()
            if before < target && samples.count >= target { enough.signal() }
        }
    }

    private func capture(device: String, rate: Int, channels: Int, seconds: Double) throws -> (Collector, ALSACapture, Double) {
        let collector = Collector(targetSamples: Int(seconds * Double(rate)) * channels)
        let capture = ALSACapture(configuration: .init(device: device, sampleRate: rate, channels: channels),
                                  onChunk: { collector.add($0, $1, $2, $3) })
        let start = ProcessInfo.processInfo.systemUptime
        try capture.start()
        XCTAssertEqual(collector.enough.wait(timeout: .now() + seconds + 5), .success, "no \(seconds) s of audio")
        let elapsed = ProcessInfo.processInfo.systemUptime - start
        capture.stop()
        return (collector, capture, elapsed)
    }

    /// The offset at which `needle` occurs in `haystack` exactly, searching offsets 0…maxOffset.
    private func exactOffset(of needle: ArraySlice<Int16>, in haystack: [Int16], maxOffset: Int) -> Int? {
        (0...maxOffset).first { o in
            o + needle.count <= haystack.count && haystack[o..<(o + needle.count)].elementsEqual(needle)
        }
    }

    /// `splatd serve --audio-device splatdtest --audio-avatar demo`: the captured speech
    /// reaches the demo's speech input and shows in its frames and status.
    func testServeCapturesIntoAnAvatar() throws {
        _ = try Self.setup.get()
        let d = try DaemonHarness { $0.audioDevice = "splatdtest"; $0.audioAvatar = "demo" }
        try d.ok { $0.openStream = .with { $0.streamID = "mic"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64 } }
        let sub = try d.subscriber(["frames/mic"])
        var audioSequence: UInt64 = 0
        let end = Date().addingTimeInterval(3)
        while Date() < end, audioSequence == 0, let f = try sub.nextFrame(topic: "frames/mic") {
            audioSequence = f.meta.audioSequence
        }
        XCTAssertGreaterThan(audioSequence, 0, "frames show the captured audio")
        // Capture runs in real time (20 ms chunks): give it half a second.
        Thread.sleep(forTimeInterval: 0.5)
        let audio = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.avatars.first { $0.info.avatarID == "demo" }?.audio.first)
        XCTAssertEqual(audio.source, "alsa:splatdtest")
        XCTAssertGreaterThan(audio.chunksReceived, 10)
        XCTAssertEqual(audio.chunksDropped, 0)
    }

    func testCapturesTheFileSampleForSample() throws {
        let s = try prepared()
        let (collector, capture, elapsed) = try capture(device: "splatdtest", rate: s.rate, channels: 1, seconds: 1.0)
        let captured = collector.samples
        XCTAssertGreaterThanOrEqual(captured.count, s.rate)
        XCTAssertEqual(collector.formats, [[s.rate, 1]])
        // Every captured sample is the file's, in order, from the start (offset 0).
        let offset = exactOffset(of: captured.prefix(s.rate), in: s.mono, maxOffset: s.rate / 10)
        XCTAssertEqual(offset, 0, "captured audio must equal the file's samples")
        XCTAssertGreaterThan(captured.prefix(s.rate).map { abs(Int($0)) }.max() ?? 0, 1000, "speech, not silence")
        // 20 ms chunks, paced at real time rather than read as fast as the plugin allows.
        let chunk = s.rate / 50
        XCTAssertEqual(captured.count % chunk, 0)
        XCTAssertGreaterThan(elapsed, 0.85, "the unpaced file plugin must be paced to real time")
        let steps = zip(collector.times.dropFirst(), collector.times).map { $0 - $1 }
        for step in steps { XCTAssertEqual(step, Double(chunk) / Double(s.rate), accuracy: 0.002) }
        let stats = capture.statistics
        XCTAssertEqual(stats.chunks, UInt64(collector.times.count))
        XCTAssertEqual(stats.frames, UInt64(captured.count))
        XCTAssertEqual(stats.xruns, 0)
        XCTAssertNil(stats.lastError)
        XCTAssertFalse(stats.running)
        print("ALSA file-plugin capture: \(captured.count) samples in \(String(format: "%.2f", elapsed)) s, offset \(offset.map(String.init) ?? "none")")
    }

    func testCapturesStereoInterleaved() throws {
        let s = try prepared()
        let (collector, _, _) = try capture(device: "splatdtest_stereo", rate: s.rate, channels: 2, seconds: 0.5)
        XCTAssertEqual(collector.formats, [[s.rate, 2]])
        let n = s.rate / 2 * 2
        XCTAssertEqual(exactOffset(of: collector.samples.prefix(n), in: s.stereo, maxOffset: 0), 0)
    }

    func testStopIsPromptAndCaptureRestarts() throws {
        let s = try prepared()
        let collector = Collector(targetSamples: s.rate / 5)
        let capture = ALSACapture(configuration: .init(device: "splatdtest", sampleRate: s.rate, channels: 1),
                                  onChunk: { collector.add($0, $1, $2, $3) })
        try capture.start()
        XCTAssertTrue(capture.statistics.running)
        XCTAssertThrowsError(try capture.start(), "already running")
        XCTAssertEqual(collector.enough.wait(timeout: .now() + 5), .success)
        let t0 = ProcessInfo.processInfo.systemUptime
        capture.stop()
        XCTAssertLessThan(ProcessInfo.processInfo.systemUptime - t0, 0.5)
        XCTAssertFalse(capture.statistics.running)
        capture.stop()   // twice is fine
        // Again: the device is reopened and the file read from its start.
        let again = Collector(targetSamples: s.rate / 5)
        let second = ALSACapture(configuration: .init(device: "splatdtest", sampleRate: s.rate, channels: 1),
                                 onChunk: { again.add($0, $1, $2, $3) })
        try second.start()
        XCTAssertEqual(again.enough.wait(timeout: .now() + 5), .success)
        second.stop()
        XCTAssertEqual(Array(again.samples.prefix(s.rate / 5)), Array(s.mono.prefix(s.rate / 5)))
    }

    func testReportsALSAErrorsWithTheirText() throws {
        _ = try prepared()
        let capture = ALSACapture(configuration: .init(device: "splatd_no_such_pcm"), onChunk: { _, _, _, _ in })
        XCTAssertThrowsError(try capture.start()) { error in
            guard let error = error as? ALSAError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.device, "splatd_no_such_pcm")
            XCTAssertEqual(error.operation, "snd_pcm_open")
            XCTAssertLessThan(error.code, 0)
            XCTAssertFalse(error.message.isEmpty)
            XCTAssertTrue(error.description.contains("splatd_no_such_pcm"))
            XCTAssertTrue(error.description.contains(error.message))
            print("expected error: \(error)")
        }
        XCTAssertFalse(capture.statistics.running)
    }
}
