"""Shared command-line options: the daemon's endpoints.

Defaults are the daemon's own (tcp://127.0.0.1:5555 control, 5556 drive, 5557 frames), or the
environment variables SPLATD_CONTROL, SPLATD_DRIVE, SPLATD_FRAMES when set.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..client import DEFAULT_CONTROL, DEFAULT_DRIVE, DEFAULT_FRAMES


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
