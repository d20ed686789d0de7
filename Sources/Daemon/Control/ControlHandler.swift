import Animator
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Rasterizer
import SplatCore
import SplatProtocol

/// Answers control requests. Runs on the I/O thread; loading an avatar runs on the loader
/// queue and answers through the outbox when it is done, so a slow load never blocks drive
/// frames or other clients.
final class ControlHandler: Sendable {
    private let registry: Registry
    private let outbox: Outbox
    private let scheduler: FrameScheduler
    private let counters: DaemonCounters
    private let configuration: DaemonConfiguration
    private let loader: AvatarLoader
    private let outputs: OutputTable
    private let access: AccessControl
    private let logger: Logger
    private let loaderQueue = DispatchQueue(label: "splatd-loader")
    private let started = monotonicSeconds()
    /// ALSA overruns so far, once capturing.
    private let captureXruns = Locked<(@Sendable () -> UInt64)?>(nil)
    private let trackers = Locked<[any TrackerListening]>([])
    /// Failed loads are logged like other per-request warnings: a burst, then one in a thousand.
    private let loadErrors = Locked(LogThrottle())

    init(registry: Registry, outbox: Outbox, scheduler: FrameScheduler, counters: DaemonCounters,
         configuration: DaemonConfiguration, loader: AvatarLoader, outputs: OutputTable, access: AccessControl, logger: Logger) {
        self.access = access
        self.registry = registry
        self.outbox = outbox
        self.scheduler = scheduler
        self.counters = counters
        self.configuration = configuration
        self.loader = loader
        self.outputs = outputs
        self.logger = logger
    }

    /// Reports the ALSA capture's overruns in `status`.
    /// The tracker listeners whose status `get_status` reports.
    func setTrackers(_ list: [any TrackerListening]) {
        trackers.withLock { $0 = list }
    }

    func setCaptureXruns(_ xruns: @escaping @Sendable () -> UInt64) {
        captureXruns.withLock { $0 = xruns }
    }

    /// Handles one request body that arrived with `envelope` (ROUTER identity frames) from a
    /// client with `access`, on the I/O thread; `subscribers` counts a topic's subscribers (the
    /// I/O thread's table).
    func handle(body: [UInt8], envelope: [[UInt8]], access client: ClientAccess = .unauthenticated,
                subscribers: (String) -> Int = { _ in 0 }) {
        counters.requests.add(1, ordering: .relaxed)
        let request: Splatd_V1_Request
        do {
            request = try .decode(wire: body, limit: WireLimits.maximumRequestBytes, what: "request")
        } catch {
            counters.malformedRequests.add(1, ordering: .relaxed)
            reply(envelope, Splatd_V1_Reply.with { $0.status = .invalidRequest; $0.error = "\(error)" })
            return
        }
        var response = Splatd_V1_Reply()
        response.requestID = request.requestID
        do {
            guard request.version <= WireLimits.version else { throw ControlError.invalid(WireError.unsupportedVersion(request.version).description) }
            if let body = request.body, let refusal = client.refusal(of: body, streamAvatar: { self.registry.stream($0)?.settings.avatarID }) {
                counters.requestsDenied.add(1, ordering: .relaxed)
                throw ControlError.permissionDenied(refusal)
            }
            switch request.body {
            case .ping(let p)?:
                response.pong = .with { $0.payload = p.payload.prefix(1024); $0.version = SplatService.version; $0.timeUs = wallClockMicroseconds() }
            case .loadAvatar(let l)?:
                try load(l, requestID: request.requestID, envelope: envelope)
                return  // replied when the load finishes
            case .unloadAvatar(let u)?:
                response.avatar = try unload(u.avatarID)   // admins only: paths shown
            case .listAvatars?:
                response.avatars = .with { $0.avatars = visibleAvatars(to: client).map { shown($0.info, to: client) } }
            case .openStream(let o)?:
                response.stream = try open(o, subscribers: subscribers)
            case .updateStream(let u)?:
                response.stream = try update(u)
            case .closeStream(let c)?:
                response.stream = try close(c.streamID)
            case .listStreams?:
                response.streams = .with { $0.streams = visibleStreams(to: client).map { info($0) } }
            case .getStatus?:
                response.daemonStatus = status(for: client)
            case .setMixing(let m)?:
                guard let slot = registry.avatar(m.avatarID) else { throw ControlError.notFound("no avatar \(Identifier.quoted(m.avatarID))") }
                slot.setMixing(try DriveMixing(m.mixing))
                response.avatar = shown(slot.info, to: client)
            case .requestKeyframe(let k)?:
                guard let stream = registry.stream(k.streamID) else { throw ControlError.notFound("no stream \(Identifier.quoted(k.streamID))") }
                stream.keyframeWanted()
                scheduler.kick()
                response.stream = info(stream)
            case .startOutput(let o)?:
                response.output = try startOutput(o)
            case .stopOutput(let o)?:
                try stopOutput(o.outputID, requestID: request.requestID, envelope: envelope)
                return  // replied once the output has finished (a file's index written)
            case nil:
                throw ControlError.invalid("the request has no body (ping, load_avatar, open_stream, …)")
            }
        } catch let error as ControlError {
            response.status = error.status
            response.error = error.description
        } catch {
            response.status = .internal
            response.error = "\(error)"
        }
        reply(envelope, response)
    }

