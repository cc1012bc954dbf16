"""MIC: microdata — row-level records and identifier columns must not leave in any form."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import TextChunk
from scanner.names import (
    BARE_NAMES,
    DIMENSION_WORDS,
    MARGIN_LABELS,
    PERSON_ATTRIBUTES,
    identifier_kind,
    quasi_identifier_kind,
)
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    import polars as pl

    from scanner.table_model import ColumnInfo, TableModel

__all__ = ["IdentifierOptions", "QuasiIdentifierOptions", "RowLevelOptions"]


@dataclass(frozen=True, slots=True)
class RowLevelOptions:
    """MIC001 options (see rules.toml)."""

    min_rows: int = 20
    duplicate_row_share: float = 0.01
    repeated_key_share: float = 0.02

    def __post_init__(self) -> None:
        if self.min_rows < 2:
            raise ValueError("min_rows must be at least 2")
        for name in ("duplicate_row_share", "repeated_key_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be a share between 0 and 1")


#: Statistical packages' data set formats (the loaders' format names).
_DATASET_FORMATS = frozenset({"sas7bdat", "xpt", "dta", "sav", "por"})


@rule("MIC001", "row-level-records", Severity.BLOCK, (Shape.TABLE, Shape.TEXT), RowLevelOptions)
def row_level_records(ctx: RuleContext, part: TableModel | TextChunk) -> Iterator[Finding]:
    """A tabular file whose rows are persons or firms (microdata), even without an ID column.

    What it flags: files where whole rows repeat (a table never repeats a row: it would have counted
    them), where the category columns repeat while values vary (one row per unit, as in a survey or
    register extract), or a single column of distinct values (a bare list of keys): a headerless CSV of
    pseudonymised or running numbers, or a text file with one key per line (`P1234_LopNr_...`, 400 lines
    of 6-9 digit numbers), and a top-n list of single values (`rank 1..n` beside incomes or turnovers that
    are no counts or statistics; review when a label column may make the rows groups), and a table whose title
    says its rows are the n largest firms or incomes (`De 10 største virksomheder`) without a count of units.

    Why it is disclosive: Statistics Denmark's rules forbid microdata "in any form": row-per-person or
    row-per-firm data stays on the server even when the ID is removed, because rare combinations of the
    remaining columns re-identify people. A bare list of keys says who is in a study population, and the
    keys link back to every register on the server.

    Example: `age,sex,region,income` with one row per person; a 1,413-row vaccine study extract;
    `udvalgte_personer.txt` with one pseudonymised number per line.

    A SAS, Stata or SPSS data set that the analysis cannot prove row-level is still `review`: in an export
    request these formats hold unit records in almost every case, so a person confirms it holds
    aggregates only. A list of distinct short numbers (at most four digits) is `review`: they could be
    keys, or counts or codes that lost their labels.

    Options: `min_rows` (fewer rows is a small table, not evidence), `duplicate_row_share`,
    `repeated_key_share`.

    References: Statistics Denmark, "Regler for hjemsendelse af resultater"; Eurostat/ESSnet Handbook on
    SDC, ch. 3 (microdata).
    """
    if isinstance(part, TextChunk):
        if part.program:
            # a program's comments ("* lopnr 104233 og 220415 droppet"): keys named and written out
            yield from _named_keys_in_text(ctx, part)
            return
        yield from _key_list_in_text(ctx, part)
        found = list(_named_keys_in_text(ctx, part))
        yield from found
        if not found:
            yield from _units_listed_in_text(ctx, part)
        return
    from scanner.table_model import TableShape

    table = part
    if table.shape is not TableShape.MICRODATA:
        # (a title that says the rows are the largest units is surer than a rank column alone)
        bare = _bare_number_column(ctx, table) or _packed_records(ctx, table) or _titled_top_units(ctx, table) \
            or _ranked_units(ctx, table) \
            or _units_as_columns(ctx, table) or _curve_of_few_units(ctx, table)
        if bare is not None:
            yield bare
        elif table.meta.format in _DATASET_FORMATS and not _dense_grid_of_counts(table):
            yield ctx.finding(
                f"A {table.meta.format} data set: these files hold unit records (microdata) in almost every "
                "export, and its rows could not be shown to be table cells; a person must confirm it holds "
                "aggregates only.",
                masking.note(f"{table.n_sample_rows:,} rows, {len(table.columns)} columns inspected"),
                identity="dataset",
                severity=Severity.REVIEW,
            )
        return
    n = table.n_sample_rows
    scope = "the first" if not table.sample_complete else "all"
    reasons = "; ".join(table.shape_reasons)
    yield ctx.finding(
        f"The rows look like one per person or firm (microdata): {reasons}.",
        masking.note(f"{scope} {n:,} rows, {len(table.columns)} columns inspected"),
        identity="shape",
    )


# Cumulative shares of a population: 0 to 1 (or 0 to 100) in equal steps.
_CURVE_MAX_UNITS = 12


def _curve_of_few_units(ctx: RuleContext, table: TableModel) -> Finding | None:
    """A curve over the units of a small group: a column of the population's cumulative share in equal steps of
    1/n of a dozen units at most that no quantile grid takes (1/7: not thirds, quarters, fifths, tenths), beside a
    column rising with it (a Lorenz curve's cumulative income share). Each step is one unit, and its rise that
    unit's share."""
    import numpy as np

    from scanner.table_model import ColumnKind

    numeric = [c for c in table.columns if c.kind is ColumnKind.NUMERIC]
    if len(numeric) < 2 or not table.sample_complete or not 3 <= table.n_sample_rows <= _CURVE_MAX_UNITS + 1:
        return None
    for col in numeric:
        v = table.sample.get_column(col.name).cast(float).to_numpy()
        if np.isnan(v).any() or len(v) < 3:
            continue
        scale = 100.0 if v.max() > 1.0 + 1e-9 else 1.0
        v = v / scale
        steps = np.diff(v)
        if v[-1] < 0.999 or steps.min() <= 0 or not np.allclose(steps, steps.mean(), rtol=0.01, atol=1e-4):
            continue
        units = round(1 / steps.mean())
        if units > _CURVE_MAX_UNITS or abs(units * steps.mean() - 1) > 0.01 or 100 % units == 0 or units == 3:
            continue  # (thirds, quarters, fifths, tenths of a population: a quantile grid, no units)
        rising = [c for c in numeric if c is not col and bool(np.all(np.diff(
            table.sample.get_column(c.name).cast(float).to_numpy()) >= 0))]
        if not rising:
            continue
        return ctx.finding(
            f"Column {masking.mask_name(col.name)!r} rises in equal steps of 1/{units} of a population (no quantile "
            f"grid takes them) beside {masking.mask_name(rising[0].name)!r}: a curve over {units} units, each step "
            "one unit and its rise that unit's own share. A person must check.",
            masking.note(f"{units} steps of a cumulative share"), column=col.name, severity=Severity.REVIEW,
            identity="curve-of-units")
    return None


def _dense_grid_of_counts(table: TableModel) -> bool:
    """A data set that is a crosstab saved as a file (``collapse (count)`` then ``save``, SPSS AGGREGATE): its
    dimensions identify every row, a column named as counts (antal, lkm, n_fodte) holds whole numbers (or, with
    two dimensions or more, any column read as counts), and the rows fill at least half the grid of the
    dimensions' values (persons' records, keyed by chance, do not)."""
    from scanner.table_model import Role

    if not table.key_unique or not table.sample_complete or table.n_sample_rows < 4:
        return False  # (two or three rows prove no grid)
    dims = [c for c in table.columns if c.role is Role.DIMENSION]
    if not dims or len(dims) > 4:
        return False
    # (a count column named as counts; or, in a grid of two dimensions or more, whole numbers read as counts:
    # "alue x tila_2019 x tila_2020 | henkiloita")
    if not any(_named_count(c) for c in table.columns) and not (len(dims) >= 2 and table.counts):
        return False
    cells = 1
    for c in dims:
        cells *= max(c.distinct, 1)
    return table.n_sample_rows >= 0.5 * cells


# A bare list is "distinct" when at least this share of its values differ (a key list may hold a few
# duplicates from a sloppy join; a list of counts repeats values far more often).
_BARE_DISTINCT_SHARE = 0.9
# Keys of at least this many digits (median) are surely keys: person and firm running numbers and
# pseudonyms have 5-10 digits, and counts that large come with labels. Shorter ones could be counts,
# years or codes that lost their labels: review.
_KEY_DIGITS = 5


def _named_count(col: ColumnInfo) -> bool:
    """The column's name says it holds counts (``antal``, ``n``, ``count``...: TAB001's ``count_words``).

    The table analysis records that choice (``ColumnInfo.count_named``); a count column is judged by TAB001,
    not read as keys.
    """
    return col.is_count and col.count_named


def _is_run(values: pl.Series) -> bool:
    """Consecutive whole numbers (1..n, 2001..2030 after sorting): row numbers or a sequence, no keys."""
    ordered = values.unique().sort()
    return ordered.len() >= 2 and bool((ordered.diff().drop_nulls() == 1).all())


# A column of ranks: "rank", "rang", "placering", "top", "firm_rank", "nr." beside the values ranked.
_RANK_NAME = lazy_compile(r"(?:^|[\W_])(?:rank\w*|rang\w*|placering|plads|plass|plats|sijoitus|sija|j(?:ä|a)rjestys|"
                          r"top)(?:$|[\W_\d])", re.IGNORECASE)


def _ranked_units(ctx: RuleContext, table: TableModel) -> Finding | None:
    """A top-n list of single values: a column of ranks 1..n beside magnitudes that are no counts and no
    statistics (``rank 1, income 12,500,000``). Each row is one person's or firm's own value; with a label
    column beside them (``rank, municipality, income``) the rows may be groups' totals: review."""
    import polars as pl

    from scanner.table_model import ColumnKind

    ranks = [c for c in table.columns if _RANK_NAME.search(c.name) and c.kind is ColumnKind.NUMERIC and c.integral]
    if len(ranks) != 1 or not table.sample_complete or table.n_sample_rows < 3:
        return None
    rank = ranks[0]
    values = table.sample.get_column(rank.name).drop_nulls().cast(pl.Int64)
    if values.min() != 1 or not _is_run(values):
        return None
    magnitudes = [c for c in table.columns if c is not rank and c.kind is ColumnKind.NUMERIC and not c.is_count
                  and not c.count_named and c.statistic is None and not c.embedded]
    if not magnitudes:
        return None
    if any(c.is_count and c.count_named for c in table.columns):
        return None  # each row's group size beside its values ("Antal elever åk 9"): groups ranked, TAB001's cells
    others = [c for c in table.columns if c is not rank and c not in magnitudes and c.kind is not ColumnKind.EMPTY]
    names = ", ".join(repr(masking.mask_name(c.name)) for c in magnitudes[:3])
    evidence = masking.note(f"{table.n_sample_rows:,} ranked rows; values not shown")
    if others:
        return ctx.finding(
            f"The table ranks its rows ({masking.mask_name(rank.name)!r}) by {names}: if the rows are persons or "
            "firms (a top-n list), each value is one unit's own; a person must check that they are groups.",
            evidence, column=rank.name, severity=Severity.REVIEW, identity="ranked")
    return ctx.finding(
        f"The table is a ranked list ({masking.mask_name(rank.name)!r}) of single values of {names} with "
        "nothing that makes its rows groups: a top-n list of persons' or firms' own values (microdata).",
        evidence, column=rank.name, identity="ranked")


# A title that says the rows are the n largest units: "De 10 største virksomheder", "Sveriges 20 största
# företag", "The ten largest employers", "Top 25 firms", "De 10 højeste indkomster".
_NUMBER_WORD = r"(?:\d{1,3}|to|tre|fire|fem|seks|syv|otte|ni|ti|tyve|två|fyra|sex|sju|åtta|nio|tio|tjugo|two|three|"\
               r"four|five|six|seven|eight|nine|ten|twenty|kaksi|viisi|kymmenen)"
_TOP_UNIT_WORDS = (r"(?:virksomhed\w*|firm\w*|compan\w*|f(?:ö|o)retag\w*|selskab\w*|foretak\w*|bedrift\w*|"
                   r"arbejdsgiver\w*|arbetsgivar\w*|employers?|yritys\w*|indkomst\w*|inkomst\w*|incomes?|"
                   r"l(?:ø|o)nn?\w*|wages?|salar\w*|personer|persons|people|earners?|patients?|patienter|"
                   r"pasienter|potila\w*|henkil(?:ö|o)\w*|eksport(?:ø|o)r\w*|export(?:ö|o)r\w*|exporters?|"
                   r"import(?:ø|ö|o)r\w*|importers?|producent\w*|produsent\w*|producers?|rederi\w*|kunder|customers?|"
                   r"asuntokun\w*|kotitalo\w*|households?|husstand\w*|hush(?:å|a)ll\w*|husholdning\w*)")
_TOP_UNITS = lazy_compile(
    r"(?<![\w])(?:(?:top|de|the|sveriges|danmarks|norges)[ -]?)?" + _NUMBER_WORD + r"\s+(?:st(?:ø|oe|ö|o)rst\w*|"
    r"largest|biggest|h(?:ø|oe|ö|o)jeste|h(?:ö|o)gsta|highest|suurinta|suurimmat|top)\s+(?:\w+\s+)?"
    # (a compound ends with the unit: "eksportvirksomheder", "industriföretag")
    + r"\w*?" + _TOP_UNIT_WORDS + r"|(?<![\w])top[ -]?\d{1,3}\s+(?:\w+\s+)?\w*?" + _TOP_UNIT_WORDS
    # the superlative first: "suurimmat 10 potilasta", "kalleimmat 20 potilasta", "the costliest 10 patients"
    + r"|(?<![\w])(?:suurimmat|kalleimmat|costliest|most expensive|dyreste|dyraste|st(?:ø|oe|ö|o)rst\w*|"
    r"largest|highest)\s+" + _NUMBER_WORD + r"\s+(?:\w+\s+)?\w*?" + _TOP_UNIT_WORDS
    # the units first and their largest value after: "Kymmenen asuntokuntaa, joilla on suurimmat kokonaisvelat", "10
    # households with the largest debts", "10 husstande med de højeste formuer"
    + r"|(?<![\w])" + _NUMBER_WORD + r"\s+(?:\w+\s+)?\w*?" + _TOP_UNIT_WORDS + r",?\s+(?:joilla\s+on|jotka|with\s+the|"
    r"med\s+de|med\s+den|som\s+har\s+de|som\s+har)\s+(?:suurimma\w*|suurin\w*|korkeimma\w*|largest|highest|biggest|"
    r"h(?:ø|oe|ö|o)jeste|st(?:ø|oe|ö|o)rste|h(?:ö|o)gsta|st(?:ö|o)rsta)", re.IGNORECASE)


# A share after the largest units: "... virksomheders andel af omsætningen", "... firms' share of turnover", "(%)".
_TOP_SHARE = lazy_compile(r"(?i)^\W*(?:'s?\s+)?(?:andel|andelen|share|shares|andelar|osuus|del|pct|procent|percent|%)")


def _titled_top_units(ctx: RuleContext, table: TableModel) -> Finding | None:
    """A table whose title says its rows are the n largest units ("De 10 største virksomheder i
    Hovedstaden"), with magnitudes beside labels and no count of units: each row is one firm's (or
    person's) own values, whatever its label column says (an industry, a region)."""
    from scanner.table_model import ColumnKind

    title = table.meta.title or ""
    m = _TOP_UNITS.search(title)
    if m is None or not table.sample_complete or table.n_sample_rows < 2:
        return None
    if _TOP_SHARE.search(title[m.end():m.end() + 40]):
        return None  # "de 2 største virksomheders andel af omsætningen (%)": each row a group's concentration
    magnitudes = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.count_named
                  and c.statistic is None and not c.embedded]
    if not magnitudes or any(c.count_named and _FIRM_OR_PERSON_COUNT.search(c.name) for c in table.columns):
        return None  # ("Antal virksomheder" beside them: the rows are groups of units)
    names = ", ".join(repr(masking.mask_name(c.name)) for c in magnitudes[:3])
    return ctx.finding(
        f"The title says the rows are the largest units ({masking.mask_label(m.group(0))!r}): each row's {names} "
        "is one firm's or person's own values (microdata), whatever its labels say.",
        masking.note(f"{table.n_sample_rows:,} rows under a top-n title; values not shown"), identity="top-n-title")


