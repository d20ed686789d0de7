import ArgumentParser
import Daemon
import Foundation
import Logging
import SplatCore
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ
@testable import splatctl

/// `splatctl record` against a daemon in this process, read back with ffprobe and ffmpeg:
/// recordings last as long as the time they cover whatever frame rate the daemon reached,
/// and the voice lies on the picture's time line.
final class RecordTests: XCTestCase {
    private var service: SplatService!
    private var endpoints: DaemonEndpoints!
    private var folder: URL!

    override func setUpWithError() throws {
        _ = try Tool.require("ffprobe")
        // One render thread, so that two 512² streams at 60 fps cannot both reach 60 fps.
        service = try SplatService.quiet { $0.renderThreads = 1 }
        endpoints = try service.start()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        service?.stop()
        service = nil
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func open(_ id: String, size: UInt32 = 512, fps: Float = 60, codec: Splatd_V1_Codec) throws {
        let client = try ControlClient(endpoint: endpoints.control, timeout: 10)
        try client.call(.openStream(.with {
            $0.avatarID = "demo"; $0.streamID = id; $0.width = size; $0.height = size; $0.codec = codec; $0.fps = fps
        }), what: "open")
    }

    /// A second stream kept busy by a subscriber that never reads (it renders all the same).
    private func busyStream() throws -> ZMQSocket {
        try open("busy", codec: .raw)
        let socket = try ZMQContext().socket(.sub)
        try socket.set(.linger, .zero)
        try socket.subscribe("frames/busy")
        try socket.connect(endpoints.frames)
        return socket
    }

    private func record(_ stream: String, seconds: Double, to name: String, audio: Bool = true, fps: Int = 60) throws -> StreamRecorder.Summary {
        let recorder = try StreamRecorder(.init(endpoint: endpoints.frames, stream: stream, path: folder.appendingPathComponent(name).path,
                                                seconds: seconds, audio: audio, fps: fps, firstFrameTimeout: 10))
        return try recorder.run()
    }

    // MARK: - Real time

    func testAJPEGStreamBelowItsRateIsReencodedAndLastsTheRecordedTime() throws {
        try open("rec", codec: .jpeg)
        let busy = try busyStream()
        defer { busy.close() }
        let summary = try record("rec", seconds: 10, to: "jpeg.mp4", audio: false)
        let file = folder.appendingPathComponent("jpeg.mp4").path
        let probe = try Probe(file)
        print("JPEG → mp4: \(summary.line); ffprobe: \(probe.duration) s, \(probe.videoFrames) frames")
        XCTAssertLessThan(summary.fps, 50, "the daemon reached fewer fps than the 60 asked (else this test proves nothing)")
        XCTAssertEqual(probe.videoCodec, "h264")
        XCTAssertEqual(probe.duration, 10, accuracy: 0.2, "the file lasts the recorded time, not frames / a nominal rate")
        XCTAssertEqual(probe.videoFrames, summary.frames, "every frame received is in the file")
        XCTAssertEqual(Double(probe.videoFrames), 10 * summary.fps, accuracy: 2)
    }

    func testAnH264StreamBelowItsRateIsCopiedAndLastsTheRecordedTime() throws {
        try open("rec", codec: .h264)
        let busy = try busyStream()
        defer { busy.close() }
        let summary = try record("rec", seconds: 10, to: "h264.mkv")
        let probe = try Probe(folder.appendingPathComponent("h264.mkv").path)
        print("H.264 → mkv: \(summary.line); ffprobe: \(probe.duration) s, \(probe.videoFrames) frames")
        XCTAssertLessThan(summary.fps, 50, "the daemon reached fewer fps than the 60 asked")
        XCTAssertEqual(probe.duration, 10, accuracy: 0.2)
        XCTAssertEqual(probe.videoFrames, summary.frames)
        XCTAssertEqual(summary.framesLost, 0, "H.264 frames are queued, not dropped")
        // Every frame decodes (the first is the keyframe a new subscriber gets). Passthrough: the
        // frames keep their own times; without it ffmpeg moves them onto a constant-rate grid for
        // its null output, where two frames close together (a new viewer gets a frame at once)
        // would land on one slot and be reported as non-increasing there.
        let decoded = try Tool.run("ffmpeg", ["-v", "error", "-i", probe.path, "-map", "0:v", "-fps_mode", "passthrough",
                                              "-f", "null", "-"], stderr: true)
        XCTAssertEqual(String(decoding: decoded, as: UTF8.self), "", "ffmpeg decodes the copied stream without errors")
    }

    // MARK: - The voice

    func testSpeechIsRecordedAsAnOpusTrackOfItsLength() throws {
        let wav = try Speech.espeak("Papa bought a big banana, and mama ate it all.")
        try open("talk", size: 128, fps: 30, codec: .jpeg)
        let speaker = Speech.speak(wav, to: "demo", endpoint: endpoints.audio, after: 1.0)
        let summary = try record("talk", seconds: wav.duration + 2.5, to: "talk.mkv", fps: 30)
        speaker.cancel()
        let path = folder.appendingPathComponent("talk.mkv").path
        let probe = try Probe(path)
        print("speech → mkv: \(summary.line); ffprobe: \(probe.duration) s; speech \(wav.duration) s")
        XCTAssertEqual(probe.audioCodec, "opus")
        XCTAssertGreaterThan(summary.audioPackets, 20)
        let pcm = try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar", "48000", "-"])
        let decodedSeconds = Double(pcm.count / 2) / 48_000
        print("decoded voice: \(decodedSeconds) s")
        XCTAssertEqual(decodedSeconds, wav.duration, accuracy: 0.1, "the whole utterance, once, pre-skip trimmed")
    }

    /// A/V sync measured in the recording itself: tone bursts spoken to the demo head; each
    /// burst's onset in the decoded audio track against the mouth's opening in the decoded video.
    func testTheVoiceIsOnTheLipsInTheRecording() throws {
        // 150 ms bursts of a 200 Hz sawtooth every 700 ms, from 0.5 s on, at 16 kHz.
        let rate = 16_000, bursts = 10, period = 0.7, burst = 0.15, lead = 0.5
        var samples = [Int16](repeating: 0, count: Int((lead + Double(bursts) * period) * Double(rate)))
        for k in 0..<bursts {
            let start = Int((lead + Double(k) * period) * Double(rate))
            for i in 0..<Int(burst * Double(rate)) {
                let phase = (Double(i) * 200 / Double(rate)).truncatingRemainder(dividingBy: 1)
                samples[start + i] = Int16((phase * 2 - 1) * 16_000)
            }
        }
        let wav = WAVFile(sampleRate: rate, channels: 1, samples: samples)
        try open("sync", size: 128, fps: 30, codec: .png)
        let still = HeadHolder(endpoint: endpoints.drive)  // a tracker holds the head still: only the mouth moves
        defer { still.stop() }
        let speaker = Speech.speak(wav, to: "demo", endpoint: endpoints.audio, after: 1.0)
        defer { speaker.cancel() }
        let summary = try record("sync", seconds: 1.0 + wav.duration + 0.8, to: "sync.mkv", fps: 30)
        let path = folder.appendingPathComponent("sync.mkv").path

        // Audio on the file's time line (gaps and the start filled with silence), 48 kHz mono.
        let pcm = try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a", "-af", "aresample=async=1:first_pts=0",
                                          "-f", "s16le", "-ac", "1", "-ar", "48000", "-"])
        let audio = pcm.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        var audioOnsets: [Double] = []
        var quietSince = 0
        for (i, v) in audio.enumerated() {
            if abs(Int(v)) > 3000 {
                if i - quietSince > 48_000 * 3 / 10 { audioOnsets.append(Double(i) / 48_000) }
                quietSince = i
            }
        }

