"""Tests for scanner.discover: classification by content, the walk, and the real-world corpus.

Every fixture is generated here, in tmp_path. The corpus tests read ../shared/corpus (or the directory
in SDCSCAN_CORPUS) where it lies and are skipped when it is absent.
"""

from __future__ import annotations

import bz2
import csv
import errno
import gzip
import io
import json
import lzma
import os
import random
import sqlite3
import stat
import struct
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.discover import (
    HEAD_SIZE,
    DiscoveredFile,
    DiscoveryError,
    FileKind,
    classify,
    classify_content,
    discover,
    is_tar_header,
)

ERRORS = {"permission denied", "symlink loop", "broken symlink", "not a regular file"}

# --------------------------------------------------------------------------------------------------
# Fixture builders


def _sas_magic(catalog: bool = False) -> bytes:
    return (
        bytes(12)
        + b"\xc2\xea\x81"
        + (b"\x63" if catalog else b"\x60")
        + b"\xb3\x14\x11\xcf\xbd\x92\x08\x00\x09\xc7\x31\x8c\x18\x1f\x10\x11"
    )


_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _cfb_header(*, n_fat: int, dir_start: int, difat: list[int], difat_start: int, n_difat: int) -> bytes:
    hdr = bytearray(512)
    hdr[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", hdr, 0x18, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major, byte order, shifts
    struct.pack_into("<I", hdr, 0x2C, n_fat)
    struct.pack_into("<I", hdr, 0x30, dir_start)
    struct.pack_into("<I", hdr, 0x38, 4096)  # mini stream cutoff
    struct.pack_into("<IIII", hdr, 0x3C, _END, 0, difat_start, n_difat)
    struct.pack_into("<109I", hdr, 0x4C, *(difat + [_FREE] * (109 - len(difat))))
    return bytes(hdr)


def _dir_entry(name: str, obj_type: int) -> bytes:
    entry = bytearray(128)
    raw = name.encode("utf-16-le") + b"\x00\x00"
    entry[: len(raw)] = raw
    struct.pack_into("<HB", entry, 64, len(raw), obj_type)
    struct.pack_into("<III", entry, 68, _FREE, _FREE, _FREE)  # no siblings, no child
    return bytes(entry)


def _dir_sectors(names: list[str], *, root: bool = True) -> list[bytes]:
    entries = ([_dir_entry("Root Entry", 5)] if root else []) + [_dir_entry(n, 2) for n in names]
    entries += [bytes(128)] * (-len(entries) % 4)
    return [b"".join(entries[i : i + 4]) for i in range(0, len(entries), 4)]


def make_cfb(names: list[str]) -> bytes:
    """A minimal OLE compound file: sector 0 is the FAT, sectors 1.. the (chained) directory."""
    dirs = _dir_sectors(names)
    fat = [_FATSECT] + [i + 2 for i in range(len(dirs) - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    hdr = _cfb_header(n_fat=1, dir_start=1, difat=[0], difat_start=_END, n_difat=0)
    return hdr + struct.pack("<128I", *fat) + b"".join(dirs)


def write_cfb_with_difat_chain(path: Path, names: list[str]) -> None:
    """A compound file whose directory chain runs 4 -> far -> 5, where the link out of `far` is in FAT
    sector 109: beyond the header's 109 DIFAT entries, so only a DIFAT sector lists it (sparse, ~7 MB).
    The wanted names are in sector 5, reachable only through that link."""
    far = 109 * 128 + 7
    difat_sector = [2] + [_FREE] * 126 + [_END]  # FAT sector 109 is sector 2
    fat109 = [_FREE] * 128
    fat109[far % 128] = 5
    fat0 = [_FREE] * 128
    fat0[0:6] = [_FREE, _FATSECT, _FATSECT, _FATSECT, far, _END]
    first = _dir_sectors(["Dummy", "Other", "Third"])[0]
    middle = _dir_sectors(["A", "B", "C", "D"], root=False)[0]
    last = _dir_sectors(names, root=False)[0]
    hdr = _cfb_header(n_fat=110, dir_start=4, difat=[3] * 109, difat_start=1, n_difat=1)
    with open(path, "wb") as f:
        f.write(hdr + bytes(512))  # header, sector 0 unused
        f.write(struct.pack("<128I", *difat_sector) + struct.pack("<128I", *fat109))  # sectors 1, 2
        f.write(struct.pack("<128I", *fat0) + first + last)  # sectors 3, 4, 5
        f.seek((far + 1) * 512)
        f.write(middle)


def make_zip(members: dict[str, bytes], *, mimetype: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype is not None:
            zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def make_tar(*, v7: bool = False) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        data = b"a,b\n1,2\n"
        info = tarfile.TarInfo("table.csv")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    raw = bytearray(buf.getvalue())
    if v7:  # strip the ustar magic and recompute the checksum, as a pre-POSIX tar writes it
        raw[257:265] = bytes(8)
        raw[148:156] = b" " * 8
        raw[148:156] = f"{sum(raw[:512]):06o}\x00 ".encode()
    return bytes(raw)


def make_bmp() -> bytes:
    pixels = b"\x00\x00\xff\x00"
    header = b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54)
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + dib + pixels


def make_por() -> bytes:
    vanity = (b"\xc1\xe2\xc3\xc9\xc9@\xe2\xd7\xe2\xe2@\xd7\xd6\xd9\xe3@\xc6\xc9\xd3\xc5" + b"@" * 20) + (
        b"ASCII SPSS PORT FILE" + b" " * 20
    ) * 4
    table = bytes(range(64, 256)) + b"0" * 64
    body = vanity + table + b"SPSSPORTA8/20240101"
    return b"\r\n".join(body[i : i + 80] for i in range(0, len(body), 80)) + b"\r\n"


SAS_LOG = """1                                        The SAS System          10:00 Monday, May 6, 2024

NOTE: Copyright (c) 2016 by SAS Institute Inc., Cary, NC, USA.
NOTE: SAS (r) Proprietary Software 9.4 (TS1M6)
1          data work.x;
2            set lib.cohort;
3          run;

NOTE: There were 1413 observations read from the data set LIB.COHORT.
NOTE: The data set WORK.X has 1413 observations and 10 variables.
NOTE: DATA statement used (Total process time):
      real time           0.01 seconds
"""

SAS_LOG_NO_TITLE = """NOTE: PROCEDURE PRINTTO used (Total process time):
      real time           0.00 seconds

937  * hw02.sas
938    written by someone;
939  proc print data=intro.cohort(obs=10);
940  run;
NOTE: Writing ODS PDF output to DISK destination
"""

SAS_LST = (
    "                                 The SAS System                                1\n\n"
    "                                    Obs    x\n\n"
    "                                     1     1\n"
    "                                     2     2\n"
    "\x0c                                 The SAS System                                2\n\n"
    "                              The MEANS Procedure\n\n"
    "       N            Mean         Std Dev         Minimum         Maximum\n"
    "       5       3.6000000       2.4083189       1.0000000       7.0000000\n"
)

# A listing without the "The SAS System" title (OPTIONS NODATE NONUMBER; TITLE;): weak markers must add up.
SAS_LST_UNTITLED = (
    "Obs    name     age\n\n  1    Ann       34\n  2    Bob       51\n"
    "\x0c\n  Table of sex by group\n\n  sex      |a       |b       |  Total\n"
    "  ---------+--------+--------+\n  female   |     12 |      3 |     15\n"
)

STATA_LOG = """-------------------------------------------------------------------------------
      name:  <unnamed>
       log:  /project/output/balance.log
  log type:  text
 opened on:  27 May 2024, 16:48:41

. use "input/cohort.dta"

. tab year foreign, missing

      Year |         0          1 |     Total
-----------+----------------------+----------
      1980 |     4,738          0 |     4,738
"""

# A do-file run without a log header (the corpus's statistically_*.txt): only echoed commands.
STATA_ECHO_ONLY = """
. /*
>     table - Example 1
> */
. table rep78

----------------------
Repair    |      Freq.
----------+-----------
     Poor |          2
     Fair |          8
----------------------

. capture log close
"""

SMCL = """{smcl}
{com}{sf}{ul off}{txt}{.-}
      name:  {res}<unnamed>
  {txt}log type:  {res}smcl
{com}. summarize age
{txt}    Variable {c |}        Obs        Mean
"""

R_TRANSCRIPT = """
R version 4.3.2 (2023-10-31) -- "Eye Holes"
Copyright (C) 2023 The R Foundation for Statistical Computing

R is free software and comes with ABSOLUTELY NO WARRANTY.

> library(survival)
> fit <- survfit(Surv(time, status) ~ 1, data = ovarian)
> summary(fit)
 time n.risk n.event survival std.err
   59     26       1    0.962  0.0377
"""

# A transcript pasted without the banner: prompts followed by output, and a model printout.
R_PROMPTS_ONLY = """> d <- read.csv("cohort.csv")
> m <- lm(y ~ x, data = d)
> summary(m)

Call:
lm(formula = y ~ x, data = d)

Coefficients:
            Estimate Std. Error t value Pr(>|t|)
(Intercept)   1.0000     0.1000    10.0   <2e-16 ***
> nrow(d)
[1] 1413
"""

PANDAS_PRINTOUT = """Summary stats by practice:
count    2542.000000
mean       15.773407
min         0.000000
max      2048.000000
Name: long_covid, dtype: float64
"""

PROSE = (
    "Notes from the meeting\n\nWe discussed the plan for the next analysis, and agreed to wait.\n"
    "The data arrive in May; the cleaning takes a week or two, perhaps longer.\n"
    "Nobody objected. Questions, comments and corrections go to the project list.\n"
)

MARKDOWN_WITH_OUTPUT = """# 2020-12-08
## Regressions
1. Diff in diff
2. Selection into acquisition

Pasted from the log:

. tab spell

      spell |      Freq.     Percent        Cum.
------------+-----------------------------------
          1 |        531       42.01       42.01
          2 |          1        0.08       42.09
------------+-----------------------------------

. count if year > first_exit_year
  17

. tabulate gap
"""

TEX_LOG = (
    "This is pdfTeX, Version 3.1415926-1.40.10 (TeX Live 2009/Debian)  6 APR 2011 10:11\n"
    "entering extended mode\n**lenswear.tex\n(./lenswear.tex\nLaTeX2e <2009/09/24>\n"
    "\\c@part=\\count79\n\\c@section=\\count80\n"
)

R_WRITE_TABLE = (
    '"EpiYear" "Age_5y" "Deaths_Women" "Deaths_Men"\r\n'
    '"1" "2013/2014" "[0,5)" 96 144\r\n'
    '"2" "2013/2014" "[5,10)" 7 9\r\n'
    '"3" "2013/2014" "[10,15)" 7 11\r\n'
)

STATBANK_CSV = (
    "Fertility rates by age and time;;;;\r\nUnits: per 1,000 women;;;;\r\n"
    ";1973;1974;1975;1976\r\nTotal fertility rate;1917;1896.8;1918.8;1747.2\r\n"
    "15-19 years;22.7;22.4;21.8;19.0\r\n20-24 years;117.5;112.9;110.1;98.4\r\n"
)

PYTHON_DICT = (
    "LANGUAGES = {\n"
    + "".join(f'    "lang{i}": ["a", "b", "c"],\n' for i in range(40))
    + "}\n\n\ndef main():\n    return LANGUAGES\n"
)

SVG = (
    '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    "<!-- Created with matplotlib (https://matplotlib.org/) -->\n"
    '<svg xmlns="http://www.w3.org/2000/svg" width="460pt" height="345pt">'
    '<circle cx="1" cy="2" r="3"/></svg>\n'
)


def _text_fixtures() -> dict[str, tuple[bytes, FileKind]]:
    long_utf8_csv = "id;kommune;antal\n" + "".join(f"{i};Köbenhavn Ø;{i * 7}\n" for i in range(2000))
    head = long_utf8_csv.encode()
    # Put a two-byte character across the head's end: the cut must not make the file "binary".
    cut = head[: HEAD_SIZE - 1] + "Ø".encode() + head[HEAD_SIZE - 1 :]
    return {
        "res.csv": (b"kommune,aar,antal\nAarhus,2020,12\nOdense,2020,7\n", FileKind.CSV),
        # a Stata log opened without its header (log using, nomsg): a list box with original row numbers
        "top.log": (b". list alder koen loen if loen > 25000000\n\n     +-----------------------+\n"
                    b"     | alder   koen   loen   |\n     |-----------------------|\n"
                    b"1032. |    52      1   3.1e+07 |\n2218. |    61      1   2.7e+07 |\n"
                    b"     +-----------------------+\n", FileKind.LOG),
        "res_named.txt": (b"kommune,aar,antal\nAarhus,2020,12\nOdense,2020,7\n", FileKind.CSV),
        "tab_sep.csv": (b"algo\ttp\tfp\n1\t909\t429\n1a\t909\t276\n", FileKind.CSV),
        "one_column.csv": (b"pnr\n1\n2\n3\n", FileKind.CSV),
        "table.tsv": (b"a\tb\n1\t2\n", FileKind.CSV),
        "released.out": (b"age\tn\tdeaths\n1\t529943\t<5\n2\t825054\t[R]\n3\t1016720\t10\n", FileKind.CSV),
        "basetable.txt": (
            b"cons\t==1\t90307 (100)\n\nmale\t==0\t36801 (41)\nmale\t==1\t53506 (59)\n",
            FileKind.CSV,
        ),
        "statbank.csv": (STATBANK_CSV.encode(), FileKind.CSV),
        "statbank_title_lines.txt": (STATBANK_CSV.encode(), FileKind.CSV),
        "write_table.txt": (R_WRITE_TABLE.encode(), FileKind.CSV),
        "aligned.dat": (b"1  2.5  3\n4  5.5  6\n7  8.5  9\n", FileKind.CSV),
        "cp1252.csv": ('"region";"2017"\r\n"0114 Upplands Väsby";44605\r\n'.encode("cp1252"), FileKind.CSV),
        "cp1252_table.txt": (
            "kommun;antal\r\nVäsby;3\r\nÖsteråker;4\r\nJärfälla;5\r\n".encode("cp1252"),
            FileKind.CSV,
        ),
        "cp1252_prose.txt": (
            "Résumé – “quoted” text, costs 5 €.\r\nThe café opens at nine, we said.\r\n"
            "Nobody came, so we left.\r\n".encode("cp1252"),
            FileKind.TEXT,
        ),
        "one_comma_prose.txt": (
            b"We met on Monday, as planned.\nThe room was cold, but fine.\nLunch was late, again.\n",
            FileKind.TEXT,
        ),
        "dos_codepage.csv": ("land,1960\nÅland,1\nCuraçao,2\n".encode("cp437"), FileKind.CSV),
        "utf16le_bom.txt": (
            b"\xff\xfe" + "kommun\tantal\r\nVäsby\t3\r\nÖsteråker\t4\r\n".encode("utf-16-le"),
            FileKind.CSV,
        ),
        "utf16be_bom.txt": (b"\xfe\xff" + PROSE.encode("utf-16-be"), FileKind.TEXT),
        "utf8_bom.csv": (
            b"\xef\xbb\xbfTID;ALDER;K\xc3\x98N;INDHOLD\n2021Q2;0 years;Men;31649\n",
            FileKind.CSV,
        ),
        "multibyte_cut.csv": (cut, FileKind.CSV),
        "multibyte_cut.txt": (cut, FileKind.CSV),
        "bmi.txt": (b"BMI,age,n\n25,40,12\n31,50,9\n", FileKind.CSV),  # not a BMP
        "par1.txt": (b"PAR1,PAR2\n1,2\n3,4\n", FileKind.CSV),  # not parquet
        "stata_log.txt": (STATA_LOG.encode(), FileKind.LOG),
        "stata.log": (STATA_LOG.encode(), FileKind.LOG),
        "stata_echo.txt": (STATA_ECHO_ONLY.encode(), FileKind.LOG),
        "master.smcl": (SMCL.encode(), FileKind.LOG),
        "smcl_named.txt": (SMCL.encode(), FileKind.LOG),
        "sas.log": (SAS_LOG.encode(), FileKind.LOG),
        "sas_log.txt": (SAS_LOG.encode(), FileKind.LOG),
        "sas_no_title.txt": (SAS_LOG_NO_TITLE.encode(), FileKind.LOG),
        "sas.lst": (SAS_LST.encode(), FileKind.LOG),
        "sas_lst.txt": (SAS_LST.encode(), FileKind.LOG),
        "sas_untitled.txt": (SAS_LST_UNTITLED.encode(), FileKind.LOG),
        "ovarian.Rout.save": (R_TRANSCRIPT.encode(), FileKind.LOG),
        "session.Rout": (R_TRANSCRIPT.encode(), FileKind.LOG),
        "r_prompts.txt": (R_PROMPTS_ONLY.encode(), FileKind.LOG),
        "describe.txt": (PANDAS_PRINTOUT.encode(), FileKind.LOG),
        "latex.log": (TEX_LOG.encode(), FileKind.LOG),  # a log by name, with no table in it
        "latex_log.txt": (TEX_LOG.encode(), FileKind.TEXT),
        "mplus.out": (b"Mplus VERSION 8\nINPUT INSTRUCTIONS\n  TITLE: model one\n", FileKind.LOG),
        "notes.md": (PROSE.encode(), FileKind.TEXT),
        "lab-notes.md": (MARKDOWN_WITH_OUTPUT.encode(), FileKind.TEXT),
        "readme_html_start.md": (b'<p align="center">Logo</p>\n\n# Project\n', FileKind.TEXT),
        "prose.txt": (PROSE.encode(), FileKind.TEXT),
        "noext_prose": (PROSE.encode(), FileKind.TEXT),
        "python_dict.txt": (PYTHON_DICT.encode(), FileKind.TEXT),
        "draft.txt": (b"<DRAFT!>\n\t\tHOWTO keys\n\n1. Introduction\n", FileKind.TEXT),
        "analysis.sas": (b"data x; set y; run;\n", FileKind.CODE),
        "analysis.do": (b"use cohort\ntab sex\n", FileKind.CODE),
        "helper.ado": (b"program define h\nend\n", FileKind.CODE),
        "model.R": (b"fit <- lm(y ~ x)\n", FileKind.CODE),
        "model.r": (b"fit <- lm(y ~ x)\n", FileKind.CODE),
        "clean.py": (b"import polars\n", FileKind.CODE),
        "syntax.sps": (b"FREQUENCIES VARIABLES=sex.\n", FileKind.CODE),
        "query.sql": (b"SELECT * FROM t WHERE pnr = 1;\n", FileKind.CODE),
        "report.Rmd": (b"---\ntitle: x\n---\n```{r}\n1\n```\n", FileKind.CODE),
        "report.qmd": (b"---\ntitle: x\n---\n", FileKind.CODE),
        "sim.jl": (b"x = 1\n", FileKind.CODE),
        "est.m": (b"x = 1;\n", FileKind.CODE),
        "run.sh": (b"#!/bin/sh\necho hi\n", FileKind.CODE),
        "runme": (b"#!/usr/bin/env python3\nprint(1)\n", FileKind.CODE),
        "notebook.ipynb": (json.dumps({"cells": [], "nbformat": 4}).encode(), FileKind.CODE),
        "data.json": (b'{"a": [1, 2, 3]}\n', FileKind.JSON),
        "lines.jsonl": (b'{"a": 1}\n{"a": 2}\n', FileKind.JSON),
        "places.geojson": (b'\xef\xbb\xbf  {"type": "FeatureCollection"}', FileKind.JSON),
        "page.html": (
            b"<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table></body></html>\n",
            FileKind.HTML,
        ),
        "export.xls": (
            b"<html><head><meta charset='utf-8'></head><body><table></table></body></html>",
            FileKind.HTML,
        ),
        "fragment.txt": (b"<table>\n<tr><td>3</td></tr>\n</table>\n", FileKind.HTML),
        # pandas' to_html() under a heading, saved as text: HTML, not an XML document without a root
        "to_html.txt": (b"<h3>Deaths by county</h3>\n<table border='1'>\n<tr>\n<td>Oslo</td>\n</tr>\n</table>\n",
                        FileKind.HTML),
        "caption_first.txt": (b"<caption>T</caption>\n<table><thead><tr><th>a</th></tr></thead></table>\n",
                              FileKind.HTML),
        "data.xml": (b'<?xml version="1.0"?>\n<rows><row a="1"/></rows>\n', FileKind.XML),
        "noext_xml": (b"<rows>\n  <row>1</row>\n</rows>\n", FileKind.XML),
        "workbook2003.xls": (
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook/>\n',
            FileKind.XML,
        ),
        "plot.svg": (SVG.encode(), FileKind.SVG),
        "plot_svg_named.txt": (SVG.encode(), FileKind.SVG),
        "bare.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', FileKind.SVG),
        "doc.rtf": (b"{\\rtf1\\ansi Hello}", FileKind.RTF),
        "figure.eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", FileKind.POSTSCRIPT),
        "ascii.rds": (b"A\n3\n263169\n197888\n5\nUTF-8\n", FileKind.RDATA),
    }


def _binary_fixtures(tmp: Path) -> dict[str, tuple[bytes, FileKind]]:
    rng = random.Random(1234)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    sqlite_path = tmp / "_build.sqlite"
    with sqlite3.connect(sqlite_path) as con:
        con.execute("create table t (a)")
    con.close()
    sqlite_bytes = sqlite_path.read_bytes()
    sqlite_path.unlink()
    xlsx = make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    return {
        "empty.csv": (b"", FileKind.EMPTY),
        "empty": (b"", FileKind.EMPTY),
        "data.parquet": (b"PAR1\x15\x04\x15\x10\x00\x00" + bytes(20) + b"PAR1", FileKind.PARQUET),
        "renamed_parquet.csv": (b"PAR1\x15\x04\x15\x10\x00\x00" + bytes(20) + b"PAR1", FileKind.PARQUET),
        "enc.parquet.encrypted": (b"PARE-\x00\x00\x00" + noise[:64] + b"PARE", FileKind.PARQUET),
        "fig.pdf": (b"%PDF-1.4\n%\xb7\xbe\xad\xaa\n1 0 obj\n", FileKind.PDF),
        "fig.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(13), FileKind.PNG),
        "fig.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", FileKind.JPEG),
        "fig.gif": (b"GIF89a\x01\x00\x01\x00", FileKind.GIF),
        "fig.tif": (b"II*\x00\x08\x00\x00\x00", FileKind.TIFF),
        "fig_be.tiff": (b"MM\x00*\x00\x00\x00\x08", FileKind.TIFF),
        "fig.bmp": (make_bmp(), FileKind.BMP),
        "fig.webp": (b"RIFF\x24\x00\x00\x00WEBPVP8 ", FileKind.WEBP),
        "cohort.sas7bdat": (_sas_magic() + bytes(1000), FileKind.SAS7BDAT),
        "formats.sas7bcat": (_sas_magic(catalog=True) + bytes(1000), FileKind.SAS7BCAT),
        "catalog_renamed.dat": (_sas_magic(catalog=True) + bytes(1000), FileKind.SAS7BCAT),
        "v5.xpt": (b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!" + b"0" * 30 + b"  ", FileKind.XPT),
        "v8.xpt": (b"HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!" + b"0" * 30 + b"  ", FileKind.XPT),
        "lib.cpt": (b"**COMPRESSED** **COMPRESSED** **COMPRESSED** **COMPRESSED**", FileKind.SAS_CPORT),
        "new.dta": (b"<stata_dta><header><release>118</release>", FileKind.DTA),
        "v115.dta": (b"\x73\x02\x01\x00\x01\x00" + bytes(100), FileKind.DTA),
        "v113_noext": (b"\x71\x01\x01\x00\x01\x00" + bytes(100), FileKind.DTA),
        "v108.dta": (b"\x6c\x02\x01\x00\x01\x00" + bytes(100), FileKind.DTA),
        "v108_noext": (b"\x6c\x02\x01\x00\x01\x00" + bytes(100), FileKind.BINARY),
        "survey.sav": (b"$FL2@(#) IBM SPSS STATISTICS\x00\x00\x00", FileKind.SAV),
        "survey.zsav": (b"$FL3@(#) IBM SPSS STATISTICS\x00\x00\x00", FileKind.SAV),
        "portable.por": (make_por(), FileKind.POR),
        "portable_noext": (make_por(), FileKind.POR),
        "out.csv.gz": (gzip.compress(b"a,b\n1,2\n"), FileKind.GZIP),
        "out.csv.bz2": (bz2.compress(b"a,b\n1,2\n"), FileKind.BZIP2),
        "out.csv.xz": (lzma.compress(b"a,b\n1,2\n"), FileKind.XZ),
        "out.csv.zst": (b"\x28\xb5\x2f\xfd\x04\x00", FileKind.ZSTD),
        "out.7z": (b"7z\xbc\xaf\x27\x1c\x00\x04", FileKind.SEVENZ),
        "out.tar": (make_tar(), FileKind.TAR),
        "old.tar": (make_tar(v7=True), FileKind.TAR),
        "obj.rds": (gzip.compress(b"X\n\x00\x00\x00\x03"), FileKind.RDATA),
        "ws.RData": (gzip.compress(b"RDX3\nX\n"), FileKind.RDATA),
        "ws_xz.rda": (lzma.compress(b"RDX3\nX\n"), FileKind.RDATA),
        "ws_plain.RData": (b"RDX2\nX\n\x00\x00\x00\x02", FileKind.RDATA),
        "obj_plain.rds": (b"X\n\x00\x00\x00\x03\x00\x04\x03\x02", FileKind.RDATA),
        "db.sqlite": (sqlite_bytes, FileKind.SQLITE),
        "t.feather": (b"ARROW1\x00\x00\xff\xff\xff\xff", FileKind.FEATHER),
        "t_v1.feather": (b"FEA1\x00\x00\x00\x00", FileKind.FEATHER),
        "t.h5": (b"\x89HDF\r\n\x1a\n\x00\x00", FileKind.HDF5),
        "t.mat": (b"MATLAB 5.0 MAT-file, Platform: GLNXA64" + bytes(90), FileKind.MAT),
        "t.duckdb": (bytes(8) + b"DUCK" + bytes(20), FileKind.DUCKDB),
        "noise.bin": (noise, FileKind.BINARY),
        "noise.csv": (noise, FileKind.BINARY),
        "nul_text.txt": (b"abc\x00def\n", FileKind.BINARY),
        "controls.txt": (bytes(range(1, 32)) * 10, FileKind.BINARY),
        "book.xlsx": (xlsx, FileKind.XLSX),
        "xlsx_named.zip": (xlsx, FileKind.XLSX),
        "binary.xlsb": (make_zip({"xl/workbook.bin": b"\x00"}), FileKind.XLSB),
        "doc.docx": (make_zip({"word/document.xml": b"<w/>"}), FileKind.DOCX),
        "deck.pptx": (make_zip({"ppt/presentation.xml": b"<p/>"}), FileKind.PPTX),
        "calc.ods": (
            make_zip({"content.xml": b"<c/>"}, mimetype="application/vnd.oasis.opendocument.spreadsheet"),
            FileKind.ODS,
        ),
        "text.odt": (
            make_zip({"content.xml": b"<c/>"}, mimetype="application/vnd.oasis.opendocument.text"),
            FileKind.ODT,
        ),
        "bundle.zip": (make_zip({"a.csv": b"a\n1\n", "b/c.txt": b"x"}), FileKind.ZIP),
        "backslash.xlsx": (make_zip({"xl\\workbook.xml": b"<w/>"}), FileKind.XLSX),
        "empty.zip": (b"PK\x05\x06" + bytes(18), FileKind.ZIP),
        "damaged.zip": (b"PK\x03\x04" + noise[:200], FileKind.ZIP),
        "damaged.xlsx": (b"PK\x03\x04" + noise[:200], FileKind.XLSX),
        "legacy.xls": (make_cfb(["Workbook", "\x05SummaryInformation"]), FileKind.XLS),
        "biff5.xls": (make_cfb(["Book"]), FileKind.XLS),
        "protected.xlsx": (
            make_cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]),
            FileKind.OLE_ENCRYPTED,
        ),
        "letter.doc": (make_cfb(["WordDocument", "1Table"]), FileKind.DOC),
        "slides.ppt": (make_cfb(["PowerPoint Document", "Current User"]), FileKind.PPT),
        # more entries than one directory sector holds: the chain must be followed through the FAT
        "many_streams.xls": (make_cfb([f"S{i}" for i in range(9)] + ["Workbook"]), FileKind.XLS),
        "mail.msg": (make_cfb(["__substg1.0_0037001F"]), FileKind.OLE),
        "truncated.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), FileKind.OLE),
    }


