import SplatProtocol
import XCTest
@testable import splatctl

/// The readable `status` output.
final class StatusTableTests: XCTestCase {
    private func sample() -> Splatd_V1_DaemonStatus {
        .with {
            $0.version = "0.1.0"
            $0.uptimeSeconds = 200
            $0.cpuSeconds = 50
            $0.rssBytes = 182_300_000
            $0.renderThreads = 2
            $0.requests = 14
            $0.avatars = [.with {
                $0.info = .with { $0.avatarID = "demo"; $0.kind = .demo; $0.gaussians = 50_000 }
                $0.driveState = .live
                $0.driveFramesReceived = 300
                $0.driveFramesRejected = 2
                $0.driveRateHz = 29.97
                $0.lastDriveAgeMs = 12.4
                $0.lastDriveSequence = 300
            }, .with {
                $0.info = .with { $0.avatarID = "scan"; $0.kind = .static; $0.gaussians = 1_234_567 }
                $0.lastDriveAgeMs = -1
            }]
            $0.streams = [.with {
                $0.info = .with {
                    $0.streamID = "default"; $0.avatarID = "demo"; $0.width = 256; $0.height = 256; $0.fps = 30; $0.codec = .png
                }
                $0.subscribers = 1
                $0.framesRendered = 900
                $0.framesSent = 899
                $0.framesSkipped = 3
                $0.fps = 29.8
                $0.latencyMs = .with { $0.p50 = 41.23; $0.p99 = 88.8; $0.max = 90 }
                $0.renderMs = .with { $0.p50 = 30.5; $0.max = 40 }
                $0.encodeMs = .with { $0.p50 = 1.04; $0.max = 2 }
                $0.bytesSent = 31_000_000
            }]
        }
    }

    func testSummaryLine() {
        let line = StatusTable.summary(sample())
        XCTAssertEqual(line, "splatd 0.1.0 · up 3 min 20 s · CPU 50.0 s (25 % of a core on average) · RSS 182.3 MB · "
                       + "2 render threads · 14 requests (0 malformed) · 0 unattributable drive frames")
        var later = sample()
        later.uptimeSeconds = 210
        later.cpuSeconds = 55
        XCTAssertTrue(StatusTable.summary(later, previous: sample()).contains("(50 % of a core now)"))
    }

    func testAvatarRows() {
        let lines = StatusTable.avatarTable(sample().avatars).lines
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(lines[0], "  ID    KIND    GAUSSIANS  DRIVE  RECEIVED  REJECTED  OUT-OF-ORDER  RATE Hz       LAST  SEQ")
        XCTAssertEqual(lines[1], "  demo  demo       50 000  live        300         2             0     30.0  12 ms ago  300")
        XCTAssertEqual(lines[2], "  scan  static  1 234 567  idle          0         0             0      0.0      never    –")
    }

    func testStreamRows() {
        let lines = StatusTable.streamTable(sample().streams).lines
        XCTAssertEqual(lines.count, 2)
        let cells = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        XCTAssertEqual(cells, ["default", "demo", "256×256", "png:1", "30/29.8", "1", "900", "899", "3", "41.2/88.8",
                               "30.5", "ms", "1.04", "ms", "31.0", "MB"])
        // Columns line up: every row is as wide as the header.
        XCTAssertEqual(lines[0].count, lines[1].count)
    }

    func testWholeReportWithNothingLoaded() {
        let text = StatusTable.render(.with { $0.version = "0.1.0"; $0.uptimeSeconds = 5 })
        XCTAssertTrue(text.contains("AVATARS (0)\n  none loaded"), text)
        XCTAssertTrue(text.contains("STREAMS (0)\n  none open"), text)
    }

    func testFormatting() {
        XCTAssertEqual(Format.count(50_000), "50 000")
        XCTAssertEqual(Format.count(1234), "1234")
        XCTAssertEqual(Format.uptime(59), "59 s")
        XCTAssertEqual(Format.uptime(7500), "2 h 05 min")
        XCTAssertEqual(Format.bytes(999), "999 B")
        XCTAssertEqual(Format.bytes(1_500_000), "1.5 MB")
        XCTAssertEqual(Format.ms(0.4219), "0.42")
        XCTAssertEqual(Format.ms(41.23), "41.2")
        XCTAssertEqual(Format.ms(123.4), "123")
        XCTAssertEqual(Format.seconds(10), "10 s")
        XCTAssertEqual(Format.seconds(2.5), "2.5 s")
        XCTAssertEqual(Format.codec(.jpeg, quality: 0), "jpeg:85")
        XCTAssertEqual(StatusTable.age(ms: 4200, received: 1), "4.2 s ago")
    }

    func testTextTableAlignment() {
        var t = TextTable(["A", "NUMBER"], rightAligned: [1])
        t.add(["long name", "7"])
        t.add(["x", "12345"])
        XCTAssertEqual(t.lines, ["A          NUMBER", "long name       7", "x           12345"])
    }
}

final class AudioStatusTableTests: XCTestCase {
    func testAudioSourcesGetTheirOwnTable() {
        var status = Splatd_V1_DaemonStatus()
        var avatar = Splatd_V1_AvatarStatus()
        avatar.info.avatarID = "demo"
        avatar.audio = [.with {
            $0.source = "alsa:hw:0"; $0.levelDb = -23.5; $0.voiceActive = true; $0.viseme = "aa"; $0.visemeWeight = 0.8
            $0.latencyMs = 41.2; $0.chunksReceived = 500; $0.chunksDropped = 1; $0.xruns = 2
        }]
        status.avatars = [avatar]
        let text = StatusTable.render(status)
        XCTAssertTrue(text.contains("AUDIO (1)"), text)
        XCTAssertTrue(text.contains("alsa:hw:0"), text)
        XCTAssertTrue(text.contains("aa 0.80"), text)
        XCTAssertTrue(text.contains("41.2 ms"), text)
    }
}
