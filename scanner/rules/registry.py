"""The rule registry: a rule is one function registered with its code, name, severity, shapes, options.

Families register explicitly when :mod:`scanner.rules` imports them (no package scanning, no entry
points): reading that ``__init__`` tells every rule there is.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile

__all__ = ["NoOptions", "RuleSpec", "Shape", "all_rules", "get_rule", "rule"]


class Shape(enum.StrEnum):
    """What a rule reads: an analysed table, text chunks, the file's identifier scan, the facts about a
    file as a whole, or the cells of a table built from microdata."""

    TABLE = "table"
    TEXT = "text"
    IDENTIFIERS = "identifiers"
    FILE = "file"
    #: the cells of a table built from microdata (``sdcscan table``): statistics per published cell
    CELLS = "cells"
    #: the structure of a workbook and the judgments of its parts (scanner.rules.documents.WorkbookFacts)
    WORKBOOK = "workbook"
    #: program code: keys compared with literals (scanner.rules.code.CodeFacts)
    CODE = "code"
    #: a table read out of a log, a notebook or a program, with how it came to be there
    #: (scanner.rules.logs.ListedPart)
    LISTING = "listing"
    #: what a document or figure holds besides its visible text and tables: hidden content, embedded
    #: objects, figures' marks and carried data (scanner.rules.documents.DocumentFacts)
    DOCUMENT = "document"
    #: the sizes a fitted model's output prints (scanner.rules.models.ModelFacts)
    MODEL = "model"


@dataclass(frozen=True, slots=True)
class NoOptions:
    """Options of a rule that takes none beyond severity and enabled."""


RuleFunc = Callable[..., Iterator[Finding]]

_CODE = lazy_compile(r"^[A-Z]{3}\d{3}$")
_NAME = lazy_compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_REGISTRY: dict[str, RuleSpec] = {}


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A registered rule. ``doc`` is the function's docstring: the rule's only documentation."""

    code: str
    name: str
    severity: Severity
    shapes: frozenset[Shape]
    options: type[Any]
    func: RuleFunc
    #: the facts (analyzers' results, see :mod:`scanner.engine`) the rule reads through ``ctx.fact``
    needs: frozenset[str] = frozenset()

    @property
    def family(self) -> str:
        return self.code[:3]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the docstring: what the rule flags, in one sentence."""
        return self.doc.splitlines()[0] if self.doc else ""


def rule(
    code: str,
    name: str,
    severity: Severity,
    shapes: tuple[Shape, ...],
    options: type[Any] = NoOptions,
    *,
    needs: tuple[str, ...] = (),
) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as rule ``code``. Codes are never reused; a duplicate is a programming error.

    ``needs`` names the facts the rule reads (``ctx.fact(name)``): the engine plans and computes those, once
    per part, for the enabled rules only. A rule computes no analysis of its own."""
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r} must be three capitals and three digits")
    if not _NAME.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case")
    if not dataclasses.is_dataclass(options):
        raise TypeError(f"options of {code} must be a dataclass")

    def register(func: RuleFunc) -> RuleFunc:
        if code in _REGISTRY:
            raise ValueError(f"rule code {code} is registered twice")
        if not func.__doc__:
            raise ValueError(f"rule {code} needs a docstring: it is the rule's documentation")
        _REGISTRY[code] = RuleSpec(code, name, severity, frozenset(shapes), options, func, frozenset(needs))
        return func

    return register


def all_rules() -> list[RuleSpec]:
    """Every registered rule, ordered by code."""
    import scanner.rules  # noqa: F401  (importing the package registers the families)

    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def get_rule(code: str) -> RuleSpec:
    """The rule registered as ``code``; KeyError if there is none."""
    import scanner.rules  # noqa: F401

    return _REGISTRY[code]
