import Animator
import Foundation
import SplatIO
import XCTest

/// PARAMS.json, the FLAME ↔ ARKit cross-mapping, and what an avatar does with bad drive values.
final class DriveTests: XCTestCase {
    func drive(_ json: String) throws -> AvatarDrive { try AvatarDrive(json: Data(json.utf8), source: "params.json") }

    func testParsesFLAMEParameters() throws {
        let d = try drive("""
            {"expr": [0.5, -1], "jaw_pose": [0.3, 0, 0], "neck_pose": [[0, 0.1, 0]], "eyes_pose": [1, 2, 3, 4, 5, 6],
             "rotation": [0, 0.5, 0], "translation": [0, 0, 0.1], "eyelids": [0.2, 0.4]}
            """)
        XCTAssertEqual(d, .flame(FLAMEParameters(expression: [0.5, -1], rotation: [0, 0.5, 0], neck: [0, 0.1, 0], jaw: [0.3, 0, 0],
                                                 leftEye: [1, 2, 3], rightEye: [4, 5, 6], translation: [0, 0, 0.1], eyelids: [0.2, 0.4])))
        XCTAssertEqual(try drive("{}"), .neutral)
        XCTAssertEqual(try drive("{\"jaw_pose\": [0.2, 0, 0]}"), .flame(FLAMEParameters(jaw: [0.2, 0, 0])))
    }

    func testParsesARKitWeights() throws {
        let d = try drive("{\"arkit\": {\"jawOpen\": 1, \"eyeBlinkLeft\": 0.5}, \"rotation\": [0, 0.3, 0]}")
        guard case .arkit(let p) = d else { return XCTFail("\(d)") }
        XCTAssertEqual(p["jawOpen"], 1)
        XCTAssertEqual(p["eyeBlinkLeft"], 0.5)
        XCTAssertEqual(p.headPose.rotation, [0, 0.3, 0])
    }

    func testRejectsBadFiles() {
        XCTAssertThrowsError(try drive("{\"expr\": [1], \"jaw\": [0, 0, 0], \"smile\": 1}")) {
            XCTAssertEqual($0 as? DriveError, .unknownKeys(source: "params.json", keys: ["jaw", "smile"]))
        }
        XCTAssertThrowsError(try drive("{\"jaw_pose\": [1, 2]}")) {
            guard case DriveError.wrongCount(let name, 2, "3") = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(name.contains("jaw_pose"))
        }
        XCTAssertThrowsError(try drive("{\"expr\": [1e39]}")) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "params.json: expr", index: 0))
        }
        XCTAssertThrowsError(try drive("{\"arkit\": {\"smile\": 1}}")) { XCTAssertEqual($0 as? DriveError, .unknownARKitName("smile")) }
        XCTAssertThrowsError(try drive("{\"arkit\": {\"jawOpen\": 1}, \"expr\": [1]}"))
        XCTAssertThrowsError(try drive("{\"expr\": [true]}"))
        XCTAssertThrowsError(try drive("[1, 2]"))
        XCTAssertThrowsError(try drive("{nope"))
    }

    func testARKitDrivesAFLAMEAvatar() throws {
        let avatar = try GaussianAvatarsFolder.load(fixtureURL("synthetic-ga-avatar"), rig: syntheticRig())
        let viaARKit = try avatar.posedVertices(.arkit(ARKitParameters(named: ["jawOpen": 1], headPose: HeadPose(yaw: 0.2))))
        let direct = try avatar.posedVertices(.flame(FLAMEParameters(rotation: HeadPose(yaw: 0.2).rotation, jaw: [0.5, 0, 0])))
        XCTAssertLessThanOrEqual(maxDistance(viaARKit, direct), 1e-6)
        XCTAssertGreaterThan(maxDistance(viaARKit, try avatar.posedVertices(.neutral)), 0.005)

        // Gaze: eyeLookOutLeft turns the left eye toward +x.
        let gaze = DriveMapping.flame(from: try ARKitParameters(named: ["eyeLookOutLeft": 1, "eyeLookInRight": 1]))
        XCTAssertEqual(gaze.leftEye.y, DriveMapping.eyeYawAngle, accuracy: 1e-6)
        XCTAssertEqual(gaze.rightEye.y, DriveMapping.eyeYawAngle, accuracy: 1e-6)
    }

    func testFLAMEDrivesTheDemoHead() throws {
        let avatar = try DemoAvatar.make(gaussianCount: 5000)
        let viaFLAME = try avatar.posedVertices(.flame(FLAMEParameters(expression: [3, -2, 1], rotation: [0, 0.3, 0], jaw: [0.5, 0, 0],
                                                                       eyelids: [1, 0])))
        let direct = try avatar.posedVertices(.arkit(ARKitParameters(named: ["jawOpen": 1, "eyeBlinkLeft": 1],
                                                                      headPose: HeadPose(rotation: [0, 0.3, 0]))))
        XCTAssertLessThanOrEqual(maxDistance(viaFLAME, direct), 1e-6)
        let mapped = DriveMapping.arkit(from: FLAMEParameters(jaw: [0.25, 0.05, 0]))
        XCTAssertEqual(mapped.parameters["jawOpen"], 0.5, accuracy: 1e-6)
        XCTAssertEqual(mapped.parameters["jawLeft"], 0.5, accuracy: 1e-6)
    }

    /// NaN is rejected; absurd finite values are clamped to ``DriveLimits``.
    func testAvatarRejectsNaNAndClampsAbsurdValues() throws {
        let avatar = try GaussianAvatarsFolder.load(fixtureURL("synthetic-ga-avatar"), rig: syntheticRig())
        var cloud = avatar.makeCloud()
        let before = cloud
        XCTAssertThrowsError(try avatar.pose(.flame(FLAMEParameters(expression: [.nan])), into: &cloud)) {
            XCTAssertEqual($0 as? DriveError, .nonFinite(parameter: "expr", index: 0))
        }
        XCTAssertEqual(cloud, before, "a rejected drive leaves the cloud alone")

        let huge = try avatar.posedVertices(.flame(FLAMEParameters(expression: [1e6, -1e6], jaw: [40, 0, 0], translation: [1e9, 0, 0])))
        let limit = DriveLimits.default
        let clamped = try avatar.posedVertices(.flame(FLAMEParameters(expression: [limit.expression, -limit.expression],
                                                                      jaw: [limit.jawAngle, 0, 0], translation: [limit.translation, 0, 0])))
        XCTAssertLessThanOrEqual(maxDistance(huge, clamped), 1e-4)
        XCTAssertTrue(huge.allSatisfy { $0.x.isFinite && $0.y.isFinite && $0.z.isFinite })
    }
}
