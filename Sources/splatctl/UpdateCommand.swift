import ArgumentParser
import SplatProtocol

/// `splatctl update STREAM`: changes some of a stream's settings; the others keep their value.
struct UpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a stream's settings; only the options given are sent.",
        discussion: """
            The orbit options (--yaw, --pitch, --distance, --fov) replace the whole camera: \
            those not given take their defaults (yaw 0, pitch 0, distance 1 m, field of view 20°).
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The stream to change (see `splatctl streams`).", valueName: "stream"))
    var stream: String

    @Option(name: .long, help: ArgumentHelp("Render another avatar in this stream.", valueName: "id"))
    var avatar: String?

    @OptionGroup(title: "Stream settings") var settings: StreamOptions

    func validate() throws {
        try Validation.identifier(stream, what: "stream id")
        if let avatar { try Validation.identifier(avatar, what: "--avatar") }
        if settings.isEmpty && avatar == nil {
            throw ValidationError("nothing to change: give at least one of --size, --fps, --codec, --quality, --background, --convention, --yaw, --pitch, --distance, --fov, --avatar")
        }
    }

    func run() throws {
        let client = try global.controlClient()
        let request = settings.updateRequest(stream: stream, avatar: avatar)
        let (reply, info) = try client.call(.updateStream(request), what: "update stream \(Identifier.quoted(stream))", expect: "stream") {
            if case .stream(let s) = $0 { return s } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print("updated stream \(info.streamID) of avatar \(info.avatarID): \(Format.streamLine(info))")
    }
}
