"""The library entry point: ``scan(paths, config) -> ScanResult``. The CLI is a thin layer over this.

Data flow: discover -> (file, kind) -> loader -> analysed table / text -> the rules for that shape ->
findings -> verdict per file. Every file gets a result: a file that cannot be read, or a kind without
a reader or rules yet, gets a FIL001 review finding (fail closed), and the scan goes on.

Kinds with a registered format reader (:mod:`scanner.formats`; today the archives) are containers: each
member is classified like a file and scanned by the same path (nested archives recursively), under the
display path ``export/a.zip!dir/b.csv``; its findings are located in the archive on disk with
``Location.member`` set. The archive's limits (FIL003 options) are one budget for the archive on disk and
everything nested in it.

Content hash: a file of at most ``HEAD_SIZE`` bytes is hashed on discovery's read; a larger one gets one
sequential hashing pass here (the loaders take paths and read on their own); an archive is hashed on the
archive reader's pass and each member while it is decompressed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from scanner import __version__, formats, masking
from scanner.config import Config, load_config
from scanner.delivery import delivery_findings, link_delivery, linkable, with_findings
from scanner.discover import HEAD_SIZE, DiscoveredFile, DiscoveryError, FileKind, classify_content, discover
from scanner.engine import judge, rules_for
from scanner.findings import VERDICT_ORDER, FileResult, Finding, ScanResult, Severity
from scanner.formats import ArchiveLimits, Budget, Member, Problem, ProblemKind, ReadContext
from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import LoadError, TabularSource
from scanner.pid_scan import IdentifierScan
from scanner.rules.context import FileFacts
from scanner.rules.registry import RuleSpec, Shape
from scanner.sources import FileView, Source, SourceRef, hash_file, shared_view

if TYPE_CHECKING:
    from scanner.loaders.printouts import LogPart
    from scanner.loaders.texttables import Differenced, TextTable
    from scanner.table_model import TableModel
    from scanner.tables.compute import TableSpec
    from scanner.tables.model import TableResult

__all__ = ["DiscoveryError", "Progress", "ScanError", "analyse_table", "scan", "scan_entry", "scan_file", "table"]

log = logging.getLogger(__name__)

# Below this many bytes in total, and fewer files than PARALLEL_MIN_FILES, a scan runs in this process:
# starting a worker process (it imports polars and pyarrow and loads Numba, about a second) costs more
# than it saves. A small file costs about 8 ms whatever its size, so many small files repay the workers
# as a few large ones do: 1,000 small tables took 7.8 s in this process and 5.0 s in two workers (2 cores).
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
PARALLEL_MIN_FILES = 250

# Kinds read as tables: those the format registry has a table reader for (CSV, Parquet, SAS/Stata/SPSS).
_TABULAR = formats.table_kinds()
# Mapped once while scanned: our readers (text, logs, programs, CSV, Parquet, the transport-file check) and
# the content hash read the mapping. ReadStat (SAS, Stata, SPSS) takes a path and reads the file itself.
_MAPPED = frozenset({FileKind.TEXT, FileKind.LOG, FileKind.CODE, *_TABULAR})


class Progress(Protocol):
    """Receives scan progress (the CLI draws a bar on stderr with it)."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, result: FileResult) -> None: ...


class ScanError(Exception):
    """The scan as a whole cannot run (no files found, bad arguments)."""


def _open_tabular(entry: DiscoveredFile) -> TabularSource:
    """The rows of a table file, opened by the reader the format registry has for its kind."""
    source = Source(SourceRef(entry.relpath), path=Path(entry.path), size=entry.size)
    return formats.table_part(source, entry.kind).rows()


#: Nested result files larger than this are not searched for tables (FIL001 review stays).
_NESTED_MAX_BYTES = 32 << 20


def _nested_findings(entry: DiscoveredFile, config: Config, key: bytes) -> tuple[list[Finding], bool]:
    """The table rules over the tables inside a nested JSON, YAML or TOML file, and whether every number of the
    file is in one of them. A file that does not parse (or is not UTF-8) gives nothing."""
    import json

    from scanner.loaders.nested import nested_tables, parse_nested
    from scanner.loaders.texttables import TextTableSource

    rules = rules_for(config, Shape.TABLE)
    if entry.size > _NESTED_MAX_BYTES:
        return [], False
    suffix = Path(entry.path).suffix.lower()
    try:
        from scanner.sources import open_file

        # (the file's shared mapping while it is scanned: its bytes are not read from disk again)
        with open_file(entry.path) as fh:
            text = fh.read().decode("utf-8-sig")
        obj = json.loads(text) if entry.kind is FileKind.JSON else parse_nested(text, suffix)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return [], False
    found = nested_tables(obj)
    findings: list[Finding] = []
    if not rules:
        return findings, found.complete  # (no table rule to judge them: whether every number is in a table)

    def placed(f: Finding, k: int) -> Finding:
        # (the table's place by its number: the keys above it may be labels, which a report must not show)
        return dataclasses.replace(f, location=dataclasses.replace(f.location, line=None,
                                                                   element=f"nested table {k + 1}"))

    for k, (_path, table) in enumerate(found.tables):
        model = analyse_table(TextTableSource(Path(entry.path), table), config)
        findings.extend(placed(f, k) for f in judge(model, rules, config, entry.relpath, key))
    tables = [t for _, t in found.tables]
    paths = [p.replace("_", " ") for p, _ in found.tables]
    small = [s for s in rules if s.code == "TAB001"]
    suppression = [s for s in rules if s.code == "TAB004"]
    if len(tables) > 1:
        from scanner.loaders.texttables import linked_tables

        # the tables of one file read side by side, as in a note: a group's table beside all's, a margin
        # another table publishes
        for d, f in linked_group_findings(tables, paths, small, config, entry.relpath, key, Path(entry.path)) \
                if small else ():
            findings.append(placed(f, d.k))
        for k, _, linked in linked_tables(tables, paths) if suppression else ():
            model = analyse_table(TextTableSource(Path(entry.path), linked), config)
            findings.extend(placed(f, k) for f in judge(model, suppression, config, entry.relpath, key)
                            if f.severity >= Severity.BLOCK)
    return findings, found.complete


def _identifier_findings(entry: DiscoveredFile, config: Config, key: bytes, scan: IdentifierScan,
                         facts: FileFacts) -> list[Finding]:
    findings: list[Finding] = []
    findings.extend(judge(scan, rules_for(config, Shape.IDENTIFIERS), config, entry.relpath, key))
    facts.problems.extend(scan.incomplete)
    return findings


def _wants_identifiers(config: Config) -> bool:
    return bool(rules_for(config, Shape.IDENTIFIERS))


def analyse_table(source: TabularSource, config: Config) -> TableModel:
    """The table analysis of ``source`` with the configured options (one place for every table part)."""
    from scanner.table_model import analyse

    mic = config.options("MIC001")
    tab = config.options("TAB001")
    return analyse(
        source,
        sample_rows=config.scan.sample_rows,
        suppression_markers=config.profile.suppression_markers,
        count_words=tab.count_words,
        not_count_words=tab.not_count_words,
        min_rows=mic.min_rows,
        repeated_key_share=mic.repeated_key_share,
        duplicate_row_share=mic.duplicate_row_share,
    )


