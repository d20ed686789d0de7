import Foundation

extension NPYArray {
    /// Reads the `.npy` file at `url`; see ``NPYFile``.
    /// - Throws: ``SplatIOError`` naming the file and the problem.
    public init(contentsOf url: URL) throws {
        self = try NPYFile.read(contentsOf: url)
    }

    /// Writes the array to `url` (atomically) as `.npy`; see ``NPYFile``.
    public func write(to url: URL) throws {
        try NPYFile.write(self, to: url)
    }
}
