"""The count cells of a published table (a file found by ``sdcscan scan``), read once for TAB001 and TAB005.

One pass over every row of the table's count columns collects what both rules report: how many count
cells there are, how many hold 1, and which are under the profile's threshold (itemised up to a cap, with
their dimension labels masked). The engine computes it at most once per table, and only when an enabled
rule needs it (:mod:`scanner.engine`); the rules read the result and compute nothing themselves.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner import masking
from scanner.lazy_regex import lazy_compile
from scanner.names import OF_WHICH_WORDS, is_margin_label, statistic_kind

if TYPE_CHECKING:  # imported where used: loading the rules must not import polars
    from collections.abc import Iterator, Sequence

    import numpy as np
    import polars as pl

    from scanner.settings import Profile
    from scanner.table_model import ColumnInfo, TableModel

__all__ = ["MAX_ITEMISED", "MAX_LABELS", "CellScan", "SmallCell", "note_rows", "plain_label", "scan_cells"]

#: At most this many cells are itemised per table; the rest are counted (a 30,000-row table with 250 small
#: cells gives a readable report).
MAX_ITEMISED = 100
#: Dimension labels kept per cell.
MAX_LABELS = 6


@dataclass(frozen=True, slots=True)
class SmallCell:
    """A count under the threshold: its 1-based data row, column, whether it is a zero, masked labels."""

    row: int
    column: str
    zero: bool
    labels: tuple[tuple[str, str], ...]
    #: for a count derived from a share of the group's size: the column of sizes (value-free)
    size_column: str = ""
    #: for a count derived from a share of a size given elsewhere: where, masked ("row 'N'", "the title")
    size_in: str = ""
    #: a count published as the step of a column of cumulative counts
    cumulative: bool = False
    #: a count published as a total's excess over the cells it sums (a category left out of the table)
    gap: bool = False
    #: the derivation is not certain (a person must check): the finding is a review
    unsure: bool = False
    #: a group size the table states in a column's header or a row's label ("Bornholm N = 2"): row 0 is the
    #: header
    stated: bool = False
    #: a count published as a total minus its "of which" column (``subset_of`` the total's column, value-free)
    subset_of: str = ""
    #: a count published as the rest of a group's size beside one share of it (100 % minus the share)
    complement: bool = False
    #: a suppressed share that 100 % minus the row's other shares gives back, times the row's size
    hidden_share: bool = False
    #: a mean between 0 and 1 beside the group's size: a share if the variable is an indicator (0/1)
    indicator_mean: bool = False
    #: ... whose standard deviation on its row is a 0/1 variable's (value-free: the sd column's name)
    binary_sd: str = ""
    #: a hidden count the other period and this column's percentage change give back (value-free name)
    change_column: str = ""
    #: a closed cohort's fall from the row above: the persons who left it (died, emigrated)
    exits: bool = False
    #: a selection's step written as a negative number, the units it excluded (a flow to the final sample)
    excluded: bool = False
    #: for a count derived as the fall of a row's numbers at risk from one time point to the next
    at_risk_step: bool = False
    #: a hidden count the row's total over its mean per unit (this column, value-free) gives back
    total_over_mean: str = ""
    #: a hidden count that a moving average over it and its published neighbours (this column) gives back
    moving_average: str = ""
    #: a moving average without its counts (this column, value-free) whose window's sum, k x the average, is a
    #: count of fewer than the threshold (a 7-day average of 0,14: one admission in the week)
    window_sum: str = ""
    #: a hidden flow that its node's published inflows and outflows give back (a Sankey's links)
    flow: bool = False
    #: the top x % of the row's units (this column's name says x) are fewer than the threshold
    top_group: str = ""
    #: statistics of the group's known values: its stated size less its row of unknown values
    known_values: bool = False
    #: a suppressed category of a variable that the column's stated N minus the other categories gives back
    hidden_category: bool = False
    #: users a rate of defined daily doses per 1,000 and the doses per user give back (the doses' column)
    ddd_users: str = ""
    #: a row's count less the "of which" rows under it ("of which Byen København", ...): the units in none
    of_which_rows: bool = False
    #: a total less the "of which" columns beside it ("yhteensä 56 | josta yksinasuvat 43 | josta lapsiperheet
    #: 11"): the units in none of the parts (the total's column, value-free)
    of_which_columns: str = ""


@dataclass(slots=True)
class CellScan:
    """Every count cell of a table: how many, how many are 1, the small ones (itemised up to a cap)."""

    cells: int = 0
    ones: int = 0
    small: int = 0
    itemised: list[SmallCell] = field(default_factory=list)
    per_column_cells: dict[str, int] = field(default_factory=dict)


def plain_label(value: object) -> object:
    """A dimension value as the table shows it: numeric codes were parsed as floats (2011.0 -> 2011)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_small(values: pl.Expr, profile: Profile) -> pl.Expr:
    small = (values > 0) & (values < profile.threshold)
    if profile.zeros_disclosive:
        small = small | (values == 0)
    return small


def _small_value(value: float, profile: Profile) -> bool:
    """:func:`_is_small` of one value (NaN is not small)."""
    return 0 < value < profile.threshold or (profile.zeros_disclosive and value == 0)


def scan_cells(table: TableModel, profile: Profile) -> CellScan:
    """Stream every row of ``table`` once and collect its count cells. A table read as microdata, or without
    count columns, has no count cells (and is not read at all)."""
    from scanner.table_model import TableShape

    result = CellScan()
    counts = table.counts
    if table.shape is TableShape.MICRODATA:
        return result
    _stated_sizes(table, profile, [c.name for c in table.dimensions][:MAX_LABELS], result)
    if not counts and not table.count_rows:  # shares of a row of group sizes, cumulative counts
        _derived_cells(table, profile, [c.name for c in table.dimensions][:MAX_LABELS], result)
        return result
    import polars as pl

    dims = [c.name for c in table.dimensions][:MAX_LABELS]
    # a Table 1's rows of bare shares ("Gestationsalder, %" above "< 32 uger 1"): no counts, though their
    # column of "n (%)" cells is read as counts (their counts are found with the group's size, above)
    shares = sorted(_percent_rows(table, raw_cells(table))) \
        if any(c.embedded for c in counts) and table.sample_complete and table.n_sample_rows <= _RAW_ROWS else []
    # rows of a statistic under the counts (SPSS's "Mode 2" under "N Valid 67 / Missing 4"): no count cells
    shares = sorted(set(shares) | set(_statistic_rows(table, dims)))
    for offset, frame in table.frames():
        indexed = frame.with_row_index("__row")
        if shares:
            indexed = indexed.filter(~(pl.col("__row").cast(pl.Int64) + offset).is_in(shares))
        for col in counts:
            _count_cells(indexed, col.name, offset, dims, profile, result)
        for name, (label, names) in table.count_rows.items():
            # a long table's rows whose measure label names a count ("Antal personer")
            _count_cells(indexed.filter(pl.col(label).is_in(list(names))), name, offset, dims, profile, result)
    if table.sample_complete:
        _margin_gaps(table, profile, dims, result)
        _subset_complements(table, profile, dims, result)
    _derived_cells(table, profile, dims, result)
    return result

# A row label that names a statistic of the variable, not a category: "Mode", "Median", "Std. Deviation".
_STATISTIC_ROW = lazy_compile(r"(?i)^\s*(?:mode|modus|typetal|typv(?:ä|a)rde|moodi|median|mediaani|mean|average|"
                              r"gennemsnit|medelv(?:ä|a)rde|gjennomsnitt|keskiarvo|std\.?\s*deviation|std\.?\s*dev\.?|"
                              r"standard\s+deviation|variance|varians|range|minimum|maximum|skewness|kurtosis)\s*$")


def _statistic_rows(table: TableModel, dims: list[str]) -> list[int]:
    """The rows (0-based) whose first label names a statistic ("Mode" in SPSS's Statistics table)."""
    if not dims or not table.sample_complete or table.n_sample_rows > _RAW_ROWS:
        return []
    labels = table.sample.get_column(dims[0]).to_list()
    return [k for k, v in enumerate(labels) if v is not None and _STATISTIC_ROW.match(str(plain_label(v)))]


# A row label that states its group's size: "Ærø (n=6)", "N: 14".
_STATED_SIZE = lazy_compile(r"[nN]\s*[=:]\s*\d")


