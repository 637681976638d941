"""The benchmark harness runs end to end on the small data set, so it cannot rot unnoticed."""

import json

from benchmarks import run


def test_bench_quick_runs_end_to_end(tmp_path, monkeypatch, qapp):
    monkeypatch.setattr(run, "CACHE", tmp_path / "cache")
    out = tmp_path / "latest.json"
    assert run.main(["--quick", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    names = [f["name"] for f in result["figures"]]
    assert any(n.startswith("冷启动到主窗口显示") for n in names)
    assert any(n.startswith("导出全部关怀台账") for n in names)
    assert all(f["value"] > 0 for f in result["figures"])
    assert all(f["ok"] is None for f in result["figures"]), "a quick run checks no budgets"
    with_baseline = [f for f in result["figures"] if f["baseline"]]
    assert all(f["ratio"] == f["value"] / f["baseline"] for f in with_baseline)
