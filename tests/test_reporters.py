"""Reporter tests: golden files, order, escaping, color, masking and the JSON schema.

Golden files live in tests/golden/. After an intended change to a report's layout, regenerate them with

    SDCSCAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_reporters.py

and review the diff before committing: a golden file is the reviewed contract, not a snapshot to accept
blindly.

The JSON Schema check uses the small validator below (type, properties, required, additionalProperties as
false or a schema, items, enum, const, minimum, pattern): the subset scanner.reporters.json.SCHEMA uses.
jsonschema is not a dependency; the validator is tested to reject documents too, so a pass means something.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import masking
from scanner.findings import FileResult, Finding, Location, ScanResult, Severity, Verdict
from scanner.reporters import Format, render
from scanner.reporters import console as console_reporter
from scanner.reporters import json as json_reporter

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[1]
KEY = b"sdcscan-test-key"  # a fixed fingerprint key: golden files must not depend on the user's key file
CANARY = "198803200016"  # a person-number-shaped canary: it must never appear in any report
ANSI = re.compile(r"\x1b\[")  # any escape sequence at all
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the color/style sequences rich writes


# --- building results by hand -----------------------------------------------------------------------


def finding(
    rule: str,
    name: str,
    severity: Severity,
    location: Location,
    message: str,
    evidence: str,
) -> Finding:
    """A finding whose evidence went through masking, as a rule would build it."""
    parts = (rule, *(str(p) for p in location.sort_key()))
    return Finding(
        rule=rule,
        name=name,
        severity=severity,
        location=location,
        message=message,
        evidence=masking.evidence(evidence),
        fingerprint=masking.fingerprint(KEY, *parts),
    )


def sample_result() -> ScanResult:
    """Six files covering every verdict, location shape, masking case and markup-like text."""
    res = "export/res.csv"
    xlsx = "export/tabel.xlsx"
    log = "export/analysis.log"
    files = (
        FileResult(
            path=res,
            kind="csv",
            bytes=11929,
            seconds=0.1234567,
            findings=(
                finding(
                    "PID001",
                    "swedish-personnummer",
                    Severity.BLOCK,
                    Location(res, row=12, column="pnr"),
                    "valid personnummer in a data cell",
                    f"pnr {CANARY}",
                ),
                finding(
                    "MIC002",
                    "identifier-column",
                    Severity.BLOCK,
                    Location(res, column="LopNr"),
                    "column name matches an identifier pattern (lopnr)",
                    "column 'LopNr': 1 distinct value per row",
                ),
                finding(
                    "MIC001",
                    "row-level-records",
                    Severity.REVIEW,
                    Location(res),
                    "file looks like row-level microdata",
                    "15 columns, 1-2 rows per unit",
                ),
            ),
        ),
        FileResult(
            path=xlsx,
            kind="xlsx",
            bytes=48211,
            seconds=0.05,
            findings=(
                finding(
                    "TAB001",
                    "small-cell",
                    Severity.REVIEW,
                    Location(xlsx, sheet="Tabel1", cell=(("OMRÅDE", "Christiansø"), ("KØN", "Men"))),
                    "count under threshold 3 (dst)",
                    "count 1-2",
                ),
                finding(
                    "DOC001",
                    "hidden-sheet",
                    Severity.REVIEW,
                    Location(xlsx, sheet="[REDACTED]"),
                    "hidden sheet [bold]x[/bold] is exported with the workbook",
                    "sheet state: hidden",
                ),
            ),
        ),
        FileResult(
            path=log,
            kind="text",
            bytes=2048,
            seconds=0.01,
            findings=(
                finding(
                    "LOG001",
                    "observation-listing",
                    Severity.REVIEW,
                    Location(log, line=40),
                    "PROC PRINT listing of [REDACTED] observations",
                    "12 lines of listing",
                ),
            ),
        ),
        FileResult(path="export/readme.txt", kind="text", bytes=310, seconds=0.0, findings=()),
        FileResult(
            path="export/notes.md",
            kind="text",
            bytes=900,
            seconds=0.002,
            findings=(
                finding(
                    "COD001",
                    "hard-coded-identifier",
                    Severity.INFO,
                    Location("export/notes.md", line=3),
                    "literal number compared with an ID-like variable",
                    "if lopnr = <number>",
                ),
            ),
        ),
        FileResult(
            path="export/broken.sas7bdat",
            kind="sas7bdat",
            bytes=0,
            seconds=0.0,
            findings=(
                finding(
                    "FIL001",
                    "unscannable-file",
                    Severity.REVIEW,
                    Location("export/broken.sas7bdat"),
                    "file could not be parsed: truncated header",
                    masking.note("sas7bdat header ends at byte 0").text,
                ),
            ),
        ),
    )
    return ScanResult(
        tool_version="0.1.0",
        profile="dst",
        files=files,
        seconds=0.2071,
        errors=("export/private: permission denied",),
    )


def many_result(n: int = 30) -> ScanResult:
    """One file with ``n`` small-cell findings on rows 1..n, given in reverse order."""
    path = "export/big.csv"
    findings = tuple(
        finding(
            "TAB001",
            "small-cell",
            Severity.REVIEW,
            Location(path, row=i, column="antal"),
            f"count under threshold 3 in row {i}",
            "count 1-2",
        )
        for i in range(n, 0, -1)
    )
    return ScanResult(
        tool_version="0.1.0",
        profile="dst",
        files=(FileResult(path=path, kind="csv", bytes=5000, findings=findings, seconds=0.5),),
        seconds=0.5,
    )


def archive_result() -> ScanResult:
    """An archive whose members fail and need review, and one with a finding of its own."""
    digest = "blake3:" + "ab" * 32
    files = (
        FileResult("export/a.zip", "zip", 2048, (), 0.3, hash=digest, members_verdict=Verdict.FAIL),
        FileResult(
            "export/a.zip!dir/t.csv",
            "csv",
            51,
            (
                finding(
                    "TAB001",
                    "small-cell",
                    Severity.BLOCK,
                    Location("export/a.zip", row=2, column="n", member="dir/t.csv"),
                    "count under threshold 3 (dst)",
                    "count 1-2",
                ),
            ),
            0.2,
            hash="blake3:" + "cd" * 32,
        ),
        FileResult(
            "export/a.zip!secret.csv",
            "encrypted",
            0,
            (
                finding(
                    "FIL004",
                    "encrypted-file",
                    Severity.REVIEW,
                    Location("export/a.zip", member="secret.csv"),
                    "Encrypted: encrypted archive member. A person must check this file.",
                    "encrypted archive member",
                ),
            ),
        ),
        FileResult(
            "export/b.tar.gz",
            "gzip",
            4096,
            (
                finding(
                    "FIL003",
                    "archive-limit",
                    Severity.REVIEW,
                    Location("export/b.tar.gz"),
                    "Not fully read: more than 10000 members. A person must check this file.",
                    "more than 10000 members",
                ),
            ),
            hash="blake3:" + "ef" * 32,
            members_verdict=Verdict.PASS,
        ),
        FileResult("export/b.tar.gz!ok.csv", "csv", 90, (), hash="blake3:" + "01" * 32),
    )
    return ScanResult(tool_version="0.1.0", profile="dst", files=files, seconds=0.5)


def empty_result() -> ScanResult:
    return ScanResult(tool_version="0.1.0", profile="dst", files=(), seconds=0.0)


def to_json(result: ScanResult) -> str:
    out = io.StringIO()
    json_reporter.render(result, out)
    return out.getvalue()


def to_console(result: ScanResult, *, color: bool | None = False, verbose: bool = False) -> str:
    out = io.StringIO()
    console_reporter.render(result, out, color=color, verbose=verbose)
    return out.getvalue()


class FakeTTY(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


# --- golden files -----------------------------------------------------------------------------------


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SDCSCAN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; run with SDCSCAN_UPDATE_GOLDEN=1 to create it")
    with path.open(encoding="utf-8", newline="") as fh:  # newline="": compare line endings exactly too
        expected = fh.read()
    assert actual == expected, f"{name} differs from the golden file (SDCSCAN_UPDATE_GOLDEN=1 to update)"


GOLDEN_CASES = {
    "sample.json": lambda: to_json(sample_result()),
    "sample.txt": lambda: to_console(sample_result()),
    "sample_verbose.txt": lambda: to_console(sample_result(), verbose=True),
    "many.json": lambda: to_json(many_result()),
    "many.txt": lambda: to_console(many_result()),
    "empty.json": lambda: to_json(empty_result()),
    "empty.txt": lambda: to_console(empty_result()),
    "archive.json": lambda: to_json(archive_result()),
    "archive.txt": lambda: to_console(archive_result()),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden(name: str) -> None:
    check_golden(name, GOLDEN_CASES[name]())


# --- JSON contract ----------------------------------------------------------------------------------


def test_json_top_level_and_file_key_order() -> None:
    doc = json.loads(to_json(sample_result()))
    assert list(doc) == ["schema_version", "tool", "profile", "files", "errors", "summary"]
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "sdcscan", "version": "0.1.0"}
    assert list(doc["files"][0]) == ["path", "kind", "verdict", "bytes", "hash", "seconds", "findings"]
    assert list(doc["files"][0]["findings"][0]) == [
        "rule",
        "name",
        "severity",
        "location",
        "message",
        "evidence",
        "fingerprint",
        "accepted",
    ]
    assert list(doc["files"][0]["findings"][0]["location"]) == [
        "path",
        "line",
        "row",
        "column",
        "sheet",
        "cell",
        "member",
        "page",
        "slide",
        "element",
    ]
    assert list(doc["summary"]) == ["files", "pass", "review", "fail", "bytes", "seconds"]


def test_json_render_is_to_dict_with_indent_and_trailing_newline() -> None:
    result = sample_result()
    text = to_json(result)
    assert text.endswith("}\n")
    assert text == json.dumps(json_reporter.to_dict(result), indent=2, ensure_ascii=False) + "\n"
    assert "Christiansø" in text  # ensure_ascii=False: labels stay readable


def test_json_files_by_path_and_findings_by_sort_key() -> None:
    doc = json.loads(to_json(sample_result()))
    assert [f["path"] for f in doc["files"]] == [
        "export/analysis.log",
        "export/broken.sas7bdat",
        "export/notes.md",
        "export/readme.txt",
        "export/res.csv",
        "export/tabel.xlsx",
    ]
    res = doc["files"][4]
    # Location.sort_key: no row (-1) before row 12; without row, column "" before "LopNr".
    assert [(f["rule"], f["location"]["row"], f["location"]["column"]) for f in res["findings"]] == [
        ("MIC001", None, None),
        ("MIC002", None, "LopNr"),
        ("PID001", 12, "pnr"),
    ]


def test_json_finding_fields() -> None:
    doc = json.loads(to_json(sample_result()))
    by_rule = {f["rule"]: f for file in doc["files"] for f in file["findings"]}
    mic002 = by_rule["MIC002"]
    assert mic002["name"] == "identifier-column"
    assert mic002["severity"] == "block"
    assert mic002["location"] == {
        "path": "export/res.csv",
        "line": None,
        "row": None,
        "column": "LopNr",
        "sheet": None,
        "cell": None,
        "member": None,
        "page": None,
        "slide": None,
        "element": None,
    }
    assert mic002["evidence"] == "column 'LopNr': 1 distinct value per row"
    assert re.fullmatch(r"[0-9a-f]{32}", mic002["fingerprint"])
    assert by_rule["COD001"]["severity"] == "info"
    assert by_rule["LOG001"]["location"]["line"] == 40


def test_json_cell_is_an_ordered_object() -> None:
    doc = json.loads(to_json(sample_result()))
    tab001 = next(f for file in doc["files"] for f in file["findings"] if f["rule"] == "TAB001")
    assert tab001["location"]["cell"] == {"OMRÅDE": "Christiansø", "KØN": "Men"}
    assert list(tab001["location"]["cell"]) == ["OMRÅDE", "KØN"]  # the table's dimension order, not sorted
    assert tab001["location"]["sheet"] == "Tabel1"


def test_json_verdicts_summary_errors_and_seconds() -> None:
    doc = json.loads(to_json(sample_result()))
    verdicts = {f["path"]: f["verdict"] for f in doc["files"]}
    assert verdicts == {
        "export/analysis.log": "review",
        "export/broken.sas7bdat": "review",
        "export/notes.md": "pass",  # an info finding does not change the verdict
        "export/readme.txt": "pass",
        "export/res.csv": "fail",
        "export/tabel.xlsx": "review",
    }
    assert doc["summary"] == {
        "files": 6,
        "pass": 2,
        "review": 3,
        "fail": 1,
        "bytes": 11929 + 48211 + 2048 + 310 + 900,
        "seconds": 0.207,
    }
    assert doc["files"][4]["seconds"] == 0.123  # export/res.csv, 0.1234567 rounded to 3 decimals
    assert doc["errors"] == ["export/private: permission denied"]


def test_json_errors_always_present_and_sorted() -> None:
    assert json.loads(to_json(empty_result()))["errors"] == []
    result = ScanResult("0.1.0", "dst", (), 0.0, errors=("b: worker died", "a: permission denied"))
    assert json.loads(to_json(result))["errors"] == ["a: permission denied", "b: worker died"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.5])
def test_json_bad_timings_read_as_zero_and_stay_valid_json(bad: float) -> None:
    result = ScanResult("0.1.0", "dst", (FileResult("a.csv", "csv", 1, (), seconds=bad),), seconds=bad)
    doc = json.loads(to_json(result))
    assert doc["summary"]["seconds"] == 0.0
    assert doc["files"][0]["seconds"] == 0.0
    validate(doc, json_reporter.SCHEMA)


def test_json_ignores_presentation_options() -> None:
    result = many_result()
    out = io.StringIO()
    json_reporter.render(result, out, color=True, verbose=False)
    assert out.getvalue() == to_json(result)
    assert len(json.loads(out.getvalue())["files"][0]["findings"]) == 30  # JSON never truncates


# --- JSON Schema ------------------------------------------------------------------------------------

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_SUPPORTED = {
    "$schema",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "minimum",
    "pattern",
}


def _is_type(value: object, name: str) -> bool:
    if isinstance(value, bool):  # bool is an int in Python, not in JSON
        return name == "boolean"
    return isinstance(value, _JSON_TYPES[name])


def schema_errors(doc: object, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Errors of ``doc`` against ``schema``, for the JSON Schema subset listed in the module docstring."""
    unsupported = set(schema) - _SUPPORTED
    assert not unsupported, f"validator does not support {sorted(unsupported)} (at {where})"
    errors: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(doc, t) for t in types):
            return [f"{where}: {doc!r} is not of type {types}"]
    if "const" in schema and (doc != schema["const"] or type(doc) is not type(schema["const"])):
        errors.append(f"{where}: {doc!r} != const {schema['const']!r}")
    if "enum" in schema and doc not in schema["enum"]:
        errors.append(f"{where}: {doc!r} not in {schema['enum']}")
    if (
        "minimum" in schema
        and isinstance(doc, int | float)
        and not isinstance(doc, bool)
        and doc < schema["minimum"]
    ):
        errors.append(f"{where}: {doc!r} < minimum {schema['minimum']}")
    if "pattern" in schema and isinstance(doc, str) and not re.search(schema["pattern"], doc):
        errors.append(f"{where}: {doc!r} does not match {schema['pattern']}")
    if isinstance(doc, dict):
        props: dict[str, Any] = schema.get("properties", {})
        errors += [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in doc]
        extra = schema.get("additionalProperties", True)
        for key, value in doc.items():
            if key in props:
                errors += schema_errors(value, props[key], f"{where}.{key}")
            elif extra is False:
                errors.append(f"{where}: unexpected key {key!r}")
            elif isinstance(extra, dict):
                errors += schema_errors(value, extra, f"{where}.{key}")
    if isinstance(doc, list) and "items" in schema:
        for i, item in enumerate(doc):
            errors += schema_errors(item, schema["items"], f"{where}[{i}]")
    return errors


