import Foundation
import SplatIO

extension FuzzTargets {
    /// A RIFF/WAVE file (`splatctl speak`, the web gateway's `POST /api/speak`), then the
    /// float conversions speech playback uses.
    static let wav = FuzzTarget(
        name: "wav", maximumLength: fileLength,
        summary: "WAV file (RIFF chunks, PCM 8/16/24/32 and float formats)",
        seeds: { FileSeeds.wav },
        run: { bytes in
            guard let wav = try? WAVFile(data: Data(bytes), path: "fuzz.wav") else { return }
            _ = wav.duration
            _ = wav.floats()
            _ = wav.floats(channel: wav.channels - 1)
        })
}
