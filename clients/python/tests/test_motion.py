"""Motion files, ARKit helpers, image helpers and client-side checks (no daemon needed)."""

import math
import struct
import zlib

import numpy as np
import pytest

from splatd.arkit import ARKIT_NAMES, axis_angle_from_ypr, canonical_arkit_name, rotation_matrix_from_ypr
from splatd.cli.ctl import message_to_dict
from splatd.client import DrivePublisher, codec_value
from splatd.images import ImageError, decode_png, image_size, jpeg_size, png_size, raw_to_ppm
from splatd.motion import MotionError, load_motion, parse_timecode
from splatd.proto import splatd_pb2 as pb


def rodrigues(v):
    v = np.asarray(v, dtype=float)
    angle = np.linalg.norm(v)
    if angle < 1e-12:
        return np.eye(3)
    k = v / angle
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(angle) * K + (1 - math.cos(angle)) * K @ K


# ─── ARKit names and rotations ────────────────────────────────────────────────

def test_arkit_names_match_the_swift_list():
    from pathlib import Path

    swift = (Path(__file__).resolve().parents[3] / "Sources" / "SplatCore" / "ARKitNames.swift")
    if not swift.is_file():
        pytest.skip("not in a splatd checkout")
    import re

    names = re.findall(r'"([A-Za-z]+)"', swift.read_text())
    assert tuple(names) == ARKIT_NAMES


def test_canonical_names():
    assert canonical_arkit_name("JawOpen") == "jawOpen"
    assert canonical_arkit_name("EYEBLINKLEFT") == "eyeBlinkLeft"
    assert canonical_arkit_name("HeadYaw") is None


@pytest.mark.parametrize("ypr", [(0.3, 0, 0), (0, -0.4, 0), (0, 0, 0.2), (0.5, -0.3, 0.25), (3.0, 0.1, -0.2), (0, 0, 0)])
def test_axis_angle_round_trip(ypr):
    v = axis_angle_from_ypr(*ypr)
    assert np.allclose(rodrigues(v), np.array(rotation_matrix_from_ypr(*ypr)), atol=1e-9)


def test_yaw_is_about_up_axis_and_degrees():
    assert np.allclose(axis_angle_from_ypr(30, 0, 0, degrees=True), (0, math.radians(30), 0))
    assert np.allclose(axis_angle_from_ypr(0, 10, 0, degrees=True), (math.radians(10), 0, 0))
    assert np.allclose(axis_angle_from_ypr(0, 0, -5, degrees=True), (0, 0, math.radians(-5)))
    # Positive yaw turns the nose (+z) towards +x, the avatar's left.
    nose = np.array(rotation_matrix_from_ypr(0.5, 0, 0)) @ [0, 0, 1]
    assert nose[0] > 0


# ─── npz ──────────────────────────────────────────────────────────────────────

def test_flame_param_npz(tmp_path):
    t = 4
    path = tmp_path / "flame_param.npz"
    np.savez(path, shape=np.zeros(300, np.float32), static_offset=np.zeros((1, 10, 3), np.float32),
             expr=np.arange(t * 5, dtype=np.float32).reshape(t, 5) / 100, jaw_pose=np.full((t, 3), 0.1, np.float32),
             neck_pose=np.zeros((t, 3), np.float32), eyes_pose=np.tile(np.arange(6, dtype=np.float32) / 10, (t, 1)),
             rotation=np.zeros((1, 3), np.float32), translation=np.full((t, 3), 0.01, np.float32))
    m = load_motion(path)
    assert m.kind == "flame" and len(m) == t and m.fps is None
    assert any("shape" in n and "static_offset" in n for n in m.notes)
    f = m.frames[2]
    assert set(f) == {"expr", "jaw_pose", "neck_pose", "eyes_pose", "rotation", "translation"}
    assert f["expr"] == pytest.approx([0.10, 0.11, 0.12, 0.13, 0.14])
    assert f["rotation"] == [0.0, 0.0, 0.0]  # one row, repeated
    assert f["eyes_pose"] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])

    m = load_motion(path, ignore=["translation", "eyes_pose"])
    assert "translation" not in m.frames[0] and "eyes_pose" not in m.frames[0]


