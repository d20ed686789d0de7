/// The scalar types a binary PLY property can have.
public enum PLYScalarType: String, Sendable, CaseIterable {
    /// `char` / `int8`.
    case int8
    /// `uchar` / `uint8`.
    case uint8
    /// `short` / `int16`.
    case int16
    /// `ushort` / `uint16`.
    case uint16
    /// `int` / `int32`.
    case int32
    /// `uint` / `uint32`.
    case uint32
    /// `float` / `float32`.
    case float32
    /// `double` / `float64`.
    case float64

    /// Parses a PLY type name; both the classic (`char uchar short ushort int uint float double`)
    /// and the sized (`int8 … float64`, `float32`) spellings are accepted.
    public init?(plyName: String) {
        switch plyName {
        case "char", "int8": self = .int8
        case "uchar", "uint8": self = .uint8
        case "short", "int16": self = .int16
        case "ushort", "uint16": self = .uint16
        case "int", "int32": self = .int32
        case "uint", "uint32": self = .uint32
        case "float", "float32": self = .float32
        case "double", "float64": self = .float64
        default: return nil
        }
    }

    /// Size of one value in bytes.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .float64: return 8
        }
    }

    /// Whether the type is `float32` or `float64`.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The classic PLY spelling (`float`, `uchar`, …), as written by the INRIA code.
    public var plyName: String {
        switch self {
        case .int8: return "char"
        case .uint8: return "uchar"
        case .int16: return "short"
        case .uint16: return "ushort"
        case .int32: return "int"
        case .uint32: return "uint"
        case .float32: return "float"
        case .float64: return "double"
        }
    }

    /// Loads one little-endian value at `offset` as a `Double` (exact for every PLY type).
    @inline(__always)
    func loadDouble(_ base: UnsafeRawPointer, _ offset: Int) -> Double {
        switch self {
        case .int8: return Double(base.loadUnaligned(fromByteOffset: offset, as: Int8.self))
        case .uint8: return Double(base.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
        case .int16: return Double(Int16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .uint16: return Double(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .int32: return Double(Int32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .uint32: return Double(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .float32:
            return Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .float64:
            return Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
    }

    /// Loads one little-endian value at `offset` as a `Float` (rounding `float64` and wide integers).
    @inline(__always)
    func loadFloat(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        if self == .float32 {
            return Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        }
        return Float(loadDouble(base, offset))
    }
}
