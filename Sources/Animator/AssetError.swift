/// A problem with an avatar asset file: a rig (`FLAMERig`, `BlendshapeRig`), a GaussianAvatars
/// folder (`point_cloud.ply`, `flame_param.npz`), a motion file, or a rig that does not match
/// the avatar it should drive.
///
/// Every case names the file and, where there is one, the key (the npz array or PLY property);
/// ``description`` reads like
/// `rig.npz[exprdirs]: shape (398, 3) — expected (V, 3, E ≤ 100) with V = 398`.
public enum AssetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened or is not a readable npz / PLY / .splat.
    case unreadable(path: String, reason: String)
    /// A required array is absent.
    case missingKey(path: String, key: String)
    /// An array has another element type than the format prescribes.
    case wrongDType(path: String, key: String, found: String, expected: String)
    /// An array has the wrong number of dimensions or the wrong sizes.
    case wrongShape(path: String, key: String, found: [Int], expected: String)
    /// An array holds a NaN or an infinity at the given flat (C-order) element index.
    case nonFinite(path: String, key: String, index: Int)
    /// An array's values break a rule of the format (format tag, index range, parents, sums…).
    case invalidValue(path: String, key: String, reason: String)
    /// Gaussian `gaussian` is bound to triangle `face`, but the rig has only `faceCount` triangles.
    case bindingOutOfRange(path: String, gaussian: Int, face: Int, faceCount: Int)
    /// A Gaussian file that should be bound to a rig has no `binding_0` property.
    case missingBindings(path: String)
    /// The avatar's data does not fit the rig (vertex count, coefficient count…).
    case rigMismatch(path: String, key: String, reason: String)
    /// The path is not an avatar splatd knows how to load.
    case unsupportedAvatar(path: String, reason: String)

    /// `<file>[<key>]: <problem>`.
    public var description: String {
        func at(_ path: String, _ key: String) -> String { key.isEmpty ? path : "\(path)[\(key)]" }
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .missingKey(path, key):
            return "\(path): missing array '\(key)'"
        case let .wrongDType(path, key, found, expected):
            return "\(at(path, key)): dtype \(found), expected \(expected)"
        case let .wrongShape(path, key, found, expected):
            return "\(at(path, key)): shape \(Self.shapeText(found)), expected \(expected)"
        case let .nonFinite(path, key, index):
            return "\(at(path, key)): element \(index) is NaN or infinite"
        case let .invalidValue(path, key, reason):
            return "\(at(path, key)): \(reason)"
        case let .bindingOutOfRange(path, gaussian, face, faceCount):
            return "\(at(path, "binding_0")): Gaussian \(gaussian) is bound to triangle \(face), "
                + "but the rig has \(faceCount) triangles (0…\(faceCount - 1)); is this the rig the avatar was made with?"
        case let .missingBindings(path):
            return "\(path): no 'binding_0' property: not a GaussianAvatars point cloud (Gaussians bound to triangles)"
        case let .rigMismatch(path, key, reason):
            return "\(at(path, key)): does not match the rig: \(reason)"
        case let .unsupportedAvatar(path, reason):
            return "\(path): \(reason)"
        }
    }

    /// numpy's spelling of a shape: `(398, 3)`, `(5,)`, `()`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
