"""Tables pasted into text: markdown pipe tables and columns aligned with spaces, as tabular sources.

A researcher's note (``notat.txt``, ``README.md``, a knitr/Quarto ``.md``) often carries a small table:
kable's pipe tables, ``to_markdown()`` output, a table copied from a listing with its columns aligned by
spaces. Such a table is as disclosive as the same table in a CSV file, so it gets the same table analysis
and TAB/MIC/EXT rules; findings point at the line in the text file.

No library finds tables inside free text (markdown parsers need the whole document and do not handle
space-aligned columns), so the blocks are found here with two line-shape tests:

* pipe tables: at least two consecutive lines that start and end with ``|`` and split into the same number
  of cells; a ``|---|:--:|`` separator line is dropped;
* fixed-width tables: a paragraph of at least three lines whose blank character positions line up into
  gutters, with a column of numbers in every data line (R and pandas print data frames this way);
* aligned columns: at least three consecutive lines that split on runs of two or more spaces (or tabs,
  or a bar) into the same number (>= 2) of fields, at least one of the lines below the first holding a
  number. Prose rarely has runs of two spaces on three lines in a row.

The first line of a block is its header when none of its fields is a bare number.
"""

from __future__ import annotations

import csv as _csv
import dataclasses
import functools
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import TabularMeta
from scanner.names import OF_WHICH_WORDS, is_margin_label, statistic_kind

if TYPE_CHECKING:  # pyarrow is imported when a table is found: a text file without one does not load it
    import pyarrow as pa

__all__ = [
    "COUNT_PERCENT",
    "LINKED_TOTAL",
    "STACKED_SUM",
    "Differenced",
    "SizedShares",
    "StackedTables",
    "TextTable",
    "TextTableSource",
    "band_differences",
    "band_rows_differences",
    "caption_of",
    "count_percent_table",
    "count_rows",
    "excluded_differences",
    "figure_margins",
    "filled_from_shares",
    "filled_from_twin",
    "find_tables",
    "linked_margins",
    "linked_tables",
    "names_all",
    "one_sex",
    "prose_margins",
    "range_rows_table",
    "shown_where_small",
    "sized_shares",
    "stacked_tables",
    "summary_row",
    "sums_and_means",
    "without_indicators",
]

_PIPE_LINE = lazy_compile(r"^\s*\|.*\|\s*$")
_HAS_DIGIT = lazy_compile(r"\d")
_GENERATED = lazy_compile(r"column_\d+$")
#: Title lines (without a digit) dropped from the top of a paragraph to find the table under them.
_MAX_TITLE_LINES = 4
# A console prompt echoing the command above printed output: R (">", "+" continuing), Python (">>>", "..."),
# IPython ("In [3]:").
_PROMPT = lazy_compile(r"^(?:>|\+|>>>|\.\.\.|In \[\d*\]:)\s")
_RULE_LINE = lazy_compile(r"^\s*[-=+_]{3,}[-=+_|\s]*$")
_PIPE_RULE = lazy_compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?\s*)?\|?\s*$")
# Runs of two or more spaces, tabs, or a bar between cells (Stata's "label |  freq  percent").
_ALIGNED_SPLIT = lazy_compile(r"\t+|\s{2,}|\s*\|\s*")
_NUMBERISH = lazy_compile(r"^[-+\u2212]?[\d.,\u00a0 ]*\d[\d.,\u00a0 ]*%?$|^[(\[]?\d")
# Lines around printed data frames that are not rows: "# A tibble: 5 x 4", "<chr> <dbl>", "[5 rows x 3 columns]",
# "# ... with 10 more rows".
_DECORATION = lazy_compile(r"^\s*(#.*|(<[\w/]+>\s*)+|\[\d+ rows? x \d+ columns?\]|\.\.\..*)$")
_BARE_NUMBER = lazy_compile(r"^[-+\u2212]?\d[\d.,\u00a0 ]*%?$")
# A table of more rows than this in a text note is a listing, not a pasted table; it is still analysed,
# but lines beyond it start a new block (bounded memory per block).
MAX_BLOCK_LINES = 100_000


@dataclass(frozen=True, slots=True)
class TextTable:
    """A table found in text: column names, rows of cell text, and the line of its first data row."""

    names: list[str]
    rows: list[list[str]]
    data_line: int
    kind: str  # "pipe", "fixed-width", "aligned" or "latex"
    lines: tuple[int, ...] = ()
    """The line of each row, when rows are not consecutive lines (empty: row ``k`` is at ``data_line + k``)."""
    dimensions: tuple[str, ...] = ()
    """Columns the command that printed the table grouped by (R's ``count(x)``): dimensions, whatever their
    values look like."""
    counts: tuple[str, ...] = ()
    """Columns the reader knows hold counts of units, whatever their names say (a confusion matrix's classes)."""
    decimal: str = ""
    """The decimal mark the program that printed the table writes ("." for Stata, R and Python unless told
    otherwise), or "" when the table itself must tell: "212.463" in a Stata listing is no thousands group."""


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [_EMPHASIS.sub(r"\2", c.strip()) for c in inner.split("|")]


# Markdown emphasis around a whole cell ("**788**", "__Totalt__", "*12*"): the cell is its text.
_EMPHASIS = lazy_compile(r"^(\*\*|__|\*|_)(?=\S)(.*?\S)\1$")


@functools.lru_cache(maxsize=1 << 16)  # (linking tables reads the same cells many times)
def _norm_label(text: str) -> str:
    return " ".join(text.casefold().split())


# What two tables' row labels may differ by and still name one area: a leading code ("1081 Nordjylland",
# "46 Vestland"), the kind of area before or after the name ("Region Nordjylland", "Stockholms län",
# "Nordland fylke", "Kainuun maakunta").
_AREA_CODE = lazy_compile(r"^\d{1,6}\s+(?=\D)")
_AREA_WORD = lazy_compile(r"^(?:region|landsdel|kommune|kommun|fylke|maakunta|kunta|landskap)\s+(?=\S)|"
                          r"(?<=\S)\s+(?:län|lan|fylke|kommune|kommun|region|maakunta|landskap)$")


# The sexes as the Nordic languages and English name them: one label whatever the file's language.
_SYNONYMS = {
    "mændene": "men", "männen": "men", "mennene": "men", "kvinderne": "women", "kvinnorna": "women",
    "kvinnene": "women", "miehiä": "men", "naisia": "women",
    "men": "men", "mænd": "men", "maend": "men", "män": "men", "menn": "men", "miehet": "men", "males": "men",
    "male": "men", "mand": "men", "man": "men", "mann": "men", "mies": "men", "drenge": "boys", "pojkar": "boys",
    "gutter": "boys", "pojat": "boys", "boys": "boys",
    "women": "women", "kvinder": "women", "kvinnor": "women", "kvinner": "women", "naiset": "women",
    "females": "women", "female": "women", "kvinde": "women", "kvinna": "women", "kvinne": "women",
    "nainen": "women", "piger": "girls", "flickor": "girls", "jenter": "girls", "tytöt": "girls", "girls": "girls",
    "kvindelig": "women", "kvindelige": "women", "kvinnlig": "women", "kvinnliga": "women", "kvinnelig": "women",
    "kvinnelige": "women", "mandlig": "men", "mandlige": "men", "manlig": "men", "manliga": "men", "mannlig": "men",
    "mannlige": "men",
}


@functools.lru_cache(maxsize=1 << 16)  # (linking tables reads the same cells many times)
def _link_label(text: str) -> str:
    """A row label as tables of one delivery are matched on (see :data:`_AREA_WORD`; the sexes by
    :data:`_SYNONYMS`)."""
    label = _AREA_CODE.sub("", _norm_label(text))
    label = _AREA_WORD.sub("", label) or label
    return _SYNONYMS.get(label, label)


#: The name of the total column (and label of the total row) a linked table's margin is added under.
LINKED_TOTAL = "I alt (linked table)"

#: Tables of at most this many rows are compared with the file's other tables for linked margins (a workbook's
#: sheets, a document's tables): published tables are small.
LINKED_MAX_ROWS = 2_000


def linked_tables(tables: Sequence[TextTable], titles: Sequence[str] | None = None) -> list[tuple[int, int, TextTable]]:
    """Tables with a suppressed cell that another table of ``tables`` (one file's, or one delivery's) helps
    recompute, each as a reader who puts the two side by side sees it: ``(k, source, table)``, ``k`` the
    index of the table with the suppressed cell, ``source`` the index of the table that helps.

    Three ways (:func:`linked_margins`, :func:`filled_from_twin`, :func:`named_totals`): the other table
    publishes the missing row or column total; or it is the same table again with other cells suppressed, and
    its numbers fill the cells this one hides; or (with the tables' ``titles``: sheet names, captions, file
    names) the table is of one area's parts and the other publishes that area's row. The recoverable-
    suppression rule then audits the table returned."""
    return linked_margins(tables, titles) + filled_from_twin(tables) + (named_totals(tables, titles) if titles else [])


