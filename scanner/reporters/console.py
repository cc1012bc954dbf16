"""The console report: what an output checker or a researcher reads at a terminal.

Layout::

    export/res.csv  csv  FAIL
      MIC002  block   col LopNr  column name matches an identifier pattern
              column 'LopNr' holds 1-2 distinct values per row
      … and 10 more findings (use -v or --format json)

     verdict   files      bytes
     ...
    3 files scanned in 0.21s: 1 pass, 1 review, 1 fail

Nothing from the scanned data is ever interpreted by rich: the console is built with markup, emoji and
highlighting off, every piece of content goes in as a :class:`rich.text.Text`, and control characters are
replaced, so a message like ``[REDACTED]`` or a file name holding an escape sequence prints literally.
"""

from __future__ import annotations

import math
import os
from typing import Literal, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from scanner.findings import FileResult, Finding, Location, ScanResult, Severity, Verdict
from scanner.reporters import ordered_files, safe_location, safe_text

__all__ = ["MAX_FINDINGS_PER_FILE", "NON_TERMINAL_WIDTH", "make_console", "render"]

MAX_FINDINGS_PER_FILE = 20
"""Findings listed per file without ``verbose``; the JSON report always has all of them."""

NON_TERMINAL_WIDTH = 120
"""Width used when writing to a file or pipe, so the text does not depend on the caller's terminal.

Off a terminal, lines are not wrapped at this width (a finding stays on one line); it sizes the table."""

_VERDICT_STYLE = {
    Verdict.PASS: "bold green",
    Verdict.REVIEW: "bold yellow",
    Verdict.FAIL: "bold red",
}
_SEVERITY_STYLE = {
    Severity.INFO: "blue",
    Severity.REVIEW: "yellow",
    Severity.BLOCK: "red",
}
_RULE_WIDTH = 6  # every code is a 3-letter family and 3 digits
_SEVERITY_WIDTH = max(len(s.label) for s in Severity)
_EVIDENCE_INDENT = " " * (2 + _RULE_WIDTH + 2)  # evidence starts under the severity


def _isatty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # closed stream, or a file-like without isatty
        return False


def make_console(out: TextIO, color: bool | None) -> Console:
    """A rich console writing to ``out`` that never interprets content and colors only when asked.

    Color: ``color=True`` is an explicit request (``--color``) and wins over ``NO_COLOR``, as no-color.org
    asks ("command-line arguments should override $NO_COLOR"); ``color=False`` never colors; ``None``
    colors only when ``out`` is a terminal and ``NO_COLOR`` is unset or empty. The decision is passed to
    rich explicitly, so rich's own environment guesses (``FORCE_COLOR``, ``TTY_COMPATIBLE``, Jupyter) do
    not change the report.
    """
    is_tty = _isatty(out)
    use_color = (is_tty and os.environ.get("NO_COLOR", "") == "") if color is None else color

    def build(color_system: Literal["auto", "standard"] | None) -> Console:
        return Console(
            file=out,
            force_terminal=use_color,
            force_jupyter=False,  # in a notebook rich would display HTML instead of writing to `out`
            force_interactive=False,
            no_color=not use_color,
            color_system=color_system,
            # A real terminal keeps its own width; anything else gets a fixed one for stable output.
            width=None if is_tty else NON_TERMINAL_WIDTH,
            # Off a terminal, one finding stays one line (grep, tickets, diffs); a terminal wraps.
            soft_wrap=not is_tty,
            legacy_windows=None if is_tty else False,
            markup=False,
            emoji=False,
            highlight=False,
        )

    console = build("auto" if use_color else None)
    if color is True and console.color_system is None:
        # Detection found no colors (TERM=dumb, say) but the user forced them: basic ANSI colors.
        console = build("standard")
    return console


def _plain(text: str) -> str:
    """Content made safe for one terminal line: whitespace controls become spaces, others '?'."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " if ch in "\t\n\r" else "?" for ch in text)


def _where(location: Location, file_path: str) -> str:
    """A compact location: ``row 12``, ``line 40``, ``col LopNr``, ``cell OMRÅDE=Christiansø, KØN=Men``."""
    loc = safe_location(location)
    parts: list[str] = []
    if loc.display_path != file_path:  # a finding about another file (another archive member) names it
        parts.append(loc.display_path)
    if loc.sheet is not None:
        parts.append(f"sheet {loc.sheet}")
    if loc.slide is not None:
        parts.append(f"slide {loc.slide}")
    if loc.page is not None:
        parts.append(f"page {loc.page}")
    if loc.element is not None:
        parts.append(loc.element)
    if loc.line is not None:
        parts.append(f"line {loc.line}")
    if loc.row is not None:
        parts.append(f"row {loc.row}")
    if loc.column is not None:
        parts.append(f"col {loc.column}")
    if loc.cell:
        parts.append("cell " + ", ".join(f"{dim}={label}" for dim, label in loc.cell))
    return _plain(", ".join(parts)) if parts else "file"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _size(n: int) -> str:
    """Bytes for a person: exact below 1 KiB, one decimal above."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f} {unit}"


