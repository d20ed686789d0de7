"""Official FLAME pickle -> splatd FLAME rig file.

    python3 clients/python/flame_to_npz.py ~/FLAME2023/flame2023.pkl -o flame2023-rig.npz

The pickle's entries map onto the rig as follows (FLAME has 400 blendshape components:
0-299 identity, 300-399 expression):

    v_template            -> v_template (V,3)
    f                     -> faces (F,3) int32
    shapedirs[..., :S]    -> shapedirs (V,3,S)            (--shape S, default all 300)
    shapedirs[..., 300:300+E] -> exprdirs (V,3,E)         (--expr E, default all 100)
    posedirs (V,3,36)     -> posedirs (V,3,36), unchanged (feature k = 9*(j-1) + 3*row + col)
    J_regressor (sparse)  -> J_regressor (5,V) dense
    weights               -> lbs_weights (V,5)
    kintree_table (2,5)   -> parents (5,): the parent row mapped through the id row,
                             the root's 2**32-1 -> -1

With --teeth-from GA_REPO the teeth of GaussianAvatars / VHAP (120 vertices, 168 triangles:
V = 5143, F = 10144) are added by running THAT project's own code from the user's local
checkout (its licence does not allow splatd to ship or copy it).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import os
import sys
import types
from pathlib import Path
from typing import Callable, Dict, Optional

import numpy as np

from .pkl import ChumpyStandIn, UnsupportedPickle, load_flame_pickle, to_numpy
from .rig import MAX_EXPR, MAX_SHAPE, NUM_JOINTS, NUM_POSE_FEATURES, RigError, save_rig, validate_rig

FLAME_IDENTITY_COMPONENTS = 300
ROOT_PARENT_SENTINELS = (2**32 - 1, -1, 2**64 - 1)
REQUIRED_KEYS = ("v_template", "f", "shapedirs", "posedirs", "J_regressor", "weights", "kintree_table")
TEETH_VERTICES, TEETH_FACES = 120, 168


class ConversionError(ValueError):
    """The input is not a FLAME model this converter can read."""


class TeethError(RuntimeError):
    """Adding the teeth through the user's GaussianAvatars / VHAP checkout failed."""


# --------------------------------------------------------------------------------------------
# base conversion


def parents_from_kintree(kintree_table) -> np.ndarray:
    """(2,J) kintree table (row 0: parent ids, row 1: joint ids) -> parents (J,) int32, -1 root."""
    kt = np.asarray(kintree_table)
    if kt.ndim != 2 or kt.shape[0] != 2:
        raise ConversionError(f"kintree_table must be (2,J), got {kt.shape}")
    kt = kt.astype(np.int64)  # uint32 2**32-1 stays 4294967295; uint64 2**64-1 wraps to -1
    id_to_index = {int(i): n for n, i in enumerate(kt[1])}
    parents = np.empty(kt.shape[1], dtype=np.int32)
    for n in range(kt.shape[1]):
        p = int(kt[0, n])
        if p in ROOT_PARENT_SENTINELS or (n == 0 and p not in id_to_index):
            parents[n] = -1
        elif p in id_to_index:
            parents[n] = id_to_index[p]
        else:
            raise ConversionError(f"kintree_table: joint {n} has unknown parent id {p}")
    return parents


def _posedirs_v336(posedirs: np.ndarray, V: int) -> np.ndarray:
    """posedirs as (V,3,36): the official (V,3,36) passes unchanged; (V*3,36) and the
    transposed (36,V*3) layout of re-saved models are reshaped."""
    p = np.asarray(posedirs, dtype=np.float64)
    if p.shape == (V, 3, NUM_POSE_FEATURES):
        return p
    if p.shape == (V * 3, NUM_POSE_FEATURES):
        return p.reshape(V, 3, NUM_POSE_FEATURES)
    if p.shape == (NUM_POSE_FEATURES, V * 3):
        return p.reshape(NUM_POSE_FEATURES, V, 3).transpose(1, 2, 0)
    raise ConversionError(f"posedirs must be (V,3,36) with V={V}, got {p.shape}")


