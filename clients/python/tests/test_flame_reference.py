"""Checks the numpy FLAME forward pass and the Gaussian transform by independent second
routes, and that the committed Swift fixtures are what the generator makes."""

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from splatd.flame import make_fixtures
from splatd.flame.avatar import read_3dgs_ply
from splatd.flame.gaussians import (barycentric_points, face_frames, quat_from_matrix, quat_multiply,
                                    transform_bound_gaussians)
from splatd.flame.model import forward, pose_features, pose_from_flame_param, rodrigues
from splatd.flame.rig import RIG_FORMAT, load_rig

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "AnimatorTests" / "Fixtures"
FLAME_DIR = FIXTURES / "synthetic-flame"
AVATAR_DIR = FIXTURES / "synthetic-ga-avatar"


@pytest.fixture(scope="module")
def rig():
    return load_rig(FLAME_DIR / "rig.npz")


@pytest.fixture(scope="module")
def cases():
    with np.load(FLAME_DIR / "cases.npz") as z:
        return {k: z[k] for k in z.files}


# --------------------------------------------------------------------------------------------
# second route: a naive per-vertex loop with 4x4 matrices and scipy's rotations


def scipy_rotation_matrices(pose):
    return Rotation.from_rotvec(np.asarray(pose, dtype=np.float64)).as_matrix()


def forward_loop(rig, shape, expr, pose, translation, static_offset=None):
    V = rig["v_template"].shape[0]
    parents = [int(p) for p in rig["parents"]]
    sd = rig["shapedirs"].astype(np.float64)
    ed = rig["exprdirs"].astype(np.float64)
    pd = rig["posedirs"].astype(np.float64)
    R = scipy_rotation_matrices(pose)
    feats = []
    for j in range(1, 5):
        for a in range(3):
            for b in range(3):
                feats.append(R[j][a, b] - (1.0 if a == b else 0.0))
    v_shaped = np.zeros((V, 3))
    for v in range(V):
        p = rig["v_template"][v].astype(np.float64).copy()
        for i, c in enumerate(shape):
            p += sd[v, :, i] * float(c)
        for i, c in enumerate(expr):
            p += ed[v, :, i] * float(c)
        if static_offset is not None:
            p += static_offset[v]
        v_shaped[v] = p
    J = np.zeros((5, 3))
    for j in range(5):
        for v in range(V):
            J[j] += float(rig["J_regressor"][j, v]) * v_shaped[v]
    # world transforms as 4x4 matrices
    G = []
    for j in range(5):
        local = np.eye(4)
        local[:3, :3] = R[j]
        local[:3, 3] = J[j] - (J[parents[j]] if parents[j] >= 0 else 0.0)
        G.append(local if parents[j] < 0 else G[parents[j]] @ local)
    A = []
    for j in range(5):
        unpose = np.eye(4)
        unpose[:3, 3] = -J[j]
        A.append(G[j] @ unpose)
    out = np.zeros((V, 3))
    for v in range(V):
        p = v_shaped[v].copy()
        for k in range(36):
            p += pd[v, :, k] * feats[k]
        M = np.zeros((4, 4))
        for j in range(5):
            M += float(rig["lbs_weights"][v, j]) * A[j]
        out[v] = (M @ np.append(p, 1.0))[:3] + np.asarray(translation, dtype=np.float64)
    return out


# --------------------------------------------------------------------------------------------
# rodrigues and pose features


def test_rodrigues_matches_scipy():
    rng = np.random.default_rng(1)
    axes = rng.normal(size=(200, 3))
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    r = axes * rng.uniform(1e-4, 3.14, size=(200, 1))
    np.testing.assert_allclose(rodrigues(r), Rotation.from_rotvec(r).as_matrix(), atol=1e-7)


def test_rodrigues_zero_and_tiny():
    np.testing.assert_array_equal(rodrigues(np.zeros(3)), np.eye(3))
    r = np.array([1e-6, -2e-6, 3e-7])
    np.testing.assert_allclose(rodrigues(r), Rotation.from_rotvec(r).as_matrix(), atol=1e-12)


