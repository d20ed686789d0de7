"""splatd-track: drive an avatar from a webcam (or a video file) with MediaPipe's Face Landmarker.

    splatd-track --model face_landmarker.task                       # camera 0 → avatar "demo"
    splatd-track --model face_landmarker.task --mirror --fps 30     # selfie-style, at most 30 fps
    splatd-track --model face_landmarker.task --video take.mp4 --avatar alice

Each picture goes through the Face Landmarker (running mode VIDEO, one face, blendshapes and
facial transformation matrix on); its 51 blendshapes are mapped by name onto the ARKit-52 and
its head rotation turned into an axis-angle vector in the avatar's frame
(`splatd.mediapipe_face`), and one ARKit drive frame per picture with a face is published to
the avatar. Pictures without a face send nothing: the daemon holds the last pose, then eases
back to neutral.

Needs the optional dependencies (`pip install 'splatd[track]'`: mediapipe, which brings OpenCV)
and the Face Landmarker model bundle (`face_landmarker.task`), downloaded by the user from
MediaPipe's model page: nothing is fetched at run time.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from typing import Any, Callable, Iterator, List, Optional, Set, Tuple

import numpy as np

from ..client import Control, DrivePublisher, SplatdError, SplatdTimeout, wall_clock_us
from ..mediapipe_face import drive_frame, face_from_result
from ..keys import CurveKeyError, CurveKeys
from .common import add_curve_options, add_endpoints, curve_keys, no_connection_hint, warn

PROG = "splatd-track"
INSTALL_HINT = "pip install 'splatd[track]' (or: pip install mediapipe)"
MODEL_HINT = ("download the Face Landmarker model bundle (face_landmarker.task) from MediaPipe's "
              "Face Landmarker model page and pass its path")
CAMERA_FAILURES = 30  # consecutive failed camera reads before giving up


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Track a face from a webcam or a video file with MediaPipe's Face Landmarker and "
                               "drive a splatd avatar with ARKit blendshapes and head pose.",
        epilog=f"Needs {INSTALL_HINT} and a face_landmarker.task model file: {MODEL_HINT}. "
               "See docs/python-client.md.")
    parser.add_argument("--model", required=True, metavar="FILE",
                        help="the Face Landmarker model bundle (face_landmarker.task) you downloaded")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--camera", default="0", metavar="N|DEVICE",
                        help="camera index or device path for OpenCV (default 0)")
    source.add_argument("--video", metavar="FILE", help="track a video file instead of a camera (played in real time)")
    parser.add_argument("--avatar", default="demo", help="avatar id to drive (default demo)")
    add_endpoints(parser, drive=True, control=True)
    add_curve_options(parser)
    parser.add_argument("--fps", type=float,
                        help="at most this many tracked frames per second (camera: also the rate asked of it; "
                             "default: as fast as the camera delivers / the video's own rate)")
    parser.add_argument("--size", metavar="WxH", help="camera picture size to ask for, e.g. 640x480 (default: the camera's)")
    parser.add_argument("--mirror", action="store_true",
                        help="move like a mirror image (selfie view): yaw, roll and sideways motion flip, Left/Right "
                             "blendshapes swap; also undoes a camera that delivers mirrored pictures")
    parser.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds")
    parser.add_argument("--translation", action="store_true",
                        help="also send head translation: the head's displacement from where it was in the first "
                             "tracked frame, metres (off by default: the depth of a webcam estimate is rough)")
    parser.add_argument("--no-head", action="store_true", help="send blendshapes only, no head rotation")
    parser.add_argument("--no-check", action="store_true",
                        help="do not ask the control endpoint whether the avatar is loaded before tracking")
    parser.add_argument("--quiet", "-q", action="store_true", help="only the final summary")
    return parser


class Tracker:
    """Turns Face Landmarker results into drive frames for one avatar and keeps the counts.

    `frame_for(result, capture_us)` returns the `DriveFrame` to send, or None when the result
    has no face. The head translation (with `translation=True`) is relative to the position
    in the first frame that had one."""

    def __init__(self, avatar: str, mirror: bool = False, head: bool = True, translation: bool = False,
                 warn: Optional[Callable[[str], None]] = None):
        self.avatar = avatar
        self.mirror = mirror
        self.head = head
        self.translation = translation
        self._warn = warn or (lambda message: None)
        self.reference: Optional[np.ndarray] = None
        self.results = 0
        self.no_face = 0
        self.frames = 0
        self.dropped_scores = 0
        self.unknown_names: Set[str] = set()
        self._notes: Set[str] = set()

    def frame_for(self, result: Any, capture_us: int = 0):
        self.results += 1
        face = face_from_result(result, mirror=self.mirror)
        if face is None:
            self.no_face += 1
            return None
        for note in face.notes:
            if note not in self._notes:
                self._notes.add(note)
                self._warn(f"{note} (head pose left out of such frames)")
        arkit = face.arkit
        if arkit is not None:
            new = [n for n in arkit.unknown if n not in self.unknown_names]
            if new:
                self.unknown_names.update(new)
                self._warn(f"ignoring blendshape categories that are not ARKit names: {', '.join(new)}")
            if arkit.dropped:
                self.dropped_scores += len(arkit.dropped)
            if not arkit.present.any():
                arkit = None
        rotation = translation = None
        if face.pose is not None:
            if self.head:
                rotation = face.pose.rotation
            if self.translation:
                if self.reference is None:
                    self.reference = face.pose.translation.copy()
                translation = face.pose.translation - self.reference
        if arkit is None and rotation is None and translation is None:
            self.no_face += 1
            return None
        self.frames += 1
        return drive_frame(self.avatar, arkit, head_rotation=rotation, head_translation=translation,
                           sender_time_us=capture_us)


def _parse_size(text: Optional[str]) -> Optional[Tuple[int, int]]:
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m or int(m.group(1)) <= 0 or int(m.group(2)) <= 0:
        raise ValueError(f"--size must look like 640x480, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def _import_tracking():
    """(mediapipe, cv2), or an ImportError naming what is missing."""
    import cv2  # noqa: F401  (mediapipe depends on OpenCV; imported first for a clearer message)
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision  # noqa: F401

    return mp, cv2


def _check_avatar(control: str, avatar: str, curve: Optional[CurveKeys] = None) -> Optional[str]:
    """An error message if the daemon answers and does not have the avatar; None otherwise."""
    try:
        with Control(control, timeout=1.0, curve=curve) as ctl:
            avatars = [a.avatar_id for a in ctl.list_avatars()]
    except (SplatdTimeout, SplatdError) as e:
        warn(PROG, f"could not list avatars at {control} ({e}); tracking anyway")
        return None
    if avatar not in avatars:
        return f"avatar {avatar!r} is not loaded (loaded: {', '.join(avatars) or 'none'}); load it with splatd-ctl load"
    return None


def _pictures(cap, cv2, is_video: bool, fps: Optional[float], stats: dict) -> Iterator[Tuple[int, int, Any]]:
    """(timestamp ms, capture wall clock µs, BGR picture) from an OpenCV capture.

    Video files are paced in real time at their own rate (pictures whose time has passed are
    skipped without decoding); `fps` drops pictures so that at most that many a second are
    given out. Timestamps increase strictly, as the landmarker's VIDEO mode needs."""
    file_fps = cap.get(cv2.CAP_PROP_FPS) if is_video else 0.0
    if not file_fps or not (0 < file_fps < 1000):
        file_fps = 30.0
    gap = 1.0 / fps if fps else 0.0
    t0 = time.monotonic()
    next_due = t0
    last_ts = -1
    index = -1
    failures = 0
    while True:
        if is_video:
            index += 1
            due = t0 + index / file_fps
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            elif now - due > 1.0 / file_fps:  # behind: skip the pictures whose time has passed
                behind = int((now - due) * file_fps)
                for _ in range(behind):
                    if not cap.grab():
                        return
                stats["skipped"] += behind
                index += behind
            ok, picture = cap.read()
            if not ok:
                return
            timestamp_ms = int(round(index * 1000.0 / file_fps))
        else:
            ok, picture = cap.read()
            if not ok or picture is None:
                failures += 1
                if failures >= CAMERA_FAILURES:
                    raise RuntimeError(f"the camera delivered no picture {CAMERA_FAILURES} times in a row")
                time.sleep(0.01)
                continue
            failures = 0
            timestamp_ms = int((time.monotonic() - t0) * 1000)
        capture_us = wall_clock_us()
        if gap:
            now = time.monotonic()
            if now < next_due:
                stats["skipped"] += 1
                continue
            next_due = max(next_due + gap, now - gap)  # on average `fps`, without bursts after a stall
        timestamp_ms = max(timestamp_ms, last_ts + 1)
        last_ts = timestamp_ms
        yield timestamp_ms, capture_us, picture


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.fps is not None and not (0 < args.fps <= 240):
        parser.error("--fps must be within 0…240")
    if args.seconds is not None and args.seconds <= 0:
        parser.error("--seconds must be positive")
    try:
        size = _parse_size(args.size)
    except ValueError as e:
        parser.error(str(e))
    try:
        curve = curve_keys(args)
    except CurveKeyError as e:
        warn(PROG, str(e))
        return 2
    if not os.path.isfile(args.model):
        warn(PROG, f"no model file {args.model!r}: {MODEL_HINT}")
        return 2
    if args.video is not None and not os.path.isfile(args.video):
        warn(PROG, f"no video file {args.video!r}")
        return 2

    try:
        mp, cv2 = _import_tracking()
    except ImportError as e:
        warn(PROG, f"needs mediapipe and OpenCV ({e}): {INSTALL_HINT}")
        return 2
    from mediapipe.tasks.python import BaseOptions, vision

    if args.video is not None:
        cap = cv2.VideoCapture(args.video)
        source = args.video
    else:
        camera = int(args.camera) if args.camera.strip().isdigit() else args.camera
        cap = cv2.VideoCapture(camera)
        source = f"camera {args.camera}"
        if size:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        if args.fps:
            cap.set(cv2.CAP_PROP_FPS, args.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest picture, not a queue of old ones
    if not cap.isOpened():
        warn(PROG, f"cannot open {source}")
        return 2

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=os.path.abspath(args.model)),
        running_mode=vision.RunningMode.VIDEO, num_faces=1,
        output_face_blendshapes=True, output_facial_transformation_matrixes=True)
    try:
        landmarker = vision.FaceLandmarker.create_from_options(options)
    except (ValueError, RuntimeError) as e:
        cap.release()
        warn(PROG, f"cannot load the Face Landmarker model {args.model!r}: {e}")
        return 2

    if not args.no_check:
        problem = _check_avatar(args.control, args.avatar, curve)
        if problem:
            landmarker.close()
            cap.release()
            warn(PROG, problem)
            return 1

    say = (lambda line: None) if args.quiet else (lambda line: print(f"{PROG}: {line}", file=sys.stderr, flush=True))
    tracker = Tracker(args.avatar, mirror=args.mirror, head=not args.no_head, translation=args.translation,
                      warn=lambda message: warn(PROG, message))
    stats = {"skipped": 0}
    status = 0
    t0 = time.monotonic()
    try:
        with DrivePublisher(args.drive, curve=curve) as drive:
            if not drive.wait_connected(timeout=3.0):
                warn(PROG, f"no connection to {args.drive} yet ({no_connection_hint(curve)}); frames are dropped until it comes up")
            say(f"tracking {source} → avatar {args.avatar!r} on {args.drive}" + (" (mirrored)" if args.mirror else ""))
            t0 = last_report = time.monotonic()
            for timestamp_ms, capture_us, picture in _pictures(cap, cv2, args.video is not None, args.fps, stats):
                rgb = cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)
                result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), timestamp_ms)
                frame = tracker.frame_for(result, capture_us)
                if frame is not None:
                    drive.send(frame)
                now = time.monotonic()
                if now - last_report >= 1.0:
                    last_report = now
                    say(f"{now - t0:6.1f} s  tracked {tracker.results} pictures ({tracker.results / (now - t0):.1f} fps), "
                        f"sent {tracker.frames}, no face {tracker.no_face}, skipped {stats['skipped']}")
                if args.seconds is not None and now - t0 >= args.seconds:
                    break
    except KeyboardInterrupt:
        pass
    except RuntimeError as e:
        warn(PROG, str(e))
        status = 1
    finally:
        landmarker.close()
        cap.release()
    elapsed = time.monotonic() - t0
    rate = tracker.results / elapsed if elapsed > 0 else 0.0
    extra = f", {tracker.dropped_scores} NaN scores dropped" if tracker.dropped_scores else ""
    print(f"{PROG}: tracked {tracker.results} pictures in {elapsed:.2f} s ({rate:.1f} fps), sent {tracker.frames} frames, "
          f"no face {tracker.no_face}, skipped {stats['skipped']}{extra}", file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
