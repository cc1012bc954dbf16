"""Program code (SAS, Stata, R, Python, SPSS, SQL): key variables compared with literals, and data written
into the code.

A program may not carry microdata. Two ways it does:

* a *hard-coded identifier*: a literal compared with, or listed against, a key variable (``if pnr=1 then
  delete;``, ``where lopnr in (1023, 4471)``, ``drop if lopnr==1234``, ``filter(pnr %in% c(...))``,
  ``df[df.cpr == "..."]``, ``WHERE cvr_nr = 12345678``). The literal singles out a person or firm even
  when it is not a valid person number (which the PID rules catch anyway);
* *embedded data*: rows written into the code (SAS ``datalines``/``cards``, Stata ``input ... end``, SPSS
  ``BEGIN DATA``, SQL ``INSERT ... VALUES``, R ``data.frame(...)``/``tribble(...)``, Python literals and
  ``DataFrame(...)`` calls). They are read as a table and judged by the same table analysis as a CSV file.

Where comparisons are: :mod:`kernels.logscan` finds every name compared with something that starts like a
literal in one pass over the raw bytes (a program of any size, and the echoed code in a log); the names
are looked up once each in the key vocabulary (:func:`scanner.names.identifier_kind`), and only the places
whose name is a key are read here, with the language's rules (in SAS, SQL and SPSS ``=`` compares only
after ``if``/``where``/``and``..., elsewhere it assigns; Stata's ``in`` is a range, R's ``in`` a loop).

Nothing returned here holds a value from the file: a comparison is its line, the variable's name, the
operator and the number of literals; a table found in code goes to the table analysis like any other.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import itertools
import logging
import mmap
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import LoadError
from scanner.loaders.texttables import TextTable
from scanner.names import GENERIC_IDS, identifier_kind, name_tokens
from scanner.sources import view_of

__all__ = [
    "ByteScan",
    "Comparison",
    "Language",
    "ListedTable",
    "Origin",
    "ProgramRead",
    "embedded_tables",
    "iter_scan",
    "judge_comparisons",
    "key_kind",
    "language_of",
    "literate_chunks",
    "open_bytes",
    "read_program",
    "scan_buffer",
]

log = logging.getLogger(__name__)

#: The kernel runs over parts of this many bytes (in threads for a large file).
PART_BYTES = 32 << 20
#: A Python program of at most this many bytes is parsed whole (``ast``) for data literals.
MAX_AST_BYTES = 32 << 20
#: An embedded data block (datalines, input ... end, a literal) is read up to this many lines.
MAX_EMBEDDED_LINES = 200_000


class Language(enum.StrEnum):
    """The language of a program or of the code echoed in a log."""

    SAS = "SAS"
    STATA = "Stata"
    R = "R"
    PYTHON = "Python"
    SPSS = "SPSS"
    SQL = "SQL"
    OTHER = "other"


_LANGUAGE_BY_EXT = {
    ".sas": Language.SAS, ".do": Language.STATA, ".ado": Language.STATA, ".mata": Language.STATA,
    ".r": Language.R, ".rmd": Language.R, ".qmd": Language.R, ".rhistory": Language.R,
    ".py": Language.PYTHON, ".pyw": Language.PYTHON, ".ipynb": Language.PYTHON,
    ".sps": Language.SPSS, ".sql": Language.SQL,
}  # fmt: skip


def language_of(name: str) -> Language:
    """The language of a program file, by its extension (``OTHER`` for the rest)."""
    lower = name.lower()
    dot = lower.rfind(".")
    return _LANGUAGE_BY_EXT.get(lower[dot:] if dot >= 0 else "", Language.OTHER)


class Origin(enum.StrEnum):
    """How a table came to be in a log, a notebook or a program."""

    LISTING = "listing"  # a print of rows: PROC PRINT, Stata list, a printed data frame, head()
    TABULATION = "tabulation"  # a frequency or summary table: PROC FREQ/MEANS, tabulate, table(), describe()
    OUTPUT = "output"  # other printed output that reads as a table
    EMBEDDED = "embedded"  # data written into code: datalines, input ... end, a data frame literal


@dataclass(frozen=True, slots=True)
class ListedTable:
    """A table read out of a log, a notebook or a program: the cells, the file line of each data row (a
    row may span lines; its first line), how it came to be there and what printed it (value-free: "SAS
    PROC PRINT", "Stata tabulate", "R data.frame() literal")."""

    table: TextTable
    lines: tuple[int, ...]
    origin: Origin
    what: str
    #: rows that are units' records by how they were printed, whatever the table analysis reads:
    #: "vectors" (SAS's program data vectors), "row" (one row of a frame printed as a Series),
    #: "observations" (a model's statistics per observation: GENMOD's OBSTATS, REG's Output Statistics),
    #: "subscripted" (Stata's display of a variable at an observation's number)
    records: str = ""
    #: what the command that printed the table tabulated and the condition that selected its rows
    #: (``table(d$udd[d$alder >= 30])``: ("d$udd", "d$alder >= 30"); ``tab udd``: ("udd", "")), to subtract a
    #: table of a subset from the table of all printed in the same log
    selects: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """A key variable compared with, or listed against, literal values in code (no value kept)."""

    line: int
    name: str
    kind: str  # the key kind (scanner.names.identifier_kind): "register key", "direct identifier", "record key"
    operator: str
    literals: int
    language: Language


@dataclass(slots=True)
class ProgramRead:
    """What the program reader found: comparisons of keys with literals, tables written into the code, and
    value-free reasons for parts that could not be inspected (FIL001)."""

    language: Language
    comparisons: list[Comparison] = field(default_factory=list)
    tables: list[ListedTable] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- the key vocabulary ---------------------------------------------------------------------------------

# A generic record key (``id``, ``person_id``) counts in code only when its other words name a unit: in a
# program ``country_id == 3`` or ``treatment_id == 2`` picks a category, ``patient_id == 3`` a patient.
_UNIT_WORDS = frozenset({
    "person", "persons", "pers", "individual", "indiv", "ind", "patient", "patients", "pat", "pt", "subject",
    "subj", "case", "respondent", "resp", "member", "child", "mother", "father", "parent", "spouse", "partner",
    "worker", "employee", "emp", "firm", "company", "enterprise", "establishment", "plant", "household", "hh",
    "family", "fam", "student", "pupil", "owner", "client", "customer", "user", "participant", "record",
    "unit", "people", "personal", "kid", "baby", "woman", "man", "ceo", "manager", "doctor", "physician",
})  # fmt: skip


# A bare "chr" in a name is a chromosome in genetics code ("chr == 6") and Denmark's CHR number of a herd in
# agricultural code ("EXCLUDE_CHR = [104582, 233417]"): a herd's key only when its literals are herd numbers
# (5-6 digits; chromosomes are 1-22, X, Y) and no other word of the name is a genome coordinate's.
HERD_KIND = "herd number"
_GENOME_WORDS = frozenset({"pos", "position", "start", "end", "stop", "bp", "snp", "rs", "loc", "locus", "length",
                           "len", "size", "band", "arm", "cm", "mb", "kb", "chrom", "chromosome", "allele",
                           "ref", "alt"})


def key_kind(name: str) -> str | None:
    """The key kind of a variable name in code: :func:`scanner.names.identifier_kind`, with a generic
    record key kept only when its words name a unit (``id``, ``person_id``, ``pid``; not ``country_id``),
    and :data:`HERD_KIND` for a bare ``chr`` (``exclude_chr``) whose literals :func:`_literal` then checks."""
    kind = identifier_kind(name)
    tokens = name_tokens(name)
    if kind is None and "chr" in tokens and not _GENOME_WORDS.intersection(tokens):
        return HERD_KIND
    if kind != "record key":
        return kind
    if "".join(tokens) in GENERIC_IDS:
        return kind
    others = [t for t in tokens if t != "id" and not t.isdigit()]
    return kind if all(t in _UNIT_WORDS for t in others) else None


# --- the kernel over bytes ------------------------------------------------------------------------------


@dataclass(slots=True)
class ByteScan:
    """The kernel's findings over a buffer: blocks, comparisons and data statements with byte offsets into
    the buffer and 1-based file lines (see :data:`kernels.logscan.BLOCK_COLUMNS`, :data:`kernels.logscan.CMP_COLUMNS`,
    :data:`kernels.logscan.MARK_COLUMNS`)."""

    blocks: np.ndarray
    comparisons: np.ndarray
    marks: np.ndarray
    lines: int


def _run_part(buf: np.ndarray, words: np.ndarray, start: int, end: int, mode: int, min_lines: int,
              max_block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    from kernels.logscan import scan_log

    # Room for a comparison per 256 bytes and a block per 4 KiB (a SAS log of code has a comparison per KiB
    # or so): a second run is rare.
    blocks = np.empty((max(1024, (end - start) >> 12), 6), dtype=np.int64)
    comps = np.empty((max(4096, (end - start) >> 8), 6), dtype=np.int64)
    marks = np.empty((1024, 3), dtype=np.int64)
    nb, nc, nm, lines = scan_log(buf, words, start, end, mode, min_lines, max_block, blocks, comps, marks)
    if nb > blocks.shape[0] or nc > comps.shape[0] or nm > marks.shape[0]:
        # more than the first guess: run again with room for all
        blocks = np.empty((max(nb, 1), 6), dtype=np.int64)
        comps = np.empty((max(nc, 1), 6), dtype=np.int64)
        marks = np.empty((max(nm, 1), 3), dtype=np.int64)
        nb, nc, nm, lines = scan_log(buf, words, start, end, mode, min_lines, max_block, blocks, comps, marks)
    return blocks[:nb], comps[:nc], marks[:nm], lines


def _bounds(buf: np.ndarray) -> list[int]:
    """Part boundaries of ``buf``: every ``PART_BYTES``, moved to just after the next line break."""
    n = buf.shape[0]
    bounds = [0]
    while bounds[-1] < n:
        cut = min(bounds[-1] + PART_BYTES, n)
        if cut < n:
            nl = np.flatnonzero(buf[cut:min(cut + (1 << 20), n)] == 10)
            cut = cut + int(nl[0]) + 1 if nl.size else min(cut + (1 << 20), n)
        bounds.append(cut)
    return bounds


def iter_scan(buf: np.ndarray, mode: int, *, threads: int = 1, first_line: int = 1, min_lines: int = 2,
              max_block: int = 8 << 20) -> Iterator[ByteScan]:
    """Run :func:`kernels.logscan.scan_log` over ``buf`` in parts cut at line breaks, in ``threads`` threads (the
    kernel releases the GIL), and yield each part's findings in file order, lines numbered from
    ``first_line``. Memory stays bounded: at most ``threads + 1`` parts' tables exist at a time, however
    large the file. A block cut by a part boundary is yielded once, joined, with the later part."""
    from kernels.logscan import words_of

    parts = list(itertools.pairwise(_bounds(buf)))
    words = words_of(buf)

    def one(ab: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        return _run_part(buf, words, ab[0], ab[1], mode, min_lines, max_block)

    def results() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
        if threads <= 1 or len(parts) <= 1:
            yield from (one(ab) for ab in parts)
            return
        with ThreadPoolExecutor(max_workers=threads) as pool:
            pending = [pool.submit(one, ab) for ab in parts[:threads]]
            for k in range(len(parts)):
                if k + threads < len(parts):
                    pending.append(pool.submit(one, parts[k + threads]))
                yield pending.pop(0).result()

    line = first_line
    held: np.ndarray | None = None  # the last block of the previous part, if it ran to the part's end
    for (a, b_end), (b, c, m, lines) in zip(parts, results(), strict=True):
        b = b.copy()
        c[:, 4] += line
        m[:, 2] += line
        b[:, 2] += line
        if held is not None:
            if len(b) and b[0, 0] == a:
                # the first line of this part is output too: one block across the boundary
                b[0, 0], b[0, 2], b[0, 4], b[0, 5] = held[0], held[2], held[4], held[5]
                b[0, 3] += held[3]
            else:
                b = np.concatenate([held[None, :], b])
            held = None
        if len(b) and b_end < buf.shape[0] and b[-1, 1] >= b_end - 2:
            held = b[-1].copy()
            b = b[:-1]
        line += lines
        yield ByteScan(b, c, m, lines)
    if held is not None:
        yield ByteScan(held[None, :], np.empty((0, 6), dtype=np.int64), np.empty((0, 3), dtype=np.int64), 0)


def scan_buffer(buf: np.ndarray, mode: int, *, threads: int = 1, first_line: int = 1, min_lines: int = 2,
                max_block: int = 8 << 20) -> ByteScan:
    """All of :func:`iter_scan`'s findings over ``buf`` at once (for programs and small buffers)."""
    scans = list(iter_scan(buf, mode, threads=threads, first_line=first_line, min_lines=min_lines,
                           max_block=max_block))

    def joined(arrays: list[np.ndarray], width: int) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.empty((0, width), dtype=np.int64)

    return ByteScan(joined([s.blocks for s in scans], 6), joined([s.comparisons for s in scans], 6),
                    joined([s.marks for s in scans], 3), sum(s.lines for s in scans))


def open_bytes(path: Path) -> tuple[np.ndarray, str, mmap.mmap | None]:
    """The bytes of ``path`` as a NumPy view (memory-mapped; empty for an empty file), the codec to decode
    regions with, and the map to close. UTF-16/32 files are not ASCII-compatible: LoadError tells the caller
    to stream them instead (see :func:`wide_codec`)."""
    size = path.stat().st_size
    if size == 0:
        return np.empty(0, dtype=np.uint8), "utf-8", None
    view = view_of(path)
    if view is not None:  # the file's shared mapping while it is scanned: read once
        data = np.frombuffer(view.buffer, dtype=np.uint8)
        head = bytes(data[:1 << 16])
        if wide_codec(head) is not None:
            raise LoadError("UTF-16/32 text: read by streaming")
        return data, _codec_of(head, size), None
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        if wide_codec(head) is not None:
            raise LoadError("UTF-16/32 text: read by streaming")
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    return np.frombuffer(mm, dtype=np.uint8), _codec_of(head, size), mm


def _codec_of(head: bytes, size: int) -> str:
    """The codec to decode regions of an ASCII-compatible file with, guessed from its head."""
    from scanner.loaders.textio import guess_encoding

    codec = guess_encoding(head, complete=size <= len(head))
    if codec.startswith(("utf-16", "utf-32")):
        codec = "utf-8"
    if codec == "utf-8-sig":
        codec = "utf-8"
    return codec


def wide_codec(head: bytes) -> str | None:
    """The codec of UTF-16/32 text (its digits are not single bytes), else None."""
    from scanner.loaders.textio import guess_encoding, sniff_bom

    bom = sniff_bom(head)
    if bom is not None and bom[0].startswith(("utf-16", "utf-32")):
        return bom[0]
    if len(head) >= 64 and head.count(0) > len(head) // 4:
        enc = guess_encoding(head, complete=False)
        if enc.startswith(("utf-16", "utf-32")):
            return enc
    return None


def decode(data: bytes, codec: str) -> str:
    """Bytes of a region as text; bytes the codec cannot read become U+FFFD (the region is judged, never
    shown, so a stray byte must not stop the inspection)."""
    return data.decode(codec, errors="replace").replace("\r\n", "\n").replace("\r", "\n")


# --- comparisons ---------------------------------------------------------------------------------------

# Tokens after which a single "=" compares (SAS, SQL and SPSS conditions); anywhere else it assigns.
_CONDITION_WORDS = frozenset({
    "if", "where", "when", "and", "or", "not", "on", "having", "while", "until", "then", "else", "select",
    "case", "filter", "(", ",", "&", "|", "^", "~", "!",
})  # fmt: skip
# Words before a condition in SQL only (not in R's, Stata's or Python's own syntax): a condition after them in
# those languages' code is SQL written in a string.
_SQL_CONDITION_WORDS = frozenset({"where", "and", "or", "on", "having"})
_PREV_TOKEN = lazy_compile(r"(\w+|[^\w\s])\s*$")
# a whole number (R's 1234L, 12.0); the "." that ends an SPSS command is not a decimal point
_NUMBER = lazy_compile(r"([0-9]+)(?:\.0+)?L?(?![0-9eE]|\.[0-9])")
_STRING = lazy_compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')([dDtTnN])?""")
# Words that stand for a missing or unknown value, not for a unit.
_MISSING = frozenset({"", "na", "nan", "none", "null", "missing", "unknown", "ukendt", "okänd", "okand",
                      "ukjent", "tuntematon", ".", "-", "n/a", "nil"})
# Interpolation and placeholders: the value is not in the code.
_PLACEHOLDER = lazy_compile(r"[&{}$%`?]|^:\w+$")
_OPENERS = {"(": ")", "[": "]", "{": "}"}


def _string_literal(body: str) -> bool:
    inner = body.strip()
    if inner.lower() in _MISSING or not any(ch.isalnum() for ch in inner) or _PLACEHOLDER.search(inner):
        return False
    return inner.strip("0") != ""  # "0000000000": a placeholder, not a key


def _literal(text: str, kind: str) -> int:
    """1 when ``text`` starts with one literal that can be a key value: a whole number other than 0, or a
    string with letters or digits that is not a placeholder; 0 otherwise. A direct identifier (a name, an
    e-mail, a phone number) counts with a string or a number of six digits or more."""
    text = text.lstrip()
    m = _NUMBER.match(text)
    if m:
        digits = m.group(1)
        if int(digits) == 0:
            return 0
        if kind == HERD_KIND:
            return 1 if 5 <= len(digits) <= 6 else 0
        return 1 if kind != "direct identifier" or len(digits) >= 6 else 0
    m = _STRING.match(text)
    if m:
        if m.group(2):  # SAS date, time and name literals: '01jan2020'd, 'x'n
            return 0
        if kind == HERD_KIND:
            return 1 if re.fullmatch(r"[0-9]{5,6}", m.group(1)[1:-1]) else 0
        return 1 if _string_literal(m.group(1)[1:-1]) else 0
    return 0


def balanced(text: str, start: int) -> str | None:
    """The text inside the bracket at ``text[start]`` (strings and their backslash escapes respected), or None
    when it does not close."""
    close = _OPENERS[text[start]]
    depth = 0
    quote = ""
    k = start
    while k < len(text):
        ch = text[k]
        if quote:
            if ch == "\\":
                k += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in _OPENERS:
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return text[start + 1:k] if ch == close else None
        k += 1
    return None


def _split_items(inner: str) -> list[str]:
    """The top-level items of a list: separated by commas, or by blanks (SAS ``in (1 2 3)``)."""
    items: list[str] = []
    depth = 0
    quote = ""
    cur: list[str] = []
    for ch in inner:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    items.append("".join(cur))
    items = [i.strip() for i in items if i.strip()]
    if len(items) == 1 and re.search(r"\s", items[0]):
        # blank-separated, quoted items too: in ('1307794126' '2802856613')
        parts = re.findall(r"'[^']*'|\"[^\"]*\"|\S+", items[0])
        if not items[0].startswith(("'", '"')) or all(p[:1] in "'\"" for p in parts):
            items = parts
    return items


def _list_literals(after: str, kind: str) -> int:
    """Literal values in a list after a membership operator: ``(1, 2)``, ``[1, 2]``, ``c(1, 2)``,
    ``([1, 2])`` (the argument of ``.isin``)."""
    text = after.lstrip()
    if text[:2] in ("c(", "C("):
        text = text[1:]
    if not text or text[0] not in _OPENERS:
        return _literal(text, kind)
    inner = balanced(text, 0)
    if inner is None:
        return 0
    stripped = inner.strip()
    if stripped[:1] in _OPENERS and balanced(stripped, 0) is not None and len(balanced(stripped, 0) or "") + 2 \
            >= len(stripped):
        inner = balanced(stripped, 0) or ""  # .isin([1, 2]), inlist((1, 2))
    if re.match(r"\s*select\b", inner, re.IGNORECASE):
        return 0  # a subquery, not literals
    if _DATA_REFERENCE.match(inner):
        return 0  # values taken from the data ("df.loc[df['Ar'] == 2022, 'PeOrgLopNr']"), not literals
    return sum(_literal(item, kind) for item in _split_items(inner))


# A list taken from the data: a frame's rows or column ("df.loc[...]", "df['key']", "other.PeOrgLopNr").
_DATA_REFERENCE = lazy_compile(r"\s*[A-Za-z_][\w.]*\s*(?:\.loc\s*\[|\.iloc\s*\[|\[|\.[A-Za-z_]\w*\s*(?:$|\.))")


def _judge(before: str, op: str, after: str, language: Language, kind: str) -> int:
    """How many literal key values a comparison holds (0: it is not a comparison with literals, in this
    language). ``before``: the line up to the name; ``op``: the operator as written; ``after``: the text
    after the operator (a list may continue on the next lines)."""
    low = op.lower()
    prev = _PREV_TOKEN.search(before)
    prev_token = prev.group(1).lower() if prev else ""
    if low in ("=", "<-") and language in (Language.R, Language.PYTHON):
        # a list of literal keys assigned to a key variable ("pnr <- c(1023, 4471)", "ids_pnr = [...]") lists the
        # persons as surely as a filter does; one value assigned is a default, not a list; a named argument
        # (data.frame(id = c(1, 1)), f(pnr=[...])) is data written into code (COD002's), not an assignment
        if low == "=" and prev_token in ("(", ","):
            return 0
        listed = _list_literals(after, kind) if after.lstrip()[:1] in "([{" or after.lstrip()[:2] in ("c(", "C(") \
            else 0
        return listed if listed >= 2 else 0
    if low == "=":
        # (in R, Stata or Python after WHERE/AND: SQL written in a string, dbGetQuery(con, "... WHERE lopnr = 1")
        if prev_token not in _CONDITION_WORDS or (language not in (Language.SAS, Language.SQL, Language.SPSS)
                                                  and prev_token.lower() not in _SQL_CONDITION_WORDS):
            return 0
        return _list_literals(after, kind) if after.lstrip()[:1] == "(" else _literal(after, kind)
    if low in ("==", "!="):
        return _literal(after, kind)
    if low in ("^=", "~="):
        return _literal(after, kind) if language in (Language.SAS, Language.SPSS, Language.STATA) else 0
    if low == "<>":
        return _literal(after, kind) if language in (Language.SQL, Language.SPSS, Language.SAS) else 0
    if low in ("eq", "ne"):
        return _literal(after, kind) if language in (Language.SAS, Language.SPSS) else 0
    if low == "in":
        # (R and Stata have no "in (...)": in their code it is SQL in a string, "WHERE LopNr NOT IN (...)")
        if prev_token == "for" or (language not in (Language.SAS, Language.SQL, Language.PYTHON)
                                   and not (language in (Language.R, Language.STATA)
                                            and after.lstrip()[:1] == "(")):
            return 0
        return _list_literals(after, kind)
    if low == "%in%":
        return _list_literals(after, kind) if language in (Language.R, Language.OTHER) else 0
    if low == "is_in(":  # Polars' spelling of pandas' isin
        low = "isin("
    if low in ("isin(", "eq(", "ne("):
        if language not in (Language.PYTHON, Language.OTHER):
            return 0
        return _list_literals("(" + after, kind) if low == "isin(" else _literal(after, kind)
    if low in ("inlist(", "any("):
        # the arguments after the name: inlist(pnr, 1, 2)
        inner = balanced("(" + after, 0)
        return 0 if inner is None else sum(_literal(item, kind) for item in _split_items(inner)[1:])
    return 0


# Prefixes a log puts before echoed code, per kernel mode: SAS line numbers, Stata's ". " and "> ", R's
# "> " and "+ ". Removed from the lines after a comparison so a list can continue there.
_ECHO_PREFIX = {
    1: lazy_compile(r"^\d+ +(?:\! )?", re.M),
    2: lazy_compile(r"^[.>] ", re.M),
    3: lazy_compile(r"^[>+] ", re.M),
}


# A literal that ends the text before an operator: the left side of a reversed comparison (1234 == pnr).
_TRAILING_LITERAL = lazy_compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(?<![\w.])[0-9]+(?:\.[0-9]+)?)\s*$""")

# References to a value defined elsewhere in the code, per language: a SAS macro variable (&id, &id., also
# in double quotes), a Stata local (`id') or global ($id, ${id}), an R or Python variable (a bare name as the
# whole operand: pnr %in% ids, df[df.pnr == target]).
_SAS_REF = lazy_compile(r"&([A-Za-z_]\w{0,31})\.?")
_STATA_LOCAL_REF = lazy_compile(r"`([A-Za-z_]\w{0,31})'")
_STATA_GLOBAL_REF = lazy_compile(r"\$\{?([A-Za-z_]\w{0,31})\}?")
_BARE_REF = lazy_compile(r"\s*([A-Za-z_.][\w.]{0,63})(?=\s*(?:[),\];&|]|$|\bthen\b|\band\b|\bor\b))", re.M)
# An R or Python value typed in: a list, vector, set or tuple, a quoted or bare number, or one of them
# converted ("c(1023, 4471)", "[104233, 118790]", "set([...])", "np.array([...])", "as.character(c(...))").
_LITERAL_VALUE = lazy_compile(r"(?:(?:c|list|set|tuple|frozenset|(?:np|numpy)\.(?:array|asarray)|(?:pd|pl)\.Series|"
                              r"as\.(?:character|numeric|integer)|array)\s*\(\s*)*[\[({'\"\d-]")
#: How far back (bytes) a reference's definition is looked for.
DEFINITION_WINDOW = 16 << 20


def _definition_pattern(kind: str, name: str) -> re.Pattern[bytes]:
    """Where code gives ``name`` a value: SAS ``%let name = value;`` (and a log's ``SYMBOLGEN: Macro variable
    NAME resolves to value``), Stata ``local name value`` / ``global name value``, R ``name <- value``,
    Python ``name = value``. Group 1 (or 2) holds the value; for R and Python it starts at the match's end
    (a value may span lines)."""
    key = re.escape(name.encode("ascii", "replace"))
    if kind == "sas":
        return re.compile(rb"%let\s+" + key + rb"\s*=([^;]*);|SYMBOLGEN:\s+Macro variable " + key
                          + rb" resolves to ([^\r\n]*)", re.I)
    if kind == "local":
        # a local, or a loop's variable (a local too): foreach id in 104233 118790 { / of local ids {
        # ("of local ids" names a local, it does not define one)
        return re.compile(rb"(?:^|[.:;{]|(?<!of)\s)loc(?:al?)?\s+" + key + rb"\b[ \t]*=?[ \t]*([^\r\n]*)"
                          rb"|(?:^|[\s.:;{])(?:foreach|forvalues|forv(?:a(?:l(?:u(?:es?)?)?)?)?)\s+" + key
                          + rb"\s+(?:in\s+|of\s+(?:loc(?:al?)?|gl(?:obal)?|numlist|varlist)\s+|=\s*)([^{\r\n]*)\{",
                          re.M)
    if kind == "global":
        return re.compile(rb"(?:^|[\s.:;{])gl(?:o(?:b(?:al?)?)?)?\s+" + key + rb"\b[ \t]*=?[ \t]*([^\r\n]*)", re.M)
    if kind == "r":
        return re.compile(rb"(?:^|[;{]|^[>+] )[ \t]*" + key + rb"[ \t]*(?:<-|=(?!=))[ \t]*", re.M)
    return re.compile(rb"(?:^|;)[ \t]*" + key + rb"[ \t]*=(?!=)[ \t]*", re.M)


@dataclass(slots=True)
class _Definitions:
    """The definitions of one referenced name found so far: the buffer is searched once, up to ``searched``,
    as uses further on ask (each byte at most once per referenced name, however many uses)."""

    pattern: re.Pattern[bytes]
    searched: int = 0
    found: list[tuple[int, bytes]] = field(default_factory=list)  # (position, value bytes), in order


def _definition(buf: np.ndarray, ls: int, kind: str, name: str, codec: str,
                index: dict[tuple[str, str], _Definitions]) -> str | None:
    """The value last given to ``name`` within :data:`DEFINITION_WINDOW` bytes before ``ls`` (the line of its
    use), or None; in a SAS log also the ``SYMBOLGEN`` line SAS prints right after the echoed line."""
    defs = index.get((kind, name))
    if defs is None:
        defs = index[(kind, name)] = _Definitions(_definition_pattern(kind, name))
    lo = max(defs.searched, ls - DEFINITION_WINDOW)
    if lo < ls:
        start = max(0, lo - 4096)  # a definition across the last search's end is found again: dropped below
        window = buf[start:ls].tobytes()
        for m in defs.pattern.finditer(window):
            pos = start + m.start()
            if defs.found and pos <= defs.found[-1][0]:
                continue
            if kind in ("r", "python"):
                value = window[m.end():m.end() + 4096]
            else:
                value = m.group(1) if m.group(1) is not None else m.group(2)
            defs.found.append((pos, value))
        defs.searched = ls
    if kind == "sas":
        after = re.search(rb"^SYMBOLGEN:\s+Macro variable " + re.escape(name.encode("ascii", "replace"))
                          + rb" resolves to ([^\r\n]*)", buf[ls:ls + 8192].tobytes(), re.I | re.M)
        if after is not None:
            return decode(after.group(1), codec)
    before = [v for pos, v in defs.found if ls - DEFINITION_WINDOW <= pos < ls]
    return decode(before[-1], codec) if before else None


def _resolved(buf: np.ndarray, ls: int, before: str, op: str, after: str, language: Language, kind: str,
              codec: str, index: dict[tuple[str, str], _Definitions]) -> int:
    """The literal key values a comparison holds once the reference on its other side (``&id``, `` `id'``,
    ``$id``, ``ids``) is replaced by the value the code gave it before (0 when there is none)."""
    text = after.lstrip()
    text = text[:2048] if language is Language.R else text.split("\n", 1)[0]
    m: re.Match[str] | None = None
    ref_kind = ""
    if language is Language.SAS:
        m = _SAS_REF.search(text, 0, 256)
        if m is not None and text[:m.start()].strip(" (\"'"):
            m = None  # not the first thing after the operator
        ref_kind = "sas"
    elif language is Language.STATA:
        m = _STATA_LOCAL_REF.match(text)
        ref_kind = "local"
        if m is None:
            m = _STATA_GLOBAL_REF.match(text)
            ref_kind = "global"
    elif language in (Language.R, Language.PYTHON) and op.lower() in ("==", "!=", "%in%", "isin(", "is_in("):
        m = _BARE_REF.match(text)
        if m is not None and m.group(1).lower() in ("true", "false", "none", "null", "na", "nan", "t", "f"):
            m = None
        ref_kind = "r" if language is Language.R else "python"
    if m is None:
        return 0
    value = _definition(buf, ls, ref_kind, m.group(1), codec, index)
    if value is None:
        return 0
    if ref_kind == "r":
        value = _ECHO_PREFIX[3].sub("", value)
    value = value.strip()
    if ref_kind in ("r", "python") and not _LITERAL_VALUE.match(value):
        # ids = df.loc[df.diag.str.startswith("DC"), "pnr"].unique(): keys the data gave, not typed in;
        # the literals of its filter are no keys
        return 0
    if ref_kind == "local" and (inner := re.fullmatch(r"[A-Za-z_]\w{0,31}", value)) is not None:
        # foreach id of local ids: the loop runs over the values of the local it names
        value = (_definition(buf, ls, "local", inner.group(0), codec, index) or "").strip()
    if not value or _SAS_REF.search(value) or _STATA_LOCAL_REF.search(value) or _STATA_GLOBAL_REF.search(value):
        return 0  # empty, or a reference to another reference: not followed
    return _judge(before, op, text[:m.start()] + value + text[m.end():], language, kind)


def judge_comparisons(buf: np.ndarray, comps: np.ndarray, codec: str, language: Language, mode: int,
                      names: dict[int, str | None] | None = None) -> list[Comparison]:
    """The comparisons of :func:`scan_buffer` whose name is a key and whose other side holds literal key
    values, read with ``language``'s rules: ``pnr == 1234`` and ``1234 == pnr``, and a reference to a
    value the code defined before (``%let id = 1234;`` ... ``where pnr = &id;``). ``names`` caches the key
    lookup per name hash across calls."""
    names = {} if names is None else names
    index: dict[tuple[str, str], _Definitions] = {}
    if not len(comps):
        return []
    hashes, first = np.unique(comps[:, 5], return_index=True)
    kinds: dict[int, str] = {}
    for h, i in zip(hashes.tolist(), first.tolist(), strict=True):
        if h not in names:
            name = decode(buf[comps[i, 0]:comps[i, 1]].tobytes(), codec)
            names[h] = key_kind(name)
        kind = names[h]
        if kind is not None:
            kinds[h] = kind
    if not kinds:
        return []
    keep = np.isin(comps[:, 5], np.fromiter(kinds, dtype=np.int64, count=len(kinds)))
    prefix = _ECHO_PREFIX.get(mode)
    found: list[Comparison] = []
    for row in comps[keep]:
        ns, ne, os_, oe, line, h = (int(v) for v in row)
        op = decode(buf[os_:oe].tobytes(), codec)
        # 1234 == pnr: the literal is before the operator (inlist(pnr, ...) has its name after "(" too)
        flipped = ns >= oe and not op.endswith("(")
        anchor = os_ if flipped else ns
        ls = anchor
        while ls > 0 and anchor - ls < 4096 and buf[ls - 1] != 10:
            ls -= 1
        name = decode(buf[ns:ne].tobytes(), codec)
        if flipped:
            left = decode(buf[ls:os_].tobytes(), codec)
            lit = _TRAILING_LITERAL.search(left)
            if lit is None:
                continue
            k = _judge(left[:lit.start()], op, lit.group(1), language, kinds[h])
        else:
            before = decode(buf[ls:ns].tobytes(), codec)
            after = decode(buf[oe:min(oe + 8192, buf.shape[0])].tobytes(), codec)
            if prefix is not None:
                after = prefix.sub("", after)
            k = _judge(before, op, after, language, kinds[h]) or _resolved(
                buf, ls, before, op, after, language, kinds[h], codec, index)
        if k:
            found.append(Comparison(line, name, kinds[h], op.strip().rstrip("(").lower(), k, language))
    return found


# --- data written into code ----------------------------------------------------------------------------

# (on a line of its own, or as the last statement of a line: "data x; input lopnr; datalines;")
_SAS_DATALINES = lazy_compile(r"(?im)(?:^|;)[ \t]*(datalines4?|cards4?|lines4?)[ \t]*;[ \t]*$")
_SAS_INPUT = lazy_compile(r"(?is)\binput\b(.*?);")
_SAS_INPUT_TOKEN = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SAS_INFORMAT = lazy_compile(r"^\$?[A-Za-z_]*\d*\.\d*$")
_STATA_INPUT = lazy_compile(r"(?im)^[ \t]*(?:\.[ \t]+)?input\b([^\n]*)$")
_STATA_END = lazy_compile(r"^[ \t]*(?:\.[ \t]+)?end[ \t]*$", re.I)
_STATA_TYPES = frozenset({"byte", "int", "long", "float", "double", "strl"})
_SPSS_BEGIN = lazy_compile(r"(?im)^[ \t]*begin[ \t]+data\.?[ \t]*$")
_SPSS_END = lazy_compile(r"^[ \t]*end[ \t]+data", re.I)
_SPSS_DATA_LIST = lazy_compile(r"(?is)\bdata\s+list\b(.*?)\.\s*$", re.M)
_SQL_INSERT = lazy_compile(r"(?is)\binsert\s+into\s+([\w.\"`\[\]]+)\s*(\([^)]*\))?\s*values\s*")
# (and dput()'s print of a data frame: "structure(list(koen = c(2L, 1L), alder = c(45, 61)), row.names = ...")
_R_DATA = lazy_compile(r"\b(data\.frame|tibble|tribble|data\.table|rbind\.data\.frame|structure\s*\(\s*list)\s*\(")
_R_TEXT_READ = lazy_compile(r"\b(read\.table|read\.csv|read\.csv2|read\.delim|read_csv|read_table|fread)\s*\(")
_FIELDS = lazy_compile(r"""'[^']*'|"[^"]*"|\S+""")


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return token[1:-1]
    return token


