import XCTest
import ZeroMQ

final class CurveTests: XCTestCase {
    func testKeyPairsAndEncryptedRoundTrip() throws {
        try XCTSkipUnless(ZMQCurve.isAvailable, "libzmq built without CURVE")
        let serverKeys = try ZMQCurve.keyPair()
        let clientKeys = try ZMQCurve.keyPair()
        XCTAssertEqual(serverKeys.publicKey.count, 40)
        XCTAssertEqual(serverKeys.secretKey.count, 40)
        XCTAssertNotEqual(serverKeys, clientKeys)
        XCTAssertEqual(try ZMQCurve.publicKey(forSecretKey: serverKeys.secretKey), serverKeys.publicKey)
        XCTAssertFalse("\(serverKeys)".contains(serverKeys.secretKey))

        let context = try ZMQContext()
        let server = try boundedSocket(context, .rep)
        try server.set(.curveServer, true)
        try server.set(.curveSecretKey, serverKeys.secretKey)
        XCTAssertTrue(try server.get(.curveServer))
        let endpoint = try server.bind("tcp://127.0.0.1:*")

        let client = try boundedSocket(context, .req)
        try client.set(.curveServerKey, serverKeys.publicKey)
        try client.set(.curvePublicKey, clientKeys.publicKey)
        try client.set(.curveSecretKey, clientKeys.secretKey)
        XCTAssertEqual(try client.get(.curveServerKey), serverKeys.publicKey)
        XCTAssertEqual(try client.get(.curvePublicKey), clientKeys.publicKey)
        try client.connect(endpoint)

        try client.send("secret request")
        XCTAssertEqual(try server.receiveString(), "secret request")
        try server.send("secret reply")
        XCTAssertEqual(try client.receiveString(), "secret reply")
    }

    func testMalformedKeysAreRejected() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.req)
        XCTAssertThrowsError(try socket.set(.curveServerKey, "too short")) { error in
            XCTAssertEqual((error as? ZMQError)?.errno, EINVAL)
        }
        XCTAssertThrowsError(try ZMQCurve.publicKey(forSecretKey: "x"))
    }
}
