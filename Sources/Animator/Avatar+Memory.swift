import SplatIO

extension Avatar {
    /// The memory this avatar holds, bytes: its rig, its Gaussians, and one posed cloud (what a
    /// renderer keeps to pose into). Counted from the arrays' sizes, so it is the same on
    /// every run, unlike the process's resident size.
    public var memoryBytes: Int { rigBytes + gaussianBytes }

    /// The memory of the Gaussians alone (bound and one posed cloud), bytes: what a reduced
    /// copy sharing the rig adds.
    var gaussianBytes: Int {
        let posed = gaussianCount * (3 * MemoryLayout<SIMD3<Float>>.stride + MemoryLayout<Float>.stride)
            + (bound.map { $0.sh.count } ?? 0) * MemoryLayout<Float>.stride
        return (bound?.memoryBytes ?? 0) + posed
    }

    private var rigBytes: Int {
        switch backend {
        case .flame(let rig, let identity):
            return rig.memoryBytes + identity.shaped.count * 4 + identity.shape.count * 4
        case .blendshape(let rig):
            return rig.memoryBytes
        case .rigid(let cloud, _):
            return cloud.memoryBytes
        }
    }
}

extension FLAMERig {
    var memoryBytes: Int {
        4 * (shapedirs.count + blend.count + jointRegressor.count + weights.count + faces.count)
            + MemoryLayout<SIMD3<Float>>.stride * template.count + MemoryLayout<SIMD3<Double>>.stride * jointExpression.count
    }
}

extension BlendshapeRig {
    var memoryBytes: Int {
        MemoryLayout<SIMD3<Float>>.stride * (vertices.count + entryOffsets.count + eyeCentres.count)
            + 4 * (faces.count + ranges.count + entryVertices.count + eyeballVertices.reduce(0) { $0 + $1.count })
            + regions.count + eyeGroups.count
    }
}

extension BoundGaussians {
    var memoryBytes: Int {
        MemoryLayout<SIMD3<Float>>.stride * (barycentric.count + offsets.count + scales.count)
            + MemoryLayout<SIMD4<Float>>.stride * rotations.count + 4 * (opacities.count + sh.count + faces.count)
    }
}

extension GaussianCloud {
    var memoryBytes: Int {
        MemoryLayout<SIMD3<Float>>.stride * (positions.count + scales.count) + MemoryLayout<SIMD4<Float>>.stride * rotations.count
            + 4 * (opacities.count + sh.count + (bindings?.count ?? 0))
    }
}
