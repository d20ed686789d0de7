"""Motion files → drive frames: GaussianAvatars `flame_param.npz` / motion npz, and CSV.

`load_motion(path)` returns a `Motion`: a list of frames, each a dict of keyword arguments for
`DrivePublisher.send_flame` (kind "flame") or `DrivePublisher.send_arkit` (kind "arkit"),
plus the file's frame rate when it says one.

npz (GaussianAvatars `flame_param.npz` or any motion npz), float arrays with T frames:
    expr (T,E)  jaw_pose (T,3)  neck_pose (T,3)  eyes_pose (T,6) = [left, right]
    rotation (T,3)  translation (T,3)  eyelids (T,2)   -- axis-angle radians, metres
    fps or frame_rate (scalar, optional)
    shape, static_offset, dynamic_offset: ignored (identity belongs to the avatar)
Arrays with one row are repeated for every frame.

CSV: a header row, then one row per frame; the layout is told by the column names.
    FLAME:  expr_0 … expr_N, jaw_x jaw_y jaw_z, neck_x …, left_eye_x …, right_eye_x …,
            rotation_x …, translation_x …, eyelid_left eyelid_right
            (axis-angle radians, metres; every column optional, triplets complete)
    ARKit:  any of the 52 ARKit names (eyeBlinkLeft … tongueOut, any letter case, weights 0…1),
            head_yaw head_pitch head_roll (degrees), head_x head_y head_z (metres),
            left_eye_yaw left_eye_pitch right_eye_yaw right_eye_pitch (degrees)
    Live Link Face export: Timecode, BlendshapeCount, EyeBlinkLeft … TongueOut, HeadYaw,
            HeadPitch, HeadRoll, LeftEyeYaw … RightEyeRoll (head and eye angles in radians)
    Both FLAME and ARKit layouts take an optional `time` column (seconds) that gives the rate;
    a `frame` column is ignored.
See docs/python-client.md for the exact conventions.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from .arkit import ARKIT_NAMES, axis_angle_from_ypr, canonical_arkit_name

FLAME_NPZ_KEYS = {"expr": None, "jaw_pose": 3, "neck_pose": 3, "eyes_pose": 6, "rotation": 3,
                  "translation": 3, "eyelids": 2}
IGNORED_NPZ_KEYS = ("shape", "static_offset", "dynamic_offset")
RATE_NPZ_KEYS = ("fps", "frame_rate", "framerate")

FLAME_TRIPLETS = {"jaw": "jaw_pose", "neck": "neck_pose", "left_eye": "left_eye_pose",
                  "right_eye": "right_eye_pose", "rotation": "rotation", "translation": "translation"}
META_COLUMNS = {"time", "frame"}
TIMECODE_RATES = (24, 25, 30, 48, 50, 60, 90, 100, 120, 240)


class MotionError(ValueError):
    pass


@dataclass
class Motion:
    kind: str                        # "flame" or "arkit"
    frames: List[Dict[str, object]]  # keyword arguments of send_flame / send_arkit
    fps: Optional[float] = None      # the file's own rate, if it says one
    source: str = ""
    notes: List[str] = field(default_factory=list)  # what was ignored, how the rate was found

    def __len__(self) -> int:
        return len(self.frames)


def load_motion(path, ignore: Sequence[str] = ()) -> Motion:
    """Loads an npz or CSV motion file. `ignore`: fields to leave out of every frame (e.g.
    "translation", "rotation", or an ARKit name)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".npz":
        motion = load_npz(p)
    elif suffix in (".csv", ".txt"):
        motion = load_csv(p)
    else:
        raise MotionError(f"{p}: unknown motion file type {suffix!r} (expected .npz or .csv)")
    if ignore:
        _drop_fields(motion, ignore)
    return motion


def _drop_fields(motion: Motion, ignore: Sequence[str]) -> None:
    names = set(ignore)
    if "eyes_pose" in names:
        names |= {"eyes_pose", "left_eye_pose", "right_eye_pose"}
    arkit_names = {canonical_arkit_name(n) for n in names} - {None}
    for frame in motion.frames:
        for n in list(frame):
            if n in names:
                del frame[n]
        weights = frame.get("weights")
        if arkit_names and isinstance(weights, dict):
            for n in arkit_names:
                weights.pop(n, None)
        elif arkit_names and weights is not None:
            w = list(weights)
            frame["weights"] = {ARKIT_NAMES[i]: v for i, v in enumerate(w) if ARKIT_NAMES[i] not in arkit_names}
    motion.notes.append("left out: " + ", ".join(sorted(ignore)))


