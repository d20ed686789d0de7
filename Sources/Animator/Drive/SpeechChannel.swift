import Foundation
import SplatCore

/// One avatar's speech input: audio chunks (from the network or a sound card) → speech frames,
/// played out on the monotonic clock at the pace of the audio, and its statistics.
///
/// A value type with the time passed in; not thread-safe: its owner locks it.
public struct SpeechChannel {
    /// Where the audio comes from (e.g. "wire" or "alsa:<device>").
    public private(set) var source = "wire"
    private let processor = SpeechProcessor()
    /// Frames not yet shown, oldest first, with their due time and provenance.
    private var queue: [(due: Double, frame: SpeechFrame, sequence: UInt64, senderTimeUs: UInt64)] = []
    private var queueStart = 0
    /// Stream time → monotonic time offset (only ever moves later, to absorb late chunks).
    private var offset: Double?
    public private(set) var current = SpeechFrame.silence()
    public private(set) var currentSequence: UInt64 = 0
    public private(set) var currentSenderTimeUs: UInt64 = 0
    private var lastChunkTime: Double?
    private var lastChunkEnd: Double = 0
    private var ended = false
    private var lastSequence: UInt64 = 0
    private var senders = SenderSequences()
    private var chunks: UInt64 = 0
    private var dropped: UInt64 = 0
    private var latency = RollingWindow(capacity: 256)
    private var shownSequence: UInt64 = 0
    /// Seconds of audio received since the processor started (its stream clock).
    private var streamSeconds = 0.0
    /// Received audio waiting to be taken for publishing, with when it is to be heard.
    private var pendingAudio: [SpeechAudio] = []
    private var pendingSeconds = 0.0
    /// Influence of audio on the mouth, 0…1, eased in and out.
    private var influence: Float = 0
    private var influenceTime: Double?

    /// Seconds of audio a source may send ahead of real time (a burst); beyond, chunks are
    /// dropped until real time catches up.
    public static let burstSeconds = 3.0
    /// The audio a source may still send now, seconds (refilled at one second per second).
    private var credit = burstSeconds
    private var creditTime: Double?

    /// Seconds after the last chunk before audio lets go of the mouth.
    public static let timeoutSeconds = 0.3
    /// Most audio queued ahead of real time, seconds (beyond: oldest frames are dropped).
    public static let maximumAheadSeconds = 10.0
    /// Most received audio kept for ``takeAudio()`` when nobody takes it, seconds.
    public static let maximumPendingAudioSeconds = 2.0

    /// A piece of received speech with the monotonic time at which its first sample is to be
    /// heard: the time the mouth shape made from that sample is shown (the playout time of the
    /// speech frames plus the analysis latency), so a viewer that plays it at that time hears
    /// the sound with the mouth that says it.
    public struct SpeechAudio: Sendable, Equatable {
        /// Interleaved signed 16-bit samples as received.
        public var samples: [Int16]
        public var sampleRate: Int
        public var channels: Int
        /// When the first sample is heard (monotonic seconds).
        public var presentation: Double
        /// The audio chunk it came from.
        public var sequence: UInt64

        /// Seconds of audio.
        public var duration: Double { Double(samples.count / max(channels, 1)) / Double(sampleRate) }
    }

    /// Starts silent.
    public init() {}

    /// One chunk of audio as a speech source sends it.
    public struct Chunk: Sendable {
        /// Interleaved signed 16-bit little-endian samples.
        public var samples: Data
        public var sampleRate: Int
        /// 1 or 2 (0 is taken as 1).
        public var channels: Int
        public var sequence: UInt64
        public var senderTimeUs: UInt64
        /// The speaker finished (the mouth may close at once after this chunk).
        public var endOfStream: Bool

        public init(samples: Data, sampleRate: Int, channels: Int, sequence: UInt64, senderTimeUs: UInt64,
                    endOfStream: Bool = false) {
            self.samples = samples; self.sampleRate = sampleRate; self.channels = channels
            self.sequence = sequence; self.senderTimeUs = senderTimeUs; self.endOfStream = endOfStream
        }
    }

