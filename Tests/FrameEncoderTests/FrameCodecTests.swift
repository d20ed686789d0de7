import FrameEncoder
import XCTest

final class FrameCodecTests: XCTestCase {
    func testParsesNamesAndSettings() throws {
        let cases: [(String, FrameCodec)] = [
            ("png", .png(level: 1)), ("png:0", .png(level: 0)), ("png:6", .png(level: 6)), ("png:9", .png(level: 9)),
            ("jpeg", .jpeg(quality: 85)), ("jpg", .jpeg(quality: 85)), ("jpeg:90", .jpeg(quality: 90)),
            ("jpg:1", .jpeg(quality: 1)), ("jpeg:100", .jpeg(quality: 100)), ("raw", .raw),
            ("PNG:3", .png(level: 3)), ("  JPEG:70\n", .jpeg(quality: 70)), ("Raw", .raw),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try FrameCodec(parsing: text), expected, text)
            XCTAssertEqual(FrameCodec(text), expected, text)
        }
    }

    func testRejectsMalformedStrings() {
        let cases: [(String, String)] = [
            ("", "empty"), ("gif", "unknown codec name \"gif\""), ("png:", "integer"), ("png:x", "integer"),
            ("png:10", "not in 0...9"), ("png:-1", "not in 0...9"), ("jpeg:0", "not in 1...100"),
            ("jpeg:101", "not in 1...100"), ("raw:1", "no setting"), ("png:1:2", "integer"), ("png 6", "unknown"),
        ]
        for (text, reasonFragment) in cases {
            XCTAssertNil(FrameCodec(text), text)
            XCTAssertThrowsError(try FrameCodec(parsing: text), text) { error in
                guard case let .invalidCodec(string, reason)? = error as? EncoderError else {
                    return XCTFail("unexpected \(error)")
                }
                XCTAssertEqual(string, text)
                XCTAssertTrue(reason.contains(reasonFragment), "\(text): \(reason)")
                XCTAssertTrue(String(describing: error).contains("png:<level 0-9>"), "lists the accepted forms")
            }
        }
    }

    func testDescriptionRoundTrips() throws {
        for codec in [FrameCodec.png(level: 0), .defaultPNG, .png(level: 9), .jpeg(quality: 1), .defaultJPEG, .raw] {
            XCTAssertEqual(try FrameCodec(parsing: codec.description), codec)
        }
        XCTAssertEqual(FrameCodec.defaultPNG.description, "png:1")
        XCTAssertEqual(FrameCodec.defaultJPEG.description, "jpeg:85")
        XCTAssertEqual(FrameCodec.raw.description, "raw")
    }

    func testNamesAndProperties() {
        XCTAssertEqual(FrameCodec.png(level: 6).name, "png")
        XCTAssertEqual(FrameCodec.jpeg(quality: 90).name, "jpeg")
        XCTAssertEqual(FrameCodec.raw.name, "raw")
        XCTAssertEqual(FrameCodec.defaultPNG.fileExtension, "png")
        XCTAssertEqual(FrameCodec.defaultJPEG.fileExtension, "jpg")
        XCTAssertEqual(FrameCodec.raw.fileExtension, "rgb")
        XCTAssertTrue(FrameCodec.defaultPNG.isLossless)
        XCTAssertTrue(FrameCodec.raw.isLossless)
        XCTAssertFalse(FrameCodec.defaultJPEG.isLossless)
    }

    func testChoosesByFileExtension() throws {
        let cases: [(String, FrameCodec)] = [
            ("out.png", .defaultPNG), ("/tmp/a.b/frame.PNG", .defaultPNG), ("f.jpg", .defaultJPEG),
            ("f.JPEG", .defaultJPEG), ("frame.rgb", .raw), ("frame.rgba", .raw), ("dir/frame.raw", .raw),
        ]
        for (path, expected) in cases {
            XCTAssertEqual(try FrameCodec(forFileName: path), expected, path)
        }
        for path in ["frame", "frame.gif", "dir.png/frame", ".png", "frame."] {
            XCTAssertThrowsError(try FrameCodec(forFileName: path), path) {
                XCTAssertEqual($0 as? EncoderError, .unknownFileExtension(path))
            }
        }
    }

    func testValidate() {
        XCTAssertNoThrow(try FrameCodec.png(level: 9).validate())
        XCTAssertNoThrow(try FrameCodec.jpeg(quality: 100).validate())
        XCTAssertNoThrow(try FrameCodec.raw.validate())
        XCTAssertThrowsError(try FrameCodec.png(level: 10).validate()) {
            XCTAssertEqual($0 as? EncoderError, .invalidPNGLevel(10))
        }
        XCTAssertThrowsError(try FrameCodec.jpeg(quality: 0).validate()) {
            XCTAssertEqual($0 as? EncoderError, .invalidJPEGQuality(0))
        }
    }
}
