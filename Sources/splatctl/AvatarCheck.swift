import SplatProtocol

extension ControlClient {
    /// Checks that the daemon answers on `control` and holds `avatar`. Commands that only send
    /// (`drive`, `speak`) would otherwise succeed silently while the daemon drops everything.
    /// - Throws: ``SplatctlError/noReply(endpoint:timeout:)`` when no daemon answers,
    ///   ``SplatctlError/daemon(request:status:message:)`` (NOT_FOUND) when the avatar is not loaded.
    static func requireAvatar(_ avatar: String, control: String, timeout: Double, for command: String) throws {
        let client = try ControlClient(endpoint: control, timeout: min(timeout, 2))
        let (_, list) = try client.call(.listAvatars(.init()), what: "list avatars", expect: "avatar list") {
            if case .avatars(let l) = $0 { return l } else { return nil }
        }
        guard list.avatars.contains(where: { $0.avatarID == avatar }) else {
            let ids = list.avatars.map(\.avatarID)
            throw SplatctlError.daemon(request: command, status: .notFound,
                                       message: "no avatar \(Identifier.quoted(avatar)) (loaded: \(ids.isEmpty ? "none" : ids.joined(separator: ", ")))")
        }
    }
}
