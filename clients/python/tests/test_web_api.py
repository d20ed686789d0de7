"""The web gateway without a browser: /metrics read by prometheus_client's parser against
`splatctl status`, and bad input over its WebSockets (read with websocket-client) answered with
an error while the gateway and the daemon go on serving."""

import json
import struct
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("websocket", reason="websocket-client is in the test extra (scripts/python-env installs it)")
pytest.importorskip("prometheus_client", reason="prometheus-client is in the test extra")

import websocket  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from conftest import find_splatd, stop_splatd  # noqa: E402
from test_browser_e2e import start_gateway  # noqa: E402


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    g = start_gateway(tmp_path_factory.mktemp("web-api"))
    yield g
    stop_splatd(g.daemon)


def _ws(g, path):
    return websocket.create_connection(f"ws://127.0.0.1:{g.port}{path}", timeout=10)


def _metrics(g):
    import urllib.request
    with urllib.request.urlopen(g.url + "/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def test_metrics_parse_and_agree_with_splatctl_status(gateway):
    # Make the default stream render for a moment, so its counters move.
    ws = _ws(gateway, "/ws/stream/default")
    frames = 0
    deadline = time.time() + 20
    while frames < 10 and time.time() < deadline:
        if isinstance(ws.recv(), bytes):
            frames += 1
    ws.close()
    assert frames == 10
    samples = _metrics(gateway)
    splatctl = Path(find_splatd()[0]).resolve().parent / "splatctl"
    if not splatctl.is_file():
        pytest.skip(f"no splatctl next to {find_splatd()[0]}")
    out = subprocess.run([str(splatctl), "--control", gateway.daemon.control, "status", "--json"],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    status = json.loads(out)["daemonStatus"]
    assert samples[("splatd_up", ())] == 1
    demo = next(a for a in status["avatars"] if a["info"]["avatarId"] == "demo")
    assert samples[("splatd_avatar_gaussians", (("avatar", "demo"),))] == demo["info"]["gaussians"]
    stream = next(s for s in status["streams"] if s["info"]["streamId"] == "default")
    labels = (("avatar", "demo"), ("stream", "default"))
    assert samples[("splatd_stream_target_fps", labels)] == stream["info"]["fps"]
    # Counters only grow: the scrape came first, so it is at most the status read after it.
    rendered = samples[("splatd_stream_frames_rendered", labels)]
    assert 10 <= rendered <= int(stream.get("framesRendered", 0))
    assert samples[("splatd_rss_bytes", ())] == pytest.approx(int(status["rssBytes"]), rel=0.5)
    assert samples[("splatd_requests", ())] <= int(status["requests"])
    assert ("splatd_stream_latency_ms", tuple(sorted(labels + (("quantile", "0.99"),)))) in samples
    # Capacity: the stream rendered, so it needs a share of the render thread, and poses were made.
    assert samples[("splatd_stream_render_load", labels)] > 0
    assert ("splatd_render_load", ()) in samples  # the watched streams' sum: 0 once the viewer left
    assert 0 < samples[("splatd_poses", ())] <= int(status["poses"])
    assert ("splatd_stream_fps_shortfall", labels) in samples


def _error(ws):
    """The next text message, which must be {"error": …}."""
    while True:
        m = ws.recv()
        if isinstance(m, str):
            return json.loads(m)["error"]


def test_bad_websocket_input_gets_an_error_and_everything_keeps_serving(gateway):
    drive = _ws(gateway, "/ws/drive/demo")
    drive.send("this is not JSON")
    assert "not a DriveFrame" in _error(drive)
    drive.send(json.dumps({"arkit": {"weights": [0.5] * 52}}).replace("0.5", '"NaN"', 1))
    assert "arkit.weights[0] is not a finite number" in _error(drive)
    drive.send_binary(b"\x00\x01\x02")
    assert "as text" in _error(drive)
    drive.send("{" + " " * 40_000 + "}")
    assert "larger than a drive frame" in _error(drive)
    drive.send(json.dumps({"arkit": {"weights": [0.1] * 52}}))  # a good one still goes through
    # Beyond the server's frame limit: the socket is closed (1009, message too big) — possibly
    # while this side is still sending the frame.
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError)):
        drive.send("{" + " " * 2_000_000 + "}")
        for _ in range(10):
            if drive.recv() == "":
                raise websocket.WebSocketConnectionClosedException("closed")
    drive.close()

    audio = _ws(gateway, "/ws/audio/demo?rate=16000")
    audio.send_binary(b"\x01\x02\x03")
    assert "not whole 16-bit samples" in _error(audio)
    audio.send("hello")
    assert "binary messages" in _error(audio)
    audio.close()

    unknown = _ws(gateway, "/ws/stream/no-such-stream")
    assert "no stream" in _error(unknown)
    unknown.close()

    # The gateway and the daemon still serve, and a good drive frame moves the face.
    import urllib.request
    with urllib.request.urlopen(gateway.url + "/healthz", timeout=10) as response:
        assert response.status == 200
    before = gateway.control({"getStatus": {}})["daemonStatus"]
    demo = next(a for a in before["avatars"] if a["info"]["avatarId"] == "demo")
    assert int(demo.get("driveFramesReceived", 0)) >= 1, demo
    viewer = _ws(gateway, "/ws/stream/default")
    got = 0
    deadline = time.time() + 20
    while got < 3 and time.time() < deadline:
        m = viewer.recv()
        if isinstance(m, bytes):
            kind, length = m[0], struct.unpack(">I", m[1:5])[0]
            meta = json.loads(m[5:5 + length])
            assert kind == 1 and meta["streamId"] == "default"
            got += 1
    viewer.close()
    assert got == 3