def rig_from_flame_dict(model: Dict, n_shape: Optional[int] = None, n_expr: Optional[int] = None):
    """Rig arrays (float64 / int32, not yet written) from an unpickled FLAME dict."""
    missing = [k for k in REQUIRED_KEYS if k not in model]
    if missing:
        raise ConversionError(
            f"not a FLAME model pickle: missing {', '.join(missing)} (keys present: {', '.join(sorted(map(str, model)))})"
        )
    arr = {k: to_numpy(model[k]) for k in REQUIRED_KEYS}
    v_template = np.asarray(arr["v_template"], dtype=np.float64)
    if v_template.ndim != 2 or v_template.shape[1] != 3:
        raise ConversionError(f"v_template must be (V,3), got {v_template.shape}")
    V = v_template.shape[0]

    faces = np.asarray(arr["f"])
    if faces.ndim != 2 or faces.shape[1] != 3:
        raise ConversionError(f"f must be (F,3), got {faces.shape}")
    faces = faces.astype(np.int64)
    if faces.min() < 0 or faces.max() >= V:
        raise ConversionError("f holds vertex indices outside 0..V-1")

    sd = np.asarray(arr["shapedirs"], dtype=np.float64)
    if sd.ndim != 3 or sd.shape[:2] != (V, 3):
        raise ConversionError(f"shapedirs must be (V,3,K) with V={V}, got {sd.shape}")
    total = sd.shape[2]
    s_avail = min(FLAME_IDENTITY_COMPONENTS, total)
    e_avail = max(total - FLAME_IDENTITY_COMPONENTS, 0)
    n_shape = s_avail if n_shape is None else int(n_shape)
    n_expr = min(e_avail, MAX_EXPR) if n_expr is None else int(n_expr)
    if not 0 <= n_shape <= s_avail:
        raise ConversionError(f"--shape {n_shape}: the model has {s_avail} identity components")
    if not 0 <= n_expr <= min(e_avail, MAX_EXPR):
        raise ConversionError(f"--expr {n_expr}: the model has {e_avail} expression components")
    shapedirs = sd[:, :, :n_shape]
    exprdirs = sd[:, :, FLAME_IDENTITY_COMPONENTS:FLAME_IDENTITY_COMPONENTS + n_expr]

    posedirs = _posedirs_v336(arr["posedirs"], V)

    jr = np.asarray(arr["J_regressor"], dtype=np.float64)
    if jr.shape == (V, NUM_JOINTS):
        jr = jr.T
    if jr.shape != (NUM_JOINTS, V):
        raise ConversionError(f"J_regressor must be (5,V) with V={V}, got {jr.shape}")

    w = np.asarray(arr["weights"], dtype=np.float64)
    if w.shape != (V, NUM_JOINTS):
        raise ConversionError(f"weights must be (V,5) with V={V}, got {w.shape}")

    parents = parents_from_kintree(arr["kintree_table"])
    if parents.shape != (NUM_JOINTS,):
        raise ConversionError(f"expected 5 joints in kintree_table, got {parents.shape[0]}")

    rig = {
        "v_template": v_template,
        "faces": faces.astype(np.int32),
        "shapedirs": shapedirs,
        "exprdirs": exprdirs,
        "posedirs": posedirs,
        "J_regressor": jr,
        "lbs_weights": w,
        "parents": parents,
    }
    return rig


# --------------------------------------------------------------------------------------------
# teeth through the user's GaussianAvatars / VHAP checkout

# (project, file that must exist, module to import); their paths are relative to the repo root
GA_LAYOUTS = (
    ("GaussianAvatars", "flame_model/flame.py", "flame_model.flame"),
    ("VHAP", "vhap/model/flame.py", "vhap.model.flame"),
)


def _to_numpy_any(x) -> np.ndarray:
    """torch tensors (their buffers) or arrays -> numpy."""
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "cpu"):
        x = x.cpu()
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


def _chumpy_importable() -> bool:
    try:
        import chumpy  # noqa: F401
        return True
    except Exception:
        for name in [m for m in sys.modules if m == "chumpy" or m.startswith("chumpy.")]:
            del sys.modules[name]
        return False


@contextlib.contextmanager
def _chumpy_shim():
    """Their FlameHead unpickles the FLAME pkl with plain pickle, which imports chumpy. When
    chumpy is not importable, serve stand-in modules for the duration (np.array() of a
    stand-in evaluates it, which is all their loader does with chumpy objects)."""
    if _chumpy_importable():
        yield False
        return
    from .pkl import _standin

    names = ("chumpy", "chumpy.ch", "chumpy.reordering", "chumpy.ch_ops", "chumpy.utils", "chumpy.logic", "chumpy.linalg")
    for name in names:
        mod = types.ModuleType(name)
        mod.__getattr__ = (lambda modname: (lambda attr: _standin(ChumpyStandIn, modname, attr)))(name)
        sys.modules[name] = mod
    try:
        yield True
    finally:
        for name in names:
            sys.modules.pop(name, None)


def _find_layout(repo: Path):
    for project, rel, module in GA_LAYOUTS:
        if (repo / rel).is_file():
            return project, rel, module
    return None


