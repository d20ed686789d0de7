"""splatd's UDP tracker listeners (Live Link Face and VMC) against independent senders.

The other side of each protocol is written here without any splatd code: Live Link Face
datagrams are packed byte by byte with `struct`, VMC (OSC 1.0) messages and bundles are built
with python-osc. What the daemon makes of them is checked in its status (`get_status` →
`trackers`) and in the pixels of frames it renders, compared numerically with frames of the
same avatar driven over the drive endpoint.

One daemon serves the whole module, started with both listeners on free ports, so that these
tests neither disturb nor depend on the session daemon; one 128×128 PNG stream shows whichever
avatar a test looks at.
"""

import itertools
import math
import re
import signal
import socket
import struct
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence

import numpy as np
import pytest

from conftest import SERVING, START_SECONDS, STOP_SECONDS, find_splatd, wait_until

from pythonosc import osc_bundle, osc_message  # python-osc, in the client's `test` extra
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.udp_client import SimpleUDPClient

from splatd import Control, DrivePublisher, FrameSubscriber
from splatd.arkit import ARKIT_INDEX
from splatd.images import decode_png

TRACKERS = re.compile(r"splatd trackers\W+(.*)")
TRACKER_ENDPOINT = re.compile(r"\b(livelink|vmc) (udp://([0-9.]+):(\d+))")

LLF_AVATAR = "demo"     # --livelink-subject iPhone=demo
LLF_SUBJECT = "iPhone"
VMC_AVATAR = "vmc"      # --vmc-avatar vmc, a second demo head loaded by the fixture
STREAM = "trackers"
SIZE = 128
FRAME_TIMEOUT = 10.0
SEND_HZ = 60.0
SETTLE_SECONDS = 0.8    # sending this long makes the avatar show the values (the daemon smooths)
STATUS_TIMEOUT = 3.0

# Rows of a 128-pixel frame of the demo head seen from the default camera (measured on the
# demo head driven over the drive endpoint: jawOpen moves only rows ~64…112, eyeBlink only
# rows ~54…68, neither touches the forehead and brows).
UPPER_FACE = slice(16, 50)
EYES = slice(52, 68)
LOWER_FACE = slice(76, 112)

# ─── Live Link Face, packed by hand ───────────────────────────────────────────

# The 52 blendshapes in Live Link Face's order (JawRight before JawLeft, MouthRight before
# MouthLeft, unlike ARKit's documentation), then the 9 head and eye angles.
LLF_BLENDSHAPES = (
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft",
    "EyeSquintLeft", "EyeWideLeft", "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight",
    "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight", "EyeWideRight", "JawForward",
    "JawRight", "JawLeft", "JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthRight",
    "MouthLeft", "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft", "MouthFrownRight",
    "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft", "MouthStretchRight",
    "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper", "MouthPressLeft",
    "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft",
    "MouthUpperUpRight", "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft",
    "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft",
    "NoseSneerRight", "TongueOut",
)
LLF_ANGLES = (
    "HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
    "RightEyeYaw", "RightEyePitch", "RightEyeRoll",
)
LLF_NAMES = LLF_BLENDSHAPES + LLF_ANGLES
assert len(LLF_BLENDSHAPES) == 52 and len(LLF_NAMES) == 61
LLF_DEVICE_ID = "6B5B2E8C-3F1A-4C0E-9D7B-2A4F1C8E9B30"
LLF_FRAME_NUMBERS = itertools.count(1)  # one increasing frame number for every datagram sent


def llf_values(named: Optional[Mapping[str, float]] = None, count: int = 61) -> List[float]:
    """`count` (52 or 61) values in Live Link Face order, zero except `named`."""
    values = [0.0] * count
    for name, value in (named or {}).items():
        values[LLF_NAMES.index(name)] = float(value)
    return values


def llf_string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">i", len(data)) + data


