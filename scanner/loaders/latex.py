"""Tables typeset in LaTeX (``tabular`` rows), as tables found in text.

Researchers export results as ``.tex`` files: Stata's ``esttab``/``estout`` and ``tabout``, R's ``kable``,
``xtable``, ``stargazer``, ``modelsummary`` and ``gtsummary`` (via ``kableExtra``), pandas' ``to_latex()``.
A cross-tabulation with a cell of 2 is as disclosive there as in a CSV file, so its rows are read into a
:class:`~scanner.loaders.texttables.TextTable` and get the same table rules.

Written by hand because no maintained library reads a ``tabular`` environment into cells: a LaTeX parser
(pylatexenc) gives a node tree that still needs every step below, and ``pandas`` only writes LaTeX. The
reading is line based, so it also finds the fragments ``esttab ..., fragment`` writes (rows without the
``tabular`` environment around them):

* a block starts at a line with an unescaped ``&`` and goes on over the lines that carry one, end a row
  (``\\``), or hold only rules (``\\hline``, booktabs' ``\\midrule``, ``\\cline{2-3}``), spacing
  (``[1em]``, ``\\addlinespace``) or a comment;
* rows end at ``\\`` and cells at unescaped ``&``; ``\\multicolumn{n}{..}{x}`` is ``x`` and ``n - 1``
  empty cells, so columns stay aligned;
* markup around a value is dropped (``\\textbf{12}``, ``$-$0.5``, ``1{,}204``, ``12\\%``, significance
  stars ``\\sym{**}``, ``$^{***}$``), so the number is what the table rules read.

Header rows (leading rows without a number) are joined column by column into the column names, as the CSV
reader joins a CSV file's header rows: ``& \\multicolumn{2}{c}{Sex}`` over ``Region & Men & Women`` names
the columns ``Region``, ``Sex | Men``, ``Sex | Women``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scanner.lazy_regex import lazy_compile

__all__ = ["cells_text", "header_names", "iter_blocks", "parse_cell"]

_AMP = lazy_compile(r"(?<!\\)&")
_ROW_END = lazy_compile(r"\\\\(?:\s*\[[^\]]*\])?|\\tabularnewline\b")
_COMMENT = lazy_compile(r"(?<!\\)%.*$")


def _uncommented(line: str) -> str:
    """``line`` without its LaTeX comment. A ``%`` after a cell's text with the row going on after it (``&``
    or the row's ``\\\\``) is the percent sign pandas' ``to_latex`` leaves unescaped ("andel (%) \\\\"),
    not a comment: a comment there would cut the row."""
    m = _COMMENT.search(line)
    if m is None:
        return line
    rest = m.group(0)
    if line[:m.start()].strip() and ("&" in rest or "\\\\" in rest):
        return line[:m.start()] + "%" + _uncommented(rest[1:])
    return line[:m.start()]
# Lines and commands that are not cells: rules, spacing, longtable's head/foot markers.
_RULES = lazy_compile(
    r"\\(?:hline|toprule|midrule|bottomrule|endhead|endfirsthead|endfoot|endlastfoot|relax|noalign"
    r"|hhline\{[^}]*\}|cline\{[^}]*\}|cmidrule(?:\([^)]*\))?\{[^}]*\}|addlinespace(?:\[[^\]]*\])?"
    r"|specialrule\{[^}]*\}\{[^}]*\}\{[^}]*\}|rowcolor(?:\[[^\]]*\])?\{[^}]*\}|vspace\*?\{[^}]*\}"
    r"|morecmidrules|arrayrulecolor\{[^}]*\}|pagebreak|newpage|centering|small|footnotesize|scriptsize)"
)
_SPACING_LINE = lazy_compile(r"^\s*\[[^\]]*\]\s*$")
_MULTICOLUMN = lazy_compile(r"\\multicolumn\s*\{\s*(\d+)\s*\}\s*\{[^{}]*\}\s*\{")
_MULTIROW = lazy_compile(r"\\multirow\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}"
                       r"\s*(?:\[[^\]]*\])?\s*\{")
# Commands whose argument is dropped with them (spacing, phantoms, significance stars).
_DROP_WITH_ARG = lazy_compile(r"\\(?:sym|hspace\*?|vspace\*?|phantom|hphantom|vphantom|label|tnote|footnote|"
                            r"textsuperscript|rule)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}")
_SUPERSCRIPT = lazy_compile(r"\^\s*(?:\{[^{}]*\}|\S)")
# A command wrapping its argument (\textbf{x}, \num{x}, \makecell[c]{x}): the argument is kept.
_WRAP = lazy_compile(r"\\[A-Za-z]+\*?\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")
_WORD_COMMAND = lazy_compile(r"\\[A-Za-z]+\*?\s?")
_ESCAPES = (("\\\\", " "), ("\\%", "%"), ("\\&", "&"), ("\\_", "_"), ("\\#", "#"), ("\\$", ""), ("{,}", ","),
            ("\\,", ""), ("\\;", " "), ("\\:", " "), ("\\!", ""), ("\\ ", " "), ("~", " "), ("\\textless", "<"),
            ("\\textgreater", ">"), ("\\(", ""), ("\\)", ""), ("--", "-"), ("\u2212", "-"))
_STARS = lazy_compile(r"(?<=[\d)%])\s*\*+$")
_SPACES = lazy_compile(r"\s+")


def _closing(text: str, start: int) -> int:
    """The index of the brace closing the one opened just before ``start`` (``len(text)`` if unclosed)."""
    depth = 1
    for k in range(start, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and (k == 0 or text[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return len(text)


def _unwrap(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with every command matched by ``pattern`` (ending at the ``{`` of its last argument)
    replaced by that argument's content."""
    while (m := pattern.search(text)) is not None:
        end = _closing(text, m.end())
        text = text[:m.start()] + text[m.end():end] + text[end + 1:]
    return text


