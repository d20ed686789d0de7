import ArgumentParser
import SplatProtocol

/// `splatctl mix AVATAR`: which source owns which part of the face.
struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "Show or choose which source (tracker or audio) owns the mouth, head pose and eyes/brows of an avatar.",
        discussion: """
            `splatctl mix demo` prints the current owners; `splatctl mix demo --mouth tracker` \
            changes the mouth's and keeps the others' (the daemon's default, from its \
            configuration: audio owns jaw and mouth, the tracker head pose, eyes and brows).
            """
    )

    enum Owner: String, ExpressibleByArgument, CaseIterable {
        case tracker, audio

        var source: Splatd_V1_Source { self == .audio ? .audio : .tracker }

        init(_ source: Splatd_V1_Source) { self = source == .audio ? .audio : .tracker }
    }

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The avatar (see `splatctl list`).", valueName: "avatar"))
    var avatar: String

    @Option(help: "Owner of jaw and mouth.") var mouth: Owner?
    @Option(help: "Owner of the head pose.") var head: Owner?
    @Option(help: "Owner of eyes and brows.") var eyes: Owner?

    func validate() throws {
        try Validation.identifier(avatar, what: "avatar id")
    }

    /// `current` with the parts named on the command line changed.
    func mixing(from current: Splatd_V1_Mixing) -> Splatd_V1_Mixing {
        var m = current
        if let mouth { m.jawAndMouth = mouth.source }
        if let head { m.headPose = head.source }
        if let eyes { m.eyesAndBrows = eyes.source }
        return m
    }

    /// One line naming the owner of each part.
    static func describe(_ m: Splatd_V1_Mixing, avatar: String) -> String {
        "avatar \(avatar): mouth ← \(Owner(m.jawAndMouth).rawValue), head ← \(Owner(m.headPose).rawValue), "
            + "eyes and brows ← \(Owner(m.eyesAndBrows).rawValue)"
    }

    /// The owners as JSON, with the keys of the daemon configuration's `mixing` object.
    static func json(_ m: Splatd_V1_Mixing, avatar: String) -> [String: Any] {
        ["avatar": avatar, "jawAndMouth": Owner(m.jawAndMouth).rawValue, "headPose": Owner(m.headPose).rawValue,
         "eyesAndBrows": Owner(m.eyesAndBrows).rawValue]
    }

    func run() throws {
        let client = try global.controlClient()
        // set_mixing carries all three owners: start from the avatar's current ones.
        let (_, status) = try client.call(.getStatus(.init()), what: "status", expect: "daemon status") {
            if case .daemonStatus(let s) = $0 { return s } else { return nil }
        }
        guard let entry = status.avatars.first(where: { $0.info.avatarID == avatar }) else {
            let ids = status.avatars.map(\.info.avatarID)
            throw SplatctlError.daemon(request: "mix", status: .notFound,
                                       message: "no avatar \(Identifier.quoted(avatar)) (loaded: \(ids.isEmpty ? "none" : ids.joined(separator: ", ")))")
        }
        let mixing = mixing(from: entry.mixing)
        if mouth != nil || head != nil || eyes != nil {
            try client.call(.setMixing(.with {
                $0.avatarID = avatar
                $0.mixing = mixing
            }), what: "set mixing of avatar \(Identifier.quoted(avatar))")
        }
        print(global.json ? Console.jsonLine(Self.json(mixing, avatar: avatar)) : Self.describe(mixing, avatar: avatar))
    }
}
