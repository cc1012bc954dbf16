"""Tables typeset in LaTeX (``.tex`` exports of esttab, tabout, kable, stargazer, gtsummary, pandas) are read
as tables, so a cell of 2 in a ``tabular`` is TAB001 as in a CSV file, at the line of its row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Verdict
from scanner.loaders.latex import parse_cell
from scanner.loaders.texttables import find_tables

DATA = Path(__file__).parent / "data" / "latex"


def _scan(path: Path) -> FileResult:
    (result,) = api.scan([path], load_config(), jobs=1).files
    return result


def _rules(result: FileResult) -> list[tuple[str, int | None]]:
    return sorted((f.rule, f.location.line) for f in result.findings)


@pytest.mark.parametrize(("raw", "text"), [
    ("1\\,204", "1204"),
    ("1{,}204", "1,204"),
    ("\\textbf{12}", "12"),
    ("$-$0.52", "-0.52"),
    ("-238.9\\sym{***}", "-238.9"),
    ("0.41$^{**}$", "0.41"),
    ("0.41^{*}", "0.41"),
    ("12 (29\\%)", "12 (29%)"),
    ("\\multirow[t]{2}{*}{North}", "North"),
    ("\\hspace{1em}II", "II"),
    ("\\textit{t} statistics", "t statistics"),
    ("\\_cons", "_cons"),
    ("\\(N\\)", "N"),
    ("\\makecell[c]{Antal\\\\personer}", "Antal personer"),
])
def test_markup_around_a_value_is_dropped(raw: str, text: str) -> None:
    assert parse_cell(raw) == text


def test_a_crosstab_in_a_tabular_is_read_with_its_rows_at_their_lines() -> None:
    (table,) = find_tables((DATA / "esttab_crosstab.tex").read_text(), 1)
    assert table.kind == "latex"
    assert table.names == ["Region", "Men", "Women", "Total"]
    assert table.rows[1] == ["Sjælland", "402", "2", "404"]
    assert table.lines == (7, 8, 9, 11)  # the \hline before the total row is skipped


def test_a_spanning_header_names_the_columns_it_spans() -> None:
    (table,) = find_tables((DATA / "kable_booktabs.tex").read_text(), 1)
    assert table.names == ["kommune", "Sex | Mænd", "Sex | Kvinder", "I alt"]
    assert table.rows[0] == ["København", "1204", "1310", "2514"]
    assert table.data_line == 11


def test_rows_split_over_lines_and_fragments_without_the_environment_are_read() -> None:
    text = "Region & Men &\n  Women \\\\ \\hline\nNorth & 12\n & 2 \\\\\nSouth & 40 & 51 \\\\\n"
    (table,) = find_tables(text, 1)
    assert table.names == ["Region", "Men", "Women"]
    assert table.rows == [["North", "12", "2"], ["South", "40", "51"]]
    assert table.lines == (3, 5)


def test_prose_and_equations_with_ampersands_are_not_tables_of_counts(tmp_path: Path) -> None:
    tex = tmp_path / "paper.tex"
    tex.write_text("We thank Statistics Denmark \\& the tax authority.\n"
                   "\\begin{align}\n y &= \\beta x + \\varepsilon \\\\\n z &= 1 \\\\\n w &= 2\n\\end{align}\n")
    assert _scan(tex).verdict is Verdict.PASS


@pytest.mark.parametrize(("name", "expected"), [
    ("esttab_crosstab.tex", [("TAB001", 8)]),
    ("tabout.tex", [("TAB001", 9)]),
    ("kable_booktabs.tex", [("TAB001", 12)]),
    ("gtsummary.tex", [("TAB001", 8)]),
    ("stargazer_summary.tex", [("EXT001", 10), ("EXT002", 10)]),  # (a maximum of any group: review by default)
    ("dominance.tex", [("TAB002", 5)]),
    ("esttab_reg.tex", []),
])
def test_exported_latex_tables_get_the_table_rules(name: str, expected: list[tuple[str, int]]) -> None:
    result = _scan(DATA / name)
    assert _rules(result) == expected
    assert result.verdict is (Verdict.PASS if not expected else Verdict.FAIL)


def test_tables_written_by_pandas_to_latex(tmp_path: Path) -> None:
    long = pd.DataFrame({"region": ["North", "North", "South", "South"], "sex": ["F", "M", "F", "M"],
                         "n": [12, 2, 40, 51]}).set_index(["region", "sex"])
    wide = pd.DataFrame({"F": [12, 40], "M": [2, 51]}, index=pd.Index(["North", "South"], name="region"))
    wide.columns.name = "sex"
    safe = wide + 10
    for name, frame, line in (("long.tex", long, 7), ("wide.tex", wide, 6), ("safe.tex", safe, None)):
        path = tmp_path / name
        path.write_text(frame.to_latex(), encoding="utf-8")
        assert _rules(_scan(path)) == ([("TAB001", line)] if line else []), (name, path.read_text())


def test_unescaped_percent_of_pandas_to_latex_is_no_comment() -> None:
    from scanner.loaders.latex import _uncommented

    # pandas' to_latex leaves "%" unescaped in headers and cells; a comment there would cut the row
    assert _uncommented(r"Branche & Antal & Største andel (%) \\") == r"Branche & Antal & Største andel (%) \\"
    assert _uncommented(r"Industri & 188 & 38.2% \\ % source: FIRM") == r"Industri & 188 & 38.2% \\ "
    assert _uncommented(r"% Industri & 188 & 38.2 \\") == ""  # a row commented out stays out
    assert _uncommented(r"\toprule % rule") == r"\toprule "
