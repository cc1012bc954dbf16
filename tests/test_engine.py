"""The engine's rule step: analyzers planned from the enabled rules, each computed once, rules pure."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scanner import api
from scanner import engine as eng
from scanner.config import load_config
from scanner.engine import ANALYZERS, Analyzer, judge, plan, rules_for
from scanner.loaders.csv import open_csv
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, all_rules, get_rule

# A published table with a small cell, a suppressed cell one subtraction from its total, and margins.
TABLE = "region;sex;n\nNord;M;12\nNord;K;2\nNord;I alt;14\nSyd;M;n<3\nSyd;K;40\nSyd;I alt;41\n"


def _model(tmp_path: Path, text: str = TABLE):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    config = load_config()
    return api.analyse_table(open_csv(path), config), config


def _spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls: dict[str, int] = {}
    for name, analyzer in list(ANALYZERS.items()):
        def counted(part, profile, _name=name, _compute=analyzer.compute):
            calls[_name] = calls.get(_name, 0) + 1
            return _compute(part, profile)

        monkeypatch.setitem(ANALYZERS, name, dataclasses.replace(analyzer, compute=counted))
    return calls


def test_every_need_of_every_rule_is_an_analyzer_and_every_analyzer_is_needed() -> None:
    needed = plan(all_rules())
    assert needed == set(ANALYZERS)
    assert all(isinstance(a, Analyzer) and a.summary for a in ANALYZERS.values())
    with pytest.raises(ValueError, match="unknown analyzers"):
        plan([dataclasses.replace(get_rule("TAB001"), needs=frozenset({"no-such-fact"}))])


def test_a_fact_is_computed_once_for_all_the_rules_that_read_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    calls = _spy(monkeypatch)
    table, config = _model(tmp_path)
    findings = list(judge(table, rules_for(config, Shape.TABLE), config, "t.csv", b"k" * 32))
    assert {"TAB001", "TAB004"} <= {f.rule for f in findings}
    # TAB001 and TAB005 both read the count cells: one pass
    assert calls == {"published-cells": 1, "published-audit": 1}


def test_only_the_analyzers_that_enabled_rules_need_are_computed(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy(monkeypatch)
    table, _ = _model(tmp_path)
    config = load_config(ignore=["TAB004"])
    findings = list(judge(table, rules_for(config, Shape.TABLE), config, "t.csv", b"k" * 32))
    assert "TAB004" not in {f.rule for f in findings}
    assert calls == {"published-cells": 1}  # no LP audit for a rule that does not run
    calls.clear()
    config = load_config(ignore=["TAB001", "TAB005"])
    list(judge(table, rules_for(config, Shape.TABLE), config, "t.csv", b"k" * 32))
    assert calls == {"published-audit": 1}


def test_ignoring_a_rule_or_reordering_the_rules_changes_no_other_rules_findings(tmp_path: Path) -> None:
    table, config = _model(tmp_path)
    rules = rules_for(config, Shape.TABLE)

    def by_rule(specs):
        out: dict[str, list[str]] = {}
        for f in judge(table, specs, config, "t.csv", b"k" * 32):
            out.setdefault(f.rule, []).append(f.fingerprint)
        return out

    everything = by_rule(rules)
    assert by_rule(list(reversed(rules))) == everything
    for spec in rules:
        alone = by_rule([spec])
        assert alone == {k: v for k, v in everything.items() if k == spec.code}, spec.code


def test_a_rule_cannot_read_a_fact_it_did_not_declare(tmp_path: Path) -> None:
    table, config = _model(tmp_path)
    spec = get_rule("EXT001")
    facts = eng.Facts(table, config.profile, plan([spec, get_rule("TAB001")]))
    ctx = RuleContext(spec, config.rules[spec.code], config.profile, "t.csv", b"k" * 32, facts)
    with pytest.raises(LookupError, match="without declaring"):
        ctx.fact("published-cells")
    with pytest.raises(KeyError, match="not planned"):
        eng.Facts(table, config.profile, frozenset())["published-cells"]


def test_selected_rules_and_configured_rules_differ_only_by_the_selection() -> None:
    config = load_config(select=["TAB001"])
    assert [s.code for s in rules_for(config, Shape.TABLE)] == ["TAB001"]
    assert "TAB004" in [s.code for s in rules_for(config, Shape.TABLE, selected=False)]
