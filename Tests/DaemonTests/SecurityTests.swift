import Daemon
import Foundation
import Logging
import SplatCore
import SplatProtocol
import XCTest
import ZeroMQ

/// CURVE on every endpoint, with roles from the clients' certificates: end to end over
/// loopback, with keys written the way `splatctl keygen` writes them.
final class SecurityTests: XCTestCase {
    private var folder: URL!
    private var clients: URL!
    private var server: ZMQCertificate!
    private var keys: [String: ZMQCertificate] = [:]
    private var service: SplatService?
    private var endpoints: DaemonEndpoints!
    private let context = try! ZMQContext()
    private var nextRequestID: UInt64 = 1

    override func setUpWithError() throws {
        guard ZMQCurve.isAvailable else { throw XCTSkip("libzmq without CURVE") }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("splatd-security-\(UUID().uuidString)")
        clients = folder.appendingPathComponent("clients")
        try FileManager.default.createDirectory(at: clients, withIntermediateDirectories: true)
        server = try ZMQCertificate.generate()
        try server.write(folder: folder.path, name: "server")
        try addClient("admin", ["role": "admin"])
        try addClient("operator", ["role": "operator"])
        try addClient("viewer", ["role": "viewer", "streams": "cam"])
        try addClient("everything", ["role": "viewer", "streams": "*"])
        try addClient("driver", ["role": "driver", "avatars": "demo"])
        try addClient("driver2", ["role": "driver", "avatars": "demo, other"])
        keys["stranger"] = try ZMQCertificate.generate(metadata: ["role": "admin"])   // not in the folder
    }

