import SplatProtocol
import SwiftProtobuf

extension FuzzTargets {
    /// The audio endpoint: one `AudioChunk` frame, decoded as `IOLoop.drainAudio` decodes it,
    /// then fed to an avatar's speech channel as `AvatarSlot.receiveAudio` feeds it (format
    /// checks, resampling, speech analysis, playout queue).
    static let audioChunk = FuzzTarget(
        name: "audio", maximumLength: messageLength,
        summary: "AudioChunk (protobuf) + SpeechChannel validation, resampling and analysis",
        seeds: { ProtocolSeeds.audioChunks.map { $0.wireBytes() } },
        run: { bytes in
            guard let chunk = try? Splatd_V1_AudioChunk.decode(
                wire: bytes, limit: WireLimits.maximumAudioChunkBytes, what: "audio chunk") else { return }
            DaemonValidation.apply(chunk)
        })
}
