import CFFmpeg

/// Writes H.264 video and Opus or AAC audio into a container with libavformat: a file (`.mp4`,
/// `.mkv`, …, chosen by the name's extension) or any output libavformat opens by URL with a
/// format name (`flv` for `rtmp://`, `mpegts` for `udp://` or `srt://`).
///
/// Use: create it, add the streams (`addH264Video`, `addOpusAudio` or `addAACAudio`), `start()` (writes the
/// header), write packets with their presentation times in microseconds, `finish()` (writes
/// the trailer and closes the output). Times are on any microsecond clock: the muxer subtracts
/// `origin` (by default the first packet's time, of any stream), so the file starts at 0 and
/// every stream keeps its place on the shared time line. Packets are interleaved by time
/// (`av_interleaved_write_frame`).
///
/// H.264 access units are given in Annex B form, as `H264Encoder` and splatd's streams make
/// them; the SPS and PPS of the first keyframe become the stream's codec parameters (Annex B
/// extradata), from which the MP4 and Matroska muxers of FFmpeg 5.1 write an `avcC` record and
/// convert each access unit to length-prefixed NAL units themselves (and FLV likewise; MPEG-TS
/// keeps Annex B). Opus packets carry an OpusHead (RFC 7845) as extradata; the stream's pre-skip
/// is trimmed by decoders at its start.
///
/// Owns its libavformat context and output, released by `finish()` or, without a trailer, in
/// `deinit`. Not thread-safe.
public final class MediaMuxer {
    /// Where the output goes.
    public let url: String
    /// The libavformat muxer's name (`"mp4"`, `"matroska"`, …).
    public let formatName: String
    /// The time subtracted from every packet's time (microseconds); set by the first packet
    /// written unless given before.
    public var origin: Int64?
    /// How long (µs) interleaving may hold packets back while waiting for a stream that sends
    /// none (a voice track during silence); libavformat's default is 10 s, right for files. A
    /// live output (RTMP, SRT) wants less, e.g. 500 ms. Set before `start()`.
    public var maxInterleaveDelta: Int64 = 10_000_000
    /// Options of the protocol that opens the output (`avio_open2`), e.g. SRT's `latency`.
    /// Set before `start()`.
    public var ioOptions: [String: String] = [:]
    /// Aborts blocking network calls (a server that does not answer); see `MuxerInterrupt`.
    public let interrupt = MuxerInterrupt()

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let packet: UnsafeMutablePointer<AVPacket>
    private var streams: [Track] = []
    private var started = false
    private var finished = false

    /// What the muxer knows of each of its streams.
    private struct Track {
        var kind: MediaMuxerError.StreamKind
        var index: Int32
        var lastDTS: Int64?
        var lastMicroseconds: Int64?
        var packets = 0
        /// Added to the packets' times: Matroska's Opus block timestamps include the codec delay.
        var offsetMicroseconds: Int64 = 0
    }

    /// The stream index of the video track (after `addH264Video`).
    public private(set) var videoStream: Int?
    /// The stream index of the audio track (after `addOpusAudio` or `addAACAudio`).
    public private(set) var audioStream: Int?

    /// Packets written per stream index.
    public func packetCount(stream: Int) -> Int { streams.indices.contains(stream) ? streams[stream].packets : 0 }

