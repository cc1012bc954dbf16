"""scanner.published: the cube of a published table, its additivity check, and the audit of its suppressed cells.

Tables are written as CSV text and read the way ``sdcscan scan`` reads them (the same table analysis), so
each case also checks that the layout is understood: which cell is hidden, which labels are margins,
which margins are sums. The LP helpers it adds to scanner.suppression (``complete``, ``certify_cubes``,
``audit(targets=..., strict=False)``) are checked by hand cases and against a dense LP with hypothesis.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from scanner import api
from scanner.config import load_config
from scanner.engine import ANALYZERS
from scanner.loaders.csv import open_csv
from scanner.published import Exposure, PublishedAudit, audit_published, is_margin_label
from scanner.suppression import audit, certify_cubes, complete
from scanner.table_model import TableModel


def _model(tmp_path: Path, text: str, name: str = "t.csv", profile: str | None = None) -> TableModel:
    path = tmp_path / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return api.analyse_table(open_csv(path), load_config(profile=profile))


def _audit(tmp_path: Path, text: str, profile: str | None = None) -> PublishedAudit:
    config = load_config(profile=profile)
    return ANALYZERS["published-audit"].compute(_model(tmp_path, text, profile=profile), config.profile)


def _exposed(result: PublishedAudit) -> list[tuple[int | None, str, dict[str, str], str]]:
    return [(c.row, c.column, dict(c.labels), c.exposure.value) for c in result.exposed]


# --- margin labels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["I alt", "i  alt", "Total", "TOTAL", "Totalt", "Totals", "Yhteensä", "Alle", "Sum",
                                   "Summa", "Samtliga", "All", "Overall", "Tot.", "Hele landet", "Riket", "Alder i alt",
                                   "Total, both sexes", "I alt (antal)", "All ages", "Begge køn", "Grand total",
                                   "Koko maa"])
def test_margin_labels(label: str) -> None:
    assert is_margin_label(label)


@pytest.mark.parametrize("label", ["", "Nord", "alle 18", "All other industries", "Alle andre", "Totalentreprise",
                                   "Summer", "Mænd", "65 år og derover", "2021"])
def test_labels_that_are_not_margins(label: str) -> None:
    assert not is_margin_label(label)


# --- layouts -----------------------------------------------------------------------------------------------


def test_wide_table_with_total_column_and_row(tmp_path: Path) -> None:
    result = _audit(tmp_path, """
Region;Mænd;Kvinder;I alt
Hovedstaden;812;790;1602
Sjælland;400;n<3;402
Syddanmark;512;530;1042
I alt;1724;1322;3046
""")
    assert _exposed(result) == [(2, "Kvinder", {"Region": "Sjælland"}, "exact")]


def test_long_table_with_margin_rows(tmp_path: Path) -> None:
    result = _audit(tmp_path, """
region;koen;antal
Nord;M;10
Nord;K;n<3
Nord;I alt;12
Syd;M;20
Syd;K;31
Syd;I alt;51
""")
    assert _exposed(result) == [(2, "antal", {"region": "Nord", "koen": "K"}, "exact")]


def test_blank_label_is_the_margin_of_its_group(tmp_path: Path) -> None:
    # "Nord,,12" is Nord's total (the analysis repeats grouped labels into blanks; here it must not)
    result = _audit(tmp_path, "region,sex,n\nNord,M,10\nNord,F,..\nNord,,12\nSyd,M,20\nSyd,F,31\nSyd,,51\n")
    assert _exposed(result) == [(2, "n", {"region": "Nord", "sex": "F"}, "exact")]


def test_grouped_labels_and_blank_totals(tmp_path: Path) -> None:
    # grouped labels (";K" under "Nord;M") repeat; ";;13" under Nord is Nord's total, the last row the grand total
    result = _audit(tmp_path, """
region;sex;n
Nord;M;11
;K;..
;;13
Syd;M;20
;K;31
;;51
;;64
""")
    assert _exposed(result) == [(2, "n", {"region": "Nord", "sex": "K"}, "exact")]


def test_footer_under_the_table_is_not_a_row(tmp_path: Path) -> None:
    result = _audit(tmp_path, """
