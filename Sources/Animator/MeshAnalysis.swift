import AnimatorKernels

/// Geometry of a triangle mesh that the demo avatar's generator needs: face areas and
/// normals, smooth vertex normals, a cavity (ambient-occlusion-like) term, connected components.
struct MeshAnalysis {
    let vertices: [SIMD3<Float>]
    let faces: [Int32]
    let faceAreas: [Float]
    let faceNormals: [SIMD3<Float>]
    let vertexNormals: [SIMD3<Float>]

    init(vertices: [SIMD3<Float>], faces: [Int32]) {
        self.vertices = vertices
        self.faces = faces
        let F = faces.count / 3
        var areas = [Float](repeating: 0, count: F)
        var normals = [SIMD3<Float>](repeating: .zero, count: F)
        var vertexNormals = [SIMD3<Float>](repeating: .zero, count: vertices.count)
        for f in 0..<F {
            let a = Int(faces[3 * f]), b = Int(faces[3 * f + 1]), c = Int(faces[3 * f + 2])
            let n = TriangleFrames.cross(vertices[b] - vertices[a], vertices[c] - vertices[a])
            let twice = (n * n).sum().squareRoot()
            areas[f] = twice / 2
            normals[f] = twice > 0 ? n / twice : .zero
            vertexNormals[a] += n; vertexNormals[b] += n; vertexNormals[c] += n
        }
        faceAreas = areas
        faceNormals = normals
        self.vertexNormals = vertexNormals.map { TriangleFrames.normalize($0) }
    }

    /// Per-vertex signed distance (along the normal) from each vertex to its mesh smoothed by
    /// `iterations` Laplacian steps: positive in creases and cavities (eye sockets, nostrils,
    /// mouth corners, the mouth cavity), negative on ridges.
    func cavity(iterations: Int) -> [Float] {
        let V = vertices.count, F = faces.count / 3
        let pinned = boundaryVertices()
        var p = vertices
        var sum = [SIMD3<Float>](repeating: .zero, count: V)
        var count = [Float](repeating: 0, count: V)
        for f in 0..<F {
            for i in 0..<3 { count[Int(faces[3 * f + i])] += 2 }
        }
        for _ in 0..<iterations {
            for v in 0..<V { sum[v] = .zero }
            for f in 0..<F {
                let a = Int(faces[3 * f]), b = Int(faces[3 * f + 1]), c = Int(faces[3 * f + 2])
                sum[a] += p[b] + p[c]; sum[b] += p[a] + p[c]; sum[c] += p[a] + p[b]
            }
            // Open borders (the neck cut) stay put, or they would shrink and read as creases.
            for v in 0..<V where count[v] > 0 && !pinned[v] { p[v] = 0.5 * p[v] + 0.5 * sum[v] / count[v] }
        }
        return (0..<V).map { ((p[$0] - vertices[$0]) * vertexNormals[$0]).sum() }
    }

    /// `values` averaged with their neighbours `iterations` times (soft region borders).
    func smooth(_ values: [Float], iterations: Int) -> [Float] {
        var v = values
        var sum = [Float](repeating: 0, count: values.count), count = [Float](repeating: 0, count: values.count)
        for _ in 0..<iterations {
            for i in 0..<v.count { sum[i] = 0; count[i] = 0 }
            for f in 0..<(faces.count / 3) {
                let a = Int(faces[3 * f]), b = Int(faces[3 * f + 1]), c = Int(faces[3 * f + 2])
                sum[a] += v[b] + v[c]; sum[b] += v[a] + v[c]; sum[c] += v[a] + v[b]
                count[a] += 2; count[b] += 2; count[c] += 2
            }
            for i in 0..<v.count where count[i] > 0 { v[i] = 0.5 * v[i] + 0.5 * sum[i] / count[i] }
        }
        return v
    }

    /// Whether each vertex lies on an open border (an edge used by one triangle only).
    func boundaryVertices() -> [Bool] {
        var uses: [UInt64: Int] = [:]
        uses.reserveCapacity(faces.count)
        for f in 0..<(faces.count / 3) {
            for i in 0..<3 {
                let a = UInt64(faces[3 * f + i]), b = UInt64(faces[3 * f + (i + 1) % 3])
                uses[min(a, b) << 32 | max(a, b), default: 0] += 1
            }
        }
        var border = [Bool](repeating: false, count: vertices.count)
        for (edge, count) in uses where count == 1 {
            border[Int(edge >> 32)] = true
            border[Int(edge & 0xFFFF_FFFF)] = true
        }
        return border
    }

    /// Connected-component label of every vertex (components joined by shared triangles).
    func components() -> [Int] {
        var parent = Array(0..<vertices.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for f in 0..<(faces.count / 3) {
            let a = find(Int(faces[3 * f])), b = find(Int(faces[3 * f + 1])), c = find(Int(faces[3 * f + 2]))
            parent[b] = a
            parent[find(c)] = a
        }
        return (0..<vertices.count).map(find)
    }
}
