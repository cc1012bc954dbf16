"""EXT: extremes — minima, maxima and percentiles that show one unit's value.

Both rules read a published table of statistics per group, in either layout real tools write:

* wide, one row per group and one column per statistic: `region;n;mean;p50;p90;max` (SAS PROC MEANS
  ODS CSV `N Obs;Mean;Std Dev;Minimum;Maximum`, Stata `tabstat`/`collapse`, R `summarise()`, StatBank
  tables with `Laveste timeløn;Højeste timeløn`);
* long, one row per statistic: a column of statistic labels (`Min`, `Max`, `P95`, `N`; SAS `_STAT_`
  of PROC MEANS OUT=, SAS UNIVARIATE `Quantile` with `100% Max`, a tidy `statistic;value`).

:func:`summary_layout` reads the headers or labels (:func:`stat_of`), and :func:`iter_groups` turns the
rows into groups with their published statistics (:class:`Group`), each statistic tied to the variable
it describes (`min_oms` and `p90_oms` describe `oms`), and the group's size from a count column of the
same row (`n`, `N Obs`, `antal`, `_FREQ_`) or the `N` row of a long table. The class-disclosure rule
(TAB006) reads the same groups.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    from scanner.table_model import ColumnInfo, TableModel

__all__ = ["Group", "OutlierOptions", "Stat", "SummaryLayout", "group_layout", "iter_groups", "row_labels",
           "same_variable", "stat_of", "summary_layout"]

# A row of a published table is named by at most this many dimension labels in a finding.
_MAX_LABELS = 6
# At most this many findings per rule and file are itemised.
_MAX_ITEMISED = 100
#: Statistics that are one unit's value or, in a small group, close to one: the EXT001 kinds.
EXTREMES = ("min", "max", "percentile")

# --- reading statistic names and labels ------------------------------------------------------------

# Swedish and Norwegian "minst" and Danish "mindst" mean "at least" ("Minst en gång"): not minima.
# (the longest and shortest of a duration: "Längsta vårdtid", "korteste indlæggelse", "lyhyin hoitoaika")
_MIN_WORDS = frozenset({"min", "minimum", "minimi", "mindste", "minste", "minsta", "laveste", "lavest", "lägsta",
                        "lagsta", "pienin", "alin", "smallest", "lowest", "minimal", "kortaste", "korteste",
                        "lyhyin", "shortest", "youngest", "yngsta", "yngste", "nuorin"})
# (with "oe" and "aa" for "ø" and "å", as SAS and Stata names write them: "stoerste_enkeltomk_kr", "hoejeste")
_MAX_WORDS = frozenset({"max", "maximum", "maks", "maksimum", "maksimi", "maksimal", "maximal", "største",
                        "storste", "stoerste", "hoejeste", "hoeyeste", "højeste", "hojeste", "høyeste", "hoyeste",
                        "högsta", "hogsta", "störst",
                        "storst", "största", "storsta", "suurin", "ylin", "largest", "highest", "längsta",
                        "langsta", "lengste", "længste", "laengste", "pisin", "longest",
                        "oldest", "äldsta", "aldsta", "ældste", "aeldste", "eldste", "vanhin"})
_MEDIAN_WORDS = frozenset({"median", "medianen", "mediaani", "medianer"})
_MEAN = lazy_compile(r"^(mean|avg|average|gennemsnit\w*|gns|gnsn|snit|medel\w*|middel\w*|gjennomsnitt\w*|gjsn|"
                   r"genomsnitt\w*|keskiarvo\w*|keskimäärin|keskimaarin)$")
_SD_WORDS = frozenset({"sd", "std", "stddev", "stdev", "standardafvigelse", "standardavvik", "standardavvikelse",
                       "spredning", "keskihajonta", "stdav", "stdafv"})
_VARIANCE_WORDS = frozenset({"var", "variance", "varians", "varianssi"})
# Standard errors, confidence limits and model output: statistics, but not of the group's values.
_SE_WORDS = frozenset({"se", "sem", "stderr", "stderror", "lower", "upper", "lcl", "ucl", "lclm", "uclm", "ci",
                       "cl", "conf", "confidence", "bound", "lb", "ub", "estimate", "coef", "beta", "tau",
                       # confidence intervals in the Nordic languages: "95% KI nedre", "95 % KI", "luottamusväli"
                       "ki", "konfidensinterval", "konfidensintervall", "sikkerhedsinterval",
                       "luottamusväli", "luottamusvali"})
_ERROR_WORDS = frozenset({"err", "error", "fejl", "feil", "fel", "virhe"})
_SIZE_WORDS = frozenset({"n", "nobs", "obs", "antal", "antall", "count", "cnt", "freq", "frequency", "frekvens",
                         "lkm", "lukumäärä", "lukumaara", "observations", "observationer",
                         # a group's units named alone ("Patienter", "Potilaita", "Tulonsaajia", "Personer")
                         "patienter", "patients", "pasienter", "potilaita", "potilaat", "personer", "persons",
                         "henkilöä", "henkiloa", "henkilöt", "henkilot", "tulonsaajia", "tulonsaajat", "individer",
                         "individuals", "virksomheder", "företag", "foretag", "foretak", "yrityksiä", "yrityksia",
                         "firms", "enterprises"})
_SUM_WORDS = frozenset({"sum", "summa", "total", "nmiss", "range", "cv", "mode", "skewness", "kurtosis",
                        "iqr"})
# A column of shares is never an extreme ("Andel med højeste uddannelse (pct.)", "max_pct").
_SHARE_WORDS = frozenset({"andel", "andelen", "share", "pct", "percent", "percentage", "procent", "prosent",
                          "rate", "ratio", "proportion", "prop", "osuus", "prosentti"})
# "Højeste fuldførte uddannelse" is a classification (highest completed education), not a maximum.
# (Finnish levels of education: "Alin korkea-aste" is the lowest tertiary level, "ylempi korkeakoulutaso")
_EDUCATION = lazy_compile(r"^(uddannelse\w*|udd|hfaudd|audd|utbildning\w*|utdanning\w*|education\w*|koulutus\w*|"
                        r"sun2000\w*|disced\w*|isced\w*|qualification\w*|degree\w*|eksamen\w*|examen\w*|"
                        r"korkea\w*|korkeakoulu\w*|keskiaste\w*|perusaste\w*|tutkinto\w*|aste|asteen)$")
_PERCENTILE_WORDS = lazy_compile(r"^(percentile?s?|percentil\w*|persentil\w*|pctl|centil\w*|fraktil\w*|"
                               r"kvantil\w*|quantile?s?)$")
_QUARTILE_WORDS = lazy_compile(r"^(kvartil\w*|quartile?s?|kvartiili\w*)$")
_DECILE_WORDS = lazy_compile(r"^(decil\w*|desiili\w*|deciles?)$")
_LOW_QUARTILE = frozenset({"nedre", "lower", "undre", "første", "förste", "första", "first", "1st", "1", "1.",
                           "ensimmäinen", "alakvartiili", "q1"})
_HIGH_QUARTILE = frozenset({"øvre", "övre", "upper", "tredje", "third", "3rd", "3", "3.", "kolmas",
                            "yläkvartiili"})
_P_LEVEL = lazy_compile(r"^(?:p|pct|q|pctl|perc|percentile)(\d{1,2}(?:[.,]\d+)?)$")
_NUMBER = lazy_compile(r"^(\d{1,3}(?:[.,]\d+)?)(?:st|nd|rd|th|\.|e|%)?$")
_DECILE = lazy_compile(r"^d([1-9])$")
_WORD = lazy_compile(r"[^\W_]+(?:[.,]\d+)?%?", re.UNICODE)
# Words of a statistic's phrase or a unit: not the name of the variable it describes.
_FILLERS = frozenset({"of", "af", "av", "the", "for", "i", "in", "på", "pa", "og", "and", "och", "ja", "value",
                      "values", "værdi", "verdi", "värde", "varde", "arvo", "dev", "deviation", "afv",
                      "afvigelse", "avvik", "avvikelse", "qu", "kr", "dkk", "sek", "nok", "eur", "euro", "euroa",
                      "usd", "gbp", "mio", "mill", "mkr", "tkr", "pctl", "level", "niveau", "stat", "statistic",
                      "statistik", "tunnusluku"})


# The first word of a count's name: "Antal i D1 (riket)" counts persons in a class.
_COUNT_LEAD = frozenset({"antal", "antall", "number", "count", "lkm", "lukumäärä", "lukumaara"})
_AGE_WORDS = frozenset({"år", "aar", "years", "vuotta", "vuotiaat", "age", "aged", "alder", "ålder"})
# The units a count word names the group's size by ("Antal personer", "Number of persons", "Antall ansatte").
_SIZE_UNITS = frozenset({"of", "personer", "persons", "people", "individer", "individuals", "observationer",
                         "observations", "obs", "patienter", "patients", "pasienter", "elever", "pupils", "students",
                         "ansatte", "anställda", "anstallda", "employees", "lønmodtagere", "loenmodtagere",
                         "virksomheder", "virksomheter", "företag", "foretag", "foretak", "firms", "yritykset",
                         "yrityksiä", "henkilöt", "henkilöä", "henkilöitä", "potilaat", "potilaita", "husstande",
                         "hushåll", "households", "familier", "families"})
# The smallest cell of a table, as a note to the output checker states it ("Mindste celle", "Smallest cell size").
_SMALLEST_CELL = lazy_compile(r"(?:mindste|minste|minsta|smallest|pienin|min\.?)\s*(?:celle|cell|solu)")
# A class of a quantile scale named with its end: "Q1 (lowest)", "Kvintil 5 (højeste)".
_QUANTILE_CLASS = lazy_compile(r"^\s*(?:q|d|quintile|quartile|decile|kvintil|kvartil|decil|kvintiili|kvartiili|"
                               r"desiili)\s*\d{1,2}\s*\((?:lowest|highest|laveste|højeste|hojeste|lavest|høyest|"
                               r"lägsta|högsta|lagsta|hogsta|alin|ylin|pienin|suurin)\)")


@dataclass(frozen=True, slots=True)
class StatName:
    """What a column name or a row label announces: a statistic ``kind`` ("min", "max", "percentile",
    "mean", "sd", "variance", "size", or "other" for standard errors, sums and the like), the percentile
    ``level`` (50 for the median), and the ``stem``: the variable it describes ("" when it names none)."""

    kind: str
    level: float | None
    stem: str


def _level(number: str) -> float | None:
    m = _NUMBER.match(number)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    return value if 0 <= value <= 100 else None


_SPLIT_LEVEL = lazy_compile(r"(?<![a-z0-9])(p|pct|pctl)(\d{2})(?:_|(?<=99))(\d{1,2})(?![0-9])")
# A quarter of a year as a label: "2023-Q1", "2023 Q2", "2023Q3", "Q4 2022", "Q1/2023".
_YEAR_QUARTER = lazy_compile(r"^(?:(?:19|20)\d\d\s*[-/ ]?\s*q\s*[1-4]|q\s*[1-4]\s*[-/ ]?\s*(?:19|20)\d\d)$")


@functools.lru_cache(maxsize=1 << 14)  # a pure function of a header or label (StatName is frozen)
def stat_of(text: str, *, quarters: bool = False) -> StatName | None:
    """The statistic a column header or a row label announces, or None (see :class:`StatName`).

    ``quarters``: the table also has `Q2` or `Q4` columns, so `Q1` and `Q3` are quarters, not quartiles.
    A column of shares (`andel`, `pct`, a `%` without a number before it) and the classification
    "highest completed education" are None: neither is a group's extreme.
    """
    lowered = text.strip().lower()
    if not lowered:
        return None
    if _QUANTILE_CLASS.match(lowered):
        return None  # "Q1 (lowest)", "Kvintil 5 (højeste) N=6,488": an income quintile, a class of the table
    if _SMALLEST_CELL.search(lowered):
        return None  # "Mindste celle": the size of a table's smallest cell (a count checked), no unit's value
    if _YEAR_QUARTER.match(lowered):
        return None  # "2023-Q1", "Q3 2022": a quarter of a year, not a quartile
    if lowered in ("n*", "n *"):
        return StatName("other", None, "")  # Minitab's "N*": the group's missing values, not its size
    if "%" in lowered and not re.search(r"\d\s*%", lowered):
        return None  # "Andel (%)", "max %": a share
    # (a percentile's decimals after an underscore or run in: "p99_9", "inntekt_p99_9", "p999" are the 99.9th)
    lowered = _SPLIT_LEVEL.sub(r"\1\2.\3", lowered)
    outside = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", lowered)
    inside = " ".join(a or b for a, b in re.findall(r"\(([^)]*)\)|\[([^\]]*)\]", lowered))
    words = [w.rstrip(".") for w in _WORD.findall(outside.replace("_", " "))]
    inner = [w.rstrip(".") for w in _WORD.findall(inside.replace("_", " "))]
    if any(w in _SHARE_WORDS or _EDUCATION.match(w) for w in words + inner):
        return None
    if len(words) > 1 and words[0] in _COUNT_LEAD:
        if words[1:] and {w for w in words[1:] if not w.isdigit() and w not in _AGE_WORDS} <= _SIZE_UNITS:
            # "Antal personer", "Number of persons", "Antal personer 18+ år": the group's size
            return StatName("size", None, "")
        return None  # "Antal i D1 (riket)", "Number of persons in Q5": a count of a class, not its bound
    kinds: list[tuple[str, float | None]] = []
    used: set[int] = set()
    for i in range(len(words)):
        found, partner = _word_stat(words, i, quarters)
        if found is not None:
            kinds.append(found)
            used.add(i)
            if partner is not None:
                used.add(partner)
    if not kinds:
        # "Ventetid (min)" names a unit in parentheses, "Indkomst (maks.)" a statistic: a lone "min" inside
        # parentheses is read as minutes.
        for w in inner:
            if w in _MAX_WORDS:
                kinds.append(("max", 100.0))
            elif w in _MIN_WORDS and w != "min":
                kinds.append(("min", 0.0))
            elif w in _MEDIAN_WORDS:
                kinds.append(("percentile", 50.0))
            elif _MEAN.match(w):
                kinds.append(("mean", None))
    if not kinds:
        return None
    names = {k for k, _ in kinds}
    if "model" in names:
        return StatName("other", None, "")  # a confidence limit or standard error of any statistic
    # Precedence: an extreme over its percentile form ("100% Max", "0% Min"), then percentiles, means,
    # spreads; a size word last ("Største antal ansatte" is a maximum).
    chosen = next(k for k in ("min", "max", "percentile", "mean", "sd", "variance", "other", "size") if k in names)
    if "other" in names and chosen in ("mean", "sd", "variance"):
        chosen = "other"  # "Lower CL for Mean", "Std Error of Mean": not the group's own statistic
    level = next(lvl for k, lvl in kinds if k == chosen)
    if chosen == "percentile" and level in (0.0, 100.0):
        chosen = "min" if level == 0.0 else "max"  # R's quantile(): "0%" is the minimum, "100%" the maximum
    stem = [w for i, w in enumerate(words) if i not in used and w not in _FILLERS and w not in _ERROR_WORDS
            and not re.fullmatch(r"[\d.,%]+", w)]
    return StatName(chosen, level, " ".join(stem))


def _word_stat(words: Sequence[str], i: int, quarters: bool) -> tuple[tuple[str, float | None] | None, int | None]:
    """The statistic word ``words[i]`` is, if any, and the index of a neighbour that belongs to it (the
    level of "90 percentile", the "1st" of "1st Qu.")."""
    w = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    prev = words[i - 1] if i else ""
    if w in _MIN_WORDS:
        return ("min", 0.0), None
    if w in _MAX_WORDS:
        return ("max", 100.0), None
    if w in _MEDIAN_WORDS:
        return ("percentile", 50.0), None
    if _MEAN.match(w):
        return ("mean", None), None
    if w in _SD_WORDS:
        return (("other", None) if nxt in _ERROR_WORDS else ("sd", None)), None
    if w in ("st", "standard", "standardised") and nxt in ("dev", "deviation", "afvigelse", "avvik", "avvikelse"):
        return ("sd", None), i + 1  # stargazer's "St. Dev.", "Standard deviation"
    if w in _VARIANCE_WORDS:
        return ("variance", None), None
    if w in _SE_WORDS:
        # "Lower 95% CL", "Std Error", "Point Estimate": of a model, not the group's values ("Lower
        # Quartile" is a percentile).
        return (None, None) if _QUARTILE_WORDS.match(nxt) else (("model", None), None)
    if w in _SUM_WORDS:
        return ("other", None), None
    if w in _SIZE_WORDS:
        return ("size", None), None
    if w in ("alakvartiili", "yläkvartiili"):
        return ("percentile", 25.0 if w == "alakvartiili" else 75.0), None
    if w == "qu" and prev in ("1st", "3rd"):  # R summary(): "1st Qu.", "3rd Qu."
        return ("percentile", 25.0 if prev == "1st" else 75.0), i - 1
    m = _P_LEVEL.match(w)
    if m and not (w.startswith("q") and quarters):
        digits = m.group(1)
        if w.startswith("q") and digits in ("1", "2", "3"):
            return ("percentile", {"1": 25.0, "2": 50.0, "3": 75.0}[digits]), None
        lvl = _level(digits)
        return (("percentile", lvl) if lvl is not None else None), None
    if (m := _DECILE.match(w)) and not quarters:
        return ("percentile", 10.0 * int(m.group(1))), None
    if _QUARTILE_WORDS.match(w):
        for j, x in ((i - 1, prev), (i + 1, nxt)):
            if x in _LOW_QUARTILE:
                return ("percentile", 25.0), j
            if x in _HIGH_QUARTILE:
                return ("percentile", 75.0), j
        return ("other", None), None
    if _PERCENTILE_WORDS.match(w) or _DECILE_WORDS.match(w):
        scale = 10.0 if _DECILE_WORDS.match(w) else 1.0
        for j, x in ((i - 1, prev), (i + 1, nxt)):
            lvl = _level(x) if x else None
            if lvl is not None and lvl * scale <= 100:
                return ("percentile", lvl * scale), j
        return ("other", None), None  # "Percentiles" without a level
    if w.endswith("%") and (lvl := _level(w)) is not None:  # SAS UNIVARIATE: "99%", "100% Max"
        return ("percentile", lvl), None
    return None, None


# --- the groups of a table of statistics ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stat:
    """One published statistic of a group: what it is, which variable, where, and its value."""

    kind: str
    level: float | None
    stem: str
    column: str
    row: int  # 1-based data row that shows it
    value: float | None


@dataclass(slots=True)
class Group:
    """A group (a row of a wide table, or the rows of one key in a long one) and its statistics."""

    row: int
    labels: tuple[tuple[str, str], ...]
    stats: list[Stat] = field(default_factory=list)

    def sizes(self, stem: str) -> list[Stat]:
        """The published sizes that apply to ``stem``: its own (`income_N`) and the group's (`n`)."""
        return [s for s in self.stats if s.kind == "size" and s.value is not None and same_variable(s.stem, stem)]

    def size(self, stem: str) -> float | None:
        """The group's number of observations for ``stem``: the smallest published (fail closed)."""
        values = [s.value for s in self.sizes(stem) if s.value is not None]
        return min(values) if values else None

    def of(self, kind: str, stem: str) -> list[Stat]:
        """Published statistics of ``kind`` that describe ``stem``."""
        return [s for s in self.stats if s.kind == kind and s.value is not None and same_variable(s.stem, stem)]


