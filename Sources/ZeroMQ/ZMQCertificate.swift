#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CURVE certificate in the text format of CZMQ's `zcert`, which the rest of the ZeroMQ world
/// reads and writes too (pyzmq's `zmq.auth.create_certificates` / `load_certificate`):
///
/// ```
/// #   ZeroMQ CURVE **Secret** Certificate
/// metadata
///     role = "viewer"
///     streams = "lobby,stage"
/// curve
///     public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
///     secret-key = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
/// ```
///
/// `NAME.key` holds the public key and the metadata, `NAME.key_secret` the secret key as well.
/// Values may be quoted (`"…"` or `'…'`) or bare; `#` starts a comment line.
public struct ZMQCertificate: Sendable, Equatable {
    /// The public key, 40 characters of Z85.
    public var publicKey: String
    /// The secret key, 40 characters of Z85; nil in a public certificate.
    public var secretKey: String?
    /// The `metadata` section's properties.
    public var metadata: [String: String]

    /// Largest certificate file read: a certificate is a few hundred bytes.
    public static let maximumFileBytes = 64 * 1024

    /// A certificate of known keys; checks that they are Z85 keys and that they belong together.
    public init(publicKey: String, secretKey: String? = nil, metadata: [String: String] = [:]) throws {
        self.publicKey = publicKey
        self.secretKey = secretKey
        self.metadata = metadata
        try validate(name: "certificate")
    }

    /// A new key pair with `metadata`.
    public static func generate(metadata: [String: String] = [:]) throws -> ZMQCertificate {
        let pair = try ZMQCurve.keyPair()
        return try ZMQCertificate(publicKey: pair.publicKey, secretKey: pair.secretKey, metadata: metadata)
    }