def test_npz_rate_and_errors(tmp_path):
    path = tmp_path / "motion.npz"
    np.savez(path, expr=np.zeros((3, 10)), fps=np.array(30.0))
    assert load_motion(path).fps == 30.0
    np.savez(path, expr=np.zeros((3, 10)), jaw_pose=np.zeros((2, 3)))
    with pytest.raises(MotionError, match="frame count"):
        load_motion(path)
    np.savez(path, jaw_pose=np.zeros((3, 4)))
    with pytest.raises(MotionError, match="jaw_pose"):
        load_motion(path)
    np.savez(path, shape=np.zeros(3))
    with pytest.raises(MotionError, match="no motion arrays"):
        load_motion(path)
    np.savez(path, expr=np.array([[np.nan]]))
    with pytest.raises(MotionError, match="NaN"):
        load_motion(path)


# ─── CSV ──────────────────────────────────────────────────────────────────────

def test_flame_csv(tmp_path):
    path = tmp_path / "flame.csv"
    path.write_text("time,expr_0,expr_2,jaw_x,jaw_y,jaw_z,rotation_x,rotation_y,rotation_z,eyelid_left,eyelid_right\n"
                    "0.00,0.5,-0.5,0.1,0,0,0,0.2,0,0,0\n"
                    "0.04,0.6,-0.4,0.2,0,0,0,0.3,0,1,1\n"
                    "0.08,0.7,-0.3,0.3,0,0,0,0.4,0,0,0\n")
    m = load_motion(path)
    assert m.kind == "flame" and len(m) == 3 and m.fps == pytest.approx(25.0)
    assert m.frames[1] == {"expr": [0.6, 0.0, -0.4], "jaw_pose": [0.2, 0, 0], "rotation": [0, 0.3, 0], "eyelids": [1, 1]}


def test_arkit_csv(tmp_path):
    path = tmp_path / "arkit.csv"
    path.write_text("frame,jawOpen,EyeBlinkLeft,head_yaw,head_pitch,head_roll\n"
                    "0,0.0,1.0,30,0,0\n"
                    "1,1.0,0.0,0,-10,0\n")
    m = load_motion(path)
    assert m.kind == "arkit" and m.fps is None
    assert m.frames[0]["weights"] == {"jawOpen": 0.0, "eyeBlinkLeft": 1.0}
    assert m.frames[0]["head_rotation"] == pytest.approx([0, math.radians(30), 0])
    assert m.frames[1]["head_rotation"] == pytest.approx([math.radians(-10), 0, 0])


def test_arkit_csv_all_52_become_the_vector(tmp_path):
    path = tmp_path / "all.csv"
    path.write_text(",".join(ARKIT_NAMES) + "\n" + ",".join(str(i / 100) for i in range(52)) + "\n")
    m = load_motion(path)
    assert m.frames[0]["weights"] == pytest.approx([i / 100 for i in range(52)])


def test_live_link_face_csv(tmp_path):
    names = [n[0].upper() + n[1:] for n in ARKIT_NAMES]
    extra = ["HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
             "RightEyeYaw", "RightEyePitch", "RightEyeRoll"]
    lines = [",".join(["Timecode", "BlendshapeCount"] + names + extra)]
    for i in range(120):  # two seconds at 60 fps
        s, ff = divmod(i, 60)
        values = [0.0] * 52
        values[ARKIT_NAMES.index("jawOpen")] = (i % 10) / 10
        lines.append(",".join([f"12:00:{s:02d}:{ff:02d}.000", "61"] + [str(v) for v in values]
                              + ["0.1", "0", "0", "0", "0", "0", "0", "0", "0"]))
    path = tmp_path / "MySlate_1_iPhone.csv"
    path.write_text("\n".join(lines) + "\n")
    m = load_motion(path)
    assert m.kind == "arkit" and len(m) == 120
    assert m.fps == pytest.approx(60.0)
    w = m.frames[3]["weights"]
    assert len(w) == 52 and w[ARKIT_NAMES.index("jawOpen")] == pytest.approx(0.3)
    assert m.frames[0]["head_rotation"] == pytest.approx([0, 0.1, 0])  # radians in Live Link Face files
    assert parse_timecode("01:02:03:04.5") == (3723, 4, 0.5)