def llf_packet(values: Sequence[float], subject: str = LLF_SUBJECT, device_id: str = LLF_DEVICE_ID,
               frame_number: Optional[int] = None, count: Optional[int] = None, version: int = 6) -> bytes:
    """A Live Link Face datagram: version, device id, subject, frame time (frame, sub-frame,
    rate numerator / denominator), a count byte and that many big-endian float32 values.
    Without `frame_number` the next one of LLF_FRAME_NUMBERS."""
    if frame_number is None:
        frame_number = next(LLF_FRAME_NUMBERS)
    out = struct.pack(">B", version) + llf_string(device_id) + llf_string(subject)
    out += struct.pack(">ifii", frame_number, 0.0, 60, 1)
    out += struct.pack(">B", len(values) if count is None else count)
    out += struct.pack(f">{len(values)}f", *values)
    return out


def test_llf_packet_layout():
    """The hand-made datagram has the documented layout (checks this file, not the daemon)."""
    packet = llf_packet(llf_values({"JawOpen": 1.0, "HeadYaw": 0.25}), frame_number=7)
    assert len(packet) == 1 + (4 + 36) + (4 + len(LLF_SUBJECT)) + 16 + 1 + 61 * 4
    assert packet[0] == 6
    assert packet[1:5] == b"\x00\x00\x00\x24" and packet[5:41] == LLF_DEVICE_ID.encode()
    offset = 41 + 4 + len(LLF_SUBJECT)
    assert struct.unpack(">ifii", packet[offset:offset + 16]) == (7, 0.0, 60, 1)
    assert packet[offset + 16] == 61
    values = struct.unpack(">61f", packet[offset + 17:])
    assert values[17] == 1.0 and values[52] == 0.25 and sum(values) == 1.25
    assert LLF_BLENDSHAPES[15:18] == ("JawRight", "JawLeft", "JawOpen")
    assert LLF_BLENDSHAPES[21:23] == ("MouthRight", "MouthLeft")


# ─── VMC, built with python-osc ───────────────────────────────────────────────

def osc_message_of(address: str, *args) -> osc_message.OscMessage:
    builder = OscMessageBuilder(address=address)
    for arg in args:
        builder.add_arg(arg, arg_type="s" if isinstance(arg, str) else "f")
    return builder.build()


def bundle(*contents) -> osc_bundle.OscBundle:
    builder = OscBundleBuilder(IMMEDIATELY)
    for content in contents:
        builder.add_content(content)
    return builder.build()


def blend(name: str, value: float):
    return osc_message_of("/VMC/Ext/Blend/Val", name, float(value))


def apply():
    return osc_message_of("/VMC/Ext/Blend/Apply")


def unity_y_rotation(angle: float):
    """A Unity quaternion (x, y, z, w) turning `angle` radians about +y."""
    return (0.0, math.sin(angle / 2), 0.0, math.cos(angle / 2))


def bone(name: str, position, quaternion):
    return osc_message_of("/VMC/Ext/Bone/Pos", name, *[float(v) for v in position], *[float(v) for v in quaternion])


def root(quaternion=(0.0, 0.0, 0.0, 1.0)):
    return osc_message_of("/VMC/Ext/Root/Pos", "root", 0.0, 0.0, 0.0, *[float(v) for v in quaternion])


def root_identity():
    return root()


# ─── the daemon ───────────────────────────────────────────────────────────────

