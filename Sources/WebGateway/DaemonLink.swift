import Foundation
import SplatCore
import SplatProtocol
import SwiftProtobuf
import ZeroMQ

/// The gateway's connections to the daemon, over its public endpoints only: control requests
/// (a DEALER, one request at a time on its own queue), drive frames (PUB) and speech (PUSH).
/// Frames are read per viewer by `FrameSubscription`.
final class DaemonLink: Sendable {
    let configuration: GatewayConfiguration
    let context: ZMQContext
    /// Used only on `controlQueue`.
    private let control: Locked<ZMQSocket>
    private let controlQueue = DispatchQueue(label: "splatd-web-control")
    private let drive: Locked<ZMQSocket>
    private let audio: Locked<ZMQSocket>
    private let counters = Locked((request: UInt64(0), drive: UInt64(0), audio: UInt64(0)))

    /// How long a control request may wait for its reply.
    static let replySeconds = 10.0

    init(_ configuration: GatewayConfiguration) throws {
        self.configuration = configuration
        context = try ZMQContext()
        let control = try context.socket(.dealer)
        try control.set(.linger, .zero)
        try configuration.keys?.secure(control)
        try control.connect(configuration.control)
        let drive = try context.socket(.pub)
        try drive.set(.linger, .zero)
        try configuration.keys?.secure(drive)
        try drive.connect(configuration.drive)
        let audio = try context.socket(.push)
        try audio.set(.linger, .zero)
        try audio.set(.sendHighWaterMark, 200)
        try configuration.keys?.secure(audio)
        try audio.connect(configuration.audio)
        self.control = Locked(control)
        self.drive = Locked(drive)
        self.audio = Locked(audio)
    }

    func close() {
        control.withLock { $0.close() }
        drive.withLock { $0.close() }
        audio.withLock { $0.close() }
        context.terminate()
    }

    /// Sends a control request and waits for its reply (replies to earlier, timed-out requests
    /// are skipped by their id).
    func call(_ request: Splatd_V1_Request, timeout: Double = DaemonLink.replySeconds) async throws -> Splatd_V1_Reply {
        try await withCheckedThrowingContinuation { continuation in
            controlQueue.async { [self] in
                continuation.resume(with: Result { try callNow(request, timeout: timeout) })
            }
        }
    }

    private func callNow(_ request: Splatd_V1_Request, timeout: Double) throws -> Splatd_V1_Reply {
        var request = request
        request.requestID = counters.withLock { c in c.request += 1; return c.request }
        request.version = WireLimits.version
        return try control.withLock { socket in
            _ = try socket.send(request.wireBytes())
            let deadline = monotonicSeconds() + timeout
            while true {
                let left = deadline - monotonicSeconds()
                guard left > 0 else { throw GatewayError.noReply("a control request") }
                let ready = try ZMQ.poll([ZMQPollItem(socket)], timeout: .microseconds(Int64(left * 1e6)))
                guard ready[0].contains(.pollIn), let bytes = try socket.receive(dontWait: true) else { continue }
                let reply = try Splatd_V1_Reply(serializedBytes: bytes)
                if reply.requestID == request.requestID { return reply }
            }
        }
    }

    /// Publishes a drive frame (never blocks: a frame that cannot go now is dropped).
    func send(_ frame: Splatd_V1_DriveFrame) throws {
        let bytes = try frame.serializedBytes() as [UInt8]
        _ = try drive.withLock { try $0.send(multipart: [Array(frame.avatarID.utf8), bytes], dontWait: true) }
    }

    /// Sends an audio chunk (never blocks: dropped when the daemon's queue is full).
    func send(_ chunk: Splatd_V1_AudioChunk) throws {
        let bytes = try chunk.serializedBytes() as [UInt8]
        _ = try audio.withLock { try $0.send(bytes, dontWait: true) }
    }
}