def parse_cell(raw: str) -> str:
    """The text a reader sees in one LaTeX cell: markup, math shifts, stars and escapes dropped."""
    text = _unwrap(_MULTIROW, raw)
    text = _DROP_WITH_ARG.sub("", text)
    text = _SUPERSCRIPT.sub("", text)
    for old, new in _ESCAPES:
        text = text.replace(old, new)
    previous = None
    while previous != text:
        previous = text
        text = _WRAP.sub(r"\1", text)
    text = _WORD_COMMAND.sub("", text)
    text = text.replace("$", "").replace("{", "").replace("}", "")
    text = _SPACES.sub(" ", text).strip()
    return _STARS.sub("", text)


def _cells(row: str) -> list[str | None]:
    """The cells of one row, ``\\multicolumn{n}`` spread over ``n`` cells: its text in the first, ``None``
    (the span going on) in the others."""
    out: list[str | None] = []
    for raw in _split_cells(row):
        m = _MULTICOLUMN.search(raw)
        if m is None:
            out.append(parse_cell(raw))
            continue
        end = _closing(raw, m.end())
        out.append(parse_cell(raw[:m.start()] + raw[m.end():end] + raw[end + 1:]))
        out.extend([None] * (int(m.group(1)) - 1))
    return out


def _split_cells(row: str) -> list[str]:
    """``row`` split at the ``&`` outside braces (an ``&`` inside a ``\\multicolumn`` argument is text)."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(row):
        escaped = k > 0 and row[k - 1] == "\\"
        if ch == "{" and not escaped:
            depth += 1
        elif ch == "}" and not escaped:
            depth = max(depth - 1, 0)
        elif ch == "&" and not escaped and depth == 0:
            parts.append(row[start:k])
            start = k + 1
    parts.append(row[start:])
    return parts


def _continues(line: str) -> bool:
    """Whether ``line`` belongs to a block of rows: it has a cell separator or a row end, or it is only
    rules, spacing or a comment."""
    body = _uncommented(line)
    if _AMP.search(body) or _ROW_END.search(body):
        return True
    rest = _RULES.sub("", body).strip()
    return (not rest and bool(line.strip())) or bool(_SPACING_LINE.match(rest))


def latex_rows(lines: list[str], start: int) -> tuple[list[tuple[int, list[str | None]]], int]:
    """The rows of the block of LaTeX table lines that starts at ``lines[start]`` (a line with an ``&``),
    as ``(index of the row's first line, cells)``, and the index of the first line after the block."""
    rows: list[tuple[int, list[str | None]]] = []
    pending, pending_at = "", start
    depth = 0  # of braces open in ``pending``
    k = start
    while k < len(lines) and _continues(lines[k]):
        body = _RULES.sub("", _uncommented(lines[k]))
        if _SPACING_LINE.match(body):
            k += 1
            continue
        if not pending.strip():
            pending_at = k
        pos = scanned = 0
        for m in _ROW_END.finditer(body):
            depth = _depth(body[scanned:m.start()], depth)
            scanned = m.start()
            if depth > 0:
                continue  # a line break inside a cell (in the braces of makecell), not the end of the row
            pending += body[pos:m.start()]
            _emit(rows, pending, pending_at)
            pending, pending_at = "", k
            pos = scanned = m.end()
        rest = body[pos:]
        depth = _depth(body[scanned:], depth)
        if rest.strip() and not pending.strip():
            pending_at = k
        pending += rest + " "
        k += 1
    _emit(rows, pending, pending_at)
    return rows, k


def _depth(text: str, depth: int) -> int:
    """The depth of braces after ``text``, from ``depth`` before it."""
    for k, ch in enumerate(text):
        if ch in "{}" and (k == 0 or text[k - 1] != "\\"):
            depth = depth + 1 if ch == "{" else max(depth - 1, 0)
    return depth


def _emit(rows: list[tuple[int, list[str | None]]], text: str, at: int) -> None:
    text = text.strip()
    if not text:
        return
    cells = _cells(text)
    if any(cells):
        rows.append((at, cells))


# A cell that makes its row data, not a header: a number, or a number before a bracket ("12 (29%)",
# "46 (37, 59)": the count and percentage, or the median and quartiles, of a "Table 1").
_DATA_CELL = lazy_compile(r"^[-+]?\d[\d.,\u00a0 ]*(%|\s*[(\[].*[)\]])?$")


def is_header_row(row: list[str | None]) -> bool:
    """Whether a row (above the first data row) is a header row: no cell holds a number."""
    return not any(_DATA_CELL.match(c) for c in row if c)


def is_row_start(line: str) -> bool:
    """Whether a line may start a block of LaTeX table rows: an unescaped ``&`` and a row end or
    LaTeX markup on it (a plain ``a & b`` line in prose or code is not a table row)."""
    body = _uncommented(line)
    return bool(_AMP.search(body)) and ("\\\\" in body or "\\" in body or body.rstrip().endswith("&"))


def header_names(rows: list[list[str | None]], width: int) -> list[str]:
    """Column names from the header rows, joined column by column with `` | `` (as the CSV reader joins
    header rows); a ``\\multicolumn`` label names every column it spans, so ``Sex`` over ``Men``/``Women``
    names both."""
    names = [""] * width
    for row in rows:
        label = ""
        for c in range(width):
            cell = row[c] if c < len(row) else ""
            label = label if cell is None else cell
            if label and label not in names[c].split(" | "):
                names[c] = f"{names[c]} | {label}" if names[c] else label
    return names


def cells_text(row: list[str | None], width: int) -> list[str]:
    """A data row's cells as text, padded to ``width`` (a spanned cell is empty)."""
    return [(row[c] or "") if c < len(row) else "" for c in range(width)]


def iter_blocks(lines: list[str]) -> Iterator[tuple[int, int, list[tuple[int, list[str | None]]]]]:
    """Every block of LaTeX table rows in ``lines``: ``(first index, index after, rows)``."""
    k = 0
    while k < len(lines):
        if is_row_start(lines[k]):
            rows, end = latex_rows(lines, k)
            yield k, end, rows
            k = max(end, k + 1)
        else:
            k += 1