# --------------------------------------------------------------------------------------------------
# Classification


def _build(tmp_path: Path, fixtures: dict[str, tuple[bytes, FileKind]]) -> Path:
    root = tmp_path / "export"
    root.mkdir()
    for name, (data, _) in fixtures.items():
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize("name", sorted(_text_fixtures()))
def test_classify_text(tmp_path: Path, name: str) -> None:
    data, expected = _text_fixtures()[name]
    path = tmp_path / name
    path.write_bytes(data)
    assert classify(path, data[:HEAD_SIZE]) is expected, name


def test_classify_binary_and_containers(tmp_path: Path) -> None:
    fixtures = _binary_fixtures(tmp_path)
    root = _build(tmp_path, fixtures)
    wrong = {}
    for name, (data, expected) in fixtures.items():
        got = classify(root / name, data[:HEAD_SIZE])
        if got is not expected:
            wrong[name] = (got, expected)
    assert not wrong, f"misclassified (got, expected): {wrong}"


def test_discover_classifies_like_classify(tmp_path: Path) -> None:
    fixtures = {**_text_fixtures(), **_binary_fixtures(tmp_path)}
    root = _build(tmp_path, fixtures)
    found = {d.relpath: d for d in discover([root])}
    assert set(found) == {f"export/{n}" for n in fixtures}
    for name, (data, expected) in fixtures.items():
        d = found[f"export/{name}"]
        assert (d.kind, d.error, d.size) == (expected, None, len(data)), name
        assert d.path == root / name


