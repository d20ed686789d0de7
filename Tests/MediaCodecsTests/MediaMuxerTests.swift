import Foundation
import MediaCodecs
import XCTest

/// `MediaMuxer`: H.264 and Opus into MP4 and Matroska at the times given, read back by ffprobe
/// and ffmpeg; its errors say what to do.
final class MediaMuxerTests: XCTestCase {
    /// Irregular frame times (as a daemon that cannot keep its rate makes them), in µs from an
    /// arbitrary clock origin.
    static let frameTimes: [Int64] = [0, 40_000, 150_000, 190_000, 400_000, 433_000, 700_000, 1_000_000, 1_100_000, 1_450_000]
        .map { 7_000_000_000 + $0 }

    private func encodeFrames() throws -> [H264AccessUnit] {
        let encoder = try H264Encoder(settings: H264Settings(width: 64, height: 48, fps: 30))
        return try Self.frameTimes.enumerated().map { index, time in
            try encoder.encode(H264Benchmark.movingFrame(width: 64, height: 48, index: index), width: 64, height: 48, presentationTime: time)
        }
    }

    private func probe(_ path: String, stream: String) throws -> [Double] {
        let ffprobe = try ExternalTool.require("ffprobe")
        let text = String(decoding: try ExternalTool.run(ffprobe, ["-v", "error", "-select_streams", stream, "-show_entries",
                                                                    "packet=pts_time", "-of", "csv=p=0", path]), as: UTF8.self)
        return text.split(separator: "\n").compactMap { Double($0.split(separator: ",").first ?? "") }
    }

    private func duration(_ path: String) throws -> Double {
        let ffprobe = try ExternalTool.require("ffprobe")
        let text = String(decoding: try ExternalTool.run(ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path]),
                          as: UTF8.self)
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func testVideoPacketsKeepTheirTimesInMP4AndMatroska() throws {
        let folder = try ExternalTool.temporaryFolder(for: self)
        let units = try encodeFrames()
        for name in ["take.mp4", "take.mkv"] {
            let path = folder.appendingPathComponent(name).path
            let muxer = try MediaMuxer(url: path)
            try muxer.addH264Video(width: 64, height: 48, keyframe: units[0].bytes)
            try muxer.start(options: name.hasSuffix(".mp4") ? ["movflags": "+faststart"] : [:])
            for (index, unit) in units.enumerated() {
                let next = index + 1 < units.count ? Self.frameTimes[index + 1] : Self.frameTimes[index] + 50_000
                try muxer.writeVideo(unit.bytes, time: Self.frameTimes[index], keyframe: unit.info.isKeyframe,
                                     duration: next - Self.frameTimes[index])
            }
            try muxer.finish()
            XCTAssertEqual(muxer.formatName, name.hasSuffix(".mp4") ? "mp4" : "matroska")
            let times = try probe(path, stream: "v:0")
            XCTAssertEqual(times.count, units.count, name)
            for (got, want) in zip(times, Self.frameTimes) {
                XCTAssertEqual(got, Double(want - Self.frameTimes[0]) / 1e6, accuracy: 0.0011, "\(name): \(times)")
            }
            XCTAssertEqual(try duration(path), 1.5, accuracy: 0.002, "\(name): the last frame's duration ends the file")
            let ffmpeg = try ExternalTool.require("ffmpeg")
            let errors = try ExternalTool.run(ffmpeg, ["-v", "error", "-i", path, "-f", "null", "-"])
            XCTAssertTrue(errors.isEmpty, name)
        }
    }

