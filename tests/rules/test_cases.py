"""One parametrized test runs every case in ``tests/rules/cases/<CODE>.toml``.

A case file holds named cases, each a tiny input file and what the rule must (or must not) report:

    [[case]]
    name = "small-cell-in-long-table"   # unique within the file
    expect = "fail"                      # "fail": the rule reports; "pass": it does not
    file = "t.csv"                       # the name decides the kind (.csv, .txt, .parquet, .bin...)
    content = '''...'''                  # text; for .parquet the text is CSV converted to Parquet
    profile = "acro"                     # optional
    options = { min_rows = 5 }           # optional options for the rule under test
    count = 2                            # optional: exact number of findings
    columns = ["n"]                      # optional: columns that must be named by findings
    rows = [3]                           # optional: data rows that must be named
    severity = "review"                  # optional: the severity every finding must have

Only the rule under test runs (``--select CODE``), so cases do not depend on each other's rules.

Rules that read tables built from microdata (``sdcscan table``) take the microdata as ``content`` and
the table to build as ``table = { by = ["region", "industry"], value = "turnover", unit = "firm" }``
(``stat`` optional); ``check`` holds an exported table for ``--check``. TAB004 cases run every TAB rule
(it audits the cells the others flag) and look only at TAB004's findings; TAB004 cases without ``table``
scan a published table (``sdcscan scan``) and audit its suppressed cells against its own totals.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from scanner import api
from scanner.config import load_config
from scanner.rules.registry import all_rules

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        code = path.stem
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        names = set()
        for case in data["case"]:
            assert case["name"] not in names, f"{path.name}: duplicate case name {case['name']}"
            names.add(case["name"])
            params.append(pytest.param(code, case, id=f"{code}-{case['name']}"))
    return params


def _site_rules(tmp_path: Path, code: str, options: dict[str, Any]) -> Path | None:
    if not options:
        return None
    lines = [f"[rules.{code}]"]
    for key, value in options.items():
        if isinstance(value, str):
            lines.append(f"{key} = {value!r}".replace("'", '"'))
        elif isinstance(value, bool):
            lines.append(f"{key} = {str(value).lower()}")
        elif isinstance(value, list):
            items = ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value)
            lines.append(f"{key} = [{items}]")
        else:
            lines.append(f"{key} = {value}")
    path = tmp_path / "site-rules.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_rule_has_cases() -> None:
    codes = {s.code for s in all_rules()}
    with_cases = {p.stem for p in CASES_DIR.glob("*.toml")}
    assert codes <= with_cases, f"rules without a case file: {sorted(codes - with_cases)}"
    for path in CASES_DIR.glob("*.toml"):
        cases = tomllib.loads(path.read_text(encoding="utf-8"))["case"]
        kinds = {c["expect"] for c in cases}
        assert kinds == {"pass", "fail"}, f"{path.name} needs both pass and fail cases"


@pytest.mark.parametrize(("code", "case"), _load_cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    target = export / case["file"]
    content: str = case.get("content", "")
    if target.suffix == ".parquet":
        csv_path = tmp_path / "source.csv"
        csv_path.write_text(content.lstrip("\n"), encoding="utf-8")
        pq.write_table(pacsv.read_csv(csv_path), target)
    elif "content_hex" in case:
        target.write_bytes(bytes.fromhex(case["content_hex"]))
    else:
        target.write_text(content.lstrip("\n"), encoding=case.get("encoding", "utf-8"))
    config = load_config(_site_rules(tmp_path, code, case.get("options", {})),
                         profile=case.get("profile"), select=["TAB"] if code == "TAB004" else [code])
    if "table" in case:
        findings = _table_findings(code, case, target, export, config)
    else:
        result = api.scan([export], config, jobs=1)
        findings = [f for f in result.findings() if f.rule == code]
    detail = [(f.location, f.message) for f in findings]
    if case["expect"] == "pass":
        assert not findings, f"{code} should not report on {case['name']}: {detail}"
        return
    assert findings, f"{code} should report on {case['name']}"
    for f in findings:
        assert f.location.path == (f"export/{case['file']}" if "table" not in case else
                                   ("export.csv" if "check" in case else case["file"]))
    if "count" in case:
        assert len(findings) == case["count"], detail
    for column in case.get("columns", []):
        assert any(f.location.column == column for f in findings), f"no finding names column {column}: {detail}"
    for row in case.get("rows", []):
        assert any(f.location.row == row for f in findings), f"no finding names row {row}: {detail}"
    if "severity" in case:
        assert all(f.severity.label == case["severity"] for f in findings), detail


def _table_findings(code: str, case: dict[str, Any], data: Path, export: Path, config: Any) -> list[Any]:
    from scanner.tables.compute import Stat, TableSpec

    spec_in = case["table"]
    value = spec_in.get("value")
    stat = Stat(spec_in.get("stat", "sum" if value else "count"))
    spec = TableSpec(tuple(spec_in["by"]), value=value, unit=spec_in.get("unit"), stat=stat)
    check = None
    if "check" in case:
        check = export.parent / "export.csv"
        check.write_text(case["check"].lstrip("\n"), encoding="utf-8")
    result = api.table(data, spec, config, check=check)
    return [f for f in result.findings if f.rule == code]
