import ArgumentParser
import SplatProtocol

/// `splatctl list`: the avatars the daemon holds.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the loaded avatars."
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    func run() throws {
        let client = try global.controlClient()
        let (reply, list) = try client.call(.listAvatars(.init()), what: "list avatars", expect: "avatar list") {
            if case .avatars(let l) = $0 { return l } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print(Self.table(list.avatars))
    }

    /// One row per avatar, or a line saying there are none.
    static func table(_ avatars: [Splatd_V1_AvatarInfo]) -> String {
        guard !avatars.isEmpty else { return "no avatars loaded (load one with `splatctl load demo`)" }
        var t = TextTable(["ID", "KIND", "GAUSSIANS", "VERTICES", "TRIANGLES", "EXPR", "LOADED", "LOAD", "PATH"],
                          rightAligned: [2, 3, 4, 5, 7])
        for a in avatars {
            func n(_ v: UInt32) -> String { v == 0 ? "–" : Format.count(v) }
            t.add([a.avatarID, Format.kind(a.kind), Format.count(a.gaussians), n(a.vertices), n(a.triangles),
                   n(a.expressionCoefficients), a.loadedUs == 0 ? "–" : Format.clock(us: a.loadedUs),
                   "\(Format.ms(a.loadSeconds * 1000)) ms", a.path])
        }
        return t.text
    }
}