    func testOpusPacketsLieOnTheVideoTimeLine() throws {
        let folder = try ExternalTool.temporaryFolder(for: self)
        let units = try encodeFrames()
        // 0.5 s of a 440 Hz tone starting 0.3 s after the first frame.
        let opus = try AudioEncoder(settings: AudioSettings(sampleRate: 48_000, channels: 1))
        let tone = (0..<24_000).map { Int16(sin(Double($0) * 2 * .pi * 440 / 48_000) * 8000) }
        let audioStart = Self.frameTimes[0] + 300_000
        var packets = try opus.encode(tone, presentationTime: 0)
        packets += try opus.flush()
        for name in ["voice.mkv", "voice.mp4"] {
            let path = folder.appendingPathComponent(name).path
            let muxer = try MediaMuxer(url: path)
            try muxer.addH264Video(width: 64, height: 48, keyframe: units[0].bytes)
            try muxer.addOpusAudio(channels: 1, preSkip: opus.preSkip)
            XCTAssertEqual(MediaMuxer.opusHead(channels: 1, preSkip: opus.preSkip), opus.extradata, "the OpusHead libopus writes")
            try muxer.start()
            var next = 0
            for (index, unit) in units.enumerated() {
                // Interleaved by time as they would arrive; the muxer orders them.
                while next < packets.count, audioStart + packets[next].presentationTime <= Self.frameTimes[index] {
                    try muxer.writeAudio(packets[next].bytes, time: audioStart + packets[next].presentationTime,
                                         duration: packets[next].durationMicroseconds)
                    next += 1
                }
                try muxer.writeVideo(unit.bytes, time: Self.frameTimes[index], keyframe: unit.info.isKeyframe)
            }
            try muxer.finish()
            XCTAssertEqual(muxer.packetCount(stream: try XCTUnwrap(muxer.audioStream)), next)

            let ffmpeg = try ExternalTool.require("ffmpeg")
            let pcm = try ExternalTool.run(ffmpeg, ["-v", "error", "-i", path, "-map", "0:a", "-af", "aresample=async=1:first_pts=0",
                                                    "-f", "s16le", "-ac", "1", "-ar", "48000", "-"])
            let samples = pcm.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
            let first = try XCTUnwrap(samples.firstIndex { abs(Int($0)) > 2000 })
            print("\(name): the tone starts at \(Double(first) / 48_000) s")
            XCTAssertEqual(Double(first) / 48_000, 0.3, accuracy: 0.0015, "\(name): the tone starts where it was placed (pre-skip trimmed)")
        }
    }

    func testErrorsSayWhatToDo() throws {
        let folder = try ExternalTool.temporaryFolder(for: self)
        XCTAssertThrowsError(try MediaMuxer(url: folder.appendingPathComponent("take.xyz").path)) {
            XCTAssertTrue("\($0)".contains("end it in .mp4 or .mkv"), "\($0)")
        }
        let units = try encodeFrames()
        let muxer = try MediaMuxer(url: folder.appendingPathComponent("x.mkv").path)
        XCTAssertThrowsError(try muxer.addH264Video(width: 64, height: 48, keyframe: units[1].bytes)) {
            XCTAssertEqual($0 as? MediaMuxerError, .missingParameterSets(found: [1]))
            XCTAssertTrue("\($0)".contains("start the recording at a keyframe"), "\($0)")
        }
        XCTAssertThrowsError(try muxer.writeAudio([1], time: 0, duration: 20_000)) {
            XCTAssertEqual($0 as? MediaMuxerError, .noSuchStream(.audio))
        }
        try muxer.addH264Video(width: 64, height: 48, keyframe: units[0].bytes)
        XCTAssertThrowsError(try muxer.writeVideo(units[0].bytes, time: 0, keyframe: true)) {
            XCTAssertEqual($0 as? MediaMuxerError, .notStarted)
        }
        try muxer.start()
        try muxer.writeVideo(units[0].bytes, time: 1000, keyframe: true)
        XCTAssertThrowsError(try muxer.writeVideo(units[1].bytes, time: 1000, keyframe: false)) {
            XCTAssertEqual($0 as? MediaMuxerError, .nonIncreasingTimestamp(.video, previousMicroseconds: 1000, microseconds: 1000))
        }
        try muxer.finish()

        let missing = try MediaMuxer(url: folder.appendingPathComponent("no/such/folder.mp4").path)
        try missing.addH264Video(width: 64, height: 48, keyframe: units[0].bytes)
        XCTAssertThrowsError(try missing.start()) {
            guard case .cannotOpen(_, let reason)? = $0 as? MediaMuxerError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("No such file"), reason)
        }
    }
}