def _make_table(names: list[str], rows: list[list[str]], lines: list[int], what: str) -> ListedTable | None:
    """A table from names and rows (rows padded or cut to the names), or None when it is not one."""
    width = len(names)
    if width < 1 or len(rows) < 1:
        return None
    fixed = [(r + [""] * width)[:width] for r in rows]
    unique: list[str] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        base = n or f"column_{i + 1}"
        k = seen.get(base, 0)
        seen[base] = k + 1
        unique.append(base if k == 0 else f"{base}_{k + 1}")
    table = TextTable(unique, fixed, lines[0], "code")
    return ListedTable(table, tuple(lines), Origin.EMBEDDED, what)


def _sas_input_names(statement: str) -> tuple[list[str], bool]:
    """Variable names of a SAS INPUT statement (formats, pointers, column ranges left out) and whether it
    reads several records per line (``@@``)."""
    names: list[str] = []
    body = re.sub(r"/\*.*?\*/", " ", statement, flags=re.S)
    many = "@@" in body
    for tok in body.replace("(", " ( ").replace(")", " ) ").split():
        if tok.startswith(("@", "+", "#", "$", "(", ")", "&", ":")) or tok[:1].isdigit() or "-" in tok.strip("-"):
            continue
        if _SAS_INFORMAT.match(tok) and "." in tok:
            continue
        m = _SAS_INPUT_TOKEN.fullmatch(tok.rstrip("$"))
        if m and m.group(0).lower() not in ("input",):
            names.append(m.group(0))
    return names, many


