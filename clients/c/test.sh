#!/usr/bin/env bash
# `make test`: runs splatd_ctl, splatd_drive and splatd_watch against a splatd daemon started on
# ephemeral loopback ports, and checks what comes back; then, when the daemon knows
# --curve-secret, again against a daemon that requires CURVE keys (roles, an unknown key, no
# key). Every step is bounded by `timeout`; the whole run takes a few seconds. Prints
# "N passed, M failed" last; exits non-zero on a failure.
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
skip() { echo "skip - $1"; }
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
# start_daemon NAME [SERVE ARGS...]: starts `splatd serve` on ephemeral loopback ports (plus the
# arguments) and sets daemon_pid, control, drive and frames; returns 1 when it printed no
# endpoints. `timeout` bounds the daemon's life too (SIGTERM after 45 s, which it handles like
# SIGINT) and forwards the SIGINT stop_daemon sends.
start_daemon() {
    local name=$1
    shift
    timeout -k 2 45 "$SPLATD_BIN" serve --control 'tcp://127.0.0.1:*' --drive 'tcp://127.0.0.1:*' \
        --frames 'tcp://127.0.0.1:*' --audio 'tcp://127.0.0.1:*' "$@" >"$work/daemon.out" 2>"$work/daemon.log" &
    daemon_pid=$!
    line=""
    for _ in $(seq 100); do
        line=$(grep -m1 '^splatd serving' "$work/daemon.out")
        [[ -n $line ]] && break
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    control=$(endpoint control)
    drive=$(endpoint drive)
    frames=$(endpoint frames)
    if [[ -z $control || -z $drive || -z $frames ]]; then
        fail "$name starts and prints its endpoints"
        show "$work/daemon.out"
        show "$work/daemon.log"
        return 1
    fi
    echo "       | $line"
    pass "$name starts and prints its endpoints"
}
endpoint() { sed -n "s/.* $1 \(tcp:\/\/[^,]*\).*/\1/p" <<<"$line"; }

# stop_daemon NAME: SIGINT, then checks that the daemon exits with status 0 within 10 s.
stop_daemon() {
    kill -INT "$daemon_pid"
    for _ in $(seq 100); do
        kill -0 "$daemon_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$daemon_pid" 2>/dev/null; then
        fail "$1 stops on SIGINT within 10 s"
        show "$work/daemon.log"
        return
    fi
    wait "$daemon_pid"
    local rc=$?
    daemon_pid=""
    if ((rc == 0)); then
        pass "$1 stops on SIGINT and exits 0"
    else
        fail "$1 stops on SIGINT and exits 0 (exit $rc)"
        show "$work/daemon.log"
    fi
}

start_daemon "daemon" || finish

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

# ─── one image per view ──────────────────────────────────────────────────────
mkdir -p "$work/views"
step "ctl open_stream cviews 64x32 raw, stereo one image per eye" 10 \
    ./splatd_ctl "$control" open_stream cviews demo 64x32 raw 30 stereo-views
