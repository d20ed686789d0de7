"""GaussianAvatars-style per-triangle Gaussian transform and barycentric bindings (numpy,
float64), written from the formulas in docs/formats.md ("Bound Gaussians").

For each triangle (v0, v1, v2) of the posed mesh:

    c   = (v0 + v1 + v2) / 3
    a0  = normalize(v1 - v0)
    a1  = normalize(cross(a0, v2 - v0))          (the face normal)
    a2  = -normalize(cross(a1, a0))
    R_f = [a0 a1 a2] (columns),  q_f = quaternion of R_f (w, x, y, z)
    k   = (|v1 - v0| + |dot(a2, v2 - v0)|) / 2
    normalize(x) = x / sqrt(max(dot(x, x), 1e-20))

    world position = R_f . local_position . k + c
    world scale    = exp(local_log_scale) . k
    world rotation = q_f (x) normalize(local_quaternion)   (Hamilton product, face first)

Quaternions are (w, x, y, z). Reference outputs use the sign convention of canonical_quat().
"""

from __future__ import annotations

import numpy as np

NORMALIZE_EPS = 1e-20


def normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n2 = np.sum(x * x, axis=-1, keepdims=True)
    return x / np.sqrt(np.maximum(n2, NORMALIZE_EPS))


def face_frames(vertices: np.ndarray, faces: np.ndarray):
    """Per-face centre c (F,3), rotation R_f (F,3,3) with columns a0 a1 a2, scale k (F,)."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces).astype(np.int64)
    v0, v1, v2 = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    c = (v0 + v1 + v2) / 3.0
    e1, e2 = v1 - v0, v2 - v0
    a0 = normalize(e1)
    a1 = normalize(np.cross(a0, e2))
    a2 = -normalize(np.cross(a1, a0))
    R = np.stack([a0, a1, a2], axis=-1)  # columns
    k = (np.linalg.norm(e1, axis=-1) + np.abs(np.sum(a2 * e2, axis=-1))) / 2.0
    return c, R, k


def quat_from_matrix(R: np.ndarray) -> np.ndarray:
    """Rotation matrices (...,3,3) -> unit quaternions (...,4) (w,x,y,z), canonical sign.

    Shepperd's method: pick the largest of 4w^2, 4x^2, 4y^2, 4z^2 to divide by.
    """
    R = np.asarray(R, dtype=np.float64)
    shp = R.shape[:-2]
    M = R.reshape(-1, 3, 3)
    m00, m11, m22 = M[:, 0, 0], M[:, 1, 1], M[:, 2, 2]
    tr = m00 + m11 + m22
    cand = np.stack([tr, m00, m11, m22], axis=-1)
    pick = np.argmax(cand, axis=-1)
    q = np.zeros((M.shape[0], 4))
    for i in range(M.shape[0]):
        m = M[i]
        if pick[i] == 0:
            s = 2.0 * np.sqrt(max(1.0 + tr[i], 0.0))
            q[i] = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
        elif pick[i] == 1:
            s = 2.0 * np.sqrt(max(1.0 + m[0, 0] - m[1, 1] - m[2, 2], 0.0))
            q[i] = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
        elif pick[i] == 2:
            s = 2.0 * np.sqrt(max(1.0 - m[0, 0] + m[1, 1] - m[2, 2], 0.0))
            q[i] = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
        else:
            s = 2.0 * np.sqrt(max(1.0 - m[0, 0] - m[1, 1] + m[2, 2], 0.0))
            q[i] = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    return canonical_quat(normalize(q)).reshape(shp + (4,))


def canonical_quat(q: np.ndarray) -> np.ndarray:
    """Choose the sign of each quaternion (q and -q are the same rotation): w > 0; when w == 0,
    the first non-zero of x, y, z is positive."""
    q = np.array(q, dtype=np.float64, copy=True)
    flat = q.reshape(-1, 4)
    for i in range(flat.shape[0]):
        nz = np.flatnonzero(flat[i])
        if nz.size and flat[i, nz[0]] < 0:
            flat[i] = -flat[i]
    return flat.reshape(q.shape)


def quat_multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product a (x) b of (...,4) (w,x,y,z) quaternions; R(a (x) b) = R(a) R(b)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    aw, av = a[..., :1], a[..., 1:]
    bw, bv = b[..., :1], b[..., 1:]
    w = aw * bw - np.sum(av * bv, axis=-1, keepdims=True)
    v = aw * bv + bw * av + np.cross(av, bv)
    return np.concatenate([w, v], axis=-1)


def transform_bound_gaussians(vertices, faces, binding, xyz, log_scale, quat):
    """World position (N,3), world scale (N,3) (activated: exp(log_scale) * k) and world
    rotation (N,4) (normalised, canonical sign) of Gaussians bound to triangles.

    Also returns the per-face frames as a dict: face_center (F,3), face_rotation (F,3,3),
    face_quat (F,4), face_scale (F,)."""
    c, R, k = face_frames(vertices, faces)
    b = np.asarray(binding).astype(np.int64)
    xyz = np.asarray(xyz, dtype=np.float64)
    world_xyz = np.einsum("nab,nb->na", R[b], xyz) * k[b, None] + c[b]
    world_scale = np.exp(np.asarray(log_scale, dtype=np.float64)) * k[b, None]
    q_f = quat_from_matrix(R)
    world_quat = canonical_quat(normalize(quat_multiply(q_f[b], normalize(quat))))
    frames = {"face_center": c, "face_rotation": R, "face_quat": q_f, "face_scale": k}
    return world_xyz, world_scale, world_quat, frames


def barycentric_points(vertices, faces, face_index, bary):
    """sum_i b_i v_i of the bound triangle: (M,3)."""
    v = np.asarray(vertices, dtype=np.float64)
    f = np.asarray(faces).astype(np.int64)[np.asarray(face_index).astype(np.int64)]
    b = np.asarray(bary, dtype=np.float64)
    return b[:, 0:1] * v[f[:, 0]] + b[:, 1:2] * v[f[:, 1]] + b[:, 2:3] * v[f[:, 2]]
