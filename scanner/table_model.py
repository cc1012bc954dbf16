"""Table analysis: what a tabular file is, before any rule judges it.

A researcher's export holds aggregate tables (one row per cell: dimension labels and counts or
magnitudes), row-level microdata (one row per person or firm), or something in between. The rules need
to know which columns are dimensions, which hold counts, and whether the rows are units. Nothing in the
file says so, so this module infers it from the data, with reasons a checker can read:

* Types: CSV arrives as text. Numbers are parsed per column (decimal comma, thousands separators,
  suppression markers such as ``..``, ``<5`` or ``[REDACTED]``); digit strings with leading zeros
  (``0101``, ``000``) are codes and stay text.
* Dimensions: text columns, numeric columns whose name says so (year, age, region, code, sex...),
  numeric columns left of the last text column (tables put their dimensions first), numeric codes paired
  one-to-one with a text label (``State Fips`` beside ``State Name``), then low-cardinality integer
  columns taken left to right until the dimensions identify every row.
* Shape: if the dimensions identify every row it is a table; if whole rows repeat, or the dimension key
  repeats while a measure varies, the rows are units (microdata). A wide table whose headers are periods
  (``1973;1974;...``, ``2008Q3``) is a table even when a label column is missing.
* Counts: integral, non-negative measures whose name does not say rate, share, mean, money, age, code.

The analysis reads at most ``sample_rows`` rows; the cell rules then stream every batch through
:meth:`TableModel.frames`, which applies the same parsing.
"""

from __future__ import annotations

import enum
import itertools
import logging
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import SUPPRESSION_MARKER, TabularMeta, TabularSource
from scanner.names import (
    COUNT_STAT_NAMES,
    COUNT_WITH_PERCENT,
    DIMENSION_WORDS,
    LETTERED_GROUP_WORDS,
    identifier_kind,
    is_margin_label,
    name_tokens,
    statistic_kind,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DRAW_INDEX", "ColumnInfo", "ColumnKind", "Role", "TableModel", "TableShape", "analyse"]

log = logging.getLogger(__name__)

# Text that stands for "no value here" in published and researcher tables, besides the profile's
# suppression markers: empty cells, R/Stata/SAS missing values, dashes.
_NULL_TEXT = frozenset({"", "na", "n/a", "nan", "null", "none", ".", "-", "--", "–", "—", "…", "...", ".."})
_NUM_DOT = lazy_compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NUM_COMMA_DEC = lazy_compile(r"^[+-]?\d+,\d+$")
_NUM_THOUSANDS_COMMA = lazy_compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUM_THOUSANDS_DOT = lazy_compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_LEADING_ZERO = lazy_compile(r"^0\d+$")
_PERIOD_NAME = lazy_compile(
    r"^(1[89]\d\d|20\d\d)([ _-]?([QKMHWU]|Q0?|K0?|M0?|H0?|W|U)\d{1,2}|[-/](1[89]\d\d|20\d\d|\d{2}))?$",
    re.IGNORECASE,
)

class ColumnKind(enum.StrEnum):
    """How a column's values read after parsing."""

    NUMERIC = "numeric"
    TEXT = "text"
    TEMPORAL = "temporal"
    BOOLEAN = "boolean"
    NESTED = "nested"
    EMPTY = "empty"


class Role(enum.StrEnum):
    """What a column does in the table."""

    DIMENSION = "dimension"
    MEASURE = "measure"
    IDENTIFIER = "identifier"  # a column named as a key (pnr, LopNr, id, e-mail): never a table dimension
    OTHER = "other"  # empty or nested


class TableShape(enum.StrEnum):
    """What the rows of a tabular file are."""

    AGGREGATE = "aggregate"  # one row per table cell (or per row label in a wide table)
    MICRODATA = "microdata"  # one row per unit
    UNKNOWN = "unknown"


@dataclass(slots=True)
class ColumnInfo:
    """Facts about one column, from the sample."""

    name: str
    index: int
    kind: ColumnKind
    role: Role = Role.OTHER
    non_null: int = 0
    distinct: int = 0
    markers: int = 0  # suppressed / not-a-number cells in a numeric column
    unreadable: int = 0  # of those, cells with digits that are not a suppression mark ("ca. 5", "10-14")
    integral: bool = False
    non_negative: bool = False
    decimal_comma: bool = False
    thousands: str | None = None  # "," or "." or " " when numbers use a thousands separator
    embedded: bool = False  # counts written inside text cells: "2 (1.3%)", "n=2", "2/150"
    #: the count is the number in brackets after an amount ("312,4 (2)": EUR m of 2 firms), as the table says
    count_in_brackets: bool = False
    percent: str = ""  # numbers written with a percent sign: "all" of them, "some" (rows of shares), ""
    unsure: str = ""  # what could not be decided about the column's reading (value-free)
    indicator: bool = False  # every number written "1.000" or ".000": a contrast's indicator codes (SPSS)
    plain_whole: bool = False  # every filled cell written as digits alone (plain_whole_numbers): read by a cast
    is_count: bool = False
    count_named: bool = False  # the name says counts ("n", "antal", "Freq.")
    period_header: bool = False
    #: named like a statistic ("Barn D1") but one of the classes whose counts add up to the row's total
    class_of_total: bool = False
    fill_down: bool = False  # blank cells repeat the label above (grouped row labels)
    #: the summary statistic the name announces (:func:`scanner.names.statistic_kind`): "min", "max",
    #: "percentile", "mean", "spread", "estimate", "share", "dominance", or None
    statistic: str | None = None
    reason: str = ""  # why the role was chosen (value-free)

    @property
    def distinct_share(self) -> float:
        return self.distinct / self.non_null if self.non_null else 0.0


@dataclass(slots=True)
class TableModel:
    """The analysed table: columns with roles, the parsed sample, and the inferred shape."""

    source: TabularSource
    columns: list[ColumnInfo]
    sample: pl.DataFrame
    sample_complete: bool
    shape: TableShape
    shape_reasons: list[str] = field(default_factory=list)
    key_unique: bool = False
    duplicate_rows: int = 0
    repeated_key_rows: int = 0
    wide: bool = False
    #: a long table whose values are of several measures named by a label column ("maal": "Antal familier",
    #: "Gns. antal børn"): value column -> (label column, the labels naming counts). Its rows of counts are
    #: count cells; the column is no count column (its other rows are means, shares).
    count_rows: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    #: memo of analyses that depend on the table alone (the summary layout of the EXT rules); the engine's
    #: facts (scanner.engine) are computed per judging, not stored here
    cache: dict[object, object] = field(default_factory=dict)

    @property
    def meta(self) -> TabularMeta:
        return self.source.meta

    @property
    def n_sample_rows(self) -> int:
        return self.sample.height

    def column(self, name: str) -> ColumnInfo:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def dimensions(self) -> list[ColumnInfo]:
        return [c for c in self.columns if c.role is Role.DIMENSION]

    @property
    def measures(self) -> list[ColumnInfo]:
        return [c for c in self.columns if c.role is Role.MEASURE]

    @property
    def counts(self) -> list[ColumnInfo]:
        return [c for c in self.columns if c.is_count]

    def frames(self, batch_rows: int = 262_144) -> Iterator[tuple[int, pl.DataFrame]]:
        """Every row of the file, parsed like the sample, as (first row index, frame) pairs.

        When the sample already holds the whole file it is yielded as is; otherwise the source is
        streamed again batch by batch, so memory stays flat for files larger than memory.
        """
        if self.sample_complete:
            yield 0, self.sample
            return
        offset = 0
        last: dict[str, object] = {}
        for batch in self.source.batches(batch_rows):
            frame = _fill_down(_parse_frame(_to_frame(batch), self.columns), self.columns, last)
            yield offset, frame
            offset += frame.height


def _to_frame(batch: pa.RecordBatch | pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    return frame


# How a number is written. Three-digit groups after a single separator ("50.285", "12,345") are the
# ambiguous case: thousands in one locale, decimals in another (see _Locale).
_INT = lazy_compile(r"^[+-]?\d+$")
_DOT3 = lazy_compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+$")  # 50.285, 1.234.567 (never 0.123)
_COMMA3 = lazy_compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+$")  # 12,345
_DOT_DEC = lazy_compile(r"^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$")
_COMMA_DEC = lazy_compile(r"^[+-]?\d+,\d+$")
_DOT3_COMMA_DEC = lazy_compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$")  # 1.234,5
_COMMA3_DOT_DEC = lazy_compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")  # 1,234.5
_SCI = lazy_compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
# A space, no-break space or narrow no-break space between digits groups thousands ("12 345").
_SPACE_GROUP = r"(\d)[\u00a0\u202f\u2009\u2007 ](\d{3})"


def _join_groups_expr(text: pl.Expr) -> pl.Expr:
    """:func:`_join_groups` as an expression (always rewrites: for a call that does many columns)."""
    return text.str.replace_all(_SPACE_GROUP, "${1}${2}").str.replace_all(_SPACE_GROUP, "${1}${2}")


def _join_groups(text: pl.Series) -> pl.Series:
    """ "12 345" -> "12345" (twice: the regex engine has no look-behind, so "1 234 567" needs two)."""
    if not text.str.contains(_SPACE_GROUP).any():
        return text  # the common case: one scan instead of two rewrites
    return text.str.replace_all(_SPACE_GROUP, "${1}${2}").str.replace_all(_SPACE_GROUP, "${1}${2}")

# Counts written inside text cells, as in the "Table 1" of a clinical paper (tableone, gtsummary, Stata
# table1): "2 (1.3%)", "2 (1.3)", "n=2", "2/150". The count is the first integer.
# A footnote mark after a count: "2*", "2 †", "2 a)", "2¹" (a published table's flag on a cell).
_FOOTNOTE = r"\s*(?:\*{1,3}|[†‡§¹²³⁴]|\(?[a-z]\))"
# A count with or without thousands separators: "2", "1.037", "4,866", "1 234" (a table of thousands writes
# every cell so; its percentages keep their decimals: "1.037 (19,1 %)").
_COUNT = r"(?:\d{1,3}(?:[.,\u00a0\u202f\u2009\u2007 ]\d{3})+|\d+)"
_GROUP_MARKS = r"[.,\u00a0\u202f\u2009\u2007 ]"
_EMBEDDED_COUNT = lazy_compile(
    r"^(?:[nN]\s*=\s*)?(" + _COUNT + r")(?:\s*[(\[]\s*[<>]?\s*\d+(?:[.,]\d+)?\s*%?\s*[)\]]|\s*/\s*" + _COUNT
    + "|" + _FOOTNOTE + r")?$"
)
_EMBEDDED_FORM = lazy_compile(
    r"^(?:[nN]\s*=\s*" + _COUNT + "|" + _COUNT + r"\s*[(\[]\s*[<>]?\s*\d+(?:[.,]\d+)?\s*%?\s*[)\]]|" + _COUNT
    + r"\s*/\s*" + _COUNT + r"|\d+" + _FOOTNOTE + r"|[<>]?\d+(?:[.,]\d+)?\s*%\s*[(\[]\s*" + _COUNT + r"\s*[)\]])$"
)
# The count after its percentage: "95.7% (45)", "4.3%  (2)" (janitor's adorn_ns(), percentages first).
_PERCENT_COUNT = lazy_compile(r"^[<>]?\d+(?:[.,]\d+)?\s*%\s*[(\[]\s*(" + _COUNT + r")\s*[)\]]$")
# Statistics written the same way: "52.3 (10.2)" mean (SD), "45 [30, 60]" median [IQR], "3.1 (2.0-4.5)".
_EMBEDDED_STAT = lazy_compile(
    r"^[+-]?\d+(?:[.,]\d+)?\s*(?:±\s*\d+(?:[.,]\d+)?|[(\[]\s*[+-]?\d+(?:[.,]\d+)?\s*%?\s*"
    r"(?:(?:[-–;,]|to)\s*[+-]?\d+(?:[.,]\d+)?\s*)?[)\]])$"
)


# A statistic with its interval or spread, two numbers in the brackets: "54 (43, 66)" median (Q1, Q3),
# "3.1 [2.0-4.5]", "52.3 ± 10.2". (One number in brackets may be a count's percentage: "2 (1.3)".)
_STATISTIC_WITH_INTERVAL = lazy_compile(
    r"^[+-]?\d+(?:[.,]\d+)?\s*(?:±\s*\d+(?:[.,]\d+)?|[(\[]\s*[+-]?\d+(?:[.,]\d+)?\s*(?:[-–;,]|to)\s*[+-]?\d+(?:[.,]\d+)?"
    r"\s*[)\]])$"
    # a mean with its SD, "61.8 (13.2)" (a decimal before the bracket: no count), and a range of decimals,
    # "3.1-9.9" (a range of whole numbers, "10-14", may be a rounded count)
    r"|^[+-]?\d+[.,]\d+\s*[(\[]\s*\d+(?:[.,]\d+)?\s*[)\]]$|^[+-]?\d+[.,]\d+\s*(?:[-–]|to)\s*[+-]?\d+[.,]\d+$"
)


@dataclass(frozen=True, slots=True)
class _Locale:
    """How the file as a whole writes numbers: evidence from every text column of the sample.

    ``comma``: some value can only be read with a decimal comma ("18,5", "1.234,5") or the file is
    semicolon-separated (Excel in the Nordic locales writes ";" because "," is its decimal mark).
    ``dot``: some value can only be read with a decimal point ("0.5", "1,234.5").
    """

    comma: bool = False
    dot: bool = False


def plain_whole_numbers(values: pl.Series) -> bool:
    """Whether every non-blank value of a text column is a plain whole number (digits only, no sign, no
    leading zero, no surrounding space): decided in one NumPy pass over Arrow's buffers,
    the common case of a CSV column of counts or codes. False means "not decided here": the column then
    gets the full reading (:func:`_classify_text_numbers`), which reaches the same answer for every column
    this says True of."""
    if values.len() <= SMALL_FRAME_ROWS:
        return plain_whole_python(values.to_list())
    return plain_whole_arrow(values)


def plain_whole_python(values: Sequence[str | None]) -> bool:
    """:func:`plain_whole_numbers` of a short column's values, in plain Python (no Arrow buffers, no NumPy)."""
    filled = False
    for v in values:
        if not v:
            continue
        if len(v) > 18 or not (v.isascii() and v.isdigit()) or (v[0] == "0" and len(v) > 1):
            return False
        filled = True
    return filled


def plain_whole_arrow(values: pl.Series) -> bool:
    """:func:`plain_whole_numbers` over Arrow's buffers (NumPy passes, for columns of any length)."""
    import numpy as np

    from scanner.arrow_buffers import string_buffers

    buffers = string_buffers(values.to_arrow())
    if buffers is None:
        return False
    offsets, data, valid = buffers
    lengths = np.diff(offsets)
    nonblank = valid & (lengths > 0)
    if not nonblank.any():
        return False
    first, last = data[offsets[:-1][nonblank]], data[offsets[1:][nonblank] - 1]
    if not (((first >= 48) & (first <= 57)).all() and ((last >= 48) & (last <= 57)).all()):
        return False  # surrounding space, a sign, a letter: the full reading decides
    if ((first == 48) & (lengths[nonblank] > 1)).any():
        return False  # a leading zero: a code, which the full reading says
    if (lengths[nonblank] > 18).any() or (lengths[~valid] > 0).any():
        return False  # too long for an int64, or bytes behind a null slot: the full reading decides
    used = data[int(offsets[0]):int(offsets[-1])]
    # NumPy only (no kernel): a scan that needs no kernel must not load Numba for this check
    return bool(((used >= 48) & (used <= 57)).all())


_ANY_DIGIT = lazy_compile(r"\d")


def without_digits(values: pl.Series) -> bool:
    """Whether a text column holds no digit at all (labels such as "Hovedstaden", "Mænd"): one pass over
    Arrow's bytes. Exact for the readings that look for ``\\d`` (Unicode decimal digits): a byte from 0xD9
    up may start one (U+0660 and later), so text with such bytes is not decided here (False)."""
    if values.len() <= SMALL_FRAME_ROWS:
        return not any(v and _ANY_DIGIT.search(v) for v in values.to_list())

    from scanner.arrow_buffers import string_buffers

    buffers = string_buffers(values.to_arrow())
    if buffers is None:
        return False
    offsets, data, _valid = buffers
    used = data[int(offsets[0]):int(offsets[-1])] if len(offsets) else data[:0]
    return not bool(((used >= 48) & (used <= 57)).any() or (used >= 0xD9).any())


def _locale_of(raw: pl.DataFrame, delimiter: str | None, plain: frozenset[str] = frozenset()) -> _Locale:
    # a column of plain whole numbers (``plain``: those already known), or of labels without a digit, has no
    # number to tell a locale by
    names = [name for name, dtype in raw.schema.items()
             if dtype == pl.String and name not in plain and not plain_whole_numbers(raw.get_column(name))
             and not without_digits(raw.get_column(name))]
    comma = dot = False
    if names and raw.height <= SMALL_FRAME_ROWS:
        comma, dot = _locale_python(raw, names)
    elif names:
        # which columns group digits with spaces (a rewrite of every value costs ten times the test)
        spaced = raw.select(pl.col(name).str.contains(_SPACE_GROUP).any().alias(f"s{k}")
                            for k, name in enumerate(names)).row(0)
        exprs = []
        for k, name in enumerate(names):
            text = pl.col(name).str.strip_chars()
            text = _join_groups_expr(text) if spaced[k] else text
            exprs.append((text.str.contains(_COMMA_DECIMALS.pattern)
                          | text.str.contains(_DOT3_COMMA_DEC.pattern)).any().alias(f"comma{k}"))
            exprs.append((text.str.contains(_DOT_DECIMALS.pattern)
                          | text.str.contains(_COMMA3_DOT_DEC.pattern)
                          | text.str.contains(_ZERO_POINT.pattern)).any().alias(f"dot{k}"))
        flags = raw.select(exprs).row(0)
        comma = any(bool(f) for f in flags[0::2])
        dot = any(bool(f) for f in flags[1::2])
    if delimiter == ";" and not dot:
        comma = True
    return _Locale(comma=comma and not dot, dot=dot and not comma)


_COMMA_DECIMALS = lazy_compile(r"^[+-]?\d+,(\d{1,2}|\d{4,})$")
_DOT_DECIMALS = lazy_compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})$")
_ZERO_POINT = lazy_compile(r"^[+-]?0\.\d+$")
_SPACE_GROUP_RE = lazy_compile(_SPACE_GROUP)


