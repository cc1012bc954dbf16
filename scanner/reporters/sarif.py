"""The SARIF 2.1.0 report: for code-scanning dashboards and any tool that reads static-analysis results.

One run. ``tool.driver.rules`` holds every registered rule, described from its docstring (the rule's only
documentation): id, name, shortDescription (the summary line), fullDescription (what it flags and why it
is disclosive), help (the whole docstring) and ``defaultConfiguration.level``. ``run.artifacts`` holds
every scanned file with its verdict, kind, size and content hash in ``properties``; an archive member is a
nested artifact (``parentIndex``, its path inside the parent as a relative ``uri``), as SARIF section
3.24.3 describes. Each finding is a result:

- ``ruleId``/``ruleIndex``, ``level`` from the severity (block -> error, review -> warning, info -> note);
- ``message.text``: the masked message and the masked evidence (never a source snippet: SARIF's
  ``region.snippet`` and ``contextRegion`` would copy data out of the file, so they are never written);
- one location: ``physicalLocation.artifactLocation`` is the file on disk (for a finding inside an archive
  member, the archive: the file a consumer can open), relative to ``uriBaseId`` ``SCANROOT`` (the parent of
  each scanned root); ``region.startLine`` when the finding has a line (column numbers are not known: a
  table column is named, so it goes in a logical location). Member, sheet, column and table cell are
  ``logicalLocations`` and are repeated in the location's ``properties``;
- ``partialFingerprints["sdcscan/v1"]``: the finding's keyed fingerprint, stable when lines move.

Files come in path order and results in :func:`~scanner.reporters.finding_order`, so the document is
deterministic apart from timings.
"""

from __future__ import annotations

import json
import math
from typing import Any, TextIO
from urllib.parse import quote

from scanner.findings import FileResult, Finding, ScanResult, Severity, Verdict
from scanner.reporters import RuleDoc, ordered_files, parent_paths, rule_docs, safe_location, safe_text

__all__ = ["FINGERPRINT_KEY", "SARIF_SCHEMA_URI", "SARIF_VERSION", "URI_BASE_ID", "render", "to_dict"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
URI_BASE_ID = "SCANROOT"
FINGERPRINT_KEY = "sdcscan/v1"
"""The ``partialFingerprints`` key; the version changes if the fingerprint's inputs ever change."""

_LEVEL = {Severity.BLOCK: "error", Severity.REVIEW: "warning", Severity.INFO: "note"}


def _seconds(value: float) -> float:
    return round(value, 3) if math.isfinite(value) and value >= 0 else 0.0


def _uri(path: str) -> str:
    """A relative URI reference for a POSIX path: every reserved or non-ASCII character percent-encoded.

    ``quote`` with only ``/`` safe turns ``#``, ``?``, ``%``, ``:`` and spaces into escapes, so a file named
    ``a#b.csv`` or ``c:d.csv`` cannot read as a fragment or a scheme.
    """
    return quote(path, safe="/")


def _rule(doc: RuleDoc) -> dict[str, Any]:
    # fullDescription: what the rule flags and why it is disclosive, with the paragraphs that continue
    # those sections (a paragraph without a heading belongs to the heading before it).
    parts: list[str] = []
    current: str | None = None
    for head, text in doc.sections()[1:]:
        current = head or current
        if current in ("What it flags", "Why it is disclosive"):
            parts.append(f"{head}: {text}" if head else text)
    full = " ".join(parts)
    return {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary or doc.name},
        "fullDescription": {"text": full or doc.summary or doc.name},
        "help": {"text": doc.doc or doc.summary or doc.name, "markdown": doc.doc or doc.summary or doc.name},
        "defaultConfiguration": {"level": _LEVEL[doc.severity]},
        "properties": {"tags": [doc.code[:3]], "severity": doc.severity.label},
    }


def _unknown_rule(finding: Finding) -> RuleDoc:
    """A finding whose code is not registered (a result made by another version): described by itself."""
    return RuleDoc(finding.rule, finding.name, finding.severity, finding.name, "")


