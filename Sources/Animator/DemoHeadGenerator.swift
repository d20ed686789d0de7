import AnimatorKernels
import Foundation
import SplatCore
import SplatIO

/// Generates the demo avatar's Gaussians (see ``DemoAvatar``): stratified barycentric samples
/// per triangle, coloured by region, plus hair and brow layers.
struct DemoHeadGenerator {
    let rig: BlendshapeRig
    var rng: SplitMix64
    let palette: DemoHeadPalette
    let mesh: MeshAnalysis
    let regions: [HeadRegion]
    let tongue: [Bool]
    let shade: [Float]
    /// Lip weight per vertex: the lips label smoothed over the mesh, sharpened.
    let lip: [Float]

    /// Key light of the baked shading (toward the light, head coordinates).
    static let light = TriangleFrames.normalize(SIMD3<Float>(0.35, 0.5, 0.8))
    /// Share of the Gaussians in the hair layer and in the brow layer.
    static let hairShare: Float = 0.2
    static let browShare: Float = 0.02

    // Output.
    private var faces: [Int32] = [], barycentric: [SIMD3<Float>] = [], offsets: [SIMD3<Float>] = []
    private var scales: [SIMD3<Float>] = [], rotations: [SIMD4<Float>] = [], opacities: [Float] = [], sh: [Float] = []

    init(rig: BlendshapeRig, seed: UInt64) {
        self.rig = rig
        rng = SplitMix64(seed: seed)
        palette = DemoHeadPalette(noise: ValueNoise(seed: seed ^ 0xA5A5_5A5A))
        mesh = MeshAnalysis(vertices: rig.vertices, faces: rig.faces)
        regions = rig.regions.map(HeadRegion.init(label:))

        // The tongue: a separate component made only of mouth-interior vertices.
        let components = mesh.components()
        var allMouth: [Int: Bool] = [:], size: [Int: Int] = [:]
        for v in 0..<rig.vertexCount {
            allMouth[components[v], default: true] = allMouth[components[v], default: true] && regions[v] == .mouth
            size[components[v], default: 0] += 1
        }
        tongue = (0..<rig.vertexCount).map { allMouth[components[$0]]! && size[components[$0]]! < rig.vertexCount / 4 }

        // Baked shading: cavities darker, a soft key light from the upper front.
        let fine = mesh.cavity(iterations: 6), coarse = mesh.cavity(iterations: 40)
        var shade = [Float](repeating: 1, count: rig.vertexCount)
        for v in 0..<rig.vertexCount where rig.eyeGroups[v] == 0 {
            let inside = regions[v] == .mouth || regions[v] == .teeth
            let occlusion = 1 - 45 * max(fine[v], 0) - 9 * max(coarse[v], 0)
            let lambert = max((mesh.vertexNormals[v] * Self.light).sum(), 0)
            let lit = 0.78 + 0.22 * lambert
            shade[v] = min(max(occlusion, inside ? 0.5 : 0.55), 1) * lit
            if inside {
                // Deeper into the mouth is darker: light only enters between the lips.
                let depth = max(0.1 - rig.vertices[v].z, 0)
                shade[v] *= max(1 - 14 * depth, 0.2)
            }
        }
        self.shade = shade
        let lipLabel = regions.map { $0 == .lips ? Float(1) : 0 }
        lip = mesh.smooth(lipLabel, iterations: 2).map { min(max(($0 - 0.2) / 0.6, 0), 1) }
    }

    mutating func generate(count: Int) throws -> BoundGaussians {
        let F = rig.faceCount
        let hairCount = Float(count) * Self.hairShare, browCount = Float(count) * Self.browShare
        let surfaceCount = Float(count) - hairCount - browCount

        // Relative sampling density per face.
        var density = [Float](repeating: 0, count: F)
        var weighted: Float = 0, hairArea: Float = 0, browArea: Float = 0
        for f in 0..<F {
            density[f] = relativeDensity(f)
            weighted += mesh.faceAreas[f] * density[f]
            hairArea += mesh.faceAreas[f] * cornerShare(f, .scalp)
            browArea += mesh.faceAreas[f] * browMask(f)
        }
        let base = surfaceCount / weighted
        let reserve = count + count / 20
        faces.reserveCapacity(reserve); barycentric.reserveCapacity(reserve); offsets.reserveCapacity(reserve)
        scales.reserveCapacity(reserve); rotations.reserveCapacity(reserve); opacities.reserveCapacity(reserve)
        sh.reserveCapacity(3 * reserve)

        for f in 0..<F where density[f] > 0 {
            let n = stochasticCount(mesh.faceAreas[f] * density[f] * base)
            let spacing = 1 / (density[f] * base).squareRoot()
            // Even coverage within the triangle: the R2 low-discrepancy sequence with a random shift.
            let shift = SIMD2(rng.nextFloat(), rng.nextFloat())
            for i in 0..<n {
                let u = (shift + Float(i) * SIMD2(0.7548776662, 0.5698402910))
                addSurface(face: f, spacing: spacing, uv: u - u.rounded(.down))
            }
        }
        let hairDensity = hairCount / hairArea, browDensity = browCount / browArea
        for f in 0..<F {
            let hair = cornerShare(f, .scalp)
            if hair > 0 {
                for _ in 0..<stochasticCount(mesh.faceAreas[f] * hair * hairDensity) {
                    addStrand(face: f, region: .scalp, spacing: 1 / hairDensity.squareRoot())
                }
            }
            let brow = browMask(f)
            if brow > 0 {
                for _ in 0..<stochasticCount(mesh.faceAreas[f] * brow * browDensity) {
                    addStrand(face: f, region: .eyebrows, spacing: 1 / browDensity.squareRoot())
                }
            }
        }
        return try BoundGaussians(binding: .barycentric, faces: faces, barycentric: barycentric, offsets: offsets,
                                  scales: scales, rotations: rotations, opacities: opacities, sh: sh, shDegree: 0,
                                  name: "demo avatar")
    }

