import CFFmpeg

/// Encodes interleaved 16-bit PCM as Opus (libopus) or AAC (FFmpeg's encoder) through
/// libavcodec: resampled to 48 kHz with libswresample, cut into the codec's frames (20 ms for
/// Opus, 1024 samples for AAC).
///
/// Give it chunks of any length with the presentation time of their first sample; it returns
/// the packets that became complete. Timestamps follow the samples counted from the first
/// chunk's time; a chunk that starts a packet length (20 ms) or more after the previous one
/// ended is preceded by silence up to its time, so packet times stay on the input's clock
/// across gaps. Smaller differences (clock jitter) and overlaps are ignored. Call `flush()` at
/// the end of the stream for the last packets.
///
/// Owns its libavcodec context, resampler, frame and packet, freed in `deinit`. Not
/// thread-safe: one encoder per stream.
public final class AudioEncoder {
    /// The settings it was opened with.
    public let settings: AudioSettings
    /// What libavcodec gives as the codec's extradata, which containers store: for Opus the
    /// 19-byte OpusHead (RFC 7845: channel count, pre-skip, input rate, mapping), for AAC the
    /// AudioSpecificConfig (ISO 14496-3: object type, rate, channels).
    public let extradata: [UInt8]
    /// Samples per channel at 48 kHz that decoders drop at the start (the encoder's delay:
    /// 312 for libopus with the default settings, 1024 for AAC).
    public let preSkip: Int
    /// Samples per channel in each frame (`settings.codec.frameSamples`).
    private let frameSamples: Int
    /// Whether the encoder takes planar floats (AAC) rather than interleaved Int16 (Opus).
    private let planarFloat: Bool

    private let context: UnsafeMutablePointer<AVCodecContext>
    private let frame: UnsafeMutablePointer<AVFrame>
    private let packet: UnsafeMutablePointer<AVPacket>
    private let resampler: PCMResampler
    /// Resampled samples (48 kHz, interleaved) not yet in a packet.
    private var pending: [Int16] = []
    /// The pts of `pending`'s first sample.
    private var pendingPTS: Int64 = 0
    /// The first chunk's time and the input frames since then (silence included).
    private var anchorMicroseconds: Int64?
    private var inputFramesSinceAnchor: Int64 = 0
    private var flushed = false