#: Columns named as single units ("Pt1", "Patient 12", "Person 3") at which a table is a transposed listing.
_MIN_UNIT_COLUMNS = 5


def _units_as_columns(ctx: RuleContext, table: TableModel) -> Finding | None:
    """Microdata turned on its side: a column per person or firm ("Pt1" ... "Pt40", "Patient 1", "Firm 7"),
    their attributes as rows (age, sex, diagnosis). Each column is one unit's record."""
    from scanner.loaders.office import UNIT_LABEL
    from scanner.table_model import ColumnKind

    named = [c for c in table.columns if UNIT_LABEL.match(c.name)]
    if len(named) < _MIN_UNIT_COLUMNS or len(named) < 0.8 * (len(table.columns) - 1):
        # columns numbered 1, 2, 3 ... whose cells mix numbers and words (an age, a sex, a municipality
        # down each column): records, not a wide table of counts by a numbered class
        numbered = [c for c in table.columns if c.name.strip().isdigit()]
        mixed = [c for c in numbered if c.kind is ColumnKind.TEXT]
        if len(numbered) < _MIN_UNIT_COLUMNS or len(numbered) < 0.8 * (len(table.columns) - 1) \
                or len(mixed) < 0.8 * len(numbered) \
                or [int(c.name) for c in numbered] != list(range(1, len(numbered) + 1)):
            return None
        named = numbered
    return ctx.finding(
        f"{len(named):,} columns are named as single persons or firms ({masking.mask_name(named[0].name)!r}, ...): "
        "each column is one unit's record (microdata written with units as columns).",
        masking.note(f"{len(named):,} unit columns, {table.n_sample_rows:,} rows of attributes; values not shown"),
        identity="units-as-columns")


_FIRM_OR_PERSON_COUNT = lazy_compile(r"virksomhed|firm|compan|f(?:ö|o)retag|selskab|foretak|bedrift|arbejdssted|"
                                   r"personer|persons|people|individ|patient", re.IGNORECASE)


def _packed_records(ctx: RuleContext, table: TableModel) -> Finding | None:
    """A file without a header whose rows each start with a field of ten characters or more, mostly digits and
    all distinct (``1021657746147H30``: a fixed-width record, key, municipality, sex, age and education packed
    without delimiters, as a .dat file beside its codebook): one record per unit."""
    from scanner.table_model import ColumnKind

    opts: RowLevelOptions = ctx.options
    if table.meta.header_rows != 0 or table.n_sample_rows < opts.min_rows:
        return None
    for col in table.columns[:3]:
        if col.kind is not ColumnKind.TEXT or col.distinct_share < _BARE_DISTINCT_SHARE:
            continue
        values = [str(v) for v in table.sample.get_column(col.name).drop_nulls().to_list()[:2000]]
        if len(values) < opts.min_rows:
            continue
        # (a run of ten digits or more: a date and time, "2024-01-01T00:00:00", is no packed record)
        packed = [v for v in values if len(v) >= 10 and sum(ch.isdigit() for ch in v) >= 0.7 * len(v)
                  and re.search(r"\d{10}", v)]
        if len(packed) >= 0.95 * len(values) and len({len(v) for v in packed}) <= 2:
            return ctx.finding(
                f"Each of the file's {table.n_sample_rows:,} rows starts with a field of digits packed together "
                f"(about {len(packed[0])} characters, every row's another), without a header: fixed-width records, "
                "one per person or firm (a key and attributes written side by side).",
                masking.note(f"{col.distinct:,} distinct of {col.non_null:,} values; values not shown"),
                column=col.name, identity="packed-records")
    return None