def _locale_python(raw: pl.DataFrame, names: list[str]) -> tuple[bool, bool]:
    """:func:`_locale_of`'s evidence (a decimal comma, a decimal point) from a small sample's text columns in
    plain Python (see :data:`SMALL_FRAME_ROWS`): the same patterns on the same stripped text."""
    comma = dot = False
    for name in names:
        values = [v for v in raw.get_column(name).to_list() if v is not None]
        spaced = any(_SPACE_GROUP_RE.search(v) for v in values)
        for v in values:
            text = v.strip(WHITE_SPACE)
            if spaced:
                text = _SPACE_GROUP_RE.sub(r"\1\2", _SPACE_GROUP_RE.sub(r"\1\2", text))
            comma = comma or bool(_COMMA_DECIMALS.search(text) or _DOT3_COMMA_DEC.search(text))
            dot = dot or bool(_DOT_DECIMALS.search(text) or _COMMA3_DOT_DEC.search(text) or _ZERO_POINT.search(text))
            if comma and dot:
                return True, True
    return comma, dot


#: Columns up to this many values are first tried for plain decimals in Python (a Polars call costs about
#: 0.1 ms, more than such a column's values; a log's printed tables are read by the thousand).
_SMALL_COLUMN = 512
_PLAIN_DECIMAL = lazy_compile(r"^[+-]?(?:0|[1-9]\d*)(?:\.(\d+))?$")


# An open class among numbered ones: "16 eller yngre", "43 eller eldre", "90 år og derover", "65 or older",
# "under 20", "yli 85".
_OPEN_CLASS = lazy_compile(
    r"(?i)^\s*\d+\s*(?:år\s+)?(?:eller|og|och|or|and|tai|ja|years?\s+or|vuotta\s+tai)\s+\w+"
    r"|^\s*(?:under|over|below|above|alle|yli|mindre\s+end|mer\s+enn|fler\s+än|minst|at\s+least)\s+\d+")


def _open_classes(values: list[object]) -> bool:
    """Numbered classes with open ends: an open class first and/or last ("16 eller yngre", "43 eller eldre")
    around whole numbers that strictly ascend (a count column with "under 5" among its counts is no such
    column, and stays numbers)."""
    texts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if len(texts) < 3:
        return False
    inner = texts[1:-1]
    ends = [t for t in (texts[0], texts[-1]) if _OPEN_CLASS.match(t)]
    if not ends or not all(t.isdigit() for t in inner):
        return False
    numbers = [int(t) for t in inner]
    return all(b > a for a, b in itertools.pairwise(numbers))


def _plain_decimals(values: list[object], markers: frozenset[str]) -> bool:
    """Whether the filled values are plain numbers with a decimal point and no thousands separator, at
    least one with decimals, none with exactly three (``1.234`` may be a thousands group)."""
    dotted = False
    for v in values:
        if v is None:
            continue
        s = str(v).strip()
        if not s or s.lower() in _NULL_TEXT or s in markers:
            continue
        m = _PLAIN_DECIMAL.match(s)
        if m is None:
            return False
        if m.group(1) is not None:
            if len(m.group(1)) == 3:
                return False
            dotted = True
    return dotted


# A percentage's sign after its number, stripped before the number is read.
_PERCENT_SIGN = r"\d\s*%$"
_PERCENT_SIGN_ONLY = r"\s*%$"


def _percent_levels(bare: pl.Series) -> bool:
    """Whole percentages, distinct and ascending: the levels of percentiles, not values."""
    whole = bare.str.contains(r"^\d{1,3}$").all()
    if not whole or bare.len() < 2:
        return False
    levels = bare.cast(pl.Int64, strict=False)
    return bool(levels.is_unique().all()) and bool(levels.is_sorted())


def _classify_text_numbers(values: pl.Series, markers: frozenset[str],
                           locale: _Locale | None = None) -> tuple[bool, dict[str, object]]:
    """Decide whether a text column holds numbers, and how they are written.

    Three-digit groups are read by evidence, strongest first: the column itself ("1.234.567", "1.234,5",
    "18,5" beside "50.285"), then the whole file's locale, then the column's shape (whole numbers of at
    most three digits beside "50.285" are thousands: a decimal column does not round some values to
    integers and give others exactly three decimals). Left undecided, a group is read as thousands, the
    reading that keeps the counts checkable, and ``unsure`` says so.
    """
    locale = locale or _Locale()
    if values.len() <= _SMALL_COLUMN and _plain_decimals(values.to_list(), markers):
        # the common case of a small printed table (percentages, means): what the passes below conclude
        return True, {"decimal_comma": False, "thousands": None}
    # Few passes, each one Polars call over several expressions: a call costs far more than a small
    # column's values (most tables are small), and Polars runs a call's expressions side by side.
    text = pl.col("v").str.strip_chars()
    is_null = text.str.to_lowercase().is_in(list(_NULL_TEXT)) | text.is_in(list(markers)) | text.is_null()
    present = values.to_frame("v").select(text.filter(~is_null)).to_series()
    if present.len() == 0:
        return False, {}
    plain, leading_zero, digits, percent = present.to_frame("v").select(
        # The common case: plain whole numbers without a leading zero (what the steps below conclude for
        # them too).
        pl.col("v").str.contains(r"^(?:0|[1-9][0-9]*)$").all().alias("plain"),
        # Digit strings with a leading zero are codes (municipality 0101, area 000), never counts.
        pl.col("v").str.contains(_LEADING_ZERO.pattern).any().alias("leading_zero"),
        # Labels ("Hovedstaden", "Mænd"): without a digit no value below can match a number or a count.
        pl.col("v").str.contains(r"\d").any().alias("digits"),
        # Percentages written with their sign ("46.3%", "5,0 %"): all of the column, or some of its rows
        # (SPSS's "Count" and "% within" rows in turn)
        pl.col("v").str.contains(_PERCENT_SIGN).mean().alias("percent"),
    ).row(0)
    if percent:
        bare = present.str.replace(_PERCENT_SIGN_ONLY, "")
        if percent == 1 and _percent_levels(bare):
            return False, {}  # labels of percentiles ("1%", "5%", "10%": Stata's summarize, detail)
        is_num, info = _classify_text_numbers(bare, markers, locale)
        if is_num:
            info["percent"] = "all" if percent == 1 else "some"
        return is_num, info
    if plain:
        return True, {"decimal_comma": False, "thousands": None}
    if not digits:
        return False, {}
    if leading_zero:
        return False, {}
    compact = _join_groups(present)
    c = pl.col("c")
    ints = c.str.contains(_INT.pattern)
    dot3 = c.str.contains(_DOT3.pattern)
    comma3 = c.str.contains(_COMMA3.pattern)
    dot_dec = c.str.contains(_DOT_DEC.pattern) & ~dot3
    comma_dec = c.str.contains(_COMMA_DEC.pattern) & ~comma3
    dot3_cdec = c.str.contains(_DOT3_COMMA_DEC.pattern)
    comma3_ddec = c.str.contains(_COMMA3_DOT_DEC.pattern)
    sci = c.str.contains(_SCI.pattern)
    # Markers that are not in the profile list but clearly mean "suppressed" ("<5", "n<3", "[R]").
    other = pl.col("p").str.contains(f"^(?:{SUPPRESSION_MARKER.pattern})$")
    numeric = ints | dot3 | comma3 | dot_dec | comma_dec | dot3_cdec | comma3_ddec | sci
    facts = pl.DataFrame({"c": compact, "p": present}).select(
        spaced=(c.str.len_chars() < pl.col("p").str.len_chars()).any(),
        n_num=numeric.sum(),
        n_other=other.sum(),
        groups_dot=c.filter(dot3).str.count_matches(r"\.").max(),
        groups_comma=c.filter(comma3).str.count_matches(",").max(),
        comma_any=(comma_dec | dot3_cdec).any(),
        dot_any=(dot_dec | comma3_ddec).any(),
        comma_n=(comma_dec | dot3_cdec).sum(),
        dot_n=(dot_dec | comma3_ddec).sum(),
        dot3_any=dot3.any(),
        comma3_any=comma3.any(),
        dot3_cdec_any=dot3_cdec.any(),
        comma3_ddec_any=comma3_ddec.any(),
        ints_any=ints.any(),
        int_digits=c.filter(ints).str.strip_chars_start("+-").str.len_chars().max(),
        trailing_zero=c.filter(dot3).str.ends_with("0").any(),
    ).row(0, named=True)
    n = compact.len()
    n_num = int(facts["n_num"])
    need = max(1, int(0.95 * (n - int(facts["n_other"]))))
    if n_num < need or n_num == 0:
        return _classify_embedded(present)
    if n_num < n and _open_classes(present.to_list()):
        return False, {}  # classes: "16 eller yngre", 17, ..., "43 eller eldre" are labels (null ones repeat)
    info: dict[str, object] = {"decimal_comma": False, "thousands": " " if facts["spaced"] else None}
    comma_style = bool(facts["comma_any"]) or int(facts["groups_dot"] or 0) > 1
    dot_style = bool(facts["dot_any"]) or int(facts["groups_comma"] or 0) > 1
    if comma_style and dot_style:
        # Both "18,5" and "0.5" in one column: the majority decides; the rest does not parse (null).
        comma_style = int(facts["comma_n"]) >= int(facts["dot_n"])
        dot_style = not comma_style
    if comma_style:
        info["decimal_comma"] = True
        if facts["dot3_any"] or facts["dot3_cdec_any"]:
            info["thousands"] = "."
        return True, info
    if dot_style:
        if facts["comma3_any"] or facts["comma3_ddec_any"]:
            info["thousands"] = ","
        return True, info
    # Only whole numbers and three-digit groups are left.
    small_ints = bool(facts["ints_any"]) and int(facts["int_digits"] or 0) <= 3
    if facts["dot3_any"] and facts["comma3_any"] and not locale.comma:
        # "52.500" beside "312,400" in one column (stargazer, esttab: three decimals, thousands grouped by
        # commas): one mark is the decimal, and without a comma locale it is the dot
        info["thousands"] = ","
        if not locale.dot:
            info["unsure"] = "numbers such as 1.234 read as decimals and 1,234 as thousands (the file mixes both)"
        return True, info
    if facts["dot3_any"]:
        if locale.dot and not locale.comma and not facts["comma3_any"] and not small_ints:
            # the file writes decimal points: "212.463" is a decimal (a program's printout); not beside whole
            # numbers of up to three digits in the same column ("4.812" over "703" and "27": R's big.mark=".",
            # a program prints a column's decimals alike)
            return True, info
        if locale.comma or small_ints or facts["trailing_zero"]:
            info["decimal_comma"], info["thousands"] = True, "."
        elif not locale.dot:
            info["decimal_comma"], info["thousands"] = True, "."
            info["unsure"] = "numbers such as 1.234 read as thousands (the file does not show its decimal mark)"
        return True, info
    if facts["comma3_any"]:
        if locale.dot or small_ints:
            info["thousands"] = ","
        elif locale.comma:
            info["decimal_comma"] = True
        else:
            info["thousands"] = ","
            info["unsure"] = "numbers such as 1,234 read as thousands (the file does not show its decimal mark)"
        return True, info
    return True, info


# A suppressed count written with its percentage in one cell: "<3 (1,4)", "x (0.8%)", ".. (2,1)".
SUPPRESSED_WITH_PERCENT = lazy_compile(
    r"^\s*(?:n?\s*[<≤]\s*\d+|\.{1,3}|x|X|:|\*+|-)\s*\(\s*(\d+(?:[.,]\d+)?)\s*%?\s*\)\s*$")


# A suppressed count whose percentage is left out too: "<3 (-)", "x (.)", "<5 (–)".
SUPPRESSED_NO_PERCENT = lazy_compile(r"^\s*(?:n?\s*[<≤]\s*\d+|\.{1,3}|x|X|:|\*+|-)\s*\(\s*(?:[-–—.…x*]{1,3}|n/?a)?"
                                      r"\s*%?\s*\)\s*$")


def _classify_embedded(present: pl.Series) -> tuple[bool, dict[str, object]]:
    """A text column of counts written with their percentage or denominator ("2 (1.3%)", "n=2", "2/150")."""
    forms = present.str.contains(_EMBEDDED_FORM.pattern)
    if not forms.any():
        return False, {}
    if bool(present.str.contains(r"^\s*[0-2]\s*[/|]\s*[0-2]\s*$").all()) \
            and bool(present.str.contains(r"^\s*0\s*/\s*0\s*$|\|").any()):
        return False, {}  # genotype calls ("0/0", "0/1", "1/1", phased "0|1"): labels, no count over its base
    plain = _join_groups(present).str.contains(r"^[+-]?\d+([.,]\d+)?%?$")
    stats = present.str.contains(_EMBEDDED_STAT.pattern)
    other = present.str.contains(f"^(?:{SUPPRESSION_MARKER.pattern})$")
    # a suppressed count that kept its percentage ("<3 (1,4)"): a cell of the column, not a label
    hidden = present.str.contains(SUPPRESSED_WITH_PERCENT.pattern) | present.str.contains(SUPPRESSED_NO_PERCENT.pattern)
    readable = int((forms | plain | stats | other | hidden).sum())
    if readable < 0.8 * present.len():
        return False, {}
    return True, {"embedded": True}


