"""The data key and the two things that open it: the person's password and the recovery key.

A random 256-bit data key encrypts the database and its backups (SQLCipher). It is never stored as it
is: `keys.json`, beside the data, holds it wrapped twice, once under the password and once under the
recovery key. Each wrap draws a fresh random salt and derives 64 bytes from the secret with scrypt
(N=2^15, r=8, p=1: about 0.1 s here): the first 32 are XORed with the data key (a one-time pad, never
reused, since the salt is new each time), the last 32 key an HMAC-SHA256 over salt and wrapped key, which
tells a wrong secret from a right one. Standard library only. Changing the password re-wraps the data key
and leaves the database as it is. Without the password and without the recovery key, nobody can open the
data, and the program says so when it shows the recovery key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import security_events

KEYS_FILENAME = "keys.json"
DATA_KEY_BYTES = 32
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
SCRYPT_MAXMEM = 64 * 1024 * 1024
# The recovery key: 25 characters of Crockford's base32 (125 bits), in five groups, easy to copy by hand.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP = 5, 5
# After this many wrong answers in a row, each further one waits longer (never a lockout).
FREE_TRIES = 3
MAX_DELAY_S = 30.0
_PURPOSE = b"shuji-workbench data key v1"


class WrongPasswordError(AppError):
    """Neither the password nor the recovery key opens the data key; nothing was changed."""


@dataclass
class _Throttle:
    """Slower answers after a few wrong tries in this process: guessing gets slow, the owner is never shut out."""

    failures: int = 0

    def wait(self) -> None:
        if self.failures >= FREE_TRIES:
            time.sleep(min(2.0 ** (self.failures - FREE_TRIES), MAX_DELAY_S))


_throttle = _Throttle()


def keys_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS_FILENAME


def has_keys(data_dir: Path) -> bool:
    return keys_path(data_dir).is_file()


def new_recovery_key() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP))
    return "-".join(chars[i : i + RECOVERY_GROUP] for i in range(0, len(chars), RECOVERY_GROUP))


def normal_recovery_key(text: str) -> str:
    """As typed: case, spaces and dashes do not matter; O and I and L read as 0 and 1, as Crockford's base32 says."""
    return text.upper().replace("-", "").replace(" ", "").replace("O", "0").replace("I", "1").replace("L", "1")


def _derive(secret: str, salt: bytes) -> tuple[bytes, bytes]:
    """(pad, MAC key) from the secret and a fresh salt."""
    derived = hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, dklen=2 * DATA_KEY_BYTES, maxmem=SCRYPT_MAXMEM, **SCRYPT
    )
    return derived[:DATA_KEY_BYTES], derived[DATA_KEY_BYTES:]


def _tag(mac_key: bytes, salt: bytes, wrapped: bytes) -> bytes:
    return hmac.new(mac_key, _PURPOSE + salt + wrapped, hashlib.sha256).digest()


def _wrap(data_key: bytes, secret: str) -> dict[str, Any]:
    salt = os.urandom(16)
    pad, mac_key = _derive(secret, salt)
    wrapped = bytes(a ^ b for a, b in zip(data_key, pad, strict=True))
    encode = base64.b64encode
    return {
        "salt": encode(salt).decode(),
        "wrapped": encode(wrapped).decode(),
        "tag": encode(_tag(mac_key, salt, wrapped)).decode(),
    }


def _unwrap(entry: dict[str, Any], secret: str) -> bytes | None:
    decode = base64.b64decode
    salt, wrapped = decode(entry["salt"]), decode(entry["wrapped"])
    pad, mac_key = _derive(secret, salt)
    if not hmac.compare_digest(_tag(mac_key, salt, wrapped), decode(entry["tag"])):
        return None
    return bytes(a ^ b for a, b in zip(wrapped, pad, strict=True))


def _write(data_dir: Path, content: dict[str, Any]) -> None:
    """Whole or not at all: a kill while writing leaves the previous file."""
    path = keys_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)


def _read(data_dir: Path) -> dict[str, Any]:
    path = keys_path(data_dir)
    try:
        content: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AppError(f"无法读取密钥文件 {path}（{exc}）。请从备份中找回它；没有它，数据无法打开。") from exc
    return content


def create_keys(data_dir: Path, password: str) -> tuple[bytes, str]:
    """A new data key, wrapped under the password and a new recovery key; returns both to the caller once."""
    data_key = os.urandom(DATA_KEY_BYTES)
    recovery = new_recovery_key()
    _write(
        data_dir,
        {
            "version": 1,
            "cipher": "SQLCipher 4 (AES-256); data key wrapped: scrypt pad + HMAC-SHA256",
            "kdf": {"name": "scrypt", **SCRYPT},
            "password": _wrap(data_key, password),
            "recovery": _wrap(data_key, normal_recovery_key(recovery)),
        },
    )
    security_events.note(data_dir, security_events.PASSWORD_SET, "新的数据密钥，已生成恢复密钥")
    return data_key, recovery


def open_keys(data_dir: Path, secret: str) -> bytes:
    """The data key, from the password or the recovery key."""
    content = _read(data_dir)
    _throttle.wait()
    data_key = _unwrap(content["password"], secret)
    if data_key is None:
        data_key = _unwrap(content["recovery"], normal_recovery_key(secret))
        if data_key is None:
            _throttle.failures += 1
            security_events.note_wrong_password(data_dir)
            raise WrongPasswordError("密码或恢复密钥不正确。")
        security_events.note(data_dir, security_events.RECOVERY_KEY_USED)
    _throttle.failures = 0
    return data_key


def change_password(data_dir: Path, secret: str, new_password: str) -> None:
    """Re-wrap the data key under a new password (the old one or the recovery key proves the right to)."""
    data_key = open_keys(data_dir, secret)
    content = _read(data_dir)
    content["password"] = _wrap(data_key, new_password)
    _write(data_dir, content)
    security_events.note(data_dir, security_events.PASSWORD_CHANGED, "恢复密钥不变")
