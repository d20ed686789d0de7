import Foundation
import Logging
import Rasterizer
import SplatProtocol
import ZeroMQ

/// The splatd service: binds the endpoints, holds the avatars and streams, renders and
/// publishes frames until stopped.
///
/// ```swift
/// let service = try SplatService(configuration: config)
/// let endpoints = try service.start()
/// service.waitUntilStopped()   // stop() from a signal handler or another thread
/// ```
public final class SplatService: @unchecked Sendable {
    /// The daemon's version string.
    public static let version = "0.1.0"

    public let configuration: DaemonConfiguration
    private let logger: Logger
    private let context: ZMQContext
    private let registry = Registry()
    private let outbox: Outbox
    private let handler: ControlHandler
    private let io: IOLoop
    private let scheduler: FrameScheduler
    private let stopped = DispatchSemaphore(value: 0)
    private let stateLock = NSLock()
    private var running = false

    /// Creates the service and its sockets (nothing is bound yet).
    public init(configuration: DaemonConfiguration, logger: Logger = Logger(label: "splatd")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        context = try ZMQContext()
        outbox = try Outbox()
        let loader = AvatarLoader(roots: configuration.avatarRoots)
        handler = ControlHandler(registry: registry, outbox: outbox, configuration: configuration, loader: loader, logger: logger)
        io = try IOLoop(context: context, configuration: configuration, registry: registry, outbox: outbox,
                        handler: handler, logger: logger)
        let threads = configuration.renderThreads == 0 ? System.coreCount : configuration.renderThreads
        scheduler = FrameScheduler(registry: registry, outbox: outbox, renderThreads: threads, logger: logger)
        handler.scheduler = scheduler
        let io = self.io
        handler.subscriberCount = { io.subscribers(of: $0) }
        handler.extraStatus = {
            $0.driveFramesMalformed = io.malformedDriveFrames
            $0.audioChunksMalformed = io.malformedAudioChunks
        }
    }

    /// Binds the endpoints, loads the demo avatar and the default stream if configured, and
    /// starts the I/O and render threads. Returns the bound endpoints.
    @discardableResult
    public func start() throws -> DaemonEndpoints {
        let endpoints = try io.bind(configuration)
        if configuration.loadDemo {
            try handler.loadAtStartup(id: "demo", path: AvatarLoader.demoPath, rigPath: nil)
            if configuration.defaultStream {
                _ = try handler.openAtStartup(.with { $0.streamID = "default"; $0.avatarID = "demo" })
            }
        }
        io.start()
        scheduler.start()
        stateLock.lock(); running = true; stateLock.unlock()
        logger.info("splatd \(Self.version) serving: \(endpoints)")
        return endpoints
    }

    /// Stops taking work, finishes the frame in flight, publishes what is queued, closes the
    /// sockets. Safe to call more than once and from any thread.
    public func stop() {
        stateLock.lock()
        let wasRunning = running
        running = false
        stateLock.unlock()
        guard wasRunning else { return }
        logger.info("stopping")
        scheduler.stop()
        io.stop()
        context.terminate()
        logger.info("stopped")
        stopped.signal()
    }

    /// Blocks until `stop()` has finished.
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// The status report `get_status` returns (for tests and the CLI).
    public func status() -> Splatd_V1_DaemonStatus { handler.status() }
}
