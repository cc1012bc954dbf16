"""Generated logs, listings, notebooks and programs in each language, safe and unsafe, with the verdict SDC
logic gives them (issue 11): at least ten per language or tool, half of them safe.

Every sample is a tiny file as the tool writes it. ``expect`` is the verdict (``pass``: nothing to report;
``fail``: a block finding) and ``rules`` the rules that must report on an unsafe sample. The values are
synthetic: person numbers are made up and never valid, counts and names invented.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

__all__ = ["PLAIN_NOTES", "SAMPLES", "Sample"]


@dataclass(frozen=True)
class Sample:
    """One generated file: its name (the extension decides the kind), content, verdict and rules."""

    tool: str
    name: str
    content: str
    # "pass", "review" or "fail" (a minimum or maximum of a group of any size is a review by default: the
    # "_safe" samples that print one are review, EXT001's review_any_size)
    expect: str
    rules: tuple[str, ...] = ()


def _people(n: int, seed: int) -> list[tuple[int, int, str, int]]:
    rng = random.Random(seed)
    return [(100000 + rng.randrange(900000), rng.randrange(18, 90), rng.choice("MK"), rng.randrange(150, 900) * 1000)
            for _ in range(n)]


# --- SAS ------------------------------------------------------------------------------------------------

_SAS_HEAD = "1                                        The SAS System           10:21 Monday, March 4, 2024\n\n"


def _sas_log(body: str) -> str:
    return _SAS_HEAD + "NOTE: Copyright (c) 2016 by SAS Institute Inc., Cary, NC, USA.\n" + body


def _sas_print(rows: list[tuple[int, int, str, int]], with_key: bool) -> str:
    head = "                    The SAS System                                  1\n\n"
    cols = "Obs    lopnr    alder    koen    indkomst" if with_key else "Obs    alder    koen    indkomst"
    lines = [head, "    " + cols + "\n\n"]
    for i, (key, age, sex, inc) in enumerate(rows, 1):
        if with_key:
            lines.append(f"    {i:>3}    {key:>6}     {age:>3}      {sex}      {inc:>7}\n")
        else:
            lines.append(f"    {i:>3}     {age:>3}      {sex}      {inc:>7}\n")
    return "".join(lines)


def _sas_freq(counts: list[tuple[str, int]]) -> str:
    total = sum(c for _, c in counts)
    out = ["                    The SAS System                                  1\n\n",
           "                         The FREQ Procedure\n\n",
           "                                       Cumulative    Cumulative\n",
           "   region    Frequency     Percent     Frequency      Percent\n",
           "   ---------------------------------------------------------\n"]
    cum = 0
    for label, c in counts:
        cum += c
        out.append(f"   {label:<9}{c:>10}{100 * c / total:>12.2f}{cum:>14}{100 * cum / total:>13.2f}\n")
    return "".join(out)


def _sas_crosstab(cells: list[list[int]]) -> str:
    cols = ["M", "K"]
    out = ["                    The SAS System                                  1\n\n",
           "                         The FREQ Procedure\n\n",
           "                      Table of region by koen\n\n",
           "                    region     koen\n\n",
           "                    Frequency|\n",
           "                    Percent  |M       |K       |  Total\n",
           "                    ---------+--------+--------+\n"]
    total = sum(map(sum, cells))
    for label, row in zip(["Nord", "Syd"], cells, strict=True):
        out.append(f"                    {label:<9}|{row[0]:>7} |{row[1]:>7} |{sum(row):>7}\n")
        out.append(f"                             |{100 * row[0] / total:>7.2f} |{100 * row[1] / total:>7.2f} |"
                   f"{100 * sum(row) / total:>7.2f}\n")
        out.append("                    ---------+--------+--------+\n")
    col_totals = [sum(r[k] for r in cells) for k in range(2)]
    out.append(f"                    Total    {col_totals[0]:>8}{col_totals[1]:>9}{total:>9}\n")
    del cols
    return "".join(out)


def _sas_means(groups: list[tuple[str, int]]) -> str:
    out = ["                    The SAS System                                  1\n\n",
           "                         The MEANS Procedure\n\n",
           "                     Analysis Variable : indkomst\n\n",
           "              N\n",
           "  kommune   Obs     N          Mean       Minimum       Maximum\n",
           "  ---------------------------------------------------------------\n"]
    for label, n in groups:
        out.append(f"  {label:<9}{n:>4}{n:>6}{412345.5:>14.1f}{150000 + n:>14}{850000 - n:>14}\n")
    out.append("  ---------------------------------------------------------------\n")
    return "".join(out)


def _sas_tabulate(k_south: int) -> str:
    return ("                    The SAS System                                  1\n\n"
            "-------------------------------------------\n|                      |       koen       |\n"
            "|                      |------------------|\n|                      |   M    |    K    |\n"
            "|                      |--------+---------|\n|                      |   N    |    N    |\n"
            "|----------------------+--------+---------|\n|region                |        |         |\n"
            "|Nord                  |  120.00|    87.00|\n"
            f"|Syd                   |  340.00|{k_south:>8.2f}|\n"
            "-------------------------------------------\n")


def _sas() -> list[Sample]:
    people = _people(12, 1)
    return [
        Sample("SAS", "sas_print_persons.lst", _sas_print(people, with_key=True), "fail", ("LOG001",)),
        Sample("SAS", "sas_print_no_key.lst", _sas_print(people, with_key=False), "fail", ("LOG001",)),
        Sample("SAS", "sas_freq_small.lst", _sas_freq([("Nord", 120), ("Midt", 2), ("Syd", 340)]), "fail", ("TAB001",)),
        Sample("SAS", "sas_crosstab_small.lst", _sas_crosstab([[40, 2], [55, 61]]), "fail", ("TAB001",)),
        Sample("SAS", "sas_means_small.lst", _sas_means([("Aarhus", 230), ("Fanoe", 2), ("Odense", 180)]), "fail",
               ("EXT001",)),
        Sample("SAS", "sas_hardcoded.sas",
               "data work.x;\n  set proj.bef2019;\n  if pnr=1 then delete;\n  where lopnr in (1023, 4471);\nrun;\n",
               "fail", ("COD001",)),
        Sample("SAS", "sas_datalines.sas",
               "data persons;\n  input pnr $ alder koen $;\n  datalines;\n"
               "A10231 34 M\nA10232 45 K\nA10233 51 M\n;\nrun;\n",
               "fail", ("COD002",)),
        Sample("SAS", "sas_log_hardcoded.log", _sas_log(
            "12         data work.analyse;\n13           set proj.bef;\n14           if lopnr = 4471 then delete;\n"
            "15         run;\n\nNOTE: There were 4812 observations read from the data set PROJ.BEF.\n"), "fail",
            ("COD001",)),
        Sample("SAS", "sas_tabulate_small.lst", _sas_tabulate(2), "fail", ("TAB001",)),
        Sample("SAS", "sas_tabulate_safe.lst", _sas_tabulate(55), "pass"),
        Sample("SAS", "sas_freq_safe.lst", _sas_freq([("Nord", 120), ("Midt", 87), ("Syd", 340)]), "pass"),
        Sample("SAS", "sas_crosstab_safe.lst", _sas_crosstab([[40, 22], [55, 61]]), "pass"),
        Sample("SAS", "sas_means_safe.lst", _sas_means([("Aarhus", 230), ("Fanoe", 31), ("Odense", 180)]), "review",
               ("EXT001",)),
        Sample("SAS", "sas_clean.sas",
               "libname proj '/data/p1234';\ndata work.x;\n  set proj.bef2019(keep=pnr koen alder kom);\n"
               "  if alder >= 18 and koen in (1, 2);\n  if pnr = . then delete;\n  where aar = 2019;\n"
               "  format indk 12.2;\nrun;\nproc freq data=work.x; tables kom*koen; run;\n", "pass"),
        Sample("SAS", "sas_print_aggregate.lst",
               "                    The SAS System                                  1\n\n"
               "    Obs    kommune    koen     n     gns_indk\n\n"
               "      1    Aarhus      M      230    412345.5\n      2    Aarhus      K      241    398765.2\n"
               "      3    Odense      M      180    405432.1\n      4    Odense      K      176    387654.3\n",
               "pass"),
        # the Response Profile counts the response's levels: 2 deaths is a cell of 2 (the estimates are not read)
        Sample("SAS", "sas_logistic.lst",
               "                    The SAS System                                  1\n\n"
               "                       The LOGISTIC Procedure\n\n                          Response Profile\n\n"
               " Ordered                      Total\n   Value        doed     Frequency\n\n"
               "       1        1                2\n       2        0             4810\n\n"
               "              Analysis of Maximum Likelihood Estimates\n\n"
               "                               Standard          Wald\n"
               "Parameter    DF    Estimate       Error    Chi-Square    Pr > ChiSq\n\n"
               "Intercept     1     -5.1234      0.8765       34.1234        <.0001\n"
               "alder         1      0.0123      0.0045        7.4711        0.0063\n", "fail", ("TAB001",)),
        # a model procedure's table of group sizes and extremes: large groups
        # a PROC PRINT listing under its own title (no "The SAS System" banner): its Obs column says listing
        Sample("SAS", "sas_print_no_banner.lst",
               "          Största taxeringsvärden, småhus, Danderyd, FT 2022                      1\n\n"
               "   Obs    fastbet                       kommun    taxar    taxvarde_tkr    boarea    byggar\n\n"
               "     1    DANDERYD DJURSHOLM 4:112      0162      2022          58 412       412      1911\n"
               "     2    DANDERYD DJURSHOLM 22:7       0162      2022          41 870       356      1908\n"
               "     3    DANDERYD SKOLAN 9:31          0162      2022          37 215       389      1925\n"
               "     4    DANDERYD ÄLVSÄTRA 2:14        0162      2022          33 120       301      1998\n",
               "fail", ("LOG001",)),
        # ... and a printed table of counts under its own title is no listing of units
        Sample("SAS", "sas_print_counts_no_banner.lst",
               "          Antal handler, småhus, efter kommune, 2022                              1\n\n"
               "   Obs    kommune            antal_handler\n\n"
               "     1    Danderyd                     212\n"
               "     2    Vaxholm                       96\n"
               "     3    Täby                         401\n"
               "     4    Lidingö                      288\n",
               "pass"),
        Sample("SAS", "sas_corr_safe.lst",
               "                    The SAS System                                  1\n\n"
               "                         The CORR Procedure\n\n                       Simple Statistics\n\n"
               "Variable           N          Mean       Std Dev           Sum       Minimum       Maximum\n\n"
               "alder           4812      52.00000       7.07107        250224      18.00000      99.00000\n"
               # (a maximum 7 sd above the mean: 25 sd, 2 310 400, is an outlier, EXT002)
               "loen            4812        298450         80963    1.43614E9             0        890400\n", "review",
               ("EXT001",)),
        # ... and 38 deaths is no small cell
        Sample("SAS", "sas_logistic_safe.lst",
               "                    The SAS System                                  1\n\n"
               "                       The LOGISTIC Procedure\n\n                          Response Profile\n\n"
               " Ordered                      Total\n   Value        doed     Frequency\n\n"
               "       1        1               38\n       2        0             4810\n\n"
               "              Analysis of Maximum Likelihood Estimates\n\n"
               "                               Standard          Wald\n"
               "Parameter    DF    Estimate       Error    Chi-Square    Pr > ChiSq\n\n"
               "Intercept     1     -5.1234      0.8765       34.1234        <.0001\n"
               "alder         1      0.0123      0.0045        7.4711        0.0063\n", "pass"),
        Sample("SAS", "sas_macro.log", _sas_log(
            "MPRINT(AAR):   data work.x2019;\nMPRINT(AAR):   set proj.bef2019;\n"
            "MPRINT(AAR):   where aar = 2019 and alder >= 18;\nMPRINT(AAR):   run;\n"
            "NOTE: There were 5812345 observations read from the data set PROJ.BEF2019.\n"
            "      WHERE (aar=2019) and (alder>=18);\n"
            "SYMBOLGEN:  Macro variable AAR resolves to 2019\n"), "pass"),
        Sample("SAS", "sas_clean.log", _sas_log(
            "1          data work.x;\n2            set proj.bef2019(keep=pnr koen alder);\n"
            "3            if alder >= 18 and koen in (1, 2);\n4          run;\n\n"
            "NOTE: There were 5812345 observations read from the data set PROJ.BEF2019.\n"
            "NOTE: The data set WORK.X has 4812345 observations and 3 variables.\n"
            "NOTE: DATA statement used (Total process time):\n      real time           1.23 seconds\n"
            "      cpu time            0.98 seconds\n\n"), "pass"),
    ]


# --- Stata ----------------------------------------------------------------------------------------------

_STATA_HEAD = ("-------------------------------------------------------------------------------\n"
               "      name:  <unnamed>\n       log:  /projekt/analyse.log\n  log type:  text\n"
               " opened on:  27 May 2024, 16:48:41\n\n")


def _stata_tab(counts: list[tuple[str, int]]) -> str:
    total = sum(c for _, c in counts)
    out = [". tabulate region\n\n", "     region |      Freq.     Percent        Cum.\n",
           "------------+-----------------------------------\n"]
    cum = 0.0
    for label, c in counts:
        cum += 100 * c / total
        out.append(f"{label:>11} |{c:>11,}{100 * c / total:>12.2f}{cum:>12.2f}\n")
    out.append("------------+-----------------------------------\n")
    out.append(f"{'Total':>11} |{total:>11,}{100.0:>12.2f}\n\n")
    return "".join(out)


def _stata_tab2(cells: list[list[int]]) -> str:
    out = [". tabulate region koen\n\n", "           |         koen\n",
           "    region |         1          2 |     Total\n", "-----------+----------------------+----------\n"]
    for label, row in zip(["Nord", "Syd"], cells, strict=True):
        out.append(f"{label:>10} |{row[0]:>10,}{row[1]:>11,} |{sum(row):>10,} \n")
    out.append("-----------+----------------------+----------\n")
    tot = [sum(r[k] for r in cells) for k in range(2)]
    out.append(f"{'Total':>10} |{tot[0]:>10,}{tot[1]:>11,} |{sum(tot):>10,} \n\n")
    return "".join(out)


def _stata_list(rows: list[tuple[int, int, str, int]], with_key: bool) -> str:
    head = "  | lopnr   alder   koen   indkomst |" if with_key else "  | alder   koen   indkomst |"
    width = len(head) - 4
    out = [". list in 1/8\n\n", "     +" + "-" * width + "+\n", "   " + head + "\n", "     |" + "-" * width + "|\n"]
    for i, (key, age, sex, inc) in enumerate(rows[:8], 1):
        body = f" {key:>6}   {age:>5}   {sex:>4}   {inc:>8} " if with_key else f" {age:>5}   {sex:>4}   {inc:>8} "
        out.append(f"{i:>4}. |{body.ljust(width)}|\n")
    out.append("     +" + "-" * width + "+\n\n")
    return "".join(out)


def _stata_sum(n: int) -> str:
    return (". summarize indkomst alder\n\n    Variable |        Obs        Mean    Std. dev.       Min        Max\n"
            "-------------+---------------------------------------------------------\n"
            f"    indkomst |{n:>11,}    412345.5     98765.4     150000     850000\n"
            f"       alder |{n:>11,}    45.12345    15.23456         18         89\n\n")


def _stata_regress() -> str:
    return (". regress indkomst alder i.koen\n\n"
            "      Source |       SS           df       MS      Number of obs   =     4,812\n"
            "-------------+----------------------------------   F(2, 4809)      =    123.45\n"
            "       Model |  1.2345e+12         2  6.1725e+11   Prob > F        =    0.0000\n"
            "    Residual |  2.3456e+13     4,809  4.8775e+09   R-squared       =    0.0500\n\n"
            "------------------------------------------------------------------------------\n"
            "    indkomst | Coefficient  Std. err.      t    P>|t|     [95% conf. interval]\n"
            "-------------+----------------------------------------------------------------\n"
            "       alder |   1234.567   123.4567    10.00   0.000     992.5432    1476.591\n"
            "        2.koen |  -23456.78   2345.678   -10.00   0.000    -28055.12   -18858.44\n"
            "       _cons |   345678.9   5678.901    60.87   0.000     334545.6    356812.2\n"
            "------------------------------------------------------------------------------\n\n")


def _smcl(plain: str) -> str:
    """A Stata log as SMCL: commands {com}, output {txt}/{res}, bars {c |}, rules {hline}."""
    lines = ["{smcl}", "{com}{sf}{ul off}{txt}{.-}", "      name:  {res}<unnamed>", "  {txt}log type:  {res}smcl"]
    for line in plain.split("\n"):
        if line.startswith(". "):
            lines.append("{com}" + line)
        elif "|" in line and "+" not in line:
            left, _, right = line.partition("|")
            lines.append("{txt}" + left + "{c |}{res}" + right)
        elif set(line.strip()) <= set("-+") and line.strip():
            lines.append("{txt}" + "".join("{c +}" if ch == "+" else "{hline 1}" for ch in line))
        else:
            lines.append("{txt}" + line)
    return "\n".join(lines) + "\n"


def _svy_tab(ja: tuple[int, int]) -> str:
    """``svy: tabulate a b, row obs``: each row's percentages, then its observations on a line of its own."""
    out = [". svy: tabulate aldgrp adhd_lm, row obs percent format(%7.2f)\n"
           "(running tabulate on estimation sample)\n\n",
           "-------------------------------------\n          |          adhd_lm         \n",
           "   aldgrp |     Nej       Ja    Total\n",
           "----------+--------------------------\n"]
    rows = [("16-29", 2254, ja[0]), ("75-84", 809, ja[1])]
    for label, nej, yes in rows:
        tot = nej + yes
        out.append(f"{label:>9} |{100 * nej / tot:>8.2f}{100 * yes / tot:>9.2f}{100.0:>9.2f}\n")
        out.append(f"{'':>9} |{nej:>8}{yes:>9}{tot:>9}\n{'':>9} |\n")
    nej, yes = sum(r[1] for r in rows), sum(r[2] for r in rows)
    out.append(f"{'Total':>9} |{100 * nej / (nej + yes):>8.2f}{100 * yes / (nej + yes):>9.2f}{100.0:>9.2f}\n")
    out.append(f"{'':>9} |{nej:>8}{yes:>9}{nej + yes:>9}\n-------------------------------------\n"
               "  Key: Row percentage\n       Number of observations\n\n")
    return "".join(out)


