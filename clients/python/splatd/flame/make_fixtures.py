"""Write the FLAME fixtures of the Swift animator tests (deterministic seeds).

    python3 clients/python/splatd/flame/make_fixtures.py [--out Tests/AnimatorTests/Fixtures]

Tests/AnimatorTests/Fixtures/
  synthetic-flame/
    rig.npz        synthetic FLAME-structured model -> official-style pickle -> flame_to_npz
                   (--shape 20 --expr 12): the whole user-file -> converter -> rig path
    cases.npz      parameter sets and expected posed vertices (float64 forward pass, stored
                   float32), deflate-compressed
    gaussians.npz  GaussianAvatars per-triangle transform and barycentric binding references
  synthetic-ga-avatar/
    point_cloud.ply, flame_param.npz   a GaussianAvatars-style avatar on the synthetic rig
    expected.npz   per-frame posed vertices and world Gaussians

All data is synthetic (no FLAME data). See docs/formats.md for the keys.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `splatd` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from splatd.flame import convert
from splatd.flame.avatar import save_flame_param, write_3dgs_ply
from splatd.flame.gaussians import barycentric_points, transform_bound_gaussians
from splatd.flame.model import forward, pose_from_flame_param
from splatd.flame.rig import load_rig
from splatd.flame.synthetic import make_synthetic_flame, write_flame_pickle

MODEL_SEED = 7
CASES_SEED = 11
GAUSSIANS_SEED = 13
AVATAR_SEED = 17
RIG_SHAPE, RIG_EXPR = 20, 12
GAUSSIANS_CASE = 5          # the posed case of gaussians.npz
N_GAUSSIANS, N_BARY = 500, 120
N_AVATAR, AVATAR_FRAMES = 300, 3

REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_OUT = REPO_ROOT / "Tests" / "AnimatorTests" / "Fixtures"


def f32(a):
    return np.ascontiguousarray(a, dtype="<f4")


def _rotvec(rng, magnitude):
    axis = rng.normal(size=3)
    return axis / np.linalg.norm(axis) * magnitude


def make_cases(rig, rng):
    """8 parameter sets: float32 inputs, expected vertices from the float64 forward pass run on
    the float32 rig and the float32 inputs."""
    S, E = rig["shapedirs"].shape[2], rig["exprdirs"].shape[2]
    V = rig["v_template"].shape[0]
    specs = [
        # (shape length, expr length, pose magnitudes per joint, translation?, static offset?)
        dict(ns=4, ne=3, mags=[0, 0, 0, 0, 0], zero=True, t=False, so=False),          # rest pose
        dict(ns=S, ne=1, mags=[0, 0, 0, 0, 0], zero_expr=True, t=False, so=False),     # identity (all S)
        dict(ns=2, ne=E, mags=[0, 0, 0, 0, 0], t=False, so=False),                    # expression (all E)
        dict(ns=7, ne=5, mags=[0, 0, 0.45, 0, 0], t=False, so=False),                 # jaw open
        dict(ns=10, ne=6, mags=[2.0, 2.5, 3.0, 2.2, 2.8], t=True, so=True),           # large rotations
        dict(ns=S, ne=E, mags=[3.1, 1.5, 2.9, 3.0, 1.0], t=True, so=False),           # near pi
        dict(ns=3, ne=1, mags=[1e-5, 3e-6, 2e-5, 1e-6, 5e-6], t=True, so=False),     # tiny rotations
        dict(ns=15, ne=9, mags=[0.8, 1.2, 0.6, 2.4, 2.6], t=True, so=True),          # mixed
    ]
    out = {"count": np.array([len(specs)], dtype="<i4")}
    for k, s in enumerate(specs):
        shape = f32(rng.normal(0.0, 1.0, size=s["ns"]))
        expr = f32(rng.normal(0.0, 1.0, size=s["ne"]))
        if s.get("zero"):
            shape = f32(np.zeros(s["ns"]))
        if s.get("zero") or s.get("zero_expr"):
            expr = f32(np.zeros(s["ne"]))
        pose = f32(np.stack([_rotvec(rng, m) if m > 0 else np.zeros(3) for m in s["mags"]]))
        translation = f32(rng.normal(0.0, 0.1, size=3) if s["t"] else np.zeros(3))
        static_offset = f32(rng.normal(0.0, 0.001, size=(V, 3))) if s["so"] else None
        verts, det = forward(rig, shape, expr, pose, translation, static_offset, return_details=True)
        out[f"case{k}_shape"] = shape
        out[f"case{k}_expr"] = expr
        out[f"case{k}_pose"] = pose
        out[f"case{k}_translation"] = translation
        if static_offset is not None:
            out[f"case{k}_static_offset"] = static_offset
        out[f"case{k}_joints"] = f32(det["J"])
        out[f"case{k}_vertices"] = f32(verts)
    return out


def make_gaussians(rig, cases, rng):
    faces = rig["faces"]
    F = faces.shape[0]
    k = GAUSSIANS_CASE
    posed = cases[f"case{k}_vertices"]  # float32: the transform reference starts from these
    binding = np.concatenate([np.arange(F), rng.integers(0, F, size=N_GAUSSIANS - F)]) if N_GAUSSIANS > F \
        else rng.permutation(F)[:N_GAUSSIANS]
    binding = binding.astype("<i4")
    xyz = f32(rng.normal(0.0, 0.5, size=(N_GAUSSIANS, 3)))
    log_scale = f32(rng.uniform(np.log(0.05), np.log(0.8), size=(N_GAUSSIANS, 3)))
    quat = rng.normal(size=(N_GAUSSIANS, 4))
    quat = f32(quat * rng.uniform(0.3, 3.0, size=(N_GAUSSIANS, 1)))  # unnormalised
    wx, ws, wq, frames = transform_bound_gaussians(posed, faces, binding, xyz, log_scale, quat)

    bary_face = rng.integers(0, F, size=N_BARY).astype("<i4")
    bary = rng.dirichlet([1.0, 1.0, 1.0], size=N_BARY)
    bary[:3] = np.eye(3)  # exactly on the corners
    bary = f32(bary)
    bx = barycentric_points(posed, faces, bary_face, bary)
    return {
        "case_index": np.array([k], dtype="<i4"),
        "shape": cases[f"case{k}_shape"], "expr": cases[f"case{k}_expr"], "pose": cases[f"case{k}_pose"],
        "translation": cases[f"case{k}_translation"],
        "binding": binding, "xyz": xyz, "log_scale": log_scale, "quat": quat,
        "posed_vertices": posed,
        "face_center": f32(frames["face_center"]), "face_rotation": f32(frames["face_rotation"]),
        "face_quat": f32(frames["face_quat"]), "face_scale": f32(frames["face_scale"]),
        "world_xyz": f32(wx), "world_scale": f32(ws), "world_quat": f32(wq),
        "bary_face": bary_face, "bary_coords": bary, "bary_world_xyz": f32(bx),
    }


def make_avatar(rig, rng, folder: Path):
    faces = rig["faces"]
    F, V = faces.shape[0], rig["v_template"].shape[0]
    S, E = rig["shapedirs"].shape[2], rig["exprdirs"].shape[2]
    N, T = N_AVATAR, AVATAR_FRAMES
    binding = rng.integers(0, F, size=N)
    xyz = f32(rng.normal(0.0, 0.4, size=(N, 3)))
    log_scale = f32(rng.uniform(np.log(0.1), np.log(0.7), size=(N, 3)))
    quat = f32(rng.normal(size=(N, 4)))
    opacity = f32(rng.normal(0.0, 2.0, size=N))
    f_dc = f32(rng.normal(0.0, 1.0, size=(N, 3)))
    f_rest = f32(rng.normal(0.0, 0.1, size=(N, 45)))
    write_3dgs_ply(folder / "point_cloud.ply", xyz, f_dc, f_rest, opacity, log_scale, quat,
                   binding.astype(np.float32))

    params = {
        "shape": f32(rng.normal(0.0, 1.0, size=S)),
        "expr": f32(np.stack([np.zeros(E), rng.normal(0.0, 1.0, size=E), rng.normal(0.0, 0.5, size=E)])),
        "rotation": f32([[0, 0, 0], [0.05, 0.1, 0.0], _rotvec(rng, 1.2)]),
        "neck_pose": f32([[0, 0, 0], [0.1, 0.0, 0.05], _rotvec(rng, 0.6)]),
        "jaw_pose": f32([[0, 0, 0], [0.35, 0.0, 0.0], [0.1, 0.02, 0.0]]),
        "eyes_pose": f32([[0] * 6, [0.1, 0.2, 0.0, 0.1, 0.2, 0.0], np.concatenate([_rotvec(rng, 0.5), _rotvec(rng, 0.4)])]),
        "translation": f32([[0, 0, 0], [0.01, -0.02, 0.03], rng.normal(0.0, 0.05, size=3)]),
        "static_offset": f32(rng.normal(0.0, 0.001, size=(1, V, 3))),
        "dynamic_offset": f32(np.zeros((T, V, 3))),
    }
    save_flame_param(folder / "flame_param.npz", params)

    verts, wxs, wss, wqs = [], [], [], []
    for t in range(T):
        v = forward(rig, params["shape"], params["expr"][t], pose_from_flame_param(params, t),
                    params["translation"][t], params["static_offset"][0])
        v32 = f32(v)
        wx, ws, wq, _ = transform_bound_gaussians(v32, faces, binding, xyz, log_scale, quat)
        verts.append(v32), wxs.append(wx), wss.append(ws), wqs.append(wq)
    with open(folder / "expected.npz", "wb") as f:
        np.savez(f, vertices=f32(verts), world_xyz=f32(wxs), world_scale=f32(wss), world_quat=f32(wqs))


def make_all(out_dir: Path, verbose: bool = True) -> Path:
    out_dir = Path(out_dir)
    flame_dir = out_dir / "synthetic-flame"
    avatar_dir = out_dir / "synthetic-ga-avatar"
    flame_dir.mkdir(parents=True, exist_ok=True)
    avatar_dir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        pkl = Path(tmp) / "synthetic_flame.pkl"
        write_flame_pickle(make_synthetic_flame(seed=MODEL_SEED), pkl)
        rc = convert.main([str(pkl), "-o", str(flame_dir / "rig.npz"),
                           "--shape", str(RIG_SHAPE), "--expr", str(RIG_EXPR)])
        if rc != 0:
            raise SystemExit("conversion of the synthetic pickle failed")

    rig = load_rig(flame_dir / "rig.npz")  # float32 as stored: references are computed from these
    cases = make_cases(rig, np.random.default_rng(CASES_SEED))
    with open(flame_dir / "cases.npz", "wb") as f:
        np.savez_compressed(f, **cases)
    gaussians = make_gaussians(rig, cases, np.random.default_rng(GAUSSIANS_SEED))
    with open(flame_dir / "gaussians.npz", "wb") as f:
        np.savez(f, **gaussians)
    make_avatar(rig, np.random.default_rng(AVATAR_SEED), avatar_dir)

    if verbose:
        total = 0
        for p in sorted(out_dir.glob("synthetic-*/*")):
            total += p.stat().st_size
            print(f"{p.relative_to(out_dir)}: {p.stat().st_size} bytes")
        print(f"total: {total} bytes")
    return out_dir


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(DEFAULT_OUT), help="fixtures folder (default: %(default)s)")
    args = p.parse_args(argv)
    make_all(Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
