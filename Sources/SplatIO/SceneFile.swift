import Foundation

/// Loads and saves Gaussian scenes, choosing the format from the file extension.
public enum SceneFile {
    /// The scene formats SplatIO reads and writes.
    public enum Format: String, Sendable, CaseIterable {
        /// 3DGS PLY (INRIA layout, optional `binding_0`); see ``PLYReader`` and ``PLYWriter``.
        case ply
        /// antimatter15 `.splat`; see ``SplatFile``.
        case splat

        /// The format named by `url`'s extension (case-insensitive).
        /// - Throws: ``SplatIOError`` with reason `.unsupportedFileType` for any other extension.
        public init(url: URL) throws {
            let ext = url.pathExtension.lowercased()
            guard let format = Format(rawValue: ext) else {
                throw SplatIOError(path: url.path, reason: .unsupportedFileType(ext.isEmpty ? "(none)" : "." + ext))
            }
            self = format
        }
    }

    /// Reads the scene at `url` (`.ply` or `.splat`).
    /// - Throws: ``SplatIOError`` naming the file and the problem.
    public static func read(contentsOf url: URL) throws -> GaussianCloud {
        switch try Format(url: url) {
        case .ply: return try PLYReader.read(contentsOf: url)
        case .splat: return try SplatFile.read(contentsOf: url)
        }
    }

    /// Writes `cloud` to `url` in the format its extension names. `.splat` keeps only the DC colour
    /// and drops bindings.
    public static func write(_ cloud: GaussianCloud, to url: URL) throws {
        switch try Format(url: url) {
        case .ply: try PLYWriter.write(cloud, to: url)
        case .splat: try SplatFile.write(cloud, to: url)
        }
    }
}