def _stata() -> list[Sample]:
    people = _people(10, 2)
    return [
        # svy: tabulate's observations under its percentages are the table's counts: 2 respondents ...
        Sample("Stata", "stata_svy_tab_small.log", _STATA_HEAD + _svy_tab((46, 2)), "fail", ("TAB001",)),
        # ... and a row percentage of 2.00 (46 of 2,300) beside a Total of 100.00 is no count of 2
        Sample("Stata", "stata_svy_tab_safe.log", _STATA_HEAD + _svy_tab((46, 17)), "pass"),
        # tabstat's statistics stacked per group (mean over max): the maxima under the means are no counts
        Sample("Stata", "stata_tabstat_stacked.log", _STATA_HEAD + ". tabstat boern alder, by(region) "
               "statistics(mean max)\n\nSummary statistics: Mean, Max\nGroup variable: region\n\n"
               "  region |     boern     alder\n---------+--------------------\n"
               "    Nord |  1.234567  45.12345\n         |         2        89\n"
               "     Syd |  1.345678  44.23456\n         |         2        90\n"
               "---------+--------------------\n   Total |  1.290123  44.67890\n         |         2        90\n"
               "------------------------------\n\n", "pass"),
        Sample("Stata", "stata_tab_small.log", _STATA_HEAD + _stata_tab([("Nord", 1200), ("Midt", 2), ("Syd", 3400)]),
               "fail", ("TAB001",)),
        Sample("Stata", "stata_tab2_small.log", _STATA_HEAD + _stata_tab2([[400, 1], [550, 610]]), "fail", ("TAB001",)),
        Sample("Stata", "stata_list_key.log", _STATA_HEAD + _stata_list(people, True), "fail", ("LOG001",)),
        Sample("Stata", "stata_list_smcl.smcl", _smcl(_stata_list(people, False)), "fail", ("LOG001",)),
        Sample("Stata", "stata_hardcoded.do", "use bef, clear\ndrop if lopnr==1234\nkeep if inlist(pnr, 11, 12, 13)\n",
               "fail", ("COD001",)),
        Sample("Stata", "stata_input.do", "clear\ninput str6 pnr alder\n\"A10231\" 34\n\"A10232\" 45\nend\n", "fail",
               ("COD002",)),
        Sample("Stata", "stata_tab_safe.log", _STATA_HEAD + _stata_tab([("Nord", 1200), ("Midt", 230), ("Syd", 3400)]),
               "pass"),
        Sample("Stata", "stata_tab2_safe.smcl", _smcl(_stata_tab2([[400, 120], [550, 610]])), "pass"),
        Sample("Stata", "stata_sum_regress.log", _STATA_HEAD + _stata_sum(4812) + _stata_regress(), "review",
               ("EXT001",)),
        Sample("Stata", "stata_clean.do",
               "use bef, clear\nkeep if aar == 2019 & alder >= 18\ndrop if missing(pnr)\nlist pnr in 1/10\n"
               "set seed 12345\ngen ung = alder < 30\ncollapse (count) n=pnr, by(kom koen)\n", "pass"),
        Sample("Stata", "stata_tabstat.log", _STATA_HEAD + ". tabstat indkomst, by(region) statistics(n mean)\n\n"
               "Summary for variables: indkomst\n     by categories of: region\n\n"
               "  region |         N      Mean\n---------+--------------------\n"
               "    Nord |      1200  412345.5\n    Midt |       230  398765.2\n     Syd |      3400  405432.1\n"
               "---------+--------------------\n   Total |      4830  407654.3\n------------------------------\n\n",
               "pass"),
        Sample("Stata", "stata_table17.log", _STATA_HEAD + ". table region koen\n\n"
               "-------------------------------------\n              |          koen\n"
               "              |     1       2    Total\n--------------+----------------------\n"
               "region        |\n  Nord        |   120      87     207\n  Syd         |   340      55     395\n"
               "  Total       |   460     142     602\n-------------------------------------\n\n", "pass"),
        Sample("Stata", "stata_loop.log", _STATA_HEAD + ". foreach v in alder indkomst {\n  2.   summarize `v'\n"
               "  3. }\n\n"
               "    Variable |        Obs        Mean    Std. dev.       Min        Max\n"
               "-------------+---------------------------------------------------------\n"
               "       alder |      4,812    45.12345    15.23456         18         89\n\n", "review", ("EXT001",)),
    ]


