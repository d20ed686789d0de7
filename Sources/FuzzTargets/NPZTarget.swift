import Foundation
import SplatIO

extension FuzzTargets {
    /// A `.npz` archive: the zip central directory (zip64 included), each entry's local header,
    /// stored or deflated data through zlib, the CRC, and the `.npy` inside.
    static let npz = FuzzTarget(
        name: "npz", maximumLength: fileLength,
        summary: "NPZ archive (ZipDirectory, zip64, Zlib inflate, CRC-32, NPY entries)",
        seeds: { FileSeeds.npz },
        run: { bytes in
            guard let archive = try? NPZArchive(Data(bytes), path: "fuzz.npz") else { return }
            for key in archive.keys {
                guard let array = try? archive.array(key) else { continue }
                FuzzTargets.convert(array)
            }
        })
}