@dataclass
class TrackerDaemon:
    process: subprocess.Popen
    control: str
    drive: str
    frames: str
    trackers: Dict[str, str]   # protocol → "udp://127.0.0.1:PORT" as printed
    log_path: object
    stdout: List[str] = field(default_factory=list)

    def address(self, protocol: str):
        m = re.match(r"udp://([0-9.]+):(\d+)$", self.trackers[protocol])
        return m.group(1), int(m.group(2))

    def log(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            text = ""
        return "stdout:\n" + "".join(self.stdout) + "\nstderr:\n" + text[-4000:]


@contextmanager
def tracker_daemon_process(log_path, tracker_args: List[str], expect: Sequence[str]):
    """Starts `splatd serve` on ephemeral ports with `tracker_args`; waits for both stdout lines
    (the endpoints, then the trackers `expect`ed); stops it with SIGINT and checks exit 0."""
    binary, how = find_splatd()
    if not binary.is_file():
        if how == "SPLATD_BIN":
            pytest.fail(f"SPLATD_BIN={binary} is not a file")
        pytest.skip(f"no splatd binary at {binary}: build it (swift build --product splatd) or set SPLATD_BIN")
    usage = subprocess.run([str(binary), "serve", "--help"], capture_output=True, text=True, timeout=60)
    if "--livelink" not in usage.stdout + usage.stderr or "--vmc" not in usage.stdout + usage.stderr:
        pytest.fail(f"{binary} has no --livelink / --vmc options: rebuild it (swift build --product splatd)")
    ephemeral = "tcp://127.0.0.1:*"
    with open(log_path, "w") as stderr:
        process = subprocess.Popen(
            [str(binary), "serve", "--control", ephemeral, "--drive", ephemeral, "--frames", ephemeral,
             "--audio", ephemeral, *tracker_args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
    lines: List[str] = []
    found: Dict[str, object] = {}
    ready = threading.Event()

    def read_stdout():
        for line in process.stdout:
            lines.append(line)
            m = SERVING.search(line)
            if m and "endpoints" not in found:
                found["endpoints"] = m.groups()
            m = TRACKERS.search(line)
            if m and "trackers" not in found:
                found["trackers"] = {p: ep for p, ep, _, _ in TRACKER_ENDPOINT.findall(m.group(1))}
            if "endpoints" in found and "trackers" in found:
                ready.set()
        ready.set()  # stdout closed: the daemon ended

    reader = threading.Thread(target=read_stdout, name="splatd-trackers-stdout", daemon=True)
    reader.start()
    ready.wait(START_SECONDS)
    if "endpoints" not in found or "trackers" not in found:
        exited = process.poll() is not None
        process.kill()
        process.wait()
        stderr_text = log_path.read_text(errors="replace")[-4000:]
        what = (f"exited with status {process.returncode}" if exited else f"did not finish starting within {START_SECONDS} s")
        pytest.fail(f"splatd {' '.join(tracker_args)} {what} without printing both its `splatd serving` and "
                    f"`splatd trackers` lines\nstdout:\n{''.join(lines)}\nstderr:\n{stderr_text}")
    control, drive, frames, _ = found["endpoints"]
    daemon = TrackerDaemon(process, control, drive, frames, found["trackers"], log_path, lines)
    try:
        assert sorted(daemon.trackers) == sorted(expect), f"trackers line: {lines}"
        for protocol, endpoint in daemon.trackers.items():
            host, port = daemon.address(protocol)
            assert host == "127.0.0.1" and 0 < port < 65536, endpoint
        yield daemon
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(f"splatd did not exit within {STOP_SECONDS} s of SIGINT\n{daemon.log()}")
        reader.join(2)
    assert process.returncode == 0, f"splatd exited with status {process.returncode}\n{daemon.log()}"


@pytest.fixture(scope="module")
def trackers_daemon(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("splatd-trackers") / "splatd.stderr.log"
    args = ["--livelink", "127.0.0.1:0", "--livelink-subject", f"{LLF_SUBJECT}={LLF_AVATAR}",
            "--vmc", "0", "--vmc-avatar", VMC_AVATAR]
    with tracker_daemon_process(log_path, args, ("livelink", "vmc")) as daemon:
        yield daemon


@pytest.fixture(scope="module")
def tcontrol(trackers_daemon):
    with Control(trackers_daemon.control, timeout=10.0) as ctl:
        yield ctl


@pytest.fixture(scope="module")
def viewer(trackers_daemon, tcontrol):
    """The module's one stream (128×128 PNG) with a subscriber; the VMC avatar is loaded."""
    tcontrol.load_avatar("demo", avatar_id=VMC_AVATAR)
    tcontrol.open_stream(LLF_AVATAR, stream_id=STREAM, width=SIZE, height=SIZE, fps=30, codec="png")
    with FrameSubscriber(trackers_daemon.frames, STREAM) as sub:
        yield Viewer(tcontrol, sub)
    tcontrol.close_stream(STREAM)


@pytest.fixture
def llf_socket(trackers_daemon):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(trackers_daemon.address("livelink"))
    yield sock
    sock.close()


@pytest.fixture
def vmc_client(trackers_daemon):
    host, port = trackers_daemon.address("vmc")
    return SimpleUDPClient(host, port)


@pytest.fixture
def vmc_socket(trackers_daemon):
    """For datagrams python-osc would refuse to send: garbage, malformed OSC."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(trackers_daemon.address("vmc"))
    yield sock
    sock.close()


# ─── helpers ──────────────────────────────────────────────────────────────────

class Viewer:
    """Reads the module's stream; `frame_after` returns the first frame of an avatar whose
    render started after a given wall-clock time, decoded to float RGB."""

    def __init__(self, control: Control, sub: FrameSubscriber):
        self.control = control
        self.sub = sub
        self.avatar = LLF_AVATAR

    def show(self, avatar_id: str) -> None:
        if avatar_id != self.avatar:
            self.control.update_stream(STREAM, avatar_id=avatar_id)
            self.avatar = avatar_id

    def frame_after(self, avatar_id: str, not_before_us: int) -> np.ndarray:
        deadline = time.monotonic() + FRAME_TIMEOUT + (not_before_us - time.time_ns() // 1000) / 1e6
        while True:
            meta, image = self.sub.next_frame(FRAME_TIMEOUT)
            if meta.avatar_id == avatar_id and meta.render_start_us >= not_before_us:
                return decode_png(image).astype(np.float64)
            assert time.monotonic() < deadline, f"no frame of {avatar_id} rendered after the settling time"


class Repeater:
    """Calls `self.send()` SEND_HZ times a second on a thread until the block ends; `send` may
    be replaced while it runs. Errors of the sending thread are raised at the end."""

    def __init__(self, send: Callable[[], None], hz: float = SEND_HZ):
        self.send = send
        self.interval = 1.0 / hz
        self.sent = 0
        self._stop = threading.Event()
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._run, name="tracker-sender", daemon=True)

    def _run(self):
        next_time = time.monotonic()
        try:
            while not self._stop.is_set():
                self.send()
                self.sent += 1
                next_time += self.interval
                self._stop.wait(max(0.0, next_time - time.monotonic()))
        except BaseException as e:  # reported by __exit__
            self._error = e

    def __enter__(self) -> "Repeater":
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        if self._error is not None and exc[0] is None:
            raise self._error


def settled(viewer: Viewer, avatar_id: str, seconds: float = SETTLE_SECONDS) -> np.ndarray:
    """A frame of `avatar_id` rendered `seconds` from now (the sender runs meanwhile)."""
    return viewer.frame_after(avatar_id, time.time_ns() // 1000 + int(seconds * 1e6))


def capture(viewer: Viewer, avatar_id: str, send: Callable[[], None], seconds: float = SETTLE_SECONDS) -> np.ndarray:
    """Sends with `send` at SEND_HZ and returns a frame rendered after `seconds` of it."""
    viewer.show(avatar_id)
    with Repeater(send):
        return settled(viewer, avatar_id, seconds)


def change(a: np.ndarray, b: np.ndarray, rows: slice) -> float:
    """Mean absolute difference (0…255) over a band of rows."""
    return float(np.abs(a[rows] - b[rows]).mean())


def mse(a: np.ndarray, b: np.ndarray) -> float:
    return float(((a - b) ** 2).mean())


def assert_mouth_opened(base: np.ndarray, image: np.ndarray, what: str, at_least: float) -> None:
    lower, upper = change(base, image, LOWER_FACE), change(base, image, UPPER_FACE)
    assert lower > at_least, f"{what}: the lower face changed by only {lower:.3f} (upper face {upper:.3f})"
    assert upper < lower / 4, f"{what}: the upper face changed by {upper:.3f}, the lower face by {lower:.3f}"


def assert_eyes_closed(base: np.ndarray, image: np.ndarray, what: str, at_least: float = 1.5) -> None:
    eyes, lower = change(base, image, EYES), change(base, image, LOWER_FACE)
    assert eyes > at_least, f"{what}: the eye region changed by only {eyes:.3f} (lower face {lower:.3f})"
    assert lower < eyes / 4, f"{what}: the lower face changed by {lower:.3f}, the eyes by {eyes:.3f}"


def tracker(control: Control, protocol: str):
    found = [t for t in control.status().trackers if t.protocol == protocol]
    assert len(found) == 1, f"get_status lists {[t.protocol for t in control.status().trackers]}"
    return found[0]


def wait_received(control: Control, protocol: str, count: int):
    """The tracker's status once it has received `count` datagrams in all (or the last seen)."""
    return wait_until(lambda: (lambda t: t if t.packets_received >= count else None)(tracker(control, protocol)),
                      STATUS_TIMEOUT) or tracker(control, protocol)


class Counter:
    """Sends one datagram at a time and checks what the tracker's counters did with it."""

    def __init__(self, control: Control, protocol: str, send: Callable[[bytes], None]):
        self.control = control
        self.protocol = protocol
        self.send = send

    def one(self, datagram: bytes):
        """Sends the datagram; returns the status before and once its outcome shows (received,
        and rejected or applied: the daemon counts receipt first, so a status in between shows
        the datagram received but neither)."""
        before = tracker(self.control, self.protocol)
        self.send(datagram)

        def outcome():
            t = tracker(self.control, self.protocol)
            done = (t.packets_received > before.packets_received
                    and (t.packets_rejected > before.packets_rejected or t.frames_applied > before.frames_applied))
            return t if done else None

        after = wait_until(outcome, STATUS_TIMEOUT) or tracker(self.control, self.protocol)
        assert after.packets_received == before.packets_received + 1, \
            f"received {after.packets_received - before.packets_received} datagrams for one ({after})"
        return before, after

    def rejected(self, datagram: bytes, why: str, reason: str):
        before, after = self.one(datagram)
        assert after.packets_rejected == before.packets_rejected + 1, f"{why}: not counted as rejected ({after})"
        assert after.frames_applied == before.frames_applied, f"{why}: a frame was applied"
        assert re.search(reason, after.last_rejection, re.IGNORECASE), \
            f"{why}: last_rejection {after.last_rejection!r} does not match /{reason}/"
        return after

    def accepted(self, datagram: bytes, why: str):
        before, after = self.one(datagram)
        assert after.packets_rejected == before.packets_rejected, f"{why}: rejected: {after.last_rejection!r}"
        assert after.frames_applied == before.frames_applied + 1, f"{why}: no frame applied ({after})"
        return after


# ─── tests ────────────────────────────────────────────────────────────────────

def test_status_lists_both_listeners_before_any_packet(trackers_daemon, tcontrol):
    status = {t.protocol: t for t in tcontrol.status().trackers}
    assert sorted(status) == ["livelink", "vmc"]
    for protocol, t in status.items():
        assert t.endpoint == trackers_daemon.trackers[protocol]
        assert (t.packets_received, t.packets_rejected, t.frames_applied, t.names_ignored) == (0, 0, 0, 0), t
        assert t.last_packet_age_ms == -1, t
        assert t.rate_hz == 0, t


def test_livelink_drives_mouth_and_eyes(viewer, tcontrol, llf_socket):
    values = {"current": llf_values()}

    def send():
        llf_socket.send(llf_packet(values["current"]))

    before = tracker(tcontrol, "livelink")
    viewer.show(LLF_AVATAR)
    with Repeater(send) as sender:
        base = settled(viewer, LLF_AVATAR)
        values["current"] = llf_values({"JawOpen": 1.0})
        jaw = settled(viewer, LLF_AVATAR)
        values["current"] = llf_values({"EyeBlinkLeft": 1.0, "EyeBlinkRight": 1.0})
        blink = settled(viewer, LLF_AVATAR)
        live = tracker(tcontrol, "livelink")  # read while still sending
    after = wait_received(tcontrol, "livelink", before.packets_received + sender.sent)

    assert_mouth_opened(base, jaw, "Live Link Face JawOpen=1", at_least=2.0)
    assert_eyes_closed(base, blink, "Live Link Face EyeBlinkLeft/Right=1")

    assert after.packets_received - before.packets_received == sender.sent
    assert after.packets_rejected == before.packets_rejected, after.last_rejection
    applied = after.frames_applied - before.frames_applied
    assert 0.9 * sender.sent <= applied <= sender.sent, f"{applied} frames applied of {sender.sent} datagrams"
    assert after.last_subject == LLF_SUBJECT
    assert after.last_avatar_id == LLF_AVATAR
    assert 30 <= live.rate_hz <= 90, f"rate {live.rate_hz} Hz while sending at {SEND_HZ:g} Hz"
    assert 0 <= live.last_packet_age_ms < 500, live.last_packet_age_ms
    assert after.endpoint.startswith("udp://127.0.0.1:")


def test_livelink_bad_datagrams_are_counted_and_survived(tcontrol, llf_socket):
    counter = Counter(tcontrol, "livelink", llf_socket.send)
    good = llf_packet(llf_values({"JawOpen": 0.5}))

    counter.accepted(good, "a good 61-value datagram")
    counter.rejected(good[:-7], "a truncated datagram", r"trunc|short|length|size|bytes|expect|end|incomplete")
    counter.rejected(good[:30], "a datagram cut inside the device id", r"trunc|short|length|size|bytes|expect|end|incomplete")
    counter.rejected(b"", "an empty datagram", r"empty|trunc|short|length|size|bytes|expect|end|incomplete")
    counter.rejected(good + b"\x00" * 8, "trailing bytes", r"trail|extra|length|size|bytes|expect|long|match")
    counter.rejected(llf_packet([]), "count 0", r"count|52|61|blendshape|values")
    counter.rejected(llf_packet([0.0] * 255), "count 255", r"count|255|52|61|blendshape|values")
    counter.rejected(llf_packet([0.0] * 60), "count 60", r"count|60|52|61|blendshape|values")
    counter.rejected(llf_packet(llf_values({"JawOpen": float("nan")})), "a NaN blendshape",
                     r"nan|finite|not a number|invalid")
    counter.rejected(llf_packet(llf_values({"HeadYaw": float("nan")})), "a NaN head angle",
                     r"nan|finite|not a number|invalid")
    padded = good + b"\x00" * (9000 - len(good))
    counter.rejected(padded, "a 9000-byte datagram (a good one, padded)",
                     r"large|size|bytes|long|oversize|exceed|limit|length|trail|extra")
    long_id = "D" * (9000 - (len(good) - len(LLF_DEVICE_ID)))
    oversize = llf_packet(llf_values(), device_id=long_id)
    assert len(oversize) == 9000
    counter.rejected(oversize, "a 9000-byte datagram of consistent layout",
                     r"large|size|bytes|long|oversize|exceed|limit|length")
    counter.rejected(llf_packet(llf_values(), subject="Stranger"), "an unmapped subject", r"Stranger")

    assert tcontrol.ping(b"after garbage").payload == b"after garbage"
    t = counter.accepted(llf_packet(llf_values({"JawOpen": 1.0}, count=52)), "a 52-value datagram (no head angles)")
    assert t.last_avatar_id == LLF_AVATAR
    t = counter.accepted(llf_packet(llf_values({"JawOpen": 0.5})), "a good datagram after the bad ones")
    assert t.last_subject == LLF_SUBJECT and t.last_avatar_id == LLF_AVATAR
    assert t.last_rejection  # the reason of the newest rejection stays readable


def test_livelink_left_and_right_in_its_own_order(viewer, tcontrol, llf_socket, trackers_daemon):
    """Live Link Face sends JawRight before JawLeft and MouthRight before MouthLeft: a datagram
    with JawLeft=1 and MouthRight=1 must look like ARKit jawLeft=1 and mouthRight=1 over the
    drive endpoint, not like either pair swapped."""
    llf_frame = capture(viewer, LLF_AVATAR, lambda: llf_socket.send(llf_packet(llf_values({"JawLeft": 1.0,
                                                                                           "MouthRight": 1.0}))))
    references = {}
    for name, named in (("right", {"jawLeft": 1.0, "mouthRight": 1.0}),
                        ("jaw swapped", {"jawRight": 1.0, "mouthRight": 1.0}),
                        ("mouth swapped", {"jawLeft": 1.0, "mouthLeft": 1.0})):
        weights = [0.0] * 52
        for arkit_name, value in named.items():
            weights[ARKIT_INDEX[arkit_name]] = value
        with DrivePublisher(trackers_daemon.drive) as drive:
            assert drive.wait_connected(5.0)
            references[name] = capture(viewer, LLF_AVATAR, lambda: drive.send_arkit(
                LLF_AVATAR, weights, head_rotation=(0.0, 0.0, 0.0), left_eye_rotation=(0.0, 0.0, 0.0),
                right_eye_rotation=(0.0, 0.0, 0.0)))
    to_right = mse(llf_frame, references["right"])
    for wrong in ("jaw swapped", "mouth swapped"):
        apart = mse(references["right"], references[wrong])
        assert apart > 5, f"the references right and {wrong} differ by an MSE of only {apart:.1f}"
        to_wrong = mse(llf_frame, references[wrong])
        assert to_right < 0.25 * to_wrong, \
            f"JawLeft=1, MouthRight=1: MSE {to_right:.1f} to the ARKit reference, {to_wrong:.1f} to it with the {wrong}"


def test_vmc_blendshapes(viewer, tcontrol, vmc_client):
    content = {"current": bundle(blend("A", 0.0), apply())}

    def send():
        vmc_client.send(content["current"])

    def show(packet):
        content["current"] = packet
        return settled(viewer, VMC_AVATAR)

    before = tracker(tcontrol, "vmc")
    viewer.show(VMC_AVATAR)
    with Repeater(send):
        base = settled(viewer, VMC_AVATAR)
        vowel_a = show(bundle(blend("A", 1.0), apply()))
        rest = show(bundle(blend("A", 0.0), apply()))
        nested = show(bundle(bundle(blend("aa", 1.0), bundle(blend("Blink", 0.0))), apply()))
        # Names not sent since the last Apply are 0: this frame's mouth is closed again.
        blink = show(bundle(root_identity(), blend("Blink", 1.0), apply()))
        blink_vrm1 = show(bundle(blend("blinkLeft", 1.0), blend("blinkRight", 1.0), apply()))

    def send_plain():  # Perfect Sync: an ARKit name in PascalCase, as plain (unbundled) messages
        vmc_client.send_message("/VMC/Ext/Blend/Val", ["JawOpen", 1.0])
        vmc_client.send(apply())

    with Repeater(send_plain):
        jaw = settled(viewer, VMC_AVATAR)

    assert change(base, rest, slice(0, SIZE)) < 0.5, "A=0 after A=1 did not bring the face back"
    assert_mouth_opened(base, vowel_a, "VMC A=1 in a bundle", at_least=1.0)
    assert_mouth_opened(base, nested, "VMC aa=1 in a nested bundle", at_least=1.0)
    assert_eyes_closed(base, blink, "VMC Blink=1")
    assert_eyes_closed(base, blink_vrm1, "VMC blinkLeft/blinkRight=1")
    assert_mouth_opened(base, jaw, "VMC JawOpen=1 (Perfect Sync, PascalCase)", at_least=2.0)

    after = tracker(tcontrol, "vmc")
    assert after.packets_received > before.packets_received
    assert after.packets_rejected == before.packets_rejected, after.last_rejection
    assert after.frames_applied > before.frames_applied
    assert after.names_ignored == before.names_ignored, "a VRM or ARKit name was counted as ignored"
    assert after.last_avatar_id == VMC_AVATAR
    assert "127.0.0.1" in after.last_subject


def test_vmc_unknown_names_and_garbage(tcontrol, vmc_socket):
    counter = Counter(tcontrol, "vmc", vmc_socket.send)

    before = tracker(tcontrol, "vmc")
    after = counter.accepted(bundle(blend("NotABlendshape", 1.0), blend("A", 0.3), apply()).dgram,
                             "an unknown blendshape name among known ones")
    assert after.names_ignored == before.names_ignored + 1
    assert after.last_avatar_id == VMC_AVATAR

    address = b"/VMC/Ext/Blend/Val\x00\x00"  # 18 characters, a NUL, padded to 4 bytes
    immediately = b"\x00" * 7 + b"\x01"
    counter.rejected(b"\xde\xad\xbe\xef not OSC at all", "garbage bytes", r".")
    counter.rejected(b"\xde\xad\xbe\xef" * 6, "garbage bytes, 4-aligned", r".")
    counter.rejected(b"/VMC/Ext/Blend/Val/X" + b",sf\x00" + b"A\x00\x00\x00" + struct.pack(">f", 1.0),
                     "an address without its terminating NUL", r".")
    counter.rejected(address + b",sf\x00" + b"A\x00\x00\x00", "a message whose float argument is missing", r".")
    counter.rejected(address[:-2], "an address without its padding", r".")
    counter.rejected(b"#bundle\x00" + immediately + struct.pack(">i", 1000) + address,
                     "a bundle whose element overruns the datagram", r".")
    counter.rejected(b"#bundle\x00" + immediately + struct.pack(">i", -4) + address,
                     "a bundle element of negative size", r".")
    counter.rejected(b"#bundle\x00" + immediately[:4], "a bundle cut inside its time tag", r".")
    counter.rejected(b"", "an empty datagram", r".")

    assert tcontrol.ping(b"osc").payload == b"osc"
    after = counter.accepted(bundle(blend("A", 0.0), apply()).dgram, "a good bundle after the garbage")
    assert after.last_avatar_id == VMC_AVATAR


def test_head_turns_the_way_arkit_head_rotation_does(viewer, llf_socket, vmc_client, trackers_daemon):
    """Live Link Face HeadYaw > 0, and a VMC Head bone or Root turned by a negative Unity angle
    about +y, turn the head to its own left, like ARKit head_rotation y > 0 on the drive
    endpoint."""
    def llf_send():
        llf_socket.send(llf_packet(llf_values({"HeadYaw": 0.35})))  # 0.35 × 90° = 31.5° = 0.55 rad

    head_left = bone("Head", (0.0, 0.06, 0.02), unity_y_rotation(-0.55))
    head_straight = bone("Head", (0.0, 0.06, 0.02), (0.0, 0.0, 0.0, 1.0))
    llf_frame = capture(viewer, LLF_AVATAR, llf_send)
    vmc_frame = capture(viewer, VMC_AVATAR, lambda: vmc_client.send(bundle(root_identity(), head_left,
                                                                               blend("A", 0.0), apply())))
    vmc_root_frame = capture(viewer, VMC_AVATAR, lambda: vmc_client.send(bundle(root(unity_y_rotation(-0.55)),
                                                                                    head_straight, blend("A", 0.0),
                                                                                    apply())))

    references = {}
    for avatar in (LLF_AVATAR, VMC_AVATAR):
        for yaw in (0.55, -0.55):
            with DrivePublisher(trackers_daemon.drive) as drive:
                assert drive.wait_connected(5.0)
                references[avatar, yaw] = capture(viewer, avatar, lambda: drive.send_arkit(
                    avatar, [0.0] * 52, head_rotation=(0.0, yaw, 0.0), left_eye_rotation=(0.0, 0.0, 0.0),
                    right_eye_rotation=(0.0, 0.0, 0.0)))

    for avatar, image, what in ((LLF_AVATAR, llf_frame, "Live Link Face HeadYaw=+0.35"),
                                (VMC_AVATAR, vmc_frame, "VMC Head bone turned -0.55 rad about Unity +y"),
                                (VMC_AVATAR, vmc_root_frame, "VMC Root turned -0.55 rad about Unity +y")):
        left, right = references[avatar, 0.55], references[avatar, -0.55]
        apart = mse(left, right)
        assert apart > 200, f"the references of {avatar} differ by an MSE of only {apart:.1f}"
        to_left, to_right = mse(image, left), mse(image, right)
        assert to_left < 0.25 * to_right, \
            f"{what}: MSE {to_left:.1f} to the head turned left, {to_right:.1f} to the head turned right"


def test_unmapped_subjects_go_to_demo_by_default(tmp_path):
    """With --livelink alone (no subject map, no --livelink-avatar) any subject drives "demo";
    only the configured listener is printed and listed."""
    with tracker_daemon_process(tmp_path / "splatd.stderr.log", ["--livelink", "0"], ("livelink",)) as daemon:
        with Control(daemon.control, timeout=10.0) as ctl:
            assert [t.protocol for t in ctl.status().trackers] == ["livelink"]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect(daemon.address("livelink"))
                counter = Counter(ctl, "livelink", sock.send)
                t = counter.accepted(llf_packet(llf_values({"JawOpen": 1.0}), subject="Anyone"), "any subject")
                assert (t.last_subject, t.last_avatar_id) == ("Anyone", "demo")
                assert t.packets_rejected == 0