    override func tearDown() {
        service?.stop()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func addClient(_ name: String, _ metadata: [String: String]) throws {
        let certificate = try ZMQCertificate.generate(metadata: metadata)
        // The daemon gets the public certificate; the secret one stays with the client.
        var shared = certificate
        shared.secretKey = nil
        try shared.write(folder: clients.path, name: name)
        keys[name] = certificate
    }

    private func start(_ configure: (inout DaemonConfiguration) -> Void = { _ in }) throws {
        var c = DaemonConfiguration.ephemeralLoopback
        c.curveSecret = folder.appendingPathComponent("server.key_secret").path
        c.clientsFolder = clients.path
        configure(&c)
        var logger = Logger(label: "splatd-test")
        logger.logLevel = .critical
        let service = try SplatService(configuration: c, logger: logger)
        endpoints = try service.start()
        self.service = service
    }

    /// A socket of `type` with `name`'s keys (nil: no CURVE at all).
    private func socket(_ type: ZMQSocketType, as name: String?) throws -> ZMQSocket {
        let s = try context.socket(type)
        try s.set(.linger, .zero)
        if let name, let pair = keys[name]?.keyPair {
            try s.set(.curveServerKey, server.publicKey)
            try s.set(.curvePublicKey, pair.publicKey)
            try s.set(.curveSecretKey, pair.secretKey)
        }
        return s
    }

    private func controlClient(_ name: String?, timeout: Duration = .seconds(10)) throws -> ZMQSocket {
        let s = try socket(.dealer, as: name)
        try s.set(.receiveTimeout, timeout)
        try s.connect(endpoints.control)
        return s
    }

    /// The reply to a request, nil when none comes within the socket's receive timeout.
    private func call(_ s: ZMQSocket, _ body: (inout Splatd_V1_Request) -> Void) throws -> Splatd_V1_Reply? {
        var r = Splatd_V1_Request()
        r.requestID = nextRequestID
        nextRequestID += 1
        body(&r)
        _ = try s.send(r.wireBytes())
        guard let bytes = try s.receive() else { return nil }
        return try Splatd_V1_Reply(serializedBytes: bytes)
    }

    private func admin() throws -> ZMQSocket { try controlClient("admin") }

    private func status() throws -> Splatd_V1_DaemonStatus {
        try XCTUnwrap(call(try admin()) { $0.getStatus = .init() }).daemonStatus
    }

    private func open(_ id: String, size: UInt32 = 64) throws {
        let reply = try XCTUnwrap(call(try admin()) { $0.openStream = .with { $0.streamID = id; $0.avatarID = "demo"; $0.width = size; $0.height = size } })
        XCTAssertEqual(reply.status, .ok, reply.error)
    }

    private func subscriber(_ name: String?, _ topics: [String], timeout: Duration = .seconds(10)) throws -> ZMQSocket {
        let s = try socket(.sub, as: name)
        try s.set(.receiveTimeout, timeout)
        for t in topics { try s.subscribe(t) }
        try s.connect(endpoints.frames)
        return s
    }

    private func drive(as name: String, avatar: String, sequences: [UInt64]) throws {
        let publisher = try socket(.pub, as: name)
        try publisher.connect(endpoints.drive)
        Thread.sleep(forTimeInterval: 0.5)   // the handshake and the daemon's subscription
        for sequence in sequences {
            let frame = Splatd_V1_DriveFrame.with {
                $0.avatarID = avatar
                $0.sequence = sequence
                $0.arkit = .with { $0.named = ["jawOpen": 0.5] }
            }
            _ = try publisher.send(multipart: [Array(avatar.utf8), frame.wireBytes()])
        }
        Thread.sleep(forTimeInterval: 0.3)
        publisher.close()
    }

    private func avatar(_ id: String) throws -> Splatd_V1_AvatarStatus {
        try XCTUnwrap(status().avatars.first { $0.info.avatarID == id })
    }

    // MARK: Tests

    func testAnUnknownKeyGetsNothing() throws {
        try start()
        try open("cam")
        let stranger = try controlClient("stranger", timeout: .seconds(2))
        XCTAssertNil(try call(stranger) { $0.ping = .init() }, "an unknown key got a reply")
        let plain = try controlClient(nil, timeout: .seconds(2))
        XCTAssertNil(try call(plain) { $0.ping = .init() }, "a client without CURVE got a reply")

        let watching = try subscriber("stranger", [Topic.frames("cam")], timeout: .seconds(2))
        XCTAssertNil(try watching.nextFrame(topic: Topic.frames("cam"), deadline: 2), "an unknown key got a frame")
        try drive(as: "stranger", avatar: "demo", sequences: Array(1...10))
        XCTAssertEqual(try avatar("demo").driveFramesReceived, 0, "an unknown key's drive frames moved the avatar")
        XCTAssertGreaterThanOrEqual(try status().authDenied, 3)
        XCTAssertTrue(try status().curve)
    }

    func testAViewerSeesOnlyItsStreamsAndCannotChangeAnything() throws {
        try start()
        try open("cam")
        try open("other")
        let viewer = try controlClient("viewer")
        for (request, body) in [("unload", { (r: inout Splatd_V1_Request) in r.unloadAvatar = .with { $0.avatarID = "demo" } }),
                                ("load", { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "again" } }),
                                ("open", { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "mine" } }),
                                ("close", { $0.closeStream = .with { $0.streamID = "cam" } }),
                                ("start_output", { $0.startOutput = .with { $0.streamID = "cam"; $0.url = "x.mkv" } })] {
            let reply = try XCTUnwrap(call(viewer, body))
            XCTAssertEqual(reply.status, .permissionDenied, "a viewer could \(request): \(reply)")
        }
        let streams = try XCTUnwrap(call(viewer) { $0.listStreams = .init() }).streams.streams.map(\.streamID)
        XCTAssertEqual(streams, ["cam"])
        let avatars = try XCTUnwrap(call(viewer) { $0.listAvatars = .init() }).avatars.avatars
        XCTAssertEqual(avatars.map(\.avatarID), ["demo"])
        XCTAssertEqual(avatars.first?.path, "", "a viewer saw a host path")
        let viewerStatus = try XCTUnwrap(call(viewer) { $0.getStatus = .init() }).daemonStatus
        XCTAssertEqual(viewerStatus.streams.map(\.info.streamID), ["cam"])
        XCTAssertEqual(try XCTUnwrap(call(viewer) { $0.requestKeyframe = .with { $0.streamID = "cam" } }).status, .ok)
        XCTAssertEqual(try XCTUnwrap(call(viewer) { $0.requestKeyframe = .with { $0.streamID = "other" } }).status, .permissionDenied)
        XCTAssertEqual(try XCTUnwrap(call(try admin()) { $0.listAvatars = .init() }).avatars.avatars.first?.path, "demo")

