/// The last sequence number applied from each sender of drive frames or audio chunks, so that
/// the order check of one sender never refuses another's frames: a tracker that is poisoned
/// by someone else's absurd sequence (2⁶⁴−1), or two trackers taking turns, keep working.
///
/// A sequence ≤ 1, or ``DriveChannel/restartGap`` or more below the sender's last, is the
/// sender starting again and is accepted. Senders are named by whoever receives the message
/// (the daemon uses the authenticated key, else the peer address); at most
/// ``maximumSenders`` are remembered, the least recently heard one forgotten first.
public struct SenderSequences: Sendable {
    /// Most senders remembered per avatar.
    public static let maximumSenders = 64

    private var last: [String: (sequence: UInt64, heard: UInt64)] = [:]
    private var clock: UInt64 = 0

    public init() {}

    /// Whether `sequence` from `sender` is late: not newer than the last one applied from that
    /// sender, and not a restart.
    public func isLate(_ sequence: UInt64, from sender: String) -> Bool {
        guard let previous = last[sender]?.sequence else { return false }
        return sequence > 1 && sequence <= previous && previous - sequence < DriveChannel.restartGap
    }

    /// Records that `sequence` from `sender` was applied.
    public mutating func record(_ sequence: UInt64, from sender: String) {
        clock &+= 1
        if last[sender] == nil, last.count >= Self.maximumSenders,
           let oldest = last.min(by: { $0.value.heard < $1.value.heard })?.key {
            last[oldest] = nil
        }
        last[sender] = (sequence, clock)
    }
}
