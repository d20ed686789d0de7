import SplatProtocol

/// Percentiles of a list of samples (nearest rank).
struct Percentiles: Equatable {
    var count: Int
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double

    /// Nil without samples.
    init?(_ samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double {
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        count = sorted.count
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = sorted[sorted.count - 1]
    }

    /// `p50 8.12 / p99 11.4 ms`.
    var text: String { "p50 \(Format.ms(p50)) / p99 \(Format.ms(p99)) ms" }

    var json: [String: Any] { ["count": count, "p50": p50, "p90": p90, "p99": p99, "max": max] }
}

/// What `watch` measures from the frames it receives: counts, rate, lost frames (gaps in
/// `frame_sequence`), end-to-end latency, and the daemon's render and encode times.
struct WatchStatistics {
    /// Frames received (of the watched stream).
    private(set) var frames = 0
    /// Frames missing between received ones (gaps in `frame_sequence`).
    private(set) var lost: UInt64 = 0
    /// Times `frame_sequence` went backwards or repeated (the stream was re-opened).
    private(set) var restarts = 0
    /// Image bytes received.
    private(set) var bytes: UInt64 = 0
    /// Messages on the frames topic that could not be read.
    var malformed = 0
    /// Frames whose image failed `--verify`, and frames checked.
    var verifyFailed = 0
    var verified = 0
    /// Events received.
    var events = 0
    /// Frames received but not handled because a newer one had arrived (`watch --latest`);
    /// they show as gaps, so they are part of `lost`.
    var stale = 0

    /// Drive sender time → frame received, ms, for frames showing a new drive frame.
    private(set) var latencyMs: [Double] = []
    /// render_start → render_done, ms.
    private(set) var renderMs: [Double] = []
    /// render_done → encode_done, ms.
    private(set) var encodeMs: [Double] = []
    /// encode_done → received here, ms (publishing and transport).
    private(set) var deliveryMs: [Double] = []

    private var lastSequence: UInt64?
    private var lastDriveSequence: UInt64?
    private var firstTime: Double?
    private var lastTime: Double?
    /// Seconds (monotonic) when watching started.
    let startTime: Double

    init(startTime: Double) { self.startTime = startTime }

    /// Accounts for one frame described by `meta`, with `imageBytes` of image, received at
    /// wall-clock `receivedUs` and monotonic `time` (seconds).
    mutating func add(_ meta: Splatd_V1_FrameMeta, imageBytes: Int, receivedUs: UInt64, time: Double) {
        frames += 1
        bytes += UInt64(imageBytes)
        if firstTime == nil { firstTime = time }
        lastTime = time
        if let last = lastSequence {
            if meta.frameSequence > last {
                lost += meta.frameSequence - last - 1
            } else {
                restarts += 1
            }
        }
        lastSequence = meta.frameSequence
        // Latency only for frames that show a drive frame the previous frame did not: the
        // others show an older drive frame again, and would measure how long ago it was sent.
        if meta.driveSequence != 0, meta.driveSenderTimeUs != 0, let previous = lastDriveSequence, meta.driveSequence != previous {
            latencyMs.append(Self.milliseconds(from: meta.driveSenderTimeUs, to: receivedUs))
        }
        lastDriveSequence = meta.driveSequence
        if meta.renderStartUs != 0, meta.renderDoneUs >= meta.renderStartUs {
            renderMs.append(Self.milliseconds(from: meta.renderStartUs, to: meta.renderDoneUs))
        }
        if meta.renderDoneUs != 0, meta.encodeDoneUs >= meta.renderDoneUs {
            encodeMs.append(Self.milliseconds(from: meta.renderDoneUs, to: meta.encodeDoneUs))
        }
        if meta.encodeDoneUs != 0 {
            deliveryMs.append(Self.milliseconds(from: meta.encodeDoneUs, to: receivedUs))
        }
    }

    /// Signed difference of two µs timestamps in ms.
    static func milliseconds(from start: UInt64, to end: UInt64) -> Double {
        Double(Int64(bitPattern: end &- start)) / 1000
    }

    /// Frames per second between the first and the last frame received.
    var fps: Double {
        guard frames >= 2, let first = firstTime, let last = lastTime, last > first else { return 0 }
        return Double(frames - 1) / (last - first)
    }

    /// The report printed at the end (and with `--progress`): one line per measure.
    func report(stream: String, now: Double) -> String {
        var lines: [String] = []
        let elapsed = now - startTime
        lines.append("stream \(stream): \(frames) frames in \(String(format: "%.1f", elapsed)) s, \(Format.rate(fps)) fps, "
                     + "\(Format.bytes(bytes)), \(lost) lost (gaps in frame_sequence"
                     + (stale > 0 ? "; \(stale) of them skipped here as stale, --latest)" : ")")
                     + (restarts > 0 ? ", \(restarts) sequence restarts" : "")
                     + (malformed > 0 ? ", \(malformed) malformed messages" : ""))
        lines.append("  latency (drive sent → frame received): "
                     + (Percentiles(latencyMs).map { "\($0.text) over \($0.count) frames with new drive data" }
                        ?? "no frames with new drive data (drive the avatar, e.g. `splatctl drive AVATAR --wave`)"))
        lines.append("  render \(Percentiles(renderMs)?.text ?? "–") · encode \(Percentiles(encodeMs)?.text ?? "–")"
                     + " · publish→receive \(Percentiles(deliveryMs)?.text ?? "–")")
        if verified > 0 || verifyFailed > 0 {
            lines.append("  verified \(verified) images: \(verifyFailed == 0 ? "all match their metadata" : "\(verifyFailed) FAILED")")
        }
        return lines.joined(separator: "\n")
    }

    /// One line for `--progress`: `[3 s] 90 frames, 30.0 fps now, 0 lost, latency p50 41.2 ms, …`.
    func progressLine(now: Double, recentFPS: Double) -> String {
        "[\(String(format: "%.0f", now - startTime)) s] \(frames) frames, \(Format.rate(recentFPS)) fps now, \(lost) lost, "
            + "latency p50 \(Percentiles(latencyMs).map { Format.ms($0.p50) + " ms" } ?? "–"), "
            + "render p50 \(Percentiles(renderMs).map { Format.ms($0.p50) + " ms" } ?? "–"), "
            + "encode p50 \(Percentiles(encodeMs).map { Format.ms($0.p50) + " ms" } ?? "–")"
            + (verified > 0 || verifyFailed > 0 ? ", \(verifyFailed) of \(verified) failed verification" : "")
    }

    /// The same report as a JSON object.
    func reportJSON(stream: String, now: Double) -> [String: Any] {
        var o: [String: Any] = [
            "stream": stream, "frames": frames, "seconds": now - startTime, "fps": fps, "bytes": bytes,
            "lost": lost, "stale": stale, "restarts": restarts, "malformed": malformed, "events": events,
        ]
        if let p = Percentiles(latencyMs) { o["latency_ms"] = p.json }
        if let p = Percentiles(renderMs) { o["render_ms"] = p.json }
        if let p = Percentiles(encodeMs) { o["encode_ms"] = p.json }
        if let p = Percentiles(deliveryMs) { o["delivery_ms"] = p.json }
        if verified > 0 || verifyFailed > 0 { o["verified"] = verified; o["verify_failed"] = verifyFailed }
        return o
    }
}