def _stated_sizes(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Group sizes under the threshold that the table states in a column's header (gtsummary's "Bornholm
    N = 2" over medians) or a row's label ("Læsø (n=2)"): the size is a count of its own, and every figure
    of the group (a median, a mean, a percentage) is of that many units."""
    for col in table.columns:
        n = _stated_n(col.name)
        if n is not None and 0 < n < profile.threshold:
            result.small += 1
            if len(result.itemised) < MAX_ITEMISED:
                result.itemised.append(SmallCell(0, col.name, False, (), stated=True))
    if not dims or not table.sample_complete:
        return
    _percent_cells_of_stated_n(table, profile, dims, result)
    _rest_of_stated_n(table, profile, dims, result)
    _known_of_stated_n(table, profile, dims, result)
    import numpy as np
    import polars as pl

    from scanner.table_model import SMALL_FRAME_ROWS, ColumnKind

    frame = table.sample
    shares = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count and not c.embedded
              and (c.statistic == "share" or _PERCENT_UNIT.search(c.name)) and not _not_of_units(c.name)]
    column = frame.get_column(dims[0])
    if column.dtype != pl.String:
        return
    # (one test first, vectorised for a large sample: most tables state no size in their labels)
    stated = [k for k, v in enumerate(column.to_list()) if v is not None and _STATED_SIZE.search(v)] \
        if column.len() <= SMALL_FRAME_ROWS else \
        column.str.contains(_STATED_SIZE.pattern).fill_null(False).arg_true().to_list()
    for k in stated:
        label = column[k]
        n = _stated_n(str(label))
        if n is None:
            continue
        if 0 < n < profile.threshold:
            _add_small(result, frame, dims, [k], dims[0], stated=True)
            continue
        # a share of the row's own stated size ("Ærø (n=6)": 33.3 % is 2 persons)
        for col in shares:
            values = frame.get_column(col.name).cast(float)
            v = values[k]
            if v is None or not np.isfinite(v) or v < 0 or v > 100:
                continue
            half = half_unit(values.drop_nulls().drop_nans())
            scale = 1.0 if values.drop_nulls().drop_nans().max() > 1 or _PERCENT_UNIT.search(col.name) else 100.0
            if bool(_small_counts(np.array([v * scale]), half * scale, float(n), profile.threshold)[0]):
                _add_small(result, frame, dims, [k], col.name, size_in=f"row label {masking.mask_name(dims[0])!r}")


def _count_cells(frame: pl.DataFrame, name: str, offset: int, dims: list[str], profile: Profile,
                 result: CellScan) -> None:
    """The count cells of column ``name`` in ``frame`` (rows indexed in ``__row`` from ``offset``)."""
    import polars as pl

    from scanner.table_model import SMALL_FRAME_ROWS

    if frame.height <= SMALL_FRAME_ROWS:
        # (a small frame in plain Python: a Polars query costs more than its few values; NaN is neither
        # filled nor small in either reading)
        values = frame.get_column(name).to_list()
        present = [v for v in values if v is not None and v == v]
        result.cells += len(present)
        result.per_column_cells[name] = result.per_column_cells.get(name, 0) + len(present)
        result.ones += sum(1 for v in present if v == 1)
        small = [k for k, v in enumerate(values) if v is not None and _small_value(v, profile)]
        result.small += len(small)
        room = max(MAX_ITEMISED - len(result.itemised), 0)
        recs = [frame.row(k, named=True) for k in small[:room]]
    else:
        present_s = frame.get_column(name).drop_nulls().drop_nans()
        result.cells += present_s.len()
        result.per_column_cells[name] = result.per_column_cells.get(name, 0) + present_s.len()
        result.ones += int((present_s == 1).sum())
        idx = frame.filter(_is_small(pl.col(name), profile))
        result.small += idx.height
        room = max(MAX_ITEMISED - len(result.itemised), 0)
        recs = list(idx.head(room).iter_rows(named=True))
    for rec in recs:
        labels = tuple((masking.mask_name(d), masking.mask_label(plain_label(rec[d]))) for d in dims)
        result.itemised.append(SmallCell(offset + int(rec["__row"]) + 1, name, rec[name] == 0, labels))


# A column of group sizes beside shares of it: "n", "N", "antal", "Count", "Total".
_SIZE_TOKENS = frozenset({"n", "antal", "antall", "count", "nobs", "obs", "total", "number", "lkm", "freq", "frequency",
                          "frekvens", "personer",
                          "persons", "i", "alt", "ialt", "of", "group", "gruppe",
                          # the units a group size counts: "Antal individer", "Befolkning", "Folketal"
                          "individer", "individuals", "individ", "patienter", "patients", "observationer",
                          "observations", "befolkning", "befolkningen", "population", "borgere", "indbyggere",
                          "invånare", "invanare", "innbyggere", "folketal", "folketall", "innbyggertall",
                          "befolkningstal", "folkmängd", "folkemengde", "people",
                          "väestö", "väkiluku", "asukasluku", "asukkaat", "henkilöt", "henkilöä", "henkilöitä",
                          "opiskelijat", "opiskelijoita", "deltakere",
                          # the chromosomes (alleles) an allele frequency is of: PLINK's NCHROBS, OBS_CT
                          "nchrobs", "obs_ct", "allele_ct",
                          # a cohort the group is ("Elever (kull 2014-2018)")
                          "kull", "årskull", "kohort", "cohort", "årgang", "årgange",
                          # populations a group is made of (not events in it, such as deaths or admissions)
                          "indvandrere", "invandrare", "innvandrere", "invandrade", "indvandrede", "innvandrede",
                          "immigrants", "migrants", "efterkommere",
                          "elever", "studerende", "studenter", "students", "pupils", "ansatte", "anställda",
                          "anstallda", "employees", "beskæftigede", "beskaeftigede", "sysselsatta", "kvinder",
                          "kvinnor", "kvinner", "mænd", "maend", "män", "man", "menn", "women", "men", "naiset",
                          "miehet", "børn", "boern", "barn",
                          "children", "husstande", "hushåll", "hushall", "households", "familier", "familjer",
                          "asuntokunnat", "asuntokuntia", "asuntokuntaa", "kotitaloudet", "kotitalouksia",
                          "husholdninger", "husholdningar",
                          "families", "deltagere", "participants", "respondenter", "respondents",
                          # graduates and applicants of a programme, the group its outcomes are shares of
                          "examinerade", "utexaminerade", "nyutexaminerade", "dimittender", "færdiguddannede",
                          "faerdiguddannede", "uteksaminerte", "valmistuneet", "graduates", "deltagare",
                          "sökande", "sokande", "ansøgere", "ansoegere", "søkere", "sokere", "hakijat", "applicants",
                          "studerande",
                          # firms and workplaces, the units of business statistics ("Antall foretak", "Antal
                          # virksomheder", "Yritysten lkm")
                          "foretak", "virksomheder", "virksomheter", "företag", "foretag", "yritykset", "yritysten",
                          "yrityksiä", "yrityksia", "firms", "enterprises", "companies", "businesses", "bedrifter",
                          "arbejdssteder", "arbetsställen", "arbetsstallen", "toimipaikat", "establishments",
                          "workplaces",
                          # residents, the labour force, movers and voters of an area ("bosatte_18_66",
                          # "tyovoima", "Antal utflyttare 2021", "stemmeberettigede")
                          "bosatte", "bosatt", "bofaste", "residents", "inhabitants", "asukkaita",
                          # residents of an institution ("Beboere" of a nursing home), and the tested of a test
                          # positivity ("tested", "Testede", "Testade")
                          "beboere", "beboerne", "boende", "beboarna", "tested", "testede", "testade",
                          # the denominator of a quality indicator ("Nævner" beside "Tæller" and "Andel (%)")
                          "nævner", "naevner", "nevner", "nämnare", "namnare", "nimittäjä", "nimittaja",
                          "denominator",
                          "testet", "testattu", "testatut",
                          "tyovoima", "työvoima", "arbeidsstyrke", "arbeidsstyrken", "arbetskraft", "arbetskraften",
                          "arbejdsstyrke", "arbejdsstyrken", "labour", "labor", "force", "utflyttare", "inflyttare",
                          "flyttare", "tilflyttere", "fraflyttere", "flyttere", "innflyttere", "utflyttere",
                          "tilflyttede", "fraflyttede", "movers", "muuttajat", "maahanmuuttajat", "stemmeberettigede",
                          "stemmeberettigete", "stemmeberettigte", "röstberättigade", "rostberattigade",
                          "äänioikeutetut", "aanioikeutetut", "electors", "voters", "eligible",
                          # parents ("N (mødre)", "Antal fædre")
                          "mødre", "moedre", "fædre", "faedre", "mothers", "fathers", "mödrar", "modrar", "fäder",
                          "fader", "äidit", "aidit", "isät", "isat", "forældre", "foraeldre", "föräldrar",
                          "foraldrar", "foreldre", "vanhemmat", "parents",
                          # the employed and commuters ("tyolliset_asuinkunnassa", "Sysselsatte", "Pendlere")
                          "tyolliset", "työlliset", "sysselsatte", "sysselsatt", "employed", "työssäkäyvät",
                          "tyossakayvat", "pendlere", "pendlare", "pendlerne", "commuters",
                          # users of a drug or a service ("Brukere 0-12 år", "Antal brugere")
                          "brukere", "brugere", "användare", "anvandare", "käyttäjät", "kayttajat", "users",
                          # woman-years and person-years, the denominators of rates ("Kvinneår 2018-2022")
                          "kvinneår", "kvindeår", "kvinnoår", "personår", "personeår", "henkilövuodet",
                          "henkilovuodet", "person", "personyears", "womanyears"})
# Shares that are not shares of a group's units: rates, ratios, cumulative or changes, shares of an amount.
_NOT_OF_UNITS = lazy_compile(r"rates?(?![a-zæøåäö])|ratios?(?![a-zæøåäö])|cum|kumul|change|growth|vækst|vaekst|"
                           r"ændring|aendring|indkomst|income|"
                           r"omsætning|omsaetning|turnover|løn|loen|wage|salary|kr\b|value|værdi|vaerdi|beløb|beloeb|"
                           r"amount|sum|cost|udgift|expend|revenue|profit|tax|skat|weight|vægt|"
                           # shares of an amount in business statistics: exports, value added, spending ("Eksport-
                           # andel", "förädlingsvärde", "FoU-utgifter"), not of the exporting firms ("eksporterende")
                           r"eksport(?!er|ør|oer|or)|export(?!er|ing|ör|or)|vienti(?!yritys)|värde|varde|verdi|utgift|kostnad|"
                           r"menot|omsättning|omsattning|omsetning|liikevaihto", re.IGNORECASE)
# An income class is a group of persons, not an amount: "Low income (%)" is the share of the row's persons
# with a low income ("lavindkomst", "låginkomsttagare"), where "Income share" is a share of kroner.
_INCOME_CLASS = lazy_compile(r"(?:low|middle|high|lav|mellem|mellom|høj|hoej|høy|låg|hög|medel|matala|keski|korkea)"
                             r"[\s_-]?(?:income|indkomst|inntekt|inkomst|tulo)", re.IGNORECASE)


# A class of units by an amount ("over 1 mill. kr", "above EUR 50,000", "yli 100 000 euroa"): a share of units
# so classed is of units, not of the amount.
_AMOUNT_CLASS = lazy_compile(r"(?i)(?:over|above|under|below|more than|less than|mer enn|mindre enn|mere end|"
                             r"mindre end|mer än|mindre än|över|yli|alle)\s+(?:(?:kr\.?|nok|dkk|sek|eur|€)\s*)?"
                             r"\d[\d.,\s]*\s*(?:mill\.?|mio\.?|millioner|miljoner|million|mn|tusen|tusind|tusen|"
                             r"tuhatta|k)?\s*(?:kr\.?|kroner|kronor|nok|dkk|sek|eur|€|euroa?)?")


def _not_of_units(name: str) -> bool:
    """Whether a column's name says its shares are not of units (a rate, a change, a share of an amount). A
    rate in percent ("completion_rate_pct", "Bestått-rate (%)") is a share of units."""
    name = _AMOUNT_CLASS.sub("", _INCOME_CLASS.sub("", name))
    if re.search(r"(?i)%|(?<![a-zæøåäö])(?:pct|procent|prosent|percent)(?![a-zæøåäö])", name):
        name = re.sub(r"(?i)(?<![a-zæøåäö])rates?(?![a-zæøåäö])", "", name)
    return _NOT_OF_UNITS.search(name) is not None


# The words that make a column a share or a size, beside the group's own name ("Mænd_pct", "Mænd n").
_SHARE_TOKENS = frozenset({"pct", "procent", "percent", "prosent", "andel", "share", "col", "row", "kol", "osuus",
                           "prosentti", "prosenttia"})
_SIZE_NAME_TOKENS = frozenset({"n", "antal", "antall", "count", "freq", "number", "nobs", "obs", "lukumäärä", "lkm"})
#: Share of a table's rows at which a share column reads as a column percentage of the sizes (n / total).
_COLUMN_PERCENT_SHARE = 0.8


def _sized_columns(table: TableModel) -> list[ColumnInfo]:
    from scanner.names import name_tokens

    def group_words(name: str) -> set[str]:
        # (what a parenthesis adds says which cohort or unit: "Antall elever (startkull 2017)")
        # (and an age range names which ones too: "Innbyggere 0-17 år", "befolkning_15_20")
        tokens = [t for t in name_tokens(_PARENTHESIS.sub(" ", name) or name)
                  if not t.isdigit() and t not in _AGE_UNITS]
        # "Antal anställda med sjukfall", "Number of persons with diabetes": the clause after "with" says
        # which persons; they are still the group that a share of it is of
        # (Finnish says where with a case ending: "tyolliset asuinkunnassa", the employed in their home
        # municipality)
        cut = next((k for k, t in enumerate(tokens) if k and (t in _QUALIFIERS or _FINNISH_WHERE.search(t))),
                   len(tokens))
        return set(tokens[:cut])

    def sized(c: ColumnInfo) -> bool:
        if " | " in c.name and c.name.rsplit(" | ", 1)[1].strip().lower() in _ROWS_COUNTED:
            return True  # Stata's table: "Age | Number of nonmissing values", the group's observations
        words = group_words(c.name)
        tokens = [t for t in name_tokens(c.name) if not t.isdigit()]
        if tokens and (tokens[0] in _ENTRANT_WORDS or (c.count_named and set(tokens) & _ENTRANT_WORDS)
                       or (set(tokens) & _COHORT_WORDS and words - _COHORT_WORDS <= _SIZE_TOKENS)):
            # the entrants of a programme, the cohort its outcomes are shares of ("Påbegyndt EUD", "n_started"),
            # or the patients discharged or treated ("Udskrevne patienter")
            return True
        if c.count_named:
            return words <= _SIZE_TOKENS or _N_IN_NAME.search(c.name) is not None
        # a count named by its units alone ("Patienter", "Personer", "Elever (kull 2014-2018)")
        return bool(words - _GENERIC_SIZE_WORDS) and words <= _SIZE_TOKENS

    return [c for c in table.counts if sized(c)]


#: The lowest line of a stacked header that counts the group's rows (Stata 17's table).
_ROWS_COUNTED = frozenset({"number of nonmissing values", "number of observations", "frequency"})
#: Size words that name no units ("i alt", "total", "group").
_GENERIC_SIZE_WORDS = frozenset({"n", "antal", "antall", "count", "nobs", "obs", "total", "number", "lkm", "freq",
                                 "frequency", "frekvens",
                                 "i", "alt", "ialt", "of", "group", "gruppe"})


# A name that says it is the N of its rows: "Antall deltakere (N)", "Vårdtillfällen (n)", "Aloittaneet, N", "N (mødre)".
_N_IN_NAME = lazy_compile(r"[(\[]\s*n\s*[)\]]\s*$|,\s*n\s*$|^\s*n\s*[(\[][^()\[\]]{1,40}[)\]]\s*$", re.IGNORECASE)


#: A parenthesis in a size's name, and the words of an age range: both say which units, not what they are.
_PARENTHESIS = lazy_compile(r"\([^()]*\)")
_AGE_UNITS = frozenset({"år", "aar", "years", "yrs", "vuotta", "vuotiaat", "v", "aged", "age", "alder", "ålder"})
#: Words for the entrants of a programme, whatever names the programme after them ("Påbegyndt EUD 2021",
#: "Aloittaneet lukio", "Started upper secondary").
_ENTRANT_WORDS = frozenset({"påbegyndt", "påbegyndte", "paabegyndt", "paabegyndte", "begyndte", "startede",
                            "nybegyndere", "optagne", "optagede", "påbörjade", "paborjade", "nybörjare", "nyborjare",
                            "antagna", "antagne", "begynte", "startet", "startkull", "inntak", "aloittaneet", "start",
                            "aloittaneita", "entrants", "started", "starters", "enrolled", "intake"})
#: Words that name a cohort by what happened to its units: discharged, admitted, treated, operated, diagnosed.
_COHORT_WORDS = frozenset({"udskrevne", "udskrevet", "utskrivna", "utskrevne", "utskrevet", "discharged",
                           "indlagte", "inlagda", "innlagte", "admitted", "admissions", "behandlede", "behandlade",
                           "behandlete", "treated", "opererede", "opererade", "opererte", "operated", "diagnosed",
                           "diagnosticerede", "diagnostiserade", "diagnostiserte", "exposed", "eksponerede",
                           "exponerade", "eksponerte", "included", "inkluderede", "inkluderade", "inkluderte",
                           "uloskirjoitetut", "hoidetut", "leikatut",
                           # (the singular participle a header uses too: "Antall operert", "Antal behandlad")
                           "operert", "opereret", "opererad", "behandlet", "behandlad", "innlagt", "indlagt",
                           "inlagd", "diagnostisert", "diagnosticeret", "inkludert", "inkluderet"})
#: Words that begin a clause saying which units a size counts ("med", "with", "who", "uden").
_QUALIFIERS = frozenset({"med", "with", "uden", "utan", "without", "who", "som", "der", "having"})
_FINNISH_WHERE = lazy_compile(r"\w{4,}(?:ssa|ssä|lla|llä)$")


def _own_size(table: TableModel, share: ColumnInfo, sized: list[ColumnInfo]) -> str | None:
    """The group size a share is of when a table pairs each group's count with its share (``Mænd n, %,
    Kvinder n, %``; ``Mænd_n;Mænd_pct;Kvinder_n;Kvinder_pct``): the size named with the same words, else the
    size column right before the share. None when the table does not pair them so."""
    from scanner.names import name_tokens

    if len(sized) < 2:
        return None
    words = set(name_tokens(share.name)) - _SHARE_TOKENS
    if words:
        named = [c for c in sized if set(name_tokens(c.name)) - _SIZE_NAME_TOKENS == words]
        if len(named) == 1:
            return named[0].name
    before = next((c for c in table.columns if c.index == share.index - 1), None)
    if before is not None and any(c is before for c in sized):
        return before.name
    return None


def _complete_rows(frame: pl.DataFrame, names: Sequence[str]) -> np.ndarray:
    """The rows of ``names`` (as floats) where every one of them holds a number."""
    import numpy as np

    values = np.column_stack([frame.get_column(n).cast(float).to_numpy() for n in names])
    return values[~np.isnan(values).any(axis=1)]


def _each_row_splits(frame: pl.DataFrame, names: Sequence[str], rows: np.ndarray) -> bool:
    """Whether the columns add up to 100 (or 1) on each of ``rows``, within the rounding they are written
    with."""
    half = max(half_unit(frame.get_column(n).drop_nulls().drop_nans()) for n in names)
    return all(_percent_scale(r, half) is not None for r in rows)


def splits_rows(frame: pl.DataFrame, names: list[str]) -> bool:
    """Whether the share columns add up to 100 (or 1) on every row with all of them, within their rounding."""
    rows = _complete_rows(frame, names)
    return rows.shape[0] > 0 and _each_row_splits(frame, names, rows)


def _size_column(table: TableModel) -> str | None:
    sized = _sized_columns(table) or _units_first(table)
    if len(sized) > 1:
        total = _total_of_parts(table, sized)
        if total is not None:
            return total  # "Mænd;Kvinder;I alt;Andel kvinder (%)": the share is of the total, not of the men
        # a population and a count of events in it ("Befolkning 0-17", "Antal"): the group's size is the
        # population, the larger on every row
        frame = table.sample
        totals = [(float(frame.get_column(c.name).cast(float).fill_null(0).sum()), c.name) for c in sized]
        big = max(totals)
        tied = [name for t, name in totals if t == big[0]]
        if len(tied) > 1 and all(frame.get_column(name).equals(frame.get_column(tied[0])) for name in tied):
            return tied[0]  # (PROC MEANS' "N Obs" and "N": one size twice, no missing values)
        return big[1] if len(tied) == 1 else None
    return sized[0].name if sized else None


def _units_first(table: TableModel) -> list[ColumnInfo]:
    """The one count column whose name starts with the units it counts, a qualifier after them
    ("husstande_nybyg_2018_2020": households in new builds), when no column is named as a group's size: the
    group its shares beside it are of (40 % of 5 households is 2)."""
    from scanner.names import name_tokens

    units = [c for c in table.counts if (tokens := [t for t in name_tokens(c.name) if not t.isdigit()])
             and tokens[0] in _SIZE_TOKENS and tokens[0] not in _GENERIC_SIZE_WORDS and len(tokens) <= 3]
    return units if len(units) == 1 and len(table.counts) == 1 else []


def _total_of_parts(table: TableModel, sized: list[ColumnInfo]) -> str | None:
    """The one count column named as a margin ("I alt", "Total") that is the sum of the group-size columns
    beside it on every row with all of them: the size of the whole group."""
    import numpy as np

    from scanner.names import is_margin_label

    margins = [c for c in table.counts if is_margin_label(c.name) and all(c is not s_ for s_ in sized)]
    if len(margins) != 1:
        return None
    frame = table.sample
    rows = _complete_rows(frame, [*(c.name for c in sized), margins[0].name])
    if rows.shape[0] == 0 or not np.allclose(rows[:, :-1].sum(axis=1), rows[:, -1]):
        return None
    return margins[0].name


def _derived_cells(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Counts a table publishes as shares of a group's size: ``n = 4`` beside ``pct_women = 25.0`` says one
    woman. A share column (named as one) of a table with one column of group sizes gives ``share x n``
    units; a whole count under the threshold is a small cell, as if printed.

    A share that is each row's part of the column's total (a frequency table's ``Percent`` beside its
    ``Freq.``) is not a share of the row's size, and is left alone; so are rates, cumulative shares and
    shares of an amount (income, turnover). Only a table read whole is checked (published tables are)."""
    import numpy as np

    from scanner.table_model import ColumnKind, TableShape

    if not table.sample_complete or table.shape is TableShape.MICRODATA:
        return
    _column_shares(table, profile, dims, result)
    _shares_of_stated_total(table, profile, dims, result, counted=bool(table.counts))
    _sizes_in_note(table, profile, dims, result)
    _paired_percent_of_total(table, profile, dims, result)
    _suppressed_beside_percent(table, profile, dims, result)
    _hidden_category(table, profile, dims, result)
    _hidden_by_change(table, profile, dims, result)
    _levels_from_percent_changes(table, profile, dims, result)
    _hidden_by_total_and_mean(table, profile, dims, result)
    _hidden_by_moving_average(table, profile, dims, result)
    _window_sums(table, profile, dims, result)
    _hidden_by_flow_balance(table, profile, dims, result)
    _count_row_all_and_one_sex(table, profile, dims, result)
    _model_count_rows(table, profile, dims, result)
    _index_of_a_stated_base(table, profile, dims, result)
    _rows_leaving_a_group_out(table, profile, dims, result)
    _long_rows_of_all_and_one_sex(table, profile, dims, result)
    _long_unit_shares(table, profile, dims, result)
    _flow_exclusions(table, profile, dims, result)
    _indicator_means_by_row(table, profile, dims, result)
    _percent_rows_by_size_row(table, profile, dims, result)
    _sums_over_means(table, profile, dims, result)
    _small_top_groups(table, profile, dims, result)
    _users_of_defined_daily_doses(table, profile, dims, result)
    _cumulative_steps(table, profile, dims, result)
    _closed_cohort_steps(table, profile, dims, result)
    _at_risk_steps(table, profile, dims, result)
    _cumulative_percent_steps(table, profile, dims, result)
    _rest_of_count_and_share(table, profile, dims, result)
    _nested_periods(table, profile, dims, result)
    _of_which_rows(table, profile, dims, result)
    size = _size_column(table)
    # one count named as a count ("Antal disputerade 2000-2015", "Antal genotypede") and no other: the units
    # that shares beside it are of ("Andel företagare 2019 (%)"; a column percentage of it is told apart below),
    # and that a prevalence is of ("Prævalens pr. 1.000")
    named = [c for c in table.counts if c.count_named and c.name not in dims]
    lone = named[0].name if size is None and len(named) == 1 and len(table.counts) == 1 else None
    denominator = size or _denominator_column(table)
    if denominator is not None:
        _rates_of_sizes(table, profile, dims, result, denominator)
    elif lone is not None:
        _rates_of_sizes(table, profile, dims, result, lone, prevalence_only=True)
    if size is not None:
        _indicator_means(table, profile, dims, result, size)
    else:
        # each variable's own N beside its mean (Stata's tabstat by(): "dod30 N", "dod30 Mean")
        for own, means in _sizes_of_means(table, dims).items():
            _indicator_means(table, profile, dims, result, own, only=means)
    size = size or lone
    if size is None:
        return
    frame = table.sample
    # (a rate written with its percent sign, "rate=50.0%", is a share of units as "rate (%)" is)
    shares = [c for c in table.columns if c.statistic == "share" and c.kind is ColumnKind.NUMERIC
              and not c.is_count and not c.embedded and c.name != size
              and not _not_of_units(c.name + (" (%)" if c.percent == "all" else ""))]
    shares += _row_percents(table, frame, size, {c.name for c in shares})
    if _LABOUR_FORCE.search(size):
        # an unemployment rate is the unemployed's share of the labour force beside it (8,7 % of 23 is 2)
        shares += [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count
                   and _UNEMPLOYMENT_RATE.search(c.name) and c not in shares]
    if not shares:
        return
    sized = _sized_columns(table)
    owners = {c.name: _own_size(table, c, sized) for c in shares}
    paired = [name for name, own in owners.items() if own is not None]
    if len(paired) < 2:
        # one share beside a count is no layout of pairs ("Befolkning;Antal;Andel (%)": the share is of the
        # population, the largest size): each share is of the table's size
        owners, paired = dict.fromkeys(owners), []
    if len(paired) >= 2 and splits_rows(frame, paired):
        # each group's n with its share of the row ("Mænd n, %, Kvinder n, %" adding up to 100 % a row): the
        # shares are those printed counts' and derive nothing more
        shares = [c for c in shares if c.name not in paired]
    if not paired:
        _hidden_row_share(frame, [c.name for c in shares], size, profile, dims, result)
    for col in shares:
        own = owners[col.name] or size
        n = frame.get_column(own).cast(float)
        pct = frame.get_column(col.name).cast(float)
        present = pct.drop_nulls().drop_nans()
        if present.len() == 0 or present.min() < 0 or present.max() > 100:
            continue
        # the shares are rounded: each stands for an interval, as wide as its own printed decimals ("5.3" beside
        # "0.01" in one column is 5.3 +- 0.05)
        half = half_units(pct.to_numpy().astype(float))
        if present.max() <= 1 and not _PERCENT_UNIT.search(col.name):  # fractions, unless named as percent
            pct, half = pct * 100, half * 100
        if _column_percent(pct, n) or _percent_within_groups(frame, dims, pct, n):
            continue
        small = _small_counts(pct.to_numpy().astype(float), half, n.to_numpy().astype(float), profile.threshold)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), col.name, size_column=own)
        if not paired and (len(shares) == 1 or not splits_rows(frame, [c.name for c in shares])):
            # a share of each group splits it in two: the rest (100 % minus the share) is a cell too ("14 firms,
            # 85.7 % innovative": 2 were not); so does each of several shares that are not one split of the row
            # ("Share female", "Share with a degree": the men, those without)
            rest = _small_counts(100 - pct.to_numpy().astype(float), half, n.to_numpy().astype(float),
                                 profile.threshold) & ~small
            _add_small(result, frame, dims, np.flatnonzero(rest).tolist(), col.name, size_column=own,
                       complement=True)


# A rate per a round number of the group's units: "Selvmord pr. 100.000 indbyggere", "per 1,000 persons".
_RATE_BASE = lazy_compile(r"(?<![^\W_])(?:(?:pr\.?|per|pro|/)[\s_]*(1(?:[ .,\u00a0]?000){1,2}|10[ .,\u00a0]?000"
                        r"|100[ .,\u00a0]?000|100)(?![\d]|[\s_]?k(?![^\W\d_]))"
                        # (R's and Stata's names: "rate_per_100k", "per100k", "rate_100k", "inc_10k")
                        r"|(?:(?:pr|per|pro|rate|inc|incidence)[\s_]*)?(1|10|100)[\s_]?k(?![^\W\d_]))",
                        re.IGNORECASE)  # (also "vielser_pr_1000_ugifte")


# The word "rate" in a rate column's name ("rate_per_100k"): the column is a rate, whatever else it is not.
_RATE_WORD = lazy_compile(r"(?i)(?<![a-zæøåäö])(?:rates?|incidence|incidens|insidens|ilmaantuvuus)(?![a-zæøåäö])")


def rate_named(name: str) -> bool:
    """Whether a column's name makes it a rate per a round number of units ("Per 100 000 asukasta/v",
    "rate_per_100k")."""
    return _RATE_BASE.search(name) is not None


def _rate_base(m: re.Match[str]) -> float:
    """The number of units a rate is per, from a :data:`_RATE_BASE` match ("100 000", "100k")."""
    if m.group(1) is not None:
        return float(re.sub(r"[ .,\u00a0]", "", m.group(1)))
    return float(m.group(2)) * 1000


# The population or person-time a rate is of: "Personår 2018-2022", "person-years", "Medelfolkmängd 0-17 år".
_DENOMINATOR = lazy_compile(r"person[\s_-]*(?:år|aar|years?|time)|risikotid|risk[\s_-]*time|befolkning|folketal|"
                          r"folkm(?:ä|a)ngd|folkemengde|population|inv(?:å|a)nare|indbyggere|innbyggere|väestö|"
                          r"väkiluku|asukasluku|asukkaat|henkilövuo", re.IGNORECASE)


_PERSON_TIME = lazy_compile(r"person[\s_-]*(?:år|aar|years?|time)|risikotid|risk[\s_-]*time|henkilövuo", re.IGNORECASE)


def _denominator_column(table: TableModel, rate: str = "") -> str | None:
    """The numeric column named as a population or person-time (the denominator of a rate beside it); for a
    rate per person-time (``per 100 000 personår``), the person-time column."""
    from scanner.table_model import ColumnKind

    found = [c.name for c in table.columns if c.kind is ColumnKind.NUMERIC and _DENOMINATOR.search(c.name)
             and not _RATE_BASE.search(c.name)]
    if _PERSON_TIME.search(rate):
        found = [n for n in found if _PERSON_TIME.search(n)] or found
    if not found:
        # the units a rate is per, named by a column ("vielser_pr_1000_ugifte" beside "ugifte_18_49_aar")
        for col in table.columns:
            m = _RATE_BASE.search(col.name) if col.kind is ColumnKind.NUMERIC else None
            per = set(re.findall(r"[^\W\d_]{4,}", col.name[m.end():].lower())) if m else set()
            found += [c.name for c in table.columns if per and c is not col and c.kind is ColumnKind.NUMERIC
                      and not _RATE_BASE.search(c.name)
                      and (first := re.match(r"[^\W\d_]{4,}", c.name.strip().lower())) and first.group(0) in per]
    return found[0] if found else None


# A prevalence: a rate of the units a table counts, whatever else it counts ("Prævalens pr. 1.000").
_PREVALENCE = lazy_compile(r"(?i)prævalens|praevalens|prevalen[cs]|prevalens|förekomst|forekomst|esiintyvyys")


def _rates_of_sizes(table: TableModel, profile: Profile, dims: list[str], result: CellScan, size: str, *,
                    prevalence_only: bool = False) -> None:
    """Rates per 1,000 or 100,000 beside the group's size or person-time (``Folketal 1790``, ``Selvmord pr.
    100.000 indbyggere 111,7``; ``Personår 2300``, ``Incidens per 100 000 personår 43,5``): rate x size / base
    is the number of events, 2 suicides on Læsø, a suppressed count of 1 in Sorsele. A rate that is a yearly
    average over a period stands for a small count a year all the same."""
    import numpy as np

    from scanner.table_model import ColumnKind

    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or col.is_count or col.name == size or col.name in dims \
                or _not_of_units(_RATE_WORD.sub("", col.name)):
            continue
        m = _RATE_BASE.search(col.name)
        if m is None or (prevalence_only and not _PREVALENCE.search(col.name)) or _STANDARDISED.search(col.name):
            continue  # (an age-standardised rate is of a standard population, not of the size beside it)
        of = _denominator_column(table, col.name) if _PERSON_TIME.search(col.name) else size
        n = table.sample.get_column(of or size).cast(float).to_numpy()
        base = _rate_base(m)
        values = table.sample.get_column(col.name).cast(float)
        present = values.drop_nulls().drop_nans()
        if present.len() == 0 or present.min() < 0:
            continue
        scale = 100.0 / base  # as a percentage of the size
        half = half_unit(present) * scale
        small = _small_counts(values.to_numpy().astype(float) * scale, half, n, profile.threshold)
        _add_small(result, table.sample, dims, np.flatnonzero(small).tolist(), col.name, size_column=of or size)


# An age-standardised (or otherwise standardised) rate: "Ikävakioitu ilmaantuvuus / 100 000", "Aldersstandardiseret
# rate", "Åldersstandardiserad", "ASR (World)", "age-adjusted".
_STANDARDISED = lazy_compile(r"(?i)vakioi|standardi[sz]|standardis|\basr\b|age[- ]adjusted|aldersjust|åldersjust|"
                             r"\bjusteret\b|\bjusterad\b")


# A variable's N or mean by its statistic's word after the variable's name: "dod30 N", "dod30 Mean", "alder_n".
_STAT_SUFFIX = lazy_compile(r"(?i)^(.+?)[ _.|]+(n|obs|freq|count|antal|mean|avg|average|gns|medel|keskiarvo)\s*$")


