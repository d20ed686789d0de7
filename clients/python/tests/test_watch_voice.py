"""splatd-watch --mp4 records the stream's voice (topic audio/<stream id>) beside its frames, at
the times the daemon gives, silent where nobody spoke, as long as the picture."""

import json
import shutil
import subprocess
import sys
import threading
import time
import wave

import numpy as np
import pytest
import zmq

from conftest import python_env
from splatd.client import wall_clock_us
from splatd.proto import splatd_pb2 as pb

RECORD_SECONDS = 4.0
SPEECH_FROM, SPEECH_TO = 1.2, 2.6  # seconds after the recording started
PCM_RATE = 16_000

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                reason="ffmpeg is not installed")


def _speech(tmp_path, seconds: float) -> np.ndarray:
    """Mono s16 samples at 16 kHz: espeak-ng speaking, else tone bursts (voice-like: 150 Hz and
    harmonics, four bursts a second), `seconds` long."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        path = tmp_path / "speech.wav"
        text = "Hello there, this is the avatar speaking, one two three four five."
        subprocess.run([espeak, "-s", "170", "-w", str(path), text], check=True, timeout=20)
        with wave.open(str(path)) as w:
            rate, samples = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
            if w.getnchannels() == 2:
                samples = samples[::2]
        # To 16 kHz by linear interpolation (enough for a test), loud, then cut to length.
        t = np.arange(int(len(samples) * PCM_RATE / rate)) / PCM_RATE
        samples = np.interp(t, np.arange(len(samples)) / rate, samples.astype(np.float64))
        samples = samples / max(1.0, np.abs(samples).max()) * 20000
        # espeak-ng leaves silence at both ends: trim it so the speech fills the window.
        loud = np.flatnonzero(np.abs(samples) > 500)
        samples = samples[loud[0]:loud[-1]]
        samples = np.tile(samples, int(np.ceil(seconds * PCM_RATE / len(samples))))
    else:
        t = np.arange(int(seconds * PCM_RATE)) / PCM_RATE
        voice = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 6))
        samples = 12000 * voice / 2.3 * (np.sin(2 * np.pi * 4 * t) > -0.5)
    return samples[: int(seconds * PCM_RATE)].astype("<i2")


def _send_speech(endpoint: str, avatar_id: str, samples: np.ndarray, start_at: float, channels: int = 1) -> None:
    """Pushes `samples` as 20 ms AudioChunks in real time, from monotonic time `start_at` on
    (with `channels` 2, the same voice on both channels)."""
    context = zmq.Context.instance()
    push = context.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 2000)
    push.connect(endpoint)
    try:
        step = PCM_RATE // 50
        time.sleep(max(0.0, start_at - time.monotonic()))
        for i, offset in enumerate(range(0, len(samples), step)):
            due = start_at + offset / PCM_RATE
            time.sleep(max(0.0, due - time.monotonic()))
            piece = np.repeat(samples[offset:offset + step], channels)  # interleaved
            chunk = pb.AudioChunk(avatar_id=avatar_id, sequence=i + 1, sender_time_us=wall_clock_us(),
                                  sample_rate=PCM_RATE, channels=channels, samples_s16le=piece.tobytes())
            push.send(chunk.SerializeToString())
        push.send(pb.AudioChunk(avatar_id=avatar_id, sequence=len(samples) // step + 2, sender_time_us=wall_clock_us(),
                                sample_rate=PCM_RATE, channels=channels, end_of_stream=True).SerializeToString())
    finally:
        push.close()


def _probe(path):
    p = subprocess.run([shutil.which("ffprobe"), "-v", "error", "-show_entries",
                        "format=duration:stream=codec_type,codec_name,duration", "-of", "json", str(path)],
                       capture_output=True, text=True, timeout=20)
    return json.loads(p.stdout)


def _pcm(path) -> np.ndarray:
    """The file's audio decoded to mono s16 at 16 kHz."""
    p = subprocess.run([shutil.which("ffmpeg"), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar",
                        str(PCM_RATE), "-f", "s16le", "-"], capture_output=True, timeout=20)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return np.frombuffer(p.stdout, dtype="<i2").astype(np.float64)


def _rms(pcm: np.ndarray, start: float, end: float) -> float:
    part = pcm[int(start * PCM_RATE):int(end * PCM_RATE)]
    return float(np.sqrt(np.mean(part ** 2))) if len(part) else 0.0


