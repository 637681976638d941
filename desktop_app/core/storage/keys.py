"""The data key and the two things that open it: the person's password and the recovery key.

A random 256-bit data key encrypts the database and its backups (SQLCipher). It is never stored as it
is: `keys.json`, beside the data, holds it wrapped twice, once under the password and once under the
recovery key. Each wrap draws a fresh random salt and derives 64 bytes from the secret with scrypt: the
first 32 are XORed with the data key (a one-time pad, never reused, since the salt is new each time), the
last 32 key an HMAC-SHA256 over salt and wrapped key, which tells a wrong secret from a right one. Standard
library only. Changing the password re-wraps the data key and leaves the database as it is. Without the
password and without the recovery key, nobody can open the data, and the program says so when it shows the
recovery key.

scrypt's cost is what an offline guesser pays per guess, so it is set as a password vault sets it: at the
first start and at 修改密码 it is calibrated on this PC to about half a second with at least 128 MiB
(`calibrate`: N ≥ 2^17, r = 8, up to 256 MiB, then p), and each wrap keeps its own parameters. Files of
earlier versions (N=2^15, no parameters stored) open as they are; a wrap weaker than the policy is wrapped
anew, with the secret just typed, at its next successful opening (the other wrap stays as it was, usable).
Tests use a cheap policy (`POLICY`, set by the autouse fixture in tests/conftest.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import security_events
from desktop_app.core.storage.paths import KEYS_FILENAME, keys_path

DATA_KEY_BYTES = 32
# What wraps of earlier versions used; they stored no parameters.
LEGACY_KDF = {"name": "scrypt", "n": 2**15, "r": 8, "p": 1}
# The recovery key: 25 characters of Crockford's base32 (125 bits), in five groups, easy to copy by hand.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP = 5, 5
# After this many wrong answers in a row, each further one waits longer (never a lockout).
FREE_TRIES = 3
MAX_DELAY_S = 30.0
_PURPOSE = b"shuji-workbench data key v1"


LOSS_WARNING = "没有密码、也没有恢复密钥时，任何人（包括技术支持）都无法恢复这些数据。"
# What a person is told with a new recovery key, in the window and in a terminal alike.
RECOVERY_KEY_NOTICE = (
    "这是恢复密钥。忘记密码时，用它也能打开数据。请现在抄写下来或打印，放在安全的地方（不要和电脑放在一起）。"
    f"\n{LOSS_WARNING}"
)


class WrongPasswordError(AppError):
    """Neither the password nor the recovery key opens the data key; nothing was changed."""


@dataclass(frozen=True)
class KdfPolicy:
    """How costly a new wrap is made: at least `min_n` (2^17 × r 8 × 128 bytes = 128 MiB), up to `max_n` to
    reach `target_s` on this PC, then parallel passes (p), which cost time and no more memory."""

    min_n: int = 2**17
    max_n: int = 2**18
    r: int = 8
    max_p: int = 16
    target_s: float = 0.5

    def weaker(self, kdf: dict[str, Any]) -> bool:
        """A wrap to make anew: less memory (N × r) than a new one gets at the least."""
        return int(kdf["n"]) < self.min_n or int(kdf["r"]) < self.r


DEFAULT_POLICY = KdfPolicy()
POLICY = DEFAULT_POLICY
_calibrated: dict[KdfPolicy, dict[str, Any]] = {}


def _maxmem(kdf: dict[str, Any]) -> int:
    """hashlib.scrypt refuses to use more than `maxmem`: what these parameters need, and a margin."""
    n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    return 128 * r * (n + p + 2) + 2**20


def _scrypt(secret: bytes, salt: bytes, kdf: dict[str, Any]) -> bytes:
    n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, dklen=2 * DATA_KEY_BYTES, maxmem=_maxmem(kdf))


def calibrate(policy: KdfPolicy | None = None) -> dict[str, Any]:
    """Parameters that take about `target_s` here: timed once at the least memory, then scaled (scrypt's time
    grows with N and with p). Measured once a process; the memory is released when scrypt returns."""
    policy = policy or POLICY
    if policy in _calibrated:
        return dict(_calibrated[policy])
    n, p = policy.min_n, 1
    start = time.perf_counter()
    _scrypt(b"calibrating", os.urandom(16), {"n": n, "r": policy.r, "p": 1})
    took = max(time.perf_counter() - start, 1e-6)
    while n * 2 <= policy.max_n and took * 2 <= policy.target_s * 1.25:
        n, took = n * 2, took * 2
    p = max(1, min(policy.max_p, round(policy.target_s / took)))
    chosen = {"name": "scrypt", "n": n, "r": policy.r, "p": p}
    _calibrated[policy] = chosen
    return dict(chosen)


@dataclass
class _Throttle:
    """Slower answers after a few wrong tries in this process: guessing gets slow, the owner is never shut out."""

    failures: int = 0

    def wait(self) -> None:
        if self.failures >= FREE_TRIES:
            time.sleep(min(2.0 ** (self.failures - FREE_TRIES), MAX_DELAY_S))


_throttle = _Throttle()


def new_recovery_key() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP))
    return "-".join(chars[i : i + RECOVERY_GROUP] for i in range(0, len(chars), RECOVERY_GROUP))


def normal_recovery_key(text: str) -> str:
    """As typed: case, spaces and dashes do not matter; O and I and L read as 0 and 1, as Crockford's base32 says."""
    return text.upper().replace("-", "").replace(" ", "").replace("O", "0").replace("I", "1").replace("L", "1")


