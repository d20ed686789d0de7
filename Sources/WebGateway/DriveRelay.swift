import Foundation
import HummingbirdWebSocket
import SplatCore
import SplatIO
import SplatProtocol
import SwiftProtobuf

/// `/ws/drive/<avatar>`: each text message is a `DriveFrame` in protobuf JSON (the page's
/// sliders); the gateway names the avatar, numbers the frames and stamps the send time, then
/// publishes them on the drive endpoint. A message that is not a drive frame, or holds a
/// value that is not a finite number, or is larger than a drive frame may be, is answered with
/// `{"error": "…"}` and skipped; a frame beyond the server's limit (256 KiB) closes the socket
/// (1009).
struct DriveRelay {
    let link: DaemonLink
    let avatarID: String

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var sequence: UInt64 = 0
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        for try await message in inbound.messages(maxSize: WireLimits.maximumDriveFrameBytes) {
            guard case .text(let text) = message else {
                try await outbound.write(.text(GatewayReply.error("send drive frames as text: a DriveFrame in JSON")))
                continue
            }
            // A message in one frame is bounded only by the server's frame size: check it here.
            guard text.utf8.count <= WireLimits.maximumDriveFrameBytes else {
                try await outbound.write(.text(GatewayReply.error(
                    "\(text.utf8.count) bytes is larger than a drive frame may be (\(WireLimits.maximumDriveFrameBytes)): dropped")))
                continue
            }
            guard var frame = try? Splatd_V1_DriveFrame(jsonString: text, options: options), frame.values != nil else {
                try await outbound.write(.text(GatewayReply.error(
                    "not a DriveFrame in JSON with values, e.g. {\"arkit\": {\"weights\": [52 numbers]}}: \(text.quotedForMessage)")))
                continue
            }
            if let problem = frame.nonFiniteValue {
                try await outbound.write(.text(GatewayReply.error("\(problem) is not a finite number: the frame is dropped")))
                continue
            }
            sequence += 1
            frame.avatarID = avatarID
            frame.sequence = sequence
            if frame.senderTimeUs == 0 { frame.senderTimeUs = wallClockMicroseconds() }
            try link.send(frame)
        }
    }
}

/// `/ws/audio/<avatar>?rate=48000`: binary messages of 16-bit little-endian mono PCM (the
/// page's microphone) become the avatar's speech; `{"end":true}` ends an utterance. Anything
/// else is answered with `{"error": "…"}`.
struct AudioRelay {
    let link: DaemonLink
    let avatarID: String
    let sampleRate: Int

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var sequence: UInt64 = 0
        func chunk(_ bytes: Data, end: Bool) throws {
            sequence += 1
            try link.send(Splatd_V1_AudioChunk.with {
                $0.avatarID = avatarID
                $0.sequence = sequence
                $0.senderTimeUs = wallClockMicroseconds()
                $0.sampleRate = UInt32(sampleRate)
                $0.channels = 1
                $0.samplesS16Le = bytes
                $0.endOfStream = end
            })
        }
        for try await message in inbound.messages(maxSize: WireLimits.maximumAudioChunkBytes - 1024) {
            switch message {
            case .binary(let buffer) where buffer.readableBytes % 2 == 0:
                try chunk(Data(buffer.readableBytesView), end: false)
            case .binary(let buffer):
                try await outbound.write(.text(GatewayReply.error("\(buffer.readableBytes) bytes is not whole 16-bit samples: dropped")))
            case .text(let text) where text.contains("\"end\""):
                try chunk(Data(), end: true)
            case .text:
                try await outbound.write(.text(GatewayReply.error("send 16-bit little-endian mono PCM as binary messages, or {\"end\": true}")))
            }
        }
    }
}

/// `POST /api/speak/<avatar>` with a WAV body: sent to the avatar in 20 ms chunks paced in real
/// time, on a thread of its own (the reply does not wait for the speech to end).
enum SpeechUpload {
    static func start(_ wav: WAVFile, avatarID: String, link: DaemonLink) {
        let frames = max(1, wav.sampleRate / 50)
        let chunks = (wav.frameCount + frames - 1) / frames
        let thread = Thread {
            let start = monotonicSeconds()
            for k in 0..<chunks {
                let range = (k * frames * wav.channels)..<min(wav.samples.count, (k + 1) * frames * wav.channels)
                try? link.send(Splatd_V1_AudioChunk.with {
                    $0.avatarID = avatarID
                    $0.sequence = UInt64(k + 1)
                    $0.senderTimeUs = wallClockMicroseconds()
                    $0.sampleRate = UInt32(wav.sampleRate)
                    $0.channels = UInt32(wav.channels)
                    $0.samplesS16Le = wav.samples[range].withUnsafeBufferPointer { Data(buffer: $0) }
                    $0.endOfStream = k == chunks - 1
                })
                let due = start + Double(k + 1) * Double(frames) / Double(wav.sampleRate)
                let wait = due - monotonicSeconds()
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
        }
        thread.name = "splatd-web-speech"
        thread.start()
    }
}

/// The text messages the gateway sends a browser about what it sent.
enum GatewayReply {
    /// `{"error": "…"}`.
    static func error(_ message: String) -> String {
        let escaped = message.unicodeScalars.map { c -> String in
            switch c {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case _ where c.value < 0x20: return String(format: "\\u%04x", c.value)
            default: return String(c)
            }
        }.joined()
        return "{\"error\":\"\(escaped)\"}"
    }
}

extension Splatd_V1_DriveFrame {
    /// The first value that is NaN or infinite, named (`arkit.weights[3]`), or nil.
    var nonFiniteValue: String? {
        func vec(_ v: Splatd_V1_Vec3) -> [Float] { [v.x, v.y, v.z] }
        let fields: [(String, [Float])]
        switch values {
        case .arkit(let a)?:
            fields = [("arkit.weights", a.weights), ("arkit.named", Array(a.named.values)),
                      ("arkit.head_rotation", vec(a.headRotation)), ("arkit.head_translation", vec(a.headTranslation)),
                      ("arkit.left_eye_rotation", vec(a.leftEyeRotation)), ("arkit.right_eye_rotation", vec(a.rightEyeRotation))]
        case .flame(let f)?:
            fields = [("flame.expr", f.expr), ("flame.jaw_pose", vec(f.jawPose)), ("flame.neck_pose", vec(f.neckPose)),
                      ("flame.left_eye_pose", vec(f.leftEyePose)), ("flame.right_eye_pose", vec(f.rightEyePose)),
                      ("flame.rotation", vec(f.rotation)), ("flame.translation", vec(f.translation)), ("flame.eyelids", f.eyelids)]
        case nil:
            return nil
        }
        for (name, values) in fields {
            if let i = values.firstIndex(where: { !$0.isFinite }) { return "\(name)[\(i)]" }
        }
        return nil
    }
}