# ─── npz ──────────────────────────────────────────────────────────────────────

def load_npz(path) -> Motion:
    p = Path(path)
    try:
        archive = np.load(p, allow_pickle=False)
    except Exception as e:
        raise MotionError(f"{p}: cannot read as npz: {e}") from None
    with archive:
        keys = set(archive.files)
        present = [k for k in FLAME_NPZ_KEYS if k in keys]
        if not present:
            raise MotionError(f"{p}: no motion arrays (expected some of {', '.join(FLAME_NPZ_KEYS)}; found {', '.join(sorted(keys)) or 'nothing'})")
        arrays = {}
        for k in present:
            a = np.asarray(archive[k])
            if not np.issubdtype(a.dtype, np.number):
                raise MotionError(f"{p}: {k} is not numeric ({a.dtype})")
            a = a.astype(np.float64)
            width = FLAME_NPZ_KEYS[k]
            if a.ndim == 1:
                a = a.reshape(1, -1)
            if a.ndim == 3 and k == "eyes_pose" and a.shape[1:] == (2, 3):
                a = a.reshape(a.shape[0], 6)
            if a.ndim != 2 or (width is not None and a.shape[1] != width):
                want = f"(T, {width})" if width else "(T, E)"
                raise MotionError(f"{p}: {k} has shape {a.shape}, expected {want}")
            if not np.all(np.isfinite(a)):
                raise MotionError(f"{p}: {k} holds NaN or infinity")
            arrays[k] = a
        fps = None
        for k in RATE_NPZ_KEYS:
            if k in keys:
                value = np.asarray(archive[k]).reshape(-1)
                if value.size == 1 and np.isfinite(value[0]) and value[0] > 0:
                    fps = float(value[0])
                    break
        ignored = sorted(keys - set(present) - set(RATE_NPZ_KEYS))
    lengths = {k: a.shape[0] for k, a in arrays.items()}
    t = max(lengths.values())
    bad = {k: n for k, n in lengths.items() if n not in (1, t)}
    if bad:
        raise MotionError(f"{p}: arrays disagree on the frame count: {', '.join(f'{k} {n}' for k, n in sorted(lengths.items()))}")
    frames = []
    for i in range(t):
        frame = {}
        for k, a in arrays.items():
            row = a[i if a.shape[0] > 1 else 0]
            frame[k] = [float(v) for v in row]
        frames.append(frame)
    notes = []
    if ignored:
        notes.append("ignored: " + ", ".join(ignored))
    if fps is not None:
        notes.append(f"rate {fps:g} fps from the file")
    return Motion("flame", frames, fps, str(p), notes)


# ─── CSV ──────────────────────────────────────────────────────────────────────

def _number(text: str, path, row: int, column: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise MotionError(f"{path}: row {row}, column {column}: {text!r} is not a number") from None
    if not math.isfinite(v):
        raise MotionError(f"{path}: row {row}, column {column}: {text!r} is not finite")
    return v


def _rate_from_times(times: List[float]) -> Optional[float]:
    if len(times) < 2:
        return None
    span = times[-1] - times[0]
    if span <= 0:
        return None
    return round((len(times) - 1) / span, 3)


def load_csv(path) -> Motion:
    p = Path(path)
    with open(p, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f) if any(cell.strip() for cell in r)]
    if not rows:
        raise MotionError(f"{p}: empty CSV")
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if not body:
        raise MotionError(f"{p}: a header row but no frames")
    for i, r in enumerate(body, start=2):
        if len(r) != len(header):
            raise MotionError(f"{p}: row {i} has {len(r)} cells, the header {len(header)}")
    lower = [h.lower() for h in header]
    if "timecode" in lower and "blendshapecount" in lower:
        return _load_live_link_face(p, header, body)
    arkit_columns = [h for h in header if canonical_arkit_name(h) is not None]
    flame_columns = [h for h in lower if h.startswith("expr_") or any(h.startswith(prefix + "_") for prefix in FLAME_TRIPLETS)
                     or h in ("eyelid_left", "eyelid_right")]
    if arkit_columns and flame_columns:
        raise MotionError(f"{p}: mixes ARKit columns ({arkit_columns[0]}, …) and FLAME columns ({flame_columns[0]}, …)")
    if arkit_columns or any(h.startswith("head_") for h in lower):
        return _load_arkit_csv(p, header, body)
    if flame_columns:
        return _load_flame_csv(p, header, body)
    raise MotionError(f"{p}: no ARKit or FLAME columns in the header ({', '.join(header[:6])}…); see docs/python-client.md")