def _parse_numbers(values: pl.Series, info: ColumnInfo) -> pl.Series:
    if info.count_in_brackets:
        return values.str.strip_chars().str.extract(_AMOUNT_BRACKET_COUNT.pattern, 1) \
            .str.replace_all(_GROUP_MARKS, "").cast(pl.Float64, strict=False).alias(values.name)
    if info.embedded:
        # The count of "2 (1.3%)", "n=2", "2/150" or a plain whole number; statistics ("52.3 (10.2)") null.
        text = values.str.strip_chars()
        count = text.str.extract(_EMBEDDED_COUNT.pattern, 1).fill_null(text.str.extract(_PERCENT_COUNT.pattern, 1))
        return count.str.replace_all(_GROUP_MARKS, "").cast(pl.Float64, strict=False).alias(values.name)
    if info.plain_whole and not info.percent and info.thousands is None and not info.decimal_comma:
        # digits alone, no space, sign or mark around them: the rewrites below change nothing, a cast reads them
        text = values
    else:
        text = _join_groups(values.str.strip_chars())
    if info.percent:
        text = text.str.replace(_PERCENT_SIGN_ONLY, "")
    if info.thousands == ",":
        text = text.str.replace_all(",", "", literal=True)
    elif info.thousands == ".":
        text = text.str.replace_all(".", "", literal=True)
    if info.decimal_comma:
        text = text.str.replace_all(",", ".", literal=True)
    parsed = text.cast(pl.Float64, strict=False).alias(values.name)
    if parsed.null_count() > values.null_count():
        # the few cells that are not plain numbers (up to 5 % of the column): a count written with a
        # footnote mark or its share ("2 *", "2 (1.3%)") is that count, not a missing cell
        written = values.str.strip_chars().str.extract(_EMBEDDED_COUNT.pattern, 1) \
            .str.replace_all(_GROUP_MARKS, "").cast(pl.Float64, strict=False)
        parsed = parsed.fill_null(written).alias(values.name)
    return parsed


def _parse_frame(frame: pl.DataFrame, columns: Sequence[ColumnInfo]) -> pl.DataFrame:
    """Apply the per-column parsing decided on the sample to any frame of the same file."""
    out = []
    for col in columns:
        s = frame.get_column(col.name)
        if col.kind is ColumnKind.NUMERIC:
            if s.dtype == pl.String:
                s = _parse_numbers(s, col)
            elif s.dtype == pl.Boolean:
                s = s.cast(pl.Float64)
            elif s.dtype.is_numeric() and s.dtype != pl.Float64:
                s = s.cast(pl.Float64, strict=False)
        elif col.kind is ColumnKind.TEXT and s.dtype == pl.String:
            nested = _indented_labels(s) if not out else None
            s = _blank_to_null(nested if nested is not None else s).alias(col.name)
        out.append(s)
    parsed = pl.DataFrame(out)
    embedded = [c.name for c in columns if c.embedded]
    label = next((c for c in columns if c.kind is ColumnKind.TEXT), None)
    if embedded and label is not None:
        # In a "Table 1" a row labelled "Age, mean (SD)" or "BMI, median [IQR]" holds statistics even
        # where they look like "45 (10)": those cells are not counts.
        labels = parsed.get_column(label.name)
        stat_rows = pl.Series([v is not None and _is_statistic_label(v) for v in labels.cast(pl.String).to_list()],
                              dtype=pl.Boolean)
        if stat_rows.any():
            parsed = parsed.with_columns(
                pl.when(stat_rows).then(None).otherwise(pl.col(n)).alias(n) for n in embedded)
    return parsed


#: Rows of a label column read for a hierarchy shown by indentation (published tables are small).
_INDENTED_MAX_ROWS = 10_000


def _indented_labels(labels: pl.Series) -> pl.Series | None:
    """A first column whose hierarchy is shown by indentation ("Bygg- og anleggsteknikk" over "   Bergen",
    "   Sunnfjord", then "Elektro" over "   Bergen" ...), each label joined to the labels it is indented under
    ("Bygg- og anleggsteknikk / Bergen"): the same name under two parents is two cells, not one unit's rows.
    None when the labels are no such hierarchy: no repeated indented label, or indentation of many widths
    (right-aligned text)."""
    if labels.len() > _INDENTED_MAX_ROWS:
        return None
    values = labels.to_list()
    depth = [len(v) - len(v.lstrip(" \u00a0\t")) if isinstance(v, str) and v.strip() else None for v in values]
    widths = {d for d in depth if d is not None}
    children = [v.strip() for v, d in zip(values, depth, strict=True) if d]
    if 0 not in widths or not 2 <= len(widths) <= 4 or len(set(children)) == len(children) \
            or depth[next(k for k, d in enumerate(depth) if d is not None)] != 0:
        return None
    out: list[str | None] = []
    stack: list[tuple[int, str]] = []
    for v, d in zip(values, depth, strict=True):
        if d is None:
            out.append(None)
            continue
        while stack and stack[-1][0] >= d:
            stack.pop()
        label = v.strip()
        out.append(" / ".join([*(p for _, p in stack), label]))
        stack.append((d, label))
    return pl.Series(labels.name, out, dtype=pl.String)


def _is_statistic_label(label: str) -> bool:
    kind = statistic_kind(label)
    if kind in ("estimate", "spread"):
        # a short model-output word is a row's statistic only beside no other words that name it: "80 or
        # older", "Other or unknown", "Blood type B", "T stage" are classes of persons
        words = [w for w in _LABEL_WORDS.split(label.lower()) if w and w not in _WEAK_STATISTIC_NAMES]
        return bool(words) and statistic_kind(" ".join(words)) == kind
    return kind in ("mean", "spread", "percentile", "min", "max", "estimate")


_LABEL_WORDS = lazy_compile(r"[\s\-./()|>,:;_\[\]]+")


def _fill_down(frame: pl.DataFrame, columns: Sequence[ColumnInfo], last: dict[str, object]) -> pl.DataFrame:
    """Repeat group labels that published tables leave blank under their first row (``Northland``,
    then blanks for the next age groups). ``last`` carries each column's last label across batches."""
    fills = [c.name for c in columns if c.fill_down]
    if not fills:
        return frame
    # forward_fill within the batch; the carried label fills blanks at the start of a later batch.
    exprs = [pl.col(n).forward_fill().fill_null(pl.lit(last.get(n), dtype=frame.schema[n])) for n in fills]
    out = frame.with_columns(exprs)
    for name in fills:
        tail = out.get_column(name).drop_nulls()
        if tail.len():
            last[name] = tail[-1]
    return out


def _all_suppressed(s: pl.Series, markers: frozenset[str]) -> bool:
    """Whether every filled cell of a short column is a suppression mark ("<3", "..": a one-row table's year)."""
    if s.len() > _SMALL_COLUMN:
        return False
    filled = [v.strip() for v in s.to_list() if v is not None and v.strip()]
    return bool(filled) and all(v in markers for v in filled)


def _any_filled(s: pl.Series) -> bool:
    """Whether a text column has a cell with more than white space."""
    if s.len() <= SMALL_FRAME_ROWS:
        return any(v is not None and v.strip(WHITE_SPACE) for v in s.to_list())
    stripped = s.str.strip_chars()
    return stripped.filter(stripped.is_not_null() & (stripped != "")).len() > 0


def _blank_to_null(s: pl.Series) -> pl.Series:
    """A text column with its cells stripped of white space, blank cells null."""
    if s.len() <= SMALL_FRAME_ROWS:
        return pl.Series(s.name, [(v.strip(WHITE_SPACE) or None) if v is not None else None for v in s.to_list()],
                         dtype=pl.String)
    s = s.str.strip_chars()
    return pl.select(pl.when(s == "").then(None).otherwise(s)).to_series().alias(s.name)


def _column_kind(s: pl.Series, markers: frozenset[str], locale: _Locale | None = None,
                 plain: bool | None = None) -> tuple[ColumnKind, dict[str, object]]:
    """The kind of column ``s`` and how its numbers are written; ``plain``: :func:`plain_whole_numbers` of
    ``s`` when already known."""
    dtype = s.dtype
    if s.null_count() == s.len():
        return ColumnKind.EMPTY, {}
    if dtype == pl.String:
        # (a profile whose suppression marker is a number, "999", reads such a column in full)
        if not any(m.isdigit() for m in markers) and (plain_whole_numbers(s) if plain is None else plain):
            return ColumnKind.NUMERIC, {"decimal_comma": False, "thousands": None, "plain": True}
        if _all_suppressed(s, markers):
            # every cell suppressed ("<3" in the one row of a year's column): hidden numbers, not labels
            return ColumnKind.NUMERIC, {"decimal_comma": False, "thousands": None}
        if without_digits(s):  # labels: text (or empty), as the full reading concludes without a digit
            return (ColumnKind.TEXT if _any_filled(s) else ColumnKind.EMPTY), {}
        if not _any_filled(s):
            return ColumnKind.EMPTY, {}
        is_num, info = _classify_text_numbers(s, markers, locale)
        if not is_num:
            # a Table 1 column: numbers (percentages, counts) in most rows, a statistic with its spread or
            # range in the others ("61.8 (13.2)", "11 [8-14]", "3.1-9.9"): the numbers are read, those cells
            # are statistics (null), not text that makes the whole column a label
            stripped = s.str.strip_chars()
            filled = stripped.filter(stripped.is_not_null() & (stripped != ""))
            stats = filled.str.contains(_STATISTIC_WITH_INTERVAL.pattern)
            n_stats = int(stats.sum())
            if 0 < n_stats <= filled.len() / 2:
                is_num, info = _classify_text_numbers(filled.filter(~stats), markers, locale)
        return (ColumnKind.NUMERIC, info) if is_num else (ColumnKind.TEXT, {})
    if dtype == pl.Boolean:
        return ColumnKind.BOOLEAN, {}
    if dtype.is_numeric():
        return ColumnKind.NUMERIC, {}
    if dtype.is_temporal():
        return ColumnKind.TEMPORAL, {}
    if dtype in (pl.Categorical, pl.Enum) or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return ColumnKind.TEXT, {}
    if dtype.is_nested():
        return ColumnKind.NESTED, {}
    if dtype == pl.Binary:
        return ColumnKind.TEXT, {}
    return ColumnKind.NESTED, {}


# Zero-padded whole numbers of one width ("00002", "00825": SAS's z5. format, a fixed-width listing).
_PADDED = lazy_compile(r"^\d{3,12}$")


def _padded_counts(values: pl.Series, name: str, count_words: Sequence[str], not_count_words: Sequence[str]) -> bool:
    """Whether a column read as codes (digit strings with leading zeros) is counts padded with zeros to one
    width: its name is a count's ("ANTAL", "n", "Freq") and every value has the same number of digits, at
    least three. A municipality code (0101) or an ID column is named so, a count column is not, and a count
    of 2 written ``00002`` must not pass as a code."""
    if values.dtype != pl.String:
        return False
    tokens = name_tokens(name)
    if not _word_match(tokens, frozenset(count_words), name) or _not_count_name(tokens, frozenset(not_count_words),
                                                                                name):
        return False
    filled = [v.strip() for v in values.drop_nulls().to_list() if v and v.strip()]
    if len(filled) < 2 or not any(v.startswith("0") for v in filled):
        return False
    width = len(filled[0])
    return all(len(v) == width and _PADDED.match(v) for v in filled)


def _read_sample(source: TabularSource, sample_rows: int) -> tuple[pl.DataFrame, bool]:
    batches: list[pa.RecordBatch] = []
    rows = 0
    complete = True
    stream = source.batches(min(sample_rows, 65_536))
    try:
        for batch in stream:
            if rows >= sample_rows:
                complete = False
                break
            if rows + batch.num_rows > sample_rows:
                batch = batch.slice(0, sample_rows - rows)
                complete = False
            batches.append(batch)
            rows += batch.num_rows
            if not complete:
                break
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    table = pa.Table.from_batches(batches, schema=source.schema)
    return _to_frame(table), complete


def analyse(
    source: TabularSource,
    *,
    sample_rows: int,
    suppression_markers: Sequence[str],
    count_words: Sequence[str],
    not_count_words: Sequence[str],
    min_rows: int,
    repeated_key_share: float,
    duplicate_row_share: float,
) -> TableModel:
    """Read a sample of ``source`` and infer column kinds, roles, counts and the table's shape."""
    markers = frozenset(suppression_markers)
    raw, complete = _read_sample(source, sample_rows)
    # one reading of each text column's bytes for the two questions that ask whether it is plain whole numbers
    plain = frozenset(name for name, dtype in raw.schema.items()
                      if dtype == pl.String and raw.get_column(name).null_count() < raw.height
                      and plain_whole_numbers(raw.get_column(name)))
    locale = _locale_of(raw, source.meta.delimiter, plain)
    if source.meta.decimal == "." and not locale.comma:
        locale = _Locale(dot=True)  # a program's printout: "212.463" is a decimal (see TabularMeta.decimal)
    columns: list[ColumnInfo] = []
    for i, name in enumerate(raw.columns):
        kind, info = _column_kind(raw.get_column(name), markers, locale, name in plain)
        if kind is ColumnKind.TEXT and _padded_counts(raw.get_column(name), name, count_words, not_count_words):
            kind, info = ColumnKind.NUMERIC, {"decimal_comma": False, "thousands": None}
        col = ColumnInfo(name=name, index=i, kind=kind)
        col.decimal_comma = bool(info.get("decimal_comma", False))
        thousands = info.get("thousands")
        col.thousands = thousands if isinstance(thousands, str) else None
        col.embedded = bool(info.get("embedded", False))
        col.percent = str(info.get("percent", ""))
        col.unsure = str(info.get("unsure", ""))
        col.plain_whole = bool(info.get("plain", False))
        col.period_header = bool(_PERIOD_NAME.match(name.strip()))
        columns.append(col)
    _mark_prefixed_periods(columns)
    _counts_in_brackets(raw, columns, source.meta.title)
    for col in columns:
        col.statistic = None if col.period_header or (_TOP_GROUP.search(col.name) and _COUNT_FIRST.match(col.name)) \
            or _COUNT_OF_TOP.match(col.name) or col.name in source.meta.counts else statistic_kind(col.name)
        if col.statistic is None and col.percent == "all":
            col.statistic = "share"  # every value written as a percentage
    _settle_statistics(columns)
    sample = _parse_frame(raw, columns)
    _mark_fill_down(sample, columns)
    sample = _fill_down(sample, columns, {})
    _shares_named_in_the_corner(sample, columns)
    _shares_of_a_distribution(sample, columns)
    _column_stats(sample, raw, columns)
    _classes_of_a_total(sample, columns)
    model = TableModel(source, columns, sample, complete, TableShape.UNKNOWN)
    _assign_roles(model, count_words=frozenset(count_words), not_count_words=frozenset(not_count_words))
    _infer_shape(model, min_rows=min_rows, repeated_key_share=repeated_key_share,
                 duplicate_row_share=duplicate_row_share)
    log.debug("table %s: shape=%s dims=%s counts=%s", source.path.name, model.shape,
              [c.index for c in model.dimensions], [c.index for c in model.counts])
    return model


# A table that says the number in brackets after each amount is a count: "(yritysten lukumäärä suluissa)",
# "antal virksomheder i parentes", "number of firms in brackets", "antal företag inom parentes".
_COUNT_IN_BRACKETS_NOTE = lazy_compile(
    r"(?i)(?:lukumäärä|lukumaara|antal|antall|number|count|\bn\b)[^.;:\n]{0,40}?"
    r"(?:suluissa|sulkeissa|i\s+parentes|inom\s+parentes|in\s+(?:parenthes[ie]s|brackets))"
    r"|(?:suluissa|i\s+parentes|inom\s+parentes|in\s+(?:parenthes[ie]s|brackets))[^.;:\n]{0,20}?"
    r"(?:lukumäärä|antal|antall|number|count)")
# An amount with a whole number in brackets after it: "312,4 (2)", "1 204 (17)", also with the units it counts
# ("4,5 (2 virk.)", "96 (14 firms)").
_UNIT_ABBREVIATIONS = (r"virk\.?|virksomheder|virksomheter|firms?|foretak|f(?:ö|o)retag|yrit\.?|yritystä|yritysta|"
                       r"yritykset|pers\.?|personer|persons|henk\.?|henkilöä|henkiloa|enheder|enheter|units|arbst\.?|"
                       r"arbejdssteder")
