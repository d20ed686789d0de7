import Synchronization

/// A counter that any thread (including libzmq's I/O thread) may bump.
final class AtomicCounter: Sendable {
    private let storage = Atomic<Int>(0)

    func increment() {
        storage.wrappingAdd(1, ordering: .relaxed)
    }

    var value: Int {
        storage.load(ordering: .relaxed)
    }
}
