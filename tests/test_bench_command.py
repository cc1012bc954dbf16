"""`sdcscan bench`: runs end to end on a tiny workload and writes a report of the documented shape.

No timing is checked (the machine may be busy): only that every engine ran on every workload, and that the
figures are consistent with each other.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_bench_quick_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    work = tmp_path / "work"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "bench", "--quick", "--rows", "5000", "--text-mb", "1",
                           "--files", "8", "--threads", "1", "--repeat", "1", "--dir", str(work), "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["schema_version"] == 1
    assert {"cpus", "platform", "python", "load_average", "versions"} <= set(report["machine"])
    assert report["config"]["threads"] == [1] and report["config"]["table_rows"] == [5000]
    rows = report["results"]
    keys = {"workload", "engine", "threads", "seconds", "throughput", "unit", "peak_rss_mb", "scaling", "ratio",
            "note"}
    assert all(set(r) == keys for r in rows)
    workloads = ["table 5k rows per row", "table 5k rows per unit", "identifiers 1 MB text", "8 small files"]
    assert sorted({r["workload"] for r in rows}) == sorted(workloads)
    for name in workloads:
        mine = [r for r in rows if r["workload"] == name and r["engine"] == "sdcscan"]
        assert len(mine) == 1 and mine[0]["threads"] == 1 and mine[0]["scaling"] == 1.0, name
        assert mine[0]["seconds"] > 0 and mine[0]["peak_rss_mb"] > 0, name
        size = {"table 5k rows per row": 5000, "table 5k rows per unit": 5000, "identifiers 1 MB text": 1 << 20,
                "8 small files": 8}[name]
        scale = 1e9 if mine[0]["unit"] == "GB/s" else 1
        assert math.isclose(mine[0]["throughput"], size / mine[0]["seconds"] / scale, rel_tol=1e-9), name
        for peer in (r for r in rows if r["workload"] == name and r["engine"] != "sdcscan"):
            assert peer["engine"] in {"duckdb", "polars", "ripgrep"}, peer
            if peer["seconds"] is not None:  # a peer that failed has a note and no figures
                assert math.isclose(peer["ratio"], peer["seconds"] / mine[0]["seconds"], rel_tol=1e-9), peer
    # the workload is generated where asked, once: a second run reuses it
    assert sorted(p.name for p in work.iterdir() if not p.name.startswith(".")) == [
        "files-8-v1", "table-5000-v1.parquet", f"text-{1 << 20}-v1.log", "warm-v1"]
    assert "peer/sdcscan" in proc.stdout
