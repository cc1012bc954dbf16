"""Suppressed cells that a published table's own totals give away: the table's cube and its LP audit.

A table a researcher exports shows some cells as suppressed (``n<3``, ``..``, ``x``, ``-``, ``*``, ``<5``,
empty) and often its row or column totals as well. One suppressed cell beside a published total is one
subtraction away from the number it hides. :func:`audit_published` rebuilds the table's cube from the
file alone and audits it the way ``sdcscan table --check`` audits an export (:mod:`scanner.suppression`):

1. **Rows and labels.** The dimension columns of the table analysis (:class:`~scanner.table_model.TableModel`)
   label each row; a label such as ``I alt``, ``Total``, ``Totalt``, ``Yhteensä``, ``Alle``, ``Sum``,
   ``Summa``, ``Samtliga``, ``All``, ``Overall``, ``Tot.``, ``Hele landet``, ``Alder i alt`` marks the
   margin of its dimension (:func:`is_margin_label`). A blank label is either a grouped label left out
   under its first row (``Nord;M / ;K``: the same as above) or a margin (``Nord;;12``): it repeats the
   label above only when every label left of it is blank too and the row's key stays unique. The values
   come from the analysis' parsed sample (decimal commas, thousands separators); the raw text tells a
   marker or a blank in a row with numbers (suppressed) from a row without any number (a title, a
   footnote, a section heading: not a cell).
2. **Groups.** Every additive measure column (counts, or magnitudes not named as a mean, share, rate...)
   is audited on its own over the dimensions (long layout, ``region;sex;n``). In a wide layout
   (``Region;Mænd;Kvinder;I alt``) the columns beside a total column are the categories of one more
   dimension whose margin is that column. Two label columns that map one-to-one (a code and its name)
   are one dimension; where a label is a function of another (municipality -> region), the cells off
   that hierarchy are structural zeros, not unknowns.
3. **Additivity first.** Only margins present in the file are equations. A margin is audited as a sum only
   when every line whose cells are all published adds up (exactly for counts; within the rounding of
   the printed decimals for magnitudes); a count table whose numbers are all multiples of 5 or 10 is
   rounded and not audited at all (its totals do not pin a hidden cell). Cells of a missing or
   non-additive margin are unknowns; a table whose published numbers admit no completion without
   negative counts is no additive table and is not audited either.
4. **Audit.** Unknown cells get feasible values (:func:`scanner.suppression.complete`). Then, cheapest
   first: a line with a single unknown recomputes it (repeated until nothing changes); for counts, a
   hypercube of suppressed cells certifies a cell wide enough without an LP
   (:func:`scanner.suppression.certify_cubes`); the rest get the attacker's LPs
   (:func:`scanner.suppression.audit`), at most :data:`MAX_LP_CELLS` of them, else the table is reported
   as not audited (a review, never a silent pass).

A suppressed cell is exposed when its feasible interval is narrower than the protection the profile
asks: the threshold for counts (a cell recomputed as exactly 0 is exposed only where the profile treats
zeros as disclosive), p % of the value for magnitudes. A count interval that lies wholly at or above
the threshold cannot hide a small cell: it is still reported, for review (the cell was hidden for a
reason a person must judge). Cells absent from a long table are unknowns too, and exposed like
suppressed ones, except when they recompute to zero (a combination that does not occur).

The rule TAB004 reads the result as the fact ``published-audit``, which the engine computes once per table
(:mod:`scanner.engine`), only when TAB004 is enabled.
"""

from __future__ import annotations

import enum
import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import SUPPRESSION_MARKER, LoadError
from scanner.names import is_margin_label
from scanner.table_model import SMALL_FRAME_ROWS, ColumnInfo, ColumnKind, Role, TableModel, TableShape

__all__ = [
    "MAX_CUBE_CELLS",
    "MAX_LP_CELLS",
    "Exposure",
    "HiddenCell",
    "PublishedAudit",
    "audit_published",
    "code_groups",
    "is_margin_label",
    "numbered_codes",
]

log = logging.getLogger(__name__)

#: A cube (every dimension's levels plus its margin, multiplied) larger than this is not audited: the
#: table is reported as not audited instead (review).
MAX_CUBE_CELLS = 1_000_000
#: Suppressed cells left for the LPs after the cheap paths (single-line recomputation, hypercube
#: certificates): at most this many per table, each one or two LPs over its group of unknowns.
MAX_LP_CELLS = 400
#: Unknown cells (suppressed, absent, missing margins) of one table the LPs may work over.
MAX_UNKNOWN_CELLS = 50_000
#: Rows of a table read to build its cube (a published table is far smaller).
MAX_ROWS = 200_000
#: Without any margin label, blank labels are read as totals only in tables up to this many rows: in a
#: longer file they are missing values (a panel's missing age), and rebuilding its cube costs time.
MAX_BLANK_MARGIN_ROWS = 5_000



class Exposure(enum.StrEnum):
    """How far the published cells and totals give a suppressed cell away."""

    EXACT = "exact"  # recomputed exactly, and it may be a small (or otherwise protected) value
    NARROW = "narrow"  # narrowed below the protection the profile asks
    NOT_SMALL = "not-small"  # recomputed or narrowed, but certainly not a small count: review


@dataclass(frozen=True, slots=True)
class HiddenCell:
    """A suppressed (or left out) cell of a published table that its totals give away.

    ``labels`` are the raw (dimension, label) pairs (the rule masks them); ``row`` the 1-based data row
    of the file that shows the cell (None for a cell left out of the file); ``column`` the column that
    holds it.
    """

    row: int | None
    column: str
    labels: tuple[tuple[str, str], ...]
    exposure: Exposure
    count: bool  # a count cell (else a magnitude)
    absent: bool = False


@dataclass(slots=True)
class PublishedAudit:
    """What :func:`audit_published` found in one table.

    ``exposed``: the suppressed cells the published cells give away. ``not_audited``: value-free reasons
    why a table with suppressed cells beside totals was not (fully) audited. ``skipped``: value-free
    reasons why a part of the table was not read as additive (for logs and tests, not findings).
    """

    exposed: list[HiddenCell] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    audited: int = 0  # suppressed cells audited


def audit_published(table: TableModel, *, threshold: int, zeros_disclosive: bool,
                    p_percent: float) -> PublishedAudit:
    """Audit the suppressed cells of a published table against its own totals (module docstring)."""
    out = PublishedAudit()
    if table.shape is TableShape.MICRODATA or not table.columns:
        return out
    measures = _additive_measures(table)
    if not measures:
        return out
    dims = [d for d in table.dimensions if d not in _categories_read_as_labels(table, measures)]
    measures = sorted(measures + [d for d in table.dimensions if d not in dims] + _shares_read_as_categories(
        table, measures), key=lambda c: c.index)
    if not _has_hidden_cells(table, measures) or (table.count_rows and not _hidden_in_count_rows(table, measures)):
        # (a long table of measures, SAS FREQ's "Frequency / Percent / Row Pct / Col Pct" under each level: the
        # blank Row Pct of the Total column is no suppressed cell; only blanks among the counts' rows are)
        return out
    _code_hierarchy(table, dims, measures, out, threshold)
    _shares_of_total(table, dims, measures, out, p_percent)
    summed = None if any(is_margin_label(c.name) for c in measures) else _summed_margin(table, measures)
    if summed is None and not any(is_margin_label(c.name) for c in measures):
        # (a base beside the categories and their total: "n_genotyypitetty" beside heterozygotes, homozygotes and
        # carriers in all; the total is the categories' sum once the base is left out)
        based = _summed_margin_beside_a_base(table, measures)
        if based is not None:
            summed, base = based
            measures = [c for c in measures if c is not base]
    hints = _Margin.WORD if summed is not None else _margin_hints(table, dims, measures)
    rows: _Rows | None = None
    if hints is None and len(dims) == 1 and table.sample_complete and table.n_sample_rows <= MAX_BLANK_MARGIN_ROWS:
        # no total by its label: a row that is the sum of all the others ("Jämtlands län" under its
        # municipalities, "Antal patienter" under the hospitals) is one by the numbers
        rows = _read_rows(table, dims, measures)
        total = _summing_row(rows, measures) if rows is not None else None
        if total is not None and rows is not None:
            rows.labels[0][total] = "Total"
            hints = _Margin.WORD
    if hints is None or (hints is _Margin.BLANK and table.n_sample_rows > MAX_BLANK_MARGIN_ROWS):
        # no total anywhere; or only blank labels in a long file, where they are missing values
        return out
    words = hints is _Margin.WORD
    if not table.sample_complete or table.n_sample_rows > MAX_ROWS:
        if words:
            out.not_audited.append(f"the table has more than {min(table.n_sample_rows, MAX_ROWS):,} rows")
        return out
    rows = rows if rows is not None else _read_rows(table, dims, measures)
    if rows is None:
        out.skipped.append("the table could not be read again consistently")
        if words:
            out.not_audited.append("the table could not be read again to rebuild its cells")
        return out
    layout = _layout(rows)
    for group in _groups(measures, summed):
        group.decimals = max(rows.decimals[c.name] for c in group.all_columns)
        _audit_group(rows, layout, group, out, threshold=threshold, zeros_disclosive=zeros_disclosive,
                     p_percent=p_percent)
    seen: set[tuple[int | None, str]] = set()
    out.exposed = [c for c in out.exposed if (c.row, c.column) not in seen and not seen.add((c.row, c.column))]
    return out


