"""CURVE encryption, authentication and roles, end to end: the Python client against a real
splatd started with `--curve-secret server.key_secret --clients DIR`.

Certificates come from pyzmq's own `zmq.auth.create_certificates` (and one from
`splatctl keygen`), so the daemon is checked against an implementation it did not write.
pyzmq writes a certificate's metadata into the secret file only; the public `.key` put into
the daemon's clients folder is therefore written here, zcert format, with the role's metadata.

The tests that need the daemon are skipped, with the reason, when `splatd serve --help` does
not mention `--curve-secret` (a build from before CURVE). The key-file tests need no daemon.
"""

from __future__ import annotations

import functools
import json
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Optional

import pytest
import zmq
import zmq.auth

from conftest import REPO_DIR, Daemon, find_splatd, python_env, start_splatd, stop_splatd, wait_until
from splatd import Control, CurveKeyError, CurveKeys, DrivePublisher, FrameSubscriber, SplatdError, SplatdTimeout
from splatd.client import wall_clock_us
from splatd.cli import common as cli_common
from splatd.cli import ctl as cli_ctl
from splatd.proto import splatd_pb2 as pb

#: How long a refused client is given to get something it must not get.
SILENCE_SECONDS = 2.0
FRAME_TIMEOUT = 10.0
VIEW_STREAM = "sec-view"      # the limited viewers' stream (renders DRIVEN_AVATAR)
OTHER_STREAM = "sec-other"    # a stream the limited viewers may not watch
DRIVEN_AVATAR = "sec-a"       # the driver's avatar
OTHER_AVATAR = "sec-b"        # an avatar the driver may not drive
SCENE_PATH = REPO_DIR / "samples" / "scene.ply"

pytestmark = pytest.mark.skipif(not zmq.has("curve"), reason="this pyzmq's libzmq has no CURVE support")


# ─── certificates ─────────────────────────────────────────────────────────────

def write_public_certificate(path: Path, public_key: bytes, metadata: Dict[str, str]) -> None:
    """A zcert public certificate with `metadata`: what the daemon's clients folder holds.
    Values alternate between quoted and bare, as zcert allows both."""
    lines = ["#   ZeroMQ CURVE Public Certificate (written by test_security.py)", "", "metadata"]
    for i, (key, value) in enumerate(metadata.items()):
        lines.append(f'    {key} = "{value}"' if i % 2 == 0 else f"    {key} = {value}")
    lines += ["curve", f'    public-key = "{public_key.decode("ascii")}"', ""]
    path.write_text("\n".join(lines))


def make_client(keys_dir: Path, clients_dir: Optional[Path], name: str, metadata: Dict[str, str]) -> Path:
    """A client certificate from `zmq.auth.create_certificates`; its public half, with the
    metadata, goes into `clients_dir` (None: a key the daemon does not know). Returns the
    `.key_secret` path."""
    public_file, secret_file = zmq.auth.create_certificates(str(keys_dir), name, metadata)
    if clients_dir is not None:
        public_key, _ = zmq.auth.load_certificate(secret_file)
        write_public_certificate(clients_dir / f"{name}.key", public_key, metadata)
    return Path(secret_file)


def splatctl_binary() -> Path:
    """splatctl beside the splatd the tests run."""
    return find_splatd()[0].resolve().parent / "splatctl"


