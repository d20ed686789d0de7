import Animator
import Daemon
import Foundation
import Rasterizer
import SplatIO
import SplatProtocol
import XCTest
import ZeroMQ

/// Nothing a client sends may crash the daemon or disturb other clients: every bad request
/// gets an error reply naming the problem, every bad drive frame is counted and dropped.
final class BadInputTests: XCTestCase {
    private func expect(_ d: DaemonHarness, _ status: Splatd_V1_Status, mentioning text: String,
                        file: StaticString = #filePath, line: UInt = #line,
                        _ body: (inout Splatd_V1_Request) -> Void) throws {
        let reply = try d.request(body)
        XCTAssertEqual(reply.status, status, reply.error, file: file, line: line)
        XCTAssertTrue(reply.error.contains(text), "“\(reply.error)” should mention “\(text)”", file: file, line: line)
    }

    func testMalformedControlMessagesGetErrorReplies() throws {
        let d = try DaemonHarness()
        for garbage: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF], [0x52, 0x7F, 0x01], Array("hello".utf8), []] {
            let reply = try d.rawRequest(garbage)
            if garbage.isEmpty {
                XCTAssertEqual(reply.status, .invalidRequest)
                XCTAssertTrue(reply.error.contains("no body"), reply.error)
            } else {
                XCTAssertEqual(reply.status, .invalidRequest)
                XCTAssertTrue(reply.error.contains("malformed request"), reply.error)
            }
        }
        // Larger than the protocol limit but under the socket's: refused with a reply.
        var big = Splatd_V1_Request()
        big.ping = .with { $0.payload = Data(count: 100_000) }
        let reply = try d.rawRequest(big.wireBytes())
        XCTAssertEqual(reply.status, .invalidRequest)
        XCTAssertTrue(reply.error.contains("exceeds the limit"), reply.error)
        try expect(d, .invalidRequest, mentioning: "version 7") { $0.version = 7; $0.ping = .init() }
        XCTAssertEqual(try d.ok { $0.ping = .with { $0.payload = Data("still here".utf8) } }.pong.payload, Data("still here".utf8))
    }

    /// A request of several frames gets exactly one error reply, from DEALER and REQ sockets
    /// alike, and the socket can go on.
    func testMultiFrameRequestsGetOneErrorReply() throws {
        let d = try DaemonHarness()
        let ping = Splatd_V1_Request.with { $0.requestID = 7; $0.ping = .init() }.wireBytes()
        _ = try d.control.send(multipart: [ping, ping])
        let reply = try Splatd_V1_Reply(serializedBytes: try XCTUnwrap(try d.control.receive()))
        XCTAssertEqual(reply.status, .invalidRequest)
        XCTAssertEqual(reply.requestID, 0)
        XCTAssertTrue(reply.error.contains("got 2 frames"), reply.error)
        XCTAssertEqual(try d.ok { $0.ping = .init() }.pong.version, SplatService.version, "the connection goes on")

        let req = try d.context.socket(.req)
        defer { req.close() }
        try req.set(.linger, .zero)
        try req.set(.receiveTimeout, .seconds(10))
        try req.connect(d.endpoints.control)
        _ = try req.send(multipart: [ping, ping, ping])
        let reqReply = try Splatd_V1_Reply(serializedBytes: try XCTUnwrap(try req.receive(), "REQ gets a reply"))
        XCTAssertTrue(reqReply.error.contains("got 3 frames"), reqReply.error)
        _ = try req.send(ping)
        XCTAssertEqual(try Splatd_V1_Reply(serializedBytes: try XCTUnwrap(try req.receive())).requestID, 7)
        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        XCTAssertEqual(status.malformedRequests, 2)
    }

    func testHugeMessagesDropOnlyTheirSender() throws {
        let d = try DaemonHarness()
        let rogue = try d.context.socket(.dealer)
        try rogue.set(.linger, .zero)
        try rogue.connect(d.endpoints.control)
        _ = try rogue.send(Array(repeating: 7, count: 3 << 20))  // beyond the socket limit: libzmq drops the peer
        rogue.close()
        XCTAssertEqual(try d.ok { $0.ping = .init() }.status, .ok)
    }

    func testUnknownIDsAndAbsurdRequests() throws {
        let d = try DaemonHarness()
        try expect(d, .notFound, mentioning: "ghost") { $0.unloadAvatar = .with { $0.avatarID = "ghost" } }
        try expect(d, .notFound, mentioning: "ghost") { $0.openStream = .with { $0.avatarID = "ghost" } }
        try expect(d, .notFound, mentioning: "nope") { $0.closeStream = .with { $0.streamID = "nope" } }
        try expect(d, .notFound, mentioning: "nope") { $0.updateStream = .with { $0.streamID = "nope"; $0.fps = 10 } }
        try expect(d, .invalidRequest, mentioning: "no body") { _ in }
        // The demo avatar exists (loaded at start-up) for the stream checks below.
        try expect(d, .invalidRequest, mentioning: "width 100000") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.width = 100_000 }
        }
        try expect(d, .invalidRequest, mentioning: "fps") { $0.openStream = .with { $0.avatarID = "demo"; $0.fps = .nan } }
        try expect(d, .invalidRequest, mentioning: "fps 1000") { $0.openStream = .with { $0.avatarID = "demo"; $0.fps = 1000 } }
        try expect(d, .invalidRequest, mentioning: "quality 500") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.codec = .jpeg; $0.quality = 500 }
        }
        try expect(d, .invalidRequest, mentioning: "background") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.background = .with { $0.x = .infinity } }
        }
        try expect(d, .invalidRequest, mentioning: "16 values") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.camera = .with { $0.fx = 100; $0.fy = 100; $0.worldToCamera = [1, 2] } }
        }
        try expect(d, .invalidRequest, mentioning: "orbit.distance") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.orbit = .with { $0.distance = -3 } }
        }
        try expect(d, .invalidRequest, mentioning: "stream id") { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "../x" } }
        try expect(d, .invalidRequest, mentioning: "unknown codec") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.codec = .UNRECOGNIZED(99) }
        }
        try d.ok { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "s" } }
        try expect(d, .alreadyExists, mentioning: "\"s\"") { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "s" } }
        try expect(d, .invalidRequest, mentioning: "height 3") { $0.updateStream = .with { $0.streamID = "s"; $0.height = 3 } }
        // Streams share a pixel budget (16.8 M by default): four 4096² streams do not fit.
        try d.ok { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "big"; $0.width = 4096; $0.height = 2048 } }
        try expect(d, .limitReached, mentioning: "maximumTotalPixels") {
            $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "big2"; $0.width = 4096; $0.height = 4096 }
        }
        try d.ok { $0.closeStream = .with { $0.streamID = "big" } }
        // A failed update changes nothing.
        XCTAssertEqual(try d.ok { $0.listStreams = .init() }.streams.streams.first?.height, 512)
    }

    func testHostileAndBrokenAvatarPaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-bad-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let truncated = dir.appendingPathComponent("truncated.ply")
        let good = try PLYWriter.data(for: SyntheticScene.headShell(count: 50))
        try good.prefix(good.count - 100).write(to: truncated)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-outside-\(getpid()).ply")
        try good.write(to: outside)
        let link = dir.appendingPathComponent("link.ply")
        try? FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)

        let d = try DaemonHarness { $0.avatarRoots = [dir.path]; $0.maximumAvatarBytes = 1 << 20 }
        let huge = dir.appendingPathComponent("huge.ply")
        _ = FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 2 << 20)  // sparse: 2 MiB without writing them
        try handle.close()
        try expect(d, .invalidRequest, mentioning: "absolute") { $0.loadAvatar = .with { $0.path = "../../etc/passwd" } }
        try expect(d, .invalidRequest, mentioning: "NUL") { $0.loadAvatar = .with { $0.path = "/tmp/a\u{0}b" } }
        try expect(d, .invalidRequest, mentioning: "is empty") { $0.loadAvatar = .with { $0.path = "" } }
        try expect(d, .invalidRequest, mentioning: "outside the folders") { $0.loadAvatar = .with { $0.path = "/etc/passwd" } }
        try expect(d, .invalidRequest, mentioning: "outside the folders") { $0.loadAvatar = .with { $0.path = link.path } }
        try expect(d, .invalidRequest, mentioning: "outside the folders") {
            $0.loadAvatar = .with { $0.path = dir.path + "/../splatd-outside-\(getpid()).ply" }
        }
        try expect(d, .loadFailed, mentioning: "maximumAvatarBytes") { $0.loadAvatar = .with { $0.path = huge.path } }
        try expect(d, .loadFailed, mentioning: "does not exist") { $0.loadAvatar = .with { $0.path = dir.path + "/missing.ply" } }
        try expect(d, .loadFailed, mentioning: "truncated") { $0.loadAvatar = .with { $0.avatarID = "t"; $0.path = truncated.path } }
        try expect(d, .invalidRequest, mentioning: "avatar id") { $0.loadAvatar = .with { $0.avatarID = "a b"; $0.path = truncated.path } }
        try expect(d, .alreadyExists, mentioning: "demo") { $0.loadAvatar = .with { $0.avatarID = "demo"; $0.path = "demo" } }
        // (Every file a load opens is checked against the roots too: SplatIOTests.FileAccessTests.)
        // A FIFO is refused as one, never waited on.
        let fifo = dir.appendingPathComponent("pipe.ply")
        try? FileManager.default.removeItem(at: fifo)
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        try expect(d, .loadFailed, mentioning: "FIFO") { $0.loadAvatar = .with { $0.path = fifo.path } }
        // A failed load leaves no trace; the id can be used by a good load.
        let ok = dir.appendingPathComponent("ok.ply")
        try good.write(to: ok)
        try d.ok { $0.loadAvatar = .with { $0.avatarID = "t"; $0.path = ok.path } }
        XCTAssertEqual(try d.ok { $0.listAvatars = .init() }.avatars.avatars.map(\.avatarID).sorted(), ["demo", "t"])
    }

    /// A load still running when the daemon is told to stop gets its reply before the sockets
    /// close.
    func testALoadPendingAtShutdownIsAnswered() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-pending-\(getpid()).ply")
        try PLYWriter.data(for: SyntheticScene.headShell(count: 300_000)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let d = try DaemonHarness()
        let request = Splatd_V1_Request.with { $0.requestID = 77; $0.loadAvatar = .with { $0.avatarID = "late"; $0.path = file.path } }
        _ = try d.control.send(request.wireBytes())
        Thread.sleep(forTimeInterval: 0.05)  // the load has started
        d.service.stop()
        guard let bytes = try d.control.receive() else { return XCTFail("no reply to the load pending at shutdown") }
        let reply = try Splatd_V1_Reply(serializedBytes: bytes)
        XCTAssertEqual(reply.requestID, 77)
        XCTAssertEqual(reply.status, .ok, reply.error)
    }

    func testBadDriveFramesAreCountedAndDropped() throws {
        let d = try DaemonHarness()
        let publisher = try d.drivePublisher()
        func send(_ parts: [[UInt8]]) throws { _ = try publisher.send(multipart: parts) }
        let demo = Array("demo".utf8)
        try send([demo, [0xFF, 0x00, 0x13]])                                        // garbage
        try send([demo])                                                               // one frame only
        try send([Array("ghost".utf8), Splatd_V1_DriveFrame.with { $0.avatarID = "ghost"; $0.sequence = 1 }.wireBytes()])
        try send([demo, Array(repeating: 1, count: 20_000)])                           // over the drive limit
        var rejected: [Splatd_V1_DriveFrame] = []
        rejected.append(.with { $0.avatarID = "demo"; $0.sequence = 2; $0.flame = .with { $0.expr = [1, .nan] } })
        rejected.append(.with { $0.avatarID = "demo"; $0.sequence = 3; $0.flame = .with { $0.jawPose = .with { $0.x = 400 } } })
        rejected.append(.with { $0.avatarID = "demo"; $0.sequence = 4; $0.arkit = .with { $0.weights = [0.5, 0.5] } })
        rejected.append(.with { $0.avatarID = "demo"; $0.sequence = 5; $0.arkit = .with { $0.named = ["jawFlap": 1] } })
        rejected.append(.with { $0.avatarID = "demo"; $0.sequence = 6 })
        for f in rejected { try send([demo, f.wireBytes()]) }
        try send([demo, Splatd_V1_DriveFrame.with {
            $0.avatarID = "demo"; $0.sequence = 9; $0.arkit = .with { $0.named = ["jawOpen": 0.7] }
        }.wireBytes()])
        // Wait until the valid frame has been applied.
        var avatar = Splatd_V1_AvatarStatus()
        for _ in 0..<50 {
            avatar = try XCTUnwrap(try d.ok { $0.getStatus = .init() }.daemonStatus.avatars.first { $0.info.avatarID == "demo" })
            if avatar.lastDriveSequence == 9 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(avatar.lastDriveSequence, 9)
        XCTAssertEqual(avatar.driveFramesReceived, 1)
        XCTAssertEqual(avatar.driveFramesRejected, UInt64(rejected.count))
        let status = try d.ok { $0.getStatus = .init() }.daemonStatus
        XCTAssertEqual(status.driveFramesMalformed, 4)
    }
}
