"""MIC: microdata — row-level records and identifier columns must not leave in any form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.names import BARE_NAMES, identifier_kind
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule
from scanner.table_model import ColumnKind, TableModel, TableShape

__all__ = ["IdentifierOptions", "RowLevelOptions"]


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


@rule("MIC001", "row-level-records", Severity.BLOCK, (Shape.TABLE,), RowLevelOptions)
def row_level_records(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A tabular file whose rows are persons or firms (microdata), even without an ID column.

    What it flags: files where whole rows repeat (a table never repeats a row: it would have counted
    them), where the category columns repeat while values vary (one row per unit, as in a survey or
    register extract), or a single column of distinct values (a bare list of keys).

    Why it is disclosive: Statistics Denmark's rules forbid microdata "in any form": row-per-person or
    row-per-firm data stays on the server even when the ID is removed, because rare combinations of the
    remaining columns re-identify people.

    Example: `age,sex,region,income` with one row per person; a 1,413-row vaccine study extract.

    A SAS, Stata or SPSS data set that the analysis cannot prove row-level is still `review`: in an export
    request these formats hold unit records in almost every case, so a person confirms it holds
    aggregates only.

    Options: `min_rows` (fewer rows is a small table, not evidence), `duplicate_row_share`,
    `repeated_key_share`.

    References: Statistics Denmark, "Regler for hjemsendelse af resultater"; Eurostat/ESSnet Handbook on
    SDC, ch. 3 (microdata).
    """
    if table.shape is not TableShape.MICRODATA:
        if table.meta.format in _DATASET_FORMATS:
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


@rule("MIC002", "identifier-column", Severity.BLOCK, (Shape.TABLE,), IdentifierOptions)
def identifier_column(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A column whose name marks a person, firm or address key and whose values are row-level.

    What it flags: columns named like register keys (pnr, cpr, lopnr, `P####_LopNr_PersonNr`, cvr,
    orgnr, peorgnr, arbstid, famid, address codes), direct identifiers (names, e-mail, phone, address,
    birth date) or record keys (`id`, `person_id`, `usubjid`) when most values are distinct.

    Why it is disclosive: a key that is unique per row is a key to a person or a firm. Statistics
    Denmark treats even a bare list of de-identified keys (running numbers, CVR, workplace and address
    codes) as microdata.

    Example: `LopNr;kon;alder` with one LopNr per row; `id,first_name,email`.

    Options: `min_distinct_share` (distinct / non-empty values), `direct_min_distinct_share` (the
    same for names, e-mail, phone, address, birth date), `min_rows`, `extra_patterns` (site
    regular expressions matched against the lower-cased column name).

    References: Statistics Denmark, rules for sending results home (microdata and keys); SCB MONA
    naming of pseudonymised keys (LopNr).
    """
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
        # Names and e-mails repeat (two Annas) yet identify; keys must be near-unique to be row-level.
        floor = opts.direct_min_distinct_share if kind == "direct identifier" else opts.min_distinct_share
        if kind is None or col.non_null < opts.min_rows or col.distinct_share < floor:
            continue
        weak = kind == "record key"
        share = round(100 * col.distinct_share)
        yield ctx.finding(
            f"Column {masking.mask_name(col.name)!r} is a {kind}: {share} % of its {col.non_null:,} values "
            f"are distinct, so it identifies rows (persons or firms).",
            masking.note(f"{col.distinct:,} distinct of {col.non_null:,} values; values not shown"),
            column=col.name,
            severity=Severity.REVIEW if weak else None,
            identity=kind,
        )
