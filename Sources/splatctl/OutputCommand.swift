import ArgumentParser
import SplatProtocol

/// `splatctl output start|stop|list`: live outputs to media servers and files.
struct OutputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Send a stream to a media server or a file as H.264 with its avatar's voice.",
        discussion: """
            URLs: rtmp://host[:port]/app/key and rtmps://… (FLV, AAC), srt://host:port and \
            udp://host:port (MPEG-TS, AAC), rtp://host:port (even port; audio on port+2; the SDP \
            is written to the daemon's output folder), or a .mp4 (AAC) or .mkv (Opus) file name \
            in the daemon's output folder. An output keeps its stream rendering and reconnects \
            with backoff when the server goes away.
            """,
        subcommands: [Start.self, Stop.self, List.self]
    )

    /// `splatctl output start STREAM URL`.
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start an output of a stream.")

        @OptionGroup(visibility: .hidden) var global: GlobalOptions

        @Argument(help: ArgumentHelp("The stream to send (see `splatctl streams`).", valueName: "stream"))
        var stream: String

        @Argument(help: ArgumentHelp("Where to: rtmp://…, rtmps://…, srt://…, udp://…, rtp://… or NAME.mp4/.mkv.", valueName: "url"))
        var url: String

        @Option(help: ArgumentHelp("H.264 bitrate (default: the stream's, or 1500).", valueName: "kbps"))
        var bitrate: UInt32?

        @Option(help: ArgumentHelp("The output's id (default: the daemon picks one).", valueName: "id"))
        var id: String?

        func validate() throws {
            try Validation.identifier(stream, what: "stream id")
            if let id { try Validation.identifier(id, what: "output id") }
        }

        func run() throws {
            let client = try global.controlClient()
            let (reply, status) = try client.call(.startOutput(.with {
                $0.streamID = stream
                $0.url = url
                $0.bitrateKbps = bitrate ?? 0
                $0.outputID = id ?? ""
            }), what: "start an output of stream \(Identifier.quoted(stream))", expect: "output") {
                if case .output(let o) = $0 { return o } else { return nil }
            }
            if global.json { return global.printJSON(reply) }
            print("output \(status.outputID): stream \(status.streamID) to \(status.url) (\(status.format), H.264 + \(status.audioCodec))")
        }
    }

    /// `splatctl output stop ID`.
    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop an output (a file gets its index).")

        @OptionGroup(visibility: .hidden) var global: GlobalOptions

        @Argument(help: ArgumentHelp("The output's id (see `splatctl output list`).", valueName: "id"))
        var id: String

        func run() throws {
            let client = try global.controlClient()
            let (reply, status) = try client.call(.stopOutput(.with { $0.outputID = id }),
                                                  what: "stop output \(Identifier.quoted(id))", expect: "output") {
                if case .output(let o) = $0 { return o } else { return nil }
            }
            if global.json { return global.printJSON(reply) }
            print("stopped output \(status.outputID) to \(status.url): \(status.framesWritten) frames, "
                  + "\(Format.bytes(status.bytesWritten)), \(status.reconnects) reconnects")
        }
    }

    /// `splatctl output list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the outputs and how they are doing.")

        @OptionGroup(visibility: .hidden) var global: GlobalOptions

        func run() throws {
            let client = try global.controlClient()
            let (reply, status) = try client.call(.getStatus(.init()), what: "get the status", expect: "daemon_status") {
                if case .daemonStatus(let s) = $0 { return s } else { return nil }
            }
            if global.json { return global.printJSON(reply) }
            if status.outputs.isEmpty { return print("no outputs") }
            print(StatusTable.outputTable(status.outputs).lines.joined(separator: "\n"))
        }
    }
}
