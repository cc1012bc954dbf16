"""The plain-Python readings of a small table sample against their Polars readings.

``scanner.table_model`` measures a sample of up to ``SMALL_FRAME_ROWS`` rows in plain Python (a Polars query
costs 40-100 us whatever its size) and larger samples with Polars. Both must give the same answer on every
sample; these tests generate samples, run both and compare.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner import table_model as tm
from scanner.table_model import ColumnInfo, ColumnKind

# Cells as exports write them: numbers in several locales, suppression marks, statistics with intervals,
# SPSS's codings and footnotes, words for missing, labels.
_TOKENS = ["1.000", ".000", "0.000", "(1)", "(12)", "412,377a", "2a", "<3", "n<5", "<=7", "..", ":", "-", "x",
           "NA", "na", "NaN", "null", "N/A", "[c]", "5+", "ca. 5", "10-14", "54 (43, 66)", "3.1-9.9",
           "52 ± 10", "61.8 (13.2)", "", " ", "  7 ", "Hovedstaden", "Mænd", "12", "0", "3", "1 204", "2,5",
           "99999999999999999999a", "٣a"]
_text = st.one_of(st.sampled_from(_TOKENS), st.text(alphabet="0123456789.,<>()[]-–± aAxnN%*:/=e", max_size=8))
_cell = st.one_of(st.none(), _text)
_number = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.sampled_from([0.0, -0.0, 1.0, 2.5, 3.0, -1.0]))


@st.composite
def _samples(draw: st.DrawFn, max_rows: int = tm.SMALL_FRAME_ROWS) -> tuple[pl.DataFrame, pl.DataFrame,
                                                                              list[ColumnInfo]]:
    rows = draw(st.integers(0, max_rows))
    kinds = draw(st.lists(st.sampled_from(["num_text", "num_int", "num_float", "text", "bool", "date", "empty"]),
                          min_size=1, max_size=5))
    sample_cols: list[pl.Series] = []
    raw_cols: list[pl.Series] = []
    columns: list[ColumnInfo] = []
    for i, kind in enumerate(kinds):
        name = f"c{i}"
        if kind in ("num_text", "num_float"):
            values = draw(st.lists(_number, min_size=rows, max_size=rows))
            sample_cols.append(pl.Series(name, values, dtype=pl.Float64))
            col_kind = ColumnKind.NUMERIC
        elif kind == "num_int":
            values = draw(st.lists(st.one_of(st.none(), st.integers(-5, 10**6)), min_size=rows, max_size=rows))
            sample_cols.append(pl.Series(name, values, dtype=pl.Int64))
            col_kind = ColumnKind.NUMERIC
        elif kind == "bool":
            values = draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=rows, max_size=rows))
            sample_cols.append(pl.Series(name, values, dtype=pl.Boolean))
            col_kind = ColumnKind.BOOLEAN
        elif kind == "date":
            values = draw(st.lists(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2000, 1, 9))),
                                   min_size=rows, max_size=rows))
            sample_cols.append(pl.Series(name, values, dtype=pl.Date))
            col_kind = ColumnKind.TEMPORAL
        else:
            values = draw(st.lists(_cell, min_size=rows, max_size=rows))
            sample_cols.append(pl.Series(name, values, dtype=pl.String))
            col_kind = ColumnKind.TEXT if kind == "text" else ColumnKind.EMPTY
        if kind == "num_text":
            raw_cols.append(pl.Series(name, draw(st.lists(_cell, min_size=rows, max_size=rows)), dtype=pl.String))
        else:
            raw_cols.append(sample_cols[-1])
        columns.append(ColumnInfo(name=name, index=i, kind=col_kind))
    return pl.DataFrame(sample_cols), pl.DataFrame(raw_cols), columns


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_samples())
def test_column_stats_python_equals_polars(drawn: tuple[pl.DataFrame, pl.DataFrame, list[ColumnInfo]]) -> None:
    sample, raw, columns = drawn
    assert tm.column_stats_python(sample, raw, columns) == tm.column_stats_polars(sample, raw, columns)


def test_column_stats_readings_on_known_cells() -> None:
    """The statistics themselves, not only their agreement: markers, cells that are neither numbers nor marks,
    SPSS's codings."""
    raw = pl.DataFrame({"n": ["12", "<3", "ca. 5", "412,377a", "NA", None, "7"],
                        "b": ["1.000", ".000", "1.000", "", None, ".000", "1.000"]})
    sample = pl.DataFrame({"n": [12.0, None, None, None, None, None, 7.0],
                           "b": [1.0, 0.0, 1.0, None, None, 0.0, 1.0]})
    columns = [ColumnInfo(name="n", index=0, kind=ColumnKind.NUMERIC),
               ColumnInfo(name="b", index=1, kind=ColumnKind.NUMERIC)]
    for stats in (tm.column_stats_python(sample, raw, columns), tm.column_stats_polars(sample, raw, columns)):
        # "<3" is a mark, "ca. 5" unreadable, "412,377a" a footnoted statistic, "NA" missing (not filled)
        assert stats[0] == {"n": 2, "d": 2, "w": True, "p": True, "m": 3, "u": 1, "i": False}
        assert stats[1]["i"] is True and stats[1]["n"] == 5 and stats[1]["d"] == 2


