"""splatd-track's mapping of MediaPipe Face Landmarker results onto ARKit drive frames.

Needs neither a daemon nor mediapipe: the landmarker outputs are replayed from
fixtures/mediapipe_face_landmarker.json (recorded by fixtures/record_mediapipe.py with the
real model) or built here from known rotations.
"""

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from splatd.arkit import ARKIT_INDEX, ARKIT_NAMES, axis_angle_from_ypr, rotation_matrix_from_ypr
from splatd.cli import track
from splatd.mediapipe_face import (
    MEDIAPIPE_BLENDSHAPE_NAMES, categories_to_arkit, drive_frame, face_from_result, head_pose_from_matrix,
    mirror_name,
)
from splatd.proto import splatd_pb2 as pb

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mediapipe_face_landmarker.json"
RECORDED = json.loads(FIXTURE.read_text())
VIEWS = {frame["name"]: frame for frame in RECORDED["frames"]}


def categories(view):
    """The view's categories as MediaPipe gives them: objects with index, category_name, score."""
    return [SimpleNamespace(**c) for c in VIEWS[view]["blendshapes"]]


def result(view, face=True, matrix=True):
    """A stand-in for mediapipe's FaceLandmarkerResult of a recorded view."""
    if not face:
        return SimpleNamespace(face_landmarks=[], face_blendshapes=[], facial_transformation_matrixes=[])
    return SimpleNamespace(face_landmarks=[[]], face_blendshapes=[categories(view)],
                           facial_transformation_matrixes=[np.array(VIEWS[view]["facial_transformation_matrix"])] if matrix else [])


def transform(r, t_cm=(0.0, 0.0, -50.0)):
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = t_cm
    return m


def degrees(v):
    return np.degrees(np.asarray(v))


# ─── the recorded fixture itself ──────────────────────────────────────────────

def test_fixture_has_mediapipes_52_categories_in_its_order():
    for frame in RECORDED["frames"]:
        names = [c["category_name"] for c in frame["blendshapes"]]
        assert [c["index"] for c in frame["blendshapes"]] == list(range(52))
        assert tuple(names) == MEDIAPIPE_BLENDSHAPE_NAMES
    assert MEDIAPIPE_BLENDSHAPE_NAMES[0] == "_neutral"
    # the other 51 are ARKit names, every one but tongueOut, in an order that is not ARKit's
    assert set(MEDIAPIPE_BLENDSHAPE_NAMES[1:]) == set(ARKIT_NAMES) - {"tongueOut"}
    assert list(MEDIAPIPE_BLENDSHAPE_NAMES[1:]) != [n for n in ARKIT_NAMES if n != "tongueOut"]


# ─── blendshapes ──────────────────────────────────────────────────────────────

def test_blendshapes_map_by_name_into_arkit_order():
    m = categories_to_arkit(categories("frontal"))
    scores = {c["category_name"]: c["score"] for c in VIEWS["frontal"]["blendshapes"]}
    assert m.weights.shape == (52,) and m.present.shape == (52,)
    for i, name in enumerate(ARKIT_NAMES):
        if name == "tongueOut":
            assert not m.present[i] and m.weights[i] == 0.0
        else:
            assert m.present[i]
            assert m.weights[i] == pytest.approx(min(1.0, max(0.0, scores[name])))
    assert m.complete and m.unknown == () and m.dropped == ()
    # an index-for-index copy would put MediaPipe's jawOpen (index 25) at ARKit's index 25
    # (mouthFrownLeft): make sure the values really moved
    index_copy = np.array([c["score"] for c in VIEWS["frontal"]["blendshapes"][1:]] + [0.0])
    assert not np.allclose(index_copy, m.weights)
    assert m.weights[ARKIT_INDEX["jawOpen"]] == pytest.approx(scores["jawOpen"])
    assert m.weights[ARKIT_INDEX["eyeSquintRight"]] == pytest.approx(scores["eyeSquintRight"])


