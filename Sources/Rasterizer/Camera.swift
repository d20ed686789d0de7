import Foundation

/// A pinhole camera with OpenCV axes (x right, y down, z forward).
///
/// `worldToCamera` maps world points into the camera frame: `p_cam = R · p_world + t`.
/// Pixel (row i, column j) has its centre at `(j + 0.5, i + 0.5)`; the principal point
/// `(cx, cy)` is in the same pixel coordinates and may lie anywhere.
public struct Camera: Sendable, Equatable {
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Focal lengths in pixels.
    public var fx: Float, fy: Float
    /// Principal point in pixels.
    public var cx: Float, cy: Float
    /// The world-to-camera rigid transform.
    public var worldToCamera: RigidTransform

    /// Largest accepted image side, in pixels.
    public static let maximumSide = 16384

    /// Creates a camera, validating every value.
    public init(width: Int, height: Int, fx: Float, fy: Float, cx: Float, cy: Float,
                worldToCamera: RigidTransform) throws {
        guard (1...Camera.maximumSide).contains(width), (1...Camera.maximumSide).contains(height) else {
            throw CameraError.invalidSize(width: width, height: height)
        }
        for (name, v) in [("fx", fx), ("fy", fy)] where !(v.isFinite && v > 0) {
            throw CameraError.invalidValue(name, Double(v))
        }
        for (name, v) in [("cx", cx), ("cy", cy)] where !v.isFinite {
            throw CameraError.invalidValue(name, Double(v))
        }
        guard worldToCamera.isFinite else { throw CameraError.invalidValue("viewmat", .nan) }
        self.width = width; self.height = height
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.worldToCamera = worldToCamera
    }

    /// The camera centre in world coordinates (`−Rᵀ t`).
    public var centre: SIMD3<Float> { worldToCamera.inverse.translation }

    /// A camera at `eye` looking at `target`, with `up` pointing up in the image, a vertical
    /// field of view `fovY` (degrees) and the principal point at the image centre.
    public static func lookAt(eye: SIMD3<Float>, target: SIMD3<Float>, up: SIMD3<Float> = [0, 1, 0],
                              fovY: Float, width: Int, height: Int) throws -> Camera {
        let forward = normalized(target - eye)
        // OpenCV: x right, y down, z forward.
        let right = normalized(cross(forward, up))
        let down = cross(forward, right)
        guard forward.x.isFinite, right.x.isFinite, down.x.isFinite else {
            throw CameraError.invalidValue("look-at direction", .nan)
        }
        let rotation = RigidTransform(rows: (right, down, forward), translation: .zero)
        let t = -rotation.applyRotation(eye)
        let f = Float(height) * 0.5 / Float(tan(Double(fovY) * .pi / 360))
        return try Camera(width: width, height: height, fx: f, fy: f,
                          cx: Float(width) / 2, cy: Float(height) / 2,
                          worldToCamera: RigidTransform(rows: rotation.rows, translation: t))
    }
}

/// Why a camera was refused.
public enum CameraError: Error, CustomStringConvertible, Equatable {
    case invalidSize(width: Int, height: Int)
    case invalidValue(String, Double)
    case malformedFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidSize(w, h):
            return "camera: image size \(w)×\(h) is outside 1…\(Camera.maximumSide) pixels per side"
        case let .invalidValue(name, v):
            return "camera: \(name) must be finite\(name.hasPrefix("f") ? " and positive" : ""), got \(v)"
        case let .malformedFile(path, reason):
            return "\(path): \(reason)"
        }
    }
}

@inlinable func normalized(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }

@inlinable func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
