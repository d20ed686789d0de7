import Foundation
import SplatProtocol
import ZeroMQ

/// The clients' public certificates in the `--clients` folder: public key → access.
///
/// Every `*.key` file is a zcert public certificate whose metadata names its `role`
/// (`admin`, `operator`, `driver` with `avatars = "a,b"`, `viewer` with `streams = "s1,s2"`;
/// `"*"` means all). A certificate that cannot be used is skipped and named in ``problems``.
struct ClientKeyring: Sendable, Equatable {
    /// Public key (Z85) → what it may do.
    private(set) var clients: [String: ClientAccess] = [:]
    /// Certificates skipped, each with why (logged by the daemon).
    private(set) var problems: [String] = []

    /// Most certificates read from one folder.
    static let maximumCertificates = 10_000

    init(clients: [String: ClientAccess] = [:]) {
        self.clients = clients
    }

    /// Reads every `*.key` file of `folder` (not below it).
    ///
    /// - Throws: ``SecurityError/clientsFolder(_:_:)`` when the folder cannot be listed.
    init(folder: String) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted() } catch {
            throw SecurityError.clientsFolder(folder, (error as NSError).localizedDescription)
        }
        for name in names.prefix(Self.maximumCertificates) where name.hasSuffix(".key") {
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let certificate = try ZMQCertificate.load(path: path)
                let access = try Self.access(String(name.dropLast(4)), certificate.metadata)
                if let other = clients[certificate.publicKey] {
                    throw SecurityError.certificate(path, "its key is also \(other.name)'s; keys must be unique")
                }
                clients[certificate.publicKey] = access
            } catch {
                problems.append("\(error)")
            }
        }
        if names.count > Self.maximumCertificates {
            problems.append("\(folder): only the first \(Self.maximumCertificates) files are read")
        }
    }

    /// The access of a client key, nil for a key not in the folder.
    func access(forKey publicKey: String) -> ClientAccess? { clients[publicKey] }

    /// Whether some key that `self` allows something is refused or allowed less by `other`
    /// (so that connections made under `self` must be authenticated again).
    func isNarrowed(by other: ClientKeyring) -> Bool {
        clients.contains { key, access in other.clients[key] != access }
    }

    /// The stream ids granted by name to viewers that do not see every stream: a new stream
    /// whose id starts with one of them would reach those viewers (topics match by prefix).
    var limitedStreamGrants: Set<String> {
        Set(clients.values.flatMap { $0.role == .viewer ? Array($0.streams ?? []) : [] })
    }

    private static func access(_ name: String, _ metadata: [String: String]) throws -> ClientAccess {
        let path = "\(name).key"
        guard let text = metadata["role"] else {
            throw SecurityError.certificate(path, "no role in its metadata (role = \"admin\", \"operator\", \"driver\" or \"viewer\")")
        }
        guard let role = ClientAccess.Role(rawValue: text) else {
            throw SecurityError.certificate(path, "unknown role \(text.quotedForMessage) (admin, operator, driver or viewer)")
        }
        func list(_ key: String) throws -> Set<String>? {
            guard let value = metadata[key], !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw SecurityError.certificate(path, "a \(role.rawValue) needs `\(key) = \"id1,id2\"` (or \"*\" for all) in its metadata")
            }
            let ids = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if ids == ["*"] { return nil }
            for id in ids where !Identifier.isValid(id) {
                throw SecurityError.certificate(path, "\(key): \(id.quotedForMessage) is not an id (1…64 of A–Z a–z 0–9 _ . -)")
            }
            return Set(ids)
        }
        switch role {
        case .admin, .operator: return ClientAccess(name: name, role: role, avatars: nil, streams: nil)
        case .driver: return ClientAccess(name: name, role: role, avatars: try list("avatars"), streams: nil)
        case .viewer: return ClientAccess(name: name, role: role, avatars: nil, streams: try list("streams"))
        }
    }
}