@pytest.mark.parametrize("seed", range(5))
def test_shuffled_categories_give_the_same_vector(seed):
    cats = categories("frontal")
    reference = categories_to_arkit(cats)
    rng = np.random.default_rng(seed)
    shuffled = [cats[i] for i in rng.permutation(len(cats))]
    m = categories_to_arkit(shuffled)
    assert np.array_equal(m.weights, reference.weights)
    assert np.array_equal(m.present, reference.present)


def test_neutral_is_ignored():
    cats = categories("frontal")
    reference = categories_to_arkit(cats)
    loud = [SimpleNamespace(index=0, category_name="_neutral", score=1.0)] + cats[1:]
    assert np.array_equal(categories_to_arkit(loud).weights, reference.weights)
    only = categories_to_arkit([{"index": 0, "category_name": "_neutral", "score": 0.9}])
    assert not only.present.any() and only.unknown == () and only.dropped == ()


def test_category_forms_and_letter_case():
    a = categories_to_arkit([{"category_name": "jawOpen", "score": 0.4}])
    b = categories_to_arkit([("JawOpen", 0.4)])
    c = categories_to_arkit([SimpleNamespace(category_name="JAWOPEN", score=0.4)])
    for m in (a, b, c):
        assert m.named == {"jawOpen": pytest.approx(0.4)}
        assert not m.complete


def test_unknown_names_are_ignored_and_reported():
    cats = categories("frontal")
    reference = categories_to_arkit(cats)
    extra = cats + [SimpleNamespace(index=52, category_name="tongueWag", score=0.7),
                    SimpleNamespace(index=53, category_name="HeadYaw", score=0.3),
                    SimpleNamespace(index=54, category_name="tongueWag", score=0.1)]
    m = categories_to_arkit(extra)
    assert m.unknown == ("tongueWag", "HeadYaw")
    assert np.array_equal(m.weights, reference.weights) and np.array_equal(m.present, reference.present)


def test_nan_and_infinite_scores_are_dropped_and_others_clamped():
    cats = [dict(c) for c in VIEWS["frontal"]["blendshapes"]]
    by_name = {c["category_name"]: c for c in cats}
    by_name["jawOpen"]["score"] = float("nan")
    by_name["eyeBlinkLeft"]["score"] = float("inf")
    by_name["mouthClose"]["score"] = None
    by_name["cheekPuff"]["score"] = 1.7
    by_name["browInnerUp"]["score"] = -0.2
    m = categories_to_arkit(cats)
    assert set(m.dropped) == {"jawOpen", "eyeBlinkLeft", "mouthClose"}
    for name in m.dropped:
        assert not m.present[ARKIT_INDEX[name]] and m.weights[ARKIT_INDEX[name]] == 0.0
    assert m.weights[ARKIT_INDEX["cheekPuff"]] == 1.0
    assert m.weights[ARKIT_INDEX["browInnerUp"]] == 0.0
    assert np.all(np.isfinite(m.weights)) and np.all((m.weights >= 0) & (m.weights <= 1))
    assert not m.complete
    assert set(m.named) == set(ARKIT_NAMES) - {"tongueOut", "jawOpen", "eyeBlinkLeft", "mouthClose"}
    # a later valid score for the same name wins over an earlier NaN
    again = categories_to_arkit([("jawOpen", float("nan")), ("jawOpen", 0.25)])
    assert again.dropped == () and again.named == {"jawOpen": 0.25}


