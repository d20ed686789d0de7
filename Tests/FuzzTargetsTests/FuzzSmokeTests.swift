import Foundation
import XCTest
@testable import FuzzTargets

/// The CI side of fuzzing: every fuzz target over its committed corpus, its built-in seeds and
/// a few thousand deterministic mutations of them. Cheap (no sanitizer, no libFuzzer), so it runs
/// with every test run; a crash here is a decoder bug (fix it, and keep the input as a seed).
final class FuzzSmokeTests: XCTestCase {
    /// Mutations per target.
    static let mutations = 5000

    /// `fuzz/corpus/` in this checkout.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fuzz/corpus")

    /// The committed corpus of `target`.
    static func corpusInputs(_ target: FuzzTarget) -> [[UInt8]] {
        let folder = corpus.appendingPathComponent(target.name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).map { [UInt8]($0) }
        }
    }

    func testDaemonValidationIsLinked() {
        // Debug builds reach the daemon's internal checks; without them the protocol targets
        // would stop at the protobuf decode and the smoke test would cover less than it says.
        XCTAssertTrue(DaemonValidation.isAvailable)
        XCTAssertNoThrow(try AnimatorSeeds.arrays.rig(), "flame-param needs the seeds' rig")
    }

    func testEveryTargetHasACommittedCorpus() {
        for target in FuzzTargets.all {
            XCTAssertFalse(Self.corpusInputs(target).isEmpty, "fuzz/corpus/\(target.name) is empty or missing")
        }
    }

    func testTargetNamesAreUnique() {
        XCTAssertEqual(Set(FuzzTargets.all.map(\.name)).count, FuzzTargets.all.count)
    }

    func testRequest() { run("request") }
    func testDrive() { run("drive") }
    func testAudio() { run("audio") }
    func testPLY() { run("ply") }
    func testSplat() { run("splat") }
    func testNPY() { run("npy") }
    func testNPZ() { run("npz") }
    func testWAV() { run("wav") }
    func testConfiguration() { run("config") }
    func testLiveLink() { run("livelink") }
    func testVMC() { run("vmc") }
    func testBrowserJSON() { run("browser-json") }
    func testFLAMERig() { run("flame-rig") }
    func testFLAMEParam() { run("flame-param") }
    func testParamsJSON() { run("params-json") }

    func testEveryTargetHasATest() {
        let tested: Set = ["request", "drive", "audio", "ply", "splat", "npy", "npz", "wav", "config", "livelink",
                           "vmc", "browser-json", "flame-rig", "flame-param", "params-json"]
        XCTAssertEqual(Set(FuzzTargets.all.map(\.name)), tested)
    }

    /// Seeds, corpus and mutations through one target. The mutations are the same on every run,
    /// so a crash here (it ends the test process, naming the test) reproduces by running it again.
    private func run(_ name: String) {
        guard let target = FuzzTargets.named(name) else { return XCTFail("no fuzz target \(name)") }
        let inputs = target.seeds() + Self.corpusInputs(target)
        XCTAssertFalse(inputs.isEmpty)
        for input in inputs { target.run(input) }
        // The seed depends on the name only: the same mutations every run.
        var mutator = Mutator(seed: name.utf8.reduce(0xF022) { $0 &* 31 &+ UInt64($1) })
        for _ in 0..<Self.mutations {
            let seed = inputs[mutator.below(inputs.count)]
            let other = inputs[mutator.below(inputs.count)]
            target.run(mutator.mutate(seed, other: other, maximumLength: target.maximumLength))
        }
    }
}
