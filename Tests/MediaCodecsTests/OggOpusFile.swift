import CFFmpeg
import Foundation
import MediaCodecs

/// Writes Opus packets into an Ogg file with libavformat's `ogg` muxer, so that the `ffmpeg`
/// command-line tool can decode them.
enum OggOpusFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `packets` (pts shifted so that the first input sample is at 0) to `url`.
    static func write(_ packets: [AudioPacket], encoder: AudioEncoder, startPTS: Int64, to url: URL) throws {
        func check(_ status: Int32, _ what: String) throws {
            guard status >= 0 else { throw Failure(description: "\(what) failed: \(status)") }
        }
        var format: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_alloc_output_context2(&format, nil, "ogg", url.path), "avformat_alloc_output_context2")
        guard let format else { throw Failure(description: "no format context") }
        defer { avformat_free_context(format) }
        guard let stream = avformat_new_stream(format, nil), let parameters = stream.pointee.codecpar else {
            throw Failure(description: "avformat_new_stream failed")
        }
        parameters.pointee.codec_type = AVMEDIA_TYPE_AUDIO
        parameters.pointee.codec_id = AV_CODEC_ID_OPUS
        parameters.pointee.sample_rate = 48_000
        parameters.pointee.initial_padding = Int32(encoder.preSkip)
        av_channel_layout_default(&parameters.pointee.ch_layout, Int32(encoder.settings.channels))
        // The OpusHead, in a buffer libavformat owns (freed with the stream), padded as it requires.
        let extradata = encoder.extradata
        guard let buffer = av_mallocz(extradata.count + Int(AV_INPUT_BUFFER_PADDING_SIZE)) else {
            throw Failure(description: "av_mallocz failed")
        }
        buffer.copyMemory(from: extradata, byteCount: extradata.count)
        parameters.pointee.extradata = buffer.assumingMemoryBound(to: UInt8.self)
        parameters.pointee.extradata_size = Int32(extradata.count)
        stream.pointee.time_base = AVRational(num: 1, den: 48_000)

        try check(avio_open(&format.pointee.pb, url.path, AVIO_FLAG_WRITE), "avio_open")
        defer { avio_closep(&format.pointee.pb) }
        try check(avformat_write_header(format, nil), "avformat_write_header")
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else { throw Failure(description: "av_packet_alloc failed") }
        for opus in packets {
            try check(av_new_packet(packet, Int32(opus.bytes.count)), "av_new_packet")
            opus.bytes.withUnsafeBytes { UnsafeMutableRawPointer(packet.pointee.data).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            packet.pointee.pts = opus.pts - startPTS
            packet.pointee.dts = opus.pts - startPTS
            packet.pointee.duration = Int64(opus.duration)
            packet.pointee.stream_index = 0
            av_packet_rescale_ts(packet, AVRational(num: 1, den: 48_000), stream.pointee.time_base)
            // av_write_frame takes the packet's reference and leaves it blank.
            try check(av_write_frame(format, packet), "av_write_frame")
            av_packet_unref(packet)
        }
        try check(av_write_trailer(format), "av_write_trailer")
    }
}
