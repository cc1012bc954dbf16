"""Arrow IPC / Feather files (the format plug-in :mod:`scanner.formats.arrow_ipc`): scanned as tables, read by
``sdcscan table``, and read inside archives, with damage and nested columns reviewed, never passed."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pytest

from scanner import api, formats
from scanner.config import load_config
from scanner.discover import FileKind
from scanner.findings import Verdict
from scanner.sources import Source, SourceRef
from scanner.tables.compute import TableSpec
from scanner.tables.writers import cells_json


def _scan(path: Path) -> api.FileResult:
    (result,) = api.scan([path], load_config(), jobs=1).files
    return result


def _write(path: Path, table: pa.Table, **kw: object) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Feather v1 is deprecated, and still written
        feather.write_feather(table, str(path), **kw)
    return path


AGG_SMALL = pa.table({"region": ["Nord", "Syd", "Midt"], "n": [120, 2, 340]})
AGG_SAFE = pa.table({"region": ["Nord", "Syd", "Midt"], "n": [120, 87, 340]})
_rng = np.random.default_rng(5)
PERSONS = pa.table({"lopnr": np.arange(104000, 104300), "alder": _rng.integers(18, 90, 300),
                    "indkomst": _rng.integers(100_000, 900_000, 300)})


def test_the_format_is_registered_in_one_module() -> None:
    spec = formats.reader_for(FileKind.FEATHER)
    assert spec is not None and spec.name == "arrow" and not spec.container
    assert FileKind.FEATHER in formats.table_kinds()


@pytest.mark.parametrize("options", [{}, {"compression": "zstd"}, {"compression": "uncompressed"}, {"version": 1}],
                         ids=["lz4", "zstd", "plain", "feather-v1"])
@pytest.mark.parametrize(("table", "verdict", "rule"), [(AGG_SMALL, Verdict.FAIL, "TAB001"),
                                                         (AGG_SAFE, Verdict.PASS, None),
                                                         (PERSONS, Verdict.FAIL, "MIC002")],
                         ids=["small-cell", "safe", "persons"])
def test_verdicts(tmp_path: Path, options: dict[str, object], table: pa.Table, verdict: Verdict,
                  rule: str | None) -> None:
    result = _scan(_write(tmp_path / "t.feather", table, **options))
    assert result.kind == "feather"
    assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]
    if rule is not None:
        assert rule in {f.rule for f in result.findings}


def test_batches_are_streamed_across_record_batches(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.arrow", PERSONS, chunksize=64)
    part = formats.reader_for(FileKind.FEATHER).read(Source(SourceRef(str(path)), path=path), FileKind.FEATHER,
                                                      None)
    rows = part.rows()
    assert sum(b.num_rows for b in rows.batches(batch_rows=50)) == 300
    assert rows.meta.notes == ("Arrow IPC / Feather v2: 300 rows in 5 record batches",)


def test_damaged_file_and_nested_columns_are_reviewed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.feather"
    broken.write_bytes(b"ARROW1\x00\x00" + b"\x01" * 200)
    damaged = _scan(broken)
    assert damaged.verdict is Verdict.REVIEW and {f.rule for f in damaged.findings} == {"FIL001"}
    nested = pa.table({"region": ["Nord", "Syd", "Midt"], "n": [120, 87, 340], "items": [[1], [2, 3], []]})
    result = _scan(_write(tmp_path / "nested.feather", nested))
    assert result.verdict is Verdict.REVIEW
    assert any("nested column" in f.message for f in result.findings)


def test_sdcscan_table_reads_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    micro = pa.table({"region": rng.choice(["Nord", "Syd", "Midt"], 3000), "koen": rng.integers(1, 3, 3000)})
    micro = micro.append_column("bornholm", pa.array(["ja" if i < 2 else "nej" for i in range(3000)]))
    path = _write(tmp_path / "micro.feather", micro)
    result = api.table(path, TableSpec(("region", "bornholm")), load_config())
    cells = {(c["key"]["region"], c["key"]["bornholm"]): c for c in cells_json(result)["cells"]}
    assert sum(c["count"] for k, c in cells.items() if k[0] is not None and k[1] is not None) == 3000
    assert any("TAB001" in c["rules"] for k, c in cells.items() if k[1] == "ja")


def test_member_of_an_archive(tmp_path: Path) -> None:
    data = _write(tmp_path / "agg.feather", AGG_SMALL).read_bytes()
    export = tmp_path / "export"
    export.mkdir()
    with zipfile.ZipFile(export / "results.zip", "w") as z:
        z.writestr("tables/agg.feather", data)
    result = api.scan([export], load_config(), jobs=1)
    member = next(f for f in result.files if f.path.endswith("agg.feather"))
    assert member.verdict is Verdict.FAIL and "TAB001" in {f.rule for f in member.findings}


def _write_stream(path: Path, table: pa.Table, chunk: int = 64) -> Path:
    import pyarrow.ipc as ipc

    with pa.OSFile(str(path), "wb") as sink, ipc.new_stream(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=chunk):
            writer.write_batch(batch)
    return path


@pytest.mark.parametrize("name", ["t.arrows", "t.arrow", "t.ipc", "t.bin"])
@pytest.mark.parametrize(("table", "verdict", "rule"), [(AGG_SMALL, Verdict.FAIL, "TAB001"),
                                                         (AGG_SAFE, Verdict.PASS, None),
                                                         (PERSONS, Verdict.FAIL, "MIC002")],
                         ids=["small-cell", "safe", "persons"])
def test_the_stream_format_is_read(tmp_path: Path, name: str, table: pa.Table, verdict: Verdict,
                                   rule: str | None) -> None:
    """The IPC stream format (no footer: pyarrow.ipc.new_stream, R's write_ipc_stream) by its bytes, whatever
    its name; it was FIL001 'no reader' before."""
    result = _scan(_write_stream(tmp_path / name, table))
    assert result.kind == "feather"
    assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]
    if rule is not None:
        assert rule in {f.rule for f in result.findings}


def test_a_stream_is_read_across_its_batches(tmp_path: Path) -> None:
    path = _write_stream(tmp_path / "big.arrows", PERSONS)
    part = formats.reader_for(FileKind.FEATHER).read(Source(SourceRef(str(path)), path=path), FileKind.FEATHER,
                                                      None)
    rows = part.rows()
    assert sum(b.num_rows for b in rows.batches(batch_rows=50)) == 300
    assert rows.meta.notes == ("Arrow IPC stream: 300 rows in 5 record batches",)
    result = api.table(path, TableSpec(("alder",)), load_config())
    assert sum(c["count"] for c in cells_json(result)["cells"] if c["key"]["alder"] is not None) == 300
