import Foundation
import SplatCore
import SplatIO

extension Avatar {
    /// Loads an avatar by path, choosing the kind from what is there:
    ///
    /// - `demo`: the built-in demo avatar (``DemoAvatar/make(gaussianCount:seed:)``);
    /// - a GaussianAvatars folder (or its `point_cloud.ply`) with `flame_param.npz`: needs `rig`;
    /// - a `.ply` with `binding_0` but no `flame_param.npz`: bound to `rig` with a neutral identity;
    /// - any other `.ply` or `.splat`: a static scene that follows the head pose
    ///   (``RigidPivot/centroid``).
    ///
    /// - Parameters:
    ///   - path: the avatar, or `demo`.
    ///   - rig: a splatd FLAME rig file, for bound avatars.
    /// - Throws: ``AssetError`` naming the file and the problem.
    public static func load(_ path: String, rig: String? = nil, limits: DriveLimits = .default,
                            threads: Int = Parallel.coreCount) throws -> Avatar {
        if path == "demo" { return try DemoAvatar.make(limits: limits, threads: threads) }
        let rigValue = try rig.map { try FLAMERig(contentsOf: URL(fileURLWithPath: $0)) }
        return try load(path, rig: rigValue, limits: limits, threads: threads)
    }

    /// As ``load(_:rig:limits:threads:)-(String,String?,_,_)``, with a rig already loaded
    /// (share one rig between many avatars).
    public static func load(_ path: String, rig: FLAMERig?, limits: DriveLimits = .default,
                            threads: Int = Parallel.coreCount) throws -> Avatar {
        if path == "demo" { return try DemoAvatar.make(limits: limits, threads: threads) }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AssetError.unreadable(path: path, reason: "no such file or directory")
        }
        if GaussianAvatarsFolder.isAvatar(url) {
            guard let rig else {
                throw AssetError.unsupportedAvatar(path: path, reason:
                    "a GaussianAvatars avatar needs a FLAME rig file (--rig FLAME.npz, made by clients/python/flame_to_npz.py)")
            }
            return try GaussianAvatarsFolder.load(url, rig: rig, limits: limits, threads: threads)
        }
        if isDirectory.boolValue {
            throw AssetError.unsupportedAvatar(path: path, reason:
                "a folder that is not a GaussianAvatars avatar (expected point_cloud.ply and flame_param.npz)")
        }
        let cloud: GaussianCloud
        do { cloud = try SceneFile.read(contentsOf: url) } catch let error as SplatIOError {
            throw AssetError.unreadable(path: path, reason: error.reason.description)
        }
        if cloud.bindings != nil {
            guard let rig else {
                throw AssetError.unsupportedAvatar(path: path, reason:
                    "its Gaussians are bound to mesh triangles (binding_0): give the FLAME rig file (--rig FLAME.npz)")
            }
            let gaussians = try BoundGaussians(triangleFrame: cloud, path: path)
            return try Avatar(flameRig: rig, identity: rig.identity(), gaussians: gaussians, name: path,
                              renderHints: .gaussianAvatars, limits: limits, threads: threads)
        }
        return Avatar(rigidScene: cloud, pivot: .centroid, name: path, limits: limits, threads: threads)
    }
}
