import Foundation

/// The `.npy` file format (versions 1.0, 2.0 and 3.0) for ``NPYArray``.
///
/// Reading accepts the dtypes of ``NPYDType`` in little-endian byte order, any shape including
/// 0-d, and `fortran_order` `True` (transposed into C order). Writing produces version 1.0 (2.0
/// when the header needs it), with the header padded to 64 bytes like numpy does.
public enum NPYFile {
    /// The six magic bytes every `.npy` file starts with.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Longest header accepted, in bytes (numpy itself refuses more than 10 000 by default).
    public static let maximumHeaderLength = 1 << 20

    /// Most dimensions accepted (numpy's own limit is 64).
    public static let maximumDimensions = 64

    /// Reads the `.npy` file at `url`.
    /// - Throws: ``SplatIOError`` naming the file and the problem.
    public static func read(contentsOf url: URL) throws -> NPYArray {
        let data = try FileAccess.read(url)
        return try read(data, path: url.path)
    }

    /// Reads `.npy` data held in memory; `path` names it in errors.
    public static func read(_ data: Data, path: String = "<data>") throws -> NPYArray {
        try data.withUnsafeBytes { try read($0, path: path) }
    }

    /// Reads `.npy` bytes; `path` names the file (or archive entry) in errors. Bytes after the
    /// array's data are ignored, as numpy does.
    public static func read(_ bytes: UnsafeRawBufferPointer, path: String) throws -> NPYArray {
        func fail(_ reason: SplatIOError.Reason) -> SplatIOError { SplatIOError(path: path, reason: reason) }

        guard bytes.count >= 10 else {
            if bytes.count < 6 || !bytes.prefix(6).elementsEqual(magic) {
                throw fail(.malformedNPY("not an NPY file (\(bytes.count) bytes, no \\x93NUMPY magic)"))
            }
            throw fail(.truncated("file ends inside the NPY preamble"))
        }
        guard bytes.prefix(6).elementsEqual(magic) else {
            throw fail(.malformedNPY("not an NPY file (no \\x93NUMPY magic)"))
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian)
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail(.truncated("file ends inside the NPY preamble")) }
            headerLength = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
            headerStart = 12
        default:
            throw fail(.malformedNPY("unknown format version \(major).\(bytes[7])"))
        }
        guard headerLength <= maximumHeaderLength else {
            throw fail(.malformedNPY("header length \(headerLength) exceeds \(maximumHeaderLength) bytes"))
        }
        guard headerStart + headerLength <= bytes.count else {
            throw fail(.truncated("header declares \(headerLength) bytes but only \(bytes.count - headerStart) follow"))
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<(headerStart + headerLength)])
        let headerText: String
        if major == 3 {
            guard let s = String(validatingUTF8Bytes: headerBytes) else { throw fail(.malformedNPY("header is not UTF-8")) }
            headerText = s
        } else {
            headerText = String(headerBytes.map { Character(Unicode.Scalar($0)) })  // latin-1
        }

        let (dtype, fortranOrder, shape) = try parseHeader(headerText, path: path)
        guard let count = NPYArray.elementCount(shape) else {
            throw fail(.countTooLarge("shape \(shape) has too many elements"))
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, byteCount <= available else {
            let needed = overflow ? "more than Int.max" : String(byteCount)
            throw fail(.truncated("shape \(shape) of \(dtype.rawValue) needs \(needed) bytes but only \(available) follow the header"))
        }

        let body = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + byteCount)])
        let raw: [UInt8]
        if fortranOrder && shape.count > 1 && count > 1 {
            raw = transposeFortranToC(body, shape: shape, itemSize: dtype.itemSize)
        } else {
            raw = [UInt8](body)
        }
        return NPYArray(shape: shape, dtype: dtype, bytes: raw)
    }

    /// Parses the header dict `{'descr': …, 'fortran_order': …, 'shape': (…)}`.
    private static func parseHeader(_ text: String, path: String) throws -> (NPYDType, Bool, [Int]) {
        func fail(_ message: String) -> SplatIOError { SplatIOError(path: path, reason: .malformedNPY(message)) }
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch let error as PythonLiteral.ParseError {
            throw fail("header is not a Python literal (\(error.message)): \(text.prefix(120))")
        }
        guard case .dict(let items) = literal else { throw fail("header is not a dict: \(text.prefix(120))") }
        var descr: PythonLiteral?
        var fortran: PythonLiteral?
        var shapeValue: PythonLiteral?
        for (key, value) in items {
            switch key {
            case "descr": descr = value
            case "fortran_order": fortran = value
            case "shape": shapeValue = value
            default: throw fail("unexpected header key '\(key)'")
            }
        }
        guard let descr, let fortran, let shapeValue else {
            throw fail("header lacks one of 'descr', 'fortran_order', 'shape': \(text.prefix(120))")
        }
        let dtype: NPYDType
        switch descr {
        case .string(let s):
            switch NPYDType.parse(descriptor: s) {
            case .success(let t): dtype = t
            case .failure(let e): throw SplatIOError(path: path, reason: .unsupportedDType(e.message))
            }
        default:
            throw SplatIOError(path: path, reason: .unsupportedDType("structured dtype"))
        }
        guard case .boolean(let fortranOrder) = fortran else { throw fail("'fortran_order' is not True or False") }
        guard case .tuple(let dims) = shapeValue else { throw fail("'shape' is not a tuple") }
        guard dims.count <= maximumDimensions else { throw fail("\(dims.count) dimensions (at most \(maximumDimensions))") }
        var shape: [Int] = []
        for d in dims {
            guard case .integer(let n) = d, n >= 0 else { throw fail("'shape' holds something other than non-negative integers") }
            shape.append(n)
        }
        return (dtype, fortranOrder, shape)
    }

    /// Reorders a Fortran-order (column-major) body into C order.
    private static func transposeFortranToC(_ body: UnsafeRawBufferPointer, shape: [Int], itemSize: Int) -> [UInt8] {
        let rank = shape.count
        var fortranStrides = [Int](repeating: 1, count: rank)  // in elements
        for k in 1..<rank { fortranStrides[k] = fortranStrides[k - 1] * shape[k - 1] }
        let count = shape.reduce(1, *)
        var out = [UInt8](repeating: 0, count: count * itemSize)
        var index = [Int](repeating: 0, count: rank)
        var source = 0
        out.withUnsafeMutableBytes { dst in
            for c in 0..<count {
                memcpy(dst.baseAddress! + c * itemSize, body.baseAddress! + source * itemSize, itemSize)
                // Advance the C-order index (last axis fastest) and the Fortran offset with it.
                var k = rank - 1
                while k >= 0 {
                    index[k] += 1
                    source += fortranStrides[k]
                    if index[k] < shape[k] { break }
                    source -= fortranStrides[k] * shape[k]
                    index[k] = 0
                    k -= 1
                }
            }
        }
        return out
    }

    /// The `.npy` bytes of `array` (C order).
    public static func data(for array: NPYArray) -> Data {
        Data(bytes(for: array))
    }

    static func bytes(for array: NPYArray) -> [UInt8] {
        let shapeText: String
        switch array.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(array.shape[0]),)"
        default: shapeText = "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(array.dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so that preamble + header + "\n" is a multiple of 64.
        var preamble = 10
        if header.utf8.count + 1 + preamble > 65535 { preamble = 12 }
        let padding = (64 - (preamble + header.utf8.count + 1) % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"

        var w = ByteWriter(capacity: preamble + header.utf8.count + array.bytes.count)
        w.append(contentsOf: magic)
        if preamble == 10 {
            w.append(UInt8(1)); w.append(UInt8(0)); w.append(UInt16(header.utf8.count))
        } else {
            w.append(UInt8(2)); w.append(UInt8(0)); w.append(UInt32(header.utf8.count))
        }
        w.append(header)
        w.append(contentsOf: array.bytes)
        return w.bytes
    }

    /// Writes `array` to `url` (atomically) as `.npy`.
    public static func write(_ array: NPYArray, to url: URL) throws {
        try FileAccess.write(data(for: array), to: url)
    }
}

private extension String {
    /// Decodes strictly-valid UTF-8, or returns `nil`.
    init?(validatingUTF8Bytes bytes: UnsafeRawBufferPointer) {
        var decoded = ""
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): decoded.unicodeScalars.append(s)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = decoded
    }
}