def test_ole_directory_beyond_header_difat(tmp_path: Path) -> None:
    path = tmp_path / "big_protected.xlsx"
    write_cfb_with_difat_chain(path, ["EncryptionInfo", "EncryptedPackage"])
    assert path.stat().st_size > 109 * 128 * 512  # the FAT sector needed is not in the header
    assert classify(path, path.read_bytes()[:HEAD_SIZE]) is FileKind.OLE_ENCRYPTED


def test_ole_cyclic_directory_chain_terminates(tmp_path: Path) -> None:
    data = bytearray(make_cfb([f"S{i}" for i in range(6)]))
    struct.pack_into("<I", data, 512 + 4 * 2, 1)  # directory sector 2 points back at sector 1
    path = tmp_path / "cycle.xls"
    path.write_bytes(bytes(data))
    assert classify(path, bytes(data[:HEAD_SIZE])) is FileKind.OLE


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(
        [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe"]
    ),
    body=st.binary(max_size=3000),
    name=st.sampled_from(["x.csv", "x.txt", "x.xlsx", "x", "x.log", "x.rds", "x.dta", "x.json", "x.md"]),
)
def test_classify_never_raises(
    tmp_path_factory: pytest.TempPathFactory, prefix: bytes, body: bytes, name: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    data = prefix + body
    path.write_bytes(data)
    assert isinstance(classify(path, data[:HEAD_SIZE]), FileKind)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_utf8_text_is_never_binary(text: str) -> None:
    clean = "".join(ch for ch in text if (ch >= " " or ch in "\t\n\r") and ch != "\x7f")
    data = clean.encode()
    kind = classify(Path("/nonexistent/notes.txt"), data[:HEAD_SIZE])
    assert kind not in (FileKind.BINARY,), repr(clean[:80])


# --------------------------------------------------------------------------------------------------
# The walk


def _relpaths(found: list[DiscoveredFile]) -> list[str]:
    return [d.relpath for d in found]


def test_order_and_relpaths(tmp_path: Path) -> None:
    root = tmp_path / "export"
    for name in ["a.txt", "a/b.csv", "a-b.csv", "A.csv", "b/c/d.txt", "b/c.txt", "a/z/y.txt", "b c.txt"]:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x\n")
    found = list(discover([root]))
    rel = _relpaths(found)
    assert rel == [
        "export/A.csv",
        "export/a-b.csv",
        "export/a.txt",
        "export/a/b.csv",
        "export/a/z/y.txt",
        "export/b c.txt",
        "export/b/c.txt",
        "export/b/c/d.txt",
    ]
    assert rel == sorted(rel)
    assert all(d.path.is_absolute() and d.path == root / d.relpath.removeprefix("export/") for d in found)
    assert list(discover([root])) == found  # deterministic


def test_roots_in_argument_order_and_single_file(tmp_path: Path) -> None:
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "1.csv").write_text("a,b\n1,2\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "2.csv").write_text("a,b\n1,2\n")
    single = tmp_path / "a" / "2.csv"
    found = list(discover([tmp_path / "z", str(tmp_path / "a"), single]))
    assert _relpaths(found) == ["z/1.csv", "a/2.csv", "2.csv"]
    assert found[2].kind is FileKind.CSV and found[2].path == single


def test_relative_root_and_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "export"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "res.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(root)
    assert _relpaths(list(discover(["."]))) == ["export/sub/res.csv"]
    assert _relpaths(list(discover(["sub"]))) == ["sub/res.csv"]
    assert _relpaths(list(discover(["sub/res.csv"]))) == ["res.csv"]
    [entry] = discover(["sub"])
    assert entry.path == root / "sub" / "res.csv"


def test_missing_argument_raises_at_call_time(tmp_path: Path) -> None:
    (tmp_path / "ok.csv").write_text("a\n1\n")
    with pytest.raises(DiscoveryError, match="does not exist"):
        discover([tmp_path / "ok.csv", tmp_path / "missing"])  # before anything is iterated


def test_single_path_instead_of_a_sequence_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="sequence of paths"):
        discover(str(tmp_path))  # a str is a Sequence[str] to the type checker


