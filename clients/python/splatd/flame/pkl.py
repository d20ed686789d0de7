"""Reading the official FLAME pickle (generic_model.pkl of FLAME 2020, flame2023.pkl, ...)
without chumpy and without trusting arbitrary pickled code.

The official file is a Python-2-era pickle (it must be read with encoding="latin1") holding a
dict whose values are numpy arrays, chumpy objects (`chumpy.ch.Ch`, whose array is the `x`
entry of the pickled state) and a scipy.sparse matrix (`J_regressor`, csc). chumpy does not
import on modern numpy, so chumpy and scipy.sparse classes are replaced by stand-in classes
that only record their pickled state; `to_numpy()` then evaluates them.

Only a small allowlist of globals can be loaded (numpy array/dtype reconstruction, a few
builtins, copy_reg); anything else raises UnsupportedPickle instead of running code.
"""

from __future__ import annotations

import pickle
import re
from typing import Any, Dict

import numpy as np


class UnsupportedPickle(ValueError):
    """The pickle holds something this reader does not understand or will not load."""


# --------------------------------------------------------------------------------------------
# stand-in classes


class ChumpyStandIn:
    """Records the pickled state of a chumpy object (any class in the chumpy package)."""

    _module = "chumpy"
    _name = "Ch"

    def __init__(self, *args, **kwargs):  # only reached by unusual pickles (REDUCE)
        self.__dict__["_args"] = args
        self.__dict__.update(kwargs)

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:  # (dict, slots)
            state = {**(state[0] or {}), **(state[1] or {})}
        if not isinstance(state, dict):
            raise UnsupportedPickle(f"{self._module}.{self._name}: unexpected state {type(state).__name__}")
        self.__dict__.update(state)

    def __array__(self, dtype=None, copy=None):  # lets np.array() / np.asarray() evaluate it
        a = evaluate_chumpy(self)
        return a if dtype is None else a.astype(dtype)

    @property
    def r(self) -> np.ndarray:  # chumpy's name for the value
        return evaluate_chumpy(self)

    @property
    def shape(self):
        return evaluate_chumpy(self).shape

    def __repr__(self):
        return f"<stand-in {self._module}.{self._name} fields={sorted(self.__dict__)}>"


class SparseStandIn:
    """Records the pickled state of a scipy.sparse matrix (csc, csr or coo)."""

    _module = "scipy.sparse"
    _name = "spmatrix"

    def __init__(self, *args, **kwargs):
        self.__dict__["_args"] = args
        self.__dict__.update(kwargs)

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 2:
            state = {**(state[0] or {}), **(state[1] or {})}
        if not isinstance(state, dict):
            raise UnsupportedPickle(f"{self._module}.{self._name}: unexpected state {type(state).__name__}")
        self.__dict__.update(state)

    def toarray(self) -> np.ndarray:
        return sparse_to_dense(self)

    def todense(self) -> np.ndarray:
        return sparse_to_dense(self)

    def __array__(self, dtype=None, copy=None):
        a = sparse_to_dense(self)
        return a if dtype is None else a.astype(dtype)

    def __repr__(self):
        return f"<stand-in {self._module}.{self._name} fields={sorted(self.__dict__)}>"


_standin_cache: Dict[tuple, type] = {}


def _standin(base: type, module: str, name: str) -> type:
    key = (base, module, name)
    if key not in _standin_cache:
        _standin_cache[key] = type(name, (base,), {"_module": module, "_name": name})
    return _standin_cache[key]


# --------------------------------------------------------------------------------------------
# the restricted unpickler

_BUILTINS = {"set", "frozenset", "object", "list", "dict", "tuple", "complex", "bytearray",
             "slice", "range", "bool", "int", "float", "str", "bytes"}
_NUMPY_ALLOWED = {
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy", "_frombuffer"),
}


class FlamePickleUnpickler(pickle.Unpickler):
    """pickle.Unpickler with chumpy / scipy.sparse stand-ins and an allowlist of globals."""

    def find_class(self, module: str, name: str):
        if module == "chumpy" or module.startswith("chumpy."):
            return _standin(ChumpyStandIn, module, name)
        if module == "scipy.sparse" or module.startswith("scipy.sparse."):
            return _standin(SparseStandIn, module, name)
        if module in ("__builtin__", "builtins") and name in _BUILTINS:
            return super().find_class(module, name)
        if module in ("copy_reg", "copyreg") and name in ("_reconstructor", "__newobj__", "__newobj_ex__"):
            return super().find_class(module, name)
        if module == "_codecs" and name == "encode":  # bytes in protocol-2 pickles written by Python 3
            return super().find_class(module, name)
        if (module, name) in _NUMPY_ALLOWED or (module == "numpy.dtypes" and name.endswith("DType")):
            # numpy 2 moved numpy.core to numpy._core; load from the new place when it exists
            if module.startswith("numpy.core."):
                try:
                    return super().find_class("numpy._core." + module[len("numpy.core."):], name)
                except (ImportError, AttributeError):
                    pass
            return super().find_class(module, name)
        raise UnsupportedPickle(
            f"the pickle refers to {module}.{name}, which a FLAME model pickle does not contain; "
            "refusing to load it"
        )


def load_flame_pickle(path) -> Dict[str, Any]:
    """Unpickle an official-style FLAME pickle into a dict (values may be stand-ins)."""
    with open(path, "rb") as f:
        try:
            data = FlamePickleUnpickler(f, encoding="latin1").load()
        except UnsupportedPickle:
            raise
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as e:
            raise UnsupportedPickle(f"{path}: cannot read as a FLAME pickle ({type(e).__name__}: {e})") from e
    if not isinstance(data, dict):
        raise UnsupportedPickle(f"{path}: expected a dict at the top of the pickle, got {type(data).__name__}")
    return data


