import ArgumentParser
import Daemon
import Foundation
import Logging
import SplatCore
import SplatProtocol
import Synchronization
import ZeroMQ

/// `splatd bench-stream`: the daemon measured end to end over real loopback sockets.
struct StreamBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-stream",
        abstract: "Measure the daemon end to end: drive→frame latency, concurrent streams, CPU and memory.",
        discussion: """
            Starts the daemon in this process on ephemeral loopback ports with the demo avatar, \
            then (1) publishes drive frames at 30 Hz to a 512² JPEG 30 fps stream and measures the \
            time from a drive frame being sent to the first frame rendered from it being received, \
            and the same for speech audio chunks; (2) opens 1, 2, 3 … 256² JPEG streams at 30 fps until one drops frames — or, with \
            --streams N, exactly N streams of --width × --height, each seen from its own angle (yaw spread over \
            ±20°, so no two share a render), and reports each one's rate; (3) reports CPU \
            and RSS at idle and under load. Ends with one JSON line ("streams": [{"id", "fps", "skipped"}, …] for the last \
            concurrent step).
            """
    )

    @Option(help: "Seconds of the latency measurement.")
    var seconds: Double = 10

    @Option(help: "Seconds per step of the concurrent-streams search.")
    var stepSeconds: Double = 4

    @Option(help: "Most concurrent streams to try.")
    var maxStreams: Int = 12

    @Option(help: "Codec of the latency measurement's stream: jpeg or h264.")
    var codec: String = "jpeg"

    @Option(help: "Instead of searching: run exactly this many concurrent JPEG streams for --step-seconds.")
    var streams: Int?

    @Option(help: "With --streams: their width.")
    var width: UInt32 = 256

    @Option(help: "With --streams: their height.")
    var height: UInt32 = 256

    @Option(help: "With --streams: their frame rate.")
    var fps: Float = 30

    func validate() throws {
        if let streams, !(1...64).contains(streams) { throw ValidationError("--streams must be 1…64") }
        guard (16...4096).contains(width), (16...4096).contains(height) else { throw ValidationError("--width and --height must be 16…4096") }
        guard fps.isFinite, (1...120).contains(fps) else { throw ValidationError("--fps must be 1…120") }
    }

    mutating func run() throws {
        let configuration = DaemonConfiguration.ephemeralLoopback
        var logger = Logger(label: "splatd")
        logger.logLevel = .error
        let service = try SplatService(configuration: configuration, logger: logger)
        let endpoints = try service.start()
        defer { service.stop() }
        let client = try BenchClient(endpoints: endpoints)
        var json: [String: Any] = [:]

        // Idle: nothing watched.
        Thread.sleep(forTimeInterval: 1)
        let idle = try client.usage(over: 3)
        print(String(format: "idle: CPU %.1f %%, RSS %.0f MB", idle.cpuPercent, idle.rssMB))
        json["idle_cpu_percent"] = idle.cpuPercent
        json["idle_rss_mb"] = idle.rssMB

        // 1. Latency at 512², 30 fps.
        guard let wire = ["jpeg": Splatd_V1_Codec.jpeg, "h264": .h264][codec.lowercased()] else {
            throw ValidationError("--codec must be jpeg or h264")
        }
        try client.open(id: "lat", size: 512, codec: wire)
        let latency = try client.measureLatency(stream: "lat", seconds: seconds)
        let load = try client.usage(over: 0)  // figures accumulated during the latency run
        print(String(format: "latency drive→frame received (512² %@, 30 fps, %d samples): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                     codec.uppercased(), latency.samples, latency.p50, latency.p90, latency.p99, latency.max))
        json["latency_codec"] = codec.lowercased()
        print(String(format: "under load (1 stream 512² 30 fps + 30 Hz drive): CPU %.1f %% of one core, RSS %.0f MB",
                     latency.cpuPercent, load.rssMB))
        json["latency_p50_ms"] = latency.p50
        json["latency_p90_ms"] = latency.p90
        json["latency_p99_ms"] = latency.p99
        json["latency_max_ms"] = latency.max
        json["latency_samples"] = latency.samples
        json["load_cpu_percent"] = latency.cpuPercent
        json["load_rss_mb"] = load.rssMB
        try client.close("lat")

        // Speech: audio chunk sent → first frame showing it received.
        try client.open(id: "speech", size: 512)
        let speech = try client.measureAudioLatency(stream: "speech", seconds: min(seconds, 6))
        print(String(format: "audio chunk sent → first frame showing it received (512² JPEG, 20 ms chunks, %d samples): p50 %.1f ms, p99 %.1f ms",
                     speech.samples, speech.p50, speech.p99))
        json["audio_latency_p50_ms"] = speech.p50
        json["audio_latency_p99_ms"] = speech.p99
        try client.close("speech")

        // 2. Concurrent streams: exactly --streams of them, or 256² ones until one drops frames.
        if let streams {
            let ids = (0..<streams).map { "c\($0)" }
            // Each from its own angle (yaw spread over ±20°), so that no two share a render:
            // the figure is what N different views cost.
            for (i, id) in ids.enumerated() {
                let yaw = streams == 1 ? 0 : -20 + 40 * Float(i) / Float(streams - 1)
                try client.open(id: id, width: width, height: height, fps: fps, yaw: yaw)
            }
            let result = try client.measureConcurrent(streams: ids, seconds: stepSeconds)
            print(String(format: "%2d × %d×%d @%g: min %.1f fps per stream, %d frames skipped, CPU %.0f %%",
                         streams, width, height, fps, result.minFPS, result.skipped, result.cpuPercent))
            json["streams"] = result.perStream
            json["concurrent_cpu_percent"] = result.cpuPercent
        } else {
            var sustained = 0
            for n in 1...maxStreams {
                for i in 0..<n where i >= sustained { try client.open(id: "c\(i)", size: 256) }
                let result = try client.measureConcurrent(streams: (0..<n).map { "c\($0)" }, seconds: stepSeconds)
                print(String(format: "%2d × 256² @30: min %.1f fps per stream, %d frames skipped, CPU %.0f %%", n, result.minFPS, result.skipped, result.cpuPercent))
                json["streams"] = result.perStream
                if result.minFPS >= 29 && result.skipped == 0 { sustained = n } else { break }
            }
            print("concurrent 256² streams at 30 fps without drops: \(sustained)")
            json["concurrent_256_streams"] = sustained
        }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// Client side of the stream benchmark.
private final class BenchClient {
    let context: ZMQContext
    let control: ZMQSocket
    let endpoints: DaemonEndpoints
    private var requestID: UInt64 = 0
    private var cpuMark: (wall: Double, cpu: Double)

    init(endpoints: DaemonEndpoints) throws {
        self.endpoints = endpoints
        context = try ZMQContext()
        control = try context.socket(.dealer)
        try control.set(.linger, .zero)
        try control.set(.receiveTimeout, .seconds(30))
        try control.connect(endpoints.control)
        cpuMark = (monotonicSeconds(), ProcessStats.cpuSeconds())
    }

    func request(_ body: (inout Splatd_V1_Request) -> Void) throws -> Splatd_V1_Reply {
        requestID += 1
        var r = Splatd_V1_Request()
        r.requestID = requestID
        r.version = 1
        body(&r)
        _ = try control.send(r.wireBytes())
        guard let bytes = try control.receive() else { throw ValidationError("no reply from the daemon") }
        let reply = try Splatd_V1_Reply(serializedBytes: bytes)
        guard reply.status == .ok else { throw ValidationError("daemon: \(reply.error)") }
        return reply
    }

    func open(id: String, size: UInt32, codec: Splatd_V1_Codec = .jpeg) throws {
        try open(id: id, width: size, height: size, fps: 30, codec: codec)
    }

    func open(id: String, width: UInt32, height: UInt32, fps: Float, codec: Splatd_V1_Codec = .jpeg, yaw: Float = 0) throws {
        _ = try request {
            $0.openStream = .with {
                $0.streamID = id; $0.avatarID = "demo"; $0.width = width; $0.height = height; $0.fps = fps; $0.codec = codec
                $0.orbit = .with { $0.yawDegrees = yaw }
            }
        }
    }

    func close(_ id: String) throws { _ = try request { $0.closeStream = .with { $0.streamID = id } } }

    /// CPU use of this process (daemon + benchmark clients) since the last call, and RSS.
    func usage(over seconds: Double) throws -> (cpuPercent: Double, rssMB: Double) {
        if seconds > 0 {
            cpuMark = (monotonicSeconds(), ProcessStats.cpuSeconds())
            Thread.sleep(forTimeInterval: seconds)
        }
        let now = (monotonicSeconds(), ProcessStats.cpuSeconds())
        defer { cpuMark = now }
        let status = try request { $0.getStatus = .init() }.daemonStatus
        return (100 * (now.1 - cpuMark.cpu) / max(now.0 - cpuMark.wall, 1e-3), Double(status.rssBytes) / 1e6)
    }

    func subscriber(_ topics: [String]) throws -> ZMQSocket {
        let s = try context.socket(.sub)
        try s.set(.linger, .zero)
        try s.set(.receiveTimeout, .milliseconds(500))
        for t in topics { try s.subscribe(t) }
        try s.connect(endpoints.frames)
        return s
    }

    struct Latency { var p50 = 0.0, p90 = 0.0, p99 = 0.0, max = 0.0, samples = 0, cpuPercent = 0.0 }

    func measureLatency(stream: String, seconds: Double) throws -> Latency {
        let sub = try subscriber([Topic.frames(stream)])
        // Publisher thread (owning its own PUB socket): 30 Hz, jaw opening and closing.
        let stop = StopFlag()
        let context = self.context, driveEndpoint = endpoints.drive
        let publisher = Thread {
            guard let pub = try? context.socket(.pub) else { return }
            defer { pub.close() }
            try? pub.set(.linger, .zero)
            try? pub.connect(driveEndpoint)
            Thread.sleep(forTimeInterval: 0.5)
            var sequence: UInt64 = 0
            let start = monotonicSeconds()
            while !stop.isSet {
                sequence += 1
                let t = monotonicSeconds() - start
                let frame = Splatd_V1_DriveFrame.with {
                    $0.avatarID = "demo"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                    $0.arkit = .with { $0.named = ["jawOpen": Float(0.5 + 0.5 * sin(t * 6))] }
                }
                _ = try? pub.send(multipart: [Array("demo".utf8), frame.wireBytes()])
                let next = start + Double(sequence) / 30
                let wait = next - monotonicSeconds()
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
        }
        publisher.start()
        Thread.sleep(forTimeInterval: 0.5)
        cpuMark = (monotonicSeconds(), ProcessStats.cpuSeconds())
        var latencies: [Double] = []
        var lastSequence: UInt64 = 0
        let end = monotonicSeconds() + seconds
        let warmup = monotonicSeconds() + 1
        while monotonicSeconds() < end {
            guard let parts = try sub.receiveMultipart(), parts.count == 3 else { continue }
            let received = wallClockMicroseconds()
            let meta = try Splatd_V1_FrameMeta(serializedBytes: parts[1])
            if meta.driveSequence != lastSequence && meta.driveSequence > 0 {
                lastSequence = meta.driveSequence
                if monotonicSeconds() > warmup { latencies.append(Double(received &- meta.driveSenderTimeUs) / 1000) }
            }
        }
        let cpuPercent = 100 * (ProcessStats.cpuSeconds() - cpuMark.cpu) / max(monotonicSeconds() - cpuMark.wall, 1e-3)
        stop.set()
        Thread.sleep(forTimeInterval: 0.1)
        sub.close()
        let s = latencies.sorted()
        guard !s.isEmpty else { throw ValidationError("no frames received") }
        func q(_ p: Double) -> Double { s[min(s.count - 1, Int(p * Double(s.count - 1)))] }
        return Latency(p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s.last!, samples: s.count, cpuPercent: cpuPercent)
    }

    /// Streams a synthetic vowel-like signal (a buzz with formant-like partials, 3 syllables a
    /// second) in real-time 20 ms chunks over PUSH and measures, for each frame showing a new
    /// audio chunk, the time from that chunk's sending to the frame's arrival.
    func measureAudioLatency(stream: String, seconds: Double) throws -> Latency {
        let sub = try subscriber([Topic.frames(stream)])
        let push = try context.socket(.push)
        try push.set(.linger, .zero)
        try push.connect(endpoints.audio)
        Thread.sleep(forTimeInterval: 0.3)
        var latencies: [Double] = []
        var lastShown: UInt64 = 0
        let rate = 16_000, chunk = 320
        var sequence: UInt64 = 0
        var phase = 0.0
        let start = monotonicSeconds()
        let warmup = start + 1
        while monotonicSeconds() - start < seconds {
            // Send every chunk that is due.
            while Double(sequence) * 0.02 <= monotonicSeconds() - start {
                var samples = [Int16](repeating: 0, count: chunk)
                for i in 0..<chunk {
                    let t = Double(Int(sequence) * chunk + i) / Double(rate)
                    let envelope = max(0, sin(2 * .pi * 1.5 * t))
                    phase += 2 * .pi * 120 / Double(rate)
                    let v = sin(phase) + 0.6 * sin(phase * 6) + 0.4 * sin(phase * 10)
                    samples[i] = Int16(max(-32000, min(32000, 9000 * envelope * v)))
                }
                sequence += 1
                let message = Splatd_V1_AudioChunk.with {
                    $0.avatarID = "demo"; $0.sequence = sequence; $0.senderTimeUs = wallClockMicroseconds()
                    $0.sampleRate = UInt32(rate); $0.channels = 1
                    $0.samplesS16Le = samples.withUnsafeBufferPointer { Data(buffer: $0) }
                }
                _ = try push.send(message.wireBytes(), dontWait: true)
            }
            guard let parts = try sub.receiveMultipart(dontWait: true) else {
                Thread.sleep(forTimeInterval: 0.001)
                continue
            }
            guard parts.count == 3 else { continue }
            let received = wallClockMicroseconds()
            let meta = try Splatd_V1_FrameMeta(serializedBytes: parts[1])
            if meta.audioSequence != lastShown && meta.audioSequence > 0 {
                lastShown = meta.audioSequence
                if monotonicSeconds() > warmup { latencies.append(Double(received &- meta.audioSenderTimeUs) / 1000) }
            }
        }
        push.close(); sub.close()
        let s = latencies.sorted()
        guard !s.isEmpty else { throw ValidationError("no frames showed audio") }
        func q(_ p: Double) -> Double { s[min(s.count - 1, Int(p * Double(s.count - 1)))] }
        return Latency(p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s.last!, samples: s.count, cpuPercent: 0)
    }

    /// Each stream's received rate and skipped ticks over `seconds`, all streams watched.
    func measureConcurrent(streams: [String], seconds: Double) throws
        -> (minFPS: Double, skipped: Int, cpuPercent: Double, perStream: [[String: Any]]) {
        let sub = try subscriber(streams.map { Topic.frames($0) })
        defer { sub.close() }
        Thread.sleep(forTimeInterval: 1)  // all streams running
        while (try? sub.receiveMultipart(dontWait: true)) ?? nil != nil {}
        let before = try request { $0.getStatus = .init() }.daemonStatus.streams
        var counts: [String: Int] = [:]
        cpuMark = (monotonicSeconds(), ProcessStats.cpuSeconds())
        let end = monotonicSeconds() + seconds
        while monotonicSeconds() < end {
            guard let parts = try sub.receiveMultipart(), parts.count == 3 else { continue }
            counts[String(decoding: parts[0], as: UTF8.self), default: 0] += 1
        }
        let cpuPercent = 100 * (ProcessStats.cpuSeconds() - cpuMark.cpu) / max(monotonicSeconds() - cpuMark.wall, 1e-3)
        let after = try request { $0.getStatus = .init() }.daemonStatus.streams
        var skippedBy: [String: Int] = [:]
        for a in after {
            if let b = before.first(where: { $0.info.streamID == a.info.streamID }) { skippedBy[a.info.streamID] = Int(a.framesSkipped - b.framesSkipped) }
        }
        let fps = streams.map { Double(counts[Topic.frames($0)] ?? 0) / seconds }
        let perStream: [[String: Any]] = zip(streams, fps).map { ["id": $0, "fps": ($1 * 10).rounded() / 10, "skipped": skippedBy[$0] ?? 0] }
        return (fps.min() ?? 0, skippedBy.values.reduce(0, +), cpuPercent, perStream)
    }
}

/// A flag one thread sets and another polls.
private final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
