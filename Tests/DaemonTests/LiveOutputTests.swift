import Daemon
import Foundation
import SplatCore
import SplatProtocol
import XCTest
import ZeroMQ

/// Live outputs against real receivers: nginx-rtmp as the media server, FFmpeg pulling and
/// decoding, FFmpeg listening for RTP; files decoded by FFmpeg; bad URLs and dead servers.
final class LiveOutputTests: XCTestCase {
    /// ThreadSanitizer slows rendering 5–15×, below the frame rates these pulls check; the
    /// lighter output tests below still run under it.
    func skipUnderThreadSanitizer() throws {
        if ProcessInfo.processInfo.environment["TSAN_OPTIONS"] != nil {
            throw XCTSkip("decodes seconds of 512×512 video: too slow under ThreadSanitizer")
        }
    }

    func output(_ d: DaemonHarness, _ id: String) throws -> Splatd_V1_OutputStatus? {
        try d.ok { $0.getStatus = .init() }.daemonStatus.outputs.first { $0.outputID == id }
    }

    /// Polls the output's status until `condition` holds (or `seconds` pass); returns the last.
    @discardableResult
    func waitFor(_ d: DaemonHarness, _ id: String, seconds: Double = 20, _ what: String,
                 _ condition: (Splatd_V1_OutputStatus) -> Bool) throws -> Splatd_V1_OutputStatus {
        let deadline = Date().addingTimeInterval(seconds)
        var last: Splatd_V1_OutputStatus?
        while Date() < deadline {
            last = try output(d, id)
            if let last, condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("output \(id) did not become \(what) within \(seconds) s: \(String(describing: last))")
        return last ?? .init()
    }

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testRTMPOutputToNginxPlaysWithTheVoice() throws {
        try skipUnderThreadSanitizer()
        let server = try RTMPServer()
        try server.start()
        let speech = try DaemonHarness.speech("Hello, I am the avatar, and this is my voice on the server.")
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 512; $0.height = 512 } }
        let started = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = server.url("secret-key") } }.output
        XCTAssertEqual(started.format, "flv")
        XCTAssertEqual(started.audioCodec, "aac")
        XCTAssertFalse(started.url.contains("secret-key"), "status hides the stream key: \(started.url)")
        try waitFor(d, started.outputID, "live") { $0.state == .live }

        let file = try temporaryFolder().appendingPathComponent("pulled.mkv")
        let pull = try MediaProbe.startPull(["-i", server.url("secret-key")], seconds: 7, into: file)
        Thread.sleep(forTimeInterval: 1.5)
        _ = d.speak(speech, to: "demo")
        pull.waitUntilExit()

        let contents = try MediaProbe.contents(of: file)
        XCTAssertEqual(contents.videoCodec, "h264")
        XCTAssertEqual([contents.width, contents.height], [512, 512])
        XCTAssertGreaterThanOrEqual(contents.videoSpan, 4, "at least 4 s of video")
        XCTAssertGreaterThanOrEqual(contents.decodedFrames, 20, "frames that decode")
        XCTAssertEqual(contents.audioCodec, "aac")
        let loud = contents.audioLevels.filter { $0 > 300 }.count, quiet = contents.audioLevels.filter { $0 < 30 }.count
        XCTAssertGreaterThanOrEqual(loud, 10, "a second or more of the voice: \(contents.audioLevels.map { Int($0) })")
        XCTAssertGreaterThanOrEqual(quiet, 3, "silence where nobody speaks: \(contents.audioLevels.map { Int($0) })")

        let status = try XCTUnwrap(try output(d, started.outputID))
        XCTAssertGreaterThan(status.framesWritten, 30)
        XCTAssertGreaterThan(status.audioPacketsWritten, 100)
        XCTAssertGreaterThan(status.bitrateKbps, 50)
        let stopped = try d.ok { $0.stopOutput = .with { $0.outputID = started.outputID } }.output
        XCTAssertEqual(stopped.state, .stopped)
        XCTAssertNil(try output(d, started.outputID), "a stopped output leaves the list")
    }

    func testOutputReconnectsAfterTheServerRestartsAndOtherStreamsNeverStop() throws {
        try skipUnderThreadSanitizer()
        let server = try RTMPServer()
        try server.start()
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 512; $0.height = 512 } }
        try d.ok { $0.openStream = .with { $0.streamID = "side"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.fps = 10; $0.codec = .raw } }
        let id = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = server.url("demo"); $0.outputID = "rtmp" } }.output.outputID
        XCTAssertEqual(id, "rtmp")
        try waitFor(d, id, "live") { $0.state == .live && $0.framesWritten > 5 }

        let side = try d.subscriber(["frames/side"])
        server.stop()
        let down = Date()
        let failed = try waitFor(d, id, seconds: 15, "retrying") { $0.state == .retrying && $0.errors >= 1 }
        XCTAssertFalse(failed.lastError.isEmpty)
        XCTAssertFalse(failed.lastError.contains("/live/demo"), "errors hide the stream key: \(failed.lastError)")
        // The other stream goes on while the server is away.
        var sideFrames = 0
        while Date().timeIntervalSince(down) < 3, try side.nextFrame(topic: "frames/side", deadline: 2) != nil { sideFrames += 1 }
        XCTAssertGreaterThanOrEqual(sideFrames, 10, "frames of another stream while the server is down")

        try server.start()
        let back = try waitFor(d, id, seconds: 25, "live again") { $0.state == .live && $0.reconnects >= 1 }
        XCTAssertEqual(back.reconnects, 1)
        let file = try temporaryFolder().appendingPathComponent("after.mkv")
        let pull = try MediaProbe.startPull(["-i", server.url("demo")], seconds: 5, into: file)
        pull.waitUntilExit()
        let contents = try MediaProbe.contents(of: file)
        XCTAssertEqual(contents.videoCodec, "h264", "the server plays the stream again")
        XCTAssertGreaterThan(contents.decodedFrames, 5)
    }

    func testRTPOutputWritesAnSDPThatFFmpegPlays() throws {
        try skipUnderThreadSanitizer()
        let folder = try temporaryFolder()
        let d = try DaemonHarness { $0.outputFolder = folder.path }
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 256; $0.height = 256 } }
        var port = try RTMPServer.freePort()
        port -= port % 2
        let o = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = "rtp://127.0.0.1:\(port)" } }.output
        XCTAssertEqual(o.audioCodec, "opus")
        let live = try waitFor(d, o.outputID, "live with an SDP") { $0.state == .live && !$0.sdp.isEmpty }
        XCTAssertTrue(live.sdpPath.hasPrefix(folder.resolvingSymlinksInPath().path), live.sdpPath)
        let sdp = try String(contentsOfFile: live.sdpPath, encoding: .utf8)
        XCTAssertTrue(sdp.contains("m=video \(port) RTP/AVP"), sdp)
        XCTAssertTrue(sdp.contains("m=audio \(port + 2) RTP/AVP"), sdp)
        XCTAssertTrue(sdp.contains("H264/90000") && sdp.contains("opus/48000"), sdp)

        let file = folder.appendingPathComponent("received.mkv")
        let pull = try MediaProbe.startPull(["-protocol_whitelist", "file,udp,rtp", "-i", live.sdpPath], seconds: 4, into: file)
        pull.waitUntilExit()
        let contents = try MediaProbe.contents(of: file)
        XCTAssertEqual(contents.videoCodec, "h264")
        XCTAssertEqual(contents.width, 256)
        XCTAssertGreaterThan(contents.decodedFrames, 5, "RTP video that decodes from the SDP")
        XCTAssertEqual(contents.audioCodec, "opus")
    }

    /// SRT (caller) into FFmpeg listening as an SRT server: MPEG-TS with H.264 and AAC. The
    /// output starts before the listener exists, so it also shows the retry finding a server.
    func testSRTOutputReachesAnFFmpegListener() throws {
        try skipUnderThreadSanitizer()
        let folder = try temporaryFolder()
        let d = try DaemonHarness { $0.outputFolder = folder.path }
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 256; $0.height = 256 } }
        let port = try RTMPServer.freePort()
        let o = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = "srt://127.0.0.1:\(port)?latency=120000" } }.output
        XCTAssertEqual([o.format, o.audioCodec], ["mpegts", "aac"])
        XCTAssertEqual(o.url, "srt://127.0.0.1:\(port)", "status hides the query (a passphrase goes there)")
        try waitFor(d, o.outputID, seconds: 15, "retrying with no listener") { $0.errors >= 1 }
        let file = folder.appendingPathComponent("srt.mkv")
        let pull = try MediaProbe.startPull(["-i", "srt://127.0.0.1:\(port)?mode=listener"], seconds: 5, into: file)
        try waitFor(d, o.outputID, seconds: 20, "live once FFmpeg listens") { $0.state == .live }
        pull.waitUntilExit()
        let contents = try MediaProbe.contents(of: file)
        XCTAssertEqual(contents.videoCodec, "h264")
        XCTAssertEqual(contents.audioCodec, "aac")
        XCTAssertGreaterThan(contents.decodedFrames, 5)
    }

    func testFileOutputsHoldVideoAndVoiceForTheirWholeLength() throws {
        let folder = try temporaryFolder()
        let speech = try DaemonHarness.speech("Recording to a file.")
        let d = try DaemonHarness { $0.outputFolder = folder.path }
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.fps = 15 } }
        let mkv = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = "take.mkv" } }.output
        let mp4 = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = folder.appendingPathComponent("take.mp4").path } }.output
        XCTAssertEqual([mkv.format, mkv.audioCodec, mp4.format, mp4.audioCodec], ["matroska", "opus", "mp4", "aac"])
        try waitFor(d, mkv.outputID, "live") { $0.state == .live }
        let start = Date()
        d.speak(speech, to: "demo").join(within: 10)
        Thread.sleep(forTimeInterval: 1)
        for o in [mkv, mp4] { try d.ok { $0.stopOutput = .with { $0.outputID = o.outputID } } }
        let elapsed = Date().timeIntervalSince(start)
        for name in ["take.mkv", "take.mp4"] {
            let contents = try MediaProbe.contents(of: folder.appendingPathComponent(name))
            XCTAssertEqual(contents.videoCodec, "h264", name)
            XCTAssertGreaterThan(contents.decodedFrames, 5, name)
            XCTAssertGreaterThanOrEqual(contents.videoSpan, elapsed - 1.5, "\(name): the file keeps real time")
            XCTAssertGreaterThanOrEqual(contents.audioLevels.filter { $0 > 300 }.count, 3, "\(name) holds the voice")
        }
    }

    func testBadOutputsAreRefusedAndADeadServerHarmsNothing() throws {
        let folder = try temporaryFolder()
        let d = try DaemonHarness { $0.outputFolder = folder.path }
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 64; $0.height = 64; $0.codec = .raw } }
        try d.ok { $0.openStream = .with { $0.streamID = "odd"; $0.avatarID = "demo"; $0.width = 63; $0.height = 64; $0.codec = .raw } }
        func refused(_ body: (inout Splatd_V1_StartOutput) -> Void, _ status: Splatd_V1_Status, _ words: String,
                     line: UInt = #line) throws {
            let reply = try d.request { $0.startOutput = .with(body) }
            XCTAssertEqual(reply.status, status, reply.error, line: line)
            XCTAssertTrue(reply.error.contains(words), "\"\(reply.error)\" should say \(words)", line: line)
        }
        try refused({ $0.streamID = "main"; $0.url = "http://example.com/live" }, .invalidRequest, "unknown scheme http://")
        try refused({ $0.streamID = "main"; $0.url = "" }, .invalidRequest, "empty")
        try refused({ $0.streamID = "main"; $0.url = "rtmp://127.0.0.1/live" }, .invalidRequest, "app/key")
        try refused({ $0.streamID = "main"; $0.url = "srt://127.0.0.1" }, .invalidRequest, "needs a port")
        try refused({ $0.streamID = "main"; $0.url = "rtp://127.0.0.1:5005" }, .invalidRequest, "even port")
        try refused({ $0.streamID = "main"; $0.url = "../escape.mp4" }, .invalidRequest, "outside the daemon's output folder")
        try refused({ $0.streamID = "main"; $0.url = "/etc/passwd.mkv" }, .invalidRequest, "outside the daemon's output folder")
        try refused({ $0.streamID = "main"; $0.url = "take.avi" }, .invalidRequest, ".mp4 or .mkv")
        try refused({ $0.streamID = "main"; $0.url = "a\u{0}b.mkv" }, .invalidRequest, "control characters")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder.mkv"), withIntermediateDirectories: true)
        try refused({ $0.streamID = "main"; $0.url = "folder.mkv" }, .invalidRequest, "not a regular file")
        try refused({ $0.streamID = "main"; $0.url = "take.mkv"; $0.bitrateKbps = 10 }, .invalidRequest, "bitrate 10")
        try refused({ $0.streamID = "main"; $0.url = "take.mkv"; $0.bitrateKbps = 1_000_000 }, .invalidRequest, "bitrate 1000000")
        try refused({ $0.streamID = "none"; $0.url = "take.mkv" }, .notFound, "no stream \"none\"")
        try refused({ $0.streamID = "odd"; $0.url = "take.mkv" }, .invalidRequest, "even width")
        try refused({ $0.streamID = "main"; $0.url = "take.mkv"; $0.outputID = "bad id!" }, .invalidRequest, "output id")
        XCTAssertEqual(try d.request { $0.stopOutput = .with { $0.outputID = "nothing" } }.status, .notFound)
        XCTAssertTrue(try d.ok { $0.getStatus = .init() }.daemonStatus.outputs.isEmpty, "nothing refused was started")

        // A server that is not there: the output retries, the daemon and its viewers go on.
        let closedPort = try RTMPServer.freePort()
        let dead = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = "rtmp://127.0.0.1:\(closedPort)/live/key"; $0.outputID = "dead" } }.output
        try refused({ $0.streamID = "main"; $0.url = "take.mkv"; $0.outputID = "dead" }, .alreadyExists, "already exists")
        let viewer = try d.subscriber(["frames/main"])
        let retrying = try waitFor(d, "dead", seconds: 15, "retrying") { $0.state == .retrying && $0.errors >= 1 }
        XCTAssertTrue(retrying.lastError.contains("cannot connect"), retrying.lastError)
        var frames = 0
        while frames < 10, try viewer.nextFrame(topic: "frames/main", deadline: 5) != nil { frames += 1 }
        XCTAssertEqual(frames, 10, "the stream's viewers get frames while its output fails")
        let stopped = try d.ok { $0.stopOutput = .with { $0.outputID = dead.outputID } }.output
        XCTAssertEqual(stopped.state, .stopped)
        XCTAssertEqual(try d.ok { $0.ping = .init() }.status, .ok)

        // Closing a stream stops its outputs.
        let file = try d.ok { $0.startOutput = .with { $0.streamID = "main"; $0.url = "closing.mkv" } }.output
        try waitFor(d, file.outputID, "live") { $0.state == .live }
        try d.ok { $0.closeStream = .with { $0.streamID = "main" } }
        XCTAssertNil(try output(d, file.outputID), "the output of a closed stream is gone")
    }
}

