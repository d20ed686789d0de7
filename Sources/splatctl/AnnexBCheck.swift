/// Checks that an H.264 frame is one access unit in Annex B form: NAL units after start codes
/// (`00 00 01` or `00 00 00 01`), and a keyframe carries SPS (7), PPS (8) and an IDR slice (5).
enum AnnexBCheck {
    /// The NAL unit types in `bytes`, in order; nil if it does not start with a start code.
    static func nalTypes(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.starts(with: [0, 0, 1]) || bytes.starts(with: [0, 0, 0, 1]) else { return nil }
        var types: [UInt8] = []
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                types.append(bytes[i + 3] & 0x1F)
                i += 3
            } else {
                i += 1
            }
        }
        return types
    }

    /// Nil when `image` looks like a valid access unit (`keyframe`: with SPS, PPS and IDR);
    /// otherwise what is wrong.
    static func problem(in image: [UInt8], keyframe: Bool = false) -> String? {
        guard let types = nalTypes(image) else { return "does not start with an Annex B start code" }
        guard types.contains(where: { $0 == 1 || $0 == 5 }) else { return "holds no picture slice (NAL types \(types))" }
        if keyframe, !(types.contains(7) && types.contains(8) && types.contains(5)) {
            return "is marked as a keyframe but lacks SPS, PPS or an IDR slice (NAL types \(types))"
        }
        return nil
    }
}
