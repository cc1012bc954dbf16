"""README.md stays true: its rule table lists every registered rule with its docstring summary."""

from __future__ import annotations

from scanner.rules.registry import all_rules
from tests.conftest import REPO


def test_readme_rule_table_matches_registry() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip()[:3].isalpha()
            and line.split("|")[1].strip()[3:].isdigit()}
    for spec in all_rules():
        assert spec.code in rows, f"README rule table lacks {spec.code}"
        cells = [c.strip() for c in rows[spec.code].split("|")[1:-1]]
        assert cells == [spec.code, spec.name, spec.severity.label, spec.summary], cells
    assert set(rows) == {s.code for s in all_rules()}


def test_readme_commands_exist_in_makefile() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for target in ("scan-example", "test"):
        assert f"make {target}" in readme and f"\n{target}:" in makefile
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
