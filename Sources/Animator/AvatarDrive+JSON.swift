import Foundation

extension AvatarDrive {
    /// The keys a FLAME parameter file may hold, with their value counts (`expr`: any).
    public static let flameJSONKeys: [String: Int?] = [
        "expr": nil, "jaw_pose": 3, "neck_pose": 3, "eyes_pose": 6, "rotation": 3, "translation": 3, "eyelids": 2,
    ]

    /// Reads a drive from a PARAMS.json file; see ``init(json:source:)``.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DriveError.malformedJSON(source: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(json: data, source: url.path)
    }

    /// Reads a drive from JSON.
    ///
    /// A JSON object holding either
    /// - FLAME values, any subset of: `expr` (any count), `jaw_pose` (3), `neck_pose` (3),
    ///   `eyes_pose` (6: left then right), `rotation` (3), `translation` (3), `eyelids` (2) —
    ///   axis-angle radians and metres, as in GaussianAvatars' `flame_param.npz`
    ///   (a single frame nested as `[[…]]` is accepted); or
    /// - `"arkit": {"jawOpen": 1, …}` (weights by ARKit name, clamped to 0…1), optionally with
    ///   `rotation` and `translation` for the head pose.
    ///
    /// `{}` is the neutral face. Unknown keys, unknown ARKit names, wrong counts, non-numbers,
    /// NaN and infinity throw ``DriveError`` naming `source` and the key.
    public init(json data: Data, source: String = "params.json") throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw DriveError.malformedJSON(source: source, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let dict = object as? [String: Any] else {
            throw DriveError.malformedJSON(source: source, reason: "expected a JSON object of parameters")
        }
        let known = Set(Self.flameJSONKeys.keys).union(["arkit"])
        let unknown = dict.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else { throw DriveError.unknownKeys(source: source, keys: unknown) }

        func numbers(_ key: String) throws -> [Float]? {
            guard let value = dict[key] else { return nil }
            var flat: [Float] = []
            func walk(_ v: Any) throws {
                if let array = v as? [Any] {
                    for item in array { try walk(item) }
                } else if let number = Self.number(v) {
                    flat.append(number)
                } else {
                    throw DriveError.malformedJSON(source: source, reason: "'\(key)' must be a list of numbers")
                }
            }
            try walk(value)
            if let expected = Self.flameJSONKeys[key] ?? nil, flat.count != expected {
                throw DriveError.wrongCount(parameter: "\(source): \(key)", count: flat.count, expected: "\(expected)")
            }
            if let bad = flat.firstIndex(where: { !$0.isFinite }) {
                throw DriveError.nonFinite(parameter: "\(source): \(key)", index: bad)
            }
            return flat
        }
        func vector(_ key: String) throws -> SIMD3<Float> {
            guard let v = try numbers(key) else { return .zero }
            return SIMD3(v[0], v[1], v[2])
        }

        if let arkitValue = dict["arkit"] {
            let flameOnly = ["expr", "jaw_pose", "neck_pose", "eyes_pose", "eyelids"].filter { dict[$0] != nil }
            guard flameOnly.isEmpty else {
                throw DriveError.malformedJSON(source: source, reason:
                    "'arkit' cannot be combined with FLAME keys (\(flameOnly.joined(separator: ", "))); only rotation and translation (head pose) may accompany it")
            }
            guard let weights = arkitValue as? [String: Any] else {
                throw DriveError.malformedJSON(source: source, reason: "'arkit' must be an object of name: weight")
            }
            var named: [String: Float] = [:]
            for (name, value) in weights {
                guard let number = Self.number(value) else {
                    throw DriveError.malformedJSON(source: source, reason: "arkit.\(name) must be a number")
                }
                named[name] = number
            }
            let pose = HeadPose(rotation: try vector("rotation"), translation: try vector("translation"))
            self = .arkit(try ARKitParameters(named: named, headPose: pose))
            return
        }
        if dict.isEmpty { self = .neutral; return }
        let eyes = try numbers("eyes_pose") ?? [Float](repeating: 0, count: 6)
        let lids = try numbers("eyelids")
        self = .flame(FLAMEParameters(
            expression: try numbers("expr") ?? [], rotation: try vector("rotation"), neck: try vector("neck_pose"),
            jaw: try vector("jaw_pose"), leftEye: SIMD3(eyes[0], eyes[1], eyes[2]), rightEye: SIMD3(eyes[3], eyes[4], eyes[5]),
            translation: try vector("translation"), eyelids: lids.map { SIMD2($0[0], $0[1]) }))
    }

    /// A JSON number as a Float (`nil` for booleans, strings, null…).
    static func number(_ value: Any) -> Float? {
        // JSON numbers arrive as NSNumber; booleans too, with the objCType of a C char.
        guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        return n.floatValue
    }
}
