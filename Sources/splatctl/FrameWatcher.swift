import Foundation
import FrameEncoder
import SplatCore
import SplatProtocol
import ZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives one stream's frames from the daemon's frames endpoint, with the daemon's events,
/// and measures them (`WatchStatistics`); optionally writes every frame to a folder and
/// decodes every image to check it against its metadata.
///
/// Messages are `[topic][FrameMeta][image]` on `frames/<stream id>` and `[topic][Event]` on
/// `events`. ZeroMQ subscriptions match prefixes, so the topic frame is compared exactly:
/// watching `cam` does not count the frames of `cam2`.
///
/// With `latest`, it behaves as a live display should: a viewer that was busy (or paused) must
/// not then show seconds-old frames that queued up meanwhile. The receive queue is small, and
/// at each wake-up the backlog is drained (while messages keep coming back to back): of JPEG,
/// PNG or raw frames only the newest is handled (the others are counted as `stale`); H.264
/// frames depend on each other, so all of them are handled, but after a gap in
/// `frame_sequence` frames are skipped until a keyframe, which is asked for with
/// `request_keyframe`.
final class FrameWatcher {
    /// What to do with the frames.
    struct Settings {
        var endpoint: String
        var stream: String
        /// Write frames and `frames.jsonl` here.
        var outDirectory: URL?
        /// Decode each image and check its size.
        var verify = false
        /// Print a report every second.
        var progress = false
        /// Print events and reports as JSON lines.
        var json = false
        /// Stop after this many frames.
        var frameLimit: Int?
        /// Stop after this many seconds.
        var secondsLimit: Double?
        /// Behave as a live display: keep only the newest frame (see `FrameWatcher`).
        var latest = false
        /// Asks the daemon for an H.264 keyframe (`request_keyframe`), after frames were missed.
        var requestKeyframe: (() -> Void)?
    }

    /// A live display's receive queue: two messages. The backlog behind it (the daemon's queue
    /// for this viewer, both kernels' socket buffers) is drained by `drainKeepingTheNewest`.
    static let latestReceiveHighWaterMark = 2
    /// A message that follows the last one within this is backlog, not a live frame.
    /// (The Python and C clients drain the same way, with the same figures.)
    static let backlogGap: Duration = .milliseconds(5)
    /// The longest a `latest` watcher drains a backlog before it shows the newest frame.
    static let backlogDrainLimit = 0.5

    private static func moreFollows(on socket: ZMQSocket) -> Bool {
        (try? ZMQ.poll([ZMQPollItem(socket)], timeout: backlogGap))?.first?.contains(.pollIn) ?? false
    }

    let settings: Settings
    private let socket: ZMQSocket
    private let topic: [UInt8]
    private let eventsTopic = Array(Topic.events.utf8)
    private var jsonl: FileHandle?
    /// `stream.h264`, or one Annex B file per view (`stream-view<i>.h264`).
    private var h264Files: [FileHandle] = []
    private(set) var statistics: WatchStatistics
    /// Failures printed in full before they are only counted.
    private let verifyMessagesShown = 10

    /// Connects and subscribes (to the stream's topic and to events).
    init(_ settings: Settings) throws {
        self.settings = settings
        topic = Array(Topic.frames(settings.stream).utf8)
        statistics = WatchStatistics(startTime: monotonicSeconds())
        socket = try FramesSubscriber.connect(to: settings.endpoint, topics: [topic, eventsTopic],
                                              receiveHighWaterMark: settings.latest ? Self.latestReceiveHighWaterMark : 100)
        if let dir = settings.outDirectory { try prepare(dir) }
    }

    deinit {
        socket.close()
        try? jsonl?.close()
        for file in h264Files { try? file.close() }
    }

