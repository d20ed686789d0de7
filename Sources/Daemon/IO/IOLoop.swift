import Foundation
import Logging
import SplatCore
import SplatProtocol
import ZeroMQ

/// The I/O thread: owns every ZeroMQ socket and runs one `zmq_poll` loop over them and the
/// outbox's wake-up. Control requests are answered here (loads run on the loader queue and
/// reply through the outbox); drive frames are applied to their avatar; frames and events
/// queued by other threads are published.
final class IOLoop: @unchecked Sendable {
    // @unchecked: the sockets, the subscription table and the log throttle are used only by the
    // I/O thread (`run()` and what it calls) once `start()` has handed them over; `bind` runs
    // before that, on the thread that starts the service. What other threads touch is the stop
    // flag (locked), the counters (atomics) and the thread-safe outbox and registry.
    let control: ZMQSocket
    let drive: ZMQSocket
    /// Re-created when viewers must authenticate again (``reauthenticateViewers()``).
    private(set) var frames: ZMQSocket
    let audio: ZMQSocket
    private let context: ZMQContext
    private let configuration: DaemonConfiguration
    private let access: AccessControl
    private let zap: ZAPHandler?
    private var framesMonitor: ZMQMonitor
    /// The frames endpoint as bound (ephemeral port resolved), to bind again.
    private var framesEndpoint: String?
    private let rebindFrames = Locked(false)
    /// The frames endpoint while a new socket waits to bind it, and until when to try.
    private var pendingFramesBind: (endpoint: String, deadline: Double)?
    private var subscriptionErrors = LogThrottle()
    private var sendErrors = LogThrottle()
    private let outbox: Outbox
    private let registry: Registry
    private let handler: ControlHandler
    private let logger: Logger
    private var subscriptions = SubscriptionTable()
    private let counters: DaemonCounters
    private let lifecycle = Locked((started: false, stopping: false))
    private let done = DispatchSemaphore(value: 0)
    private var controlErrors = LogThrottle()
    private var driveErrors = LogThrottle()

    init(context: ZMQContext, configuration: DaemonConfiguration, access: AccessControl, registry: Registry, outbox: Outbox,
         handler: ControlHandler, counters: DaemonCounters, logger: Logger) throws {
        self.context = context
        self.configuration = configuration
        self.access = access
        self.counters = counters
        self.registry = registry
        self.outbox = outbox
        self.handler = handler
        self.logger = logger
        // The ZAP handler is bound before any CURVE socket: libzmq asks it about every handshake.
        zap = access.isEnabled ? try ZAPHandler(context: context, access: access, counters: counters, logger: logger) : nil
        control = try context.socket(.router)
        drive = try context.socket(.sub)
        audio = try context.socket(.pull)
        for socket in [control, drive, audio] {
            try socket.set(.linger, .milliseconds(200))
            try Self.secure(socket, access)
        }
        // Bounded inbound messages: libzmq drops peers that exceed the socket's limit; the
        // protocol limits below it are answered with an error.
        try control.limitInboundMessages(maxBytes: 1 << 20, maxFrames: 8)
        try drive.limitInboundMessages(maxBytes: 1 << 20, maxFrames: 4)
        try audio.limitInboundMessages(maxBytes: 4 << 20, maxFrames: 4)
        try control.set(.routerMandatory, true)
        try drive.subscribe("")
        try drive.set(.receiveHighWaterMark, 1000)
        (frames, framesMonitor) = try Self.makeFramesSocket(context, configuration, access)
    }

    /// With CURVE, `socket` is a CURVE server whose clients the ZAP handler admits.
    private static func secure(_ socket: ZMQSocket, _ access: AccessControl) throws {
        guard let keys = access.serverKeys else { return }
        try socket.set(.curveServer, true)
        try socket.set(.curveSecretKey, keys.secretKey)
        try socket.set(.zapDomain, "splatd")
    }