    /// Prepares an output.
    ///
    /// - Parameters:
    ///   - url: a file path or a URL libavformat's protocols open (`rtmp://…`, `srt://…`).
    ///   - format: the muxer's name (`"mp4"`, `"matroska"`, `"flv"`, `"mpegts"`); nil chooses it
    ///     from the name's extension (`.mp4`, `.mkv`, `.mov`, `.webm`, `.ts`, `.flv`).
    /// - Throws: `MediaMuxerError.unknownFormat` when no muxer fits.
    public init(url: String, format: String? = nil) throws {
        _ = FFmpegLogging.quiet
        guard let packet = av_packet_alloc() else {
            throw MediaMuxerError.libraryFailure(operation: "av_packet_alloc", code: 0, message: "out of memory")
        }
        var context: UnsafeMutablePointer<AVFormatContext>?
        let status = avformat_alloc_output_context2(&context, nil, format, url)
        guard status >= 0, let context, let oformat = context.pointee.oformat else {
            var p: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&p)
            throw MediaMuxerError.unknownFormat(url: url, format: format)
        }
        self.url = url
        self.packet = packet
        self.context = context
        self.formatName = String(cString: oformat.pointee.name)
    }

    deinit {
        if let context {
            if started && !finished { _ = av_write_trailer(context) }
            closeOutput(context)
            avformat_free_context(context)
        }
        var p: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&p)
    }

    /// Adds the H.264 video stream.
    ///
    /// - Parameters:
    ///   - width: picture width in pixels.
    ///   - height: picture height in pixels.
    ///   - keyframe: the first access unit to be written (Annex B), an IDR picture with its SPS
    ///     and PPS in front: they become the codec parameters.
    ///   - frameRate: the nominal rate, a hint for players (packets are timed by their times).
    /// - Returns: the stream index.
    /// - Throws: `MediaMuxerError.missingParameterSets` when `keyframe` holds no SPS or PPS,
    ///   `.alreadyStarted`, `.streamExists`, or `.libraryFailure`.
    @discardableResult
    public func addH264Video(width: Int, height: Int, keyframe: [UInt8], frameRate: Int = 30) throws -> Int {
        let units = AnnexB.nalUnits(in: keyframe)
        let sps = units.filter { $0.type == 7 }, pps = units.filter { $0.type == 8 }
        guard !sps.isEmpty, !pps.isEmpty else {
            throw MediaMuxerError.missingParameterSets(found: units.map(\.type))
        }
        var extradata: [UInt8] = []
        for unit in sps + pps { extradata += [0, 0, 0, 1] + keyframe[unit.range] }
        guard videoStream == nil else { throw MediaMuxerError.streamExists(.video) }
        let (stream, index) = try newStream(.video, extradata: extradata)
        let p = stream.pointee.codecpar!
        p.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        p.pointee.codec_id = AV_CODEC_ID_H264
        p.pointee.width = Int32(width)
        p.pointee.height = Int32(height)
        p.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        p.pointee.color_range = AVCOL_RANGE_MPEG
        p.pointee.color_space = AVCOL_SPC_SMPTE170M
        p.pointee.color_primaries = AVCOL_PRI_BT709
        p.pointee.color_trc = AVCOL_TRC_IEC61966_2_1
        // 1/90000 s, H.264's own clock; muxers replace it with theirs (Matroska 1/1000).
        stream.pointee.time_base = AVRational(num: 1, den: 90_000)
        stream.pointee.avg_frame_rate = AVRational(num: Int32(max(1, frameRate)), den: 1)
        videoStream = index
        return index
    }

    /// Adds the Opus audio stream (48 kHz).
    ///
    /// - Parameters:
    ///   - channels: 1 or 2 (a decoder downmixes or upmixes packets of the other kind).
    ///   - preSkip: samples at 48 kHz decoders drop at the stream's start (the encoder's
    ///     lookahead, `AudioEncoder.preSkip`, `AudioMeta.pre_skip`).
    /// - Returns: the stream index.
    /// - Throws: `.alreadyStarted`, `.streamExists`, or `.libraryFailure`.
    @discardableResult
    public func addOpusAudio(channels: Int, preSkip: Int) throws -> Int {
        guard audioStream == nil else { throw MediaMuxerError.streamExists(.audio) }
        let head = Self.opusHead(channels: channels, preSkip: preSkip)
        let (stream, index) = try newStream(.audio, extradata: head)
        let p = stream.pointee.codecpar!
        p.pointee.codec_type = AVMEDIA_TYPE_AUDIO
        p.pointee.codec_id = AV_CODEC_ID_OPUS
        p.pointee.sample_rate = 48_000
        p.pointee.initial_padding = Int32(preSkip)
        av_channel_layout_default(&p.pointee.ch_layout, Int32(channels))
        stream.pointee.time_base = AVRational(num: 1, den: 48_000)
        // Matroska stores an Opus block at its presentation time plus the CodecDelay (the
        // pre-skip), which readers subtract; FFmpeg 5.1's muxer writes the CodecDelay but leaves
        // the timestamps as given, which would put the voice a pre-skip (6.5 ms) early.
        if formatName == "matroska" || formatName == "webm" {
            streams[index].offsetMicroseconds = Int64(preSkip) * 1_000_000 / 48_000
        }
        audioStream = index
        return index
    }

    /// Adds an AAC-LC audio stream (48 kHz) as `AudioEncoder` makes it.
    ///
    /// - Parameters:
    ///   - channels: 1 or 2.
    ///   - extradata: the encoder's AudioSpecificConfig (`AudioEncoder.extradata`).
    ///   - preSkip: the encoder's priming samples (`AudioEncoder.preSkip`, 1024).
    /// - Returns: the stream index.
    /// - Throws: `.alreadyStarted`, `.streamExists`, or `.libraryFailure`.
    @discardableResult
    public func addAACAudio(channels: Int, extradata: [UInt8], preSkip: Int) throws -> Int {
        guard audioStream == nil else { throw MediaMuxerError.streamExists(.audio) }
        let (stream, index) = try newStream(.audio, extradata: extradata)
        let p = stream.pointee.codecpar!
        p.pointee.codec_type = AVMEDIA_TYPE_AUDIO
        p.pointee.codec_id = AV_CODEC_ID_AAC
        p.pointee.profile = FF_PROFILE_AAC_LOW
        p.pointee.sample_rate = 48_000
        p.pointee.frame_size = Int32(AudioCodec.aac.frameSamples)
        p.pointee.initial_padding = Int32(preSkip)
        av_channel_layout_default(&p.pointee.ch_layout, Int32(channels))
        stream.pointee.time_base = AVRational(num: 1, den: 48_000)
        audioStream = index
        return index
    }

    /// Adds the audio stream `encoder` writes (Opus or AAC).
    @discardableResult
    public func addAudio(from encoder: AudioEncoder) throws -> Int {
        switch encoder.settings.codec {
        case .opus: try addOpusAudio(channels: encoder.settings.channels, preSkip: encoder.preSkip)
        case .aac: try addAACAudio(channels: encoder.settings.channels, extradata: encoder.extradata, preSkip: encoder.preSkip)
        }
    }

    /// The 19-byte OpusHead of RFC 7845 §5.1 (mapping family 0: mono or stereo).
    public static func opusHead(channels: Int, preSkip: Int, inputSampleRate: Int = 48_000) -> [UInt8] {
        var head = Array("OpusHead".utf8)
        head.append(1)  // version
        head.append(UInt8(clamping: channels))
        head += [UInt8(preSkip & 0xFF), UInt8((preSkip >> 8) & 0xFF)]
        head += (0..<4).map { UInt8((inputSampleRate >> (8 * $0)) & 0xFF) }
        head += [0, 0]  // output gain
        head.append(0)  // channel mapping family
        return head
    }

    /// Opens the output and writes the header.
    ///
    /// - Parameter options: muxer options, e.g. `["movflags": "+faststart"]` for an MP4 whose
    ///   index comes first (rewritten at `finish()`).
    /// - Throws: `MediaMuxerError.noStreams`, `.alreadyStarted`, `.cannotOpen` (with the
    ///   system's reason), or `.libraryFailure` (the muxer refused the streams).
    public func start(options: [String: String] = [:]) throws {
        guard let context, !started else { throw MediaMuxerError.alreadyStarted }
        guard !streams.isEmpty else { throw MediaMuxerError.noStreams }
        context.pointee.interrupt_callback = interrupt.callback
        if context.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
            var ioDictionary: OpaquePointer?
            for (key, value) in ioOptions { av_dict_set(&ioDictionary, key, value, 0) }
            var callback = interrupt.callback
            let status = avio_open2(&context.pointee.pb, url, AVIO_FLAG_WRITE, &callback, &ioDictionary)
            av_dict_free(&ioDictionary)
            guard status >= 0 else {
                throw MediaMuxerError.cannotOpen(url: url, reason: FFmpegStatus.message(status))
            }
        }
        context.pointee.max_interleave_delta = maxInterleaveDelta
        var dictionary: OpaquePointer?
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        defer { av_dict_free(&dictionary) }
        let status = avformat_write_header(context, &dictionary)
        guard status >= 0 else {
            closeOutput(context)
            throw MediaMuxerError.libraryFailure(
                operation: "avformat_write_header (\(formatName))", code: status, message: FFmpegStatus.message(status))
        }
        started = true
        if let unused = av_dict_get(dictionary, "", nil, AV_DICT_IGNORE_SUFFIX) {
            throw MediaMuxerError.unknownOption(name: String(cString: unused.pointee.key), format: formatName)
        }
    }

    /// Writes one H.264 access unit (Annex B).
    ///
    /// - Parameters:
    ///   - time: its presentation time in microseconds (also its decoding time: no B-frames).
    ///   - duration: how long it is shown, in microseconds, when known (the last frame's sets
    ///     the file's end); nil or 0: unknown.
    /// - Throws: `.notStarted`, `.noSuchStream`, `.nonIncreasingTimestamp`, `.finished`, or
    ///   `.libraryFailure`.
    public func writeVideo(_ accessUnit: [UInt8], time: Int64, keyframe: Bool, duration: Int64? = nil) throws {
        guard let videoStream else { throw MediaMuxerError.noSuchStream(.video) }
        try write(accessUnit, stream: videoStream, time: time, duration: duration, keyframe: keyframe)
    }

    /// Writes one audio packet (Opus or AAC).
    ///
    /// - Parameters:
    ///   - time: when its first decoded sample plays, in microseconds (`AudioMeta.presentation_time_us`).
    ///   - duration: its length in microseconds (20 ms; the last of an utterance shorter).
    /// - Throws: as `writeVideo`.
    public func writeAudio(_ packet: [UInt8], time: Int64, duration: Int64) throws {
        guard let audioStream else { throw MediaMuxerError.noSuchStream(.audio) }
        try write(packet, stream: audioStream, time: time, duration: duration, keyframe: true)
    }

    /// Writes the trailer (MP4's index, Matroska's cues) and closes the output. Safe to call
    /// more than once.
    ///
    /// - Throws: `.libraryFailure` when the trailer cannot be written (a full disk).
    public func finish() throws {
        guard let context, started, !finished else { return }
        finished = true
        let status = av_write_trailer(context)
        closeOutput(context)
        try FFmpegStatus.checkMuxer(status, "av_write_trailer (\(formatName))")
    }

    /// The SDP (RFC 4566) describing RTP muxers' sessions, for a receiver to open: one media
    /// section per muxer (each an RTP output of one stream), after `start()`.
    ///
    /// - Throws: `.notStarted` or `.libraryFailure`.
    public static func sessionDescription(_ muxers: [MediaMuxer]) throws -> String {
        var contexts: [UnsafeMutablePointer<AVFormatContext>?] = []
        for muxer in muxers {
            guard muxer.started, let context = muxer.context else { throw MediaMuxerError.notStarted }
            contexts.append(context)
        }
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = av_sdp_create(&contexts, Int32(contexts.count), &buffer, Int32(buffer.count))
        try FFmpegStatus.checkMuxer(status, "av_sdp_create")
        return String(cString: buffer)
    }

    // MARK: - Private

    private func newStream(
        _ kind: MediaMuxerError.StreamKind, extradata: [UInt8]
    ) throws -> (UnsafeMutablePointer<AVStream>, Int) {
        guard let context, !started else { throw MediaMuxerError.alreadyStarted }
        guard let stream = avformat_new_stream(context, nil), let parameters = stream.pointee.codecpar else {
            throw MediaMuxerError.libraryFailure(operation: "avformat_new_stream", code: 0, message: "out of memory")
        }
        // Extradata in a buffer libavformat owns (freed with the stream), padded as it requires.
        guard let buffer = av_mallocz(extradata.count + Int(AV_INPUT_BUFFER_PADDING_SIZE)) else {
            throw MediaMuxerError.libraryFailure(operation: "av_mallocz", code: 0, message: "out of memory")
        }
        extradata.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        parameters.pointee.extradata = buffer.assumingMemoryBound(to: UInt8.self)
        parameters.pointee.extradata_size = Int32(extradata.count)
        let index = Int(stream.pointee.index)
        streams.append(Track(kind: kind, index: stream.pointee.index))
        return (stream, index)
    }

    private func write(_ bytes: [UInt8], stream index: Int, time: Int64, duration: Int64?, keyframe: Bool) throws {
        guard let context, !finished else { throw MediaMuxerError.finished }
        guard started else { throw MediaMuxerError.notStarted }
        let origin = self.origin ?? time
        self.origin = origin
        let stream = context.pointee.streams[index]!
        let microseconds = AVRational(num: 1, den: 1_000_000)
        let dts = av_rescale_q(time - origin + streams[index].offsetMicroseconds, microseconds, stream.pointee.time_base)
        if let last = streams[index].lastDTS, dts <= last {
            throw MediaMuxerError.nonIncreasingTimestamp(
                streams[index].kind, previousMicroseconds: streams[index].lastMicroseconds ?? 0, microseconds: time)
        }
        try FFmpegStatus.checkMuxer(av_new_packet(packet, Int32(bytes.count)), "av_new_packet")
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(packet.pointee.data).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        packet.pointee.pts = dts
        packet.pointee.dts = dts
        packet.pointee.duration = duration.map { av_rescale_q($0, microseconds, stream.pointee.time_base) } ?? 0
        packet.pointee.stream_index = Int32(index)
        if keyframe { packet.pointee.flags |= AV_PKT_FLAG_KEY }
        // Takes the packet's reference (and leaves it blank) even when it fails.
        let status = av_interleaved_write_frame(context, packet)
        av_packet_unref(packet)
        try FFmpegStatus.checkMuxer(status, "av_interleaved_write_frame (\(formatName), \(streams[index].kind))")
        streams[index].lastDTS = dts
        streams[index].lastMicroseconds = time
        streams[index].packets += 1
    }

    private func closeOutput(_ context: UnsafeMutablePointer<AVFormatContext>) {
        if context.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0, context.pointee.pb != nil {
            avio_closep(&context.pointee.pb)
        }
    }
}

