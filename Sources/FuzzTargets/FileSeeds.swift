import Foundation
import SplatIO

/// Small valid files to start from, written with SplatIO's own writers (plus hand-made
/// variants the writers do not produce: other dtypes, Fortran order, other WAV formats).
/// `fuzz/corpus/` also holds the repository's test fixtures.
enum FileSeeds {
    /// A few Gaussians of SH degree `degree`, optionally bound to triangles.
    static func cloud(count: Int, degree: Int, bindings: Bool) -> GaussianCloud {
        let k = (degree + 1) * (degree + 1)
        return GaussianCloud(
            positions: (0..<count).map { SIMD3(Float($0), 0.5, -1) },
            scales: (0..<count).map { _ in SIMD3(0.01, 0.02, 0.03) },
            rotations: (0..<count).map { _ in SIMD4(0.9, 0.1, 0.3, 0.2) },
            opacities: (0..<count).map { _ in 0.7 },
            sh: (0..<(count * k * 3)).map { Float($0 % 7) / 10 },
            shDegree: degree,
            bindings: bindings ? (0..<count).map { Int32($0) } : nil)
    }

    static var ply: [[UInt8]] {
        [
            (try? PLYWriter.data(for: cloud(count: 2, degree: 0, bindings: false))).map { [UInt8]($0) },
            (try? PLYWriter.data(for: cloud(count: 2, degree: 1, bindings: true), includeNormals: false)).map { [UInt8]($0) },
            // A header with an element before the vertices, a comment and a double property.
            Array(("ply\nformat binary_little_endian 1.0\ncomment fuzz\nelement camera 1\nproperty float fx\n"
                + "element vertex 1\n" + ["x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0",
                                           "scale_1", "scale_2", "rot_0", "rot_1", "rot_2"].map { "property float \($0)\n" }.joined()
                + "property double rot_3\nproperty uchar binding_0\nend_header\n").utf8)
                + [UInt8](repeating: 0, count: 4) + (0..<13).flatMap { _ in [0, 0, 128, 63] as [UInt8] }
                + [0, 0, 0, 0, 0, 0, 240, 63, 3],
        ].compactMap { $0 }
    }

    static var splat: [[UInt8]] {
        [(try? SplatFile.data(for: cloud(count: 3, degree: 0, bindings: false))).map { [UInt8]($0) }].compactMap { $0 }
    }

    static var arrays: [NPYArray] {
        [
            NPYArray(shape: [2, 3], floats: [0, 1, 2, 3, 4, 5]),
            NPYArray(shape: [3], int32s: [0, -1, 7]),
            NPYArray(shape: [], doubles: [2.5]),
            NPYArray(shape: [2, 2], ints: [1, 2, 3, 4]),
            NPYArray(shape: [4], uint8s: [0, 1, 254, 255]),
            NPYArray(shape: [2], bools: [true, false]),
        ]
    }

    static var npy: [[UInt8]] {
        var seeds = arrays.map { [UInt8](NPYFile.data(for: $0)) }
        // Fortran order, version 2.0 and 3.0 preambles, a Python 2 long and a big-endian byte.
        func file(major: UInt8, header: String, body: [UInt8]) -> [UInt8] {
            let h = Array(header.utf8)
            var out = NPYFile.magic + [major, 0]
            if major == 1 {
                out += [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
            } else {
                out += withUnsafeBytes(of: UInt32(h.count).littleEndian, Array.init)
            }
            return out + h + body
        }
        seeds.append(file(major: 1, header: "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }\n",
                          body: (0..<12).map { UInt8($0) }))
        seeds.append(file(major: 2, header: "{'descr': '|i1', 'fortran_order': False, 'shape': (3L,), }\n", body: [1, 2, 3]))
        seeds.append(file(major: 3, header: "{\"descr\": \">u1\", \"fortran_order\": False, \"shape\": (2,)}\n", body: [9, 8]))
        seeds.append(file(major: 1, header: "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }\n",
                          body: [255, 255, 255, 255, 255, 255, 255, 127]))
        return seeds
    }

    static var npz: [[UInt8]] {
        [false, true].compactMap { compressed in
            var writer = NPZWriter(compressed: compressed)
            for (i, array) in arrays.enumerated() { writer.add("a\(i)", array) }
            return (try? writer.data()).map { [UInt8]($0) }
        }
    }

    static var wav: [[UInt8]] {
        var seeds = [
            [UInt8](WAVFile(sampleRate: 16000, channels: 1, samples: (0..<64).map { Int16($0 * 300 - 9000) }).data()),
            [UInt8](WAVFile(sampleRate: 48000, channels: 2, samples: (0..<32).map { Int16($0 * 100) }).data()),
        ]
        /// A header for `bits`-bit samples of format `tag`, with a `LIST` chunk before the data.
        func wav(tag: UInt16, bits: UInt16, channels: UInt16, data: [UInt8], extensible: Bool = false) -> [UInt8] {
            func u16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
            func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
            let align = channels * bits / 8
            var fmt = u16(extensible ? 0xFFFE : tag) + u16(channels) + u32(22050) + u32(22050 * UInt32(align)) + u16(align) + u16(bits)
            if extensible { fmt += u16(22) + u16(bits) + u32(3) + u16(tag) + [UInt8](repeating: 0, count: 14) }
            let list = Array("LIST".utf8) + u32(4) + Array("INFO".utf8)
            var body = Array("WAVE".utf8) + Array("fmt ".utf8) + u32(UInt32(fmt.count)) + fmt + list
            body += Array("data".utf8) + u32(UInt32(data.count)) + data
            return Array("RIFF".utf8) + u32(UInt32(body.count)) + body
        }
        seeds.append(wav(tag: 1, bits: 8, channels: 1, data: (0..<16).map { UInt8($0 * 16) }))
        seeds.append(wav(tag: 1, bits: 24, channels: 2, data: (0..<24).map { UInt8($0) }))
        seeds.append(wav(tag: 3, bits: 32, channels: 1, data: [0, 0, 0, 63, 0, 0, 128, 191, 0, 0, 128, 127], extensible: true))
        return seeds
    }

    static var configurations: [[UInt8]] {
        [
            "{}",
            #"{"control": "tcp://127.0.0.1:5555", "maximumAvatars": 4, "holdSeconds": 0.25, "avatarRoots": ["/srv/avatars"]}"#,
            #"{"liveLink": "0.0.0.0:11111", "liveLinkSubjects": {"iPhone": "demo"}, "vmc": "127.0.0.1:39539", "vmcAvatar": "demo"}"#,
            #"{"outputs": ["default=rtmp://127.0.0.1/live/demo"], "mixing": {"jawAndMouth": "tracker", "headPose": "audio"}}"#,
            #"{"maximumTotalPixels": 1048576, "renderThreads": 2, "framesHighWaterMark": 8, "maximumArchiveBytes": 1048576}"#,
        ].map { Array($0.utf8) }
    }
}