def test_small_and_large_samples_take_the_two_readings(monkeypatch) -> None:
    """A sample above the limit is read by Polars, one at or below it in Python."""
    calls: list[str] = []
    monkeypatch.setattr(tm, "column_stats_python", lambda *a: calls.append("python") or {})
    monkeypatch.setattr(tm, "column_stats_polars", lambda *a: calls.append("polars") or {})
    col = [ColumnInfo(name="a", index=0, kind=ColumnKind.NUMERIC)]
    for rows in (tm.SMALL_FRAME_ROWS, tm.SMALL_FRAME_ROWS + 1):
        frame = pl.DataFrame({"a": [1.0] * rows})
        tm._column_stats(frame, frame, col)
    assert calls == ["python", "polars"]


_aux_cells = st.sampled_from(["(0.002)", "(.)", "[-0.1, 0.3]", ' (1.2) ', '="(3)"', "(12)*", "", " "])


@st.composite
def _frames(draw: st.DrawFn) -> tuple[pl.DataFrame, list[str], list[str], list[str]]:
    """A sample with text and number columns, rows often repeated, and the names of its measures and dims."""
    rows = draw(st.integers(0, tm.SMALL_FRAME_ROWS))
    kinds = draw(st.lists(st.sampled_from(["text", "float", "int"]), min_size=1, max_size=4))
    pool_size = draw(st.integers(1, 4))  # few distinct values: repeated rows and keys are common
    series = []
    for i, kind in enumerate(kinds):
        if kind == "text":
            pool = draw(st.lists(st.one_of(st.none(), _text, _aux_cells), min_size=pool_size, max_size=pool_size))
            dtype = pl.String
        elif kind == "float":
            pool = draw(st.lists(_number, min_size=pool_size, max_size=pool_size))
            dtype = pl.Float64
        else:
            pool = draw(st.lists(st.one_of(st.none(), st.integers(-3, 3)), min_size=pool_size, max_size=pool_size))
            dtype = pl.Int64
        values = [pool[draw(st.integers(0, pool_size - 1))] for _ in range(rows)]
        series.append(pl.Series(f"c{i}", values, dtype=dtype))
    frame = pl.DataFrame(series)
    names = frame.columns
    numeric = [n for n in names if frame.schema[n] != pl.String]
    measures = draw(st.lists(st.sampled_from(numeric), unique=True)) if numeric else []
    dims = draw(st.lists(st.sampled_from(names), unique=True))
    return frame, names, measures, dims


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_repeated_rows_python_equals_polars(drawn: tuple[pl.DataFrame, list[str], list[str], list[str]]) -> None:
    frame, usable, measures, dims = drawn
    assert tm.repeated_rows_python(frame, usable, measures, dims) == \
        tm.repeated_rows_polars(frame, usable, measures, dims)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_key_unique_python_equals_polars(drawn: tuple[pl.DataFrame, list[str], list[str], list[str]]) -> None:
    frame, _usable, _measures, dims = drawn
    if frame.height > 1 and dims:
        assert tm._key_unique(frame, dims) == bool(frame.select(dims).is_unique().all())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.none(), _text, _aux_cells, st.sampled_from(
    ["0.74  0.94", "|", "--", "<0.001", "0.04*", "<0.001 nonnorm", "1,29 (1,12–1,50)", "52.3 (10.2)", "Ålborg"])),
    min_size=1, max_size=tm.SMALL_FRAME_ROWS), min_size=1, max_size=3))