        // Video frames and their times.
        let times = String(decoding: try Tool.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
                                                              "-of", "csv=p=0", path]), as: UTF8.self)
            .split(separator: "\n").compactMap { Double($0.split(separator: ",").first ?? "") }  // "0.033000," lines
        let rgb = [UInt8](try Tool.run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "rgb24",
                                                  "-vsync", "passthrough", "-"]))
        let frameBytes = 128 * 128 * 3
        XCTAssertEqual(rgb.count / frameBytes, times.count)
        let frames = min(rgb.count / frameBytes, times.count)
        // Mouth opening: mean absolute difference of the mouth region from the first (closed) frame.
        func mouth(_ f: Int) -> Double {
            var sum = 0
            for y in 72..<104 {
                for x in 48..<80 {
                    for c in 0..<3 {
                        let i = (y * 128 + x) * 3 + c
                        sum += abs(Int(rgb[f * frameBytes + i]) - Int(rgb[i]))
                    }
                }
            }
            return Double(sum) / Double(32 * 32 * 3)
        }
        let openness = (0..<frames).map(mouth)
        let quiet = zip(times, openness).filter { $0.0 < 0.9 }.map(\.1).max() ?? 0
        let peak = openness.max() ?? 0
        let threshold = quiet + 0.3 * (peak - quiet)
        // For each burst: the first frame (from 300 ms before the sound on) whose mouth is open.
        // The mouth opened between the frame before it and it: the offset is known to within
        // that frame interval (one period, or more where the daemon skipped a tick).
        var offsets: [(ms: Double, interval: Double)] = []
        for onset in audioOnsets {
            guard let f = (1..<frames).first(where: { times[$0] >= onset - 0.3 && openness[$0] > threshold }),
                  times[f] < onset + 0.4 else { continue }
            offsets.append(((times[f] - onset) * 1000, (times[f] - times[f - 1]) * 1000))
        }
        print("sync: \(summary.line)")
        print("sync: audio onsets (s) \(audioOnsets.map { String(format: "%.3f", $0) })")
        print("sync: mouth open − sound onset (ms, frame interval) \(offsets.map { String(format: "%+.0f/%.0f", $0.ms, $0.interval) }); "
              + "mouth quiet \(String(format: "%.1f", quiet)), peak \(String(format: "%.1f", peak))")
        XCTAssertEqual(audioOnsets.count, bursts, "every burst is in the audio track, once")
        XCTAssertGreaterThanOrEqual(offsets.count, bursts - 1, "the mouth opens for the bursts")
        for offset in offsets {
            XCTAssertGreaterThanOrEqual(offset.ms, -40, "the mouth opens \(-offset.ms) ms before the sound")
            XCTAssertLessThanOrEqual(offset.ms, 40 + offset.interval, "the mouth opens \(offset.ms) ms after the sound")
        }
    }

    func testClosingTheStreamEndsTheFileProperly() throws {
        try open("short", size: 64, fps: 30, codec: .jpeg)
        let control = endpoints.control
        let closer = Thread {
            Thread.sleep(forTimeInterval: 2)
            _ = try? ControlClient(endpoint: control, timeout: 5).call(.closeStream(.with { $0.streamID = "short" }), what: "close")
        }
        closer.start()
        let started = Date()
        let summary = try record("short", seconds: 30, to: "short.mp4", fps: 30)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the recording ends when its stream is closed")
        XCTAssertTrue(summary.streamClosed)
        XCTAssertTrue(summary.line.hasSuffix("— the stream was closed"), summary.line)
        let probe = try Probe(folder.appendingPathComponent("short.mp4").path)
        XCTAssertEqual(probe.videoFrames, summary.frames)
        XCTAssertEqual(probe.duration, summary.seconds, accuracy: 0.05)
        XCTAssertEqual(probe.duration, 2, accuracy: 0.5)
    }

    // MARK: - Failures

    func testRecordingWithoutADaemonOrStreamFailsWithOneLine() throws {
        let out = folder.appendingPathComponent("x.mp4").path
        var command = try SplatctlCommand.parseAsRoot(["record", "nope", "--seconds", "1", "--out", out,
                                                       "--control", "tcp://127.0.0.1:9", "--timeout", "0.3"])
        XCTAssertThrowsError(try command.run()) {
            XCTAssertEqual($0 as? SplatctlError, .noReply(endpoint: "tcp://127.0.0.1:9", timeout: 0.3))
            XCTAssertEqual(SplatctlCommand.exitCode(for: $0), .failure)
        }
        command = try SplatctlCommand.parseAsRoot(["record", "nope", "--seconds", "1", "--out", out,
                                                   "--control", endpoints.control, "--frames", endpoints.frames])
        XCTAssertThrowsError(try command.run()) {
            guard case .daemon("record", .notFound, let message)? = $0 as? SplatctlError else { return XCTFail("\($0)") }
            XCTAssertTrue(message.contains("no stream \"nope\"") || message.contains("no stream nope"), message)
        }
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["record", "s", "--seconds", "1", "--out", "x.avi"])) {
            XCTAssertEqual(SplatctlCommand.exitCode(for: $0), .validationFailure)
        }
    }

    func testTheCommandWritesAFileAndStopsAtItsTime() throws {
        try open("cmd", size: 64, fps: 30, codec: .png)
        let out = folder.appendingPathComponent("cmd.mkv").path
        var command = try SplatctlCommand.parseAsRoot(["record", "cmd", "--seconds", "2", "--out", out, "--no-audio",
                                                       "--control", endpoints.control, "--frames", endpoints.frames])
        try command.run()
        let probe = try Probe(out)
        XCTAssertEqual(probe.duration, 2, accuracy: 0.2)
        XCTAssertNil(probe.audioCodec, "--no-audio: a video track only")
        XCTAssertGreaterThan(probe.videoFrames, 30)
    }
}

