import ArgumentParser
import SplatProtocol

/// `splatctl unload ID`: unloads an avatar; the daemon closes the streams that render it.
struct UnloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unload",
        abstract: "Unload an avatar; streams rendering it are closed (each announced by an event)."
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The avatar's id (see `splatctl list`).", valueName: "id"))
    var id: String

    func validate() throws {
        try Validation.identifier(id, what: "avatar id")
    }

    func run() throws {
        let client = try global.controlClient()
        // Which streams render it now, to say which ones the daemon closes (best effort).
        let before = try? client.call(.listStreams(.init()), what: "list streams")
        let (reply, avatar) = try client.call(.unloadAvatar(.with { $0.avatarID = id }), what: "unload avatar \(Identifier.quoted(id))",
                                               expect: "avatar") {
            if case .avatar(let a) = $0 { return a } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print("unloaded avatar \(avatar.avatarID) (\(Format.kind(avatar.kind)), \(Format.count(avatar.gaussians)) Gaussians)")
        if let before, case .streams(let list)? = before.body {
            let closed = list.streams.filter { $0.avatarID == id }.map(\.streamID)
            if !closed.isEmpty { print("closed its streams: \(closed.joined(separator: ", "))") }
        }
    }
}