def same_variable(a: str, b: str) -> bool:
    """Whether two statistics describe the same variable: equal stems, or one names none (`max` in a
    table of one variable)."""
    return a == b or not a or not b


@dataclass(frozen=True, slots=True)
class _Column:
    info: ColumnInfo
    name: StatName


@dataclass(frozen=True, slots=True)
class SummaryLayout:
    """How a table holds its statistics: per column (wide) or per row of a label column (long)."""

    #: wide: the numeric columns that are statistics (sizes included)
    columns: tuple[_Column, ...] = ()
    #: long: the column of statistic labels, and the numeric columns that hold their values
    label_column: ColumnInfo | None = None
    value_columns: tuple[ColumnInfo, ...] = ()
    #: long: numeric columns that give the group size in every row (SAS `_FREQ_`)
    size_columns: tuple[_Column, ...] = ()

    #: long: some rows are labelled as group sizes (`N`, `n`, `Antal`)
    label_sizes: bool = False

    @property
    def long(self) -> bool:
        return self.label_column is not None

    @property
    def gives_sizes(self) -> bool:
        """Whether the table publishes group sizes at all (a column, or `N` rows)."""
        if self.long:
            return bool(self.size_columns) or self.label_sizes
        return any(c.name.kind == "size" for c in self.columns)


