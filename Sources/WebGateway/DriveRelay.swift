import Foundation
import HummingbirdWebSocket
import SplatCore
import SplatIO
import SplatProtocol
import SwiftProtobuf

/// `/ws/drive/<avatar>`: each text message is a `DriveFrame` in protobuf JSON (the page's
/// sliders); the gateway names the avatar, numbers the frames and stamps the send time, then
/// publishes them on the drive endpoint. Messages that do not parse are counted and skipped.
struct DriveRelay {
    let link: DaemonLink
    let avatarID: String

    func run(inbound: WebSocketInboundStream) async throws {
        var sequence: UInt64 = 0
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        for try await message in inbound.messages(maxSize: WireLimits.maximumDriveFrameBytes) {
            guard case .text(let text) = message, var frame = try? Splatd_V1_DriveFrame(jsonString: text, options: options) else {
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
/// page's microphone) become the avatar's speech; `{"end":true}` ends an utterance.
struct AudioRelay {
    let link: DaemonLink
    let avatarID: String
    let sampleRate: Int

    func run(inbound: WebSocketInboundStream) async throws {
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
            case .text(let text) where text.contains("\"end\""):
                try chunk(Data(), end: true)
            default:
                continue
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
