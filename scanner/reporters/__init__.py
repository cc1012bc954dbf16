"""Reporters: render a :class:`~scanner.findings.ScanResult` as console text, JSON, SARIF, HTML or ACRO's
``results.json``.

Reporters see only the scan result (``scanner.findings``) and the masking helpers, never the engine or
loaders; SARIF and HTML also read the rule registry's docstrings (:func:`rule_docs`), the rules' only
documentation. Each format lives in its own module with ``render(result, out, *, color, verbose)``;
the modules are imported lazily by :func:`render` so ``import scanner.reporters`` does not pull in rich.

The helpers below are shared by every format so all reporters agree on order and on the second line of
defence against printing a protected value:

- :func:`ordered_files` gives files by path and each file's findings in ``Finding.sort_key()`` order,
  whatever order the scan produced them in (workers finish in any order).
- :func:`safe_location` and :func:`safe_text` re-mask location names and free text. Rules already build
  them from masked values; re-masking is idempotent and cheap, and it keeps an ID that slipped into a
  column name, sheet name or message (``P1234_LopNr_198803200016``) out of the report.
  Paths are *not* masked: a path is how a checker finds the file, and a baseline or ticket must match it
  exactly.
"""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scanner import masking
from scanner.findings import FileResult, Finding, Location, ScanResult, Severity
from scanner.lazy_regex import lazy_compile

__all__ = [
    "Format",
    "RuleDoc",
    "doc_text",
    "finding_order",
    "location_text",
    "ordered_files",
    "parent_paths",
    "render",
    "rule_docs",
    "safe_location",
    "safe_text",
]


class Format(enum.StrEnum):
    """The output formats ``--format`` accepts."""

    CONSOLE = "console"
    JSON = "json"
    SARIF = "sarif"  # SARIF 2.1.0 (code-scanning tools, dashboards)
    HTML = "html"  # one self-contained page for an output checker
    ACRO = "acro"  # ACRO's results.json layout, opened by SACRO-Viewer


def render(
    result: ScanResult,
    fmt: Format,
    out: TextIO,
    *,
    color: bool | None = None,
    verbose: bool = False,
    roots: Sequence[str | os.PathLike[str]] = (),
) -> None:
    """Write ``result`` to ``out`` in format ``fmt``.

    ``color`` (console only): True forces color, False disables it, None colors only when ``out`` is a
    terminal and ``NO_COLOR`` is unset. ``verbose`` (console only) lists every file and every finding.
    JSON ignores both: the report contract does not depend on presentation options. ``roots`` (HTML only)
    are the paths that were scanned: with them the HTML report embeds a small thumbnail of each image a
    person must look at (its bytes are read again and must still match the scanned content hash).
    """
    # Imported here, not at module level: the console reporter pulls in rich, which a JSON run or a
    # plain `import scanner` should not pay for.
    if fmt is Format.CONSOLE:
        from scanner.reporters import console

        console.render(result, out, color=color, verbose=verbose)
    elif fmt is Format.JSON:
        from scanner.reporters import json

        json.render(result, out, color=color, verbose=verbose)
    elif fmt is Format.SARIF:
        from scanner.reporters import sarif

        sarif.render(result, out, color=color, verbose=verbose)
    elif fmt is Format.HTML:
        from scanner.reporters import html

        html.render(result, out, color=color, verbose=verbose, roots=[Path(r) for r in roots])
    elif fmt is Format.ACRO:
        from scanner.reporters import acro

        acro.render(result, out, color=color, verbose=verbose)
    else:  # pragma: no cover - guarded by the enum; a new member must get a branch here
        raise ValueError(f"unknown report format {fmt!r}")


def finding_order(finding: Finding) -> tuple[object, ...]:
    """A total order on findings: ``Finding.sort_key()`` first, then every other field.

    ``sort_key()`` ties when two findings share location, rule and fingerprint; the extra fields make the
    order total so the output never depends on the order the findings arrived in.
    """
    return (
        finding.sort_key(),
        finding.name,
        int(finding.severity),
        finding.message,
        finding.evidence.text,
    )


def _file_order(file: FileResult) -> tuple[object, ...]:
    return (file.path, file.kind, file.bytes, file.hash or "", file.seconds)


def ordered_files(result: ScanResult) -> list[tuple[FileResult, list[Finding]]]:
    """The result's files by path, each with its findings in :func:`finding_order`."""
    return [(f, sorted(f.findings, key=finding_order)) for f in sorted(result.files, key=_file_order)]


def safe_text(text: str) -> str:
    """Free text (a message, a scan error) with person-number-like digit runs masked.

    ``masking.note`` is the public function that masks digit runs without capping the length; only its
    text is used here.
    """
    return masking.note(text).text


