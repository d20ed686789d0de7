"""splatd-publish: drive an avatar in real time from a motion file, or with a synthetic wave.

    splatd-publish flame_param.npz --avatar alice            # GaussianAvatars FLAME sequence
    splatd-publish samples/take.csv --loop                   # CSV (FLAME, ARKit or Live Link Face)
    splatd-publish --wave                                    # the test wave on "demo"

Frames are sent paced on a monotonic clock at --fps (default: the file's rate, else 25; 30 for
--wave). When the sender falls behind it skips rows to stay in real time. Stops at the end of
the file (or never with --loop), after --seconds S, or on Ctrl-C.

The test wave is the one `splatctl drive --wave` sends: jawOpen = 0.5 − 0.5·cos(2π·f·t) and a
head yaw of --head-yaw degrees × sin(π·f·t), f = --wave-hz.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Callable, Dict, List, Optional

from ..arkit import axis_angle_from_ypr
from ..client import Control, DrivePublisher, SplatdError, SplatdTimeout
from ..motion import Motion, MotionError, load_motion
from ..keys import CurveKeyError
from .common import add_curve_options, add_endpoints, curve_keys, no_connection_hint, warn

PROG = "splatd-publish"
DEFAULT_FILE_FPS = 25.0
DEFAULT_WAVE_FPS = 30.0
WAVE_HZ = 1.0          # the test wave's jaw cycles per second (as splatctl drive --wave)
WAVE_HEAD_YAW = 10.0   # its head yaw swing, degrees


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Publish drive frames to splatd in real time from a motion file or a synthetic wave.",
        epilog="File layouts: docs/python-client.md. npz keys: expr, jaw_pose, neck_pose, eyes_pose, rotation, "
               "translation (shape/static_offset ignored). CSV: FLAME columns (expr_0…, jaw_x…), ARKit columns "
               "(jawOpen…, head_yaw…) or a Live Link Face export.")
    parser.add_argument("file", nargs="?", help="motion file: .npz (flame_param.npz or motion npz) or .csv")
    parser.add_argument("--wave", action="store_true",
                        help="publish the test wave instead of a file: jawOpen and the head yaw follow sines "
                             "(the same as splatctl drive --wave)")
    parser.add_argument("--avatar", default="demo", help="avatar id to drive (default demo)")
    add_endpoints(parser, drive=True, control=True)
    add_curve_options(parser)
    parser.add_argument("--fps", type=float, help="rate to publish at (default: the file's rate, else 25; the wave: 30)")
    parser.add_argument("--loop", action="store_true", help="start the file over at its end")
    parser.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds")
    parser.add_argument("--ignore", action="append", default=[], metavar="FIELD",
                        help="leave a field out of every frame, e.g. translation, rotation, eyes_pose, jawOpen (repeatable)")
    parser.add_argument("--wave-hz", type=float, default=WAVE_HZ, metavar="HZ",
                        help=f"--wave: jaw cycles per second (default {WAVE_HZ:g})")
    parser.add_argument("--head-yaw", type=float, default=WAVE_HEAD_YAW, metavar="DEG",
                        help=f"--wave: head yaw swing in degrees, so that static scenes move too "
                             f"(default {WAVE_HEAD_YAW:g}; 0: off)")
    parser.add_argument("--no-check", action="store_true",
                        help="do not ask the control endpoint whether the avatar is loaded before publishing")
    parser.add_argument("--quiet", "-q", action="store_true", help="only the final summary")
    return parser


def _check_avatar(args, curve=None) -> Optional[str]:
    """An error message if the daemon answers and does not have the avatar; None otherwise."""
    try:
        with Control(args.control, timeout=1.0, curve=curve) as ctl:
            avatars = [a.avatar_id for a in ctl.list_avatars()]
    except (SplatdTimeout, SplatdError) as e:
        warn(PROG, f"could not list avatars at {args.control} ({e}); publishing anyway")
        return None
    if args.avatar not in avatars:
        return f"avatar {args.avatar!r} is not loaded (loaded: {', '.join(avatars) or 'none'}); load it with splatd-ctl load"
    return None


def wave_frame(t: float, hz: float = 1.0, head_degrees: float = 10.0) -> Dict[str, object]:
    """The --wave frame at time t, the same as `splatctl drive --wave`: jawOpen =
    0.5 − 0.5·cos(2π·hz·t) (0 → 1 → 0 once per cycle) and a head yaw of
    head_degrees·sin(π·hz·t) (a swing to either side at half that rate; 0: none)."""
    frame: Dict[str, object] = {"weights": {"jawOpen": 0.5 - 0.5 * math.cos(2 * math.pi * hz * t)}}
    if head_degrees:
        yaw = head_degrees * math.sin(math.pi * hz * t)
        frame["head_rotation"] = list(axis_angle_from_ypr(yaw, 0.0, 0.0, degrees=True))
    return frame


def publish(drive: DrivePublisher, avatar: str, kind: str, frame_at: Callable[[int], Optional[Dict[str, object]]],
            fps: float, duration: Optional[float], progress: Optional[Callable[[str], None]] = None) -> Dict[str, float]:
    """Sends frame_at(i) for i = 0, 1, … at `fps` on the monotonic clock until it returns None
    or `duration` seconds passed. Rows whose time has passed are skipped (real time)."""
    send = drive.send_flame if kind == "flame" else drive.send_arkit
    period = 1.0 / fps
    t0 = time.monotonic()
    i = sent = skipped = 0
    last_report = t0
    try:
        while True:
            target = t0 + i * period
            if duration is not None and i * period >= duration - 1e-9:
                break
            now = time.monotonic()
            if target > now:
                time.sleep(target - now)
            else:
                due = int((now - t0) / period)  # the row whose time it is now
                if due > i:
                    skipped += due - i
                    i = due
                    if duration is not None and i * period >= duration - 1e-9:
                        break
            frame = frame_at(i)
            if frame is None:
                break
            send(avatar, **frame)
            sent += 1
            i += 1
            now = time.monotonic()
            if progress is not None and now - last_report >= 1.0:
                last_report = now
                progress(f"{now - t0:6.1f} s  sent {sent} frames ({sent / (now - t0):.1f} fps), skipped {skipped}")
    except KeyboardInterrupt:
        pass
    elapsed = time.monotonic() - t0
    return {"sent": sent, "skipped": skipped, "seconds": elapsed}


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.file) == bool(args.wave):
        parser.error("give a motion file or --wave (one of them)")
    if args.fps is not None and not (0 < args.fps <= 1000):
        parser.error("--fps must be within 0…1000")
    if args.seconds is not None and args.seconds <= 0:
        parser.error("--seconds must be positive")
    if not (args.wave_hz > 0 and math.isfinite(args.wave_hz)):
        parser.error("--wave-hz must be above 0")
    if not math.isfinite(args.head_yaw):
        parser.error("--head-yaw must be a finite number of degrees")
    try:
        curve = curve_keys(args)
    except CurveKeyError as e:
        warn(PROG, str(e))
        return 2

    if args.wave:
        kind, fps, n = "arkit", args.fps or DEFAULT_WAVE_FPS, None

        def frame_at(i: int):
            return wave_frame(i / fps, args.wave_hz, args.head_yaw)

        what = f"the test wave at {args.wave_hz:g} Hz (head yaw ±{args.head_yaw:g}°)"
    else:
        try:
            motion: Motion = load_motion(args.file, ignore=args.ignore)
        except (MotionError, OSError) as e:
            warn(PROG, str(e))
            return 2
        kind, n = motion.kind, len(motion)
        fps = args.fps or motion.fps or DEFAULT_FILE_FPS
        frames = motion.frames

        def frame_at(i: int):
            if i >= n and not args.loop:
                return None
            return frames[i % n]

        what = f"{n} {kind.upper()} frames from {args.file}" + (f" ({'; '.join(motion.notes)})" if motion.notes else "")

    if not args.no_check:
        problem = _check_avatar(args, curve)
        if problem:
            warn(PROG, problem)
            return 1

    with DrivePublisher(args.drive, curve=curve) as drive:
        if not drive.wait_connected(timeout=3.0):
            warn(PROG, f"no connection to {args.drive} yet ({no_connection_hint(curve)}); frames are dropped until it comes up")
        if not args.quiet:
            print(f"{PROG}: publishing {what} to avatar {args.avatar!r} at {fps:g} fps on {args.drive}", file=sys.stderr, flush=True)
        progress = None if args.quiet else (lambda line: print(f"{PROG}: {line}", file=sys.stderr, flush=True))
        result = publish(drive, args.avatar, kind, frame_at, fps, args.seconds, progress)
    rate = result["sent"] / result["seconds"] if result["seconds"] > 0 else 0.0
    print(f"{PROG}: sent {result['sent']} frames in {result['seconds']:.2f} s ({rate:.1f} fps), skipped {result['skipped']}",
          file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
