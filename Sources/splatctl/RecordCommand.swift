import ArgumentParser
import Foundation
import FrameEncoder
import MediaCodecs
import SplatCore
import SplatProtocol
import ZeroMQ

/// `splatctl record STREAM --seconds S --out FILE.mp4|.mkv`: a stream's picture and voice in a
/// file that keeps real time.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a stream's frames and voice into an MP4 or Matroska file that keeps real time.",
        discussion: """
            Subscribes to frames/STREAM and audio/STREAM and writes H.264 video with the avatar's \
            Opus voice into FILE (.mp4 or .mkv). Every frame is placed at its frame_time_us and \
            every voice packet at its presentation_time_us, on the daemon's one clock, so the \
            file lasts as long as the recording and the voice stays on the lips whatever frame \
            rate the daemon reached. H.264 streams are copied from their first keyframe; JPEG, \
            PNG and raw streams are decoded and encoded as H.264 (CRF 20). Stops after S seconds \
            of frame time or at Ctrl-C, closes the file properly and prints one summary line. \
            .mkv suits long recordings with pauses in the speech best.
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The stream to record (see `splatctl streams`).", valueName: "stream"))
    var stream: String

    @Option(name: .long, help: ArgumentHelp("Stop after S seconds of frame time.", valueName: "S"))
    var seconds: Double

    @Option(name: .long, help: ArgumentHelp("The file to write: .mp4 or .mkv (replaced if it exists).", valueName: "file"))
    var out: String

    @Flag(name: .customLong("no-audio"), help: "Leave the voice out: the file has only a video track.")
    var noAudio = false

    func validate() throws {
        try Validation.identifier(stream, what: "stream id")
        guard seconds.isFinite && seconds > 0 else { throw ValidationError("--seconds must be above 0, got \(seconds)") }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ext == "mp4" || ext == "mkv" else {
            throw ValidationError("--out must name an .mp4 or .mkv file, got \(Identifier.quoted(out))")
        }
    }

    func run() throws {
        let info = try Self.openStream(stream, control: global.control, timeout: global.timeout)
        Interrupt.install()
        let path = LoadCommand.daemonPath(out)
        let recorder = try StreamRecorder(.init(
            endpoint: global.frames, stream: stream, path: path, seconds: seconds, audio: !noAudio,
            fps: Int(info.fps.rounded()), firstFrameTimeout: max(global.timeout, 5)))
        let summary = try recorder.run()
        if global.json {
            print(Console.jsonLine(summary.json))
        } else {
            print(summary.line)
        }
    }

    /// The stream's description from the daemon: a control round trip first, so that a missing
    /// daemon or stream fails at once with one clear line.
    /// - Throws: ``SplatctlError/noReply(endpoint:timeout:)`` or a NOT_FOUND
    ///   ``SplatctlError/daemon(request:status:message:)``.
    static func openStream(_ stream: String, control: String, timeout: Double) throws -> Splatd_V1_StreamInfo {
        let client = try ControlClient(endpoint: control, timeout: min(timeout, 2))
        let (_, list) = try client.call(.listStreams(.init()), what: "list streams", expect: "stream list") {
            if case .streams(let l) = $0 { return l } else { return nil }
        }
        guard let info = list.streams.first(where: { $0.streamID == stream }) else {
            let open = list.streams.map(\.streamID)
            throw SplatctlError.daemon(request: "record", status: .notFound,
                                       message: "no stream \(Identifier.quoted(stream)) (open: \(open.isEmpty ? "none" : open.joined(separator: ", ")))")
        }
        return info
    }
}

/// Receives one stream's frames and voice and writes them into a container with `MediaMuxer`,
/// each at its own time on the daemon's clock.
///
/// The time line starts at the first keyframe's `frame_time_us`. Video: H.264 access units are
/// copied; other codecs are decoded and encoded with `H264Encoder` at the stream's size, stamped
/// with their `frame_time_us`. A frame is written when the next one arrives, which gives its
/// duration, so the file ends exactly `seconds` after it starts (or at the last frame's end
/// on Ctrl-C). Voice: every Opus packet at its `presentation_time_us` (the track's pre-skip is
/// the first utterance's); pauses between utterances are gaps in the track, silence to players.
final class StreamRecorder {
    struct Settings {
        var endpoint: String
        var stream: String
        var path: String
        var seconds: Double
        var audio: Bool
        /// The stream's nominal rate (a hint for the encoder and players).
        var fps: Int
        /// Give up when no keyframe arrives within this many seconds.
        var firstFrameTimeout: Double
    }

    /// What was recorded.
    struct Summary {
        var path: String
        var frames = 0
        var seconds = 0.0
        var audioPackets = 0
        var audioSeconds = 0.0
        var source: Splatd_V1_Codec = .h264
        var width = 0
        var height = 0
        var framesLost = 0
        var interrupted = false
        var streamClosed = false

        var fps: Double { seconds > 0 ? Double(frames) / seconds : 0 }

        var line: String {
            let video = source == .h264 ? "H.264 copied" : "\(Format.codecName(source)) encoded as H.264"
            return "recorded \(String(format: "%.2f", seconds)) s into \(path): \(frames) frames (\(width)×\(height), \(video), "
                + "\(String(format: "%.1f", fps)) fps\(framesLost > 0 ? ", \(framesLost) lost" : "")), "
                + "\(audioPackets) audio packets (\(String(format: "%.2f", audioSeconds)) s of voice)"
                + (interrupted ? " — stopped by Ctrl-C" : "") + (streamClosed ? " — the stream was closed" : "")
        }

        var json: [String: Any] {
            ["path": path, "frames": frames, "seconds": seconds, "fps": fps, "audio_packets": audioPackets,
             "audio_seconds": audioSeconds, "codec": Format.codecName(source), "width": width, "height": height,
             "frames_lost": framesLost, "interrupted": interrupted, "stream_closed": streamClosed]
        }
    }

    private struct PendingFrame {
        var bytes: [UInt8]
        var time: Int64
        var keyframe: Bool
    }

    private struct VoicePacket {
        var meta: Splatd_V1_AudioMeta
        var bytes: [UInt8]
    }

    let settings: Settings
    private let socket: ZMQSocket
    private let frameTopic: [UInt8]
    private let audioTopic: [UInt8]
    private let eventsTopic = Array(Topic.events.utf8)
    private var muxer: MediaMuxer?
    private var encoder: H264Encoder?
    private var encoded: [UInt8] = []
    private var pending: PendingFrame?
    /// Voice that arrived before the first keyframe (it is sent ahead of its time).
    private var earlyVoice: [VoicePacket] = []
    private var origin: Int64 = 0
    private var lastSequence: UInt64?
    private var summary: Summary
    private var done = false

    init(_ settings: Settings) throws {
        self.settings = settings
        frameTopic = Array(Topic.frames(settings.stream).utf8)
        audioTopic = Array(Topic.audio(settings.stream).utf8)
        summary = Summary(path: settings.path)
        // H.264 frames depend on each other: queue rather than lose them. Events end the file
        // when the stream is closed.
        socket = try FramesSubscriber.connect(to: settings.endpoint,
                                              topics: [frameTopic, eventsTopic] + (settings.audio ? [audioTopic] : []),
                                              receiveHighWaterMark: 2000)
    }

    deinit {
        socket.close()
    }

    /// Records until `seconds` of frame time have passed, or Ctrl-C; closes the file.
    func run() throws -> Summary {
        let start = monotonicSeconds()
        do {
            while !done {
                if Interrupt.requested {
                    summary.interrupted = true
                    break
                }
                if muxer == nil, monotonicSeconds() - start > settings.firstFrameTimeout {
                    throw SplatctlError.transport(
                        "no frames from stream \(settings.stream) on \(settings.endpoint) within \(Format.seconds(settings.firstFrameTimeout)) — "
                        + "is that the daemon's frames endpoint (--frames or SPLATD_FRAMES)?")
                }
                do {
                    let ready = try ZMQ.poll([ZMQPollItem(socket)], timeout: .milliseconds(250))
                    guard ready[0].contains(.pollIn) else { continue }
                    try drain()
                } catch let error as ZMQError where error.isInterrupted {
                    continue
                }
            }
            try finish()
            if muxer == nil {
                throw SplatctlError.transport(
                    "nothing recorded: " + (summary.streamClosed ? "stream \(settings.stream) was closed" : "stopped")
                    + " before its first frame arrived")
            }
        } catch let error as MediaMuxerError {
            throw SplatctlError.cannotWrite(path: settings.path, reason: "\(error)")
        } catch let error as MediaCodecError {
            throw SplatctlError.transport("cannot encode stream \(settings.stream) as H.264: \(error)")
        }
        return summary
    }

    private func drain() throws {
        while !done {
            let message: [[UInt8]]
            do {
                guard let m = try socket.receiveMultipart(dontWait: true) else { return }
                message = m
            } catch let error as ZMQError where error.isMessageTooLarge {
                Console.warn("dropped a message: \(error)")
                continue
            }
            // Subscriptions match prefixes (frames/cam2 for cam): compare exactly.
            if message.count == 2, message[0] == eventsTopic {
                if let event = try? Splatd_V1_Event(serializedBytes: message[1]), case .streamClosed(let id)? = event.body,
                   id == settings.stream {
                    summary.streamClosed = true
                    done = true
                }
                continue
            }
            guard message.count >= 3 else { continue }
            if message[0] == frameTopic {
                guard let meta = try? Splatd_V1_FrameMeta(serializedBytes: message[1]) else {
                    Console.warn("dropped a frame with unreadable FrameMeta")
                    continue
                }
                if meta.views > 1 || message.count > 3 {
                    try finish()
                    throw SplatctlError.transport(
                        "stream \(settings.stream) sends one image per view (layout views); a recording holds one picture: "
                        + "record its views side by side (splatctl update \(settings.stream) --layout side-by-side)")
                }
                try handleFrame(meta, image: message[2])
            } else if message[0] == audioTopic {
                guard let meta = try? Splatd_V1_AudioMeta(serializedBytes: message[1]) else {
                    Console.warn("dropped a voice packet with unreadable AudioMeta")
                    continue
                }
                try handleVoice(VoicePacket(meta: meta, bytes: message[2]))
            }
        }
    }

    private func handleFrame(_ meta: Splatd_V1_FrameMeta, image: [UInt8]) throws {
        let time = Int64(meta.frameTimeUs)
        if muxer != nil {
            if Int(meta.width) != summary.width || Int(meta.height) != summary.height || meta.codec != summary.source {
                try finish()
                throw SplatctlError.transport(
                    "stream \(settings.stream) changed to \(Format.codecName(meta.codec)) \(meta.width)×\(meta.height) after "
                    + "\(String(format: "%.2f", summary.seconds)) s; the recording up to there is in \(settings.path)")
            }
            if let pending, time <= pending.time { return }  // not after the frame held: keep the time line
        }
        if let last = lastSequence, meta.frameSequence > last + 1 { summary.framesLost += Int(meta.frameSequence - last - 1) }
        lastSequence = meta.frameSequence

        // The access unit for this frame.
        let unit: PendingFrame
        if meta.codec == .h264 {
            if muxer == nil && !meta.keyframe { return }  // wait for the keyframe a new subscriber gets
            unit = PendingFrame(bytes: image, time: time, keyframe: meta.keyframe)
        } else {
            let picture: DecodedImage
            switch meta.codec {
            case .jpeg: picture = try JPEGDecoder.decode(image, as: .rgb8)
            case .png: picture = try PNGDecoder.decode(image, as: .rgb8)
            case .raw: picture = DecodedImage(width: Int(meta.width), height: Int(meta.height), layout: .rgb8, pixels: image)
            default: throw SplatctlError.transport("stream \(settings.stream) has a codec this splatctl cannot record")
            }
            if encoder == nil {
                encoder = try H264Encoder(settings: H264Settings(
                    width: picture.width, height: picture.height, fps: min(max(settings.fps, 1), 240), rateControl: .crf(20)))
            }
            let info = try picture.pixels.withUnsafeBytes {
                try encoder!.encode($0, width: picture.width, height: picture.height, presentationTime: time, into: &encoded)
            }
            unit = PendingFrame(bytes: encoded, time: time, keyframe: info.isKeyframe)
        }

        guard let muxer else {
            try begin(with: unit, meta: meta)
            return
        }
        let end = origin + Int64((settings.seconds * 1e6).rounded())
        if let previous = pending {
            let last = time >= end
            try muxer.writeVideo(previous.bytes, time: previous.time, keyframe: previous.keyframe,
                                 duration: min(time, end) - previous.time)
            summary.frames += 1
            summary.seconds = Double(min(time, end) - origin) / 1e6
            if last {
                pending = nil
                done = true
                return
            }
        }
        pending = unit
    }

    /// Opens the file at the first keyframe; its time is the recording's start.
    private func begin(with keyframe: PendingFrame, meta: Splatd_V1_FrameMeta) throws {
        let muxer = try MediaMuxer(url: settings.path)
        origin = keyframe.time
        muxer.origin = origin
        summary.source = meta.codec
        summary.width = Int(meta.width)
        summary.height = Int(meta.height)
        try muxer.addH264Video(width: Int(meta.width), height: Int(meta.height), keyframe: keyframe.bytes, frameRate: settings.fps)
        if settings.audio {
            // The track's pre-skip: the first utterance's when it is already here, else what
            // every utterance of the daemon's encoder has (libopus's lookahead).
            let first = earlyVoice.first { $0.meta.utteranceStart && Int64($0.meta.presentationTimeUs) >= origin }
            let preSkip = first.map { Int($0.meta.preSkip) } ?? (try? AudioEncoder(settings: AudioSettings(sampleRate: 48_000, channels: 1)).preSkip) ?? 312
            try muxer.addOpusAudio(channels: first.map { Int(max(1, min(2, $0.meta.channels))) } ?? 1, preSkip: preSkip)
        }
        try muxer.start(options: muxer.formatName == "mp4" ? ["movflags": "+faststart"] : [:])
        self.muxer = muxer
        pending = keyframe
        let early = earlyVoice
        earlyVoice = []
        for packet in early { try handleVoice(packet) }
    }

    private func handleVoice(_ packet: VoicePacket) throws {
        guard let muxer else {
            earlyVoice.append(packet)
            if earlyVoice.count > 100 { earlyVoice.removeFirst() }
            return
        }
        let time = Int64(packet.meta.presentationTimeUs)
        let end = origin + Int64((settings.seconds * 1e6).rounded())
        guard time >= origin, time < end, !packet.bytes.isEmpty else { return }
        do {
            try muxer.writeAudio(packet.bytes, time: time, duration: Int64(packet.meta.durationUs))
        } catch MediaMuxerError.nonIncreasingTimestamp {
            return  // overlaps what is written (a repeated packet): skip it
        }
        summary.audioPackets += 1
        summary.audioSeconds += Double(packet.meta.durationUs) / 1e6
    }

    /// Writes the frame still held (shown until the recording's end, or for the previous
    /// frame's duration) and the trailer.
    private func finish() throws {
        guard let muxer else { return }
        if let previous = pending {
            let end = origin + Int64((settings.seconds * 1e6).rounded())
            let duration = min(end - previous.time, framePeriod)
            try muxer.writeVideo(previous.bytes, time: previous.time, keyframe: previous.keyframe, duration: max(duration, 1))
            summary.frames += 1
            summary.seconds = Double(previous.time + max(duration, 1) - origin) / 1e6
            pending = nil
        }
        try muxer.finish()
        done = true
    }

    /// How long the last frame is shown when no next frame ends it: one period of the stream.
    private var framePeriod: Int64 { Int64(1e6 / Double(max(settings.fps, 1))) }
}