def _bare_number_column(ctx: RuleContext, table: TableModel) -> Finding | None:
    """A one-column table of distinct numbers (a headerless CSV of keys), which the table analysis reads
    as an unlabelled column of counts. Text keys are caught by the analysis itself (shape MICRODATA)."""
    from scanner.table_model import ColumnKind

    opts: RowLevelOptions = ctx.options
    if len(table.columns) != 1:
        return None
    col = table.columns[0]
    # Decimals are not keys (and the analysis already reads an unlabelled column of them as units).
    if (col.kind is not ColumnKind.NUMERIC or not col.integral or col.non_null < opts.min_rows
            or col.distinct_share < _BARE_DISTINCT_SHARE or _named_count(col) or col.statistic is not None):
        return None
    values = table.sample.get_column(col.name).drop_nulls()
    what = "headerless column" if table.meta.header_rows == 0 else f"column {masking.mask_name(col.name)!r}"
    evidence = masking.note(f"{col.distinct:,} distinct of {col.non_null:,} values; values not shown")
    if _is_run(values):
        return None
    digits = statistics.median_low(len(str(abs(int(v)))) for v in values.to_list())
    if digits >= _KEY_DIGITS:
        return ctx.finding(
            f"The file is a single {what} of {col.non_null:,} distinct whole numbers of about {digits} digits and "
            "nothing else: a bare list of keys (pseudonymised or running numbers), which the rules forbid "
            "even without other data.",
            evidence, column=col.name, identity="bare-list")
    return ctx.finding(
        f"The file is a single {what} of {col.non_null:,} distinct whole numbers of at most {digits} digits and "
        "nothing else: keys (running numbers), or counts or codes that lost their labels; a person must look.",
        evidence, column=col.name, severity=Severity.REVIEW, identity="bare-list")


# One key per line in a text file: a token of letters, digits, "_" and "-" with at least four digits,
# digits making up at least a third of it (``861832472``, ``P1234_LopNr_107081``, ``K4228055``, a hex
# pseudonym). ISO dates and decimal numbers are not keys.
_KEY_TOKEN = lazy_compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{3,63}")
_ISO_DATE = lazy_compile(r"\d{4}-\d{2}-\d{2}")
_HEADER_TOKEN = lazy_compile(r"[^\W\d][\w .\-]{0,40}")


def _key_like(token: str) -> bool:
    if not _KEY_TOKEN.fullmatch(token) or _ISO_DATE.fullmatch(token) or _CLASSIFICATION_CODE.fullmatch(token):
        return False
    digits = sum(ch.isdigit() for ch in token)
    return (digits >= 4 and 3 * digits >= len(token)) or _pseudonym(token)


# Codes of the classifications a list of categories holds: ATC ("N06BA04"), ICD-10 ("F32", "E11.9", "DF321").
_CLASSIFICATION_CODE = lazy_compile(r"[A-Z]\d{2}[A-Z]{2}\d{2}|D?[A-Z]\d{2}(?:\.?\d{1,2})?[A-Z]?")


# A pseudonymised key of letters and digits in one case ("29HM0QUBQH", "a3f9c01e7b2d"): 8 to 40 characters, a
# digit and a letter at least. A word, a name or a code of the classifications has no digit or a mixed case.
_PSEUDONYM = lazy_compile(r"(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{8,40}"
                          r"|(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]{8,40}")


def _pseudonym(token: str) -> bool:
    return _PSEUDONYM.fullmatch(token) is not None


_FIELD_SPLIT = lazy_compile(r"[\s;,|]+")
_NUMBER_TOKEN = lazy_compile(r"[+-]?\d+(?:[.,]\d+)?")


def _line_key(line: str) -> str | None:
    """The key of a line that is a key, optionally followed by numbers (``12345678 14``: a count per
    key); None for any other line."""
    first, *rest = _FIELD_SPLIT.split(line)
    if len(rest) > 3 or not all(_NUMBER_TOKEN.fullmatch(t) for t in rest) or not _key_like(first):
        return None
    return first


def _key_list_in_text(ctx: RuleContext, chunk: TextChunk) -> Iterator[Finding]:
    """A text file (or one chunk of it) that is a list of keys: one key-like token per line, distinct,
    alone or with a number or two after it (a count per key)."""
    opts: RowLevelOptions = ctx.options
    lines = [(k, ln.strip()) for k, ln in enumerate(chunk.text.split("\n")) if ln.strip()]
    if len(lines) < opts.min_rows:
        return
    # One line of names above the list ("LopNr", "arbnr antal") is a header, not text around a list.
    named = False
    if (_line_key(lines[0][1]) is None and all(_HEADER_TOKEN.fullmatch(t) for t in _FIELD_SPLIT.split(lines[0][1]))
            and _line_key(lines[1][1]) is not None):
        named = identifier_kind(_FIELD_SPLIT.split(lines[0][1])[0]) == "register key"
        lines = lines[1:]
    keys = [key for _, ln in lines if (key := _line_key(ln)) is not None]
    if len(keys) < opts.min_rows or len(keys) < 0.95 * len(lines):
        return
    distinct = len(set(keys))
    if distinct < _BARE_DISTINCT_SHARE * len(keys):
        return
    import polars as pl  # here: a text that is not a list of keys never needs it

    if all(k.isdigit() and len(k) <= 18 for k in keys) and _is_run(pl.Series(keys).cast(pl.Int64)):
        return
    digits = statistics.median_low(sum(ch.isdigit() for ch in k) for k in keys)
    # (a header naming a register key, "shnro" over its values, or pseudonyms of ten characters and more)
    sure = digits >= _KEY_DIGITS or named or (statistics.median_low(len(k) for k in keys) >= 10
                                              and sum(_pseudonym(k) for k in keys) >= 0.95 * len(keys))
    doubt = "" if sure else " The values are short; a person must confirm they are keys."
    yield ctx.finding(
        f"The text is a list of {len(keys):,} distinct key-like values, one per line (about {digits} digits "
        "each, alone or with a number beside each): a bare list of keys (pseudonymised or running numbers), "
        "which the rules forbid even without other data." + doubt,
        masking.note(f"{distinct:,} distinct of {len(keys):,} lines; values not shown"),
        line=chunk.first_line + lines[0][0],
        severity=None if sure else Severity.REVIEW,
        identity="bare-list-text",
    )


# A word that may name a register key, then (after a few words or signs: "(lopnr):", "pnr =", "with LopNr")
# numbers of at least four digits, listed. Only lines with both are looked at closer.
_KEY_WORD = lazy_compile(r"[^\W\d][\w.\-]{1,40}")
_LISTED_NUMBERS = lazy_compile(r"[\s(\[):=,;\-]*(?:(?:is|are|er|var|was|were|nr\.?|no\.?|numbers?|values?|:)\s*)*"
                             r"((?:\d{4,18}(?:\s*(?:,|;|/|\band\b|\bog\b|\boch\b|\bor\b|\beller\b)?\s*)(?=\d|$|[^\d]))+)",
                             re.IGNORECASE)
_DIGIT_RUN = lazy_compile(r"\d{4,18}")
# A key's value of letters and digits right after its name: "shnro = F3K9W2P7QA", "lopnr: a3f9c01e7b".
_PSEUDONYM_AFTER_NAME = lazy_compile(r"[\s`'\"(\[):=]*\s*([A-Za-z0-9]{8,40})(?![\w])")
# A regression table's row that counts the groups or clusters of a key, just before the key's name: texreg's
# "Num. groups: orgnr", "Clusters: lopnr", "Number of groups (pnr)", "Antal grupper: lopnr".
_GROUPS_OF = lazy_compile(r"\b(?:groups?|clusters?|grupper|klynger|kluster|ryhmi\w*|ryhmät)\W*$", re.IGNORECASE)
_YEAR = lazy_compile(r"(19|20)\d\d")


def _named_keys_in_text(ctx: RuleContext, chunk: TextChunk) -> Iterator[Finding]:
    """Values of a register key written out in a text after the key's name ("Excluded persons (lopnr):
    104233, 118790, ..."; "the person with pnr 0101801234"): a list of keys, or one person's key tied to what
    the text says of them. Two or more values are MIC001 (block); one (of at least five digits) is a review.
    Four-digit years are not keys ("lopnr 2015 2016")."""
    from scanner.names import identifier_kind

    # The chunk's distinct words that name a register key (few: each is judged once); a text naming none
    # has no key written out after its name.
    names = {w for w in set(_KEY_WORD.findall(chunk.text)) if identifier_kind(w.strip(".-")) == "register key"}
    if not names:
        return
    named = re.compile("|".join(re.escape(w) for w in sorted(names, key=len, reverse=True)))
    lines = chunk.text.split("\n")
    singles: list[tuple[int, int, str, str]] = []  # (line, column, key's name, value): lines naming one value
    for k, line in enumerate(lines):
        if len(line) > 10_000 or not named.search(line):
            continue
        below = _list_below(lines, k)  # (a year in the line's text does not stop a list below it)
        if below is None and not _DIGIT_RUN.search(line) and not _PSEUDONYM_AFTER_NAME.search(line):
            continue
        for word in _KEY_WORD.finditer(line):
            if identifier_kind(word.group(0).strip(".-")) != "register key":
                continue
            if _GROUPS_OF.search(line, 0, word.start()):
                continue  # "Num. groups: orgnr   118204": the number of firms a model has, not keys
            if below is not None and _ENDS_LINE.fullmatch(line, word.end()):
                listed = below  # "Excluded persons (LopNr):" above a line of numbers
            else:
                m = _LISTED_NUMBERS.match(line, word.end())
                if m is None:
                    # a pseudonymised key of letters and digits after its name ("shnro = F3K9W2P7QA")
                    p = _PSEUDONYM_AFTER_NAME.match(line, word.end())
                    if p is None or not _pseudonym(p.group(1)):
                        continue
                    singles.append((k, word.start(), masking.mask_name(word.group(0)), p.group(1)))
                    break
                listed = m.group(1)
            values = [v for v in _DIGIT_RUN.findall(listed) if not (len(v) == 4 and _YEAR.fullmatch(v))]
            if not values or (len(values) == 1 and len(values[0]) < 5):
                continue  # "pnr 1000 times": one short number is a count more often than a key
            name = masking.mask_name(word.group(0))
            many = len(values) >= 2
            if not many:
                singles.append((k, word.start(), name, values[0]))
                break
            yield ctx.finding(
                f"The text lists {len(values):,} value(s) of the register key {name!r}: "
                "a list of keys says who is in a population, and the keys link back to every register.",
                masking.note(f"{len(values):,} key value(s) after the key's name; values not shown"),
                line=chunk.first_line + k,
                identity=f"named-keys:{chunk.first_line + k}:{word.start()}",
            )
            break
    if len({v for *_, v in singles}) >= 2:
        # one key a line ("CVR 23459510" on each of 150 lines): a list of keys all the same
        k, _, name, _ = singles[0]
        yield ctx.finding(
            f"The text lists {len(singles):,} values of the register key {name!r}, one a line: a list of keys "
            "says who is in a population, and the keys link back to every register.",
            masking.note(f"{len(singles):,} lines with one key value after the key's name; values not shown"),
            line=chunk.first_line + k, identity=f"named-key-lines:{chunk.first_line + k}",
        )
        return
    for k, at, name, _ in singles:
        yield ctx.finding(
            f"The text lists 1 value(s) of the register key {name!r}: one unit's key beside what the text says "
            "of it; a person must check.",
            masking.note("1 key value(s) after the key's name; values not shown"),
            line=chunk.first_line + k, severity=Severity.REVIEW, identity=f"named-keys:{chunk.first_line + k}:{at}",
        )


