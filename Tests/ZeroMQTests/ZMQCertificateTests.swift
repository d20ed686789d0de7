import CZeroMQ
import Foundation
import XCTest
import ZeroMQ

final class ZMQCertificateTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        guard ZMQCurve.isAvailable else { throw XCTSkip("libzmq without CURVE") }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zcert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }

    func testWrittenCertificatesReadBack() throws {
        let certificate = try ZMQCertificate.generate(metadata: ["role": "viewer", "streams": "a,b"])
        let paths = try certificate.write(folder: folder, name: "client")
        XCTAssertEqual(paths.map { ($0 as NSString).lastPathComponent }, ["client.key", "client.key_secret"])
        let shared = try ZMQCertificate.load(path: folder + "/client.key")
        XCTAssertEqual(shared.publicKey, certificate.publicKey)
        XCTAssertNil(shared.secretKey, "the public certificate holds the secret key")
        XCTAssertEqual(shared.metadata, ["role": "viewer", "streams": "a,b"])
        XCTAssertEqual(try ZMQCertificate.loadSecret(path: folder + "/client.key_secret"), certificate)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/client.key_secret")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertThrowsError(try certificate.write(folder: folder, name: "client")) { error in
            XCTAssertTrue("\(error)".contains("exists"), "\(error)")
        }
    }

    func testReadsCZMQAndPyzmqText() throws {
        let pair = try ZMQCurve.keyPair()
        // pyzmq writes metadata values bare, CZMQ quotes them; comments and CRLF may appear.
        let text = """
            #   ****  Generated on 2026-12-03 by pyzmq  ****\r
            #   ZeroMQ CURVE **Secret** Certificate

            metadata
                role = operator
                name = 'night shift' 
            curve
                public-key = "\(pair.publicKey)"
                secret-key = "\(pair.secretKey)"
            """
        let certificate = try ZMQCertificate(text: text, name: "t")
        XCTAssertEqual(certificate.keyPair, pair)
        XCTAssertEqual(certificate.metadata, ["role": "operator", "name": "night shift"])
    }

    func testRefusesWhatCannotBeAKey() throws {
        let pair = try ZMQCurve.keyPair(), other = try ZMQCurve.keyPair()
        let cases: [(String, String)] = [
            ("metadata\n", "no `public-key`"),
            ("curve\n    public-key = \"short\"\n", "not a 40-character Z85 key"),
            ("curve\n    public-key = \"\(pair.publicKey)\"\n    secret-key = \"\(other.secretKey)\"\n", "does not belong"),
            ("curve\n    public-key\n", "expected `name = value`"),
            ("metadata\n    ro\"le = x\ncurve\n    public-key = \"\(pair.publicKey)\"\n", "printable"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ZMQCertificate(text: text, name: "t")) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
            }
        }
        try "curve\n    public-key = \"\(pair.publicKey)\"\n".write(toFile: folder + "/public.key", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ZMQCertificate.loadSecret(path: folder + "/public.key")) { error in
            XCTAssertTrue("\(error)".contains("key_secret"), "\(error)")
        }
        XCTAssertThrowsError(try ZMQCertificate.load(path: folder)) { error in
            XCTAssertTrue("\(error)".contains("not a regular file"), "\(error)")
        }
        XCTAssertThrowsError(try ZMQCertificate.load(path: folder + "/missing.key"))
    }

    func testZAPRequestsAndZ85() throws {
        let pair = try ZMQCurve.keyPair()
        // Z85 of 32 key bytes is the 40-character key libzmq prints.
        var bytes = [UInt8](repeating: 0, count: 32)
        XCTAssertNotNil(zmq_z85_decode(&bytes, pair.publicKey))
        XCTAssertEqual(Z85.encode(bytes), pair.publicKey)
        let request = try XCTUnwrap(ZAPRequest(frames: [Array("1.0".utf8), [7], Array("splatd".utf8), Array("127.0.0.1".utf8), [], Array("CURVE".utf8), bytes]))
        XCTAssertEqual(request.curvePublicKey, pair.publicKey)
        XCTAssertEqual(request.reply(status: 200, text: "OK", userID: "u")[2], Array("200".utf8))
        XCTAssertNil(ZAPRequest(frames: [Array("2.0".utf8), [], [], [], [], [], []]))
        XCTAssertNil(ZAPRequest(frames: [Array("1.0".utf8), [7], [], [], [], Array("CURVE".utf8), [1, 2]])?.curvePublicKey)
    }
}
