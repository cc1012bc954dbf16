"""Model sizes read out of printed output (scanner.loaders.model_output) and TAB007 beside the other rules."""

from __future__ import annotations

from pathlib import Path

from scanner import api
from scanner.config import load_config
from scanner.findings import Verdict
from scanner.loaders.model_output import ModelSize, model_sizes


def test_phrases_of_each_program() -> None:
    text = "\n".join([
        "Linear regression                               Number of obs     =      1,234",  # 1 Stata
        "Residual standard error: 2.2 on 1230 degrees of freedom",  # 2 R
        "No. Observations:                  88   AIC:  140.1",  # 3 statsmodels
        "Df Residuals:                       85   BIC:  139.5",  # 4
        "                     Number of Observations Used           45",  # 5 SAS
        "Residuals  40 1481200000  493733333",  # 6 R anova
    ])
    assert model_sizes(text) == [
        ModelSize(1, "Stata model", observations=1234), ModelSize(2, "R model summary", residual_df=1230),
        ModelSize(3, "statsmodels summary", observations=88), ModelSize(4, "statsmodels summary", residual_df=85),
        ModelSize(5, "SAS model", observations=45), ModelSize(6, "R analysis of variance", residual_df=40)]


def test_observation_rows_need_a_regression_table() -> None:
    assert model_sizes("Region   Men   Women\nN          5       7\n") == []
    rows = model_sizes("              (1)        (2)\nN           1,450          5\nR-squared  0.12   0.45\n", 10)
    assert [(r.line, r.observations) for r in rows] == [(11, 1450), (11, 5)]


def test_prose_and_no_model_output() -> None:
    assert model_sizes("We had 6 observations in the pilot and used the error term.\nNumber of obs: unknown") == []


def test_note_with_a_model_and_a_table_gets_every_rule(tmp_path: Path) -> None:
    """A note holding model output and a pasted table: TAB007 and the table rules report side by side."""
    note = tmp_path / "results.md"
    note.write_text("# Results\n\n```\nResidual standard error: 22220 on 4 degrees of freedom\n```\n\n"
                    "| Region | Men | Women |\n|---|---|---|\n| North | 120 | 2 |\n| South | 340 | 355 |\n",
                    encoding="utf-8")
    result = api.scan([note], load_config(), jobs=1).files[0]
    assert result.verdict is Verdict.FAIL
    assert {f.rule for f in result.findings} == {"TAB001", "TAB007"}, result.findings