    private func reply(_ envelope: [[UInt8]], _ reply: Splatd_V1_Reply) {
        outbox.post(.reply(envelope: envelope, body: reply.wireBytes()))
    }

    private func event(_ body: (inout Splatd_V1_Event) -> Void) {
        var e = Splatd_V1_Event()
        e.timeUs = wallClockMicroseconds()
        body(&e)
        outbox.post(.event(e.wireBytes()))
    }

    // MARK: What a client sees

    /// The avatars `client` may see.
    private func visibleAvatars(to client: ClientAccess) -> [AvatarSlot] {
        let shows = registry.allStreams.map { (id: $0.id, avatarID: $0.settings.avatarID) }
        return registry.allAvatars.filter { client.sees(avatar: $0.id, shownBy: shows) }
    }

    /// The streams `client` may see.
    private func visibleStreams(to client: ClientAccess) -> [StreamSlot] {
        registry.allStreams.filter { client.sees(stream: $0.id, avatarID: $0.settings.avatarID) }
    }

    /// An avatar's info as `client` may see it: host paths only for admins (events, sent to
    /// every subscriber, pass nil: never).
    private func shown(_ info: Splatd_V1_AvatarInfo, to client: ClientAccess?) -> Splatd_V1_AvatarInfo {
        guard client?.isAdmin != true else { return info }
        var info = info
        info.path = ""
        return info
    }

    // MARK: Avatars

    private func load(_ l: Splatd_V1_LoadAvatar, requestID: UInt64, envelope: [[UInt8]]) throws {
        let id = l.avatarID.isEmpty ? registry.makeID("avatar") : l.avatarID
        guard Identifier.isValid(id) else {
            throw ControlError.invalid("avatar id \(Identifier.quoted(id)) must be 1…64 characters of A–Z a–z 0–9 _ . -")
        }
        guard registry.avatarCount < configuration.maximumAvatars || (l.replace && registry.avatar(id) != nil) else {
            throw ControlError.limitReached("the daemon holds its maximum of \(configuration.maximumAvatars) avatars; unload one first")
        }
        let path = try loader.checkPath(l.path, field: "path")
        let rig = l.rigPath.isEmpty ? nil : try loader.checkPath(l.rigPath, field: "rig_path")
        guard registry.beginLoad(id, replace: l.replace) else {
            throw ControlError.alreadyExists("avatar \(Identifier.quoted(id)) is already loaded or loading (set replace to swap it)")
        }
        loaderQueue.async { [self] in
            var response = Splatd_V1_Reply()
            response.requestID = requestID
            do {
                let slot = try makeSlot(id: id, path: path, rigPath: rig)
                try checkMemoryBudget(adding: slot)
                registry.endLoad(id, slot)
                response.avatar = slot.info
                event { $0.avatarLoaded = shown(slot.info, to: nil) }
                scheduler.kick()
            } catch {
                registry.endLoad(id, nil)
                response.status = (error as? ControlError)?.status ?? .loadFailed
                response.error = "\(error)"
                if let note = loadErrors.withLock({ $0.admit() }) { logger.warning("load of avatar \(id) from \(path) failed: \(error)\(note)") }
                Self.returnMemoryLater()
            }
            reply(envelope, response)
        }
    }