# A label that starts with a classification's code: a number ("46 Vestland", "4612 Sveio", "0114 Upplands Väsby",
# DB07/NACE's "19.2 Fremstilling af raffinerede mineralolieprodukter"), or ICD-10's letter and digits, alone or as
# a range ("C50 Breast", "E10–E14", "F00--F99 Chapter V", "A00-B99"), with or without a name after it.
_CODE_LABEL = lazy_compile(r"^\s*(?:(\d{2,}(?:\.\d+)*)(?=\s+\S)|([A-Z]\d{2}(?:\.\d{1,2})?)"
                           r"(?:\s*(?:-{1,2}|–|—)\s*([A-Z]\d{2}(?:\.\d{1,2})?|\d{2}(?:\.\d{1,2})?))?(?![\w.]))")


def _icd_span(first: str, last: str | None) -> tuple[float, float]:
    """An ICD-10 code or range as a half-open interval on one line (letter A at 0, B at 100, ...): "E12"
    [412, 413), "E11.9" [411.9, 412), "E10–E14" [410, 415), "C00-C97" [200, 298), "A00-B99" [0, 200)."""
    def bounds(code: str, letter: str) -> tuple[float, float]:
        number = code[1:] if code[0].isalpha() else code
        base = (ord(code[0]) - 65 if code[0].isalpha() else ord(letter) - 65) * 100
        step = 10.0 ** -len(number.partition(".")[2]) if "." in number else 1.0
        return base + float(number), base + float(number) + step
    lo, hi = bounds(first, first[0])
    if last is not None:
        hi = bounds(last, first[0])[1]
    return lo, hi


def code_groups(labels: Sequence[str], *, min_kids: int = 2) -> list[tuple[int, list[int]]]:
    """Rows whose label's code holds the codes of the rows right under it: a county "46 Vestland" over its
    municipalities "4601 Bergen", "4612 Sveio" (the code is their start), a division "19" over its groups
    "19.1", "19.2", an ICD-10 block "E10–E14" over "E10" ... "E14" or a chapter "F00--F99" over its blocks
    "F00--F09" ... (the range holds theirs); with the uncoded rows among or after numbered children ("Øvrige
    kommuner"): each parent row with its direct children (``min_kids`` coded ones at least)."""
    spans: list[tuple[str, float, float] | None] = []
    for x in labels:
        m = _CODE_LABEL.match(x)
        if m is None:
            spans.append(None)
        elif m.group(1) is not None:
            spans.append((m.group(1), 0.0, 0.0))
        else:
            spans.append(("", *_icd_span(m.group(2), m.group(3))))

    def holds(parent: tuple[str, float, float], child: tuple[str, float, float]) -> bool:
        if parent[0] or child[0]:  # numbers: the parent's code starts the child's
            return bool(parent[0]) and child[0].startswith(parent[0]) and len(child[0]) > len(parent[0])
        return parent[1] <= child[1] and child[2] <= parent[2] and (parent[1], parent[2]) != (child[1], child[2])

    groups: list[tuple[int, list[int]]] = []
    for i, span in enumerate(spans):
        if span is None:
            continue
        kids: list[int] = []
        for j in range(i + 1, len(labels)):
            other = spans[j]
            if other is not None and holds(span, other):
                kids.append(j)
            elif other is None and span[0] and kids and labels[j].strip() and not is_margin_label(labels[j]) \
                    and not (j + 1 < len(labels) and spans[j + 1] is not None and not holds(span, spans[j + 1])):
                # the rest of the county ("Øvrige kommuner"); not the heading of the next block ("C Industri"
                # over "19", "20")
                kids.append(j)
            else:
                break
        coded = {k: s for k in kids if (s := spans[k]) is not None}
        # direct children only: a child held by another child (a municipality under its county's district, a
        # code under its block) belongs to that child's group
        direct = [k for k, s in coded.items() if not any(holds(t, s) for o, t in coded.items() if o != k)]
        if len(direct) < min_kids or (span[0] and len({len(coded[k][0]) for k in direct}) != 1):
            continue
        groups.append((i, [k for k in kids if k in direct or spans[k] is None]))
    return groups


def numbered_codes(labels: Sequence[str]) -> bool:
    """Whether a hierarchy of :func:`code_groups` is one of numbers (a classification that is complete under
    each parent), not ICD-10's letter codes, whose chapters a table may show only in part."""
    return any(m is not None and m.group(1) is not None for m in map(_CODE_LABEL.match, labels))


def _raw_labels(table: TableModel, name: str) -> list[str] | None:
    """A label column as written (leading spaces kept), or None when the file cannot be read again alike."""
    try:
        raw = pa.Table.from_batches(list(table.source.batches()), schema=table.source.schema).column(name)
    except (LoadError, OSError, pa.ArrowException, KeyError):
        return None
    values = raw.to_pylist()
    return [v if isinstance(v, str) else "" for v in values] if len(values) == table.sample.height else None


def _indent_groups(labels: Sequence[str]) -> list[tuple[int, list[int]]]:
    """Rows whose label is not indented with the indented rows right under it ("Region Nordjylland" over
    "  Aalborg", "  Læsø", ...): each parent row with its children (two at least)."""
    depth = [len(x) - len(x.lstrip(" \u00a0\t")) if x.strip() else None for x in labels]
    groups: list[tuple[int, list[int]]] = []
    # (a block's own total, "Innlandet i alt" over its municipalities, is a parent as any region's name is;
    # a bare "I alt" or "Total" is the table's margin)
    parents = [i for i, d in enumerate(depth) if d == 0 and (not is_margin_label(labels[i])
                                                            or _BLOCK_TOTAL.match(labels[i].strip()))]
    for i in parents:
        kids = []
        for j in range(i + 1, len(labels)):
            if depth[j] is None or depth[j] == 0:
                break
            kids.append(j)
        if len(kids) >= 2 and len({depth[k] for k in kids}) == 1:
            groups.append((i, kids))
    return groups


# A block's total named by the block: "Innlandet i alt", "Region Nord total", "Lappi yhteensä".
_BLOCK_TOTAL = lazy_compile(r"(?i)^\S.*\S\s+(?:i\s?alt|totalt?|total|yhteensä|sammanlagt|samlet)$")


def _block_total_groups(labels: Sequence[str]) -> list[tuple[int, list[int]]]:
    """Blocks of rows each with its own total named by it, two blocks or more, the totals all first ("Innlandet
    i alt" over Hamar, Tolga ...; "Vestland i alt" over Bergen ...) or all last: each total with its block's
    rows (their indentation lost, as an HTML or Word table loses it)."""
    totals = [i for i, x in enumerate(labels) if _BLOCK_TOTAL.match(x.strip())]
    if len(totals) < 2 or any(is_margin_label(x) and i not in totals for i, x in enumerate(labels)):
        return []
    if totals[0] == 0:
        bounds = [*totals, len(labels)]
        groups = [(a, list(range(a + 1, b))) for a, b in itertools.pairwise(bounds)]
    elif totals[-1] == len(labels) - 1:
        bounds = [-1, *totals]
        groups = [(b, list(range(a + 1, b))) for a, b in itertools.pairwise(bounds)]
    else:
        return []
    return groups if all(len(kids) >= 2 for _, kids in groups) else []


