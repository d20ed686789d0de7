import ArgumentParser
import Foundation
import Rasterizer
import SplatProtocol

/// The `splatd` executable: renders animatable Gaussian head avatars on the CPU.
@main
enum SplatdMain {
    /// Refuses a CPU that lacks the kernels' vector extensions (with a message, not SIGILL),
    /// then runs the command line.
    static func main() {
        do {
            try KernelTarget.checkThisCPU()
        } catch {
            FileHandle.standardError.write(Data("splatd: \(error)\n".utf8))
            exit(1)
        }
        SplatdCommand.main()
    }
}

/// The command line: `serve` by default, `render` and the bench commands.
struct SplatdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splatd",
        abstract: "Animate 3D Gaussian head avatars, render them on the CPU and stream frames over ZeroMQ.",
        discussion: """
            `splatd serve` (the default) runs the daemon on the endpoints control \
            tcp://127.0.0.1:5555, drive :5556, frames :5557 and audio :5558; control a running \
            daemon with `splatctl` (see `splatctl --help`). `render` and the bench commands \
            work without a daemon.

            Exit status: 0 on success; 1 for a failure while running, with one line saying \
            why; 64 for a mistake on the command line.
            """,
        version: WireLimits.release,
        subcommands: [ServeCommand.self, WebCommand.self, RenderCommand.self, BenchCommand.self, StreamBenchCommand.self, SpeechBenchCommand.self, VideoBenchCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