/// What ffprobe says of a recording.
struct Probe {
    let path: String
    let duration: Double
    let videoFrames: Int
    let videoCodec: String?
    let audioCodec: String?

    init(_ path: String) throws {
        self.path = path
        let data = try Tool.run("ffprobe", ["-v", "error", "-count_packets", "-show_entries",
                                            "format=duration:stream=codec_type,codec_name,nb_read_packets", "-of", "json", path])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let format = try XCTUnwrap(json["format"] as? [String: Any])
        duration = Double(try XCTUnwrap(format["duration"] as? String)) ?? -1
        let streams = (json["streams"] as? [[String: Any]]) ?? []
        let video = streams.first { $0["codec_type"] as? String == "video" }
        let audio = streams.first { $0["codec_type"] as? String == "audio" }
        videoCodec = video?["codec_name"] as? String
        audioCodec = audio?["codec_name"] as? String
        videoFrames = Int(video?["nb_read_packets"] as? String ?? "") ?? -1
    }
}

/// FFmpeg's command-line tools, the independent readers of what splatctl writes.
enum Tool {
    static func require(_ name: String) throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("\(name) is not installed (scripts/bootstrap installs it)")
    }

    /// Runs `name` and returns its standard output (or standard error with `stderr`); throws
    /// with its standard error when it fails.
    static func run(_ name: String, _ arguments: [String], stderr: Bool = false) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try require(name))
        process.arguments = arguments
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-tool-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = (try? Data(contentsOf: errors)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw ToolFailure(description: "\(name) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): "
                              + String(decoding: errorText, as: UTF8.self))
        }
        return stderr ? errorText : data
    }

    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
    }
}

