import Foundation
import SplatCore
import SplatProtocol

/// A registered avatar: the avatar itself plus its live drive state.
final class AvatarSlot: @unchecked Sendable {
    let id: String
    let path: String
    let avatar: AnimatedAvatar
    let loadedUs: UInt64
    let loadSeconds: Double
    private let lock = NSLock()
    private var drive = DriveChannel()
    private var audio = AudioChannel()
    private var mixing = AudioMixing()

    init(id: String, path: String, avatar: AnimatedAvatar, loadSeconds: Double,
         holdSeconds: Double = 0.5, easeSeconds: Double = 1.0, mixing: AudioMixing = AudioMixing()) {
        self.mixing = mixing
        drive.holdSeconds = holdSeconds
        drive.easeSeconds = easeSeconds
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

    /// Feeds an audio chunk (wire or ALSA); throws (and counts) when it is invalid.
    func receiveAudio(_ chunk: Splatd_V1_AudioChunk, now: Double, source: String = "wire") throws {
        lock.lock(); defer { lock.unlock() }
        try audio.receive(chunk, now: now, source: source)
    }

    /// Sets which source owns which part of the face.
    func setMixing(_ m: AudioMixing) {
        lock.lock(); mixing = m; lock.unlock()
    }

    /// When the tracker's next frame is expected, and its interval (nil unless live).
    func expectedDrive(at now: Double) -> (time: Double, interval: Double)? {
        lock.lock(); defer { lock.unlock() }
        return drive.expectedNext(at: now)
    }

    /// The drive values to show at `now` (tracker and audio mixed), and which drive frame and
    /// audio chunk they come from.
    func driveSnapshot(at now: Double) -> DriveSnapshot {
        lock.lock(); defer { lock.unlock() }
        var values = drive.values(at: now)
        var audioSequence: UInt64 = 0, audioSenderTimeUs: UInt64 = 0
        if let (frame, influence) = audio.advance(to: now) {
            mixing.apply(frame, influence: influence, trackerPresence: drive.presence(at: now),
                         visemeTable: avatar.visemeTable, to: &values)
            audioSequence = audio.currentSequence
            audioSenderTimeUs = audio.currentSenderTimeUs
            audio.noteShown(nowUs: wallClockMicroseconds())
        }
        return DriveSnapshot(values: values, sequence: drive.lastSequence, senderTimeUs: drive.lastSenderTimeUs,
                             receivedUs: drive.lastReceivedUs, audioSequence: audioSequence,
                             audioSenderTimeUs: audioSenderTimeUs)
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
        if audio.hasReceived { s.audio = [audio.status()] }
        return s
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