# A label that names a higher area by its level's word: "Region Nordjylland", "Landsdel Fyn", "Stockholms län",
# "Vestland fylke", "Lapin maakunta".
_NAMED_LEVEL = lazy_compile(r"(?i)^\s*(?:region|landsdel)\s+\S|\S\s+(?:län|lan|fylke|maakunta)\s*$")


def _named_level_groups(labels: Sequence[str]) -> list[tuple[int, list[int]]]:
    """Rows that name a higher area by its level's word ("Region Nordjylland") each over the rows after it
    up to the next such row or the table's margin ("Brønderslev", ..., "Læsø"), when their indentation is lost
    (an HTML or Word table): each parent row with its children (two at least)."""
    parents = [i for i, x in enumerate(labels) if _NAMED_LEVEL.search(x)]
    if not parents or len(parents) == len(labels):
        return []
    groups: list[tuple[int, list[int]]] = []
    for i in parents:
        kids = []
        for j in range(i + 1, len(labels)):
            if j in parents or is_margin_label(labels[j]) or not labels[j].strip():
                break
            kids.append(j)
        if len(kids) >= 2:
            groups.append((i, kids))
    return groups


# The level of an area in a column beside its name ("niveau;område": "region" over its "kommune" rows).
_LEVELS = {"land": 0, "landet": 0, "country": 0, "region": 1, "landsdel": 1, "fylke": 1, "län": 1, "lan": 1,
           "county": 1, "maakunta": 1, "kommune": 2, "kommun": 2, "municipality": 2, "kunta": 2, "sogn": 3,
           "parish": 3, "postnummer": 3}


def _level_rank(text: str, depths: bool) -> int | None:
    """A row's level as a level column writes it: a level's word ("region", "Kommun"; "totalt" above all), or
    (``depths``: the column is named as levels) a small depth number ("0", "1", "2")."""
    word = text.strip().lower()
    if word in _LEVELS:
        return _LEVELS[word]
    if is_margin_label(word):
        return -1
    if word.endswith(".0"):
        word = word[:-2]
    return int(word) if depths and word.isdigit() and len(word) == 1 else None


# A column named as the level of each row's area: "niveau", "Nivå", "level", "aluetaso".
_LEVEL_NAME = lazy_compile(r"(?i)^\s*(?:niveau|niv(?:å|a|aa)|level|taso|aluetaso|depth|hierarki\w*)\s*$")


def _level_groups(levels: Sequence[str], depths: bool = False) -> list[tuple[int, list[int]]]:
    """Rows of a higher level with the rows of the next level right under them, by a column naming each
    row's level ("region", then its "kommune" rows; or, ``depths``, its depth, 1 then 2)."""
    rank = [_level_rank(x, depths) for x in levels]
    if sum(r is not None for r in rank) < len(levels) / 2:
        return []
    groups: list[tuple[int, list[int]]] = []
    for i, r in enumerate(rank):
        if r is None:
            continue
        kids = []
        for j in range(i + 1, len(levels)):
            if rank[j] is None or rank[j] <= r:
                break
            if rank[j] == r + 1 or (r == -1 and rank[j] == min(x for x in rank if x is not None and x >= 0)):
                kids.append(j)
        if len(kids) >= 2:
            groups.append((i, kids))
    return groups


def _code_hierarchy(table: TableModel, dims: Sequence[ColumnInfo], measures: Sequence[ColumnInfo],
                    out: PublishedAudit, threshold: int) -> None:
    """One suppressed child under a printed parent of a hierarchy in one label column: coded ("46 Vestland
    1168,6" over its municipalities "4612 Sveio"), indented ("Region Nordjylland" over "  Læsø"), or named by
    a level column beside the labels ("region", then "kommune" rows): the parent minus its other children
    gives it back exactly. Such a hierarchy has no margin word, so the cube audit does not see it. A
    hierarchy read from indentation or a level column is taken when a group whose children are all
    published sums exactly to its parent; unconfirmed, a hidden child it pins under the threshold is blocked
    and any other for review (indented rows may be a selection, "of which")."""
    if not 1 <= len(dims) <= 3 or not table.sample_complete or table.n_sample_rows > MAX_ROWS:
        return
    from scanner.analysis.published_cells import plain_label

    frame = table.sample

    def texts(d: ColumnInfo) -> list[str]:
        return [str(plain_label(v)) if v is not None else "" for v in frame.get_column(d.name).to_list()]

    # a column naming each row's level ("Nivå": Län, Kommun; "niveau": 0, 1, 2), beside a code and a name
    level_dim, by_level = None, []
    for d in dims if len(dims) > 1 else ():
        by_level = _level_groups(texts(d), _LEVEL_NAME.match(d.name) is not None)
        if by_level:
            level_dim = d
            break
    if len(dims) == 3 and level_dim is None:
        return
    label_dim = next(d for d in reversed(dims) if d is not level_dim) if level_dim is not None else dims[-1]
    labels = texts(label_dim)
    # (a hierarchy by codes has one label column of codes, or a column of codes beside their names, "ICD-10 |
    # Diagnostic group"; read from levels, indentation or words, it is unconfirmed, and so is one of ICD-10's
    # letter codes: a chapter's table may list some of its blocks)
    groups: list[tuple[int, list[int]]] = []
    if len(dims) == 1:
        groups = code_groups(labels)
    elif len(dims) == 2 and level_dim is None:
        for d in dims:
            coded = texts(d)
            if len(set(coded)) == len(coded) and (groups := code_groups(coded)):
                label_dim, labels = d, coded
                break
    checked = bool(groups) and numbered_codes(labels)
    if not groups:
        if level_dim is not None:
            groups = by_level
        elif len(dims) == 1 and (raw := _raw_labels(table, label_dim.name)) is not None:
            groups = _indent_groups(raw)
        if not groups and len(dims) == 1:
            groups = _block_total_groups(labels) or _named_level_groups(labels)
    if not groups:
        return
    columns = {col.name: frame.get_column(col.name).cast(pl.Float64).to_numpy() for col in measures}
    if not checked:
        # a group with every child published that sums exactly to its parent confirms the hierarchy
        checked = any(not np.isnan(v[parent]) and not np.isnan(v[kids]).any() and v[parent] == v[kids].sum()
                      for v in columns.values() for parent, kids in groups)
    for col in measures:
        values = columns[col.name]
        for parent, kids in groups:
            hidden = [k for k in kids if np.isnan(values[k])]
            if np.isnan(values[parent]) or len(hidden) != 1:
                continue
            rest = float(values[parent] - np.nansum(values[[k for k in kids if k != hidden[0]]]))
            if rest < -1e-6 * max(1.0, abs(float(values[parent]))):
                continue  # the children sum to more than the parent: no hierarchy of sums
            # (unconfirmed, a small count is still given away; any other value is for a person to check)
            exposure = Exposure.EXACT if checked or (col.is_count and 0 < rest < threshold) else Exposure.NOT_SMALL
            out.audited += 1
            other = next((d for d in dims if d is not label_dim), None)
            cell = ((label_dim.name, labels[hidden[0]]),) if other is None else \
                ((other.name, str(frame.get_column(other.name)[hidden[0]])), (label_dim.name, labels[hidden[0]]))
            out.exposed.append(HiddenCell(hidden[0] + 1, col.name, cell, exposure, col.is_count))