    // MARK: - Sampling

    private func corners(_ f: Int) -> (Int, Int, Int) {
        (Int(rig.faces[3 * f]), Int(rig.faces[3 * f + 1]), Int(rig.faces[3 * f + 2]))
    }

    /// The face's label: the region of two agreeing corners, else the first corner's.
    private func label(_ f: Int) -> HeadRegion {
        let (a, b, c) = corners(f)
        return regions[b] == regions[c] ? regions[b] : regions[a]
    }

    /// Fraction of the face's corners in `region`.
    private func cornerShare(_ f: Int, _ region: HeadRegion) -> Float {
        let (a, b, c) = corners(f)
        return Float((regions[a] == region ? 1 : 0) + (regions[b] == region ? 1 : 0) + (regions[c] == region ? 1 : 0)) / 3
    }

    /// The brow mask at the face's corners and centre, averaged (0 off the brows).
    private func browMask(_ f: Int) -> Float {
        guard eyeGroup(f) == 0 else { return 0 }
        let (a, b, c) = corners(f)
        let pa = rig.vertices[a], pb = rig.vertices[b], pc = rig.vertices[c]
        return (DemoHeadPalette.brow(at: pa) + DemoHeadPalette.brow(at: pb) + DemoHeadPalette.brow(at: pc)
            + 3 * DemoHeadPalette.brow(at: (pa + pb + pc) / 3)) / 6
    }

    private func eyeGroup(_ f: Int) -> Int { Int(rig.eyeGroups[corners(f).0]) }

    private func relativeDensity(_ f: Int) -> Float {
        let group = eyeGroup(f)
        if group > 0 {
            // Only the front of the eyeball can be seen.
            let (a, b, c) = corners(f)
            let centre = (rig.vertices[a] + rig.vertices[b] + rig.vertices[c]) / 3 - rig.eyeCentres[group - 1]
            return TriangleFrames.normalize(centre).z > -0.05 ? 5 : 0
        }
        let (a, b, c) = corners(f)
        switch label(f) {
        case .lips, .eyelid: return 2.4
        case .nostril: return 1.2
        case .eyebrows: return 1.3
        case .skin: return 1
        case .scalp: return 0.4
        case .neck: return 0.55
        case .teeth: return 1.1
        case .mouth: return tongue[a] && tongue[b] && tongue[c] ? 0.8 : 0.45
        case .sclera, .iris, .pupil: return 5
        }
    }

    private mutating func stochasticCount(_ expected: Float) -> Int {
        let whole = expected.rounded(.down)
        return Int(whole) + (rng.nextFloat() < expected - whole ? 1 : 0)
    }

    private mutating func randomBarycentric() -> SIMD3<Float> {
        barycentric(SIMD2(rng.nextFloat(), rng.nextFloat()))
    }

    /// The area-preserving map of the unit square onto a triangle.
    private func barycentric(_ uv: SIMD2<Float>) -> SIMD3<Float> {
        let r1 = uv.x.squareRoot(), r2 = uv.y
        return SIMD3(1 - r1, r1 * (1 - r2), r1 * r2)
    }

    /// The neutral frame of face f.
    private func frame(_ f: Int) -> FaceFrame {
        let (a, b, c) = corners(f)
        return TriangleFrames.frame(rig.vertices[a], rig.vertices[b], rig.vertices[c])
    }