def test_mirror_swaps_left_and_right():
    assert mirror_name("eyeBlinkLeft") == "eyeBlinkRight"
    assert mirror_name("mouthRight") == "mouthLeft"
    assert mirror_name("jawOpen") == "jawOpen"
    for name in ARKIT_NAMES:
        assert mirror_name(name) in ARKIT_INDEX and mirror_name(mirror_name(name)) == name
    plain = categories_to_arkit(categories("frontal"))
    mirrored = categories_to_arkit(categories("frontal"), mirror=True)
    for name in ARKIT_NAMES:
        assert mirrored.weights[ARKIT_INDEX[mirror_name(name)]] == plain.weights[ARKIT_INDEX[name]]
    # the recorded face is asymmetric enough for the swap to show
    assert mirrored.weights[ARKIT_INDEX["eyeLookInLeft"]] == plain.weights[ARKIT_INDEX["eyeLookInRight"]]
    assert plain.weights[ARKIT_INDEX["eyeLookInLeft"]] != plain.weights[ARKIT_INDEX["eyeLookInRight"]]
    wink = categories_to_arkit([("eyeBlinkLeft", 1.0), ("eyeBlinkRight", 0.0)], mirror=True)
    assert wink.named == {"eyeBlinkRight": 1.0, "eyeBlinkLeft": 0.0}


# ─── head pose from the transformation matrix ─────────────────────────────────

YPR_DEGREES = [(0, 0, 0), (25, 0, 0), (-25, 0, 0), (0, 15, 0), (0, -15, 0), (0, 0, 20), (0, 0, -20),
               (30, -10, 5), (-40, 20, -15), (70, 35, -30), (170, 5, 0)]


@pytest.mark.parametrize("ypr", YPR_DEGREES)
def test_known_rotations_come_back_as_the_daemons_axis_angle(ypr):
    yaw, pitch, roll = np.radians(ypr)
    r = np.array(rotation_matrix_from_ypr(yaw, pitch, roll))
    # independent check of the construction: R = Ry(yaw)·Rx(pitch)·Rz(roll) (intrinsic YXZ)
    assert np.allclose(r, Rotation.from_euler("YXZ", [yaw, pitch, roll]).as_matrix(), atol=1e-12)
    pose = head_pose_from_matrix(transform(r, (4.0, -3.0, -55.0)))
    assert np.allclose(pose.rotation, Rotation.from_matrix(r).as_rotvec(), atol=1e-9)
    assert np.allclose(pose.rotation, axis_angle_from_ypr(*ypr, degrees=True), atol=1e-9)
    assert np.allclose(pose.translation, (0.04, -0.03, -0.55))  # centimetres → metres


def test_turning_to_ones_own_left_is_positive_yaw_and_mirror_flips_it():
    # The canonical face looks down +z with its left towards +x; a person facing the camera
    # who turns to their own left swings the nose towards the camera's +x (the picture's right,
    # their left). Build that rotation from the nose direction alone, not from yaw/pitch/roll.
    theta = math.radians(30)
    nose = np.array([math.sin(theta), 0.0, math.cos(theta)])
    r = np.column_stack([np.cross([0.0, 1.0, 0.0], nose), [0.0, 1.0, 0.0], nose])
    assert np.isclose(np.linalg.det(r), 1.0)
    pose = head_pose_from_matrix(transform(r))
    assert pose.rotation[1] > 0
    assert np.allclose(pose.rotation, (0, theta, 0), atol=1e-9)
    # the daemon: positive yaw turns the face towards the avatar's own left (+x)
    daemon_nose = np.array(rotation_matrix_from_ypr(theta, 0, 0)) @ [0, 0, 1]
    assert np.allclose(daemon_nose, nose)
    mirrored = head_pose_from_matrix(transform(r), mirror=True)
    assert np.allclose(mirrored.rotation, (0, -theta, 0), atol=1e-9)


def test_nodding_down_is_positive_pitch_and_tilting_right_is_positive_roll():
    down = head_pose_from_matrix(transform(Rotation.from_rotvec([0.3, 0, 0]).as_matrix()))
    nose = Rotation.from_rotvec(down.rotation).apply([0, 0, 1])
    assert nose[1] < 0 and down.rotation[0] > 0  # the nose goes down
    right = head_pose_from_matrix(transform(Rotation.from_rotvec([0, 0, 0.3]).as_matrix()))
    top = Rotation.from_rotvec(right.rotation).apply([0, 1, 0])
    assert top[0] < 0 and right.rotation[2] > 0  # the top of the head goes towards the face's right (−x)


