"""The size of fitted statistical models as their output prints it: observations and residual degrees of freedom.

A regression's coefficients are not counts, but a model fitted on a handful of units publishes little more
than their values: with as many parameters as observations it reproduces them, and ACRO/SACRO fail any
model with fewer than 10 residual degrees of freedom. Model output says how large the fit was in a few
fixed phrases, one per program; this reads those phrases out of text (a log's output, a text note, a
document's text), line by line, and makes no judgment (TAB007 does).

Regular expressions over lines, written here because no library reads model summaries out of printed text;
each is anchored on a phrase the program always prints, so ordinary prose does not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.lazy_regex import lazy_compile

__all__ = ["DESCRIPTIVE", "ModelSize", "is_regression_text", "model_sizes"]


@dataclass(frozen=True, slots=True)
class ModelSize:
    """One size a model's output prints: at ``line`` (None in a document without lines), ``observations``
    or ``residual_df`` (the other is None), and value-free words for what printed it."""

    line: int | None
    what: str
    observations: int | None = None
    residual_df: int | None = None


_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)"
#: ``ModelSize.what`` of a count of one group's units in a regression table
GROUP_COUNT = "regression table's count of a group"
# (pattern, what printed it, which size): phrases printed by one program each.
_PHRASES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # Stata estimation commands' header: "Number of obs   =   6" ("Number of obs = 1,234")
    (lazy_compile(r"\bNumber of obs\s*=\s*" + _NUM + r"\b"), "Stata model", "observations"),
    # Stata svy with subpop(): "Subpop. no. obs = 2", the observations an estimate of the subpopulation rests on
    (lazy_compile(r"\bSubpop\. no\. obs\s*=\s*" + _NUM + r"\b"), "Stata survey subpopulation", "observations"),
    # Stata regress's ANOVA table: "    Residual |  1.4812e+09         3  493733333"
    (lazy_compile(r"^[ \t]*Residual[ \t]*\|[ \t]*[-+\d.eE]+[ \t]+" + _NUM + r"[ \t]+[-+\d.eE]+\b", re.M),
     "Stata regress", "residual_df"),
    # R summary(lm) and summary(glm): "Residual standard error: 2.2 on 3 degrees of freedom",
    # "Residual deviance: 1.2  on 3  degrees of freedom"
    (lazy_compile(r"^[ \t]*Residual (?:standard error|deviance):[^\n]*?\bon[ \t]+" + _NUM + r"[ \t]+degrees of freedom",
                re.M),
     "R model summary", "residual_df"),
    # R's anova() and summary(aov()): "Residuals  3  1481200000  493733333"
    (lazy_compile(r"^Residuals[ \t]+" + _NUM + r"[ \t]+[-+\d.eE]+", re.M), "R analysis of variance", "residual_df"),
    # statsmodels' summary(): "No. Observations:   6", "Df Residuals:   3"
    (lazy_compile(r"\bNo\. Observations:\s+" + _NUM + r"\b"), "statsmodels summary", "observations"),
    (lazy_compile(r"\bDf Residuals:\s+" + _NUM + r"\b"), "statsmodels summary", "residual_df"),
    # SAS PROC REG, GLM, LOGISTIC, MIXED...: "Number of Observations Used    6"
    (lazy_compile(r"\bNumber of Observations Used\s+" + _NUM + r"\b"), "SAS model", "observations"),
    # R's coxph (print and summary): "  n= 7, number of events= 3"
    (lazy_compile(r"\bn=\s*" + _NUM + r",\s*number of events="), "R survival model", "observations"),
    # stargazer's statistics rows: "Residual Std. Error & 284.517 (df = 9)" (as LaTeX, text or HTML)
    (lazy_compile(r"\bResidual Std\. Error\b[^\n]*?\(df\s*=\s*" + _NUM + r"\)"), "stargazer table", "residual_df"),
    # a model's size on a line of its own, after a colon (microdata.no: "Antall observasjoner: 14")
    (lazy_compile(r"^[ \t]*(?:Antall observasjoner|Antal observationer|Number of observations|Observationer|"
                  r"Observasjoner):[ \t]*" + _NUM + r"[ \t]*$", re.M | re.I), "model output", "observations"),
    # R's summary(lm) in a Nordic locale and microdata.no: "Residual standardfeil: 7.886 på 9 frihetsgrader"
    (lazy_compile(r"\bp(?:å|aa)[ \t]+" + _NUM + r"[ \t]+frihe(?:ts|ds)grader\b"), "model output", "residual_df"),
    # SAS PROC MIXED's and GLIMMIX's Dimensions table: "Subjects    2" (the model's groups)
    (lazy_compile(r"^[ \t]*Subjects[ \t]+" + _NUM + r"[ \t]*$", re.M), GROUP_COUNT, "observations"),
    # SPSS regression's ANOVA: "Residual   1481.200   3   493.733" (sum of squares, then df)
)
# The words each phrase starts with (or always holds), looked for before the phrase.
_KEYS = {id(p): k for (p, _, _), k in zip(_PHRASES, ("Number of obs", "Subpop. no. obs", "Residual", "Residual ",
                                                      "Residuals",
                                                      "No. Observations:", "Df Residuals:",
                                                      "Number of Observations Used", "number of events=",
                                                      "Residual Std", "serv", "grader",
                                                      "Subjects"),
                                       strict=True)}
# A row of a regression table that gives each model's number of observations (esttab, outreg2, stargazer,
# modelsummary, texreg; as text, LaTeX, markdown or CSV): the label, then whole numbers only.
_N_ROW_LABEL = lazy_compile(
    r"^[ \t]*(?:\|[ \t]*)?\"?(?:(?:\\\(|\$)?N(?:\\\)|\$)?|Observations|Num\.\s?Obs\.|No\. of obs(?:ervations)?|Obs\.|"
    r"Number of observations|Antal observationer|Antal obs\.?|Observationer|Nobs|"
    # (Norwegian and Finnish labels: "Observasjoner", "Antall observasjoner", "Havainnot", "Havaintoja")
    r"Observasjoner|Antall observasjoner|Antall obs\.?|Havainnot|Havaintoja|Havaintojen lukumäärä)\"?[ \t]*"
    r"(?=[&|,;\t]|[ \t]{2,}|[ \t]+\d)", re.IGNORECASE | re.M)
# A row of a regression table that gives each model's residual degrees of freedom (outreg2's added rows).
_DF_ROW_LABEL = lazy_compile(
    r"^[ \t]*(?:\|[ \t]*)?\"?(?:Residual (?:df|degrees of freedom|frihedsgrader|frihetsgrader)|"
    r"df \(residual\)|Frihedsgrader \(residual\)|Frihetsgrader \(residual\)|"
    r"Residuaalin vapausasteet)\"?[ \t]*(?=[&|,;\t]|[ \t]{2,}|[ \t]+\d)", re.IGNORECASE | re.M)
# A row of a survival or logistic model's table that gives each model's number of events (stargazer's "Events",
# texreg's "Num. events", "Antal händelser").
_NUMBER_OF_EVENTS = (r"Number of events|No\.? of events|Num\.? events|Antal h(?:æ|ä)ndelser|Antall hendelser|"
                     r"Tapahtumien lukumäärä")
_EVENTS_ROW_LABEL = lazy_compile(
    rf"^[ \t]*(?:\|[ \t]*)?\"?(?:Events|Failures|H(?:æ|ä)ndelser|Hendelser|Tapahtumat|{_NUMBER_OF_EVENTS})\"?[ \t]*"
    r"(?=[&|,;\t]|[ \t]{2,}|[ \t]+\d)", re.IGNORECASE | re.M)
_N_ROW_CELL = lazy_compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
# A row of a regression table that counts the units of one group its estimates rest on (esttab's and
# stargazer's added lines): "N (kvinde × selvst.)", "N treated", "Firms (treated)", "Treated firms", "Antal
# behandlade".
_UNITS = (r"treated|control|controls|behandlade|behandlede|behandlete|kontroller|kontrollgrupp|firms|persons|"
          r"individuals|patients|personer|virksomheder|företag|foretak|yritykset|henkilöt|kvinnor|kvinder|mænd|"
          r"män|menn|kvinner|women|men|cases|events|tilfælde|tilfeller|fall|tapaukset|clusters|kluster|units|"
          r"pairs|par|parit|failures|deaths|døde|dødsfald|dödsfall|döda|kuolemat|subjects")
_GROUP_ROW_LABEL = lazy_compile(
    r"^[ \t]*(?:\|[ \t]*)?=?\"?(?:(?:\\\(|\$)?N(?:\\\)|\$)?[ \t]*[(\[][^)\]\n&|;]{1,80}[)\]]"
    rf"|(?:N|Number of|No\.? of|Antal|Antall|Lukumäärä)[ \t]+(?:{_UNITS})\b[^&|;,\t\n\"=]{{0,40}}"
    rf"|(?:firms|persons|individuals|patients|units|virksomheder|personer|företag|foretak|yritykset|cases|events)"
    rf"[ \t]*[(\[][ \t]*(?:{_UNITS})[ \t]*[)\]]"
    r"|(?:treated|control|behandlade|behandlede|behandlete)[ \t]+(?:firms|persons|individuals|patients|units|"
    r"virksomheder|personer|företag|foretak|individer|kommuner|municipalities)"
    # the pairs a sibling or twin design rests on: "Outcome-discordant pairs", "Diskordanta tvillingpar"
    r"|(?:[\w-]+[ \t-])?(?:discordant|concordant|diskordante?|konkordante?|diskordanta|konkordanta)[ \t]+"
    r"(?:(?:twin|sibling|MZ|DZ)[ \t]+)?(?:pairs|par|tvillingpar|syskonpar|søskendepar|søskenpar)"
    r"|(?:twin|sibling|MZ|DZ)[ \t]+pairs|tvillingpar|syskonpar|søskendepar|søskenpar"
    # observations with an indicator set, its coefficient theirs: "Obs. with disability pension = 1"
    r"|(?:Obs\.?|Observations?|Antal obs\.?|Antal observationer|Antall observasjoner|Havaintoja)(?:\\)?[ \t]+"
    r"(?:with|med|där|der|jossa)[ \t]+[^&|;\t\n\"]{1,60}?=[ \t]*\d+"
    # the groups of a fixed-effects or multilevel model, the events of a survival model
    r"|(?:Number of groups|No\.? of groups|Num\.? groups(?::[ \t]*[\w.]+)?|N[ \t]+groups|Antal grupper|"
    rf"Antall grupper|Ryhmien lukumäärä|Number of clusters|Num\.? clusters|Antal kluster|{_NUMBER_OF_EVENTS})"
    r"(?:[ \t]*\([^)\n]{1,40}\))?"
    # the units a model's estimates rest on, named alone in its statistics rows (esttab's "Personer  3",
    # "Arbejdssteder  1" under an event study on one plant's workers)
    rf"|(?:{_UNITS}|arbejdssteder|arbetsställen|arbeidssteder|toimipaikat|workplaces|plants|establishments|"
    r"employers|arbejdsgivere|arbetsgivare|arbeidsgivere|työnantajat|individer|kommuner|municipalities)"
    # a treatment or participant group named by its own row: "Deltakere i tiltak, innvandrere",
    # "Hoitoryhmä (henkilöä)", "Treatment group"
    r"|(?:Deltakere|Deltagere|Deltagare|Participants|Osallistujat|Hoitoryhmä|Verrokkiryhmä|Behandlingsgruppe|"
    r"Behandlingsgrupp|Kontrollgruppe|Kontrollgrupp|Treatment group|Control group|Treated group)"
    r"[^&|;,\t\n\"=]{0,40}(?:,[ \t]+[^\W\d_][^&|;,\t\n\"=]{0,30})?)\"?[ \t]*"
    r"(?=[&|,;\t]|[ \t]{2,}|[ \t]+\d)", re.IGNORECASE | re.M)
# A SAS ANOVA table's error row ("Error  3  1481200000  493733333") under its header.
_ANOVA_HEADER = lazy_compile(r"^[ \t]*Source[ \t]+DF[ \t]+(?:Sum of|Squares)\b|"
                           r"\bSum of Squares[ \t]+df[ \t]+Mean Square\b", re.M)
_SAS_ERROR_ROW = lazy_compile(r"^\s*Error\s+" + _NUM + r"\s+[-+\d.eE]+")
_SPSS_RESIDUAL_ROW = lazy_compile(r"^\s*(?:\d+\s+)?Residual\s+[-+\d.,eE]+\s+" + _NUM + r"\s+[-+\d.,eE]+")
# A regression table says so somewhere: fit statistics, standard errors, significance stars' legend.
_REGRESSION_TABLE = lazy_compile(r"\d\*{1,3}(?=\s|$)|\b[Rr]-?squared|\b[Rr]2(?:_a)?\b|R²|Std\. ?err|[Ss]tandard errors|"
                               r"t statistics|"
                               r"\bp\s*<\s*0?\.|Log.?[Ll]ikelihood|\bAIC\b|\bBIC\b|[Pp]seudo|Coefficient|Estimate|"
                               r"in parentheses|\\sym\{|"
                               # (stargazer's LaTeX: "12.418$^{***}$", "R$^{2}$", "Dependent variable")
                               r"\$\^\{\*{1,3}\}\$|R\$\^\{2\}\$|Dependent variable|"
                               # (a table of ratios from a Cox or logistic model: "HR", "OR", "Cox-model")
                               r"\b(?:a?HR|a?OR|IRR)\b|[Hh]azard ratio|[Oo]dds ratio|\bCox\b")
# A table of descriptive statistics per group (esttab after estpost summarize or tabstat): its header names
# the statistics of each cell.
_DESCRIPTIVE_TABLE = lazy_compile(r"(?i)\bmean\s*/\s*(?:sd|se)\b|\bmean\s*\((?:sd|se)\)|\bmean\s*&\s*sd\b")
#: ``ModelSize.what`` of a group's size in a table of descriptive statistics
DESCRIPTIVE = "table of descriptive statistics"
# Cells of such a row: LaTeX, markdown, tabs, semicolons or aligned spaces; commas (a CSV line) only when
# the cells do not read as whole numbers without splitting there ("N   1,234   5,678").
_ROW_SPLIT = lazy_compile(r"\s*(?:&|\||;|\t|\\\\|\s{2,})\s*")
_CSV_SPLIT = lazy_compile(r"\s*,\s*")
_ANOVA_REACH = 8  # lines from an ANOVA table's header to its error row


def _whole(text: str) -> int:
    return int(text.replace(",", ""))


_MULTICOLUMN = lazy_compile(r"\\multicolumn\{\d+\}\{[^{}]*\}\{([^{}]*)\}")
# A regression table's note of its model's size: "N = 11; hændelser = 4", "n = 412, events = 2" (kableExtra's and
# gt's footnotes under a Cox or logistic model): the observations and the events, each a size of the model.
_NOTE_SIZES = lazy_compile(r"(?<![\w])[Nn][ \t]*=[ \t]*" + _NUM + r"[ \t]*[;,][ \t]*(?:hændelser|haendelser|"
                           r"h(?:ä|a)ndelser|hendelser|events?|cases|tapahtum\w*|deaths|d(?:ø|ö)dsfal+|failures)"
                           r"[ \t]*=[ \t]*" + _NUM + r"\b")


def _row_cells(rest: str) -> list[str] | None:
    """The whole numbers of an observations row after its label, or None when it holds anything else."""
    # (LaTeX's grouped thousands separator, "265{,}759" as siunitx and esttab's Nordic locales write it; a cell
    # wrapped in "\multicolumn{1}{c}{14}" as esttab's booktabs style writes it)
    rest = _MULTICOLUMN.sub(r"\1", rest.replace("{,}", ","))
    for split in (_ROW_SPLIT, _CSV_SPLIT):
        cells = [c.strip().lstrip("=").strip('"').strip() for c in split.split(rest)]
        cells = [c for c in cells if c and c not in ("\\hline", "\\midrule", "\\bottomrule")]
        if cells and all(_N_ROW_CELL.match(c) for c in cells):
            return cells
    return None


# A coefficient in a printed regression table: "812.3***", "-41230.1", "0.004*" (not "(12.31)" under it).
_COEF = lazy_compile(r"(?<![\w.(\[])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\**(?=\s|$)")
# Rows of a regression table that are fit statistics or notes, not parameters.
_STAT_ROW = lazy_compile(r"(?i)^\s*(?:r-?sq|r2|adj|pseudo|f\b|f-stat|ll\b|log|aic|bic|chi2|prob|rmse|sigma|"
                       r"standard errors|t statistics|\*|note|n\b|observations|obs|num\.?\s?obs)")
_TABLE_RULE = lazy_compile(r"^\s*[-=_]{10,}\s*$")


def _aligned_residual_df(text: str, n_start: int, n_end: int) -> list[int]:
    """Each model's residual degrees of freedom in a plain-text regression table (esttab, outreg2 as text):
    its observations less the coefficients printed in its column above the ``N`` row, cells matched to the
    ``N`` row's by their right edges. Empty when the layout is not aligned text."""
    n_line = text[text.rfind("\n", 0, n_start) + 1:n_end]
    if "&" in n_line or "," in n_line.split(None, 1)[-1]:
        return []
    ends = [(m.end(), _whole(m.group(0))) for m in re.finditer(r"\d[\d,]*", n_line)
            if m.start() > 0 and n_line[:m.start()].strip() != ""]
    if not ends:
        return []
    # the table's body: the lines above the N row up to the rule under its header
    top = text.rfind("\n", 0, n_start)
    lines: list[str] = []
    while top > 0 and len(lines) < 400:
        start = text.rfind("\n", 0, top) + 1
        line = text[start:top]
        if _TABLE_RULE.match(line):
            if lines:  # the rule under the header: the body is complete
                break
        else:
            lines.append(line)
        top = start - 1
    counts = [0] * len(ends)
    for line in lines:
        if not line[:1].strip() or _STAT_ROW.match(line):
            continue  # a standard error's line under its coefficient, a statistic
        for m in _COEF.finditer(line):
            if m.start() == 0:
                continue
            k = min(range(len(ends)), key=lambda j: abs(ends[j][0] - m.end()))
            if abs(ends[k][0] - m.end()) <= 6:
                counts[k] += 1
    if not all(counts):
        return []  # a column without coefficients: the cells did not align (the N rows are judged alone)
    return [max(n - c, 0) for (_, n), c in zip(ends, counts, strict=True)]