    /// The memory the loaded avatars hold together, bytes.
    var avatarBytes: Int { registry.allAvatars.reduce(0) { $0 + $1.memoryBytes } }

    /// Refuses an avatar that would take the loaded ones (without the one it replaces) past
    /// the daemon-wide budget, `maximumAvatarMemory`.
    private func checkMemoryBudget(adding slot: AvatarSlot) throws {
        let others = registry.allAvatars.filter { $0.id != slot.id }.reduce(0) { $0 + $1.memoryBytes }
        let budget = configuration.avatarMemoryBudget
        guard others + slot.memoryBytes <= budget else {
            throw ControlError.limitReached("avatar \(Identifier.quoted(slot.id)) needs \(slot.memoryBytes >> 20) MiB and the loaded avatars hold \(others >> 20) MiB of the \(budget >> 20) MiB this daemon allows them (maximumAvatarMemory); unload one first")
        }
    }

    private func unload(_ id: String) throws -> Splatd_V1_AvatarInfo {
        guard let (slot, closed) = registry.removeAvatar(id) else { throw ControlError.notFound("no avatar \(Identifier.quoted(id))") }
        for s in closed {
            s.markClosed()
            outputs.stopAll(of: s.id)
            event { $0.streamClosed = s.id }
        }
        event { $0.avatarUnloaded = id }
        logger.info("unloaded avatar \(id)\(closed.isEmpty ? "" : " and closed streams \(closed.map(\.id).joined(separator: ", "))")")
        let info = slot.info
        Self.returnMemoryLater()
        return info
    }

