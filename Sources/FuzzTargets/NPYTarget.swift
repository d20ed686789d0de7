import Foundation
import SplatIO

extension FuzzTargets {
    /// A `.npy` array, then the conversions the rig and avatar loaders apply to its elements.
    static let npy = FuzzTarget(
        name: "npy", maximumLength: fileLength,
        summary: "NPY array (preamble, Python-literal header, dtypes, Fortran order) + element conversions",
        seeds: { FileSeeds.npy },
        run: { bytes in
            guard let array = try? bytes.withUnsafeBytes({ try NPYFile.read($0, path: "fuzz.npy") }) else { return }
            convert(array)
        })

    /// Every conversion loaders use; each must cope with any dtype and shape that decoded.
    static func convert(_ array: NPYArray) {
        _ = array.floats()
        _ = array.doubles()
        _ = try? array.int32s()
        _ = try? array.ints()
    }
}