        // Frames: its own stream, not the other one, and not the daemon-wide events.
        let mine = try subscriber("viewer", [Topic.frames("cam")])
        XCTAssertNotNil(try mine.nextFrame(topic: Topic.frames("cam")))
        let theirs = try subscriber("viewer", [Topic.frames("other"), Topic.events, ""], timeout: .seconds(2))
        XCTAssertNil(try theirs.receiveMultipart(), "a viewer of cam received something it may not see")
        XCTAssertGreaterThanOrEqual(try status().subscriptionsRefused, 3)
        XCTAssertGreaterThanOrEqual(try status().requestsDenied, 6)

        // A stream id that a limited viewer's grant is a prefix of would reach that viewer.
        let reply = try XCTUnwrap(call(try admin()) { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "camera2" } })
        XCTAssertEqual(reply.status, .invalidRequest)
        XCTAssertTrue(reply.error.contains("prefix"), reply.error)
    }

    func testOperatorsManageStreamsButNotAvatars() throws {
        try start()
        let op = try controlClient("operator")
        XCTAssertEqual(try XCTUnwrap(call(op) { $0.openStream = .with { $0.avatarID = "demo"; $0.streamID = "opcam" } }).status, .ok)
        XCTAssertEqual(try XCTUnwrap(call(op) { $0.closeStream = .with { $0.streamID = "opcam" } }).status, .ok)
        XCTAssertEqual(try XCTUnwrap(call(op) { $0.unloadAvatar = .with { $0.avatarID = "demo" } }).status, .permissionDenied)
        // The events topic is everyone's who sees everything.
        let events = try subscriber("operator", [Topic.events])
        Thread.sleep(forTimeInterval: 0.3)
        try open("late")
        XCTAssertNotNil(try events.nextEvent { $0.streamOpened.streamID == "late" })
        // Admins do everything.
        let a = try admin()
        XCTAssertEqual(try XCTUnwrap(call(a) { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "second" } }).status, .ok)
        XCTAssertEqual(try XCTUnwrap(call(a) { $0.unloadAvatar = .with { $0.avatarID = "second" } }).status, .ok)
    }

    func testADriverDrivesOnlyItsAvatars() throws {
        try start()
        XCTAssertEqual(try XCTUnwrap(call(try admin()) { $0.loadAvatar = .with { $0.path = "demo"; $0.avatarID = "other" } }).status, .ok)
        try drive(as: "driver", avatar: "other", sequences: Array(1...5))
        try drive(as: "driver", avatar: "demo", sequences: Array(1...5))
        XCTAssertEqual(try avatar("other").driveFramesReceived, 0)
        XCTAssertEqual(try avatar("demo").driveFramesReceived, 5)
        XCTAssertEqual(try status().driveDenied, 5)
        let driver = try controlClient("driver")
        XCTAssertEqual(try XCTUnwrap(call(driver) { $0.listAvatars = .init() }).avatars.avatars.map(\.avatarID), ["demo"])
        XCTAssertEqual(try XCTUnwrap(call(driver) { $0.setMixing = .with { $0.avatarID = "other" } }).status, .permissionDenied)
    }

    func testOneSendersOrderDoesNotSilenceAnother() throws {
        try start()
        // A tracker at sequence 5000 and another just below it: checked together, the second
        // one's frames would all count as late.
        try drive(as: "driver", avatar: "demo", sequences: [5000])
        try drive(as: "driver2", avatar: "demo", sequences: Array(4500...4509))
        try drive(as: "driver", avatar: "demo", sequences: [4999])   // late for its own sender
        let demo = try avatar("demo")
        XCTAssertEqual(demo.driveFramesReceived, 11)
        XCTAssertEqual(demo.driveFramesOutOfOrder, 1)
    }

    func testSIGHUPRevokesAKeyForNewAndExistingConnections() throws {
        try start()
        try open("cam")
        let viewer = try controlClient("viewer", timeout: .seconds(2))
        XCTAssertNotNil(try call(viewer) { $0.ping = .init() })
        let revoked = try subscriber("viewer", [Topic.frames("cam")], timeout: .seconds(1))
        let kept = try subscriber("everything", [Topic.frames("cam")])
        XCTAssertNotNil(try revoked.nextFrame(topic: Topic.frames("cam")))
        XCTAssertNotNil(try kept.nextFrame(topic: Topic.frames("cam")))

        try FileManager.default.removeItem(at: clients.appendingPathComponent("viewer.key"))
        service?.reloadClients()
        XCTAssertNil(try call(viewer) { $0.ping = .init() }, "a revoked key's existing connection was answered")
        // What was queued before may still arrive; then nothing.
        let end = Date().addingTimeInterval(3)
        while Date() < end, try revoked.receiveMultipart() != nil {}
        XCTAssertNil(try revoked.nextFrame(topic: Topic.frames("cam"), deadline: 2), "a revoked viewer still gets frames")
        XCTAssertNotNil(try kept.nextFrame(topic: Topic.frames("cam")), "a kept viewer lost its frames")
        let fresh = try controlClient("viewer", timeout: .seconds(2))
        XCTAssertNil(try call(fresh) { $0.ping = .init() }, "a revoked key made a new connection")
    }

    func testAWrongServerKeyGetsNothing() throws {
        try start()
        let s = try context.socket(.dealer)
        try s.set(.linger, .zero)
        try s.set(.receiveTimeout, .seconds(2))
        try s.set(.curveServerKey, try ZMQCurve.keyPair().publicKey)
        try s.set(.curvePublicKey, keys["admin"]!.publicKey)
        try s.set(.curveSecretKey, keys["admin"]!.secretKey!)
        try s.connect(endpoints.control)
        XCTAssertNil(try call(s) { $0.ping = .init() })
    }

    func testExposedEndpointsNeedCurveOrInsecure() throws {
        var c = DaemonConfiguration.ephemeralLoopback
        c.frames = "tcp://0.0.0.0:*"
        c.loadDemo = false
        XCTAssertThrowsError(try SplatService(configuration: c)) { error in
            XCTAssertTrue("\(error)".contains("--insecure"), "\(error)")
        }
        c.insecure = true
        let service = try SplatService(configuration: c)
        _ = try service.start()
        service.stop()
        c.insecure = false
        c.clientsFolder = clients.path
        XCTAssertThrowsError(try SplatService(configuration: c)) { error in
            XCTAssertTrue("\(error)".contains("go together"), "\(error)")
        }
        c.curveSecret = clients.appendingPathComponent("admin.key").path   // a public certificate
        XCTAssertThrowsError(try SplatService(configuration: c)) { error in
            XCTAssertTrue("\(error)".contains("key_secret"), "\(error)")
        }
    }

    func testUnusableCertificatesDoNotStopTheOthers() throws {
        try "metadata\ncurve\n    public-key = \"short\"\n".write(to: clients.appendingPathComponent("broken.key"), atomically: true, encoding: .utf8)
        var noRole = try ZMQCertificate.generate()
        noRole.secretKey = nil
        try noRole.write(folder: clients.path, name: "norole")
        var badList = try ZMQCertificate.generate(metadata: ["role": "viewer", "streams": "../etc"])
        badList.secretKey = nil
        try badList.write(folder: clients.path, name: "badlist")
        try start()
        let a = try admin()
        XCTAssertNotNil(try call(a) { $0.ping = .init() }, "the good keys stopped working")
    }
}