# Short percentile names ("p90", "q1") are percentiles only when every short name of the table is a usual
# level: "p1".."p5" or "q1".."q4" are questionnaire items (the table analysis decides the same for column
# names; this reads row labels of a long table).
_PERCENTILE_SHORT = lazy_compile(r"^[pq]\d{1,2}$")
_USUAL_LEVELS = frozenset({"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "q1", "q3"})


def _questionnaire_items(labels: Sequence[str]) -> bool:
    short = [x.strip().lower() for x in labels if _PERCENTILE_SHORT.match(x.strip().lower())]
    return bool(short) and not all(x in _USUAL_LEVELS for x in short)


def _quarters(names: Sequence[str], *, counts: bool = False) -> bool:
    """Whether names of a table's columns (or rows) are classes of a scale, not its cut points: quarters
    (``Q2``, ``Q4``), or, in a table of counts, deciles up to ``D10`` (nine cut points make ten classes;
    "D10 (højeste)"). A table of decile groups' means is judged by its percentile reading."""
    keys = {n.strip().lower() for n in names}
    firsts = {n.strip().lower().split(" ", 1)[0] for n in names if n.strip()}
    return bool(keys & {"q2", "q4", "k2", "k4", "kv2", "kv4"}) or (counts and "d10" in firsts)


def _is_model_output(table: TableModel, layout: SummaryLayout) -> bool:
    """Regression, ANOVA or test output (an `Estimate`, `Df`, `Pr(>|t|)` column): not a group's values.

    A table that also publishes minima, maxima or percentiles per group is read as a summary table all
    the same (SAS PROC MEANS can add `t Value` and `Pr > |t|` beside `Minimum` and `Maximum`), and so is a
    long table of statistic labels (SAS UNIVARIATE's `Quantile;Estimate`).
    """
    if layout.long:
        return False
    if any(c.name.kind in EXTREMES for c in layout.columns):
        return False
    return any(c.statistic == "estimate" for c in table.columns)


def _size_column(c: ColumnInfo) -> StatName | None:
    """A numeric column that gives group sizes: a size word (`n`, `N Obs`, `antal virksomheder`,
    `_FREQ_`, `lukumäärä`), no share word, and whole non-negative numbers ("N" holding decimals is not a
    count of observations)."""
    from scanner.table_model import ColumnKind

    if c.kind is not ColumnKind.NUMERIC or not (c.non_negative and c.integral):
        return None
    name = stat_of(c.name)
    if name is not None and name.kind == "size":
        return name
    return None


def summary_layout(table: TableModel) -> SummaryLayout | None:
    """The statistics a table publishes per group, or None when it publishes none (or is model output,
    microdata). Memoised on the table (it depends on the table alone).

    Only tables the analysis reads as aggregates are read: rows of units (microdata) are MIC's business,
    and an unnamed listing whose rows the analysis could not settle is no table of group statistics.
    """
    from scanner.table_model import TableShape

    if table.shape is not TableShape.AGGREGATE:
        return None
    cache_key = ("summary-layout",)
    if cache_key in table.cache:
        cached = table.cache[cache_key]
        return cached if isinstance(cached, SummaryLayout) else None
    layout = _long_layout(table) or _wide_layout(table)
    if layout is not None and _is_model_output(table, layout):
        layout = None
    table.cache[cache_key] = layout
    return layout


def group_layout(table: TableModel) -> SummaryLayout | None:
    """:func:`summary_layout`, or, for a table that publishes no statistic but counts its contributors
    (`Branche;Antal virksomheder;Eksport (mio. kr.)`), a wide layout of its group sizes alone."""
    from scanner.table_model import TableShape

    layout = summary_layout(table)
    if layout is not None or table.shape is not TableShape.AGGREGATE:
        return layout
    if any(c.statistic == "estimate" for c in table.columns):
        return None
    sizes = _size_columns(table, [_Column(c, n) for c in table.columns if (n := _size_column(c)) is not None])
    return SummaryLayout(columns=tuple(sizes)) if sizes else None


def _size_columns(table: TableModel, cols: Sequence[_Column]) -> list[_Column]:
    """The columns that give group sizes: named as sizes (`n`, `N Obs`, `Antal virksomheder`, `_FREQ_`,
    `lukumäärä`), else whole-number count columns the table analysis names as counts (`firms`,
    `patients`, `Yrityksiä`), never a sum or a total."""
    from scanner.table_model import ColumnKind

    named = [c for c in cols if c.name.kind == "size"]
    if named:
        return named
    counts = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.is_count and c.integral
              and c.non_negative and stat_of(c.name) is None and not _TOTAL_NAME.search(c.name)]
    # (the one count column of a table of statistics is its groups' sizes whatever its name: "Operationer",
    # "opererede" beside the median length of stay)
    chosen = [c for c in counts if c.count_named] or (counts if len(counts) == 1 else [])
    return [_Column(c, StatName("size", None, "")) for c in chosen]


# Count-named columns that are sums or totals, not the number of contributors.
_TOTAL_NAME = lazy_compile(r"(?<![^\W\d_])(sum|summa|total|totalt|value|values|værdi|verdi|värde|varde|i alt)"
                         r"(?![^\W\d_])", re.IGNORECASE)


def _wide_layout(table: TableModel) -> SummaryLayout | None:
    from scanner.table_model import ColumnKind, Role

    quarters = _quarters([c.name for c in table.columns], counts=bool(table.counts))
    cols = []
    for c in table.columns:
        if c.kind is not ColumnKind.NUMERIC and c.role is not Role.IDENTIFIER and c.non_null \
                and (date := _date_extreme(table, c)) is not None:
            cols.append(_Column(c, date))  # "Første diagnosedato", "Seurannan loppu (viimeisin)": a unit's date
            continue
        if c.kind is not ColumnKind.NUMERIC or c.role is Role.IDENTIFIER or c.non_null == 0:
            continue
        if _PERCENTILE_SHORT.match(c.name.strip().lower()) and c.statistic is None:
            continue  # the table analysis read "q1".."q4", "p1".."p5" as questionnaire items
        if c.class_of_total:
            continue  # "Barn D1".."Barn D10" adding up to "Totalt": classes of a crosstab, counted
        name = stat_of(c.name, quarters=quarters)
        if name is None or name.kind == "other" or (name.kind == "size" and _size_column(c) is None):
            continue
        cols.append(_Column(c, name))
    if not any(c.name.kind in (*EXTREMES, "sd", "variance", "mean") for c in cols):
        return None
    cols = _mean_named_by_its_variable(table, cols)
    cols = [c for c in cols if c.name.kind != "size"] + _size_columns(table, cols)
    stems = {c.name.stem for c in cols if c.name.kind != "size"}
    # A size column names a variable only when a statistic of that variable is published (`income_N`
    # beside `income_Mean`); "Antal virksomheder" counts the group's units.
    cols = [_Column(c.info, StatName("size", None, c.name.stem if c.name.stem in stems else ""))
            if c.name.kind == "size" else c for c in cols]
    return SummaryLayout(columns=tuple(cols))


def _mean_named_by_its_variable(table: TableModel, cols: list[_Column]) -> list[_Column]:
    """``cols`` with the column just left of the one unnamed standard deviation read as its mean, when the table
    names no mean and it names no statistic itself: "Løn (1.000 kr.) | Std.afv. | Min. | Maks." (a descriptive
    table's mean is often named after its variable)."""
    from scanner.table_model import ColumnKind

    sds = [c for c in cols if c.name.kind == "sd" and not c.name.stem]
    if len(sds) != 1 or any(c.name.kind == "mean" for c in cols) \
            or not any(c.name.kind in ("min", "max") and not c.name.stem for c in cols):
        return cols
    at = next(k for k, c in enumerate(table.columns) if c is sds[0].info)
    if at == 0:
        return cols
    left = table.columns[at - 1]
    if left.kind is not ColumnKind.NUMERIC or left.is_count or any(c.info is left for c in cols) \
            or stat_of(left.name) is not None or _size_column(left) is not None:
        return cols
    return [*cols, _Column(left, StatName("mean", None, ""))]


# Words that make a column of dates its group's first or last date: "Første diagnosedato", "Earliest entry",
# "Seurannan alku (aikaisin)", "Senaste besök", "Last follow-up".
_FIRST_DATE_WORDS = frozenset({"first", "earliest", "første", "forste", "tidligste", "först", "forst", "första",
                               "forsta", "tidigaste", "først", "tidligaste", "ensimmäinen", "aikaisin", "varhaisin",
                               "aikaisimmat", "ensimmäiset"})
_LAST_DATE_WORDS = frozenset({"last", "latest", "sidste", "seneste", "senaste", "sista", "siste", "viimeisin",
                              "viimeinen", "myöhäisin", "viimeisimmät", "viimeiset"})
# A date as tables print it: 2008-01-14, 14-01-2008, 14.1.2008, 14/01/2008, Stata's %td 01jan1996, 14 Jan 2008.
_DATE_TEXT = lazy_compile(r"^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[-./](\d{1,2})[-./](\d{4})|"
                          r"(\d{1,2})\s?([a-zæøåäö]{3})[a-zæøåäö]*\.?\s?(\d{4}))(?:[ T]\d\d:\d\d(?::\d\d)?)?\s*$",
                          re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)} | {"maj": 5, "mai": 5, "okt": 10, "des": 12, "dic": 12}