def test_rodrigues_epsilon_is_added_before_the_norm():
    r = np.array([0.3, -0.2, 0.5])
    th = np.linalg.norm(r + 1e-8)
    k = r / th
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    expected = np.eye(3) + np.sin(th) * K + (1 - np.cos(th)) * K @ K
    np.testing.assert_allclose(rodrigues(r), expected, rtol=0, atol=1e-15)
    # without the epsilon the result differs by ~1e-8: the test above would see that
    th0 = np.linalg.norm(r)
    assert abs(th - th0) > 1e-9


def test_pose_feature_layout():
    rng = np.random.default_rng(2)
    R = rodrigues(rng.normal(size=(5, 3)))
    feat = pose_features(R)
    assert feat.shape == (36,)
    for j in range(1, 5):
        for a in range(3):
            for b in range(3):
                assert feat[9 * (j - 1) + 3 * a + b] == R[j, a, b] - (a == b)


# --------------------------------------------------------------------------------------------
# forward pass


def test_rig_fixture(rig):
    assert bytes(rig["format"]).decode() == RIG_FORMAT
    assert rig["v_template"].dtype == np.float32 and rig["faces"].dtype == np.int32
    assert rig["shapedirs"].shape == (398, 3, 20) and rig["exprdirs"].shape == (398, 3, 12)
    assert rig["posedirs"].shape == (398, 3, 36)
    assert list(rig["parents"]) == [-1, 0, 1, 1, 1]


def test_cases_against_naive_loop(rig, cases):
    count = int(cases["count"][0])
    assert count == 8
    for k in range(count):
        so = cases.get(f"case{k}_static_offset")
        expected = forward_loop(rig, cases[f"case{k}_shape"], cases[f"case{k}_expr"], cases[f"case{k}_pose"],
                                cases[f"case{k}_translation"], so)
        np.testing.assert_allclose(cases[f"case{k}_vertices"], expected, atol=2e-6, err_msg=f"case {k}")
        ours = forward(rig, cases[f"case{k}_shape"], cases[f"case{k}_expr"], cases[f"case{k}_pose"],
                       cases[f"case{k}_translation"], so)
        # scipy's rotations have no 1e-8 epsilon: agreement to ~1e-9 m
        np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-8, err_msg=f"case {k}")


def test_cases_cover_what_they_should(rig, cases):
    S, E = rig["shapedirs"].shape[2], rig["exprdirs"].shape[2]
    lens_s = [cases[f"case{k}_shape"].size for k in range(8)]
    lens_e = [cases[f"case{k}_expr"].size for k in range(8)]
    assert any(n < S for n in lens_s) and S in lens_s
    assert any(n < E for n in lens_e) and E in lens_e
    mags = np.concatenate([np.linalg.norm(cases[f"case{k}_pose"], axis=1) for k in range(8)])
    assert mags.max() > 3.0
    assert sum(f"case{k}_static_offset" in cases for k in range(8)) >= 2
    np.testing.assert_allclose(cases["case0_vertices"], rig["v_template"], rtol=0, atol=1e-8)


def test_missing_coefficients_are_zero(rig):
    rng = np.random.default_rng(3)
    shape, expr, pose = rng.normal(size=5), rng.normal(size=4), rng.normal(size=(5, 3))
    a = forward(rig, shape, expr, pose)
    b = forward(rig, np.concatenate([shape, np.zeros(15)]), np.concatenate([expr, np.zeros(8)]), pose)
    np.testing.assert_allclose(a, b, atol=1e-15)


def test_global_rotation_pivots_about_root_then_translation(rig):
    rng = np.random.default_rng(4)
    shape = rng.normal(size=20)
    r0 = np.array([0.4, -1.1, 0.7])
    t = np.array([0.1, -0.2, 0.3])
    pose = np.zeros((5, 3))
    pose[0] = r0
    v, det = forward(rig, shape, None, pose, t, return_details=True)
    J0 = det["J"][0]
    R0 = Rotation.from_rotvec(r0).as_matrix()
    expected = (det["v_shaped"] - J0) @ R0.T + J0 + t
    np.testing.assert_allclose(v, expected, rtol=0, atol=1e-8)


def test_single_joint_moves_only_its_vertices(rig):
    pose = np.zeros((5, 3))
    pose[2] = [0.5, 0.0, 0.0]  # jaw
    v, det = forward(rig, None, None, pose, return_details=True)
    moved = np.linalg.norm(v - det["v_shaped"], axis=1) > 1e-7
    touched = (rig["lbs_weights"][:, 2] > 0) | np.any(rig["posedirs"] != 0, axis=(1, 2))
    assert moved.any() and not (moved & ~touched).any()


