import Animator
import Foundation
import SplatCore
import SplatIO
import SplatProtocol

// The checks the daemon applies after decoding a request, a drive frame or an audio chunk live
// in the Daemon module and are internal to it (`StreamSettings`, the `DriveInput` adapter,
// `AvatarSlot`). They are reached through `@testable import`, which only compiles when Daemon
// was built for testing: every debug build (SwiftPM enables testability there, and this target
// defines SPLATD_DAEMON_TESTABLE in debug), and the fuzz package's release build, which passes
// `-enable-testing -DSPLATD_DAEMON_TESTABLE` (see scripts/fuzz). A release build of the main
// package compiles the stubs at the end instead: the targets then stop after the protobuf decode.
#if SPLATD_DAEMON_TESTABLE
@testable import Daemon

/// The daemon's own validation of decoded messages, called exactly as the daemon calls it.
enum DaemonValidation {
    /// Whether the daemon's checks are linked in (false: only the decoders run).
    static let isAvailable = true

    /// A one-Gaussian rigid avatar: `AvatarSlot` needs an avatar, and the drive and audio
    /// paths only look at its kind and expression count.
    private static let avatar: AnimatedAvatar = {
        let cloud = GaussianCloud(positions: [.zero], scales: [SIMD3(repeating: 0.01)], rotations: [SIMD4(1, 0, 0, 0)],
                                  opacities: [0.5], sh: [0, 0, 0], shDegree: 0)
        return try! AnimatedAvatar(Avatar(rigidScene: cloud, name: "fuzz", threads: 1))  // a scene has no levels to fail
    }()

    /// An empty folder as the only avatar root, so that `load_avatar` paths are checked without
    /// the loader walking the real file system (a path outside the roots is refused first).
    private static let loader: AvatarLoader = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-fuzz-avatars")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return AvatarLoader(roots: [root.path], threads: 1)
    }()

    /// The stream `update_stream` changes: what `open_stream` with only an avatar opens.
    private static let defaultSettings = try? StreamSettings(Splatd_V1_OpenStream.with { $0.avatarID = "demo" })

    /// Where `start_output` file names are resolved (never written: only parsed).
    private static let outputFolder = FileManager.default.temporaryDirectory.path

    /// `ControlHandler.handle` after the decode: the version check and each body's validation
    /// that does not need a running daemon (streams, mixing, output URLs, avatar paths).
    static func validate(_ request: Splatd_V1_Request) {
        guard request.version <= WireLimits.version else { return }
        switch request.body {
        case .openStream(let o)?:
            guard let settings = try? StreamSettings(o) else { return }
            use(settings)
        case .updateStream(let u)?:
            guard let settings = try? defaultSettings?.updated(with: u) else { return }
            use(settings)
        case .setMixing(let m)?:
            _ = try? DriveMixing(m.mixing)
        case .startOutput(let o)?:
            guard Identifier.isValid(o.outputID.isEmpty ? "output1" : o.outputID) else { return }
            _ = try? OutputTarget(parsing: o.url, folder: outputFolder, name: "default-output1")
        case .loadAvatar(let l)?:
            _ = try? loader.checkPath(l.path, field: "path")
            if !l.rigPath.isEmpty { _ = try? loader.checkPath(l.rigPath, field: "rig_path") }
        default:
            break
        }
    }

    /// What a stream does with its settings when it opens: the camera (for a head and for a
    /// static scene), the encoder settings and the pixel budget.
    private static func use(_ settings: StreamSettings) {
        _ = try? settings.camera(headCentre: SIMD3(0, 1.6, 0))
        _ = try? settings.camera(headCentre: .zero, sceneReach: 3)
        _ = settings.frameCodec
        _ = settings.effectiveQuality
        _ = settings.outputH264Settings
        _ = settings.width * settings.height
    }

    /// `IOLoop.drainDrive` after the decode: the topic check, then `AvatarSlot.receive`, then
    /// what the render thread asks for next.
    static func apply(_ frame: Splatd_V1_DriveFrame) {
        let slot = AvatarSlot(id: "demo", path: "demo", avatar: avatar, loadSeconds: 0)
        _ = Identifier.quoted(frame.avatarID)
        try? slot.receive(frame, now: 1, receivedUs: 1_000_000)
        FuzzTargets.render(slot.driveSnapshot(at: 1.02))
        _ = slot.status(at: 1.02)
    }

    /// `IOLoop.drainAudio` after the decode: `AvatarSlot.receiveAudio`, then the snapshot and
    /// voice hand-off the render and I/O threads do next (without encoding Opus).
    static func apply(_ chunk: Splatd_V1_AudioChunk) {
        let slot = AvatarSlot(id: "demo", path: "demo", avatar: avatar, loadSeconds: 0)
        _ = Identifier.quoted(chunk.avatarID)
        try? slot.receiveAudio(chunk, now: 1)
        FuzzTargets.render(slot.driveSnapshot(at: 1.05))
        _ = slot.takeVoice(now: 1.05, nowUs: 1_050_000, encode: false)
        _ = slot.status(at: 1.05)
    }
}

#else

/// Stubs for a build without testability (see the comment at the top of this file).
enum DaemonValidation {
    static let isAvailable = false
    static func validate(_ request: Splatd_V1_Request) {}
    static func apply(_ frame: Splatd_V1_DriveFrame) {}
    static func apply(_ chunk: Splatd_V1_AudioChunk) {}
}
#endif
