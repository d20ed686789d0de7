import ArgumentParser
import Dispatch
import Foundation
import Logging
import SplatProtocol
import WebGateway

#if canImport(Glibc)
import Glibc
#endif

/// `splatd-web` (also `splatd web`, and what `splatd serve --http` starts): the web gateway,
/// a process of its own in front of a daemon's public endpoints.
@main
struct SplatdWebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splatd web",
        abstract: "Serve browsers (app page, embed page, HTTP API, /metrics) for a running splatd.",
        discussion: """
            A client of the daemon's public endpoints like any other: a crash here cannot take \
            the renderer down, and gateways can run at the edge, next to the viewers. Stop with \
            SIGINT or SIGTERM. Prints `splatd web — http://HOST:PORT/` once it listens.
            """,
        version: WireLimits.release
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
        let gateway: WebGateway
        do {
            gateway = try WebGateway(configuration: configuration, logger: Logger(label: "splatd-web"))
            let address = try gateway.start()
            // Written unbuffered: a parent reading a pipe (`serve --http`) gets the line at once.
            FileHandle.standardOutput.write(Data("splatd web — \(address)/ (daemon: control \(control))\n".utf8))
        } catch {
            throw WebError(underlying: error)
        }
        Self.waitForSignal()
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

/// Why the gateway could not start (exit 1 with one line; 64 is for command-line mistakes).
struct WebError: Error, CustomStringConvertible {
    let underlying: any Error
    var description: String { "cannot start the web gateway: \(underlying)" }
}