# Units named before a colon, then three or more long numbers: "The following persons were excluded: 10423351,
# 11879022, 12000134" (the key not named: review).
_UNITS_LISTED = lazy_compile(
    r"\b(?:persons?|people|individuals?|patients?|participants?|respondents?|subjects?|firms?|companies|"
    r"enterprises?|employees?|workers?|ids?|identifiers?|personer|patienter|individer|virksomheder|firmaer|"
    r"ansatte|företag|anställda)\b[^:\n]{0,80}:\s*((?:\d{6,18}(?!\d|[.,]\d)\s*(?:,|;|/|\band\b|\bog\b|\boch\b|\bor\b|"
    r"\beller\b)?\s*){3,})(?!\s*(?:kr\b|kroner|kronor|dkk|sek|nok|eur|usd|persons?|personer|people|patients?|"
    r"respectively|hhv|resp\.|in total|i alt|totalt|each|hver|%))", re.IGNORECASE)


def _units_listed_in_text(ctx: RuleContext, chunk: TextChunk) -> Iterator[Finding]:
    """Three or more long numbers listed after a sentence about persons or firms and a colon ("these
    persons were excluded: 10423351, 11879022, 12000134"): a list of keys whose name the text does not
    give. Review: they may be amounts."""
    if ":" not in chunk.text:
        return
    for m in _UNITS_LISTED.finditer(chunk.text):
        values = _DIGIT_RUN.findall(m.group(1))
        if len(values) < 3 or len(set(values)) < 3:
            continue
        line = chunk.first_line + chunk.text.count("\n", 0, m.start(1))
        yield ctx.finding(
            f"The text lists {len(values):,} long numbers after naming persons or firms: they may be their keys "
            "(a list of keys says who is in a population). A person must check.",
            masking.note(f"{len(values):,} numbers of six digits or more after a colon; values not shown"),
            line=line, severity=Severity.REVIEW, identity=f"units-listed:{line}",
        )


# The rest of a line after a key's name that introduces a list below it: "(LopNr):", "pnr =", "lopnr".
_ENDS_LINE = lazy_compile(r"[\s():=\[\]\-]*(?:(?:is|are|er|var|was|were|numbers?|values?)\s*)*[:=]?\s*")
# A line of nothing but numbers of four or more digits, separated by commas, semicolons or spaces.
_NUMBERS_LINE = lazy_compile(r"\s*\d{4,18}(?:(?:\s*[,;/]\s*|\s+)\d{4,18})+\s*[,;.]?\s*")


def _list_below(lines: list[str], k: int) -> str | None:
    """The numbers listed under line ``k``: its next non-blank line when that is a list of numbers (two or
    more), or the run of lines below holding one number each (two or more)."""
    for j, nxt in enumerate(lines[k + 1:k + 3], start=k + 1):
        if nxt.strip():
            if len(nxt) <= 10_000 and _NUMBERS_LINE.fullmatch(nxt):
                return nxt
            column = []
            for below in lines[j:j + 10_000]:
                if not _ONE_NUMBER_LINE.fullmatch(below):
                    break
                column.append(below.strip())
            return " ".join(column) if len(column) >= 2 else None
    return None


# One number a line, also as an item of a YAML or Markdown list ("  - 104233   # doed").
_ONE_NUMBER_LINE = lazy_compile(r"\s*(?:[-*]\s+)?[\"']?\d{4,18}[\"']?\s*[,;]?\s*(?:#.*)?")


@dataclass(frozen=True, slots=True)
class IdentifierOptions:
    """MIC002 options (see rules.toml)."""

    min_distinct_share: float = 0.5
    direct_min_distinct_share: float = 0.1
    min_rows: int = 5
    extra_patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("min_distinct_share", "direct_min_distinct_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be a share between 0 and 1")
        for p in self.extra_patterns:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"extra_patterns: {p!r} is not a regular expression: {exc}") from None


# A column of first names alone, the classes of name statistics ("Fornavn", "Förnamn", "Etunimi", "First name").
_FIRST_NAME = lazy_compile(r"(?i)fornavn|förnamn|fornamn|etunimi|first[\s_]?name|given[\s_]?name|tilltalsnamn")
# A count of the persons who bear a name: "Antal nyfødte", "Antal personer", "Number of babies", a bare "Antal"
# (not of events: "Antal besøg" counts a person's visits).
_PERSONS_COUNTED = lazy_compile(
    r"(?i)^\s*(?:antal|antall|antalet|number|count|n|lkm|lukumäärä|frekvens|frequency|freq|bärare|bærere)"
    r"(?:\s+(?:of\s+)?(?:personer|persons|people|nyfødte|nyfodte|nyfødde|nyfödda|newborns|babies|børn|barn|"
    r"children|kvinder|kvinnor|kvinner|women|mænd|män|menn|men|piger|flickor|jenter|girls|drenge|pojkar|gutter|"
    r"boys|bærere|bärare|bearers|henkilöä|lasta|vauvaa|vastasyntyneitä))?\s*(?:\d{4})?\s*$")


def _rows_are_periods(table: TableModel) -> bool:
    """Whether the table's rows are periods: its one dimension holds years ("År" 2015..2019), so a column
    named for its units counts them a year ("Firmaer i FIRM" 208,114), no unit's key."""
    dims = table.dimensions
    if len(dims) != 1:
        return False
    values = [v for v in table.sample.get_column(dims[0].name).to_list() if v is not None]
    return bool(values) and all(re.fullmatch(r"(?:19|20)\d\d", str(v).strip().removesuffix(".0")) for v in values)


