#!/usr/bin/env python3
"""Measures the web gateway against a running `splatd serve --http …` (or `splatd web`):

1. drive → picture in a real browser: headless Chromium shows /embed/STREAM while this script
   sends drive frames (the jaw opening and closing, 30 Hz) over /ws/drive/AVATAR, each stamped
   with its send time; the page records, for the first frame showing each new drive frame, the
   time from that stamp to its drawing (`splatdStats().driveLatencyP50Ms` / `P99Ms`).
2. gateway CPU per viewer: N WebSocket viewers (websocket-client, reading every message) of
   STREAM, and the CPU the splatd-web process used meanwhile (/proc/PID/stat).

    python3 tools/bench/web_gateway.py --url http://127.0.0.1:8080 [--stream default] [--seconds 20]

Needs Debian's chromium and chromium-driver and the Python test extra (selenium,
websocket-client), as `scripts/python-env` installs them into .venv.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import threading
import time


def gateway_pid(port):
    """The pid of the splatd-web process listening on `port`."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    for part in out.split("pid=")[1:]:
        return int(part.split(",")[0])
    raise SystemExit(f"nothing listens on port {port}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drive(url, avatar, stop):
    import websocket
    ws = websocket.create_connection(url.replace("http", "ws", 1) + f"/ws/drive/{avatar}", timeout=10)
    k = 0
    while not stop.is_set():
        k += 1
        jaw = 0.5 + 0.5 * math.sin(k / 5)
        ws.send(json.dumps({"senderTimeUs": str(time.time_ns() // 1000), "arkit": {"named": {"jawOpen": jaw}}}))
        time.sleep(1 / 30)
    ws.close()


def browser_latency(url, stream, avatar, seconds):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=800,800",
              "--autoplay-policy=no-user-gesture-required", "--disable-background-timer-throttling"):
        options.add_argument(a)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    stop = threading.Event()
    try:
        driver.get(f"{url}/embed/{stream}")
        deadline = time.time() + 30
        while time.time() < deadline and not (driver.execute_script("return window.splatdStats && window.splatdStats()") or {}).get("framesShown"):
            time.sleep(0.2)
        sender = threading.Thread(target=drive, args=(url, avatar, stop))
        sender.start()
        start = driver.execute_script("return window.splatdStats()")
        time.sleep(seconds)
        stats = driver.execute_script("return window.splatdStats()")
        stop.set()
        sender.join()
        shown = stats["framesShown"] - start["framesShown"]
        return {"codec": stats["codec"], "size": f'{stats["width"]}x{stats["height"]}', "fps_shown": round(shown / seconds, 1),
                "drive_to_picture_ms": {"p50": stats.get("driveLatencyP50Ms"), "p99": stats.get("driveLatencyP99Ms"),
                                        "samples": stats.get("driveLatencySamples")}}
    finally:
        driver.quit()


def cpu_per_viewer(url, stream, viewers, seconds, pid):
    import websocket
    stop = threading.Event()
    counts = [0] * viewers

    def view(i):
        ws = websocket.create_connection(url.replace("http", "ws", 1) + f"/ws/stream/{stream}", timeout=10)
        while not stop.is_set():
            if isinstance(ws.recv(), bytes):
                counts[i] += 1
        ws.close()

    threads = [threading.Thread(target=view, args=(i,)) for i in range(viewers)]
    for t in threads:
        t.start()
    time.sleep(2)
    c0, n0 = cpu_seconds(pid), sum(counts)
    time.sleep(seconds)
    c1, n1 = cpu_seconds(pid), sum(counts)
    stop.set()
    for t in threads:
        t.join()
    return {"viewers": viewers, "frames_per_viewer_per_s": round((n1 - n0) / viewers / seconds, 1),
            "gateway_cpu_percent": round(100 * (c1 - c0) / seconds, 1),
            "cpu_percent_per_viewer": round(100 * (c1 - c0) / seconds / viewers, 2)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--stream", default="default")
    p.add_argument("--avatar", default="demo")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--viewers", type=int, nargs="*", default=[1, 4])
    a = p.parse_args()
    pid = gateway_pid(int(a.url.rsplit(":", 1)[1].strip("/")))
    result = {"latency": browser_latency(a.url, a.stream, a.avatar, a.seconds)}
    result["cpu"] = [cpu_per_viewer(a.url, a.stream, n, a.seconds / 2, pid) for n in a.viewers]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
