"""The SARIF 2.1.0 report: valid against the official schema, rule metadata from the docstrings, results
with level, masked message, location and fingerprint, no snippets, nested artifacts for archive members.

The schema is tests/data/sarif-schema-2.1.0.json, vendored unchanged from the OASIS SARIF repository
(github.com/oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json; see tests/data/README.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Location, ScanResult, Severity
from scanner.reporters import Format, doc_text, render
from scanner.reporters import json as json_reporter
from scanner.reporters import sarif as sarif_reporter
from scanner.rules.registry import all_rules, get_rule
from tests.conftest import EXAMPLE, REPO
from tests.test_reporters import archive_result, check_golden, finding, sample_result

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def to_sarif(result: ScanResult) -> dict[str, Any]:
    out = io.StringIO()
    render(result, Format.SARIF, out)
    text = out.getvalue()
    assert text.endswith("}\n")
    doc: dict[str, Any] = json.loads(text)
    return doc


def schema_errors(doc: object) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def walk(node: object) -> list[tuple[str, object]]:
    """Every (key, value) pair in a JSON document, at any depth."""
    pairs: list[tuple[str, object]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            pairs.append((key, value))
            pairs.extend(walk(value))
    elif isinstance(node, list):
        for item in node:
            pairs.extend(walk(item))
    return pairs


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """A real scan: the example export request plus a zip with a small-cell table and a log with a line."""
    root = tmp_path_factory.mktemp("sarif") / "export"
    shutil.copytree(EXAMPLE, root)
    with zipfile.ZipFile(root / "more.zip", "w") as zf:
        zf.writestr("dir/t.csv", "region;koen;antal\nNord;M;120\nNord;K;2\nSyd;M;55\nSyd;K;40\n")
    return api.scan([root], load_config(None))


def test_golden() -> None:
    # The rules' texts are the registry's (checked below); the golden file keeps their ids only, so a
    # docstring edit does not need a new golden file.
    doc = to_sarif(sample_result())
    driver = doc["runs"][0]["tool"]["driver"]
    driver["rules"] = [rule["id"] for rule in driver["rules"]]
    check_golden("sample.sarif.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def test_vendored_schema_is_the_official_file() -> None:
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"] == sarif_reporter.SARIF_SCHEMA_URI


def test_validator_rejects_a_broken_log() -> None:
    # A pass below means something only if the validator can fail.
    doc = to_sarif(sample_result())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    del doc["runs"][0]["tool"]["driver"]["name"]
    errors = schema_errors(doc)
    assert any("fatal" in e for e in errors) and any("'name' is a required property" in e for e in errors)


@pytest.mark.parametrize("make", [sample_result, archive_result], ids=["sample", "archive"])
def test_hand_built_results_validate(make: Any) -> None:
    assert schema_errors(to_sarif(make())) == []


def test_real_scan_validates(scanned: ScanResult) -> None:
    doc = to_sarif(scanned)
    assert schema_errors(doc) == []
    assert doc["version"] == "2.1.0" and doc["$schema"] == sarif_reporter.SARIF_SCHEMA_URI
    run = doc["runs"][0]
    assert len(run["results"]) == sum(len(f.findings) for f in scanned.files) > 0


def test_rule_metadata_comes_from_the_docstrings() -> None:
    doc = to_sarif(sample_result())
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    specs = all_rules()
    assert [r["id"] for r in rules] == [s.code for s in specs]
    level = {Severity.BLOCK: "error", Severity.REVIEW: "warning", Severity.INFO: "note"}
    for rule, spec in zip(rules, specs, strict=True):
        assert rule["name"] == spec.name
        assert rule["shortDescription"]["text"] == doc_text(spec.summary)
        assert rule["help"]["text"] == doc_text(spec.doc)
        assert rule["defaultConfiguration"]["level"] == level[spec.severity]
        full = rule["fullDescription"]["text"]
        assert full.startswith("What it flags: "), spec.code
        assert "Why it is disclosive: " in full, spec.code
        # What the rule flags, word for word from the docstring's paragraph (line breaks joined).
        flags = next(p for p in doc_text(spec.doc).split("\n\n") if p.startswith("What it flags: "))
        assert " ".join(line.strip() for line in flags.splitlines()) in full


def test_example_numbers_in_rule_docs_are_masked() -> None:
    # PID001's docstring shows a valid personnummer as its example; the report shows it masked.
    assert "19880320-0016" in get_rule("PID001").doc
    text = json.dumps(to_sarif(sample_result()), ensure_ascii=False)
    assert "19880320-0016" not in text and "198803200016" not in text
    assert "`deleted pnr=xxxxxxxx-xx16`" in text
    assert "`Bornholm;2;301.200;288.100;314.300`" in text  # decimals are not identifiers: kept
    assert doc_text("cvr DK12345678 and 2012 and 22.150.000") == "cvr DKxxxxxx78 and 2012 and 22.150.000"


def test_results_level_message_location_fingerprint() -> None:
    result = sample_result()
    doc = to_sarif(result)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_fp = {r["partialFingerprints"][sarif_reporter.FINGERPRINT_KEY]: r for r in run["results"]}
    findings = [f for file in result.files for f in file.findings]
    assert len(by_fp) == len(findings)
    for f in findings:
        r = by_fp[f.fingerprint]
        assert r["ruleId"] == f.rule and rules[r["ruleIndex"]]["id"] == f.rule
        assert r["level"] == {"block": "error", "review": "warning", "info": "note"}[f.severity.label]
        assert r["properties"]["evidence"] == f.evidence.text
        assert f.evidence.text in r["message"]["text"]
        physical = r["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == f.location.path
        assert physical["artifactLocation"]["uriBaseId"] == sarif_reporter.URI_BASE_ID
        if f.location.line is not None:
            assert physical["region"] == {"startLine": f.location.line}
        else:
            assert "region" not in physical
    # PID001 in export/res.csv row 12, column pnr: row and column as properties and a logical location.
    pid = next(r for r in run["results"] if r["ruleId"] == "PID001")
    assert pid["locations"][0]["properties"] == {"row": 12, "column": "pnr"}
    assert {"name": "pnr", "kind": "column"} in pid["locations"][0]["logicalLocations"]
    # TAB001 in a sheet, at a table cell.
    tab = next(r for r in run["results"] if r["ruleId"] == "TAB001")
    kinds = {ll["kind"]: ll["name"] for ll in tab["locations"][0]["logicalLocations"]}
    assert kinds == {"sheet": "Tabel1", "cell": "OMRÅDE=Christiansø, KØN=Men"}


def test_no_snippet_or_source_text_anywhere(scanned: ScanResult) -> None:
    doc = to_sarif(scanned)
    keys = {key for key, _ in walk(doc)}
    assert not keys & {"snippet", "contextRegion", "sourceLanguage", "contents"}


def test_file_verdicts_and_nested_archive_members() -> None:
    result = archive_result()
    doc = to_sarif(result)
    artifacts = doc["runs"][0]["artifacts"]
    by_path = {a["properties"]["path"]: (i, a) for i, a in enumerate(artifacts)}
    assert list(by_path) == sorted(f.path for f in result.files)
    for file in result.files:
        i, a = by_path[file.path]
        assert a["properties"]["verdict"] == file.verdict.value
        assert a["properties"]["kind"] == file.kind and a["length"] == file.bytes
        assert a["location"]["index"] == i
    zip_index, top = by_path["export/a.zip"]
    assert top["location"] == {"uri": "export/a.zip", "uriBaseId": "SCANROOT", "index": zip_index}
    assert "parentIndex" not in top
    _, member = by_path["export/a.zip!dir/t.csv"]
    assert member["parentIndex"] == zip_index
    assert member["location"]["uri"] == "dir/t.csv" and "uriBaseId" not in member["location"]
    # The member's finding points at the archive on disk, the member as a logical location.
    tab = next(r for r in doc["runs"][0]["results"] if r["ruleId"] == "TAB001")
    loc = tab["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["index"] == zip_index
    assert {"name": "dir/t.csv", "kind": "archive-member"} in loc["logicalLocations"]
    assert loc["properties"]["member"] == "dir/t.csv"


def test_real_archive_member_is_nested(scanned: ScanResult) -> None:
    doc = to_sarif(scanned)
    artifacts = doc["runs"][0]["artifacts"]
    by_path = {a["properties"]["path"]: (i, a) for i, a in enumerate(artifacts)}
    zip_index, _ = by_path["export/more.zip"]
    _, member = by_path["export/more.zip!dir/t.csv"]
    assert member["parentIndex"] == zip_index and member["properties"]["verdict"] == "fail"
    tab = [r for r in doc["runs"][0]["results"] if r["locations"][0].get("properties", {}).get("member")]
    assert tab and all(r["ruleId"] == "TAB001" for r in tab)


def test_uris_are_percent_encoded() -> None:
    path = "export/a b#c?d%e:f.csv"
    hostile = "export/<script>alert(1)</script>.csv"
    files = (
        FileResult(path, "csv", 10, (finding("MIC001", "row-level-records", Severity.BLOCK, Location(path),
                                             "rows", "1 row"),)),
        FileResult(hostile, "csv", 10, ()),
        FileResult("export/Ærø/ø.csv", "csv", 10, ()),
    )
    doc = to_sarif(ScanResult("0.1.0", "dst", files, 0.1))
    uris = [a["location"]["uri"] for a in doc["runs"][0]["artifacts"]]
    assert uris == ["export/%3Cscript%3Ealert%281%29%3C/script%3E.csv", "export/a%20b%23c%3Fd%25e%3Af.csv",
                    "export/%C3%86r%C3%B8/%C3%B8.csv"]
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uris[1]
    assert schema_errors(doc) == []


def test_errors_become_notifications_and_summary_in_properties() -> None:
    doc = to_sarif(sample_result())
    run = doc["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        "export/private: permission denied"
    ]
    # The same summary as the JSON report's (one ScanResult, two renderings).
    assert run["properties"]["summary"] == json_reporter.to_dict(sample_result())["summary"]
    assert run["properties"]["summary"]["fail"] == 1 and run["properties"]["summary"]["review"] == 3
    assert run["properties"]["profile"] == "dst"


def test_deterministic_whatever_the_order_of_files_and_findings() -> None:
    result = sample_result()
    rng = random.Random(7)
    files = [dataclasses.replace(f, findings=tuple(rng.sample(f.findings, len(f.findings)))) for f in result.files]
    rng.shuffle(files)
    shuffled = dataclasses.replace(result, files=tuple(files))
    first, second = io.StringIO(), io.StringIO()
    render(result, Format.SARIF, first)
    render(shuffled, Format.SARIF, second)
    assert first.getvalue() == second.getvalue()


def test_cli_format_sarif(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", str(EXAMPLE), "--format", "sarif", "-o", str(out), "-q"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr  # the example has findings on purpose
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(doc) == []
    results = doc["runs"][0]["results"]
    assert any(r["ruleId"] == "MIC002" and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               == "export-request/udtraek_personer.csv" for r in results)


def test_an_accepted_finding_is_a_suppressed_result() -> None:
    """A finding a checker accepted (`sdcscan approve`) is a result with an accepted external suppression."""
    import dataclasses

    from scanner.findings import Acceptance

    result = sample_result()
    first = result.files[0]
    accepted = dataclasses.replace(first.findings[0], accepted=Acceptance("checker", "2026-12-04T10:00:00+00:00",
                                                                          "published by DST"))
    files = (dataclasses.replace(first, findings=(accepted, *first.findings[1:])), *result.files[1:])
    doc = to_sarif(dataclasses.replace(result, files=files))
    assert schema_errors(doc) == []
    suppressed = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert len(suppressed) == 1
    [s] = suppressed[0]["suppressions"]
    assert s["kind"] == "external" and s["status"] == "accepted" and s["justification"] == "published by DST"
    assert suppressed[0]["partialFingerprints"]["sdcscan/v1"] == accepted.fingerprint
