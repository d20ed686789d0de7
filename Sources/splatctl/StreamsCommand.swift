import ArgumentParser
import SplatProtocol

/// `splatctl streams`: the streams the daemon runs.
struct StreamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List the open streams."
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    func run() throws {
        let client = try global.controlClient()
        let (reply, list) = try client.call(.listStreams(.init()), what: "list streams", expect: "stream list") {
            if case .streams(let l) = $0 { return l } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print(Self.table(list.streams))
    }

    /// One row per stream, or a line saying there are none.
    static func table(_ streams: [Splatd_V1_StreamInfo]) -> String {
        guard !streams.isEmpty else { return "no streams open (open one with `splatctl open AVATAR`)" }
        var t = TextTable(["ID", "AVATAR", "SIZE", "FPS", "CODEC", "CONVENTION", "BACKGROUND", "TOPIC"], rightAligned: [2, 3])
        for s in streams {
            t.add([s.streamID, s.avatarID, Format.size(of: s), String(format: "%g", s.fps),
                   Format.codec(s.codec, quality: s.quality), Format.convention(s.convention), Format.background(s), s.topic])
        }
        return t.text
    }
}
