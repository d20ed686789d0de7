import Animator
import Foundation
import SplatCore
import SplatIO

/// Checks avatar paths sent by clients and loads avatars from them.
struct AvatarLoader: Sendable {
    /// The path that names the built-in demo avatar.
    static let demoPath = "demo"
    /// A FLAME avatar folder's optional viseme table.
    static let visemeTableName = "viseme_table.npz"
    /// Longest accepted path, bytes.
    static let maximumPathLength = 4096

    /// When not empty, the only folders (resolved) avatars may be loaded from.
    let roots: [String]
    /// Largest file or folder accepted, bytes (files are read into memory whole).
    let maximumBytes: Int
    /// Threads each loaded avatar poses with (the daemon's render threads).
    let threads: Int

    init(roots: [String], maximumBytes: Int = 2 << 30, threads: Int = Parallel.coreCount) {
        self.roots = roots.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().standardizedFileURL.path }
        self.maximumBytes = maximumBytes
        self.threads = max(1, threads)
    }

    /// Validates a client-supplied path and returns it resolved (symlinks followed).
    func checkPath(_ path: String, field: String) throws -> String {
        if path == Self.demoPath && field == "path" { return path }
        guard !path.isEmpty else { throw ControlError.invalid("\(field) is empty (give a file or folder on the daemon's host, or \"demo\")") }
        guard path.utf8.count <= Self.maximumPathLength, !path.utf8.contains(0) else {
            throw ControlError.invalid("\(field) is longer than \(Self.maximumPathLength) bytes or contains a NUL byte")
        }
        guard path.hasPrefix("/") else { throw ControlError.invalid("\(field) \(quoted(path)) must be an absolute path on the daemon's host") }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        if !roots.isEmpty && !roots.contains(where: { resolved == $0 || resolved.hasPrefix($0 + "/") }) {
            throw ControlError.invalid("\(field) \(quoted(path)) is outside the folders this daemon may load from (avatarRoots)")
        }
        guard FileManager.default.fileExists(atPath: resolved) else { throw ControlError.loadFailed("\(field) \(quoted(path)) does not exist") }
        let bytes = footprint(of: resolved)
        guard bytes <= maximumBytes else {
            throw ControlError.loadFailed("\(field) \(quoted(path)) holds \(bytes >> 20) MiB, more than the \(maximumBytes >> 20) MiB an avatar may take (maximumAvatarBytes)")
        }
        return resolved
    }

    /// Bytes of a file, or of the files in a folder (the first 10 000 entries, three levels deep).
    private func footprint(of path: String) -> Int {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        if !isDirectory.boolValue { return (try? fm.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        guard let walker = fm.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else { return 0 }
        var total = 0, entries = 0
        for case let url as URL in walker {
            entries += 1
            if entries > 10_000 { break }
            if walker.level > 3 { walker.skipDescendants(); continue }
            let values = try? url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { total += values?.fileSize ?? 0 }
        }
        return total
    }

    private func quoted(_ s: String) -> String { "\"\(s.prefix(200))\"" }
}

extension AvatarLoader {
    /// Loads the avatar at a path already checked by `checkPath`.
    func load(path: String, rigPath: String?) throws -> AnimatedAvatar {
        do {
            // Every file the loaders open — not only `path` — must resolve inside the roots.
            return try ReadConfinement.confined(to: roots) { try loadConfined(path: path, rigPath: rigPath) }
        } catch let error as ControlError {
            throw error
        } catch {
            throw ControlError.loadFailed("\(error)")
        }
    }

    private func loadConfined(path: String, rigPath: String?) throws -> AnimatedAvatar {
        do {
            let avatar = try Avatar.load(path, rig: rigPath, threads: threads)
            // A FLAME avatar's folder may hold a viseme table for speech (docs/formats.md).
            var table: VisemeTable?
            let tableURL = URL(fileURLWithPath: path).appendingPathComponent(Self.visemeTableName)
            if avatar.kind == .flame, FileManager.default.fileExists(atPath: tableURL.path) {
                table = try VisemeTable(contentsOf: tableURL)
            }
            return try AnimatedAvatar(avatar, visemeTable: table)
        } catch {
            throw ControlError.loadFailed("\(error)")
        }
    }
}
