import CZeroMQ

/// `zmq_getsockopt` / `zmq_setsockopt` for the C value shapes libzmq uses.
enum RawSocketOption {
    static func getInt32(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String) throws -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(socket, code, &value, &size) == 0 else { throw ZMQError.last("getsockopt \(name)") }
        return value
    }

    static func setInt32(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String, _ value: Int32) throws {
        var value = value
        guard zmq_setsockopt(socket, code, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("setsockopt \(name) \(value)")
        }
    }

    static func getInt64(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String) throws -> Int64 {
        var value: Int64 = 0
        var size = MemoryLayout<Int64>.size
        guard zmq_getsockopt(socket, code, &value, &size) == 0 else { throw ZMQError.last("getsockopt \(name)") }
        return value
    }

    static func setInt64(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String, _ value: Int64) throws {
        var value = value
        guard zmq_setsockopt(socket, code, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("setsockopt \(name) \(value)")
        }
    }

    /// Reads a binary or string option into a buffer of `capacity` bytes; returns the bytes
    /// libzmq reported (for strings, including the terminating NUL).
    static func getBytes(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String, capacity: Int) throws -> [UInt8] {
        var size = capacity
        var bytes = [UInt8](repeating: 0, count: capacity)
        let rc = bytes.withUnsafeMutableBytes { zmq_getsockopt(socket, code, $0.baseAddress, &size) }
        guard rc == 0 else { throw ZMQError.last("getsockopt \(name)") }
        bytes.removeSubrange(min(size, capacity)...)
        return bytes
    }

    static func setBytes(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String, _ bytes: UnsafeRawBufferPointer) throws {
        var empty: UInt8 = 0
        let rc = withUnsafeMutablePointer(to: &empty) { emptyPointer in
            zmq_setsockopt(socket, code, bytes.baseAddress ?? UnsafeRawPointer(emptyPointer), bytes.count)
        }
        guard rc == 0 else { throw ZMQError.last("setsockopt \(name)") }
    }

    /// Reads a NUL-terminated string option.
    static func getString(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String, capacity: Int) throws -> String {
        let bytes = try getBytes(socket, code, name, capacity: capacity)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Writes a string option with its terminating NUL (the form libzmq expects for Z85 keys).
    static func setString(_ socket: UnsafeMutableRawPointer, _ code: Int32, _ name: String, _ value: String) throws {
        var bytes = Array(value.utf8)
        bytes.append(0)
        try bytes.withUnsafeBytes { try setBytes(socket, code, name, $0) }
    }
}
