import Animator
import Foundation
import Logging
import MediaCodecs
import SplatCore
import SplatProtocol

/// A stream sent to a media server or a file (`serve --output`, `start_output`): H.264 and
/// the avatar's voice, muxed and written by its own thread so that a slow or vanished server
/// never delays the render thread or other viewers.
///
/// The render thread offers each frame of the stream (the newest two wait; older ones are
/// dropped and counted), the I/O thread offers the avatar's speech. When the connection fails
/// the output reconnects with backoff (0.5 s doubling to 10 s) with fresh encoders, so the
/// server gets a keyframe first; a file output that fails stays failed rather than overwrite
/// what it wrote.
final class LiveOutput: Sendable {
    /// Frames waiting for the output thread before the oldest is dropped.
    static let queuedFrames = 2
    /// Speech waiting before the oldest is dropped (a stalled output thread), seconds.
    static let queuedSpeechSeconds = 2.0
    /// Reconnection delays: the first, and the longest.
    static let backoff = (first: 0.5, longest: 10.0)

    let id: String
    let streamID: String
    let target: OutputTarget
    /// The bitrate asked for (nil: the stream's H.264 bitrate, or the default).
    let bitrateKbps: Int?
    private let logger: Logger
    private let inbox = Locked(Inbox())
    private let stats = Locked(Statistics())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    /// The interrupt of the connection in progress, to abort it when stopping.
    private let connection = Locked<MuxerInterrupt?>(nil)

    /// A frame as the render thread hands it over.
    struct Frame: Sendable {
        var pixels: [UInt8]
        var width: Int
        var height: Int
        /// The tick it was rendered for (monotonic seconds).
        var tick: Double
        /// The H.264 settings to encode it with (size, rate, bitrate, keyframe spacing).
        var settings: H264Settings
    }

    private struct Inbox {
        var frames: [Frame] = []
        var speech: [SpeechChannel.SpeechAudio] = []
        var stopping = false
    }

    private struct Statistics {
        var state: Splatd_V1_OutputState = .starting
        /// What earlier connections wrote, and what the current one has written so far.
        var finished = OutputCounts()
        var current = OutputCounts()
        var framesDropped: UInt64 = 0
        var reconnects: UInt32 = 0
        var errors: UInt64 = 0
        var lastError = ""
        var connectedAt: Double?
        var retryAt: Double?
        var sdp = ""
        var bitrate = ByteRate()
        /// CPU time of the output's thread so far.
        var cpuSeconds = 0.0

        var total: OutputCounts { finished + current }
    }

    init(id: String, streamID: String, target: OutputTarget, bitrateKbps: Int?, logger: Logger) {
        self.id = id
        self.streamID = streamID
        self.target = target
        self.bitrateKbps = bitrateKbps
        self.logger = logger
    }

    /// Starts the output's thread.
    func start() {
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.name = "splatd-output"
        thread.start()
    }

    /// Ends the output: the thread writes the trailer (bounded to 2 s) and stops. Returns at
    /// once; `waitUntilStopped` waits.
    func stop() {
        inbox.withLock { $0.stopping = true }
        // A connection still being made is abandoned; a live one finishes properly.
        if stats.withLock({ $0.connectedAt == nil }) { connection.withLock { $0 }?.cancel() }
        wake.signal()
    }

    /// Waits up to `seconds` for the thread to end; false if it did not.
    @discardableResult
    func waitUntilStopped(seconds: Double) -> Bool {
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        done.signal()
        return true
    }

    /// Whether the output still takes frames (not stopped, not failed).
    var isActive: Bool {
        let state = stats.withLock { $0.state }
        return state != .stopped && state != .failed && !inbox.withLock { $0.stopping }
    }

    /// Hands a rendered frame to the output (render thread).
    func offer(_ frame: Frame) {
        let dropped = inbox.withLock { i -> Bool in
            i.frames.append(frame)
            guard i.frames.count > Self.queuedFrames else { return false }
            i.frames.removeFirst()
            return true
        }
        if dropped { stats.withLock { $0.framesDropped += 1 } }
        wake.signal()
    }

    /// Hands the avatar's newly received speech to the output (I/O thread).
    func offer(_ speech: [SpeechChannel.SpeechAudio]) {
        guard !speech.isEmpty else { return }
        inbox.withLock { i in
            i.speech += speech
            var held = i.speech.reduce(0) { $0 + $1.duration }
            while held > Self.queuedSpeechSeconds, let first = i.speech.first {
                held -= first.duration
                i.speech.removeFirst()
            }
        }
        wake.signal()
    }

    func status(at now: Double) -> Splatd_V1_OutputStatus {
        stats.withLock { s in
            let total = s.total
            return .with {
                $0.outputID = id
                $0.streamID = streamID
                $0.url = target.redacted
                $0.format = target.format
                $0.audioCodec = target.audioCodec.rawValue
                $0.state = s.state
                $0.bitrateKbps = s.bitrate.bytesPerSecond(at: now) * 8 / 1000
                $0.framesWritten = total.frames
                $0.framesDropped = s.framesDropped
                $0.audioPacketsWritten = total.audioPackets
                $0.bytesWritten = total.bytes
                $0.reconnects = s.reconnects
                $0.errors = s.errors
                $0.lastError = s.lastError
                $0.connectedSeconds = s.connectedAt.map { now - $0 } ?? 0
                $0.retryInSeconds = s.retryAt.map { max(0, $0 - now) } ?? 0
                $0.sdpPath = target.sdpPath ?? ""
                $0.sdp = s.sdp
                if let bitrateKbps { $0.targetBitrateKbps = UInt32(bitrateKbps) }
                $0.cpuSeconds = s.cpuSeconds
            }
        }
    }