def _sizes_of_means(table: TableModel, dims: list[str]) -> dict[str, set[str]]:
    """Each variable's own N column with its mean columns ("dod30 N" with "dod30 Mean"), by their names."""
    sizes: dict[str, str] = {}
    means: dict[str, set[str]] = {}
    for c in table.columns:
        m = _STAT_SUFFIX.match(c.name)
        if m is None or c.name in dims:
            continue
        stem, word = m.group(1).strip().lower(), m.group(2).lower()
        if word in ("n", "obs", "freq", "count", "antal"):
            if c.is_count:
                sizes[stem] = c.name
        else:
            means.setdefault(stem, set()).add(c.name)
    return {sizes[stem]: cols for stem, cols in means.items() if stem in sizes}


# A density curve's heights ("density", "kde", "tiheys", "tæthed"): values per unit of the x axis, no group's mean.
_DENSITY_NAME = lazy_compile(r"(?i)(?<![^\W_])(?:density|densities|dens|kde|pdf|tiheys|tiheysfunktio|tæthed|taethed|"
                             r"täthet|tathet|tetthet|densitet)(?![^\W_])")


def _indicator_means(table: TableModel, profile: Profile, dims: list[str], result: CellScan, size: str, *,
                     only: set[str] | None = None) -> None:
    """Means between 0 and 1 beside each group's size (Stata's ``table g, statistic(frequency) statistic(mean
    hipfracture)``: "Vortioxetin | 148 0.014"): the mean of an indicator (0/1) is the share of the group with
    the event, and mean x size its number of units, 2 of 148. Whether the variable is an indicator is seldom
    written in the table, so these counts are unsure (review: a mean of a score that lies between 0 and 1 is
    no count), unless every row's mean is a whole count over its size, which a score's means are not by
    accident (:func:`_whole_counts_behind`)."""
    import numpy as np

    from scanner.table_model import ColumnKind

    spreads = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.statistic == "spread"
               and _SD_NAME.search(c.name) and c.name not in dims]
    for col in table.columns:
        # (a "rate" between 0 and 1 without a base, "readmit_rate" = mean(genind30), is a mean of an indicator
        # too: the share of the group with the event; a rate per 1,000 or per person-year is not read so)
        rate = col.statistic == "share" and _RATE_WORD.search(col.name) is not None and not rate_named(col.name) \
            and _PERSON_TIME.search(col.name) is None
        # (a column named after an event with fractions beside the group's size, "dod_1ar 0.050" beside "n 40":
        # the mean of its 0/1 indicator, pandas' groupby().mean() of it)
        unnamed = col.statistic is None and not col.count_named and not col.integral
        if col.kind is not ColumnKind.NUMERIC or col.is_count or (only is not None and col.name not in only) \
                or (col.statistic != "mean" and not rate and not unnamed) \
                or col.embedded or col.name == size or col.name in dims or _DENSITY_NAME.search(col.name):
            continue
        values = table.sample.get_column(col.name).cast(float)
        present = values.drop_nulls().drop_nans()
        if present.len() < 1 or present.min() < 0 or not ((present > 0) & (present < 1)).any() \
                or ((rate or unnamed) and present.max() >= 1) or (unnamed and half_unit(present) > 0.0005):
            continue
        n = table.sample.get_column(size).cast(float).to_numpy()
        half = half_unit(present)
        means = values.to_numpy().astype(float)
        # a row whose standard deviation is a 0/1 variable's, sqrt(p (1 - p)) (n / (n - 1) for a sample's):
        # the row is an indicator's, whatever the other rows of the column are (esttab's estpost summarize
        # lists variables as rows: "Female 0.533 0.507 30", "Age 41.23 11.08 30")
        # (each variable's own SD beside its own N and mean, "betwee~s SD": it says whether the variable is 0/1)
        own_sd = [c for c in spreads if only is not None and c.name.split(" ")[0] == col.name.split(" ")[0]]
        sd_name = own_sd[0].name if len(own_sd) == 1 else spreads[0].name if len(spreads) == 1 else None
        binary = _binary_spread(table, means, half, n, sd_name) if sd_name is not None else None
        small = _small_counts(means * 100, half * 100, n, profile.threshold)
        if own_sd and binary is not None:
            small &= binary  # (a mean of 0.0000212 with an SD of 0.0001877 is no share of a 0/1 variable)
        whole = present.max() <= 1 and present.len() >= 2 and _whole_counts_behind(means, half, n)
        if present.max() > 1 or present.len() < 2:
            if binary is None:
                continue
            small &= binary  # (a column of several variables' means: only the indicators' rows)
        by_sd = binary is not None and bool(binary[small].all()) and not whole
        # (a name that says the variable is 0/1: "Innlagt (gj.snitt 0/1)", "dummy")
        named = _INDICATOR_LABEL.search(col.name) is not None
        _add_small(result, table.sample, dims, np.flatnonzero(small).tolist(), col.name, size_column=size,
                   unsure=not (whole or by_sd or named), indicator_mean=True,
                   binary_sd=sd_name if by_sd and sd_name else "")


# A standard deviation's column ("sd", "Std. dev.", "Standardavvik"), not a standard error's.
_SD_NAME = lazy_compile(r"(?i)(?<![a-z])(?:sd|std\.?\s*dev\.?|stdev|standard\s*deviation|standardafvigelse|"
                        r"standardavvik|standardavvikelse|keskihajonta|std)(?![a-z])")


