import SplatProtocol
import SwiftProtobuf

extension FuzzTargets {
    /// The drive endpoint's second frame: a `DriveFrame`, decoded as `IOLoop.drainDrive` decodes
    /// it, then applied to an avatar as `AvatarSlot.receive` applies it (the adapter to the
    /// animator's `DriveInput`, its validation, smoothing and the snapshot a render takes).
    static let driveFrame = FuzzTarget(
        name: "drive", maximumLength: messageLength,
        summary: "DriveFrame (protobuf) + DriveInput adapter, DriveValues validation, FaceDriver snapshot",
        seeds: { ProtocolSeeds.driveFrames.map { $0.wireBytes() } },
        run: { bytes in
            guard let frame = try? Splatd_V1_DriveFrame.decode(
                wire: bytes, limit: WireLimits.maximumDriveFrameBytes, what: "drive frame") else { return }
            DaemonValidation.apply(frame)
        })
}