# --- R ----------------------------------------------------------------------------------------------------

_R_HEAD = "\nR version 4.3.1 (2023-06-16) -- \"Beagle Scouts\"\n\n> library(dplyr)\n"


def _r_frame(rows: list[tuple[int, int, str, int]], with_key: bool) -> str:
    out = ["> head(bef, 8)\n", ("  lopnr alder koen indkomst\n" if with_key else "  alder koen indkomst\n")]
    for i, (key, age, sex, inc) in enumerate(rows[:8], 1):
        out.append(f"{i} {key:>5} {age:>5} {sex:>4} {inc:>8}\n" if with_key else f"{i} {age:>5} {sex:>4} {inc:>8}\n")
    return "".join(out)


def _r_table(counts: list[tuple[str, int]]) -> str:
    labels = " ".join(f"{lab:>5}" for lab, _ in counts)
    values = " ".join(f"{c:>5}" for _, c in counts)
    return f"> table(bef$region)\n\n{labels} \n{values} \n"


def _r_agg(groups: list[tuple[str, int]]) -> str:
    out = ["> bef %>% group_by(region) %>% summarise(n = n(), mean_indk = mean(indkomst))\n",
           "# A tibble: 3 × 3\n", "  region     n mean_indk\n", "  <chr>  <int>     <dbl>\n"]
    for i, (lab, n) in enumerate(groups, 1):
        out.append(f"{i} {lab:<6} {n:>5}   412346.\n")
    return "".join(out)