def test_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "real" / "deep").mkdir(parents=True)
    (root / "real" / "deep" / "t.csv").write_text("a,b\n1,2\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.csv").write_text("a,b\n1,2\n")
    (root / "real" / "loop").symlink_to("..")  # back to an ancestor
    (root / "alias").symlink_to("real")  # a second way into a directory walked anyway
    (root / "ext").symlink_to(outside)  # a directory outside the root: followed
    (root / "file_link.csv").symlink_to(root / "real" / "deep" / "t.csv")
    (root / "broken.csv").symlink_to(tmp_path / "nowhere.csv")
    (root / "self").symlink_to("self")  # ELOOP
    found = {d.relpath: d for d in discover([root])}
    assert found["export/real/loop"].error == "symlink loop"
    assert (found["export/real/loop"].kind, found["export/real/loop"].size) == (FileKind.BINARY, 0)
    assert found["export/alias"].error == "symlink loop"
    assert "export/alias/deep/t.csv" not in found
    assert found["export/real/deep/t.csv"].error is None
    assert (found["export/ext/o.csv"].kind, found["export/ext/o.csv"].error) == (FileKind.CSV, None)
    link = found["export/file_link.csv"]
    assert (link.kind, link.error, link.size) == (FileKind.CSV, None, 8)
    assert found["export/broken.csv"].error == "broken symlink"
    assert found["export/self"].error == "symlink loop"
    rel = list(found)
    assert rel == sorted(rel)


