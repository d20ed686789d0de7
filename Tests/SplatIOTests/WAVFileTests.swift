import SplatIO
import Foundation
import XCTest

final class WAVFileTests: XCTestCase {
    func testRoundTrip() throws {
        let wav = WAVFile(sampleRate: 48_000, channels: 2, samples: [0, 1, -1, 32767, -32768, 1234])
        let parsed = try WAVFile(data: wav.data())
        XCTAssertEqual(parsed, wav)
        XCTAssertEqual(parsed.frameCount, 3)
        XCTAssertEqual(parsed.duration, 3.0 / 48_000)
        XCTAssertEqual(wav.data().count, 44 + 12)
    }

    /// A WAV with a `LIST` chunk before `fmt `, and the given format.
    private func handMade(formatTag: UInt16, bits: UInt16, channels: UInt16 = 1, payload: [UInt8], extensible: Bool = false) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(0)
        d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("LIST".utf8)); u32(3); d.append(contentsOf: [1, 2, 3, 0])   // odd size, padded
        d.append(contentsOf: Array("fmt ".utf8))
        if extensible {
            u32(40); u16(0xFFFE)
        } else {
            u32(16); u16(formatTag)
        }
        u16(channels); u32(8000); u32(8000 * Int(channels) * Int(bits / 8)); u16(channels * bits / 8); u16(bits)
        if extensible {
            u16(22); u16(bits); u32(0)
            u16(formatTag); d.append(contentsOf: [UInt8](repeating: 0, count: 14))
        }
        d.append(contentsOf: Array("data".utf8)); u32(payload.count)
        d.append(contentsOf: payload)
        return d
    }

    func testReadsOtherSampleFormats() throws {
        // 8-bit unsigned: 128 is zero.
        XCTAssertEqual(try WAVFile(data: handMade(formatTag: 1, bits: 8, payload: [128, 255, 0])).samples, [0, 127 << 8, -32768])
        // 24-bit: the top two bytes.
        XCTAssertEqual(try WAVFile(data: handMade(formatTag: 1, bits: 24, payload: [0xAA, 0x34, 0x12])).samples, [0x1234])
        // Float 32, in an extensible header.
        var floats: [UInt8] = []
        for v: Float in [0.5, -1, 2] { withUnsafeBytes(of: v) { floats.append(contentsOf: $0) } }
        XCTAssertEqual(try WAVFile(data: handMade(formatTag: 3, bits: 32, payload: floats, extensible: true)).samples, [16384, -32767, 32767])
    }

    func testStreamedSizeIsReadToTheEnd() throws {
        var d = WAVFile(sampleRate: 16_000, samples: [1, 2, 3]).data()
        d.replaceSubrange(40..<44, with: [0xFF, 0xFF, 0xFF, 0x7F])
        XCTAssertEqual(try WAVFile(data: d).samples, [1, 2, 3])
    }

    func testRejectsWhatItCannotRead() {
        XCTAssertThrowsError(try WAVFile(data: Data("not a wav file at all".utf8), path: "x.wav")) {
            guard let error = $0 as? SplatIOError, case .malformedWAV = error.reason else { return XCTFail("\($0)") }
            XCTAssertEqual(error.path, "x.wav")
        }
        XCTAssertThrowsError(try WAVFile(data: handMade(formatTag: 2, bits: 4, payload: [1, 2])))   // ADPCM
        XCTAssertThrowsError(try WAVFile(contentsOf: URL(fileURLWithPath: "/nonexistent/file.wav")))
    }
}
