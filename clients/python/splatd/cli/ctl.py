"""splatd-ctl: send one control request to splatd and print the reply as JSON.

    splatd-ctl ping
    splatd-ctl load /data/avatars/subject306 --id alice --rig /data/flame/ga-rig.npz
    splatd-ctl list
    splatd-ctl open --id cam --avatar alice --size 256x256 --fps 25 --codec png
    splatd-ctl update cam --yaw 30 --quality 5
    splatd-ctl streams
    splatd-ctl close cam
    splatd-ctl unload alice
    splatd-ctl status

The options --control, --timeout, --compact, --curve-secret and --server-key may be given
before or after the command. A daemon that requires CURVE keys:

    splatd-ctl --curve-secret me.key_secret --server-key server.key status

Exit status: 0 on success, 1 when the daemon answers with an error or does not answer, 2 for
bad arguments.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from typing import List, Optional

from google.protobuf import json_format

from ..client import Control, SplatdError, SplatdTimeout
from ..proto import splatd_pb2 as pb
from ..keys import CurveKeyError
from .common import add_curve_options, curve_keys, default_endpoint, warn

PROG = "splatd-ctl"

_JSON_DEFAULTS_KWARG = next((k for k in ("always_print_fields_with_no_presence", "including_default_value_fields")
                             if k in inspect.signature(json_format.MessageToDict).parameters), None)


def message_to_dict(message, defaults: bool = True) -> dict:
    """A protobuf message as a dict with the .proto field names (and, with `defaults`, fields
    at their default value too: a status of 0 is printed, not left out)."""
    kwargs = {"preserving_proto_field_name": True}
    if defaults and _JSON_DEFAULTS_KWARG:
        kwargs[_JSON_DEFAULTS_KWARG] = True
    return json_format.MessageToDict(message, **kwargs)


def message_to_json(message, defaults: bool = True) -> str:
    return json.dumps(message_to_dict(message, defaults), indent=2, ensure_ascii=False)


def _size(text: str):
    try:
        w, h = text.lower().replace("×", "x").split("x")
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 256x256, not {text!r}") from None


def _rgb(text: str):
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 3:
        raise argparse.ArgumentTypeError(f"background must be R,G,B in 0…1, e.g. 1,1,1, not {text!r}")
    return values


def _stream_options(p: argparse.ArgumentParser, opening: bool) -> None:
    p.add_argument("--size", type=_size, metavar="WxH", help="frame size, e.g. 256x256" + (" (default 512x512)" if opening else ""))
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p.add_argument("--fps", type=float, help="frame rate 1…120" + (" (default 30)" if opening else ""))
    p.add_argument("--codec", choices=["jpeg", "png", "raw"], help="image codec" + (" (default jpeg)" if opening else ""))
    p.add_argument("--quality", type=int, help="JPEG quality 1…100 or PNG level 0…9 (0: the codec's default)")
    p.add_argument("--background", type=_rgb, metavar="R,G,B", help="background colour, components 0…1")
    p.add_argument("--convention", choices=["default", "gsplat", "inria"])
    orbit = p.add_argument_group("orbit camera (around the head centre)")
    orbit.add_argument("--yaw", type=float, metavar="DEG", help="turn about the head's up axis, + to the avatar's left")
    orbit.add_argument("--pitch", type=float, metavar="DEG", help="+ looks down at the head (within ±89)")
    orbit.add_argument("--distance", type=float, metavar="M", help="metres from the head centre (default 1)")
    orbit.add_argument("--fov", type=float, metavar="DEG", help="vertical field of view (default 20)")


def _stream_kwargs(args) -> dict:
    width, height = args.width, args.height
    if args.size:
        width, height = args.size
    kwargs = dict(width=width, height=height, fps=args.fps, codec=args.codec, quality=args.quality,
                  background=args.background, convention=args.convention)
    orbit = {k: v for k, v in (("yaw_degrees", args.yaw), ("pitch_degrees", args.pitch),
                               ("distance", args.distance), ("fov_y_degrees", args.fov)) if v is not None}
    if orbit:
        kwargs["orbit"] = orbit
    return kwargs


def _global_options(parser: argparse.ArgumentParser, shown: bool) -> None:
    """--control, --timeout, --compact, --curve-secret and --server-key: with their defaults and help on the main parser,
    and again on each command's parser without either, so that they may follow the command
    name too and are listed once (in `splatd-ctl --help`)."""
    control = default_endpoint("control")

    def keep(default, text):
        return dict(default=default, help=text) if shown else dict(default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    parser.add_argument("--control", metavar="ENDPOINT",
                        **keep(control, f"the daemon's control endpoint (ROUTER) (default {control}; env SPLATD_CONTROL)"))
    parser.add_argument("--timeout", type=float, metavar="S",
                        **keep(10.0, "seconds to wait for a reply (default 10; loads: at least 120)"))
    parser.add_argument("--compact", action="store_true",
                        **keep(False, "one-line JSON, fields at default values left out"))
    add_curve_options(parser, shown)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Send a control request to splatd and print the reply as JSON.",
                                     epilog="--control, --timeout, --compact, --curve-secret and --server-key may "
                                            "also follow the command.")
    _global_options(parser, shown=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        p = commands.add_parser(name, **kwargs)
        _global_options(p, shown=False)
        return p

    p = command("ping", help="round trip: daemon version and time")
    p.add_argument("--payload", default="", help="text echoed back")

    p = command("load", help="load an avatar from a path on the daemon's host")
    p.add_argument("path", help='"demo", a GaussianAvatars folder or a .ply/.splat file (relative paths that exist here are made absolute)')
    p.add_argument("--id", dest="avatar_id", help="avatar id (default: the daemon picks one)")
    p.add_argument("--rig", dest="rig_path", help="FLAME rig npz for GaussianAvatars folders")
    p.add_argument("--replace", action="store_true", help="replace an avatar already loaded under this id")

    p = command("unload", help="unload an avatar (its streams close)")
    p.add_argument("avatar_id")

    command("list", help="list the loaded avatars")
    command("streams", help="list the open streams")

    p = command("open", help="open a stream")
    p.add_argument("--id", dest="stream_id", help="stream id (default: the daemon picks one); frames go to topic frames/<id>")
    p.add_argument("--avatar", default="demo", help="avatar to render (default demo)")
    _stream_options(p, opening=True)

    p = command("update", help="change a stream's settings")
    p.add_argument("stream_id")
    p.add_argument("--avatar", help="render another avatar")
    _stream_options(p, opening=False)

    p = command("close", help="close a stream")
    p.add_argument("stream_id")

    command("status", help="daemon status: avatars, drive counters, streams, latency")
    return parser


def _absolute(path: str) -> str:
    if path == "demo" or os.path.isabs(path) or not os.path.exists(path):
        return path
    return os.path.abspath(path)


def run(args, curve=None) -> object:
    """Carries out the parsed command (with CURVE keys `curve`, or none); returns the message to print."""
    with Control(args.control, timeout=args.timeout, load_timeout=max(args.timeout, 120.0), curve=curve) as ctl:
        c = args.command
        if c == "ping":
            return ctl.ping(args.payload.encode("utf-8"))
        if c == "load":
            return ctl.load_avatar(_absolute(args.path), avatar_id=args.avatar_id,
                                   rig_path=_absolute(args.rig_path) if args.rig_path else None, replace=args.replace)
        if c == "unload":
            return ctl.unload_avatar(args.avatar_id)
        if c == "list":
            return pb.AvatarList(avatars=ctl.list_avatars())
        if c == "streams":
            return pb.StreamList(streams=ctl.list_streams())
        if c == "open":
            return ctl.open_stream(args.avatar, stream_id=args.stream_id, **_stream_kwargs(args))
        if c == "update":
            return ctl.update_stream(args.stream_id, avatar_id=args.avatar, **_stream_kwargs(args))
        if c == "close":
            return ctl.close_stream(args.stream_id)
        if c == "status":
            return ctl.status()
        raise AssertionError(c)


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        curve = curve_keys(args)
    except CurveKeyError as e:
        warn(PROG, str(e))
        return 2
    try:
        message = run(args, curve)
    except SplatdError as e:
        warn(PROG, f"{args.command}: {e.status_name}: {e.message}")
        return 1
    except SplatdTimeout as e:
        warn(PROG, f"{args.command}: {e}")
        return 1
    except ValueError as e:
        warn(PROG, f"{args.command}: {e}")
        return 2
    if args.compact:
        print(json.dumps(message_to_dict(message, defaults=False), separators=(",", ":"), ensure_ascii=False))
    else:
        print(message_to_json(message))
    return 0


if __name__ == "__main__":
    sys.exit(main())
