"""Rule families. Each module registers its rules on import; this list is every family there is."""

from scanner.rules import (  # noqa: F401  (explicit registration)
    code,
    documents,
    extremes,
    figures,
    files,
    identifiers,
    logs,
    microdata,
    models,
    tables,
)
from scanner.rules.registry import RuleSpec, Shape, all_rules, get_rule

__all__ = ["RuleSpec", "Shape", "all_rules", "get_rule"]
