"""scrypt calibrated as password vaults do it, parameters kept per wrap, old and weaker wraps made stronger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.domain.errors import AppError
from desktop_app.core.storage import keys

PASSWORD = "春天的第一棵树开花了"
MIB = 2**20


def wraps(directory: Path) -> dict:
    return json.loads(keys.keys_path(directory).read_text(encoding="utf-8"))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_the_real_calibration_takes_at_least_128_mib_and_lets_it_go(tmp_path, monkeypatch):
    monkeypatch.setattr(keys, "POLICY", keys.DEFAULT_POLICY)
    chosen = keys.calibrate()
    assert chosen["name"] == "scrypt"
    assert chosen["n"] >= 2**17
    assert chosen["r"] == 8
    assert 128 * chosen["r"] * chosen["n"] >= 128 * MIB
    before = rss_kb()
    data_key, _ = keys.create_keys(tmp_path, PASSWORD)
    assert keys.open_keys(tmp_path, PASSWORD) == data_key
    assert rss_kb() - before < 64 * 1024, "scrypt's memory is released once the key is derived"
    stored = wraps(tmp_path)
    assert stored["password"]["kdf"] == chosen
    assert stored["recovery"]["kdf"] == chosen


def legacy_keys(directory: Path, monkeypatch) -> tuple[bytes, str]:
    """keys.json as earlier versions wrote it: scrypt N=2^15, r=8, p=1, no parameters in the wraps."""
    monkeypatch.setattr(keys, "POLICY", keys.KdfPolicy(min_n=2**15, max_n=2**15, target_s=0.0))
    data_key, recovery = keys.create_keys(directory, PASSWORD)
    content = wraps(directory)
    for name in ("password", "recovery"):
        assert content[name].pop("kdf") == keys.LEGACY_KDF
    content["version"] = 1
    content["kdf"] = {"name": "scrypt", "n": 2**15, "r": 8, "p": 1}
    keys.keys_path(directory).write_text(json.dumps(content), encoding="utf-8")
    return data_key, recovery


def test_an_old_file_opens_and_each_wrap_is_made_stronger_when_it_is_next_used(tmp_path, monkeypatch):
    data_key, recovery = legacy_keys(tmp_path, monkeypatch)
    stronger = keys.KdfPolicy(min_n=2**16, max_n=2**16, target_s=0.0)
    monkeypatch.setattr(keys, "POLICY", stronger)

    assert keys.open_keys(tmp_path, PASSWORD) == data_key
    after_password = wraps(tmp_path)
    assert after_password["password"]["kdf"]["n"] == 2**16, "the password's wrap, made anew"
    assert "kdf" not in after_password["recovery"], "the recovery key's wrap, untouched until it is used"
    assert not list(tmp_path.glob("*.partial")), "replaced whole"

    assert keys.open_keys(tmp_path, recovery) == data_key, "the recovery key still opens"
    assert wraps(tmp_path)["recovery"]["kdf"]["n"] == 2**16
    assert keys.open_keys(tmp_path, PASSWORD) == data_key
    assert keys.open_keys(tmp_path, recovery.lower().replace("-", " ")) == data_key


def test_a_wrap_at_todays_cost_is_left_as_it_is(tmp_path):
    keys.create_keys(tmp_path, PASSWORD)
    before = keys.keys_path(tmp_path).read_bytes()
    keys.open_keys(tmp_path, PASSWORD)
    assert keys.keys_path(tmp_path).read_bytes() == before


def test_a_new_password_is_wrapped_at_the_calibrated_cost(tmp_path, monkeypatch):
    legacy_keys(tmp_path, monkeypatch)
    monkeypatch.setattr(keys, "POLICY", keys.KdfPolicy(min_n=2**11, max_n=2**11, target_s=0.0))
    keys.change_password(tmp_path, PASSWORD, "夏天的第二棵树结果了")
    assert wraps(tmp_path)["password"]["kdf"] == {"name": "scrypt", "n": 2**11, "r": 8, "p": 1}


def test_parameters_no_version_writes_are_refused_before_any_memory_is_taken(tmp_path):
    keys.create_keys(tmp_path, PASSWORD)
    content = wraps(tmp_path)
    content["password"]["kdf"]["n"] = 2**40
    keys.keys_path(tmp_path).write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(AppError, match="参数不对"):
        keys.open_keys(tmp_path, PASSWORD)
