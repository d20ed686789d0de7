import Synchronization

/// A string result handed from a helper thread to the test.
final class Outcome: Sendable {
    private let storage = Mutex<String?>(nil)

    func set(_ value: String) {
        storage.withLock { $0 = value }
    }

    func get() -> String? {
        storage.withLock { $0 }
    }
}
