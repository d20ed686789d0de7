import ArgumentParser
import SplatProtocol

/// The `splatd` executable: renders animatable Gaussian head avatars on the CPU.
@main
struct SplatdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splatd",
        abstract: "A daemon that animates 3D Gaussian head avatars, renders them on the CPU and streams frames over ZeroMQ.",
        version: WireLimits.release,
        subcommands: [ServeCommand.self, RenderCommand.self, BenchCommand.self, StreamBenchCommand.self, SpeechBenchCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