    /// Opens the codec's encoder with `settings`.
    ///
    /// - Throws: `MediaCodecError.encoderUnavailable("libopus")` (or `"aac"`), a settings
    ///   error from `AudioSettings.validate()`, or `.libraryFailure`.
    public init(settings: AudioSettings) throws {
        try settings.validate()
        _ = FFmpegLogging.quiet
        let name = settings.codec.encoderName
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw MediaCodecError.encoderUnavailable(name)
        }
        let sampleFormat = settings.codec == .aac ? AV_SAMPLE_FMT_FLTP : AV_SAMPLE_FMT_S16
        // Allocations are freed in reverse on any failure below.
        var context: UnsafeMutablePointer<AVCodecContext>? = avcodec_alloc_context3(codec)
        var frame: UnsafeMutablePointer<AVFrame>? = av_frame_alloc()
        var packet: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
        var layout = AVChannelLayout()
        av_channel_layout_default(&layout, Int32(settings.channels))
        defer { av_channel_layout_uninit(&layout) }
        do {
            guard let c = context, let f = frame, packet != nil else {
                throw MediaCodecError.libraryFailure(operation: "av_*_alloc", code: 0, message: "out of memory")
            }
            c.pointee.sample_fmt = sampleFormat
            c.pointee.sample_rate = Int32(AudioSettings.outputSampleRate)
            c.pointee.time_base = AVRational(num: 1, den: Int32(AudioSettings.outputSampleRate))
            c.pointee.bit_rate = Int64(settings.bitrateKbps) * 1000
            try FFmpegStatus.check(av_channel_layout_copy(&c.pointee.ch_layout, &layout), "av_channel_layout_copy")
            switch settings.codec {
            case .opus:
                try FFmpegStatus.setOption(c, "application", settings.application.rawValue)
                try FFmpegStatus.setOption(c, "frame_duration", "20")
            case .aac:
                // The AudioSpecificConfig as extradata (MP4 and FLV store it), not in-band ADTS.
                c.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
            }
            try FFmpegStatus.check(avcodec_open2(c, codec, nil), "avcodec_open2 (\(name))")

            f.pointee.format = sampleFormat.rawValue
            f.pointee.sample_rate = Int32(AudioSettings.outputSampleRate)
            f.pointee.nb_samples = Int32(settings.codec.frameSamples)
            try FFmpegStatus.check(av_channel_layout_copy(&f.pointee.ch_layout, &layout), "av_channel_layout_copy")
            try FFmpegStatus.check(av_frame_get_buffer(f, 0), "av_frame_get_buffer")

            self.resampler = try PCMResampler(inputRate: settings.sampleRate, channels: settings.channels)
            if let data = c.pointee.extradata, c.pointee.extradata_size > 0 {
                self.extradata = Array(UnsafeBufferPointer(start: data, count: Int(c.pointee.extradata_size)))
            } else {
                self.extradata = []
            }
            self.preSkip = Int(c.pointee.initial_padding)
        } catch {
            av_packet_free(&packet)
            av_frame_free(&frame)
            avcodec_free_context(&context)
            throw error
        }
        self.context = context!
        self.frame = frame!
        self.packet = packet!
        self.settings = settings
        self.frameSamples = settings.codec.frameSamples
        self.planarFloat = settings.codec == .aac
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = self.context
        avcodec_free_context(&context)
        var frame: UnsafeMutablePointer<AVFrame>? = self.frame
        av_frame_free(&frame)
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
    }

    /// Encodes a chunk of PCM.
    ///
    /// - Parameters:
    ///   - samples: interleaved signed 16-bit samples at `settings.sampleRate`, a whole number
    ///     of frames (`samples.count` a multiple of `settings.channels`); any length.
    ///   - presentationTime: when the chunk's first sample plays, in microseconds.
    /// - Returns: the packets completed by this chunk, oldest first (often none or one).
    /// - Throws: `MediaCodecError.partialAudioFrame`, `.flushed` or `.libraryFailure`.
    public func encode(_ samples: UnsafeBufferPointer<Int16>, presentationTime: Int64) throws -> [AudioPacket] {
        guard !flushed else { throw MediaCodecError.flushed }
        let channels = settings.channels
        guard samples.count % channels == 0 else {
            throw MediaCodecError.partialAudioFrame(samples: samples.count, channels: channels)
        }
        let rate = Int64(settings.sampleRate)
        if let anchor = anchorMicroseconds {
            // A gap of a packet or more: fill it with silence so that the time line holds.
            let expected = anchor + inputFramesSinceAnchor * 1_000_000 / rate
            let gap = presentationTime - expected
            if gap >= 20_000 {
                let silentFrames = Int(gap * rate / 1_000_000)
                let silence = [Int16](repeating: 0, count: silentFrames * channels)
                try silence.withUnsafeBufferPointer { try resampler.resample($0, appendingTo: &pending) }
                inputFramesSinceAnchor += Int64(silentFrames)
            }
        } else {
            anchorMicroseconds = presentationTime
            pendingPTS = Self.samples48k(microseconds: presentationTime)
        }
        guard !samples.isEmpty else { return [] }
        try resampler.resample(samples, appendingTo: &pending)
        inputFramesSinceAnchor += Int64(samples.count / channels)
        var packets: [AudioPacket] = []
        try sendWholeFrames(collecting: &packets)
        return packets
    }

    /// Encodes a chunk of PCM held in an array (see `encode(_:presentationTime:)`).
    public func encode(_ samples: [Int16], presentationTime: Int64) throws -> [AudioPacket] {
        try samples.withUnsafeBufferPointer { try encode($0, presentationTime: presentationTime) }
    }

    /// Ends the stream: encodes what the resampler and the last partial frame hold, and
    /// drains the encoder (the packets covering its delay).
    ///
    /// - Returns: the remaining packets; afterwards `encode` throws `MediaCodecError.flushed`.
    /// - Throws: `MediaCodecError.libraryFailure`.
    public func flush() throws -> [AudioPacket] {
        guard !flushed else { return [] }
        flushed = true
        var packets: [AudioPacket] = []
        if anchorMicroseconds != nil {
            try resampler.resample(UnsafeBufferPointer(start: nil, count: 0), appendingTo: &pending)
            try sendWholeFrames(collecting: &packets)
            if !pending.isEmpty {
                // Both encoders take a short last frame; its packet's duration is the real length.
                try send(frames: pending.count / settings.channels, collecting: &packets)
            }
        }
        try FFmpegStatus.check(avcodec_send_frame(context, nil), "avcodec_send_frame (\(settings.codec.encoderName), flush)")
        try receive(collecting: &packets)
        return packets
    }

    /// Sends every complete frame of `pending`.
    private func sendWholeFrames(collecting packets: inout [AudioPacket]) throws {
        while pending.count >= frameSamples * settings.channels {
            try send(frames: frameSamples, collecting: &packets)
        }
    }

    /// Copies the first `frames` frames of `pending` into the AVFrame, sends it and collects
    /// the packets the encoder has ready.
    private func send(frames: Int, collecting packets: inout [AudioPacket]) throws {
        // libavcodec may still reference the previous frame's buffer; this copies only then.
        try FFmpegStatus.check(av_frame_make_writable(frame), "av_frame_make_writable")
        let channels = settings.channels
        let values = frames * channels
        guard let first = frame.pointee.data.0 else {
            throw MediaCodecError.libraryFailure(operation: "av_frame_get_buffer", code: 0, message: "no audio buffer")
        }
        // The buffers hold frameSamples × channels values (allocated for that in init), and
        // frames ≤ frameSamples.
        if planarFloat {
            // AAC takes one plane of floats in −1…1 per channel.
            let planes = [first, frame.pointee.data.1]
            for channel in 0..<channels {
                guard let plane = planes[channel] else { continue }
                let out = UnsafeMutableRawPointer(plane).assumingMemoryBound(to: Float.self)
                for i in 0..<frames { out[i] = Float(pending[i * channels + channel]) / 32768 }
            }
        } else {
            pending.withUnsafeBytes { source in
                UnsafeMutableRawPointer(first).copyMemory(from: source.baseAddress!, byteCount: values * 2)
            }
        }
        frame.pointee.nb_samples = Int32(frames)
        frame.pointee.pts = pendingPTS
        pending.removeFirst(values)
        pendingPTS += Int64(frames)
        try FFmpegStatus.check(avcodec_send_frame(context, frame), "avcodec_send_frame (\(settings.codec.encoderName))")
        frame.pointee.nb_samples = Int32(frameSamples)
        try receive(collecting: &packets)
    }

    /// Collects every packet the encoder has ready.
    private func receive(collecting packets: inout [AudioPacket]) throws {
        while true {
            let status = avcodec_receive_packet(context, packet)
            if status == FFmpegStatus.again || status == FFmpegStatus.endOfFile { return }
            try FFmpegStatus.check(status, "avcodec_receive_packet (\(settings.codec.encoderName))")
            // Copy the bytes out before the packet is reused.
            defer { av_packet_unref(packet) }
            let bytes = packet.pointee.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(packet.pointee.size))) } ?? []
            packets.append(AudioPacket(bytes: bytes, pts: packet.pointee.pts, duration: Int(packet.pointee.duration)))
        }
    }

    /// Microseconds to 48 kHz samples, rounded to the nearest.
    static func samples48k(microseconds: Int64) -> Int64 {
        let scaled = microseconds.multipliedReportingOverflow(by: 48)
        guard !scaled.overflow else { return Int64((Double(microseconds) * 0.048).rounded()) }
        return scaled.partialValue >= 0 ? (scaled.partialValue + 500) / 1000 : -((-scaled.partialValue + 500) / 1000)
    }
}
