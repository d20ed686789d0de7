import SplatCore
import Trackers

/// Valid tracker datagrams to start from.
enum TrackerSeeds {
    static var liveLink: [[UInt8]] {
        let full = (0..<LiveLinkFace.names.count).map { Float($0 % 10) / 10 - 0.2 }
        return [
            LiveLinkPacket(deviceID: "6C1F0E2A-0000-4000-8000-000000000001", subject: "iPhone", frame: 42,
                           subFrame: 0.5, values: full).bytes,
            LiveLinkPacket(deviceID: "d", subject: "", values: Array(full.prefix(LiveLinkFace.blendshapeCount))).bytes,
        ]
    }

    static var vmc: [[UInt8]] {
        let blend = OSCMessage(address: "/VMC/Ext/Blend/Val", arguments: [.string("A"), .float(0.8)]).bytes
        let arkit = OSCMessage(address: "/VMC/Ext/Blend/Val", arguments: [.string("jawOpen"), .float(0.5)]).bytes
        let apply = OSCMessage(address: "/VMC/Ext/Blend/Apply").bytes
        let head = OSCMessage(address: "/VMC/Ext/Bone/Pos", arguments: [
            .string("Head"), .float(0), .float(1.5), .float(0), .float(0.1), .float(0.2), .float(0), .float(0.97),
        ]).bytes
        let eye = OSCMessage(address: "/VMC/Ext/Bone/Pos", arguments: [
            .string("LeftEye"), .float(0), .float(0), .float(0), .float(0), .float(0.1), .float(0), .float(0.99),
        ]).bytes
        let root = OSCMessage(address: "/VMC/Ext/Root/Pos", arguments: [
            .string("root"), .float(0), .float(0), .float(0), .float(0), .float(0), .float(0), .float(1), .int(1),
        ]).bytes
        let other = OSCMessage(address: "/VMC/Ext/OK", arguments: [.int(1), .blob([1, 2, 3]), .bool(true)]).bytes
        return [
            blend, apply, head,
            OSCMessage.bundle([blend, arkit, apply]),
            OSCMessage.bundle([OSCMessage.bundle([root, head, eye]), other, apply]),
        ]
    }
}
