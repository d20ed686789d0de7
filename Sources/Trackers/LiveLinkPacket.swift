import Animator
import SplatCore

/// One Live Link Face datagram: the iPhone app (Epic Games) sends one per captured frame, 60 per
/// second on recent phones, to each target the user enters (port 11111 by convention).
///
/// Layout, every multi-byte field big-endian; a string is an `int32` length and that many UTF-8
/// bytes, with no terminator:
///
/// | field | type |
/// |---|---|
/// | packet version (6 in current apps) | `uint8` |
/// | device id (a UUID) | string |
/// | subject name (set in the app, e.g. "iPhone") | string |
/// | frame number, sub-frame, frame-rate numerator, denominator | `int32`, `float32`, `int32`, `int32` |
/// | value count *n* (61, or 52 without head and eyes) | `uint8` |
/// | the values | *n* × `float32` |
///
/// The values are ``LiveLinkFace/names``: the 52 ARKit blendshapes in the app's order, then the
/// head's and the eyes' yaw, pitch and roll. A datagram must match this layout to the byte.
public struct LiveLinkPacket: Sendable, Equatable {
    public var version: UInt8
    public var deviceID: String
    public var subject: String
    /// The qualified timecode of the capture: frame number and sub-frame at a frame rate.
    public var frame: Int32
    public var subFrame: Float
    public var frameRate: (numerator: Int32, denominator: Int32)
    /// 52 or 61 values in ``LiveLinkFace/names`` order.
    public var values: [Float]

    /// Longest device id or subject name read (bytes); a real one is a few dozen.
    public static let maximumStringBytes = 256

    /// Decodes a datagram; throws a ``TrackerError`` naming the first field that is wrong.
    public init(decoding datagram: [UInt8]) throws(TrackerError) {
        var r = ByteReader(datagram)
        version = try r.uint8("the packet version")
        deviceID = try Self.string(&r, "the device id")
        subject = try Self.string(&r, "the subject name")
        frame = try r.int32("the frame number")
        subFrame = try r.float32("the sub-frame")
        frameRate = (try r.int32("the frame-rate numerator"), try r.int32("the frame-rate denominator"))
        let count = Int(try r.uint8("the value count"))
        guard count == LiveLinkFace.names.count || count == LiveLinkFace.blendshapeCount else {
            throw .invalid("value count \(count): expected \(LiveLinkFace.names.count) (blendshapes, head and eyes) or \(LiveLinkFace.blendshapeCount) (blendshapes only)")
        }
        var values = [Float]()
        values.reserveCapacity(count)
        for i in 0..<count {
            let v = try r.float32("value \(i) (\(LiveLinkFace.names[i]))")
            guard v.isFinite else { throw .notFinite(LiveLinkFace.names[i]) }
            values.append(v)
        }
        self.values = values
        guard r.remaining == 0 else { throw .trailingBytes(r.remaining) }
    }

    /// A packet from its fields (for tests and tools that send Live Link Face datagrams).
    public init(version: UInt8 = 6, deviceID: String, subject: String, frame: Int32 = 0, subFrame: Float = 0,
                frameRate: (numerator: Int32, denominator: Int32) = (60, 1), values: [Float]) {
        self.version = version
        self.deviceID = deviceID
        self.subject = subject
        self.frame = frame
        self.subFrame = subFrame
        self.frameRate = frameRate
        self.values = values
    }

    public static func == (a: LiveLinkPacket, b: LiveLinkPacket) -> Bool {
        a.version == b.version && a.deviceID == b.deviceID && a.subject == b.subject && a.frame == b.frame
            && a.subFrame == b.subFrame && a.frameRate == b.frameRate && a.values == b.values
    }

    private static func string(_ r: inout ByteReader, _ what: String) throws(TrackerError) -> String {
        let length = try r.int32("the length of \(what)")
        guard length >= 0, Int(length) <= maximumStringBytes else {
            throw .invalid("\(what) is \(length) bytes long (at most \(maximumStringBytes))")
        }
        guard let text = String(validating: try r.bytes(Int(length), what), as: UTF8.self) else {
            throw .invalid("\(what) is not UTF-8")
        }
        return text
    }
}