def _sas_embedded(text: str, first_line: int) -> Iterator[ListedTable]:
    for m in _SAS_DATALINES.finditer(text):
        step_start = max(text.rfind("data ", 0, m.start()), text.rfind("DATA ", 0, m.start()), 0)
        inputs = list(_SAS_INPUT.finditer(text, step_start, m.start(1)))
        names, many = _sas_input_names(inputs[-1].group(1)) if inputs else ([], False)
        four = m.group(1).endswith("4")
        line0 = first_line + text.count("\n", 0, m.end()) + 1
        body_start = text.find("\n", m.end())
        if body_start < 0:
            continue
        rows: list[list[str]] = []
        lines: list[int] = []
        for k, raw in enumerate(text[body_start + 1:].split("\n")):
            stripped = raw.strip()
            if (four and stripped.startswith(";;;;")) or (not four and ";" in raw) or k > MAX_EMBEDDED_LINES:
                break
            if not stripped:
                continue
            fields = [_unquote(f) for f in _FIELDS.findall(stripped)]
            rows.append(fields)
            lines.append(line0 + k)
        if many and names:
            flat = [f for r in rows for f in r]
            rows = [flat[i:i + len(names)] for i in range(0, len(flat), len(names))]
            lines = [lines[0]] * len(rows) if lines else []
        width = len(names) or max((len(r) for r in rows), default=0)
        table = _make_table(names or [f"column_{i + 1}" for i in range(width)], rows, lines, "SAS datalines")
        if table is not None:
            yield table


