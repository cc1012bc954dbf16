"""ACRO's results.json layout (SACRO-Viewer): the same keys as ACRO writes, loadable by ACRO's own loader,
flagged cells where the viewer highlights them, and nothing the viewer would run as HTML.

The layout reference is a results.json that the installed ACRO writes in the test; without ACRO, the one
ACRO 1.0.2 wrote in tests/data/acro-1.0.2-results.json (see tests/data/README.md).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Location, ScanResult, Severity, Verdict
from scanner.reporters import Format, render
from scanner.reporters import acro as acro_reporter
from tests.conftest import EXAMPLE
from tests.test_reporters import archive_result, check_golden, finding, many_result, sample_result

FIXTURE = Path(__file__).parent / "data" / "acro-1.0.2-results.json"
TABLE = "region;koen;antal\nNord;M;120\nNord;K;2\nSyd;M;55\nSyd;K;1\n"


def to_acro(result: ScanResult) -> dict[str, Any]:
    out = io.StringIO()
    render(result, Format.ACRO, out)
    doc: dict[str, Any] = json.loads(out.getvalue())
    return doc


def acro_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A results.json made by ACRO itself (installed), or the vendored one ACRO 1.0.2 made."""
    try:
        import numpy as np
        import pandas as pd
        from acro import ACRO
    except ImportError:
        return dict(json.loads(FIXTURE.read_text(encoding="utf-8")))
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"region": rng.choice(["N", "S", "E"], 200), "sex": rng.choice(["M", "K"], 200)})
    df.loc[0, "region"] = "W"
    session = ACRO(suppress=False)
    session.crosstab(df.region, df.sex)
    (tmp_path / "note.txt").write_text("a note", encoding="utf-8")
    session.custom_output("note.txt", "a custom file")
    session.finalise("acro_out", "json")
    return dict(json.loads((tmp_path / "acro_out" / "results.json").read_text(encoding="utf-8")))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """tmp/export: the example export request, a table with two small cells, and a zip holding it."""
    root = tmp_path / "export"
    shutil.copytree(EXAMPLE, root)
    (root / "tab.csv").write_text(TABLE, encoding="utf-8")
    with zipfile.ZipFile(root / "more.zip", "w") as zf:
        zf.writestr("dir/t.csv", TABLE)
    return root


def test_same_keys_as_acro_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = acro_reference(tmp_path, monkeypatch)
    ours = to_acro(sample_result())
    assert list(ours) == list(reference)  # version, tool, results
    # ACRO's tool has a "url" (its GitHub page); sdcscan has no public address to give.
    assert set(ours["tool"]) == set(reference["tool"]) - {"url"} and ours["tool"]["name"] == "sdcscan"
    ref_output = next(iter(reference["results"].values()))
    for output in ours["results"].values():
        assert list(output) == list(ref_output)
        assert [set(f) for f in output["files"]] == [{"name", "sdc"}]
    # A table's sdc has ACRO's two parts: counts per check and the flagged cells per check.
    ref_table = next(o for o in reference["results"].values() if o["type"] == "table")
    assert set(ref_table["files"][0]["sdc"]) == {"summary", "cells"}
    table = ours["results"]["export/res.csv"]["files"][0]["sdc"]
    assert set(table) == {"summary", "cells"} and set(table["summary"]) == set(table["cells"])


def test_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for name, make in (("sample.acro.json", sample_result), ("archive.acro.json", archive_result)):
        out = io.StringIO()
        render(make(), Format.ACRO, out)
        check_golden(name, out.getvalue())


def test_layout_version_is_an_acro_release() -> None:
    reference = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert reference["version"] == acro_reporter.ACRO_LAYOUT_VERSION


def test_status_type_properties_and_files() -> None:
    result = sample_result()
    doc = to_acro(result)
    outputs = doc["results"]
    assert list(outputs) == sorted(f.path for f in result.files)  # path order, paths as output names
    for file in result.files:
        output = outputs[file.path]
        assert output["uid"] == file.path
        assert output["status"] == file.verdict.value
        assert output["type"] == ("table" if file.kind in ("csv", "xlsx", "sas7bdat") else "custom")
        assert output["properties"]["method"] == file.kind
        assert output["files"][0]["name"] == file.path
        assert output["exception"] == "" and output["fair"] == {}
        assert output["summary"].startswith(file.verdict.value + "; ")
        assert len(output["comments"]) == len(file.findings)
    res = outputs["export/res.csv"]
    assert res["summary"] == "fail; MIC001 row-level-records: 1; MIC002 identifier-column: 1; " \
                             "PID001 swedish-personnummer: 1; "
    assert res["files"][0]["sdc"]["summary"] == {"MIC001": 1, "MIC002": 1, "PID001": 1}
    # PID001 is at row 12, column pnr: 0-based data row 11; MIC002 names a column only (no cell).
    assert res["files"][0]["sdc"]["cells"] == {"MIC001": [], "MIC002": [], "PID001": [[11, "pnr"]]}
    assert res["comments"][0].startswith("MIC001 row-level-records (review), file: ")


