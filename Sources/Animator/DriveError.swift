/// A drive value (FLAME parameters, ARKit weights, head pose, a PARAMS.json file) that cannot be
/// used. NaN and infinite values are always rejected with this error; finite values outside the
/// sensible range are clamped instead (see ``DriveLimits``).
public enum DriveError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The parameter (e.g. `expr`, `jaw_pose`, `arkit.jawOpen`) holds a NaN or an infinity;
    /// `index` is the element, when the parameter has several.
    case nonFinite(parameter: String, index: Int?)
    /// A name that is not one of the 52 canonical ARKit blendshape names.
    case unknownARKitName(String)
    /// An ARKit index outside 0…51.
    case arkitIndexOutOfRange(Int)
    /// A parameter with the wrong number of values.
    case wrongCount(parameter: String, count: Int, expected: String)
    /// A value that is finite but cannot be used (e.g. identity coefficients the rig lacks).
    case invalidValue(parameter: String, reason: String)
    /// Keys a parameter file does not know, in the order they appear.
    case unknownKeys(source: String, keys: [String])
    /// A parameter file that is not the expected JSON.
    case malformedJSON(source: String, reason: String)

    /// A one-line explanation naming the parameter or file.
    public var description: String {
        switch self {
        case let .nonFinite(parameter, index):
            return "\(parameter)\(index.map { "[\($0)]" } ?? "") is NaN or infinite"
        case let .unknownARKitName(name):
            return "'\(name)' is not an ARKit blendshape name (the 52 names of ARFaceAnchor.BlendShapeLocation, e.g. jawOpen, eyeBlinkLeft)"
        case let .arkitIndexOutOfRange(index):
            return "ARKit blendshape index \(index) is outside 0…51"
        case let .wrongCount(parameter, count, expected):
            return "\(parameter) has \(count) values, expected \(expected)"
        case let .invalidValue(parameter, reason):
            return "\(parameter): \(reason)"
        case let .unknownKeys(source, keys):
            return "\(source): unknown key\(keys.count == 1 ? "" : "s") \(keys.map { "'\($0)'" }.joined(separator: ", "))"
        case let .malformedJSON(source, reason):
            return "\(source): \(reason)"
        }
    }
}
