import ArgumentParser
import Foundation
import SplatProtocol
import XCTest
@testable import splatctl

/// Command lines → parsed commands and the requests they would send.
final class ArgumentParsingTests: XCTestCase {
    private func parse<C: ParsableCommand>(_ type: C.Type, _ arguments: [String]) throws -> C {
        let command = try SplatctlCommand.parseAsRoot(arguments)
        return try XCTUnwrap(command as? C, "parsed as \(Swift.type(of: command))")
    }

    func testGlobalOptionsBeforeOrAfterTheCommand() throws {
        let before = try parse(PingCommand.self, ["--control", "tcp://10.0.0.2:6000", "--timeout", "2.5", "--json", "ping"])
        XCTAssertEqual(before.global.control, "tcp://10.0.0.2:6000")
        XCTAssertEqual(before.global.timeout, 2.5)
        XCTAssertTrue(before.global.json)
        let after = try parse(PingCommand.self, ["ping", "--control", "tcp://10.0.0.2:6000"])
        XCTAssertEqual(after.global.control, "tcp://10.0.0.2:6000")
        XCTAssertFalse(after.global.json)
    }

    func testDefaults() throws {
        let c = try parse(StatusCommand.self, ["status"])
        XCTAssertEqual(c.global.control, "tcp://127.0.0.1:5555")
        XCTAssertEqual(c.global.frames, "tcp://127.0.0.1:5557")
        XCTAssertEqual(c.global.drive, "tcp://127.0.0.1:5556")
        XCTAssertEqual(c.global.timeout, 10)
        XCTAssertNil(c.watch)
    }