# --------------------------------------------------------------------------------------------
# Gaussian transform


def test_face_frames_second_route(rig, cases):
    v = cases["case5_vertices"].astype(np.float64)
    f = rig["faces"].astype(np.int64)
    c, R, k = face_frames(v, f)
    e1 = v[f[:, 1]] - v[f[:, 0]]
    e2 = v[f[:, 2]] - v[f[:, 0]]
    a0 = e1 / np.linalg.norm(e1, axis=1, keepdims=True)
    n = np.cross(e1, e2)
    a1 = n / np.linalg.norm(n, axis=1, keepdims=True)
    e2_perp = e2 - np.sum(e2 * a0, axis=1, keepdims=True) * a0
    a2 = -e2_perp / np.linalg.norm(e2_perp, axis=1, keepdims=True)  # = -normalize(cross(a1, a0))
    np.testing.assert_allclose(R, np.stack([a0, a1, a2], axis=-1), atol=1e-9)
    np.testing.assert_allclose(np.linalg.det(R), 1.0, atol=1e-9)
    np.testing.assert_allclose(k, (np.linalg.norm(e1, axis=1) + np.linalg.norm(e2_perp, axis=1)) / 2, atol=1e-12)
    np.testing.assert_allclose(c, v[f].mean(axis=1), atol=1e-15)


def test_quaternions_second_route():
    rng = np.random.default_rng(5)
    Rm = Rotation.random(300, random_state=6).as_matrix()
    q = quat_from_matrix(Rm)
    sq = Rotation.from_matrix(Rm).as_quat()  # x y z w
    sq = np.concatenate([sq[:, 3:], sq[:, :3]], axis=1)
    sq *= np.sign(sq[:, :1])
    np.testing.assert_allclose(q, sq, atol=1e-12)
    a, b = rng.normal(size=(50, 4)), rng.normal(size=(50, 4))
    ab = quat_multiply(a, b)
    ra = Rotation.from_quat(np.concatenate([a[:, 1:], a[:, :1]], axis=1))
    rb = Rotation.from_quat(np.concatenate([b[:, 1:], b[:, :1]], axis=1))
    rab = Rotation.from_quat(np.concatenate([ab[:, 1:], ab[:, :1]], axis=1))
    np.testing.assert_allclose(rab.as_matrix(), (ra * rb).as_matrix(), atol=1e-12)


def test_gaussians_fixture_second_route(rig, cases):
    with np.load(FLAME_DIR / "gaussians.npz") as z:
        g = {k: z[k] for k in z.files}
    k = int(g["case_index"][0])
    np.testing.assert_array_equal(g["posed_vertices"], cases[f"case{k}_vertices"])
    np.testing.assert_array_equal(g["pose"], cases[f"case{k}_pose"])
    v = g["posed_vertices"].astype(np.float64)
    f = rig["faces"].astype(np.int64)
    b = g["binding"].astype(np.int64)
    tri = v[f[b]]  # (N,3,3)
    e1, e2 = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    a0 = e1 / np.linalg.norm(e1, axis=1, keepdims=True)
    a1 = np.cross(e1, e2)
    a1 /= np.linalg.norm(a1, axis=1, keepdims=True)
    a2 = np.cross(a0, a1)
    Rf = np.stack([a0, a1, a2], axis=-1)
    kf = (np.linalg.norm(e1, axis=1) + np.abs(np.sum(a2 * e2, axis=1))) / 2
    world = np.einsum("nab,nb->na", Rf, g["xyz"].astype(np.float64)) * kf[:, None] + tri.mean(axis=1)
    np.testing.assert_allclose(g["world_xyz"], world, atol=1e-6)
    np.testing.assert_allclose(g["world_scale"], np.exp(g["log_scale"].astype(np.float64)) * kf[:, None],
                               rtol=2e-6)
    np.testing.assert_allclose(g["face_scale"][b], kf, rtol=2e-6)
    ql = g["quat"].astype(np.float64)
    local = Rotation.from_quat(np.concatenate([ql[:, 1:], ql[:, :1]], axis=1))  # scipy normalises
    world_rot = Rotation.from_matrix(Rf) * local
    wq = world_rot.as_quat()
    wq = np.concatenate([wq[:, 3:], wq[:, :3]], axis=1)
    wq *= np.sign(wq[:, :1])
    np.testing.assert_allclose(g["world_quat"], wq, atol=2e-6)
    assert np.all(g["world_quat"][:, 0] >= 0)
    np.testing.assert_allclose(np.linalg.norm(g["world_quat"], axis=1), 1.0, atol=1e-6)
    # barycentric binding
    tri_b = v[f[g["bary_face"].astype(np.int64)]]
    np.testing.assert_allclose(g["bary_world_xyz"], np.einsum("mi,mia->ma", g["bary_coords"].astype(np.float64), tri_b),
                               atol=1e-7)
    np.testing.assert_allclose(g["bary_coords"].sum(axis=1), 1.0, atol=1e-6)


