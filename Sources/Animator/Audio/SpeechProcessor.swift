/// One audio source's speech path: interleaved 16-bit (or float) PCM at any common rate, 1–2
/// channels → ``AudioResampler`` → ``SpeechAnalyzer`` → one ``SpeechFrame`` per 10 ms.
///
/// The per-chunk call is ``process(_:sampleRate:channels:_:)``; a chunk may change the format
/// (the resampler is rebuilt, the analyser keeps its state and its clock). Frame times count
/// 16 kHz output samples, so they are stream time since the first chunk (or ``reset()``),
/// independent of the input rate. Nothing is allocated per chunk once the scratch buffer has
/// grown to the largest chunk.
///
/// Not thread-safe: one processor per source, used from one thread at a time.
public final class SpeechProcessor {
    /// The analyser (its ``SpeechAnalyzer/features`` describe the latest frame).
    public let analyzer: SpeechAnalyzer
    /// The current resampler (nil before the first chunk).
    public private(set) var resampler: AudioResampler?
    private var scratch: [Float] = []

    /// A processor; the input format is taken from each chunk.
    public init(configuration: SpeechAnalyzer.Configuration = .init()) {
        analyzer = SpeechAnalyzer(configuration: configuration)
        scratch.reserveCapacity(8192)
    }

    /// A processor with the resampler for `sampleRate` and `channels` built up front.
    /// - Throws: ``AudioError`` for an unsupported format.
    public convenience init(sampleRate: Int, channels: Int, configuration: SpeechAnalyzer.Configuration = .init()) throws {
        self.init(configuration: configuration)
        resampler = try AudioResampler(inputRate: sampleRate, channels: channels)
    }

    /// Algorithmic latency: the resampler's (0 at 16 kHz) plus the analyser's (50 ms).
    public var algorithmicLatency: Double {
        (resampler?.latencySeconds ?? 0) + analyzer.algorithmicLatency
    }

    /// Processes one chunk of interleaved 16-bit samples; calls `onFrame` for each completed
    /// 10 ms hop.
    /// - Throws: ``AudioError`` for an unsupported rate or channel count (the chunk is dropped).
    public func process(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, channels: Int,
                        _ onFrame: (SpeechFrame) -> Void) throws {
        try prepare(sampleRate: sampleRate, channels: channels)
        scratch.removeAll(keepingCapacity: true)
        resampler!.process(samples, into: &scratch)
        scratch.withUnsafeBufferPointer { analyzer.process($0, onFrame) }
    }

    /// Processes one chunk of interleaved float samples (full scale ±1).
    public func process(_ samples: UnsafeBufferPointer<Float>, sampleRate: Int, channels: Int,
                        _ onFrame: (SpeechFrame) -> Void) throws {
        try prepare(sampleRate: sampleRate, channels: channels)
        scratch.removeAll(keepingCapacity: true)
        resampler!.process(samples, into: &scratch)
        scratch.withUnsafeBufferPointer { analyzer.process($0, onFrame) }
    }

    /// Convenience: processes an array and returns the frames (allocates).
    public func process(_ samples: [Int16], sampleRate: Int, channels: Int) throws -> [SpeechFrame] {
        var frames: [SpeechFrame] = []
        try samples.withUnsafeBufferPointer { try process($0, sampleRate: sampleRate, channels: channels) { frames.append($0) } }
        return frames
    }

    /// Forgets all audio (analyser state and clock, resampler history).
    public func reset() {
        analyzer.reset()
        resampler?.reset()
    }

    private func prepare(sampleRate: Int, channels: Int) throws {
        if let r = resampler, r.inputRate == sampleRate, r.channels == channels { return }
        resampler = try AudioResampler(inputRate: sampleRate, channels: channels)
    }
}