_AMOUNT_BRACKET_COUNT = lazy_compile(r"^[+-]?\d[\d.,\u00a0\u202f ]*\s*[(\[]\s*(\d{1,3}(?:[.,\u00a0 ]\d{3})*)"
                                     r"(?:\s*(?i:" + _UNIT_ABBREVIATIONS + r"))?\s*[)\]]$")
_AMOUNT_BRACKET_UNITS = lazy_compile(r"(?i)[(\[]\s*\d[\d.,\u00a0 ]*\s*(?:" + _UNIT_ABBREVIATIONS + r")\s*[)\]]$")


def _counts_in_brackets(raw: pl.DataFrame, columns: list[ColumnInfo], title: str) -> None:
    """Columns of "amount (count)" cells in a table whose title or header says the bracketed number is a count
    (of firms, persons): each cell's count is that number. Without such a note "52,3 (11)" is a mean with its
    SD, and those cells stay statistics."""
    # (with the note, "96 (2)" is an amount and its count: no count with its percentage, as read without it)
    named = [c for c in columns if c.kind is ColumnKind.TEXT or (c.embedded and not c.count_in_brackets)]
    noted = _COUNT_IN_BRACKETS_NOTE.search(title) or any(_COUNT_IN_BRACKETS_NOTE.search(c.name) for c in columns)
    if not named:
        return
    for col in named:
        text = raw.get_column(col.name).cast(pl.String).str.strip_chars()
        filled = text.filter(text.is_not_null() & (text != ""))
        if filled.len() == 0:
            continue
        most = max(1, int(0.8 * filled.len()))
        # (the cells may name what they count themselves, "4,5 (2 virk.)": no note needed)
        if not noted and int(filled.str.contains(_AMOUNT_BRACKET_UNITS.pattern).sum()) < most:
            continue
        if int(filled.str.contains(_AMOUNT_BRACKET_COUNT.pattern).sum()) >= most:
            col.kind, col.count_in_brackets, col.embedded = ColumnKind.NUMERIC, True, True


def _shares_named_in_the_corner(sample: pl.DataFrame, columns: list[ColumnInfo]) -> None:
    """Percentages whose unit only the label column's header states (``Beskæftigelsesstatus (pct.)`` over
    ``Ph.d.  97  2  1``, ``I alt  100``): each numeric column without a statistic of its own is a share when
    its total row says 100 (or 1). Whole percentages would otherwise read as counts, 2 % as 2 persons."""
    label = next((c for c in columns if c.kind is ColumnKind.TEXT), None)
    if label is None or label.statistic != "share":
        return
    values = [str(v) if v is not None else "" for v in sample.get_column(label.name).to_list()]
    totals = [k for k, v in enumerate(values) if is_margin_label(v)]
    numeric = [c for c in columns if c.kind is ColumnKind.NUMERIC and c.statistic is None and c.index > label.index]
    if not totals or not numeric:
        return
    for col in numeric:
        cells = sample.get_column(col.name)
        if any(cells[k] is not None and (abs(cells[k] - 100) <= 0.5 or abs(cells[k] - 1) <= 0.005) for k in totals):
            col.statistic = "share"


# A column named as a probability of one outcome: "p_tyollinen", "p_muu", "prob_employed" (not a p-value).
_PROBABILITY_PREFIX = lazy_compile(r"(?i)^(?:p|pr|prob)[_.](?!(?:value|val|trend|interaction|int|adj|het|diff|"
                                   r"for|wald|lr|score)(?![^\W\d_]))[^\W\d_]")


def _shares_of_a_distribution(sample: pl.DataFrame, columns: list[ColumnInfo]) -> None:
    """Columns named as the probabilities of outcomes ("p_tyollinen | p_tyoton | ... | p_muu", a transition
    matrix's row) that add up to 100 (or 1) on every row: shares of the row's units, not p-values. Three
    such columns at least."""
    prefixed = [c for c in columns if c.kind is ColumnKind.NUMERIC and _PROBABILITY_PREFIX.match(c.name.strip())]
    if len(prefixed) < 3 or sample.height == 0:
        return
    import polars as pl

    total = sample.select(pl.sum_horizontal([pl.col(c.name).cast(pl.Float64, strict=False) for c in prefixed]))
    sums = [v for v in total.to_series().to_list() if v is not None]
    if sums and (all(abs(v - 100) <= 0.6 for v in sums) or all(abs(v - 1) <= 0.006 for v in sums)):
        for col in prefixed:
            col.statistic = "share"


def _mark_fill_down(sample: pl.DataFrame, columns: list[ColumnInfo]) -> None:
    """Find leading label columns whose blanks mean "same as above".

    Only text columns left of every numeric column qualify, only when the first data row has a label
    and the blanks sit on rows that carry numbers (a blank label on a row of numbers is a continued
    group; a blank label on an empty row is just an empty row).
    """
    numeric = [c.name for c in columns if c.kind is ColumnKind.NUMERIC]
    if not numeric or sample.height < 2:
        return
    first_numeric = min(c.index for c in columns if c.kind is ColumnKind.NUMERIC)
    labels = [c for c in columns if c.index < first_numeric and c.kind is ColumnKind.TEXT]
    if not labels:
        return
    if sample.height <= SMALL_FRAME_ROWS:  # (plain Python: see SMALL_FRAME_ROWS)
        cells = [sample.get_column(n).to_list() for n in numeric]
        rows = [k for k in range(sample.height) if any(c[k] is not None for c in cells)]
        if len(rows) < 2:
            return
        for col in labels:
            values = sample.get_column(col.name).to_list()
            nulls = sum(1 for k in rows if values[k] is None)
            if 0 < nulls < len(rows) and values[rows[0]] is not None:
                col.fill_down = True
        return
    has_numbers = sample.select(pl.any_horizontal(pl.col(numeric).is_not_null())).to_series()
    data = sample.filter(has_numbers)
    if data.height < 2:
        return
    for col in labels:
        values = data.get_column(col.name)
        nulls = values.null_count()
        if 0 < nulls < values.len() and values[0] is not None:
            col.fill_down = True


def _classes_of_a_total(sample: pl.DataFrame, columns: list[ColumnInfo]) -> None:
    """Columns named like statistics ("Barn D1" .. "Barn D10", deciles; "Q1" .. "Q4") whose whole numbers add
    up to the row's "Totalt" on every row are the classes of a crosstab (a decile mobility matrix), their
    cells counts: they are no statistics."""
    # (a code's name for the total: "i_alt", "total_n" is no margin's)
    totals = [c for c in columns if c.kind is ColumnKind.NUMERIC and c.integral and c.statistic is None
              and is_margin_label(c.name.replace("_", " "))]
    if len(totals) != 1 or sample.height < 2:
        return
    import numpy as np

    total = sample.get_column(totals[0].name).cast(pl.Float64).to_numpy()
    # (a class named like a share, with the others: "Almen | Andel | Ejer | Privat | Total", Danish tenure's
    # cooperative housing "andel"; tried first, then without it)
    for kinds in ((None, "percentile", "estimate", "share"), (None, "percentile", "estimate")):
        named = [c for c in columns if c.kind is ColumnKind.NUMERIC and c.statistic in kinds
                 and c.integral and c is not totals[0] and not is_margin_label(c.name)]
        # all of them, or the run of them just left of the total (a code column first: "sognekode;sogn;alder_90
        # ..alder_100;i_alt")
        left = [c for c in named if c.index < totals[0].index]
        run = [c for k, c in enumerate(left) if all(o.index == c.index + j + 1 for j, o in enumerate(left[k + 1:]))
               and left[-1].index == totals[0].index - 1]
        for classes in (named, *(run[k:] for k in range(len(run) - 1))):
            if len(classes) < 2:
                continue
            parts = np.column_stack([sample.get_column(c.name).cast(pl.Float64).to_numpy() for c in classes])
            ok = ~np.isnan(parts).any(axis=1) & ~np.isnan(total)
            if ok.sum() >= 2 and np.allclose(parts[ok].sum(axis=1), total[ok], atol=0.5):
                for c in classes:
                    c.statistic = None
                    c.class_of_total = True
                return


#: A sample up to this many rows is measured in plain Python, not by Polars queries: a Polars query costs
#: 40-100 us whatever its size (a small published table paid about 40 of them), a Python pass over a few
#: dozen values a few microseconds. The two readings give the same answers
#: (tests/test_table_model_small.py compares them on generated frames).
SMALL_FRAME_ROWS = 64
#: What Polars' ``str.strip_chars()`` strips (Rust's ``char::is_whitespace``, Unicode's White_Space): Python's
#: ``str.strip()`` also strips the separators U+001C..U+001F.
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u2028\u2029\u202f\u205f\u3000"
_NOT_FILLED = ("", "na", "nan", "null")
_FOOTNOTED_NUMBER = r"^(\d+)[\d.,]*[a-z]$"
_SPSS_CODING = r"^(?:0?\.000|1\.000|\(\d{1,2}\))$"


def _column_stats(sample: pl.DataFrame, raw: pl.DataFrame, columns: list[ColumnInfo]) -> None:
    """Each column's filled and distinct values, and for numbers whether they are whole and non-negative and
    how many filled cells did not parse (markers)."""
    small = sample.height <= SMALL_FRAME_ROWS
    stats = column_stats_python(sample, raw, columns) if small else column_stats_polars(sample, raw, columns)
    for col in columns:
        got = stats.get(col.index)
        if got is None:
            continue
        col.non_null = got["n"]
        col.distinct = got["d"] if col.non_null else 0
        if "w" in got:
            if "m" in got:
                col.markers = got["m"]
                col.unreadable = got["u"]
                col.indicator = got["i"]
            if col.non_null:
                col.integral = got["w"]
                col.non_negative = got["p"]


def _stats_kind(sample: pl.DataFrame, col: ColumnInfo) -> str | None:
    if col.kind is ColumnKind.NUMERIC:
        return "numeric"
    if col.kind in (ColumnKind.TEXT, ColumnKind.BOOLEAN, ColumnKind.TEMPORAL):
        return "other"
    return None


def column_stats_polars(sample: pl.DataFrame, raw: pl.DataFrame,
                        columns: Sequence[ColumnInfo]) -> dict[int, dict[str, int | bool]]:
    """The column statistics of :func:`_column_stats` by column index: every statistic of every column in one
    Polars query (one call per column statistic cost about 1 ms per small table). Keys: ``n`` filled, ``d``
    distinct; for numbers ``w`` whole, ``p`` non-negative, and for numbers read from text ``m`` filled cells
    that did not parse, ``u`` of those neither numbers nor marks, ``i`` SPSS's parameter codings."""
    exprs: list[pl.Expr] = []
    extra: list[pl.Series] = []
    wanted: list[tuple[int, str, bool]] = []
    for col in columns:
        kind = _stats_kind(sample, col)
        if kind is None:
            continue
        i = col.index
        c = pl.col(col.name)
        from_text = False
        if kind == "numeric":
            if sample.schema[col.name].is_float():
                c = c.fill_nan(None)
            present = c.drop_nulls()
            exprs += [c.count().alias(f"n{i}"), present.n_unique().alias(f"d{i}"),
                      (present == present.round(0)).all().alias(f"w{i}"), (present >= 0).all().alias(f"p{i}")]
            if raw.get_column(col.name).dtype == pl.String:
                from_text = True
                text = raw.get_column(col.name).str.strip_chars().alias(f"\x00raw{i}")
                extra.append(text)
                t = pl.col(f"\x00raw{i}")
                filled = t.is_not_null() & ~t.str.to_lowercase().is_in(list(_NOT_FILLED))
                exprs.append((filled & c.is_null()).sum().alias(f"m{i}"))
                # cells with digits that are neither numbers nor suppression marks ("ca. 5", "5+", "10-14")
                # (a row's statistic with its interval, "54 (43, 66)", "3.1 [2.0-4.5]", "52 ± 10", is no count)
                # (nor a number of 3 or more with SPSS's footnote letter, "412,377a": a statistic, no small count)
                footnoted = t.str.extract(_FOOTNOTED_NUMBER, 1).cast(pl.Int64, strict=False) >= 3
                odd = filled & c.is_null() & t.str.contains(r"\d") & ~t.str.contains(
                    f"^(?:{SUPPRESSION_MARKER.pattern})$") & ~t.str.contains(_STATISTIC_WITH_INTERVAL.pattern) \
                    & ~footnoted.fill_null(False)
                exprs.append(odd.sum().alias(f"u{i}"))
                # SPSS's parameter codings: every number written "1.000" or ".000" (indicators, no counts)
                coded = t.str.contains(_SPSS_CODING)
                exprs.append(((coded | ~filled).all() & (t == "1.000").any() & t.is_in([".000", "0.000"]).any())
                             .alias(f"i{i}"))
        else:
            if sample.schema[col.name] == pl.String:
                c = c.filter(c.is_not_null() & (c != ""))
            present = c.drop_nulls()
            exprs += [present.count().alias(f"n{i}"), present.n_unique().alias(f"d{i}")]
        wanted.append((i, kind, from_text))
    if not exprs:
        return {}
    frame = sample.hstack(extra) if extra else sample
    row = frame.select(exprs).row(0, named=True)
    out: dict[int, dict[str, int | bool]] = {}
    for i, kind, from_text in wanted:
        got: dict[str, int | bool] = {"n": int(row[f"n{i}"]), "d": int(row[f"d{i}"])}
        if kind == "numeric":
            got["w"], got["p"] = bool(row[f"w{i}"]), bool(row[f"p{i}"])
            if from_text:
                got["m"], got["u"], got["i"] = int(row[f"m{i}"]), int(row[f"u{i}"]), bool(row[f"i{i}"])
        out[i] = got
    return out


def plain_values(s: pl.Series) -> list[object]:
    """A column's values as Python objects that compare and hash as Polars compares them; dates and times as
    their integers (a date beyond Python's, year 201416 from a SPSS file, is no error here)."""
    return s.to_physical().to_list() if s.dtype.is_temporal() else s.to_list()


def _as_int64(digits: str) -> int:
    """Polars' ``cast(pl.Int64, strict=False)`` of a run of digits: -1 where it gives null (digits other than
    ASCII's, a number beyond 64 bits)."""
    if not digits.isascii():
        return -1
    value = int(digits)
    return value if value < 2**63 else -1


def column_stats_python(sample: pl.DataFrame, raw: pl.DataFrame,
                        columns: Sequence[ColumnInfo]) -> dict[int, dict[str, int | bool]]:
    """:func:`column_stats_polars` in plain Python, for a small sample (:data:`SMALL_FRAME_ROWS`)."""
    marker = re.compile(f"^(?:{SUPPRESSION_MARKER.pattern})$")
    footnote, coding = re.compile(_FOOTNOTED_NUMBER), re.compile(_SPSS_CODING)
    out: dict[int, dict[str, int | bool]] = {}
    for col in columns:
        kind = _stats_kind(sample, col)
        if kind is None:
            continue
        values = plain_values(sample.get_column(col.name))
        if kind == "other":
            present = [v for v in values if v is not None and v != ""] if sample.schema[col.name] == pl.String \
                else [v for v in values if v is not None]
            out[col.index] = {"n": len(present), "d": len(set(present))}
            continue
        numbers = [v for v in values if v is not None and v == v]  # (NaN is missing, as fill_nan(None))
        got: dict[str, int | bool] = {
            "n": len(numbers), "d": len(set(numbers)),
            "w": all(v in (math.inf, -math.inf) or v == math.floor(v) for v in numbers),
            "p": all(v >= 0 for v in numbers)}
        if raw.get_column(col.name).dtype == pl.String:
            texts = [t.strip(WHITE_SPACE) if t is not None else None for t in raw.get_column(col.name).to_list()]
            missing, odd, codes_only = 0, 0, True
            for t, v in zip(texts, values, strict=True):
                filled = t is not None and t.lower() not in _NOT_FILLED
                if filled and (v is None or v != v):
                    missing += 1
                    found = footnote.search(t)
                    if (re.search(r"\d", t) and not marker.search(t) and not _STATISTIC_WITH_INTERVAL.search(t)
                            and not (found and _as_int64(found.group(1)) >= 3)):
                        odd += 1
                if filled and not coding.search(t):
                    codes_only = False
            got["m"], got["u"] = missing, odd
            got["i"] = codes_only and "1.000" in texts and (".000" in texts or "0.000" in texts)
        out[col.index] = got
    return out


