import CFFmpeg

/// Resamples interleaved signed 16-bit PCM to 48 kHz with libswresample, keeping the channel
/// count. Owns its `SwrContext` (freed in `deinit`) and an output scratch array.
final class PCMResampler {
    let inputRate: Int
    let channels: Int
    /// The swresample context (owned).
    private var context: OpaquePointer?
    private var scratch: [Int16] = []

    /// - Throws: `MediaCodecError.libraryFailure` if libswresample rejects the conversion.
    init(inputRate: Int, channels: Int) throws {
        self.inputRate = inputRate
        self.channels = channels
        // The same channel layout in and out (FFmpeg 5.1 takes them as non-const pointers).
        var inputLayout = AVChannelLayout(), outputLayout = AVChannelLayout()
        av_channel_layout_default(&inputLayout, Int32(channels))
        av_channel_layout_default(&outputLayout, Int32(channels))
        defer {
            av_channel_layout_uninit(&inputLayout)
            av_channel_layout_uninit(&outputLayout)
        }
        var context: OpaquePointer?
        try FFmpegStatus.check(
            swr_alloc_set_opts2(&context, &outputLayout, AV_SAMPLE_FMT_S16, Int32(OpusSettings.outputSampleRate),
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
    func resample(_ samples: UnsafeBufferPointer<Int16>, appendingTo output: inout [Int16]) throws {
        let inputFrames = samples.count / channels
        // An upper bound of the output frames, including what the filter holds back.
        let capacity = Int(swr_get_out_samples(context, Int32(inputFrames))) + 16
        if scratch.count < capacity * channels {
            scratch = [Int16](repeating: 0, count: capacity * channels)
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
        output.append(contentsOf: scratch[0..<(Int(produced) * channels)])
    }
}
