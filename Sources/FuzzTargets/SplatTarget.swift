import Foundation
import SplatIO

extension FuzzTargets {
    /// An antimatter15 `.splat` file (32-byte records, no header).
    static let splat = FuzzTarget(
        name: "splat", maximumLength: fileLength,
        summary: ".splat scene (SplatFile.read)",
        seeds: { FileSeeds.splat },
        run: { bytes in _ = try? SplatFile.read(Data(bytes), path: "fuzz.splat") })
}
