"""ARKit-52 blendshape names and head-rotation helpers.

`ARKIT_NAMES` is ARKit's canonical order, the order of `ArkitValues.weights` on the wire (the
same list as `Sources/Protocol/ARKitNames.swift`).

Rotations on the wire are axis-angle vectors in radians, in the avatar's frame: x towards the
avatar's left, y up, z out of the face (FLAME's and ARKit's face-anchor axes).
`axis_angle_from_ypr` turns yaw/pitch/roll angles into such a vector.
"""

from __future__ import annotations

import math
from typing import Dict, Optional, Sequence, Tuple

ARKIT_NAMES: Tuple[str, ...] = (
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
    "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward",
    "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft",
    "mouthRight", "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft",
    "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
    "mouthUpperUpRight", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft",
    "noseSneerRight", "tongueOut",
)
assert len(ARKIT_NAMES) == 52

ARKIT_INDEX: Dict[str, int] = {name: i for i, name in enumerate(ARKIT_NAMES)}
_BY_LOWER: Dict[str, str] = {name.lower(): name for name in ARKIT_NAMES}


def canonical_arkit_name(name: str) -> Optional[str]:
    """The canonical spelling of an ARKit name given in any letter case
    (`JawOpen`, `jawopen` → `jawOpen`), or None if it is not one of the 52."""
    return _BY_LOWER.get(name.strip().lower())


def _matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def rotation_matrix_from_ypr(yaw: float, pitch: float, roll: float):
    """R = Ry(yaw) · Rx(pitch) · Rz(roll), angles in radians, as a 3×3 nested list.

    yaw turns about +y (up; positive turns the face towards the avatar's left), pitch about +x
    (positive tips the nose down), roll about +z (positive tips the top of the head towards the
    avatar's right)."""
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cr, sr = math.cos(roll), math.sin(roll)
    ry = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]]
    rx = [[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]]
    rz = [[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]]
    return _matmul(_matmul(ry, rx), rz)


def axis_angle_from_matrix(m) -> Tuple[float, float, float]:
    """The axis-angle vector (radians) of a 3×3 rotation matrix."""
    trace = m[0][0] + m[1][1] + m[2][2]
    cos_angle = max(-1.0, min(1.0, (trace - 1.0) / 2.0))
    angle = math.acos(cos_angle)
    if angle < 1e-9:
        return (0.0, 0.0, 0.0)
    if math.pi - angle < 1e-6:
        # Near 180°: the axis from the diagonal.
        xx = math.sqrt(max(0.0, (m[0][0] + 1) / 2))
        yy = math.sqrt(max(0.0, (m[1][1] + 1) / 2))
        zz = math.sqrt(max(0.0, (m[2][2] + 1) / 2))
        if xx >= yy and xx >= zz:
            axis = (xx, m[0][1] / (2 * xx), m[0][2] / (2 * xx))
        elif yy >= zz:
            axis = (m[0][1] / (2 * yy), yy, m[1][2] / (2 * yy))
        else:
            axis = (m[0][2] / (2 * zz), m[1][2] / (2 * zz), zz)
        return (axis[0] * angle, axis[1] * angle, axis[2] * angle)
    s = angle / (2.0 * math.sin(angle))
    return ((m[2][1] - m[1][2]) * s, (m[0][2] - m[2][0]) * s, (m[1][0] - m[0][1]) * s)


def axis_angle_from_ypr(yaw: float, pitch: float, roll: float = 0.0, degrees: bool = False) -> Tuple[float, float, float]:
    """Axis-angle vector (radians) of `rotation_matrix_from_ypr(yaw, pitch, roll)`."""
    if degrees:
        yaw, pitch, roll = math.radians(yaw), math.radians(pitch), math.radians(roll)
    return axis_angle_from_matrix(rotation_matrix_from_ypr(yaw, pitch, roll))


def arkit_weights(values: Dict[str, float]) -> Sequence[float]:
    """A full 52-vector in canonical order from a name → weight dict (missing names are 0)."""
    out = [0.0] * 52
    for name, value in values.items():
        canonical = canonical_arkit_name(name)
        if canonical is None:
            raise ValueError(f"unknown ARKit blendshape name {name!r}")
        out[ARKIT_INDEX[canonical]] = float(value)
    return out
