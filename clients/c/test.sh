#!/usr/bin/env bash
# `make test`: runs splatd_ctl, splatd_drive and splatd_watch against a splatd daemon started on
# ephemeral loopback ports, and checks what comes back. Every step is bounded by `timeout`; the
# whole run takes a few seconds. Prints "N passed, M failed" last; exits non-zero on a failure.
#
#   ./test.sh [SPLATD_BIN]        (default ../../.build/debug/splatd)
set -uo pipefail
cd "$(dirname "$0")"
SPLATD_BIN=${1:-../../.build/debug/splatd}

STREAM=c128
SIZE=128
FRAMES=10

passed=0
failed=0
daemon_pid=""
work=$(mktemp -d "${TMPDIR:-/tmp}/splatd-c-test.XXXXXX")

cleanup() {
    if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill -KILL "$daemon_pid" 2>/dev/null
        wait "$daemon_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; }
finish() {
    echo "$passed passed, $failed failed"
    exit $((failed > 0 ? 1 : 0))
}
# Shows a file's lines indented under the step that produced them.
show() { sed 's/^/       | /' "$1"; }

# step NAME SECONDS COMMAND...: runs COMMAND under `timeout`, output in $work/out; passes on exit 0.
step() {
    local name=$1 seconds=$2
    shift 2
    timeout -k 2 "$seconds" "$@" >"$work/out" 2>&1
    local rc=$?
    show "$work/out"
    if ((rc == 0)); then pass "$name"; else fail "$name (exit $rc)"; fi
    return $rc
}

# check NAME PATTERN: passes when the last step's output matches the extended regex PATTERN.
check() {
    if grep -Eq -- "$2" "$work/out"; then pass "$1"; else fail "$1 (no line matches /$2/)"; fi
}

# ─── the daemon ──────────────────────────────────────────────────────────────
if [[ ! -x $SPLATD_BIN ]]; then
    fail "splatd binary '$SPLATD_BIN' is missing (build it: swift build --product splatd)"
    finish
fi
# `timeout` bounds the daemon's life too (SIGTERM after 45 s, which it handles like SIGINT) and
# forwards the SIGINT sent below.
timeout -k 2 45 "$SPLATD_BIN" serve --control 'tcp://127.0.0.1:*' --drive 'tcp://127.0.0.1:*' \
    --frames 'tcp://127.0.0.1:*' --audio 'tcp://127.0.0.1:*' >"$work/daemon.out" 2>"$work/daemon.log" &
daemon_pid=$!
line=""
for _ in $(seq 100); do
    line=$(grep -m1 '^splatd serving' "$work/daemon.out")
    [[ -n $line ]] && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
done
endpoint() { sed -n "s/.* $1 \(tcp:\/\/[^,]*\).*/\1/p" <<<"$line"; }
control=$(endpoint control)
drive=$(endpoint drive)
frames=$(endpoint frames)
if [[ -z $control || -z $drive || -z $frames ]]; then
    fail "daemon starts and prints its endpoints"
    show "$work/daemon.out"
    show "$work/daemon.log"
    finish
fi
echo "       | $line"
pass "daemon starts and prints its endpoints"

# ─── control ─────────────────────────────────────────────────────────────────
step "ctl ping" 10 ./splatd_ctl "$control" ping c-client && check "ping: pong echoes the payload" 'pong: .*payload="c-client"'

step "ctl open_stream $STREAM ${SIZE}x${SIZE} png" 10 \
    ./splatd_ctl "$control" open_stream "$STREAM" demo "${SIZE}x${SIZE}" png &&
    check "open_stream: reply describes the stream" "stream $STREAM: avatar=demo topic=frames/$STREAM ${SIZE}x${SIZE} .*codec=CODEC_PNG"

# ─── drive (background) and watch ────────────────────────────────────────────
timeout -k 2 10 ./splatd_drive "$drive" demo 1 >"$work/drive.out" 2>&1 &
drive_pid=$!
sleep 0.5  # the drive waits 300 ms for its connection: let drive frames flow while watching

mkdir -p "$work/frames"
step "watch $FRAMES frames of $STREAM" 15 ./splatd_watch -t 10 "$frames" "$STREAM" "$FRAMES" "$work/frames" &&
    check "watch: frames carry drive sequences (drive reached the avatar)" 'drive_sequence=[1-9]'

# Every file a PNG of the stream's size: signature, then the IHDR chunk with width and height.
pngs=("$work/frames/$STREAM"-*.png)
bad=0
if [[ ! -e ${pngs[0]} ]]; then
    pngs=()
fi
for file in "${pngs[@]}"; do
    read -r -a b < <(od -An -tu1 -N24 -v "$file" | tr -s ' \n' '  ')
    width=$(((b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19]))
    height=$(((b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]))
    if [[ "${b[*]:0:8}" != "137 80 78 71 13 10 26 10" || "${b[*]:12:4}" != "73 72 68 82" ||
          $width != "$SIZE" || $height != "$SIZE" ]]; then
        echo "       | $(basename "$file"): not a ${SIZE}x${SIZE} PNG (header ${b[*]})"
        bad=$((bad + 1))
    fi
done
if ((${#pngs[@]} == FRAMES && bad == 0)); then
    pass "$FRAMES files written, each a ${SIZE}x${SIZE} PNG"
else
    fail "$FRAMES files written, each a ${SIZE}x${SIZE} PNG (${#pngs[@]} files, $bad bad)"
fi

wait "$drive_pid"
rc=$?
show "$work/drive.out"
if ((rc == 0)) && grep -q '^sent 30 drive frames to demo' "$work/drive.out"; then
    pass "drive: 1 s of jawOpen at 30 Hz"
else
    fail "drive: 1 s of jawOpen at 30 Hz (exit $rc)"
fi

# ─── live viewing: newest frame only ─────────────────────────────────────────
# A viewer that pauses 1 s after each frame (-s 1): with -l every frame it shows is fresh
# (frame_time_us to receipt, "age", under 300 ms) and frames were skipped; without -l the queue
# hands it the frame after the one it showed, about 1 s old.
# ages FILE: the age in ms of every frame line after the first, one a line.
ages() { sed -n 's/^frame .* age=\([0-9.-]*\)ms.*/\1/p' "$1" | tail -n +2; }
step "ctl open_stream clive 128x128 jpeg" 10 ./splatd_ctl "$control" open_stream clive demo 128x128 jpeg
step "watch -l -s 1: 3 frames, newest only" 15 ./splatd_watch -l -s 1 -t 10 "$frames" clive 3 &&
    check "watch -l: frames were skipped" '\(missed some\)' &&
    if ages "$work/out" | awk '$1 >= 300 || $1 < -50 { bad = 1 } END { exit !(NR == 2 && !bad) }'; then
        pass "watch -l: each frame after a pause is fresh (age < 300 ms)"
    else
        fail "watch -l: each frame after a pause is fresh (age < 300 ms; ages: $(ages "$work/out" | tr '\n' ' '))"
    fi
step "watch -s 1 (every frame): 3 frames" 15 ./splatd_watch -s 1 -t 10 "$frames" clive 3 &&
    if ages "$work/out" | awk '$1 < 500 { bad = 1 } END { exit !(NR == 2 && !bad) }'; then
        pass "watch without -l: queued frames come late (age > 500 ms), as -l avoids"
    else
        fail "watch without -l: queued frames come late (ages: $(ages "$work/out" | tr '\n' ' '))"
    fi
step "ctl open_stream ch264 128x128 h264" 10 ./splatd_ctl "$control" open_stream ch264 demo 128x128 h264
step "watch -l -c -s 1 of H.264: 3 frames" 15 ./splatd_watch -l -c "$control" -s 1 -t 10 "$frames" ch264 3 &&
    check "watch -l H.264: resumed at requested keyframes" 'keyframes requested' &&
    if ages "$work/out" | awk '$1 >= 300 { bad = 1 } END { exit !(NR == 2 && !bad) }' &&
       ! grep -q 'newest only: [0-9]* skipped, 0 keyframes' "$work/out"; then
        pass "watch -l H.264: fresh keyframes after each pause, asked for"
    else
        fail "watch -l H.264: fresh keyframes after each pause, asked for (ages: $(ages "$work/out" | tr '\n' ' '))"
    fi

step "ctl get_status" 10 ./splatd_ctl "$control" get_status &&
    check "get_status: $STREAM shows frames sent" "stream $STREAM: avatar=demo ${SIZE}x${SIZE} CODEC_PNG .*sent=[1-9]" &&
    check "get_status: demo received drive frames" 'avatar demo: .*received=[1-9]'

# ─── malformed input ─────────────────────────────────────────────────────────
step "ctl garbage bytes get STATUS_INVALID_REQUEST" 10 \
    ./splatd_ctl -e STATUS_INVALID_REQUEST "$control" garbage &&
    check "garbage: the reply explains" '^error: .+'
step "daemon still answers after garbage" 10 ./splatd_ctl "$control" ping

# ─── shutdown ────────────────────────────────────────────────────────────────
kill -INT "$daemon_pid"
for _ in $(seq 100); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$daemon_pid" 2>/dev/null; then
    fail "daemon stops on SIGINT within 10 s"
    show "$work/daemon.log"
else
    wait "$daemon_pid"
    rc=$?
    daemon_pid=""
    if ((rc == 0)); then
        pass "daemon stops on SIGINT and exits 0"
    else
        fail "daemon stops on SIGINT and exits 0 (exit $rc)"
        show "$work/daemon.log"
    fi
fi

timeout -k 2 5 ./splatd_ctl -t 300 "$control" ping >"$work/out" 2>&1
rc=$?
show "$work/out"
if ((rc == 3)) && grep -q 'no reply from .* within 300 ms' "$work/out"; then
    pass "ctl reports a timeout when no daemon answers"
else
    fail "ctl reports a timeout when no daemon answers (exit $rc)"
fi

finish
