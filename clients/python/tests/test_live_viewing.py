"""A live viewer shows the newest frame: `FrameSubscriber(latest_only=True)` / `receive_latest()`
drop what queued up while the viewer was busy; a recording subscriber drops nothing."""

import time

from splatd import FrameSubscriber
from splatd.client import wall_clock_us
from splatd.proto import splatd_pb2 as pb

FRAME_TIMEOUT = 10.0
STALL_SECONDS = 2.0
# A frame this fresh (its frame_time_us against the wall clock when it is returned) is live;
# one that waited through the stall is about STALL_SECONDS old.
LIVE_AGE_US = 300_000


def _stall_then_read(sub: FrameSubscriber):
    first = sub.next_frame(FRAME_TIMEOUT)
    time.sleep(STALL_SECONDS)  # a viewer busy with something else; the daemon goes on at 30 fps
    frame = sub.next_frame(FRAME_TIMEOUT)
    return first, frame, wall_clock_us() - frame.meta.frame_time_us


def test_latest_only_returns_the_newest_frame_after_a_stall(splatd_daemon, control):
    control.open_stream("demo", stream_id="livejpeg", width=256, height=256, codec="jpeg", fps=30)
    try:
        with FrameSubscriber(splatd_daemon.frames, "livejpeg", latest_only=True) as sub:
            first, frame, age_us = _stall_then_read(sub)
            assert age_us < LIVE_AGE_US, f"a live viewer got a frame {age_us / 1000:.0f} ms old after a stall"
            # About 60 frames were rendered meanwhile: the viewer jumped over them.
            assert frame.meta.frame_sequence - first.meta.frame_sequence > 20
            assert sub.frames_skipped >= 1
            # Not stalled any more: frames come one after another, each fresh.
            for _ in range(5):
                meta, _ = sub.next_frame(FRAME_TIMEOUT)
                assert wall_clock_us() - meta.frame_time_us < LIVE_AGE_US

        # The counter-check (why the above can fail): a recording subscriber keeps the queue and
        # returns the frames in order, the first one after the stall about STALL_SECONDS old.
        with FrameSubscriber(splatd_daemon.frames, "livejpeg") as sub:
            first, frame, age_us = _stall_then_read(sub)
            assert age_us > 1_000_000, f"a recording subscriber skipped ahead ({age_us / 1000:.0f} ms)"
            assert frame.meta.frame_sequence <= first.meta.frame_sequence + 3
    finally:
        control.close_stream("livejpeg")


def test_latest_only_h264_resumes_at_a_requested_keyframe(splatd_daemon, control):
    # A GOP of 30 s: after the stall only a requested keyframe can come within the time below.
    request = pb.Request(open_stream=pb.OpenStream(stream_id="liveh264", avatar_id="demo", width=256, height=256,
                                                   fps=30, codec=pb.CODEC_H264, gop_seconds=30))
    control.call(request)
    try:
        with FrameSubscriber(splatd_daemon.frames, "liveh264", latest_only=True,
                             control=splatd_daemon.control) as sub:
            first, frame, age_us = _stall_then_read(sub)
            assert first.meta.keyframe  # a new subscriber starts at a keyframe
            # Frames were skipped: the one returned is a keyframe (a decoder can start there),
            # and it is fresh.
            assert frame.meta.keyframe
            assert frame.meta.frame_sequence - first.meta.frame_sequence > 20
            assert age_us < LIVE_AGE_US, f"{age_us / 1000:.0f} ms old"
            assert sub.keyframes_requested >= 1
            # From there on the chain is whole: every next frame is the one after.
            previous = frame.meta.frame_sequence
            for _ in range(5):
                meta, _ = sub.next_frame(FRAME_TIMEOUT)
                assert meta.frame_sequence == previous + 1
                previous = meta.frame_sequence
    finally:
        control.close_stream("liveh264")


def test_receive_keeps_every_frame_and_receive_latest_is_explicit(splatd_daemon, control):
    """`receive_latest()` can be called on any subscriber; `next_frame()` of a recording one never skips."""
    control.open_stream("demo", stream_id="liveboth", width=64, height=64, codec="jpeg", fps=30)
    try:
        with FrameSubscriber(splatd_daemon.frames, "liveboth") as sub:
            previous = sub.next_frame(FRAME_TIMEOUT).meta.frame_sequence
            time.sleep(0.5)
            for _ in range(5):
                meta, _ = sub.next_frame(FRAME_TIMEOUT)
                assert meta.frame_sequence == previous + 1
                previous = meta.frame_sequence
            time.sleep(0.5)
            meta, _ = sub.receive_latest(FRAME_TIMEOUT)
            assert meta.frame_sequence > previous + 5
    finally:
        control.close_stream("liveboth")


def test_watch_latest_option(splatd_daemon, control, tmp_path):
    import subprocess
    import sys

    from conftest import python_env

    def watch(*args):
        return subprocess.run([sys.executable, "-m", "splatd.cli.watch", *args, "--frames", splatd_daemon.frames,
                               "--control", splatd_daemon.control], capture_output=True, text=True, timeout=30,
                              env=python_env())

    # Newest-only is for live viewing: refused with the recording options.
    for recording in (["--mp4", str(tmp_path / "x.mp4")], ["--out", str(tmp_path / "frames")]):
        r = watch("default", "--latest", *recording)
        assert r.returncode == 2 and "--latest" in r.stderr, r.stderr
    control.open_stream("demo", stream_id="livecli", width=64, height=64, codec="h264", fps=30)
    try:
        r = watch("livecli", "--latest", "--count", "5", "--quiet")
    finally:
        control.close_stream("livecli")
    assert r.returncode == 0, r.stderr
    assert "5 frames" in r.stderr.strip().splitlines()[-1], r.stderr
