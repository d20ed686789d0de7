import Foundation
import Logging
import MediaCodecs
import SplatCore
import SplatProtocol

/// The daemon's live outputs by id, in the order they started. Control requests (I/O thread)
/// start and stop them; each runs on its own thread and is fed by its stream.
final class OutputTable: Sendable {
    /// The folder file outputs and RTP's SDP files are written in (resolved).
    let folder: String
    /// Most outputs at once.
    let maximum: Int
    private let logger: Logger
    private let outputs = Locked<[LiveOutput]>([])
    private let counter = Locked(0)

    init(folder: String, maximum: Int, logger: Logger) {
        self.folder = folder
        self.maximum = maximum
        self.logger = logger
    }

    var all: [LiveOutput] { outputs.withLock { $0 } }

    /// Starts sending `stream` to `url` (validated here; the connection is made by the output's
    /// thread at the stream's next frame).
    func start(_ request: Splatd_V1_StartOutput, stream: StreamSlot) throws(OutputError) -> LiveOutput {
        let id = request.outputID.isEmpty ? nextID() : request.outputID
        guard Identifier.isValid(id) else { throw .invalidID(id) }
        let bitrate = request.bitrateKbps == 0 ? nil : Int(request.bitrateKbps)
        if let bitrate, !H264Settings.bitrates.contains(bitrate) { throw .invalidBitrate(bitrate) }
        let settings = stream.settings
        guard settings.width % 2 == 0, settings.height % 2 == 0 else { throw .oddSize(width: settings.width, height: settings.height) }
        let target = try OutputTarget(parsing: request.url, folder: folder, name: "\(stream.id)-\(id)")
        let output = LiveOutput(id: id, streamID: stream.id, target: target, bitrateKbps: bitrate, logger: logger)
        try outputs.withLock { (list: inout [LiveOutput]) throws(OutputError) in
            guard !list.contains(where: { $0.id == id }) else { throw .idTaken(id) }
            guard list.count < maximum else { throw .limitReached(maximum) }
            list.append(output)
        }
        output.start()
        stream.attach(output)
        logger.info("output \(id): stream \(stream.id) to \(target.redacted) (\(target.format), H.264 + \(target.audioCodec))")
        return output
    }

    /// Stops an output and removes it from the table (its thread finishes on its own:
    /// `waitUntilStopped`).
    func stop(_ id: String, stream: (String) -> StreamSlot?) throws(OutputError) -> LiveOutput {
        guard let output = outputs.withLock({ list in list.firstIndex { $0.id == id }.map { list.remove(at: $0) } }) else {
            throw .unknownOutput(id)
        }
        stream(output.streamID)?.detach(output)
        output.stop()
        return output
    }

    /// Stops the outputs of a stream that closed.
    func stopAll(of streamID: String) {
        let stopping = outputs.withLock { list in
            defer { list.removeAll { $0.streamID == streamID } }
            return list.filter { $0.streamID == streamID }
        }
        for output in stopping { output.stop() }
    }

    /// Stops every output and waits (up to 3 s in all) for their trailers (daemon shutdown).
    func stopEverything() {
        let all = outputs.withLock { list in defer { list = [] }; return list }
        for output in all { output.stop() }
        let deadline = monotonicSeconds() + 3
        for output in all { output.waitUntilStopped(seconds: max(0, deadline - monotonicSeconds())) }
    }

    /// `output-N` with the first N no output uses.
    private func nextID() -> String {
        let taken = Set(all.map(\.id))
        return counter.withLock { n in
            repeat { n += 1 } while taken.contains("output-\(n)")
            return "output-\(n)"
        }
    }
}
