"""ACRO's ``results.json`` layout, so an output checker can open a scanned export request in SACRO-Viewer.

The layout is ACRO's (AI-SDC/ACRO ``acro/record.py``: ``Records.finalise_json`` writes it, ``load_records``
reads it back) as SACRO-Viewer (opensafely-core/sacro ``sacro/views.py`` and ``assets/src/scripts``) shows
it::

    {"version": "1.0.2", "tool": {"@type": "SoftwareApplication", "name": "sdcscan", ...},
     "results": {"export/tab.csv": {"uid": ..., "status": "fail", "type": "table",
                 "properties": {"method": "csv", ...}, "files": [{"name": "export/tab.csv", "sdc": {...}}],
                 "outcome": {...}, "command": ..., "summary": "fail; TAB001 small-cell: 1; ",
                 "timestamp": ..., "comments": [...], "exception": "", "fair": {}}}}

One output per scanned file (an archive member is an output of its own whose file is the archive on
disk, with the member in ``properties``):

- ``status``: the verdict (pass, review, fail: the same three words as ACRO's).
- ``type``: ``table`` for tabular kinds, ``custom`` (ACRO's word for an output it did not make) otherwise;
  ``properties.method`` is the file kind, so the viewer shows "csv table" or "png custom".
- ``files``: the file's path, relative to the parent of the scanned root: save ``results.json`` in the
  folder that holds the scanned folder and the viewer finds the files. ``sdc``: ACRO's per-check
  ``summary`` (findings per rule code) and ``cells`` (per rule code, ``[row, column]`` of each flagged
  cell: the 0-based data row, as ACRO's row position, and the column's (masked) name where ACRO has the
  column's position: the scan names columns, it does not number them).
- ``outcome``: for a CSV file, ACRO's table of checks, column name -> row -> ``"ok"`` or the reasons
  (``"TAB001 small-cell; "``): SACRO-Viewer highlights those cells when it shows the CSV. The viewer
  reads rows by position, so each flagged column lists every row up to its last flagged one.
- ``summary``: ``"<status>; <code> <name>: <count>; ..."``, split by the viewer at ``"; "``.
- ``comments``: one masked reason per finding (rule, severity, location, message, evidence), at most
  :data:`MAX_COMMENTS` per file and a line saying how many more the JSON report holds.
- ``timestamp``: when the report was written (ISO 8601, local time with offset; ``SOURCE_DATE_EPOCH``
  fixes it); ``exception``: empty
  (a researcher's request for an exception is not part of a scan); ``command``: the scan and profile,
  never a line of the researcher's code (ACRO copies one, and with it any ID in a filter).

SACRO-Viewer puts ``comments``, ``exception``, the parts of ``summary``, the ``outcome`` reasons and the
output's name into the page as HTML (``innerHTML``), so every such string here is HTML-escaped
(``&lt;`` shows as ``<`` there) and a hostile file name or label cannot run script in the viewer. Output
names are the file paths when those hold no HTML-special character, else ``output_<n>`` (``n`` is the
file's position in path order).

``version`` is the ACRO release whose layout this follows (:data:`ACRO_LAYOUT_VERSION`): ACRO's
``load_records`` refuses any other, and SACRO-Viewer only displays it; ``tool`` says who wrote the file.
"""

from __future__ import annotations

import datetime
import functools
import html
import json
import os
from collections import Counter
from typing import Any, TextIO

from scanner.findings import FileResult, Finding, ScanResult
from scanner.lazy_regex import lazy_compile
from scanner.reporters import location_text, ordered_files, parent_paths, safe_location, safe_text

__all__ = ["ACRO_LAYOUT_VERSION", "MAX_COMMENTS", "MAX_OUTCOME_ROWS", "render", "to_dict", "written_as_table"]

ACRO_LAYOUT_VERSION = "1.0.2"
"""The ACRO release whose ``results.json`` layout is written (checked against ACRO's loader in a test)."""

MAX_COMMENTS = 200
"""Reasons listed per output; the rest are counted in a last comment (the JSON report has all)."""

MAX_OUTCOME_ROWS = 100_000
"""A CSV whose flagged rows go beyond this gets no ``outcome`` (the viewer reads it row by row)."""


@functools.cache
def _table_kind_names() -> frozenset[str]:
    from scanner.api import table_kinds

    return frozenset(kind.value for kind in table_kinds())


def written_as_table(kind: str) -> bool:
    """Whether a file of ``kind`` is written as ACRO ``type`` ``table`` (its content is read as tables: the
    engine's table formats and workbooks); everything else is ``custom``."""
    return kind in _table_kind_names()


# Output names a viewer can put into HTML as they are: letters, digits, and path punctuation.
_PLAIN_NAME = lazy_compile(r"[\w .,/!+()\[\]=@#%~^{}$;:-]+")


def _h(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped: SACRO-Viewer inserts these strings as HTML text (element content,
    never an attribute), where those three are all that can start markup."""
    return html.escape(text, quote=False)


def _timestamp() -> str:
    """Now, or ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).isoformat(timespec="seconds")
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def _is_csv(file: FileResult) -> bool:
    # SACRO-Viewer renders a file as a table by its extension; the outcome is only useful there.
    return file.kind == "csv" and file.path.lower().endswith(".csv") and "!" not in file.path


