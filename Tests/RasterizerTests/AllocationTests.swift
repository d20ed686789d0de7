import Foundation
import MallocInterposerSwift
import Rasterizer
import SplatIO
import XCTest

/// The renderer reuses its scratch memory: after the first frame of a scene size it allocates
/// nothing, on any of its threads (malloc calls counted by ordo-one's malloc-interposer).
final class AllocationTests: XCTestCase {
    func testRendererAllocatesNothingAfterItsFirstFrame() throws {
        guard Self.interposerIsActive() else {
            // The interposer counts only when its library is loaded before everything else:
            // run this test again in a child process with it preloaded.
            try Self.runInChildWithInterposer(test: "RasterizerTests.AllocationTests/testRendererAllocatesNothingAfterItsFirstFrame")
            return
        }
        let cloud = SyntheticScene.headShell(count: 20_000, seed: 3)
        let camera = try SyntheticScene.headCamera(width: 200, height: 136)   // partial tiles too
        let framebuffer = Framebuffer(width: camera.width, height: camera.height)
        let renderer = Renderer(threadCount: 2)
        renderer.render(cloud, camera: camera, into: framebuffer)   // sizes the scratch memory
        renderer.render(cloud, camera: camera, into: framebuffer)

        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        for _ in 0..<5 { renderer.render(cloud, camera: camera, into: framebuffer) }
        MallocInterposerSwift.unhook()
        let stats = MallocInterposerSwift.getStatistics()
        XCTAssertEqual(stats.mallocCount, 0, "allocations in 5 frames after the first (\(stats.mallocBytesCount) bytes)")

        // The counter does count: a bigger scene makes the renderer grow its buffers.
        let bigger = SyntheticScene.headShell(count: 40_000, seed: 4)
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        renderer.render(bigger, camera: camera, into: framebuffer)
        MallocInterposerSwift.unhook()
        XCTAssertGreaterThan(MallocInterposerSwift.getStatistics().mallocCount, 0)
    }

    nonisolated(unsafe) static var stored: ((Int) -> Void)?
    /// True when malloc calls in this process are counted.
    private static func interposerIsActive() -> Bool {
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        let p = malloc(64)
        free(p)
        MallocInterposerSwift.unhook()
        return MallocInterposerSwift.getStatistics().mallocCount > 0
    }

    /// Runs one test of this bundle in a child process with the interposer preloaded; fails with
    /// the child's output unless it passes.
    private static func runInChildWithInterposer(test: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let library = runner.deletingLastPathComponent().appendingPathComponent("libMallocInterposerSwift.so")
        guard FileManager.default.fileExists(atPath: library.path) else {
            throw XCTSkip("\(library.path) is not built (swift build --build-tests builds it)")
        }
        let process = Process()
        process.executableURL = runner
        process.arguments = [test]
        var environment = ProcessInfo.processInfo.environment
        environment["LD_PRELOAD"] = library.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "child run of \(test):\n\(text.suffix(3000))", file: file, line: line)
        XCTAssertTrue(text.contains("Executed 1 test, with 0 failures"), "child run of \(test):\n\(text.suffix(3000))", file: file, line: line)
    }
}

