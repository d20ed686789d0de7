import Foundation
import XCTest
import SplatIO

/// Load time of a 100k-Gaussian degree-3 PLY (~25 MB). Skipped unless `SPLATIO_BENCH=1`;
/// meaningful in a release build: `SPLATIO_BENCH=1 swift test -c release --filter PLYBenchmarkTests`.
final class PLYBenchmarkTests: XCTestCase {
    func testLoad100kDegree3() throws {
        guard ProcessInfo.processInfo.environment["SPLATIO_BENCH"] == "1" else {
            throw XCTSkip("set SPLATIO_BENCH=1 to run")
        }
        let dir = try makeTemporaryDirectory(self)
        let url = dir.appendingPathComponent("bench.ply")
        let cloud = randomCloud(count: 100_000, degree: 3, bindings: true)
        try PLYWriter.write(cloud, to: url)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let loaded = try PLYReader.read(contentsOf: url)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            XCTAssertEqual(loaded.count, 100_000)
        }
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        print("PLY load: 100k Gaussians, degree 3, \(size / 1_000_000) MB: best of 5 = \(String(format: "%.1f", best)) ms")
    }
}
