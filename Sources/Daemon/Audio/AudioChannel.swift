import Animator
import Foundation
import SplatCore
import SplatProtocol

/// One avatar's speech input: audio chunks (from the wire or ALSA) → speech frames, played out
/// on the monotonic clock at the pace of the audio, and the statistics `status` shows.
///
/// Not thread-safe: `AvatarSlot` guards it with its lock.
struct AudioChannel {
    /// Where the audio comes from ("wire" or "alsa:<device>").
    private(set) var source = "wire"
    private let processor = SpeechProcessor()
    /// Frames not yet shown, oldest first, with their due time and provenance.
    private var queue: [(due: Double, frame: SpeechFrame, sequence: UInt64, senderTimeUs: UInt64)] = []
    private var queueStart = 0
    /// Stream time → monotonic time offset (only ever moves later, to absorb late chunks).
    private var offset: Double?
    private(set) var current = SpeechFrame.silence()
    private(set) var currentSequence: UInt64 = 0
    private(set) var currentSenderTimeUs: UInt64 = 0
    private var lastChunkTime: Double?
    private var lastChunkEnd: Double = 0
    private var ended = false
    private var lastSequence: UInt64 = 0
    private var chunks: UInt64 = 0
    private var dropped: UInt64 = 0
    private var latency = RollingWindow(capacity: 256)
    private var shownSequence: UInt64 = 0
    /// Influence of audio on the mouth, 0…1, eased in and out.
    private var influence: Float = 0
    private var influenceTime: Double?

    /// Seconds after the last chunk before audio lets go of the mouth.
    static let timeoutSeconds = 0.3
    /// Most audio queued ahead of real time, seconds (beyond: oldest frames are dropped).
    static let maximumAheadSeconds = 10.0

    /// Feeds one chunk that arrived at `now` (monotonic).
    mutating func receive(_ chunk: Splatd_V1_AudioChunk, now: Double, source: String = "wire") throws {
        self.source = source
        if chunk.sequence != 0 && chunk.sequence <= lastSequence && chunk.sequence > 1 {
            dropped += 1
            throw AudioChunkError.outOfOrder(chunk.sequence, last: lastSequence)
        }
        let channels = Int(chunk.channels == 0 ? 1 : chunk.channels)
        let rate = Int(chunk.sampleRate)
        guard (1...2).contains(channels) else { dropped += 1; throw AudioChunkError.invalid("channels must be 1 or 2, got \(channels)") }
        guard (8000...48000).contains(rate), AudioResampler.supports(rate: rate) else {
            dropped += 1
            throw AudioChunkError.invalid("sample_rate \(rate) Hz is not supported (8000…48000)")
        }
        let bytes = chunk.samplesS16Le
        guard bytes.count % (2 * channels) == 0 else {
            dropped += 1
            throw AudioChunkError.invalid("\(bytes.count) bytes of samples is not a whole number of \(channels)-channel s16le frames")
        }
        guard bytes.count / (2 * channels) <= rate else { dropped += 1; throw AudioChunkError.invalid("a chunk may hold at most one second of audio") }
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
        guard let lastFrame = produced.last else { return }
        lastChunkEnd = lastFrame.time
        offset = max(offset ?? -.infinity, now - lastFrame.time)
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

    /// Advances the playout to `now`: the newest speech frame due, and the audio's influence on
    /// the mouth (eased: 80 ms in, 200 ms out), or nil when audio has let go completely.
    mutating func advance(to now: Double) -> (frame: SpeechFrame, influence: Float)? {
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
    mutating func noteShown(nowUs: UInt64) {
        guard currentSequence != 0, currentSequence != shownSequence else { return }
        shownSequence = currentSequence
        latency.add(Double(Int64(bitPattern: nowUs &- currentSenderTimeUs)) / 1000)
    }

    func status() -> Splatd_V1_AudioStatus {
        .with {
            $0.source = source
            $0.levelDb = Double(current.levelDB)
            $0.voiceActive = current.voiceActive
            $0.viseme = current.dominant.name
            $0.visemeWeight = Double(current.weights[current.dominant])
            $0.latencyMs = latency.percentiles().p50
            $0.chunksReceived = chunks
            $0.chunksDropped = dropped
        }
    }

    var hasReceived: Bool { chunks > 0 || dropped > 0 }
}

/// Why an audio chunk was refused.
enum AudioChunkError: Error, CustomStringConvertible {
    case invalid(String)
    case outOfOrder(UInt64, last: UInt64)

    var description: String {
        switch self {
        case let .invalid(m): return m
        case let .outOfOrder(s, last): return "chunk \(s) arrived after chunk \(last)"
        }
    }
}
