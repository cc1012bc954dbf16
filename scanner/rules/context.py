"""What a rule function receives besides its input: its settings, the profile and a finding factory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from scanner import masking
from scanner.findings import Finding, Location, Severity
from scanner.masking import Masked
from scanner.rules.registry import RuleSpec
from scanner.settings import Profile, RuleSettings

__all__ = ["FileFacts", "RuleContext"]


@dataclass(slots=True)
class FileFacts:
    """Facts about a file as a whole, for FILE-shape rules. Every list holds value-free reasons:
    ``problems`` what could not be read or inspected (FIL001), ``limits`` archive limits reached, unsafe
    member names and links not followed (FIL003), ``encrypted`` encryption (FIL004)."""

    path: str
    kind: str
    size: int
    problems: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    encrypted: list[str] = field(default_factory=list)


_NO_FACTS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RuleContext:
    """A rule's view of the scan: its spec, settings, the active profile, and where findings point."""

    spec: RuleSpec
    settings: RuleSettings
    profile: Profile
    path: str
    key: bytes
    #: the facts the engine computed for the part being judged (:mod:`scanner.engine`), by name
    facts: Mapping[str, Any] = field(default_factory=lambda: _NO_FACTS)

    @property
    def options(self) -> Any:
        return self.settings.options

    def fact(self, name: str) -> Any:
        """The fact ``name`` about the part being judged. A rule reads only what it declared in ``needs``:
        anything else is a programming error, raised here rather than computed behind the engine's back."""
        if name not in self.spec.needs:
            raise LookupError(f"rule {self.spec.code} reads fact {name!r} without declaring it in needs=")
        return self.facts[name]

    def finding(
        self,
        message: str,
        evidence: Masked,
        *,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
        cell: tuple[tuple[str, str], ...] | None = None,
        severity: Severity | None = None,
        identity: str = "",
        page: int | None = None,
        slide: int | None = None,
        element: str | None = None,
    ) -> Finding:
        """A finding of this rule at a location. ``severity`` may lower the configured one, never raise it.

        ``identity`` distinguishes findings at the same location; the fingerprint leaves out line and
        row numbers so it stays stable when lines move.
        """
        sev = self.settings.severity if severity is None else min(severity, self.settings.severity)
        col = masking.mask_name(column) if column is not None else None
        cell_key = "\x1e".join(f"{k}={v}" for k, v in cell or ())
        fp = masking.fingerprint(self.key, self.spec.code, self.path, sheet or "", col or "", cell_key, identity,
                                 *((element or "",) if element else ()))
        return Finding(
            rule=self.spec.code,
            name=self.spec.name,
            severity=sev,
            location=Location(path=self.path, line=line, row=row, column=col, sheet=sheet, cell=cell, page=page,
                              slide=slide, element=masking.mask_name(element) if element is not None else None),
            message=message,
            evidence=evidence,
            fingerprint=fp,
        )
