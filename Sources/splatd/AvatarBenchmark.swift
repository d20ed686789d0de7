import Animator
import ArgumentParser
import Dispatch
import Foundation
import SplatCore
import SplatIO

/// Avatars for `splatd bench`: loaded with their load time measured, and an animated drive.
enum AvatarBenchmark {
    struct Loaded {
        let avatar: Avatar
        /// Avatar load (or demo generation), excluding the rig file.
        let loadSeconds: Double
        /// Reading the FLAME rig file, when one was read.
        let rigLoadSeconds: Double?
        let description: String
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        var clock = Stopwatch()
        try body()
        return clock.lap()
    }

    /// `--avatar PATH|demo [--rig FILE]`.
    static func load(_ path: String, rig rigPath: String?, threads: Int) throws -> Loaded {
        var rig: FLAMERig?
        let rigSeconds = try rigPath.map { p in try seconds { rig = try FLAMERig(contentsOf: URL(fileURLWithPath: p)) } }
        var avatar: Avatar!
        let loadSeconds = try seconds {
            avatar = path == "demo" ? try DemoAvatar.make(threads: threads) : try Avatar.load(path, rig: rig, threads: threads)
        }
        return Loaded(avatar: avatar, loadSeconds: loadSeconds, rigLoadSeconds: rigSeconds,
                      description: "\(avatar.name) (\(avatar.kind.rawValue), \(avatar.gaussianCount) Gaussians)")
    }

    /// `--bound N [--rig synthetic|FILE]`.
    static func bound(count: Int, rig rigSpec: String?, threads: Int) throws -> Loaded {
        guard let rigSpec, rigSpec != "demo" else {
            var avatar: Avatar!
            let generation = try seconds { avatar = try DemoAvatar.make(gaussianCount: count, threads: threads) }
            return Loaded(avatar: avatar, loadSeconds: generation, rigLoadSeconds: nil,
                          description: "\(avatar.gaussianCount) Gaussians bound barycentrically to the demo head "
                            + "(\(avatar.blendshapeRig!.vertexCount) vertices, \(avatar.blendshapeRig!.faceCount) triangles); load = generation")
        }
        // A GaussianAvatars folder on disk: the rig file, point_cloud.ply (SH degree 3) and flame_param.npz.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rigURL: URL
        if rigSpec == "synthetic" {
            rigURL = folder.appendingPathComponent("synthetic-flame-rig.npz")
            try SyntheticFLAME.arrays().npz().write(to: rigURL)
        } else {
            rigURL = URL(fileURLWithPath: rigSpec)
        }
        var rig: FLAMERig!
        let rigSeconds = try seconds { rig = try FLAMERig(contentsOf: rigURL) }
        let cloud = SyntheticFLAME.gaussians(count: count, faceCount: rig.faceCount)
        try PLYWriter.write(cloud, to: folder.appendingPathComponent(GaussianAvatarsFolder.pointCloudName))
        try SyntheticFLAME.flameParam(vertexCount: rig.vertexCount, shapeCount: rig.shapeCount,
                                      expressionCount: rig.expressionCount)
            .write(to: folder.appendingPathComponent(GaussianAvatarsFolder.flameParamName))
        var avatar: Avatar!
        let loadSeconds = try seconds { avatar = try GaussianAvatarsFolder.load(folder, rig: rig, threads: threads) }
        return Loaded(avatar: avatar, loadSeconds: loadSeconds, rigLoadSeconds: rigSeconds,
                      description: "\(count) GaussianAvatars Gaussians (SH 3) on \(rigSpec == "synthetic" ? "a synthetic FLAME-sized rig" : rigSpec) "
                        + "(V = \(rig.vertexCount), F = \(rig.faceCount), S = \(rig.shapeCount), E = \(rig.expressionCount)); "
                        + "load = point_cloud.ply + flame_param.npz + identity")
    }

    /// An animated drive that exercises every part of the rig each frame.
    struct Drive {
        let kind: Avatar.Kind
        var frame = 0
        var flame = FLAMEParameters(expression: [Float](repeating: 0, count: 100))
        var arkit = ARKitParameters()

        init(kind: Avatar.Kind) { self.kind = kind }

        mutating func next() -> AvatarDrive {
            frame += 1
            let t = Float(frame) / 30
            if kind == .blendshape {
                try? arkit.set("jawOpen", 0.5 + 0.5 * sin(2 * t))
                try? arkit.set("mouthSmileLeft", 0.5 + 0.5 * sin(1.3 * t))
                try? arkit.set("mouthSmileRight", 0.5 + 0.5 * sin(1.3 * t))
                try? arkit.set("eyeBlinkLeft", 0.5 + 0.5 * sin(3 * t))
                try? arkit.set("eyeBlinkRight", 0.5 + 0.5 * sin(3 * t))
                try? arkit.set("browInnerUp", 0.5 + 0.5 * sin(0.7 * t))
                arkit.headPose = HeadPose(yaw: 0.3 * sin(t), pitch: 0.1 * sin(0.8 * t))
                return .arkit(arkit)
            }
            for e in 0..<flame.expression.count { flame.expression[e] = sin(t + Float(e) * 0.37) }
            flame.rotation = SIMD3(0.1 * sin(t), 0.3 * sin(0.7 * t), 0)
            flame.neck = SIMD3(0.05 * sin(1.1 * t), 0.1 * sin(0.9 * t), 0)
            flame.jaw = SIMD3(0.2 + 0.15 * sin(2 * t), 0, 0)
            flame.leftEye = SIMD3(0.1 * sin(t), 0.2 * sin(1.7 * t), 0)
            flame.rightEye = flame.leftEye
            flame.translation = SIMD3(0, 0, 0.01 * sin(t))
            return .flame(flame)
        }
    }
}