def _scan_table(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                threads: int) -> list[Finding]:
    try:
        source = _open_tabular(entry)
    except LoadError as exc:
        # The table cannot be parsed (FIL001 says why); its bytes can still be searched for identifiers.
        if entry.kind in (FileKind.CSV, FileKind.JSON, FileKind.XML):
            found = _scan_text_identifiers(entry, config, key, facts, threads)
            complete = False
            if entry.kind is FileKind.JSON:
                # a nested results file: the tables inside it (all its numbers read: fully inspected)
                nested, complete = _nested_findings(entry, config, key)
                found.extend(nested)
            if complete:
                return found
            raise _PartialLoad(exc.reason, found) from None
        raise
    ids = shared = None
    if _wants_identifiers(config):
        from scanner.loaders.base import SharedStream
        from scanner.pid_scan import TableIdentifierScanner

        # One parse of the file: the analysis reads its sample from the stream the identifier scan reads
        # to the end (every value of every column through the identifier kernels).
        ids = TableIdentifierScanner(config.profile.countries)
        # A worker thread pays off only over many batches.
        background = threads > 1 and entry.size >= _BACKGROUND_BYTES
        source = shared = SharedStream(source, ids.update, background=background)
    try:
        table = analyse_table(source, config)
        findings: list[Finding] = []
        findings.extend(judge(table, rules_for(config, Shape.TABLE), config, entry.relpath, key))
        findings.extend(_table_models(table, config, entry.relpath, key))
        if shared is not None:
            shared.finish()
    finally:
        if shared is not None:
            shared.close()
    if ids is not None:
        scan = ids.finish()
        if entry.kind is FileKind.CSV:
            # The raw bytes too: a number's name can sit in the neighbouring cell ("pnr;8803200016") or a
            # title line, which the column scan cannot see. Kinds the columns already showed are not
            # reported twice.
            from scanner.pid_scan import scan_text_file

            # Numbers the column scan read as times (a grid of Unix timestamps) are not reported again.
            raw = scan_text_file(entry.path, config.profile.countries, threads=threads, ignore=scan.cleared)
            seen = {d.kind.code for d in scan.detections}
            scan.detections.extend(d for d in raw.detections if d.kind.code not in seen)
        findings.extend(_identifier_findings(entry, config, key, scan, facts))
    incomplete = list(source.incomplete())
    if entry.kind is FileKind.JSON and incomplete:
        # records with nested fields ("estimater": a list of records per model): the tables inside them, and
        # when they hold every number of the file it was fully inspected
        nested, complete = _nested_findings(entry, config, key)
        if complete:
            findings.extend(nested)
            incomplete = [p for p in incomplete if not p.endswith("nested field(s) (objects or arrays) not inspected")]
    facts.problems.extend(incomplete)
    if entry.kind is FileKind.CSV and entry.size <= _TABLES_IN_TEXT_BYTES and table.sample_complete:
        # the notes above and under the table ("Anm.: ... exkluderar 1 person", "a) Based on 2 firms."): read as
        # a note's sentences are
        if table.meta.title.strip():
            findings.extend(_prose_findings(table.meta.title, 1, entry, config, key))
        footer = str(getattr(source, "footer_text", "") or "")
        if footer.strip():
            findings.extend(_prose_findings(footer, table.meta.data_line + table.n_sample_rows, entry, config, key))
        # (a note padded with the table's delimiters is a row: "Anm.: Én virksomhed tegner sig for 91 %;;")
        from scanner.analysis.published_cells import note_rows

        for row, text in note_rows(table):
            findings.extend(_prose_findings(text, table.meta.data_line + row, entry, config, key))
    if not table.columns:
        facts.problems.append("no columns could be read")
    if entry.kind is FileKind.CSV and len(table.columns) == 1 and entry.size <= _TABLES_IN_TEXT_BYTES \
            and any("no delimiter found" in n for n in table.meta.notes):
        # No delimiter splits the whole file: it may hold several tables of different widths (a table by
        # sex, then one by sex and region): each block of lines with a delimiter is read as a table of its own
        from scanner.loaders.text import iter_text

        for chunk in iter_text(entry.path):
            findings.extend(_prose_findings(chunk.text, chunk.first_line, entry, config, key))
    return findings


