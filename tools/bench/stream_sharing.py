#!/usr/bin/env python3
"""Measures how a running daemon shares its render time between streams, in one run:

  stereo   the cost of a stereo frame (1024×512: two 512² eyes of one pose) against one 512²
           frame, side by side in one JPEG and as one JPEG per eye (layout views): the three
           streams open at 10 fps, render- and encode-time percentiles from `get_status` after
           SECONDS of watching them.
  fair     frames rendered per second of two 30 fps and two 10 fps 1024² streams (four views)
           on a machine that cannot render them all (80 large frames a second asked for): the
           30:10 ratio of what they get should stay near 3.
  shared   a JPEG and a PNG stream of one view (one render, two encodings) next to a JPEG
           stream of another view, all at 30 fps on a saturated machine: frames per second each.

    python3 tools/bench/stream_sharing.py stereo [--seconds 20]
    python3 tools/bench/stream_sharing.py fair [--seconds 15]
    python3 tools/bench/stream_sharing.py shared [--seconds 15]

Starts its own daemon (`--splatd`, default .build/release/splatd; build it with
`swift build -c release --product splatd`) on ports 19655…19658 and reads it with splatctl
(.build/debug/splatctl, else the one next to it). Needs pyzmq (`scripts/python-env` installs it).
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import zmq

PORTS = {"control": 19655, "drive": 19656, "frames": 19657, "audio": 19658}


class Daemon:
    def __init__(self, splatd: Path):
        self.splatctl = next((p for p in (Path(".build/debug/splatctl"), splatd.parent / "splatctl") if p.is_file()), None)
        if self.splatctl is None:
            sys.exit("no splatctl: build it (swift build --product splatctl)")
        args = [str(splatd), "serve", "--log-level", "warning"]
        for name, port in PORTS.items():
            args += [f"--{name}", f"tcp://127.0.0.1:{port}"]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:
            if "splatd serving" in line:
                break
        else:
            sys.exit("splatd did not start")
        self.ctl("close", "default")
        self.context = zmq.Context()
        self.frames = self.context.socket(zmq.SUB)
        self.frames.connect(f"tcp://127.0.0.1:{PORTS['frames']}")

    def ctl(self, *args):
        r = subprocess.run([str(self.splatctl), "--control", f"tcp://127.0.0.1:{PORTS['control']}", *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"splatctl {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def open(self, stream_id, *options):
        self.ctl("open", "demo", "--id", stream_id, *options)
        self.frames.setsockopt(zmq.SUBSCRIBE, f"frames/{stream_id}".encode())

    def watch(self, seconds):
        """Reads (and drops) frames for `seconds`, so that every stream renders."""
        end = time.time() + seconds
        while time.time() < end:
            if self.frames.poll(50):
                self.frames.recv_multipart()

    def streams(self):
        return {s["info"]["streamId"]: s for s in json.loads(self.ctl("--json", "status"))["daemonStatus"]["streams"]}

    def stop(self):
        self.process.terminate()
        self.process.wait()


def stereo(daemon, seconds):
    daemon.open("mono", "--size", "512x512", "--fps", "10")
    daemon.open("stereo", "--size", "1024x512", "--stereo", "--fps", "10")
    daemon.open("views", "--size", "1024x512", "--stereo", "--layout", "views", "--fps", "10", "--yaw", "1")
    daemon.watch(seconds)
    streams = daemon.streams()
    result = {name: {f"{what}_{k}": round(streams[name][f"{what}Ms"].get(k, 0), 2) for what in ("render", "encode") for k in ("p50", "p90")}
              for name in ("mono", "stereo", "views")}
    result["stereo/mono render p50"] = round(result["stereo"]["render_p50"] / max(result["mono"]["render_p50"], 1e-9), 2)
    result["views/stereo encode p50"] = round(result["views"]["encode_p50"] / max(result["stereo"]["encode_p50"], 1e-9), 2)
    return result


def fair(daemon, seconds):
    specs = [("main1", 30), ("main2", 30), ("preview1", 10), ("preview2", 10)]
    for k, (name, fps) in enumerate(specs):
        # Each from its own side: streams of one view would share their renders.
        # 1024²: a 2-core machine renders four 512² views at 80 frames a second in all.
        daemon.open(name, "--size", "1024x1024", "--fps", str(fps), "--yaw", str(10 * k))
    daemon.watch(3)
    before = {k: int(s.get("framesRendered", 0)) for k, s in daemon.streams().items()}
    daemon.watch(seconds)
    after = {k: int(s.get("framesRendered", 0)) for k, s in daemon.streams().items()}
    fps = {name: round((after[name] - before[name]) / seconds, 2) for name, _ in specs}
    fast, slow = fps["main1"] + fps["main2"], fps["preview1"] + fps["preview2"]
    return {"fps": fps, "30:10 ratio": round(fast / max(slow, 1e-9), 2)}


def shared(daemon, seconds):
    daemon.open("jpeg", "--size", "512x512")
    daemon.open("png", "--size", "512x512", "--codec", "png")
    daemon.open("side", "--size", "512x512", "--yaw", "30")
    daemon.watch(3)
    before = {k: int(s.get("framesRendered", 0)) for k, s in daemon.streams().items()}
    daemon.watch(seconds)
    after = {k: int(s.get("framesRendered", 0)) for k, s in daemon.streams().items()}
    return {"fps": {name: round((after[name] - before[name]) / seconds, 2) for name in ("jpeg", "png", "side")}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["stereo", "fair", "shared"])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--splatd", type=Path, default=Path(".build/release/splatd"))
    args = parser.parse_args()
    daemon = Daemon(args.splatd)
    try:
        print(json.dumps({"stereo": stereo, "fair": fair, "shared": shared}[args.what](daemon, args.seconds)))
    finally:
        daemon.stop()


if __name__ == "__main__":
    main()