def test_symlinks_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "real").mkdir(parents=True)
    (root / "real" / "t.csv").write_text("a\n1\n")
    (root / "alias").symlink_to("real")
    (root / "file_link.csv").symlink_to("real/t.csv")
    (root / "broken.csv").symlink_to("nowhere.csv")
    found = {d.relpath: d.error for d in discover([root], follow_symlinks=False)}
    assert found == {
        "export/alias": "not a regular file",
        "export/broken.csv": "broken symlink",
        "export/file_link.csv": "not a regular file",
        "export/real/t.csv": None,
    }


def test_symlinked_root_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "t.csv").write_text("a\n1\n")
    (tmp_path / "export").symlink_to("real")
    (tmp_path / "dangling").symlink_to("nowhere")
    assert _relpaths(list(discover([tmp_path / "export"], follow_symlinks=False))) == ["export/t.csv"]
    [entry] = discover([tmp_path / "dangling"])
    assert (entry.relpath, entry.error) == ("dangling", "broken symlink")


def test_fifo_is_reported_not_opened(tmp_path: Path) -> None:
    root = tmp_path / "export"
    root.mkdir()
    os.mkfifo(root / "pipe.csv")
    (root / "z.csv").write_text("a\n1\n")
    found = list(discover([root]))  # would block forever if the FIFO were opened for reading
    assert [(d.relpath, d.kind, d.size, d.error) for d in found] == [
        ("export/pipe.csv", FileKind.BINARY, 0, "not a regular file"),
        ("export/z.csv", FileKind.CSV, 4, None),
    ]
    [alone] = discover([root / "pipe.csv"])
    assert alone.error == "not a regular file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files and lists directories despite chmod 000")