    /// Feeds one chunk that arrived at `now` (monotonic) from `source`, sent by `sender` (its
    /// sequence is checked against that sender's last, see ``SenderSequences``).
    public mutating func receive(_ chunk: Chunk, now: Double, source: String = "wire", sender: String = "") throws {
        self.source = source
        let channels = chunk.channels
        let rate = chunk.sampleRate
        guard (1...2).contains(channels) else { dropped += 1; throw SpeechChunkError.invalid("channels must be 1 or 2, got \(channels)") }
        guard (8000...48000).contains(rate), AudioResampler.supports(rate: rate) else {
            dropped += 1
            throw SpeechChunkError.invalid("sample_rate \(rate) Hz is not supported (8000…48000)")
        }
        let bytes = chunk.samples
        guard bytes.count % (2 * channels) == 0 else {
            dropped += 1
            throw SpeechChunkError.invalid("\(bytes.count) bytes of samples is not a whole number of \(channels)-channel s16le frames")
        }
        guard bytes.count / (2 * channels) <= rate else { dropped += 1; throw SpeechChunkError.invalid("a chunk may hold at most one second of audio") }
        // Order is checked on valid chunks only, per sender, and a sequence far below the
        // sender's last is a sender that started again: one absurd sequence cannot silence a source.
        if senders.isLate(chunk.sequence, from: sender) {
            dropped += 1
            throw SpeechChunkError.outOfOrder(chunk.sequence, last: lastSequence)
        }
        // Paced: a source may run ahead of real time by a burst of `burstSeconds`, no more, so
        // audio sent far faster than it plays cannot take the I/O thread or memory from the rest.
        let duration = Double(bytes.count / (2 * channels)) / Double(rate)
        if let t = creditTime { credit = min(Self.burstSeconds, credit + max(0, now - t)) }
        creditTime = now
        guard duration <= credit else {
            dropped += 1
            throw SpeechChunkError.tooFast(seconds: duration, allowance: credit)
        }
        credit -= duration
        senders.record(chunk.sequence, from: sender)
        lastSequence = chunk.sequence
        chunks += 1
        if ended || lastChunkTime.map({ now - $0 > 1.0 }) ?? true {
            // A new utterance after a pause: restart the playout clock.
            offset = nil
            ended = false
        }
        lastChunkTime = now
        var produced: [SpeechFrame] = []
        try bytes.withUnsafeBytes { raw in
            let samples = raw.bindMemory(to: Int16.self)
            try processor.process(samples, sampleRate: rate, channels: channels) { produced.append($0) }
        }
        let chunkStart = streamSeconds
        streamSeconds += Double(bytes.count / (2 * channels)) / Double(rate)
        guard let lastFrame = produced.last else {
            // Too short for a speech frame: heard on the clock the frames use (or will use).
            keepAudio(bytes, rate: rate, channels: channels, sequence: chunk.sequence,
                      presentation: chunkStart + processor.algorithmicLatency + (offset ?? now - streamSeconds))
            return
        }
        lastChunkEnd = lastFrame.time
        offset = max(offset ?? -.infinity, now - lastFrame.time)
        keepAudio(bytes, rate: rate, channels: channels, sequence: chunk.sequence,
                  presentation: chunkStart + processor.algorithmicLatency + offset!)
        for f in produced {
            queue.append((f.time + offset!, f, chunk.sequence, chunk.senderTimeUs))
        }
        // Bound the queue: drop the oldest frames beyond the playout horizon.
        let horizon = now + Self.maximumAheadSeconds
        while queueStart < queue.count, queue[queue.count - 1].due - queue[queueStart].due > Self.maximumAheadSeconds || queue[queueStart].due > horizon + 1 {
            queueStart += 1
            dropped += 1
        }
        if chunk.endOfStream { ended = true }
    }

