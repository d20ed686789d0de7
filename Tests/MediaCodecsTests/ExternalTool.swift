import Foundation
import XCTest

/// The independent decoders the tests check against: FFmpeg's command-line tools
/// (scripts/bootstrap installs Debian's `ffmpeg`).
enum ExternalTool {
    /// The absolute path of `name` on PATH, or a skip when it is missing.
    static func require(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("\(name) is not installed (scripts/bootstrap installs it)")
    }

    /// Runs `tool` with `arguments`, returns its standard output; fails the test with its
    /// standard error when it exits with a non-zero status.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("mediacodecs-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            XCTFail("\(tool) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(message)",
                    file: file, line: line)
        }
        return data
    }

    /// A fresh temporary folder, removed at the end of the test.
    static func temporaryFolder(for testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediacodecs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
