"""CURVE keys for talking to a splatd that requires them (`splatd serve --curve-secret …`).

    from splatd import Control, CurveKeys

    keys = CurveKeys.load("alice.key_secret", "server.key")   # or the server's Z85 public key
    with Control("tcp://10.0.0.5:5555", curve=keys) as ctl:
        ctl.ping()

Key files are ZeroMQ (CZMQ `zcert`) certificates as `zmq.auth.create_certificates(dir, name)`
and `splatctl keygen NAME` write them: `NAME.key` holds the public key, `NAME.key_secret` the
public and the secret key. A client needs its own `.key_secret` and the server's public key;
the daemon needs the client's public `.key` in its `--clients` folder.

ZeroMQ gives a client whose key the daemon refuses no error at all: its requests get no
reply, its subscriptions no frames, and its drive frames are dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple, Union

import zmq
import zmq.auth
from zmq.utils import z85

__all__ = ["CurveKeys", "CurveKeyError", "parse_z85_key", "load_server_key", "curve_available"]

#: Length of a CURVE key in Z85 text (32 bytes → 40 characters).
Z85_KEY_LENGTH = 40
_Z85_ALPHABET = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")

PathLike = Union[str, "os.PathLike[str]"]


class CurveKeyError(ValueError):
    """A key or key file that cannot be used: missing, public-only, malformed or mismatched."""


def curve_available() -> bool:
    """Whether the libzmq pyzmq uses was built with CURVE (libsodium or its own tweetnacl)."""
    return bool(zmq.has("curve"))


def parse_z85_key(text: Union[str, bytes], what: str = "key") -> bytes:
    """A 40-character Z85 CURVE key as bytes, checked: length, alphabet and decodability.
    Raises `CurveKeyError` naming `what` otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise CurveKeyError(f"{what} is not Z85 text (it holds non-ASCII bytes)") from None
    key = text.strip().strip("'\"")
    if len(key) != Z85_KEY_LENGTH:
        raise CurveKeyError(f"{what} must be {Z85_KEY_LENGTH} Z85 characters, got {len(key)}")
    bad = sorted(set(key) - _Z85_ALPHABET)
    if bad:
        raise CurveKeyError(f"{what} holds characters that are not Z85: {''.join(bad)!r}")
    try:
        z85.decode(key.encode("ascii"))
    except Exception:  # a 5-character group beyond 2^32
        raise CurveKeyError(f"{what} is not a valid Z85 encoding") from None
    return key.encode("ascii")


def _read_certificate(path: PathLike, what: str) -> Tuple[bytes, Optional[bytes]]:
    """(public key, secret key or None) from a zcert file, both checked."""
    p = Path(path)
    if not p.exists():
        raise CurveKeyError(f"{what} {p} does not exist")
    if not p.is_file():
        raise CurveKeyError(f"{what} {p} is not a file")
    try:
        public, secret = zmq.auth.load_certificate(str(p))
    except (ValueError, IndexError):  # no public-key line, or one without "="
        raise CurveKeyError(f"{what} {p} is not a ZeroMQ certificate (no public-key = \"…\" line)") from None
    except OSError as e:
        raise CurveKeyError(f"cannot read {what} {p}: {e}") from None
    public = parse_z85_key(public, f"the public-key in {p}")
    if secret is not None:
        secret = parse_z85_key(secret, f"the secret-key in {p}")
    return public, secret


def load_server_key(value: Union[str, bytes, PathLike]) -> bytes:
    """The server's public key from a 40-character Z85 string or from the path of a certificate
    file (its `public-key`; the server's `.key`, or its `.key_secret`)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = os.fspath(value)
    if os.path.exists(text):
        public, _ = _read_certificate(text, "server key file")
        return public
    stripped = text.strip().strip("'\"")
    if len(stripped) == Z85_KEY_LENGTH:
        return parse_z85_key(stripped, "the server key")
    if os.sep in text or text.endswith((".key", ".key_secret")):
        raise CurveKeyError(f"server key file {text} does not exist")
    raise CurveKeyError(f"server key {text!r} is neither a {Z85_KEY_LENGTH}-character Z85 key nor an existing "
                        f"certificate file (the server's .key)")


@dataclass(frozen=True)
class CurveKeys:
    """A CURVE client identity: the client's public and secret key and the server's public key,
    all 40-character Z85 bytes. `apply(socket)` makes a socket a CURVE client of that server
    (before `connect`)."""

    public_key: bytes
    secret_key: bytes
    server_key: bytes

    def __post_init__(self) -> None:
        for name in ("public_key", "secret_key", "server_key"):
            object.__setattr__(self, name, parse_z85_key(getattr(self, name), name.replace("_", " ")))
        if zmq.curve_public(self.secret_key) != self.public_key:
            raise CurveKeyError("the public key does not belong to the secret key")

    @classmethod
    def load(cls, secret_file: PathLike, server_key: Union[str, bytes, PathLike]) -> "CurveKeys":
        """Reads the client's certificate `secret_file` (a `.key_secret`: public and secret key)
        and the server's public key (`server_key`: Z85 text or the path of the server's `.key`)."""
        public, secret = _read_certificate(secret_file, "client key file")
        if secret is None:
            raise CurveKeyError(f"client key file {secret_file} holds no secret-key: it is a public certificate; "
                                f"give the .key_secret file")
        if zmq.curve_public(secret) != public:
            raise CurveKeyError(f"in client key file {secret_file}, the public-key does not belong to the secret-key")
        return cls(public, secret, load_server_key(server_key))

    @classmethod
    def generate(cls, server_key: Union[str, bytes, PathLike]) -> "CurveKeys":
        """A fresh key pair (known to no daemon until its public key is added to `--clients`)."""
        public, secret = zmq.curve_keypair()
        return cls(public, secret, load_server_key(server_key))

    def apply(self, socket: zmq.Socket) -> None:
        """Sets `curve_serverkey`, `curve_publickey` and `curve_secretkey` on `socket`; call it
        before `connect`."""
        if not curve_available():
            raise CurveKeyError(f"this libzmq ({zmq.zmq_version()}) was built without CURVE support")
        socket.setsockopt(zmq.CURVE_SERVERKEY, self.server_key)
        socket.setsockopt(zmq.CURVE_PUBLICKEY, self.public_key)
        socket.setsockopt(zmq.CURVE_SECRETKEY, self.secret_key)

    def __repr__(self) -> str:  # never print the secret
        return f"CurveKeys(public_key={self.public_key!r}, server_key={self.server_key!r})"