def _shares_of_total(table: TableModel, dims: Sequence[ColumnInfo], measures: Sequence[ColumnInfo],
                     out: PublishedAudit, p_percent: float) -> None:
    """A suppressed value beside its printed share of the total ("B Utvinning av mineral; ..; 1,12" over
    "Totalt; 3013143,6; 100,00"): the share times the total narrows it to the share's rounding (here
    33 747 +- 150). Exposed when that interval is narrower than the protection the profile asks."""
    if not dims or not table.sample_complete or table.n_sample_rows > MAX_ROWS:
        return
    frame = table.sample
    labels = [str(v) if v is not None else "" for v in frame.get_column(dims[0].name).to_list()]
    totals = [k for k, x in enumerate(labels) if is_margin_label(x.strip())]
    shares = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.statistic == "share"]
    if len(totals) != 1 or not shares:
        return
    t = totals[0]
    for share in shares:
        pct = frame.get_column(share.name).cast(pl.Float64).to_numpy()
        if not (abs(pct[t] - 100.0) < 0.6 or abs(pct[t] - 1.0) < 0.006):
            continue  # not shares of the total row
        scale = 100.0 if pct[t] > 1.5 else 1.0
        texts = [f"{v:.10g}" for v in pct[~np.isnan(pct)]]
        decimals = max((len(x.split(".", 1)[1]) if "." in x else 0) for x in texts) if texts else 0
        half = 0.5 * 10 ** -decimals
        for col in measures:
            if col is share or col.is_count:
                continue
            values = frame.get_column(col.name).cast(pl.Float64).to_numpy()
            whole = values[t]
            if np.isnan(whole) or whole <= 0:
                continue
            for k in np.flatnonzero(np.isnan(values)).tolist():
                if k == t or np.isnan(pct[k]) or pct[k] <= 0:
                    continue
                lo, hi = (pct[k] - half) / scale * whole, (pct[k] + half) / scale * whole
                if hi - lo < p_percent * (lo + hi) / 2:
                    out.audited += 1
                    out.exposed.append(HiddenCell(k + 1, col.name, ((dims[0].name, labels[k]),), Exposure.NARROW,
                                                  False))


# --- reading ---------------------------------------------------------------------------------------------


def _additive_measures(table: TableModel) -> list[ColumnInfo]:
    """Measure columns whose cells may add up: counts, and magnitudes not named as a statistic (nor as a rate per
    a number of units: "Per 100 000 asukasta/v" does not add up over the rows)."""
    from scanner.analysis.published_cells import rate_named

    return [c for c in table.columns
            if c.role is Role.MEASURE and c.kind is ColumnKind.NUMERIC and c.statistic is None
            and (c.non_null > 0 or c.markers > 0) and not rate_named(c.name)]


def _shares_read_as_categories(table: TableModel, measures: Sequence[ColumnInfo]) -> list[ColumnInfo]:
    """Whole-number columns named like a share that are a category beside a total column: Danish "Andel" is a
    housing type (andelsbolig) as well as a share, between "Privat leje" and "Ejerbolig". With them the total
    column is the sum of its row on every fully published row (at least two): the sums are the evidence."""
    margins = [c for c in measures if is_margin_label(c.name)]
    if len(margins) != 1:
        return []
    total = margins[0]
    candidates = [c for c in table.columns if c.role is Role.MEASURE and c.kind is ColumnKind.NUMERIC
                  and c.statistic == "share" and c.integral and c.non_negative and c.index < total.index
                  and c not in measures]
    if not candidates:
        return []
    parts = [c.name for c in measures if c is not total] + [c.name for c in candidates]
    frame = table.sample.select([*parts, total.name]).drop_nulls()
    if frame.height < 2:
        return []
    sums = frame.select(pl.sum_horizontal(parts)).to_series()
    return candidates if bool((sums == frame.get_column(total.name)).all()) else []


def _categories_read_as_labels(table: TableModel, measures: Sequence[ColumnInfo]) -> list[ColumnInfo]:
    """Whole-number columns the analysis took for dimensions that are categories beside a total column.

    A two-row header (``Kjønn`` over ``Menn;Kvinner;Total``) can give the first category a dimension's
    name. Such a column sits right of every text label, left of the total column, and with it the total
    column is the sum of its row on every fully published row (at least two): the sums are the evidence.
    """
    margins = [c for c in measures if is_margin_label(c.name)]
    if len(margins) != 1:
        return []
    total = margins[0]
    last_text = max((d.index for d in table.dimensions if d.kind is not ColumnKind.NUMERIC), default=-1)
    candidates = [d for d in table.dimensions if d.kind is ColumnKind.NUMERIC and last_text < d.index < total.index
                  and d.integral and d.non_negative and d.statistic is None]
    if not candidates:
        return []
    parts = [c.name for c in measures if c is not total and c.is_count == total.is_count]
    names = [c.name for c in candidates] + parts
    frame = table.sample.select([*names, total.name]).drop_nulls()
    if frame.height < 2:
        return []
    sums = frame.select(pl.sum_horizontal(names)).to_series()
    return candidates if bool((sums == frame.get_column(total.name)).all()) else []


def _summed_margin(table: TableModel, measures: Sequence[ColumnInfo]) -> ColumnInfo | None:
    """A count column that is its row's total without being named so (``Region;Antal personer;Grundskole;
    Erhvervsuddannelse;Ph.d.``): on every row where it and the other count columns are all published (two
    rows at least) it is their sum, and some row hides one of the others behind a suppression marker. None
    when no column is."""
    counts = [c for c in measures if c.is_count]
    if len(counts) < 3 or not any(c.markers for c in counts):
        return None  # (a blank beside numbers may be a header line read as a row: markers say suppressed)
    frame = table.sample.select([pl.col(c.name).cast(pl.Float64) for c in counts])
    full = frame.drop_nulls()
    if full.height < 2 or full.height == frame.height:
        return None
    total = full.select(pl.sum_horizontal(pl.all())).to_series()
    for c in counts:
        column = full.get_column(c.name)
        # the sum of the others is the row's total less this column: equal when this column is half of it
        if bool(((total - column - column).abs() < 0.5).all()) and bool((column > 0).any()):
            return c if _hidden_by_markers(table, frame, [x.name for x in counts]) else None
    return None


def _summed_margin_beside_a_base(table: TableModel, measures: Sequence[ColumnInfo]
                                 ) -> tuple[ColumnInfo, ColumnInfo] | None:
    """As :func:`_summed_margin`, with one count column left out of the sum: a base the row's categories are of
    (the persons genotyped beside the carriers by genotype and their total), larger than the total on every row.
    The total and the base left out, or None."""
    counts = [c for c in measures if c.is_count]
    if not 4 <= len(counts) <= 12:
        return None
    for base in counts:
        rest = [c for c in measures if c is not base]
        total = _summed_margin(table, rest)
        if total is None:
            continue
        frame = table.sample.select([pl.col(base.name).cast(pl.Float64), pl.col(total.name).cast(pl.Float64)])
        full = frame.drop_nulls()
        if full.height >= 2 and bool((full.get_column(base.name) > full.get_column(total.name)).all()):
            return total, base
    return None


def _hidden_by_markers(table: TableModel, parsed: pl.DataFrame, names: list[str]) -> bool:
    """Whether the cells the analysis could not read as numbers are suppression markers or blanks, at least
    one a marker (not a header line's words read as a row: "Total" over a column of totals)."""
    try:
        raw = pl.from_arrow(pa.Table.from_batches(list(table.source.batches()), schema=table.source.schema)
                            .select(names))
    except (LoadError, OSError, pa.ArrowException, KeyError):
        return False
    assert isinstance(raw, pl.DataFrame)
    if raw.height != parsed.height:
        return False
    marked = False
    for name in names:
        for text, value in zip(raw.get_column(name).to_list(), parsed.get_column(name).to_list(), strict=True):
            if value is not None:
                continue
            shown = _display(text).strip()
            if shown and SUPPRESSION_MARKER.fullmatch(shown) is None:
                return False
            marked = marked or bool(shown)
    return marked


def _hidden_in_count_rows(table: TableModel, measures: Sequence[ColumnInfo]) -> bool:
    """Whether a blank or marked cell sits in a row of counts of a long table of measures (its label column
    names the rows' measure: the count rows of :attr:`TableModel.count_rows`)."""
    label, counted = next(iter(table.count_rows.values()))
    labels = table.sample.get_column(label).to_list()
    rows = [k for k, v in enumerate(labels) if v in counted]
    columns = [table.sample.get_column(c.name).to_list() for c in measures if c.name != label]
    return any(col[k] is None for col in columns for k in rows)


