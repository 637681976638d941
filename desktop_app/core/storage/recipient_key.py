"""Public-key encryption to the street office: X25519 key agreement, HKDF-SHA256, AES-256-GCM.

The street office's copy makes a key pair and hands out the public key; a community seals a data
package to it with a fresh ephemeral key, so a lost USB stick leaks nothing and no password travels.
Only the holder of the private key (inside the street's encrypted database) can open a package.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.core.domain.errors import AppError

KEY_FILE_KIND = "shuji-street-public-key"
KEY_FILE_VERSION = 1
_HKDF_INFO = b"shuji-street-package"
_RAW = serialization.Encoding.Raw


class OpenFailedError(AppError):
    """A sealed blob that does not open with this key: damaged, altered, or sealed to another key."""


@dataclass(frozen=True)
class PublicKey:
    """A street office's public key as a community holds it: the 32 key bytes, and the street's name."""

    raw: bytes
    street: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def to_file_text(self) -> str:
        return json.dumps(
            {
                "kind": KEY_FILE_KIND,
                "version": KEY_FILE_VERSION,
                "street": self.street,
                "key": base64.b64encode(self.raw).decode(),
                "fingerprint": self.fingerprint,
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_file_text(cls, text: str, source: str) -> PublicKey:
        """Read a 街道公钥 file; a file that is not one, or whose fingerprint does not match its key, is refused."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("kind") != KEY_FILE_KIND:
                raise ValueError
            raw = base64.b64decode(data["key"], validate=True)
            street = str(data.get("street", ""))
        except (ValueError, KeyError, TypeError):
            raise AppError(f"“{source}”不是街道公钥文件（应由街道版书记工作台导出）。") from None
        if int(data.get("version", 0)) > KEY_FILE_VERSION:
            raise AppError(f"“{source}”由更新版本的程序导出，请先升级本程序。")
        if len(raw) != 32 or data.get("fingerprint") != fingerprint(raw):
            raise AppError(f"“{source}”的内容与其指纹不符，文件已损坏或被改动，请向街道重新索取。")
        return cls(raw, street)


def fingerprint(raw: bytes) -> str:
    """16 digits in four groups, to read aloud on the phone and compare with what the street reads out."""
    digest = hashlib.sha256(b"shuji-fingerprint" + raw).digest()
    number = int.from_bytes(digest[:8], "big") % 10**16
    text = f"{number:016d}"
    return " ".join(text[i : i + 4] for i in range(0, 16, 4))


def new_private_key() -> bytes:
    return X25519PrivateKey.generate().private_bytes(
        _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def public_of(private_raw: bytes) -> bytes:
    return (
        X25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    )


def _shared_key(private: X25519PrivateKey, peer_raw: bytes, ephemeral_raw: bytes, recipient_raw: bytes) -> bytes:
    shared = private.exchange(X25519PublicKey.from_public_bytes(peer_raw))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_raw + recipient_raw, info=_HKDF_INFO).derive(
        shared
    )


def seal_to(recipient_raw: bytes, plaintext: bytes, associated: bytes) -> dict[str, Any]:
    """Encrypt to the recipient: returns the ephemeral public key, the nonce and the ciphertext.
    `associated` is authenticated with it (the envelope's header), so no byte can change unseen."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = ephemeral.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    key = _shared_key(ephemeral, recipient_raw, ephemeral_raw, recipient_raw)
    nonce = os.urandom(12)
    return {"ephemeral": ephemeral_raw, "nonce": nonce, "ciphertext": AESGCM(key).encrypt(nonce, plaintext, associated)}


def open_sealed(private_raw: bytes, ephemeral_raw: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    private = X25519PrivateKey.from_private_bytes(private_raw)
    key = _shared_key(private, ephemeral_raw, ephemeral_raw, public_of(private_raw))
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated)
    except InvalidTag:
        raise OpenFailedError("校验失败") from None
