import ArgumentParser
import Foundation
import Rasterizer

extension Convention: ExpressibleByArgument {}

/// An RGB colour given as `r,g,b` in 0…1 (or 0…255 when any component exceeds 1).
struct BackgroundColour: ExpressibleByArgument {
    var rgb: SIMD3<Float>

    init(rgb: SIMD3<Float>) { self.rgb = rgb }

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else { return nil }
        var v = SIMD3(parts[0]!, parts[1]!, parts[2]!)
        if v.max() > 1 {
            guard v.max() <= 255 else { return nil }
            v /= 255
        }
        rgb = v
    }

    static var defaultValueDescription: String { "0,0,0" }
}

/// Options naming a camera file.
struct CameraOptions: ParsableArguments {
    @Option(name: .long, help: "Camera JSON (width, height, fx, fy, cx, cy, viewmat_world_to_camera_row_major; OpenCV axes).")
    var camera: String

    func load() throws -> Camera {
        do { return try Camera(contentsOf: URL(fileURLWithPath: camera)) } catch {
            throw ValidationError("\(error)")
        }
    }
}
