import Foundation
import SplatCore
import SplatProtocol

/// A registered avatar: the avatar itself plus its live drive state (behind a lock: the I/O
/// thread feeds it, the render thread reads it).
final class AvatarSlot: Sendable {
    let id: String
    let path: String
    let avatar: AnimatedAvatar
    let loadedUs: UInt64
    let loadSeconds: Double
    private let state: Locked<State>

    private struct State {
        var drive = DriveChannel()
        var audio = AudioChannel()
        var mixing: AudioMixing
    }

    init(id: String, path: String, avatar: AnimatedAvatar, loadSeconds: Double,
         holdSeconds: Double = 0.5, easeSeconds: Double = 1.0, mixing: AudioMixing = AudioMixing()) {
        var drive = DriveChannel()
        drive.holdSeconds = holdSeconds
        drive.easeSeconds = easeSeconds
        state = Locked(State(drive: drive, mixing: mixing))
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
        try state.withLock { try $0.drive.receive(frame, now: now, receivedUs: receivedUs) }
    }

    /// Feeds an audio chunk (wire or ALSA); throws (and counts) when it is invalid.
    func receiveAudio(_ chunk: Splatd_V1_AudioChunk, now: Double, source: String = "wire") throws {
        try state.withLock { try $0.audio.receive(chunk, now: now, source: source) }
    }

    /// Sets which source owns which part of the face.
    func setMixing(_ m: AudioMixing) {
        state.withLock { $0.mixing = m }
    }

    /// When the tracker's next frame is expected, and its interval (nil unless live).
    func expectedDrive(at now: Double) -> (time: Double, interval: Double)? {
        state.withLock { $0.drive.expectedNext(at: now) }
    }

    /// The drive values to show at `now` (tracker and audio mixed), and which drive frame and
    /// audio chunk they come from.
    func driveSnapshot(at now: Double) -> DriveSnapshot {
        let visemeTable = avatar.visemeTable
        return state.withLock { s in
            var values = s.drive.values(at: now)
            var audioSequence: UInt64 = 0, audioSenderTimeUs: UInt64 = 0
            if let (frame, influence) = s.audio.advance(to: now) {
                s.mixing.apply(frame, influence: influence, trackerPresence: s.drive.presence(at: now),
                               visemeTable: visemeTable, to: &values)
                audioSequence = s.audio.currentSequence
                audioSenderTimeUs = s.audio.currentSenderTimeUs
                s.audio.noteShown(nowUs: wallClockMicroseconds())
            }
            return DriveSnapshot(values: values, sequence: s.drive.lastSequence, senderTimeUs: s.drive.lastSenderTimeUs,
                                 receivedUs: s.drive.lastReceivedUs, audioSequence: audioSequence,
                                 audioSenderTimeUs: audioSenderTimeUs)
        }
    }

    func status(at now: Double) -> Splatd_V1_AvatarStatus {
        let info = self.info
        return state.withLock { state in
            var s = Splatd_V1_AvatarStatus()
            s.info = info
            s.driveState = state.drive.state(at: now)
            s.driveFramesReceived = state.drive.received
            s.driveFramesRejected = state.drive.rejected
            s.driveFramesOutOfOrder = state.drive.outOfOrder
            s.lastDriveSequence = state.drive.lastSequence
            s.lastDriveAgeMs = (state.drive.age(at: now) ?? -0.001) * 1000
            s.driveRateHz = state.drive.rate(at: now)
            if state.audio.hasReceived { s.audio = [state.audio.status()] }
            return s
        }
    }
}

/// The drive values shown in one frame, with the provenance that goes into `FrameMeta`.
struct DriveSnapshot: Sendable {
    var values: DriveValues
    var sequence: UInt64
    var senderTimeUs: UInt64
    var receivedUs: UInt64
    var audioSequence: UInt64 = 0
    var audioSenderTimeUs: UInt64 = 0
}
