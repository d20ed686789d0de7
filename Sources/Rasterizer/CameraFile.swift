import Foundation

extension Camera {
    /// The JSON layout of a camera file (the reference fixtures' `camera.json`): `width`,
    /// `height`, `fx`, `fy`, `cx`, `cy` and `viewmat_world_to_camera_row_major` (4×4, OpenCV
    /// axes). Other keys are ignored.
    struct File: Decodable {
        var width: Int
        var height: Int
        var fx: Double
        var fy: Double
        var cx: Double
        var cy: Double
        var viewmat_world_to_camera_row_major: [[Double]]
    }

    /// Reads a camera from a JSON file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CameraError.malformedFile(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(json: data, path: url.path)
    }

    /// Reads a camera from JSON bytes; `path` names the source in errors.
    public init(json data: Data, path: String = "camera.json") throws {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw CameraError.malformedFile(path: path, reason: "missing key \"\(key.stringValue)\"")
        } catch {
            throw CameraError.malformedFile(path: path, reason: "not a camera JSON object (\(error))")
        }
        let m = file.viewmat_world_to_camera_row_major
        guard m.count == 4, m.allSatisfy({ $0.count == 4 }) else {
            throw CameraError.malformedFile(path: path, reason: "viewmat_world_to_camera_row_major must be 4×4")
        }
        do {
            try self.init(width: file.width, height: file.height, fx: Float(file.fx), fy: Float(file.fy),
                          cx: Float(file.cx), cy: Float(file.cy), worldToCamera: RigidTransform(rowMajor: m))
        } catch let error as CameraError {
            throw CameraError.malformedFile(path: path, reason: error.description)
        }
    }

    /// The camera as JSON in the same layout.
    public func jsonData() throws -> Data {
        let t = worldToCamera
        func row(_ r: SIMD3<Float>, _ tr: Float) -> [Double] { [Double(r.x), Double(r.y), Double(r.z), Double(tr)] }
        let object: [String: Any] = [
            "width": width, "height": height,
            "fx": Double(fx), "fy": Double(fy), "cx": Double(cx), "cy": Double(cy),
            "viewmat_world_to_camera_row_major": [
                row(t.rows.0, t.translation.x), row(t.rows.1, t.translation.y),
                row(t.rows.2, t.translation.z), [0.0, 0.0, 0.0, 1.0],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
