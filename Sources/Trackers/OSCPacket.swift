/// An OSC 1.0 message: an address and typed arguments.
public struct OSCMessage: Sendable, Equatable {
    public var address: String
    public var arguments: [OSCArgument]

    public init(address: String, arguments: [OSCArgument] = []) {
        self.address = address
        self.arguments = arguments
    }
}

/// One OSC argument. Types a VMC sender may use are kept; the rest of OSC 1.0's types are read
/// (so a message holding them is not refused) and kept as `.other`.
public enum OSCArgument: Sendable, Equatable {
    case int(Int32)
    case float(Float)
    case string(String)
    case blob([UInt8])
    case bool(Bool)
    /// `h`, `d`, `t`, `c`, `r`, `m`, `N`, `I`, `[`, `]`: read and skipped.
    case other(Character)

    /// The argument as a number, if it is one.
    public var number: Float? {
        switch self {
        case let .float(v): return v
        case let .int(v): return Float(v)
        default: return nil
        }
    }
}

/// Decodes OSC 1.0 packets: a message, or a bundle (`#bundle`, a time tag, then size-prefixed
/// elements, which may be bundles again). Time tags are ignored: everything applies on arrival,
/// as VMC receivers do.
///
/// Built for hostile input: every length is checked against the datagram, nesting is bounded,
/// and nothing is allocated beyond the datagram's own size.
public enum OSCPacket {
    /// Deepest bundle nesting read.
    public static let maximumDepth = 8

    /// The messages of a datagram in order, bundles flattened.
    public static func messages(in datagram: [UInt8]) throws(TrackerError) -> [OSCMessage] {
        var out: [OSCMessage] = []
        try read(datagram, range: 0..<datagram.count, depth: 0, into: &out)
        return out
    }

    private static let bundleTag: [UInt8] = Array("#bundle".utf8) + [0]

    private static func read(_ bytes: [UInt8], range: Range<Int>, depth: Int, into out: inout [OSCMessage]) throws(TrackerError) {
        guard !range.isEmpty else { throw .invalid("empty OSC packet") }
        guard range.count % 4 == 0 else { throw .invalid("OSC packet of \(range.count) bytes (not a multiple of 4)") }
        if bytes[range].starts(with: bundleTag) {
            guard depth < maximumDepth else { throw .invalid("OSC bundles nested deeper than \(maximumDepth)") }
            var r = ByteReader(Array(bytes[range]))
            _ = try r.bytes(8, "the bundle tag")
            _ = try r.uint64("the bundle time tag")
            while r.remaining > 0 {
                let size = Int(try r.int32("a bundle element's size"))
                guard size > 0, size <= r.remaining else {
                    throw .invalid("bundle element of \(size) bytes with \(r.remaining) left")
                }
                let start = range.lowerBound + r.offset
                _ = try r.bytes(size, "a bundle element")
                try read(bytes, range: start..<start + size, depth: depth + 1, into: &out)
            }
        } else {
            out.append(try message(Array(bytes[range])))
        }
    }

    private static func message(_ bytes: [UInt8]) throws(TrackerError) -> OSCMessage {
        var r = ByteReader(bytes)
        let address = try string(&r, "the address")
        guard address.hasPrefix("/") else { throw .invalid("OSC address \(address.quotedForMessage) does not start with /") }
        if r.remaining == 0 { return OSCMessage(address: address) }   // OSC 1.0 allows no type tags
        let tags = try string(&r, "the type tags")
        guard tags.hasPrefix(",") else { throw .invalid("OSC type tags \(tags.quotedForMessage) do not start with ,") }
        var arguments: [OSCArgument] = []
        for tag in tags.dropFirst() {
            let what = "an argument of type \(tag)"
            switch tag {
            case "i": arguments.append(.int(try r.int32(what)))
            case "f": arguments.append(.float(try r.float32(what)))
            case "s", "S": arguments.append(.string(try string(&r, what)))
            case "b":
                let size = Int(try r.int32(what))
                guard size >= 0 else { throw .invalid("blob of \(size) bytes") }
                arguments.append(.blob(Array(try r.bytes(size, what))))
                try r.alignToFour(what)
            case "T": arguments.append(.bool(true))
            case "F": arguments.append(.bool(false))
            case "h", "d", "t": _ = try r.uint64(what); arguments.append(.other(tag))
            case "c", "r", "m": _ = try r.uint32(what); arguments.append(.other(tag))
            case "N", "I", "[", "]": arguments.append(.other(tag))
            default: throw .invalid("unknown OSC type tag \(String(tag).quotedForMessage)")
            }
        }
        guard r.remaining == 0 else { throw .trailingBytes(r.remaining) }
        return OSCMessage(address: address, arguments: arguments)
    }

    /// A NUL-terminated string padded to four bytes.
    private static func string(_ r: inout ByteReader, _ what: String) throws(TrackerError) -> String {
        let raw = try r.bytesUntilNul(what)
        try r.alignToFour(what)
        guard let text = String(validating: raw, as: UTF8.self) else { throw .invalid("\(what) is not UTF-8") }
        return text
    }
}

extension OSCMessage {
    /// The message's bytes (for tests and tools that send OSC).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        func pad() { while out.count % 4 != 0 { out.append(0) } }
        func string(_ s: String) { out += Array(s.utf8); out.append(0); pad() }
        func u32(_ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        string(address)
        var tags = ","
        for a in arguments {
            switch a {
            case .int: tags += "i"
            case .float: tags += "f"
            case .string: tags += "s"
            case .blob: tags += "b"
            case let .bool(v): tags += v ? "T" : "F"
            case .other: tags += "N"
            }
        }
        string(tags)
        for a in arguments {
            switch a {
            case let .int(v): u32(UInt32(bitPattern: v))
            case let .float(v): u32(v.bitPattern)
            case let .string(s): string(s)
            case let .blob(b): u32(UInt32(b.count)); out += b; pad()
            case .bool, .other: break
            }
        }
        return out
    }

    /// A bundle of `elements` (already encoded messages or bundles), time tag "immediately".
    public static func bundle(_ elements: [[UInt8]]) -> [UInt8] {
        var out = Array("#bundle".utf8) + [0, 0, 0, 0, 0, 0, 0, 0, 1]
        for e in elements {
            let n = UInt32(e.count)
            out += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + e
        }
        return out
    }
}
