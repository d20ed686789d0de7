import CFFmpeg

/// Resamples interleaved signed 16-bit PCM to 48 kHz with libswresample, keeping the channel
/// count or mixing to another (stereo to mono). Owns its `SwrContext` (freed in `deinit`) and
/// an output scratch array. Not thread-safe.
public final class PCMResampler {
    /// The input's rate in Hz.
    public let inputRate: Int
    /// The input's channels (1 or 2).
    public let channels: Int
    /// The output's channels (1 or 2).
    public let outputChannels: Int
    /// The swresample context (owned).
    private var context: OpaquePointer?
    private var scratch: [Int16] = []

    /// - Throws: `MediaCodecError.libraryFailure` if libswresample rejects the conversion.
    public init(inputRate: Int, channels: Int, outputChannels: Int? = nil) throws {
        self.inputRate = inputRate
        self.channels = channels
        self.outputChannels = outputChannels ?? channels
        // FFmpeg 5.1 takes the layouts as non-const pointers.
        var inputLayout = AVChannelLayout(), outputLayout = AVChannelLayout()
        av_channel_layout_default(&inputLayout, Int32(channels))
        av_channel_layout_default(&outputLayout, Int32(self.outputChannels))
        defer {
            av_channel_layout_uninit(&inputLayout)
            av_channel_layout_uninit(&outputLayout)
        }
        var context: OpaquePointer?
        try FFmpegStatus.check(
            swr_alloc_set_opts2(&context, &outputLayout, AV_SAMPLE_FMT_S16, Int32(AudioSettings.outputSampleRate),
                                &inputLayout, AV_SAMPLE_FMT_S16, Int32(inputRate), 0, nil),
            "swr_alloc_set_opts2")
        self.context = context
        try FFmpegStatus.check(swr_init(context), "swr_init")
    }

    deinit {
        swr_free(&context)
    }

    /// Resamples `samples` (interleaved, a whole number of frames) and appends the result to
    /// `output`. An empty `samples` drains what the filter still holds (at the end of the stream).
    public func resample(_ samples: UnsafeBufferPointer<Int16>, appendingTo output: inout [Int16]) throws {
        let inputFrames = samples.count / channels
        // An upper bound of the output frames, including what the filter holds back.
        let capacity = Int(swr_get_out_samples(context, Int32(inputFrames))) + 16
        if scratch.count < capacity * outputChannels {
            scratch = [Int16](repeating: 0, count: capacity * outputChannels)
        }
        // swr_convert takes arrays of plane pointers; interleaved PCM is one plane. A nil input
        // plane drains the filter.
        let produced = try scratch.withUnsafeMutableBytes { out in
            var outPlanes: [UnsafeMutablePointer<UInt8>?] = [out.baseAddress?.assumingMemoryBound(to: UInt8.self)]
            let input = UnsafeRawPointer(samples.baseAddress)?.assumingMemoryBound(to: UInt8.self)
            var inPlanes: [UnsafePointer<UInt8>?] = [input]
            return try FFmpegStatus.check(
                inputFrames > 0
                    ? swr_convert(context, &outPlanes, Int32(capacity), &inPlanes, Int32(inputFrames))
                    : swr_convert(context, &outPlanes, Int32(capacity), nil, 0),
                "swr_convert")
        }
        output.append(contentsOf: scratch[0..<(Int(produced) * outputChannels)])
    }
}