def _stata_embedded(text: str, first_line: int) -> Iterator[ListedTable]:
    for m in _STATA_INPUT.finditer(text):
        spec = m.group(1).split("//")[0]
        names = [t for t in spec.replace(",", " ").split()
                 if not (t.lower() in _STATA_TYPES or re.fullmatch(r"str\d*", t.lower()) or t.startswith("("))]
        if not names or any(not re.fullmatch(r"[A-Za-z_]\w*", n) for n in names):
            continue
        line0 = first_line + text.count("\n", 0, m.end()) + 1
        rows: list[list[str]] = []
        lines: list[int] = []
        body = text[m.end() + 1:].split("\n")
        for k, raw in enumerate(body):
            if _STATA_END.match(raw) or k > MAX_EMBEDDED_LINES:
                break
            stripped = re.sub(r"^\s*\d+\.\s*", "", raw).strip()  # a log numbers the rows it echoes ("  1. ")
            if stripped.lower() == "end":
                break
            if not stripped:
                continue
            rows.append([_unquote(f) for f in _FIELDS.findall(stripped)])
            lines.append(line0 + k)
        table = _make_table(names, rows, lines, "Stata input ... end")
        if table is not None:
            yield table


def _spss_embedded(text: str, first_line: int) -> Iterator[ListedTable]:
    for m in _SPSS_BEGIN.finditer(text):
        lists = list(_SPSS_DATA_LIST.finditer(text, 0, m.start()))
        names: list[str] = []
        if lists:
            spec = lists[-1].group(1)
            spec = spec.split("/", 1)[1] if "/" in spec else spec
            spec = re.sub(r"\([^)]*\)", " ", spec)
            names = [t for t in re.findall(r"[A-Za-z_@#$][\w.@#$]*", spec) if t.upper() not in ("TO", "FREE", "LIST")]
        line0 = first_line + text.count("\n", 0, m.end()) + 1
        rows: list[list[str]] = []
        lines: list[int] = []
        for k, raw in enumerate(text[m.end() + 1:].split("\n")):
            if _SPSS_END.match(raw) or k > MAX_EMBEDDED_LINES:
                break
            if raw.strip():
                rows.append([_unquote(f) for f in _FIELDS.findall(raw.strip().replace(",", " "))])
                lines.append(line0 + k)
        width = len(names) or max((len(r) for r in rows), default=0)
        table = _make_table(names or [f"column_{i + 1}" for i in range(width)], rows, lines, "SPSS BEGIN DATA")
        if table is not None:
            yield table


