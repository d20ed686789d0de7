import ArgumentParser
import SplatProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `splatctl`: the command-line client of splatd. Talks to a running daemon over its
/// ZeroMQ endpoints: control requests (load, open, status, …), frame viewing (`watch`) and
/// a small test tracker (`drive`).
@main
struct SplatctlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splatctl",
        abstract: "Control a running splatd: load avatars, open streams, watch frames, drive faces.",
        discussion: """
            The global options below may be given before or after the command. Each endpoint \
            comes from its flag, else from the environment variable SPLATD_CONTROL, \
            SPLATD_DRIVE, SPLATD_FRAMES or SPLATD_AUDIO, else splatd's default. The daemon \
            itself, and rendering without one, is `splatd` (see `splatd --help`).

            Exit status: 0 on success; 1 when a request fails or no reply arrives within \
            --timeout, with one line saying why; 64 for a mistake on the command line.
            """,
        version: WireLimits.release,
        subcommands: [
            PingCommand.self, LoadCommand.self, UnloadCommand.self, ListCommand.self,
            StreamsCommand.self, OpenCommand.self, UpdateCommand.self, CloseCommand.self,
            StatusCommand.self, WatchCommand.self, RecordCommand.self, OutputCommand.self, DriveCommand.self, SpeakCommand.self,
            MixCommand.self, KeygenCommand.self,
        ]
    )

    @OptionGroup(title: "Global options") var global: GlobalOptions

    /// Runs the command with line-buffered standard output, so reports, events and
    /// diagnostics (standard error) appear in the order they happen even when piped.
    static func main() {
        Console.lineBufferStandardOutput()
        main(nil)
    }
}