    /// The frames endpoint's XPUB socket, and a monitor of its disconnections.
    ///
    /// Subscriptions are applied by the daemon (`ZMQ_XPUB_MANUAL`), only those the
    /// subscriber's role allows. A viewer that stops reading is cut off: once its queues are
    /// full its TCP window stays closed, and after `stalledViewerSeconds` of that the kernel
    /// drops the connection (`TCP_USER_TIMEOUT`), freeing the frames queued for it; it
    /// reconnects when it reads again.
    private static func makeFramesSocket(_ context: ZMQContext, _ configuration: DaemonConfiguration,
                                         _ access: AccessControl) throws -> (ZMQSocket, ZMQMonitor) {
        let frames = try context.socket(.xpub)
        try frames.set(.linger, .milliseconds(200))
        try secure(frames, access)
        // Room for the frames a viewer may fall behind by, plus a burst of voice packets (they
        // share the viewer's queue, and a lost one is heard).
        try frames.set(.sendHighWaterMark, configuration.framesHighWaterMark + IOLoop.voiceBurst)
        try frames.set(.xpubVerboser, true)
        try frames.set(.xpubManual, true)
        try frames.limitInboundMessages(maxBytes: 4096, maxFrames: 1)
        try frames.set(.tcpMaximumRetransmit, .milliseconds(Int(configuration.stalledViewerSeconds * 1000)))
        let monitor = try frames.startMonitor(events: .disconnected)
        return (frames, monitor)
    }

    /// Binds every endpoint; returns the endpoints actually bound (ephemeral ports resolved).
    func bind(_ c: DaemonConfiguration) throws -> DaemonEndpoints {
        let endpoints = DaemonEndpoints(control: try control.bind(c.control), drive: try drive.bind(c.drive),
                                        frames: try frames.bind(c.frames), audio: try audio.bind(c.audio))
        framesEndpoint = endpoints.frames
        return endpoints
    }

    /// Makes every viewer connect and authenticate again (after SIGHUP took rights away): the
    /// frames socket is closed and bound again; viewers' SUB sockets reconnect and subscribe
    /// again by themselves, and a revoked key's handshake then fails. Control, drive and audio
    /// need no such step: their messages are checked one by one.
    func reauthenticateViewers() {
        rebindFrames.withLock { $0 = true }
        outbox.wakeup.signal()
    }

    func start() {
        guard lifecycle.withLock({ c in defer { c.started = true }; return !c.started }) else { return }
        let t = Thread { [self] in
            run()
            done.signal()
        }
        t.name = "splatd-io"
        t.start()
    }

    /// Asks the loop to publish what is queued, close the sockets and end; waits for it.
    func stop() {
        let wasRunning = lifecycle.withLock { c in
            defer { c.stopping = true }
            return c.started && !c.stopping
        }
        outbox.wakeup.signal()
        if wasRunning { done.wait() }
    }

    private var isStopping: Bool { lifecycle.withLock { $0.stopping } }

    private func run() {
        while !isStopping {
            if rebindFrames.withLock({ r in defer { r = false }; return r }) { rebind() }
            var items = [ZMQPollItem(control), ZMQPollItem(drive), ZMQPollItem(frames), ZMQPollItem(audio),
                         ZMQPollItem(outbox.wakeup), ZMQPollItem(framesMonitor.socket)]
            if let zap { items.append(ZMQPollItem(zap.socket)) }
            let ready: [ZMQPollEvents]
            let now = monotonicSeconds()
            let voiceDue = registry.allAvatars.compactMap(\.nextVoiceRelease).min()
            var timeout = voiceDue.map { Int(min(250, max(1, ($0 - now) * 1000))) } ?? 250
            if pendingFramesBind != nil {
                bindNewFrames()
                timeout = min(timeout, 5)
            }
            do { ready = try ZMQ.poll(items, timeoutMilliseconds: timeout) } catch let error as ZMQError where error.isInterrupted {
                continue
            } catch {
                logger.critical("poll failed: \(error)")
                break
            }
            if ready[4].contains(.pollIn) { _ = outbox.wakeup.drain() }
            if ready[0].contains(.pollIn) { drainControl() }
            if ready[1].contains(.pollIn) { drainDrive() }
            if ready[2].contains(.pollIn) { drainSubscriptions() }
            if ready[3].contains(.pollIn) { drainAudio() }
            if ready[5].contains(.pollIn) { countDisconnects() }
            if ready.count > 6, ready[6].contains(.pollIn) { zap?.drain() }
            publishVoices()
            publishOutbox()
        }
        publishOutbox()
        framesMonitor.close()
        for socket in [control, drive, frames, audio] { socket.close() }
        zap?.socket.close()
    }

