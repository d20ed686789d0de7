import Animator
import Foundation
import SplatCore
import SplatProtocol

/// Everything `splatd serve` can be told, from flags or a JSON config file (same names).
public struct DaemonConfiguration: Codable, Sendable, Equatable {
    /// Control endpoint (ROUTER).
    public var control = "tcp://127.0.0.1:5555"
    /// Drive endpoint (SUB; trackers connect PUB sockets).
    public var drive = "tcp://127.0.0.1:5556"
    /// Frames endpoint (XPUB; viewers connect SUB sockets).
    public var frames = "tcp://127.0.0.1:5557"
    /// Audio endpoint (PULL; speech sources connect PUSH sockets).
    public var audio = "tcp://127.0.0.1:5558"
    /// Load the built-in demo avatar as "demo" at start-up.
    public var loadDemo = true
    /// Open a stream of the demo avatar at start-up ("default": 512×512, 30 fps, JPEG).
    public var defaultStream = true
    /// Most avatars held at once.
    public var maximumAvatars = 16
    /// Most streams open at once.
    public var maximumStreams = 32
    /// Most pixels of all open streams together (each pixel keeps about 17 bytes of frame
    /// buffers): 16.8 M by default, e.g. one 4096×4096 stream or 64 streams of 512×512.
    public var maximumTotalPixels = 4096 * 4096
    /// Threads that share each frame (0: every core).
    public var renderThreads = 0
    /// Frames queued per viewer before the daemon drops frames for that viewer (ZMQ_SNDHWM).
    public var framesHighWaterMark = 4
    /// Largest avatar file or folder (and rig file) a client may load, bytes.
    public var maximumAvatarBytes = 2 << 30
    /// Most bytes the entries of one NPZ (zip) archive an avatar or rig holds may inflate to
    /// together: refused before inflating, so a small "decompression bomb" costs nothing.
    public var maximumArchiveBytes = 512 << 20
    /// Most memory the loaded avatars may hold together, bytes (rigs, Gaussians and a posed
    /// copy); a load past it is refused with `STATUS_LIMIT_REACHED`. 0: half the machine's memory.
    public var maximumAvatarMemory = 0
    /// When not empty, avatars and rigs may only be loaded from below these folders.
    public var avatarRoots: [String] = []
    /// Seconds the last pose is held after drive frames stop, then seconds to ease to neutral.
    public var holdSeconds = 0.5
    public var easeSeconds = 1.0
    /// ALSA capture device whose audio drives `audioAvatar` (empty: no capture).
    public var audioDevice = ""
    /// The avatar the captured audio drives.
    public var audioAvatar = "demo"
    /// Live Link Face UDP listener, `[ADDR:]PORT` (the app's conventional port is 11111; the
    /// address defaults to loopback, so a phone needs `0.0.0.0:11111` or the LAN address).
    /// Empty: off.
    public var liveLink = ""
    /// The avatar a Live Link Face subject drives when `liveLinkSubjects` does not name it.
    /// Empty: "demo" when `liveLinkSubjects` is empty, otherwise unnamed subjects are refused.
    public var liveLinkAvatar = ""
    /// Live Link Face subject name (as set in the app) → avatar id, for several phones.
    public var liveLinkSubjects: [String: String] = [:]
    /// VMC protocol (OSC) UDP listener, `[ADDR:]PORT` (39539 by convention). Empty: off.
    public var vmc = ""
    /// The avatar VMC performers drive.
    public var vmcAvatar = "demo"
    /// Live outputs started with the daemon, each `STREAM=URL` (as `serve --output`): the
    /// stream sent as H.264 with its avatar's voice to an `rtmp://`, `rtmps://`, `srt://`,
    /// `udp://` or `rtp://` URL, or to a `.mp4`/`.mkv` file in `outputFolder`.
    public var outputs: [String] = []
    /// The folder file outputs and RTP session descriptions (SDP) are written in; a file an
    /// output names must lie inside it (relative names are taken from it).
    public var outputFolder = "."
    /// Most live outputs at once.
    public var maximumOutputs = 8
    /// Seconds a viewer may stop reading (its queue full) before its connection is closed,
    /// freeing the frames held for it; it reconnects when it reads again.
    public var stalledViewerSeconds = 10.0
    /// The server's CURVE secret certificate (`server.key_secret`, zcert format). With
    /// `clientsFolder`, every endpoint requires CURVE and a known client key.
    public var curveSecret = ""
    /// The folder of the clients' public certificates (`*.key`), each naming its role; read
    /// again on SIGHUP.
    public var clientsFolder = ""
    /// Without CURVE, bind endpoints other machines can reach anyway.
    public var insecure = false
    /// Which source owns which part of the face when a tracker and audio drive one avatar, for
    /// every avatar at load ("audio" or "tracker"); `set_mixing` changes it per avatar.
    public var mixing = Mixing()

    /// Owners of the parts of the face (see `set_mixing` in docs/protocol.md).
    public struct Mixing: Codable, Sendable, Equatable {
        public var jawAndMouth = DriveSource.audio
        public var headPose = DriveSource.tracker
        public var eyesAndBrows = DriveSource.tracker
        public init() {}

