import ArgumentParser
import SplatProtocol

/// `splatctl open AVATAR`: opens a stream of an avatar. It renders only while someone
/// subscribes to its topic (`splatctl watch`, or any SUB socket).
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a stream rendering an avatar; frames go out on topic frames/<stream id>.",
        discussion: "The daemon renders a stream only while it has subscribers (e.g. `splatctl watch STREAM`)."
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The avatar to render (see `splatctl list`).", valueName: "avatar"))
    var avatar: String

    @Option(name: .long, help: ArgumentHelp("The stream's id (default: the daemon picks one).", valueName: "stream"))
    var id: String?

    @OptionGroup(title: "Stream settings") var settings: StreamOptions

    @Flag(name: .long, help: "Refuse the stream if, by the render times measured so far, the machine cannot give it and the watched streams their fps.")
    var admissionControl = false

    func validate() throws {
        try Validation.identifier(avatar, what: "avatar id")
        if let id { try Validation.identifier(id, what: "--id") }
    }

    func run() throws {
        let client = try global.controlClient()
        var request = settings.openRequest(avatar: avatar, streamID: id)
        request.admissionControl = admissionControl
        let what = "open stream\(id.map { " " + Identifier.quoted($0) } ?? "") of avatar \(Identifier.quoted(avatar))"
        let (reply, info) = try client.call(.openStream(request), what: what, expect: "stream") {
            if case .stream(let s) = $0 { return s } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print("opened stream \(info.streamID) of avatar \(info.avatarID): \(Format.streamLine(info))")
    }
}