    /// Closes the frames socket and opens a new one in its place (see
    /// ``reauthenticateViewers()``); it is bound by ``bindNewFrames()``.
    private func rebind() {
        guard let endpoint = framesEndpoint else { return }
        try? frames.stopMonitor()
        framesMonitor.close()
        frames.close()
        subscriptions = SubscriptionTable()
        for stream in registry.allStreams { stream.setSubscribers(0) }
        do {
            (frames, framesMonitor) = try Self.makeFramesSocket(context, configuration, access)
            pendingFramesBind = (endpoint, monotonicSeconds() + 10)
            bindNewFrames()
        } catch {
            logger.critical("cannot open the frames endpoint again: \(error)")
        }
    }

    /// Binds the new frames socket. libzmq closes the old listener in the background, so the
    /// port may still be taken for a moment: the loop tries again every few milliseconds.
    private func bindNewFrames() {
        guard let (endpoint, deadline) = pendingFramesBind else { return }
        do {
            _ = try frames.bind(endpoint)
            pendingFramesBind = nil
            logger.notice("frames endpoint bound again at \(endpoint): every viewer authenticates again")
        } catch let error as ZMQError where error.errno == EADDRINUSE && monotonicSeconds() < deadline {
            return
        } catch {
            pendingFramesBind = nil
            logger.critical("cannot bind the frames endpoint \(endpoint) again: \(error)")
        }
    }

    private func countDisconnects() {
        while let event = try? framesMonitor.receive(dontWait: true) {
            if event.event.kind.contains(.disconnected) { counters.viewerDisconnects.add(1, ordering: .relaxed) }
        }
    }

    // MARK: Control

    private func drainControl() {
        for _ in 0..<64 {
            let received: ZMQReceivedMessage
            do {
                guard let m = try control.receiveMessage(dontWait: true) else { return }
                received = m
            } catch let error as ZMQError where error.isMessageTooLarge {
                logControlError("control: dropped an oversized request (\(error))")
                continue
            } catch {
                logControlError("control: \(error)")
                return
            }
            // With CURVE, a key revoked since its connection was made gets nothing.
            guard let sender = access.access(userID: received.userID) else {
                counters.authDenied.add(1, ordering: .relaxed)
                logControlError("control: ignored a request from a revoked key")
                continue
            }
            let message = received.frames
            // ROUTER: [identity, (empty delimiter from REQ), body]. Anything else gets one error
            // reply (request_id 0) so that the client is not left waiting.
            guard message.count >= 2 else { continue }
            let envelope = Array(message.dropLast())
            guard message.count <= 3, envelope.count == 1 || envelope[1].isEmpty else {
                counters.requests.add(1, ordering: .relaxed)
                counters.malformedRequests.add(1, ordering: .relaxed)
                let frames = message.count - (message[1].isEmpty ? 2 : 1)   // after identity and delimiter
                logControlError("control: refused a request of \(frames) frames")
                let reply = Splatd_V1_Reply.with {
                    $0.status = .invalidRequest
                    $0.error = "a request is one frame (a Request), after an empty delimiter frame from REQ sockets; got \(frames) frames"
                }
                let back = message[1].isEmpty ? [message[0], []] : [message[0]]
                _ = try? control.send(multipart: back + [reply.wireBytes()], dontWait: true)
                continue
            }
            handler.handle(body: message.last!, envelope: envelope, access: sender) { self.subscriptions.subscribers(of: $0) }
        }
    }

    // MARK: Drive

    private func drainDrive() {
        for _ in 0..<256 {
            let received: ZMQReceivedMessage
            do {
                guard let m = try drive.receiveMessage(dontWait: true) else { return }
                received = m
            } catch let error as ZMQError where error.isMessageTooLarge {
                dropDrive("\(error)")
                continue
            } catch {
                counters.malformedDriveFrames.add(1, ordering: .relaxed)
                return
            }
            guard let sender = access.access(userID: received.userID) else {
                counters.authDenied.add(1, ordering: .relaxed)
                logDriveError("drive: ignored a frame from a revoked key")
                continue
            }
            let message = received.frames
            let receivedUs = wallClockMicroseconds()
            let now = monotonicSeconds()
            let topic = message.count == 2 ? String(decoding: message[0], as: UTF8.self) : nil
            guard message.count == 2 else {
                dropDrive("a drive message must have 2 frames ([avatar id][DriveFrame]), got \(message.count)")
                continue
            }
            let frame: Splatd_V1_DriveFrame
            do {
                frame = try .decode(wire: message[1], limit: WireLimits.maximumDriveFrameBytes, what: "drive frame")
            } catch {
                dropDrive("\(error)")
                continue
            }
            let id = frame.avatarID.isEmpty ? (topic ?? "") : frame.avatarID
            guard id == topic || frame.avatarID.isEmpty else {
                dropDrive("drive frame for avatar \(Identifier.quoted(frame.avatarID)) sent on topic \(Identifier.quoted(topic ?? ""))")
                continue
            }
            guard sender.drives(id) else {
                counters.driveDenied.add(1, ordering: .relaxed)
                logDriveError("drive: \(sender) may not drive avatar \(Identifier.quoted(id))")
                continue
            }
            guard let avatar = registry.avatar(id) else {
                dropDrive("drive frame for unknown avatar \(Identifier.quoted(id))")
                continue
            }
            do {
                try avatar.receive(frame, now: now, receivedUs: receivedUs, sender: Self.senderName(received))
                wakeStreams(of: id)
            } catch {
                logDriveError("avatar \(id): drive frame \(frame.sequence) refused: \(error)")
            }
        }
    }

