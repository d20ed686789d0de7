import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import SplatCore
import SplatIO
import SplatProtocol
import SwiftProtobuf

/// splatd for browsers: an HTTP and WebSocket server (Hummingbird) in front of a daemon's
/// public endpoints — the app page, the embed page, `/api/control`, `/api/speak`, the stream,
/// drive and microphone WebSockets, `/healthz` and `/metrics`.
///
/// It is a client of the ZeroMQ + protobuf protocol like any other, so it runs inside
/// `splatd serve --http` or as its own process (`splatd web`), next to the daemon or at the edge.
public final class WebGateway: Sendable {
    public let configuration: GatewayConfiguration
    private let link: DaemonLink
    private let policy: AccessPolicy
    private let assets = StaticAssets()
    private let logger: Logger
    private let running = Locked<(group: ServiceGroup?, task: Task<Void, any Error>?)>((nil, nil))

    /// Largest `/api/control` body and `/api/speak` WAV.
    static let maximumRequestBytes = WireLimits.maximumRequestBytes
    static let maximumSpeechBytes = 20 << 20

    public init(configuration: GatewayConfiguration, logger: Logger = Logger(label: "splatd-web")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        link = try DaemonLink(configuration)
        policy = AccessPolicy(token: configuration.token, readOnly: configuration.readOnly)
    }

    /// Starts serving on a task of its own; returns the bound address (`http://host:port`)
    /// once the server listens.
    public func start() throws -> String {
        let bound = Locked<String?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let app = makeApplication { address in
            bound.withLock { $0 = address }
            ready.signal()
        }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let failure = Locked<(any Error)?>(nil)
        let task = Task {
            do { try await group.run() } catch {
                failure.withLock { $0 = error }
                ready.signal()
                throw error
            }
        }
        running.withLock { $0 = (group, task) }
        _ = ready.wait(timeout: .now() + 20)
        if let error = failure.withLock({ $0 }) { throw error }
        guard let address = bound.withLock({ $0 }) else { throw GatewayError.invalidAddress("\(configuration.host):\(configuration.port)") }
        return address
    }

