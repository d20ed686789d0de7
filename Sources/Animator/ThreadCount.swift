/// The default number of worker threads for the animator's per-frame loops.
public enum ThreadCount {
    /// Every core available to this process (the machine's frame is shared by all cores).
    public static var available: Int { Parallel.coreCount }
}
