"""The Python client against a real splatd (started by the `splatd_daemon` fixture)."""

import time

import numpy as np
import pytest
import zmq

from splatd import Control, DrivePublisher, FrameSubscriber, SplatdError
from splatd.flame.avatar import write_3dgs_ply
from splatd.images import PNG_SIGNATURE, decode_png, jpeg_size, png_size
from splatd.proto import splatd_pb2 as pb

FRAME_TIMEOUT = 10.0


def test_ping(control):
    pong = control.ping(b"hello")
    assert pong.payload == b"hello"
    assert pong.version
    assert abs(pong.time_us - time.time_ns() // 1000) < 60_000_000


def test_list_shows_demo(control):
    avatars = {a.avatar_id: a for a in control.list_avatars()}
    assert "demo" in avatars
    assert avatars["demo"].kind == pb.AVATAR_KIND_DEMO
    assert avatars["demo"].gaussians > 0
    assert "default" in [s.stream_id for s in control.list_streams()]


def test_png_stream(splatd_daemon, control):
    info = control.open_stream("demo", stream_id="pngcheck", width=128, height=128, codec="png", fps=30)
    assert (info.width, info.height, info.codec, info.topic) == (128, 128, pb.CODEC_PNG, "frames/pngcheck")
    try:
        with FrameSubscriber(splatd_daemon.frames, "pngcheck") as sub:
            previous = None
            for _ in range(3):
                meta, image = sub.next_frame(FRAME_TIMEOUT)
                assert (meta.stream_id, meta.avatar_id, meta.codec) == ("pngcheck", "demo", pb.CODEC_PNG)
                assert (meta.width, meta.height) == (128, 128)
                assert image.startswith(PNG_SIGNATURE)
                assert png_size(image) == (128, 128)
                assert decode_png(image).shape[:2] == (128, 128)
                assert meta.render_start_us <= meta.render_done_us <= meta.encode_done_us
                if previous is not None:
                    assert meta.frame_sequence > previous
                previous = meta.frame_sequence

            # A new size and codec apply to the next frames.
            control.update_stream("pngcheck", width=96, height=64, codec="jpeg")
            deadline = time.monotonic() + FRAME_TIMEOUT
            while True:
                meta, image = sub.next_frame(FRAME_TIMEOUT)
                if meta.codec == pb.CODEC_JPEG:
                    break
                assert time.monotonic() < deadline, "the update never showed in the frames"
            assert (meta.width, meta.height) == (96, 64)
            assert jpeg_size(image) == (96, 64)
    finally:
        control.close_stream("pngcheck")
    assert "pngcheck" not in [s.stream_id for s in control.list_streams()]


def test_stereo_stream(splatd_daemon, control):
    info = control.open_stream("demo", stream_id="vrcheck", width=256, height=128, codec="png", stereo=0.07)
    assert info.HasField("stereo") and abs(info.stereo.ipd_m - 0.07) < 1e-6
    assert info.camera.cx == 64, "the head camera has one eye's size"
    try:
        with FrameSubscriber(splatd_daemon.frames, "vrcheck") as sub:
            meta, image = sub.next_frame(FRAME_TIMEOUT)
            assert png_size(image) == (256, 128)
            pixels = decode_png(image)
            assert (pixels[:, :128] != pixels[:, 128:]).any(), "the two eyes show the same image"
        mono = control.update_stream("vrcheck", stereo=False)
        assert not mono.HasField("stereo") and mono.camera.cx == 128
        with pytest.raises(ValueError):
            control.update_stream("vrcheck", stereo=-1)
    finally:
        control.close_stream("vrcheck")


def test_camera_rig_in_views_layout(splatd_daemon, control):
    """Three cameras of a rig, one PNG per view in each message; the same cameras side by side."""
    def camera(x):
        return {"fx": 96, "fy": 96, "cx": 32, "cy": 32,
                "world_to_camera": [1, 0, 0, -x, 0, 1, 0, -0.02, 0, 0, 1, 0.6, 0, 0, 0, 1]}
    rig = [camera(x) for x in (-0.1, 0.0, 0.1)]
    info = control.open_stream("demo", stream_id="rigcheck", width=192, height=64, codec="png", camera_rig=rig, layout="views")
    assert len(info.views.cameras) == 3 and info.layout == pb.LAYOUT_VIEWS
    try:
        with FrameSubscriber(splatd_daemon.frames, "rigcheck") as sub:
            frame = sub.next_frame(FRAME_TIMEOUT)
            meta, first = frame  # still unpacks as (meta, image): the first view
            assert meta.views == 3 and len(frame.images) == 3 and first == frame.images[0]
            views = [decode_png(image) for image in frame.images]
            assert all(v.shape[:2] == (64, 64) for v in views)
            assert (views[0] != views[2]).any(), "the cameras show the same image"
            control.update_stream("rigcheck", layout="side-by-side")
            for _ in range(30):
                frame = sub.next_frame(FRAME_TIMEOUT)
                if len(frame.images) == 1:
                    break
            assert frame.meta.views == 0 and png_size(frame.image) == (192, 64)
        with pytest.raises(ValueError):
            control.update_stream("rigcheck", layout="diagonal")
        with pytest.raises(SplatdError) as refused:
            control.update_stream("rigcheck", camera_rig=rig[:1])
        assert refused.value.status == pb.STATUS_INVALID_REQUEST and "2…16" in str(refused.value)
    finally:
        control.close_stream("rigcheck")


def test_admission_control_and_render_load(splatd_daemon, control):
    """A stream watched at more fps than the machine renders shows up in status as falling
    short; an admission-controlled stream that would not fit is refused with LIMIT_REACHED."""
    control.open_stream("demo", stream_id="heavy", width=1024, height=1024, fps=120, codec="raw")
    try:
        with FrameSubscriber(splatd_daemon.frames, "heavy") as sub:
            for _ in range(12):
                sub.next_frame(FRAME_TIMEOUT)
            status = control.status()
            heavy = next(s for s in status.streams if s.info.stream_id == "heavy")
            assert heavy.render_load > 1 and heavy.fps_shortfall > 5, heavy
            assert status.render_load >= heavy.render_load
            with pytest.raises(SplatdError) as refused:
                control.open_stream("demo", stream_id="wouldnt", width=512, height=512, fps=30, admission_control=True)
            assert refused.value.status == pb.STATUS_LIMIT_REACHED and "admission control" in str(refused.value)
    finally:
        control.close_stream("heavy")


def test_exact_topic_matching(splatd_daemon, control):
    """A subscription to frames/topiccam also receives frames/topiccam2 from ZeroMQ; the
    subscriber must drop those."""
    for sid in ("topiccam", "topiccam2"):
        control.open_stream("demo", stream_id=sid, width=32, height=32, fps=30)
    try:
        with FrameSubscriber(splatd_daemon.frames, "topiccam") as sub:
            for _ in range(8):
                meta, _ = sub.next_frame(FRAME_TIMEOUT)
                assert meta.stream_id == "topiccam"
            assert sub.dropped_other_topics > 0  # topiccam2 frames did arrive, and were dropped
    finally:
        for sid in ("topiccam", "topiccam2"):
            control.close_stream(sid)


def _frame_showing(sub, sequence, timeout=FRAME_TIMEOUT):
    """Reads frames until one shows drive `sequence`; checks drive_sequence never goes back or
    beyond it on the way."""
    deadline = time.monotonic() + timeout
    last = -1
    while True:
        meta, image = sub.next_frame(max(0.1, deadline - time.monotonic()))
        assert meta.drive_sequence >= last, "drive_sequence went backwards"
        assert meta.drive_sequence <= sequence, "a frame claims a drive frame that was never sent"
        last = meta.drive_sequence
        if meta.drive_sequence == sequence:
            return meta, image
        assert time.monotonic() < deadline, f"no frame showed drive frame {sequence} (last {last})"


def test_drive_sequence_follows_arkit(splatd_daemon, control, fresh_avatar):
    control.open_stream(fresh_avatar, stream_id="seqcheck", width=64, height=64, fps=30)
    try:
        with FrameSubscriber(splatd_daemon.frames, "seqcheck") as sub, DrivePublisher(splatd_daemon.drive) as drive:
            assert drive.wait_connected(5.0)
            meta, _ = sub.next_frame(FRAME_TIMEOUT)
            assert meta.drive_sequence == 0  # a fresh avatar: no drive frame yet
            sent = 0
            for value in (1.0, 0.0, 1.0):
                for _ in range(5):
                    frame = drive.send_arkit(fresh_avatar, {"jawOpen": value})
                    sent += 1
                    time.sleep(1 / 60)
                assert frame.sequence == sent
                meta, _ = _frame_showing(sub, frame.sequence)
                assert meta.drive_sender_time_us == frame.sender_time_us
                assert meta.drive_received_us >= meta.drive_sender_time_us - 1000
                assert meta.frame_time_us > 0
            status = control.avatar_status(fresh_avatar)
            assert status.drive_frames_received == sent
            assert status.drive_frames_rejected == 0
            assert status.last_drive_sequence == sent
            assert status.drive_state in (pb.DRIVE_STATE_LIVE, pb.DRIVE_STATE_HOLD, pb.DRIVE_STATE_EASING)

            # A new sender starts over at 1: the daemon takes it as a restart.
            with DrivePublisher(splatd_daemon.drive) as again:
                assert again.wait_connected(5.0)
                frame = again.send_flame(fresh_avatar, jaw_pose=[0.1, 0, 0])
                assert frame.sequence == 1
                _frame_showing_restart(sub, 1)
    finally:
        control.close_stream("seqcheck")


def _frame_showing_restart(sub, sequence, timeout=FRAME_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        meta, _ = sub.next_frame(max(0.1, deadline - time.monotonic()))
        if meta.drive_sequence == sequence:
            return meta
        assert time.monotonic() < deadline, "the restarted sequence never showed"


def _pixels_after(sub, drive, send, settle_frames=8):
    """Keeps sending the same drive values while reading frames; returns the decoded image of a
    frame rendered `settle_frames` frames after the first one that showed them."""
    first_sent = first = None
    while True:
        frame = send(drive)
        if first_sent is None:
            first_sent = frame.sequence
        meta, image = sub.next_frame(FRAME_TIMEOUT)
        if first is None and meta.drive_sequence >= first_sent:
            first = meta.frame_sequence
        if first is not None and meta.frame_sequence >= first + settle_frames:
            return decode_png(image).astype(np.int16)


@pytest.mark.parametrize("kind", ["flame", "arkit"])
def test_head_rotation_changes_pixels(splatd_daemon, control, fresh_avatar, kind):
    """Every avatar kind follows head rotation (FLAME `rotation`, ARKit `head_rotation`)."""
    sid = f"rot{kind}"
    control.open_stream(fresh_avatar, stream_id=sid, width=128, height=128, fps=30, codec="png")

    def sender(angle):
        if kind == "flame":
            return lambda d: d.send_flame(fresh_avatar, rotation=[0.0, angle, 0.0])
        return lambda d: d.send_arkit(fresh_avatar, head_rotation=[0.0, angle, 0.0])

    try:
        with FrameSubscriber(splatd_daemon.frames, sid) as sub, DrivePublisher(splatd_daemon.drive) as drive:
            assert drive.wait_connected(5.0)
            straight = _pixels_after(sub, drive, sender(0.0))
            straight_again = _pixels_after(sub, drive, sender(0.0), settle_frames=3)
            turned = _pixels_after(sub, drive, sender(0.7))
    finally:
        control.close_stream(sid)
    same = np.abs(straight - straight_again).mean()
    changed = np.abs(straight - turned).mean()
    assert changed > 1.0, f"turning the head by 0.7 rad changed the pixels by only {changed:.3f} on average"
    assert changed > 4 * same, f"turned {changed:.3f} vs same pose {same:.3f}"


def test_set_mixing_keeps_the_parts_not_named(control, fresh_avatar):
    def owners():
        m = control.avatar_status(fresh_avatar).mixing
        return m.jaw_and_mouth, m.head_pose, m.eyes_and_brows

    assert owners() == (pb.SOURCE_AUDIO, pb.SOURCE_TRACKER, pb.SOURCE_TRACKER)  # the daemon's default
    control.set_mixing(fresh_avatar, head_pose="audio")
    assert owners() == (pb.SOURCE_AUDIO, pb.SOURCE_AUDIO, pb.SOURCE_TRACKER)
    control.set_mixing(fresh_avatar, jaw_and_mouth="tracker")
    assert owners() == (pb.SOURCE_TRACKER, pb.SOURCE_AUDIO, pb.SOURCE_TRACKER)
    control.set_mixing(fresh_avatar, "audio", "tracker", "audio")
    assert owners() == (pb.SOURCE_AUDIO, pb.SOURCE_TRACKER, pb.SOURCE_AUDIO)
    with pytest.raises(SplatdError) as e:
        control.set_mixing("no-such-avatar", eyes_and_brows="audio")
    assert e.value.status == pb.STATUS_NOT_FOUND


def test_error_replies(control):
    with pytest.raises(SplatdError) as e:
        control.open_stream("no-such-avatar", stream_id="errs")
    assert e.value.status == pb.STATUS_NOT_FOUND and e.value.status_name == "STATUS_NOT_FOUND"
    assert "no-such-avatar" in e.value.message

    for kwargs in ({"width": 8}, {"height": 5000}, {"fps": 500}, {"codec": "jpeg", "quality": 200},
                   {"orbit": {"pitch_degrees": 95}}):
        with pytest.raises(SplatdError) as e:
            control.open_stream("demo", stream_id="errs", **kwargs)
        assert e.value.status == pb.STATUS_INVALID_REQUEST, kwargs

    with pytest.raises(SplatdError) as e:
        control.open_stream("demo", stream_id="bad id!")
    assert e.value.status == pb.STATUS_INVALID_REQUEST

    with pytest.raises(SplatdError) as e:
        control.open_stream("demo", stream_id="default")
    assert e.value.status == pb.STATUS_ALREADY_EXISTS

    for call in (lambda: control.unload_avatar("nope"), lambda: control.close_stream("nope"),
                 lambda: control.update_stream("nope", fps=10)):
        with pytest.raises(SplatdError) as e:
            call()
        assert e.value.status == pb.STATUS_NOT_FOUND

    with pytest.raises(SplatdError) as e:
        control.load_avatar("relative/path.ply", avatar_id="x")
    assert e.value.status == pb.STATUS_INVALID_REQUEST
    with pytest.raises(SplatdError) as e:
        control.load_avatar("/no/such/avatar.ply", avatar_id="x")
    assert e.value.status == pb.STATUS_LOAD_FAILED

    # A request without a body, and one of a future protocol version.
    with pytest.raises(SplatdError) as e:
        control.call(pb.Request())
    assert e.value.status == pb.STATUS_INVALID_REQUEST
    with pytest.raises(SplatdError) as e:
        control.call(pb.Request(version=99, ping=pb.Ping()))
    assert e.value.status == pb.STATUS_INVALID_REQUEST

    assert control.ping(b"still fine").payload == b"still fine"


def test_malformed_bytes_get_invalid_request(splatd_daemon, control):
    before = control.status().malformed_requests
    context = zmq.Context.instance()
    with context.socket(zmq.DEALER) as raw:
        raw.setsockopt(zmq.LINGER, 0)
        raw.connect(splatd_daemon.control)
        raw.send(b"\xff\xff\xff\xff garbage, not a Request")
        assert raw.poll(5000), "no reply to garbage"
        body = raw.recv_multipart()[-1]
    reply = pb.Reply.FromString(body)
    assert reply.status == pb.STATUS_INVALID_REQUEST
    assert reply.request_id == 0
    assert reply.error
    assert control.status().malformed_requests == before + 1


def test_load_unload_with_events(splatd_daemon, control, tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    xyz = rng.normal(0, 0.05, (n, 3))
    quat = np.tile([1.0, 0, 0, 0], (n, 1))
    ply = tmp_path / "blob.ply"
    write_3dgs_ply(ply, xyz, rng.normal(0, 1, (n, 3)), np.zeros((n, 45)), np.full(n, 2.0),
                   np.full((n, 3), np.log(0.01)), quat)

    with FrameSubscriber(splatd_daemon.frames, None, events=True) as events:
        time.sleep(0.2)  # the subscription reaches the daemon
        info = control.load_avatar(str(ply), avatar_id="blob")
        assert info.avatar_id == "blob" and info.gaussians == n
        assert info.kind == pb.AVATAR_KIND_STATIC
        assert "blob" in [a.avatar_id for a in control.list_avatars()]
        with pytest.raises(SplatdError) as e:
            control.load_avatar(str(ply), avatar_id="blob")
        assert e.value.status == pb.STATUS_ALREADY_EXISTS
        control.open_stream("blob", stream_id="blobcam", width=32, height=32)
        control.unload_avatar("blob")
        assert "blob" not in [a.avatar_id for a in control.list_avatars()]
        assert "blobcam" not in [s.stream_id for s in control.list_streams()]

        seen = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "avatar_unloaded" not in [k for k, _ in seen]:
            event = events.next_event(5)
            kind = event.WhichOneof("body")
            seen.append((kind, getattr(event, kind)))
    kinds = [k for k, _ in seen]
    assert kinds.index("avatar_loaded") < kinds.index("stream_opened") < kinds.index("stream_closed") < kinds.index("avatar_unloaded")
    assert ("stream_closed", "blobcam") in seen and ("avatar_unloaded", "blob") in seen


def test_timeout_when_nobody_answers():
    from splatd.client import SplatdTimeout

    with Control("tcp://127.0.0.1:9", timeout=0.3) as ctl:  # nothing listens on port 9
        start = time.monotonic()
        with pytest.raises(SplatdTimeout):
            ctl.ping()
        assert time.monotonic() - start < 2
