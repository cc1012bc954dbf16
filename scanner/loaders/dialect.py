"""The layout of a delimited text table, sniffed from its decoded head: delimiter, title lines, header rows.

One sniffer for every reader of delimited text: the CSV reader (:mod:`scanner.loaders.csv`, used by
``sdcscan scan`` and, through :class:`scanner.loaders.columns.CsvReader`, by ``sdcscan table``) and the
workbook reader's header detection (:mod:`scanner.loaders.workbook`). Pure functions of text: no I/O.

``csv.Sniffer`` is not used: it picks the wrong delimiter on several real exports (title lines with a
different field count, decimal commas under a semicolon delimiter, quoted fields with commas in R output).
Instead each candidate delimiter parses the head with the ``csv`` module (C speed, the same quoting rules
as Arrow's parser: quotes are special only at the start of a field) and the one giving the most
consistent field count wins; then title lines above the header (StatBank and NZ.Stat exports), the header
row(s) and the first data line are worked out.

No exception message carries file content: reasons are counts, line numbers and fixed phrases.
"""

from __future__ import annotations

import csv as _csv
import io
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import SUPPRESSION_MARKER, LoadError
from scanner.names import is_margin_label

__all__ = [
    "DELIMITERS",
    "QUOTE",
    "WHITESPACE",
    "Candidate",
    "Layout",
    "Record",
    "count_titles",
    "header_layout",
    "is_levels_row",
    "is_number",
    "levels_over_labels",
    "numeric_levels",
    "sniff",
    "ws_split",
]

#: ``TabularMeta.delimiter`` for tables separated by runs of spaces/tabs (R ``write.table``).
WHITESPACE = "whitespace"

#: Single-character candidates, in order of preference when two fit equally well.
DELIMITERS = (",", ";", "\t", "|")
QUOTE = '"'
_DELIMITERS = DELIMITERS
_QUOTE = QUOTE
_LINE_BREAK = lazy_compile(rb"\r\n|\r|\n")
_TEXT_LINE_BREAK = lazy_compile(r"\r\n|\r|\n")

# Records of the head looked at for sniffing.
_SNIFF_RECORDS = 1000
# A delimiter is accepted when at least this share of records has the modal field count.
_MIN_CONSISTENCY = 0.6
# Without any delimiter, this share of records must be a single field for a one-column table.
_ONE_COLUMN_CONSISTENCY = 0.9
# Title lines above the header: at most this many.
_MAX_TITLE_LINES = 10
# Extra header rows below the first one: at most this many.
_MAX_EXTRA_HEADER_ROWS = 3
# A column is "mostly numeric" when this share of its non-empty sample values is numeric-like.
_NUMERIC_COLUMN_SHARE = 0.8

_NUMBER = lazy_compile(r"[-+\u2212]?(?:\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+)?(?:[.,]\d+)?(?:[eE][-+]?\d+)?\s*%?")
_HAS_DIGIT = lazy_compile(r"\d")
_HAS_LETTER = lazy_compile(r"[^\W\d_]")
_YEAR = lazy_compile(r"(1[89]\d\d|20\d\d|2100)")
# Whitespace-separated tokens: a quoted string (R escapes quotes as \" or "") or a bare word.
_WS_TOKEN = r'"(?:[^"\\]|\\.|"")*"|[^\s"]+'
_WS_LINE = lazy_compile(rf"\s*(?:(?:{_WS_TOKEN})(?:\s+|$))*\s*")
_WS_TOKENS = lazy_compile(_WS_TOKEN)


@dataclass(slots=True)
class Record:
    """A parsed record of the head: its fields and the physical lines it spans (1-based)."""

    fields: list[str]
    first_line: int
    last_line: int

    @property
    def nonempty(self) -> int:
        return sum(1 for f in self.fields if f.strip())


@dataclass(slots=True)
class Candidate:
    """How well one delimiter fits the head."""

    delimiter: str
    records: list[Record]
    titles: int  # leading title records
    mode: int  # modal field count of the records after the titles
    consistency: float  # share of those records with the modal count
    overall: float  # the same share over all records, title lines included
    sloppy: float  # share of records with text after a closing quote (see _count_sloppy)