def test_label_tests_python_equals_polars(columns: list[list[str | None]]) -> None:
    rows = min(len(c) for c in columns)
    frame = pl.DataFrame([pl.Series(f"c{i}", c[:rows], dtype=pl.String) for i, c in enumerate(columns)])
    assert tm.label_tests_python(frame, frame.columns) == tm.label_tests_polars(frame, frame.columns)


def test_repeated_rows_known_answers() -> None:
    """Two equal rows of data, a row of standard errors under each coefficient (not repeated rows), a
    footnote without numbers (not a row of data); the key "a" twice."""
    frame = pl.DataFrame({"label": ["a", "a", "(0.01)", "(0.01)", "b", "Source: registers"],
                          "value": [5.0, 5.0, None, None, 7.0, None]})
    for reading in (tm.repeated_rows_python, tm.repeated_rows_polars):
        assert reading(frame, ["label", "value"], ["value"], ["label"]) == (1, 2)
        assert reading(frame, ["label", "value"], [], []) == (1, 6)  # the rows of standard errors still not


_spaces = st.text(alphabet=" \t\u00a0\u2009\u3000\x1cab1", max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _spaces, _text), min_size=1, max_size=tm.SMALL_FRAME_ROWS))
def test_blank_cells_python_equals_polars(values: list[str | None]) -> None:
    """A blank cell is one of white space as Polars strips it (U+001C is no white space there)."""
    small = pl.Series("c", values, dtype=pl.String)
    large = pl.Series("c", values * (tm.SMALL_FRAME_ROWS // len(values) + 1), dtype=pl.String)
    assert tm._any_filled(small) == tm._any_filled(large)
    assert tm._blank_to_null(small).to_list() == tm._blank_to_null(large).to_list()[:len(values)]


def test_dates_beyond_pythons_range() -> None:
    """A date Python cannot hold (year 201416, read from an SPSS file) is measured as Polars measures it."""
    dates = pl.Series("d", [73_000_000, 73_000_000, None, 1], dtype=pl.Int32).cast(pl.Date)
    frame = pl.DataFrame([dates, pl.Series("n", [1.0, 1.0, 2.0, 3.0])])
    columns = [ColumnInfo(name="d", index=0, kind=ColumnKind.TEMPORAL)]
    assert tm.column_stats_python(frame, frame, columns) == tm.column_stats_polars(frame, frame, columns) \
        == {0: {"n": 3, "d": 2}}
    assert tm.repeated_rows_python(frame, ["d", "n"], ["n"], ["d"]) == \
        tm.repeated_rows_polars(frame, ["d", "n"], ["n"], ["d"]) == (1, 2)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.5, float("nan")])), min_size=1,
                         max_size=3), min_size=1, max_size=tm.SMALL_FRAME_ROWS))
def test_hidden_cells_python_equals_polars(rows: list[list[float | None]]) -> None:
    """The published-table audit's cheap test for hidden cells: the same answer on a small sample (Python) and
    on the sample repeated past the limit (Polars), which has the same rows."""
    from types import SimpleNamespace

    from scanner.published import _has_hidden_cells

    width = min(len(r) for r in rows)
    names = [f"m{i}" for i in range(width)]
    small = pl.DataFrame([pl.Series(n, [r[i] for r in rows], dtype=pl.Float64) for i, n in enumerate(names)])
    large = pl.concat([small] * (tm.SMALL_FRAME_ROWS // small.height + 1))
    measures = [ColumnInfo(name=n, index=i, kind=ColumnKind.NUMERIC) for i, n in enumerate(names)]
    assert _has_hidden_cells(SimpleNamespace(sample=small), measures) == \
        _has_hidden_cells(SimpleNamespace(sample=large), measures)


def _both_readings(func, *args):  # type: ignore[no-untyped-def]
    """``func(*args)`` with the plain-Python reading of small samples, then with the Polars reading (the
    limit patched to 0 rows)."""
    import pytest

    small = func(*args)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tm, "SMALL_FRAME_ROWS", 0)
        large = func(*args)
    return small, large


_locale_cells = st.one_of(st.none(), st.sampled_from(
    ["18,5", "1.234,5", "1,234.5", "0.5", ".25", "12,345", "1 234,56", "1\u00a0234.5", " 2,5 ", "-0.75", "3,1415",
     "1 234 567,8", "7", "12.3.2020", "2,5e3", "\u0663,5", "1,5\n", "x"]), _text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_locale_cells, min_size=1, max_size=tm.SMALL_FRAME_ROWS), min_size=1, max_size=3),
       st.sampled_from([None, ";", ","]))
