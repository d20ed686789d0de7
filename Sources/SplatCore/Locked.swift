#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that several threads share, reachable only inside ``withLock(_:)``: the rule "take
/// the lock first" is in the type, as with `Synchronization.Mutex`.
///
/// Why not `Mutex`: on Linux, `Mutex` locks with futexes inside the standard library, which
/// ThreadSanitizer cannot see, so every correctly locked access is reported as a race and the
/// sanitizer becomes useless (a two-thread counter under `Mutex.withLock` reports races and
/// still counts exactly). This box locks a `pthread_mutex_t`, which ThreadSanitizer
/// understands, so `scripts/test-tsan` reports only real races.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is read and written only between lock and unlock of `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Shares `value`.
    public init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock; returns what `body` returns.
    @inline(__always)
    public func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