    /// The audio received since the last call, oldest first, each piece with the time it is to
    /// be heard (see ``SpeechAudio``). Audio nobody takes is kept for
    /// ``maximumPendingAudioSeconds``, the oldest dropped first.
    public mutating func takeAudio() -> [SpeechAudio] {
        defer { pendingAudio.removeAll(keepingCapacity: true); pendingSeconds = 0 }
        return pendingAudio
    }

    private mutating func keepAudio(_ bytes: Data, rate: Int, channels: Int, sequence: UInt64, presentation: Double) {
        var samples = [Int16](repeating: 0, count: bytes.count / 2)
        samples.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
        for i in samples.indices { samples[i] = Int16(littleEndian: samples[i]) }
        let piece = SpeechAudio(samples: samples, sampleRate: rate, channels: channels, presentation: presentation, sequence: sequence)
        pendingAudio.append(piece)
        pendingSeconds += piece.duration
        while pendingSeconds > Self.maximumPendingAudioSeconds, pendingAudio.count > 1 {
            pendingSeconds -= pendingAudio.removeFirst().duration
        }
    }

    /// Advances the playout to `now`: the newest speech frame due, and the audio's influence on
    /// the mouth (eased: 80 ms in, 200 ms out), or nil when audio has let go completely.
    public mutating func advance(to now: Double) -> (frame: SpeechFrame, influence: Float)? {
        while queueStart < queue.count, queue[queueStart].due <= now {
            let item = queue[queueStart]
            current = item.frame
            currentSequence = item.sequence
            currentSenderTimeUs = item.senderTimeUs
            queueStart += 1
        }
        if queueStart > 512 { queue.removeFirst(queueStart); queueStart = 0 }
        let active = !ended && (lastChunkTime.map { now - $0 <= Self.timeoutSeconds } ?? false) || queueStart < queue.count
        if !active {
            // The speaker stopped: let the mouth close as the analyser would in silence.
            current = SpeechFrame(time: current.time, levelDB: -120, voiceActive: false,
                                  jawOpen: current.jawOpen * 0.8, weights: current.weights)
        }
        let dt = Float(influenceTime.map { max(0, now - $0) } ?? 0)
        influenceTime = now
        let target: Float = active ? 1 : 0
        let tau: Float = active ? 0.08 : 0.2
        influence += (target - influence) * (1 - exp(-dt / tau))
        if !active && influence < 0.01 { influence = 0; return nil }
        return (current, influence)
    }

    /// Records the latency of a frame that first shows the current audio (render thread).
    public mutating func noteShown(nowUs: UInt64) {
        guard currentSequence != 0, currentSequence != shownSequence else { return }
        shownSequence = currentSequence
        latency.add(Double(Int64(bitPattern: nowUs &- currentSenderTimeUs)) / 1000)
    }

    /// What `status` reports about the speech input.
    public struct Statistics: Sendable, Equatable {
        public var source: String
        /// The current speech frame.
        public var current: SpeechFrame
        /// Median sender-to-shown latency of recent chunks, milliseconds.
        public var latencyMs: Double
        public var chunksReceived: UInt64
        public var chunksDropped: UInt64
    }

    public var statistics: Statistics {
        Statistics(source: source, current: current, latencyMs: latency.percentiles().p50,
                   chunksReceived: chunks, chunksDropped: dropped)
    }

    /// Whether any chunk arrived (accepted or refused).
    public var hasReceived: Bool { chunks > 0 || dropped > 0 }
}

/// Why an audio chunk was refused.
public enum SpeechChunkError: Error, CustomStringConvertible, Sendable {
    case invalid(String)
    case outOfOrder(UInt64, last: UInt64)
    /// The source sends faster than real time beyond its burst allowance.
    case tooFast(seconds: Double, allowance: Double)

    public var description: String {
        switch self {
        case let .invalid(m): return m
        case let .outOfOrder(s, last): return "chunk \(s) arrived after chunk \(last)"
        case let .tooFast(seconds, allowance):
            return String(format: "audio arrives faster than real time: a %.2f s chunk with %.2f s of allowance left "
                          + "(send speech at the pace it plays; bursts up to %.0f s)", seconds, allowance, SpeechChannel.burstSeconds)
        }
    }
}
