"""A synthetic FLAME-structured model: random but well-formed arrays with FLAME's structure
(5 joints root/neck/jaw/left eye/right eye, 300 identity + 100 expression blendshapes,
36 pose correctives, a sparse joint regressor), written as a pickle laid out like the official
FLAME file, so that splatd's tests exercise the real conversion path without FLAME data.

The mesh is a deformed UV sphere the size of a head (metres; y up, z forward = the face,
x towards the subject's left), e.g. 18 rings x 22 segments + 2 poles = 398 vertices,
792 triangles.

The pickle imitates what Python 2 wrote for the official file: protocol 2, byte strings as
py2 `str` (readable only with encoding="latin1"), numpy arrays via
numpy.core.multiarray._reconstruct, `chumpy.ch.Ch` objects whose array is the `x` entry of
their state, and `J_regressor` as an old-style `scipy.sparse.csc.csc_matrix`.
"""

from __future__ import annotations

import pickle
import struct
from typing import Dict

import numpy as np

IDENTITY_COMPONENTS = 300
EXPRESSION_COMPONENTS = 100
KINTREE_ROOT = 2**32 - 1

# --------------------------------------------------------------------------------------------
# geometry


def sphere_mesh(rings: int, segments: int):
    """Unit UV sphere: north pole, `rings` latitude rings of `segments` vertices, south pole.
    Triangles are counter-clockwise seen from outside (outward normals)."""
    verts = [(0.0, 1.0, 0.0)]
    for i in range(1, rings + 1):
        theta = np.pi * i / (rings + 1)
        for j in range(segments):
            phi = 2.0 * np.pi * j / segments
            verts.append((np.sin(theta) * np.sin(phi), np.cos(theta), np.sin(theta) * np.cos(phi)))
    verts.append((0.0, -1.0, 0.0))
    verts = np.array(verts)
    ring = lambda i, j: 1 + i * segments + (j % segments)
    south = len(verts) - 1
    faces = []
    for j in range(segments):
        faces.append((0, ring(0, j), ring(0, j + 1)))
    for i in range(rings - 1):
        for j in range(segments):
            a, b = ring(i, j), ring(i, j + 1)
            c, d = ring(i + 1, j), ring(i + 1, j + 1)
            faces.append((a, c, b))
            faces.append((b, c, d))
    for j in range(segments):
        faces.append((ring(rings - 1, j), south, ring(rings - 1, j + 1)))
    faces = np.array(faces, dtype=np.int64)
    # make every triangle face outwards
    v0, v1, v2 = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    n = np.cross(v1 - v0, v2 - v0)
    flip = np.sum(n * (v0 + v1 + v2), axis=1) < 0
    faces[flip] = faces[flip][:, [0, 2, 1]]
    return verts, faces


def _smooth_fields(rng, v: np.ndarray, count: int, rms: float, n_basis: int = 24) -> np.ndarray:
    """(V,3,count) random displacement fields: smooth (sums of sinusoids) plus 10 % noise,
    scaled to the given root-mean-square per unit coefficient."""
    V = v.shape[0]
    omega = rng.normal(0.0, 25.0, size=(n_basis, 3))
    phase = rng.uniform(0.0, 2 * np.pi, size=n_basis)
    direction = rng.normal(size=(n_basis, 3))
    basis = np.sin(v @ omega.T + phase)[:, None, :] * direction.T[None, :, :]  # (V,3,M)
    fields = basis @ rng.normal(size=(n_basis, count)) / np.sqrt(n_basis)
    fields += 0.1 * rng.normal(size=(V, 3, count))
    fields *= rms / np.sqrt(np.mean(fields**2, axis=(0, 1), keepdims=True))
    return fields


