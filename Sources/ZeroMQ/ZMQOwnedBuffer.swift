/// An immutable byte buffer that libzmq can send without copying
/// (``ZMQSocket/sendZeroCopy(_:more:dontWait:)``).
///
/// Write the bytes once, while creating the buffer (e.g. encode a frame straight into it);
/// afterwards the buffer is read-only, so it is `Sendable` and may be shared and sent on
/// several sockets at once. Its memory is freed when the last reference goes away, libzmq's
/// included; `onRelease` then runs on that thread (often libzmq's I/O thread), so it must be
/// thread-safe and quick.
public final class ZMQOwnedBuffer: @unchecked Sendable {
    // @unchecked: the bytes are written only inside the initialiser, before the buffer can be
    // shared; afterwards every field is immutable and the memory is only read.
    /// Start of the bytes (never `nil`, even for an empty buffer).
    let baseAddress: UnsafeMutableRawPointer
    /// Number of bytes.
    public let count: Int
    private let onRelease: (@Sendable () -> Void)?

    /// Creates a buffer of up to `capacity` bytes filled by `initializer`.
    ///
    /// - Parameters:
    ///   - capacity: bytes to allocate.
    ///   - onRelease: called once the memory has been freed (e.g. for pool accounting).
    ///   - initializer: writes the bytes into the given memory and returns how many it wrote
    ///     (`0...capacity`); those are the buffer's bytes. If it throws, the memory is freed
    ///     (without calling `onRelease`) and the error is rethrown.
    public init<E: Error>(
        capacity: Int,
        onRelease: (@Sendable () -> Void)? = nil,
        initializingWith initializer: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) {
        precondition(capacity >= 0, "capacity must not be negative")
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        let written: Int
        do {
            written = try initializer(UnsafeMutableRawBufferPointer(start: base, count: capacity))
        } catch {
            base.deallocate()
            throw error
        }
        precondition((0...capacity).contains(written), "the initializer reported \(written) bytes for a capacity of \(capacity)")
        self.baseAddress = base
        self.count = written
        self.onRelease = onRelease
    }

    /// Creates a buffer holding a copy of `bytes`.
    public convenience init(copying bytes: UnsafeRawBufferPointer, onRelease: (@Sendable () -> Void)? = nil) {
        self.init(capacity: bytes.count, onRelease: onRelease) { (memory: UnsafeMutableRawBufferPointer) -> Int in
            if let source = bytes.baseAddress, let target = memory.baseAddress {
                target.copyMemory(from: source, byteCount: bytes.count)
            }
            return bytes.count
        }
    }

    /// Creates a buffer holding a copy of `bytes`.
    public convenience init(copying bytes: [UInt8], onRelease: (@Sendable () -> Void)? = nil) {
        self.init(capacity: bytes.count, onRelease: onRelease) { (memory: UnsafeMutableRawBufferPointer) -> Int in
            memory.copyBytes(from: bytes)
            return bytes.count
        }
    }

    deinit {
        baseAddress.deallocate()
        onRelease?()
    }

    /// Calls `body` with the (read-only) bytes.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: baseAddress, count: count))
    }

    /// A copy of the bytes as an array.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}
