"""Generate the zoo of issue 10: realistic research outputs, each with the verdict SDC logic gives it.

An export request holds what researchers' tools write: R (``write.csv``, ``write.table``, readr, knitr
``kable``, gtsummary, tableone, broom), Stata (``export delimited``, esttab, outreg2, tabout, pasted
``tabulate``), SAS (PROC EXPORT, ODS CSV of FREQ/MEANS/TABULATE/REG), SPSS, pandas (``to_csv``,
``to_markdown``), Excel-saved CSVs (``;``, decimal comma, cp1252) and StatBank downloads of Statistics
Denmark, Sweden, Norway and Finland. Each case is one file with a ground truth decided by statistical
disclosure control, not by what the scanner does today:

* ``expect`` is ``"flag"`` (must get verdict review or fail, with a finding of one of ``families``) or
  ``"safe"`` (must pass);
* ``families`` are the rule families a correct finding may come from (``{"TAB"}``, ``{"MIC", "PID"}``);
  ``code`` is the rule that describes the problem best, for information;
* ``klass`` is the class of issue 10 (1..15) or ``"ordinary-safe"``.

The threshold is 3 (profile ``dst``). Every flag case holds exactly the problem of its class (no stray
small cell beside a dominance problem, say), so the families are exact; safe cases have every count at 3
or more, margins that add up, and suppression protected by at least two hidden cells in every affected
row and column.

Generation is deterministic: each case has its own ``random.Random`` seeded from the zoo seed and the
case's name, so adding a case changes no other. Run ``python -m tests.zoo.generate OUTDIR`` to write the
files and ``manifest.json``; it refuses to write inside the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["CLASS_TITLES", "Case", "build_zoo", "write_zoo"]

Expect = Literal["flag", "safe"]
Klass = int | str
ORDINARY = "ordinary-safe"
DEFAULT_SEED = 20240610
REPO = Path(__file__).resolve().parents[2]

#: the classes of issue 10 and the folder each one's files go to
CLASS_TITLES: dict[Klass, str] = {
    1: "crosstab with all-different count columns and a cell of 1-2",
    2: "wide table whose headers carry unit words, small cell",
    3: "thousands separators of the locale, small cell",
    4: "person-level records without an ID column",
    5: "bare lists of keys (with or without a count per key)",
    6: "one suppressed cell beside a published total (recoverable)",
    7: "counts inside text cells (clinical Table 1)",
    8: "extremes: min/max/percentiles of small groups, outlying max",
    9: "published dominance; firm count under 3 in a magnitude table",
    10: "small table pasted into a text or markdown note",
    11: "magnitude cell whose contributors all share one value",
    12: "statistical model output",
    13: "class bounds written as numbers",
    14: "Unix timestamps and time-like 10-digit numbers",
    15: "source and note lines under a table",
    ORDINARY: "ordinary safe tables",
}
_FOLDERS: dict[Klass, str] = {
    1: "01-crosstab-distinct-counts",
    2: "02-wide-unit-headers",
    3: "03-thousands-separators",
    4: "04-person-level-no-id",
    5: "05-bare-key-lists",
    6: "06-recoverable-suppression",
    7: "07-counts-in-text-cells",
    8: "08-extremes",
    9: "09-dominance",
    10: "10-tables-in-notes",
    11: "11-class-disclosure",
    12: "12-model-output",
    13: "13-class-bounds",
    14: "14-timestamps",
    15: "15-source-lines",
    ORDINARY: "ordinary-safe",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One file of the zoo and its ground truth."""

    path: str  # relative, "<class folder>/<file name>"
    data: bytes
    expect: Expect
    families: frozenset[str]
    klass: Klass
    code: str | None = None
    note: str = ""

    def manifest_entry(self) -> dict[str, object]:
        """The case as a JSON object (everything but the bytes themselves)."""
        return {
            "path": self.path,
            "bytes": len(self.data),
            "expect": self.expect,
            "families": sorted(self.families),
            "code": self.code,
            "class": self.klass,
            "note": self.note,
        }


# ---- writers: what each tool puts in a file ----------------------------------------------------------


class Num(str):
    """A value already written as a number (locale separators, fixed decimals): never quoted as text."""

    __slots__ = ()


def _float_text(value: float, dec: str = ".") -> str:
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", dec) if dec != "." else text


def _cell_text(value: object, dec: str, na: str) -> tuple[str, bool]:
    """The value as written, and whether it is text (for quoting styles that quote text only)."""
    if value is None:
        return na, False
    if isinstance(value, Num):
        return str(value), False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        return _float_text(value, dec), False
    return str(value), True


def delimited(
    header: Sequence[object] | None,
    rows: Iterable[Sequence[object]],
    *,
    sep: str = ",",
    quoting: Literal["minimal", "strings", "all", "none"] = "minimal",
    na: str = "",
    dec: str = ".",
    pre: Sequence[str] = (),
    post: Sequence[str] = (),
    eol: str = "\n",
) -> str:
    """A delimited file: ``minimal`` quotes when needed (readr, pandas, Stata, SAS, Excel), ``strings``
    quotes every text value (R ``write.csv``, SAS ODS CSV), ``all`` quotes everything (SPSS, PxWeb)."""

    def line(values: Sequence[object]) -> str:
        out = []
        for value in values:
            text, is_text = _cell_text(value, dec, na)
            quote = (
                quoting == "all"
                or (quoting == "strings" and is_text)
                or (quoting == "minimal" and any(c in text for c in (sep, '"', "\n", "\r")))
            )
            out.append('"' + text.replace('"', '""') + '"' if quote else text)
        return sep.join(out)

    lines = list(pre)
    if header is not None:
        lines.append(line(header))
    lines.extend(line(r) for r in rows)
    lines.extend(post)
    return eol.join(lines) + eol


def r_write_csv(header: Sequence[str], rows: Sequence[Sequence[object]], *, csv2: bool = False) -> str:
    """R ``write.csv`` (``write.csv2``): quoted header with an empty row-names column, quoted row names."""
    body = [[str(i), *r] for i, r in enumerate(rows, 1)]
    return delimited(["", *header], body, sep=";" if csv2 else ",", quoting="strings", na="NA",
                     dec="," if csv2 else ".")


def r_write_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """R ``write.table`` defaults: space-separated, quoted text, row names, no header cell for them."""
    lines = [" ".join(f'"{h}"' for h in header)]
    for i, row in enumerate(rows, 1):
        cells = [f'"{i}"']
        for value in row:
            text, is_text = _cell_text(value, ".", "NA")
            cells.append(f'"{text}"' if is_text else text)
        lines.append(" ".join(cells))
    return "\n".join(lines) + "\n"


def _width(header: Sequence[str], rows: Sequence[Sequence[str]], j: int) -> int:
    return max([len(header[j]), *(len(r[j]) for r in rows)])


def _as_text(rows: Sequence[Sequence[object]], dec: str = ".", na: str = "NA") -> list[list[str]]:
    return [[_cell_text(v, dec, na)[0] for v in r] for r in rows]


def _numeric_columns(rows: Sequence[Sequence[object]], ncols: int) -> list[bool]:
    return [all(isinstance(r[j], int | float | Num) or r[j] is None for r in rows) for j in range(ncols)]


def kable(header: Sequence[str], rows: Sequence[Sequence[object]], *, dec: str = ".") -> str:
    """knitr ``kable(format = "pipe")``: text left-aligned, numbers right-aligned, no padding spaces."""
    text = _as_text(rows, dec)
    numeric = _numeric_columns(rows, len(header))
    widths = [_width(header, text, j) for j in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "|" + "|".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric,
                                                                                    strict=True)) + "|"

    rule = "|" + "|".join(("-" * (w - 1) + ":") if n else (":" + "-" * (w - 1))
                          for w, n in zip(widths, numeric, strict=True)) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in text)]) + "\n"


def to_markdown(header: Sequence[str], rows: Sequence[Sequence[object]], *, index: bool = True) -> str:
    """pandas ``DataFrame.to_markdown()`` (tabulate's pipe format), with the index column by default."""
    head = ["", *header] if index else list(header)
    body: list[list[object]] = [[i, *r] for i, r in enumerate(rows)] if index else [list(r) for r in rows]
    text = _as_text(body, na="nan")
    numeric = _numeric_columns(body, len(head))
    widths = [_width(head, text, j) for j in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric,
                                                                                      strict=True)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if n else (":" + "-" * (w + 1))
                          for w, n in zip(widths, numeric, strict=True)) + "|"
    return "\n".join([line(head), rule, *(line(r) for r in text)]) + "\n"