def validate(doc: object, schema: dict[str, Any]) -> None:
    errors = schema_errors(doc, schema)
    assert not errors, "\n".join(errors)


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every sub-schema of ``schema`` that describes an object."""
    found = []
    types = schema.get("type")
    if "object" in (types if isinstance(types, list) else [types]):
        found.append(schema)
    for sub in schema.get("properties", {}).values():
        found += _objects(sub)
    if isinstance(schema.get("items"), dict):
        found += _objects(schema["items"])
    return found


@pytest.mark.parametrize("make", [sample_result, many_result, empty_result, archive_result],
                         ids=["sample", "many", "empty", "archive"])
def test_json_validates_against_schema(make: Any) -> None:
    validate(json.loads(to_json(make())), json_reporter.SCHEMA)


def test_schema_is_closed_and_draft_2020_12() -> None:
    schema = json_reporter.SCHEMA
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    records = [obj for obj in _objects(schema) if "properties" in obj]
    maps = [obj for obj in _objects(schema) if "properties" not in obj]
    assert len(records) == 7  # report, tool, file, finding, location, accepted, summary
    for obj in records:
        assert obj["additionalProperties"] is False, obj
        assert set(obj["required"]) == set(obj["properties"]), obj
    # The one open object is location.cell, a map of dimension name -> label: values must be strings.
    finding_schema = schema["properties"]["files"]["items"]["properties"]["findings"]["items"]
    assert maps == [finding_schema["properties"]["location"]["properties"]["cell"]]
    assert maps[0]["additionalProperties"] == {"type": "string"}


def test_schema_keys_match_to_dict_keys() -> None:
    doc = json_reporter.to_dict(sample_result())
    schema = json_reporter.SCHEMA
    file_schema = schema["properties"]["files"]["items"]
    finding_schema = file_schema["properties"]["findings"]["items"]
    assert list(doc) == list(schema["properties"])
    assert list(doc["files"][0]) == list(file_schema["properties"])
    assert list(doc["files"][0]["findings"][0]) == list(finding_schema["properties"])
    assert list(doc["files"][0]["findings"][0]["location"]) == list(
        finding_schema["properties"]["location"]["properties"]
    )


@pytest.mark.parametrize(
    ("path", "value", "complaint"),
    [
        (["extra"], 1, "unexpected key 'extra'"),
        (["schema_version"], 2, "!= const 1"),
        (["schema_version"], True, "!= const 1"),  # a JSON true is not the number 1
        (["files", 0, "verdict"], "maybe", "not in"),
        (["files", 0, "bytes"], -1, "< minimum"),
        (["files", 0, "findings", 0, "severity"], "BLOCK", "not in"),
        (["files", 0, "findings", 0, "rule"], "tab1", "does not match"),
        (["files", 0, "findings", 0, "location", "line"], "40", "is not of type"),
        (["files", 0, "findings", 0, "location", "cell"], {"KØN": 1}, "is not of type"),
        (["files", 0, "findings", 0, "location", "row", None], None, "missing 'row'"),
        (["summary", "seconds"], None, "is not of type"),
    ],
)
def test_schema_validator_rejects_bad_documents(path: list[Any], value: object, complaint: str) -> None:
    doc = json_reporter.to_dict(sample_result())
    target: Any = doc
    *parents, last = path
    if last is None:  # delete the key named by the previous step
        *parents, last = parents
        for step in parents:
            target = target[step]
        del target[last]
    else:
        for step in parents:
            target = target[step]
        target[last] = value
    errors = schema_errors(doc, json_reporter.SCHEMA)
    assert any(complaint in e for e in errors), errors


# --- console ----------------------------------------------------------------------------------------


def test_console_file_header_and_finding_lines() -> None:
    text = to_console(sample_result())
    lines = text.splitlines()
    assert "export/res.csv  csv  FAIL" in lines
    assert "export/tabel.xlsx  xlsx  REVIEW" in lines
    assert "export/notes.md  text  PASS" in lines  # a pass file with an info finding is listed
    assert "  MIC002  block   col LopNr  column name matches an identifier pattern (lopnr)" in lines
    assert "  PID001  block   row 12, col pnr  valid personnummer in a data cell" in lines
    assert "  LOG001  review  line 40  PROC PRINT listing of [REDACTED] observations" in lines
    assert "  MIC001  review  file  file looks like row-level microdata" in lines
    assert (
        "  TAB001  review  sheet Tabel1, cell OMRÅDE=Christiansø, KØN=Men  count under threshold 3 (dst)"
        in lines
    )
    # Evidence on the next line, under the severity column.
    i = lines.index("  MIC002  block   col LopNr  column name matches an identifier pattern (lopnr)")
    assert lines[i + 1] == "          column 'LopNr': 1 distinct value per row"


def test_console_findings_grouped_under_their_file() -> None:
    lines = to_console(sample_result()).splitlines()
    res = lines.index("export/res.csv  csv  FAIL")
    tab = lines.index("export/tabel.xlsx  xlsx  REVIEW")
    rules_between = [
        line.split()[0] for line in lines[res + 1 : tab] if line.startswith("  ") and line[2] != " "
    ]
    assert rules_between == ["MIC001", "MIC002", "PID001"]


def test_console_default_hides_files_without_findings_verbose_shows_them() -> None:
    assert "export/readme.txt" not in to_console(sample_result())
    assert "export/readme.txt  text  PASS" in to_console(sample_result(), verbose=True).splitlines()


def test_console_summary_table_and_total_line() -> None:
    text = to_console(sample_result())
    lines = text.splitlines()
    assert lines[-1] == "6 files scanned in 0.21s: 2 pass, 3 review, 1 fail; 1 scan error"
    table = [
        line.split() for line in lines if line.split()[:1] in (["pass"], ["review"], ["fail"], ["total"])
    ]
    assert table == [
        ["pass", "2", "1.2", "KiB"],
        ["review", "3", "49.1", "KiB"],
        ["fail", "1", "11.6", "KiB"],
        ["total", "6", "61.9", "KiB"],
    ]
    assert "1 scan error:" in lines
    assert "  export/private: permission denied" in lines


def test_console_singular_and_empty() -> None:
    text = to_console(empty_result())
    assert "No files scanned." in text
    assert text.splitlines()[-1] == "0 files scanned in 0.00s: 0 pass, 0 review, 0 fail"
    one = ScanResult("0.1.0", "dst", (FileResult("a.csv", "csv", 10, (), seconds=0.0),), seconds=0.004)
    text = to_console(one)
    assert "No findings." in text
    assert text.splitlines()[-1] == "1 file scanned in 0.00s: 1 pass, 0 review, 0 fail"


def test_console_truncates_at_20_findings_per_file() -> None:
    lines = to_console(many_result()).splitlines()
    shown = [line for line in lines if line.startswith("  TAB001")]
    assert len(shown) == 20
    # Sorted by row (the input came reversed): rows 1..20 shown, 21..30 not.
    assert shown[0].startswith("  TAB001  review  row 1, col antal  ")
    assert shown[-1].startswith("  TAB001  review  row 20, col antal  ")
    assert not any("row 21," in line for line in lines)
    assert "  … and 10 more findings (use -v or --format json)" in lines


def test_console_verbose_shows_all_findings() -> None:
    text = to_console(many_result(), verbose=True)
    shown = [line for line in text.splitlines() if line.startswith("  TAB001")]
    assert len(shown) == 30
    assert shown[-1].startswith("  TAB001  review  row 30, col antal  ")
    assert "more finding" not in text


def test_console_singular_more_finding() -> None:
    assert "  … and 1 more finding (use -v or --format json)" in to_console(many_result(21)).splitlines()
    assert "more finding" not in to_console(many_result(20))


def long_result() -> ScanResult:
    msg = " ".join(["listing"] * 30)  # 239 characters: longer than any width used here
    return ScanResult(
        "0.1.0",
        "dst",
        (
            FileResult(
                "a.txt",
                "text",
                1,
                (
                    finding(
                        "LOG001", "observation-listing", Severity.REVIEW, Location("a.txt", line=1), msg, ""
                    ),
                ),
            ),
        ),
        seconds=0.0,
    )


def test_console_off_terminal_keeps_a_finding_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # COLUMNS would change rich's width; off a terminal the layout ignores it and does not wrap.
    monkeypatch.delenv("COLUMNS", raising=False)
    unset = to_console(long_result())
    monkeypatch.setenv("COLUMNS", "40")
    text = to_console(long_result())
    assert text == unset
    assert "  LOG001  review  line 1  " + " ".join(["listing"] * 30) in text.splitlines()


def test_console_wraps_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = FakeTTY()
    console_reporter.render(long_result(), out, color=False)
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80


# --- escaping -------------------------------------------------------------------------------------

MARKUP = "[bold]x[/bold] and [REDACTED] and [link=https://example.org]y[/link] :smile:"


def markup_result() -> ScanResult:
    path = "export/[red]odd[/red].txt"
    return ScanResult(
        "0.1.0",
        "dst",
        (
            FileResult(
                path,
                "text",
                10,
                (
                    finding(
                        "LOG001",
                        "observation-listing",
                        Severity.REVIEW,
                        Location(path, line=1, column="[b]c[/b]", cell=(("[i]dim", "[REDACTED]"),)),
                        MARKUP,
                        "evidence [dim]e[/dim] [REDACTED]",
                    ),
                ),
            ),
        ),
        seconds=0.0,
        errors=("[bold red]error[/] in [REDACTED]",),
    )


@pytest.mark.parametrize("color", [False, True])
def test_console_prints_markup_like_text_literally(color: bool) -> None:
    text = to_console(markup_result(), color=color)
    plain = SGR.sub("", text)
    assert not ANSI.search(plain)  # styles only: nothing else reached the terminal
    for literal in [
        MARKUP,
        "export/[red]odd[/red].txt",
        "col [b]c[/b]",
        "cell [i]dim=[REDACTED]",
        "evidence [dim]e[/dim] [REDACTED]",
        "[bold red]error[/] in [REDACTED]",
    ]:
        assert literal in plain, literal
    assert "😄" not in text  # emoji codes are content too


def test_console_replaces_control_characters() -> None:
    path = "export/evil\x1b[2J\x07name\n.csv"
    result = ScanResult(
        "0.1.0",
        "dst",
        (
            FileResult(
                path,
                "csv",
                1,
                (
                    finding(
                        "MIC001", "row-level-records", Severity.REVIEW, Location(path), "msg\x1b]0;t\x07", ""
                    ),
                ),
            ),
        ),
        seconds=0.0,
    )
    text = to_console(result)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "export/evil?[2J?name .csv  csv  REVIEW" in text.splitlines()


# --- color ----------------------------------------------------------------------------------------


@pytest.fixture
def clean_color_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TERM", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch


def _console_to(out: io.StringIO, color: bool | None) -> str:
    console_reporter.render(sample_result(), out, color=color)
    return out.getvalue()


def test_color_off_for_non_terminal_by_default(clean_color_env: pytest.MonkeyPatch) -> None:
    assert not ANSI.search(_console_to(io.StringIO(), None))


def test_color_on_for_terminal_by_default(clean_color_env: pytest.MonkeyPatch) -> None:
    assert ANSI.search(_console_to(FakeTTY(), None))


def test_color_false_wins_over_terminal_and_force_color(clean_color_env: pytest.MonkeyPatch) -> None:
    clean_color_env.setenv("FORCE_COLOR", "1")
    clean_color_env.setenv("TTY_COMPATIBLE", "1")
    assert not ANSI.search(_console_to(FakeTTY(), False))
    assert not ANSI.search(_console_to(io.StringIO(), False))
    assert not ANSI.search(_console_to(io.StringIO(), None))  # rich's env guesses do not decide for us


def test_no_color_env_disables_default_color_on_terminal(clean_color_env: pytest.MonkeyPatch) -> None:
    clean_color_env.setenv("NO_COLOR", "1")
    assert not ANSI.search(_console_to(FakeTTY(), None))


def test_empty_no_color_env_is_ignored(clean_color_env: pytest.MonkeyPatch) -> None:
    clean_color_env.setenv("NO_COLOR", "")  # no-color.org: only a non-empty value counts
    assert ANSI.search(_console_to(FakeTTY(), None))


def test_explicit_color_true_beats_no_color(clean_color_env: pytest.MonkeyPatch) -> None:
    # Our choice, after no-color.org: an explicit flag (--color) overrides $NO_COLOR; only the default
    # (color=None) listens to it.
    clean_color_env.setenv("NO_COLOR", "1")
    assert ANSI.search(_console_to(io.StringIO(), True))


def test_explicit_color_true_on_dumb_terminal_uses_basic_colors(clean_color_env: pytest.MonkeyPatch) -> None:
    clean_color_env.setenv("TERM", "dumb")
    assert ANSI.search(_console_to(io.StringIO(), True))
    assert not ANSI.search(_console_to(FakeTTY(), None))  # not forced: a dumb terminal gets none


def test_color_does_not_change_the_text(clean_color_env: pytest.MonkeyPatch) -> None:
    colored = _console_to(io.StringIO(), True)
    assert SGR.sub("", colored) == to_console(sample_result(), color=False)


# --- masking: the canary ----------------------------------------------------------------------------


def canary_result() -> ScanResult:
    """A canary in every place a rule might let one through: evidence, location names, message, error."""
    path = "export/ids.xlsx"
    return ScanResult(
        "0.1.0",
        "dst",
        (
            FileResult(
                path,
                "xlsx",
                100,
                (
                    finding(
                        "PID001",
                        "swedish-personnummer",
                        Severity.BLOCK,
                        Location(
                            path,
                            row=2,
                            column=f"P1234_LopNr_{CANARY}",
                            sheet=f"pnr {CANARY}",
                            cell=((f"dim{CANARY}", f"label {CANARY}"),),
                            element=f"table of {CANARY}",
                        ),
                        f"value {CANARY} is a valid personnummer",
                        f"pnr {CANARY}",
                    ),
                ),
            ),
        ),
        seconds=0.0,
        errors=(f"could not read row of {CANARY}",),
    )


@pytest.mark.parametrize("verbose", [False, True])
def test_canary_never_appears_raw(verbose: bool) -> None:
    result = canary_result()
    assert masking.evidence(f"pnr {CANARY}").text == "pnr xxxxxxxxxx16"
    outputs = {
        "json": to_json(result),
        "console": to_console(result, verbose=verbose),
        "console-color": to_console(result, color=True, verbose=verbose),
    }
    for fmt, text in outputs.items():
        assert CANARY not in text, fmt
        assert CANARY[2:] not in text, fmt  # nor the 10-digit form without the century
        # Rendered, not dropped: the masked form (last two digits kept) is there to find the place.
        assert "pnr xxxxxxxxxx16" in text, fmt
        assert "P1234_LopNr_xxxxxxxxxx16" in text, fmt


def test_canary_masked_in_every_json_location_field() -> None:
    doc = json.loads(to_json(canary_result()))
    found = doc["files"][0]["findings"][0]
    assert found["location"] == {
        "path": "export/ids.xlsx",
        "line": None,
        "row": 2,
        "column": "P1234_LopNr_xxxxxxxxxx16",
        "sheet": "pnr xxxxxxxxxx16",
        "cell": {"dimxxxxxxxxxx16": "label xxxxxxxxxx16"},
        "member": None,
        "page": None,
        "slide": None,
        "element": "table of xxxxxxxxxx16",
    }
    assert found["message"] == "value xxxxxxxxxx16 is a valid personnummer"
    assert doc["errors"] == ["could not read row of xxxxxxxxxx16"]


def test_masking_is_idempotent_so_masked_labels_are_unchanged() -> None:
    doc = json.loads(to_json(sample_result()))
    tab001 = next(f for file in doc["files"] for f in file["findings"] if f["rule"] == "TAB001")
    assert tab001["location"]["cell"] == {"OMRÅDE": "Christiansø", "KØN": "Men"}
    already = masking.mask_label(f"label {CANARY}")
    assert masking.mask_label(already) == already


# --- determinism ------------------------------------------------------------------------------------


def shuffled(result: ScanResult, data: st.DataObject) -> ScanResult:
    files = data.draw(st.permutations(result.files))
    return ScanResult(
        result.tool_version,
        result.profile,
        tuple(
            dataclasses.replace(f, findings=tuple(data.draw(st.permutations(f.findings))))
            for f in files
        ),
        result.seconds,
        tuple(data.draw(st.permutations(result.errors))),
    )


@settings(max_examples=25, deadline=None, database=None)  # no .hypothesis/ example database
@given(data=st.data())
def test_output_independent_of_input_order(data: st.DataObject) -> None:
    base = ScanResult(
        "0.1.0",
        "dst",
        (*sample_result().files, *many_result(25).files),
        seconds=1.0,
        errors=("b error", "a error", "c error"),
    )
    mixed = shuffled(base, data)
    assert to_json(mixed) == to_json(base)
    assert to_console(mixed) == to_console(base)
    assert to_console(mixed, verbose=True) == to_console(base, verbose=True)


def test_findings_tied_on_sort_key_still_have_a_fixed_order() -> None:
    loc = Location("a.csv", row=1)
    one = Finding("TAB001", "small-cell", Severity.REVIEW, loc, "b message", masking.note("x"), "f")
    two = Finding("TAB001", "small-cell", Severity.REVIEW, loc, "a message", masking.note("x"), "f")
    results = [
        ScanResult("0.1.0", "dst", (FileResult("a.csv", "csv", 1, order),), 0.0)
        for order in [(one, two), (two, one)]
    ]
    assert to_json(results[0]) == to_json(results[1])
    assert to_console(results[0]) == to_console(results[1])


# --- dispatch ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(Format))
def test_render_dispatches_by_format(fmt: Format) -> None:
    result = sample_result()
    out = io.StringIO()
    render(result, fmt, out, color=False)
    if fmt in (Format.JSON, Format.CONSOLE):
        expected = to_json(result) if fmt is Format.JSON else to_console(result)
    else:  # the other formats' modules, each rendering the same result (ACRO's timestamp is "now")
        module = importlib.import_module(f"scanner.reporters.{fmt.value}")
        direct = io.StringIO()
        module.render(result, direct)
        expected = direct.getvalue()
        if fmt is Format.ACRO:
            stamp = re.compile(r'"timestamp": "[^"]*"')
            expected, actual = stamp.sub("", expected), stamp.sub("", out.getvalue())
            assert actual == expected
            return
    assert out.getvalue() == expected


def test_render_passes_verbose_to_console() -> None:
    out = io.StringIO()
    render(many_result(), Format.CONSOLE, out, color=False, verbose=True)
    assert out.getvalue() == to_console(many_result(), verbose=True)


def test_format_values() -> None:
    assert Format("console") is Format.CONSOLE
    assert Format("json") is Format.JSON
    assert [str(f) for f in Format] == ["console", "json", "sarif", "html", "acro"]


def test_import_is_cheap() -> None:
    code = (
        "import sys, scanner.reporters\n"
        "heavy = ('rich', 'scanner.reporters.console', 'scanner.reporters.json')\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.startswith('rich.')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


# --- archives ----------------------------------------------------------------------------------------


def test_json_archive_members_hash_and_member_location() -> None:
    doc = json.loads(to_json(archive_result()))
    by_path = {f["path"]: f for f in doc["files"]}
    assert list(by_path) == ["export/a.zip", "export/a.zip!dir/t.csv", "export/a.zip!secret.csv", "export/b.tar.gz",
                             "export/b.tar.gz!ok.csv"]
    assert by_path["export/a.zip"]["verdict"] == "fail" and by_path["export/a.zip"]["findings"] == []
    assert by_path["export/a.zip"]["hash"] == "blake3:" + "ab" * 32
    assert by_path["export/a.zip!secret.csv"]["hash"] is None
    loc = by_path["export/a.zip!dir/t.csv"]["findings"][0]["location"]
    assert (loc["path"], loc["member"], loc["row"]) == ("export/a.zip", "dir/t.csv", 2)
    assert by_path["export/b.tar.gz"]["verdict"] == "review"  # its own finding; its members pass


def test_console_archive_verdict_from_members_and_member_locations() -> None:
    lines = to_console(archive_result()).splitlines()
    i = lines.index("export/a.zip  zip  FAIL")
    assert lines[i + 1] == "  verdict from its members (listed as its path followed by !member)"
    assert "export/a.zip!dir/t.csv  csv  FAIL" in lines
    # The member's own findings do not repeat its path; a finding about another member names it.
    assert "  TAB001  block   row 2, col n  count under threshold 3 (dst)" in lines
    assert console_reporter._where(Location("export/a.zip", member="b.csv"), "export/a.zip") == "export/a.zip!b.csv"
    assert console_reporter._where(Location("export/a.zip", member="b.csv"), "export/a.zip!b.csv") == "file"
    assert "export/b.tar.gz!ok.csv" not in lines  # a passing member is listed with -v only


def test_member_sorts_with_its_location() -> None:
    a = Location("export/a.zip", row=5)
    b = Location("export/a.zip", row=1, member="b.csv")
    assert sorted([b, a], key=Location.sort_key) == [a, b]
    assert b.display_path == "export/a.zip!b.csv" and a.display_path == "export/a.zip"
