"""Settings kept with the data (`app_settings`: JSON values by key), read and written inside a session."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.core.storage import cipher
from desktop_app.core.storage.models import AppSetting

# Settings that hold a secret (the street office's private key). Inside the encrypted database the secret is
# sealed once more under the data key, so that a dump of the database (a stolen unlocked session's query, a
# copy of a decrypted page) cannot use it; it is sealed anew wherever the data key changes.
SECRET_SETTINGS = ("street_private_key",)
_SEALED, _PLAIN = "sealed", "key"  # _PLAIN: data not yet encrypted (an earlier version's), sealed once it is


def stored(session: Session, key: str) -> Any:
    """The value kept under `key`, or None."""
    row = session.get(AppSetting, key)
    return row.value if row is not None else None


def store(session: Session, key: str, value: Any) -> Any:
    """Keep `value` under `key`; returns what was there before (None if nothing)."""
    row = session.get(AppSetting, key)
    if row is None:
        session.add(AppSetting(key=key, value=value))
        return None
    before, row.value = row.value, value
    return before


def store_secret(session: Session, name: str, secret: bytes, key: bytes | None, **public: Any) -> None:
    """Keep a secret (one of SECRET_SETTINGS) sealed under the data key, with values that are not secret."""
    assert name in SECRET_SETTINGS, name
    held = {_SEALED: base64.b64encode(cipher.seal(secret, key)).decode()} if key is not None else None
    store(session, name, {**public, **(held or {_PLAIN: base64.b64encode(secret).decode()})})


def stored_secret(session: Session, name: str, key: bytes | None) -> tuple[bytes, dict[str, Any]] | None:
    """The secret and its other values, or None when there is none."""
    value = stored(session, name)
    if not value:
        return None
    return _opened(value, key), {k: v for k, v in value.items() if k not in (_SEALED, _PLAIN)}


def _opened(value: dict[str, Any], key: bytes | None) -> bytes:
    if _SEALED in value:
        if key is None:
            raise ValueError("a sealed secret needs the data key")
        return cipher.unseal(base64.b64decode(value[_SEALED]), key)
    return base64.b64decode(value[_PLAIN])


def reseal_secrets(session: Session, old_key: bytes | None, new_key: bytes | None) -> int:
    """After the data key changed (another copy's data restored, plain data encrypted), or for data of an
    earlier version that kept them plain: every secret sealed under `new_key`. Returns how many changed."""
    changed = 0
    for name in SECRET_SETTINGS:
        value = stored(session, name)
        if not value or (_SEALED in value and old_key == new_key):
            continue
        if new_key is None and _PLAIN in value:
            continue
        secret = _opened(value, old_key if _SEALED in value else None)
        public = {k: v for k, v in value.items() if k not in (_SEALED, _PLAIN)}
        store_secret(session, name, secret, new_key, **public)
        changed += 1
    return changed
