import ArgumentParser
import Daemon
import Foundation
import Logging
import SplatProtocol
import XCTest
@testable import splatctl

/// `splatctl mix` against a daemon in this process: parts not named keep their owner, and
/// `mix AVATAR` alone shows the current owners without changing them.
final class MixCommandTests: XCTestCase {
    private var service: SplatService!
    private var control = ""

    override func setUpWithError() throws {
        service = try SplatService.quiet()
        control = try service.start().control
    }

    override func tearDown() {
        service?.stop()
        service = nil
    }

    private func mixing(of avatar: String) throws -> Splatd_V1_Mixing {
        let client = try ControlClient(endpoint: control, timeout: 5)
        let (_, status) = try client.call(.getStatus(.init()), what: "status", expect: "daemon status") {
            if case .daemonStatus(let s) = $0 { return s } else { return nil }
        }
        return try XCTUnwrap(status.avatars.first { $0.info.avatarID == avatar }).mixing
    }

    private func mix(_ arguments: [String]) throws {
        var command = try SplatctlCommand.parseAsRoot(["mix"] + arguments + ["--control", control, "--timeout", "5"])
        try command.run()
    }

    func testNamedPartsChangeAndTheOthersKeepTheirOwner() throws {
        let defaults = try mixing(of: "demo")
        XCTAssertEqual([defaults.jawAndMouth, defaults.headPose, defaults.eyesAndBrows], [.audio, .tracker, .tracker],
                       "the configuration's default")

        try mix(["demo", "--head", "audio"])
        XCTAssertEqual(try mixing(of: "demo"), .with { $0.jawAndMouth = .audio; $0.headPose = .audio; $0.eyesAndBrows = .tracker })

        try mix(["demo", "--mouth", "tracker"])
        XCTAssertEqual(try mixing(of: "demo"), .with { $0.jawAndMouth = .tracker; $0.headPose = .audio; $0.eyesAndBrows = .tracker },
                       "the head keeps the owner the previous mix gave it")

        try mix(["demo"])
        XCTAssertEqual(try mixing(of: "demo"), .with { $0.jawAndMouth = .tracker; $0.headPose = .audio; $0.eyesAndBrows = .tracker },
                       "`mix demo` alone changes nothing")

        try mix(["demo", "--eyes", "audio", "--head", "tracker", "--mouth", "audio"])
        XCTAssertEqual(try mixing(of: "demo"), .with { $0.jawAndMouth = .audio; $0.headPose = .tracker; $0.eyesAndBrows = .audio })
    }

    func testTheNewOwnersFromTheCurrentOnes() throws {
        let current = Splatd_V1_Mixing.with { $0.jawAndMouth = .tracker; $0.headPose = .audio; $0.eyesAndBrows = .audio }
        let eyes = try XCTUnwrap(SplatctlCommand.parseAsRoot(["mix", "demo", "--eyes", "tracker"]) as? MixCommand)
        XCTAssertEqual(eyes.mixing(from: current), .with { $0.jawAndMouth = .tracker; $0.headPose = .audio; $0.eyesAndBrows = .tracker })
        let none = try XCTUnwrap(SplatctlCommand.parseAsRoot(["mix", "demo"]) as? MixCommand)
        XCTAssertEqual(none.mixing(from: current), current)
        XCTAssertEqual(MixCommand.describe(current, avatar: "demo"), "avatar demo: mouth ← tracker, head ← audio, eyes and brows ← audio")
    }

    func testAnUnknownAvatarFailsWithTheLoadedOnes() throws {
        XCTAssertThrowsError(try mix(["nobody", "--mouth", "tracker"])) { error in
            guard case .daemon("mix", .notFound, let message)? = error as? SplatctlError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("nobody") && message.contains("demo"), message)
            XCTAssertEqual(SplatctlCommand.exitCode(for: error), .failure)
        }
        XCTAssertThrowsError(try SplatctlCommand.parseAsRoot(["mix", "demo", "--mouth", "camera"]), "owners are tracker or audio")
    }
}
