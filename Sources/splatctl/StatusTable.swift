import Foundation
import SplatProtocol

/// The readable form of a `DaemonStatus`: a summary line, then a table of avatars and a
/// table of streams.
enum StatusTable {
    /// Renders `status`. With `previous` (the status of the last refresh), CPU use is shown
    /// over the interval between the two; otherwise averaged over the daemon's uptime.
    static func render(_ status: Splatd_V1_DaemonStatus, previous: Splatd_V1_DaemonStatus? = nil) -> String {
        var out: [String] = []
        out.append(summary(status, previous: previous))
        out.append("")
        out.append("AVATARS (\(status.avatars.count))")
        if status.avatars.isEmpty {
            out.append("  none loaded")
        } else {
            out.append(contentsOf: avatarTable(status.avatars).lines)
        }
        let audio = status.avatars.flatMap { a in a.audio.map { (a.info.avatarID, $0) } }
        if !audio.isEmpty {
            out.append("")
            out.append("AUDIO (\(audio.count))")
            out.append(contentsOf: audioTable(audio).lines)
        }
        if !status.trackers.isEmpty {
            out.append("")
            out.append("TRACKERS (\(status.trackers.count))")
            out.append(contentsOf: trackerTable(status.trackers).lines)
        }
        if !status.outputs.isEmpty {
            out.append("")
            out.append("OUTPUTS (\(status.outputs.count))")
            out.append(contentsOf: outputTable(status.outputs).lines)
        }
        out.append("")
        out.append("STREAMS (\(status.streams.count))")
        if status.streams.isEmpty {
            out.append("  none open")
        } else {
            out.append(contentsOf: streamTable(status.streams).lines)
        }
        return out.joined(separator: "\n")
    }

    /// `splatd 0.1.0 · up 3 min 20 s · CPU 12.4 s (6.2 % of a core) · RSS 182.3 MB · …`.
    static func summary(_ s: Splatd_V1_DaemonStatus, previous: Splatd_V1_DaemonStatus? = nil) -> String {
        var cpuShare: Double?
        if let previous, s.uptimeSeconds > previous.uptimeSeconds {
            cpuShare = (s.cpuSeconds - previous.cpuSeconds) / (s.uptimeSeconds - previous.uptimeSeconds)
        } else if s.uptimeSeconds > 0 {
            cpuShare = s.cpuSeconds / s.uptimeSeconds
        }
        let cpu = "CPU \(String(format: "%.1f", s.cpuSeconds)) s"
            + (cpuShare.map { String(format: " (%.0f %% of a core%@)", $0 * 100, previous == nil ? " on average" : " now") } ?? "")
        return [
            "splatd \(s.version.isEmpty ? "?" : s.version)",
            "up \(Format.uptime(s.uptimeSeconds))",
            cpu,
            "RSS \(String(format: "%.1f", Double(s.rssBytes) / 1e6)) MB",
            "\(s.renderThreads) render thread\(s.renderThreads == 1 ? "" : "s")",
            "\(s.requests) requests (\(s.malformedRequests) malformed)",
            "\(s.driveFramesMalformed) unattributable drive frames",
        ].joined(separator: " · ")
    }

    /// Per avatar: kind, Gaussians, drive state, drive frames received/rejected/out of order,
    /// drive rate and the age of the last drive frame.
    static func avatarTable(_ avatars: [Splatd_V1_AvatarStatus]) -> TextTable {
        var t = TextTable(["ID", "KIND", "GAUSSIANS", "DRIVE", "RECEIVED", "REJECTED", "OUT-OF-ORDER", "RATE Hz", "LAST", "SEQ"],
                          rightAligned: [2, 4, 5, 6, 7, 8, 9], indent: "  ")
        for a in avatars {
            t.add([a.info.avatarID, Format.kind(a.info.kind), Format.count(a.info.gaussians), Format.driveState(a.driveState),
                   "\(a.driveFramesReceived)", "\(a.driveFramesRejected)", "\(a.driveFramesOutOfOrder)",
                   Format.rate(a.driveRateHz), age(ms: a.lastDriveAgeMs, received: a.driveFramesReceived),
                   a.lastDriveSequence == 0 ? "–" : "\(a.lastDriveSequence)"])
        }
        return t
    }

