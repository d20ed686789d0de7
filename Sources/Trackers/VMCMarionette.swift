import Animator
import Foundation
import SplatCore

/// A VMC protocol receiver (a "Marionette"): turns the OSC messages of one performer (VSeeFace,
/// Waidayo, VMC, Warudo …) into drive frames.
///
/// - `/VMC/Ext/Blend/Val (name, value)` collects blendshape values; `/VMC/Ext/Blend/Apply`
///   makes one drive frame of every value since the previous Apply (names not sent are 0).
///   Names are VRM presets (``VRMPreset``, either VRM version, any case) or ARKit names in any
///   case ("Perfect Sync"); presets add their mixes (clamped to 1) and an ARKit value raises its
///   weight to at least that value. Other names (a model's own clips) are ignored and counted.
/// - `/VMC/Ext/Bone/Pos (bone, px, py, pz, qx, qy, qz, qw)` for `Head`, `Neck`, `LeftEye`,
///   `RightEye`, and `/VMC/Ext/Root/Pos ("root", px, py, pz, qx, qy, qz, qw, …)`: the head turns
///   by root · neck · head; the eyes by their own bones once a sender has turned them (senders
///   that steer the gaze with `eyeLook*` values send still eye bones, which then do not override
///   it). Positions are not used: the head stays where the camera frames it.
///   Rotations come in Unity's left-handed axes (+y up, +z forward, +x the avatar's right) and are
///   mirrored into splatd's right-handed ones (+x the avatar's left): (qx, qy, qz, qw) becomes
///   (qx, −qy, −qz, qw).
/// - Everything else (`/VMC/Ext/OK`, `/VMC/Ext/T`, body bones, cameras …) is ignored.
///
/// When a datagram turns bones but has no Apply, its bones make a frame of their own, so
/// performers that send no blendshapes still turn the head.
public struct VMCMarionette: Sendable {
    /// Blendshape names that were neither a VRM preset nor an ARKit name.
    public private(set) var ignoredNames: UInt64 = 0
    /// The newest of those names (for the status and the log).
    public private(set) var lastIgnoredName: String?

    private var presets: [String: Float] = [:]
    private var direct: [Int: Float] = [:]
    private var bones: [Bone: SIMD4<Double>] = [:]
    private var bonesChanged = false
    private var eyesTurned = false

    enum Bone: Hashable, Sendable { case root, neck, head, leftEye, rightEye }

    public init() {}

    /// One command read from a message, checked before anything changes.
    private enum Command {
        case blend(name: String, value: Float)
        case apply
        case bone(Bone, SIMD4<Double>)
    }

    /// The drive frames a datagram's messages make. A message with wrong arguments refuses the
    /// whole datagram: nothing of it is applied.
    public mutating func frames(for messages: [OSCMessage]) throws(TrackerError) -> [DriveInput.ARKit] {
        var commands: [Command] = []
        for m in messages { if let c = try Self.command(m) { commands.append(c) } }
        var out: [DriveInput.ARKit] = []
        for c in commands {
            switch c {
            case let .blend(name, value): collect(name, value)
            case .apply: out.append(makeFrame(withWeights: true))
            case let .bone(bone, q):
                bones[bone] = q
                bonesChanged = true
                if bone == .leftEye || bone == .rightEye, 2 * acos(min(1, abs(q.x))) > 1e-3 { eyesTurned = true }
            }
        }
        if bonesChanged { out.append(makeFrame(withWeights: false)) }
        return out
    }

