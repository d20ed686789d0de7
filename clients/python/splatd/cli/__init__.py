"""Command-line tools of the splatd Python client (installed as console scripts):

    splatd-ctl      control requests (ping, load, unload, list, streams, open, update, close, status)
    splatd-publish  publish drive frames from a motion file (npz, CSV) or a synthetic wave
    splatd-watch    subscribe to a stream: save frames, pipe them into ffmpeg, report fps and latency
    splatd-track    track a face from a webcam or video with MediaPipe's Face Landmarker and drive an
                    avatar (needs the `track` extra: mediapipe, OpenCV)

Every command takes --curve-secret FILE and --server-key KEY (env SPLATD_CURVE_SECRET,
SPLATD_SERVER_KEY) for a daemon that requires CURVE keys.
"""
