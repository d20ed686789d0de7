import Foundation

/// A growable little-endian byte buffer for the writers.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Float) { append(value.bitPattern) }

    mutating func append(_ value: Double) { append(value.bitPattern) }

    mutating func append(_ string: String) { bytes.append(contentsOf: Array(string.utf8)) }

    mutating func append(contentsOf other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

    var count: Int { bytes.count }

    var data: Data { Data(bytes) }
}