        /// Any subset of the keys; the others keep their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func source(_ key: CodingKeys, _ current: DriveSource) throws -> DriveSource {
                guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return current }
                guard let source = DriveSource(rawValue: text) else {
                    throw ConfigurationError("mixing.\(key.stringValue) must be \"audio\" or \"tracker\", got \"\(text.prefix(40))\"")
                }
                return source
            }
            jawAndMouth = try source(.jawAndMouth, jawAndMouth)
            headPose = try source(.headPose, headPose)
            eyesAndBrows = try source(.eyesAndBrows, eyesAndBrows)
        }

        /// The animator's mixing.
        var driveMixing: DriveMixing { DriveMixing(jawAndMouth: jawAndMouth, headPose: headPose, eyesAndBrows: eyesAndBrows) }
    }

    public init() {}

    /// Every endpoint on an ephemeral loopback port (`tcp://127.0.0.1:*`; `start()` returns the
    /// ports bound) and no default stream: for tests and `splatd bench-stream`.
    public static var ephemeralLoopback: DaemonConfiguration {
        var c = DaemonConfiguration()
        c.control = "tcp://127.0.0.1:*"
        c.drive = "tcp://127.0.0.1:*"
        c.frames = "tcp://127.0.0.1:*"
        c.audio = "tcp://127.0.0.1:*"
        c.defaultStream = false
        return c
    }

    /// Reads a JSON config file; keys not given keep their defaults.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigurationError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        do {
            let object = try JSONSerialization.jsonObject(with: data)
            guard let dict = object as? [String: Any] else { throw ConfigurationError("\(url.path): not a JSON object") }
            let known = Set(Mirror(reflecting: DaemonConfiguration()).children.compactMap(\.label))
            let unknown = dict.keys.filter { !known.contains($0) }.sorted()
            guard unknown.isEmpty else {
                throw ConfigurationError("\(url.path): unknown keys \(unknown.joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))")
            }
            // Merge over the defaults, so that any subset of keys may be given.
            var merged = try JSONSerialization.jsonObject(with: JSONEncoder().encode(DaemonConfiguration())) as! [String: Any]
            merged.merge(dict) { $1 }
            self = try JSONDecoder().decode(DaemonConfiguration.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("\(url.path): \(error)")
        }
        try validate()
    }

    /// Checks ranges; throws a message naming the setting.
    public func validate() throws {
        guard (1...1024).contains(maximumAvatars) else { throw ConfigurationError("maximumAvatars must be 1…1024") }
        guard (1...1024).contains(maximumStreams) else { throw ConfigurationError("maximumStreams must be 1…1024") }
        guard (256...(1 << 30)).contains(maximumTotalPixels) else { throw ConfigurationError("maximumTotalPixels must be 256…2³⁰") }
        guard maximumAvatarBytes >= 1 << 20 else { throw ConfigurationError("maximumAvatarBytes must be at least 1 MiB") }
        guard maximumArchiveBytes >= 1 << 20 else { throw ConfigurationError("maximumArchiveBytes must be at least 1 MiB") }
        guard (0...256).contains(renderThreads) else { throw ConfigurationError("renderThreads must be 0…256") }
        guard (1...10_000).contains(framesHighWaterMark) else { throw ConfigurationError("framesHighWaterMark must be 1…10000") }
        if !liveLink.isEmpty { _ = try UDPAddress(parsing: liveLink) }
        if !vmc.isEmpty { _ = try UDPAddress(parsing: vmc) }
        for id in [liveLinkAvatar, vmcAvatar] + liveLinkSubjects.values where !id.isEmpty && !Identifier.isValid(id) {
            throw ConfigurationError("tracker avatar id \(id.quotedForMessage) is not a valid id (1…64 of A–Z a–z 0–9 _ . -)")
        }
        guard (1...64).contains(maximumOutputs) else { throw ConfigurationError("maximumOutputs must be 1…64") }
        for output in outputs { _ = try Self.splitOutput(output) }
        guard maximumAvatarMemory == 0 || maximumAvatarMemory >= 1 << 20 else { throw ConfigurationError("maximumAvatarMemory must be 0 (half the memory) or at least 1 MiB") }
        guard stalledViewerSeconds >= 1, stalledViewerSeconds <= 3600 else { throw ConfigurationError("stalledViewerSeconds must be 1…3600") }
        guard curveSecret.isEmpty == clientsFolder.isEmpty else {
            throw ConfigurationError("curveSecret (--curve-secret) and clientsFolder (--clients) go together: give both for CURVE, or neither")
        }
        guard holdSeconds >= 0, holdSeconds <= 60, easeSeconds > 0, easeSeconds <= 60 else {
            throw ConfigurationError("holdSeconds must be 0…60 and easeSeconds 0…60 (exclusive of 0)")
        }
    }
}

extension DaemonConfiguration {
    /// The avatar memory budget in bytes (`maximumAvatarMemory`, or half the machine's memory).
    var avatarMemoryBudget: Int {
        maximumAvatarMemory > 0 ? maximumAvatarMemory : Int(ProcessInfo.processInfo.physicalMemory / 2)
    }

    /// The ZeroMQ endpoints another machine could reach: not loopback, `ipc://` or `inproc://`.
    var exposedEndpoints: [String] {
        [control, drive, frames, audio].filter { !Self.isLocal($0) }
    }

    private static func isLocal(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst(6)
        let host = address.hasPrefix("[") ? String(address.dropFirst().prefix { $0 != "]" }) : String(address.prefix { $0 != ":" })
        return host == "localhost" || host == "lo" || host == "::1" || host.hasPrefix("127.")
    }

    /// `STREAM=URL` split at its first `=`.
    static func splitOutput(_ text: String) throws -> (stream: String, url: String) {
        guard let equals = text.firstIndex(of: "="), Identifier.isValid(String(text[..<equals])),
              text.index(after: equals) < text.endIndex else {
            throw ConfigurationError("output \(text.quotedForMessage) must be STREAM=URL, e.g. default=rtmp://127.0.0.1/live/demo")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}

/// A configuration problem, with a message naming the setting or file.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ message: String) { description = message }
}
