import SplatProtocol

/// What one client may do: its role and, for drivers and viewers, which avatars or streams.
///
/// | role | may |
/// |---|---|
/// | admin | everything |
/// | operator | streams (open, update, close, keyframes), driving, audio, mixing; all frames and events; not load/unload or outputs |
/// | driver | drive frames, audio and mixing for its `avatars` |
/// | viewer | frames, voice and keyframe requests of its `streams` (`*`: all, with the events topic) |
///
/// Every role may `ping`, `list_avatars`, `list_streams` and `get_status`, which show it only
/// what it may see; only admins see host paths.
struct ClientAccess: Sendable, Equatable, CustomStringConvertible {
    enum Role: String, Sendable, CaseIterable {
        case admin, `operator`, driver, viewer
    }

    /// The certificate's name (its file name without `.key`), for logs.
    let name: String
    let role: Role
    /// The avatars a driver drives (nil: every avatar).
    let avatars: Set<String>?
    /// The streams a viewer watches (nil: every stream).
    let streams: Set<String>?

    /// Everyone's access when the daemon runs without CURVE (loopback, or `--insecure`).
    static let unauthenticated = ClientAccess(name: "local", role: .admin, avatars: nil, streams: nil)

    var description: String { "\(name) (\(role.rawValue))" }

    var isAdmin: Bool { role == .admin }
    private var seesEverything: Bool { role == .admin || role == .operator || (role == .viewer && streams == nil) }

    /// Loading, unloading, live outputs.
    var managesAvatarsAndOutputs: Bool { role == .admin }

    /// Opening, updating and closing streams.
    var managesStreams: Bool { role == .admin || role == .operator }

    /// Drive frames, audio chunks and `set_mixing` for `avatarID`.
    func drives(_ avatarID: String) -> Bool {
        switch role {
        case .admin, .operator: true
        case .driver: avatars?.contains(avatarID) ?? true
        case .viewer: false
        }
    }

    /// Whether the client may see (and watch) stream `id` of avatar `avatarID`.
    func sees(stream id: String, avatarID: String) -> Bool {
        switch role {
        case .admin, .operator: true
        case .driver: avatars?.contains(avatarID) ?? true
        case .viewer: streams?.contains(id) ?? true
        }
    }

    /// Whether the client may see avatar `id`, which `streams` (id, avatar id) show.
    func sees(avatar id: String, shownBy streams: [(id: String, avatarID: String)]) -> Bool {
        switch role {
        case .admin, .operator: true
        case .driver: avatars?.contains(id) ?? true
        case .viewer: streams.contains { $0.avatarID == id && sees(stream: $0.id, avatarID: id) }
        }
    }

    /// Whether a frames-endpoint subscription to `prefix` may be applied. Clients of every
    /// stream may subscribe to any prefix; a viewer of some streams only to their exact
    /// `frames/<id>` and `audio/<id>` topics.
    func maySubscribe(_ prefix: [UInt8]) -> Bool {
        if seesEverything { return true }
        guard role == .viewer, let streams else { return false }
        let topic = String(decoding: prefix, as: UTF8.self)
        return streams.contains { topic == Topic.frames($0) || topic == Topic.audio($0) }
    }

    /// The request body's name when the role may not make that request, nil when it may.
    func refusal(of request: Splatd_V1_Request.OneOf_Body, streamAvatar: (String) -> String?) -> String? {
        let allowed: Bool
        switch request {
        case .ping, .listAvatars, .listStreams, .getStatus:
            allowed = true
        case .loadAvatar, .unloadAvatar, .startOutput, .stopOutput:
            allowed = managesAvatarsAndOutputs
        case .openStream, .updateStream, .closeStream:
            allowed = managesStreams
        case .setMixing(let m):
            allowed = drives(m.avatarID)
        case .requestKeyframe(let k):
            allowed = managesStreams || streamAvatar(k.streamID).map { sees(stream: k.streamID, avatarID: $0) } ?? false
        }
        return allowed ? nil : "the \(role.rawValue) key \(name.quotedForMessage) may not \(Self.verb(request))"
    }

    private static func verb(_ request: Splatd_V1_Request.OneOf_Body) -> String {
        switch request {
        case .loadAvatar: "load avatars (admin only)"
        case .unloadAvatar: "unload avatars (admin only)"
        case .startOutput, .stopOutput: "start or stop live outputs (admin only)"
        case .openStream, .updateStream, .closeStream: "open, update or close streams (admin and operator only)"
        case .setMixing(let m): "set the mixing of avatar \(m.avatarID.quotedForMessage)"
        case .requestKeyframe(let k): "request keyframes of stream \(k.streamID.quotedForMessage)"
        default: "make this request"
        }
    }
}
