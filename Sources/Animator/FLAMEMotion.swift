import Foundation
import SplatIO

/// A replayable sequence of FLAME frames: the per-frame arrays of a GaussianAvatars
/// `flame_param.npz`, or any motion npz with the same keys.
///
/// | key | shape | |
/// |---|---|---|
/// | `expr` | (T, E) | expression coefficients (any E) |
/// | `rotation` | (T, 3) | global (root) rotation |
/// | `neck_pose` | (T, 3) | |
/// | `jaw_pose` | (T, 3) | |
/// | `eyes_pose` | (T, 6) | left eye, then right eye |
/// | `translation` | (T, 3) | |
/// | `eyelids` | (T, 2) | optional (FLAME 2023 trackers); see ``FLAMEParameters`` |
///
/// Arrays are float32 or float64. A key that is absent is zero in every frame, but at least
/// one must be present, and every present key must have the same T. Other keys (`shape`,
/// `static_offset`, `dynamic_offset`, anything else) are ignored: the avatar's identity is its
/// own. Problems throw ``AssetError`` naming the file and the key.
public struct FLAMEMotion: Sendable {
    /// The per-frame keys a motion file may hold.
    public static let keys = ["expr", "rotation", "neck_pose", "jaw_pose", "eyes_pose", "translation", "eyelids"]

    /// The file the motion came from.
    public let path: String
    /// T.
    public let frameCount: Int
    /// E (0 without `expr`).
    public let expressionCount: Int

    let expression: [Float]
    let rotation: [SIMD3<Float>], neck: [SIMD3<Float>], jaw: [SIMD3<Float>]
    let eyes: [SIMD3<Float>]  // 2 per frame
    let translation: [SIMD3<Float>]
    let eyelids: [SIMD2<Float>]?

    /// Loads a motion npz.
    public init(contentsOf url: URL) throws {
        try self.init(file: ArrayFile(contentsOf: url))
    }

    init(file: ArrayFile) throws {
        path = file.path
        guard let first = Self.keys.first(where: file.contains) else {
            throw AssetError.missingKey(path: file.path, key: "expr")  // none of the per-frame keys
        }
        let T = try file.array(first)!.shape.first ?? 0
        func vectors(_ key: String, _ width: Int) throws -> [Float]? {
            guard file.contains(key) else { return nil }
            let values = try file.floats(key, [T, width], "(T, \(width)) with T = \(T) frames", allowFloat64: true).values
            return values
        }
        func simd3(_ key: String) throws -> [SIMD3<Float>] {
            guard let v = try vectors(key, 3) else { return [SIMD3<Float>](repeating: .zero, count: T) }
            return (0..<T).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
        }
        if file.contains("expr") {
            let e = try file.floats("expr", [T, nil], "(T, E) with T = \(T) frames", allowFloat64: true)
            expression = e.values
            expressionCount = e.shape[1]
        } else {
            expression = []
            expressionCount = 0
        }
        rotation = try simd3("rotation")
        neck = try simd3("neck_pose")
        jaw = try simd3("jaw_pose")
        translation = try simd3("translation")
        if let e = try vectors("eyes_pose", 6) {
            eyes = (0..<(2 * T)).map { SIMD3(e[3 * $0], e[3 * $0 + 1], e[3 * $0 + 2]) }
        } else {
            eyes = [SIMD3<Float>](repeating: .zero, count: 2 * T)
        }
        eyelids = try vectors("eyelids", 2).map { l in (0..<T).map { SIMD2(l[2 * $0], l[2 * $0 + 1]) } }
        frameCount = T
    }

    /// The parameters of frame `frame` (0..<``frameCount``).
    public func parameters(at frame: Int) -> FLAMEParameters {
        var p = FLAMEParameters()
        parameters(at: frame, into: &p)
        return p
    }

    /// Writes frame `frame` into `p`, reusing `p.expression`'s storage (no allocation once its
    /// capacity suffices).
    public func parameters(at frame: Int, into p: inout FLAMEParameters) {
        precondition((0..<frameCount).contains(frame), "frame \(frame) outside 0..<\(frameCount)")
        let E = expressionCount
        if p.expression.count != E {
            p.expression.removeAll(keepingCapacity: true)
            p.expression.append(contentsOf: repeatElement(0, count: E))
        }
        if E > 0 {
            p.expression.withUnsafeMutableBufferPointer { out in
                expression.withUnsafeBufferPointer { src in
                    out.baseAddress!.update(from: src.baseAddress! + frame * E, count: E)
                }
            }
        }
        p.rotation = rotation[frame]
        p.neck = neck[frame]
        p.jaw = jaw[frame]
        p.leftEye = eyes[2 * frame]
        p.rightEye = eyes[2 * frame + 1]
        p.translation = translation[frame]
        p.eyelids = eyelids?[frame]
    }
}