def _period_qualified(tokens: Sequence[str]) -> bool:
    """A measure named with the period it covers ("nyindlagte_uge08", "doedsfald_uge01_12", "deaths_week_8"): a
    word first, then a period's word with its number; not the period itself ("uge", "aar_2021")."""
    return len(tokens) >= 3 and tokens[0].isalpha() and tokens[0] not in DIMENSION_WORDS and any(
        tokens[i] in DIMENSION_WORDS and tokens[i + 1].isdigit() for i in range(1, len(tokens) - 1))


def _word_match(tokens: Sequence[str], words: frozenset[str], name: str) -> bool:
    lowered = name.strip().lower()
    return lowered in words or any(t in words for t in tokens)


#: Not-count words that name an amount only as a word of their own: "Export 2022" is an amount, but "heraf med
#: vareeksport" counts the firms with goods exports.
_WHOLE_WORD_ONLY = frozenset({"export", "exports", "eksport", "vienti", "import", "imports", "tuonti"})

#: Not-count words this long also end a compound word: Nordic languages write "årsindkomst", "nettoformue",
#: "timeløn" in one word (English "netincome"). Shorter words ("kr", "sd", "lon") must be whole tokens.
_COMPOUND_MIN = 6


def _not_count_name(tokens: Sequence[str], words: frozenset[str], name: str) -> bool:
    """Whether a column name announces a measure that is never a count (a rate, money, an age...): one of
    ``words`` as a token, or a long one ending a compound token."""
    if " | " in name and name.rsplit(" | ", 1)[1].strip().lower() in COUNT_STAT_NAMES:
        return False  # stacked headers end in the statistic: "T&K-menot, 1000 EUR | N" counts firms
    if _TOP_GROUP.search(name) and _COUNT_FIRST.match(name):
        # "Antal i topp 1 %", "Antall pasienter i topp 1 %": the units in a top group, counted; its "%" is the
        # group's name, no unit of the column
        name = _TOP_GROUP.sub(" ", name)
        tokens = name_tokens(name)
    if _word_match(tokens, words, name) or _GENOMIC_UNITS_COUNTED.match(name):
        return True
    long_words = [w for w in words if len(w) >= _COMPOUND_MIN and w not in _WHOLE_WORD_ONLY]
    # (an income class is persons, no amount: "antal_boern_lavindkomst", "höginkomsttagare")
    return any(len(t) > len(w) and t.endswith(w) and not _CLASS_PREFIX.fullmatch(t[:-len(w)])
               for t in tokens for w in long_words)


# A count of genomic units, not of persons: "n_variants" per gene, "antal varianter", "number of SNPs" (a count of
# the trios or carriers with a variant, "De novo P/LP variant", is of persons).
_GENOMIC_UNITS_COUNTED = lazy_compile(r"(?i)^\s*(?:n|antal|antall|number[\s_]+of|no\.?[\s_]+of|num|count)[\s_]+"
                                      r"(?:variants|varianter|snps|genes|gener|loci|markers|probes|cpgs|exons|"
                                      r"transcripts)\b")


# The first part of a compound that makes a class of persons of an amount: "lavindkomst", "høyinntekt", "låginkomst".
_CLASS_PREFIX = lazy_compile(r"(?i)lav|høj|hoej|høy|hoy|låg|lag|hög|hog|low|high|mellem|mellom|medel|middle")


# A top group of a distribution named by its share ("topp 1 %", "top 0.1%", "øverste 10 %", "ylin 1 %").
_TOP_GROUP = lazy_compile(r"(?i)\b(?:top|topp|toppen|øverste|översta|ylin|ylimmän)\s*\d+(?:[.,]\d+)?\s*"
                          r"(?:%|pct\.?|procent|prosent|percent)")
_COUNT_FIRST = lazy_compile(r"(?i)^\s*(?:antal|antall|antalet|number|no\.|n|lkm|lukumäärä)\b")
# A count of the units in a top group, as code names it: "n_top1_land", "antal_top1", "count_top10_pct".
_COUNT_OF_TOP = lazy_compile(r"(?i)^\s*(?:antal|antall|antalet|number|num|no|n|lkm|lukumaara|lukumäärä|count)[\s_]+"
                             r"(?:[^\W\d_]+[\s_]+)?top_?\d")


# Compound names of a code column, as Nordic languages write them in one word: "regionskode",
# "kommunkod", "kuntakoodi", "kommunenr", "næringskode".
_CODE_SUFFIX = lazy_compile(r"(kode|koden|kod|koder|code|codes|koodi|nr|nummer|numero)$")


# Words that make a column named after a dimension its code or key ("region nr", "kommune kode").
_CODE_WORDS = frozenset({"nr", "no", "kode", "kod", "code", "id", "koodi", "numero", "nummer", "num"})
_BOUND_WORDS = frozenset({"start", "end", "stop", "from", "to", "fra", "til", "från", "lower", "upper", "low", "high",
                          "lo", "hi", "min", "max", "begin", "slut", "first", "last"})


def _named_levels(numeric: Sequence[ColumnInfo]) -> set[str]:
    """Numeric columns named by one dimension word and a level each ("Region Hovedstaden", "Region
    Sjælland", ... beside "Hovedområde"): levels of a wide table, cells of counts, not codes of a dimension
    (two or more, the rest of each name different and no code word)."""
    from scanner.names import DIMENSION_WORDS, name_tokens

    groups: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for c in numeric:
        tokens = name_tokens(c.name)
        rest = set(tokens[1:])
        # ("interval_start;interval_end": bounds of one dimension, not its levels; "region kode": its code;
        # "alder_m;alder_k": variables of a man and a woman, not labels of levels)
        if len(tokens) >= 2 and tokens[0] in DIMENSION_WORDS and not rest & (_CODE_WORDS | _BOUND_WORDS) \
                and not rest <= DIMENSION_WORDS and " " in c.name.strip() \
                and all(len(t) >= 3 and t.isalpha() for t in rest):
            groups.setdefault(tokens[0], []).append((c.name, tuple(tokens[1:])))
    # a dimension's label spanning its levels in a header of several rows ("Aldersgruppe | 0-5 år | No.",
    # "Aldersgruppe | 6-12 år | No.": LaTeX \multicolumn, a two-row CSV header)
    for c in numeric:
        pieces = [p.strip() for p in c.name.split(" | ")]
        top = name_tokens(pieces[0])
        if len(pieces) >= 2 and top and top[0] in DIMENSION_WORDS and not set(top[1:]) & _CODE_WORDS:
            groups.setdefault(f"| {pieces[0]}", []).append((c.name, tuple(pieces[1:])))
    # groups numbered or lettered ("Arm 1", "Arm 2", "Arm 3"; "Gruppe A", "Gruppe B"): a trial's arms, levels
    for c in numeric:
        tokens = name_tokens(c.name)
        if len(tokens) == 2 and tokens[0] in LETTERED_GROUP_WORDS and " " in c.name.strip() \
                and ((tokens[1].isdigit() and len(tokens[1]) <= 2) or (len(tokens[1]) == 1 and tokens[1].isalpha())):
            groups.setdefault(f"# {tokens[0]}", []).append((c.name, (tokens[1],)))
    # time points of a follow-up as columns ("År 0", "År 1", ... "År 10": a table of numbers at risk; "Month 6")
    for c in numeric:
        tokens = name_tokens(c.name)
        if len(tokens) == 2 and tokens[0] in _PERIOD_LEVEL_WORDS and tokens[1].isdigit() and " " in c.name.strip():
            groups.setdefault(f"~ {tokens[0]} points", []).append((c.name, (tokens[1],)))
    # a dimension's classes written into the names ("alder18_24;alder25_34", Stata's reshape wide of an age
    # class; "age_65plus")
    for c in numeric:
        m = _CLASS_NAME.fullmatch(c.name.strip().lower())
        if m and m.group(1) in DIMENSION_WORDS:
            groups.setdefault(f"~ {m.group(1)}", []).append((c.name, (m.group(2),)))
    return {name for members in groups.values() if len({rest for _, rest in members}) >= 2
            for name, _ in members}


#: Units of time a follow-up's columns count in ("År 0", "Year 5", "Måned 6").
_PERIOD_LEVEL_WORDS = frozenset({"år", "aar", "year", "years", "vuosi", "måned", "maaned", "månad", "month", "months",
                                 "kuukausi", "uge", "vecka", "uke", "week", "viikko", "kvartal", "quarter", "dag",
                                 "dage", "dagar", "day", "days", "päivä"})
# A column named by a dimension and one of its classes: "alder18_24", "alder_25-34", "age65plus", "age_80+".
_CLASS_NAME = lazy_compile(r"([^\W\d_]+)[_ .-]?(\d{1,3}(?:[_-]\d{1,3}|_?plus|\+|_?over))")


def _is_code_name(tokens: Sequence[str]) -> bool:
    return any(len(t) > 4 and _CODE_SUFFIX.search(t) for t in tokens)


# A codebook's column of values beside the column of their labels ("value | label", "Værdi | Etiket").
_CODE_VALUE_NAME = lazy_compile(r"(?i)values?|værdi|verdi|värde|varde|arvo|code|kode|kod|koodi")
_LABEL_NAME = lazy_compile(r"(?i)labels?|value[ _]labels?|etiket|etikett|etiketti|beskrivelse|beskrivning|"
                           r"description|tekst|text|selite|nimike")


def _is_code_pair(sample: pl.DataFrame, num: ColumnInfo, texts: Sequence[ColumnInfo]) -> bool:
    """A numeric column beside a text column, mapping one-to-one onto it, in ascending order (three or more
    values): that
    column's code (``81;Nordjylland``, ``State Name;State Fips``).

    With one row per label every numeric column maps one-to-one onto the labels, so the mapping alone
    proves nothing (``Region;Mænd;Kvinder``): a code also sits next to its labels and is listed in
    order. Counts that happen to be both are read as codes; TAB001 asks for review when such a column
    holds values under the threshold (``unsure``).
    """
    if num.distinct < 3 or _is_category_header(num.name):
        return False  # two values are in order half the time: no evidence of a code
    values = sample.get_column(num.name).drop_nulls()
    if not bool((values.diff().drop_nulls() > 0).all()):
        return False
    for t in texts:
        if t.distinct != num.distinct or abs(t.index - num.index) != 1:
            continue
        if _sums_to_margin(sample, num, t):
            return False  # codes do not add up: a value in the total row that is the others' sum is a count
        pairs = sample.select(pl.col(num.name), pl.col(t.name)).drop_nulls().n_unique()
        if pairs == num.distinct:
            return True
    return False


def _sums_to_margin(sample: pl.DataFrame, num: ColumnInfo, label: ColumnInfo) -> bool:
    """Whether ``num`` holds, in the one row ``label`` marks as a margin (``I alt``, ``Total``), the sum of
    its other rows: then it adds up, as counts do and codes never do (``Læsø;2 / Fanø;150 / I alt;152``)."""
    labels = sample.get_column(label.name).cast(pl.String).to_list()
    values = sample.get_column(num.name).to_list()
    margins = [i for i, v in enumerate(labels) if v is not None and is_margin_label(str(v))]
    if len(margins) != 1 or values[margins[0]] is None:
        return False
    rest = [v for i, v in enumerate(values) if i != margins[0] and v is not None]
    total = float(values[margins[0]])
    return len(rest) >= 2 and abs(sum(float(v) for v in rest) - total) <= 1e-9 * max(1.0, abs(total))


# Headers that are a category of a dimension, as in a wide table: age bands ("0-17 år", "65 år og
# derover", "75+", "under 18"), margins ("I alt", "Total"). Such a column holds the table's cells, whatever
# dimension word ("år", "age") its name contains.
_CATEGORY_HEADER = lazy_compile(
    r"\d\s*[-–]\s*\d|\d\s*\+|\b(og|and|och|ja|eller|or|tai)\s+(derover|over|older|äldre|eldre|mere|mer|more|"
    r"yli|vanhemmat|enemmän)\b|^\s*(under|over|u\.?|o\.?|yli|alle|below|above)\s*\d|\d+\s*(år|years?|yrs?|vuotta|"
    r"v\.|aar)\b"
    # open classes written with a dash: "65- år", "65 –", "-17 år"
    r"|\d\s*[-–]\s*(år|aar|years?|yrs?|vuotta|v\.)?\s*$|^\s*[-–]\s*\d+\s*(år|aar|years?|yrs?|vuotta|v\.)?\s*$"
    # bands in a variable's name, written with underscores: "doedsfald_0_4_aar", "ufore_18_29_ar", "bef_65plus"
    r"|(?:^|[_\s])\d{1,3}_\d{1,3}_(?:år|aar|ar|years?|yrs?|vuotta|v)(?:$|[_\s])|(?:^|[_\s])\d{1,3}_?plus(?:$|[_\s])"
    # ... or after the word for age: "alder_16_66", "age_18_44", "alder_67_pluss"
    r"|(?:^|[_\s])(?:alder|ålder|age|ika|ikä)_?\d{1,3}_(?:\d{1,3}|pluss|plus)(?:$|[_\s])"
    # the class of units whose value is missing ("Uoplyst køn", "Okänd ålder", "Unknown age"): a category
    # like the columns beside it, not the dimension its word names
    r"|^\s*(uoplyst|ukendt|ukjent|uoppgitt|okänd|okand|unknown|missing|not stated|uppgift saknas)\b",
    re.IGNORECASE,
)


def _is_category_header(name: str) -> bool:
    stripped = name.strip()
    if " | " in stripped:
        # Header rows combined by the CSV reader ("Kjønn | Menn"): the last part names the column; the
        # first is the dimension the columns are categories of.
        last = stripped.rsplit(" | ", 1)[1]
        return _is_category_header(last) or not _word_match(name_tokens(last), DIMENSION_WORDS, last)
    return bool(_CATEGORY_HEADER.search(stripped)) or is_margin_label(stripped)


# Names a row-number column gets: R's write.csv row names (empty header), pandas' unnamed index, readr's
# "...1". Such a column numbers the rows 1..n (or 0..n-1) and says nothing about them.
_UNNAMED_INDEX = frozenset({"", "column_1", "unnamed: 0", "unnamed_0", "...1"})
_ROW_INDEX_NAMES = frozenset({"", "column_1", "unnamed: 0", "unnamed_0", "index", "...1", "rownames", "row_names",
                              "row.names", "rownum", "row", "x1", "_n"})


# Names of a column that numbers the rows wherever it stands ("nr", "obs", "løbenr").
_ROW_NUMBER_WORDS = frozenset({"nr", "no", "num", "number", "obs", "row", "index", "idx", "løbenr", "lobenr",
                               "lnr", "rad", "radnr", "rivi", "n"})


# A year behind a short word: "aar2019", "inc2015", "year_2019", R's "X2019" (check.names prefixes an X).
_PREFIXED_PERIOD = lazy_compile(r"^([^\W\d]{1,12}?)[_. ]?((?:1[89]|20)\d\d)$")


def _mark_prefixed_periods(columns: list[ColumnInfo]) -> None:
    """Columns named by one prefix and different years are the periods of a wide table. One such column
    alone ("kom2007", a classification's year) is not."""
    groups: dict[str, list[ColumnInfo]] = {}
    for col in columns:
        m = _PREFIXED_PERIOD.match(col.name.strip())
        if m and not col.period_header:
            groups.setdefault(m.group(1).lower(), []).append(col)
    for members in groups.values():
        if len(members) >= 2:
            for col in members:
                col.period_header = True


