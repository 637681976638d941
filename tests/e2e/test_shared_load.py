"""The shared mode's load benchmark runs end to end (2 clients, a few seconds, one small community), so it cannot
rot unnoticed; its invariants hold on the way."""

import json

from benchmarks import run, shared_load


def test_shared_load_runs_with_two_clients(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "CACHE", tmp_path / "cache")
    out = tmp_path / "shared.json"
    args = ["--small-only", "--clients", "2", "--seconds", "4", "--ready-runs", "1", "--out", str(out)]
    assert shared_load.main(args) == 0
    result = json.loads(out.read_text())
    figures = {f["name"]: f for f in result["figures"]}
    assert result["lost_updates"] == []
    assert figures["丢失的保存"]["value"] == 0
    assert result["violations"] == []
    assert figures["越权可见（其他居民区的行）"]["value"] == 0
    assert result["errors"] == []
    assert figures["客户端错误"]["value"] == 0
    assert figures["保存次数（已确认）"]["value"] > 0
    assert figures["搜索次数"]["value"] > 0
    assert figures["保存延迟 p95"]["value"] > 0
    assert figures["搜索居民延迟 p95"]["value"] > 0
    ready = figures["工作台就绪（服务器 / SQLite，同一数据）"]
    assert ready["value"] > 0
    assert ready["baseline"] > 0
    assert all(f["ok"] is None for f in result["figures"]), "a smoke run checks no budgets"