Region;Mænd;Kvinder;I alt
A;812;790;1602
B;400;n<3;402
I alt;1212;792;2004
Kilde: Danmarks Statistik;;;
""")
    assert _exposed(result) == [(2, "Kvinder", {"Region": "B"}, "exact")]


def test_code_and_name_are_one_dimension(tmp_path: Path) -> None:
    result = _audit(tmp_path, "kode;kommune;antal\n101;København;812\n147;Frederiksberg;..\n151;Ballerup;311\n"
                              "000;Hele landet;1125\n")
    assert _exposed(result) == [(2, "antal", {"kode / kommune": "147 / Frederiksberg"}, "exact")]


def test_hierarchy_cells_off_the_tree_are_zeros(tmp_path: Path) -> None:
    # municipalities nest in regions: Hjørring is Nord's total minus Aalborg (no unknown Syd/Hjørring cell)
    result = _audit(tmp_path, "region;kommune;antal\nNord;Aalborg;120\nNord;Hjørring;n<3\nNord;I alt;122\n"
                              "Syd;Odense;301\nSyd;Svendborg;77\nSyd;I alt;378\n")
    assert _exposed(result) == [(2, "antal", {"region": "Nord", "kommune": "Hjørring"}, "exact")]


def test_three_dimensions_long(tmp_path: Path) -> None:
    rows = ["aar;region;koen;antal"]
    for year, (a, b) in (("2020", (17, 2)), ("2021", (18, 16))):
        rows += [f"{year};Nord;M;{a}", f"{year};Nord;K;{'..' if year == '2020' else b}", f"{year};Nord;I alt;{a + b}"]
        rows += [f"{year};Syd;M;22", f"{year};Syd;K;19", f"{year};Syd;I alt;41"]
    result = _audit(tmp_path, "\n".join(rows) + "\n")
    assert _exposed(result) == [(2, "antal", {"aar": "2020", "region": "Nord", "koen": "K"}, "exact")]


def test_spss_crosstab_with_a_two_row_header(tmp_path: Path) -> None:
    # "Kjønn" over "Menn": the first category may be read as a dimension; the Total column's sums say otherwise
    result = _audit(tmp_path, """
