extension UnsafeRawBufferPointer {
    /// The same memory viewed as `UInt8` elements, for byte copies and C calls that take
    /// `const unsigned char *`. Pixel buffers and encoded images are plain bytes.
    @inlinable
    var assumingBytes: UnsafeBufferPointer<UInt8> {
        guard let base = baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
    }
}