@pytest.mark.parametrize("ypr", YPR_DEGREES)
def test_mirror_negates_yaw_and_roll_keeps_pitch(ypr):
    r = np.array(rotation_matrix_from_ypr(*np.radians(ypr)))
    m = transform(r, (6.0, 2.0, -40.0))
    plain = head_pose_from_matrix(m)
    mirrored = head_pose_from_matrix(m, mirror=True)
    assert np.allclose(mirrored.rotation, plain.rotation * [1, -1, -1], atol=1e-9)
    assert np.allclose(mirrored.translation, plain.translation * [-1, 1, 1])
    # and the mirrored pose is the yaw/pitch/roll with yaw and roll negated
    assert np.allclose(Rotation.from_rotvec(mirrored.rotation).as_matrix(),
                       rotation_matrix_from_ypr(-math.radians(ypr[0]), math.radians(ypr[1]), -math.radians(ypr[2])),
                       atol=1e-9)


def test_matrix_forms_scale_and_bad_matrices():
    r = np.array(rotation_matrix_from_ypr(0.4, -0.2, 0.1))
    m = transform(r, (1.0, 2.0, -30.0))
    reference = head_pose_from_matrix(m)
    flat = head_pose_from_matrix(m.reshape(-1).tolist())
    assert np.allclose(flat.rotation, reference.rotation) and np.allclose(flat.translation, reference.translation)
    scaled = m.copy()
    scaled[:3, :3] *= 1.3  # a pose fit with scale: the rotation is unchanged
    assert np.allclose(head_pose_from_matrix(scaled).rotation, reference.rotation, atol=1e-9)
    noisy = m.copy()
    noisy[:3, :3] += np.random.default_rng(1).normal(0, 1e-3, (3, 3))
    assert np.allclose(head_pose_from_matrix(noisy).rotation, reference.rotation, atol=5e-3)
    bad = m.copy()
    bad[1, 1] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        head_pose_from_matrix(bad)
    with pytest.raises(ValueError, match="4x4"):
        head_pose_from_matrix(np.eye(3))
    with pytest.raises(ValueError, match="reflection"):
        head_pose_from_matrix(transform(np.diag([-1.0, 1.0, 1.0])))
    with pytest.raises(ValueError, match="degenerate"):
        head_pose_from_matrix(transform(np.zeros((3, 3))))


def test_recorded_poses_turn_the_documented_way():
    pose = {name: head_pose_from_matrix(frame["facial_transformation_matrix"]) for name, frame in VIEWS.items()}
    frontal = pose["frontal"]
    # a portrait about 40 cm in front of the (virtual) camera, nearly straight
    assert -0.6 < frontal.translation[2] < -0.3
    assert np.linalg.norm(frontal.rotation) < math.radians(10)
    # the landmarker's left eye (the face's own left) is on the picture's right (+x), in the
    # mirrored picture too (the person it shows has their left there): the fact that makes
    # camera space and face space coincide for a face looking at the camera
    for frame in VIEWS.values():
        assert frame["left_eye_corner_x"] > frame["right_eye_corner_x"]
    # the picture turned counter-clockwise on the screen tips the top of the head towards the
    # subject's right: positive roll, by about the angle turned
    assert degrees(pose["roll_ccw_20"].rotation[2] - frontal.rotation[2]) == pytest.approx(20, abs=4)
    assert degrees(pose["roll_cw_20"].rotation[2] - frontal.rotation[2]) == pytest.approx(-20, abs=4)
    # the photo turned like a card towards the subject's left: positive yaw (a flat photo
    # turns the estimated head less than the card, but the same way)
    assert degrees(pose["turn_left_35"].rotation[1] - frontal.rotation[1]) > 2
    assert degrees(pose["turn_right_35"].rotation[1] - frontal.rotation[1]) < -2
    # a mirrored picture, mirrored back, gives the frontal pose again
    unmirrored = head_pose_from_matrix(VIEWS["mirrored"]["facial_transformation_matrix"], mirror=True)
    assert np.allclose(degrees(unmirrored.rotation), degrees(frontal.rotation), atol=2.5)
    assert np.allclose(unmirrored.translation, frontal.translation, atol=0.01)
    # and --mirror on the turned photos turns the other way
    for name, sign in (("turn_left_35", -1), ("roll_ccw_20", -1)):
        axis = 1 if name.startswith("turn") else 2
        m = head_pose_from_matrix(VIEWS[name]["facial_transformation_matrix"], mirror=True)
        f = head_pose_from_matrix(VIEWS["frontal"]["facial_transformation_matrix"], mirror=True)
        assert sign * (m.rotation[axis] - f.rotation[axis]) > 0