def _cell_findings(file: FileResult, findings: list[Finding]) -> list[tuple[Finding, int, str]]:
    """Findings that point at one cell of a plain table: (finding, 0-based data row, masked column)."""
    out = []
    for finding in findings:
        loc = safe_location(finding.location)
        if loc.row is None or loc.row < 1 or loc.column is None or loc.sheet is not None:
            continue
        if loc.display_path != file.path:
            continue
        out.append((finding, loc.row - 1, loc.column))
    return out


def _sdc(cells: list[tuple[Finding, int, str]], findings: list[Finding]) -> dict[str, Any]:
    if not findings:
        return {}
    summary = Counter(f.rule for f in findings)
    positions: dict[str, list[list[int | str]]] = {code: [] for code in sorted(summary)}
    for finding, row, column in cells:
        positions[finding.rule].append([row, column])
    return {"summary": {code: summary[code] for code in sorted(summary)}, "cells": positions}


def _outcome(cells: list[tuple[Finding, int, str]]) -> dict[str, dict[str, str]]:
    reasons: dict[str, dict[int, list[str]]] = {}
    for finding, row, column in cells:
        tag = _h(f"{finding.rule} {finding.name}")
        listed = reasons.setdefault(column, {}).setdefault(row, [])
        if tag not in listed:
            listed.append(tag)
    if not reasons or max(max(rows) for rows in reasons.values()) >= MAX_OUTCOME_ROWS:
        return {}
    outcome: dict[str, dict[str, str]] = {}
    for column in sorted(reasons):
        rows = reasons[column]
        outcome[column] = {
            str(i): ("".join(f"{r}; " for r in rows[i]) if i in rows else "ok") for i in range(max(rows) + 1)
        }
    return outcome


def _comments(file: FileResult, findings: list[Finding]) -> list[str]:
    comments = []
    for finding in findings[:MAX_COMMENTS]:
        where = location_text(finding.location, file.path)
        text = f"{finding.rule} {finding.name} ({finding.severity.label}), {where}: {safe_text(finding.message)}"
        if finding.evidence.text:
            text += f" [{finding.evidence.text}]"
        comments.append(_h(text))
    hidden = len(findings) - MAX_COMMENTS
    if hidden > 0:
        comments.append(_h(f"... and {hidden} more findings: see the JSON, SARIF or HTML report."))
    return comments


def _summary(file: FileResult, findings: list[Finding]) -> str:
    counts = Counter((f.rule, f.name) for f in findings)
    parts = [file.verdict.value] + [f"{code} {name}: {n}" for (code, name), n in sorted(counts.items())]
    if not findings and file.verdict.value != "pass":
        parts.append("verdict from its archive members")
    return _h("".join(f"{p}; " for p in parts))


def _output_name(file: FileResult, position: int, taken: set[str]) -> str:
    name = file.path
    if not _PLAIN_NAME.fullmatch(name) or name in taken:
        name = f"output_{position}"
    taken.add(name)
    return name


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The ``results.json`` document as plain data."""
    timestamp = _timestamp()
    parents = parent_paths(result)
    outputs: dict[str, Any] = {}
    taken: set[str] = set()
    command = _h(f"sdcscan scan --profile {result.profile}")
    for position, (file, findings) in enumerate(ordered_files(result)):
        top = file.path
        while parents.get(top) is not None:
            top = parents[top] or top
        cells = _cell_findings(file, findings)
        properties: dict[str, Any] = {
            "method": file.kind,
            "path": file.path,
            "verdict": file.verdict.value,
            "bytes": file.bytes,
            "hash": file.hash,
            "findings": len(findings),
        }
        if top != file.path:
            properties["archive"] = top
            properties["member"] = file.path[len(top) + 1 :]
        name = _output_name(file, position, taken)
        outputs[name] = {
            "uid": name,
            "status": file.verdict.value,
            "type": "table" if written_as_table(file.kind) else "custom",
            "properties": properties,
            "files": [{"name": top, "sdc": _sdc(cells, findings)}],
            "outcome": _outcome(cells) if _is_csv(file) else {},
            "command": command,
            "summary": _summary(file, findings),
            "timestamp": timestamp,
            "comments": _comments(file, findings),
            "exception": "",
            "fair": {},
        }
    return {
        "version": ACRO_LAYOUT_VERSION,
        "tool": {"@type": "SoftwareApplication", "name": "sdcscan", "version": result.tool_version},
        "results": outputs,
    }


def render(result: ScanResult, out: TextIO, *, color: bool | None = None, verbose: bool = False) -> None:
    """Write ``results.json`` (4-space indent as ACRO writes it, UTF-8). ``color``/``verbose`` are ignored."""
    del color, verbose
    out.write(json.dumps(to_dict(result), indent=4, ensure_ascii=False, allow_nan=False))
    out.write("\n")
