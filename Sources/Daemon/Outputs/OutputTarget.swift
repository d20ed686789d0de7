import Foundation
import MediaCodecs

/// Where a live output sends a stream, parsed from its URL: the protocol, the container, the
/// audio codec it carries, and what status may show of it.
///
/// | URL                          | container          | audio |
/// |------------------------------|--------------------|-------|
/// | `rtmp://`, `rtmps://`        | FLV                | AAC   |
/// | `srt://`, `udp://`           | MPEG-TS            | AAC   |
/// | `rtp://HOST:PORT`            | RTP, + SDP file    | Opus  |
/// | `PATH.mp4`                   | fragmented MP4     | AAC   |
/// | `PATH.mkv`                   | Matroska           | Opus  |
///
/// FLV and MP4 players expect AAC; MPEG-TS carries AAC because that is what every TS
/// receiver (set-top boxes, OBS, VLC, ffplay) decodes, while Opus in TS is rare; RTP and
/// Matroska carry Opus, the better voice codec. RTP sends video to PORT and audio to PORT+2,
/// one RTP session each, described by the SDP file a receiver opens.
struct OutputTarget: Sendable, Equatable {
    /// What kind of destination.
    enum Kind: String, Sendable {
        case rtmp, rtmps, srt, udp, rtp, mp4, matroska
    }

    let kind: Kind
    /// The URL or resolved file path libavformat opens (for RTP: the video session's URL).
    let url: String
    /// What status shows: the URL without its stream key, query or credentials.
    let redacted: String
    /// The libavformat muxer.
    let format: String
    let audioCodec: AudioCodec
    /// RTP only: the audio session's URL and where the SDP is written.
    let audioURL: String?
    let sdpPath: String?

    /// Whether a lost connection is retried (a server may come back); files are not reopened,
    /// which would overwrite what was written.
    var retries: Bool { kind != .mp4 && kind != .matroska }

    /// Longest accepted URL, bytes.
    static let maximumLength = 2048

    /// Parses `text`; file paths (and RTP's SDP files) must lie inside `folder`, the daemon's
    /// output folder (relative paths are taken from it). `name` names the output in SDP files.
    ///
    /// - Throws: `OutputError.invalidURL` naming what is wrong and what is accepted.
    init(parsing text: String, folder: String, name: String) throws(OutputError) {
        guard !text.isEmpty else { throw .invalidURL(text, "the URL is empty") }
        guard text.utf8.count <= Self.maximumLength, !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .invalidURL(text, "longer than \(Self.maximumLength) bytes or holds control characters")
        }
        if let colon = text.range(of: "://") {
            let scheme = text[..<colon.lowerBound].lowercased()
            guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
                throw .invalidURL(text, "not a URL with a host (scheme://host[:port]/…)")
            }
            let port = components.port
            let path = components.path
            switch scheme {
            case "rtmp", "rtmps":
                guard path.split(separator: "/").count >= 2 else {
                    throw .invalidURL(text, "an RTMP URL names an application and a stream key: \(scheme)://host[:port]/app/key")
                }
                self.init(kind: scheme == "rtmp" ? .rtmp : .rtmps, url: text,
                          redacted: Self.redact(scheme: scheme, host: host, port: port, path: path),
                          format: "flv", audioCodec: .aac)
            case "srt", "udp":
                guard let port, port > 0 else { throw .invalidURL(text, "\(scheme):// needs a port: \(scheme)://host:port") }
                self.init(kind: scheme == "srt" ? .srt : .udp, url: text,
                          redacted: "\(scheme)://\(host):\(port)", format: "mpegts", audioCodec: .aac)
            case "rtp":
                guard let port, port > 0, port % 2 == 0, port <= 65_532 else {
                    throw .invalidURL(text, "rtp:// needs an even port (video; audio goes to port+2): rtp://host:5004")
                }
                let sdp = try Self.resolveFile("\(name).sdp", in: folder)
                self.init(kind: .rtp, url: "rtp://\(host):\(port)", redacted: "rtp://\(host):\(port)", format: "rtp",
                          audioCodec: .opus, audioURL: "rtp://\(host):\(port + 2)", sdpPath: sdp)
            default:
                throw .invalidURL(text, "unknown scheme \(scheme)://: use rtmp://, rtmps://, srt://, udp://, rtp:// or a .mp4/.mkv path")
            }
            return
        }
        let lower = text.lowercased()
        let kind: Kind
        if lower.hasSuffix(".mp4") { kind = .mp4 } else if lower.hasSuffix(".mkv") { kind = .matroska } else {
            throw .invalidURL(text, "not a URL (rtmp://, srt://, …) and not a .mp4 or .mkv path")
        }
        let path = try Self.resolveFile(text, in: folder)
        self.init(kind: kind, url: path, redacted: path, format: kind == .mp4 ? "mp4" : "matroska",
                  audioCodec: kind == .mp4 ? .aac : .opus)
    }

    private init(kind: Kind, url: String, redacted: String, format: String, audioCodec: AudioCodec,
                 audioURL: String? = nil, sdpPath: String? = nil) {
        self.kind = kind
        self.url = url
        self.redacted = redacted
        self.format = format
        self.audioCodec = audioCodec
        self.audioURL = audioURL
        self.sdpPath = sdpPath
    }

    /// Muxer options: MP4 is written in fragments (a file cut short by a crash still plays).
    var muxerOptions: [String: String] {
        kind == .mp4 ? ["movflags": "+frag_keyframe+empty_moov+default_base_moof"] : [:]
    }

    /// Options for opening the connection: a server that stops reading makes writes fail after
    /// 5 s (and the output retry) instead of blocking forever.
    var ioOptions: [String: String] {
        switch kind {
        case .rtmp, .rtmps, .srt, .udp, .rtp: ["rw_timeout": "5000000"]
        case .mp4, .matroska: [:]
        }
    }

    /// `scheme://host[:port]/app/…`: RTMP's last path segment is the stream key, a secret.
    private static func redact(scheme: String, host: String, port: Int?, path: String) -> String {
        let segments = path.split(separator: "/")
        let app = segments.dropLast().joined(separator: "/")
        return "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")/\(app)/…"
    }

    /// `path` made absolute against `folder`, its folder resolved (symlinks followed) and
    /// checked to lie inside `folder`.
    static func resolveFile(_ path: String, in folder: String) throws(OutputError) -> String {
        let base = URL(fileURLWithPath: folder).resolvingSymlinksInPath().standardizedFileURL.path
        let absolute = path.hasPrefix("/") ? path : base + "/" + path
        let url = URL(fileURLWithPath: absolute).standardizedFileURL
        let name = url.lastPathComponent
        let parent = url.deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path
        guard parent == base || parent.hasPrefix(base + "/") else {
            throw .invalidURL(path, "outside the daemon's output folder \(base) (outputFolder): give a name inside it")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidURL(path, "the folder \(parent) does not exist")
        }
        let full = parent + "/" + name
        if let type = try? FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType,
           type != .typeRegular {
            throw .invalidURL(path, "exists and is not a regular file (a link, folder or device): choose a new name")
        }
        return full
    }
}
