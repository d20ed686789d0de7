import Foundation
import Logging
import Rasterizer
import SplatCore
import SplatIO
import SplatProtocol
import Trackers
import ZeroMQ

/// The splatd service: binds the endpoints, holds the avatars and streams, renders and
/// publishes frames until stopped.
///
/// ```swift
/// let service = try SplatService(configuration: config)
/// let endpoints = try service.start()
/// service.waitUntilStopped()   // stop() from a signal handler or another thread
/// ```
public final class SplatService: Sendable {
    /// The daemon's version string.
    public static let version = WireLimits.release

    public let configuration: DaemonConfiguration
    private let logger: Logger
    private let context: ZMQContext
    private let registry = Registry()
    private let outbox: Outbox
    private let handler: ControlHandler
    private let io: IOLoop
    /// Internal, not private: tests look at what it keeps.
    let scheduler: FrameScheduler
    private let counters: DaemonCounters
    private let outputs: OutputTable
    private let access: AccessControl
    private let stopped = DispatchSemaphore(value: 0)
    private let state = Locked(State())

    private struct State {
        var running = false
        var capture: ALSACapture?
        var trackers: [any TrackerListening] = []
    }

    /// Creates the service and its sockets (nothing is bound yet).
    public init(configuration: DaemonConfiguration, logger: Logger = Logger(label: "splatd")) throws {
        try configuration.validate()
        if configuration.curveSecret.isEmpty {
            if !configuration.insecure, let exposed = configuration.exposedEndpoints.first {
                throw SecurityError.exposedWithoutCurve(exposed)
            }
            access = AccessControl()
        } else {
            access = try AccessControl(serverSecret: configuration.curveSecret, clientsFolder: configuration.clientsFolder)
            for problem in access.problems { logger.warning("\(problem)") }
            logger.info("CURVE on every endpoint: \(access.clientCount) client keys from \(configuration.clientsFolder), server key \(access.serverKeys!.publicKey)")
        }
        self.configuration = configuration
        ArchiveLimits.maximumUncompressedBytes = configuration.maximumArchiveBytes
        self.logger = logger
        context = try ZMQContext()
        outbox = try Outbox()
        counters = DaemonCounters()
        let threads = configuration.renderThreads == 0 ? Parallel.coreCount : configuration.renderThreads
        let loader = AvatarLoader(roots: configuration.avatarRoots, maximumBytes: configuration.maximumAvatarBytes,
                                  threads: threads)
        scheduler = FrameScheduler(registry: registry, outbox: outbox, renderThreads: threads, logger: logger)
        outputs = OutputTable(folder: configuration.outputFolder, maximum: configuration.maximumOutputs, logger: logger)
        handler = ControlHandler(registry: registry, outbox: outbox, scheduler: scheduler, counters: counters,
                                 configuration: configuration, loader: loader, outputs: outputs, access: access, logger: logger)
        io = try IOLoop(context: context, configuration: configuration, access: access, registry: registry, outbox: outbox,
                        handler: handler, counters: counters, logger: logger)
    }

    /// Binds the endpoints, loads the demo avatar and the default stream if configured, and
    /// starts the I/O and render threads. Returns the bound endpoints.
    @discardableResult
    public func start() throws -> DaemonEndpoints {
        var endpoints = try io.bind(configuration)
        let trackers = try makeTrackers()
        endpoints.liveLink = trackers.first { $0.protocolName == LiveLinkDecoder.protocolName }?.endpoint
        endpoints.vmc = trackers.first { $0.protocolName == VMCDecoder.protocolName }?.endpoint
        if configuration.loadDemo {
            try handler.loadAtStartup(id: "demo", path: AvatarLoader.demoPath, rigPath: nil)
            if configuration.defaultStream {
                _ = try handler.openAtStartup(.with { $0.streamID = "default"; $0.avatarID = "demo" })
            }
        }
        if !configuration.audioDevice.isEmpty { try startCapture() }
        for output in configuration.outputs {
            let (stream, url) = try DaemonConfiguration.splitOutput(output)
            do {
                _ = try handler.startOutput(.with { $0.streamID = stream; $0.url = url })
            } catch {
                outputs.stopEverything()
                throw ConfigurationError("output \(stream)=…: \(error)")
            }
        }
        endpoints.outputs = outputs.all.map { "\($0.streamID) → \($0.target.redacted)" }
        io.start()
        scheduler.start()
        for tracker in trackers { tracker.start() }
        handler.setTrackers(trackers)
        state.withLock { $0.running = true; $0.trackers = trackers }
        logger.info("splatd \(Self.version) serving: \(endpoints)")
        return endpoints
    }

