import Daemon
import Foundation

extension FuzzTargets {
    /// A daemon configuration file (`splatd serve --config`): JSON, unknown keys refused,
    /// merged over the defaults, decoded and range-checked.
    ///
    /// `DaemonConfiguration` only reads from a path and lives in the Daemon module, so each
    /// input is written to a file of this process's own and read back: the daemon's exact path,
    /// at the cost of a write per input. The empty input is skipped: Foundation's
    /// `Data(contentsOf:)` leaks a 4 KiB buffer reading an empty file (swift-foundation, not
    /// splatd; harmless for a file read once), which LeakSanitizer would report on every run.
    static let configuration = FuzzTarget(
        name: "config", maximumLength: messageLength,
        summary: "daemon configuration JSON (DaemonConfiguration(contentsOf:) + validate)",
        seeds: { FileSeeds.configurations },
        run: { bytes in
            guard !bytes.isEmpty else { return }
            let url = ConfigurationFile.url
            guard (try? Data(bytes).write(to: url)) != nil else { return }
            _ = try? DaemonConfiguration(contentsOf: url)
            try? FileManager.default.removeItem(at: url)
        })
}

/// The scratch file configuration inputs are written to (one per process, so that a test run
/// and a fuzzer do not share it; removed after each input).
private enum ConfigurationFile {
    static let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("splatd-fuzz-config-\(getpid()).json")
}