    /// Parses a certificate's text; `name` (usually its path) appears in errors.
    public init(text: String, name: String) throws {
        var section = ""
        var publicKey: String?
        var secretKey: String?
        var metadata: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            let content = line.drop { $0 == " " || $0 == "\t" }
            if content.isEmpty || content.hasPrefix("#") { continue }
            let indented = content.startIndex != line.startIndex
            guard indented else {
                section = String(content.prefix { $0 != " " && $0 != "\t" && $0 != "#" })
                continue
            }
            guard let equals = content.firstIndex(of: "=") else {
                throw ZMQCertificateError.malformed(name: name, line: index + 1, reason: "expected `name = value`")
            }
            let key = content[..<equals].trimmingSpaces
            let value = Self.unquoted(content[content.index(after: equals)...].trimmingSpaces)
            switch (section, key) {
            case ("curve", "public-key"): publicKey = value
            case ("curve", "secret-key"): secretKey = value
            case ("metadata", _): metadata[key] = value
            default: break   // other sections and properties are not ours to judge
            }
        }
        guard let publicKey else { throw ZMQCertificateError.missingPublicKey(name: name) }
        self.publicKey = publicKey
        self.secretKey = secretKey
        self.metadata = metadata
        try validate(name: name)
    }

    /// Reads a certificate file (a regular file of at most ``maximumFileBytes``).
    public static func load(path: String) throws -> ZMQCertificate {
        try ZMQCertificate(text: try readSmallFile(path), name: path)
    }

    /// Reads a secret certificate: a file without a secret key is refused.
    public static func loadSecret(path: String) throws -> ZMQCertificate {
        let certificate = try load(path: path)
        guard certificate.secretKey != nil else { throw ZMQCertificateError.missingSecretKey(name: path) }
        return certificate
    }

    /// The key pair of a secret certificate.
    public var keyPair: ZMQCurveKeyPair? {
        secretKey.map { ZMQCurveKeyPair(publicKey: publicKey, secretKey: $0) }
    }

    /// The text of the public certificate (`NAME.key`).
    public var publicText: String { text(includingSecret: false) }

    /// The text of the secret certificate (`NAME.key_secret`); nil without a secret key.
    public var secretText: String? { secretKey == nil ? nil : text(includingSecret: true) }

    /// Writes `folder/name.key` (mode 0644) and, with a secret key, `folder/name.key_secret`
    /// (mode 0600). Refuses to overwrite either file. Returns the paths written.
    @discardableResult
    public func write(folder: String, name: String) throws -> [String] {
        let base = (folder.hasSuffix("/") ? folder : folder + "/") + name
        var written: [String] = []
        try Self.writeNewFile(base + ".key", publicText, mode: 0o644)
        written.append(base + ".key")
        if let secret = secretText {
            try Self.writeNewFile(base + ".key_secret", secret, mode: 0o600)
            written.append(base + ".key_secret")
        }
        return written
    }

    // MARK: Details

    private func text(includingSecret: Bool) -> String {
        var lines = [
            "#   ****  Generated by splatctl keygen  ****",
            includingSecret ? "#   ZeroMQ CURVE **Secret** Certificate" : "#   ZeroMQ CURVE Public Certificate",
            includingSecret ? "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions."
                : "#   Exchange securely, or use a secure mechanism to verify the contents of this file after exchange.",
            "",
            "metadata",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { lines.append("    \(key) = \"\(value)\"") }
        lines.append("curve")
        lines.append("    public-key = \"\(publicKey)\"")
        if includingSecret, let secretKey { lines.append("    secret-key = \"\(secretKey)\"") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func validate(name: String) throws {
        guard Self.isZ85Key(publicKey) else { throw ZMQCertificateError.badKey(name: name, field: "public-key") }
        for (key, value) in metadata {
            guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3D && $0 != 0x22 }),
                  value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x7F }) else {
                throw ZMQCertificateError.malformed(name: name, line: nil, reason: "metadata \(key.debugDescription) must be printable, without quotes")
            }
        }
        guard let secretKey else { return }
        guard Self.isZ85Key(secretKey) else { throw ZMQCertificateError.badKey(name: name, field: "secret-key") }
        guard (try? ZMQCurve.publicKey(forSecretKey: secretKey)) == publicKey else {
            throw ZMQCertificateError.mismatchedKeys(name: name)
        }
    }

    /// Whether `key` is 40 characters of the Z85 alphabet.
    public static func isZ85Key(_ key: String) -> Bool {
        key.utf8.count == 40 && key.utf8.allSatisfy { z85.contains($0) }
    }

    private static let z85 = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    private static func unquoted(_ value: String) -> String {
        for quote in ["\"", "'"] where value.count >= 2 && value.hasPrefix(quote) && value.hasSuffix(quote) {
            return String(value.dropFirst().dropLast())
        }
        // A bare value ends where a comment starts (" #": `#` alone is a Z85 character).
        let characters = Array(value)
        guard let hash = characters.indices.dropFirst().first(where: { characters[$0] == "#" && characters[$0 - 1] == " " }) else { return value }
        return String(characters[..<hash]).trimmingSpaces
    }

    private static func readSmallFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ZMQCertificateError.unreadable(name: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw ZMQCertificateError.unreadable(name: path, reason: "not a regular file")
        }
        guard Int(info.st_size) <= maximumFileBytes else {
            throw ZMQCertificateError.unreadable(name: path, reason: "\(info.st_size) bytes is too large for a certificate")
        }
        var bytes = [UInt8](repeating: 0, count: maximumFileBytes + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ZMQCertificateError.unreadable(name: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            count += n
        }
        guard count <= maximumFileBytes else { throw ZMQCertificateError.unreadable(name: path, reason: "too large for a certificate") }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    private static func writeNewFile(_ path: String, _ text: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "it exists already (choose another name or remove it)" : String(cString: strerror(errno))
            throw ZMQCertificateError.unwritable(name: path, reason: reason)
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ZMQCertificateError.unwritable(name: path, reason: String(cString: strerror(errno))) }
            offset += n
        }
    }
}

/// Why a certificate could not be read or written.
public enum ZMQCertificateError: Error, Equatable, CustomStringConvertible {
    case unreadable(name: String, reason: String)
    case unwritable(name: String, reason: String)
    case malformed(name: String, line: Int?, reason: String)
    case missingPublicKey(name: String)
    case missingSecretKey(name: String)
    case badKey(name: String, field: String)
    case mismatchedKeys(name: String)

    public var description: String {
        switch self {
        case let .unreadable(name, reason): "cannot read certificate \(name): \(reason)"
        case let .unwritable(name, reason): "cannot write \(name): \(reason)"
        case let .malformed(name, line, reason): "certificate \(name)\(line.map { " line \($0)" } ?? ""): \(reason)"
        case let .missingPublicKey(name): "certificate \(name) has no `public-key` in its `curve` section"
        case let .missingSecretKey(name): "\(name) is a public certificate (no `secret-key`): give the `.key_secret` file"
        case let .badKey(name, field): "certificate \(name): \(field) is not a 40-character Z85 key"
        case let .mismatchedKeys(name): "certificate \(name): the secret key does not belong to the public key"
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