def _lines_above(text: str, pos: int, limit: int) -> Iterator[str]:
    """The lines above the line at ``pos``, the nearest first, at most ``limit`` of them."""
    top = text.rfind("\n", 0, pos)
    for _ in range(limit):
        if top <= 0:
            return
        start = text.rfind("\n", 0, top) + 1
        yield text[start:top]
        top = start - 1


# A LaTeX cell's coefficient: "-0.142\sym{***}", "0.812$^{*}$", "11.41" (not "(0.0021)" under it).
_LATEX_COEF = lazy_compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_LATEX_STARS = lazy_compile(r"\\sym\{[^}]*\}|\$\^\{[^}]*\}\$|\\\(\^\{[^}]*\}\\\)|\^\{[^}]*\}|[*$]")
_LATEX_RULE = lazy_compile(r"^\s*\\(?:hline|midrule|toprule|cline|cmidrule)\b|^\s*\\begin\{tabular")


def _latex_residual_df(text: str, n_start: int, n_end: int) -> list[int]:
    """Each model's residual degrees of freedom in a LaTeX regression table (esttab, estout, outreg2 as tex):
    its observations less the coefficients in its column between the rule above the ``N`` row and the rule
    under the header. Empty when the rows do not have the ``N`` row's columns."""
    n_line = text[text.rfind("\n", 0, n_start) + 1:n_end]
    cells = [c.strip().rstrip("\\").strip() for c in n_line.split("&")[1:]]
    if not cells or not all(_N_ROW_CELL.match(c) for c in cells):
        return []
    ns = [_whole(c) for c in cells]
    counts = [0] * len(ns)
    seen_body = False
    for line in _lines_above(text, n_start, 400):
        if _LATEX_RULE.match(line):
            if seen_body:
                break  # the rule under the header
            continue  # the rule above the N row
        parts = line.split("&")
        if len(parts) < 2:
            continue  # "[1em]", a blank line
        if len(parts) != len(ns) + 1:
            return []
        if not parts[0].strip() or _STAT_ROW.match(parts[0]):
            continue  # a standard error's line under its coefficient, a statistic
        seen_body = True
        for k, cell in enumerate(parts[1:]):
            value = _LATEX_STARS.sub("", cell.strip().rstrip("\\").strip()).strip()
            if _LATEX_COEF.match(value):
                counts[k] += 1
    else:
        return []  # no rule under a header above the rows
    if not all(counts):
        return []
    return [max(n - c, 0) for n, c in zip(ns, counts, strict=True)]


