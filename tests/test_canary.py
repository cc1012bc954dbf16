"""Canary: identifiers planted in every file kind never appear in any report format or log line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO

CANARIES = ["198803200016", "8803200016", "0101701234", "2612934567"]


def plant(folder: Path) -> None:
    a, b, c, d = CANARIES
    rows = "\n".join(f"{d}{i:02d},Nord,{i}" for i in range(30))
    (folder / "ids.csv").write_text(f"pnr,region,n\n{a},Nord,5\n{b},Syd,7\n{c},Øst,9\n{rows}\n", encoding="utf-8")
    # Small cells whose labels and column names carry numbers.
    (folder / "small.csv").write_text(f"kommune,pnr_{a},n\n{b},x,1\n{c},y,2\nK3,z,50\n", encoding="utf-8")
    (folder / "ragged.csv").write_text(f"region,n\nNord,10\n{a},{b},{c}\nSyd,12\n", encoding="utf-8")
    (folder / "note.txt").write_text(f"Person {a} and cpr {c} were removed.\n", encoding="utf-8")
    (folder / "run.log").write_text(f"NOTE: pnr={a}\nNOTE: There were 3 observations read.\n", encoding="utf-8")
    (folder / "bad.csv").write_bytes(f"region,n\n{a},1\n".encode() + b"\xff\xfe\x00\x81" * 4 + b"\n")
    table = pa.table({"LopNr": [f"{a[:-2]}{i:02d}" for i in range(40)], "age": list(range(40))})
    pq.write_table(table, folder / "ids.parquet")
    (folder / "broken.parquet").write_bytes(b"PAR1" + a.encode() + b"PAR1")


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_canaries_never_leave(tmp_path: Path, fmt: str) -> None:
    export = tmp_path / "export"
    export.mkdir()
    plant(export)
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(export), "--format", fmt, "-vv"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "MIC002" in proc.stdout and "TAB001" in proc.stdout  # the planted problems were found...
    for canary in CANARIES:  # ...and reported without repeating what they protect
        assert canary not in proc.stdout, f"{canary} leaked into the {fmt} report"
        assert canary not in proc.stderr, f"{canary} leaked into the log"
