"""The table analysis' fast reading of text columns of whole numbers."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.table_model import _classify_text_numbers, plain_whole_arrow, plain_whole_numbers, plain_whole_python


@given(st.lists(st.one_of(st.none(), st.sampled_from(["", " ", "0", "7", "10", "007", "12 345", "1.5", "-3", "x",
                                                       "NA", " 42", "42 ", "999999999999999999999"]),
                          st.integers(0, 10**12).map(str)), min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_whole_number_fast_path_agrees_with_the_full_reading(values: list[str | None]) -> None:
    """plain_whole_numbers only answers what the full reading would: a column it calls plain is numeric
    with no decimal comma and no thousands separator there too."""
    series = pl.Series("v", values, dtype=pl.String)
    if plain_whole_numbers(series):
        assert _classify_text_numbers(series, frozenset({"..", "x", "NA"})) == (
            True, {"decimal_comma": False, "thousands": None})


def test_the_fast_path_takes_plain_columns_and_leaves_the_rest() -> None:
    assert plain_whole_numbers(pl.Series("n", ["12", "3", None, "", "0", "4051"]))
    for odd in (["012", "3"], ["1 234"], [" 12"], ["-3"], ["1.5"], ["", None], ["x"]):
        assert not plain_whole_numbers(pl.Series("n", odd, dtype=pl.String)), odd


@given(st.lists(st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["Mænd", "Kvinder", "٣", "x", "..", "NA"])),
                min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_a_column_without_digits_is_read_as_no_numbers_by_the_full_reading_too(values: list[str | None]) -> None:
    from scanner.table_model import without_digits

    series = pl.Series("v", values, dtype=pl.String)
    if without_digits(series):
        assert _classify_text_numbers(series, frozenset({"..", "x", "NA"})) == (False, {})


def test_labels_have_no_digits_and_other_scripts_digits_are_left_to_the_full_reading() -> None:
    from scanner.table_model import without_digits

    assert without_digits(pl.Series("r", ["Hovedstaden", "Sjælland", None, "Mænd"]))
    assert not without_digits(pl.Series("r", ["Region 1", "Sjælland"]))
    assert not without_digits(pl.Series("r", ["٣", "x"]))  # ARABIC-INDIC DIGIT THREE


def _column_stats_per_column(sample: pl.DataFrame, raw: pl.DataFrame, columns: list) -> None:
    """The statistics as they were computed before the one-query version: a Series call per statistic."""
    from scanner.table_model import ColumnKind

    for col in columns:
        s = sample.get_column(col.name)
        if col.kind is ColumnKind.NUMERIC:
            s = s.fill_nan(None) if s.dtype.is_float() else s
            present = s.drop_nulls()
            col.non_null = present.len()
            col.distinct = present.n_unique() if col.non_null else 0
            if raw.get_column(col.name).dtype == pl.String:
                text = raw.get_column(col.name).str.strip_chars()
                filled = text.is_not_null() & ~text.str.to_lowercase().is_in(["", "na", "nan", "null"])
                col.markers = int((filled & s.is_null()).sum())
            if col.non_null:
                col.integral = bool((present == present.round(0)).all())
                col.non_negative = bool((present >= 0).all())
        elif col.kind in (ColumnKind.TEXT, ColumnKind.BOOLEAN, ColumnKind.TEMPORAL):
            if s.dtype == pl.String:
                s = s.filter(s.is_not_null() & (s != ""))
            present = s.drop_nulls()
            col.non_null = present.len()
            col.distinct = present.n_unique() if col.non_null else 0


_CELL = st.one_of(st.none(), st.sampled_from(["", " ", "0", "1", "2", "2", "-1", "1.5", "3,5", "12 345", "..", "NA",
                                              "nan", "x", "Mænd", "Kvinder", " 7 ", "1e3", "inf"]))


@given(st.lists(st.lists(_CELL, min_size=4, max_size=4), min_size=0, max_size=25))
@settings(max_examples=300, deadline=None)
def test_the_column_statistics_in_one_query_equal_one_call_per_statistic(rows: list[list[str | None]]) -> None:
    import dataclasses

    import pyarrow as pa

    from scanner.loaders.base import TabularMeta
    from scanner.table_model import _column_stats, analyse

    names = ["a", "b", "c", "d"]
    table = pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})

    class Source:
        path = __import__("pathlib").Path("t.csv")
        schema = table.schema
        meta = TabularMeta(format="csv", delimiter=";")

        def batches(self, batch_rows: int = 65536):
            yield from table.to_batches(batch_rows)

        def incomplete(self) -> tuple[str, ...]:
            return ()

    model = analyse(Source(), sample_rows=1000, suppression_markers=("..", "x"), count_words=(), not_count_words=(),
                    min_rows=100, repeated_key_share=0.5, duplicate_row_share=0.5)
    raw = pl.from_arrow(table)
    fresh = [dataclasses.replace(c, non_null=0, distinct=0, markers=0, integral=False, non_negative=False)
             for c in model.columns]
    want = [dataclasses.replace(c) for c in fresh]
    _column_stats(model.sample, raw, fresh)
    _column_stats_per_column(model.sample, raw, want)
    assert fresh == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["", "NA", ".", "..", " 12.5 ", "0.25", "-3.1", "7", "100",
                                                       "1.234", "12,5", "1.5e3", "05.2", "+4.75", "x", "33.30"]),
                          st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False,
                                      allow_infinity=False).map(str)),
                min_size=1, max_size=40))
def test_small_column_fast_path_agrees_with_the_full_reading(values: list[str | None]) -> None:
    import polars as pl

    import scanner.table_model as tm

    series = pl.Series("v", values, dtype=pl.String)
    markers = frozenset({".."})
    fast = tm._classify_text_numbers(series, markers)
    saved = tm._SMALL_COLUMN
    tm._SMALL_COLUMN = -1
    try:
        full = tm._classify_text_numbers(series, markers)
    finally:
        tm._SMALL_COLUMN = saved
    assert fast == full


def test_firm_names_read_alike_in_python_and_polars() -> None:
    """MIC002's test of a column of firms' names runs in Python on a small table and in Polars on a large
    one: the same pattern must give the same answer."""
    from types import SimpleNamespace

    import polars as pl
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scanner.rules import microdata

    names = st.sampled_from(["Novo Nordisk A/S", "Volvo AB (publ)", "Nokia Oyj", "2,2 KB", "Equinor ASA",
                             "Hansen ApS.", "Region Nord", "", "  ", "Lego A/S ", "Mærsk", "KB", "Oy", "x Oy"])

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.one_of(names, st.none()), min_size=1, max_size=12))
    def check(values: list[str | None]) -> None:
        small = SimpleNamespace(sample=pl.DataFrame({"navn": values}, schema={"navn": pl.String}))
        large = SimpleNamespace(sample=pl.DataFrame({"navn": values * (microdata._FIRM_SMALL // len(values) + 1)},
                                                    schema={"navn": pl.String}))
        assert large.sample.height > microdata._FIRM_SMALL >= small.sample.height
        assert microdata._firm_names(small, "navn") == microdata._firm_names(large, "navn")  # type: ignore[arg-type]

    check()


@given(st.lists(st.one_of(st.none(), st.sampled_from(["", " ", "0", "00", "7", "10", "007", "12 345", "1.5", "-3", "+3",
                                                       "x", "NA", " 42", "42 ", "\u0663", "\u00b2",
                                                       "999999999999999999", "1234567890123456789"]),
                          st.integers(0, 10**12).map(str)), min_size=1, max_size=64))
@settings(max_examples=400, deadline=None)
def test_the_python_reading_of_a_short_column_agrees_with_the_buffer_reading(values: list[str | None]) -> None:
    assert plain_whole_python(values) == plain_whole_arrow(pl.Series("v", values, dtype=pl.String))


@given(st.lists(st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["Mænd", "12", "٣", "²", "x"])),
                min_size=1, max_size=64))
@settings(max_examples=300, deadline=None)
def test_without_digits_of_a_short_column_never_says_more_than_the_long_reading(values: list[str | None]) -> None:
    """The long reading leaves text with bytes from 0xD9 undecided (False); where it decides, both agree, and
    the short reading's True is a column the full reading reads as no numbers."""
    from scanner.table_model import without_digits

    short = pl.Series("v", values, dtype=pl.String)
    long = pl.Series("v", values * (64 // len(values) + 1), dtype=pl.String)
    assert long.len() > 64
    if without_digits(long):
        assert without_digits(short)
    if without_digits(short):
        assert _classify_text_numbers(short, frozenset({"..", "x", "NA"})) == (False, {})