def _seconds(value: float) -> float:
    return value if math.isfinite(value) and value >= 0 else 0.0


def _file_header(file: FileResult) -> Text:
    verdict = file.verdict
    return Text.assemble(
        (_plain(file.path), "bold"),
        "  ",
        _plain(file.kind),
        "  ",
        (verdict.value.upper(), _VERDICT_STYLE[verdict]),
    )


def _finding_lines(finding: Finding, file_path: str) -> list[Text]:
    line = Text.assemble(
        "  ",
        (f"{_plain(finding.rule):<{_RULE_WIDTH}}", "bold"),
        "  ",
        (f"{finding.severity.label:<{_SEVERITY_WIDTH}}", _SEVERITY_STYLE[finding.severity]),
        "  ",
        (_where(finding.location, file_path), "cyan"),
        "  ",
        _plain(safe_text(finding.message)),
    )
    lines = [line]
    if finding.evidence.text:
        lines.append(Text(_EVIDENCE_INDENT + _plain(finding.evidence.text), style="dim"))
    return lines


def _summary_table(result: ScanResult) -> Table:
    counts = result.counts
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, show_footer=True)
    # The total is the footer, so the box draws a rule between the verdict rows and it.
    table.add_column("verdict", footer=Text("total", style="bold"))
    table.add_column("files", justify="right", footer=Text(str(len(result.files)), style="bold"))
    table.add_column("bytes", justify="right", footer=Text(_size(result.total_bytes), style="bold"))
    for verdict in Verdict:
        size = sum(f.bytes for f in result.files if f.verdict is verdict)
        table.add_row(
            Text(verdict.value, style=_VERDICT_STYLE[verdict]), Text(str(counts[verdict])), Text(_size(size))
        )
    return table


def render(result: ScanResult, out: TextIO, *, color: bool | None = None, verbose: bool = False) -> None:
    """Write the human-readable report to ``out``.

    Without ``verbose``: files that have findings, at most :data:`MAX_FINDINGS_PER_FILE` findings each.
    With ``verbose``: every file (a file without findings as one line) and every finding. Then any scan
    errors, a summary table per verdict and a one-line total. ``color`` as in :func:`make_console`.
    """
    console = make_console(out, color)
    listed = 0
    # One blank line after each block of findings; one-line pass files (verbose) run together, with a
    # blank line between them and whatever follows.
    dangling = False
    for file, findings in ordered_files(result):
        if not findings and file.verdict is not Verdict.PASS:
            # An archive whose members fail or need review: its header says so, the members follow.
            if dangling:
                console.print()
            console.print(_file_header(file))
            console.print(Text("  verdict from its members (listed as its path followed by !member)",
                               style="italic"))
            console.print()
            listed += 1
            dangling = False
            continue
        if not findings:
            if verbose:
                console.print(_file_header(file))
                listed += 1
                dangling = True
            continue
        if dangling:
            console.print()
            dangling = False
        console.print(_file_header(file))
        listed += 1
        shown = findings if verbose else findings[:MAX_FINDINGS_PER_FILE]
        for finding in shown:
            for line in _finding_lines(finding, file.path):
                console.print(line)
        hidden = len(findings) - len(shown)
        if hidden:
            console.print(
                Text(f"  … and {_plural(hidden, 'more finding')} (use -v or --format json)", style="italic")
            )
        console.print()

    if not result.files:
        console.print("No files scanned.")
        dangling = True
    elif listed == 0:
        console.print("No findings.")
        dangling = True
    if dangling:
        console.print()

    errors = sorted(_plain(safe_text(e)) for e in result.errors)
    if errors:
        console.print(Text(f"{_plural(len(errors), 'scan error')}:", style="bold red"))
        for error in errors:
            console.print(Text(f"  {error}", style="red"))
        console.print()

    console.print(_summary_table(result))
    counts = result.counts
    total = (
        f"{_plural(len(result.files), 'file')} scanned in {_seconds(result.seconds):.2f}s: "
        f"{counts[Verdict.PASS]} pass, {counts[Verdict.REVIEW]} review, {counts[Verdict.FAIL]} fail"
    )
    if errors:
        total += f"; {_plural(len(errors), 'scan error')}"
    console.print(Text(total, style="bold"))
