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
            (#"{"outputs": ["rtmp://127.0.0.1/live/key"]}"#, "must be STREAM=URL"),
            (#"{"outputs": ["default="]}"#, "must be STREAM=URL"),
            (#"{"maximumOutputs": 0}"#, "maximumOutputs"),
            ("{", ".json"),
        ]
        for (json, expected) in cases {
            XCTAssertThrowsError(try load(json), json) { XCTAssertTrue("\($0)".contains(expected), "\($0) should mention \(expected)") }
        }
    }

    /// `outputs` start with the daemon; one whose stream is not open stops the start with a
    /// message naming it.
    func testOutputsStartWithTheDaemon() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-config-outputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var c = try load(#"{"outputs": ["default=take.mkv"], "defaultStream": true}"#)
        c.control = "tcp://127.0.0.1:*"; c.drive = "tcp://127.0.0.1:*"; c.frames = "tcp://127.0.0.1:*"; c.audio = "tcp://127.0.0.1:*"
        c.outputFolder = folder.path
        let service = try SplatService(configuration: c)
        let endpoints = try service.start()
        defer { service.stop() }
        XCTAssertEqual(endpoints.outputs.count, 1)
        XCTAssertTrue(endpoints.outputs[0].hasPrefix("default → "), endpoints.outputs[0])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, service.status().outputs.first?.state != .live { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertEqual(service.status().outputs.first?.state, .live)

        c.outputs = ["nothere=take2.mkv"]
        let failing = try SplatService(configuration: c)
        XCTAssertThrowsError(try failing.start()) { XCTAssertTrue("\($0)".contains("no stream \"nothere\""), "\($0)") }
        failing.stop()
    }
}
