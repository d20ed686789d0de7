import Foundation
import SwiftProtobuf

/// Why bytes from the wire were refused.
public enum WireError: Error, CustomStringConvertible, Equatable {
    /// The message is larger than the endpoint accepts.
    case tooLarge(what: String, bytes: Int, limit: Int)
    /// The bytes are not a valid protobuf encoding of the expected message.
    case malformed(what: String, reason: String)
    /// The client speaks a protocol version this daemon does not.
    case unsupportedVersion(UInt32)

    public var description: String {
        switch self {
        case let .tooLarge(what, bytes, limit): return "\(what) of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case let .malformed(what, reason): return "malformed \(what): \(reason)"
        case let .unsupportedVersion(v): return "protocol version \(v) is not supported (this daemon speaks \(WireLimits.version))"
        }
    }
}

extension SwiftProtobuf.Message {
    /// Decodes `bytes` after checking them against `limit`; errors name `what`.
    public static func decode(wire bytes: [UInt8], limit: Int, what: String) throws -> Self {
        guard bytes.count <= limit else { throw WireError.tooLarge(what: what, bytes: bytes.count, limit: limit) }
        do {
            return try Self(serializedBytes: bytes)
        } catch {
            throw WireError.malformed(what: what, reason: "\(error)")
        }
    }

    /// The message's binary encoding as bytes.
    public func wireBytes() -> [UInt8] {
        // Encoding a well-formed message cannot fail (no required fields in proto3).
        (try? serializedBytes()) ?? []
    }
}
