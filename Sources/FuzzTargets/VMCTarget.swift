import Trackers

extension FuzzTargets {
    /// A VMC (OSC) UDP datagram: messages and nested bundles, decoded by the VMC decoder (OSC
    /// parsing, then the marionette's blendshapes and bones), and its frames applied to a face.
    static let vmc = FuzzTarget(
        name: "vmc", maximumLength: messageLength,
        summary: "VMC/OSC datagram (OSCPacket, VMCMarionette) + FaceDriver",
        seeds: { TrackerSeeds.vmc },
        run: { bytes in
            var decoder = VMCDecoder()
            guard let frames = try? decoder.frames(in: bytes, from: "127.0.0.1:39539") else { return }
            _ = decoder.ignoredNames
            _ = decoder.lastIgnoredName
            drive(frames)
        })
}
