"""SQLite files, plain or encrypted: one way to open either outside the engine.

An encrypted file (SQLCipher 4, AES-256, the raw 256-bit data key: no key derivation on every open) looks
like noise from its first byte; a plain one starts with SQLite's header. Connections to encrypted files come
from `sqlcipher3`, which carries its own SQLite; every other program, and Python's `sqlite3`, reads such a
file as "file is not a database".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

PLAIN_HEADER = b"SQLite format 3\x00"


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def sqlcipher() -> Any:
    """The SQLCipher driver, loaded when first needed (it is not needed to show the window)."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def database_errors() -> tuple[type[Exception], ...]:
    """`DatabaseError` of both drivers: a damaged, foreign or wrongly keyed file."""
    return (sqlite3.DatabaseError, sqlcipher().DatabaseError)


def driver_errors() -> tuple[type[Exception], ...]:
    return (sqlite3.Error, sqlcipher().Error)


def is_plain(path: Path) -> bool:
    """The file starts with SQLite's own header: not encrypted."""
    with Path(path).open("rb") as handle:
        return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER


def connect(target: str | Path, key: bytes | None, **kwargs: Any) -> Any:
    """A DB-API connection to a file: keyed through SQLCipher when `key` is given, plain otherwise."""
    if key is None:
        return sqlite3.connect(target, **kwargs)
    connection = sqlcipher().connect(target, **kwargs)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log on stderr
        connection.execute(key_pragma(key))
    except BaseException:
        connection.close()
        raise
    return connection


def export_copy(source: Path, target: Path, target_key: bytes | None, source_key: bytes | None = None) -> None:
    """A database's contents into a new file under another key (or none): SQLCipher's own export, schema
    and all. Encrypts a plain file, or re-keys a backup made under another data key."""
    connection = sqlcipher().connect(f"file:{source}?mode=ro", uri=True)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        if source_key is not None:
            connection.execute(key_pragma(source_key))
        quoted = str(target).replace("'", "''")
        new_key = f"\"x'{target_key.hex()}'\"" if target_key is not None else "''"
        connection.execute(f"ATTACH DATABASE '{quoted}' AS exported KEY {new_key}")
        connection.execute("SELECT sqlcipher_export('exported')")
        connection.execute("DETACH DATABASE exported")
    finally:
        connection.close()


# Attachment files under the data key: AES-256-GCM, a random nonce per file, after a marker that tells a
# sealed file from a plain one an earlier version stored.
SEALED_MARKER = b"SJWB-AESGCM-1\n"
SEALED_SUFFIX = ".enc"
_NONCE_BYTES = 12


def seal(data: bytes, key: bytes) -> bytes:
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    return SEALED_MARKER + nonce + AESGCM(key).encrypt(nonce, data, SEALED_MARKER)


def unseal(blob: bytes, key: bytes) -> bytes:
    """The plain contents; a file changed or sealed under another key raises ValueError."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob.startswith(SEALED_MARKER):
        raise ValueError("not a sealed file")
    start = len(SEALED_MARKER)
    nonce, sealed = blob[start : start + _NONCE_BYTES], blob[start + _NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, sealed, SEALED_MARKER)
    except InvalidTag as exc:
        raise ValueError("sealed under another key, or changed") from exc


def is_sealed(path: Path) -> bool:
    with Path(path).open("rb") as handle:
        return handle.read(len(SEALED_MARKER)) == SEALED_MARKER
