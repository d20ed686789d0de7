import CFFmpeg

/// Encodes RGB frames as H.264 with libx264 through libavcodec, for live streaming.
///
/// Each call to `encode` takes one frame and writes one access unit, in Annex B form (start
/// codes, no length prefixes): keyframes are IDR pictures preceded by SPS and PPS, so a
/// decoder can start at any keyframe, and every access unit can be sent as it is. See
/// `H264Settings` for the fixed choices (x264 `ultrafast` + `zerolatency`, no B-frames, closed
/// GOPs) and the adjustable ones.
///
/// The input is what FrameEncoder's encoders take — tightly packed RGB8 or RGBA8 rows, top to
/// bottom — converted to BT.601 limited-range YUV 4:2:0 with libswscale; the stream's VUI says
/// so (matrix SMPTE 170M, primaries BT.709, transfer sRGB, limited range).
///
/// The encoder owns its libavcodec context, a YUV frame and a packet, freed in `deinit`. It is
/// not thread-safe: give each stream its own encoder; one may be handed from one thread to
/// another between frames.
public final class H264Encoder {
    /// The time base of `H264FrameInfo.pts`: 1/90000 s, the clock of H.264 in MPEG-TS and RTP.
    public static let timeBase = (numerator: 1, denominator: 90_000)

    /// Whether this FFmpeg build has libx264.
    public static var isAvailable: Bool { avcodec_find_encoder_by_name("libx264") != nil }

    /// The settings in force (`rateControl` included, once changed).
    public private(set) var settings: H264Settings

    /// The open libavcodec context (owned; replaced when the rate-control mode changes).
    private var context: UnsafeMutablePointer<AVCodecContext>
    /// Received packets (owned; unreferenced after every frame).
    private let packet: UnsafeMutablePointer<AVPacket>
    private let converter: YUVConverter
    private var keyframeRequested = false
    private var reopenRequested = false
    private var previousPresentationTime: Int64?
    private var previousPTS: Int64?
    /// The newest keyframe's presentation time (µs).
    private var lastKeyframeTime: Int64?

