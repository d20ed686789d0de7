import Animator
import Foundation

extension FuzzTargets {
    /// A PARAMS.json drive (`splatd render --params`): FLAME values or ARKit weights by name.
    static let paramsJSON = FuzzTarget(
        name: "params-json", maximumLength: messageLength,
        summary: "PARAMS.json drive (AvatarDrive(json:): FLAME keys, ARKit names, counts, finiteness)",
        seeds: { AnimatorSeeds.paramsJSON },
        run: { bytes in _ = try? AvatarDrive(json: Data(bytes), source: "fuzz-params.json") })
}