def test_locale_python_equals_polars(columns: list[list[str | None]], delimiter: str | None) -> None:
    """The file's decimal mark, read from its text columns in Python and with Polars."""
    rows = min(len(c) for c in columns)
    raw = pl.DataFrame([pl.Series(f"c{i}", c[:rows], dtype=pl.String) for i, c in enumerate(columns)])
    small, large = _both_readings(tm._locale_of, raw, delimiter)
    assert small == large


def test_locale_known_answers() -> None:
    raw = pl.DataFrame({"a": ["Hovedstaden", "Sjælland"], "b": ["1 234,5", "17,2"]})
    assert tm._locale_of(raw, None) == tm._Locale(comma=True, dot=False)
    raw = pl.DataFrame({"a": ["0.5", "1,234.5"]})
    assert tm._locale_of(raw, ";") == tm._Locale(comma=False, dot=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_fill_down_python_equals_polars(drawn: tuple[pl.DataFrame, list[str], list[str], list[str]]) -> None:
    """Which leading label columns are filled down ("same as above"), read both ways."""
    frame = drawn[0]

    def flags() -> list[bool]:
        columns = [ColumnInfo(name=n, index=i, kind=ColumnKind.TEXT if frame.schema[n] == pl.String
                              else ColumnKind.NUMERIC) for i, n in enumerate(frame.columns)]
        tm._mark_fill_down(frame, columns)
        return [c.fill_down for c in columns]

    small, large = _both_readings(flags)
    assert small == large


def test_fill_down_known_answer() -> None:
    frame = pl.DataFrame({"region": ["Nord", None, "Syd", None, None], "sex": ["M", "K", "M", "K", None],
                          "n": [4.0, 5.0, 6.0, 7.0, None]})
    columns = [ColumnInfo(name="region", index=0, kind=ColumnKind.TEXT),
               ColumnInfo(name="sex", index=1, kind=ColumnKind.TEXT),
               ColumnInfo(name="n", index=2, kind=ColumnKind.NUMERIC)]
    tm._mark_fill_down(frame, columns)
    assert [c.fill_down for c in columns] == [True, False, False]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.0, 2.5, 3.0, -1.0, float("nan"), 100.0])),
                min_size=1, max_size=tm.SMALL_FRAME_ROWS), st.booleans(), st.integers(0, 30))
def test_count_cells_python_equals_polars(values: list[float | None], zeros: bool, itemised: int) -> None:
    """A count column's cells, ones and small cells (with the first itemised), read both ways."""
    from scanner.analysis import published_cells as pc
    from scanner.config import load_config

    profile = load_config().profile
    profile = type(profile)(**{**{f: getattr(profile, f) for f in profile.__dataclass_fields__},
                               "zeros_disclosive": zeros})
    frame = pl.DataFrame({"g": [f"g{k}" for k in range(len(values))], "n": pl.Series(values, dtype=pl.Float64)}) \
        .with_row_index("__row")

    def scan() -> tuple[int, int, int, list[tuple[int, bool]]]:
        result = pc.CellScan()
        result.itemised.extend(pc.SmallCell(0, "x", False, ()) for _ in range(itemised))
        pc._count_cells(frame, "n", 7, ["g"], profile, result)
        return result.cells, result.ones, result.small, [(c.row, c.zero) for c in result.itemised]

    small, large = _both_readings(scan)
    assert small == large
