"""What a rule is given besides its input: the profile (the rule source's parameters) and its own settings.

A leaf module (it imports only :mod:`scanner.findings`), so that the rules can import it while
:mod:`scanner.config`, which builds these from ``rules.toml``, imports the rules: the imports point one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.findings import Severity

__all__ = ["Profile", "RuleSettings"]


@dataclass(frozen=True, slots=True)
class Profile:
    """The parameters of one rule source (Statistics Denmark, SCB, ACRO, ...)."""

    name: str
    description: str
    threshold: int
    zeros_disclosive: bool
    nk_n: int
    nk_k: float
    nk_inclusive: bool
    p_percent: float
    suppression_markers: tuple[str, ...]
    #: countries whose identifiers are expected, most likely first: breaks ties when a number is valid
    #: as two kinds (a 10-digit number can be a Danish CPR and a Swedish personnummer)
    countries: tuple[str, ...]
    #: fail the p % rule for a magnitude cell whose contributions are all zero, as ACRO does (its code
    #: computes 0 < p); elsewhere such a cell is class disclosure (TAB006), not a p % failure
    p_percent_zero_fails: bool = False



@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One rule's effective settings: severity, whether it runs, and its typed options."""

    code: str
    severity: Severity
    enabled: bool
    options: Any
