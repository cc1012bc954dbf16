"""Logs, listings and notebooks: the tables they print and the code they echo.

A statistics package's log interleaves echoed code, messages and printed output; a listing (SAS ``.lst``,
SPSS text output, a script's printed output) is output only; a Jupyter notebook holds code cells and their
outputs. What leaks from them is what leaks from a CSV file (a frequency table with a cell of 2, a
minimum of a group of 2, rows of persons) plus what leaks from code (a key compared with a literal, data
written into the program). This module reads them into the same parts:

* echoed code: comparisons of keys with literals and data written into code
  (:mod:`scanner.loaders.programs`);
* printed tables (:class:`~scanner.loaders.programs.ListedTable`): each with the file line of every row, and
  its origin: a *listing* of rows (SAS PROC PRINT, Stata ``list``, a printed R or pandas data frame,
  ``head()``), a *tabulation* (PROC FREQ/MEANS/SUMMARY/TABULATE/UNIVARIATE, Stata ``tabulate``/``table``/
  ``summarize``/``tabstat``, R ``table()``/``xtabs``, pandas ``value_counts``/``describe``) or other
  *output* that reads as a table. Model output (regressions, their ANOVA and fit tables) is left alone:
  its numbers are estimates, not cells.

How: :mod:`kernels.logscan` classifies every line from its first bytes (echoed code, message, output; per
tool: SAS line numbers and NOTE lines, Stata's ``. ``, R's ``> ``) in one pass over the raw bytes, so a log
of several GB is read at the speed of the identifier scan, and Python decodes only the output blocks. Each
block comes with the command that printed it (the echoed code right before it; a SAS listing's procedure
title), which decides the origin and the layout parser:

* Stata tables drawn with ``|`` and a ``---+---`` rule (``tabulate``, ``summarize``, ``tabstat``,
  ``table``), a two-way table as one row per cell (row, column, frequency, margins included);
* SAS PROC FREQ cross-tabulations (``Frequency|`` key, stacked percentages: the frequency line of each row);
* Stata ``list`` boxes; R ``table()`` printouts (labels over counts); pandas Series (``Name: x, dtype:``);
  ``describe()`` output (turned so each statistic is a column);
* any other block of aligned columns: column edges are the character positions blank in every row and
  header line (numbers are right-aligned under their header, text left-aligned), header lines above the
  first row of numbers, a header alone in its paragraph joined to the rows below it (PROC PRINT).

SMCL (Stata's markup) is turned into the text Stata shows; notebooks' HTML tables are read with the
standard library's ``html.parser``. Nothing here keeps a value outside the tables handed to the analysis;
a figure in a notebook (an image) is a value-free problem (FIL001: not inspected).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import html.parser
import itertools
import json
import logging
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scanner.discover.classify import MARKDOWN_ALIGN, R_STRONG_PROMPT
from scanner.lazy_regex import LazyPattern, lazy_compile
from scanner.loaders.base import LoadError
from scanner.loaders.model_output import GROUP_COUNT, ModelSize, model_sizes
from scanner.loaders.programs import (
    Comparison,
    Language,
    ListedTable,
    Origin,
    ProgramRead,
    decode,
    embedded_tables,
    iter_scan,
    judge_comparisons,
    open_bytes,
    read_program,
    wide_codec,
)
from scanner.loaders.texttables import (
    COUNT_PERCENT,
    SURVFIT_HEAD,
    TextTable,
    box_drawn_as_pipes,
    count_percent_table,
    count_rows,
    find_tables,
    gutter_spans,
    joined_parentheses,
    label_and_number_split,
    left_label_pieces_joined,
    merged_numbers_split,
    summary_row,
    thousands_joined,
    unique_names,
    without_indicators,
)
from scanner.names import is_margin_label
from scanner.sources import open_file

__all__ = [
    "LogPart",
    "LogRead",
    "OutputState",
    "detect_log",
    "html_tables",
    "is_rendered_notebook_file",
    "is_rendered_notebook_html",
    "parse_output",
    "read_log",
    "read_notebook",
    "read_rendered_html",
    "strip_smcl",
]

log = logging.getLogger(__name__)

#: Tables per yielded part: the engine judges and forgets them, so memory stays bounded.
PART_TABLES = 256
#: Printed output is parsed in pieces of at most this many bytes, cut at paragraph ends (:func:`_pieces`).
MAX_BLOCK_BYTES = 4 << 20
#: Text of a SMCL or UTF-16/32 log decoded per step.
STREAM_BYTES = 16 << 20
#: Notebooks are JSON documents read whole; a larger one is not read (FIL001).
MAX_NOTEBOOK_BYTES = 512 << 20


@dataclass(slots=True)
class LogPart:
    """Part of what a log, listing or notebook holds: printed tables, echoed code's comparisons and data,
    and value-free problems (FIL001)."""

    tables: list[ListedTable] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: the sizes fitted models print (observations, residual degrees of freedom)
    models: list[ModelSize] = field(default_factory=list)
    #: a rendered report's own text (its sentences), at the file's lines: read as a note is
    prose: str = ""


@dataclass(frozen=True, slots=True)
class LogRead:
    """How a log is read: the language of its echoed code, the kernel mode, whether it is SMCL."""

    language: Language
    mode: int
    smcl: bool
    tool: str  # value-free description: "SAS log", "SAS listing", "Stata log"...


# --- what kind of log ------------------------------------------------------------------------------------

_SMCL_MARK = lazy_compile(r"\A\s*\{smcl\}|\{(?:txt|res|com|err|inp)\}")
# SAS's page and procedure titles in English and as its Nordic and German locales print them ("Systemet
# SAS", "Proceduren LOGISTIC", "Prosedyren FREQ", "Die Prozedur MEANS").
_SAS_SYSTEM = r"(?:The SAS System|Systemet SAS|SAS-systemet|Das SAS System)\b"
_SAS_PROC = r"(?:The (?P<en>[A-Z0-9]+) Procedure|(?:Proceduren|Prosedyren|Die Prozedur) (?P<local>[A-Z0-9]+))"
_SAS_MARK = lazy_compile(rf"^[\s\x0c\d]*{_SAS_SYSTEM}|^NOTE: |^\s*{_SAS_PROC}\s*$|"
                       r"^\s*The (?:Mixed|Glimmix|Nlmixed) Procedure\s*$|"
                       r"^\d+ +(?:data|proc|run|libname|options|%let|DATA|PROC|RUN)\b", re.M)
# (within a SAS listing the title may be in mixed case: PROC MIXED prints "The Mixed Procedure")
_SAS_PROC_TITLE = lazy_compile(rf"^\s*{_SAS_PROC}\s*$|^\s*The (?P<mixed>Mixed|Glimmix|Nlmixed) Procedure\s*$", re.M)
_SAS_SYSTEM_TITLE = lazy_compile(_SAS_SYSTEM)
_SAS_NOTE = lazy_compile(r"^(?:NOTE|WARNING|ERROR):", re.M)
_STATA_HEADER = lazy_compile(r"^\s*(?:log type|opened on|closed on):|^end of do-file\s*$|^\s*___  ____  ____", re.M)
_STATA_ECHO = lazy_compile(r"^\. \S", re.M)
_R_MARK = lazy_compile(r"^R (?:version|Under development)|^R is free software", re.M)
_R_PROMPT = lazy_compile(r"^> ", re.M)
# A command over several lines: R's prompt, then its continuation prompt ("> pop %>%" / "+   tabyl(x)").
_R_CONTINUED = lazy_compile(r"^> \S.*\n\+ ", re.M)
_R_COMMAND = lazy_compile(r"^> [^\n]*(?:<-|\w\()", re.M)
_R_PRINT = lazy_compile(r"^ *\[ *\d+\] \S", re.M)  # a printed vector: [1] 4812    4
_PY_MARK = lazy_compile(r"dtype: \w+$|^\[\d+ rows x \d+ columns\]|^Traceback \(most recent call last\)|^>>> ", re.M)
# A Python console's prompt (">>> df.head()") or IPython's ("In [3]: df.head()").
_PY_PROMPT = lazy_compile(r"^(?:>>>(?: |$)|In \[\d+\]: )", re.M)
_SPSS_MARK = lazy_compile(r"^(?:GET FILE|FREQUENCIES|CROSSTABS|DESCRIPTIVES|Frequency Table|Valid Percent"
                          r"|LIST VARIABLES|\s*Number of cases listed)", re.M | re.I)
# The footer of SPSS's LIST command: the rows above it are cases.
_SPSS_LISTED = lazy_compile(r"^\s*Number of cases (?:read|listed):", re.M)


#: ``LogRead.tool`` of an Mplus output file (its sections are read apart: :func:`_mplus_counts`)
MPLUS = "Mplus output"
# An Mplus section's heading: capitals from the line's start ("SUMMARY OF ANALYSIS", "MODEL RESULTS").
_MPLUS_HEADING = lazy_compile(r"^[A-Z][A-Z0-9 ,&()/'-]{5,}$")
# The sections of an Mplus output that print counts or statistics of the data (read as tables); the others are
# its settings ("Number of groups  1", "Number of continuous latent variables  2"), model estimates and fit.
_MPLUS_DATA = lazy_compile(r"^(?:UNIVARIATE PROPORTIONS AND COUNTS|UNIVARIATE SAMPLE STATISTICS|SAMPLE STATISTICS|"
                           r"RESULTS FOR BASIC ANALYSIS|FINAL CLASS COUNTS|CLASSIFICATION OF INDIVIDUALS)")


def _mplus_counts(text: str, section: str) -> tuple[str, str]:
    """``text`` (a piece of an Mplus output, in the section ``section`` where it starts) with every line outside
    the sections of the data's counts and statistics blanked (lines keep their numbers), and the section at its
    end."""
    out = []
    for line in text.split("\n"):
        if _MPLUS_HEADING.match(line.rstrip()):
            section = line.strip()
        out.append(line if _MPLUS_DATA.match(section) else "")
    return "\n".join(out), section


def detect_log(head: str, name: str) -> LogRead:
    """The tool that wrote a log, from its first bytes (decoded) and its name."""
    from kernels.logscan import MODE_OUTPUT, MODE_PYTHON, MODE_R, MODE_SAS, MODE_STATA

    lower = name.lower()
    window = head[:65536]
    if window.lstrip().startswith("Mplus VERSION"):
        return LogRead(Language.OTHER, MODE_OUTPUT, False, MPLUS)
    if _SMCL_MARK.search(window):
        return LogRead(Language.STATA, MODE_STATA, True, "Stata SMCL log")
    stata_echo = len(_STATA_ECHO.findall(window))
    sas = len(_SAS_MARK.findall(window))
    if _STATA_HEADER.search(window) or (stata_echo >= 3 and stata_echo > sas):
        return LogRead(Language.STATA, MODE_STATA, False, "Stata log")
    if (lower.endswith(".rout") or _R_MARK.search(window)) and not _SAS_PROC_TITLE.search(window) \
            and not _SAS_SYSTEM_TITLE.search(window):
        # R's banner or a .Rout name: R packages print "NOTE: ..." lines too (fixest), which are no SAS log
        return LogRead(Language.R, MODE_R, False, "R transcript")
    if sas:
        notes = len(_SAS_NOTE.findall(window))
        if lower.endswith(".lst") or not notes:
            return LogRead(Language.SAS, MODE_OUTPUT, False, "SAS listing")
        return LogRead(Language.SAS, MODE_SAS, False, "SAS log")
    prompts = len(_R_PROMPT.findall(window))
    commands = len(_R_COMMAND.findall(window))  # prompts before a call or an assignment
    if lower.endswith(".rout") or _R_MARK.search(window) or prompts >= 3 or commands >= 2 \
            or R_STRONG_PROMPT.search(window) or (prompts and _R_PRINT.search(window)) \
            or _R_CONTINUED.search(window):
        return LogRead(Language.R, MODE_R, False, "R transcript")
    if stata_echo >= 1:
        return LogRead(Language.STATA, MODE_STATA, False, "Stata log")
    if _SPSS_MARK.search(window):
        return LogRead(Language.SPSS, MODE_OUTPUT, False, "SPSS output")
    if _PY_PROMPT.search(window):
        return LogRead(Language.PYTHON, MODE_PYTHON, False, "Python console transcript")
    if _PY_MARK.search(window):
        return LogRead(Language.PYTHON, MODE_OUTPUT, False, "Python output")
    return LogRead(Language.OTHER, MODE_OUTPUT, False, "printed output")


# --- SMCL --------------------------------------------------------------------------------------------------

_SMCL_TAG = lazy_compile(r"\{([^{}]*)\}")
_SMCL_DROP = frozenset({
    "smcl", "txt", "text", "res", "result", "com", "input", "inp", "err", "error", "sf", "bf", "it", "rm",
    "ul", "ul on", "ul off", "p_end", "reset", "hi", "hilite", "cmd", "sf on", "bf on", "it on",
})  # fmt: skip
_SMCL_CHARS = {"|": "|", "-": "-", "+": "+", "TT": "+", "BT": "+", "LT": "+", "RT": "+", "TLC": "+", "TRC": "+",
               "BLC": "+", "BRC": "+", "RBT": "+", "LBT": "+", "BT ": "+"}


def _smcl_line(line: str) -> str:
    out: list[str] = []
    pos = 0
    width = 0

    def put(text: str) -> None:
        nonlocal width
        out.append(text)
        width += len(text)

    for m in _SMCL_TAG.finditer(line):
        put(line[pos:m.start()])
        pos = m.end()
        tag = m.group(1)
        head, _, arg = tag.partition(" ")
        name, colon, body = tag.partition(":")
        if colon and " " not in name.strip():
            # {res:22}, {bf:name}, {help x:text}: the text after the colon
            put(body)
            continue
        if colon:
            # {ralign 78:text}, {lalign 10:text}, {center 30:text}, {help j_x:F(20, 21) }
            kind, _, size = name.partition(" ")
            n = int(size) if size.strip().isdigit() else len(body)
            if kind == "ralign":
                put(body.rjust(n))
            elif kind == "lalign":
                put(body.ljust(n))
            elif kind in ("center", "centre"):
                put(body.center(n))
            else:
                put(body)
            continue
        if head == "hline":
            n = int(arg) if arg.strip().isdigit() else max(1, 78 - width)
            put("-" * n)
        elif head == "c":
            put(_SMCL_CHARS.get(arg.strip(), "+"))
        elif head == "col":
            n = int(arg) - 1 if arg.strip().isdigit() else width
            put(" " * max(0, n - width))
        elif head == "space":
            put(" " * (int(arg) if arg.strip().isdigit() else 1))
        elif head == ".-":
            put("-" * 78)
        elif head == "dup":
            # {dup 5:x}
            put("")
        elif tag in _SMCL_DROP or head in ("p", "pstd", "phang", "pmore", "pin", "psee", "bind", "browse",
                                           "search", "view", "stata", "marker", "char") or tag == "...":
            continue
        else:
            put("")
    put(line[pos:])
    return "".join(out)


def strip_smcl(text: str) -> str:
    """SMCL markup turned into the plain text Stata shows: ``{txt}``, ``{res}``, ``{com}`` dropped,
    ``{c |}`` a bar, ``{hline 13}`` 13 dashes, ``{col 20}`` spaces up to column 20, ``{space 3}``, ``{ralign
    78:...}``, ``{res:22}`` its text. A line ending in ``{...}`` goes on in the next one (tabstat and table
    print a row's label that way); the lines it saves come back at the next blank line, so lines after a
    table keep their numbers."""
    if "{" not in text:
        return text
    out: list[str] = []
    held = ""  # the start of a line continued with {...}
    saved = 0  # lines joined since the last blank line
    for line in text.split("\n"):
        plain = _smcl_line(line) if "{" in line else line
        if line.rstrip().endswith("{...}"):
            held += plain.rstrip("\r")
            saved += 1
            continue
        plain, held = held + plain, ""
        out.append(plain)
        if saved and not plain.strip():
            out.extend([""] * saved)
            saved = 0
    if held:
        out.append(held)
        saved -= 1
    out.extend([""] * saved)
    return "\n".join(out)


# --- command and origin -----------------------------------------------------------------------------------

_STATA_LISTING = frozenset({"list", "li", "lis", "l", "browse", "br", "edit", "ed", "listsome"})
_STATA_TABULATION = frozenset({
    "tabulate", "tab", "ta", "tabu", "tabul", "tabula", "tabulat", "tab1", "tab2", "table", "tabstat", "summarize",
    "summ", "sum", "su", "summa", "summar", "summari", "summariz", "tabout", "xttab", "xtsum", "xtdes",
    "misstable", "tabm", "table1", "dtable", "count", "means", "ci", "ameans", "centile", "ttest", "inspect",
    "tabdisp", "collapse", "contract", "groups", "fre", "tabchi",
    # survival tables: persons at risk, failures and censorings per interval or group (sts list, sts test)
    "sts", "ltable", "strate", "stptime", "stsum",
})  # fmt: skip
_STATA_MODEL = frozenset({
    "regress", "reg", "regr", "logit", "logistic", "probit", "oprobit", "ologit", "mlogit", "poisson", "nbreg",
    "xtreg", "xtlogit", "xtpoisson", "areg", "reghdfe", "ivregress", "ivreg2", "ivreghdfe", "stcox", "streg",
    "mixed", "melogit", "meglm", "glm", "margins", "marginsplot", "test", "testparm", "lincom", "nlcom", "estat",
    "esttab", "estout", "eststo", "outreg2", "predict", "anova", "manova", "ranksum", "signrank",
    "pwcorr", "correlate", "corr", "ppmlhdfe", "qreg", "rreg", "sureg", "heckman", "tobit", "cloglog",
    "xtset", "tsset", "stset", "bootstrap", "didregress", "csdid",
    "eventstudyinteract", "did_multiplegt", "rdrobust", "synth", "teffects", "psmatch2", "pscore", "kdensity",
    "graph", "twoway", "scatter", "histogram", "hist", "tw", "line", "coefplot", "binscatter", "describe",
    "desc", "d", "ds", "merge", "append", "reshape", "egen", "gen", "generate", "replace", "drop", "keep",
    "recode", "rename", "label", "sort", "gsort", "save", "use", "import", "export", "log",
    "display", "di", "set", "local", "global", "do", "run", "quietly", "qui", "capture", "cap", "timer",
    "estimates", "est", "return", "ereturn", "mata", "program", "end", "version", "clear", "preserve",
    "restore", "compress", "format", "isid", "assert", "confirm", "which", "help", "sysuse", "webuse",
    "codebook", "post", "postfile", "postclose", "notes", "matrix", "mat", "svmat", "mkmat", "putexcel",
    "collect", "etable", "creturn", "sreturn", "scalar", "tempfile", "tempvar", "frame", "frames",
})  # fmt: skip
_R_LISTING = lazy_compile(r"^\s*(?:print\s*\(\s*)?(?:head|tail|View|slice_head|slice_tail|slice_sample|sample_n|"
                        r"sample_frac|glimpse|print|as\.data\.frame|data\.frame)\s*\(|^\s*[A-Za-z.][\w.$]*\s*$|"
                        r"^\s*[A-Za-z.][\w.$]*\s*\[|"
                        # rows picked out of a data frame: subset(), dplyr's filter(), slice(), arrange()
                        r"\b(?:subset|filter|slice|arrange|slice_max|slice_min|top_n|distinct|"
                        # (dplyr verbs that keep a data frame's rows: the rows printed are its records)
                        r"select|mutate|transmute|rename|relocate)\s*\(")
# A command whose outermost call prints rows of a data frame: "head(d)", "print(as.data.frame(d[sample(...), ]))".
_R_LISTING_CALL = lazy_compile(r"^\s*(?:print\s*\(\s*)?(?:head|tail|View|slice_head|slice_tail|slice_sample|sample_n|"
                               r"sample_frac|glimpse|as\.data\.frame)\s*\(")
_R_TABULATION = lazy_compile(r"\[[^\]\n]*,\s*\.N\b|"  # (data.table's d[, .N, by = x]: the rows of each group counted)
                           r"\b(?:table|xtabs|ftable|prop\.table|proportions|addmargins|aggregate|count|"
                           r"summari[sz]e|tapply|by|describe|quantile|tabyl|group_by|CrossTable|freq|"
                           r"margin\.table|rowsum|colSums|rowSums|cumsum|survfit|table1|tbl_summary|"
                           r"CreateTableOne)\s*\(")
_R_MODEL = lazy_compile(r"\b(?:lm|glm|coxph|lmer|glmer|survreg|anova|Anova|confint|coef|vcov|predict|residuals|"
                      r"fitted|cor\.test|t\.test|chisq\.test|fisher\.test|wilcox\.test|AIC|BIC|logLik|nls|gam|"
                      r"feols|felm|plm|ivreg|polr|multinom|clogit|cox\.zph|str|dim|nrow|ncol|names|colnames|"
                      r"class|levels|length|sessionInfo|library|require|install\.packages|set\.seed|Sys\.time|"
                      r"options|print\.default|cat|message|paste|sprintf)\s*\(")
_PY_LISTING = lazy_compile(r"\.(?:head|tail|sample|nlargest|nsmallest|iloc|loc|to_string|query|filter|sort_values|"
                         r"sort|drop_duplicates|top_k|bottom_k)\b|^\s*(?:print|display)\s*\("
                         r"\s*[A-Za-z_][\w.]*\s*\)\s*$|^\s*[A-Za-z_][\w]*\s*$|^\s*[A-Za-z_]\w*\s*\[")
_PY_TABULATION = lazy_compile(r"\.(?:value_counts|describe|groupby|pivot_table|pivot|crosstab|agg|aggregate|size|"
                            r"count|sum|mean|median|quantile|nunique|unstack|stack|resample|cumsum)\b|"
                            r"\bcrosstab\s*\(|\bpivot_table\s*\(")
_PY_MODEL = lazy_compile(r"\.(?:fit|summary|summary2|params|pvalues|conf_int|predict|score|coef_|corr|cov)\b|"
                       r"\b(?:smf|sm|ols|logit|OLS|Logit|GLM|LinearRegression|LogisticRegression)\b")
_SAS_LISTING_PROCS = frozenset({"PRINT", "REPORT", "SQL", "FSLIST"})
_SAS_TABULATION_PROCS = frozenset({"FREQ", "MEANS", "SUMMARY", "TABULATE", "UNIVARIATE", "LIFETEST", "SURVEYFREQ",
                                   "SURVEYMEANS", "STDIZE", "RANK"})


def _stata_command(cmd_text: str) -> str:
    """The last Stata command echoed in ``cmd_text`` (its ``> `` continuations joined), without prefixes."""
    lines = cmd_text.split("\n")
    parts: list[str] = []
    for line in reversed(lines):
        if line.startswith("> "):
            parts.append(line[2:])
            continue
        if line.startswith("."):
            parts.append(line[1:].strip())
            body = " ".join(reversed(parts)).strip()
            if body:
                return body
            parts = []
    return " ".join(reversed(parts)).strip()


def _r_command(cmd_text: str) -> str:
    """The last R command in ``cmd_text`` (``+ `` continuations joined)."""
    lines = cmd_text.split("\n")
    parts: list[str] = []
    for line in reversed(lines):
        if line.startswith("+ "):
            parts.append(line[2:])
            continue
        if line.startswith(">"):
            parts.append(line[1:].strip())
            body = " ".join(reversed(parts)).strip()
            if body and not body.startswith("#"):
                return body
            parts = []
    return " ".join(reversed(parts)).strip()


def _first_word(command: str) -> str:
    # Stata prefixes: "bysort x:", "by x:", "quietly", "capture", "noisily", "xi:", "svy:"
    text = command.strip()
    while True:
        m = re.match(r"^(?:bys(?:ort)?|by|svy|xi|stepwise|nestreg|mi estimate|statsby|rolling)\b[^:]*:\s*|"
                     r"^(?:quietly|qui|noisily|noi|capture|cap|cap noi)\s+", text)
        if m is None:
            break
        text = text[m.end():]
    word = re.match(r"[A-Za-z_][\w]*", text)
    return word.group(0).lower() if word else ""


def _stata_origin(command: str) -> Origin | None:
    word = _first_word(command)
    if word == "estat" and re.search(r"\bestat\s+size\b", command):
        return Origin.TABULATION  # the observations behind each estimate of a svy mean or total ("Obs")
    if word in _STATA_LISTING:
        return Origin.LISTING
    if word in ("duplicates", "dup", "dupl"):
        # "duplicates list" and "examples" print the duplicated observations; "report" counts them
        sub = command.split()[1].lower() if len(command.split()) > 1 else ""
        return Origin.LISTING if sub in ("list", "l", "li", "lis", "examples", "e", "ex", "exa") else Origin.OUTPUT
    if word == "input":
        return Origin.EMBEDDED
    if word in _STATA_TABULATION:
        return Origin.TABULATION
    if word in _STATA_MODEL:
        return None
    return Origin.OUTPUT


_LIFE_TABLE_HEAD = lazy_compile(r"^[ \t]*time[ \t]+n\.risk[ \t]+n\.event\b", re.M)


def _r_origin(command: str, text: str) -> Origin | None:
    first = text.lstrip().split("\n", 1)[0]
    # (a survival curve's summary: survfit's, and those of its kin, relsurv's rs.surv, "time n.risk n.event")
    curve = "survfit" in first or _LIFE_TABLE_HEAD.search(text) is not None
    if first.startswith("Call:") and not curve:
        return None  # model summary
    if re.search(r"^Coefficients:|^\s+coef +exp\(coef\)|^Signif\. codes", text, re.M):
        return None
    if curve or _R_TABULATION.search(command):
        return Origin.TABULATION
    if _R_LISTING_CALL.match(command):
        return Origin.LISTING  # ("print(as.data.frame(d[sample(nrow(d), 15), ...]))": rows, whatever is inside)
    if _R_MODEL.search(command):
        return None
    if _R_LISTING.search(command):
        return Origin.LISTING
    return Origin.OUTPUT


def _py_origin(command: str) -> Origin | None:
    last = _py_command(command)
    if _PY_MODEL.search(last):
        return None
    if _PY_TABULATION.search(last):
        return Origin.TABULATION
    if _PY_LISTING.search(last):
        return Origin.LISTING
    return Origin.OUTPUT


_PY_OUT = lazy_compile(r"^Out\[\d+\]:")
_PY_PROMPT_PREFIX = lazy_compile(r"^\s*(?:>>>|\.\.\.|In \[\d+\]:|\.\.\.:)\s?")


def _py_command(command: str) -> str:
    """The last Python statement in ``command`` (a console's ``>>>``/``...`` or IPython's prompts removed,
    continuation lines joined)."""
    lines = [x for x in command.strip().split("\n") if x.strip()] if command.strip() else []
    if not lines:
        return ""
    if not _PY_PROMPT_PREFIX.match(lines[-1]):
        return lines[-1]
    parts: list[str] = []
    for line in reversed(lines):
        body = _PY_PROMPT_PREFIX.sub("", line, count=1)
        parts.append(body.strip())
        if not re.match(r"^\s*(?:\.\.\.|\.\.\.:)", line):
            break  # the statement's first line
    return " ".join(reversed(parts))


# --- layout ----------------------------------------------------------------------------------------------

_RULE = lazy_compile(r"^\s*[-=_+|]{3,}[-=_+|\s]*$")
# A page header under a TITLE statement: the title, then the run's date stamp and the page number ("Virksomheder
# efter branche 2022      10:41 Thursday, March 7, 2024   2"; Nordic locales: "10:41 torsdag 7. marts 2024").
_TITLED_PAGE = (r"^\x0c?\s*(?P<page_title>\S.*?)\s{3,}\d{1,2}[:.]\d{2}\s+\w+(?:day|dag|tai)\b,?\s+"
                r"(?:\w+\s+\d{1,2},|\d{1,2}\.?\s+\w+)\s+\d{4}(?:\s+\d+)?\s*$")
_NUMERIC_CELL = lazy_compile(r"^[-+\u2212(]?(?:\d[\d,.\u00a0]*|\.\d+)(?:[eE][-+]?\d+)?%?\)?$|^<\.\d+$|^\.$|^-$")
_SAS_PAGE = lazy_compile(rf"^\x0c?[\s\d]*{_SAS_SYSTEM}.*$|^\s+\d{1,2}:\d{2}\s+\w+day,\s+\w+\s+\d{1,2},\s+\d{4}"
                       r"(?:\s+\d+)?\s*$|^\s*\d{1,2}:\d{2}\s+\w+day.*\d{4}\s*$|" + _TITLED_PAGE)
_DECORATION = lazy_compile(r"^\s*(?:# A tibble:.*|# (?:ℹ|…|\.\.\.).*|(?:<[\w/ ]+>\s*)+|\[\d+ rows x \d+ columns\]|"
                         r"\.\.\..*|\[ reached .*\]|Showing \d+ of \d+.*)$")
_TIBBLE_TYPES = lazy_compile(r"^\s*(?:<[a-z][\w/ ]*>\s*)+$")
_R_VECTOR = lazy_compile(r"^\s*\[ *\d+\]\s")  # "[ 9]": R pads the index
# A command that prints a data column's own values: df$loen, df[["loen"]], pull(df, loen), sorted or cut to its
# first rows (sort(df$loen)[1:10], head(df$loen, 20)); not a statistic of them (mean(df$loen), table(...)).
_R_COLUMN = lazy_compile(r"\b[A-Za-z.][\w.]*(?:\$`?([A-Za-z.][\w.]*)|\[\[\s*[\"']([^\"']+)[\"']\s*\]\])"
                       r"|\bpull\s*\([^,)]*,\s*([A-Za-z.][\w.]*)")
_R_OF_VALUES = lazy_compile(r"^(?:sort|head|tail|rev|print|order|as\.numeric|as\.character|na\.omit|c)$")
_R_CALL = lazy_compile(r"([A-Za-z.][\w.]*)\s*\(")
_R_VALUE = lazy_compile(r'^-?\d[\d.]*(?:e[-+]?\d+)?$|^"[^"]*"$')


def _r_values(par: list[_Line], command: str, what: str) -> list[ListedTable]:
    """R's print of a data column's values (``sort(df$loen, decreasing = TRUE)[1:10]`` over ``[1] 4800000
    4120000 ...``): a listing of single units' values, one row per value. The command must take a column
    and call nothing but sorting and cutting functions on it; its output must be values only."""
    m = _R_COLUMN.search(command)
    if m is None or any(not _R_OF_VALUES.match(f) for f in _R_CALL.findall(command)):
        return []
    values: list[str] = []
    lines: list[int] = []
    for x in par:
        if not _R_VECTOR.match(x.text):
            return []
        tokens = _R_VECTOR.sub("", x.text, count=1).split()
        if not tokens or not all(_R_VALUE.match(t) for t in tokens):
            return []
        values.extend(t.strip('"') for t in tokens)
        lines.extend([x.number] * len(tokens))
    if any(not v[:1].isdigit() and not v.startswith("-") for v in values) and len(set(values)) < 0.8 * len(values):
        return []  # a category's values in row order (head(df$koen)): no unit's own value
    name = next(g for g in m.groups() if g)
    return [ListedTable(TextTable([name], [[v] for v in values], lines[0], "r-vector"), tuple(lines),
                        Origin.LISTING, f"{what} of a column's values")]


# A Python list of (label, count) pairs printed: Counter.most_common()'s "[('patienten', 91234), ('lepra', 2)]".
_PY_PAIRS = lazy_compile(r"^\s*\[\s*\(\s*(?:'[^'\n]*'|\"[^\"\n]*\")\s*,\s*\d+\s*\)")


def _py_label_counts(line: _Line, what: str) -> list[ListedTable]:
    """A printed list of (label, whole number) pairs, Counter.most_common()'s output: a one-way table of
    counts (a rare word in notes counted once). Anything else in the list: nothing read here."""
    import ast

    if len(line.text) > _ONE_LINE_BYTES:
        return []
    try:
        pairs = ast.literal_eval(line.text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return []
    if not isinstance(pairs, list) or len(pairs) < 2 or not all(
            isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) and type(p[1]) is int for p in pairs):
        return []
    table = _table(["label", "count"], [[p[0], str(p[1])] for p in pairs], [line.number] * len(pairs),
                   Origin.TABULATION, f"{what} (pairs of a label and a count)", "py-pairs", labelled=1)
    return [table] if table is not None else []


# A Python list or array of numbers printed: "[383388361.0, 169276481.0, ...]", "array([1.2, 3.4])".
_PY_LIST = lazy_compile(r"^\s*(?:array\(\s*)?\[\s*[-+]?\d")
_PY_NUMBER = lazy_compile(r"^[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)$", re.I)
# A command that takes one column's values out of a frame: ".tolist()", ".to_list()", ".values", ".to_numpy()",
# "list(...)", "sorted(...)" over "df.x", "df['x']" or "df.loc[..., 'x']".
_PY_VALUES_CMD = lazy_compile(r"\.(?:tolist|to_list|to_numpy)\(\)|\.values\b|^\s*(?:print\(\s*)?(?:list|sorted)\(")
_PY_COLUMN = lazy_compile(r"""\[\s*["'](\w+)["']\s*\]|,\s*["'](\w+)["']\s*\]|\b\w+\.([A-Za-z_]\w*)\b(?!\()""")


def _py_values(par: list[_Line], command: str, what: str) -> list[ListedTable]:
    """A column's values printed as a Python list (``df.loc[df.formue > 5e7, "formue"].tolist()``): a listing
    of single units' values, one row per value, like R's printed vector."""
    cmd = _py_command(command)
    if not _PY_VALUES_CMD.search(cmd) or _PY_AGGREGATE.search(cmd):
        return []
    column = next((g for m in _PY_COLUMN.finditer(cmd) for g in m.groups() if g and g not in _PY_METHODS), None)
    text = " ".join(x.text for x in par).strip()
    inner = re.sub(r"^\s*(?:array\(\s*)?\[|\]\s*(?:,\s*dtype=\w+)?\)?\s*$", "", text)
    values = [v.strip() for v in inner.split(",") if v.strip()]
    if column is None or len(values) < 2 or not all(_PY_NUMBER.match(v) for v in values):
        return []
    lines = [par[0].number] * len(values)
    return [ListedTable(TextTable([column], [[v] for v in values], par[0].number, "python-list"), tuple(lines),
                        Origin.LISTING, f"{what} of a column's values")]


# A NumPy matrix printed: "array([[38,  2],", "[[6012  811]".
_PY_MATRIX = lazy_compile(r"^\s*(?:array\(\s*)?\[\s*\[\s*[-+]?\d")


def _py_count_matrix(par: list[_Line], what: str) -> list[ListedTable]:
    """A square matrix of whole numbers as NumPy prints it (``confusion_matrix()``: ``array([[38, 2], [7, 4]])``):
    a cross-table of counts, true classes by predicted ones. Not a matrix of decimals (correlations, weights),
    negative numbers or another shape."""
    text = " ".join(x.text for x in par).strip()
    if "." in re.sub(r"dtype=\w+", "", text):
        return []
    rows = [[v for v in re.split(r"[\s,]+", body.strip()) if v]
            for body in re.findall(r"\[\s*([-+\d\s,]+?)\s*\]", text)]
    n = len(rows)
    if n < 2 or any(len(r) != n for r in rows) or not all(re.fullmatch(r"\d+", v) for r in rows for v in r):
        return []
    names = ["true class", *(f"predicted {k}" for k in range(n))]
    table = TextTable(names, [[f"class {k}", *r] for k, r in enumerate(rows)], par[0].number, "numpy-matrix")
    lines = tuple(par[min(k, len(par) - 1)].number for k in range(n))
    return [ListedTable(table, lines, Origin.TABULATION, f"{what}: a square matrix of counts")]


# Values that are statistics of groups, not units' own: "df.groupby('kom')['n'].sum().tolist()".
_PY_AGGREGATE = lazy_compile(r"\.(?:groupby|group_by|agg|aggregate|sum|mean|median|count|size|value_counts|describe|"
                             r"quantile|std|var|pivot_table|pivot|crosstab|nunique|cumsum|resample|rolling)\(")
_PY_METHODS = frozenset({"loc", "iloc", "values", "tolist", "to_list", "to_numpy", "sort_values", "head", "tail",
                         "nlargest", "nsmallest", "dropna", "unique", "query", "filter", "sample"})


@dataclass(slots=True)
class _Line:
    number: int
    text: str


# A tibble's column types that pillar prints left-aligned (text, factors, dates, lists); the others (numbers,
# logicals) right-aligned, as their values.
_LEFT_TYPES = frozenset({"chr", "fct", "ord", "date", "dttm", "list", "glue", "hms", "time", "chr[1]"})
_TIBBLE_TYPE = lazy_compile(r"<[a-z][\w/ \[\]]*>")
_TIBBLE_ROW = lazy_compile(r"^\s*\d+\s")


def _tibble_cells(text: str, types: list[tuple[int, int, bool]], index: bool) -> list[str] | None:
    """A tibble line cut into its columns by the column types' positions (``types``: start, end, left-aligned):
    a left-aligned column starts where its type starts, a right-aligned one ends where its type ends, and its
    value, a number, has no space in it. ``index``: the line starts with the row's number (dropped)."""
    cells: list[str] = []
    starts: list[int] = []
    for a, b, left in types:
        if left:
            starts.append(a)
        else:
            end = min(b, len(text))
            k = end
            while k > 0 and text[k - 1] != " ":
                k -= 1
            starts.append(k)
    starts.append(len(text) + 1)
    if index and not text[:starts[0]].strip().isdigit():
        return None
    for j in range(len(types)):
        cells.append(text[starts[j]:starts[j + 1]].strip())
    return cells


def _tibbles_as_pipes(lines: list[_Line]) -> list[_Line]:
    """A printed tibble (a header, its line of column types ``<chr> <int> <dbl>``, rows numbered 1, 2, ...)
    rewritten as a pipe table, its columns cut by the types' positions. pillar separates columns by one space
    and a text value may hold spaces ("Likekjønnet, jenter"), so no gutter shows its columns; the types line
    does. Lines keep their numbers; a line that does not fit the columns ends the rows."""
    out = list(lines)
    for k in range(1, len(lines) - 1):
        t = lines[k].text.expandtabs(8)
        if not _TIBBLE_TYPES.match(t):
            continue
        types = [(m.start(), m.end(), m.group()[1:-1] in _LEFT_TYPES) for m in _TIBBLE_TYPE.finditer(t)]
        header = _tibble_cells(lines[k - 1].text.expandtabs(8), types, index=False)
        if len(types) < 2 or header is None or not all(header):
            continue
        rows: list[tuple[int, list[str]]] = []
        j = k + 1
        while j < len(lines) and _TIBBLE_ROW.match(lines[j].text):
            cells = _tibble_cells(lines[j].text.expandtabs(8), types, index=True)
            if cells is None:
                break
            rows.append((j, cells))
            j += 1
        if len(rows) < 2:
            continue
        out[k - 1] = _Line(lines[k - 1].number, "| " + " | ".join(header) + " |")
        for i, cells in rows:
            out[i] = _Line(lines[i].number, "| " + " | ".join(cells) + " |")
    return out


_GAP = lazy_compile(r"\S(?: {2,}|\t)\S")
_YEAR = lazy_compile(r"^(?:1[89]|20)\d\d$")


_PERCENT_LEVEL = lazy_compile(r"^(?:\d{1,2}(?:\.\d+)?|100)%$")


def _is_data(text: str) -> bool:
    """A table row: numbers make up at least 30 % of its words, or it has a number and columns (a gap of two
    spaces). A line of years alone (``region  2019  2020``) is a header, and a sentence with a number in it
    ("1 observation deleted due to missingness") is not a row."""
    tokens = text.split()
    nums = [t for t in tokens if _NUMERIC_CELL.match(t)]
    if not nums:
        return False
    if len(nums) >= 2 and all(_YEAR.match(t) for t in nums) and not _NUMERIC_CELL.match(tokens[0]):
        return False
    if len(tokens) >= 3 and all(_PERCENT_LEVEL.match(t) for t in tokens) and ("0%" in tokens or "100%" in tokens):
        # a header of percentile levels with the minimum or maximum: R's quantile() names its columns "0%", "10%"
        # .. "100%" (the extremes make the group's size matter; quartiles alone are read as before)
        return False
    return len(nums) * 10 >= 3 * len(tokens) or _GAP.search(text) is not None


def _spans(lines: list[str], data_from: int) -> list[tuple[int, int]]:
    """Column spans of fixed-width lines: runs of positions not blank in every line; spans that hold no
    character in the data lines (``lines[data_from:]``) are joined to their neighbour (a header word such as
    "lower" of "lower 95% CI" over a narrower column of numbers)."""
    # (digits grouped by a space, "1 024" over "876", are one column, as in a text file's table)
    spans = thousands_joined(gutter_spans(lines), lines)
    data = lines[data_from:]

    def has_data(span: tuple[int, int]) -> bool:
        return any(x[span[0]:span[1]].strip() for x in data)

    merged: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for span in spans:
        if not has_data(span):
            pending = (pending[0], span[1]) if pending else span
            continue
        if pending is not None:
            span = (pending[0], span[1])
            pending = None
        merged.append(span)
    if pending is not None and merged:
        merged[-1] = (merged[-1][0], pending[1])
    return _words_joined(merged, data)


def _words_joined(spans: list[tuple[int, int]], data: list[str]) -> list[tuple[int, int]]:
    """Spans one blank column apart whose cells are words in every data line, no numbers ("Døgnpleje i eget"
    and "hjem": one label longer than those above it, its last word past their end) joined into one."""
    def words(span: tuple[int, int]) -> bool:
        cells = [x[span[0]:span[1]].strip() for x in data]
        return any(cells) and not any(any(ch.isdigit() for ch in c) for c in cells)

    def filled(span: tuple[int, int]) -> int:
        return sum(1 for x in data if x[span[0]:span[1]].strip())

    out: list[tuple[int, int]] = []
    for span in spans:
        # (only a few lines reach into the second: two columns of labels are filled alike)
        if out and span[0] - out[-1][1] == 1 and words(out[-1]) and words(span) and filled(span) < filled(out[-1]):
            out[-1] = (out[-1][0], span[1])
        else:
            out.append(span)
    return out


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    out = []
    for k, (a, b) in enumerate(spans):
        # a character between two spans (outside every span) belongs to the span on its left
        end = spans[k + 1][0] if k + 1 < len(spans) else len(line)
        out.append(line[a:max(b, min(end, len(line)))].strip())
    return out


def _table(names: list[str], rows: list[list[str]], lines: list[int], origin: Origin, what: str,
           kind: str, *, labelled: int = 0) -> ListedTable | None:
    """A listed table; its first ``labelled`` columns are the levels of a dimension, whatever they look like
    (a crosstab's row variable coded 0/1 is no column of counts)."""
    if not rows or len(names) < 2:
        return None
    width = len(names)
    fixed = [(r + [""] * width)[:width] for r in rows]
    names, fixed = without_indicators(names, fixed)
    names = unique_names(names)
    table = joined_parentheses(TextTable(names, fixed, lines[0], kind, dimensions=tuple(names[:labelled])))
    return ListedTable(table, tuple(lines), origin, what)


def _tab_levels_line(rows: list[_Line], i: int) -> bool:
    """A tab-separated line of column levels above the rows (SPSS ``diag * koen`` exported as text: the
    line ``\t\t1\t2\t`` under ``\t\tkoen\t\tTotal``): its leading cells are empty and the rest small
    whole numbers, and the next line starts with a row label. Not a row of counts."""
    text = rows[i].text.rstrip("\r\n")
    if "\t" not in text or not text.startswith("\t") or i + 1 >= len(rows):
        return False
    cells = text.split("\t")
    filled = [c.strip() for c in cells if c.strip()]
    below = rows[i + 1].text.split("\t")
    return bool(filled) and all(c.isdigit() and len(c) <= 3 for c in filled) \
        and any(c.strip() and not _NUMERIC_CELL.match(c.strip()) for c in below[:2])


def _tab_columns(header: list[_Line], data: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A table whose columns are separated by tabs (SPSS output exported as text, a tab-separated printout):
    the header's last line names the columns, each line splits at its tabs. A header that starts with a tab
    and has fewer cells than the rows names the rows' last columns (SPSS: the rows' labels, "Valid" and the
    category, sit under an empty corner)."""
    names = header[-1].text.rstrip("\r\n").split("\t")
    rows = [x.text.rstrip("\r\n").split("\t") for x in data]
    width = max(len(names), *(len(r) for r in rows))
    if names and not names[0].strip() and len(names) < width:
        names = [""] * (width - len(names)) + names
    names = [n.strip() for n in names] + [""] * (width - len(names))
    if len(header) >= 2 and "\t" in header[-2].text:
        # a line of levels under the column variable and Total ("\t\tkoen\t\tTotal" over "\t\t1\t2\t"):
        # a cell the lower line leaves empty is named by the line above
        upper = [c.strip() for c in header[-2].text.rstrip("\r\n").split("\t")]
        names = [n or (upper[i] if i < len(upper) else "") for i, n in enumerate(names)]
    rows = [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows]
    if width < 2 or not _plausible_names(names):
        return None
    if len(rows) >= 3 and _case_count_row(rows[-1], len(rows) - 1):
        data = data[:-1]  # SPSS Case Summaries' "Total  N  16  16 ...": the cases listed above it, counted
        rows = rows[:-1]
    if not any(all(_NUMERIC_CELL.match(r[k]) or not r[k] for r in rows) and any(r[k] for r in rows)
               for k in range(width)):
        return None
    return _table(names, rows, [x.number for x in data], origin, what, "tab-separated")


def _case_count_row(row: list[str], cases: int) -> bool:
    """SPSS SUMMARIZE's last row under a listing of cases: "Total", "N", then the number of cases listed above
    in every column (the count of the listing, no cell of a table)."""
    cells = [c for c in row if c]
    return len(cells) >= 3 and is_margin_label(cells[0]) and cells[1] == "N" \
        and all(c == str(cases) for c in cells[2:])


def _columns(header: list[_Line], data: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A fixed-width table from header lines and data lines (or a tab-separated one: :func:`_tab_columns`)."""
    if "\t" in header[-1].text and all("\t" in x.text for x in data):
        return _tab_columns(header, data, origin, what)
    texts = [x.text.expandtabs(8).rstrip() for x in header + data]
    spans = _spans(texts, len(header))
    if len(spans) < 2:
        return _right_aligned(texts[len(header) - 1], texts[len(header):], data, origin, what)
    names = []
    for a_b in range(len(spans)):
        words = [_cells(t, spans)[a_b] for t in texts[:len(header)]]
        names.append(" ".join(w for w in words if w))
    if not _plausible_names(names):
        return None
    names, *rows = merged_numbers_split([names, *(_cells(t, spans) for t in texts[len(header):])])
    names, *rows = left_label_pieces_joined([names, *rows], spans)
    names, rows = label_and_number_split(names, rows)
    numeric = [k for k in range(len(names)) if all(_NUMERIC_CELL.match(r[k]) or not r[k] for r in rows)
               and any(r[k] for r in rows)]
    if not numeric:
        return _right_aligned(texts[len(header) - 1], texts[len(header):], data, origin, what)
    return _table(names, rows, [x.number for x in data], origin, what, "fixed-width")


_NAME_TOKEN = lazy_compile(r"\S+")


def _right_aligned(head: str, texts: list[str], data: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A data frame as R prints it: every column right-aligned under its name and one space apart, so cells
    with spaces of their own ("0.5% (2)", janitor's adorn_ns()) leave no gutter. Each column ends where its
    name ends, and every row must have a character there and a blank (or the line's end) after it."""
    ends = [m.end() for m in _NAME_TOKEN.finditer(head)]
    if len(ends) < 2 or len(texts) < 2:
        return None
    for t in texts:
        if any(len(t) < e or t[e - 1] == " " or (e < len(t) and t[e] != " ") for e in ends):
            return None
    names = head.split()
    rows = [[t[a:b].strip() for a, b in zip([0, *ends[:-1]], ends, strict=True)] for t in texts]
    if any(t[ends[-1]:].strip() for t in texts) or not _plausible_names(names):
        return None
    if not all(any(ch.isdigit() for ch in r[k]) for r in rows for k in range(1, len(names))):
        return None
    return _table(names, rows, [x.number for x in data], origin, what, "right-aligned")


_NAME_TEXT = lazy_compile(r"^(?:[^*+#=]|(?<=\d)\+){1,48}$")  # "65+" is an age group, "+--" drawing


def _plausible_names(names: list[str]) -> bool:
    """Column names as a printout writes them: most columns named, each short, no drawing characters (a
    histogram or a box plot of asterisks is not a header)."""
    named = [n for n in names if n]
    return len(named) * 2 >= len(names) and all(_NAME_TEXT.match(n) for n in named)


def _split_at_headers(pars: list[list[_Line]]) -> list[list[_Line]]:
    """Two printouts without a blank line between them (a script that prints a grouped table, then
    ``df.nlargest(3, ...)``): a line of column names only (``alder  kon  region``) between lines of data
    starts a paragraph of its own."""
    out: list[list[_Line]] = []
    for par in pars:
        start = 0
        for i in range(1, len(par) - 1):
            names = par[i].text.split()
            # (lines of a Series, "branche   K" among "udd   4", are no header: the lines around differ)
            if len(names) >= 2 and all(_VAR_NAME.match(n) for n in names) and _GAP.search(par[i].text) \
                    and _is_data(par[i - 1].text) and _is_data(par[i + 1].text) and i - start >= 2 \
                    and len(par[i - 1].text.split()) != len(par[i + 1].text.split()):
                out.append(par[start:i])
                start = i
        out.append(par[start:])
    return out


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    out: list[list[_Line]] = []
    cur: list[_Line] = []
    for x in lines:
        if x.text.strip():
            cur.append(x)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


# --- Stata tables drawn with bars -----------------------------------------------------------------------

_BAR_RULE = lazy_compile(r"^\s*-+(?:\+-*)+\s*$")
_BOX_RULE = lazy_compile(r"^\s*[-+|=:]+\s*$")


def _joined(parts: list[str]) -> str:
    """Header fragments stacked over one column: Stata wraps a long name at the column's width
    ("time_forei" over "gn"), which joins without a space; words of a label join with one."""
    if len(parts) > 1 and all(" " not in p for p in parts) and len(parts[0]) >= 8 \
            and all(len(p) == len(parts[0]) for p in parts[:-1]):
        return "".join(parts)
    return " ".join(parts)


def _centile_table(row_name: str, data_secs: list[list[str]], data: list[_Line], origin: Origin,
                   what: str) -> ListedTable | None:
    """Stata's ``centile``: a variable's row (Obs, the first percentile, its centile and interval), then a
    line for each further percentile with an empty stub. Read as one row a variable: its Obs and one column
    of centiles a percentile ("P10", "P90"), the layout the extremes rule reads (centiles of a group of 6)."""
    found: list[tuple[list[str], dict[str, str], int]] = []
    for k, secs in enumerate(data_secs):
        label = secs[0].strip()
        tokens = " ".join(secs[1:]).replace("*", " ").split()
        if label:
            if len(tokens) < 3:
                return None
            found.append(([label, tokens[0]], {}, data[k].number))
            level, value = tokens[1], tokens[2]
        elif found and len(tokens) >= 2:
            level, value = tokens[0], tokens[1]
        else:
            return None
        if not _NUMERIC_CELL.match(level):
            return None
        found[-1][1][f"P{level}"] = value
    levels = list(dict.fromkeys(name for _, by_level, _ in found for name in by_level))
    if not found or not levels:
        return None
    rows = [[*head, *(by_level.get(name, "") for name in levels)] for head, by_level, _ in found]
    return _table([row_name or "Variable", "Obs", *levels], rows, [n for _, _, n in found], origin, what,
                  "stata-table", labelled=1)


def _bar_table(par: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A table drawn with ``|`` and a ``---+---`` rule (Stata ``tabulate``, ``summarize``, ``tabstat``,
    ``table``): the row labels, then each section's columns; a two-way table keeps its layout (one column
    per level of the column variable, then Total), which the table analysis reads as a wide table of
    counts."""
    rules = [i for i, x in enumerate(par) if _BAR_RULE.match(x.text)]
    if not rules:
        return None
    rule_at = rules[0]
    if len(rules) > 1 and not any("|" in x.text for x in par[:rule_at]) \
            and all("|" in x.text for x in par[rule_at + 1:rules[1]]) and rules[1] > rule_at + 1:
        # a top rule drawn with the columns' "+" (SMCL's {c TT}, box-drawn logs): the header is under it
        rule_at = rules[1]
    rule = par[rule_at].text
    cuts = [p for p, ch in enumerate(rule) if ch == "+"]
    header = [x for x in par[:rule_at] if not _RULE.match(x.text)]
    if any("|" in x.text for x in header):
        header = [x for x in header if "|" in x.text]  # (a title above the box: "Two-sample t test ...")
    body = par[rule_at + 1:]
    closing = max((i for i, x in enumerate(body) if _RULE.match(x.text)), default=None)
    if closing is not None and not any("|" in x.text for x in body[closing + 1:]):
        body = body[:closing]  # (notes under the box: ttest's "diff = mean(1) - mean(2)  t = ...")
    data = [x for x in body if not _BAR_RULE.match(x.text) and not _RULE.match(x.text)
            and not _TTEST_DIFF.match(x.text)]
    if not data:
        return None

    def sections(text: str) -> list[str]:
        if text.count("|") == len(cuts) and any(text[c:c + 1] != "|" for c in cuts):
            return text.split("|")  # a bar out of line with the rule's "+" (a label that overran its stub)
        bounds = [0, *cuts, max(len(text), (cuts[-1] + 1) if cuts else 0)]
        return [text[bounds[k] + (1 if k else 0):bounds[k + 1]] for k in range(len(bounds) - 1)]

    head_secs = [sections(x.text) for x in header]
    data_secs = [sections(x.text) for x in data]
    stubs = [s[0].strip() for s in head_secs if s and s[0].strip()]
    row_name = _joined(stubs)
    if stubs and not _plausible_names([row_name]):
        row_name = stubs[-1]  # a variable label wrapped over many lines: its last line names the rows
    if head_secs and re.search(r"\bPercentile\b.*\bCentile\b", "|".join(head_secs[-1])):
        return _centile_table(row_name, data_secs, data, origin, what)
    # stacked statistics (tab x y, row col): a line whose label is empty continues the row above
    rows_at = [k for k, s in enumerate(data_secs) if s[0].strip()]
    if not rows_at:
        return None
    data_secs = _counts_under_shares(data_secs, rows_at)
    n_sec = len(cuts) + 1
    value_cols: list[tuple[int, list[tuple[int, int]], list[str]]] = []
    for sec in range(1, n_sec):
        last_head = head_secs[-1][sec] if head_secs and len(head_secs[-1]) > sec else ""
        body = [data_secs[k][sec] if len(data_secs[k]) > sec else "" for k in rows_at]
        spans = _spans([last_head.rstrip(), *[b.rstrip() for b in body]], 1)
        names = [_cells(last_head, spans)[i] if last_head.strip() else "" for i in range(len(spans))]
        upper = head_secs[-2][sec].strip() if len(head_secs) >= 2 and len(head_secs[-2]) > sec else ""
        words = re.split(r"(?: {2,}|\t)", upper) if upper else []
        if len(words) == len(names) > 1 and all(names):
            # a header of two lines, one name over each column (Stata 17's table: "Mean" over "COPD",
            # "Number of nonmissing values" over "Age"): the column is named by both
            names = [f"{n} | {w}" for w, n in zip(words, names, strict=True)]
        value_cols.append((sec, spans, names))
    label_rows = [data_secs[k][0].strip() for k in rows_at]
    lines = [data[k].number for k in rows_at]
    names = [row_name]
    rows = [[label] for label in label_rows]
    for sec, spans, sec_names in value_cols:
        names.extend(sec_names)
        for i, k in enumerate(rows_at):
            rows[i].extend(_cells(data_secs[k][sec] if len(data_secs[k]) > sec else "", spans))
    _nest_labels(rows, [data_secs[k][0] for k in rows_at])
    names, rows = _statistics_as_column(names, rows)
    if names[1:2] == ["statistic"]:
        # Stata 17's table with several statistics as lines under each level ("Frequency", "Percent"): its
        # counts are the frequency lines, the table of counts the rules read (the percentages are of them)
        stats = {r[1].strip().lower() for r in rows if r[1].strip()}
        counted = stats & _COUNT_STATISTICS
        if counted and len(stats) > 1:
            keep = [i for i, r in enumerate(rows) if r[1].strip().lower() in counted]
            rows, lines = [[rows[i][0], *rows[i][2:]] for i in keep], [lines[i] for i in keep]
            names = [names[0], *names[2:]]
    # numbers wider than their column (tabstat's sums in the millions) close the gap to the next column
    names, *rows = merged_numbers_split([names, *rows])
    numbers = any(_NUMERIC_CELL.match(c) for r in rows for c in r[1:] if c)
    if len(names) < 2 or not _plausible_names(names) or not numbers:
        return None
    # (the stub is the row variable's levels, whatever they look like: tabstat's by(admitted) 0 and 1 are no counts)
    return _table(names, rows, lines, origin, what, "stata-table", labelled=1)


_WHOLE_CELL = lazy_compile(r"^\d{1,3}(?:,\d{3})*$|^\d+$")
_DECIMAL_CELL = lazy_compile(r"^-?\d*\.\d+$")


def _counts_under_shares(data_secs: list[list[str]], rows_at: list[int]) -> list[list[str]]:
    """Stacked statistics whose first line is shares and a line below it the counts (``svy: tabulate a b, row
    obs``: "95.40  4.60  100.00" over "2187  98  2285"): each row's counts become its values, as the cells
    of a table are its counts. Every row must have such a line (else the layout is another's)."""
    ends = [*rows_at[1:], len(data_secs)]
    chosen: dict[int, int] = {}
    whole = _fewer_under_counts(data_secs, rows_at, ends)
    if whole is not None:
        return whole
    for k, end in zip(rows_at, ends, strict=True):
        first = [c.strip() for sec in data_secs[k][1:] for c in sec.split()]
        # (svy: tabulate's row proportions end in the total's "1": "0.7219  0.1349  0.1057  0.0376  1")
        if not first or not all(_DECIMAL_CELL.match(c) or c == "1" for c in first) \
                or not any(_DECIMAL_CELL.match(c) for c in first):
            return data_secs
        values = [float(c) for c in first]
        whole = 1.0 if max(values) <= 1 else 100.0  # proportions or percentages
        if abs(values[-1] - whole) > 0.0001 * whole and abs(sum(values) - whole) > 0.0005 * whole * len(values):
            return data_secs  # no row of percentages (tabstat's mean over its maximum: not counts under shares)
        below = next((j for j in range(k + 1, end)
                      if (cells := [c.strip() for sec in data_secs[j][1:] for c in sec.split()])
                      and len(cells) == len(first) and all(_WHOLE_CELL.match(c) for c in cells)), None)
        if below is None:
            return data_secs
        chosen[k] = below
    return _values_from(data_secs, chosen)


def _whole(cell: str) -> int | None:
    return int(cell.replace(",", "")) if _WHOLE_CELL.match(cell) else None


def _fewer_under_counts(data_secs: list[list[str]], rows_at: list[int], ends: list[int]) -> list[list[str]] | None:
    """Stacked whole numbers under whole numbers, each line below no larger in any cell (``svy: tabulate a b,
    count obs``: the weighted count "1,646" over the observations "2" behind it): the smallest line of each row
    becomes its values, the observations a small-cell rule is about (a stacked sum, larger than the count over
    it, is left below it). Every row must have such a line; None when the layout is another."""
    chosen: dict[int, int] = {}
    for k, end in zip(rows_at, ends, strict=True):
        first = [_whole(c.strip()) for sec in data_secs[k][1:] for c in sec.split()]
        if not first or any(v is None for v in first):
            return None
        best, best_line = first, None
        for j in range(k + 1, end):
            cells = [_whole(c.strip()) for sec in data_secs[j][1:] for c in sec.split()]
            if len(cells) == len(first) and all(v is not None for v in cells) \
                    and all(b <= a for a, b in zip(best, cells, strict=True)) and cells != best:
                best, best_line = cells, j
        if best_line is None:
            return None
        chosen[k] = best_line
    return _values_from(data_secs, chosen)


def _values_from(data_secs: list[list[str]], chosen: dict[int, int]) -> list[list[str]]:
    """``data_secs`` with each labelled row ``k`` taking the values of its stacked line ``chosen[k]``."""
    out = list(data_secs)
    for k, j in chosen.items():
        out[k] = [data_secs[k][0], *data_secs[j][1:]]
    return out


# The statistics Stata 17's table prints on lines of their own under each level ("Frequency", "Percent").
_LEVEL_STATISTICS = frozenset({"frequency", "percent", "mean", "sd", "median", "count", "total", "sum", "min", "max",
                               "column %", "row %", "proportion", "std. dev.", "std. dev", "p50", "iqr"})


_COUNT_STATISTICS = frozenset({"frequency", "count", "freq.", "n"})


def _statistics_as_column(names: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Rows nested as "level | Frequency", "level | Percent" (Stata 17's table with several statistics):
    the statistic moved to a column of its own, so that the rows of counts are told from the rows of
    percentages (a long table of measures); otherwise the table as it is."""
    valued = [r for r in rows if any(c for c in r[1:])]
    stats = [r[0].rsplit(" | ", 1) for r in valued]
    if not valued or any(len(p) != 2 or p[1].strip().lower() not in _LEVEL_STATISTICS for p in stats) \
            or len({p[1].strip().lower() for p in stats}) < 2:
        return names, rows
    out = []
    for r in rows:
        head, _, stat = r[0].rpartition(" | ") if any(c for c in r[1:]) else (r[0], "", "")
        out.append([head, stat, *r[1:]])
    return [names[0], "statistic", *names[1:]], out


def _nest_labels(rows: list[list[str]], stubs: list[str]) -> None:
    """Row labels nested by indentation (Stata 17's ``table (region koen) (besk)``: a variable's name, its
    levels two spaces further in, the next variable's levels under each): a level under another is labelled
    with both ("Hovedstaden | Mænd"), so that the levels repeated under every region stay distinct cells. A
    line without values (a variable's name) names no cell."""
    indents = [len(s) - len(s.lstrip()) for s in stubs]
    if len(set(indents)) < 2 or len({len(s.rstrip()) for s in stubs}) == 1:
        return  # (tabulate right-aligns its labels: their starts differ, their ends do not)
    stack: list[tuple[int, str, bool]] = []
    for k, (row, indent) in enumerate(zip(rows, indents, strict=True)):
        label, valued = row[0], any(c for c in row[1:])
        # (a level whose statistics are the lines under it, Stata's "12-24" over "Frequency" and "Percent",
        # names its cells as a level with values does)
        # (and a level whose lines under it are another variable's levels: "Nordjylland" over "Bopælskommune"
        # over "Aalborg", each municipality's cells its region's too)
        level = valued or (k + 1 < len(rows) and indents[k + 1] > indent)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parents = [text for _, text, named in stack if named]
        if valued and parents:
            row[0] = " | ".join([*parents, label])
        stack.append((indent, label, level))


# --- shares whose group sizes another table of the same log prints -------------------------------------

#: Tables of a log kept to link shares with sizes (small tables only: tabulations are).
LINK_MAX_TABLES = 400
LINK_MAX_ROWS = 200
_SIZE_NAME = lazy_compile(r"^(?:freq\.?|frequency|frekvens|n|antal|antall|count|obs\.?|number)$", re.I)
_SHARE_CELL = lazy_compile(r"^\d{1,3}(?:[.,]\d+)?$")


def linked_shares(tables: Sequence[ListedTable]) -> list[ListedTable]:
    """Row percentages printed without their counts (Stata ``tab region koen, row nofreq``, R
    ``prop.table(t, 1)``) whose rows' sizes another table of the same log prints (``tab region``: its
    ``Freq.``): each percentage table joined with the sizes, as a table of shares beside a group size, so that
    50 % of a group of 4 reads as 2 persons. The total column (100 in every row) is left out."""
    sizes: list[tuple[dict[str, str], ListedTable]] = []
    for t in tables:
        names = t.table.names
        k = next((i for i, n in enumerate(names) if i and _SIZE_NAME.match(n.strip())), None)
        if k is None or len(t.table.rows) > LINK_MAX_ROWS:
            continue
        labels = {r[0].strip(): r[k].strip().replace(",", "") for r in t.table.rows if r and len(r) > k}
        if all(v.isdigit() for v in labels.values()):
            sizes.append((labels, t))
    out: list[ListedTable] = []
    if not sizes:
        return out
    for t in tables:
        rows = t.table.rows
        if len(rows) < 2 or len(rows) > LINK_MAX_ROWS or any(_SIZE_NAME.match(n.strip()) for n in t.table.names):
            continue
        width = len(t.table.names)
        cells = [[(r[c] if c < len(r) else "").strip() for r in rows] for c in range(1, width)]
        if not cells or not all(all(_SHARE_CELL.match(v) for v in col if v) and any(col) for col in cells):
            continue
        values = [[float(v.replace(",", ".")) if v else None for v in col] for col in cells]
        whole = [c for c, col in enumerate(values) if all(v is None or abs(v - 100) < 0.05 for v in col)]
        parts = [c for c in range(len(values)) if c not in whole]
        if len(parts) < 2 or any(v is not None and v > 100 for c in parts for v in values[c]):
            continue
        # row percentages: each row's parts add up to 100 (within their rounding)
        if any(abs(sum(values[c][i] or 0.0 for c in parts) - 100.0) > 0.05 * len(parts) + 0.01
               for i in range(len(rows))):
            continue
        labels = [r[0].strip() for r in rows]
        for known, other in sizes:
            if other is t or sum(1 for x in labels if x in known) < max(2, len(labels) - 1):
                continue
            names = [t.table.names[0], *(t.table.names[c + 1] for c in parts), "N"]
            joined = [[r[0], *(cells[c][i] for c in parts), known.get(labels[i], "")] for i, r in enumerate(rows)]
            table = TextTable(unique_names(names), joined, t.table.data_line, "linked-shares", t.table.lines)
            out.append(ListedTable(table, t.lines, t.origin, f"{t.what} (shares of the group sizes printed by "
                                                             f"another table, line {other.lines[0]})"))
            break
    return out


# --- Stata list boxes -------------------------------------------------------------------------------------

_LIST_ROW = lazy_compile(r"^\s*(\d+)\.\s+\|(.*)\|\s*$")
_LIST_BOX = lazy_compile(r"^\s*[+|][-+|]+[+|]\s*$")


def _stata_list(par: list[_Line], what: str) -> ListedTable | None:
    rows = [x for x in par if _LIST_ROW.match(x.text)]
    if not rows:
        return None
    blocks = _stata_list_blocks(par, what)
    if blocks is not None:
        return blocks
    first = par.index(rows[0])
    header = [x for x in par[:first] if not _LIST_BOX.match(x.text) and "|" in x.text]
    strip = re.compile(r"^\s*\d+\.\s+")
    head_txt = [_Line(x.number, x.text.replace("|", " ")) for x in header]
    data_txt = [_Line(x.number, strip.sub(lambda m: " " * len(m.group(0)), x.text).replace("|", " ")) for x in rows]
    table = _columns(head_txt[-1:], data_txt, Origin.LISTING, what) if head_txt else None
    if table is None:
        # a list of text only, or without a header above its rows: still a listing of rows
        texts = [x.text for x in head_txt[-1:] + data_txt]
        spans = _spans(texts, len(head_txt[-1:]))
        names = [_cells(texts[0], spans)[i] if head_txt else "" for i in range(len(spans))]
        table = _table(names, [_cells(t, spans) for t in texts[len(head_txt[-1:]):]], [x.number for x in rows],
                       Origin.LISTING, what, "fixed-width")
    return table


def _unabbreviated(found: ListedTable, command: str) -> ListedTable:
    """A Stata list's column names with the names Stata abbreviated ("p0712_l~r") written out from the command
    that listed them ("list p0712_lopnr_personnr kommun ..."): the one variable of the command that begins and
    ends as the abbreviation does. A key's name is then read as the key's (LOG001, MIC002)."""
    names = found.table.names
    if not any("~" in n for n in names) or not command:
        return found
    words = set(re.findall(r"[A-Za-z_]\w*", command))
    full = []
    for name in names:
        head, sep, tail = name.partition("~")
        matches = {w for w in words if sep and w.startswith(head) and w.endswith(tail) and len(w) >= len(name)}
        full.append(matches.pop() if len(matches) == 1 else name)
    if full == names:
        return found
    return dataclasses.replace(found, table=dataclasses.replace(found.table, names=unique_names(full)))


_BOX_ROW = lazy_compile(r"^\s*\|(.*)\|\s*$")
_VAR_NAME = lazy_compile(r"^[A-Za-z_][\w]{0,31}$")


def _stata_list_blocks(par: list[_Line], what: str) -> ListedTable | None:
    """Stata's list of wide data: each observation a box of its own, its variables' names on the numbered
    line (``1. |  lopnr | alder | ...``) with the values on the line below, more names and values after a
    ``|---|`` rule. One row per observation. None when the paragraph is not so laid out."""
    boxes: list[list[_Line]] = []
    for x in par:
        if _LIST_ROW.match(x.text):
            boxes.append([x])
        elif boxes and _LIST_BOX.match(x.text) and x.text.strip().startswith("+"):
            boxes.append([])  # the box's bottom edge: lines after it belong to no observation
        elif boxes and boxes[-1] and _BOX_ROW.match(x.text) and not _LIST_BOX.match(x.text):
            boxes[-1].append(x)
    boxes = [b for b in boxes if b]
    if not boxes or any(len(b) < 2 or len(b) % 2 for b in boxes):
        return None
    records: list[dict[str, str]] = []
    for box in boxes:
        first = _LIST_ROW.match(box[0].text)
        assert first is not None
        texts = ["|" + first.group(2) + "|", *(x.text for x in box[1:])]
        record: dict[str, str] = {}
        for names_text, values_text in zip(texts[0::2], texts[1::2], strict=True):
            names = [c.strip() for c in names_text.strip().strip("|").split("|")]
            values = [c.strip() for c in values_text.strip().strip("|").split("|")]
            if not all(_VAR_NAME.match(n) for n in names if n) or not any(names):
                return None
            record.update((n, v) for n, v in zip(names, values, strict=False) if n)
        records.append(record)
    names = list(dict.fromkeys(n for r in records for n in r))
    if len(names) < 2:
        return None
    rows = [[r.get(n, "") for n in names] for r in records]
    lines = [b[0].number for b in boxes]
    return ListedTable(TextTable(unique_names(names), rows, lines[0], "fixed-width"), tuple(lines), Origin.LISTING,
                       what)


def _stata_list_noobs(par: list[_Line], what: str) -> ListedTable | None:
    """Stata's ``list ..., noobs``: the observations in a box without their numbers, a header row of names
    over a ``|----|`` rule, then a row per observation (one column of values is a listing too)."""
    # the rule under the header: "|----|" (or "+----+" in SMCL, whose corner characters all become "+")
    head = next((i for i, x in enumerate(par) if _BOX_ROW.match(x.text) and not _LIST_BOX.match(x.text)), None)
    rule = next((i for i, x in enumerate(par) if head is not None and i > head and _LIST_BOX.match(x.text)), None)
    if rule is None or rule == 0:
        return None
    header = [x for x in par[:rule] if _BOX_ROW.match(x.text)]
    rows = [x for x in par[rule + 1:] if _BOX_ROW.match(x.text) and not _LIST_BOX.match(x.text)]
    if not header or not rows:
        return None
    head_txt = [_Line(x.number, x.text.replace("|", " ")) for x in header[-1:]]
    data_txt = [_Line(x.number, x.text.replace("|", " ")) for x in rows]
    table = _columns(head_txt, data_txt, Origin.LISTING, what)
    if table is None:
        names = head_txt[0].text.split()
        cells = [x.text.split() for x in data_txt]
        if len(names) > 1 and all(_VAR_NAME.match(n) for n in names) and all(len(c) == len(names) for c in cells):
            # no column of numbers to align on (sex, dates as 05jun1966, a municipality): every row splits into
            # one word a variable
            lines = [x.number for x in rows]
            return ListedTable(TextTable(unique_names(names), cells, lines[0], "fixed-width"), tuple(lines),
                               Origin.LISTING, what)
        if len(names) != 1:
            return None
        # one column: each row is one observation's value
        lines = [x.number for x in rows]
        table = ListedTable(TextTable(names, [[x.text.strip()] for x in data_txt], lines[0], "fixed-width"),
                            tuple(lines), Origin.LISTING, what)
    return table


# --- SAS PROC FREQ cross-tabulation ---------------------------------------------------------------------

_SAS_KEY = lazy_compile(r"^\s*(Frequency|Percent|Row Pct|Col Pct|Expected|Deviation|Cell Chi-Square|"
                      r"Tot Pct|Percent of Total)\s*\|", re.I)
_SAS_XRULE = lazy_compile(r"^\s*-+\+(?:-+\+)+-*\s*$")


def _sas_crosstab(par: list[_Line], title: str, what: str) -> ListedTable | None:
    """A SAS PROC FREQ cross-tabulation (``Frequency|`` key, cells between ``---+---`` rules, percentages
    stacked under each frequency): the frequency line of each row, one column per column level and Total."""
    keys = [x for x in par if _SAS_KEY.match(x.text)]
    if not keys or not _SAS_KEY.match(keys[0].text) or _SAS_KEY.match(keys[0].text).group(1).lower() != "frequency":
        return None
    rules = [i for i, x in enumerate(par) if _SAS_XRULE.match(x.text)]
    if not rules:
        return None
    head = par[rules[0] - 1].text
    parts = head.split("|")
    col_labels = [p.strip() for p in parts[1:]]
    if col_labels and not col_labels[-1]:
        col_labels.pop()
    m = re.search(r"Table of (\S+) by (\S+)", title)
    row_var = m.group(1) if m else "row"
    rows: list[list[str]] = []
    lines: list[int] = []
    groups = [*rules, len(par)]
    for a, b in itertools.pairwise(groups):
        if a + 1 >= b:
            continue
        first = par[a + 1]
        if "|" in first.text:
            cells = [c.strip() for c in first.text.split("|")]
            label, values = cells[0], cells[1:]
        else:
            tokens = first.text.split()
            if not tokens or tokens[0].lower() != "total":
                continue
            label, values = tokens[0], tokens[1:]
        # the frequency line of each row (percentages are stacked under it): one row per level, wide
        rows.append([label, *values[:len(col_labels)]])
        lines.append(first.number)
    return _table([row_var, *col_labels], rows, lines, Origin.TABULATION, what, "sas-crosstab")


# --- R table(), pandas Series, describe() ---------------------------------------------------------------

# (msm's statetable.msm() prints its transitions as table() prints a two-way table: "to" over "from 1 2 3")
_R_TABLE_CMD = lazy_compile(r"\b(?:table|xtabs|ftable|addmargins|margin\.table|statetable\.msm)\s*\(")
# A table's row or column sums printed as a named vector (rowSums(tab): each level's count over all columns).
_R_SUMS_CMD = lazy_compile(r"\b(?:rowSums|colSums)\s*\(")
_INT_TOKENS = lazy_compile(r"^\s*\d+(?:\s+\d+)*\s*$")


_R_SHARES_CMD = lazy_compile(r"\b(?:prop\.table|proportions)\s*\(\s*table\(\s*([A-Za-z.][\w.$]*)")
_R_TIMES_100 = lazy_compile(r"\b100\s*\*|\*\s*100\b")
_DECIMAL_TOKENS = lazy_compile(r"^\s*\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*\s*$")


_R_BY_GROUP_CMD = lazy_compile(r"\b(?:describeBy|describe\.by|by)\s*\(")
_R_GROUP_LINE = lazy_compile(r"^\s*(?:group|INDICES)\s*:\s*(\S.*?)\s*$")
_R_DASH_RULE = lazy_compile(r"^\s*-{10,}\s*$")


def _r_groups_described(lines: list[_Line], what: str) -> list[ListedTable]:
    """psych's ``describeBy()`` and base R's ``by()``: a small table per group under ``group: Doktorgrad``
    (``INDICES: 2``), between dashed rules, as one table with a row per group (and variable): the group's
    ``n``, ``min`` and ``max`` are then judged like any table's (a group of 2 passed, one table at a time
    unread)."""
    label: str | None = None
    header: list[str] | None = None
    rows: list[list[str]] = []
    at: list[int] = []
    groups = 0
    for x in lines:
        m = _R_GROUP_LINE.match(x.text)
        if m:
            label, header = m.group(1), None
            groups += 1
            continue
        if label is None or _R_DASH_RULE.match(x.text) or not x.text.strip():
            continue
        tokens = x.text.split()
        if header is None:
            header = tokens
        elif rows and len(header) != len(rows[0]) - 1:
            return []  # the groups' tables differ: not one layout
        elif len(tokens) == len(header) + 1 and all(_NUMERIC_CELL.match(t) or t == "NA" for t in tokens[1:]):
            rows.append([f"{label} | {tokens[0]}", *tokens[1:]])
            at.append(x.number)
    if groups < 2 or not rows or header is None or not _plausible_names(header):
        return []
    if len({r[0].split(" | ", 1)[1] for r in rows}) == 1:
        rows = [[r[0].split(" | ", 1)[0], *r[1:]] for r in rows]  # one variable: the group names the row
    names = ["group", *header]
    if "vars" in header:  # psych's number of the variable, not a count
        k = names.index("vars")
        names, rows = names[:k] + names[k + 1:], [r[:k] + r[k + 1:] for r in rows]
    table = _table(names, rows, at, Origin.TABULATION, f"{what} (a table per group)", "r-by-group")
    return [table] if table is not None else []


_R_TABLE_CALL = lazy_compile(r"\b(table|xtabs)\s*\(")
_R_NAMED_ARG = lazy_compile(r"^\s*[\w.]+\s*=(?!=)")


def _r_table_vars(command: str) -> int:
    """How many variables the last ``table()`` or ``xtabs()`` call of an R command tabulates (0: unknown):
    ``table(kjonn, hendelse)`` 2, ``xtabs(~ utd + hendelse, data = d)`` 2, ``table(d$x, useNA = "ifany")`` 1."""
    calls = list(_R_TABLE_CALL.finditer(command))
    if not calls:
        return 0
    start = calls[-1].end()
    depth, args, current = 1, [], []
    for ch in command[start:]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                break
        if ch == "," and depth == 1:
            args.append("".join(current))
            current = []
        else:
            current.append(ch)
    args.append("".join(current))
    args = [a for a in args if a.strip() and not _R_NAMED_ARG.match(a)]
    if calls[-1].group(1) == "xtabs":
        formula = next((a for a in args if "~" in a), "")
        return len([t for t in formula.split("~", 1)[-1].split("+") if t.strip()]) if formula else 0
    return len(args)


def _r_oneway(par: list[_Line], what: str, command: str = "") -> ListedTable | None:
    """An R ``table()`` of one variable: label lines over count lines (wrapped when wide); of
    ``prop.table(table(x))``, over its shares (a column "Percent (%)" when the command multiplied by 100, else
    "Proportion")."""
    shares = _R_SHARES_CMD.search(command) is not None
    values_line = _DECIMAL_TOKENS if shares else _INT_TOKENS
    body = list(par)
    dim_name = ""
    if len(body) % 2 == 1 and len(body[0].text.split()) == 1 and not _INT_TOKENS.match(body[0].text):
        dim_name = body[0].text.strip()
        body = body[1:]
    if len(body) < 2 or len(body) % 2:
        return None
    rows: list[list[str]] = []
    lines: list[int] = []
    for k in range(0, len(body), 2):
        labels, counts = body[k], body[k + 1]
        if not values_line.match(counts.text):
            return None
        ends = [m.end() for m in re.finditer(r"\d+(?:\.\d+)?", counts.text)]
        starts = [0, *ends[:-1]]
        cells = [labels.text[a:b].strip() for a, b in zip(starts, ends, strict=True)]
        if any(not c for c in cells) or len(cells) != len(ends):
            return None
        for label, m in zip(cells, re.finditer(r"\d+(?:\.\d+)?", counts.text), strict=True):
            rows.append([label, m.group(0)])
            lines.append(counts.number)
    value = ("Percent (%)" if _R_TIMES_100.search(command) else "Proportion") if shares else "Freq"
    return _table([dim_name or "level", value], rows, lines, Origin.TABULATION, what, "r-table")


def _r_twoway(par: list[_Line], what: str) -> ListedTable | None:
    """An R two-way ``table()``/``xtabs()``: the column variable's name alone on the first line, the row
    variable's name and the column labels on the second, then one row per level (kept wide: one column per
    level of the column variable)."""
    if len(par) < 3 or len(par[0].text.split()) != 1 or _is_data(par[0].text):
        return None
    rows_in = par[2:]
    if not all(_is_data(x.text) for x in rows_in):
        return None
    table = _columns([_Line(par[1].number, par[1].text.rstrip())], rows_in, Origin.TABULATION, what)
    if table is None:
        return None
    names = table.table.names
    first = names[0] if not names[0].startswith("column_") else "row"
    return _table([first, *names[1:]], [list(r) for r in table.table.rows], list(table.lines), Origin.TABULATION,
                  what, "r-crosstab", labelled=1)


def _r_named_levels(par: list[_Line], what: str) -> ListedTable | None:
    """An R two-way ``table()`` whose column variable has no name (``table(clust5, df$sex)``): the row
    variable's name and the column levels on the first line ("clust5  Female Male"), then each row's label,
    which may hold spaces ("Cluster 1"), and as many counts as there are levels."""
    if len(par) < 2:
        return None
    head = par[0].text.split()
    levels = head[1:]
    if len(levels) < 1 or _NUMERIC_CELL.match(head[0]) or any(_NUMERIC_CELL.match(x) for x in levels):
        return None
    indent = len(par[0].text) - len(par[0].text.lstrip())
    if indent > min(len(x.text) - len(x.text.lstrip()) for x in par[1:]):
        return None  # the levels alone, indented past the labels (no row variable's name): another layout
    rows: list[list[str]] = []
    for x in par[1:]:
        tokens = x.text.split()
        if len(tokens) <= len(levels) or not all(_INT_TOKENS.match(t) for t in tokens[-len(levels):]):
            return None
        rows.append([" ".join(tokens[:-len(levels)]), *tokens[-len(levels):]])
    return _table([head[0], *levels], rows, [x.number for x in par[1:]], Origin.TABULATION, what, "r-crosstab",
                  labelled=1)


_LEVEL_TOKEN = lazy_compile(r"^(?:[<>≤≥]?\d+\+?|\d+[-–]\d+)$")


def _r_level_header(par: list[_Line], what: str) -> ListedTable | None:
    """An R two-way ``table()`` printed without its variables' names (``table(df$region, df$sex)``) whose
    column levels are numbers: the first line holds only the levels ("1  2"), indented past the row labels
    of the lines below ("North 45 38"). Read as :func:`_r_twoway` reads it, with ``row`` over the labels."""
    if len(par) < 3:
        return None
    head = par[0].text.rstrip()
    indent = len(head) - len(head.lstrip())
    # (levels as numbers, an open class among them: "1  2  3  4+", "<18  18-64  65+")
    if not all(_LEVEL_TOKEN.match(t) for t in head.split()) or not all(_is_data(x.text) for x in par[1:]):
        return None
    label_end = max(len(x.text) - len(x.text.lstrip()) + len(x.text.split()[0]) for x in par[1:])
    if indent <= label_end:
        return None  # a line of numbers over the row labels is a row of cells, not the column levels
    header = _Line(par[0].number, "row".ljust(indent) + head[indent:])
    table = _columns([header], par[1:], Origin.TABULATION, what)
    if table is None or table.table.names[0] != "row":
        return None
    return _table(table.table.names, [list(r) for r in table.table.rows], list(table.lines), Origin.TABULATION,
                  what, "r-crosstab", labelled=1)


# A variable's name as pandas prints an index's name: "maakunta", "region_kode", "kon".
_IDENTIFIER = lazy_compile(r"^[^\W\d][\w.]*$")


def _pandas_levels(par: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A pandas crosstab or unstacked table: the columns' name and levels on the first line ("sex  1  2",
    "koulutusaste  Perusaste  Keskiaste"), the index's name alone on the second ("region"), then the rows.
    The index's name heads the label column."""
    if len(par) < 4:
        return None
    first, second = par[0].text.rstrip(), par[1].text.strip()
    tokens = first.split()
    if len(tokens) < 3 or _NUMERIC_CELL.match(tokens[0]):
        return None
    # (a MultiIndex names its levels side by side: "sukup koulutus")
    index_names = second.split()
    if not index_names or any(_NUMERIC_CELL.match(n) for n in index_names) \
            or not all(_is_data(x.text) for x in par[2:]):
        return None
    if not all(_NUMERIC_CELL.match(t) for t in tokens[1:]) \
            and not (len(index_names) <= 3 and all(_IDENTIFIER.match(n) for n in index_names)
                     and not first[:1].isspace()):
        # text levels ("Perusaste  Keskiaste") after the columns' name at the margin, over a line naming the
        # index alone ("maakunta"); a groupby's header is indented over its index instead ("   count  mean")
        return None
    levels_at = first.index(tokens[1], len(tokens[0]))
    second_line = par[1].text.rstrip()
    if len(second_line) >= levels_at:
        return None
    header = _Line(par[0].number, second_line.ljust(levels_at) + first[levels_at:])
    table = _columns([header], par[2:], origin, what)
    if table is None or table.table.names[:len(index_names)] != index_names:
        return None
    # the index's levels are labels whatever they look like (education coded 1, 2, 3); a MultiIndex prints
    # an outer level once over its inner ones
    t = table.table
    rows = [list(r) for r in t.rows]
    for k in range(1, len(rows)):
        for d in range(len(index_names) - 1):
            if not rows[k][d].strip():
                rows[k][d] = rows[k - 1][d]
    return dataclasses.replace(table, table=dataclasses.replace(t, rows=rows, dimensions=tuple(index_names)))


_COUNTED_SERIES = lazy_compile(r"\.(?:nunique|count|size)\(\s*\)\s*$")
_SERIES_FOOT = lazy_compile(r"^(?:Name: (.*?), )?(?:Length: \d+, )?dtype: \w+\s*$")
_DESCRIBE = frozenset({"count", "mean", "std", "min", "25%", "50%", "75%", "max"})


def _series(par: list[_Line], command: str, what: str) -> ListedTable | None:
    """A pandas Series printout: ``label  value`` lines and a ``Name: x, dtype: int64`` footer."""
    foot = _SERIES_FOOT.match(par[-1].text)
    if foot is None:
        return None
    name = foot.group(1) or ""
    if re.fullmatch(r"\d+", name.strip()) and par[-1].text.rstrip().endswith("dtype: object"):
        # one row of a frame as a Series (df.loc[df.loen.idxmax()], df.iloc[17]): its index label names
        # the row, the lines are its columns' values of mixed types
        # the "column  value" lines right above the footer (a title or another printout may stand above them)
        cells: list[list[str]] = []
        for x in reversed(par[:-1]):
            bits = x.text.strip().split(None, 1)
            if len(bits) != 2 or not _VAR_NAME.match(bits[0]):
                break
            cells.insert(0, bits)
        if len(cells) >= 2:
            row = _table([c[0] for c in cells], [[c[1].strip() for c in cells]], [par[0].number], Origin.LISTING,
                         f"{what} (one row as a Series)", "pandas-series")
            return dataclasses.replace(row, records="row") if row is not None else None
    pairs: list[tuple[str, str, int]] = []
    raw: list[str] = []
    index_name = ""
    levels: list[tuple[str, int]] = []
    # the rows are the "label  value" lines right above the footer; above them, the index's name alone on a
    # line (pandas 2), or a title printed before the Series
    for x in reversed(par[:-1]):
        bits = x.text.rstrip().rsplit(None, 1)
        if len(bits) == 2 and _NUMERIC_CELL.match(bits[1]):
            pairs.insert(0, (bits[0].strip(), bits[1], x.number))
            raw.insert(0, bits[0])
            continue
        if len(x.text.split()) == 1 and not _is_data(x.text):
            index_name = x.text.strip()
        elif len(names := x.text.split()) >= 2 and all(_IDENTIFIER.match(n) for n in names) and not _is_data(x.text):
            # a MultiIndex's level names side by side ("kvartal  region"): each level starts where its name does
            levels = [(n, m.start()) for n, m in zip(names, re.finditer(r"\S+", x.text), strict=True)]
        break
    if len(pairs) < 2:
        return None
    shares = name == "proportion" or bool(re.search(r"\bnormalize\s*=\s*True", command))
    # (a Series named after the key it counts: groupby("region")["lopnr"].nunique() is persons per region)
    counts = not shares and ("value_counts" in command or name in ("count", "counts", "size") or "size()" in command
                             or _COUNTED_SERIES.search(command) is not None)
    # (value_counts(normalize=True): pandas 2 names the Series "proportion"; times 100 it is a percentage)
    value_name = "count" if counts else ("Percent" if _R_TIMES_100.search(command) or re.search(
        r"\.mul\(\s*100\s*\)", command) else "proportion") if shares else (name or "value")
    if levels:
        # the outer levels printed once over their inner ones: read per level, filled down
        starts = [at for _, at in levels] + [max(len(r) for r in raw) + 1]
        rows, last = [], [""] * len(levels)
        for r, (_, value, _) in zip(raw, pairs, strict=True):
            cells = [r[starts[k]:starts[k + 1]].strip() for k in range(len(levels))]
            if not cells[-1] or (not cells[0] and not last[0]):
                rows = []  # not aligned under the level names: read as one label
                break
            cells = [c or last[k] for k, c in enumerate(cells)]
            last = cells
            rows.append([*cells, value])
        if rows:
            return _table([n for n, _ in levels] + [value_name], rows, [p[2] for p in pairs], Origin.TABULATION, what,
                          "pandas-series", labelled=len(levels))
    labels = {p[0] for p in pairs}
    if labels >= _DESCRIBE:
        return _transposed(name or "value", pairs, what)
    # the index is the labels, whatever they look like (sex coded 1 and 2)
    return _table([index_name or "label", value_name], [[p[0], p[1]] for p in pairs], [p[2] for p in pairs],
                  Origin.TABULATION, what, "pandas-series", labelled=1)


def _describe_name(label: str) -> str:
    """describe()'s percentile rows ("25%", "50%") named as percentiles ("p25"): a column named "25%" would
    read as shares, and a share of 1.0 as a count. So are ``quantile([0.1, 0.5])``'s levels ("0.10" is p10)."""
    m = _DESCRIBE_PERCENT.match(label.strip())
    if m:
        return f"p{m.group(1)}"
    q = _QUANTILE_LEVEL.match(label.strip())
    return f"p{float(q.group(0)) * 100:g}" if q else label


# A quantile's level as pandas prints ``df.quantile([0.10, 0.25, 0.5])``'s index: "0.10", "0.5", "0.975".
_QUANTILE_LEVEL = lazy_compile(r"^0?\.\d{1,4}$")


def _quantile_levels(labels: list[object]) -> bool:
    """Whether a frame's row labels are quantile levels, two or more, rising (``df.quantile([...])``): each row a
    percentile of every column, no group."""
    texts = [str(x).strip() for x in labels]
    if len(texts) < 2 or not all(_QUANTILE_LEVEL.match(x) for x in texts):
        return False
    levels = [float(x) for x in texts]
    return all(0 < a < b < 1 for a, b in itertools.pairwise(levels))


_DESCRIBE_PERCENT = lazy_compile(r"^(\d{1,2}(?:\.\d+)?)%$")


def _transposed(variable: str, pairs: list[tuple[str, str, int]], what: str) -> ListedTable | None:
    names = ["variable", *[_describe_name(p[0]) for p in pairs]]
    return _table(names, [[variable, *[p[1] for p in pairs]]], [pairs[0][2]], Origin.TABULATION, what,
                  "describe")


def _describe_frame(table: ListedTable) -> ListedTable:
    """``describe()`` output (statistics as rows) turned so each statistic is a column, one row per variable."""
    t = table.table
    labels = [r[0] for r in t.rows]
    if not set(labels) >= _DESCRIBE and not _quantile_levels(labels):
        return table
    rows = [[name, *[r[k] for r in t.rows]] for k, name in enumerate(t.names) if k > 0]
    return ListedTable(TextTable(unique_names(["variable", *map(_describe_name, labels)]), rows, table.lines[0],
                                 "describe"),
                       tuple(table.lines[0] for _ in rows), Origin.TABULATION, table.what)


# --- output blocks ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class OutputState:
    """What a parser remembers between blocks of one file: a SAS listing's procedure and section titles."""

    proc: str = ""
    title: str = ""
    section: str = ""
    #: sizes R printed for its objects ("> nrow(sub)" then "[1] 2"), by object name: the size of a summary()
    #: of that object printed after it
    sizes: dict[str, str] = field(default_factory=dict)
    #: Stata's `count if` results by condition, to subtract a narrower condition's count from a wider one's
    counts: dict[str, int] = field(default_factory=dict)
    #: the data in Stata's memory are aggregated (a `collapse` or `contract` since the last `use`/`restore`):
    #: a `list` prints a table's cells, not observations
    collapsed: bool = False
    #: the statistic of each variable the last `collapse` made ("aterinl30" -> "mean", "n" -> "count")
    collapse_stats: dict[str, str] = field(default_factory=dict)
    #: R objects assigned from an aggregation (``agg <- d %>% group_by(a) %>% summarise(...)``), by name: the
    #: command that made each; printing one prints a table's cells
    aggregated: dict[str, str] = field(default_factory=dict)
    #: pandas data frames made as rows of another meeting a condition (``m = a[a.sukupuoli == 'Mies']``), by
    #: name: the frame they came from and the condition
    subsets: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: the program was told to write decimal commas (Stata's ``set dp comma``, R's ``options(OutDec = ",")``)
    comma_decimals: bool = False
    #: Stata's one-way frequencies (``tab koen``) by variable and condition: the sizes of the columns of a later
    #: ``tab x koen, col nofreq`` under the same condition
    frequencies: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    #: R objects assigned from a register key's values (``outl <- unique(lisa$LopNr[lisa$ink > 5e6])``), by
    #: name: the assignment; printing one prints the keys
    keyed: dict[str, str] = field(default_factory=dict)


_SAS_TITLE = lazy_compile(r"^\s{2,}([A-Z][\w'()\-:,. ]{2,80}?)\s*$")


# The first line of a listing's page: a form feed, the title and the page number at the right margin.
_FORM_FEED_PAGE = lazy_compile(r"^\x0c(?:\s*\S.*?\s{3,}\d{1,5})?\s*$")


# PROC UNIVARIATE's section title, whose definition number would make it read as a row of data.
_QUANTILES_TITLE = lazy_compile(r"^\s*Quantiles \(Definition \d\)\s*$")


def _sas_prepare(lines: list[_Line], state: OutputState) -> tuple[list[_Line], dict[int, OutputState]]:
    """Page headers and procedure titles of a SAS listing removed (kept as blank lines); the procedure and
    section titles in force at each line (``state`` ends as the last line's, for the next block)."""
    out = []
    states: dict[int, OutputState] = {}
    for x in lines:
        states[x.number] = OutputState(state.proc, state.title, state.section)
        text = x.text.replace("\x0c", "")
        page = _SAS_PAGE.match(text)
        if not page and _FORM_FEED_PAGE.match(x.text):
            # a page's first line after the form feed: its title and page number, the date line not printed
            # (OPTIONS NODATE): "\fSklerodermi-kohorten: ...        2"
            state.proc, state.section, state.title = "", "", ""
            out.append(_Line(x.number, ""))
            continue
        if page or _SAS_PAGE.match(x.text):
            # Every page repeats its procedure's title: a page without one is PROC PRINT's (which has none).
            if _SAS_SYSTEM_TITLE.search(text) or (page and page.group("page_title")):
                state.proc, state.section, state.title = "", "", ""
            out.append(_Line(x.number, ""))
            continue
        m = _SAS_PROC_TITLE.match(text)
        if m:
            state.proc = (m.group("en") or m.group("local") or m.group("mixed")).upper()
            state.section = ""
            state.title = ""
            out.append(_Line(x.number, ""))
            continue
        t = _SAS_TITLE.match(text)
        if t and (not _is_data(text) or _QUANTILES_TITLE.match(text)) and len(text.split()) <= 8 \
                and "  " not in t.group(1):
            state.section = t.group(1)
            if t.group(1).startswith(("Table of", "Analysis Variable")):
                state.title = t.group(1)
            out.append(_Line(x.number, ""))
            continue
        out.append(_Line(x.number, text))
    return out, states


# The statistics PROC TABULATE (and PROC REPORT) name their columns with, under the class levels.
_TABULATE_STATS = frozenset({"n", "sum", "mean", "pctn", "rowpctn", "colpctn", "reppctn", "pagepctn", "pctsum",
                             "rowpctsum", "colpctsum", "min", "max", "median", "std", "stddev", "var", "nmiss",
                             "range", "q1", "q3", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"})


def _tabulate_statistics(names: list[str]) -> bool:
    """Whether a box's column names end in PROC TABULATE's statistics, a count among them ("10-49 | N")."""
    last = [n.rsplit("|", 1)[-1].strip().lower() for n in names[1:]]
    stats = sum(1 for x in last if x in _TABULATE_STATS)
    # (a box of percentages only, "PctN" in every column: its N in a row of its own)
    return bool(last) and (("n" in last and stats * 2 >= len(last))
                           or (stats == len(last) and all("pct" in x for x in last)))


# The first line of PROC UNIVARIATE's Moments: "N    6    Sum Weights    6".
_UNIVARIATE_N = lazy_compile(r"^\s*N\s+(\d+)\s{2,}Sum Weights\b")


_PER_OBSERVATION = " statistics per observation"
# A model procedure's section of statistics per observation.
_SAS_OBSERVATION_SECTION = lazy_compile(r"(?i)\bobservation statistics\b|\boutput statistics\b|"
                                        r"\bregression diagnostics\b|\binfluence diagnostics\b")


def _sas_origin(state: OutputState) -> Origin | None:
    """The origin of a table printed under ``state``'s procedure and section (None: not read)."""
    section = state.section.lower()
    if "extreme observations" in section or "extreme values" in section:
        return Origin.LISTING
    if not state.proc or state.proc in _SAS_LISTING_PROCS:
        return Origin.LISTING
    if state.proc in _SAS_TABULATION_PROCS:
        if state.proc == "UNIVARIATE" and not any(w in section for w in ("frequency", "frequencies")):
            return None  # moments, quantiles, tests: statistics of one variable, not cells
        return Origin.TABULATION
    if state.proc in ("CONTENTS", "DATASETS", "OPTIONS", "PRINTTO"):
        return None
    # Any other procedure (REG, LOGISTIC, GLM, PHREG, CORR, TTEST...): its estimates are skipped as model output
    # by their headers, its other tables are counts and statistics like any printed output (LOGISTIC's Response
    # Profile, PHREG's events and censored per stratum, CORR's and TTEST's N, minimum and maximum)
    return Origin.OUTPUT


# Stata's display of a variable at an observation's number ("display loenind[1017]", "di %9.0f indk[_N]"): the
# value of one observation.
_STATA_DISPLAY = lazy_compile(r"^\s*di(?:s(?:p(?:l(?:a(?:y)?)?)?)?)?\s+(.+)$")
_SUBSCRIPTED = lazy_compile(r"(?<![\w.])(?!_b\b|_se\b)([A-Za-z_]\w{0,31})\s*\[\s*(?:\d+|_N|_n(?:\s*[-+]\s*\d+)?)\s*\]")


def _stata_subscripted(lines: list[_Line], command: str) -> list[ListedTable]:
    """A ``display`` of variables subscripted by an observation's number (``display loenind[1017]`` after a
    sort): the printed values are that one observation's, a unit's record however few (LOG001)."""
    m = _STATA_DISPLAY.match(re.sub(r"^\s*\.\s+", "", command.rstrip().rsplit("\n", 1)[-1]))
    if m is None:
        return []
    names = [v.group(1) for v in _SUBSCRIPTED.finditer(m.group(1))]
    out = [x for x in lines if x.text.strip()]
    if not names or not out:
        return []
    value = out[0].text.strip()
    if not re.search(r"\d", value):
        return []
    table = TextTable(["variable", "value"], [[", ".join(names), value]], out[0].number, "display", (out[0].number,))
    return [ListedTable(table, (out[0].number,), Origin.LISTING, "Stata display of an observation's value",
                        records="subscripted")]


# tabstat's statistics: "stat(n min max)", "statistics(mean sd p50)", "s(count mean)".
_TABSTAT_STATS = lazy_compile(r"\bs(?:t(?:a(?:t(?:i(?:s(?:t(?:i(?:c(?:s)?)?)?)?)?)?)?)?)?\(([^)]*)\)")
_TABSTAT_NAMES = {"n": "N", "count": "N", "mean": "Mean", "sd": "SD", "min": "Min", "max": "Max", "sum": "Sum",
                  "median": "P50", "range": "Range", "iqr": "IQR", "variance": "Variance", "se(mean)": "SE"}
_TABSTAT_ROW = lazy_compile(r"^\s*(.*?)\s*\|\s*(\S.*?)\s*$")


def _stata_tabstat_by(lines: list[_Line], command: str) -> list[ListedTable]:
    """``tabstat x y, by(g) stat(n min max)``: each group's statistics stacked as lines under its label, one
    column a variable. Read as one row a group, a column for each variable's statistic ("x N", "x Min", ...)."""
    m = _TABSTAT_STATS.search(command.rsplit("\n", 1)[-1].split(",", 1)[-1])
    stats = [_TABSTAT_NAMES.get(t.lower(), t.upper() if re.fullmatch(r"p\d{1,2}", t.lower()) else t)
             for t in (m.group(1).split() if m else [])]
    if len(stats) < 2 or "N" not in stats:
        return []  # (without the groups' sizes the stacked lines say nothing the first reading misses)
    header: list[str] | None = None
    label_name = ""
    groups: list[tuple[str, list[list[str]], int]] = []
    for x in lines:
        if _BAR_RULE.match(x.text) or "|" not in x.text:
            continue
        row = _TABSTAT_ROW.match(x.text)
        if row is None:
            continue
        if header is None:
            label_name, header = row.group(1), row.group(2).split()
            continue
        values = row.group(2).split()
        if len(values) != len(header):
            return []
        if row.group(1):
            groups.append((row.group(1), [values], x.number))
        elif groups:
            groups[-1][1].append(values)
    if header is None or not groups or any(len(g[1]) != len(stats) for g in groups):
        return []
    names = [label_name or "group", *(f"{v} {st}" for v in header for st in stats)]
    rows = [[label, *(stacked[k][j] for j in range(len(header)) for k in range(len(stats)))]
            for label, stacked, _ in groups]
    # (the group's levels are labels whatever they look like: admitted 0 and 1)
    table = _table(names, rows, [n for _, _, n in groups], Origin.TABULATION, "Stata tabstat (statistics by group)",
                   "tabstat-by", labelled=1)
    return [table] if table is not None else []


def _displayed_count(text: str, line: int) -> list[ListedTable]:
    """A one-line output that names a count and gives it ("Antal fædre ..., Fanø: 2", R's cat() of one): a
    one-cell table of that count."""
    from scanner.loaders.prose import NAMED_COUNT

    m = NAMED_COUNT.search(text) if ":" in text or "=" in text else None
    if m is None:
        return []
    label = " ".join(text[:m.start(1)].rstrip(" :=").split())[:200]
    table = TextTable(["label", "n"], [[label, m.group(1)]], line, "displayed-count", (line,))
    return [ListedTable(table, (line,), Origin.TABULATION, "a count displayed after its name")]


def _read_command(language: Language, command: str, tool: str) -> tuple[str, str]:
    """The command that printed a block as the readers take it (Stata's and R's last echoed command), and
    what printed it (value-free). Not for SAS, whose procedure comes from the log's state."""
    if language is Language.STATA:
        command = _stata_command(command)
        return command, f"Stata {_first_word(command) or 'output'}"
    if language is Language.R:
        return (_r_command(command) if ">" in command else command), "R printout"
    if language is Language.PYTHON:
        return command, "Python printout"
    tool = tool or "printed"
    return command, tool if tool.endswith("output") else f"{tool} output"


_R_SIZE_CALL = lazy_compile(r"\b(?:nrow|NROW|length|sum\(!is\.na)\(\s*([A-Za-z.][\w.]*)")
# the size printed: "[1] 2", or cat("Antal:", format(nrow(d), big.mark = ".")) -> "Antal: 8.412.977"
_R_SIZE_OUT = lazy_compile(r"^(?:\s*\[1\]\s+|[^\n\d]*?)(\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)\s*$")
_R_QUANTILE = lazy_compile(r"^\s*(?:(?:print|round|signif|format)\s*\(\s*)*quantile\s*\(")


def _percentile_name(name: str) -> str:
    """R quantile()'s column name as a percentile: "10%" -> "P10", "0%" -> "Min", "100%" -> "Max"; aggregate()'s
    "formue.10%" -> "formue P10", "formue.n" -> "formue N" (the group's size)."""
    m = re.fullmatch(r"\s*(?:([\w.]+)\.)?(\d{1,3}(?:\.\d+)?)%\s*", name)
    if m is None:
        n = re.fullmatch(r"\s*([\w.]+)\.n\s*", name)
        return f"{n.group(1)} N" if n else name
    level = m.group(2)
    stat = "Min" if float(level) == 0 else "Max" if float(level) == 100 else f"P{level}"
    return f"{m.group(1)} {stat}" if m.group(1) else stat


_R_SUMMARY_OF = lazy_compile(r"^\s*(?:(?:print|round|signif|format)\s*\(\s*)*(?:summary|quantile|range|fivenum|min|max)"
                             r"\(\s*([A-Za-z.][\w.]*)")


# A comment's marker at the start of a line: Stata's "*" and "//", R's and Python's "#", SAS's "*" and "/*",
# SQL's "--", SPSS's "*".
_COMMENT_MARK = lazy_compile(r"^[ \t]*(?:/\*+|\*+/?|//+|#+'?|--+|%+)[ \t]?")
# An echoed command of a log pasted into a comment: ". list LopNr alder if ...", "> head(df)", ">>> df.head()".
_PASTED_PROMPT = lazy_compile(r"^[ \t]*(?:\.|>|>>>)[ \t]+\S")


def pasted_listings(comments: str, language: Language, first_line: int = 1) -> list[ListedTable]:
    """Listings of observations pasted into a program's comments (a log's ``list`` kept as a note before a
    top-coding: ``* . list LopNr alder forvink if forvink > 5e6`` and its box of rows). ``comments`` is the
    program's text with everything but its comments blanked (lines kept; its first line is the file's
    ``first_line``): each run of comment lines that starts with an echoed command is read as that command's
    output, and only the observations it lists are kept."""
    lines = comments.split("\n")
    out: list[ListedTable] = []
    k = 0
    while k < len(lines):
        text = _COMMENT_MARK.sub("", lines[k], count=1)
        if not _PASTED_PROMPT.match(text):
            k += 1
            continue
        command, first = text, k + 1
        body: list[str] = []
        j = k + 1
        while j < len(lines) and lines[j].strip():
            row = _COMMENT_MARK.sub("", lines[j], count=1)
            if _PASTED_PROMPT.match(row):
                break
            body.append(row.rstrip())
            j += 1
        k = j
        if len(body) < 2:
            continue
        for table in parse_output("\n".join(body), first_line + first, language, command, OutputState()):
            if table.origin is Origin.LISTING:
                out.append(dataclasses.replace(table, what=f"{table.what} (pasted into a comment)"))
    return out


def parse_output(text: str, first_line: int, language: Language, command: str, state: OutputState,
                 *, tool: str = "") -> list[ListedTable]:
    """The tables in one block of printed output (see :func:`_parse_output`); in an R transcript a summary() of
    an object whose size R printed just before ("> nrow(sub)" "[1] 2") gets that size as its N column."""
    remember_data(command, language, state)
    tables = _parse_output(text, first_line, language, command, state, tool=tool)
    selects = _selection(command, language)
    if selects is None and language is Language.PYTHON and command:
        selects = _py_selection(command, state)
    if selects is not None:
        tables = [dataclasses.replace(t, selects=selects) if t.origin is Origin.TABULATION else t for t in tables]
    if "skim_variable" in text:
        tables = _skim_sizes(tables, text)
    if language is Language.STATA and state.counts and _STATA_CELL_PERCENT.search(command):
        tables = [_cell_percent_counts(t, command, state) for t in tables]
    if language is Language.R and command and selects is None:
        # (a function of the data and of a filtered copy of it: "ir_tab(kohort, by = ...)" beside
        # "ir_tab(filter(kohort, alder >= 40), by = ...)")
        called = _call_selection(_last_command(command))
        if called is not None:
            tables = [dataclasses.replace(t, selects=called) for t in tables]
    if language is Language.R and command:
        made = _printed_object(command, state)
        if made:
            grouped_by = _r_grouped_by(made)
            tables = [_with_dimensions(t, grouped_by) if grouped_by else t for t in tables]
            piped = _pipeline_selection(made) if selects is None else None
            if piped is not None:
                # (a count of a filtered pipeline beside the count of the same data unfiltered: the rest)
                tables = [dataclasses.replace(t, selects=piped) if t.origin is not Origin.LISTING else t
                          for t in tables]
            # summarise()'s statistics name its columns: "overlev_1aar = mean(aktiv_t1)" is a mean (of a 0/1
            # variable beside the group's n it is a share of the group)
            stats = {m.group(1): "mean" for m in _R_MEAN_OF.finditer(made)}
            if stats:
                tables = [_retitled(t, _collapse_names(list(t.table.names), stats)) for t in tables]
        _remember_size(command, text, state)
        if _R_QUANTILE.match(_last_command(command)):
            # quantile()'s names are its levels ("10%", "50%"): percentiles, not shares or counts
            tables = [_retitled(t, [_percentile_name(n) for n in t.table.names]) for t in tables]
        elif "quantile(" in command:
            # aggregate()'s "formue.10%" beside its group's "formue.n": percentiles of groups of that size
            tables = [_retitled(t, [_percentile_name(n) for n in t.table.names])
                      if any(re.fullmatch(r"\s*(?:[\w.]+\.)?n\s*", n) for n in t.table.names) else t for t in tables]
        of = _R_SUMMARY_OF.match(_last_command(command))
        n = state.sizes.get(of.group(1)) if of else None
        if n is not None:
            tables = [_with_size(t, n) for t in tables]
        grouped = _r_grouped_by(_last_command(command))
        if grouped:
            tables = [_with_dimensions(t, grouped) for t in tables]
        shares = _R_SHARES_CMD.search(_last_command(command))
        n = _size_of(shares.group(1), state) if shares else None
        if n is not None:
            # prop.table(table(d$fylke)) after "length(d$fylke)" printed 412: each share is of that many
            tables = [_shares_with_size(t, n) for t in tables]
    if language is Language.PYTHON and command:
        last = _py_command(command)
        _remember_py_size(last, text, state)
        shares = _PY_SHARES_CMD.search(last)
        n = state.sizes.get(shares.group(1)) if shares else None
        if n is not None:
            # value_counts(normalize=True) after "N = 40" printed for the same frame: each share is of 40
            tables = [_series_with_size(t, n) for t in tables]
    # describe()'s columns ("count mean std min 25% 50% 75% max", by group): its "25%" are percentiles, no shares
    tables = [_retitled(t, [_describe_name(n) for n in t.table.names])
              if {"count", "mean", "std", "min", "max"} <= {n.strip().lower() for n in t.table.names} else t
              for t in tables]
    return tables


# Python's size of a frame printed: "len(kohort)", "kohort.shape[0]" (in a print or an f-string).
_PY_SIZE_CALL = lazy_compile(r"\blen\(\s*([A-Za-z_]\w*)\s*\)|\b([A-Za-z_]\w*)\.shape\[0\]")
# pandas' shares of one column: "kohort['komplikation'].value_counts(normalize=True)".
_PY_SHARES_CMD = lazy_compile(r"^\s*(?:print\(\s*)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]|\.\w+)\s*\.value_counts\("
                              r"[^)]*\bnormalize\s*=\s*True")


def _remember_py_size(last: str, output: str, state: OutputState) -> None:
    """Keep the size Python printed for a frame: ``print(f"N = {len(kohort)}")`` then "N = 40"."""
    size = _PY_SIZE_CALL.search(last)
    printed = _R_SIZE_OUT.match(output.strip()) if size and "\n" not in output.strip() else None
    if size and printed:
        state.sizes[size.group(1) or size.group(2)] = re.sub(r"\D", "", printed.group(1))


def _series_with_size(listed: ListedTable, n: str) -> ListedTable:
    """A pandas Series of shares with the size of its frame printed before it as a column "N"."""
    t = listed.table
    if t.kind != "pandas-series" or len(t.names) != 2:
        return listed
    return dataclasses.replace(listed, table=dataclasses.replace(t, names=[*t.names, "N"],
                                                                 rows=[[*r, n] for r in t.rows]))


# Stata commands that replace the data in memory: by an aggregate (collapse, contract), or by data again.
_STATA_DATA_CMD = lazy_compile(r"(?im)^\s*\.?\s*(?:quietly\s+|qui\s+)?(collapse|contract|use|restore|import|"
                               r"sysuse|webuse|insheet|infile|clear|append|merge)\b")
# An R object assigned from an aggregation: "agg <- d %>% group_by(a) %>% summarise(n = n())", over the
# command's continuation lines.
_R_AGGREGATED = lazy_compile(r"(?m)^\s*>?\s*([A-Za-z.][\w.]*)\s*(?:<-|=)(?:[^\n]*\n\s*\+)*[^\n]*?\b(?:"
                             r"summari[sz]e|count|tally|aggregate|tapply)\s*\(")
_R_COMMAND_REST = lazy_compile(r"[^\n]*(?:\n[ \t]*\+[^\n]*)*")
# A Python object assigned from an aggregation: "ct = pd.crosstab(...)", "tab = df.groupby('a').size()".
_PY_AGGREGATED = lazy_compile(r"(?m)^\s*(?:In \[\d+\]:\s*|>>>\s*)?([A-Za-z_]\w*)\s*=(?!=)[^\n]*?(?:\bcrosstab\s*\(|"
                              r"\bpivot_table\s*\(|\bconfusion_matrix\s*\(|\.(?:value_counts|groupby|pivot_table|agg|"
                              r"aggregate|size|nunique|unstack)\b)")
# Printing an object: "agg", "print(agg)", "print(agg, n = Inf)", "as.data.frame(agg)".
_R_PRINTED = lazy_compile(r"^\s*(?:print\s*\(|as\.data\.frame\s*\(|data\.frame\s*\()?\s*([A-Za-z.][\w.]*)\s*"
                          r"(?:,[^()]*)?\)?\s*$")


_COLLAPSE_STAT = lazy_compile(r"\(\s*(\w+)\s*\)")


def _collapse_statistics(arguments: str) -> dict[str, str]:
    """The statistic of each variable a Stata ``collapse`` makes: ``(mean) x (count) n=x, by(g)`` gives x a mean
    and n a count (the default statistic is the mean)."""
    out: dict[str, str] = {}
    stat = "mean"
    for token in arguments.split(",", 1)[0].split():
        m = _COLLAPSE_STAT.fullmatch(token)
        if m:
            stat = m.group(1).lower()
        elif re.fullmatch(r"[A-Za-z_]\w*(?:=[A-Za-z_]\w*)?", token):
            out[token.split("=", 1)[0]] = stat
    return out


def _collapse_names(names: list[str], stats: dict[str, str]) -> list[str]:
    """A collapsed data set's column names with the statistic that made each ("aterin~30" abbreviates
    "aterinl30", a mean: "aterin~30 (mean)"); counts keep their names."""
    out = []
    for name in names:
        head, tilde, tail = name.partition("~")
        found = [v for k, v in stats.items() if (k == name if not tilde else
                                                   k.startswith(head) and k.endswith(tail) and len(k) >= len(name))]
        stat = found[0] if len(set(found)) == 1 else ""
        out.append(f"{name} ({stat})" if stat and stat not in ("count", "sum", "rawsum", "first", "last",
                                                              "firstnm", "lastnm") else name)
    return out


def remember_data(code: str, language: Language, state: OutputState) -> None:
    """What ``code`` (echoed commands, in order) does to the data it prints later: a Stata ``collapse``
    aggregates the data in memory until a ``use`` or ``restore``; an R assignment from ``summarise()`` makes
    an aggregated object."""
    if code and _COMMA_DECIMALS_SET.search(code):
        state.comma_decimals = True
    if language is Language.STATA and code:
        for m in _STATA_DATA_CMD.finditer(code):
            state.collapsed = m.group(1).lower() in ("collapse", "contract")
            state.frequencies.clear()  # (other data: the frequencies tabulated before are not theirs)
            state.collapse_stats = _collapse_statistics(code[m.end():code.find("\n", m.end()) % (len(code) + 1)]) \
                if m.group(1).lower() == "collapse" else {}
    elif language is Language.R and code:
        for m in _R_AGGREGATED.finditer(code):
            # (the whole command, its continuation lines too: summarise()'s arguments name its statistics)
            rest = _R_COMMAND_REST.match(code, m.end())
            state.aggregated[m.group(1)] = m.group(0) + (rest.group(0) if rest else "")
        for m in _R_ASSIGNED.finditer(code):
            name, value = m.group(1), m.group(2)
            if _R_KEY_SUMMARY.search(value):
                state.keyed.pop(name, None)  # a count or a statistic of the keys, printed as one number
            elif _names_a_key(value):
                state.keyed[name] = value
            else:
                state.keyed.pop(name, None)
    elif language is Language.PYTHON and code:
        for m in _PY_AGGREGATED.finditer(code):
            state.aggregated[m.group(1)] = m.group(0)
        for m in _PY_SUBSET.finditer(code):
            name, parent, cond = m.group(1), m.group(2), " ".join((m.group(3) or m.group(4) or "").split())
            if name != parent:
                state.subsets[name] = (parent, cond)


# An R assignment on one echoed line: "> outl <- unique(lisa$LopNr[lisa$DispInk04 > 50000])".
_R_ASSIGNED = lazy_compile(r"(?m)^\s*>?\s*([A-Za-z.][\w.]*)\s*(?:<-|=(?!=))\s*(.+?)\s*$")
# What makes a number or a table of keys, not the keys themselves.
_R_KEY_SUMMARY = lazy_compile(r"\b(?:length|nrow|NROW|n_distinct|sum|mean|table|count|tally|summari[sz]e|"
                              r"range|min|max|quantile|summary)\s*\(")


def _names_a_key(code: str) -> bool:
    """Whether ``code`` names a register key (``lisa$LopNr``, ``df[["pnr"]]``)."""
    from scanner.names import identifier_kind

    return any(identifier_kind(w) == "register key"
               for w in _IDENT.findall(code.replace("$", " ").replace(".", " ")))


def _keyed_object(command: str, state: OutputState) -> str:
    """The assignment of the key-valued R object the last command prints ("outl", "print(outl)"), or ""."""
    m = _R_PRINTED.match(_last_command(command))
    return state.keyed.get(m.group(1), "") if m else ""


# A program told to print decimal commas: Stata's "set dp comma", R's "options(OutDec = ",")".
_COMMA_DECIMALS_SET = lazy_compile(r"\bset\s+dp\s+comma\b|OutDec\s*=\s*['\"],")
#: Programs whose printed numbers have a decimal point unless told otherwise (SAS's formats may follow a locale).
_POINT_DECIMAL_LANGUAGES = (Language.STATA, Language.R, Language.PYTHON)


# summarise()'s means: "overlev_1aar = mean(aktiv_t1)".
_R_MEAN_OF = lazy_compile(r"([A-Za-z.][\w.]*)\s*=\s*mean\s*\(")


def _printed_object(command: str, state: OutputState) -> str:
    """The command that made the aggregated object the last command prints ("print(agg)"), or ""."""
    m = _R_PRINTED.match(_last_command(command))
    return state.aggregated.get(m.group(1), "") if m else ""


_R_COUNT_CMD = lazy_compile(r"\b(?:count|add_count|tally|group_by)\s*\(([^()]*)\)")


def _r_grouped_by(command: str) -> set[str]:
    """The variables dplyr's ``count(a, b)`` or ``group_by(a, b)`` groups by (not its named options)."""
    names: set[str] = set()
    for m in _R_COUNT_CMD.finditer(command):
        for arg in m.group(1).split(","):
            arg = arg.strip()
            if arg and "=" not in arg and re.fullmatch(r"[A-Za-z.][\w.]*", arg):
                names.add(arg)
    for m in _DT_BY.finditer(command):
        # data.table's d[, .N, by = x] and by = .(a, b), by = c("a", "b"), keyby = ...
        names.update(re.findall(r"[A-Za-z.][\w.]*", re.sub(r"^\s*(?:\.|c|list)\s*\(", "", m.group(1))))
    return names


_DT_BY = lazy_compile(r"\b(?:key)?by\s*=\s*((?:\.|c|list)\s*\([^)]*\)|\"?[A-Za-z.][\w.]*\"?)")


def _with_dimensions(listed: ListedTable, grouped: set[str]) -> ListedTable:
    """A table printed by a grouping command, with the grouping variables it shows as its dimensions."""
    t = listed.table
    dims = tuple(n for n in t.names if n in grouped)
    return dataclasses.replace(listed, table=dataclasses.replace(t, dimensions=dims)) if dims else listed


def _size_of(name: str, state: OutputState) -> str | None:
    """The size R printed for ``name`` ("d$fylke") or, for a column, for its data frame ("d")."""
    return state.sizes.get(name) or (state.sizes.get(name.split("$", 1)[0]) if "$" in name else None)


def _shares_with_size(listed: ListedTable, n: str) -> ListedTable:
    """A one-way table of shares with the size of the whole printed before it as a column "N"."""
    t = listed.table
    if t.kind != "r-table" or len(t.names) != 2 or t.names[1] == "Freq":
        return listed
    return dataclasses.replace(listed, table=TextTable([*t.names, "N"], [[*r, n] for r in t.rows], t.data_line,
                                                       t.kind, t.lines))


_R_PROMPT_PREFIX = lazy_compile(r"^\s*[>+]\s?")


def _last_command(command: str) -> str:
    """The last echoed line of an R command, without its prompt."""
    return _R_PROMPT_PREFIX.sub("", command.rstrip().rsplit("\n", 1)[-1])


def _printed_size(command: str, output: str) -> tuple[str, str] | None:
    """The object and the size R printed for it ("> nrow(sub)" then "[1] 2": ("sub", "2")), or None."""
    size = _R_SIZE_CALL.search(_last_command(command))
    printed = _R_SIZE_OUT.match(output.strip()) if size and "\n" not in output.strip() else None
    return (size.group(1), re.sub(r"\D", "", printed.group(1))) if size and printed else None


def _remember_size(command: str, output: str, state: OutputState) -> None:
    """Keep the size R printed for an object: "> nrow(sub)" then "[1] 2"."""
    printed = _printed_size(command, output)
    if printed is not None:
        state.sizes[printed[0]] = printed[1]


def _with_size(listed: ListedTable, n: str) -> ListedTable:
    """A one-row summary (``Min. ... Max.``) with the group size R printed for it as a column "N"."""
    t = listed.table
    if len(t.rows) != 1 or any(name.strip().lower() in ("n", "nobs", "count") for name in t.names):
        return listed
    return dataclasses.replace(listed, table=TextTable([*t.names, "N"], [[*t.rows[0], n]], t.data_line, t.kind,
                                                       t.lines))


def _parse_output(text: str, first_line: int, language: Language, command: str, state: OutputState,
                  *, tool: str = "") -> list[ListedTable]:
    """The tables in one block of printed output (lines numbered from ``first_line``), printed by
    ``command`` (the echoed code before the block, or a notebook cell's source)."""
    lines = [_Line(first_line + k, t) for k, t in enumerate(box_drawn_as_pipes(text).split("\n"))]
    origin: Origin | None
    if language is Language.SAS:
        lines, sas_states = _sas_prepare(lines, state)
        what_base = ""
    else:
        command, what_base = _read_command(language, command, tool)
        if language is Language.STATA and _first_word(command) in _STATA_LOOPS \
                and not command.startswith("(loop)"):
            return _stata_loop(lines, language, state)
    if language is Language.PYTHON:
        # IPython's "Out[3]:" before the first line of the output
        lines = [_Line(x.number, _PY_OUT.sub(lambda m: " " * len(m.group(0)), x.text, count=1)) for x in lines]
    if "<" in text:
        lines = _tibbles_as_pipes(lines)
    # a tibble's line of column types under its header goes (the header stays on its rows); other decoration
    # (its "# A tibble: 4 x 4" title, "# i 5 more rows" under it) is blanked
    lines = [x if not _DECORATION.match(x.text) else _Line(x.number, "") for x in lines
             if not _TIBBLE_TYPES.match(x.text)]
    tables: list[ListedTable] = []
    stacked: set[int] = set()  # lines a reader of stacked statistics read (no other reading of them)
    if language is Language.STATA:
        tables.extend(_stata_subscripted(lines, command))
        if "tabstat" in command and "by(" in command:
            by_group = _stata_tabstat_by(lines, command)
            tables.extend(by_group)
            if by_group:
                # (each group's statistics stacked under its label: the unlabelled lines are its p25, p50, ...
                # no category of the first variable counted in the second)
                stacked = {x.number for x in lines}
        tables.extend(_stata_compact(lines))
        tables.extend(_stata_patterns(lines))
        tables.extend(_stata_missing_patterns(lines))
        tables.extend(_stata_classification(lines))
        tables.extend(_stata_proportions(lines))
        tables.extend(_stata_extremes(lines))
        tables.extend(_stata_codebook(lines, what_base))
        tables.extend(_stata_codebook_values(lines, what_base))
    tables.extend(_hmisc_extremes(lines))
    # (R's printouts: also in a text file whose language is not told by its prompts)
    tables.extend(_kwic_lines(lines))
    tables.extend(_r_box_outliers(lines, command))
    tables.extend(_hmisc_frequencies(lines))
    if "tem" in text or "decimal point is" in text:
        tables.extend(_stem_leaf(lines))
    if language is not Language.SAS and _LOG_RECORD.match(text.lstrip("\n")):
        tables.extend(_record_counts(lines))
    if "array([" in text and "histogram" in command:
        tables.extend(_np_histogram(lines))
    tables.extend(_epi_2by2(lines))
    tables.extend(_named_value_lines(lines, what_base if language is not Language.SAS else "SAS put"))
    tables.extend(_named_key_values(lines, what_base or "printed output"))
    if "Traceback" in text:
        tables.extend(_traceback_values(lines, what_base or "printed output"))
    tables.extend(_event_counts(lines, what_base or "printed output"))
    tables.extend(_dropped_counts(lines, language, command, state))
    if language is not Language.SAS:  # (a SAS log's raw records are read over its bytes: _sas_records_in)
        tables.extend(_delimited_records(lines, what_base or "printed output"))
    if language is Language.SAS:
        tables.extend(_sas_frequency_missing(lines, sas_states, state))
    keyed = _keyed_object(command, state) if language is Language.R else ""
    tables.extend(_key_values(lines, f"{command}\n{keyed}" if keyed else command, what_base))
    if language is Language.R and _R_BY_GROUP_CMD.search(command):
        tables.extend(_r_groups_described(lines, what_base or "R printout"))
    made = _printed_object(_py_command(command) if language is Language.PYTHON else command, state)
    matrices, consumed = _confusion_matrices(lines, f"{command}\n{made}", what_base or "printed output")
    consumed |= stacked
    tables.extend(matrices)
    if "node)" in text or "|--- " in text:
        from scanner.loaders.trees import tree_tables

        for t in tree_tables("\n".join(x.text for x in lines), lines[0].number if lines else first_line):
            nodes = f"{what_base or 'printed output'}: a tree's nodes"
            tables.append(ListedTable(t, t.lines, Origin.TABULATION, nodes))
            consumed.update(t.lines)
    if language is not Language.SAS and _LOG_RECORD_LINE.match(text.lstrip("\n")):
        # a program's log records around printed output (a data frame logged between "INFO ..." lines): the
        # records are no rows of the output, and end its paragraph as a blank line would
        lines = [_Line(x.number, "") if _LOG_RECORD_LINE.match(x.text) else x for x in lines]
    pars = [par for par in _split_at_headers(_paragraphs(lines)) if not all(x.number in consumed for x in par)]
    listed_cases = language in (Language.SPSS, Language.OTHER) and _SPSS_LISTED.search(text) is not None
    k = 0
    univariate_n = ""  # the N of PROC UNIVARIATE's Moments, for its Quantiles below (the same variable and group)
    while k < len(pars):
        par = pars[k]
        k += 1
        if language is Language.SAS:
            at = sas_states.get(par[0].number, state)
            section = at.section.lower()
            if at.proc == "UNIVARIATE" and "moments" in section:
                univariate_n = next((m.group(1) for x in par if (m := _UNIVARIATE_N.match(x.text))), univariate_n)
                continue
            if at.proc == "UNIVARIATE" and "quantiles" in section and univariate_n:
                # the quantiles of a variable in a group (BY) of N: 0% Min and 100% Max are single units' values
                found = _parse_paragraph(par, pars, k, Origin.TABULATION, "SAS PROC UNIVARIATE", command, language)
                if found is not None and len(found[0].table.names) == 2:
                    t = found[0].table
                    tables.append(dataclasses.replace(found[0], table=TextTable(
                        list(t.names), [*t.rows, ["N", univariate_n]], t.data_line, t.kind, t.lines, t.dimensions)))
                    k += found[1]
                continue
            origin = _sas_origin(at)
            if origin is None:
                continue
            what = f"SAS PROC {at.proc}" if at.proc else "SAS PROC PRINT"
            if at.proc and _SAS_OBSERVATION_SECTION.search(at.section):
                # a model's statistics per observation (GENMOD's OBSTATS, REG's Output Statistics, LOGISTIC's
                # diagnostics): one row per unit, with its values
                origin, what = Origin.LISTING, f"SAS PROC {at.proc}{_PER_OBSERVATION}"
            elif at.proc and at.proc not in _SAS_LISTING_PROCS | _SAS_TABULATION_PROCS and not _counts_header(par):
                continue  # a model procedure's estimates, fit statistics and summaries of its settings
            if "extreme" in at.section.lower():
                what = "SAS UNIVARIATE extreme observations"
            crosstab = _sas_crosstab(par, at.title, what)
            if crosstab is not None:
                tables.append(crosstab)
                continue
        elif language is Language.STATA:
            origin = _stata_origin(command)
            if origin is None:
                continue
            what = what_base
            if origin is Origin.LISTING and state.collapsed:
                origin, what = Origin.TABULATION, f"{what_base} of collapsed data"  # (a table's cells)
            if origin is Origin.EMBEDDED:
                tables.extend(_stata_input_echo(command, par))
                continue
        elif language is Language.R:
            if any(_R_STR.match(x.text) for x in par):
                tables.extend(_r_structure(par))
                continue
            origin = _r_origin(command, text)
            if origin is None:
                continue
            what = what_base
            if origin is not Origin.TABULATION and _printed_object(command, state):
                origin, what = Origin.TABULATION, f"{what_base} of aggregated data"  # (print(agg) after summarise)
        elif language is Language.PYTHON:
            origin = _py_origin(command)
            if origin is None:
                continue
            what = what_base
            if origin is not Origin.TABULATION and _printed_object(_py_command(command), state):
                origin, what = Origin.TABULATION, f"{what_base} of aggregated data"  # (print(ct) after crosstab)
        else:
            if any(_R_STR.match(x.text) for x in par):  # str()/glimpse() output saved without its prompt
                tables.extend(_r_structure(par))
                continue
            origin = Origin.OUTPUT
            what = what_base
            if listed_cases:  # SPSS LIST: the cases' rows
                origin, what = Origin.LISTING, "SPSS LIST"
        if any(_R_VECTOR.match(x.text) for x in par):
            if language is Language.R:
                tables.extend(_r_values(par, command, what))
            continue
        if language is Language.PYTHON and _PY_MATRIX.match(par[0].text):
            tables.extend(_py_count_matrix(par, what))
            continue
        if language is Language.PYTHON and _PY_LIST.match(par[0].text):
            tables.extend(_py_values(par, command, what))
            continue
        if SURVFIT_HEAD.match(par[0].text):
            # R's summary(survfit): each event time's numbers at risk and of events, counts (texttables reads it)
            for t in find_tables("\n".join(x.text for x in par), par[0].number):
                tables.append(ListedTable(t, t.lines or tuple(t.data_line + i for i in range(len(t.rows))),
                                          Origin.TABULATION, f"{what}: summary(survfit)"))
            continue
        found = _parse_paragraph(par, pars, k, origin, what, command, language)
        if found is not None and ((origin is not Origin.LISTING and _several_numbers_a_cell(found[0]))
                                  or _percent_split_off(found[0]) or _header_of_cells(found[0])):
            # a "Table 1" whose rows of several statistics (median q1 q3 min max, single spaces apart) ran
            # into the next column: its count (percent) cells read by the Table 1 reader instead
            counted = _count_percent_table(par, origin, what)
            if counted is not None:
                tables.append(counted)
                continue
        if found is None and origin is not Origin.LISTING:
            counted = _count_percent_table(par, origin, what)
            if counted is not None:
                tables.append(counted)
                continue
        if found is None:
            # output of no known program (SPSS exported as text, a printout saved as .out), or a table the
            # layouts above do not read (R's table() with its levels as numbers over the counts)
            if len(par) <= _FALLBACK_MAX_LINES and not any(_MODEL_HEADER.search(x.text) for x in par[:8]) \
                    and sum(1 for x in par if _PLOT.search(x.text)) < 2 \
                    and not any(_BAR_RULE.match(x.text) for x in par):  # (a Stata table is _bar_table's)
                for t in find_tables("\n".join(x.text for x in par), par[0].number):
                    tables.append(ListedTable(t, t.lines or tuple(t.data_line + i for i in range(len(t.rows))),
                                              origin, what))
            continue
        table, used_next = found
        if language is Language.SAS and _RESPONSE_PROFILE.search(sas_states.get(par[0].number, state).section):
            table = _response_profile(table)
        if table.origin is not Origin.LISTING and (_EXTREMES_TITLE.match(par[0].text) or (
                k >= 2 and _EXTREMES_TITLE.match(pars[k - 2][-1].text))):
            # SPSS EXAMINE's "Extreme Values" (the five highest and lowest cases with their values)
            table = ListedTable(table.table, table.lines, Origin.LISTING, f"{what}: extreme values")
        if language is Language.STATA and _first_word(command) in ("duplicates", "dup", "dupl") \
                and table.origin is not Origin.LISTING and table.table.names:
            # duplicates report: "Copies" is a class (1 = unique, 2 = pairs), the observations are its counts;
            # "Surplus" (the copies a drop would remove) is the data's cleaning, no group of units
            names = list(table.table.names)
            keep = [i for i, n in enumerate(names) if n.strip().lower() != "surplus"]
            table = _retitled(table, [names[i] for i in keep],
                              [[f"{r[0]} (class)" if i == 0 and r and r[0] else r[i] if i < len(r) else ""
                                for i in keep] for r in table.table.rows])
        if language is Language.R and "ftable" in command:
            table = _ftable_names(table)
        if language is Language.R and _R_COUNTING.search(command):
            table = _counted_column(table)
        body = par + [x for p in pars[k:k + used_next] for x in p]
        k += used_next
        table, k = _double_spaced(table, body, pars, k, origin, what, command, language)
        if language is Language.SAS and what in ("SAS PROC MEANS", "SAS PROC SUMMARY"):
            table = _means_class_rows(table)
        if table.origin is Origin.OUTPUT and _has_row_numbers(table):
            # a printed data frame with its row names or index (1..n, 0..n-1): a listing of rows
            table = ListedTable(table.table, table.lines, Origin.LISTING, f"{what} (printed data frame)")
        elif table.origin is Origin.TABULATION and len(table.table.names) >= 3 and _has_row_numbers(table):
            # a tabulating command's result printed as a data frame (dplyr's summarise, aggregate()): its row
            # numbers go, the grouping columns right of them are the table's labels
            t = table.table
            table = ListedTable(TextTable(t.names[1:], [r[1:] for r in t.rows], t.data_line, t.kind, t.lines,
                                          tuple(d for d in t.dimensions if d != t.names[0])),
                                table.lines, table.origin, table.what)
        if table.origin is not Origin.LISTING:
            # SPSS's "Count" over "% within Region" in one column: the count rows are the table's cells
            counted = count_rows(TextTable(table.table.names, table.table.rows, table.table.data_line,
                                           table.table.kind, table.lines))
            if counted.rows is not table.table.rows and len(counted.rows) < len(table.table.rows):
                table = ListedTable(counted, counted.lines, table.origin, table.what)
        if table.what.endswith(_PER_OBSERVATION):
            table = dataclasses.replace(table, records="observations")
        elif language is Language.STATA and table.origin is Origin.LISTING and not state.collapsed \
                and _STATA_LIST_IF.match(command) and not any(_COUNT_NAME.match(n) for n in table.table.names):
            # `list kunta velat ... if velkasuhde > 25`: the observations that meet a condition, each a unit's
            # record, however few and whatever their labels (the data are not collapsed)
            table = dataclasses.replace(table, records="condition")
        if language is Language.SAS and table.what in ("SAS PROC FREQ", "SAS PROC MEANS", "SAS PROC SUMMARY"):
            table = _sas_class_columns(table)
        if language is Language.STATA and state.collapsed and state.collapse_stats:
            table = _retitled(table, _collapse_names(list(table.table.names), state.collapse_stats))
        tables.append(table)
    if language is Language.STATA and tables:
        tables.extend(_stata_column_percents(tables, command, state))
    if language in _POINT_DECIMAL_LANGUAGES and not state.comma_decimals:
        tables = [dataclasses.replace(t, table=dataclasses.replace(t.table, decimal=".")) for t in tables]
    return tables


# Stata's list of variables under a condition: "list kunta velat if maakunta == 18 & velkasuhde > 25, noobs".
_STATA_LIST_IF = lazy_compile(r"^\s*(?:l|li|lis|list)\s+[^,]*?\bif\b")
# A column of counts by its name in a listing ("n", "_freq", "antal", "count"): the rows are cells of a table.
_COUNT_NAME = lazy_compile(r"(?i)^\s*(?:n|_?freq_?|freq\.?|antal\w*|antall\w*|count\w*|lkm|n_\w+|\w+_n)\s*$")


# Stata's tabulate of one or two variables, its condition and options: "tab koen", "tab udd koen if aar==2021, col
# nofreq".
_STATA_TABULATE = lazy_compile(r"^(?:ta|tab|tabu|tabul|tabula|tabulat|tabulate)\s+([A-Za-z_]\w*)(?:\s+([A-Za-z_]\w*))?"
                               r"\s*((?:if|in)\b[^,]*)?(?:,(.*))?$")


def _stata_column_percents(tables: list[ListedTable], command: str, state: OutputState) -> list[ListedTable]:
    """Stata's column percentages alone (``tab udd koen, col nofreq``) beside the column variable's frequencies of
    an earlier ``tab koen`` under the same condition: each percentage of its column's frequency is a count (LVU
    5.88 % of the 17 women is 1). One-way frequencies are remembered in ``state``; the counts come back as a table
    of whole counts (a percentage that is no whole count of its column stays blank)."""
    m = _STATA_TABULATE.match(" ".join(command.split()))
    if m is None:
        return []
    first, second, condition, options = m.group(1), m.group(2), " ".join((m.group(3) or "").split()), m.group(4) or ""
    if second is None:
        table = tables[0].table
        freq = next((k for k, n in enumerate(table.names) if n.strip().lower() in ("freq.", "freq")), None)
        if freq is not None:
            counts = {r[0].strip(): r[freq].replace(",", "") for r in table.rows if len(r) > freq}
            state.frequencies[(first, condition)] = {k: int(v) for k, v in counts.items() if v.isdigit()}
        return []
    words = set(re.findall(r"[a-z]+", options.lower()))
    sizes = state.frequencies.get((second, condition))
    if not sizes or not words & {"col", "co", "colu", "column"} or not words & {"nofreq", "nof", "nofre"}:
        return []
    out: list[ListedTable] = []
    for listed in tables:
        t = listed.table
        levels = [(k, sizes[n.strip()]) for k, n in enumerate(t.names) if k and n.strip() in sizes]
        if not levels:
            continue
        rows: list[list[str]] = []
        for r in t.rows:
            if is_margin_label(r[0]):
                continue
            cells = [r[0]]
            for k, size in levels:
                value = _number_or_none(r[k]) if k < len(r) else None
                count = None if value is None else value / 100 * size
                cells.append(str(round(count)) if count is not None and abs(count - round(count)) < 0.02 else "")
            rows.append(cells)
        if rows:
            names = [t.names[0], *(t.names[k] for k, _ in levels)]
            counted = TextTable(names, rows, t.data_line, "stata-column-percent-counts", t.lines, (t.names[0],))
            out.append(ListedTable(counted, listed.lines, Origin.TABULATION,
                                   f"{listed.what}: column percentages of the frequencies tabulated before"))
    return out


def _number_or_none(cell: str) -> float | None:
    try:
        return float(cell.replace(",", "").strip())
    except ValueError:
        return None


# A confusion matrix's title in a model's printout (R randomForest's "Confusion matrix:", caret's "Confusion
# Matrix and Statistics", a script's print("Confusion matrix")), or a command that computes one.
_CONFUSION_TITLE = lazy_compile(r"(?i)^\s*(?:OOB\s+)?confusion\s+matrix\b[^\n]{0,40}$"
                                # MatchIt's and WeightIt's counts of units under a model summary
                                r"|^\s*sample\s+sizes:\s*$")
_CONFUSION_COMMAND = lazy_compile(r"(?i)confusion_?matrix|confusionMatrix|contingency_matrix")
# A NumPy 2-d array printed: "[[31874   912]", " [ 1206  2841]]", "array([[3, 1],".
_NUMPY_MATRIX = lazy_compile(r"^\s*(?:array\(\s*)?\[\[")
_NUMPY_ROW = lazy_compile(r"\[([^\[\]]*)\]")


def _numpy_matrix(par: list[_Line]) -> TextTable | None:
    """A NumPy 2-d array of whole numbers as printed (``[[31874 912 403 2]`` over `` [ 1206 2841 377 61]]``):
    a table with rows "row 1".. and columns "column 1"..; None for anything else."""
    text = " ".join(x.text for x in par)
    rows = [[v for v in re.split(r"[\s,]+", r.strip()) if v] for r in _NUMPY_ROW.findall(text)]
    if len(rows) < 2 or len({len(r) for r in rows}) != 1 or len(rows[0]) < 2 \
            or not all(re.fullmatch(r"\d+\.?", v) for r in rows for v in r):
        return None
    names = ["row", *(f"column {k + 1}" for k in range(len(rows[0])))]
    cells = [[f"row {i + 1}", *(v.rstrip(".") for v in r)] for i, r in enumerate(rows)]
    return TextTable(names, cells, par[0].number, "numpy", tuple(x.number for x in par[:len(rows)]), ("row",))


def _confusion_matrices(lines: list[_Line], command: str, what: str) -> tuple[list[ListedTable], set[int]]:
    """Confusion matrices in printed output, whatever printed them: the lines under a "Confusion matrix"
    title (in a model's summary, which is otherwise not read as a table), or a NumPy array printed by a
    command that computes one (``print(confusion_matrix(y, pred))``); and MatchIt's "Sample Sizes" under its
    summary. Each is a table of counts: a cell of 2 is two persons of one true and one predicted class, two
    treated persons left unmatched. Returns the tables and the lines they used."""
    found: list[ListedTable] = []
    used: set[int] = set()
    k = 0
    while k < len(lines):
        title = _CONFUSION_TITLE.match(lines[k].text) is not None
        if not title and not (_NUMPY_MATRIX.match(lines[k].text) and _CONFUSION_COMMAND.search(command)):
            k += 1
            continue
        start = k + 1 if title else k
        while title and start < len(lines) and not lines[start].text.strip() and start <= k + 1:
            start += 1  # (caret's blank line under its title)
        end = start
        while end < len(lines) and lines[end].text.strip():
            end += 1
        block = lines[start:end]
        table = _numpy_matrix(block) if block and _NUMPY_MATRIX.match(block[0].text) else None
        if table is None and block:
            table = next(find_tables("\n".join(x.text for x in block), block[0].number), None)
        if table is not None and table.rows:
            # each column of whole numbers is a predicted class, whatever its name ("andel", a housing type, is
            # also Danish for a share): its cells are counts; the first column is the true classes
            counts = tuple(n for k, n in enumerate(table.names) if k > 0 and all(
                re.fullmatch(r"\d+", r[k].strip()) for r in table.rows if k < len(r)))
            table = dataclasses.replace(table, dimensions=tuple(dict.fromkeys((*table.dimensions, table.names[0]))),
                                        counts=counts)
            rows = table.lines or tuple(table.data_line + i for i in range(len(table.rows)))
            kind = "sample sizes" if "sample" in lines[k].text.lower() else "confusion matrix"
            found.append(ListedTable(table, rows, Origin.TABULATION, f"{what}: {kind}"))
            used.update(x.number for x in block)
            used.update(x.number for x in lines[k:start])
        k = max(end, k + 1)
    return found, used


# "lopnr=104233 alder=40" (SAS put var=;), "lopnr: 104233  income: 350000" (a display in a loop).
_NAMED_VALUE = lazy_compile(r"([A-Za-z_][\w.]{0,31})\s*[=:]\s*(\"[^\"]*\"|'[^']*'|[^\s=:\"']+)\s*")


# A log record's time stamp ("2024-03-01 12:00:09,200", "[2024-03-01T12:00]") and the levels a record names.
_STAMP = r"^\s*\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:[,.]\d+)?)?\]?\s*(?:\|\s*)?"
_LEVELS = r"DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|NOTICE|TRACE"
# A log record's prefix: "2024-03-01 12:00:09,200 INFO    count: " (Python's logging, log4j, loguru).
_LOG_RECORD = lazy_compile(_STAMP + r"(?:[A-Z]{3,8}\s*(?:\|\s*)?)?(?:[\w.<>-]+(?::\d+)?\s*[:|-]\s+)?")
# A whole log record's line: its time stamp and its level ("2024-02-27 15:03:05 DEBUG psm.py: ...").
_LOG_RECORD_LINE = lazy_compile(_STAMP + rf"(?:\[?(?:{_LEVELS})\b)")
# A count named in a record: "n_cases=2", "n=4", "count=3", "antal=2", "n_firms: 4".
_RECORD_COUNT = lazy_compile(r"(?i)\b(n|n_\w+|\w*count\w*|antal\w*|antall\w*|cases|lkm)\s*[=:]\s*(\d+)\b(?![.,]\d)")
_RECORD_VALUE = lazy_compile(r"\b((?:i\s+)?[A-Za-z_][\w]*)\s*=\s*(-?\d[\d ]*(?:[.,]\d+)?)\s*(%?)")
_RECORD_PAIR = lazy_compile(r"\b((?:i\s+)?[A-Za-z_][\w]*)\s*=\s*[^\s,;()]+")
_RECORD_STAMP = lazy_compile(r"^\W*\d{4}-\d\d-\d\d[ T][\d:.,]+\W*")
# A record's level and logger before its message: "INFO readmit: ", "firmstats - INFO - ", "[INFO] sundhed.kon: ".
_RECORD_LEVEL = lazy_compile(rf"^.*?\b(?:{_LEVELS})\b\]?\s*[-|:]?\s*(?:[\w.<>]+\s*[:|-]\s+)?")
_RECORD_MARGIN = lazy_compile(r"(?i)^(?:i\s+alt|ialt|total|totalt|all|alle)$")


def _record_counts(lines: list[_Line]) -> list[ListedTable]:
    """Counts a program's log records give one line a group, the same message each time ("count: n_cases=2
    for kommune 825", "kommune=Læsø rate=50.0% (n=4)"): a table of the groups (the rest of each line) with
    each named value a column. Three lines of one message at least."""
    runs: dict[str, list[tuple[_Line, str]]] = {}
    for x in lines:
        if _LOG_RECORD.match(x.text) is None or "=" not in x.text:
            continue
        body = _RECORD_STAMP.sub("", x.text).strip()
        # one message: the names of its values, in order ("kommune=", "rate=", "n=")
        template = " ".join(v.group(1) for v in _RECORD_PAIR.finditer(body))
        if template:
            runs.setdefault(template, []).append((x, body))
    out: list[ListedTable] = []
    for run in runs.values():
        if len(run) < 3:
            continue
        names = list(dict.fromkeys(v.group(1) for v in _RECORD_VALUE.finditer(run[0][1])))
        # (a count by its name, or a total beside a group's count: "i alt=37, kvinder=35")
        if not any(_RECORD_COUNT.fullmatch(f"{n}=1") for n in names) \
                and not (len(names) >= 2 and any(_RECORD_MARGIN.match(n) for n in names)):
            continue
        rows = []
        for _, body in run:
            values = {v.group(1): v.group(2).replace(" ", "") + v.group(3) for v in _RECORD_VALUE.finditer(body)}
            label = _RECORD_LEVEL.sub("", " ".join(re.sub(r"\(\s*\)", " ", _RECORD_VALUE.sub(" ", body)).split()))
            label = label.strip(" ,;:()-")
            rows.append([label, *(values.get(n, "") for n in names)])
        numbers = [x.number for x, _ in run]
        table = TextTable(unique_names(["group", *names]), rows, numbers[0], "log-records", tuple(numbers))
        out.append(ListedTable(table, tuple(numbers), Origin.TABULATION, "a program's log records (one a group)"))
    return out


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """The ``name=value`` pairs a line consists of, or None when anything else is on it."""
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _NAMED_VALUE.match(text, pos)
        if m is None:
            return None
        out.append((m.group(1), m.group(2).strip("\"'")))
        pos = m.end()
    return out or None


# The program data vector SAS writes to the log for a row with invalid data (after "NOTE: Invalid data for
# loen in line 4413") or for `put _all_;`: every variable of the row, then _ERROR_ and _N_.
_SAS_PDV = lazy_compile(r"^\s*(?:[A-Za-z_]\w*=\S*\s+)+_ERROR_=\d+\s+_N_=\d+\s*$")


def _sas_data_vectors(lines: list[_Line]) -> list[ListedTable]:
    """Rows SAS printed from its program data vector (``lopnr=1002341 alder=45 ... _ERROR_=1 _N_=4412``),
    wherever they are in the log (NOTE and input lines between them): one listing per set of variables,
    each line a row's values. Even one such line is a record of a person or a firm. Blanked in ``lines``."""
    groups: dict[tuple[str, ...], tuple[list[list[str]], list[int]]] = {}
    for i, x in enumerate(lines):
        if "_ERROR_=" not in x.text or not _SAS_PDV.match(x.text):
            continue
        pairs = [p for p in (_pairs(x.text) or []) if p[0] not in ("_ERROR_", "_N_")]
        if not pairs or all(v in ("", ".") for _, v in pairs):
            continue  # (every value missing: an invalid header line read as data holds no one's values)
        rows, at = groups.setdefault(tuple(n for n, _ in pairs), ([], []))
        rows.append([v for _, v in pairs])
        at.append(x.number)
        lines[i] = _Line(x.number, "")
    found = []
    for names, (rows, at) in groups.items():
        what = "SAS program data vector (invalid data, put _all_)"
        if len(rows) > _MAX_VECTOR_ROWS:
            rows, at = rows[:_MAX_VECTOR_ROWS], at[:_MAX_VECTOR_ROWS]
        table = _table(list(names), rows, at, Origin.LISTING, what, "named-values") if len(names) > 1 else \
            ListedTable(TextTable([names[0], "column_2"], [[r[0], ""] for r in rows], at[0], "named-values"),
                        tuple(at), Origin.LISTING, what)
        if table is not None:
            found.append(dataclasses.replace(table, records="vectors"))
    return found


_MAX_VECTOR_ROWS = 10_000


def _sas_vectors_in(buf: np.ndarray, codec: str, first_line: int) -> list[ListedTable]:
    """:func:`_sas_data_vectors` of a SAS log's bytes. SAS writes each vector as one line between NOTE and
    input lines, which the log's blocks of output (two lines or more) do not hold: the lines are found by
    their ``_ERROR_=`` (a literal search over the bytes, nothing to do in a log without one)."""
    view = memoryview(buf)
    lines: list[_Line] = []
    line, counted = first_line, 0
    for m in _ERROR_MARK.finditer(view):
        a = max(0, m.start() - 4096)
        back = bytes(view[a:m.start()])
        cut = back.rfind(b"\n")
        begin = a + cut + 1 if cut >= 0 else a
        end_at = bytes(view[m.end():m.end() + 256]).find(b"\n")
        end = m.end() + end_at if end_at >= 0 else min(len(buf), m.end() + 256)
        line += int(np.count_nonzero(buf[counted:begin] == 10))
        counted = begin
        lines.append(_Line(line, decode(bytes(view[begin:end]), codec).rstrip("\r")))
        if len(lines) > _MAX_VECTOR_ROWS:
            break
    return _sas_data_vectors(lines) if lines else []


_ERROR_MARK = lazy_compile(rb"_ERROR_=\d+[ \t]+_N_=\d+")
# A SAS note of the observations a step read or a data set has (see _dropped_counts).
_SAS_STEP_NOTE = lazy_compile(rb"^[ \t]*NOTE: (?:There were \d+ observations read[^\n]*(?:\n[ \t]+WHERE [^\n]*)?|"
                              rb"The data set [\w.]+ has \d+ observations[^\n]*|(?:DATA statement|PROCEDURE \w+) used)",
                              re.M)
# PROC SQL's note of a table it made: "NOTE: Table WORK.SAMSOE created, with 1 rows and 3 columns."
_SQL_CREATED = lazy_compile(rb"^[ \t]*NOTE: Table ([\w.]+) created, with (\d+) rows?", re.M)
# The statement that made it, echoed above the note: a selection of rows (WHERE) without an aggregate.
_SQL_CREATE = lazy_compile(rb"(?is)\bcreate\s+table\s+([\w.]+)\s+as\b((?:(?!\bcreate\s+table\b).)*)$")
_SQL_AGGREGATE = lazy_compile(rb"(?i)\b(?:count|sum|avg|mean|min|max|median|std|var|freq|n)\s*\(|\bgroup\s+by\b")
_SQL_WHERE = lazy_compile(rb"(?i)\bwhere\b")


def _sas_steps_in(buf: np.ndarray, codec: str, first_line: int, state: OutputState) -> list[ListedTable]:
    """:func:`_dropped_counts` over a SAS log's notes of observations read and written (notes, not output), and
    the subgroups a WHERE selected whose size the notes give (:func:`_sas_selected`)."""
    lines = _matched_lines(buf, _SAS_STEP_NOTE, codec, first_line)
    out = [_without_technical_steps(t, buf, codec, first_line)
           for t in (_dropped_counts(lines, Language.SAS, "", state) if lines else [])]
    out = [t for t in out if t is not None]
    out.extend(_sas_selected(buf, lines, first_line))
    return out


def _without_technical_steps(table: ListedTable, buf: np.ndarray, codec: str, first_line: int) -> ListedTable | None:
    """``table`` of steps' removed observations without the steps whose code removes duplicates ("if dublet_flag
    = 1 then delete", NODUPKEY, first./last.): the data's cleaning, no condition on units. None when none is
    left."""
    starts = np.flatnonzero(buf == 10) + 1
    keep = []
    for row, at in zip(table.table.rows, table.lines, strict=True):
        k = at - first_line  # (the note's line, 0-based: its code is in the lines above it)
        end = int(starts[k - 1]) if 0 < k <= len(starts) else 0
        code = decode(buf[max(0, end - 4096):end].tobytes(), codec)
        begins = list(_SAS_STEP_START.finditer(code))
        step = code[begins[-1].start():] if begins else code
        if not _SAS_TECHNICAL_STEP.search(step):
            keep.append((row, at))
    if not keep:
        return None
    if len(keep) == len(table.table.rows):
        return table
    rows, at = [r for r, _ in keep], tuple(a for _, a in keep)
    return ListedTable(TextTable(list(table.table.names), rows, at[0], table.table.kind, at), at, table.origin,
                       table.what)


def _sas_selected(buf: np.ndarray, notes: list[_Line], first_line: int) -> list[ListedTable]:
    """The size of each subgroup of the data a SAS step selected with a condition, as its notes give it: "There
    were 2 observations read from the data set WORK.ANA. WHERE (kom=825) and (alder>=100);", or PROC SQL's
    "Table WORK.SAMSOE created, with 1 rows" under a ``create table ... where`` without an aggregate. A count of
    units with what the condition says about them, as a one-cell table each (TAB001 judges it)."""
    rows: list[list[str]] = []
    at: list[int] = []
    for x in notes:
        m = _SAS_READ.match(x.text)
        if m is not None and "\n" in x.text and x.text.split("\n", 1)[1].strip().startswith("WHERE"):
            rows.append([f"observations a WHERE selected from {m.group(2)} (line {x.number})", m.group(1)])
            at.append(x.number)
    view = memoryview(buf)
    for m in _SQL_CREATED.finditer(view):
        before = bytes(view[max(0, m.start() - 4096):m.start()])
        # (the last statement before the note made its table)
        made = next(reversed(list(_SQL_CREATE.finditer(before))), None)
        if made is None or made.group(1).upper() != m.group(1).upper():
            continue
        statement = made.group(2)
        if _SQL_WHERE.search(statement) is None or _SQL_AGGREGATE.search(statement) is not None:
            continue
        line = first_line + int(np.count_nonzero(buf[:m.start()] == 10))
        name = m.group(1).decode("ascii", "replace")
        rows.append([f"rows a WHERE selected into {name} (line {line})", m.group(2).decode("ascii")])
        at.append(line)
    if not rows:
        return []
    order = sorted(range(len(rows)), key=lambda k: at[k])
    rows, at = [rows[k] for k in order], [at[k] for k in order]
    return [ListedTable(TextTable(["subgroup", "n"], rows, at[0], "selected", tuple(at)), tuple(at),
                        Origin.TABULATION, "a subgroup of the data a condition selected (its size in the log's notes)")]


def _matched_lines(buf: np.ndarray, pattern: LazyPattern, codec: str, first_line: int) -> list[_Line]:
    """The lines of a log's bytes that ``pattern`` (a multi-line bytes pattern) matches, with their numbers, at
    most :data:`_MAX_VECTOR_ROWS` + 1."""
    view = memoryview(buf)
    lines: list[_Line] = []
    line, counted = first_line, 0
    for m in pattern.finditer(view):
        line += int(np.count_nonzero(buf[counted:m.start()] == 10))
        counted = m.start()
        lines.append(_Line(line, decode(bytes(view[m.start():m.end()]), codec).rstrip("\r")))
        if len(lines) > _MAX_VECTOR_ROWS:
            break
    return lines


# A raw input record written to a SAS log (put _infile_;): a line of three or more ";"- or tab-separated fields
# starting with a number, no spaces.
_RAW_RECORD = lazy_compile(rb"^[ \t]*\d[^\s;]*(?:;[^\s;]*){2,}[ \t]*\r?$|^[ \t]*\d[^\s\t]*(?:\t[^\s\t]*){2,}\r?$",
                           re.M)


def _sas_records_in(buf: np.ndarray, codec: str, first_line: int) -> list[ListedTable]:
    """:func:`_delimited_records` of a SAS log's bytes: raw records between its NOTE lines (``put _infile_``),
    which the log's blocks of output do not hold."""
    lines = _matched_lines(buf, _RAW_RECORD, codec, first_line)
    # only consecutive lines make a run (a blank line between them is a gap)
    runs: list[list[_Line]] = []
    for x in lines:
        if runs and runs[-1][-1].number + 1 == x.number:
            runs[-1].append(x)
        else:
            runs.append([x])
    # (each line one input record: "vectors", a listing whatever its columns look like)
    return [t for run in runs if len(run) >= 2 for t in _delimited_records(run, "SAS log", "vectors")]
# A macro variable filled with a key's values: PROC SQL "select lopnr into :outliers separated by ' '",
# "call symputx('ids', lopnr)".
_SAS_INTO = lazy_compile(rb"(?i)\bselect\s+(?:distinct\s+)?([A-Za-z_]\w{0,31})\s+into\s*:\s*([A-Za-z_]\w{0,31})|"
                       rb"\bcall\s+symputx?\s*\(\s*['\"]([A-Za-z_]\w{0,31})['\"]\s*,\s*([A-Za-z_]\w{0,31})\s*[,)]")


_SYMBOLGEN = lazy_compile(rb"SYMBOLGEN:")


def _prints_macros(buf: np.ndarray) -> bool:
    """Whether a SAS log has a ``%put`` (any case) or a SYMBOLGEN line: vectorised, one pass over the bytes."""
    pct = np.flatnonzero(buf[:-3] == ord("%"))
    if pct.size:
        word = (buf[pct + 1] | 0x20).astype(np.uint32) << 16 | (buf[pct + 2] | 0x20).astype(np.uint32) << 8 \
            | (buf[pct + 3] | 0x20)
        if np.any(word == (ord("p") << 16 | ord("u") << 8 | ord("t"))):
            return True
    return _SYMBOLGEN.search(memoryview(buf)) is not None


def _sas_macro_keys_in(buf: np.ndarray, codec: str, first_line: int) -> list[ListedTable]:
    """The values of a macro variable that the code filled with a key (``select lopnr into :outliers``),
    printed by ``%put &=outliers;`` (``OUTLIERS=1002341 1007719``) or ``%put Top: &outliers;`` (the line under
    the echoed statement, starting with its text), or resolved by SYMBOLGEN: a listing of keys in the log."""
    from scanner.loaders.programs import key_kind

    if not _prints_macros(buf):
        return []  # (a literal pass: most logs print no macro variable)
    view = memoryview(buf)
    keys: dict[str, str] = {}
    for m in _SAS_INTO.finditer(view):
        var, macro = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if key_kind(var.decode("ascii")) is not None:
            keys[macro.decode("ascii").upper()] = var.decode("ascii")
    found: list[ListedTable] = []
    for macro, var in keys.items():
        name = re.escape(macro).encode()
        shown = re.compile(rb"(?im)^[ \t]*(?:" + name + rb"=|SYMBOLGEN:\s+Macro variable " + name
                           + rb" resolves to\s+)([^\r\n]*)$")
        # "%put Top-indkomster: &topids;" echoed, then its output line "Top-indkomster: 411908,126604,815267"
        put = re.compile(rb"(?im)^[ \t]*\d+[ \t]+%put\b[ \t]*([^;\r\n&]*)&" + name
                         + rb"\b[^;\r\n]*;[^\r\n]*\r?\n([^\r\n]*)$")
        matches = [*shown.finditer(view), *(m for m in put.finditer(view)
                                            if bytes(m.group(2)).strip().startswith(bytes(m.group(1)).strip()))]
        for m in matches:
            values = _KEY_DIGITS.findall(decode(bytes(m.group(m.lastindex or 1)), codec))
            if not values:
                continue
            line = first_line + int(np.count_nonzero(buf[:m.start()] == 10))
            found.append(ListedTable(TextTable([var, "column_2"], [[v, ""] for v in values[:_MAX_VECTOR_ROWS]],
                                               line, "key-values"), (line,) * min(len(values), _MAX_VECTOR_ROWS),
                                     Origin.LISTING, "SAS macro variable (values of a key)"))
    return found


# PROC FREQ's count of missing values under a table: "Frequency Missing = 2", "Effective Sample Size = 10".
_SAS_FREQ_MISSING = lazy_compile(r"^\s*Frequency Missing\s*=\s*(\d[\d,]*)\s*$")


def _sas_frequency_missing(lines: list[_Line], states: dict[int, OutputState],
                           state: OutputState) -> list[ListedTable]:
    """PROC FREQ's ``Frequency Missing = 2`` under a table: the missing category's count, a cell of the
    table like the others."""
    found = [(x.number, m.group(1).replace(",", "")) for x in lines if (m := _SAS_FREQ_MISSING.match(x.text))]
    found = [(n, v) for n, v in found if states.get(n, state).proc in ("FREQ", "SURVEYFREQ", "")]
    if not found:
        return []
    return [ListedTable(TextTable(["missing", "Frequency"], [[f"missing (line {n})", v] for n, v in found], found[0][0],
                                  "sas-missing", tuple(n for n, _ in found)),
                        tuple(n for n, _ in found), Origin.TABULATION, "SAS PROC FREQ (frequency missing)")]


# A register key's name with its value written after "=" or ":" anywhere in a line of output ("Hoej indkomst:
# lopnr=411908 indk=8523000", "WARNING: Dropping lopnr=104233 (...)", "lopnr: 411908").
_KEY_VALUE = lazy_compile(r"(?<![\w.])([A-Za-z_][\w.]{1,40})(?:\s*(?:==?|:)\s*[\"']?|\s+(?=\d{5,12}\s*:))(\d{5,12})"
                          r"(?!\d|[.,]\d)")  # ("lopnr 100231: alder=71 ...", a record printed in a loop)


# The number of events a survival model rests on: R's coxph ("n= 7, number of events= 3"), Stata's stcox,
# streg and stset ("No. of failures = 2", "Number of failures = 2"), statsmodels' PHReg ("Num. events: 2").
_EVENTS = lazy_compile(r"(?:number of events\s*=|No\. of failures\s*=|Number of failures\s*=|Num\. events:)\s*"
                       r"(\d{1,3}(?:,\d{3})+|\d+)\b"
                       # PLINK's log: "Among remaining phenotypes, 2 are cases and 1388 are controls."
                       r"|among remaining phenotypes,\s*(\d+) are cases", re.IGNORECASE)


_DELIMITED_NUMBER = lazy_compile(r"^\s*-?\d[\d.]*\s*$")


def _delimited_records(lines: list[_Line], what: str, records: str = "") -> list[ListedTable]:
    """Raw records written to the output (SAS ``put _infile_;``, a ``print(line)`` of a CSV): runs of two or
    more lines that split at the same ";", "," or tab into three or more fields, most of them numbers, without
    a header of names: a listing of rows, judged as such (``records``: "vectors" when each line is surely one
    input record). Their lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    k = 0
    while k < len(lines):
        text = lines[k].text.strip()
        sep = next((d for d in (";", "\t", ",") if text.count(d) >= 2), None)
        if sep is None or " " in text.replace(", ", ",").strip():
            k += 1
            continue
        width = text.count(sep)
        j = k
        while j < len(lines) and lines[j].text.strip().count(sep) == width and " " not in lines[j].text.strip():
            j += 1
        rows = [[c.strip() for c in lines[i].text.strip().split(sep)] for i in range(k, j)]
        numbers = sum(1 for r in rows for c in r if _DELIMITED_NUMBER.match(c))
        if len(rows) >= 2 and numbers * 2 >= sum(len(r) for r in rows) \
                and all(_DELIMITED_NUMBER.match(c) for c in rows[0][:1]):
            at = [lines[i].number for i in range(k, j)]
            names = [f"column_{c + 1}" for c in range(width + 1)]
            table = _table(names, rows, at, Origin.LISTING, f"{what} (raw records)", "delimited-records")
            if table is not None:
                found.append(dataclasses.replace(table, records=records))
                for i in range(k, j):
                    lines[i] = _Line(lines[i].number, "")
        k = max(j, k + 1)
    return found


_PERFECT = lazy_compile(r"predicts (?:success|failure|data) perfectly", re.IGNORECASE)
_NOT_USED = lazy_compile(r"\b(\d{1,3}(?:,\d{3})+|\d+) obs not used\b")


# Stata's report of a drop or keep: "(1 observation deleted)", "(2 observations deleted)".
_STATA_DELETED = lazy_compile(r"^\s*\((\d{1,3}(?:,\d{3})*|\d+) observations? deleted\)\s*$")
# A drop by the rows' positions, for missing values or duplicates ("drop if _n == 1" under an imported header).
_TECHNICAL_DROP = lazy_compile(r"\b_[nN]\b|\bmissing\(|\bmi\(|[=!]=\s*\.(?![\w])|\bdup|\bin\s+\d")
# The echoed first line of a SAS step: "5          data work.kohorte;", "12   proc sort data=a nodupkey;".
_SAS_STEP_START = lazy_compile(r"(?im)^[ \t]*\d+[ \t]+(?:data|proc)\b")
# A SAS step that removes duplicates: "if dublet_flag = 1 then delete", "nodupkey", "if first.pnr", "dupout=".
_SAS_TECHNICAL_STEP = lazy_compile(r"(?i)\b(?:\w*dublet\w*|\w*duplik\w*|\w*duplicate\w*|nodupkey|nodup|dupout|"
                                   r"nodupre\w*)\b|\b(?:first|last)\.\w")
# SAS's notes of a step: "NOTE: There were 15376 observations read from the data set WORK.STATIN." and "NOTE: The
# data set WORK.KOHORTE has 15376 observations and 6 variables."
_SAS_READ = lazy_compile(r"^\s*NOTE: There were (\d+) observations read from the data set ([\w.]+)\.")
_SAS_HAS = lazy_compile(r"^\s*NOTE: The data set ([\w.]+) has (\d+) observations")


def _dropped_counts(lines: list[_Line], language: Language, command: str, state: OutputState) -> list[ListedTable]:
    """The units a step of the data's selection removed, when the log shows how many: Stata's "(1 observation
    deleted)"; R's ``nrow(kohort)`` printed before and after a filter (4673, then 4671); a SAS step that read
    fewer observations than its input data set has (a WHERE) or wrote fewer than it read (IF, DELETE). As a
    one-cell table each, for TAB001 to judge for review: the condition says something of the removed."""
    rows: list[list[str]] = []
    at: list[int] = []
    if language is Language.STATA:
        if _TECHNICAL_DROP.search(_last_command(command)):
            return []  # rows dropped by their position or for missing values, duplicates: no units' condition
        if state.collapsed:
            return []  # rows of a collapsed table dropped (industries, regions): cells left out, no units
        for x in lines:
            m = _STATA_DELETED.match(x.text)
            if m is not None:
                rows.append([f"observations deleted (line {x.number})", m.group(1).replace(",", "")])
                at.append(x.number)
    elif language is Language.R:
        out = [x for x in lines if x.text.strip()]
        printed = _printed_size(command, out[0].text) if len(out) == 1 else None
        before = state.sizes.get(printed[0]) if printed else None
        if printed and before is not None and int(before) > int(printed[1]):
            removed = int(before) - int(printed[1])
            rows.append([f"rows removed since the last count (line {out[0].number})", str(removed)])
            at.append(out[0].number)
    elif language is Language.SAS:
        read: list[tuple[str, int]] = []
        unwritten: list[int] = []  # rows of the step now ending (see "PROCEDURE ... used" below)
        for x in lines:
            if (m := _SAS_READ.match(x.text)) is not None:
                name, n = m.group(2).upper(), int(m.group(1))
                read.append((name, n))
                known = state.sizes.get(f"sas:{name}")
                if known is not None and int(known) - n > 0:
                    rows.append([f"observations a WHERE left out (line {x.number})", str(int(known) - n)])
                    at.append(x.number)
            elif (m := _SAS_HAS.match(x.text)) is not None:
                name, n = m.group(1).upper(), int(m.group(2))
                if len(read) == 1 and read[0][1] - n > 0 and read[0][0] != name:
                    rows.append([f"observations the step did not write (line {x.number})", str(read[0][1] - n)])
                    at.append(x.number)
                    unwritten.append(len(rows) - 1)
                state.sizes[f"sas:{name}"] = str(n)
                read = []
            elif "PROCEDURE" in x.text and unwritten:
                # a procedure's output data set (PROC MEANS' one row of 2 read) summarises what it read: no
                # observation was deleted
                rows = [r for k, r in enumerate(rows) if k not in unwritten]
                at = [a for k, a in enumerate(at) if k not in unwritten]
                unwritten = []
            else:
                unwritten = []
    if not rows:
        return []
    return [ListedTable(TextTable(["step", "n"], rows, at[0], "dropped", tuple(at)), tuple(at), Origin.TABULATION,
                        "a step of the data's selection (units removed)")]


def _event_counts(lines: list[_Line], what: str) -> list[ListedTable]:
    """Each survival model's number of events, as a one-cell table of a count: a model of 2 events says
    that 2 persons had the event."""
    rows: list[list[str]] = []
    at: list[int] = []
    for k, x in enumerate(lines):
        m = _EVENTS.search(x.text)
        if m is not None:
            rows.append([f"events (line {x.number})", (m.group(1) or m.group(2)).replace(",", "")])
            at.append(x.number)
        elif _PERFECT.search(x.text):
            # Stata's logit/probit: "5.region != 0 predicts success perfectly; 5.region dropped and 2 obs not
            # used": those observations all had the outcome (or none did), a count like any other
            for y in lines[k:k + 3]:
                dropped = _NOT_USED.search(y.text)
                if dropped is not None:
                    rows.append([f"observations predicted perfectly (line {y.number})",
                                 dropped.group(1).replace(",", "")])
                    at.append(y.number)
                    break
    if not rows:
        return []
    return [ListedTable(TextTable(["model", "events"], rows, at[0], "model-events", tuple(at)), tuple(at),
                        Origin.TABULATION, f"{what} (a survival model's number of events)")]


_KEY_VECTOR = lazy_compile(r"(?<![\w.])([A-Za-z_][\w.]{1,40})\s*=\s*c\(")
# A key's name, a few words, then a printed list of numbers: "lopnr over 5 mio: [411908, 502376, 126604]"
# (print(label, df.lopnr.tolist())), "pnr = (104233, 118790)".
_KEY_LIST = lazy_compile(r"(?<![\w.])([A-Za-z_][\w.]{1,40})\b[^:=\n\[\]()]{0,40}?[:=]\s*(?:[\[(]\s*"
                         r"(\d{5,12}(?:\s*,\s*\d{5,12})+)\s*,?\s*[\])]"
                         # (or bare, three at least: "Dubblerade LopNr tas bort: 3944525, 14088888, ...")
                         r"|(\d{5,12}(?:\s*,\s*\d{5,12}){2,})(?![\d.,]*\d))")


def _named_key_values(lines: list[_Line], what: str) -> list[ListedTable]:
    """Values of a register key printed after its name in lines of output that no table reader reads
    (a PUT with a text before it, a log message, a ``display``): one unit's key, or a list of them."""
    from scanner.names import identifier_kind

    found: dict[str, list[tuple[int, str]]] = {}
    kinds: dict[str, bool] = {}  # (a log repeats its names: each is judged once)

    def is_key(name: str) -> bool:
        if name not in kinds:
            kinds[name] = identifier_kind(name) == "register key"
        return kinds[name]

    for k, x in enumerate(lines):
        if "=" not in x.text and ":" not in x.text:
            continue
        for m in _KEY_VALUE.finditer(x.text):
            name = m.group(1)
            if is_key(name):
                found.setdefault(name, []).append((x.number, m.group(2)))
        for m in _KEY_LIST.finditer(x.text):
            # (the key may be any word before the list: "Dubblerade LopNr tas bort: ...")
            head = m.group(0).split(":", 1)[0].split("=", 1)[0]
            name = next((w for w in re.findall(r"[A-Za-z_][\w.]{1,40}", head) if is_key(w)), m.group(1))
            if is_key(name):
                found.setdefault(name, []).extend((x.number, v) for v in re.findall(r"\d{5,12}",
                                                                                    m.group(2) or m.group(3)))
        for m in _KEY_VECTOR.finditer(x.text):
            # R's dput(): "structure(list(lopnr = c(104233L, 118790L, ..." (the vector may run on)
            name = m.group(1)
            if is_key(name):
                tail = x.text[m.end():] + " " + " ".join(y.text for y in lines[k + 1:k + 50])
                body = tail.split(")", 1)[0]
                found.setdefault(name, []).extend((x.number, v) for v in re.findall(r"\b(\d{5,12})L?\b", body))
    out = []
    for name, values in found.items():
        lines_at = tuple(n for n, _ in values)
        out.append(ListedTable(TextTable([name, "column_2"], [[v, ""] for _, v in values], lines_at[0],
                                         "key-values"), lines_at, Origin.LISTING, f"{what} (values of a key)"))
    return out


_TRACEBACK = lazy_compile(r"^\s*Traceback \(most recent call last\):")
_EXCEPTION = lazy_compile(r"^\s*(?:[\w.]+\.)?(\w*(?:Error|Exception|Warning))(?::\s*(.*))?$")
_EXCEPTION_KEY = lazy_compile(r"(?<![\w.,])['\"]?(\d{6}-?\d{4}|\d{5,12})['\"]?(?![\w.,])")
_QUOTED_RECORD = lazy_compile(r"""['"]([^'"\n]*[;,\t|][^'"\n]*)['"]""")
_UNPACKING = lazy_compile(r"^\s*((?:[A-Za-z_]\w*\s*,\s*)+[A-Za-z_]\w*)\s*=")
#: Lines of a traceback read for the names of its variables.
_TRACEBACK_LINES = 200


def _traceback_values(lines: list[_Line], what: str) -> list[ListedTable]:
    """What a Python traceback quotes from the data: ``KeyError: 104233`` after a lookup by ``lopnr`` (a
    unit's key), ``ValueError: bad line: '118790;38;K;147'`` (a record, named by the unpacking in the
    traceback: ``lopnr, alder, koen, kom = parse(line)``). A traceback names no key, or quotes no record:
    nothing."""
    from scanner.names import identifier_kind

    out: list[ListedTable] = []
    k = 0
    while k < len(lines):
        if not _TRACEBACK.match(lines[k].text):
            k += 1
            continue
        end = k + 1
        m: re.Match[str] | None = None
        while end < len(lines) and end - k < _TRACEBACK_LINES:
            if not lines[end].text.startswith((" ", "\t")) and (m := _EXCEPTION.match(lines[end].text)):
                break
            end += 1
        if m is None:
            k = end  # no exception line within reach: not a traceback to read
            continue
        body = " ".join(x.text for x in lines[k + 1:end])
        message, at = m.group(2) or "", lines[end].number
        keys = [w for w in dict.fromkeys(re.findall(r"[A-Za-z_]\w*", body)) if identifier_kind(w) == "register key"]
        record = _QUOTED_RECORD.search(message)
        if record is not None:
            fields = [f.strip() for f in re.split(r"[;,\t|]", record.group(1))]
            names = next((n for x in lines[k + 1:end] if (u := _UNPACKING.match(x.text.strip()))
                          and len(n := [v.strip() for v in u.group(1).split(",")]) == len(fields)), None)
            if len(fields) >= 3 and any(f.isdigit() for f in fields):
                out.append(ListedTable(TextTable(unique_names(names or [f"column_{j + 1}" for j in range(len(fields))]),
                                                 [fields], at, "traceback-record"), (at,), Origin.LISTING,
                                       f"{what} (a traceback quoting a data record)"))
        elif keys and (v := _EXCEPTION_KEY.search(message)) is not None:
            out.append(ListedTable(TextTable([keys[0], "column_2"], [[v.group(1), ""]], at, "key-values"), (at,),
                                   Origin.LISTING, f"{what} (a traceback quoting a key)"))
        k = end + 1
    return out


def _named_value_lines(lines: list[_Line], what: str) -> list[ListedTable]:
    """Runs of two or more lines of the same ``name=value`` pairs, with a number among the values: values
    printed one record per line (SAS ``put lopnr= alder=;``, Stata ``display "lopnr: " lopnr[`i']`` in a
    loop), a listing of observations. Their lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    k = 0
    while k < len(lines):
        first = _pairs(lines[k].text) if "=" in lines[k].text or ":" in lines[k].text else None
        if first is None:
            k += 1
            continue
        names = [n for n, _ in first]
        rows, at, j = [], [], k
        while j < len(lines) and (p := _pairs(lines[j].text)) is not None and [n for n, _ in p] == names:
            rows.append([v for _, v in p])
            at.append(lines[j].number)
            j += 1
        if len(rows) >= 2 and any(_NUMERIC_CELL.match(v) for r in rows for v in r):
            table = _table(names, rows, at, Origin.LISTING, f"{what} (name=value lines)", "named-values")
            if table is not None or len(names) == 1:
                if table is None:  # one pair per line: a column of values under its name
                    table = ListedTable(TextTable([names[0], "column_2"], [[r[0], ""] for r in rows], at[0],
                                                  "named-values"), tuple(at), Origin.LISTING,
                                        f"{what} (name=value lines)")
                found.append(table)
                for x in range(k, j):
                    lines[x] = _Line(lines[x].number, "")
        k = max(j, k + 1)
    return found


# (Stata 14 and older write "tabulation:" in lower case)
_CODEBOOK_HEAD = lazy_compile(r"^\s*Tabulation:\s+Freq\.\s+(?:Numeric\s+)?(?:Value|Label)", re.IGNORECASE)
_CODEBOOK_ROW = lazy_compile(r"^\s+(\d[\d,]*)\s+(\S.*?)\s*$")


def _stata_codebook(lines: list[_Line], what: str) -> list[ListedTable]:
    """The frequency table ``codebook`` prints for a variable with few values ("Tabulation: Freq.  Value"):
    a one-way table of counts. Its lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    k = 0
    while k < len(lines):
        if not _CODEBOOK_HEAD.match(lines[k].text):
            k += 1
            continue
        start, rows, at = k, [], []
        k += 1
        while k < len(lines) and (m := _CODEBOOK_ROW.match(lines[k].text)) is not None:
            rows.append([m.group(2).strip('"'), m.group(1)])
            at.append(lines[k].number)
            k += 1
        # (the values are the variable's codes or labels, the table's dimension: "level", not counts)
        table = _table(["level", "Freq."], rows, at, Origin.TABULATION, f"{what} (codebook tabulation)", "codebook")
        if table is not None:
            found.append(table)
        for j in range(start, k):
            lines[j] = _Line(lines[j].number, "")
    return found


_CODEBOOK_RULE = lazy_compile(r"^-{30,}\s*$")
_CODEBOOK_VAR = lazy_compile(r"^([A-Za-z_]\w*)(?:\s{2,}.*)?$")
# (Stata 14 and older write the labels in lower case: "examples:", "range:", "missing .:")
_CODEBOOK_EXAMPLE = lazy_compile(r"^\s*Examples:\s+(\S.*?)\s*$", re.IGNORECASE)
_CODEBOOK_MORE = lazy_compile(r"^\s{12,}(\S+)\s*$")
_CODEBOOK_RANGE = lazy_compile(r"^\s*Range:\s+\[\s*([-+]?[\d.,eE+-]+)\s*,\s*([-+]?[\d.,eE+-]+)\s*\]",
                              re.IGNORECASE)
_CODEBOOK_MISSING = lazy_compile(r"Missing [.\"]+:\s+([\d,]+)/([\d,]+)", re.IGNORECASE)
_CODEBOOK_PERCENTILES = lazy_compile(r"^\s*Percentiles:\s+((?:\d+%\s*)+)$", re.IGNORECASE)


def _stata_codebook_values(lines: list[_Line], what: str) -> list[ListedTable]:
    """What ``codebook`` prints of one variable besides its tabulation: the "Examples:" of a key variable
    (``pnr``: four persons' numbers, a listing of keys), and the range, size and percentiles of a
    numeric one (``Range: [0,42400000]`` beside percentiles up to 598,200: the maximum is one person's,
    judged as any published extreme). Read per variable section (between its name's rules)."""
    from scanner.names import identifier_kind

    found: list[ListedTable] = []
    var = ""
    k = 0
    while k < len(lines):
        text = lines[k].text
        if _CODEBOOK_RULE.match(text) and k + 2 < len(lines) and _CODEBOOK_RULE.match(lines[k + 2].text) \
                and (m := _CODEBOOK_VAR.match(lines[k + 1].text.strip())):
            var, k = m.group(1), k + 3
            stats: list[list[str]] = []
            at: list[int] = []
            continue
        if not var:
            k += 1
            continue
        m = _CODEBOOK_EXAMPLE.match(text)
        if m is not None:
            start, values, numbers = k, [m.group(1).strip('"')], [lines[k].number]
            k += 1
            while k < len(lines) and (more := _CODEBOOK_MORE.match(lines[k].text)) is not None:
                values.append(more.group(1).strip('"'))
                numbers.append(lines[k].number)
                k += 1
            if identifier_kind(var) is not None:
                found.append(ListedTable(TextTable([var, "column_2"], [[v, ""] for v in values], numbers[0],
                                                   "codebook"), tuple(numbers), Origin.LISTING,
                                         f"{what} (codebook examples of a key)"))
                for j in range(start, k):
                    lines[j] = _Line(lines[j].number, "")
            continue
        m = _CODEBOOK_RANGE.match(text)
        kind = identifier_kind(var) if m is not None else None
        if m is not None and kind is not None:
            # a key's range: its lowest and highest values are two units' keys (a register key's), or a
            # record number's first and last (``id``: nothing); no statistics of a key are read
            if kind != "record key":
                found.append(ListedTable(TextTable([var, "column_2"], [[m.group(1), ""], [m.group(2), ""]],
                                                   lines[k].number, "codebook"), (lines[k].number,) * 2,
                                         Origin.LISTING, f"{what} (codebook range of a key)"))
            var = ""
        elif m is not None:
            stats += [["Min", m.group(1)], ["Max", m.group(2)]]
            at += [lines[k].number] * 2
        m = _CODEBOOK_MISSING.search(text)
        if m is not None and stats:
            n = int(m.group(2).replace(",", "")) - int(m.group(1).replace(",", ""))
            stats.append(["N", str(n)])
            at.append(lines[k].number)
        m = _CODEBOOK_PERCENTILES.match(text)
        if m is not None and stats and k + 1 < len(lines):
            labels = m.group(1).split()
            values = lines[k + 1].text.split()
            if len(values) == len(labels):
                stats += [[f"p{label.rstrip('%')}", v] for label, v in zip(labels, values, strict=True)]
                at += [lines[k + 1].number] * len(labels)
                table = _table(["statistic", var], stats, at, Origin.TABULATION,
                               f"{what} (codebook summary)", "codebook")
                if table is not None:
                    found.append(table)
                stats, at = [], []
            k += 2
            continue
        k += 1
    return found


# Printed values of a vector, a level list or an array: "[1] 104233 118790", "104233 118790 220514",
# "array([104233, 118790])", "[104233, 118790]".
_VALUE_LIST_LINE = lazy_compile(r"^\s*(?:\[ *\d+\]\s+|array\(\[|\[)?((?:[-+]?\d[\d.]*[\s,]*)+)"
                              r"(?:\]\)?(?:,\s*dtype=\w+\))?)?\s*$")
_KEY_DIGITS = lazy_compile(r"\d{4,}")
_IDENT = lazy_compile(r"[A-Za-z_][\w.]*")


_PROMPT_LINE = lazy_compile(r"^(?:>>>|In \[\d*\]:|>)\s(.*)$")


def _key_values(lines: list[_Line], command: str, what: str) -> list[ListedTable]:
    """Values of a register key printed as a bare list by a command that names the key (Stata ``levelsof
    lopnr``, R ``unique(df$lopnr[...])``, pandas ``df.lopnr.unique()``): a listing of units' keys. The
    output must be nothing but numbers, at least two of them of four digits or more. Output echoing its
    own prompts (a Python console saved as text) is split at them, each part read with its command."""
    if command.strip() or not any(_PROMPT_LINE.match(x.text) for x in lines):
        return _key_values_of(lines, command, what)
    found: list[ListedTable] = []
    part: list[_Line] = []
    current = ""
    for x in [*lines, _Line(-1, ">>> ")]:
        m = _PROMPT_LINE.match(x.text)
        if m is None:
            part.append(x)
            continue
        if part and current:
            found.extend(_key_values_of(part, current, what))
        part, current = [], m.group(1)
    return found


#: One-line outputs longer than this are not read for keys (a key list of a few thousand numbers is shorter).
_ONE_LINE_BYTES = 1 << 20


def key_values_line(text: str, line: int, language: Language, command: str, tool: str = "",
                    state: OutputState | None = None) -> list[ListedTable]:
    """A key's values printed on one line by the command before it (Stata ``levelsof lopnr``: ``1023 4471
    5512``; R ``unique(df$pnr)`` when short): :func:`_key_values` for a one-line output. ``state`` keeps
    Stata's counts by condition, for the differences of a wider and a narrower one."""
    if language is Language.PYTHON and state is not None and command.strip():
        _remember_py_size(_py_command(command), text, state)  # ("N = 40": the size of a frame)
    if _PY_PAIRS.match(text) and (pairs := _py_label_counts(_Line(line, text.strip("\r\n")), "printed output")):
        return pairs
    if not command.strip() or not _VALUE_LIST_LINE.match(text.strip("\r\n")):
        if ("=" in text or ":" in text) and len(text) < 10_000:
            return _named_key_values([_Line(line, text.strip("\r\n"))], "printed output")
        return []
    command, what = _read_command(language, command, tool)
    one = [_Line(line, text.strip("\r\n"))]
    keyed = _keyed_object(command, state) if language is Language.R and state is not None else ""
    found = _key_values(one, f"{command}\n{keyed}" if keyed else command, what)
    if not found:
        found = _condition_count(one[0], language, command, what)
        if found and language is Language.STATA and state is not None:
            found += _count_differences(found, command, state)
    if not found and language is Language.R and _R_VECTOR.match(one[0].text):
        found = _r_box_outliers(one, command) or _r_values(one, command, what)
    if not found and language is Language.PYTHON and _PY_LIST.match(one[0].text):
        found = _py_values(one, command, what)
    if not found:
        found = _named_key_values(one, what or "printed output")
    return found


# Commands that print how many rows meet a condition, as one number: Stata `count if ...`; R
# `sum(d$kom == 825 & ...)`, `nrow(subset(...))`, `length(which(...))`; Python `len(df[df.x == 1])`,
# `(df.x == 1).sum()`, `df[...].shape[0]`. R and Python only with a comparison in the command: the number
# of rows of a whole frame or of distinct values (`length(unique(x))`) is not a cell.
_STATA_COUNT = lazy_compile(r"^(?:(?:by|bysort)\b[^:]*:\s*)?cou(?:n|nt)?\b")
_COMPARISON = r"(?:==|!=|<=|>=|<|>|%in%|\.isin\(|\.between\(|\bis\.na\()"
_R_COUNT = lazy_compile(r"^\s*(?:print\s*\(\s*)?(?:sum|nrow|NROW|length\s*\(\s*which)\s*\(.*" + _COMPARISON)
_PY_COUNT = lazy_compile(r"^\s*(?:print\s*\(\s*)?(?:len\s*\(.*" + _COMPARISON + r"|.*" + _COMPARISON
                       + r".*\)\s*\.sum\s*\(\s*\)|.*" + _COMPARISON + r".*\.shape\[0\])")
_ONE_COUNT = lazy_compile(r"^\s*(?:\[1\]\s+)?(\d[\d,]*)\s*$")


def _condition_count(x: _Line, language: Language, command: str, what: str) -> list[ListedTable]:
    """The number of rows that meet a condition, printed alone (``count if kommune == 825 & koen == 1`` then
    ``2``): a table of one cell, judged by the table rules like any other count."""
    m = _ONE_COUNT.match(x.text)
    if m is None:
        return []
    cmd = command.strip()
    if language is Language.STATA:
        counted = _STATA_COUNT.match(cmd) is not None
    elif language is Language.R:
        counted = _R_COUNT.match(cmd) is not None and "unique(" not in cmd
    elif language is Language.PYTHON:
        cmd = _py_command(cmd)
        counted = _PY_COUNT.match(cmd) is not None and "unique(" not in cmd
    else:
        counted = False
    if not counted:
        return []
    value = m.group(1).replace(",", "")
    table = TextTable(["condition", "count"], [["rows meeting the command's condition", value]], x.number,
                      "condition-count")
    return [ListedTable(table, (x.number,), Origin.TABULATION, f"{what} (a count of rows meeting a condition)")]


_IF_CLAUSE = lazy_compile(r"\bif\s+(.+?)\s*(?:,.*)?$")


# R's table() of one or more vectors, each maybe subscripted by a condition: "table(d$udd[d$alder >= 30])".
_R_TABLE_OF_VECTORS = lazy_compile(r"^\s*(?:print\s*\(\s*)?table\s*\((.*)\)\s*\)?\s*;?\s*$")
_R_SUBSCRIPTED = lazy_compile(r"^\s*([A-Za-z.][\w.$]*)\s*(?:\[\s*(.+?)\s*,?\s*\])?\s*$")
# Stata's tabulate of one or two variables, with its condition: "tab udd koen if alder >= 30, row".
_STATA_TAB_CALL = lazy_compile(r"^\s*\.?\s*(?:ta|tab|tabu|tabul|tabula|tabulat|tabulate|tab1|tab2)\s+"
                               r"([A-Za-z_][\w ]*?)\s*(?:\bif\s+(.+?))?\s*(?:\bin\s+[^,]+)?(?:,.*)?$")


# A pandas frame of another's rows meeting a condition: "m = a[a.sukupuoli == 'Mies']", "b = df.loc[df.x > 3]",
# "c = df.query('ika >= 65')".
_PY_SUBSET = lazy_compile(r"(?m)^\s*(?:In \[\d+\]:\s*|>>>\s*)?([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)\s*(?:\.loc)?\s*"
                          r"(?:\[(.*(?:==|!=|<|>|\.isin\(|\.between\().*)\]|\.query\((.*)\))\s*(?:\.copy\(\))?\s*$")
# pandas' tabulations of a frame's columns: "pd.crosstab(m.ikaryhma, m.tila_2020, margins=True)",
# "m['ikaryhma'].value_counts()", "m.ikaryhma.value_counts()".
_PY_CROSSTAB = lazy_compile(r"^\s*(?:pd|pandas)\.crosstab\s*\((.*)\)\s*$")
_PY_COLUMN_OF = lazy_compile(r"^([A-Za-z_]\w*)\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['\"]([^'\"]+)['\"]\s*\])$")
_PY_VALUE_COUNTS = lazy_compile(r"^\s*([A-Za-z_]\w*\s*(?:\.\s*[A-Za-z_]\w*|\[\s*['\"][^'\"]+['\"]\s*\]))"
                                r"\s*\.value_counts\s*\(.*\)\s*$")


def _py_selection(command: str, state: OutputState) -> tuple[str, str] | None:
    """What a pandas tabulation tabulated and the condition of the rows it counted, as :func:`_selection` gives
    them: ``pd.crosstab(m.x, m.y)`` after ``m = a[cond]`` is ("crosstab x, y of a", "cond"), and the same of
    ``a`` itself ("crosstab x, y of a", ""); a chain of subsets joins its conditions with " & "."""
    last = _py_command(command)
    m = _PY_CROSSTAB.match(last)
    if m is not None:
        args = [a for a in _top_level_split(m.group(1)) if "=" not in a.split("(", 1)[0]]
        kind = "crosstab"
    elif (v := _PY_VALUE_COUNTS.match(last)) is not None:
        args, kind = [v.group(1)], "value_counts"
    else:
        return None
    columns = [_PY_COLUMN_OF.match(a.replace(" ", "")) for a in args]
    if not columns or any(c is None for c in columns) or len({c.group(1) for c in columns if c}) != 1:
        return None
    frame = columns[0].group(1) if columns[0] else ""
    names = ", ".join((c.group(2) or c.group(3)) for c in columns if c)
    conditions: list[str] = []
    seen = {frame}
    while frame in state.subsets:
        frame, cond = state.subsets[frame]
        if frame in seen:
            return None
        seen.add(frame)
        conditions.insert(0, cond)
    # (the conditions of the frame tabulated relative to the first frame without a parent: its root)
    return f"{kind} {names}", " & ".join(conditions)


def _selection(command: str, language: Language) -> tuple[str, str] | None:
    """What a tabulating command tabulated and the condition selecting its rows ("" for all rows), or None for
    any other command: R's ``table(x[cond], y[cond])`` and Stata's ``tab x y if cond``."""
    last = _py_command(command) if language is Language.PYTHON else _last_command(command)
    if language is Language.R:
        m = _R_TABLE_OF_VECTORS.match(last)
        if m is None:
            return None
        args = [a for a in _top_level_split(m.group(1)) if "=" not in a.split("[", 1)[0]]
        parts = [_R_SUBSCRIPTED.match(a) for a in args]
        if not parts or any(p is None for p in parts):
            return None
        conditions = {" ".join((p.group(2) or "").split()) for p in parts if p is not None}
        if len(conditions) != 1:
            return None
        return ", ".join(p.group(1) for p in parts if p is not None), conditions.pop()
    if language is Language.STATA:
        m = _STATA_TAB_CALL.match(last)
        if m is None:
            return None
        return " ".join(m.group(1).split()), " ".join((m.group(2) or "").split())
    return None


# dplyr's pipeline of a count: "tab2 <- kohort %>% filter(opf == 1) %>% count(sygehus, name = "n")".
_R_PIPE_DATA = lazy_compile(r"^\s*>?\s*[A-Za-z.][\w.]*\s*(?:<-|=)\s*([A-Za-z.][\w.]*)\s*(?:%>%|\|>)")
_R_FILTER_CALL = lazy_compile(r"(?:%>%|\|>)\s*(?:dplyr::)?filter\s*\(")


def _pipeline_selection(made: str) -> tuple[str, str] | None:
    """What an R pipeline counted and the condition its ``filter()`` steps select ("" for all rows), as
    :func:`_selection` gives them for ``table()``: ``d %>% filter(a == 1) %>% count(x)`` is ("d: x", "a == 1")."""
    m = _R_PIPE_DATA.match(made)
    grouped = _r_grouped_by(made)
    if m is None or not grouped or not re.search(r"\b(?:count|tally)\s*\(|\bn\s*\(\s*\)", made):
        return None
    conditions = []
    for f in _R_FILTER_CALL.finditer(made):
        depth, k = 1, f.end()
        while k < len(made) and depth:
            depth += {"(": 1, ")": -1}.get(made[k], 0)
            k += 1
        if depth:
            return None
        conditions.append(" ".join(made[f.end():k - 1].split()))
    return f"{m.group(1)}: {', '.join(sorted(grouped))}", " & ".join(conditions)


_R_DATA_CALL = lazy_compile(r"^\s*(?:print\s*\(\s*)?([A-Za-z.][\w.]*(?:::[A-Za-z.][\w.]*)?)\s*\((.*)\)\s*$")
_R_DATA_NAME = lazy_compile(r"^[A-Za-z.][\w.]*$")
_R_FILTERED = lazy_compile(r"^(?:dplyr::)?(?:filter|subset)\s*\((.*)\)$", re.S)
_R_ROWS_OF = lazy_compile(r"^([A-Za-z.][\w.]*)\s*\[(.*),\s*\]$", re.S)
_R_PIPED_FILTER = lazy_compile(r"^([A-Za-z.][\w.]*)\s*(?:%>%|\|>)\s*(?:dplyr::)?filter\s*\((.*)\)$", re.S)


def _call_selection(last: str) -> tuple[str, str] | None:
    """A function called on a data frame or on its rows meeting a condition, the same other arguments, as
    :func:`_selection` gives a tabulation: ``ir_tab(kohort, by = "x")`` is ('ir_tab(kohort, by = "x")', ""),
    ``ir_tab(filter(kohort, alder >= 40), by = "x")`` the same with "alder >= 40" (``subset()``, ``d[cond, ]``
    and ``d %>% filter(cond)`` too). None for any other command."""
    m = _R_DATA_CALL.match(last)
    if m is None or m.group(1) in ("table", "xtabs", "filter", "subset", "c", "library", "source"):
        return None
    args = _top_level_split(m.group(2))
    if not args:
        return None
    first, rest = args[0], ", ".join(" ".join(a.split()) for a in args[1:])
    data, cond = first, ""
    if (f := _R_FILTERED.match(first)) is not None:
        inner = _top_level_split(f.group(1))
        if len(inner) < 2:
            return None
        data, cond = inner[0], " & ".join(" ".join(a.split()) for a in inner[1:])
    elif (f := _R_ROWS_OF.match(first) or _R_PIPED_FILTER.match(first)) is not None:
        data, cond = f.group(1), " ".join(f.group(2).split())
    if not _R_DATA_NAME.match(data.strip()):
        return None
    return f"{m.group(1)}({data.strip()}, {rest})", cond


_SKIM_ROWS = lazy_compile(r"(?m)^\s*Number of rows\s+(\d[\d,]*)\s*$")
_SKIM_UNGROUPED = lazy_compile(r"(?m)^\s*Group variables\s+None\s*$")


def _skim_sizes(tables: list[ListedTable], text: str) -> list[ListedTable]:
    """skimr's ``skim()``: its variables' tables name the minimum and maximum "p0" and "p100", and the data's
    size stands in the summary above them ("Number of rows 6"), the size of every variable's group when the
    data are not grouped: the tables get "Min", "Max" and that size as a column "N"."""
    m = _SKIM_ROWS.search(text)
    out = []
    for t in tables:
        names = list(t.table.names)
        if "skim_variable" not in names:
            out.append(t)
            continue
        rows = t.table.rows
        # (a sparkline and numbers one space apart, "231450. 84512.", run together in the fixed-width reading:
        # skimr's columns hold no spaces, so each row splits at its white space)
        words = [w for x in names if not re.fullmatch(r"column_\d+", x) for w in x.split()]
        split = [" ".join(r).split() for r in rows]
        if split and all(len(r) == len(words) + 1 for r in split):
            split = [r[1:] for r in split]  # the row numbers
        if split and all(len(r) == len(words) for r in split):
            names, rows = words, split
        names = ["Min" if x == "p0" else "Max" if x == "p100" else x for x in names]
        if m is not None and _SKIM_UNGROUPED.search(text) and "n_missing" in names \
                and not any(x.strip().lower() == "n" for x in names):
            # each variable's group: the rows less its missing values ("n_missing", no count of a cell; its
            # "complete_rate" and sparkline "hist" go with it)
            size, miss = int(m.group(1).replace(",", "")), names.index("n_missing")
            keep = [j for j, x in enumerate(names) if x not in ("n_missing", "complete_rate", "hist")]
            rows = [[*(r[j] for j in keep), str(size - int(r[miss])) if r[miss].isdigit() else ""] for r in rows]
            names = [*(names[j] for j in keep), "N"]
        out.append(dataclasses.replace(t, table=dataclasses.replace(t.table, names=names, rows=rows)))
    return out


def _top_level_split(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and parentheses."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:k])
            start = k + 1
    out.append(text[start:])
    return [a.strip() for a in out if a.strip()]


def _without_row_numbers(t: TextTable) -> TextTable:
    """``t`` without a first column of row numbers 1..n (a printed data frame's, not named), so that two
    printouts of one function match whether or not the reader kept them."""
    if len(t.names) > 2 and t.names[0].startswith("column_") \
            and [r[0].strip() if r else "" for r in t.rows] == [str(k) for k in range(1, len(t.rows) + 1)]:
        return dataclasses.replace(t, names=t.names[1:], rows=[r[1:] for r in t.rows])
    return t


def selected_differences(tables: Sequence[ListedTable]) -> list[tuple[ListedTable, ListedTable, TextTable]]:
    """Pairs of tables a log printed of the same variables, one of all rows (or of a wider condition) and one of
    the rows meeting a condition, with the first's counts minus the second's in the second's rows: the rows
    not meeting the condition, counted ("table(d$udd)" 133 LVU, "table(d$udd[d$alder >= 30])" 131: 2 under 30)."""
    from scanner.loaders.texttables import differences

    out = []
    for sub in tables:
        if sub.selects is None or not sub.selects[1]:
            continue
        what, cond = sub.selects
        for whole in tables:
            if whole is sub or whole.selects is None or whole.selects[0] != what:
                continue
            wider = whole.selects[1]
            if wider and not cond.startswith(f"{wider} &"):
                continue
            t, u = _without_row_numbers(sub.table), _without_row_numbers(whole.table)
            found = differences(t, u)
            if found is None and len(t.names) == len(u.names) > 1 and t.names[:-1] == u.names[:-1]:
                # (the count's column named apiece, R's count(x, name = "n_inkluderet") and "n_opfoelgning")
                found = differences(t, dataclasses.replace(u, names=[*u.names[:-1], t.names[-1]]))
            if found is not None:
                out.append((sub, whole, found))
                break
    return out


# Stata's tabulate with cell percentages and no frequencies ("tab a b if c, cell nofreq").
_STATA_CELL_PERCENT = lazy_compile(r"(?m)^\s*\.?\s*(?:ta|tab|tabu|tabul|tabula|tabulat|tabulate|tab2)\b[^\n]*,"
                                   r"(?=[^\n]*\bcel?l?\b)(?=[^\n]*\bnof(?:r|re|req)?\b)[^\n]*$")
_PERCENT_CELL = lazy_compile(r"^\d+\.(\d+)$")


def _cell_percent_counts(listed: ListedTable, command: str, state: OutputState) -> ListedTable:
    """Stata's ``tab a b if c, cell nofreq`` after ``count if c`` printed the condition's N: each cell
    percentage of that N is a count (0.08 % of 1,250 is 1 woman), written so when every cell's rounding allows
    one whole count only; otherwise the table as printed."""
    m = _IF_CLAUSE.search(_STATA_CELL_PERCENT.search(command).group(0).strip()) if command else None
    n = state.counts.get(" ".join(m.group(1).split())) if m else None
    t = listed.table
    if n is None or t.kind != "stata-table" or not t.rows:
        return listed
    rows = []
    for r in t.rows:
        out = [r[0]]
        for cell in r[1:]:
            pm = _PERCENT_CELL.match(cell.strip())
            if pm is None:
                if cell.strip():
                    return listed
                out.append(cell)
                continue
            half = 0.5 * 10 ** -len(pm.group(1))
            lo = math.ceil((float(cell) - half) * n / 100 - 1e-9)
            hi = math.floor((float(cell) + half) * n / 100 + 1e-9)
            if lo != hi:
                return listed  # (the N is too large for the printed decimals to tell one count)
            out.append(str(lo))
        rows.append(out)
    table = dataclasses.replace(t, rows=rows)
    return dataclasses.replace(listed, table=table,
                               what=f"{listed.what}: cell percentages of the {n:,} counted before it, as counts")


def _count_differences(found: list[ListedTable], command: str, state: OutputState) -> list[ListedTable]:
    """Stata's `count if A` beside `count if A & B` (a wider condition and a narrower one, in either order):
    their difference is the rows of A that do not meet B, a count too ("count if kom == 825" 4, "... & koen
    == 1" 3: 1 girl)."""
    m = _IF_CLAUSE.search(command.strip())
    counts = [t for t in found if t.table.kind == "condition-count"]
    if m is None or len(counts) != 1:
        return []
    condition = " ".join(m.group(1).split())
    value = int(counts[0].table.rows[0][1])
    out = []
    for other, n in state.counts.items():
        if condition.startswith(other + " &"):
            diff = n - value  # the wider condition's rows without the narrower's
        elif other.startswith(condition + " &"):
            diff = value - n
        else:
            continue
        if diff >= 0:
            t = counts[0].table
            table = TextTable(["condition", "count"], [["rows of the wider condition not meeting the narrower one",
                                                        str(diff)]], t.data_line, "condition-count")
            out.append(dataclasses.replace(counts[0], table=table,
                                           what=f"{counts[0].what}: the difference of two counts"))
    state.counts[condition] = value
    return out


# The calls that count a key (R's length, uniqueN, n_distinct, sum(duplicated()), anyDuplicated; Python's len):
# the number printed is a count. A key's minimum, maximum or table prints key values, and is not among them.
_COUNTING_CALL = r"\b(?:length|NROW|nrow|uniqueN|n_distinct|anyDuplicated|sum|mean|len)\s*\((?:[^()]|\([^()]*\))*"


def _key_counted(command: str, key: str) -> bool:
    """Whether ``command`` prints counts of ``key`` ("uniqueN(panel$pnr)", "df['lopnr'].nunique()")."""
    k = re.escape(key)
    return re.search(rf"{_COUNTING_CALL}\b{k}\b|\b{k}\b[\]'\"]*\s*\)?\s*\.\s*(?:nunique|count|size|shape)\b",
                     command) is not None


def _key_values_of(lines: list[_Line], command: str, what: str) -> list[ListedTable]:
    from scanner.names import identifier_kind

    key = next((w for w in _IDENT.findall(command.replace("$", " ").replace(".", " "))
                if identifier_kind(w) == "register key"), None)
    if key is None:
        return []
    body = [x for x in lines if x.text.strip()]
    if not body or len(body) > 10_000 or not all(_VALUE_LIST_LINE.match(x.text) for x in body):
        return []
    if _key_counted(command, key):
        return []  # "nrow(panel); uniqueN(panel$pnr)": numbers of rows and of distinct keys, no key's value
    values = [v for x in body for v in _KEY_DIGITS.findall(re.sub(r"^\s*\[ *\d+\]", "", x.text))]
    # one value is a unit's key when the command picks it out by subscript ("di lopnr[_N]", "df$lopnr[which.max(
    # df$indk)]"): review; a count of keys ("distinct lopnr") prints one number too, without a subscript
    single = len(values) == 1 and len(values[0]) >= 5 and re.search(rf"\b{re.escape(key)}\s*\[", command)
    if len(values) < 2 and not single:
        return []
    table = ListedTable(TextTable([key, "column_2"], [[v, ""] for v in values], body[0].number, "key-values"),
                        tuple(body[0].number for _ in values), Origin.LISTING, f"{what} (values of a key)")
    for x in body:
        x.text = ""  # read: the table readers below do not see these lines again
    return [table]


def _take(found: list[ListedTable], table: ListedTable | None, lines: list[_Line], start: int, end: int) -> None:
    """A block read as ``table`` (when it is one): kept in ``found``, its lines ``start:end`` blanked so that the
    readers after do not read them again as a table of other cells."""
    if table is None:
        return
    found.append(table)
    for i in range(start, end):
        lines[i] = _Line(lines[i].number, "")


# codebook, compact: "Variable  Obs Unique  Mean  Min  Max  Label" over a rule and one row a variable.
_COMPACT_HEAD = lazy_compile(r"^\s*Variable\s+Obs\s+Unique\s+Mean\s+Min\s+Max\s+Label\s*$")
_COMPACT_NUMBER = lazy_compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$", re.IGNORECASE)


def _stata_compact(lines: list[_Line]) -> list[ListedTable]:
    """Stata's ``codebook, compact``: one row a variable with its Obs, number of unique values, mean, minimum and
    maximum (the lowest and highest single values of the whole data: the richest person's wealth), its label
    after. Its lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    for k, x in enumerate(lines):
        if not _COMPACT_HEAD.match(x.text):
            continue
        rows, at, j = [], [], k + 1
        while j < len(lines):
            text = lines[j].text
            if _RULE.match(text):
                if rows:
                    break
                j += 1
                continue
            parts = text.split(None, 6)
            if len(parts) < 6 or not all(_COMPACT_NUMBER.match(v) for v in parts[1:6]):
                break
            rows.append([*parts[:6], parts[6].strip() if len(parts) > 6 else ""])
            at.append(lines[j].number)
            j += 1
        table = _table(["Variable", "Obs", "Unique", "Mean", "Min", "Max", "Label"], rows, at, Origin.TABULATION,
                       "Stata codebook, compact", "stata-compact", labelled=1) if rows else None
        _take(found, table, lines, k, j)
    return found


# xtdescribe's (and misstable patterns') table of participation patterns: "Freq.  Percent    Cum. |  Pattern"
# over rows "      2      0.93   98.60 |  .11111", the last "214  100.00  |  XXXXXX".
_PATTERN_HEAD = lazy_compile(r"^\s*Freq\.\s+Percent\s+Cum\.\s*\|\s*Pattern\s*$")
_PATTERN_ROW = lazy_compile(r"^\s*(\d[\d,]*)\s+[\d.]+(?:\s+[\d.]+)?\s*\|\s*([\d.X_]+)\s*$")


# misstable patterns: "Frequency |  1  2  3" (under "|   Pattern"), rows "9,194 |  1  0  1", the total after a rule.
_MISS_HEAD = lazy_compile(r"^\s*Frequency\s*\|\s*(?:\d+\s+)*\d+\s*$")
_MISS_ROW = lazy_compile(r"^\s*(\d[\d,]*)\s*\|\s*((?:[01.]\s+)*[01.])?\s*$")


def _stata_missing_patterns(lines: list[_Line]) -> list[ListedTable]:
    """Stata's ``misstable patterns, frequency``: the number of observations with each pattern of missing values
    (its columns 1/0 indicators, "1 means complete", no counts), the total under a rule. A one-way table of
    counts by pattern. Its lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    for k, x in enumerate(lines):
        if not _MISS_HEAD.match(x.text) or k == 0 or "Pattern" not in lines[k - 1].text:
            continue
        rows, at, j = [], [], k + 1
        while j < len(lines):
            text = lines[j].text
            m = _MISS_ROW.match(text)
            if m is not None and m.group(2):
                rows.append(["".join(m.group(2).split()), m.group(1).replace(",", "")])
                at.append(lines[j].number)
            elif m is not None and rows:
                rows.append(["Total", m.group(1).replace(",", "")])
                at.append(lines[j].number)
                j += 1
                break
            elif not (_BAR_RULE.match(text) or _RULE.match(text.replace("+", "-")) or text.strip() in ("", "|")):
                break
            j += 1
        table = _table(["Pattern", "Frequency"], rows, at, Origin.TABULATION, "Stata missing-value patterns",
                       "stata-missing-patterns", labelled=1) if rows else None
        _take(found, table, lines, k - 1, j)
    return found


def _stata_patterns(lines: list[_Line]) -> list[ListedTable]:
    """Stata's table of patterns (``xtdescribe``: which years each panel unit is observed, "11.111"): the
    number of units with each pattern, a one-way table of counts with its total ("XXXXXX"). Its lines are
    blanked in ``lines``."""
    found: list[ListedTable] = []
    for k, x in enumerate(lines):
        if not _PATTERN_HEAD.match(x.text):
            continue
        rows, at, j = [], [], k + 1
        while j < len(lines) and (lines[j].text.strip() == "" or _RULE.match(lines[j].text.replace("+", "-"))
                                  or (m := _PATTERN_ROW.match(lines[j].text)) is not None):
            if lines[j].text.strip() and not _RULE.match(lines[j].text.replace("+", "-")):
                pattern = m.group(2)
                rows.append(["Total" if set(pattern) == {"X"} else pattern, m.group(1).replace(",", "")])
                at.append(lines[j].number)
            elif rows and not lines[j].text.strip():
                break
            j += 1
        table = _table(["Pattern", "Freq."], rows, at, Origin.TABULATION, "Stata patterns of observation",
                       "stata-patterns", labelled=1) if rows else None
        _take(found, table, lines, k, j)
    return found


# estat classification's table (after logit/probit): "Classified |  D  ~D  |  Total" over rows "+ | 2 1 | 3".
_CLASSIFIED_HEAD = lazy_compile(r"^\s*Classified\s*\|\s*(\S+)\s+(\S+)\s*\|\s*Total\s*$")
_CLASSIFIED_ROW = lazy_compile(r"^\s*([+-]|Total)\s*\|\s*(\d[\d,]*)\s+(\d[\d,]*)\s*\|\s*(\d[\d,]*)\s*$")


def _stata_classification(lines: list[_Line]) -> list[ListedTable]:
    """Stata's ``estat classification`` (and ``lstat``): persons classified + or - by the model against their
    true outcome, D and ~D, with totals: a 2 x 2 table of counts. Its lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    for k, x in enumerate(lines):
        head = _CLASSIFIED_HEAD.match(x.text)
        if head is None:
            continue
        rows, at, j = [], [], k + 1
        while j < len(lines) and j <= k + 6:
            m = _CLASSIFIED_ROW.match(lines[j].text)
            if m is not None:
                rows.append([m.group(1), *(g.replace(",", "") for g in m.groups()[1:])])
                at.append(lines[j].number)
            elif not _BAR_RULE.match(lines[j].text):
                break
            j += 1
        table = _table(["Classified", f"True {head.group(1)}", f"True {head.group(2)}", "Total"], rows, at,
                       Origin.TABULATION, "Stata estat classification", "stata-classification", labelled=1) \
            if len(rows) >= 2 else None
        _take(found, table, lines, k, j)
    return found


# Stata's ``proportion``: "Proportion estimation    Number of obs = 31", then each level's proportion.
_PROPORTION_HEAD = lazy_compile(r"^\s*Proportion estimation\b.*?Number of obs\s*=\s*([\d,]+)\s*$")
_PROPORTION_ROW = lazy_compile(r"^\s*(\S(?:.*\S)?)\s*\|\s*(0?\.\d+|1(?:\.0*)?|0)\s+[\d.]+\s")


def _stata_proportions(lines: list[_Line]) -> list[ListedTable]:
    """Stata's ``proportion``: the share of each level in the observations the header counts, so each share
    times that number is the level's count (.0645161 of 31 is 2). A table of levels and counts (rounded where
    the share is a whole count over the observations, else left out); its lines are blanked in ``lines``."""
    found: list[ListedTable] = []
    for k, x in enumerate(lines):
        head = _PROPORTION_HEAD.match(x.text)
        if head is None:
            continue
        n = int(head.group(1).replace(",", ""))
        rows, at, j = [], [], k + 1
        while j < len(lines) and j <= k + 60:
            text = lines[j].text
            if text.startswith(".") or _PROPORTION_HEAD.match(text):
                break  # the next command
            m = _PROPORTION_ROW.match(text)
            if m is not None:
                count = float(m.group(2)) * n
                if abs(count - round(count)) < 0.02:
                    rows.append([m.group(1), str(round(count))])
                    at.append(lines[j].number)
            j += 1
        table = _table(["level", "Freq."], rows, at, Origin.TABULATION, "Stata proportion", "stata-proportion",
                       labelled=1) if rows else None
        _take(found, table, lines, k, j)
    return found


_STATA_SMALLEST = lazy_compile(r"^\s*Percentiles\s+Smallest\s*$")
_STATA_LARGEST = lazy_compile(r"^\s*Largest\b")
# "10%       190000            150       Obs     4,452": the percentile, then the smallest (or largest) value.
_STATA_EXTREME_ROW = lazy_compile(r"^\s*\d{1,2}%\s+\S+\s+([-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)(?:\s|$)")


# "10%  69  51  Obs  3,412": the percentile and its value; and the group's size.
_STATA_PERCENTILE = lazy_compile(r"^\s*(\d{1,2})%\s+([-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)(?:\s|$)")
_STATA_OBS = lazy_compile(r"\bObs\s+(\d[\d,]*)\s*$")
#: From this many observations the four smallest and largest values of ``summarize, detail`` are read as the
#: group's minimum and maximum (EXT002 fails an outlier) and as a listing a person judges (LOG001 review);
#: below it they are a listing of single units' values (LOG001 block), as EXT001 asks a person to look at
#: extremes of groups under 10.
_STATA_EXTREMES_GROUP = 10


def _stata_extremes(lines: list[_Line]) -> list[ListedTable]:
    """The "Smallest" and "Largest" columns of Stata's ``summarize, detail``: the four lowest and the four
    highest single values of the variable, each one unit's own value (as SAS UNIVARIATE's extreme
    observations). Their lines are blanked in ``lines``, so the percentile block is not read again as a
    table of other cells."""
    found: list[ListedTable] = []
    k = 0
    while k < len(lines):
        if not _STATA_SMALLEST.match(lines[k].text):
            k += 1
            continue
        start, rows, at = k, [], []
        percentiles: list[tuple[str, str]] = []
        obs: int | None = None
        side = "smallest"
        k += 1
        # the block: 4 rows, a blank line, the median row, "Largest", 4 rows (fewer for a short variable)
        while k < len(lines) and k - start <= 14:
            text = lines[k].text
            if (p := _STATA_PERCENTILE.match(text)) is not None:
                percentiles.append((f"p{p.group(1)}", p.group(2)))
            if (o := _STATA_OBS.search(text)) is not None:
                obs = int(o.group(1).replace(",", ""))
            if _STATA_LARGEST.match(text):
                side = "largest"
            elif (m := _STATA_EXTREME_ROW.match(text)) is not None:
                rows.append([side, m.group(1)])
                at.append(lines[k].number)
            elif text.strip() and not re.match(r"^\s*\d{1,2}%", text):
                break
            k += 1
        # a side whose four values are one value (an income top- or bottom-coded at its 99th percentile) shows
        # a value shared by at least four units, no unit's own
        coded = {side for side in ("smallest", "largest")
                 if len(same := [v for s_, v in rows if s_ == side]) >= 4 and len(set(same)) == 1}
        kept = [(r, n) for r, n in zip(rows, at, strict=True) if r[0] not in coded]
        large = obs is not None and obs >= _STATA_EXTREMES_GROUP
        if large and rows:
            # a large group's extremes are its minimum and maximum beside its percentiles: the EXT rules judge
            # them as any table of statistics (an outlier far beyond the 99th percentile fails EXT002)
            low = [float(v.replace(",", "")) for s_, v in rows if s_ == "smallest"]
            high = [float(v.replace(",", "")) for s_, v in rows if s_ == "largest"]
            names = ["Obs", *(n for n, _ in percentiles)] + ["Min"] * bool(low) + ["Max"] * bool(high)
            values = [str(obs), *(v for _, v in percentiles)] + [f"{min(low):g}"] * bool(low) \
                + [f"{max(high):g}"] * bool(high)
            table = _table(names, [values], [at[0]], Origin.TABULATION,
                           "Stata summarize, detail: percentiles and extremes", "stata-summarize-detail")
            if table is not None:
                found.append(table)
        if kept:
            # (in a large group the listed values are no outliers by themselves, but still single units' values:
            # a person judges them)
            what = "Stata summarize, detail: extreme values (smallest, largest)" + \
                (f" of a group of {obs:,}" if large else "")
            table = _table(["extreme", "value"], [r for r, _ in kept], [n for _, n in kept], Origin.LISTING, what,
                           "stata-extremes")
            if table is not None:
                found.append(dataclasses.replace(table, records="group-extremes") if large else table)
        for j in range(start, k):
            lines[j] = _Line(lines[j].number, "")
    return found


_EXTREMES_TITLE = lazy_compile(r"^\s*Extreme (?:Values|Observations)\s*$", re.IGNORECASE)
# Hmisc's describe(): "lowest : 112 845 1290 2004 2311, highest: 2210400 ..." (one line or two).
_HMISC_EXTREMES = lazy_compile(r"^\s*(lowest|highest)\s*:\s*(.*?)(?:,\s*(highest)\s*:\s*(.*))?\s*$")


_HMISC_HEADER = lazy_compile(r"^\s*n\s+missing\s+distinct\b")


def _shared_values(above: list[_Line], sides: list[tuple[str, list[str]]]) -> bool:
    """Whether Hmisc's lowest and highest values are values many units share, no unit's own: the variable has
    on average ten units or more a distinct value ("n 18342 ... distinct 73", from its header above) and each
    side's values step evenly, with no gap that sets an outlier apart (ages 18 19 20 21 22 and 86 ... 90)."""
    header = next((j for j in range(len(above) - 1, max(len(above) - 12, -1), -1)
                   if _HMISC_HEADER.match(above[j].text)), None)
    if header is None or header + 1 >= len(above):
        return False
    figures = above[header + 1].text.split()
    try:
        n, distinct = int(figures[0].replace(",", "")), int(figures[2].replace(",", ""))
    except (IndexError, ValueError):
        return False
    if distinct <= 0 or n < 10 * distinct:
        return False
    for _side, values in sides:
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            return False
        steps = {round(b - a, 9) for a, b in itertools.pairwise(numbers)}
        if len(steps) > 1:
            return False
    return bool(sides)


def _hmisc_extremes(lines: list[_Line]) -> list[ListedTable]:
    """The ``lowest :`` and ``highest:`` lines of R's Hmisc ``describe()``: the five lowest and highest single
    values of a variable with many distinct values, each one unit's own value. Their lines are blanked."""
    rows: list[list[str]] = []
    at: list[int] = []
    for k, x in enumerate(lines):
        m = _HMISC_EXTREMES.match(x.text)
        if m is None:
            continue
        sides = [(side, [v.rstrip(",") for v in values.split() if _NUMERIC_CELL.match(v.rstrip(","))])
                 for side, values in ((m.group(1), m.group(2)), (m.group(3), m.group(4))) if side and values]
        lines[k] = _Line(x.number, "")
        if _shared_values(lines[:k], sides):
            continue
        for side, values in sides:
            rows.extend([side, v] for v in values)
            at.extend(x.number for _ in values)
    if len(rows) < 2:
        return []
    table = _table(["extreme", "value"], rows, at, Origin.LISTING,
                   "R Hmisc describe: extreme values (lowest, highest)", "hmisc-extremes")
    return [table] if table is not None else []


# quanteda's kwic() (and similar concordances): "[doc, pos]  pre | keyword | post", a passage of a document.
_KWIC_LINE = lazy_compile(r"^\s*\[[^\[\],]{1,60},\s*\d+(?::\d+)?\]\s+(.*?)\s*\|\s*(\S[^|]*?)\s*\|\s*(.*?)\s*$")


def _kwic_lines(lines: list[_Line]) -> list[ListedTable]:
    """A keyword-in-context listing (quanteda's ``kwic()``): each line quotes a passage of one document (a
    clinical note, a case file) around the keyword, a unit's own text; a listing of records (LOG001). The
    lines are blanked."""
    at = [k for k, x in enumerate(lines) if _KWIC_LINE.match(x.text)]
    if len(at) < 2:
        return []
    rows = [[f"passage {i + 1}", "quoted text"] for i in range(len(at))]
    table = ListedTable(TextTable(["passage", "text"], rows, lines[at[0]].number, "kwic"),
                        tuple(lines[k].number for k in at), Origin.LISTING, "keyword-in-context listing",
                        records="passages")
    for k in at:
        lines[k] = _Line(lines[k].number, "")
    return [table]


# Hmisc describe()'s frequency table of a variable with few distinct values, printed across: a line of the
# values, a line of their frequencies, a line of their proportions.
_HMISC_VALUE_LINE = lazy_compile(r"^\s*Value\s{2,}\S")
_HMISC_FREQUENCY_LINE = lazy_compile(r"^\s*Frequency((?:\s+\d+)+)\s*$")
_HMISC_PROPORTION_LINE = lazy_compile(r"^\s*Proportion(?:\s+[\d.]+)+\s*$")


# A stem-and-leaf plot: Stata's "Stem-and-leaf plot for bmi" ("  16* | 8"), R's stem() under "The decimal point
# is ..." ("  3 | 06"), SAS UNIVARIATE's "Stem Leaf  #" ("   5 8    1").
_STEM_TITLE = lazy_compile(r"Stem-and-leaf plot|The decimal point is|^\s*Stem\s+Leaf\s+#")
_STEM_BAR = lazy_compile(r"^\s*(-?\d+)[*.+tfsTFS]?\s*\|\s*(\d*)\s*$")
_STEM_SAS = lazy_compile(r"^\s*(-?\d+)\s+(\d+)\s+(\d+)(?:\s+\S.*)?$")


def _stem_leaf(lines: list[_Line]) -> list[ListedTable]:
    """A stem-and-leaf plot's leaves per stem, as a table of counts: each leaf is one unit's value, so a stem
    with one or two leaves prints one or two units' own values (TAB001 judges them as cells)."""
    at = next((k for k, x in enumerate(lines) if _STEM_TITLE.search(x.text)), None)
    if at is None:
        return []
    sas = bool(re.search(r"^\s*Stem\s+Leaf\s+#", lines[at].text))
    rows: list[list[str]] = []
    numbers: list[int] = []
    for x in lines[at + 1:]:
        if not x.text.strip():
            if rows and not sas:
                break
            continue
        m = (_STEM_SAS if sas else _STEM_BAR).match(x.text)
        if m is None:
            if rows:
                break
            continue
        rows.append([m.group(1), m.group(3) if sas else str(len(m.group(2)))])
        numbers.append(x.number)
    if len(rows) < 3:
        return []
    table = TextTable(["stem", "n"], rows, numbers[0], "stem-leaf", tuple(numbers))
    return [ListedTable(table, tuple(numbers), Origin.TABULATION, "a stem-and-leaf plot (leaves per stem)")]


_NP_HISTOGRAM = lazy_compile(r"^\s*\(array\(\[([\d,\s]+)\]\)\s*,\s*array\(\[([^\]]*)\]?")


def _np_histogram(lines: list[_Line]) -> list[ListedTable]:
    """NumPy's histogram printed as its pair of arrays (``(array([ 4, 5, 30, ...]), array([18.4, 24.51, ...]))``):
    the counts of its bins, labelled by their lower edges, as a table of counts."""
    text = " ".join(x.text for x in lines)
    m = _NP_HISTOGRAM.match(text)
    if m is None:
        return []
    counts = [c for c in re.split(r"[,\s]+", m.group(1).strip()) if c]
    edges = [e for e in re.split(r"[,\s]+", m.group(2).strip()) if e]
    if len(counts) < 3:
        return []
    labels = [f"from {edges[k]}" if k < len(edges) else f"bin {k + 1}" for k in range(len(counts))]
    number = lines[0].number
    table = TextTable(["bin", "n"], [[b, c] for b, c in zip(labels, counts, strict=True)], number, "histogram",
                      tuple(number for _ in counts))
    return [ListedTable(table, table.lines, Origin.TABULATION, "NumPy histogram (counts per bin)")]


def _hmisc_frequencies(lines: list[_Line]) -> list[ListedTable]:
    """The frequency tables of R's Hmisc ``describe()``: "Value 9 14 17" over "Frequency 1 1 1" over "Proportion
    0.143 ...", one column a value (right-aligned over its frequency), read as a table of a value and its
    frequency. The variable's name is the line above its "n missing distinct" header. Their lines are blanked."""
    found: list[ListedTable] = []
    for k in range(len(lines) - 2):
        value, freq = lines[k].text, lines[k + 1].text
        m = _HMISC_FREQUENCY_LINE.match(freq)
        if not _HMISC_VALUE_LINE.match(value) or m is None or not _HMISC_PROPORTION_LINE.match(lines[k + 2].text):
            continue
        ends = [e.end() for e in re.finditer(r"\d+", freq)]
        start = len(freq) - len(m.group(1))
        cells, left = [], start
        for end in ends:
            cells.append(value[left:end].strip() if left < len(value) else "")
            left = end
        counts = re.findall(r"\d+", m.group(1))
        if len(cells) != len(counts) or not all(cells):
            continue
        shares = lines[k + 2].text.split()[1:]
        name = next((lines[j - 1].text.strip() for j in range(k, max(k - 6, 0), -1)
                     if _HMISC_HEADER.match(lines[j].text) and j), "Value")
        rows = [[c, n, shares[i] if i < len(shares) else ""]
                for i, (c, n) in enumerate(zip(cells, counts, strict=True))]
        table = _table([name or "Value", "Frequency", "Proportion"], rows, [lines[k + 1].number] * len(rows),
                       Origin.TABULATION, "R Hmisc describe: frequencies", "hmisc-frequencies", labelled=1)
        if table is not None:
            found.append(table)
        for j in range(k, k + 3):
            lines[j] = _Line(lines[j].number, "")
    return found


# epiR's epi.2by2(): "             Outcome +    Outcome -      Total                 Inc risk *" over rows
# "Exposed +            2         3411       3413            0.06 (0.00 to 0.14)".
_EPI_2BY2_HEADER = lazy_compile(r"^\s*((?:Outcome|Disease|Cases?)\s*\+)\s+((?:Outcome|Disease|Controls?|Cases?)\s*-)\s+"
                                r"(Total)\b")
_EPI_2BY2_ROW = lazy_compile(r"^\s*((?:Exposed|Exposure|Strata?\s*\w*)\s*[+-]|Total)\s+(\d+)\s+(\d+)\s+(\d+)(?:\s|$)")


def _epi_2by2(lines: list[_Line]) -> list[ListedTable]:
    """epiR's ``epi.2by2()`` table of counts (outcome +/- by exposure +/-, with totals), its risk and odds
    columns ("0.06 (0.00 to 0.14)") left out: a 2 x 2 table of counts. Its lines are blanked."""
    found: list[ListedTable] = []
    for k, x in enumerate(lines):
        head = _EPI_2BY2_HEADER.match(x.text)
        if head is None:
            continue
        rows, at = [], []
        for j in range(k + 1, min(k + 6, len(lines))):
            m = _EPI_2BY2_ROW.match(lines[j].text)
            if m is None:
                break
            rows.append([" ".join(m.group(1).split()), m.group(2), m.group(3), m.group(4)])
            at.append(lines[j].number)
        if len(rows) < 2:
            continue
        names = ["Exposure", *(" ".join(g.split()) for g in head.groups())]
        table = _table(names, rows, at, Origin.TABULATION, "R epiR epi.2by2: counts", "epi-2by2", labelled=1)
        if table is not None:
            found.append(table)
        for j in range(k, k + 1 + len(rows)):
            lines[j] = _Line(lines[j].number, "")
    return found


# R's list printout: an element's name line ("$out", "$stats") and the vector lines under it ("[1] 19800 20400").
_R_LIST_ELEMENT = lazy_compile(r"^\s*\$([A-Za-z.][\w.]*)\s*$")
_R_VECTOR_LINE = lazy_compile(r"^\s*\[\s*\d+\]\s+(.*)$")


_R_BOX_OUT_CMD = lazy_compile(r"\bboxplot\.stats\s*\(.*\)\s*\$\s*out\b|\$\s*out\b.*\bboxplot\.stats\b")


def _r_box_outliers(lines: list[_Line], command: str) -> list[ListedTable]:
    """The ``$out`` element of R's ``boxplot.stats()`` (beside its ``$stats`` and ``$n``, or printed alone by
    ``boxplot.stats(x)$out``): the values beyond the whiskers, each one unit's own value (a box plot's
    outliers drawn as points). Their lines are blanked."""
    names = {m.group(1): k for k, x in enumerate(lines) if (m := _R_LIST_ELEMENT.match(x.text))}
    if "out" in names and "stats" in names:
        start = names["out"] + 1
    elif _R_BOX_OUT_CMD.search(_last_command(command)):
        start = next((k for k, x in enumerate(lines) if x.text.strip()), len(lines))
    else:
        return []
    rows: list[list[str]] = []
    at: list[int] = []
    for k in range(start, len(lines)):
        m = _R_VECTOR_LINE.match(lines[k].text)
        if m is None:
            break
        for v in m.group(1).split():
            if _NUMERIC_CELL.match(v):
                rows.append(["outlier", v])
                at.append(lines[k].number)
        lines[k] = _Line(lines[k].number, "")
    if not rows:
        return []  # "numeric(0)": no outliers
    table = _table(["extreme", "value"], rows, at, Origin.LISTING,
                   "R boxplot.stats: outliers beyond the whiskers (extreme values)", "r-box-outliers")
    return [table] if table is not None else []


def _means_class_rows(table: ListedTable) -> ListedTable:
    """PROC MEANS with CLASS variables and several analysis variables: the class values and ``N Obs`` are
    printed once, on the first variable's row (the others' rows repeat them, blank), and a label of several
    words is one cell (``Personindkomst i alt``, not three columns)."""
    t = table.table
    names = list(t.names)
    if "Variable" not in names and "N Obs" not in names:
        return table
    rows = [list(r) for r in t.rows]
    if "Label" in names:
        at = names.index("Label")
        end = at + 1
        while end < len(names) and _GENERATED_NAME.match(names[end]) \
                and not any(_NUMERIC_CELL.match(r[end]) for r in rows if end < len(r) and r[end]):
            end += 1
        if end > at + 1:
            rows = [[*r[:at], " ".join(c for c in r[at:end] if c), *r[end:]] for r in rows]
            names = [*names[:at + 1], *names[end:]]
    # the class columns (and N Obs) left of the analysis variable, or left of N Obs with one variable: a
    # blank repeats the row above (an outer class printed once over its inner ones: "decil 1" over kon 1, 2)
    left = names.index("Variable") if "Variable" in names else names.index("N Obs")
    for k in range(1, len(rows)):
        if any(rows[k][c].strip() for c in range(left, len(names))):
            for c in range(left):
                if not rows[k][c].strip():
                    rows[k][c] = rows[k - 1][c]
    return ListedTable(TextTable(names, rows, t.data_line, t.kind, t.lines, t.dimensions), table.lines,
                       table.origin, table.what)


_GENERATED_NAME = lazy_compile(r"^column_\d+$")


def _has_row_numbers(table: ListedTable) -> bool:
    """The first column is unnamed and counts the rows (R row names, a pandas index)."""
    t = table.table
    if not t.names or not (t.names[0] == "" or t.names[0].startswith("column_")) or len(t.rows) < 2:
        return False
    firsts = [r[0] for r in t.rows]
    if not all(f.isdigit() for f in firsts):
        return False
    values = [int(f) for f in firsts]
    return values[0] in (0, 1) and all(b - a == 1 for a, b in itertools.pairwise(values))


#: Paragraphs of output of no known program longer than this are not read again by the text-table readers
#: (a printed table is shorter; an application's log is one paragraph of hundreds of thousands of lines).
_FALLBACK_MAX_LINES = 1000

_STATA_LOOPS = frozenset({"forvalues", "forv", "foreach", "foreac", "while", "if", "program", "qui", "quietly",
                          "noisily", "capture", "cap", "else"})
_LOOP_ECHO = lazy_compile(r"^\s+\d+\.\s+(?!\s*\|)([A-Za-z_].*)$")


def _stata_loop(lines: list[_Line], language: Language, state: OutputState) -> list[ListedTable]:
    """Output of a Stata loop: the body's commands are echoed as numbered lines ("  2. tab x"); each one
    decides the output below it."""
    tables: list[ListedTable] = []
    command = "(loop)"
    chunk: list[_Line] = []

    def flush() -> None:
        if chunk and any(x.text.strip() for x in chunk):
            text = "\n".join(x.text for x in chunk)
            tables.extend(parse_output(text, chunk[0].number, language, ". " + command, state))

    for x in lines:
        m = _LOOP_ECHO.match(x.text)
        if m:
            flush()
            command = m.group(1)
            chunk = []
        else:
            chunk.append(x)
    flush()
    return tables


# R's str() and dplyr's glimpse(): one line per column with its first values ("$ lopnr: int  10231 10232 ...",
# "$ lopnr <int> 10231, 10232, ...").
_R_STR = lazy_compile(r"^\s*\$\s+([^\s:<]+)\s*(?::\s*\S+|<[^>]+>)\s+(.*)$")


def _r_structure(par: list[_Line]) -> list[ListedTable]:
    """``str()`` or ``glimpse()`` output with a key column: each column with the values of the first
    observations, read back into rows (observation k: the k-th value of every column), a listing of those
    observations. Factor columns print level codes, left out;
    a value cut short at the line's end (``7120…``) is left out with the rows it would start."""
    columns: list[tuple[str, list[str], int]] = []
    for x in par:
        m = _R_STR.match(x.text)
        if m is None or m.group(2).startswith(("w/", "Factor", "List of", "Named")):
            continue
        values = [v.strip('"') for v in re.split(r",?\s+|,", m.group(2).strip()) if v]
        if values and (values[-1].endswith(("…", "...")) or values[-1] in ("...", "…")):
            values = values[:-1]
        if len(values) >= 2:
            columns.append((m.group(1), values, x.number))
    from scanner.loaders.programs import key_kind
    from scanner.names import quasi_identifier_kind

    # The k-th value of every column is the k-th observation's: with a key, or with three columns or more of
    # which two describe a person (age, sex, municipality), those are persons' records (age and sex alone
    # among thousands identify nobody). Otherwise (the structure of a results frame: term, estimate) the
    # values are read as a column summary.
    persons = sum(1 for c, _, _ in columns if quasi_identifier_kind(c) is not None)
    if not any(key_kind(c) is not None for c, _, _ in columns) and (persons < 2 or len(columns) < 3):
        return []
    n = min(len(v) for _, v, _ in columns)
    names = [c for c, _, _ in columns]
    if len(set(names)) != len(names) or n < 2:
        return []
    rows = [[v[k] for _, v, _ in columns] for k in range(n)]
    table = TextTable(names, rows, columns[0][2], "r-str")
    return [ListedTable(table, tuple(columns[0][2] for _ in rows), Origin.LISTING,
                        "R str()/glimpse() values of the first observations")]


def _stata_input_echo(command: str, par: list[_Line]) -> list[ListedTable]:
    """The rows a Stata log echoes after ``input`` ("  1. 1234 34"), as data written into code."""
    text = "input " + command.split(None, 1)[1] if len(command.split(None, 1)) > 1 else ""
    body = "\n".join(x.text for x in par)
    return list(embedded_tables(text + "\n" + body + "\nend\n", par[0].number - 1, Language.STATA))


def _parse_paragraph(par: list[_Line], pars: list[list[_Line]], k: int, origin: Origin, what: str,
                     command: str, language: Language) -> tuple[ListedTable, int] | None:
    """A table in one paragraph (``pars[k]`` is the next one, which a header-only paragraph joins)."""
    if any(_MODEL_HEADER.search(x.text) for x in par) and not any(_LIFE_TABLE.search(x.text) for x in par[:8]) \
            and not any(_OBS_COLUMN.search(x.text) for x in par[:4]):
        # model output: estimates, not cells (a life table's confidence bands go with its counts). A table of
        # counts above the estimates (Stata cs/cc: cases and noncases by exposure, then the risk ratio) is
        # read without them and without its rows of decimals (Risk, Proportion exposed).
        first = next(i for i, x in enumerate(par) if _MODEL_HEADER.search(x.text))
        head = par[:first]
        while head and (not head[-1].text.strip(" |-+") or _DECIMALS_ONLY.match(head[-1].text)):
            head = head[:-1]
        if len(head) >= 4 and any(_BAR_RULE.match(x.text) for x in head):
            return _parse_paragraph(head, pars, k, origin, what, command, language)
        return None
    if sum(1 for x in par if _PLOT.search(x.text)) >= 2:
        return None  # a character plot (histogram, box plot, stem and leaf)
    if any(_LIST_ROW.match(x.text) for x in par):
        table = _stata_list(par, what)
        return (_unabbreviated(table, command), 0) if table is not None else None
    if origin is Origin.LISTING and language is Language.STATA and any(_LIST_BOX.match(x.text) for x in par):
        table = _stata_list_noobs(par, what)
        return (_unabbreviated(table, command), 0) if table is not None else None
    if any(_BAR_RULE.match(x.text) for x in par) and any("|" in x.text for x in par):
        # A table ruled with ---+--- (Stata tabulate, table, summarize): lines that start with "|" under a
        # row are its stacked statistics (tab x y, row col), not a box's edges, so this comes first.
        table = _bar_table(par, origin, what)
        return (table, 0) if table is not None else None
    if any(MARKDOWN_ALIGN.match(x.text) for x in par[1:3]):
        # a markdown pipe table printed to the console (knitr::kable, gtsummary's as_kable(), pandas
        # to_markdown()): its cells are whatever the table holds ("2 (1.5%)"), read by the pipe-table reader
        found = next(find_tables("\n".join(x.text for x in par), par[0].number), None)
        if found is not None:
            lines = found.lines or tuple(found.data_line + i for i in range(len(found.rows)))
            return ListedTable(found, lines, origin, what), 0
    if sum(1 for x in par if x.text.lstrip().startswith("|")) >= 2:
        # a table drawn in a box (SAS PROC TABULATE, a markdown pipe table): bars are column edges
        boxed = _box_table(par, origin, what)
        if boxed is not None and boxed.origin is Origin.LISTING and _tabulate_statistics(boxed.table.names):
            # PROC TABULATE prints no procedure title: a box whose columns end in its statistics ("N", "Sum",
            # "PctN") is its table of cells, not a listing of records (N = 1 beside one firm's Sum passed)
            boxed = dataclasses.replace(boxed, origin=Origin.TABULATION, what="SAS PROC TABULATE")
        if boxed is not None:
            return boxed, 0
        par = [_Line(x.number, x.text.replace("|", " ")) for x in par if not _BOX_RULE.match(x.text)]
        if len(par) < 2:
            return None
    if _SERIES_FOOT.match(par[-1].text):
        table = _series(par, command, what)
        return (table, 0) if table is not None else None
    if language is Language.R and (_R_TABLE_CMD.search(command) or _R_SUMS_CMD.search(command)):
        # (a table of two variables is never read as one of one: "utd 0 1" over "1 966187 45354" is a
        # crosstab's header and first row, not labels over counts)
        oneway = [functools.partial(_r_oneway, command=command)] \
            if _r_table_vars(command) < 2 and "statetable" not in command else []
        twoway = [_r_named_levels] if _r_table_vars(command) == 2 else []
        for parser in (*oneway, _r_twoway, _r_level_header, *twoway):
            table = parser(par, what)
            if table is not None:
                return table, 0
    if language is Language.PYTHON:
        table = _pandas_levels(par, origin, what)
        if table is not None:
            return table, 0
    rows = [x for x in par if not _RULE.match(x.text)]
    if len(rows) == 2:
        # R's summary() and quantile(): statistics' names over one row of numbers (min and max among them)
        one = summary_row([(x.number, x.text) for x in rows])
        if one is not None:
            return ListedTable(one, (rows[1].number,), origin, what), 0
    first = next((i for i, x in enumerate(rows) if _is_data(x.text) and not _tab_levels_line(rows, i)), None)
    used_next = 0
    index_name = ""
    if first is None:
        # a header alone in its paragraph (SAS PROC PRINT puts a blank line under it): join the rows below
        # (only across one blank line, and only a line of column names: "Obs    x", not "Sample Size = 446")
        if k < len(pars) and len(rows) <= 3 and pars[k][0].number == par[-1].number + 2 \
                and _GAP.search(rows[-1].text) and "=" not in rows[-1].text \
                and all(_is_data(x.text) or _RULE.match(x.text) for x in pars[k]):
            header, data = rows, [x for x in pars[k] if not _RULE.match(x.text)]
            used_next = 1
        else:
            return None
    else:
        # (a stratum's label over the first rows, "sex = Women" under ltable's rule, names no column)
        header, data = rows[:first], rows[first:]
        # (pandas prints an index's name alone at the margin under the indented column names: "klynge" over
        # the clusters 0..5, labels however they look, no row numbers)
        if language is Language.PYTHON and len(header) == 2 and header[0].text[:1].isspace() \
                and _IDENTIFIER.match(header[1].text.rstrip()) and not header[1].text[:1].isspace():
            index_name = header[1].text.strip()
        while len(header) > 1 and _stratum_label(header[-1], rows):
            header = header[:-1]
        # a class title alone on the line above the rows ("region" in PROC TABULATE) names no column
        while len(header) > 1 and len(header[-1].text.split()) == 1:
            header = header[:-1]
    # a stratum's label between rows (Stata's "treat=1" in ltable and sts list) starts more rows of the table
    strata = _strata(rows)
    data = [x for x in data if not _stratum_label(x, rows)]
    # rows end where lines stop holding numbers (a footnote, a note under the table)
    end = next((i for i, x in enumerate(data) if not _is_data(x.text)), len(data))
    data = data[:end]
    if not header or len(data) < (2 if origin is Origin.OUTPUT else 1):
        # a block of numbers with no header: nothing tells what the columns are; a single line of
        # other output ("log type:  text") is no table
        return None
    table = _columns(_fitting_header(header, data), data, origin, what)
    if table is None:
        return None
    if len({strata[n] for n in table.lines if n in strata}) >= 2:
        table = _with_strata(table, strata)
    if index_name and (table.table.names[0] == "" or table.table.names[0].startswith("column_")):
        t = table.table
        named = TextTable([index_name, *t.names[1:]], t.rows, t.data_line, t.kind, t.lines, (index_name,))
        return _describe_frame(dataclasses.replace(table, table=named)), used_next
    return _describe_frame(_without_obs(table)), used_next


def _stratum_label(x: _Line, rows: list[_Line]) -> bool:
    """Whether ``x`` is a stratum's label standing alone over its rows: ``treat=1``, ``sex = Women`` (Stata's
    ltable), or a level's name at the left margin with data on the next line (``sts list, by(behandling)``:
    "Kirurgi", "Aktiv overvåking")."""
    if _STRATUM.match(x.text):
        return True
    text = x.text.rstrip()
    words = text.split()
    if not 1 <= len(words) <= 4 or _GAP.search(text) or any(ch.isdigit() for ch in text) \
            or len(text) - len(text.lstrip()) > 2 or text.rstrip().endswith(":"):
        return False
    after = next((r for r in rows if r.number > x.number), None)
    return after is not None and _is_data(after.text)


def _strata(rows: list[_Line]) -> dict[int, tuple[str, str]]:
    """The stratum (variable, value) each line of a table is under, when labels such as ``treat=1`` stand
    alone between its rows; empty when there are none."""
    out: dict[int, tuple[str, str]] = {}
    current: tuple[str, str] | None = None
    for x in rows:
        if _STRATUM.match(x.text):
            name, _, value = x.text.strip().partition("=")
            current = (name.strip(), value.strip())
        elif _stratum_label(x, rows):
            current = ("", x.text.strip())
        elif current is not None:
            out[x.number] = current
    return out


# The first statistic column of a SAS FREQ or MEANS table: the columns left of it are the class variables.
_SAS_FIRST_STATISTIC = frozenset({"frequency", "n obs", "n", "_freq_", "count"})


def _sas_class_columns(table: ListedTable) -> ListedTable:
    """A SAS FREQ or MEANS table with the columns left of its first statistic ("Frequency", "N Obs") as its
    class variables: their values are codes ("muutto" 0 and 1), not counts."""
    t = table.table
    first = next((k for k, n in enumerate(t.names) if n.strip().lower() in _SAS_FIRST_STATISTIC), 0)
    if first == 0:
        return table
    dims = tuple(dict.fromkeys((*t.dimensions, *t.names[:first])))
    return dataclasses.replace(table, table=dataclasses.replace(t, dimensions=dims))


def _retitled(table: ListedTable, names: list[str], rows: list[list[str]] | None = None) -> ListedTable:
    """``table`` with its columns named ``names`` (and its cells ``rows``, when given); the columns it groups
    by keep that role when their names stay."""
    t = table.table
    named = unique_names(names)
    return ListedTable(TextTable(named, t.rows if rows is None else rows, t.data_line, t.kind, t.lines,
                                 tuple(d for d in t.dimensions if d in named)),
                       table.lines, table.origin, table.what, table.records)


_COUNTS_HEADER = lazy_compile(r"(?<![\w.])N(?![\w.])|Frequency|[Ff]rekvens|\bEvents?\b|\bCensored\b")


def _counts_header(par: list[_Line]) -> bool:
    """A table of a model procedure that holds counts: its header (lines without digits) names a count column
    (``N``, ``Total Frequency``, ``Event``/``Censored``): LOGISTIC's Response Profile, PHREG's events per
    stratum, CORR's Simple Statistics, TTEST's groups. Estimates, fit statistics and the procedure's settings
    (key-value lines with numbers) are not read."""
    header = []
    for x in par:
        # (a variable's name may hold digits: "Value  dead30  Frequency")
        if any(ch.isdigit() for ch in x.text) and _is_data(x.text):
            break
        header.append(x.text)
    return bool(header) and any(_COUNTS_HEADER.search(h) for h in header) \
        and not any(_MODEL_HEADER.search(h) for h in header)


# SAS's Response Profile in English and as a Nordic locale prints it ("Responsprofil", "Ordnet værdi",
# "Total frekvens"; Swedish "Svarsprofil", "Ordnat värde").
_RESPONSE_PROFILE = lazy_compile(r"response profile|responsprofil|svarsprofil", re.IGNORECASE)
_ORDERED_VALUE = lazy_compile(r"ordered value|ordnet v(æ|ae|e)rdi|ordnet verdi|ordnat v(ä|a)rde", re.IGNORECASE)
_FREQUENCY_NAME = lazy_compile(r"frequency|frekvens|weight|v(æ|ae)gt|vekt|vikt", re.IGNORECASE)


def _response_profile(table: ListedTable) -> ListedTable:
    """SAS LOGISTIC's (and GENMOD's, PROBIT's) Response Profile: the "Ordered Value" numbers the response's
    levels, the next column is the level (a code: ``doed`` 1 and 0), and only the frequencies are counts. The
    levels become text labels (``doed=1``) and the numbering goes."""
    t = table.table
    keep = [k for k, n in enumerate(t.names) if not _ORDERED_VALUE.fullmatch(n.strip())]
    counted = [k for k in keep if _FREQUENCY_NAME.search(t.names[k])]
    if not counted or len(keep) == len(t.names):
        return table
    rows = [[(f"{t.names[k]}={r[k]}" if k not in counted and r[k] else r[k]) for k in keep] for r in t.rows]
    return _retitled(table, [t.names[k] if k in counted else "response level" for k in keep], rows)


def _with_strata(table: ListedTable, strata: dict[int, tuple[str, str]]) -> ListedTable:
    """``table`` with its rows' stratum (``treat=1``, text: a code's value is no count) as a first column:
    the strata make its rows' labels unique."""
    t = table.table
    rows = [["=".join(x for x in strata[n] if x) if n in strata else "", *r]
            for n, r in zip(table.lines, t.rows, strict=True)]
    return _retitled(table, ["stratum", *t.names], rows)


def _several_numbers_a_cell(table: ListedTable) -> bool:
    """Whether a cell of the table holds several numbers one space apart ("52 70 19 94") beside cells of a
    count with its percentage ("2 (0.1%)"): columns read off their place."""
    cells = [c for r in table.table.rows for c in r[1:] if c]
    return any(COUNT_PERCENT.fullmatch(c) for c in cells) and any(
        len(c.split()) >= 2 and all(_NUMERIC_CELL.match(t) for t in c.split()) for c in cells)


_BRACKETED_PERCENT = lazy_compile(r"\(\s*\d[\d.,]*\s*%?\s*\)")


def _percent_split_off(table: ListedTable) -> bool:
    """Whether a cell of the table is a percentage alone in brackets ("( 0.2)") beside cells of a count with
    its percentage ("27 ( 0.7)"): tableone pads its percentages with a space, and the column gutter fell
    inside a cell."""
    cells = [c.strip() for r in table.table.rows for c in r[1:] if c]
    return any(COUNT_PERCENT.fullmatch(c) for c in cells) and any(_BRACKETED_PERCENT.fullmatch(c) for c in cells)


def _header_of_cells(table: ListedTable) -> bool:
    """Whether the table's column names are a row of counts with percentages ("623 (1.0%)"): the header was
    taken from a row of data (a Table 1 whose variables' names stand alone on their lines)."""
    return sum(1 for n in table.table.names if COUNT_PERCENT.fullmatch(n.strip())) >= 2


def _count_percent_table(par: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A "Table 1" printed with single spaces between its cells (:func:`count_percent_table`)."""
    t = count_percent_table([(x.number, x.text) for x in par if not _RULE.match(x.text)])
    return ListedTable(t, t.lines, origin, what) if t is not None else None


# aggregate(loen ~ branche, FUN = length): the value column holds each group's number of rows, whatever
# variable it is named after.
_R_COUNTING = lazy_compile(r"\baggregate\s*\(.*\bFUN\s*=\s*(?:length|NROW|nrow)\b")


def _counted_column(table: ListedTable) -> ListedTable:
    """``table`` with its last column named ``n``: the counts R's aggregate(..., FUN = length) prints under
    the variable's name."""
    return _retitled(table, [*table.table.names[:-1], "n"])


def _ftable_names(table: ListedTable) -> ListedTable:
    """R's ftable() prints the column variable's name before its first level on the header line (``aar 2020
    2021``): the first column of counts is named by its level alone (``2020``), as the others are."""
    t = table.table
    for i, name in enumerate(t.names[:-1]):
        head, _, level = name.rpartition(" ")
        if head and level and t.names[i + 1] and " " not in t.names[i + 1]:
            return _retitled(table, [*t.names[:i], level, *t.names[i + 1:]])
    return table


def _same_columns(joined: Sequence[str], first: Sequence[str]) -> bool:
    """The names of a table read again with the rows below it: the same, or the same once the columns
    only its first row made are gone (one row's "Aalborg UH" is two columns, "column_2" among them, until
    the rows below show that the gap is inside the label)."""
    return list(joined) == list(first) or (
        len(joined) < len(first) and [n for n in first if not n.startswith("column_")] == list(joined))


def _double_spaced(table: ListedTable, body: list[_Line], pars: list[list[_Line]], k: int, origin: Origin,
                   what: str, command: str, language: Language) -> tuple[ListedTable, int]:
    """``table`` (read from the lines ``body``) with the rows printed below it after a blank line each (SAS
    PROC MEANS and SUMMARY put a blank line between CLASS levels; a report double-spaced): each following
    paragraph one blank line down, of data lines only, joins when the lines read together give the same
    columns and more rows. Returns the table and the index of the next paragraph not used."""
    while k < len(pars) and pars[k][0].number == body[-1].number + 2 \
            and all(_is_data(x.text) or _RULE.match(x.text) for x in pars[k]) and _is_data(pars[k][0].text):
        found = _parse_paragraph(body + pars[k], pars, k + 1, origin, what, command, language)
        if found is None or found[1] or not _same_columns(found[0].table.names, table.table.names) \
                or len(found[0].table.rows) <= len(table.table.rows):
            break
        table, body, k = found[0], body + pars[k], k + 1
    return table, k


def _box_table(par: list[_Line], origin: Origin, what: str) -> ListedTable | None:
    """A table drawn in a box of ``|`` and rules (SAS PROC TABULATE): each line split at its bars. Lines
    above the first labelled row of numbers are the header (column levels and statistics, joined per
    column: ``KOEN | 1 | N``); a labelled line without numbers names the rows (``REGION``). None unless
    every row splits into the same number of cells."""
    kept = [x for x in par if x.text.lstrip().startswith("|") and not _BOX_RULE.match(x.text)]
    # (a cell of rule characters, "|-----|" under a spanning header, is empty)
    rows = [["" if _BOX_RULE.match(c) else c.strip() for c in x.text.strip().strip("|").split("|")] for x in kept]
    indents = [len(c) - len(c.lstrip()) for c in (x.text.strip().strip("|").split("|")[0] for x in kept)]
    keep = [i for i, r in enumerate(rows) if any(r)]
    rows, lines = [rows[i] for i in keep], [kept[i].number for i in keep]
    indents = [indents[i] for i in keep]
    if len(rows) < 2:
        return None
    width = max(len(r) for r in rows)
    # a header cell spanning columns (KOEN over 1 and 2) is one cell: spread it over the columns below
    first = next((i for i, r in enumerate(rows) if r[0] and len(r) == width
                  and any(_NUMERIC_CELL.match(c) for c in r[1:] if c)), None)
    if first is None or width < 2:
        return None
    # a class level alone on its line above its indented rows (PROC TABULATE's nested rows: "Tyrkiet" over
    # "  Dansk oprindelse"): it starts the data, as the first group's label
    while first > 0 and rows[first - 1][0] and not any(rows[first - 1][1:]) \
            and indents[first - 1] < indents[first] and len(rows[first - 1]) == width:
        first -= 1
    header = rows[:first]
    names = []
    for k in range(1, width):
        parts = []
        for h in header:
            if len(h) == width:
                parts.append(h[k])
            elif len(h) > 1:  # a spanning cell: the columns under it share it
                parts.append(h[min(1 + (k - 1) * (len(h) - 1) // (width - 1), len(h) - 1)])
        names.append(" | ".join(p for p in parts if p))
    stub = next((h[0] for h in header if h and h[0]), "")
    data: list[list[str]] = []
    at: list[int] = []
    parents: list[tuple[int, str]] = []  # (indent, label) of the class levels above the rows
    for r, n, indent in zip(rows[first:], lines[first:], indents[first:], strict=True):
        if len(r) != width:
            return None
        while parents and parents[-1][0] >= indent:
            parents.pop()
        if not any(c for c in r[1:]):
            if r[0]:
                parents.append((indent, r[0]))  # a level over indented rows, or a class name ("REGION")
            stub = stub or r[0]
            continue
        if parents and parents[-1][0] < indent:
            r = [" | ".join([*(p for _, p in parents), r[0]]), *r[1:]]
        data.append(r)
        at.append(n)
    if not data:
        return None
    return _table([stub or "label", *names], data, at, origin, what, "box")


_DT_ROW = lazy_compile(r"^\d+:$")
# A row of a printed table whose numbers all have decimals ("Risk |  0.024390  0.026616 |  0.026455").
_DECIMALS_ONLY = lazy_compile(r"^[^|\d]*\|?(?:[\s|]*[-+]?\d*\.\d+)+[\s|]*$")


def _describes_persons(names: Sequence[str]) -> bool:
    """Columns of two attributes of a person or more, an age among them ("KOEN ALDER KOMNAVN")."""
    from scanner.names import PERSON_ATTRIBUTES, quasi_identifier_kind

    kinds = {quasi_identifier_kind(n) for n in names}
    return "age" in kinds and len(kinds & PERSON_ATTRIBUTES) >= 2


def _without_obs(table: ListedTable) -> ListedTable:
    """A SAS PROC PRINT listing without its ``Obs`` column (the observation numbers 1..n it adds), and a
    printed data frame's listing without its row names (R's, unnamed: the rows' numbers in the frame, 312
    and 2290 for a subset; a pandas index), which are not counts."""
    from scanner.names import identifier_kind

    t = table.table
    unnamed = bool(t.names) and (t.names[0] == "" or t.names[0].startswith("column_"))
    if unnamed and len(t.names) >= 2 and t.rows and all(_DT_ROW.match(r[0]) for r in t.rows):
        # data.table's row numbers ("1:", "2:"), whatever printed the table
        return ListedTable(TextTable(t.names[1:], [r[1:] for r in t.rows], t.data_line, t.kind), table.lines,
                           table.origin, table.what)
    row_names = table.origin is Origin.LISTING and unnamed
    if not t.names or (t.names[0] != "Obs" and not row_names) or len(t.names) < 2:
        return table
    if not all(r[0].isdigit() for r in t.rows):
        return table
    numbers = [int(r[0]) for r in t.rows]
    # row names of rows picked out of a large frame (a sort and head(), a filter): 88214, 91203, 4410
    picked = row_names and max(numbers) >= _PICKED_FROM \
        and numbers != list(range(numbers[0], numbers[0] + len(numbers)))
    origin, what = table.origin, table.what
    if t.names[0] == "Obs" and origin is Origin.OUTPUT and numbers == list(range(1, len(numbers) + 1)) \
            and (any(identifier_kind(n) for n in t.names[1:]) or _describes_persons(t.names[1:])):
        # SAS PROC PRINT's observation numbers 1..n beside a key column, in a listing saved without the SAS
        # System's banner ("kontroll_taxvarden.lst" under its own TITLE: fastbet): a listing of observations
        origin, what = Origin.LISTING, "SAS PROC PRINT"
    return ListedTable(TextTable(t.names[1:], [r[1:] for r in t.rows], t.data_line, t.kind), table.lines,
                       origin, what, "picked" if picked else table.records)


#: A printed frame's row numbers from this many on say its rows were picked out of a frame of that many rows.
_PICKED_FROM = 1000


_PLOT = lazy_compile(r"\*{3,}|\bHistogram\b|\bBoxplot\b|Stem Leaf|Probability Plot|^\s*[-\d.]*[+|]\s*\*|^\s+\.\*")
_MODEL_HEADER = lazy_compile(r"Coef\.|Coefficient|Std\. ?[Ee]rr|Odds [Rr]atio|Haz(?:ard|\.) [Rr]atio|P>\||Pr\(>|"
                           r"\[95% [Cc]onf|Conf\. [Ii]nterval|\bEstimate\b|Std\. Error|exp\(coef\)|\bdy/dx\b|"
                           r"(?<![\w])[zt] value(?!\w)|Wald Chi-Square|Pr > ChiSq|Pr > \|t\||Parameter Estimates|"
                           r"Sum of Squares|Mean Square|Log [Ll]ikelihood|Residual")


# The header of a life table (Stata ltable and sts list, R survfit, SAS LIFETEST): persons at risk, failed and
# censored per interval are counts, even beside confidence bands.
_LIFE_TABLE = lazy_compile(r"\bBeg\.|\bn\.risk\b|\bat\s+risk\b|\bSurvivor\b|\bNumber\s+(?:Failed|Left)\b|\bn\.event\b",
                         re.IGNORECASE)
# ttest's difference of the groups' means under them: an estimate, no group
_TTEST_DIFF = lazy_compile(r"^\s*diff(?:erence)?\s*\|")
# Stata's ttest, ci and mean print each group's number of observations ("Group |  Obs  Mean  Std. err.") beside
# its estimates: the Obs column is counts, and a group of 2 shows both values through its mean and spread.
_OBS_COLUMN = lazy_compile(r"\|\s+Obs\s{2,}\S")
_STRATUM = lazy_compile(r"^\s*[A-Za-z_][\w.]*\s*=\s*\S+\s*$")


def _data_spans(lines: list[str], data_from: int) -> int:
    return len(_spans(lines, data_from))


def _variable_over_levels(text: str) -> bool:
    """A header line that is one word naming a dimension (``koen``, ``region``, ``sex``)."""
    from scanner.names import DIMENSION_WORDS, quasi_identifier_kind

    words = text.split()
    return len(words) == 1 and (quasi_identifier_kind(words[0]) is not None or words[0].lower() in DIMENSION_WORDS)


def _fitting_header(header: list[_Line], data: list[_Line]) -> list[_Line]:
    """The header lines right above the rows that fit their columns: the last one, and each line above it
    that does not run across a gap between columns (a title or a note above a table is not its header)."""
    texts = [x.text.expandtabs(8).rstrip() for x in data]
    # the column variable's name alone over its levels (SPSS "koen" over "Mand  Kvinde  Total") names no
    # column: "koen Mand" would read as a dimension
    header = [x for x in header[:-1] if not _variable_over_levels(x.text)] + header[-1:]
    kept = [header[-1]]
    base = _data_spans([kept[0].text.expandtabs(8).rstrip(), *texts], 1)
    for x in reversed(header[:-1]):
        if "=" in x.text:
            break  # a stratum ("rx=1", "ph.ecog=0") or a note ("Sample Size = 446") above the table
        below = [k.text.expandtabs(8).rstrip() for k in kept]
        line = x.text.expandtabs(8).rstrip()
        if _data_spans([line, *below, *texts], len(kept) + 1) < base:
            # one word centred over two columns (SAS LIFETEST's "Interval" over "[Lower, Upper)") leaves the
            # line's other words their columns ("Survival" over "Standard" over "Error")
            line = _without_one_spanning_word(line, below, texts, base)
            if line is None:
                break
            x = dataclasses.replace(x, text=line)
        kept.insert(0, x)
    return kept


def _without_one_spanning_word(line: str, below: list[str], texts: list[str], base: int) -> str | None:
    """The header line with the one word blanked that runs across a gap between columns, when the line then
    fits and keeps two words or more; None when no single word does (a title above the table)."""
    words = list(_NAME_TOKEN.finditer(line))
    if len(words) < 3:
        return None
    for w in words:
        trial = line[:w.start()] + " " * (w.end() - w.start()) + line[w.end():]
        if _data_spans([trial, *below, *texts], len(below) + 1) >= base:
            return trial
    return None


# --- reading a log ---------------------------------------------------------------------------------------


def _embedded_in_log(buf: np.ndarray, marks: np.ndarray, codec: str, language: Language,
                     mode: int) -> list[ListedTable]:
    """Data written into the code a log echoes (SAS ``datalines;`` source lines, R ``data.frame(...)``), at
    the statements the kernel marked: the code around each is decoded without the log's prefixes."""
    from kernels.logscan import MODE_R, MODE_SAS

    if mode not in (MODE_SAS, MODE_R) or not len(marks):
        return []
    tables: list[ListedTable] = []
    seen: set[tuple[int, tuple[str, ...]]] = set()
    prefix = re.compile(r"^\d+ +(?:\! )?|^[>+] ?")
    source = re.compile(r"^\d+ " if mode == MODE_SAS else r"^[>+] ")
    for start, _, line in marks.tolist():
        # the code around the statement: 40 lines before it (the INPUT statement), and what follows
        a = start
        back = 0
        while a > 0 and back < 40:
            a -= 1
            if buf[a] == 10:
                back += 1
        a = a + 1 if buf[a] == 10 else a
        text = decode(buf[a:min(buf.shape[0], start + (4 << 20))].tobytes(), codec)
        first = line - int(np.count_nonzero(buf[a:start] == 10))
        code_lines: list[str] = []
        for t in text.split("\n"):
            if not source.match(t):
                # not echoed code (a NOTE, printed output): an empty line keeps the numbering; after the
                # statement, the first such line ends the data
                code_lines.append("")
                if len(code_lines) > back + 1 and t.strip():
                    break
                continue
            code_lines.append(prefix.sub("", t, count=1))
        for table in embedded_tables("\n".join(code_lines), first, language):
            key = (table.lines[0], tuple(table.table.names))
            if key not in seen:  # two statements in one stretch of code find the same data twice
                seen.add(key)
                tables.append(table)
    return tables


def _segment(buf: np.ndarray, codec: str, read: LogRead, first_line: int, threads: int, state: OutputState,
             names: dict[int, str | None], *, code: bool, tables: bool, embedded: bool) -> Iterator[LogPart]:
    """Everything in one buffer of log bytes, part by part (:func:`~scanner.loaders.programs.iter_scan`)."""
    from kernels.logscan import MODE_PYTHON, MODE_R, MODE_STATA

    part = LogPart()
    if tables and read.language is Language.SAS:
        part.tables.extend(_sas_vectors_in(buf, codec, first_line))
        part.tables.extend(_sas_records_in(buf, codec, first_line))
        part.tables.extend(_sas_macro_keys_in(buf, codec, first_line))
        part.tables.extend(_sas_steps_in(buf, codec, first_line, state))
    # Where commands are echoed, one-line outputs are kept too: a key's values on one line (levelsof lopnr)
    one_line = read.mode in (MODE_STATA, MODE_R, MODE_PYTHON)
    data_seen = 0  # the end of the last block whose commands were read for what they do to the data
    mplus_section = ""  # (an Mplus output's section at the current piece)
    for scan in iter_scan(buf, read.mode, threads=threads, first_line=first_line, min_lines=1 if one_line else 2):
        if code and len(scan.comparisons):
            part.comparisons.extend(judge_comparisons(buf, scan.comparisons, codec, read.language, read.mode, names))
        if embedded and len(scan.marks):
            part.tables.extend(_embedded_in_log(buf, scan.marks, codec, read.language, read.mode))
        for row in scan.blocks if tables else ():
            start, end, line, n_lines, cmd_start, cmd_end = (int(v) for v in row)
            command = decode(buf[max(cmd_start, cmd_end - 4096):cmd_end].tobytes(), codec) if cmd_start >= 0 else ""
            if read.language in (Language.STATA, Language.R, Language.PYTHON) and cmd_start > data_seen:
                # (the commands since the last block that printed nothing: a collapse, an assignment)
                remember_data(decode(buf[max(data_seen, cmd_start - _GAP_BYTES):cmd_start].tobytes(), codec),
                              read.language, state)
            if n_lines < 2 and command:
                remember_data(command, read.language, state)  # (a one-line output's command: "agg <- ...")
            data_seen = max(data_seen, end)
            if n_lines < 2:
                # a one-line output is read only for a key's values (no table is one line), and for the size R
                # printed for an object ("> nrow(sub)" "[1] 2": the N of a summary(sub$x) after it)
                if end - start <= _ONE_LINE_BYTES:
                    one = decode(buf[start:end].tobytes(), codec)
                    part.tables.extend(key_values_line(one, line, read.language, command, read.tool, state))
                    # (a step of the selection: "(1 observation deleted)", nrow() after a filter, SAS's notes)
                    part.tables.extend(_dropped_counts([_Line(line, one.strip("\r\n"))], read.language, command,
                                                       state))
                    if read.language is Language.R:
                        _remember_size(command, one, state)
                    elif read.language is Language.STATA:
                        # ("display loenind[1017]": one observation's value)
                        part.tables.extend(_stata_subscripted([_Line(line, one.strip("\r\n"))], command))
                    # a count displayed after its name ("Antal fædre under 20 år ..., Fanø: 2"): one cell
                    part.tables.extend(_displayed_count(one.strip("\r\n"), line))
                continue
            for piece_start, piece_end in _pieces(buf, start, end):
                text = decode(buf[piece_start:piece_end].tobytes(), codec)
                shown = text
                if read.tool == MPLUS:
                    shown, mplus_section = _mplus_counts(text, mplus_section)
                for table in parse_output(shown, line, read.language, command, state, tool=read.tool):
                    if table.origin is Origin.EMBEDDED and not embedded:
                        continue
                    part.tables.append(table)
                models = model_sizes(text, line)
                if read.tool == MPLUS:
                    # ("Number of groups  1" of an Mplus analysis: the groups of a multigroup model, no units)
                    models = [m for m in models if m.what != GROUP_COUNT]
                part.models.extend(models)
                line += text.count("\n")
        if len(part.tables) >= PART_TABLES or len(part.comparisons) >= PART_TABLES:
            yield part
            part = LogPart()
    yield part


def _pieces(buf: np.ndarray, start: int, end: int, limit: int | None = None) -> Iterator[tuple[int, int]]:
    """``buf[start:end]`` in pieces of at most ``limit`` bytes, cut after a blank line (a paragraph's end:
    printed tables are read paragraph by paragraph), else after a line break, so a block of printed output
    that never ends (an application's log: one block of hundreds of megabytes) is parsed in bounded memory."""
    limit = MAX_BLOCK_BYTES if limit is None else limit
    while end - start > limit:
        window = buf[start + limit // 2:start + limit].tobytes()
        rel = -1
        for mark in (b"\n\n", b"\n\r\n", b"\n"):  # after a blank line (LF, CRLF), else after a line
            at = window.rfind(mark)
            if at >= 0:
                rel = at + len(mark)
                break
        cut = start + limit // 2 + rel if rel >= 0 else start + limit
        yield start, cut
        start = cut
    yield start, end


#: Bytes of echoed code before a block read for what it does to the data (a collapse, an aggregation).
_GAP_BYTES = 1 << 16


def read_log(path: Path, *, threads: int = 1, code: bool = True, tables: bool = True,
             embedded: bool = True, name: str | None = None) -> Iterator[LogPart]:
    """The tables, comparisons and embedded data of a log or listing, in parts (bounded memory).

    ``code``: read the echoed code for comparisons of keys with literals; ``tables``: parse printed output;
    ``embedded``: data written into echoed code; ``name``: the file's name as scanned (an archive member is
    read from a temporary copy). Raises LoadError when the file cannot be read.
    """
    try:
        with open_file(path) as fh:
            head_bytes = fh.read(1 << 16)
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    from scanner.loaders.textio import guess_encoding

    head = decode(head_bytes, guess_encoding(head_bytes, complete=len(head_bytes) < (1 << 16)))
    wide = wide_codec(head_bytes)
    if wide is not None:
        head = head_bytes.decode(wide, errors="replace")
    read = detect_log(head, name or path.name)
    state = OutputState()
    names: dict[int, str | None] = {}
    log.debug("reading %s as %s", path.name, read.tool)
    if read.smcl or wide is not None:
        from scanner.loaders.text import iter_text

        for chunk in iter_text(path, chunk_bytes=STREAM_BYTES, encoding=wide):
            text = strip_smcl(chunk.text) if read.smcl else chunk.text
            data = text.encode("utf-8")
            yield from _segment(np.frombuffer(data, dtype=np.uint8), "utf-8", read, chunk.first_line, threads,
                                state, names, code=code, tables=tables, embedded=embedded)
        return
    try:
        buf, codec, mm = open_bytes(path)
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    try:
        yield from _segment(buf, codec, read, 1, threads, state, names, code=code, tables=tables, embedded=embedded)
    finally:
        del buf
        if mm is not None:
            # a view may still be referenced: the map then closes when it is collected
            with contextlib.suppress(BufferError):
                mm.close()


# --- notebooks ---------------------------------------------------------------------------------------------


class _HtmlTables(html.parser.HTMLParser):
    """Tables in an HTML fragment (pandas ``to_html``, knitr): header cells and rows of cell text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[str]], list[list[str]]]] = []
        self._head: list[list[str]] = []
        self._body: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._depth = 0
        self._sup = 0
        self._rowspan = 1
        # cells spanning rows down (pandas' MultiIndex: an outer level's <th rowspan="3">): column -> (rows
        # left, text)
        self._carried: dict[int, tuple[int, str]] = {}

    def _carry(self) -> None:
        """Put the cells that span down from the rows above into the current row, at their columns."""
        assert self._row is not None
        while len(self._row) in self._carried:
            col = len(self._row)
            left, text = self._carried.pop(col)
            self._row.append(text)
            if left > 1:
                self._carried[col] = (left - 1, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "sup" and self._cell is not None:
            self._sup += 1  # a footnote mark (gt's "N = 25<sup>1</sup>"): not a digit of the cell
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")  # "<strong>Kontroll</strong><br />N = 25": two words, not one
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._head, self._body = [], []
        elif self._depth != 1:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
            if self._in_head:
                self._carried = {}
        elif tag in ("td", "th") and self._row is not None:
            self._carry()
            self._cell = []
            span = dict(attrs).get("colspan")
            self._span = int(span) if span and span.isdigit() else 1
            down = dict(attrs).get("rowspan")
            self._rowspan = min(int(down), 10_000) if down and down.isdigit() else 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup" and self._sup:
            self._sup -= 1
        elif tag == "table":
            if self._depth == 1:
                self.tables.append((self._head, self._body))
            self._depth = max(0, self._depth - 1)
        elif self._depth != 1:
            return
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._sup = 0  # (a mark left open ends with its cell)
            text = " ".join("".join(self._cell).split())
            for _ in range(max(1, getattr(self, "_span", 1))):
                if self._rowspan > 1 and not self._in_head:
                    self._carried[len(self._row)] = (self._rowspan - 1, text)
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._carry()
            (self._head if self._in_head else self._body).append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._sup:
            self._cell.append(data)


def html_tables(fragment: str, line: int, origin: Origin, what: str) -> list[ListedTable]:
    """The tables of an HTML fragment (a notebook's ``text/html`` output)."""
    parser = _HtmlTables()
    try:
        parser.feed(fragment)
        parser.close()
    except (ValueError, AssertionError):
        return []
    out = []
    for head, body in parser.tables:
        if not body:
            continue
        width = max(len(r) for r in body)
        # pandas writes the index name on a second header row: the first header row names the columns
        names = list(head[0]) if head else [f"column_{i + 1}" for i in range(width)]
        index_names: list[str] = []
        if head and len(head) > 1 and len(head[1]) >= 1 and head[1][0]:
            # the index's names on a second header row (one per level of a MultiIndex), over the labels
            k = 0
            while k < len(head[1]) and head[1][k]:
                k += 1
            if k < len(head[1]) and all(not c for c in head[1][k:]):
                index_names = head[1][:k]
                names[:k] = index_names
            else:
                names[0] = head[1][0]
        names = (names + [""] * width)[:width]
        rows = [(r + [""] * width)[:width] for r in body]
        table = _table(names, rows, [line] * len(rows), origin, what, "html", labelled=len(index_names))
        if table is not None:
            # (a listed frame's index goes, as in its printed text: row names picked out of a large frame,
            # 1042, 4110, 3652, say its rows are records)
            out.append(_describe_frame(_without_obs(table)))
    return out


def _cell_lines(raw: str) -> list[int]:
    """The line of each cell in a notebook's JSON text (the line of its ``"cell_type"`` key)."""
    lines = []
    for m in re.finditer(r'"cell_type"\s*:', raw):
        lines.append(raw.count("\n", 0, m.start()) + 1)
    return lines


def read_notebook(path: Path, *, threads: int = 1, code: bool = True, tables: bool = True,
                  embedded: bool = True) -> Iterator[LogPart]:
    """A Jupyter notebook: code cells as code (COD rules), outputs as printed output (text/plain, text/html
    tables); images are problems (not inspected). Findings point at each cell's line in the JSON file."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise LoadError(f"notebook larger than {MAX_NOTEBOOK_BYTES >> 20} MiB: not read")
        raw = path.read_bytes().decode("utf-8", errors="replace")
        doc = json.loads(raw)
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    except (ValueError, RecursionError):
        raise LoadError("not a valid notebook (the JSON does not parse)") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        raise LoadError("not a valid notebook (no cells)")
    meta = doc.get("metadata") or {}
    kernel_lang = str((meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name")
                       or "python").lower()
    language = {"python": Language.PYTHON, "r": Language.R, "sas": Language.SAS, "stata": Language.STATA,
                "sql": Language.SQL}.get(kernel_lang, Language.OTHER)
    cell_lines = _cell_lines(raw)
    images = 0
    state = OutputState()
    for index, cell in enumerate(doc["cells"]):
        if not isinstance(cell, dict):
            continue
        line = cell_lines[index] if index < len(cell_lines) else 1
        source = _text(cell.get("source"))
        part = LogPart()
        if cell.get("cell_type") == "code" and (code or embedded) and source.strip():
            cleaned = "\n".join("" if re.match(r"^\s*[%!]", s) else s for s in source.split("\n"))
            program: ProgramRead = read_program(path, language, threads=1, comparisons=code, embedded=embedded,
                                                text=cleaned, first_line=line)
            for c in program.comparisons:
                part.comparisons.append(Comparison(line, c.name, c.kind, c.operator, c.literals, c.language))
            part.tables.extend(_relocated(t, line) for t in program.tables)
            part.problems.extend(program.problems)
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict):
                continue
            data: dict[str, Any] = output.get("data") or {}
            if output.get("output_type") == "stream":
                data = {"text/plain": output.get("text")}
            if any(k.startswith("image/") for k in data) or "application/pdf" in data:
                images += 1
            if not tables:
                continue
            plain = _text(data.get("text/plain") or "").strip("\n")
            if plain and "\n" not in plain:  # one number: how many rows meet a condition
                counted = _condition_count(_Line(line, plain), language, source, f"notebook cell {index + 1}")
                if counted:
                    part.tables.extend(counted)
                    continue
            if plain:
                # a fitted model's summary (statsmodels' "No. Observations: 5"), whatever the cell's command
                part.models.extend(dataclasses.replace(m, line=line) for m in model_sizes(plain, line))
            origin = _py_origin(source) if language is Language.PYTHON else Origin.LISTING
            if origin is None:
                continue
            if "text/html" in data and "<table" in _text(data["text/html"]):
                what = f"notebook cell {index + 1} HTML table"
                part.tables.extend(html_tables(_text(data["text/html"]), line, origin, what))
                continue
            if "text/plain" in data:
                text = _text(data["text/plain"])
                found = parse_output(text, line, language if language is not Language.OTHER else Language.PYTHON,
                                     source, state)
                part.tables.extend(_relocated(t, line) for t in found)
        yield part
    if images:
        yield LogPart(problems=[f"{images} figure(s) in the notebook's outputs were not inspected (a plot can show "
                                "one mark per unit)"])


def _relocated(table: ListedTable, line: int) -> ListedTable:
    """A table of a notebook cell, every row at the cell's line."""
    return dataclasses.replace(table, lines=tuple(line for _ in table.lines))


def _text(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    return ""



# --- rendered notebooks: knitr / R Markdown, Quarto and Jupyter nbconvert HTML ------------------------------

#: Bytes of an HTML file's head looked at to tell a rendered notebook from other HTML (nbconvert and
#: R Markdown put their style sheets, which name the classes, in the head).
RENDERED_HEAD_BYTES = 1 << 20
#: A rendered notebook is read whole (html.parser); a larger one is not read (FIL001).
MAX_RENDERED_BYTES = 256 << 20

_RENDERED_MARK = lazy_compile(
    rb"<meta\s+name=[\"']generator[\"']\s+content=[\"'](?:quarto|knitr|nbconvert)|"  # generator meta tags
    rb"\bjp-(?:Notebook|Cell|OutputArea|InputArea)\b|\bclass=[\"'][^\"']*\b(?:output_area|output_subarea|"
    rb"input_area|cell-output|cell-code|r-output)\b|"  # Jupyter (old and new), Quarto
    rb"<pre\s+class=[\"'](?:sourceCode\s+)?(?:r|sas|stata|python|sql)\b|<code\s+class=[\"']sourceCode\s+"
    rb"(?:r|sas|stata|python|sql)\b|\bclass=[\"']sourceCode\s+(?:r|sas|stata|python|sql)\b",  # knitr, pandoc
    re.I,
)


def is_rendered_notebook_html(head: bytes) -> bool:
    """Whether HTML whose first bytes are ``head`` is a rendered notebook or report — knitr/R Markdown,
    Quarto, Jupyter nbconvert — whose ``<pre>`` blocks are code and printed output (read by
    :func:`read_rendered_html`), rather than a document (generator meta tags; the class names those tools
    give code and output: ``sourceCode r``, ``cell-output``, ``jp-OutputArea``, ``output_area``). Pass at
    least :data:`RENDERED_HEAD_BYTES` when the file has them: nbconvert's style sheet comes first."""
    return _RENDERED_MARK.search(head) is not None


def is_rendered_notebook_file(path: Path) -> bool:
    """:func:`is_rendered_notebook_html` on the file's first :data:`RENDERED_HEAD_BYTES` (False when it cannot
    be read: the document reader then reports it)."""
    try:
        with open_file(path) as fh:
            return is_rendered_notebook_html(fh.read(RENDERED_HEAD_BYTES))
    except OSError:
        return False


_LANG_CLASS = {
    **{f"{p}{name}": lang for p in ("", "hl-", "language-") for name, lang in (
        ("r", Language.R), ("python", Language.PYTHON), ("python3", Language.PYTHON), ("ipython3", Language.PYTHON),
        ("ipython", Language.PYTHON), ("sas", Language.SAS), ("stata", Language.STATA), ("sql", Language.SQL))},
}
_CODE_CLASSES = frozenset({"sourcecode", "cell-code", "jp-inputarea", "input_area", "jp-inputarea-editor", "highlight",
                           "jp-codemirroreditor", "r", "sas", "stata", "python", "sql", "code-with-copy"})
_OUTPUT_CLASSES = frozenset({"cell-output", "cell-output-stdout", "cell-output-display", "jp-outputarea",
                             "jp-outputarea-output", "output_area", "output_subarea", "output_text", "r-output",
                             "jp-renderedtext", "output"})


@dataclass(slots=True)
class _Block:
    """A code block, an output block or a table of a rendered notebook, at its line in the HTML file."""

    kind: str  # "code", "output", "table"
    line: int
    text: str = ""
    language: Language | None = None


class _RenderedHtml(html.parser.HTMLParser):
    """The code blocks, printed output blocks and tables of a rendered notebook, in document order."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.images = 0
        self.widgets = 0
        self._source_lines = source.split("\n")
        self._stack: list[tuple[str, frozenset[str]]] = []  # open elements and their classes
        self._pre: _Block | None = None
        self._pre_depth = 0
        self._text: list[str] = []
        self._table_depth = 0
        self._table_start: tuple[int, int] = (0, 0)
        self._json_script = False
        #: the report's own text outside code, output, tables, scripts and styles, at its source lines
        self.prose: dict[int, list[str]] = {}

    def _classes(self) -> set[str]:
        out: set[str] = set()
        for _, classes in self._stack:
            out |= classes
        return out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = frozenset((values.get("class") or "").lower().split())
        if tag == "table":
            self._table_depth += 1
            if self._table_depth == 1:
                self._table_start = self.getpos()
        elif tag == "img":
            self.images += 1
        elif tag == "script" and (values.get("type") or "").lower() == "application/json" and (
                values.get("data-for") is not None):
            self.widgets += 1  # an htmlwidget (plotly, leaflet, DT): its data are JSON in the page
        elif tag == "pre" and self._pre is None and self._table_depth == 0:
            around = self._classes() | classes
            language = next((_LANG_CLASS[c] for c in classes | around if c in _LANG_CLASS), None)
            is_code = bool(around & _CODE_CLASSES) and not (around & _OUTPUT_CLASSES)
            self._pre = _Block("code" if is_code else "output", self.getpos()[0], language=language)
            self._text = []
        if tag == "code" and self._pre is not None and self._pre.language is None:
            self._pre.language = next((_LANG_CLASS[c] for c in classes if c in _LANG_CLASS), None)
            if classes & {"sourcecode"}:
                self._pre.kind = "code"
        if tag not in ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr"):
            self._stack.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._table_depth:
            self._table_depth -= 1
            if self._table_depth == 0:
                (l0, c0), (l1, c1) = self._table_start, self.getpos()
                lines = self._source_lines[l0 - 1:l1]
                if lines:
                    lines[-1] = lines[-1][:c1] + "</table>"
                    lines[0] = lines[0][c0:]
                self.blocks.append(_Block("table", l0, "\n".join(lines)))
        if tag == "pre" and self._pre is not None:
            self._pre.text = "".join(self._text)
            self.blocks.append(self._pre)
            self._pre = None
        for k in range(len(self._stack) - 1, -1, -1):  # close up to the matching element (HTML is forgiving)
            if self._stack[k][0] == tag:
                del self._stack[k:]
                break

    def handle_data(self, data: str) -> None:
        if self._pre is not None:
            self._text.append(data)
        elif self._table_depth == 0 and data.strip() and not any(tag in _NOT_PROSE for tag, _ in self._stack):
            self.prose.setdefault(self.getpos()[0], []).append(data.strip())

    def prose_text(self) -> str:
        """The report's prose, each piece on its source line (so findings point at the file's lines)."""
        if not self.prose:
            return ""
        last = max(self.prose)
        return "\n".join(" ".join(self.prose.get(n, ())) for n in range(1, last + 1))


# Elements whose text is no prose of a rendered report (its code is read as code, its tables as tables).
_NOT_PROSE = frozenset({"script", "style", "head", "title", "code", "pre", "nav", "svg", "button", "noscript"})


_KNITR_PREFIX = lazy_compile(r"^## ?", re.M)

# Markdown knitted from R Markdown (github_document, md_document) or rendered by reprex: fenced code chunks,
# each followed by a fence of what it printed, every line behind "## " (knitr) or "#> " (reprex).
_FENCE = lazy_compile(r"^\s{0,3}(`{3,}|~{3,})\s*\{?\s*([A-Za-z]*)")
_KNITTED_LINE = lazy_compile(r"^(?:##|#>)(?: |$)")
_KNITTED_LANGUAGE = {"r": Language.R, "python": Language.PYTHON, "py": Language.PYTHON, "stata": Language.STATA,
                     "sas": Language.SAS}


def knitted_outputs(text: str, first_line: int) -> tuple[LogPart, set[int]]:
    """The printed output of a knitted Markdown document, each block read as the output of the code chunk
    before it (an R ``table()`` of one row of labels over one row of counts is read as R prints it, which
    a note's table reader cannot tell from text), and the file lines of the output blocks in which a table
    was found (the note's own readers skip them)."""
    lines = text.split("\n")
    part, used = LogPart(), set()
    state = OutputState()
    language, command = Language.R, ""
    k = 0
    while k < len(lines):
        m = _FENCE.match(lines[k])
        if m is None:
            k += 1
            continue
        fence = m.group(1)
        end = next((j for j in range(k + 1, len(lines)) if lines[j].strip().startswith(fence[0] * len(fence))
                    and not lines[j].strip().strip(fence[0])), len(lines))
        body = lines[k + 1:end]
        lang = m.group(2).lower()
        if lang in _KNITTED_LANGUAGE:
            language, command = _KNITTED_LANGUAGE[lang], "\n".join(body)
        elif not lang and any(x.strip() for x in body) and all(_KNITTED_LINE.match(x) for x in body if x.strip()):
            printed = "\n".join(_KNITTED_LINE.sub("", x) for x in body)
            prompt = "> " if language is Language.R else ""
            echoed = "\n".join(prompt + x for x in command.split("\n") if x.strip())
            found = parse_output(printed, first_line + k + 1, language, echoed, state, tool="knitted output")
            if found:
                part.tables.extend(found)
                used.update(range(first_line + k + 1, first_line + end))
            part.models.extend(model_sizes(printed, first_line + k + 1))
        k = end + 1
    return part, used


def read_rendered_html(path: Path, *, threads: int = 1, code: bool = True, tables: bool = True,
                       embedded: bool = True, figures_read: bool = False) -> Iterator[LogPart]:
    """A rendered notebook or report (knitr/R Markdown, Quarto, Jupyter nbconvert HTML): its code blocks
    as code (COD rules), its printed output (``<pre>`` blocks; knitr's ``## `` prefixes removed) and its
    HTML tables as printed output of the code before them; figures and widget data are problems (not
    inspected), unless ``figures_read`` (the document reader reads them). Findings point at the HTML file's
    lines."""
    try:
        if path.stat().st_size > MAX_RENDERED_BYTES:
            raise LoadError(f"rendered notebook larger than {MAX_RENDERED_BYTES >> 20} MiB: not read")
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    from scanner.loaders.textio import guess_encoding

    text = decode(raw, guess_encoding(raw[:1 << 16], complete=len(raw) <= 1 << 16))
    parser = _RenderedHtml(text)
    try:
        parser.feed(text)
        parser.close()
    except (ValueError, AssertionError, RecursionError):
        raise LoadError("the HTML does not parse") from None
    default = next((b.language for b in parser.blocks if b.kind == "code" and b.language is not None), Language.R)
    state = OutputState()
    command = ""
    language = default
    for block in parser.blocks:
        part = LogPart()
        if block.kind == "code":
            language = block.language or default
            command = block.text
            if (code or embedded) and block.text.strip():
                program = read_program(path, language, threads=1, comparisons=code, embedded=embedded,
                                       text=block.text, first_line=block.line)
                part.comparisons.extend(program.comparisons)
                part.tables.extend(program.tables)
                part.problems.extend(program.problems)
        elif not tables:
            continue
        elif block.kind == "output":
            body = _KNITR_PREFIX.sub("", block.text) if block.text.lstrip().startswith("##") else block.text
            what = "rendered notebook output"
            for table in parse_output(body, block.line, language, command, state, tool=what):
                part.tables.append(table)
            part.models.extend(model_sizes(body, block.line))
        else:
            origin = (_py_origin(command) if language is Language.PYTHON else
                      _r_origin(command, "") if language is Language.R else Origin.LISTING)
            if origin is not None:
                # a table in the page prints a data frame unless its command made a tabulation
                origin = Origin.LISTING if origin is Origin.OUTPUT else origin
                part.tables.extend(html_tables(block.text, block.line, origin, "rendered notebook HTML table"))
        yield part
    if tables:
        prose = parser.prose_text()
        if prose.strip():
            yield LogPart(prose=prose)
    if (parser.images or parser.widgets) and not figures_read:
        what = []
        if parser.images:
            what.append(f"{parser.images} figure(s)")
        if parser.widgets:
            what.append(f"{parser.widgets} interactive widget(s) with their data")
        yield LogPart(problems=[f"{' and '.join(what)} in the rendered notebook were not inspected (a plot can "
                                "show one mark per unit)"])
