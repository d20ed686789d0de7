import Foundation
import SplatIO
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Every file a loader reads is checked the same way: inside the confinement roots (symlinks
/// followed, whichever file of a load it is), and a regular file, never a FIFO or a device.
final class FileAccessTests: XCTestCase {
    private func npz(at url: URL) throws {
        var writer = NPZWriter(compressed: false)
        writer.add("x", NPYArray(shape: [3], floats: [1, 2, 3]))
        try writer.write(to: url)
    }

    private func reason(_ body: () throws -> Void) -> SplatIOError.Reason? {
        do { try body() } catch let error as SplatIOError { return error.reason } catch { XCTFail("\(error)") }
        return nil
    }

    func testASymlinkOutOfTheRootsIsRefusedWhicheverFileItIs() throws {
        let base = try makeTemporaryDirectory(self)
        let root = base.appendingPathComponent("root"), outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try npz(at: outside.appendingPathComponent("secret.npz"))
        try npz(at: root.appendingPathComponent("own.npz"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link.npz"),
                                                   withDestinationURL: outside.appendingPathComponent("secret.npz"))
        try ReadConfinement.confined(to: [root.path]) {
            XCTAssertEqual(try NPZArchive(contentsOf: root.appendingPathComponent("own.npz")).keys, ["x"])
            guard case .outsideRoots? = reason({ _ = try NPZArchive(contentsOf: root.appendingPathComponent("link.npz")) }) else {
                return XCTFail("a link out of the root must be refused")
            }
            guard case .outsideRoots? = reason({ _ = try NPZArchive(contentsOf: root.appendingPathComponent("../outside/secret.npz")) }) else {
                return XCTFail("a path out of the root must be refused")
            }
        }
        // Outside a confined load the same file reads (the CLI, tests).
        XCTAssertEqual(try NPZArchive(contentsOf: root.appendingPathComponent("link.npz")).keys, ["x"])
    }

    func testFIFOsAndDevicesAreRefusedAsWhatTheyAre() throws {
        let base = try makeTemporaryDirectory(self)
        let fifo = base.appendingPathComponent("pipe.ply")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        guard case .notRegularFile(let kind)? = reason({ _ = try PLYReader.read(contentsOf: fifo) }) else {
            return XCTFail("a FIFO must be refused without waiting on it")
        }
        XCTAssertTrue(kind.contains("FIFO"), kind)
        guard case .notRegularFile(let device)? = reason({ _ = try NPZArchive(contentsOf: URL(fileURLWithPath: "/dev/zero")) }) else {
            return XCTFail("/dev/zero must be refused")
        }
        XCTAssertTrue(device.contains("device"), device)
        guard case .notRegularFile(let folder)? = reason({ _ = try NPZArchive(contentsOf: base) }) else {
            return XCTFail("a folder must be refused")
        }
        XCTAssertTrue(folder.contains("folder"), folder)
    }

    func testHeaderErrorsDoNotQuoteTheFile() throws {
        let base = try makeTemporaryDirectory(self)
        let url = base.appendingPathComponent("foreign.ply")
        try Data("ply\nformat secret-password-here 1.0\nend_header\n".utf8).write(to: url)
        do {
            _ = try PLYReader.read(contentsOf: url)
            XCTFail("not a valid PLY")
        } catch {
            XCTAssertFalse("\(error)".contains("secret-password-here"), "\(error)")
        }
    }
}
