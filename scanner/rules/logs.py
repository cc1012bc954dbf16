"""LOG: logs and listings — a log may not list observations.

The engine (:mod:`scanner.api`) reads a log, a listing or a notebook's outputs with
:mod:`scanner.loaders.printouts`, analyses every printed table like a CSV file (the TAB, MIC and EXT rules
judge it at its lines) and hands each one to the LISTING rules as a :class:`ListedPart`: the table model,
how it came to be in the file (a listing of rows, a tabulation, other output, data written into code)
and what printed it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.loaders.programs import Origin, key_kind
from scanner.names import PERSON_ATTRIBUTES, quasi_identifier_kind
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    from scanner.table_model import ColumnInfo, TableModel

__all__ = ["ListedPart", "ListingOptions", "is_aggregate", "key_columns"]


@dataclass(frozen=True, slots=True)
class ListedPart:
    """A table read out of a log, a notebook or a program: its analysis, its origin, what printed it
    (value-free: "SAS PROC PRINT", "Stata list", "R data.frame() literal") and the file line of its first
    row."""

    table: TableModel
    origin: Origin
    what: str
    line: int
    records: str = ""  # see scanner.loaders.programs.ListedTable.records


@dataclass(frozen=True, slots=True)
class ListingOptions:
    """LOG001 options (see rules.toml)."""

    min_rows: int = 3

    def __post_init__(self) -> None:
        if self.min_rows < 1:
            raise ValueError("min_rows must be at least 1")


def key_columns(table: TableModel) -> list[tuple[ColumnInfo, str]]:
    """Columns named as keys (:func:`scanner.loaders.programs.key_kind`) that hold values: a register key or
    a direct identifier with any value; a generic record key (``id``) only when its values differ."""
    from scanner.table_model import ColumnKind

    found = []
    for col in table.columns:
        if col.kind in (ColumnKind.EMPTY, ColumnKind.NESTED) or not col.non_null:
            continue
        kind = key_kind(col.name)
        if kind is None or (kind == "record key" and (col.non_null < 2 or col.distinct_share < 0.5)):
            continue
        if kind == "record key" and _counts_rows(table, col):
            continue  # id = 1, 2, 3...: row numbers of made-up data, not keys to persons
        found.append((col, kind))
    return found


def _counts_rows(table: TableModel, col: ColumnInfo) -> bool:
    """The column holds the whole numbers 1..n or 0..n-1 (in any order)."""
    from scanner.table_model import ColumnKind

    values = table.sample.get_column(col.name).drop_nulls()
    if col.kind is not ColumnKind.NUMERIC or not col.integral or values.len() < 2:
        return False
    ordered = sorted(int(v) for v in values.to_list())
    return ordered[0] in (0, 1) and all(b - a == 1 for a, b in itertools.pairwise(ordered))


def is_aggregate(table: TableModel) -> bool:
    """The rows are table cells (the table rules judge such a table; it is not a listing of units): labels
    that identify every row, and counts or statistics beside them; or a text label that differs in every row
    (``region``, ``kommune``) and no column that describes a person (age, sex, birth date, postcode), as in
    an aggregate printed with a value column named after its variable (``aggregate(indkomst ~ region)``)."""
    from scanner.table_model import ColumnKind, TableShape

    if table.shape is not TableShape.AGGREGATE:
        return False
    person = any(quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES for c in table.columns)

    def counts(c: ColumnInfo) -> bool:
        # beside a person's attributes (birth year, sex) a column of whole numbers is a count only when its
        # name says so: head() of a register frame prints "FodelseAr Kon Kommun SjukPP" (days of sick pay)
        return c.is_count and (not person or c.count_named or c.name.strip().lower() in _GROUPBY_COUNT_NAMES)

    # a person's exact age beside another attribute of theirs, nearly every row its own age (a PROC PRINT of
    # patients: KOEN 2, ALDER 51, KOMNAVN, ANTAL_INDL 27): records, whatever a column is named (a table by sex
    # and single-year age repeats each age per sex)
    attributes = {quasi_identifier_kind(c.name) for c in table.columns} & PERSON_ATTRIBUTES
    n_rows = table.n_sample_rows
    exact_age = any(quasi_identifier_kind(c.name) == "age" and c.kind is ColumnKind.NUMERIC and c.integral
                    and c.distinct >= max(5, 0.6 * n_rows) for c in table.columns)
    if len(attributes) >= 2 and exact_age and n_rows >= 5:
        return False
    if table.wide or any(counts(c) or c.statistic is not None for c in table.measures):
        return True
    n = table.n_sample_rows
    labels = [c for c in table.dimensions if c.kind is ColumnKind.TEXT and c.distinct == c.non_null == n]
    # a column the printing command grouped by is labels whatever its values look like (codes 1, 2, 3; with
    # a row of sizes or totals under them, "N", whose label is no code)
    labels += [c for c in table.dimensions if c.name in table.meta.dimensions and c.distinct == c.non_null >= n - 1]
    return bool(labels) and not person


#: The count column of a printed group-by (pandas ``size().reset_index()`` names it 0, polars ``len``, dplyr ``n``).
_GROUPBY_COUNT_NAMES = frozenset({"0", "size", "len", "n", "nn", "count", "counts", "freq", "frequency", "antal",
                                  "nobs"})


# Rows that are units' records by how they were printed (ListedTable.records), and why, after "prints N rows".
_RECORDS_PRINTED = {
    "condition": " of the observations that meet a condition (Stata's `list ... if`, the data not collapsed): each "
                 "row is one unit's record.",
    "vectors": " with every variable's value (SAS writes a row's program data vector for invalid data and "
               "`put _all_;`): each line is one unit's record.",
    "observations": ", one per observation with its values and the model's statistics for it (prediction, "
                    "residuals): each row is one unit's record.",
    "passages": ", each a passage quoted from one document (a note, a case file) around a keyword: free text "
                "about one person, a record of its own.",
    "subscripted": " of a variable at one observation's number (`display x[1017]`, after a sort the first or the "
                   "last): one unit's own value.",
}


@rule("LOG001", "observation-listing", Severity.BLOCK, (Shape.LISTING,), ListingOptions)
def observation_listing(ctx: RuleContext, part: ListedPart) -> Iterator[Finding]:
    """A log, listing or notebook output that lists observations: rows that are persons, firms or other units.

    What it flags: a print of rows in a log or a listing — SAS PROC PRINT (and PROC REPORT, PROC SQL
    SELECT), Stata `list`, a printed R data.frame or tibble (`head(df)`, `df`), a pandas DataFrame
    repr or `head()`, a notebook's HTML table, SAS UNIVARIATE's "Extreme Observations", the program data
    vector SAS writes for invalid data or `put _all_;` (`alder=45 koen=1 loen=. _ERROR_=1 _N_=4412`) — whose rows are
    units. The printed rows are analysed like a CSV file: they are units when a column is a key (pnr,
    lopnr, cvr, an `id` that differs per row, a name), when the analysis reads the rows as microdata
    (repeated rows, categories repeating while values vary), or when there are `min_rows` rows or more
    and nothing makes them table cells (labels that identify every row and counts or statistics beside
    them). A PROC PRINT of an aggregated data set (labels and counts) is a table: the TAB rules judge it,
    not this rule. Extreme observations and program data vectors list single units' values by construction.

    Why it is disclosive: a log travels with the results, and the rules forbid microdata "in any form": a
    listing of ten persons' records in a log is ten persons' records, with or without their numbers.

    Example: `proc print data=cohort(obs=10); run;` in a listing: `Obs pnr alder koen`, one row per
    person; `list lopnr age in 1/5` in a Stata log; `df.head()` of a person-level frame in a notebook.

    Options: `min_rows` (fewer unlabelled rows, one or two, are review: too few to tell, unless they describe
    a person by two attributes or more with whole values, such as age and sex: then they are blocked).

    References: Statistics Denmark, rules for sending results home (no microdata in any form, logs
    included); ONS/ACRO output checking (no record-level listings in logs).
    """
    from scanner.table_model import ColumnKind, TableShape

    if part.origin is not Origin.LISTING:
        return
    opts: ListingOptions = ctx.options
    table = part.table
    n = table.n_sample_rows
    scope = "" if table.sample_complete else "at least "
    keys = key_columns(table)
    evidence = masking.note(f"{scope}{n:,} printed rows, {len(table.columns)} columns; values not shown")
    if keys:
        col, kind = keys[0]
        yield ctx.finding(
            f"{part.what} prints {scope}{n:,} row{'s' if n != 1 else ''} with the {kind} column "
            f"{masking.mask_name(col.name)!r}: the log lists observations (persons or firms).",
            evidence, line=part.line, column=col.name, identity=f"keys:{part.what}",
        )
        return
    if "outlier" in part.what.lower():
        yield ctx.finding(
            f"{part.what} prints the values beyond a box plot's whiskers: each is one unit's own value.",
            evidence, line=part.line, identity=f"extremes:{part.what}",
        )
        return
    if part.records == "group-extremes":
        # a large group's four smallest and largest values (Stata's summarize, detail): no outliers by its
        # percentiles (EXT002 says when they are), but each is still one unit's own value
        yield ctx.finding(
            f"{part.what} prints the lowest and highest single values: within the group's percentiles, but each "
            "is one unit's own value; a person must judge whether they may leave.",
            evidence, line=part.line, identity=f"extremes:{part.what}", severity=Severity.REVIEW,
        )
        return
    if "extreme" in part.what.lower():
        yield ctx.finding(
            f"{part.what} prints the lowest and highest single values"
            f"{' with their observation numbers' if any(c.name.lower() == 'obs' for c in table.columns) else ''}"
            ": each is one unit's own value.",
            evidence, line=part.line, identity=f"extremes:{part.what}",
        )
        return
    if part.records in _RECORDS_PRINTED:
        yield ctx.finding(
            f"{part.what} prints {scope}{n:,} row{'s' if n != 1 else ''}{_RECORDS_PRINTED[part.records]}",
            evidence, line=part.line, identity=f"{part.records}:{part.what}",
        )
        return
    if part.records == "row":
        # one row of a frame printed as a Series (df.loc[df.loen.idxmax()]): a person's record when it
        # describes a person, else a row a person must look at
        person = any(quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES for c in table.columns)
        yield ctx.finding(
            f"{part.what} prints one row of a data frame, {len(table.columns)} columns"
            + (" that describe a person (age, sex, ...): one unit's record." if person else
               ": it may be one unit's record; a person must check."),
            evidence, line=part.line, identity=f"row:{part.what}", severity=None if person else Severity.REVIEW,
        )
        return
    if table.shape is TableShape.MICRODATA:
        reasons = "; ".join(table.shape_reasons)
        yield ctx.finding(
            f"{part.what} prints {scope}{n:,} rows that read as one per person or firm "
            f"({reasons}): the log lists observations.",
            evidence, line=part.line, identity=f"shape:{part.what}",
        )
        return
    described = sum(1 for c in table.columns if quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES) >= 2
    if part.records == "picked" and n >= opts.min_rows and not any(c.statistic for c in table.columns) \
            and (described or not any(c.count_named for c in table.counts)):
        # (beside a person's age and sex a count-named column is the person's own count: "n_contacts")
        # rows picked by their row numbers out of a frame of thousands (a sort and head(5) of a firm panel),
        # with no count or statistic beside them: records, however unique their labels
        yield ctx.finding(
            f"{part.what} prints {n:,} row{'s' if n != 1 else ''} picked out of a data frame of thousands of rows "
            "(their row numbers), with no count or statistic beside them: the rows are observations.",
            evidence, line=part.line, identity=f"picked:{part.what}",
        )
        return
    if is_aggregate(table):
        return
    if n < opts.min_rows:
        # one or two rows printed with nothing that makes them cells: too few to read as units or not
        # (a subset printed by a condition, `df[df.income > 5e6, ]`, is one or two persons' records)
        # (whole values or labels: a mean age after collapse, 44.3, is no person's age)
        person = [c.name for c in table.columns if quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES
                  and (c.integral or c.kind is not ColumnKind.NUMERIC)]
        if n and len(person) >= 2 and part.origin is Origin.LISTING:
            # a listing's row that describes a person by two attributes or more (age and sex, a birth date and
            # a municipality): one person's record however few are printed (`list ... if indkomst > 5e6`)
            yield ctx.finding(
                f"{part.what} prints {n} row{'s' if n > 1 else ''} that describe{'s' if n == 1 else ''} a person "
                f"({', '.join(repr(masking.mask_name(c)) for c in person[:4])}) with nothing that makes "
                f"{'them' if n > 1 else 'it'} table cells: a unit's record.",
                evidence, line=part.line, identity=f"person-rows:{part.what}",
            )
        elif n:
            yield ctx.finding(
                f"{part.what} prints {n} row{'s' if n > 1 else ''} and no column makes {'them' if n > 1 else 'it'} "
                "table cells: too few rows to tell whether they are units' records; a person must check.",
                evidence, line=part.line, identity=f"rows:{part.what}", severity=Severity.REVIEW,
            )
        return
    period = _period_key(table)
    if period is not None:
        yield ctx.finding(
            f"{part.what} prints {scope}{n:,} rows, one per period of column {masking.mask_name(period)!r}: a time "
            "series, an aggregate's or a single unit's (a firm's, a person's); a person must check whose.",
            evidence, line=part.line, column=period, identity=f"series:{part.what}", severity=Severity.REVIEW,
        )
        return
    yield ctx.finding(
        f"{part.what} prints {scope}{n:,} rows, and no column makes them table cells (labels "
        "that identify every row with counts or statistics beside them): the rows are observations.",
        evidence, line=part.line, identity=f"rows:{part.what}",
    )


def _period_key(table: TableModel) -> str | None:
    """The column of a listing whose values are consecutive years (or other periods), one per row: the rows
    are a time series' points (synth's ``_time``, a yearly series), not units; None when there is none."""
    from scanner.table_model import ColumnKind

    for col in table.columns[:2]:
        if col.kind is not ColumnKind.NUMERIC or not col.integral or not table.sample_complete:
            continue
        values = [v for v in table.sample.get_column(col.name).to_list() if v is not None]
        if len(values) < 3 or len(values) != table.n_sample_rows:
            continue
        steps = {b - a for a, b in itertools.pairwise(values)}
        if steps == {1} and (all(1900 <= v <= 2100 for v in values) or _PERIOD_NAME.search(col.name)):
            return col.name
    return None


# Names of a column of periods: synth's "_time", "year", "år", "aar", "vuosi", "month", "quarter".
_PERIOD_NAME = lazy_compile(r"(?i)^_?(?:time|t|year|yr|år|aar|ar|vuosi|month|måned|maaned|månad|manad|kuukausi|"
                            r"quarter|kvartal|week|uge|vecka|uke|period|periode|period_id)$")
