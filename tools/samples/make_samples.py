#!/usr/bin/env python3
"""Makes splatd's CC0 samples (samples/README.md says what they are):

    samples/take.csv      a 4 s Live Link Face take at 60 fps: speech-like jaw and lip shapes,
                          blinks, glances, brow raises and a slow head sway, all procedural
    samples/scene.ply     a static 3DGS scene: a ringed planet of 3600 Gaussians, 16 cm across
    samples/camera.json   a 512×512 camera that frames it, a little from above
    samples/camera-rig.json  three cameras around the demo head, for a multi-view stream

Deterministic: the same script gives byte-identical files. Needs Python 3 and numpy.

    python3 tools/samples/make_samples.py               # writes into samples/
    python3 tools/samples/make_samples.py --out-dir /tmp/samples
"""

import argparse
import json
import math
from pathlib import Path

import numpy as np

FPS = 60
SECONDS = 4.0

# Live Link Face's column order (not ARKit's canonical one: JawRight before JawLeft, MouthRight
# before MouthLeft), then the head and eye angles in radians.
LIVE_LINK_FACE_BLENDSHAPES = [
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft",
    "EyeWideLeft", "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight",
    "EyeSquintRight", "EyeWideRight", "JawForward", "JawRight", "JawLeft", "JawOpen", "MouthClose", "MouthFunnel",
    "MouthPucker", "MouthRight", "MouthLeft", "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft",
    "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight",
    "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft", "MouthPressRight",
    "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight", "BrowDownLeft",
    "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft",
    "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut",
]
ANGLES = ["HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll", "RightEyeYaw",
          "RightEyePitch", "RightEyeRoll"]

# Syllables of a short phrase: (start s, length s, open, funnel, pucker, smile, stretch).
SYLLABLES = [
    (0.40, 0.22, 0.55, 0.00, 0.00, 0.30, 0.20),  # "hel"
    (0.62, 0.20, 0.35, 0.30, 0.10, 0.10, 0.00),  # "lo"
    (0.95, 0.25, 0.65, 0.00, 0.00, 0.10, 0.35),  # "I"
    (1.25, 0.18, 0.30, 0.00, 0.00, 0.40, 0.30),  # "am"
    (1.50, 0.16, 0.25, 0.10, 0.00, 0.00, 0.10),  # "a"
    (1.72, 0.26, 0.45, 0.50, 0.45, 0.00, 0.00),  # "Gau"
    (1.98, 0.22, 0.40, 0.00, 0.00, 0.25, 0.25),  # "ssian"
    (2.35, 0.30, 0.60, 0.20, 0.00, 0.15, 0.10),  # "head"
]
BLINKS = [0.15, 1.55, 3.30]         # start of each blink, s
BLINK_SECONDS = 0.16


def bump(t, start, length):
    """0 outside [start, start + length], a raised-cosine hump inside (peak 1 in the middle)."""
    x = (t - start) / length
    return np.where((x > 0) & (x < 1), 0.5 - 0.5 * np.cos(2 * np.pi * np.clip(x, 0, 1)), 0.0)


def smoothstep(t, start, end):
    x = np.clip((t - start) / (end - start), 0, 1)
    return x * x * (3 - 2 * x)