def make_synthetic_flame(seed: int = 0, rings: int = 18, segments: int = 22) -> Dict[str, np.ndarray]:
    """The synthetic model as a dict with the official pickle's keys (float64 arrays; `f` is
    uint32, `kintree_table` int64 with the root's parent 2**32-1, `J_regressor` dense here:
    write_flame_pickle stores it sparse)."""
    rng = np.random.default_rng(seed)
    unit, faces = sphere_mesh(rings, segments)
    V = unit.shape[0]

    # head-sized ellipsoid, a nose, random low-frequency bumps
    v = unit * np.array([0.075, 0.1, 0.088])
    nose = 0.018 * np.exp(-((v[:, 0] / 0.015) ** 2 + ((v[:, 1] + 0.005) / 0.025) ** 2)) * (v[:, 2] > 0)
    v[:, 2] += nose
    v += _smooth_fields(rng, v, 1, rms=0.002, n_basis=8)[:, :, 0]
    v[:, 1] += 0.02  # the bottom (neck) at about y = -0.08

    # joint regressor: sparse rows summing to 1
    y, z = v[:, 1], v[:, 2]
    order_y = np.argsort(y)
    eye_l, eye_r = np.array([0.03, 0.045, 0.08]), np.array([-0.03, 0.045, 0.08])
    groups = {
        0: order_y[: segments + 1],                          # root: the bottom ring and pole
        1: order_y[segments + 1: 3 * segments + 1],         # neck: the two rings above
        2: np.flatnonzero((y < np.quantile(y, 0.35)) & (y > np.quantile(y, 0.15)) & (z > 0.03)),  # jaw
        3: np.argsort(np.linalg.norm(v - eye_l, axis=1))[:6],  # left eye
        4: np.argsort(np.linalg.norm(v - eye_r, axis=1))[:6],  # right eye
    }
    J_regressor = np.zeros((5, V))
    for j, idx in groups.items():
        w = rng.uniform(0.5, 1.5, size=len(idx))
        J_regressor[j, idx] = w / w.sum()
    J = J_regressor @ v

    # skinning weights: rows summing to 1, a few joints per vertex
    sig = lambda t: 1.0 / (1.0 + np.exp(-t))
    yn = (y - y.min()) / (y.max() - y.min())  # 0 bottom .. 1 top
    root_w = 3.0 * sig((0.12 - yn) / 0.03)
    jaw_w = 3.0 * sig((0.42 - yn) / 0.04) * sig((z - 0.02) / 0.01) * (1 - sig((0.12 - yn) / 0.03))
    eye_lw = 4.0 * np.exp(-np.sum((v - J[3]) ** 2, axis=1) / 0.02**2)
    eye_rw = 4.0 * np.exp(-np.sum((v - J[4]) ** 2, axis=1) / 0.02**2)
    raw = np.stack([root_w, np.ones(V), jaw_w, eye_lw, eye_rw], axis=1)
    weights = raw / raw.sum(axis=1, keepdims=True)
    weights[weights < 0.02] = 0.0
    weights /= weights.sum(axis=1, keepdims=True)

    shapedirs = np.concatenate([
        _smooth_fields(rng, v, IDENTITY_COMPONENTS, rms=0.0015),
        _smooth_fields(rng, v, EXPRESSION_COMPONENTS, rms=0.001),
    ], axis=2)
    posedirs = _smooth_fields(rng, v, 36, rms=0.002)

    return {
        "v_template": v,
        "f": faces.astype(np.uint32),
        "shapedirs": shapedirs,
        "posedirs": posedirs,
        "J_regressor": J_regressor,
        "weights": weights,
        "kintree_table": np.array([[KINTREE_ROOT, 0, 1, 1, 1], [0, 1, 2, 3, 4]], dtype=np.int64),
        "J": J,
        "bs_style": "lbs",
        "bs_type": "lrotmin",
    }


# --------------------------------------------------------------------------------------------
# a Python-2-style pickle writer