def _is_row_index(sample: pl.DataFrame, c: ColumnInfo) -> bool:
    """A column numbering the rows 1..n or 0..n-1: R row names, a pandas index, a Stata ``_n``. As a
    dimension it would make every row its own cell and hide row-level data."""
    named = c.name.strip().lower()
    if sample.height == 1 and c.index == 0 and named in _UNNAMED_INDEX and len(sample.columns) > 1:
        # one row printed with its number (a tibble's "1", a data frame's): the number is no count
        return sample.get_column(c.name).to_list() in ([1], [1.0], ["1"])
    if sample.height < 2 or not (
            (c.index == 0 and named in _ROW_INDEX_NAMES)
            # psych::describe() numbers the variables it describes in "vars", beside their names
            or (c.index <= 1 and named == "vars")
            or (name_tokens(c.name) and set(name_tokens(c.name)) <= _ROW_NUMBER_WORDS and sample.height >= 20)):
        return False
    values = sample.get_column(c.name)
    if values.null_count():
        return False
    first = values[0]
    steps = values.diff().drop_nulls()
    if first in (0, 1) and bool((steps == 1).all()):
        return True
    # an unnamed first column of rising whole numbers: the index of a filtered frame written by pandas' to_csv()
    # (agg[agg[0] >= 3]: 0, 1, 2, 4, 5, ...), its gaps the rows left out
    # (a sorted list of keys rises too, but its numbers are far larger than the rows: an index has at most ten
    # times as many rows as are left)
    return c.index == 0 and named in _UNNAMED_INDEX and sample.height >= 10 and first >= 0 \
        and bool((steps > 0).all()) and float(values.max()) < 10 * sample.height


#: Names of a first column that numbers the rows when its values run 0..n-1 or 1..n (20 rows or more), before
#: their reading as a count ("number" is also a count's name).
_LEADING_NUMBER_NAMES = frozenset({"number", "nr", "no", "num", "index", "idx", "row", "trial"})
#: Names of a column of observation numbers (SAS's Obs, Stata's _n): a run 1..n, not numbered classes.
_ROW_NUMBER_NAMES = frozenset({"obs", "_n_", "_n", "n", "nr", "no", "row", "rownum", "index", "id", "#", "lnr",
                               "løbenr"})


def _is_run_from_zero_or_one(sample: pl.DataFrame, c: ColumnInfo) -> bool:
    """The column's numbers are 0, 1, 2, ... (or 1, 2, 3, ...) in order, three or more: numbered classes (a
    last row that is the total or the N below them, ``N = 5000``, aside)."""
    values = sample.get_column(c.name).drop_nulls().to_list()

    def run(v: list[object]) -> bool:
        return len(v) >= 3 and v[0] in (0, 1) and all(b - a == 1 for a, b in itertools.pairwise(v))  # type: ignore[operator]

    return run(values) or (len(values) >= 4 and run(values[:-1]))


def _is_class_bounds(sample: pl.DataFrame, c: ColumnInfo, others: int) -> bool:
    """The first column of a small table, strictly ascending: the lower bounds of classes (BMI ``0;
    18,5; 25; 30``, ages ``0; 5; 10``), written as numbers. Microdata are rarely sorted on a unique
    first column, and a long file is not a table of classes."""
    if c.index != 0 or others == 0 or not 3 <= sample.height <= 200:
        return False
    values = sample.get_column(c.name)
    if values.null_count() > 2:  # labels that are not numbers: a "Total" row, and the missing values' "." row
        return False
    return bool((values.drop_nulls().diff().drop_nulls() > 0).all())


# A name the reader gave a column without a header ("column_3").
_GENERATED_NAME = lazy_compile(r"^(?:column_\d+|__UNNAMED__\d+)$")


def _is_upper_bounds(sample: pl.DataFrame, c: ColumnInfo, cols: Sequence[ColumnInfo]) -> bool:
    """The second column of a table of classes whose first column is their lower bounds: each class's upper
    bound, at least its own lower bound and under the next class's ("Omsetning fra (kr) 30 000; til (kr)
    34 999"), the open last class's empty; named, and with the classes' values in a column beside them (two
    unnamed columns "1 2 / 3 4" are no classes)."""
    if c.index != 1 or cols[0].role is not Role.DIMENSION or cols[0].reason != "class bounds in ascending order" \
            or _GENERATED_NAME.match(c.name) or not any(o.kind is ColumnKind.NUMERIC and o.index > 1 for o in cols):
        return False
    lower = sample.get_column(cols[0].name).to_list()
    upper = sample.get_column(c.name).to_list()
    pairs = [(lo, up) for lo, up in zip(lower, upper, strict=True) if lo is not None and up is not None]
    if len(pairs) < 2 or any(not lo <= up for lo, up in pairs):
        return False
    return all(up < next_lo for (_, up), (next_lo, _) in itertools.pairwise(pairs))


# Variables SAS adds to an output data set (PROC MEANS/SUMMARY/TABULATE OUT=): which margin, page and
# table a row belongs to. _FREQ_ is a count and stays one.
_SAS_AUTOMATIC = frozenset({"_TYPE_", "_PAGE_", "_TABLE_", "_WAY_", "_STAT_", "_LEVEL_", "_NAME_", "_LABEL_"})
# Statistics that are never counts, whatever their values (see scanner.names.statistic_kind).
_STATISTICS = frozenset({"min", "max", "percentile", "mean", "spread", "estimate", "share", "dominance"})
# Short names that are model output only beside other model output: "B" is also a category in a wide
# table, "SE" Sweden, "P" a column of a crosstab.
_WEAK_STATISTIC_NAMES = frozenset({"b", "t", "z", "p", "f", "or", "hr", "rr", "irr", "df", "est", "ci", "ll", "ul",
                                   "pr", "se", "lower", "upper", "beta", "statistic"})