    /// Who sent a drive frame or audio chunk, for the per-sender order check: the
    /// authenticated key, else the peer's address.
    private static func senderName(_ message: ZMQReceivedMessage) -> String {
        message.userID ?? message.peerAddress ?? ""
    }

    /// New input for an avatar: its watched streams render at once (within their rate).
    private func wakeStreams(of avatarID: String) {
        if registry.driveArrived(for: avatarID) { handler.wakeScheduler() }
    }

    private func dropDrive(_ reason: String) {
        counters.malformedDriveFrames.add(1, ordering: .relaxed)
        logDriveError("drive: dropped: \(reason)")
    }

    /// Logs the first drive and audio errors, then one in a thousand, so a misbehaving tracker
    /// cannot flood the log.
    private func logDriveError(_ message: String) {
        if let note = driveErrors.admit() { logger.warning("\(message)\(note)") }
    }

    /// The same for control messages that cannot be answered normally.
    private func logControlError(_ message: String) {
        if let note = controlErrors.admit() { logger.warning("\(message)\(note)") }
    }

    // MARK: Audio

    /// Audio chunks go to their avatar's speech channel. Analysis runs here, on the I/O
    /// thread: it costs a few microseconds per 10 ms of audio.
    private func drainAudio() {
        for _ in 0..<256 {
            let received: ZMQReceivedMessage
            do {
                guard let m = try audio.receiveMessage(dontWait: true) else { return }
                received = m
            } catch let error as ZMQError where error.isMessageTooLarge {
                counters.malformedAudioChunks.add(1, ordering: .relaxed)
                logDriveError("audio: dropped: \(error)")
                continue
            } catch {
                return
            }
            guard let sender = access.access(userID: received.userID) else {
                counters.authDenied.add(1, ordering: .relaxed)
                logDriveError("audio: ignored a chunk from a revoked key")
                continue
            }
            let message = received.frames
            let now = monotonicSeconds()
            guard message.count == 1 else {
                counters.malformedAudioChunks.add(1, ordering: .relaxed)
                logDriveError("audio: dropped a message of \(message.count) frames (expected one AudioChunk)")
                continue
            }
            let chunk: Splatd_V1_AudioChunk
            do {
                chunk = try .decode(wire: message[0], limit: WireLimits.maximumAudioChunkBytes, what: "audio chunk")
            } catch {
                counters.malformedAudioChunks.add(1, ordering: .relaxed)
                logDriveError("audio: dropped: \(error)")
                continue
            }
            guard sender.drives(chunk.avatarID) else {
                counters.driveDenied.add(1, ordering: .relaxed)
                logDriveError("audio: \(sender) may not send audio to avatar \(Identifier.quoted(chunk.avatarID))")
                continue
            }
            guard let avatar = registry.avatar(chunk.avatarID) else {
                counters.malformedAudioChunks.add(1, ordering: .relaxed)
                logDriveError("audio: dropped a chunk for unknown avatar \(Identifier.quoted(chunk.avatarID))")
                continue
            }
            do {
                try avatar.receiveAudio(chunk, now: now, sender: Self.senderName(received))
            } catch {
                logDriveError("avatar \(chunk.avatarID): audio chunk \(chunk.sequence) refused: \(error)")
            }
        }
    }

    // MARK: Voices

    /// Voice packets a viewer's queue holds beyond its frames: 160 ms of speech.
    static let voiceBurst = 8

