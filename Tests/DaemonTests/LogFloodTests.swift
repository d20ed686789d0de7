import Daemon
import Foundation
import Logging
import SplatCore
import SplatProtocol
import XCTest
import ZeroMQ

/// A client sending a flood of bad messages cannot flood the daemon's log: every warning a
/// message can cause is rate-limited.
final class LogFloodTests: XCTestCase {
    /// Counts the lines logged at warning level or above.
    private struct CountingHandler: LogHandler {
        let lines: Locked<Int>
        var logLevel: Logger.Level = .warning
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            lines.withLock { $0 += 1 }
        }
    }

    func testThousandsOfBadMessagesWriteFewLines() throws {
        let lines = Locked(0)
        let logger = Logger(label: "splatd-flood") { _ in CountingHandler(lines: lines) }
        let service = try SplatService(configuration: .ephemeralLoopback, logger: logger)
        let endpoints = try service.start()
        defer { service.stop() }
        let context = try ZMQContext()
        let control = try context.socket(.dealer), drive = try context.socket(.pub), audio = try context.socket(.push)
        for s in [control, drive, audio] { try s.set(.linger, .zero); try s.set(.sendHighWaterMark, 0) }
        try control.connect(endpoints.control)
        try drive.connect(endpoints.drive)
        try audio.connect(endpoints.audio)
        Thread.sleep(forTimeInterval: 0.5)
        let n = 900   // below the drive socket's queue of 1000, so that none is dropped unread
        for k in 0..<n {
            _ = try control.send(multipart: [[1], [2], [3]])                           // three frames: refused, logged
            _ = try drive.send(multipart: [Array("ghost".utf8), Splatd_V1_DriveFrame.with {
                $0.sequence = UInt64(k); $0.arkit = .with { $0.named = ["jawOpen": 1] }
            }.wireBytes()])                                                              // unknown avatar
            _ = try audio.send([0xFF, 0x01, UInt8(k & 0x7F)])                           // not an AudioChunk
        }
        let end = Date().addingTimeInterval(30)
        var status = service.status()
        while Date() < end, status.malformedRequests < UInt64(n) || status.driveFramesMalformed < UInt64(n)
                || status.audioChunksMalformed < UInt64(n) {
            Thread.sleep(forTimeInterval: 0.1)
            status = service.status()
        }
        XCTAssertEqual(status.malformedRequests, UInt64(n))
        XCTAssertEqual(status.driveFramesMalformed, UInt64(n))
        XCTAssertEqual(status.audioChunksMalformed, UInt64(n))
        // 2700 bad messages: a burst of 20 lines per kind of warning, then one per thousand.
        XCTAssertLessThanOrEqual(lines.withLock { $0 }, 3 * 20 + 5, "the log was flooded")
        XCTAssertGreaterThan(lines.withLock { $0 }, 0, "nothing was logged at all")
    }
}
