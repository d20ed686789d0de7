import ArgumentParser
import SplatProtocol

/// `splatctl close STREAM`: closes a stream.
struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close a stream (its viewers get a stream_closed event)."
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The stream's id (see `splatctl streams`).", valueName: "stream"))
    var stream: String

    func validate() throws {
        try Validation.identifier(stream, what: "stream id")
    }

    func run() throws {
        let client = try global.controlClient()
        let (reply, info) = try client.call(.closeStream(.with { $0.streamID = stream }), what: "close stream \(Identifier.quoted(stream))",
                                             expect: "stream") {
            if case .stream(let s) = $0 { return s } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print("closed stream \(info.streamID) (avatar \(info.avatarID), \(Format.size(info.width, info.height)))")
    }
}
