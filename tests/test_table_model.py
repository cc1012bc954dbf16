"""The table analysis' fast reading of text columns of whole numbers."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.table_model import _classify_text_numbers, plain_whole_numbers


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