    func testFramesIsAlwaysAnEndpointAndWatchCountsWithCount() throws {
        let w = try parse(WatchCommand.self, ["--frames", "tcp://h:7000", "watch", "cam", "--count", "100", "--out", "/tmp/x", "--verify"])
        XCTAssertEqual(w.global.frames, "tcp://h:7000")
        XCTAssertEqual(w.count, 100)
        XCTAssertTrue(w.verify)
        XCTAssertEqual(try parse(WatchCommand.self, ["watch", "cam", "-n", "5"]).count, 5)
        XCTAssertEqual(try parse(WatchCommand.self, ["watch", "cam", "--frames", "ipc:///tmp/f"]).global.frames, "ipc:///tmp/f")
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["watch", "cam", "--count", "0"]))
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["watch", "cam", "--frames", "localhost:5557"]))
        // A number after --frames is a mistake that names the count option.
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["watch", "cam", "--frames", "100"])) { error in
            let message = SplatctlCommand.message(for: error)
            XCTAssertTrue(message.contains("--frames 100 is not an endpoint") && message.contains("--count 100"), message)
            XCTAssertEqual(SplatctlCommand.exitCode(for: error).rawValue, 64)
        }
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["ping", "--frames", "10"]))
    }

    /// `--camera-rig FILE` reads protobuf JSON; a missing, malformed, truncated or wrongly
    /// shaped file is refused naming the file, and the layout and stereo options are checked.
    func testCameraRigFileAndLayout() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatctl-rig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let camera = #"{"fx": 300, "fy": 300, "cx": 128, "cy": 128, "worldToCamera": [1,0,0,0, 0,-1,0,0, 0,0,-1,1, 0,0,0,1]}"#
        let rig = try file("rig.json", #"{"cameras": [\#(camera), \#(camera)]}"#)
        let open = try parse(OpenCommand.self, ["open", "demo", "--camera-rig", rig, "--layout", "views", "--size", "512x256"])
        let request = open.settings.openRequest(avatar: "demo", streamID: nil)
        XCTAssertEqual(request.cameraRig.cameras.count, 2)
        XCTAssertEqual(request.cameraRig.cameras[1].worldToCamera.count, 16)
        XCTAssertEqual(request.cameraRig.cameras[0].fx, 300)
        XCTAssertEqual(request.layout, .views)

        let bad = [folder.appendingPathComponent("missing.json").path,
                   try file("number.json", #"{"cameras": 5}"#),
                   try file("text.json", "not JSON at all"),
                   try file("truncated.json", String(#"{"cameras": [\#(camera)]}"#.prefix(40))),
                   try file("nan.json", #"{"cameras": [{"fx": "NaN-ish"}]}"#)]
        for path in bad {
            XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["open", "demo", "--camera-rig", path])) { error in
                let message = SplatctlCommand.message(for: error)
                XCTAssertTrue(message.contains(path), message)
                XCTAssertEqual(SplatctlCommand.exitCode(for: error).rawValue, 64)
            }
        }
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["open", "demo", "--camera-rig", rig, "--stereo"]))
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["update", "cam", "--camera-rig", rig, "--mono"]))
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["open", "demo", "--layout", "diagonal"]))
    }

    func testEndpointsFlagOverEnvironmentOverDefault() throws {
        let environment = ["SPLATD_CONTROL": "tcp://10.0.0.5:6000", "SPLATD_DRIVE": "tcp://10.0.0.5:6001",
                           "SPLATD_FRAMES": "ipc:///tmp/splatd-frames", "SPLATD_AUDIO": ""]
        let plain = try parse(PingCommand.self, ["ping"]).global
        XCTAssertEqual(plain.endpoint(.control, environment: environment), "tcp://10.0.0.5:6000")
        XCTAssertEqual(plain.endpoint(.drive, environment: environment), "tcp://10.0.0.5:6001")
        XCTAssertEqual(plain.endpoint(.frames, environment: environment), "ipc:///tmp/splatd-frames")
        XCTAssertEqual(plain.endpoint(.audio, environment: environment), "tcp://127.0.0.1:5558", "an empty variable is unset")
        XCTAssertEqual(plain.endpoint(.control, environment: [:]), "tcp://127.0.0.1:5555")

        let flags = try parse(PingCommand.self, ["--control", "tcp://h:1", "ping", "--audio", "tcp://h:4"]).global
        XCTAssertEqual(flags.endpoint(.control, environment: environment), "tcp://h:1")
        XCTAssertEqual(flags.endpoint(.audio, environment: environment), "tcp://h:4")
        XCTAssertEqual(flags.endpoint(.drive, environment: environment), "tcp://10.0.0.5:6001")
        XCTAssertEqual(GlobalOptions.Endpoint.allCases.map(\.variable), ["SPLATD_CONTROL", "SPLATD_DRIVE", "SPLATD_FRAMES", "SPLATD_AUDIO"])

        // A variable that is not an endpoint is a runtime failure (exit 1) naming the variable.
        XCTAssertThrowsError(try plain.validate(environment: ["SPLATD_DRIVE": "localhost:5556"])) { error in
            XCTAssertEqual(error as? SplatctlError, .badVariable(name: "SPLATD_DRIVE", value: "localhost:5556", example: "tcp://127.0.0.1:5556"))
            XCTAssertEqual(SplatctlCommand.exitCode(for: error), .failure)
            XCTAssertTrue("\(error)".hasPrefix("SPLATD_DRIVE=localhost:5556 is not an endpoint"), "\(error)")
        }
        XCTAssertNoThrow(try flags.validate(environment: ["SPLATD_CONTROL": "junk"]), "the flag wins; the variable is not used")
    }

    func testGlobalOptionsAreListedOnceInTheRootHelp() {
        let root = SplatctlCommand.helpMessage(columns: 200)
        XCTAssertTrue(root.contains("GLOBAL OPTIONS:") && root.contains("--control <endpoint>") && root.contains("SPLATD_CONTROL"), root)
        // `status` still declares them visibly (StatusCommand.swift is being changed elsewhere).
        for command in SplatctlCommand.configuration.subcommands {
            let help = SplatctlCommand.helpMessage(for: command, columns: 200)
            XCTAssertFalse(help.contains("--control <endpoint>") || help.contains("--timeout <seconds>") || help.contains("GLOBAL"),
                           "\(command._commandName) repeats the global options:\n\(help)")
        }
    }

    func testBadGlobalValuesAreRefused() {
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["--timeout", "0", "ping"]))
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["--control", "127.0.0.1:5555", "ping"]))
    }

    func testOpenSendsOnlyWhatWasGiven() throws {
        let o = try parse(OpenCommand.self, ["open", "demo", "--id", "cam", "--size", "640x480", "--codec", "png", "--yaw", "-30",
                                             "--background", "0,0,255"])
        let r = o.settings.openRequest(avatar: o.avatar, streamID: o.id)
        XCTAssertEqual(r.avatarID, "demo")
        XCTAssertEqual(r.streamID, "cam")
        XCTAssertEqual(r.width, 640)
        XCTAssertEqual(r.height, 480)
        XCTAssertEqual(r.codec, .png)
        XCTAssertEqual(r.fps, 0, "absent: the daemon's default")
        XCTAssertEqual(r.orbit.yawDegrees, -30)
        XCTAssertEqual(r.orbit.distance, 0, "absent: the daemon's default")
        XCTAssertEqual(r.background.z, 1)
        XCTAssertEqual(r.background.x, 0)

        let plain = try parse(OpenCommand.self, ["open", "demo"]).settings.openRequest(avatar: "demo", streamID: nil)
        XCTAssertFalse(plain.hasBackground)
        XCTAssertNil(plain.view)
        XCTAssertEqual(plain.streamID, "")
    }

    func testUpdateSetsOnlyTheGivenOneofs() throws {
        let u = try parse(UpdateCommand.self, ["update", "cam", "--fps", "15", "--quality", "0"])
        let r = u.settings.updateRequest(stream: u.stream, avatar: u.avatar)
        XCTAssertEqual(r.fpsSet, .fps(15))
        XCTAssertEqual(r.qualitySet, .quality(0), "an explicit 0 is sent (the codec's default)")
        XCTAssertNil(r.widthSet)
        XCTAssertNil(r.heightSet)
        XCTAssertNil(r.codecSet)
        XCTAssertNil(r.conventionSet)
        XCTAssertNil(r.view)
        XCTAssertNil(r.avatarSet)
        XCTAssertFalse(r.hasBackground)
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["update", "cam"]), "nothing to change")
    }

    func testSizeParsing() throws {
        XCTAssertEqual(try FrameSize(parsing: "256x128"), FrameSize(width: 256, height: 128))
        XCTAssertEqual(try FrameSize(parsing: "256×128"), FrameSize(width: 256, height: 128))
        XCTAssertEqual(try FrameSize(parsing: "512"), FrameSize(width: 512, height: 512))
        for bad in ["", "x", "abc", "10x", "0x10", "-5x5", "1x2x3", "12.5x3"] {
            XCTAssertThrowsError(try FrameSize(parsing: bad), bad)
        }
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["open", "demo", "--size", "abc"]))
    }

    func testColourCodecConventionParsing() throws {
        XCTAssertEqual(try BackgroundColour(parsing: "0.1, 0.2,0.3"), BackgroundColour(red: 0.1, green: 0.2, blue: 0.3))
        XCTAssertEqual(try BackgroundColour(parsing: "255,0,51"), BackgroundColour(red: 1, green: 0, blue: 0.2))
        for bad in ["1,2", "a,b,c", "-1,0,0", "300,0,0", "nan,0,0"] { XCTAssertThrowsError(try BackgroundColour(parsing: bad), bad) }
        XCTAssertEqual(try StreamCodec(parsing: "JPG"), .jpeg)
        XCTAssertEqual(try StreamCodec(parsing: "raw").wire, .raw)
        XCTAssertThrowsError(try StreamCodec(parsing: "gif"))
        XCTAssertEqual(try StreamConvention(parsing: "INRIA").wire, .inria)
        XCTAssertThrowsError(try StreamConvention(parsing: "opengl"))
    }

    func testLoadPathsBecomeAbsolute() {
        XCTAssertEqual(LoadCommand.daemonPath("demo", currentDirectory: "/srv"), "demo")
        XCTAssertEqual(LoadCommand.daemonPath("/data/a.ply", currentDirectory: "/srv"), "/data/a.ply")
        XCTAssertEqual(LoadCommand.daemonPath("avatars/a.ply", currentDirectory: "/srv"), "/srv/avatars/a.ply")
        XCTAssertEqual(LoadCommand.daemonPath("../a.ply", currentDirectory: "/srv/x"), "/srv/a.ply")
        XCTAssertEqual(LoadCommand.daemonPath("./demo", currentDirectory: "/srv"), "/srv/demo", "only the bare word is the built-in head")
    }

    func testLoadOptions() throws {
        let l = try parse(LoadCommand.self, ["load", "a.ply", "--id", "me", "--rig", "flame.npz", "--replace"])
        XCTAssertEqual(l.id, "me")
        XCTAssertEqual(l.rig, "flame.npz")
        XCTAssertTrue(l.replace)
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["load", "a.ply", "--replace"]), "--replace needs --id")
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["load", "a.ply", "--id", "not ok"]))
    }

    func testDriveFrames() throws {
        let d = try parse(DriveCommand.self, ["drive", "demo", "--arkit", "jawOpen=0.8,eyeBlinkLeft=1", "--wave"])
        let start = d.frame(sequence: 1, at: 0, senderTimeUs: 42)
        XCTAssertEqual(start.avatarID, "demo")
        XCTAssertEqual(start.sequence, 1)
        XCTAssertEqual(start.senderTimeUs, 42)
        XCTAssertEqual(start.arkit.named["jawOpen"], 0, "the wave starts closed")
        let peak = d.frame(sequence: 2, at: 0.5, senderTimeUs: 43)
        XCTAssertEqual(try XCTUnwrap(peak.arkit.named["jawOpen"]), 0.8, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(peak.arkit.named["eyeBlinkLeft"]), 1, accuracy: 1e-6)

        let flame = try parse(DriveCommand.self, ["drive", "ga", "--flame-jaw", "0.25"])
        XCTAssertEqual(flame.frame(sequence: 1, at: 0.3, senderTimeUs: 0).flame.jawPose.x, 0.25)

        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["drive", "demo", "--rate", "30"]), "--fps, as everywhere else")
        XCTAssertEqual(try parse(DriveCommand.self, ["drive", "demo", "--wave", "--fps", "60"]).fps, 60)

        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["drive", "demo"]), "nothing to send")
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["drive", "demo", "--arkit", "jawopen=1"]), "case-sensitive names")
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["drive", "demo", "--arkit", "jawOpen=1", "--flame-jaw", "0.1"]))
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["drive", "demo", "--wave", "--fps", "0"]))
    }

    /// `splatctl drive demo --wave` sends what `splatd-publish --wave` sends (the Python test
    /// `test_the_test_wave_is_splatctls` checks the same values): jawOpen = 0.5 − 0.5·cos(2π·t),
    /// head yaw 10°·sin(π·t).
    func testTheTestWave() throws {
        let wave = try parse(DriveCommand.self, ["drive", "demo", "--wave"])
        for (t, jaw, yawDegrees) in [(0.0, 0.0, 0.0), (0.25, 0.5, 10 * sin(Double.pi / 4)), (0.5, 1, 10), (1, 0, 0), (1.5, 1, -10)] {
            let frame = wave.frame(sequence: 1, at: t, senderTimeUs: 0)
            XCTAssertEqual(try XCTUnwrap(frame.arkit.named["jawOpen"]), Float(jaw), accuracy: 1e-6, "t = \(t)")
            XCTAssertEqual(frame.arkit.headRotation.y, Float(yawDegrees * .pi / 180), accuracy: 1e-6, "t = \(t)")
            XCTAssertEqual(frame.arkit.headRotation.x, 0)
            XCTAssertEqual(frame.arkit.headRotation.z, 0)
        }
        let still = try parse(DriveCommand.self, ["drive", "demo", "--wave", "--head-yaw", "0"]).frame(sequence: 1, at: 0.5, senderTimeUs: 0)
        XCTAssertFalse(still.arkit.hasHeadRotation, "--head-yaw 0 turns the swing off")
        XCTAssertEqual(still.arkit.named["jawOpen"], 1)
        let wide = try parse(DriveCommand.self, ["drive", "demo", "--wave", "--head-yaw", "30", "--wave-hz", "2"])
        XCTAssertEqual(wide.frame(sequence: 1, at: 0.25, senderTimeUs: 0).arkit.headRotation.y, 30 * .pi / 180, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(wide.frame(sequence: 1, at: 0.25, senderTimeUs: 0).arkit.named["jawOpen"]), 1, accuracy: 1e-6)
        let steady = try parse(DriveCommand.self, ["drive", "demo", "--head-yaw", "20"]).frame(sequence: 1, at: 0.3, senderTimeUs: 0)
        XCTAssertEqual(steady.arkit.headRotation.y, 20 * .pi / 180, accuracy: 1e-6, "without --wave the yaw is steady")
        XCTAssertTrue(steady.arkit.named.isEmpty)
    }

    func testErrorMessagesNameTheEndpointAndTheNextStep() {
        let timeout = SplatctlError.noReply(endpoint: "tcp://127.0.0.1:5555", timeout: 10).description
        XCTAssertTrue(timeout.hasPrefix("no reply from tcp://127.0.0.1:5555 within 10 s — is splatd running?"), timeout)
        let notFound = SplatctlError.daemon(request: "open stream of avatar \"x\"", status: .notFound, message: "no avatar \"x\"").description
        XCTAssertEqual(notFound, "open stream of avatar \"x\" failed: NOT_FOUND: no avatar \"x\" (see `splatctl list` for the loaded avatars)")
    }
}
