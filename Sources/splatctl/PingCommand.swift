import ArgumentParser
import Foundation
import SplatCore
import SplatProtocol

/// `splatctl ping`: checks that the daemon answers; shows its version, the round-trip time
/// (of a second ping, after the connection is up) and how far its wall clock is from ours.
struct PingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that splatd answers; print its version and the round-trip time."
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    func run() throws {
        let client = try global.controlClient()
        // The first request also sets up the connection; measure the second.
        try client.call(.ping(.init()), what: "ping")
        let payload = Data((0..<8).map { _ in UInt8.random(in: 0...255) })
        let sent = wallClockMicroseconds()
        let start = ContinuousClock.now
        let (reply, pong) = try client.call(.ping(.with { $0.payload = payload }), what: "ping", expect: "pong") {
            if case .pong(let p) = $0 { return p } else { return nil }
        }
        let roundTrip = ContinuousClock.now - start
        let received = wallClockMicroseconds()
        guard pong.payload == payload else {
            throw SplatctlError.badReply(request: "ping", reason: "the payload came back changed")
        }
        if global.json { return global.printJSON(reply) }
        let rttMs = roundTrip.milliseconds
        // Positive: the daemon's clock is ahead of ours (the midpoint of the round trip).
        let offsetMs = (Double(pong.timeUs) - (Double(sent) + Double(received)) / 2) / 1000
        print("pong from \(client.endpoint): splatd \(pong.version.isEmpty ? "(unknown version)" : pong.version), "
              + "round trip \(Format.ms(rttMs)) ms, daemon clock \(offsetMs >= 0 ? "+" : "")\(Format.ms(offsetMs)) ms from ours")
    }
}
