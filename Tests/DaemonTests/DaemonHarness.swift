import Daemon
import Foundation
import Logging
import SplatCore
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// A daemon on ephemeral loopback ports plus client sockets, for end-to-end tests.
final class DaemonHarness {
    let service: SplatService
    let endpoints: DaemonEndpoints
    let context: ZMQContext
    let control: ZMQSocket
    private var nextRequestID: UInt64 = 1

    init(configure: (inout DaemonConfiguration) -> Void = { _ in }) throws {
        var c = DaemonConfiguration.ephemeralLoopback
        configure(&c)
        var logger = Logger(label: "splatd-test")
        logger.logLevel = .warning
        service = try SplatService(configuration: c, logger: logger)
        endpoints = try service.start()
        context = try ZMQContext()
        control = try context.socket(.dealer)
        try control.set(.linger, .zero)
        try control.set(.receiveTimeout, .seconds(20))
        try control.connect(endpoints.control)
    }

    deinit {
        control.close()
        service.stop()
        context.terminate()
    }

    /// Sends a request and waits for its reply.
    func request(_ body: (inout Splatd_V1_Request) -> Void) throws -> Splatd_V1_Reply {
        var r = Splatd_V1_Request()
        r.requestID = nextRequestID
        r.version = 1
        nextRequestID += 1
        body(&r)
        _ = try control.send(r.wireBytes())
        return try receiveReply(expecting: r.requestID)
    }

    /// Sends raw bytes as a request body and returns the reply.
    func rawRequest(_ bytes: [UInt8]) throws -> Splatd_V1_Reply {
        _ = try control.send(bytes)
        return try receiveReply(expecting: nil)
    }

    private func receiveReply(expecting id: UInt64?) throws -> Splatd_V1_Reply {
        guard let bytes = try control.receive() else { throw HarnessError("no reply within the timeout") }
        let reply = try Splatd_V1_Reply(serializedBytes: bytes)
        if let id { XCTAssertEqual(reply.requestID, id) }
        return reply
    }

    /// A request that must succeed.
    @discardableResult
    func ok(_ body: (inout Splatd_V1_Request) -> Void, file: StaticString = #filePath, line: UInt = #line) throws -> Splatd_V1_Reply {
        let reply = try request(body)
        XCTAssertEqual(reply.status, .ok, reply.error, file: file, line: line)
        return reply
    }

    /// A SUB socket on the frames endpoint subscribed to `topics`.
    func subscriber(_ topics: [String], receiveHighWaterMark: Int? = nil) throws -> ZMQSocket {
        let s = try context.socket(.sub)
        try s.set(.linger, .zero)
        try s.set(.receiveTimeout, .seconds(10))
        if let receiveHighWaterMark { try s.set(.receiveHighWaterMark, receiveHighWaterMark) }
        for t in topics { try s.subscribe(t) }
        try s.connect(endpoints.frames)
        return s
    }

    /// A PUB socket connected to the drive endpoint (after the connection is up).
    func drivePublisher() throws -> ZMQSocket {
        let p = try context.socket(.pub)
        try p.set(.linger, .zero)
        try p.connect(endpoints.drive)
        Thread.sleep(forTimeInterval: 0.3)  // PUB late joiner: let the connection come up
        return p
    }

    func send(_ frame: Splatd_V1_DriveFrame, on publisher: ZMQSocket) throws {
        _ = try publisher.send(multipart: [Array(frame.avatarID.utf8), frame.wireBytes()])
    }
}

extension DaemonHarness {
    /// `text` spoken by espeak-ng (skips the test when it is not installed).
    static func speech(_ text: String) throws -> WAVFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-speech-\(getpid())-\(text.hashValue).wav")
        let espeak = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let espeak else { throw XCTSkip("espeak-ng is not installed (scripts/bootstrap installs it)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: espeak)
        p.arguments = ["-w", url.path, text]
        try p.run()
        p.waitUntilExit()
        return try WAVFile(contentsOf: url)
    }

    /// Sends `wav` to `avatar` over the audio endpoint in 20 ms chunks, paced like a live
    /// microphone, on a thread that owns its socket; returns at once.
    func speak(_ wav: WAVFile, to avatar: String) -> Thread {
        let context = self.context, endpoint = endpoints.audio
        let chunk = wav.sampleRate / 50
        let chunks = (wav.frameCount + chunk - 1) / chunk
        let thread = Thread {
            guard let push = try? context.socket(.push) else { return }
            defer { push.close() }
            try? push.set(.linger, .seconds(2))
            try? push.connect(endpoint)
            let start = Date()
            for k in 0..<chunks {
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
        return thread
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// One received frame.
struct ReceivedFrame {
    let topic: String
    let meta: Splatd_V1_FrameMeta
    /// Every image of the frame: one, or one per view (`LAYOUT_VIEWS`).
    let images: [[UInt8]]
    var image: [UInt8] { images[0] }
}

extension ZMQSocket {
    /// Receives the next frames-endpoint message of `topic` (exact match), skipping others.
    func nextFrame(topic: String, deadline: Double = 10) throws -> ReceivedFrame? {
        let end = Date().addingTimeInterval(deadline)
        while Date() < end {
            guard let parts = try receiveMultipart() else { return nil }
            let t = String(decoding: parts[0], as: UTF8.self)
            guard t == topic, parts.count >= 3 else { continue }
            return ReceivedFrame(topic: t, meta: try Splatd_V1_FrameMeta(serializedBytes: parts[1]), images: Array(parts[2...]))
        }
        return nil
    }

    /// Receives events until one satisfies `match`.
    func nextEvent(deadline: Double = 10, where match: (Splatd_V1_Event) -> Bool) throws -> Splatd_V1_Event? {
        let end = Date().addingTimeInterval(deadline)
        while Date() < end {
            guard let parts = try receiveMultipart() else { return nil }
            guard String(decoding: parts[0], as: UTF8.self) == Topic.events, parts.count == 2 else { continue }
            let e = try Splatd_V1_Event(serializedBytes: parts[1])
            if match(e) { return e }
        }
        return nil
    }
}
