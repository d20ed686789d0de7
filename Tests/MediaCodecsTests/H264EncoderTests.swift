import Foundation
import MediaCodecs
import XCTest

final class H264EncoderTests: XCTestCase {
    static let size = 512
    static let fps = 30
    static let frameCount = 90
    static let forcedKeyframe = 45

    /// 90 frames (3 s) of the moving head at 512², default bitrate, a keyframe every second and
    /// one forced at frame 45; decoded by ffmpeg, the independent decoder.
    func testStreamDecodesWithFFmpegAtHighPSNR() throws {
        let ffmpeg = try ExternalTool.require("ffmpeg")
        let ffprobe = try ExternalTool.require("ffprobe")
        let folder = try ExternalTool.temporaryFolder(for: self)
        let size = Self.size
        let encoder = try H264Encoder(settings: H264Settings(width: size, height: size, fps: Self.fps, gopSeconds: 1))
        var inputs: [[UInt8]] = []
        var units: [H264AccessUnit] = []
        for index in 0..<Self.frameCount {
            if index == Self.forcedKeyframe { encoder.forceKeyframe() }
            let pixels = H264Benchmark.movingFrame(width: size, height: size, index: index)
            inputs.append(pixels)
            units.append(try encoder.encode(pixels, width: size, height: size, presentationTime: 5_000_000 + Int64(index) * 33_333))
        }

        // One access unit per frame, timestamps in 1/90000 s, keyframes every GOP (30 frames),
        // restarting at the forced one.
        XCTAssertEqual(units.count, Self.frameCount)
        let expectedPTS: [Int64] = (0..<Self.frameCount).map { (index: Int) -> Int64 in
            let ticks: Int = (index * 33_333 * 9 + 50) / 100
            return 450_000 + Int64(ticks)
        }
        XCTAssertEqual(units.map(\.info.pts), expectedPTS)
        let keyframes = units.indices.filter { units[$0].info.isKeyframe }
        XCTAssertEqual(keyframes, [0, 30, 45, 75])
        for (index, unit) in units.enumerated() {
            let types = AnnexB.nalUnits(in: unit.bytes).map(\.type)
            let slices = types.filter { $0 == 1 || $0 == 5 }
            XCTAssertEqual(slices.count, 1, "frame \(index): one picture, one slice: \(types)")
            XCTAssertEqual(unit.info.byteCount, unit.bytes.count)
            if unit.info.isKeyframe {
                let sps = types.firstIndex(of: 7), pps = types.firstIndex(of: 8), idr = types.firstIndex(of: 5)
                XCTAssertNotNil(sps, "keyframe \(index) carries SPS: \(types)")
                XCTAssertNotNil(pps, "keyframe \(index) carries PPS: \(types)")
                XCTAssertNotNil(idr, "keyframe \(index) is IDR: \(types)")
                if let sps, let pps, let idr { XCTAssertTrue(sps < pps && pps < idr, "\(types)") }
            } else {
                XCTAssertEqual(slices, [1], "frame \(index) is a non-IDR slice: \(types)")
                XCTAssertFalse(types.contains(7) || types.contains(8), "frame \(index) repeats no headers: \(types)")
            }
        }
        // Constrained Baseline: profile_idc 66 with constraint_set1_flag.
        if let sps = AnnexB.nalUnits(in: units[0].bytes).first(where: { $0.type == 7 }) {
            XCTAssertEqual(units[0].bytes[sps.range.lowerBound + 1], 66)
            XCTAssertNotEqual(units[0].bytes[sps.range.lowerBound + 2] & 0x40, 0)
        }

        let stream = folder.appendingPathComponent("stream.h264")
        try Data(units.flatMap(\.bytes)).write(to: stream)
        let bytesPerSecond = Double(units.reduce(0) { $0 + $1.bytes.count }) / (Double(Self.frameCount) / Double(Self.fps))
        print("h264 512² 30 fps: \(Int(bytesPerSecond * 8 / 1000)) kbit/s at the default \(H264RateControl.defaultKbps)")

        // ffmpeg decodes every frame; PSNR against the RGB input.
        let decoded = try decode(stream, with: ffmpeg, in: folder)
        let frameBytes = size * size * 3
        XCTAssertEqual(decoded.count, Self.frameCount * frameBytes, "ffmpeg decoded every frame")
        let psnrs = (0..<min(Self.frameCount, decoded.count / frameBytes)).map { index in
            psnr(inputs[index], decoded, offset: index * frameBytes)
        }
        let mean = psnrs.reduce(0, +) / Double(max(psnrs.count, 1))
        print(String(format: "h264 PSNR vs input: mean %.2f dB, min %.2f dB", mean, psnrs.min() ?? 0))
        XCTAssertGreaterThanOrEqual(mean, 38)
        XCTAssertGreaterThanOrEqual(psnrs.min() ?? 0, 35)

        // ffprobe: I at the keyframes, P everywhere else, no B.
        let probe = try ExternalTool.run(ffprobe, [
            "-v", "error", "-f", "h264", "-i", stream.path, "-show_frames",
            "-show_entries", "frame=pict_type,key_frame", "-of", "csv=p=0",
        ])
        let rows = String(decoding: probe, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.count, Self.frameCount)
        XCTAssertEqual(rows.indices.filter { rows[$0].contains("I") }, keyframes)
        XCTAssertFalse(rows.contains { $0.contains("B") }, "no B-frames")

        // The stream says what it is: Constrained Baseline, BT.601 limited range.
        let streamInfo = try ExternalTool.run(ffprobe, [
            "-v", "error", "-f", "h264", "-i", stream.path, "-show_entries",
            "stream=profile,pix_fmt,color_range,color_space,color_primaries,color_transfer", "-of", "default=nw=1",
        ])
        let fields = String(decoding: streamInfo, as: UTF8.self)
        for field in ["profile=Constrained Baseline", "pix_fmt=yuv420p", "color_range=tv", "color_space=smpte170m",
                      "color_primaries=bt709", "color_transfer=iec61966-2-1"] {
            XCTAssertTrue(fields.contains(field), "\(field) in \(fields)")
        }

        // A decoder joining at the second keyframe decodes from there on.
        let cut = folder.appendingPathComponent("joined.h264")
        try Data(units[30...].flatMap(\.bytes)).write(to: cut)
        let joined = try decode(cut, with: ffmpeg, in: folder)
        XCTAssertEqual(joined.count, (Self.frameCount - 30) * frameBytes)
        if joined.count >= frameBytes {
            XCTAssertGreaterThanOrEqual(psnr(inputs[30], joined, offset: 0), 35)
        }
    }

