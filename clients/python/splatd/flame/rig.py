"""The splatd FLAME rig file: an npz holding a FLAME-structured linear-blend-skinning rig.

See docs/formats.md, section "FLAME rig file", for the normative description. Summary:

    format       (18,)    uint8   the ASCII bytes of "splatd-flame-rig/1"
    v_template   (V,3)    float32 template vertices (metres)
    faces        (F,3)    int32   triangles (vertex indices)
    shapedirs    (V,3,S)  float32 identity blendshapes            (FLAME shapedirs[..., :S])
    exprdirs     (V,3,E)  float32 expression blendshapes          (FLAME shapedirs[..., 300:300+E])
    posedirs     (V,3,36) float32 pose correctives, index k = 9*(j-1) + 3*row + col
    J_regressor  (5,V)    float32 dense joint regressor
    lbs_weights  (V,5)    float32 skinning weights
    parents      (5,)     int32   kinematic parents, -1 for the root

All arrays are little-endian and C-ordered (fortran_order False).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Dict, Mapping

import numpy as np

RIG_FORMAT = "splatd-flame-rig/1"
NUM_JOINTS = 5
NUM_POSE_FEATURES = 36  # 4 non-root joints x 9 entries of (R - I)
MAX_SHAPE = 300
MAX_EXPR = 100

# key -> dtype written
RIG_DTYPES = {
    "format": np.dtype("<u1"),
    "v_template": np.dtype("<f4"),
    "faces": np.dtype("<i4"),
    "shapedirs": np.dtype("<f4"),
    "exprdirs": np.dtype("<f4"),
    "posedirs": np.dtype("<f4"),
    "J_regressor": np.dtype("<f4"),
    "lbs_weights": np.dtype("<f4"),
    "parents": np.dtype("<i4"),
}
RIG_KEYS = tuple(RIG_DTYPES)


class RigError(ValueError):
    """A rig (or rig file) that does not follow the splatd FLAME rig format."""


def format_bytes() -> np.ndarray:
    return np.frombuffer(RIG_FORMAT.encode("ascii"), dtype=np.uint8).copy()


def validate_rig(rig: Mapping[str, np.ndarray], atol: float = 1e-4) -> Dict[str, int]:
    """Check shapes, ranges and normalisation; return the sizes {V, F, S, E}."""
    missing = [k for k in RIG_KEYS if k != "format" and k not in rig]
    if missing:
        raise RigError(f"rig is missing keys: {', '.join(missing)}")
    v = np.asarray(rig["v_template"])
    if v.ndim != 2 or v.shape[1] != 3:
        raise RigError(f"v_template must be (V,3), got {v.shape}")
    V = v.shape[0]
    faces = np.asarray(rig["faces"])
    if faces.ndim != 2 or faces.shape[1] != 3:
        raise RigError(f"faces must be (F,3), got {faces.shape}")
    if faces.size and (faces.min() < 0 or faces.max() >= V):
        raise RigError("faces index outside 0..V-1")
    sd, ed, pd = (np.asarray(rig[k]) for k in ("shapedirs", "exprdirs", "posedirs"))
    if sd.ndim != 3 or sd.shape[:2] != (V, 3) or sd.shape[2] > MAX_SHAPE:
        raise RigError(f"shapedirs must be (V,3,S<={MAX_SHAPE}) with V={V}, got {sd.shape}")
    if ed.ndim != 3 or ed.shape[:2] != (V, 3) or ed.shape[2] > MAX_EXPR:
        raise RigError(f"exprdirs must be (V,3,E<={MAX_EXPR}) with V={V}, got {ed.shape}")
    if pd.shape != (V, 3, NUM_POSE_FEATURES):
        raise RigError(f"posedirs must be (V,3,36) with V={V}, got {pd.shape}")
    jr = np.asarray(rig["J_regressor"])
    if jr.shape != (NUM_JOINTS, V):
        raise RigError(f"J_regressor must be (5,V) with V={V}, got {jr.shape}")
    w = np.asarray(rig["lbs_weights"])
    if w.shape != (V, NUM_JOINTS):
        raise RigError(f"lbs_weights must be (V,5) with V={V}, got {w.shape}")
    parents = np.asarray(rig["parents"])
    if parents.shape != (NUM_JOINTS,) or parents[0] != -1 or any(
        not (0 <= parents[j] < j) for j in range(1, NUM_JOINTS)
    ):
        raise RigError(f"parents must be (5,) with -1 for the root and parent < child, got {parents}")
    if not np.allclose(jr.sum(axis=1), 1.0, atol=atol):
        raise RigError(f"J_regressor rows must sum to 1, got {jr.sum(axis=1)}")
    if not np.allclose(w.sum(axis=1), 1.0, atol=atol):
        raise RigError("lbs_weights rows must sum to 1")
    if "format" in rig:
        fmt = bytes(np.asarray(rig["format"], dtype=np.uint8)).decode("ascii", "replace")
        if fmt != RIG_FORMAT:
            raise RigError(f"format is {fmt!r}, expected {RIG_FORMAT!r}")
    return {"V": V, "F": faces.shape[0], "S": sd.shape[2], "E": ed.shape[2]}


def to_file_arrays(rig: Mapping[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """The exact arrays written to the file: fixed dtypes, C order, the format key."""
    out = {"format": format_bytes()}
    for key in RIG_KEYS[1:]:
        out[key] = np.ascontiguousarray(np.asarray(rig[key]), dtype=RIG_DTYPES[key])
    return out


def save_rig(path, rig: Mapping[str, np.ndarray], compressed: bool = False) -> Dict[str, int]:
    """Validate and write a rig; returns the sizes {V, F, S, E}."""
    arrays = to_file_arrays(rig)
    sizes = validate_rig(arrays)
    path = Path(path)
    with open(path, "wb") as f:  # a file object: numpy does not append ".npz"
        (np.savez_compressed if compressed else np.savez)(f, **arrays)
    return sizes


def load_rig(path) -> Dict[str, np.ndarray]:
    """Read and validate a rig file; arrays are returned as stored (float32/int32)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            rig = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, ValueError) as e:
        raise RigError(f"{path}: not a splatd FLAME rig npz ({e})") from e
    if "format" not in rig:
        raise RigError(f"{path}: no 'format' key: not a splatd FLAME rig file")
    validate_rig(rig)
    return rig