def test_outcome_marks_flagged_cells_where_the_viewer_looks() -> None:
    # SACRO-Viewer (assets/src/scripts/_table-builder.js) takes Object.values(outcome[column]) and
    # highlights the body row at each position whose value is not "ok", in the column named so in the
    # CSV's header. Emulate it: the positions must be exactly the flagged 0-based data rows.
    result = many_result(30)  # TAB001 at rows 1..30 of column "antal"
    outcome = to_acro(result)["results"]["export/big.csv"]["outcome"]
    assert list(outcome) == ["antal"]
    values = list(outcome["antal"].values())
    assert [i for i, v in enumerate(values) if v != "ok"] == list(range(30))
    assert all(v == "TAB001 small-cell; " for v in values)


def test_real_scan_outcome_and_sdc(export: Path) -> None:
    result = api.scan([export], load_config(None))
    outputs = to_acro(result)["results"]
    tab = outputs["export/tab.csv"]
    assert tab["status"] == "fail"
    values = list(tab["outcome"]["antal"].values())
    assert [i for i, v in enumerate(values) if v != "ok"] == [1, 3]  # Nord/K = 2 and Syd/K = 1
    assert tab["files"][0]["sdc"]["cells"]["TAB001"] == [[1, "antal"], [3, "antal"]]
    # An archive member: an output of its own whose file is the archive on disk.
    member = outputs["export/more.zip!dir/t.csv"]
    assert member["status"] == "fail" and member["files"][0]["name"] == "export/more.zip"
    assert member["properties"]["archive"] == "export/more.zip" and member["properties"]["member"] == "dir/t.csv"
    assert member["outcome"] == {}  # the viewer cannot show a member as a table
    assert outputs["export/more.zip"]["status"] == "fail"  # its verdict includes its members'
    listing = outputs["export/udtraek_personer.csv"]
    assert listing["status"] == "fail" and any(c.startswith("MIC002 identifier-column") for c in listing["comments"])


def test_round_trip_through_acros_loader(export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = pytest.importorskip("acro.record", reason="ACRO is in the test extra")
    import acro.version

    # ACRO's loader accepts only its own release; the layout is the same (test_same_keys_as_acro_writes).
    monkeypatch.setattr(acro_reporter, "ACRO_LAYOUT_VERSION", acro.version.__version__)
    result = api.scan([export], load_config(None))
    # results.json beside the scanned folder: the files' names are relative to it, as the viewer reads them.
    target = export.parent / "results.json"
    with target.open("w", encoding="utf-8") as fh:
        render(result, Format.ACRO, fh)
    records = record.load_records(str(export.parent))
    assert sorted(records.results) == sorted(f.path for f in result.files)
    for file in result.files:
        loaded = records.results[file.path]
        assert loaded.status == file.verdict.value
        assert len(loaded.comments) == len(file.findings)
    tab = records.results["export/tab.csv"]
    assert list(tab.outcome["antal"]) == ["ok", "TAB001 small-cell; ", "ok", "TAB001 small-cell; "]
    assert tab.sdc["summary"] == {"TAB001": 2}
    # ACRO read the CSV the output names (load_output): the file was found where the viewer looks.
    assert list(tab.output[0].columns) == ["region;koen;antal"]


def test_hostile_names_are_escaped_for_the_viewer() -> None:
    hostile = 'export/<img src=x onerror="alert(1)">&.csv'
    label = "<script>alert(1)</script>"
    files = (
        FileResult(hostile, "csv", 10, (
            finding("TAB001", "small-cell", Severity.BLOCK,
                    Location(hostile, row=1, column=label, cell=(("r", label),)),
                    f"Cell (r={label}) & more", f"count 1-2 {label}"),
        )),
    )
    doc = to_acro(ScanResult("0.1.0", "dst", files, 0.1))
    output = doc["results"]["output_0"]  # a path with HTML-special characters is not used as the name
    assert output["files"][0]["name"] == hostile  # the file must still be found
    for text in [*output["comments"], output["summary"], output["exception"], output["command"],
                 *(v for col in output["outcome"].values() for v in col.values())]:
        assert "<" not in text and ">" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in output["comments"][0]
    assert "&amp; more" in output["comments"][0]


def test_comments_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acro_reporter, "MAX_COMMENTS", 10)
    comments = to_acro(many_result(30))["results"]["export/big.csv"]["comments"]
    assert len(comments) == 11
    assert comments[-1] == "... and 20 more findings: see the JSON, SARIF or HTML report."


def test_archive_without_own_findings_says_its_verdict_is_from_members() -> None:
    outputs = to_acro(archive_result())["results"]
    assert outputs["export/a.zip"]["status"] == Verdict.FAIL.value
    assert outputs["export/a.zip"]["summary"] == "fail; verdict from its archive members; "
    assert outputs["export/a.zip!secret.csv"]["files"][0]["name"] == "export/a.zip"


def test_timestamp_is_fixed_by_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = to_acro(sample_result())["results"]
    assert {o["timestamp"] for o in outputs.values()} == {"2023-11-14T22:13:20+00:00"}
