"""Small, dependency-free helpers for the images splatd publishes (no Pillow needed).

    png_size(data)      (width, height) from a PNG's IHDR
    jpeg_size(data)     (width, height) from a JPEG's SOF marker
    image_size(data)    either of the above, by signature
    decode_png(data)    8-bit PNG → numpy uint8 array (height, width, channels), stdlib zlib
    raw_to_ppm(data, w, h)  a CODEC_RAW frame (packed RGB) as a binary PPM file
    extension(codec)    ".jpg" / ".png" / ".ppm" for a splatd_pb2.Codec
"""

from __future__ import annotations

import struct
import zlib
from typing import Tuple

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type → samples per pixel (8-bit, no palette)


class ImageError(ValueError):
    pass


def png_chunks(data: bytes):
    """Yields (type, payload) for each chunk of a PNG, checking the signature and CRCs."""
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError("not a PNG (bad signature)")
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        payload = data[pos + 8:pos + 8 + length]
        if len(payload) != length or pos + 12 + length > len(data):
            raise ImageError(f"PNG chunk {kind!r} is truncated")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + payload) & 0xFFFFFFFF != crc:
            raise ImageError(f"PNG chunk {kind!r} has a bad CRC")
        yield kind, payload
        pos += 12 + length
        if kind == b"IEND":
            return
    raise ImageError("PNG ends without IEND")


def png_header(data: bytes) -> Tuple[int, int, int, int, int]:
    """(width, height, bit depth, colour type, interlace) from the IHDR chunk."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 33 or data[12:16] != b"IHDR":
        raise ImageError("not a PNG (no signature or IHDR)")
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return width, height, depth, colour, interlace


def png_size(data: bytes) -> Tuple[int, int]:
    w, h, *_ = png_header(data)
    return w, h


def jpeg_size(data: bytes) -> Tuple[int, int]:
    """(width, height) from the first SOF marker of a JPEG."""
    if not data.startswith(b"\xff\xd8"):
        raise ImageError("not a JPEG (no SOI marker)")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ImageError("JPEG marker expected")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        if marker == 0xDA:
            break
        pos += 2 + length
    raise ImageError("JPEG without a SOF marker")


def image_size(data: bytes) -> Tuple[int, int]:
    if data.startswith(PNG_SIGNATURE):
        return png_size(data)
    if data.startswith(b"\xff\xd8"):
        return jpeg_size(data)
    raise ImageError("neither PNG nor JPEG")


def decode_png(data: bytes) -> np.ndarray:
    """Decodes an 8-bit, non-interlaced greyscale/RGB/RGBA PNG (what splatd writes) into a
    uint8 array of shape (height, width, channels)."""
    width, height, depth, colour, interlace = png_header(data)
    if depth != 8 or colour not in _CHANNELS or interlace != 0:
        raise ImageError(f"unsupported PNG: bit depth {depth}, colour type {colour}, interlace {interlace}")
    channels = _CHANNELS[colour]
    compressed = b"".join(payload for kind, payload in png_chunks(data) if kind == b"IDAT")
    raw = zlib.decompress(compressed)
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ImageError(f"PNG data holds {len(raw)} bytes, expected {height * (stride + 1)}")
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    bpp = channels
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind = int(rows[y, 0])
        line = rows[y, 1:].astype(np.int32)
        if kind == 0:
            current = line
        elif kind == 1:  # sub: a running sum per channel
            current = (np.cumsum(line.reshape(width, channels), axis=0) & 0xFF).reshape(stride)
        elif kind == 2:
            current = (line + previous) & 0xFF
        elif kind in (3, 4):
            current = np.empty(stride, dtype=np.int32)
            for x in range(stride):  # depends on the pixel to the left: sequential
                left = current[x - bpp] if x >= bpp else 0
                if kind == 3:
                    predictor = (left + previous[x]) >> 1
                else:
                    up = previous[x]
                    up_left = previous[x - bpp] if x >= bpp else 0
                    p = left + up - up_left
                    pa, pb_, pc = abs(p - left), abs(p - up), abs(p - up_left)
                    predictor = left if pa <= pb_ and pa <= pc else (up if pb_ <= pc else up_left)
                current[x] = (line[x] + predictor) & 0xFF
        else:
            raise ImageError(f"PNG row {y} has unknown filter type {kind}")
        out[y] = current
        previous = current
    return out.reshape(height, width, channels)


def raw_to_ppm(data: bytes, width: int, height: int) -> bytes:
    """A binary PPM (P6) file from tightly packed 8-bit RGB rows (CODEC_RAW)."""
    if len(data) != width * height * 3:
        raise ImageError(f"raw frame holds {len(data)} bytes, expected {width}×{height}×3")
    return f"P6\n{width} {height}\n255\n".encode("ascii") + bytes(data)


def extension(codec: int) -> str:
    """File extension for frames of a `splatd_pb2.Codec` (0 JPEG, 1 PNG, 2 RAW → PPM, 3 H.264)."""
    return {0: ".jpg", 1: ".png", 2: ".ppm", 3: ".h264"}.get(int(codec), ".bin")


def frame_file_name(index: int, codec: int) -> str:
    """The name of the `index`-th saved frame (0-based), as splatd and splatctl name them too:
    frame-000000.jpg, frame-000001.jpg, … (six digits, more past 999999)."""
    return f"frame-{index:06d}{extension(codec)}"
