import FrameEncoder
import MediaCodecs

/// A stream's encoder: an image codec, whose every frame stands alone, or H.264, whose frames
/// depend on the ones before and which can be asked for a keyframe. Render thread only.
enum StreamEncoder {
    case image(any FrameEncoding)
    case h264(H264Encoder)

    /// The encoder for `settings`.
    init(_ settings: StreamSettings) throws {
        if settings.codec == .h264 {
            do { self = .h264(try H264Encoder(settings: settings.h264Settings)) } catch {
                throw ControlError.invalid("cannot open an H.264 encoder: \(error)")
            }
        } else {
            self = .image(try makeEncoder(for: settings.frameCodec))
        }
    }

    /// Whether this encoder can take `settings` without being rebuilt: an H.264 encoder whose
    /// size, rate and keyframe spacing stay, changing only bitrate or quality live. Applies
    /// the new rate control when it can.
    func adapt(to settings: StreamSettings, from old: StreamSettings) -> Bool {
        guard case .h264(let encoder) = self, settings.codec == .h264 else { return false }
        var unchangedRate = settings
        unchangedRate.bitrateKbps = old.bitrateKbps
        unchangedRate.quality = old.quality
        guard unchangedRate == old else { return false }
        do { try encoder.setRateControl(settings.h264RateControl) } catch { return false }
        return true
    }

    /// Encodes RGB8 `pixels` shown at `presentationUs` into `output`; `keyframe` forces an H.264
    /// keyframe. Returns whether the frame decodes on its own.
    mutating func encode(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, presentationUs: UInt64,
                         keyframe: Bool, into output: inout [UInt8]) throws -> Bool {
        switch self {
        case .image(var encoder):
            try encoder.encode(pixels, width: width, height: height, layout: .rgb8, into: &output)
            self = .image(encoder)
            return true
        case .h264(let encoder):
            if keyframe { encoder.forceKeyframe() }
            return try encoder.encode(pixels, width: width, height: height, layout: .rgb8,
                                      presentationTime: Int64(bitPattern: presentationUs), into: &output).isKeyframe
        }
    }
}
