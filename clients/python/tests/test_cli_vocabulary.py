"""One vocabulary with splatd and splatctl: option names, the test wave, saved frame names and
the endpoint environment variables. No daemon needed."""

import math

import pytest

from splatd.cli import ctl, publish, watch
from splatd.images import frame_file_name
from splatd.proto import splatd_pb2 as pb


def test_the_test_wave_is_splatctls():
    # The values Tests/SplatctlTests checks for `splatctl drive demo --wave`: jawOpen =
    # 0.5 − 0.5·cos(2π·t), head yaw 10°·sin(π·t).
    for t, jaw, yaw_degrees in [(0.0, 0.0, 0.0), (0.25, 0.5, 10 * math.sin(math.pi / 4)), (0.5, 1.0, 10.0),
                                (1.0, 0.0, 0.0), (1.5, 1.0, -10.0)]:
        frame = publish.wave_frame(t)
        assert frame["weights"]["jawOpen"] == pytest.approx(jaw, abs=1e-9)
        assert frame["head_rotation"] == pytest.approx([0.0, math.radians(yaw_degrees), 0.0], abs=1e-9)
    assert "head_rotation" not in publish.wave_frame(0.5, head_degrees=0)
    args = publish.build_parser().parse_args(["--wave"])
    assert (args.wave_hz, args.head_yaw) == (1.0, 10.0)


@pytest.mark.parametrize("parser", [publish.build_parser, watch.build_parser])
def test_durations_are_seconds(parser):
    assert parser().parse_args(["--seconds", "2.5"]).seconds == 2.5
    with pytest.raises(SystemExit) as e:
        parser().parse_args(["--duration", "2.5"])
    assert e.value.code == 2


def test_publish_wave_is_named_as_in_splatctl():
    args = publish.build_parser().parse_args(["--wave", "--wave-hz", "2", "--head-yaw", "0"])
    assert args.wave and args.wave_hz == 2 and args.head_yaw == 0
    with pytest.raises(SystemExit):
        publish.build_parser().parse_args(["--demo-wave"])


def test_saved_frame_names():
    assert frame_file_name(0, pb.CODEC_PNG) == "frame-000000.png"
    assert frame_file_name(42, pb.CODEC_JPEG) == "frame-000042.jpg"
    assert frame_file_name(7, pb.CODEC_RAW) == "frame-000007.ppm"
    assert frame_file_name(1234567, pb.CODEC_PNG) == "frame-1234567.png"


def test_ctl_options_before_or_after_the_command():
    p = ctl.build_parser()
    before = p.parse_args(["--compact", "--timeout", "2", "--control", "tcp://h:1", "status"])
    after = p.parse_args(["status", "--compact", "--timeout", "2", "--control", "tcp://h:1"])
    for args in (before, after):
        assert (args.compact, args.timeout, args.control) == (True, 2.0, "tcp://h:1")
    plain = p.parse_args(["status"])
    assert (plain.compact, plain.timeout) == (False, 10.0)
    assert p.parse_args(["--control", "tcp://a:1", "ping", "--control", "tcp://b:2"]).control == "tcp://b:2"


def test_endpoints_flag_over_environment_over_default(monkeypatch):
    monkeypatch.delenv("SPLATD_CONTROL", raising=False)
    monkeypatch.delenv("SPLATD_FRAMES", raising=False)
    assert ctl.build_parser().parse_args(["list"]).control == "tcp://127.0.0.1:5555"
    assert watch.build_parser().parse_args([]).frames == "tcp://127.0.0.1:5557"
    monkeypatch.setenv("SPLATD_CONTROL", "tcp://10.1.2.3:6000")
    monkeypatch.setenv("SPLATD_FRAMES", "tcp://10.1.2.3:6002")
    assert ctl.build_parser().parse_args(["list"]).control == "tcp://10.1.2.3:6000"
    assert watch.build_parser().parse_args([]).frames == "tcp://10.1.2.3:6002"
    assert ctl.build_parser().parse_args(["list", "--control", "tcp://h:1"]).control == "tcp://h:1"