    func testRGBAInputMatchesRGB() throws {
        let size = 64
        let rgb = H264Benchmark.movingFrame(width: size, height: size, index: 3)
        var rgba: [UInt8] = []
        for i in stride(from: 0, to: rgb.count, by: 3) { rgba += [rgb[i], rgb[i + 1], rgb[i + 2], 77] }
        let settings = H264Settings(width: size, height: size, rateControl: .crf(20))
        let a = try H264Encoder(settings: settings).encode(rgb, width: size, height: size, presentationTime: 0)
        let b = try H264Encoder(settings: settings).encode(rgba, width: size, height: size, layout: .rgba8, presentationTime: 0)
        XCTAssertTrue(b.info.isKeyframe)
        // The same YUV goes in, so x264 (deterministic with one thread) writes the same slice.
        XCTAssertEqual(AnnexB.nalUnits(in: a.bytes).last.map { Array(a.bytes[$0.range]) },
                       AnnexB.nalUnits(in: b.bytes).last.map { Array(b.bytes[$0.range]) })
    }

    /// Bitrate and CRF change live without a keyframe; switching between them reopens the
    /// encoder at an IDR.
    func testRateControlChangesLive() throws {
        let size = 256
        let encoder = try H264Encoder(settings: H264Settings(width: size, height: size, fps: 30,
                                                              rateControl: .bitrate(kbps: 2000), gopSeconds: 10))
        var output: [UInt8] = []
        var time: Int64 = 0
        func run(_ frames: Int) throws -> (bytes: Int, keyframes: Int) {
            var bytes = 0, keyframes = 0
            for _ in 0..<frames {
                let pixels = H264Benchmark.movingFrame(width: size, height: size, index: Int(time / 33_333))
                let info = try pixels.withUnsafeBytes {
                    try encoder.encode($0, width: size, height: size, presentationTime: time, into: &output)
                }
                time += 33_333
                bytes += output.count
                keyframes += info.isKeyframe ? 1 : 0
            }
            return (bytes, keyframes)
        }
        _ = try run(30)
        let high = try run(60)
        try encoder.setRateControl(.bitrate(kbps: 200))
        _ = try run(15)
        let low = try run(60)
        XCTAssertEqual(low.keyframes, 0, "a bitrate change needs no keyframe")
        XCTAssertLessThan(Double(low.bytes), Double(high.bytes) * 0.3, "2000 → 200 kbit/s: \(high.bytes) → \(low.bytes) bytes")
        XCTAssertEqual(encoder.settings.rateControl, .bitrate(kbps: 200))

        try encoder.setRateControl(.crf(40))
        let crf = try run(1)
        XCTAssertEqual(crf.keyframes, 1, "switching to CRF reopens x264 at an IDR")
        _ = try run(30)
        let crf40 = try run(30)
        try encoder.setRateControl(.crf(18))
        _ = try run(5)
        let crf18 = try run(30)
        XCTAssertEqual(crf18.keyframes, 0)
        XCTAssertGreaterThan(crf18.bytes, crf40.bytes * 2, "CRF 40 → 18: \(crf40.bytes) → \(crf18.bytes) bytes")
    }