    private func prepare(_ dir: URL) throws {
        let url = dir.appendingPathComponent("frames.jsonl")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw SplatctlError.cannotWrite(path: dir.path, reason: error.localizedDescription)
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw SplatctlError.cannotWrite(path: url.path, reason: "cannot create the file (is the folder writable?)")
        }
        jsonl = handle
    }

    /// Receives until the frame or time limit, or Ctrl-C. Returns the statistics.
    func run() throws -> WatchStatistics {
        let start = monotonicSeconds()
        statistics = WatchStatistics(startTime: start)
        let deadline = settings.secondsLimit.map { start + $0 }
        var nextProgress = start + 1
        var framesAtLastProgress = 0
        var timeAtLastProgress = start
        while !Interrupt.requested {
            if let limit = settings.frameLimit, statistics.frames >= limit { break }
            let now = monotonicSeconds()
            if let deadline, now >= deadline { break }
            if settings.progress && now >= nextProgress {
                printProgress(now: now, recentFPS: Double(statistics.frames - framesAtLastProgress) / (now - timeAtLastProgress))
                framesAtLastProgress = statistics.frames
                timeAtLastProgress = now
                nextProgress += 1
                continue
            }
            var wait = 0.25
            if let deadline { wait = min(wait, deadline - now) }
            if settings.progress { wait = min(wait, nextProgress - now) }
            do {
                let ready = try ZMQ.poll([ZMQPollItem(socket)], timeout: .microseconds(Int64(max(wait, 0) * 1e6)))
                guard ready[0].contains(.pollIn) else { continue }
                try drain()
            } catch let error as ZMQError where error.isInterrupted {
                continue
            }
        }
        return statistics
    }

    /// The H.264 frames of a `latest` watcher wait for a keyframe (frames were missed).
    private var awaitingKeyframe = false
    private var lastSequenceSeen: UInt64?

    /// Handles every message already queued (stopping at the frame limit).
    private func drain() throws {
        if settings.latest { return try drainKeepingTheNewest() }
        while true {
            if let limit = settings.frameLimit, statistics.frames >= limit { return }
            let message: [[UInt8]]
            do {
                guard let m = try socket.receiveMultipart(dontWait: true) else { return }
                message = m
            } catch let error as ZMQError where error.isMessageTooLarge {
                statistics.malformed += 1
                Console.warn("dropped a message: \(error)")
                continue
            }
            let receivedUs = wallClockMicroseconds()
            let time = monotonicSeconds()
            guard let first = message.first else { continue }
            if first == topic {
                try handleFrame(message, receivedUs: receivedUs, time: time)
            } else if first == eventsTopic {
                handleEvent(message)
            }
            // Anything else matched a subscription only as a prefix (frames/cam2 for cam).
        }
    }

    /// `latest`: receives everything queued, handles events in order and, of the frames, the
    /// newest image frame or every decodable H.264 frame.
    ///
    /// The receive queue holds only two messages; a backlog waits in the kernel's socket buffer
    /// and ZeroMQ moves it in as the queue empties, within microseconds. So the drain goes on
    /// while another message follows within `backlogGap` (live frames come tens of
    /// milliseconds apart), for at most `backlogDrainLimit`.
    private func drainKeepingTheNewest() throws {
        var frames: [[[UInt8]]] = []
        let drainDeadline = monotonicSeconds() + Self.backlogDrainLimit
        repeat {
            while let message = try? socket.receiveMultipart(dontWait: true) {
                guard let first = message.first else { continue }
                if first == topic { frames.append(message) } else if first == eventsTopic { handleEvent(message) }
            }
        } while monotonicSeconds() < drainDeadline && Self.moreFollows(on: socket)
        let receivedUs = wallClockMicroseconds(), time = monotonicSeconds()
        var handled: [[[UInt8]]] = []
        var newestImage: [[UInt8]]?
        for message in frames {
            guard message.count >= 3, let meta = try? Splatd_V1_FrameMeta(serializedBytes: message[1]) else {
                handled.append(message)  // handleFrame reports it
                continue
            }
            let gap = lastSequenceSeen.map { meta.frameSequence != $0 &+ 1 } ?? false
            lastSequenceSeen = meta.frameSequence
            if meta.codec != .h264 {
                if newestImage != nil { statistics.stale += 1 }
                newestImage = message
                continue
            }
            if gap && !awaitingKeyframe {
                awaitingKeyframe = true
                settings.requestKeyframe?()
            }
            if awaitingKeyframe && !meta.keyframe {
                statistics.stale += 1
                continue
            }
            awaitingKeyframe = false
            handled.append(message)
        }
        if let newestImage { handled.append(newestImage) }
        for message in handled {
            if let limit = settings.frameLimit, statistics.frames >= limit { return }
            try handleFrame(message, receivedUs: receivedUs, time: time)
        }
    }

    private func handleFrame(_ message: [[UInt8]], receivedUs: UInt64, time: Double) throws {
        guard message.count >= 3 else {
            statistics.malformed += 1
            Console.warn("dropped a frame message of \(message.count) parts (expected [topic][FrameMeta][image]…)")
            return
        }
        let meta: Splatd_V1_FrameMeta
        do {
            meta = try Splatd_V1_FrameMeta(serializedBytes: message[1])
        } catch {
            statistics.malformed += 1
            Console.warn("dropped a frame with unreadable FrameMeta: \(error)")
            return
        }
        // One image, or one per view (LAYOUT_VIEWS).
        let images = Array(message[2...])
        guard images.count == max(1, Int(meta.views)) else {
            statistics.malformed += 1
            Console.warn("dropped a frame of \(images.count) images whose meta says \(max(1, meta.views))")
            return
        }
        let index = statistics.frames  // 0-based: the frames received before this one
        statistics.add(meta, imageBytes: images.reduce(0) { $0 + $1.count }, receivedUs: receivedUs, time: time)
        if let dir = settings.outDirectory { try write(meta, images: images, index: index, to: dir) }
        if settings.verify { for image in images { verify(meta, image: image) } }
    }

    /// Writes `frame-NNNNNN.<ext>` (``FrameFileName``; raw frames as binary PPM; one file per
    /// view, `frame-NNNNNN-view<i>.<ext>`, for LAYOUT_VIEWS) and appends the meta to
    /// `frames.jsonl`. H.264 frames depend on each other: they are appended to one Annex B file,
    /// `stream.h264` (`stream-view<i>.h264` per view), from the first keyframe on, which players
    /// read as it is.
    private func write(_ meta: Splatd_V1_FrameMeta, images: [[UInt8]], index: Int, to dir: URL) throws {
        func named(_ base: String, _ view: Int, _ ext: String) -> URL {
            dir.appendingPathComponent(images.count == 1 ? "\(base).\(ext)" : "\(base)-view\(view).\(ext)")
        }
        if meta.codec == .h264 {
            if h264Files.count != images.count {
                guard meta.keyframe else { return }
                for file in h264Files { try? file.close() }
                h264Files = try images.indices.map { view in
                    let url = named("stream", view, "h264")
                    guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
                        throw SplatctlError.cannotWrite(path: url.path, reason: "cannot create the file (is the folder writable?)")
                    }
                    return handle
                }
            }
            for (file, image) in zip(h264Files, images) { file.write(Data(image)) }
            jsonl?.write(Data((((try? meta.jsonString()) ?? "{}") + "\n").utf8))
            return
        }
        let frame = FrameFileName.name(index: index, fileExtension: Format.fileExtension(meta.codec))
        for (view, image) in images.enumerated() {
            let url = named(String(frame.prefix { $0 != "." }), view, Format.fileExtension(meta.codec))
            let bytes = meta.codec == .jpeg || meta.codec == .png ? image : Array("P6\n\(meta.width) \(meta.height)\n255\n".utf8) + image
            do { try Data(bytes).write(to: url) } catch {
                throw SplatctlError.cannotWrite(path: url.path, reason: error.localizedDescription)
            }
        }
        jsonl?.write(Data((((try? meta.jsonString()) ?? "{}") + "\n").utf8))
    }

    /// Decodes the image and checks that its size matches the meta's; counts failures.
    private func verify(_ meta: Splatd_V1_FrameMeta, image: [UInt8]) {
        let problem: String?
        do {
            problem = try Self.check(image, codec: meta.codec, width: Int(meta.width), height: Int(meta.height), keyframe: meta.keyframe)
        } catch {
            problem = "does not decode: \(error)"
        }
        statistics.verified += 1
        guard let problem else { return }
        statistics.verifyFailed += 1
        if statistics.verifyFailed <= verifyMessagesShown {
            Console.warn("frame \(meta.frameSequence): \(Format.codecName(meta.codec)) image \(problem)")
        } else if statistics.verifyFailed == verifyMessagesShown + 1 {
            Console.warn("(further verification failures are only counted)")
        }
    }

    /// Nil when `image` decodes to `width`×`height`; otherwise what is wrong.
    static func check(_ image: [UInt8], codec: Splatd_V1_Codec, width: Int, height: Int, keyframe: Bool = false) throws -> String? {
        switch codec {
        case .jpeg, .png:
            let decoded = codec == .png ? try PNGDecoder.decode(image) : try JPEGDecoder.decode(image)
            guard decoded.width == width, decoded.height == height else {
                return "is \(decoded.width)×\(decoded.height), but its meta says \(width)×\(height)"
            }
            return nil
        case .raw:
            let expected = width * height * 3
            return image.count == expected ? nil : "holds \(image.count) bytes; \(width)×\(height) RGB needs \(expected)"
        case .h264:
            return AnnexBCheck.problem(in: image, keyframe: keyframe)
        case .UNRECOGNIZED(let raw):
            return "has an unknown codec (\(raw)) and cannot be checked"
        }
    }

    private func handleEvent(_ message: [[UInt8]]) {
        guard message.count == 2, let event = try? Splatd_V1_Event(serializedBytes: message[1]) else {
            Console.warn("dropped an unreadable event")
            return
        }
        statistics.events += 1
        if settings.json {
            print(Console.jsonLine(["event": (try? JSONSerialization.jsonObject(with: Data(((try? event.jsonString()) ?? "{}").utf8))) ?? [:]]))
        } else {
            print("\(Format.clock(us: event.timeUs == 0 ? wallClockMicroseconds() : event.timeUs)) event: \(Self.describe(event, watching: settings.stream))")
        }
        Console.flush()
    }

    /// One line describing an event.
    static func describe(_ event: Splatd_V1_Event, watching stream: String) -> String {
        switch event.body {
        case .avatarLoaded(let a)?:
            return "avatar loaded: \(a.avatarID) (\(Format.kind(a.kind)), \(Format.count(a.gaussians)) Gaussians) from \(a.path)"
        case .avatarUnloaded(let id)?:
            return "avatar unloaded: \(id)"
        case .streamOpened(let s)?:
            return "stream opened: \(s.streamID) of avatar \(s.avatarID), \(Format.streamLine(s))"
        case .streamUpdated(let s)?:
            return "stream updated: \(s.streamID) of avatar \(s.avatarID), \(Format.streamLine(s))"
        case .streamClosed(let id)?:
            return "stream closed: \(id)" + (id == stream ? " (the stream being watched: no more frames unless it is opened again)" : "")
        case .error(let text)?:
            return "daemon error: \(text)"
        case nil:
            return "(an event of a kind this splatctl does not know)"
        }
    }

    private func printProgress(now: Double, recentFPS: Double) {
        if settings.json {
            var o = statistics.reportJSON(stream: settings.stream, now: now)
            o["progress"] = true
            print(Console.jsonLine(o))
        } else {
            print(statistics.progressLine(now: now, recentFPS: recentFPS))
        }
    }
}
