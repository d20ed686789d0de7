import ArgumentParser
import Foundation
import SplatProtocol

/// The stream settings of `open` and `update`. Every option is optional: `open` leaves the
/// daemon's defaults for the absent ones (512×512, 30 fps, JPEG 85, the avatar's background
/// and convention, 1 m in front at 20° field of view); `update` sends only the given ones.
struct StreamOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Image size WxH (16…4096 each), or N for N×N.", valueName: "WxH"),
            transform: FrameSize.init(parsing:))
    var size: FrameSize?

    @Option(name: .long, help: ArgumentHelp("Target frame rate (1…120).", valueName: "N"))
    var fps: Float?

    @Option(name: .long, help: ArgumentHelp("Codec: jpeg, png, raw (8-bit RGB) or h264.", valueName: "codec"),
            transform: StreamCodec.init(parsing:))
    var codec: StreamCodec?

    @Option(name: .long, help: ArgumentHelp("JPEG quality 1…100 or PNG level 0…9 (0: the codec's default).", valueName: "Q"))
    var quality: UInt32?

    @Option(name: .long, help: ArgumentHelp("H.264: target bitrate, kbit/s (50…100000; default 1500).", valueName: "kbps"))
    var bitrate: UInt32?

    @Option(name: .long, help: ArgumentHelp("H.264: constant quality instead of a bitrate, CRF 1…51 (lower is better).", valueName: "N"))
    var crf: UInt32?

    @Option(name: .long, help: ArgumentHelp("H.264: seconds between keyframes (0.1…60; default 2).", valueName: "s"))
    var gop: Float?

    @Option(name: .long, help: ArgumentHelp("Background colour r,g,b in 0…1 (or 0…255).", valueName: "r,g,b"),
            transform: BackgroundColour.init(parsing:))
    var background: BackgroundColour?

    @Option(name: .long, help: ArgumentHelp("Rendering semantics: gsplat, inria or default (the avatar's own).", valueName: "name"),
            transform: StreamConvention.init(parsing:))
    var convention: StreamConvention?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Orbit camera: turn about the head's up axis, degrees (positive: to the avatar's left).", valueName: "deg"))
    var yaw: Float?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Orbit camera: look down at the head by this many degrees (within ±89).", valueName: "deg"))
    var pitch: Float?

    @Option(name: .long, help: ArgumentHelp("Orbit camera: distance from the head centre, metres (0.05…100, default 1).", valueName: "m"))
    var distance: Float?

    @Option(name: .long, help: ArgumentHelp("Orbit camera: vertical field of view, degrees (1…150, default 20).", valueName: "deg"))
    var fov: Float?

    @Flag(name: .long, help: "A stereo pair for VR, side by side: --size is both eyes together (1024x512: each eye 512×512).")
    var stereo = false

    @Option(name: .long, help: ArgumentHelp("Stereo: the distance between the eyes, metres (0.02…0.2; default 0.063). Implies --stereo.", valueName: "m"))
    var ipd: Float?

    @Option(name: .long, help: ArgumentHelp("""
        Several views from a camera rig: a JSON file {"cameras": [{"fx", "fy", "cx", "cy", \
        "worldToCamera": [16 values, row-major]}, …]} with 2…16 cameras, each for a view of \
        width/N × height (--size holds them all), left to right.
        """, valueName: "file"), transform: CameraRigFile.init(path:))
    var cameraRig: CameraRigFile?

    @Option(name: .long, help: ArgumentHelp("Stereo or a rig: side-by-side (one image) or views (one image per view in each message).",
                                            valueName: "layout"), transform: StreamLayout.init(parsing:))
    var layout: StreamLayout?

    @Flag(name: .long, help: "update: back to one view (no stereo, no rig).")
    var mono = false

    /// Whether stereo was asked for.
    var wantsStereo: Bool { stereo || ipd != nil }

    /// Whether any orbit option was given.
    var hasOrbit: Bool { yaw != nil || pitch != nil || distance != nil || fov != nil }

    /// Whether any setting at all was given.
    var isEmpty: Bool {
        size == nil && fps == nil && codec == nil && quality == nil && bitrate == nil && crf == nil && gop == nil
            && background == nil && convention == nil && !hasOrbit && !wantsStereo && !mono && cameraRig == nil && layout == nil
    }

    /// The orbit camera from the given options; absent ones are 0, which the daemon reads as
    /// its default (distance 1 m, field of view 20°, yaw and pitch 0).
    var orbit: Splatd_V1_OrbitCamera {
        .with {
            $0.yawDegrees = yaw ?? 0
            $0.pitchDegrees = pitch ?? 0
            $0.distance = distance ?? 0
            $0.fovYDegrees = fov ?? 0
        }
    }

    func validate() throws {
        if crf != nil && (quality != nil || bitrate != nil) {
            throw ValidationError("--crf is H.264's quality: give it alone, not with --quality or --bitrate")
        }
        if mono && (wantsStereo || cameraRig != nil) { throw ValidationError("--mono and --stereo/--ipd/--camera-rig contradict each other") }
        if wantsStereo && cameraRig != nil { throw ValidationError("--stereo and --camera-rig exclude each other: a stream shows a stereo pair or a rig") }
        for (name, value) in [("--fps", fps), ("--gop", gop), ("--yaw", yaw), ("--pitch", pitch), ("--distance", distance), ("--fov", fov), ("--ipd", ipd)] {
            if let value, !value.isFinite { throw ValidationError("\(name) must be a finite number, got \(value)") }
        }
    }

    /// An `OpenStream` request for `avatar` with these settings.
    func openRequest(avatar: String, streamID: String?) -> Splatd_V1_OpenStream {
        .with {
            $0.avatarID = avatar
            $0.streamID = streamID ?? ""
            if let size { $0.width = size.width; $0.height = size.height }
            if let fps { $0.fps = fps }
            if let codec { $0.codec = codec.wire }
            if let quality = crf ?? quality { $0.quality = quality }
            if let bitrate { $0.bitrateKbps = bitrate }
            if let gop { $0.gopSeconds = gop }
            if let background { $0.background = background.wire }
            if let convention { $0.convention = convention.wire }
            if hasOrbit { $0.orbit = orbit }
            if wantsStereo { $0.stereo = .with { $0.ipdM = ipd ?? 0 } }
            if let cameraRig { $0.cameraRig = cameraRig.rig }
            if let layout { $0.layout = layout.wire }
        }
    }

    /// An `UpdateStream` request for `stream` carrying only the given settings.
    func updateRequest(stream: String, avatar: String?) -> Splatd_V1_UpdateStream {
        .with {
            $0.streamID = stream
            if let size { $0.width = size.width; $0.height = size.height }
            if let fps { $0.fps = fps }
            if let codec { $0.codec = codec.wire }
            if let quality = crf ?? quality { $0.quality = quality }
            if crf != nil { $0.bitrateKbps = 0 }   // CRF rules only without a bitrate
            if let bitrate { $0.bitrateKbps = bitrate }
            if let gop { $0.gopSeconds = gop }
            if let background { $0.background = background.wire }
            if let convention { $0.convention = convention.wire }
            if hasOrbit { $0.orbit = orbit }
            if let avatar { $0.avatarID = avatar }
            if wantsStereo { $0.stereo = .with { $0.ipdM = ipd ?? 0 } }
            if let cameraRig { $0.cameraRig = cameraRig.rig }
            if mono { $0.mono = true }
            if let layout { $0.layout = layout.wire }
        }
    }
}

