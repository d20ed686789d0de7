import AnimatorKernels
import SplatIO

extension Avatar {
    /// The rest geometry a reduction starts from: the neutral pose, its triangle frames, and how
    /// each triangle moves under a few probing expressions.
    struct RestGeometry {
        /// World-space Gaussians of the neutral pose.
        let cloud: GaussianCloud
        /// The neutral mesh (empty for static scenes).
        let vertices: [SIMD3<Float>]
        let frames: FaceFrames
        /// Per triangle, its centre's displacement under each of ``probes`` (`faceCount × probes.count`).
        let motion: [SIMD3<Float>]

        /// Expressions that move different parts of a face apart: the jaw, the lids, the
        /// mouth corners, the lips, the brows, the eyes.
        static let probes: [AvatarDrive] = [
            ["jawOpen": 1], ["eyeBlinkLeft": 1, "eyeBlinkRight": 1], ["mouthSmileLeft": 1, "mouthSmileRight": 1],
            ["mouthPucker": 1], ["mouthFunnel": 1], ["browInnerUp": 1, "browOuterUpLeft": 1, "browOuterUpRight": 1],
            ["eyeLookUpLeft": 1, "eyeLookUpRight": 1], ["eyeLookInLeft": 1, "eyeLookOutRight": 1],
        ].map { .arkit(try! ARKitParameters(named: $0)) }  // every name is ARKit's

        init(_ avatar: Avatar) throws {
            cloud = avatar.makeCloud()
            vertices = try avatar.posedVertices(.neutral)
            frames = FaceFrames()
            let faces = avatar.faces
            let faceCount = faces.count / 3
            guard !vertices.isEmpty else { motion = []; return }
            frames.update(vertices: vertices, faces: faces, threads: avatar.threadCount)
            func centres(_ v: [SIMD3<Float>]) -> [SIMD3<Float>] {
                (0..<faceCount).map { f in (v[Int(faces[3 * f])] + v[Int(faces[3 * f + 1])] + v[Int(faces[3 * f + 2])]) / 3 }
            }
            let rest = centres(vertices)
            var motion = [SIMD3<Float>](repeating: .zero, count: faceCount * Self.probes.count)
            for (p, probe) in Self.probes.enumerated() {
                let moved = centres(try avatar.posedVertices(probe))
                for f in 0..<faceCount { motion[f * Self.probes.count + p] = moved[f] - rest[f] }
            }
            self.motion = motion
        }
    }

