"""Python client of the splatd daemon: control requests, frame subscription, drive publishing.

    from splatd import Control, FrameSubscriber, DrivePublisher

    with Control("tcp://127.0.0.1:5555") as ctl:
        ctl.open_stream("demo", stream_id="cam", width=256, height=256, codec="png")

    with FrameSubscriber("tcp://127.0.0.1:5557", "cam") as frames:
        for meta, image in frames:           # every frame, in order: for recording
            ...

    with FrameSubscriber("tcp://127.0.0.1:5557", "cam", latest_only=True) as frames:
        for meta, image in frames:           # the newest frame each time: for showing live
            ...

    with DrivePublisher("tcp://127.0.0.1:5556") as drive:
        drive.wait_connected()
        drive.send_arkit("demo", {"jawOpen": 1.0})

Each object owns one ZeroMQ socket and, like ZeroMQ sockets, must be used from one thread at
a time. Wire format: `splatd.proto.splatd_pb2` (generated from Sources/Protocol/splatd.proto).
"""

from __future__ import annotations

import math
import time
from collections import deque
from typing import Callable, Deque, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import zmq

from .arkit import canonical_arkit_name
from .keys import CurveKeys
from .proto import splatd_pb2 as pb

__all__ = [
    "DEFAULT_CONTROL", "DEFAULT_DRIVE", "DEFAULT_FRAMES", "DEFAULT_AUDIO", "PROTOCOL_VERSION",
    "SplatdError", "SplatdTimeout", "Control", "FrameSubscriber", "DrivePublisher", "Frame", "AudioPacket",
    "wall_clock_us", "frames_topic", "audio_topic", "LATEST_ONLY_HIGH_WATER_MARK", "CurveKeys",
]

DEFAULT_CONTROL = "tcp://127.0.0.1:5555"
DEFAULT_DRIVE = "tcp://127.0.0.1:5556"
DEFAULT_FRAMES = "tcp://127.0.0.1:5557"
DEFAULT_AUDIO = "tcp://127.0.0.1:5558"
PROTOCOL_VERSION = 1

FRAMES_PREFIX = "frames/"
AUDIO_PREFIX = "audio/"
EVENTS_TOPIC = b"events"

# A live viewer's receive queue (messages): small, so that frames a slow viewer cannot show are
# dropped by ZeroMQ instead of piling up; `FrameSubscriber.receive_latest()` drains the rest.
LATEST_ONLY_HIGH_WATER_MARK = 2


def wall_clock_us() -> int:
    """Microseconds since the Unix epoch (CLOCK_REALTIME), the clock of every *_us field."""
    return time.time_ns() // 1000


def frames_topic(stream_id: str) -> bytes:
    """The topic a stream's frames are published on: `frames/<stream id>`."""
    return (FRAMES_PREFIX + stream_id).encode("utf-8")


def audio_topic(stream_id: str) -> bytes:
    """The topic a stream's voice (Opus packets) is published on: `audio/<stream id>`."""
    return (AUDIO_PREFIX + stream_id).encode("utf-8")


def _no_answer_hint(curve: Optional[CurveKeys]) -> str:
    """Why a daemon may stay silent, for timeout messages: with CURVE a refused key gets no
    error, only silence; without it, a daemon that requires keys is silent too."""
    if curve is not None:
        return ("is splatd running? with CURVE, a key the daemon does not know (not in its --clients folder, "
                "or revoked) or a wrong server key gets no reply at all")
    return "is splatd running? a daemon started with --curve-secret answers only clients with keys: --curve-secret/--server-key"


def _new_socket(context: zmq.Context, kind: int, curve: Optional[CurveKeys]) -> zmq.Socket:
    """A socket of `kind` with LINGER 0 and, given `curve`, the CURVE client keys set (they must
    be set before connect)."""
    socket = context.socket(kind)
    socket.setsockopt(zmq.LINGER, 0)
    if curve is not None:
        curve.apply(socket)
    return socket


class SplatdError(Exception):
    """A control reply whose status is not STATUS_OK.

    `status` is the `splatd_pb2.Status` value (an int), `status_name` its name
    (e.g. "STATUS_NOT_FOUND"), `message` the daemon's explanation."""

    def __init__(self, status: int, message: str, request_id: Optional[int] = None):
        self.status = int(status)
        self.message = message
        self.request_id = request_id
        super().__init__(f"{self.status_name}: {message}")

    @property
    def status_name(self) -> str:
        try:
            return pb.Status.Name(self.status)
        except ValueError:
            return f"STATUS_{self.status}"


class SplatdTimeout(TimeoutError):
    """No reply (or no frame) arrived in time."""


# ─── value helpers ────────────────────────────────────────────────────────────

def _enum_value(enum, value, prefix: str, what: str) -> int:
    if isinstance(value, str):
        name = value.strip().upper()
        if not name.startswith(prefix):
            name = prefix + name
        try:
            return enum.Value(name)
        except ValueError:
            names = ", ".join(n[len(prefix):].lower() for n in enum.keys())
            raise ValueError(f"unknown {what} {value!r} (one of {names})") from None
    return int(value)


