"""splatd-watch: subscribe to a stream; save its frames, or pipe them into ffmpeg; report fps,
gaps and latency.

    splatd-watch default                           # report only
    splatd-watch cam --out frames/                 # frames/frame-000000.png, frame-000001.png, …
    splatd-watch cam --mp4 take.mp4 --seconds 10   # encode with ffmpeg (must be installed)

Every second (unless --quiet) and at the end it prints the frame rate, gaps (frames missing in
the stream's frame_sequence) and latency: drive sender time → frame received, measured on the
frames whose drive_sequence changed (the first frame showing a new drive frame).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

from ..client import Control, FrameSubscriber, SplatdError, SplatdTimeout
from ..images import frame_file_name, raw_to_ppm
from ..proto import splatd_pb2 as pb
from .common import add_endpoints, percentile, warn

PROG = "splatd-watch"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Subscribe to a splatd stream: save frames, make an mp4, report fps and latency.")
    parser.add_argument("stream", nargs="?", default="default", help="stream id (default: default)")
    add_endpoints(parser, frames=True, control=True)
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--out", metavar="DIR", help="save every frame as DIR/frame-000000.jpg, frame-000001.jpg, … "
                     "(.png; raw frames as .ppm), as splatctl watch does")
    out.add_argument("--mp4", metavar="FILE", help="pipe the frames into ffmpeg (ffmpeg -f image2pipe …) to make FILE")
    parser.add_argument("--fps", type=float, help="--mp4 frame rate (default: the stream's, asked on the control endpoint; else 30)")
    parser.add_argument("--count", type=int, metavar="N", help="stop after N frames")
    parser.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S",
                        help="give up when no frame came for S seconds (default 10; 0: wait forever)")
    parser.add_argument("--events", action="store_true", help="print daemon events (avatar loaded, stream closed, …); "
                        "the watch ends by itself when its stream is closed")
    parser.add_argument("--quiet", "-q", action="store_true", help="only the final summary")
    return parser


class _StreamClosed(Exception):
    pass


class Stats:
    """Running counts of one reporting window and of the whole run."""

    def __init__(self):
        self.frames = 0
        self.bytes = 0
        self.gaps = 0
        self.missing = 0
        self.latencies: List[float] = []
        self.render: List[float] = []
        self.encode: List[float] = []

    def line(self, seconds: float) -> str:
        fps = self.frames / seconds if seconds > 0 else 0.0
        text = f"{self.frames} frames ({fps:.1f} fps), gaps {self.gaps} (missing {self.missing})"
        if self.latencies:
            text += (f", latency p50 {percentile(self.latencies, 50):.1f} ms p90 {percentile(self.latencies, 90):.1f} ms "
                     f"max {max(self.latencies):.1f} ms (n={len(self.latencies)})")
        else:
            text += ", latency n/a (no new drive frames)"
        if self.render:
            text += f", render {percentile(self.render, 50):.1f} ms, encode {percentile(self.encode, 50):.1f} ms"
        if self.frames:
            text += f", {self.bytes / self.frames / 1024:.1f} KiB/frame"
        return text


class FfmpegSink:
    """Feeds frames to `ffmpeg -f image2pipe` (JPEG/PNG) or `-f rawvideo` (RAW), started at the
    first frame, when codec and size are known; frames of another codec or size are skipped."""

    def __init__(self, path: str, fps: float, ffmpeg: str):
        self.path, self.fps, self.ffmpeg = path, fps, ffmpeg
        self.process: Optional[subprocess.Popen] = None
        self.format = None
        self.skipped = 0

    def command(self, meta: pb.FrameMeta) -> List[str]:
        cmd = [self.ffmpeg, "-hide_banner", "-loglevel", "error", "-y"]
        if meta.codec == pb.CODEC_H264:
            # Already H.264: copied into the container, not encoded again.
            return cmd + ["-f", "h264", "-framerate", f"{self.fps:g}", "-i", "-", "-c:v", "copy", self.path]
        if meta.codec == pb.CODEC_RAW:
            cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{meta.width}x{meta.height}", "-framerate", f"{self.fps:g}"]
        else:
            cmd += ["-f", "image2pipe", "-framerate", f"{self.fps:g}", "-c:v", "png" if meta.codec == pb.CODEC_PNG else "mjpeg"]
        cmd += ["-i", "-", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", self.path]
        return cmd

    def write(self, meta: pb.FrameMeta, image: bytes) -> None:
        fmt = (meta.codec, meta.width, meta.height)
        if self.process is None:
            if meta.codec == pb.CODEC_H264 and not meta.keyframe:
                return  # an H.264 recording starts at a keyframe
            self.format = fmt
            self.process = subprocess.Popen(self.command(meta), stdin=subprocess.PIPE)
        if fmt != self.format:
            self.skipped += 1
            return
        try:
            self.process.stdin.write(image)
        except BrokenPipeError:
            raise RuntimeError("ffmpeg stopped reading (see its messages above)") from None

    def close(self) -> int:
        if self.process is None:
            return 0
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -1


def _missing_stream(args) -> Optional[str]:
    """The reason to give up before watching: the daemon answers and has no such stream.
    None when the stream is open, or when no daemon answers on the control endpoint (a viewer
    may reach the frames endpoint only); an empty watch is reported at the end then."""
    try:
        with Control(args.control, timeout=1.0) as ctl:
            streams = [s.stream_id for s in ctl.list_streams()]
    except (SplatdError, SplatdTimeout):
        return None
    if args.stream in streams:
        return None
    return f"splatd has no stream {args.stream!r} (open: {', '.join(streams) or 'none'}; open one with splatd-ctl open)"


def _stream_fps(args) -> float:
    if args.fps:
        return args.fps
    try:
        with Control(args.control, timeout=1.0) as ctl:
            for s in ctl.list_streams():
                if s.stream_id == args.stream:
                    return float(s.fps) or 30.0
    except (SplatdError, SplatdTimeout):
        pass
    return 30.0


def _describe_event(event: pb.Event) -> str:
    kind = event.WhichOneof("body")
    value = getattr(event, kind) if kind else None
    if isinstance(value, str):
        return f"{kind} {value}"
    if isinstance(value, pb.AvatarInfo):
        return f"{kind} {value.avatar_id} ({value.path})"
    if isinstance(value, pb.StreamInfo):
        return f"{kind} {value.stream_id} ({value.avatar_id}, {value.width}×{value.height} at {value.fps:g} fps)"
    return str(kind)


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    missing = _missing_stream(args)
    if missing:
        warn(PROG, missing)
        return 1
    sink = None
    if args.mp4:
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            warn(PROG, "--mp4 needs ffmpeg, which is not on PATH: install it (Debian/Ubuntu: apt-get install ffmpeg) "
                       "or save frames with --out DIR")
            return 2
        sink = FfmpegSink(args.mp4, _stream_fps(args), ffmpeg)
    out_dir = None
    if args.out:
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)

    def on_event(event: pb.Event) -> None:
        if args.events:
            print(f"{PROG}: event: {_describe_event(event)}", file=sys.stderr, flush=True)
        if event.WhichOneof("body") == "stream_closed" and event.stream_closed == args.stream:
            raise _StreamClosed()

    total, window = Stats(), Stats()
    timeout = args.timeout if args.timeout and args.timeout > 0 else None
    t0 = time.monotonic()
    last_report = t0
    last_seq = None
    last_drive = None
    h264_file = None
    status = 0
    reason = "stopped"
    with FrameSubscriber(args.frames, args.stream, events=True, on_event=on_event) as sub:
        if not args.quiet:
            print(f"{PROG}: watching stream {args.stream!r} on {args.frames}", file=sys.stderr, flush=True)
        try:
            while True:
                if args.count is not None and total.frames >= args.count:
                    reason = f"{args.count} frames"
                    break
                wait = timeout
                if args.seconds is not None:
                    left = args.seconds - (time.monotonic() - t0)
                    if left <= 0:
                        reason = f"{args.seconds:g} s"
                        break
                    wait = left if wait is None else min(wait, left)
                try:
                    meta, image = sub.next_frame(wait)
                except SplatdTimeout:
                    if args.seconds is not None and time.monotonic() - t0 >= args.seconds:
                        reason = f"{args.seconds:g} s"
                        break
                    warn(PROG, f"no frame of stream {args.stream!r} for {timeout:g} s (is it open? splatd-ctl streams)")
                    status = 1
                    break
                received_us = sub.last_received_us
                for s in (total, window):
                    s.frames += 1
                    s.bytes += len(image)
                    if last_seq is not None and meta.frame_sequence > last_seq + 1:
                        s.gaps += 1
                        s.missing += meta.frame_sequence - last_seq - 1
                    if meta.drive_sequence != last_drive and meta.drive_sequence and meta.drive_sender_time_us:
                        s.latencies.append((received_us - meta.drive_sender_time_us) / 1000.0)
                    if meta.render_done_us and meta.render_start_us:
                        s.render.append((meta.render_done_us - meta.render_start_us) / 1000.0)
                    if meta.encode_done_us and meta.render_done_us:
                        s.encode.append((meta.encode_done_us - meta.render_done_us) / 1000.0)
                last_seq, last_drive = meta.frame_sequence, meta.drive_sequence
                if out_dir is not None and meta.codec == pb.CODEC_H264:
                    # H.264 frames depend on each other: one Annex B file from the first keyframe on.
                    if h264_file is None and meta.keyframe:
                        h264_file = open(out_dir / "stream.h264", "wb")
                    if h264_file is not None:
                        h264_file.write(image)
                elif out_dir is not None:
                    data = raw_to_ppm(image, meta.width, meta.height) if meta.codec == pb.CODEC_RAW else image
                    (out_dir / frame_file_name(total.frames - 1, meta.codec)).write_bytes(data)
                if sink is not None:
                    sink.write(meta, image)
                now = time.monotonic()
                if not args.quiet and now - last_report >= 1.0:
                    print(f"{PROG}: {now - t0:6.1f} s  {window.line(now - last_report)}", file=sys.stderr, flush=True)
                    window, last_report = Stats(), now
        except KeyboardInterrupt:
            reason = "interrupted"
        except _StreamClosed:
            reason = "stream closed"
        except RuntimeError as e:
            warn(PROG, str(e))
            status = 1
    if h264_file is not None:
        h264_file.close()
    elapsed = time.monotonic() - t0
    if total.frames == 0 and status == 0 and reason not in ("interrupted", "stream closed"):
        warn(PROG, f"received no frame of stream {args.stream!r} in {elapsed:.1f} s (is it open, and is --frames its daemon's endpoint?)")
        status = 1
    if sink is not None:
        code = sink.close()
        if code != 0:
            warn(PROG, f"ffmpeg failed (exit status {code}); {args.mp4} may be incomplete")
            status = status or 1
        elif sink.process is not None:
            extra = f" ({sink.skipped} frames of another size or codec left out)" if sink.skipped else ""
            print(f"{PROG}: wrote {args.mp4}{extra}", file=sys.stderr, flush=True)
    print(f"{PROG}: {reason}: {total.line(elapsed)} in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
