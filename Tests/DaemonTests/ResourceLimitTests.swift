import Daemon
import Foundation
import SplatProtocol
import XCTest
import ZeroMQ

/// Daemon-wide limits: the avatars' memory budget, and viewers that stop reading.
final class ResourceLimitTests: XCTestCase {
    func testALoadPastTheMemoryBudgetIsRefused() throws {
        let d = try DaemonHarness {
            $0.loadDemo = false
            $0.maximumAvatarMemory = 32 << 20   // the demo head and its levels of detail hold about 20 MB
        }
        try d.ok { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "first" } }
        let refused = try d.request { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "second" } }
        XCTAssertEqual(refused.status, .limitReached, refused.error)
        XCTAssertTrue(refused.error.contains("maximumAvatarMemory"), refused.error)
        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        XCTAssertEqual(status.avatars.map(\.info.avatarID), ["first"])
        XCTAssertGreaterThan(status.avatarBytes, 8 << 20)
        XCTAssertLessThanOrEqual(status.avatarBytes, status.avatarBudgetBytes)
        XCTAssertEqual(status.avatarBudgetBytes, 32 << 20)
        // Replacing an avatar counts it once, and unloading frees its share.
        try d.ok { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "first"; $0.replace = true } }
        try d.ok { $0.unloadAvatar = .with { $0.avatarID = "first" } }
        try d.ok { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "second" } }
    }

    func testAViewerThatStopsReadingIsCutOff() throws {
        let d = try DaemonHarness {
            $0.stalledViewerSeconds = 1
        }
        try d.ok { $0.openStream = .with { $0.streamID = "raw"; $0.avatarID = "demo"; $0.width = 1024; $0.height = 1024; $0.codec = .raw } }
        // A viewer that never reads, with small queues: its TCP window closes within a few frames.
        let stalled = try d.context.socket(.sub)
        try stalled.set(.linger, .zero)
        try stalled.set(.receiveHighWaterMark, 1)
        try stalled.set(.receiveBufferSize, 65536)
        try stalled.subscribe(Topic.frames("raw"))
        try stalled.connect(d.endpoints.frames)
        let end = Date().addingTimeInterval(30)
        var disconnects: UInt64 = 0
        while Date() < end {
            Thread.sleep(forTimeInterval: 0.5)
            disconnects = try d.ok { $0.getStatus = .init() }.daemonStatus.viewerDisconnects
            if disconnects > 0 { break }
        }
        XCTAssertGreaterThan(disconnects, 0, "a viewer that stopped reading kept its connection (and its queued frames)")
        withExtendedLifetime(stalled) {}
    }
}