class _Global:
    """A reference to a global written as-is (module and name need not exist here)."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name


class Py2Str(str):
    """Written as a Python 2 byte string (SHORT_BINSTRING / BINSTRING): Python 3 reads it
    back as str only with encoding="latin1" (or "bytes")."""


class PickledObject:
    """An instance of `module.name` rebuilt by NEWOBJ + BUILD(state), like a pickled
    new-style Python 2 object (chumpy objects, scipy.sparse matrices)."""

    def __init__(self, module: str, name: str, state: dict):
        self.module, self.name, self.state = module, name, state


def chumpy_ch(x: np.ndarray) -> PickledObject:
    """A `chumpy.ch.Ch` holding x, with the state fields a pickled Ch has."""
    state = {"x": np.asarray(x, dtype=np.float64), "_dirty_vars": set(), "_itr": None,
             "_make_dense": False, "_make_sparse": False, "_depends_on_deps": {}}
    return PickledObject("chumpy.ch", "Ch", state)


def chumpy_op(module: str, name: str, **terms) -> PickledObject:
    state = {"_dirty_vars": set(), "_itr": None, "_make_dense": False, "_make_sparse": False,
             "_depends_on_deps": {}}
    state.update(terms)
    return PickledObject(module, name, state)


def old_csc_matrix(dense: np.ndarray) -> PickledObject:
    """A scipy.sparse.csc.csc_matrix as old scipy pickled it (state = its __dict__)."""
    dense = np.asarray(dense, dtype=np.float64)
    data, indices, indptr = [], [], [0]
    for col in range(dense.shape[1]):
        rows = np.flatnonzero(dense[:, col])
        indices.extend(rows.tolist())
        data.extend(dense[rows, col].tolist())
        indptr.append(len(indices))
    state = {"_shape": tuple(int(s) for s in dense.shape), "maxprint": 50, "format": "csc",
             "data": np.array(data, dtype=np.float64), "indices": np.array(indices, dtype=np.int32),
             "indptr": np.array(indptr, dtype=np.int32)}
    return PickledObject("scipy.sparse.csc", "csc_matrix", state)


def _py2(obj):
    """Recursively turn str into Py2Str (dict keys and values, tuples, lists)."""
    if isinstance(obj, str) and not isinstance(obj, Py2Str):
        return Py2Str(obj)
    if isinstance(obj, dict):
        return {_py2(k): _py2(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(_py2(x) for x in obj)
    if isinstance(obj, list):
        return [_py2(x) for x in obj]
    if isinstance(obj, PickledObject):
        return PickledObject(obj.module, obj.name, _py2(obj.state))
    return obj


class Py2StylePickler(pickle._Pickler):
    """Protocol-2 pickler that writes numpy arrays, dtypes, str, chumpy and scipy objects the
    way Python 2 did."""

    _RECONSTRUCT = _Global("numpy.core.multiarray", "_reconstruct")
    _NDARRAY = _Global("numpy", "ndarray")
    _DTYPE = _Global("numpy", "dtype")

    def __init__(self, file):
        super().__init__(file, protocol=2)

    def save(self, obj, save_persistent_id=True):
        memo = self.memo.get(id(obj))
        if memo is not None and not isinstance(obj, (_Global,)):
            self.write(self.get(memo[0]))
            return
        if isinstance(obj, _Global):
            self.write(pickle.GLOBAL + obj.module.encode("ascii") + b"\n" + obj.name.encode("ascii") + b"\n")
            return
        if isinstance(obj, Py2Str):
            data = obj.encode("latin1")
            if len(data) < 256:
                self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
            else:
                self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
            self.memoize(obj)
            return
        if isinstance(obj, np.ndarray):
            arr = np.ascontiguousarray(obj)
            self.save(self._RECONSTRUCT)
            self.save((self._NDARRAY, (0,), Py2Str("b")))
            self.write(pickle.REDUCE)
            self.memoize(obj)
            state = (1, tuple(int(s) for s in arr.shape), arr.dtype, False, Py2Str(arr.tobytes().decode("latin1")))
            self.save(state)
            self.write(pickle.BUILD)
            return
        if isinstance(obj, np.dtype):
            _, args, state = obj.__reduce__()
            self.save(self._DTYPE)
            self.save(_py2((args[0], int(args[1]), int(args[2]))))
            self.write(pickle.REDUCE)
            self.memoize(obj)
            self.save(_py2(state))
            self.write(pickle.BUILD)
            return
        if isinstance(obj, PickledObject):
            self.save(_Global(obj.module, obj.name))
            self.save(())
            self.write(pickle.NEWOBJ)
            self.memoize(obj)
            self.save(obj.state)
            self.write(pickle.BUILD)
            return
        super().save(obj, save_persistent_id)


def official_layout(model: Dict[str, np.ndarray]) -> dict:
    """The model as the official pickle holds it: shapedirs and J as chumpy.ch.Ch,
    J_regressor as scipy.sparse.csc.csc_matrix, the rest numpy arrays and strings."""
    out = {}
    for key, value in model.items():
        if key in ("shapedirs", "J"):
            out[key] = chumpy_ch(value)
        elif key == "J_regressor":
            out[key] = old_csc_matrix(value)
        else:
            out[key] = value
    return out


def reordering_layout(model: Dict[str, np.ndarray]) -> dict:
    """A harder variant for tests: values wrapped in chumpy reordering / concatenation
    objects (Reshape, transpose, Select, Concatenate) that the converter must evaluate."""
    out = official_layout(model)
    v = model["v_template"]
    out["v_template"] = chumpy_op("chumpy.reordering", "Reshape", a=chumpy_ch(v.reshape(-1)), newshape=v.shape)
    p = model["posedirs"]
    out["posedirs"] = chumpy_op("chumpy.reordering", "transpose", a=chumpy_ch(p.transpose(2, 0, 1)), axes=(1, 2, 0))
    w = model["weights"]
    idx = np.arange(w.size).reshape(w.T.shape).T.ravel()  # Select from the transposed storage
    out["weights"] = chumpy_op("chumpy.reordering", "Select", a=chumpy_ch(w.T.copy()), idxs=idx,
                               preferred_shape=w.shape)
    s = model["shapedirs"]
    out["shapedirs"] = chumpy_op("chumpy.reordering", "Concatenate", m0=chumpy_ch(s[:, :, :IDENTITY_COMPONENTS]),
                                 m1=chumpy_ch(s[:, :, IDENTITY_COMPONENTS:]), axis=2, dterms=["m0", "m1"])
    return out


def write_flame_pickle(model: Dict[str, np.ndarray], path, layout: str = "official") -> None:
    """Write the model as an official-style FLAME pickle (layout 'official' or 'reordering')."""
    obj = {"official": official_layout, "reordering": reordering_layout}[layout](model)
    with open(path, "wb") as f:
        Py2StylePickler(f).dump(_py2(obj))