    /// Gives freed memory back to the system a moment after an unload (once the render thread
    /// has let go of the avatar's buffers): glibc keeps freed heap for reuse, so without this the
    /// daemon's resident size never shrinks after large avatars go.
    private static func returnMemoryLater() {
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 1) {
            // malloc_trim is glibc's (malloc.h, which the Glibc module does not export).
            guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return }
            typealias MallocTrim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
    }

    // MARK: Streams

    private func info(_ stream: StreamSlot) -> Splatd_V1_StreamInfo {
        let settings = stream.settings
        let avatar = registry.avatar(settings.avatarID)?.avatar
        let camera = avatar.flatMap { try? $0.camera(for: settings) }
        return stream.info(camera: camera, avatar: avatar)
    }

    private func open(_ o: Splatd_V1_OpenStream, subscribers: (String) -> Int) throws -> Splatd_V1_StreamInfo {
        let id = o.streamID.isEmpty ? registry.makeID("stream") : o.streamID
        guard Identifier.isValid(id) else {
            throw ControlError.invalid("stream id \(Identifier.quoted(id)) must be 1…64 characters of A–Z a–z 0–9 _ . -")
        }
        guard registry.avatar(o.avatarID) != nil else { throw ControlError.notFound("no avatar \(Identifier.quoted(o.avatarID))") }
        guard registry.stream(id) == nil else { throw ControlError.alreadyExists("stream \(Identifier.quoted(id)) is already open") }
        if let grant = access.limitedStreamGrants.first(where: { id != $0 && id.hasPrefix($0) }) {
            throw ControlError.invalid("stream id \(Identifier.quoted(id)) starts with \(Identifier.quoted(grant)), a stream some viewers are limited to: ZeroMQ topics match by prefix, so they would receive it too; choose an id that does not start with \(Identifier.quoted(grant))")
        }
        guard registry.streamCount < configuration.maximumStreams else {
            throw ControlError.limitReached("the daemon runs its maximum of \(configuration.maximumStreams) streams; close one first")
        }
        let settings = try StreamSettings(o)
        try checkPixelBudget(adding: settings.width * settings.height)
        if o.admissionControl { try Admission(streams: registry.allStreams).admit(settings) }
        let slot = StreamSlot(id: id, settings: settings)
        slot.setSubscribers(subscribers(slot.topic))
        guard registry.addStream(slot) else { throw ControlError.alreadyExists("stream \(Identifier.quoted(id)) is already open") }
        let result = info(slot)
        event { $0.streamOpened = result }
        scheduler.kick()
        logger.info("opened stream \(id) of avatar \(o.avatarID): \(slot.settings.width)×\(slot.settings.height) at \(slot.settings.fps) fps, \(slot.settings.frameCodec)")
        return result
    }

    private func update(_ u: Splatd_V1_UpdateStream) throws -> Splatd_V1_StreamInfo {
        guard let slot = registry.stream(u.streamID) else { throw ControlError.notFound("no stream \(Identifier.quoted(u.streamID))") }
        let settings = try slot.settings.updated(with: u)
        // An update that changes nothing is a no-op: the current settings, no event.
        if settings == slot.settings { return info(slot) }
        try checkPixelBudget(adding: settings.width * settings.height - slot.settings.width * slot.settings.height)
        guard registry.avatar(settings.avatarID) != nil else { throw ControlError.notFound("no avatar \(Identifier.quoted(settings.avatarID))") }
        slot.settings = settings
        let result = info(slot)
        event { $0.streamUpdated = result }
        scheduler.kick()
        return result
    }

    private func close(_ id: String) throws -> Splatd_V1_StreamInfo {
        guard let slot = registry.removeStream(id) else { throw ControlError.notFound("no stream \(Identifier.quoted(id))") }
        slot.markClosed()
        outputs.stopAll(of: id)
        let result = info(slot)
        event { $0.streamClosed = id }
        return result
    }

    /// Starts a live output of a stream (also `serve --output` at start-up).
    func startOutput(_ o: Splatd_V1_StartOutput) throws -> Splatd_V1_OutputStatus {
        do {
            guard let stream = registry.stream(o.streamID) else { throw OutputError.unknownStream(o.streamID) }
            let output = try outputs.start(o, stream: stream)
            scheduler.kick()
            return output.status(at: monotonicSeconds())
        } catch let error as OutputError {
            throw ControlError(error)
        }
    }

    /// Stops an output; the reply goes out when its thread has finished (a file's trailer
    /// written, at most a few seconds), from another thread: the I/O thread never waits.
    private func stopOutput(_ id: String, requestID: UInt64, envelope: [[UInt8]]) throws {
        let output: LiveOutput
        do { output = try outputs.stop(id, stream: registry.stream) } catch { throw ControlError(error) }
        DispatchQueue.global().async { [self] in
            output.waitUntilStopped(seconds: 5)
            reply(envelope, Splatd_V1_Reply.with {
                $0.requestID = requestID
                $0.output = output.status(at: monotonicSeconds())
            })
        }
    }

    /// Refuses a stream size that would take the open streams past `maximumTotalPixels`.
    private func checkPixelBudget(adding pixels: Int) throws {
        let used = registry.allStreams.reduce(0) { $0 + $1.settings.width * $1.settings.height }
        guard used + pixels <= configuration.maximumTotalPixels else {
            throw ControlError.limitReached("the open streams already use \(used) of the \(configuration.maximumTotalPixels) pixels this daemon allows (maximumTotalPixels); close a stream or ask for a smaller size")
        }
    }

    /// Waits (up to `seconds`) for the loads in progress to finish, so that their clients get
    /// their replies before the daemon stops.
    func finishPendingLoads(seconds: Double) {
        let done = DispatchSemaphore(value: 0)
        loaderQueue.async { done.signal() }
        _ = done.wait(timeout: .now() + seconds)
    }

    /// Called by the I/O loop when subscriptions changed or a drive frame arrived.
    func wakeScheduler() { scheduler.kick() }

    // MARK: Status

    /// The daemon's status as `client` may see it: only its avatars and streams, host paths,
    /// trackers and live outputs only for admins.
    func status(for client: ClientAccess = .unauthenticated) -> Splatd_V1_DaemonStatus {
        let now = monotonicSeconds()
        var s = Splatd_V1_DaemonStatus()
        s.version = SplatService.version
        s.uptimeSeconds = now - started
        s.avatars = visibleAvatars(to: client).map { avatar in
            var status = avatar.status(at: now)
            status.info = shown(status.info, to: client)
            return status
        }
        if let xruns = captureXruns.withLock({ $0 })?() {
            for i in s.avatars.indices {
                for j in s.avatars[i].audio.indices where s.avatars[i].audio[j].source.hasPrefix("alsa:") {
                    s.avatars[i].audio[j].xruns = xruns
                }
            }
        }
        if client.isAdmin {
            s.trackers = trackers.withLock { $0 }.map { $0.status(at: now) }
            s.outputs = outputs.all.map { $0.status(at: now) }
        }
        s.streams = visibleStreams(to: client).map { stream in
            let settings = stream.settings
            let avatar = registry.avatar(settings.avatarID)?.avatar
            let camera = avatar.flatMap { try? $0.camera(for: settings) }
            return stream.status(camera: camera, avatar: avatar, now: now)
        }
        s.requests = counters.requests.load(ordering: .relaxed)
        s.malformedRequests = counters.malformedRequests.load(ordering: .relaxed)
        s.driveFramesMalformed = counters.malformedDriveFrames.load(ordering: .relaxed)
        s.audioChunksMalformed = counters.malformedAudioChunks.load(ordering: .relaxed)
        s.authDenied = counters.authDenied.load(ordering: .relaxed)
        s.requestsDenied = counters.requestsDenied.load(ordering: .relaxed)
        s.subscriptionsRefused = counters.subscriptionsRefused.load(ordering: .relaxed)
        s.driveDenied = counters.driveDenied.load(ordering: .relaxed)
        s.viewerDisconnects = counters.viewerDisconnects.load(ordering: .relaxed)
        s.curve = access.isEnabled
        s.avatarBytes = UInt64(avatarBytes)
        s.avatarBudgetBytes = UInt64(configuration.avatarMemoryBudget)
        s.cpuSeconds = ProcessStats.cpuSeconds()
        s.rssBytes = ProcessStats.residentBytes()
        s.renderThreads = UInt32(scheduler.renderThreads)
        s.poses = scheduler.poses.poses
        s.renderLoad = registry.allStreams.filter(\.isWatched).reduce(0) { $0 + $1.renderLoad }
        return s
    }

    /// Opens a stream at start-up (the configured default stream).
    func openAtStartup(_ o: Splatd_V1_OpenStream) throws -> Splatd_V1_StreamInfo { try open(o, subscribers: { _ in 0 }) }

    /// Loads an avatar synchronously at start-up.
    func loadAtStartup(id: String, path: String, rigPath: String?) throws {
        let slot = try makeSlot(id: id, path: try loader.checkPath(path, field: "path"),
                                rigPath: try rigPath.map { try loader.checkPath($0, field: "rig_path") })
        guard registry.beginLoad(id, replace: true) else { throw ControlError.alreadyExists(id) }
        registry.endLoad(id, slot)
    }

    /// Loads the avatar at checked paths into a new slot with the configured drive settings.
    private func makeSlot(id: String, path: String, rigPath: String?) throws -> AvatarSlot {
        let start = monotonicSeconds()
        let avatar = try loader.load(path: path, rigPath: rigPath)
        let slot = AvatarSlot(id: id, path: path, avatar: avatar, loadSeconds: monotonicSeconds() - start,
                              holdSeconds: configuration.holdSeconds, easeSeconds: configuration.easeSeconds,
                              mixing: configuration.mixing.driveMixing)
        logger.info("loaded avatar \(id) from \(path): \(avatar.gaussianCount) Gaussians in \(String(format: "%.0f", slot.loadSeconds * 1000)) ms")
        return slot
    }
}
