import Prometheus
import SplatProtocol

/// `/metrics`: the daemon's `get_status` in the Prometheus text format, made afresh for each
/// scrape (so avatars and streams that went away leave no stale series).
enum MetricsPage {
    static func render(_ s: Splatd_V1_DaemonStatus) -> String {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: Double) {
            registry.makeGauge(name: name, labels: labels, help: help).set(value)
        }
        gauge("splatd_up", "1 when the daemon answered get_status", [], 1)
        gauge("splatd_uptime_seconds", "Seconds since the daemon started", [], s.uptimeSeconds)
        gauge("splatd_cpu_seconds", "Process user and system CPU seconds", [], s.cpuSeconds)
        gauge("splatd_rss_bytes", "Resident memory of the daemon", [], Double(s.rssBytes))
        gauge("splatd_render_threads", "Threads that share each frame", [], Double(s.renderThreads))
        gauge("splatd_render_load", "Share of the render thread the watched streams need at their fps (above 1: not all get it)",
              [], s.renderLoad)
        gauge("splatd_poses", "Avatar poses computed (streams of one avatar and rate share one per tick)", [], Double(s.poses))
        gauge("splatd_requests", "Control requests received", [], Double(s.requests))
        gauge("splatd_requests_malformed", "Control requests that did not decode", [], Double(s.malformedRequests))
        gauge("splatd_drive_frames_malformed", "Drive frames that did not decode", [], Double(s.driveFramesMalformed))
        gauge("splatd_audio_chunks_malformed", "Audio chunks that did not decode", [], Double(s.audioChunksMalformed))
        for a in s.avatars {
            let l = [("avatar", a.info.avatarID)]
            gauge("splatd_avatar_gaussians", "Gaussians of the avatar", l, Double(a.info.gaussians))
            gauge("splatd_avatar_drive_frames_received", "Drive frames received", l, Double(a.driveFramesReceived))
            gauge("splatd_avatar_drive_frames_rejected", "Drive frames refused", l, Double(a.driveFramesRejected))
            gauge("splatd_avatar_drive_frames_out_of_order", "Drive frames out of order", l, Double(a.driveFramesOutOfOrder))
            gauge("splatd_avatar_drive_rate_hz", "Drive frames per second", l, a.driveRateHz)
            for audio in a.audio {
                let al = l + [("source", audio.source)]
                gauge("splatd_avatar_audio_chunks_received", "Audio chunks received", al, Double(audio.chunksReceived))
                gauge("splatd_avatar_audio_chunks_dropped", "Audio chunks dropped", al, Double(audio.chunksDropped))
            }
        }
        for st in s.streams {
            let l = [("stream", st.info.streamID), ("avatar", st.info.avatarID)]
            gauge("splatd_stream_fps", "Frames published per second (last 3 s)", l, st.fps)
            gauge("splatd_stream_target_fps", "The frame rate the stream asks for", l, Double(st.info.fps))
            gauge("splatd_stream_subscribers", "Viewers subscribed", l, Double(st.subscribers))
            gauge("splatd_stream_frames_rendered", "Frames rendered", l, Double(st.framesRendered))
            gauge("splatd_stream_frames_sent", "Frames published", l, Double(st.framesSent))
            gauge("splatd_stream_frames_skipped", "Ticks skipped because rendering fell behind", l, Double(st.framesSkipped))
            gauge("splatd_stream_bytes_sent", "Encoded bytes published", l, Double(st.bytesSent))
            gauge("splatd_stream_render_load", "Share of the render thread the stream needs at its fps", l, st.renderLoad)
            gauge("splatd_stream_fps_shortfall", "Requested minus measured fps while watched and more than 5 % short", l,
                  Double(st.fpsShortfall))
            for (q, p) in [("0.5", st.latencyMs.p50), ("0.9", st.latencyMs.p90), ("0.99", st.latencyMs.p99)] {
                gauge("splatd_stream_latency_ms", "Drive frame sent to frame published, ms", l + [("quantile", q)], p)
            }
            for (q, p) in [("0.5", st.renderMs.p50), ("0.99", st.renderMs.p99)] {
                gauge("splatd_stream_render_ms", "Pose and render time per frame, ms", l + [("quantile", q)], p)
            }
            for (q, p) in [("0.5", st.encodeMs.p50), ("0.99", st.encodeMs.p99)] {
                gauge("splatd_stream_encode_ms", "Encode time per frame, ms", l + [("quantile", q)], p)
            }
        }
        for o in s.outputs {
            let l = [("output", o.outputID), ("stream", o.streamID)]
            gauge("splatd_output_live", "1 while the output is connected", l, o.state == .live ? 1 : 0)
            gauge("splatd_output_bitrate_kbps", "Measured output bitrate", l, o.bitrateKbps)
            gauge("splatd_output_frames_written", "Frames written", l, Double(o.framesWritten))
            gauge("splatd_output_reconnects", "Reconnections", l, Double(o.reconnects))
            gauge("splatd_output_errors", "Failed connections", l, Double(o.errors))
        }
        for t in s.trackers {
            let l = [("protocol", t.protocol), ("endpoint", t.endpoint)]
            gauge("splatd_tracker_packets_received", "Datagrams received", l, Double(t.packetsReceived))
            gauge("splatd_tracker_packets_rejected", "Datagrams refused", l, Double(t.packetsRejected))
            gauge("splatd_tracker_rate_hz", "Datagrams per second", l, t.rateHz)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