# Percentile levels as tables name them ("p10", "p50", "q1", "q3"). "q2", "q4" or "p3" are not: columns
# q1..q4 or p1..p5 are questionnaire items.
_PERCENTILE_SHORT = lazy_compile(r"^[pq]\d{1,2}$")
_PERCENTILE_LEAD = lazy_compile(r"^([pq]\d{1,2})(?:\s*\(|\s+n\s*=|$)")
_PERCENTILE_LEVELS = frozenset({"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "q1", "q3"})


def _decile_grid(levels: set[str]) -> bool:
    """Whether short percentile names are a distribution's limits on a grid of tens ("P10", "P20" .. "P90";
    quintile limits "p20", "p40", "p60", "p80"), with the usual levels beside them: percentiles too, not the
    questionnaire items that "q1".."q4" or "p1".."p5" are."""
    tens = {f"p{k}" for k in range(10, 100, 10)}
    grid = {x for x in levels if x in tens and x not in _PERCENTILE_LEVELS}
    return len(levels & tens) >= 3 and bool(grid) and levels <= tens | _PERCENTILE_LEVELS - {"q1", "q3"}


# A questionnaire item's name: "q1_tillit", "Q12 trust", "q3.helse" (not a first quartile of a variable).
_QUESTION_ITEM = lazy_compile(r"(?i)^q\d{1,3}[_\s.]+[^\W\d_]")


def _max_at_most(sample: pl.DataFrame, c: ColumnInfo, top: float) -> bool:
    values = [v for v in sample.get_column(c.name).to_list() if v is not None and v == v]
    return bool(values) and max(values) <= top


_DESCRIBE_PERCENT = lazy_compile(r"^\d{1,2}(?:\.\d+)?%$")


def _settle_statistics(columns: list[ColumnInfo]) -> None:
    """Keep a weak model-output name ("B", "SE", "t") as a statistic only when a column with an
    unmistakable model-output name ("Estimate", "Std. Error", "Pr(>|t|)") is in the same table, and short
    percentile names ("p90", "q1") only when every such name in the table is a usual percentile level."""
    # (a short name with a qualifier, "Q1 (lowest)", "Q5 (highest) N=6,488", is one of the scale's classes too)
    def level(c: ColumnInfo) -> str:
        m = _PERCENTILE_LEAD.match(c.name.strip().lower())
        return m.group(1) if m else ""

    short = [c for c in columns if level(c)]
    if short and not all(level(c) in _PERCENTILE_LEVELS for c in short) and not _decile_grid(
            {level(c) for c in short}):
        for c in short:
            c.statistic = None
    # pandas' describe() (turned so that the statistics are columns): "count | mean | std | min | 25% | 50% | 75%"
    lowered = {c.name.strip().lower() for c in columns}
    if "count" in lowered and lowered & {"mean", "std"}:
        for c in columns:
            if c.statistic is None and _DESCRIBE_PERCENT.match(c.name.strip()):
                c.statistic = "percentile"
    def weak(c: ColumnInfo) -> bool:
        # the lowest line of a header over several lines names the statistic (esttab's "Mand | b": its
        # cells() label row under the column titles)
        return c.name.rsplit(" | ", 1)[-1].strip().lower().rstrip(".") in _WEAK_STATISTIC_NAMES

    strong = any(c.statistic in ("estimate", "spread") and not weak(c) for c in columns)
    if strong:
        return
    for c in columns:
        if c.statistic in ("estimate", "spread") and weak(c):
            c.statistic = None


# Columns of a descriptive table that name the test behind its p-values, or hold them: not row labels.
# Rows of a table of statistical tests as SPSS, SAS and R print them under a crosstab or a survival analysis
# ("Chi-Square Tests", "Symmetric Measures", "Test Statistics", "Overall Comparisons"), a footnote letter after
# the name ("Continuity Correctionb"); "N of Valid Cases" beside them is the crosstab's total.
_TEST_ROW = lazy_compile(
    r"(?i)^\s*(?:pearson(?:'s)?\s+chi[- ]?squared?|chi[- ]?squared?|likelihood[- ]ratio(?:\s+chi[- ]?squared?)?|"
    r"linear[- ]by[- ]linear\s+association|fisher'?s\s+exact\s+test|continuity\s+correction|mcnemar(?:[- ]bowker)?"
    r"(?:\s+test)?|mantel[- ]haenszel(?:\s+chi[- ]?square)?|cochran'?s(?:\s+q)?|log[- ]?rank(?:\s+\(mantel[- ]cox\))?|"
    r"breslow(?:\s+\(generali[sz]ed\s+wilcoxon\))?|tarone[- ]ware|phi|cram[eé]r'?s\s+v|contingency\s+coefficient|"
    r"kendall'?s\s+tau[- ]?[bc]|somers'?\s+d|gamma|kappa|measure\s+of\s+agreement\s+kappa|"
    r"mann[- ]whitney\s+u|wilcoxon\s+w|kruskal[- ]wallis\s+h|asymp(?:totic)?\.?\s+sig\.?(?:\s*\(2[- ]tailed\))?|"
    r"exact\s+sig\.?(?:\s*\[2\*\(1[- ]tailed\s+sig\.?\)\])?|z|"
    r"(?:nominal|ordinal)\s+by\s+(?:nominal|ordinal)|n\s+of\s+valid\s+cases)[a-f]?\s*$")


def _rows_name_tests(sample: pl.DataFrame, labels: Sequence[ColumnInfo]) -> bool:
    """Whether the table's rows are statistical tests (at least two named, every label a test's name or the
    valid cases' N): SPSS's "Chi-Square Tests" table, whose df column (1, 2) is no count of units."""
    if not labels or sample.height > 40:
        return False
    named = 0
    for value in sample.get_column(labels[0].name).to_list():
        text = str(value).strip() if value is not None else ""
        if not text:
            continue
        if not _TEST_ROW.match(text):
            return False
        named += not text.lower().startswith("n of valid")
    return named >= 2


_TEST_COLUMNS = frozenset({"test", "p", "p-value", "p value", "pvalue", "p.value", "p.overall", "smd",
                           "p-værdi", "p-verdi", "p-värde"})
_NUMBER_PAIR = r"^\s*[(\[]?\s*-?\d[\d.,]*\s*(?:[-;,–]|\s|to)\s*-?\d[\d.,]*\s*[)\]]?\s*$"
# Decimals kept as text by a bound or a star: p-values ("<0.001", "0.023", "<.001", "0.04*") in tableone's or
# gtsummary's "p" column. Always with decimals: integer bounds ("<18", "65+") are labels of classes.
_BOUNDED_DECIMAL = (r"^\s*(?:[<>≤≥]=?\s*)?\d*[.,]\d+(?:[eE]-?\d+)?\s*\**"
                    # (tableone prints its test beside the p-value when the columns run together: "<0.001 nonnorm")
                    r"(?:\s+(?:nonnorm|exact|approx|kruskal|wilcox|fisher|chisq))?\s*$")


def _not_labels(sample: pl.DataFrame, texts: Sequence[ColumnInfo]) -> dict[str, str]:
    """The text columns whose values are not labels, by name: ``"pairs"`` when every value is two numbers
    (an interval, a confidence band "0.74  0.94"), ``"drawing"`` when every value is punctuation (a
    printout's ``|`` read as a column), ``"decimals"`` when every value is a decimal kept as text by a bound
    (p-values: "<0.001"), ``"estimates"`` when every value is a statistic with its interval or spread
    ("1,29 (1,12–1,50)"). This runs for every table."""
    names = [c.name for c in texts if sample.schema[c.name] == pl.String]
    if not names:
        return {}
    readings = label_tests_python(sample, names) if sample.height <= SMALL_FRAME_ROWS \
        else label_tests_polars(sample, names)
    out: dict[str, str] = {}
    for name, (filled, pairs, lettered, decimals, estimates) in zip(names, readings, strict=True):
        if not filled:
            continue
        if pairs:
            out[name] = "pairs"
        elif not lettered:
            out[name] = "drawing"
        elif decimals:
            out[name] = "decimals"
        elif estimates:
            out[name] = "estimates"  # "1,29 (1,12–1,50)": a ratio with its interval, "52.3 (10.2)"
    return out


_LabelTests = tuple[int, bool, bool, bool, bool]


def label_tests_polars(sample: pl.DataFrame, names: Sequence[str]) -> list[_LabelTests]:
    """For each text column of :func:`_not_labels`: its filled cells, and whether every one is a pair of
    numbers, any has a letter or digit, every one is a bounded decimal, every one an estimate with its
    interval. One query for every column (each call costs ~0.1 ms)."""
    exprs = []
    for i, name in enumerate(names):
        col = pl.col(name)
        present = col.filter(col.is_not_null() & (col != ""))
        exprs += [present.len().alias(f"n{i}"), present.str.contains(_NUMBER_PAIR).all().alias(f"p{i}"),
                  present.str.contains(r"[\p{L}\p{N}]").any().alias(f"l{i}"),
                  present.str.contains(_BOUNDED_DECIMAL).all().alias(f"d{i}"),
                  present.str.contains(_EMBEDDED_STAT.pattern).all().alias(f"s{i}")]
    row = sample.select(exprs).row(0, named=True)
    return [(int(row[f"n{i}"]), bool(row[f"p{i}"]), bool(row[f"l{i}"]), bool(row[f"d{i}"]), bool(row[f"s{i}"]))
            for i in range(len(names))]


def label_tests_python(sample: pl.DataFrame, names: Sequence[str]) -> list[_LabelTests]:
    """:func:`label_tests_polars` in plain Python, for a small sample (:data:`SMALL_FRAME_ROWS`); a letter or
    digit (Rust's ``[\\p{L}\\p{N}]``) is what ``str.isalnum`` says."""
    pair, bounded = re.compile(_NUMBER_PAIR), re.compile(_BOUNDED_DECIMAL)
    out: list[_LabelTests] = []
    for name in names:
        present = [v for v in sample.get_column(name).to_list() if v is not None and v != ""]
        out.append((len(present), all(pair.search(v) for v in present),
                    any(ch.isalnum() for v in present for ch in v), all(bounded.search(v) for v in present),
                    all(_EMBEDDED_STAT.search(v) for v in present)))
    return out


# The indicator of an interrupted time series' or a difference-in-differences' period: "post", "after",
# "treat_post", "intervention", "efter", "etter", "jälkeen".
_INTERVENTION_DUMMY = lazy_compile(r"(?i)(?:d_|dummy_|is_)?(?:post|pre|after|before|period|intervention|"
                                   r"treat(?:ed)?_?post|post_?treat(?:ed|ment)?|efter|etter|jälkeen|jalkeen|"
                                   r"før|foer|före|fore|ennen)(?:_?(?:period|dummy|indicator|ind))?")


def _step_of_zeros_and_ones(sample: pl.DataFrame, col: ColumnInfo) -> bool:
    """Whether a column is 0 on its first rows and 1 on the rest (or the reverse): a period's indicator."""
    values = [v for v in plain_values(sample.get_column(col.name)) if v is not None]
    if len(values) < 4 or set(values) != {0, 1}:
        return False
    changes = sum(1 for a, b in itertools.pairwise(values) if a != b)
    return changes == 1


def _binary_group_code(sample: pl.DataFrame, c: ColumnInfo, texts: list[ColumnInfo]) -> bool:
    """Whether a whole-number column holds only 0 and 1, both, and is the group the rows are by: the label
    columns alone repeat (each period twice), and with the column every row is its own (a period and statin
    0 or 1). A column of counts that are 0 or 1 beside labels that each name one row is no such code."""
    if not texts or sample.height < 4 or sample.height > SMALL_FRAME_ROWS:
        return False
    values = sample.get_column(c.name).to_list()
    if set(values) != {0, 1} and set(values) != {0.0, 1.0}:
        return False
    labels = [tuple(sample.get_column(t.name).to_list()[k] for t in texts) for k in range(sample.height)]
    keyed = [(*key, values[k]) for k, key in enumerate(labels)]
    return len(set(labels)) < len(labels) and len(set(keyed)) == len(keyed) and \
        all(labels.count(key) == 2 for key in set(labels))


def _assign_roles(model: TableModel, *, count_words: frozenset[str], not_count_words: frozenset[str]) -> None:
    cols = model.columns
    sample = model.sample
    n = sample.height
    texts = [c for c in cols if c.kind in (ColumnKind.TEXT, ColumnKind.BOOLEAN)
             and not (c.distinct_share > 0.5 and identifier_kind(c.name) is not None)]
    # Numeric codes sit left of their labels; a column of number pairs (a confidence interval "0.74  0.94", a
    # range), of drawing characters or one named as a statistic is not labels, and the counts left of it are
    # counts.
    not_labels = _not_labels(sample, texts)
    for c in texts:
        if c.name.strip().lower() in _TEST_COLUMNS:
            not_labels[c.name] = "test"  # tableone's "test" ("nonnorm", "exact"), a p-value column ("<0.001")
    last_text = max((c.index for c in texts if c.statistic is None and c.name not in not_labels), default=-1)
    numeric = [c for c in cols if c.kind is ColumnKind.NUMERIC]
    period_measures = [c for c in numeric if c.period_header]
    model.wide = len(period_measures) >= 3

    for c in cols:
        if c.kind not in (ColumnKind.EMPTY, ColumnKind.NESTED) and c.distinct_share > 0.5 \
                and identifier_kind(c.name) is not None:
            # A key that is (nearly) unique per row would make any row look like its own table cell.
            c.role, c.reason = Role.IDENTIFIER, "named like a key"
        elif c.kind is ColumnKind.TEXT and c.statistic is not None and not_labels.get(c.name) == "pairs":
            c.role, c.reason = Role.OTHER, f"intervals of a statistic ({c.statistic})"
        elif c.kind is ColumnKind.TEXT and not_labels.get(c.name) in ("decimals", "test"):
            c.role, c.reason = Role.OTHER, "p-values or the name of a test"
        elif c.kind in (ColumnKind.TEXT, ColumnKind.BOOLEAN):
            c.role, c.reason = Role.DIMENSION, "text labels"
        elif c.kind is ColumnKind.TEMPORAL:
            c.role, c.reason = Role.DIMENSION, "dates"
        elif c.kind is not ColumnKind.NUMERIC:
            c.role, c.reason = Role.OTHER, c.kind.value

    ambiguous: list[ColumnInfo] = []
    wide_levels = _named_levels(numeric)
    tests = _rows_name_tests(sample, [c for c in texts if c.role is Role.DIMENSION])
    for c in numeric:
        if c.role is Role.IDENTIFIER:
            continue
        if tests:
            # SPSS's "Chi-Square Tests" under a crosstab: Value, df, significance of each test; no cell counts
            c.role, c.reason = Role.OTHER, "statistics of the tests its rows name (value, df, p)"
            continue
        tokens = name_tokens(c.name)
        whole_number = c.integral
        category = _is_category_header(c.name)
        others = sum(1 for o in numeric if o is not c and o.role is not Role.IDENTIFIER)
        if c.name.strip().upper() in _SAS_AUTOMATIC:
            c.role, c.reason = Role.OTHER, "SAS automatic variable"
        elif c.indicator:
            c.role, c.reason = Role.OTHER, "indicator codes of a contrast (1.000 / .000)"
        elif c.name in model.meta.dimensions:
            c.role, c.reason = Role.DIMENSION, "grouped by in the command that printed the table"
        elif c.name in model.meta.counts:
            c.role, c.reason = Role.MEASURE, "counts, as the reader of the output knows (a confusion matrix's class)"
        elif whole_number and _INTERVENTION_DUMMY.fullmatch(c.name.strip()) and _step_of_zeros_and_ones(sample, c):
            # an interrupted time series' "post" (0 before the intervention, 1 after), beside the series' counts
            c.role, c.reason = Role.DIMENSION, "0/1 indicator of a period (before and after)"
        elif whole_number and c.name.strip().lower() in DRAW_INDEX:
            c.role, c.reason = Role.DIMENSION, "index of simulation draws (bootstrap, MCMC)"
        elif whole_number and not c.count_named and _binary_group_code(sample, c, texts):
            # "period,statin,person_years,rate": each period twice, once per statin = 0 and 1
            c.role, c.reason = Role.DIMENSION, "a 0/1 group code that, with the labels, tells the rows apart"
        elif c.statistic == "percentile" and _QUESTION_ITEM.match(c.name) and whole_number and c.non_negative \
                and c.distinct <= 10 and _max_at_most(sample, c, 10):
            # a questionnaire item's answer codes ("q1_tillit" 1..5 beside "antall"), no first quartile: a class
            c.statistic = None
            c.role, c.reason = Role.MEASURE, "answer codes of a questionnaire item"
            ambiguous.append(c)
        elif c.statistic in _STATISTICS and not c.embedded:
            c.role, c.reason = Role.MEASURE, f"summary statistic ({c.statistic})"
        elif c.period_header:
            c.role, c.reason = Role.MEASURE, "period column of a wide table"
        elif _is_class_bounds(sample, c, others) and (any(
                o is not c and o.integral and _word_match(name_tokens(o.name), count_words, o.name) for o in numeric)
                or (not texts and _word_match(tokens, count_words, c.name) and c.name.strip().lower().rstrip(".")
                    not in _ROW_NUMBER_NAMES and _is_run_from_zero_or_one(sample, c)
                    # (beside statistics or counts of its classes: "Virksomhed 1..28" beside each firm's
                    # årsværk and turnover numbers the firms)
                    and any(o is not c and (o.statistic is not None or o.integral) for o in numeric))):
            # "Antal barn;Antal familjer": the ascending first column is the classes, the other the counts;
            # "Antal indlæggelser 0, 1, 2, 3, 4+" beside shares, with no labels besides: the classes too
            c.role, c.reason = Role.DIMENSION, "class bounds in ascending order"
        elif whole_number and c.index == 0 and c.name.strip().lower() in _LEADING_NUMBER_NAMES \
                and _is_row_index(sample, c):
            # "number" 0..39 first in a list of optuna's trials: the rows' numbers, though "number" names counts
            c.role, c.reason = Role.OTHER, "row numbers"
        elif _CODE_VALUE_NAME.fullmatch(c.name.strip()) and c.index + 1 < len(model.columns) \
                and model.columns[c.index + 1].kind is ColumnKind.TEXT \
                and _LABEL_NAME.fullmatch(model.columns[c.index + 1].name.strip()):
            # a codebook's "value | label | n": the value is the label's code ("1 | Mand"), not a count
            c.role, c.reason = Role.DIMENSION, "values beside their labels"
        elif _word_match(tokens, count_words, c.name) and not _not_count_name(tokens, not_count_words, c.name):
            c.role, c.reason = Role.MEASURE, "count-like name"
            c.count_named = True
        elif category:
            c.role, c.reason = Role.MEASURE, "category of a wide table"
        elif whole_number and _is_row_index(sample, c):
            c.role, c.reason = Role.OTHER, "row numbers"
        elif c.name in wide_levels:
            c.role, c.reason = Role.MEASURE, "category of a wide table (named after its dimension)"
        elif whole_number and not c.class_of_total and not _period_qualified(tokens) \
                and (_word_match(tokens, DIMENSION_WORDS, c.name)
                     or (_is_code_name(tokens) and identifier_kind(c.name) is None)):
            c.role, c.reason = Role.DIMENSION, "dimension-like name"
        elif _is_class_bounds(sample, c, others):
            c.role, c.reason = Role.DIMENSION, "class bounds in ascending order"
        elif _is_upper_bounds(sample, c, cols):
            c.role, c.reason = Role.DIMENSION, "upper bounds of the classes beside them"
        elif not whole_number:
            c.role, c.reason = Role.MEASURE, "continuous values"
        elif c.index < last_text and (c.distinct <= max(20, sample.height // 2) or not model.sample_complete
                                      or _is_run_from_zero_or_one(sample, c)):
            # (a column of nearly all distinct numbers left of a label is no code: a firm's turnover in a
            # listing "branche;ansatte;omsaetning;region"; a code with one row a label is a code pair, below)
            c.role, c.reason = Role.DIMENSION, "numeric code left of the text labels"
        elif _is_code_pair(sample, c, texts) and not is_margin_label(c.name.replace("_", " ")):
            # (a column named as the rows' total, "i_alt", is no code of the labels, however unique its values)
            c.role, c.reason = Role.DIMENSION, "code paired one-to-one with a label column"
            c.unsure = c.unsure or "read as a code of the label beside it, not as counts"
        else:
            c.role, c.reason = Role.MEASURE, "numeric values"
            ambiguous.append(c)

    dims = [c.name for c in cols if c.role is Role.DIMENSION]
    unique = _key_unique(sample, dims)
    if not unique and not model.wide:
        # Add low-cardinality whole-number columns, left to right, until the key identifies every row:
        # tables put their dimensions first (age, atrisk, ... then the counts).
        for c in ambiguous:
            if n and c.distinct <= max(2, n // 2) and c.distinct < n:
                dims.append(c.name)
                c.role, c.reason = Role.DIMENSION, "low-cardinality column completing the table key"
                if _key_unique(sample, dims):
                    unique = True
                    break
    model.key_unique = unique

    # Counts: whole, non-negative measures not named as rates, money, ages or codes. In a wide table
    # every period column holds the same measure, so they are counts only if all of them are.
    wide_integral = all(c.integral and c.non_negative for c in period_measures if c.non_null)
    amounts = _amounts_title(model.meta.title)
    counted = [c for c in cols if c.role is Role.MEASURE and c.non_null > 0]
    for c in cols:
        if c.role is not Role.MEASURE or (c.non_null == 0 and not c.markers):
            continue
        if c.non_null == 0:
            # every cell suppressed: counts when the columns beside it are whole numbers (a year's "<3")
            if counted and all(o.integral and o.non_negative for o in counted) and not amounts:
                c.is_count = True
            continue
        if c.name in model.meta.counts:
            c.is_count = c.integral and c.non_negative
            continue
        if amounts and not c.count_named and not c.count_in_brackets:
            # "Nettoomsättning efter län och näringsgren, mnkr": the cells are amounts, not counts (but the number in
            # brackets after each amount, "4,5 (2 virk.)", counts its units)
            continue
        if _PERSON_YEARS_ASCII.fullmatch(c.name.strip()) and any(_RATE_PER_PERSON_TIME.search(o.name) for o in cols):
            continue  # "personar" beside "incidens_per_1000_py": Swedish personår without its ring, not persons
        tokens = name_tokens(c.name)
        if c.statistic in _STATISTICS and not c.embedded:
            continue
        if _not_count_name(tokens, not_count_words, c.name) and not c.period_header and not c.class_of_total \
                and not _is_category_header(c.name) and c.name not in wide_levels \
                and not (c.embedded and COUNT_WITH_PERCENT.match(c.name)):
            continue  # (a level of a wide table is a class, "Aldersgruppe | 0-5 år": its cells are counts)
        if not (c.integral and c.non_negative):
            continue
        if c.period_header and not wide_integral:
            continue
        if c.period_header and _money_prefix(c.name, not_count_words):
            continue  # "Export 2021;Export 2022": the periods of an amount (the prefix names no count)
        c.is_count = True
    _measure_label_counts(model, count_words, not_count_words)


# "personar": Norwegian nynorsk for persons (a count word), and Swedish "personår" (person-years) written without
# its ring; the latter when a rate per person-time or an incidence is beside it.
_PERSON_YEARS_ASCII = lazy_compile(r"(?i)person[\s_-]?ar")
_RATE_PER_PERSON_TIME = lazy_compile(r"(?i)(?<![^\W_])(?:py|pyrs|person[\s_-]*(?:år|ar|aar|years?))(?![^\W_])|"
                                     r"incidens|incidence|per[\s_]*1[\s_.]?000|per[\s_]*100[\s_.]?000")


# A title that gives the table's unit as money: "mnkr", "milj. euroa", "mio. kr.", "1000 kr", "EUR million".
_MONEY_UNIT = lazy_compile(
    r"(?i)(?<![\w])(?:mnkr|mkr|tkr|msek|mdkk|mnok|meur|mia\.?\s*kr|"
    r"(?:mio|mill?|milj|mn)\.?\s*(?:kr\b|kroner|kronor|dkk|sek|nok|eur\b|euro|€)|millioner\s+kroner|"
    r"miljoner\s+kronor|miljoonaa\s+euroa|tuhatta\s+euroa|tusen\s+kr|tusind\s+kr|"
    r"1[ .\u00a0]?000\s*(?:kr\b|kroner|kronor|dkk|sek|nok|eur\b|euro|€)|"
    r"(?:eur|dkk|sek|nok|usd)\s*(?:m|mn|million|millions|thousands?|1[ ,.]?000)(?![\w]))")
# A title that names counts too ("Antal företag och omsättning, mnkr", "persons by income, 1000 kr"): the
# money unit may be the classes', and the columns stay as the analysis reads them.
_COUNT_TITLE = lazy_compile(r"(?i)(?<![\w])(?:antal|antall|number|numbers|count|lukumäärä|lkm|personer|persons|"
                            r"people|henkilöä|henkilöt|individer|firms|företag|foretak|virksomheder|virksomheter|"
                            r"yritysten|yritykset|companies|businesses|enterprises|establishments|arbejdssteder|"
                            r"arbetsställen|exporters|eksportører|exportörer|employees|ansatte|anställda|sysselsatte|"
                            r"workers|units|enheder|enheter|patients|patienter|potilaat|users|brugere|brukare)"
                            r"(?![\w])")


def _amounts_title(title: str) -> bool:
    """Whether the table's title gives its unit as money and names no count. A sentence of prose above a table
    (a paragraph of a report that names a firm's "10,5 mia. kr.") is no title: lines of more than fifteen words
    are not read."""
    if not title or _COUNT_TITLE.search(title) is not None:
        return False
    return any(_MONEY_UNIT.search(line) is not None for line in title.split("\n")
               if len(line.split()) <= _TITLE_MAX_WORDS)


_TITLE_MAX_WORDS = 15


#: Words a period column's prefix may hold and still be a count's ("År 2021", "year_2022").
_PERIOD_PREFIX_WORDS = frozenset({"year", "years", "år", "aar", "ar", "vuosi", "vuonna", "fy"})


def _money_prefix(name: str, not_count_words: frozenset[str]) -> bool:
    """Whether a prefixed period column ("Export 2021", "omsaetning_2022") names an amount or another
    measure that is never a count by its prefix."""
    m = _PREFIXED_PERIOD.match(name.strip())
    if m is None:
        return False
    prefix = m.group(1)
    return _not_count_name(name_tokens(prefix), not_count_words - _PERIOD_PREFIX_WORDS, prefix)


def _has_fraction(values: pl.Series) -> bool:
    """Whether some value is not a whole number."""
    present = values.drop_nulls()
    if present.dtype.is_float():
        present = present.drop_nans()
    return bool(present.len()) and not bool((present == present.round(0)).all())


#: Labels of a long table's measure column: a handful (StatBank's "Antal personer", "Andel (%)").
_MAX_MEASURE_LABELS = 30


def _measure_label_counts(model: TableModel, count_words: frozenset[str], not_count_words: frozenset[str]) -> None:
    """A table whose rows are of several measures, named by a label column: a long table (``maal``: "Antal
    familier" and "Gns. antal børn" in turn, their values in one column), or measures as rows ("Antal
    personer", "Gns. antal børn" over columns of municipalities). A value column holds counts on the rows
    whose label names a count, and is no count column as a whole (its other rows are means, shares, amounts).
    Those rows are recorded in :attr:`TableModel.count_rows`, so that their small counts are cells like any
    other, and a mean of 1.0 in another row is not one.

    The label column must read as measures throughout: every label names a count ("Antal", "N") or a measure
    that is not one ("Gns.", "Andel (%)", "indkomst"), or is a total; at least one of each."""
    sample = model.sample
    # (a column of "n (%)" cells holds counts on every row: a "Table 1" whose labels say "sex (%)" is no
    # table of measures as rows)
    values = [c for c in model.columns if c.role is Role.MEASURE and c.kind is ColumnKind.NUMERIC
              and not c.count_named and c.statistic is None and not c.embedded]
    if not values or sample.height < 2:
        return
    for m in model.columns:
        if m.role is not Role.DIMENSION or m.kind is not ColumnKind.TEXT or not 2 <= m.distinct <= _MAX_MEASURE_LABELS:
            continue
        labels = [v for v in sample.get_column(m.name).unique().to_list() if isinstance(v, str) and v.strip()]
        if len(labels) >= 2 and all(_is_statistic_label(v) for v in labels):
            # every row a statistic ("alder (median)", "charlson (median)" over "fp | alle_test"): the columns
            # hold no counts
            for c in values:
                c.is_count = False
            return
        counted, other, unnamed = set(), set(), set()
        for v in labels:
            tokens = name_tokens(v)
            if "%" in v or _not_count_name(tokens, not_count_words, v):
                other.add(v)
            elif _word_match(tokens, count_words, v):
                counted.add(v)
            elif not is_margin_label(v):
                unnamed.add(v)
        if counted and unnamed and not _fraction_rows(sample, m.name, unnamed, values):
            continue  # a category ("Mænd") among the labels, not a measure's name
        other |= unnamed  # ("Years since graduation 8.9 | 27.0": a measure whose name says no statistic)
        if not counted or not other:
            continue
        # the other rows must hold some measure that is no count (a mean of 1.5, a share of 71.5): rows
        # of whole numbers only may be counts of classes named by an amount ("Indkomst under 200.000 kr.")
        others = sample.filter(pl.col(m.name).is_in(list(other)))
        if not any(_has_fraction(others.get_column(c.name)) for c in values):
            continue
        rows = sample.filter(pl.col(m.name).is_in(list(counted)))
        for c in values:
            col = rows.get_column(c.name).drop_nulls()
            if col.dtype.is_float():
                col = col.drop_nans()
            if col.len() and bool((col >= 0).all()) and bool((col == col.round(0)).all()):
                model.count_rows[c.name] = (m.name, frozenset(counted))
                c.is_count = False  # (its other rows are not counts)
        if model.count_rows:
            return


def _fraction_rows(sample: pl.DataFrame, label: str, labels: set[str], values: list[ColumnInfo]) -> bool:
    """Whether every row labelled one of ``labels`` holds numbers with a fraction in most of its value columns (a
    measure's row across the groups, "Years since graduation 8.9 10.2 27.0"), not whole numbers in most (a
    category's counts, with a rate beside them: "Denmark 6 102 5 8.2 812 330 571 7.0")."""
    rows = sample.filter(pl.col(label).is_in(list(labels))).select([c.name for c in values]).rows()

    def measured(row: tuple[object, ...]) -> bool:
        present = [x for x in row if isinstance(x, (int, float)) and math.isfinite(x)]
        fractions = sum(1 for x in present if isinstance(x, float) and not x.is_integer())
        return bool(present) and fractions * 2 > len(present)

    return bool(rows) and all(measured(row) for row in rows)


#: An index of simulation draws: bootstrap replicates, MCMC iterations and chains (R's posterior/brms/rstan,
# Stata's bootstrap saving(), PyMC/ArviZ).
DRAW_INDEX = frozenset({"draw", "draws", ".draw", "iter", "iteration", ".iteration", "iterations", "rep",
                         "replicate", "replication", "bootstrap", "boot", "bootstrap_rep", "boot_rep", "bs",
                         "chain", ".chain", "sim", "simulation", "_replicate", "replikation", "trækning"})
# A model's parameters as draw files name them: b_age, beta1, (Intercept), sigma, lp__, theta[2], _b_alder.
_PARAMETER = lazy_compile(r"^(?:_?b_\w+|_?b\[\w+\]|beta_?\w*|coef_?\w*|\(?intercept\)?|_cons|theta\w*|sigma\w*|tau\w*|"
                          r"alpha\w*|gamma\w*|mu(?:_\w+)?|lambda\w*|rho\w*|lp__|log_?lik\w*|r_\w+|sd_\w+|cor_\w+|"
                          r"z_\w+|eta\w*|phi\w*|kappa\w*|omega\w*|psi\w*|nu\w*|delta\w*)(?:\[[\d,]+\])?$", re.I)


def _curve_points(model: TableModel) -> bool:
    """Rows that are the points of a curve, not units: a numeric column running over an even grid (1, 2, ... 100;
    0.05, 0.10, ...) in file order, and every other column moving one way along it (a Lorenz curve's cumulative
    share, a distribution function, a survival curve). Ten points at least."""
    import numpy as np

    sample = model.sample
    if sample.height < 10 or not model.columns:
        return False
    numeric = [c for c in model.columns if c.kind is ColumnKind.NUMERIC]
    labels = [c for c in model.columns if c.kind is not ColumnKind.NUMERIC]
    if len(numeric) < 2 or any(c.kind is not ColumnKind.TEXT for c in labels):
        return False
    if labels:
        # one curve per group named by the text columns ("Norge_alle_17plus", or a curve per county), each of ten
        # points at least
        keys = [tuple(r) for r in sample.select([c.name for c in labels]).iter_rows()]
        groups: dict[tuple[object, ...], list[int]] = {}
        for k, key in enumerate(keys):
            groups.setdefault(key, []).append(k)
        if len(groups) > 50 or any(len(rows) < 10 or rows != list(range(rows[0], rows[-1] + 1))
                                   for rows in groups.values()):
            return False
        spans = list(groups.values())
    else:
        spans = [list(range(sample.height))]
    series_all = {c.name: sample.get_column(c.name).cast(pl.Float64).to_numpy() for c in numeric}
    if any(np.isnan(v).any() for v in series_all.values()):
        return False
    return all(_one_curve({name: v[rows[0]:rows[-1] + 1] for name, v in series_all.items()}) for rows in spans)


def _one_curve(series: dict[str, np.ndarray]) -> bool:
    """Whether one column runs over an even grid and every other moves one way along it."""
    import numpy as np

    def grid(v: np.ndarray) -> bool:
        steps = np.diff(v)  # (within the grid's printed rounding: 3.33, 6.67, 10.0)
        return bool(steps.min() > 0 and np.allclose(steps, steps.mean(), rtol=0.01, atol=1e-9))

    def one_way(v: np.ndarray) -> bool:
        steps = np.diff(v)
        return bool((steps >= 0).all() or (steps <= 0).all())

    return any(grid(v) and all(one_way(w) for name, w in series.items() if name != key)
               for key, v in series.items())


def _simulation_draws(model: TableModel) -> bool:
    """Rows of draws, not units: a draw index (``draw``, ``iter``, ``replicate``, ``chain``) whose values run
    1, 2, 3..., or every value column named as a model parameter (``b_age``, ``beta1``, ``sigma``), with
    decimals (estimates, not records' counts or codes)."""
    names = [c.name.strip().lower() for c in model.columns]
    values = [c for c in model.columns if c.kind is ColumnKind.NUMERIC and c.name.strip().lower() not in DRAW_INDEX
              and c.reason != "row numbers"]
    if not values or any(c.integral for c in values):
        return False
    index = [c for c in model.columns if c.name.strip().lower() in DRAW_INDEX and c.kind is ColumnKind.NUMERIC
             and c.integral]
    if any(_is_run_from_zero_or_one(model.sample, c) for c in index):
        return True  # draws numbered 1, 2, 3, ... down the file
    # a chain and an iteration within it, or no index: every value column must be named as a parameter
    named = [c for c in values if _PARAMETER.match(c.name.strip())]
    return len(named) == len(values) and len(names) - len(values) <= max(1, len(index))


def _key_unique(sample: pl.DataFrame, dims: Sequence[str]) -> bool:
    if sample.height <= 1:
        return True
    if not dims:
        return False
    if sample.height <= SMALL_FRAME_ROWS:
        keys = _row_keys(sample, dims)
        return len(set(keys)) == len(keys)
    return bool(sample.select(dims).is_unique().all())


class _NaN:
    """Stands for NaN in a row key: Polars counts NaN equal to NaN (and -0.0 to 0.0, as Python does)."""


def _row_keys(frame: pl.DataFrame, names: Sequence[str]) -> list[tuple[object, ...]]:
    """Each row's values in ``names`` as a hashable key that compares as Polars compares rows."""
    columns = []
    for name in names:
        values = plain_values(frame.get_column(name))
        if frame.schema[name].is_float():
            values = [_NaN if v is not None and v != v else v for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(frame.height)]


# A cell of a standard error, t statistic or interval printed under an estimate: "(0.002)", "(.)", "[-0.1, 0.3]".
_AUX_CELL = r'^=?"?[(\[]\s*[-+]?[\d.,]*\s*(?:[,;]\s*[-+]?[\d.,]+\s*)?[)\]]\**"?$'


def repeated_rows_polars(sample: pl.DataFrame, usable: Sequence[str], measures: Sequence[str],
                         dims: Sequence[str]) -> tuple[int, int]:
    """The rows of the sample that repeat an earlier row exactly, and the rows whose key (``dims``) is not
    unique (every row, when there are no dims and more than one), among the rows of data: rows with a value
    in ``usable``, and in a measure when there are ``measures`` (footnotes and source lines carry text but no
    numbers); a regression table's rows of standard errors or intervals under its coefficients ("(0.002)"
    under several; esttab's "(.)" under each base level) do not count as repeated rows."""
    body = sample.select(usable)
    non_empty = body.filter(~pl.all_horizontal(pl.all().is_null()))
    if measures:
        non_empty = non_empty.filter(pl.any_horizontal(pl.col(measures).is_not_null()))
    texts = [c for c in usable if non_empty.schema[c] == pl.Utf8]
    kept = non_empty
    if texts:
        aux = [pl.col(c).str.strip_chars().str.contains(_AUX_CELL).fill_null(False) for c in texts]
        blank = [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in texts]
        others_null = [pl.col(c).is_null() for c in usable if c not in texts]
        kept = non_empty.filter(~(pl.all_horizontal([a | b for a, b in zip(aux, blank, strict=True)] + others_null)
                                  & pl.any_horizontal(aux)))
    duplicate = kept.height - kept.n_unique() if kept.height else 0
    if dims:
        return duplicate, int((~non_empty.select(dims).is_unique()).sum())
    return duplicate, non_empty.height if non_empty.height > 1 else 0


def repeated_rows_python(sample: pl.DataFrame, usable: Sequence[str], measures: Sequence[str],
                         dims: Sequence[str]) -> tuple[int, int]:
    """:func:`repeated_rows_polars` in plain Python, for a small sample (:data:`SMALL_FRAME_ROWS`)."""
    aux_cell = re.compile(_AUX_CELL)
    rows = _row_keys(sample, usable)
    position = {name: i for i, name in enumerate(usable)}
    measured = [position[m] for m in measures]
    non_empty = [r for r in rows if any(v is not None for v in r)
                 and (not measured or any(r[i] is not None for i in measured))]
    texts = [position[c] for c in usable if sample.schema[c] == pl.Utf8]
    others = [i for i in range(len(usable)) if i not in texts]

    def auxiliary(row: tuple[object, ...]) -> bool:
        marks = [isinstance(row[i], str) and bool(aux_cell.search(row[i].strip(WHITE_SPACE)))  # type: ignore[union-attr]
                 for i in texts]
        return any(marks) and all(m or row[i] is None or row[i].strip(WHITE_SPACE) == ""  # type: ignore[union-attr]
                                  for m, i in zip(marks, texts, strict=True)) \
            and all(row[i] is None for i in others)

    kept = [r for r in non_empty if not auxiliary(r)] if texts else non_empty
    duplicate = len(kept) - len(set(kept))
    if dims:
        keys = [tuple(r[position[d]] for d in dims) for r in non_empty]
        counts: dict[tuple[object, ...], int] = {}
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
        return duplicate, sum(1 for k in keys if counts[k] > 1)
    return duplicate, len(non_empty) if len(non_empty) > 1 else 0


def _infer_shape(model: TableModel, *, min_rows: int, repeated_key_share: float,
                 duplicate_row_share: float) -> None:
    sample = model.sample
    n = sample.height
    usable = [c.name for c in model.columns if c.kind is not ColumnKind.NESTED]
    if usable and n:
        measures = [c.name for c in model.measures]
        dims = [c.name for c in model.dimensions]
        reading = repeated_rows_python if n <= SMALL_FRAME_ROWS else repeated_rows_polars
        model.duplicate_rows, model.repeated_key_rows = reading(sample, usable, measures, dims)
    reasons = model.shape_reasons
    if n < min_rows:
        model.shape = TableShape.AGGREGATE if model.key_unique else TableShape.UNKNOWN
        return
    if model.duplicate_rows >= 2 and model.duplicate_rows >= duplicate_row_share * n:
        reasons.append(f"{model.duplicate_rows:,} of {n:,} rows repeat an earlier row exactly; "
                       "a table never repeats a whole row")
    measures = model.measures
    varying = [c for c in measures if c.distinct > 1]
    if not model.dimensions and all(c.is_count for c in varying):
        varying = []  # an unlabelled list of counts is a (broken) table, not units: TAB001 judges it
    # Counts written with their percentage ("52333 (58)") are a summary table by construction, even when
    # several of them are stacked in one file and their row labels repeat.
    summary = any(c.embedded for c in model.columns)
    if (not model.key_unique and not model.wide and not summary and varying
            and model.repeated_key_rows >= repeated_key_share * n):
        dims = model.dimensions
        what = ("no column identifies the rows" if not dims else
                f"the {len(dims)} category column(s) repeat in {model.repeated_key_rows:,} of {n:,} rows")
        reasons.append(f"{what} while {len(varying)} value column(s) vary: one row per unit")
    only = model.columns[0] if len(model.columns) == 1 else None
    if (only is not None and only.distinct_share >= 0.9 and only.non_null >= min_rows
            and (only.kind is ColumnKind.TEXT or (only.integral and not only.is_count))):
        reasons.append("a single column of distinct values: a bare list of keys")
    if reasons and (_simulation_draws(model) or _curve_points(model)):
        # bootstrap replicates and MCMC draws of a model's parameters: a row per draw, not per unit; the points of
        # a curve over an even grid (a Lorenz curve's "Andel patienter (%)" 1..100 and the cumulative share)
        reasons.clear()
        model.shape = TableShape.AGGREGATE
        return
    if reasons:
        model.shape = TableShape.MICRODATA
    elif model.key_unique or model.wide:
        model.shape = TableShape.AGGREGATE
    else:
        model.shape = TableShape.UNKNOWN