def named_totals(tables: Sequence[TextTable], titles: Sequence[str]) -> list[tuple[int, int, TextTable]]:
    """A table of one area's parts with a hidden cell and no total row (the municipalities of the sheet
    "Kommuner Sjælland", "Stevns | x"), beside a table whose row of that area, named in the first table's
    title, publishes the total ("Region Sjælland | 166"): the table with that row added as its total, in the
    columns both name alike (166 less the published 164 is 2)."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.names import is_margin_label

    labels: list[_AreaLabels | None] | None = None  # (computed at the first table that needs them)
    out: list[tuple[int, int, TextTable]] = []
    for k, t in enumerate(tables):
        if k >= len(titles) or not titles[k].strip() or len(t.rows) < 2 \
                or any(r and is_margin_label(r[0]) for r in t.rows) \
                or not any(SUPPRESSION_MARKER.fullmatch(c.strip()) for r in t.rows for c in r[1:]):
            continue
        labels = _area_labels(tables) if labels is None else labels
        for src, u, at, area in _area_rows(tables, titles, k, labels):
            by_name = {_link_label(n): j for j, n in enumerate(u.names) if j > at}
            values = [area[j] if (j := by_name.get(_link_label(n))) is not None and j < len(area) else ""
                      for n in t.names[1:]]
            if not any(values) or not all(_BARE_NUMBER.match(v) for v in values if v):
                continue
            lines = (*t.lines, t.lines[-1]) if t.lines else ()
            out.append((k, src, TextTable(list(t.names), [*t.rows, [LINKED_TOTAL, *values]], t.data_line, t.kind,
                                          lines)))
            break
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class _AreaLabels:
    """A table's label column (its first of text, after a pandas index: "0", "1", ...) and its rows' labels
    that could name an area (no margin, at least three characters), with their words; computed once per table
    for :func:`_area_rows`, which compares every table with every other."""

    at: int
    rows: tuple[tuple[list[str], str, frozenset[str]], ...]  # (row, label, the label's words)
    # one word of each row's label (its least): a title names a row only when it holds that word
    firsts: frozenset[str]


def _area_labels(tables: Sequence[TextTable]) -> list[_AreaLabels | None]:
    """:class:`_AreaLabels` of each table (None: no label column, a row of statistics, R's summary())."""
    from scanner.names import is_margin_label

    out: list[_AreaLabels | None] = []
    for u in tables:
        at = next((c for c in range(len(u.names)) if any(
            r[c].strip() and not _BARE_NUMBER.match(r[c].strip()) for r in u.rows if c < len(r))), None)
        if at is None:
            out.append(None)
            continue
        rows = tuple((r, label, frozenset(letters)) for r in u.rows
                     if len(r) > at and r[at].strip() and not is_margin_label(r[at])
                     and len(label := _link_label(r[at])) >= 3
                     and (letters := re.findall(r"[^\W\d_]+", label)))
        out.append(_AreaLabels(at, rows, frozenset(min(letters) for _, _, letters in rows)))
    return out


def _area_rows(tables: Sequence[TextTable], titles: Sequence[str], k: int, labels: Sequence[_AreaLabels | None]
               ) -> Iterator[tuple[int, TextTable, int, list[str]]]:
    """The other tables' one row each that names the area table ``k``'s title names ("Region Nordjylland" under
    "... kommuner i Region Nordjylland"): ``(index, table, label column, row)``. ``labels``: :func:`_area_labels`
    of ``tables``."""
    t = tables[k]
    words = set(re.findall(r"[^\W\d_]+", titles[k].lower()))
    own = {_link_label(r[0]) for r in t.rows if r and r[0]}
    for src, u in enumerate(tables):
        if src == k or (found := labels[src]) is None or found.firsts.isdisjoint(words):
            continue
        named = [r for r, label, letters in found.rows if label not in own and letters <= words]
        if len(named) == 1:
            yield src, u, found.at, named[0]


def _loose_name(name: str) -> str:
    """A column's name as two files may write it apart: "Antal nye tilfælde" and "Antal_nye_tilfaelde"."""
    text = _link_label(name).replace("_", " ").replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return " ".join(text.replace("ä", "a").replace("ö", "o").split())


def omitted_from_total(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """A table of one area's parts with no total row and no hidden cell (the municipalities of "... kommuner
    i Region Nordjylland", some not shown) beside a table whose row of that area, named in the first table's
    title, publishes the total ("Region Nordjylland | 52"): the total less the rows shown is what the rows
    left out hold, a count of its own (52 - 51 is 1). ``table`` holds that count in the columns both name alike,
    as one row."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.names import is_margin_label

    labels: list[_AreaLabels | None] | None = None  # (computed at the first table that needs them)
    out: list[Differenced] = []
    for k, t in enumerate(tables):
        if k >= len(titles) or not titles[k].strip() or len(t.rows) < 2 \
                or any(r and is_margin_label(r[0]) for r in t.rows) \
                or any(SUPPRESSION_MARKER.fullmatch(c.strip()) for r in t.rows for c in r[1:]):
            continue
        labels = _area_labels(tables) if labels is None else labels
        for src, u, at, area in _area_rows(tables, titles, k, labels):
            by_name = {_loose_name(n): j for j, n in enumerate(u.names) if j > at}
            whole = [j for j in range(at + 1, len(u.names)) if all(
                (x := _number_text(r[j]) if j < len(r) else None) is not None and x.isdigit() for r in u.rows)]
            if len(t.names) == 2 and len(whole) == 1:
                by_name.setdefault(_loose_name(t.names[1]), whole[0])  # one count each, named apart
            row, names = ["(rows not shown)"], [t.names[0]]
            for c, n in enumerate(t.names[1:], start=1):
                j = by_name.get(_loose_name(n))
                parts = [_number_text(r[c]) if c < len(r) else None for r in t.rows]
                total = _number_text(area[j]) if j is not None and j < len(area) else None
                if total is None or not total.isdigit() or any(p is None or not p.isdigit() for p in parts):
                    continue
                gap = int(total) - sum(int(p) for p in parts if p is not None)
                if gap >= 0:
                    names.append(n)
                    row.append(str(gap))
            if len(names) > 1:
                out.append(Differenced(k, src, TextTable(names, [row], t.data_line, t.kind), (titles[src],)))
                break
    return out


# Counts written in a sentence: "350 hos mænd og 151 hos kvinder", "151 women", "kvinder (n = 151)",
# "män: 350". A number (not a share, a year or a decimal) and the word it counts, or a word and its count.
_PROSE_COUNT = lazy_compile(
    r"(?<![\d.,%])(\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,7})(?![\d%]|[.,]\d)\s+"
    r"(?:(?:hos|blandt|blant|bland|among|af|av|of|were|was|var|var det|är|er|ble|oli|in|i)\s+)?"
    r"(?:de\s+|the\s+)?([^\W\d_]{2,})"
    r"|([^\W\d_]{2,})\s*(?:\(\s*)?(?:n\s*=\s*|:\s*|=\s*)(\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,7})(?![\d%]|[.,]\d)")
# A sentence that gives the size of a whole population: "består af 412 deltagere, som alle indgår", "all 412
# participants", "i alt 204", "the cohort comprises", "samtliga".
_WHOLE_POPULATION = lazy_compile(r"(?i)\b(?:alle|all|samtliga|samtlige|kaikki|i alt|ialt|totalt|in total|yhteensä|"
                                 r"i alt|studiepopulation\w*|population|kohorte\w*|kohort\w*|cohort|"
                                 r"består af|består av|consists of|comprises|omfatter|omfattar)\b")
_PROSE_SENTENCE = lazy_compile(r"(?<=[.!?;])\s+|\n+")


def prose_margins(texts: Iterable[str]) -> list[TextTable]:
    """Counts a report's sentences publish, as small tables of a label and a count, one per sentence with
    two counts or more: "Blandt de 501 amputationer var 350 hos mænd og 151 hos kvinder" gives ``mænd 350,
    kvinder 151``, the totals by sex of a table by age and sex whose "<3" they then pin. Read as sources
    of margins only: a wrong reading (a count of other units) does not add up, and the audit drops it."""
    out: list[TextTable] = []
    for text in texts:
        for sentence in _PROSE_SENTENCE.split(text):
            pairs: dict[str, str] = {}
            for m in _PROSE_COUNT.finditer(sentence.replace("*", "")):
                number, word = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
                label = _link_label(word)
                if label not in pairs and not (1900 <= int(number.replace(" ", "").replace("\u00a0", "")) <= 2100):
                    pairs[label] = number.replace("\u00a0", " ")
            if len(pairs) >= 2:
                out.append(TextTable(["", "antal"], [[k, v] for k, v in pairs.items()], 1, "prose"))
            if _WHOLE_POPULATION.search(sentence):
                # "The study population is 412 participants, all of them in the tables": grand totals to try
                out.extend(TextTable(["", "antal"], [["I alt", v]], 1, "prose") for v in list(pairs.values())[:3])
    return out


_BAR_VALUE = lazy_compile(r"^\d{1,3}(?:[ \u00a0]\d{3})+$|^\d{1,9}$")


def figure_margins(labels: Sequence[str]) -> list[TextTable]:
    """The values a bar chart prints on its bars, paired with its categories, as a table of a label and a
    count: a chart's texts in the order it writes them ("Lappi", "Pohjois-Pohjanmaa", "Kainuu", then the
    axis ticks "0", "50", "100", ..., the axis title, then the bar labels "149", "401", "47"). The first run of
    two or more names are the categories; a later run of as many whole numbers that is no axis (ticks step
    evenly) are their values. Read as a source of margins only: values of other units do not add up."""
    out: list[TextTable] = []
    k = 0
    while k < len(labels):
        names: list[str] = []
        while k < len(labels) and labels[k].strip() and not any(ch.isdigit() for ch in labels[k]) \
                and len(labels[k].strip()) <= 40:
            names.append(labels[k].strip())
            k += 1
        if len(names) < 2:
            k += 1
            continue
        j = k
        while j < len(labels):
            run: list[str] = []
            while j < len(labels) and _BAR_VALUE.match(labels[j].strip()):
                run.append(labels[j].strip())
                j += 1
            values = [int(v.replace(" ", "").replace("\u00a0", "")) for v in run]
            steps = {b - a for a, b in itertools.pairwise(values)}
            if len(run) == len(names) and not (len(steps) == 1 and len(values) > 2):
                out.append(TextTable(["", "antal"], [[n, v] for n, v in zip(names, run, strict=True)], 1, "figure"))
                break
            j += 1 if not run else 0
    return out


def linked_margins(tables: Sequence[TextTable], titles: Sequence[str] | None = None
                   ) -> list[tuple[int, int, TextTable]]:
    """Tables with a suppressed cell whose missing margin another table publishes: ``Table 1`` counts by sex
    (``Kvinder 201``), ``Table 2`` by sex and region with ``Kvinder ... ..``. Each is returned (with its index
    in ``tables`` and the index of the table the margin comes from) with that margin added (a total column,
    or a total row, from the other table). ``titles`` (file or sheet names with their titles): no grand total
    is taken from a table whose title names another year or group (see :func:`_other_groups`)."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.names import is_margin_label

    margins: list[tuple[int, dict[str, str]]] = []
    for i, t in enumerate(tables):
        if len(t.rows) < 2:
            continue
        # a table of one number a label, or a table's total column ("Institution | I alt | Procent"), or its
        # count column beside shares ("Region | Antal | Andel (pct.)": the count is the region's total)
        totals = [1] if len(t.names) == 2 else [k for k, n in enumerate(t.names)
                                                if k and (is_margin_label(n) or _COUNT_COLUMN.match(n.strip()))]
        for k in totals:
            if _THOUSANDS_NAME.search(t.names[k]) and all(len(r) > k and _EXACT_THOUSANDS.match(r[k].strip())
                                                           for r in t.rows):
                # counts in thousands to the person ("sysselsatte (1 000 personer)": 0,051 is 51 persons)
                margins.append((i, {_link_label(r[0]): str(int(r[k].strip().replace(",", "").replace(".", "")))
                                    for r in t.rows}))
            elif all(len(r) > k and _BARE_NUMBER.match(r[k]) for r in t.rows):
                margins.append((i, {_link_label(r[0]): r[k] for r in t.rows}))
            elif len(t.names) == 2 and sum(bool(_COUNT_AND_SHARE.match(r[1])) for r in t.rows if len(r) > 1) >= 2:
                # a descriptive table's "n (%)" column ("Kvinder | 26 (36,6)"): its counts are totals too; its
                # other rows (a heading, a median (IQR)) give none
                counts = {_link_label(r[0]): (m.group(1) if (m := _COUNT_AND_SHARE.match(r[1])) else r[1])
                          for r in t.rows if len(r) > 1 and (_COUNT_AND_SHARE.match(r[1]) or _WHOLE.match(r[1]))}
                margins.append((i, counts))
        # a row of totals over columns ("Antal patienter | 963 | 628 | 1591" under "Mænd | Kvinder | I alt")
        for r in t.rows:
            if len(t.names) >= 3 and r and (is_margin_label(r[0]) or _COUNT_COLUMN.match(r[0].strip())
                                            or _COUNT_ROW_LABEL.match(r[0].strip())) \
                    and all(len(r) > k and _BARE_NUMBER.match(r[k]) for k in range(1, len(t.names))):
                margins.append((i, {_link_label(n): r[k] for k, n in enumerate(t.names) if k}))
        # a long table of two labels and a count ("koen,region,antal"): each label's total over the other
        if len(t.names) == 3 and all(len(r) >= 3 and r[0] and r[1] and _BARE_NUMBER.match(r[2]) for r in t.rows):
            for by in (0, 1):
                sums: dict[str, float] = {}
                for r in t.rows:
                    number = _number_text(r[2])
                    if number is None:
                        break
                    sums[_link_label(r[by])] = sums.get(_link_label(r[by]), 0.0) + float(number)
                else:
                    if 2 <= len(sums) < len(t.rows):
                        margins.append((i, {key: f"{v:.0f}" for key, v in sums.items() if v == int(v)}))
    # any column of whole numbers beside labels ("municipality | population | employed" printed by a notebook):
    # taken only for a table whose published rows add up to it exactly (see _adds_up)
    checked: list[tuple[int, dict[str, str]]] = []
    for i, t in enumerate(tables):
        if len(t.rows) >= 2 and len(t.names) >= 3 and all(r and _number_text(r[0]) is None for r in t.rows):
            for k in range(1, len(t.names)):
                if all(len(r) > k and _WHOLE.match(r[k].strip()) for r in t.rows):
                    margin = {_link_label(r[0]): r[k] for r in t.rows}
                    if (i, margin) not in margins:
                        checked.append((i, margin))
    out: list[tuple[int, int, TextTable]] = [*_grand_totals(tables, titles), *_summing_rows(tables)]
    for k, t in enumerate(tables):
        if len(t.names) < 3 or not any(SUPPRESSION_MARKER.fullmatch(c.strip()) for r in t.rows for c in r[1:]):
            continue
        # (a note under the table, "x: færre end 3", fills no cell and is no row of it)
        labels = [_link_label(r[0]) for r in t.rows if r and r[0] and not is_margin_label(r[0])
                  and any(c.strip() for c in r[1:])]
        columns = [_link_label(n) for n in t.names[1:]]
        has_total_column = any(is_margin_label(n) for n in t.names[1:])
        has_total_row = any(r and is_margin_label(r[0]) for r in t.rows)
        # (every table that publishes such a margin: a wrong one, of other units, does not add up, and the
        # audit drops it)
        seen: set[tuple[tuple[str, str], ...]] = set()
        for src, m in [*margins, *((src, m) for src, m in checked if not has_total_column and _adds_up(t, m))]:
            if src == k or tuple(sorted(m.items())) in seen:
                continue
            seen.add(tuple(sorted(m.items())))
            if not has_total_column and labels and all(x in m for x in labels):
                rows = [[*r, m.get(_link_label(r[0]), "") if r and r[0] else ""] for r in t.rows]
                out.append((k, src, TextTable([*t.names, LINKED_TOTAL], rows, t.data_line, t.kind,
                                              t.lines)))
            elif not has_total_row and all(x in m for x in columns):
                rows = [*t.rows, [LINKED_TOTAL, *(m[x] for x in columns)]]
                lines = (*t.lines, t.lines[-1]) if t.lines else ()
                out.append((k, src, TextTable(list(t.names), rows, t.data_line, t.kind, lines)))
    return out


# A column of counts in thousands ("1 000 personer", "i tusen", "thousands") and a value to the unit in it.
_THOUSANDS_NAME = lazy_compile(r"(?i)\b1[ .\u00a0]?000\b|\btusen\b|\btusinde\b|\btusental\b|\bthousands?\b|"
                               r"\btuhat\w*|\b1000s\b")
_EXACT_THOUSANDS = lazy_compile(r"^\d{1,6}[.,]\d{3}$")
# A count and its share, as descriptive tables print them: "26 (36,6)", "1 204 (12.5%)".
_COUNT_AND_SHARE = lazy_compile(r"^\s*(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)\s*\(\s*\d{1,3}(?:[.,]\d+)?\s*%?\s*\)\s*$")
def _adds_up(t: TextTable, margin: dict[str, str]) -> bool:
    """Whether ``margin`` (a label's number) is the total of ``t``'s rows: every row of ``t`` that publishes all
    its cells and has a number in ``margin`` sums to it exactly, two rows at least."""
    from scanner.names import is_margin_label

    exact = 0
    for r in t.rows:
        if not r or is_margin_label(r[0]) or (label := _link_label(r[0])) not in margin:
            continue
        cells = [_number_text(c) for c in r[1:len(t.names)] if c.strip()]
        if not cells or any(c is None for c in cells):
            continue
        try:
            total = sum(float(c) for c in cells if c is not None)
            if total != float(_number_text(margin[label]) or "nan"):
                return False
        except ValueError:
            return False
        exact += 1
    return exact >= 2


# A row of counts by its label: "Antal patienter", "Antall personer i alt", "Number of persons".
_COUNT_ROW_LABEL = lazy_compile(r"(?i)^(?:antal|antall|lukumäärä|number of|count of)\b.{0,30}$")
# A column of a table's counts by its name alone ("Antal", "Antall personer", "N", "lkm"), as the total of
# each row label in a table of one count and its shares.
_COUNT_COLUMN = lazy_compile(r"(?i)^(?:antal|antall|lukumäärä|lkm|n|number|count|frequency)(?:\s+\w+)?$")


# A key figure that is a grand total: "Antall dødsfall i alt", "Deaths, total", "Totalt", "Yhteensä".
_GRAND_TOTAL = lazy_compile(r"(?i)(?:^|\W)(?:i alt|ialt|totalt?|total|yhteensä|in total|overall|samtliga|alle)\W*$")
_WHOLE = lazy_compile(r"^\d{1,3}(?:[ \u00a0.,]\d{3})+$|^\d+$")
_SHARE_NAME = lazy_compile(r"(?i)%|pct|procent|prosent|percent|andel|share|osuus|rate|ratio")
#: Grand totals tried as the missing total row of a one-way table (each one a table to audit).
_MAX_GRAND_TOTALS = 10


def _summing_rows(tables: Sequence[TextTable]) -> Iterator[tuple[int, int, TextTable]]:
    """Tables with a suppressed cell and no total row, each with a row of another table that is their
    columns' total added as that row: "Jämtlands län;163;84" in a table by county beside the table of
    Jämtland's municipalities, a totals file of one row ("I alt;350;151"). A row is taken when, in every
    column of the table whose cells are all published, it is their sum exactly (one such column at least),
    and in the others no less than the published cells' sum."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.names import is_margin_label

    def number(cell: str) -> float | None:
        text = _number_text(cell)
        try:
            return float(text) if text is not None else None
        except ValueError:
            return None

    seen: dict[tuple[int, int], set[float | None]] = {}

    def column_values(src: int, c: int) -> set[float | None]:
        """The numbers of one column of one table (read once)."""
        if (src, c) not in seen:
            seen[(src, c)] = {number(r[c]) if c < len(r) else None for r in tables[src].rows}
        return seen[(src, c)]

    for k, t in enumerate(tables):
        if len(t.names) < 3 or len(t.rows) < 2 or any(r and is_margin_label(r[0]) for r in t.rows):
            continue
        rows = [r for r in t.rows if r and r[0].strip() and any(c.strip() for c in r[1:])]
        if not any(SUPPRESSION_MARKER.fullmatch(c.strip()) for r in rows for c in r[1:]):
            continue
        columns = [_link_label(n) for n in t.names[1:]]
        sums: list[float | None] = []  # per column: the sum when every cell is published, else None
        partial: list[float] = []
        for j in range(1, len(t.names)):
            values = [number(r[j]) if j < len(r) else None for r in rows]
            hidden = [j < len(r) and bool(SUPPRESSION_MARKER.fullmatch(r[j].strip())) for r in rows]
            if any(v is None and not h for v, h in zip(values, hidden, strict=True)):
                sums.append(None)
                partial.append(float("nan"))  # (text in the column: no column of counts)
                continue
            sums.append(None if any(hidden) else sum(v for v in values if v is not None))
            partial.append(sum(v for v in values if v is not None))
        if all(x is None for x in sums):
            continue
        probe = next(k2 for k2, x in enumerate(sums) if x is not None)  # a column whose sum is known
        for src, u in enumerate(tables):
            if src == k:
                continue
            where = {_link_label(n): c for c, n in enumerate(u.names)}
            if not all(c in where for c in columns):
                continue
            if sums[probe] not in column_values(src, where[columns[probe]]):
                continue  # (no row of u holds this table's total there: the quick test before the rows)
            for r in u.rows:
                cells = [r[where[c]] if where[c] < len(r) else "" for c in columns]
                values = [number(c) for c in cells]
                if any(v is None for v in values):
                    continue
                if not all((s is None or v == s) and (p != p or s is not None or v >= p)
                           for v, s, p in zip(values, sums, partial, strict=True)):
                    continue
                lines = (*t.lines, t.lines[-1]) if t.lines else ()
                yield k, src, TextTable(list(t.names), [*t.rows, [LINKED_TOTAL, *cells]], t.data_line, t.kind,
                                        lines)


def _grand_totals(tables: Sequence[TextTable], titles: Sequence[str] | None = None
                  ) -> Iterator[tuple[int, int, TextTable]]:
    """One-way tables (a label and a count) with a suppressed cell and no total row, each with a grand total
    another table publishes added as that row: a key figure ("Antall dødsfall i alt;204") or another table's
    total row of counts ("Totalt;204" under "Antall"). Which total is the table's is not known: every one is
    tried, and the audit reports only a cell it pins under the threshold (a total of other units leaves a
    difference that is no small count, or no completion at all)."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.names import is_margin_label

    totals: list[tuple[int, str]] = []
    for i, t in enumerate(tables):
        for r in t.rows:
            if not r or not r[0].strip():
                continue
            if len(t.names) == 2 and _GRAND_TOTAL.search(r[0]) and len(r) > 1 and _WHOLE.match(r[1].strip()) \
                    and not _SHARE_NAME.search(t.names[1]) and not _SHARE_NAME.search(r[0]):
                totals.append((i, r[1]))  # (a whole number: a total of shares, "Totalt 100,0", is none)
            elif is_margin_label(r[0]):
                totals.extend((i, r[c]) for c, n in enumerate(t.names)
                              if c and c < len(r) and _COUNT_COLUMN.match(n.strip()) and _BARE_NUMBER.match(r[c]))
    if not totals:
        return
    for k, t in enumerate(tables):
        if len(t.names) != 2 or any(r and is_margin_label(r[0]) for r in t.rows):
            continue
        if not any(len(r) > 1 and SUPPRESSION_MARKER.fullmatch(r[1].strip()) for r in t.rows):
            continue
        seen: set[str] = set()
        for src, value in totals:
            if src == k or value in seen or len(seen) >= _MAX_GRAND_TOTALS:
                continue
            if titles and k < len(titles) and src < len(titles) and _other_groups(titles[k], titles[src]):
                continue  # (titles of other years or groups: a total of other units)
            seen.add(value)
            lines = (*t.lines, t.lines[-1]) if t.lines else ()
            yield k, src, TextTable(list(t.names), [*t.rows, [LINKED_TOTAL, value]], t.data_line, t.kind, lines)


@functools.lru_cache(maxsize=1 << 16)  # (linking tables reads the same cells many times)
def _number_text(cell: str) -> str | None:
    """A bare number's digits as one comparable text ("1 234" and "1234" alike; "12,5" and "12.5"), else None."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if not _BARE_NUMBER.match(text) or text.endswith("%"):
        return None
    if "," in text and "." in text:
        # the later mark is the decimal one: "1.364,5" (Danish), "1,364.5" (English)
        return text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    if text.count(".") > 1:
        return text.replace(".", "")  # "1.364.000": full stops between thousands
    return text.replace(",", ".") if text.count(",") == 1 and len(text.split(",")[1]) != 3 else text.replace(",", "")


def _row_keys(t: TextTable, labels: list[int]) -> dict[tuple[str, ...], int] | None:
    """Each row's labels (normalised) to its index; None when two rows share their labels."""
    keys: dict[tuple[str, ...], int] = {}
    for i, r in enumerate(t.rows):
        key = tuple(_link_label(r[c]) if c < len(r) else "" for c in labels)
        if not any(key):
            continue
        if key in keys:
            return None
        keys[key] = i
    return keys


# Words that say a column counts, around what it counts: "Antal kvinnor", "Number of women", "Kvinder (antal)".
_COUNT_WORDS = lazy_compile(r"(?i)(?<![^\W_])(?:antal|antall|antalet|number\s+of|count\s+of|count|lkm|lukumäärä|"
                            r"frequency|freq|n)(?![^\W_])|[()]")


def _counted(name: str) -> str:
    """A column's name without its count words, as :func:`_link_label` matches it ("Antal kvinnor": women)."""
    return _link_label(" ".join(_COUNT_WORDS.sub(" ", name).split()))


def _some_twin_columns(t: TextTable, u: TextTable, labels: list[int], numeric: set[int]) -> dict[int, int] | None:
    """``t``'s columns that ``u`` repeats when ``u`` publishes some of them only (a table of women by
    municipality beside the table by municipality and sex): the label columns by name, and each number column
    of ``u`` named as one of ``t``'s without its count words ("Antal kvinnor" is "Kvinnor"). None when no
    number column matches."""
    mine = [_link_label(n) for n in t.names]
    theirs = [_link_label(n) for n in u.names]
    if any(c >= len(theirs) or theirs[c] != mine[c] for c in labels):
        return None
    counted = {c: _counted(n) for c, n in enumerate(u.names) if c not in labels}
    cols = {c: c for c in labels}
    for c in numeric:
        found = [j for j, n in counted.items() if n and n == _counted(t.names[c])]
        if len(found) == 1:
            cols[c] = found[0]
    return cols if len(cols) > len(labels) else None


def _twin_columns(t: TextTable, u: TextTable, labels: list[int], numeric: set[int], *, superset: bool = False,
                  ) -> tuple[dict[int, int], bool] | None:
    """``t``'s columns mapped to ``u``'s when the two can be one table: the same names (normalised; the sexes
    in any language, see :func:`_link_label`); or the same names in the same places but the label columns';
    or, with one label column, a table exported in another language ("Kommun;Män;Kvinnor" beside
    "Kunta;Miehet;Naiset"; then the flag is true: more agreeing numbers are needed). None when they cannot
    be twins. ``superset``: ``u`` may have more columns than ``t`` (a rate beside the counts), all of ``t``'s
    among them by name."""
    mine = [_link_label(n) for n in t.names]
    theirs = [_link_label(n) for n in u.names]
    if superset and len(mine) < len(theirs) and set(mine) <= set(theirs) and len(set(theirs)) == len(theirs):
        where = {n: c for c, n in enumerate(theirs)}
        return {c: where[n] for c, n in enumerate(mine)}, False
    if len(mine) != len(theirs):
        return None
    if sorted(mine) == sorted(theirs) and len(set(theirs)) == len(theirs):
        where = {n: c for c, n in enumerate(theirs)}
        return {c: where[n] for c, n in enumerate(mine)}, False
    renamed = any(theirs[c] != mine[c] for c in numeric)
    if renamed and len(labels) != 1:
        return None
    return {c: c for c in range(len(mine))}, renamed


def _twin_rows(t: TextTable, u: TextTable, labels: list[int], cols: dict[int, int],
               keys: dict[tuple[int, tuple[int, ...]], dict[tuple[str, ...], int] | None] | None = None,
               ) -> tuple[list[tuple[int, int]], bool] | None:
    """The rows of ``t`` and ``u`` that are one row: by their labels, and (when both have as many rows and
    every row matched by label sits in the same place) the rest by place, for names written in another
    language ("Kajana" and "Kajaani"). The flag says whether any row was matched by place. ``keys`` keeps each
    table's row keys between calls (a folder's tables are tried in pairs)."""
    def row_keys(table: TextTable, columns: list[int]) -> dict[tuple[str, ...], int] | None:
        if keys is None:
            return _row_keys(table, columns)
        at = (id(table), tuple(columns))
        if at not in keys:
            keys[at] = _row_keys(table, columns)
        return keys[at]

    mine = row_keys(t, labels)
    theirs = row_keys(u, [cols[c] for c in labels])
    if mine is None or theirs is None:
        return None
    common = [(i, theirs[key]) for key, i in mine.items() if key in theirs]
    if len(t.rows) != len(u.rows) or any(i != j for i, j in common) or len(common) == len(t.rows):
        return common, False
    return [(i, i) for i in range(len(t.rows))], True


def filled_from_twin(tables: Sequence[TextTable]) -> list[tuple[int, int, TextTable]]:
    """Tables with suppressed cells that another table publishes: the same table exported twice with
    different cells suppressed (a first and a corrected version; a sheet per audience; a Swedish and a
    Finnish version), or a table whose rows and columns another one repeats. Each is returned (with its index
    and the twin's) with the twin's numbers in the cells it hides, for the recoverable-suppression rule to
    audit: the twin's numbers and this table's totals may pin a cell that neither hides on its own.

    Two tables are twins when their columns correspond (:func:`_twin_columns`), their label columns (those
    that hold no number) identify the rows of both (:func:`_twin_rows`), at least two rows match, and every
    cell both publish holds the same number (at least two of them; when rows or number columns are matched
    by place, at least four and as many as the cells filled): a table of another year or population is no
    twin."""
    from scanner.loaders.base import SUPPRESSION_MARKER

    def hidden(cell: str) -> bool:
        return bool(SUPPRESSION_MARKER.fullmatch(cell.strip()))

    keys: dict[tuple[int, tuple[int, ...]], dict[tuple[str, ...], int] | None] = {}
    out: list[tuple[int, int, TextTable]] = []
    for k, t in enumerate(tables):
        if len(t.names) < 2 or not any(hidden(c) for r in t.rows for c in r):
            continue
        numeric = {c for c in range(len(t.names)) if any(c < len(r) and (_number_text(r[c]) is not None
                                                                          or hidden(r[c])) for r in t.rows)}
        labels = [c for c in range(len(t.names)) if c not in numeric]
        if not labels or not numeric:
            continue
        for src, u in enumerate(tables):
            columns = _twin_columns(t, u, labels, numeric) if src != k else None
            if columns is None and src != k and len(u.names) < len(t.names):
                # (a table that repeats some of the columns: the women's column of a table by sex)
                some = _some_twin_columns(t, u, labels, numeric)
                columns = (some, False) if some is not None else None
            matched = _twin_rows(t, u, labels, columns[0], keys) if columns is not None else None
            if columns is None or matched is None or len(matched[0]) < 2:
                continue
            cols, common = columns[0], matched[0]
            by_place = columns[1] or matched[1]
            filled = [list(r) for r in t.rows]
            agree = fills = 0
            conflict = False
            for i, j in common:
                for c in sorted(numeric):
                    if c not in cols:
                        continue  # (a column the twin does not publish)
                    mine_cell = t.rows[i][c] if c < len(t.rows[i]) else ""
                    uc = cols[c]
                    their_cell = u.rows[j][uc] if uc < len(u.rows[j]) else ""
                    a, b = _number_text(mine_cell), _number_text(their_cell)
                    if a is not None and b is not None:
                        agree += a == b
                        conflict |= a != b
                    elif hidden(mine_cell) and b is not None:
                        filled[i][c] = their_cell
                        fills += 1
                    elif by_place and not (hidden(mine_cell) or hidden(their_cell)) \
                            and (a is None, bool(mine_cell.strip())) != (b is None, bool(their_cell.strip())):
                        conflict = True  # a number beside words or a blank: the places do not correspond
                if conflict:
                    break
            enough = agree >= (max(4, fills) if by_place else 2)
            if not conflict and fills and enough:
                out.append((k, src, TextTable(list(t.names), filled, t.data_line, t.kind, t.lines, t.dimensions)))
                break
    return out


@dataclass(frozen=True, slots=True)
class SizedShares:
    """A table of shares beside the sizes of its groups in another table: ``table`` has one row per group,
    its shares, and the group's size in a last column ``N`` (so a share of a small count shows); ``origin``
    gives, per row of ``table``, the group's row in the table of shares, or its column when the groups are
    columns (``by_column``); ``columns`` gives, per share column of ``table``, its column (or row) there."""

    k: int
    source: int
    table: TextTable
    by_column: bool
    origin: tuple[int, ...]
    columns: tuple[int, ...]

    def cell_of(self, row: int, column: str, names: Sequence[str]) -> tuple[int, str] | None:
        """The cell of the table of shares (its 1-based row, its column's name; ``names`` its column names)
        that ``table``'s cell at 1-based ``row`` and ``column`` comes from; None for no such cell."""
        if not 1 <= row <= len(self.origin) or column not in self.table.names[1:-1]:
            return None
        group = self.origin[row - 1]
        if self.by_column:  # the table was read with its columns as rows
            return self.columns[self.table.names.index(column) - 1] + 1, names[group]
        return group + 1, column


def _share_value(cell: str) -> tuple[float, int] | None:
    """A share written as a number (a percent sign allowed) and its decimals, else None."""
    text = cell.strip().removesuffix("%").strip()
    number = _number_text(text)
    if number is None:
        return None
    try:
        value = float(number)
    except ValueError:
        return None
    return value, len(number.split(".")[1]) if "." in number else 0


def _sums_to_100(values: Sequence[float], decimals: int) -> bool:
    """Whether rounded shares add up to 100 (each may be off by half its last decimal)."""
    return len(values) >= 2 and abs(sum(values) - 100) <= max(0.15, len(values) * 0.5 * 10.0 ** -decimals) + 1e-9


def _share_grid(t: TextTable) -> tuple[list[int], list[int], dict[tuple[int, int], float], int] | None:
    """The rows (not margins) and share columns of a table whose number cells are all shares (0-100), each
    share with its place, and the most decimals written. None when the table is no such table."""
    from scanner.names import is_margin_label

    if not t.rows or not t.names or any(r and _share_value(r[0]) is not None for r in t.rows):
        return None
    cells: dict[tuple[int, int], float] = {}
    decimals = 0
    columns = set()
    for i, r in enumerate(t.rows):
        for c in range(1, min(len(r), len(t.names))):
            if not r[c].strip():
                continue
            v = _share_value(r[c])
            if v is None or not 0 <= v[0] <= 100:
                return None
            cells[(i, c)] = v[0]
            decimals = max(decimals, v[1])
            columns.add(c)
    rows = [i for i, r in enumerate(t.rows) if r and r[0].strip() and not is_margin_label(r[0])]
    cols = [c for c in sorted(columns) if not is_margin_label(t.names[c])]
    if len(rows) < 2 or len(cols) < 2:
        return None
    return rows, cols, cells, decimals


# A column of shares or rates, by its name (words, not parts of words: "Reoperationer" holds "ratio").
_RATE_NAME = lazy_compile(r"(?i)%|\b(?:pct|procent|prosent|percent|andel|share|osuus|rate|ratio|pr|per|promille)\b")


def _sizes(u: TextTable, groups: Sequence[str]) -> Iterator[tuple[dict[int, int], int]]:
    """Columns of ``u`` that give the size of ``groups`` (matched to ``u``'s row labels): per column, the
    size of each group matched (by its index in ``groups``), whole numbers of at least 1."""
    keys: dict[str, int] = {}
    for j, r in enumerate(u.rows):
        if r and r[0].strip():
            keys.setdefault(_link_label(r[0]), j)
    matched = {g: keys[label] for g, name in enumerate(groups) if (label := _link_label(name)) in keys}
    if len(matched) < 2:
        return
    for uc in range(1, len(u.names)):
        if _RATE_NAME.search(u.names[uc]):
            continue
        sizes: dict[int, int] = {}
        for g, j in matched.items():
            text = _number_text(u.rows[j][uc]) if uc < len(u.rows[j]) else None
            if text is None or not text.isdigit() or int(text) < 1:
                break
            sizes[g] = int(text)
        else:
            yield sizes, uc


def _fits(shares: Sequence[Sequence[float | None]], sizes: dict[int, int], half: float) -> bool:
    """Whether ``sizes`` explain the shares of their groups (``shares[g]``: group g's shares): every share
    times its group's size is a whole number within the rounding (``half``: half the last decimal), and for
    one group at least the rounding pins the count."""
    pinned = False
    for g, n in sizes.items():
        tol = n * half / 100 + 1e-6
        pinned |= tol < 0.2
        if any(v is not None and abs(v * n / 100 - round(v * n / 100)) > tol for v in shares[g]):
            return False
    return pinned


def sized_shares(tables: Sequence[TextTable]) -> list[SizedShares]:
    """Tables of shares (rows or columns adding up to 100) whose groups' sizes another table publishes: "the
    causes of reoperation in % by hospital" beside "reoperations by hospital". A share times its group's size
    is a count, which may be small (8.7 % of Bornholm's 23 reoperations is 2).

    A column of sizes is taken only when it explains every share of every group it matches (:func:`_fits`):
    a size of thousands explains any share, and a column of other numbers explains none."""
    out: list[SizedShares] = []
    for k, t in enumerate(tables):
        if any(_norm_label(n) == "n" for n in t.names):
            continue  # sizes in the table itself: its own scan reads them
        grid = _share_grid(t)
        if grid is None:
            continue
        rows, cols, cells, decimals = grid
        for by_column in (True, False):
            groups, members = (cols, rows) if by_column else (rows, cols)
            # shares[g][m]: group g's share in member m (a column's rows, or a row's columns)
            shares = [[cells.get((i, g) if by_column else (g, i)) for i in members] for g in groups]
            if not all(_sums_to_100([v for v in row if v is not None], decimals) for row in shares):
                continue
            names = [t.names[c] for c in cols] if by_column else [t.rows[i][0] for i in rows]
            for src, u in enumerate(tables):
                if src == k:
                    continue
                found = next((sizes for sizes, _ in _sizes(u, names) if _fits(shares, sizes, 0.5 * 10.0 ** -decimals)),
                             None)
                if found is None:
                    continue
                header = [t.rows[i][0] for i in members] if by_column else [t.names[c] for c in members]
                body = [[names[g], *(t.rows[i][groups[g]] if by_column else t.rows[groups[g]][i] for i in members),
                         str(n)] for g, n in sorted(found.items())]
                label = u.names[0] if by_column else t.names[0]
                out.append(SizedShares(k, src, TextTable([label, *header, "N"], body, t.data_line, t.kind), by_column,
                                       tuple(groups[g] for g in sorted(found)), tuple(members)))
    return out


@functools.lru_cache(maxsize=1 << 16)  # (linking tables reads the same cells many times)
def _float_of(cell: str) -> float | None:
    text = _number_text(cell.strip().removesuffix("%").strip())
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


#: Rates tried for a column of shares: per cent, per mille, per 10,000 and per 100,000.
_RATE_SCALES = (100, 1_000, 10_000, 100_000)


def filled_from_shares(tables: Sequence[TextTable], threshold: int,
                       ) -> list[tuple[int, int, TextTable, tuple[tuple[int, int], ...]]]:
    """Tables with a suppressed count whose share (or rate) another table publishes, beside its group's size
    in the table itself: "Ragunda;Pojkar;38;<3" (children, of them treated) beside "Ragunda;Pojkar;5,3" (%
    treated) gives 5.3 % of 38 = 2. Each is returned with the recomputed counts in the cells it hides, and
    those cells (row, column).

    The other table must have the same rows (by their labels), and its column must be the count over the
    size, times 100 (or 1,000, 10,000, 100,000), within its rounding, in every row where both are published
    (three at least): then the rounding pins the hidden count, or leaves it only values from 1 to below
    ``threshold``."""
    from scanner.loaders.base import SUPPRESSION_MARKER

    def hidden(cell: str) -> bool:
        return bool(SUPPRESSION_MARKER.fullmatch(cell.strip()))

    out: list[tuple[int, int, TextTable, tuple[tuple[int, int], ...]]] = []
    label_keys: dict[int, dict[tuple[str, ...], int] | None] = {}
    share_columns: dict[int, tuple[tuple[tuple[float | None, ...], int], ...]] = {}
    for k, t in enumerate(tables):
        width = len(t.names)
        cells = [[r[c] if c < len(r) else "" for c in range(width)] for r in t.rows]
        counts = [c for c in range(width) if any(hidden(r[c]) for r in cells)
                  and all(hidden(r[c]) or not r[c].strip() or (_number_text(r[c]) or "").isdigit() for r in cells)]
        sizes = [c for c in range(width) if all((_number_text(r[c]) or "").isdigit() for r in cells)]
        labels = [c for c in range(width) if all(_number_text(r[c]) is None and not hidden(r[c]) for r in cells)]
        mine = _row_keys(t, labels) if counts and sizes and labels else None
        if mine is None:
            continue
        for src, u in enumerate(tables):
            if src == k:
                continue
            if src not in label_keys:  # (each table's labels read once, however many tables it is tried with)
                label_keys[src] = _row_keys(u, [c for c in range(len(u.names)) if all(
                    c < len(r) and _number_text(r[c]) is None and not hidden(r[c]) for r in u.rows)])
            theirs = label_keys[src]
            if not theirs or len(next(iter(theirs))) != len(labels):
                continue
            common = [(i, theirs[key]) for key, i in mine.items() if key in theirs]
            if len(common) < 3:
                continue
            if src not in share_columns:
                share_columns[src] = _share_columns(u)
            filled = _share_fill(t, share_columns[src], cells, common, counts, sizes, threshold)
            if filled:
                rows = [list(r) for r in cells]
                for (i, c), value in filled.items():
                    rows[i][c] = value
                out.append((k, src, TextTable(list(t.names), rows, t.data_line, t.kind, t.lines, t.dimensions),
                            tuple(sorted(filled))))
                break
    return out


def _share_columns(u: TextTable) -> tuple[tuple[tuple[float | None, ...], int], ...]:
    """Each column of ``u`` as numbers (a percent sign allowed; None where no number) and its decimals."""
    out = []
    for uc in range(len(u.names)):
        cells = [r[uc].strip().removesuffix("%").strip() if uc < len(r) else "" for r in u.rows]
        values = tuple(_float_of(c) for c in cells)
        decimals = max((len(t.split(".")[1]) for c, v in zip(cells, values, strict=True)
                        if v is not None and "." in (t := _number_text(c) or "")), default=0)
        out.append((values, decimals))
    return tuple(out)


def _share_fill(t: TextTable, shares_of: tuple[tuple[tuple[float | None, ...], int], ...], cells: list[list[str]],
                common: list[tuple[int, int]], counts: list[int], sizes: list[int],
                threshold: int) -> dict[tuple[int, int], str]:
    """The hidden counts of ``t`` (by row and column) that a column of shares of another table (``shares_of``:
    its columns as numbers, see :func:`_share_columns`) recomputes with a column of sizes of ``t`` (see
    :func:`filled_from_shares`); empty when no column of that table is such shares."""
    from scanner.loaders.base import SUPPRESSION_MARKER

    for column, decimals in shares_of:
        shares = {j: column[j] for _, j in common}
        if sum(1 for v in shares.values() if v is not None) < 3:
            continue
        half = 0.5 * 10.0 ** -decimals + 1e-9
        for c, n, scale in itertools.product(counts, sizes, _RATE_SCALES):
            if c == n:
                continue
            agree, ok = 0, True
            fills: dict[tuple[int, int], str] = {}
            for i, j in common:
                share, size = shares[j], int(_number_text(cells[i][n]) or 0)
                if share is None or size <= 0:
                    continue
                if SUPPRESSION_MARKER.fullmatch(cells[i][c].strip()):
                    lo, hi = (share - half) * size / scale, (share + half) * size / scale
                    first, last = max(0, math.ceil(lo - 1e-9)), math.floor(hi + 1e-9)
                    if first == last or (first >= 1 and last < threshold):
                        fills[(i, c)] = str(round(share * size / scale))
                    continue
                count = _number_text(cells[i][c])
                if count is None:
                    continue
                if abs(int(count) / size * scale - share) > half:
                    ok = False
                    break
                agree += 1
            if ok and agree >= 3 and fills:
                return fills
    return {}


def sums_and_means(tables: Sequence[TextTable]) -> list[tuple[int, int, TextTable]]:
    """Pairs of tables of one layout, one the sums of an amount per cell and the other its means ("tulot
    yhteensä (1 000 €)" beside "keskitulot (€)"): each sum over its mean is the cell's number of units (116,1
    thousand € over 58 057 € is 2 persons). Each pair is returned as (the sums, the means, the table of those
    counts). A pair is taken only when every cell's ratio is a whole number within both tables' rounding, one
    cell at least pinned to one whole number, in the same unit (as written, or the sums in thousands or
    millions), and the ratios are not mostly 1 (two versions of one table): tables of other amounts give no
    such ratios. Tables are compared within groups of one layout (column names and row labels), all pairs
    of a group at once."""
    import numpy as np

    layouts: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    for k, t in enumerate(tables):
        if len(t.names) >= 2 and len(t.rows) >= 2:
            key = (tuple(_norm_label(n) for n in t.names[1:]), tuple(_link_label(r[0]) if r else "" for r in t.rows))
            layouts.setdefault(key, []).append(k)
    out: list[tuple[int, int, TextTable]] = []
    for members in layouts.values():
        if len(members) < 2:
            continue
        width = len(tables[members[0]].names)
        cells = [[_number_text(r[c]) if c < len(r) else None for r in tables[k].rows for c in range(1, width)]
                 for k in members]
        values = np.array([[float(x) if x is not None and _FLOAT_TEXT.match(x) else np.nan for x in row]
                           for row in cells])
        half = np.array([0.5 * 10.0 ** -max((len(x.split(".")[1]) for x in row if x and "." in x), default=0)
                         for row in cells])
        for scale in (1.0, 1_000.0, 1_000_000.0):
            with np.errstate(divide="ignore", invalid="ignore"):
                x, y = values[:, None, :] * scale, values[None, :, :]
                n = x / y  # n[a, b, cell]: table a's sum over table b's mean
                tol = half[:, None, None] * scale / y + n * half[None, :, None] / y + 1e-6
                both = ~np.isnan(n)
                whole = np.where(both, (n >= 0.5) & (np.abs(n - np.round(n)) <= tol) & (y > 0), True)
                ok = whole.all(axis=2) & (both.sum(axis=2) >= 4) & np.where(both, tol < 0.3, False).any(axis=2)
            for a, b in zip(*np.nonzero(ok), strict=True):
                if a == b:
                    continue
                counts = np.sort(np.round(n[a, b][both[a, b]]))
                if counts[len(counts) // 2] < 2 or int((counts == scale).sum()) * 4 > len(counts):
                    # two versions of one table agree in most cells (at the scale tried: the same numbers
                    # read as thousands give 1,000 everywhere): no sums beside means
                    continue
                t = tables[members[a]]
                grid = np.round(n[a, b]).reshape(len(t.rows), width - 1)
                rows = [[r[0], *(str(int(v)) if not np.isnan(v) else "" for v in grid[i])]
                        for i, r in enumerate(t.rows)]
                out.append((members[a], members[b], TextTable(list(t.names), rows, t.data_line, t.kind, t.lines,
                                                              t.dimensions)))
    return out


_FLOAT_TEXT = lazy_compile(r"^-?\d+(?:\.\d+)?$")


# A suppression marker that says the group is small: "<3", "< 5", "n<3", "n < 3".
_SMALL_MARKER = lazy_compile(r"^\s*(?:n\s*)?<\s*(\d{1,2})\s*$", re.IGNORECASE)


def shown_where_small(tables: Sequence[TextTable], threshold: int, titles: Sequence[str] = ()
                      ) -> list[tuple[int, int, TextTable, tuple[tuple[int, int], ...]]]:
    """Tables of one layout (column names and row labels) where one marks a cell as a group too small to
    show ("<3") and the other publishes its value (the mean income of Bergverksdrift's women suppressed as
    "<3 personer", their total wage bill printed on the next sheet): the value rests on fewer units than the
    threshold. Each is returned as (the table that shows it, the one that marks it, a table of the shown
    table's labels with a count under the threshold in those cells, and the cells (row, column)).
    ``titles`` (sheet or file names): two tables whose titles name other groups ("Piger" and "Drenge", "Piger"
    and "I alt") are of other units, and the one's mark says nothing of the other's cell."""
    layouts: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    for k, t in enumerate(tables):
        if len(t.names) >= 2 and len(t.rows) >= 2:
            key = (tuple(_norm_label(n) for n in t.names[1:]), tuple(_link_label(r[0]) if r else "" for r in t.rows))
            layouts.setdefault(key, []).append(k)
    out: list[tuple[int, int, TextTable, tuple[tuple[int, int], ...]]] = []
    for members in layouts.values():
        for a in members:
            marks = [(i, c) for i, r in enumerate(tables[a].rows) for c in range(1, min(len(r), len(tables[a].names)))
                     if (m := _SMALL_MARKER.match(r[c])) and int(m.group(1)) <= threshold]
            if not marks:
                continue
            for b in members:
                u = tables[b]
                shown = [(i, c) for i, c in marks if c < len(u.rows[i]) and _number_text(u.rows[i][c]) is not None]
                if b == a or not shown or (titles and _other_groups(titles[a], titles[b])) \
                        or _other_counts(tables[a], u):
                    continue
                rows = [[r[0] if r else "", *([""] * (len(u.names) - 1))] for r in u.rows]
                for i, c in shown:
                    rows[i][c] = str(threshold - 1)
                out.append((b, a, TextTable(list(u.names), rows, u.data_line, u.kind, u.lines, u.dimensions),
                            tuple(shown)))
    return out


def _other_counts(t: TextTable, u: TextTable) -> bool:
    """Whether two tables of one layout count other populations: every number both print is a whole number of
    the same size (counts of one kind, not a mean beside a sum), at least three are compared, and fewer than
    half agree (the months of Lolland beside those of Bornholm)."""
    compared = agree = 0
    ratios: list[float] = []
    for r, q in zip(t.rows, u.rows, strict=False):
        for c in range(1, min(len(r), len(q))):
            a, b = _number_text(r[c]), _number_text(q[c])
            if a is None or b is None:
                continue
            if not (a.lstrip("+-").isdigit() and b.lstrip("+-").isdigit()):
                return False
            compared += 1
            agree += a == b
            x, y = abs(int(a)), abs(int(b))
            if x and y:
                ratios.append(max(x, y) / min(x, y))
    ratios.sort()
    similar = bool(ratios) and ratios[len(ratios) // 2] <= 3
    return compared >= 3 and agree * 2 < compared and similar


def _other_groups(first: str, second: str) -> bool:
    """Whether two titles name different groups of units: two sexes ("Piger", "Drenge"), or one sex and
    both ("Menn", "Alle"), or other years ("2021" and "2022", "2019-2022": a year's small cell says nothing
    of another year's)."""
    years = [frozenset(m.group(0) for m in _YEAR.finditer(t)) for t in (first, second)]
    if years[0] and years[1] and years[0] != years[1]:
        return True
    a, b = _SUBGROUP_WORD.search(first), _SUBGROUP_WORD.search(second)
    if a and b:
        return a.group(0).lower() != b.group(0).lower()
    return bool((a and _ALL_WORD.search(second)) or (b and _ALL_WORD.search(first)))


_YEAR = lazy_compile(r"(?<![^\W_])(?:19|20)\d\d(?!\d)")  # (not in a code: "SUN2000")


@dataclass(frozen=True, slots=True)
class StackedTables:
    """Tables of one shape stacked into one long table, the one that is their sum as its margin: "Mænd",
    "Kvinder" and "I alt" sheets; year sheets beside the sheet of all years. ``table``'s columns are the
    label columns, ``Tabel`` (each part's name; the sum's is a margin label) and the number columns;
    ``origin`` gives, per row, the index of the table it comes from and its row there."""

    table: TextTable
    origin: tuple[tuple[int, int], ...]
    parts: tuple[int, ...]
    total: int


#: Tables of one shape tried as parts and their sum, at most.
_MAX_STACKED = 24
#: The name the stacked sum's rows get in the ``Tabel`` column (a margin label).
STACKED_SUM = "I alt (linked tables)"


def stacked_tables(tables: Sequence[TextTable], titles: Sequence[str]) -> list[StackedTables]:
    """Groups of three or more tables of one shape (the same column names and row labels) where one is the
    sum of the others, cell by cell, wherever they all publish a number (at least two such cells, none that
    differs), and some table hides a cell: stacked for the recoverable-suppression rule, with the sum as the
    margin of the parts (``titles`` name the parts: sheet names, file names)."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.names import is_margin_label

    def hidden(cell: str) -> bool:
        return bool(SUPPRESSION_MARKER.fullmatch(cell.strip()))

    shapes: dict[tuple[object, ...], list[tuple[int, list[int], list[int], dict[tuple[str, ...], int]]]] = {}
    for k, t in enumerate(tables):
        names = [_norm_label(n) for n in t.names]
        numeric = [c for c in range(len(names)) if any(c < len(r) and (_number_text(r[c]) is not None
                                                                        or hidden(r[c])) for r in t.rows)]
        labels = [c for c in range(len(names)) if c not in numeric]
        keys = _row_keys(t, labels) if labels and numeric else None
        if keys is None or len(keys) < 2:
            continue
        signature = (tuple(names[c] for c in labels), tuple(sorted(names[c] for c in numeric)),
                     frozenset(keys))
        shapes.setdefault(signature, []).append((k, labels, numeric, keys))
    out: list[StackedTables] = []
    for members in shapes.values():
        # (parts of one total are few: sexes, years, regions; a folder of hundreds of tables of one shape is
        # no such sum, and trying each as the total would cost their square)
        if not 3 <= len(members) <= _MAX_STACKED \
                or not any(hidden(c) for k, *_ in members for r in tables[k].rows for c in r):
            continue
        first = tables[members[0][0]]
        labels, numeric = members[0][1], members[0][2]
        columns = [_norm_label(first.names[c]) for c in numeric]

        def cell(member: tuple[int, list[int], list[int], dict[tuple[str, ...], int]], key: tuple[str, ...],
                 column: str) -> str:
            k, _, nums, keys = member
            t = tables[k]
            c = next(c for c in nums if _norm_label(t.names[c]) == column)
            row = t.rows[keys[key]]
            return row[c] if c < len(row) else ""

        for total in members:
            parts = [m for m in members if m is not total]
            agree, conflict = 0, False
            for key in total[3]:
                for column in columns:
                    texts = [cell(m, key, column) for m in (total, *parts)]
                    numbers = [_number_text(x) for x in texts]
                    if any(n is None for n in numbers):
                        continue
                    try:
                        values = [float(n) for n in numbers if n is not None]
                    except ValueError:
                        conflict = True
                        break
                    if abs(values[0] - sum(values[1:])) <= 1e-6 * max(1.0, abs(values[0])):
                        agree += 1
                    else:
                        conflict = True
                        break
                if conflict:
                    break
            if conflict or agree < 2:
                continue
            rows: list[list[str]] = []
            origin: list[tuple[int, int]] = []
            used: set[str] = set()
            for m in (*parts, total):
                title = STACKED_SUM if m is total else titles[m[0]].strip()
                if m is not total and (not title or title in used or is_margin_label(title)):
                    title = f"table {m[0] + 1}"  # (a part named like a total, or as another part is)
                used.add(title)
                for key, r in sorted(m[3].items(), key=lambda kv: kv[1]):
                    row = tables[m[0]].rows[r]
                    shown = [row[c] if c < len(row) else "" for c in m[1]]
                    rows.append([*shown, title, *(cell(m, key, column) for column in columns)])
                    origin.append((m[0], r))
            names = unique_names([first.names[c] for c in labels] + ["Tabel"] + [first.names[c] for c in numeric])
            out.append(StackedTables(TextTable(names, rows, 1, "stacked", dimensions=tuple(names[:len(labels) + 1])),
                                     tuple(origin), tuple(m[0] for m in parts), total[0]))
            break
    return out


# A column of an age band or another class of whole numbers: "18-29 år", "0–17", "25–64", "65+", "65 år og
# derover", "67 år och äldre", "65 ja yli".
_BAND = lazy_compile(r"^\D{0,20}?(\d{1,3})\s*[-–]\s*(\d{1,3})\b\D{0,12}$")
_OPEN_BAND = lazy_compile(r"^\D{0,20}?(\d{1,3})\s*(?:år|years?|v(?:uotta)?)?\s*(?:\+\s*(?:år|years?)?|"
                          r"og (?:over|derover|ældre|eldre)|"
                          r"och (?:över|äldre)|ja yli|or (?:more|older)|and (?:over|older))\s*$", re.IGNORECASE)


_R_INTERVAL = lazy_compile(r"^([\[(])\s*(\d{1,3})\s*,\s*(\d{1,3})\s*([\])])$")


def _band(name: str) -> tuple[int, int] | None:
    """The whole numbers a class column covers, ``(first, last)`` (last 999 for an open class)."""
    m = _R_INTERVAL.match(name.strip())
    if m:  # R's cut(): "[10,20)" is 10..19, "(10,20]" 11..20
        lo, hi = int(m.group(2)), int(m.group(3))
        lo, hi = lo + (m.group(1) == "("), hi - (m.group(4) == ")")
        return (lo, hi) if lo <= hi else None
    m = _BAND.match(name.strip())
    if m and int(m.group(1)) <= int(m.group(2)):
        return int(m.group(1)), int(m.group(2))
    m = _OPEN_BAND.match(name.strip())
    return (int(m.group(1)), 999) if m else None


@dataclass(frozen=True, slots=True)
class Differenced:
    """Counts two tables of the same rows give by subtraction, their classes cut at other bounds ("18-29 år"
    in one, "18-24 år" in the other: 25-29 år). ``table`` holds ``k``'s label columns and one column per
    class so recomputed (blank where nothing is); ``how`` says which classes were subtracted."""

    k: int
    other: int
    table: TextTable
    how: tuple[str, ...]
    #: the classes are the rows (an age band per row): ``table``'s rows are new rows under the table's own
    #: ones, one per class recomputed, at no line of the file
    rows_are_classes: bool = False


def _classes_as_columns(t: TextTable) -> TextTable | None:
    """A table whose rows are classes ("18-29 år" ... "75+" down its first column) turned so that they are its
    columns, one row per number column of it: None when its rows are no classes."""
    if len(t.names) < 2 or len(t.rows) < 2:
        return None
    labels = [r[0] if r else "" for r in t.rows]
    bands = [_band(x) for x in labels]
    if sum(b is not None for b in bands) < 2 or any(b is None and x.strip() for b, x in zip(bands, labels,
                                                                                          strict=True)):
        return None
    kept = [k for k, b in enumerate(bands) if b is not None]
    rows = [[t.names[c], *(t.rows[k][c] if c < len(t.rows[k]) else "" for k in kept)] for c in range(1, len(t.names))]
    return TextTable(unique_names(["column", *(labels[k] for k in kept)]), rows, t.data_line, t.kind)


# A table's title or file name that says a group is left out: "komplikationer_ekskl_bornholm",
# "utan Gotland", "excluding Oslo", "ilman Ahvenanmaata".
_EXCLUDING = lazy_compile(r"(?i)(?:^|[\W_])(?:ekskl|eksklusive|excl|exkl|exklusive|excluding|exclusive|uden|utan|"
                          r"utom|without|except|ilman|unntatt|utenom|uten|ohne|"
                          # (an exclusion named as a step: "efter exklusion av emigrerade", "after excluding",
                          # "ekskluderet", "excluded", "poistettu", "removed")
                          r"ekskludere\w*|eksklusjon\w*|eksklusion\w*|exkluder\w*|exklusion\w*|exclud\w+|exclusion\w*|"
                          r"removed|removing|fjernet|fjernelse|borttagna|borttagen|poistettu\w*)(?:$|[\W_])")


def excluded_differences(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """Counts a table with a group left out gives beside the same table with it: "complications, all
    hospitals" minus "complications, excluding Bornholm" is Bornholm's table. ``titles`` (a table's file or
    sheet name) say which table leaves a group out; the other must have its columns and rows, and no fewer
    in any cell both publish (at least four). ``table`` holds the differences in the rows of the table that
    leaves the group out (``k``)."""
    out: list[Differenced] = []
    excluding = [_EXCLUDING.search(title) is not None for title in titles]
    # (a table of all names all: the others are compared only with those, as every pair is compared)
    of_all = [bool(_ALL_WORDS.intersection(_title_words(title))) for title in titles]
    for k, t in enumerate(tables):
        for other, u in enumerate(tables):
            if other == k or excluding[other] \
                    or not (excluding[k] or (of_all[other] and _all_word_swapped(titles[k], titles[other]))):
                continue
            found = _differences(t, u, whole_only=True)
            if found is None and (shared := _shared_columns(t, u)) is not None:
                # the table with the group left out adds a column ("Herav psykisk lidelse"): compared on the
                # columns both have
                found = _differences(shared, u, whole_only=True)
            if found is not None:
                out.append(Differenced(k, other, found, (titles[other], titles[k])))
                break
    return out


# A money unit in a column's name: "(kr.)", "DKK", "mio. kr.", "SEK", "EUR".
_MONEY_UNIT = lazy_compile(r"(?i)(?<![^\W\d_])(?:kr|dkk|sek|nok|eur|euro|mio|mia|tkr|mkr|mnkr)(?![^\W\d_])")


def _statistic_or_amount(name: str) -> bool:
    """Whether a column's name says it holds a statistic (a mean, a median, a share) or an amount of money."""
    from scanner.names import statistic_kind

    return statistic_kind(name) is not None or _MONEY_UNIT.search(name) is not None


def _shared_columns(t: TextTable, u: TextTable, *, group_free: bool = False) -> TextTable | None:
    """``t`` without the columns ``u`` does not name (matched without the group's words when ``group_free``),
    when some but not all of them are dropped and the label column and one other remain; else None."""
    def key(name: str) -> str:
        return _link_label(_GROUP_PHRASE.sub("", name).strip() or name) if group_free else name

    theirs = {key(n) for n in u.names}
    keep = [c for c, n in enumerate(t.names) if key(n) in theirs]
    if len(keep) == len(t.names) or len(keep) < 2 or keep[0] != 0:
        return None
    return dataclasses.replace(t, names=[t.names[c] for c in keep],
                               rows=[[r[c] if c < len(r) else "" for c in keep] for r in t.rows])


_ALL_WORDS = frozenset({"all", "alle", "alla", "kaikki", "samtliga", "samtlige"})


@functools.lru_cache(maxsize=4096)
def _title_words(title: str) -> tuple[str, ...]:
    """A title's words and numbers, case-folded, for :func:`_all_word_swapped` (a parenthesis adds a remark,
    not a group: "(main analysis population)")."""
    return tuple(re.findall(r"[^\W\d_]+|\d+", re.sub(r"\([^()]*\)", " ", title).casefold()))


def _all_word_swapped(title: str, all_title: str) -> bool:
    """Whether ``all_title`` names all of something ("All births to exposed mothers") where ``title`` names one
    kind of it in the same words ("Singleton births to exposed mothers"): the same caption with the word for all
    swapped for one other word, or left out and words added, so ``title``'s table is a part of ``all_title``'s."""
    words = _title_words(title)
    all_words = _title_words(all_title)
    alls = _ALL_WORDS
    rest = [w for w in all_words if w not in alls]
    if len(rest) < len(all_words) and not set(words) & set(alls) and len(rest) >= 2 and set(rest) <= set(words) \
            and len(words) > len(rest):
        # the same caption without its word for all and with words of its own: a part of all ("Kaikki NEET-nuoret
        # 16–24 v." beside "NEET-nuoret 16–24 v., äidinkieli suomi, ruotsi tai saame")
        return True
    if len(words) != len(all_words) or len(words) < 3:
        return False
    differ = [k for k, (a, b) in enumerate(zip(words, all_words, strict=True)) if a != b]
    return len(differ) == 1 and all_words[differ[0]] in alls and not _ALL_WORD.fullmatch(words[differ[0]])


# A title's word for one sex (the subgroup a table is of) and for both or all (its total): "Menn" and "Alle",
# "tab_kvinder" and "tab_i_alt", "Naiset" and "Yhteensä".
_SUBGROUP_WORD = lazy_compile(r"(?i)(?:^|(?<=[\W_]))(?:menn|kvinner|mænd|maend|kvinder|män|man|kvinnor|miehet|naiset|"
                              # (the adjective before the units: "Kvindelige førtidspensionister", "manliga")
                              r"kvindelige?|mandlige?|kvinnliga?|manliga?|kvinnelige?|mannlige?|"
                              r"men|women|males?|females?|gutter|jenter|drenge|piger|pojkar|flickor|pojat|tytöt|tytot|"
                              r"boys|girls)(?=$|[\W_])")
_ALL_WORD = lazy_compile(r"(?i)(?:^|(?<=[\W_]))(?:alle|i[ _]?alt|total|totalt|samtliga|samtlige|begge[ _]kjønn|"
                         r"begge[ _]køn|begge[ _]kon|båda[ _]könen|bada[ _]konen|both[ _]sexes|all|alla|yhteensä|"
                         r"yhteensa|kaikki)(?=$|[\W_])")


@functools.lru_cache(maxsize=4096)
def one_sex(name: str) -> str | None:
    """The one sex a column or title names ("Kvinner", "women_n", "Antal mænd"), as "men", "women", "boys" or
    "girls"; None when it names none, several, or both or all ("Begge kjønn", "Alle")."""
    if _ALL_WORD.search(name):
        return None
    found = {_SYNONYMS[w] for w in re.findall(r"[^\W\d_]+", name.lower()) if w in _SYNONYMS}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=4096)
def names_all(name: str) -> bool:
    """Whether a column or title names both sexes or all ("Alle", "I alt", "Total", "Both sexes")."""
    return _ALL_WORD.search(name) is not None and not _SUBGROUP_WORD.search(name)


# A group's or all's words in a caption, with the preposition before them ("among women", "blandt kvinder", "for
# begge køn"): what is left is the caption's subject.
# An age band as a table's group ("0-17 år", "aged 16-64", "18–64 vuotta") and all ages ("alle aldre").
_AGE_BAND = lazy_compile(r"(?i)(?<![^\W_])(?:aged?\s+|i alderen\s+)?\d{1,2}\s*[-–]\s*\d{1,2}[\s_-]*"
                         r"(?:år|aar|ar|years?|yrs|vuotiaat|vuotta|v)(?![^\W_])")
# An origin as a table's group ("med dansk oprindelse", "of Danish origin", "utrikes födda", "indvandrere").
_ORIGIN = lazy_compile(r"(?i)(?<![^\W_])(?:(?:med|af|av|with|of)\s+)?(?:dansk|svensk|norsk|finsk|danish|swedish|"
                       r"norwegian|finnish|udenlandsk|utländsk|utenlandsk|foreign|vestlig|ikke-vestlig|non-western|"
                       r"western)\s+(?:oprindelse|herkomst|bakgrund|bakgrunn|origin|background)|(?<![^\W_])(?:"
                       r"indvandrere|efterkommere|innvandrere|etterkommere|invandrare|immigrants|descendants|"
                       r"utrikes\s+födda|inrikes\s+födda|utenlandsfødte|maahanmuuttajat|ulkomaalaistaustaiset|"
                       r"suomalaistaustaiset|foreign[- ]born|native[- ]born|(?:born|født|fødte|född|födda|syntyneet)\s+"
                       r"(?:in|i)\s+(?:denmark|danmark|sweden|sverige|norway|norge|finland|suomessa|udlandet|utlandet|"
                       r"abroad)|born\s+abroad|(?:suomessa|ulkomailla)\s+syntyneet|"
                       # (in file names too: "tabell_ikkje_innvandrar", "norskfodde", "utrikes_fodda")
                       r"(?:(?:ikke|ikkje|ej|inte|not|non|uden|utan|uten)[\s_-]+)?(?:innvandr|indvandr|invandr)\w*|"
                       r"(?:norsk|dansk|svensk|finsk|utenlands|udenlands|utlands|inrikes|utrikes)[\s_-]?"
                       r"(?:fødte|fodte|født|fodt|födda|fodda|född|fodd)\w*)(?![^\W_])")
# (all ages, or all adults: "18 år og over", "65 and older", "18+")
_ALL_AGES = r"\d{1,2}[\s_]*(?:år[\s_]+|years?[\s_]+)?(?:og[\s_]over|og[\s_]derover|og[\s_]eldre|and[\s_]over|" \
            r"and[\s_]older|" \
            r"eller[\s_]äldre|eller[\s_]ældre|ja[\s_]yli)|\d{1,2}\+(?:[\s_]*år)?|alle[\s_]aldre|alle[\s_]aldersgrupper|alla[\s_]åldrar|all[\s_]ages|kaikki[\s_]ikäryhmät|kaikki[\s_]iät"
_GROUP_PHRASE = lazy_compile(r"(?i)(?:(?<![\w])(?:among|for|in|of|blandt|bland|blant|hos|för|i|kun)\s+)?"
                             r"(?:(?<![^\W_])(?:" + _ALL_AGES + r")(?![^\W_])|" + _SUBGROUP_WORD.pattern[4:] + "|"
                             + _ALL_WORD.pattern[4:] + "|" + _AGE_BAND.pattern[4:] + "|" + _ORIGIN.pattern[4:] + ")")


_LATEX_CAPTION = lazy_compile(r"\\caption\*?(?:\[[^\]]*\])?\{((?:[^{}]|\{[^{}]*\})*)\}")


_GUTTERED = lazy_compile(r"\S {3,}\S")


def caption_of(title: str) -> str:
    """A table's caption in the lines of its title: a LaTeX table's ``\\caption{...}``, else the line of text
    nearest above the table (no markup, rule or row of a table), without its table number."""
    latex = _LATEX_CAPTION.search(title)
    if latex is not None:
        title = latex.group(1)
    else:
        lines = [x.strip() for x in title.splitlines() if x.strip() and not x.lstrip().startswith("\\")
                 and "&" not in x and "|" not in x and not _RULE_LINE.match(x)]
        # (a printed table's header line, its names apart by gutters, is no caption: "Maakunta      Lkm" under
        # "Taulukko 2. ...")
        lines = [x for x in lines if not _GUTTERED.search(x)] or lines
        title = lines[-1] if lines else ""
    return _TABLE_NUMBER.sub("", title)


def measure_of(name: str) -> str:
    """A column's name without its group's or all's words, lower case: what it measures ("Fall kvinnor" and
    "Fall totalt" are both "fall")."""
    return " ".join(re.findall(r"[^\W\d_]+", _GROUP_PHRASE.sub(" ", name).lower()))


def _without_group(title: str) -> str:
    """A caption (:func:`caption_of`) without its group's words and punctuation, lower case (see
    :data:`_GROUP_PHRASE`)."""
    caption = _STEM_TABLE_NUMBER.sub("", caption_of(title))
    return " ".join(re.findall(r"[^\W_]+", _GROUP_PHRASE.sub(" ", _EXCLUDING_NOTE.sub(" ", caption)).lower()))


# A table's number at the start of a file name ("t3_foertidspension_alle", "tab4_kvinder", "tabell_2_"): two
# files of one table by group are numbered apart.
_STEM_TABLE_NUMBER = lazy_compile(r"(?i)^(?:t|tab|tabel|tabell|table|tbl|taulu|taulukko)[_ -]?\d{1,3}[a-z]?(?=[_ -])")


# A note in brackets of whom a group's table leaves out ("(ekskl. personer over folkepensionsalderen)",
# "(excluding pensioners)"): part of the group's words, as its age band is.
_EXCLUDING_NOTE = lazy_compile(r"(?i)\(\s*(?:ekskl|eksl|exkl|excl|excluding|exclusive|exklusive|uden|utan|uten|"
                               r"without|not including|ikke medregnet|ei sisällä|pois lukien)\b[^()]*\)")


# "Table 2.", "Tabel 3:", "Tabell 4 –", "Taulukko 5.", "Tabel A." before a caption.
_TABLE_NUMBER = lazy_compile(r"(?i)^\W*(?:tabell|tabel|table|taulukko|tab\.)\s*(?:\d+|[A-Z]\d*(?![^\W\d_]))[a-z]?"
                             r"\s*[.:–—-]?\s*")


def subgroup_differences(tables: Sequence[TextTable], titles: Sequence[str], *,
                         captions: bool = False) -> list[Differenced]:
    """Counts a table of one sex gives beside the table of both: "Alle" minus "Menn" is the women's table
    (27 - 25 hires is 2). The titles (sheet or file names) must be the same but for the words, and no
    other table of the same title names another subgroup (then the tables stack, and ``stacked_tables``
    judges them); the total must have the subgroup's columns and rows and no fewer in any cell both
    publish (at least four). ``table`` holds the differences in the subgroup table's rows (``k``).

    ``captions``: the titles are captions of one document's tables, which name a group in words and the whole
    often not at all ("... among women, by age" beside "... by age")."""
    bases = [_SUBGROUP_WORD.sub("#", t) if _SUBGROUP_WORD.search(t) else None for t in titles]
    totals = [_ALL_WORD.sub("#", t) if _ALL_WORD.search(t) and not _SUBGROUP_WORD.search(t) else None
              for t in titles]
    if captions:
        # a caption names its group in words ("... among women, by age" under "... by age", "0-17 år" beside
        # "alle aldre"): the titles match without the group's words, and the table of all may name no group
        def one_group(title: str) -> bool:
            t = caption_of(title)
            return _SUBGROUP_WORD.search(t) is not None or _ORIGIN.search(t) is not None or (
                _AGE_BAND.search(t) is not None and _ALL_WORD.search(t) is None)  # ("alle børn 0-17 år": all)

        bases = [_without_group(t) if one_group(t) else None for t in titles]
        totals = [_without_group(t) if not one_group(t) and t.strip() else None for t in titles]
    out: list[Differenced] = []
    for k, t in enumerate(tables):
        base = bases[k]
        if base is None or len({titles[j] for j, b in enumerate(bases) if b == base}) > 1:
            continue
        for other, u in enumerate(tables):
            if other == k or totals[other] != base:
                continue
            found = _differences(t, u, group_free=captions)
            if found is None and captions and (shared := _shared_columns(t, u, group_free=True)) is not None:
                # the group's table names a column of its own ("Pr. 1.000 kvinder" beside "Pr. 1.000 indb."): the
                # counts both have are compared
                found = _differences(shared, u, group_free=True)
            if found is not None:
                out.append(Differenced(k, other, found, (titles[other], titles[k])))
                break
    if captions:
        out.extend(d for d in _nested_bands(tables, titles) if not any(e.k == d.k for e in out))
        out.extend(d for d in _nested_years(tables, titles) if not any(e.k == d.k for e in out))
        out.extend(d for d in _narrower_groups(tables, titles) if not any(e.k == d.k for e in out))
        out.extend(d for d in _of_which_tables(tables, titles) if not any(e.k == d.k for e in out))
        out.extend(d for d in _narrowed_tables(tables, titles) if not any(e.k == d.k for e in out))
    return out


# Words that start a restriction of the units a caption names: "... who had not been granted", "Med fuld
# opfølgning", "som fikk", "without", "excluding", "uden", "kun".
_RESTRICTION = lazy_compile(r"(?i)^\W*(?:who|which|that|with|without|excluding|except|among|only|med|som|der|uden|"
                            r"ekskl\w*|exkl\w*|undtagen|kun|bara|endast|utan|utom|uten|unntatt|blant|blandt|bland|"
                            r"joilla|jotka|ilman|paitsi|vain)(?![\w-])")


def _narrowed_tables(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """A table whose caption narrows another's units ("Employees with sick leave > 8 weeks in 2019 who had not been
    granted disability benefit by 2021" beside "Employees with sick leave > 8 weeks in 2019, by municipality";
    "Med fuld opfølgning" beside "Alle inkluderede"): the wider table minus it counts the units left out (Lyngen
    41 - 39 is 2). Only a pair whose numbers agree: no cell of the narrower table above the wider's, four cells
    compared. ``table`` holds the differences in the narrower table's rows."""
    words = [re.findall(r"[^\W_]+|[<>≤≥]", caption_of(t).lower()) for t in titles]
    captions = [caption_of(t) for t in titles]
    # (what a caption is, once per table: every pair of tables is compared)
    all_word = [_ALL_WORD.search(c) is not None for c in captions]
    restricted = [_RESTRICTION.match(c) is not None for c in captions]

    def narrows(k: int, other: int) -> bool:
        if other == k or not words[k] or not words[other]:
            return False
        if all_word[other] and not all_word[k] and restricted[k]:
            return True  # (of all: "Med fuld opfølgning" beside "Alle inkluderede")
        mine, theirs = words[k], words[other]
        shared = 0
        while shared < min(len(mine), len(theirs)) and mine[shared] == theirs[shared]:
            shared += 1
        return shared >= 4 and len(mine) > shared \
            and _RESTRICTION.match(_rest_after_words(captions[k], shared)) is not None

    # (a caption narrows another only when the two share their first four words, or the other names all)
    by_start: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for k, w in enumerate(words):
        if len(w) >= 4:
            by_start[tuple(w[:4])].append(k)
    alls = [k for k, a in enumerate(all_word) if a]

    def candidates(k: int) -> list[int]:
        near = by_start.get(tuple(words[k][:4]), []) if len(words[k]) > 4 else []
        return sorted({*near, *(alls if restricted[k] else ())})

    found = (_first_difference(k, (o for o in candidates(k) if narrows(k, o)), tables, titles, group_free=True)
             for k in range(len(tables)))
    return [d for d in found if d is not None]


def _first_difference(k: int, others: Iterable[int], tables: Sequence[TextTable], titles: Sequence[str],
                      **how: bool) -> Differenced | None:
    """The differences of table ``k`` from the first of ``others`` it is a part of (:func:`_differences` with
    ``how``), or None."""
    for other in others:
        found = _differences(tables[k], tables[other], **how)
        if found is not None:
            return Differenced(k, other, found, (titles[other], titles[k]))
    return None


def _rest_after_words(text: str, n: int) -> str:
    """``text`` after its first ``n`` words (as :func:`_narrowed_tables` counts them)."""
    pos = 0
    for _ in range(n):
        m = re.compile(r"[^\W_]+|[<>≤≥]").search(text, pos)
        if m is None:
            return ""
        pos = m.end()
    return text[pos:]


# A caption that makes its table a part of the table before it: "Heraf enkeltfødsler", "Därav flickor", "Of
# which: women", "Josta naisia".
_OF_WHICH_CAPTION = lazy_compile(r"(?i)^\s*(?:" + OF_WHICH_WORDS + r")(?![^\W_])")


def _of_which_tables(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """A table captioned as a part of the table before it ("Tabel 3. Heraf enkeltfødsler" under "Tabel 2.
    Fødsler efter ICSI ... efter bopælsregion"): the whole minus the part counts the rest (Nordjylland 31 - 29
    is 2 multiple births). ``table`` holds the differences in the part's rows."""
    out: list[Differenced] = []
    for k in range(1, len(tables)):
        if not _OF_WHICH_CAPTION.match(caption_of(titles[k])):
            continue
        other = next((j for j in range(k - 1, -1, -1) if not _OF_WHICH_CAPTION.match(caption_of(titles[j]))), None)
        if other is None:
            continue
        found = _differences(tables[k], tables[other], group_free=True)
        if found is not None:
            out.append(Differenced(k, other, found, (titles[other], titles[k])))
    return out


# A period of years in a caption or a sheet's name: "2015-2022", "2015–21", "2019/2020", or one year.
_YEAR_SPAN = lazy_compile(r"(?<![\d.,])((?:19|20)\d{2})(?:\s*[-–/]\s*((?:19|20)\d{2}|\d{2}))?(?![\d.,])")


def _nested_years(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """Tables whose captions (or sheets' names) are the same but for a period of years, one inside the other
    ("... 2015-2021" beside "... 2015-2022"): the longer minus the shorter counts the years between (Helse Nord
    17 - 15 is 2 children diagnosed in 2022). ``table`` holds the differences in the shorter period's rows."""
    spans: list[tuple[int, int, str] | None] = []
    for title in titles:
        caption = caption_of(title) or title
        found = list(_YEAR_SPAN.finditer(caption))
        if len(found) != 1:
            spans.append(None)
            continue
        m = found[0]
        lo = int(m.group(1))
        end = m.group(2)
        hi = lo if end is None else int(end) if len(end) == 4 else lo // 100 * 100 + int(end)
        base = " ".join(re.findall(r"[^\W_]+", f"{caption[:m.start()]} # {caption[m.end():]}".lower()))
        spans.append((lo, hi, base) if lo <= hi else None)
    def same_base(k: int, other: int) -> bool:
        outer, inner = spans[other], spans[k]
        return outer is not None and inner is not None and outer[2] == inner[2]  # (never None here: for the types)

    found = (_first_difference(k, (o for o in _containing(spans, k) if same_base(k, o)), tables, titles,
                               whole_only=True) for k in range(len(tables)))
    return [d for d in found if d is not None]


def _caption_groups(title: str) -> frozenset[str]:
    """The groups a caption names (a sex, an origin, an age band), lower case."""
    t = caption_of(title)
    patterns = (_SUBGROUP_WORD, _ORIGIN) if _ALL_WORD.search(t) else (_SUBGROUP_WORD, _ORIGIN, _AGE_BAND)
    return frozenset(" ".join(m.group(0).lower().split()) for p in patterns for m in p.finditer(t))


def _narrower_groups(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """A table whose caption names the groups of another's and one more ("Kvindelige førtidspensionister 18-39
    år" beside "Førtidspensionister 18-39 år"): the other is its whole, when no third table of the same caption
    names another group at that level (then they stack)."""
    keys = [_without_group(t) for t in titles]
    sets = [_caption_groups(t) for t in titles]
    out: list[Differenced] = []
    for k in range(len(tables)):
        wider = [j for j in range(len(tables)) if j != k and keys[j] == keys[k] and sets[j] < sets[k]]
        peers = [j for j in range(len(tables)) if j != k and keys[j] == keys[k] and sets[j] != sets[k]
                 and not sets[j] < sets[k] and not sets[k] < sets[j]]
        if not wider or peers or not keys[k]:
            continue
        if (d := _first_difference(k, wider, tables, titles, group_free=True)) is not None:
            out.append(d)
    return out


# An open age band ("aged 18 years and older", "65 år og derover", "18+") and every age ("all ages", "alle
# aldre"), as a caption names its table's group.
_OPEN_AGES = lazy_compile(r"(?i)(?<![^\W_])(?:aged?\s+|i alderen\s+)?(\d{1,2})\s*(?:år|aar|years?|vuotta)?\s*"
                          r"(?:og over|og derover|og eldre|and over|and older|or older|or over|eller äldre|"
                          r"eller ældre|eller mer|ja yli|ja vanhemmat)(?![^\W_])|(?<![^\W_])(\d{1,2})\+"
                          # a program's variable name: "alder_67_pluss", "age_65plus", "alder67p"
                          r"|(?<![^\W_])(?:alder|ålder|age|ika|ikä)_?(\d{1,2})_?(?:pluss|plus|p|og_over|and_over)(?![^\W_])")
# A band below an age ("under 65 år", "younger than 65", "alle 65-vuotiaat"): 0 to the age before it.
_UNDER_AGES = lazy_compile(r"(?i)(?<![^\W_])(?:(?:under|yngre end|yngre enn|yngre än|younger than|below|aged under)"
                           r"\s+(\d{1,2})(?:\s*-?\s*(?:år|aar|years?|vuotta))?|alle\s+(\d{1,2})\s*-?\s*vuotiaat)"
                           r"(?![^\W_])")
_EVERY_AGE = lazy_compile(r"(?i)(?<![^\W_])(?:alle aldre|alle aldersgrupper|alla åldrar|all ages|kaikki ikäryhmät|"
                          r"kaikki iät)(?![^\W_])")
_PARENTHETICAL = lazy_compile(r"\([^()]*\)")
_PANEL_LABEL = lazy_compile(r"(?i)(?<![^\W_])(?:panel|del|osa)\s+[A-Z0-9]\b\s*[:.]?")
# A band named after "ages" without a unit: "ages 16–64", "aged 18-24", "alder 30-49".
_AGES_NAMED = lazy_compile(r"(?i)(?<![^\W_])(?:ages?|aged|alder|ålder|ikä)(?:\s+|_)\d{1,2}(?:\s*[-–]\s*|_)\d{1,2}"
                           r"(?![\d\s]*(?:år|aar|years?|yrs|vuotta|v)(?![^\W_]))(?!\d)")
_OLDEST = 200
# The units a band's caption names them by ("persons aged 0-64", "personer i alderen 18-64"): the same units as
# the caption of every age, which may not name them.
_BAND_UNIT_WORDS = frozenset({"persons", "people", "individuals", "personer", "individer", "henkilöt", "henkilöä",
                              "of", "among", "blandt", "bland", "blant", "for", "hos",
                              # (the band's own words: "Voksne (18+ år)", "adults aged 18 years and older")
                              "år", "aar", "years", "year", "vuotta", "voksne", "vuxna", "adults", "aikuiset",
                              # (the whole named by its units: "Alle patienter" beside "18 år og derover")
                              "alle", "alla", "all", "kaikki", "samtliga", "patienter", "pasienter", "patients",
                              "potilaat", "børn", "barn", "children", "lapset"})


def age_band_named(name: str) -> bool:
    """Whether a column's name is of one age band: open ("18+ years", "65 år og derover") or closed ("0-17 år")."""
    return any(p.search(name) for p in (_AGE_BAND, _AGES_NAMED, _OPEN_AGES))


def every_age_named(name: str) -> bool:
    """Whether a column's name is of every age ("All ages", "alle aldre")."""
    return _EVERY_AGE.search(name) is not None


def _band_of(m: re.Match[str]) -> tuple[int, int] | None:
    """The ages of a band a caption names: closed (16-64), open (18 and older: 18 to the oldest), every age."""
    if m.re is _EVERY_AGE.compiled:
        return 0, _OLDEST
    ages = [int(a) for a in re.findall(r"\d{1,2}", m.group())]
    if m.re is _OPEN_AGES.compiled:
        return (ages[0], _OLDEST) if ages else None
    if m.re is _UNDER_AGES.compiled:
        return (0, ages[0] - 1) if ages and ages[0] > 0 else None
    ages = ages[-2:] if m.re is _AGES_NAMED.compiled else ages
    return (ages[0], ages[1]) if len(ages) == 2 and ages[0] <= ages[1] else None


def _containing(spans: Sequence[tuple[int, int, str] | None], k: int) -> list[int]:
    """The other tables whose span (an age band, a period of years) holds table ``k``'s and is wider."""
    inner = spans[k]
    if inner is None:
        return []
    return [other for other, outer in enumerate(spans) if other != k and outer is not None
            and outer[:2] != inner[:2] and outer[0] <= inner[0] and inner[1] <= outer[1]]


def _nested_bands(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """Tables whose captions are the same but for an age band, one band inside the other ("16-64 år" beside
    "16-65 år", "20–64 år" beside "16–64 år"): the wider minus the narrower is the count of the ages between
    (804 - 802 employed is 2 aged 65). ``table`` holds the differences in the narrower table's rows."""
    bands: list[tuple[int, int, str] | None] = []
    for title in titles:
        # ("(sensitivity analysis)" beside one of them; "Panel A:" and "Panel B:" over the two)
        caption = _PANEL_LABEL.sub(" ", _PARENTHETICAL.sub(" ", caption_of(title)))
        found = [(m, _band_of(m)) for pattern in (_AGE_BAND, _AGES_NAMED, _OPEN_AGES, _UNDER_AGES, _EVERY_AGE)
                 for m in pattern.finditer(caption)]
        if not found:
            # (a band in brackets names the group: "Voksne (18+ år), 2022")
            bracketed = _PANEL_LABEL.sub(" ", caption_of(title))
            found = [(m, _band_of(m)) for pattern in (_AGE_BAND, _AGES_NAMED, _OPEN_AGES, _UNDER_AGES)
                     for m in pattern.finditer(bracketed)]
            caption = bracketed if found else caption
        ages = found[0][1] if len(found) == 1 else None
        if not found:
            # no band named: every age, when another caption is the same but for its band ("Clozapine users by
            # region" beside "Clozapine users aged 18 years or older by region")
            bands.append((0, _OLDEST, " ".join(w for w in re.findall(r"[^\W_]+", caption.lower())
                                               if w not in _BAND_UNIT_WORDS) + " \x00"))
            continue
        if ages is None:
            bands.append(None)
            continue
        m = found[0][0]
        base = " ".join(w for w in re.findall(r"[^\W_]+", f"{caption[:m.start()]} # {caption[m.end():]}".lower())
                        if w not in _BAND_UNIT_WORDS)
        bands.append((ages[0], ages[1], base))
    out: list[Differenced] = []
    for k, t in enumerate(tables):
        inner = bands[k]
        if inner is None:
            continue
        if inner[2].endswith("\x00"):
            continue  # (a caption without a band is only ever the wider table)
        for other in _containing(bands, k):
            u, outer = tables[other], bands[other]
            if outer is None:
                continue
            if outer[2] != inner[2] and outer[2] != " ".join(inner[2].replace(" # ", " ").split()) + " \x00":
                continue
            found = _differences(t, u, group_free=True)
            if found is not None:
                out.append(Differenced(k, other, found, (titles[other], titles[k])))
                break
    return out


# A cumulative count's file or sheet ("kumuleret_ultimo2021", "cumulative_cases_2022", "kumulativ 2020").
_CUMULATIVE_TITLE = lazy_compile(r"(?i)kumul|cumul|akkumul|ackumul|kertym")
_TITLE_YEAR = lazy_compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def cumulative_differences(tables: Sequence[TextTable], titles: Sequence[str]) -> list[Differenced]:
    """Counts two tables of cumulative counts give, a year apart ("kumuleret_ultimo2021.csv" beside
    "kumuleret_ultimo2022.csv"): the later minus the earlier is each cell's new cases of that year (60 - 58
    is 2). The titles must be the same but for the year; every cell the two publish must not fall (at least
    four). ``table`` holds the differences in the rows of the later table (``k``), ``other`` is the earlier."""
    out: list[Differenced] = []
    for k, t in enumerate(tables):
        years = _TITLE_YEAR.findall(titles[k])
        if not _CUMULATIVE_TITLE.search(titles[k]) or len(years) != 1:
            continue
        later = _TITLE_YEAR.sub(str(int(years[0]) + 1), titles[k])
        for other, u in enumerate(tables):
            if other == k or titles[other] != later:
                continue
            # (a column named by its year: "antal (ultimo 2021)" beside "antal (ultimo 2022)"); the later table
            # is the one that adds the year's new cases: the differences are in its rows
            # (only columns of whole numbers: a share of the cohort beside the counts is no count)
            found = _differences(_yearless(t), _yearless(u), in_u=True, whole_only=True)
            if found is not None:
                out.append(Differenced(other, k, dataclasses.replace(found, names=list(u.names)),
                                       (titles[k], titles[other])))
                break
    return out


def _yearless(t: TextTable) -> TextTable:
    """``t`` with the years in its column names taken out."""
    return dataclasses.replace(t, names=[_TITLE_YEAR.sub("", n) for n in t.names])


_PLAIN_WHOLE = lazy_compile(r"\d+")
_DOT_GROUPED = lazy_compile(r"\d{1,3}(?:\.\d{3})+")


# A decimal comma after a whole part written plain or grouped with dots: "59,4", "1.204,5".
_COMMA_DECIMAL = lazy_compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")


def _dot_thousands(t: TextTable, u: TextTable) -> tuple[TextTable, TextTable]:
    """Two tables whose numbers group thousands with dots (Danish, Norwegian: "2.114" beside "872"), with the
    dots taken out; else the tables as they are. Every number of both must be a plain whole number or
    dot-grouped, and the grouping sure: some number plain beside the grouped ones (a column of decimals
    writes every number with its decimals, "872.000"), or one with two groups ("1.234.567"), or a decimal
    comma beside them (a share "59,4": the convention that groups with dots)."""
    cells = [x for tab in (t, u) for r in tab.rows for x in r[1:] if _number_text(x) is not None]
    grouped = [x for x in cells if _DOT_GROUPED.fullmatch(x.strip())]
    commas = [x for x in cells if _COMMA_DECIMAL.fullmatch(x.strip())]
    if not grouped or not all(_PLAIN_WHOLE.fullmatch(x.strip()) or _DOT_GROUPED.fullmatch(x.strip())
                              or _COMMA_DECIMAL.fullmatch(x.strip()) for x in cells):
        return t, u
    if len(grouped) + len(commas) == len(cells) and not commas and not any(x.count(".") > 1 for x in grouped):
        return t, u

    def plain(tab: TextTable) -> TextTable:
        rows = [[r[0], *(x.strip().replace(".", "") if _DOT_GROUPED.fullmatch(x.strip()) else x for x in r[1:])]
                if r else r for r in tab.rows]
        return dataclasses.replace(tab, rows=rows)

    return plain(t), plain(u)


def differences(t: TextTable, u: TextTable) -> TextTable | None:
    """``u`` minus ``t`` cell by cell in ``t``'s rows, over the columns of whole numbers both publish (see
    :func:`_differences`): ``t`` a table of some of ``u``'s units (a condition's rows), the rest counted."""
    return _differences(t, u, whole_only=True)


def _differences(t: TextTable, u: TextTable, *, in_u: bool = False, group_free: bool = False,
                 whole_only: bool = False) -> TextTable | None:
    """``u`` minus ``t`` cell by cell when ``u`` has ``t``'s columns and rows and no fewer in any cell both
    publish (at least four cells compared, some different), in ``t``'s rows (``in_u``: in ``u``'s); else
    None. ``whole_only``: only columns of whole numbers in both are compared (a mean or a rate beside the
    counts stays blank). ``group_free``: a group's table beside all's, compared on whole numbers, with column
    names matched without the group's words ("Antal män" is "Antal"), and ``u`` may have more columns."""
    if len(t.names) < 2:
        return None
    t, u = _dot_thousands(t, u)
    numeric = {c for c in range(1, len(t.names)) if any(c < len(r) and _number_text(r[c]) is not None
                                                         for r in t.rows)}
    labels = [c for c in range(len(t.names)) if c not in numeric]
    if not labels or not numeric:
        return None
    named = u if in_u else t  # (the differences keep the table's own column names)
    if group_free:
        # (a column named by its group, "Antal män" beside "Antal", is that group's column of the same count)
        t = dataclasses.replace(t, names=[_GROUP_PHRASE.sub("", n).strip() or n for n in t.names])
        u = dataclasses.replace(u, names=[_GROUP_PHRASE.sub("", n).strip() or n for n in u.names])
    columns = _twin_columns(t, u, labels, numeric, superset=group_free)
    # (a group's table beside all's with one column of numbers each, named by its group: "18+ years" beside
    # "All ages", the captions saying which is which)
    if columns is None or (columns[1] and not (group_free and len(numeric) == 1 and len(t.names) == len(u.names))):
        return None
    matched = _twin_rows(t, u, labels, columns[0])
    if group_free and len(t.rows) == len(u.rows) == 1 and len(numeric) >= 4:
        # one row each, named by its group ("All ages" over the months, "0-64 years" over the same months)
        matched = ([(0, 0)], False)
    if matched is None or matched[1] or len(matched[0]) < (1 if len(t.rows) == 1 else 2):
        return None
    base = u if in_u else t
    keep = {columns[0][c] for c in numeric} if in_u else numeric
    rows = [[r[c] if c not in keep and c < len(r) else "" for c in range(len(base.names))] for r in base.rows]
    compared = differ = 0
    if group_free or whole_only:
        # (a group's table beside all's may carry rates, means or shares beside its counts: only columns of
        # whole numbers in both are compared, the others stay blank; nor a mean or an amount printed whole,
        # "Gns. pensionsformue (kr.)")
        numeric = {c for c in numeric if not _statistic_or_amount(t.names[c])}
        numeric = {c for c in numeric if all(
            (x := _number_text(r[c]) if c < len(r) else None) is None or x.isdigit() for r in t.rows)
            and all((x := _number_text(r[columns[0][c]]) if columns[0][c] < len(r) else None) is None
                    or x.isdigit() for r in u.rows)}
        rows = [[r[c] if c not in numeric and c in labels and c < len(r) else "" for c in range(len(base.names))]
                for r in base.rows]
    for i, j in matched[0]:
        for c in numeric:
            uc = columns[0][c]
            a = _number_text(t.rows[i][c]) if c < len(t.rows[i]) else None
            b = _number_text(u.rows[j][uc]) if uc < len(u.rows[j]) else None
            if a is None or b is None:
                continue
            if not (a.isdigit() and b.isdigit()) or int(b) < int(a):
                return None  # not counts, or the other table is no superset of this one
            compared += 1
            differ += int(b) != int(a)
            if in_u:
                rows[j][uc] = str(int(b) - int(a))
            else:
                rows[i][c] = str(int(b) - int(a))
    if compared < 4 or not differ:
        return None
    return TextTable(list(named.names), rows, base.data_line, base.kind, base.lines, base.dimensions)


def band_differences(tables: Sequence[TextTable], threshold: int) -> list[Differenced]:
    """:func:`_band_differences` of the tables as they are (classes as columns), and of those whose rows are
    classes turned (:func:`_classes_as_columns`): the counts found are then rows under the table's own."""
    out = _band_differences(tables, threshold)
    turned = [(k, u) for k, t in enumerate(tables) if (u := _classes_as_columns(t)) is not None]
    if len(turned) < 2:
        return out
    for d in _band_differences([u for _, u in turned], threshold):
        k, other = turned[d.k][0], turned[d.other][0]
        t = tables[k]
        # back in the table's own orientation: a row per class recomputed, its count under each column
        found = d.table.names[1:]
        by_column = {r[0]: r[1:] for r in d.table.rows}
        rows = [[name, *(by_column.get(c, [""] * len(found))[j] for c in t.names[1:])] for j, name in enumerate(found)]
        out.append(Differenced(k, other, TextTable(list(t.names), rows, t.data_line, t.kind,
                                                   dimensions=(t.names[0],)), d.how, rows_are_classes=True))
    return out


def band_rows_differences(tables: Sequence[TextTable], threshold: int) -> list[Differenced]:
    """Two tables of one document whose rows are age bands cut at other bounds ("15-20 år" beside "15-19 år")
    and whose grand totals are the same (the same units, "I alt 74" in both): the bands of the common
    refinement their counts pin (18 - 17 is one aged 20), as rows under the table's own. Each table's counts
    are its one column of numbers, or its total column; its margin rows are left out of the bands."""
    from scanner.names import is_margin_label

    picked: list[tuple[int, TextTable, float]] = []
    for k, t in enumerate(tables):
        rows = [r for r in t.rows if r and not is_margin_label(r[0])]
        margins = [r for r in t.rows if r and is_margin_label(r[0])]
        turned = _classes_as_columns(dataclasses.replace(t, rows=rows)) if len(rows) >= 2 else None
        if turned is None:
            continue
        numeric = [r for r in turned.rows if all(_number_text(c) is not None for c in r[1:])]
        if len(numeric) == 1:
            row = numeric[0]
        else:
            row = next((r for r in numeric if is_margin_label(r[0])), None)
            if row is None:
                continue
        total = sum(float(x) for c in row[1:] if (x := _number_text(c)) is not None and x.replace(".", "").isdigit())
        column = t.names.index(row[0]) if row[0] in t.names else None
        stated = [float(x) for r in margins if column is not None and column < len(r)
                  and (x := _number_text(r[column])) is not None and x.replace(".", "").isdigit()]
        if stated and abs(stated[0] - total) > 1e-9:
            continue  # the margin row is no sum of the bands (a total of another population, a rate)
        picked.append((k, TextTable(["column", *turned.names[1:]], [["count", *row[1:]]], t.data_line, t.kind),
                       total))
    out: list[Differenced] = []
    for (k, a, total_a), (other, b, total_b) in itertools.combinations(picked, 2):
        if abs(total_a - total_b) > 1e-9 or a.names == b.names:
            continue
        for d in _band_differences([a, b], threshold, min_rows=1):
            mine, theirs = (k, other) if d.k == 0 else (other, k)
            t = tables[mine]
            found = [(name, r[1 + j]) for j, name in enumerate(d.table.names[1:]) for r in d.table.rows if r[1 + j]]
            if found:
                rows = [[name.removeprefix("Antal "), value] for name, value in found]
                out.append(Differenced(mine, theirs, TextTable([t.names[0], "Antal"], rows, t.data_line, t.kind,
                                                               dimensions=(t.names[0],)), d.how,
                                       rows_are_classes=True))
    return out


def _band_differences(tables: Sequence[TextTable], threshold: int, *, min_rows: int = 2) -> list[Differenced]:
    """Pairs of tables with the same row labels whose columns are classes cut at different bounds: the
    classes of the common refinement that their published counts pin, per row, when they are fewer than
    ``threshold`` (and not 0), and cells one of them hides that the other's classes give back (reported in
    the table that hides them; a class neither publishes is reported in the second table of the pair).

    The two tables must describe the same units: every row's counts fit one refinement exactly (a table of
    another year or population does not), on at least ``min_rows`` rows (two; one where the caller has
    checked that the tables count the same units)."""
    import numpy as np

    from scanner.loaders.base import SUPPRESSION_MARKER

    read: list[tuple[list[int], dict[tuple[str, ...], int], dict[int, tuple[int, int]]] | None] = []
    for t in tables:
        bands = {c: b for c, n in enumerate(t.names) if (b := _band(n)) is not None}
        labels = [c for c, n in enumerate(t.names) if c not in bands and not any(
            c < len(r) and (_number_text(r[c]) is not None or SUPPRESSION_MARKER.fullmatch(r[c].strip()))
            for r in t.rows)]
        keys = _row_keys(t, labels) if len(bands) >= 2 and labels else None
        read.append((labels, keys, bands) if keys else None)
    out: list[Differenced] = []
    for a, b in itertools.combinations(range(len(tables)), 2):
        ra, rb = read[a], read[b]
        if ra is None or rb is None or set(ra[2].values()) == set(rb[2].values()):
            continue
        if [_norm_label(tables[a].names[c]) for c in ra[0]] != [_norm_label(tables[b].names[c]) for c in rb[0]]:
            continue
        common = [key for key in ra[1] if key in rb[1]]
        if len(common) < min_rows:
            continue
        cuts = sorted({lo for lo, _ in (*ra[2].values(), *rb[2].values())}
                      | {hi + 1 for _, hi in (*ra[2].values(), *rb[2].values())})
        atoms = list(itertools.pairwise(cuts))
        found: dict[int, dict[str, dict[int, float]]] = {a: {}, b: {}}
        how: dict[int, set[str]] = {a: set(), b: set()}
        fitted = 0
        consistent = True
        for key in common:
            eqs, vals, hidden_cells = [], [], []
            for t_idx, (_, keys, bands) in ((a, ra), (b, rb)):
                row = tables[t_idx].rows[keys[key]]
                for c, (lo, hi) in bands.items():
                    vec = [1.0 if lo <= x < hi + 1 and y <= hi + 1 else 0.0 for x, y in atoms]
                    text = row[c] if c < len(row) else ""
                    number = _number_text(text)
                    if number is not None:
                        try:
                            vals.append(float(number))
                        except ValueError:
                            continue
                        eqs.append(vec)
                    elif SUPPRESSION_MARKER.fullmatch(text.strip()):
                        hidden_cells.append((t_idx, c, vec))
            if len(eqs) < 2:
                continue
            m = np.array(eqs)
            v = np.array(vals)
            x, *_ = np.linalg.lstsq(m, v, rcond=None)
            if np.abs(m @ x - v).max() > 1e-6 * max(1.0, float(np.abs(v).max())):
                consistent = False
                break
            fitted += 1
            rank = np.linalg.matrix_rank(m)

            def pinned(vec: list[float], m: np.ndarray = m, rank: int = rank) -> bool:
                return bool(np.linalg.matrix_rank(np.vstack([m, vec])) == rank)

            # (a class one table hides is reported as that table's hidden cell, below)
            published = {tuple(e) for e in eqs} | {tuple(vec) for _, _, vec in hidden_cells}
            for s, (lo, hi) in enumerate(atoms):
                vec = [1.0 if k == s else 0.0 for k in range(len(atoms))]
                if tuple(vec) in published or not pinned(vec):
                    continue
                value = float(np.dot(vec, x))
                if 0.5 <= value < threshold:
                    name = f"Antal {lo}-{hi - 1 if hi < 1000 else ''} (difference of two tables)"
                    found[b].setdefault(name, {})[rb[1][key]] = value
                    how[b].add(f"{lo}-{hi - 1 if hi < 1000 else ''}")
            for t_idx, c, vec in hidden_cells:
                if pinned(vec):
                    value = float(np.dot(vec, x))
                    if 0.5 <= value < threshold:
                        name = f"Antal {tables[t_idx].names[c]} (recomputed from the other table)"
                        keys = (ra if t_idx == a else rb)[1]
                        found[t_idx].setdefault(name, {})[keys[key]] = value
                        how[t_idx].add(tables[t_idx].names[c])
        if not consistent or fitted < min_rows:
            continue
        for t_idx, columns in found.items():
            if not columns:
                continue
            t = tables[t_idx]
            labels = (ra if t_idx == a else rb)[0]
            names = [t.names[c] for c in labels] + list(columns)
            rows = [[r[c] if c < len(r) else "" for c in labels]
                    + [f"{columns[n][i]:.0f}" if i in columns[n] else "" for n in columns]
                    for i, r in enumerate(t.rows)]
            table = TextTable(unique_names(names), rows, t.data_line, t.kind, t.lines,
                              dimensions=tuple(unique_names(names)[:len(labels)]))
            out.append(Differenced(t_idx, b if t_idx == a else a, table, tuple(sorted(how[t_idx]))))
    return out


def _semicolon_cells(line: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in next(_csv.reader([line.strip()], delimiter=";"))]


def _aligned_cells(line: str) -> list[str]:
    return [c for c in _ALIGNED_SPLIT.split(line.strip()) if c != ""]


# A cell of data no header holds: events of a group's size ("412/9214", not a year span "2019/20") and an
# estimate with its interval ("1,29 (1,12–1,50)").
_FRACTION_CELL = lazy_compile(r"^\s*(\d{1,7})\s*/\s*(\d{1,7})\s*$")
_ESTIMATE_CELL = lazy_compile(r"^\s*-?\d[\d.,]*\s*[(\[]\s*-?\d[\d.,]*\s*(?:[-–;]|,\s|\bto\b)\s*-?\d[\d.,]*\s*[)\]]\s*$")


def _data_cell(cell: str) -> bool:
    if _BARE_NUMBER.match(cell) or _ESTIMATE_CELL.match(cell):
        return True
    m = _FRACTION_CELL.match(cell)
    return m is not None and int(m.group(1)) <= int(m.group(2)) and not 1900 <= int(m.group(1)) <= 2100


def _is_header(cells: list[str]) -> bool:
    return not any(_data_cell(c) for c in cells if c)


def is_header_row(first: list[str], below: list[list[str]]) -> bool:
    """Whether ``first`` names the columns of the rows ``below``: none of its cells is a bare number, or it
    is the column levels that are numbers over row labels (:func:`scanner.loaders.dialect.levels_over_labels`:
    "", "1", "2", "Total" over "North", "45", "38", "83"; sex coded 1/2)."""
    from scanner.loaders.dialect import levels_over_labels

    labels = [r[0] if r else "" for r in below]
    return _is_header(first) or levels_over_labels(first, labels) or _years_over_labels(first, labels) \
        or _steps_over_labels(first, labels)


# The name over a table's label column when its columns are points in time: "Strata | 0 | 1 | 2" (a risk table's
# years), "Tid (år)", "Months".
_TIME_WORD = lazy_compile(r"(?i)^(?:strata|stratum|time|tid|aika|years?|months?|weeks?|days?|år|måneder|"
                          r"månader|m(?:å|a)ned|uger|veckor|uker|dage|dagar|dager|vuotta|kuukautta|follow[- ]?up|"
                          r"opfølgning|uppföljning|oppfølging|seuranta|number at risk|at risk|i risiko|i risk)\b")


def _steps_over_labels(first: list[str], labels: list[str]) -> bool:
    """Points in time as column names over rows of text labels ("Strata  0  1  2  3  4  5  6" over a risk
    table's "lakemedel=Apixaban 71204 ..."): a name over the label column, then three or more whole numbers
    evenly spaced and increasing, from 0 or under a word for time."""
    if len(first) < 4 or not first[0].strip() or _NUMBERISH.match(first[0].strip()):
        return False
    cells = [c.strip() for c in first[1:]]
    if not all(re.fullmatch(r"\d{1,4}", c) for c in cells):
        return False
    steps = [int(b) - int(a) for a, b in itertools.pairwise(cells)]
    if not steps or steps[0] <= 0 or any(d != steps[0] for d in steps):
        return False
    return (cells[0] == "0" or _TIME_WORD.match(first[0].strip()) is not None) and len(labels) >= 2 \
        and all(v.strip() and not _NUMBERISH.match(v.strip()) for v in labels)


def _years_over_labels(first: list[str], labels: list[str]) -> bool:
    """Years as column names ("Kommune | 2021 | 2022 | 2023 | I alt") over rows that start with text labels:
    a name over the label column, two or more years in increasing order, and besides them only names (a
    total, "Förändring 2021-2022")."""
    if len(first) < 3 or not first[0].strip() or _NUMBERISH.match(first[0].strip()):
        return False
    years = []
    for c in (x.strip() for x in first[1:]):
        if re.fullmatch(r"(?:19|20)\d\d", c):
            years.append(int(c))
        elif c and (_NUMBERISH.match(c) or not re.search(r"[^\W\d_]{3,}", c)):
            return False  # a number or a mark among the years: a row of data ("Förändring 2021-2022" is a name)
    return len(years) >= 2 and all(b > a for a, b in itertools.pairwise(years)) and len(labels) >= 2 \
        and all(v.strip() and not _NUMBERISH.match(v.strip()) for v in labels)


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique (``n``, ``n_2``); an empty name becomes ``column_<k>``."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        base = name or f"column_{i + 1}"
        k = seen.get(base, 0)
        seen[base] = k + 1
        out.append(base if k == 0 else f"{base}_{k + 1}")
    return out


# SPSS's parameter codings: ".000" and "1.000" under "(1)", "(2)" (which may stand as a row among them).
_INDICATOR = lazy_compile(r"^(?:0?\.000|1\.000)$")
_CODING_LEVEL = lazy_compile(r"^\(\d{1,2}\)$")


def without_indicators(names: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """``names`` and ``rows`` without the columns of indicator codes (SPSS's "Categorical Variables
    Codings": ``1.000`` and ``.000`` per level, the design of a contrast, no counts). Rows are as wide as
    ``names``. At least one other column is kept."""
    width = len(names)
    codes = [c for c in range(1, width)
             if all(_INDICATOR.match(r[c].strip()) or _CODING_LEVEL.match(r[c].strip()) for r in rows if r[c].strip())
             and any(r[c].strip() == "1.000" for r in rows) and any(r[c].strip() in (".000", "0.000") for r in rows)]
    if not codes or len(codes) >= width - 1:
        return names, rows
    keep = [c for c in range(width) if c not in codes]
    return [names[c] for c in keep], [[r[c] for c in keep] for r in rows]


# A box's rule line, its junctions marked: "|----------+---------|", "|     |-----+-----|     |" (SAS PROC TABULATE).
_ASCII_BOX_RULE = lazy_compile(r"^\s*\|[\s|]*[-=]+(?:\+[-=]+)+[\s|]*\|?\s*$")


def _spanned_header(block: list[tuple[int, list[str]]], raw: list[str]) -> tuple[list[tuple[int, list[str]]], int]:
    """A pipe box whose header lines have fewer cells than its rows (a spanning "Men" over "No | Yes"): the
    header as one row of the rows' width, each column named by the header cells above its middle, top to
    bottom ("Men | Disability benefit | Yes | N"), then the rows. The block unchanged when its rows do not share
    one width."""
    widths = [len(c) for _, c in block]
    data = [k for k, (_, c) in enumerate(block) if any(_NUMBERISH.match(x) for x in c[1:] if x)]
    if not data:
        return block, len(block[0][1])
    width = widths[data[-1]]
    first = data[0]
    if first == 0 or any(widths[k] != width for k in data):
        return block, len(block[0][1])
    # each column's middle, by the rows' bars
    bars = [m.start() for m in re.finditer(r"\|", raw[first])]
    if len(bars) != width + 1:
        return block, len(block[0][1])
    middles = [(a + b) / 2 for a, b in itertools.pairwise(bars)]
    names = [""] * width
    for line in raw[:first]:
        cuts = [m.start() for m in re.finditer(r"\|", line)]
        for a, b in itertools.pairwise(cuts):
            text = line[a + 1:b].strip()
            if not text:
                continue
            for j, mid in enumerate(middles):
                if a < mid < b:
                    names[j] = f"{names[j]} | {text}" if names[j] else text
    return [(block[0][0], names), *block[first:]], width


def _table(block: list[tuple[int, list[str]]], kind: str, *, ruled_header: bool = False) -> TextTable | None:
    """The table of a block of rows of cells; ``ruled_header``: the first row is the header (a markdown
    table's alignment row says so), else it is when it reads as one."""
    width = len(block[0][1])
    header = block[0][1] if ruled_header or is_header_row(block[0][1], [cells for _, cells in block[1:]]) else None
    body = block[1:] if header is not None else block
    if not body or not any(_NUMBERISH.match(c) for _, cells in body for c in cells if c):
        return None
    rows = [cells for _, cells in body]
    if header is None:
        # rows of numbers with single spaces inside a cell ("2 35 751  229605", a data set written without
        # a header): each of those numbers is a column
        rows = merged_numbers_split([[""] * width, *rows], first=0)[1:]
        width = len(rows[0])
    names = unique_names(header if header is not None else [f"column_{i + 1}" for i in range(width)])
    names, rows = without_indicators(names, [(r + [""] * len(names))[:len(names)] for r in rows])
    return TextTable(names, rows, body[0][0], kind)


def _coded_levels(row: list[str], below: list[str]) -> bool:
    """A row of a column variable's coded levels under its name (SPSS: "koen" over "1", "2", and no level
    under "Total"): no label, small whole numbers only, and fewer cells than the row below it."""
    cells = [c for c in row if c]
    return not row[0] and bool(cells) and all(re.fullmatch(r"\d{1,4}", c) for c in cells) \
        and len(cells) < len([c for c in below if c])


def _tab_table(block: list[tuple[int, list[str]]]) -> TextTable | None:
    """A block of tab-separated lines as a table: the leading lines without a number are its header rows
    (SPSS writes a column variable's name over its categories: each column is named by its lowest header
    cell), the rest its rows; rows with fewer fields are padded."""
    width = max(len(cells) for _, cells in block)
    rows = [(n, (cells + [""] * width)[:width]) for n, cells in block]
    heads = 0
    while heads < min(3, len(rows) - 1) and (not any(_NUMBERISH.match(c) for c in rows[heads][1] if c)
                                             or (heads and _coded_levels(rows[heads][1], rows[heads + 1][1]))):
        heads += 1
    if heads == 0:
        return _table(rows, "delimited")
    names = [next((r[c] for _, r in reversed(rows[:heads]) if r[c]), "") for c in range(width)]
    body = rows[heads:]
    if not any(_NUMBERISH.match(c) for _, cells in body for c in cells if c):
        return None
    names = unique_names([n or f"column_{c + 1}" for c, n in enumerate(names)])
    names, table_rows = without_indicators(names, [cells for _, cells in body])
    return TextTable(names, table_rows, body[0][0], "delimited")


def gutter_spans(lines: list[str]) -> list[tuple[int, int]]:
    """Column spans ``(start, end)`` of fixed-width lines: the runs of character positions that are not
    blank (a space, or past the end) in every line."""
    width = max((len(x) for x in lines), default=0)
    blank = [True] * width
    for x in lines:
        for p, ch in enumerate(x):
            if ch != " ":
                blank[p] = False
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for p in range(width + 1):
        if p < width and not blank[p]:
            start = p if start is None else start
        elif start is not None:
            spans.append((start, p))
            start = None
    return spans


_FIRST_GROUP = lazy_compile(r"^[-\u2212]?\d{1,3}$")
# A header's piece: words, or no digits at all ("Barn", "0–17 år", "(N)"), never a number alone.
_HEADER_PIECE = lazy_compile(r"[^\W\d_]{2,}|^\D+$")
# (the last group may carry the decimals: "18 412,6")
_THREE_DIGITS = lazy_compile(r"^\d{3}(?:[.,]\d{1,3})?$")
_SHORT_NUMBER = lazy_compile(r"^[-\u2212]?\d{1,3}(?:[.,]\d+)?$")


def thousands_joined(spans: list[tuple[int, int]], lines: list[str]) -> list[tuple[int, int]]:
    """Spans that a thousands separator split: numbers written with a space between groups of digits
    ("5 112", "2 918" over "410", "18 412,6", as Nordic reports print them) leave a one-character gutter in a column
    of four-digit numbers. Two spans one blank apart are one column when, on every line, the right one holds
    exactly three digits beside one to three digits on the left, or a number of at most three digits with
    nothing on the left (a header over either part is one name). Read apart, the leading digit was a count."""
    if len(spans) < 2:
        return spans
    out = [spans[0]]
    for a, b in spans[1:]:
        pa, pb = out[-1]
        if a - pb == 1 and _grouped_digits([(x[pa:pb].strip(), x[a:b].strip()) for x in lines]):
            out[-1] = (pa, b)
        else:
            out.append((a, b))
    return out


def _grouped_digits(pairs: list[tuple[str, str]]) -> bool:
    """Whether (left, right) pieces of lines read as one column of space-grouped numbers (see
    :func:`thousands_joined`); lines with letters on either side are the header, and at most the first two."""
    grouped = 0
    two_names = False
    lefts = 0  # data lines with something on the left
    for k, (left, right) in enumerate(pairs):
        if not left and not right:
            continue
        if _FIRST_GROUP.match(left) and (_THREE_DIGITS.match(right) or _GROUPED_THOUSANDS.match(right)):
            grouped += 1  # ("2" beside "114 724": a seven-digit number split after its first group)
            lefts += 1
        elif not left and (_SHORT_NUMBER.match(right) or _GROUPED_THOUSANDS.match(right)):
            continue
        elif k < 2 and _HEADER_PIECE.search(left + right):
            if left and right and not right.startswith(("(", "[", "%")) and not is_margin_label(f"{left} {right}"):
                two_names = True  # two names ("n" over "2", "pct" over "918"), or one split ("Barn 0–17 år")
            continue  # the header's words over the column ("Aloittaneet (N)" split at its space)
        else:
            return False
    # two names over two columns, unless the left one holds nothing but the leading groups of a few numbers
    # that run into the right one's: then the name is one, split at its space
    data = sum(1 for left, right in pairs[2:] if left or right)
    return grouped > 0 and (not two_names or 3 * lefts <= max(data, 1))


_WORDS = lazy_compile(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}")
# The header of reghdfe's "Absorbed degrees of freedom" table (Absorbed FE | Categories - Redundant = Num. Coefs).
_DOF_HEADER = lazy_compile(r"(?i)\bnum\.?\s*coefs\b|\babsorbed\s+fe\b")


def _fixed_width(block: list[tuple[int, str]], underlined: frozenset[int] = frozenset()) -> TextTable | None:
    """A paragraph whose lines share blank gutters at the same character positions: a printed table.

    Columns are the runs of positions between gutters (a position blank, or past the end, in every
    line). Prose does not keep gutters over three lines, and the table must have a column of numbers in
    every data line besides at least one other column. ``underlined``: the numbers of lines a rule line
    stood under (dropped before): a first line so underlined is the header, whatever it holds.
    """
    # A bar between columns (Stata's "label |  freq") is a gutter too.
    lines = [line.expandtabs(8).replace("|", " ").rstrip() for _, line in block]
    spans = thousands_joined(gutter_spans(lines), lines)
    if len(lines) >= 4 and _one_cell(block[0][1]) \
            and len(thousands_joined(gutter_spans(lines[1:]), lines[1:])) > len(spans):
        # a title line over the table ("Number at risk", "Kumulerede hændelser") runs across the gutter
        # between the row labels and the first column: the table starts under it
        return _fixed_width(block[1:], underlined)
    if len(spans) >= 3 and not any(x[spans[-1][0]:spans[-1][1]].strip() for x in lines[1:]):
        # a header word past the last column of numbers ("(%)" of "Genindlagt (%)") is that column's name
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    if len(lines) >= 3:
        # a header word over no column that begins the next column's name as a total ("I" of "I alt" over
        # right-aligned numbers under "alt"): one name
        merged: list[tuple[int, int]] = []
        for a, b in spans:
            if merged and merged[-1][1] < a and not any(x[merged[-1][0]:merged[-1][1]].strip() for x in lines[1:]) \
                    and is_margin_label(f"{lines[0][merged[-1][0]:merged[-1][1]].strip()} {lines[0][a:b].strip()}"):
                merged[-1] = (merged[-1][0], b)
                continue
            merged.append((a, b))
        spans = merged
        spans = _header_words_joined(spans, lines)
    if len(spans) < 2:
        return None
    rows = [[line[a:b].strip() for a, b in spans] for line in lines]
    rows = merged_numbers_split(_label_pieces_joined(left_label_pieces_joined(rows, spans)))
    header = rows[0] if is_header_row(rows[0], rows[1:]) or _underlined_names(block, rows, underlined) else None
    body = rows[1:] if header is not None else rows
    names_row = 0
    if header is None and len(rows) >= 4 and _names_row_dimensions(rows[1], rows[2:]) \
            and not any(rows[0][k] for k in range(_first_numeric(rows[2:])) if any(r[k] for r in rows[2:])):
        # R ftable: the column labels are years ("year 2019 2020"), over a line naming the row dimensions;
        # the header is nothing over the row labels (a filled row label there is data, not a header)
        header, body = rows[0], rows[1:]
    elif header is None and len(rows) >= 3 and _labels_over_numbers(rows):
        # R's table() with numeric levels ("1  2" over "North 45 38"): the first line has nothing over
        # the row labels, which every line below fills: it is the column labels, not a row of cells
        header, body = rows[0], rows[1:]
    while header is not None and len(body) >= 3 and not body[0][0] and sum(1 for c in body[0] if c) >= 2 \
            and not any(_BARE_NUMBER.match(c) for c in body[0] if c) \
            and all(header[k] and any(_BARE_NUMBER.match(r[k]) for r in body[1:]) for k, c in enumerate(body[0]) if c):
        # a header's second line of units under the names ("Lønsum" over "mio. kr.", "Største virk." over
        # "andel, pct."), each under a name, nothing over the labels: part of the names, over numbers
        header = [" | ".join(x for x in (h, b) if x) for h, b in zip(header, body[0], strict=True)]
        body = body[1:]
        names_row += 1
    if header is not None and len(body) >= 3 and _names_row_dimensions(body[0], body[1:]):
        # A second header line names the row dimensions, under the column dimension's name and labels:
        # pandas (crosstab, groupby: "sex" under "region  Nord  Syd"), R ftable ("sex region" under
        # "year 2019 2020").
        header = [body[0][k] or header[k] if k < _first_numeric(body[1:]) else header[k] for k in range(len(header))]
        body = body[1:]
        names_row = 1
        # a column of the header alone (ftable's "year", the column dimension's name) holds no cells
        keep = [k for k in range(len(header)) if any(r[k] for r in body)]
        header, body = [header[k] for k in keep], [[r[k] for k in keep] for r in body]
    if header is not None and len(body) >= 3 and _labels_over_numbers(body):
        # the column variable's name and "Total" over its numeric levels (SPSS "koen  Total" over "1  2"):
        # the levels line names the columns, it is not a row of cells
        header = [b or h for h, b in zip(header, body[0], strict=True)]
        body = body[1:]
        names_row += 1
    while header is not None and len(body) >= 3 and _header_continues(body[0], body[1:]):
        # a header over several lines (Stata wraps a long row variable's name; the column levels and
        # "Total" come on its last line): the lowest line names the columns
        header = [b or h for h, b in zip(header, body[0], strict=True)]
        body = body[1:]
        names_row += 1
    body_at = [n for n, _ in block[len(rows) - len(body):]]
    if header is not None and sum(1 for c in header if c) >= 3 and len(body) >= 4:
        # a section's heading among the rows ("Sex" over "  Women", "  Men"; "Marital status" over its levels):
        # a label alone, a row with numbers under it; no cells of its own
        sections = [k for k, r in enumerate(body) if r[0] and not any(r[1:]) and k + 1 < len(body)
                    and sum(1 for c in body[k + 1] if c) >= 2]
        if sections and len(sections) * 2 <= len(body):
            body = [r for k, r in enumerate(body) if k not in sections]
            body_at = [n for k, n in enumerate(body_at) if k not in sections]
    if len(body) < 2 or any(sum(1 for c in r if c) < 2 for r in body):
        return None
    width = len(body[0])
    numeric = [k for k in range(width) if all(_BARE_NUMBER.match(r[k]) for r in body)]
    if not numeric or (len(numeric) == width and header is None):
        return None
    if numeric == [0] and all(_LIST_MARK.match(r[0]) for r in body) \
            and sum(len(c.split()) for r in body for c in r[1:]) >= 5 * len(body):
        return None  # a numbered list of sentences ("1. Andelen af domme ...", "2. ..."): prose, no table
    names = header if header is not None else [f"column_{k + 1}" for k in range(width)]
    names, body = label_and_number_split(names, body)
    names = unique_names(names)
    if any(_DOF_HEADER.search(n) for n in names):
        return None  # reghdfe's absorbed degrees of freedom: categories of fixed effects, not units
    # the rows' own line numbers: rule lines and sections' headings between them were dropped
    at = tuple(body_at)
    return TextTable(names, body, at[0], "fixed-width", at if at[-1] - at[0] != len(at) - 1 else ())


def _underlined_names(block: list[tuple[int, str]], rows: list[list[str]], underlined: frozenset[int]) -> bool:
    """Whether the first line is a header a rule line underlines, over two rows or more: a name over the
    labels and levels coded as numbers ("flerfodsel  0  1  Total" over "-----" and "1  72004 ...", a
    tabulate of microdata.no or Stata without its bar), which read alone would be a row of cells. Its first
    cell names the labels under it (a name over no column, Stata's wrapped "ll" of "owner_spe|ll", is none)."""
    first = rows[0]
    return block[0][0] in underlined and len(rows) >= 3 and bool(first[0]) and not _NUMBERISH.match(first[0]) \
        and sum(1 for c in first if c) >= 3 and any(r[0] for r in rows[1:]) \
        and all(re.fullmatch(r"\d{1,4}", c) or not _NUMBERISH.match(c) for c in first[1:] if c)


# A numbered list's mark: "1.", "2)", "(3)".
_LIST_MARK = lazy_compile(r"^\(?\d{1,2}[.)]$")


def _header_words_joined(spans: list[tuple[int, int]], lines: list[str]) -> list[tuple[int, int]]:
    """Columns with the header's words joined back: a name wider than its column of values, or set beside it,
    leaves words over a gutter of the rows, read as columns of their own with no cells ("Alle brukere" over
    right-aligned counts, "Fødsler (N)" over "612", "18-24 år" left of its numbers, as a PDF's layout text sets
    them). Such header words join the nearer of the columns of numbers beside them: the one on their left
    (not the label column) or the first one on their right past other words of the header; never a column
    named by a number (R ftable's "year" over the levels "2019 2020"). Nearness is the header's own spacing
    first ("Herav kvinner" one space apart, "Herav" three spaces right of "brukere"), the values' where a side
    has no header text."""
    width = max((len(x) for x in lines), default=0)
    head = lines[0].ljust(width)
    body = [x.ljust(width) for x in lines[1:]]  # (a line's last cell, its trailing blanks cut, is padded back)

    def cells(a: int, b: int) -> list[str]:
        return [x[a:b].strip() for x in body if x[a:b].strip()]

    def numbers(a: int, b: int) -> bool:
        found = cells(a, b)
        return bool(found) and all(_BARE_NUMBER.match(c) for c in found)

    def start(text: str, a: int, b: int) -> int:
        return a + len(text[a:b]) - len(text[a:b].lstrip())

    def end(text: str, a: int, b: int) -> int:
        return a + len(text[a:b].rstrip())

    def values_start(a: int, b: int) -> int:
        return min(start(x, a, b) for x in body if x[a:b].strip())

    def values_end(a: int, b: int) -> int:
        return max(end(x, a, b) for x in body if x[a:b].strip())

    out: list[tuple[int, int]] = []
    k = 0
    while k < len(spans):
        a, b = spans[k]
        if k == 0 or not head[a:b].strip() or cells(a, b):
            out.append((a, b))
            k += 1
            continue
        # the first column with values on the right, past header words only
        j = k + 1
        while j < len(spans) and not cells(*spans[j]) and head[spans[j][0]:spans[j][1]].strip():
            j += 1
        right = j < len(spans) and numbers(*spans[j]) and not _BARE_NUMBER.match(head[spans[j][0]:spans[j][1]].strip())
        left = len(out) > 1 and numbers(*out[-1])
        to_left = to_right = None
        if left:
            pa, pb = out[-1]
            to_left = start(head, a, b) - end(head, pa, pb) if head[pa:pb].strip() else a - values_end(pa, pb)
        if right:
            na, nb = spans[k + 1]
            to_right = start(head, na, nb) - end(head, a, b) if head[na:nb].strip() else \
                values_start(*spans[j]) - b
        if to_right is not None and (to_left is None or to_right <= to_left):
            out.append((a, spans[j][1]))
            k = j + 1
        elif to_left is not None:
            out[-1] = (out[-1][0], b)
            k += 1
        else:
            out.append((a, b))
            k += 1
    return out


def left_label_pieces_joined(rows: list[list[str]], spans: list[tuple[int, int]]) -> list[list[str]]:
    """Rows whose right-aligned label ran left across a gutter (SAS's "7 eller fler" under the levels 0 to
    6): a first column without a header, one blank left of the second (``spans``: the columns' character
    spans), filled in under a third of the rows below it, each piece beside a cell that is not a number, is
    the start of those labels (a 7 read as a count failed a safe table). A wider gutter is a column of its
    own, filled on a group's first row (SPSS's "indkomst" over "Highest" and "Lowest")."""
    if len(rows) < 4 or len(rows[0]) < 3 or rows[0][0] or len(spans) < 2 or spans[1][0] - spans[0][1] != 1:
        return rows
    filled = [r for r in rows[1:] if r[0]]
    if not filled or len(filled) * 3 >= len(rows) - 1 or not all(r[1] and not _BARE_NUMBER.match(r[1])
                                                                  for r in filled):
        return rows
    return [[f"{r[0]} {r[1]}".strip(), *r[2:]] for r in rows]


def _label_pieces_joined(rows: list[list[str]]) -> list[list[str]]:
    """Rows whose label ran across a gutter ("Diabetes type 1" where every other label is shorter): a
    column right of the labels that is filled in under a third of the rows below an unnamed header cell is
    the rest of those rows' labels, not a column of numbers."""
    if len(rows) < 4:
        return rows
    width = len(rows[0])
    k = 1
    while k < width:
        body = rows[1:]
        filled = [r for r in body if r[k]]
        left_text = all(not r[k - 1] or not _BARE_NUMBER.match(r[k - 1]) for r in body)
        if not rows[0][k] and filled and len(filled) * 3 < len(body) and left_text \
                and all(r[k - 1] for r in filled):
            rows = [[*r[:k - 1], f"{r[k - 1]} {r[k]}".strip(), *r[k + 1:]] for r in rows]
            width -= 1
            continue
        k += 1
    return rows


_NUMBER_TOKEN = lazy_compile(r"^[-+\u2212]?\d[\d.,]*%?$")
_GROUPED_THOUSANDS = lazy_compile(r"^-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")  # ("12 345", "18 412,6")


def merged_numbers_split(rows: list[list[str]], first: int = 1) -> list[list[str]]:
    """Columns that a misaligned row merged: one row printed a character or two off its column (a hand-edited
    log, a tab expanded differently) fills the gutter between its neighbours, so several columns of numbers
    become one whose cells read ``2  286000.000  251000`` (and would be taken for one number, or the count
    column for a label). A column whose every filled cell below its header is the same number of numbers
    (two or more), and whose header cell is as many words or empty, is split back into that many columns.
    Digits grouped by single spaces (``12 345``, ``18 412,6``: a Nordic thousands separator) are one number, not
    two.
    ``first``: the first column that may be split (the first is a table's labels; 0 for rows of numbers only)."""
    if len(rows) < 3:
        return rows
    k = first
    while k < len(rows[0]):
        start = next((i for i, r in enumerate(rows) if r[k] and all(_NUMBER_TOKEN.match(t) for t in r[k].split())),
                     None)
        if start is None or start == 0:
            k += 1
            continue
        below = [r[k] for r in rows[start:]]
        counts = {len(c.split()) for c in below if c}
        headers = [r[k] for r in rows[:start] if r[k]]
        m = counts.pop() if len(counts) == 1 else 0
        if m < 2 or not all(c and all(_NUMBER_TOKEN.match(t) for t in c.split()) for c in below) \
                or all(_GROUPED_THOUSANDS.match(c) for c in below) \
                or any(len(h.split()) != m for h in headers):
            k += 1
            continue
        rows = [[*r[:k], *(r[k].split() if r[k] else [""] * m), *r[k + 1:]] for r in rows]
        k += m
    return rows


def _one_cell(line: str) -> bool:
    """A line of one cell (no gap of two spaces between its words): a title, not a header row such as SAS's
    ``Cumulative     Cumulative`` over its columns."""
    return len(re.split(r"\s{2,}", line.strip())) == 1


def summary_row(block: list[tuple[int, str]]) -> TextTable | None:
    """A header of statistics over one row of numbers (R's ``summary()``: ``Min. 1st Qu. Median Mean 3rd Qu.
    Max.``; ``quantile()``: ``0% 25% 50% 75% 100%``): a one-row table, so that the extremes rules see its
    minimum and maximum."""
    lines = [line.expandtabs(8).rstrip() for _, line in block]
    spans = gutter_spans(lines)
    if len(spans) < 2:
        return None
    header, row = ([line[a:b].strip() for a, b in spans] for line in lines)
    # a header of two words over one number ("Antall obs" over "4" right-aligned): the empty cell's span joins
    # the next
    k = 0
    while k < len(row) - 1:
        if not row[k] and header[k] and header[k + 1] and row[k + 1]:
            header[k:k + 2] = [f"{header[k]} {header[k + 1]}"]
            row[k:k + 2] = [row[k + 1]]
        k += 1
    # (a variable's name first, under "Variable": microdata.no's and Stata's "summarize x")
    named = len(row) >= 3 and bool(row[0]) and not _BARE_NUMBER.match(row[0]) and not _HAS_DIGIT.search(row[0])
    if not all(_BARE_NUMBER.match(c) for c in row[1 if named else 0:]) \
            or not all(not _BARE_NUMBER.match(c) or re.fullmatch(r"\d{1,3}(?:\.\d+)?%", c) for c in header) \
            or any(c.endswith("%") for c in row):
        return None
    kinds = {statistic_kind(h) for h in header}
    percents = [float(h[:-1]) for h in header if re.fullmatch(r"\d{1,3}(?:\.\d+)?%", h)]
    outer = len(percents) == len(header) and (min(percents) <= 10 or max(percents) >= 90)
    if not {"min", "max"} & kinds and not outer:
        # R's quantile() names the minimum and the maximum 0% and 100%, and its outer percentiles 10%, 99% (its
        # quartiles alone are no unit's value)
        return None
    return TextTable(unique_names(header), [row], block[1][0], "fixed-width")


_WORD_CELL = lazy_compile(r"^[A-Za-zÆØÅæøåÄÖäö][\w ]+$")
_NOT_A_NAME = frozenset({"na", "nan", "n/a", "none", "null", "missing"})


def _header_continues(row: list[str], below: list[list[str]]) -> bool:
    """Whether ``row``, the first under a header, is another header line: it has a word (``Total``) in a
    column holding only numbers in every row below (a missing-value word or a suppression mark is not one),
    and numbers beside it (the column levels: "_spell  0  1  Total"; a line of names alone is read as a header
    by the aligned reading)."""
    if not any(_BARE_NUMBER.match(c) for c in row[1:]):
        return False
    for k, cell in enumerate(row):
        if not cell or not _WORD_CELL.match(cell) or cell.lower() in _NOT_A_NAME:
            continue
        cells = [r[k] for r in below if k < len(r) and r[k]]
        if len(cells) == len(below) and all(_BARE_NUMBER.match(c) for c in cells):
            return True
    return False


def _labels_over_numbers(rows: list[list[str]]) -> bool:
    """Whether ``rows[0]`` is column labels that are numbers: it is empty over the row labels (the columns
    before the body's first numeric one), every line below has a label there (SPSS leaves the row variable's
    name blank under its first row: "diag  C18", "  C33"), and it has two labels or more."""
    first = _first_numeric(rows[1:])
    levels = [c for c in rows[0][first:] if c]
    return (0 < first < len(rows[0]) and not any(rows[0][:first])
            and all(any(r[:first]) for r in rows[1:]) and len(levels) >= 2
            # levels are codes or years ("1  2", "2019  2020"), not a row's counts and shares ("636  9.70"); R
            # prints the missing level as <NA> (table(..., useNA = "ifany"))
            and all(_LEVEL_CODE.match(c) or c in _NA_LEVELS for c in levels)
            and sum(1 for c in levels if c not in _NA_LEVELS) >= 2)


_NA_LEVELS = frozenset({"<NA>", "NA"})


_LEVEL_CODE = lazy_compile(r"^-?\d{1,4}$")


def _first_numeric(body: list[list[str]]) -> int:
    """The first column whose every filled cell is a number (the table's cells start there)."""
    for k in range(len(body[0])):
        cells = [r[k] for r in body if r[k]]
        if cells and all(_BARE_NUMBER.match(c) for c in cells):
            return k
    return len(body[0])


def _names_row_dimensions(row: list[str], below: list[list[str]]) -> bool:
    """Whether ``row`` (under the header) holds only names of the label columns: text where the rows below
    have labels, nothing over their numbers."""
    start = _first_numeric(below)
    if start == 0 or start == len(row):
        return False
    labels, cells = row[:start], row[start:]
    return any(labels) and not any(cells) and not any(_BARE_NUMBER.match(c) for c in labels if c)


def _latex_tables(text: str, first_line: int) -> tuple[list[TextTable], str]:
    """The LaTeX tables in ``text``, and the text with their lines blanked (so that the readers of
    aligned and fixed-width tables do not read the same rows again as a table of other cells)."""
    from scanner.loaders import latex

    lines = text.split("\n")
    tables: list[TextTable] = []
    for start, end, block in latex.iter_blocks(lines):
        width = max((len(r) for _, r in block), default=0)
        top_names: list[str] = []
        split = _latex_panels(block)
        panels = len(split) > 1
        for rows in split:
            head = 0
            # (a panel's measure under the header, or first in a later panel, is no header row)
            while head < len(rows) and latex.is_header_row(rows[head][1]) \
                    and not ((panel_measure(rows[head][1]) or (panels and spanning_heading(rows[head][1])))
                             and (head or top_names)):
                head += 1
            # (a row of one cell spanning the columns in the header that names a panel, "Panel A: Estimater", is no
            # part of the columns' names, which the next panel shares; a unit spanning them, "Indkomst (kr.)", is)
            spanning = [r for _, r in rows[:head] if len(r) >= 3 and (r[0] or "").strip()
                        and all(c is None for c in r[1:]) and _PANEL_LABEL.match((r[0] or "").strip())]
            names = latex.header_names([r for _, r in rows[:head] if not any(r is x for x in spanning)] or
                                       [r for _, r in rows[:head]], width) if head else top_names
            top_names = top_names or names
            measure = panel_measure(rows[head][1]) if head < len(rows) else ""
            if not measure and panels and head < len(rows) and spanning_heading(rows[head][1]):
                head += 1  # a panel's heading ("Operating margin, per cent"): no row of cells
            if measure and names:
                # a panel's measure names its columns ("Antal virksomheder: Nordjylland"): its cells are
                # counts whatever the caption over the whole table says ("mio. kr.")
                names = [names[0], *(f"{measure}: {n}" if n else measure for n in names[1:])]
                head += 1
            body = [(k, latex.cells_text(r, width)) for k, r in rows[head:]]
            if width >= 2 and head < len(rows):
                names = unique_names(names or latex.header_names([], width))
                # (a panel of counts under a regression's models: "Panel B: Antal personer" over the models'
                # columns "(1) | LPM", which name no count themselves)
                counts = tuple(names[1:]) if measure and _PANEL_COUNT.search(measure) else ()
                tables.append(TextTable(names, [c for _, c in body], first_line + body[0][0],
                                        "latex", tuple(first_line + k for k, _ in body), counts=counts))
        lines[start:end] = [""] * (end - start)
    return tables, "\n".join(lines)


_LABEL_THEN_NUMBER = lazy_compile(r"^(.*?\S)\s{2,}([-+]?\d[\d,.]*)$")


def label_and_number_split(names: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """A column read as one that is two: a left-aligned label and a right-aligned number under a header of
    two names ("kommune   befolkning_2018" over "Læsø   1794" and "Hele landet   5781190"; R's print of a
    data frame, the label with a space in it closing the gap the reading splits at): split at the last gap."""
    for k in range(len(names) - 1, -1, -1):
        parts = re.split(r"\s{2,}", names[k].strip())
        cells = [r[k] for r in rows if k < len(r) and r[k]]
        if len(parts) != 2 or not cells or not all(_LABEL_THEN_NUMBER.match(c) for c in cells):
            continue
        split = []
        for r in rows:
            m = _LABEL_THEN_NUMBER.match(r[k]) if k < len(r) and r[k] else None
            split.append([*r[:k], *(m.groups() if m else ("", "")), *r[k + 1:]])
        names, rows = [*names[:k], *parts, *names[k + 1:]], split
    return names, rows


# A column's name in a header row: a word, not a number in brackets (a standard error, a model's "(2)").
_NAME_CELL = lazy_compile(r"^[^\W\d_]", re.UNICODE)


def spanning_heading(row: list[str | None]) -> bool:
    """Whether a LaTeX row is one cell of words spanning every column (``\\multicolumn{6}{l}{\\textit{Operating
    margin, per cent}}``): a panel's heading."""
    first = (row[0] or "").strip() if row else ""
    return len(row) >= 3 and bool(first) and _BARE_NUMBER.match(first) is None and all(c is None for c in row[1:])


def panel_measure(row: list[str | None]) -> str:
    """The text of a LaTeX row that is one cell spanning every column (``\\multicolumn{6}{l}{Antal
    virksomheder}``), naming what the rows under it measure; "" for any other row."""
    first = (row[0] or "").strip() if row else ""
    if len(row) < 3 or not first or _BARE_NUMBER.match(first) or not all(c is None for c in row[1:]) \
            or not _PANEL_MEASURE.search(first):
        return ""  # (a group's name over its rows, "Kvinder", is a level of the rows, not a measure)
    return first


# A panel's title that names a count: "Antal personer", "Number of firms", "N".
_PANEL_COUNT = lazy_compile(r"(?i)(?<![^\W\d_])(?:antal\w*|antall\w*|number|count\w*|lukumäärä\w*|n|frekvens\w*)"
                            r"(?![^\W\d_])")
# The words a panel's title names its measure by: a count ("Antal virksomheder") or a unit or statistic
# ("Eksport, mio. kr.", "Andel (%)", "Gennemsnit").
_PANEL_MEASURE = lazy_compile(r"(?i)(?<![^\W\d_])(?:antal\w*|antall\w*|number|count\w*|lukumäärä\w*|n|frekvens\w*|"
                              r"mio|mia|mill\w*|mnkr|tkr|kr|dkk|sek|nok|eur|usd|pct|procent|prosent|percent|"
                              r"andel\w*|share|mean|average|gennemsnit\w*|genomsnitt\w*|median|sum|beløb|belopp|"
                              r"amount|keskiarvo|osuus)(?![^\W\d_])|%")


def _latex_panels(rows: list[tuple[int, list[str | None]]]) -> list[list[tuple[int, list[str | None]]]]:
    """The rows of one LaTeX tabular cut into its panels: a header row under the data (nothing in the label
    column, words over two or more columns: `` & Behandlade & Kontroll & Totalt``) starts a table of its own
    with its own columns. A regression table's "Panel B: Antal personer" is a table of counts, not more rows
    of the models above it."""
    from scanner.loaders import latex

    def words(row: list[str | None]) -> tuple[str, ...]:
        return tuple((c or "").strip() for c in row)

    def panel_title(i: int) -> bool:
        # a row of one cell naming a panel ("\multicolumn{4}{l}{Panel B: value added, by size class}")
        cells = [c.strip() for c in rows[i][1] if c and c.strip()]
        return len(cells) == 1 and _PANEL_LABEL.match(cells[0]) is not None

    def header_at(i: int) -> bool:
        row = rows[i][1]
        named = [c.strip() for c in row[1:] if c and c.strip()]
        # (under a panel's title the label column may be named too: "Size class & N firms & Min & Max")
        return ((not (row[0] or "").strip() or (i > 0 and panel_title(i - 1))) and latex.is_header_row(row)
                and len(named) >= 2 and all(_NAME_CELL.match(c) for c in named)
                and i + 1 < len(rows) and not latex.is_header_row(rows[i + 1][1])
                and words(row) not in top)  # the models' numbers again over the next panel: the same columns

    first_data = next((i for i, (_, r) in enumerate(rows) if not latex.is_header_row(r)), len(rows))
    top = {words(r) for _, r in rows[:first_data]}
    # (a row of one cell spanning the columns names the measure of the rows under it: "\multicolumn{6}{l}{Antal
    # virksomheder}" under the rows of "Eksport, mio. kr.": a panel of other cells, with the same columns)
    cuts = [i for i in range(first_data + 1, len(rows)) if header_at(i) or panel_measure(rows[i][1])]
    # (panels under headings of one cell spanning the columns, each heading over the same row labels: "Maximum
    # allowed biomass (MAB), tonnes" and "Operating margin, per cent" over "1 licence", "2--4 licences" ...)
    headings = [i for i in range(len(rows)) if spanning_heading(rows[i][1]) and i + 1 < len(rows)
                and not latex.is_header_row(rows[i + 1][1])]
    if len(headings) >= 2 and headings[0] > 0:
        blocks = [[(rows[j][1][0] or "").strip() for j in range(a + 1, b) if not spanning_heading(rows[j][1])]
                  for a, b in itertools.pairwise([*headings, len(rows)])]
        if len(blocks[0]) >= 2 and all(b == blocks[0] for b in blocks[1:]):
            header = rows[:headings[0]]
            return [header + rows[a:b] for a, b in itertools.pairwise([*headings, len(rows)])]
    if not cuts:
        return [rows]
    bounds = [0, *cuts, len(rows)]
    return [rows[a:b] for a, b in itertools.pairwise(bounds)]


# A column naming the statistic of each row: SPSS's crosstab stacks "Count" over "% within Region" (and
# "Expected Count", "Residual"); Stata's and SAS's printouts have their own forms ("Row %", "Col Pct").
_COUNT_ROW = lazy_compile(r"^(count|antal|antall|frequency|frekvens|freq\.?|n|lkm|number)$", re.IGNORECASE)
_STAT_ROW = lazy_compile(r"^(%|pct|percent|procent|prosent|expected|residual|std\.? residual|adjusted|adj\.|"
                       r"row\s*(%|pct|percent)|col(umn)?\s*(%|pct|percent)|total\s*(%|pct|percent)|cell\s*%)",
                       re.IGNORECASE)


_DECIMAL = lazy_compile(r"^-?\d+\.\d+%?$")


def count_rows(table: TextTable) -> TextTable:
    """A table whose rows alternate between counts and statistics of them, named in a column of their own
    (SPSS: "Count", "% within Region"), reduced to its count rows: mixed in one column, the percentages
    would make the counts read as shares. So is a table whose labelled rows each have lines of decimals under
    them with no label (Stata's ``tabulate x y, row col`` pasted into a note)."""
    for k in range(len(table.names)):
        labels = [r[k].strip() for r in table.rows]
        counts = [i for i, v in enumerate(labels) if _COUNT_ROW.match(v)]
        stats = [i for i, v in enumerate(labels) if _STAT_ROW.match(v)]
        if counts and stats and len(counts) + len(stats) == len(labels):
            lines = table.lines or tuple(table.data_line + i for i in range(len(table.rows)))
            return TextTable(table.names, [table.rows[i] for i in counts], lines[counts[0]], table.kind,
                             tuple(lines[i] for i in counts))
    # Stata's "tab x y, row col": each row's percentages on the lines under it, with no label
    labelled = [i for i, r in enumerate(table.rows) if r and r[0].strip()]
    stacked = [i for i, r in enumerate(table.rows) if r and not r[0].strip()]
    if (len(labelled) >= 2 and len(stacked) >= 2 and labelled[0] == 0
            and all(any(c.strip() for c in table.rows[i][1:])
                    and all(_DECIMAL.match(c.strip()) for c in table.rows[i][1:] if c.strip()) for i in stacked)):
        lines = table.lines or tuple(table.data_line + i for i in range(len(table.rows)))
        return TextTable(table.names, [table.rows[i] for i in labelled], lines[labelled[0]], table.kind,
                         tuple(lines[i] for i in labelled))
    return table


def find_tables(text: str, first_line: int = 1) -> Iterator[TextTable]:
    """Every pipe table, LaTeX table and space-aligned table in ``text`` (lines numbered from ``first_line``);
    a table stacking statistics under each row's counts is given by its count rows (:func:`count_rows`)."""
    for table in _find_tables(text, first_line):
        yield split_ranges(count_rows(joined_parentheses(joined_quantile_labels(
            split_genotype_counts(dfsummary_values(table))))))


# A column of ranges by its name ("Min--maks", "Min–max", "Range", "Spændvidde") and a median with its quartiles
# ("Median (IQR)", "Median (Q1–Q3)"); a range cell ("2--16", "2–16", "2 to 16") and a median with its quartiles
# ("6 (3--11)").
_RANGE_NAME = lazy_compile(r"(?i)^\s*(?:min(?:imum)?\s*[-–—/,]*\s*(?:max(?:imum)?|maks(?:imum)?)|range|"
                           r"sp(?:æ|ae)ndvidde|variationsbredde|vaihteluv(?:ä|a)li|spann|spannvidd)\s*$")
_MEDIAN_QUARTILES_NAME = lazy_compile(r"(?i)^\s*median\s*[\[(]\s*(?:iqr|q1\s*[-–,]\s*q3|p25\s*[-–,]\s*p75|"
                                      r"kvartil\w*|interkvartil\w*|25\s*[-–]\s*75)\s*[)\]]\s*$")
_RANGE_CELL = lazy_compile(r"^\s*(-?\d[\d.,]*)\s*(?:-{1,2}|–|—|to|til|till)\s*(-?\d[\d.,]*)\s*$")
_MEDIAN_QUARTILES_CELL = lazy_compile(r"^\s*(-?\d[\d.,]*)\s*[\[(]\s*(-?\d[\d.,]*)\s*(?:-{1,2}|–|—|,|;|to|til)\s*"
                                      r"(-?\d[\d.,]*)\s*[)\]]\s*$")


def split_ranges(table: TextTable) -> TextTable:
    """A table's column of ranges ("Min--maks" of "2--16") as a Min and a Max column, and a median with its
    quartiles ("Median (IQR)" of "6 (3--11)") as a Median, P25 and P75 column: the extremes and percentiles
    rules read a group's minimum, maximum and quartiles so (a baseline table's "Min--max" for a group of 7)."""
    names, rows = list(table.names), [list(r) for r in table.rows]
    changed = False
    for c in range(len(table.names) - 1, 0, -1):
        # (under a group's header: "Familial ALS (n=6) | Min-Max")
        group, sep, name = table.names[c].rpartition(" | ")
        if _RANGE_NAME.match(name):
            cell, parts = _RANGE_CELL, ["Min", "Max"]
        elif _MEDIAN_QUARTILES_NAME.match(name):
            cell, parts = _MEDIAN_QUARTILES_CELL, ["Median", "P25", "P75"]
        else:
            continue
        parts = [f"{group}{sep}{p}" for p in parts]
        filled = [r[c].strip() for r in rows if c < len(r) and r[c].strip()]
        if not filled or not all(cell.match(x) for x in filled):
            continue
        names[c:c + 1] = parts
        for r in rows:
            m = cell.match(r[c]) if c < len(r) else None
            r[c:c + 1] = list(m.groups()) if m else [""] * len(parts)
        changed = True
    if not changed:
        return table
    return dataclasses.replace(table, names=unique_names(names), rows=rows)


# summarytools' dfSummary grid: "1. Kvinde" in "Stats / Values" beside "268 (52.3%)" in "Freqs (% of Valid)".
_DFSUMMARY_VALUE = lazy_compile(r"^\d+\.\s*(.+?)\\?$")
_DFSUMMARY_FREQ = lazy_compile(r"^(\d[\d,]*)\s*\(\s*\d")


def dfsummary_values(table: TextTable) -> TextTable:
    """summarytools' ``dfSummary()`` grid, each variable's lines one under the other ("No", "Variable",
    "Stats / Values", "Freqs (% of Valid)", "Valid", "Missing"), read as a table of each variable's values and
    their frequencies: "oprindelse | Grønland/Færøerne | 1". Its row numbers ("No") and the valid counts of the
    whole data are no cells; lines of statistics ("Mean (sd) : 34.8 (2.9)") have no frequency and are left out."""
    names = [n.strip().lower() for n in table.names]
    if "stats / values" not in names or not any(n.startswith("freqs") for n in names) or "variable" not in names:
        return table
    var, stats = names.index("variable"), names.index("stats / values")
    freq = next(k for k, n in enumerate(names) if n.startswith("freqs"))
    rows, lines, current = [], [], ""
    at = table.lines or tuple(table.data_line + k for k in range(len(table.rows)))
    for k, r in enumerate(table.rows):
        label = r[var].strip().rstrip("\\").strip() if var < len(r) else ""
        if label and not label.startswith("["):
            current = label
        value = _DFSUMMARY_VALUE.match(r[stats].strip()) if stats < len(r) else None
        count = _DFSUMMARY_FREQ.match(r[freq].strip()) if freq < len(r) else None
        if value and count and current:
            rows.append([current, value.group(1).strip(), count.group(1).replace(",", "")])
            lines.append(at[k] if k < len(at) else table.data_line)
    if not rows:
        return table
    return TextTable(["Variable", "Value", "Freq"], rows, lines[0], table.kind, tuple(lines), ("Variable", "Value"))


# Counts of three genotypes written in one cell, PLINK --model's "1/19/64" (AA/AB/BB), or of two alleles, "21/147".
_SLASHED_COUNTS = lazy_compile(r"^\d+/\d+(?:/\d+)?$")


def split_genotype_counts(table: TextTable) -> TextTable:
    """``table`` with each column of slash-separated counts, some of three (PLINK --model's AFF and UNAFF:
    "1/19/64" genotypes, "21/147" alleles), split into one column per count ("AFF 1", "AFF 2", "AFF 3"): each is
    a count of persons (or of their alleles), 1 person with a rare genotype a small cell. A column of pairs
    alone ("2/150", a count of a denominator) is left to the count reading."""
    split = [k for k in range(len(table.names))
             if (cells := [r[k].strip() for r in table.rows if k < len(r) and r[k].strip()])
             and all(_SLASHED_COUNTS.match(c) for c in cells) and any(c.count("/") == 2 for c in cells)]
    if not split:
        return table
    names: list[str] = []
    for k, n in enumerate(table.names):
        names.extend([f"{n} {j}" for j in (1, 2, 3)] if k in split else [n])
    rows = []
    for r in table.rows:
        row: list[str] = []
        for k, c in enumerate(r):
            if k in split:
                parts = c.strip().split("/") if c.strip() else []
                row.extend([*parts, *[""] * (3 - len(parts))])
            else:
                row.append(c)
        rows.append(row)
    counts = (*table.counts, *(f"{table.names[k]} {j}" for k in split for j in (1, 2, 3)))
    return dataclasses.replace(table, names=unique_names(names), rows=rows, counts=counts)


# A quantile's level as JMP and SAS print it in the first column of their quantiles: "100.0%", "2.5%", "50 %".
_QUANTILE_LEVEL = lazy_compile(r"^(?:100|\d{1,2})(?:\.\d+)?\s?%$")


def joined_quantile_labels(table: TextTable) -> TextTable:
    """``table`` with a first column of quantile levels joined to the column of their names beside it (JMP's
    Distribution report: ``100.0%  maximum  1412000``, ``99.5%  1412000``, ``50.0%  median  1040000``): each row's
    label is one statistic, "100.0% maximum", as SAS's "100% Max" is. A name column of words only, some blank."""
    names, rows = table.names, table.rows
    if len(names) < 3 or len(rows) < 3 or not all(r and _QUANTILE_LEVEL.match(r[0].strip()) for r in rows):
        return table
    words = [r[1].strip() for r in rows]
    if not any(words) or any(any(ch.isdigit() for ch in w) for w in words):
        return table
    joined = [[f"{r[0].strip()} {r[1].strip()}".strip(), *r[2:]] for r in rows]
    first = "Quantile" if not names[0] or _GENERATED.match(names[0]) else names[0]
    return TextTable(unique_names([first, *names[2:]]), joined, table.data_line, table.kind, table.lines,
                     table.dimensions)


_IN_PARENS = lazy_compile(r"^[(\[]\s*[<>]?\d[\d.,]*\s*%?\s*[)\]]$")


def joined_parentheses(table: TextTable) -> TextTable:
    """``table`` with each column of numbers in parentheses that has no name of its own (or whose left
    neighbour has none) joined to the cells on its left: the second half of cells split off at a gutter,
    ``95.7% (45)`` (janitor's adorn_ns()), ``45 (95.7%)``."""
    names, rows = list(table.names), [list(r) for r in table.rows]

    def unnamed(name: str) -> bool:
        return not name or bool(_GENERATED.match(name))

    joined = False
    for k in range(len(names) - 1, 0, -1):
        if (unnamed(names[k]) or unnamed(names[k - 1])) and any(r[k] for r in rows) \
                and all(_IN_PARENS.match(r[k]) for r in rows if r[k]) and all(r[k - 1] for r in rows if r[k]):
            rows = [[*r[:k - 1], f"{r[k - 1]} {r[k]}".strip(), *r[k + 1:]] for r in rows]
            names = [*names[:k - 1], names[k - 1] if unnamed(names[k]) else names[k], *names[k + 1:]]
            joined = True
    if not joined:
        return table
    return TextTable(unique_names(names), rows, table.data_line, table.kind, table.lines, table.dimensions)


# knitr's prefix of printed output ("## " before every line R printed, in a knitted .md, .html or .Rmd).
_KNITR_LINE = lazy_compile(r"^([ \t]*)## ?(?=[^#]|$)", re.M)
_KNITR_RUN = lazy_compile(r"(?:^[ \t]*##(?: [^\n]*)?(?:\n|$)){2,}", re.M)


def strip_output_prefix(text: str) -> str:
    """``text`` with knitr's ``## `` output prefix blanked in runs of two lines or more (R Markdown's
    printed tables, data frames and summaries), columns and line numbers kept: the output reads as the
    console printed it. A single markdown heading (``## Results``) is left alone."""
    if "##" not in text:
        return text
    return _KNITR_RUN.sub(lambda m: _KNITR_LINE.sub(lambda h: h.group(1) + " " * (len(h.group(0)) - len(h.group(1))),
                                                    m.group(0)), text)


# The title of a survival plot's risk table: "Number at risk", "No. at risk", "At risk", "Antal i risiko".
_AT_RISK = lazy_compile(r"(?i)(?:\b(?:number|no\.?|n|antal|antall|antalet)\s+)?\b(?:at|i|in)\s+(?:risk|risiko)\b")
_RISK_COUNT = lazy_compile(r"^\d{1,3}(?:,\d{3})*$|^\d{1,9}$")
#: Lines under a risk table's title read for its rows.
_RISK_LINES = 8


# R's summary(survfit): "  time n.risk n.event survival std.err lower 95% CI upper 95% CI", then a row per time
# with its numbers at risk and events (strata under their own "sex=1" line).
SURVFIT_HEAD = lazy_compile(r"^\s*time\s+n\.risk\s+n\.event(?:\s+n\.censor)?\s+(?:survival|surv|cumhaz|pstate)\b")
_SURVFIT_ROW = lazy_compile(r"^\s*[-+]?\d[\d.]*(?:e[-+]?\d+)?\s+(\d+)\s+(\d+)(?:\s+\S+){1,6}\s*$")


def _survfit_summaries(text: str, first_line: int) -> tuple[list[TextTable], str]:
    """R's ``summary(survfit)``: each event time with its numbers at risk and of events, read as counts (an
    n.event of 1 is one person's event at its exact time; the numbers at risk of a small group are small), and
    the text with those lines blanked."""
    lines = text.split("\n")
    out: list[TextTable] = []
    for k, line in enumerate(lines):
        if not SURVFIT_HEAD.match(line):
            continue
        rows: list[list[str]] = []
        at: list[int] = []
        for j in range(k + 1, min(len(lines), k + 1 + MAX_BLOCK_LINES)):
            m = _SURVFIT_ROW.match(lines[j])
            if m is not None:
                rows.append([f"time {len(rows) + 1}", m.group(1), m.group(2)])
                at.append(first_line + j)
            elif lines[j].strip() and not re.match(r"^\s*[\w.]+=\S+\s*$", lines[j]):
                break  # (a stratum's name, "sex=1", comes before its rows)
        if rows:
            out.append(TextTable(["time", "n.risk", "n.event"], rows, at[0], "survfit", tuple(at),
                                 counts=("n.risk", "n.event")))
            for j in range(k, at[-1] - first_line + 1):
                lines[j] = ""
    return out, "\n".join(lines) if out else text


def _risk_tables(text: str, first_line: int) -> Iterator[TextTable]:
    """The numbers at risk under a survival plot (survminer's risk table, a Kaplan-Meier figure's text in a
    PDF or note): each stratum's line of counts at the time points, as (label, n) cells. The time axis's
    line (numbers in arithmetic progression) is not counts."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = _AT_RISK.search(line)
        if m is None:
            continue
        rows: list[list[str]] = []
        at: list[int] = []
        for j in range(i, min(i + 1 + _RISK_LINES, len(lines))):
            tokens = (line[m.end():] if j == i else lines[j]).split()
            counts = [t for t in tokens if _RISK_COUNT.match(t)]
            if len(counts) < 2 or 2 * len(counts) < len(tokens):  # a sentence is not a row of counts
                if j > i and rows and not lines[j].strip():
                    break  # the table ended
                continue
            values = [int(t.replace(",", "")) for t in counts]
            steps = {b - a for a, b in itertools.pairwise(values)}
            if len(values) >= 3 and len(steps) == 1 and steps != {0}:
                continue  # the time axis (0 12 24 36)
            first = tokens.index(counts[0])
            if first and len(values) >= 3 and values[0] < values[1] and tokens[first - 1][-1:].isalpha():
                # a number ending the stratum's label ("Type 1  3000 2588"): persons at risk never grow
                tokens[first - 1] += " " + tokens.pop(first)
                counts, values = counts[1:], values[1:]
            label = " ".join(t for t in tokens if not _RISK_COUNT.match(t)).strip(" :") or f"line {first_line + j}"
            rows.extend([f"{label} ({k})", v] for k, v in enumerate(counts, start=1))
            at.extend([first_line + j] * len(counts))
        if rows:
            yield TextTable(["at risk", "n"], rows, at[0], "risk-table", tuple(at))


# A markdown code fence (```r, ~~~): it ends a paragraph, like a blank line.
_FENCE = lazy_compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.M)


# Polars' and other Unicode box-drawn prints: "│ region ┆ n │", rules of "┌─┬─┐", "╞═╪═╡", "└─┴─┘".
_BOX_ROW = lazy_compile(r"^\s*[│┃║|].*[┆│┃║].*[│┃║|]\s*$")
_BOX_RULE = lazy_compile(r"^\s*[┌┬┐├┼┤└┴┘╞╪╡╒╤╕╘╧╛╔╦╗╠╬╣╚╩╝─━═┄┈\s]+$")
# The dtypes under a Polars frame's header: str, i64, u32, f64, bool, date, datetime[μs], cat, list[i64].
# DuckDB's box prints its SQL types there instead: int32, bigint, varchar, double, decimal(18,3), timestamp.
_DTYPE_CELL = lazy_compile(r"^(?:str|cat|bool|date|time|null|object|binary|decimal\[.*\]|[iuf](?:8|16|32|64|128)|"
                         r"datetime\[.*\]|duration\[.*\]|list\[.*\]|struct\[.*\]|array\[.*\]|enum|---|"
                         r"u?int(?:8|16|32|64|128)?|tinyint|smallint|integer|bigint|hugeint|u(?:tiny|small|big|huge)int|"
                         r"varchar|text|blob|boolean|float|double|real|decimal\(\d+,\s*\d+\)|"
                         r"timestamp(?: with time zone)?|interval|uuid|json|date32|date64|string)$")


# A row of numbers at risk under a survival curve, as a PDF's text gives it: "At risk40   21   11   5   2   1",
# "Number at risk: 40 21 11", "Statin  At risk  812 640 402".
_AT_RISK_LINE = lazy_compile(r"(?i)^(.{0,40}?)\b(?:no\.?\s*|number\s*)?at\s*risk(?![a-z])\s*:?\s*((?:\d{1,9}\s*){2,})$")


def _at_risk_rows(text: str, first_line: int) -> Iterator[TextTable]:
    """Rows of numbers at risk (each a count of persons still followed: a 2 is two persons) that never grow
    along the row; a row that grows is an axis, not persons at risk."""
    for k, line in enumerate(text.split("\n")):
        m = _AT_RISK_LINE.match(line.strip())
        if m is None:
            continue
        values = m.group(2).split()
        if len(values) < 2 or any(int(b) > int(a) for a, b in itertools.pairwise(values)):
            continue
        label = m.group(1).strip() or "at risk"
        yield TextTable(["group", "at risk"], [[f"{label} {j}", v] for j, v in enumerate(values, start=1)],
                        first_line + k, "at-risk", tuple(first_line + k for _ in values))


# SAS's default FORMCHAR on Windows is drawn in the SAS Monospace font: characters 0x82-0x8C of cp1252 (or the C1
# controls when read as Latin-1) in the places of "|----|+|---": vertical bar, horizontal bar, the corners and
# junctions. Read as those ASCII characters, a PROC TABULATE or FREQ box is an ordinary pipe box.
_SAS_MONOSPACE = str.maketrans({a: b for a, b in zip("‚ƒ„…†‡ˆ‰Š‹Œ", "|----|+|---", strict=True)}
                               | {chr(0x82 + k): b for k, b in enumerate("|----|+|---")})
_SAS_MONOSPACE_LINE = lazy_compile("[‚ƒ„…†‡ˆ‰Š‹Œ\x82-\x8c]{3,}|^\\s*[‚\x82].*[‚\x82]\\s*$")


def sas_monospace_as_ascii(text: str) -> str:
    """``text`` with the lines of a box drawn in SAS Monospace's characters written in ASCII (other lines as they
    are: "Šabić" or an ellipsis in prose stays)."""
    if not any(ch in text for ch in "ƒ\x83"):
        return text
    return "\n".join(line.translate(_SAS_MONOSPACE) if _SAS_MONOSPACE_LINE.search(line) else line
                     for line in text.split("\n"))


def box_drawn_as_pipes(text: str) -> str:
    """``text`` with tables drawn in Unicode boxes (Polars' print: ``│ a ┆ b │``) rewritten as pipe tables,
    line for line: their rules and the rows of dtypes (``str ┆ i64``) and ``---`` under the header become
    markdown rule lines, which the pipe reader drops. A box in SAS Monospace's characters is read in ASCII."""
    text = sas_monospace_as_ascii(text)
    if "┆" not in text and "│" not in text:
        return text
    out = []
    for line in text.split("\n"):
        if _BOX_ROW.match(line):
            cells = [c.strip() for c in re.split(r"[│┃║┆|]", line.strip())[1:-1]]
            if cells and all(_DTYPE_CELL.match(c) for c in cells):
                out.append("|" + "|".join("---" for _ in cells) + "|")
            else:
                out.append("| " + " | ".join(cells) + " |")
        elif line.strip() and _BOX_RULE.match(line) and any(ch in line for ch in "─━═"):
            out.append("|---|")
        else:
            out.append(line)
    return "\n".join(out)


# A rule of dashes in segments under a header, one per column ("------------  --------  ------"): SQL*Plus,
# SAS's and psql's listings, a hand-typed table; the segments are the columns' widths.
_SEGMENTED_RULE = lazy_compile(r"^\s*-{2,}(?: {1,8}-{2,}){1,}\s*$")


def _segment_ruled_tables(text: str, first_line: int) -> tuple[list[TextTable], str]:
    """Tables whose header is underlined by a rule of one segment of dashes per column: the segments give the
    columns (a header of two words, "Antall operert", over one column; numbers with spaces, "4 812"), and
    the text with their lines blanked."""
    lines = text.split("\n")
    out: list[TextTable] = []
    for k, line in enumerate(lines):
        if k == 0 or not _SEGMENTED_RULE.match(line) or not lines[k - 1].strip():
            continue
        spans = [(m.start(), m.end()) for m in re.finditer(r"-+", line)]
        # a cell runs from its segment's start to the next segment's start (numbers right-aligned past it)
        bounds = [(a, spans[j + 1][0] if j + 1 < len(spans) else 10**6) for j, (a, _) in enumerate(spans)]

        def cells(text_line: str, bounds: list[tuple[int, int]] = bounds) -> list[str]:
            return [text_line[a:b].strip() for a, b in bounds]

        end = k + 1
        while end < len(lines) and lines[end].strip() and not _RULE_LINE.match(lines[end]):
            end += 1
        rows = [cells(lines[j]) for j in range(k + 1, end)]
        # (every row's text falls in the columns: nothing of it stands left of the first segment)
        if len(rows) < 1 or any(lines[j][:spans[0][0]].strip() for j in range(k + 1, end)):
            continue
        names = cells(lines[k - 1])
        if not all(names[1:]) or not any(_BARE_NUMBER.match(c) for r in rows for c in r[1:]):
            continue
        out.append(TextTable(unique_names(names), rows, first_line + k + 1, "fixed-width",
                             tuple(first_line + j for j in range(k + 1, end))))
        for j in range(k - 1, end):
            lines[j] = ""
    return out, "\n".join(lines) if out else text


def _space_delimited(paragraph: list[tuple[int, str]]) -> TextTable | None:
    """A paragraph of fields separated by white space, not aligned (REGENIE's and PLINK 2's outputs: "CHROM
    GENPOS ID ... MAC" over "7 117559590 rs113993960 ... 2"), under comment lines ("# regenie v3.2.8"): every
    line the same number of fields (three or more), the first line's all names. None otherwise."""
    lines = [(n, t) for n, t in paragraph if not t.lstrip().startswith("#")]
    if len(lines) < 3 or any("  " in t.strip() or "\t" in t for _, t in lines):
        return None  # (columns aligned with runs of spaces are the fixed-width reader's: "12 345" is one number)
    fields = [t.split() for _, t in lines]
    width = len(fields[0])
    if width < 3 or any(len(f) != width for f in fields) or not all(_NAME_CELL.match(x) for x in fields[0]):
        return None
    if all(all(_NAME_CELL.match(x) for x in f) for f in fields[1:]):
        return None  # (words only: prose or a list, no table of values)
    return TextTable(unique_names(fields[0]), fields[1:], lines[1][0], "whitespace", tuple(n for n, _ in lines[1:]))


# scikit-learn's classification_report(): its header, then a row per class (label, precision, recall, f1, support).
_REPORT_HEADER = lazy_compile(r"^[ \t]+precision[ \t]+recall[ \t]+f1-score[ \t]+support[ \t]*$")
_REPORT_ROW = lazy_compile(r"^[ \t]*(\S.*?)[ \t]+(\d*\.\d+|nan)[ \t]+(\d*\.\d+|nan)[ \t]+(\d*\.\d+|nan)"
                           r"[ \t]+(\d+)[ \t]*$")
_REPORT_SUMMARY = lazy_compile(r"^[ \t]*(?:accuracy|micro avg|macro avg|weighted avg|samples avg)\b")


def _classification_reports(text: str, first_line: int) -> tuple[list[TextTable], str]:
    """scikit-learn's ``classification_report()`` as printed: each class's support is a count of its units
    (true instances), and its recall times the support the units classified right, the rest those missed (a
    recall of 0.67 of 3 is 2 and 1). A table per report, its class rows only (the averages' support is the
    total); the text returned without those lines (blank in their place, so that lines keep their numbers)."""
    lines = text.split("\n")
    tables: list[TextTable] = []
    k = 0
    while k < len(lines):
        if not _REPORT_HEADER.match(lines[k]):
            k += 1
            continue
        rows: list[list[str]] = []
        at: list[int] = []
        j = k + 1
        while j < len(lines) and (not lines[j].strip() or (_REPORT_ROW.match(lines[j])
                                                            and not _REPORT_SUMMARY.match(lines[j]))):
            m = _REPORT_ROW.match(lines[j])
            if m is not None:
                label, _, recall, _, support = m.groups()
                n = int(support)
                right = float(recall) * n if recall != "nan" else float("nan")
                # (the recall is rounded to its printed decimals: the count only when that pins one number)
                half = 0.5 * 10 ** -len(recall.split(".")[1]) * n if recall != "nan" else 1.0
                whole = round(right) if right == right and abs(right - round(right)) + half < 0.5 else None
                rows.append([label, *m.groups()[1:], *(("", "") if whole is None else (str(whole), str(n - whole)))])
                at.append(first_line + j)
                lines[j] = ""
            j += 1
        if rows:
            names = ["class", "precision", "recall", "f1-score", "support", "n classified right", "n missed"]
            tables.append(TextTable(names, rows, at[0], "classification-report", tuple(at)))
        k = j
    return tables, "\n".join(lines)


_LGBM_TREE = lazy_compile(r"(?m)^Tree=(\d+)[ \t]*$")
_LGBM_LEAF_COUNT = lazy_compile(r"(?m)^leaf_count=([\d \t]+)$")
#: Leaves of a LightGBM model read as a table (a model of thousands of trees is judged on its first ones).
_LGBM_MAX_LEAVES = 200_000


def _lightgbm_leaves(text: str, first_line: int) -> Iterator[TextTable]:
    """A LightGBM model saved as text (``booster.save_model()``): each tree's ``leaf_count=`` line is the number
    of training units in each leaf, whose ``leaf_value`` their outcomes make (a leaf of one patient carries that
    patient's outcome), as one table of tree, leaf and count."""
    trees = [(m.start(), m.group(1)) for m in _LGBM_TREE.finditer(text)]
    rows: list[list[str]] = []
    lines: list[int] = []
    for m in _LGBM_LEAF_COUNT.finditer(text):
        tree = next((t for at, t in reversed(trees) if at < m.start()), "?")
        line = first_line + text.count("\n", 0, m.start())
        for leaf, n in enumerate(m.group(1).split()):
            rows.append([f"tree {tree}", f"leaf {leaf}", n])
            lines.append(line)
        if len(rows) >= _LGBM_MAX_LEAVES:
            break
    if rows:
        yield TextTable(["tree", "leaf", "n training units"], rows, lines[0], "lightgbm-leaves", tuple(lines))


def _find_tables(text: str, first_line: int) -> Iterator[TextTable]:
    text = box_drawn_as_pipes(strip_output_prefix(text))
    if "```" in text or "~~~" in text:
        text = _FENCE.sub("", text)
    if "--" in text:
        ruled, text = _segment_ruled_tables(text, first_line)
        yield from ruled
    if "&" in text and "\\" in text:
        latex_tables, text = _latex_tables(text, first_line)
        yield from latex_tables
    if "n.risk" in text and "n.event" in text:
        survfit, text = _survfit_summaries(text, first_line)
        yield from survfit
    if "risk" in text or "RISK" in text or "Risk" in text or "risiko" in text:
        yield from _risk_tables(text, first_line)
        yield from _at_risk_rows(text, first_line)
    if "f1-score" in text and "support" in text:
        reports, text = _classification_reports(text, first_line)
        yield from reports
    if "leaf_count=" in text and "Tree=" in text:
        yield from _lightgbm_leaves(text, first_line)
    if "node)" in text or "|--- " in text:
        from scanner.loaders.trees import tree_tables

        yield from tree_tables(text, first_line)
    # Rule lines ("-----+------", "=====") separate a listing's header from its rows: drop them, keeping
    # the line numbers of the others, so header and rows form one block.
    # (a line a rule underlines is remembered: a header, whatever it holds)
    all_lines = text.split("\n")
    numbered = [(first_line + k, line) for k, line in enumerate(all_lines)
                if not _RULE_LINE.match(line) and not ("+" in line and _ASCII_BOX_RULE.match(line))]
    lines = [line for _, line in numbered]
    line_no = [n for n, _ in numbered]
    underlined = frozenset(first_line + k - 1 for k, line in enumerate(all_lines)
                           if k and _RULE_LINE.match(line) and all_lines[k - 1].strip())
    i = 0
    while i < len(lines):
        if _PIPE_LINE.match(lines[i]):
            block: list[tuple[int, list[str]]] = []
            # a markdown table's alignment row under its first line makes that line the header, whatever it
            # holds (years: "| Kommune | 2021 | 2022 |")
            ruled = i + 1 < len(lines) and not _PIPE_RULE.match(lines[i]) and _PIPE_RULE.match(lines[i + 1]) is not None
            raw: list[str] = []
            while i < len(lines) and _PIPE_LINE.match(lines[i]) and len(block) < MAX_BLOCK_LINES:
                if not _PIPE_RULE.match(lines[i]):
                    block.append((line_no[i], _pipe_cells(lines[i])))
                    raw.append(lines[i])
                i += 1
            width = len(block[0][1]) if block else 0
            if block and any(len(c) != width for _, c in block):
                # a box whose header spans columns (SAS PROC TABULATE: "Men" over "No | Yes", "N" under each):
                # the rows' own width, the header lines above them named column by column
                block, width = _spanned_header(block, raw)
            block = [(n, c) for n, c in block if len(c) == width]
            if len(block) >= 2 and width >= 2:
                table = _table(block, "pipe", ruled_header=ruled)
                if table is not None:
                    yield table
            continue
        if "\t" in lines[i] and (i == 0 or "\t" not in lines[i - 1]):
            # tab-separated lines (SPSS's output exported as text, a table pasted from a spreadsheet)
            j = i
            block = []
            while j < len(lines) and "\t" in lines[j] and len(block) < MAX_BLOCK_LINES:
                block.append((line_no[j], [c.strip() for c in lines[j].split("\t")]))
                j += 1
            table = _tab_table(block) if len(block) >= 2 else None
            if table is not None:
                yield table
                i = j
                continue
        if lines[i].count(";") and (i == 0 or not lines[i - 1].strip() or lines[i - 1].count(";") == 0
                                    or len(_semicolon_cells(lines[i - 1])) != len(_semicolon_cells(lines[i]))):
            # semicolon-separated lines (a table pasted from a CSV file, or one of several in one file, the
            # next one starting where the number of fields changes): a block of lines with the same number
            # of fields, two or more
            width = len(_semicolon_cells(lines[i]))
            j = i
            block = []
            while j < len(lines) and len(block) < MAX_BLOCK_LINES and lines[j].count(";") \
                    and len(cells := _semicolon_cells(lines[j])) == width:
                block.append((line_no[j], cells))
                j += 1
            if width >= 2 and len(block) >= 2:
                table = _table(block, "delimited")
                if table is not None:
                    yield table
                    i = j
                    continue
        if lines[i].strip() and (i == 0 or not lines[i - 1].strip()):
            # A paragraph: try it as one fixed-width table first (R and pandas print data frames with
            # single spaces between right-aligned columns).
            end = i
            # (a title line over tab-separated lines is no line of their table: they are read as one, above)
            while end < len(lines) and lines[end].strip() and not _PIPE_LINE.match(lines[end]) \
                    and end - i < MAX_BLOCK_LINES and ("\t" in lines[end]) == ("\t" in lines[i]):
                end += 1
            paragraph = [(line_no[k], lines[k]) for k in range(i, end) if not _DECORATION.match(lines[k])]
            while paragraph and _PROMPT.match(paragraph[0][1]):
                paragraph = paragraph[1:]  # the command that printed it (> head(df), >>> df.head())
            table = _fixed_width(paragraph, underlined) if len(paragraph) >= 3 else None
            spaced = _space_delimited(paragraph)
            if spaced is not None and (table is None or len(table.names) < len(spaced.names)):
                # (single spaces between unaligned fields, a genetics tool's output: REGENIE, PLINK 2)
                table = spaced
            # Title lines above the table (SPSS: "Region * Sex Crosstabulation", "Count", the column
            # variable's name): lines without a digit, dropped one by one until the rest is a table.
            # Only a table with a header of its own counts (else the aligned reading below may do better).
            # A source note or footnote under it ("Kilde: ...") is dropped the same way, from the end.
            cut = len(paragraph)
            while cut > 3 and len(paragraph) - cut < _MAX_TITLE_LINES and _one_cell(paragraph[cut - 1][1]) \
                    and _WORDS.search(paragraph[cut - 1][1]):
                cut -= 1  # (a note has words: a lone number under a paragraph is no note, "0.8" of an axis)
            for core in (paragraph, paragraph[:cut]) if cut < len(paragraph) else (paragraph,):
                if table is None and core is not paragraph:
                    table = _fixed_width(core, underlined)
                skip = 0
                while table is None and skip < _MAX_TITLE_LINES and skip < len(core) - 3 \
                        and (not _HAS_DIGIT.search(core[skip][1]) or len(core[skip][1].split()) >= 4) \
                        and _one_cell(core[skip][1]):
                    skip += 1
                    table = _fixed_width(core[skip:], underlined)
                    if table is not None and sum(1 for n in table.names if not _GENERATED.match(n)) < 2:
                        table = None
            if table is None and len(paragraph) == 2:
                table = summary_row(paragraph)
            if table is None:
                table = count_percent_table(paragraph)
            if table is None and len(paragraph) >= 3:
                table = _space_separated(paragraph)
            ranges = range_rows_table(paragraph) if len(paragraph) >= 2 else None
            if ranges is not None:
                yield ranges  # (the groups' sizes with their ranges, as the extremes rules read them)
            if table is not None:
                yield table
                i = end
                continue
        cells = _aligned_cells(lines[i]) if "  " in lines[i] or "\t" in lines[i] or "|" in lines[i] else []
        if len(cells) >= 2:
            block = [(line_no[i], cells)]
            j = i + 1
            while j < len(lines) and len(block) < MAX_BLOCK_LINES:
                nxt = _aligned_cells(lines[j])
                if len(nxt) != len(cells):
                    break
                block.append((line_no[j], nxt))
                j += 1
            if len(block) >= 3:
                above = _aligned_cells(lines[i - 1]) if i and lines[i - 1][:1].isspace() else []
                if len(above) != len(cells) - 1 and i and len(lines[i - 1].split()) == len(cells) - 1:
                    # (pandas pads a column's name to its values' width: a short value leaves one space
                    # between two names, "LopNr Kommun")
                    above = lines[i - 1].split()
                if len(above) == len(cells) - 1 and not any(_BARE_NUMBER.match(c) for c in above) \
                        and all(_BARE_NUMBER.match(r[0]) for _, r in block):
                    # a printed data frame's header over its rows, nothing over the index (pandas):
                    # "         alder  kon  region" over "188204      57    1       3"
                    block = [(line_no[i - 1], ["", *above]), *block]
                table = _table(block, "aligned")
                if table is not None:
                    yield table
                i = j
                continue
        i += 1


def _space_separated(block: list[tuple[int, str]]) -> TextTable | None:
    """A table written with single spaces between its cells and no aligned columns (R's ``write.table(sep =
    " ")``, Stata's ``outsheet, delimiter(" ")`` saved as .txt): a header of names without numbers, then rows
    of as many cells, a label of several words ("Region Hovedstaden") joined into the first, the last cell a
    number in every row. None for prose."""
    header = block[0][1].split()
    width = len(header)
    if not 2 <= width <= 30 or any(_BARE_NUMBER.match(h) for h in header) or _SENTENCE.search(block[0][1]):
        return None
    rows: list[list[str]] = []
    for _, line in block[1:]:
        tokens = line.split()
        extra = len(tokens) - width
        if extra < 0 or _SENTENCE.search(line):
            return None
        if extra:
            if any(_BARE_NUMBER.match(t) for t in tokens[:extra + 1]):
                return None
            tokens = [" ".join(tokens[:extra + 1]), *tokens[extra + 1:]]
        if not _BARE_NUMBER.match(tokens[-1]):
            return None
        rows.append(tokens)
    if len(rows) < 2:
        return None
    return TextTable(unique_names(header), rows, block[1][0], "space-separated",
                     tuple(n for n, _ in block[1:]) if block[-1][0] - block[1][0] != len(rows) - 1 else ())


_SENTENCE = lazy_compile(r"[^\W\d_]{2}[.!?:][\"')]?\s*$|[^\W\d_]{2}[.!?]\s+[A-ZÆØÅÄÖ]")


# A cell of a "Table 1": a count with its percentage, or an estimate with its spread: "48 (48.0%)",
# "52.310 (8.130)", "2 [1.2]"; or a bare number.
_STAT_CELL = lazy_compile(r"(?<![\w.])[-\u2212]?\d[\d,.]*%?(?:[ \t]*[(\[][^()\[\]\n]{1,24}[)\]])?")
COUNT_PERCENT = lazy_compile(r"(?<![\w.,])(?:\d{1,3}(?:[.,]\d{3})+|\d+)[ \t]*\([ \t]*\d[\d.,]*[ \t]*%?[ \t]*\)")
# A test's p-value after a row's cells ("0.023"; "<0.001" is read as "0.001").
_P_VALUE = lazy_compile(r"^(?:0?[.,]\d+|1(?:[.,]0+)?)$")


_NOT_CELL_NAMES = frozenset({"level", "p", "p-value", "p value", "test", "smd"})
#: Lines of a paragraph read as a "Table 1" at most.
_COUNT_PERCENT_MAX_LINES = 2000


# A "Table 1" row of a median (or mean) with the range: "age (median [range])", "Alder, median (min-max)",
# "min, max", "vaihteluväli", "spännvidd".
_RANGE_ROW = lazy_compile(r"(?i)\brange\b|\bmin(?:imum)?\.?\s*[,/–-]\s*max|\bmin(?:imum)?\.?\s*[,/–-]\s*maks|"
                          r"variationsbredde|vaihteluv(?:ä|a)li|sp(?:ä|a)nnvidd|spennvidde")
# A statistic with two numbers in brackets after it: "52.5 [39.0, 77.0]", "52,5 (39,0-77,0)".
_WITH_PAIR = lazy_compile(r"(?<![\w.])-?\d[\d.,]*\s*[\[(]\s*(-?\d[\d.,]*)\s*(?:,|;|–|-|to)\s*(-?\d[\d.,]*)\s*[\])]")
# A row that gives each group's size: "n", "N", "Antal", "n (patients)".
_SIZE_ROW = lazy_compile(r"(?i)^\s*(?:n|antal|antall|number|no\.|lkm|lukumäärä|count)\b[^\d]{0,20}?(?=\s{2,}|\s*\d)")


def range_rows_table(block: list[tuple[int, str]]) -> TextTable | None:
    """The groups' sizes and ranges of a "Table 1" printed as text (tableone with ``minMax = TRUE``, table1's
    "Median [Min, Max]"): a row that gives each group's size ("n  212  87  4") and rows labelled as ranges
    whose cells are a statistic with its range ("52.5 [39.0, 77.0]"). The range's ends are the smallest and
    the largest unit's values: returned as a table of each group's n, minimum and maximum (one pair of
    columns per range row) for the extremes rules; None when the block has no such rows."""
    sizes: list[str] | None = None
    size_line = 0
    ranges: list[tuple[str, list[tuple[str, str]]]] = []
    for n, text in block:
        m = _SIZE_ROW.match(text)
        if m is not None and sizes is None:
            cells = text[m.end():].split()
            if cells and all(re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})*|\d+", c) for c in cells):
                sizes, size_line = cells, n
            continue
        label_end = min((x.start() for x in _WITH_PAIR.finditer(text)), default=-1)
        if label_end <= 0:
            continue
        label = text[:label_end].strip()
        if _RANGE_ROW.search(label):
            ranges.append((label, [(x.group(1), x.group(2)) for x in _WITH_PAIR.finditer(text)]))
    if sizes is None or not ranges:
        return None
    ranges = [(label, pairs[:len(sizes)]) for label, pairs in ranges if len(pairs) >= len(sizes)]
    if not ranges:
        return None
    header = [h for h in re.split(r"\s{2,}", next((t for n, t in reversed(block) if n < size_line), "").strip())
              if h and h.strip().lower() not in _NOT_CELL_NAMES]
    groups = header if len(header) == len(sizes) else [f"group {k + 1}" for k in range(len(sizes))]
    names = ["group", "n"]
    for label, _ in ranges:
        stem = re.sub(r"\s*[(\[].*$", "", label).strip() or "value"
        names += [f"min {stem}", f"max {stem}"]
    rows = [[groups[k], sizes[k], *(v for _, pairs in ranges for v in pairs[k])] for k in range(len(sizes))]
    return TextTable(unique_names(names), rows, size_line, "table1-ranges", tuple(size_line for _ in rows))


_GAPPED_LABEL = lazy_compile(r"^\s*(\S.*?)(?=\s{2,}\S)")


def count_percent_table(block: list[tuple[int, str]]) -> TextTable | None:
    """A "Table 1" printed with single spaces between its cells (Stata ``dtable``, ``table1``, tableone's
    print), lines numbered: rows of a label and cells of a count with its percentage (``2 (4.2%)``),
    which no column gutter separates. Rows are split at each cell; a line without numbers above indented
    rows names their variable (``sex`` over ``Female``, ``Male``). None unless two rows or more hold
    counts with percentages in the same number of cells."""
    if len(block) > _COUNT_PERCENT_MAX_LINES:
        return None  # a Table 1 is short: a long paragraph of prose or data is not read this way
    hits = 0
    for _, t in block:
        if "(" in t and COUNT_PERCENT.search(t):
            hits += 1
            if hits == 2:
                break
    if hits < 2:
        return None
    lines = [(n, t) for n, t in block if not _RULE_LINE.match(t)]
    rows: list[tuple[int, str, list[str]]] = []
    header: list[str] = []
    group, group_indent = "", -1
    for n, text in lines:
        # a label with numbers in it ("<20", "20-29", "Type 1") ends at the first wide gap, when one comes
        # before any count with its percentage; else (cells one space apart) at the first number
        labelled = _GAPPED_LABEL.match(text)
        start = labelled.end() if labelled is not None and not COUNT_PERCENT.search(labelled.group(1)) \
            and COUNT_PERCENT.search(text, labelled.end()) else 0
        cells = list(_STAT_CELL.finditer(text, start))
        indent = len(text) - len(text.lstrip())
        if not cells or (not rows and not COUNT_PERCENT.search(text) and not text[:cells[0].start()].strip()):
            if rows:
                group, group_indent = text.strip(), indent
            elif text.strip():
                header.append(text)
            continue
        label = text[:cells[0].start()].strip()
        if not label:
            return None  # a row without its label: not this layout
        if group and indent > group_indent:
            label = f"{group} | {label}"
        elif indent <= group_indent:
            group, group_indent = "", -1
        rows.append((n, label, [" ".join(m.group(0).split()) for m in cells]))
    # The table's width is that of most rows with a count and its percentage; a row with more cells ends in
    # its test's p-value ("<0.001", "0.023": tableone's "p" column, filled on a variable's first row only),
    # which is dropped, not the reason to drop the other rows.
    widths = Counter(len(c) for _, _, c in rows if any(COUNT_PERCENT.fullmatch(x) for x in c))
    width = max(widths, key=lambda w: (widths[w], w), default=0)
    rows = [(n, label, cells[:width]) for n, label, cells in rows
            if len(cells) == width or (len(cells) > width and all(_P_VALUE.match(x) for x in cells[width:]))]
    if len(rows) < 2 or width < 1:
        return None
    names = re.split(r"\s{2,}", header[-1].strip()) if header else []
    if len(names) > width:
        # tableone's header also names its "level" column and the test's "p" and "test" columns
        names = [x for x in names if x.strip().lower() not in _NOT_CELL_NAMES]
    if len(names) != width:
        names = [f"column_{k + 2}" for k in range(width)]
    return TextTable(unique_names(["", *names]), [[label, *cells] for _, label, cells in rows], rows[0][0],
                     "count-percent", tuple(n for n, _, _ in rows))


#: Lines above a table's first data row read as its title (header lines and a caption above them).
TITLE_LINES = 6


def title_above(text: str, first_line: int, table: TextTable) -> str:
    """The lines of ``text`` (numbered from ``first_line``) just above ``table``'s first data row: its header
    and the caption a note gives it ("Table 2. Diagnoses (n = 150)")."""
    lines = text.split("\n")
    end = table.data_line - first_line
    if not 0 < end <= len(lines):
        return ""
    above = lines[max(0, end - TITLE_LINES):end]
    if table.kind == "latex":
        # (a LaTeX table's \caption may stand above its header rules, further up than the lines read)
        start = next((k for k in range(end - 1, max(-1, end - 40), -1) if "\\begin{table" in lines[k]), None)
        caption = next((x for x in lines[start:end] if "\\caption" in x), None) if start is not None else None
        if caption is not None and caption not in above:
            above = [caption, *above]
    return "\n".join(above)


# A caption or note under a table: LaTeX's \caption (xtable puts it after the tabular), pandoc's ": Table 3 ...",
# "Table 2.", "Note:", "Source:", "N = 250", in the Nordic languages too.
_CAPTION_BELOW = lazy_compile(r"^\s*(?:\\caption\b|:\s|\*{0,2}_?(?:table|tabel|tabell|taulukko|note|notes|anm\w*|"
                              r"kilde|källa|kalla|source|lähde|n\s*=)\b)", re.IGNORECASE)
#: Lines under a table's last row read for its caption.
CAPTION_LINES = 4


def caption_below(text: str, first_line: int, table: TextTable) -> str:
    """The caption or note lines just under ``table``'s last row (a size stated there, "(N = 250)", is the
    rows' whole as a title's is). Only caption-like lines count: the next paragraph is not the table's."""
    lines = text.split("\n")
    last = (max(table.lines) if table.lines else table.data_line + len(table.rows) - 1) - first_line
    if table.kind == "latex":
        notes = _latex_table_notes(lines[last + 1:last + 1 + _LATEX_NOTES_LINES])
        if notes:
            return notes
    out: list[str] = []
    for line in lines[last + 1:last + 1 + CAPTION_LINES + 2]:
        stripped = line.strip()
        if _CAPTION_BELOW.match(line):
            out.append(line)
        elif out:
            if not stripped or stripped.startswith("\\"):
                break  # the caption ended
            out.append(line)  # a caption over several lines
        elif stripped and not stripped.startswith(("\\", "|", "+", "-", "=", "%")):
            break  # prose or another table before any caption: not the table's
        if len(out) >= CAPTION_LINES:
            break
    return "\n".join(out)


#: Lines under a LaTeX table's last row searched for its notes (the tabular's end, threeparttable's notes).
_LATEX_NOTES_LINES = 12
_LATEX_NOTES = lazy_compile(r"\\begin\{(tablenotes|tablenote|TableNotes|minipage)\}(.*?)\\end\{\1\}", re.DOTALL)
_LATEX_TABLE_END = lazy_compile(r"\\end\{table\*?\}")
_LATEX_TABULAR_END = lazy_compile(r"\\end\{(?:tabular[x*]?|longtable|tabulary|array)\}")
_LATEX_ITEM_MARK = lazy_compile(r"\\item\s*\[([^\]]*)\]")
_LATEX_COMMAND = lazy_compile(r"\\[a-zA-Z]+\*?(?:\[[^\]]*\])?")
_LATEX_SPACING = lazy_compile(r"\\[,;:! ]")


def _latex_table_notes(lines: list[str]) -> str:
    """The text of the notes under a LaTeX table (threeparttable's ``tablenotes``): "a Undertryckt på grund av
    dominans (de två största företagen > 85 %)". Commands are dropped, their arguments kept."""
    block = "\n".join(lines)
    end = _LATEX_TABLE_END.search(block)
    inside = block if end is None else block[:end.start()]
    m = _LATEX_NOTES.search(inside)
    if m is not None:
        body = m.group(2)
    else:
        # a note written after the tabular, in the table float ("\par\footnotesize\emph{Note:} Firms with 250 or
        # more employees are included in the total ..."): when the float's end is in sight
        after = _LATEX_TABULAR_END.search(inside)
        if end is None or after is None:
            return ""
        body = inside[after.end():]
    body = _LATEX_ITEM_MARK.sub(r"\n\1 ", body).replace("\\item", "\n")
    body = _LATEX_SPACING.sub(" ", body).replace("\\%", "%").replace("$", "").replace("~", " ")
    body = _LATEX_COMMAND.sub("", body).replace("{", "").replace("}", "")
    return "\n".join(" ".join(x.split()) for x in body.split("\n") if x.strip())


class TextTableSource:
    """A :class:`~scanner.loaders.base.TabularSource` over a table found in text (all columns text)."""

    def __init__(self, path: Path, table: TextTable, *, title: str = "", footer: str = "") -> None:
        self.path = path
        self.footer_text = footer
        import pyarrow as pa

        self._table = table
        self._schema = pa.schema([pa.field(n, pa.string()) for n in table.names])
        self._meta = TabularMeta(format=f"text-{table.kind}-table", data_line=table.data_line,
                                 notes=(f"{table.kind} table in text at line {table.data_line}",), title=title,
                                 dimensions=table.dimensions, counts=table.counts, decimal=table.decimal)

    @property
    def meta(self) -> TabularMeta:
        return self._meta

    @property
    def schema(self) -> pa.Schema:
        return self._schema

    def batches(self, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        from scanner.arrow_buffers import string_array

        rows = self._table.rows
        for start in range(0, len(rows), batch_rows):
            part = rows[start:start + batch_rows]
            columns = [string_array([r[k] for r in part]) for k in range(len(self._table.names))]
            yield pa.RecordBatch.from_arrays(columns, schema=self._schema)

    def incomplete(self) -> tuple[str, ...]:
        return ()
