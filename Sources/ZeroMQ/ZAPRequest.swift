/// A ZeroMQ Authentication Protocol request (ZAP, RFC 27), as libzmq sends it to the handler
/// bound at ``endpoint`` when a peer's handshake needs a decision.
public struct ZAPRequest: Sendable, Equatable {
    /// Where a ZAP handler binds its REP socket, in the context of the sockets it guards.
    public static let endpoint = "inproc://zeromq.zap.01"

    /// Opaque id the reply must repeat.
    public var requestID: [UInt8]
    /// The socket's `ZMQ_ZAP_DOMAIN`.
    public var domain: String
    /// The peer's IP address.
    public var address: String
    /// The peer's routing id (may be empty).
    public var identity: [UInt8]
    /// "NULL", "PLAIN" or "CURVE".
    public var mechanism: String
    /// The mechanism's credentials: for CURVE, the client's 32-byte public key.
    public var credentials: [[UInt8]]

    /// Parses the frames of a request; nil when they are not a ZAP 1.0 request.
    public init?(frames: [[UInt8]]) {
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else { return nil }
        requestID = frames[1]
        domain = String(decoding: frames[2], as: UTF8.self)
        address = String(decoding: frames[3], as: UTF8.self)
        identity = frames[4]
        mechanism = String(decoding: frames[5], as: UTF8.self)
        credentials = Array(frames.dropFirst(6))
    }

    /// For CURVE, the client's public key as 40 characters of Z85; nil otherwise.
    public var curvePublicKey: String? {
        guard mechanism == "CURVE", credentials.count == 1, credentials[0].count == 32 else { return nil }
        return Z85.encode(credentials[0])
    }

    /// The frames of the reply: `status` 200 (allowed, the connection's messages then carry
    /// `userID` as their `User-Id` property), 300 (try later), 400 (denied) or 500 (error).
    public func reply(status: Int, text: String, userID: String = "") -> [[UInt8]] {
        [Array("1.0".utf8), requestID, Array(String(status).utf8), Array(text.utf8), Array(userID.utf8), []]
    }
}

/// Z85 encoding (ZeroMQ RFC 32) of data whose length is a multiple of 4.
public enum Z85 {
    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// The Z85 text of `bytes` (nil when the length is not a multiple of 4).
    public static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 5 / 4)
        for chunk in stride(from: 0, to: bytes.count, by: 4) {
            var value = UInt32(bytes[chunk]) << 24 | UInt32(bytes[chunk + 1]) << 16 | UInt32(bytes[chunk + 2]) << 8 | UInt32(bytes[chunk + 3])
            var digits = [UInt8](repeating: 0, count: 5)
            for i in (0..<5).reversed() {
                digits[i] = alphabet[Int(value % 85)]
                value /= 85
            }
            out += digits
        }
        return String(decoding: out, as: UTF8.self)
    }
}
