/// Reading the NAL units of an Annex B H.264 byte stream (start-code delimited), for
/// inspecting `H264Encoder` output and for muxers that want length-prefixed NAL units.
public enum AnnexB {
    /// One NAL unit: where its bytes (without the start code) are and its type.
    public struct NALUnit: Sendable, Hashable {
        /// `nal_unit_type`: 1 non-IDR slice, 5 IDR slice, 6 SEI, 7 SPS, 8 PPS, 9 AUD.
        public var type: UInt8
        /// The NAL unit's bytes in the buffer, header byte first, start code excluded.
        public var range: Range<Int>
    }

    /// The NAL units of `bytes`, in order. Bytes before the first start code are skipped.
    public static func nalUnits(in bytes: [UInt8]) -> [NALUnit] {
        var starts: [(codeStart: Int, payload: Int)] = []
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0, bytes[i + 1] == 0, bytes[i + 2] == 1 {
                // A four-byte start code is a zero byte followed by a three-byte one.
                let codeStart = i > 0 && bytes[i - 1] == 0 ? i - 1 : i
                starts.append((codeStart, i + 3))
                i += 3
            } else {
                i += 1
            }
        }
        var units: [NALUnit] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1].codeStart : bytes.count
            guard start.payload < end else { continue }
            units.append(NALUnit(type: bytes[start.payload] & 0x1F, range: start.payload..<end))
        }
        return units
    }
}