def _has_hidden_cells(table: TableModel, measures: Sequence[ColumnInfo]) -> bool:
    """Cheap exit: a sample row with a number in one measure and none in another (suppressed or blank)."""
    names = [c.name for c in measures]
    if any(c.markers for c in measures):
        return True
    if table.sample.height <= SMALL_FRAME_ROWS:
        # (a small sample in Python: a Polars query costs more than reading a few dozen values)
        columns = [table.sample.get_column(n).to_list() for n in names]
        filled = [sum(1 for v in row if v is not None) for row in zip(*columns, strict=True)]
        return any(0 < f < len(names) for f in filled) or (len(names) == 1 and any(v is None for v in columns[0]))
    sample = table.sample.select(names)
    present = sample.select(pl.sum_horizontal(pl.all().is_not_null().cast(pl.Int32))).to_series()
    return bool(((present > 0) & (present < len(names))).any()) or (
        len(names) == 1 and bool(sample.get_column(names[0]).is_null().any()))


def _margin_hints(table: TableModel, dims: Sequence[ColumnInfo], measures: Sequence[ColumnInfo]) -> _Margin | None:
    """Cheap look at the sample: a margin label in a header or a dimension (WORD), else a blank label in a
    dimension on a row with numbers (BLANK: a total row, or a missing value), else None."""
    if any(is_margin_label(c.name) for c in measures):
        return _Margin.WORD
    blank = False
    has_numbers = table.sample.select(pl.any_horizontal(pl.col([c.name for c in measures]).is_not_null())).to_series()
    for d in dims:
        column = table.sample.get_column(d.name)
        # only text labels say "Total" (numbers, dates and durations do not)
        if column.dtype == pl.String and any(is_margin_label(v) for v in column.drop_nulls().unique().to_list()):
            return _Margin.WORD
        # grouped labels are repeated into blanks by the analysis (fill_down): such a column may hide one
        blank = blank or d.fill_down or bool((column.is_null() & has_numbers).any())
    return _Margin.BLANK if blank else None


def _summing_row(rows: _Rows, measures: Sequence[ColumnInfo]) -> int | None:
    """The first or last data row when it is the sum of all the others: equal to their sum in every column
    where they are all published (at least two such columns, or one of at least three rows), and no less
    than the published ones where some are hidden. Counts only (whole numbers, exact sums)."""
    counted = [c.name for c in measures if c.is_count]
    n = len(rows.index)
    if not counted or n < 3:
        return None
    values = np.column_stack([rows.values[c] for c in counted])
    if not np.isnan(values).any():
        return None  # nothing hidden: nothing to audit
    for k in (n - 1, 0):
        if np.isnan(values[k]).any():
            continue
        others = np.delete(values, k, axis=0)
        full = ~np.isnan(others).any(axis=0)
        sums = np.nansum(others, axis=0)
        if not full.any() or not np.array_equal(sums[full], values[k][full]):
            continue
        if (sums[~full] > values[k][~full]).any():
            continue
        if int(full.sum()) >= 2 or (int(full.sum()) == 1 and n - 1 >= 3):
            return k
    return None


@dataclass(slots=True)
class _Rows:
    """The data rows of a table: their labels (raw, stripped), values and which cells are hidden."""

    index: np.ndarray  # 1-based data row in the file
    labels: list[list[str]]  # per dimension column, per data row
    dim_names: list[str]
    values: dict[str, np.ndarray]  # per measure: NaN where not a published number
    decimals: dict[str, int]  # per measure: decimals printed (for the rounding tolerance)


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_rows(table: TableModel, dims: Sequence[ColumnInfo], measures: Sequence[ColumnInfo]) -> _Rows | None:
    """Read the file again for the raw labels and markers, beside the analysis' parsed numbers.

    The parsed sample repeats grouped labels into blanks and turns markers and blanks alike into nulls;
    both differences matter here (a blank label may be a margin; a row without any number or marker is
    no table row).
    """
    wanted = [c.name for c in dims] + [c.name for c in measures]
    try:
        batches = list(table.source.batches())
        raw_table = pa.Table.from_batches(batches, schema=table.source.schema).select(wanted)
    except (LoadError, OSError, pa.ArrowException, KeyError) as exc:
        # a second read that fails leaves the table unaudited (a review when it shows totals)
        log.debug("published: re-read of %s failed (%s)", table.source.path.name, type(exc).__name__)
        return None
    raw = pl.from_arrow(raw_table)
    assert isinstance(raw, pl.DataFrame)
    if raw.height != table.sample.height:
        return None
    raw_text = {name: [_display(v) for v in raw.get_column(name).to_list()] for name in wanted}
    values = {c.name: table.sample.get_column(c.name).cast(pl.Float64).fill_nan(None).to_numpy().astype(np.float64)
              for c in measures}
    # a row is a table row when some measure cell holds a number or a suppression marker: not a title, a
    # section heading or a footnote whose text runs into the number columns ("Source: X, table Y")
    keep = np.zeros(raw.height, dtype=bool)
    for c in measures:
        keep |= ~np.isnan(values[c.name])
        keep |= np.array([bool(t) and SUPPRESSION_MARKER.fullmatch(t) is not None for t in raw_text[c.name]],
                         dtype=bool)
    idx = np.flatnonzero(keep)
    decimals = {}
    for c in measures:
        texts = [raw_text[c.name][i] for i in idx if not math.isnan(values[c.name][i])]
        decimals[c.name] = _decimals(texts, c)
    return _Rows(
        index=idx + 1,
        labels=[[raw_text[d.name][i] for i in idx] for d in dims],
        dim_names=[d.name for d in dims],
        values={name: v[idx] for name, v in values.items()},
        decimals=decimals,
    )


def _decimals(texts: Sequence[str], col: ColumnInfo) -> int:
    """Decimals printed in a column (the most any value shows), for the rounding tolerance."""
    mark = "," if col.decimal_comma else "."
    most = 0
    for t in texts:
        t = t.strip()
        if col.thousands and col.thousands != mark:
            t = t.replace(col.thousands, "")
        if mark in t:
            most = max(most, len(t.rsplit(mark, 1)[1].strip().rstrip("%")))
    return min(most, 9)


# --- dimensions --------------------------------------------------------------------------------------------


class _Margin(enum.Enum):
    """A row's position on a dimension's margin, by how the file marks it."""

    WORD = "word"  # a margin label ("I alt", "Total")
    BLANK = "blank"  # an empty label: a total row, or a missing value (needs the sums as evidence)


@dataclass(slots=True)
class _Axis:
    """One dimension of the cube: its levels and, per data row, its position (``len(levels)``: the margin)."""

    names: list[str]  # the label columns it is made of (one, or a code and its name)
    levels: list[str]
    codes: np.ndarray  # per data row: level index, or len(levels) for the margin
    shown: list[str]  # per data row: the label as printed (the margin's word)
    explicit: bool  # some margin row carries a margin label (not only blanks)

    @property
    def size(self) -> int:
        return len(self.levels) + 1

    @property
    def has_margin(self) -> bool:
        return bool((self.codes == len(self.levels)).any())


@dataclass(slots=True)
class _Layout:
    """The row dimensions of a table, shared by its groups: None when the labels do not identify the rows."""

    axes: list[_Axis] | None
    zeros: list[tuple[int, int, np.ndarray]]


def _layout(rows: _Rows) -> _Layout:
    keys = _keys(rows) if rows.labels else None
    if keys is None:
        return _Layout(None, [])
    axes = _axes(rows, keys)
    return _Layout(axes, _structural_zeros(axes))


def _keys(rows: _Rows) -> list[tuple[object, ...]] | None:
    """Per data row, per dimension: the label, or a :class:`_Margin`.

    Returns None when the labels do not identify the rows. Blank labels are resolved row by row: a blank
    whose left neighbours are all blank may repeat the label above (grouped labels); it becomes a margin
    when repeating would give a key seen before, trying the innermost dimension first.
    """
    n_dims = len(rows.labels)
    n = len(rows.index)
    seen: set[tuple[object, ...]] = set()
    last: list[str | None] = [None] * n_dims
    out: list[tuple[object, ...]] = []
    for r in range(n):
        row = [rows.labels[d][r] for d in range(n_dims)]
        key: list[object] = []
        fillable: list[int] = []
        for d, label in enumerate(row):
            if label == "":
                if all(row[e] == "" for e in range(d)) and last[d] is not None:
                    key.append(last[d])
                    fillable.append(d)
                else:
                    key.append(_Margin.BLANK)
            elif is_margin_label(label):
                key.append(_Margin.WORD)
            else:
                key.append(label)
        candidate = tuple(key)
        if _cell_of(candidate) in seen and fillable:
            # innermost blanks first: "Nord;;12" under "Nord;K;.." is Nord's total, not Nord/K again
            for k in range(1, len(fillable) + 1):
                trial = list(key)
                for d in fillable[-k:]:
                    trial[d] = _Margin.BLANK
                if _cell_of(tuple(trial)) not in seen:
                    candidate = tuple(trial)
                    break
        if _cell_of(candidate) in seen:
            return None
        seen.add(_cell_of(candidate))
        out.append(candidate)
        for d, label in enumerate(row):
            if label != "":
                last[d] = label
    return out


