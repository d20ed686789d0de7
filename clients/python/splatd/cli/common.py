"""Shared command-line options: the daemon's endpoints and CURVE keys.

Defaults are the daemon's own (tcp://127.0.0.1:5555 control, 5556 drive, 5557 frames), or the
environment variables SPLATD_CONTROL, SPLATD_DRIVE, SPLATD_FRAMES when set. CURVE keys
(--curve-secret, --server-key) default to SPLATD_CURVE_SECRET and SPLATD_SERVER_KEY.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from ..client import DEFAULT_CONTROL, DEFAULT_DRIVE, DEFAULT_FRAMES
from ..keys import CurveKeyError, CurveKeys


def default_endpoint(name: str) -> str:
    fallback = {"control": DEFAULT_CONTROL, "drive": DEFAULT_DRIVE, "frames": DEFAULT_FRAMES}[name]
    return os.environ.get(f"SPLATD_{name.upper()}", fallback)


def add_endpoint(parser: argparse.ArgumentParser, name: str, help_text: str) -> None:
    value = default_endpoint(name)
    parser.add_argument(f"--{name}", default=value, metavar="ENDPOINT",
                        help=f"{help_text} (default {value}; env SPLATD_{name.upper()})")


def add_endpoints(parser: argparse.ArgumentParser, control: bool = False, drive: bool = False, frames: bool = False) -> None:
    if control:
        add_endpoint(parser, "control", "the daemon's control endpoint (ROUTER)")
    if drive:
        add_endpoint(parser, "drive", "the daemon's drive endpoint (SUB)")
    if frames:
        add_endpoint(parser, "frames", "the daemon's frames endpoint (XPUB)")


def add_curve_options(parser: argparse.ArgumentParser, shown: bool = True) -> None:
    """--curve-secret FILE and --server-key KEY (defaults: $SPLATD_CURVE_SECRET,
    $SPLATD_SERVER_KEY). With `shown=False` they are accepted but neither listed nor given a
    default (for sub-command parsers whose main parser lists them)."""
    def keep(env: str, text: str) -> dict:
        if not shown:
            return dict(default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        return dict(default=os.environ.get(env) or None, help=f"{text} (env {env})")

    parser.add_argument("--curve-secret", metavar="FILE",
                        **keep("SPLATD_CURVE_SECRET", "this client's CURVE certificate, NAME.key_secret (from "
                               "splatctl keygen or zmq.auth.create_certificates), for a daemon started with --curve-secret"))
    parser.add_argument("--server-key", metavar="KEY",
                        **keep("SPLATD_SERVER_KEY", "the daemon's CURVE public key: 40 Z85 characters or the path of "
                               "its .key file"))


def curve_keys(args: argparse.Namespace) -> Optional[CurveKeys]:
    """The CURVE keys the options name, None when neither is given; `CurveKeyError` when only
    one is given or a key cannot be used."""
    secret = getattr(args, "curve_secret", None)
    server = getattr(args, "server_key", None)
    if not secret and not server:
        return None
    if not secret:
        raise CurveKeyError("--server-key needs --curve-secret too (this client's .key_secret file; env SPLATD_CURVE_SECRET)")
    if not server:
        raise CurveKeyError("--curve-secret needs --server-key too (the daemon's public key or .key file; env SPLATD_SERVER_KEY)")
    return CurveKeys.load(secret, server)


def no_connection_hint(curve: Optional[CurveKeys]) -> str:
    """Why a drive connection may not come up, for warnings."""
    if curve is not None:
        return "is splatd running? with CURVE, a key the daemon does not know never connects"
    return "is splatd running? a daemon started with --curve-secret needs --curve-secret/--server-key here"


def warn(prog: str, message: str) -> None:
    print(f"{prog}: {message}", file=sys.stderr, flush=True)


def percentile(values, q: float) -> float:
    """The q-th percentile (0…100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)