    /// Stops serving (open WebSockets are closed) and closes the daemon connections.
    public func stop() {
        let (group, task) = running.withLock { r in defer { r = (nil, nil) }; return r }
        guard let group else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await group.triggerGracefulShutdown()
            _ = try? await task?.value
            done.signal()
        }
        _ = done.wait(timeout: .now() + 5)
        link.close()
    }

    // MARK: - Routes

    private func makeApplication(_ onListening: @escaping @Sendable (String) -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.middlewares.add(TokenMiddleware(policy: policy))
        addPages(router)
        addAPI(router)
        let sockets = Router(context: BasicWebSocketRequestContext.self)
        sockets.middlewares.add(TokenMiddleware(policy: policy))
        addWebSockets(sockets)
        let host = configuration.host
        return Application(
            router: router,
            // Inbound frames up to an audio chunk's limit (the page's microphone sends 20 ms);
            // what the gateway sends is split into frames of that size.
            server: .http1WebSocketUpgrade(webSocketRouter: sockets, configuration: .init(maxFrameSize: WireLimits.maximumAudioChunkBytes)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "splatd"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
            },
            logger: logger)
    }

    private func addPages(_ router: Router<BasicRequestContext>) {
        let assets = self.assets
        router.get("/") { _, _ in assets.response("index.html") }
        router.get("/embed/:stream") { _, _ in assets.response("embed.html") }
        router.get("/assets/:file") { _, context in assets.response(context.parameters.get("file") ?? "") }
        router.get("/healthz") { [link] _, _ -> Response in
            let answered = (try? await link.call(.with { $0.ping = .init() }, timeout: 2))?.status == .ok
            return Response(status: answered ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                            body: .init(byteBuffer: ByteBuffer(string: answered ? "ok\n" : "the daemon does not answer\n")))
        }
        router.get("/metrics") { [link] _, _ -> Response in
            guard let reply = try? await link.call(.with { $0.getStatus = .init() }, timeout: 5), reply.status == .ok else {
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                                body: .init(byteBuffer: ByteBuffer(string: "# the daemon does not answer\nsplatd_up 0\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: MetricsPage.render(reply.daemonStatus))))
        }
    }

    private func addAPI(_ router: Router<BasicRequestContext>) {
        let link = self.link, policy = self.policy
        router.post("/api/control") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumRequestBytes)
            var options = JSONDecodingOptions()
            options.ignoreUnknownFields = false
            guard let message = try? Splatd_V1_Request(jsonUTF8Bytes: Array(body.readableBytesView), options: options),
                  message.body != nil else {
                return Self.text(.badRequest, "the body must be one splatd.v1.Request in protobuf JSON, e.g. {\"getStatus\":{}}\n")
            }
            guard policy.allows(message) else {
                return Self.text(.forbidden, "this gateway is read-only: only ping, list_avatars, list_streams and get_status\n")
            }
            guard let reply = try? await link.call(message) else {
                return Self.text(.badGateway, "the daemon did not answer within \(Int(DaemonLink.replySeconds)) s\n")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: (try? reply.jsonString()) ?? "{}")))
        }
        router.post("/api/speak/:avatar") { request, context -> Response in
            guard !policy.readOnly else { return Self.text(.forbidden, "this gateway is read-only: no speech\n") }
            let avatar = context.parameters.get("avatar") ?? ""
            guard Identifier.isValid(avatar) else { return Self.text(.badRequest, "avatar id \(avatar.quotedForMessage) is not valid\n") }
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumSpeechBytes)
            let wav: WAVFile
            do { wav = try WAVFile(data: Data(body.readableBytesView), path: "the upload") } catch {
                return Self.text(.badRequest, "\(error)\n")
            }
            guard (8_000...48_000).contains(wav.sampleRate), (1...2).contains(wav.channels) else {
                return Self.text(.badRequest, "the WAV is \(wav.sampleRate) Hz, \(wav.channels) channels: use 8–48 kHz, mono or stereo\n")
            }
            SpeechUpload.start(wav, avatarID: avatar, link: link)
            return Response(status: .accepted, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: "{\"seconds\": \(wav.duration)}")))
        }
    }

    private func addWebSockets(_ router: Router<BasicWebSocketRequestContext>) {
        let link = self.link, policy = self.policy, logger = self.logger
        router.ws("/ws/stream/:stream") { _, context in
            Identifier.isValid(context.parameters.get("stream") ?? "") ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            let stream = context.requestContext.parameters.get("stream") ?? ""
            try await StreamRelay(link: link, streamID: stream, logger: logger).run(inbound: inbound, outbound: outbound)
        }
        // A read-only gateway accepts these and closes them at once with 1008 (policy
        // violation) and the reason, which a browser can show; a refused upgrade would only
        // give it 1006.
        router.ws("/ws/drive/:avatar") { _, context in
            Identifier.isValid(context.parameters.get("avatar") ?? "") ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            guard !policy.readOnly else { return try await outbound.close(.policyViolation, reason: "this gateway is read-only: no driving") }
            try await DriveRelay(link: link, avatarID: context.requestContext.parameters.get("avatar") ?? "")
                .run(inbound: inbound, outbound: outbound)
        }
        router.ws("/ws/audio/:avatar") { request, context in
            guard Identifier.isValid(context.parameters.get("avatar") ?? "") else { return .dontUpgrade }
            let rate = Int(request.uri.queryParameters.get("rate") ?? "48000") ?? 0
            return (8_000...48_000).contains(rate) ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, context in
            guard !policy.readOnly else { return try await outbound.close(.policyViolation, reason: "this gateway is read-only: no speech") }
            let rate = Int(context.request.uri.queryParameters.get("rate") ?? "48000") ?? 48_000
            try await AudioRelay(link: link, avatarID: context.requestContext.parameters.get("avatar") ?? "", sampleRate: rate)
                .run(inbound: inbound, outbound: outbound)
        }
    }

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
    }
}