/// Speech for the avatar: espeak-ng, or samples made by the test, sent like a live microphone.
enum Speech {
    static func espeak(_ text: String) throws -> WAVFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-speech-\(getpid())-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        guard let espeak = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw XCTSkip("espeak-ng is not installed (scripts/bootstrap installs it)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: espeak)
        p.arguments = ["-w", url.path, text]
        try p.run()
        p.waitUntilExit()
        return try WAVFile(contentsOf: url)
    }

    final class Speaker: @unchecked Sendable {
        private let stop = Locked(false)
        func cancel() { stop.withLock { $0 = true } }
        var cancelled: Bool { stop.withLock { $0 } }
    }

    /// Sends `wav` to `avatar` in 20 ms chunks paced in real time, starting `after` seconds from
    /// now, on a thread that owns its socket.
    static func speak(_ wav: WAVFile, to avatar: String, endpoint: String, after delay: Double) -> Speaker {
        let speaker = Speaker()
        let chunk = wav.sampleRate / 50
        let chunks = (wav.frameCount + chunk - 1) / chunk
        let thread = Thread {
            guard let context = try? ZMQContext(), let push = try? context.socket(.push) else { return }
            defer { push.close() }
            try? push.set(.linger, .seconds(2))
            try? push.connect(endpoint)
            let start = Date().addingTimeInterval(delay)
            Thread.sleep(until: start)
            for k in 0..<chunks where !speaker.cancelled {
                let range = (k * chunk)..<min(wav.frameCount, (k + 1) * chunk)
                let message = Splatd_V1_AudioChunk.with {
                    $0.avatarID = avatar; $0.sequence = UInt64(k + 1); $0.senderTimeUs = wallClockMicroseconds()
                    $0.sampleRate = UInt32(wav.sampleRate); $0.channels = 1
                    $0.samplesS16Le = wav.samples[range].withUnsafeBufferPointer { Data(buffer: $0) }
                    $0.endOfStream = k == chunks - 1
                }
                _ = try? push.send(message.wireBytes())
                Thread.sleep(until: start.addingTimeInterval(Double(k + 1) * 0.02))
            }
        }
        thread.start()
        return speaker
    }
}

/// A tracker that holds the head still (neutral ARKit weights at 30 Hz) on its own thread, so
/// that only what audio owns — the mouth — moves.
final class HeadHolder: @unchecked Sendable {
    private let stopped = Locked(false)

    init(endpoint: String) {
        let thread = Thread { [stopped] in
            guard let context = try? ZMQContext(), let tracker = try? context.socket(.pub) else { return }
            defer { tracker.close() }
            try? tracker.set(.linger, .zero)
            try? tracker.connect(endpoint)
            var sequence: UInt64 = 0
            while !stopped.withLock({ $0 }) {
                sequence += 1
                let frame = Splatd_V1_DriveFrame.with {
                    $0.avatarID = "demo"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                    $0.arkit = .with { $0.weights = Array(repeating: 0, count: 52); $0.headRotation = .init() }
                }
                _ = try? tracker.send(multipart: [Array("demo".utf8), frame.wireBytes()])
                Thread.sleep(forTimeInterval: 1.0 / 30)
            }
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.5)  // connection up (late joiner), tracker live
    }

    func stop() { stopped.withLock { $0 = true } }
}
