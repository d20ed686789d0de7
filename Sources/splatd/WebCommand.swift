import ArgumentParser
import Dispatch
import Foundation
import Logging
import WebGateway

/// `splatd web`: the web gateway as a process of its own, in front of a daemon elsewhere.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve browsers (app page, embed page, HTTP API, /metrics) for a daemon running elsewhere.",
        discussion: """
            The same gateway as `splatd serve --http`, as a client of the daemon's public \
            endpoints: a crash here cannot take the renderer down, and gateways can run at the \
            edge. Stop with SIGINT or SIGTERM.
            """
    )

    @OptionGroup var options: HTTPOptions
    @Option(help: "The daemon's control endpoint.") var control = "tcp://127.0.0.1:5555"
    @Option(help: "The daemon's drive endpoint.") var drive = "tcp://127.0.0.1:5556"
    @Option(help: "The daemon's frames endpoint.") var frames = "tcp://127.0.0.1:5557"
    @Option(help: "The daemon's audio endpoint.") var audio = "tcp://127.0.0.1:5558"

    func validate() throws {
        if options.http == nil { throw ValidationError("--http [ADDR:]PORT is required (e.g. --http 127.0.0.1:8080)") }
    }

    func run() throws {
        guard let configuration = try options.configuration(control: control, drive: drive, frames: frames, audio: audio) else { return }
        lineBufferStandardOutput()
        let gateway: WebGateway
        do {
            gateway = try WebGateway(configuration: configuration, logger: Logger(label: "splatd-web"))
            let address = try gateway.start()
            print("splatd web — \(address)/ (daemon: control \(control))")
        } catch {
            throw ServeError(underlying: error)
        }
        WebCommand.waitForSignal()
        gateway.stop()
    }

    /// Blocks until SIGINT or SIGTERM.
    static func waitForSignal() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let received = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "splatd-signals")
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for source in sources {
            source.setEventHandler { received.signal() }
            source.resume()
        }
        received.wait()
        withExtendedLifetime(sources) {}
    }
}