def take():
    """The take's columns: name → values per frame."""
    t = np.arange(int(FPS * SECONDS)) / FPS
    w = {name: np.zeros_like(t) for name in LIVE_LINK_FACE_BLENDSHAPES + ANGLES}
    for start, length, jaw, funnel, pucker, smile, stretch in SYLLABLES:
        b = bump(t, start, length)
        w["JawOpen"] += jaw * b
        w["MouthFunnel"] += funnel * b
        w["MouthPucker"] += pucker * b
        for side in ("Left", "Right"):
            w["MouthSmile" + side] += smile * b
            w["MouthStretch" + side] += stretch * b
            w["MouthLowerDown" + side] += 0.4 * jaw * b
            w["MouthUpperUp" + side] += 0.2 * jaw * b
        w["MouthClose"] += 0.15 * jaw * bump(t, start + length * 0.6, length * 0.8)  # lips meet between syllables
    # A smile that grows after the phrase, and the cheeks that come with it.
    grin = 0.55 * smoothstep(t, 2.8, 3.4)
    for side in ("Left", "Right"):
        w["MouthSmile" + side] += grin
        w["CheekSquint" + side] += 0.5 * grin
        w["EyeSquint" + side] += 0.3 * grin
        w["MouthDimple" + side] += 0.2 * grin
    # Brows up on the stressed syllable ("Gau"), a frown-free face otherwise.
    brows = 0.6 * bump(t, 1.6, 0.7)
    w["BrowInnerUp"] += brows
    w["BrowOuterUpLeft"] += 0.8 * brows
    w["BrowOuterUpRight"] += 0.8 * brows
    # Blinks.
    for start in BLINKS:
        b = bump(t, start, BLINK_SECONDS)
        w["EyeBlinkLeft"] += b
        w["EyeBlinkRight"] += b
    # A glance to the subject's left at 2.0 s and back: blendshapes and eye angles agree.
    glance = smoothstep(t, 2.0, 2.15) - smoothstep(t, 2.7, 2.85)
    w["EyeLookOutLeft"] += 0.6 * glance
    w["EyeLookInRight"] += 0.6 * glance
    w["LeftEyeYaw"] += 0.25 * glance
    w["RightEyeYaw"] += 0.25 * glance
    # The head: a slow sway and a nod on "head" (radians).
    w["HeadYaw"] += 0.12 * np.sin(2 * np.pi * t / SECONDS)
    w["HeadPitch"] += 0.04 * np.sin(2 * np.pi * 0.5 * t) + 0.08 * bump(t, 2.3, 0.5)
    w["HeadRoll"] += 0.03 * np.sin(2 * np.pi * t / SECONDS + 1.0)
    for name in LIVE_LINK_FACE_BLENDSHAPES:
        w[name] = np.clip(w[name], 0, 1)
    return t, w


def timecode(frame, start_seconds=12 * 3600):
    """Live Link Face's HH:MM:SS:FF.fff at FPS frames per second."""
    seconds, ff = divmod(frame, FPS)
    s = start_seconds + seconds
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{ff:02d}.000"


def write_take(path: Path):
    t, w = take()
    header = ["Timecode", "BlendShapeCount"] + LIVE_LINK_FACE_BLENDSHAPES + ANGLES
    lines = [",".join(header)]
    for i in range(len(t)):
        values = [f"{w[name][i]:.4f}" for name in LIVE_LINK_FACE_BLENDSHAPES + ANGLES]
        lines.append(",".join([timecode(i), str(len(LIVE_LINK_FACE_BLENDSHAPES + ANGLES))] + values))
    path.write_text("\n".join(lines) + "\n")
    return len(t)


SH_C0 = 0.28209479177387814


def quaternion_z_to(normals):
    """(w, x, y, z) quaternions turning +z onto each unit normal."""
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(z, normals)
    cos = normals @ z
    q = np.concatenate([(1 + cos)[:, None], axis], axis=1)
    flipped = cos < -0.999999  # pointing down: a half turn about x
    q[flipped] = [0.0, 1.0, 0.0, 0.0]
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def planet(count=2200, radius=0.08):
    """Splats flattened onto a sphere (Fibonacci lattice), in latitude bands with a storm."""
    i = np.arange(count) + 0.5
    y = 1 - 2 * i / count
    r = np.sqrt(1 - y * y)
    phi = i * math.pi * (3 - math.sqrt(5))
    normals = np.stack([r * np.cos(phi), y, r * np.sin(phi)], axis=1)
    bands = np.array([[0.83, 0.69, 0.52], [0.62, 0.42, 0.30], [0.93, 0.86, 0.72], [0.71, 0.52, 0.36]])
    latitude = np.arcsin(y)
    colour = bands[(np.floor((latitude + math.pi / 2) / (math.pi / 11)).astype(int)) % len(bands)].copy()
    storm = np.exp(-(((latitude + 0.35) / 0.12) ** 2 + ((np.arctan2(normals[:, 0], normals[:, 2]) - 0.5) / 0.2) ** 2))
    colour = colour * (1 - storm[:, None]) + np.array([0.78, 0.30, 0.20]) * storm[:, None]
    spacing = radius * math.sqrt(4 * math.pi / count)
    scales = np.tile([0.75 * spacing, 0.75 * spacing, 0.12 * spacing], (count, 1))
    return normals * radius, colour, scales, quaternion_z_to(normals)


