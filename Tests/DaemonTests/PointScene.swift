import Foundation
import SplatIO
import XCTest

/// A scene of one small bright Gaussian at the origin (the scene's centre, so the idle sway
/// of a static scene turns it about itself), written to a temporary `.splat` file: cameras of
/// known intrinsics must show it where the pinhole model puts it.
final class PointScene {
    let folder: URL
    let path: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-point-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scene = folder.appendingPathComponent("point.splat")
        let cloud = GaussianCloud(positions: [.zero], scales: [SIMD3(repeating: 0.004)], rotations: [SIMD4(1, 0, 0, 0)],
                                  opacities: [1], sh: [2, 2, 2], shDegree: 0)
        try SplatFile.write(cloud, to: scene)
        path = scene.path
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The brightness-weighted column (pixel centres at +0.5) of what columns `from..<to` of a
    /// raw RGB image `width` pixels wide show, relative to column `from`.
    static func column(_ rgb: [UInt8], width: Int, height: Int, from: Int, to: Int,
                       file: StaticString = #filePath, line: UInt = #line) -> Float {
        var sum: Float = 0, weight: Float = 0
        for y in 0..<height {
            for x in from..<to {
                let i = (y * width + x) * 3
                let v = Float(rgb[i]) + Float(rgb[i + 1]) + Float(rgb[i + 2])
                sum += v * (Float(x - from) + 0.5)
                weight += v
            }
        }
        XCTAssertGreaterThan(weight, 0, "columns \(from)..<\(to) show nothing", file: file, line: line)
        return sum / max(weight, 1)
    }
}
