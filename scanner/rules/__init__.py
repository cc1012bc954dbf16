"""Rule families. Each module registers its rules on import; this list is every family there is."""

from scanner.rules import documents, files, identifiers, microdata, tables  # noqa: F401  (explicit registration)
from scanner.rules.registry import RuleSpec, Shape, all_rules, get_rule

__all__ = ["RuleSpec", "Shape", "all_rules", "get_rule"]
