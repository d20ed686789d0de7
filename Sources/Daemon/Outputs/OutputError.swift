import SplatCore
import SplatProtocol

/// Why a live output cannot start, with what to do instead.
enum OutputError: Error, Equatable, CustomStringConvertible {
    /// The URL or path (quoted) is not one an output can use, and why.
    case invalidURL(String, String)
    /// No open stream has this id.
    case unknownStream(String)
    /// An output id that is malformed or taken.
    case invalidID(String)
    case idTaken(String)
    /// No output has this id.
    case unknownOutput(String)
    /// The bitrate asked for, out of H.264's range.
    case invalidBitrate(Int)
    /// The stream's size is odd (H.264 needs even sides).
    case oddSize(width: Int, height: Int)
    /// The daemon runs its maximum of outputs.
    case limitReached(Int)

    var description: String {
        switch self {
        case let .invalidURL(url, reason):
            return "output URL \(url.quotedForMessage): \(reason)"
        case let .unknownStream(id):
            return "no stream \(Identifier.quoted(id)) to send (open it first)"
        case let .invalidID(id):
            return "output id \(Identifier.quoted(id)) must be 1…64 characters of A–Z a–z 0–9 _ . -"
        case let .idTaken(id):
            return "an output \(Identifier.quoted(id)) already exists (stop it first, or choose another id)"
        case let .unknownOutput(id):
            return "no output \(Identifier.quoted(id))"
        case let .invalidBitrate(kbps):
            return "output bitrate \(kbps) kbit/s is outside 50…100000"
        case let .oddSize(width, height):
            return "the stream is \(width)×\(height): H.264 needs an even width and height (update the stream's size first)"
        case let .limitReached(maximum):
            return "the daemon runs its maximum of \(maximum) outputs (maximumOutputs); stop one first"
        }
    }
}