def _artifacts(
    files: list[tuple[FileResult, list[Finding]]], parents: dict[str, str | None]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    artifacts: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for file, _ in files:
        parent = parents.get(file.path)
        location: dict[str, Any]
        if parent is not None and parent in index:
            # A nested artifact: its path inside the parent, relative, without uriBaseId (SARIF 3.4.4).
            location = {"uri": _uri(file.path[len(parent) + 1 :])}
        else:
            location = {"uri": _uri(file.path), "uriBaseId": URI_BASE_ID}
        location["index"] = len(artifacts)
        artifact: dict[str, Any] = {"location": location, "length": file.bytes}
        if parent is not None and parent in index:
            artifact["parentIndex"] = index[parent]
        artifact["properties"] = {
            "path": file.path,
            "kind": file.kind,
            "verdict": file.verdict.value,
            "hash": file.hash,
            "findings": len(file.findings),
        }
        index[file.path] = len(artifacts)
        artifacts.append(artifact)
    return artifacts, index


def _result(finding: Finding, rule_index: dict[str, int], artifact_index: dict[str, int]) -> dict[str, Any]:
    loc = safe_location(finding.location)
    message = safe_text(finding.message) or finding.name
    evidence = finding.evidence.text
    artifact_location: dict[str, Any] = {"uri": _uri(loc.path), "uriBaseId": URI_BASE_ID}
    if loc.path in artifact_index:
        artifact_location["index"] = artifact_index[loc.path]
    physical: dict[str, Any] = {"artifactLocation": artifact_location}
    if loc.line is not None and loc.line >= 1:
        physical["region"] = {"startLine": loc.line}
    logical: list[dict[str, Any]] = []
    if loc.member is not None:
        logical.append({"name": loc.member, "kind": "archive-member"})
    if loc.sheet is not None:
        logical.append({"name": loc.sheet, "kind": "sheet"})
    if loc.column is not None:
        logical.append({"name": loc.column, "kind": "column"})
    if loc.cell:
        logical.append({"name": ", ".join(f"{dim}={label}" for dim, label in loc.cell), "kind": "cell"})
    where: dict[str, Any] = {
        key: value
        for key, value in (
            ("member", loc.member),
            ("sheet", loc.sheet),
            ("row", loc.row),
            ("column", loc.column),
            ("cell", None if loc.cell is None else dict(loc.cell)),
        )
        if value is not None
    }
    location: dict[str, Any] = {"physicalLocation": physical}
    if logical:
        location["logicalLocations"] = logical
    if where:
        location["properties"] = where
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{message} ({evidence})" if evidence else message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"name": finding.name, "severity": finding.severity.label, "evidence": evidence},
    }
    if finding.accepted is not None:
        # a checker accepted it (`sdcscan approve`): SARIF's own way of saying so (3.35), so viewers grey it out
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": safe_text(finding.accepted.reason),
                                   "properties": {"who": safe_text(finding.accepted.who),
                                                  "when": finding.accepted.when}}]
    return result


def to_dict(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as plain data."""
    files = ordered_files(result)
    docs = rule_docs()
    for _, findings in files:
        for finding in findings:
            if finding.rule not in docs:
                docs[finding.rule] = _unknown_rule(finding)
    codes = sorted(docs)
    rule_index = {code: i for i, code in enumerate(codes)}
    artifacts, artifact_index = _artifacts(files, parent_paths(result))
    results = [_result(f, rule_index, artifact_index) for _, findings in files for f in findings]
    errors = sorted(safe_text(e) for e in result.errors)
    counts = result.counts
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sdcscan",
                        "version": result.tool_version,
                        "rules": [_rule(docs[code]) for code in codes],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": error}} for error in errors
                        ],
                    }
                ],
                "originalUriBaseIds": {
                    URI_BASE_ID: {"description": {"text": "The parent folder of each scanned path."}}
                },
                "artifacts": artifacts,
                "results": results,
                "columnKind": "unicodeCodePoints",
                "properties": {
                    "profile": result.profile,
                    "summary": {
                        "files": len(result.files),
                        **{v.value: counts[v] for v in Verdict},
                        "bytes": result.total_bytes,
                        "seconds": _seconds(result.seconds),
                    },
                },
            }
        ],
    }


def render(result: ScanResult, out: TextIO, *, color: bool | None = None, verbose: bool = False) -> None:
    """Write the SARIF log (compact JSON, UTF-8, trailing newline). ``color``/``verbose`` are ignored.

    Compact: with an indent Python's JSON encoder falls back to its pure-Python path, about 8 times slower
    (9 s for 20,000 findings); SARIF is read by tools, and ``python -m json.tool`` indents it for people.
    """
    del color, verbose
    out.write(json.dumps(to_dict(result), ensure_ascii=False, allow_nan=False, separators=(",", ":")))
    out.write("\n")