def _created_columns(text: str) -> dict[str, list[str]]:
    """The columns of each ``CREATE TABLE name (col type, ...)`` in ``text``, by lower-cased table name: the
    names of an ``INSERT INTO name VALUES`` that lists none."""
    out: dict[str, list[str]] = {}
    for m in _SQL_CREATE.finditer(text):
        inner = balanced(text, m.end() - 1)
        if inner is None:
            continue
        names = [item.strip().split()[0].strip('"`[]') for item in _split_items(inner) if item.strip()]
        out[m.group(1).lower()] = [n for n in names if n.upper() not in _SQL_CONSTRAINTS]
    return out


_SQL_CREATE = lazy_compile(r"(?is)\bcreate\s+(?:(?:global\s+|local\s+)?temp(?:orary)?\s+)?table\s+"
                           r"(?:if\s+not\s+exists\s+)?([\w.\"`\[\]]+)\s*\(")
_SQL_CONSTRAINTS = frozenset({"PRIMARY", "FOREIGN", "UNIQUE", "CONSTRAINT", "CHECK", "KEY", "INDEX"})


def _sql_embedded(text: str, first_line: int) -> Iterator[ListedTable]:
    groups: dict[str, tuple[list[str], list[list[str]], list[int]]] = {}
    created = _created_columns(text) if "create" in text.lower() else {}
    for m in _SQL_INSERT.finditer(text):
        target = m.group(1).lower()
        names = [c.strip().strip('"`[]') for c in m.group(2)[1:-1].split(",")] if m.group(2) else \
            created.get(target, [])
        pos = m.end()
        _, rows, lines = groups.setdefault(target, (names, [], []))
        while pos < len(text) and text[pos] == "(" and len(rows) <= MAX_EMBEDDED_LINES:
            inner = balanced(text, pos)
            if inner is None:
                break
            rows.append([_unquote(i) for i in _split_items(inner)])
            lines.append(first_line + text.count("\n", 0, pos))
            pos += len(inner) + 2
            while pos < len(text) and text[pos] in ", \t\r\n":
                pos += 1
    for names, rows, lines in groups.values():
        width = len(names) or max((len(r) for r in rows), default=0)
        table = _make_table(names or [f"column_{i + 1}" for i in range(width)], rows, lines, "SQL INSERT ... VALUES")
        if table is not None:
            yield table