def _record(daemon, stream_id, path, *extra):
    """Starts splatd-watch --mp4; returns the process and the monotonic time its watch began."""
    process = subprocess.Popen([sys.executable, "-m", "splatd.cli.watch", stream_id, "--frames", daemon.frames,
                                "--control", daemon.control, "--mp4", str(path), "--seconds", str(RECORD_SECONDS),
                                *extra], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               env=python_env())
    first_line = process.stderr.readline()  # "splatd-watch: watching stream …": the clock starts
    return process, time.monotonic(), first_line


# JPEG frames encoded into an MP4 (AAC voice) with mono speech; H.264 copied into Matroska (Opus
# voice) with stereo speech, which the mono voice track takes mixed down.
@pytest.mark.parametrize("codec,suffix,channels", [("jpeg", ".mp4", 1), ("h264", ".mkv", 2)])
def test_watch_mp4_records_the_voice_at_its_times(splatd_daemon, control, fresh_avatar, tmp_path, codec, suffix,
                                                  channels):
    stream_id = f"voice{codec}"
    control.open_stream(fresh_avatar, stream_id=stream_id, width=128, height=128, codec=codec, fps=30)
    samples = _speech(tmp_path, SPEECH_TO - SPEECH_FROM)
    path = tmp_path / f"take{suffix}"
    try:
        process, started, first_line = _record(splatd_daemon, stream_id, path)
        assert "watching" in first_line, first_line
        sender = threading.Thread(target=_send_speech, args=(splatd_daemon.audio, fresh_avatar, samples,
                                                              started + SPEECH_FROM, channels))
        sender.start()
        sender.join(20)
        _, stderr = process.communicate(timeout=30)
    finally:
        control.close_stream(stream_id)
    assert process.returncode == 0, stderr
    assert "voice:" in stderr, stderr
    info = _probe(path)
    kinds = {s["codec_type"]: s for s in info["streams"]}
    assert "audio" in kinds and "video" in kinds, info
    duration = float(info["format"]["duration"])
    # The file runs from the first frame (a moment after the watch began) to the last.
    assert abs(duration - RECORD_SECONDS) <= 0.3, info

    pcm = _pcm(path)
    assert abs(len(pcm) / PCM_RATE - duration) <= 0.15, (len(pcm) / PCM_RATE, duration)
    speech = _rms(pcm, SPEECH_FROM + 0.25, SPEECH_TO - 0.05)
    before = _rms(pcm, 0.0, SPEECH_FROM - 0.3)
    after = _rms(pcm, SPEECH_TO + 0.5, duration)
    print(f"{path.name}: {duration:.3f} s; RMS before {before:.0f}, speech {speech:.0f}, after {after:.0f}; "
          f"per 0.1 s {[round(_rms(pcm, t / 10, t / 10 + 0.1)) for t in range(int(duration * 10))]}")
    assert speech > 1000, "no voice where the speech was sent"
    # The voice starts where it was sent (plus the daemon's analysis delay), to within 0.1 s or so.
    onset = next(t / 100 for t in range(int(duration * 100)) if _rms(pcm, t / 100, t / 100 + 0.05) > speech / 4)
    assert SPEECH_FROM - 0.1 <= onset <= SPEECH_FROM + 0.35, onset
    assert before < speech / 30 and after < speech / 30, "the voice is not where it was sent"


def test_watch_mp4_no_audio_and_nobody_speaking(splatd_daemon, control, fresh_avatar, tmp_path):
    control.open_stream(fresh_avatar, stream_id="mute", width=64, height=64, codec="jpeg", fps=30)
    try:
        silent, _, _ = _record(splatd_daemon, "mute", tmp_path / "silent.mp4")
        _, silent_err = silent.communicate(timeout=30)
        mute, _, _ = _record(splatd_daemon, "mute", tmp_path / "mute.mp4", "--no-audio")
        _, mute_err = mute.communicate(timeout=30)
    finally:
        control.close_stream("mute")
    assert silent.returncode == 0 and mute.returncode == 0, silent_err + mute_err
    # Nobody spoke: the voice track is there, silent, and as long as the picture.
    info = _probe(tmp_path / "silent.mp4")
    assert sorted(s["codec_type"] for s in info["streams"]) == ["audio", "video"], info
    duration = float(info["format"]["duration"])
    assert abs(duration - RECORD_SECONDS) <= 0.3, info
    pcm = _pcm(tmp_path / "silent.mp4")
    assert abs(len(pcm) / PCM_RATE - duration) <= 0.15
    assert _rms(pcm, 0, duration) < 50
    # --no-audio: the picture only.
    info = _probe(tmp_path / "mute.mp4")
    assert [s["codec_type"] for s in info["streams"]] == ["video"], info