step "watch 2 frames of cviews" 15 ./splatd_watch -t 10 "$frames" cviews 2 "$work/views" &&
    eyes=("$work/views"/cviews-*-view[01].raw) &&
    if ((${#eyes[@]} == 4)) && [[ $(stat -c %s "${eyes[@]}" | sort -u) == "$((32 * 32 * 3))" ]]; then
        pass "watch: each eye saved on its own, 32x32 RGB"
    else
        fail "watch: each eye saved on its own, 32x32 RGB (${#eyes[@]} files: $(ls "$work/views" | tr '\n' ' '))"
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
stop_daemon "daemon"

timeout -k 2 5 ./splatd_ctl -t 300 "$control" ping >"$work/out" 2>&1
rc=$?
show "$work/out"
if ((rc == 3)) && grep -q 'no reply from .* within 300 ms' "$work/out"; then
    pass "ctl reports a timeout when no daemon answers"
else
    fail "ctl reports a timeout when no daemon answers (exit $rc)"
fi

# ─── CURVE: keys and roles ───────────────────────────────────────────────────
# A daemon started with --curve-secret and --clients: every tool talks CURVE with -k/-K; an
# admin opens a stream, a viewer of that stream watches it while a driver of demo drives it, the
# viewer may not open streams (STATUS_PERMISSION_DENIED), and a key the daemon does not know,
# or no key at all, gets no reply and no frames, which get_status counts in auth_denied.
keys="$work/keys"
clients="$work/clients"
mkdir -p "$keys" "$clients"
SPLATCTL_BIN="$(dirname "$SPLATD_BIN")/splatctl"
PYTHON_BIN=${PYTHON_BIN:-../../.venv/bin/python}

# make_cert NAME ROLE [OPTION VALUE...]: $keys/NAME.key_secret and NAME.key; with a ROLE other
# than "none" the public NAME.key (with the role's metadata) goes to $clients. OPTION is
# --avatars or --streams. Uses `splatctl keygen` when it has it, else pyzmq's zmq.auth (whose
# public file gets no metadata: it is written here; CURVE_CERTS=pyzmq chooses it).
make_cert() {
    local name=$1 role=$2
    shift 2
    local role_option=()
    [[ $role == none ]] || role_option=(--role "$role")
    if [[ $cert_tool == splatctl ]]; then
        "$SPLATCTL_BIN" keygen "$name" "${role_option[@]}" "$@" --folder "$keys" >/dev/null || return 1
    else
        "$PYTHON_BIN" - "$keys" "$name" "$role" "$@" <<'PYTHON' || return 1
import sys, zmq.auth
folder, name, role, *options = sys.argv[1:]
metadata = {} if role == "none" else {"role": role}
metadata.update({options[i].lstrip("-"): options[i + 1] for i in range(0, len(options), 2)})
public_file, secret_file = zmq.auth.create_certificates(folder, name, metadata)
public_key, _ = zmq.auth.load_certificate(secret_file)
with open(public_file, "w") as f:
    f.write("#   ZeroMQ CURVE Public Certificate\nmetadata\n")
    f.writelines(f'    {k} = "{v}"\n' for k, v in metadata.items())
    f.write(f'curve\n    public-key = "{public_key.decode()}"\n')
PYTHON
    fi
    [[ $role == none ]] || mv "$keys/$name.key" "$clients/$name.key"
}

cert_tool=""
if ! "$SPLATD_BIN" serve --help 2>&1 | grep -q -- '--curve-secret'; then
    skip "CURVE: this splatd has no serve --curve-secret (rebuild it)"
elif [[ ${CURVE_CERTS:-} != pyzmq ]] && "$SPLATCTL_BIN" keygen --help >/dev/null 2>&1; then
    cert_tool=splatctl
elif [[ -x $PYTHON_BIN ]] && "$PYTHON_BIN" -c 'import zmq.auth' 2>/dev/null; then
    cert_tool=pyzmq
else
    skip "CURVE: no splatctl keygen beside $SPLATD_BIN and no pyzmq at $PYTHON_BIN to make keys"
fi

if [[ -n $cert_tool ]] && make_cert server none && make_cert admin admin && make_cert viewer viewer --streams ccurve &&
   make_cert driver driver --avatars demo && make_cert stranger none; then
    pass "CURVE: certificates made ($cert_tool)"
    # The server's public key, as 40 Z85 characters: -K takes text as well as a file.
    server_key=$(sed -n 's/^[[:space:]]*public-key[[:space:]]*=[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' \
        "$keys/server.key_secret" | head -1)
    admin=(-k "$keys/admin.key_secret" -K "$server_key")
    viewer=(-k "$keys/viewer.key_secret" -K "$keys/server.key")
    driver=(-k "$keys/driver.key_secret" -K "$server_key")
    stranger=(-k "$keys/stranger.key_secret" -K "$server_key")
elif [[ -n $cert_tool ]]; then
    fail "CURVE: certificates made ($cert_tool)"
    cert_tool=""
fi

if [[ -n $cert_tool ]] && start_daemon "CURVE daemon" --curve-secret "$keys/server.key_secret" --clients "$clients"; then
    step "CURVE: admin ping" 10 ./splatd_ctl "${admin[@]}" "$control" ping curve && check "CURVE: pong" 'payload="curve"'
    step "CURVE: admin opens ccurve" 10 ./splatd_ctl "${admin[@]}" "$control" open_stream ccurve demo 64x64 png
    step "CURVE: viewer may not open a stream" 10 \
        ./splatd_ctl -e STATUS_PERMISSION_DENIED "${viewer[@]}" "$control" open_stream cview demo 64x64 png

    timeout -k 2 10 ./splatd_drive "${driver[@]}" "$drive" demo 1 >"$work/drive.out" 2>&1 &
    drive_pid=$!
    sleep 0.5
    step "CURVE: viewer watches 5 frames of ccurve" 15 ./splatd_watch -t 10 "${viewer[@]}" "$frames" ccurve 5 &&
        check "CURVE: the driver's frames reached demo" 'drive_sequence=[1-9]'
    wait "$drive_pid"
    show "$work/drive.out"

    timeout -k 2 5 ./splatd_ctl -t 1000 "${stranger[@]}" "$control" ping >"$work/out" 2>&1
    rc=$?
    show "$work/out"
    if ((rc == 3)) && grep -q 'with CURVE an unknown key gets no reply' "$work/out"; then
        pass "CURVE: an unknown key gets no reply"
    else
        fail "CURVE: an unknown key gets no reply (exit $rc)"
    fi
    timeout -k 2 5 ./splatd_ctl -t 1000 "$control" ping >"$work/out" 2>&1
    rc=$?
    show "$work/out"
    if ((rc == 3)); then pass "CURVE: no key gets no reply"; else fail "CURVE: no key gets no reply (exit $rc)"; fi
    timeout -k 2 10 ./splatd_watch -t 2 "${stranger[@]}" "$frames" ccurve 1 >"$work/out" 2>&1
    rc=$?
    show "$work/out"
    if ((rc == 1)); then pass "CURVE: an unknown key gets no frames"; else fail "CURVE: an unknown key gets no frames (exit $rc)"; fi

    step "CURVE: admin get_status" 10 ./splatd_ctl "${admin[@]}" "$control" get_status &&
        check "CURVE: status says curve, counts refused handshakes and the denied request" \
            'security: curve=yes auth_denied=[1-9][0-9]* requests_denied=[1-9]' &&
        check "CURVE: demo received the driver's frames" 'avatar demo: .*received=[1-9]'

    timeout -k 2 5 ./splatd_ctl -k "$clients/admin.key" -K "$server_key" "$control" ping >"$work/out" 2>&1
    rc=$?
    show "$work/out"
    if ((rc == 2)) && grep -q 'holds no secret-key' "$work/out"; then
        pass "CURVE: a public certificate given as -k is refused with a clear message"
    else
        fail "CURVE: a public certificate given as -k is refused with a clear message (exit $rc)"
    fi
    stop_daemon "CURVE daemon"
fi

finish
