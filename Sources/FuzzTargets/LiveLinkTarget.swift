import Animator
import SplatCore
import Trackers

extension FuzzTargets {
    /// A Live Link Face UDP datagram, decoded as the tracker listener decodes it, and the drive
    /// frame it makes applied to a face as the listener applies it.
    static let liveLink = FuzzTarget(
        name: "livelink", maximumLength: messageLength,
        summary: "Live Link Face datagram (LiveLinkDecoder) + FaceDriver",
        seeds: { TrackerSeeds.liveLink },
        run: { bytes in
            var decoder = LiveLinkDecoder()
            guard let frames = try? decoder.frames(in: bytes, from: "127.0.0.1:11111") else { return }
            drive(frames)
        })

    /// What the tracker listener does with decoded frames: each goes to the avatar's face
    /// (validated there), and a render asks for the values and maps them onto the avatar.
    static func drive(_ frames: [TrackerFrame]) {
        var face = FaceDriver()
        for (i, frame) in frames.enumerated() {
            _ = frame.subject.quotedForMessage
            try? face.receive(frame.input, sequence: UInt64(i + 1), senderTimeUs: 0, now: 1, receivedUs: 1_000_000)
        }
        render(face.snapshot(at: 1.02, nowUs: 1_020_000))
    }
}