@dataclass(slots=True)
class Layout:
    """Everything sniffed from the head that the streaming part needs."""

    delimiter: str
    names: list[str]
    header_rows: int
    skipped_lines: int
    data_line: int
    data_offset: int  # bytes into the UTF-8 stream where data rows begin
    notes: list[str] = field(default_factory=list)
    #: every header cell written as Excel's text formula ``="..."`` (Stata esttab's CSV): so are the cells
    excel_text: bool = False



def is_number(cell: str) -> bool:
    """Whether ``cell`` (stripped) is a number as tables write them: signs, digit groups, decimals, %."""
    return _NUMBER.fullmatch(cell) is not None


def sniff(text: str, head: bytes, *, complete: bool) -> Layout:
    """Work out the layout of the table from the decoded head ``text`` (``head`` is its UTF-8 bytes)."""
    if not text.strip():
        raise LoadError("not a delimited table: no content")
    # A delimiter the head does not hold splits no record (every record one field: never viable), so it is
    # not parsed; the first one is, for the one-column fallback below.
    candidates = [_parse_single(text, d, complete=complete) for d in _DELIMITERS if d in text or d == _DELIMITERS[0]]
    viable = [c for c in candidates if _viable(c)]
    best = max(viable, key=_score, default=None)
    if best is not None:
        # A delimiter whose fields still hold another near-as-consistent delimiter's character, which does
        # not hold its own, split the wrong way: "Diabetes typ 2;5" | "1" is a semicolon file with decimal
        # commas whose footer happens to hold a comma.
        rival = next((c for c in sorted(viable, key=_score, reverse=True) if c is not best
                      and _quality(c) >= _quality(best) - _NEAR_QUALITY
                      and _delimiter_in_tokens(best, c.delimiter) and not _delimiter_in_tokens(c, best.delimiter)),
                     None)
        best = rival or best
    # Whitespace must do strictly better than every single character: a tab file whose values have no
    # spaces splits the same way under both, and then the tab is the delimiter. (Nothing does better than a
    # split of every record alike: then whitespace is not tried.)
    whitespace = _parse_whitespace(text, complete=complete) if best is None or _quality(best) < 1.0 else None
    if whitespace is not None and _viable(whitespace) and (best is None or (_quality(whitespace) > _quality(best)
                                                 and not _delimiter_in_tokens(whitespace, best.delimiter))):
        best = whitespace
    notes: list[str] = []
    if best is None:
        # No delimiter splits the records consistently. If (nearly) every record is one field, it is a
        # one-column table; otherwise it is not a table.
        best = candidates[0]
        if best.mode != 1 or best.consistency < _ONE_COLUMN_CONSISTENCY:
            raise LoadError("not a delimited table: no consistent delimiter")
        notes.append("one column: no delimiter found")
    if complete and best.delimiter != WHITESPACE and best.records:
        line = _open_quote_line(text, best.records[-1].first_line, best.delimiter)
        if line is not None:
            raise LoadError(f"unterminated quoted field at line {line}")
    records = best.records[best.titles :]
    if not records:
        raise LoadError("not a delimited table: no header or data rows")
    skipped_lines = records[0].first_line - 1
    return header_layout(best, records, skipped_lines, head, notes)


_DECIMAL_COMMA = lazy_compile(r"\d,\d")
_NEAR_QUALITY = 0.2


def _delimiter_in_tokens(split: Candidate, delimiter: str) -> bool:
    """Whether a split leaves ``delimiter`` inside the fields of most of its consistent records: a
    semicolon file whose numbers are written with spaces ("29 812,4") and whose footer happens to have as
    many words splits consistently at whitespace too, but its fields still hold the semicolons. A comma
    counts only outside numbers ("29 812,4" is a decimal comma in a whitespace printout)."""
    if split.delimiter == delimiter:
        return False
    rows = [r for r in split.records[split.titles:] if len(r.fields) == split.mode]
    if not rows:
        return False

    def holds(field: str) -> bool:
        return delimiter in (_DECIMAL_COMMA.sub("", field) if delimiter == "," else field)

    inside = sum(1 for r in rows if any(holds(f) for f in r.fields))
    return inside >= 2 / 3 * len(rows)