def teeth_extended_rig(ga_repo, pkl_path, n_shape: int, n_expr: int, base_rig: Dict,
                       log: Callable[[str], None] = print) -> Dict:
    """Build the teeth-extended rig by running FlameHead(..., add_teeth=True) of the user's
    GaussianAvatars (flame_model/flame.py) or VHAP (vhap/model/flame.py) checkout on the
    user's own FLAME pickle, then read its buffers back into splatd's layout."""
    repo = Path(ga_repo).expanduser()
    if not repo.is_dir():
        raise TeethError(f"--teeth-from {ga_repo}: no such directory. Pass the top folder of a local "
                         "GaussianAvatars or VHAP checkout.")
    repo = repo.resolve()
    layout = _find_layout(repo)
    if layout is None:
        expected = " or ".join(f"{rel} ({project})" for project, rel, _ in GA_LAYOUTS)
        raise TeethError(f"--teeth-from {repo}: this does not look like a GaussianAvatars or VHAP checkout: "
                         f"expected {expected} under it. Pass the repository's top folder.")
    project, rel, module_name = layout
    log(f"teeth: using {project} code from {repo / rel}")

    pkl_path = str(Path(pkl_path).expanduser().resolve())
    old_cwd = os.getcwd()
    sys.path.insert(0, str(repo))
    try:
        with _chumpy_shim() as shimmed:
            if shimmed:
                log("teeth: chumpy is not importable here; serving stand-in chumpy classes to their loader")
            os.chdir(repo)  # their asset paths are relative to the repository root
            top = module_name.split(".")[0]
            for name in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
                del sys.modules[name]  # import from this checkout, not a cached or installed copy
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as e:
                raise TeethError(
                    f"importing {module_name} from {repo} failed: {e}. Run the converter in the Python "
                    f"environment you use for {project} (it needs PyTorch and {project}'s requirements)."
                ) from e
            except Exception as e:
                raise TeethError(
                    f"importing {module_name} from {repo} failed ({type(e).__name__}: {e}). Is the checkout "
                    f"complete, with the FLAME assets in place as {project}'s README describes?"
                ) from e
            cls = getattr(module, "FlameHead", None)
            if cls is None or not callable(cls):
                raise TeethError(f"{module_name} in {repo} has no FlameHead class: this version of {project} "
                                 "is not supported by --teeth-from")
            params = inspect.signature(cls).parameters
            kwargs = {}
            for name, value in (("shape_params", n_shape), ("expr_params", n_expr),
                                ("flame_model_path", pkl_path), ("add_teeth", True)):
                if name in params:
                    kwargs[name] = value
            if "shape_params" not in kwargs or "expr_params" not in kwargs:
                raise TeethError(f"{project}'s FlameHead{inspect.signature(cls)} does not take shape_params / "
                                 "expr_params: this version is not supported by --teeth-from")
            if "flame_model_path" not in kwargs:
                log(f"teeth: warning: {project}'s FlameHead takes no flame_model_path; it loads its own FLAME file")
            try:
                head = cls(**kwargs)
            except Exception as e:
                raise TeethError(
                    f"{project}'s FlameHead({', '.join(f'{k}={v!r}' for k, v in kwargs.items())}) failed "
                    f"({type(e).__name__}: {e}). Check that its assets (FLAME masks, template mesh, landmark "
                    "embedding) are in place as its README describes."
                ) from e
            if "add_teeth" not in kwargs:
                if not hasattr(head, "add_teeth"):
                    raise TeethError(f"{project}'s FlameHead has no add_teeth option")
                head.add_teeth()
    finally:
        os.chdir(old_cwd)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(repo))

    def get(*names):
        for n in names:
            if hasattr(head, n) and getattr(head, n) is not None:
                return _to_numpy_any(getattr(head, n))
        raise TeethError(f"{project}'s FlameHead has none of the attributes {names}: version not supported")

    v_template = get("v_template").astype(np.float64)
    V = v_template.shape[0]
    faces = get("faces", "faces_tensor").astype(np.int64)
    both = get("shapedirs").astype(np.float64)
    if both.shape[:2] != (V, 3) or both.shape[2] != n_shape + n_expr:
        raise TeethError(f"{project}'s shapedirs is {both.shape}; expected ({V},3,{n_shape + n_expr}) "
                         "(shape then expression components)")
    try:
        posedirs = _posedirs_v336(get("posedirs"), V)
    except ConversionError as e:
        raise TeethError(f"{project}'s posedirs: {e}") from e
    jr = get("J_regressor").astype(np.float64)
    w = get("lbs_weights", "weights").astype(np.float64)
    parents = get("parents").astype(np.int64).reshape(-1)
    parents[0] = -1
    rig = {
        "v_template": v_template,
        "faces": faces.astype(np.int32),
        "shapedirs": both[:, :, :n_shape],
        "exprdirs": both[:, :, n_shape:],
        "posedirs": posedirs,
        "J_regressor": jr,
        "lbs_weights": w,
        "parents": parents.astype(np.int32),
    }
    try:
        validate_rig(rig)
    except RigError as e:
        raise TeethError(f"{project}'s teeth-extended model is not a valid rig: {e}") from e

    # The first V0 vertices / F0 faces must be the user's FLAME model itself.
    V0, F0 = base_rig["v_template"].shape[0], base_rig["faces"].shape[0]
    if V < V0 or faces.shape[0] < F0:
        raise TeethError(f"{project}'s model ({V} vertices, {faces.shape[0]} faces) is smaller than the FLAME "
                         f"model ({V0}, {F0})")
    checks = {
        "v_template": (rig["v_template"][:V0], base_rig["v_template"]),
        "faces": (rig["faces"][:F0], base_rig["faces"]),
        "shapedirs": (rig["shapedirs"][:V0], base_rig["shapedirs"]),
        "exprdirs": (rig["exprdirs"][:V0], base_rig["exprdirs"]),
        "posedirs": (rig["posedirs"][:V0], base_rig["posedirs"]),
        "J_regressor": (rig["J_regressor"][:, :V0], base_rig["J_regressor"]),
        "lbs_weights": (rig["lbs_weights"][:V0], base_rig["lbs_weights"]),
        "parents": (rig["parents"], base_rig["parents"]),
    }
    for key, (ours, theirs) in checks.items():
        if ours.shape != theirs.shape or not np.allclose(ours, theirs, atol=1e-5):
            log(f"teeth: warning: {project}'s {key} differs from the FLAME file's on the original "
                f"{'faces' if key == 'faces' else 'vertices'}: keeping {project}'s (the avatars were trained with it)")
    if (V - V0, faces.shape[0] - F0) != (TEETH_VERTICES, TEETH_FACES):
        log(f"teeth: warning: {project} added {V - V0} vertices and {faces.shape[0] - F0} faces "
            f"(expected {TEETH_VERTICES} and {TEETH_FACES})")
    return rig