@rule("MIC002", "identifier-column", Severity.BLOCK, (Shape.TABLE,), IdentifierOptions)
def identifier_column(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A column of row-level keys (named as a person, firm or address key) or of the names of persons or firms.

    What it flags: columns named like register keys of persons, firms, workplaces, establishments,
    families, households and addresses as the Nordic statistics offices name them (pnr, cpr, `LopNr` and
    `P####_LopNr_PersonNr`, PeOrgLopNr, ArbStLopNr, CfarLopNr, FamId; ARBNR, LBNR, ARBGNR, CVRNR,
    FAMILIE_ID, AEGTE_ID; fnr, løpenummer, org.nr, bedriftsnr, hushold-id; shnro, Y-tunnus,
    toimipaikkatunnus, perhe-id, asuntokunta-id; address keys), direct identifiers (names, e-mail, phone,
    address, birth date) or record keys (`id`, `person_id`, `usubjid`) when most values are distinct. A
    list of keys with a count per key (`arbnr;antal`) is flagged like any other. A text column whose values
    mostly end with a firm's legal form (`Novo Nordisk A/S`, `Volvo AB`, `Equinor ASA`, `Nokia Oyj`) names
    firms: a direct identifier, whatever the column is called.

    Why it is disclosive: a key that is unique per row is a key to a person or a firm. Statistics
    Denmark treats even a bare list of de-identified keys (running numbers, CVR, workplace and address
    codes) as microdata.

    Example: `LopNr;kon;alder` with one LopNr per row; `id,first_name,email`.

    Options: `min_distinct_share` (distinct / non-empty values), `direct_min_distinct_share` (the
    same for names, e-mail, phone, address, birth date), `min_rows` (fewer values are not judged, except a
    register key's values of five digits or more: one row of `lopnr;loen` is a person's record),
    `extra_patterns` (site
    regular expressions matched against the lower-cased column name).

    References: Statistics Denmark, rules for sending results home (microdata and keys); SCB MONA
    naming of pseudonymised keys (LopNr).
    """
    from scanner.table_model import ColumnKind, TableShape

    opts: IdentifierOptions = ctx.options
    extra = [re.compile(p, re.IGNORECASE) for p in opts.extra_patterns]
    for col in table.columns:
        if col.kind in (ColumnKind.EMPTY, ColumnKind.NESTED):
            continue
        kind = identifier_kind(col.name)
        if kind is None and any(p.fullmatch(col.name.strip()) for p in extra):
            kind = "site key"
        if kind is None and col.name.strip().lower() in BARE_NAMES and table.shape is TableShape.MICRODATA:
            kind = "direct identifier"
        firms = False
        if kind is None and _UNIT_NAMED.search(col.name) and not _COUNTED.search(col.name) \
                and col.distinct_share >= opts.min_distinct_share and col.non_null >= opts.min_rows \
                and _key_values(table, col.name) and not (col.count_named and _rows_are_periods(table)):
            # a column named for its units ("arbejdssted", "workplace", "firma") whose values are distinct
            # numbers of five digits or more: their keys, not a count of them
            kind = "register key"
        if kind is None and col.kind is ColumnKind.TEXT and _firm_names(table, col.name):
            kind, firms = "direct identifier", True  # names of firms: "Novo Nordisk A/S", "Volvo AB"
        if kind in (None, "record key") and (panel := _unnamed_panel_key(table, col)) is not None:
            yield ctx.finding(
                f"Column {masking.mask_name(col.name)!r} tells {col.distinct:,} units apart, each with several "
                f"rows over the table's other labels ({panel}): a panel or event file, one row per unit and "
                "period, whatever the column is called.",
                masking.note(f"{col.distinct:,} distinct of {col.non_null:,} values; values not shown"),
                column=col.name, identity="panel key",
                severity=None if panel.startswith("key") else Severity.REVIEW,
            )
            continue
        if kind == "direct identifier" and _FIRST_NAME.fullmatch(col.name.strip()) \
                and table.shape is not TableShape.MICRODATA and any(
                    c.is_count and _PERSONS_COUNTED.search(c.name) for c in table.columns):
            continue  # name statistics: "Fornavn;Køn;Antal nyfødte", each first name a class of persons counted
        # Names and e-mails repeat (two Annas) yet identify; keys must be near-unique to be row-level.
        floor = opts.direct_min_distinct_share if kind == "direct identifier" else opts.min_distinct_share
        if kind is None or not col.non_null:
            continue
        if col.distinct_share < floor:
            if kind == "register key" and _repeated_keys(table, col):
                yield ctx.finding(
                    f"Column {masking.mask_name(col.name)!r} is a register key repeated over rows: "
                    f"{col.distinct:,} units with several rows each (a panel or one row per event), so "
                    f"every row is a unit's record.",
                    masking.note(f"{col.distinct:,} distinct of {col.non_null:,} values; values not shown"),
                    column=col.name, identity=kind)
            continue
        if kind == "register key" and col.kind is ColumnKind.TEXT and _words_only(table, col.name):
            continue  # variable names or labels under a key's name (a codebook read as a table), no key values
        if kind == "register key" and col.kind is ColumnKind.NUMERIC and not col.integral \
                and not re.search(r"\d{4}", col.name):
            # fractions under a key's name ("FNR" 0.37, a false-negative rate): no key's values (a key's value in
            # the name itself, "Medel_exkl_LopNr_1184521", still names a unit)
            continue
        if col.non_null < opts.min_rows and not firms \
                and not (kind == "register key" and _key_values(table, col.name)):
            # (a register key's values, or firms' names, are a unit's however few: one row of lopnr and
            # wage is one person's record, four named firms and their staff four firms' data)
            continue
        weak = kind == "record key"
        if weak and col.kind is ColumnKind.TEXT and _variant_ids(table, col.name):
            continue  # genetic variants' names ("rs113993960", "7:117559590:G:A"): no unit's key
        # ("fnr" 03, 11, 15 beside counts of 198,000: Norwegian fylkesnummer, a county's code, as much as a
        # fødselsnummer; a key of one or two digits in a table of counts is a person's to check)
        weak = weak or (kind == "register key" and table.shape is TableShape.AGGREGATE and bool(table.counts)
                        and _short_codes(table, col.name))
        share = round(100 * col.distinct_share)
        yield ctx.finding(
            f"Column {masking.mask_name(col.name)!r} is a {kind}: {share} % of its {col.non_null:,} values "
            f"are distinct, so it identifies rows (persons or firms).",
            masking.note(f"{col.distinct:,} distinct of {col.non_null:,} values; values not shown"),
            column=col.name,
            severity=Severity.REVIEW if weak else None,
            identity=kind,
        )


def _short_codes(table: TableModel, name: str) -> bool:
    """Whether every value of a column is a code of one or two digits ("03", "11")."""
    values = [str(v).strip() for v in table.sample.get_column(name).drop_nulls().to_list()]
    return bool(values) and all(v.isdigit() and len(v.lstrip("0") or "0") <= 2 for v in values)


_VARIANT_ID = lazy_compile(r"(?i)^(?:rs\d+|(?:chr)?[0-9xymt]{1,2}[:_]\d+(?:[:_][acgt]+[:_][acgt]+)?)$")


def _variant_ids(table: TableModel, name: str) -> bool:
    """Whether every value of a column is a genetic variant's name (dbSNP's "rs113993960", "7:117559590:G:A")."""
    values = [str(v).strip() for v in table.sample.get_column(name).drop_nulls().to_list()]
    return bool(values) and all(_VARIANT_ID.match(v) for v in values)


# A column named for a unit (singular or plural) and not for counting them.
# A column named for one unit (singular: "arbejdssted", "firma", "person", "workplace_id"; a plural such as
# "personer" or "virksomheder" names a count of them; "person_years", "firm size" name something else) and
# not for counting.
_UNIT_NAMED = lazy_compile(r"(?<![a-zæøåäö])(arbejdssted|arbetsst(ä|a)lle|workplace|establishment|virksomhed|firma|"
                           r"firm|company|enterprise|f(ö|o)retag(et)?|selskab|bedrift|employer|arbejdsgiver|person|"
                           r"patient|individ|household|husstand|hush(å|a)ll|familie|family|address|adresse)"
                           r"([_\- ]?(nr|no|id|nummer|kode|code))?(?![a-zæøåäö]|[_\- ][a-zæøåäö])", re.IGNORECASE)
_COUNTED = lazy_compile(r"(?<![a-zæøåäö])(antal\w*|antall\w*|number|count|n|lkm|sum|total|i_?alt|"
                        # an amount or a mean per unit ("Gns. pr. patient (kr)", "Sykepengeutbetaling per person")
                        r"per|pr|pro|gns|mean|median|average|snitt|gennemsnit|kr|dkk|sek|nok|eur)(?![a-zæøåäö])",
                        re.IGNORECASE)


#: Units a column must tell apart before its repeats read as a panel's key.
_PANEL_MIN_UNITS = 20
#: Dimension words that name a column generically (a number, an id), not a classification.
_GENERIC_NAMES = frozenset({"nr", "no", "num", "id", "code", "kode", "kod"})


def _unnamed_panel_key(table: TableModel, col: ColumnInfo) -> str | None:
    """A column not named as a key that is one (``nr;aar;indkomst`` with 150 ten-digit numbers, eight rows
    each): whole numbers, at least :data:`_PANEL_MIN_UNITS` of them, each repeated, that with the table's
    other labels pick out every row while those labels alone repeat (the same years for every unit). The
    kind of evidence ("key-like values" when they have five digits or more; "running numbers" for 1..n,
    which a person must judge), or None."""
    from scanner.names import name_tokens
    from scanner.table_model import DRAW_INDEX, ColumnKind

    if col.kind is not ColumnKind.NUMERIC or not col.integral or col.is_count or col.statistic is not None \
            or col.distinct < _PANEL_MIN_UNITS or col.non_null < 2 * col.distinct:
        return None
    if set(name_tokens(col.name)) & (DIMENSION_WORDS - _GENERIC_NAMES) or col.name.strip().lower() in DRAW_INDEX \
            or quasi_identifier_kind(col.name) is not None:
        # a classification (kommune, branche, aar), an attribute (postnummer, birth year) repeats by design;
        # so do MCMC iterations
        return None
    if table.counts or any(c.embedded for c in table.columns):
        return None  # counts beside it: a table by code and year ("kode;aar;antal"), not units' values
    if not _repeated_keys(table, col, labels_needed=True):
        return None
    if _key_values(table, col.name):
        return "key-like values of five digits or more"
    values = table.sample.get_column(col.name).drop_nulls()
    if float(values.min()) == 1 and float(values.max()) == col.distinct:
        return "running numbers 1 to n"
    return None


def _repeated_keys(table: TableModel, col: ColumnInfo, *, labels_needed: bool = False) -> bool:
    """A register key that repeats is still a unit's key: long-format panels (`lopnr;aar;loen`, ten rows
    a person) and event records. Its values must look like keys (five digits or more), or, for running
    numbers 1, 2, 3..., the key with the table's other labels must pick out every row (one row per unit
    and year). With ``labels_needed`` key-like values must pass that test too (a column not named as a key)."""
    from scanner.table_model import ColumnKind, Role

    if col.distinct < 3 or col.non_null < 2 * col.distinct:
        return False
    if _key_values(table, col.name) and not labels_needed:
        return True
    labels = [c.name for c in table.columns
              if c.name != col.name and c.role is Role.DIMENSION and c.kind is not ColumnKind.EMPTY]
    if not labels or col.kind is not ColumnKind.NUMERIC or not col.integral:
        return False
    frame = table.sample.select([col.name, *labels]).drop_nulls()
    # the key is what tells the rows apart (the labels alone repeat: the same year for every person)
    return frame.height >= 10 and not frame.is_duplicated().any() and frame.select(labels).is_duplicated().any()


def _words_only(table: TableModel, name: str) -> bool:
    """Every value of the column is a word (a variable name or a label: three letters or more, fewer than
    five digits, not hexadecimal), not the number or code of a register key (``1480233``, ``P004718233``, a
    hashed pseudonym)."""
    values = [str(v).strip() for v in table.sample.get_column(name).drop_nulls().to_list()]
    return bool(values) and all(_WORD_VALUE.fullmatch(v) and not _HEX_VALUE.fullmatch(v)
                                and sum(ch.isdigit() for ch in v) < 5 for v in values)


# A variable name or label ("FodelseAr", "Sun2000niva_old", "Löpnummer mor"), and a hashed key ("a3f90c2e...").
_WORD_VALUE = lazy_compile(r"(?=(?:.*[^\W\d_]){3})[\w .\-()]+")
_HEX_VALUE = lazy_compile(r"(?i)[0-9a-f]{8,}")


def _key_values(table: TableModel, name: str) -> bool:
    """The column's values look like keys: whole numbers or codes of five digits or more (not a row count
    1, 2, 3 of made-up data)."""
    values = [str(v).strip() for v in table.sample.get_column(name).drop_nulls().to_list()]
    values = [v[:-2] if v.endswith(".0") else v for v in values]
    return bool(values) and all(sum(ch.isdigit() for ch in v) >= 5 and _KEY_TOKEN.fullmatch(v) for v in values)


# The legal form a firm's name ends with, in the Nordic countries and the common international ones.
# (Rust regex syntax: evaluated by Polars over the column.)
_FIRM_FORM = (r"(?i)(?:^|[^\w/])(a/s|aps|ivs|i/s|k/s|p/s|amba|a\.m\.b\.a\.?|fmba|smba|ab|ab \(publ\)|hb|kb|asa|as|"
              r"ans|da|sa|oy|oyj|ky|ehf|ltd|limited|plc|gmbh|ag|inc|llc|corp|s\.a\.|bv|nv|se)\.?\s*"
              # (a site after the name: "Equinor ASA (Sandsli)")
              r"(?:\([^()]{1,40}\)\s*)?$")
#: Values of a column looked at to tell whether it names firms.
_FIRM_SAMPLE = 10_000
#: Tables up to this many rows are looked at in Python (the same patterns, Python's syntax is the same here).
_FIRM_SMALL = 2_000
_FIRM_FORM_RE = lazy_compile(_FIRM_FORM)
_WORDY_RE = lazy_compile(r"[^\W\d_]{3,}")


def _firm_names(table: TableModel, name: str) -> bool:
    """Whether most of a text column's values are firms' names (they end with a legal form)."""
    import polars as pl

    if table.sample.schema[name] != pl.String:
        return False
    if table.sample.height <= _FIRM_SMALL:
        # a small table's few values in Python: Polars compiles the two patterns anew on every call (0.3 ms)
        values = [v for v in table.sample.get_column(name).to_list() if v is not None and v.strip()]
        firms = sum(1 for v in values if _FIRM_FORM_RE.search(v) and _WORDY_RE.search(v))
        return bool(values) and firms >= 0.6 * len(values)
    col = pl.col(name).head(_FIRM_SAMPLE)
    present = col.filter(col.is_not_null() & (col.str.strip_chars() != ""))
    # (a name besides its form: "2,2 KB", "3 kB" are file sizes, not kommanditbolag)
    named = present.str.contains(_FIRM_FORM) & present.str.contains(r"[^\W\d_]{3,}")
    filled, firms = table.sample.select(present.len().alias("n"), named.sum().alias("f")).row(0)
    return bool(filled) and int(firms or 0) >= 0.6 * filled


@dataclass(frozen=True, slots=True)
class QuasiIdentifierOptions:
    """MIC003 options (see rules.toml)."""

    min_rows: int = 20
    unique_share: float = 0.5
    max_fill: float = 0.1
    wide_min_rows: int = 100
    max_columns: int = 16

    def __post_init__(self) -> None:
        if self.min_rows < 2:
            raise ValueError("min_rows must be at least 2")
        for name in ("unique_share", "max_fill"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must be a share between 0 and 1")
        if self.wide_min_rows < self.min_rows:
            raise ValueError("wide_min_rows must be at least min_rows")
        if self.max_columns < 2:
            raise ValueError("max_columns must be at least 2")


@rule("MIC003", "unique-quasi-identifiers", Severity.BLOCK, (Shape.TABLE,), QuasiIdentifierOptions)
def unique_quasi_identifiers(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """Person-level records without an ID column: rows whose quasi-identifiers single out a person.

    What it flags: a file that reads as a table (its text and date columns identify every row, none holds
    a count) but whose rows are people: most rows' combination of quasi-identifiers (birth or admission
    date, postcode, sex, age, municipality, diagnosis...) is shared by fewer rows than the profile's
    threshold, and the rows are not the cells of a table. A table is (close to) the complete cross product
    of its dimensions' levels and carries counts or statistics per cell; records are a sparse set of
    combinations, often with exact dates. The rule measures the share of rows in classes smaller than the
    threshold (k-anonymity), the fill of the cross product (distinct combinations / product of the distinct
    values, after dropping columns another one determines, such as a municipality beside its postcode),
    exact dates (day precision at irregular intervals, not a daily or weekly series), and counts or
    statistics. It also flags wide person-level files: one row per person and one column per year
    (`2015;2016;...`, `inc2015;inc2016;...`) with no row labels, labels that are a distinct non-category value
    per row, or person attributes (sex, age, birth year) that repeat while the yearly values vary.

    Why it is disclosive: removing the ID does not anonymise a row. Date of birth, sex and postcode single
    out most people, and a row unique on its quasi-identifiers links to the person in any register that
    holds them. Statistics Denmark's rules forbid microdata "in any form".

    Example: `fødselsdato;køn;alder;postnr;kommune;indlæggelsesdato;aktionsdiagnose` with one row per
    admission; `koen;alder;2015;2016;...;2022` with one row per person and income per year.

    `block` when sure: unique combinations with exact birth dates, with exact dates or a near-unique
    postcode beside another person attribute, or a sparse set of combinations of person attributes (sex,
    age, birth year, postcode), and no count or statistic column; a wide file of at least `wide_min_rows`
    rows as above. `review` when unsure, with what was unclear: a sparse, unique set of combinations
    without person attributes (a detailed magnitude table, or one row per firm?), unique dates or postcodes
    with nothing else about a person, person records beside a column that reads as counts, a wide file of
    fewer rows, or wide labels that repeat. Files that fill the cross product of their labels, or whose
    only columns are labels (a codebook), are not flagged.

    Options: `min_rows` (fewer rows are not measured; when they carry two person attributes or more and no
    count or statistic column they are review: too few to tell), `unique_share` (share of rows in classes smaller than
    the profile's threshold from which rows are unique), `max_fill` (a fill of the cross product below this
    is sparse), `wide_min_rows`, `max_columns` (quasi-identifier columns measured, left first).

    References: Sweeney, "Simple demographics often identify people uniquely" (2000) and "k-anonymity: a
    model for protecting privacy" (2002); Statistics Denmark, rules for sending results home (microdata in
    any form); Eurostat/ESSnet Handbook on SDC, ch. 3 (microdata).
    """
    opts: QuasiIdentifierOptions = ctx.options
    if table.n_sample_rows < opts.min_rows:
        small = _few_person_rows(ctx, table)
        if small is not None:
            yield small
        return
    series = _series_columns(table)
    if series:
        # A wide file is judged by its labels alone: its period columns are values, not attributes.
        wide = _wide_person_level(ctx, table, series, opts)
        if wide is not None:
            yield wide
        return
    found = _unique_records(ctx, table, opts)
    if found is not None:
        yield found


def _few_person_rows(ctx: RuleContext, table: TableModel) -> Finding | None:
    """A handful of rows (too few for the measures above) describing persons: two person attributes or
    more (age, sex, birth date, postcode), a value beside them, and no count or statistic column: a few
    persons' records as much as a small table. Review: a person must tell."""
    from scanner.table_model import Role, TableShape

    n = table.n_sample_rows
    # (a measure named after an attribute's level, "Sex | Mænd" over counts, describes no one)
    person = [c for c in table.columns if quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES
              and c.role is not Role.MEASURE]
    if n >= 2 and person and table.shape is not TableShape.MICRODATA and _picked_rows_index(table):
        names = ", ".join(repr(masking.mask_name(c.name)) for c in person[:4])
        return ctx.finding(
            f"{n} rows picked out of a data frame (its unnamed index holds their row numbers, not 0, 1, 2...) "
            f"with person attributes ({names}): each row is one person's record (df.nlargest(), df.loc[...]).",
            masking.note(f"{n} rows, {len(table.columns)} columns inspected"), identity="picked-rows")
    if n < 2 or len(person) < 2 or len(table.columns) <= len(person) or table.shape is TableShape.MICRODATA:
        return None
    # (a whole-number column of a neutral name is read as counts, but beside person attributes it may as
    # well be each person's value: only a column named as counts or statistics makes these table cells)
    if any(c.count_named or c.statistic is not None for c in table.columns):
        return None
    names = ", ".join(repr(masking.mask_name(c.name)) for c in person[:4])
    if _own_age_and_amount(table, person):
        return ctx.finding(
            f"{n} rows with person attributes ({names}), each row with an exact age and an exact amount of its "
            "own (no row shares either): one person's record per row, a listing of persons (rows failing a "
            "check, the largest values).",
            masking.note(f"{n} rows, {len(table.columns)} columns inspected"), identity="few-person-rows",
        )
    if any(c.role is Role.OTHER and c.reason == "row numbers" for c in table.columns):
        # numbered rows (pandas' index 0..n-1 written by to_latex/to_html, R's row names): a data frame
        # printed as it is, each row a record
        return ctx.finding(
            f"{n} numbered rows with person attributes ({names}) and no count or statistic column: a data "
            "frame printed row by row, each row one person's record.",
            masking.note(f"{n} rows, {len(table.columns)} columns inspected"), identity="few-person-rows",
        )
    return ctx.finding(
        f"{n} rows with person attributes ({names}) and no count or statistic column: too few rows to tell "
        "a small table from a few persons' records. A person must check.",
        masking.note(f"{n} rows, {len(table.columns)} columns inspected"),
        severity=Severity.REVIEW, identity="few-person-rows",
    )