def _times(p, lower: List[str], body) -> Optional[List[float]]:
    if "time" not in lower:
        return None
    j = lower.index("time")
    return [_number(r[j], p, i, "time") for i, r in enumerate(body, start=2)]


def _load_flame_csv(p: Path, header: List[str], body) -> Motion:
    lower = [h.lower() for h in header]
    columns: Dict[str, int] = {h: j for j, h in enumerate(lower)}
    expr_index: Dict[int, int] = {}
    used = set()
    for h, j in columns.items():
        m = re.fullmatch(r"expr_(\d+)", h)
        if m:
            expr_index[int(m.group(1))] = j
            used.add(h)
    triplets: Dict[str, List[int]] = {}
    for prefix, key in FLAME_TRIPLETS.items():
        names = [f"{prefix}_{axis}" for axis in "xyz"]
        have = [n for n in names if n in columns]
        if have and len(have) != 3:
            raise MotionError(f"{p}: {', '.join(have)} given without {', '.join(n for n in names if n not in columns)}")
        if have:
            triplets[key] = [columns[n] for n in names]
            used.update(names)
    eyelids = None
    if "eyelid_left" in columns or "eyelid_right" in columns:
        if not ("eyelid_left" in columns and "eyelid_right" in columns):
            raise MotionError(f"{p}: eyelid_left and eyelid_right go together")
        eyelids = [columns["eyelid_left"], columns["eyelid_right"]]
        used.update(("eyelid_left", "eyelid_right"))
    unknown = [header[j] for h, j in columns.items() if h not in used and h not in META_COLUMNS]
    if unknown:
        raise MotionError(f"{p}: unknown FLAME CSV columns: {', '.join(unknown)} (see docs/python-client.md)")
    n_expr = max(expr_index) + 1 if expr_index else 0
    frames = []
    for i, r in enumerate(body, start=2):
        frame: Dict[str, object] = {}
        if n_expr:
            expr = [0.0] * n_expr
            for k, j in expr_index.items():
                expr[k] = _number(r[j], p, i, header[j])
            frame["expr"] = expr
        for key, js in triplets.items():
            frame[key] = [_number(r[j], p, i, header[j]) for j in js]
        if eyelids:
            frame["eyelids"] = [_number(r[j], p, i, header[j]) for j in eyelids]
        frames.append(frame)
    fps = _rate_from_times(_times(p, lower, body) or [])
    notes = [f"FLAME CSV: {n_expr} expression coefficients, {', '.join(triplets) or 'no poses'}"]
    if fps:
        notes.append(f"rate {fps:g} fps from the time column")
    return Motion("flame", frames, fps, str(p), notes)


def _load_arkit_csv(p: Path, header: List[str], body) -> Motion:
    lower = [h.lower() for h in header]
    columns = {h: j for j, h in enumerate(lower)}
    weights: Dict[str, int] = {}
    for j, h in enumerate(header):
        name = canonical_arkit_name(h)
        if name is not None:
            weights[name] = j
    used = {h.lower() for h in weights}

    def group(names):
        have = [n for n in names if n in columns]
        if have and len(have) != len(names):
            raise MotionError(f"{p}: {', '.join(have)} given without {', '.join(n for n in names if n not in columns)}")
        used.update(have)
        return [columns[n] for n in names] if have else None

    head = group(["head_yaw", "head_pitch", "head_roll"])
    head_t = group(["head_x", "head_y", "head_z"])
    left_eye = group(["left_eye_yaw", "left_eye_pitch"])
    right_eye = group(["right_eye_yaw", "right_eye_pitch"])
    unknown = [header[j] for h, j in columns.items() if h not in used and h not in META_COLUMNS]
    if unknown:
        raise MotionError(f"{p}: unknown ARKit CSV columns: {', '.join(unknown)} (see docs/python-client.md)")
    frames = []
    for i, r in enumerate(body, start=2):
        values = {name: _number(r[j], p, i, header[j]) for name, j in weights.items()}
        frame: Dict[str, object] = {}
        if values:
            frame["weights"] = _full_or_named(values)
        if head:
            yaw, pitch, roll = (_number(r[j], p, i, header[j]) for j in head)
            frame["head_rotation"] = list(axis_angle_from_ypr(yaw, pitch, roll, degrees=True))
        if head_t:
            frame["head_translation"] = [_number(r[j], p, i, header[j]) for j in head_t]
        if left_eye:
            yaw, pitch = (_number(r[j], p, i, header[j]) for j in left_eye)
            frame["left_eye_rotation"] = list(axis_angle_from_ypr(yaw, pitch, 0.0, degrees=True))
        if right_eye:
            yaw, pitch = (_number(r[j], p, i, header[j]) for j in right_eye)
            frame["right_eye_rotation"] = list(axis_angle_from_ypr(yaw, pitch, 0.0, degrees=True))
        frames.append(frame)
    fps = _rate_from_times(_times(p, lower, body) or [])
    notes = [f"ARKit CSV: {len(weights)} blendshapes{', head rotation' if head else ''}"]
    if fps:
        notes.append(f"rate {fps:g} fps from the time column")
    return Motion("arkit", frames, fps, str(p), notes)


