import Foundation
import XCTest

/// FFmpeg's command-line tools as the independent receiver and decoder of live outputs.
enum MediaProbe {
    /// `ffmpeg`/`ffprobe` on this machine (skips the test when missing).
    static func tool(_ name: String) throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw XCTSkip("\(name) is not installed (scripts/bootstrap installs ffmpeg)")
    }

    /// Runs a tool, killing it after `timeout` seconds; returns its standard output and status.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], timeout: Double = 60) throws -> (output: Data, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try tool(name))
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let killer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        killer.cancel()
        return (data, p.terminationStatus)
    }

    /// Starts `ffmpeg` receiving `input` for `seconds` and copying it into a Matroska file
    /// (returned with the running process; wait for it with `waitUntilExit`).
    static func startPull(_ input: [String], seconds: Double, into file: URL) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try tool("ffmpeg"))
        p.arguments = ["-v", "error", "-y", "-rw_timeout", "15000000"] + input
            + ["-t", String(seconds), "-map", "0", "-c", "copy", "-f", "matroska", file.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// What a media file holds, as decoded by FFmpeg.
    struct Contents {
        var videoCodec = ""
        var width = 0
        var height = 0
        /// Video frames that decoded.
        var decodedFrames = 0
        /// From the first to the last video frame's time, seconds.
        var videoSpan = 0.0
        var audioCodec = ""
        /// RMS of the audio (mono, 16-bit) per 100 ms.
        var audioLevels: [Double] = []
    }

    /// Decodes `file` with ffprobe and ffmpeg.
    static func contents(of file: URL) throws -> Contents {
        var c = Contents()
        let (json, _) = try run("ffprobe", ["-v", "error", "-count_frames", "-show_entries",
                                            "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json", file.path])
        let streams = ((try? JSONSerialization.jsonObject(with: json)) as? [String: Any])?["streams"] as? [[String: Any]] ?? []
        for s in streams {
            if s["codec_type"] as? String == "video" {
                c.videoCodec = s["codec_name"] as? String ?? ""
                c.width = s["width"] as? Int ?? 0
                c.height = s["height"] as? Int ?? 0
                c.decodedFrames = Int(s["nb_read_frames"] as? String ?? "") ?? 0
            } else if s["codec_type"] as? String == "audio" {
                c.audioCodec = s["codec_name"] as? String ?? ""
            }
        }
        let (times, _) = try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time",
                                             "-of", "csv=p=0", file.path])
        let pts = String(decoding: times, as: UTF8.self).split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
        if let first = pts.min(), let last = pts.max() { c.videoSpan = last - first }
        if !c.audioCodec.isEmpty {
            let (pcm, _) = try run("ffmpeg", ["-v", "error", "-i", file.path, "-map", "0:a:0", "-ac", "1", "-ar", "8000", "-f", "s16le", "-"])
            let samples = pcm.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
            c.audioLevels = stride(from: 0, to: samples.count - 799, by: 800).map { start in
                (samples[start..<start + 800].reduce(0.0) { $0 + Double($1) * Double($1) } / 800).squareRoot()
            }
        }
        return c
    }
}
