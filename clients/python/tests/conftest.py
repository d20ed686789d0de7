import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

REPO_DIR = PYTHON_DIR.parents[1]
DEFAULT_SPLATD = REPO_DIR / ".build" / "debug" / "splatd"
SERVING = re.compile(r"splatd serving\W+control (\S+), drive (\S+), frames (\S+), audio (\S+)")
START_SECONDS = 60   # the demo avatar is built at start-up; a debug build on a busy machine is slow
STOP_SECONDS = 10


@dataclass
class Daemon:
    """A splatd process started for the test session, with its resolved endpoints."""
    binary: Path
    process: subprocess.Popen
    control: str
    drive: str
    frames: str
    audio: str
    log_path: Path
    stdout: List[str] = field(default_factory=list)
    reader: Optional[threading.Thread] = None

    def log(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            text = ""
        return "stdout:\n" + "".join(self.stdout) + "\nstderr:\n" + text[-4000:]


def find_splatd():
    """(path, how it was chosen): $SPLATD_BIN, else ../../.build/debug/splatd."""
    env = os.environ.get("SPLATD_BIN")
    if env:
        return Path(env), "SPLATD_BIN"
    return DEFAULT_SPLATD, "default"


def start_splatd(log_path: Path, extra_args: Sequence[str] = ()) -> Daemon:
    """Starts `splatd serve` on ephemeral loopback ports (plus `extra_args`, e.g. `--http …`)
    and waits for its endpoints; skips the test when there is no binary to start (fails when
    $SPLATD_BIN names a missing file)."""
    binary, how = find_splatd()
    if not binary.is_file():
        if how == "SPLATD_BIN":
            pytest.fail(f"SPLATD_BIN={binary} is not a file")
        pytest.skip(f"no splatd binary at {binary}: build it (swift build --product splatd) or set SPLATD_BIN")
    ephemeral = "tcp://127.0.0.1:*"
    with open(log_path, "w") as stderr:
        # Its working directory is the test's temporary folder: file outputs (the README's
        # `splatctl output start … take-live.mkv`) land there, not in the repository.
        process = subprocess.Popen(
            [str(binary.resolve()), "serve", "--control", ephemeral, "--drive", ephemeral, "--frames", ephemeral,
             "--audio", ephemeral, *extra_args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1,
            cwd=str(log_path.parent))
    lines: List[str] = []
    found = {}
    ready = threading.Event()

    def read_stdout():
        for line in process.stdout:
            lines.append(line)
            m = SERVING.search(line)
            if m and not found:
                found["endpoints"] = m.groups()
                ready.set()
        ready.set()  # stdout closed: the daemon ended

    reader = threading.Thread(target=read_stdout, name="splatd-stdout", daemon=True)
    reader.start()
    ready.wait(START_SECONDS)
    if "endpoints" not in found:
        exited_early = process.poll() is not None
        process.kill()
        process.wait()
        stderr_text = log_path.read_text(errors="replace")[-4000:]
        what = (f"exited with status {process.returncode} without printing its endpoints (is it an up-to-date build "
                f"with `splatd serve`?)" if exited_early else f"did not print its endpoints within {START_SECONDS} s")
        pytest.fail(f"{binary} {what}\nstdout:\n{''.join(lines)}\nstderr:\n{stderr_text}")
    control, drive, frames, audio = found["endpoints"]
    return Daemon(binary, process, control, drive, frames, audio, log_path, lines, reader)


def stop_splatd(daemon: Daemon) -> None:
    """Stops the daemon with SIGINT and checks that it exits with status 0."""
    process = daemon.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"splatd did not exit within {STOP_SECONDS} s of SIGINT\n{daemon.log()}")
    daemon.reader.join(2)
    assert process.returncode == 0, f"splatd exited with status {process.returncode}\n{daemon.log()}"


@pytest.fixture(scope="session")
def splatd_daemon(tmp_path_factory):
    """Starts `splatd serve` on ephemeral loopback ports for the session; stops it with SIGINT
    at the end and checks that it exits with status 0."""
    daemon = start_splatd(tmp_path_factory.mktemp("splatd") / "splatd.stderr.log")
    yield daemon
    stop_splatd(daemon)


@pytest.fixture
def control(splatd_daemon):
    from splatd.client import Control

    with Control(splatd_daemon.control, timeout=10.0) as ctl:
        yield ctl


@pytest.fixture
def fresh_avatar(splatd_daemon, control, request):
    """A demo head loaded under a test-specific id (own drive counters), unloaded afterwards."""
    avatar_id = "t-" + re.sub(r"[^A-Za-z0-9_.-]", "-", request.node.name)[:50]
    control.load_avatar("demo", avatar_id=avatar_id, replace=True)
    yield avatar_id
    try:
        control.unload_avatar(avatar_id)
    except Exception:
        pass


def python_env() -> dict:
    """Environment for running the package's commands as `python -m splatd.cli.X`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PYTHON_DIR) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def wait_until(predicate, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return value
        time.sleep(interval)
