/// What `H264Encoder` tells about the access unit it wrote.
public struct H264FrameInfo: Sendable, Hashable {
    /// Whether the access unit is an IDR picture, preceded by SPS and PPS: a decoder can start
    /// here.
    public var isKeyframe: Bool
    /// Presentation timestamp in `H264Encoder.timeBase` (1/90000 s) units. With no B-frames
    /// the decoding timestamp is the same.
    public var pts: Int64
    /// The presentation time the caller gave, in microseconds.
    public var presentationTime: Int64
    /// The access unit's size in bytes.
    public var byteCount: Int

    /// Creates frame information.
    public init(isKeyframe: Bool, pts: Int64, presentationTime: Int64, byteCount: Int) {
        self.isKeyframe = isKeyframe
        self.pts = pts
        self.presentationTime = presentationTime
        self.byteCount = byteCount
    }
}

/// One encoded H.264 access unit (Annex B bytes) and what it is.
public struct H264AccessUnit: Sendable, Hashable {
    /// The access unit: NAL units each preceded by a start code (`00 00 00 01` or `00 00 01`).
    public var bytes: [UInt8]
    /// Keyframe flag and timestamps.
    public var info: H264FrameInfo

    /// Creates an access unit.
    public init(bytes: [UInt8], info: H264FrameInfo) {
        self.bytes = bytes
        self.info = info
    }
}