def _own_age_and_amount(table: TableModel, person: list[ColumnInfo]) -> bool:
    """Rows that each hold their own single-year age (whole numbers, all different, no run of consecutive ages
    as a table by age has) beside another person attribute and an area, and their own amount (a numeric
    column whose values all differ, fractions or 10,000 and more, no count): persons' records, not cells."""
    from scanner.table_model import ColumnKind, Role

    n = table.n_sample_rows
    if n < 3 or not any(quasi_identifier_kind(c.name) == "area" for c in table.columns):
        return False
    ages = [c for c in person if quasi_identifier_kind(c.name) == "age" and c.kind is ColumnKind.NUMERIC
            and c.integral and c.distinct == n]
    if not ages or not any(quasi_identifier_kind(c.name) != "age" for c in person):
        return False
    if _is_run(table.sample.get_column(ages[0].name).drop_nulls()):
        return False  # ages 60, 61, ... 65: a table by single year of age
    return any(c.kind is ColumnKind.NUMERIC and c.role is Role.MEASURE and c not in person and c.distinct == n
               and c.non_null == n and quasi_identifier_kind(c.name) is None and _amount(table, c)
               for c in table.columns)


def _amount(table: TableModel, col: ColumnInfo) -> bool:
    """Values no count of a small table takes: fractions, or whole numbers of 10,000 and more (incomes, costs)."""
    values = table.sample.get_column(col.name).drop_nulls()
    return not col.integral or (values.len() > 0 and float(values.cast(float).abs().min()) >= 10_000)