def test_unreadable_file_and_directory_chmod(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.csv").write_text("a\n1\n")
    (root / "secret.csv").write_text("SECRET,1\n")
    (root / "secret.csv").chmod(0)
    (root / "locked").chmod(0)
    try:
        found = {d.relpath: d for d in discover([root])}
    finally:
        (root / "locked").chmod(stat.S_IRWXU)
        (root / "secret.csv").chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert found["export/secret.csv"].error == "permission denied"
    assert found["export/locked"].error == "permission denied"
    assert "export/locked/x.csv" not in found


def _fail_for(
    monkeypatch: pytest.MonkeyPatch, attr: str, target: Path, exc: OSError
) -> Callable[..., object]:
    real = getattr(os, attr)

    def fake(path: str | os.PathLike[str], *args: object, **kwargs: object) -> object:
        if os.fspath(path) == os.fspath(target):
            raise exc
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, attr, fake)  # the os module discover uses: restored after the test
    return fake


def test_permission_denied_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated, so it runs as root too: the scan reports the file and carries on.
    root = tmp_path / "export"
    root.mkdir()
    (root / "a.csv").write_text("SECRET,1\n")
    (root / "b.csv").write_text("a\n1\n")
    _fail_for(monkeypatch, "open", root / "a.csv", PermissionError(errno.EACCES, "denied", "SECRET"))
    found = list(discover([root]))
    assert [(d.relpath, d.error) for d in found] == [
        ("export/a.csv", "permission denied"),
        ("export/b.csv", None),
    ]
    assert found[0].kind is FileKind.BINARY


