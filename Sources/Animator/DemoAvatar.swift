import Foundation
import SplatCore
import SplatIO

/// The built-in demo avatar: Gaussians generated deterministically at start-up on the CC0 demo
/// head (``BlendshapeRig/demoHead()``), so splatd runs with no download and no licence.
///
/// Every Gaussian is bound barycentrically (``GaussianBinding/barycentric``) to a triangle of
/// the head, so it follows the ARKit targets and the head pose exactly:
///
/// - the surface is covered with flat Gaussians tangent to their triangle, sized from the
///   local sample spacing (denser on lips, eyes and eyelids) so it is closed at 512² from 1 m;
/// - colours come from the rig's `regions`: warm skin with low- and mid-frequency albedo
///   variation and a soft baked cavity/key-light term (so the face reads in 3D without a
///   renderer-side light), red-pink lips, white sclera, a radially streaked iris with a dark
///   limbal ring and pupil (computed from each eyeball's own axis), dark brows and lash line,
///   off-white teeth, a dark red mouth interior and a pink tongue, so an open jaw shows no hole;
/// - hair is a layer of elongated dark Gaussians lifted 0.5–5 mm off the scalp, combed back;
///   the brows get a layer of short strokes pointing outward.
///
/// SH degree 0. The same seed gives the same avatar everywhere; generation takes well under a
/// second.
public enum DemoAvatar {
    /// Gaussians in the default demo avatar.
    public static let defaultGaussianCount = 72_000
    /// The default seed.
    public static let defaultSeed: UInt64 = 0x5EED_D3A0

    /// The demo avatar with `gaussianCount` Gaussians (approximately: sampling is stratified
    /// per triangle, so the count lands within a fraction of a percent of the request).
    public static func make(gaussianCount: Int = defaultGaussianCount, seed: UInt64 = defaultSeed,
                            limits: DriveLimits = .default, threads: Int = Parallel.coreCount) throws -> Avatar {
        let rig = try BlendshapeRig.demoHead()
        let gaussians = try generate(on: rig, gaussianCount: gaussianCount, seed: seed)
        return try Avatar(blendshapeRig: rig, gaussians: gaussians, name: "demo", renderHints: .demo,
                          limits: limits, threads: threads)
    }

    /// Generates the demo avatar's Gaussians on a blendshape rig that carries demo-head style
    /// `regions` and `eye_groups`.
    public static func generate(on rig: BlendshapeRig, gaussianCount: Int, seed: UInt64) throws -> BoundGaussians {
        var generator = DemoHeadGenerator(rig: rig, seed: seed)
        return try generator.generate(count: max(1000, gaussianCount))
    }
}