# The header of a printed model's coefficients: R's coxph ("coef exp(coef) se(coef)"), Stata's estimation table
# ("| Coefficient  Std. err.", "| Haz. ratio", "| Odds ratio").
_R_COEF_HEADER = lazy_compile(r"^[ \t]+coef[ \t]+exp\(coef\)[ \t]+se\(coef\)", re.M)
# (a name ending in "." or ")" is followed by a space, no word boundary: "Coef.", "exp(b)")
_STATA_COEF_HEADER = lazy_compile(r"^[^|\n]*\|[ \t]+(?:Coefficient|Coef\.|Haz\. ratio|Odds ratio|IRR|RRR|exp\(b\)|"
                                  r"Hazard ratio|Risk ratio|Rate ratio)(?![\w])", re.M)
_STATA_COEF_ROW = lazy_compile(r"^[ \t]*\S[^|\n]*\|[ \t]+[-+]?(?:\d|\.\d)")
_STATA_RULE = lazy_compile(r"^[ \t]*-{5,}[ \t]*$")
_COEF_REACH = 30  # lines from a model's number of observations to its coefficients' header


def _printed_coefficients(text: str, start: int, stata: bool) -> int:
    """The coefficients of the model whose size is printed at ``start``: the rows of the first coefficient
    table within :data:`_COEF_REACH` lines (R's coxph up to its blank line; Stata's up to its closing rule,
    base levels and omitted terms not counted), 0 when there is none."""
    window_end = start
    for _ in range(_COEF_REACH):
        nxt = text.find("\n", window_end + 1)
        if nxt < 0:
            window_end = len(text)
            break
        window_end = nxt
    header = (_STATA_COEF_HEADER if stata else _R_COEF_HEADER).search(text, start, window_end)
    if header is None:
        return 0
    body = text.find("\n", header.end())
    if body < 0:
        return 0
    k = 0
    for line in text[body + 1:body + 1 + 65536].split("\n"):
        if stata:
            if _STATA_RULE.match(line.replace("+", "-")):
                if k:
                    break
                continue
            if _STATA_COEF_ROW.match(line) and "(base)" not in line and "(omitted)" not in line \
                    and "(empty)" not in line:
                k += 1
        else:
            if not line.strip() or line.startswith("---"):
                break
            k += 1
    return k


