"""Reporters: render a :class:`~scanner.findings.ScanResult` as console text or JSON.

Reporters see only the scan result (``scanner.findings``) and the masking helpers, never the engine,
rules or loaders. Each format lives in its own module with ``render(result, out, *, color, verbose)``;
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
from typing import TextIO

from scanner import masking
from scanner.findings import FileResult, Finding, Location, ScanResult

__all__ = [
    "Format",
    "finding_order",
    "ordered_files",
    "render",
    "safe_location",
    "safe_text",
]


class Format(enum.StrEnum):
    """The output formats ``--format`` accepts."""

    CONSOLE = "console"
    JSON = "json"


def render(
    result: ScanResult,
    fmt: Format,
    out: TextIO,
    *,
    color: bool | None = None,
    verbose: bool = False,
) -> None:
    """Write ``result`` to ``out`` in format ``fmt``.

    ``color`` (console only): True forces color, False disables it, None colors only when ``out`` is a
    terminal and ``NO_COLOR`` is unset. ``verbose`` (console only) lists every file and every finding.
    JSON ignores both: the report contract does not depend on presentation options.
    """
    # Imported here, not at module level: the console reporter pulls in rich, which a JSON run or a
    # plain `import scanner` should not pay for.
    if fmt is Format.CONSOLE:
        from scanner.reporters import console

        console.render(result, out, color=color, verbose=verbose)
    elif fmt is Format.JSON:
        from scanner.reporters import json

        json.render(result, out, color=color, verbose=verbose)
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
