import Foundation
import SplatProtocol

/// Text renderings of protocol values and quantities, shared by every command's output.
enum Format {
    /// `10 s`, `2.5 s`, `0.25 s`.
    static func seconds(_ s: Double) -> String {
        if s == s.rounded() && abs(s) < 1e9 { return "\(Int(s)) s" }
        return String(format: "%g s", s)
    }

    /// A duration in milliseconds with a precision that suits its size: `0.42`, `8.1`, `123`.
    static func ms(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        if abs(v) < 10 { return String(format: "%.2f", v) }
        if abs(v) < 100 { return String(format: "%.1f", v) }
        return String(format: "%.0f", v)
    }

    /// A rate with one decimal: `29.9`.
    static func rate(_ v: Double) -> String {
        v.isFinite ? String(format: "%.1f", v) : "–"
    }

    /// An uptime: `42 s`, `3 min 20 s`, `2 h 05 min`, `3 d 04 h`.
    static func uptime(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        let s = Int(seconds)
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        if s < 86400 { return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60) }
        return String(format: "%d d %02d h", s / 86400, (s % 86400) / 3600)
    }

    /// Bytes as `812 B`, `14.2 kB`, `3.4 MB`, `1.2 GB` (powers of 1000).
    static func bytes(_ n: UInt64) -> String {
        let v = Double(n)
        if v < 1000 { return "\(n) B" }
        if v < 1e6 { return String(format: "%.1f kB", v / 1e3) }
        if v < 1e9 { return String(format: "%.1f MB", v / 1e6) }
        return String(format: "%.2f GB", v / 1e9)
    }

    /// A count with thin grouping: `50000` → `50 000`.
    static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n)
        guard digits.count > 4 else { return digits }
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(" ") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// `256×256`.
    static func size(_ w: UInt32, _ h: UInt32) -> String { "\(w)×\(h)" }

    /// A stream's size and views: `512×512`, `1024×512 stereo`, `1536×512 3 cameras, apart`
    /// (one image per view).
    static func size(of s: Splatd_V1_StreamInfo) -> String {
        var text = size(s.width, s.height)
        let views = s.views.cameras.count
        if s.hasStereo { text += " stereo" } else if views > 1 { text += " \(views) cameras" }
        if views > 1, s.layout == .views { text += ", apart" }
        return text
    }

    /// `live`, `retrying`, … for an output's state.
    static func outputState(_ s: Splatd_V1_OutputState) -> String {
        switch s {
        case .starting: "starting"
        case .connecting: "connecting"
        case .live: "live"
        case .retrying: "retrying"
        case .failed: "failed"
        case .stopped: "stopped"
        case .UNRECOGNIZED(let n): "state \(n)"
        }
    }

    /// The status name as in the schema without its prefix, e.g. `NOT_FOUND`.
    static func status(_ s: Splatd_V1_Status) -> String {
        switch s {
        case .ok: return "OK"
        case .invalidRequest: return "INVALID_REQUEST"
        case .notFound: return "NOT_FOUND"
        case .alreadyExists: return "ALREADY_EXISTS"
        case .loadFailed: return "LOAD_FAILED"
        case .busy: return "BUSY"
        case .limitReached: return "LIMIT_REACHED"
        case .internal: return "INTERNAL"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .UNRECOGNIZED(let raw): return "STATUS_\(raw)"
        }
    }

    /// `jpeg`, `png`, `raw`.
    static func codecName(_ c: Splatd_V1_Codec) -> String {
        switch c {
        case .jpeg: return "jpeg"
        case .png: return "png"
        case .raw: return "raw"
        case .h264: return "h264"
        case .UNRECOGNIZED(let raw): return "codec\(raw)"
        }
    }

    /// A codec with its setting as the daemon applies it: `jpeg:85`, `png:1`, `raw`.
    static func codec(_ c: Splatd_V1_Codec, quality: UInt32) -> String {
        switch c {
        case .jpeg: return "jpeg:\(quality == 0 ? 85 : quality)"
        case .png: return "png:\(quality == 0 ? 1 : quality)"
        default: return codecName(c)
        }
    }

    /// The file extension `watch --out` writes frames of this codec with: `jpg`, `png`, and
    /// `ppm` for raw RGB (written with a PPM header, as the Python client's splatd-watch does).
    static func fileExtension(_ c: Splatd_V1_Codec) -> String {
        switch c {
        case .jpeg: return "jpg"
        case .png: return "png"
        case .h264: return "h264"
        default: return "ppm"
        }
    }

    /// `default`, `gsplat`, `inria`.
    static func convention(_ c: Splatd_V1_Convention) -> String {
        switch c {
        case .default: return "default"
        case .gsplat: return "gsplat"
        case .inria: return "inria"
        case .UNRECOGNIZED(let raw): return "convention\(raw)"
        }
    }

    /// `demo`, `gaussian-avatars`, `static`, `unknown`.
    static func kind(_ k: Splatd_V1_AvatarKind) -> String {
        switch k {
        case .unknown: return "unknown"
        case .demo: return "demo"
        case .gaussianAvatars: return "gaussian-avatars"
        case .static: return "static"
        case .UNRECOGNIZED(let raw): return "kind\(raw)"
        }
    }

    /// `idle`, `live`, `hold`, `easing`.
    static func driveState(_ s: Splatd_V1_DriveState) -> String {
        switch s {
        case .idle: return "idle"
        case .live: return "live"
        case .hold: return "hold"
        case .easing: return "easing"
        case .UNRECOGNIZED(let raw): return "state\(raw)"
        }
    }

    /// `0.2,0.2,0.25` or `avatar default` when absent.
    static func background(_ info: Splatd_V1_StreamInfo) -> String {
        guard info.hasBackground else { return "avatar default" }
        let b = info.background
        return [b.x, b.y, b.z].map { String(format: "%.3g", $0) }.joined(separator: ",")
    }

    /// Local wall-clock time of a `*_us` timestamp: `14:03:27.512`.
    static func clock(us: UInt64) -> String {
        let seconds = time_t(us / 1_000_000)
        var parts = tm()
        var t = seconds
        localtime_r(&t, &parts)
        return String(format: "%02d:%02d:%02d.%03d", parts.tm_hour, parts.tm_min, parts.tm_sec, Int((us / 1000) % 1000))
    }

    /// One line describing a stream's settings: `256×256 @ 30 fps, png:1, gsplat → frames/x`.
    static func streamLine(_ s: Splatd_V1_StreamInfo) -> String {
        "\(size(s.width, s.height)) @ \(String(format: "%g", s.fps)) fps, \(codec(s.codec, quality: s.quality)), "
            + "convention \(convention(s.convention)), background \(background(s)) → topic \(s.topic)"
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// The duration in (fractional) seconds.
    var seconds: Double { milliseconds / 1000 }
}