def _cell_of(key: tuple[object, ...]) -> tuple[object, ...]:
    """The cell a key stands for: a margin is a margin, whether a word or a blank marks it."""
    return tuple(_Margin.WORD if isinstance(k, _Margin) else k for k in key)


def _codes(values: Sequence[object]) -> tuple[np.ndarray, list[object]]:
    """Integer codes of labels (-1 for a margin) and the levels, in order of first appearance."""
    index: dict[object, int] = {}
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        codes[i] = -1 if isinstance(v, _Margin) else index.setdefault(v, len(index))
    return codes, list(index)


def _axes(rows: _Rows, keys: Sequence[tuple[object, ...]]) -> list[_Axis]:
    """The cube's row dimensions: constant label columns dropped, one-to-one pairs (code and name) merged."""
    n_dims = len(rows.dim_names)
    coded = [_codes([k[d] for k in keys]) for d in range(n_dims)]
    codes = [c for c, _ in coded]
    levels: list[list[object]] = [lv for _, lv in coded]
    words = [np.array([k[d] is _Margin.WORD for k in keys], dtype=bool) for d in range(n_dims)]
    shown = [list(rows.labels[d]) for d in range(n_dims)]
    names = [[name] for name in rows.dim_names]
    # merge one-to-one pairs (on rows where neither is a margin, as many pairs as levels of each)
    merged = True
    while merged and len(codes) > 1:
        merged = False
        for a, b in itertools.combinations(range(len(codes)), 2):
            inner = (codes[a] >= 0) & (codes[b] >= 0)
            la, lb = np.unique(codes[a][inner]), np.unique(codes[b][inner])
            pairs = np.unique(codes[a][inner] * (len(levels[b]) + 1) + codes[b][inner])
            if len(la) < 2 or not len(la) == len(lb) == len(pairs):
                continue
            # a row on either one's margin is on the merged dimension's margin ("000;Hele landet")
            margin = (codes[a] < 0) | (codes[b] < 0)
            codes[a], levels[a] = _codes([_Margin.WORD if m else (levels[a][x], levels[b][y]) for m, x, y in
                                          zip(margin.tolist(), codes[a].tolist(), codes[b].tolist(), strict=True)])
            words[a] = words[a] | words[b]
            # the label printed for a merged cell: the margin word if either shows one, else the first
            shown[a] = [sa if sa and (is_margin_label(sa) or not is_margin_label(sb)) else (sb or sa)
                        for sa, sb in zip(shown[a], shown[b], strict=True)]
            names[a] = names[a] + names[b]
            del codes[b], levels[b], words[b], shown[b], names[b]
            merged = True
            break
    axes = []
    for code, lv, word, show, name in zip(codes, levels, words, shown, names, strict=True):
        if not lv:
            continue  # every row is this dimension's margin: the dimension is constant
        order = sorted(range(len(lv)), key=lambda i: _level_text(lv[i]))
        rank = np.empty(len(lv), dtype=np.int64)
        rank[order] = np.arange(len(lv))
        final = np.where(code < 0, len(lv), rank[np.maximum(code, 0)])
        if len(lv) == 1 and not (final == 1).any():
            continue  # one level and no margin: constant
        axes.append(_Axis(name, [_level_text(lv[i]) for i in order], final, show,
                          explicit=bool((word & (code < 0)).any())))
    return axes


def _level_text(level: object) -> str:
    return " / ".join(str(x) for x in level) if isinstance(level, tuple) else str(level)


def _structural_zeros(axes: Sequence[_Axis]) -> list[tuple[int, int, np.ndarray]]:
    """Hierarchies: (a, b, parent) where dimension b is a function of dimension a (parent[level of a] = level
    of b). Cells (i, j) of a and b with j != parent[i] do not occur: zeros, not unknowns."""
    out = []
    for a, b in itertools.permutations(range(len(axes)), 2):
        A, B = axes[a], axes[b]
        if len(B.levels) < 2 or len(A.levels) <= len(B.levels):
            continue
        inner = (A.codes < len(A.levels)) & (B.codes < len(B.levels))
        pairs = np.unique(A.codes[inner] * B.size + B.codes[inner])
        parents_of = pairs // B.size
        if len(np.unique(parents_of)) != len(pairs) or len(pairs) != len(A.levels):
            continue  # some level of a sits under two levels of b, or under none
        parent = np.empty(len(A.levels), dtype=np.int64)
        parent[parents_of] = pairs % B.size
        out.append((a, b, parent))
    return out


# --- groups and cubes --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """Columns audited together: one measure (long layout), or the categories beside a total column."""

    columns: list[ColumnInfo]
    margin: ColumnInfo | None
    count: bool
    decimals: int = 0  # the most decimals any of its cells prints

    @property
    def all_columns(self) -> list[ColumnInfo]:
        return self.columns + ([self.margin] if self.margin is not None else [])


def _groups(measures: Sequence[ColumnInfo], summed: ColumnInfo | None = None) -> list[_Group]:
    """A total column (``I alt``, or ``summed``: one shown to be the sum of the others) beside other
    measures of its kind makes them one more dimension (wide layout); every other additive measure is its
    own group."""
    margins = [c for c in measures if is_margin_label(c.name)] if summed is None else [summed]
    groups: list[_Group] = []
    used: set[str] = set()
    if len(margins) == 1:
        m = margins[0]
        # a category column read as a label (is_count unset) joins on the sums' evidence (see above)
        siblings = [c for c in measures if c is not m and (c.is_count == m.is_count or c.role is Role.DIMENSION)]
        count = m.is_count
        others = [c for c in measures if c is not m]
        if not siblings and others and all(not c.is_count for c in others):
            # a "Total" read as a count beside columns of amounts (the table's unit, "DKK million", made them
            # magnitudes; the total's name alone made it a count): it is their total, of the same amounts
            siblings, count = others, False
        if siblings:
            groups.append(_Group(siblings, m, count))
            used |= {c.name for c in siblings} | {m.name}
    for c in measures:
        if c.name not in used:
            groups.append(_Group([c], None, c.is_count))
    return groups


# cell states in a cube
_PUBLISHED, _HIDDEN, _ABSENT, _ZERO = 0, 1, 2, 3


@dataclass(slots=True)
class _Cube:
    values: np.ndarray  # float64, NaN where not published
    state: np.ndarray  # int8: _PUBLISHED, _HIDDEN (marker or blank in the file), _ABSENT, _ZERO
    row: np.ndarray  # int64: 1-based data row (0: not in the file)
    column: np.ndarray  # int64: index into the group's columns (margin column last)
    axes: list[_Axis]
    pseudo_rows: bool  # the row dimension is the data rows themselves (no row margins)


