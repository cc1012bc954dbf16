"""Findings, verdicts and scan results: the data every reporter renders and nothing else."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from scanner.masking import Masked

__all__ = [
    "FileResult",
    "Finding",
    "Location",
    "ScanResult",
    "Severity",
    "Verdict",
    "verdict_for",
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


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: relative path, and optionally line, row, column, sheet and table cell.

    ``cell`` holds the (dimension, label) pairs of a table cell, labels already masked.
    """

    path: str
    line: int | None = None
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    cell: tuple[tuple[str, str], ...] | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (
            self.path,
            self.line if self.line is not None else -1,
            self.row if self.row is not None else -1,
            self.sheet or "",
            self.column or "",
            "\x1f".join(f"{k}={v}" for k, v in self.cell or ()),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a file may not leave as it is. Messages and evidence are built from masked values."""

    rule: str
    name: str
    severity: Severity
    location: Location
    message: str
    evidence: Masked
    fingerprint: str

    def sort_key(self) -> tuple[object, ...]:
        return (self.location.sort_key(), self.rule, self.fingerprint)


def verdict_for(findings: Iterable[Finding]) -> Verdict:
    """The file's verdict: the worst severity among its findings (INFO does not change it)."""
    worst = max((f.severity for f in findings), default=Severity.INFO)
    if worst >= Severity.BLOCK:
        return Verdict.FAIL
    if worst >= Severity.REVIEW:
        return Verdict.REVIEW
    return Verdict.PASS


@dataclass(frozen=True, slots=True)
class FileResult:
    """The outcome for one file (or archive member): its kind, size, findings and verdict."""

    path: str
    kind: str
    bytes: int
    findings: tuple[Finding, ...]
    seconds: float = 0.0

    @property
    def verdict(self) -> Verdict:
        return verdict_for(self.findings)


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
        return max((f.severity for f in self.findings()), default=None)