    /// Stops taking work, finishes the frame in flight, publishes what is queued, closes the
    /// sockets. Safe to call more than once and from any thread.
    public func stop() {
        let (wasRunning, capture, trackers) = state.withLock { s in
            defer { s.running = false; s.capture = nil; s.trackers = [] }
            return (s.running, s.capture, s.trackers)
        }
        guard wasRunning else { return }
        logger.info("stopping")
        capture?.stop()
        for tracker in trackers { tracker.stop() }
        // A load in progress is answered before the sockets close (a client waits for it).
        handler.finishPendingLoads(seconds: 10)
        scheduler.stop()
        outputs.stopEverything()
        io.stop()
        context.terminate()
        logger.info("stopped")
        stopped.signal()
    }

    /// Reads the clients folder again (SIGHUP). When a key lost rights, every viewer
    /// authenticates again; control, drive and audio messages are checked one by one anyway.
    /// A folder that cannot be read keeps the keys as they were.
    public func reloadClients() {
        guard access.isEnabled else {
            logger.notice("SIGHUP: no clients folder to read (the daemon runs without CURVE)")
            return
        }
        do {
            let (narrowed, keyring) = try access.reload()
            for problem in keyring.problems { logger.warning("\(problem)") }
            logger.notice("SIGHUP: \(access.clientCount) client keys from \(configuration.clientsFolder)\(narrowed ? "; rights were taken away, so viewers authenticate again" : "")")
            if narrowed { io.reauthenticateViewers() }
        } catch {
            logger.error("SIGHUP: \(error); the keys stay as they were")
        }
    }

    /// Admits the daemon's own web gateway (`serve --http`) by its public key: as an admin,
    /// or, read-only, as a viewer of every stream. The gateway enforces its own tokens.
    public func admitGateway(publicKey: String, readOnly: Bool) {
        access.admit(publicKey, as: ClientAccess(name: "web-gateway", role: readOnly ? .viewer : .admin, avatars: nil, streams: nil))
    }

    /// The server's CURVE public key, nil without CURVE.
    public var serverPublicKey: String? { access.serverKeys?.publicKey }

    /// The UDP tracker listeners the configuration asks for, bound (not started).
    private func makeTrackers() throws -> [any TrackerListening] {
        var trackers: [any TrackerListening] = []
        let registry = self.registry, handler = self.handler
        let wake: @Sendable (String) -> Void = { id in if registry.driveArrived(for: id) { handler.wakeScheduler() } }
        if !configuration.liveLink.isEmpty {
            let subjects = configuration.liveLinkSubjects
            let fallback: String? = configuration.liveLinkAvatar.isEmpty ? (subjects.isEmpty ? "demo" : nil) : configuration.liveLinkAvatar
            trackers.append(try TrackerListener(
                decoder: LiveLinkDecoder(), address: try UDPAddress(parsing: configuration.liveLink), registry: registry,
                logger: logger, route: { subject throws(TrackerError) in
                    guard let id = subjects[subject] ?? fallback else { throw .unknownSubject(subject) }
                    return id
                }, wake: wake))
        }
        if !configuration.vmc.isEmpty {
            let avatar = configuration.vmcAvatar
            trackers.append(try TrackerListener(
                decoder: VMCDecoder(), address: try UDPAddress(parsing: configuration.vmc), registry: registry,
                logger: logger, route: { _ in avatar }, wake: wake))
        }
        return trackers
    }

    /// Captures audio from the configured ALSA device into `audioAvatar`'s speech input.
    private func startCapture() throws {
        let device = configuration.audioDevice, avatarID = configuration.audioAvatar
        guard registry.avatar(avatarID) != nil else {
            throw ConfigurationError("audioAvatar \"\(avatarID)\" is not loaded at start-up (load the demo or choose another avatar)")
        }
        let registry = self.registry, logger = self.logger, outbox = self.outbox
        var sequence: UInt64 = 0
        let capture = ALSACapture(configuration: .init(device: device, bufferMicroseconds: 60_000), onChunk: { samples, rate, channels, _ in
            sequence += 1
            let chunk = Splatd_V1_AudioChunk.with {
                $0.avatarID = avatarID
                $0.sequence = sequence
                $0.senderTimeUs = wallClockMicroseconds()
                $0.sampleRate = UInt32(rate)
                $0.channels = UInt32(channels)
                $0.samplesS16Le = Data(buffer: samples)
            }
            // The avatar may have been unloaded (or replaced) meanwhile: look it up each time.
            try? registry.avatar(avatarID)?.receiveAudio(chunk, now: monotonicSeconds(), source: "alsa:\(device)")
            outbox.wakeup.signal()   // the I/O thread publishes the voice
        }, onError: { error in
            logger.warning("audio capture: \(error)")
        })
        do { try capture.start() } catch {
            throw ConfigurationError("cannot capture audio from \(device): \(error)")
        }
        state.withLock { $0.capture = capture }
        handler.setCaptureXruns { capture.statistics.xruns }
        logger.info("capturing audio from \(device) into avatar \(avatarID)")
    }

    /// Blocks until `stop()` has finished.
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// The status report `get_status` returns (for tests and the CLI).
    public func status() -> Splatd_V1_DaemonStatus { handler.status() }
}
