import CLibFuzzer
import Foundation
import FuzzTargets

// splatd-fuzz: libFuzzer over the fuzz target named by SPLATD_FUZZ_TARGET. Every argument is
// libFuzzer's (corpus folders, -runs=N, -max_len=N, …); see docs/fuzzing.md and scripts/fuzz.
//
// SPLATD_FUZZ_WRITE_SEEDS=<folder> instead writes every target's built-in seeds to
// <folder>/<target>/seed-NN (files already there are kept) and exits.

let environment = ProcessInfo.processInfo.environment

if let folder = environment["SPLATD_FUZZ_WRITE_SEEDS"] {
    exit(writeSeeds(to: URL(fileURLWithPath: folder)) ? 0 : 1)
}

guard let name = environment["SPLATD_FUZZ_TARGET"], let target = FuzzTargets.named(name) else {
    let names = FuzzTargets.all.map(\.name).joined(separator: " ")
    FileHandle.standardError.write(Data("splatd-fuzz: set SPLATD_FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(2)
}

/// The target libFuzzer's callback runs: a C function pointer cannot capture it, and a top-level
/// variable is main-actor isolated while libFuzzer calls back from plain C (it is immutable).
nonisolated(unsafe) let selected = target

/// libFuzzer's options with this project's defaults for those not given: inputs up to the
/// target's own maximum length, 2 GiB of memory, 10 s per input.
var arguments = CommandLine.arguments
for (option, value) in [("-max_len", "\(target.maximumLength)"), ("-rss_limit_mb", "2048"), ("-timeout", "10")]
where !arguments.contains(where: { $0.hasPrefix(option + "=") }) {
    arguments.insert("\(option)=\(value)", at: 1)
}
var argc = Int32(arguments.count)
// A C argv, never freed: libFuzzer keeps pointers into it for the life of the process.
let cArguments = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
for (i, argument) in arguments.enumerated() { cArguments[i] = strdup(argument) }
cArguments[arguments.count] = nil
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = cArguments
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    // One input: decoded by the target, errors ignored. Anything else is a finding.
    selected.run(size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : [])
    return 0
})

/// Writes each target's seeds as `seed-NN` files, keeping files already there.
func writeSeeds(to folder: URL) -> Bool {
    let files = FileManager.default
    for target in FuzzTargets.all {
        let dir = folder.appendingPathComponent(target.name)
        do {
            try files.createDirectory(at: dir, withIntermediateDirectories: true)
            for (i, seed) in target.seeds().enumerated() {
                let file = dir.appendingPathComponent(String(format: "seed-%02d", i))
                if !files.fileExists(atPath: file.path) { try Data(seed).write(to: file) }
            }
        } catch {
            FileHandle.standardError.write(Data("\(dir.path): \(error)\n".utf8))
            return false
        }
    }
    return true
}
