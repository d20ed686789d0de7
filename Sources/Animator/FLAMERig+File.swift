import Foundation

/// Reading a rig file (docs/formats.md, "FLAME rig file"): the container and its keys, checked
/// before the arrays reach ``FLAMERig/init(path:template:faces:shapedirs:shapeCount:exprdirs:expressionCount:posedirs:jointRegressor:lbsWeights:parents:)``.
extension FLAMERig {
    /// Loads and validates a rig file.
    /// - Throws: ``AssetError`` naming the file and the key.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: ArrayFile(contentsOf: url))
    }

    /// Loads and validates a rig file held in memory; `path` names it in errors.
    public convenience init(data: Data, path: String) throws {
        try self.init(file: ArrayFile(data: data, path: path))
    }

    convenience init(file: ArrayFile) throws {
        let path = file.path
        let format = try file.uint8s("format", [nil], "(\(Self.formatTag.utf8.count),) holding '\(Self.formatTag)'")
        let tag = String(decoding: format.values, as: UTF8.self)
        guard tag == Self.formatTag else {
            throw AssetError.invalidValue(path: path, key: "format", reason: "'\(tag)' is not '\(Self.formatTag)': not a splatd FLAME rig file")
        }
        let template = try file.floats("v_template", [nil, 3], "(V, 3)")
        let V = template.shape[0]
        let faces = try file.int32s("faces", [nil, 3], "(F, 3)")
        let shapedirs = try file.floats("shapedirs", [V, 3, nil], "(V, 3, S ≤ \(Self.maximumShapeCount)) with V = \(V)")
        let exprdirs = try file.floats("exprdirs", [V, 3, nil], "(V, 3, E ≤ \(Self.maximumExpressionCount)) with V = \(V)")
        let posedirs = try file.floats("posedirs", [V, 3, Self.poseFeatureCount], "(V, 3, 36) with V = \(V)")
        let regressor = try file.floats("J_regressor", [Self.jointCount, V], "(5, V) with V = \(V)")
        let weights = try file.floats("lbs_weights", [V, Self.jointCount], "(V, 5) with V = \(V)")
        let parents = try file.int32s("parents", [Self.jointCount], "(5,)")
        try self.init(path: path, template: template.values, faces: faces.values,
                      shapedirs: shapedirs.values, shapeCount: shapedirs.shape[2],
                      exprdirs: exprdirs.values, expressionCount: exprdirs.shape[2],
                      posedirs: posedirs.values, jointRegressor: regressor.values,
                      lbsWeights: weights.values, parents: parents.values)
    }
}