def codec_value(value) -> int:
    """`splatd_pb2.Codec` from "jpeg" / "png" / "raw" / "CODEC_PNG" / an int."""
    return _enum_value(pb.Codec, value, "CODEC_", "codec")


def convention_value(value) -> int:
    """`splatd_pb2.Convention` from "default" / "gsplat" / "inria" / an int."""
    return _enum_value(pb.Convention, value, "CONVENTION_", "convention")


def _floats(values, n: Optional[int], what: str) -> List[float]:
    try:
        out = [float(v) for v in _flatten(values)]
    except TypeError:
        raise ValueError(f"{what} must be a sequence of numbers") from None
    if n is not None and len(out) != n:
        raise ValueError(f"{what} must hold {n} values, got {len(out)}")
    return out


def _flatten(values) -> Iterable:
    if hasattr(values, "tolist"):  # numpy arrays and scalars
        values = values.tolist()
    if isinstance(values, (int, float)):
        return [values]
    out = []
    for v in values:
        if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
            out.extend(_flatten(v))
        else:
            out.append(v)
    return out


def _vec3(values, what: str) -> pb.Vec3:
    if isinstance(values, pb.Vec3):
        return values
    x, y, z = _floats(values, 3, what)
    return pb.Vec3(x=x, y=y, z=z)


def _camera(camera) -> pb.Camera:
    if isinstance(camera, pb.Camera):
        return camera
    if isinstance(camera, Mapping):
        c = pb.Camera(fx=float(camera["fx"]), fy=float(camera["fy"]), cx=float(camera["cx"]), cy=float(camera["cy"]))
        c.world_to_camera.extend(_floats(camera["world_to_camera"], 16, "camera world_to_camera"))
        return c
    raise TypeError("camera must be a splatd_pb2.Camera or a dict with fx, fy, cx, cy, world_to_camera (16 values)")


def _stereo(stereo) -> pb.Stereo:
    """`True` (the daemon's default IPD, 63 mm) or an interpupillary distance in metres."""
    if stereo is True:
        return pb.Stereo()
    ipd = float(stereo)
    if not math.isfinite(ipd) or ipd <= 0:
        raise ValueError(f"stereo must be True or an interpupillary distance in metres, got {stereo!r}")
    return pb.Stereo(ipd_m=ipd)


def _camera_rig(cameras) -> pb.CameraRig:
    """A list of cameras (each a `splatd_pb2.Camera` or dict, as for `camera`), left to right."""
    if isinstance(cameras, pb.CameraRig):
        return cameras
    return pb.CameraRig(cameras=[_camera(c) for c in cameras])


def _layout(layout) -> int:
    """"side-by-side", "views" or a `splatd_pb2.Layout`."""
    if isinstance(layout, str):
        names = {"side-by-side": pb.LAYOUT_SIDE_BY_SIDE, "views": pb.LAYOUT_VIEWS}
        if layout.lower() not in names:
            raise ValueError(f"layout must be 'side-by-side' or 'views', got {layout!r}")
        return names[layout.lower()]
    return int(layout)


def _orbit(orbit) -> pb.OrbitCamera:
    if isinstance(orbit, pb.OrbitCamera):
        return orbit
    if isinstance(orbit, Mapping):
        allowed = {"distance", "yaw_degrees", "pitch_degrees", "fov_y_degrees"}
        unknown = set(orbit) - allowed
        if unknown:
            raise ValueError(f"unknown orbit keys {sorted(unknown)} (allowed: {sorted(allowed)})")
        return pb.OrbitCamera(**{k: float(v) for k, v in orbit.items()})
    raise TypeError("orbit must be a splatd_pb2.OrbitCamera or a dict with distance, yaw_degrees, pitch_degrees, fov_y_degrees")


# ─── control ──────────────────────────────────────────────────────────────────

