import Animator
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
    private let face: Locked<FaceDriver>
    private let voice = Locked(VoiceEncoder())

    init(id: String, path: String, avatar: AnimatedAvatar, loadSeconds: Double,
         holdSeconds: Double = 0.5, easeSeconds: Double = 1.0, mixing: DriveMixing = DriveMixing()) {
        face = Locked(FaceDriver(holdSeconds: holdSeconds, easeSeconds: easeSeconds, mixing: mixing,
                                 visemeTable: avatar.visemeTable,
                                 expressionCount: avatar.expressionCount > 0 ? avatar.expressionCount : nil))
        self.id = id
        self.path = path
        self.avatar = avatar
        self.loadSeconds = loadSeconds
        loadedUs = wallClockMicroseconds()
    }

    /// What `status`, `list` and events report about the avatar.
    /// The memory the avatar and its levels of detail hold, bytes (``Avatar/memoryBytes``).
    var memoryBytes: Int { avatar.memoryBytes }

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
    func receive(_ frame: Splatd_V1_DriveFrame, now: Double, receivedUs: UInt64, sender: String = "") throws {
        guard let input = DriveInput(frame) else {
            face.withLock { $0.countRefused() }
            throw DriveInputError.noValues
        }
        try receive(input, sequence: frame.sequence, senderTimeUs: frame.senderTimeUs, now: now, receivedUs: receivedUs, sender: sender)
    }

    /// Applies a drive frame in the animator's terms (tracker listeners; the wire's frames
    /// above); throws (and counts) when it is invalid.
    func receive(_ input: DriveInput, sequence: UInt64, senderTimeUs: UInt64, now: Double, receivedUs: UInt64,
                 sender: String = "") throws {
        try face.withLock { face throws(DriveInputError) in
            try face.receive(input, sequence: sequence, senderTimeUs: senderTimeUs, now: now, receivedUs: receivedUs, sender: sender)
        }
    }

    /// Feeds an audio chunk (wire or ALSA); throws (and counts) when it is invalid.
    func receiveAudio(_ chunk: Splatd_V1_AudioChunk, now: Double, source: String = "wire", sender: String = "") throws {
        let speech = SpeechChannel.Chunk(samples: chunk.samplesS16Le, sampleRate: Int(chunk.sampleRate),
                                         channels: Int(chunk.channels), sequence: chunk.sequence,
                                         senderTimeUs: chunk.senderTimeUs, endOfStream: chunk.endOfStream)
        try face.withLock { try $0.receive(speech, now: now, source: source, sender: sender) }
    }

    /// The voice packets due at `now` (I/O thread): the speech received since the last call is
    /// encoded first, when `encode` (someone may listen: the avatar has streams), else dropped;
    /// `outputs` (the live outputs of its streams) get it as PCM.
    func takeVoice(now: Double, nowUs: UInt64, encode: Bool, outputs: [LiveOutput] = []) -> [VoiceEncoder.Packet] {
        let pieces = face.withLock { $0.takeAudio() }
        for output in outputs { output.offer(pieces) }
        return voice.withLock { v in
            if encode { v.add(pieces, now: now, nowUs: nowUs) }
            return v.release(at: now)
        }
    }

    /// When the next voice packet is due (monotonic), if one is waiting.
    var nextVoiceRelease: Double? { voice.withLock { $0.nextRelease } }

    /// Sets which source owns which part of the face.
    func setMixing(_ m: DriveMixing) {
        face.withLock { $0.mixing = m }
    }

    /// When the tracker's next frame is expected, and its interval (nil unless live).
    func expectedDrive(at now: Double) -> (time: Double, interval: Double)? {
        face.withLock { $0.expectedDrive(at: now) }
    }

    /// The drive values to show at `now` (tracker and audio mixed), and which drive frame and
    /// audio chunk they come from.
    func driveSnapshot(at now: Double) -> DriveSnapshot {
        face.withLock { $0.snapshot(at: now, nowUs: wallClockMicroseconds()) }
    }

    func status(at now: Double) -> Splatd_V1_AvatarStatus {
        let info = self.info
        let (drive, speech, mixing) = face.withLock { ($0.drive, $0.speech, $0.mixing) }
        return .with { s in
            s.info = info
            s.driveState = Splatd_V1_DriveState(drive.state(at: now))
            s.driveFramesReceived = drive.received
            s.driveFramesRejected = drive.rejected
            s.driveFramesOutOfOrder = drive.outOfOrder
            s.lastDriveSequence = drive.lastSequence
            s.lastDriveAgeMs = (drive.age(at: now) ?? -0.001) * 1000
            s.driveRateHz = drive.rate(at: now)
            if speech.hasReceived { s.audio = [Splatd_V1_AudioStatus(speech.statistics)] }
            s.mixing = mixing.message
        }
    }
}
