/// Rate-limits a warning that one message can trigger, so a client sending a flood of bad
/// messages cannot flood the log: the first `burst` occurrences are logged, then one in
/// `every`, each line saying how many occurred so far and how many went unlogged.
struct LogThrottle {
    private(set) var occurrences = 0
    private var unlogged = 0
    let burst: Int
    let every: Int

    init(burst: Int = 20, every: Int = 1000) {
        self.burst = burst
        self.every = every
    }

    /// Counts one occurrence; returns the suffix to append to the log line when this one is
    /// logged (" [21 so far, 0 not logged]"), nil when it is not.
    mutating func admit() -> String? {
        occurrences += 1
        guard occurrences <= burst || occurrences % every == 0 else {
            unlogged += 1
            return nil
        }
        defer { unlogged = 0 }
        return unlogged == 0 ? " [\(occurrences) so far]" : " [\(occurrences) so far, \(unlogged) since the last line not logged]"
    }
}
