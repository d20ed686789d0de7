"""MediaPipe Face Landmarker results → splatd ARKit drive values (numpy only).

This module never imports mediapipe or OpenCV: it reads the landmarker's results by duck
typing, so it can be tested (and used on recorded results) without them. `splatd-track`
(`splatd.cli.track`) runs the landmarker and publishes what this module computes.

Blendshapes
    With `output_face_blendshapes=True` the landmarker gives 52 categories per face:
    `_neutral` followed by 51 of the 52 ARKit names (camelCase; no `tongueOut`), in MediaPipe's
    own (alphabetical) order, `MEDIAPIPE_BLENDSHAPE_NAMES`. They are mapped **by name**, never by
    index, into ARKit's canonical order (`splatd.arkit.ARKIT_NAMES`), names matched in any
    letter case. `_neutral` is ignored. A name that is not an ARKit name is ignored and
    reported (`ArkitMapping.unknown`), so a future model with extra categories keeps working.
    A score that is NaN or infinite is dropped and reported (`ArkitMapping.dropped`): the name
    is not sent, so the daemon keeps its last value (the daemon refuses a frame holding NaN as
    a whole). Finite scores are clamped to 0…1. A name given twice keeps its last score.
    *Left/*Right refer to the subject's face (MediaPipe documents this; a mirrored picture
    inverts them).

Head pose
    With `output_facial_transformation_matrixes=True` it gives a 4×4 matrix per face that maps
    MediaPipe's canonical face model into its metric camera space: right-handed, camera at the
    origin looking down −z, +x towards the right of the picture, +y up, **in centimetres**
    (the canonical face model's unit; a face 45 cm from the camera has z ≈ −45).
    The canonical face model's axes are x towards the face's own left, y up, z out of the
    face: the axes of a splatd head pose (`splatd.arkit`: x towards the avatar's left, y up,
    z out of the face). A person facing the camera has their left on the picture's right, so
    for them camera space and face space coincide, and the matrix's rotation R is the head
    rotation in the avatar's frame as it is: turning one's head to one's own left turns the
    nose towards +x, a positive rotation about +y, which is a positive yaw for the daemon
    (the avatar turns to its own left); tipping the top of the head towards one's right is a
    positive rotation about +z, a positive roll; nodding down is a positive pitch.
    `head_pose_from_matrix` returns R as an axis-angle vector (radians) and the translation
    in metres (camera space, so the absolute position of the face in front of the camera;
    `splatd-track --translation` sends its change from the first tracked frame).

Mirroring (`mirror=True`)
    Makes the avatar move like the user's mirror image, as in a selfie preview: the x axis is
    flipped, R → S·R·S and t → S·t with S = diag(−1, 1, 1), i.e. the axis-angle vector
    (x, y, z) → (x, −y, −z) (yaw and roll change sign, pitch does not) and the head moves the
    other way sideways; *Left and *Right blendshapes swap (eyeBlinkLeft ↔ eyeBlinkRight,
    jawLeft ↔ jawRight, …). The same undoes a camera that already delivers mirrored pictures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .arkit import ARKIT_INDEX, ARKIT_NAMES, canonical_arkit_name

__all__ = [
    "MEDIAPIPE_BLENDSHAPE_NAMES", "NEUTRAL_CATEGORY", "CENTIMETRES_PER_METRE", "ArkitMapping", "HeadPose",
    "TrackedFace", "mirror_name", "categories_to_arkit", "rotation_from_matrix", "axis_angle_from_rotation",
    "head_pose_from_matrix", "face_from_result", "drive_frame",
]

# MediaPipe's blendshape categories in the order its model outputs them (the Blendshapes enum
# of mediapipe.tasks.python.vision.face_landmarker, and the names in face_landmarker.task).
# For reference and checks only: mapping goes by name.
MEDIAPIPE_BLENDSHAPE_NAMES: Tuple[str, ...] = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft", "eyeBlinkRight", "eyeLookDownLeft",
    "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft", "eyeLookOutRight",
    "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft", "eyeSquintRight", "eyeWideLeft", "eyeWideRight",
    "jawForward", "jawLeft", "jawOpen", "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight",
    "mouthFrownLeft", "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft",
    "mouthLowerDownRight", "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft",
    "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
    "noseSneerLeft", "noseSneerRight",
)
assert len(MEDIAPIPE_BLENDSHAPE_NAMES) == 52

NEUTRAL_CATEGORY = "_neutral"
CENTIMETRES_PER_METRE = 100.0

# The ARKit names MediaPipe produces: every one but tongueOut.
_MEDIAPIPE_ARKIT = frozenset(MEDIAPIPE_BLENDSHAPE_NAMES[1:])


def mirror_name(name: str) -> str:
    """The ARKit name of the other side: `eyeBlinkLeft` ↔ `eyeBlinkRight`, `jawLeft` ↔
    `jawRight`; names without a side are returned unchanged."""
    if name.endswith("Left"):
        return name[:-4] + "Right"
    if name.endswith("Right"):
        return name[:-5] + "Left"
    return name


@dataclass
class ArkitMapping:
    """One face's blendshapes in ARKit's canonical order.

    `weights`: 52 floats, 0…1 (0 where `present` is False); `present`: which of the 52 the
    landmarker gave a usable score for; `unknown`: category names that are not ARKit names
    (ignored); `dropped`: ARKit names whose score was NaN or infinite (left out)."""
    weights: np.ndarray
    present: np.ndarray
    unknown: Tuple[str, ...] = ()
    dropped: Tuple[str, ...] = ()

    @property
    def named(self) -> Dict[str, float]:
        """The present weights by ARKit name, in canonical order."""
        return {ARKIT_NAMES[i]: float(self.weights[i]) for i in np.flatnonzero(self.present)}

    @property
    def complete(self) -> bool:
        """True when every name MediaPipe produces is present (everything but tongueOut, which
        no MediaPipe model tracks, so that the full 52-vector can be sent with tongueOut 0)."""
        return all(self.present[ARKIT_INDEX[n]] for n in _MEDIAPIPE_ARKIT)


def _category_fields(category: Any) -> Tuple[str, float]:
    """(name, score) of a MediaPipe `Category`, a dict with `category_name`/`score`, or a
    (name, score) pair."""
    if isinstance(category, Mapping):
        return str(category["category_name"]), category["score"]
    if isinstance(category, (tuple, list)) and len(category) == 2:
        return str(category[0]), category[1]
    return str(category.category_name), category.score


def categories_to_arkit(categories: Iterable[Any], mirror: bool = False) -> ArkitMapping:
    """Maps one face's blendshape categories onto ARKit's canonical order by name (see the
    module docstring for `_neutral`, unknown names, NaN scores and mirroring)."""
    weights = np.zeros(52, dtype=np.float64)
    present = np.zeros(52, dtype=bool)
    unknown: List[str] = []
    dropped: List[str] = []
    for category in categories:
        raw_name, raw_score = _category_fields(category)
        if raw_name.strip() == NEUTRAL_CATEGORY:
            continue
        name = canonical_arkit_name(raw_name)
        if name is None:
            if raw_name not in unknown:
                unknown.append(raw_name)
            continue
        if mirror:
            name = mirror_name(name)
        index = ARKIT_INDEX[name]
        try:
            score = float(raw_score)
        except (TypeError, ValueError):
            score = math.nan
        if not math.isfinite(score):
            weights[index] = 0.0
            present[index] = False
            if name not in dropped:
                dropped.append(name)
            continue
        weights[index] = min(1.0, max(0.0, score))
        present[index] = True
        if name in dropped:  # a later valid score for the same name wins
            dropped.remove(name)
    return ArkitMapping(weights=weights, present=present, unknown=tuple(unknown), dropped=tuple(dropped))


@dataclass
class HeadPose:
    """`rotation`: axis-angle vector, radians, in the avatar's frame (x towards the avatar's
    left, y up, z out of the face); `translation`: the face's position in camera space,
    metres (x right in the picture, y up, z towards the viewer: z < 0 in front of the camera)."""
    rotation: np.ndarray
    translation: np.ndarray


def _matrix4(matrix: Any) -> np.ndarray:
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape == (16,):
        m = m.reshape(4, 4)  # row-major, as numpy gives it
    if m.shape != (4, 4):
        raise ValueError(f"a facial transformation matrix is 4x4, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError("the facial transformation matrix holds NaN or infinity")
    return m


def rotation_from_matrix(matrix: Any) -> np.ndarray:
    """The nearest rotation (3×3, det +1) to the upper-left 3×3 block of a 4×4 transform: any
    scale or shear from the pose fit is removed (SVD projection)."""
    m = _matrix4(matrix)
    u, s, vt = np.linalg.svd(m[:3, :3])
    if s[-1] <= 1e-9 * max(s[0], 1e-300):
        raise ValueError("the facial transformation matrix has a degenerate rotation block")
    d = np.sign(np.linalg.det(u @ vt))
    if d < 0:
        raise ValueError("the facial transformation matrix is a reflection, not a rotation")
    return u @ vt


def axis_angle_from_rotation(r: np.ndarray) -> np.ndarray:
    """The axis-angle vector (radians, angle 0…π) of a 3×3 rotation matrix."""
    r = np.asarray(r, dtype=np.float64)
    cos_angle = min(1.0, max(-1.0, (float(np.trace(r)) - 1.0) / 2.0))
    angle = math.acos(cos_angle)
    if angle < 1e-12:
        return np.zeros(3)
    v = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    if math.pi - angle > 1e-4:
        return v * (angle / (2.0 * math.sin(angle)))
    # Near 180°: the axis is the eigenvector of R + I's largest column; sign from v.
    b = (r + np.eye(3)) / 2.0
    k = int(np.argmax(np.diag(b)))
    axis = b[:, k] / math.sqrt(max(b[k, k], 1e-300))
    axis /= np.linalg.norm(axis)
    if float(np.dot(axis, v)) < 0:
        axis = -axis
    return axis * angle


_MIRROR = np.diag([-1.0, 1.0, 1.0])


def head_pose_from_matrix(matrix: Any, mirror: bool = False) -> HeadPose:
    """Head rotation (axis-angle, radians, avatar frame) and position (metres, camera space)
    from a MediaPipe facial transformation matrix (4×4, or 16 values row-major; centimetres).
    `mirror` flips the x axis: rotation (x, y, z) → (x, −y, −z), translation x → −x."""
    m = _matrix4(matrix)
    r = rotation_from_matrix(m)
    t = m[:3, 3] / CENTIMETRES_PER_METRE
    if mirror:
        r = _MIRROR @ r @ _MIRROR
        t = _MIRROR @ t
    return HeadPose(rotation=axis_angle_from_rotation(r), translation=t)


@dataclass
class TrackedFace:
    """What one landmarker result says about its first face: blendshapes (None when the result
    has none) and head pose (None when it has no transformation matrix)."""
    arkit: Optional[ArkitMapping]
    pose: Optional[HeadPose]
    faces: int = 1
    notes: List[str] = field(default_factory=list)


def face_from_result(result: Any, mirror: bool = False, face: int = 0) -> Optional[TrackedFace]:
    """Reads a `FaceLandmarkerResult` (or any object with `face_blendshapes` and
    `facial_transformation_matrixes` lists, one entry per face). None when the face is not
    there (no face in the picture)."""
    blendshapes = list(getattr(result, "face_blendshapes", None) or [])
    matrices = list(getattr(result, "facial_transformation_matrixes", None) or [])
    faces = max(len(blendshapes), len(matrices))
    if faces <= face:
        return None
    arkit = categories_to_arkit(blendshapes[face], mirror=mirror) if face < len(blendshapes) else None
    pose = None
    notes: List[str] = []
    if face < len(matrices) and np.asarray(matrices[face]).size:
        try:
            pose = head_pose_from_matrix(matrices[face], mirror=mirror)
        except ValueError as e:
            notes.append(str(e))
    return TrackedFace(arkit=arkit, pose=pose, faces=faces, notes=notes)


def drive_frame(avatar_id: str, arkit: Optional[ArkitMapping] = None, head_rotation: Optional[Sequence[float]] = None,
                head_translation: Optional[Sequence[float]] = None, sequence: int = 0, sender_time_us: int = 0):
    """A `splatd_pb2.DriveFrame` with ARKit values: all 52 `weights` when the mapping is
    complete (tongueOut, which MediaPipe does not track, at 0), else the present ones by name in
    `named` (the others keep the daemon's last value); plus head rotation/translation when
    given. sequence/sender_time_us 0 are filled in by `DrivePublisher.send`."""
    from .proto import splatd_pb2 as pb  # protobuf: the client's own dependency, not mediapipe's

    a = pb.ArkitValues()
    if arkit is not None:
        if arkit.complete:
            a.weights.extend(float(w) for w in arkit.weights)
        else:
            for name, value in arkit.named.items():
                a.named[name] = value
    if head_rotation is not None:
        x, y, z = (float(v) for v in head_rotation)
        a.head_rotation.CopyFrom(pb.Vec3(x=x, y=y, z=z))
    if head_translation is not None:
        x, y, z = (float(v) for v in head_translation)
        a.head_translation.CopyFrom(pb.Vec3(x=x, y=y, z=z))
    return pb.DriveFrame(avatar_id=avatar_id, sequence=int(sequence), sender_time_us=int(sender_time_us), arkit=a)
