import Foundation
import SplatProtocol

/// A registered avatar: the avatar itself plus its live drive state.
final class AvatarSlot: @unchecked Sendable {
    let id: String
    let path: String
    let avatar: any DaemonAvatar
    let loadedUs: UInt64
    let loadSeconds: Double
    private let lock = NSLock()
    private var drive = DriveChannel()

    init(id: String, path: String, avatar: any DaemonAvatar, loadSeconds: Double) {
        self.id = id
        self.path = path
        self.avatar = avatar
        self.loadSeconds = loadSeconds
        loadedUs = wallClockMicroseconds()
    }

    /// What `status`, `list` and events report about the avatar.
    var info: Splatd_V1_AvatarInfo {
        .with {
            $0.avatarID = id
            $0.kind = avatar.kind
            $0.path = path
            $0.gaussians = UInt32(clamping: avatar.gaussianCount)
            $0.vertices = UInt32(clamping: avatar.vertexCount)
            $0.triangles = UInt32(clamping: avatar.triangleCount)
            $0.expressionCoefficients = UInt32(clamping: avatar.expressionCount)
            $0.loadedUs = loadedUs
            $0.loadSeconds = loadSeconds
        }
    }

    /// Applies a drive frame; throws (and counts) when it is invalid.
    func receive(_ frame: Splatd_V1_DriveFrame, now: Double, receivedUs: UInt64) throws {
        lock.lock(); defer { lock.unlock() }
        try drive.receive(frame, now: now, receivedUs: receivedUs)
    }

    /// The drive values to show at `now`, and which drive frame they come from.
    func driveSnapshot(at now: Double) -> DriveSnapshot {
        lock.lock(); defer { lock.unlock() }
        return DriveSnapshot(values: drive.values(at: now), sequence: drive.lastSequence,
                             senderTimeUs: drive.lastSenderTimeUs, receivedUs: drive.lastReceivedUs)
    }

    func status(at now: Double) -> Splatd_V1_AvatarStatus {
        lock.lock(); defer { lock.unlock() }
        var s = Splatd_V1_AvatarStatus()
        s.info = info
        s.driveState = drive.state(at: now)
        s.driveFramesReceived = drive.received
        s.driveFramesRejected = drive.rejected
        s.driveFramesOutOfOrder = drive.outOfOrder
        s.lastDriveSequence = drive.lastSequence
        s.lastDriveAgeMs = (drive.age(at: now) ?? -0.001) * 1000
        s.driveRateHz = drive.rate(at: now)
        return s
    }
}

/// The drive values shown in one frame, with the provenance that goes into `FrameMeta`.
struct DriveSnapshot: Sendable {
    var values: DriveValues
    var sequence: UInt64
    var senderTimeUs: UInt64
    var receivedUs: UInt64
}
