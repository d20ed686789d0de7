import Foundation

/// An error reading or writing one of SplatIO's file formats.
///
/// The error names the file (as the caller gave it) and the problem; its ``description`` reads
/// like `scene.ply: truncated: header declares 2000 vertices × 248 bytes but only 1000 bytes follow`.
/// Match on ``reason`` to react to a particular problem.
public struct SplatIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or, for in-memory data, the name the caller gave it). Empty when the error is
    /// about a value rather than a file (for example converting an ``NPYArray``).
    public var path: String
    /// What went wrong.
    public var reason: Reason

    /// Creates an error about `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// What went wrong, with the details needed to fix the file.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        /// The file could not be opened or read (the underlying system message).
        case unreadable(String)
        /// The file could not be written (the underlying system message).
        case unwritable(String)
        /// The file (symlinks followed) lies outside the folders reads are confined to.
        case outsideRoots
        /// Not a regular file (what it is instead).
        case notRegularFile(String)
        /// The file's extension names no supported scene format.
        case unsupportedFileType(String)
        /// The file ends before the data its header promises.
        case truncated(String)
        /// A count in the file is larger than the file could possibly hold.
        case countTooLarge(String)
        /// The file size is inconsistent with the format (e.g. a `.splat` not a multiple of 32 bytes).
        case invalidSize(String)

        /// The file does not start with the PLY magic line `ply`.
        case notPLY
        /// No `end_header` line within the first `limit` bytes.
        case headerTooLong(limit: Int)
        /// A PLY header line that cannot be understood.
        case malformedHeader(String)
        /// A PLY variant this reader does not handle (ASCII, big-endian, list properties in vertices…).
        case unsupportedPLYFormat(String)
        /// Required vertex properties absent from the header, in canonical order.
        case missingProperties([String])
        /// A required property declared with a type the reader does not accept.
        case wrongPropertyType(property: String, type: String)
        /// The number of `f_rest_*` properties is not 0, 9, 24 or 45.
        case unsupportedSHCoefficientCount(Int)

        /// A NaN or infinity in the given Gaussian's property.
        case nonFiniteValue(gaussian: Int, property: String)
        /// A finite value that still cannot be used (zero quaternion, non-integral binding, overflow…).
        case invalidValue(gaussian: Int, property: String, detail: String)

        /// The zip structure (end record, central directory, local headers) is broken.
        case malformedArchive(String)
        /// A zip entry whose offset or size points outside the file.
        case entryOutOfBounds(entry: String, detail: String)
        /// A zip feature this reader does not handle (encryption, multi-disk, other compression…).
        case unsupportedArchiveFeature(String)
        /// Inflating a deflated zip entry failed.
        case decompressionFailed(entry: String, detail: String)
        /// The archive's entries would inflate to more than `ArchiveLimits` allows (counted up to
        /// and including `entry`).
        case archiveTooLarge(entry: String, bytes: Int, limit: Int)
        /// A zip entry's CRC-32 does not match its contents.
        case checksumMismatch(entry: String)
        /// No entry with this key in an NPZ archive.
        case missingEntry(String)

        /// An NPY header that cannot be understood.
        case malformedNPY(String)
        /// An NPY dtype this reader does not handle (big-endian, structured, object…).
        case unsupportedDType(String)
        /// An array value that cannot be converted to the requested type.
        case valueNotRepresentable(String)

        /// A WAV file that cannot be read: not RIFF/WAVE, a sample format other than PCM
        /// 8/16/24/32 or float 32, or a truncated chunk.
        case malformedWAV(String)

        /// A one-line explanation, e.g. `truncated: header declares …`.
        public var description: String {
            switch self {
            case .unreadable(let m): return "cannot read file: \(m)"
            case .unwritable(let m): return "cannot write file: \(m)"
            case .outsideRoots:
                return "resolves (symlinks followed) to a file outside the folders this process may read from (avatarRoots)"
            case .notRegularFile(let kind): return "is \(kind), not a regular file"
            case .unsupportedFileType(let ext):
                return "unsupported file type '\(ext)' (expected .ply or .splat)"
            case .truncated(let m): return "truncated: \(m)"
            case .countTooLarge(let m): return "count too large: \(m)"
            case .invalidSize(let m): return "invalid size: \(m)"
            case .notPLY: return "not a PLY file (first line is not 'ply')"
            case .headerTooLong(let limit): return "no end_header within the first \(limit) bytes"
            case .malformedHeader(let m): return "malformed PLY header: \(m)"
            case .unsupportedPLYFormat(let m): return "unsupported PLY: \(m)"
            case .missingProperties(let names):
                return "missing required vertex properties: \(names.joined(separator: ", "))"
            case .wrongPropertyType(let p, let t):
                return "property '\(p)' has type \(t); expected float or double"
            case .unsupportedSHCoefficientCount(let n):
                return "\(n) f_rest properties; expected 0, 9, 24 or 45 (SH degree 0…3)"
            case .nonFiniteValue(let g, let p): return "Gaussian \(g): \(p) is NaN or infinite"
            case .invalidValue(let g, let p, let d): return "Gaussian \(g): \(p): \(d)"
            case .malformedArchive(let m): return "malformed zip archive: \(m)"
            case .entryOutOfBounds(let e, let d): return "zip entry '\(e)' out of bounds: \(d)"
            case .unsupportedArchiveFeature(let m): return "unsupported zip feature: \(m)"
            case .decompressionFailed(let e, let d): return "cannot inflate zip entry '\(e)': \(d)"
            case .archiveTooLarge(let e, let bytes, let limit):
                return "the archive would inflate to \(bytes) bytes or more (at entry '\(e)'), beyond the "
                    + "\(limit) bytes allowed (maximumArchiveBytes): refused before inflating"
            case .checksumMismatch(let e): return "zip entry '\(e)' fails its CRC-32 check"
            case .missingEntry(let k): return "no array named '\(k)'"
            case .malformedNPY(let m): return "malformed NPY: \(m)"
            case .unsupportedDType(let m): return "unsupported NPY dtype: \(m)"
            case .valueNotRepresentable(let m): return "value not representable: \(m)"
            case .malformedWAV(let m): return "not a readable WAV file: \(m)"
            }
        }
    }

    /// `<path>: <reason>`, or just the reason when there is no path.
    public var description: String {
        path.isEmpty ? reason.description : "\(path): \(reason.description)"
    }
}