extension LiveOutputTests {
    /// Seeded random and mutated URLs in `start_output`: every one gets a reply (an output, or
    /// a refusal naming the problem), and the daemon serves on.
    func testFuzzedOutputURLsAlwaysGetAReply() throws {
        let folder = try temporaryFolder()
        let d = try DaemonHarness { $0.outputFolder = folder.path; $0.maximumOutputs = 64 }
        try d.ok { $0.openStream = .with { $0.streamID = "main"; $0.avatarID = "demo"; $0.width = 32; $0.height = 32; $0.codec = .raw } }
        var rng = SplitMix64(seed: 20_261_203)
        let seeds = ["rtmp://127.0.0.1:1/live/key", "srt://127.0.0.1:9?latency=1", "rtp://127.0.0.1:5004", "udp://[::1]:7",
                     "take.mkv", "a/b.mp4", "rtmps://h/app/k", "file:///etc/passwd", "../x.mkv"]
        let alphabet = Array("/:.?&=%@[]ab01-_\u{0}\u{7f}é😀 ".unicodeScalars)
        var started = 0, refused = 0
        for _ in 0..<400 {
            var url = Array(seeds[Int(rng.next() % UInt64(seeds.count))].unicodeScalars)
            for _ in 0..<Int(rng.next() % 5) {
                let i = Int(rng.next() % UInt64(url.count + 1))
                let c = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                if i < url.count && rng.next() % 2 == 0 { url[i] = c } else { url.insert(c, at: min(i, url.count)) }
            }
            if rng.next() % 20 == 0 { url += Array(repeating: "a", count: 3000) }
            let text = String(String.UnicodeScalarView(url))
            let reply = try d.request { $0.startOutput = .with { $0.streamID = "main"; $0.url = text } }
            if reply.status == .ok {
                started += 1
                try d.ok { $0.stopOutput = .with { $0.outputID = reply.output.outputID } }
            } else {
                refused += 1
                XCTAssertFalse(reply.error.isEmpty, "a refusal says why: \(text.debugDescription)")
            }
        }
        XCTAssertGreaterThan(started, 0)
        XCTAssertGreaterThan(refused, 0)
        XCTAssertEqual(try d.ok { $0.ping = .init() }.status, .ok)
        XCTAssertTrue(try d.ok { $0.getStatus = .init() }.daemonStatus.outputs.isEmpty)
    }
}

extension Thread {
    /// Waits (polling) until the thread finished or `seconds` passed.
    func join(within seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !isFinished && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }
}
