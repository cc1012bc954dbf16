"""COD: program code — a program may not carry microdata.

:mod:`scanner.loaders.programs` finds, in programs and in the code a log or a notebook echoes, the places
where a key variable is compared with literal values (:class:`CodeFacts`), and the data written into code
(read as tables: :class:`~scanner.rules.logs.ListedPart` with origin ``embedded``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.loaders.programs import Comparison, Origin
from scanner.names import PERSON_ATTRIBUTES, quasi_identifier_kind
from scanner.rules.context import RuleContext
from scanner.rules.logs import ListedPart, is_aggregate, key_columns
from scanner.rules.registry import Shape, rule

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    from scanner.table_model import ColumnInfo, TableModel

__all__ = ["CodeFacts", "EmbeddedDataOptions"]


@dataclass(frozen=True, slots=True)
class CodeFacts:
    """The comparisons of keys with literals in a program, a log's echoed code or a notebook cell."""

    comparisons: tuple[Comparison, ...]


@rule("COD001", "hard-coded-identifier", Severity.BLOCK, (Shape.CODE,))
def hard_coded_identifier(ctx: RuleContext, facts: CodeFacts) -> Iterator[Finding]:
    """A literal compared with, or listed against, an identifier variable in program code.

    What it flags: code in SAS, Stata, R, Python, SQL or SPSS (a program, the code a log echoes, a
    notebook cell) that compares a key variable with literal values or lists it against them: `if pnr=1
    then delete;`, `where lopnr in (1023, 4471)`, `drop if lopnr==1234`, `keep if inlist(pnr, 11, 12)`,
    `filter(pnr %in% c(...))`, `df[df.cpr == "..."]`, `df[df["pnr"].isin([...])]`, `WHERE cvr_nr =
    12345678`, `SELECT IF (pnr = 1234).`, the reversed forms (`1234 == pnr`, `12345678 = cvr_nr`,
    `"0101..." == df.cpr`), in R and Python a list of literals assigned to a key variable (`pnr <- c(1023,
    4471)`, `lopnr_ids = [1023, 4471]`), and a key compared with a reference to a literal the code defined
    before (`%let id=1234;` ... `where pnr = &id;` or the log's SYMBOLGEN line; Stata `local id 1234` ...
    ``drop if pnr==`id'``; R `id <- 1234` ... `filter(pnr == id)`; Python `target = 1234` ... `df.cpr ==
    target`). Which variables are keys comes from the key vocabulary of
    MIC002 (pnr, cpr, lopnr, cvr, arbnr, fnr, a name, an e-mail; a generic `id` only when its words name
    a unit: `id`, `person_id`, `pid`, not `country_id`). Each language's syntax decides what compares: a
    single `=` in SAS, SQL and SPSS only in a condition (after `if`, `where`, `and`, a bracket), never in
    an assignment; `in` in SAS, SQL and Python lists (not Stata's `in 1/10` range or a `for` loop). Not
    flagged: comparisons with missing values (`.`, `""`, `NA`, `None`), 0 and negative sentinels,
    variables and macro variables whose value the code does not give as a literal, placeholders (`{x}`,
    `?`), SAS date literals, and comparisons of variables that are not keys (years, thresholds, seeds,
    format widths).

    Why it is disclosive: the literal singles out a person or a firm in the register data even when it is
    not a valid person number (which PID001-PID011 catch anyway): a program that drops `lopnr 1234` tells
    that this running number is in the study, and what the researcher knew about it. ACRO copies such a
    line into its report; this rule names the line and the variable only.

    Example: `if pnr=1 then delete;` (SAS), `drop if lopnr==1234` (Stata), `df[df.cpr == "0101..."]`.

    Options: severity only. A generic record key (`id`) is `review`: it may be a row number in a teaching
    example.

    References: Statistics Denmark, rules for sending results home (programs may not contain microdata);
    ACRO/SACRO output checking guidance (code is an output).
    """
    seen: Counter[str] = Counter()
    # (one line's comparisons of one variable are one finding: `drop if pnr == "..." | pnr == "..."` has two)
    literals: Counter[tuple[int, str, str, str]] = Counter()
    first: dict[tuple[int, str, str, str], Comparison] = {}
    for c in facts.comparisons:
        key = (c.line, c.name, c.operator, c.kind)
        literals[key] += c.literals
        first.setdefault(key, c)
    for key, c in first.items():
        name = masking.mask_name(c.name)
        seen[name] += 1
        lang = c.language.value if c.language.value != "other" else "The"
        yield ctx.finding(
            f"{lang} code compares the {c.kind} variable {name!r} with {literals[key]} hard-coded "
            f"value(s) ({c.operator}): a literal key in a program singles out persons or firms.",
            masking.note(f"{literals[key]} literal value(s) of a {c.kind}; values not shown"),
            line=c.line,
            severity=Severity.REVIEW if c.kind == "record key" else None,
            identity=f"{name}:{c.operator}:{seen[name]}",
        )


