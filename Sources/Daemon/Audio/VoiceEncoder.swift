import Animator
import MediaCodecs
import SplatProtocol

/// An avatar's voice on its way to viewers: the speech it received, encoded as Opus in 20 ms
/// packets, each stamped with the wall-clock time it is to be heard and held back until
/// shortly before then, so that it reaches a viewer with the frame that shows its mouth shape.
///
/// Every utterance (speech after a pause of ``pauseSeconds``, or in a new format) is a new Opus
/// stream; nothing is encoded or published while nobody speaks. Not thread-safe: its avatar
/// locks it.
struct VoiceEncoder {
    /// A packet ready to publish.
    struct Packet {
        var bytes: [UInt8]
        var meta: Splatd_V1_AudioMeta
    }

    /// A silence this long ends an utterance.
    static let pauseSeconds = 0.3
    /// Packets go out this long before they are due (the network and a viewer's jitter buffer).
    static let leadSeconds = 0.04

    private var encoder: AudioEncoder?
    private var format: (rate: Int, channels: Int) = (0, 0)
    /// The utterance's first sample: monotonic time and wall clock.
    private var base: (monotonic: Double, wallUs: Int64) = (0, 0)
    private var end = 0.0
    private var newUtterance = false
    private var preSkip = 0
    private var sequence: UInt64 = 0
    private var latestChunk: UInt64 = 0
    private var waiting: [(due: Double, packet: Packet)] = []
    /// Errors so far (an encoder that failed drops that utterance).
    private(set) var failures = 0

    /// Encodes received speech (`pieces`, timed on the monotonic clock) at `now` / `nowUs`.
    mutating func add(_ pieces: [SpeechChannel.SpeechAudio], now: Double, nowUs: UInt64) {
        for piece in pieces {
            if encoder == nil || format != (piece.sampleRate, piece.channels) || piece.presentation > end + Self.pauseSeconds {
                finishUtterance()
                do {
                    encoder = try AudioEncoder(settings: AudioSettings(sampleRate: piece.sampleRate, channels: piece.channels))
                } catch {
                    failures += 1
                    continue
                }
                format = (piece.sampleRate, piece.channels)
                preSkip = encoder!.preSkip
                base = (piece.presentation, Int64(bitPattern: nowUs) + Int64((piece.presentation - now) * 1e6))
                newUtterance = true
            }
            latestChunk = piece.sequence
            end = piece.presentation + piece.duration
            do {
                let relative = Int64(((piece.presentation - base.monotonic) * 1e6).rounded())
                queue(try encoder!.encode(piece.samples, presentationTime: relative))
            } catch {
                failures += 1
                encoder = nil
            }
        }
    }

    /// The packets due to go out at `now`; ends the utterance after a pause.
    mutating func release(at now: Double) -> [Packet] {
        if encoder != nil, now > end + Self.pauseSeconds { finishUtterance() }
        let count = waiting.prefix { $0.due - Self.leadSeconds <= now }.count
        defer { waiting.removeFirst(count) }
        return waiting.prefix(count).map(\.packet)
    }

    /// When the next packet is to go out (monotonic), if any is waiting or an utterance may end.
    var nextRelease: Double? {
        if let first = waiting.first { return first.due - Self.leadSeconds }
        return encoder != nil ? end + Self.pauseSeconds : nil
    }

    private mutating func finishUtterance() {
        guard let e = encoder else { return }
        encoder = nil
        if let last = try? e.flush() { queue(last) }
    }

    private mutating func queue(_ packets: [AudioPacket]) {
        for p in packets {
            sequence += 1
            let first = newUtterance
            newUtterance = false
            let meta = Splatd_V1_AudioMeta.with {
                $0.codec = .opus
                $0.sampleRate = UInt32(AudioSettings.outputSampleRate)
                $0.channels = UInt32(format.channels)
                $0.packetSequence = sequence
                $0.presentationTimeUs = UInt64(max(0, base.wallUs + p.presentationTime))
                $0.durationUs = UInt32(p.durationMicroseconds)
                $0.audioSequence = latestChunk
                $0.utteranceStart = first
                $0.preSkip = first ? UInt32(preSkip) : 0
            }
            waiting.append((base.monotonic + Double(p.presentationTime) / 1e6, Packet(bytes: p.bytes, meta: meta)))
        }
    }
}