def _viable(c: Candidate) -> bool:
    return c.mode >= 2 and c.consistency >= _MIN_CONSISTENCY


def _quality(c: Candidate) -> float:
    return round(c.overall - c.sloppy, 2)


def _score(c: Candidate) -> tuple[float, int, int]:
    """Rank candidates: consistency (over all records) less sloppy quoting, then more fields, then
    preference.

    Sloppy quoting (text after a closing quote) is what a wrong delimiter produces on quoted fields: a
    comma inside ``"[0,5)"`` in R output splits such a field. More fields breaks ties because a wrong
    delimiter that happens to be consistent (one comma in a text column of a tab file) splits less; a
    header row usually breaks decimal-comma lookalikes (``1,5;2,5`` under a ``x;y`` header).
    """
    return (_quality(c), c.mode, -_DELIMITERS.index(c.delimiter))


def _parse_single(text: str, delimiter: str, *, complete: bool) -> Candidate:
    """Parse the head with one delimiter (blank lines skipped, as Arrow does)."""
    records: list[Record] = []
    reader = _csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar=_QUOTE,
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    last_line = 0
    try:
        for row in reader:
            first, last_line = last_line + 1, reader.line_num
            if row:
                records.append(Record(row, first, last_line))
            if len(records) > _SNIFF_RECORDS:
                break
    except _csv.Error:
        complete = False  # an oversized field: use the records before it
    if not complete and records and len(records) <= _SNIFF_RECORDS:
        records.pop()  # the last record may be cut off by the end of the head
    last = records[-1].last_line if records else 0
    return _candidate(delimiter, records, _count_sloppy(text, delimiter, last))


def _count_sloppy(text: str, delimiter: str, lines: int) -> int:
    """Records in the first ``lines`` lines with text after a closing quote (``"1" "2013/2014"``).

    That is what a wrong delimiter produces on quoted fields; a strict parse reports it, while doubled
    quotes inside a quoted field (``"5"" screen"``) are fine. Python's reader resumes at the next line
    after an error, so one pass counts them all.
    """
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=_QUOTE, strict=True)
    sloppy = 0
    while reader.line_num < lines:
        try:
            next(reader)
        except StopIteration:
            break
        except _csv.Error as exc:
            sloppy += "expected after" in str(exc)
    return sloppy


def _parse_whitespace(text: str, *, complete: bool) -> Candidate:
    """Parse the head as runs-of-whitespace separated tokens, one record per line."""
    records: list[Record] = []
    lines = _TEXT_LINE_BREAK.split(text)
    if not complete:
        lines = lines[:-1]
    for number, line in enumerate(lines[: _SNIFF_RECORDS * 2], start=1):
        if not line.strip():
            continue
        tokens = ws_split(line)
        records.append(Record(tokens if tokens is not None else [line], number, number))
    return _candidate(WHITESPACE, records)


def ws_split(line: str) -> list[str] | None:
    """Split a whitespace-separated line into unquoted tokens; None if a quote is unbalanced."""
    if _WS_LINE.fullmatch(line) is None:
        return None
    out = []
    for tok in _WS_TOKENS.findall(line):
        if tok.startswith(_QUOTE):
            tok = tok[1:-1].replace('\\"', '"').replace('""', '"')
        out.append(tok)
    return out


def _open_quote_line(text: str, line: int, delimiter: str) -> int | None:
    """The line of a record, at or after physical ``line``, whose quoted field is still open at the
    end of ``text``; None if there is none.

    The lenient parse used for sniffing (like Arrow's) silently takes everything after an unmatched
    quote as one value; a strict parse of the last records tells that case apart.
    """
    start = 0
    for _ in range(line - 1):
        m = _TEXT_LINE_BREAK.search(text, start)
        if m is None:
            return None
        start = m.end()
    reader = _csv.reader(
        io.StringIO(text[start:], newline=""), delimiter=delimiter, quotechar=_QUOTE, strict=True
    )
    consumed = 0
    try:
        for _ in reader:
            consumed = reader.line_num
    except _csv.Error as exc:
        # "unexpected end of data", not "',' expected after '\"'" (sloppy quoting, which we accept)
        return line + consumed if "end of data" in str(exc) else None
    return None