"Næring * Kjønn Crosstabulation"
"Count"
"","","Kjønn","",""
"","","Menn","Kvinner","Total"
"Næring","Jordbruk","121","150","271"
"","Bergverk","380","..","382"
"","Industri","878","654","1532"
"Total","","1379","806","2185"
""")
    assert [(r, c, e) for r, c, _, e in _exposed(result)] == [(2, "Kvinner", "exact")]


def test_chained_recomputation(tmp_path: Path) -> None:
    # A/M and A/K are both hidden; column M's total gives A/M, then A's row total gives A/K
    result = _audit(tmp_path, "Region;M;K;I alt\nA;..;..;3\nB;40;41;81\nI alt;42;42;84\n")
    assert sorted(c for _, c, _, _ in _exposed(result)) == ["K", "M"]
    assert {e for *_, e in _exposed(result)} == {"exact"}


def test_magnitudes_within_p_percent(tmp_path: Path) -> None:
    result = _audit(tmp_path, "branche;omsaetning\nA;12345.6\nB;..\nC;9876.4\nTotal;25000.0\n")
    assert _exposed(result) == [(2, "omsaetning", {"branche": "B"}, "exact")]
    assert not result.exposed[0].count


def test_magnitudes_rounded_in_print_still_add_up(tmp_path: Path) -> None:
    # printed to one decimal: 10.1 + 20.1 + 30.1 = 60.3 but the total shows 60.4 (rounding of the true sums)
    result = _audit(tmp_path, "sektor;A;B;Total\nx;10.1;20.1;30.3\ny;..;30.0;60.0\nTotal;40.1;50.1;90.3\n")
    assert [c for _, c, _, _ in _exposed(result)] == ["A"]


# --- what is not audited as a sum ---------------------------------------------------------------------------------


def test_two_hidden_cells_in_every_line_protect_each_other(tmp_path: Path) -> None:
    result = _audit(tmp_path, "Region;Mænd;Kvinder;I alt\nA;n<3;n<3;41\nB;n<3;n<3;36\nC;41;46;87\nI alt;81;83;164\n")
    assert result.exposed == [] and result.audited == 4


def test_two_hidden_small_cells_are_narrowed(tmp_path: Path) -> None:
    # each row's two hidden cells add up to 4 and 3, each column's to 2 and 5: every one is in [0, 2]..[0, 4]
    result = _audit(tmp_path, "Region;Mænd;Kvinder;I alt\nA;n<3;n<3;4\nB;n<3;n<3;3\nC;41;46;87\nI alt;43;51;94\n")
    narrowed = {(r, c) for r, c, _, e in _exposed(result) if e == "narrow"}
    assert {(1, "Mænd"), (2, "Mænd")} <= narrowed


def test_no_margin_nothing_to_recompute(tmp_path: Path) -> None:
    assert _audit(tmp_path, "Region;Mænd;Kvinder\nA;12;n<3\nB;10;14\n").exposed == []


def test_rounded_table_is_not_audited(tmp_path: Path) -> None:
    result = _audit(tmp_path, "Region;Mænd;Kvinder;I alt\nA;15;20;30\nB;10;..;25\nC;40;45;85\nI alt;65;80;145\n")
    assert result.exposed == [] and result.not_audited == []
    assert any("not the sum" in s for s in result.skipped)


def test_rounded_table_that_happens_to_add_up_pins_no_small_cell(tmp_path: Path) -> None:
    result = _audit(tmp_path, "Region;Mænd;Kvinder;I alt\nA;15;20;35\nB;10;..;25\nC;40;45;85\nI alt;65;80;145\n")
    assert result.exposed == [] and any("rounded" in s for s in result.skipped)


def test_total_row_of_means_is_no_sum(tmp_path: Path) -> None:
    # a neutral header: only the numbers show that the Total row is no sum (310.2 != 300.5 + 320.1)
    result = _audit(tmp_path, "Region;Indkomst\nA;300,5\nB;320,1\nC;..\nTotal;310,2\n")
    assert result.exposed == []


def test_margin_column_that_is_no_sum_is_dropped_but_rows_still_count(tmp_path: Path) -> None:
    # the "I alt" column is not M + K (it is a share of something else); the total row still adds up
    result = _audit(tmp_path, "Region;M;K;I alt\nA;10;12;50\nB;..;14;51\nC;30;31;52\nI alt;42;57;153\n")
    assert _exposed(result) == [(2, "M", {"Region": "B"}, "exact")]


def test_total_smaller_than_its_cells_admits_no_table(tmp_path: Path) -> None:
    # the only line holds the hidden cell, so no line shows the Total is no sum; but the hidden count would
    # have to be negative: a row of means (or anything but a sum)
    result = _audit(tmp_path, "Region;Antal personer\nA;300\nB;..\nTotal;250\n")
    assert result.exposed == [] and any("no additive table" in s for s in result.skipped)


def test_statistic_columns_are_not_audited(tmp_path: Path) -> None:
    result = _audit(tmp_path, "Region;Gennemsnit;Antal\nA;300,5;..\nB;..;5\nTotal;310,2;17\n")
    assert [c for _, c, _, _ in _exposed(result)] == ["Antal"]


# --- the protection asked --------------------------------------------------------------------------------------


def test_large_recomputed_count_is_review(tmp_path: Path) -> None:
    result = _audit(tmp_path, "sektor;antal\nA;54\nB;..\nTotal;120\n")
    assert _exposed(result) == [(2, "antal", {"sektor": "B"}, "not-small")]


def test_recomputed_zero_passes_unless_zeros_are_disclosive(tmp_path: Path) -> None:
    text = "sektor;antal\nA;54\nB;-\nTotal;54\n"
    assert _audit(tmp_path, text).exposed == []
    assert _exposed(_audit(tmp_path, text, profile="acro")) == [(2, "antal", {"sektor": "B"}, "exact")]


def test_acro_threshold_widens_what_is_too_narrow(tmp_path: Path) -> None:
    # a rectangle of hidden cells (5, 40 / 3, 31): each moves by min(5, 31) + min(40, 3) = 8 at most,
    # wide enough for a threshold of 3, not for 10; the cells of 40 and 31 are certainly not small
    text = "Region;M;K;I alt\nA;..;..;45\nB;..;..;34\nC;50;51;101\nI alt;58;122;180\n"
    assert _audit(tmp_path, text).exposed == []
    acro = {(r, c): e for r, c, _, e in _exposed(_audit(tmp_path, text, profile="acro"))}
    assert acro == {(1, "M"): "narrow", (2, "M"): "narrow", (1, "K"): "not-small", (2, "K"): "not-small"}


def test_too_many_cells_for_the_lps_is_not_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.published as published

    monkeypatch.setattr(published, "MAX_LP_CELLS", 1)
    result = _audit(tmp_path, "Region;M;K;I alt\nA;n<3;n<3;4\nB;n<3;n<3;3\nC;41;46;87\nI alt;43;51;94\n")
    assert result.exposed == [] and len(result.not_audited) == 1
    assert "LP audit" in result.not_audited[0]


def test_a_failing_lp_is_not_audited_never_a_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.suppression as suppression

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("solver trouble")

    monkeypatch.setattr(suppression, "complete", broken)
    result = _audit(tmp_path, "sektor;antal\nA;54\nB;n<3\nTotal;56\n")
    assert result.exposed == [] and result.not_audited == ["the LP audit could not be completed"]


def test_tables_without_hidden_cells_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.published as published

    def fail(*args: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(published, "_read_rows", fail)
    model = _model(tmp_path, "Region;M;K;I alt\nA;1;2;3\nI alt;1;2;3\n")
    assert audit_published(model, threshold=3, zeros_disclosive=False, p_percent=0.1).exposed == []


# --- suppression helpers ------------------------------------------------------------------------------------------


def _with_margins(body: np.ndarray) -> np.ndarray:
    table = np.asarray(body, dtype=np.float64)
    for axis in range(table.ndim):
        table = np.concatenate([table, table.sum(axis=axis, keepdims=True)], axis=axis)
    return table


def test_complete_fills_unknowns_consistently() -> None:
    table = _with_margins([[3, 4], [5, 6]])
    unknown = np.zeros(table.shape, dtype=bool)
    unknown[0, 0] = unknown[0, 1] = unknown[2, 2] = True  # two cells of a row and the grand total
    full = complete(table, unknown, nonnegative=True)
    assert full is not None
    assert np.allclose(full[~unknown], table[~unknown])
    assert np.allclose(full[:2].sum(axis=0), full[2]) and np.allclose(full[:, :2].sum(axis=1), full[:, 2])
    assert (full >= 0).all()


def test_complete_refuses_tables_that_cannot_add_up() -> None:
    table = _with_margins([[3, 4], [5, 6]])
    table[2, 0] = 1.0  # the column total is below a published cell of its column
    table[1, 2] = table[2, 2] = 0.0  # unknown below: the row total and the grand total
    unknown = np.zeros(table.shape, dtype=bool)
    unknown[1, 0] = unknown[1, 2] = unknown[2, 2] = True
    assert complete(table, unknown, nonnegative=True) is None
    assert complete(table, unknown, nonnegative=False) is not None  # a negative cell would do


def test_audit_targets_and_lenient_lines() -> None:
    table = _with_margins([[3, 4, 5], [5, 6, 7]])
    table[1, 1] += 0.4  # a fully published line that does not add up exactly (rounding in print)
    hidden = np.zeros(table.shape, dtype=bool)
    hidden[0, 0] = hidden[0, 1] = True
    with pytest.raises(ValueError, match="not the sums"):
        audit(table, hidden, nonnegative=True)
    targets = np.zeros(table.shape, dtype=bool)
    targets[0, 0] = True
    result = audit(table, hidden, nonnegative=True, targets=targets, strict=False)
    assert result.width()[0, 0] == 0.0 and np.isnan(result.width()[0, 1])


def test_certify_cubes_by_hand() -> None:
    table = _with_margins([[2, 40], [30, 2]])
    hidden = np.zeros(table.shape, dtype=bool)
    hidden[:2, :2] = True
    need = np.full(table.shape, 3.0)
    ok = certify_cubes(table, hidden, hidden, need, nonnegative=True)
    # the rectangle moves each corner by min(2, 2) + min(40, 30) = 32 at most (Hundepool et al. 4.3)
    assert ok[:2, :2].all()
    assert certify_cubes(table, hidden, hidden, np.full(table.shape, 32.0), nonnegative=True)[:2, :2].all()
    assert not certify_cubes(table, hidden, hidden, np.full(table.shape, 33.0), nonnegative=True).any()
    # a lone hidden cell has no cube
    lone = np.zeros(table.shape, dtype=bool)
    lone[0, 0] = True
    assert not certify_cubes(table, lone, lone, need, nonnegative=True).any()


def test_certify_cubes_with_a_free_margin() -> None:
    # a column whose total is unknown: the cell and that total move together, without bound
    table = _with_margins([[2, 40], [30, 2]])
    hidden = np.zeros(table.shape, dtype=bool)
    hidden[0, 0] = hidden[2, 0] = hidden[0, 2] = hidden[2, 2] = True
    ok = certify_cubes(table, hidden, hidden, np.full(table.shape, 1000.0), nonnegative=True)
    assert ok[0, 0]


def _dense_width(values: np.ndarray, hidden: np.ndarray, j: int) -> float:
    """The width of cell j's interval by one dense LP per bound (every cell a variable)."""
    n = values.size
    ids = np.arange(n).reshape(values.shape)
    rows = []
    for axis in range(values.ndim):
        for line in np.moveaxis(ids, axis, -1).reshape(-1, values.shape[axis]):
            row = np.zeros(n)
            row[line[:-1]] = -1.0
            row[line[-1]] = 1.0
            rows.append(row)
    bounds = [(0.0, None) if h else (x, x) for x, h in zip(values.ravel(), hidden.ravel(), strict=True)]
    out = []
    for sign in (1.0, -1.0):
        cost = np.zeros(n)
        cost[j] = sign
        res = linprog(cost, A_eq=np.array(rows), b_eq=np.zeros(len(rows)), bounds=bounds, method="highs",
                      options={"presolve": False})
        if res.status == 3:
            return float("inf")
        out.append(sign * res.fun)
    return out[1] - out[0]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_certify_cubes_is_sound(data: st.DataObject) -> None:
    """A certified cell's true interval (dense LP) is at least as wide as required."""
    shape = data.draw(st.sampled_from([(3,), (3, 2), (2, 3), (3, 3), (2, 2, 2)]))
    body = np.array(data.draw(st.lists(st.integers(0, 20), min_size=int(np.prod(shape)),
                                       max_size=int(np.prod(shape))))).reshape(shape)
    table = _with_margins(body)
    flat = data.draw(st.lists(st.booleans(), min_size=table.size, max_size=table.size))
    hidden = np.array(flat).reshape(table.shape)
    need = float(data.draw(st.integers(1, 15)))
    ok = certify_cubes(table, hidden, hidden, np.full(table.shape, need), nonnegative=True)
    for j in np.flatnonzero(ok):
        assert _dense_width(table, hidden, int(j)) >= need - 1e-6