def test_avatar_fixture(rig):
    ply = read_3dgs_ply(AVATAR_DIR / "point_cloud.ply")
    names = list(ply)
    assert names[:9] == ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
    assert names[9:54] == [f"f_rest_{i}" for i in range(45)]
    assert names[54:] == ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3", "binding_0"]
    with np.load(AVATAR_DIR / "flame_param.npz") as z:
        params = {k: z[k] for k in z.files}
    with np.load(AVATAR_DIR / "expected.npz") as z:
        expected = {k: z[k] for k in z.files}
    T = params["expr"].shape[0]
    V = rig["v_template"].shape[0]
    assert params["shape"].shape == (20,) and params["expr"].shape == (T, 12)
    assert params["eyes_pose"].shape == (T, 6) and params["static_offset"].shape == (1, V, 3)
    assert params["dynamic_offset"].shape == (T, V, 3) and not params["dynamic_offset"].any()
    binding = ply["binding_0"].astype(np.int64)
    xyz = np.stack([ply["x"], ply["y"], ply["z"]], axis=1)
    log_scale = np.stack([ply[f"scale_{i}"] for i in range(3)], axis=1)
    quat = np.stack([ply[f"rot_{i}"] for i in range(4)], axis=1)
    for t in range(T):
        verts = forward_loop(rig, params["shape"], params["expr"][t], pose_from_flame_param(params, t),
                             params["translation"][t], params["static_offset"][0])
        np.testing.assert_allclose(expected["vertices"][t], verts, atol=2e-6)
        wx, ws, wq, _ = transform_bound_gaussians(expected["vertices"][t], rig["faces"], binding, xyz, log_scale, quat)
        np.testing.assert_allclose(expected["world_xyz"][t], wx, atol=1e-6)
        np.testing.assert_allclose(expected["world_scale"][t], ws, rtol=1e-6)
        np.testing.assert_allclose(expected["world_quat"][t], wq, atol=1e-6)


def test_barycentric_corners(rig, cases):
    v = cases["case4_vertices"]
    f = rig["faces"]
    for i in range(3):
        bary = np.zeros((len(f), 3))
        bary[:, i] = 1.0
        np.testing.assert_array_equal(barycentric_points(v, f, np.arange(len(f)), bary), v[f[:, i]])


# --------------------------------------------------------------------------------------------
# the committed fixtures are what the generator makes


def test_fixtures_are_reproducible(tmp_path):
    make_fixtures.make_all(tmp_path, verbose=False)
    for rel in ("synthetic-flame/rig.npz", "synthetic-flame/cases.npz", "synthetic-flame/gaussians.npz",
                "synthetic-ga-avatar/flame_param.npz", "synthetic-ga-avatar/expected.npz"):
        with np.load(FIXTURES / rel) as committed, np.load(tmp_path / rel) as fresh:
            assert sorted(committed.files) == sorted(fresh.files), rel
            for key in committed.files:
                a, b = committed[key], fresh[key]
                assert a.dtype == b.dtype and a.shape == b.shape, f"{rel}:{key}"
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"{rel}:{key}")
    committed = read_3dgs_ply(FIXTURES / "synthetic-ga-avatar/point_cloud.ply")
    fresh = read_3dgs_ply(tmp_path / "synthetic-ga-avatar/point_cloud.ply")
    assert list(committed) == list(fresh)
    for key in committed:
        np.testing.assert_allclose(committed[key], fresh[key], rtol=1e-6, atol=1e-7)


def test_fixtures_are_small():
    total = sum(p.stat().st_size for p in FIXTURES.glob("synthetic-*/*"))
    assert total < 1_000_000