_R_ASSIGN_ARG = lazy_compile(r"^\s*(`[^`]+`|[\"'][^\"']+[\"']|[A-Za-z._][\w.]*)\s*=\s*(.*)$", re.S)


def _r_vector(expr: str) -> list[str] | None:
    """The values of an R literal vector (``c(1, 2)``, ``c("a", "b")``, a single literal), else None."""
    expr = expr.strip()
    if expr.startswith(("c(", "C(")):
        inner = balanced(expr, 1)
        if inner is None or len(inner) + 3 != len(expr):
            return None
        items = _split_items(inner)
    else:
        items = [expr]
    values = []
    for item in items:
        item = item.strip()
        if re.fullmatch(r"-?\d+(\.\d+)?L?|NA|TRUE|FALSE|NA_\w+", item):
            values.append(item.rstrip("L"))
        elif _STRING.fullmatch(item):
            values.append(item[1:-1])
        else:
            return None
    return values


def _without_r_comments(code: str) -> str:
    """R code with its comments ("# mio. kr." to the line's end) blanked, a "#" inside a string kept."""
    out: list[str] = []
    quote = ""
    comment = False
    for ch in code:
        if comment:
            if ch == "\n":
                comment = False
                out.append(ch)
            continue
        if quote:
            quote = "" if ch == quote and (not out or out[-1] != "\\") else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            comment = True
            continue
        out.append(ch)
    return "".join(out)


