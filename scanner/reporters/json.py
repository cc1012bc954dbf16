"""The JSON report: the machine-readable contract (``schema_version`` 1).

Shape and key order are fixed (see :data:`SCHEMA`); files are in path order and findings in
``Finding.sort_key()`` order, so two scans of the same files give byte-identical reports apart from timings
and the tool version. A consumer must check ``schema_version`` before reading anything else.
"""

from __future__ import annotations

import json
import math
from typing import Any, TextIO

from scanner.findings import FileResult, Finding, Location, ScanResult, Severity, Verdict
from scanner.reporters import ordered_files, safe_location, safe_text

__all__ = ["SCHEMA", "SCHEMA_VERSION", "render", "to_dict"]

SCHEMA_VERSION = 1
TOOL_NAME = "sdcscan"


def _seconds(value: float) -> float:
    # Timings are for people, not for diffing: 3 decimals. A clock glitch (negative, NaN) must not make
    # the report invalid JSON (json.dumps would write NaN) or fail the export check, so it reads as 0.
    if not math.isfinite(value) or value < 0:
        return 0.0
    return round(value, 3)


def _location(location: Location) -> dict[str, Any]:
    loc = safe_location(location)
    return {
        "path": loc.path,
        "line": loc.line,
        "row": loc.row,
        "column": loc.column,
        "sheet": loc.sheet,
        # Pairs in table-dimension order; dicts keep insertion order, and so does json.dumps.
        "cell": None if loc.cell is None else dict(loc.cell),
        # Inside an archive: the member's path in the file at `path` (nested archives joined by "!").
        "member": loc.member,
        # In a document: the PDF page, the slide, and a value-free name of the part ("table 2", "comment 1").
        "page": loc.page,
        "slide": loc.slide,
        "element": loc.element,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    out = {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.label,
        "location": _location(finding.location),
        "message": safe_text(finding.message),
        "evidence": finding.evidence.text,
        "fingerprint": finding.fingerprint,
    }
    a = finding.accepted
    out["accepted"] = None if a is None else {"who": safe_text(a.who), "when": a.when, "reason": safe_text(a.reason)}
    return out


def _file(file: FileResult, findings: list[Finding]) -> dict[str, Any]:
    return {
        "path": file.path,
        "kind": file.kind,
        "verdict": file.verdict.value,
        "bytes": file.bytes,
        "hash": file.hash,
        "seconds": _seconds(file.seconds),
        "findings": [_finding(f) for f in findings],
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The report as plain data (dicts, lists, str, int, float, None), in the contract's key order."""
    counts = result.counts
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "profile": result.profile,
        "files": [_file(f, findings) for f, findings in ordered_files(result)],
        # Sorted: errors come from parallel workers in whatever order they finish.
        "errors": sorted(safe_text(e) for e in result.errors),
        "summary": {
            "files": len(result.files),
            "pass": counts[Verdict.PASS],
            "review": counts[Verdict.REVIEW],
            "fail": counts[Verdict.FAIL],
            "bytes": result.total_bytes,
            "seconds": _seconds(result.seconds),
        },
    }


def render(result: ScanResult, out: TextIO, *, color: bool | None = None, verbose: bool = False) -> None:
    """Write the JSON report (2-space indent, UTF-8 text, trailing newline) to ``out``.

    ``color`` and ``verbose`` are accepted so every reporter takes the same options, and ignored: the
    JSON report always holds every file and every finding.
    """
    del color, verbose
    # allow_nan=False: a non-finite number would be invalid JSON; _seconds already keeps them out.
    out.write(json.dumps(to_dict(result), indent=2, ensure_ascii=False, allow_nan=False))
    out.write("\n")


def _nullable(type_name: str) -> dict[str, Any]:
    return {"type": [type_name, "null"]}


_LOCATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string"},
        "line": {"type": ["integer", "null"], "minimum": 0},
        "row": {"type": ["integer", "null"], "minimum": 0},
        "column": _nullable("string"),
        "sheet": _nullable("string"),
        "cell": {
            "type": ["object", "null"],
            "description": "Table cell: dimension name -> (masked) label, in the table's dimension order.",
            "additionalProperties": {"type": "string"},
        },
        "member": {
            "type": ["string", "null"],
            "description": "The archive member the finding is in (`b.zip!dir/c.csv`), or null for a file on disk.",
        },
        "page": {"type": ["integer", "null"], "minimum": 1, "description": "The page of a PDF document."},
        "slide": {"type": ["integer", "null"], "minimum": 1, "description": "The slide of a presentation."},
        "element": {
            "type": ["string", "null"],
            "description": "The part of a document or figure (`table 2`, `comment 1`, `speaker notes`, an SVG group).",
        },
    },
    "required": ["path", "line", "row", "column", "sheet", "cell", "member", "page", "slide", "element"],
    "additionalProperties": False,
}

_FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rule": {"type": "string", "pattern": "^[A-Z]+[0-9]{3}$"},
        "name": {"type": "string"},
        "severity": {"enum": [s.label for s in Severity]},
        "location": _LOCATION_SCHEMA,
        "message": {"type": "string"},
        "evidence": {"type": "string"},
        "fingerprint": {"type": "string"},
        # set on a finding a checker accepted (`sdcscan approve`, batch reports; null otherwise): it no
        # longer counts towards the file's verdict or the exit code
        "accepted": {
            "type": ["object", "null"],
            "properties": {"who": {"type": "string"}, "when": {"type": "string"}, "reason": {"type": "string"}},
            "required": ["who", "when", "reason"],
            "additionalProperties": False,
        },
    },
    "required": ["rule", "name", "severity", "location", "message", "evidence", "fingerprint", "accepted"],
    "additionalProperties": False,
}

_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "path": {"type": "string"},
        "kind": {"type": "string"},
        "verdict": {"enum": [v.value for v in Verdict]},
        "bytes": {"type": "integer", "minimum": 0},
        "hash": {
            "type": ["string", "null"],
            "description": "Content hash, `blake3:` and 64 hex digits (BLAKE3-256); null if unread.",
        },
        "seconds": {"type": "number", "minimum": 0},
        "findings": {"type": "array", "items": _FINDING_SCHEMA},
    },
    "required": ["path", "kind", "verdict", "bytes", "hash", "seconds", "findings"],
    "additionalProperties": False,
}

_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "sdcscan report",
    "description": "The JSON report of `sdcscan scan --format json`, schema_version 1.",
    "type": "object",
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "tool": {
            "type": "object",
            "properties": {"name": {"const": TOOL_NAME}, "version": {"type": "string"}},
            "required": ["name", "version"],
            "additionalProperties": False,
        },
        "profile": {"type": "string"},
        "files": {"type": "array", "items": _FILE_SCHEMA},
        "errors": {"type": "array", "items": {"type": "string"}},
        "summary": {
            "type": "object",
            "properties": {
                "files": _COUNT,
                "pass": _COUNT,
                "review": _COUNT,
                "fail": _COUNT,
                "bytes": _COUNT,
                "seconds": {"type": "number", "minimum": 0},
            },
            "required": ["files", "pass", "review", "fail", "bytes", "seconds"],
            "additionalProperties": False,
        },
    },
    "required": ["schema_version", "tool", "profile", "files", "errors", "summary"],
    "additionalProperties": False,
}
"""JSON Schema (draft 2020-12) of the document :func:`render` writes."""
