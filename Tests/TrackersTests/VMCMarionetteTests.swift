import Animator
import SplatCore
import Trackers
import XCTest

final class VMCMarionetteTests: XCTestCase {
    func frames(_ datagrams: [UInt8]..., marionette: inout VMCMarionette) throws -> [DriveInput.ARKit] {
        var out: [DriveInput.ARKit] = []
        for d in datagrams { out += try marionette.frames(for: OSCPacket.messages(in: d)) }
        return out
    }

    func weight(_ frame: DriveInput.ARKit, _ name: String) -> Float { frame.weights[ARKitNames.index[name]!] }

    func testValuesUntilApplyMakeOneFrame() throws {
        var m = VMCMarionette()
        // Values split over two datagrams still form one frame at Apply.
        let none = try frames(OSCBytes.bundle(OSCBytes.val("A", 1)), marionette: &m)
        XCTAssertTrue(none.isEmpty)
        let out = try frames(OSCBytes.bundle(OSCBytes.val("Blink", 1), OSCBytes.apply), marionette: &m)
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out[0].weights.count, 52)
        XCTAssertGreaterThan(weight(out[0], "jawOpen"), 0.5)
        XCTAssertEqual(weight(out[0], "eyeBlinkLeft"), 1)
        XCTAssertEqual(weight(out[0], "eyeBlinkRight"), 1)
        XCTAssertNil(out[0].headRotation, "no bones were sent")
        // The next frame starts empty: names not sent are 0.
        let next = try frames(OSCBytes.bundle(OSCBytes.val("O", 1), OSCBytes.apply), marionette: &m)
        XCTAssertEqual(weight(next[0], "eyeBlinkLeft"), 0)
        XCTAssertGreaterThan(weight(next[0], "mouthFunnel"), 0.5)
    }

    func testVRM0AndVRM1PresetsAgree() throws {
        for (v0, v1) in [("A", "aa"), ("I", "ih"), ("U", "ou"), ("E", "ee"), ("O", "oh"), ("Blink_L", "blinkLeft"),
                         ("Blink_R", "blinkRight"), ("Joy", "happy"), ("Sorrow", "sad"), ("Fun", "relaxed"), ("LookUp", "lookUp")] {
            var a = VMCMarionette(), b = VMCMarionette()
            let fa = try frames(OSCBytes.bundle(OSCBytes.val(v0, 0.8), OSCBytes.apply), marionette: &a)
            let fb = try frames(OSCBytes.bundle(OSCBytes.val(v1, 0.8), OSCBytes.apply), marionette: &b)
            XCTAssertEqual(fa[0].weights, fb[0].weights, "\(v0) vs \(v1)")
            XCTAssertGreaterThan(fa[0].weights.max()!, 0, v0)
        }
        var m = VMCMarionette()
        let blinkLeft = try frames(OSCBytes.bundle(OSCBytes.val("Blink_L", 1), OSCBytes.apply), marionette: &m)[0]
        XCTAssertEqual(weight(blinkLeft, "eyeBlinkLeft"), 1)
        XCTAssertEqual(weight(blinkLeft, "eyeBlinkRight"), 0)
        let neutral = try frames(OSCBytes.bundle(OSCBytes.val("Neutral", 1), OSCBytes.apply), marionette: &m)[0]
        XCTAssertEqual(neutral.weights.max(), 0)
    }

    func testPerfectSyncNamesInAnyCaseAndUnknownNamesCounted() throws {
        var m = VMCMarionette()
        let out = try frames(OSCBytes.bundle(OSCBytes.val("JawOpen", 0.7), OSCBytes.val("mouthSmileLeft", 0.4),
                                             OSCBytes.val("MyModelsOwnClip", 1), OSCBytes.apply), marionette: &m)
        XCTAssertEqual(weight(out[0], "jawOpen"), 0.7)
        XCTAssertEqual(weight(out[0], "mouthSmileLeft"), 0.4)
        XCTAssertEqual(m.ignoredNames, 1)
        XCTAssertEqual(m.lastIgnoredName, "MyModelsOwnClip")
        // A preset and a direct ARKit value on one weight: the larger wins; values are clamped to 0…1.
        let both = try frames(OSCBytes.bundle(OSCBytes.val("A", 1), OSCBytes.val("jawOpen", 0.9), OSCBytes.val("eyeWideLeft", 7),
                                              OSCBytes.apply), marionette: &m)[0]
        XCTAssertEqual(weight(both, "jawOpen"), 0.9)
        XCTAssertEqual(weight(both, "eyeWideLeft"), 1)
    }

    func testHeadBoneInUnityAxesTurnsTheHeadTheSameWay() throws {
        // Unity: a rotation about +y by −0.5 rad turns the face (+z) toward −x, the avatar's
        // left in Unity's left-handed axes. splatd: the avatar's left is +x, reached by a
        // rotation about +y by +0.5 rad.
        var m = VMCMarionette()
        let h: Float = -0.25
        let out = try frames(OSCBytes.bundle(OSCBytes.bone("Head", (0, sin(h), 0, cos(h)))), marionette: &m)
        XCTAssertEqual(out.count, 1, "bones without Apply make a frame of their own")
        let r = try XCTUnwrap(out[0].headRotation)
        XCTAssertEqual(r.y, 0.5, accuracy: 1e-5)
        XCTAssertEqual(r.x, 0, accuracy: 1e-6)
        XCTAssertTrue(out[0].weights.isEmpty, "a bones-only frame leaves the blendshapes as they are")
        // Pitch about x keeps its sign (the mirror is in x), roll about z flips.
        let p = try frames(OSCBytes.bundle(OSCBytes.bone("Head", (sin(0.1), 0, 0, cos(0.1))),
                                           OSCBytes.bone("Neck", (0, 0, sin(0.05), cos(0.05)))), marionette: &m)
        let rp = try XCTUnwrap(p.last?.headRotation)
        XCTAssertEqual(rp.x, 0.2, accuracy: 0.01)
        XCTAssertEqual(rp.z, -0.1, accuracy: 0.01)
    }

    func testRootNeckAndHeadCompose() throws {
        var m = VMCMarionette()
        let q: (Float, Float, Float, Float) = (0, sin(-0.1), 0, cos(-0.1))
        let out = try frames(OSCBytes.bundle(
            OSCBytes.message("/VMC/Ext/Root/Pos", .s("root"), .f(0), .f(0), .f(0), .f(q.0), .f(q.1), .f(q.2), .f(q.3)),
            OSCBytes.bone("Neck", q), OSCBytes.bone("Head", q), OSCBytes.bone("Hips", (0, 1, 0, 0)),
            OSCBytes.val("A", 0), OSCBytes.apply), marionette: &m)
        XCTAssertEqual(out.count, 1, "bones before Apply go into Apply's frame")
        XCTAssertEqual(try XCTUnwrap(out[0].headRotation).y, 0.6, accuracy: 1e-4)
    }

    func testEyeBonesOnlyOnceASenderTurnsThem() throws {
        var m = VMCMarionette()
        let still = try frames(OSCBytes.bundle(OSCBytes.bone("LeftEye", (0, 0, 0, 1)), OSCBytes.bone("RightEye", (0, 0, 0, 1))),
                               marionette: &m)
        XCTAssertNil(still[0].leftEyeRotation, "still eye bones do not override eyeLook* gaze")
        let turned = try frames(OSCBytes.bundle(OSCBytes.bone("LeftEye", (0, sin(-0.1), 0, cos(-0.1)))), marionette: &m)
        XCTAssertEqual(try XCTUnwrap(turned[0].leftEyeRotation).y, 0.2, accuracy: 1e-5)
        XCTAssertEqual(try XCTUnwrap(turned[0].rightEyeRotation), .zero)
    }

    func testBadArgumentsRefuseTheWholeDatagram() throws {
        var m = VMCMarionette()
        func refused(_ bytes: [UInt8], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try frames(bytes, marionette: &m), file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) does not say \(expected)", file: file, line: line)
            }
        }
        refused(OSCBytes.bundle(OSCBytes.val("A", 1), OSCBytes.message("/VMC/Ext/Blend/Val", .f(1)), OSCBytes.apply),
                "needs (string name, float value)")
        refused(OSCBytes.bundle(OSCBytes.val("A", .nan), OSCBytes.apply), "is NaN or infinite")
        refused(OSCBytes.bundle(OSCBytes.message("/VMC/Ext/Bone/Pos", .s("Head"), .f(0))), "needs (string name")
        refused(OSCBytes.bundle(OSCBytes.bone("Head", (0, 0, 0, 0))), "a zero rotation quaternion")
        refused(OSCBytes.bundle(OSCBytes.bone("Head", (0, .infinity, 0, 1))), "NaN or infinite")
        // Nothing of the refused datagrams was kept: the next Apply has no "A".
        let out = try frames(OSCBytes.bundle(OSCBytes.apply), marionette: &m)
        XCTAssertEqual(out[0].weights.max(), 0)
        XCTAssertNil(out[0].headRotation)
    }

    func testVMCDecoderKeepsEachSenderApart() throws {
        var decoder = VMCDecoder()
        _ = try decoder.frames(in: OSCBytes.bundle(OSCBytes.val("A", 1)), from: "10.0.0.1:5000")
        let other = try decoder.frames(in: OSCBytes.bundle(OSCBytes.val("Blink", 1), OSCBytes.apply), from: "10.0.0.2:5000")
        XCTAssertEqual(other.count, 1)
        XCTAssertEqual(other[0].subject, "10.0.0.2:5000")
        guard case let .arkit(a) = other[0].input else { return XCTFail() }
        XCTAssertEqual(a.weights[ARKitNames.index["jawOpen"]!], 0, "the first sender's A is not in the second's frame")
        let first = try decoder.frames(in: OSCBytes.apply, from: "10.0.0.1:5000")
        guard case let .arkit(b) = first[0].input else { return XCTFail() }
        XCTAssertGreaterThan(b.weights[ARKitNames.index["jawOpen"]!], 0.5)
    }
}