def test_every_margin_word_of_the_issue_is_read_in_a_wide_and_a_long_table(tmp_path: Path) -> None:
    for word, (layout, sep) in itertools.product(["I alt", "Total", "Totalt", "Yhteensä", "Alle", "Sum", "Summa",
                                                  "Samtliga", "All", "Overall", "Tot."],
                                                 [("wide", ";"), ("long", ",")]):
        if layout == "wide":
            text = f"g{sep}a{sep}b{sep}{word}\nx{sep}11{sep}..{sep}13\ny{sep}21{sep}22{sep}43\n"
            want = (1, "b", {"g": "x"}, "exact")
        else:
            text = f"g{sep}n\nx{sep}11\ny{sep}..\n{word}{sep}13\n"
            want = (2, "n", {"g": "y"}, "exact")
        assert _exposed(_audit(tmp_path, text)) == [want], (word, layout)
    assert Exposure.EXACT.value == "exact"


def test_scan_reports_a_table_it_could_not_audit_for_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.published as published

    monkeypatch.setattr(published, "MAX_LP_CELLS", 1)
    export = tmp_path / "export"
    export.mkdir()
    (export / "t.csv").write_text("Region;M;K;I alt\nA;n<3;n<3;4\nB;n<3;n<3;3\nC;41;46;87\nI alt;43;51;94\n",
                                  encoding="utf-8")
    result = api.scan([export], load_config(select=["TAB004"]), jobs=1)
    found = [(f.rule, f.severity.label) for f in result.findings()]
    assert found == [("TAB004", "review")]
    assert "not audited" in next(iter(result.findings())).message
