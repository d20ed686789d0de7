import Foundation
import Logging
import SplatCore
import Daemon
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// The web gateway of `serve --http`: the `splatd-web` executable beside this one, run as a
/// child process against the daemon's endpoints, so that nothing the gateway does can take the
/// renderer down. If it exits while the daemon runs, it is started again (after 1 s, doubling to
/// 30 s); it is stopped with the daemon.
final class GatewayProcess: @unchecked Sendable {
    // @unchecked: `process` and `stopping` are only touched under `lock`.
    private let arguments: [String]
    private let logger: Logger
    private let lock = NSLock()
    private var process: Process?
    private var stopping = false

    /// The `splatd-web` executable next to this one.
    static var executable: URL {
        let own = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                      ?? CommandLine.arguments[0])
        return own.deletingLastPathComponent().appendingPathComponent("splatd-web")
    }

    /// A key pair for the gateway of a daemon that requires CURVE, admitted by `service`;
    /// returns its secret certificate's path, in a folder only this user can read, removed
    /// when the daemon exits.
    static func makeKey(admittedBy service: SplatService, readOnly: Bool) throws -> String {
        var template = Array((NSTemporaryDirectory() + "/splatd-web-XXXXXX").utf8CString)
        guard let folder = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw GatewayProcessError("cannot make a private folder for the gateway's key: \(String(cString: strerror(errno)))")
        }
        let certificate = try ZMQCertificate.generate(metadata: ["role": readOnly ? "viewer" : "admin"])
        try certificate.write(folder: folder, name: "web-gateway")
        keyFolders.withLock { $0.append(folder) }
        service.admitGateway(publicKey: certificate.publicKey, readOnly: readOnly)
        return folder + "/web-gateway.key_secret"
    }

    /// Folders of gateway keys, removed by ``removeKeys()``.
    private static let keyFolders = Locked<[String]>([])

    /// Removes the gateway keys this process made.
    static func removeKeys() {
        for folder in keyFolders.withLock({ f in defer { f = [] }; return f }) {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    init(arguments: [String], logger: Logger) {
        self.arguments = arguments
        self.logger = logger
    }

    /// Starts the gateway and waits until it listens; returns its address (`http://…`).
    /// Throws with the gateway's own message when it cannot start.
    func start() throws -> String {
        let executable = Self.executable
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw GatewayProcessError("\(executable.path) is missing: build it with `swift build --product splatd-web` (scripts/run builds it)")
        }
        let (process, output, errors) = try launch(executable)
        // The first line of its standard output says where it listens.
        let reader = output.fileHandleForReading
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !line.contains(UInt8(ascii: "\n")) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }  // it exited
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = text.split(separator: " ").first(where: { $0.hasPrefix("http") }) else {
            process.waitUntilExit()
            // Its first line says why (ArgumentParser adds usage lines after it).
            let reason = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").first.map { String($0.hasPrefix("Error: ") ? $0.dropFirst(7) : $0) } ?? ""
            throw GatewayProcessError(reason.isEmpty ? "splatd-web exited with status \(process.terminationStatus)" : reason)
        }
        forward(output: reader)
        forward(errors: errors.fileHandleForReading)
        supervise(process, delay: 1)
        return token.hasSuffix("/") ? String(token.dropLast()) : String(token)
    }

    /// Stops the gateway (SIGTERM, then waits up to 5 s).
    func stop() {
        let running = lock.withLock { () -> Process? in
            stopping = true
            return process
        }
        guard let running, running.isRunning else { return }
        running.terminate()
        let deadline = Date().addingTimeInterval(5)
        while running.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if running.isRunning { kill(running.processIdentifier, SIGKILL) }
    }

    private func launch(_ executable: URL) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        lock.withLock { self.process = process }
        return (process, output, errors)
    }

    /// Restarts the gateway when it ends on its own.
    private func supervise(_ process: Process, delay: Double) {
        let started = Date()
        process.terminationHandler = { [self] ended in
            guard !lock.withLock({ stopping }) else { return }
            let ranLong = Date().timeIntervalSince(started) > 60
            let wait = ranLong ? 1 : delay
            logger.error("the web gateway exited (status \(ended.terminationStatus)); starting it again in \(Int(wait)) s")
            DispatchQueue.global().asyncAfter(deadline: .now() + wait) { [self] in
                guard !lock.withLock({ stopping }) else { return }
                do {
                    let (next, output, errors) = try launch(Self.executable)
                    forward(output: output.fileHandleForReading)
                    forward(errors: errors.fileHandleForReading)
                    supervise(next, delay: min(wait * 2, 30))
                } catch {
                    logger.error("cannot start the web gateway again: \(error)")
                }
            }
        }
    }

    /// Passes the gateway's output lines on (prefixed), so they reach the daemon's log.
    private func forward(output handle: FileHandle) {
        handle.readabilityHandler = { h in
            let data = h.availableData
            if data.isEmpty { h.readabilityHandler = nil; return }
            FileHandle.standardOutput.write(data)
        }
    }

    private func forward(errors handle: FileHandle) {
        handle.readabilityHandler = { h in
            let data = h.availableData
            if data.isEmpty { h.readabilityHandler = nil; return }
            FileHandle.standardError.write(data)
        }
    }
}

struct GatewayProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