def safe_location(location: Location) -> Location:
    """A copy of ``location`` with column, sheet and cell names and labels re-masked (path kept)."""
    cell = None
    if location.cell is not None:
        cell = tuple((masking.mask_name(dim), masking.mask_label(label)) for dim, label in location.cell)
    return dataclasses.replace(
        location,
        column=None if location.column is None else masking.mask_name(location.column),
        sheet=None if location.sheet is None else masking.mask_name(location.sheet),
        element=None if location.element is None else masking.mask_name(location.element),
        cell=cell,
    )


def location_text(location: Location, file_path: str) -> str:
    """A compact, re-masked location for people: ``sheet Tabel1, row 12, col LopNr, cell OMRÅDE=Nord``.

    ``file_path`` is the path of the file the finding is listed under; a finding located in another file
    (another archive member) names that file first. ``"file"`` when the finding is about the whole file.
    """
    loc = safe_location(location)
    parts: list[str] = []
    if loc.display_path != file_path:
        parts.append(loc.display_path)
    if loc.sheet is not None:
        parts.append(f"sheet {loc.sheet}")
    if loc.line is not None:
        parts.append(f"line {loc.line}")
    if loc.row is not None:
        parts.append(f"row {loc.row}")
    if loc.column is not None:
        parts.append(f"col {loc.column}")
    if loc.cell:
        parts.append("cell " + ", ".join(f"{dim}={label}" for dim, label in loc.cell))
    return ", ".join(parts) if parts else "file"


def parent_paths(result: ScanResult) -> dict[str, str | None]:
    """Each file's container: the archive entry an archive member sits in, None for a file on disk.

    A member's path is its archive's path, ``!`` and the member's path inside (``export/a.zip!b.zip!c.csv``
    sits in ``export/a.zip!b.zip``, which sits in ``export/a.zip``). The parent is the longest other file
    path that is a ``!``-prefix, so a ``!`` in a file name on disk is not mistaken for an archive.
    """
    paths = {f.path for f in result.files}
    parents: dict[str, str | None] = {}
    for path in sorted(paths):
        parent: str | None = None
        cut = path.rfind("!")
        while cut > 0:
            if path[:cut] in paths:
                parent = path[:cut]
                break
            cut = path.rfind("!", 0, cut)
        parents[path] = parent
    return parents


@dataclasses.dataclass(frozen=True, slots=True)
class RuleDoc:
    """What a report says about a rule: code, name, default severity and its docstring."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str

    def sections(self) -> list[tuple[str | None, str]]:
        """The docstring as (heading, text) paragraphs: ``("Why it is disclosive", "...")``.

        The first paragraph (the one-line summary) and any paragraph without a ``Heading:`` start have
        heading None. Line breaks inside a paragraph are joined with spaces.
        """
        out: list[tuple[str | None, str]] = []
        for block in self.doc.split("\n\n"):
            text = " ".join(line.strip() for line in block.strip().splitlines())
            if not text:
                continue
            head, sep, rest = text.partition(": ")
            if sep and head in _DOC_HEADINGS:
                out.append((head, rest))
            else:
                out.append((None, text))
        return out


_DOC_HEADINGS = frozenset({"What it flags", "Why it is disclosive", "Example", "Options", "References"})


# An identifier-shaped number in a docstring's example (`19880320-0016`, `DK12345678`): eight or more digits,
# joined at most by single '-', '+' or ' ' (not '.', so decimals like `301.200` and section numbers stay).
_DOC_NUMBER = lazy_compile(r"\d(?:[-+ ]?\d){7,}")


def doc_text(text: str) -> str:
    """Rule documentation as reports print it: identifier-shaped example numbers masked as findings are.

    The PID rules' examples are valid numbers; a report that printed them would trip an identifier scan of
    the report itself (a gateway's, or sdcscan's), and reports never hold one. Masking goes through
    :mod:`scanner.masking`, so the examples read like the evidence (`xxxxxxxx-xx16`).
    """
    return _DOC_NUMBER.sub(lambda m: masking.note(m.group(0)).text, text)


def rule_docs() -> dict[str, RuleDoc]:
    """Every registered rule's documentation, by code, read from the rule registry's docstrings.

    The registry is imported here, lazily: it is the one thing reporters read besides the result, because
    a rule's docstring is its only documentation (STYLE.md section 2). After a scan it is already loaded.
    Example numbers are masked (:func:`doc_text`).
    """
    from scanner.rules.registry import all_rules

    return {
        spec.code: RuleDoc(spec.code, spec.name, spec.severity, doc_text(spec.summary), doc_text(spec.doc))
        for spec in all_rules()
    }
