"""The data package file (.sjb), format version 2.

    MAGIC                      b"SHUJI-PACKAGE\\n"
    header length              4 bytes, big-endian
    header                     JSON: {"format": <version>, "to": <street key fingerprint>,
                                      "ephemeral": <base64 X25519 public key>, "nonce": <base64>}
    ciphertext                 AES-256-GCM (recipient_key.seal_to) of a ZIP archive holding
                               manifest.json and one <part>.json per part

The magic, the format and the recipient's fingerprint are authenticated with the ciphertext: a
changed byte anywhere makes the file refuse to open. The manifest names the unit, the period, a
sequence number that grows with each package of the same period, the creation time, the program
version, whether names are included, and the SHA-256 of every part, checked again after opening.

A later program reads an older package by upgrading its parts one version at a time (UPGRADES);
a package of a newer format than this program knows is refused with a plain reason.

Versions: 1, the first; 2 adds the `duties` part (民主评议, 谈心谈话 and the six-month warning: see
domain.duty_figures). A version 1 package becomes a version 2 one with an empty `duties` part: its program
carried none of them, and the street shows 旧版数据包无此项 there, never a zero.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import struct
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from desktop_app.core.domain.duty_figures import PART as DUTIES
from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage.recipient_key import OpenFailedError, PublicKey, open_sealed, seal_to

FORMAT_VERSION = 2
MAGIC = b"SHUJI-PACKAGE\n"
SUFFIX = ".sjb"


def _duties_not_carried(parts: dict[str, Any]) -> dict[str, Any]:
    """1 -> 2: an empty duties part, every section absent (not carried, as opposed to nothing to count)."""
    return {**parts, DUTIES: {}}


# format version -> the function that turns its parts into the next version's
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _duties_not_carried}


class PackageRefusedError(AppError):
    """A package the street will not import, with the plain reason (damaged, another street's, too new)."""


@dataclass(frozen=True)
class Manifest:
    format_version: int
    unit_code: str
    unit_name: str
    street: str
    period: str  # as Period.parse reads it: 2026Q3, 2026-07, 2026
    sequence: int
    created_at: str  # ISO time
    program_version: str
    includes_names: bool
    parts: dict[str, str]  # part name -> SHA-256 of its bytes

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)


def _associated(version: int, recipient: str) -> bytes:
    return MAGIC + json.dumps({"format": version, "to": recipient}, sort_keys=True).encode()


def _part_bytes(part: Any) -> bytes:
    return json.dumps(part, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def write_package(manifest_fields: dict[str, Any], parts: dict[str, Any], recipient: PublicKey) -> bytes:
    """The whole file's bytes: the parts zipped with their manifest, sealed to the street's key."""
    encoded = {name: _part_bytes(part) for name, part in parts.items()}
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        parts={name: hashlib.sha256(data).hexdigest() for name, data in encoded.items()},
        **manifest_fields,
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        zipped.writestr("manifest.json", json.dumps(asdict(manifest), ensure_ascii=False, indent=1))
        for name, data in encoded.items():
            zipped.writestr(f"{name}.json", data)
    sealed = seal_to(recipient.raw, archive.getvalue(), _associated(FORMAT_VERSION, recipient.fingerprint))
    header = json.dumps(
        {
            "format": FORMAT_VERSION,
            "to": recipient.fingerprint,
            "ephemeral": base64.b64encode(sealed["ephemeral"]).decode(),
            "nonce": base64.b64encode(sealed["nonce"]).decode(),
        }
    ).encode()
    return MAGIC + struct.pack(">I", len(header)) + header + sealed["ciphertext"]


def read_package(data: bytes, private_raw: bytes, own_fingerprint: str, name: str) -> tuple[Manifest, dict[str, Any]]:
    """Open, check and read a package; every way it can be wrong is a PackageRefusedError saying which."""
    damaged = PackageRefusedError(f"“{name}”已损坏或被改动（校验不符），未导入。请让居民区重新生成并发送。")
    if not data.startswith(MAGIC):
        raise PackageRefusedError(f"“{name}”不是书记工作台数据包（.sjb）。")
    try:
        (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
        start = len(MAGIC) + 4
        header = json.loads(data[start : start + length])
        version, recipient = int(header["format"]), str(header["to"])
        ephemeral, nonce = base64.b64decode(header["ephemeral"]), base64.b64decode(header["nonce"])
        ciphertext = data[start + length :]
    except (struct.error, ValueError, KeyError, TypeError):
        raise damaged from None
    if version > FORMAT_VERSION:
        raise PackageRefusedError(
            f"“{name}”由更新版本的程序生成（数据包格式 {version}，本程序只认识到 {FORMAT_VERSION}），请先升级本程序。"
        )
    if recipient != own_fingerprint:
        raise PackageRefusedError(
            f"“{name}”是加密发给另一个街道的（公钥指纹 {recipient}），本街道的指纹是 {own_fingerprint}。"
            "请让居民区在“设置”中导入本街道的公钥后重新生成。"
        )
    try:
        archive = open_sealed(private_raw, ephemeral, nonce, ciphertext, _associated(version, recipient))
    except (OpenFailedError, ValueError):
        raise damaged from None
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            manifest = Manifest(**json.loads(zipped.read("manifest.json")))
            parts = {}
            for part, digest in manifest.parts.items():
                raw = zipped.read(f"{part}.json")
                if hashlib.sha256(raw).hexdigest() != digest:
                    raise damaged
                parts[part] = json.loads(raw)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise damaged from None
    for older in range(manifest.format_version, FORMAT_VERSION):
        parts = UPGRADES[older](parts)
    return manifest, parts
