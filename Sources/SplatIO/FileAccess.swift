import Foundation

/// Reading and writing whole files, with failures turned into ``SplatIOError``.
enum FileAccess {
    /// The file's bytes, memory-mapped where the platform allows it.
    static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SplatIOError(path: url.path, reason: .unreadable(message(error)))
        }
    }

    /// Writes `data` to `url` atomically (a temporary file renamed into place).
    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw SplatIOError(path: url.path, reason: .unwritable(message(error)))
        }
    }

    private static func message(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
            return "\(ns.localizedDescription) (\(underlying.localizedDescription))"
        }
        return ns.localizedDescription
    }
}
