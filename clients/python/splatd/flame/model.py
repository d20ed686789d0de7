"""numpy FLAME forward pass (float64), written from the formulas in docs/formats.md ("Evaluating the rig").

    1. v_shaped = v_template + shapedirs[..., :S_used] . beta + exprdirs[..., :E_used] . psi
                  (+ static_offset)
    2. J = J_regressor . v_shaped                                           (5, 3)
    3. R_j = rodrigues(r_j); feat = concat_{j=1..4} rowmajor(R_j - I)       (36,)
       v_posed = v_shaped + posedirs . feat
    4. G_0 = [R_0 | J_0];  G_j = G_parent(j) . [R_j | J_j - J_parent(j)]
       A_j = [G_j.R | G_j.t - G_j.R . J_j]
    5. v = sum_j weights[v, j] . A_j . [v_posed, 1]
    6. v_final = v + translation

Fewer shape / expression coefficients than the rig has are fine: the missing ones are zero.
"""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np

RODRIGUES_EPS = 1e-8
JOINT_NAMES = ("root", "neck", "jaw", "left_eye", "right_eye")


def skew(k: np.ndarray) -> np.ndarray:
    """Cross-product matrices of (..., 3) vectors: skew(k) @ x == cross(k, x)."""
    k = np.asarray(k, dtype=np.float64)
    K = np.zeros(k.shape[:-1] + (3, 3))
    K[..., 0, 1], K[..., 0, 2] = -k[..., 2], k[..., 1]
    K[..., 1, 0], K[..., 1, 2] = k[..., 2], -k[..., 0]
    K[..., 2, 0], K[..., 2, 1] = -k[..., 1], k[..., 0]
    return K


def rodrigues(r) -> np.ndarray:
    """Axis-angle (..., 3) -> rotation matrices (..., 3, 3).

    th = |r + 1e-8| (the epsilon is added to every component before the norm), k = r / th,
    R = I + sin(th) K + (1 - cos(th)) K K.
    """
    r = np.asarray(r, dtype=np.float64)
    th = np.linalg.norm(r + RODRIGUES_EPS, axis=-1)
    K = skew(r / th[..., None])
    s = np.sin(th)[..., None, None]
    c = (1.0 - np.cos(th))[..., None, None]
    return np.eye(3) + s * K + c * (K @ K)


def pose_features(rotations: np.ndarray) -> np.ndarray:
    """(5,3,3) joint rotations -> (36,) features: rowmajor(R_j - I) for joints 1..4.

    feat[9*(j-1) + 3*row + col] = R_j[row, col] - (row == col).
    """
    return (rotations[1:] - np.eye(3)).reshape(-1)


def _blend(dirs: np.ndarray, coeffs: Optional[np.ndarray], name: str) -> np.ndarray:
    """dirs (V,3,K) . coeffs (n<=K,) with the missing coefficients taken as zero."""
    if coeffs is None:
        return 0.0
    c = np.asarray(coeffs, dtype=np.float64).reshape(-1)
    if c.size > dirs.shape[2]:
        raise ValueError(f"{name}: {c.size} coefficients but the rig has {dirs.shape[2]}")
    return np.asarray(dirs[:, :, : c.size], dtype=np.float64) @ c


def forward(
    rig: Mapping[str, np.ndarray],
    shape=None,
    expr=None,
    pose=None,
    translation=None,
    static_offset=None,
    return_details: bool = False,
):
    """Posed vertices (V,3) float64 for one parameter set.

    rig: mapping with v_template, shapedirs, exprdirs, posedirs, J_regressor, lbs_weights,
         parents (the rig file's keys).
    shape (S_used,), expr (E_used,): blendshape coefficients (fewer than the rig's are fine).
    pose (5,3): axis-angle of root, neck, jaw, left eye, right eye (zeros if None).
    translation (3,): added after skinning.  static_offset (V,3): added to v_shaped.
    """
    f64 = lambda a: np.asarray(a, dtype=np.float64)
    v_template = f64(rig["v_template"])
    parents = np.asarray(rig["parents"]).astype(int)
    n_joints = parents.shape[0]

    # 1. shape, expression, static offset
    v_shaped = v_template + _blend(rig["shapedirs"], shape, "shape") + _blend(rig["exprdirs"], expr, "expr")
    if static_offset is not None:
        v_shaped = v_shaped + f64(static_offset).reshape(v_template.shape)

    # 2. joints
    J = f64(rig["J_regressor"]) @ v_shaped

    # 3. pose correctives
    p = np.zeros((n_joints, 3)) if pose is None else f64(pose).reshape(n_joints, 3)
    R = rodrigues(p)
    feat = pose_features(R)
    v_posed = v_shaped + f64(rig["posedirs"]) @ feat

    # 4. kinematic chain
    G_R = np.zeros((n_joints, 3, 3))
    G_t = np.zeros((n_joints, 3))
    for j in range(n_joints):
        par = parents[j]
        if par < 0:
            G_R[j], G_t[j] = R[j], J[j]
        else:
            G_R[j] = G_R[par] @ R[j]
            G_t[j] = G_R[par] @ (J[j] - J[par]) + G_t[par]
    A = np.zeros((n_joints, 3, 4))
    A[:, :, :3] = G_R
    A[:, :, 3] = G_t - np.einsum("jab,jb->ja", G_R, J)

    # 5. skinning
    T = np.einsum("vj,jab->vab", f64(rig["lbs_weights"]), A)  # (V,3,4)
    v = np.einsum("vab,vb->va", T[:, :, :3], v_posed) + T[:, :, 3]

    # 6. translation after skinning
    if translation is not None:
        v = v + f64(translation).reshape(3)
    if return_details:
        return v, {"v_shaped": v_shaped, "J": J, "R": R, "pose_features": feat,
                   "v_posed": v_posed, "A": A}
    return v


def pose_from_flame_param(params: Mapping[str, np.ndarray], frame: int) -> np.ndarray:
    """GaussianAvatars flame_param.npz frame -> (5,3) pose: rotation, neck_pose, jaw_pose,
    eyes_pose[:3] (left), eyes_pose[3:] (right)."""
    eyes = np.asarray(params["eyes_pose"][frame], dtype=np.float64).reshape(6)
    return np.stack([
        np.asarray(params["rotation"][frame], dtype=np.float64),
        np.asarray(params["neck_pose"][frame], dtype=np.float64),
        np.asarray(params["jaw_pose"][frame], dtype=np.float64),
        eyes[:3],
        eyes[3:],
    ])
