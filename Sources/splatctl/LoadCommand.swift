import ArgumentParser
import Foundation
import SplatProtocol

/// `splatctl load PATH`: loads an avatar into the daemon.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load an avatar: \"demo\", a GaussianAvatars folder, or a .ply/.splat scene.",
        discussion: """
            PATH is read by the daemon on its own host. A relative PATH (and --rig) is made \
            absolute here, against this shell's current directory, which is right when splatd \
            runs on the same machine. "demo" (the built-in CC0 head) is sent as is. Large \
            avatars may take longer than --timeout to load; raise it if needed.
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("\"demo\", a GaussianAvatars folder, or a .ply/.splat file.", valueName: "path"))
    var path: String

    @Option(name: .long, help: ArgumentHelp("Register the avatar under this id (default: the daemon picks one).", valueName: "id"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("FLAME rig file (splatd npz) for GaussianAvatars folders.", valueName: "rig.npz"))
    var rig: String?

    @Flag(name: .long, help: "Replace an avatar already loaded under --id (its streams keep running).")
    var replace = false

    func validate() throws {
        if let id { try Validation.identifier(id, what: "--id") }
        if replace && id == nil { throw ValidationError("--replace needs --id: the avatar to replace") }
        guard !path.isEmpty else { throw ValidationError("PATH is empty; give a file or folder, or \"demo\"") }
    }

    /// `path` as the daemon needs it: absolute, or `demo` unchanged.
    static func daemonPath(_ path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        if path == "demo" || path.hasPrefix("/") { return path }
        var expanded = path
        if path == "~" || path.hasPrefix("~/") {
            expanded = NSHomeDirectory() + path.dropFirst()
            return URL(fileURLWithPath: expanded).standardizedFileURL.path
        }
        return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
            .standardizedFileURL.path
    }

    func run() throws {
        let request = Splatd_V1_LoadAvatar.with {
            $0.avatarID = id ?? ""
            $0.path = Self.daemonPath(path)
            $0.rigPath = rig.map { Self.daemonPath($0) } ?? ""
            $0.replace = replace
        }
        let client = try global.controlClient()
        let (reply, avatar) = try client.call(.loadAvatar(request), what: "load \(Identifier.quoted(request.path))",
                                               expect: "avatar") {
            if case .avatar(let a) = $0 { return a } else { return nil }
        }
        if global.json { return global.printJSON(reply) }
        print("loaded avatar \(avatar.avatarID) (\(Format.kind(avatar.kind)), \(Format.count(avatar.gaussians)) Gaussians"
              + (avatar.triangles > 0 ? ", \(Format.count(avatar.vertices)) vertices, \(Format.count(avatar.triangles)) triangles" : "")
              + ") from \(avatar.path) in \(Format.ms(avatar.loadSeconds * 1000)) ms")
    }
}

/// Client-side checks that catch typing mistakes before a request is sent.
enum Validation {
    /// Throws unless `id` is a valid avatar or stream id (1…64 of `A–Z a–z 0–9 _ . -`).
    static func identifier(_ id: String, what: String) throws {
        guard Identifier.isValid(id) else {
            throw ValidationError("\(what) \(Identifier.quoted(id)) must be 1…64 characters of A–Z a–z 0–9 _ . -")
        }
    }
}