def test_io_error_is_reported_by_errno_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "export"
    root.mkdir()
    (root / "a.csv").write_text("a\n1\n")
    _fail_for(monkeypatch, "open", root / "a.csv", OSError(errno.EIO, "Input/output error"))
    [entry] = discover([root])
    assert entry.error == "I/O error: EIO"


def test_unlistable_directory_is_reported_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "export"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.csv").write_text("a\n1\n")
    (root / "locked.csv").write_text("a\n1\n")
    (root / "locked-2").mkdir()
    (root / "locked-2" / "y.csv").write_text("a\n1\n")
    _fail_for(monkeypatch, "scandir", root / "locked", PermissionError(errno.EACCES, "denied"))
    found = list(discover([root]))
    assert [(d.relpath, d.kind, d.error) for d in found] == [
        ("export/locked", FileKind.BINARY, "permission denied"),
        ("export/locked-2/y.csv", FileKind.CSV, None),
        ("export/locked.csv", FileKind.CSV, None),
    ]
    assert _relpaths(found) == sorted(_relpaths(found))


def test_unlistable_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "export"
    root.mkdir()
    _fail_for(monkeypatch, "scandir", root, PermissionError(errno.EACCES, "denied"))
    [entry] = discover([root])
    assert (entry.relpath, entry.error, entry.kind) == ("export", "permission denied", FileKind.BINARY)


def test_excludes(tmp_path: Path) -> None:
    root = tmp_path / "export"
    for rel in [
        "res.csv",
        ".git/config",
        "sub/.git/HEAD",
        "sub/__pycache__/m.pyc",
        "tmp.tmp",
        "scratch/a.csv",
        "keep/scratch.csv",
        "nested/scratch/b.csv",
    ]:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("a\n1\n")
    assert _relpaths(list(discover([root]))) == sorted(
        "export/" + r
        for r in [
            ".git/config",
            "keep/scratch.csv",
            "nested/scratch/b.csv",
            "res.csv",
            "scratch/a.csv",
            "sub/.git/HEAD",
            "sub/__pycache__/m.pyc",
            "tmp.tmp",
        ]
    )
    kept = _relpaths(list(discover([root], exclude=[".git", "__pycache__/", "*.tmp", "export/scratch/*"])))
    assert kept == ["export/keep/scratch.csv", "export/nested/scratch/b.csv", "export/res.csv"]
    # a pattern relative to the root works too; a bare component excludes it at any depth
    assert _relpaths(list(discover([root], exclude=["scratch/*", ".git", "__pycache__", "*.tmp"]))) == [
        "export/keep/scratch.csv",
        "export/nested/scratch/b.csv",
        "export/res.csv",
    ]
    assert "export/nested/scratch/b.csv" not in _relpaths(list(discover([root], exclude=["scratch"])))
    # the root argument itself is never excluded
    assert _relpaths(list(discover([root / "res.csv"], exclude=["*.csv"]))) == ["res.csv"]


def test_discover_writes_nothing(tmp_path: Path) -> None:
    fixtures = {**_text_fixtures(), **_binary_fixtures(tmp_path)}
    root = _build(tmp_path, fixtures)

    def snapshot() -> dict[str, tuple[int, int, int]]:
        out = {}
        for dirpath, dirnames, filenames in os.walk(tmp_path):
            for n in dirnames + filenames:
                s = os.lstat(os.path.join(dirpath, n))
                out[os.path.join(dirpath, n)] = (s.st_size, s.st_mtime_ns, s.st_mode)
        return out

    before = snapshot()
    assert len(list(discover([root]))) == len(fixtures)
    assert snapshot() == before


def test_errors_use_the_fixed_vocabulary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "export"
    root.mkdir()
    (root / "SECRET-190101-1234.csv").write_text("190101-1234\n")
    (root / "broken").symlink_to("190101-1234")
    os.mkfifo(root / "fifo")
    _fail_for(monkeypatch, "open", root / "SECRET-190101-1234.csv", OSError(errno.EIO, "190101-1234"))
    errors = [d.error for d in discover([root])]
    assert errors and all(e is not None for e in errors)
    for e in errors:
        assert e in ERRORS or (e is not None and e.startswith("I/O error: E")), e
        assert "190101" not in (e or "")


# --------------------------------------------------------------------------------------------------
# Real-world corpus


def _corpus_root() -> Path | None:
    env = os.environ.get("SDCSCAN_CORPUS")
    root = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    return root if (root / "MANIFEST.tsv").is_file() else None


CORPUS = _corpus_root()
SKIP_CORPUS = "real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus"


