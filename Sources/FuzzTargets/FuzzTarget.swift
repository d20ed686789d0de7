/// One decoder of untrusted bytes, wrapped so that a fuzzer can call it with any input.
///
/// `run` decodes the bytes the way the daemon (or a tool) does and throws the result away.
/// Errors are the expected outcome for almost every input and are swallowed; what must never
/// happen is a crash, a hang, unbounded memory or (under AddressSanitizer) a bad access.
public struct FuzzTarget: Sendable {
    /// The name `scripts/fuzz` and `SPLATD_FUZZ_TARGET` use; also the corpus folder's name.
    public let name: String
    /// The largest input worth trying (libFuzzer's `-max_len`): about the size a real input of
    /// this kind has, so that mutations stay in the interesting range.
    public let maximumLength: Int
    /// What it covers, for `scripts/fuzz --list` and the docs.
    public let summary: String
    /// Decodes one input. Never throws: every error the decoder reports is an accepted outcome.
    public let run: @Sendable ([UInt8]) -> Void
    /// Small valid inputs to start from (also written to `fuzz/corpus/<name>/`).
    public let seeds: @Sendable () -> [[UInt8]]

    public init(name: String, maximumLength: Int, summary: String,
                seeds: @escaping @Sendable () -> [[UInt8]], run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.maximumLength = maximumLength
        self.summary = summary
        self.seeds = seeds
        self.run = run
    }
}

/// Every fuzz target, by name.
public enum FuzzTargets {
    /// File formats get 64 KiB (enough for headers, archives of several entries and a few
    /// hundred Gaussians); network messages 4 KiB (a drive frame, a request, a datagram).
    static let fileLength = 64 * 1024
    static let messageLength = 4 * 1024

    /// All targets, in the order `scripts/fuzz` runs them.
    public static let all: [FuzzTarget] = [
        controlRequest, driveFrame, audioChunk,
        ply, splat, npy, npz, wav, configuration,
        liveLink, vmc, browserJSON,
        flameRig, flameParam, paramsJSON,
    ]

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
