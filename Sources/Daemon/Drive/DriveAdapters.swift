import Animator
import SplatProtocol

// The daemon's thin adapter between the wire protocol and the animator's own drive types.

extension DriveInput {
    /// The values of a wire drive frame; nil when it carries neither `flame` nor `arkit`.
    init?(_ frame: Splatd_V1_DriveFrame) {
        func vector(_ has: Bool, _ v: Splatd_V1_Vec3) -> SIMD3<Float>? { has ? SIMD3(v.x, v.y, v.z) : nil }
        switch frame.values {
        case .flame(let f)?:
            self = .flame(.init(
                expression: f.expr, jaw: vector(f.hasJawPose, f.jawPose), neck: vector(f.hasNeckPose, f.neckPose),
                leftEye: vector(f.hasLeftEyePose, f.leftEyePose), rightEye: vector(f.hasRightEyePose, f.rightEyePose),
                rotation: vector(f.hasRotation, f.rotation), translation: vector(f.hasTranslation, f.translation),
                eyelids: f.eyelids))
        case .arkit(let a)?:
            self = .arkit(.init(
                weights: a.weights, named: a.named,
                headRotation: vector(a.hasHeadRotation, a.headRotation),
                headTranslation: vector(a.hasHeadTranslation, a.headTranslation),
                leftEyeRotation: vector(a.hasLeftEyeRotation, a.leftEyeRotation),
                rightEyeRotation: vector(a.hasRightEyeRotation, a.rightEyeRotation)))
        case nil:
            return nil
        }
    }
}

extension Splatd_V1_DriveState {
    init(_ state: DriveChannel.State) {
        switch state {
        case .live: self = .live
        case .hold: self = .hold
        case .easing: self = .easing
        case .idle: self = .idle
        }
    }
}

extension Splatd_V1_AudioStatus {
    init(_ s: SpeechChannel.Statistics) {
        self = .with {
            $0.source = s.source
            $0.levelDb = Double(s.current.levelDB)
            $0.voiceActive = s.current.voiceActive
            $0.viseme = s.current.dominant.name
            $0.visemeWeight = Double(s.current.weights[s.current.dominant])
            $0.latencyMs = s.latencyMs
            $0.chunksReceived = s.chunksReceived
            $0.chunksDropped = s.chunksDropped
        }
    }
}

extension DriveSource {
    init(_ source: Splatd_V1_Source) throws {
        switch source {
        case .tracker: self = .tracker
        case .audio: self = .audio
        case .UNRECOGNIZED(let raw): throw ControlError.invalid("unknown mixing source \(raw)")
        }
    }

    var message: Splatd_V1_Source { self == .audio ? .audio : .tracker }
}

extension DriveMixing {
    /// A `set_mixing` request's mixing.
    init(_ m: Splatd_V1_Mixing) throws {
        self.init(jawAndMouth: try DriveSource(m.jawAndMouth), headPose: try DriveSource(m.headPose),
                  eyesAndBrows: try DriveSource(m.eyesAndBrows))
    }

    var message: Splatd_V1_Mixing {
        .with { $0.jawAndMouth = jawAndMouth.message; $0.headPose = headPose.message; $0.eyesAndBrows = eyesAndBrows.message }
    }
}