def _candidate(delimiter: str, records: list[Record], sloppy: int = 0) -> Candidate:
    titles = count_titles(records)
    rest = records[titles:]
    if not rest:
        return Candidate(delimiter, records, titles, 0, 0.0, 0.0, 0.0)
    counts = Counter(len(r.fields) for r in rest)
    mode = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    ok: float = counts[mode]
    if len(rest[0].fields) == mode - 1:
        # R write.table: the header lacks the row-name column. Half credit, so that a delimiter under
        # which the header fits exactly wins a tie.
        ok += 0.5
    # Title lines with the table's field count (StatBank's trailing ";;;;") count as consistent;
    # others count against the delimiter, so that one needing no title lines ranks first.
    overall = (ok + sum(1 for r in records[:titles] if len(r.fields) == mode)) / len(records)
    return Candidate(delimiter, records, titles, mode, ok / len(rest), overall, min(1.0, sloppy / len(rest)))


def count_titles(records: list[Record]) -> int:
    """Leading records that are titles or units lines rather than the header.

    A title has its few non-empty cells at the start, the rest empty (``Fertility rates...;;;;``), and
    far fewer non-empty cells than the typical record: at most one, or under a third of typical.
    """
    if len(records) < 2:
        return 0
    # (the typical record is the table's: a small table under many comment lines is still a table)
    body = [r for r in records[:200] if not (r.fields and _COMMENT_LINE.match(" ".join(r.fields)))] \
        or records[:200]
    typical = statistics.median_low(r.nonempty for r in body)
    if typical < 2:
        return 0
    limit = max(1, typical // 3)
    width = statistics.median_low(len(r.fields) for r in body)
    titles = 0
    for rec in records[: _MAX_TITLE_LINES + 1]:
        first = rec.fields[0].strip() if rec.fields else ""
        if first.startswith('="') and not _EXCEL_TEXT.fullmatch(first) and titles < _MAX_TITLE_LINES:
            titles += 1  # esttab's title written ="A, B, C": one Excel text cell its commas split
            continue
        if rec.fields and titles < _MAX_TITLE_LINES and (
                (_COMMENT_LINE.match(rec.fields[0]) and _prose(rec.fields))
                # (a comment the delimiter splits into more or fewer fields than the table's: "# OLS, dependent
                # variable: log wage, 2019. N = 1,204,388" above "term,estimate,std_error")
                or ((len(rec.fields) != width or any(len(f.split()) >= _TITLE_WORDS for f in rec.fields[1:]))
                    and _COMMENT_LINE.match(" ".join(rec.fields)))):
            titles += 1  # a comment line above the header ("# Lukket kohorte; ingen tilgang."), delimiters or not
            continue
        filled = [bool(f.strip()) for f in rec.fields]
        n = sum(filled)
        is_prefix = all(filled[:n])
        # a title with the delimiter in it ("Children placed in foster care by region and age group, 2020"):
        # a sentence first, and fewer fields than the records' half
        sentence = is_prefix and n <= typical // 2 and len(rec.fields) < typical \
            and len(first.split()) >= _TITLE_WORDS and not _HAS_DIGIT_FIRST.match(first)
        if (n > limit and not sentence) or not is_prefix or titles >= _MAX_TITLE_LINES:
            break
        titles += 1
    return min(titles, len(records) - 1)


_TITLE_WORDS = 4
_HAS_DIGIT_FIRST = lazy_compile(r"^\s*[\d.,\-+]")


# A comment line as R, pandas and Stata users write above a CSV's header: "#", a space and three words or more
# ("# Lukket kohorte: børn født 2000-2004"); "#Region" or "# Region" may be a header's first name.
_COMMENT_LINE = lazy_compile(r"^\s*#+\s+[^\W\d_][^\s#]*(?:\s+[^\s#]+){2,}")


def _prose(fields: list[str]) -> bool:
    """Whether a record that starts like a comment reads as prose: one field, or a sentence split at the
    delimiter (its other fields hold words, or it ends like a sentence), not names over columns ("# of
    persons treated;2021;2022")."""
    rest = [f.strip() for f in fields[1:] if f.strip()]
    return not rest or fields[-1].rstrip().endswith((".", ":")) or all(" " in f for f in rest)


def header_layout(
    best: Candidate, records: list[Record], skipped_lines: int, head: bytes, notes: list[str]
) -> Layout:
    """Decide header rows and column names for the records after the titles."""
    header = records[0]
    # a markdown table's alignment row (|---|--:|) or a rule under the header: neither names nor data
    rule = len(records) > 2 and _is_rule_row(records[1].fields)
    body = records[2:] if rule else records[1:]
    ncols = best.mode
    if _looks_like_data(header.fields, body):
        # No header: what looked like title lines are sparse data rows (``Abkhazia,,,,``), so they are
        # read as data too rather than skipped unseen (fail closed).
        first = best.records[0].first_line
        notes.append("no header row: column names generated")
        return Layout(
            delimiter=best.delimiter,
            names=[f"column_{i}" for i in range(1, ncols + 1)],
            header_rows=0,
            skipped_lines=first - 1,
            data_line=first,
            data_offset=_line_offset(head, first),
            notes=notes,
        )
    header_rows = [header.fields]
    last = header
    start = 1  # the record after the header (and after a rule line under it)
    if rule:
        last = records[1]
        start = 2
        notes.append("a rule line under the header skipped")
    extra = 0
    # (esttab writes every cell as Excel's text formula ="...": its header rows and numbers are read as their
    # text to tell them apart)
    excel_header = any(f.strip() for f in header.fields) and all(
        _EXCEL_TEXT.fullmatch(f.strip()) for f in header.fields if f.strip())
    if excel_header:
        records = [Record([unwrap_excel_text(f) for f in r.fields], r.first_line, r.last_line) for r in records]
        header_rows = [[unwrap_excel_text(f) for f in header.fields]]
    while extra < _MAX_EXTRA_HEADER_ROWS and start + extra < len(records) - 1:
        row = records[start + extra]
        # (esttab stacks its header: model numbers, then the groups' names, then the statistic, "mean", each a
        # row with nothing over the labels and no number)
        esttab_row = excel_header and not row.fields[0].strip() and any(f.strip() for f in row.fields[1:]) \
            and not any(_is_numeric_like(f) for f in row.fields[1:] if f.strip())
        if not esttab_row and not _is_extra_header(row.fields, records[start + 1 + extra :],
                                                   previous_extra=extra > 0):
            break
        header_rows.append(row.fields)
        last = row
        extra += 1
    if extra:
        notes.append(f"{extra + 1} header rows combined into column names")
    names = _combine_names(header_rows)
    if names:
        names[0] = names[0].removeprefix("\ufeff")
    if best.delimiter == "|":
        names = [n.strip() for n in names]  # a pipe table pads its cells: | Age group | Diabetes |
    body = records[start + extra :]
    if len(names) == ncols - 1 and _first_column_unique(body):
        names = ["row_name", *names]
        notes.append("header has one field fewer than the rows: first column named row_name (R row names)")
    elif len(names) < ncols:
        names += [""] * (ncols - len(names))
        notes.append("header has fewer fields than the data rows")
    elif len(names) > ncols:
        if any(n.strip() for n in names[ncols:]):
            notes.append("header has more fields than the data rows: extra header cells ignored")
        names = names[:ncols]
    data_line = body[0].first_line if body else last.last_line + 1
    excel = excel_header or (any(n.strip() for n in names)
                             and all(_EXCEL_TEXT.fullmatch(n.strip()) for n in names if n.strip()))
    if excel:
        names = [unwrap_excel_text(n) for n in names]
        notes.append("cells written as Excel text formulas (=\"...\") read as their text")
    return Layout(
        excel_text=bool(excel),
        delimiter=best.delimiter,
        names=_unique_names(names),
        header_rows=1 + extra,
        skipped_lines=skipped_lines,
        data_line=data_line,
        data_offset=_line_offset(head, last.last_line + 1),
        notes=notes,
    )


_RULE_CELL = lazy_compile(r":?-{3,}:?|={3,}")


def _is_rule_row(fields: list[str]) -> bool:
    """A row of rules only (``---``, ``:--:``, ``===``): a markdown alignment row, a line under a header."""
    cells = [f.strip() for f in fields if f.strip()]
    return bool(cells) and all(_RULE_CELL.fullmatch(c) for c in cells)


def _line_offset(head: bytes, line: int) -> int:
    """Byte offset in ``head`` where physical line ``line`` (1-based) starts."""
    if line <= 1:
        return 0
    for seen, m in enumerate(_LINE_BREAK.finditer(head), start=1):
        if seen == line - 1:
            return m.end()
    return len(head)


def _combine_names(rows: list[list[str]]) -> list[str]:
    """Join the non-empty parts of stacked header rows with " | " per column.

    A group's name written once over its columns ("Kvinder (N=87)" over "Antal", "Pct.", the cell right of it
    left blank: Excel without merged cells) names every column of the group: where the lowest row repeats its
    names (Antal, Pct., Antal, Pct.), a blank cell above a repeated name takes the group name to its left."""
    width = max(len(r) for r in rows)
    if len(rows) > 1:
        last = [(rows[-1][i] if i < len(rows[-1]) else "").strip() for i in range(width)]
        repeated = {c for c in last if c and last.count(c) > 1}
        upper = [[r[i] if i < len(r) else "" for i in range(width)] for r in rows[:-1]]
        # (only over a column with nothing above its lowest name: "Sex" over the levels 1, 2 and Total names
        # only its first column, the levels name the others)
        bare = [all(not r[i].strip() for r in upper) for i in range(width)]
        if repeated:
            filled = []
            for r in upper:
                carry = ""
                for i in range(width):
                    if r[i].strip():
                        carry = r[i]
                    elif carry and last[i] in repeated and bare[i]:
                        r[i] = carry
                    else:
                        carry = ""
                filled.append(r)
            rows = [*filled, rows[-1]]
    out = []
    for i in range(width):
        parts = [r[i] for r in rows if i < len(r) and r[i].strip()]
        out.append(" | ".join(parts))
    return out


# A cell written as Excel's text formula, so that a spreadsheet shows it as written: '="(0.003)"', '=""'.
_EXCEL_TEXT = lazy_compile(r'="[^"]*"')


def unwrap_excel_text(cell: str) -> str:
    """The text of a cell written ``="..."`` (Stata esttab's CSV); any other cell as it is."""
    stripped = cell.strip()
    return stripped[2:-1] if _EXCEL_TEXT.fullmatch(stripped) else cell


def _unique_names(names: list[str]) -> list[str]:
    """Name empty cells ``column_<position>`` and make duplicates unique (``x``, ``x_2``, ...)."""
    filled = [n if n.strip() else f"column_{i}" for i, n in enumerate(names, start=1)]
    original = set(filled)
    out: list[str] = []
    seen: set[str] = set()
    for name in filled:
        candidate, k = name, 1
        # A generated name must not take one that another header cell has (``x``, ``x``, ``x_2``).
        while candidate in seen or (k > 1 and candidate in original):
            k += 1
            candidate = f"{name}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _first_column_unique(body: list[Record]) -> bool:
    """True when the first fields of the sampled rows are all distinct (R row names are)."""
    values = [r.fields[0] for r in body if r.fields]
    return len(values) == len(set(values))


def _is_numeric(cell: str) -> bool:
    s = cell.strip()
    return bool(s) and _HAS_DIGIT.search(s) is not None and _NUMBER.fullmatch(s) is not None


def _is_numeric_like(cell: str) -> bool:
    """A number or a suppression/missing marker: what a statistics cell holds."""
    s = cell.strip()
    return _is_numeric(s) or SUPPRESSION_MARKER.fullmatch(s) is not None


def _is_number_like(cell: str) -> bool:
    """Digits with no letters (``90307 (100)``, ``2013/2014``) or a plain number."""
    s = cell.strip()
    return _is_numeric(s) or (_HAS_DIGIT.search(s) is not None and _HAS_LETTER.search(s) is None)


def _shape(cell: str) -> str:
    """The pattern of a cell: digit runs -> 9, letter runs -> a, spaces dropped."""
    s = re.sub(r"\s+", "", cell)
    s = re.sub(r"\d+", "9", s)
    return _HAS_LETTER.sub("a", s)


def _is_label_sequence(cells: list[str]) -> bool:
    """Years in increasing order, or consecutive integers: column labels, not data."""
    try:
        values = [int(c.strip()) for c in cells]
    except ValueError:
        return False
    increasing = all(b > a for a, b in itertools.pairwise(values))
    if len(values) >= 2 and increasing and all(_YEAR.fullmatch(c.strip()) for c in cells):
        return True
    return len(values) >= 3 and all(b - a == 1 for a, b in itertools.pairwise(values))


def numeric_levels(cells: list[str]) -> list[str] | None:
    """The column levels a header row's cells (after its label column) are when they are numbers: two or
    more increasing whole numbers, then nothing but words (``1, 2, Total``; sex coded 1/2). Returns the words
    after the levels (empty when none), or None when the cells are not such levels."""
    rest = [c.strip() for c in cells if c.strip()]
    k = 0
    bounds: list[tuple[int, int]] = []
    # (a grade scale starts below zero: Denmark's -3, 00, 02, 4, 7, 10, 12; levels merged into a range, "2–3",
    # or open at the top, "4+", after a researcher joined the sparse ones)
    while k < len(rest) and (m := _LEVEL.match(rest[k])) is not None and (k == 0 or not m.group(1).startswith("-")):
        low = int(m.group(1))
        bounds.append((low, int(m.group(2)) if m.group(2) else low))
        k += 1
    if k < 2 or any(b[0] <= a[1] or b[0] > b[1] for a, b in itertools.pairwise(bounds)) \
            or sum(1 for c in rest[:k] if c.lstrip("-").isdigit()) < 2:
        return None
    tail = rest[k:]
    return None if any(_is_number_like(c) for c in tail) else tail


# A column level: a whole number, a range of them ("2–3", "2-3") or an open top class ("4+").
_LEVEL = lazy_compile(r"^(-?\d{1,4})(?:\s*[-–]\s*(\d{1,4})|\+)?$")


_VARIABLE_NAME = lazy_compile(r"[a-z_][a-z0-9_.]*")


def levels_over_labels(first: list[str], labels: list[str]) -> bool:
    """Whether ``first`` is column levels that are numbers over rows that each start with a text label
    (``labels``): nothing over the label column (``"","1","2"`` from R's ``write.csv(table(region, sex))``;
    a tabout's ``\t1\t2\tTotal``; an HTML table's level row) or the row variable's name (R's tabyl)."""
    if not first or numeric_levels(first[1:]) is None:
        return False
    name = first[0].strip()
    tail = numeric_levels(first[1:]) or []
    if name and not (any(is_margin_label(w) for w in tail) and name not in labels and not _is_number_like(name)):
        # over the labels only the row variable's name, as R's tabyl prints it ("region  1  2"): a name of
        # code, not a label, over levels 1, 2, ... (a first data row "North  1  2" is not a header); any name
        # when a total closes the levels ("Skole | -3 | 00 | 02 | ... | I alt": a data row ends in a number)
        levels = [c.strip() for c in first[1:] if c.strip().isdigit()]
        if not _VARIABLE_NAME.fullmatch(name) or name in labels \
                or any(int(b) != int(a) + 1 for a, b in itertools.pairwise(levels)):
            return False
    return len(labels) >= 2 and all(v.strip() and not _is_number_like(v) for v in labels)


def _is_coded_like(cell: str, i: int, below: list[Record]) -> bool:
    """Letters and digits written exactly like the column below (``K4228055`` over ``K5095077``,
    ``P1234_LopNr_107081``): a value such as a key, not a column name. A name is shaped differently from
    its values (``LopNr`` over numbers, ``pop2018`` over counts)."""
    s = cell.strip()
    if _HAS_DIGIT.search(s) is None or _HAS_LETTER.search(s) is None:
        return False
    column = [r.fields[i] for r in below[:200] if i < len(r.fields) and r.fields[i].strip()]
    return len(column) >= 3 and 5 * sum(_shape(v) == _shape(s) for v in column) >= 4 * len(column)


def _looks_like_data(first: list[str], below: list[Record]) -> bool:
    """True when the first record is already data (no header): most of its fields are numbers (or
    coded values such as keys) with the same shape as the column below, and they are not a run of labels
    such as years."""
    cells = [(i, c) for i, c in enumerate(first) if c.strip()]
    if not cells:
        return False
    numbers = [(i, c) for i, c in cells if _is_number_like(c) or _is_coded_like(c, i, below)]
    if 2 * len(numbers) <= len(cells):
        return False
    if _is_label_sequence([c for _, c in numbers]):
        return False
    if not below:
        return True
    if levels_over_labels(first, [r.fields[0] for r in below[:200] if r.fields]) or _names_over_levels(first, below):
        return False
    data_like = 0
    for i, cell in numbers:
        column = [r.fields[i] for r in below[:200] if i < len(r.fields) and r.fields[i].strip()]
        if not column:
            continue
        shapes = Counter(_shape(v) for v in column)
        if 5 * shapes[_shape(cell)] >= len(column):
            data_like += 1
    return 2 * data_like > len(cells)


_NAME_CELL = lazy_compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _names_over_levels(first: list[str], below: list[Record]) -> bool:
    """A wide table written from a reshape (``fwrite(dcast(...))``, ``pivot_wider``): the row variables'
    names, then the column variable's codes as names (``Kon;aldersgrupp;1;2;3;4;5;6;7;9``). The names are
    variable names found nowhere in their columns below, the codes increase, and the cells under them are
    not such codes (some exceed the largest)."""
    k = 0
    while k < len(first) and _NAME_CELL.fullmatch(first[k].strip()):
        k += 1
    levels = [c.strip() for c in first[k:]]
    if k == 0 or len(levels) < 2 or not all(c.isdigit() and len(c) <= 3 for c in levels) \
            or any(int(b) <= int(a) for a, b in itertools.pairwise(levels)):
        return False
    rows = [r.fields for r in below[:200] if len(r.fields) == len(first)]
    if not rows:
        return False
    if any(first[i].strip() == r[i].strip() for r in rows for i in range(k)):
        return False
    top = int(levels[-1])
    return any(_is_number_like(c) and c.strip().isdigit() and int(c.strip()) > top for r in rows for c in r[k:])


def is_levels_row(row: list[str]) -> bool:
    """The column variable's levels under its name (tabout, a crosstab pasted from Excel: ``Region, 1, 2,
    Total`` under ``,Sex,,``): a text first cell, then :func:`numeric_levels` with a word after them
    (``Total``). A data row has no word among its counts."""
    if not row or not row[0].strip() or _is_number_like(row[0].strip()):
        return False
    tail = numeric_levels(row[1:])
    return bool(tail) and all(_HAS_LETTER.search(c) for c in tail or ())


# A statistic and its spread or share in brackets: "26.4 (5.9)", "45 (63,4 %)", "25 [22-28]", "3 398 (602)".
_STATISTIC_CELL = lazy_compile(r"^\s*-?\d[\d \u00a0.,]*\s*[(\[]\s*-?\d+(?:[.,]\d+)?\s*%?"
                               r"(?:\s*(?:-|–|,|;|to)\s*-?\d+(?:[.,]\d+)?\s*%?)?\s*[)\]]\s*$")


def _is_extra_header(row: list[str], below: list[Record], *, previous_extra: bool) -> bool:
    """True when ``row`` (just under the header) is another header row: it holds no number in the
    columns that are mostly numeric further down, and labels some of them (``0-49``) or, after an
    extra header row, is the index-name row pandas writes (``date,,,,``)."""
    sample = below[:200]
    if len(sample) < 2:
        return False
    if is_levels_row(row):
        return True
    numeric_columns = []
    for i in range(len(row)):
        values = [r.fields[i] for r in sample if i < len(r.fields) and r.fields[i].strip()]
        if len(values) >= 3 and sum(map(_is_numeric_like, values)) >= _NUMERIC_COLUMN_SHARE * len(values):
            numeric_columns.append(i)
    if not numeric_columns:
        return False
    cells = [row[i] for i in numeric_columns]
    if any(_is_numeric_like(c) or _STATISTIC_CELL.match(c) for c in cells if c.strip()):
        return False  # (a descriptive table's first row, "26.4 (5.9)", "45 (63,4)", "25 [22-28]": data)
    if any(c.strip() for c in cells):
        return True
    return previous_extra and any(c.strip() for c in row)
