/// A source of drive values.
public enum DriveSource: String, Sendable, Equatable, CaseIterable, Codable {
    /// A face tracker (drive frames).
    case tracker
    /// Speech audio.
    case audio
}

/// Which source owns which part of the face when a tracker and audio drive one avatar.
///
/// The owner wins while it is active; when the owner is absent the other source fills in, and
/// every hand-over is eased (audio's influence rises in 80 ms and falls in 200 ms, a tracker's
/// presence fades over its ease time), so a source stopping never makes the face jump.
public struct DriveMixing: Sendable, Equatable {
    public var jawAndMouth: DriveSource = .audio
    public var headPose: DriveSource = .tracker
    public var eyesAndBrows: DriveSource = .tracker

    /// Audio owns the mouth; the tracker the head, eyes and brows.
    public init() {}

    public init(jawAndMouth: DriveSource, headPose: DriveSource, eyesAndBrows: DriveSource) {
        self.jawAndMouth = jawAndMouth
        self.headPose = headPose
        self.eyesAndBrows = eyesAndBrows
    }

    /// ARKit indices of the eyes and brows (blinks, gaze, squint, wide, brow shapes).
    private static let eyesAndBrowsIndices: [Int] = Array(0...13) + Array(41...45)

    /// Mixes a speech frame into tracker values.
    public func apply(_ frame: SpeechFrame, influence: Float, trackerPresence: Float, visemeTable: VisemeTable?,
                      to values: inout DriveValues) {
        let mouth = jawAndMouth == .audio ? influence : influence * (1 - trackerPresence)
        if mouth > 0 {
            let weights = VisemeMapping.arkitWeights(for: frame)
            for i in VisemeMapping.arkitSpeechIndices {
                values.arkit[i] += (weights[i] - values.arkit[i]) * mouth
            }
            let (jaw, expression) = VisemeMapping.flame(for: frame, table: visemeTable)
            values.jaw += (jaw - values.jaw) * mouth
            // With a viseme table, the lips shape FLAME expressions too (and own them meanwhile).
            if visemeTable != nil && !expression.isEmpty {
                values.owners.expression = .flame
                if values.expression.count < expression.count {
                    values.expression += [Float](repeating: 0, count: expression.count - values.expression.count)
                }
                for i in expression.indices { values.expression[i] += (expression[i] - values.expression[i]) * mouth }
            }
        }
        // Audio has no head pose or gaze of its own: owning them means holding them still.
        if headPose == .audio {
            values.rotation *= 1 - influence
            values.neck *= 1 - influence
            values.translation *= 1 - influence
        }
        if eyesAndBrows == .audio {
            for i in Self.eyesAndBrowsIndices { values.arkit[i] *= 1 - influence }
            values.leftEye *= 1 - influence
            values.rightEye *= 1 - influence
        }
    }
}
