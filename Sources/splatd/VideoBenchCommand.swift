import ArgumentParser
import Foundation
import MediaCodecs

/// `splatd bench-video`: the cost and bitrate of H.264 encoding on one core.
struct VideoBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-video",
        abstract: "Measure H.264 encoding (libx264 ultrafast/zerolatency, RGB→YUV included) on one core.",
        discussion: """
            Encodes a moving synthetic head (--count frames after --warmup untimed ones) at \
            --size with --bitrate kbit/s and a --vbv buffer (or --crf) and a keyframe every --gop seconds, on the \
            calling thread with one x264 thread; prints the median and 90th-percentile \
            milliseconds per frame, the resulting bitrate at --fps and the largest access unit, \
            then a JSON line.
            """
    )

    @Option(help: "Frame size WxH.")
    var size: String = "512x512"

    @Option(help: "Frames per second (sets the GOP length and the bitrate's time scale).")
    var fps: Int = 30

    @Option(help: "Target bitrate in kbit/s.")
    var bitrate: Int = H264RateControl.defaultKbps

    @Option(help: "VBV buffer in seconds of the bitrate (1/fps gives the flattest frame sizes).")
    var vbv: Double = H264RateControl.defaultVBVSeconds

    @Option(help: "Constant quality 0…51 instead of a bitrate.")
    var crf: Double?

    @Option(help: "Seconds between keyframes.")
    var gop: Double = 2

    @Option(help: "Measured frames.")
    var count: Int = 300

    @Option(help: "Warm-up frames (not measured).")
    var warmup: Int = 30

    func validate() throws {
        guard (1...100_000).contains(count), (0...10_000).contains(warmup) else {
            throw ValidationError("--count must be 1…100000 and --warmup 0…10000")
        }
        _ = try dimensions()
    }

    private func dimensions() throws -> (width: Int, height: Int) {
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else {
            throw ValidationError("--size must be WxH, e.g. 512x512")
        }
        return (width, height)
    }

    func run() throws {
        let (width, height) = try dimensions()
        let settings = H264Settings(
            width: width, height: height, fps: fps, rateControl: crf.map { .crf($0) } ?? .bitrate(kbps: bitrate, vbvSeconds: vbv),
            gopSeconds: gop)
        let result: H264Benchmark.Result
        do { result = try H264Benchmark.measure(settings: settings, frames: count, warmup: warmup) } catch let error as MediaCodecError {
            throw ValidationError("\(error)")
        }
        let mode = crf.map { String(format: "CRF %.1f", $0) } ?? String(format: "%d kbit/s (VBV %.3f s)", bitrate, vbv)
        print(String(format: "h264 %d×%d @ %d fps, %@, GOP %.1f s: %.2f ms/frame median (p90 %.2f), %.0f kbit/s, largest frame %d bytes, %d frames",
                     width, height, fps, mode, gop, result.msPerFrame, result.p90MsPerFrame, result.kbps,
                     result.largestFrameBytes, result.frames))
        var json: [String: Any] = [
            "codec": "h264", "width": width, "height": height, "fps": fps, "gop_seconds": gop,
            "ms_per_frame": result.msPerFrame, "p90_ms_per_frame": result.p90MsPerFrame,
            "kbps": result.kbps.rounded(), "largest_frame_bytes": result.largestFrameBytes, "frames": result.frames,
        ]
        if let crf {
            json["crf"] = crf
        } else {
            json["target_kbps"] = bitrate
            json["vbv_seconds"] = vbv
        }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
