"""The library API: scan() as a Python caller uses it, in one process and in worker processes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Verdict
from tests.conftest import EXAMPLE


def test_results_survive_pickling() -> None:
    result = api.scan([EXAMPLE], jobs=1)
    for f in result.files:
        again = pickle.loads(pickle.dumps(f))
        assert isinstance(again, FileResult) and again == f


def test_parallel_scan_equals_serial_scan() -> None:
    serial = api.scan([EXAMPLE], jobs=1)
    parallel = api.scan([EXAMPLE], jobs=2, parallel_min_bytes=0)
    assert [(f.path, f.verdict, f.findings) for f in parallel.files] == \
           [(f.path, f.verdict, f.findings) for f in serial.files]
    assert not any("worker process failed" in x.message for x in parallel.findings())


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[str, object]] = []

    class Recorder:
        def start(self, files: int, total_bytes: int) -> None:
            seen.append(("start", files))

        def advance(self, result: FileResult) -> None:
            seen.append(("file", result.path))

    result = api.scan([EXAMPLE], jobs=1, progress=Recorder())
    assert seen[0] == ("start", len(result.files))
    assert sorted(p for k, p in seen[1:]) == [f.path for f in result.files]


def test_no_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(api.ScanError):
        api.scan([tmp_path])


def test_scan_never_writes_into_scanned_folder(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("region,n\nNord,1\nSyd,12\n", encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    result = api.scan([tmp_path], load_config(), jobs=1)
    assert result.files[0].verdict is Verdict.FAIL
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


@pytest.mark.parametrize("code", ["TAB001", "EXT001", "MIC003"])
def test_a_rule_that_crashes_makes_every_table_part_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          code: str) -> None:
    # Fail closed: a crash inside a rule is FIL001 review for the file it was judging, never a pass, in a
    # CSV, a table pasted into a note and a workbook alike.
    import dataclasses

    import xlsxwriter

    from scanner.rules import registry

    def crash(ctx: object, table: object) -> object:
        raise RuntimeError("rule crashed")

    spec = registry.get_rule(code)
    monkeypatch.setitem(registry._REGISTRY, code, dataclasses.replace(spec, func=crash))
    (tmp_path / "t.csv").write_text("region;n\nA;10\nB;20\n", encoding="utf-8")
    (tmp_path / "note.md").write_text("| a | n |\n|---|---|\n| x | 10 |\n| y | 20 |\n", encoding="utf-8")
    book = xlsxwriter.Workbook(str(tmp_path / "w.xlsx"))
    sheet = book.add_worksheet()
    for r, row in enumerate([["region", "n"], ["A", 10], ["B", 20]]):
        sheet.write_row(r, 0, row)
    book.close()
    result = api.scan([tmp_path], load_config(), jobs=1)
    assert {Path(f.path).name: f.verdict for f in result.files} == {
        "t.csv": Verdict.REVIEW, "note.md": Verdict.REVIEW, "w.xlsx": Verdict.REVIEW}
    assert all({x.rule for x in f.findings} == {"FIL001"} for f in result.files)


def test_each_kind_has_one_scan_handler_and_members_are_only_kinds_read_in_full() -> None:
    """The dispatch is one table: a kind registered twice would be read by whichever came last."""
    from scanner import api, formats
    from scanner.discover import FileKind

    kinds = [kind for h in api._HANDLERS for kind in h.kinds]
    assert len(kinds) == len(set(kinds))
    read = api._read_kinds()
    assert FileKind.XLSX in read and FileKind.CSV in read and FileKind.ZIP in read and FileKind.PDF in read
    assert FileKind.ODS in read  # (its package structure is read as an .xlsx file's is)
    # read for their cells only: an embedded .xls stays a DOC003 "a person must open it"
    assert not read & {FileKind.XLS, FileKind.XLSB, FileKind.OLE_ENCRYPTED, FileKind.BINARY}
    assert {k for spec in formats.readers() for k in spec.kinds} <= read


def test_a_file_name_that_is_not_utf8_is_scanned_and_reported(tmp_path: Path) -> None:
    import io
    import json
    import os

    from scanner.reporters import Format, render

    # raw bytes in a name (Latin-1 "øæå"): the OS gives them as surrogates; one such file once aborted the scan
    name = os.fsencode(tmp_path) + b"/tabel_\xf8\xe6\xe5.csv"
    with open(name, "w", encoding="utf-8") as fh:
        fh.write("Region;Antal\nNord;2\nSyd;400\nVest;300\n")
    (tmp_path / "ok.csv").write_text("Region;Antal\nNord;200\nSyd;400\n", encoding="utf-8")
    result = api.scan([tmp_path], load_config(), jobs=1)
    odd = next(f for f in result.files if "tabel_" in f.path)
    assert odd.path.endswith("tabel_\\xf8\\xe6\\xe5.csv")
    assert odd.verdict is Verdict.FAIL and any(f.rule == "TAB001" for f in odd.findings)
    for fmt in (Format.SARIF, Format.HTML, Format.CONSOLE, Format.ACRO):
        render(result, fmt, io.StringIO())
    out = io.StringIO()
    render(result, Format.JSON, out)
    report = json.loads(out.getvalue())
    assert any(f["path"].endswith("tabel_\\xf8\\xe6\\xe5.csv") for f in report["files"])
    assert sorted(os.listdir(os.fsencode(tmp_path))) == sorted([b"ok.csv", b"tabel_\xf8\xe6\xe5.csv"])


@pytest.mark.parametrize(("name", "verdict"), [("tabel.xlsx", Verdict.REVIEW), ("rapport.pdf", Verdict.REVIEW),
                                               ("noter.txt", Verdict.PASS), ("tom.csv", Verdict.PASS)])
def test_an_empty_file_of_a_format_that_is_never_empty_is_reviewed(tmp_path: Path, name: str,
                                                                    verdict: Verdict) -> None:
    (tmp_path / name).write_bytes(b"")
    (result,) = api.scan([tmp_path / name], load_config(), jobs=1).files
    assert result.verdict is verdict


def test_a_setting_named_n_in_a_config_file_is_no_group_size(tmp_path: Path) -> None:
    import json

    (tmp_path / "pipeline.yaml").write_text("sdc:\n  threshold: 3\n  dominance: {n: 2, k: 0.85}\n", encoding="utf-8")
    (tmp_path / "settings.json").write_text(json.dumps({"plot": {"width": 7, "dpi": 300},
                                                        "bootstrap": {"n": 2, "seed": 20240301}}), encoding="utf-8")
    (tmp_path / "note.txt").write_text("Among women in Læsø (n = 2) the mean income was high.\n", encoding="utf-8")
    verdicts = {r.path.rsplit("/", 1)[-1]: r for r in api.scan([tmp_path], load_config(), jobs=1).files}
    assert verdicts["pipeline.yaml"].verdict is Verdict.PASS
    assert not any(f.rule == "TAB001" for f in verdicts["settings.json"].findings)
    assert verdicts["note.txt"].verdict is Verdict.FAIL  # a group size in prose still is one


@pytest.mark.parametrize(("data", "named"), [
    (b"Rar!\x1a\x07\x01\x00" + bytes(64), "RAR archives"),
    (b"\x93NUMPY\x01\x00" + bytes(64), "NumPy arrays"),
    (b"\x80\x04\x95" + bytes(64), "Python pickles"),
    ("Region;Antal\nNord;2\n".encode("utf-16-le"), "NUL bytes"),
])
def test_a_file_no_reader_reads_is_reviewed_with_its_format_named(tmp_path: Path, data: bytes, named: str) -> None:
    path = tmp_path / "blob.dat"
    path.write_bytes(data)
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert result.verdict is Verdict.REVIEW
    assert any(f.rule == "FIL001" and named in f.message for f in result.findings), \
        [(f.rule, f.message) for f in result.findings]


def test_records_blocked_as_microdata_quote_no_persons_as_cells(tmp_path: Path) -> None:
    """A file of person records with a 0/1 flag: MIC003 blocks it, and the flag is not reported as small count
    cells whose locations would quote each person's attributes (year, hospital, age) into the report."""
    import random

    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(7)
    n = 300
    hospitals = ["Oslo universitetssykehus", "Haukeland", "St. Olavs hospital", "UNN Tromsø", "Stavanger"]
    table = pa.table({
        "aar": [2016 + rng.randrange(5) for _ in range(n)],
        "hf": [rng.choice(hospitals) for _ in range(n)],
        "mors_alder": [rng.randrange(18, 46) for _ in range(n)],
        "paritet": [rng.randrange(0, 5) for _ in range(n)],
        "svlengde": [rng.randrange(30, 43) for _ in range(n)],
        "fvekt": [rng.randrange(900, 5200) for _ in range(n)],
        "dodfodt": [1 if rng.random() < 0.02 else 0 for _ in range(n)],
    })
    pq.write_table(table, tmp_path / "utdrag.parquet")
    result = api.scan([tmp_path], load_config(), jobs=1)
    rules = {(f.rule, f.severity.label) for f in result.findings()}
    assert ("MIC003", "block") in rules
    assert not any(f.rule in ("TAB001", "TAB006") for f in result.findings())
    assert result.files[0].verdict is Verdict.FAIL


def test_a_table_of_mostly_ones_quotes_no_rows_as_cells(tmp_path: Path) -> None:
    """A "table" whose count cells are mostly 1 (TAB005: microdata in table form) has no cells: its rows are units,
    and the small cells' locations would quote each row's labels (a date, an age) into the report."""
    rows = ["dato;kommune;alder;doedsfald"]
    islands = ["Ærø", "Fanø", "Læsø", "Samsø"]
    for k in range(40):
        rows.append(f"2022-01-{1 + k % 28:02d};{islands[k % 4]};{20 + 2 * k};{1 if k % 9 else 3}")
    (tmp_path / "doedsfald_dagligt.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = api.scan([tmp_path], load_config(), jobs=1)
    rules = {(f.rule, f.severity.label) for f in result.findings()}
    assert ("TAB005", "block") in rules
    assert not any(f.rule == "TAB001" and f.location.cell for f in result.findings())
    assert result.files[0].verdict is Verdict.FAIL
