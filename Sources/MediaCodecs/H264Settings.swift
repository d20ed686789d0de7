/// How `H264Encoder` encodes: picture size, frame rate, rate control, keyframe spacing.
///
/// Fixed choices, for live streaming at the lowest latency: x264 preset `ultrafast` and tune
/// `zerolatency` (no B-frames, no lookahead, no frame threads: one frame in gives one access
/// unit out), closed GOPs whose keyframes are IDR pictures, no scene-cut keyframes (keyframes
/// come exactly every `gopSeconds`, or when forced), Annex B output with SPS and PPS in front of
/// every keyframe, BT.601 limited-range 4:2:0 YUV.
public struct H264Settings: Sendable, Hashable {
    /// The largest width or height (x264 and H.264 level 6.2 allow 8192 × 4320 and more;
    /// splatd renders nothing near this).
    public static let maxDimension = 8192
    /// The frame rates accepted, in frames per second.
    public static let frameRates = 1...240
    /// The bitrates accepted, in kbit/s.
    public static let bitrates = 50...100_000
    /// The CRF values x264 accepts for 8-bit video (0 is lossless, 51 the worst).
    public static let crfRange = 0.0...51.0
    /// The keyframe spacings accepted, in seconds.
    public static let gopSecondsRange = 0.1...60.0
    /// The VBV buffer lengths accepted, in seconds of the bitrate.
    public static let vbvSecondsRange = 0.01...10.0

    /// Picture width in pixels: even, `2...maxDimension`.
    public var width: Int
    /// Picture height in pixels: even, `2...maxDimension`.
    public var height: Int
    /// The nominal frame rate, `frameRates`: with `gopSeconds` it sets the keyframe interval,
    /// and x264's rate control plans with it. Frames are timed by their presentation times.
    public var fps: Int
    /// Bitrate or constant quality; changeable while encoding (`H264Encoder.setRateControl`).
    public var rateControl: H264RateControl
    /// Seconds between keyframes (default 2): a viewer joining mid-stream waits at most this
    /// long for a picture. The interval is `max(1, round(fps × gopSeconds))` frames, or this many
    /// seconds of presentation time when frames come slower than `fps`; it restarts
    /// at a forced keyframe.
    public var gopSeconds: Double
    /// The H.264 profile (default Constrained Baseline, which every decoder plays).
    public var profile: H264Profile
    /// Threads x264 encodes one frame with (slices, so no added latency); default 1, so that
    /// a stream costs one core at most and streams run side by side.
    public var threads: Int

    /// Settings for `width × height` at `fps`.
    ///
    /// - Parameters:
    ///   - rateControl: default `.bitrate(kbps: H264RateControl.defaultKbps)`.
    ///   - gopSeconds: default 2.
    ///   - profile: default `.constrainedBaseline`.
    ///   - threads: default 1.
    public init(
        width: Int, height: Int, fps: Int = 30, rateControl: H264RateControl = .bitrate(kbps: H264RateControl.defaultKbps),
        gopSeconds: Double = 2, profile: H264Profile = .constrainedBaseline, threads: Int = 1
    ) {
        self.width = width
        self.height = height
        self.fps = fps
        self.rateControl = rateControl
        self.gopSeconds = gopSeconds
        self.profile = profile
        self.threads = threads
    }

    /// The keyframe interval in frames: `max(1, round(fps × gopSeconds))`.
    public var gopFrames: Int { max(1, Int((Double(fps) * gopSeconds).rounded())) }

    /// Checks every setting.
    ///
    /// - Throws: `MediaCodecError.invalidDimensions`, `.invalidFrameRate`, `.invalidBitrate`,
    ///   `.invalidCRF`, `.invalidVBVBuffer`, `.invalidGOP` or `.invalidThreadCount`.
    public func validate() throws {
        guard (2...Self.maxDimension).contains(width), (2...Self.maxDimension).contains(height),
              width % 2 == 0, height % 2 == 0 else {
            throw MediaCodecError.invalidDimensions(width: width, height: height)
        }
        guard Self.frameRates.contains(fps) else { throw MediaCodecError.invalidFrameRate(fps) }
        try rateControl.validate()
        guard Self.gopSecondsRange.contains(gopSeconds) else { throw MediaCodecError.invalidGOP(seconds: gopSeconds) }
        guard (1...16).contains(threads) else { throw MediaCodecError.invalidThreadCount(threads) }
    }
}

/// How `H264Encoder` spends bits.
public enum H264RateControl: Sendable, Hashable {
    /// Average bitrate in kbit/s, capped by a VBV buffer of `vbvSeconds` of that bitrate (x264
    /// ABR with `vbv-maxrate` = bitrate and `vbv-bufsize` = bitrate × `vbvSeconds`): what a
    /// link of that bandwidth carries with at most `vbvSeconds` of queueing. The default
    /// `defaultVBVSeconds` (0.5 s) lets a keyframe be several times the size of a P-frame;
    /// one frame period (1/fps) gives the flattest frame sizes and lowest latency, at the cost
    /// of blurry keyframes.
    case bitrate(kbps: Int, vbvSeconds: Double = H264RateControl.defaultVBVSeconds)
    /// Constant quality (x264 CRF, `0...51`, lower is better; 23 is x264's default): the size
    /// follows the picture's complexity, without a cap. For recordings and local links.
    case crf(Double)

    /// 1500 kbit/s: a 512² avatar at 30 fps looks clean (PSNR above 40 dB on the synthetic
    /// test head), and it fits a modest uplink.
    public static let defaultKbps = 1500
    /// Half a second of the bitrate.
    public static let defaultVBVSeconds = 0.5

    /// Checks the bitrate or CRF and the VBV buffer.
    ///
    /// - Throws: `MediaCodecError.invalidBitrate`, `.invalidVBVBuffer` or `.invalidCRF`.
    public func validate() throws {
        switch self {
        case let .bitrate(kbps, vbvSeconds):
            guard H264Settings.bitrates.contains(kbps) else {
                throw MediaCodecError.invalidBitrate(kbps: kbps, range: H264Settings.bitrates)
            }
            guard H264Settings.vbvSecondsRange.contains(vbvSeconds) else {
                throw MediaCodecError.invalidVBVBuffer(seconds: vbvSeconds)
            }
        case let .crf(crf):
            guard H264Settings.crfRange.contains(crf) else { throw MediaCodecError.invalidCRF(crf) }
        }
    }

    /// Whether both are bitrates or both are CRFs (x264 changes the value live, but not the mode).
    func hasSameMode(as other: H264RateControl) -> Bool {
        switch (self, other) {
        case (.bitrate, .bitrate), (.crf, .crf): return true
        default: return false
        }
    }
}

/// The H.264 profile `H264Encoder` writes.
public enum H264Profile: String, Sendable, Hashable, CaseIterable {
    /// Constrained Baseline (x264 `baseline`: no B-frames, no CABAC, no 8×8 transform): plays
    /// on every decoder, including WebRTC's mandatory one; with `ultrafast` it costs little
    /// quality, since that preset turns CABAC and 8×8 off anyway.
    case constrainedBaseline = "baseline"
    /// Main: allows CABAC (about 10 % smaller at the same quality, a little slower to encode).
    case main
    /// High: adds the 8×8 transform.
    case high
}
