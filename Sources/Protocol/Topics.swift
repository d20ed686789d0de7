import SplatCore

/// Topic frames on the frames endpoint (XPUB). Subscribers compare the topic frame exactly:
/// ZeroMQ subscriptions are prefixes, so a subscription to `frames/cam` also receives
/// `frames/cam2`.
public enum Topic {
    /// Prefix of every stream's frames.
    public static let framesPrefix = "frames/"
    /// Prefix of every stream's voice (`AudioMeta` + Opus packet messages).
    public static let audioPrefix = "audio/"
    /// Topic of daemon events (`Event` messages).
    public static let events = "events"

    /// The topic a stream's frames are published on.
    public static func frames(_ streamID: String) -> String { framesPrefix + streamID }

    /// The topic a stream's voice is published on.
    public static func audio(_ streamID: String) -> String { audioPrefix + streamID }

    /// The stream id of a frames topic, or nil for any other topic.
    public static func streamID(fromTopic topic: String) -> String? {
        guard topic.hasPrefix(framesPrefix) else { return nil }
        let id = String(topic.dropFirst(framesPrefix.count))
        return Identifier.isValid(id) ? id : nil
    }
}

/// Avatar and stream identifiers: 1…64 characters from `[A-Za-z0-9_.-]`.
public enum Identifier {
    /// Longest accepted identifier.
    public static let maximumLength = 64

    /// Whether `id` is a valid avatar or stream identifier.
    public static func isValid(_ id: String) -> Bool {
        guard (1...maximumLength).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x5F || c == 0x2E || c == 0x2D
        }
    }

    /// A printable, length-limited rendering of an untrusted identifier for error messages.
    public static func quoted(_ id: String) -> String { id.quotedForMessage }
}
