import Foundation
import SplatIO

extension FuzzTargets {
    /// A 3DGS PLY file: the header parser and the binary body reader, from the bytes
    /// `PLYReader.read(contentsOf:)` maps.
    static let ply = FuzzTarget(
        name: "ply", maximumLength: fileLength,
        summary: "PLY scene (PLYHeader.parse + PLYReader body decode)",
        seeds: { FileSeeds.ply },
        run: { bytes in
            bytes.withUnsafeBytes { raw in _ = try? PLYReader.read(raw, path: "fuzz.ply") }
        })
}