    /// A flat surface Gaussian on face f.
    private mutating func addSurface(face f: Int, spacing: Float, uv: SIMD2<Float>) {
        let fr = frame(f)
        let k = fr.kx.w
        guard k > 1e-7 else { return }
        let (a, b, c) = corners(f)
        let w = barycentric(uv)
        let p = w.x * rig.vertices[a] + w.y * rig.vertices[b] + w.z * rig.vertices[c]
        var colour: SIMD3<Float>
        var opacity: Float = rng.uniform(0.96, 1)
        let group = eyeGroup(f)
        if group > 0 {
            colour = palette.eye(direction: TriangleFrames.normalize(p - rig.eyeCentres[group - 1]))
            opacity = 1
        } else {
            let shadeHere = w.x * shade[a] + w.y * shade[b] + w.z * shade[c]
            let lipHere = w.x * lip[a] + w.y * lip[b] + w.z * lip[c]
            let albedo = w.x * palette.albedo(regions[a], at: p, tongue: tongue[a], lip: lipHere)
                + w.y * palette.albedo(regions[b], at: p, tongue: tongue[b], lip: lipHere)
                + w.z * palette.albedo(regions[c], at: p, tongue: tongue[c], lip: lipHere)
            colour = albedo * shadeHere
        }
        colour *= 1 + 0.03 * rng.normal()
        let size = 0.8 * spacing
        let scale = SIMD3<Float>(size * rng.uniform(0.85, 1.2), 0.12 * size, size * rng.uniform(0.85, 1.2))
        let twist = rng.uniform(0, 2 * .pi)
        append(face: f, barycentric: w, offset: .zero, scale: scale / k, twist: twist, colour: colour, opacity: opacity)
    }

    /// A hair or brow stroke lifted off face f, elongated along the hair flow.
    private mutating func addStrand(face f: Int, region: HeadRegion, spacing: Float) {
        let fr = frame(f)
        let k = fr.kx.w
        guard k > 1e-7 else { return }
        let (a, b, c) = corners(f)
        // Place the stroke where the face is most hair / brow (rejection sampling).
        var w = randomBarycentric()
        var p = w.x * rig.vertices[a] + w.y * rig.vertices[b] + w.z * rig.vertices[c]
        for _ in 0..<8 {
            let share = region == .eyebrows ? DemoHeadPalette.brow(at: p)
                : (regions[a] == region ? w.x : 0) + (regions[b] == region ? w.y : 0) + (regions[c] == region ? w.z : 0)
            if rng.nextFloat() < share { break }
            w = randomBarycentric()
            p = w.x * rig.vertices[a] + w.y * rig.vertices[b] + w.z * rig.vertices[c]
        }
        let a0 = SIMD3(fr.kx.x, fr.kx.y, fr.kx.z) / k, normal = SIMD3(fr.ky.x, fr.ky.y, fr.ky.z) / k
        let a2 = SIMD3(fr.kz.x, fr.kz.y, fr.kz.z) / k
        let hair = region == .scalp
        // Flow: hair combed back and down; brows outward and slightly up.
        let browT = min(max((abs(p.x) - 0.012) / 0.044, 0), 1)
        let flow = hair ? SIMD3<Float>(0.15 * p.x / 0.08, -0.35, -1) : SIMD3<Float>(p.x >= 0 ? 1 : -1, 0.9 * (1 - browT) - 0.1, 0)
        var t = flow - (flow * normal).sum() * normal
        if (t * t).sum() < 1e-8 { t = a0 }
        t = TriangleFrames.normalize(t)
        let jitter = rng.uniform(-0.3, 0.3)
        let angle = Foundation.atan2(-(t * a2).sum(), (t * a0).sum()) + jitter
        let lift = hair ? rng.uniform(0.0006, 0.005) : rng.uniform(0.0002, 0.0009)
        let length = (hair ? 2.6 : 2.0) * spacing * rng.uniform(0.8, 1.25)
        let width = (hair ? 0.5 : 0.42) * spacing
        var colour = hair ? DemoHeadPalette.hair : DemoHeadPalette.brow
        colour *= 1 + (hair ? 0.3 : 0.15) * palette.noise.value(p + 5, frequency: 1 / 0.004)
        let sheen = max((normal * Self.light).sum(), 0)
        colour += SIMD3(repeating: (hair ? 0.07 : 0.02) * sheen * sheen)
        colour *= 1 + 0.05 * rng.normal()
        append(face: f, barycentric: w, offset: SIMD3(0, lift / k, 0),
               scale: SIMD3(length, 0.3 * width, width) / k, twist: angle, colour: colour,
               opacity: hair ? rng.uniform(0.8, 1) : rng.uniform(0.45, 0.85))
    }

    private mutating func append(face f: Int, barycentric w: SIMD3<Float>, offset: SIMD3<Float>, scale: SIMD3<Float>,
                                 twist: Float, colour: SIMD3<Float>, opacity: Float) {
        faces.append(Int32(f))
        barycentric.append(w)
        offsets.append(offset)
        scales.append(scale)
        // A rotation about the face normal (local y): the thin axis stays on the normal.
        rotations.append(SIMD4(Foundation.cos(twist / 2), 0, Foundation.sin(twist / 2), 0))
        opacities.append(opacity)
        let rgb = colour.clamped(lowerBound: SIMD3(repeating: 0.005), upperBound: SIMD3(repeating: 1))
        let dc = (rgb - 0.5) / 0.28209479177387814
        sh.append(dc.x); sh.append(dc.y); sh.append(dc.z)
    }
}
