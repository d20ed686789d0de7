import Animator

/// A drive frame read from a tracker datagram, with who sent it.
public struct TrackerFrame: Sendable, Equatable {
    /// Live Link Face: the subject name set in the app. VMC: the sender's address.
    public var subject: String
    public var input: DriveInput

    public init(subject: String, input: DriveInput) {
        self.subject = subject
        self.input = input
    }
}

/// One UDP tracker protocol: datagrams in, drive frames out. Decoders keep per-sender state
/// (VMC collects values until Apply); one listener thread owns each decoder.
public protocol TrackerDecoder: Sendable {
    /// The protocol's name in `get_status` and logs ("livelink", "vmc").
    static var protocolName: String { get }
    /// The frames a datagram from `sender` ("address:port") makes; throws when it is refused
    /// (then nothing of it is applied).
    mutating func frames(in datagram: [UInt8], from sender: String) throws(TrackerError) -> [TrackerFrame]
    /// Values read but not understood (VMC blendshape names that are neither a preset nor ARKit).
    var ignoredNames: UInt64 { get }
    /// The newest of those values' names.
    var lastIgnoredName: String? { get }
}

/// Live Link Face: one frame per datagram, named by the packet's subject.
public struct LiveLinkDecoder: TrackerDecoder {
    public static let protocolName = "livelink"
    public var ignoredNames: UInt64 { 0 }
    public var lastIgnoredName: String? { nil }

    public init() {}

    public mutating func frames(in datagram: [UInt8], from sender: String) throws(TrackerError) -> [TrackerFrame] {
        let packet = try LiveLinkPacket(decoding: datagram)
        return [TrackerFrame(subject: packet.subject, input: packet.driveInput)]
    }
}

/// VMC protocol: OSC messages and bundles, one ``VMCMarionette`` per sender (the newest
/// ``maximumSenders`` are kept).
public struct VMCDecoder: TrackerDecoder {
    public static let protocolName = "vmc"
    /// Performers tracked at once; the one heard from least recently is forgotten first.
    public static let maximumSenders = 16

    private var marionettes: [String: VMCMarionette] = [:]
    private var lastHeard: [String: UInt64] = [:]
    private var clock: UInt64 = 0
    private var forgottenIgnored: UInt64 = 0

    public init() {}

    public var ignoredNames: UInt64 { forgottenIgnored + marionettes.values.reduce(0) { $0 + $1.ignoredNames } }

    public mutating func frames(in datagram: [UInt8], from sender: String) throws(TrackerError) -> [TrackerFrame] {
        let messages = try OSCPacket.messages(in: datagram)
        if marionettes[sender] == nil, marionettes.count >= Self.maximumSenders,
           let oldest = lastHeard.min(by: { $0.value < $1.value })?.key {
            forgottenIgnored += marionettes[oldest]?.ignoredNames ?? 0
            marionettes[oldest] = nil
            lastHeard[oldest] = nil
        }
        clock += 1
        lastHeard[sender] = clock
        return try marionettes[sender, default: VMCMarionette()].frames(for: messages)
            .map { TrackerFrame(subject: sender, input: .arkit($0)) }
    }

    /// The newest blendshape name a sender used that was ignored.
    public var lastIgnoredName: String? {
        marionettes.max(by: { lastHeard[$0.key, default: 0] < lastHeard[$1.key, default: 0] })?.value.lastIgnoredName
    }
}
