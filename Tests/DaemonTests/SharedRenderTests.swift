import Daemon
import Foundation
import SplatProtocol
import XCTest
import ZeroMQ

/// Streams that show the same view (avatar, size, camera) render it once and encode it each
/// their own way.
final class SharedRenderTests: XCTestCase {
    func testStreamsOfTheSameViewShareOneRender() throws {
        let d = try DaemonHarness()
        try d.ok { $0.openStream = .with { $0.streamID = "jpeg"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.fps = 10 } }
        try d.ok { $0.openStream = .with { $0.streamID = "png"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.fps = 10; $0.codec = .png } }
        try d.ok { $0.openStream = .with { $0.streamID = "side"; $0.avatarID = "demo"; $0.width = 128; $0.height = 128; $0.fps = 10
                                           $0.orbit = .with { $0.yawDegrees = 30 } } }
        let sub = try d.subscriber([Topic.frames("jpeg"), Topic.frames("png"), Topic.frames("side")])
        // A render is known by its start and end times: two lanes may start two renders in the
        // same microsecond, but they do not also end in the same one.
        var renders: [String: Set<SIMD2<UInt64>>] = [:]
        var codecs: [String: Splatd_V1_Codec] = [:]
        let end = Date().addingTimeInterval(4)
        while Date() < end, let parts = try sub.receiveMultipart(), parts.count == 3 {
            let meta = try Splatd_V1_FrameMeta(serializedBytes: parts[1])
            renders[meta.streamID, default: []].insert(SIMD2(meta.renderStartUs, meta.renderDoneUs))
            codecs[meta.streamID] = meta.codec
        }
        XCTAssertEqual(codecs["jpeg"], .jpeg)
        XCTAssertEqual(codecs["png"], .png)
        let jpeg = renders["jpeg", default: []], png = renders["png", default: []], side = renders["side", default: []]
        XCTAssertGreaterThan(jpeg.count, 5)
        // The same render behind nearly every frame of the two same-view
        // streams; none shared with the stream seen from the side.
        XCTAssertGreaterThanOrEqual(Double(jpeg.intersection(png).count), 0.8 * Double(min(jpeg.count, png.count)),
                                    "jpeg \(jpeg.count) and png \(png.count) frames, \(jpeg.intersection(png).count) from shared renders")
        XCTAssertTrue(side.isDisjoint(with: jpeg.union(png)), "a stream of another view took the same picture")
    }
}