# ─── landmarker results and drive frames ──────────────────────────────────────

def test_face_from_result():
    face = face_from_result(result("frontal"))
    assert face.faces == 1 and face.arkit.complete and face.pose is not None and face.notes == []
    assert face_from_result(result("frontal", face=False)) is None
    assert face_from_result(SimpleNamespace()) is None
    blend_only = face_from_result(result("frontal", matrix=False))
    assert blend_only.pose is None and blend_only.arkit.complete
    empty_matrix = SimpleNamespace(face_blendshapes=[categories("frontal")], facial_transformation_matrixes=[np.empty((0,))])
    assert face_from_result(empty_matrix).pose is None
    nan_matrix = SimpleNamespace(face_blendshapes=[categories("frontal")],
                                 facial_transformation_matrixes=[np.full((4, 4), np.nan)])
    f = face_from_result(nan_matrix)
    assert f.pose is None and "NaN" in f.notes[0]
    mirrored = face_from_result(result("frontal"), mirror=True)
    assert np.allclose(mirrored.pose.rotation, face.pose.rotation * [1, -1, -1])


def check_daemon_would_accept(frame):
    """The daemon's validation (docs/protocol.md): 52 weights or none, known names, finite
    values within ±1.5, rotations within 2π, translations within 10 m."""
    assert frame.WhichOneof("values") == "arkit"
    a = frame.arkit
    assert len(a.weights) in (0, 52)
    assert all(math.isfinite(w) and 0 <= w <= 1 for w in a.weights)
    assert set(a.named) <= set(ARKIT_NAMES)
    assert all(math.isfinite(w) and 0 <= w <= 1 for w in a.named.values())
    if a.HasField("head_rotation"):
        v = np.array([a.head_rotation.x, a.head_rotation.y, a.head_rotation.z])
        assert np.all(np.isfinite(v)) and np.linalg.norm(v) <= 2 * math.pi
    if a.HasField("head_translation"):
        v = np.array([a.head_translation.x, a.head_translation.y, a.head_translation.z])
        assert np.all(np.isfinite(v)) and np.linalg.norm(v) <= 10


def test_drive_frame_with_all_weights():
    face = face_from_result(result("frontal"))
    frame = drive_frame("demo", face.arkit, head_rotation=face.pose.rotation, sequence=7, sender_time_us=123456789)
    frame = pb.DriveFrame.FromString(frame.SerializeToString())  # what the daemon decodes
    check_daemon_would_accept(frame)
    assert frame.avatar_id == "demo" and frame.sequence == 7 and frame.sender_time_us == 123456789
    assert list(frame.arkit.weights) == pytest.approx(face.arkit.weights.tolist(), abs=1e-6)
    assert frame.arkit.weights[ARKIT_INDEX["tongueOut"]] == 0.0
    assert len(frame.arkit.named) == 0
    assert (frame.arkit.head_rotation.x, frame.arkit.head_rotation.y, frame.arkit.head_rotation.z) == \
        pytest.approx(face.pose.rotation.tolist(), abs=1e-6)
    assert not frame.arkit.HasField("head_translation")
    assert not frame.arkit.HasField("left_eye_rotation") and not frame.HasField("flame")


