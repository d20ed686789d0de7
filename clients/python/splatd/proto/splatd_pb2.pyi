from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

AUDIO_CODEC_OPUS: AudioCodec
AVATAR_KIND_DEMO: AvatarKind
AVATAR_KIND_GAUSSIAN_AVATARS: AvatarKind
AVATAR_KIND_STATIC: AvatarKind
AVATAR_KIND_UNKNOWN: AvatarKind
CODEC_H264: Codec
CODEC_JPEG: Codec
CODEC_PNG: Codec
CODEC_RAW: Codec
CONVENTION_DEFAULT: Convention
CONVENTION_GSPLAT: Convention
CONVENTION_INRIA: Convention
DESCRIPTOR: _descriptor.FileDescriptor
DRIVE_STATE_EASING: DriveState
DRIVE_STATE_HOLD: DriveState
DRIVE_STATE_IDLE: DriveState
DRIVE_STATE_LIVE: DriveState
LAYOUT_SIDE_BY_SIDE: Layout
LAYOUT_VIEWS: Layout
OUTPUT_STATE_CONNECTING: OutputState
OUTPUT_STATE_FAILED: OutputState
OUTPUT_STATE_LIVE: OutputState
OUTPUT_STATE_RETRYING: OutputState
OUTPUT_STATE_STARTING: OutputState
OUTPUT_STATE_STOPPED: OutputState
SOURCE_AUDIO: Source
SOURCE_TRACKER: Source
STATUS_ALREADY_EXISTS: Status
STATUS_BUSY: Status
STATUS_INTERNAL: Status
STATUS_INVALID_REQUEST: Status
STATUS_LIMIT_REACHED: Status
STATUS_LOAD_FAILED: Status
STATUS_NOT_FOUND: Status
STATUS_OK: Status
STATUS_PERMISSION_DENIED: Status

