/// Everything that drives one avatar's face, mixed: the tracker's drive channel, the speech
/// channel, and which of them owns which part of the face.
///
/// Feed it drive frames and audio as they arrive; ask it for a ``DriveSnapshot`` whenever a frame
/// is rendered. A value type with the time passed in (`now`: monotonic seconds; `…Us`: wall-clock
/// microseconds), so smoothing, hold and ease, idle motion and mixing are testable without a
/// clock or threads. Not thread-safe: its owner locks it.
public struct FaceDriver {
    /// The tracker's drive state.
    public private(set) var drive = DriveChannel()
    /// The speech input.
    public private(set) var speech = SpeechChannel()
    /// Which source owns which part of the face.
    public var mixing: DriveMixing
    /// Expression vectors per viseme, for speech on FLAME avatars (nil: jaw only).
    public let visemeTable: VisemeTable?

    /// A face at rest: hold and ease times for when the tracker stops, the mixing of tracker and
    /// audio, and the avatar's viseme table if it has one.
    /// `expressionCount`: the avatar's FLAME expression coefficients, if it has a FLAME rig.
    public init(holdSeconds: Double = 0.5, easeSeconds: Double = 1.0, mixing: DriveMixing = DriveMixing(),
                visemeTable: VisemeTable? = nil, expressionCount: Int? = nil) {
        drive.holdSeconds = holdSeconds
        drive.easeSeconds = easeSeconds
        drive.expressionCount = expressionCount
        self.mixing = mixing
        self.visemeTable = visemeTable
    }

    /// Applies a tracker's drive frame; throws (and counts) when it is invalid.
    public mutating func receive(_ input: DriveInput, sequence: UInt64, senderTimeUs: UInt64, now: Double,
                                 receivedUs: UInt64, sender: String = "") throws(DriveInputError) {
        try drive.receive(input, sequence: sequence, senderTimeUs: senderTimeUs, now: now, receivedUs: receivedUs, sender: sender)
    }

    /// Counts a drive frame refused before it could be read (e.g. one with no values).
    public mutating func countRefused() { drive.countRefused() }

    /// Feeds a chunk of speech audio; throws (and counts) when it is invalid.
    public mutating func receive(_ chunk: SpeechChannel.Chunk, now: Double, source: String = "wire", sender: String = "") throws {
        try speech.receive(chunk, now: now, source: source, sender: sender)
    }

    /// The speech received since the last call, timed for playout (``SpeechChannel/takeAudio()``).
    public mutating func takeAudio() -> [SpeechChannel.SpeechAudio] { speech.takeAudio() }

    /// When the tracker's next frame is expected, and its interval (nil unless live).
    public func expectedDrive(at now: Double) -> (time: Double, interval: Double)? {
        drive.expectedNext(at: now)
    }

    /// The values to show at `now` (tracker and speech mixed), and which drive frame and audio
    /// chunk they come from; `nowUs` (wall clock) measures speech latency.
    public mutating func snapshot(at now: Double, nowUs: UInt64) -> DriveSnapshot {
        var values = drive.values(at: now)
        var audioSequence: UInt64 = 0, audioSenderTimeUs: UInt64 = 0
        if let (frame, influence) = speech.advance(to: now) {
            mixing.apply(frame, influence: influence, trackerPresence: drive.presence(at: now),
                         visemeTable: visemeTable, to: &values)
            audioSequence = speech.currentSequence
            audioSenderTimeUs = speech.currentSenderTimeUs
            speech.noteShown(nowUs: nowUs)
        }
        return DriveSnapshot(values: values, state: drive.state(at: now), sequence: drive.lastSequence, senderTimeUs: drive.lastSenderTimeUs,
                             receivedUs: drive.lastReceivedUs, audioSequence: audioSequence,
                             audioSenderTimeUs: audioSenderTimeUs)
    }
}

/// The drive values shown in one frame, with their provenance (which drive frame and audio
/// chunk, and when they were sent and received).
public struct DriveSnapshot: Sendable {
    public var values: DriveValues
    /// The tracker's state: `sequence`, `senderTimeUs` and `receivedUs` describe a live drive
    /// only while it is `.live` or `.hold`; later they name the last frame ever received.
    public var state: DriveChannel.State
    public var sequence: UInt64
    public var senderTimeUs: UInt64
    public var receivedUs: UInt64
    public var audioSequence: UInt64 = 0
    public var audioSenderTimeUs: UInt64 = 0
}