def is_regression_text(text: str) -> bool:
    """Whether ``text`` has the marks of a regression table (stars, R-squared, standard errors...)."""
    return _REGRESSION_TABLE.search(text) is not None


def _other_sex_by_difference(text: str, n_start: int, n_end: int) -> list[int]:
    """Models of all and of one sex side by side (Stata's etable "all" and "women"), the other sex in no
    column: the difference of their numbers of observations is the other sex's (3,118 - 3,116 = 2 men). The
    columns' names are the header line whose words end where the N row's numbers end. Empty otherwise."""
    from scanner.loaders.texttables import names_all, one_sex

    n_line = text[text.rfind("\n", 0, n_start) + 1:n_end]
    ends = [(m.end(), _whole(m.group(0))) for m in re.finditer(r"\d[\d,]*", n_line)
            if m.start() > 0 and n_line[:m.start()].strip() != ""]
    if len(ends) < 2:
        return []
    for line in _lines_above(text, n_start, 60):
        words = [(m.end(), m.group(0)) for m in re.finditer(r"\S+", line)]
        named = {}
        for end, value in ends:
            near = [w for e, w in words if abs(e - end) <= 3]
            if len(near) == 1 and not any(ch.isdigit() for ch in near[0]):
                named[end] = (near[0], value)
        if len(named) == len(ends):
            alls = [v for w, v in named.values() if names_all(w)]
            sexes = [(one_sex(w), v) for w, v in named.values() if one_sex(w)]
            if len(alls) == 1 and len(sexes) == 1:
                rest = alls[0] - sexes[0][1]
                return [rest] if rest > 0 else []
            return []
    return []