class ArkitValues(_message.Message):
    __slots__ = ["head_rotation", "head_translation", "left_eye_rotation", "named", "right_eye_rotation", "weights"]
    class NamedEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    HEAD_ROTATION_FIELD_NUMBER: _ClassVar[int]
    HEAD_TRANSLATION_FIELD_NUMBER: _ClassVar[int]
    LEFT_EYE_ROTATION_FIELD_NUMBER: _ClassVar[int]
    NAMED_FIELD_NUMBER: _ClassVar[int]
    RIGHT_EYE_ROTATION_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    head_rotation: Vec3
    head_translation: Vec3
    left_eye_rotation: Vec3
    named: _containers.ScalarMap[str, float]
    right_eye_rotation: Vec3
    weights: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, weights: _Optional[_Iterable[float]] = ..., named: _Optional[_Mapping[str, float]] = ..., head_rotation: _Optional[_Union[Vec3, _Mapping]] = ..., head_translation: _Optional[_Union[Vec3, _Mapping]] = ..., left_eye_rotation: _Optional[_Union[Vec3, _Mapping]] = ..., right_eye_rotation: _Optional[_Union[Vec3, _Mapping]] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ["avatar_id", "channels", "end_of_stream", "sample_rate", "samples_s16le", "sender_time_us", "sequence"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    END_OF_STREAM_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_S16LE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    SENDER_TIME_US_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    channels: int
    end_of_stream: bool
    sample_rate: int
    samples_s16le: bytes
    sender_time_us: int
    sequence: int
    def __init__(self, avatar_id: _Optional[str] = ..., sequence: _Optional[int] = ..., sender_time_us: _Optional[int] = ..., sample_rate: _Optional[int] = ..., channels: _Optional[int] = ..., samples_s16le: _Optional[bytes] = ..., end_of_stream: bool = ...) -> None: ...

class AudioMeta(_message.Message):
    __slots__ = ["audio_sequence", "avatar_id", "channels", "codec", "duration_us", "packet_sequence", "pre_skip", "presentation_time_us", "sample_rate", "stream_id", "utterance_start"]
    AUDIO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    CODEC_FIELD_NUMBER: _ClassVar[int]
    DURATION_US_FIELD_NUMBER: _ClassVar[int]
    PACKET_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PRESENTATION_TIME_US_FIELD_NUMBER: _ClassVar[int]
    PRE_SKIP_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_START_FIELD_NUMBER: _ClassVar[int]
    audio_sequence: int
    avatar_id: str
    channels: int
    codec: AudioCodec
    duration_us: int
    packet_sequence: int
    pre_skip: int
    presentation_time_us: int
    sample_rate: int
    stream_id: str
    utterance_start: bool
    def __init__(self, stream_id: _Optional[str] = ..., avatar_id: _Optional[str] = ..., codec: _Optional[_Union[AudioCodec, str]] = ..., sample_rate: _Optional[int] = ..., channels: _Optional[int] = ..., packet_sequence: _Optional[int] = ..., presentation_time_us: _Optional[int] = ..., duration_us: _Optional[int] = ..., audio_sequence: _Optional[int] = ..., utterance_start: bool = ..., pre_skip: _Optional[int] = ...) -> None: ...

class AudioStatus(_message.Message):
    __slots__ = ["chunks_dropped", "chunks_received", "latency_ms", "level_db", "source", "viseme", "viseme_weight", "voice_active", "xruns"]
    CHUNKS_DROPPED_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    LEVEL_DB_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    VISEME_FIELD_NUMBER: _ClassVar[int]
    VISEME_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    VOICE_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    XRUNS_FIELD_NUMBER: _ClassVar[int]
    chunks_dropped: int
    chunks_received: int
    latency_ms: float
    level_db: float
    source: str
    viseme: str
    viseme_weight: float
    voice_active: bool
    xruns: int
    def __init__(self, source: _Optional[str] = ..., level_db: _Optional[float] = ..., voice_active: bool = ..., viseme: _Optional[str] = ..., viseme_weight: _Optional[float] = ..., latency_ms: _Optional[float] = ..., chunks_received: _Optional[int] = ..., chunks_dropped: _Optional[int] = ..., xruns: _Optional[int] = ...) -> None: ...

class AvatarInfo(_message.Message):
    __slots__ = ["avatar_id", "expression_coefficients", "gaussians", "kind", "load_seconds", "loaded_us", "path", "triangles", "vertices"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    EXPRESSION_COEFFICIENTS_FIELD_NUMBER: _ClassVar[int]
    GAUSSIANS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    LOADED_US_FIELD_NUMBER: _ClassVar[int]
    LOAD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TRIANGLES_FIELD_NUMBER: _ClassVar[int]
    VERTICES_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    expression_coefficients: int
    gaussians: int
    kind: AvatarKind
    load_seconds: float
    loaded_us: int
    path: str
    triangles: int
    vertices: int
    def __init__(self, avatar_id: _Optional[str] = ..., kind: _Optional[_Union[AvatarKind, str]] = ..., path: _Optional[str] = ..., gaussians: _Optional[int] = ..., vertices: _Optional[int] = ..., triangles: _Optional[int] = ..., expression_coefficients: _Optional[int] = ..., loaded_us: _Optional[int] = ..., load_seconds: _Optional[float] = ...) -> None: ...

class AvatarList(_message.Message):
    __slots__ = ["avatars"]
    AVATARS_FIELD_NUMBER: _ClassVar[int]
    avatars: _containers.RepeatedCompositeFieldContainer[AvatarInfo]
    def __init__(self, avatars: _Optional[_Iterable[_Union[AvatarInfo, _Mapping]]] = ...) -> None: ...

class AvatarStatus(_message.Message):
    __slots__ = ["audio", "drive_frames_out_of_order", "drive_frames_received", "drive_frames_rejected", "drive_rate_hz", "drive_state", "info", "last_drive_age_ms", "last_drive_sequence", "mixing"]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    DRIVE_FRAMES_OUT_OF_ORDER_FIELD_NUMBER: _ClassVar[int]
    DRIVE_FRAMES_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    DRIVE_FRAMES_REJECTED_FIELD_NUMBER: _ClassVar[int]
    DRIVE_RATE_HZ_FIELD_NUMBER: _ClassVar[int]
    DRIVE_STATE_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    LAST_DRIVE_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_DRIVE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    MIXING_FIELD_NUMBER: _ClassVar[int]
    audio: _containers.RepeatedCompositeFieldContainer[AudioStatus]
    drive_frames_out_of_order: int
    drive_frames_received: int
    drive_frames_rejected: int
    drive_rate_hz: float
    drive_state: DriveState
    info: AvatarInfo
    last_drive_age_ms: float
    last_drive_sequence: int
    mixing: Mixing
    def __init__(self, info: _Optional[_Union[AvatarInfo, _Mapping]] = ..., drive_state: _Optional[_Union[DriveState, str]] = ..., drive_frames_received: _Optional[int] = ..., drive_frames_rejected: _Optional[int] = ..., drive_frames_out_of_order: _Optional[int] = ..., last_drive_sequence: _Optional[int] = ..., last_drive_age_ms: _Optional[float] = ..., drive_rate_hz: _Optional[float] = ..., audio: _Optional[_Iterable[_Union[AudioStatus, _Mapping]]] = ..., mixing: _Optional[_Union[Mixing, _Mapping]] = ...) -> None: ...

class Camera(_message.Message):
    __slots__ = ["cx", "cy", "fx", "fy", "world_to_camera"]
    CX_FIELD_NUMBER: _ClassVar[int]
    CY_FIELD_NUMBER: _ClassVar[int]
    FX_FIELD_NUMBER: _ClassVar[int]
    FY_FIELD_NUMBER: _ClassVar[int]
    WORLD_TO_CAMERA_FIELD_NUMBER: _ClassVar[int]
    cx: float
    cy: float
    fx: float
    fy: float
    world_to_camera: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, fx: _Optional[float] = ..., fy: _Optional[float] = ..., cx: _Optional[float] = ..., cy: _Optional[float] = ..., world_to_camera: _Optional[_Iterable[float]] = ...) -> None: ...

class CameraRig(_message.Message):
    __slots__ = ["cameras"]
    CAMERAS_FIELD_NUMBER: _ClassVar[int]
    cameras: _containers.RepeatedCompositeFieldContainer[Camera]
    def __init__(self, cameras: _Optional[_Iterable[_Union[Camera, _Mapping]]] = ...) -> None: ...

class CloseStream(_message.Message):
    __slots__ = ["stream_id"]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    def __init__(self, stream_id: _Optional[str] = ...) -> None: ...

class DaemonStatus(_message.Message):
    __slots__ = ["audio_chunks_malformed", "auth_denied", "avatar_budget_bytes", "avatar_bytes", "avatars", "cpu_seconds", "curve", "drive_denied", "drive_frames_malformed", "malformed_requests", "outputs", "poses", "render_load", "render_threads", "requests", "requests_denied", "rss_bytes", "streams", "subscriptions_refused", "trackers", "uptime_seconds", "version", "viewer_disconnects"]
    AUDIO_CHUNKS_MALFORMED_FIELD_NUMBER: _ClassVar[int]
    AUTH_DENIED_FIELD_NUMBER: _ClassVar[int]
    AVATARS_FIELD_NUMBER: _ClassVar[int]
    AVATAR_BUDGET_BYTES_FIELD_NUMBER: _ClassVar[int]
    AVATAR_BYTES_FIELD_NUMBER: _ClassVar[int]
    CPU_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CURVE_FIELD_NUMBER: _ClassVar[int]
    DRIVE_DENIED_FIELD_NUMBER: _ClassVar[int]
    DRIVE_FRAMES_MALFORMED_FIELD_NUMBER: _ClassVar[int]
    MALFORMED_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    POSES_FIELD_NUMBER: _ClassVar[int]
    RENDER_LOAD_FIELD_NUMBER: _ClassVar[int]
    RENDER_THREADS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_DENIED_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    RSS_BYTES_FIELD_NUMBER: _ClassVar[int]
    STREAMS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTIONS_REFUSED_FIELD_NUMBER: _ClassVar[int]
    TRACKERS_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VIEWER_DISCONNECTS_FIELD_NUMBER: _ClassVar[int]
    audio_chunks_malformed: int
    auth_denied: int
    avatar_budget_bytes: int
    avatar_bytes: int
    avatars: _containers.RepeatedCompositeFieldContainer[AvatarStatus]
    cpu_seconds: float
    curve: bool
    drive_denied: int
    drive_frames_malformed: int
    malformed_requests: int
    outputs: _containers.RepeatedCompositeFieldContainer[OutputStatus]
    poses: int
    render_load: float
    render_threads: int
    requests: int
    requests_denied: int
    rss_bytes: int
    streams: _containers.RepeatedCompositeFieldContainer[StreamStatus]
    subscriptions_refused: int
    trackers: _containers.RepeatedCompositeFieldContainer[TrackerStatus]
    uptime_seconds: float
    version: str
    viewer_disconnects: int
    def __init__(self, version: _Optional[str] = ..., uptime_seconds: _Optional[float] = ..., avatars: _Optional[_Iterable[_Union[AvatarStatus, _Mapping]]] = ..., streams: _Optional[_Iterable[_Union[StreamStatus, _Mapping]]] = ..., requests: _Optional[int] = ..., malformed_requests: _Optional[int] = ..., drive_frames_malformed: _Optional[int] = ..., cpu_seconds: _Optional[float] = ..., rss_bytes: _Optional[int] = ..., render_threads: _Optional[int] = ..., audio_chunks_malformed: _Optional[int] = ..., trackers: _Optional[_Iterable[_Union[TrackerStatus, _Mapping]]] = ..., outputs: _Optional[_Iterable[_Union[OutputStatus, _Mapping]]] = ..., auth_denied: _Optional[int] = ..., requests_denied: _Optional[int] = ..., subscriptions_refused: _Optional[int] = ..., drive_denied: _Optional[int] = ..., viewer_disconnects: _Optional[int] = ..., avatar_bytes: _Optional[int] = ..., avatar_budget_bytes: _Optional[int] = ..., curve: bool = ..., render_load: _Optional[float] = ..., poses: _Optional[int] = ...) -> None: ...

class DriveFrame(_message.Message):
    __slots__ = ["arkit", "avatar_id", "flame", "sender_time_us", "sequence"]
    ARKIT_FIELD_NUMBER: _ClassVar[int]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    FLAME_FIELD_NUMBER: _ClassVar[int]
    SENDER_TIME_US_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    arkit: ArkitValues
    avatar_id: str
    flame: FlameValues
    sender_time_us: int
    sequence: int
    def __init__(self, avatar_id: _Optional[str] = ..., sequence: _Optional[int] = ..., sender_time_us: _Optional[int] = ..., flame: _Optional[_Union[FlameValues, _Mapping]] = ..., arkit: _Optional[_Union[ArkitValues, _Mapping]] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ["avatar_loaded", "avatar_unloaded", "error", "stream_closed", "stream_opened", "stream_updated", "time_us"]
    AVATAR_LOADED_FIELD_NUMBER: _ClassVar[int]
    AVATAR_UNLOADED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STREAM_CLOSED_FIELD_NUMBER: _ClassVar[int]
    STREAM_OPENED_FIELD_NUMBER: _ClassVar[int]
    STREAM_UPDATED_FIELD_NUMBER: _ClassVar[int]
    TIME_US_FIELD_NUMBER: _ClassVar[int]
    avatar_loaded: AvatarInfo
    avatar_unloaded: str
    error: str
    stream_closed: str
    stream_opened: StreamInfo
    stream_updated: StreamInfo
    time_us: int
    def __init__(self, time_us: _Optional[int] = ..., avatar_loaded: _Optional[_Union[AvatarInfo, _Mapping]] = ..., avatar_unloaded: _Optional[str] = ..., stream_opened: _Optional[_Union[StreamInfo, _Mapping]] = ..., stream_updated: _Optional[_Union[StreamInfo, _Mapping]] = ..., stream_closed: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class FlameValues(_message.Message):
    __slots__ = ["expr", "eyelids", "jaw_pose", "left_eye_pose", "neck_pose", "right_eye_pose", "rotation", "translation"]
    EXPR_FIELD_NUMBER: _ClassVar[int]
    EYELIDS_FIELD_NUMBER: _ClassVar[int]
    JAW_POSE_FIELD_NUMBER: _ClassVar[int]
    LEFT_EYE_POSE_FIELD_NUMBER: _ClassVar[int]
    NECK_POSE_FIELD_NUMBER: _ClassVar[int]
    RIGHT_EYE_POSE_FIELD_NUMBER: _ClassVar[int]
    ROTATION_FIELD_NUMBER: _ClassVar[int]
    TRANSLATION_FIELD_NUMBER: _ClassVar[int]
    expr: _containers.RepeatedScalarFieldContainer[float]
    eyelids: _containers.RepeatedScalarFieldContainer[float]
    jaw_pose: Vec3
    left_eye_pose: Vec3
    neck_pose: Vec3
    right_eye_pose: Vec3
    rotation: Vec3
    translation: Vec3
    def __init__(self, expr: _Optional[_Iterable[float]] = ..., jaw_pose: _Optional[_Union[Vec3, _Mapping]] = ..., neck_pose: _Optional[_Union[Vec3, _Mapping]] = ..., left_eye_pose: _Optional[_Union[Vec3, _Mapping]] = ..., right_eye_pose: _Optional[_Union[Vec3, _Mapping]] = ..., rotation: _Optional[_Union[Vec3, _Mapping]] = ..., translation: _Optional[_Union[Vec3, _Mapping]] = ..., eyelids: _Optional[_Iterable[float]] = ...) -> None: ...

class FrameMeta(_message.Message):
    __slots__ = ["audio_sender_time_us", "audio_sequence", "avatar_id", "codec", "drive_received_us", "drive_sender_time_us", "drive_sequence", "drive_state", "encode_done_us", "frame_sequence", "frame_time_us", "gaussians_visible", "height", "keyframe", "render_done_us", "render_start_us", "stream_id", "views", "width"]
    AUDIO_SENDER_TIME_US_FIELD_NUMBER: _ClassVar[int]
    AUDIO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    CODEC_FIELD_NUMBER: _ClassVar[int]
    DRIVE_RECEIVED_US_FIELD_NUMBER: _ClassVar[int]
    DRIVE_SENDER_TIME_US_FIELD_NUMBER: _ClassVar[int]
    DRIVE_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    DRIVE_STATE_FIELD_NUMBER: _ClassVar[int]
    ENCODE_DONE_US_FIELD_NUMBER: _ClassVar[int]
    FRAME_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FRAME_TIME_US_FIELD_NUMBER: _ClassVar[int]
    GAUSSIANS_VISIBLE_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    KEYFRAME_FIELD_NUMBER: _ClassVar[int]
    RENDER_DONE_US_FIELD_NUMBER: _ClassVar[int]
    RENDER_START_US_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    VIEWS_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    audio_sender_time_us: int
    audio_sequence: int
    avatar_id: str
    codec: Codec
    drive_received_us: int
    drive_sender_time_us: int
    drive_sequence: int
    drive_state: DriveState
    encode_done_us: int
    frame_sequence: int
    frame_time_us: int
    gaussians_visible: int
    height: int
    keyframe: bool
    render_done_us: int
    render_start_us: int
    stream_id: str
    views: int
    width: int
    def __init__(self, stream_id: _Optional[str] = ..., frame_sequence: _Optional[int] = ..., codec: _Optional[_Union[Codec, str]] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., avatar_id: _Optional[str] = ..., drive_sequence: _Optional[int] = ..., drive_sender_time_us: _Optional[int] = ..., drive_received_us: _Optional[int] = ..., frame_time_us: _Optional[int] = ..., render_start_us: _Optional[int] = ..., render_done_us: _Optional[int] = ..., encode_done_us: _Optional[int] = ..., gaussians_visible: _Optional[int] = ..., audio_sequence: _Optional[int] = ..., audio_sender_time_us: _Optional[int] = ..., keyframe: bool = ..., drive_state: _Optional[_Union[DriveState, str]] = ..., views: _Optional[int] = ...) -> None: ...

class GetStatus(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListAvatars(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListStreams(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class LoadAvatar(_message.Message):
    __slots__ = ["avatar_id", "path", "replace", "rig_path"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    RIG_PATH_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    path: str
    replace: bool
    rig_path: str
    def __init__(self, avatar_id: _Optional[str] = ..., path: _Optional[str] = ..., rig_path: _Optional[str] = ..., replace: bool = ...) -> None: ...

class Mixing(_message.Message):
    __slots__ = ["eyes_and_brows", "head_pose", "jaw_and_mouth"]
    EYES_AND_BROWS_FIELD_NUMBER: _ClassVar[int]
    HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    JAW_AND_MOUTH_FIELD_NUMBER: _ClassVar[int]
    eyes_and_brows: Source
    head_pose: Source
    jaw_and_mouth: Source
    def __init__(self, jaw_and_mouth: _Optional[_Union[Source, str]] = ..., head_pose: _Optional[_Union[Source, str]] = ..., eyes_and_brows: _Optional[_Union[Source, str]] = ...) -> None: ...

class OpenStream(_message.Message):
    __slots__ = ["admission_control", "avatar_id", "background", "bitrate_kbps", "camera", "camera_rig", "codec", "convention", "fps", "gop_seconds", "height", "layout", "orbit", "quality", "stereo", "stream_id", "width"]
    ADMISSION_CONTROL_FIELD_NUMBER: _ClassVar[int]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    BITRATE_KBPS_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIELD_NUMBER: _ClassVar[int]
    CAMERA_RIG_FIELD_NUMBER: _ClassVar[int]
    CODEC_FIELD_NUMBER: _ClassVar[int]
    CONVENTION_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    GOP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    ORBIT_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    STEREO_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    admission_control: bool
    avatar_id: str
    background: Vec3
    bitrate_kbps: int
    camera: Camera
    camera_rig: CameraRig
    codec: Codec
    convention: Convention
    fps: float
    gop_seconds: float
    height: int
    layout: Layout
    orbit: OrbitCamera
    quality: int
    stereo: Stereo
    stream_id: str
    width: int
    def __init__(self, stream_id: _Optional[str] = ..., avatar_id: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., fps: _Optional[float] = ..., codec: _Optional[_Union[Codec, str]] = ..., quality: _Optional[int] = ..., background: _Optional[_Union[Vec3, _Mapping]] = ..., convention: _Optional[_Union[Convention, str]] = ..., camera: _Optional[_Union[Camera, _Mapping]] = ..., orbit: _Optional[_Union[OrbitCamera, _Mapping]] = ..., bitrate_kbps: _Optional[int] = ..., gop_seconds: _Optional[float] = ..., stereo: _Optional[_Union[Stereo, _Mapping]] = ..., admission_control: bool = ..., camera_rig: _Optional[_Union[CameraRig, _Mapping]] = ..., layout: _Optional[_Union[Layout, str]] = ...) -> None: ...

class OrbitCamera(_message.Message):
    __slots__ = ["distance", "fov_y_degrees", "pitch_degrees", "yaw_degrees"]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    FOV_Y_DEGREES_FIELD_NUMBER: _ClassVar[int]
    PITCH_DEGREES_FIELD_NUMBER: _ClassVar[int]
    YAW_DEGREES_FIELD_NUMBER: _ClassVar[int]
    distance: float
    fov_y_degrees: float
    pitch_degrees: float
    yaw_degrees: float
    def __init__(self, distance: _Optional[float] = ..., yaw_degrees: _Optional[float] = ..., pitch_degrees: _Optional[float] = ..., fov_y_degrees: _Optional[float] = ...) -> None: ...

class OutputStatus(_message.Message):
    __slots__ = ["audio_codec", "audio_packets_written", "bitrate_kbps", "bytes_written", "connected_seconds", "cpu_seconds", "errors", "format", "frames_dropped", "frames_written", "last_error", "output_id", "reconnects", "retry_in_seconds", "sdp", "sdp_path", "state", "stream_id", "target_bitrate_kbps", "url"]
    AUDIO_CODEC_FIELD_NUMBER: _ClassVar[int]
    AUDIO_PACKETS_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    BITRATE_KBPS_FIELD_NUMBER: _ClassVar[int]
    BYTES_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CPU_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FRAMES_DROPPED_FIELD_NUMBER: _ClassVar[int]
    FRAMES_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ID_FIELD_NUMBER: _ClassVar[int]
    RECONNECTS_FIELD_NUMBER: _ClassVar[int]
    RETRY_IN_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SDP_FIELD_NUMBER: _ClassVar[int]
    SDP_PATH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_BITRATE_KBPS_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    audio_codec: str
    audio_packets_written: int
    bitrate_kbps: float
    bytes_written: int
    connected_seconds: float
    cpu_seconds: float
    errors: int
    format: str
    frames_dropped: int
    frames_written: int
    last_error: str
    output_id: str
    reconnects: int
    retry_in_seconds: float
    sdp: str
    sdp_path: str
    state: OutputState
    stream_id: str
    target_bitrate_kbps: int
    url: str
    def __init__(self, output_id: _Optional[str] = ..., stream_id: _Optional[str] = ..., url: _Optional[str] = ..., format: _Optional[str] = ..., audio_codec: _Optional[str] = ..., state: _Optional[_Union[OutputState, str]] = ..., bitrate_kbps: _Optional[float] = ..., frames_written: _Optional[int] = ..., frames_dropped: _Optional[int] = ..., audio_packets_written: _Optional[int] = ..., bytes_written: _Optional[int] = ..., reconnects: _Optional[int] = ..., errors: _Optional[int] = ..., last_error: _Optional[str] = ..., connected_seconds: _Optional[float] = ..., retry_in_seconds: _Optional[float] = ..., sdp_path: _Optional[str] = ..., sdp: _Optional[str] = ..., target_bitrate_kbps: _Optional[int] = ..., cpu_seconds: _Optional[float] = ...) -> None: ...

class Percentiles(_message.Message):
    __slots__ = ["max", "p50", "p90", "p99"]
    MAX_FIELD_NUMBER: _ClassVar[int]
    P50_FIELD_NUMBER: _ClassVar[int]
    P90_FIELD_NUMBER: _ClassVar[int]
    P99_FIELD_NUMBER: _ClassVar[int]
    max: float
    p50: float
    p90: float
    p99: float
    def __init__(self, p50: _Optional[float] = ..., p90: _Optional[float] = ..., p99: _Optional[float] = ..., max: _Optional[float] = ...) -> None: ...

class Ping(_message.Message):
    __slots__ = ["payload"]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    def __init__(self, payload: _Optional[bytes] = ...) -> None: ...

class Pong(_message.Message):
    __slots__ = ["payload", "time_us", "version"]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    TIME_US_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    time_us: int
    version: str
    def __init__(self, payload: _Optional[bytes] = ..., version: _Optional[str] = ..., time_us: _Optional[int] = ...) -> None: ...

class Reply(_message.Message):
    __slots__ = ["avatar", "avatars", "daemon_status", "error", "output", "pong", "request_id", "status", "stream", "streams"]
    AVATARS_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    DAEMON_STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    PONG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STREAMS_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    avatar: AvatarInfo
    avatars: AvatarList
    daemon_status: DaemonStatus
    error: str
    output: OutputStatus
    pong: Pong
    request_id: int
    status: Status
    stream: StreamInfo
    streams: StreamList
    def __init__(self, request_id: _Optional[int] = ..., status: _Optional[_Union[Status, str]] = ..., error: _Optional[str] = ..., pong: _Optional[_Union[Pong, _Mapping]] = ..., avatar: _Optional[_Union[AvatarInfo, _Mapping]] = ..., avatars: _Optional[_Union[AvatarList, _Mapping]] = ..., stream: _Optional[_Union[StreamInfo, _Mapping]] = ..., streams: _Optional[_Union[StreamList, _Mapping]] = ..., daemon_status: _Optional[_Union[DaemonStatus, _Mapping]] = ..., output: _Optional[_Union[OutputStatus, _Mapping]] = ...) -> None: ...

class Request(_message.Message):
    __slots__ = ["close_stream", "get_status", "list_avatars", "list_streams", "load_avatar", "open_stream", "ping", "request_id", "request_keyframe", "set_mixing", "start_output", "stop_output", "unload_avatar", "update_stream", "version"]
    CLOSE_STREAM_FIELD_NUMBER: _ClassVar[int]
    GET_STATUS_FIELD_NUMBER: _ClassVar[int]
    LIST_AVATARS_FIELD_NUMBER: _ClassVar[int]
    LIST_STREAMS_FIELD_NUMBER: _ClassVar[int]
    LOAD_AVATAR_FIELD_NUMBER: _ClassVar[int]
    OPEN_STREAM_FIELD_NUMBER: _ClassVar[int]
    PING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_KEYFRAME_FIELD_NUMBER: _ClassVar[int]
    SET_MIXING_FIELD_NUMBER: _ClassVar[int]
    START_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    STOP_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    UNLOAD_AVATAR_FIELD_NUMBER: _ClassVar[int]
    UPDATE_STREAM_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    close_stream: CloseStream
    get_status: GetStatus
    list_avatars: ListAvatars
    list_streams: ListStreams
    load_avatar: LoadAvatar
    open_stream: OpenStream
    ping: Ping
    request_id: int
    request_keyframe: RequestKeyframe
    set_mixing: SetMixing
    start_output: StartOutput
    stop_output: StopOutput
    unload_avatar: UnloadAvatar
    update_stream: UpdateStream
    version: int
    def __init__(self, request_id: _Optional[int] = ..., version: _Optional[int] = ..., ping: _Optional[_Union[Ping, _Mapping]] = ..., load_avatar: _Optional[_Union[LoadAvatar, _Mapping]] = ..., unload_avatar: _Optional[_Union[UnloadAvatar, _Mapping]] = ..., list_avatars: _Optional[_Union[ListAvatars, _Mapping]] = ..., open_stream: _Optional[_Union[OpenStream, _Mapping]] = ..., update_stream: _Optional[_Union[UpdateStream, _Mapping]] = ..., close_stream: _Optional[_Union[CloseStream, _Mapping]] = ..., list_streams: _Optional[_Union[ListStreams, _Mapping]] = ..., get_status: _Optional[_Union[GetStatus, _Mapping]] = ..., set_mixing: _Optional[_Union[SetMixing, _Mapping]] = ..., request_keyframe: _Optional[_Union[RequestKeyframe, _Mapping]] = ..., start_output: _Optional[_Union[StartOutput, _Mapping]] = ..., stop_output: _Optional[_Union[StopOutput, _Mapping]] = ...) -> None: ...

class RequestKeyframe(_message.Message):
    __slots__ = ["stream_id"]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    stream_id: str
    def __init__(self, stream_id: _Optional[str] = ...) -> None: ...

class SetMixing(_message.Message):
    __slots__ = ["avatar_id", "mixing"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    MIXING_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    mixing: Mixing
    def __init__(self, avatar_id: _Optional[str] = ..., mixing: _Optional[_Union[Mixing, _Mapping]] = ...) -> None: ...

class StartOutput(_message.Message):
    __slots__ = ["bitrate_kbps", "output_id", "stream_id", "url"]
    BITRATE_KBPS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ID_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    bitrate_kbps: int
    output_id: str
    stream_id: str
    url: str
    def __init__(self, stream_id: _Optional[str] = ..., url: _Optional[str] = ..., bitrate_kbps: _Optional[int] = ..., output_id: _Optional[str] = ...) -> None: ...

class Stereo(_message.Message):
    __slots__ = ["ipd_m"]
    IPD_M_FIELD_NUMBER: _ClassVar[int]
    ipd_m: float
    def __init__(self, ipd_m: _Optional[float] = ...) -> None: ...

class StopOutput(_message.Message):
    __slots__ = ["output_id"]
    OUTPUT_ID_FIELD_NUMBER: _ClassVar[int]
    output_id: str
    def __init__(self, output_id: _Optional[str] = ...) -> None: ...

class StreamInfo(_message.Message):
    __slots__ = ["avatar_id", "background", "bitrate_kbps", "camera", "codec", "convention", "fps", "gop_seconds", "height", "layout", "quality", "stereo", "stream_id", "topic", "views", "width"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    BITRATE_KBPS_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIELD_NUMBER: _ClassVar[int]
    CODEC_FIELD_NUMBER: _ClassVar[int]
    CONVENTION_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    GOP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    STEREO_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    VIEWS_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    background: Vec3
    bitrate_kbps: int
    camera: Camera
    codec: Codec
    convention: Convention
    fps: float
    gop_seconds: float
    height: int
    layout: Layout
    quality: int
    stereo: Stereo
    stream_id: str
    topic: str
    views: CameraRig
    width: int
    def __init__(self, stream_id: _Optional[str] = ..., avatar_id: _Optional[str] = ..., topic: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., fps: _Optional[float] = ..., codec: _Optional[_Union[Codec, str]] = ..., quality: _Optional[int] = ..., background: _Optional[_Union[Vec3, _Mapping]] = ..., convention: _Optional[_Union[Convention, str]] = ..., camera: _Optional[_Union[Camera, _Mapping]] = ..., bitrate_kbps: _Optional[int] = ..., gop_seconds: _Optional[float] = ..., stereo: _Optional[_Union[Stereo, _Mapping]] = ..., views: _Optional[_Union[CameraRig, _Mapping]] = ..., layout: _Optional[_Union[Layout, str]] = ...) -> None: ...

class StreamList(_message.Message):
    __slots__ = ["streams"]
    STREAMS_FIELD_NUMBER: _ClassVar[int]
    streams: _containers.RepeatedCompositeFieldContainer[StreamInfo]
    def __init__(self, streams: _Optional[_Iterable[_Union[StreamInfo, _Mapping]]] = ...) -> None: ...

class StreamStatus(_message.Message):
    __slots__ = ["bytes_sent", "encode_ms", "fps", "fps_shortfall", "frames_rendered", "frames_sent", "frames_skipped", "info", "latency_ms", "queue_depth", "render_load", "render_ms", "subscribers"]
    BYTES_SENT_FIELD_NUMBER: _ClassVar[int]
    ENCODE_MS_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    FPS_SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    FRAMES_RENDERED_FIELD_NUMBER: _ClassVar[int]
    FRAMES_SENT_FIELD_NUMBER: _ClassVar[int]
    FRAMES_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    RENDER_LOAD_FIELD_NUMBER: _ClassVar[int]
    RENDER_MS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    bytes_sent: int
    encode_ms: Percentiles
    fps: float
    fps_shortfall: float
    frames_rendered: int
    frames_sent: int
    frames_skipped: int
    info: StreamInfo
    latency_ms: Percentiles
    queue_depth: int
    render_load: float
    render_ms: Percentiles
    subscribers: int
    def __init__(self, info: _Optional[_Union[StreamInfo, _Mapping]] = ..., subscribers: _Optional[int] = ..., frames_rendered: _Optional[int] = ..., frames_sent: _Optional[int] = ..., frames_skipped: _Optional[int] = ..., fps: _Optional[float] = ..., latency_ms: _Optional[_Union[Percentiles, _Mapping]] = ..., render_ms: _Optional[_Union[Percentiles, _Mapping]] = ..., encode_ms: _Optional[_Union[Percentiles, _Mapping]] = ..., queue_depth: _Optional[int] = ..., bytes_sent: _Optional[int] = ..., fps_shortfall: _Optional[float] = ..., render_load: _Optional[float] = ...) -> None: ...

class TrackerStatus(_message.Message):
    __slots__ = ["endpoint", "frames_applied", "last_avatar_id", "last_packet_age_ms", "last_rejection", "last_subject", "names_ignored", "packets_received", "packets_rejected", "protocol", "rate_hz"]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    FRAMES_APPLIED_FIELD_NUMBER: _ClassVar[int]
    LAST_AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_PACKET_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_REJECTION_FIELD_NUMBER: _ClassVar[int]
    LAST_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    NAMES_IGNORED_FIELD_NUMBER: _ClassVar[int]
    PACKETS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    PACKETS_REJECTED_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    RATE_HZ_FIELD_NUMBER: _ClassVar[int]
    endpoint: str
    frames_applied: int
    last_avatar_id: str
    last_packet_age_ms: float
    last_rejection: str
    last_subject: str
    names_ignored: int
    packets_received: int
    packets_rejected: int
    protocol: str
    rate_hz: float
    def __init__(self, protocol: _Optional[str] = ..., endpoint: _Optional[str] = ..., packets_received: _Optional[int] = ..., packets_rejected: _Optional[int] = ..., frames_applied: _Optional[int] = ..., rate_hz: _Optional[float] = ..., last_subject: _Optional[str] = ..., last_avatar_id: _Optional[str] = ..., last_rejection: _Optional[str] = ..., last_packet_age_ms: _Optional[float] = ..., names_ignored: _Optional[int] = ...) -> None: ...

class UnloadAvatar(_message.Message):
    __slots__ = ["avatar_id"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    def __init__(self, avatar_id: _Optional[str] = ...) -> None: ...

class UpdateStream(_message.Message):
    __slots__ = ["avatar_id", "background", "bitrate_kbps", "camera", "camera_rig", "codec", "convention", "fps", "gop_seconds", "height", "layout", "mono", "orbit", "quality", "stereo", "stream_id", "width"]
    AVATAR_ID_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_FIELD_NUMBER: _ClassVar[int]
    BITRATE_KBPS_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIELD_NUMBER: _ClassVar[int]
    CAMERA_RIG_FIELD_NUMBER: _ClassVar[int]
    CODEC_FIELD_NUMBER: _ClassVar[int]
    CONVENTION_FIELD_NUMBER: _ClassVar[int]
    FPS_FIELD_NUMBER: _ClassVar[int]
    GOP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    LAYOUT_FIELD_NUMBER: _ClassVar[int]
    MONO_FIELD_NUMBER: _ClassVar[int]
    ORBIT_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    STEREO_FIELD_NUMBER: _ClassVar[int]
    STREAM_ID_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    avatar_id: str
    background: Vec3
    bitrate_kbps: int
    camera: Camera
    camera_rig: CameraRig
    codec: Codec
    convention: Convention
    fps: float
    gop_seconds: float
    height: int
    layout: Layout
    mono: bool
    orbit: OrbitCamera
    quality: int
    stereo: Stereo
    stream_id: str
    width: int
    def __init__(self, stream_id: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., fps: _Optional[float] = ..., codec: _Optional[_Union[Codec, str]] = ..., quality: _Optional[int] = ..., background: _Optional[_Union[Vec3, _Mapping]] = ..., convention: _Optional[_Union[Convention, str]] = ..., camera: _Optional[_Union[Camera, _Mapping]] = ..., orbit: _Optional[_Union[OrbitCamera, _Mapping]] = ..., avatar_id: _Optional[str] = ..., bitrate_kbps: _Optional[int] = ..., gop_seconds: _Optional[float] = ..., stereo: _Optional[_Union[Stereo, _Mapping]] = ..., mono: bool = ..., camera_rig: _Optional[_Union[CameraRig, _Mapping]] = ..., layout: _Optional[_Union[Layout, str]] = ...) -> None: ...

class Vec3(_message.Message):
    __slots__ = ["x", "y", "z"]
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ...) -> None: ...

class Codec(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Layout(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Convention(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Source(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AvatarKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class DriveState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class OutputState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AudioCodec(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