    /// Opens libx264 with `settings`.
    ///
    /// - Throws: `MediaCodecError.encoderUnavailable("libx264")` when FFmpeg lacks it, a
    ///   settings error from `H264Settings.validate()`, or `.libraryFailure` when libavcodec
    ///   cannot open the encoder.
    public init(settings: H264Settings) throws {
        try settings.validate()
        _ = FFmpegLogging.quiet
        guard let packet = av_packet_alloc() else {
            throw MediaCodecError.libraryFailure(operation: "av_packet_alloc", code: 0, message: "out of memory")
        }
        do {
            self.converter = try YUVConverter(width: settings.width, height: settings.height)
            self.context = try Self.openContext(settings)
        } catch {
            var pointer: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&pointer)
            throw error
        }
        self.packet = packet
        self.settings = settings
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = self.context
        avcodec_free_context(&context)
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
    }

    /// Makes the next encoded frame an IDR keyframe (with SPS and PPS), for example when a
    /// viewer joins; the keyframe interval restarts there.
    public func forceKeyframe() {
        keyframeRequested = true
    }

    /// Changes the bitrate (and VBV buffer) or the CRF from the next frame on.
    ///
    /// A new value of the same kind is applied live (libavcodec reconfigures x264 before the
    /// next frame, without a keyframe). Switching between `.bitrate` and `.crf` needs a new x264
    /// instance: the encoder reopens before the next frame, which is then an IDR keyframe.
    ///
    /// - Throws: `MediaCodecError.invalidBitrate`, `.invalidVBVBuffer` or `.invalidCRF`;
    ///   the settings in force stay.
    public func setRateControl(_ rateControl: H264RateControl) throws {
        try rateControl.validate()
        if rateControl.hasSameMode(as: settings.rateControl) {
            try Self.applyRateControl(rateControl, to: context)
        } else {
            reopenRequested = true
        }
        settings.rateControl = rateControl
    }

    /// Encodes one frame into one access unit.
    ///
    /// - Parameters:
    ///   - pixels: exactly `width * height * layout.bytesPerPixel` bytes, rows top to bottom,
    ///     tightly packed.
    ///   - width: must be `settings.width`.
    ///   - height: must be `settings.height`.
    ///   - layout: `.rgb8` (default) or `.rgba8` (alpha ignored).
    ///   - presentationTime: when the frame is shown, in microseconds on any clock; must
    ///     increase from frame to frame (by at least 1/90000 s).
    ///   - output: replaced by the access unit (Annex B); its capacity is reused.
    /// - Returns: whether it is a keyframe, and its timestamps.
    /// - Throws: `MediaCodecError.frameSizeChanged`, `.bufferSizeMismatch`,
    ///   `.nonIncreasingTimestamp` or `.libraryFailure`; `output` is empty after a throw.
    @discardableResult
    public func encode(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, layout: VideoPixelLayout = .rgb8,
        presentationTime: Int64, into output: inout [UInt8]
    ) throws -> H264FrameInfo {
        output.removeAll(keepingCapacity: true)
        guard width == settings.width, height == settings.height else {
            throw MediaCodecError.frameSizeChanged(
                expectedWidth: settings.width, expectedHeight: settings.height, width: width, height: height)
        }
        let expected = width * height * layout.bytesPerPixel
        guard pixels.count == expected else {
            throw MediaCodecError.bufferSizeMismatch(
                expected: expected, actual: pixels.count, width: width, height: height, layout: layout)
        }
        let pts = Self.pts(microseconds: presentationTime)
        if let previousPTS, let previousPresentationTime, pts <= previousPTS {
            throw MediaCodecError.nonIncreasingTimestamp(
                previousMicroseconds: previousPresentationTime, microseconds: presentationTime)
        }
        if reopenRequested {
            let reopened = try Self.openContext(settings)
            var old: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&old)
            context = reopened
            reopenRequested = false
        }

        // The keyframe spacing is kept in time, not only in frames: a stream rendered below its
        // nominal rate would otherwise space its keyframes further apart (players joining, and
        // ingest servers that want one every 2–4 s, would wait longer).
        if let last = lastKeyframeTime, presentationTime - last >= Int64(settings.gopSeconds * 1e6) {
            keyframeRequested = true
        }
        try converter.convert(pixels, layout: layout)
        let frame = converter.frame
        frame.pointee.pts = pts
        // libx264 maps a frame of type I to an IDR picture (forced-idr=1); NONE lets x264 decide.
        frame.pointee.pict_type = keyframeRequested ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        try FFmpegStatus.check(avcodec_send_frame(context, frame), "avcodec_send_frame (libx264)")
        let received = avcodec_receive_packet(context, packet)
        guard received >= 0 else {
            if received == FFmpegStatus.again {
                // Cannot happen with zerolatency (no delayed frames), but say so if it does.
                throw MediaCodecError.libraryFailure(
                    operation: "avcodec_receive_packet (libx264)", code: received,
                    message: "libx264 held the frame back instead of encoding it at once")
            }
            try FFmpegStatus.check(received, "avcodec_receive_packet (libx264)")
            return H264FrameInfo(isKeyframe: false, pts: pts, presentationTime: presentationTime, byteCount: 0)
        }
        // The packet owns its bytes until av_packet_unref; copy them out first.
        defer { av_packet_unref(packet) }
        if let data = packet.pointee.data, packet.pointee.size > 0 {
            output.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(packet.pointee.size)))
        }
        keyframeRequested = false
        previousPTS = pts
        previousPresentationTime = presentationTime
        let isKeyframe = packet.pointee.flags & AV_PKT_FLAG_KEY != 0
        if isKeyframe { lastKeyframeTime = presentationTime }
        return H264FrameInfo(
            isKeyframe: isKeyframe, pts: packet.pointee.pts,
            presentationTime: presentationTime, byteCount: output.count)
    }

    /// Encodes one frame held in an array into a new access unit (see
    /// `encode(_:width:height:layout:presentationTime:into:)`); streams should reuse an output
    /// array instead.
    public func encode(
        _ pixels: [UInt8], width: Int, height: Int, layout: VideoPixelLayout = .rgb8, presentationTime: Int64
    ) throws -> H264AccessUnit {
        var bytes: [UInt8] = []
        let info = try pixels.withUnsafeBytes { buffer in
            try encode(buffer, width: width, height: height, layout: layout, presentationTime: presentationTime,
                       into: &bytes)
        }
        return H264AccessUnit(bytes: bytes, info: info)
    }

    /// Microseconds to `timeBase` ticks, rounded to the nearest.
    static func pts(microseconds: Int64) -> Int64 {
        let ticks = microseconds.multipliedReportingOverflow(by: 9)
        let scaled = ticks.overflow ? Int64((Double(microseconds) * 0.09).rounded()) : ticks.partialValue
        // Round half away from zero, like av_rescale's default.
        return scaled >= 0 ? (scaled + 50) / 100 : -((-scaled + 50) / 100)
    }

    /// Allocates and opens a libx264 context for `settings`.
    private static func openContext(_ settings: H264Settings) throws -> UnsafeMutablePointer<AVCodecContext> {
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw MediaCodecError.encoderUnavailable("libx264")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw MediaCodecError.libraryFailure(operation: "avcodec_alloc_context3", code: 0, message: "out of memory")
        }
        do {
            let c = context
            c.pointee.width = Int32(settings.width)
            c.pointee.height = Int32(settings.height)
            c.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            c.pointee.time_base = AVRational(num: Int32(timeBase.numerator), den: Int32(timeBase.denominator))
            c.pointee.framerate = AVRational(num: Int32(settings.fps), den: 1)
            c.pointee.gop_size = Int32(settings.gopFrames)
            c.pointee.max_b_frames = 0
            c.pointee.thread_count = Int32(settings.threads)
            c.pointee.thread_type = FF_THREAD_SLICE
            // Closed GOPs: every keyframe is an IDR picture (x264 would otherwise be free to
            // make recovery-point I-frames).
            c.pointee.flags |= Int32(bitPattern: AV_CODEC_FLAG_CLOSED_GOP)
            c.pointee.color_range = AVCOL_RANGE_MPEG
            c.pointee.colorspace = AVCOL_SPC_SMPTE170M
            c.pointee.color_primaries = AVCOL_PRI_BT709
            c.pointee.color_trc = AVCOL_TRC_IEC61966_2_1
            try FFmpegStatus.setOption(c, "preset", "ultrafast")
            try FFmpegStatus.setOption(c, "tune", "zerolatency")
            try FFmpegStatus.setOption(c, "profile", settings.profile.rawValue)
            try FFmpegStatus.setOption(c, "forced-idr", "1")
            // Keyframes only on schedule or on request; SPS/PPS before every keyframe (the
            // default without AV_CODEC_FLAG_GLOBAL_HEADER, stated here because streams rely on it).
            try FFmpegStatus.setOption(c, "x264-params", "scenecut=0:repeat-headers=1:annexb=1")
            try applyRateControl(settings.rateControl, to: c)
            try FFmpegStatus.check(avcodec_open2(c, codec, nil), "avcodec_open2 (libx264)")
            return c
        } catch {
            var pointer: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&pointer)
            throw error
        }
    }

    /// Writes the rate control into the context: libavcodec passes it to x264 when opening,
    /// and again (x264_encoder_reconfig) before the next frame when it has changed.
    private static func applyRateControl(_ rateControl: H264RateControl, to c: UnsafeMutablePointer<AVCodecContext>) throws {
        switch rateControl {
        case let .bitrate(kbps, vbvSeconds):
            let bitsPerSecond = Int64(kbps) * 1000
            c.pointee.bit_rate = bitsPerSecond
            c.pointee.rc_max_rate = bitsPerSecond
            c.pointee.rc_buffer_size = Int32(clamping: Int64((Double(bitsPerSecond) * vbvSeconds).rounded()))
        case let .crf(crf):
            c.pointee.bit_rate = 0
            try FFmpegStatus.setOption(c, "crf", "\(crf)")
        }
    }
}