def r_print(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """R ``print(data.frame)``: row names left, every column right-aligned under its name."""
    text = _as_text(rows)
    names = [str(i) for i in range(1, len(rows) + 1)]
    rn = max(len(n) for n in names)
    widths = [_width(header, text, j) for j in range(len(header))]
    lines = [" " * rn + " " + " ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    for name, row in zip(names, text, strict=True):
        lines.append(name.ljust(rn) + " " + " ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines) + "\n"


def thousands(n: int, sep: str) -> Num:
    """An integer with a thousands separator (``50.285``, ``12 345``, ``12,345``)."""
    text = f"{abs(n):,}".replace(",", sep)
    return Num(("-" if n < 0 else "") + text)


def decimal(value: float, digits: int, dec: str = ".", sep: str = "") -> Num:
    """A number with fixed decimals, a decimal mark and an optional thousands separator."""
    text = f"{abs(value):,.{digits}f}"
    whole, _, frac = text.partition(".")
    whole = whole.replace(",", sep)
    sign = "-" if value < 0 and round(abs(value), digits) != 0 else ""
    return Num(sign + whole + (dec + frac if digits else ""))


def _pct(part: float, whole: float, digits: int = 1, dec: str = ".") -> Num:
    return decimal(100 * part / whole if whole else 0.0, digits, dec)


# ---- labels ------------------------------------------------------------------------------------------

DK_REGIONS = ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]
DK_KOMMUNER = [
    "København", "Frederiksberg", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Randers", "Viborg",
    "Kolding", "Silkeborg", "Herning", "Horsens", "Roskilde", "Næstved", "Slagelse", "Holbæk", "Helsingør",
    "Hillerød", "Svendborg", "Sønderborg", "Haderslev", "Hjørring", "Frederikshavn", "Skive", "Thisted",
    "Bornholm", "Lemvig", "Langeland", "Ærø", "Samsø", "Fanø", "Læsø",
]
SE_LAN = [
    "Stockholms län", "Uppsala län", "Södermanlands län", "Östergötlands län", "Jönköpings län",
    "Kronobergs län", "Kalmar län", "Gotlands län", "Blekinge län", "Skåne län", "Hallands län",
    "Västra Götalands län", "Värmlands län", "Örebro län", "Västmanlands län", "Dalarnas län",
    "Gävleborgs län", "Västernorrlands län", "Jämtlands län", "Västerbottens län", "Norrbottens län",
]
SE_KOMMUNER = [
    "Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Linköping", "Helsingborg",
    "Jönköping", "Norrköping", "Lund", "Umeå", "Gävle", "Borås", "Södertälje", "Eskilstuna", "Halmstad",
    "Växjö", "Karlstad", "Sundsvall", "Östersund", "Luleå", "Kiruna", "Arjeplog", "Sorsele", "Bjurholm",
]
NO_FYLKER = [
    "Oslo", "Rogaland", "Møre og Romsdal", "Nordland", "Viken", "Innlandet", "Vestfold og Telemark",
    "Agder", "Vestland", "Trøndelag", "Troms og Finnmark",
]
NO_KOMMUNER = [
    "Oslo", "Bergen", "Trondheim", "Stavanger", "Bærum", "Kristiansand", "Drammen", "Asker", "Lillestrøm",
    "Fredrikstad", "Sandnes", "Tromsø", "Sarpsborg", "Skien", "Ålesund", "Bodø", "Hasvik", "Modalen",
    "Træna", "Utsira",
]
FI_MAAKUNNAT = [
    "Uusimaa", "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme", "Kymenlaakso",
    "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala", "Keski-Suomi", "Etelä-Pohjanmaa",
    "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa", "Kainuu", "Lappi", "Ahvenanmaa",
]
FI_KUNNAT = [
    "Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Kuopio", "Lahti", "Pori",
    "Kouvola", "Joensuu", "Lappeenranta", "Hämeenlinna", "Vaasa", "Seinäjoki", "Rovaniemi", "Mikkeli",
    "Kotka", "Salo", "Kökar", "Sottunga",
]
EN_REGIONS = [
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
]
DK_BRANCHER = [
    "A Landbrug, skovbrug og fiskeri", "B Råstofindvinding", "C Industri", "D Energiforsyning",
    "E Vandforsyning og renovation", "F Bygge og anlæg", "G Handel", "H Transport",
    "I Hoteller og restauranter", "J Information og kommunikation", "K Finansiering og forsikring",
    "L Ejendomshandel og udlejning", "M Videnservice", "N Operationel service",
]
SE_SNI = [
    "A Jordbruk, skogsbruk och fiske", "B Utvinning av mineral", "C Tillverkning",
    "D Försörjning av el, gas, värme och kyla", "F Byggverksamhet", "G Handel",
    "H Transport och magasinering", "I Hotell- och restaurangverksamhet",
    "J Informations- och kommunikationsverksamhet", "K Finans- och försäkringsverksamhet",
]
NO_NAERINGER = [
    "Jordbruk, skogbruk og fiske", "Bergverksdrift og utvinning", "Industri",
    "Elektrisitets-, gass- og varmtvannsforsyning", "Bygge- og anleggsvirksomhet", "Varehandel",
    "Transport og lagring", "Overnattings- og serveringsvirksomhet", "Informasjon og kommunikasjon",
    "Finansierings- og forsikringsvirksomhet",
]
FI_TOIMIALAT = [
    "A Maatalous, metsätalous ja kalatalous", "B Kaivostoiminta ja louhinta", "C Teollisuus",
    "D Sähkö-, kaasu- ja lämpöhuolto", "F Rakentaminen", "G Tukku- ja vähittäiskauppa",
    "H Kuljetus ja varastointi", "I Majoitus- ja ravitsemistoiminta", "J Informaatio ja viestintä",
]
EN_INDUSTRIES = [
    "Agriculture, forestry and fishing", "Mining and quarrying", "Manufacturing", "Electricity and gas",
    "Construction", "Wholesale and retail", "Transport and storage", "Accommodation and food",
    "Information and communication", "Financial services", "Professional services",
]
DK_UDDANNELSE = [
    "Grundskole", "Gymnasiale uddannelser", "Erhvervsfaglige uddannelser", "Korte videregående uddannelser",
    "Mellemlange videregående uddannelser", "Bacheloruddannelser", "Lange videregående uddannelser",
    "Ph.d. og forskeruddannelser",
]
SE_UTBILDNING = [
    "Förgymnasial utbildning kortare än 9 år", "Förgymnasial utbildning 9 (10) år",
    "Gymnasial utbildning högst 2 år", "Gymnasial utbildning 3 år",
    "Eftergymnasial utbildning kortare än 3 år", "Eftergymnasial utbildning 3 år eller mer",
    "Forskarutbildning",
]
EN_OCCUPATIONS = [
    "Managers", "Professionals", "Technicians", "Clerical support", "Service and sales",
    "Skilled agricultural", "Craft and trades", "Plant and machine operators", "Elementary occupations",
    "Armed forces",
]


# ---- the zoo builder ---------------------------------------------------------------------------------


class _Zoo:
    """Collects cases; hands each case its own seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.cases: list[Case] = []

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def add(self, klass: Klass, name: str, content: str | bytes, *, families: Iterable[str] = (),
            code: str | None = None, note: str = "", encoding: str = "utf-8", eol: str | None = None) -> None:
        """Add one file; ``eol`` rewrites the line ends of text content (``"\\r\\n"`` for Windows tools)."""
        if isinstance(content, str):
            if eol is not None:
                content = content.replace("\r\n", "\n").replace("\n", eol)
            data = content.encode(encoding)
        else:
            data = content
        expect: Expect = "flag" if isinstance(klass, int) and klass <= 11 else "safe"
        fams = frozenset(families)
        if expect == "flag" and not fams:
            raise ValueError(f"flag case {name} needs the families that may flag it")
        self.cases.append(Case(f"{_FOLDERS[klass]}/{name}", data, expect, fams, klass, code, note))


def _distinct(r: random.Random, n: int, lo: int, hi: int) -> list[int]:
    """``n`` different integers in [lo, hi)."""
    return r.sample(range(lo, hi), n)


def _counts(r: random.Random, n: int, lo: int, hi: int) -> list[int]:
    return [r.randint(lo, hi) for _ in range(n)]


def _with_totals(labels: Sequence[str], cols: Sequence[str], matrix: Sequence[Sequence[int]], total: str, *,
                 row_total: bool = True, col_total: bool = True) -> list[list[object]]:
    """Rows ``[label, cells..., row total]`` and a last ``[total, column totals..., grand total]`` row."""
    out: list[list[object]] = []
    for label, values in zip(labels, matrix, strict=True):
        out.append([label, *values, *([sum(values)] if row_total else [])])
    if col_total:
        sums = [sum(row[j] for row in matrix) for j in range(len(cols))]
        out.append([total, *sums, *([sum(sums)] if row_total else [])])
    return out


def _hide(rows: list[list[object]], cells: Iterable[tuple[int, int]], marker: object) -> list[list[object]]:
    """A copy of ``rows`` with the given (row, column) positions replaced by a suppression marker."""
    out = [list(r) for r in rows]
    for i, j in cells:
        out[i][j] = marker
    return out


def _cvr(r: random.Random) -> str:
    """A Danish CVR number with a valid modulus-11 check digit."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        digits = [r.randint(1, 9)] + [r.randint(0, 9) for _ in range(6)]
        check = (-sum(d * w for d, w in zip(digits, weights, strict=True))) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _date(r: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=r.randint(0, (end - start).days))


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# ---- 1: crosstabs whose count columns hold all-different values --------------------------------------


def _class_01(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB001"

    r = z.rng("c01-region-koen")
    rows = [[reg, m, f] for reg, m, f in zip(DK_REGIONS, _distinct(r, 5, 40, 900), _distinct(r, 5, 40, 900),
                                            strict=True)]
    rows[4][2] = 2
    z.add(1, "diagnose_region_koen.csv", delimited(["Region", "Mænd", "Kvinder"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="Excel-saved cp1252 crosstab, one row per region, every count different; Nordjylland women = 2")

    r = z.rng("c01-kommune-csv2")
    kommuner = [*r.sample(DK_KOMMUNER[:-3], r.randint(14, 22)), "Læsø"]
    men, women = _distinct(r, len(kommuner), 30, 2500), _distinct(r, len(kommuner), 30, 2500)
    men[-1] = 1
    rows = [[k, m, f, m + f] for k, m, f in zip(kommuner, men, women, strict=True)]
    z.add(1, "modtagere_kommune_koen.csv", r_write_csv(["Kommune", "Mænd", "Kvinder", "I alt"], rows, csv2=True),
          families=fam, code=code, note="R write.csv2 with row names; Læsø men = 1 (its total shows it too)")

    r = z.rng("c01-lan-kon")
    rows = [[lan, m, f] for lan, m, f in zip(SE_LAN, _distinct(r, 21, 25, 3000), _distinct(r, 21, 25, 3000),
                                            strict=True)]
    rows[SE_LAN.index("Gotlands län")][2] = 2
    z.add(1, "lan_kon_sjukdom.csv", delimited(["Län", "Män", "Kvinnor"], rows),
          families=fam, code=code, note="readr write_csv, 21 counties; Gotland women = 2")

    r = z.rng("c01-fylke-kjonn")
    rows = [[fy, m, f] for fy, m, f in zip(NO_FYLKER, _distinct(r, 11, 12, 700), _distinct(r, 11, 12, 700),
                                          strict=True)]
    rows[r.randrange(11)][1] = 1
    z.add(1, "fylke_kjonn.csv", delimited(["Fylke", "Menn", "Kvinner"], rows, sep=";", quoting="all"),
          families=fam, code=code, eol="\r\n", note="every field quoted, ';'; one county has 1 man")

    r = z.rng("c01-maakunta")
    rows = [[m, a, b] for m, a, b in zip(FI_MAAKUNNAT, _distinct(r, 19, 20, 1500), _distinct(r, 19, 20, 1500),
                                         strict=True)]
    rows[-1][2] = 2
    z.add(1, "maakunta_sukupuoli.csv", delimited(["Maakunta", "Miehet", "Naiset"], rows),
          families=fam, code=code, note="pandas to_csv(index=False); Ahvenanmaa women = 2")

    r = z.rng("c01-england")
    rows = [[reg, m, f] for reg, m, f in zip(EN_REGIONS, _distinct(r, 9, 15, 400), _distinct(r, 9, 15, 400),
                                            strict=True)]
    rows[0][1] = 1
    z.add(1, "rare_condition_region_sex.csv", delimited(["region", "Men", "Women"], rows),
          families=fam, code=code, note="Stata export delimited; North East men = 1")

    r = z.rng("c01-uddannelse")
    cols = ["Beskæftiget", "Ledig", "Uden for arbejdsstyrken"]
    n = len(DK_UDDANNELSE)
    rows = [[u, a, b, c] for u, a, b, c in zip(DK_UDDANNELSE, _distinct(r, n, 200, 9000), _distinct(r, n, 10, 600),
                                               _distinct(r, n, 50, 3000), strict=True)]
    rows[-1][2] = 2
    z.add(1, "uddannelse_status.csv", delimited(["Højeste fuldførte uddannelse", *cols], rows, sep=";"),
          families=fam, code=code, encoding="utf-8-sig", note="education x labour status; Ph.d. unemployed = 2")

    r = z.rng("c01-diagnose-region")
    diagnoses = ["Diabetes type 1", "Diabetes type 2", "KOL", "Astma", "Sklerose", "Cystisk fibrose"]
    values = _distinct(r, 30, 8, 6000)
    rows = [[d, *values[5 * i: 5 * i + 5]] for i, d in enumerate(diagnoses)]
    rows[-1][5] = 1
    z.add(1, "diagnose_region.csv",
          delimited(["diagnose", "Hovedstaden", "Sjaelland", "Syddanmark", "Midtjylland", "Nordjylland"], rows),
          families=fam, code=code, eol="\r\n", note="SAS PROC EXPORT, regions as columns; cystic fibrosis = 1")

    r = z.rng("c01-utbildning")
    rows = [[u, a, b] for u, a, b in zip(SE_UTBILDNING, _distinct(r, 7, 30, 4000), _distinct(r, 7, 30, 4000),
                                         strict=True)]
    rows[-1][2] = 2
    z.add(1, "utbildning_fodelseland.tsv",
          delimited(["Utbildningsnivå", "Födda i Sverige", "Utrikes födda"], rows, sep="\t"),
          families=fam, code=code, note="tab-separated; research education, born abroad = 2")

    r = z.rng("c01-occupation")
    values = _distinct(r, 30, 5, 2000)
    rows = [[o, *values[3 * i: 3 * i + 3]] for i, o in enumerate(EN_OCCUPATIONS)]
    rows[-1][2] = 1
    header = ["", "occupation", "Employed", "Unemployed", "Inactive"]
    z.add(1, "occupation_status.csv", delimited(header, [[i, *row] for i, row in enumerate(rows)]),
          families=fam, code=code, note="pandas to_csv with the index; armed forces unemployed = 1")

    r = z.rng("c01-pandas-floats")
    values = list(zip(EN_REGIONS, _distinct(r, 9, 20, 900), _distinct(r, 9, 20, 900), strict=True))
    rows = [[reg, Num(f"{a:.1f}"), Num(f"{b:.1f}")] for reg, a, b in values]
    rows[5][2] = Num("2.0")
    z.add(1, "unstacked_region_sex.csv", delimited(["region", "Female", "Male"], rows),
          families=fam, code=code, note="pandas unstack() left float columns: '412.0', and '2.0' for a cell of 2")

    r = z.rng("c01-tiny")
    kommuner = r.sample(DK_KOMMUNER[:-3], 3)
    rows = [[k, m, f] for k, m, f in zip(kommuner, _distinct(r, 3, 10, 90), _distinct(r, 3, 10, 90), strict=True)]
    rows[1][1] = 1
    z.add(1, "tre_kommuner_koen.csv", delimited(["Kommune", "Mænd", "Kvinder"], rows, sep=";"),
          families=fam, code=code, note="a 3 x 2 crosstab, six cells, one of them 1")

    r = z.rng("c01-codes")
    codes = sorted(r.sample(DK_KOMMUNE_CODES, r.randint(12, 20)))
    rows = [[c, m, f] for c, m, f in zip(codes, _distinct(r, len(codes), 15, 1500), _distinct(r, len(codes), 15, 1500),
                                         strict=True)]
    rows[-1][2] = 2
    z.add(1, "kommunekode_koen.csv", delimited(["Kommunekode", "Mænd", "Kvinder"], rows, sep=";"),
          families=fam, code=code, note="numeric municipality codes as the row dimension; a cell of 2")


# ---- 2: wide tables whose headers carry unit words ---------------------------------------------------


def _age_band_rows(r: random.Random, labels: Sequence[str], small_at: tuple[int, int], small: int,
                   spans: Sequence[tuple[int, int]], total: bool = True) -> list[list[object]]:
    rows: list[list[object]] = []
    for label in labels:
        values = [r.randint(lo, hi) for lo, hi in spans]
        rows.append([label, *values])
    rows[small_at[0]][small_at[1]] = small
    if total:
        for row in rows:
            row.append(sum(v for v in row[1:] if isinstance(v, int)))
    return rows


def _class_02(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB001"

    r = z.rng("c02-dk")
    kommuner = [*r.sample(DK_KOMMUNER[:-3], r.randint(10, 18)), "Fanø"]
    rows = _age_band_rows(r, kommuner, (len(kommuner) - 1, 1), 2, [(4, 160), (40, 900), (20, 600)])
    header = ["Kommune", "0-17 år", "18-64 år", "65 år og derover", "I alt"]
    z.add(2, "type1_diabetes_kommune_alder.csv",
          delimited(header, rows, sep=";", pre=["Personer med type 1-diabetes efter kommune og alder, 2022;;;;"]),
          families=fam, code=code, encoding="cp1252", eol="\r\n", note="title line; Fanø 0-17 år = 2")

    r = z.rng("c02-se")
    kommuner = [*r.sample(SE_KOMMUNER[:-3], r.randint(12, 20)), "Bjurholm"]
    rows = _age_band_rows(r, kommuner, (len(kommuner) - 1, 3), 1, [(10, 300), (50, 2000), (30, 900)])
    z.add(2, "kommun_alder_insatser.csv",
          delimited(["Kommun", "0-17 år", "18-64 år", "65 år och äldre", "Totalt"], rows, sep=";"),
          families=fam, code=code, note="Bjurholm 65+ = 1")

    r = z.rng("c02-no")
    kommuner = [*r.sample(NO_KOMMUNER[:-4], r.randint(8, 14)), "Utsira"]
    rows = _age_band_rows(r, kommuner, (len(kommuner) - 1, 2), 2, [(6, 250), (30, 1500), (15, 700)])
    z.add(2, "kommune_alder_mottakere.csv",
          delimited(["Kommune", "0-17 år", "18-66 år", "67 år eller eldre", "I alt"], rows, sep=";",
                    quoting="strings"),
          families=fam, code=code, note="Utsira 18-66 år = 2")

    r = z.rng("c02-fi")
    kunnat = [*r.sample(FI_KUNNAT[:-2], r.randint(10, 16)), "Sottunga"]
    rows = _age_band_rows(r, kunnat, (len(kunnat) - 1, 1), 1, [(5, 400), (40, 3000), (20, 1500)])
    z.add(2, "kunta_ika_asiakkaat.csv",
          delimited(["Kunta", "0-17 vuotta", "18-64 vuotta", "65 vuotta täyttäneet", "Yhteensä"], rows, sep=";"),
          families=fam, code=code, encoding="utf-8-sig", note="Sottunga 0-17 vuotta = 1")

    r = z.rng("c02-en")
    areas = EN_REGIONS[:]
    rows = _age_band_rows(r, areas, (r.randrange(len(areas)), 1), 2, [(3, 90), (40, 1200), (25, 800)])
    z.add(2, "area_age_admissions.csv",
          r_write_csv(["area", "0-17 years", "18-64 years", "65 years and over", "Total"], rows),
          families=fam, code=code, note="R write.csv; one region has 2 admissions aged 0-17")

    r = z.rng("c02-income-bands")
    rows = _age_band_rows(r, DK_REGIONS, (4, 4), 1, [(30, 600), (60, 1500), (20, 400), (3, 60)])
    header = ["Region", "Under 100.000 kr.", "100.000-299.999 kr.", "300.000-499.999 kr.", "500.000 kr. og derover",
              "I alt"]
    z.add(2, "modtagere_region_indkomst.csv", delimited(header, rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="income bands as headers (kr.); Nordjylland 500.000+ = 1")

    r = z.rng("c02-firm-size")
    rows = _age_band_rows(r, DK_BRANCHER, (1, 4), 1, [(40, 9000), (10, 1500), (3, 400), (3, 80)], total=False)
    header = ["Branche", "1-9 ansatte", "10-49 ansatte", "50-249 ansatte", "250 ansatte og derover"]
    z.add(2, "virksomheder_branche_stoerrelse.csv", delimited(header, rows, sep=";"),
          families=fam, code=code, note="firms by size band (ansatte); Råstofindvinding 250+ = 1 firm")

    r = z.rng("c02-barn")
    ages = ["15-19 år", "20-24 år", "25-29 år", "30-34 år", "35-39 år", "40-44 år", "45-49 år"]
    rows = _age_band_rows(r, ages, (0, 4), 2, [(100, 3000), (100, 5000), (50, 4000), (10, 1500)])
    z.add(2, "kvinnor_alder_antal_barn.csv",
          delimited(["Moderns ålder", "0 barn", "1 barn", "2 barn", "3 barn eller fler", "Totalt"], rows,
                    sep="\t"),
          families=fam, code=code, note="women by age and number of children; 15-19 år with 3+ children = 2")

    r = z.rng("c02-kontakter")
    ages = ["0-9 år", "10-19 år", "20-29 år", "30-39 år", "40-49 år", "50-59 år", "60-69 år", "70-79 år", "80+ år"]
    rows = _age_band_rows(r, ages, (1, 4), 1, [(200, 3000), (40, 900), (10, 300), (3, 80)], total=False)
    z.add(2, "patienter_alder_kontakter.csv",
          delimited(["Aldersgruppe", "1 kontakt", "2 kontakter", "3-5 kontakter", "6 kontakter og derover"], rows,
                    sep=";"),
          families=fam, code=code, note="patients by number of contacts; 10-19 år with 6+ contacts = 1")

    r = z.rng("c02-codes")
    codes = sorted(r.sample(DK_KOMMUNE_CODES, r.randint(10, 16)))
    rows = _age_band_rows(r, [str(c) for c in codes], (r.randrange(len(codes)), 3), 2,
                          [(8, 300), (40, 2000), (20, 900)], total=False)
    rows = [[int(str(row[0])), *row[1:]] for row in rows]
    z.add(2, "kommunekode_alder.csv",
          delimited(["Kommunekode", "0-17 år", "18-64 år", "65 år og derover"], rows, sep=";"),
          families=fam, code=code, note="numeric codes as labels and unit-word headers; a 65+ cell of 2")

    r = z.rng("c02-combined")
    cols = ["Mænd 0-64 år", "Mænd 65 år og derover", "Kvinder 0-64 år", "Kvinder 65 år og derover"]
    rows = _age_band_rows(r, DK_REGIONS, (2, 2), 1, [(40, 900), (10, 300), (40, 900), (10, 300)], total=False)
    z.add(2, "region_koen_alder_bred.csv", delimited(["Region", *cols], rows, sep=";"),
          families=fam, code=code, note="sex and age band combined in the headers; Syddanmark men 65+ = 1")


# ---- 3: thousands separators of the locale -----------------------------------------------------------


def _class_03(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB001"

    r = z.rng("c03-dk-dot")
    kommuner = [*r.sample(DK_KOMMUNER[:-3], r.randint(15, 25)), "Læsø"]
    counts = [r.randint(1_200, 95_000) for _ in kommuner]
    counts[-1] = 2
    total = sum(counts)
    rows = [[k, thousands(c, "."), _pct(c, total, 1, ",")] for k, c in zip(kommuner, counts, strict=True)]
    z.add(3, "kommune_antal_andel.csv", delimited(["Kommune", "Antal personer", "Andel (%)"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="'50.285' is fifty thousand (Danish Excel); Læsø = 2")

    r = z.rng("c03-dk-wide")
    matrix = []
    for _ in DK_REGIONS:
        base = r.randint(550_000, 1_900_000)
        matrix.append([base + r.randint(-9_000, 9_000) for _ in range(4)])
    matrix.append([2, 4, 7, 5])
    labels = [*DK_REGIONS, "Uoplyst område"]
    body = _with_totals(labels, ["2020", "2021", "2022", "2023"], matrix, "Hele landet", row_total=False)
    rows = [[label, *(thousands(v, ".") for v in values)] for label, *values in [body[-1], *body[:-1]]]
    z.add(3, "befolkning_omraade_aar.csv",
          delimited(["Område", "2020", "2021", "2022", "2023"], rows, sep=";",
                    pre=["Befolkningen 1. januar efter område og tid;;;;", "Enhed: Antal;;;;"]),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="'1.234.567' thousands; unknown-area row has a 2 in 2020")

    r = z.rng("c03-se-space")
    rows = [[lan, thousands(r.randint(1_100, 240_000), " "), thousands(r.randint(1_100, 240_000), " ")]
            for lan in SE_LAN]
    rows[7][2] = Num("2")
    z.add(3, "lan_antal_mellanslag.csv", delimited(["Län", "Män", "Kvinnor"], rows, sep=";"),
          families=fam, code=code, note="'12 345' with a space; Gotland women = 2")

    r = z.rng("c03-se-nbsp")
    kommuner = [*r.sample(SE_KOMMUNER[:-3], r.randint(12, 20)), "Sorsele"]
    rows = []
    for k in kommuner:
        n = r.randint(1_500, 60_000)
        rows.append([k, thousands(n, "\u00a0"), decimal(r.uniform(2, 25), 1, ",")])
    rows[-1][1] = Num("1")
    z.add(3, "kommun_antal_nbsp.csv", delimited(["Kommun", "Antal", "Andel (%)"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="no-break space thousands (Swedish Excel, cp1252); Sorsele = 1")

    r = z.rng("c03-no-space")
    kommuner = [*r.sample(NO_KOMMUNER[:-4], r.randint(10, 15)), "Modalen"]
    rows = [[k, thousands(r.randint(1_000, 70_000), " "), thousands(r.randint(1_000, 70_000), " ")]
            for k in kommuner]
    rows[-1][2] = Num("2")
    z.add(3, "kommune_antall_mellomrom.csv", delimited(["Kommune", "Menn", "Kvinner"], rows, sep=";"),
          families=fam, code=code, note="Norwegian space thousands; Modalen women = 2")

    r = z.rng("c03-fi-space")
    kunnat = [*r.sample(FI_KUNNAT[:-2], r.randint(12, 18)), "Kökar"]
    rows = [[k, thousands(r.randint(1_000, 300_000), " ")] for k in kunnat]
    rows[-1][1] = Num("1")
    z.add(3, "kunta_lkm.csv", delimited(["Kunta", "Lukumäärä"], rows, sep=";"),
          families=fam, code=code, note="Finnish space thousands; Kökar = 1")

    r = z.rng("c03-en-comma")
    rows = []
    for reg in EN_REGIONS:
        rows.append([reg, f"{r.randint(1_000, 90_000):,}", f"{r.randint(1_000, 90_000):,}"])
    rows[2][1] = "2"
    z.add(3, "region_count_bigmark.csv", r_write_csv(["region", "male", "female"], rows),
          families=fam, code=code, note="R format(big.mark=',') then write.csv: quoted '12,345'; one cell '2'")

    r = z.rng("c03-en-tab")
    counties = ["Cumbria", "Durham", "Northumberland", "Lancashire", "Merseyside", "Cheshire", "Rutland",
                "Isles of Scilly"]
    rows = [[c, Num(f"{r.randint(1_000, 60_000):,}"), Num(f"{r.randint(1_000, 60_000):,}")] for c in counties]
    rows[-1][1] = Num("2")
    z.add(3, "county_cases.tsv", delimited(["county", "cases_2022", "cases_2023"], rows, sep="\t"),
          families=fam, code=code, note="tab-separated, unquoted '12,345'; Isles of Scilly = 2")

    r = z.rng("c03-dk-exact-thousands")
    rows = [[b, thousands(r.randint(2, 90) * 250, ".")] for b in DK_BRANCHER]
    rows[1][1] = Num("1")
    z.add(3, "beskaeftigede_branche.csv", delimited(["Branche", "Beskæftigede"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="every large value ends in .ddd (rounded to 250s); Råstofindvinding = 1")

    r = z.rng("c03-dk-ambiguous")
    kommuner = r.sample(DK_KOMMUNER[:-3], r.randint(12, 18))
    rows = [[k, thousands(r.randint(1_001, 9_999), ".")] for k in kommuner]
    rows[r.randrange(len(rows))][1] = Num("2")
    z.add(3, "hjemmehjaelp_kommune.csv", delimited(["Kommune", "Modtagere af hjemmehjælp"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="every other value is 1.001-9.999, so '2.345' could pass for a decimal; one cell is 2")

    r = z.rng("c03-en-ambiguous")
    rows = [[ind, f"{r.randint(1_001, 9_999):,}"] for ind in EN_INDUSTRIES]
    rows[1][1] = "2"
    z.add(3, "employers_industry.csv", r_write_csv(["industry", "employers"], rows),
          families=fam, code=code, note="quoted '1,234' values could pass for decimal commas; mining = '2'")


# ---- 4: person-level records without an ID column ----------------------------------------------------

DK_POSTNR = [
    (2100, "København"), (2200, "København"), (2300, "København"), (2000, "Frederiksberg"), (8000, "Aarhus"),
    (8200, "Aarhus"), (5000, "Odense"), (5230, "Odense"), (9000, "Aalborg"), (6700, "Esbjerg"), (7100, "Vejle"),
    (8900, "Randers"), (8800, "Viborg"), (6000, "Kolding"), (8600, "Silkeborg"), (7400, "Herning"),
    (8700, "Horsens"), (4000, "Roskilde"), (4700, "Næstved"), (4200, "Slagelse"), (3000, "Helsingør"),
    (3400, "Hillerød"), (5700, "Svendborg"), (6400, "Sønderborg"), (9800, "Hjørring"), (3700, "Bornholm"),
    (9940, "Læsø"), (6720, "Fanø"),
]
DK_KOMMUNE_CODES = [101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169, 173, 175, 183, 185, 187, 190,
                    201, 210, 217, 219, 223, 230, 240, 250, 253, 259, 260, 265, 269, 270, 306, 316, 320, 326,
                    329, 330, 336, 340, 350, 360, 370, 376, 390, 400, 410, 420, 430, 440, 450, 461, 479, 480,
                    482, 492, 510, 530, 540, 550, 561, 563, 573, 575, 580, 607, 615, 621, 630, 657, 661, 665,
                    671, 706, 707, 710, 727, 730, 740, 741, 746, 751, 756, 760, 766, 773, 779, 787, 791, 810,
                    813, 820, 825, 840, 846, 849, 851, 860]
ICD10 = ["DI21", "DI63", "DJ18", "DJ44", "DE11", "DS72", "DC50", "DC34", "DK35", "DN39", "DF32", "DI50", "DO80"]


def _class_04(z: _Zoo) -> None:
    fam, mic3, mic1 = {"MIC"}, "MIC003", "MIC001"

    r = z.rng("c04-dk")
    rows = []
    for _ in range(r.randint(300, 600)):
        born = _date(r, dt.date(1925, 1, 1), dt.date(2004, 12, 31))
        adm = _date(r, dt.date(2019, 1, 1), dt.date(2022, 12, 31))
        out = adm + dt.timedelta(days=r.choice([0, 0, 1, 1, 2, 3, 4, 5, 7, 10, 14, 21]))
        postnr, kommune = r.choice(DK_POSTNR)
        rows.append([born.strftime("%d-%m-%Y"), r.choice("MK"), _age(born, adm), postnr, kommune,
                     adm.strftime("%d-%m-%Y"), out.strftime("%d-%m-%Y"), r.choice(ICD10)])
    header = ["fødselsdato", "køn", "alder", "postnr", "kommune", "indlæggelsesdato", "udskrivelsesdato",
              "aktionsdiagnose"]
    z.add(4, "indlaeggelser_udtraek.csv", delimited(header, rows, sep=";"), families=fam, code=mic3,
          eol="\r\n", note="admissions: exact birth and admission dates, postcode, sex; no ID column")

    r = z.rng("c04-se")
    rows = []
    for _ in range(r.randint(900, 1500)):
        born = _date(r, dt.date(1940, 1, 1), dt.date(2000, 12, 31))
        rows.append([born.isoformat(), r.choice([1, 2]), _age(born, dt.date(2021, 12, 31)),
                     f"{r.randint(100, 984)} {r.randint(10, 99)}", r.choice(SE_KOMMUNER), r.randint(0, 9000) * 100])
    z.add(4, "kohort_inkomst.csv",
          delimited(["fodelsedatum", "kon", "alder", "postnummer", "kommun", "disponibel_inkomst"], rows),
          families=fam, code=mic3, note="readr: birth date, sex, postcode, municipality, income per person")

    r = z.rng("c04-no")
    rows = []
    for _ in range(r.randint(200, 320)):
        born = _date(r, dt.date(1930, 1, 1), dt.date(2005, 12, 31))
        adm = _date(r, dt.date(2020, 1, 1), dt.date(2023, 6, 30))
        rows.append([born.strftime("%d.%m.%Y"), r.choice(["Mann", "Kvinne"]), _age(born, adm),
                     f"{r.randint(1, 9990):04d}", r.choice(NO_KOMMUNER), adm.strftime("%d.%m.%Y")])
    z.add(4, "pasienter_innleggelse.csv",
          delimited(["fodt", "kjonn", "alder", "postnr", "kommune", "innleggelsesdato"], rows, sep=";",
                    quoting="all"),
          families=fam, code=mic3, eol="\r\n", note="Norwegian patients, dd.mm.yyyy dates, 4-digit postcodes")

    r = z.rng("c04-fi")
    rows = []
    for _ in range(r.randint(600, 900)):
        born = _date(r, dt.date(1935, 1, 1), dt.date(2003, 12, 31))
        came = _date(r, dt.date(2021, 1, 1), dt.date(2022, 12, 31))
        rows.append([f"{born.day}.{born.month}.{born.year}", r.choice(["mies", "nainen"]), _age(born, came),
                     f"{r.randint(0, 99)*1000 + r.randint(0, 9)*10:05d}", r.choice(FI_KUNNAT),
                     f"{came.day}.{came.month}.{came.year}"])
    z.add(4, "potilaat.csv",
          delimited(["syntymaaika", "sukupuoli", "ika", "postinumero", "kunta", "tulopaiva"], rows, sep=";"),
          families=fam, code=mic3, encoding="utf-8-sig", note="Finnish patients, d.m.yyyy dates")

    r = z.rng("c04-en")
    rows = []
    outward = ["NE1", "NE4", "M14", "LS6", "B15", "NG7", "CB2", "OX3", "BS8", "SE5", "N19", "EX4", "PL6"]
    for _ in range(r.randint(120, 180)):
        born = _date(r, dt.date(1930, 1, 1), dt.date(2004, 12, 31))
        adm = _date(r, dt.date(2021, 1, 1), dt.date(2022, 12, 31))
        postcode = f"{r.choice(outward)} {r.randint(1, 9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQ')}"
        rows.append([born.isoformat(), r.choice(["F", "M"]), _age(born, adm), postcode, adm.isoformat(),
                     r.randint(0, 30)])
    z.add(4, "admissions_extract.csv",
          r_write_csv(["dob", "sex", "age", "postcode", "admission_date", "los_days"], rows),
          families=fam, code=mic3, note="R write.csv with row names 1..n; full postcodes and dates of birth")

    r = z.rng("c04-sas")
    rows = []
    months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    def date9(d: dt.date) -> str:
        return f"{d.day:02d}{months[d.month - 1]}{d.year}"

    for _ in range(r.randint(1500, 2000)):
        born = _date(r, dt.date(1925, 1, 1), dt.date(2004, 12, 31))
        adm = _date(r, dt.date(2018, 1, 1), dt.date(2022, 12, 31))
        postnr, _ = r.choice(DK_POSTNR)
        rows.append([date9(born), r.choice([1, 2]), _age(born, adm), postnr, r.choice(DK_KOMMUNE_CODES),
                     date9(adm), r.choice(ICD10)])
    z.add(4, "cohort_export.csv",
          delimited(["BIRTHDATE", "SEX", "AGE", "ZIP", "MUNIC", "ADMDATE", "DIAG"], rows),
          families=fam, code=mic3, eol="\r\n", note="SAS PROC EXPORT, DATE9. dates, coded sex and municipality")

    r = z.rng("c04-pandas")
    rows = []
    for _ in range(r.randint(50, 70)):
        born = _date(r, dt.date(1950, 1, 1), dt.date(1999, 12, 31))
        postnr, kommune = r.choice(DK_POSTNR)
        rows.append([born.isoformat(), r.choice(["male", "female"]), _age(born, dt.date(2022, 1, 1)), kommune,
                     postnr, float(r.randint(150_000, 900_000))])
    z.add(4, "sample_persons.csv",
          delimited(["birth_date", "sex", "age", "municipality", "postcode", "income"], rows),
          families=fam, code=mic3, note="pandas to_csv(index=False), 50-70 persons, income as float")

    r = z.rng("c04-dk-wide")
    years = list(range(2015, 2023))
    rows = []
    for _ in range(r.randint(400, 600)):
        base = r.choice([0, r.randint(60_000, 900_000)])
        rows.append([r.choice([1, 2]), r.randint(18, 80),
                     *(max(0, base + r.randint(-40_000, 60_000)) if base else 0 for _ in years)])
    z.add(4, "indkomst_paneldata.csv", delimited(["koen", "alder", *(f"indk{y}" for y in years)], rows, sep=";"),
          families=fam, code=mic1, note="one row per person, one income column per year")

    r = z.rng("c04-se-wide")
    years = list(range(2010, 2021))
    rows = []
    for _ in range(r.randint(250, 350)):
        base = r.randint(500, 8000)
        rows.append([r.choice([1, 2]), r.randint(1950, 1995), *(base + r.randint(-300, 400) for _ in years)])
    z.add(4, "inkomst_panel.csv", delimited(["kon", "fodelsear", *(f"ink{y}" for y in years)], rows),
          families=fam, code=mic1, note="SCB income in hundreds of kronor, one row per person")

    r = z.rng("c04-en-wide")
    years = list(range(2015, 2021))
    rows = []
    for _ in range(r.randint(120, 180)):
        base = r.choice([0, r.randint(9_000, 120_000), r.randint(9_000, 60_000)])
        rows.append([max(0, base + r.randint(-3_000, 5_000)) if base else 0 for _ in years])
    z.add(4, "earnings_by_year.csv", delimited([str(y) for y in years], rows),
          families=fam, code=mic1, note="only period headers, no label column: one row per person")


# ---- 5: bare lists of keys ---------------------------------------------------------------------------


def _class_05(z: _Zoo) -> None:
    mic, code = {"MIC"}, "MIC002"

    r = z.rng("c05-pseudo")
    keys = sorted(_distinct(r, r.randint(250, 350), 10_000_000, 99_999_999))
    z.add(5, "pnr_krypteret.csv", "\n".join(map(str, keys)) + "\n", families=mic, code="MIC001",
          eol="\r\n", note="headerless one-column CSV of 8-digit pseudonymised person numbers")

    r = z.rng("c05-lopnr-txt")
    keys = sorted(_distinct(r, r.randint(1000, 1300), 1, 2_500_000))
    z.add(5, "lopnr_urval.txt", "\n".join(map(str, keys)) + "\n", families=mic, code="MIC001",
          note="headerless .txt of SCB running numbers (LopNr) of a sample")

    r = z.rng("c05-unsorted-txt")
    keys = _distinct(r, r.randint(60, 90), 10_000_000, 99_999_999)
    z.add(5, "udvalgte_personer.txt", "\n".join(map(str, keys)) + "\n", families=mic, code="MIC001",
          eol="\r\n", note="headerless .txt of pseudonymised numbers, unsorted, CRLF")

    r = z.rng("c05-running")
    keys = sorted(_distinct(r, r.randint(400, 600), 100_001, 160_000))
    z.add(5, "ids_for_linkage.csv", "\n".join(map(str, keys)) + "\n", families=mic, code="MIC001",
          note="headerless list of running numbers with gaps: which persons are in the cohort")

    r = z.rng("c05-lopnr-header")
    keys = sorted(_distinct(r, r.randint(500, 700), 1, 9_000_000))
    z.add(5, "LopNr.csv", "LopNr\n" + "\n".join(map(str, keys)) + "\n", families=mic, code=code,
          note="one column named LopNr")

    r = z.rng("c05-arbnr")
    keys = _distinct(r, r.randint(350, 450), 1_000_000, 9_999_999)
    rows = [[k, r.randint(3, 800)] for k in keys]
    z.add(5, "arbnr_antal_ansatte.csv", delimited(["arbnr", "antal_ansatte"], rows, sep=";"),
          families=mic, code=code, note="workplace keys with employee counts, all >= 3")

    r = z.rng("c05-peorg")
    keys = _distinct(r, r.randint(200, 300), 1, 400_000)
    rows = [[k, r.randint(3, 300)] for k in keys]
    z.add(5, "PeOrgLopNr_n.csv", delimited(["PeOrgLopNr", "n"], rows), families=mic, code=code,
          note="SCB enterprise running numbers with a count each, all >= 3")

    r = z.rng("c05-arbst")
    keys = _distinct(r, r.randint(300, 400), 1, 900_000)
    rows = [[k, r.choice([1, 1, 2, 3, 4, 6, 9, 15, 40, 120])] for k in keys]
    z.add(5, "ArbStLopNr_antal.csv", delimited(["ArbStLopNr", "antal"], rows, sep=";"),
          families={"MIC", "TAB"}, code=code, note="workplace running numbers, many counts of 1-2")

    r = z.rng("c05-cvr")
    keys = sorted({_cvr(r) for _ in range(r.randint(180, 220))})
    rows = [[k, r.randint(3, 500)] for k in keys]
    z.add(5, "cvrnr_antal_job.csv", delimited(["cvrnr", "antal_job"], rows, sep=";"),
          families={"MIC", "PID"}, code=code, note="valid CVR numbers with a job count each (>= 3)")

    r = z.rng("c05-famid")
    keys = _distinct(r, r.randint(800, 1000), 1, 5_000_000)
    rows = [[k, r.choice([1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6])] for k in keys]
    z.add(5, "famid_personer.csv", delimited(["FamId", "antal_personer"], rows),
          families={"MIC", "TAB"}, code=code, note="family keys with family size")

    r = z.rng("c05-adresse")
    rows = []
    for _ in range(r.randint(600, 750)):
        rows.append([r.randint(10_000_000, 99_999_999), r.randint(100_000_000, 999_999_999), r.randint(1, 6)])
    z.add(5, "adresse_husstand.csv", delimited(["adresse_id", "husstand_id", "antal_personer"], rows, sep=";"),
          families={"MIC", "TAB"}, code=code, note="address and household keys with persons per household")

    r = z.rng("c05-lbnr")
    keys = _distinct(r, r.randint(250, 350), 1, 3_000_000)
    rows = [[k, r.randint(3, 60)] for k in keys]
    z.add(5, "lbnr_recepter.csv", delimited(["lbnr", "antal_recepter"], rows, sep=";"),
          families=mic, code=code, note="lbnr (person running number) with prescriptions per person, all >= 3")


# ---- 6: one suppressed cell beside a published total -------------------------------------------------


def _class_06(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB004"

    r = z.rng("c06-nlt3")
    matrix = [[r.randint(40, 900), r.randint(40, 900)] for _ in DK_REGIONS]
    matrix[3][1] = 2
    rows = _hide(_with_totals(DK_REGIONS, ["Mænd", "Kvinder"], matrix, "I alt"), [(3, 2)], "n<3")
    z.add(6, "region_koen_undertrykt.csv", delimited(["Region", "Mænd", "Kvinder", "I alt"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="'n<3' in one cell; its row total and column total are published")

    r = z.rng("c06-dotdot")
    kommuner = r.sample(DK_KOMMUNER[:-3], r.randint(8, 12))
    matrix = [[r.randint(20, 500) for _ in range(3)] for _ in kommuner]
    hide_row = r.randrange(len(kommuner))
    matrix[hide_row][1] = 1
    rows = _hide(_with_totals(kommuner, ["2021", "2022", "2023"], matrix, "I alt", row_total=False),
                 [(hide_row, 2)], "..")
    z.add(6, "anmeldelser_kommune_aar.csv",
          delimited(["Kommune", "2021", "2022", "2023"], rows, sep=";",
                    pre=["Anmeldte arbejdsskader efter kommune og tid;;;", "Enhed: Antal;;;"]),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="StatBank-like '..' in one cell of a column with an 'I alt' row")

    r = z.rng("c06-x-totalt")
    matrix = [[r.randint(30, 2000), r.randint(30, 2000)] for _ in SE_LAN]
    matrix[7][0] = 2
    rows = _hide(_with_totals(SE_LAN, ["Män", "Kvinnor"], matrix, "Riket", col_total=False), [(7, 1)], "x")
    z.add(6, "lan_kon_totalt.csv", delimited(["Län", "Män", "Kvinnor", "Totalt"], rows, sep=";"),
          families=fam, code=code, note="'x' beside a 'Totalt' column: men = total - women")

    r = z.rng("c06-dash-yhteensa")
    matrix = [[r.randint(15, 900), r.randint(15, 900)] for _ in FI_MAAKUNNAT]
    matrix[-1][1] = 1
    rows = _hide(_with_totals(FI_MAAKUNNAT, ["Miehet", "Naiset"], matrix, "Yhteensä", row_total=False),
                 [(len(FI_MAAKUNNAT) - 1, 2)], "-")
    z.add(6, "maakunta_sukupuoli_yhteensa.csv", delimited(["Maakunta", "Miehet", "Naiset"], rows, sep=";"),
          families=fam, code=code, encoding="utf-8-sig", note="'-' in one cell, column total row 'Yhteensä'")

    r = z.rng("c06-star-total")
    matrix = [[r.randint(10, 400), r.randint(10, 400)] for _ in EN_REGIONS]
    matrix[0][0] = 2
    rows = _hide(_with_totals(EN_REGIONS, ["Male", "Female"], matrix, "England", col_total=False), [(0, 1)], "*")
    z.add(6, "region_sex_total.csv", delimited(["region", "Male", "Female", "Total"], rows),
          families=fam, code=code, note="'*' beside a 'Total' column")

    r = z.rng("c06-empty-sum")
    brancher = DK_BRANCHER[: r.randint(8, 12)]
    matrix = [[r.randint(5, 300) for _ in range(3)] for _ in brancher]
    matrix[1][2] = 2
    rows = _hide(_with_totals(brancher, ["2019", "2020", "2021"], matrix, "I alt", col_total=False), [(1, 3)], "")
    z.add(6, "ulykker_branche_aar.csv", delimited(["Branche", "2019", "2020", "2021", "Sum"], rows, sep=";"),
          families=fam, code=code, note="an empty cell beside a 'Sum' column")

    r = z.rng("c06-alle-long")
    ages = ["0-17 år", "18-66 år", "67 år eller eldre"]
    rows = []
    small_fylke = r.randrange(len(NO_FYLKER))
    for i, fylke in enumerate(NO_FYLKER):
        values = [r.randint(20, 800) for _ in ages]
        if i == small_fylke:
            values[2] = 2
        rows.extend([fylke, a, ".." if (i == small_fylke and j == 2) else v] for j, (a, v) in
                    enumerate(zip(ages, values, strict=True)))
        rows.append([fylke, "Alle", sum(values)])
    z.add(6, "fylke_alder_alle.csv", delimited(["fylke", "alder", "antall"], rows, sep=";"),
          families=fam, code=code, note="long format: '..' for one age group, the 'Alle' row gives it back")

    r = z.rng("c06-totalt-long")
    rows = []
    small = r.randrange(len(SE_LAN))
    for i, lan in enumerate(SE_LAN):
        m, f = r.randint(20, 3000), r.randint(20, 3000)
        if i == small:
            f = 1
        rows.extend([[lan, "Män", m], [lan, "Kvinnor", "x" if i == small else f], [lan, "Totalt", m + f]])
    z.add(6, "lan_kon_lang.csv", delimited(["region", "kon", "antal"], rows),
          families=fam, code=code, note="long format with 'Totalt' rows; one 'x' recoverable")

    r = z.rng("c06-column-only")
    kommuner = r.sample(DK_KOMMUNER[:-3], r.randint(9, 14))
    cols = ["0-17 år", "18-39 år", "40-64 år", "65+ år"]
    matrix = [[r.randint(30, 700) for _ in cols] for _ in kommuner]
    k, m = 2, 5
    matrix[k][0], matrix[k][1], matrix[m][1], matrix[m][2] = 2, r.randint(30, 90), r.randint(30, 90), r.randint(30, 90)
    rows = _hide(_with_totals(kommuner, cols, matrix, "I alt"), [(k, 1), (k, 2), (m, 2), (m, 3)], "n<3")
    z.add(6, "kommune_alder_to_skjulte.csv", delimited(["Kommune", *cols, "I alt"], rows, sep=";"),
          families=fam, code=code,
          note="two hidden cells in each affected row, but the first age column has only one: the 'I alt' "
               "row gives it back")

    r = z.rng("c06-pandas-all")
    matrix = [[r.randint(10, 500), r.randint(10, 500)] for _ in EN_REGIONS]
    hide = r.randrange(len(EN_REGIONS))
    matrix[hide][0] = 1
    rows = _hide(_with_totals(EN_REGIONS, ["Female", "Male"], matrix, "All"), [(hide, 1)], "")
    z.add(6, "crosstab_margins.csv", delimited(["region", "Female", "Male", "All"], rows),
          families=fam, code=code, note="pandas crosstab(margins=True) with NaN written as empty; 'All' margins")

    r = z.rng("c06-spss")
    naer = NO_NAERINGER[:8]
    matrix = [[r.randint(20, 900), r.randint(20, 900)] for _ in naer]
    matrix[1][1] = 2
    body = _hide(_with_totals(naer, ["Menn", "Kvinner"], matrix, "Total"), [(1, 2)], "..")
    rows = [["Næring", *row] if i == 0 else ["", *row] for i, row in enumerate(body[:-1])]
    rows.append(["Total", "", *body[-1][1:]])
    z.add(6, "naering_kjonn_crosstab.csv",
          delimited(["", "", "Menn", "Kvinner", "Total"], rows, sep=",", quoting="all",
                    pre=['"Næring * Kjønn Crosstabulation"', '"Count"', '"","","Kjønn","",""']),
          families=fam, code=code, eol="\r\n", note="SPSS crosstab export, '..' beside the Total row and column")


# ---- 7: counts inside text cells (clinical Table 1) --------------------------------------------------


def _parts(r: random.Random, total: int, k: int, small: int | None = None) -> list[int]:
    """``k`` counts summing to ``total``, each at least 3; the last one is ``small`` when given."""
    rest = total - (small or 0)
    m = k - (1 if small is not None else 0)
    cuts = sorted(r.sample(range(3, rest - 3 * (m - 1)), m - 1)) if m > 1 else []
    out, prev = [], 0
    for i, c in enumerate(cuts):
        c += 3 * i
        out.append(c - prev)
        prev = c
    out.append(rest - prev)
    out = [max(3, v) for v in out]
    out[-1] = rest - sum(out[:-1])
    if out[-1] < 3:  # rebalance from the largest
        big = out.index(max(out))
        out[big] -= 3 - out[-1]
        out[-1] = 3
    return [*out, small] if small is not None else out


def _tableone_pct(k: int, n: int) -> str:
    return f"{k} ({100 * k / n:4.1f}) "


def _class_07(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB001"

    r = z.rng("c07-tableone")
    n = r.randint(300, 600)
    female = r.randint(n // 3, 2 * n // 3)
    smoke = _parts(r, n, 3)
    diab = _parts(r, n, 4, small=2)
    rows = [["n", str(n)], ["age (mean (SD))", f"{r.uniform(45, 65):.2f} ({r.uniform(9, 15):.2f})"],
            ["sex = Female (%)", _tableone_pct(female, n)],
            ["bmi (median [IQR])", f"{r.uniform(24, 28):.2f} [{r.uniform(21, 23):.2f}, {r.uniform(29, 32):.2f}]"],
            ["smoking (%)", ""]]
    rows += [[f"   {lab}", _tableone_pct(v, n)] for lab, v in zip(["Never", "Former", "Current"], smoke, strict=True)]
    rows += [["diabetes (%)", ""]]
    rows += [[f"   {lab}", _tableone_pct(v, n)] for lab, v in zip(["None", "Type 2", "Type 1", "MODY"], diab,
                                                                  strict=True)]
    z.add(7, "table1_overall.csv", delimited(["", "Overall"], rows, quoting="all"),
          families=fam, code=code, note="tableone print() through write.csv; 'MODY' = '2 ( 0.4)'")

    r = z.rng("c07-tableone-strata")
    n1, n2 = r.randint(150, 300), r.randint(150, 300)
    rows = [["n", "", str(n1), str(n2), "", ""],
            ["age (mean (SD))", "", f"{r.uniform(50, 60):.1f} ({r.uniform(9, 13):.1f})",
             f"{r.uniform(50, 60):.1f} ({r.uniform(9, 13):.1f})", f"{r.uniform(0.1, 0.9):.3f}", ""]]
    for var, levels, small in [("sex (%)", ["Female", "Male"], None),
                               ("nyha (%)", ["I", "II", "III", "IV"], 1)]:
        a = _parts(r, n1, len(levels))
        b = _parts(r, n2, len(levels), small=small) if small else _parts(r, n2, len(levels))
        for i, lev in enumerate(levels):
            rows.append([var if i == 0 else "", lev, _tableone_pct(a[i], n1), _tableone_pct(b[i], n2),
                         f"{r.uniform(0.01, 0.9):.3f}" if i == 0 else "", ""])
    z.add(7, "table1_by_arm.csv", delimited(["", "level", "Placebo", "Active", "p", "test"], rows, quoting="all"),
          families=fam, code=code, note="tableone stratified with levels; NYHA IV in the active arm = 1")

    r = z.rng("c07-gtsummary")
    n = r.randint(250, 500)
    stage = _parts(r, n, 5, small=2)
    rows: list[list[object]] = [["Age", f"{r.randint(50, 60)} ({r.randint(38, 45)}, {r.randint(64, 72)})"],
                                ["Sex", None]]
    f = r.randint(n // 3, 2 * n // 3)
    rows += [["Female", f"{f} ({round(100 * f / n)}%)"], ["Male", f"{n - f} ({round(100 * (n - f) / n)}%)"],
             ["T Stage", None]]
    rows += [[lab, f"{v} ({round(100 * v / n)}%)"] for lab, v in zip(["T1", "T2", "T3", "T4", "T4b"], stage,
                                                                    strict=True)]
    z.add(7, "tbl_summary.csv", delimited(["**Characteristic**", f"**N = {n}**¹"], rows, na="NA"),
          families=fam, code=code, note="gtsummary as_tibble() + readr::write_csv; 'T4b' = '2 (0%)'")

    r = z.rng("c07-gtsummary-by")
    n1, n2 = r.randint(100, 200), r.randint(100, 200)
    rows = [["Age", f"{r.randint(45, 55)} ({r.randint(35, 42)}, {r.randint(60, 70)})",
             f"{r.randint(45, 55)} ({r.randint(35, 42)}, {r.randint(60, 70)})"], ["Response", None, None]]
    resp_a, resp_b = _parts(r, n1, 3), _parts(r, n2, 3)
    for lab, a, b in zip(["Complete", "Partial", "None"], resp_a, resp_b, strict=True):
        rows.append([lab, f"{a} ({round(100 * a / n1)}%)", f"{b} ({round(100 * b / n2)}%)"])
    rows.append(["Grade 4 toxicity", f"{r.randint(5, 20)} ({r.randint(4, 12)}%)", "1 (<1%)"])
    z.add(7, "tbl_summary_by_trt.csv",
          delimited(["**Characteristic**", f"**Drug A**, N = {n1}", f"**Drug B**, N = {n2}"], rows, na="NA"),
          families=fam, code=code, note="gtsummary by treatment; grade 4 toxicity on drug B = '1 (<1%)'")

    r = z.rng("c07-table1-mc")
    n1, n2 = r.randint(200, 400), r.randint(200, 400)
    rows = [["Age, mean (SD)", f"{r.uniform(50, 60):.1f} ({r.uniform(8, 12):.1f})",
             f"{r.uniform(50, 60):.1f} ({r.uniform(8, 12):.1f})", f"{r.uniform(0.05, 0.9):.2f}"]]
    a, b = _parts(r, n1, 3), _parts(r, n2, 4, small=2)
    rows.append(["Prior stroke, n (%)", "", "", f"{r.uniform(0.05, 0.9):.2f}"])
    for lab, x, y in zip(["   None", "   One", "   Two or more", "   Unknown"], [*a, 0], b, strict=True):
        rows.append([lab, f"{x} ({100 * x / n1:.1f}%)", f"{y} ({100 * y / n2:.1f}%)", ""])
    z.add(7, "table1_mc.csv", delimited(["Factor", f"Control N={n1}", f"Case N={n2}", "p-value"], rows),
          families=fam, code=code, note="Stata table1_mc exported; 'Unknown' among cases = '2 (0.x%)'")

    r = z.rng("c07-n-eq")
    n = r.randint(800, 1500)
    k = r.randint(n // 3, 2 * n // 3)
    rows = [["Kvinder", f"n={k} ({100 * k / n:.1f} %)".replace(".", ",")],
            ["Alder, median (IQR)", f"{r.randint(60, 70)} ({r.randint(50, 58)}-{r.randint(72, 80)})"],
            ["Tidligere AMI", f"n={r.randint(50, 200)}"],
            ["Død inden for 30 dage", "n=2"],
            ["Genindlagt inden for 30 dage", f"n={r.randint(40, 120)}"]]
    z.add(7, "karakteristika_kohorte.csv",
          delimited(["Karakteristika", f"Kohorte (N={thousands(n, '.')})"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n", note="counts written 'n=2'")

    r = z.rng("c07-slash")
    n1, n2 = r.randint(120, 200), r.randint(120, 200)
    rows = []
    for outcome in ["Death", "Myocardial infarction", "Stroke", "Major bleeding", "Anaphylaxis"]:
        a = r.randint(5, 30) if outcome != "Anaphylaxis" else 2
        b = r.randint(5, 30)
        rows.append([outcome, f"{a}/{n1}", f"{b}/{n2}", decimal((a / n1) / (b / n2), 2)])
    z.add(7, "events_by_arm.csv", delimited(["Outcome", "Treated", "Control", "Risk ratio"], rows),
          families=fam, code=code, note="events written '2/150'; anaphylaxis among treated = 2")

    r = z.rng("c07-sv")
    n = r.randint(250, 400)
    k = r.randint(n // 3, 2 * n // 3)
    rows = [["Kvinnor, n (%)", f"{k} ({100 * k / n:.1f})".replace(".", ",")],
            ["Ålder, medel (SD)", f"{r.uniform(55, 65):.1f} ({r.uniform(9, 13):.1f})".replace(".", ",")],
            ["Diabetes typ 2, n (%)", f"{(d := r.randint(30, 80))} ({100 * d / n:.1f})".replace(".", ",")],
            ["Diabetes typ 1, n (%)", f"2 ({200 / n:.1f})".replace(".", ",")],
            ["Rökare, n (%)", f"{(s := r.randint(30, 80))} ({100 * s / n:.1f})".replace(".", ",")]]
    z.add(7, "tabell1.csv", delimited(["Variabel", f"Totalt (n={n})"], rows, sep=";"),
          families=fam, code=code, note="Swedish Table 1, decimal comma; type 1 diabetes = '2 (0,x)'")

    r = z.rng("c07-sas")
    n = r.randint(400, 900)
    rows = []
    for var, levels in [("Sex", ["Female", "Male"]), ("Dialysis", ["No", "Yes"]),
                        ("Region", ["Capital", "Zealand", "Southern", "Central", "Northern"])]:
        parts = [n - 1, 1] if var == "Dialysis" else _parts(r, n, len(levels))
        for lab, v in zip(levels, parts, strict=True):
            rows.append([var, lab, f"{v} ({100 * v / n:.1f}%)"])
    z.add(7, "baseline_ods.csv", delimited(["Variable", "Level", "N (%)"], rows, quoting="strings"),
          families=fam, code=code, eol="\r\n", note="SAS ODS CSV of a report; dialysis 'Yes' = '1 (0.x%)'")


# ---- 8: extremes -------------------------------------------------------------------------------------


def _class_08(z: _Zoo) -> None:
    ext, ext_tab = {"EXT"}, {"EXT", "TAB"}

    r = z.rng("c08-dk-n")
    rows = []
    for reg in DK_REGIONS:
        for sex in ["Mænd", "Kvinder"]:
            n = r.randint(12, 400)
            mean = r.uniform(180, 260)
            rows.append([reg, sex, n, decimal(mean, 1, ","), decimal(mean - r.uniform(60, 90), 2, ","),
                         decimal(mean + r.uniform(80, 200), 2, ",")])
    rows[-1][2], rows[-1][3], rows[-1][4], rows[-1][5] = 2, Num("231,4"), Num("214,90"), Num("247,90")
    z.add(8, "timeloen_region_koen.csv",
          delimited(["Region", "Køn", "Antal", "Gennemsnitlig timeløn", "Mindste timeløn", "Højeste timeløn"], rows,
                    sep=";"),
          families=ext_tab, code="EXT001", eol="\r\n", note="min and max of a group of 2 (Nordjylland women)")

    r = z.rng("c08-sas-means")
    regions = ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland", "Bornholm"]
    rows = []
    for reg in regions:
        n = r.randint(30, 500) if reg != "Bornholm" else 1
        mean = r.uniform(280_000, 420_000)
        if n == 1:
            rows.append([reg, n, n, decimal(mean, 1), Num("."), decimal(mean, 1), decimal(mean, 1)])
        else:
            rows.append([reg, n, n, decimal(mean, 1), decimal(r.uniform(90_000, 150_000), 1),
                         decimal(r.uniform(20_000, 90_000), 1), decimal(r.uniform(900_000, 2_000_000), 1)])
    z.add(8, "means_income_region.csv",
          delimited(["region", "N Obs", "N", "Mean", "Std Dev", "Minimum", "Maximum"], rows, quoting="strings",
                    pre=['"Analysis Variable : income"']),
          families=ext_tab, code="EXT001", eol="\r\n", note="SAS PROC MEANS ODS CSV; Bornholm N Obs = 1")

    r = z.rng("c08-se-pctl")
    kommuner = [*r.sample(SE_KOMMUNER[:-3], r.randint(8, 12)), "Arjeplog"]
    rows = []
    for k in kommuner:
        n = r.randint(25, 900) if k != "Arjeplog" else 2
        p50 = r.randint(2400, 3400)
        rows.append([k, n, p50, p50 - r.randint(900, 1500), p50 + r.randint(1500, 3000)])
    z.add(8, "inkomst_percentiler_kommun.csv", delimited(["Kommun", "Antal", "Median", "P10", "P90"], rows),
          families=ext_tab, code="EXT001", note="P10/P90 of a municipality with 2 persons")

    r = z.rng("c08-dk-no-n")
    rows = [[b, decimal(r.uniform(120, 160), 2, ","), decimal(r.uniform(450, 1400), 2, ",")] for b in DK_BRANCHER]
    z.add(8, "timeloen_min_max_branche.csv", delimited(["Branche", "Laveste timeløn", "Højeste timeløn"], rows,
                                                      sep=";"),
          families=ext, code="EXT001", encoding="cp1252", eol="\r\n",
          note="lowest and highest wage per industry, group sizes not given: review")

    r = z.rng("c08-en-no-n")
    groups = ["Age 18-29", "Age 30-44", "Age 45-64", "Age 65+"]
    rows = [[g, r.randint(0, 4000), r.randint(20_000, 35_000), r.randint(150_000, 600_000)] for g in groups]
    z.add(8, "income_range_by_age.csv",
          delimited(["group", "min_income", "median_income", "max_income"], rows),
          families=ext, code="EXT001", note="dplyr summarise(min, median, max) without n: review")

    r = z.rng("c08-fi-no-n")
    rows = [[t, r.randint(1_800, 2_300), r.randint(2_900, 3_600), r.randint(9_000, 25_000)] for t in FI_TOIMIALAT]
    z.add(8, "palkat_toimiala.csv", delimited(["Toimiala", "Minimi", "Mediaani", "Maksimi"], rows, sep=";"),
          families=ext, code="EXT001", note="minimum and maximum monthly pay per industry, no group size: review")

    r = z.rng("c08-en-outlier")
    rows = []
    for reg in EN_REGIONS:
        n = r.randint(60, 900)
        p50 = r.randint(24_000, 33_000)
        p90 = p50 + r.randint(25_000, 40_000)
        rows.append([reg, n, p50 + r.randint(2_000, 6_000), p50, p90, p90 + r.randint(40_000, 120_000)])
    rows[6][5] = 14_850_000
    z.add(8, "earnings_summary_region.csv", delimited(["region", "n", "mean", "p50", "p90", "max"], rows),
          families=ext, code="EXT002", note="London max is hundreds of times its p90: one person")

    r = z.rng("c08-dk-outlier")
    kommuner = r.sample(DK_KOMMUNER[:-3], r.randint(10, 15))
    rows = []
    for k in kommuner:
        n = r.randint(200, 5000)
        med = r.randint(600_000, 1_400_000)
        rows.append([k, thousands(n, "."), thousands(med + r.randint(100_000, 500_000), "."),
                     thousands(med, "."), thousands(med * r.randint(4, 9), ".")])
    rows[0][4] = thousands(2_340_000_000, ".")
    z.add(8, "formue_kommune.csv",
          delimited(["Kommune", "Antal personer", "Gns. formue (kr.)", "Median formue (kr.)", "Maks. formue (kr.)"],
                    rows, sep=";"),
          families=ext, code="EXT002", encoding="cp1252", eol="\r\n",
          note="one municipality's largest fortune is thousands of times its median")

    r = z.rng("c08-stata-tabstat")
    sectors = ["Agriculture", "Manufacturing", "Construction", "Retail", "Finance", "Public", "Health"]
    rows = []
    for s in sectors:
        n = r.randint(150, 3000)
        mean = r.uniform(30_000, 55_000)
        p99 = mean * r.uniform(3, 4.5)
        rows.append([s, n, round(mean, 2), round(mean * r.uniform(0.5, 0.8), 2), round(mean * 0.9, 2),
                     round(p99, 2), round(p99 * r.uniform(1.05, 1.6), 2)])
    rows[4][6] = round(float(rows[4][5]) * 85, 2)
    z.add(8, "tabstat_wage_sector.csv", delimited(["sector", "N", "mean", "sd", "p50", "p99", "max"], rows),
          families=ext, code="EXT002", note="Stata tabstat by sector; finance max 85 x its p99")


# ---- 9: published dominance; few firms in a magnitude table -------------------------------------------


def _class_09(z: _Zoo) -> None:
    fam = {"TAB"}

    r = z.rng("c09-dk-andel")
    rows = []
    for b in DK_BRANCHER:
        rows.append([b, r.randint(8, 4000), thousands(r.randint(900, 90_000), "."), decimal(r.uniform(8, 62), 1, ",")])
    rows[3][3] = Num("91,3")
    z.add(9, "omsaetning_branche_andel.csv",
          delimited(["Branche", "Antal virksomheder", "Omsætning (mio. kr.)", "Andel største virksomhed (pct.)"],
                    rows, sep=";"),
          families=fam, code="TAB002", encoding="cp1252", eol="\r\n",
          note="largest firm holds 91,3 % of energy turnover, and the turnover is published")

    r = z.rng("c09-en-cr")
    rows = []
    for ind in EN_INDUSTRIES:
        cr1 = r.uniform(0.05, 0.4)
        rows.append([ind, r.randint(12, 3000), round(r.uniform(200, 40_000), 1), round(cr1, 3),
                     round(cr1 + r.uniform(0.03, 0.25), 3)])
    rows[1][3], rows[1][4] = 0.612, 0.934
    z.add(9, "concentration_industry.csv", delimited(["industry", "n_firms", "turnover_gbp_m", "CR1", "CR2"], rows),
          families=fam, code="TAB002", note="mining CR2 = 0.934 of a published turnover")

    r = z.rng("c09-se-cr2")
    rows = [[s, r.randint(10, 2500), r.randint(500, 80_000), r.randint(12, 70)] for s in SE_SNI]
    rows[3][3] = 88
    z.add(9, "omsattning_bransch_cr2.csv",
          delimited(["Bransch", "Antal företag", "Omsättning (mkr)", "CR2 (%)"], rows, sep=";"),
          families=fam, code="TAB002", note="two largest firms hold 88 % of the energy turnover")

    r = z.rng("c09-no-share")
    rows = [[n, r.randint(10, 2000), decimal(r.uniform(300, 60_000), 1, ","), decimal(r.uniform(0.05, 0.55), 2, ",")]
            for n in NO_NAERINGER]
    rows[1][3] = Num("0,87")
    z.add(9, "omsetning_naering_storste.csv",
          delimited(["Næring", "Antall foretak", "Omsetning (mill. kr)", "Største foretaks andel"], rows, sep=";"),
          families=fam, code="TAB002", note="largest company holds 0,87 of mining turnover")

    r = z.rng("c09-dk-firms")
    rows = []
    for b in DK_BRANCHER[:8]:
        for reg in DK_REGIONS:
            firms = r.randint(5, 900)
            rows.append([b, reg, firms, thousands(firms * r.randint(2_000, 30_000), ".")])
    rows[6][2], rows[6][3] = 2, thousands(r.randint(90_000, 900_000), ".")
    z.add(9, "virksomheder_branche_region.csv",
          delimited(["Branche", "Region", "Antal virksomheder", "Omsætning (1.000 kr.)"], rows, sep=";"),
          families=fam, code="TAB001", eol="\r\n", note="turnover of a cell with 2 firms")

    r = z.rng("c09-se-arbst")
    rows = []
    for s in SE_SNI[:6]:
        for lan in SE_LAN[:7]:
            n = r.randint(4, 600)
            rows.append([s, lan, n, n * r.randint(900, 6_000)])
    rows[9][2], rows[9][3] = 1, r.randint(4_000, 90_000)
    z.add(9, "lonesumma_sni_lan.csv", delimited(["SNI", "Län", "Antal arbetsställen", "Lönesumma (tkr)"], rows),
          families=fam, code="TAB001", note="wage bill of a single workplace")

    r = z.rng("c09-en-firms")
    rows = []
    for sec in EN_INDUSTRIES[:6]:
        for reg in EN_REGIONS[:5]:
            firms = r.randint(6, 800)
            rows.append([sec, reg, firms, firms * r.randint(4, 60), round(firms * r.uniform(0.5, 8), 1)])
    rows[7][2:] = [2, r.randint(40, 900), round(r.uniform(5, 150), 1)]
    z.add(9, "firms_sector_region.csv",
          delimited(["sector", "region", "firms", "employees", "turnover_gbp_m"], rows),
          families=fam, code="TAB001", note="a cell of 2 firms with its turnover")

    r = z.rng("c09-fi")
    rows = [[t, r.randint(15, 5000), r.randint(10_000, 900_000)] for t in FI_TOIMIALAT]
    rows[1][1] = 1
    z.add(9, "liikevaihto_toimiala.csv",
          delimited(["Toimiala", "Yrityksiä", "Liikevaihto (1000 euroa)"], rows, sep=";"),
          families=fam, code="TAB001", note="the turnover of a single mining company")


# ---- 10: small tables pasted into notes --------------------------------------------------------------


def _stata_tab(rowvar: str, colvar: str, labels: Sequence[str], cols: Sequence[str],
               matrix: Sequence[Sequence[int]]) -> str:
    """The output of Stata's ``tabulate rowvar colvar`` as it appears in a log or a pasted note."""
    w = 10
    head = f"{'':>11}|{colvar:>{11 * len(cols) // 2 + len(colvar) // 2}}"
    lines = [head.rstrip(), f"{rowvar[:10]:>10} |" + "".join(f"{c[:10]:>11}" for c in cols) + " |     Total",
             "-" * 11 + "+" + "-" * (11 * len(cols) + 1) + "+" + "-" * 10]
    for label, values in zip(labels, matrix, strict=True):
        name = label if len(label) <= w else label[: w - 1] + "~"
        lines.append(f"{name:>10} |" + "".join(f"{v:>11,}" for v in values) + f" |{sum(values):>10,}")
    lines.append(lines[2])
    sums = [sum(row[j] for row in matrix) for j in range(len(cols))]
    lines.append(f"{'Total':>10} |" + "".join(f"{v:>11,}" for v in sums) + f" |{sum(sums):>10,}")
    return "\n".join(lines) + "\n"


def _class_10(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB001"

    r = z.rng("c10-kable")
    rows = [[reg, r.randint(30, 700), r.randint(30, 700)] for reg in DK_REGIONS]
    rows[4][2] = 2
    text = ("# Foreløbige resultater\n\nAnalysen omfatter alle personer med førstegangsdiagnose i perioden "
            "2015-2021.\n\nTabel 2. Antal patienter efter region og køn\n\n"
            + kable(["Region", "Mænd", "Kvinder"], rows)
            + "\nTallene er opgjort på cpr-niveau (én person tælles én gang).\n")
    z.add(10, "notat_resultater.md", text, families=fam, code=code, note="knitr kable pipe table; a cell of 2")

    r = z.rng("c10-to-markdown")
    rows = [[occ, r.randint(20, 400)] for occ in EN_OCCUPATIONS]
    rows[-1][1] = 1
    text = ("## Cohort by occupation\n\nCounts below are from the 2022 extract, before weighting.\n\n"
            + to_markdown(["occupation", "n"], rows) + "\nNext: rerun with the 2023 extract.\n")
    z.add(10, "analysis_notes.md", text, families=fam, code=code, note="pandas to_markdown with index; a 1")

    r = z.rng("c10-rprint")
    rows = [[reg, r.randint(20, 300), r.randint(20, 300), r.randint(20, 300)] for reg in DK_REGIONS]
    rows[1][3] = 2
    text = ("Noter til møde 14/3\n\nOutput fra R (tabel over genindlæggelser):\n\n"
            + r_print(["region", "aar2019", "aar2020", "aar2021"], rows)
            + "\nSjælland 2021 skal tjekkes igen.\n")
    z.add(10, "noter_moede.txt", text, families=fam, code=code, note="print(data.frame) pasted into notes; a 2")

    r = z.rng("c10-hand")
    ages = ["16-24 år", "25-39 år", "40-54 år", "55-64 år"]
    values = [[r.randint(15, 400) for _ in range(2)] for _ in ages]
    values[0][1] = 1
    lines = ["Kære Forskerservice,", "", "Vi vil gerne hjemtage nedenstående optælling til artiklen:", "",
             f"{'Alder':<12}{'Mænd':>8}{'Kvinder':>10}{'I alt':>8}"]
    for a, (m, f) in zip(ages, values, strict=True):
        lines.append(f"{a:<12}{m:>8}{f:>10}{m + f:>8}")
    lines.append(f"{'I alt':<12}{sum(v[0] for v in values):>8}{sum(v[1] for v in values):>10}"
                 f"{sum(sum(v) for v in values):>8}")
    lines += ["", "Med venlig hilsen", "Projekt 706123"]
    z.add(10, "mail_til_forskerservice.txt", "\n".join(lines) + "\n", families=fam, code=code, eol="\r\n",
          note="hand-aligned table in an e-mail draft; women 16-24 = 1")

    r = z.rng("c10-sv-md")
    rows = [[lan, r.randint(20, 800), decimal(r.uniform(1, 9), 1, ",")] for lan in SE_LAN[:8]]
    rows[7][1] = 2
    text = ("# Sammanfattning\n\nAndelen med förskrivning var högst i Stockholms län.\n\n"
            + kable(["Län", "Antal", "Andel (%)"], rows) + "\n")
    z.add(10, "sammanfattning.md", text, families=fam, code=code, note="Swedish pipe table; Gotland = 2")

    r = z.rng("c10-stata-tab")
    matrix = [[r.randint(80, 2500), r.randint(80, 2500)] for _ in DK_REGIONS]
    matrix[3][0] = 1
    text = ("Resultat af krydstabellen (kopieret fra Stata):\n\n. tabulate region koen\n\n"
            + _stata_tab("region", "koen", DK_REGIONS, ["Mænd", "Kvinder"], matrix)
            + "\nBemærk: kun personer med bopæl i Danmark 1.1.2020.\n")
    z.add(10, "tabulate_output.txt", text, families=fam, code=code, note="Stata tabulate pasted into a note; a 1")

    r = z.rng("c10-excel-paste")
    rows = [[b, r.randint(10, 500), r.randint(10, 500)] for b in DK_BRANCHER[:7]]
    rows[5][2] = 2
    text = ("Arbejdsulykker 2022 efter branche (kopieret fra Excel)\n\n"
            + delimited(["Branche", "Mænd", "Kvinder"], rows, sep="\t") + "\nKommentar: se fane 2.\n")
    z.add(10, "ulykker_notat.txt", text, families=fam, code=code, note="tab-separated paste inside prose; a 2")

    r = z.rng("c10-no-md")
    rows = [[f, r.randint(10, 300)] for f in NO_FYLKER]
    rows[3][1] = 1
    text = ("# Prosjekt 2023-117\n\nUttrekket gjelder pasienter med sjelden diagnose.\n\n"
            + kable(["Fylke", "Antall pasienter"], rows) + "\nKilde: Norsk pasientregister (NPR).\n")
    z.add(10, "README.md", text, families=fam, code=code, note="Norwegian README with a kable table; Nordland = 1")


# ---- 11: class disclosure in magnitude cells ---------------------------------------------------------


def _class_11(z: _Zoo) -> None:
    fam, code = {"TAB"}, "TAB006"

    r = z.rng("c11-dk-export")
    rows = [[b, r.randint(15, 3000), decimal(r.uniform(50, 40_000), 1, ",")] for b in DK_BRANCHER]
    rows[11][1], rows[11][2] = 12, Num("0,0")
    z.add(11, "eksport_branche.csv",
          delimited(["Branche", "Antal virksomheder", "Eksport (mio. kr.)"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="export 0 over 12 firms: every one of them exported nothing")

    r = z.rng("c11-en-rd")
    rows = [[s, r.randint(20, 900), r.randint(100, 90_000)] for s in EN_INDUSTRIES]
    rows[7][1], rows[7][2] = 7, 0
    z.add(11, "rd_expenditure_sector.csv", delimited(["sector", "firms", "rd_expenditure_gbp_k"], rows),
          families=fam, code=code, note="R&D spending 0 over 7 firms")

    r = z.rng("c11-se-inv")
    rows = [[s, r.randint(10, 1500), r.randint(1_000, 900_000)] for s in SE_SNI]
    rows[1][1], rows[1][2] = 5, 0
    z.add(11, "investeringar_bransch.csv",
          delimited(["Bransch", "Antal företag", "Investeringar (tkr)"], rows, sep=";"),
          families=fam, code=code, note="investments 0 over 5 firms")

    r = z.rng("c11-dk-sd0")
    kommuner = r.sample(DK_KOMMUNER[:-3], r.randint(10, 14))
    rows = []
    for k in kommuner:
        rows.append([k, r.randint(30, 900), decimal(r.uniform(9_000, 14_000), 0, ",", "."),
                     decimal(r.uniform(1_200, 3_500), 0, ",", ".")])
    rows[4][1], rows[4][2], rows[4][3] = 9, Num("11.956"), Num("0")
    z.add(11, "boligstoette_kommune.csv",
          delimited(["Kommune", "Antal modtagere", "Gns. ydelse (kr.)", "Std.afv. (kr.)"], rows, sep=";"),
          families=fam, code=code, encoding="cp1252", eol="\r\n",
          note="standard deviation 0 over 9 recipients: each received the mean")

    r = z.rng("c11-no-tilskudd")
    rows = [[n, r.randint(20, 1200), r.randint(500, 400_000)] for n in NO_NAERINGER]
    rows[8][1], rows[8][2] = 15, 0
    z.add(11, "tilskudd_naering.csv",
          delimited(["Næring", "Antall foretak", "Utbetalt tilskudd (1000 kr)"], rows, sep=";"),
          families=fam, code=code, note="subsidies 0 over 15 firms")

    r = z.rng("c11-en-days")
    groups = ["Ward A", "Ward B", "Ward C", "Ward D", "Isolation unit"]
    rows = []
    for g in groups:
        mean = r.uniform(3, 9)
        rows.append([g, r.randint(40, 400), round(mean, 1), round(r.uniform(2, 6), 1), round(mean - 1)])
    rows[-1][1:] = [8, 14.0, 0.0, 14]
    z.add(11, "length_of_stay_ward.csv",
          delimited(["group", "n", "mean_days", "sd_days", "median_days"], rows),
          families=fam, code=code, note="sd 0 over 8 patients: all stayed exactly 14 days")

    r = z.rng("c11-fi-export")
    rows = [[t, r.randint(20, 2000), r.randint(1_000, 700_000)] for t in FI_TOIMIALAT]
    rows[7][1], rows[7][2] = 4, 0
    z.add(11, "vienti_toimiala.csv",
          delimited(["Toimiala", "Yritysten lukumäärä", "Vienti (1000 euroa)"], rows, sep=";"),
          families=fam, code=code, note="exports 0 over 4 firms")


# ---- 12: statistical model output --------------------------------------------------------------------


def _p(r: random.Random) -> float:
    return r.choice([r.uniform(0.0001, 0.05), r.uniform(0.05, 0.95)])


def _class_12(z: _Zoo) -> None:
    r = z.rng("c12-anova")
    df_res = r.randint(150, 900)
    terms = ["treatment", "age", "sex", "treatment:sex"]
    rows: list[list[object]] = []
    for t in terms:
        ss = r.uniform(2, 400)
        rows.append([t, 1, round(ss, 4), round(ss, 4), round(ss / r.uniform(8, 30), 4), round(_p(r), 6)])
    rss = r.uniform(3000, 9000)
    rows.append(["Residuals", df_res, round(rss, 4), round(rss / df_res, 4), None, None])
    z.add(12, "anova_model1.csv",
          delimited(["", "Df", "Sum Sq", "Mean Sq", "F value", "Pr(>F)"], rows, quoting="strings", na="NA"),
          note="R anova() via write.csv: row names are the terms, Df = 1")

    r = z.rng("c12-car-anova")
    rows = [[t, round(r.uniform(5, 300), 3), r.choice([1, 1, 2, 3]), round(r.uniform(0.2, 20), 3), round(_p(r), 5)]
            for t in ["dose", "supp", "dose:supp"]]
    rows.append(["Residuals", round(r.uniform(500, 1500), 3), r.randint(50, 200), None, None])
    z.add(12, "anova_type2.csv",
          delimited(["", "Sum Sq", "Df", "F value", "Pr(>F)"], rows, quoting="strings", na="NA"),
          note="car::Anova type II table")

    r = z.rng("c12-broom-tidy")
    rows = [["(Intercept)", round(r.uniform(8, 12), 5), round(r.uniform(0.1, 0.4), 5)],
            ["educ_years", round(r.uniform(0.05, 0.12), 5), round(r.uniform(0.004, 0.01), 5)],
            ["female", round(r.uniform(-0.2, -0.1), 5), round(r.uniform(0.01, 0.03), 5)],
            ["age", round(r.uniform(0.01, 0.03), 5), round(r.uniform(0.001, 0.004), 5)]]
    rows = [[t, b, se, round(b / se, 4), round(_p(r), 6)] for t, b, se in rows]
    z.add(12, "lm_tidy.csv", delimited(["term", "estimate", "std.error", "statistic", "p.value"], rows),
          note="broom::tidy() written with readr")

    r = z.rng("c12-broom-glance")
    nobs = r.randint(800, 5000)
    row = [round(r.uniform(0.1, 0.4), 6), round(r.uniform(0.1, 0.4), 6), round(r.uniform(0.3, 0.6), 5),
           round(r.uniform(40, 300), 3), 0.0, 3, round(-r.uniform(900, 4000), 2), round(r.uniform(1800, 8000), 2),
           round(r.uniform(1800, 8000), 2), round(r.uniform(200, 900), 3), nobs - 4, nobs]
    z.add(12, "lm_glance.csv",
          delimited(["r.squared", "adj.r.squared", "sigma", "statistic", "p.value", "df", "logLik", "AIC", "BIC",
                     "deviance", "df.residual", "nobs"], [row]),
          note="broom::glance(): df = 3, p.value = 0")

    r = z.rng("c12-esttab")
    n1, n2 = r.randint(1500, 4000), r.randint(1500, 4000)
    lines = ['="",="(1)",="(2)",="(3)"', '="",="lnwage",="lnwage",="lnwage"']
    for var in ["educ", "exper", "female", "_cons"]:
        bs = [r.uniform(-0.3, 1.5) for _ in range(3)]
        lines.append(f'="{var}",' + ",".join(f'="{b:.4f}{r.choice(["", "*", "**", "***"])}"' for b in bs))
        lines.append('="",' + ",".join(f'="({r.uniform(1, 15):.2f})"' for _ in bs))
    lines += [f'="N",="{n1}",="{n1}",="{n2}"', '="t statistics in parentheses"',
              '="* p<0.05, ** p<0.01, *** p<0.001"']
    z.add(12, "esttab_wage.csv", "\n".join(lines) + "\n", eol="\r\n", note="esttab using x.csv (Excel-safe ='' cells)")

    r = z.rng("c12-esttab-plain")
    rows = []
    for var in ["treat", "post", "treat_post", "Constant"]:
        rows.append([var, f"{r.uniform(-2, 2):.3f}", f"{r.uniform(-2, 2):.3f}"])
        rows.append(["", f"({r.uniform(0.05, 0.5):.3f})", f"({r.uniform(0.05, 0.5):.3f})"])
    n = r.randint(20_000, 90_000)
    rows += [["N", str(n), str(n)], ["r2", f"{r.uniform(0.02, 0.3):.3f}", f"{r.uniform(0.02, 0.3):.3f}"]]
    z.add(12, "did_estimates.csv", delimited(["", "(1)", "(2)"], rows, quoting="all"),
          note="esttab plain csv; standard errors in parentheses rows")

    r = z.rng("c12-outreg2")
    lines = ["\t(1)\t(2)", "VARIABLES\twage\twage", "\t\t"]
    for var in ["educ", "exper", "tenure", "Constant"]:
        lines.append(f"{var}\t{r.uniform(-1, 1):.3f}{r.choice(['', '*', '**', '***'])}\t"
                     f"{r.uniform(-1, 1):.3f}{r.choice(['', '*', '**', '***'])}")
        lines.append(f"\t({r.uniform(0.01, 0.2):.4f})\t({r.uniform(0.01, 0.2):.4f})")
    n = r.randint(500, 3000)
    lines += ["\t\t", f"Observations\t{n}\t{n}", f"R-squared\t{r.uniform(0.1, 0.4):.3f}\t{r.uniform(0.1, 0.4):.3f}",
              "Standard errors in parentheses", "*** p<0.01, ** p<0.05, * p<0.1"]
    z.add(12, "outreg2_wage.txt", "\n".join(lines) + "\n", eol="\r\n", note="outreg2 tab-delimited text")

    r = z.rng("c12-sas-pe")
    rows = []
    for var in ["Intercept", "age", "female", "income_k", "urban"]:
        b, se = r.uniform(-3, 3), r.uniform(0.05, 0.8)
        rows.append(["MODEL1", "los", var, 1, round(b, 5), round(se, 5), round(b / se, 2), round(_p(r), 4)])
    z.add(12, "ParameterEstimates.csv",
          delimited(["Model", "Dependent", "Variable", "DF", "Estimate", "StdErr", "tValue", "Probt"], rows),
          eol="\r\n", note="SAS ODS OUTPUT ParameterEstimates via PROC EXPORT: DF = 1 everywhere")

    r = z.rng("c12-sas-reg-anova")
    n = r.randint(300, 2000)
    ssm, sse = r.uniform(200, 900), r.uniform(2000, 9000)
    rows = [["Model", 2, round(ssm, 5), round(ssm / 2, 5), round((ssm / 2) / (sse / (n - 3)), 2), Num("<.0001")],
            ["Error", n - 3, round(sse, 5), round(sse / (n - 3), 5), None, None],
            ["Corrected Total", n - 1, round(ssm + sse, 5), None, None, None]]
    z.add(12, "reg_anova_ods.csv",
          delimited(["Source", "DF", "Sum of Squares", "Mean Square", "F Value", "Pr > F"], rows,
                    quoting="strings", pre=['"Analysis of Variance"']),
          eol="\r\n", note="SAS PROC REG ANOVA table through ODS CSV")

    r = z.rng("c12-sas-or")
    rows = []
    for eff in ["age", "sex 2 vs 1", "smoker 1 vs 0", "bmi"]:
        est = r.uniform(0.6, 2.5)
        rows.append([eff, round(est, 3), round(est * r.uniform(0.6, 0.9), 3), round(est * r.uniform(1.1, 1.6), 3)])
    z.add(12, "logistic_oddsratios.csv",
          delimited(["Effect", "Point Estimate", "Lower 95% CL", "Upper 95% CL"], rows, quoting="strings",
                    pre=['"Odds Ratio Estimates"']),
          eol="\r\n", note="SAS PROC LOGISTIC odds ratios")

    r = z.rng("c12-parmest")
    dof = r.randint(300, 2000)
    rows = []
    for parm, label in [("age", "Age in years"), ("1.female", "Female"), ("2.educ", "Upper secondary"),
                        ("3.educ", "Tertiary"), ("_cons", "Constant")]:
        b, se = r.uniform(-2, 2), r.uniform(0.05, 0.5)
        rows.append([parm, label, round(b, 6), round(se, 6), dof, round(b / se, 4), round(_p(r), 6),
                     round(b - 1.96 * se, 6), round(b + 1.96 * se, 6)])
    z.add(12, "parmest_model.csv",
          delimited(["parm", "label", "estimate", "stderr", "dof", "t", "p", "min95", "max95"], rows),
          note="Stata parmest output")

    r = z.rng("c12-statsmodels")
    rows = []
    for term in ["Intercept", "C(sex)[T.2]", "C(region)[T.2]", "C(region)[T.3]", "age", "np.log(income)"]:
        b, se = r.uniform(-1, 1), r.uniform(0.01, 0.2)
        rows.append([term, round(b, 4), round(se, 4), round(b / se, 4), round(_p(r), 4),
                     round(b - 1.96 * se, 4), round(b + 1.96 * se, 4)])
    z.add(12, "ols_summary2.csv",
          delimited(["", "Coef.", "Std.Err.", "t", "P>|t|", "[0.025", "0.975]"], rows),
          note="statsmodels summary2().tables[1].to_csv()")

    r = z.rng("c12-cox-dk")
    rows = []
    for var in ["Alder (pr. 10 år)", "Kvinde", "Diabetes", "Hypertension", "Tidligere AMI"]:
        hr = r.uniform(0.7, 2.2)
        rows.append([var, decimal(hr, 2, ","), decimal(hr * r.uniform(0.7, 0.9), 2, ","),
                     decimal(hr * r.uniform(1.1, 1.4), 2, ","), decimal(_p(r), 3, ",")])
    z.add(12, "cox_hr.csv", delimited(["Variabel", "HR", "Nedre 95 % CI", "Øvre 95 % CI", "p-værdi"], rows, sep=";"),
          encoding="cp1252", eol="\r\n", note="Cox hazard ratios, Danish Excel")

    r = z.rng("c12-spss-coef")
    rows = []
    for i, var in enumerate(["(Constant)", "age", "sex", "educ"]):
        b, se = r.uniform(-3, 12), r.uniform(0.05, 1.5)
        rows.append(["1" if i == 0 else "", var, f"{b:.3f}", f"{se:.3f}", "" if i == 0 else f"{r.uniform(-.4, .4):.3f}",
                     f"{b / se:.3f}", f"{_p(r):.3f}".lstrip("0")])
    z.add(12, "spss_coefficients.csv",
          delimited(["Model", "", "B", "Std. Error", "Beta", "t", "Sig."], rows, quoting="all",
                    pre=['"Coefficients(a)"', '"","","Unstandardized Coefficients","","Standardized Coefficients",'
                                              '"",""'],
                    post=['"a Dependent Variable: income"']),
          eol="\r\n", note="SPSS Coefficients table exported as CSV, two header rows")

    r = z.rng("c12-chisq")
    rows = [[round(r.uniform(3, 12), 4), round(r.uniform(0.001, 0.05), 6), 1,
             "Pearson's Chi-squared test with Yates' continuity correction"]]
    z.add(12, "chisq_test.csv", delimited(["statistic", "p.value", "parameter", "method"], rows),
          note="broom::tidy(chisq.test()): parameter (df) = 1")

    r = z.rng("c12-emmeans")
    dfree = r.randint(200, 900)
    rows = []
    for trt in ["placebo", "low dose", "high dose"]:
        m, se = r.uniform(10, 30), r.uniform(0.4, 1.5)
        rows.append([trt, round(m, 4), round(se, 4), dfree, round(m - 1.97 * se, 4), round(m + 1.97 * se, 4)])
    z.add(12, "emmeans_treatment.csv",
          delimited(["treatment", "emmean", "SE", "df", "lower.CL", "upper.CL"], rows),
          note="emmeans estimated marginal means")

    r = z.rng("c12-margins")
    rows = []
    for term in ["1.female", "2.educ", "3.educ", "age"]:
        b, se = r.uniform(-0.2, 0.2), r.uniform(0.005, 0.03)
        rows.append([term, round(b, 7), round(se, 7), round(b / se, 4), round(_p(r), 6), round(b - 1.96 * se, 7),
                     round(b + 1.96 * se, 7), None, 1.959964, 0])
    z.add(12, "margins_rtable.csv",
          delimited(["", "b", "se", "z", "pvalue", "ll", "ul", "df", "crit", "eform"], rows),
          note="Stata r(table)' of margins exported: df missing, eform = 0 in every row")

    r = z.rng("c12-regression-n")
    rows = []
    for model, n in (("Model 1", r.randint(5_000, 40_000)), ("Model 2", r.randint(5_000, 40_000))):
        for var in ["Alder", "Kvinde", "Uddannelse (år)", "Indvandrer"]:
            b, se = r.uniform(-0.5, 0.5), r.uniform(0.005, 0.08)
            rows.append([model, var, decimal(b, 4, ","), decimal(se, 4, ","), decimal(b / se, 2, ","),
                         decimal(_p(r), 3, ","), n])
    z.add(12, "regression_resultater.csv",
          delimited(["Model", "Variabel", "Estimat", "Std.fejl", "t", "p", "N"], rows, sep=";"),
          encoding="cp1252", eol="\r\n", note="regression table with estimate, std. error, t, p and N per row")


# ---- 13: class bounds written as numbers -------------------------------------------------------------


def _class_13(z: _Zoo) -> None:
    r = z.rng("c13-bmi")
    bounds = ["0", "18,5", "25", "30", "35", "40"]
    rows = [[Num(b), r.randint(200, 40_000)] for b in bounds]
    z.add(13, "bmi_grupper.csv", delimited(["BMI-gruppe (nedre grænse)", "Antal personer"], rows, sep=";"),
          encoding="cp1252", eol="\r\n", note="BMI lower bounds incl. 18,5 as the dimension")

    r = z.rng("c13-age-from-to")
    rows = [[a, a + 4 if a < 85 else 120, r.randint(300, 9000)] for a in range(0, 90, 5)]
    z.add(13, "alder_fra_til.csv", delimited(["alder_fra", "alder_til", "antal"], rows),
          note="age group bounds 0, 5, 10... and 4, 9, 14...")

    r = z.rng("c13-age-sex-codes")
    rows = [[a, s, r.randint(100, 6000)] for a in range(0, 95, 5) for s in (1, 2)]
    z.add(13, "aldersgruppe_koen.csv", delimited(["aldersgruppe", "koen", "antal"], rows, sep=";"),
          note="age groups as lower bounds and sex coded 1/2")

    r = z.rng("c13-income-bounds")
    rows = [[b, r.randint(500, 90_000)] for b in range(0, 1_100_000, 100_000)]
    z.add(13, "indkomst_interval.csv", delimited(["indkomst_fra", "antal_personer"], rows, sep=";"),
          note="income band lower bounds")

    r = z.rng("c13-children")
    rows = [[k, r.randint(300, 200_000)] for k in range(0, 6)]
    z.add(13, "familjer_antal_barn.csv", delimited(["Antal barn", "Antal familjer"], rows, sep=";"),
          note="number of children 0-5 is the dimension, families the count")

    r = z.rng("c13-education-years")
    rows = [[y, r.randint(300, 90_000), r.randint(300, 90_000)] for y in [9, 10, 12, 13, 14, 15, 16, 17, 18, 20]]
    z.add(13, "uddannelseslaengde.csv", delimited(["Uddannelseslængde (år)", "Mænd", "Kvinder"], rows, sep=";"),
          note="years of schooling as the row dimension")

    r = z.rng("c13-no-age")
    rows = [[a, r.randint(400, 40_000), r.randint(400, 40_000)] for a in range(0, 100, 10)]
    z.add(13, "alder_nedre_grense.csv", delimited(["Alder (nedre grense)", "Menn", "Kvinner"], rows, sep=";"),
          note="age lower bounds 0, 10, ... 90")

    r = z.rng("c13-en-deaths")
    rows = [[a, a + 9, s, r.randint(5, 4000) if a >= 20 else r.randint(3, 60)]
            for a in range(0, 100, 10) for s in (1, 2)]
    z.add(13, "deaths_age_sex.csv", delimited(["age_lower", "age_upper", "sex", "deaths"], rows),
          note="age bounds and sex codes as dimensions; deaths >= 3")


# ---- 14: timestamps and time-like 10-digit numbers -----------------------------------------------------


def _class_14(z: _Zoo) -> None:
    start = 1_601_510_400  # 2020-10-01 00:00 UTC: the first six digits read as a valid DDMMYY date

    r = z.rng("c14-daily")
    rows = [[start + 86_400 * d, r.randint(3, 400)] for d in range(r.randint(100, 130))]
    z.add(14, "cases_daily.csv", delimited(["timestamp", "cases"], rows), note="one Unix timestamp a day")

    r = z.rng("c14-hourly")
    rows = [[start + 3_600 * h, r.randint(3, 90)] for h in range(r.randint(150, 200))]
    z.add(14, "opkald_time.csv", delimited(["tid_unix", "antal_opkald"], rows, sep=";"),
          note="hourly Unix timestamps")

    r = z.rng("c14-ms")
    rows = [[(start + 86_400 * d) * 1000, r.randint(3, 250)] for d in range(r.randint(60, 90))]
    z.add(14, "tests_epoch_ms.csv", delimited(["epoch_ms", "n"], rows), note="13-digit millisecond timestamps")

    r = z.rng("c14-date-and-unix")
    rows = []
    for d in range(r.randint(80, 110)):
        ts = start + 86_400 * d
        rows.append([dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat(), ts, r.randint(5, 120)])
    z.add(14, "admissions_daily.csv", delimited(["date", "unix_time", "admissions"], rows),
          note="ISO date beside its Unix timestamp")

    r = z.rng("c14-weekly")
    rows = [[1_601_856_000 + 604_800 * w, r.randint(20, 3000)] for w in range(r.randint(20, 30))]
    z.add(14, "positives_weekly.csv", delimited(["week_start", "positives"], rows), note="weekly Unix timestamps")

    r = z.rng("c14-bucket")
    rows = [[start + 86_400 * d, r.randint(3, 60), r.randint(3, 60)] for d in range(r.randint(40, 70))]
    z.add(14, "bucket_counts.csv", delimited(["bucket", "arrivals", "departures"], rows),
          note="10-digit numbers in a fixed step of 86400, named 'bucket'")

    r = z.rng("c14-irregular")
    ts, rows = start, []
    for _ in range(r.randint(40, 60)):
        ts += 86_400 * r.choice([1, 1, 1, 2, 3, 7])
        rows.append([ts, r.randint(3, 80)])
    z.add(14, "maalinger_tidpunkt.csv", delimited(["tidpunkt", "antal"], rows, sep=";"),
          note="Unix times at irregular whole-day steps, named as a time")


# ---- 15: source and note lines under a table ---------------------------------------------------------


def _class_15(z: _Zoo) -> None:
    r = z.rng("c15-dk")
    rows = [[reg, r.randint(300, 9000), r.randint(300, 9000)] for reg in DK_REGIONS]
    z.add(15, "ledige_region_koen.csv",
          delimited(["Region", "Mænd", "Kvinder"], rows, sep=";",
                    post=["", "Kilde: Danmarks Statistik, egne beregninger;;",
                          "Anm.: 1) Opgjort pr. 1. januar 2023;;"]),
          encoding="cp1252", eol="\r\n", note="'Kilde:' and 'Anm.: 1)' lines below the table")

    r = z.rng("c15-en")
    rows = [[reg, r.randint(400, 20_000)] for reg in EN_REGIONS]
    z.add(15, "employment_region.csv",
          delimited(["region", "employed"], rows,
                    post=["", "Source: Statistics Sweden, LISA database 2019",
                          "Note: 1) Excludes persons aged 0-15. 2) Figures for 2019 are provisional."]),
          note="'Source:' and 'Note:' lines with digits")

    r = z.rng("c15-se")
    kommuner = r.sample(SE_KOMMUNER[:-3], r.randint(10, 18))
    rows = [[k, r.randint(200, 30_000)] for k in kommuner]
    z.add(15, "sysselsatta_kommun.csv",
          delimited(["Kommun", "Antal sysselsatta"], rows, sep=";",
                    post=["", "Källa: SCB, egna beräkningar;", "Anm. 2 kommuner saknar uppgift för 2021;"]),
          note="'Källa:' line and a note with the number 2 in it")

    r = z.rng("c15-no")
    rows = [[f, r.randint(1_000, 90_000), r.randint(1_000, 90_000)] for f in NO_FYLKER]
    z.add(15, "sysselsatte_fylke.csv",
          delimited(["Fylke", "Menn", "Kvinner"], rows, sep=";",
                    post=[";;", "Kilde: Statistisk sentralbyrå (SSB), tabell 07459;;"]),
          eol="\r\n", note="'Kilde:' line padded with separators")

    r = z.rng("c15-fi")
    rows = [[m, r.randint(500, 80_000)] for m in FI_MAAKUNNAT[:-1]]
    z.add(15, "tyolliset_maakunta.csv",
          delimited(["Maakunta", "Työlliset"], rows, sep=";",
                    post=["", "Lähde: Tilastokeskus, työssäkäyntitilasto", "Huom. 3) Ennakkotieto"]),
          encoding="utf-8-sig", note="'Lähde:' and 'Huom. 3)' lines")

    r = z.rng("c15-sas")
    rows = [[d, r.randint(50, 4000), round(r.uniform(0.5, 30), 2)] for d in ICD10[:10]]
    z.add(15, "diagnoser_ods.csv",
          delimited(["Diagnosis", "Frequency", "Percent"], rows, quoting="strings",
                    pre=['"The FREQ Procedure"', ""],
                    post=["", '"Source: Danish National Patient Register"', '"Counts below 3 are not shown"']),
          eol="\r\n", note="SAS ODS CSV with footnote lines")

    r = z.rng("c15-stata")
    rows = [[y, reg, r.randint(100, 5000)] for y in (2020, 2021, 2022) for reg in DK_REGIONS]
    z.add(15, "visits_year_region.csv",
          delimited(["year", "region", "visits"], rows,
                    post=["Note: Visits counted once per person and day (98 municipalities)."]),
          note="a note line appended after the data")

    r = z.rng("c15-r-rows")
    rows = [[reg, r.randint(100, 5000), r.randint(100, 5000)] for reg in DK_REGIONS]
    rows += [["Kilde: Danmarks Statistik, Statistikbanken tabel FOLK1A", None, None],
             ["Note: 2. kvartal 2023", None, None]]
    z.add(15, "befolkning_note_rows.csv", r_write_csv(["region", "maend", "kvinder"], rows),
          note="source and note typed into the data frame as rows (NA elsewhere)")

    r = z.rng("c15-excel")
    rows = [[b, r.randint(50, 9000), decimal(r.uniform(1, 20), 1, ",")] for b in DK_BRANCHER]
    z.add(15, "beskaeftigede_branche_kilde.csv",
          delimited(["Branche", "Beskæftigede", "Andel (%)"], rows, sep=";",
                    pre=["Tabel 3. Beskæftigede efter branche, 2022;;"],
                    post=[";;", "Kilde: Danmarks Statistik (RAS);;", "Senest opdateret: 14-03-2024;;"]),
          encoding="cp1252", eol="\r\n", note="title line above, source and date lines below")


# ---- ordinary safe tables ----------------------------------------------------------------------------


def _protected(r: random.Random, labels: Sequence[str], cols: Sequence[str], total: str, marker: object,
               lo: int = 30, hi: int = 900) -> list[list[object]]:
    """A table with margins whose small cells are protected: a 2x2 rectangle of hidden cells holding the
    small cell(s) and secondaries of 20 or more, so no hidden cell can be narrowed below [0, 20]."""
    matrix = [[r.randint(lo, hi) for _ in cols] for _ in labels]
    i1, i2 = sorted(r.sample(range(len(labels)), 2))
    j1, j2 = sorted(r.sample(range(len(cols)), 2))
    matrix[i1][j1] = r.randint(1, 2)
    matrix[i2][j2] = r.choice([r.randint(1, 2), r.randint(20, 60)])
    matrix[i1][j2], matrix[i2][j1] = r.randint(20, 60), r.randint(20, 60)
    rows = _with_totals(labels, cols, matrix, total)
    return _hide(rows, [(i1, j1 + 1), (i1, j2 + 1), (i2, j1 + 1), (i2, j2 + 1)], marker)


def _ordinary(z: _Zoo) -> None:
    o = ORDINARY

    r = z.rng("o-dk-long")
    ages = ["16-24 år", "25-34 år", "35-44 år", "45-54 år", "55-64 år"]
    rows = [[reg, s, a, r.randint(180, 25_000)] for reg in DK_REGIONS for s in ("Mænd", "Kvinder") for a in ages]
    z.add(o, "beskaeftigede_region_koen_alder.csv",
          delimited(["OMRÅDE", "KØN", "ALDER", "ANTAL"], rows, sep=";",
                    pre=["Beskæftigede efter område, køn og alder, 2022;;;"]),
          eol="\r\n", note="long table with a title line")

    r = z.rng("o-dst-matrix")
    quarters = ["2022K4", "2023K1", "2023K2", "2023K3"]
    rows = []
    for reg in DK_REGIONS:
        for i, s in enumerate(("Mænd", "Kvinder")):
            base = r.randint(280_000, 950_000)
            rows.append([reg if i == 0 else "", s, *(base + r.randint(-3_000, 3_000) for _ in quarters[:-1]), ".."])
    z.add(o, "FOLK1A_download.csv",
          delimited(["", "", *quarters], rows, sep=";",
                    pre=["Befolkningen den 1. i kvartalet efter område, køn og tid;;;;;", "Enhed: Antal;;;;;"]),
          encoding="cp1252", eol="\r\n",
          note="StatBank matrix download: fill-down labels, the unpublished quarter all '..' (no totals)")

    r = z.rng("o-scb-px")
    rows = []
    for lan in SE_LAN:
        for s in ("män", "kvinnor"):
            base = r.randint(30_000, 1_200_000)
            rows.append([lan, s, *(base + r.randint(-2_000, 6_000) * y for y in range(3))])
    rows[5][2] = ".."
    rows[17][2] = ".."
    z.add(o, "BE0101_folkmangd.csv",
          delimited(["region", "kön", "2020", "2021", "2022"], rows, sep=";", quoting="strings",
                    pre=['"Folkmängden efter region, kön och år"', ""],
                    post=["", '".." = Uppgift inte tillgänglig eller för osäker för att anges']),
          encoding="cp1252", eol="\r\n", note="SCB PxWeb download with two '..' cells and no totals")

    r = z.rng("o-ssb")
    title = "07459: Befolkning, etter region, kjønn og år"
    rows = []
    for c, f in zip(range(3, 60, 5), NO_FYLKER, strict=False):
        for k in ("Menn", "Kvinner"):
            base = r.randint(20_000, 700_000)
            rows += [[f"{c:02d} {f}", k, "2022", base], [f"{c:02d} {f}", k, "2023", base + r.randint(-900, 4_000)]]
    z.add(o, "07459_befolkning.csv",
          delimited(["region", "kjønn", "år", title], rows, sep=";", quoting="strings", pre=[f'"{title}"', ""]),
          note="SSB StatBank download, long format")

    r = z.rng("o-fi-px")
    rows = []
    totals = [0, 0, 0, 0]
    body = []
    for m in FI_MAAKUNNAT:
        vals = [r.randint(10_000, 900_000) for _ in range(4)]
        totals = [t + v for t, v in zip(totals, vals, strict=True)]
        body.append([m, "Miehet", vals[0], vals[1]])
        body.append([m, "Naiset", vals[2], vals[3]])
    rows = [["KOKO MAA", "Miehet", totals[0], totals[1]], ["KOKO MAA", "Naiset", totals[2], totals[3]], *body]
    z.add(o, "vaesto_maakunta.csv",
          delimited(["Alue", "Sukupuoli", "2021 Väestö 31.12.", "2022 Väestö 31.12."], rows, sep=";",
                    quoting="strings", pre=['"Väestö alueen ja sukupuolen mukaan, 2021-2022"', ""]),
          encoding="cp1252", note="Statistics Finland PxWeb download with the whole-country rows")

    r = z.rng("o-r-long")
    rows = []
    for reg in DK_REGIONS:
        m, f = r.randint(100, 3000), r.randint(100, 3000)
        rows += [[reg, "Mænd", m, round(100 * m / (m + f), 1)], [reg, "Kvinder", f, round(100 * f / (m + f), 1)]]
    z.add(o, "region_koen_n_pct.csv", r_write_csv(["region", "koen", "n", "pct"], rows),
          note="R write.csv, counts with percentages")

    r = z.rng("o-readr-margins")
    matrix = [[r.randint(15, 900) for _ in range(3)] for _ in EN_REGIONS]
    rows = _with_totals(EN_REGIONS, ["Low", "Medium", "High"], matrix, "Total")
    z.add(o, "deprivation_region.csv", delimited(["region", "Low", "Medium", "High", "Total"], rows),
          note="crosstab with row and column totals, all cells >= 15")

    r = z.rng("o-pandas-all")
    matrix = [[r.randint(20, 700) for _ in range(2)] for _ in FI_MAAKUNNAT[:10]]
    rows = _with_totals(FI_MAAKUNNAT[:10], ["mies", "nainen"], matrix, "All")
    z.add(o, "crosstab_maakunta.csv", delimited(["maakunta", "mies", "nainen", "All"], rows),
          note="pandas crosstab(margins=True)")

    r = z.rng("o-stata-long")
    rows = [[y, reg, r.randint(50, 4000)] for y in range(2015, 2023) for reg in EN_REGIONS]
    z.add(o, "admissions_year_region.csv", delimited(["year", "region", "admissions"], rows),
          note="Stata export delimited, year x region")

    r = z.rng("o-sas-freq")
    counts = [r.randint(40, 2000) for _ in DK_REGIONS]
    n = sum(counts)
    rows, cum = [], 0
    for reg, c in zip(DK_REGIONS, counts, strict=True):
        cum += c
        rows.append([reg, c, round(100 * c / n, 2), cum, round(100 * cum / n, 2)])
    z.add(o, "freq_region.csv",
          delimited(["region", "Frequency", "Percent", "Cumulative Frequency", "Cumulative Percent"], rows,
                    quoting="strings", pre=['"The FREQ Procedure"', ""]),
          eol="\r\n", note="SAS PROC FREQ one-way table through ODS CSV")

    r = z.rng("o-sas-tabulate")
    cells = {(reg, s): r.randint(50, 2000) for reg in DK_REGIONS for s in (1, 2)}
    grand = sum(cells.values())
    rows = [[None, None, "00", 1, 1, grand, 100.0]]
    for s in (1, 2):
        v = sum(c for (_, ss), c in cells.items() if ss == s)
        rows.append([None, s, "01", 1, 1, v, round(100 * v / grand, 4)])
    for reg in DK_REGIONS:
        v = cells[(reg, 1)] + cells[(reg, 2)]
        rows.append([reg, None, "10", 1, 1, v, round(100 * v / grand, 4)])
    for (reg, s), v in cells.items():
        rows.append([reg, s, "11", 1, 1, v, round(100 * v / grand, 4)])
    z.add(o, "tabulate_out.csv",
          delimited(["region", "sex", "_TYPE_", "_PAGE_", "_TABLE_", "N", "PctN_00"], rows),
          eol="\r\n", note="PROC TABULATE OUT= data set exported: _PAGE_ and _TABLE_ are all 1")

    r = z.rng("o-spss-crosstab")
    matrix = [[r.randint(30, 900) for _ in range(2)] for _ in DK_UDDANNELSE[:6]]
    body = _with_totals(DK_UDDANNELSE[:6], ["Mand", "Kvinde"], matrix, "Total")
    rows = [["Uddannelse" if i == 0 else "", *row] for i, row in enumerate(body[:-1])]
    rows.append(["Total", "", *body[-1][1:]])
    z.add(o, "uddannelse_koen_crosstab.csv",
          delimited(["", "", "Mand", "Kvinde", "Total"], rows, quoting="all",
                    pre=['"Uddannelse * Køn Crosstabulation"', '"Count"', '"","","Køn","",""']),
          eol="\r\n", note="SPSS crosstab export with totals")

    r = z.rng("o-excel-pct")
    counts = [r.randint(200, 20_000) for _ in DK_BRANCHER]
    rows = [[b, c, _pct(c, sum(counts), 1, ",")] for b, c in zip(DK_BRANCHER, counts, strict=True)]
    z.add(o, "ansatte_branche_andel.csv", delimited(["Branche", "Antal ansatte", "Andel (%)"], rows, sep=";"),
          encoding="cp1252", eol="\r\n", note="Danish Excel CSV, percentages with decimal comma beside counts")

    r = z.rng("o-protected-dk")
    rows = _protected(r, DK_REGIONS, ["0-17 år", "18-64 år", "65+ år"], "I alt", "n<3")
    z.add(o, "region_alder_beskyttet.csv", delimited(["Region", "0-17 år", "18-64 år", "65+ år", "I alt"], rows,
                                                     sep=";"),
          encoding="cp1252", eol="\r\n", note="small cell hidden with three secondaries (2x2), margins published")

    r = z.rng("o-protected-se")
    rows = _protected(r, SE_LAN[:10], ["Män", "Kvinnor"], "Totalt", "x")
    z.add(o, "lan_kon_skyddad.csv", delimited(["Län", "Män", "Kvinnor", "Totalt"], rows, sep=";"),
          note="'x' in a 2x2 rectangle, totals published")

    r = z.rng("o-protected-en")
    rows = _protected(r, EN_REGIONS, ["Under 18", "18-64", "65 and over"], "Total", "*", lo=20, hi=500)
    z.add(o, "region_age_protected.csv", delimited(["region", "Under 18", "18-64", "65 and over", "Total"], rows),
          note="'*' in a 2x2 rectangle, totals published")

    r = z.rng("o-single-dotdot")
    rows = [[k, r.randint(20, 600), r.randint(20, 600)] for k in r.sample(DK_KOMMUNER[:-3], 12)]
    rows[4][2] = ".."
    z.add(o, "kommune_koen_uden_total.csv", delimited(["Kommune", "Mænd", "Kvinder"], rows, sep=";"),
          note="one '..' cell and no totals anywhere: nothing to recompute it from")

    r = z.rng("o-mean-income")
    rows = []
    for reg in DK_REGIONS:
        for s in ("Mænd", "Kvinder"):
            rows.append([reg, s, r.randint(400, 9000), decimal(r.uniform(280_000, 450_000), 0, ",", "."),
                         decimal(r.uniform(90_000, 200_000), 0, ",", ".")])
    z.add(o, "indkomst_region_koen.csv",
          delimited(["Region", "Køn", "Antal personer", "Gns. indkomst (kr.)", "Std.afv. (kr.)"], rows, sep=";"),
          encoding="cp1252", eol="\r\n", note="mean and sd of income with group sizes in the hundreds")

    r = z.rng("o-median-iqr")
    rows = []
    for lan in SE_LAN:
        med = r.randint(2_400, 3_300)
        rows.append([lan, r.randint(60, 5000), med, med - r.randint(600, 900), med + r.randint(700, 1200)])
    z.add(o, "inkomst_median_lan.csv", delimited(["Län", "Antal", "Median", "Nedre kvartil", "Övre kvartil"], rows),
          note="median and quartiles of groups of 60 or more")

    r = z.rng("o-rates")
    rows = []
    for grp in ["0-17", "18-24", "25-34", "35-44", "45-54", "55-69", "70-79", "80+"]:
        pop = r.randint(200_000, 5_000_000)
        ev = 5 * r.randint(2, 2000)
        rows.append([grp, ev, pop, round(100_000 * ev / pop, 1)])
    z.add(o, "rates_age_group.csv",
          delimited(["age_group", "events", "population", "rate_per_100000"], rows),
          note="OpenSAFELY-style counts rounded to 5 with population and rate")

    r = z.rng("o-no-space")
    rows = [[k, thousands(r.randint(1_500, 700_000), " ")] for k in NO_KOMMUNER[:16]]
    z.add(o, "folkemengde_kommune.csv", delimited(["Kommune", "Folkemengde"], rows, sep=";"),
          note="space thousands, all counts large")

    r = z.rng("o-en-bigmark")
    rows = [[reg, f"{r.randint(3_000, 900_000):,}", f"{r.randint(3_000, 900_000):,}"] for reg in EN_REGIONS]
    z.add(o, "population_region_bigmark.csv", r_write_csv(["region", "male", "female"], rows),
          note="quoted '12,345' values, all large")

    r = z.rng("o-dk-dot")
    counts = [r.randint(1_200, 95_000) for _ in DK_KOMMUNER[:20]]
    rows = [[k, thousands(c, "."), _pct(c, sum(counts), 1, ",")] for k, c in zip(DK_KOMMUNER[:20], counts,
                                                                                   strict=True)]
    z.add(o, "kommune_antal_tusind.csv", delimited(["Kommune", "Antal personer", "Andel (%)"], rows, sep=";"),
          encoding="cp1252", eol="\r\n", note="'50.285' thousands, all counts large")

    r = z.rng("o-three-dims")
    rows = [[y, reg, s, r.randint(30, 3000)] for y in range(2018, 2023) for reg in SE_LAN for s in ("1", "2")]
    z.add(o, "year_lan_sex.csv", delimited(["year", "lan", "sex", "count"], rows),
          note="year x county x sex, 210 cells")

    r = z.rng("o-gtsummary")
    n = r.randint(400, 900)
    rows: list[list[object]] = [["Age", f"{r.randint(50, 60)} ({r.randint(38, 45)}, {r.randint(64, 72)})"],
                                ["Sex", None]]
    f = r.randint(n // 3, 2 * n // 3)
    rows += [["Female", f"{f} ({round(100 * f / n)}%)"], ["Male", f"{n - f} ({round(100 * (n - f) / n)}%)"],
             ["Stage", None]]
    rows += [[lab, f"{v} ({round(100 * v / n)}%)"] for lab, v in zip(["I", "II", "III", "IV"], _parts(r, n, 4),
                                                                   strict=True)]
    z.add(o, "tbl_summary_safe.csv", delimited(["**Characteristic**", f"**N = {n}**¹"], rows, na="NA"),
          note="gtsummary Table 1, every count >= 3")

    r = z.rng("o-tableone")
    n = r.randint(300, 800)
    rows = [["n", str(n)], ["age (mean (SD))", f"{r.uniform(45, 65):.2f} ({r.uniform(9, 15):.2f})"],
            ["sex = Female (%)", _tableone_pct(r.randint(n // 3, 2 * n // 3), n)], ["smoking (%)", ""]]
    rows += [[f"   {lab}", _tableone_pct(v, n)] for lab, v in zip(["Never", "Former", "Current"], _parts(r, n, 3),
                                                                  strict=True)]
    z.add(o, "table1_safe.csv", delimited(["", "Overall"], rows, quoting="all"), note="tableone, counts >= 3")

    r = z.rng("o-kable")
    rows = [[reg, r.randint(30, 700), r.randint(30, 700)] for reg in DK_REGIONS]
    text = ("# Resultater\n\nTabel 1. Antal patienter efter region og køn\n\n" + kable(["Region", "Mænd", "Kvinder"],
                                                                                     rows)
            + "\nAlle celler indeholder mindst 3 personer.\n")
    z.add(o, "resultater.md", text, note="kable table in a note, all cells >= 30")

    r = z.rng("o-to-markdown")
    rows = [[occ, r.randint(40, 900), round(r.uniform(20, 60), 1)] for occ in EN_OCCUPATIONS[:8]]
    z.add(o, "cohort_summary.md",
          "## Cohort by occupation\n\n" + to_markdown(["occupation", "n", "mean_age"], rows) + "\n",
          note="pandas to_markdown, all counts >= 40")

    r = z.rng("o-tabout")
    matrix = [[r.randint(40, 900) for _ in range(2)] for _ in SE_UTBILDNING]
    lines = ["\tKön\t\t", "Utbildningsnivå\tMän\tKvinnor\tTotal", "\tNo.\tNo.\tNo."]
    for u, (m, f) in zip(SE_UTBILDNING, matrix, strict=True):
        lines.append(f"{u}\t{m}\t{f}\t{m + f}")
    sm, sf = sum(v[0] for v in matrix), sum(v[1] for v in matrix)
    lines.append(f"Total\t{sm}\t{sf}\t{sm + sf}")
    z.add(o, "tabout_utbildning_kon.txt", "\n".join(lines) + "\n", eol="\r\n",
          note="Stata tabout tab-delimited output with two header rows and totals")

    r = z.rng("o-sas-means")
    rows = [[reg, r.randint(40, 900), round(r.uniform(30, 60), 2), round(r.uniform(8, 15), 2)] for reg in DK_REGIONS]
    z.add(o, "means_age_region.csv",
          delimited(["region", "N", "Mean", "Std Dev"], rows, quoting="strings", pre=['"Analysis Variable : age"']),
          eol="\r\n", note="SAS PROC MEANS N, mean and sd (no extremes)")

    r = z.rng("o-index")
    level = 100.0
    rows = []
    for y in range(2015, 2024):
        rows.append([y, decimal(level, 1, ",")])
        level *= r.uniform(1.0, 1.05)
    z.add(o, "prisindeks.csv", delimited(["År", "Indeks (2015=100)"], rows, sep=";"), note="index series")

    r = z.rng("o-ssb-codes")
    rows = [[f"{c:04d}", a, y, r.randint(400, 40_000)]
            for c in (101, 104, 105, 106, 301, 1103, 4601, 5001) for a in ("F0-19", "F20-64", "F65+")
            for y in (2021, 2022)]
    z.add(o, "befolkning_kommunekode.csv", delimited(["Region", "Alder", "Tid", "value"], rows, sep=";"),
          note="municipality codes with leading zeros, long format")

    r = z.rng("o-weekly")
    rows = [[f"2021U{w:02d}", r.randint(40, 3000)] for w in range(1, 53)]
    z.add(o, "indlagte_uge.csv", delimited(["Uge", "Antal indlagte"], rows, sep=";"), note="weekly counts")

    r = z.rng("o-wide-periods")
    kommuner = r.sample(DK_KOMMUNER[:-3], 15)
    rows = [[k, *(r.randint(50, 9000) for _ in range(4))] for k in kommuner]
    z.add(o, "kommune_aar_bred.csv", delimited(["Kommune", "2019", "2020", "2021", "2022"], rows, sep=";"),
          note="wide table, period headers, all counts >= 50")

    r = z.rng("o-fi-yhteensa")
    rows = []
    for t in FI_TOIMIALAT:
        m, n = r.randint(300, 40_000), r.randint(300, 40_000)
        rows += [[t, "Miehet", m], [t, "Naiset", n], [t, "Yhteensä", m + n]]
    z.add(o, "tyolliset_toimiala_sukupuoli.csv", delimited(["Toimiala", "Sukupuoli", "Työlliset"], rows, sep=";"),
          note="long format with 'Yhteensä' rows, nothing hidden")

    r = z.rng("o-dk-edu-pct")
    rows = []
    for u in DK_UDDANNELSE:
        m, f = r.randint(300, 60_000), r.randint(300, 60_000)
        rows.append([u, m, f, decimal(100 * m / (m + f), 1, ","), decimal(100 * f / (m + f), 1, ",")])
    z.add(o, "uddannelse_koen_pct.csv",
          delimited(["Uddannelse", "Mænd", "Kvinder", "Mænd (pct.)", "Kvinder (pct.)"], rows, sep=";"),
          encoding="utf-8-sig", note="counts and row percentages")

    r = z.rng("o-write-table")
    rows = []
    for i, age in enumerate(["[0,5)", "[5,10)", "[10,15)", "[15,20)", "[20,25)", "[25,30)"]):
        for y in ("2018/2019", "2019/2020"):
            rows.append([y, age, round(r.uniform(10, 200), 6), r.randint(5 + 2 * i, 200)])
    z.add(o, "deaths_forecast.txt", r_write_table(["EpiYear", "Age_5y", "Dx_forecast", "Dx_observed"], rows),
          eol="\r\n", note="R write.table, space-separated, observed deaths >= 5")

    r = z.rng("o-dst-english")
    rows = [[reg, *(r.randint(40_000, 900_000) for _ in range(3))] for reg in DK_REGIONS]
    z.add(o, "dst_population_english.csv",
          delimited(["", "2021", "2022", "2023"], rows, sep=";",
                    pre=["Population 1st January by region and time;;;", "Units: Number;;;"]),
          eol="\r\n", note="English Statistics Denmark download")

    r = z.rng("o-scb-riket")
    matrix = [[r.randint(2_000, 200_000) for _ in range(2)] for _ in SE_LAN]
    body = _with_totals(SE_LAN, ["män", "kvinnor"], matrix, "Riket", row_total=False)
    rows = [body[-1], *body[:-1]]
    z.add(o, "sysselsatta_lan_kon.csv", delimited(["region", "män", "kvinnor"], rows, sep=";", quoting="strings",
                                                  pre=['"Förvärvsarbetande efter region och kön, 2021"', ""]),
          encoding="cp1252", eol="\r\n", note="SCB download with the 'Riket' total first")

    r = z.rng("o-spss-freq")
    counts = [r.randint(200, 900) for _ in range(2)]
    n = sum(counts)
    rows, cum = [], 0.0
    for i, (lab, c) in enumerate(zip(["Mand", "Kvinde"], counts, strict=True)):
        cum += 100 * c / n
        rows.append(["Valid" if i == 0 else "", lab, str(c), f"{100 * c / n:.1f}", f"{100 * c / n:.1f}", f"{cum:.1f}"])
    rows.append(["", "Total", str(n), "100.0", "100.0", ""])
    z.add(o, "spss_frequencies_koen.csv",
          delimited(["", "", "Frequency", "Percent", "Valid Percent", "Cumulative Percent"], rows, quoting="all",
                    pre=['"Køn"']),
          eol="\r\n", note="SPSS Frequencies table export")

    r = z.rng("o-opensafely-redacted")
    rows = [[code, "[REDACTED]" if i in (3, 7) else 5 * r.randint(2, 400)] for i, code in enumerate(ICD10)]
    z.add(o, "code_counts_redacted.csv", delimited(["code", "count"], rows),
          note="counts rounded to 5, two redacted codes, no total to recompute them from")

    r = z.rng("o-fill-down")
    rows = []
    for reg in DK_REGIONS:
        for i, a in enumerate(["0-29 år", "30-59 år", "60+ år"]):
            rows.append([reg if i == 0 else "", a, r.randint(100, 8000), r.randint(100, 8000)])
    z.add(o, "region_alder_udfyldt.csv", delimited(["Region", "Alder", "Mænd", "Kvinder"], rows, sep=";"),
          note="grouped row labels left blank below the first (fill-down)")

    r = z.rng("o-readr-na")
    rows = [[reg, y, r.randint(30, 900) if (reg, y) != (EN_REGIONS[2], 2015) else None]
            for reg in EN_REGIONS for y in (2015, 2016, 2017)]
    z.add(o, "registrations_region_year.csv", delimited(["region", "year", "registrations"], rows, na="NA"),
          note="one cell NA (not collected that year), no totals")

    r = z.rng("o-sas-proc-export")
    rows = [[k, y, r.randint(200, 9000), round(r.uniform(38, 46), 1)] for k in DK_KOMMUNE_CODES[:20]
            for y in (2021, 2022)]
    z.add(o, "persons_munic_year.csv", delimited(["MUNIC", "YEAR", "N_PERSONS", "MEAN_AGE"], rows), eol="\r\n",
          note="SAS PROC EXPORT, municipality codes, person counts >= 200 and mean age")

    r = z.rng("o-stata-table")
    matrix = [[r.randint(150, 2500) for _ in range(2)] for _ in DK_REGIONS]
    sums = [sum(v[j] for v in matrix) for j in range(2)]
    rule = "-" * 44
    lines = [rule, f"{'':<14}|{'Køn':>18}", f"{'':<14}|{'Mænd':>9}{'Kvinder':>10}{'Total':>9}",
             "-" * 14 + "+" + "-" * 29, f"{'Region':<14}|"]
    for reg, (m, f) in zip(DK_REGIONS, matrix, strict=True):
        lines.append(f"  {reg:<12}|{m:>9,}{f:>10,}{m + f:>9,}")
    lines += [f"  {'Total':<12}|{sums[0]:>9,}{sums[1]:>10,}{sum(sums):>9,}", rule]
    z.add(o, "table_region_koen.txt", "\n".join(lines) + "\n",
          note="Stata 17 table written by collect export .txt, counts >= 150")

    r = z.rng("o-ods-tabulate")
    matrix = [[r.randint(60, 3000) for _ in range(2)] for _ in DK_REGIONS]
    body = _with_totals(DK_REGIONS, ["Mand", "Kvinde"], matrix, "All")
    z.add(o, "tabulate_ods.csv",
          delimited(None, [["Region", "", "", ""], *body], quoting="strings",
                    pre=['"","Køn","",""', '"","Mand","Kvinde","All"', '"","N","N","N"']),
          eol="\r\n", note="SAS PROC TABULATE through ODS CSV: header rows for the class, the levels and N")


# ---- the zoo -----------------------------------------------------------------------------------------

_BUILDERS: tuple[Callable[[_Zoo], None], ...] = (
    _class_01, _class_02, _class_03, _class_04, _class_05, _class_06, _class_07, _class_08, _class_09, _class_10,
    _class_11, _class_12, _class_13, _class_14, _class_15, _ordinary,
)


def build_zoo(seed: int = DEFAULT_SEED) -> list[Case]:
    """Every case of the zoo, in path order. The same seed gives the same bytes."""
    zoo = _Zoo(seed)
    for build in _BUILDERS:
        build(zoo)
    paths = [c.path for c in zoo.cases]
    duplicates = {p for p in paths if paths.count(p) > 1}
    if duplicates:
        raise ValueError(f"duplicate zoo paths: {sorted(duplicates)}")
    return sorted(zoo.cases, key=lambda c: c.path)


def _inside_repo(path: Path) -> bool:
    resolved = path.resolve()
    return resolved == REPO or REPO in resolved.parents


def write_zoo(out: Path, cases: Sequence[Case] | None = None, *, seed: int = DEFAULT_SEED) -> list[Case]:
    """Write the cases under ``out`` and a ``manifest.json`` beside them; return the cases.

    ``out`` must not exist or be empty, and it must lie outside the repository (the zoo is test input made
    on demand, never a file of the project).
    """
    if _inside_repo(out):
        raise ValueError(f"refusing to write the zoo inside the repository ({out})")
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty")
    cases = build_zoo(seed) if cases is None else list(cases)
    for case in cases:
        target = out / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.data)
    manifest = {"seed": seed, "threshold": 3, "profile": "dst",
                "classes": {str(k): v for k, v in CLASS_TITLES.items()},
                "cases": [c.manifest_entry() for c in cases]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return cases


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tests.zoo.generate [OUTDIR]``: write the zoo (to a new temporary folder by default)."""
    parser = argparse.ArgumentParser(prog="python -m tests.zoo.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", nargs="?", type=Path,
                        help="folder to create (outside the repository); default: a new temporary folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    out = args.outdir if args.outdir is not None else Path(tempfile.mkdtemp(prefix="sdcscan-zoo-"))
    try:
        cases = write_zoo(out, seed=args.seed)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    flags = sum(c.expect == "flag" for c in cases)
    print(f"{len(cases)} files ({flags} flag, {len(cases) - flags} safe) and manifest.json in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
