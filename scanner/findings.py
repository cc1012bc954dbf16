"""Findings, verdicts and scan results: the data every reporter renders and nothing else."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from scanner.masking import Masked

__all__ = [
    "VERDICT_ORDER",
    "Acceptance",
    "FileResult",
    "Finding",
    "Location",
    "ScanResult",
    "Severity",
    "Verdict",
    "verdict_for",
    "worst_verdict",
]


class Severity(enum.IntEnum):
    """How much a finding weighs. A BLOCK finding makes its file ``fail``, a REVIEW one ``review``."""

    INFO = 1
    REVIEW = 2  # a checker must look
    BLOCK = 3  # must not leave as it is

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


class Verdict(enum.StrEnum):
    """The decision for one file."""

    PASS = "pass"
    REVIEW = "review"
    FAIL = "fail"


VERDICT_ORDER: tuple[Verdict, ...] = (Verdict.PASS, Verdict.REVIEW, Verdict.FAIL)
"""Verdicts from best to worst."""


def worst_verdict(*verdicts: Verdict | None) -> Verdict:
    """The worst of ``verdicts`` (None counts as pass)."""
    return max((v for v in verdicts if v is not None), key=VERDICT_ORDER.index, default=Verdict.PASS)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: relative path, and optionally line, row, column, sheet, table cell, archive
    member, page, slide and element.

    ``cell`` holds the (dimension, label) pairs of a table cell, labels already masked. ``path`` is always
    a file on disk (relative to the parent of the scanned root); for a finding inside an archive,
    ``member`` is the member's path inside it, nested archives joined by ``!`` (``b.zip!dir/c.csv``), so
    ``path!member`` is the member's display path. The other fields then point inside the member.
    In a document, ``page`` is a PDF page, ``slide`` a slide number and ``element`` a value-free name of
    the part (``table 2``, ``comment 3``, ``speaker notes``, an SVG group); ``row`` is then a row of that
    table.
    """

    path: str
    line: int | None = None
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    cell: tuple[tuple[str, str], ...] | None = None
    member: str | None = None
    page: int | None = None
    slide: int | None = None
    element: str | None = None

    @property
    def display_path(self) -> str:
        """``path``, or ``path!member`` inside an archive: the path of the file the finding is in."""
        return self.path if self.member is None else f"{self.path}!{self.member}"

    def sort_key(self) -> tuple[str, str, int, int, int, str, int, str, str, str]:
        return (
            self.path,
            self.member or "",
            self.slide if self.slide is not None else -1,
            self.page if self.page is not None else -1,
            self.element or "",
            self.line if self.line is not None else -1,
            self.row if self.row is not None else -1,
            self.sheet or "",
            self.column or "",
            "\x1f".join(f"{k}={v}" for k, v in self.cell or ()),
        )


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A checker's acceptance of one finding (``sdcscan approve``): who, when (ISO 8601) and why.

    Acceptances live only in the batch state database, bound to the file's content hash; the batch marks
    a finding with one when it builds a report, and never reads one from the scanned folder.
    """

    who: str
    when: str
    reason: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a file may not leave as it is. Messages and evidence are built from masked values.

    ``accepted`` is set when a checker accepted this finding for the file's current content: it stays in
    the report, and no longer counts towards the file's verdict or the exit code.
    """

    rule: str
    name: str
    severity: Severity
    location: Location
    message: str
    evidence: Masked
    fingerprint: str
    accepted: Acceptance | None = None

    def sort_key(self) -> tuple[object, ...]:
        return (self.location.sort_key(), self.rule, self.fingerprint)


def verdict_for(findings: Iterable[Finding]) -> Verdict:
    """The file's verdict: the worst severity among its findings (INFO and accepted findings do not change
    it)."""
    worst = max((f.severity for f in findings if f.accepted is None), default=Severity.INFO)
    if worst >= Severity.BLOCK:
        return Verdict.FAIL
    if worst >= Severity.REVIEW:
        return Verdict.REVIEW
    return Verdict.PASS


@dataclass(frozen=True, slots=True)
class FileResult:
    """The outcome for one file (or archive member): its kind, size, findings and verdict.

    ``path`` of an archive member is its display path, ``export/a.zip!dir/b.csv``; ``bytes`` is then its
    uncompressed size. ``hash`` is the content hash (``blake3:<hex>``, see :mod:`scanner.sources`), None
    when the bytes could not be read. ``members_verdict`` is set for an archive: the worst verdict among
    its members (each of which has a result of its own); the archive's verdict is the worse of that and its
    own findings'.
    """

    path: str
    kind: str
    bytes: int
    findings: tuple[Finding, ...]
    seconds: float = 0.0
    hash: str | None = None
    members_verdict: Verdict | None = None

    @property
    def verdict(self) -> Verdict:
        return worst_verdict(verdict_for(self.findings), self.members_verdict)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan produced, in deterministic order (files by path, findings by location)."""

    tool_version: str
    profile: str
    files: tuple[FileResult, ...]
    seconds: float
    errors: tuple[str, ...] = field(default=())

    @property
    def counts(self) -> dict[Verdict, int]:
        out = {v: 0 for v in Verdict}
        for f in self.files:
            out[f.verdict] += 1
        return out

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def findings(self) -> Iterable[Finding]:
        for f in self.files:
            yield from f.findings

    def worst(self) -> Severity | None:
        """The highest severity among findings not accepted (None when there are none): the exit code."""
        return max((f.severity for f in self.findings() if f.accepted is None), default=None)
