"""splatd-watch: subscribe to a stream; save its frames, or pipe them into ffmpeg; report fps,
gaps and latency.

    splatd-watch default                           # report only
    splatd-watch cam --out frames/                 # frames/frame-000000.png, frame-000001.png, …
    splatd-watch cam --mp4 take.mp4 --seconds 10   # encode with ffmpeg (must be installed), in real time, with the voice
    splatd-watch cam --latest                      # live: the newest frame each time (what a viewer shows)

Every second (unless --quiet) and at the end it prints the frame rate, gaps (frames missing in
the stream's frame_sequence) and latency: drive sender time → frame received, measured on the
frames whose drive_sequence changed (the first frame showing a new drive frame).
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Optional

from ..client import AudioPacket, Control, FrameSubscriber, SplatdError, SplatdTimeout
from ..images import frame_file_name, raw_to_ppm
from ..proto import splatd_pb2 as pb
from ..keys import CurveKeyError, CurveKeys
from .common import add_curve_options, add_endpoints, curve_keys, percentile, warn

PROG = "splatd-watch"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Subscribe to a splatd stream: save frames, make an mp4, report fps and latency.")
    parser.add_argument("stream", nargs="?", default="default", help="stream id (default: default)")
    add_endpoints(parser, frames=True, control=True)
    add_curve_options(parser)
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--out", metavar="DIR", help="save every frame as DIR/frame-000000.jpg, frame-000001.jpg, … "
                     "(.png; raw frames as .ppm), as splatctl watch does")
    out.add_argument("--mp4", metavar="FILE", help="pipe the frames into ffmpeg to make FILE (any container ffmpeg "
                     "writes: .mp4, .mkv, …); every frame keeps its own time, so FILE lasts as long as the recording")
    parser.add_argument("--no-audio", action="store_true", help="--mp4: record the picture only (by default the "
                        "stream's voice, topic audio/STREAM, is recorded too, silent where nobody spoke)")
    parser.add_argument("--latest", action="store_true", help="live viewing: keep only the newest frame, dropping "
                        "what queued up while this watcher was busy (H.264: resume at a keyframe, asked for on the "
                        "control endpoint); not with --out or --mp4, which record every frame")
    parser.add_argument("--fps", type=float, help="--mp4: how long the last frame is shown, 1/FPS s (default: the stream's "
                        "rate, asked on the control endpoint; else 30); the other frames last until the next one")
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


def _ebml_size(n: int) -> bytes:
    """An EBML variable-length size (the all-ones value of each length is reserved)."""
    for length in range(1, 9):
        if n < (1 << (7 * length)) - 1:
            return (n | (1 << (7 * length))).to_bytes(length, "big")
    raise ValueError(f"EBML element too large: {n} bytes")


def _ebml(element_id: int, payload: bytes) -> bytes:
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + _ebml_size(len(payload)) + payload


def _ebml_uint(element_id: int, value: int) -> bytes:
    return _ebml(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


class MatroskaPipe:
    """A minimal Matroska stream of one video track (and, with `audio`, a voice track), written
    to a pipe as frames arrive, with each frame at its own time: what ffmpeg reads to keep real
    time.

    The frames carry no timestamps of their own (JPEG, PNG, raw RGB, H.264 Annex B), and
    ffmpeg's image2pipe, rawvideo and h264 demuxers number them at a nominal frame rate, so a
    stream that reached 13 fps of its 30 made a recording less than half as long as it ran.
    Matroska carries one timestamp per frame (here in milliseconds from the first frame's
    frame_time_us, the daemon's clock) and a duration, and every ffmpeg since 2.x reads it from
    a pipe (segment and clusters of unknown or known size, no seeking): no temporary files,
    nothing but the frames held. Each frame is held until the next one arrives, which gives its
    duration, so the file ends when the last frame stops being shown.

    Codecs: JPEG as V_MJPEG, H.264 as V_MPEG4/ISO/AVC in Annex B (ffmpeg finds SPS and PPS in
    the first keyframe; the mp4 muxer builds its avcC from them), PNG as V_MS/VFW/FOURCC 'MPNG',
    raw RGB as V_UNCOMPRESSED with colour space 'RGB' 24.

    The voice (track 2, A_OPUS) is written as its packets arrive, each in a cluster of its own
    at its presentation_time_us on the same time line (both are the daemon's wall clock), so
    clusters of the two tracks interleave in arrival order, as ffmpeg's demuxer reads them. A
    silent packet at 0 and one at the end make the track span the picture when nobody spoke.
    """

    def __init__(self, stream, meta: pb.FrameMeta, audio: bool = False):
        self.stream = stream
        self.origin_us: Optional[int] = None
        self.held: Optional[tuple] = None
        self.audio = audio
        self.audio_end_us: Optional[int] = None  # where the audio written so far ends (µs from the origin)
        self.audio_packets = 0  # voice packets written (the silent ones not counted)
        video = _ebml_uint(0xB0, meta.width) + _ebml_uint(0xBA, meta.height)
        private = b""
        if meta.codec == pb.CODEC_JPEG:
            codec_id = "V_MJPEG"
        elif meta.codec == pb.CODEC_H264:
            codec_id = "V_MPEG4/ISO/AVC"
        elif meta.codec == pb.CODEC_PNG:
            codec_id = "V_MS/VFW/FOURCC"
            # BITMAPINFOHEADER: size, width, height, planes, bits, compression 'MPNG', then zeros.
            private = (struct.pack("<IiiHH", 40, meta.width, meta.height, 1, 24) + b"MPNG" + bytes(20))
        else:
            codec_id = "V_UNCOMPRESSED"
            video += _ebml(0x2EB524, b"RGB\x18")
        track = (_ebml_uint(0xD7, 1) + _ebml_uint(0x73C5, 1) + _ebml_uint(0x83, 1) + _ebml_uint(0x9C, 0)
                 + _ebml(0x86, codec_id.encode()) + (_ebml(0x63A2, private) if private else b"") + _ebml(0xE0, video))
        header = _ebml(0x1A45DFA3, _ebml_uint(0x4286, 1) + _ebml_uint(0x42F7, 1) + _ebml_uint(0x42F2, 4)
                       + _ebml_uint(0x42F3, 8) + _ebml(0x4282, b"matroska") + _ebml_uint(0x4287, 4) + _ebml_uint(0x4285, 2))
        # Segment of unknown size; timestamps in milliseconds (TimestampScale 1 000 000 ns).
        segment = bytes.fromhex("18538067") + b"\x01" + b"\xff" * 7
        info = _ebml(0x1549A966, _ebml_uint(0x2AD7B1, 1_000_000) + _ebml(0x4D80, b"splatd-watch") + _ebml(0x5741, b"splatd-watch"))
        tracks = _ebml(0xAE, track)
        if audio:
            tracks += _ebml(0xAE, self._audio_track())
        self.stream.write(header + segment + info + _ebml(0x1654AE6B, tracks))

    @staticmethod
    def _audio_track() -> bytes:
        """Track 2: the voice, A_OPUS at 48 kHz. The OpusHead says mono and no pre-skip: each
        utterance is an Opus stream of its own whose first packet already starts pre_skip
        samples before its first sound (AudioMeta.presentation_time_us of that packet), so its
        priming samples are decoded at their own time instead of being cut from the track's
        start; Opus decoders mix stereo packets down to the head's channel count."""
        head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 0, 48_000, 0, 0)
        audio = _ebml(0xB5, struct.pack(">d", 48_000.0)) + _ebml_uint(0x9F, 1)
        return (_ebml_uint(0xD7, 2) + _ebml_uint(0x73C5, 2) + _ebml_uint(0x83, 2) + _ebml_uint(0x9C, 0)
                + _ebml(0x86, b"A_OPUS") + _ebml(0x63A2, head) + _ebml_uint(0x56BB, 80_000_000) + _ebml(0xE1, audio))

    # A 20 ms Opus packet of silence (CELT, fullband, mono: TOC 0xF8 and a frame that decodes
    # to zeros), written where the voice track must have a sample although nobody spoke.
    SILENCE = b"\xf8\xff\xfe"
    SILENCE_US = 20_000

    def write_audio(self, meta: pb.AudioMeta, packet: bytes) -> None:
        """A voice packet at its presentation_time_us (the clock of frame_time_us). Packets
        before the first frame, or not after the audio already written, are left out."""
        if not self.audio or self.origin_us is None:
            return
        time_us = meta.presentation_time_us - self.origin_us
        if time_us < 0:
            return
        if self.audio_end_us is None and time_us >= self.SILENCE_US:
            self._audio_block(0, self.SILENCE, self.SILENCE_US)  # the track starts with the video
        if self.audio_end_us is not None and time_us < self.audio_end_us - 1000:
            return
        self._audio_block(time_us, packet, meta.duration_us or self.SILENCE_US)
        self.audio_packets += 1

    def _audio_block(self, time_us: int, packet: bytes, duration_us: int) -> None:
        block = b"\x82" + struct.pack(">h", 0) + b"\x80" + packet  # track 2, relative time 0, keyframe
        self.stream.write(_ebml(0x1F43B675, _ebml_uint(0xE7, time_us // 1000) + _ebml(0xA3, block)))
        self.audio_end_us = time_us + duration_us

    def write(self, meta: pb.FrameMeta, image: bytes) -> None:
        time_us = meta.frame_time_us
        if self.origin_us is None:
            self.origin_us = time_us
        elif self.held is not None and time_us <= self.held[0]:
            return  # not after the frame held (the stream started anew): keep the time line
        if self.held is not None:
            self._cluster(*self.held, duration_us=time_us - self.held[0])
        keyframe = meta.keyframe if meta.codec == pb.CODEC_H264 else True
        self.held = (time_us, keyframe, image)

    def close(self, last_duration_us: int) -> None:
        if self.held is not None:
            end_us = self.held[0] + last_duration_us - self.origin_us
            self._cluster(*self.held, duration_us=last_duration_us)
            self.held = None
            # The voice track lasts as long as the video: a silent packet ends it.
            if self.audio and (self.audio_end_us is None or self.audio_end_us < end_us - self.SILENCE_US):
                if self.audio_end_us is None and end_us > 2 * self.SILENCE_US:
                    self._audio_block(0, self.SILENCE, self.SILENCE_US)
                self._audio_block(max(0, end_us - self.SILENCE_US), self.SILENCE, self.SILENCE_US)

    def _cluster(self, time_us: int, keyframe: bool, image: bytes, duration_us: int) -> None:
        # One cluster per frame: its timestamp is the frame's (relative block time 0).
        ms = (time_us - self.origin_us) // 1000
        end_ms = (time_us + duration_us - self.origin_us) // 1000
        block = b"\x81" + struct.pack(">h", 0) + b"\x00" + image  # track 1, relative time 0, no flags
        group = _ebml(0xA0, _ebml(0xA1, block) + _ebml_uint(0x9B, max(1, end_ms - ms))
                      + (b"" if keyframe else _ebml(0xFB, b"\xff")))  # ReferenceBlock (the previous frame): not a keyframe
        self.stream.write(_ebml(0x1F43B675, _ebml_uint(0xE7, ms) + group))


class FfmpegSink:
    """Feeds frames to ffmpeg through a Matroska pipe (`MatroskaPipe`) that carries each frame's
    frame_time_us, so that the file lasts as long as the frames it holds took, whatever rate the
    daemon reached: `ffmpeg -f matroska -i - -vsync vfr` keeps those times (variable frame rate
    in the mp4: a frame per frame received, none duplicated or dropped). JPEG, PNG and raw frames
    are encoded as H.264 (libx264, yuv420p, odd sizes padded); H.264 frames are copied from the
    first keyframe. With `audio`, the voice packets (`write_audio`) go into the same pipe and
    come out as an audio track (see `audio_options`). Started at the first frame, when codec and
    size are known; frames of another codec or size are skipped."""

    def __init__(self, path: str, fps: float, ffmpeg: str, audio: bool = True):
        self.path, self.fps, self.ffmpeg, self.audio = path, fps, ffmpeg, audio
        self.process: Optional[subprocess.Popen] = None
        self.pipe: Optional[MatroskaPipe] = None
        self.format = None
        self.skipped = 0

    def command(self, meta: pb.FrameMeta) -> List[str]:
        cmd = [self.ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "matroska", "-i", "-"]
        if meta.codec == pb.CODEC_H264:
            # Already H.264: copied into the container with its times, not encoded again.
            video = ["-c:v", "copy"]
        else:
            # -vsync vfr: each frame at its time, none duplicated; -enc_time_base -1: the encoder
            # counts in the input's milliseconds (ffmpeg 5.1 otherwise uses 1/the guessed frame
            # rate, in which frames closer than that collapse and vfr drops them).
            video = ["-vsync", "vfr", "-enc_time_base", "-1", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                     "-pix_fmt", "yuv420p"]
        return cmd + video + (self.audio_options() if self.audio else []) + [self.path]

    def audio_options(self) -> List[str]:
        """The voice arrives as Opus packets in utterances, each a new Opus stream, with nothing
        between them; it travels in the same Matroska pipe as the frames (one pipe: ffmpeg
        reads frames and packets in the order they came, where two pipes or FIFOs could each
        block ffmpeg while the other one fills up), then ffmpeg decodes it, fills the pauses with
        silence where the packets' times say (aresample async, from 0) and encodes it once:
        copying the packets would not do, as MP4 has no gaps in a track (a packet before a pause
        would be stretched over it and the voice after it played early) and the utterances'
        separate Opus streams do not make one stream. AAC for MP4 and the like (every player
        has it); Opus for WebM, Ogg and Matroska."""
        suffix = Path(self.path).suffix.lower()
        codec = ["-c:a", "libopus", "-b:a", "64k"] if suffix in (".webm", ".mkv", ".mka", ".ogg", ".opus") else ["-c:a", "aac", "-b:a", "96k"]
        return ["-af", "aresample=async=1:min_hard_comp=0.01:first_pts=0"] + codec

    def write_audio(self, packet: AudioPacket) -> None:
        """A voice packet (`FrameSubscriber(audio=True)`); before the first frame it is dropped."""
        if self.pipe is None or not self.audio:
            return
        try:
            self.pipe.write_audio(packet.meta, packet.packet)
        except BrokenPipeError:
            raise RuntimeError("ffmpeg stopped reading (see its messages above)") from None

    def write(self, meta: pb.FrameMeta, image: bytes) -> None:
        fmt = (meta.codec, meta.width, meta.height)
        try:
            if self.process is None:
                if meta.codec == pb.CODEC_H264 and not meta.keyframe:
                    return  # an H.264 recording starts at a keyframe
                self.format = fmt
                self.process = subprocess.Popen(self.command(meta), stdin=subprocess.PIPE)
                self.pipe = MatroskaPipe(self.process.stdin, meta, audio=self.audio)
            if fmt != self.format:
                self.skipped += 1
                return
            self.pipe.write(meta, image)
        except BrokenPipeError:
            raise RuntimeError("ffmpeg stopped reading (see its messages above)") from None

    def close(self) -> int:
        if self.process is None:
            return 0
        try:
            # The last frame is shown for one period of the stream.
            self.pipe.close(int(1e6 / (self.fps or 30)))
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -1


def _missing_stream(args, curve: Optional[CurveKeys] = None) -> Optional[str]:
    """The reason to give up before watching: the daemon answers and has no such stream.
    None when the stream is open, or when no daemon answers on the control endpoint (a viewer
    may reach the frames endpoint only); an empty watch is reported at the end then."""
    try:
        with Control(args.control, timeout=1.0, curve=curve) as ctl:
            streams = [s.stream_id for s in ctl.list_streams()]
    except (SplatdError, SplatdTimeout):
        return None
    if args.stream in streams:
        return None
    return f"splatd has no stream {args.stream!r} (open: {', '.join(streams) or 'none'}; open one with splatd-ctl open)"


def _stream_fps(args, curve: Optional[CurveKeys] = None) -> float:
    if args.fps:
        return args.fps
    try:
        with Control(args.control, timeout=1.0, curve=curve) as ctl:
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
    if args.latest and (args.out or args.mp4):
        parser.error("--latest drops frames: it is for live viewing, not with --out or --mp4 (which record every frame)")
    if args.no_audio and not args.mp4:
        parser.error("--no-audio goes with --mp4")
    try:
        curve = curve_keys(args)
    except CurveKeyError as e:
        warn(PROG, str(e))
        return 2
    missing = _missing_stream(args, curve)
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
        sink = FfmpegSink(args.mp4, _stream_fps(args, curve), ffmpeg, audio=not args.no_audio)
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
    h264_files = None
    status = 0
    reason = "stopped"
    recording_audio = sink is not None and sink.audio
    with FrameSubscriber(args.frames, args.stream, events=True, on_event=on_event, latest_only=args.latest,
                         control=args.control if args.latest else None, audio=recording_audio,
                         on_audio=sink.write_audio if recording_audio else None, curve=curve) as sub:
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
                    frame = sub.next_frame(wait)
                except SplatdTimeout:
                    if args.seconds is not None and time.monotonic() - t0 >= args.seconds:
                        reason = f"{args.seconds:g} s"
                        break
                    hint = "is it open, is the key known and may its role watch it?" if curve else "is it open?"
                    warn(PROG, f"no frame of stream {args.stream!r} for {timeout:g} s ({hint} splatd-ctl streams)")
                    status = 1
                    break
                meta, image = frame
                received_us = sub.last_received_us
                for s in (total, window):
                    s.frames += 1
                    s.bytes += sum(len(i) for i in frame.images)
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
                views = len(frame.images)
                if out_dir is not None and meta.codec == pb.CODEC_H264:
                    # H.264 frames depend on each other: one Annex B file (per view) from the first keyframe on.
                    if h264_files is None and meta.keyframe:
                        h264_files = [open(out_dir / ("stream.h264" if views == 1 else f"stream-view{v}.h264"), "wb")
                                     for v in range(views)]
                    if h264_files is not None:
                        for f, view in zip(h264_files, frame.images):
                            f.write(view)
                elif out_dir is not None:
                    name = frame_file_name(total.frames - 1, meta.codec)
                    for v, view in enumerate(frame.images):
                        data = raw_to_ppm(view, meta.width, meta.height) if meta.codec == pb.CODEC_RAW else view
                        stem, ext = name.rsplit(".", 1)
                        (out_dir / (name if views == 1 else f"{stem}-view{v}.{ext}")).write_bytes(data)
                if sink is not None:
                    if views > 1:
                        raise RuntimeError(f"stream {args.stream!r} sends one image per view (layout views); --mp4 records one "
                                           "picture: open it with its views side by side (layout side-by-side)")
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
    for f in h264_files or []:
        f.close()
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
            if sink.audio and sink.pipe is not None:
                extra += f", voice: {sink.pipe.audio_packets} packets"
            print(f"{PROG}: wrote {args.mp4}{extra}", file=sys.stderr, flush=True)
    print(f"{PROG}: {reason}: {total.line(elapsed)} in {elapsed:.1f} s", file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