    // MARK: - The output thread

    private func run() {
        var session: OutputSession?
        var backoff = Self.backoff.first
        var retryAt = 0.0
        var everConnected = false
        while true {
            _ = wake.wait(timeout: .now() + 0.25)
            let (frames, speech, stopping) = inbox.withLock { i in
                defer { i.frames = []; i.speech = [] }
                return (i.frames, i.speech, i.stopping)
            }
            if stopping { break }
            let now = monotonicSeconds()
            if session == nil && now < retryAt { continue }
            do {
                for frame in frames {
                    if let s = session, s.width != frame.width || s.height != frame.height {
                        // A new size needs a new H.264 stream: the server gets a fresh start.
                        s.finish()
                        record(s, ended: true)
                        session = nil
                        stats.withLock { $0.connectedAt = nil }
                    }
                    if session == nil {
                        session = try OutputSession(
                            target: target, width: frame.width, height: frame.height, video: settings(for: frame),
                            onMuxer: { [connection] interrupt in connection.withLock { $0 = interrupt } })
                        stats.withLock { $0.state = .connecting }
                    }
                    let s = session!
                    let wasConnected = s.isConnected
                    try s.write(frame.pixels, tick: frame.tick)
                    if !wasConnected {
                        let reconnected = everConnected
                        everConnected = true
                        stats.withLock {
                            $0.state = .live
                            $0.connectedAt = monotonicSeconds()
                            $0.retryAt = nil
                            if reconnected { $0.reconnects += 1 }
                            $0.sdp = s.sessionDescription ?? ""
                        }
                        logger.info("output \(id) (stream \(streamID)): \(reconnected ? "reconnected to" : "live at") \(target.redacted)")
                    }
                }
                try session?.addSpeech(speech)
                if let s = session { record(s, ended: false) }
                if let connected = stats.withLock({ $0.connectedAt }), now - connected > 10 { backoff = Self.backoff.first }
            } catch {
                session?.abandon()
                if let s = session { record(s, ended: true) }
                session = nil
                // Errors quote the URL: status and logs show it without its stream key.
                let message = "\(error)".replacingOccurrences(of: target.url, with: target.redacted)
                let retries = target.retries
                stats.withLock {
                    $0.errors += 1
                    $0.lastError = message
                    $0.connectedAt = nil
                    $0.state = retries ? .retrying : .failed
                    $0.retryAt = retries ? monotonicSeconds() + backoff : nil
                }
                if !retries {
                    logger.error("output \(id) (stream \(streamID)) to \(target.redacted) failed: \(message)")
                    break
                }
                logger.warning("output \(id) (stream \(streamID)) to \(target.redacted): \(message); retrying in \(backoff) s")
                retryAt = monotonicSeconds() + backoff
                backoff = min(backoff * 2, Self.backoff.longest)
            }
        }
        session?.finish()
        if let s = session { record(s, ended: true) }
        stats.withLock {
            if $0.state != .failed { $0.state = .stopped }
            $0.connectedAt = nil
            $0.retryAt = nil
        }
    }

    /// Takes a session's counters into the statistics; `ended`: it will write no more.
    private func record(_ session: OutputSession, ended: Bool) {
        let counts = OutputCounts(frames: session.framesWritten, audioPackets: session.audioPacketsWritten,
                                  bytes: session.bytesWritten)
        let now = monotonicSeconds()
        stats.withLock { s in
            if ended {
                s.finished = s.finished + counts
                s.current = OutputCounts()
            } else {
                s.current = counts
            }
            s.bitrate.add(totalBytes: s.total.bytes, at: now)
        }
        let cpu = Self.threadCPUSeconds()
        stats.withLock { $0.cpuSeconds = cpu }
    }

    /// CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`).
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private func settings(for frame: Frame) -> H264Settings {
        var settings = frame.settings
        if let bitrateKbps { settings.rateControl = .bitrate(kbps: bitrateKbps) }
        return settings
    }
}

/// What an output wrote: frames, audio packets, bytes.
struct OutputCounts: Sendable {
    var frames: UInt64 = 0
    var audioPackets: UInt64 = 0
    var bytes: UInt64 = 0

    static func + (a: OutputCounts, b: OutputCounts) -> OutputCounts {
        OutputCounts(frames: a.frames + b.frames, audioPackets: a.audioPackets + b.audioPackets, bytes: a.bytes + b.bytes)
    }
}

/// Bytes per second over the last seconds, from samples of a growing byte count.
struct ByteRate: Sendable {
    static let horizon = 3.0
    private var samples: [(time: Double, total: UInt64)] = []

    mutating func add(totalBytes: UInt64, at time: Double) {
        samples.append((time, totalBytes))
        if let keep = samples.firstIndex(where: { $0.time >= time - Self.horizon }), keep > 0 { samples.removeFirst(keep) }
    }

    func bytesPerSecond(at time: Double) -> Double {
        guard let first = samples.first, let last = samples.last, time - last.time < Self.horizon,
              last.time - first.time > 0.2 else { return 0 }
        return Double(last.total - first.total) / (last.time - first.time)
    }
}
