import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `splatd web …`: runs the web gateway (`splatd-web`, beside this executable) with the same
/// arguments, in place of this process.
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve browsers for a daemon running elsewhere (runs splatd-web; see `splatd web --help`).",
        discussion: "The options are splatd-web's: --http [ADDR:]PORT, --http-token-file, --http-read-only, --control, --drive, --frames, --audio."
    )

    @Argument(parsing: .captureForPassthrough, help: "splatd-web's options.")
    var arguments: [String] = []

    func run() throws {
        let executable = GatewayProcess.executable.path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw GatewayProcessError("\(executable) is missing: build it with `swift build --product splatd-web`")
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        execv(executable, argv)
        throw GatewayProcessError("cannot run \(executable): \(String(cString: strerror(errno)))")
    }
}
