/// A growable, uninitialised buffer of trivial values, reused across frames so that rendering
/// does not allocate once the scene size is stable.
package struct ScratchBuffer<Element> {
    package private(set) var pointer: UnsafeMutablePointer<Element>
    package private(set) var capacity: Int

    package init() {
        capacity = 0
        pointer = .allocate(capacity: 1)
    }

    /// Makes room for `count` elements; previous contents are not kept.
    package mutating func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = max(count, capacity + capacity / 2)
        pointer = .allocate(capacity: capacity)
    }

    package func deallocate() { pointer.deallocate() }
}
