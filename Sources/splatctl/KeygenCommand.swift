import ArgumentParser
import Foundation
import SplatProtocol
import ZeroMQ

/// `splatctl keygen NAME`: a new CURVE key pair as `NAME.key` (public, with the role in its
/// metadata: copy it into the daemon's `--clients` folder) and `NAME.key_secret` (keep it; give
/// it to `--curve-secret`). The files are CZMQ zcert certificates, which pyzmq's `zmq.auth`
/// reads too. Needs no daemon.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a CURVE key pair: NAME.key (public, with its role) and NAME.key_secret.",
        discussion: """
            For the daemon: `splatctl keygen server`, then `splatd serve --curve-secret server.key_secret \
            --clients DIR`. For each client: `splatctl keygen NAME --role …`, NAME.key into DIR (send \
            SIGHUP to a running daemon to read it), NAME.key_secret to the client.

            Roles: admin (everything), operator (streams, driving, audio; no load/unload or outputs), \
            driver (drive frames and audio of --avatars), viewer (frames and voice of --streams; "*" \
            for all, with the events).
            """
    )

    @Argument(help: "The certificate's name: NAME.key and NAME.key_secret are written.")
    var name: String

    @Option(help: "The client's role: admin, operator, driver or viewer (none for the server's own key).")
    var role: String?

    @Option(help: ArgumentHelp("A driver's avatars, comma-separated, or \"*\".", valueName: "ids"))
    var avatars: String?

    @Option(help: ArgumentHelp("A viewer's streams, comma-separated, or \"*\".", valueName: "ids"))
    var streams: String?

    @Option(help: ArgumentHelp("Where to write the files, made if missing (default: the working directory).", valueName: "dir"))
    var folder: String = "."

    func validate() throws {
        guard Identifier.isValid(name) else {
            throw ValidationError("NAME \(Identifier.quoted(name)) must be 1…64 characters of A–Z a–z 0–9 _ . - (it names the files)")
        }
        if let role, !["admin", "operator", "driver", "viewer"].contains(role) {
            throw ValidationError("--role must be admin, operator, driver or viewer, got \(Identifier.quoted(role))")
        }
        if avatars != nil && role != "driver" { throw ValidationError("--avatars goes with --role driver") }
        if streams != nil && role != "viewer" { throw ValidationError("--streams goes with --role viewer") }
        if role == "driver" && avatars == nil { throw ValidationError("a driver needs --avatars a,b (or \"*\")") }
        if role == "viewer" && streams == nil { throw ValidationError("a viewer needs --streams s1,s2 (or \"*\")") }
        for list in [avatars, streams].compactMap({ $0 }) where list != "*" {
            for id in list.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) })
            where !Identifier.isValid(id) {
                throw ValidationError("\(Identifier.quoted(id)) is not an id (1…64 characters of A–Z a–z 0–9 _ . -)")
            }
        }
    }

    func run() throws {
        var metadata: [String: String] = [:]
        if let role { metadata["role"] = role }
        if let avatars { metadata["avatars"] = avatars }
        if let streams { metadata["streams"] = streams }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw SplatctlError.keys("cannot make the folder \(folder): \(error.localizedDescription)")
        }
        do {
            let certificate = try ZMQCertificate.generate(metadata: metadata)
            let paths = try certificate.write(folder: folder, name: name)
            print("public key \(certificate.publicKey)")
            for path in paths { print("wrote \(path)") }
        } catch let error as ZMQCertificateError {
            throw SplatctlError.keys("\(error)")
        }
    }
}
