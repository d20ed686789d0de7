import Foundation
import Hummingbird

/// The pages and their scripts, committed in `Assets/` and bundled with the module: read once,
/// served from memory. Names are plain file names: nothing outside the folder can be asked for.
struct StaticAssets: Sendable {
    private let files: [String: (type: String, bytes: [UInt8])]

    init() {
        var files: [String: (String, [UInt8])] = [:]
        if let folder = Bundle.module.url(forResource: "Assets", withExtension: nil),
           let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for name in names {
                guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
                files[name] = (Self.contentType(of: name), Array(data))
            }
        }
        self.files = files
    }

    var names: [String] { files.keys.sorted() }

    /// The response for file `name`, or 404.
    func response(_ name: String) -> Response {
        guard let file = files[name] else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "no such file: \(name.prefix(80))\n")))
        }
        return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}
