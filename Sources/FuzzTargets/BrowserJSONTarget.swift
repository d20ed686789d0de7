import SplatProtocol
import SwiftProtobuf

extension FuzzTargets {
    /// What the web gateway reads from a browser: a `Request` in protobuf JSON (`POST
    /// /api/control`, unknown fields refused) and a `DriveFrame` in protobuf JSON (each text
    /// message on `/ws/drive/<avatar>`, unknown fields ignored), with the decoding options the
    /// gateway sets. The gateway's own code links Hummingbird and is not part of this target; it
    /// forwards what decodes to the daemon in binary, so that is done here too.
    static let browserJSON = FuzzTarget(
        name: "browser-json", maximumLength: messageLength,
        summary: "web gateway's JSON: Request and DriveFrame (protobuf JSON), then the daemon's checks on them",
        seeds: {
            ProtocolSeeds.requests.compactMap { try? $0.jsonUTF8Bytes() as [UInt8] }
                + ProtocolSeeds.driveFrames.compactMap { try? $0.jsonUTF8Bytes() as [UInt8] }
        },
        run: { bytes in
            var strict = JSONDecodingOptions()
            strict.ignoreUnknownFields = false
            if let request = try? Splatd_V1_Request(jsonUTF8Bytes: bytes, options: strict), request.body != nil {
                DaemonValidation.validate(request)
            }
            guard bytes.count <= WireLimits.maximumDriveFrameBytes else { return }
            var lenient = JSONDecodingOptions()
            lenient.ignoreUnknownFields = true
            // The gateway gets the message as a String (a WebSocket text message is UTF-8).
            guard let text = String(validating: bytes, as: UTF8.self),
                  let frame = try? Splatd_V1_DriveFrame(jsonString: text, options: lenient), frame.values != nil
            else { return }
            // On to the daemon, as bytes on the drive endpoint.
            FuzzTargets.driveFrame.run(frame.wireBytes())
        })
}
