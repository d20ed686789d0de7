import Foundation
import SplatCore
import SplatProtocol

/// Valid protocol messages to start fuzzing from: one of each request body, drive frames in
/// both vocabularies, audio chunks in the formats the speech channel accepts.
enum ProtocolSeeds {
    static var requests: [Splatd_V1_Request] {
        func request(_ id: UInt64, _ body: Splatd_V1_Request.OneOf_Body) -> Splatd_V1_Request {
            .with { $0.requestID = id; $0.version = WireLimits.version; $0.body = body }
        }
        return [
            request(1, .ping(.init())),
            request(2, .loadAvatar(.with { $0.avatarID = "a1"; $0.path = "/tmp/avatar.ply"; $0.rigPath = "/tmp/rig.npz" })),
            request(3, .openStream(.with {
                $0.streamID = "s1"; $0.avatarID = "demo"; $0.width = 320; $0.height = 240; $0.fps = 25
                $0.codec = .png; $0.quality = 6; $0.background = .with { $0.x = 1; $0.y = 0.5; $0.z = 0 }
                $0.orbit = .with { $0.distance = 1.2; $0.yawDegrees = 30; $0.pitchDegrees = -10; $0.fovYDegrees = 25 }
            })),
            request(4, .openStream(.with {
                $0.avatarID = "demo"; $0.width = 640; $0.height = 360; $0.codec = .h264; $0.bitrateKbps = 800; $0.gopSeconds = 1
                $0.camera = .with {
                    $0.fx = 500; $0.fy = 500; $0.cx = 320; $0.cy = 180
                    $0.worldToCamera = [1, 0, 0, 0, 0, 1, 0, -1.6, 0, 0, 1, 1, 0, 0, 0, 1]
                }
            })),
            request(5, .updateStream(.with {
                $0.streamID = "s1"; $0.width = 256; $0.fps = 60; $0.quality = 90; $0.convention = .inria
                $0.orbit = .with { $0.yawDegrees = -45 }; $0.avatarID = "demo"; $0.gopSeconds = 3
            })),
            request(6, .closeStream(.with { $0.streamID = "s1" })),
            request(7, .setMixing(.with {
                $0.avatarID = "demo"; $0.mixing = .with { $0.jawAndMouth = .tracker; $0.headPose = .audio }
            })),
            request(8, .startOutput(.with { $0.streamID = "default"; $0.url = "rtmp://127.0.0.1:1935/live/key"; $0.bitrateKbps = 1500 })),
            request(9, .startOutput(.with { $0.streamID = "default"; $0.url = "take.mp4"; $0.outputID = "rec" })),
            request(10, .startOutput(.with { $0.url = "rtp://127.0.0.1:5004" })),
            request(11, .getStatus(.init())),
        ]
    }

    static var driveFrames: [Splatd_V1_DriveFrame] {
        func vec(_ x: Float, _ y: Float, _ z: Float) -> Splatd_V1_Vec3 { .with { $0.x = x; $0.y = y; $0.z = z } }
        return [
            .with {
                $0.avatarID = "demo"; $0.sequence = 1; $0.senderTimeUs = 1_000_000
                $0.arkit = .with {
                    $0.weights = (0..<ARKitNames.all.count).map { Float($0 % 5) / 5 }
                    $0.headRotation = vec(0.1, -0.2, 0.05); $0.leftEyeRotation = vec(0, 0.1, 0)
                }
            },
            .with {
                $0.sequence = 2
                $0.arkit = .with { $0.named = ["jawOpen": 0.7, "eyeBlinkLeft": 1]; $0.headTranslation = vec(0, 0, 0.01) }
            },
            .with {
                $0.avatarID = "demo"; $0.sequence = 3
                $0.flame = .with {
                    $0.expr = (0..<50).map { Float($0 % 7) / 7 - 0.5 }
                    $0.jawPose = vec(0.2, 0, 0); $0.neckPose = vec(0, 0.1, 0); $0.rotation = vec(0, 0, 0.1)
                    $0.translation = vec(0, 0, 0); $0.eyelids = [0.2, 0.3]
                }
            },
        ]
    }

    static var audioChunks: [Splatd_V1_AudioChunk] {
        /// A tone as s16le, `frames` frames of `channels` channels.
        func tone(_ frames: Int, rate: Int, channels: Int) -> Data {
            var out = Data()
            for i in 0..<frames {
                let v = Int16(8000 * sin(2 * Double.pi * 220 * Double(i) / Double(rate)))
                for _ in 0..<channels { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
            }
            return out
        }
        return [
            .with { $0.avatarID = "demo"; $0.sequence = 1; $0.sampleRate = 16000; $0.channels = 1; $0.samplesS16Le = tone(320, rate: 16000, channels: 1) },
            .with { $0.avatarID = "demo"; $0.sequence = 2; $0.sampleRate = 48000; $0.channels = 2; $0.samplesS16Le = tone(480, rate: 48000, channels: 2) },
            .with { $0.avatarID = "demo"; $0.sequence = 3; $0.sampleRate = 8000; $0.samplesS16Le = tone(800, rate: 8000, channels: 1); $0.endOfStream = true },
        ]
    }
}
