"""splatd Python tools and clients.

Client (needs pyzmq and protobuf):
    splatd.client  Control (control requests), FrameSubscriber (frames and events),
                   DrivePublisher (FLAME / ARKit drive frames); also importable from `splatd`
                   itself: `from splatd import Control, FrameSubscriber, DrivePublisher`
    splatd.motion  motion files (flame_param.npz, FLAME/ARKit/Live Link Face CSV) → drive frames
    splatd.keys    CurveKeys: CURVE keys for a daemon that requires them (also `from splatd import CurveKeys`)
    splatd.arkit   the 52 ARKit names, yaw/pitch/roll → axis-angle
    splatd.mediapipe_face  MediaPipe Face Landmarker results → ARKit weights and head pose
                   (numpy only; mediapipe itself is needed by splatd-track alone)
    splatd.images  PNG/JPEG sizes and a small PNG decoder (no Pillow)
    splatd.cli     the splatd-ctl, splatd-publish, splatd-watch and splatd-track commands
    splatd.proto   the generated protobuf bindings (splatd_pb2)

Sub-packages that need numpy only:
    splatd.flame  FLAME rig conversion (user's FLAME pickle -> splatd rig npz), a numpy
                  reference forward pass, a synthetic FLAME-structured model and the fixture
                  generator of the Swift animator tests.

See docs/python-client.md.
"""
import sys
from pathlib import Path

__version__ = "0.1.0"

# In a source checkout, clients/python also holds the flame_to_npz.py script: make it importable.
PYTHON_DIR = Path(__file__).resolve().parents[1]
if (PYTHON_DIR / "flame_to_npz.py").is_file() and str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

_CLIENT_NAMES = ("Control", "FrameSubscriber", "DrivePublisher", "Frame", "SplatdError", "SplatdTimeout",
                 "DEFAULT_CONTROL", "DEFAULT_DRIVE", "DEFAULT_FRAMES", "DEFAULT_AUDIO", "wall_clock_us")
_KEY_NAMES = ("CurveKeys", "CurveKeyError")


def __getattr__(name):
    # The client is imported on first use, so that `splatd.flame` works without pyzmq/protobuf.
    if name in _CLIENT_NAMES:
        from . import client

        return getattr(client, name)
    if name in _KEY_NAMES:
        from . import keys

        return getattr(keys, name)
    raise AttributeError(f"module 'splatd' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_CLIENT_NAMES) + list(_KEY_NAMES))
