import ArgumentParser
import Foundation
import SwiftProtobuf

/// Options every command accepts, before or after the command name
/// (`splatctl --control tcp://host:5555 status` and `splatctl status --control …` are the same).
struct GlobalOptions: ParsableArguments {
    /// The default control endpoint (splatd's default ROUTER).
    static let defaultControl = "tcp://127.0.0.1:5555"
    /// The default frames endpoint (splatd's default XPUB).
    static let defaultFrames = "tcp://127.0.0.1:5557"
    /// The default drive endpoint (splatd's default SUB).
    static let defaultDrive = "tcp://127.0.0.1:5556"
    /// The default audio endpoint (splatd's default PULL).
    static let defaultAudio = "tcp://127.0.0.1:5558"

    @Option(name: .long, help: ArgumentHelp("The daemon's control endpoint (ROUTER).", valueName: "endpoint"))
    var control: String = GlobalOptions.defaultControl

    /// Every `--frames` value given: endpoints, or (for `watch`) a number of frames.
    @Option(name: .customLong("frames"), parsing: .singleValue, help: ArgumentHelp(
        "The daemon's frames endpoint (XPUB). (default: \(GlobalOptions.defaultFrames)) "
            + "For `watch`, `--frames N` with a number is the number of frames to receive (same as --count).",
        valueName: "endpoint"))
    var framesValues: [String] = []

    @Option(name: .long, help: ArgumentHelp("The daemon's drive endpoint (SUB).", valueName: "endpoint"))
    var drive: String = GlobalOptions.defaultDrive

    @Option(name: .long, help: ArgumentHelp("The daemon's audio endpoint (PULL).", valueName: "endpoint"))
    var audio: String = GlobalOptions.defaultAudio

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each control reply.", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(name: .long, help: "Print replies as JSON (protobuf JSON mapping) instead of text.")
    var json = false

    /// The frames endpoint: the last `--frames` value that is not a plain number.
    var frames: String {
        framesValues.last(where: { Self.frameCount(in: $0) == nil }) ?? Self.defaultFrames
    }

    /// A frame count given as `--frames N` (used by `watch`), if any.
    var framesCount: Int? {
        framesValues.lazy.compactMap(Self.frameCount(in:)).last
    }

    /// The value as a frame count when it is a plain decimal number.
    static func frameCount(in value: String) -> Int? {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(value)
    }

    func validate() throws {
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be a number of seconds above 0 (and at most 86400), got \(timeout)")
        }
        for (name, endpoint) in [("--control", control), ("--drive", drive), ("--frames", frames), ("--audio", audio)] {
            guard endpoint.contains("://") else {
                throw ValidationError("\(name) \(endpoint) is not an endpoint; use transport://address, e.g. tcp://127.0.0.1:5555")
            }
        }
    }

    /// Rejects a `--frames N` count on commands that do not receive frames.
    func rejectFrameCount(command: String) throws {
        if let n = framesCount {
            throw ValidationError("--frames \(n): `\(command)` takes no frame count; --frames expects an endpoint such as \(Self.defaultFrames)")
        }
    }

    /// Connects a control client with these options.
    func controlClient() throws -> ControlClient {
        try ControlClient(endpoint: control, timeout: timeout)
    }

    /// Prints `message` as JSON (protobuf JSON mapping) on one block.
    func printJSON(_ message: any SwiftProtobuf.Message) {
        print(Self.json(message))
    }

    /// `message` in the protobuf JSON mapping (`jsonString()`); proto3 JSON writes 64-bit
    /// integers as strings and leaves out fields with default values.
    static func json(_ message: any SwiftProtobuf.Message) -> String {
        (try? message.jsonString()) ?? "{}"
    }
}
