import ArgumentParser
import Foundation
import SplatCore
import SplatProtocol
import ZeroMQ

/// `splatctl drive AVATAR`: a small test tracker. Publishes `[avatar id][DriveFrame]` on
/// the daemon's drive endpoint at a fixed rate, with increasing sequence numbers and the
/// sender's wall-clock time (so `watch` can measure latency).
struct DriveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drive",
        abstract: "Publish test drive frames (ARKit blendshapes or FLAME jaw) to an avatar.",
        discussion: """
            Examples: `splatctl drive demo --arkit jawOpen=0.6,mouthSmileLeft=0.4 --seconds 2`; \
            `splatctl drive demo --wave` (the test wave, below); \
            `splatctl drive ga --flame-jaw 0.25 --wave`. Without --wave the same values are sent \
            every frame. --seconds 0 runs until Ctrl-C.

            The test wave, the same as `splatd-publish --wave`: jawOpen (or the values given) is \
            scaled by 0.5 − 0.5·cos(2π·f·t), closed → open → closed once per cycle, and the head \
            turns by --head-yaw degrees (10 unless given; 0: not at all) times sin(π·f·t), to \
            either side at half that rate; f is --wave-hz (1 Hz).
            """
    )

    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The avatar to drive (see `splatctl list`).", valueName: "avatar"))
    var avatar: String

    @Option(name: .long, help: ArgumentHelp("ARKit blendshape weights by name, e.g. jawOpen=0.8,eyeBlinkLeft=1.", valueName: "name=weight,…"),
            transform: ARKitWeights.init(parsing:))
    var arkit: ARKitWeights?

    @Option(name: .customLong("flame-jaw"), parsing: .unconditional,
            help: ArgumentHelp("FLAME jaw opening (pitch about x), radians; e.g. 0.2.", valueName: "pitch"))
    var flameJaw: Float?

    @Option(name: .customLong("flame-expr"), help: ArgumentHelp("FLAME expression coefficients e0,e1,….", valueName: "v,…"),
            transform: FloatList.init(parsing:))
    var flameExpr: FloatList?

    @Option(name: .customLong("head-yaw"), parsing: .unconditional,
            help: ArgumentHelp("Turn the head about its up axis by this many degrees (with --wave: the swing, default 10).", valueName: "deg"))
    var headYaw: Float?

    @Option(name: .long, help: ArgumentHelp("Drive frames per second.", valueName: "N"))
    var fps: Double = 30

    @Option(name: .long, help: ArgumentHelp("How long to publish; 0 runs until Ctrl-C.", valueName: "S"))
    var seconds: Double = 5

    @Flag(name: .long, help: "Send the test wave: jawOpen (or the values given) and the head yaw follow sines.")
    var wave = false

    @Option(name: .customLong("wave-hz"), help: ArgumentHelp("Jaw cycles per second of --wave.", valueName: "hz"))
    var waveHz: Double = TestWave.defaultHz

    /// Whether FLAME values are sent (otherwise ARKit).
    var isFLAME: Bool { flameJaw != nil || flameExpr != nil }

    func validate() throws {
        try Validation.identifier(avatar, what: "avatar id")
        if isFLAME && arkit != nil { throw ValidationError("give either --arkit or --flame-jaw/--flame-expr, not both") }
        if !isFLAME && arkit == nil && headYaw == nil && !wave {
            throw ValidationError("nothing to send: give --arkit name=weight,…, --flame-jaw PITCH, --head-yaw DEG, or --wave")
        }
        guard fps.isFinite, (0.1...1000).contains(fps) else { throw ValidationError("--fps must be 0.1…1000, got \(fps)") }
        guard seconds.isFinite, seconds >= 0 else { throw ValidationError("--seconds must be 0 or more, got \(seconds)") }
        guard waveHz.isFinite, waveHz > 0 else { throw ValidationError("--wave-hz must be above 0, got \(waveHz)") }
        for (name, v) in [("--flame-jaw", flameJaw), ("--head-yaw", headYaw)] {
            if let v, !v.isFinite { throw ValidationError("\(name) must be a finite number") }
        }
    }

    /// The drive frame with `sequence` at `t` seconds after the start.
    func frame(sequence: UInt64, at t: Double, senderTimeUs: UInt64) -> Splatd_V1_DriveFrame {
        let testWave = TestWave(hz: waveHz)
        let rise = wave ? testWave.rise(at: t) : 1
        let yawDegrees = wave ? (headYaw ?? TestWave.defaultHeadYawDegrees) * testWave.swing(at: t) : headYaw
        let yaw = yawDegrees.flatMap { wave && headYaw == 0 ? nil : SIMD3<Float>(0, $0 * .pi / 180, 0) }
        return .with {
            $0.avatarID = avatar
            $0.sequence = sequence
            $0.senderTimeUs = senderTimeUs
            if isFLAME {
                $0.flame = .with { f in
                    if let flameJaw { f.jawPose = .with { $0.x = flameJaw * rise } }
                    if let flameExpr { f.expr = flameExpr.values.map { $0 * rise } }
                    if let yaw { f.rotation = .with { $0.x = yaw.x; $0.y = yaw.y; $0.z = yaw.z } }
                }
            } else {
                $0.arkit = .with { a in
                    var weights = arkit?.weights ?? []
                    if weights.isEmpty && wave { weights = [("jawOpen", 1)] }
                    for (name, w) in weights { a.named[name] = w * rise }
                    if let yaw { a.headRotation = .with { $0.x = yaw.x; $0.y = yaw.y; $0.z = yaw.z } }
                }
            }
        }
    }

    func run() throws {
        try ControlClient.requireAvatar(avatar, control: global.control, timeout: global.timeout, for: "drive")
        let socket: ZMQSocket
        do {
            socket = try ZMQContext().socket(.pub)
            try ClientSecurity.secure(socket)
            try socket.set(.linger, .milliseconds(500))  // let the last frames out on exit
        } catch {
            throw SplatctlError.transport("cannot create a ZeroMQ socket: \(error)")
        }
        do { try socket.connect(global.drive) } catch let error as ZMQError {
            throw SplatctlError.badEndpoint(endpoint: global.drive, reason: error.message)
        }
        Interrupt.install()
        // PUB drops everything until the connection and the daemon's subscription are up.
        Interrupt.sleep(seconds: 0.3)

        let topic = Array(avatar.utf8)
        let start = monotonicSeconds()
        var sequence: UInt64 = 0
        if !global.json {
            print("driving avatar \(avatar) on \(global.drive) at \(String(format: "%g", fps)) fps"
                  + (seconds > 0 ? " for \(Format.seconds(seconds))" : " until Ctrl-C") + (wave ? " (wave at \(String(format: "%g", waveHz)) Hz)" : ""))
        }
        while !Interrupt.requested {
            let t = Double(sequence) / fps
            if seconds > 0 && t >= seconds { break }
            let now = monotonicSeconds() - start
            if t > now { Interrupt.sleep(seconds: t - now); continue }
            sequence += 1
            let frame = frame(sequence: sequence, at: t, senderTimeUs: wallClockMicroseconds())
            do {
                _ = try socket.send(multipart: [topic, frame.wireBytes()])
            } catch {
                throw SplatctlError.transport("publishing drive frame \(sequence): \(error)")
            }
        }
        let elapsed = monotonicSeconds() - start
        report(sent: sequence, elapsed: elapsed)
    }

    /// Prints what was sent, and what the daemon says it received (best effort).
    private func report(sent: UInt64, elapsed: Double) {
        Interrupt.sleep(seconds: 0.1)  // the last frames reach the daemon
        var daemonSide: Splatd_V1_AvatarStatus?
        if let client = try? ControlClient(endpoint: global.control, timeout: min(global.timeout, 2)),
           let (_, status) = try? client.call(.getStatus(.init()), what: "status", expect: "daemon status", {
               if case .daemonStatus(let s) = $0 { return s } else { return nil }
           }) {
            daemonSide = status.avatars.first { $0.info.avatarID == avatar }
        }
        if global.json {
            var o: [String: Any] = ["avatar": avatar, "sent": sent, "seconds": elapsed]
            if let d = daemonSide {
                o["daemon_received"] = d.driveFramesReceived
                o["daemon_rejected"] = d.driveFramesRejected
                o["daemon_out_of_order"] = d.driveFramesOutOfOrder
                o["daemon_last_sequence"] = d.lastDriveSequence
            }
            print(Console.jsonLine(o))
            return
        }
        print("sent \(sent) drive frames (sequence 1…\(sent)) in \(String(format: "%.1f", elapsed)) s")
        if let d = daemonSide {
            print("splatd: avatar \(avatar) has received \(d.driveFramesReceived) drive frames in all (\(d.driveFramesRejected) rejected, "
                  + "\(d.driveFramesOutOfOrder) out of order), last sequence \(d.lastDriveSequence), drive \(Format.driveState(d.driveState))")
        }
    }
}