def date_ordinal(value: object) -> float | None:
    """A date cell as the number of its day (``date.toordinal``), or None when it is no date."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return float(value.date().toordinal())
    if isinstance(value, dt.date):
        return float(value.toordinal())
    if not isinstance(value, str) or (m := _DATE_TEXT.match(value)) is None:
        return None
    g = m.groups()
    if g[0] is not None:
        y, mo, d = int(g[0]), int(g[1]), int(g[2])
    elif g[3] is not None:
        y, mo, d = int(g[5]), int(g[4]), int(g[3])
    else:
        y, mo, d = int(g[8]), _MONTHS.get(g[7].lower(), 0), int(g[6])
    try:
        return float(dt.date(y, mo, d).toordinal())
    except ValueError:
        return None


def _date_extreme(table: TableModel, c: ColumnInfo) -> StatName | None:
    """A column of dates that is each group's first or last ("Første diagnosedato", "Min entry date",
    "Seurannan loppu (viimeisin)"): one unit's own date, a minimum or maximum like any other."""
    name = stat_of(c.name)
    if name is None or name.kind not in ("min", "max"):
        # ("Last Unit Cost Calc. Date" of an item's record is its own date: a first or last date is a group's only
        # beside the group's count)
        if not any(o.is_count or o.count_named for o in table.columns):
            return None
        words = {w.rstrip(".") for w in _WORD.findall(c.name.lower().replace("_", " "))}
        name = StatName("min", 0.0, "") if words & _FIRST_DATE_WORDS else \
            StatName("max", 100.0, "") if words & _LAST_DATE_WORDS else None
    if name is None:
        return None
    try:
        values = [v for v in table.sample.get_column(c.name).head(_DATE_SAMPLE).to_list() if v is not None and v != ""]
    except (ValueError, OverflowError):  # a date column Python's dates cannot hold (year 201416): no dates
        return None
    if not values or any(date_ordinal(v) is None for v in values):
        return None
    return name


_DATE_SAMPLE = 200


def _long_layout(table: TableModel) -> SummaryLayout | None:
    """A column of statistic labels (`Min`, `Max`, `P95`, `N`, `100% Max`, `_STAT_`) beside value columns."""
    from scanner.table_model import SMALL_FRAME_ROWS, ColumnKind, Role

    texts = [c for c in table.columns if c.role is Role.DIMENSION and c.kind is ColumnKind.TEXT]
    for c in texts:
        column = table.sample.get_column(c.name)
        # (a small sample's labels in Python: a Polars query costs more than reading a few dozen values)
        distinct = dict.fromkeys(v for v in column.to_list() if v is not None) \
            if column.len() <= SMALL_FRAME_ROWS else column.drop_nulls().unique().to_list()
        labels = [v for v in distinct if str(v).strip()]
        if len(labels) < 2:
            continue
        quarters = _quarters([str(v) for v in labels], counts=bool(table.counts))
        items = _questionnaire_items([str(v) for v in labels])
        names = [None if items and _PERCENTILE_SHORT.match(str(v).strip().lower()) else
                 stat_of(str(v), quarters=quarters) for v in labels]
        # Every label a pure statistic ("Min", "50% Median", "Std Dev"), no variable in it ("max_temp").
        pure = [n for n in names if n is not None and not n.stem]
        if len(pure) < 0.8 * len(labels) or not any(n.kind in EXTREMES for n in pure) or len(pure) < 2:
            continue
        values = tuple(v for v in table.columns if v.kind is ColumnKind.NUMERIC and v.role is Role.MEASURE
                       and _size_column(v) is None)
        if not values or any(v.class_of_total for v in values):
            continue  # (classes whose counts add up to the row's total: a crosstab of deciles, not their values)
        sizes = tuple(_Column(v, StatName("size", None, "")) for v in table.columns
                      if v.role is Role.MEASURE and _size_column(v) is not None)
        return SummaryLayout(label_column=c, value_columns=values, size_columns=sizes,
                             label_sizes=any(n.kind == "size" for n in pure))
    return None


def row_labels(table: TableModel, row: dict[str, object], exclude: str | Sequence[str] | None = None
               ) -> tuple[tuple[str, str], ...]:
    """A row's dimension labels, masked, for a finding's location (``exclude``: columns that are no labels)."""
    skip = {exclude} if isinstance(exclude, str) else set(exclude or ())
    dims = [c.name for c in table.dimensions if c.name not in skip][:_MAX_LABELS]
    return tuple((masking.mask_name(d), masking.mask_label(_plain(row.get(d)))) for d in dims)


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)):
        return date_ordinal(value)  # a date column of first or last dates (the layout takes no other text)
    if isinstance(value, (int, float)) and not (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return float(value)
    return None


def iter_groups(table: TableModel, layout: SummaryLayout, values: Sequence[ColumnInfo] = ()) -> Iterator[Group]:
    """Every group of the table with its published statistics, streaming over all rows.

    Wide: one group per row; ``values`` columns (magnitudes beside the statistics) are added as
    statistics of kind "value". Long: one group per key of the other dimension columns (a table of
    statistics is small; the groups are collected before they are yielded), each value column a variable.
    """
    if not layout.long:
        statistics = [c.info.name for c in layout.columns]  # (a column of first dates is a statistic, no label)
        for offset, frame in table.frames():
            for i, row in enumerate(frame.iter_rows(named=True)):
                r = offset + i + 1
                stats = [Stat(c.name.kind, c.name.level, c.name.stem, c.info.name, r, _number(row.get(c.info.name)))
                         for c in layout.columns]
                stats += [Stat("value", None, "", c.name, r, _number(row.get(c.name))) for c in values]
                yield Group(r, row_labels(table, row, exclude=statistics), stats)
        return
    label_col = layout.label_column
    assert label_col is not None
    known = [str(v) for v in table.sample.get_column(label_col.name).drop_nulls().unique().to_list()]
    quarters, items = _quarters(known, counts=bool(table.counts)), _questionnaire_items(known)
    names: dict[str, StatName | None] = {}
    keys = [c.name for c in table.dimensions if c.name != label_col.name]
    groups: dict[tuple[object, ...], Group] = {}
    for offset, frame in table.frames():
        for i, row in enumerate(frame.iter_rows(named=True)):
            r = offset + i + 1
            key = tuple(row.get(k) for k in keys)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(r, row_labels(table, row, exclude=label_col.name))
            for s in layout.size_columns:
                group.stats.append(Stat("size", None, "", s.info.name, r, _number(row.get(s.info.name))))
            label = row.get(label_col.name)
            if label is None:
                continue
            text = str(label)
            if text not in names:
                names[text] = None if items and _PERCENTILE_SHORT.match(text.strip().lower()) else \
                    stat_of(text, quarters=quarters)
            name = names[text]
            if name is None or name.stem:
                continue
            for v in layout.value_columns:
                # Each value column is a variable of its own (`tabstat income age, stat(n min max)`).
                stem = v.name if len(layout.value_columns) > 1 else ""
                group.stats.append(Stat(name.kind, name.level, stem, v.name, r, _number(row.get(v.name))))
    yield from groups.values()


def _where(group: Group) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.labels) or f"row {group.row}"