def _picked_rows_index(table: TableModel) -> bool:
    """Whether the table's first column is a printed data frame's unnamed index of row numbers that are not
    a run from 0 or 1 (``188204, 40311, 251907``): rows picked out of a larger frame, not a table's rows."""
    import itertools

    import polars as pl

    from scanner.table_model import ColumnKind

    first = next((c for c in table.columns if c.index == 0), None)
    if first is None or first.kind is not ColumnKind.NUMERIC or not first.name.startswith("column_") \
            or not table.sample_complete:
        return False
    values = table.sample.get_column(first.name).drop_nulls().cast(pl.Float64).to_list()
    if len(values) < 2 or len(set(values)) != len(values) or any(v != int(v) or v < 0 for v in values):
        return False
    ordered = sorted(values)
    run = all(b - a == 1 for a, b in itertools.pairwise(ordered)) and ordered[0] in (0, 1)
    return not run and ordered[-1] >= 100


@dataclass(slots=True)
class _Quasi:
    """A column measured as a quasi-identifier: its values (dates parsed), the kind its name announces,
    and whether it holds exact dates."""

    col: ColumnInfo
    values: pl.Series
    kind: str | None
    exact_dates: bool = False


def _quasi_identifiers(table: TableModel, max_columns: int) -> list[_Quasi]:
    """The columns an attacker could know about a person: the table's dimensions (labels, codes, dates)
    and columns named or shaped as person attributes (age, birth year, postcode, dates). Keys are MIC002's;
    counts, statistics, period columns and row numbers are not attributes of anyone."""
    from scanner.table_model import ColumnKind, Role

    out: list[_Quasi] = []
    for col in table.columns:
        if (col.kind in (ColumnKind.EMPTY, ColumnKind.NESTED) or col.role is Role.OTHER
                or col.period_header or col.statistic is not None or col.embedded or _named_count(col)):
            continue
        kind = quasi_identifier_kind(col.name)
        raw = table.sample.get_column(col.name)
        dates = _as_dates(raw, col)
        if col.role is Role.IDENTIFIER and (dates is None or identifier_kind(col.name) != "direct identifier"):
            continue  # keys, names, e-mails: MIC002's; a birth date named as such is also an attribute
        if col.role is not Role.DIMENSION and dates is None and kind is None:
            continue
        q = _Quasi(col, (dates if dates is not None else raw).alias(col.name), kind)
        q.exact_dates = dates is not None and _exact_dates(dates)
        out.append(q)
        if len(out) >= max_columns:
            break
    return out


# Day-precision date forms researchers' tools write: ISO (R, pandas, Stata %tdCCYY-NN-DD), Nordic
# (dd-mm-yyyy, dd.mm.yyyy, d.m.yyyy), US and UK slashes, SAS DATE9. (01JAN1950) and DATE11.
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d%b%Y", "%d-%b-%Y",
                 "%d %b %Y", "%Y%m%d")
_TIME_PART = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$"
# A fine-grained person attribute (a postcode, a birth date) with at least this share of distinct values
# (of the rows) singles rows out by itself. Age, sex and birth year have too few values to.
_SINGLING_SHARE = 0.9
_FINE_ATTRIBUTES = frozenset({"postcode", "birth date"})
# Share of a column's values that must parse as dates in one format.
_DATE_SHARE = 0.9
# Name of the class-size column of a group-by (no column of a file is called this).
_ROWS = "\x00rows"


def _as_dates(raw: pl.Series, col: ColumnInfo) -> pl.Series | None:
    """The column as dates when (nearly) every value is a day-precision date: a date type, text in one of
    the usual forms (a time of day dropped), or whole numbers written yyyymmdd (register dates)."""
    import polars as pl

    from scanner.table_model import ColumnKind

    if raw.dtype == pl.Date:
        return raw
    if isinstance(raw.dtype, pl.Datetime):
        return raw.dt.date()
    if col.kind is ColumnKind.TEXT and raw.dtype == pl.String:
        text = raw.str.strip_chars().str.replace(_TIME_PART, "")
        present = text.filter(text.is_not_null() & (text != ""))
        if present.len() == 0:
            return None
        head = present.head(2000)
        best, parsed = None, 0
        for fmt in _DATE_FORMATS:
            ok = int(head.str.to_date(fmt, strict=False).is_not_null().sum())
            if ok > parsed:
                best, parsed = fmt, ok
        if best is None or parsed < _DATE_SHARE * head.len():
            return None
        dates = text.str.to_date(best, strict=False)
        return dates if dates.is_not_null().sum() >= _DATE_SHARE * present.len() else None
    if col.kind is ColumnKind.NUMERIC and col.integral and col.non_null:
        values = raw.drop_nulls()
        if values.dtype.is_float():
            values = values.fill_nan(None).drop_nulls()
        if values.len() == 0 or values.min() < 18000101 or values.max() > 21001231:  # type: ignore[operator]
            return None
        dates = raw.cast(pl.Int64, strict=False).cast(pl.String).str.to_date("%Y%m%d", strict=False)
        return dates if dates.is_not_null().sum() >= _DATE_SHARE * values.len() else None
    return None


def _exact_dates(dates: pl.Series) -> bool:
    """Dates of events in people's lives (births, admissions) rather than the periods of a table: at least
    five distinct days at irregular intervals. A daily, weekly or monthly series, or a calendar filled so
    densely that every day occurs, is a period dimension."""
    import polars as pl

    days = dates.drop_nulls().unique().sort()
    if days.len() < 5:
        return False
    if days.dt.day().n_unique() == 1:  # the 1st (or 15th) of every month: monthly or yearly periods
        return False
    ordinal = days.cast(pl.Int64)
    steps = ordinal.diff().drop_nulls()
    modal = int(steps.value_counts(sort=True)["count"][0])
    if modal >= 0.7 * steps.len() or bool((steps % 7 == 0).all()):
        return False
    span = int(ordinal.max() - ordinal.min()) + 1  # type: ignore[operator]
    return days.len() < 0.5 * span


#: Rows unique in the classes of at least this many person attributes that fill under :data:`_RECORDS_FILL` of
#: their combinations, at least :data:`_RECORDS_ROWS` of them, are records whatever statistic stands beside them.
_RECORDS_DIMENSIONS = 5
_RECORDS_FILL = 0.001
_RECORDS_ROWS = 100


def _fill(frame: pl.DataFrame, *, unique_too: bool = False) -> tuple[list[str], float, float]:
    """How much of the cross product of the columns' levels the rows fill.

    Columns that are (nearly) unique per row are left out (unless ``unique_too``): they are a table's row labels
    or a record's exact dates, and either way say nothing about sparsity. A column that another column
    determines, shown by repetition (each value of the other recurs, and always with the same value of this one:
    a municipality beside its postcode, a region beside its municipality) or one-to-one (a code beside its
    label), adds no combinations and is left out too. Returns the columns kept, the fill (distinct combinations
    / product of distinct values) and the product.
    """
    n = frame.height
    distinct = {c: frame.get_column(c).n_unique() for c in frame.columns}
    candidates = sorted((c for c in frame.columns if unique_too or distinct[c] < 0.9 * n), key=lambda c: -distinct[c])
    kept: list[str] = []
    for c in candidates:
        determined = any(
            (distinct[k] <= n / 2 or distinct[k] == distinct[c])
            and frame.select(k, c).n_unique() == distinct[k]
            for k in kept
        )
        if not determined:
            kept.append(c)
    if not kept:
        return [], 1.0, 1.0
    log_product = sum(math.log(distinct[c]) for c in kept)
    combos = frame.select(kept).n_unique()
    return kept, math.exp(math.log(combos) - log_product), math.exp(min(log_product, 700.0))


def _cell_evidence(table: TableModel) -> list[str]:
    """What says the rows are the cells of a table: counts, statistics, a Table 1, margin rows."""
    import polars as pl

    from scanner.table_model import ColumnKind, Role

    out = []
    for c in table.columns:
        name = masking.mask_name(c.name)
        if c.embedded:
            out.append(f"counts with percentages in {name!r}")
        elif c.statistic is not None and not c.period_header:
            out.append(f"a statistic ({c.statistic}) in {name!r}")
        elif c.role is Role.MEASURE and _named_count(c):
            out.append(f"counts in {name!r}")
        elif c.reason == "category of a wide table":
            out.append(f"a category column {name!r} of a wide table")
    for c in table.dimensions:
        if c.kind is ColumnKind.TEXT and table.sample.get_column(c.name).dtype == pl.String:
            labels = table.sample.get_column(c.name).drop_nulls().str.strip_chars().str.to_lowercase()
            if labels.is_in(list(MARGIN_LABELS)).any():
                out.append(f"margin rows in {masking.mask_name(c.name)!r}")
                break
    return out


def _share(fill: float) -> str:
    return "less than 0.1%" if fill < 0.001 else f"{fill:.1%}"


def _how_many(product: float) -> str:
    return f"the {product:,.0f}" if product < 1e9 else f"about 10^{int(math.log10(product))}"