def _r() -> list[Sample]:
    people = _people(10, 3)
    return [
        Sample("R", "r_head_key.Rout", _R_HEAD + _r_frame(people, True), "fail", ("LOG001",)),
        Sample("R", "r_head_nokey.Rout", _R_HEAD + _r_frame(people, False), "fail", ("LOG001",)),
        Sample("R", "r_table_small.Rout", _R_HEAD + _r_table([("Nord", 120), ("Midt", 2), ("Syd", 340)]), "fail",
               ("TAB001",)),
        Sample("R", "r_summarise_small.Rout", _R_HEAD + _r_agg([("Nord", 120), ("Midt", 2), ("Syd", 340)]), "fail",
               ("TAB001",)),
        Sample("R", "r_hardcoded.R", "bef <- filter(bef, pnr %in% c(101, 102))\nx <- bef[bef$cpr == \"A10231\", ]\n",
               "fail", ("COD001",)),
        Sample("R", "r_dataframe.R",
               "d <- data.frame(lopnr = c(1023, 4471, 5512), alder = c(34, 45, 56), koen = c(\"M\", \"K\", \"M\"))\n",
               "fail", ("COD002",)),
        Sample("R", "r_table_safe.Rout", _R_HEAD + _r_table([("Nord", 120), ("Midt", 87), ("Syd", 340)]), "pass"),
        Sample("R", "r_summarise_safe.Rout", _R_HEAD + _r_agg([("Nord", 120), ("Midt", 87), ("Syd", 340)]), "pass"),
        Sample("R", "r_model.Rout", _R_HEAD + "> summary(lm(indkomst ~ alder, data = bef))\n\nCall:\n"
               "lm(formula = indkomst ~ alder, data = bef)\n\nCoefficients:\n"
               "            Estimate Std. Error t value Pr(>|t|)    \n"
               "(Intercept)  345679.     5679.   60.87   <2e-16 ***\n"
               "alder          1235.      123.   10.00   <2e-16 ***\n", "pass"),
        Sample("R", "r_xtabs_safe.Rout", _R_HEAD + "> xtabs(~ region + koen, data = bef)\n      koen\n"
               "region    K    M\n  Midt   41   46\n  Nord   60   60\n  Syd   170  170\n", "pass"),
        Sample("R", "r_aggregate_safe.Rout", _R_HEAD
               + "> agg <- aggregate(indkomst ~ region, data = bef, FUN = length)\n"
               "> print(agg)\n  region indkomst\n1   Midt       87\n2   Nord      120\n3    Syd      340\n", "pass"),
        Sample("R", "r_str_key.Rout", _R_HEAD + "> str(bef)\n'data.frame':\t4812 obs. of  3 variables:\n"
               " $ lopnr   : int  10231 10232 10233 10234 10235 10236 10237 10238 10239 10240 ...\n"
               " $ alder   : num  34 45 51 28 62 33 47 55 41 39 ...\n $ koen    : chr  \"M\" \"K\" \"M\" \"K\" ...\n",
               "fail", ("LOG001",)),
        Sample("R", "r_str_safe.Rout", _R_HEAD + "> str(bef)\n'data.frame':\t4812 obs. of  2 variables:\n"
               " $ alder   : num  34 45 51 28 62 33 47 55 41 39 ...\n $ koen    : chr  \"M\" \"K\" \"M\" \"K\" ...\n"
               "> mean(bef$alder)\n[1] 45.12\n> dim(bef)\n[1] 4812    2\n", "pass"),
        Sample("R", "r_group_extremes_safe.Rout", _R_HEAD + "> bef %>% group_by(region) %>% summarise(n = n(), "
               "min_alder = min(alder), max_alder = max(alder))\n# A tibble: 3 × 4\n"
               "  region     n min_alder max_alder\n  <chr>  <int>     <dbl>     <dbl>\n"
               "1 Midt    1203        18        94\n2 Nord    1422        18        97\n"
               "3 Syd     2187        18        99\n", "review", ("EXT001",)),
        Sample("R", "r_quartiles_safe.Rout", _R_HEAD + "> quantile(bef$alder, c(0.25, 0.5, 0.75))\n"
               "25% 50% 75% \n 33  45  58 \n", "pass"),
        # summary() prints the minimum and the maximum without the group's size: a person must look
        Sample("R", "r_summary.Rout", _R_HEAD + "> summary(bef$alder)\n"
               "   Min. 1st Qu.  Median    Mean 3rd Qu.    Max. \n"
               "  18.00   33.00   45.00   45.12   58.00   89.00 \n> dim(bef)\n[1] 4812    2\n", "review", ("EXT001",)),
        Sample("R", "r_clean.R", "bef <- filter(bef, aar == 2019, alder >= 18)\nset.seed(12345)\n"
               "for (i in c(1, 2)) print(i)\ntab <- table(bef$region, bef$koen)\nbef <- bef[!is.na(bef$pnr), ]\n"
               "d <- data.frame(x = c(1, 2, 3), y = c(2.5, 3.1, 4.0))\n", "pass"),
    ]


# --- Python ---------------------------------------------------------------------------------------------


def _py_frame(rows: list[tuple[int, int, str, int]], with_key: bool) -> str:
    out = [("   lopnr  alder koen  indkomst\n" if with_key else "   alder koen  indkomst\n")]
    for i, (key, age, sex, inc) in enumerate(rows[:8]):
        row = f"{key:>6}  {age:>5}  {sex:>3}  {inc:>8}" if with_key else f"{age:>5}  {sex:>3}  {inc:>8}"
        out.append(f"{i}  {row}\n")
    return "".join(out)