def _columns(stats: Sequence[Stat]) -> str:
    names = list(dict.fromkeys(s.column for s in stats))
    return ", ".join(repr(masking.mask_name(n)) for n in names[:5])


def _extreme_phrase(stats: Sequence[Stat], long: bool) -> str:
    if not long:
        return _columns(stats)
    kinds = [word for kind, word in (("min", "minimum"), ("max", "maximum"), ("percentile", "percentiles"))
             if any(s.kind == kind for s in stats)]
    listed = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else kinds[0]
    return f"{listed} (column {_columns(stats)})"


@dataclass(frozen=True, slots=True)
class SmallGroupOptions:
    """EXT001 options (see rules.toml)."""

    #: groups with fewer observations than this (or than the profile's threshold, whichever is larger) show
    #: a unit's own value in their extremes; 0: the profile's threshold alone
    min_group: int = 0
    #: groups with fewer observations than this (and not fewer than the blocking size) whose minimum or
    #: maximum is published (or a percentile that is one unit's value at the group's size): review; 0 turns it off
    review_below: int = 10
    #: a published minimum or maximum of a group of any larger size (or a percentile that is its largest or
    #: smallest value: a P99.9 of 400): review, once per table (Eurostat's output-checking guidelines class
    #: maxima and minima as unsafe: each is one unit's own value; the default: when unsure, a person looks);
    #: False (the letter of Statistics Denmark's rule of at least 3 units): only groups under `review_below`,
    #: and outlying extremes (EXT002)
    review_any_size: bool = True

    def __post_init__(self) -> None:
        if self.min_group < 0:
            raise ValueError("min_group must be 0 (the profile's threshold) or a number of observations")
        if self.review_below < 0:
            raise ValueError("review_below must be 0 (off) or a number of observations")


