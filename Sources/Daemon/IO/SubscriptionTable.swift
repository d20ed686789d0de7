/// Who watches what on the frames endpoint, from the XPUB's subscribe/unsubscribe messages
/// (with `ZMQ_XPUB_VERBOSER`, so every subscriber's own subscribe and unsubscribe arrive).
struct SubscriptionTable: Sendable {
    /// Subscription prefix → number of subscriptions.
    private(set) var prefixes: [[UInt8]: Int] = [:]

    /// Applies one XPUB message (`0x01` + prefix subscribes, `0x00` + prefix unsubscribes).
    /// Returns false for anything else.
    mutating func apply(_ message: [UInt8]) -> Bool {
        guard let kind = message.first, kind <= 1 else { return false }
        let prefix = Array(message.dropFirst())
        if kind == 1 {
            prefixes[prefix, default: 0] += 1
        } else if let n = prefixes[prefix] {
            prefixes[prefix] = n > 1 ? n - 1 : nil
        }
        return true
    }

    /// Subscriptions that receive `topic`.
    func subscribers(of topic: String) -> Int {
        let bytes = Array(topic.utf8)
        var n = 0
        for (prefix, count) in prefixes where bytes.starts(with: prefix) { n += count }
        return n
    }
}
