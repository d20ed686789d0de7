#!/usr/bin/env python3
"""Renders a check image of demo-head.npz: the surface coloured by region (flat colours with a
little normal shading), front, three-quarter, side and a midline section, neutral and with one
blendshape applied. Needs matplotlib (only this checking tool does; splatd does not).

    python3 tools/demo-head/preview_demo_head.py [--npz PATH] [--target jawOpen] [-o preview.png]

Rendering: every triangle is sampled densely with points that are z-buffered into an
orthographic image (no painter's-order artefacts). A triangle takes the region of its corners'
majority.
"""

import argparse
from pathlib import Path

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_NPZ = HERE.parent.parent / "Sources" / "Animator" / "Resources" / "demo-head.npz"

# Colours per region label (see docs/formats.md).
PALETTE = np.array([
    [0.93, 0.76, 0.64],  # 0 skin
    [0.75, 0.33, 0.35],  # 1 lips
    [0.96, 0.96, 0.94],  # 2 sclera
    [0.25, 0.45, 0.65],  # 3 iris
    [0.03, 0.03, 0.03],  # 4 pupil
    [0.30, 0.20, 0.12],  # 5 eyebrow
    [0.35, 0.24, 0.14],  # 6 scalp
    [0.97, 0.95, 0.86],  # 7 teeth
    [0.55, 0.18, 0.20],  # 8 mouth interior
    [0.35, 0.22, 0.20],  # 9 eyelid line
    [0.45, 0.25, 0.22],  # 10 nostril
    [0.88, 0.70, 0.58],  # 11 neck
])


def load(path):
    z = np.load(path)
    names = bytes(z["target_names"]).decode().split("\n")
    return {k: z[k] for k in z.files}, names


def apply(rig, names, weights):
    v = rig["vertices"].astype(np.float64).copy()
    r = rig["target_ranges"]
    for k, n in enumerate(names):
        w = weights.get(n, 0.0)
        if w:
            s = slice(r[k], r[k + 1])
            v[rig["target_vertices"][s]] += w * rig["target_offsets"][s]
    return v


def face_colours(rig):
    fr = rig["regions"][rig["faces"]]
    lab = np.where(fr[:, 1] == fr[:, 2], fr[:, 1], fr[:, 0])
    return PALETTE[lab]


def render(v, faces, fcol, yaw=0.0, pitch=0.0, clip_x=None, px=0.0004,
           box=(-0.13, 0.13, -0.14, 0.13)):
    """Orthographic view along -z after turning the head by yaw (about +y, degrees; negative
    shows the subject's left) and pitch (about +x; negative looks from below). clip_x drops
    triangles whose centre has x > clip_x (a section)."""
    a, b = np.radians(yaw), np.radians(pitch)
    ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    if clip_x is not None:
        keep = v[faces][:, :, 0].mean(1) < clip_x
        faces, fcol = faces[keep], fcol[keep]
    t = (v @ (rx @ ry).T)[faces]
    e1, e2 = t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
    n = np.cross(e1, e2)
    area = 0.5 * np.linalg.norm(n, axis=1)
    n /= np.maximum(2 * area[:, None], 1e-20)
    cnt = np.maximum(1, np.ceil(4 * area / (px * px))).astype(int)
    idx = np.repeat(np.arange(len(faces)), cnt)
    rng = np.random.default_rng(0)
    u, w = rng.random(len(idx)), rng.random(len(idx))
    flip = u + w > 1
    u[flip], w[flip] = 1 - u[flip], 1 - w[flip]
    p = t[idx, 0] + u[:, None] * e1[idx] + w[:, None] * e2[idx]
    W, H = int((box[1] - box[0]) / px), int((box[3] - box[2]) / px)
    ix = ((p[:, 0] - box[0]) / px).astype(int)
    iy = ((box[3] - p[:, 1]) / px).astype(int)
    ok = (ix >= 0) & (ix < W) & (iy >= 0) & (iy < H)
    shade = 0.6 + 0.4 * np.abs(n[idx] @ np.array([0.2, 0.3, 0.93]))
    col = fcol[idx] * shade[:, None]
    order = np.argsort(p[ok, 2], kind="stable")            # far to near: near points win
    img = np.ones((H, W, 3))
    img[iy[ok][order], ix[ok][order]] = col[ok][order]
    return img


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", type=Path, default=DEFAULT_NPZ)
    ap.add_argument("--target", default="jawOpen", help="blendshape shown at weight 1")
    ap.add_argument("-o", "--output", type=Path, default=Path("demo-head-preview.png"))
    args = ap.parse_args()

    rig, names = load(args.npz)
    faces = rig["faces"]
    fcol = face_colours(rig)
    v0 = rig["vertices"].astype(np.float64)
    v1 = apply(rig, names, {args.target: 1.0})

    fig, axs = plt.subplots(2, 4, figsize=(20, 13))
    for row, (v, tag) in enumerate(((v0, "neutral"), (v1, f"{args.target} = 1"))):
        for col, (yaw, clip, title) in enumerate(((0, None, "front"),
                                                  (-35, None, "three-quarter (subject's left)"),
                                                  (-90, None, "left side"),
                                                  (-90, 0.002, "section x < 0.002"))):
            ax = axs[row, col]
            ax.imshow(render(v, faces, fcol, yaw, 0, clip), extent=(-0.13, 0.13, -0.14, 0.13))
            ax.set_title(f"{tag}: {title}", fontsize=9)
            ax.tick_params(labelsize=6)
    plt.tight_layout()
    plt.savefig(args.output, dpi=60)
    print(args.output)


if __name__ == "__main__":
    main()