def _manifest() -> list[str]:
    if CORPUS is None:
        return []
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return [row["path"] for row in csv.DictReader(f, delimiter="\t")]


# Files whose kind is not what their folder says, with the reason.
CORPUS_OVERRIDES: dict[str, FileKind] = {
    "excel/calamine_pass_protected.xlsx": FileKind.OLE_ENCRYPTED,  # OLE container, not a zip
    # OpenSAFELY released tables in logs/: tab-delimited, so the table rules must read them
    "logs/opensafely_absrisk_AL004_cox_regression_FUP_summaries.out": FileKind.CSV,
    "logs/opensafely_absrisk_X_covid_outcomes_by_at_risk.out": FileKind.CSV,
    "logs/opensafely_absrisk_basetable1.txt": FileKind.CSV,
    # pandas describe()/value_counts() printout: program output, like a listing (LOG001 reads it)
    "logs/opensafely_longcovid_practice_summ.txt": FileKind.LOG,
    "logs/expat_lab-notes.md": FileKind.TEXT,  # prose markdown with pasted output
}
BY_EXTENSION: dict[str, dict[str, FileKind]] = {
    "excel": {".xls": FileKind.XLS, ".xlsx": FileKind.XLSX, ".xlsb": FileKind.XLSB},
    "figures": {".pdf": FileKind.PDF, ".svg": FileKind.SVG, ".png": FileKind.PNG, ".jpg": FileKind.JPEG},
    "sas": {".sas7bdat": FileKind.SAS7BDAT, ".sas7bcat": FileKind.SAS7BCAT, ".xpt": FileKind.XPT},
    "spss": {".sav": FileKind.SAV, ".zsav": FileKind.SAV, ".por": FileKind.POR},
}
BY_FOLDER = {
    "csv": FileKind.CSV,
    "logs": FileKind.LOG,
    "parquet": FileKind.PARQUET,
    "stata": FileKind.DTA,
}


def expected_corpus_kind(relpath: str) -> FileKind:
    if relpath in CORPUS_OVERRIDES:
        return CORPUS_OVERRIDES[relpath]
    folder = relpath.split("/", 1)[0]
    if folder in BY_FOLDER:
        return BY_FOLDER[folder]
    ext = os.path.splitext(relpath)[1].lower()
    try:
        return BY_EXTENSION[folder][ext]
    except KeyError:
        raise AssertionError(f"no expected kind for new corpus file {relpath}: add one") from None


def _corpus_params() -> list[object]:
    paths = _manifest()
    if not paths:
        return [pytest.param("", marks=pytest.mark.skip(reason=SKIP_CORPUS), id="corpus-absent")]
    return [pytest.param(p, id=p) for p in paths]


@pytest.mark.corpus
# --------------------------------------------------------------------------------------------------
# Content hash taken on the classification read, and classification of bytes that are not a file


def test_small_file_is_hashed_on_the_head_read_large_file_is_not(tmp_path: Path) -> None:
    import blake3

    small = b"region,n\nNord,10\n"
    (tmp_path / "small.csv").write_bytes(small)
    (tmp_path / "exact.csv").write_bytes(small * (HEAD_SIZE // len(small)) + b"x" * (HEAD_SIZE % len(small)))
    (tmp_path / "large.csv").write_bytes(small * (HEAD_SIZE // len(small) + 1))
    (tmp_path / "empty.txt").write_bytes(b"")
    found = {d.relpath.split("/")[-1]: d for d in discover([tmp_path])}
    for name in ("small.csv", "exact.csv", "empty.txt"):
        data = (tmp_path / name).read_bytes()
        assert found[name].hash == "blake3:" + blake3.blake3(data).hexdigest(), name
    assert found["large.csv"].hash is None  # the scan hashes it on a pass of its own


def test_classify_content_is_classify_without_a_file() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    data = out.getvalue()

    def opener() -> io.BytesIO:
        return io.BytesIO(data)

    assert classify_content("book.bin", data[:HEAD_SIZE], opener) is FileKind.XLSX
    assert classify_content("t.csv", b"region,n\nNord,10\nSyd,12\n", opener) is FileKind.CSV
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tf:
        tf.addfile(tarfile.TarInfo("empty.txt"))
    assert is_tar_header(tar.getvalue()) and not is_tar_header(b"region,n\n" * 100)


@pytest.mark.parametrize("relpath", _corpus_params())
def test_corpus_file_kind(relpath: str) -> None:
    assert CORPUS is not None
    path = CORPUS / relpath
    with open(path, "rb") as f:
        head = f.read(HEAD_SIZE)
    assert classify(path, head) is expected_corpus_kind(relpath), relpath


@pytest.mark.corpus
def test_corpus_walk() -> None:
    if CORPUS is None:
        pytest.skip(SKIP_CORPUS)
    found = list(discover([CORPUS]))
    prefix = CORPUS.name + "/"
    errors = [(d.relpath, d.error) for d in found if d.error is not None]
    assert errors == []
    rel = _relpaths(found)
    assert rel == sorted(rel)
    by_rel = {r.removeprefix(prefix): d for r, d in zip(rel, found, strict=True)}
    manifest = _manifest()
    assert set(manifest) <= set(by_rel)
    wrong = {
        p: (by_rel[p].kind.value, expected_corpus_kind(p).value)
        for p in manifest
        if by_rel[p].kind is not expected_corpus_kind(p)
    }
    assert wrong == {}, "misclassified (got, expected)"
    assert by_rel["MANIFEST.tsv"].kind is FileKind.CSV
    assert all(d.size == (CORPUS / r).stat().st_size for r, d in by_rel.items())


def test_python_logging_with_time_stamps_is_a_log_not_a_csv(tmp_path: Path) -> None:
    # asctime's milliseconds come after a comma: every line splits into two fields at it
    path = tmp_path / "pipeline.log"
    path.write_text("2024-04-05 08:11:02,114 INFO  pipeline: start, 612043 personer\n"
                    "2024-04-05 08:11:05,870 WARNING  saknar DispInk04, hoppar over\n"
                    "2024-04-05 08:11:05,871 WARNING  saknar DispInk04, hoppar over\n"
                    "2024-04-05 08:11:19,402 INFO  pipeline: klar, 611514 personer skrivna\n", encoding="utf-8")
    (entry,) = discover([path])
    assert entry.kind is FileKind.LOG