/// An error in one option's value; ArgumentParser shows it after the offending value.
struct OptionValueError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--size WxH`: an image size. Range checks (16…4096) are left to the daemon.
struct FrameSize: Equatable {
    var width: UInt32
    var height: UInt32

    init(width: UInt32, height: UInt32) {
        self.width = width
        self.height = height
    }

    /// Reads `640x480`, `640X480`, `640×480` or `512` (512×512).
    init(parsing text: String) throws {
        let parts = text.replacingOccurrences(of: "×", with: "x").lowercased().split(separator: "x", omittingEmptySubsequences: false)
        let numbers = parts.map { UInt32($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(numbers.count), numbers.allSatisfy({ $0 != nil && $0! > 0 }) else {
            throw OptionValueError("expected WIDTHxHEIGHT in pixels, e.g. 512x512 or 640x480")
        }
        width = numbers[0]!
        height = numbers.count == 2 ? numbers[1]! : numbers[0]!
    }
}

/// `--codec`: the image codec of a stream.
enum StreamCodec: String, CaseIterable {
    case jpeg, png, raw, h264

    init(parsing text: String) throws {
        switch text.lowercased() {
        case "jpeg", "jpg": self = .jpeg
        case "png": self = .png
        case "raw", "rgb": self = .raw
        case "h264", "h.264", "avc": self = .h264
        default: throw OptionValueError("expected jpeg, png, raw or h264")
        }
    }

    var wire: Splatd_V1_Codec {
        switch self {
        case .jpeg: return .jpeg
        case .png: return .png
        case .raw: return .raw
        case .h264: return .h264
        }
    }
}

/// `--layout`: how a stream's several views are delivered.
enum StreamLayout: String, CaseIterable {
    case sideBySide = "side-by-side", views

    init(parsing text: String) throws {
        guard let value = StreamLayout(rawValue: text.lowercased()) else { throw OptionValueError("expected side-by-side or views") }
        self = value
    }

    var wire: Splatd_V1_Layout { self == .views ? .views : .sideBySide }
}

/// `--camera-rig FILE`: the cameras of a multi-view stream, read from protobuf JSON
/// (`{"cameras": [{"fx": …, "fy": …, "cx": …, "cy": …, "worldToCamera": […]}]}`).
struct CameraRigFile {
    var rig: Splatd_V1_CameraRig

    init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw OptionValueError("cannot read \(path): \(error.localizedDescription)")
        }
        do { rig = try Splatd_V1_CameraRig(jsonUTF8Data: data) } catch {
            throw OptionValueError("\(path) is not a camera rig in JSON ({\"cameras\": [{\"fx\", \"fy\", \"cx\", \"cy\", \"worldToCamera\"}, …]}): \(error)")
        }
    }
}

/// `--convention`: whose rendering semantics to reproduce.
enum StreamConvention: String, CaseIterable {
    case `default`, gsplat, inria

    init(parsing text: String) throws {
        guard let value = StreamConvention(rawValue: text.lowercased()) else {
            throw OptionValueError("expected gsplat, inria or default")
        }
        self = value
    }

    var wire: Splatd_V1_Convention {
        switch self {
        case .default: return .default
        case .gsplat: return .gsplat
        case .inria: return .inria
        }
    }
}

/// `--background r,g,b`: components in 0…1, or in 0…255 when any of them exceeds 1.
struct BackgroundColour: Equatable {
    var red: Float
    var green: Float
    var blue: Float

    init(red: Float, green: Float, blue: Float) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else {
            throw OptionValueError("expected three numbers r,g,b in 0…1 (or 0…255), e.g. 0.1,0.1,0.12")
        }
        var rgb = parts.map { $0! }
        if rgb.contains(where: { $0 > 1 }) {
            guard rgb.allSatisfy({ $0 <= 255 }) else { throw OptionValueError("components above 1 are read as 0…255, and must be at most 255") }
            rgb = rgb.map { $0 / 255 }
        }
        red = rgb[0]
        green = rgb[1]
        blue = rgb[2]
    }

    var wire: Splatd_V1_Vec3 { .with { $0.x = red; $0.y = green; $0.z = blue } }
}