def _full_or_named(values: Dict[str, float]):
    """All 52 → the ordered vector (smaller on the wire); a subset → a name → weight dict."""
    if len(values) == 52:
        return [values[name] for name in ARKIT_NAMES]
    return dict(values)


_TIMECODE = re.compile(r"^(\d+):(\d+):(\d+)[:;.](\d+)(?:\.(\d+))?$")


def parse_timecode(text: str):
    """"HH:MM:SS:FF.sss" (Live Link Face) → (seconds, frames, fraction of a frame)."""
    m = _TIMECODE.match(text.strip())
    if not m:
        raise ValueError(f"not a timecode: {text!r}")
    h, mi, s, ff = (int(m.group(k)) for k in range(1, 5))
    frac = float("0." + m.group(5)) if m.group(5) else 0.0
    return h * 3600 + mi * 60 + s, ff, frac


def _load_live_link_face(p: Path, header: List[str], body) -> Motion:
    lower = [h.lower() for h in header]
    columns = {h: j for j, h in enumerate(lower)}
    weights: Dict[str, int] = {}
    for j, h in enumerate(header):
        name = canonical_arkit_name(h)
        if name is not None:
            weights[name] = j
    if not weights:
        raise MotionError(f"{p}: a Live Link Face header without blendshape columns")

    def have(names):
        return [columns[n] for n in names] if all(n in columns for n in names) else None

    head = have(["headyaw", "headpitch", "headroll"])
    left_eye = have(["lefteyeyaw", "lefteyepitch", "lefteyeroll"])
    right_eye = have(["righteyeyaw", "righteyepitch", "righteyeroll"])
    frames = []
    for i, r in enumerate(body, start=2):
        values = {name: _number(r[j], p, i, header[j]) for name, j in weights.items()}
        frame: Dict[str, object] = {"weights": _full_or_named(values)}
        if head:
            yaw, pitch, roll = (_number(r[j], p, i, header[j]) for j in head)
            frame["head_rotation"] = list(axis_angle_from_ypr(yaw, pitch, roll))
        if left_eye:
            yaw, pitch, roll = (_number(r[j], p, i, header[j]) for j in left_eye)
            frame["left_eye_rotation"] = list(axis_angle_from_ypr(yaw, pitch, roll))
        if right_eye:
            yaw, pitch, roll = (_number(r[j], p, i, header[j]) for j in right_eye)
            frame["right_eye_rotation"] = list(axis_angle_from_ypr(yaw, pitch, roll))
        frames.append(frame)
    notes = [f"Live Link Face CSV: {len(weights)} blendshapes{', head rotation' if head else ''}"]
    fps = None
    j = columns["timecode"]
    try:
        codes = [parse_timecode(r[j]) for r in body]
    except ValueError as e:
        notes.append(f"timecodes not understood ({e}); rate unknown")
        codes = []
    if len(codes) >= 2:
        top = max(ff for _, ff, _ in codes) + 1
        rate = next((r for r in TIMECODE_RATES if r >= top), top)
        times = [s + (ff + frac) / rate for s, ff, frac in codes]
        fps = _rate_from_times(times)
        if fps:
            notes.append(f"rate {fps:g} fps from the timecodes (timecode rate {rate})")
    return Motion("arkit", frames, fps, str(p), notes)
