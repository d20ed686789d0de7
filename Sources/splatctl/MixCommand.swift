import ArgumentParser
import SplatProtocol

/// `splatctl mix AVATAR`: which source owns which part of the face.
struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "Choose which source (tracker or audio) owns the mouth, head pose and eyes/brows of an avatar.",
        discussion: "Default: audio owns jaw and mouth, the tracker owns head pose, eyes and brows. Example: `splatctl mix demo --mouth tracker`."
    )

    enum Owner: String, ExpressibleByArgument, CaseIterable {
        case tracker, audio
        var source: Splatd_V1_Source { self == .audio ? .audio : .tracker }
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Argument(help: "The avatar (see `splatctl list`).") var avatar: String
    @Option(help: "Owner of jaw and mouth.") var mouth: Owner = .audio
    @Option(help: "Owner of the head pose.") var head: Owner = .tracker
    @Option(help: "Owner of eyes and brows.") var eyes: Owner = .tracker

    func run() throws {
        let client = try global.controlClient()
        _ = try client.call(.setMixing(.with {
            $0.avatarID = avatar
            $0.mixing = .with { $0.jawAndMouth = mouth.source; $0.headPose = head.source; $0.eyesAndBrows = eyes.source }
        }), what: "set mixing of avatar \(Identifier.quoted(avatar))")
        print("avatar \(avatar): mouth ← \(mouth.rawValue), head ← \(head.rawValue), eyes and brows ← \(eyes.rawValue)")
    }
}