    /// Per UDP tracker listener: endpoint, datagrams, rate, who sent the last one and which
    /// avatar it drove, and why the last refused one was refused.
    static func trackerTable(_ trackers: [Splatd_V1_TrackerStatus]) -> TextTable {
        var t = TextTable(["PROTOCOL", "ENDPOINT", "RECEIVED", "REJECTED", "APPLIED", "RATE Hz", "LAST", "SUBJECT", "AVATAR", "LAST REJECTION"],
                          rightAligned: [2, 3, 4, 5, 6], indent: "  ")
        for r in trackers {
            t.add([r.protocol, r.endpoint, "\(r.packetsReceived)", "\(r.packetsRejected)", "\(r.framesApplied)",
                   Format.rate(r.rateHz), age(ms: r.lastPacketAgeMs, received: r.packetsReceived),
                   r.lastSubject.isEmpty ? "–" : r.lastSubject, r.lastAvatarID.isEmpty ? "–" : r.lastAvatarID,
                   (r.lastRejection.isEmpty ? "–" : String(r.lastRejection.prefix(60)))
                       + (r.namesIgnored > 0 ? " (\(r.namesIgnored) blendshape names ignored)" : "")])
        }
        return t
    }

    /// Per live output: where, its state, what it wrote, how often it reconnected, the last error.
    static func outputTable(_ outputs: [Splatd_V1_OutputStatus]) -> TextTable {
        var t = TextTable(["OUTPUT", "STREAM", "URL", "FORMAT", "STATE", "kbit/s", "FRAMES", "DROPPED", "RECONNECTS", "LAST ERROR"],
                          rightAligned: [5, 6, 7, 8], indent: "  ")
        for o in outputs {
            var state = Format.outputState(o.state)
            if o.state == .retrying { state += String(format: " (%.1f s)", o.retryInSeconds) }
            t.add([o.outputID, o.streamID, o.url, "\(o.format) \(o.audioCodec)", state, String(format: "%.0f", o.bitrateKbps),
                   "\(o.framesWritten)", "\(o.framesDropped)", "\(o.reconnects)",
                   o.lastError.isEmpty ? "–" : String(o.lastError.prefix(60))])
        }
        return t
    }

    /// Per audio source: level, voice activity, viseme, latency, chunks, drops, overruns.
    static func audioTable(_ sources: [(avatar: String, status: Splatd_V1_AudioStatus)]) -> TextTable {
        var t = TextTable(["AVATAR", "SOURCE", "LEVEL dB", "VOICE", "VISEME", "LATENCY p50", "CHUNKS", "DROPPED", "XRUNS"],
                          rightAligned: [2, 5, 6, 7, 8], indent: "  ")
        for (avatar, a) in sources {
            t.add([avatar, a.source, String(format: "%.1f", a.levelDb), a.voiceActive ? "yes" : "no",
                   String(format: "%@ %.2f", a.viseme, a.visemeWeight),
                   a.latencyMs > 0 ? String(format: "%.1f ms", a.latencyMs) : "–",
                   "\(a.chunksReceived)", "\(a.chunksDropped)", "\(a.xruns)"])
        }
        return t
    }

    /// Per stream: size, target and measured fps, subscribers, frames rendered/sent/skipped,
    /// latency p50/p99, render and encode p50, bytes sent.
    static func streamTable(_ streams: [Splatd_V1_StreamStatus]) -> TextTable {
        var t = TextTable(["ID", "AVATAR", "SIZE", "CODEC", "FPS SET/NOW", "SUBS", "RENDERED", "SENT", "SKIPPED",
                           "LATENCY p50/p99 ms", "RENDER p50", "ENCODE p50", "BYTES SENT"],
                          rightAligned: [2, 4, 5, 6, 7, 8, 9, 10, 11, 12], indent: "  ")
        for s in streams {
            let i = s.info
            let latency = s.hasLatencyMs && s.latencyMs.max > 0 ? "\(Format.ms(s.latencyMs.p50))/\(Format.ms(s.latencyMs.p99))" : "–"
            t.add([i.streamID, i.avatarID, Format.size(of: i), Format.codec(i.codec, quality: i.quality),
                   "\(String(format: "%g", i.fps))/\(Format.rate(s.fps))", "\(s.subscribers)",
                   "\(s.framesRendered)", "\(s.framesSent)", "\(s.framesSkipped)", latency,
                   milliseconds(s.renderMs, present: s.hasRenderMs), milliseconds(s.encodeMs, present: s.hasEncodeMs),
                   Format.bytes(s.bytesSent)])
        }
        return t
    }

    /// `8.12 ms`, or `–` without samples.
    private static func milliseconds(_ p: Splatd_V1_Percentiles, present: Bool) -> String {
        present && p.max > 0 ? "\(Format.ms(p.p50)) ms" : "–"
    }

    /// The age of the last drive frame: `35 ms ago`, `4.2 s ago`, `12 min ago`, or `never`.
    static func age(ms: Double, received: UInt64) -> String {
        guard received > 0, ms >= 0, ms.isFinite else { return "never" }
        if ms < 1000 { return "\(Int(ms)) ms ago" }
        if ms < 120_000 { return String(format: "%.1f s ago", ms / 1000) }
        return "\(Int(ms / 60_000)) min ago"
    }
}
