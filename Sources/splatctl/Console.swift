import Foundation

/// Output helpers: diagnostics go to standard error so that standard output stays clean for
/// tables, reports and JSON.
enum Console {
    /// Writes `message` and a newline to standard error.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// A JSON object on one line (keys sorted), for `--json` output of reports.
    static func jsonLine(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
