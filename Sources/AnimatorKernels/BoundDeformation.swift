import SplatCore

/// Moves bound Gaussians with their triangles (docs/formats.md, "Bound Gaussians"): world
/// position, scale and rotation from each Gaussian's local values and its triangle's frame.
package enum BoundDeformation {
    /// The Gaussians' local values, borrowed for one deformation.
    package struct Local {
        package var faces: UnsafePointer<Int32>
        /// Position in the triangle's frame.
        package var offsets: UnsafePointer<SIMD3<Float>>
        /// Barycentric coordinates, for UV-domain bindings (nil: triangle-frame bindings).
        package var barycentric: UnsafePointer<SIMD3<Float>>?
        package var scales: UnsafePointer<SIMD3<Float>>
        package var rotations: UnsafePointer<SIMD4<Float>>
        package var count: Int

        package init(faces: UnsafePointer<Int32>, offsets: UnsafePointer<SIMD3<Float>>,
                     barycentric: UnsafePointer<SIMD3<Float>>?, scales: UnsafePointer<SIMD3<Float>>,
                     rotations: UnsafePointer<SIMD4<Float>>, count: Int) {
            self.faces = faces; self.offsets = offsets; self.barycentric = barycentric
            self.scales = scales; self.rotations = rotations; self.count = count
        }
    }

    /// Writes world positions, scales and rotations of `local`'s Gaussians.
    /// - Precondition: every face index is below the number of `frames` (and of `corners` / 3).
    package static func deform(
        _ local: Local, frames frame: UnsafePointer<FaceFrame>, corners corner: UnsafePointer<SIMD4<Float>>,
        positions: UnsafeMutablePointer<SIMD3<Float>>, scales: UnsafeMutablePointer<SIMD3<Float>>,
        rotations rotation: UnsafeMutablePointer<SIMD4<Float>>, threads: Int
    ) {
        let workers = Parallel.workers(for: local.count, threads: threads, minimumPerWorker: 4096)
        // SIMD3<Float> is stored in 16 bytes: write whole SIMD4 lanes (one store instead of three).
        Parallel.run(workers, Step(local: local, frame: frame, corner: corner, position: UnsafeMutableRawPointer(positions),
                                   scale: UnsafeMutableRawPointer(scales), rotation: rotation, workers: workers))
    }

    private struct Step: ParallelWork {
        let local: Local, frame: UnsafePointer<FaceFrame>, corner: UnsafePointer<SIMD4<Float>>
        let position: UnsafeMutableRawPointer, scale: UnsafeMutableRawPointer
        let rotation: UnsafeMutablePointer<SIMD4<Float>>, workers: Int

        func run(worker: Int) {
            let face = local.faces, offset = local.offsets, localScale = local.scales, localRotation = local.rotations
            let range = Parallel.chunk(local.count, worker, workers)
            if let bary = local.barycentric {
                for g in range {
                    let f = Int(face[g])
                    let fr = frame[f]
                    let o = offset[g], b = bary[g]
                    let c = corner + 3 * f
                    let p = c[0] * b.x + c[1] * b.y + c[2] * b.z + fr.kx * o.x + fr.ky * o.y + fr.kz * o.z
                    position.storeBytes(of: p, toByteOffset: 16 * g, as: SIMD4<Float>.self)
                    let s = localScale[g]
                    scale.storeBytes(of: SIMD4(s, 0) * fr.kx.w, toByteOffset: 16 * g, as: SIMD4<Float>.self)
                    rotation[g] = RotationMath.multiply(fr.quaternion, localRotation[g])
                }
            } else {
                for g in range {
                    let fr = frame[Int(face[g])]
                    let o = offset[g]
                    let p = fr.kx * o.x + fr.ky * o.y + fr.kz * o.z + fr.centre
                    position.storeBytes(of: p, toByteOffset: 16 * g, as: SIMD4<Float>.self)
                    let s = localScale[g]
                    scale.storeBytes(of: SIMD4(s, 0) * fr.kx.w, toByteOffset: 16 * g, as: SIMD4<Float>.self)
                    rotation[g] = RotationMath.multiply(fr.quaternion, localRotation[g])
                }
            }
        }
    }
}
