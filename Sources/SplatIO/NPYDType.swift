/// The element types of NPY arrays that SplatIO reads and writes (all little-endian).
///
/// Raw values are the descriptors numpy writes (`'<f4'`, `'|u1'`, …).
public enum NPYDType: String, Sendable, CaseIterable {
    /// `numpy.bool_`, one byte, 0 or 1.
    case bool = "|b1"
    /// `numpy.int8`.
    case int8 = "|i1"
    /// `numpy.uint8`.
    case uint8 = "|u1"
    /// `numpy.int16`.
    case int16 = "<i2"
    /// `numpy.uint16`.
    case uint16 = "<u2"
    /// `numpy.int32`.
    case int32 = "<i4"
    /// `numpy.uint32`.
    case uint32 = "<u4"
    /// `numpy.int64`.
    case int64 = "<i8"
    /// `numpy.uint64`.
    case uint64 = "<u8"
    /// `numpy.float32`.
    case float32 = "<f4"
    /// `numpy.float64`.
    case float64 = "<f8"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64: return 8
        }
    }

    /// Parses a numpy type descriptor.
    ///
    /// Byte order `<`, `|` and `=` (native, i.e. little-endian on every platform splatd runs on)
    /// are accepted; `>` is accepted only for one-byte types.
    /// Returns the reason as a failure when the descriptor is not supported.
    static func parse(descriptor: String) -> Result<NPYDType, DescriptorError> {
        let chars = Array(descriptor)
        guard chars.count >= 3, let order = chars.first, "<>|=".contains(order) else {
            return .failure(DescriptorError(message: "'\(descriptor)'"))
        }
        let body = String(chars.dropFirst())
        let type: NPYDType?
        switch body {
        case "b1": type = .bool
        case "i1": type = .int8
        case "u1": type = .uint8
        case "i2": type = .int16
        case "u2": type = .uint16
        case "i4": type = .int32
        case "u4": type = .uint32
        case "i8": type = .int64
        case "u8": type = .uint64
        case "f4": type = .float32
        case "f8": type = .float64
        default: type = nil
        }
        guard let type else { return .failure(DescriptorError(message: "'\(descriptor)'")) }
        if order == ">" && type.itemSize > 1 {
            return .failure(DescriptorError(message: "'\(descriptor)' is big-endian; only little-endian arrays are read"))
        }
        return .success(type)
    }

    /// Why a descriptor was refused.
    struct DescriptorError: Error {
        var message: String
    }
}