class Control:
    """Control requests over a DEALER socket connected to the daemon's ROUTER.

    Every request carries a fresh request id; the reply with that id is returned (replies to
    earlier requests that timed out are skipped). A reply whose status is not OK raises
    `SplatdError`; no reply within `timeout` seconds raises `SplatdTimeout` (the socket stays
    usable). Loading an avatar uses `load_timeout`, since big avatars take a while.

    `curve` (`splatd.keys.CurveKeys`) talks to a daemon that requires CURVE keys; a key the
    daemon does not know gets no reply at all (a timeout), never an error reply."""

    def __init__(self, endpoint: str = DEFAULT_CONTROL, timeout: float = 5.0, load_timeout: float = 120.0,
                 context: Optional[zmq.Context] = None, curve: Optional[CurveKeys] = None):
        self.endpoint = endpoint
        self.timeout = timeout
        self.load_timeout = load_timeout
        self.curve = curve
        self._context = context or zmq.Context.instance()
        self._socket = _new_socket(self._context, zmq.DEALER, curve)
        self._socket.connect(endpoint)
        self._next_id = 1

    # Lifetime
    def close(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None

    def __enter__(self) -> "Control":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # The request/reply exchange
    def call(self, request: pb.Request, timeout: Optional[float] = None, check: bool = True) -> pb.Reply:
        """Sends `request` (its request_id and version are filled in) and returns the reply.
        With `check`, a non-OK status raises `SplatdError`."""
        if self._socket is None:
            raise RuntimeError("this Control is closed")
        request_id = self._next_id
        self._next_id += 1
        request.request_id = request_id
        if request.version == 0:
            request.version = PROTOCOL_VERSION
        wait = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + wait
        if not self._socket.poll(math.ceil(wait * 1000), zmq.POLLOUT):
            raise SplatdTimeout(f"cannot send to {self.endpoint} within {wait:g} s ({_no_answer_hint(self.curve)})")
        self._socket.send(request.SerializeToString(), zmq.NOBLOCK)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                body = request.WhichOneof("body") or "request"
                raise SplatdTimeout(f"no reply to {body} from {self.endpoint} within {wait:g} s ({_no_answer_hint(self.curve)})")
            if not self._socket.poll(math.ceil(remaining * 1000), zmq.POLLIN):
                continue
            frames = self._socket.recv_multipart()
            try:
                reply = pb.Reply.FromString(frames[-1])
            except Exception:  # not a Reply: ignore it
                continue
            # The daemon answers a request it cannot decode with request id 0.
            if reply.request_id != request_id and not (reply.request_id == 0 and reply.status != pb.STATUS_OK):
                continue  # a late reply to an earlier request that timed out
            if check and reply.status != pb.STATUS_OK:
                raise SplatdError(reply.status, reply.error, reply.request_id)
            return reply

    def _request(self, field: str, message, timeout: Optional[float] = None) -> pb.Reply:
        request = pb.Request()
        getattr(request, field).CopyFrom(message)
        return self.call(request, timeout)

    # Requests
    def ping(self, payload: bytes = b"", timeout: Optional[float] = None) -> pb.Pong:
        """Round trip; returns the Pong (payload echoed, daemon version, daemon time)."""
        return self._request("ping", pb.Ping(payload=payload), timeout).pong

    def load_avatar(self, path: str, avatar_id: Optional[str] = None, rig_path: Optional[str] = None,
                    replace: bool = False, timeout: Optional[float] = None) -> pb.AvatarInfo:
        """Loads an avatar from a path on the daemon's host ("demo", a GaussianAvatars folder, a
        .ply/.splat scene). Without `avatar_id` the daemon picks one (see the returned info)."""
        message = pb.LoadAvatar(path=path, avatar_id=avatar_id or "", rig_path=rig_path or "", replace=replace)
        return self._request("load_avatar", message, self.load_timeout if timeout is None else timeout).avatar

    def unload_avatar(self, avatar_id: str, timeout: Optional[float] = None) -> pb.AvatarInfo:
        """Unloads an avatar (its streams are closed)."""
        return self._request("unload_avatar", pb.UnloadAvatar(avatar_id=avatar_id), timeout).avatar

    def list_avatars(self, timeout: Optional[float] = None) -> List[pb.AvatarInfo]:
        return list(self._request("list_avatars", pb.ListAvatars(), timeout).avatars.avatars)

    def open_stream(self, avatar_id: str = "demo", stream_id: Optional[str] = None, width: Optional[int] = None,
                    height: Optional[int] = None, fps: Optional[float] = None, codec=None,
                    quality: Optional[int] = None, background: Optional[Sequence[float]] = None,
                    convention=None, camera=None, orbit=None, stereo=None, camera_rig=None, layout=None,
                    admission_control: bool = False, timeout: Optional[float] = None) -> pb.StreamInfo:
        """Opens a stream rendering `avatar_id`; frames go out on topic "frames/<stream id>".
        Absent values take the daemon's defaults (512×512, 30 fps, JPEG). `codec`: "jpeg",
        "png", "raw" or a `splatd_pb2.Codec`; `background`: RGB 0…1; `camera`: a
        `splatd_pb2.Camera` or dict; `orbit`: a `splatd_pb2.OrbitCamera` or dict with
        distance, yaw_degrees, pitch_degrees, fov_y_degrees; `stereo`: True (or an
        interpupillary distance in metres) for a VR stereo pair side by side, `width` being both
        eyes together; `camera_rig`: a list of 2…16 cameras (as `camera`), one view each, left
        to right, each for an image of width / N × height; `layout`: "side-by-side" (one image,
        the default) or "views" (one image per view: `Frame.images`); `admission_control`: refuse (`SplatdError` with STATUS_LIMIT_REACHED) when,
        by the render times measured so far, the machine cannot give this stream and the watched
        ones their fps."""
        if camera is not None and orbit is not None:
            raise ValueError("give camera or orbit, not both")
        o = pb.OpenStream(stream_id=stream_id or "", avatar_id=avatar_id, admission_control=bool(admission_control))
        if width is not None:
            o.width = int(width)
        if height is not None:
            o.height = int(height)
        if fps is not None:
            o.fps = float(fps)
        if codec is not None:
            o.codec = codec_value(codec)
        if quality is not None:
            o.quality = int(quality)
        if background is not None:
            o.background.CopyFrom(_vec3(background, "background"))
        if convention is not None:
            o.convention = convention_value(convention)
        if camera is not None:
            o.camera.CopyFrom(_camera(camera))
        if orbit is not None:
            o.orbit.CopyFrom(_orbit(orbit))
        if stereo is not None and stereo is not False:
            o.stereo.CopyFrom(_stereo(stereo))
        if camera_rig is not None:
            o.camera_rig.CopyFrom(_camera_rig(camera_rig))
        if layout is not None:
            o.layout = _layout(layout)
        return self._request("open_stream", o, timeout).stream

    def update_stream(self, stream_id: str, width: Optional[int] = None, height: Optional[int] = None,
                      fps: Optional[float] = None, codec=None, quality: Optional[int] = None,
                      background: Optional[Sequence[float]] = None, convention=None, camera=None, orbit=None,
                      avatar_id: Optional[str] = None, stereo=None, camera_rig=None, layout=None,
                      timeout: Optional[float] = None) -> pb.StreamInfo:
        """Changes a stream's settings; values left None keep theirs. `stereo`: True or an
        interpupillary distance turns a stereo pair on, False back to one view; `camera_rig`:
        new cameras for a multi-view stream (a VR client may send them at 90 Hz); `layout`:
        "side-by-side" or "views"."""
        if camera is not None and orbit is not None:
            raise ValueError("give camera or orbit, not both")
        u = pb.UpdateStream(stream_id=stream_id)
        if width is not None:
            u.width = int(width)
        if height is not None:
            u.height = int(height)
        if fps is not None:
            u.fps = float(fps)
        if codec is not None:
            u.codec = codec_value(codec)
        if quality is not None:
            u.quality = int(quality)
        if background is not None:
            u.background.CopyFrom(_vec3(background, "background"))
        if convention is not None:
            u.convention = convention_value(convention)
        if camera is not None:
            u.camera.CopyFrom(_camera(camera))
        if orbit is not None:
            u.orbit.CopyFrom(_orbit(orbit))
        if avatar_id is not None:
            u.avatar_id = avatar_id
        if stereo is False:
            u.mono = True
        elif stereo is not None:
            u.stereo.CopyFrom(_stereo(stereo))
        if camera_rig is not None:
            u.camera_rig.CopyFrom(_camera_rig(camera_rig))
        if layout is not None:
            u.layout = _layout(layout)
        return self._request("update_stream", u, timeout).stream

    def close_stream(self, stream_id: str, timeout: Optional[float] = None) -> pb.StreamInfo:
        return self._request("close_stream", pb.CloseStream(stream_id=stream_id), timeout).stream

    def list_streams(self, timeout: Optional[float] = None) -> List[pb.StreamInfo]:
        return list(self._request("list_streams", pb.ListStreams(), timeout).streams.streams)

    def request_keyframe(self, stream_id: str, timeout: Optional[float] = None) -> pb.StreamInfo:
        """Makes the next frame of an H.264 stream a keyframe (a viewer that missed frames
        sends it to decode again); other codecs' frames all are keyframes."""
        return self._request("request_keyframe", pb.RequestKeyframe(stream_id=stream_id), timeout).stream

    def status(self, timeout: Optional[float] = None) -> pb.DaemonStatus:
        """Daemon status: avatars (drive counters), streams (fps, latency), process figures."""
        return self._request("get_status", pb.GetStatus(), timeout).daemon_status

    def avatar_status(self, avatar_id: str, timeout: Optional[float] = None) -> pb.AvatarStatus:
        """The `status()` entry of one avatar; raises KeyError if it is not loaded."""
        for a in self.status(timeout).avatars:
            if a.info.avatar_id == avatar_id:
                return a
        raise KeyError(avatar_id)

    def set_mixing(self, avatar_id: str, jaw_and_mouth=None, head_pose=None, eyes_and_brows=None,
                   timeout: Optional[float] = None) -> pb.Reply:
        """Which drive source ("tracker" or "audio") owns which part of the face. Parts left None
        keep their current owner: the request carries all three, so the avatar's current mixing
        is read first (`get_status`) when any part is left out."""
        m = pb.Mixing()
        if None in (jaw_and_mouth, head_pose, eyes_and_brows):
            try:
                m.CopyFrom(self.avatar_status(avatar_id, timeout).mixing)
            except KeyError:
                raise SplatdError(pb.STATUS_NOT_FOUND, f"no avatar {avatar_id!r}") from None
        for name, value in (("jaw_and_mouth", jaw_and_mouth), ("head_pose", head_pose), ("eyes_and_brows", eyes_and_brows)):
            if value is not None:
                setattr(m, name, _enum_value(pb.Source, value, "SOURCE_", "source"))
        return self._request("set_mixing", pb.SetMixing(avatar_id=avatar_id, mixing=m), timeout)


# ─── frames ───────────────────────────────────────────────────────────────────

class Frame(NamedTuple):
    """One published frame: its `splatd_pb2.FrameMeta` and the encoded image bytes (of a
    stream with one image per view, LAYOUT_VIEWS, the first view's: `images` holds them all)."""
    meta: pb.FrameMeta
    image: bytes

    @property
    def images(self) -> Tuple[bytes, ...]:
        """Every image of the frame, left to right: one, or one per view (`meta.views`)."""
        return (self.image,)


class _ViewsFrame(Frame):
    """A frame of several images (LAYOUT_VIEWS); still unpacks as `(meta, first image)`."""

    def __new__(cls, meta: pb.FrameMeta, images: Sequence[bytes]) -> "_ViewsFrame":
        frame = super().__new__(cls, meta, images[0])
        frame._images = tuple(images)
        return frame

    @property
    def images(self) -> Tuple[bytes, ...]:
        return self._images


class AudioPacket(NamedTuple):
    """One packet of a stream's voice: its `splatd_pb2.AudioMeta` and the Opus packet."""
    meta: pb.AudioMeta
    packet: bytes


class FrameSubscriber:
    """Subscribes to one stream's frames (and optionally to its voice and to daemon events) on
    the frames endpoint.

    ZeroMQ subscriptions are prefixes (a subscription to "frames/cam" also receives
    "frames/cam2"); this class drops every message whose topic is not exactly
    "frames/<stream_id>" (or "audio/<stream_id>", "events"). Iterating yields
    `(meta, image_bytes)` and blocks for at most `timeout` seconds per frame (None: forever),
    raising `SplatdTimeout` when none came.
    With `events=True`, `Event` messages met along the way are appended to `self.events` and
    passed to `on_event`; with `audio=True` the stream's voice ("audio/<stream_id>", Opus) is
    subscribed too and its packets are passed to `on_audio`; `receive()` returns frames,
    audio packets and events alike.

    Every frame, or only the newest: a recorder wants every frame, a live viewer the newest.
    ZeroMQ queues what a reader has not read yet, so a viewer that stalls for 2 s would then
    show frames 2 s old. With `latest_only=True` (a live viewer) the receive queue is small
    (`LATEST_ONLY_HIGH_WATER_MARK` messages; set before connecting) and iteration and
    `next_frame()` return `receive_latest()`: the newest frame received, everything queued
    before it dropped. H.264 frames depend on the ones before them, so after a gap the
    subscriber skips frames up to the next keyframe and, given a `control` (a `Control` or
    its endpoint), asks the daemon for one at once (`request_keyframe`). With
    `latest_only=False` (the default; for recording) nothing is skipped on purpose: frames are
    returned in order and only a reader slower than the stream for longer than the queues last
    (`receive_high_water_mark` here, 4 frames at the daemon) loses some.

    `stream_id=None` subscribes to events only. `curve` (`splatd.keys.CurveKeys`) talks to a
    daemon that requires CURVE keys (also used for the `control` made from an endpoint); a key
    the daemon refuses, or a stream its role may not watch, gets no frames at all."""

    #: `receive_latest()`: a message that follows the previous one within this many
    #: milliseconds was queued, not just sent; the drain goes on.
    DRAIN_SETTLE_MS = 5
    #: `receive_latest()` drains for at most this long before returning the newest frame.
    DRAIN_LIMIT_SECONDS = 0.5

    def __init__(self, endpoint: str = DEFAULT_FRAMES, stream_id: Optional[str] = "default", events: bool = False,
                 timeout: Optional[float] = None, on_event: Optional[Callable[[pb.Event], None]] = None,
                 context: Optional[zmq.Context] = None, receive_high_water_mark: Optional[int] = None,
                 latest_only: bool = False, control: Union["Control", str, None] = None, audio: bool = False,
                 on_audio: Optional[Callable[[AudioPacket], None]] = None, curve: Optional[CurveKeys] = None):
        if stream_id is None and not events:
            raise ValueError("subscribe to a stream, to events, or to both")
        if audio and stream_id is None:
            raise ValueError("audio=True needs a stream_id (the voice goes out per stream)")
        self.endpoint = endpoint
        self.stream_id = stream_id
        self.timeout = timeout
        self.on_event = on_event
        self.on_audio = on_audio
        self.latest_only = latest_only
        self.events: Deque[pb.Event] = deque(maxlen=1000)
        self.last_received_us = 0
        self._topic = frames_topic(stream_id) if stream_id is not None else None
        self._audio_topic = audio_topic(stream_id) if audio else None
        self._want_events = events
        self.curve = curve
        self._context = context or zmq.Context.instance()
        self._socket = _new_socket(self._context, zmq.SUB, curve)
        if receive_high_water_mark is None:
            receive_high_water_mark = LATEST_ONLY_HIGH_WATER_MARK if latest_only else 100
        # Before connect: ZeroMQ applies the high-water mark to the pipes connect() makes.
        self._socket.setsockopt(zmq.RCVHWM, receive_high_water_mark)
        if self._topic is not None:
            self._socket.setsockopt(zmq.SUBSCRIBE, self._topic)
        if self._audio_topic is not None:
            self._socket.setsockopt(zmq.SUBSCRIBE, self._audio_topic)
        if events:
            self._socket.setsockopt(zmq.SUBSCRIBE, EVENTS_TOPIC)
        self._socket.connect(endpoint)
        self._control = control
        self._own_control: Optional[Control] = None
        self.dropped_other_topics = 0
        self.dropped_malformed = 0
        #: Frames `receive_latest()` received and dropped for a newer one (or, H.264, while
        #: waiting for a keyframe).
        self.frames_skipped = 0
        #: `request_keyframe` requests sent after a gap in an H.264 stream.
        self.keyframes_requested = 0
        self._last_delivered_sequence: Optional[int] = None
        self._awaiting_keyframe = False
        self._keyframe_requested_at: Optional[float] = None

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None
        if self._own_control is not None:
            self._own_control.close()
            self._own_control = None

    def __enter__(self) -> "FrameSubscriber":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _message(self, parts: List[bytes], received_us: int) -> Optional[Union[Frame, AudioPacket, pb.Event]]:
        """Decodes one received message; None for one to drop (counted)."""
        topic = parts[0]
        if self._topic is not None and topic == self._topic:
            if len(parts) < 3:
                self.dropped_malformed += 1
                return None
            try:
                meta = pb.FrameMeta.FromString(parts[1])
            except Exception:
                self.dropped_malformed += 1
                return None
            if len(parts) - 2 != max(1, meta.views):
                self.dropped_malformed += 1
                return None
            self.last_received_us = received_us
            return Frame(meta, parts[2]) if len(parts) == 3 else _ViewsFrame(meta, parts[2:])
        if self._audio_topic is not None and topic == self._audio_topic:
            if len(parts) != 3:
                self.dropped_malformed += 1
                return None
            try:
                audio_meta = pb.AudioMeta.FromString(parts[1])
            except Exception:
                self.dropped_malformed += 1
                return None
            packet = AudioPacket(audio_meta, parts[2])
            if self.on_audio is not None:
                self.on_audio(packet)
            return packet
        if self._want_events and topic == EVENTS_TOPIC:
            if len(parts) != 2:
                self.dropped_malformed += 1
                return None
            try:
                event = pb.Event.FromString(parts[1])
            except Exception:
                self.dropped_malformed += 1
                return None
            self.events.append(event)
            if self.on_event is not None:
                self.on_event(event)
            return event
        self.dropped_other_topics += 1  # a longer topic that shares our prefix
        return None

    def _nothing_came(self, what: str, timeout: Optional[float]) -> str:
        """The message of a timeout waiting for a frame or an event."""
        thing = f"frame of stream {self.stream_id!r}" if what == "frame" else "event"
        hint = (" (with CURVE, a key the daemon refuses, or a stream its role may not watch, gets nothing)"
                if self.curve is not None else "")
        return f"no {thing} from {self.endpoint} within {timeout or 0:g} s{hint}"

    def receive(self, timeout: Optional[float] = None) -> Union[Frame, AudioPacket, pb.Event]:
        """The next message in order: a frame of the stream, or (with audio) a voice packet, or
        (with events) an event; `SplatdTimeout` after `timeout` seconds (None: wait forever).
        Never skips anything (see `receive_latest()` for a live viewer)."""
        if self._socket is None:
            raise RuntimeError("this FrameSubscriber is closed")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is not None:
                remaining = max(0.0, deadline - time.monotonic())
                if not self._socket.poll(math.ceil(remaining * 1000), zmq.POLLIN):
                    if time.monotonic() < deadline:
                        continue
                    raise SplatdTimeout(self._nothing_came("frame" if self._topic is not None else "event", timeout))
            parts = self._socket.recv_multipart()
            item = self._message(parts, wall_clock_us())
            if item is not None:
                return item

    def receive_latest(self, timeout: Optional[float] = None) -> Frame:
        """The newest frame of the stream, for showing it live: waits (at most `timeout`
        seconds, None: forever) until a frame is there, then takes every message already
        queued (without waiting) and keeps only the newest frame; the older ones are dropped
        (`frames_skipped`). Events and voice packets met on the way are recorded and passed to
        `on_event` / `on_audio` as usual, none dropped.

        H.264: a frame can only be decoded after the one before it, so after a gap in
        `frame_sequence` (frames dropped here or on the way) this skips frames until the next
        keyframe (`FrameMeta.keyframe`) and, with a `control`, sends `request_keyframe` so that
        the daemon makes the next frame one (again every second while none comes). A viewer
        persistently slower than the stream therefore costs a keyframe each time it falls
        behind: lower the stream's fps, or use JPEG, for such a viewer."""
        if self._socket is None:
            raise RuntimeError("this FrameSubscriber is closed")
        if self._topic is None:
            raise RuntimeError("this subscriber watches events only; use receive() or next_event()")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                first = self.receive(remaining)
            except SplatdTimeout:
                raise SplatdTimeout(self._nothing_came("frame", timeout)) from None
            newest: Optional[Frame] = first if isinstance(first, Frame) else None
            received = 1 if newest is not None else 0
            # Drain: everything already queued, the newest frame wins. Messages queued behind
            # the receive queue (the daemon's send queue, both kernels' socket buffers: a
            # second or two of frames on a fast link) flow in as soon as the queue has room,
            # back to back: keep taking them while the next one comes within DRAIN_SETTLE_MS,
            # much less than any stream's frame period (at most DRAIN_LIMIT_SECONDS in all).
            drain_until = time.monotonic() + self.DRAIN_LIMIT_SECONDS
            while True:
                try:
                    parts = self._socket.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    if time.monotonic() >= drain_until or not self._socket.poll(self.DRAIN_SETTLE_MS, zmq.POLLIN):
                        break
                    continue
                item = self._message(parts, wall_clock_us())
                if isinstance(item, Frame):
                    newest = item
                    received += 1
            if newest is None:
                continue
            self.frames_skipped += received - 1
            frame = self._decodable(newest, skipped=received > 1)
            if frame is not None:
                return frame

    def _decodable(self, frame: Frame, skipped: bool) -> Optional[Frame]:
        """`frame` if a viewer can show it: always for JPEG, PNG and raw frames; for H.264 only
        when no frame before it is missing since the last keyframe, else None (skipped, and a
        keyframe requested)."""
        meta = frame.meta
        sequence = meta.frame_sequence
        previous = self._last_delivered_sequence
        if meta.codec != pb.CODEC_H264:
            self._awaiting_keyframe = False
        elif meta.keyframe:
            self._awaiting_keyframe = False
        else:
            if skipped or previous is None or sequence != previous + 1:
                self._awaiting_keyframe = True
            if self._awaiting_keyframe:
                self.frames_skipped += 1
                self._ask_for_keyframe()
                return None
        self._last_delivered_sequence = sequence
        self._keyframe_requested_at = None
        return frame

    def _ask_for_keyframe(self) -> None:
        now = time.monotonic()
        if self._keyframe_requested_at is not None and now - self._keyframe_requested_at < 1.0:
            return
        self._keyframe_requested_at = now
        if self._control is None or self.stream_id is None:
            return
        if isinstance(self._control, str):
            self._own_control = Control(self._control, timeout=1.0, context=self._context, curve=self.curve)
            self._control = self._own_control
        try:
            self._control.request_keyframe(self.stream_id, timeout=1.0)
            self.keyframes_requested += 1
        except (SplatdError, SplatdTimeout):
            pass  # the next periodic keyframe (gop_seconds) comes anyway

    def next_frame(self, timeout: Optional[float] = None) -> Frame:
        """The next frame — with `latest_only`, the newest one (`receive_latest()`); events and
        voice packets met on the way are only recorded (`events`, `on_event`, `on_audio`)."""
        if self.latest_only:
            return self.receive_latest(timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self.receive(remaining)
            except SplatdTimeout:
                raise SplatdTimeout(self._nothing_came("frame", timeout)) from None
            if isinstance(item, Frame):
                return item

    def next_event(self, timeout: Optional[float] = None) -> pb.Event:
        """The next event (frames met on the way are dropped)."""
        if not self._want_events:
            raise RuntimeError("this subscriber was made without events=True")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            item = self.receive(remaining)
            if isinstance(item, pb.Event):
                return item

    def __iter__(self) -> Iterator[Frame]:
        """Frames in order, or with `latest_only` the newest each time."""
        if self._topic is None:
            raise RuntimeError("this subscriber watches events only; use receive() or next_event()")
        while True:
            yield self.next_frame(self.timeout)


# ─── drive ────────────────────────────────────────────────────────────────────

class DrivePublisher:
    """Publishes drive frames (`[avatar id][DriveFrame]`) to the daemon's drive SUB socket.

    Sequence numbers count 1, 2, 3, … per avatar (the daemon drops frames older than the
    newest applied one, and takes a sequence ≤ 1 as a sender restart); `sender_time_us` is the
    wall clock in µs at sending. Publish/subscribe drops whatever is sent before the daemon's
    subscription has come through the new connection (the late-joiner problem): call
    `wait_connected()` once after creating the publisher.

    The socket is an XPUB (a PUB that also reports subscriptions), so `wait_connected()` knows
    when the daemon's subscription has arrived instead of guessing with a sleep.

    `curve` (`splatd.keys.CurveKeys`) talks to a daemon that requires CURVE keys; with a key it
    refuses the connection never comes up (`wait_connected()` returns False) and every frame
    is dropped."""

    def __init__(self, endpoint: str = DEFAULT_DRIVE, context: Optional[zmq.Context] = None,
                 send_high_water_mark: int = 1000, linger_ms: int = 500, curve: Optional[CurveKeys] = None):
        self.endpoint = endpoint
        self.curve = curve
        self._context = context or zmq.Context.instance()
        self._socket = _new_socket(self._context, zmq.XPUB, curve)
        self._socket.setsockopt(zmq.LINGER, linger_ms)
        self._socket.setsockopt(zmq.SNDHWM, send_high_water_mark)
        self._socket.connect(endpoint)
        self._connected = False
        self._sequences = {}
        self.frames_sent = 0

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> "DrivePublisher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def wait_connected(self, timeout: float = 3.0, settle: float = 0.02) -> bool:
        """Blocks until the daemon's subscription has arrived over the connection (from then on
        nothing sent is lost), plus `settle` seconds; at most `timeout` seconds. Returns False
        when no daemon subscribed in time (frames sent now would be dropped)."""
        if self._connected:
            return True
        if self._socket is None:
            raise RuntimeError("this DrivePublisher is closed")
        deadline = time.monotonic() + timeout
        while True:
            remaining = max(0.0, deadline - time.monotonic())
            if not self._socket.poll(math.ceil(remaining * 1000), zmq.POLLIN):
                if time.monotonic() >= deadline:
                    return False
                continue
            message = self._socket.recv()
            if message[:1] == b"\x01":  # a subscription (0x01 + prefix)
                break
        if settle > 0:
            time.sleep(settle)
        self._connected = True
        return True

    def next_sequence(self, avatar_id: str) -> int:
        seq = self._sequences.get(avatar_id, 0) + 1
        self._sequences[avatar_id] = seq
        return seq

    def reset_sequence(self, avatar_id: Optional[str] = None) -> None:
        """Starts the avatar's (or every avatar's) sequence over at 1."""
        if avatar_id is None:
            self._sequences.clear()
        else:
            self._sequences.pop(avatar_id, None)

    def send(self, frame: pb.DriveFrame) -> pb.DriveFrame:
        """Publishes a prepared DriveFrame (avatar_id required; a zero sequence or sender time
        is filled in). Returns the frame as sent."""
        if self._socket is None:
            raise RuntimeError("this DrivePublisher is closed")
        if not frame.avatar_id:
            raise ValueError("the drive frame needs an avatar_id")
        if frame.sequence == 0:
            frame.sequence = self.next_sequence(frame.avatar_id)
        else:
            self._sequences[frame.avatar_id] = max(self._sequences.get(frame.avatar_id, 0), frame.sequence)
        if frame.sender_time_us == 0:
            frame.sender_time_us = wall_clock_us()
        self._socket.send_multipart([frame.avatar_id.encode("utf-8"), frame.SerializeToString()])
        self.frames_sent += 1
        return frame

    def send_flame(self, avatar_id: str, expr=None, jaw_pose=None, neck_pose=None, eyes_pose=None,
                   rotation=None, translation=None, eyelids=None, left_eye_pose=None,
                   right_eye_pose=None) -> pb.DriveFrame:
        """FLAME values (axis-angle radians, metres); None fields are absent (the daemon keeps
        their last value). `eyes_pose`: 6 values, left then right eye (GaussianAvatars'
        layout); `eyelids`: [left, right] closure 0…1."""
        f = pb.FlameValues()
        if expr is not None:
            f.expr.extend(_floats(expr, None, "expr"))
        if jaw_pose is not None:
            f.jaw_pose.CopyFrom(_vec3(jaw_pose, "jaw_pose"))
        if neck_pose is not None:
            f.neck_pose.CopyFrom(_vec3(neck_pose, "neck_pose"))
        if eyes_pose is not None:
            eyes = _floats(eyes_pose, 6, "eyes_pose")
            f.left_eye_pose.CopyFrom(_vec3(eyes[:3], "eyes_pose"))
            f.right_eye_pose.CopyFrom(_vec3(eyes[3:], "eyes_pose"))
        if left_eye_pose is not None:
            f.left_eye_pose.CopyFrom(_vec3(left_eye_pose, "left_eye_pose"))
        if right_eye_pose is not None:
            f.right_eye_pose.CopyFrom(_vec3(right_eye_pose, "right_eye_pose"))
        if rotation is not None:
            f.rotation.CopyFrom(_vec3(rotation, "rotation"))
        if translation is not None:
            f.translation.CopyFrom(_vec3(translation, "translation"))
        if eyelids is not None:
            f.eyelids.extend(_floats(eyelids, 2, "eyelids"))
        return self.send(pb.DriveFrame(avatar_id=avatar_id, flame=f))

    def send_arkit(self, avatar_id: str, weights=None, head_rotation=None, head_translation=None,
                   left_eye_rotation=None, right_eye_rotation=None, named: Optional[Mapping[str, float]] = None
                   ) -> pb.DriveFrame:
        """ARKit blendshapes: `weights` is either all 52 values in ARKit order or a dict
        name → weight (any subset, names in any letter case); `named` adds a dict on top of a
        52-vector. Rotations are axis-angle radians in the avatar's frame (see
        `splatd.arkit.axis_angle_from_ypr`), translations metres."""
        a = pb.ArkitValues()
        extra = dict(named or {})
        if isinstance(weights, Mapping):
            extra = {**dict(weights), **extra}
        elif weights is not None:
            a.weights.extend(_floats(weights, 52, "ARKit weights (ARKit order)"))
        for name, value in extra.items():
            canonical = canonical_arkit_name(name)
            if canonical is None:
                raise ValueError(f"unknown ARKit blendshape name {name!r}")
            a.named[canonical] = float(value)
        if head_rotation is not None:
            a.head_rotation.CopyFrom(_vec3(head_rotation, "head_rotation"))
        if head_translation is not None:
            a.head_translation.CopyFrom(_vec3(head_translation, "head_translation"))
        if left_eye_rotation is not None:
            a.left_eye_rotation.CopyFrom(_vec3(left_eye_rotation, "left_eye_rotation"))
        if right_eye_rotation is not None:
            a.right_eye_rotation.CopyFrom(_vec3(right_eye_rotation, "right_eye_rotation"))
        return self.send(pb.DriveFrame(avatar_id=avatar_id, arkit=a))