def test_drive_frame_by_name_when_scores_were_dropped():
    cats = [dict(c) for c in VIEWS["frontal"]["blendshapes"]]
    cats[MEDIAPIPE_BLENDSHAPE_NAMES.index("jawOpen")]["score"] = float("nan")
    arkit = categories_to_arkit(cats)
    frame = drive_frame("alice", arkit, head_translation=(0.01, -0.02, 0.03))
    check_daemon_would_accept(frame)
    assert len(frame.arkit.weights) == 0
    assert set(frame.arkit.named) == set(ARKIT_NAMES) - {"jawOpen", "tongueOut"}
    assert frame.arkit.named["mouthSmileLeft"] == pytest.approx(arkit.weights[ARKIT_INDEX["mouthSmileLeft"]])
    assert frame.arkit.head_translation.z == pytest.approx(0.03)
    assert not frame.arkit.HasField("head_rotation")
    assert frame.sequence == 0 and frame.sender_time_us == 0  # DrivePublisher.send fills them in


def test_tracker_turns_results_into_frames():
    warnings = []
    tracker = track.Tracker("demo", translation=True, warn=warnings.append)
    first = tracker.frame_for(result("frontal"), capture_us=111)
    assert first.sender_time_us == 111 and len(first.arkit.weights) == 52
    t = first.arkit.head_translation
    assert (t.x, t.y, t.z) == (0.0, 0.0, 0.0)  # relative to the first tracked position
    assert tracker.frame_for(result("frontal", face=False)) is None
    moved = tracker.frame_for(result("mirrored"), capture_us=222)
    expected = (np.array(VIEWS["mirrored"]["facial_transformation_matrix"])[:3, 3]
                - np.array(VIEWS["frontal"]["facial_transformation_matrix"])[:3, 3]) / 100
    t = moved.arkit.head_translation
    assert (t.x, t.y, t.z) == pytest.approx(expected.tolist(), abs=1e-6)
    check_daemon_would_accept(moved)
    odd = result("frontal")
    odd.face_blendshapes[0].append(SimpleNamespace(index=52, category_name="sneezeLeft", score=0.5))
    tracker.frame_for(odd)
    tracker.frame_for(odd)
    assert tracker.results == 5 and tracker.frames == 4 and tracker.no_face == 1
    assert tracker.unknown_names == {"sneezeLeft"}
    assert len(warnings) == 1 and "sneezeLeft" in warnings[0]


def test_tracker_options():
    plain = track.Tracker("demo").frame_for(result("turn_left_35"))
    mirrored = track.Tracker("demo", mirror=True).frame_for(result("turn_left_35"))
    assert plain.arkit.head_rotation.y == pytest.approx(-mirrored.arkit.head_rotation.y)
    assert not plain.arkit.HasField("head_translation")  # translation is opt-in
    assert mirrored.arkit.weights[ARKIT_INDEX["eyeLookInLeft"]] == pytest.approx(plain.arkit.weights[ARKIT_INDEX["eyeLookInRight"]])
    no_head = track.Tracker("demo", head=False).frame_for(result("frontal"))
    assert not no_head.arkit.HasField("head_rotation") and len(no_head.arkit.weights) == 52
    # a face with neither usable blendshapes nor a pose sends nothing
    useless = SimpleNamespace(face_blendshapes=[[("_neutral", 1.0), ("jawOpen", float("nan"))]], facial_transformation_matrixes=[])
    tracker = track.Tracker("demo")
    assert tracker.frame_for(useless) is None and tracker.no_face == 1 and tracker.dropped_scores == 1


# ─── the command line, without mediapipe ──────────────────────────────────────

class FakeCapture:
    def __init__(self, pictures, fps=1000.0):
        self.pictures = list(pictures)
        self.fps = fps
        self.reads = 0

    def get(self, prop):
        return self.fps

    def grab(self):
        if not self.pictures:
            return False
        self.pictures.pop(0)
        return True

    def read(self):
        self.reads += 1
        if not self.pictures:
            return False, None
        return True, self.pictures.pop(0)


