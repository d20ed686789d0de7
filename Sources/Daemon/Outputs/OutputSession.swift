import Animator
import Foundation
import MediaCodecs

/// One connection of a live output, from its first frame to its end: an H.264 encoder, an
/// audio encoder, the muxer (two for RTP: video and audio sessions) and the time line they
/// share. The output thread owns it.
///
/// The time line starts at the first frame's tick (monotonic). Video is written at the ticks
/// the frames were rendered for. Audio is continuous: the voice at its presentation times,
/// silence between utterances (RTMP and MPEG-TS players expect an audio track that never
/// stops), kept up to just behind the newest frame so that the muxer can interleave.
final class OutputSession {
    /// How far audio may trail the newest frame before silence fills it in: speech is heard a
    /// little after it arrives (its presentation time), so the last moments stay open for it.
    static let audioMarginSeconds = 0.1

    let target: OutputTarget
    let width: Int
    let height: Int
    private let video: H264Encoder
    private let audio: AudioEncoder
    /// The muxers, once connected: one, or for RTP the video's and the audio's.
    private var muxers: [MediaMuxer] = []
    /// Called before a connection is made, to let another thread abort it.
    private let onMuxer: (MuxerInterrupt) -> Void
    /// The first frame's tick; the time line's zero.
    private var origin: Double?
    private var lastVideoTime: Int64 = -1
    /// Audio samples (48 kHz mono) encoded since `origin`.
    private var audioCursor: Int64 = 0
    private var resampler: PCMResampler?
    private var pcm: [Int16] = []
    /// The SDP written for RTP.
    private(set) var sessionDescription: String?

    /// What went out: frames, audio packets, bytes.
    private(set) var framesWritten: UInt64 = 0
    private(set) var audioPacketsWritten: UInt64 = 0
    private(set) var bytesWritten: UInt64 = 0

    /// Prepares the encoders for frames of `width`×`height`; connects at the first frame.
    init(target: OutputTarget, width: Int, height: Int, video settings: H264Settings,
         onMuxer: @escaping (MuxerInterrupt) -> Void) throws {
        self.target = target
        self.width = width
        self.height = height
        self.onMuxer = onMuxer
        video = try H264Encoder(settings: settings)
        audio = try AudioEncoder(settings: AudioSettings(codec: target.audioCodec, sampleRate: AudioSettings.outputSampleRate, channels: 1))
    }

    /// Whether the muxer is connected (the first frame went out).
    var isConnected: Bool { !muxers.isEmpty }

    /// Encodes and writes a frame rendered for `tick` (monotonic seconds); the first one
    /// connects. Throws when the connection or the write fails.
    func write(_ pixels: [UInt8], tick: Double) throws {
        let origin = self.origin ?? tick
        self.origin = origin
        let time = Int64(((tick - origin) * 1e6).rounded())
        guard time > lastVideoTime else { return }
        let unit = try video.encode(pixels, width: width, height: height, presentationTime: time)
        if muxers.isEmpty { try connect(firstKeyframe: unit.bytes) }
        let muxer = muxers[0]
        muxer.interrupt.setDeadline(seconds: 5)
        defer { muxer.interrupt.clearDeadline() }
        try muxer.writeVideo(unit.bytes, time: time, keyframe: unit.info.isKeyframe)
        lastVideoTime = time
        framesWritten += 1
        bytesWritten += UInt64(unit.bytes.count)
        try fillSilence(upTo: tick - Self.audioMarginSeconds)
    }

    /// Adds received speech at its presentation times (skipping what overlaps audio already
    /// written, dropping speech before the first frame).
    func addSpeech(_ pieces: [SpeechChannel.SpeechAudio]) throws {
        guard let origin, isConnected else { return }
        for piece in pieces where !piece.samples.isEmpty {
            if resampler?.inputRate != piece.sampleRate || resampler?.channels != piece.channels {
                resampler = try PCMResampler(inputRate: piece.sampleRate, channels: piece.channels, outputChannels: 1)
            }
            var samples: [Int16] = []
            try piece.samples.withUnsafeBufferPointer { try resampler!.resample($0, appendingTo: &samples) }
            let start = Int64(((piece.presentation - origin) * Double(AudioSettings.outputSampleRate)).rounded())
            if start > audioCursor {
                try encodeAudio([Int16](repeating: 0, count: Int(start - audioCursor)))
            }
            let overlap = Int(max(0, audioCursor - start))
            if overlap < samples.count { try encodeAudio(Array(samples[overlap...])) }
        }
    }

    /// Ends the connection: the encoders' last packets and the container's trailer (a file's
    /// index). Errors are ignored: the connection is going anyway.
    func finish() {
        guard isConnected else { return }
        for muxer in muxers {
            muxer.interrupt.setDeadline(seconds: 2)
            try? muxer.finish()
        }
        muxers = []
    }

    /// Drops the connection without a trailer (the server is gone).
    func abandon() {
        for muxer in muxers { muxer.interrupt.cancel() }
        muxers = []
    }

    // MARK: - Private

    private func connect(firstKeyframe: [UInt8]) throws {
        let fps = video.settings.fps
        var opened: [MediaMuxer] = []
        if target.kind == .rtp, let audioURL = target.audioURL {
            let v = try MediaMuxer(url: target.url, format: "rtp")
            try v.addH264Video(width: width, height: height, keyframe: firstKeyframe, frameRate: fps)
            let a = try MediaMuxer(url: audioURL, format: "rtp")
            try a.addAudio(from: audio)
            opened = [v, a]
        } else {
            let m = try MediaMuxer(url: target.url, format: target.format)
            try m.addH264Video(width: width, height: height, keyframe: firstKeyframe, frameRate: fps)
            try m.addAudio(from: audio)
            opened = [m]
        }
        for m in opened {
            m.ioOptions = target.ioOptions
            m.maxInterleaveDelta = 500_000
            // Audio starts with the encoder's priming: shift the time line so nothing is negative.
            m.origin = -Int64(audio.preSkip) * 1_000_000 / Int64(AudioSettings.outputSampleRate)
            onMuxer(m.interrupt)
            m.interrupt.setDeadline(seconds: 10)
            defer { m.interrupt.clearDeadline() }
            try m.start(options: target.muxerOptions)
        }
        muxers = opened
        if target.kind == .rtp, let path = target.sdpPath {
            let sdp = try MediaMuxer.sessionDescription(opened)
            try Data(sdp.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            sessionDescription = sdp
        }
    }

    /// Silence from the audio written so far up to `tick`.
    private func fillSilence(upTo tick: Double) throws {
        guard let origin else { return }
        let target = Int64(((tick - origin) * Double(AudioSettings.outputSampleRate)).rounded())
        if target > audioCursor { try encodeAudio([Int16](repeating: 0, count: Int(target - audioCursor))) }
    }

    /// Encodes samples that continue the audio at `audioCursor` and writes the packets.
    private func encodeAudio(_ samples: [Int16]) throws {
        let time = audioCursor * 1_000_000 / Int64(AudioSettings.outputSampleRate)
        audioCursor += Int64(samples.count)
        let muxer = muxers[muxers.count - 1]
        muxer.interrupt.setDeadline(seconds: 5)
        defer { muxer.interrupt.clearDeadline() }
        for packet in try audio.encode(samples, presentationTime: time) {
            try muxer.writeAudio(packet.bytes, time: packet.presentationTime, duration: packet.durationMicroseconds)
            audioPacketsWritten += 1
            bytesWritten += UInt64(packet.bytes.count)
        }
    }
}