@pytest.mark.parametrize("text, message", [
    ("jawOpen,expr_0\n1,2\n", "mixes"),
    ("jaw_x,jaw_y\n0,0\n", "without"),
    ("jawOpen,smile\n1,2\n", "unknown"),
    ("jawOpen\nabc\n", "not a number"),
    ("jawOpen\n", "no frames"),
    ("foo,bar\n1,2\n", "no ARKit or FLAME"),
    ("jawOpen,eyeBlinkLeft\n1\n", "cells"),
])
def test_csv_errors(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(MotionError, match=message):
        load_motion(path)


# ─── images ───────────────────────────────────────────────────────────────────

def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(img, filter_type):
    h, w, c = img.shape
    raw = b""
    previous = np.zeros(w * c, dtype=np.int32)
    for y in range(h):
        line = img[y].reshape(-1).astype(np.int32)
        out = np.zeros_like(line)
        for x in range(w * c):
            a = line[x - c] if x >= c else 0
            b = previous[x]
            d = previous[x - c] if x >= c else 0
            p = [0, a, b, (a + b) // 2, None][filter_type]
            if p is None:
                q = a + b - d
                pa, pb_, pc = abs(q - a), abs(q - b), abs(q - d)
                p = a if pa <= pb_ and pa <= pc else (b if pb_ <= pc else d)
            out[x] = (line[x] - p) & 0xFF
        raw += bytes([filter_type]) + out.astype(np.uint8).tobytes()
        previous = line
    colour = {1: 0, 3: 2, 4: 6}[c]
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


@pytest.mark.parametrize("filter_type", range(5))
@pytest.mark.parametrize("channels", [3, 4])
def test_decode_png(filter_type, channels):
    img = np.random.default_rng(filter_type).integers(0, 256, (6, 5, channels), dtype=np.uint8)
    data = _png(img, filter_type)
    assert png_size(data) == (5, 6) and image_size(data) == (5, 6)
    assert np.array_equal(decode_png(data), img)


def test_image_errors_and_sizes():
    with pytest.raises(ImageError):
        png_size(b"GIF89a")
    bad_crc = bytearray(_png(np.zeros((2, 2, 3), np.uint8), 0))
    bad_crc[-20] ^= 0xFF
    with pytest.raises(ImageError):
        decode_png(bytes(bad_crc))
    jpeg = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"ab" + b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 48, 64) + b"\x03"
    assert jpeg_size(jpeg) == (64, 48)
    assert raw_to_ppm(bytes(12), 2, 2).startswith(b"P6\n2 2\n255\n")


# ─── client-side checks ───────────────────────────────────────────────────────

def test_drive_publisher_checks_values_and_counts_sequences():
    with DrivePublisher("tcp://127.0.0.1:9") as drive:  # nothing listens: frames are just dropped
        assert not drive.wait_connected(timeout=0.2)
        with pytest.raises(ValueError, match="52"):
            drive.send_arkit("a", [0.0] * 51)
        with pytest.raises(ValueError, match="unknown ARKit"):
            drive.send_arkit("a", {"smile": 1.0})
        with pytest.raises(ValueError, match="3 values"):
            drive.send_flame("a", jaw_pose=[0, 0])
        with pytest.raises(ValueError, match="6 values"):
            drive.send_flame("a", eyes_pose=[0] * 3)
        f = drive.send_flame("a", expr=np.zeros(10), eyes_pose=np.arange(6).reshape(2, 3), eyelids=(0, 1))
        assert f.sequence == 1 and f.sender_time_us > 0
        eye = f.flame.right_eye_pose
        assert (eye.x, eye.y, eye.z) == (3, 4, 5) and list(f.flame.eyelids) == [0, 1]
        assert drive.send_arkit("a", {"JawOpen": 1}).arkit.named["jawOpen"] == 1
        assert drive.send_arkit("b", [0.5] * 52).sequence == 1  # per avatar
        assert drive.send_arkit("a", head_rotation=(0, 0.1, 0)).sequence == 3


def test_codec_names_and_json_defaults():
    assert codec_value("png") == pb.CODEC_PNG and codec_value("CODEC_RAW") == pb.CODEC_RAW and codec_value(0) == 0
    with pytest.raises(ValueError, match="unknown codec"):
        codec_value("gif")
    d = message_to_dict(pb.StreamInfo(stream_id="s", width=16))
    assert d["stream_id"] == "s" and d["width"] == 16 and d["codec"] == "CODEC_JPEG"  # defaults printed too