@rule("EXT001", "extreme-from-small-group", Severity.BLOCK, (Shape.TABLE,), SmallGroupOptions)
def extreme_from_small_group(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A minimum, maximum or percentile of a group with fewer observations than the threshold.

    What it flags: a published table of statistics per group with minima, maxima, medians or other
    percentiles — wide (`region;n;mean;min;max`, `Maks.`, `Laveste timeløn`, `p90`, `Mediaani`, SAS
    PROC MEANS `N Obs;Minimum;Maximum`) or long (a column of labels `N`/`Min`/`Max`/`P95`, SAS `_STAT_`,
    UNIVARIATE `100% Max`) — where the group has fewer observations than the profile's threshold:
    `block`. The group size is the smallest count of the same row (`n`, `N Obs`, `antal`, `_FREQ_`,
    `Antal virksomheder`) or the `N` row of the group in a long table. When the table gives no group size
    at all, it is `review` ("group size not given"): nobody can tell whether a group is small; so is a
    group whose size cell is empty or suppressed while its extremes are shown. Regression and ANOVA
    output and columns of shares (`Andel med højeste uddannelse`) are not read as extremes.

    Why it is disclosive: the minimum and the maximum are always one unit's value, and a median or
    percentile of one or two observations is one of them (or their mean): a group under the threshold
    shows a person's or a firm's own value.

    Example: `Bornholm;2;301.200;288.100;314.300` as `kommune;n;mean;min;max`.

    A group at least that large but smaller than `review_below` (10) whose minimum or maximum is published
    (or a percentile that is one unit's value at its size: a P90 of 4, a P99 of fewer than 100, the median of
    an odd number, 5 survival times' median being the third person's own) is `review`: the values are
    single units', and whether a group of 4 or 9 may show them is a checker's judgement.

    Options: `min_group` (0): a group size under which extremes are blocked when it is larger than the
    profile's threshold (the minimum and maximum are one unit's value in a group of any size; a checker who
    also blocks them in groups of, say, fewer than 10 sets 10; P1/P99 of fewer than 100 observations are
    the minimum and maximum too). `review_below` (10): the group size under which published extremes are
    review (0: off). `review_any_size` (true): a published minimum or maximum of a larger group is review too,
    once per table (each is one unit's own value, and whether that unit can be recognised is a person's
    judgement); false leaves only groups under `review_below` and outlying extremes (EXT002).

    References: Statistics Denmark, rules for sending results home (every published figure, minima,
    maxima and percentiles included, rests on at least 3 units); Eurostat, Guidelines for the checking of
    output based on microdata research (2015), maxima, minima and percentiles; Hundepool et al.,
    Statistical Disclosure Control (2012), 4.4.
    """
    ranked = _ranked_extremes(table)
    if ranked:
        yield ctx.finding(
            f"The table lists single units' own extreme values ({ranked}): each is one unit's own value, "
            "whatever the size of the group.",
            masking.note(f"{table.n_sample_rows:,} rows of ranked extreme values; values not shown"),
            identity="ranked-extremes",
        )
        return
    yield from _ranges_of_stated_groups(ctx, table)
    bounds = _outer_class_bounds(table) if ctx.options.review_any_size else ""
    if bounds:
        yield ctx.finding(
            f"The table gives its classes' limits ({bounds}): the lowest class's lower limit and the highest "
            "class's upper limit are the smallest and the largest single unit's own values (the minimum and the "
            "maximum), whatever the classes' sizes. A person must judge whether they may leave (or publish the "
            "outer classes open: \"under 15 203\", \"52 320 and over\").",
            masking.note("limits of the outermost classes; values not shown"), identity="class-limits",
            severity=Severity.REVIEW)
    layout = summary_layout(table)
    if layout is None:
        return
    profile = ctx.profile
    opts: SmallGroupOptions = ctx.options
    limit = max(profile.threshold, opts.min_group)
    wide_extremes = [c for c in layout.columns if c.name.kind in EXTREMES]
    if not layout.long and not wide_extremes:
        return
    if not layout.gives_sizes and wide_extremes:
        from scanner.analysis.published_cells import stated_group_size

        # each group's size stated over its columns ("Women (n=117) | Min", "Familial ALS (n=6) | Max")
        stated = [stated_group_size(c.info.name) for c in wide_extremes]
        if all(n is not None for n in stated):
            for c, n in zip(wide_extremes, stated, strict=True):
                if n is None or n >= opts.review_below:
                    continue
                under = limit if n < limit else opts.review_below
                yield ctx.finding(
                    f"Column {masking.mask_name(c.info.name)!r} publishes a minimum, maximum or percentile of a "
                    f"group whose header states fewer than {under} observations: single units' own values"
                    + ("." if n < limit else "; a person must judge."),
                    masking.note(f"group size stated in the column's header, under {under}"),
                    column=c.info.name, severity=None if n < limit else Severity.REVIEW,
                    identity=f"stated:{c.info.name}",
                )
            return
    if not layout.gives_sizes:
        if layout.label_column is not None:
            shown = layout.value_columns[0].name
            what = f"rows {masking.mask_name(layout.label_column.name)!r} of minima, maxima or percentiles"
        else:
            shown = wide_extremes[0].info.name
            what = f"column(s) {', '.join(repr(masking.mask_name(c.info.name)) for c in wide_extremes[:5])}"
        yield ctx.finding(
            f"The table publishes {what} per group, but not the groups' sizes: a group with fewer than "
            f"{profile.threshold} observations would show a unit's own value. A person must check the group "
            "sizes (group size not given).",
            masking.note("extremes per group; group size not given"),
            column=shown, severity=Severity.REVIEW, identity="no-group-size",
        )
        return
    itemised = 0
    large: tuple[Group, list[Stat]] | None = None  # the first larger group whose minimum or maximum is shown
    for group in iter_groups(table, layout):
        extremes = [s for s in group.stats if s.kind in EXTREMES and s.value is not None]
        if not extremes:
            continue
        small = [s for s in extremes if (n := group.size(s.stem)) is not None and 0 < n < limit]
        unknown = [s for s in extremes if group.size(s.stem) is None]
        if not small and not unknown:
            if large is None and opts.review_any_size:
                ones = [s for s in extremes if (n := group.size(s.stem)) is not None and n >= opts.review_below
                        and _as_extreme(group, s)[0] is not None and not _indicator_range(group, s)]
                large = (group, ones) if ones else None
            few = [s for s in extremes if (n := group.size(s.stem)) is not None and limit <= n < opts.review_below
                   and (_as_extreme(group, s)[0] is not None or _middle_unit(s, n))]
            if few:
                itemised += 1
                if itemised <= _MAX_ITEMISED:
                    first = min(few, key=lambda s: s.row)
                    yield ctx.finding(
                        f"Group ({_where(group)}) has fewer than {opts.review_below} observations, and its "
                        f"{_extreme_phrase(few, layout.long)} (a minimum or maximum, or a percentile that is "
                        "one unit's value at this size) are single units' own values: a person must judge "
                        "whether they may leave.",
                        masking.evidence(f"group size {limit}-{opts.review_below - 1} "
                                         f"(review below {opts.review_below}, profile {profile.name})"),
                        row=first.row, column=first.column, cell=group.labels or None, severity=Severity.REVIEW,
                        identity="few" + ("" if group.labels else f"row{group.row}"),
                    )
            continue
        itemised += 1
        if itemised > _MAX_ITEMISED:
            continue
        shown = small or unknown
        first = min(shown, key=lambda s: s.row)
        if small:
            sizes = group.sizes(first.stem)
            size_col = min(sizes, key=lambda s: s.value or 0.0).column if sizes else ""
            yield ctx.finding(
                f"Group ({_where(group)}) has fewer than {limit} observations, and its "
                f"{_extreme_phrase(small, layout.long)} show a unit's own value.",
                masking.evidence(f"group size {masking.count_band(1, limit)} in column "
                                 f"{masking.mask_name(size_col)!r} (threshold {limit}, profile {profile.name})"),
                row=first.row, column=first.column, cell=group.labels or None,
                identity="" if group.labels else f"row{group.row}",
            )
        else:
            yield ctx.finding(
                f"Group ({_where(group)}) shows its {_extreme_phrase(unknown, layout.long)}, but its size is "
                f"empty or suppressed (group size not given): if it has fewer than {profile.threshold} "
                "observations they are a unit's own value. A person must check.",
                masking.note("extremes shown; group size not given for this group"),
                row=first.row, column=first.column, cell=group.labels or None, severity=Severity.REVIEW,
                identity="size-missing" + ("" if group.labels else f"row{group.row}"),
            )
    if itemised > _MAX_ITEMISED:
        yield ctx.finding(f"{itemised - _MAX_ITEMISED:,} more groups show extremes of a small or unknown size.",
                          masking.note(f"{itemised:,} groups with extremes"), identity="more")
    if large is not None and not itemised:
        group, ones = large
        first = min(ones, key=lambda s: s.row)
        yield ctx.finding(
            f"The table publishes minima or maxima of groups of {opts.review_below} or more units (first: the "
            f"{_extreme_phrase(ones, layout.long)} of group ({_where(group)})): each is one unit's own value "
            "whatever the group's size, and the "
            "largest or smallest is often an outlier a person can be recognised by. A person must judge whether "
            "they may leave (or drop, top-code or replace them with a percentile such as P5/P95).",
            masking.note(f"minima or maxima of groups of at least {opts.review_below} (review_any_size, "
                         f"profile {profile.name})"),
            row=first.row, column=first.column, cell=group.labels or None, severity=Severity.REVIEW,
            identity="any-size",
        )


# A Table 1's row of a statistic with its range: "Alder, median (min–maks)", "Age, median [min, max]", "Liggetid,
# median (range)", "mean (min-max)".
_RANGE_ROW = lazy_compile(r"(?i)(?:min\.?\s*(?:[-–—,/;]|to|til)\s*(?:max|maks|maksimum|maximum)\b|\brange\b|"
                          r"spændvidde|variationsbredd|variasjonsbredde|vaihteluväli|\bvaihteluvali\b)")
# A table's footnote naming its cells' statistic with a range: gtsummary's "1 Median (min–max); n (%)", "a Median
# (range)", "Median (Min, Max)".
_RANGE_FOOTNOTE = lazy_compile(r"(?im)^\s*(?:\d|[a-z]|[¹²³*†])?\s*(?:median|mean|medi(?:aani)?|gennemsnit|"
                               r"keskiarvo)\s*[(\[]\s*(?:min\.?\s*(?:[-–—,/;]|to|til)\s*(?:max|maks)\w*|range)\s*[)\]]")
# A cell with its range: "57 (34–71)", "19 [6, 44]", "3.1 (0.2-9.9)".
_RANGE_CELL = lazy_compile(r"^\s*[-+]?\d[\d.,]*\s*[(\[]\s*[-+]?\d[\d.,]*\s*(?:[-–—,;]|to)\s*[-+]?\d[\d.,]*\s*[)\]]\s*$")


def _ranges_of_stated_groups(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A Table 1's rows of a statistic with its range ("Alder, median (min–maks)": "57 (34–71)") in a column
    whose header states a group of fewer than `review_below` units ("Compassionate use (n=8)"): the range's
    ends are the group's minimum and maximum, single units' own values (block under the threshold, review
    below `review_below`)."""
    from scanner.analysis.published_cells import plain_label, raw_cells, stated_group_size
    from scanner.table_model import ColumnKind

    opts: SmallGroupOptions = ctx.options
    texts = [c for c in table.columns if c.kind is ColumnKind.TEXT]
    if not texts or opts.review_below <= 0 or table.n_sample_rows > _RANKED_MAX_ROWS:
        return
    labels = [str(plain_label(v) or "") for v in table.sample.get_column(texts[0].name).to_list()]
    rows = [k for k, v in enumerate(labels) if _RANGE_ROW.search(v)]
    notes = f"{table.meta.title}\n{getattr(table.source, 'footer_text', '') or ''}"
    if any(_RANGE_FOOTNOTE.match(labels[k]) for k in rows) or _RANGE_FOOTNOTE.search(notes):
        # the statistic named once in a footnote (gtsummary's "1 Median (min–max); n (%)"): every row of
        # "median (min–max)" cells is one
        rows = list(range(len(labels)))
    if not rows:
        return
    raw = raw_cells(table)
    limit = max(ctx.profile.threshold, opts.min_group)
    for col in table.columns:
        n = stated_group_size(col.name)
        cells = raw.get(col.name)
        if n is None or not 0 < n < opts.review_below or cells is None:
            continue
        shown = [k for k in rows if k < len(cells) and _RANGE_CELL.match(str(cells[k] or ""))]
        if not shown:
            continue
        small = n < limit
        yield ctx.finding(
            f"Column {masking.mask_name(col.name)!r} states a group of fewer than "
            f"{limit if small else opts.review_below} units, and its row ({masking.mask_label(labels[shown[0]])}) "
            "shows the range's ends, the group's minimum and maximum: single units' own values"
            + ("." if small else "; a person must judge whether they may leave."),
            masking.evidence(f"group size {masking.count_band(1, limit)}" if small else
                             f"group size {limit}-{opts.review_below - 1} (review below {opts.review_below}, "
                             f"profile {ctx.profile.name})"),
            row=shown[0] + 1, column=col.name, severity=None if small else Severity.REVIEW,
            identity=f"range-{col.index}",
        )


# Ranks of the extreme values SPSS EXAMINE prints as row labels ("Highest 1", "Lowest 5").
_RANK_LABEL = lazy_compile(r"^\s*(?:highest|lowest|largest|smallest|højeste|laveste|største|mindste)\s*\d{0,2}\s*$",
                         re.IGNORECASE)


# A row of one unit ranked first: "Top 1 patient", "Costliest patient", "Den dyreste patient", "Largest firm",
# "Største virksomhed", "Suurin yritys" (a concentration table's first row; "Top 1%" is a hundredth of them).
_ONE_UNIT_ROW = lazy_compile(
    r"(?i)^\s*(?:the\s+|den\s+|det\s+)?(?:(?:top|nr\.?|no\.?)\s*1\s+|(?:single\s+)?(?:costliest|largest|biggest|"
    r"richest|dyreste|største|storste|dyraste|största|storsta|rikeste|rikaste|kalleimpi|suurin)\s+)"
    r"(?:patient|person|firm|company|enterprise|household|virksomhed|virksomhet|foretak|företag|hushold|"
    r"husholdning|hushåll|potilas|henkilö|yritys)\s*$")


# A table of ranked single values lists a few per variable or group (SPSS: 5 highest, 5 lowest): far fewer
# rows than this, which keeps the label test off large tables.
_RANKED_MAX_ROWS = 10_000