    /// Publishes each avatar's voice packets that are due, on the audio topic of every stream
    /// showing the avatar.
    private func publishVoices() {
        let now = monotonicSeconds(), nowUs = wallClockMicroseconds()
        let streams = registry.allStreams.filter { !$0.isClosed }
        for avatar in registry.allAvatars {
            let shown = streams.filter { $0.settings.avatarID == avatar.id }
            let outputs = shown.flatMap(\.outputs).filter(\.isActive)
            for packet in avatar.takeVoice(now: now, nowUs: nowUs, encode: !shown.isEmpty, outputs: outputs) {
                for stream in shown {
                    var meta = packet.meta
                    meta.streamID = stream.id
                    meta.avatarID = avatar.id
                    _ = try? frames.send(multipart: [Array(Topic.audio(stream.id).utf8), meta.wireBytes(), packet.bytes], dontWait: true)
                }
            }
        }
    }

    // MARK: Frames endpoint

    /// Applies the subscriptions the subscriber's role allows (the socket is in manual mode:
    /// libzmq applies nothing itself). Every one is counted, applied or not, so that a
    /// refused viewer leaving does not take a count from an allowed one.
    private func drainSubscriptions() {
        var changed = false
        for _ in 0..<256 {
            guard let received = try? frames.receiveMessage(dontWait: true), let message = received.frames.first else { break }
            guard let kind = message.first, kind <= 1 else { continue }
            let prefix = Array(message.dropFirst())
            if kind == 1 {
                if let sender = access.access(userID: received.userID), sender.maySubscribe(prefix) {
                    try? frames.subscribe(prefix)
                } else {
                    counters.subscriptionsRefused.add(1, ordering: .relaxed)
                    if let note = subscriptionErrors.admit() {
                        let who = access.access(userID: received.userID)?.description ?? "a revoked key"
                        logger.warning("frames: \(who) may not subscribe to \(String(decoding: prefix, as: UTF8.self).quotedForMessage)\(note)")
                    }
                }
            } else {
                try? frames.unsubscribe(prefix)
            }
            if subscriptions.apply(message) { changed = true }
        }
        guard changed else { return }
        for stream in registry.allStreams {
            stream.setSubscribers(subscriptions.subscribers(of: stream.topic))  // a new viewer gets a frame at once
        }
        handler.wakeScheduler()
    }

    private func publishOutbox() {
        let (items, frameList) = outbox.drain()
        for item in items {
            switch item {
            case let .reply(envelope, body):
                do { _ = try control.send(multipart: envelope + [body], dontWait: true) } catch {
                    if let note = sendErrors.admit() { logger.info("control: reply not delivered (\(error))\(note)") }
                }
            case let .event(bytes):
                _ = try? frames.send(multipart: [Array(Topic.events.utf8), bytes], dontWait: true)
            }
        }
        for frame in frameList where !frame.stream.isClosed {   // nothing after `stream_closed`
            do {
                _ = try frames.send(frame.stream.topic, more: true, dontWait: true)
                _ = try frames.send(frame.meta, more: true, dontWait: true)
                for (index, image) in frame.images.enumerated() {
                    _ = try frames.sendZeroCopy(image, more: index < frame.images.count - 1, dontWait: true)
                }
                let latency = frame.driveSenderTimeUs.map { Double(Int64(bitPattern: wallClockMicroseconds() &- $0)) / 1000 }
                frame.stream.recordSent(bytes: frame.images.reduce(0) { $0 + $1.count }, latencyMs: latency, now: monotonicSeconds())
            } catch {
                if let note = sendErrors.admit() { logger.warning("frames: publish failed: \(error)\(note)") }
            }
        }
    }

}

/// The endpoints a running daemon has bound (ephemeral ports resolved).
public struct DaemonEndpoints: Sendable, Equatable, CustomStringConvertible {
    public var control: String
    public var drive: String
    public var frames: String
    public var audio: String
    /// The Live Link Face and VMC listeners, `udp://host:port`, when configured.
    public var liveLink: String?
    public var vmc: String?
    /// The live outputs started with the daemon, "STREAM → URL" (the URL without its key).
    public var outputs: [String] = []

    public var description: String {
        "control \(control), drive \(drive), frames \(frames), audio \(audio)"
    }

    /// The tracker listeners, "livelink udp://…, vmc udp://…" (empty when there are none).
    public var trackers: String {
        [liveLink.map { "livelink \($0)" }, vmc.map { "vmc \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}
