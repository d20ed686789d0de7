"""Every shell command of README.md runs as written from a clone.

The commands of the README's ```sh blocks run one by one, in the README's order, with bash, in
a folder that looks like a clone (the repository's top-level entries linked into it), with the
freshly built splatd and splatctl (next to $SPLATD_BIN, else .build/debug/) and the Python
client's commands first on PATH. The commands that need a daemon talk to one started for this
module on ephemeral ports, found through SPLATD_CONTROL, SPLATD_DRIVE, SPLATD_FRAMES and
SPLATD_AUDIO, the variables every tool reads. Each must exit with status 0 and make the file or
folder it names (--out, --out-dir, --mp4, -w, > FILE).

Skipped, each with its reason: commands that start a daemon or the whole test suite (they run
until Ctrl-C, or for many minutes), those the README marks "needs your …" (your data or
webcam), and, where ffmpeg is not installed, the one marked "needs ffmpeg".
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PYTHON_DIR, REPO_DIR, find_splatd, start_splatd, stop_splatd

README = REPO_DIR / "README.md"
COMMAND_SECONDS = 300   # bench-stream searches for the most concurrent streams: about a minute
USER_MARKER = "needs your "
# Commands that start something that runs until Ctrl-C, or the whole test suite.
LONG_RUNNING = {
    "scripts/run": "builds a release and serves until Ctrl-C",
    "scripts/test": "runs every test suite, this one included",
    "splatd serve": "serves until Ctrl-C",
}
OUTPUT_FLAGS = ("--out", "--out-dir", "--mp4", "-w", "-o")


def readme_commands():
    """The command lines of the README's ```sh blocks, in order (comment-only lines left out)."""
    commands, block = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            block = line.strip() == "```sh" if not block else False
            continue
        if block and line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.strip())
    return commands


COMMANDS = readme_commands()


def skip_reason(command: str):
    """Why `command` does not run here, or None."""
    code = command.split(" #", 1)[0]
    for prefix, reason in LONG_RUNNING.items():
        if code.startswith(prefix):
            return reason
    if USER_MARKER in command:
        return command[command.index(USER_MARKER):]
    if "--curve-secret" in code:
        return "talks to the daemon with keys started above (test_security.py runs that set-up)"
    if "needs ffmpeg" in command and shutil.which("ffmpeg") is None:
        return "ffmpeg is not installed"
    return None


def outputs(command: str):
    """The files and folders the command says it makes: the values of its output options and
    the target of `> FILE`."""
    words = shlex.split(command.split(" #", 1)[0])
    made = [words[i + 1] for i, w in enumerate(words[:-1]) if w in OUTPUT_FLAGS]
    made += [words[i + 1] for i, w in enumerate(words[:-1]) if w == ">"]
    return made


def test_the_readme_has_commands_and_marks_only_what_cannot_run_here():
    assert len(COMMANDS) >= 25, COMMANDS
    for command in COMMANDS:
        if USER_MARKER in command:
            # The marker is for files that are not in the repository, or a camera.
            mentioned = [w for w in shlex.split(command.split(" #", 1)[0]) if "/" in w or w.endswith((".npz", ".task"))]
            assert any(not (REPO_DIR / w).exists() for w in mentioned), f"marked as needing your data: {command}"
        elif skip_reason(command) is None:
            assert "/data/" not in command, f"refers to your data without the marker: {command}"


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A working folder that looks like a clone, a PATH with the built binaries and the Python
    commands, and a daemon the commands reach through the SPLATD_* variables."""
    splatd, _ = find_splatd()
    splatctl = splatd.parent / "splatctl"
    if splatd.is_file() and not splatctl.is_file():
        pytest.fail(f"no splatctl next to {splatd}: build it (swift build --product splatctl)")
    root = tmp_path_factory.mktemp("readme")
    work = root / "clone"
    work.mkdir()
    for entry in REPO_DIR.iterdir():
        if entry.name not in (".git", ".build", ".venv", "bin"):
            (work / entry.name).symlink_to(entry)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    daemon = start_splatd(root / "splatd.stderr.log")
    for tool in (splatd, splatctl):
        (bin_dir / tool.name).symlink_to(tool)
    for name, module in (("splatd-publish", "publish"), ("splatd-watch", "watch"), ("splatd-ctl", "ctl")):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m splatd.cli.{module} "$@"\n')
        shim.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(PYTHON_DIR) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(SPLATD_CONTROL=daemon.control, SPLATD_DRIVE=daemon.drive, SPLATD_FRAMES=daemon.frames,
               SPLATD_AUDIO=daemon.audio)
    yield work, env
    stop_splatd(daemon)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command(clone, command):
    reason = skip_reason(command)
    if reason:
        pytest.skip(reason)
    work, env = clone
    r = subprocess.run(["bash", "-c", command], cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=COMMAND_SECONDS)
    assert r.returncode == 0, f"{command}\nexit status {r.returncode}\nstdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}"
    for name in outputs(command):
        path = work / name
        assert path.exists(), f"{command} did not make {name}\nstdout:\n{r.stdout[-2000:]}"
        if path.is_dir():
            assert any(path.iterdir()), f"{command} left {name} empty"
        else:
            assert path.stat().st_size > 0, f"{command} left {name} empty"
