import Foundation

extension GaussianCloud {
    /// Loads a scene file, choosing the format by extension (`.ply` or `.splat`); see ``SceneFile``.
    /// - Throws: ``SplatIOError`` naming the file and the problem.
    public init(contentsOf url: URL) throws {
        self = try SceneFile.read(contentsOf: url)
    }

    /// Saves the cloud, choosing the format by extension (`.ply` or `.splat`); see ``SceneFile``.
    public func write(to url: URL) throws {
        try SceneFile.write(self, to: url)
    }
}
