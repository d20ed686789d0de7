import NIOCore
import SplatProtocol
import SwiftProtobuf

/// How frames and voice packets travel to the browser: one binary WebSocket message each,
///
///     [kind: 1 byte][N: 4 bytes, big-endian][N bytes: the meta as protobuf JSON][payload]
///
/// kind 1: a frame (`FrameMeta`, the encoded image); kind 2: a voice packet (`AudioMeta`, one
/// Opus packet). JSON keeps the page free of a protobuf library; the image stays binary. As
/// protobuf's JSON mapping writes it, 64-bit fields are strings and fields at their default
/// (`CODEC_JPEG`, `false`, 0) are left out.
enum BrowserEnvelope {
    static let frameKind: UInt8 = 1
    static let audioKind: UInt8 = 2

    static func encode(kind: UInt8, meta: some SwiftProtobuf.Message, payload: [UInt8]) throws -> ByteBuffer {
        let json = Array(try meta.jsonString().utf8)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(5 + json.count + payload.count)
        buffer.writeInteger(kind)
        buffer.writeInteger(UInt32(json.count), endianness: .big)
        buffer.writeBytes(json)
        buffer.writeBytes(payload)
        return buffer
    }
}