def model_sizes(text: str, first_line: int = 1, *, regression: bool = False) -> list[ModelSize]:
    """Every model size printed in ``text`` (its lines numbered from ``first_line``), in line order. Each
    phrase is searched over the whole text at once (a large note is not split into lines). ``regression``:
    the text around ``text`` says it is a regression table (a Word table whose notes, "*** p<0.01", are
    paragraphs under it)."""
    at: list[tuple[int, str, str, int]] = []  # (offset, what, size, value)
    # (a phrase's words are looked for first: a substring test costs a fraction of a regular expression's
    # scan, and most text holds no model output)
    derived: list[tuple[int, str, str, int]] = []
    for pattern, what, size in _PHRASES:
        if _KEYS[id(pattern)] in text:
            for m in pattern.finditer(text):
                at.append((m.start(), what, size, _whole(m.group(1))))
                if what in ("Stata model", "R survival model") and size == "observations":
                    # the observations less the coefficients listed: the residual degrees of freedom of a
                    # model whose output prints none (a Cox model, a logit)
                    k = _printed_coefficients(text, m.end(), what == "Stata model")
                    if k:
                        derived.append((m.start(), what, "residual_df", max(_whole(m.group(1)) - k, 0)))
    printed = [offset for offset, _, size, _ in at if size == "residual_df"]
    at.extend(d for d in derived if not any(abs(d[0] - p) <= 4096 for p in printed))
    headers = _ANOVA_HEADER.finditer(text) if ("Source" in text or "Sum of Squares" in text) else ()
    for header in headers:
        start = text.find("\n", header.end()) + 1
        if start == 0:
            continue
        for line in text[start:start + 4096].split("\n", _ANOVA_REACH)[:_ANOVA_REACH]:
            m = _SAS_ERROR_ROW.match(line) or _SPSS_RESIDUAL_ROW.match(line)
            if m:
                at.append((start, "analysis of variance table", "residual_df", _whole(m.group(1))))
                break
            start += len(line) + 1
    rows: list[tuple[int, str, str, int]] = []
    for label in _N_ROW_LABEL.finditer(text):
        end = text.find("\n", label.end())
        cells = _row_cells(text[label.end():end if end >= 0 else len(text)].strip())
        rows.extend((label.start(), "regression table", "observations", _whole(c)) for c in cells or ())
        if cells:
            rows.extend((label.start(), GROUP_COUNT, "observations", n)
                        for n in _other_sex_by_difference(text, label.start(), end if end >= 0 else len(text)))
        if cells:
            stop = end if end >= 0 else len(text)
            rows.extend((label.start(), "regression table", "residual_df", df)
                        for df in _aligned_residual_df(text, label.start(), stop)
                        or _latex_residual_df(text, label.start(), stop))
    if "=" in text:
        for m in _NOTE_SIZES.finditer(text):
            rows.append((m.start(), "regression table's note", "observations", _whole(m.group(1))))
            rows.append((m.start(), "regression table's note (events)", "observations", _whole(m.group(2))))
    for label in _EVENTS_ROW_LABEL.finditer(text):
        # a survival or logistic model's events less its coefficients: what its estimates rest on (14 events
        # under 7 hazard ratios leave 7)
        end = text.find("\n", label.end())
        stop = end if end >= 0 else len(text)
        if _row_cells(text[label.end():stop].strip()):
            rows.extend((label.start(), "regression table (events less coefficients)", "residual_df", df)
                        for df in _aligned_residual_df(text, label.start(), stop)
                        or _latex_residual_df(text, label.start(), stop))
    for label in _DF_ROW_LABEL.finditer(text):
        end = text.find("\n", label.end())
        cells = _row_cells(text[label.end():end if end >= 0 else len(text)].strip())
        rows.extend((label.start(), "regression table", "residual_df", _whole(c)) for c in cells or ())
    groups: list[tuple[int, str, str, int]] = []
    for label in _GROUP_ROW_LABEL.finditer(text):
        end = text.find("\n", label.end())
        cells = _row_cells(text[label.end():end if end >= 0 else len(text)].strip())
        groups.extend((label.start(), GROUP_COUNT, "observations", _whole(c)) for c in cells or ())
    regression = regression or _REGRESSION_TABLE.search(text) is not None
    if groups and regression:
        at.extend(groups)
    if rows and regression:
        at.extend(rows)
    elif rows and _DESCRIPTIVE_TABLE.search(text):
        # esttab's descriptive tables (estpost summarize/tabstat, "mean/sd" over columns of groups): the
        # observations row is each group's size
        at.extend((offset, DESCRIPTIVE, size, value) for offset, _, size, value in rows if size == "observations")
    at.sort(key=lambda t: t[0])  # (stable: a row's models stay in column order)
    found: list[ModelSize] = []
    line, pos = first_line, 0
    for offset, what, size, value in at:
        line += text.count("\n", pos, offset)
        pos = offset
        found.append(ModelSize(line, what, **{size: value}))
    return found