def _ranked_extremes(table: TableModel) -> str:
    """A table of the k lowest and highest single values (SAS UNIVARIATE's "Extreme Observations" with its
    "Lowest Value / Lowest Obs / Highest Value / Highest Obs" columns, SAS "Extreme Values", Stata's
    "Smallest / Largest", SPSS EXAMINE's "Highest 1..5 / Lowest 1..5" rows beside "Case Number" and "Value"),
    said in value-free words; "" when it is none. Two rows or more: a table of one minimum and one maximum
    per group is the summary EXT001 reads by group size."""
    from scanner.names import name_tokens

    if not 2 <= table.n_sample_rows <= _RANKED_MAX_ROWS:
        return ""
    names = [set(name_tokens(c.name)) for c in table.columns]
    lows = [k for k, t in enumerate(names) if t & {"lowest", "smallest", "laveste", "mindste"}]
    highs = [k for k, t in enumerate(names) if t & {"highest", "largest", "højeste", "hojeste", "største", "storste"}]
    if lows and highs and len(lows) + len(highs) == len(table.columns):
        # nothing but lowest and highest values (and their observation numbers): no group to summarise
        return "columns of lowest and highest values"
    labels = [c for c in table.dimensions if c.kind.value == "text"]
    for c in labels[:3]:
        values = [v for v in table.sample.get_column(c.name).to_list() if isinstance(v, str) and v.strip()]
        if any(_ONE_UNIT_ROW.match(v) for v in values):
            return "a row of the single largest unit ('Top 1 patient')"
        ranks = [v for v in values if _RANK_LABEL.match(v)]
        if len(ranks) >= 2 and len(ranks) * 2 >= len(values) \
                and {v.split()[0].lower() for v in ranks} & {"lowest", "smallest", "laveste", "mindste"} \
                and {v.split()[0].lower() for v in ranks} & {"highest", "largest", "højeste", "største"}:
            return "rows of ranked highest and lowest values"
    return ""


@dataclass(frozen=True, slots=True)
class OutlierOptions:
    """EXT002 options (see rules.toml and the rule's docstring)."""

    #: a maximum at least this many times the group's highest published upper percentile (p90 to p99.9)
    percentile_ratio: float = 5.0
    #: ... or, when no such percentile is published, at least this many times its median or mean
    centre_ratio: float = 50.0
    #: a maximum (minimum) beyond the outer percentile (p90+, p10-) by this many times the distance from
    #: the median to that percentile
    fence: float = 10.0
    #: a maximum or minimum whose squared distance from the mean is at least this share of the group's sum
    #: of squared deviations ((n - 1) sd^2), in a group of at least `min_group_for_variance` observations
    variance_share: float = 0.5
    min_group_for_variance: int = 20
    #: a maximum or minimum at least this many standard deviations from the group's mean
    z_score: float = 15.0

    def __post_init__(self) -> None:
        if self.percentile_ratio <= 1 or self.centre_ratio <= 1:
            raise ValueError("percentile_ratio and centre_ratio must be greater than 1")
        if self.fence <= 0:
            raise ValueError("fence must be greater than 0")
        if not 0 < self.variance_share <= 1:
            raise ValueError("variance_share must be a share between 0 and 1")
        if self.min_group_for_variance < 3:
            raise ValueError("min_group_for_variance must be at least 3")
        if self.z_score <= 4:
            raise ValueError("z_score must be greater than 4")


def _ordinal(level: float) -> str:
    text = f"{level:g}"
    return f"{text}th percentile" if level != 50 else "median"


_FAR_FROM_MEAN = "lies at least"


def _outlier_reasons(group: Group, extreme: Stat, opts: OutlierOptions, *, own: float | None = None,
                     dominance: tuple[float, bool] | None = None) -> str | None:
    """Why ``extreme`` (a max or min of ``group``; or the percentile at level ``own`` that is one) stands far
    from the rest, from the group's published statistics of the same variable; None when it does not (or
    nothing to compare with is published)."""
    x = extreme.value
    if x is None:
        return None
    stem = extreme.stem
    lows = [s.value for s in group.of("min", stem) if s.value is not None]
    highs = [s.value for s in group.of("max", stem) if s.value is not None]
    if lows == [0] and highs == [1]:
        return None  # a 0/1 indicator (or a share): its 1 and 0 are no unit's outlying value; its count is mean x N
    pct = {s.level: s.value for s in group.of("percentile", stem)
           if s.level is not None and s.value is not None and s.level != own}
    median = pct.get(50.0)
    means = [s.value for s in group.of("mean", stem) if s.value is not None]
    mean = means[0] if means else None
    centre = median if median is not None else mean
    is_max = extreme.kind == "max"
    outer = sorted(lvl for lvl in pct if (90 <= lvl < 100 if is_max else 0 < lvl <= 10))
    if is_max and outer:
        lvl = outer[-1]
        ref = pct[lvl]
        if ref > 0 and x >= opts.percentile_ratio * ref:
            return f"is at least {opts.percentile_ratio:g} times its {_ordinal(lvl)}"
    elif is_max and centre is not None and centre > 0 and x >= opts.centre_ratio * centre:
        return f"is at least {opts.centre_ratio:g} times its {'median' if median is not None else 'mean'}"
    n = group.size(stem)
    # (a table of one variable may name its mean and its maximum differently: "Keskimäärin per potilas",
    # "Suurin potilaskohtainen kustannus")
    lone = [m.value for m in group.stats if m.kind == "mean" and m.value is not None]
    if mean is None and len(lone) == 1 and sum(1 for m in group.stats if m.kind == "max") == 1:
        mean = lone[0]
    if is_max and dominance is not None and mean is not None and mean > 0 and n is not None and n >= 1 \
            and all(s.value is None or s.value >= 0 for s in group.of("min", stem)) \
            and (median is None or median >= 0):
        # the group's total is n x mean: a maximum above the dominance rule's share of it is one unit's
        # value that makes up the cell (SAS PROC MEANS: N 5, Mean 412000, Maximum 1850000 is 90 %)
        k, inclusive = dominance
        share = x / (n * mean)
        if share > k or (inclusive and share >= k):
            return (f"holds {math.floor(share * 100):g} % of the group's total (n x mean), more than the "
                    f"dominance rule's {k * 100:g} %")
    if outer and centre is not None:
        lvl = outer[-1] if is_max else outer[0]
        ref = pct[lvl]
        spread = (ref - centre) if is_max else (centre - ref)
        beyond = (x - ref) if is_max else (ref - x)
        if spread > 0 and beyond >= opts.fence * spread:
            return (f"lies beyond its {_ordinal(lvl)} by at least {opts.fence:g} times the distance from its "
                    f"{'median' if median is not None else 'mean'} to that percentile")
    sds = [s.value for s in group.of("sd", stem) if s.value is not None]
    sds += [math.sqrt(s.value) for s in group.of("variance", stem) if s.value is not None and s.value >= 0]
    if mean is not None and sds and sds[0] > 0 and n is not None and n >= opts.min_group_for_variance:
        # Samuelson: no value lies farther than sd * (n - 1) / sqrt(n) from the mean; a value that holds
        # half of the sum of squared deviations is farther from the mean than all the others together.
        share = (x - mean) ** 2 / ((n - 1) * sds[0] ** 2)
        if share >= opts.variance_share:
            return (f"alone accounts for at least {opts.variance_share * 100:g} % of the group's squared "
                    "deviations from its mean")
    if mean is not None and sds and sds[0] > 0 and abs(x - mean) >= opts.z_score * sds[0]:
        # (in a large group one value far out holds little of the variance: 40 sd above the mean of 31,412
        # wages is 5 % of it, and still the one person everybody in the industry can name)
        return f"{_FAR_FROM_MEAN} {opts.z_score:g} standard deviations from its mean"
    return None


def _middle_unit(stat: Stat, n: float) -> bool:
    """Whether ``stat`` is the median of an odd number ``n`` of observations: the middle unit's own value (every
    definition of the median agrees; the median of an even number is the mean of two)."""
    return stat.kind == "percentile" and stat.level == 50 and float(n).is_integer() and int(n) % 2 == 1


def _indicator_range(group: Group, stat: Stat) -> bool:
    """Whether the minimum and maximum of ``stat``'s variable are 0 and 1 only (an indicator's range, as Stata's
    summarize prints it for every 0/1 variable): no unit's own value."""
    same = [s.value for s in group.stats if s.stem == stat.stem and s.kind in ("min", "max") and s.value is not None]
    return bool(same) and all(v in (0.0, 1.0) for v in same)


# The lower and upper limit of a class of a distribution: "Alaraja, €", "Yläraja", "Nedre grænse", "Övre gräns",
# "Upper limit", "D10 (yläraja)".
_LOWER_LIMIT = lazy_compile(r"(?i)\b(?:ala_?raja|nedre[ _]gr(?:æ|ä|a|e)ns[ea]?|lower[ _](?:limit|bound))\b")
_UPPER_LIMIT = lazy_compile(r"(?i)\b(?:yl(?:ä|a)_?raja|(?:ø|oe|ö|o)vre[ _]gr(?:æ|ä|a|e)ns[ea]?|"
                            r"upper[ _](?:limit|bound))\b")
# Ordered classes of a distribution: deciles or quintiles written I..X, 1..10, "D1".."D10", "1. desiili".
_CLASS_LABEL = lazy_compile(r"(?i)^\s*(?:[ivx]{1,4}|\d{1,2}\.?|[dqp]\d{1,2}|\d{1,2}\.?\s*(?:desiili|kvintiili|decil|"
                            r"decile|kvintil|quintile|tiondel|femtedel)\w*)\s*$")


