import Foundation
import SplatIO

/// Levels of detail of an avatar: reduced copies for small pictures, made once when the
/// avatar is loaded.
///
/// A 256² picture of a head does not need 72 000 Gaussians, most of which cover less than a
/// pixel there; projecting, sorting and blending them is most of a frame's cost. Each level
/// merges the Gaussians within cubes of one size (`Avatar.reduced(cellSize:rest:)`,
/// moment-matched, bound Gaussians only within their triangle, so a level follows the rig like
/// the full avatar). A renderer picks the coarsest level whose cells still cover at most
/// ``cellsPerPixel`` pixels at the avatar (``avatar(forPixelSize:)``).
public struct DetailLevels: Sendable {
    /// One reduced copy.
    public struct Level: Sendable {
        /// Edge of the cubes whose Gaussians merged, in the avatar's units (metres).
        public let cellSize: Float
        /// The reduced avatar: the same rig, fewer Gaussians.
        public let avatar: Avatar
    }

    /// The avatar itself.
    public let full: Avatar
    /// The reduced copies, finest first; empty for static scenes (whose Gaussians have no
    /// triangles to say which of them may merge) and for avatars too small to gain from them.
    public let levels: [Level]

    /// How many pixels a level's cell may span where the avatar is and still be used. Chosen so
    /// that a level renders within 35 dB PSNR of the full avatar (DetailLevelTests).
    public static let cellsPerPixel: Float = 4.5

    /// Builds the levels of `avatar`: cells 2 and 4 times the typical Gaussian's size (the
    /// median of √(s₁ s₂), its two largest scales) up to ``largestCell``, each kept only when it
    /// has at most 3/4 of the Gaussians of the level before.
    public init(_ avatar: Avatar) throws {
        full = avatar
        guard avatar.boundGaussians != nil, avatar.gaussianCount >= Self.minimumGaussians else { levels = []; return }
        let rest = try Avatar.RestGeometry(avatar)
        // The typical size: the median of √(s₁ s₂), the two largest scales.
        var sizes = rest.cloud.scales.map { s -> Float in
            let sorted = [s.x, s.y, s.z].sorted(by: >)
            return (sorted[0] * sorted[1]).squareRoot()
        }
        sizes.sort()
        let typical = sizes[sizes.count / 2]
        var levels: [Level] = []
        var previous = avatar.gaussianCount
        for step in 1...2 where typical > 0 && typical.isFinite {
            let cell = typical * Float(1 << step)
            guard cell <= Self.largestCell * avatar.reach else { break }
            let reduced = try avatar.reduced(cellSize: cell, rest: rest)
            guard reduced.gaussianCount * 4 <= previous * 3 else { continue }
            levels.append(Level(cellSize: cell, avatar: reduced))
            previous = reduced.gaussianCount
        }
        self.levels = levels
    }

    /// The largest cell, as a fraction of the avatar's reach (half its bounding box's diagonal;
    /// 6.7 mm on the demo head): coarser cells merge across the features of a face — lids, lips,
    /// nostrils are about a centimetre across — and fall below 35 dB at every size.
    public static let largestCell: Float = 0.04

    /// Avatars with fewer Gaussians are rendered in full at every size.
    public static let minimumGaussians = 2000

    /// The avatar to render when one pixel spans `pixelSize` metres at the avatar: the coarsest
    /// level whose cells span at most ``cellsPerPixel`` pixels, else the full avatar.
    public func avatar(forPixelSize pixelSize: Float) -> Avatar {
        guard pixelSize.isFinite, pixelSize > 0 else { return full }
        return levels.last { $0.cellSize <= pixelSize * Self.cellsPerPixel }?.avatar ?? full
    }

    /// The avatar to render for a camera at `eye` with a focal length of `focalLength` pixels:
    /// ``avatar(forPixelSize:)`` at the avatar's ``Avatar/focus``.
    public func avatar(seenFrom eye: SIMD3<Float>, focalLength: Float) -> Avatar {
        let d = eye - full.focus
        return avatar(forPixelSize: (d * d).sum().squareRoot() / focalLength)
    }

    /// The memory the reduced copies hold, bytes (the rig is shared with the full avatar).
    public var memoryBytes: Int { levels.reduce(0) { $0 + $1.avatar.gaussianBytes } }
}
