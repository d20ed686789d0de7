import Foundation
import Rasterizer
import SplatIO
import XCTest

/// One of the reference renders in `Fixtures/` (made by an independent renderer built on
/// gsplat's own reference functions).
struct ReferenceFixture {
    let name: String
    let camera: Camera
    let options: RenderOptions
    let render: [Float]   // H × W × 3
    let alpha: [Float]    // H × W
    let stats: [String: Any]

    static func folder(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    init(_ name: String) throws {
        self.name = name
        let dir = Self.folder(name)
        let cameraURL = dir.appendingPathComponent("camera.json")
        camera = try Camera(contentsOf: cameraURL)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: cameraURL)) as! [String: Any]
        let bg = (json["background"] as! [Double]).map(Float.init)
        options = RenderOptions(convention: Convention(rawValue: json["mode"] as! String)!,
                                background: SIMD3(bg[0], bg[1], bg[2]))
        render = try NPYArray(contentsOf: dir.appendingPathComponent("render.npy")).floats()
        alpha = try NPYArray(contentsOf: dir.appendingPathComponent("alpha.npy")).floats()
        stats = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("stats.json"))) as! [String: Any]
    }
}

/// Image comparison figures on the 0…255 scale.
struct ImageComparison {
    var psnr: Double
    var maxLevelError: Double
    /// Fraction of values more than `tolerance` levels off.
    var fractionOff: Double

    /// Compares 8-bit values with float references in 0…1.
    init(quantised: [UInt8], reference: [Float], tolerance: Double = 2) {
        precondition(quantised.count == reference.count)
        var squared = 0.0, maxError = 0.0, off = 0
        for (q, raw) in zip(quantised, reference) {
            let r = min(max(raw, 0), 1)  // the reference is unclamped; 8 bits hold 0…1
            let e = abs(Double(q) - Double(r) * 255)
            squared += e * e
            maxError = max(maxError, e)
            if e > tolerance { off += 1 }
        }
        let mse = squared / Double(reference.count)
        psnr = mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
        maxLevelError = maxError
        fractionOff = Double(off) / Double(reference.count)
    }

    /// Compares float values in 0…1, quantising them first.
    init(values: [Float], reference: [Float], tolerance: Double = 2) {
        self.init(quantised: values.map { UInt8(min(max($0, 0), 1) * 255 + 0.5) }, reference: reference,
                  tolerance: tolerance)
    }
}