@dataclass(frozen=True, slots=True)
class EmbeddedDataOptions:
    """COD002 options (see rules.toml)."""

    min_rows: int = 5

    def __post_init__(self) -> None:
        if self.min_rows < 1:
            raise ValueError("min_rows must be at least 1")


@rule("COD002", "embedded-data", Severity.BLOCK, (Shape.LISTING,), EmbeddedDataOptions)
def embedded_data(ctx: RuleContext, part: ListedPart) -> Iterator[Finding]:
    """Data written into program code whose rows are units (persons, firms).

    What it flags: rows written into a program (or echoed by a log, or in a notebook cell) — SAS
    `datalines`/`cards`, Stata `input ... end`, SPSS `BEGIN DATA ... END DATA`, SQL `INSERT ... VALUES`, R
    `data.frame(...)`, `tibble(...)`, `tribble(...)` and `read.table(text = ...)` literals, Python
    `DataFrame(...)` calls, `StringIO` text and list or dict literals with at least `min_rows` rows —
    read as a table and judged by the table analysis: a key column (pnr, lopnr, an `id` that differs per
    row, a name), rows the analysis reads as microdata, or at least `min_rows` rows with a person
    attribute (age, sex, birth date, postcode) and nothing that makes them table cells. A small lookup
    table, a table of counts by category (judged by the TAB rules when a column is named as counts) and toy
    data without keys or person attributes pass.

    Why it is disclosive: data typed into a program leaves with the program; person-level rows are
    microdata whatever file they are in.

    Example: `input pnr $ alder koen $; datalines;` followed by persons' rows; `data.frame(lopnr = c(...),
    age = c(...))`.

    Options: `min_rows` (rows needed without a key column).

    References: Statistics Denmark, rules for sending results home (programs may not contain microdata).
    """
    from scanner.table_model import TableShape

    if part.origin is not Origin.EMBEDDED:
        return
    opts: EmbeddedDataOptions = ctx.options
    table = part.table
    n = table.n_sample_rows
    evidence = masking.note(f"{n:,} rows, {len(table.columns)} columns written into the code; values not shown")
    keys = key_columns(table)
    if keys:
        col, kind = keys[0]
        if _counting_keys(table, col.name):
            # keys 1, 2, ..., n (a test's made-up rows: "LopNr": [1, 2, 3]): placeholders as much as a few
            # persons' numbers; a person tells which (never a silent pass)
            yield ctx.finding(
                f"{part.what} writes {n:,} row(s) with the {kind} column {masking.mask_name(col.name)!r} into "
                "the code, numbered 1, 2, 3, ...: placeholders of test data, or real keys. A person must check.",
                evidence, line=part.line, column=col.name, identity=f"keys:{part.what}", severity=Severity.REVIEW,
            )
            return
        yield ctx.finding(
            f"{part.what} writes {n:,} row(s) with the {kind} column "
            f"{masking.mask_name(col.name)!r} into the code: the program carries unit records.",
            evidence, line=part.line, column=col.name, identity=f"keys:{part.what}",
        )
        return
    if table.shape is TableShape.MICRODATA:
        yield ctx.finding(
            f"{part.what} writes {n:,} rows into the code that read as one per person or firm "
            f"({'; '.join(table.shape_reasons)}).",
            evidence, line=part.line, identity=f"shape:{part.what}",
        )
        return
    units = _unit_rows(table)
    if units is not None:
        yield ctx.finding(
            f"{part.what} writes {n:,} rows into the code, one per unit of column "
            f"{masking.mask_name(units.name)!r} (each row another), with their values beside them: the program "
            "carries unit records.",
            evidence, line=part.line, column=units.name, identity=f"units:{part.what}",
        )
        return
    person = [c for c in table.columns if quasi_identifier_kind(c.name) in PERSON_ATTRIBUTES]
    # (typed-in rows unique on age x sex x municipality with an income beside them read as table cells; only
    # a column named as counts or statistics makes them so)
    counted = any(c.count_named or c.statistic is not None for c in table.columns)
    if n >= opts.min_rows and person and (not is_aggregate(table) or (not counted and len(person) >= 2)):
        names = ", ".join(repr(masking.mask_name(c.name)) for c in person[:4])
        yield ctx.finding(
            f"{part.what} writes {n:,} rows with person attributes ({names}) into the code, and "
            "nothing makes them table cells: the rows are persons.",
            evidence, line=part.line, identity=f"persons:{part.what}",
        )
    elif n >= 2 and len(person) >= 2 and len(table.columns) > len(person) and not is_aggregate(table) \
            and not any(c.count_named or c.statistic is not None for c in table.columns):
        # fewer rows than min_rows, with two person attributes and a value beside them: a few persons'
        # records as much as toy data; a person must tell (never a silent pass)
        names = ", ".join(repr(masking.mask_name(c.name)) for c in person[:4])
        yield ctx.finding(
            f"{part.what} writes {n:,} rows with person attributes ({names}) and a value beside them into the "
            "code: too few rows to tell test data from a few persons' records. A person must check.",
            evidence, line=part.line, identity=f"few-persons:{part.what}", severity=Severity.REVIEW,
        )