def _binary_spread(table: TableModel, means: np.ndarray, half: float, n: np.ndarray, sd: str) -> np.ndarray:
    """Rows whose standard deviation (column ``sd``) is that of a 0/1 variable with the row's mean, within both
    numbers' rounding: sqrt(p (1 - p)), or times sqrt(n / (n - 1)) as Stata and R give a sample's."""
    import numpy as np

    sds = table.sample.get_column(sd).cast(float).to_numpy().astype(float)
    sd_half = half_unit(table.sample.get_column(sd).cast(float).drop_nulls().drop_nans())
    out = np.zeros(len(means), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        # (sqrt(p (1 - p)) over the mean's rounding interval: its ends and the mean itself)
        p = np.clip(np.stack([means - half, means, means + half]), 1e-9, 1 - 1e-9)
        pop = np.sqrt(p * (1 - p))
        for expected in (pop, pop * np.sqrt(np.where(n > 1, n / (n - 1), 1.0))):
            lo, hi = expected.min(axis=0), expected.max(axis=0)
            out |= (sds >= lo - sd_half - 1e-9) & (sds <= hi + sd_half + 1e-9)
    return out & (means > 0) & (means < 1) & np.isfinite(sds)


def _whole_counts_behind(means: np.ndarray, half: float, n: np.ndarray) -> bool:
    """Whether the means are evidently counts over the group sizes: on every row a whole number k gives
    k / n within the mean's rounding, and the chance that this happens by accident to a mean that is not
    such a share (about ``2 * half * n`` a row) is under 1 % for the rows together. Then the variable is an
    indicator (0/1) and mean x size is its count for sure (0.040 of 25 with 0.090 of 412, 0.079 of 366 ...)."""
    import numpy as np

    chance = 1.0
    for m, k in zip(means.tolist(), n.tolist(), strict=True):
        if not (np.isfinite(m) and np.isfinite(k)) or k <= 0 or k != round(k):
            continue
        lo, hi = (m - half) * k, (m + half) * k
        if np.floor(hi + 1e-9) < np.ceil(lo - 1e-9):
            return False  # no whole count gives this mean: not a share of the group
        if 0 < m < 1:
            chance *= min(1.0, (hi - lo))
    return chance < 0.01


def _small_counts(pct: np.ndarray, half: float | np.ndarray, units: np.ndarray | float, threshold: int) -> np.ndarray:
    """Where shares ``pct`` (percent, each rounded to +- ``half``) of group sizes ``units`` are small counts:
    every whole count the rounded share allows is at least 1 (the share is not 0) and under the threshold
    (0.1 % of 1,500 is 1 or 2 units)."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        lo = np.maximum(np.ceil((pct - half) / 100 * units - 1e-9), 1)
        hi = np.floor((pct + half) / 100 * units + 1e-9)
        return (pct > 0) & np.isfinite(pct) & np.isfinite(units) & (lo <= hi) & (hi < threshold)


def _percent_scale(present: np.ndarray, half: float) -> float | None:
    """100 when shares written as fractions add up to 1, 1 when percentages add up to 100 (each within its
    rounding); None when the values are no split of a whole."""
    total = 1.0 if present.max() <= 1 else 100.0
    if abs(present.sum() - total) > present.size * half + 1e-9:
        return None
    return 100.0 if total == 1.0 else 1.0


def _hidden_row_share(frame: pl.DataFrame, shares: list[str], size: str, profile: Profile, dims: list[str],
                      result: CellScan) -> None:
    """Row percentages over a row's size with one share suppressed: the others and 100 % give it back
    ("Nordjylland 57,4 | 14,9 | 23,4 | .. | N 47": 4,3 % of 47 is 2). The shares must split their rows
    (every fully published row adds up to 100 within its rounding, at least two such rows)."""
    import numpy as np

    if len(shares) < 2:
        return
    pct = np.column_stack([frame.get_column(c).cast(float).fill_nan(None).to_numpy().astype(float) for c in shares])
    n = frame.get_column(size).cast(float).to_numpy().astype(float)
    full = ~np.isnan(pct).any(axis=1)
    if full.sum() < 2:
        return
    present = pct[~np.isnan(pct)]
    half = half_unit(frame.select(shares).unpivot().get_column("value").cast(float).drop_nulls().drop_nans())
    scale = 100.0 if present.max() > 1.5 else 1.0
    if np.abs(pct[full].sum(axis=1) - scale).max() > len(shares) * half + 1e-9:
        return  # no split of each row
    lone = np.isnan(pct).sum(axis=1) == 1
    for k in np.flatnonzero(lone & np.isfinite(n)).tolist():
        j = int(np.flatnonzero(np.isnan(pct[k]))[0])
        rest = (scale - float(np.nansum(pct[k]))) * (100.0 / scale)
        width = (len(shares) - 1) * half * (100.0 / scale)
        if _small_counts(np.array([rest]), width, np.array([n[k]]), profile.threshold)[0]:
            _add_small(result, frame, dims, [k], shares[j], size_column=size, hidden_share=True)


# A column's period as a range of years in its name: "antall_2015_2019", "Tilfælde 2015-2020", "n 2015–2019".
_YEAR_RANGE = lazy_compile(r"(?<!\d)((?:19|20)\d\d)\s*[-–_/]\s*((?:19|20)\d\d)(?!\d)")


def _nested_periods(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Counts of one measure over periods that start together and end apart ("antall_2015_2019" beside
    "antall_2015_2020"): the longer less the shorter is the count of the years between (5 - 4 is 1 suicide in
    2020), a cell like any other."""
    import numpy as np

    periods: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for c in table.counts:
        m = _YEAR_RANGE.search(c.name)
        if m is None or c.name in dims:
            continue
        stem = (c.name[:m.start()] + "#" + c.name[m.end():]).strip().lower()
        periods.setdefault((stem, m.group(1)), []).append((int(m.group(2)), c.name))
    frame = table.sample
    for spans in periods.values():
        spans.sort()
        for (_, short), (_, long) in itertools.pairwise(spans):
            a = frame.get_column(short).cast(float).to_numpy()
            b = frame.get_column(long).cast(float).to_numpy()
            with np.errstate(invalid="ignore"):
                diff = b - a
                if np.nanmin(diff) < 0 if np.isfinite(diff).any() else True:
                    continue  # (no nesting: the longer period counts fewer somewhere)
                small = np.isfinite(diff) & (diff > 0) & (diff < profile.threshold)
            _add_small(result, frame, dims, np.flatnonzero(small).tolist(), short, subset_of=long)


def _rest_of_count_and_share(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A count beside its share of a group whose size is not published ("Antal med examen 30 | Andel med examen
    96,8 %"): the size is the count over its share (31), and the rest of the group (31 - 30 = 1) is a cell.
    Read so only when every row's share fits the count as its numerator (count / share allows a whole size)
    and some row's does not fit it as the group's size (count x share allows no whole number); for each row,
    every whole size the rounded share allows must leave a rest under the threshold."""
    import numpy as np

    from scanner.table_model import ColumnKind

    counts = [c for c in table.counts if c.name not in dims and not c.embedded]
    shares = [c for c in table.columns if c.statistic == "share" and c.kind is ColumnKind.NUMERIC
              and not c.is_count and not c.embedded and not _not_of_units(c.name)]
    if len(counts) != 1 or len(shares) != 1:
        return
    frame = table.sample
    count = frame.get_column(counts[0].name).cast(float).fill_nan(None).to_numpy().astype(float)
    pct_s = frame.get_column(shares[0].name).cast(float).fill_nan(None)
    present = pct_s.drop_nulls()
    if present.len() < 2 or present.min() < 0 or present.max() > 100:
        return
    half = half_unit(present)
    pct = pct_s.to_numpy().astype(float)
    if present.max() <= 1 and not _PERCENT_UNIT.search(shares[0].name):
        pct, half = pct * 100, half * 100
    rows = np.flatnonzero(np.isfinite(count) & np.isfinite(pct) & (pct > half) & (pct < 100 - half) & (count > 0))
    if len(rows) < 2:
        return
    c, p = count[rows], pct[rows]
    # the count as the numerator: whole sizes in count / (share +- half)
    lo_n = np.ceil(c * 100 / (p + half) - 1e-9)
    hi_n = np.floor(c * 100 / (p - half) + 1e-9)
    # the count as the group's size: whole numerators in count x (share +- half)
    lo_k = np.ceil(c * (p - half) / 100 - 1e-9)
    hi_k = np.floor(c * (p + half) / 100 + 1e-9)
    if not bool((lo_n <= hi_n).all()) or bool((lo_k <= hi_k).all()):
        return
    rest_lo, rest_hi = lo_n - c, hi_n - c
    small = (rest_lo >= 1) & (rest_hi < profile.threshold)
    found = {cell.row for cell in result.itemised}  # (a row another reading found small: a cohort's step)
    _add_small(result, frame, dims, [int(k) for k in rows[small] if k + 1 not in found], shares[0].name,
               complement=True,
               size_in=f"column {masking.mask_name(counts[0].name)!r} over its share (the group's size)")


def _row_labels(frame: pl.DataFrame, name: str) -> list[str]:
    """A label column's cells as text, as the table prints them (blank for an empty cell)."""
    return [str(plain_label(v)) if v is not None else "" for v in frame.get_column(name).to_list()]


def _add_small(result: CellScan, frame: pl.DataFrame, dims: list[str], rows: list[int], column: str,
               **how: str | bool) -> None:
    """Derived counts under the threshold at data rows ``rows`` (0-based) of ``column``; ``how`` says how
    they were derived (:class:`SmallCell`'s ``size_column``, ``size_in``, ``cumulative``)."""
    for k in rows:
        result.small += 1
        if len(result.itemised) < MAX_ITEMISED:
            labels = tuple((masking.mask_name(x), masking.mask_label(plain_label(frame.get_column(x)[k])))
                           for x in dims)
            result.itemised.append(SmallCell(k + 1, column, False, labels, **how))  # type: ignore[arg-type]


def _column_shares(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Column percentages over a row of group sizes: ``Diabetes 40.0 | Asthma 60.0 | N 5`` under ``Men``
    says 2 men have diabetes. A row labelled as sizes (``N``, ``n``, ``Antal``, ``Total N``) below or above
    decimal shares that add up to 100 (or to 1) down each column, within their rounding, gives each share's
    count as share x size."""
    import numpy as np

    from scanner.names import name_tokens
    from scanner.table_model import ColumnKind

    frame = table.sample
    if not dims or frame.height < 3:
        return
    labels = [str(plain_label(v)).strip() if v is not None else "" for v in frame.get_column(dims[0]).to_list()]
    size_rows = [k for k, v in enumerate(labels) if v and set(name_tokens(v)) <= _SIZE_TOKENS
                 and any(t in ("n", "antal", "antall", "count", "nobs", "obs", "number", "lkm", "freq")
                         for t in name_tokens(v))]
    if len(size_rows) != 1:
        return
    at = size_rows[0]
    others = [k for k in range(frame.height) if k != at and not is_margin_label(labels[k])]
    if len(others) < 2:
        return
    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or col.name in dims or col.embedded:
            continue
        values = frame.get_column(col.name).cast(float).to_numpy()
        size, shares = values[at], values[others]
        present = shares[~np.isnan(shares)]
        if not np.isfinite(size) or size <= 0 or size != round(size) or present.size < 2 \
                or present.min() < 0 or present.max() > 100 or abs(present.sum() - size) < 0.5:
            continue  # (counts above their total add up to it)
        half = half_unit(frame.get_column(col.name).gather(others).drop_nulls().drop_nans())
        missing = np.flatnonzero(np.isnan(shares))
        if missing.size == 1 and any(is_margin_label(labels[k]) and values[k] in (1.0, 100.0)
                                     for k in range(frame.height)):
            # one share suppressed ("*") in a column that adds up to its printed 100 %: the others give it
            # back as 100 % minus their sum (within their rounding), a count of that share of the size
            whole = 100.0 if present.max() > 1 else 1.0
            rest = (whole - present.sum()) * (100.0 / whole)
            if rest > 0 and _small_counts(np.array([rest]), half * present.size * (100.0 / whole), size,
                                          profile.threshold)[0]:
                _add_small(result, frame, dims, [others[int(missing[0])]], col.name,
                           size_in=f"row {masking.mask_name(labels[at])!r}")
            continue
        scale = _percent_scale(present, half)
        if scale is None:
            continue
        small = _small_counts(present * scale, half * scale, size, profile.threshold)
        rows = [others[i] for i in np.flatnonzero(~np.isnan(shares))[np.flatnonzero(small)].tolist()]
        _add_small(result, frame, dims, rows, col.name, size_in=f"row {masking.mask_name(labels[at])!r}")


# A group's size stated in a title, a header or a total row's label: "(N = 150)", "n=1 289", "N: 80", "(N) = 7".
# (a whole number written with a zero decimal, "n=21.0" from a float column, is that number: never its "2")
_STATED_N = lazy_compile(r"(?<![\w.=<>≤≥])[nN]\)?\s*[=:]\s*(\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d+)(?:[.,]0+)?"
                         r"(?![\w.,]?\d)")


_PERCENT_UNIT = lazy_compile(r"%|\bpct\b|\bprocent\b|\bpercent\b|\bprosent\b", re.IGNORECASE)


# A cell that is a percentage alone: "8.0%", "52 %", "0,9 %".
_PERCENT_CELL = lazy_compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%\s*$")


# A count with its share of the column's group: "52 (96.3)", "52 (96,3 %)".
_COUNT_OF_GROUP = lazy_compile(r"^\s*(\d{1,3}(?:[ ,.\u00a0]\d{3})*|\d+)\s*\(\s*(\d{1,3}(?:[.,]\d+)?)\s*%?\s*\)\s*$")


def _columns_of_stated_n(table: TableModel, profile: Profile, raw: dict[str, dict[str, list[object]]] | None = None
                         ) -> Iterator[tuple[ColumnInfo, int, list[object]]]:
    """The columns whose header states a group's size of at least the threshold ("Finland (N=54)"), each with
    that size and its cells as written (``raw``: the source's cells read again, shared between callers)."""
    raw = {} if raw is None else raw
    for col in table.columns:
        n = _stated_n(col.name)
        if n is None or n < profile.threshold:
            continue
        texts = _written_cells(table, col.name, raw)
        if texts is not None:
            yield col, n, texts


def _rest_of_stated_n(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Counts with their share ("52 (96.3)") in a column whose header states the group's size ("Finland (N=54)",
    a Table 1): the rest of the group, N minus the count, is a count too (54 - 52: two mothers born outside the
    Nordic countries), as all minus women is the men. A count is taken as of that N only when its printed share
    is count / N within the share's rounding."""
    for col, n, texts in _columns_of_stated_n(table, profile):
        labels = table.sample.get_column(dims[0]).to_list()
        for k, text in enumerate(texts):
            m = _COUNT_OF_GROUP.match(text) if isinstance(text, str) else None
            if m is None or (k < len(labels) and isinstance(labels[k], str) and is_margin_label(labels[k])):
                continue
            count = int(re.sub(r"[ ,.\u00a0]", "", m.group(1)))
            written = m.group(2)
            decimals = len(re.split(r"[.,]", written)[1]) if re.search(r"[.,]", written) else 0
            if abs(count / n * 100 - float(written.replace(",", "."))) > 0.5 * 10 ** -decimals + 1e-9:
                continue  # a share of another base (the known values, a row's total)
            if 0 < n - count < profile.threshold:
                _add_small(result, table.sample, dims, [k], col.name, size_in="its header", complement=True)


def _percent_cells_of_stated_n(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Cells written as a percentage alone ("8.0%") in a column whose header states the group's size
    (gtsummary's "Kontroll N = 25" with ``statistic = "{p}%"``): each is a count of the group, share x N
    (8.0 % of 25 is 2)."""
    import numpy as np

    raw: dict[str, dict[str, list[object]]] = {}
    for col, n, texts in _columns_of_stated_n(table, profile, raw):
        found = [(k, m.group(1)) for k, t in enumerate(texts) if isinstance(t, str) and (m := _PERCENT_CELL.match(t))]
        if not found:
            # bare numbers in rows a heading says are shares ("Paritet, %" above "1", "2", "3+"; "Flerfødsel, %")
            rows = _percent_rows(table, _cached_raw(table, raw))
            found = [(k, t.strip()) for k, t in enumerate(texts)
                     if k in rows and isinstance(t, str) and _BARE_SHARE.match(t)]
        if len(found) < 2:
            continue  # (one cell with a percent sign is no column of shares)
        for k, written in found:
            decimals = len(re.split(r"[.,]", written)[1]) if re.search(r"[.,]", written) else 0
            pct = float(written.replace(",", "."))
            if _small_counts(np.array([pct]), 0.5 * 10 ** -decimals, np.array([float(n)]), profile.threshold)[0]:
                _add_small(result, table.sample, dims, [k], col.name, size_in="its header")


# A row label that says its row, or the rows under it, are shares: "Paritet, %", "Rygning (%)", "Andel, pct.".
_PERCENT_LABEL = lazy_compile(r"(?i)(?:,\s*%|\(\s*%\s*\)|\s%|,\s*pct\.?|\(pct\.?\)|,\s*procent|,\s*prosent)\s*$")
_BARE_SHARE = lazy_compile(r"^\s*\d{1,3}(?:[.,]\d+)?\s*$")


def _bare_share(value: object) -> bool:
    """An empty cell, or a number written alone (no count beside a share: "39.2", not "160 (53.3)")."""
    if value is None or isinstance(value, int | float):
        return True
    return isinstance(value, str) and (not value.strip() or bool(_BARE_SHARE.match(value)))


def _percent_rows(table: TableModel, raw: dict[str, list[object]]) -> set[int]:
    """Rows of a descriptive table (Table 1) whose numbers are shares by their label or the heading above
    them: a row labelled "..., %", and the rows under a heading row (a label, no numbers) so labelled, up to
    the next heading, when their cells are bare numbers. ``raw`` holds the table's cells as written (see
    :func:`raw_cells`)."""
    first = table.sample.columns[0] if table.sample.width else None
    if first is None or first not in raw:
        return set()
    labels = raw[first]
    others = [raw[c] for c in table.sample.columns[1:] if c in raw]
    out: set[int] = set()
    section = False
    for k, label in enumerate(labels):
        text = label.strip() if isinstance(label, str) else ""
        heading = bool(text) and all(v is None or (isinstance(v, str) and not v.strip())
                                     for v in (o[k] for o in others))
        if heading:
            section = bool(_PERCENT_LABEL.search(text))
        elif (section or _PERCENT_LABEL.search(text)) and all(_bare_share(v) for v in (o[k] for o in others)):
            out.add(k)  # (tableone's "Sex = F (%)" over "160 (53.3)" cells: counts, with their shares)
    return out


#: Rows of a small table read again for its cells as written.
_RAW_ROWS = 2_000


# A Table 1 row of missing values under a variable ("Unknown", "Missing", "Ukendt", "Okänd", "Puuttuu"), and a
# cell of a continuous variable's statistics ("18 (11, 25)", "66 [52-83]", "45.2 (3.1)", "31 ± 4").
_UNKNOWN_LABEL = lazy_compile(r"(?i)^\s*(?:unknown|missing|not known|ukendt|uoplyst|mangler|manglende|okänd|okand|"
                              r"saknas|saknade|uppgift saknas|ukjent|ikke oppgitt|puuttuu|tuntematon|ei tietoa)"
                              r"(?:\s*(?:values|data|,?\s*n))?\s*$")
_SUMMARY_CELL = lazy_compile(r"^\s*-?\d[\d.,]*\s*(?:[(\[]\s*-?\d[\d.,]*\s*(?:[,;–-]|to)\s*-?\d[\d.,]*\s*[)\]]|"
                             r"±\s*\d[\d.,]*|\(\s*\d[\d.,]*\s*\))\s*$")


def _known_of_stated_n(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A continuous variable's statistics in a column whose header states the group's size, with a row of
    its missing values under it (gtsummary's "Tumour size, mm | 18 (11, 25)" over "Unknown | 12" in "Other,
    N = 14"): the statistics are of N less the unknown, 2 patients, a small cell (the median of two is their
    mean; the minimum and maximum are each one's)."""

    labels = [str(v).strip() if v is not None else "" for v in table.sample.get_column(dims[0]).to_list()]
    unknown_rows = [k for k, v in enumerate(labels) if k and _UNKNOWN_LABEL.match(v)]
    if not unknown_rows:
        return
    raw: dict[str, dict[str, list[object]]] = {}
    for col in table.columns:
        n = _stated_n(col.name)
        if n is None or n < profile.threshold or col.name == dims[0]:
            continue
        texts = _written_cells(table, col.name, raw)
        if texts is None or len(texts) != len(labels):
            continue
        for k in unknown_rows:
            missing = _number_of(texts[k])
            above = texts[k - 1]
            if missing is None or not isinstance(above, str) or not _SUMMARY_CELL.match(above):
                continue
            known = n - missing
            if 0 < known < profile.threshold:
                _add_small(result, table.sample, dims, [k - 1], col.name, known_values=True,
                           size_in=f"column header {masking.mask_name(col.name)!r} less the row "
                                   f"{masking.mask_label(labels[k])!r} below")


def _number_of(value: object) -> int | None:
    """A whole count written in a cell ("12", 12, "12 (86%)"), or None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else None
    m = re.match(r"^\s*(\d{1,7})(?:\s*\(.*\))?\s*$", str(value or ""))
    return int(m.group(1)) if m else None


def _written_cells(table: TableModel, name: str, cache: dict[str, dict[str, list[object]]]) -> list[object] | None:
    """Column ``name``'s cells as written: the sample's text, or the source read again (once per table, kept in
    ``cache``) for a column parsed as numbers (a Table 1 column of counts with shares, "45 (63,4)", whose bare
    shares, "39.2", read as no count; numbers read without their percent sign). None for a table too long
    to read again."""
    import polars as pl

    if table.sample.schema.get(name) == pl.String:
        return table.sample.get_column(name).to_list()
    if table.n_sample_rows > _RAW_ROWS:
        return None
    return _cached_raw(table, cache).get(name, [])


def _cached_raw(table: TableModel, cache: dict[str, dict[str, list[object]]]) -> dict[str, list[object]]:
    if "raw" not in cache:
        cache["raw"] = raw_cells(table)
    return cache["raw"]


def raw_cells(table: TableModel) -> dict[str, list[object]]:
    """The table's cells as written (the parsed sample drops a percent sign), by column; empty when the
    source cannot be read again or its rows are not the sample's."""
    import pyarrow as pa

    from scanner.loaders.base import LoadError

    try:
        batches = list(table.source.batches())
        raw = pa.Table.from_batches(batches, schema=table.source.schema)
    except (LoadError, OSError, pa.ArrowException):
        return {}
    if raw.num_rows != table.sample.height:
        return {}
    return {name: raw.column(name).to_pylist() for name in raw.column_names}


def stated_group_size(text: str) -> int | None:
    """The one group size a column header or label states ("Compassionate use (n=8)"), or None."""
    return _stated_n(text)


def _stated_n(text: str) -> int | None:
    """The one group size ``text`` states, or None (none, or several different ones)."""
    sizes = {int(re.sub(r"[ ,.\u00a0]", "", m.group(1))) for m in _STATED_N.finditer(text)}
    return sizes.pop() if len(sizes) == 1 else None


def _stated_in_title(title: str) -> int | None:
    """The one group size a title states: ``(N = 150)``, or a number of persons or firms (``blandt 150
    patienter``, ``of 1,204 firms``) when it names one only."""
    # (LaTeX writes a thousands separator as "{,}" or a thin space "\\,": "(N = 3{,}800)")
    title = title.replace("{,}", ",").replace("\\,", " ")
    size = _stated_n(title)
    if size is not None or not title:
        return size
    from scanner.loaders.prose import unit_counts

    sizes = set(unit_counts(title))
    return sizes.pop() if len(sizes) == 1 else None


def _shares_of_stated_total(table: TableModel, profile: Profile, dims: list[str], result: CellScan, *,
                            counted: bool = False) -> None:
    """Percentages of a total the table states but does not print as a count: ``percent`` of ``C 1.3`` under
    the title ``Diagnoses (N = 150)`` is 2 persons. A column of shares that adds up to 100 (or to 1) over
    the rows, with a size in its header (``Men (N=80)``), else in a total row's label (``Total (N=150)``),
    else in the title lines above the table, gives each share's count as share x size. In a table that
    also prints counts (``counted``), only a column with its N in its header and percentages by its name or
    its rows' labels (``Cases (N=4)`` over ``Diabetes, %``) is read so."""
    import numpy as np

    from scanner.table_model import ColumnKind

    frame = table.sample
    labels = _row_labels(frame, dims[0]) if dims else [""] * frame.height
    # a row of the columns' sizes under their percentages ("N & 25" at the foot of a LaTeX table of shares)
    size_rows = [k for k, v in enumerate(labels) if _SIZE_ROW.match(v)]
    margins = [k for k, v in enumerate(labels) if is_margin_label(v) or _stated_n(v) is not None or k in size_rows]
    rows = [k for k in range(frame.height) if k not in margins]
    in_rows = _stated_n(" ".join(labels[k] for k in margins if k not in size_rows)) if margins else None
    # the label column's header ("Diagnose (N = 150)") states the size of the rows' whole, as a title does
    in_labels = _stated_n(" ".join(dims[:1]))
    in_title = _stated_in_title(table.meta.title) if table.meta.title else None
    title_where = "the title"
    footer = str(getattr(table.source, "footer_text", "") or "")
    if in_title is None and footer and not _names_a_row(footer, labels):
        # a note under the table ("N = 4") states the size as a title does (not a note of one row's size:
        # "Sottungan luku perustuu 2 henkilöön", "values for 'Other' are suppressed (n=1)")
        in_title, title_where = _stated_in_title(footer), "a note under the table"
    percent_title = bool(_PERCENT_UNIT.search(table.meta.title or ""))
    if not rows:
        return
    # rows labelled as percentages ("Diabetes, %", "Female (%)"): each value is a percentage of its column's N
    percent_rows = [k for k in rows if _PERCENT_UNIT.search(labels[k])]
    labels_percent = len(percent_rows) >= max(1, 0.8 * len(rows))
    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or col.name in dims or col.embedded \
                or _not_of_units(col.name):
            continue
        size, where = _stated_n(col.name), f"column header {masking.mask_name(col.name)!r}"
        if size is None and len(size_rows) == 1:
            written = frame.get_column(col.name).cast(float)[size_rows[0]]
            if written is not None and np.isfinite(written) and written >= 1 and written == round(written):
                size, where = int(written), f"row {masking.mask_label(labels[size_rows[0]])!r}"
        # "Statin users (N=48213), %": each value is a percentage of that N, whether or not they add up
        # (events that are not mutually exclusive)
        own_percent = size is not None and (_PERCENT_UNIT.search(col.name) is not None or labels_percent)
        labelled = frame.get_column(col.name).cast(float).to_numpy()[percent_rows] if percent_rows else None
        if size is not None and not own_percent and labelled is not None and (~np.isnan(labelled)).any():
            # a Table 1 column of means, medians and some rows labelled as percentages ("Prior transplant, %"
            # 0.8 under "Overall (N = 250)"): each of those rows is a percentage of the column's N
            present = labelled[~np.isnan(labelled)]
            if present.min() >= 0 and present.max() <= 100:
                half = half_unit(frame.get_column(col.name).gather(percent_rows).drop_nulls().drop_nans())
                small = _small_counts(labelled, half, size, profile.threshold)
                _add_small(result, frame, dims, [percent_rows[i] for i in np.flatnonzero(small).tolist()], col.name,
                           size_in=where)
            continue
        if counted and not own_percent:
            continue  # (a table of counts: only columns that say they hold percentages of their stated N)
        if size is None:
            size, where = next(((n, w) for n, w in ((in_rows, "a total row's label"),
                                                    (in_labels, f"column header {masking.mask_name(dims[0])!r}"
                                                     if dims else ""),
                                                    (in_title, title_where)) if n is not None), (None, ""))
        if not size:
            continue
        values = frame.get_column(col.name).cast(float).to_numpy()
        shares = values[rows]
        present = shares[~np.isnan(shares)]
        if present.size < 1 or present.min() < 0 or present.max() > 100 or abs(present.sum() - size) < 0.5:
            continue  # (counts that add up to the stated size are counts)
        half = half_unit(frame.get_column(col.name).gather(rows).drop_nulls().drop_nans())
        # (one row is no split of a whole: only the bound below reads it)
        scale = 1.0 if own_percent else _percent_scale(present, half) if present.size >= 2 else None
        if scale is None:
            if present.max() > 1 and (percent_title or _PERCENT_UNIT.search(col.name) or col.statistic == "share"
                                      or col.percent):
                # percentages of groups within the stated whole that are no split of it (the share with a
                # diagnosis by age and sex, "N=7" in the title): each group has at most N units, so a share
                # p of one counts at most p x N of them, and at least 1
                bound = np.floor((shares + half) / 100 * size + 1e-9)
                small = (shares > half) & np.isfinite(shares) & (bound < profile.threshold)
                _add_small(result, frame, dims, [rows[i] for i in np.flatnonzero(small).tolist()], col.name,
                           size_in=where)
            continue
        small = _small_counts(shares * scale, half * scale, size, profile.threshold)
        _add_small(result, frame, dims, [rows[i] for i in np.flatnonzero(small).tolist()], col.name, size_in=where)


# A row that gives each column's number of units: "N", "n", "Observations", "Antal personer".
_SIZE_ROW = lazy_compile(r"(?i)^\s*(?:\(?n\)?|no\.|obs\.?|observations|number of (?:persons|individuals|children|"
                         r"patients)|antal(?: personer| børn| barn| patienter)?|antall(?: personer)?|lukumäärä|"
                         r"total n|n total)\s*$")
# A row that is a note under the table, not a group: "Note: ...", "Anm.: ...", "Kilde: ...", "Obs: ...".
_NOTE_ROW = lazy_compile(r"(?i)^\s*(?:note|noter|anm\.?|anmærkning|anmärkning|merk|merknad|huom|huomautus|obs|"
                         r"kilde|källa|kalla|source|lähde|fodnote|fotnot)\s*\.?\s*:")


def _paired_percent_of_total(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A group's count suppressed beside its printed percentage, the group's n and % columns over a total row
    ("Ei leikattu n | Ei leikattu %": "<3 | 5,3" over "Yhteensä | 38 | 100,0"): the percentage of the total's
    n gives the count back (2)."""
    import numpy as np

    from scanner.names import name_tokens
    from scanner.table_model import ColumnKind

    frame = table.sample
    if not dims or frame.height < 3:
        return
    labels = [str(plain_label(v)).strip() if v is not None else "" for v in frame.get_column(dims[0]).to_list()]
    totals = [k for k, x in enumerate(labels) if is_margin_label(x)]
    if len(totals) != 1:
        return
    t = totals[0]
    def words(name: str) -> frozenset[str]:  # the group a column is of ("Kvinder (N=87) | Antal": kvinder, 87)
        return frozenset(set(name_tokens(name)) - _SIZE_NAME_TOKENS - _SHARE_TOKENS - {"%"})

    counts = {words(c.name): c for c in table.counts}
    shares = [c for c in table.columns
              if c.kind is ColumnKind.NUMERIC and c.statistic == "share" and c.name not in dims]
    for share in shares:
        count = counts.get(words(share.name))
        if count is None and len(shares) == 1 and len(table.counts) == 1:
            count = table.counts[0]  # one count and one share: a frequency table's n and %, whatever their names
        if count is None or count is share:
            continue
        pct = frame.get_column(share.name).cast(float).to_numpy()
        n = frame.get_column(count.name).cast(float).to_numpy()
        if np.isnan(n[t]) or np.isnan(pct[t]) or abs(pct[t] - 100.0) > 0.6:
            continue
        half = half_unit(frame.get_column(share.name).drop_nulls().drop_nans())
        hidden = np.isnan(n) & ~np.isnan(pct)
        hidden[t] = False
        small = hidden & _small_counts(np.where(np.isnan(pct), 0.0, pct), half, n[t], profile.threshold)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), share.name,
                   size_in=f"row {masking.mask_name(labels[t])!r}")


def _names_a_row(text: str, labels: Sequence[str]) -> bool:
    """Whether ``text`` (a note) names one of the table's row labels (its first letters: "Sottungan" is
    Sottunga's genitive)."""
    low = text.casefold()
    for label in labels:
        label = label.strip().casefold()
        if len(label) >= 4 and not is_margin_label(label) and label[:max(4, len(label) - 1)] in low:
            return True
    return False


def _sizes_of_count_columns(table: TableModel, columns: Sequence[ColumnInfo]) -> list[tuple[ColumnInfo, int, str]]:
    """The group size each "n (%)" column states in its header ("Ryger (N = 147)"); when none does and the table
    has one such column, the size its title states ("Tabel 1. ... (N = 412)"): the N of the one column. With
    where the size is written, for the finding."""
    sized = [(c, n, f"column header {masking.mask_name(c.name)!r}") for c in columns if (n := _stated_n(c.name))]
    if sized or len(columns) != 1:
        return sized
    from scanner.loaders.texttables import caption_of

    n = _stated_n(caption_of(table.meta.title or ""))
    return [(columns[0], n, "the table's title")] if n else []


def _suppressed_beside_percent(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A count suppressed in an "n (%)" cell whose percentage stays ("<3 (1,4)" under "Ryger (N = 147)"): the
    percentage of the column's stated N gives it back (2)."""
    import numpy as np

    from scanner.table_model import SUPPRESSED_WITH_PERCENT

    sized = _sizes_of_count_columns(table, [c for c in table.columns if c.embedded])
    if not sized:
        return
    raw = _raw_rows(table)
    names = list(table.source.schema.names)
    frame = table.sample
    if len(raw) != frame.height:
        return  # (rows the analysis left out: the raw rows no longer line up with its sample)
    for col, n, where in sized:
        if col.name not in names:
            continue
        at = names.index(col.name)
        rows, shares, halves = [], [], []
        for k, row in enumerate(raw[:frame.height]):
            m = SUPPRESSED_WITH_PERCENT.match(str(row[at] or ""))
            if m is None:
                continue
            written = m.group(1).replace(",", ".")
            rows.append(k)
            shares.append(float(written))
            halves.append(0.5 * 10 ** -(len(written.split(".", 1)[1]) if "." in written else 0))
        if not rows:
            continue
        small = _small_counts(np.array(shares), max(halves), float(n), profile.threshold)
        _add_small(result, frame, dims, [rows[i] for i in np.flatnonzero(small).tolist()], col.name,
                   size_in=where)


# A cell's percentage in brackets after its count ("1,701 (88.0)", "230 (11.9%)").
_BRACKET_PERCENT = lazy_compile(r"[(\[]\s*(\d+(?:[.,]\d+)?)\s*%?\s*[)\]]\s*$")
# A label's indentation: leading spaces, no-break spaces, "&nbsp;", or a variable's name before " | ".
_INDENT = lazy_compile(r"^(?:\s|\u00a0|&nbsp;)*")


def _hidden_category(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A Table 1's variable whose categories split the column's stated N ("ART (N = 1,933)": Singleton,
    Twins, Triplets+ under "Plurality, n (%)"): one category suppressed ("<3") among counted ones is N minus
    the others (1,933 - 1,701 - 230 = 2). The categories are the rows under a row of the variable's name with
    empty cells, as far as they stay indented; the others' percentages must leave room for exactly the
    recomputed count (else the block is not the whole of N: a category not shown)."""
    sized = _sizes_of_count_columns(table, [c for c in table.columns if c.is_count])
    if not sized or not dims:
        return
    raw = _raw_rows(table)
    names = list(table.source.schema.names)
    frame = table.sample
    if len(raw) != frame.height or dims[0] not in names:
        return
    at_label = names.index(dims[0])
    labels = [str(r[at_label] or "") for r in raw]
    for col, n, where in sized:
        if col.name not in names:
            continue
        at = names.index(col.name)
        cells = [str(r[at] or "").strip() for r in raw]
        values = frame.get_column(col.name).cast(float).to_list()
        k = 0
        while k < len(raw):
            if cells[k] or not labels[k].strip():
                k += 1
                continue
            # a variable's row: its categories follow, indented deeper than it or named under it ("x | y"); when
            # nothing shows where they end (a Word table loses its indentation), every run of rows from the
            # first is tried, and the percentages decide
            depth = len(_INDENT.match(labels[k]).group())
            j = k + 1
            while j < len(raw) and cells[j]:
                j += 1
            run = list(range(k + 1, j))
            k = j
            deeper = [m for m in run if len(_INDENT.match(labels[m]).group()) > depth or " | " in labels[m]]
            if deeper and deeper[0] == run[0]:
                end = next((i for i, m in enumerate(run) if m not in deeper), len(run))
                tried = [run[:end]]
            else:
                tried = [run[:e] for e in range(1, len(run) + 1)]
            found = {rest: hidden for members in tried
                     if (got := _category_rest(members, cells, values, n)) is not None for rest, hidden in [got]}
            if len(found) == 1:
                rest, hidden = next(iter(found.items()))
                if 0 < rest < profile.threshold:
                    _add_small(result, frame, dims, [hidden], col.name, hidden_category=True, size_in=where)


def _category_rest(members: list[int], cells: list[str], values: list[float | None],
                   n: int) -> tuple[float, int] | None:
    """The count of the one suppressed cell among a variable's categories (rows ``members``) and its row:
    ``n`` minus the others, when their percentages leave room for exactly it; else None."""
    from scanner.loaders.base import SUPPRESSION_MARKER
    from scanner.table_model import SUPPRESSED_NO_PERCENT

    # ("<3", or "<3 (-)": the percentage left out too)
    hidden = [m for m in members if SUPPRESSION_MARKER.fullmatch(cells[m]) or SUPPRESSED_NO_PERCENT.match(cells[m])]
    shown = [m for m in members if m not in hidden]
    if len(hidden) != 1 or not shown or any(values[m] is None for m in shown):
        return None
    percents = [_BRACKET_PERCENT.search(cells[m]) for m in shown]
    if any(p is None for p in percents):
        return None
    written = [p.group(1).replace(",", ".") for p in percents if p is not None]
    decimals = max(len(w.split(".")[1]) if "." in w else 0 for w in written)
    rest = n - sum(v for m in shown if (v := values[m]) is not None)
    room = 100 - sum(float(w) for w in written)
    if rest < 0 or abs(rest / n * 100 - room) > 0.5 * 10 ** -decimals * (len(written) + 1):
        return None
    return rest, hidden[0]


# A column of percentage changes between two periods ("endring_prosent", "Ændring (pct.)", "Förändring, %",
# "Muutos %", "Change (%)").
_CHANGE = lazy_compile(r"(?i)(?:endring|ændring|aendring|förändring|forandring|muutos|change|growth|vækst|vaekst|"
                       r"tillväxt|tillvaxt|kasvu)")
_PERCENT_NAME = lazy_compile(r"(?i)%|pct|prosent|procent|percent|prosentti")


def _hidden_by_change(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A count hidden in one of two periods whose percentage change stays ("Bergverksdrift;386;:;-99,5"): the
    other period and the change give it back (386 x 0.5 % is 2). The table's two count columns are the
    periods, in order; the change column is named as a change in percent."""
    import numpy as np

    from scanner.table_model import ColumnKind

    counts = [c for c in table.counts if c.kind is ColumnKind.NUMERIC and not _CHANGE.search(c.name)]
    changes = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and _CHANGE.search(c.name)
               and ((not c.is_count and (_PERCENT_NAME.search(c.name) or c.percent == "all"))
                    or (c.integral and not _PERCENT_NAME.search(c.name) and not c.percent))]
    if len(counts) != 2 or len(changes) != 1 or not any(c.markers or c.non_null < table.n_sample_rows for c in counts):
        return
    absolute = not (_PERCENT_NAME.search(changes[0].name) or changes[0].percent == "all")
    frame = table.sample
    a, b = (frame.get_column(c.name).cast(float).to_numpy().astype(float) for c in counts)
    change = frame.get_column(changes[0].name).cast(float)
    pct = change.to_numpy().astype(float)
    present = change.drop_nulls().drop_nans()
    if present.len() == 0:
        return
    half = half_unit(present)
    known = ~np.isnan(pct)
    with np.errstate(invalid="ignore", divide="ignore"):
        # the later period from the earlier, and the earlier from the later (a change in counts: "Förändring
        # 2021-2022 -3" beside 5 and "<3" is 2)
        if absolute:
            later = (np.isnan(b) & ~np.isnan(a) & known, a + pct, a + pct)
            earlier = (np.isnan(a) & ~np.isnan(b) & known, b - pct, b - pct)
        else:
            later = (np.isnan(b) & ~np.isnan(a) & known, a * (100 + pct - half) / 100, a * (100 + pct + half) / 100)
            earlier = (np.isnan(a) & ~np.isnan(b) & known, b * 100 / (100 + pct + half),
                       b * 100 / (100 + pct - half))
    for col, (where, lo, hi) in zip(counts[::-1], (later, earlier), strict=True):
        lo_n = np.maximum(np.ceil(lo - 1e-9), 1)
        hi_n = np.floor(hi + 1e-9)
        small = where & (lo_n <= hi_n) & (hi_n < profile.threshold) & (hi > 0)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), col.name, change_column=changes[0].name)


def _levels_from_percent_changes(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """One period's count and the percentage changes of the periods after it ("Antall 2019 12 | Endring 2020
    -83,3 % | Endring 2021 +150,0 %"): each change gives the next period's count, within the rounding of the
    changes (12 x 16,7 % is 2). A count so given under the threshold is a small cell at its change."""
    import numpy as np

    from scanner.table_model import ColumnKind

    counts = [c for c in table.counts if c.kind is ColumnKind.NUMERIC and not _CHANGE.search(c.name)]
    changes = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count and _CHANGE.search(c.name)
               and (_PERCENT_NAME.search(c.name) or c.percent == "all")]
    if len(counts) != 1 or len(changes) < 2 or any(c.index < counts[0].index for c in changes):
        return  # (a single change beside two periods is _hidden_by_change's)
    frame = table.sample
    lo = hi = frame.get_column(counts[0].name).cast(float).to_numpy().astype(float)
    for col in sorted(changes, key=lambda c: c.index):
        values = frame.get_column(col.name).cast(float)
        present = values.drop_nulls().drop_nans()
        if present.len() == 0:
            return
        pct, half = values.to_numpy().astype(float), half_unit(present)
        with np.errstate(invalid="ignore"):
            lo = np.ceil(lo * (100 + pct - half) / 100 - 1e-9)
            hi = np.floor(hi * (100 + pct + half) / 100 + 1e-9)
            small = np.isfinite(lo) & np.isfinite(hi) & (np.maximum(lo, 1) <= hi) & (hi < profile.threshold) & (hi > 0)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), col.name, change_column=col.name)


# A mean per unit named by its unit ("Omkostning pr. patient (kr)", "Cost per patient", "Kostnad per person"),
# and a total ("Omkostninger i alt", "Samlede omkostninger", "Total cost", "Kustannukset yhteensä").
_PER_UNIT = lazy_compile(r"(?i)(?:\bpr\.?|\bper|\bpro|\bà)\s+([^\W\d_]{3,})")
_TOTAL_NAME = lazy_compile(r"(?i)\bi alt\b|\bialt\b|\btotal\b|\bsamlede?\b|\bsamlet\b|\byhteensä\b|\bsumma\b|"
                           r"\bsum\b|\btotalt\b")


def _hidden_by_total_and_mean(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A count hidden ("<3") beside its row's total and its mean per unit ("Antal patienter <3", "Omkostninger
    i alt 1 288 400", "Omkostning pr. patient 644 200,0"): the total over the mean is the count, 2. The mean
    must name the count's units ("pr. patient" and "patienter")."""
    import numpy as np

    from scanner.names import name_tokens
    from scanner.table_model import ColumnKind

    hidden = [c for c in table.counts if c.kind is ColumnKind.NUMERIC and c.markers]
    if not hidden:
        return
    numeric = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count]
    totals = [c for c in numeric if _TOTAL_NAME.search(c.name)]
    frame = table.sample
    for col in hidden:
        units = [t[:5] for t in name_tokens(col.name) if len(t) >= 4]
        means = [c for c in numeric if (m := _PER_UNIT.search(c.name)) and any(m.group(1).lower().startswith(u)
                                                                               for u in units)]
        if not means or not totals:
            continue
        n = frame.get_column(col.name).cast(float).to_numpy().astype(float)
        for mean_col in means:
            mean = frame.get_column(mean_col.name).cast(float).to_numpy().astype(float)
            for total_col in totals:
                total = frame.get_column(total_col.name).cast(float).to_numpy().astype(float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    implied = total / mean
                near = np.abs(implied - np.round(implied)) < 0.02
                small = np.isnan(n) & near & (np.round(implied) >= 1) & (np.round(implied) < profile.threshold)
                rows = np.flatnonzero(small).tolist()
                if rows:
                    _add_small(result, frame, dims, rows, col.name, size_column=total_col.name, unsure=False,
                               total_over_mean=mean_col.name)
                    return


# A labour force ("tyovoima", "Arbetskraft", "arbeidsstyrke", "labour force") and its unemployment rate.
_LABOUR_FORCE = lazy_compile(r"(?i)ty(?:ö|o)voima|arbetskraft|arbeidsstyrke|arbejdsstyrke|labou?r[\s_]*force")
_UNEMPLOYMENT_RATE = lazy_compile(r"(?i)ty(?:ö|o)tt(?:ö|o)myysaste|arbetsl(?:ö|o)shet|arbeidsledighet|ledighed|"
                                  r"ledighet|unemployment|arbejdsl(?:ø|o)shed")


# A moving average by its name ("Liukuva keskiarvo (3 v, keskitetty)", "Glidande medelvärde 3 år", "3-year
# rolling mean"), its window ("3 v", "3 år", "3-year", "5-årigt"), and whether it is centred.
_MOVING = lazy_compile(r"(?i)liukuv|glidand|glidend|rullend|løbend|lobend|löpand|lopand|rolling|moving|"
                       r"\bma\d?\b|gleitend|"
                       # ("admissions_7day_avg", "7-dages gennemsnit", "7 dagars medelvärde")
                       r"(?<!\d)\d{1,2}[\s_-]*(?:days?|d|dages|dagars|dagers|dögn|päivän|weeks?|wk|ugers?|veckors|"
                       r"ukers)[\s_-]*(?:avg|average|mean|gns|gennemsnit|snitt|medel|keskiarvo)")
_MOVING_WINDOW = lazy_compile(r"(?i)(?<!\d)(\d{1,2})\s*-?\s*(?:v\b|vuo|år|aar|ar\b|y\b|yr|year|jahr|kk\b|mån|man\b|"
                              r"måned|maaned|month|kuukau|perio|point|obs|days?|dag|dög|päiv|weeks?|wk|uge|veck|uke)")
_CENTRED = lazy_compile(r"(?i)keskitet|centr|sentrer|zentr")


def _hidden_by_moving_average(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A count hidden in a series ("2017;<5") beside its moving average ("Liukuva keskiarvo (3 v,
    keskitetty)" 6,0 with 7 and 9 published around it): k x the average less the window's other counts is
    the hidden one (3 x 6,0 - 7 - 9 = 2). The window is the name's ("3 v", "5 år"; 3 when unnamed), centred
    or trailing as the fully published windows show: an alignment counts only when every window of published
    counts gives its average within the average's rounding (two such windows at least)."""
    import numpy as np

    from scanner.table_model import ColumnKind

    hidden = [c for c in table.counts
              if c.kind is ColumnKind.NUMERIC and (c.markers or c.non_null < table.n_sample_rows)]
    averages = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count and _MOVING.search(c.name)]
    if len(hidden) != 1 or not averages or table.sample.height < 4:
        return
    frame = table.sample
    x = frame.get_column(hidden[0].name).cast(float).to_numpy().astype(float)
    for col in averages:
        window = _MOVING_WINDOW.search(col.name)
        k = int(window.group(1)) if window else 3
        if not 2 <= k <= 12 or k >= len(x):
            continue
        series = frame.get_column(col.name).cast(float)
        present = series.drop_nulls().drop_nans()
        if present.len() < 2:
            continue
        half = half_unit(present)
        ma = series.to_numpy().astype(float)
        # how many rows back the window starts: centred or trailing (an even window centred sits half a row
        # early or late); the name's "centred" is tried first, the numbers decide
        offsets = [k // 2, k - 1] if _CENTRED.search(col.name) else [k - 1, k // 2]
        if k % 2 == 0:
            offsets.append(k // 2 - 1)
        for back in offsets:
            lo = np.full(len(x), -np.inf)
            hi = np.full(len(x), np.inf)
            checked = 0
            consistent = True
            for t in range(len(x)):
                first = t - back
                if first < 0 or first + k > len(x) or np.isnan(ma[t]):
                    continue
                part = x[first:first + k]
                gone = np.flatnonzero(np.isnan(part))
                if len(gone) == 0:
                    checked += 1
                    if abs(part.sum() - k * ma[t]) > k * half + 1e-9:
                        consistent = False
                        break
                elif len(gone) == 1:
                    rest = np.nansum(part)
                    at = first + int(gone[0])
                    lo[at] = max(lo[at], k * (ma[t] - half) - rest)
                    hi[at] = min(hi[at], k * (ma[t] + half) - rest)
            if not consistent or checked < 2:
                continue
            lo_n = np.maximum(np.ceil(lo - 1e-9), 0)
            hi_n = np.floor(hi + 1e-9)
            small = np.isnan(x) & np.isfinite(hi) & (lo_n <= hi_n) & (hi_n < profile.threshold) & (hi_n >= 1)
            rows = np.flatnonzero(small).tolist()
            if rows:
                _add_small(result, frame, dims, rows, hidden[0].name, moving_average=col.name)
                return


def _window_sums(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A moving average of counts published without the counts ("Nyindlagte, 7-dages glidende gennemsnit" 0,14):
    k x the average is the window's count (0,14 x 7 = 1 admission in the week), exact within the average's
    rounding; a window of 1 or 2 units is a small cell as if printed. Only a column named as an average over a
    stated window of days or weeks (2 to 31), of a table with no count column, whose every value gives a
    whole count."""
    import numpy as np

    from scanner.table_model import ColumnKind

    if table.counts or table.sample.height < 2:
        return
    frame = table.sample
    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or col.is_count or not _MOVING.search(col.name):
            continue
        window = _MOVING_WINDOW.search(col.name)
        if window is None or not 2 <= int(window.group(1)) <= 31:
            continue
        k = int(window.group(1))
        series = frame.get_column(col.name).cast(float)
        present = series.drop_nulls().drop_nans()
        if present.len() < 2 or (present < 0).any():
            continue
        half = half_unit(present)
        sums = series.to_numpy().astype(float) * k
        whole = np.round(sums)
        if k * half >= 0.5 or not np.all(np.isnan(sums) | (np.abs(sums - whole) <= k * half + 1e-9)):
            continue  # (rounded too coarsely, or no average of counts: not every window a whole number)
        rows = np.flatnonzero((whole >= 1) & (whole < profile.threshold)).tolist()
        if rows:
            _add_small(result, frame, dims, rows, col.name, window_sum=col.name)


def _hidden_by_flow_balance(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A hidden link of a flow table (a Sankey's or alluvial plot's "fra;til;antall", by stage or not): what
    flows into a node flows out of it at the next stage, so a node with one hidden link gives it back
    (Fagskole: 19 + 3 + 3 out, 7 + 16 + x in, x = 2). Two columns of labels where the second's nodes come
    back in the first are the links' ends; a third, if any, is the stage ("2010-2015", "2015-2020"), in the
    order of the rows. Only a table whose every fully published node balances exactly (two at least) is a
    closed flow; links out of the cohort ("Annet", emigrated) that break the balance stop the check. One
    balanced node only is review."""
    import numpy as np

    from scanner.table_model import ColumnKind

    counts = [c for c in table.counts if c.kind is ColumnKind.NUMERIC]
    frame = table.sample
    if len(counts) != 1 or not 2 <= len(dims) <= 3 or frame.height < 4 \
            or not (counts[0].markers or counts[0].non_null < table.n_sample_rows):
        return
    text = {d: [str(plain_label(v)).strip() if v is not None else "" for v in frame.get_column(d).to_list()]
            for d in dims}
    x = frame.get_column(counts[0].name).cast(float).to_numpy().astype(float)
    ends = None
    for i, a in enumerate(dims):
        for b in dims[i + 1:]:
            if len((set(text[b]) & set(text[a])) - {""}) >= 2:
                ends = (a, b)
                break
        if ends:
            break
    if ends is None:
        return
    src, dst = text[ends[0]], text[ends[1]]
    stage_dim = [d for d in dims if d not in ends]
    stages = text[stage_dim[0]] if stage_dim else [""] * len(x)
    order = list(dict.fromkeys(stages))
    # (stage of the links in, stage of the links out): the next stage's, or the same without stages
    pairs = list(itertools.pairwise(order)) if stage_dim else [("", "")]
    balances: list[tuple[list[int], list[int]]] = []
    for into, out in pairs:
        nodes = {dst[k] for k in range(len(x)) if stages[k] == into} \
            & {src[k] for k in range(len(x)) if stages[k] == out}
        for node in sorted(nodes - {""}):
            ins = [k for k in range(len(x))
                   if stages[k] == into and dst[k] == node and (stage_dim or src[k] != node)]
            outs = [k for k in range(len(x))
                    if stages[k] == out and src[k] == node and (stage_dim or dst[k] != node)]
            balances.append((ins, outs))
    checked = 0
    for ins, outs in balances:
        if not np.isnan(x[ins + outs]).any():
            if abs(x[ins].sum() - x[outs].sum()) > 0.5:
                return  # an open flow: links leave or join the cohort
            checked += 1
    if checked == 0:
        return
    rows: list[int] = []
    for ins, outs in balances:
        gone = [k for k in ins + outs if np.isnan(x[k])]
        if len(gone) != 1:
            continue
        side, other = (ins, outs) if gone[0] in ins else (outs, ins)
        value = np.nansum(x[other]) - np.nansum(x[side])
        if 1 <= value < profile.threshold and value == round(value) and gone[0] not in rows:
            rows.append(gone[0])
    # (one balanced node may balance by chance: a person checks that the flow is closed)
    _add_small(result, frame, dims, sorted(rows), counts[0].name, flow=True, unsure=checked < 2)


# A statistic of the top x % of a group's units: "top1_andel_pct", "top01" (0.1 %), "Share of costs, top 1 % of
# patients", "Antal i topp 0,1 %", "ylin 1 %", "øverste 1 %", "kalleimman 5 %:n osuus".
_TOP_PERCENT = lazy_compile(r"(?i)(?:^|[\W_])(?:top|topp|(?:ø|oe)verste|(?:ö|o)versta|ylin|ylimm\w*|kallein\w*|"
                            r"richest|costliest)[\s_-]*(\d{1,3}(?:[.,_]\d{1,2})?)(?=\s*%|\s*pct|\s*prosent|\s*procent|"
                            r"[\s_]*(?:andel|share|osuus|pct)|[\s_]*$)")


# What makes "top 2" a percentage of the units and not the two largest units (a concentration ratio, CR2,
# TAB002's): a percent sign right after the number, a fraction of a percent ("top01"), or units of persons or
# money in the name ("of patients", "indkomst").
_PERCENT_NEXT = lazy_compile(r"(?i)^[\s_]*(?:%|pct|prosent|procent|percent)")
_TOP_OF_PERSONS = lazy_compile(r"(?i)patient|potila|person|henkil|indkomst|inkomst|inntekt|income|tulo|formue|"
                               r"förmögenhet|wealth|cost|kostnad|omkostning|kustannu|earn")


# A count of persons or households, the units a top percentile group is of (firms' "top 1" is the largest firm).
_PERSONS_COUNTED = lazy_compile(r"(?i)person|individ|indbygger|innbygger|invånare|invanare|asukas|asukk|henkil|"
                                r"husstand|hushåll|hushall|hushold|household|asuntokun|skatteyder|skattyter|"
                                r"taxpayer|patient|potila|people")


def _top_percent(name: str, of_persons: bool = False) -> float | None:
    """The x of a column's "top x %" ("top01" is 0.1, "top_0_1" and "top 0,1" too), or None (none, or the
    x largest units: "top2_share" beside the firms). ``of_persons``: the table counts persons or households
    ("antal_personer"), so "top1_andel_pct" is the top 1 %'s share, not the largest unit's."""
    m = _TOP_PERCENT.search(name)
    if m is None:
        return None
    digits = m.group(1).replace(",", ".").replace("_", ".")
    fraction = digits.startswith("0")
    if "." not in digits and len(digits) > 1 and fraction:
        digits = "0." + digits[1:]  # "top01": 0.1 %
    if not (fraction or of_persons or _PERCENT_NEXT.match(name[m.end(1):]) or _TOP_OF_PERSONS.search(name)):
        return None
    x = float(digits)
    return x if 0 < x < 100 else None


def _small_top_groups(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A statistic of the top x % of a group ("top 1 % of patients" beside 140 patients): x % of the group's
    size is fewer units than the threshold (1.4: the top group is 1 or 2 patients), so the statistic is those
    units' own (their share of the costs times the total is their cost). The size is the row's column of
    units (persons, patients, firms)."""
    import numpy as np

    from scanner.table_model import ColumnKind

    size = _size_column(table)
    if size is None:
        return
    of_persons = _PERSONS_COUNTED.search(size) is not None
    tops = [(c, x) for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count
            and (x := _top_percent(c.name, of_persons)) is not None]
    if not tops:
        return
    frame = table.sample
    n = frame.get_column(size).cast(float).to_numpy().astype(float)
    for col, x in tops:
        shown = ~np.isnan(frame.get_column(col.name).cast(float).to_numpy().astype(float))
        # (x % of 2,950 is 2.95: the top group is 2 or 3 units, as the software rounds; the fewer counts)
        with np.errstate(invalid="ignore"):
            group = np.floor(n * x / 100 + 1e-9)
        rows = np.flatnonzero(shown & (n > 0) & (group < profile.threshold)).tolist()
        if rows:
            _add_small(result, frame, dims, rows, col.name, size_column=size, top_group=f"{x:g}")


# Drug utilisation's two rates: defined daily doses per 1,000 inhabitants per day (DID: "DDD per 1000
# innbyggere per døgn", "DDD/1000/dag", "DDD/TID") and per user per year ("DDD per bruker per år").
_DDD_PER_THOUSAND = lazy_compile(r"(?i)\bddd\b.*(?:1[ .,]?000|tid\b|tusen)")
_DDD_PER_USER = lazy_compile(r"(?i)\bddd\b.*\b(?:per|pr\.?|/)\s*(?:bruker|bruger|användare|anvandare|käyttäjä|"
                             r"kayttaja|user|patient|pasient|potilas)")


def _users_of_defined_daily_doses(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A drug's users from its two rates beside the population: DDD per 1,000 inhabitants per day x the
    population x 365 / 1,000 is the year's doses, and over the doses per user it is the users (1,53 x 1 318
    x 365 / 1 000 / 369 = 2). A count of users within the rates' rounding that is one whole number under the
    threshold is a small cell."""
    import numpy as np

    from scanner.table_model import ColumnKind

    numeric = [c for c in table.columns if c.kind is ColumnKind.NUMERIC]
    per_thousand = [c for c in numeric if _DDD_PER_THOUSAND.search(c.name) and not _DDD_PER_USER.search(c.name)]
    per_user = [c for c in numeric if _DDD_PER_USER.search(c.name)]
    size = _size_column(table) if per_thousand and per_user else None
    if size is None or len(per_thousand) != 1 or len(per_user) != 1:
        return
    frame = table.sample
    n = frame.get_column(size).cast(float).to_numpy().astype(float)
    did_s = frame.get_column(per_thousand[0].name).cast(float)
    dpu_s = frame.get_column(per_user[0].name).cast(float)
    did, dpu = did_s.to_numpy().astype(float), dpu_s.to_numpy().astype(float)
    if did_s.drop_nulls().len() == 0 or dpu_s.drop_nulls().len() == 0:
        return
    h1, h2 = half_unit(did_s.drop_nulls().drop_nans()), half_unit(dpu_s.drop_nulls().drop_nans())
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = (did - h1) * n * 365 / 1000 / (dpu + h2)
        hi = (did + h1) * n * 366 / 1000 / np.maximum(dpu - h2, 1e-9)
    lo_n, hi_n = np.ceil(lo - 1e-9), np.floor(hi + 1e-9)
    small = np.isfinite(lo) & (lo_n == hi_n) & (lo_n >= 1) & (lo_n < profile.threshold) & (did > 0)
    _add_small(result, frame, dims, np.flatnonzero(small).tolist(), per_user[0].name, size_column=size,
               ddd_users=per_thousand[0].name)


def _raw_rows(table: TableModel) -> list[tuple[object, ...]]:
    """The table's rows as read, before numbers were parsed (the text of a note that became a row)."""
    import pyarrow as pa

    from scanner.loaders.base import LoadError

    try:
        raw = pa.Table.from_batches(list(table.source.batches()), schema=table.source.schema)
    except (LoadError, OSError, pa.ArrowException):
        return []
    return list(zip(*(c.to_pylist() for c in raw.columns), strict=True)) if raw.num_columns else []


# A sentence in a cell: six words or more (a note written into a row, not a group's label).
_SENTENCE_CELL = lazy_compile(r"(?:[^\W\d_][\w.,'’()-]*\s+){5,}[^\W\d_]")
# Rows read at the end of a table for notes written into its cells.
_NOTE_TAIL_ROWS = 8


def note_rows(table: TableModel) -> list[tuple[int, str]]:
    """Notes under a table that its delimiters made rows of cells (``Anm.: Én virksomhed står for 91 %;;`` in a
    spreadsheet's export, padded to the table's width), as (row of the sample, the note's text): rows among
    the table's last that start as a note ("Anm.:", "Note:", "Kilde:") or hold a sentence in one cell and
    nothing else. A sentence's text is then read as a note's (counts, shares and dominance in it)."""
    frame = table.sample
    height = frame.height
    if not height or not frame.width:
        return []
    start = max(0, height - _NOTE_TAIL_ROWS)
    tail = [frame.get_column(name).slice(start).to_list() for name in frame.columns]
    candidates: list[int] = []
    for k in range(height - start):
        cells = [str(column[k]).strip() for column in tail if column[k] is not None and str(column[k]).strip()]
        # (a note in a numeric first column reads as an empty row when parsed: its text is in the rows as read)
        if not cells or (len(cells) == 1 and (_NOTE_ROW.match(cells[0]) or _SENTENCE_CELL.search(cells[0]))):
            candidates.append(start + k)
    if not candidates or frame.width < 2:
        return []
    raw = _raw_rows(table)  # (the text as read; a note's own delimiters split it: its cells joined back)
    if len(raw) != height:
        return []
    delimiter = str(getattr(getattr(table.source, "meta", None), "delimiter", "") or ";")
    notes: list[tuple[int, str]] = []
    for k in candidates:
        cells = [str(v).strip() for v in raw[k] if v is not None and str(v).strip()]
        if cells and (_NOTE_ROW.match(cells[0]) or (len(cells) == 1 and _SENTENCE_CELL.search(cells[0]))):
            notes.append((k, delimiter.join(cells)))
    return notes


def _sizes_in_note(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Percentages of groups whose sizes a note under the table states by their row labels ("Note: Antal elever:
    Dansk oprindelse 51.203; ... Grønlandsk baggrund 38." under a table of shares by herkomst: 5.3 % of 38 is
    2 pupils). Two rows' sizes at least must be named so; each share is then of its row's size."""
    import numpy as np

    from scanner.table_model import ColumnKind

    if not dims or any(c.count_named for c in table.counts):
        return
    frame = table.sample
    labels = [str(plain_label(v)).strip() if v is not None else "" for v in frame.get_column(dims[0]).to_list()]
    # the note under the table: its footer, or its last rows when a note's semicolons made it a row of cells
    notes = [str(getattr(table.source, "footer_text", "") or "")]
    note_rows = [k for k, x in enumerate(labels) if _NOTE_ROW.match(x)]
    if note_rows:
        raw = _raw_rows(table)
        if len(raw) == frame.height:
            notes += ["; ".join(str(v) for v in raw[k] if v is not None) for k in note_rows]
    footer = "\n".join(n for n in notes if n)
    if not footer:
        return
    sizes = np.full(frame.height, np.nan)
    for k, label in enumerate(labels):
        if len(label) < 3 or is_margin_label(label):
            continue
        m = re.search(re.escape(label) + r"\s*[:=]?\s*(?:n\s*=\s*)?(\d{1,3}(?:[ .,\u00a0]\d{3})+|\d+)(?![\d,.]*\d)",
                      footer, re.IGNORECASE)
        if m is not None:
            sizes[k] = float(re.sub(r"[ .,\u00a0]", "", m.group(1)))
    rows = np.flatnonzero(~np.isnan(sizes))
    if rows.size < 2:
        return
    percent_title = bool(_PERCENT_UNIT.search(table.meta.title or ""))
    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or col.name in dims or col.embedded or _not_of_units(col.name) \
                or not (col.statistic == "share" or _PERCENT_UNIT.search(col.name) or percent_title):
            continue
        values = frame.get_column(col.name).cast(float).to_numpy()
        present = values[~np.isnan(values)]
        if present.size == 0 or present.min() < 0 or present.max() > 100:
            continue
        half = half_unit(frame.get_column(col.name).drop_nulls().drop_nans())
        small = _small_counts(values[rows], half, sizes[rows], profile.threshold)
        _add_small(result, frame, dims, rows[np.flatnonzero(small)].tolist(), col.name,
                   size_in="a note under the table")


def _margin_gaps(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Totals that exceed the cells they sum by fewer than the threshold: ``Nord 120 131 | I alt 253`` says
    a category left out of the table (a missing sex, "other") holds 2. A total column is checked on every
    row, a total row (one dimension) on every count column. Blocked when other lines add up exactly (the
    margin is the sum of its cells), review when no line shows it; a rounded table (every count a multiple
    of 5) is left alone."""
    import numpy as np

    frame = table.sample
    counts = table.counts
    values = {c.name: frame.get_column(c.name).cast(float).to_numpy() for c in counts}
    every = np.concatenate([v[~np.isnan(v)] for v in values.values()]) if values else np.zeros(0)
    _gap_to_stated_size(table, profile, dims, values, result)
    if every.size == 0 or np.all(np.mod(every, 5) == 0):
        return
    notes = f"{table.meta.title}\n{getattr(table.source, 'footer_text', '') or ''}"
    if _NOT_ADDITIVE.search(notes):
        return  # a note says the totals are no sums of the cells (perturbed, randomly rounded)
    threshold = profile.threshold
    # (a note says a class is in the totals but not shown: "Firms with 250 or more employees are included in the
    # total but not shown separately": every gap is that class's count)
    stated = _LEFT_OUT_NOTE.search(notes) is not None
    # a total column beside the cells of each row
    totals = [c for c in counts if is_margin_label(c.name)]
    body = [c for c in counts if c not in totals and not _SUBSET.match(c.name)]
    if len(totals) == 1 and len(body) >= 2:
        parts = np.column_stack([values[c.name] for c in body])
        full = ~np.isnan(parts).any(axis=1) & ~np.isnan(values[totals[0].name])
        gaps = values[totals[0].name] - np.where(np.isnan(parts), 0, parts).sum(axis=1)
        if not np.any(full & (gaps < 0)):  # (a total under its cells' sum: the totals are no sums of them)
            _report_gaps(result, frame, dims, gaps, full, totals[0].name, threshold, stated=stated)
    # a total row under the rows of one dimension
    if len(dims) == 1:
        labels = _row_labels(frame, dims[0])
        at = [k for k, v in enumerate(labels) if is_margin_label(v)]
        if len(at) == 1 and frame.height >= 3:
            # (a row without any count is a note or a heading inside the table: "Persons who emigrated ... are
            # not shown separately" under the total of a gt table)
            rows = [k for k in range(frame.height) if k != at[0]
                    and not all(np.isnan(values[c.name][k]) for c in counts)]
            gaps_list, full_list = [], []
            for c in counts:
                v = values[c.name]
                gaps_list.append(v[at[0]] - np.nansum(v[rows]))
                full_list.append(not np.isnan(v[rows]).any() and not np.isnan(v[at[0]]))
            gaps, full = np.asarray(gaps_list), np.asarray(full_list)
            if np.any(full & (gaps < 0)):
                return  # a total under its cells' sum: the total row is no sum of the rows
            small = full & (gaps > 0) & (gaps < threshold)
            exact = int((full & (gaps == 0)).sum())
            for i in np.flatnonzero(small).tolist():
                _add_small(result, frame, dims, [at[0]], counts[i].name, gap=True, unsure=exact == 0)
    _code_gaps(table, profile, dims, values, result)


def _code_gaps(table: TableModel, profile: Profile, dims: list[str], values: dict[str, np.ndarray],
               result: CellScan) -> None:
    """A parent of a coded classification whose printed children leave fewer than the threshold to its codes
    not shown: DB07 division "19" with 14 firms over its one listed group "19.2" with 12 puts 2 firms in
    19.1; an ICD-10 block over its codes alike. Blocked when another parent of the table equals the sum of its
    children (the children are the classification's, complete), review when none does."""
    import numpy as np

    from scanner.published import code_groups

    if not 1 <= len(dims) <= 2 or table.n_sample_rows > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    for name in dims:
        labels = _row_labels(frame, name)
        if len(dims) == 2 and len(set(labels)) != len(labels):
            continue  # (a column of codes beside their names holds each code once)
        groups = code_groups(labels, min_kids=1)
        if not groups:
            continue
        for c in table.counts:
            v = values[c.name]
            full = [(parent, kids) for parent, kids in groups
                    if not np.isnan(v[parent]) and not np.isnan(v[kids]).any()]
            gaps = [float(v[parent] - v[kids].sum()) for parent, kids in full]
            if any(g < 0 for g in gaps):
                continue  # children over their parent: no hierarchy of sums
            exact = sum(g == 0 for g in gaps)
            small = [parent for (parent, _), g in zip(full, gaps, strict=True) if 0 < g < profile.threshold]
            if small:
                _add_small(result, frame, dims, small, c.name, gap=True, unsure=exact == 0)
        return


# A note saying a table's totals are not the sums of its cells: noise added (the cell key method), random
# rounding, "cells may not add to totals".
_NOT_ADDITIVE = lazy_compile(r"(?i)perturb\w*|cell[ -]?key|\bnoise\b|\bstøj\b|(?:may|might|do|does|will) not "
                             r"(?:necessarily )?(?:add|sum)|ikke (?:nødvendigvis |nødvendigvis )?(?:summerer|summere|"
                             r"adderer|stemmer)|inte (?:nödvändigtvis )?(?:summerar|summera)|random(?:ly)? rounded|"
                             r"tilfældig(?:t)? afrund|slumpmässig(?:t)? avrund|satunnais\w* pyöristet")


def _gap_to_stated_size(table: TableModel, profile: Profile, dims: list[str], values: dict[str, np.ndarray],
                        result: CellScan) -> None:
    """One column of counts without a total row under a caption that states the group its rows split
    ("Among the 57 exposure-discordant pairs"): the size less the rows is a category left out (review: the
    rows may be a selection of categories)."""
    import numpy as np

    from scanner.loaders.texttables import caption_of

    counts = table.counts
    if len(counts) != 1 or len(dims) != 1 or not table.meta.title:
        return
    labels = _row_labels(table.sample, dims[0])
    if any(is_margin_label(v) for v in labels):
        return
    size = _stated_in_title(caption_of(table.meta.title))
    v = values[counts[0].name]
    if size is None or np.isnan(v).any() or not 0 < v.sum() < size < v.sum() + profile.threshold:
        return
    _add_small(result, table.sample, dims, [table.sample.height - 1], counts[0].name, gap=True, unsure=True)


# A count column named only as a count ("antall", "n", "Antal"): beside one sex's column it counts both sexes.
_GENERIC_COUNT = lazy_compile(r"(?i)antal|antall|lukumäärä|lkm|n|count|number|total n|antal personer|"
                              r"antall personer|antal elever|antall elever")
# An "of which" column: a part of the total column before it ("Heraf kvinder", "Varav utrikes födda", "Herav
# menn", "Därav", "Of which: women", "Josta naisia"): the total minus the part is the rest, a count too.
# (written as a variable's name too: "darav_kvinnor", "heraf_maend", "of_which_women")
# (indented with non-breaking spaces in a markdown or HTML table: "&nbsp;&nbsp;varav Sorsele distrikt")
_SUBSET = lazy_compile(r"^(?:\s|&nbsp;|\u00a0)*(?:" + OF_WHICH_WORDS + r")(?![^\W_])", re.IGNORECASE)


def _of_which_rows(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Rows labelled as parts of the row above them ("Region Hovedstaden" over "of which Byen København", "of
    which Københavns omegn", "of which Nordsjælland"; "heraf", "varav", "josta"): the row's count less its parts
    is the units in none of them (Bornholm's 2, "not shown due to small numbers"), a count like any other. Each
    count column; a rest under the threshold (and above 0) is a small cell at the parent's row."""
    import numpy as np
    import polars as pl

    from scanner.table_model import ColumnKind

    if not dims or not table.sample_complete or table.sample.height > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    label = next((d for d in dims if frame.get_column(d).dtype == pl.String), None)
    if label is None:
        return
    labels = _row_labels(frame, label)
    parts = [bool(_SUBSET.match(v)) for v in labels]
    if not any(parts):
        return
    groups: dict[int, list[int]] = {}
    parent: int | None = None
    for k, part in enumerate(parts):
        if not part:
            parent = k
        elif parent is not None:
            groups.setdefault(parent, []).append(k)
    counts = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.is_count and c.name not in dims]
    for col in counts:
        values = frame.get_column(col.name).cast(float).to_numpy()
        rows = [p for p, kids in groups.items()
                if not np.isnan(values[p]) and not np.isnan(values[kids]).any()
                and 0 < values[p] - values[kids].sum() < profile.threshold]
        _add_small(result, frame, dims, rows, col.name, of_which_rows=True)


# A column of the same units less a group ("Anställda exkl. offentlig sektor" beside "Samtliga anställda",
# "Befolkning ekskl. Læsø"): the total minus it is the group left out.
_EXCLUDING = lazy_compile(r"(?i)(?<![\w])(?:exkl\.?|ekskl\.?|excl\.?|excluding|exclusive of|utom|utenom|unntatt|"
                          r"ilman|lukuun ottamatta)(?![\w])")


# A column of the sample a model was estimated on, beside the population it was drawn from ("Population |
# Estimationsstikprøve", "Full cohort | Analytic sample"): the difference is the persons left out (with no
# income, a missing covariate), a count like any other.
_SAMPLE = lazy_compile(r"(?i)(?:\b(?:estimation|estimating|analysis|analytic(?:al)?|regression|model|final|"
                       r"complete[- ]case)\s+(?:sample|population|cohort)|\bcomplete\s+cases\b|"
                       r"(?:estimations?|analyse|estimerings?|analys|regressions?)(?:stikprøve|utvalg|urval|"
                       r"population|populasjon)|\bestimointiotos|\banalyysiotos)")


_OTHER_SEX = {"men": "women", "women": "men", "boys": "girls", "girls": "boys"}
# An index column: "Indeksi (2015=100)", "Indeks 2015 = 100", "Index (base 2015=100)".
_INDEX_COLUMN = lazy_compile(r"(?i)(?:indeks|indeksi|index|indextal|indekstal)\b.*?=\s*100|"
                             r"=\s*100\b.*?(?:indeks|index)")


#: Rows of a table whose labels are read one by one for rows of sizes or of all (a published table is small; a
#: long table of many thousands of cells has no "N" row among them).
_LABEL_SCAN_MAX_ROWS = 2_000
_INDICATOR_LABEL = lazy_compile(r"(?i)\(0/1\)|\b0/1\b|\bdummy\b|\bindikator\b|\bindicator\b")


def _indicator_spread(mean: float, sd: float, n: float) -> bool:
    """Whether a standard deviation is a 0/1 variable's beside its mean (sqrt(p (1 - p)), with or without the
    sample correction n / (n - 1)), within 0.005 (the printed rounding of three decimals and a mean's own)."""
    if not (0 < mean < 1) or not math.isfinite(sd) or n < 2:
        return False
    p = mean
    return min(abs(sd - math.sqrt(p * (1 - p))), abs(sd - math.sqrt(p * (1 - p) * n / (n - 1)))) <= 0.005


def _indicator_means_by_row(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A descriptive table with its groups as columns and a row of their sizes ("N | 6 | 6 | 12", esttab's
    estpost summarize): a row of means between 0 and 1 is the share of each group with the indicator, and mean
    x N its count (0.333 of 6 is 2). Sure when the row says it is an indicator ("(0/1)") or every mean is a
    whole count over its N; else a person checks (review)."""
    import numpy as np
    import polars as pl

    from scanner.table_model import ColumnKind

    if not dims or not table.sample_complete or table.sample.height > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    labels = _row_labels(frame, dims[0])
    size_rows = [k for k, label in enumerate(labels) if _COUNT_ROW.match(label)]
    numeric = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.name not in dims]
    if len(size_rows) != 1 or len(numeric) < 1:
        return
    values = np.column_stack([frame.get_column(c.name).cast(float).to_numpy() for c in numeric])
    sizes = values[size_rows[0]]
    sds: np.ndarray | None = None
    means = [j for j, c in enumerate(numeric) if statistic_kind(c.name) == "mean"]
    if not np.all(np.isfinite(sizes)) and len(means) == 1 and np.isfinite(sizes[means[0]]) \
            and np.isfinite(sizes).sum() == 1:
        # one group, its statistics as the columns ("Mean | SD" with "Observations | 60" under the means, esttab's
        # summary table): the N is the means' column's; a standard deviation of sqrt(p (1 - p)) beside a mean
        # says the variable is a 0/1 indicator
        spread = [j for j, c in enumerate(numeric) if statistic_kind(c.name) == "spread"]
        sds = values[:, spread[0]] if len(spread) == 1 else None
        values, sizes, numeric = values[:, means], sizes[means], [numeric[means[0]]]
    elif np.isfinite(sizes).any() and not np.all(np.isfinite(sizes)):
        # a balance table's "Difference" and "p-value" beside the groups' columns have no N: the groups are the
        # columns with one
        kept = np.flatnonzero(np.isfinite(sizes))
        values, sizes, numeric = values[:, kept], sizes[kept], [numeric[j] for j in kept]
    if not np.all(np.isfinite(sizes)) or np.any(sizes != np.round(sizes)) or np.any(sizes <= 0):
        return
    for k, label in enumerate(labels):
        row = values[k]
        present = row[np.isfinite(row)]
        if k == size_rows[0] or present.size == 0 or present.min() < 0 or present.max() > 1 \
                or not ((present > 0) & (present < 1)).any():
            continue
        half = half_unit(pl.Series(present))
        sure = _INDICATOR_LABEL.search(label) is not None or _whole_counts_behind(row, half, sizes) \
            or (sds is not None and _indicator_spread(float(row[0]), float(sds[k]), float(sizes[0])))
        small = _small_counts(row * 100, half * 100, sizes, profile.threshold)
        for j in np.flatnonzero(small).tolist():
            _add_small(result, frame, dims, [k], numeric[j].name, size_in="the table's N row", unsure=not sure,
                       indicator_mean=True)


# The words of a sum and of a mean in a column's name ("summa_tkr", "medel_tkr", "Indkomst i alt", "Gns. indkomst").
_SUM_WORDS = frozenset({"sum", "summa", "summe", "total", "totalt", "yhteensä", "yhteensa", "samlet", "alt", "i"})
_SQUARES_WORDS = frozenset({"sq", "squares", "ss", "ms", "kvadratsum", "kvadratsumma", "neliösumma"})
_MEAN_WORDS = frozenset({"mean", "medel", "medelvärde", "gns", "gennemsnit", "gennemsnitlig", "gjennomsnitt",
                         "keskiarvo", "ka", "avg", "average", "middel", "snitt"})


def _sums_over_means(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A sum and a mean of the same amount side by side (pandas' ``agg(summa_tkr='sum', medel_tkr='mean')``): the
    sum over the mean is the cell's number of units (52.6 over 52.6 is 1 person). Taken when every row's ratio is
    a whole number within both columns' rounding (a sum and a mean of one amount give no other ratio)."""
    import numpy as np

    from scanner.names import name_tokens
    from scanner.table_model import ColumnKind

    if not dims or not table.sample_complete or table.sample.height > _LABEL_SCAN_MAX_ROWS \
            or any(c.statistic == "estimate" for c in table.columns):
        return  # (an ANOVA table's "Sum Sq" over "Mean Sq" is its degrees of freedom)
    numeric = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.name not in dims
               and not set(name_tokens(c.name)) & _SQUARES_WORDS]
    sums: dict[tuple[str, ...], ColumnInfo] = {}
    means: dict[tuple[str, ...], ColumnInfo] = {}
    for c in numeric:
        tokens = name_tokens(c.name)
        rest = tuple(t for t in tokens if t not in _SUM_WORDS and t not in _MEAN_WORDS)
        if set(tokens) & _MEAN_WORDS:
            means[rest] = c
        elif set(tokens) & (_SUM_WORDS - {"i", "alt"}) or ("i" in tokens and "alt" in tokens):
            sums[rest] = c
    for stem, total in sums.items():
        mean = means.get(stem)
        if mean is None:
            continue
        x = table.sample.get_column(total.name).cast(float).to_numpy().astype(float)
        y = table.sample.get_column(mean.name).cast(float).to_numpy().astype(float)
        both = np.isfinite(x) & np.isfinite(y) & (y > 0)
        if both.sum() < 2:
            continue
        hx, hy = half_units(x), half_units(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            n = x / y
            tol = hx / y + n * hy / y + 1e-9
        if not np.all(np.abs(n[both] - np.round(n[both])) <= tol[both]) or np.any(n[both] < 0.5):
            continue
        small = both & (np.round(n) < profile.threshold) & (tol < 0.5)
        _add_small(result, table.sample, dims, np.flatnonzero(small).tolist(), total.name, size_column=total.name,
                   total_over_mean=mean.name)


def _percent_rows_by_size_row(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A Table 1 of percentages alone under a row of the groups' sizes (R tableone's ``format = "p"``: "n 142 22",
    then "koen = Kvinde (%) 51.4 45.5" and the levels under "aldersgruppe (%)"): each percentage of its column's
    size is a count (9.1 % of 22 is 2). Only rows the table marks as percentages are read: a row whose label holds
    "%", and the rows under a heading row with "(%)" and no numbers of its own, up to the next heading. Sure
    (block) when every percentage of a row is a whole count over its size, else review."""
    import numpy as np

    from scanner.table_model import ColumnKind

    if not dims or not table.sample_complete or table.sample.height > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    labels = _row_labels(frame, dims[0])
    size_rows = [k for k, label in enumerate(labels) if _COUNT_ROW.fullmatch(label.strip())]
    numeric = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.name not in dims]
    if len(size_rows) != 1 or not numeric or not any("%" in x for x in labels):
        return
    values = np.column_stack([frame.get_column(c.name).cast(float).to_numpy() for c in numeric])
    sizes = values[size_rows[0]]
    kept = np.flatnonzero(np.isfinite(sizes) & (sizes > 0) & (sizes == np.round(sizes)))
    if not kept.size:
        return
    values, sizes, numeric = values[:, kept], sizes[kept], [numeric[j] for j in kept]
    in_block = False
    for k, label in enumerate(labels):
        row = values[k]
        present = row[np.isfinite(row)]
        if k == size_rows[0]:
            in_block = False
            continue
        if not present.size:
            in_block = "%" in label  # a heading: "aldersgruppe (%)" over its levels, "alder (mean (SD))" not
            continue
        if "%" not in label and not in_block:
            continue
        if "%" in label:
            in_block = False  # a variable of one row ("koen = Kvinde (%)"): the rows after it are not its levels
        if present.min() < 0 or present.max() > 100:
            continue
        half = half_units(row)
        small = _small_counts(row, half, sizes, profile.threshold)
        if not small.any():
            continue
        sure = _whole_counts_behind(row / 100, float(np.nanmax(half)) / 100, sizes)
        for j in np.flatnonzero(small).tolist():
            _add_small(result, frame, dims, [k], numeric[j].name, size_in="the table's N row", unsure=not sure)


def _rows_leaving_a_group_out(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A row of all units beside a row that leaves a group out ("Alle patienter 1.204" and "Ekskl.
    privathospital 1.203") or a row of one sex when the other sex has no row ("Yhteensä 14", "Naiset 12"):
    the difference of their counts is the group left out (1 patient, whose cost the means beside them give
    too)."""
    import numpy as np

    from scanner.loaders.texttables import names_all, one_sex

    if not dims or not table.counts or table.sample.height > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    labels = _row_labels(frame, dims[0])
    alls = [k for k, v in enumerate(labels) if names_all(v) or is_margin_label(v)]
    if len(alls) != 1:
        return
    less = [k for k, v in enumerate(labels) if _EXCLUDING.search(v)]
    # a row of one sex beside the row of all, and no row of the other sex ("Yhteensä 14", "Naiset 12": 2 men)
    sexes = {one_sex(v) for v in labels}
    less += [k for k, v in enumerate(labels) if (sex := one_sex(v)) is not None and _OTHER_SEX[sex] not in sexes
             and k not in less and k not in alls]
    if len(alls) != 1 or not less:
        return
    for col in table.counts:
        values = frame.get_column(col.name).cast(float).to_numpy()
        whole = values[alls[0]]
        small = [k for k in less if np.isfinite(whole) and np.isfinite(values[k])
                 and 0 < whole - values[k] < profile.threshold]
        _add_small(result, frame, dims, small, col.name, subset_of=col.name)


def _long_rows_of_all_and_one_sex(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A long table whose sex dimension has a level of all and one sex only ("2080 Falun | totalt | 412",
    "2080 Falun | kvinnor | 281"): in each group of the other dimensions all minus the one sex is the other
    (Vansbro: totalt 18, kvinnor 16, 2 men)."""
    import numpy as np

    from scanner.loaders.texttables import names_all, one_sex

    if len(dims) < 2 or not table.counts or table.sample.height > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    labels = {d: _row_labels(frame, d) for d in dims}
    if not any(is_margin_label(v) or names_all(v) for values in labels.values() for v in values):
        return
    for d in dims:
        alls = [k for k, v in enumerate(labels[d]) if names_all(v) or is_margin_label(v)]
        if not alls:
            continue
        sexes = {one_sex(v) for v in labels[d]} - {None}
        if len(sexes) != 1 or _OTHER_SEX[next(iter(sexes))] in sexes:
            continue
        groups: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        for k in range(frame.height):
            key = tuple(labels[o][k] for o in dims if o != d)
            whole, part = groups.setdefault(key, ([], []))
            if k in alls:
                whole.append(k)
            elif one_sex(labels[d][k]) is not None:
                part.append(k)
        for col in table.counts:
            values = frame.get_column(col.name).cast(float).to_numpy()
            small = [p for whole, part in groups.values() if len(whole) == 1 for p in part
                     if np.isfinite(values[whole[0]]) and np.isfinite(values[p])
                     and 0 < values[whole[0]] - values[p] < profile.threshold]
            _add_small(result, frame, dims, small, col.name, subset_of=col.name)
        return


# A long table's unit named in a dimension's level: "Personer 25-34 år (antal)", "Andel ... (pct.)".
_COUNT_UNIT = lazy_compile(r"(?i)\((?:antal|antall|number|count|lkm|lukumäärä|personer|persons)\)\s*$")
_SHARE_UNIT = lazy_compile(r"(?i)\((?:pct\.?|procent|prosent|percent|per cent|%|andel)\)\s*$")


def _long_unit_shares(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A long table whose unit is a dimension (Statistics Denmark's statbank CSV: "ENHED" with "Personer 25-34
    år (antal)" and "Andel med videregående uddannelse (pct.)", one value column): in each group of the other
    dimensions the share is of the count beside it (12,5 % of 8 persons is 1)."""
    import numpy as np
    import polars as pl

    if len(dims) < 2 or len(table.columns) - len(dims) != 1 or table.sample.height > _LABEL_SCAN_MAX_ROWS:
        return
    frame = table.sample
    value = next(c.name for c in table.columns if c.name not in dims)
    if not frame.get_column(value).dtype.is_numeric():
        return
    values = frame.get_column(value).cast(float).to_numpy()
    for d in dims:
        first = frame.get_column(d)[0]
        if first is None or not (_COUNT_UNIT.search(str(first)) or _SHARE_UNIT.search(str(first))):
            continue  # (every level names its unit: the first one too)
        labels = _row_labels(frame, d)
        if not all(_COUNT_UNIT.search(v) or _SHARE_UNIT.search(v) for v in labels) \
                or len({v for v in labels if _COUNT_UNIT.search(v)}) != 1:
            continue
        groups: dict[tuple[str, ...], dict[str, list[int]]] = {}
        for k in range(frame.height):
            key = tuple(str(frame.get_column(o)[k]) for o in dims if o != d)
            kind = "n" if _COUNT_UNIT.search(labels[k]) else "p"
            groups.setdefault(key, {"n": [], "p": []})[kind].append(k)
        shares = [k for k in range(frame.height) if _SHARE_UNIT.search(labels[k])]
        half = half_unit(pl.Series([values[k] for k in shares if np.isfinite(values[k])])) if shares else 0.5
        small = []
        for rows in groups.values():
            if len(rows["n"]) != 1 or not np.isfinite(values[rows["n"][0]]):
                continue
            size = values[rows["n"][0]]
            for k in rows["p"]:
                pct = np.asarray([values[k], 100.0 - values[k]])
                if np.any(_small_counts(pct, half, size, profile.threshold)):
                    small.append(k)
        _add_small(result, frame, dims, small, value, size_in="the count of the same group beside it")
        return


def _flow_exclusions(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A selection's flow with its exclusions written as negative numbers ("Folkbokförda 1412", "Utvandrade -2",
    "Saknar inkomstuppgift -7", "Slutligt urval 1385"): where the last row is the first plus the negative rows
    between, each negative is a count of units excluded (2 who emigrated)."""
    import numpy as np

    from scanner.table_model import ColumnKind

    frame = table.sample
    if not dims or frame.height < 3 or frame.height > _LABEL_SCAN_MAX_ROWS:
        return
    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or col.name in dims or col.non_negative:
            continue  # (no negative number: no exclusion written so)
        values = frame.get_column(col.name).cast(float).to_numpy()
        keep = [k for k in range(frame.height) if np.isfinite(values[k])]
        if len(keep) < 3 or np.any(values[keep] != np.round(values[keep])):
            continue
        first, last, middle = keep[0], keep[-1], keep[1:-1]
        negatives = [k for k in middle if values[k] < 0]
        if not negatives or values[first] <= 0 or values[last] <= 0 \
                or any(values[k] > 0 for k in middle) \
                or values[first] + sum(values[k] for k in negatives) != values[last]:
            continue
        if len(negatives) < 2:
            continue  # (one negative between two levels is a net change, no step of a selection)
        small = [k for k in negatives if -values[k] < profile.threshold]
        _add_small(result, frame, dims, small, col.name, excluded=True)


def _index_of_a_stated_base(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """An index series (2015 = 100) whose base period's count the title or a note states ("perusvuoden 2015
    lukumäärä 8 henkilöä"): each index x the base count / 100 is that period's count (25,0 of 8 is 2)."""
    import numpy as np

    from scanner.loaders.prose import unit_counts
    from scanner.table_model import ColumnKind

    index = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.name not in dims
             and _INDEX_COLUMN.search(c.name)]
    if not index:
        return
    said = " ".join((table.meta.title or "", str(getattr(table.source, "footer_text", "") or "")))
    bases = set(unit_counts(said))
    if len(bases) != 1:
        return
    (base,) = bases
    frame = table.sample
    for col in index:
        values = frame.get_column(col.name).cast(float)
        present = values.drop_nulls().drop_nans()
        if present.len() < 2 or not bool((present == 100).any()):
            continue  # an index series has its base period at 100
        half = half_unit(present)
        small = _small_counts(values.to_numpy().astype(float), half, float(base), profile.threshold)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), col.name, size_in="the note's base count")
# A row of a descriptive table (statistics as rows, groups as columns) that counts the units: "Antal personer",
# "N", "Number of patients", "Lukumäärä".
_COUNT_ROW = lazy_compile(r"(?i)^\s*(?:antal|antall|number|no\.?\s+of|n|lukumäärä|lkm|count|observations|obs\.?|"
                          r"personer|persons|individer|individuals)(?![\w.])")


def _whole_numbers(column: pl.Series) -> np.ndarray:
    """A column's cells as numbers: a numeric column as it is; text cells that are a whole number alone,
    grouped with spaces, commas or dots ("1 204", "15,432"), else NaN."""
    import numpy as np

    if column.dtype.is_numeric():
        return column.cast(float).to_numpy()
    out = []
    for v in column.to_list():
        text = re.sub(r"[\s\u00a0\u2009\u202f]", "", str(v or "")).strip('="')
        out.append(float(re.sub(r"[,.]", "", text)) if _GROUPED_WHOLE.fullmatch(text) else np.nan)
    return np.asarray(out, dtype=float)


_GROUPED_WHOLE = lazy_compile(r"\d{1,3}(?:([,.]?)\d{3}(?:\1\d{3})*)?|\d+")


# A regression table's row that counts the events or units a model rests on: "Number of failures", "Events",
# "Antal hændelser", "Number of observations", "N".
_MODEL_COUNT_ROW = lazy_compile(r"(?i)^\s*(?:number of|no\.? of|antal|antall|lukumäärä)\s+(?:failures|events|deaths|"
                                r"cases|observations|obs\.?|subjects|persons|individuals|hændelser|händelser|hendelser|"
                                r"dødsfald|dödsfall|døde|tilfælde|tilfeller|fall|personer|individer)\b|^\s*(?:events|"
                                r"failures|n|obs\.?|observations)\s*$")


def _model_count_rows(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A regression table's rows of counts under its models' columns, which hold estimates as text ("1.84",
    "[1.21,2.80]"): "Number of failures | 41 | 2" (Stata etable after stcox) is a count of 2 deaths."""
    from scanner.table_model import ColumnKind

    if not dims:
        return
    models = [c for c in table.columns if c.name != dims[0]]
    if not models or not all(c.kind is ColumnKind.TEXT for c in models):
        return
    frame = table.sample
    labels = _row_labels(frame, dims[0])
    rows = [k for k, label in enumerate(labels) if _MODEL_COUNT_ROW.search(label)]
    if not rows:
        return
    for col in models:
        values = _whole_numbers(frame.get_column(col.name))
        small = [k for k in rows if 0 < values[k] < profile.threshold]
        _add_small(result, frame, dims[:1], small, col.name)


def _count_row_all_and_one_sex(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A descriptive table with its groups as columns, all and one sex ("| Alle | Mænd |"), and the other sex in
    no column: its row that counts the units ("Antal personer | 412 | 410") gives the other sex as the
    difference (2 women), and their means with it."""
    import numpy as np

    from scanner.loaders.texttables import names_all, one_sex
    from scanner.table_model import ColumnKind

    if not dims:
        return
    # (a regression table's model columns hold text, "1,84*** (0,41)": its N row is read from the text, and
    # the analysis may have taken those columns for more dimensions)
    text_models = len(dims) > 1 and all(c.kind is ColumnKind.TEXT for c in table.columns if c.name != dims[0])
    if len(dims) != 1 and not text_models:
        return
    dims = dims[:1]
    columns = [c for c in table.columns if c.kind in (ColumnKind.NUMERIC, ColumnKind.TEXT) and c.name not in dims]
    alls = [c for c in columns if names_all(c.name)]
    sexes = {one_sex(c.name) for c in table.columns}
    # one sex beside all, the other sex in no column; or all but a group ("Ekskl. grønlandskfødte")
    parts = [c for c in columns if ((sex := one_sex(c.name)) is not None and _OTHER_SEX[sex] not in sexes)
             or (_EXCLUDING.search(c.name) and not names_all(c.name))]
    if len(alls) != 1 or not parts:
        return
    frame = table.sample
    labels = _row_labels(frame, dims[0])
    rows = [k for k, label in enumerate(labels) if _COUNT_ROW.match(label)]
    if not rows:
        return
    total = _whole_numbers(frame.get_column(alls[0].name))
    for col in parts:
        part = _whole_numbers(frame.get_column(col.name))
        small = [k for k in rows if np.isfinite(total[k]) and np.isfinite(part[k]) and total[k] == round(total[k])
                 and part[k] == round(part[k]) and 0 < total[k] - part[k] < profile.threshold]
        _add_small(result, frame, dims, small, col.name, subset_of=alls[0].name)


def _subset_complements(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Totals beside "of which" columns: ``Tønder 47 | Heraf kvinder 45`` says 2 men. Each "of which" column
    is a part of the nearest count column left of it that is no part itself; where the total exceeds the part
    by fewer than the threshold (and not by 0), the rest of the total is a small cell."""
    import numpy as np

    from scanner.loaders.texttables import age_band_named, every_age_named, measure_of, names_all, one_sex

    frame = table.sample
    counts = sorted(table.counts, key=lambda c: c.index)
    sexes = {one_sex(c.name) for c in table.columns}
    parts: dict[str, list[str]] = {}  # the "of which" columns of each total's column

    # (a column of one sex's count beside all's of the same measure: "Fall kvinnor" beside "Fall totalt", with
    # "Personår totalt" between them)
    alls = {measure_of(c.name): c for c in counts if names_all(c.name)}
    # (one column of an age band beside the column of every age: "18+ years" beside "All ages" - not one band
    # of several, which add up to the total and are judged as its classes)
    banded = [c for c in counts if age_band_named(c.name)]
    whole = None
    for c in counts:
        sex = one_sex(c.name)
        same = alls.get(measure_of(c.name)) if sex is not None and _OTHER_SEX[sex] not in sexes else None
        if same is not None and same is not c and same.index < c.index:
            whole = same
        # one sex beside all ("Alle;Kvinner", "all,women") when the other sex has no column: all minus it is
        # the other sex (14 - 12 is 2 men)
        of_all = sex is not None and whole is not None and _OTHER_SEX[sex] not in sexes and (
            names_all(whole.name) or _GENERIC_COUNT.fullmatch(whole.name.strip()) is not None)
        # a model's sample beside the population it came from (not a sample beside another sample)
        sample = whole is not None and _SAMPLE.search(c.name) is not None and _SAMPLE.search(whole.name) is None
        band = whole is not None and banded == [c] and (names_all(whole.name) or every_age_named(whole.name))
        # one group's column beside all's and nothing else ("All patients (N = 3,118)" beside "Readmitted within
        # 30 days (N = 402)"): all minus it is the rest of the patients
        lone = len(counts) == 2 and c is counts[1] and names_all(counts[0].name) and not names_all(c.name)
        of_all = of_all or band or lone
        if not _SUBSET.match(c.name) and not _EXCLUDING.search(c.name) and not of_all and not sample:
            whole = c
            continue
        if whole is None:
            continue
        if _SUBSET.match(c.name):
            parts.setdefault(whole.name, []).append(c.name)
        total = frame.get_column(whole.name).cast(float).to_numpy()
        part = frame.get_column(c.name).cast(float).to_numpy()
        rest = total - part
        if (of_all or sample) and np.any(rest < 0):
            continue  # a part is never larger than its whole: these are two groups, not a group and its part
        small = ~np.isnan(rest) & (rest > 0) & (rest < profile.threshold)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), c.name, subset_of=whole.name)
    _rest_of_parts(frame, dims, parts, profile.threshold, result)
    _nested_age_limits(frame, dims, counts, profile.threshold, result)
    # one sex's column left of all's ("Kommun;Flickor;Totalt", "Kvinder;I alt") when the other sex has no column:
    # all minus it is the other sex (9 - 7 is 2 boys)
    for c in counts:
        sex = one_sex(c.name)
        same = alls.get(measure_of(c.name)) if sex is not None and _OTHER_SEX[sex] not in sexes else None
        if same is None or same.index <= c.index or not (names_all(same.name) or is_margin_label(same.name)):
            continue
        rest = frame.get_column(same.name).cast(float).to_numpy() - frame.get_column(c.name).cast(float).to_numpy()
        if np.any(rest < 0):
            continue  # a part is never larger than its whole
        small = ~np.isnan(rest) & (rest > 0) & (rest < profile.threshold)
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), c.name, subset_of=same.name)


# A count of the units under an age ("Ledige under 30 år", "under 25 years", "alle 25-vuotiaat"): the stem, the limit.
_UNDER_AGE = lazy_compile(r"(?i)^(.*?)(?<![\w])(?:under|below|younger than|yngre end|yngre än|alle|op til|upp till)"
                          r"[ \t_]*(\d{1,3})[ \t_]*(?:år|aar|years?|vuotiaat|v\.?)?(?![\w])(.*)$")


def _nested_age_limits(frame: pl.DataFrame, dims: list[str], counts: list[ColumnInfo], threshold: int,
                       result: CellScan) -> None:
    """Counts of the same units under two ages ("Ledige under 30 år | Ledige under 25 år"): the older limit's
    count holds the younger's, so their difference counts the ages between (14 - 12 = 2 aged 25-29)."""
    import numpy as np

    stems: dict[str, list[tuple[int, ColumnInfo]]] = {}
    for c in counts:
        m = _UNDER_AGE.match(c.name.strip())
        if m is not None:
            stems.setdefault(f"{m.group(1).strip().lower()}|{m.group(3).strip().lower()}", []).append(
                (int(m.group(2)), c))
    for limits in stems.values():
        limits.sort(key=lambda t: t[0])
        for (young, narrow), (old, wide) in itertools.pairwise(limits):
            if young == old:
                continue
            rest = (frame.get_column(wide.name).cast(float).to_numpy()
                    - frame.get_column(narrow.name).cast(float).to_numpy())
            known = ~np.isnan(rest)
            if not known.any() or np.any(rest[known] < 0):
                continue  # (not the same units: the younger limit's count is larger somewhere)
            small = known & (rest > 0) & (rest < threshold)
            _add_small(result, frame, dims, np.flatnonzero(small).tolist(), narrow.name, subset_of=wide.name)


def _rest_of_parts(frame: pl.DataFrame, dims: list[str], parts: dict[str, list[str]], threshold: int,
                   result: CellScan) -> None:
    """A total beside two or more "of which" columns (``Utsjoki 56 | josta yksinasuvat 43 | josta lapsiperheet
    11``): the total less the parts is the units in none of them (2 other households). Sure when the parts fill
    the total exactly on some row (they are a partition); else they may overlap, and a person checks."""
    import numpy as np

    for whole, names in parts.items():
        if len(names) < 2:
            continue
        total = frame.get_column(whole).cast(float).to_numpy()
        rest = total - np.sum([frame.get_column(n).cast(float).to_numpy() for n in names], axis=0)
        known = ~np.isnan(rest)
        if not known.any() or np.any(rest[known] < 0):
            continue  # parts larger than their whole overlap: the rest is no count
        small = known & (rest > 0) & (rest < threshold)
        exact = bool(np.any(known & (rest == 0)))
        _add_small(result, frame, dims, np.flatnonzero(small).tolist(), whole, of_which_columns=whole,
                   unsure=not exact)


def _report_gaps(result: CellScan, frame: pl.DataFrame, dims: list[str], gaps: np.ndarray, full: np.ndarray,
                 column: str, threshold: int, *, stated: bool = False) -> None:
    """Small gaps between totals and their cells: blocked when some line adds up exactly or a note states a class
    is left out (``stated``), else review."""
    import numpy as np

    small = full & (gaps > 0) & (gaps < threshold)
    exact = int((full & (gaps == 0)).sum())
    rows = np.flatnonzero(small).tolist()
    if rows and (exact > 0 or stated or len(rows) < full.sum()):
        _add_small(result, frame, dims, rows, column, gap=True, unsure=exact == 0 and not stated)


# A note that a class is counted in the totals but not shown: "Firms with 250 or more employees are included in the
# total but not shown separately", "Virksomheder med 250+ ansatte indgår i I alt, men vises ikke særskilt", "ingår
# i totalen men redovisas inte separat".
_LEFT_OUT_NOTE = lazy_compile(
    r"(?i)(?:includ\w*|indgår|ingår|inngår|medregnet|medräknad\w*|sisält\w*)[^.\n]{0,80}?"
    r"(?:not\s+(?:shown|listed|reported|presented)|ikke\s+(?:vist|særskilt|separat|vises)|vises\s+ikke|"
    r"inte\s+(?:separat|särskilt|redovis\w*)|redovisas\s+inte|ei\s+(?:esitetä|eritellä)|not\s+separately)|"
    r"(?:not\s+(?:shown|listed|reported|presented)\s+separately|vises\s+ikke\s+særskilt|redovisas\s+inte\s+separat)"
    r"[^.\n]{0,60}?(?:includ\w*|indgår|ingår|inngår)")


# A column of cumulative counts ("Cumulative Frequency", "Cum. Freq.", "kumuleret antal").
_CUMULATIVE = lazy_compile(r"cum|kumul", re.IGNORECASE)
_NOT_CUMULATIVE_COUNT = lazy_compile(r"%|pct|percent|procent|prosent|share|andel|rate", re.IGNORECASE)


def _cumulative_steps(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A column of cumulative counts publishes each row's count as its step from the row above: ``1500,
    1502`` is a cell of 2 (SAS's ``Cumulative Frequency`` beside a suppressed ``Frequency``). Whole
    numbers that never decrease down the rows (a total row left out) are read so; cumulative percentages
    are not counts."""
    import numpy as np

    from scanner.table_model import ColumnKind

    frame = table.sample
    if not any(_CUMULATIVE.search(c.name) for c in table.columns):
        return  # (most tables: the counted rows below cost a Polars query per count column)
    counted = {c.name: frame.get_column(c.name).cast(float).to_numpy() for c in table.counts
               if not _CUMULATIVE.search(c.name)}
    for col in table.columns:
        if col.kind is not ColumnKind.NUMERIC or not col.integral or not _CUMULATIVE.search(col.name) \
                or _NOT_CUMULATIVE_COUNT.search(col.name) or _not_of_units(_CUMULATIVE.sub("", col.name)):
            continue
        values = frame.get_column(col.name).cast(float).to_numpy()
        keep = [k for k in range(frame.height) if not np.isnan(values[k])
                and not (dims and is_margin_label(str(plain_label(frame.get_column(dims[0])[k]))))]
        if len(keep) < 2:
            continue
        steps = np.diff(values[keep])
        if np.any(steps < 0):
            continue
        small = (steps > 0) & (steps < profile.threshold)
        if profile.zeros_disclosive:
            small |= steps == 0
        first = values[keep[0]]
        rows = ([keep[0]] if 0 < first < profile.threshold else []) + \
               [keep[i + 1] for i in np.flatnonzero(small).tolist()]
        # a row whose count is printed beside it is judged by that count (SAS's Frequency beside its
        # Cumulative Frequency); the step tells what a suppressed or left-out count hides. A count above the
        # cumulative one on some row is no row's count but the population it grows in ("Befolkning 18+").
        beside = [v for v in counted.values() if not np.any(v[keep] > values[keep])]
        rows = [k for k in rows if not any(not np.isnan(v[k]) for v in beside)]
        _add_small(result, frame, dims, rows, col.name, cumulative=True)


# A title or note that says a cohort only shrinks: "Lukket kohorte", "ingen tilgang", "closed cohort", "no new
# entrants", "sluten kohort", "suljettu kohortti".
_CLOSED_COHORT = lazy_compile(r"(?i)lukket kohorte|kohorten er lukket|ingen tilgang|closed cohort|the cohort is closed|"
                              r"no (?:new )?entr(?:ants|ies)|sluten kohort|kohorten är sluten|inga nya|ingen nye|"
                              r"suljettu kohortti|ei uusia|"
                              # the fall between waves is only deaths and emigration
                              r"(?:fald|frafald|nedgang|fall|decline|drop-?outs?|attrition|bortfall|frafall|"
                              r"minskning|poistuma)\b[^.\n]{0,60}?(?:skyldes|due|only|solely|udelukkende|endast|"
                              r"enbart|kun|bara|ainoastaan)\b[^.\n]{0,40}?(?:død|death|dødsfald|dödsfall|dør|die|"
                              r"udvandr|emigr|utvandr|kuolem|muutt)")
# A column of one period or wave of a panel: "Bølge 1 (2011)", "Wave 2", "2015", "Runde 3", "T1".
_WAVE_COLUMN = lazy_compile(r"(?i)^\s*(?:(?:bølge|bolge|wave|runde|round|våg|vag|aalto|kierros|t)\s*\d{1,2}\b.*|"
                            r"\d{4}|\d{1,2}\.\s*(?:bølge|wave|runde|våg))\s*$")


# A table of numbers at risk under a survival curve: "Numbers at risk", "Antal i risiko", "Antal i risk",
# "n at risk", "Riskissä olevat".
_AT_RISK = lazy_compile(r"(?i)\bat[ -]risk\b|\bi risiko\b|\bi risk\b|under risk|riskiss(?:ä|a)|n\.risk")
# A time point as a column's name: "0 y", "1 y", "12 mo", "År 2", "5 years", "Year 3", "24".
_TIME_POINT = lazy_compile(r"(?i)^\s*(?:(?:år|aar|year|years|vuosi|month|måned|månad|kk)\s*)?\d{1,3}(?:[.,]\d)?\s*"
                           r"(?:y|yr|yrs|years?|år|aar|m|mo|months?|mdr|måneder|månader|d|days?|dage|dagar|vuotta|kk|"
                           r"w|weeks?|uger|veckor)?\s*$")


def _at_risk_steps(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A survival curve's table of numbers at risk, time points as columns ("Chordoma | 11 | 10 | 8 | 7"): each
    fall from one time point to the next is the patients who died or were censored in between, a count of
    its own (10 to 8 is 2). Read so when the title or a note says numbers at risk and every row never
    grows."""
    import numpy as np

    from scanner.table_model import ColumnKind

    said = " ".join((table.meta.title or "", str(getattr(table.source, "footer_text", "") or "")))
    if not _AT_RISK.search(said):
        return
    times = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and c.name not in dims
             and _TIME_POINT.match(c.name)]
    if len(times) < 2:
        return
    frame = table.sample
    values = np.column_stack([frame.get_column(c.name).cast(float).to_numpy() for c in times])
    for k in range(frame.height):
        row = values[k]
        keep = [j for j in range(len(times)) if np.isfinite(row[j])]
        steps = -np.diff(row[keep])
        if len(keep) < 2 or np.any(steps < 0):
            continue  # no count at risk: it never grows
        for i in np.flatnonzero((steps > 0) & (steps < profile.threshold)).tolist():
            _add_small(result, frame, dims, [k], times[keep[i + 1]].name, at_risk_step=True)


# A count of a cohort's members still in it, named so: "kvar_i_kommunen", "remaining", "still resident",
# "tilbage", "gjenværende", "jäljellä", "alive", "i live".
_REMAINING = lazy_compile(r"(?i)(?<![a-zæøåäö])(?:kvar\w*|remaining|still|tilbage|tilbageværende|gjenværende|"
                          r"gjenvaerende|igjen|jäljellä|jaljella|alive|i[ _]live|overlevende|survivors?|fortsat|"
                          r"fortfarande)(?![a-zæøåäö])")


def _share_of_the_first(table: TableModel, values: np.ndarray) -> bool:
    """Whether a column of the table is ``values`` as a percentage of its first row ("Osuus alkuperäisestä
    (%)": 100,0, 92,6, 77,8 beside 27, 25, 21), within its rounding, on three rows or more: the count is a
    cohort's members still there, followed from its start."""
    import numpy as np

    from scanner.table_model import ColumnKind

    ok = np.isfinite(values)
    if ok.sum() < 3 or not np.isfinite(values[0]) or values[0] <= 0:
        return False
    expected = 100.0 * values / values[0]
    for c in table.columns:
        if c.kind is not ColumnKind.NUMERIC or c.is_count or c.integral:
            continue
        shares = table.sample.get_column(c.name).cast(float)
        present = shares.drop_nulls().drop_nans()
        if present.len() < 3:
            continue
        got = shares.to_numpy().astype(float)
        both = ok & np.isfinite(got)
        tolerance = half_unit(present) + 1e-6
        if both.sum() >= 3 and bool(np.all(np.abs(got[both] - expected[both]) <= tolerance)):
            return True
    return False


def _closed_cohort_steps(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """A closed cohort's count over time (no one enters, persons leave by death or emigration): each step down
    from the row above is the number who left, 301 then 300 is 1 death. Read so when the title or a note
    says the cohort is closed, or the column names its members still there ("kvar_i_kommunen", "remaining"),
    or another column is it as a share of its first row (:func:`_share_of_the_first`), and the counts never
    grow."""
    import numpy as np

    from scanner.table_model import ColumnKind

    said = " ".join((table.meta.title or "", str(getattr(table.source, "footer_text", "") or "")))
    closed = _CLOSED_COHORT.search(said) is not None
    frame = table.sample
    waves = [c for c in table.counts if c.kind is ColumnKind.NUMERIC and _WAVE_COLUMN.match(c.name)]
    if closed and len(waves) >= 2:
        # the cohort followed across the columns (one wave each): each row's step to the next wave
        values = np.column_stack([frame.get_column(c.name).cast(float).to_numpy() for c in waves])
        for k in range(frame.height):
            steps = values[k, :-1] - values[k, 1:]
            if np.any(~np.isfinite(steps)) or np.any(steps < 0):
                continue
            for j in np.flatnonzero((steps > 0) & (steps < profile.threshold)).tolist():
                _add_small(result, frame, dims, [k], waves[j + 1].name, exits=True)
        return
    for col in table.counts:
        if col.kind is not ColumnKind.NUMERIC:
            continue
        values = frame.get_column(col.name).cast(float).to_numpy()
        if not (closed or _REMAINING.search(col.name) or _share_of_the_first(table, values)):
            continue
        keep = [k for k in range(frame.height) if not np.isnan(values[k])]
        if len(keep) < 2:
            continue
        steps = -np.diff(values[keep])
        if np.any(steps < 0):
            continue  # the count grows somewhere: no closed cohort's count
        small = (steps > 0) & (steps < profile.threshold)
        _add_small(result, frame, dims, [keep[i + 1] for i in np.flatnonzero(small).tolist()], col.name,
                   exits=True)


def _cumulative_percent_steps(table: TableModel, profile: Profile, dims: list[str], result: CellScan) -> None:
    """Cumulative percentages of a stated N (a size column, ``N = 50`` in a row's label, the title): each
    row's step from the row above is its share, ``96.0, 98.0`` of 50 is one person. The steps carry the
    rounding of both ends."""
    import numpy as np

    from scanner.table_model import ColumnKind

    frame = table.sample
    cols = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and _CUMULATIVE.search(c.name)
            and (not c.integral or _PERCENT_UNIT.search(c.name))
            and not _not_of_units(_CUMULATIVE.sub("", c.name))]
    if not cols or frame.height < 2:
        return
    labels = _row_labels(frame, dims[0]) if dims else [""] * frame.height
    margins = {k for k, v in enumerate(labels) if is_margin_label(v) or _stated_n(v) is not None}
    size = _size_column(table)
    if size is not None and frame.get_column(size).drop_nulls().n_unique() != 1:
        size = None  # each row's own count (Stata's Freq. beside Percent and Cum.), not the whole's N
    stated = _stated_n(" ".join(labels[k] for k in margins)) if margins else None
    if stated is None and table.meta.title:
        stated = _stated_in_title(table.meta.title)
    if size is None and stated is None:
        return
    n_all = frame.get_column(size).cast(float).to_numpy() if size is not None else np.full(frame.height, stated)
    for col in cols:
        values = frame.get_column(col.name).cast(float).to_numpy()
        keep = [k for k in range(frame.height) if k not in margins and not np.isnan(values[k])]
        last = max((k for k in range(frame.height) if not np.isnan(values[k])), default=None)
        if last is not None and last in margins and keep and last > keep[-1] \
                and (abs(values[last] - 100.0) < 0.6 or abs(values[last] - 1.0) < 0.006):
            keep.append(last)  # "Kaikki 100": the step to the whole is the last class ("over 12 months")
        if len(keep) < 2:
            continue
        series = values[keep]
        scale = 100.0 if series.max() <= 1.0 and not _PERCENT_UNIT.search(col.name) else 1.0
        series = series * scale
        if np.any(np.diff(series) < 0) or series.max() > 100.5:
            continue
        steps = np.diff(np.concatenate([[0.0], series]))
        half = half_unit(frame.get_column(col.name).gather(keep).drop_nulls().drop_nans()) * scale
        small = _small_counts(steps, 2 * half, n_all[keep].astype(float), profile.threshold)
        _add_small(result, frame, dims, [keep[i] for i in np.flatnonzero(small).tolist()], col.name, cumulative=True)


def _row_percents(table: TableModel, frame: pl.DataFrame, size: str, known: set[str]) -> list[ColumnInfo]:
    """Columns of row percentages whose names do not say so: ``Surgery 45.0, Medication 50.0, None 5.0``
    beside ``N 20``. Two or more decimal columns (not counts, not named as statistics) whose values add up
    to 100 (or to 1) on every row, within their rounding, are each row's split of its group; a split that
    sums so by chance on every row of a table is rare, and the check needs at least two rows when the
    table has only two such columns (two shares of a whole are common: 40/60)."""
    import numpy as np

    from scanner.table_model import ColumnKind

    cols = [c for c in table.columns if c.kind is ColumnKind.NUMERIC and not c.is_count and not c.embedded
            and c.name != size and c.name not in known and c.statistic in (None, "share")
            and not _not_of_units(c.name) and frame.get_column(c.name).dtype.is_float()]
    if len(cols) < 2:
        return []
    names = [c.name for c in cols]
    rows = _complete_rows(frame, names)
    if rows.shape[0] == 0 or (rows.shape[0] < 2 and len(cols) < 3) or rows.min() < 0 or rows.max() > 100:
        return []
    if np.all(rows == np.round(rows)):  # whole numbers are read as counts or codes, not as shares here
        return []
    return cols if _each_row_splits(frame, names, rows) else []


def half_unit(values: pl.Series) -> float:
    """Half a unit of the last decimal the values are written with (0.05 for 12.5, 0.5 for 12)."""
    for decimals in range(5):
        scaled = values * 10 ** decimals
        if ((scaled - scaled.round(0)).abs() < 1e-6).all():
            return 0.5 * 10 ** -decimals
    return 0.5e-5


def half_units(values: np.ndarray) -> np.ndarray:
    """:func:`half_unit` of each value on its own (0.05 for 5.3, 0.005 for 0.01; NaN stays NaN). A whole value
    among values with decimals was printed with the column's usual decimals ("1,0" among "1,2" and "0,5"), which
    its number no longer shows: it takes the most common of the others'."""
    import numpy as np

    out = np.full(values.shape, 0.5e-5)
    left = np.isfinite(values)
    out[~left] = np.nan
    whole = np.zeros(values.shape, dtype=bool)
    for decimals in range(5):
        scaled = values * 10 ** decimals
        with np.errstate(invalid="ignore"):
            done = left & (np.abs(scaled - np.round(scaled)) < 1e-6)
        out[done] = 0.5 * 10 ** -decimals
        if decimals == 0:
            whole = done.copy()
        left &= ~done
    fractions = out[np.isfinite(values) & ~whole]
    if whole.any() and fractions.size:
        kinds, counts = np.unique(fractions, return_counts=True)
        out[whole] = kinds[counts == counts.max()].max()
    return out


def _percent_within_groups(frame: pl.DataFrame, dims: list[str], pct: pl.Series, n: pl.Series) -> bool:
    """Whether the shares are each row's part of its group's total, the group the first label column's
    ("metformiini;DPP-4-estäjä;4120;14,4": 4,120 of the 28,562 who started on metformin), the first few
    label columns' or all but one ("2005;Sjælland;Beskæftiget;Ledig;28;3,6": a transition's share of all who
    were employed in 2005 in Sjælland; "kommune;hustype;kvintil": a quintile's share of the household type):
    the share is the count's, and no share of it."""
    import numpy as np
    import polars as pl

    if len(dims) < 2 or frame.height < 4:
        return False
    values, shares = n.to_numpy().astype(float), pct.to_numpy().astype(float)
    groupings = [dims[:k] for k in range(1, len(dims))]
    groupings += [g for j in range(len(dims)) if (g := [d for k, d in enumerate(dims) if k != j]) not in groupings]
    for by in groupings:
        data = pl.DataFrame({**{f"g{k}": frame.get_column(d) for k, d in enumerate(by)}, "n": n})
        totals = data.select(pl.col("n").sum().over([f"g{k}" for k in range(len(by))])).to_series()
        with_totals = totals.to_numpy().astype(float)
        known = ~np.isnan(values) & ~np.isnan(shares) & (with_totals > 0)
        if known.sum() < 4:
            continue
        close = np.abs(shares[known] - 100 * values[known] / with_totals[known]) <= 0.6
        if close.mean() >= _COLUMN_PERCENT_SHARE:
            return True
    return False


def _column_percent(pct: pl.Series, n: pl.Series) -> bool:
    """Whether the shares are each row's part of the sizes' total (with or without a total row in it)."""
    sizes = n.drop_nulls().drop_nans()
    if sizes.len() == 0:
        return False
    total, top = float(sizes.sum()), float(sizes.max())
    for denominator in (total, total - top, top):
        if denominator <= 0:
            continue
        close = ((pct - 100 * n / denominator).abs() <= 0.6).sum()
        if close >= _COLUMN_PERCENT_SHARE * pct.drop_nulls().len():
            return True
    return False