def _names(cols: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(repr(masking.mask_name(c)) for c in cols[:limit])
    return shown + (f" and {len(cols) - limit} more" if len(cols) > limit else "")


#: A fill of the cross product below this, with rows unique on person attributes and no counts or statistics,
#: is review (below `max_fill` it is sure).
_PARTLY_FILLED = 0.5


def _unique_records(ctx: RuleContext, table: TableModel, opts: QuasiIdentifierOptions) -> Finding | None:
    """Decide whether unique rows are records (MIC003) or the cells of a table; None when sure-not."""
    import polars as pl

    from scanner.table_model import ColumnKind

    quasi = _quasi_identifiers(table, opts.max_columns)
    if not quasi:
        return None
    frame = pl.DataFrame([q.values for q in quasi])
    frame = frame.filter(~pl.all_horizontal(pl.all().is_null()))
    n = frame.height
    if n < opts.min_rows:
        return None
    k = ctx.profile.threshold
    classes = frame.group_by(frame.columns).len(name=_ROWS)
    small = int(classes.filter(pl.col(_ROWS) < k).get_column(_ROWS).sum())
    share = small / n
    if share < opts.unique_share:
        return None  # most rows share their combination with others: not this rule (MIC001 sees repeats)
    kept, fill, product = _fill(frame)
    # Columns that single rows out on their own: exact dates, or a person attribute (a postcode) with a
    # value of its own on nearly every row. A table's row label is unique too, so these are sure evidence
    # only beside another person attribute (sex, age...) or when they are birth dates.
    singling = [q for q in quasi if q.exact_dates or (
        q.kind in _FINE_ATTRIBUTES and frame.get_column(q.col.name).n_unique() >= _SINGLING_SHARE * n)]
    person = [q for q in quasi if q.kind in PERSON_ATTRIBUTES]
    sparse = len(kept) >= 2 and fill < opts.max_fill
    strong = (any(q.kind == "birth date" for q in singling)
              or bool(singling and any(q not in singling for q in person))
              or (sparse and bool(person)))
    cells = _cell_evidence(table)
    # Rows unique on person attributes (age, sex) that fill only part of their combinations, with nothing
    # that reads as table cells: a few dozen persons' records as much as a table by single-year age.
    partly = False
    if not (singling or sparse) and person and not cells:
        # an age on nearly every row of its own counts here: a table by single-year age repeats each age
        # under every other label
        kept, fill, product = _fill(frame, unique_too=True)
        partly = len(kept) >= 2 and fill < _PARTLY_FILLED
    if not (singling or sparse or partly):
        return None  # the rows fill the cross product of their labels: a table
    if cells and not strong:
        return None
    values = [c for c in table.measures if c.kind is ColumnKind.NUMERIC and c.distinct > 1]
    if not strong and not values:
        return None  # labels only (a codebook, a list of categories): no value of anyone's to disclose

    facts = []
    exact = [q for q in singling if q.exact_dates]
    if exact:
        facts.append(f"exact dates at irregular intervals in {_names([q.col.name for q in exact])}")
    unique = [q for q in singling if not q.exact_dates]
    if unique:
        facts.append(f"a value of its own on nearly every row in {_names([q.col.name for q in unique])}")
    if sparse or partly:
        facts.append(f"the rows fill {_share(fill)} of {_how_many(product)} combinations of {_names(kept)} "
                     "(a table fills nearly all of them)")
    what = (f"{share:.0%} of the {n:,} rows have a combination of {_names([q.col.name for q in quasi])} "
            f"shared by fewer than {k} rows")
    evidence = masking.note(f"{small:,} of {n:,} rows in classes under {k}; {len(quasi)} quasi-identifier "
                            f"column(s); fill {_share(fill)}; values not shown")
    if cells and strong and sparse and len(kept) >= _RECORDS_DIMENSIONS and fill < _RECORDS_FILL \
            and share >= 0.99 and n >= _RECORDS_ROWS:
        # (a statistic beside them does not make such rows a table: a model's prediction per patient,
        # "p_model", beside 7 attributes that fill under 0.1 % of their combinations, each row alone in its class)
        return ctx.finding(
            f"Person-level records: {what}, with {'; '.join(facts)}. {cells[0][:1].upper()}{cells[0][1:]} reads "
            f"as table cells, but a table of {len(kept)} dimensions fills far more of its cells than these rows "
            "do, and every row is alone in its class: each row is a person (a value per person beside them).",
            evidence, identity="records")
    if cells:
        return ctx.finding(
            f"Rows that look like person-level records: {what}, with {'; '.join(facts)}. But {cells[0]} reads "
            "as table cells; a person must decide whether these are records or a very detailed table.",
            evidence, severity=Severity.REVIEW, identity="records")
    if strong:
        return ctx.finding(
            f"Person-level records without an ID column: {what}, with {'; '.join(facts)}, and no column holds "
            "counts or statistics. These are not table cells: each row is a person, re-identifiable from "
            "these attributes.",
            evidence, identity="records")
    unclear = ("the rows fill part of the combinations of person attributes (a table by single-year age, or "
               "one row per person?)" if partly else
               "the columns are not person attributes (a detailed magnitude table, or one row per firm?)"
               if sparse else "nothing beside that column describes a person (a table by date or postcode, or "
               "one row per person?)")
    return ctx.finding(
        f"Rows that may be records: {what}, with {'; '.join(facts)}, and no column holds counts or statistics; "
        f"unclear because {unclear}. A person must look.",
        evidence, severity=Severity.REVIEW, identity="records")


# Names of one column per period in a wide file: "2015", "2008Q3" (the table analysis's period headers)
# or a stem and a year: "inc2015", "indk_2015", "ink 2010".
_SERIES_NAME = lazy_compile(r"([^\W\d_]*?)[ _.\-]?((?:18|19|20)\d\d)", re.UNICODE)
# Share of rows whose labels repeat from which a wide file's labels do not identify its rows.
_WIDE_REPEAT_SHARE = 0.05
# Name tokens of a label column that is a category of a table (a region, an industry, an age group).
_NOT_CATEGORY_TOKENS = frozenset({"id", "nr", "no", "num", "number"})


def _series_columns(table: TableModel) -> list[ColumnInfo]:
    """The largest group (three or more) of numeric columns named one per period with the same stem."""
    from scanner.table_model import ColumnKind, Role

    groups: dict[str, list[ColumnInfo]] = {}
    for c in table.columns:
        if c.kind is not ColumnKind.NUMERIC or c.role is Role.IDENTIFIER:
            continue
        if c.period_header:
            stem = ""
        else:
            m = _SERIES_NAME.fullmatch(c.name.strip())
            if m is None:
                continue
            stem = m.group(1).lower()
        groups.setdefault(stem, []).append(c)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= 3 else []


def _is_category(values: pl.Series, col: ColumnInfo) -> bool:
    """A label column of a table: words, a place, a code list in order; not one opaque value per row."""
    import polars as pl

    tokens = set(re.findall(r"[^\W\d_]+", col.name.lower()))
    if quasi_identifier_kind(col.name) == "area" or (tokens - _NOT_CATEGORY_TOKENS) & DIMENSION_WORDS:
        return True
    present = values.drop_nulls()
    if present.len() == 0:
        return False
    if present.dtype == pl.String:
        if present.str.contains(r"[^\W\d_]").mean() >= 0.5:  # type: ignore[operator]
            return True
        return present.len() >= 2 and bool((present.cast(pl.String) == present.cast(pl.String).sort()).all())
    if _is_run(present):
        return False  # 1..n: row numbers, not a category
    return bool((present.diff().drop_nulls() > 0).all())  # codes listed in order


def _wide_person_level(ctx: RuleContext, table: TableModel, series: list[ColumnInfo],
                       opts: QuasiIdentifierOptions) -> Finding | None:
    """One row per person, one column per year: rows with period columns that nothing labels as cells."""
    import polars as pl

    from scanner.table_model import ColumnKind, Role

    in_series = {c.name for c in series}
    others = [c for c in table.columns if c.name not in in_series and c.kind not in (ColumnKind.EMPTY,
                                                                                    ColumnKind.NESTED)]
    if any(c.role is Role.IDENTIFIER for c in others):
        return None  # a key column: MIC002 says it
    labels = [c for c in others if c.role is Role.DIMENSION or quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES]
    frame = table.sample.filter(pl.any_horizontal(pl.col(sorted(in_series)).is_not_null()))
    n = frame.height
    if n < opts.min_rows:
        return None
    sure = n >= opts.wide_min_rows
    periods = f"{len(series)} period columns ({masking.mask_name(series[0].name)!r} to " \
              f"{masking.mask_name(series[-1].name)!r})"
    evidence = masking.note(f"{n:,} rows; {len(series)} period columns; {len(labels)} label column(s); "
                            "values not shown")
    small = "" if sure else (f" With fewer than {opts.wide_min_rows} rows a table that lost its labels is "
                             "possible; a person must look.")
    severity = None if sure else Severity.REVIEW
    if not labels:
        return ctx.finding(
            f"Wide person-level file: {n:,} rows of {periods} and no column that labels the rows. A table's rows "
            "carry labels; these are one row per person (a panel of yearly values)." + small,
            evidence, severity=severity, identity="wide")
    key = [c.name for c in labels]
    repeated = n - frame.select(key).n_unique()  # rows after the first of their label
    person = [c.name for c in labels if quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES]
    if repeated == 0:
        if any(_is_category(frame.get_column(c.name), c) for c in labels) and not any(
                quasi_identifier_kind(c.name) == "birth date" for c in labels):
            return None  # one row per region, industry, age group...: a wide table
        return ctx.finding(
            f"Wide person-level file: {n:,} rows of {periods}, labelled only by {_names(key)}, which holds a "
            "distinct value per row that is not a category (no words, no code list in order): one row per "
            "person." + small,
            evidence, severity=severity, identity="wide")
    if repeated < max(2, _WIDE_REPEAT_SHARE * n):
        return None
    # A table that lost a label column (the components of a population account under each municipality)
    # repeats every label the same number of times: the levels of the missing dimension. People do not
    # come in equal numbers per sex and age.
    sizes = frame.group_by(key).len(name=_ROWS).get_column(_ROWS)
    modal = int(sizes.mode().sort()[0])
    constant = modal >= 2 and int((sizes == modal).sum()) >= 0.9 * sizes.len()
    if person and not constant:
        return ctx.finding(
            f"Wide person-level file: {n:,} rows of {periods}; the labels {_names(key)} are person attributes "
            f"and repeat ({repeated:,} rows after the first of each) in groups of varying size while the yearly "
            "values vary: one row per person, not a table." + small,
            evidence, severity=severity, identity="wide")
    if person:
        return ctx.finding(
            f"Wide file of {n:,} rows and {periods} whose labels {_names(key)} are person attributes repeated the "
            f"same number of times ({modal}): a table that lost a label column, or a sample of persons; a "
            "person must look.",
            evidence, severity=Severity.REVIEW, identity="wide")
    if constant or not sure:
        return None
    return ctx.finding(
        f"Wide file of {n:,} rows and {periods} whose labels {_names(key)} repeat ({repeated:,} rows after the "
        "first of each) in groups of varying size: either a label column is missing or the rows are persons; a "
        "person must look.",
        evidence, severity=Severity.REVIEW, identity="wide")
