import Foundation

/// The x86-64 vector extensions the hot loops were compiled for, and whether this CPU has them.
///
/// The kernels always use AVX2 and FMA, and AVX-512 too when the machine that built them had
/// it (`SPLATD_PORTABLE=1` at build time leaves it out). Run on a CPU without them, their
/// first instruction would kill the process with SIGILL; ``checkThisCPU()`` says so first.
public enum KernelTarget {
    /// The extensions, as `/proc/cpuinfo` names them.
    public static var extensions: [String] {
        #if arch(x86_64)
        #if SPLATD_AVX512
        return ["avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512dq"]
        #else
        return ["avx2", "fma"]
        #endif
        #else
        return []
        #endif
    }

    /// A short name: `AVX-512`, `AVX2+FMA` or `portable`.
    public static var name: String {
        extensions.contains("avx512f") ? "AVX-512" : (extensions.isEmpty ? "portable" : "AVX2+FMA")
    }

    /// Throws ``KernelTargetError`` when this CPU lacks one of ``extensions`` (read from
    /// `/proc/cpuinfo`'s `flags` line, as `Package.swift` reads it on the building machine;
    /// where that cannot be read, nothing is checked).
    public static func checkThisCPU(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) throws {
        guard let cpuinfo, let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(line.split(separator: " ").map(String.init))
        let missing = extensions.filter { !flags.contains($0) }
        if !missing.isEmpty { throw KernelTargetError.missingExtensions(missing, builtFor: name) }
    }
}

/// This CPU cannot run the kernels as they were compiled.
public enum KernelTargetError: Error, CustomStringConvertible, Equatable {
    case missingExtensions([String], builtFor: String)

    public var description: String {
        switch self {
        case let .missingExtensions(missing, builtFor):
            let list = missing.joined(separator: ", ")
            if missing.allSatisfy({ $0.hasPrefix("avx512") }) {
                return "this splatd was compiled for \(builtFor) (the machine that built it has it), but this CPU lacks "
                    + "\(list): rebuild it on this machine, or build it with SPLATD_PORTABLE=1 for any x86-64 CPU with "
                    + "AVX2 and FMA"
            }
            return "this CPU lacks \(list): splatd's render and rig loops need an x86-64 CPU with AVX2 and FMA"
        }
    }
}