def _outer_class_bounds(table: TableModel) -> str:
    """The limits of a distribution's classes, one row per class (deciles I..X with "Alaraja" and "Yläraja"
    columns), or a column of the top class's upper limit ("D10 (yläraja)"): the outermost limits are the
    smallest and largest values. Value-free words naming the columns, or "" when there are none."""
    upper = [c for c in table.columns if _UPPER_LIMIT.search(c.name) and c.kind.value == "numeric"]
    top = [c for c in upper if re.search(r"(?i)\b(?:d10|p100|x|10)\b", c.name) and c.non_null > 0]
    if top:
        return f"column {masking.mask_name(top[0].name)!r}, the top class's upper limit"
    lower = [c for c in table.columns if _LOWER_LIMIT.search(c.name) and c.kind.value == "numeric"]
    if not (upper or lower) or not table.sample_complete:
        return ""
    labels = [c for c in table.dimensions if c.kind.value == "text"]
    for c in labels[:2]:
        values = [None if v is None else str(v).strip() for v in table.sample.get_column(c.name).to_list()]
        rows = [k for k, v in enumerate(values) if v and _CLASS_LABEL.match(v)]
        if len(rows) < 3 or len(rows) < sum(1 for v in values if v) - 2:
            continue
        # the top class's upper limit, or the bottom class's lower limit, given (not left open: "52 320 -")
        shown = [col for col, k in ((upper[0] if upper else None, rows[-1]), (lower[0] if lower else None, rows[0]))
                 if col is not None and table.sample.get_column(col.name)[k] is not None]
        if shown:
            return " and ".join(f"column {masking.mask_name(col.name)!r}" for col in shown)
    return ""


def _as_extreme(group: Group, stat: Stat) -> tuple[Stat | None, float | None]:
    """``stat`` as a maximum or minimum of ``group``: itself when it is one; a percentile at level q of a
    group of n observations with n (100 - q) / 100 < 1 is its largest value (or lies between its two
    largest) and, with n q / 100 < 1, its smallest: a p99 of 40 firms is the largest firm's value. Returns
    (the statistic read as an extreme, the percentile's level or None), or (None, None)."""
    if stat.value is None:
        return None, None
    if stat.kind in ("min", "max"):
        return stat, None
    if stat.kind != "percentile" or stat.level is None or not 0 < stat.level < 100:
        return None, None
    n = group.size(stat.stem)
    if n is None or n <= 0:
        return None, None
    if n * (100 - stat.level) < 100:
        return Stat("max", None, stat.stem, stat.column, stat.row, stat.value), stat.level
    if n * stat.level < 100:
        return Stat("min", None, stat.stem, stat.column, stat.row, stat.value), stat.level
    return None, None


@rule("EXT002", "outlying-extreme", Severity.BLOCK, (Shape.TABLE,), OutlierOptions)
def outlying_extreme(ctx: RuleContext, table: TableModel) -> Iterator[Finding]:
    """A published maximum or minimum far from the rest of its group: one unit's outlying value.

    What it flags: in a table of statistics per group (wide or long, as EXT001 reads them), a maximum or
    minimum that the group's other published statistics of the same variable show to be an outlier, by
    any of these tests (each uses only what the table publishes):

    * ratio (maxima of positive data): at least `percentile_ratio` times the highest published upper
      percentile (p90 to p99.9), or, without one, at least `centre_ratio` times the median or mean;
    * fence (either sign, maxima and minima): beyond the outermost published percentile (p90 or above;
      p10 or below for a minimum) by at least `fence` times the distance from the median (or mean) to
      that percentile — an outlier fence in Tukey's manner, set far out: normal data (up to a billion
      values) stay within 4 such distances;
    * variance (needs n, mean and standard deviation): the extreme alone holds at least `variance_share`
      of the group's sum of squared deviations ((n - 1) sd^2) in a group of at least
      `min_group_for_variance` observations — its squared distance from the mean is at least that of
      all the other values together; at n = 20 this is stricter than Grubbs' outlier test at 1 %;
    * distance (needs mean and standard deviation): at least `z_score` standard deviations from the mean
      (normal data never come near 7; a wage 40 sd above its group's mean is one person's). This test
      alone gives `review`: a bounded variable (365 days of sick leave) or a heavy tail reaches as far
      with many units at the maximum;

    A percentile counts as the group's maximum when the group is too small for a value to lie above it
    (n (100 - q) / 100 < 1: a p99 of fewer than 100 units, a p90 of fewer than 10), and as its minimum
    when none can lie below it; it is judged by the same tests against the group's other statistics.

    Large groups are no protection here. A maximum of heavy-tailed data (incomes, turnover) that stays
    within these bounds is not flagged: it is still one unit's value, which a checker may judge.

    Why it is disclosive: an outlier is recognisable: the largest fortune of a municipality or the
    highest wage of an industry belongs to someone people can name, and the table prints their value.

    Example: `London;820;31.425;27.309;65.568;22.150.000` as `region;n;mean;p50;p90;max`.

    Options: `percentile_ratio` (5), `centre_ratio` (50), `fence` (10), `variance_share` (0.5),
    `min_group_for_variance` (20), `z_score` (15).

    References: Statistics Denmark, rules for sending results home (minima, maxima and outliers are single
    units' values); Eurostat, Guidelines for the checking of output based on microdata research (2015),
    maxima and minima; Hundepool et al., Statistical Disclosure Control (2012), 4.4; Tukey, Exploratory
    Data Analysis (1977), fences; Grubbs, Technometrics 11 (1969).
    """
    layout = summary_layout(table)
    if layout is None:
        return
    if not layout.long and not any(c.name.kind in ("min", "max", "percentile") for c in layout.columns):
        return
    opts: OutlierOptions = ctx.options
    itemised = 0
    groups = list(iter_groups(table, layout))
    # the same maximum (or minimum) in every group of three or more: the scale's bound (365 days of sick leave a
    # year), which many units reach, not one unit's outlying value
    bounds: dict[tuple[str, str], set[float | None]] = {}
    for group in groups:
        for stat in group.stats:
            if stat.kind in ("min", "max"):
                bounds.setdefault((stat.kind, stat.stem), set()).add(stat.value)
    shared = {key for key, values in bounds.items() if len(values) == 1 and None not in values and len(groups) >= 3}
    for group in groups:
        for stat in group.stats:
            extreme, own = _as_extreme(group, stat)
            if extreme is None:
                continue
            why = _outlier_reasons(group, extreme, opts, own=own,
                                   dominance=(ctx.profile.nk_k, ctx.profile.nk_inclusive))
            if why is None:
                continue
            if own is None and (extreme.kind, extreme.stem) in shared and not why.startswith(_FAR_FROM_MEAN):
                why = f"{why}, but every group's {extreme.kind} is the same"
            itemised += 1
            if itemised > _MAX_ITEMISED:
                continue
            what = "maximum" if extreme.kind == "max" else "minimum"
            if own is not None:
                shown = f"{_ordinal(own)} in column {masking.mask_name(stat.column)!r} of group ({_where(group)})"
                yield ctx.finding(
                    f"The {shown} is the group's {what} (the group is too small for a value to lie "
                    f"{'above' if what == 'maximum' else 'below'} it) and {why.removeprefix('is ')}: an "
                    "outlier, one unit's value.",
                    masking.note(f"outlying {what} ({_ordinal(own)} of a group of {group.size(stat.stem):g}; "
                                 f"{why.split(' ', 1)[1] if why.startswith('is ') else why})"),
                    row=stat.row, column=stat.column, cell=group.labels or None,
                    identity=f"p{own:g}" + ("" if group.labels else f"row{group.row}"),
                )
                continue
            if why.startswith(_FAR_FROM_MEAN) or why.endswith("is the same"):
                # (only the distance from the mean shows it, or every group reaches the same extreme: a variable
                # bounded at 365 days, or incomes with a heavy tail, reach this far with many units at the
                # maximum; a person judges)
                yield ctx.finding(
                    f"The {what} in column {masking.mask_name(extreme.column)!r} of group ({_where(group)}) {why}: "
                    "likely an outlier, one unit's value, unless many units share it (a bounded variable); a "
                    "person must judge.",
                    masking.note(f"far {what} ({why})"),
                    row=extreme.row, column=extreme.column, cell=group.labels or None, severity=Severity.REVIEW,
                    identity=what + ("" if group.labels else f"row{group.row}"),
                )
                continue
            yield ctx.finding(
                f"The {what} in column {masking.mask_name(extreme.column)!r} of group ({_where(group)}) {why}: "
                "an outlier, one unit's value.",
                masking.note(f"outlying {what} ({why.split(' ', 1)[1] if why.startswith('is ') else why})"),
                row=extreme.row, column=extreme.column, cell=group.labels or None,
                identity=what + ("" if group.labels else f"row{group.row}"),
            )
    if itemised > _MAX_ITEMISED:
        yield ctx.finding(f"{itemised - _MAX_ITEMISED:,} more outlying extremes.",
                          masking.note(f"{itemised:,} outlying extremes"), identity="more")
