import ArgumentParser
import Daemon
import Dispatch
import Foundation
import Logging
import SplatCore
import ZeroMQ

/// `splatd serve` (the default): the long-running daemon.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: hold avatars, take drive streams, render and publish frames.",
        discussion: """
            Binds four ZeroMQ endpoints (loopback by default): control (ROUTER), drive (SUB), \
            frames (XPUB) and audio (PULL). Starts with the built-in demo avatar loaded as "demo" \
            and a stream "default" (512×512, 30 fps, JPEG) that renders whenever someone \
            subscribes to "frames/default". Stop with SIGINT or SIGTERM. See docs/protocol.md.
            """
    )

    @Option(help: "JSON config file (keys in docs/operations.md); flags override it.")
    var config: String?

    @Option(help: "Control endpoint (ROUTER).") var control: String?
    @Option(help: "Drive endpoint (SUB).") var drive: String?
    @Option(help: "Frames endpoint (XPUB).") var frames: String?
    @Option(help: "Audio endpoint (PULL).") var audio: String?

    @Flag(help: "Start without the demo avatar and default stream.")
    var noDemo = false

    @Option(help: "Threads per frame (default: every core).")
    var renderThreads: Int?

    @Option(help: "Only load avatars from below this folder (repeatable).")
    var avatarRoot: [String] = []

    @Option(help: "ALSA capture device (e.g. hw:0, default) whose speech drives --audio-avatar.")
    var audioDevice: String?

    @Option(help: "The avatar the captured audio drives (default: demo).")
    var audioAvatar: String?

    @Option(name: .customLong("livelink"), help: ArgumentHelp(
        "Receive Live Link Face (iPhone) on UDP [ADDR:]PORT; the app's port is 11111. Loopback unless ADDR is given (a phone needs 0.0.0.0:11111).",
        valueName: "addr:port"))
    var liveLink: String?

    @Option(name: .customLong("livelink-avatar"), help: ArgumentHelp(
        "The avatar Live Link Face subjects drive when --livelink-subject does not name them (default: demo, unless subjects are named).",
        valueName: "id"))
    var liveLinkAvatar: String?

    @Option(name: .customLong("livelink-subject"), help: ArgumentHelp(
        "Subject name (as set in the app) → avatar, for several phones (repeatable).", valueName: "name=id"))
    var liveLinkSubject: [String] = []

    @Option(help: ArgumentHelp("Receive the VMC protocol (OSC; VSeeFace, Waidayo …) on UDP [ADDR:]PORT; 39539 by convention.",
                               valueName: "addr:port"))
    var vmc: String?

    @Option(help: ArgumentHelp("The avatar VMC performers drive (default: demo).", valueName: "id"))
    var vmcAvatar: String?

    @Option(help: ArgumentHelp(
        "Send a stream as H.264 with its avatar's voice to rtmp://, rtmps://, srt://, udp:// (MPEG-TS), rtp:// or a .mp4/.mkv file (repeatable).",
        valueName: "stream=url"))
    var output: [String] = []

    @Option(help: ArgumentHelp("The folder file outputs and RTP session descriptions are written in (default: the working directory).",
                               valueName: "dir"))
    var outputFolder: String?

    @Option(help: ArgumentHelp(
        "Also serve browsers (app page, embed page, HTTP API, /metrics) on [ADDR:]PORT, from a splatd-web child process (loopback unless ADDR is given; another address needs --http-token-file).",
        valueName: "addr:port"))
    var http: String?

    @Option(help: ArgumentHelp("With --http: a file whose first line is the token every HTTP request and WebSocket must carry.",
                               valueName: "file"))
    var httpTokenFile: String?

    @Flag(help: "With --http: the gateway only shows (no loading, streams, outputs, driving or speech).")
    var httpReadOnly = false

    @Option(help: ArgumentHelp(
        "Require CURVE on every endpoint: the server's secret certificate (zcert format, e.g. from `splatctl keygen server`).",
        valueName: "file.key_secret"))
    var curveSecret: String?

    @Option(help: ArgumentHelp(
        "With --curve-secret: the folder of the clients' public certificates (*.key), each naming its role; read again on SIGHUP.",
        valueName: "dir"))
    var clients: String?

    @Flag(help: "Without --curve-secret, bind endpoints other machines can reach anyway (only on a network you trust).")
    var insecure = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// The configuration file (if any) with every flag given on the command line over it.
    func configuration() throws -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        if let config {
            do { configuration = try DaemonConfiguration(contentsOf: URL(fileURLWithPath: config)) } catch {
                throw ValidationError("\(error)")
            }
        }
        if let control { configuration.control = control }
        if let drive { configuration.drive = drive }
        if let frames { configuration.frames = frames }
        if let audio { configuration.audio = audio }
        if noDemo { configuration.loadDemo = false }
        if let renderThreads { configuration.renderThreads = renderThreads }
        if !avatarRoot.isEmpty { configuration.avatarRoots = avatarRoot }
        if let audioDevice { configuration.audioDevice = audioDevice }
        if let audioAvatar { configuration.audioAvatar = audioAvatar }
        if let liveLink { configuration.liveLink = liveLink }
        if let liveLinkAvatar { configuration.liveLinkAvatar = liveLinkAvatar }
        for pair in liveLinkSubject {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--livelink-subject takes NAME=AVATAR, got \"\(pair.prefix(80))\"")
            }
            configuration.liveLinkSubjects[String(parts[0])] = String(parts[1])
        }
        if let vmc { configuration.vmc = vmc }
        if let vmcAvatar { configuration.vmcAvatar = vmcAvatar }
        if !output.isEmpty { configuration.outputs = output }
        if http == nil && (httpTokenFile != nil || httpReadOnly) {
            throw ValidationError("--http-token-file and --http-read-only go with --http")
        }
        if let outputFolder { configuration.outputFolder = outputFolder }
        if let curveSecret { configuration.curveSecret = curveSecret }
        if let clients { configuration.clientsFolder = clients }
        if insecure { configuration.insecure = true }
        do { try configuration.validate() } catch { throw ValidationError("\(error)") }
        return configuration
    }

    mutating func run() throws {
        let configuration = try configuration()
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var logger = Logger(label: "splatd")
        logger.logLevel = level

        lineBufferStandardOutput()
        let service: SplatService
        let endpoints: DaemonEndpoints
        do {
            service = try SplatService(configuration: configuration, logger: logger)
        } catch {
            throw ServeError(underlying: error)
        }
        // Graceful shutdown on SIGINT/SIGTERM (finish the frame in flight, close the sockets),
        // handled from before the first line is printed: a supervisor that signals as soon as it
        // reads "splatd serving" must not find the signal ignored or fatal.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let interrupted = Locked(false)
        let queue = DispatchQueue(label: "splatd-signals")
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for source in sources {
            source.setEventHandler {
                interrupted.withLock { $0 = true }
                service.stop()
            }
            source.resume()
        }
        // SIGHUP reads the clients folder again (keys added, changed or revoked).
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler { service.reloadClients() }
        hangup.resume()
        do {
            endpoints = try service.start()
            print("splatd serving — \(endpoints)")
            if let key = service.serverPublicKey { print("splatd CURVE — server key \(key)") }
            if !endpoints.trackers.isEmpty { print("splatd trackers — \(endpoints.trackers)") }
            if !endpoints.outputs.isEmpty { print("splatd outputs — \(endpoints.outputs.joined(separator: ", "))") }
            print("watch the demo: .build/release/splatctl watch default --frames \(endpoints.frames) --out /tmp/splatd-frames")
        } catch {
            throw ServeError(underlying: error)
        }
        var gateway: GatewayProcess?
        if let http {
            var arguments = ["--http", http, "--control", endpoints.control, "--drive", endpoints.drive,
                             "--frames", endpoints.frames, "--audio", endpoints.audio]
            if let httpTokenFile { arguments += ["--http-token-file", httpTokenFile] }
            if httpReadOnly { arguments.append("--http-read-only") }
            if let serverKey = service.serverPublicKey {
                // The gateway is a client like any other: it gets a key of its own for this run.
                do {
                    let keyFile = try GatewayProcess.makeKey(admittedBy: service, readOnly: httpReadOnly)
                    arguments += ["--curve-secret", keyFile, "--server-key", serverKey]
                } catch {
                    service.stop()
                    throw ServeError(underlying: error)
                }
            }
            gateway = GatewayProcess(arguments: arguments, logger: logger)
            do {
                print("splatd web — \(try gateway!.start())/")
            } catch {
                service.stop()
                throw ServeError(underlying: error)
            }
        }
        // A signal that came while starting stops the daemon now that it runs.
        if interrupted.withLock({ $0 }) { service.stop() }
        service.waitUntilStopped()
        gateway?.stop()
        GatewayProcess.removeKeys()
        withExtendedLifetime((sources, hangup)) {}
    }
}

/// Why `serve` could not start: a runtime failure, not a command-line mistake, so it exits 1
/// with one line (ArgumentParser's usage text and exit 64 are for mistakes on the command line).
struct ServeError: Error, CustomStringConvertible {
    let underlying: any Error

    var description: String {
        var text = "cannot start: \(underlying)"
        if let zmq = underlying as? ZMQError, zmq.errno == EADDRINUSE {
            text += " — another splatd (or another program) may be using that port: stop it, or pick other "
                + "endpoints with --control, --drive, --frames and --audio (port * picks a free one)"
        }
        return text
    }
}