# --------------------------------------------------------------------------------------------
# file to file


def convert_file(pkl_path, out_path, n_shape: Optional[int] = None, n_expr: Optional[int] = None,
                 teeth_from=None, compressed: bool = False, log: Callable[[str], None] = print) -> Dict[str, int]:
    """Convert a FLAME pickle into a splatd rig file; returns {V, F, S, E}."""
    model = load_flame_pickle(pkl_path)
    rig = rig_from_flame_dict(model, n_shape, n_expr)
    if teeth_from is not None:
        rig = teeth_extended_rig(teeth_from, pkl_path, rig["shapedirs"].shape[2], rig["exprdirs"].shape[2],
                                 rig, log=log)
    sizes = save_rig(out_path, rig, compressed=compressed)
    log(f"wrote {out_path}: V={sizes['V']} F={sizes['F']} S={sizes['S']} E={sizes['E']}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="flame_to_npz.py",
        description="Convert your own FLAME model pickle (FLAME 2020 generic_model.pkl, flame2023.pkl, ...) "
                    "into a splatd FLAME rig file (splatd-flame-rig/1 npz). chumpy is not needed.",
    )
    p.add_argument("pkl", help="the FLAME model pickle, e.g. ~/FLAME2023/flame2023.pkl")
    p.add_argument("-o", "--output", required=True, help="the rig file to write, e.g. flame2023-rig.npz")
    p.add_argument("--shape", type=int, default=None, metavar="N",
                   help=f"keep the first N identity components (default: all, {MAX_SHAPE} for FLAME)")
    p.add_argument("--expr", type=int, default=None, metavar="N",
                   help=f"keep the first N expression components (default: all, {MAX_EXPR} for FLAME)")
    p.add_argument("--teeth-from", metavar="GA_REPO", default=None,
                   help="add GaussianAvatars' teeth (V=5143, F=10144) by running the FlameHead code of your local "
                        "GaussianAvatars or VHAP checkout at GA_REPO (run in that project's Python environment)")
    p.add_argument("--compressed", action="store_true", help="write a deflate-compressed npz")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        convert_file(args.pkl, args.output, args.shape, args.expr, args.teeth_from, args.compressed)
    except (ConversionError, UnsupportedPickle, TeethError, RigError, OSError) as e:
        print(f"flame_to_npz: error: {e}", file=sys.stderr)
        return 1
    return 0