/// `--arkit name=weight,…`: ARKit blendshape weights by their ARKit names.
struct ARKitWeights: Equatable {
    /// Name and weight, in the order given.
    var weights: [(String, Float)]

    static func == (a: ARKitWeights, b: ARKitWeights) -> Bool {
        a.weights.map(\.0) == b.weights.map(\.0) && a.weights.map(\.1) == b.weights.map(\.1)
    }

    init(parsing text: String) throws {
        var weights: [(String, Float)] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, let w = Float(parts[1].trimmingCharacters(in: .whitespaces)), w.isFinite else {
                throw OptionValueError("expected name=weight pairs separated by commas, e.g. jawOpen=0.8,eyeBlinkLeft=1")
            }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard ARKitNames.index[name] != nil else {
                let close = ARKitNames.all.filter { $0.lowercased() == name.lowercased() }
                    + ARKitNames.all.filter { $0.lowercased().hasPrefix(String(name.lowercased().prefix(4))) && $0.lowercased() != name.lowercased() }
                throw OptionValueError("\"\(name)\" is not an ARKit blendshape name"
                                       + (close.isEmpty ? " (eyeBlinkLeft … tongueOut, case-sensitive)" : "; did you mean \(close.prefix(4).joined(separator: ", "))?"))
            }
            weights.append((name, w))
        }
        guard !weights.isEmpty else { throw OptionValueError("give at least one name=weight") }
        self.weights = weights
    }
}

/// A comma-separated list of numbers.
struct FloatList: Equatable {
    var values: [Float]

    init(parsing text: String) throws {
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw OptionValueError("expected numbers separated by commas, e.g. 0.5,-0.2,1")
        }
        self.values = values.map { $0! }
    }
}