    /// This avatar with the alike Gaussians in each `cellSize` cube of the neutral pose merged
    /// into one (``GaussianMerge``), rigged the same way: for pictures in which a cell covers
    /// about a pixel.
    ///
    /// Gaussians merge when they share a cell and a colour (within 1/8 per channel: hair lifted
    /// off the scalp and the skin under it stay apart) and, for rigged avatars, when their
    /// triangles move alike — within half a cell under every probing expression
    /// (``RestGeometry/probes``), so the upper and lower lip, a lid and the eye under it never
    /// merge. A merged Gaussian is bound to the triangle of its member nearest its centre and
    /// follows the rig like its members did. A static scene is returned as it is.
    func reduced(cellSize: Float, rest: RestGeometry) throws -> Avatar {
        guard let bound = self.bound else { return self }
        let groups = Self.groups(rest, faces: bound.faces, cellSize: cellSize)
        let world = rest.cloud
        let k = world.sh.count / max(world.count, 1)
        var sh = [Float](repeating: 0, count: k)
        let barycentric = bound.binding == .barycentric
        var faces: [Int32] = [], bary: [SIMD3<Float>] = [], offsets: [SIMD3<Float>] = [], scales: [SIMD3<Float>] = []
        var rotations: [SIMD4<Float>] = [], opacities: [Float] = [], shOut: [Float] = []
        for group in groups {
            if group.count == 1 {
                let g = Int(group.first!)
                faces.append(bound.faces[g]); offsets.append(bound.offsets[g]); scales.append(bound.scales[g])
                if barycentric { bary.append(bound.barycentric[g]) }
                rotations.append(bound.rotations[g]); opacities.append(bound.opacities[g])
                shOut.append(contentsOf: bound.sh[g * k..<(g + 1) * k])
                continue
            }
            for j in 0..<k { sh[j] = 0 }
            let merged = GaussianMerge(group, of: world, sh: &sh)
            // The member nearest the merged centre lends its triangle (and, for barycentric
            // bindings, its point on it).
            let anchor = Int(group.min { a, b in
                let da = SIMD3<Double>(world.positions[Int(a)]) - merged.mean, db = SIMD3<Double>(world.positions[Int(b)]) - merged.mean
                return (da * da).sum() < (db * db).sum()
            }!)
            let f = Int(bound.faces[anchor])
            // Into the triangle's frame at rest: offset R_fᵀ (μ − base) / k, local rotation
            // R_fᵀ R, local scales s / k.
            let scale = Double(rest.frames.scale(f))
            let (a0, a1, a2) = rest.frames.rotation(f)
            let axes = (SIMD3<Double>(a0), SIMD3<Double>(a1), SIMD3<Double>(a2))
            var base = SIMD3<Double>(rest.frames.centre(f))
            if barycentric {
                let b = bound.barycentric[anchor]
                let corners = (0..<3).map { SIMD3<Double>(rest.vertices[Int(self.faces[3 * f + $0])]) }
                base = Double(b.x) * corners[0] + Double(b.y) * corners[1] + Double(b.z) * corners[2]
                bary.append(b)
            }
            let d = merged.mean - base
            offsets.append(SIMD3<Float>(SIMD3((axes.0 * d).sum(), (axes.1 * d).sum(), (axes.2 * d).sum()) / scale))
            scales.append(SIMD3<Float>(merged.scales / scale))
            let frame = Matrix3(r0: [axes.0.x, axes.1.x, axes.2.x], r1: [axes.0.y, axes.1.y, axes.2.y],
                                r2: [axes.0.z, axes.1.z, axes.2.z])
            rotations.append(SIMD4<Float>(RotationMath.quaternion(frame.transposed * merged.rotation)))
            opacities.append(Float(merged.opacity))
            faces.append(Int32(f))
            shOut.append(contentsOf: sh)
        }
        let gaussians = try BoundGaussians(binding: bound.binding, faces: faces, barycentric: bary, offsets: offsets,
                                           scales: scales, rotations: rotations, opacities: opacities, sh: shOut,
                                           shDegree: bound.shDegree, name: name)
        switch backend {
        case .flame(let rig, let identity):
            return try Avatar(flameRig: rig, identity: identity, gaussians: gaussians, name: name, renderHints: renderHints,
                              motion: motion, limits: limits, threads: threadCount)
        case .blendshape(let rig):
            return try Avatar(blendshapeRig: rig, gaussians: gaussians, name: name, renderHints: renderHints,
                              limits: limits, threads: threadCount)
        case .rigid:
            return self
        }
    }

    /// Steps per colour channel (0…1) within which Gaussians may merge.
    static let colourSteps: Float = 8

    /// Indices of the rest cloud's Gaussians grouped by cell, colour and how their triangle
    /// moves, in a fixed order.
    private static func groups(_ rest: RestGeometry, faces: [Int32], cellSize: Float) -> [ArraySlice<Int32>] {
        typealias Key = (x: Int32, y: Int32, z: Int32, colour: Int32, motion: UInt64)
        let cloud = rest.cloud
        let k = cloud.sh.count / max(cloud.count, 1)
        func cell(_ v: Float) -> Int32 { Int32(max(-1e9, min(1e9, v.rounded(.down)))) }
        // A triangle's motion under the probes, in half cells, hashed (FNV-1a: the same on
        // every run, so a level is the same avatar every time it is built).
        let probes = RestGeometry.probes.count
        let motionKeys: [UInt64] = (0..<rest.motion.count / probes).map { f in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for p in 0..<probes {
                let m = rest.motion[f * probes + p] / (cellSize / 2)
                for v in [m.x, m.y, m.z] {
                    hash = (hash ^ UInt64(UInt32(bitPattern: cell(v + 0.5)))) &* 0x100_0000_01b3
                }
            }
            return hash
        }
        let keys: [Key] = cloud.positions.indices.map { g in
            let c = cloud.positions[g] / cellSize
            // Only alike colours merge: hair lifted off the scalp, brows, lashes and skin share
            // cells, but averaging them would stain the skin.
            var colour: Int32 = 0
            for channel in 0..<3 {
                let dc = cloud.sh[g * k + channel] * 0.282_094_8 + 0.5
                colour = colour * 64 + cell(min(max(dc, 0), 1) * Self.colourSteps)
            }
            return (cell(c.x), cell(c.y), cell(c.z), colour, motionKeys[Int(faces[g])])
        }
        guard !keys.isEmpty else { return [] }
        let order = keys.indices.sorted { keys[$0] < keys[$1] }.map { Int32($0) }
        var groups: [ArraySlice<Int32>] = []
        var start = 0
        for i in 1...order.count where i == order.count || keys[Int(order[i])] != keys[Int(order[start])] {
            groups.append(order[start..<i])
            start = i
        }
        return groups
    }
}