def _r_embedded(text: str, first_line: int) -> Iterator[ListedTable]:
    for m in _R_DATA.finditer(text):
        open_at = m.end() - 1
        inner = balanced(text, open_at)
        if inner is None:
            continue
        line = first_line + text.count("\n", 0, m.start())
        inner = _without_r_comments(inner) if "#" in inner else inner  # ("eksport = c(...),  # mio. kr.")
        args = _split_items(inner) if "," in inner else [inner]
        func = m.group(1)
        if func == "tribble":
            names = [a.strip()[1:].strip("`") for a in args if a.strip().startswith("~")]
            values = [a for a in args if not a.strip().startswith("~")]
            if not names or len(values) % len(names):
                continue
            cells = [_r_vector(v) for v in values]
            if any(c is None or len(c) != 1 for c in cells):
                continue
            flat = [c[0] for c in cells if c]
            rows = [flat[i:i + len(names)] for i in range(0, len(flat), len(names))]
            table = _make_table(names, rows, [line] * len(rows), "R tribble() literal")
        else:
            names, columns = [], []
            for a in args:
                am = _R_ASSIGN_ARG.match(a)
                if am is None:
                    continue
                vec = _r_vector(am.group(2))
                if vec is None:
                    continue
                names.append(am.group(1).strip("`\"'"))
                columns.append(vec)
            length = max((len(c) for c in columns), default=0)
            columns = [c * length if len(c) == 1 else c for c in columns]
            if len(columns) < 2 or any(len(c) != length for c in columns) or length < 2:
                continue
            rows = [list(r) for r in zip(*columns, strict=True)]
            what = "R dput() structure(list()) literal" if func.startswith("structure") else f"R {func}() literal"
            table = _make_table(names, rows, [line] * len(rows), what)
        if table is not None:
            yield table
    for m in _R_TEXT_READ.finditer(text):
        inner = balanced(text, m.end() - 1)
        if inner is None:
            continue
        sm = re.search(r"""(?:text\s*=\s*|^\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", inner, re.S)
        if sm is None:
            continue
        body = sm.group(1)[1:-1].replace("\\n", "\n")
        table = _csv_text_table(body, first_line + text.count("\n", 0, m.start()), f"R {m.group(1)}(text=) literal",
                                header=bool(re.search(r"header\s*=\s*(TRUE|T)\b", inner)) or m.group(1) != "read.table")
        if table is not None:
            yield table


def _csv_text_table(body: str, line: int, what: str, *, header: bool = True) -> ListedTable | None:
    rows = [r for r in (ln.strip() for ln in body.split("\n")) if r]
    if len(rows) < 2:
        return None
    delim = max((",", ";", "\t", "|"), key=lambda d: sum(r.count(d) for r in rows))
    split = [[_unquote(c.strip()) for c in (r.split(delim) if delim in r else r.split())] for r in rows]
    names = split[0] if header else [f"column_{i + 1}" for i in range(len(split[0]))]
    data = split[1:] if header else split
    return _make_table(names, data, [line + k for k in range(1, len(data) + 1)], what)


def _py_value(node: ast.AST) -> str | None:
    """A Python literal as cell text (None: not a literal)."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return "" if value is None else str(value)
    return None


def _py_elements(node: ast.AST) -> list[ast.AST] | None:
    """The elements of a list or tuple literal, also one repeated (``[None] * 6``, ``6 * [0]``); None for
    anything else."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        left_seq = isinstance(node.left, (ast.List, ast.Tuple))
        seq, times = (node.left, node.right) if left_seq else (node.right, node.left)
        if isinstance(seq, (ast.List, ast.Tuple)) and isinstance(times, ast.Constant) \
                and isinstance(times.value, int) and not isinstance(times.value, bool) and 0 < times.value <= 10_000:
            return list(seq.elts) * times.value
    return None


def _py_table(node: ast.AST, columns: list[str] | None) -> tuple[list[str], list[list[str]]] | None:
    """Names and rows of a literal that holds rows: a dict of lists, a list of lists/tuples, a list of dicts."""
    if isinstance(node, ast.Dict) and node.keys and any(isinstance(v, (ast.List, ast.Tuple)) for v in node.values):
        # a column written "[None] * 6" is its element repeated; a column that is no literal (np.arange(...),
        # rng.integers(...)) is left out, the literal columns beside it read (two or more)
        pairs = [(k, _py_elements(v)) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
        pairs = [(k, elts) for k, elts in pairs if elts is not None]
        if len(pairs) < 2:
            return None
        names = [_py_value(k) for k, _ in pairs]
        cols = [[_py_value(e) for e in elts] for _, elts in pairs]
        if any(n is None for n in names) or any(c is None for col in cols for c in col):
            return None
        length = len(cols[0]) if cols else 0
        if any(len(c) != length for c in cols):
            return None
        return [str(n) for n in names], [[str(c[i]) for c in cols] for i in range(length)]
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        first = node.elts[0]
        if isinstance(first, ast.Dict):
            keys: list[str] = []
            rows_d: list[dict[str, str]] = []
            for e in node.elts:
                if not isinstance(e, ast.Dict):
                    return None
                row: dict[str, str] = {}
                for k, v in zip(e.keys, e.values, strict=True):
                    ks = _py_value(k) if k is not None else None
                    vs = _py_value(v)
                    if ks is None or vs is None:
                        return None
                    row[ks] = vs
                    if ks not in keys:
                        keys.append(ks)
                rows_d.append(row)
            return keys, [[r.get(k, "") for k in keys] for r in rows_d]
        if isinstance(first, (ast.List, ast.Tuple)):
            rows: list[list[str]] = []
            for e in node.elts:
                if not isinstance(e, (ast.List, ast.Tuple)):
                    return None
                vals = [_py_value(x) for x in e.elts]
                if any(v is None for v in vals):
                    return None
                rows.append([str(v) for v in vals])
            width = max(len(r) for r in rows)
            names = columns if columns and len(columns) == width else [f"column_{i + 1}" for i in range(width)]
            return names, rows
    return None


def _py_embedded(text: str, first_line: int, min_rows: int) -> Iterator[ListedTable]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return
    seen: set[int] = set()
    for node in ast.walk(tree):
        target: ast.AST | None = None
        columns: list[str] | None = None
        what = "Python literal"
        if isinstance(node, ast.Call):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if fname in ("DataFrame", "from_records", "from_dict") and node.args:
                target = node.args[0]
                what = f"Python {fname}() literal"
                for kw in node.keywords:
                    if kw.arg == "columns" and isinstance(kw.value, (ast.List, ast.Tuple)):
                        columns = [str(_py_value(e)) for e in kw.value.elts]
            elif fname == "StringIO" and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                table = _csv_text_table(node.args[0].value, first_line + node.lineno - 1, "Python StringIO literal")
                if table is not None and len(table.table.rows) >= 2:
                    yield table
                continue
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            target = node.value
        if target is None or id(target) in seen:
            continue
        seen.add(id(target))
        parsed = _py_table(target, columns)
        if parsed is None:
            continue
        names, rows = parsed
        called = what != "Python literal"
        if len(rows) < (2 if called else min_rows) or len(names) < 2:
            continue
        line = first_line + getattr(target, "lineno", 1) - 1
        table = _make_table(names, rows, [line] * len(rows), what)
        if table is not None:
            yield table


def embedded_tables(text: str, first_line: int, language: Language, *, min_rows: int = 5) -> Iterator[ListedTable]:
    """Data written into code in ``language`` (lines numbered from ``first_line``). ``min_rows``: a plain
    Python list literal needs this many rows to count as data (a call such as ``DataFrame(...)`` two)."""
    if language is Language.SAS:
        yield from _sas_embedded(text, first_line)
        yield from _sql_embedded(text, first_line)  # PROC SQL
    elif language is Language.STATA:
        yield from _stata_embedded(text, first_line)
    elif language is Language.SPSS:
        yield from _spss_embedded(text, first_line)
    elif language is Language.SQL:
        yield from _sql_embedded(text, first_line)
    elif language is Language.R:
        yield from _r_embedded(text, first_line)
    elif language is Language.PYTHON:
        yield from _py_embedded(text, first_line, min_rows)


# Words whose presence in a program means data may be written into it; a program without any of them is not
# decoded for COD002 (a cheap byte search).
_EMBED_WORDS: dict[Language, tuple[bytes, ...]] = {
    Language.SAS: (b"datalines", b"cards", b"lines", b"insert"),
    Language.STATA: (b"input",),
    Language.SPSS: (b"begin data",),
    Language.SQL: (b"insert",),
    Language.R: (b"data.frame", b"tibble", b"tribble", b"data.table", b"text", b"fread", b"structure"),
    Language.PYTHON: (b"[", b"{", b"stringio"),
}


def _may_embed(raw: bytes, language: Language) -> bool:
    low = raw.lower()
    return any(w in low for w in _EMBED_WORDS.get(language, ()))


# A code chunk of R Markdown or Quarto: "```{r label, echo=FALSE}", "```{python}", "```{.python}" ... "```".
_CHUNK_OPEN = lazy_compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*\{[ \t]*\.?([A-Za-z]+)[^}\n]*\}[ \t]*$", re.M)
_CHUNK_ENGINES = {"r": Language.R, "python": Language.PYTHON, "py": Language.PYTHON, "sql": Language.SQL,
                  "stata": Language.STATA, "sas": Language.SAS, "spss": Language.SPSS}


def literate_chunks(text: str) -> tuple[list[tuple[Language, int, str]], str]:
    """The code chunks of an R Markdown or Quarto document, each with its engine's language and the file line
    of its first code line; and the document's prose, the chunks' lines blanked (so lines keep their
    numbers). A chunk of an engine no reader knows (bash, ojs) is read as ``OTHER`` code."""
    chunks: list[tuple[Language, int, str]] = []
    prose = text.split("\n")
    pos = 0
    while (m := _CHUNK_OPEN.search(text, pos)) is not None:
        fence = m.group(1)
        close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        end = close.search(text, m.end())
        stop = end.start() if end is not None else len(text)
        first = text.count("\n", 0, m.start()) + 1  # the fence's line (1-based)
        body = text[m.end() + 1:stop] if m.end() < stop else ""
        chunks.append((_CHUNK_ENGINES.get(m.group(2).lower(), Language.OTHER), first + 1, body))
        last = text.count("\n", 0, end.end()) + 1 if end is not None else len(prose)
        for k in range(first - 1, min(last, len(prose))):
            prose[k] = ""
        pos = end.end() if end is not None else len(text)
    return chunks, "\n".join(prose)


def read_program(path: Path, language: Language, *, threads: int = 1, comparisons: bool = True,
                 embedded: bool = True, text: str | None = None, first_line: int = 1) -> ProgramRead:
    """Read a program file (or ``text``, a notebook cell's source) for COD001 and COD002."""
    result = ProgramRead(language)
    if text is not None:
        data = text.encode("utf-8")
        buf = np.frombuffer(data, dtype=np.uint8)
        _read_buffer(buf, "utf-8", language, result, threads, comparisons, embedded, first_line, data)
        return result
    try:
        buf, codec, mm = open_bytes(path)
    except LoadError:
        from scanner.loaders.text import iter_text

        # UTF-16/32 program: decoded chunk by chunk, each chunk read as UTF-8
        for chunk in iter_text(path):
            data = chunk.text.encode("utf-8")
            _read_buffer(np.frombuffer(data, dtype=np.uint8), "utf-8", language, result, threads, comparisons,
                         embedded, chunk.first_line, data)
        return result
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    try:
        _read_buffer(buf, codec, language, result, threads, comparisons, embedded, 1, None)
    finally:
        del buf
        if mm is not None:
            # a view may still be referenced: the map then closes when it is collected
            with contextlib.suppress(BufferError):
                mm.close()
    return result


# A SAS SELECT group on a key, then WHEN lists of literals:
#   select (lopnr); when (104233, 118790) flag = 1; otherwise flag = 0; end;
# (written here because the comparison kernel reads one statement at a time; a SELECT spans several)
_SAS_SELECT = lazy_compile(r"\bselect\s*\(\s*([A-Za-z_]\w{0,31})\s*\)\s*;", re.IGNORECASE)
_SAS_WHEN = lazy_compile(r"\bwhen\s*\(([^()]*)\)", re.IGNORECASE)
_SAS_SELECT_END = lazy_compile(r"\bend\s*;", re.IGNORECASE)
#: SAS programs larger than this are not searched for SELECT groups (a program is rarely a megabyte).
_SELECT_MAX_BYTES = 16 << 20


def _sas_select_when(text: str, first_line: int) -> list[Comparison]:
    """The WHEN lists of literals of SAS SELECT groups on a key variable."""
    if "when" not in text.lower():
        return []
    found: list[Comparison] = []
    for sel in _SAS_SELECT.finditer(text):
        kind = key_kind(sel.group(1))
        if kind is None:
            continue
        end = _SAS_SELECT_END.search(text, sel.end())
        body_end = end.start() if end is not None else len(text)
        for when in _SAS_WHEN.finditer(text, sel.end(), body_end):
            k = _list_literals("(" + when.group(1) + ")", kind)
            if k:
                line = first_line + text.count("\n", 0, when.start())
                found.append(Comparison(line, sel.group(1), kind, "when", k, Language.SAS))
    return found


# An array with initial values: "array bad{2} _temporary_ (25461010 33712057);", "array ids[3] $ ('a' 'b')".
_SAS_ARRAY = lazy_compile(r"\barray\s+([A-Za-z_]\w{0,31})\s*[{\[(][^}\])]*[}\])]\s*(?:\$\s*\d*\s*)?"
                        r"(?:_temporary_\s*)?\(([^()]*)\)\s*;", re.IGNORECASE)
_SAS_LET = lazy_compile(r"%let\s+([A-Za-z_]\w{0,31})\s*=([^;]*);", re.IGNORECASE)
_SAS_MACRO_REF = lazy_compile(r"&([A-Za-z_]\w{0,31})\.?")


def _key_of_use(use: re.Match[str] | None) -> tuple[str, str] | None:
    """The variable a use of literals names (the first group that matched) and its key kind, when it is a key."""
    if use is None:
        return None
    var = use.group(1) or use.group(2)
    kind = key_kind(var)
    return (var, kind) if kind is not None else None


def _sas_arrays(text: str, first_line: int) -> list[Comparison]:
    """Arrays of literal values (their ``%let`` macro variables resolved) that the program compares a key
    with (``array bad{2} _temporary_ (25461010 33712057); ... if cvrnr = bad{i} then delete;``, ``if lopnr
    in bad``): the literals are the keys compared, written into the code."""
    if "array" not in text.lower():
        return []
    lets = {m.group(1).lower(): m.group(2) for m in _SAS_LET.finditer(text)}
    found: list[Comparison] = []
    for m in _SAS_ARRAY.finditer(text):
        name = m.group(1)
        values = _SAS_MACRO_REF.sub(lambda r: lets.get(r.group(1).lower(), r.group(0)), m.group(2))
        use = re.search(r"\b([A-Za-z_]\w{0,31})\s*(?:=|\beq\b|\^=|\bne\b)\s*" + re.escape(name) + r"\s*[{\[(]|"
                        r"\b([A-Za-z_]\w{0,31})\s+(?:not\s+)?in\s+" + re.escape(name) + r"\b", text[m.end():],
                        re.IGNORECASE)
        used = _key_of_use(use)
        if used is None:
            continue
        var, kind = used
        k = _list_literals("(" + values.replace(" ", ", ") + ")", kind) if "," not in values else \
            _list_literals("(" + values + ")", kind)
        if k:
            line = first_line + text.count("\n", 0, m.end() + use.start())
            found.append(Comparison(line, var, kind, "array", k, Language.SAS))
    return found


# PROC FORMAT's VALUE statement: its name, then "range = label" pairs up to the semicolon.
_SAS_VALUE = lazy_compile(r"\bvalue\s+(\$?[A-Za-z_]\w{0,31})\s+([^;]*);", re.IGNORECASE)
_SAS_FORMAT_RANGE = lazy_compile(r"""('[^']*'|"[^"]*"|\d+)\s*(?:-\s*(?:'[^']*'|"[^"]*"|\d+)\s*)?=""")


def _sas_key_formats(text: str, first_line: int) -> list[Comparison]:
    """SAS formats whose ranges are literal keys and which the program applies to a key variable
    (``value $lopfmt '104233'='Outlier';`` ... ``put(lopnr, $lopfmt.)``, ``format lopnr lopfmt.;``): a table
    of persons' keys written into the code."""
    if "value" not in text.lower():
        return []
    found: list[Comparison] = []
    for m in _SAS_VALUE.finditer(text):
        name = m.group(1)
        literals = [r for r in _SAS_FORMAT_RANGE.findall(m.group(2))]
        bare = re.escape(name.lstrip("$"))
        use = re.search(r"\bput[nc]?\s*\(\s*([A-Za-z_]\w{0,31})\s*,\s*\$?" + bare + r"\d*\.|"
                        r"\bformat\s+([A-Za-z_]\w{0,31})\s+\$?" + bare + r"\d*\.", text, re.IGNORECASE)
        used = _key_of_use(use)
        if used is None:
            continue
        var, kind = used
        k = sum(_literal(v, kind) for v in literals)
        if k:
            found.append(Comparison(first_line + text.count("\n", 0, m.start()), var, kind, "format", k,
                                    Language.SAS))
    return found


def _py_named_literals(tree: ast.AST) -> dict[str, list[ast.AST]]:
    """Names bound to a literal dict, list, tuple or set at module or function level: their keys or items."""
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Dict) and value.keys and all(k is not None for k in value.keys):
                out[node.targets[0].id] = [k for k in value.keys if k is not None]
            elif isinstance(value, (ast.List, ast.Tuple, ast.Set)) and value.elts:
                out[node.targets[0].id] = list(value.elts)
    return out


def _py_column(node: ast.AST) -> str | None:
    """The column a pandas or Polars expression names: ``df["cvrnr"]``, ``df.cvrnr``, ``pl.col("cvrnr")``."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "col" \
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def _py_key_literals(text: str, first_line: int) -> list[Comparison]:
    """Keys written into a Python program as a named dict, list or set that the program applies to a key
    column (``SECTOR_FIX = {"25461010": "C"}`` ... ``firms["cvrnr"].map(SECTOR_FIX)``; ``EXCLUDE = [...]``
    ... ``df[~df.lopnr.isin(EXCLUDE)]``): the comparison kernel sees the call, not the literals behind the
    name."""
    if "map" not in text and "isin" not in text and "replace" not in text and "is_in" not in text \
            and "for " not in text:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    named = _py_named_literals(tree)
    if not named:
        return []
    found: list[Comparison] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("map", "replace", "isin", "is_in", "replace_strict") and node.args):
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id in ("list", "set") \
                and arg.args:
            arg = arg.args[0]  # isin(list(SECTOR_FIX))
        if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "keys":
            arg = arg.func.value  # isin(SECTOR_FIX.keys())
        if not isinstance(arg, ast.Name) or arg.id not in named:
            continue
        column = _py_column(node.func.value)
        kind = key_kind(column) if column else None
        if column is None or kind is None:
            continue
        count = 0
        for item in named[arg.id]:
            value = _py_value(item)
            if value is not None:
                count += _literal(repr(value) if isinstance(value, str) else str(value), kind)
        if count:
            found.append(Comparison(first_line + node.lineno - 1, column, kind, node.func.attr, count,
                                    Language.PYTHON))
    found.extend(_py_loop_literals(tree, named, first_line))
    return found


def _py_loop_literals(tree: ast.AST, named: dict[str, list[ast.AST]], first_line: int) -> list[Comparison]:
    """Keys written into a named dict or list that a loop walks, its loop variable a key (``for shnro, vuosi in
    KORJAUKSET.items(): df.loc[df["shnro"] == shnro, "syntyv"] = vuosi``): the loop compares the key column
    with each literal in turn."""
    found: list[Comparison] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.For):
            continue
        source = node.iter
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) \
                and source.func.attr in ("items", "keys"):
            source = source.func.value
        if not isinstance(source, ast.Name) or source.id not in named:
            continue
        target = node.target.elts[0] if isinstance(node.target, ast.Tuple) and node.target.elts else node.target
        if not isinstance(target, ast.Name):
            continue
        column, kind = target.id, key_kind(target.id)
        if kind is None:
            # the loop variable compared with a key column in the loop's body: df["shnro"] == k
            for inner in (n for stmt in node.body for n in ast.walk(stmt)):
                if isinstance(inner, ast.Compare) and len(inner.comparators) == 1:
                    sides = (inner.left, inner.comparators[0])
                    if any(isinstance(x, ast.Name) and x.id == target.id for x in sides):
                        named_column = next((c for x in sides if (c := _py_column(x)) is not None), None)
                        if named_column is not None and (kind := key_kind(named_column)) is not None:
                            column = named_column
                            break
        if kind is None:
            continue
        count = 0
        for item in named[source.id]:
            value = _py_value(item)
            if value is not None and not isinstance(value, bool):
                count += _literal(repr(value) if isinstance(value, str) else str(value), kind)
        if count:
            found.append(Comparison(first_line + node.lineno - 1, column, kind, "for", count, Language.PYTHON))
    return found


def _py_index_literals(text: str, first_line: int) -> list[Comparison]:
    """Keys picked out by a frame's index after ``set_index("cvrnr")``: ``.drop([12345678, ...])``,
    ``.loc[12345678, "oms"]``, ``.at[...]`` name units by their key as a comparison would."""
    if "set_index" not in text:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    keys: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set_index" \
                and node.args:
            arg = node.args[0]
            names = [arg] if not isinstance(arg, (ast.List, ast.Tuple)) else arg.elts
            for n in names:
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and (k := key_kind(n.value)):
                    keys.append((n.value, k))
    if not keys:
        return []
    column, kind = keys[0]
    found: list[Comparison] = []

    def literals(node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.Tuple) and node.elts:  # .loc[key, "column"]: the row's key comes first
            node = node.elts[0]
        return list(node.elts) if isinstance(node, (ast.List, ast.Set)) else [node]

    for node in ast.walk(tree):
        items: list[ast.AST] = []
        what = ""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "drop" \
                and not any(k.arg in ("columns", "axis") for k in node.keywords):
            rows = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("index", "labels")),
                                                        None)
            items, what = (literals(rows) if rows is not None else []), "drop"
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr in ("loc", "at"):
            items, what = literals(node.slice), node.value.attr
        count = 0
        for item in items:
            value = _py_value(item)
            if value is not None and not isinstance(value, bool):
                count += _literal(repr(value) if isinstance(value, str) else str(value), kind)
        if count:
            found.append(Comparison(first_line + node.lineno - 1, column, kind, what, count, Language.PYTHON))
    return found


def _read_buffer(buf: np.ndarray, codec: str, language: Language, result: ProgramRead, threads: int,
                 comparisons: bool, embedded: bool, first_line: int, data: bytes | None) -> None:
    from kernels.logscan import MODE_CODE

    if comparisons:
        scan = scan_buffer(buf, MODE_CODE, threads=threads, first_line=first_line)
        result.comparisons.extend(judge_comparisons(buf, scan.comparisons, codec, language, MODE_CODE))
        if language is Language.SAS and len(buf) <= _SELECT_MAX_BYTES:
            sas_text = decode(buf.tobytes(), codec)
            result.comparisons.extend(_sas_select_when(sas_text, first_line))
            result.comparisons.extend(_sas_key_formats(sas_text, first_line))
            result.comparisons.extend(_sas_arrays(sas_text, first_line))
        elif language is Language.PYTHON and len(buf) <= MAX_AST_BYTES:
            # (a list bound to a name the kernel resolves itself: only what it did not find is added)
            seen = {(c.line, c.name.lower()) for c in result.comparisons}
            py_text = decode(buf.tobytes(), codec)
            result.comparisons.extend(c for c in [*_py_key_literals(py_text, first_line),
                                                  *_py_index_literals(py_text, first_line)]
                                      if (c.line, c.name.lower()) not in seen)
    if not embedded or language not in _EMBED_WORDS:
        return
    if language is Language.PYTHON and buf.shape[0] > MAX_AST_BYTES:
        result.problems.append(f"a Python program of more than {MAX_AST_BYTES >> 20} MiB: data literals not read")
        return
    # Programs are small next to logs: decode in pieces of whole lines and search each for data blocks.
    step = 16 << 20
    start = 0
    line = first_line
    n = buf.shape[0]
    while start < n:
        end = min(start + step, n)
        if end < n and language is not Language.PYTHON:
            nl = buf[start:end].tobytes().rfind(b"\n")
            end = start + nl + 1 if nl > 0 else end
        elif language is Language.PYTHON:
            end = n
        raw = data[start:end] if data is not None else buf[start:end].tobytes()
        if _may_embed(raw, language):
            result.tables.extend(embedded_tables(decode(raw, codec), line, language))
        line += raw.count(b"\n")
        start = end