def _build_cube(rows: _Rows, group: _Group, axes: list[_Axis] | None,
                zeros: Sequence[tuple[int, int, np.ndarray]]) -> _Cube | None:
    """Place every data row's cells of ``group`` in the cube; None when two rows claim one cell."""
    cols = group.all_columns
    wide = group.margin is not None
    pseudo = axes is None
    if axes is None:
        # rows that no label set identifies: each row its own line of the column dimension
        n = len(rows.index)
        axes = [_Axis(["row"], [str(i) for i in rows.index.tolist()], np.arange(n, dtype=np.int64),
                      [str(i) for i in rows.index.tolist()], explicit=False)]
    shape = tuple(a.size for a in axes) + ((len(group.columns) + 1,) if wide else ())
    if math.prod(shape) > MAX_CUBE_CELLS:
        if wide or any(a.explicit for a in axes):
            raise _TooLarge(f"its cube would have {math.prod(shape):,} cells")
        return None  # only blank labels for margins: more likely missing values than totals
    values = np.full(shape, np.nan)
    state = np.full(shape, _ABSENT, dtype=np.int8)
    row = np.zeros(shape, dtype=np.int64)
    column = np.full(shape, -1, dtype=np.int64)
    base = tuple(a.codes for a in axes)
    for j, c in enumerate(cols):
        vals = rows.values[c.name]
        idx = base + ((np.full(len(vals), j if j < len(group.columns) else len(group.columns)),) if wide else ())
        flat = np.ravel_multi_index(idx, shape)
        if len(np.unique(flat)) != len(flat) or (state.reshape(-1)[flat] != _ABSENT).any():
            return None
        published = ~np.isnan(vals)
        state.reshape(-1)[flat] = np.where(published, _PUBLISHED, _HIDDEN)
        values.reshape(-1)[flat] = vals
        row.reshape(-1)[flat] = rows.index
        column.reshape(-1)[flat] = j
    # cells off a hierarchy do not occur: zeros
    for a, b, parent in zeros:
        if pseudo:
            break
        grid_a = np.arange(axes[a].size)[:, None]
        grid_b = np.arange(axes[b].size)[None, :]
        inner = (grid_a < len(axes[a].levels)) & (grid_b < len(axes[b].levels))
        parents = np.where(grid_a < len(axes[a].levels), parent[np.minimum(grid_a, len(parent) - 1)], -1)
        off = inner & (grid_b != parents)
        shape_ab = [1] * len(shape)
        shape_ab[a], shape_ab[b] = axes[a].size, axes[b].size
        off_full = np.broadcast_to(off.reshape(shape_ab) if a < b else off.T.reshape(shape_ab), shape)
        fill = off_full & (state == _ABSENT)
        state[fill] = _ZERO
        values[fill] = 0.0
    return _Cube(values, state, row, column, axes, pseudo)


class _TooLarge(Exception):
    """The table is too large to audit in bounded time (value-free reason)."""


def _audit_group(rows: _Rows, layout: _Layout, group: _Group, out: PublishedAudit, *, threshold: int,
                 zeros_disclosive: bool, p_percent: float) -> None:
    try:
        cube = _cube_for(rows, layout, group)
        if cube is None:
            out.skipped.append("no margin, or the labels do not identify the cells")
            return
        _audit_cube(cube, group, out, threshold=threshold, zeros_disclosive=zeros_disclosive, p_percent=p_percent)
    except _TooLarge as exc:
        # value-free: counts and limits only (the reason goes into a finding's message); once per table
        if str(exc) not in out.not_audited:
            out.not_audited.append(str(exc))
    except (RuntimeError, ValueError) as exc:
        # an LP the solver could not finish: fail closed, never a silent pass (no values in the reason)
        log.warning("published: audit of %d columns failed (%s)", len(group.all_columns), type(exc).__name__)
        reason = "the LP audit could not be completed"
        if reason not in out.not_audited:
            out.not_audited.append(reason)


def _cube_for(rows: _Rows, layout: _Layout, group: _Group) -> _Cube | None:
    """The group's cube, or None when it has no margin (nothing to audit) or its labels do not place
    every cell once."""
    axes = layout.axes
    if axes and (group.margin is not None or any(a.has_margin for a in axes)):
        cube = _build_cube(rows, group, axes, layout.zeros)
        if cube is not None:
            return cube
    if group.margin is not None:
        return _build_cube(rows, group, None, ())
    return None


def _has_margin(cube: _Cube, axis: int) -> bool:
    """Whether the file shows any cell at ``axis``'s margin position."""
    last = cube.state.shape[axis] - 1
    return bool((np.take(cube.state, last, axis=axis) != _ABSENT).any())


def _additive_axes(cube: _Cube, group: _Group, out: PublishedAudit) -> list[int]:
    """The axes whose margin is present and adds up wherever a line is fully published.

    A margin marked only by blank labels may be missing values: it needs a fully published line that adds
    up as evidence. A margin label (or a total column) is taken at its word unless a line contradicts it.
    """
    keep = []
    for axis in range(cube.values.ndim):
        if not _has_margin(cube, axis):
            continue
        explicit = axis >= len(cube.axes) or cube.axes[axis].explicit
        v = np.moveaxis(cube.values, axis, -1)
        st = np.moveaxis(cube.state, axis, -1)
        known = (st == _PUBLISHED) | (st == _ZERO)
        full = known.all(axis=-1)
        if not full.any():
            if explicit:
                keep.append(axis)
            else:
                out.skipped.append(f"axis {axis}: blank labels with no fully published line to show they are totals")
            continue
        body = v[..., :-1][full]
        margin = v[..., -1][full]
        sums = body.sum(axis=-1)
        tol = _tolerance(group, body.shape[-1]) + 1e-9 * np.maximum(np.abs(body).sum(axis=-1), 1.0)
        if np.all(np.abs(sums - margin) <= tol):
            keep.append(axis)
        else:
            out.skipped.append(f"axis {axis}: the margin is not the sum of its cells")
    return keep


def _tolerance(group: _Group, n_body: int) -> float:
    """How far a fully published line may miss its margin: counts are exact; a magnitude printed with d
    decimals may be off by half a unit of the last decimal in each cell and in the margin."""
    if group.count:
        return 0.0
    return 0.5 * 10.0 ** (-group.decimals) * (n_body + 1)


def _rounding_base(cube: _Cube) -> int | None:
    """5 or 10 when every non-zero published count is a multiple of it (at least six of them): a rounded table."""
    vals = cube.values[cube.state == _PUBLISHED]
    vals = vals[vals != 0]
    if len(vals) < 6 or not np.all(vals == np.round(vals)):
        return None
    for base in (10, 5):
        if np.all(np.mod(vals, base) == 0):
            return base
    return None


def _audit_cube(cube: _Cube, group: _Group, out: PublishedAudit, *, threshold: int, zeros_disclosive: bool,
                p_percent: float) -> None:
    from scanner.suppression import audit, certify_cubes, complete

    st = cube.state
    targets = (st == _HIDDEN) | ((st == _ABSENT) & ~_margin_positions(st.shape))
    if not (st == _HIDDEN).any():
        return
    axes = _additive_axes(cube, group, out)
    if not axes:
        return
    base = _rounding_base(cube) if group.count else None
    if base is not None:
        out.skipped.append("the counts are rounded: the totals pin no small hidden cell")
    unknown = (st == _HIDDEN) | (st == _ABSENT)
    for axis in range(st.ndim):
        if axis not in axes:
            # a margin that is absent or no sum is no equation: its cells are unknowns (never reported)
            margin_slot = np.zeros(st.shape, dtype=bool)
            np.moveaxis(margin_slot, axis, 0)[-1] = True
            unknown |= margin_slot
            targets &= ~margin_slot
    targets &= ~_sum_of_published(st, axes)
    known_values = np.where(unknown, 0.0, np.nan_to_num(cube.values, nan=0.0))
    published = known_values[~unknown]
    nonnegative = group.count or bool(np.all(published >= 0))
    if int(unknown.sum()) > MAX_UNKNOWN_CELLS:
        raise _TooLarge(f"{int(unknown.sum()):,} unknown cells, more than {MAX_UNKNOWN_CELLS:,}")
    full = complete(known_values, unknown, nonnegative=nonnegative)
    if full is None and not group.count and _tolerance(group, 1) > 0:
        # amounts rounded to their printed decimals add up only within the rounding, so no exact completion
        # exists: the lines with one hidden cell are read with that tolerance instead
        _rounded_lines(cube, group, axes, unknown, targets, out, p_percent=p_percent)
        return
    if full is None:
        out.skipped.append("the published numbers admit no additive table")
        return
    targets &= unknown
    out.audited += int(targets.sum())
    exact = _eliminate(unknown)
    lo = np.where(exact, full, np.nan)
    hi = lo.copy()
    rest = targets & ~exact
    if group.count and rest.any():
        rest &= ~certify_cubes(full, unknown, rest, np.full(st.shape, float(threshold)), nonnegative=nonnegative)
    if rest.any():
        if int(rest.sum()) > MAX_LP_CELLS:
            raise _TooLarge(f"{int(rest.sum()):,} suppressed cells need the LP audit, more than {MAX_LP_CELLS}")
        result = audit(full, unknown, nonnegative=nonnegative, targets=rest, strict=False)
        lo = np.where(rest, result.lo, lo)
        hi = np.where(rest, result.hi, hi)
    for flat in np.flatnonzero((targets & ~np.isnan(lo)).reshape(-1)):
        cell = np.unravel_index(flat, st.shape)
        if base is not None:
            exposure = _rounded_exposure(float(lo[cell]), float(hi[cell]), base * max(st.shape) / 2,
                                         threshold=threshold, p_percent=p_percent)
        else:
            exposure = _exposure(float(lo[cell]), float(hi[cell]), group.count, absent=st[cell] == _ABSENT,
                                 threshold=threshold, zeros_disclosive=zeros_disclosive, p_percent=p_percent)
        if exposure is not None:
            out.exposed.append(_hidden_cell(cube, group, cell, exposure))


