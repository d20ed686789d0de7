import ArgumentParser

/// The `splatd` executable: renders animatable Gaussian head avatars on the CPU.
@main
struct SplatdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splatd",
        abstract: "Render 3D Gaussian-splat scenes and head avatars on the CPU.",
        subcommands: [RenderCommand.self, BenchCommand.self],
        defaultSubcommand: RenderCommand.self
    )
}
