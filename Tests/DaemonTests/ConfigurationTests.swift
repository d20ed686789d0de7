import Daemon
import Foundation
import XCTest

final class ConfigurationTests: XCTestCase {
    private func load(_ json: String) throws -> DaemonConfiguration {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-config-\(UUID().uuidString).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try DaemonConfiguration(contentsOf: url)
    }

    func testAnySubsetOfKeysOverTheDefaults() throws {
        let c = try load(#"{"control": "ipc:///tmp/splatd-control", "maximumStreams": 4, "mixing": {"jawAndMouth": "tracker", "headPose": "tracker", "eyesAndBrows": "tracker"}}"#)
        XCTAssertEqual(c.control, "ipc:///tmp/splatd-control")
        XCTAssertEqual(c.maximumStreams, 4)
        XCTAssertEqual(c.drive, DaemonConfiguration().drive)
        XCTAssertEqual(c.mixing.jawAndMouth, .tracker)
        XCTAssertTrue(c.loadDemo)
        // A partial mixing object keeps the other owners at their defaults.
        let partial = try load(#"{"mixing": {"headPose": "audio"}}"#)
        XCTAssertEqual(partial.mixing.headPose, .audio)
        XCTAssertEqual(partial.mixing.jawAndMouth, .audio)
        XCTAssertEqual(partial.mixing.eyesAndBrows, .tracker)
    }

    func testMistakesAreNamed() {
        let cases: [(String, String)] = [
            (#"{"contorl": "tcp://127.0.0.1:1"}"#, "unknown keys contorl"),
            (#"{"maximumStreams": 0}"#, "maximumStreams"),
            (#"{"mixing": {"jawAndMouth": "both", "headPose": "tracker", "eyesAndBrows": "tracker"}}"#, "mixing.jawAndMouth"),
            (#"{"holdSeconds": -1}"#, "holdSeconds"),
            (#"[1, 2]"#, "not a JSON object"),
            ("{", ".json"),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try load(json), json) { XCTAssertTrue("\($0)".contains(expected), "\($0) should mention \(expected)") }
        }
    }
}
