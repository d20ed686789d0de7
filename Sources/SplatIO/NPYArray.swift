import Foundation

/// An n-dimensional numpy array: a shape, an element type and the elements' little-endian
/// bytes in C (row-major) order.
///
/// Read and write `.npy` files with ``NPYFile``, `.npz` archives with ``NPZArchive`` and
/// ``NPZWriter``. Convert the elements with ``floats()``, ``doubles()``, ``int32s()`` and ``ints()``.
public struct NPYArray: Sendable, Equatable {
    /// The dimensions; `[]` for a 0-d (scalar) array.
    public let shape: [Int]
    /// The element type.
    public let dtype: NPYDType
    /// The elements' bytes, little-endian, C order; `count × dtype.itemSize` bytes.
    public let bytes: [UInt8]

    /// Number of elements (the product of ``shape``; 1 for a 0-d array).
    public var count: Int { shape.reduce(1, *) }

    /// Creates an array from raw little-endian C-order bytes.
    ///
    /// - Precondition: every dimension is non-negative and `bytes.count` equals the element count
    ///   times `dtype.itemSize`.
    public init(shape: [Int], dtype: NPYDType, bytes: [UInt8]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension")
        precondition(Self.elementCount(shape).map { $0 * dtype.itemSize } == bytes.count,
                     "byte count does not match shape \(shape) and dtype \(dtype)")
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
    }

    /// A `float32` array (`'<f4'`).
    public init(shape: [Int], floats: [Float]) {
        self.init(shape: shape, dtype: .float32, values: floats)
    }

    /// A `float64` array (`'<f8'`).
    public init(shape: [Int], doubles: [Double]) {
        self.init(shape: shape, dtype: .float64, values: doubles)
    }

    /// An `int32` array (`'<i4'`).
    public init(shape: [Int], int32s: [Int32]) {
        self.init(shape: shape, dtype: .int32, values: int32s)
    }

    /// An `int64` array (`'<i8'`).
    public init(shape: [Int], ints: [Int]) {
        self.init(shape: shape, dtype: .int64, values: ints.map { Int64($0) })
    }

    /// A `uint8` array (`'|u1'`).
    public init(shape: [Int], uint8s: [UInt8]) {
        self.init(shape: shape, dtype: .uint8, bytes: uint8s)
    }

    /// A `bool` array (`'|b1'`).
    public init(shape: [Int], bools: [Bool]) {
        self.init(shape: shape, dtype: .bool, bytes: bools.map { $0 ? 1 : 0 })
    }

    /// Stores fixed-width values little-endian (every supported platform is little-endian).
    private init<T>(shape: [Int], dtype: NPYDType, values: [T]) {
        precondition(MemoryLayout<T>.size == dtype.itemSize)
        let bytes = values.withUnsafeBytes { [UInt8]($0) }
        self.init(shape: shape, dtype: dtype, bytes: bytes)
    }

    /// The product of `shape`, or `nil` if it overflows or a dimension is negative.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = m
        }
        return n
    }

    // MARK: - Conversions

    /// Element `i` as a `Double` (exact except for 64-bit integers beyond 2⁵³).
    @inline(__always)
    private func element(_ raw: UnsafeRawPointer, _ i: Int) -> Double {
        switch dtype {
        case .bool: return raw.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0
        case .int8: return Double(raw.load(fromByteOffset: i, as: Int8.self))
        case .uint8: return Double(raw.load(fromByteOffset: i, as: UInt8.self))
        case .int16: return Double(raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))
        case .uint16: return Double(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        case .int32: return Double(raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))
        case .uint32: return Double(raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
        case .int64: return Double(raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
        case .uint64: return Double(raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
        case .float32: return Double(raw.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
        case .float64: return raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)
        }
    }

    /// The elements as `Float`s, in C order. Any dtype converts (booleans to 0/1); `float64`
    /// and large integers are rounded.
    public func floats() -> [Float] {
        let n = count
        if dtype == .float32 {
            return bytes.withUnsafeBytes { raw in
                [Float](unsafeUninitializedCapacity: n) { buf, initialized in
                    if n > 0 { memcpy(buf.baseAddress!, raw.baseAddress!, n * 4) }
                    initialized = n
                }
            }
        }
        return bytes.withUnsafeBytes { raw in
            guard n > 0, let base = raw.baseAddress else { return [] }
            return (0..<n).map { Float(element(base, $0)) }
        }
    }

    /// The elements as `Double`s, in C order. Any dtype converts (booleans to 0/1); 64-bit
    /// integers beyond 2⁵³ are rounded.
    public func doubles() -> [Double] {
        let n = count
        return bytes.withUnsafeBytes { raw in
            guard n > 0, let base = raw.baseAddress else { return [] }
            return (0..<n).map { element(base, $0) }
        }
    }

    /// The elements as `Int32`s, in C order.
    ///
    /// Integer dtypes must be in `Int32` range; floating-point elements must be finite integers
    /// in range (index arrays are sometimes saved as floats).
    /// - Throws: ``SplatIOError`` with reason `.valueNotRepresentable` naming the first bad element.
    public func int32s() throws -> [Int32] {
        try integers().map { Int32($0) }
    }

    /// The elements as `Int`s, in C order.
    ///
    /// `uint64` elements must fit in `Int`; floating-point elements must be finite integers
    /// of magnitude below 2⁶³.
    /// - Throws: ``SplatIOError`` with reason `.valueNotRepresentable` naming the first bad element.
    public func ints() throws -> [Int] {
        try integers(range: Int.min...Int.max)
    }

    private func integers(range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)) throws -> [Int] {
        let n = count
        let dtype = self.dtype
        return try bytes.withUnsafeBytes { raw -> [Int] in
            guard n > 0, let base = raw.baseAddress else { return [] }
            var out = [Int](repeating: 0, count: n)
            for i in 0..<n {
                let value: Int?
                switch dtype {
                case .int64: value = Int(base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                case .uint64: value = Int(exactly: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                case .float32, .float64:
                    let d = element(base, i)
                    value = d.isFinite && d == d.rounded() && abs(d) < 9.2e18 ? Int(d) : nil
                default: value = Int(element(base, i))  // exact for types of 32 bits or less
                }
                guard let v = value, range.contains(v) else {
                    throw SplatIOError(path: "", reason: .valueNotRepresentable(
                        "element \(i) (\(element(base, i))) of a \(dtype) array is not an integer in \(range)"))
                }
                out[i] = v
            }
            return out
        }
    }
}
