/// What drives an avatar for one frame. Any avatar accepts any case: FLAME values drive a
/// blendshape avatar and ARKit weights drive a FLAME avatar through ``DriveMapping``; static
/// scenes follow only the head pose.
public enum AvatarDrive: Sendable, Equatable {
    /// The rest pose with a neutral expression.
    case neutral
    /// FLAME expression and pose (trackers such as DECA/EMOCA/SMIRK, VHAP, speech-to-FLAME).
    case flame(FLAMEParameters)
    /// ARKit-52 weights plus head pose (Live Link Face, MediaPipe).
    case arkit(ARKitParameters)

    /// Throws ``DriveError`` if any value is NaN or infinite.
    public func validate() throws {
        switch self {
        case .neutral: break
        case .flame(let p): try p.validate()
        case .arkit(let p): try p.validate()
        }
    }
}