    private static func command(_ m: OSCMessage) throws(TrackerError) -> Command? {
        switch m.address {
        case "/VMC/Ext/Blend/Val":
            guard m.arguments.count >= 2, case let .string(name) = m.arguments[0], let value = m.arguments[1].number else {
                throw .invalid("/VMC/Ext/Blend/Val needs (string name, float value)")
            }
            guard value.isFinite else { throw .notFinite("blendshape \(name.quotedForMessage)") }
            return .blend(name: name, value: value)
        case "/VMC/Ext/Blend/Apply":
            return .apply
        case "/VMC/Ext/Bone/Pos", "/VMC/Ext/Root/Pos":
            guard m.arguments.count >= 8, case let .string(name) = m.arguments[0] else {
                throw .invalid("\(m.address) needs (string name, px, py, pz, qx, qy, qz, qw)")
            }
            var f: [Float] = []
            for a in m.arguments[1...7] {
                guard let v = a.number else { throw .invalid("\(m.address) \(name.quotedForMessage): a position or rotation is not a number") }
                guard v.isFinite else { throw .notFinite("\(m.address) \(name.quotedForMessage)") }
                f.append(v)
            }
            let bone: Bone
            if m.address == "/VMC/Ext/Root/Pos" { bone = .root } else {
                switch name {
                case "Head": bone = .head
                case "Neck": bone = .neck
                case "LeftEye": bone = .leftEye
                case "RightEye": bone = .rightEye
                default: return nil
                }
            }
            // Unity (x, y, z, w), left-handed → splatd (w, x, y, z), right-handed: mirror x.
            var q = SIMD4<Double>(Double(f[6]), Double(f[3]), -Double(f[4]), -Double(f[5]))
            let norm = (q * q).sum().squareRoot()
            guard norm > 1e-6 else { throw .invalid("\(m.address) \(name.quotedForMessage): a zero rotation quaternion") }
            q /= norm
            return .bone(bone, q.x < 0 ? -q : q)
        default:
            return nil
        }
    }

    private mutating func collect(_ name: String, _ value: Float) {
        let v = min(max(value, 0), 1)
        let key = name.lowercased()
        if VRMPreset.indexed[key] != nil {
            presets[key] = v
        } else if let i = ARKitNames.index(matching: name) {
            direct[i] = v
        } else {
            ignoredNames += 1
            lastIgnoredName = name
        }
    }

    private mutating func makeFrame(withWeights: Bool) -> DriveInput.ARKit {
        var frame = DriveInput.ARKit()
        if withWeights {
            var w = [Float](repeating: 0, count: ARKitNames.all.count)
            for (preset, strength) in presets {
                for (i, weight) in VRMPreset.indexed[preset]! { w[i] += weight * strength }
            }
            for i in w.indices { w[i] = min(w[i], 1) }
            for (i, v) in direct { w[i] = max(w[i], v) }
            frame.weights = w
            presets.removeAll(keepingCapacity: true)
            direct.removeAll(keepingCapacity: true)
        }
        if bonesChanged {
            let identity = SIMD4<Double>(1, 0, 0, 0)
            let head = Self.multiply(Self.multiply(bones[.root] ?? identity, bones[.neck] ?? identity), bones[.head] ?? identity)
            frame.headRotation = Self.axisAngle(head)
            if eyesTurned {
                frame.leftEyeRotation = Self.axisAngle(bones[.leftEye] ?? identity)
                frame.rightEyeRotation = Self.axisAngle(bones[.rightEye] ?? identity)
            }
            bonesChanged = false
        }
        return frame
    }

    /// Hamilton product of quaternions with lanes (w, x, y, z).
    static func multiply(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> {
        SIMD4(a.x * b.x - a.y * b.y - a.z * b.z - a.w * b.w,
              a.x * b.y + a.y * b.x + a.z * b.w - a.w * b.z,
              a.x * b.z - a.y * b.w + a.z * b.x + a.w * b.y,
              a.x * b.w + a.y * b.z - a.z * b.y + a.w * b.x)
    }

    /// Axis-angle vector (radians) of a unit quaternion (w, x, y, z).
    static func axisAngle(_ q: SIMD4<Double>) -> SIMD3<Float> {
        let q = q.x < 0 ? -q : q
        let v = SIMD3(q.y, q.z, q.w)
        let s = (v * v).sum().squareRoot()
        guard s > 1e-12 else { return SIMD3<Float>(v * 2) }
        return SIMD3<Float>(v / s * (2 * atan2(s, q.x)))
    }
}