def _derive(secret: str, salt: bytes, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
    """(pad, MAC key) from the secret and a fresh salt."""
    derived = _scrypt(secret.encode("utf-8"), salt, kdf)
    return derived[:DATA_KEY_BYTES], derived[DATA_KEY_BYTES:]


def _tag(mac_key: bytes, salt: bytes, wrapped: bytes) -> bytes:
    return hmac.new(mac_key, _PURPOSE + salt + wrapped, hashlib.sha256).digest()


def _wrap(data_key: bytes, secret: str, kdf: dict[str, Any]) -> dict[str, Any]:
    salt = os.urandom(16)
    pad, mac_key = _derive(secret, salt, kdf)
    wrapped = bytes(a ^ b for a, b in zip(data_key, pad, strict=True))
    encode = base64.b64encode
    return {
        "kdf": dict(kdf),
        "salt": encode(salt).decode(),
        "wrapped": encode(wrapped).decode(),
        "tag": encode(_tag(mac_key, salt, wrapped)).decode(),
    }


def _kdf_of(entry: dict[str, Any]) -> dict[str, Any]:
    """A wrap's own parameters; an earlier version's wrap has none and used the old fixed ones. Parameters no
    version of the program writes (a damaged or altered file) are refused, not tried: they could take all the
    memory of the PC."""
    kdf = entry.get("kdf")
    if not isinstance(kdf, dict):
        return dict(LEGACY_KDF)
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (KeyError, TypeError, ValueError):
        n = r = p = 0
    if kdf.get("name") != "scrypt" or not (2 <= n <= 2**22 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 64):
        raise AppError("密钥文件 keys.json 中的参数不对（文件可能已损坏或被改动）。请从备份中找回它。")
    return {"name": "scrypt", "n": n, "r": r, "p": p}


def _unwrap(entry: dict[str, Any], secret: str) -> bytes | None:
    decode = base64.b64decode
    salt, wrapped = decode(entry["salt"]), decode(entry["wrapped"])
    pad, mac_key = _derive(secret, salt, _kdf_of(entry))
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


def create_keys(data_dir: Path, password: str, keep_recovery: Callable[[str], None] | None = None) -> tuple[bytes, str]:
    """A new data key, wrapped under the password and a new recovery key; returns both to the caller once.
    `keep_recovery` is handed the recovery key (to write it where the person asked) right after `keys.json` is
    in place, so a recovery key that was kept always opens the data; when keeping it fails, the new keys are
    taken back and nothing is left."""
    data_key = os.urandom(DATA_KEY_BYTES)
    recovery = new_recovery_key()
    kdf = calibrate()
    _write(
        data_dir,
        {
            "version": 2,
            "cipher": "SQLCipher 4 (AES-256); data key wrapped: scrypt pad + HMAC-SHA256",
            "password": _wrap(data_key, password, kdf),
            "recovery": _wrap(data_key, normal_recovery_key(recovery), kdf),
        },
    )
    if keep_recovery is not None:
        try:
            keep_recovery(recovery)
        except BaseException:
            keys_path(data_dir).unlink(missing_ok=True)  # nothing was made with them yet
            raise
    security_events.note(data_dir, security_events.PASSWORD_SET, "新的数据密钥，已生成恢复密钥")
    return data_key, recovery


def adopt_keys(data_dir: Path, keys_file: Path, secret: str) -> bytes:
    """A new data folder takes the wrapped keys another copy of the data carries (a backup bundle from another
    PC): the same password and recovery key open it as they opened that one. A wrong secret writes nothing."""
    data_key = open_keys(keys_file.parent, secret) if keys_file.name == KEYS_FILENAME else None
    if data_key is None:
        raise AppError(f"{keys_file} 不是书记工作台的密钥文件。")
    _write(data_dir, json.loads(keys_file.read_text(encoding="utf-8")))
    return data_key


def open_keys(data_dir: Path, secret: str) -> bytes:
    """The data key, from the password or the recovery key."""
    content = _read(data_dir)
    _throttle.wait()
    opened_by, typed = "password", secret
    data_key = _unwrap(content["password"], secret)
    if data_key is None and looks_like_recovery_key(secret):
        opened_by, typed = "recovery", normal_recovery_key(secret)
        data_key = _unwrap(content["recovery"], typed)
    if data_key is None:
        _throttle.failures += 1
        security_events.note_wrong_password(data_dir)
        raise WrongPasswordError("密码或恢复密钥不正确。")
    if opened_by == "recovery":
        security_events.note(data_dir, security_events.RECOVERY_KEY_USED)
    _throttle.failures = 0
    if POLICY.weaker(_kdf_of(content[opened_by])):
        _strengthen(data_dir, opened_by, data_key, typed)
    return data_key


def looks_like_recovery_key(secret: str) -> bool:
    """Only what could be a recovery key is tried as one: a wrong password costs one derivation, not two."""
    typed = normal_recovery_key(secret)
    return len(typed) == RECOVERY_GROUPS * RECOVERY_GROUP and all(ch in RECOVERY_ALPHABET for ch in typed)


def _strengthen(data_dir: Path, which: str, data_key: bytes, secret: str) -> None:
    """Wrap the data key anew under today's calibrated cost, with the secret that just opened it; the file is
    replaced whole (a kill leaves the old one, which still opens). The other wrap is left as it is: it opens
    with its own parameters, and is made stronger when it is next used."""
    content = _read(data_dir)
    content[which] = _wrap(data_key, secret, calibrate())
    content["version"] = 2
    try:
        _write(data_dir, content)
    except OSError as exc:  # a read-only folder: the data opens all the same, the wrap waits for next time
        import logging

        logging.getLogger("desktop_app").warning("could not strengthen the %s wrap in keys.json: %s", which, exc)


def change_password(data_dir: Path, secret: str, new_password: str) -> None:
    """Re-wrap the data key under a new password (the old one or the recovery key proves the right to)."""
    data_key = open_keys(data_dir, secret)
    content = _read(data_dir)
    content["password"] = _wrap(data_key, new_password, calibrate())
    _write(data_dir, content)
    security_events.note(data_dir, security_events.PASSWORD_CHANGED, "恢复密钥不变")