def _rounded_lines(cube: _Cube, group: _Group, axes: list[int], unknown: np.ndarray, targets: np.ndarray,
                   out: PublishedAudit, *, p_percent: float) -> None:
    """The audit of a table of rounded amounts whose totals add up only within the rounding (``588,8`` less
    ``412,7``, ``96,2`` and ``61,5``): a hidden cell alone on an additive line is its margin less the line's
    other cells (or the sum of its cells, for a hidden margin), to within the line's rounding; exposed when
    that interval is narrower than p % of its value. Cells hidden two or more to every line they are on need
    the exact equations, which rounding breaks: the table is then not audited (review), never passed."""
    pinned = np.zeros(unknown.shape, dtype=bool)
    best: dict[tuple[int, ...], tuple[float, float]] = {}  # the narrowest interval a line gives each cell
    nonnegative = bool(np.all(cube.values[~unknown & ~np.isnan(cube.values)] >= 0))
    evidence = False
    for axis in axes:
        v = np.moveaxis(cube.values, axis, -1)
        u = np.moveaxis(unknown, axis, -1)
        t = np.moveaxis(targets, axis, -1)
        if not (~u.any(axis=-1)).any():
            continue  # no fully published line shows the margin is a sum (a total row of means is none)
        evidence = True
        n_body = v.shape[-1] - 1
        tol = _tolerance(group, n_body)
        for index in np.ndindex(*v.shape[:-1]):
            line_u = u[index]
            if int(line_u.sum()) != 1:
                continue
            j = int(np.flatnonzero(line_u)[0])
            if not t[index][j]:
                continue
            line = np.nan_to_num(v[index], nan=0.0)
            body = float(line[:-1].sum() - (line[j] if j < n_body else 0.0))
            mid = float(line[-1]) - body if j < n_body else body
            if nonnegative and mid + tol < 0:
                return  # a negative remainder among amounts that are all positive: the margin is no sum
            cell = list(index)
            cell.insert(axis, j)
            at = tuple(cell)
            pinned[at] = True
            if at not in best or tol < best[at][1]:
                best[at] = (mid, tol)
    out.audited += len(best)
    for at, (mid, tol) in best.items():
        exposure = _exposure(mid - tol, mid + tol, False, absent=cube.state[at] == _ABSENT, threshold=0,
                             zeros_disclosive=False, p_percent=p_percent)
        if exposure is not None:
            out.exposed.append(_hidden_cell(cube, group, at, exposure))
    if evidence and (targets & (cube.state == _HIDDEN) & ~pinned).any():
        reason = "its totals add up only within the rounding of its amounts, and some lines hide two cells or more"
        if reason not in out.not_audited:
            out.not_audited.append(reason)


def _sum_of_published(state: np.ndarray, axes: Sequence[int]) -> np.ndarray:
    """Margin cells left blank whose every part on some additive line is published: recomputing one tells
    nothing the table does not already print (a ``Total`` row that gives only the number of units and leaves
    the amounts blank)."""
    out = np.zeros(state.shape, dtype=bool)
    for axis in axes:
        st = np.moveaxis(state, axis, -1)
        body = st[..., :-1]
        np.moveaxis(out, axis, -1)[..., -1] |= ((body == _PUBLISHED) | (body == _ZERO)).all(axis=-1)
    return out


def _margin_positions(shape: tuple[int, ...]) -> np.ndarray:
    grids = np.indices(shape)
    return np.any([grids[a] == shape[a] - 1 for a in range(len(shape))], axis=0)


def _eliminate(unknown: np.ndarray) -> np.ndarray:
    """Unknown cells that lines with a single unknown give away, repeated as cells become known.

    Every line here is an equation: a missing or non-additive margin is itself an unknown of its lines.
    """
    left = unknown.copy()
    found = np.zeros(unknown.shape, dtype=bool)
    while True:
        changed = False
        for axis in range(left.ndim):
            lone = left.sum(axis=axis, keepdims=True) == 1
            hit = left & lone
            if hit.any():
                found |= hit
                left &= ~hit
                changed = True
        if not changed:
            return found


def _exposure(lo: float, hi: float, count: bool, *, absent: bool, threshold: int, zeros_disclosive: bool,
              p_percent: float) -> Exposure | None:
    """Whether an interval ``[lo, hi]`` gives its cell away (module docstring), and how."""
    if math.isnan(hi - lo):
        return None
    if count and math.isfinite(lo) and math.isfinite(hi):
        # counts are whole numbers: the interval holds ceil(lo)..floor(hi) (the LP relaxation is wider)
        lo, hi = float(math.ceil(lo - 1e-6)), float(math.floor(hi + 1e-6))
        hi = max(hi, lo)
    width = hi - lo
    scale = max(1.0, abs(lo), abs(hi))
    exact = width <= 1e-9 * scale
    if exact and abs(lo) <= 1e-9 * scale and (absent or not zeros_disclosive or not count):
        return None  # an empty cell, which the profile allows (or a combination that does not occur)
    if count:
        if width >= threshold * (1 - 1e-7):
            return None
        if lo >= threshold * (1 - 1e-9):
            return Exposure.NOT_SMALL
        return Exposure.EXACT if exact else Exposure.NARROW
    if lo <= 0 <= hi:
        return None  # the interval reaches zero: no relative estimate
    if width >= p_percent * min(abs(lo), abs(hi)) * (1 - 1e-7):
        return None
    return Exposure.EXACT if exact else Exposure.NARROW


def _rounded_exposure(lo: float, hi: float, slack: float, *, threshold: int, p_percent: float) -> Exposure | None:
    """Whether a hidden cell of a rounded table of whole numbers is given away: each published cell may be
    off by half the rounding base, so the interval widens by ``slack`` (half the base times the longest
    line's cells) and no small count is ever pinned. A cell still pinned within the p % a magnitude's
    protection asks is NOT_SMALL (review): rounded to 10, "vedtakstimer" of 1-2 recipients recovered from
    their county's total as 2,610 +- 50 are hours, not persons, for all the header says."""
    lo, hi = lo - slack, hi + slack
    if lo < threshold or hi - lo >= p_percent * lo:
        return None
    return Exposure.NOT_SMALL


def _hidden_cell(cube: _Cube, group: _Group, cell: tuple[np.intp, ...], exposure: Exposure) -> HiddenCell:
    cols = group.all_columns
    wide = group.margin is not None
    row = int(cube.row[cell])
    n_row_axes = len(cube.axes)
    if wide:
        j = int(cell[-1])
        column = cols[j].name if j < len(group.columns) else cols[-1].name
    else:
        column = cols[0].name
    labels: list[tuple[str, str]] = []
    if not cube.pseudo_rows:
        for axis in range(n_row_axes):
            ax = cube.axes[axis]
            i = int(cell[axis])
            if i < len(ax.levels):
                text = ax.levels[i]
            else:
                shown = [s for s, code in zip(ax.shown, ax.codes.tolist(), strict=True) if code == i and s]
                text = shown[0] if shown else "Total"
            labels.append((" / ".join(ax.names), text))
    return HiddenCell(row=row or None, column=column, labels=tuple(labels), exposure=exposure, count=group.count,
                      absent=bool(cube.state[cell] == _ABSENT))