def test_fuzzed_input_never_stops_the_gateway(gateway):
    """Seeded random and mutated input on every way in: /api/control bodies, drive and
    microphone messages. Each gets an answer (an HTTP status, or an error message), and the
    gateway and the daemon serve on."""
    import random
    import urllib.error
    import urllib.request
    rng = random.Random(20261203)
    good = [json.dumps({"getStatus": {}}), json.dumps({"openStream": {"avatarId": "demo", "width": 64}}),
            json.dumps({"arkit": {"weights": [0.2] * 52, "headRotation": {"x": 0.1}}})]

    def mutate():
        choice = rng.random()
        if choice < 0.3:
            return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
        text = bytearray(rng.choice(good).encode())
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(text))
            text[i] = rng.choice(b'{}[]":,0123456789.-eNaInfxyz\\\x00\xff')
        if choice > 0.9:
            text += b"9" * rng.randint(1, 50_000)
        return bytes(text)

    statuses = set()
    for _ in range(300):
        request = urllib.request.Request(gateway.url + "/api/control", data=mutate(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                statuses.add(response.status)
        except urllib.error.HTTPError as refused:
            statuses.add(refused.code)
    assert statuses <= {200, 400, 413}, statuses
    drive = _ws(gateway, "/ws/drive/demo")
    audio = _ws(gateway, "/ws/audio/demo?rate=16000")
    for _ in range(500):
        body = mutate()
        try:
            drive.send(body.decode("utf-8", "replace"))
            audio.send_binary(body)
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            drive = _ws(gateway, "/ws/drive/demo")
            audio = _ws(gateway, "/ws/audio/demo?rate=16000")
    drive.close()
    audio.close()
    with urllib.request.urlopen(gateway.url + "/healthz", timeout=10) as response:
        assert response.status == 200
    viewer = _ws(gateway, "/ws/stream/default")
    deadline = time.time() + 20
    while time.time() < deadline:
        if isinstance(viewer.recv(), bytes):
            break
    else:
        pytest.fail("no frame after the fuzzing")
    viewer.close()