# Formats sdcscan does not read, by their first bytes: named in the review so a person knows what it is.
_BINARY_MAGIC = (
    (b"Rar!\x1a\x07", "RAR archives"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archives"), (b"\x93NUMPY", "NumPy arrays (.npy)"),
    (b"\x00\x01\x00\x00Standard Jet DB", "Microsoft Access databases"),
    (b"\x00\x01\x00\x00Standard ACE DB", "Microsoft Access databases"), (b"\x89HDF\r\n\x1a\n", "HDF5 files"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office (OLE2) files"),
    (b"\x28\xb5\x2f\xfd", "Zstandard-compressed files"),
    (b"\x04\x22\x4d\x18", "LZ4-compressed files"), (b"RDX", "R data files"), (b"RDA", "R data files"),
)  # fmt: skip


def _binary_format(entry: DiscoveredFile) -> str:
    """The format of a file no reader reads, from its first bytes (or what makes it binary: NUL bytes in text,
    a Python pickle), or ""."""
    try:
        with open(entry.path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return ""
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            return name
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "Python pickles (never unpickled: that runs code)"
    if head[:1] in (b"\x03", b"\x83", b"\x8b", b"\x30", b"\x31", b"\xf5") and entry.path.suffix.lower() == ".dbf":
        return "dBase tables (.dbf)"
    rest = head.replace(b"\x00", b"")
    if b"\x00" in head and rest and sum(1 for b in rest if b in (9, 10, 13) or 32 <= b < 127 or b >= 0xA0) \
            >= 0.95 * len(rest):
        return "text with NUL bytes (or in an encoding without a byte-order mark, such as UTF-16)"
    return ""


#: Extensions of formats whose files are never empty: a 0-byte file with one of them is a broken file.
_NEVER_EMPTY = frozenset({
    ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".docx", ".docm", ".doc", ".odt", ".rtf", ".pptx", ".ppt", ".odp",
    ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".7z", ".rar", ".parquet", ".feather", ".arrow",
    ".sas7bdat", ".xpt", ".dta", ".sav", ".por", ".rds", ".rdata", ".rda", ".sqlite", ".db", ".duckdb", ".h5",
    ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".svg", ".eps", ".ps", ".gph", ".ipynb",
})  # fmt: skip

#: A "CSV" file that no delimiter splits is read for tables in its text up to this size.
_TABLES_IN_TEXT_BYTES = 16 << 20


class _PartialLoad(Exception):
    """A file whose loader failed, but whose bytes were still scanned: carries those findings."""

    def __init__(self, reason: str, findings: list[Finding]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.findings = findings


def _scan_text_identifiers(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                           threads: int, *, typed: str = "") -> list[Finding]:
    if not _wants_identifiers(config):
        return []
    from scanner.pid_scan import scan_text_file

    try:
        scan = scan_text_file(entry.path, config.profile.countries, threads=threads)
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    if typed:
        # A person number in its standard form in a program or its log ("210196-2264" in a PROC FORMAT, a dict
        # of constants, an echoed condition, a printed value) is a person's number, however few: block, as a
        # key compared with a literal is
        from scanner.pid_scan import typed_in

        scan.detections[:] = typed_in(scan.detections, typed)
    return _identifier_findings(entry, config, key, scan, facts)


def _scan_text(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts, threads: int) -> list[Finding]:
    findings = _scan_text_identifiers(entry, config, key, facts, threads)
    rules = rules_for(config, Shape.TEXT)
    if rules or rules_for(config, Shape.TABLE) or rules_for(config, Shape.MODEL):
        from scanner.loaders.text import iter_text

        # Text rules see each decoded chunk once (reading every chunk also proves the file decodes); a
        # table pasted into the text (pipe table, aligned columns) gets the table rules of a CSV file.
        for chunk in iter_text(entry.path):
            findings.extend(judge(chunk, rules, config, entry.relpath, key))
            text = chunk.text
            if Path(entry.path).suffix.lower() in _NESTED_SUFFIXES and chunk.first_line == 1:
                # a YAML or TOML results file: the tables in its structure (its lines are settings to the
                # readers of prose below)
                findings.extend(_nested_findings(entry, config, key)[0])
            text = _text_figures(text, entry, config, key, facts, findings)
            if _KNITTED.search(text):
                # knitted Markdown: printed output read as the output of its code chunk, as in a log
                from scanner.loaders.printouts import knitted_outputs

                part, used = knitted_outputs(text, chunk.first_line)
                findings.extend(_judge_printout(part, entry, config, key))
                if used:
                    text = "\n".join("" if chunk.first_line + i in used else line
                                      for i, line in enumerate(text.split("\n")))
            findings.extend(_prose_findings(text, chunk.first_line, entry, config, key))
    return findings


def _text_figures(text: str, entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                  findings: list[Finding]) -> str:
    """The images written into a note's text (Markdown's ![](data:...), an <img> or an inline SVG) judged as
    a document's figures (a raster image goes to a person), and its HTML tables as a document's tables, their
    findings added to ``findings``; the text without them (their base64 and markup are no prose)."""
    lowered = text.lower()
    if "data:image/" not in text and "<svg" not in lowered and "<table" not in lowered:
        return text
    from scanner.document_scan import scan_figures
    from scanner.loaders.html_doc import embedded_images

    content, text = embedded_images(text)
    findings.extend(scan_figures(entry, config, key, facts, analyse_table, content))
    return text


# A fence of knitr's or reprex's printed output: "```" then a line behind "## " or "#> ".
_KNITTED = lazy_compile(r"^\s{0,3}```\s*\n(?:##|#>)(?: |$)", re.M)


#: Text files whose structure is parsed for tables inside it.
_NESTED_SUFFIXES = frozenset({".yaml", ".yml", ".toml"})
#: Configuration files: their "key: value" lines are settings.
_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".json", ".env"})


def _prose_findings(text: str, first_line: int, entry: DiscoveredFile, config: Config, key: bytes) -> list[Finding]:
    """The MODEL and table rules over a note's text (lines numbered from ``first_line``): model sizes,
    tables pasted into it, group sizes and counts of units written in its sentences."""
    from scanner.loaders.prose import (
        designation_list,
        dominance_in_prose,
        extremes_in_prose,
        flowchart_steps,
        frequency_missing,
        group_sizes_in_prose,
        key_list,
        listed_counts,
        parallel_counts,
        rates_in_prose,
        shares_in_prose,
        units_in_prose,
        without_emphasis,
    )
    from scanner.loaders.texttables import TextTableSource, caption_below, find_tables, title_above

    table_rules = rules_for(config, Shape.TABLE)
    findings = _model_findings(text, first_line, rules_for(config, Shape.MODEL), config, entry.relpath, key)
    if not table_rules:
        return findings
    found_tables = list(find_tables(text, first_line))
    if "vega" in text:
        from scanner.formats.json_records import fenced_chart_tables
        from scanner.loaders.texttables import TextTable

        # a Vega-Lite chart written into a markdown or Quarto text: its inline records are a table
        found_tables += [TextTable(names, rows, line, "vega", tuple(line for _ in rows))
                         for line, names, rows in fenced_chart_tables(text, first_line)]
    in_tables = {n for t in found_tables for n in (t.lines or range(t.data_line, t.data_line + len(t.rows)))}
    # (in a configuration file "n: 2" is a setting, the dominance rule's n, not a group's size)
    settings = Path(entry.path).suffix.lower() in _CONFIG_SUFFIXES
    # (the sentences as read, without markdown's emphasis: "kun **to** firmaer" is "kun to firmaer")
    text = without_emphasis(text)
    for prose in (None if settings else group_sizes_in_prose(text, first_line, in_tables, config.profile.threshold),
                  units_in_prose(text, first_line, in_tables, config.profile.threshold),
                  None if settings else shares_in_prose(text, first_line, in_tables, config.profile.threshold),
                  dominance_in_prose(text, first_line), flowchart_steps(text, first_line, config.profile.threshold),
                  frequency_missing(text, first_line), key_list(text, first_line),
                  designation_list(text, first_line),
                  None if settings else extremes_in_prose(text, first_line),
                  None if settings else listed_counts(text, first_line, in_tables, config.profile.threshold),
                  None if settings else parallel_counts(text, first_line, in_tables, config.profile.threshold),
                  None if settings else rates_in_prose(text, first_line, config.profile.threshold)):
        if prose is not None:
            found_tables.append(prose)
    captions: list[str] = []  # the tables' titles (or captions below them), in order, for linking them below
    named: list[str] = []  # the same for every table found (a sentence's counts have none)
    framed: list[tuple[str, str]] = []  # each table's title and footer
    for found in found_tables:
        prose = found.kind.startswith("prose")
        title = title_above(text, first_line, found) if not prose else ""
        footer = caption_below(text, first_line, found) if not prose else ""
        named.append(title or footer)
        framed.append((title, footer))
        if not prose:
            captions.append(title or footer)
        table = analyse_table(TextTableSource(Path(entry.path), found, title=title, footer=footer), config)
        judged = judge(table, table_rules, config, entry.relpath, key)
        findings.extend(_at_row_lines(judged, found.lines) if found.lines else _at_lines(judged, found.data_line))
    small = [s for s in table_rules if s.code == "TAB001"]
    tables = [t for t in found_tables if not t.kind.startswith("prose")]
    if small and len(tables) > 1:
        for d, f in linked_group_findings(tables, captions, small, config, entry.relpath, key, Path(entry.path)):
            findings.extend(_at_row_lines([f], d.table.lines) if d.table.lines else _at_lines([f], d.table.data_line))
    suppression = [s for s in table_rules if s.code == "TAB004"]
    if suppression and len(found_tables) > 1:
        from scanner.loaders.texttables import linked_tables

        # a suppressed cell that another table of the file gives away (its row's or column's total)
        for k, _, found in linked_tables(found_tables, named):
            # (with the table's own title: "Nettoomsättning (mnkr)" says its cells are amounts, of which an
            # exact recomputation is a disclosure whatever its size)
            title, footer = framed[k]
            table = analyse_table(TextTableSource(Path(entry.path), found, title=title, footer=footer), config)
            # (only cells recomputed as small counts: another table's margin may be of other units)
            judged = [f for f in judge(table, suppression, config, entry.relpath, key) if f.severity >= Severity.BLOCK]
            findings.extend(_at_row_lines(judged, found.lines) if found.lines else
                            _at_lines(judged, found.data_line))
    return findings


def linked_group_findings(tables: Sequence[TextTable], captions: Sequence[str], small: list[RuleSpec], config: Config,
                          relpath: str, key: bytes, path: Path) -> Iterator[tuple[Differenced, Finding]]:
    """The blocking small-cell findings (``small``: TAB001) that a file's own tables give by subtraction, each
    with the pair it comes from (its rows are those of the pair's table ``k``): a table of one group beside the table of
    all ("... among women, by age" under "... by age", "16–64 år" under "20–64 år": 5 - 3 cases is 2 men), and
    a table that leaves a group out ("... excluding Læsø municipality") beside the table with it."""
    from scanner.loaders.texttables import (
        TextTableSource,
        band_differences,
        band_rows_differences,
        caption_of,
        excluded_differences,
        subgroup_differences,
    )

    linked = [(d, "This table is of one group and another table of the file of all: the difference is the "
                  "other group's count.") for d in subgroup_differences(tables, captions, captions=True)]
    pairs = {(d.k, d.other) for d, _ in linked}
    # (a pair both readings find is one finding: the group's words and the left-out group name one difference)
    linked += [(d, "This table leaves a group out of another table of the file: the difference is that group's "
                   "count.") for d in excluded_differences(tables, [caption_of(c) for c in captions])
               if (d.k, d.other) not in pairs]
    # (two tables of the same units by age bands cut at other bounds: "15-20 år" beside "15-19 år", as rows or as
    # columns: "0–39 år | 40–44 år" beside "0–34 år | 35–49 år")
    linked += [(d, "Two tables of the file count the same units in age bands cut at other bounds: their "
                   "difference is the count of the ages between.")
               for d in (*band_rows_differences(tables, config.profile.threshold),
                         *band_differences(tables, config.profile.threshold))]
    for d, why in linked:
        table = analyse_table(TextTableSource(path, d.table), config)
        for f in judge(table, small, config, relpath, key):
            if f.severity >= Severity.BLOCK:
                yield d, dataclasses.replace(f, message=f"{f.message} {why}")


def _model_findings(text: str, first_line: int, rules: list[RuleSpec], config: Config, relpath: str,
                    key: bytes) -> list[Finding]:
    """The MODEL rules over the model sizes printed in ``text`` (lines numbered from ``first_line``)."""
    if not rules:
        return []
    from scanner.loaders.model_output import model_sizes
    from scanner.rules.models import ModelFacts

    sizes = model_sizes(text, first_line)
    return list(judge(ModelFacts(tuple(sizes)), rules, config, relpath, key)) if sizes else []


#: Rows of a table read for model output (a regression table is short; a table of data is not one).
_MODEL_TABLE_ROWS = 2000


def _table_models(table: TableModel, config: Config, relpath: str, key: bytes) -> list[Finding]:
    """The MODEL rules over a short table's cells as text: a regression table written as CSV (esttab's
    ``"N","6"``, outreg2's tab-separated text)."""
    rules = rules_for(config, Shape.MODEL)
    if not rules or not table.sample_complete or table.n_sample_rows > _MODEL_TABLE_ROWS:
        return []
    import polars as pl

    from scanner.analysis.published_cells import plain_label

    # (dates and times are no part of a model's size, and converting some of them to Python fails)
    names = [n for n, t in table.sample.schema.items() if t.is_numeric() or t == pl.String]
    columns = [table.sample.get_column(n).to_list() for n in names]
    lines = ["\t".join(names)]
    lines.extend("\t".join("" if v is None else str(plain_label(v)) for v in row) for row in zip(*columns, strict=True))
    # (numbered from 0: the header is line 0, data row k line k; findings point at rows)
    return [dataclasses.replace(f, location=dataclasses.replace(f.location, row=f.location.line or None, line=None))
            for f in _model_findings("\n".join(lines), 0, rules, config, relpath, key)]


def _at_lines(findings: Iterable[Finding], data_line: int) -> Iterator[Finding]:
    """Findings of a table found in text point at lines of the file, not at rows of the table."""
    for f in findings:
        if f.location.row is None:
            yield f
            continue
        where = dataclasses.replace(f.location, line=data_line + f.location.row - 1, row=None)
        yield dataclasses.replace(f, location=where)


def _at_row_lines(findings: Iterable[Finding], lines: Sequence[int]) -> Iterator[Finding]:
    """Findings of a table printed in a log point at the line of their row: a printed table's rows are not
    always consecutive lines (stacked percentages, page breaks, one row per cell of a cross-tabulation)."""
    for f in findings:
        if not lines:
            yield f
            continue
        if f.location.row is None:
            # a finding about the whole table (MIC001, TAB005) points at its first row
            yield f if f.location.line is not None else \
                dataclasses.replace(f, location=dataclasses.replace(f.location, line=lines[0]))
            continue
        line = lines[min(max(f.location.row, 1), len(lines)) - 1]
        yield dataclasses.replace(f, location=dataclasses.replace(f.location, line=line, row=None))


def _judge_printout(part: LogPart, entry: DiscoveredFile, config: Config, key: bytes) -> list[Finding]:
    """The rules over one part of a log, a notebook or a program: the CODE rules on its comparisons of keys
    with literals; the LISTING rules (LOG001, COD002) and the table rules on every table read out of it."""
    from scanner.loaders.programs import Origin
    from scanner.loaders.texttables import TextTableSource
    from scanner.rules.code import CodeFacts
    from scanner.rules.logs import ListedPart, is_aggregate
    from scanner.rules.models import ModelFacts
    from scanner.table_model import TableShape

    findings: list[Finding] = []
    if part.comparisons:
        facts = CodeFacts(tuple(part.comparisons))
        findings.extend(judge(facts, rules_for(config, Shape.CODE), config, entry.relpath, key))
    if part.models:
        findings.extend(judge(ModelFacts(tuple(part.models)), rules_for(config, Shape.MODEL), config,
                              entry.relpath, key))
    table_rules = rules_for(config, Shape.TABLE)
    listing_rules = rules_for(config, Shape.LISTING)
    for listed in part.tables:
        table = analyse_table(TextTableSource(Path(entry.path), listed.table), config)
        fact = ListedPart(table, listed.origin, listed.what, listed.lines[0], listed.records)
        findings.extend(judge(fact, listing_rules, config, entry.relpath, key))
        # Data written into code is COD002's; its cells go to the table rules only when a column is named as
        # counts ("n", "antal"): a typed-in table of counts can hold a small cell, toy data has no counts. A
        # listing of rows is a table only when it reads as one (labels and counts) or as microdata (MIC).
        if listed.origin is Origin.EMBEDDED and not any(c.count_named for c in table.columns):
            continue
        if listed.origin is Origin.LISTING and (listed.records == "observations" or not (
                is_aggregate(table) or table.shape is TableShape.MICRODATA)):
            continue  # (a model's statistics per observation are records, LOG001's, not cells)
        findings.extend(_at_row_lines(judge(table, table_rules, config, entry.relpath, key), listed.lines))
    return findings


def _selected_differences(kept: Sequence[Any], entry: DiscoveredFile, config: Config, key: bytes) -> list[Finding]:
    """The small counts a log's table of the rows meeting a condition gives beside its table of all rows of the
    same variables (TAB001, blocking findings only), at the lines of the subset's rows."""
    from scanner.loaders.printouts import selected_differences
    from scanner.loaders.texttables import TextTableSource

    small = [s for s in rules_for(config, Shape.TABLE) if s.code == "TAB001"]
    findings: list[Finding] = []
    for sub, _whole, found in selected_differences(kept) if small else []:
        table = analyse_table(TextTableSource(Path(entry.path), found), config)
        judged = [dataclasses.replace(f, message=f"{f.message} This table is of the rows meeting a condition and "
                                                 "another table of the log is of all of them: the difference is "
                                                 "the other rows' count.")
                  for f in judge(table, small, config, entry.relpath, key) if f.severity >= Severity.BLOCK]
        findings.extend(_at_row_lines(judged, sub.lines))
    return findings


def _printout_wants(config: Config) -> tuple[bool, bool, bool]:
    """Whether any enabled rule reads code comparisons, printed tables, and data written into code."""
    listing = bool(rules_for(config, Shape.LISTING))
    printed = listing or bool(rules_for(config, Shape.TABLE)) or bool(rules_for(config, Shape.MODEL))
    return bool(rules_for(config, Shape.CODE)), printed, listing


def _rendered_notebook(entry: DiscoveredFile) -> bool:
    """HTML rendered from a notebook or report (knitr, Quarto, Jupyter nbconvert): read as a log."""
    if entry.kind is not FileKind.HTML:
        return False  # (the printout reader is imported only for HTML)
    from scanner.loaders.printouts import is_rendered_notebook_file

    return is_rendered_notebook_file(Path(entry.path))


def _scan_log(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts, threads: int) -> list[Finding]:
    """A log or listing (SAS, Stata, R, Python, SPSS) or a rendered notebook (HTML): identifiers in its bytes,
    then its echoed code and printed tables (:mod:`scanner.loaders.printouts`), judged part by part
    (bounded memory)."""
    findings = _scan_text_identifiers(entry, config, key, facts, threads, typed="in a log or listing")
    code, tables, embedded = _printout_wants(config)
    html = entry.kind is FileKind.HTML
    # A rendered notebook is always opened: a figure in it, or HTML that does not parse, is a FIL001 problem.
    if not (code or tables or html):
        return findings
    from scanner.loaders.printouts import (
        LINK_MAX_ROWS,
        LINK_MAX_TABLES,
        LogPart,
        linked_shares,
        read_log,
        read_rendered_html,
    )

    try:
        parts: Iterable[LogPart] = (
            read_rendered_html(Path(entry.path), threads=threads, code=code, tables=tables, embedded=embedded,
                               figures_read=True)
            if html else read_log(Path(entry.path), threads=threads, code=code, tables=tables, embedded=embedded,
                                  name=Path(entry.relpath).name))
        kept: list[Any] = []  # small tables, to link shares with the sizes another table prints
        for part in parts:
            findings.extend(_judge_printout(part, entry, config, key))
            if part.prose:
                # a rendered report's text: "endast två patienter" as in a note
                findings.extend(_prose_findings(part.prose, 1, entry, config, key))
            facts.problems.extend(part.problems)
            if len(kept) < LINK_MAX_TABLES:
                kept.extend(t for t in part.tables if len(t.table.rows) <= LINK_MAX_ROWS)
        linked = linked_shares(kept[:LINK_MAX_TABLES]) if tables else []
        if linked:
            findings.extend(_judge_printout(LogPart(linked, [], []), entry, config, key))
        if tables:
            findings.extend(_selected_differences(kept[:LINK_MAX_TABLES], entry, config, key))
        if html:
            # its figures (plotly charts and their data, inline SVGs, pictures, widgets) as a document's
            from scanner.document_scan import scan_document_figures

            findings.extend(scan_document_figures(entry, config, key, facts, analyse_table))
    except LoadError as exc:
        raise _PartialLoad(exc.reason, findings) from None
    return findings


# A program's comments: /* ... */ blocks, and "//", "#" or "--" to the end of a line, or a line that starts
# with "*" (SAS and Stata comment statements). Hand-written: no library reads every statistics language's
# comments, and only their words are wanted here (the code is COD001's).
_COMMENT = lazy_compile(r"/\*.*?\*/|(?://|#|--)[^\n]*|^[ \t]*\*[^\n]*", re.S | re.M)


def _comments_only(text: str) -> str:
    """``text`` with everything but its comments blanked (line breaks kept, so line numbers stay right)."""
    out = []
    pos = 0
    for m in _COMMENT.finditer(text):
        out.append(re.sub(r"[^\n]", " ", text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(re.sub(r"[^\n]", " ", text[pos:]))
    return "".join(out)


#: Programs up to this size are read again as text for keys named in their comments (programs are small; a
#: generated one of many megabytes is code, not notes).
_MAX_PROGRAM_TEXT_BYTES = 8 << 20


def _scan_code(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts, threads: int) -> list[Finding]:
    """A program (SAS, Stata, R, Python, SPSS, SQL; others by their operators) or a Jupyter notebook:
    identifiers in its bytes, keys compared with literals, data written into it; a notebook's outputs as
    printed output (:mod:`scanner.loaders.programs`, :mod:`scanner.loaders.printouts`)."""
    findings = _scan_text_identifiers(entry, config, key, facts, threads, typed="typed into a program")
    code, tables, embedded = _printout_wants(config)
    notebook = entry.relpath.lower().endswith(".ipynb")
    literate = entry.relpath.lower().endswith((".rmd", ".qmd")) and entry.size <= _MAX_LITERATE_BYTES
    # A notebook is always opened: a figure in it, or JSON that does not parse, is a FIL001 problem.
    if not (code or tables or notebook):
        return findings
    from scanner.loaders.printouts import LogPart, read_notebook
    from scanner.loaders.programs import language_of, read_program

    try:
        if notebook:
            parts: Iterable[LogPart] = read_notebook(Path(entry.path), threads=threads, code=code, tables=tables,
                                                     embedded=embedded)
        elif literate:
            parts = _literate_parts(entry, config, key, findings, facts, threads=threads, code=code,
                                    embedded=embedded)
        else:
            program = read_program(Path(entry.path), language_of(entry.relpath), threads=threads, comparisons=code,
                                   embedded=embedded)
            parts = [LogPart(program.tables, program.comparisons, program.problems)]
        for part in parts:
            findings.extend(_judge_printout(part, entry, config, key))
            if part.prose:
                # a rendered report's text: "endast två patienter" as in a note
                findings.extend(_prose_findings(part.prose, 1, entry, config, key))
            facts.problems.extend(part.problems)
        if notebook and tables and entry.size <= _MAX_LITERATE_BYTES:
            # the markdown cells are the notebook's prose: "0.9 % of the 212 patients aged 90+" is a count
            markdown = _notebook_markdown(Path(entry.path))
            if markdown.strip():
                findings.extend(_prose_findings(markdown, 1, entry, config, key))
        text_rules = rules_for(config, Shape.TEXT)
        if (text_rules or tables) and not notebook and entry.size <= _MAX_PROGRAM_TEXT_BYTES:
            # keys written out in the program's comments or strings ("* lopnr 104233 og 220415 droppet")
            from scanner.loaders.text import iter_text

            for chunk in iter_text(Path(entry.path)):
                comments = _comments_only(chunk.text)
                if comments.strip():
                    if text_rules:
                        findings.extend(judge(dataclasses.replace(chunk, text=comments, program=True), text_rules,
                                              config, entry.relpath, key))
                    if tables and not literate:
                        # a log's listing pasted into a comment ("* . list LopNr alder if ...") lists observations
                        from scanner.loaders.printouts import pasted_listings

                        pasted = pasted_listings(comments, language_of(entry.relpath), chunk.first_line)
                        if pasted:
                            findings.extend(_judge_printout(LogPart(pasted), entry, config, key))
    except LoadError as exc:
        raise _PartialLoad(exc.reason, findings) from None
    return findings


def _notebook_markdown(path: Path) -> str:
    """The text of a notebook's markdown cells, a blank line between cells; "" when it does not parse (its
    reader reports that)."""
    import json

    try:
        doc = json.loads(path.read_bytes().decode("utf-8", errors="replace"))
    except (OSError, ValueError):
        return ""
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        return ""
    out = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source")
            out.append("".join(source) if isinstance(source, list) else str(source or ""))
    return "\n\n".join(out)


#: R Markdown and Quarto documents up to this size are read chunk by chunk in each chunk's language (larger
#: ones, rare, are read whole as R).
_MAX_LITERATE_BYTES = 64 << 20


def _literate_parts(entry: DiscoveredFile, config: Config, key: bytes, findings: list[Finding], facts: FileFacts,
                    *, threads: int, code: bool, embedded: bool) -> list[LogPart]:
    """An R Markdown or Quarto document: each code chunk read as a program of its engine's language (a
    ``{python}`` chunk's ``df.pnr.isin([...])``), its prose by the rules of a text note (added to
    ``findings``: sentences and tables in the text)."""
    from scanner.loaders.printouts import LogPart
    from scanner.loaders.programs import language_of, literate_chunks, read_program
    from scanner.loaders.text import iter_text

    text = "".join(chunk.text for chunk in iter_text(entry.path))
    chunks, prose = literate_chunks(text)
    if not chunks:  # no fenced chunks: the whole file as the extension's language, as any program
        chunks = [(language_of(entry.relpath), 1, text)]
    parts = []
    for language, line, body in chunks:
        program = read_program(Path(entry.path), language, threads=threads, comparisons=code, embedded=embedded,
                               text=body, first_line=line)
        parts.append(LogPart(program.tables, program.comparisons, program.problems))
    prose = _text_figures(prose, entry, config, key, facts, findings)
    findings.extend(_prose_findings(prose, 1, entry, config, key))
    return parts


def _scan_workbook(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                   members: EmbeddedFiles | None) -> list[Finding]:
    """Every sheet's tables through the table and identifier rules, the package's hidden parts through
    the DOC rules (see :mod:`scanner.workbook_scan`); embedded files go to ``members`` when it is a list."""
    from scanner.workbook_scan import scan_workbook

    return scan_workbook(entry, config, key, facts, analyse_table, members)


def _scan_document(entry: DiscoveredFile, config: Config, key: bytes, facts: FileFacts,
                   members: EmbeddedFiles | None) -> list[Finding]:
    """Documents and figures: text, tables, hidden content, attachments, marks and carried data (see
    :mod:`scanner.document_scan`); embedded files go to ``members`` when it is a list."""
    from scanner.document_scan import scan_document

    findings = scan_document(entry, config, key, facts, analyse_table, members)
    if entry.kind in (FileKind.SVG, FileKind.HTML) and entry.size <= _MARKUP_ID_BYTES and _wants_identifiers(config):
        # markup's words, read as a text file's: a person number in a figure's title, an XML comment or a
        # tooltip; kinds the document's own reading found are not reported twice
        from scanner.pid_scan import IdentifierScan, scan_names
        from scanner.sources import open_file

        try:
            with open_file(entry.path) as fh:  # (the file's shared mapping while it is scanned: no second read)
                raw = fh.read().decode("utf-8", errors="replace")
        except OSError as exc:
            raise LoadError(f"cannot read file ({type(exc).__name__})") from None
        scan = IdentifierScan()
        scan.detections.extend(scan_names(markup_words(raw).split("\n"), config.profile.countries))
        seen = {f.rule for f in findings}
        findings.extend(f for f in _identifier_findings(entry, config, key, scan, facts) if f.rule not in seen)
    return findings


#: SVG and HTML files up to this size have their words searched for identifiers as text too.
_MARKUP_ID_BYTES = 16 << 20
# Markup's parts that hold no words: scripts and styles, and every tag but the attributes people read (a
# tooltip's "title", an image's "alt", "aria-label"); ids, paths and coordinates are drawing, where ten
# digits in a row (matplotlib's clip-path ids) are no person's number.
_MARKUP_CODE = lazy_compile(r"(?is)<(script|style)\b.*?</\1\s*>")
_MARKUP_TAG = lazy_compile(r"(?s)<(?!!--)[^>]*>")
_READ_ATTRIBUTE = lazy_compile(r"(?is)\b(?:title|alt|aria-label|label|desc|placeholder)\s*=\s*(\"[^\"]*\"|'[^']*')")


def markup_words(text: str) -> str:
    """The words of an SVG or HTML text, on their lines: text, comments and the attributes a reader sees (a
    tooltip, an image's alt text); scripts, styles and every other part of a tag blanked (its line breaks
    kept, so lines stay the file's)."""
    def blank(m: re.Match[str]) -> str:
        return "\n" * m.group(0).count("\n")

    def tag(m: re.Match[str]) -> str:
        said = " ".join(a.group(1)[1:-1] for a in _READ_ATTRIBUTE.finditer(m.group(0)))
        return f" {said} " + "\n" * m.group(0).count("\n")

    return _MARKUP_TAG.sub(tag, _MARKUP_CODE.sub(blank, text))


# --- which scan reads which kind -------------------------------------------------------------------

_Scan = Callable[[DiscoveredFile, Config, bytes, FileFacts, int, "EmbeddedFiles | None"], list[Finding]]


@dataclasses.dataclass(frozen=True, slots=True)
class _Handler:
    """How the engine scans the files of some kinds: one registration per file family, in one table.

    ``embeds``: files of these kinds can carry other files (a workbook in a Word report, a PDF's
    attachment), collected by an :class:`EmbeddedFiles` and scanned as members of their own.
    ``members``: an embedded file or archive member of these kinds is read in full by this handler, so it
    is taken as a member (otherwise its container's DOC003 says a person must open it).
    """

    name: str
    kinds: frozenset[FileKind]
    scan: _Scan
    embeds: bool = False
    members: bool = True
    tables: bool = False  # its files' content is tables (ACRO's "table" outputs)


def _simple(fn: Callable[[DiscoveredFile, Config, bytes, FileFacts, int], list[Finding]]) -> _Scan:
    return lambda entry, config, key, facts, threads, _embedded: fn(entry, config, key, facts, threads)


def _with_embedded(fn: Callable[[DiscoveredFile, Config, bytes, FileFacts, EmbeddedFiles | None], list[Finding]]
                   ) -> _Scan:
    return lambda entry, config, key, facts, _threads, embedded: fn(entry, config, key, facts, embedded)


_DOCUMENT_KINDS = frozenset({FileKind.DOCX, FileKind.PPTX, FileKind.ODT, FileKind.ODP, FileKind.PDF, FileKind.HTML,
                             FileKind.RTF, FileKind.SVG, FileKind.PNG, FileKind.JPEG, FileKind.GIF, FileKind.TIFF,
                             FileKind.BMP, FileKind.WEBP, FileKind.STATA_GRAPH})
_HANDLERS: tuple[_Handler, ...] = (
    _Handler("table", frozenset(_TABULAR), _simple(_scan_table), tables=True),
    _Handler("text", frozenset({FileKind.TEXT}), _simple(_scan_text)),
    _Handler("log", frozenset({FileKind.LOG}), _simple(_scan_log)),
    _Handler("code", frozenset({FileKind.CODE}), _simple(_scan_code)),
    # Workbooks (scanner.workbook_scan): .xlsx/.xlsm and .ods are read in full; .xls and .xlsb are read for
    # their cells only (no package structure), and an encrypted Office container not at all.
    _Handler("workbook", frozenset({FileKind.XLSX, FileKind.ODS}), _with_embedded(_scan_workbook), embeds=True,
             tables=True),
    _Handler("workbook (cells only)", frozenset({FileKind.XLS, FileKind.XLSB}),
             _with_embedded(_scan_workbook), embeds=True, members=False, tables=True),
    _Handler("encrypted workbook", frozenset({FileKind.OLE_ENCRYPTED}), _with_embedded(_scan_workbook), embeds=True,
             members=False),
    # Documents and figures (scanner.document_scan, imported only when one is scanned).
    _Handler("document", _DOCUMENT_KINDS, _with_embedded(_scan_document), embeds=True),
)
_BY_KIND: dict[FileKind, _Handler] = {kind: h for h in _HANDLERS for kind in h.kinds}
_LOG_HANDLER = next(h for h in _HANDLERS if h.name == "log")


def table_kinds() -> frozenset[FileKind]:
    """The kinds whose content is read as tables: the table readers' (registered formats) and workbooks'."""
    return frozenset(kind for h in _HANDLERS if h.tables for kind in h.kinds)


def _handler_for(entry: DiscoveredFile) -> _Handler | None:
    """The handler of ``entry``'s kind; HTML rendered from a notebook is read as the log it is."""
    if _rendered_notebook(entry):
        return _LOG_HANDLER
    return _BY_KIND.get(entry.kind)


def _read_kinds() -> frozenset[FileKind]:
    """Kinds an embedded file is scanned as a member for: those a handler reads in full, and containers."""
    read = {kind for h in _HANDLERS if h.members for kind in h.kinds}
    return frozenset(read | {kind for spec in formats.readers() for kind in spec.kinds})


def _hash_of(entry: DiscoveredFile, view: FileView | None = None) -> str | None:
    """The file's content hash: from discovery for a small file (its head was the whole file), from the
    file's shared mapping while it is scanned (the bytes the readers read), else a sequential pass of its
    own (files read by libraries that take a path: SAS, Stata, SPSS, workbooks, documents)."""
    if entry.hash is not None or entry.error:
        return entry.hash
    if view is not None:
        return view.digest()
    try:
        return hash_file(entry.path)
    except OSError:
        return None  # the reader meets the same error and reports it (FIL001)


def _scan_one(entry: DiscoveredFile, config: Config, key: bytes, threads: int,
              problems: Sequence[Problem] = (), embedded: EmbeddedFiles | None = None) -> FileResult:
    """Scan one file that is not a container (a file on disk, or an archive member's temporary copy).

    ``problems`` are what reading it out of its archive already found (an unsafe member name, say).
    Files our own readers read (text, logs, programs, CSV, Parquet) are mapped once: the encoding check,
    the parser, the raw-byte identifier kernel and the content hash all read that one mapping.
    """
    started = time.perf_counter()
    mapped = not entry.error and entry.kind in _MAPPED and entry.size > HEAD_SIZE
    with shared_view(entry.path) if mapped else contextlib.nullcontext() as view:
        # A large file's hash on a second core while it is read (hashlib releases the GIL), not after.
        hashing = _hash_in_background(entry, view) if threads > 1 else None
        facts = FileFacts(entry.relpath, entry.kind.value, entry.size)
        _add_problems(facts, problems)
        findings: list[Finding] = []
        if entry.error:
            facts.problems.append(entry.error)
        elif entry.kind is FileKind.EMPTY:
            suffix = entry.path.suffix.lower()
            if suffix in _NEVER_EMPTY:
                # an empty text file holds nothing; an empty workbook, PDF or data file is no such file
                facts.problems.append(f"empty (0 bytes), yet named {suffix}: not a valid file of that kind (a "
                                      "failed or unfinished write?)")
        elif entry.size > config.scan.max_table_bytes and entry.kind in _TABULAR:  # loaded whole to be analysed
            facts.problems.append(f"larger than the configured limit of {config.scan.max_table_bytes} bytes")
        else:
            _run_handler(entry, config, key, threads, embedded, facts, findings)
        digest = hashing.result() if hashing is not None else _hash_of(entry, view)
    findings.extend(_named_identifiers(config, key, entry.relpath, [entry.relpath], "in the file's name or path"))
    findings.extend(_file_findings(config, key, facts))
    # (a cell two linked tables give away is reported once; a finding with a list in its location cannot be
    # compared, and then every one is kept: never lose a finding)
    with contextlib.suppress(TypeError):
        findings = list(dict.fromkeys(findings))
    findings = _without_cells_of_records(findings, tabular=entry.kind in _TABULAR
                                         or entry.kind in (FileKind.XLSX, FileKind.ODS, FileKind.XLS))
    findings.sort(key=Finding.sort_key)
    return FileResult(entry.relpath, entry.kind.value, entry.size, tuple(findings),
                      time.perf_counter() - started, hash=digest)


#: Rules that block a table as unit records (a microdata file, a key column, records without an ID, a log's
#: listing of observations, a "table" of mostly ones).
_RECORDS_RULES = frozenset({"MIC001", "MIC002", "MIC003", "LOG001", "TAB005"})
#: Rules whose findings locate a table's cell by its labels.
_CELL_RULES = frozenset({"TAB001", "TAB006"})
#: Labels a printed listing's row has (a person's attributes); a table's cell is named by fewer.
_RECORD_LABELS = 3


def _without_cells_of_records(findings: list[Finding], *, tabular: bool) -> list[Finding]:
    """A table blocked as unit records has no cells: its small "cells" are persons (a 0/1 flag read as counts),
    and their locations would quote each person's attributes (``aar=2019, hf=..., mors_alder=33``) into the
    report. Such findings of the same sheet are left out; the records' own finding says why the file fails. In a
    log, a notebook or a document (``tabular`` false) whose listing of observations is blocked, the cells named
    by three labels or more (a printed row's attributes) are left out."""
    blocked = {(f.location.member, f.location.sheet) for f in findings
               if f.rule in _RECORDS_RULES and f.severity is Severity.BLOCK}
    if not blocked:
        return findings
    if tabular:
        return [f for f in findings if not (f.rule in _CELL_RULES and f.location.cell
                                            and (f.location.member, f.location.sheet) in blocked)]
    return [f for f in findings if not (f.rule in _CELL_RULES and f.location.cell
                                        and len(f.location.cell) >= _RECORD_LABELS)]


def _run_handler(entry: DiscoveredFile, config: Config, key: bytes, threads: int, embedded: EmbeddedFiles | None,
                 facts: FileFacts, findings: list[Finding]) -> None:
    """The file's handler; every problem it meets becomes a reason in ``facts`` (fail closed), never a raise."""
    try:
        handler = _handler_for(entry)
        if handler is None:
            what = _binary_format(entry) if entry.kind is FileKind.BINARY else ""
            facts.problems.append(f"no reader for {what or entry.kind.value + ' files'} yet")
        else:
            findings.extend(handler.scan(entry, config, key, facts, threads, embedded))
    except _PartialLoad as partial:
        findings.extend(partial.findings)
        facts.problems.append(partial.reason)
    except LoadError as exc:
        facts.problems.append(exc.reason)
    except MemoryError:
        facts.problems.append("ran out of memory while reading")
    except Exception as exc:  # fail closed: an unexpected error is a review, not a crash or a pass
        # Only the type: exception messages from parsers can quote the data they choked on.
        log.error("internal error scanning %s: %s", entry.relpath, type(exc).__name__)
        log.debug("where it happened (-vv; the trace can quote data)", exc_info=True)
        facts.problems.append(f"internal error while inspecting ({type(exc).__name__})")


# Files below this size are read and hashed on one thread: a worker thread costs more than it saves.
_BACKGROUND_BYTES = 4 << 20


def _hash_in_background(entry: DiscoveredFile, view: FileView | None) -> Future[str | None] | None:
    """``_hash_of(entry, view)`` on a thread of its own, for a file large enough to be worth one."""
    if entry.hash is not None or entry.error or entry.size < _BACKGROUND_BYTES:
        return None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdcscan-hash")
    try:
        return pool.submit(_hash_of, entry, view)
    finally:
        pool.shutdown(wait=False)  # the thread ends when the hash is done


def _named_identifiers(config: Config, key: bytes, path: str, texts: Sequence[str], where: str) -> list[Finding]:
    """Person and business numbers in a file's name and path (``casereport_091174-3558.docx``, an archive
    member ``cases/<cpr>_timeline.txt``) or in an archive's comments: they leave with the file."""
    specs = rules_for(config, Shape.IDENTIFIERS)
    texts = [t for t in texts if any(ch.isdigit() for ch in t)]
    if not specs or not texts:
        return []
    from scanner.pid_scan import IdentifierScan, scan_names

    scan = IdentifierScan([dataclasses.replace(d, where=where, examples=tuple(
        dataclasses.replace(ex, line=None, row=None) for ex in d.examples))
        for d in scan_names(texts, config.profile.countries)])
    return list(judge(scan, specs, config, path, key)) if scan.detections else []


def _file_findings(config: Config, key: bytes, facts: FileFacts) -> list[Finding]:
    return list(judge(facts, rules_for(config, Shape.FILE), config, facts.path, key))


# --- archives: containers whose members are scanned as files -------------------------------------------


def _add_problems(facts: FileFacts, problems: Iterable[Problem]) -> None:
    """A reader's value-free problems, to the facts the FIL rules read."""
    for p in problems:
        if p.kind is ProblemKind.DAMAGED:
            facts.problems.append(p.reason)  # FIL001
        elif p.kind is ProblemKind.ENCRYPTED:
            facts.encrypted.append(p.reason)  # FIL004
        else:
            facts.limits.append(p.reason)  # FIL003: limits, unsafe names, links


def _archive_limits(config: Config) -> ArchiveLimits:
    o = config.options("FIL003")
    return ArchiveLimits(max_total_bytes=o.max_total_bytes, max_ratio=o.max_ratio,
                         ratio_min_bytes=o.ratio_min_bytes, max_depth=o.max_depth, max_members=o.max_members)


def _scanned_root(entry: DiscoveredFile) -> Path:
    """The root argument the entry was found under (``relpath`` is relative to that root's parent)."""
    parts = Path(entry.relpath).parts
    path = Path(entry.path)
    return path.parents[len(parts) - 2] if len(parts) > 1 else path


def _in_member(findings: Iterable[Finding], ref: SourceRef) -> list[Finding]:
    """Findings made under a member's display path (``export/a.zip!b.csv``, which keys their fingerprint)
    located in the file on disk with the member named: ``path`` ``export/a.zip``, ``member`` ``b.csv``."""
    display = str(ref)
    out = []
    for f in findings:
        if ref.members and f.location.path == display:
            f = dataclasses.replace(f, location=dataclasses.replace(f.location, path=ref.path, member=ref.member))
        out.append(f)
    return out


#: Bytes of an archive's small members kept for the delivery pass over them (each at most
#: :data:`scanner.delivery.LINK_MAX_BYTES`).
_LINK_KEEP_BYTES = 64 << 20


class _ArchiveScan:
    """The scan of one archive on disk and everything nested in it: one budget, one private temporary
    directory (outside the scanned tree, removed afterwards even on error)."""

    def __init__(self, config: Config, key: bytes, threads: int) -> None:
        self.config = config
        self.key = key
        self.threads = threads

    def container(self, source: Source, kind: FileKind, ctx: ReadContext,
                  problems: Sequence[Problem] = ()) -> list[FileResult]:
        """The archive's own result (its verdict includes its members'), then its members' results."""
        started = time.perf_counter()
        ref = source.ref
        facts = FileFacts(str(ref), kind.value, source.size)
        _add_problems(facts, problems)
        members: list[FileResult] = []
        spec = formats.container_reader_for(kind)
        assert spec is not None
        part = None
        names: list[str] = []
        kept: list[tuple[DiscoveredFile, bytes]] = []
        try:
            part = spec.read(source, kind, ctx)
            for member in part.members:
                names.append(member.name)
                members.extend(self.member(member, ref, ctx, kept))
            _add_problems(facts, part.problems)
            members = self.linked(members, kept, ctx)
        except MemoryError:
            facts.problems.append("ran out of memory while reading")
        except Exception as exc:  # fail closed: an unexpected error is a review, not a crash or a pass
            log.error("internal error reading archive %s: %s", ref.path, type(exc).__name__)
            facts.problems.append(f"internal error while reading the archive ({type(exc).__name__})")
        digest = source.digest
        if digest is None and source.path is not None and not ref.members:
            with contextlib.suppress(OSError):
                digest = hash_file(source.path)
        findings = _named_identifiers(self.config, self.key, str(ref), [str(ref)], "in the file's name or path")
        if part is not None:
            findings += _named_identifiers(self.config, self.key, str(ref), part.comments,
                                           "in the archive's comments")
        # one number in each member's name is a review there; many in the archive are a list of keys
        findings += _named_identifiers(self.config, self.key, str(ref), names, "in its members' names")
        findings = _in_member([*findings, *_file_findings(self.config, self.key, facts)], ref)
        findings.sort(key=Finding.sort_key)
        worst = max((m.verdict for m in members), key=VERDICT_ORDER.index, default=None)
        own = FileResult(str(ref), kind.value, source.size, tuple(findings), time.perf_counter() - started,
                         hash=digest, members_verdict=worst)
        return [own, *members]

    def unread(self, ref: SourceRef, kind: FileKind, size: int, problems: Sequence[Problem],
               digest: str | None = None) -> FileResult:
        """The result of a member whose content is not scanned: only the FIL rules speak."""
        started = time.perf_counter()
        facts = FileFacts(str(ref), kind.value, size)
        _add_problems(facts, problems)
        named = _named_identifiers(self.config, self.key, str(ref), [str(ref)], "in the file's name or path")
        findings = sorted(_in_member([*named, *_file_findings(self.config, self.key, facts)], ref),
                          key=Finding.sort_key)
        return FileResult(str(ref), kind.value, size, tuple(findings), time.perf_counter() - started, hash=digest)

    def linked(self, results: list[FileResult], kept: list[tuple[DiscoveredFile, bytes]],
               ctx: ReadContext) -> list[FileResult]:
        """``results`` with the findings of the delivery pass over the members ``kept`` (:mod:`scanner.delivery`:
        an archive's folder is a delivery like a folder on disk), read again from memory."""
        if len(kept) < 2:
            return results
        sources: list[Source] = []
        try:
            entries = []
            for entry, data in kept:
                src = Source(SourceRef.parse(entry.relpath), data=data, digest=entry.hash)
                sources.append(src)
                entries.append(dataclasses.replace(entry, path=src.to_file(ctx.spill_dir, ctx.next_serial())))
            added = delivery_findings(entries, results, self.config, self.key, analyse_table)
        finally:
            for src in sources:
                src.release()
        return [with_findings(r, _in_member(added[r.path], SourceRef.parse(r.path))) if r.path in added else r
                for r in results]

    def member(self, member: Member, parent: SourceRef, ctx: ReadContext,
               kept: list[tuple[DiscoveredFile, bytes]] | None = None) -> list[FileResult]:
        """One member's results: a file's, or a nested archive's and its members'. A member the delivery pass
        reads is added to ``kept`` with its bytes (at most :data:`_LINK_KEEP_BYTES` in all)."""
        ref = parent.child(member.name)
        src = member.source
        if src is None:  # not read: encrypted, a link, over a limit, damaged
            kind = FileKind.ENCRYPTED if member.encrypted else FileKind.UNREAD
            return [self.unread(ref, kind, member.size, member.problems)]
        kind = FileKind.BINARY
        try:
            kind = classify_content(member.name, src.head(HEAD_SIZE), src.seekable)
            if formats.container_reader_for(kind) is not None:
                limits = ctx.budget.limits
                if ref.depth + 1 > limits.max_depth:
                    ctx.budget.stop(f"archives nested more than {limits.max_depth} deep (the configured limit)")
                    stop = Problem(ProblemKind.LIMIT, f"not opened: {ctx.budget.stopped}")
                    return [self.unread(ref, kind, src.size, [*member.problems, stop], src.digest)]
                return self.container(src, kind, ctx.nested(), member.problems)
            path = src.to_file(ctx.spill_dir, ctx.next_serial())
            entry = DiscoveredFile(path, str(ref), kind, src.size, None, src.digest)
            result = _scan_one(entry, self.config, self.key, self.threads, member.problems)
            if kept is not None and linkable(entry) \
                    and sum(len(d) for _, d in kept) + entry.size <= _LINK_KEEP_BYTES:
                with contextlib.suppress(OSError):
                    kept.append((entry, path.read_bytes()))
            return [dataclasses.replace(result, findings=tuple(_in_member(result.findings, ref)))]
        except MemoryError:
            problem = Problem(ProblemKind.DAMAGED, "ran out of memory while reading")
            return [self.unread(ref, kind, src.size, [*member.problems, problem], src.digest)]
        except Exception as exc:  # fail closed for this member; the archive's other members go on
            log.error("internal error scanning a member of %s: %s", ref.path, type(exc).__name__)
            problem = Problem(ProblemKind.DAMAGED, f"internal error while inspecting ({type(exc).__name__})")
            return [self.unread(ref, kind, src.size, [*member.problems, problem], src.digest)]
        finally:
            src.release()


def _scan_archive(entry: DiscoveredFile, config: Config, key: bytes, threads: int) -> list[FileResult]:
    if Path(tempfile.gettempdir()).resolve().is_relative_to(_scanned_root(entry).resolve()):
        # Members are never written into a scanned folder, not even into a temporary directory there.
        reason = "the temporary directory lies inside the scanned folder: the archive was not opened"
        return [_scan_one(dataclasses.replace(entry, error=reason), config, key, threads)]
    spill = Path(tempfile.mkdtemp(prefix="sdcscan-"))  # private: mode 0700
    try:
        source = Source(SourceRef(entry.relpath), path=Path(entry.path), size=entry.size)
        ctx = ReadContext(Budget(_archive_limits(config)), spill)
        return _ArchiveScan(config, key, threads).container(source, entry.kind, ctx)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def scan_entry(entry: DiscoveredFile, config: Config, key: bytes | None = None, *,
               threads: int | None = None) -> list[FileResult]:
    """Scan one discovered file; never raises for a problem with the file itself.

    Returns the file's result, then, for an archive, one result per member (nested archives recursively),
    in archive order: a member's path is ``export/a.zip!dir/b.csv`` and the archive's verdict is the worst
    of its own findings and its members'. ``threads`` bounds the threads a kernel may use inside this file
    (default: all cores).
    """
    threads = threads if threads is not None else (os.cpu_count() or 1)
    key = masking.fingerprint_key() if key is None else key
    if not entry.error and not _text_path(entry.path):
        return _scan_renamed(entry, config, key, threads)
    if not entry.error and formats.container_reader_for(entry.kind) is not None:
        results = _scan_archive(entry, config, key, threads)
    else:
        handler = _BY_KIND.get(entry.kind)
        if not entry.error and handler is not None and handler.embeds:
            results = _scan_with_embedded(entry, config, key, threads)
        else:
            results = [_scan_one(entry, config, key, threads)]
    return [_with_masked_path(r, config) for r in results]


def _text_path(path: Path) -> bool:
    """Whether ``path`` is text the libraries can take (Arrow, Polars and the archive readers want UTF-8; a
    name of other bytes comes from the OS with surrogates)."""
    try:
        os.fspath(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _scan_renamed(entry: DiscoveredFile, config: Config, key: bytes, threads: int) -> list[FileResult]:
    """A file whose name is not UTF-8, scanned from a copy with a plain name in a temporary directory outside
    the scanned tree (removed afterwards); its results keep the file's own (escaped) path."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sdcscan-") as tmp:
        copy = Path(tmp) / ("file" + "".join(s for s in entry.path.suffixes[-2:] if _text_path(Path(s))))
        try:
            shutil.copyfile(entry.path, copy)
        except OSError as exc:
            from scanner.discover.walk import error_text

            return [_scan_one(dataclasses.replace(entry, error=error_text(exc)), config, key, threads)]
        return scan_entry(dataclasses.replace(entry, path=copy), config, key, threads=threads)


_LONG_DIGITS = lazy_compile(r"\d(?:[-+ .]?\d){5,}")


def _with_masked_path(result: FileResult, config: Config) -> FileResult:
    """The result as reported: a path or member name that holds a person or business number (the finding
    says so) is shown with that number masked, in the result and in every finding's location, so that no
    report repeats it. Other paths are left as they are."""
    if not _LONG_DIGITS.search(result.path):
        return result
    from scanner.pid_scan import scan_names

    if not scan_names([result.path], config.profile.countries):
        return result

    def located(f: Finding) -> Finding:
        loc = dataclasses.replace(f.location, path=masking.mask_path(f.location.path),
                                  member=masking.mask_path(f.location.member) if f.location.member else None)
        return dataclasses.replace(f, location=loc)

    return dataclasses.replace(result, path=masking.mask_path(result.path),
                               findings=tuple(located(f) for f in result.findings))


class EmbeddedFiles:
    """The files embedded in or attached to a document or workbook that the engine reads, collected to be
    scanned as members of their own. :meth:`take` refuses a file no reader reads (an opaque OLE object,
    a macro project): the document's DOC003 finding then says a person must open it."""

    def __init__(self) -> None:
        self.blobs: list[tuple[str, bytes]] = []

    def take(self, name: str, data: bytes) -> bool:
        try:
            kind = classify_content(name, data[:HEAD_SIZE], lambda: contextlib.closing(io.BytesIO(data)))
        except Exception:  # bytes that cannot even be classified: not taken, so DOC003 reports the file
            return False
        if kind not in _read_kinds():
            return False
        self.blobs.append((name, data))
        return True


def _scan_with_embedded(entry: DiscoveredFile, config: Config, key: bytes, threads: int) -> list[FileResult]:
    """A document or workbook and the files embedded in or attached to it that a reader reads (a workbook
    in a Word report, a PDF's attached CSV, a document in a workbook), each scanned as a member
    ``report.pdf!data.csv``, like an archive's: the document's verdict includes theirs."""
    embedded = EmbeddedFiles()
    own = _scan_one(entry, config, key, threads, embedded=embedded)
    blobs = embedded.blobs
    if not blobs:
        return [own]
    if Path(tempfile.gettempdir()).resolve().is_relative_to(_scanned_root(entry).resolve()):
        # never written into a scanned folder: the members stay unread, and the document says so
        facts = FileFacts(entry.relpath, entry.kind.value, entry.size)
        facts.problems.append(f"{len(blobs)} embedded file(s) not inspected: the temporary directory lies "
                              "inside the scanned folder")
        extra = _file_findings(config, key, facts)
        return [dataclasses.replace(own, findings=tuple(sorted((*own.findings, *extra), key=Finding.sort_key)))]
    spill = Path(tempfile.mkdtemp(prefix="sdcscan-"))  # private: mode 0700
    try:
        ctx = ReadContext(Budget(_archive_limits(config)), spill)
        scan = _ArchiveScan(config, key, threads)
        parent = SourceRef(entry.relpath)
        members: list[FileResult] = []
        seen: set[str] = set()
        for k, (name, data) in enumerate(blobs, start=1):
            unique = name if name not in seen else f"{k}-{name}"
            seen.add(unique)
            src = Source(parent.child(unique), data=data)
            members.extend(scan.member(Member(unique, len(data), src), parent, ctx))
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    worst = max((m.verdict for m in members), key=VERDICT_ORDER.index, default=None)
    return [dataclasses.replace(own, members_verdict=worst), *members]


def scan_file(entry: DiscoveredFile, config: Config, key: bytes | None = None, *,
              threads: int | None = None) -> FileResult:
    """Scan one discovered file with ``config``; never raises for a problem with the file itself.

    For an archive this is the archive's own result (its verdict includes its members'); :func:`scan_entry`
    gives the members' results too. ``threads`` bounds the threads a kernel may use inside this file
    (default: all cores).
    """
    return scan_entry(entry, config, key, threads=threads)[0]


def _scan_many(entries: Sequence[DiscoveredFile], config: Config, key: bytes, jobs: int,
               min_bytes: int) -> Iterator[list[FileResult]]:
    """Each entry's results (see :func:`scan_entry`), in entry order: in ``jobs`` worker processes when
    there are ``min_bytes`` to read or :data:`PARALLEL_MIN_FILES` files, else in this process."""
    if jobs <= 1 or len(entries) <= 1 or (sum(e.size for e in entries) < min_bytes
                                          and len(entries) < PARALLEL_MIN_FILES):
        for entry in entries:
            yield scan_entry(entry, config, key)
        return
    # spawn, not fork: polars and numba start threads, and a forked child of a threaded parent can
    # deadlock on a lock some thread held at fork time.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        # one thread per worker: the workers already use every core
        futures = [pool.submit(scan_entry, e, config, key, threads=1) for e in entries]
        for entry, fut in zip(entries, futures, strict=True):
            try:
                yield fut.result()
            except Exception as exc:  # a worker died: fail closed for that file, go on with the rest
                log.error("worker failed on %s: %s", entry.relpath, type(exc).__name__)
                yield [scan_file(
                    DiscoveredFile(entry.path, entry.relpath, entry.kind, entry.size,
                                   f"worker process failed ({type(exc).__name__})"),
                    config, key)]


def scan(
    paths: Iterable[Path | str],
    config: Config | None = None,
    *,
    jobs: int | None = None,
    exclude: Sequence[str] = (),
    progress: Progress | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
) -> ScanResult:
    """Scan files and folders; return every file's findings and verdict.

    ``progress.start`` is called once discovery is complete, ``progress.advance`` per finished file.
    With ``jobs`` > 1 and at least ``parallel_min_bytes`` to read or :data:`PARALLEL_MIN_FILES` files, files are
    scanned in worker processes.
    Raises :class:`ScanError` when no file is found and :class:`~scanner.discover.DiscoveryError` for
    a path that does not exist.
    """
    started = time.perf_counter()
    config = load_config() if config is None else config
    entries = list(discover([Path(p) for p in paths], exclude=exclude))
    if not entries:
        raise ScanError("no files found to scan")
    if progress is not None:
        progress.start(len(entries), sum(e.size for e in entries))
    key = masking.fingerprint_key()
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    results: list[FileResult] = []
    for found in _scan_many(entries, config, key, workers, parallel_min_bytes):
        results.extend(found)
        if progress is not None:
            progress.advance(found[0])  # the file on disk: progress counts what discovery counted
    # A suppressed cell that another table of the same folder gives away (scanner.delivery)
    results = link_delivery(entries, results, config, key, analyse_table)
    # Stable: an archive's members keep their archive order after it ("a.zip" < "a.zip!b.csv").
    results.sort(key=lambda r: r.path)
    return ScanResult(__version__, config.profile.name, tuple(results), time.perf_counter() - started)


def table(path: Path | str, spec: TableSpec, config: Config | None = None, **options: Any) -> TableResult:
    """Build a safe table from the microdata at ``path`` (or check one with ``check=EXPORTED``).

    See :func:`scanner.tables.build.build_table` for the options (threads, check, check_column, display_path).
    """
    from scanner.tables.build import build_table

    return build_table(path, spec, config, **options)
