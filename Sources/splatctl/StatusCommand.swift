import ArgumentParser
import Foundation
import SplatCore
import SplatProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `splatctl status`: the daemon's state and performance counters, once or refreshed.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show avatars, streams, rates, latencies and the daemon's CPU and memory use.",
        discussion: """
            Avatars: kind, Gaussians, drive state (idle, live, hold, easing), drive frames \
            received/rejected/out of order, drive rate and age of the last drive frame. Streams: \
            size, codec, fps target/measured, subscribers, frames rendered/sent/skipped, latency \
            p50/p99 (drive sender time → frame published), render and encode p50, bytes sent. \
            With --json, the raw reply.
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Refresh every this many seconds until Ctrl-C.", valueName: "seconds"))
    var watch: Double?

    func validate() throws {
        if let watch, !(watch.isFinite && watch >= 0.1) { throw ValidationError("--watch must be at least 0.1 seconds, got \(watch)") }
    }

    func run() throws {
        let client = try global.controlClient()
        guard let interval = watch else {
            let (reply, status) = try fetch(client)
            if global.json { return global.printJSON(reply) }
            print(StatusTable.render(status))
            return
        }
        Interrupt.install()
        let clearScreen = isatty(STDOUT_FILENO) != 0 && !global.json
        var previous: Splatd_V1_DaemonStatus?
        while !Interrupt.requested {
            let (reply, status): (Splatd_V1_Reply, Splatd_V1_DaemonStatus)
            do { (reply, status) = try fetch(client) } catch {
                if Interrupt.requested { break }
                throw error
            }
            if global.json {
                print(GlobalOptions.json(reply))
            } else {
                if clearScreen { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print("\(Format.clock(us: wallClockMicroseconds()))  \(client.endpoint)  (every \(Format.seconds(interval)), Ctrl-C to stop)")
                print(StatusTable.render(status, previous: previous))
                if !clearScreen { print("") }
            }
            Console.flush()
            previous = status
            Interrupt.sleep(seconds: interval)
        }
    }

    private func fetch(_ client: ControlClient) throws -> (Splatd_V1_Reply, Splatd_V1_DaemonStatus) {
        try client.call(.getStatus(.init()), what: "status", expect: "daemon status") {
            if case .daemonStatus(let s) = $0 { return s } else { return nil }
        }
    }
}
