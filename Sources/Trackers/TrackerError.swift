/// Why a tracker datagram was refused. A refused datagram changes nothing; the listener counts
/// it and reports the newest reason in `get_status`.
public enum TrackerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The datagram ends inside the named field.
    case truncated(String)
    /// Bytes are left over after the last field the layout has.
    case trailingBytes(Int)
    /// A field holds a value the protocol does not allow.
    case invalid(String)
    /// A value is NaN or infinite.
    case notFinite(String)
    /// A Live Link Face subject no avatar is configured for.
    case unknownSubject(String)

    public var description: String {
        switch self {
        case let .truncated(field): return "truncated: the datagram ends inside \(field)"
        case let .trailingBytes(n): return "\(n) bytes after the end of the layout"
        case let .invalid(message): return message
        case let .notFinite(field): return "\(field) is NaN or infinite"
        case let .unknownSubject(name): return "no avatar for subject \(name.quotedForMessage) (map it with --livelink-subject NAME=AVATAR or set --livelink-avatar)"
        }
    }
}