def ring(count=1400, inner=0.11, outer=0.15, tilt_degrees=20.0):
    """Splats flat in a tilted annulus, in pale bands with a gap."""
    rng = np.random.default_rng(7)
    u = rng.random(count)
    radius = np.sqrt(inner ** 2 + u * (outer ** 2 - inner ** 2))
    radius = np.where(np.abs(radius - 0.132) < 0.003, radius + 0.006, radius)  # a gap
    angle = rng.random(count) * 2 * math.pi
    flat = np.stack([radius * np.cos(angle), np.zeros(count), radius * np.sin(angle)], axis=1)
    a = math.radians(tilt_degrees)
    tilt = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    positions = flat @ tilt.T
    normal = tilt @ np.array([0.0, 1.0, 0.0])
    shade = 0.75 + 0.2 * np.sin((radius - inner) / (outer - inner) * 9)
    colour = np.clip(shade[:, None] * np.array([0.92, 0.86, 0.74]), 0, 1)
    spacing = math.sqrt(math.pi * (outer ** 2 - inner ** 2) / count)
    scales = np.tile([0.7 * spacing, 0.7 * spacing, 0.1 * spacing], (count, 1))
    return positions, colour, scales, quaternion_z_to(np.tile(normal, (count, 1)))


def write_scene(path: Path):
    parts = [planet(), ring()]
    xyz = np.concatenate([p[0] for p in parts])
    rgb = np.concatenate([p[1] for p in parts])
    scales = np.concatenate([p[2] for p in parts])
    quats = np.concatenate([p[3] for p in parts])
    count = len(xyz)
    names = ["x", "y", "z", "f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "scale_1", "scale_2",
             "rot_0", "rot_1", "rot_2", "rot_3"]
    opacity_logit = np.full((count, 1), math.log(0.95 / 0.05))
    data = np.concatenate([xyz, (rgb - 0.5) / SH_C0, opacity_logit, np.log(scales), quats], axis=1).astype("<f4")
    header = "ply\nformat binary_little_endian 1.0\ncomment splatd sample scene (CC0), tools/samples/make_samples.py\n"
    header += f"element vertex {count}\n" + "".join(f"property float {n}\n" for n in names) + "end_header\n"
    path.write_bytes(header.encode("ascii") + data.tobytes())
    return count


def look_at(eye, target):
    """The world→camera 4×4 matrix (OpenCV axes: x right, y down, z forward) of a camera at
    `eye` looking at `target` with +y up, rounded to 6 decimals."""
    eye, target = np.array(eye), np.array(target)
    forward = (target - eye) / np.linalg.norm(target - eye)
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    rotation = np.stack([right, down, forward])
    translation = -rotation @ eye
    return [[round(float(v), 6) for v in row] for row in np.vstack([np.hstack([rotation, translation[:, None]]), [0, 0, 0, 1]])]


def focal_length(size, fov_y_degrees):
    return round(size / 2 / math.tan(math.radians(fov_y_degrees) / 2), 3)


def write_camera(path: Path, eye=(0.0, 0.12, 0.62), target=(0.0, 0.0, 0.0), fov_y_degrees=32.0, size=512):
    """A pinhole camera in the layout of `splatd render --camera`, looking from `eye` at `target`."""
    focal = focal_length(size, fov_y_degrees)
    camera = {"width": size, "height": size, "fx": focal, "fy": focal, "cx": size / 2, "cy": size / 2,
              "viewmat_world_to_camera_row_major": look_at(eye, target)}
    path.write_text(json.dumps(camera, indent=2) + "\n")


def write_camera_rig(path: Path, spread_m=0.3, distance_m=1.0, head=(0.0, -0.007, 0.015), fov_y_degrees=20.0, size=256):
    """Three cameras a metre from the demo head, `spread_m` apart side to side, each aimed at
    the head, for views of `size`² — in the protobuf JSON form of splatd's CameraRig, which
    `splatctl open --camera-rig` reads (a 768×256 stream, or 256×256 per view)."""
    focal = focal_length(size, fov_y_degrees)
    cameras = [{"fx": focal, "fy": focal, "cx": size / 2, "cy": size / 2,
                "worldToCamera": [v for row in look_at((x, head[1], head[2] + distance_m), head) for v in row]}
               for x in (-spread_m, 0.0, spread_m)]
    path.write_text(json.dumps({"cameras": cameras}, indent=2) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", default=str(Path(__file__).resolve().parents[2] / "samples"),
                        help="where to write (default: the repository's samples/)")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = write_take(out / "take.csv")
    gaussians = write_scene(out / "scene.ply")
    write_camera(out / "camera.json")
    write_camera_rig(out / "camera-rig.json")
    print(f"wrote {out / 'take.csv'} ({rows} frames at {FPS} fps), {out / 'scene.ply'} ({gaussians} Gaussians), "
          f"{out / 'camera.json'}, {out / 'camera-rig.json'}")


if __name__ == "__main__":
    main()
