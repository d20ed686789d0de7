import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends UDP datagrams to a loopback port, as a phone or a VMC performer would.
final class UDPSender {
    private let fd: Int32
    private var target = sockaddr_in()

    init(port: UInt16) {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &target.sin_addr)
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The port of a `udp://host:port` endpoint.
    static func port(of endpoint: String?) throws -> UInt16 {
        guard let endpoint, let text = endpoint.split(separator: ":").last, let port = UInt16(text) else {
            throw HarnessError("no UDP endpoint in \(endpoint ?? "nil")")
        }
        return port
    }
}

/// Live Link Face datagrams written out from the app's layout (big-endian; strings as an int32
/// length and UTF-8 bytes), independent of the daemon's decoder.
enum LiveLinkDatagram {
    static let names = """
        EyeBlinkLeft EyeLookDownLeft EyeLookInLeft EyeLookOutLeft EyeLookUpLeft EyeSquintLeft EyeWideLeft \
        EyeBlinkRight EyeLookDownRight EyeLookInRight EyeLookOutRight EyeLookUpRight EyeSquintRight EyeWideRight \
        JawForward JawRight JawLeft JawOpen MouthClose MouthFunnel MouthPucker MouthRight MouthLeft MouthSmileLeft \
        MouthSmileRight MouthFrownLeft MouthFrownRight MouthDimpleLeft MouthDimpleRight MouthStretchLeft \
        MouthStretchRight MouthRollLower MouthRollUpper MouthShrugLower MouthShrugUpper MouthPressLeft \
        MouthPressRight MouthLowerDownLeft MouthLowerDownRight MouthUpperUpLeft MouthUpperUpRight BrowDownLeft \
        BrowDownRight BrowInnerUp BrowOuterUpLeft BrowOuterUpRight CheekPuff CheekSquintLeft CheekSquintRight \
        NoseSneerLeft NoseSneerRight TongueOut HeadYaw HeadPitch HeadRoll LeftEyeYaw LeftEyePitch LeftEyeRoll \
        RightEyeYaw RightEyePitch RightEyeRoll
        """.split(separator: " ").map(String.init)

    static func make(subject: String = "iPhone", frame: Int32 = 0, _ named: [String: Float] = [:], count: UInt8? = nil,
                     values: [Float]? = nil) -> [UInt8] {
        var out: [UInt8] = [6]
        func u32(_ v: UInt32) { out += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        func string(_ s: String) { u32(UInt32(s.utf8.count)); out += Array(s.utf8) }
        string("5B0E2B6C-8E7E-4F7B-9C1D-2A8F00C0FFEE")
        string(subject)
        u32(UInt32(bitPattern: frame)); u32(Float(0).bitPattern); u32(60); u32(1)
        let values = values ?? names.map { named[$0] ?? 0 }
        out.append(count ?? UInt8(values.count))
        for v in values { u32(v.bitPattern) }
        return out
    }
}
