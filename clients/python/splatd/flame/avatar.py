"""GaussianAvatars avatar folder I/O: `point_cloud.ply` (3DGS layout + binding_0) and
`flame_param.npz`.

point_cloud.ply: binary_little_endian 1.0, one `element vertex N`, float32 properties
    x y z nx ny nz f_dc_0..2 f_rest_0..44 opacity scale_0..2 rot_0..3 binding_0
pre-activation values (log scales, logit opacity, unnormalised quaternion w x y z), local to
the bound triangle; f_rest is channel-major (0..14 red, 15..29 green, 30..44 blue);
binding_0 holds the triangle index as a float.

flame_param.npz (float32): shape (S,), expr (T,E), rotation (T,3), neck_pose (T,3),
jaw_pose (T,3), eyes_pose (T,6) = [left, right], translation (T,3), static_offset (1,V,3),
dynamic_offset (T,V,3) (zeros, ignored).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional

import numpy as np

FLAME_PARAM_KEYS = ("shape", "expr", "rotation", "neck_pose", "jaw_pose", "eyes_pose", "translation",
                    "static_offset", "dynamic_offset")


def ply_property_names(sh_rest: int = 45, with_binding: bool = True):
    names = ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
    names += [f"f_rest_{i}" for i in range(sh_rest)]
    names += ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
    if with_binding:
        names.append("binding_0")
    return names


def write_3dgs_ply(path, xyz, f_dc, f_rest, opacity, log_scale, quat, binding: Optional[np.ndarray] = None):
    """Write a 3DGS PLY. f_rest is (N, 3*K) channel-major; quat (N,4) w x y z."""
    n = xyz.shape[0]
    cols = [np.asarray(xyz), np.zeros((n, 3)), np.asarray(f_dc), np.asarray(f_rest),
            np.asarray(opacity).reshape(n, 1), np.asarray(log_scale), np.asarray(quat)]
    if binding is not None:
        cols.append(np.asarray(binding).reshape(n, 1))
    data = np.concatenate(cols, axis=1).astype("<f4")
    names = ply_property_names(np.asarray(f_rest).shape[1], binding is not None)
    assert data.shape[1] == len(names)
    header = ["ply", "format binary_little_endian 1.0", f"element vertex {n}"]
    header += [f"property float {name}" for name in names]
    header.append("end_header")
    with open(path, "wb") as f:
        f.write(("\n".join(header) + "\n").encode("ascii"))
        f.write(np.ascontiguousarray(data).tobytes())


def read_3dgs_ply(path) -> Dict[str, np.ndarray]:
    """Read a binary little-endian PLY whose vertex properties are all float: name -> (N,)."""
    raw = Path(path).read_bytes()
    end = raw.index(b"end_header\n") + len(b"end_header\n")
    lines = raw[:end].decode("ascii").splitlines()
    if lines[1] != "format binary_little_endian 1.0":
        raise ValueError("only binary_little_endian 1.0 is supported")
    n = next(int(l.split()[2]) for l in lines if l.startswith("element vertex"))
    names = [l.split()[2] for l in lines if l.startswith("property")]
    if any(l.split()[1] != "float" for l in lines if l.startswith("property")):
        raise ValueError("only float properties are supported")
    data = np.frombuffer(raw[end:end + 4 * n * len(names)], dtype="<f4").reshape(n, len(names))
    return {name: data[:, i].copy() for i, name in enumerate(names)}


def save_flame_param(path, params: Dict[str, np.ndarray]) -> None:
    arrays = {k: np.ascontiguousarray(params[k], dtype="<f4") for k in FLAME_PARAM_KEYS}
    with open(path, "wb") as f:
        np.savez(f, **arrays)
