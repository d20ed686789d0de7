import Foundation
import SplatCore
import SplatIO

/// Loads GaussianAvatars avatars: a folder with `point_cloud.ply` (3DGS layout plus
/// `binding_0`, Gaussians local to their FLAME triangle) and `flame_param.npz`, driven by a
/// splatd FLAME rig file made from the user's own FLAME model (with GaussianAvatars' teeth:
/// V = 5143, F = 10144).
///
/// - `flame_param.npz`'s `shape` and `static_offset` are the avatar's identity
///   (``FLAMERig/identity(shape:staticOffset:)``); `dynamic_offset` is ignored (all zeros in
///   GaussianAvatars' output);
/// - its per-frame arrays become the avatar's ``Avatar/motion`` (``FLAMEMotion``);
/// - the avatar renders with the INRIA convention on white (``AvatarRenderHints/gaussianAvatars``).
///
/// The folder may be the one holding the two files, or a GaussianAvatars output folder with
/// `point_cloud/iteration_<n>/` subfolders (the highest iteration is used); a path to the
/// `point_cloud.ply` itself also works.
public enum GaussianAvatarsFolder {
    /// The Gaussians file's name.
    public static let pointCloudName = "point_cloud.ply"
    /// The FLAME parameters file's name.
    public static let flameParamName = "flame_param.npz"

    /// The folder holding `point_cloud.ply` for `url` (see the type's documentation), or `nil`.
    public static func resolve(_ url: URL) -> URL? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        if !isDirectory.boolValue {
            return url.lastPathComponent == pointCloudName ? url.deletingLastPathComponent() : nil
        }
        if fm.fileExists(atPath: url.appendingPathComponent(pointCloudName).path) { return url }
        let iterations = url.appendingPathComponent("point_cloud")
        let names = (try? fm.contentsOfDirectory(atPath: iterations.path)) ?? []
        let best = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("iteration_"), let n = Int(name.dropFirst("iteration_".count)) else { return nil }
            return fm.fileExists(atPath: iterations.appendingPathComponent(name).appendingPathComponent(pointCloudName).path) ? (n, name) : nil
        }.max { $0.0 < $1.0 }
        return best.map { iterations.appendingPathComponent($0.1) }
    }

    /// Whether `url` looks like a GaussianAvatars avatar (see ``resolve(_:)``) with a `flame_param.npz`.
    public static func isAvatar(_ url: URL) -> Bool {
        guard let folder = resolve(url) else { return false }
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent(flameParamName).path)
    }

    /// Loads the avatar at `url` with `rig`.
    /// - Throws: ``AssetError`` naming the file and key: unreadable files, missing
    ///   `binding_0`, bindings ≥ the rig's F, `static_offset` or `shape` that do not fit the rig,
    ///   malformed per-frame arrays.
    public static func load(_ url: URL, rig: FLAMERig, limits: DriveLimits = .default,
                            threads: Int = Parallel.coreCount) throws -> Avatar {
        guard let folder = resolve(url) else {
            throw AssetError.unsupportedAvatar(path: url.path, reason: "no \(pointCloudName) here (nor in point_cloud/iteration_*/)")
        }
        let plyURL = folder.appendingPathComponent(pointCloudName)
        let paramURL = folder.appendingPathComponent(flameParamName)
        let cloud: GaussianCloud
        do { cloud = try PLYReader.read(contentsOf: plyURL) } catch let error as SplatIOError {
            throw AssetError.unreadable(path: plyURL.path, reason: error.reason.description)
        }
        let gaussians = try BoundGaussians(triangleFrame: cloud, path: plyURL.path)
        try gaussians.validate(faceCount: rig.faceCount, path: plyURL.path)

        guard FileManager.default.fileExists(atPath: paramURL.path) else {
            throw AssetError.unsupportedAvatar(path: folder.path, reason: "\(flameParamName) is missing next to \(pointCloudName)")
        }
        let file = try ArrayFile(contentsOf: paramURL)
        let identity = try identity(from: file, rig: rig)
        let motion = Self.hasMotion(file) ? try FLAMEMotion(file: file) : nil
        return try Avatar(flameRig: rig, identity: identity, gaussians: gaussians, name: folder.path,
                          renderHints: .gaussianAvatars, motion: motion, limits: limits, threads: threads)
    }

    static func hasMotion(_ file: ArrayFile) -> Bool { FLAMEMotion.keys.contains(where: file.contains) }

    /// The identity stored in a `flame_param.npz` (`shape`, `static_offset`; both optional).
    static func identity(from file: ArrayFile, rig: FLAMERig) throws -> FLAMEIdentity {
        var shape: [Float] = []
        if file.contains("shape") {
            let array = try file.array("shape")!
            // (S,) as GaussianAvatars writes it; (1, S) as some trackers do.
            let pattern: [Int?] = array.shape.count == 2 ? [1, nil] : [nil]
            shape = try file.floats(array, "shape", pattern, "(S,) or (1, S)", allowFloat64: true).values
        }
        var offsets: [SIMD3<Float>]?
        if file.contains("static_offset") {
            let array = try file.array("static_offset")!
            let pattern: [Int?] = array.shape.count == 3 ? [1, nil, 3] : [nil, 3]
            let values = try file.floats(array, "static_offset", pattern, "(1, V, 3) or (V, 3)", allowFloat64: true).values
            let V = values.count / 3
            guard V == rig.vertexCount else {
                throw AssetError.rigMismatch(path: file.path, key: "static_offset", reason:
                    "it has \(V) vertices but the rig \(rig.path) has \(rig.vertexCount)"
                    + (V == 5143 || rig.vertexCount == 5143 ? " (GaussianAvatars avatars need the teeth-extended rig: flame_to_npz.py --teeth-from)" : ""))
            }
            offsets = (0..<V).map { SIMD3(values[3 * $0], values[3 * $0 + 1], values[3 * $0 + 2]) }
        }
        do {
            return try rig.identity(shape: shape, staticOffset: offsets)
        } catch let error as DriveError {
            throw AssetError.rigMismatch(path: file.path, key: "shape", reason: error.description)
        }
    }
}
