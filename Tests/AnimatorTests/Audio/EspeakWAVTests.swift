import SplatIO
import XCTest

/// The WAV reader on what the speech tests feed the animator: espeak-ng's streamed WAVs.
final class EspeakWAVTests: XCTestCase {
    func testReadsEspeakOutput() throws {
        let wav = try SpeechTestSupport.speak("hello")
        XCTAssertEqual(wav.channels, 1)
        XCTAssertEqual(wav.sampleRate, 22_050)
        XCTAssertGreaterThan(wav.duration, 0.2)
        XCTAssertGreaterThan(wav.samples.map { abs(Int($0)) }.max()!, 1000)
    }
}
