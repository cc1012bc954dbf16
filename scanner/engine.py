"""The engine's rule step: plan the analyzers that the enabled rules need, compute each once, run the rules.

Every part a reader hands over (an analysed table, a chunk of text, an identifier scan, a workbook's or a
document's structure, the cells of a table built from microdata) is judged here: :func:`judge` takes the
rules enabled for the part's shape, plans the analyzers those rules name in ``needs``
(:func:`plan`), and runs each rule with a :class:`Facts` view of the part. A planned analyzer is computed
at most once per part, when a rule first reads it, so a fact no enabled rule reads is never computed
(``--ignore TAB004`` skips the LP audit) and two rules that read the same fact share one computation
(TAB001 and TAB005 read one pass over the count cells).

Rules are pure functions of the part and its facts: they read facts through ``ctx.fact(name)``, which
refuses a fact the rule did not declare, and compute no analysis of their own. Analyzers live in
:mod:`scanner.analysis` (and :mod:`scanner.published`); they make no findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scanner.findings import Finding
from scanner.rules.context import RuleContext
from scanner.rules.registry import RuleSpec, Shape, all_rules

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.settings import Profile

__all__ = ["ANALYZERS", "Analyzer", "Facts", "judge", "plan", "rules_for"]


@dataclass(frozen=True, slots=True)
class Analyzer:
    """A named analysis of a part: a pure function of the part and the profile, returning a typed fact."""

    name: str
    summary: str
    compute: Callable[[Any, Profile], Any]


def _published_cells(part: Any, profile: Profile) -> Any:
    from scanner.analysis.published_cells import scan_cells

    return scan_cells(part, profile)


def _published_audit(part: Any, profile: Profile) -> Any:
    from scanner.published import audit_published

    return audit_published(part, threshold=profile.threshold, zeros_disclosive=profile.zeros_disclosive,
                           p_percent=profile.p_percent)


#: Every analyzer a rule can name in ``needs``.
ANALYZERS: dict[str, Analyzer] = {
    a.name: a
    for a in (
        Analyzer("published-cells", "one pass over the count cells of a published table: cells, ones, small "
                 "cells (scanner.analysis.published_cells)", _published_cells),
        Analyzer("published-audit", "the LP audit of a published table's suppressed cells against its own "
                 "totals (scanner.published)", _published_audit),
    )
}


def plan(specs: Iterable[RuleSpec]) -> frozenset[str]:
    """The analyzers ``specs`` need, by name. A name no analyzer has is a programming error."""
    needs: frozenset[str] = frozenset().union(*(s.needs for s in specs))
    unknown = needs - ANALYZERS.keys()
    if unknown:
        raise ValueError(f"rules need unknown analyzers: {', '.join(sorted(unknown))}")
    return needs


class Facts(Mapping[str, Any]):
    """The planned facts about one part, each computed on first read and kept for the other rules."""

    __slots__ = ("_part", "_planned", "_profile", "_values")

    def __init__(self, part: Any, profile: Profile, planned: frozenset[str]) -> None:
        self._part = part
        self._profile = profile
        self._planned = planned
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._planned:
            raise KeyError(f"fact {name!r} was not planned for this part")
        if name not in self._values:
            self._values[name] = ANALYZERS[name].compute(self._part, self._profile)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._planned))

    def __len__(self) -> int:
        return len(self._planned)

    @property
    def computed(self) -> frozenset[str]:
        """The facts computed so far (for tests and profiling)."""
        return frozenset(self._values)


def rules_for(config: Config, shape: Shape, *, selected: bool = True) -> list[RuleSpec]:
    """The rules of ``shape`` that run: enabled and selected (``--select``/``--ignore``), or, with
    ``selected=False``, enabled in the configuration whatever the selection (hidden content of a workbook or
    a document is judged by every rule; only the selected ones are reported)."""
    if selected:
        return [s for s in all_rules() if shape in s.shapes and config.enabled(s.code)]
    return [s for s in all_rules() if shape in s.shapes and config.rules[s.code].enabled]


def judge(part: Any, specs: Sequence[RuleSpec], config: Config, path: str, key: bytes) -> Iterator[Finding]:
    """The findings of ``specs`` on ``part``, with the facts they need computed at most once."""
    if not specs:
        return
    facts = Facts(part, config.profile, plan(specs))
    for spec in specs:
        yield from spec.func(RuleContext(spec, config.rules[spec.code], config.profile, path, key, facts), part)