extension FFmpegStatus {
    /// Throws `MediaMuxerError.libraryFailure` when `code` is negative.
    static func checkMuxer(_ code: Int32, _ operation: @autoclosure () -> String) throws {
        guard code >= 0 else {
            throw MediaMuxerError.libraryFailure(operation: operation(), code: code, message: message(code))
        }
    }
}

/// Why `MediaMuxer` could not write; each message says what to do instead.
public enum MediaMuxerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stream's kind, for messages.
    public enum StreamKind: String, Sendable, Equatable, CustomStringConvertible {
        case video, audio
        public var description: String { rawValue }
    }

    /// No muxer for this name or extension.
    case unknownFormat(url: String, format: String?)
    /// The output could not be opened (`reason`: the system's, e.g. a missing folder).
    case cannotOpen(url: String, reason: String)
    /// The first keyframe lacks an SPS or PPS (`found`: the NAL unit types it holds).
    case missingParameterSets(found: [UInt8])
    /// Streams are added before `start()`, and `start()` is called once.
    case alreadyStarted
    /// Packets are written after `start()`.
    case notStarted
    /// Nothing is written after `finish()`.
    case finished
    /// `start()` without a stream.
    case noStreams
    /// A second stream of a kind the muxer holds once.
    case streamExists(StreamKind)
    /// A packet for a stream that was not added.
    case noSuchStream(StreamKind)
    /// A muxer option the muxer does not know.
    case unknownOption(name: String, format: String)
    /// A packet not after the previous one of its stream (in the stream's time base).
    case nonIncreasingTimestamp(StreamKind, previousMicroseconds: Int64, microseconds: Int64)
    /// libavformat reported an error.
    case libraryFailure(operation: String, code: Int32, message: String)

    public var description: String {
        switch self {
        case let .unknownFormat(url, format):
            if let format { return "no muxer named \(format) in this FFmpeg build (for \(url)): try mp4, matroska, mpegts or flv" }
            return "cannot tell the container from the name \(url): end it in .mp4 or .mkv (or give a format name)"
        case let .cannotOpen(url, reason):
            if url.contains("://") { return "cannot connect to \(url): \(reason) (is the server running and reachable?)" }
            return "cannot open \(url) for writing: \(reason) (does its folder exist, and is it writable?)"
        case let .missingParameterSets(found):
            return "the first H.264 access unit has no SPS and PPS (NAL unit types \(found.map(String.init).joined(separator: ", "))): "
                + "start the recording at a keyframe"
        case .alreadyStarted:
            return "the container's header is written: add every stream before start(), and call start() once"
        case .notStarted:
            return "no header yet: call start() before writing packets"
        case .finished:
            return "the container is closed: create a new muxer to write more"
        case .noStreams:
            return "no streams to write: add a video or audio stream before start()"
        case let .streamExists(kind):
            return "the container has its \(kind) stream already: one of each kind"
        case let .noSuchStream(kind):
            return "no \(kind) stream in this container: add it before start()"
        case let .unknownOption(name, format):
            return "the \(format) muxer has no option \(name)"
        case let .nonIncreasingTimestamp(kind, previous, current):
            return "\(kind) packet at \(current) µs is not after the previous one (\(previous) µs): timestamps must increase"
        case let .libraryFailure(operation, code, message):
            return "FFmpeg \(operation) failed (\(code)): \(message)"
        }
    }
}
