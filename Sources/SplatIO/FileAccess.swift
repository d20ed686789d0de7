import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading and writing whole files, with failures turned into ``SplatIOError``.
enum FileAccess {
    /// The file's bytes, memory-mapped.
    ///
    /// Every read goes through the same checks, whichever loader asks (a PLY, a rig, an NPZ next
    /// to it): the path is resolved with symlinks followed and must lie inside
    /// the roots of ``ReadConfinement`` when a load on this thread set any; it is then opened from
    /// the root down, one component at a time without following symlinks (a swap after the
    /// check fails instead of escaping), and must be a regular file — a FIFO, a device or a
    /// folder is refused as such, never waited on.
    static func read(_ url: URL) throws -> Data {
        let path = url.path
        guard let resolvedC = realpath(path, nil) else {
            throw SplatIOError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        let resolved = String(cString: resolvedC)
        free(resolvedC)
        let roots = ReadConfinement.roots
        let fd: Int32
        if roots.isEmpty {
            fd = open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        } else {
            guard let root = roots.first(where: { resolved.hasPrefix($0 + "/") }) else {
                throw SplatIOError(path: path, reason: .outsideRoots)
            }
            fd = openBelow(root, String(resolved.dropFirst(root.count + 1)))
        }
        guard fd >= 0 else {
            throw SplatIOError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SplatIOError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw SplatIOError(path: path, reason: .notRegularFile(kind(info.st_mode)))
        }
        let size = Int(info.st_size)
        guard size > 0 else { return Data() }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw SplatIOError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        return Data(bytesNoCopy: mapped, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
    }

    /// Opens `relative` (a resolved path, without `..`) below the folder `root` one component
    /// at a time, each with `O_NOFOLLOW`: a folder swapped for a symlink after `realpath`
    /// checked the path makes the open fail instead of leaving the root. Returns -1 with `errno`.
    private static func openBelow(_ root: String, _ relative: String) -> Int32 {
        var folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return -1 }
        let components = relative.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains("..") else {
            close(folder)
            errno = EACCES
            return -1
        }
        for (index, name) in components.enumerated() {
            let last = index == components.count - 1
            let next = openat(folder, name, last ? (O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
                                                 : (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))
            let saved = errno
            close(folder)
            guard next >= 0 else {
                errno = saved
                return -1
            }
            folder = next
        }
        return folder
    }

    /// Writes `data` to `url` atomically (a temporary file renamed into place).
    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw SplatIOError(path: url.path, reason: .unwritable(message(error)))
        }
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
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

/// The folders files may be read from while a load runs on this thread (the daemon's
/// `avatarRoots`): every file any loader opens is checked, not only the one a client named.
/// Outside `confined(to:_:)`, reads are not confined.
public enum ReadConfinement {
    private static let key = "splatd.ReadConfinement.roots"

    /// Runs `body` with reads on this thread confined to `roots` (resolved here; empty: none).
    public static func confined<R>(to roots: [String], _ body: () throws -> R) rethrows -> R {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[key]
        dictionary[key] = roots.map { root -> String in
            guard let r = realpath(root, nil) else { return root }
            defer { free(r) }
            return String(cString: r)
        }
        defer { dictionary[key] = previous }
        return try body()
    }

    /// The roots reads on this thread are confined to (empty: none).
    static var roots: [String] { Thread.current.threadDictionary[key] as? [String] ?? [] }
}