@functools.lru_cache(maxsize=None)
def splatctl_keygen_problem() -> Optional[str]:
    """Why `splatctl keygen` cannot be used (None when it can)."""
    binary = splatctl_binary()
    if not binary.is_file():
        return f"no splatctl beside splatd ({binary})"
    r = subprocess.run([str(binary), "keygen", "--help"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return f"{binary} has no `keygen` command (an older build: rebuild it)"
    return None


@functools.lru_cache(maxsize=None)
def curve_daemon_problem() -> Optional[str]:
    """Why the daemon cannot be tested with CURVE (None when it can): it predates `--curve-secret`."""
    binary, _ = find_splatd()
    if not binary.is_file():
        return None  # start_splatd skips (or fails, for a wrong $SPLATD_BIN) with the reason
    r = subprocess.run([str(binary), "serve", "--help"], capture_output=True, text=True, timeout=60)
    if "--curve-secret" not in r.stdout + r.stderr:
        return f"{binary} has no `serve --curve-secret` (built before CURVE support: rebuild it)"
    return None


@dataclass
class Pki:
    """The keys of one test daemon: the server's certificate and every client's keys."""
    keys_dir: Path
    clients_dir: Path
    server_public_file: Path
    server_secret_file: Path
    secrets: Dict[str, Path]
    keygen_problem: Optional[str]

    def keys(self, name: str) -> CurveKeys:
        return CurveKeys.load(self.secrets[name], self.server_public_file)


# Roles of the clients made by zmq.auth (name → metadata); `stranger` is not in the folder.
CLIENTS = {
    "admin": {"role": "admin"},
    "operator": {"role": "operator"},
    "driver": {"role": "driver", "avatars": DRIVEN_AVATAR},
    "viewer": {"role": "viewer", "streams": VIEW_STREAM},
    "everything": {"role": "viewer", "streams": "*"},
    "keeper": {"role": "viewer", "streams": f"{VIEW_STREAM},{OTHER_STREAM}"},
    "revokee": {"role": "viewer", "streams": VIEW_STREAM},
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    base = tmp_path_factory.mktemp("curve")
    keys_dir, clients_dir = base / "keys", base / "clients"
    keys_dir.mkdir()
    clients_dir.mkdir()
    server_public, server_secret = zmq.auth.create_certificates(str(keys_dir), "server")
    secrets = {name: make_client(keys_dir, clients_dir, name, metadata) for name, metadata in CLIENTS.items()}
    secrets["stranger"] = make_client(keys_dir, None, "stranger", {"role": "admin"})
    problem = curve_daemon_problem() or splatctl_keygen_problem()
    if problem is None:
        # A viewer made by splatctl keygen: its public .key goes into the folder as it is.
        folder = base / "keygen"
        folder.mkdir()
        r = subprocess.run([str(splatctl_binary()), "keygen", "kviewer", "--role", "viewer", "--streams", VIEW_STREAM,
                            "--folder", str(folder)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, f"splatctl keygen failed: {r.stdout}{r.stderr}"
        (folder / "kviewer.key").rename(clients_dir / "kviewer.key")
        secrets["kviewer"] = folder / "kviewer.key_secret"
    return Pki(keys_dir, clients_dir, Path(server_public), Path(server_secret), secrets, problem)


@pytest.fixture(scope="module")
def daemon(pki, tmp_path_factory):
    """A CURVE daemon on loopback ports; skipped when the build predates CURVE."""
    problem = curve_daemon_problem()
    if problem:
        pytest.skip(problem)
    log = tmp_path_factory.mktemp("curve-daemon") / "splatd.stderr.log"
    d = start_splatd(log, ["--curve-secret", str(pki.server_secret_file), "--clients", str(pki.clients_dir),
                           "--avatar-root", str(SCENE_PATH.parent)])
    yield d
    stop_splatd(d)


@pytest.fixture(scope="module")
def admin(daemon, pki):
    with Control(daemon.control, timeout=10.0, curve=pki.keys("admin")) as ctl:
        yield ctl


@pytest.fixture(scope="module")
def setup(daemon, admin):
    """The avatars and streams the tests share: DRIVEN_AVATAR and OTHER_AVATAR (demo heads),
    VIEW_STREAM and OTHER_STREAM (both rendering DRIVEN_AVATAR, 64×64 JPEG)."""
    for avatar in (DRIVEN_AVATAR, OTHER_AVATAR):
        admin.load_avatar("demo", avatar_id=avatar, replace=True)
    for stream in (VIEW_STREAM, OTHER_STREAM):
        admin.open_stream(DRIVEN_AVATAR, stream_id=stream, width=64, height=64, fps=15)
    return daemon


# ─── helpers ──────────────────────────────────────────────────────────────────

def counters(admin: Control) -> pb.DaemonStatus:
    return admin.status()


def gets_no_reply(ctl: Control) -> bool:
    """True when a ping gets no reply within SILENCE_SECONDS."""
    try:
        ctl.ping(b"anyone?", timeout=SILENCE_SECONDS)
    except SplatdTimeout:
        return True
    return False


def gets_no_frame(sub: FrameSubscriber, seconds: float = SILENCE_SECONDS) -> bool:
    try:
        sub.next_frame(seconds)
    except SplatdTimeout:
        return True
    return False


def gets_no_event(sub: FrameSubscriber, trigger: Callable[[], None], seconds: float = SILENCE_SECONDS) -> bool:
    """Runs `trigger` (which makes the daemon publish events), then True when `sub` got no
    event within `seconds`."""
    trigger()
    try:
        sub.next_event(seconds)
    except SplatdTimeout:
        return True
    return False


def open_and_close(admin: Control, stream_id: str) -> Callable[[], None]:
    """A trigger for events: opens and closes a stream."""
    def trigger() -> None:
        admin.open_stream(DRIVEN_AVATAR, stream_id=stream_id, width=32, height=32, fps=5)
        admin.close_stream(stream_id)
    return trigger


def assert_denied(call: Callable[[], object], what: str) -> None:
    with pytest.raises(SplatdError) as e:
        call()
    assert e.value.status == pb.STATUS_PERMISSION_DENIED, f"{what}: {e.value.status_name}: {e.value.message}"


def connected_subscriber(daemon: Daemon, stream: Optional[str], keys: Optional[CurveKeys], **kwargs) -> FrameSubscriber:
    return FrameSubscriber(daemon.frames, stream, curve=keys, **kwargs)


def drive_counters(admin: Control, avatar: str):
    s = admin.avatar_status(avatar)
    return s.drive_frames_received, s.last_drive_sequence


# ─── key files (no daemon) ────────────────────────────────────────────────────

def test_keys_load_from_pyzmq_certificates(pki):
    keys = pki.keys("admin")
    public, secret = zmq.auth.load_certificate(pki.secrets["admin"])
    server_public, _ = zmq.auth.load_certificate(pki.server_public_file)
    assert (keys.public_key, keys.secret_key, keys.server_key) == (public, secret, server_public)
    # The server key as Z85 text, or from the server's .key_secret, is the same key.
    assert CurveKeys.load(pki.secrets["admin"], server_public.decode()) == keys
    assert CurveKeys.load(pki.secrets["admin"], pki.server_secret_file) == keys
    assert secret.decode() not in repr(keys)
    socket = zmq.Context.instance().socket(zmq.DEALER)
    try:
        keys.apply(socket)
        assert socket.getsockopt(zmq.MECHANISM) == zmq.CURVE
    finally:
        socket.close(0)


def test_key_file_errors_name_the_problem(pki, tmp_path):
    server = pki.server_public_file
    cases = [
        ((tmp_path / "nope.key_secret", server), "does not exist"),
        ((pki.clients_dir / "admin.key", server), "holds no secret-key"),     # a public certificate
        ((pki.secrets["admin"], "short"), "neither a 40-character Z85 key"),
        ((pki.secrets["admin"], "~" * 40), "not Z85"),
        ((pki.secrets["admin"], tmp_path / "missing" / "server.key"), "does not exist"),
        ((tmp_path, server), "is not a file"),
    ]
    junk = tmp_path / "junk.key_secret"
    junk.write_text("metadata\ncurve\n")
    cases.append(((junk, server), "no public-key"))
    bad_secret = tmp_path / "bad.key_secret"
    bad_secret.write_text(pki.secrets["admin"].read_text().replace("secret-key = \"", "secret-key = \"~", 1))
    cases.append(((bad_secret, server), "secret-key"))
    other_public, _ = zmq.auth.load_certificate(pki.secrets["viewer"])
    admin_public, _ = zmq.auth.load_certificate(pki.secrets["admin"])
    mismatched = tmp_path / "mismatched.key_secret"
    mismatched.write_text(pki.secrets["admin"].read_text().replace(admin_public.decode(), other_public.decode()))
    cases.append(((mismatched, server), "does not belong"))
    for args, fragment in cases:
        with pytest.raises(CurveKeyError) as e:
            CurveKeys.load(*args)
        assert fragment in str(e.value), (args, str(e.value))


def test_cli_options_flag_over_environment(pki, monkeypatch):
    monkeypatch.delenv("SPLATD_CURVE_SECRET", raising=False)
    monkeypatch.delenv("SPLATD_SERVER_KEY", raising=False)
    assert cli_common.curve_keys(cli_ctl.build_parser().parse_args(["ping"])) is None
    monkeypatch.setenv("SPLATD_CURVE_SECRET", str(pki.secrets["viewer"]))
    monkeypatch.setenv("SPLATD_SERVER_KEY", str(pki.server_public_file))
    assert cli_common.curve_keys(cli_ctl.build_parser().parse_args(["ping"])) == pki.keys("viewer")
    args = cli_ctl.build_parser().parse_args(["ping", "--curve-secret", str(pki.secrets["admin"])])
    assert cli_common.curve_keys(args) == pki.keys("admin")
    monkeypatch.delenv("SPLATD_SERVER_KEY")
    with pytest.raises(CurveKeyError, match="needs --server-key"):
        cli_common.curve_keys(cli_ctl.build_parser().parse_args(["ping"]))


def test_unknown_key_timeout_says_why(pki):
    # Nothing listens on port 9: the message explains that CURVE refusals look the same.
    with Control("tcp://127.0.0.1:9", timeout=0.2, curve=pki.keys("stranger")) as ctl:
        with pytest.raises(SplatdTimeout, match="with CURVE, a key the daemon does not know"):
            ctl.ping()


# ─── the daemon ───────────────────────────────────────────────────────────────

def test_status_reports_curve(setup, admin):
    status = admin.status()
    assert status.curve is True
    assert status.avatar_budget_bytes > 0 and status.avatar_bytes > 0


def test_unknown_key_gets_nothing(setup, admin, pki):
    stranger = pki.keys("stranger")
    before = counters(admin).auth_denied
    received_before = drive_counters(admin, DRIVEN_AVATAR)
    with Control(setup.control, curve=stranger) as ctl:
        assert gets_no_reply(ctl), "an unknown key got a reply"
    with connected_subscriber(setup, VIEW_STREAM, stranger, events=True) as sub:
        assert gets_no_frame(sub), "an unknown key got a frame"
    with DrivePublisher(setup.drive, curve=stranger) as drive:
        assert not drive.wait_connected(SILENCE_SECONDS), "the daemon subscribed to an unknown key's drive publisher"
        for _ in range(10):
            drive.send_arkit(DRIVEN_AVATAR, {"jawOpen": 1.0})
            time.sleep(0.01)
    time.sleep(0.5)
    assert drive_counters(admin, DRIVEN_AVATAR) == received_before, "an unknown key's drive frames changed the avatar"
    assert wait_until(lambda: counters(admin).auth_denied > before, 5.0), "auth_denied did not count the unknown key"


def test_client_without_curve_gets_nothing(setup):
    with Control(setup.control) as ctl:
        assert gets_no_reply(ctl), "a client without CURVE got a reply"
    with connected_subscriber(setup, VIEW_STREAM, None, events=True) as sub:
        assert gets_no_frame(sub), "a client without CURVE got a frame"


def test_viewer_may_only_watch(setup, admin, pki):
    keys = pki.keys("viewer")
    denied_before = counters(admin).requests_denied
    with Control(setup.control, timeout=10.0, curve=keys) as viewer:
        assert viewer.ping(b"v").payload == b"v"
        assert_denied(lambda: viewer.unload_avatar(DRIVEN_AVATAR), "unload_avatar")
        assert_denied(lambda: viewer.load_avatar("demo", avatar_id="sec-viewer-load"), "load_avatar")
        assert_denied(lambda: viewer.open_stream(DRIVEN_AVATAR, stream_id="sec-viewer-open"), "open_stream")
        assert_denied(lambda: viewer.close_stream(VIEW_STREAM), "close_stream")
        assert_denied(lambda: viewer.update_stream(VIEW_STREAM, fps=10), "update_stream")
        assert_denied(lambda: viewer.set_mixing(DRIVEN_AVATAR, jaw_and_mouth="tracker", head_pose="tracker",
                                                eyes_and_brows="tracker"), "set_mixing")
        assert_denied(lambda: viewer.request_keyframe(OTHER_STREAM), "request_keyframe of another stream")
        viewer.request_keyframe(VIEW_STREAM)  # its own stream: allowed
        assert [s.stream_id for s in viewer.list_streams()] == [VIEW_STREAM]
        assert [s.info.stream_id for s in viewer.status().streams] == [VIEW_STREAM]
        seen = {a.avatar_id: a.path for a in viewer.list_avatars()}
        assert DRIVEN_AVATAR in seen and set(seen.values()) == {""}, f"a viewer sees avatar paths: {seen}"
    assert {a.avatar_id: a.path for a in admin.list_avatars()}[DRIVEN_AVATAR], "the admin sees no avatar path"
    assert counters(admin).requests_denied >= denied_before + 7
    # Nothing was changed by the denied requests.
    assert {VIEW_STREAM, OTHER_STREAM} <= {s.stream_id for s in admin.list_streams()}
    assert DRIVEN_AVATAR in {a.avatar_id for a in admin.list_avatars()}


def test_viewer_gets_only_its_streams_and_no_events(setup, admin, pki):
    keys = pki.keys("viewer")
    refused_before = counters(admin).subscriptions_refused
    with connected_subscriber(setup, OTHER_STREAM, keys) as other:
        assert gets_no_frame(other), f"a viewer of {VIEW_STREAM} got frames of {OTHER_STREAM}"
    assert wait_until(lambda: counters(admin).subscriptions_refused > refused_before, 5.0), \
        "subscriptions_refused did not count the refused subscription"
    with connected_subscriber(setup, VIEW_STREAM, keys) as own:
        meta, _ = own.next_frame(FRAME_TIMEOUT)
        assert meta.stream_id == VIEW_STREAM
    with connected_subscriber(setup, None, keys, events=True) as limited, \
            connected_subscriber(setup, None, pki.keys("everything"), events=True) as everything:
        time.sleep(0.5)  # both subscriptions through
        assert gets_no_event(limited, open_and_close(admin, "sec-events-1")), "a limited viewer got daemon events"
        assert everything.next_event(FRAME_TIMEOUT).WhichOneof("body") in ("stream_opened", "stream_closed"), \
            "a viewer of every stream got no events"


def test_driver_drives_only_its_avatar(setup, admin, pki):
    keys = pki.keys("driver")
    with Control(setup.control, timeout=10.0, curve=keys) as driver:
        assert driver.ping().version
        assert_denied(lambda: driver.open_stream(DRIVEN_AVATAR, stream_id="sec-driver-open"), "open_stream")
        assert {a.avatar_id for a in driver.list_avatars()} <= {DRIVEN_AVATAR}
    received, _ = drive_counters(admin, DRIVEN_AVATAR)
    other_received, _ = drive_counters(admin, OTHER_AVATAR)
    denied_before = counters(admin).drive_denied
    with FrameSubscriber(setup.frames, VIEW_STREAM, curve=pki.keys("admin")) as watch, \
            DrivePublisher(setup.drive, curve=keys) as drive:
        assert drive.wait_connected(5.0), "the daemon did not subscribe to the driver's publisher"
        sent = None
        for i in range(10):
            sent = drive.send_arkit(DRIVEN_AVATAR, {"jawOpen": i / 10})
            drive.send_arkit(OTHER_AVATAR, {"jawOpen": 1.0})
            time.sleep(0.02)
        deadline = time.monotonic() + FRAME_TIMEOUT
        while True:
            meta, _ = watch.next_frame(FRAME_TIMEOUT)
            if meta.drive_sequence == sent.sequence and meta.drive_sender_time_us == sent.sender_time_us:
                break
            assert time.monotonic() < deadline, f"no frame showed the driver's frame {sent.sequence}"
    assert wait_until(lambda: drive_counters(admin, DRIVEN_AVATAR)[0] == received + 10, 5.0)
    assert drive_counters(admin, DRIVEN_AVATAR)[1] == sent.sequence
    assert drive_counters(admin, OTHER_AVATAR)[0] == other_received, "frames for another avatar were applied"
    assert wait_until(lambda: counters(admin).drive_denied >= denied_before + 10, 5.0), "drive_denied did not count them"


def test_driver_gets_no_frames(setup, pki):
    with connected_subscriber(setup, VIEW_STREAM, pki.keys("driver"), events=True) as sub:
        assert gets_no_frame(sub), "a driver got frames"


def test_operator_manages_streams_not_avatars(setup, admin, pki):
    with Control(setup.control, timeout=10.0, curve=pki.keys("operator")) as operator:
        info = operator.open_stream(DRIVEN_AVATAR, stream_id="sec-op", width=32, height=32, fps=10)
        assert info.stream_id == "sec-op"
        try:
            with FrameSubscriber(setup.frames, "sec-op", curve=pki.keys("operator")) as sub:
                assert sub.next_frame(FRAME_TIMEOUT).meta.stream_id == "sec-op"
            operator.update_stream("sec-op", fps=5)
            operator.set_mixing(DRIVEN_AVATAR, jaw_and_mouth="tracker")
        finally:
            operator.close_stream("sec-op")
        assert "sec-op" not in {s.stream_id for s in admin.list_streams()}
        assert_denied(lambda: operator.load_avatar("demo", avatar_id="sec-op-load"), "load_avatar")
        assert_denied(lambda: operator.unload_avatar(OTHER_AVATAR), "unload_avatar")
        assert {DRIVEN_AVATAR, OTHER_AVATAR} <= {a.avatar_id for a in operator.list_avatars()}
        paths = {a.avatar_id: a.path for a in operator.list_avatars()}
        assert set(paths.values()) == {""}, f"an operator sees avatar paths: {paths}"


def test_admin_does_everything(setup, admin):
    scene = admin.load_avatar(str(SCENE_PATH), avatar_id="sec-scene")
    try:
        assert scene.path, "the admin sees no path"
        paths = {a.avatar_id: a.path for a in admin.list_avatars()}
        assert paths["sec-scene"] == scene.path
        admin.open_stream("sec-scene", stream_id="sec-admin", width=32, height=32, fps=10)
        assert "sec-admin" in {s.stream_id for s in admin.list_streams()}
        admin.update_stream("sec-admin", avatar_id=DRIVEN_AVATAR)
        admin.close_stream("sec-admin")
    finally:
        admin.unload_avatar("sec-scene")
    assert "sec-scene" not in {a.avatar_id for a in admin.list_avatars()}


def test_viewer_made_by_splatctl_keygen(setup, pki):
    if pki.keygen_problem:
        pytest.skip(pki.keygen_problem)
    secret = pki.secrets["kviewer"]
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600, "splatctl keygen left the secret readable by others"
    keys = CurveKeys.load(secret, pki.server_public_file)
    with Control(setup.control, timeout=10.0, curve=keys) as ctl:
        assert [s.stream_id for s in ctl.list_streams()] == [VIEW_STREAM]
        assert_denied(lambda: ctl.close_stream(VIEW_STREAM), "close_stream")
    with FrameSubscriber(setup.frames, VIEW_STREAM, curve=keys) as sub:
        assert sub.next_frame(FRAME_TIMEOUT).meta.stream_id == VIEW_STREAM


def test_commands_take_keys_from_flags_and_environment(setup, pki):
    base = [sys.executable, "-m", "splatd.cli.ctl", "--control", setup.control, "--timeout", "10"]
    r = subprocess.run([*base, "status", "--compact", "--curve-secret", str(pki.secrets["admin"]),
                        "--server-key", str(pki.server_public_file)],
                       capture_output=True, text=True, timeout=60, env=python_env())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["curve"] is True
    env = python_env()
    env.update(SPLATD_CURVE_SECRET=str(pki.secrets["viewer"]), SPLATD_SERVER_KEY=str(pki.server_public_file))
    r = subprocess.run([*base, "close", VIEW_STREAM], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 1 and "STATUS_PERMISSION_DENIED" in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "splatd.cli.watch", VIEW_STREAM, "--frames", setup.frames, "--control",
                        setup.control, "--count", "2", "--timeout", "10", "--quiet"],
                       capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr


def test_sighup_revokes_a_removed_key(setup, admin, pki):
    """Runs last among the daemon tests: it changes the clients folder."""
    revokee, keeper = pki.keys("revokee"), pki.keys("keeper")
    with Control(setup.control, timeout=10.0, curve=revokee) as revoked_ctl, \
            Control(setup.control, timeout=10.0, curve=keeper) as keeper_ctl, \
            FrameSubscriber(setup.frames, VIEW_STREAM, curve=revokee) as revoked_sub, \
            FrameSubscriber(setup.frames, VIEW_STREAM, curve=keeper) as keeper_sub:
        revoked_ctl.ping()
        keeper_ctl.ping()
        revoked_sub.next_frame(FRAME_TIMEOUT)
        keeper_sub.next_frame(FRAME_TIMEOUT)

        (pki.clients_dir / "revokee.key").unlink()
        setup.process.send_signal(signal.SIGHUP)
        hup = time.monotonic()

        # The revoked viewer: frames already on the way may still arrive, then nothing.
        silent = False
        while time.monotonic() - hup < 8.0:
            if gets_no_frame(revoked_sub):
                silent = True
                break
        assert silent, "the revoked viewer still receives frames 8 s after SIGHUP"
        silent_since_us = wall_clock_us()
        assert gets_no_reply(revoked_ctl), "the revoked key's control request got a reply"
        # The other viewer reconnects and goes on receiving: a frame rendered after the revoked
        # one fell silent (not one queued before the re-bind).
        deadline = time.monotonic() + FRAME_TIMEOUT
        while True:
            meta, _ = keeper_sub.next_frame(FRAME_TIMEOUT)
            if meta.frame_time_us > silent_since_us:
                break
            assert time.monotonic() < deadline, "the other viewer got no new frame after SIGHUP"
        assert meta.stream_id == VIEW_STREAM
        assert keeper_ctl.ping(b"still").payload == b"still"
    with Control(setup.control, curve=revokee) as fresh:
        assert gets_no_reply(fresh), "a new connection with the revoked key got a reply"


# ─── binding beyond loopback ──────────────────────────────────────────────────

def test_non_loopback_needs_curve_or_insecure(tmp_path):
    problem = curve_daemon_problem()
    if problem:
        pytest.skip(problem)
    binary, _ = find_splatd()
    if not binary.is_file():
        pytest.skip(f"no splatd binary at {binary}")
    loopback = "tcp://127.0.0.1:*"
    args = [str(binary.resolve()), "serve", "--control", loopback, "--drive", loopback, "--audio", loopback,
            "--frames", "tcp://0.0.0.0:*", "--no-demo"]
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail("splatd serve bound tcp://0.0.0.0 without CURVE and kept running (it should refuse)")
    assert r.returncode != 0, f"splatd accepted a non-loopback bind without CURVE:\n{r.stdout}{r.stderr}"
    assert "--insecure" in r.stdout + r.stderr, f"the refusal does not name --insecure:\n{r.stdout}{r.stderr}"
    # With --insecure it starts (and stops on SIGINT).
    d = start_splatd(tmp_path / "insecure.log", ["--frames", "tcp://0.0.0.0:*", "--no-demo", "--insecure"])
    try:
        assert d.frames.startswith("tcp://0.0.0.0:")
    finally:
        stop_splatd(d)
