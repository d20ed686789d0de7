import ArgumentParser
import Foundation
import SplatCore
import SplatProtocol

/// `splatctl watch STREAM`: a viewer that measures instead of showing.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Subscribe to a stream's frames; report fps, lost frames, latency; optionally save or verify them.",
        discussion: """
            Subscribes to frames/STREAM (the daemon renders a stream only while someone does) and \
            to events, which are printed as they come. Runs until --count N frames, \
            --seconds S, or Ctrl-C, then reports: frames, fps, frames lost (gaps in \
            frame_sequence), latency p50/p99 from the drive frame's sender time to reception \
            (for frames showing a new drive frame; wall clocks, so same host or synchronised \
            clocks), and the daemon's render and encode times. With --out DIR, frames are saved \
            as frame-000000.jpg, frame-000001.jpg, … (.png; raw frames as .ppm) with \
            frames.jsonl (one FrameMeta per line).
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The stream to watch (see `splatctl streams`).", valueName: "stream"))
    var stream: String

    @Option(name: .long, help: ArgumentHelp("Save frames and frames.jsonl into this folder (created if needed).", valueName: "dir"))
    var out: String?

    @Option(name: [.customLong("count"), .customShort("n")],
            help: ArgumentHelp("Stop after N frames.", valueName: "N"))
    var count: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after S seconds.", valueName: "S"))
    var seconds: Double?

    @Flag(name: .long, help: "Decode every image (PNG/JPEG) and check its size against the meta's width and height.")
    var verify = false

    @Flag(name: .long, help: ArgumentHelp(
        "Behave as a live display: a 2-message queue, and of what waited only the newest frame (H.264: resume at a keyframe, asked for).",
        discussion: "Without it every frame is handled, as a recorder would."))
    var latest = false

    @Flag(name: .long, help: "Print the report every second, not only at the end.")
    var progress = false

    @Flag(name: .customLong("no-check"), help: "Do not ask the control endpoint whether the stream is open first.")
    var noCheck = false

    func validate() throws {
        try Validation.identifier(stream, what: "stream id")
        if let count, count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
        if let seconds, !(seconds.isFinite && seconds > 0) { throw ValidationError("--seconds must be above 0, got \(seconds)") }
        if let out, out.isEmpty { throw ValidationError("--out needs a folder") }
    }

    func run() throws {
        if !noCheck { checkStreamIsOpen() }
        Interrupt.install()
        let settings = FrameWatcher.Settings(
            endpoint: global.frames, stream: stream,
            outDirectory: out.map { URL(fileURLWithPath: LoadCommand.daemonPath($0)) },
            verify: verify, progress: progress, json: global.json,
            frameLimit: count, secondsLimit: seconds, latest: latest,
            requestKeyframe: { [global, stream] in
                _ = try? ControlClient(endpoint: global.control, timeout: 1)
                    .call(.requestKeyframe(.with { $0.streamID = stream }), what: "request a keyframe")
            })
        let watcher = try FrameWatcher(settings)
        if !global.json {
            let limit = [count.map { "\($0) frames" }, seconds.map { Format.seconds($0) }].compactMap { $0 }
            print("watching \(Topic.frames(stream)) on \(global.frames)"
                  + (limit.isEmpty ? " until Ctrl-C" : " for \(limit.joined(separator: " or "))")
                  + (settings.outDirectory.map { " → \($0.path)" } ?? ""))
        }
        let stats = try watcher.run()
        let now = monotonicSeconds()
        if global.json {
            print(Console.jsonLine(stats.reportJSON(stream: stream, now: now)))
        } else {
            print(stats.report(stream: stream, now: now))
            if let dir = settings.outDirectory, stats.frames > 0 {
                print("  saved \(stats.frames) frames and frames.jsonl in \(dir.path)")
            }
        }
        if stats.frames == 0 && !Interrupt.requested {
            throw SplatctlError.transport("no frames from stream \(stream) on \(global.frames) — is it open (`splatctl streams`), "
                                          + "and is that the daemon's frames endpoint (--frames or SPLATD_FRAMES)?")
        }
        if stats.verifyFailed > 0 { throw SplatctlError.verificationFailed(failed: stats.verifyFailed, checked: stats.verified) }
    }

    /// Warns (without failing) when the control endpoint says the stream is not open.
    private func checkStreamIsOpen() {
        do {
            let client = try ControlClient(endpoint: global.control, timeout: min(global.timeout, 2))
            let (_, list) = try client.call(.listStreams(.init()), what: "list streams", expect: "stream list") {
                if case .streams(let l) = $0 { return l } else { return nil }
            }
            if !list.streams.contains(where: { $0.streamID == stream }) {
                let open = list.streams.map(\.streamID)
                Console.warn("warning: stream \(stream) is not open (open streams: \(open.isEmpty ? "none" : open.joined(separator: ", "))); "
                             + "waiting for it — open it with `splatctl open AVATAR --id \(stream)`")
            }
        } catch {
            Console.warn("warning: could not check that stream \(stream) is open: \(error)")
        }
    }
}