def _py_counts(counts: list[tuple[str, int]]) -> str:
    return "region\n" + "".join(f"{lab:<8}{c:>6}\n" for lab, c in counts) + "Name: count, dtype: int64\n"


def _notebook(cells: list[tuple[str, dict[str, object] | None]]) -> str:
    nb_cells = []
    for source, output in cells:
        outputs = [] if output is None else [{"output_type": "execute_result", "execution_count": 1, "data": output,
                                             "metadata": {}}]
        nb_cells.append({"cell_type": "code", "execution_count": 1, "metadata": {}, "source": source.splitlines(True),
                         "outputs": outputs})
    doc = {"cells": nb_cells, "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4,
           "nbformat_minor": 5}
    return json.dumps(doc, indent=1)


def _html_table(rows: list[list[object]], names: list[str]) -> str:
    head = "".join(f"<th>{n}</th>" for n in names)
    body = "".join("<tr><th>" + str(i) + "</th>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                   for i, r in enumerate(rows))
    return (f'<div><table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table></div>")


def _py_console(small: int) -> str:
    """A Python console session: a crosstab of a 1/2-coded sex (pandas prints the columns' name and levels
    on one line, the index's name alone under it), then the same counts as a Series."""
    return (">>> import pandas as pd\n>>> df = pd.read_parquet('bef.parquet')\n"
            ">>> pd.crosstab(df.region,\n...             df.koen)\n"
            f"koen      1    2\nregion          \nMidt     87   95\nNord    120  {small:>3}\nSyd     340  311\n"
            ">>> df[df.koen == 2].region.value_counts()\n"
            f"region\nSyd     311\nMidt     95\nNord    {small:>3}\nName: count, dtype: int64\n>>> \n")


def _ipython(small: int) -> str:
    """An IPython session copied into a text file."""
    return ("In [1]: import pandas as pd\n\nIn [2]: df = pd.read_parquet('bef.parquet')\n\n"
            "In [3]: df.groupby('region').indkomst.agg(['count', 'mean'])\nOut[3]: \n"
            "        count      mean\nregion                 \nMidt      182  312000.5\n"
            f"Nord      {small:>3}  298000.0\nSyd       651  305000.2\n\nIn [4]: \n")


def _python() -> list[Sample]:
    people = _people(10, 4)
    persons_html = _html_table([[k, a, s, i] for k, a, s, i in people[:5]], ["lopnr", "alder", "koen", "indkomst"])
    counts_html = _html_table([["Nord", 120], ["Midt", 87], ["Syd", 340]], ["region", "n"])
    small_html = _html_table([["Nord", 120], ["Midt", 2], ["Syd", 340]], ["region", "n"])
    return [
        Sample("Python", "py_head_key.txt", "Traceback (most recent call last) was fixed\n\n" + _py_frame(people, True)
               + "\n[8 rows x 4 columns]\n", "fail", ("LOG001",)),
        Sample("Python", "py_value_counts_small.txt", _py_counts([("Nord", 120), ("Midt", 2), ("Syd", 340)]), "fail",
               ("TAB001",)),
        Sample("Python", "py_hardcoded.py", "import pandas as pd\ndf = df[df.cpr == \"A10231\"]\n"
               "sub = df[df[\"pnr\"].isin([123, 456])]\n", "fail", ("COD001",)),
        Sample("Python", "py_literal.py", "import pandas as pd\n"
               "persons = pd.DataFrame({\"pnr\": [\"A1\", \"A2\", \"A3\"],"
               " \"alder\": [30, 40, 50]})\n", "fail", ("COD002",)),
        Sample("Python", "nb_head.ipynb", _notebook([("df.head()", {"text/html": persons_html, "text/plain": "..."})]),
               "fail", ("LOG001",)),
        Sample("Python", "nb_counts_small.ipynb",
               _notebook([("df.groupby('region').size().reset_index(name='n')", {"text/html": small_html})]),
               "fail", ("TAB001",)),
        Sample("Python", "nb_hardcoded.ipynb", _notebook([("x = df[df.lopnr == 4471]", None)]), "fail", ("COD001",)),
        Sample("Python", "py_isin_variable.py", "import pandas as pd\nexclude = [1234567, 7654321]\n"
               "df = df[~df['lopnr'].isin(exclude)]\n", "fail", ("COD001",)),
        Sample("Python", "py_ne_method.py", "import pandas as pd\ndf = df.loc[df.lopnr.ne(1234567)]\n", "fail",
               ("COD001",)),
        Sample("Python", "py_isin_variable_safe.py", "import pandas as pd\nyears = [2019, 2020]\n"
               "df = df[df['aar'].isin(years)]\ndf = df.loc[df.aar.ne(2018)]\n", "pass"),
        Sample("Python", "py_value_counts_safe.txt", _py_counts([("Nord", 120), ("Midt", 87), ("Syd", 340)]), "pass"),
        # a Python console transcript (>>> and ... prompts) and an IPython one (In [n]: / Out[n]:)
        Sample("Python", "py_console.txt", _py_console(2), "fail", ("TAB001",)),
        Sample("Python", "py_console_safe.txt", _py_console(21), "pass"),
        Sample("Python", "py_ipython.txt", _ipython(2), "fail", ("TAB001",)),
        Sample("Python", "py_ipython_safe.txt", _ipython(21), "pass"),
        # one IPython cell with its output, one console prompt before a sample of rows: transcripts still
        Sample("Python", "py_one_cell.txt", "In [12]: pd.crosstab(df.diag, df.koen)\nOut[12]:\n"
               "koen    1    2\ndiag\nC50     2   87\nC61   412    0\nE11   388  402\n", "fail", ("TAB001",)),
        Sample("Python", "py_one_cell_safe.txt", "In [12]: pd.crosstab(df.diag, df.koen)\nOut[12]:\n"
               "koen    1    2\ndiag\nC50    21   87\nC61   412    0\nE11   388  402\n", "pass"),
        Sample("Python", "py_sample_rows.txt", ">>> print(df.sample(5, random_state=1))\n"
               "      koen  alder  kommune  income\n2211     1     47      101  412300\n"
               "904      2     52      147  398120\n3178     2     33      825  221000\n"
               "77       1     61      851  512000\n1009     2     29      101  187000\n", "fail", ("LOG001",)),
        Sample("Python", "py_sample_counts_safe.txt", ">>> print(df.groupby('kommune').size().sample(3))\n"
               "kommune\n101    41230\n147    18812\n851    22040\ndtype: int64\n", "pass"),
        Sample("Python", "py_clean.py", "import pandas as pd\ndf = pd.read_parquet('bef.parquet')\n"
               "df = df[df.year == 2019]\nfor pnr in [1, 2]:\n    pass\nseed = 12345\nx = df[df.pnr.notna()]\n"
               "res = df.groupby('region').size()\n", "pass"),
        Sample("Python", "nb_counts_safe.ipynb",
               _notebook([("df.groupby('region').size().reset_index(name='n')", {"text/html": counts_html}),
                          ("import numpy as np\nnp.random.seed(42)", None)]), "pass"),
        Sample("Python", "py_ols_summary.log",
               "                            OLS Regression Results\n"
               "==============================================================================\n"
               "Dep. Variable:               indkomst   R-squared:                       0.050\n"
               "No. Observations:                4812   AIC:                         1.234e+05\n"
               "==============================================================================\n"
               "                 coef    std err          t      P>|t|      [0.025      0.975]\n"
               "------------------------------------------------------------------------------\n"
               "Intercept   3.457e+05   5678.901     60.870      0.000    3.35e+05    3.57e+05\n"
               "alder        1234.567    123.457     10.000      0.000     992.543    1476.591\n"
               "==============================================================================\n", "pass"),
        Sample("Python", "nb_describe.ipynb", _notebook([(
            "df[['alder', 'indkomst']].describe()", {"text/plain":
            "              alder       indkomst\ncount  4812.000000  4812.000000\nmean     45.123450  412345.500000\n"
            "std      15.234560   98765.400000\nmin      18.000000  150000.000000\n25%      33.000000  345000.000000\n"
            "50%      45.000000  410000.000000\n75%      58.000000  480000.000000\nmax      89.000000  850000.000000"}),
            ]), "review", ("EXT001",)),
        Sample("Python", "py_crosstab_safe.log", "koen      K    M\nregion          \nMidt     41   46\n"
               "Nord     60   60\n"
               "Syd     170  170\n", "pass"),
        Sample("Python", "py_logging.log",
               "2024-03-04 10:21:01,123 INFO [etl] reading bef2019.parquet (5812345 rows)\n"
               "2024-03-04 10:21:05,456 INFO [etl] filtered to 4812345 rows (alder >= 18)\n"
               "2024-03-04 10:21:05,789 WARNING [etl] 123 rows with missing kom dropped\n"
               "2024-03-04 10:21:07,001 INFO [agg] 98 municipalities x 2 sexes = 196 cells\n"
               "2024-03-04 10:21:08,111 INFO [export] wrote tab1.csv (196 rows, 4 columns)\n", "pass"),
        Sample("Python", "py_describe_safe.log", "              alder       indkomst\n"
               "count  4812.000000  4812.000000\nmean     45.123450  412345.500000\n"
               "std      15.234560   98765.400000\nmin      18.000000  150000.000000\n"
               "25%      33.000000  345000.000000\n50%      45.000000  410000.000000\n"
               "75%      58.000000  480000.000000\n"
               "max      89.000000  850000.000000\n", "review", ("EXT001",)),
    ]


# --- SPSS and SQL ------------------------------------------------------------------------------------------


def _spss_freq(counts: list[tuple[str, int]]) -> str:
    total = sum(c for _, c in counts)
    out = ["FREQUENCIES VARIABLES=region.\n\nregion\n",
           "                     Frequency    Percent    Valid Percent    Cumulative Percent\n"]
    cum = 0.0
    for k, (lab, c) in enumerate(counts):
        cum += 100 * c / total
        lead = "Valid" if k == 0 else "     "
        out.append(f"{lead}   {lab:<10}{c:>10}{100 * c / total:>11.1f}{100 * c / total:>17.1f}{cum:>22.1f}\n")
    out.append(f"        {'Total':<10}{total:>10}{100.0:>11.1f}{100.0:>17.1f}\n")
    return "".join(out)


def _spss_sql() -> list[Sample]:
    return [
        Sample("SPSS", "spss_freq_small.out", _spss_freq([("Nord", 120), ("Midt", 2), ("Syd", 340)]), "fail",
               ("TAB001",)),
        Sample("SPSS", "spss_select.sps", "GET FILE='bef.sav'.\nSELECT IF (pnr = 1234).\nEXECUTE.\n", "fail",
               ("COD001",)),
        Sample("SPSS", "spss_any.sps", "COMPUTE flag = ANY(lopnr, 1023, 4471).\nEXECUTE.\n", "fail", ("COD001",)),
        Sample("SPSS", "spss_data.sps",
               "DATA LIST FREE / pnr alder.\nBEGIN DATA\n1023 34\n4471 45\n5512 56\nEND DATA.\n", "fail",
               ("COD002",)),
        Sample("SPSS", "spss_eq.sps", "SELECT IF lopnr EQ 4471.\nEXECUTE.\n", "fail", ("COD001",)),
        Sample("SPSS", "spss_freq_safe.out", _spss_freq([("Nord", 120), ("Midt", 87), ("Syd", 340)]), "pass"),
        Sample("SPSS", "spss_clean.sps", "GET FILE='bef.sav'.\nSELECT IF (alder >= 18 AND aar = 2019).\n"
               "COMPUTE pnr = 7.\nFREQUENCIES VARIABLES=region.\n", "pass"),
        Sample("SPSS", "spss_clean2.sps", "RECODE alder (18 thru 29=1) (30 thru 64=2) (65 thru 120=3) INTO aldgrp.\n"
               "CROSSTABS /TABLES=region BY aldgrp.\n", "pass"),
        Sample("SPSS", "spss_missing.sps", "SELECT IF (NOT MISSING(pnr)).\nSELECT IF (pnr <> 0).\nEXECUTE.\n", "pass"),
        Sample("SPSS", "spss_lookup.sps", "DATA LIST FREE / region ncode.\nBEGIN DATA\n1 10\n2 20\n3 30\nEND DATA.\n",
               "pass"),
        Sample("SQL", "sql_where.sql", "SELECT * FROM firms WHERE cvr_nr = 12345678;\n", "fail", ("COD001",)),
        Sample("SQL", "sql_in.sql", "SELECT * FROM persons p WHERE p.pnr IN (1023, 4471);\n", "fail", ("COD001",)),
        Sample("SQL", "sql_insert.sql", "INSERT INTO persons (pnr, age) VALUES ('A1', 34), ('A2', 45), ('A3', 51);\n",
               "fail", ("COD002",)),
        Sample("SQL", "sql_ne.sql", "DELETE FROM persons WHERE lopnr <> 4471;\n", "fail", ("COD001",)),
        Sample("SQL", "sql_string.sql", "SELECT * FROM persons WHERE cpr = 'A10231';\n", "fail", ("COD001",)),
        Sample("SQL", "sql_join.sql", "SELECT p.kom, COUNT(*) AS n FROM persons p JOIN x ON p.pnr = x.pnr\n"
               "WHERE p.aar = 2019 GROUP BY p.kom HAVING COUNT(*) >= 3;\n", "pass"),
        Sample("SQL", "sql_subquery.sql", "SELECT * FROM persons WHERE pnr IN (SELECT pnr FROM cohort);\n", "pass"),
        Sample("SQL", "sql_missing.sql", "SELECT * FROM persons WHERE pnr IS NOT NULL AND pnr <> '';\n", "pass"),
        Sample("SQL", "sql_param.sql", "SELECT * FROM persons WHERE pnr = ? AND lopnr = :id;\n", "pass"),
        Sample("SQL", "sql_lookup.sql", "INSERT INTO regions (kode, navn) VALUES (1, 'Nord'), (2, 'Syd');\n", "pass"),
    ]


# --- issue 11 gaps: output saved as .txt/.out, .Rhistory, rendered notebooks (HTML), reversed comparisons and
# references to literals ------------------------------------------------------------------------------------


def _spss_text(counts: list[tuple[str, int]], *, tabs: bool) -> str:
    """SPSS Viewer output exported as text (File > Export > Text), with spaces or tabs between columns."""
    total = sum(c for _, c in counts)
    sep = "\t" if tabs else "  "
    out = ["FREQUENCIES VARIABLES=region\n  /ORDER=ANALYSIS.\n\n\nFrequencies\n\n", "Statistics\nregion\n",
           f"N{sep}Valid{sep}{total}\n{sep}Missing{sep}0\n\n\n", "region\n"]
    if tabs:
        out.append("\t\tFrequency\tPercent\tValid Percent\tCumulative Percent\n")
    else:
        out.append("                 Frequency    Percent    Valid Percent    Cumulative Percent\n")
    cum = 0.0
    for k, (lab, c) in enumerate(counts):
        cum += 100 * c / total
        lead = "Valid" if k == 0 else ""
        if tabs:
            out.append(f"{lead}\t{lab}\t{c}\t{100 * c / total:.1f}\t{100 * c / total:.1f}\t{cum:.1f}\n")
        else:
            out.append(f"{lead:<6} {lab:<8}{c:>10}{100 * c / total:>11.1f}{100 * c / total:>17.1f}{cum:>22.1f}\n")
    if tabs:
        out.append(f"\tTotal\t{total}\t100.0\t100.0\t\n")
    else:
        out.append(f"{'':<6} {'Total':<8}{total:>10}{100.0:>11.1f}{100.0:>17.1f}\n")
    return "".join(out)


def _knitr(chunks: list[tuple[str, str]]) -> str:
    """An R Markdown document rendered to HTML by knitr and pandoc: code chunks, then their output with
    knitr's ``## `` prefix."""
    body = []
    for code, output in chunks:
        body.append(f'<pre class="r"><code>{code}</code></pre>\n')
        if output:
            body.append("<pre><code>" + "\n".join("## " + x for x in output.split("\n")) + "</code></pre>\n")
    return ('<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8" />\n<meta name="generator" content="pandoc" />\n'
            "<title>Analyse</title>\n</head>\n<body>\n<h1>Befolkning</h1>\n" + "".join(body) + "</body>\n</html>\n")


def r_levels(small: int) -> str:
    """R's ``table(region, koen)`` of a 1/2-coded sex: the levels' line of numbers, no variable names."""
    return f"       \n         1    2\n  Midt  87   95\n  Nord 120  {small:>3}\n  Syd  340  311"


def knitted_md(output: str) -> str:
    """An R Markdown report knitted to markdown (``github_document``): code chunks and their fenced output,
    each output line prefixed with knitr's ``## ``."""
    return ("Befolkning\n================\n\n## Regioner\n\nAntal personer efter region og køn.\n\n"
            "``` r\ntable(bef$region, bef$koen)\n```\n\n```\n"
            + "\n".join("## " + x for x in output.split("\n")) + "\n```\n\n## Noter\n\nKilde: BEF 2019.\n")


def _nbconvert(cells: list[tuple[str, str]]) -> str:
    """A Jupyter notebook exported with nbconvert (lab template): input areas and output areas."""
    body = []
    for code, output in cells:
        body.append('<div class="jp-Cell jp-CodeCell jp-Notebook-cell">\n<div class="jp-InputArea jp-Cell-inputArea">'
                    '<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor"><div class="highlight hl-ipython3">'
                    f"<pre><span></span>{code}\n</pre></div></div></div>\n")
        if output.startswith("<"):
            body.append('<div class="jp-OutputArea jp-Cell-outputArea"><div class="jp-RenderedHTMLCommon '
                        f'jp-RenderedHTML jp-OutputArea-output" data-mime-type="text/html">{output}</div></div>\n')
        elif output:
            body.append('<div class="jp-OutputArea jp-Cell-outputArea"><div class="jp-RenderedText '
                        f'jp-OutputArea-output" data-mime-type="text/plain"><pre>{output}</pre></div></div>\n')
        body.append("</div>\n")
    return ('<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8" />\n<title>nb</title>\n'
            '<style type="text/css">.jp-OutputArea { overflow: auto; }</style>\n</head>\n<body class="jp-Notebook">\n'
            + "".join(body) + "</body>\n</html>\n")


def _r_console(body: str) -> str:
    """R console output copied into a text file: prompts and printed results, no banner."""
    return "> bef <- readRDS(\"bef.rds\")\n> dim(bef)\n[1] 4812    4\n" + body


def _gaps() -> list[Sample]:
    people = _people(8, 9)
    frame = "".join(f"{i} {k:>6} {a:>5} {s:>4}\n" for i, (k, a, s, _) in enumerate(people, 1))
    persons_html = ('<table border="1" class="dataframe"><thead><tr><th></th><th>lopnr</th><th>alder</th></tr></thead>'
                    "<tbody>" + "".join(f"<tr><th>{i}</th><td>{k}</td><td>{a}</td></tr>"
                                        for i, (k, a, _, _) in enumerate(people)) + "</tbody></table>")
    return [
        # SPSS output exported as text
        Sample("SPSS", "spss_export_small.txt", _spss_text([("Nord", 120), ("Midt", 2), ("Syd", 340)], tabs=False),
               "fail", ("TAB001",)),
        Sample("SPSS", "spss_export_safe.txt", _spss_text([("Nord", 120), ("Midt", 87), ("Syd", 340)], tabs=False),
               "pass"),
        Sample("SPSS", "spss_export_tabs_small.txt", _spss_text([("Nord", 120), ("Midt", 1), ("Syd", 340)], tabs=True),
               "fail", ("TAB001",)),
        Sample("SPSS", "spss_export_tabs_safe.txt", _spss_text([("Nord", 120), ("Midt", 55), ("Syd", 340)], tabs=True),
               "pass"),
        Sample("SPSS", "spss_reversed.sps", "GET FILE='bef.sav'.\nSELECT IF (4471 = lopnr).\nEXECUTE.\n", "fail",
               ("COD001",)),
        Sample("SPSS", "spss_reversed_safe.sps", "GET FILE='bef.sav'.\nSELECT IF (2019 = aar).\nEXECUTE.\n", "pass"),
        # R console output saved as .txt, .Rhistory, knitr HTML
        Sample("R", "r_console_small.txt", _r_console(_r_table([("Nord", 120), ("Midt", 2), ("Syd", 340)])), "fail",
               ("TAB001",)),
        Sample("R", "r_console_safe.txt", _r_console(_r_table([("Nord", 120), ("Midt", 87), ("Syd", 340)])), "pass"),
        Sample("R", "analysis.Rhistory", "bef <- readRDS(\"bef.rds\")\nbef <- filter(bef, 4471 == lopnr)\n", "fail",
               ("COD001",)),
        Sample("R", ".Rhistory", "bef <- readRDS(\"bef.rds\")\ntable(bef$region)\nsummary(lm(indkomst ~ alder))\n",
               "pass"),
        Sample("R", "r_knitr_small.html", _knitr([("table(bef$region)", "\n Midt  Nord   Syd \n    2   120   340 "),
                                                  ("head(bef)", "   lopnr alder koen\n" + frame.rstrip("\n"))]),
               "fail", ("TAB001", "LOG001")),
        Sample("R", "r_knitr_safe.html", _knitr([
            ("table(bef$region)", "\n Midt  Nord   Syd \n   87   120   340 "),
            ("mean(bef$alder)", "[1] 45.12")]), "pass"),
        Sample("R", "r_knitr_summary.html", _knitr([
            ("summary(bef$alder)", "   Min. 1st Qu.  Median    Mean 3rd Qu.    Max. \n"
                                   "  18.00   31.00   45.00   45.12   58.00   89.00 ")]), "review", ("EXT001",)),
        # sex coded 1/2: R prints the column levels as a line of numbers over the rows, with no names
        Sample("R", "r_knitr_numeric_levels.html", _knitr([("table(bef$region, bef$koen)", r_levels(2))]), "fail",
               ("TAB001",)),
        Sample("R", "r_knitr_numeric_levels_safe.html", _knitr([("table(bef$region, bef$koen)", r_levels(21))]),
               "pass"),
        Sample("R", "r_numeric_levels.Rout", _R_HEAD + "> table(bef$region, bef$koen)\n" + r_levels(2) + "\n",
               "fail", ("TAB001",)),
        Sample("R", "r_numeric_levels_safe.Rout", _R_HEAD + "> table(bef$region, bef$koen)\n" + r_levels(21) + "\n",
               "pass"),
        # a key's values on one line: Stata's levelsof, R's unique() of a short vector
        Sample("Stata", "stata_levelsof_one_line.log", "  log type:  text\n. use bef, clear\n\n"
               ". levelsof lopnr if indkomst > 5000000\n1023887 4471902 5512345\n\n. levelsof aar\n2019 2020 2021\n",
               "fail", ("LOG001",)),
        Sample("Stata", "stata_levelsof_one_line_safe.log", "  log type:  text\n. use bef, clear\n\n"
               ". levelsof aar\n2019 2020 2021\n\n. count if alder > 100\n  3\n", "pass"),
        Sample("R", "r_unique_one_line.Rout", _R_HEAD + "> unique(bef$pnr[bef$indkomst > 5e6])\n[1] 1023887 4471902\n",
               "fail", ("LOG001",)),
        Sample("R", "r_unique_one_line_safe.Rout", _R_HEAD + "> unique(bef$aar)\n[1] 2019 2020\n", "pass"),
        Sample("R", "r_variable.R", "ids <- c(1023, 4471)\nbef <- bef[bef$pnr %in% ids, ]\n", "fail",
               ("COD001",)),
        Sample("R", "r_variable_safe.R", "aar_valgt <- 2019\nbef <- bef[bef$aar == aar_valgt, ]\n", "pass"),
        # Stata log saved as .txt, locals
        Sample("Stata", "stata_log_small.txt", ". use bef, clear\n. drop if alder < 18\n(35 observations deleted)\n\n"
               + _stata_tab([("Nord", 1200), ("Midt", 2), ("Syd", 3400)]), "fail", ("TAB001",)),
        Sample("Stata", "stata_log_safe.txt", ". use bef, clear\n. drop if alder < 18\n(35 observations deleted)\n\n"
               + _stata_tab([("Nord", 1200), ("Midt", 230), ("Syd", 3400)]), "pass"),
        Sample("Stata", "stata_local.do", "local id 1234\nuse bef, clear\ndrop if lopnr == `id'\n", "fail",
               ("COD001",)),
        Sample("Stata", "stata_local_safe.do", "local y 2019\nuse bef, clear\nkeep if aar == `y'\n", "pass"),
        # Python printed output saved as .txt/.out, nbconvert HTML, reversed comparison
        Sample("Python", "py_print_persons.out", "   lopnr  alder koen\n" + frame, "fail", ("LOG001",)),
        Sample("Python", "py_statsmodels.txt",
               "                            OLS Regression Results\n"
               "==============================================================================\n"
               "Dep. Variable:               indkomst   R-squared:                       0.050\n"
               "Model:                            OLS   Adj. R-squared:                  0.049\n"
               "No. Observations:                4812   F-statistic:                     123.4\n"
               "==============================================================================\n"
               "                 coef    std err          t      P>|t|      [0.025      0.975]\n"
               "------------------------------------------------------------------------------\n"
               "Intercept   3.457e+05   5678.901     60.870      0.000    3.35e+05    3.57e+05\n"
               "alder        1234.5670    123.457     10.000      0.000     992.543    1476.591\n"
               "==============================================================================\n", "pass"),
        Sample("Python", "nb_export_persons.html", _nbconvert([("df.head(8)", persons_html)]), "fail", ("LOG001",)),
        Sample("Python", "nb_export_safe.html", _nbconvert([("df.region.value_counts()",
                                                             "region\nNord    120\nMidt     87\nSyd     340\n"
                                                             "Name: count, dtype: int64")]), "pass"),
        Sample("Python", "py_reversed.py", "import pandas as pd\nx = df[\"A10231\" == df.cpr]\n", "fail", ("COD001",)),
        Sample("Python", "py_variable_safe.py", "import pandas as pd\nyear = 2019\nx = df[df.aar == year]\n", "pass"),
        # SAS: reversed and macro variables
        Sample("SAS", "sas_reversed.sas", "data x;\n  set bef;\n  if 1234 = lopnr then delete;\nrun;\n", "fail",
               ("COD001",)),
        Sample("SAS", "sas_macro_id.sas", "%let id = 4471;\ndata x;\n  set bef;\n  where pnr = &id;\nrun;\n", "fail",
               ("COD001",)),
        Sample("SAS", "sas_symbolgen.log", _sas_log(
            "12         data x; set bef; where lopnr = &id; run;\n"
            "SYMBOLGEN:  Macro variable ID resolves to 4471\n"
            "NOTE: There were 1 observations read from the data set WORK.BEF.\n"), "fail", ("COD001",)),
        Sample("SAS", "sas_symbolgen_safe.log", _sas_log(
            "12         data x; set bef; where aar = &aar; run;\n"
            "SYMBOLGEN:  Macro variable AAR resolves to 2019\n"
            "NOTE: There were 4812 observations read from the data set WORK.BEF.\n"), "pass"),
        Sample("SAS", "sas_not_in.sas", "proc sql;\n  create table x as select * from bef\n"
               "  where pnr not in (1234, 5678);\nquit;\n", "fail", ("COD001",)),
        Sample("SAS", "sas_not_in_safe.sas", "proc sql;\n  create table x as select * from bef\n"
               "  where aar not in (2018, 2019);\nquit;\n", "pass"),
        Sample("SAS", "sas_macro_safe.sas", "%let aar = 2019;\ndata x;\n  set bef;\n  where aar = &aar;\nrun;\n",
               "pass"),
        Sample("SAS", "sas_reversed_safe.sas", "data x;\n  set bef;\n  if 18 <= alder and 2019 = aar;\nrun;\n", "pass"),
        # SQL
        Sample("SQL", "sql_reversed.sql", "SELECT * FROM firms WHERE 12345678 = cvr_nr;\n", "fail", ("COD001",)),
        Sample("SQL", "sql_reversed_safe.sql", "SELECT * FROM firms WHERE 2019 = aar;\n", "pass"),
    ]


#: Plain notes in .txt files: they stay text (the text rules read them), not logs.
PLAIN_NOTES: tuple[tuple[str, str], ...] = (
    ("notes.txt", "Meeting 3 May\n\nNOTE: send the tables to Anna before Friday.\n- check region 3\n- rerun model 2\n"),
    ("readme.txt", "Project 704512\n\nRun the programs in this order:\n1. prepare.sas\n2. tables.sas\n"
                   "3. models.R\n\nOutput is written to /export.\n"),
    ("email.txt", "Hi,\n\n> can you send the results (tables 1-3)?\n> thanks\n\nYes, attached.\n"),
    ("methods.txt", "Methods\n\nCompute the mean income per region.\nRecode age into three groups.\n"
                    "Valid answers were kept; missing 12 dropped.\nValid means 18 or older.\n"),
    ("todo.txt", "todo\n\n* fix the labels\n* ask about the 2019 data\n"),
)

SAMPLES: tuple[Sample, ...] = (*_sas(), *_stata(), *_r(), *_python(), *_spss_sql(), *_gaps())