def _counting_keys(table: TableModel, name: str) -> bool:
    """Whether the key column holds exactly 1, 2, ..., n (at most 10 rows, the whole table read): counting
    numbers typed as a test's placeholders, no register's running numbers."""
    if not table.sample_complete or not 1 <= table.n_sample_rows <= 10 or name not in table.sample.columns:
        return False
    values = table.sample.get_column(name).to_list()
    try:
        return [float(v) for v in values] == [float(k) for k in range(1, len(values) + 1)]
    except (TypeError, ValueError):
        return False


# A column that names the unit each row is: "firma", "virksomhed", "company", "patient" (not "branche", "region":
# a group of units).
_UNIT_COLUMN = lazy_compile(r"(?i)^\s*(?:firma|firm|company|virksomhed|virksomhet|foretag|företag|yritys|bedrift|"
                            r"enterprise|plant|establishment|arbejdssted|arbetsställe|patient|person|individ|"
                            r"individual|respondent|elev|pupil|student)\s*$")


def _unit_rows(table: TableModel) -> ColumnInfo | None:
    """The column naming each row's unit ("firma" A, B, C ... beside "eksport", "ansatte"), when every row is
    another unit and a number that is no count or statistic stands beside it (three rows or more)."""
    from scanner.table_model import ColumnKind

    # ("ansatte" beside a firm is its number of employees, a firm's own value: a count column does not make rows of
    # firms cells; a statistic does, "mean", "median")
    if table.n_sample_rows < 3 or any(c.statistic is not None for c in table.columns):
        return None
    for c in table.columns:
        if not _UNIT_COLUMN.match(c.name):
            continue
        values = table.sample.get_column(c.name).to_list()
        if len(set(values)) == len(values) and None not in values and any(
                o is not c and o.kind is ColumnKind.NUMERIC for o in table.columns):
            return c
    return None
