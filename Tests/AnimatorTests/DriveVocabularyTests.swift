import Animator
import XCTest

/// Either vocabulary drives any avatar, part by part: each part of the face follows the newest
/// frame that set it, whichever vocabulary it came in; refusals are complete.
final class DriveVocabularyTests: XCTestCase {
    private let jawOpen = 17

    /// Drives a channel with `frames` (one every 1/30 s) and returns the values shown after them.
    private func shown(after frames: [DriveInput], expressionCount: Int? = nil) throws -> DriveValues {
        var channel = DriveChannel()
        channel.expressionCount = expressionCount
        var t = 0.0
        for (i, frame) in frames.enumerated() {
            try channel.receive(frame, sequence: UInt64(i + 1), senderTimeUs: 0, now: t, receivedUs: 0)
            t += 1.0 / 30
        }
        // Long enough for the smoothing to settle, short enough to stay live.
        for _ in 0..<4 { _ = channel.values(at: t); t += 0.01 }
        return channel.values(at: t)
    }

    func testFLAMEJawAfterARKitFramesOpensTheDemoHeadsJaw() throws {
        var weights = [Float](repeating: 0, count: 52)
        weights[0] = 0.3   // a blink stays with ARKit
        let values = try shown(after: [.arkit(.init(weights: weights)), .arkit(.init(weights: weights)),
                                       .flame(.init(jaw: [0.4, 0, 0]))])
        XCTAssertEqual(values.owners.mouth, .flame)
        XCTAssertEqual(values.owners.lids, .arkit)
        guard case .arkit(let a)? = try? values.avatarDrive(for: .blendshape) else { return XCTFail("ARKit drive expected") }
        XCTAssertEqual(a.weights[jawOpen], 0.4 / DriveMapping.jawOpenAngle, accuracy: 0.02, "the FLAME jaw opens the demo head's mouth")
        XCTAssertEqual(a.weights[0], 0.3, accuracy: 0.02, "the ARKit blink is kept")
    }

    func testARKitJawOpenAfterFLAMEFramesOpensAFLAMEAvatarsJaw() throws {
        var weights = [Float](repeating: 0, count: 52)
        weights[jawOpen] = 0.8
        let values = try shown(after: [.flame(.init(expression: [1, 0.5], leftEye: [0, 0.2, 0], rightEye: [0, 0.2, 0])),
                                       .arkit(.init(named: ["jawOpen": 0.8]))])
        guard case .flame(let p)? = try? values.avatarDrive(for: .flame) else { return XCTFail("FLAME drive expected") }
        XCTAssertEqual(p.jaw.x, 0.8 * DriveMapping.jawOpenAngle, accuracy: 0.02, "ARKit jawOpen drives the jaw joint")
        XCTAssertEqual(p.leftEye.y, 0.2, accuracy: 0.01, "the FLAME eyes are kept (not set by the ARKit frame)")
        XCTAssertEqual(p.expression.first ?? 0, 1, accuracy: 0.02, "the FLAME expression is kept")
    }

    func testFLAMENeckAndEyesAfterARKitFramesTurnTheDemoHead() throws {
        let values = try shown(after: [.arkit(.init(weights: [Float](repeating: 0, count: 52))),
                                       .flame(.init(neck: [0, 0.3, 0], leftEye: [0, 0.25, 0], rightEye: [0, 0.25, 0]))])
        guard case .arkit(let a)? = try? values.avatarDrive(for: .blendshape) else { return XCTFail("ARKit drive expected") }
        XCTAssertEqual(a.headPose.rotation.y, 0.3, accuracy: 0.02, "the neck turns the head")
        XCTAssertEqual(a.eyes?.left.y ?? 0, 0.25, accuracy: 0.01, "the eyes turn rigidly")
    }

    func testMediaPipeNamesAreAcceptedUnchanged() throws {
        let values = try shown(after: [.arkit(.init(named: ["_neutral": 0.9, "JawOpen": 0.6, "eyeblinkleft": 0.4]))])
        XCTAssertEqual(values.arkit[jawOpen], 0.6, accuracy: 0.02)
        XCTAssertEqual(values.arkit[0], 0.4, accuracy: 0.02)
        XCTAssertThrowsError(try shown(after: [.arkit(.init(named: ["jawOpenWide": 1]))])) {
            XCTAssertEqual($0 as? DriveInputError, .unknownARKitName("jawOpenWide"))
        }
    }

    func testExpressionLongerThanTheRigOrOutOfRangeIsRefused() throws {
        XCTAssertThrowsError(try shown(after: [.flame(.init(expression: [Float](repeating: 0.1, count: 60)))], expressionCount: 50)) {
            guard case .wrongLength(let field, 60, let expected)? = $0 as? DriveInputError else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "flame.expr")
            XCTAssertTrue(expected.contains("50"), expected)
        }
        XCTAssertNoThrow(try shown(after: [.flame(.init(expression: [Float](repeating: 0.1, count: 50)))], expressionCount: 50))
        XCTAssertThrowsError(try shown(after: [.flame(.init(expression: [0, 12]))])) {
            guard case .outOfRange(let field, 12, _)? = $0 as? DriveInputError else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "flame.expr")
        }
        XCTAssertNoThrow(try shown(after: [.flame(.init(expression: [0, DriveLimits.acceptedExpression]))]))
    }

    func testEasingBackToIdleStaysInTheVocabularyThatDroveIt() {
        var channel = DriveChannel()
        XCTAssertNoThrow(try channel.receive(.arkit(.init(named: ["jawOpen": 1])), sequence: 1, senderTimeUs: 0, now: 0, receivedUs: 0))
        _ = channel.values(at: 0.2)
        let easing = channel.values(at: 0.9)   // held 0.5 s, then easing
        XCTAssertEqual(channel.state(at: 0.9), .easing)
        XCTAssertEqual(easing.owners.mouth, .arkit)
        guard case .flame(let p)? = try? easing.avatarDrive(for: .flame) else { return XCTFail() }
        XCTAssertGreaterThan(p.jaw.x, 0.1, "the ARKit jaw eases closed rather than snapping shut")
    }
}