FAKE_CV2 = SimpleNamespace(CAP_PROP_FPS=5)


def test_pictures_from_a_video_and_a_failing_camera():
    stats = {"skipped": 0}
    got = list(track._pictures(FakeCapture(range(6), fps=200.0), FAKE_CV2, True, None, stats))
    timestamps = [ts for ts, _, _ in got]
    pictures = [p for _, _, p in got]
    # in order; any picture left out was skipped for being late (a busy machine), and counted
    assert pictures == sorted(pictures) and len(got) + stats["skipped"] == 6 and got
    assert timestamps == [p * 5 for p in pictures]  # the picture's time in the file, ms
    assert all(b > a for a, b in zip(timestamps, timestamps[1:]))
    assert all(us > 1_600_000_000_000_000 for _, us, _ in got)  # wall clock, µs
    with pytest.raises(RuntimeError, match="no picture"):
        list(track._pictures(FakeCapture([]), FAKE_CV2, False, None, {"skipped": 0}))


class SlowCamera(FakeCapture):
    def read(self):
        time.sleep(0.01)  # a 100 fps camera
        return super().read()


def test_fps_caps_the_pictures_given_out():
    stats = {"skipped": 0}
    got = []
    start = time.monotonic()
    with pytest.raises(RuntimeError):  # the fake camera runs dry at the end
        for item in track._pictures(SlowCamera(range(40)), FAKE_CV2, False, 20.0, stats):
            got.append(item)
            elapsed = time.monotonic() - start
    assert len(got) + stats["skipped"] == 40
    assert 2 <= len(got) <= elapsed * 20 + 2
    assert [p for _, _, p in got] == sorted(p for _, _, p in got)


def test_parser_defaults_and_environment(monkeypatch):
    monkeypatch.setenv("SPLATD_DRIVE", "tcp://10.1.2.3:5556")
    args = track.build_parser().parse_args(["--model", "m.task"])
    assert (args.model, args.camera, args.video, args.avatar, args.drive) == ("m.task", "0", None, "demo", "tcp://10.1.2.3:5556")
    assert not args.mirror and not args.translation and not args.no_head and args.fps is None and args.seconds is None
    with pytest.raises(SystemExit):
        track.build_parser().parse_args([])  # --model is required
    with pytest.raises(SystemExit):
        track.build_parser().parse_args(["--model", "m", "--camera", "1", "--video", "v.mp4"])
    assert track._parse_size("640x480") == (640, 480)
    with pytest.raises(ValueError):
        track._parse_size("640")


def test_main_explains_a_missing_model_or_mediapipe(tmp_path, monkeypatch, capsys):
    assert track.main(["--model", str(tmp_path / "nothing.task"), "--no-check"]) == 2
    assert "face_landmarker.task" in capsys.readouterr().err
    model = tmp_path / "face_landmarker.task"
    model.write_bytes(b"not really a model")

    def no_mediapipe():
        raise ImportError("No module named 'mediapipe'")

    monkeypatch.setattr(track, "_import_tracking", no_mediapipe)
    assert track.main(["--model", str(model), "--no-check"]) == 2
    assert "splatd[track]" in capsys.readouterr().err


def test_importing_the_mapping_and_the_command_loads_neither_mediapipe_nor_opencv():
    code = ("import sys, splatd.mediapipe_face, splatd.cli.track; "
            "bad = [m for m in ('mediapipe', 'cv2') if m in sys.modules]; "
            "assert not bad, bad")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_packaging_keeps_mediapipe_optional():
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python ≥ 3.11")
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["splatd-track"] == "splatd.cli.track:main"
    extras = project["optional-dependencies"]
    assert any(d.startswith("mediapipe") for d in extras["track"])
    for group in (project["dependencies"], extras["test"]):
        assert not any(d.startswith(("mediapipe", "opencv")) for d in group)