    /// Frames coming at a third of the nominal rate still get a keyframe every `gopSeconds`
    /// of presentation time, not every fps × gopSeconds frames.
    func testKeyframeSpacingIsKeptInTimeWhenFramesComeSlowly() throws {
        let encoder = try H264Encoder(settings: H264Settings(width: 64, height: 64, fps: 30, gopSeconds: 1))
        let pixels = [UInt8](repeating: 128, count: 64 * 64 * 3)
        var keyframes: [Int] = []
        for k in 0..<31 {
            // 10 fps into a 30 fps encoder: 30 frames would be 3 s between keyframes.
            if try encoder.encode(pixels, width: 64, height: 64, presentationTime: Int64(k) * 100_000).info.isKeyframe {
                keyframes.append(k)
            }
        }
        XCTAssertEqual(keyframes, [0, 10, 20, 30], "one keyframe per second of presentation time")
    }

    func testTimestampRounding() {
        XCTAssertEqual(H264Encoder.timeBase.denominator, 90_000)
        let pts = try? H264Encoder(settings: H264Settings(width: 16, height: 16))
            .encode([UInt8](repeating: 128, count: 16 * 16 * 3), width: 16, height: 16, presentationTime: 1_000_000).info.pts
        XCTAssertEqual(pts, 90_000)
    }

    /// `ffmpeg -f h264 -i file -f rawvideo -pix_fmt rgb24 -`: every frame as it comes (no frame
    /// rate conversion), RGB from the stream's BT.601 limited range.
    private func decode(_ stream: URL, with ffmpeg: String, in folder: URL) throws -> [UInt8] {
        let raw = folder.appendingPathComponent(stream.lastPathComponent + ".rgb")
        try ExternalTool.run(ffmpeg, [
            "-v", "error", "-y", "-f", "h264", "-i", stream.path, "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "rgb24", raw.path,
        ])
        return [UInt8](try Data(contentsOf: raw))
    }

    private func psnr(_ reference: [UInt8], _ decoded: [UInt8], offset: Int) -> Double {
        var sum = 0
        reference.withUnsafeBufferPointer { a in
            decoded.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let d = Int(a[i]) - Int(b[offset + i])
                    sum += d * d
                }
            }
        }
        let mse = Double(sum) / Double(reference.count)
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
    }
}