# --------------------------------------------------------------------------------------------
# evaluation of stand-ins


def _child(d: dict, key: str, owner: str):
    if key not in d:
        raise UnsupportedPickle(f"{owner}: pickled state has no '{key}' (fields: {sorted(d)})")
    return to_numpy(d[key])


def evaluate_chumpy(obj: ChumpyStandIn) -> np.ndarray:
    """The value of a chumpy object: `Ch` is its `x`; the reordering classes (Reshape,
    Select, transpose, ...) and concatenation are re-evaluated from their pickled terms."""
    d = obj.__dict__
    name = obj._name
    owner = f"{obj._module}.{name}"
    if name == "Ch" or (name not in _CHUMPY_OPS and "x" in d and "a" not in d):
        return np.asarray(_child(d, "x", owner), dtype=np.float64)
    op = _CHUMPY_OPS.get(name)
    if op is None:
        raise UnsupportedPickle(
            f"chumpy class {owner} (fields: {sorted(d)}) is not supported by this converter; "
            "re-save the model with plain numpy arrays (e.g. np.array(value) for each entry) and retry"
        )
    return np.asarray(op(d, owner), dtype=np.float64)


def _concatenate(d: dict, owner: str):
    names = d.get("dterms") or [k for k in d if re.fullmatch(r"m\d+", k)]
    names = sorted(names, key=lambda s: int(s[1:]) if re.fullmatch(r"m\d+", s) else s)
    return np.concatenate([_child(d, n, owner) for n in names], axis=d.get("axis", 0))


def _atleast(d: dict, owner: str):
    x = _child(d, "x", owner)
    n = d.get("ndims", 1)
    return {1: np.atleast_1d, 2: np.atleast_2d, 3: np.atleast_3d}[n](x)


def _select(d: dict, owner: str):
    out = _child(d, "a", owner).ravel()[np.asarray(d["idxs"]).astype(np.int64).ravel()]
    return out.reshape(d["preferred_shape"]) if d.get("preferred_shape") is not None else out


_CHUMPY_OPS = {
    "Reshape": lambda d, o: _child(d, "a", o).reshape(d["newshape"]),
    "Select": _select,
    "transpose": lambda d, o: np.transpose(_child(d, "a", o), axes=d.get("axes")),
    "swapaxes": lambda d, o: np.swapaxes(_child(d, "a", o), d["axis1"], d["axis2"]),
    "rollaxis": lambda d, o: np.rollaxis(_child(d, "a", o), d["axis"], d.get("start", 0)),
    "Tile": lambda d, o: np.tile(_child(d, "a", o), d["reps"]),
    "Repeat": lambda d, o: np.repeat(_child(d, "a", o), d["repeats"], d.get("axis")),
    "Roll": lambda d, o: np.roll(_child(d, "a", o), d["shift"], d.get("axis")),
    "Rot90": lambda d, o: np.rot90(_child(d, "a", o), d.get("k", 1)),
    "Diag": lambda d, o: np.diag(_child(d, "a", o), d.get("k", 0)),
    "DiagFlat": lambda d, o: np.diagflat(_child(d, "a", o), d.get("k", 0)),
    "Concatenate": _concatenate,
    "AtleastNd": _atleast,
    "add": lambda d, o: _child(d, "a", o) + _child(d, "b", o),
    "subtract": lambda d, o: _child(d, "a", o) - _child(d, "b", o),
    "multiply": lambda d, o: _child(d, "a", o) * _child(d, "b", o),
    "divide": lambda d, o: _child(d, "a", o) / _child(d, "b", o),
}


def sparse_to_dense(obj: SparseStandIn) -> np.ndarray:
    """Dense float64 array of a pickled scipy.sparse csc/csr/coo matrix (duplicates summed)."""
    d = obj.__dict__
    owner = f"{obj._module}.{obj._name}"
    shape = d.get("_shape", d.get("shape"))
    if shape is None:
        raise UnsupportedPickle(f"{owner}: pickled state has no shape (fields: {sorted(d)})")
    shape = tuple(int(s) for s in shape)
    fmt = d.get("format") or obj._name[:3]
    fmt = fmt.decode("latin1") if isinstance(fmt, bytes) else str(fmt)
    dense = np.zeros(shape, dtype=np.float64)
    if fmt in ("csc", "csr"):
        data = np.asarray(d["data"], dtype=np.float64)
        indices = np.asarray(d["indices"]).astype(np.int64)
        indptr = np.asarray(d["indptr"]).astype(np.int64)
        outer = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        rows, cols = (indices, outer) if fmt == "csc" else (outer, indices)
        np.add.at(dense, (rows, cols), data)
    elif fmt == "coo":
        if "coords" in d:
            rows, cols = (np.asarray(c).astype(np.int64) for c in d["coords"])
        else:
            rows, cols = np.asarray(d["row"]).astype(np.int64), np.asarray(d["col"]).astype(np.int64)
        np.add.at(dense, (rows, cols), np.asarray(d["data"], dtype=np.float64))
    else:
        raise UnsupportedPickle(f"{owner}: sparse format {fmt!r} is not supported (csc, csr, coo are)")
    return dense


def to_numpy(value) -> Any:
    """numpy array of a pickled value: stand-ins are evaluated, scipy matrices densified,
    arrays and scalars passed through (strings and other objects are returned unchanged)."""
    if isinstance(value, ChumpyStandIn):
        return evaluate_chumpy(value)
    if isinstance(value, SparseStandIn):
        return sparse_to_dense(value)
    if hasattr(value, "toarray") and hasattr(value, "tocsr"):  # a real scipy.sparse object
        return np.asarray(value.toarray())
    if isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
        return np.asarray(value)
    if hasattr(value, "__array__"):
        return np.asarray(value)
    return value
