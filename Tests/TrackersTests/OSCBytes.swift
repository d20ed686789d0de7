/// OSC 1.0 encoding written out in the tests, independent of the decoder under test: strings
/// NUL-terminated and padded to four bytes, big-endian int32/float32, bundles as `#bundle`, a
/// time tag and size-prefixed elements.
enum OSCBytes {
    enum Value {
        case s(String), f(Float), i(Int32), b([UInt8]), t, n
    }

    static func padded(_ s: String) -> [UInt8] {
        var out = Array(s.utf8) + [0]
        while out.count % 4 != 0 { out.append(0) }
        return out
    }

    static func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func message(_ address: String, _ values: Value...) -> [UInt8] {
        var tags = ",", data: [UInt8] = []
        for v in values {
            switch v {
            case let .s(s): tags += "s"; data += padded(s)
            case let .f(f): tags += "f"; data += be(f.bitPattern)
            case let .i(i): tags += "i"; data += be(UInt32(bitPattern: i))
            case let .b(b):
                tags += "b"; data += be(UInt32(b.count)) + b
                while data.count % 4 != 0 { data.append(0) }
            case .t: tags += "T"
            case .n: tags += "N"
            }
        }
        return padded(address) + padded(tags) + data
    }

    static func bundle(_ elements: [UInt8]...) -> [UInt8] {
        var out = padded("#bundle") + [0, 0, 0, 0, 0, 0, 0, 1]
        for e in elements { out += be(UInt32(e.count)) + e }
        return out
    }

    static func val(_ name: String, _ value: Float) -> [UInt8] { message("/VMC/Ext/Blend/Val", .s(name), .f(value)) }
    static let apply = message("/VMC/Ext/Blend/Apply")

    /// A bone in Unity's axes: rotation quaternion (x, y, z, w).
    static func bone(_ name: String, _ q: (Float, Float, Float, Float)) -> [UInt8] {
        message("/VMC/Ext/Bone/Pos", .s(name), .f(0), .f(1.5), .f(0), .f(q.0), .f(q.1), .f(q.2), .f(q.3))
    }
}
