import Animator
import Foundation
import Logging
import SplatCore
import SplatProtocol
import Trackers

/// Receives one tracker protocol on a UDP port (Live Link Face, VMC) on a thread of its own,
/// and applies its frames to avatars exactly as drive frames from the drive endpoint are: with
/// the same validation, smoothing, hold and ease, and mixing with speech.
///
/// A datagram that cannot be decoded, whose subject has no avatar, whose avatar is not loaded
/// or whose values the avatar refuses is counted and its reason kept for `get_status`; the
/// first 20 reasons and then one in a thousand are logged.
final class TrackerListener<Decoder: TrackerDecoder>: Sendable {
    private let socket: UDPSocket
    private let route: @Sendable (String) throws(TrackerError) -> String
    private let registry: Registry
    private let wake: @Sendable (String) -> Void
    private let logger: Logger
    private let state: Locked<State>
    private let done = DispatchSemaphore(value: 0)

    private struct State {
        var decoder: Decoder
        var stopping = false
        var started = false
        var received: UInt64 = 0
        var rejected: UInt64 = 0
        var applied: UInt64 = 0
        var sequence: UInt64 = 0
        var rate = RateMeter()
        var lastPacket: Double?
        var lastSubject = ""
        var lastAvatar = ""
        var lastRejection = ""
    }

    /// Binds `address`; `route` names the avatar a subject drives (or throws
    /// ``TrackerError/unknownSubject(_:)``); `wake` is told which avatar got a frame.
    init(decoder: Decoder, address: UDPAddress, registry: Registry, logger: Logger,
         route: @escaping @Sendable (String) throws(TrackerError) -> String,
         wake: @escaping @Sendable (String) -> Void) throws {
        socket = try UDPSocket(binding: address)
        state = Locked(State(decoder: decoder))
        self.route = route
        self.registry = registry
        self.wake = wake
        self.logger = logger
    }

    var protocolName: String { Decoder.protocolName }

    /// The bound endpoint, `udp://host:port`.
    var endpoint: String { "udp://\(socket.boundAddress)" }

    func start() {
        guard state.withLock({ s in defer { s.started = true }; return !s.started }) else { return }
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.name = "splatd-\(Decoder.protocolName)"
        thread.start()
    }

    /// Ends the thread (within a quarter second) and closes the socket.
    func stop() {
        let wasRunning = state.withLock { s in
            defer { s.stopping = true }
            return s.started && !s.stopping
        }
        if wasRunning { done.wait() }
        socket.close()
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: UDPSocket.maximumDatagramBytes)
        var errors = LogThrottle(), socketErrors = LogThrottle()
        while !state.withLock({ $0.stopping }) {
            let datagram: (count: Int, sender: String)?
            do { datagram = try socket.receive(into: &buffer, timeoutMilliseconds: 250) } catch {
                if let note = socketErrors.admit() { logger.error("\(Decoder.protocolName): \(error)\(note)") }
                Thread.sleep(forTimeInterval: 0.25)
                continue
            }
            guard let datagram else { continue }
            let now = monotonicSeconds(), receivedUs = wallClockMicroseconds()
            if let reason = handle(Array(buffer[..<datagram.count]), from: datagram.sender, now: now, receivedUs: receivedUs),
               let note = errors.admit() {
                logger.warning("\(Decoder.protocolName) from \(datagram.sender): refused: \(reason)\(note)")
            }
        }
    }

    /// Applies one datagram; returns why it was refused, if it was.
    private func handle(_ bytes: [UInt8], from sender: String, now: Double, receivedUs: UInt64) -> String? {
        // Decoding and routing hold the listener's own lock only; an avatar's lock is taken
        // inside `receive`, never the other way round.
        var reason: String?
        var ignored: String?
        var targets: [(AvatarSlot, TrackerFrame, UInt64)] = []
        state.withLock { s in
            s.received += 1
            s.rate.tick(at: now)
            s.lastPacket = now
            let ignoredBefore = s.decoder.ignoredNames
            defer {
                if s.decoder.ignoredNames > ignoredBefore, s.decoder.ignoredNames <= 20, let name = s.decoder.lastIgnoredName {
                    ignored = name
                }
            }
            do {
                for frame in try s.decoder.frames(in: bytes, from: sender) {
                    s.lastSubject = frame.subject
                    let id = try route(frame.subject)
                    guard let avatar = registry.avatar(id) else {
                        throw TrackerError.invalid("avatar \(Identifier.quoted(id)) (for subject \(frame.subject.quotedForMessage)) is not loaded")
                    }
                    s.sequence += 1
                    targets.append((avatar, frame, s.sequence))
                }
            } catch {
                reason = "\(error)"
            }
        }
        if let ignored {
            logger.info("\(Decoder.protocolName) from \(sender): ignored blendshape \(ignored.quotedForMessage): neither a VRM preset nor an ARKit name")
        }
        if reason == nil {
            for (avatar, frame, sequence) in targets {
                do {
                    try avatar.receive(frame.input, sequence: sequence, senderTimeUs: receivedUs, now: now, receivedUs: receivedUs,
                                       sender: Decoder.protocolName)
                    state.withLock { $0.applied += 1; $0.lastAvatar = avatar.id }
                    wake(avatar.id)
                } catch {
                    reason = "avatar \(avatar.id): \(error)"
                }
            }
        }
        if let reason { state.withLock { $0.rejected += 1; $0.lastRejection = reason } }
        return reason
    }

    /// What `get_status` reports about the listener.
    func status(at now: Double) -> Splatd_V1_TrackerStatus {
        state.withLock { s in
            .with {
                $0.protocol = Decoder.protocolName
                $0.endpoint = endpoint
                $0.packetsReceived = s.received
                $0.packetsRejected = s.rejected
                $0.framesApplied = s.applied
                $0.rateHz = s.rate.rate(at: now)
                $0.lastSubject = s.lastSubject
                $0.lastAvatarID = s.lastAvatar
                $0.lastRejection = s.lastRejection
                // A packet that arrived after `now` was read (status is built while they come) is 0 ms old.
                $0.lastPacketAgeMs = s.lastPacket.map { max(0, now - $0) * 1000 } ?? -1
                $0.namesIgnored = s.decoder.ignoredNames
            }
        }
    }
}

/// A tracker listener of any protocol, as the service holds them.
protocol TrackerListening: Sendable {
    /// "livelink" or "vmc".
    var protocolName: String { get }
    var endpoint: String { get }
    func start()
    func stop()
    func status(at now: Double) -> Splatd_V1_TrackerStatus
}

extension TrackerListener: TrackerListening {}
