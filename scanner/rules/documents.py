"""DOC: office documents — what a workbook or a document holds beyond the cells and text a reader sees.

The workbook rules read :class:`WorkbookFacts`, built by :mod:`scanner.workbook_scan` from the package
structure (:mod:`scanner.loaders.ooxml`) and from the table, microdata and identifier analysis of every
sheet, pivot cache and hidden text. DOC003 and DOC005 also read :class:`DocumentFacts` (Word,
PowerPoint, OpenDocument, PDF, HTML, RTF and figures), built by :mod:`scanner.document_scan`.
Whether hidden content "would be flagged" is decided by every enabled content rule (TAB, MIC, EXT, PID)
whatever ``--select`` says, so ignoring TAB001 does not turn a hidden sheet of small cells from block into
review.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.rules.context import RuleContext
from scanner.rules.figures import DataFacts, FigureFacts
from scanner.rules.registry import Shape, rule

__all__ = ["DocumentFacts", "EmbeddedFacts", "HiddenTextFacts", "PivotFacts", "SheetFacts", "WorkbookFacts"]


@dataclass(slots=True)
class SheetFacts:
    """One sheet: visibility, how much it holds, and what its content would be flagged for.

    ``flagged`` is the worst severity the content rules give the sheet's tables and text (None: nothing),
    ``flagged_rules`` their codes. ``hidden_*`` describe cells in hidden rows and columns; ``hidden_flagged``
    the codes of content findings that point into them.
    """

    name: str
    visibility: str  # visible, hidden, veryHidden
    chart: bool = False
    cells: int = 0
    tables: int = 0
    flagged: Severity | None = None
    flagged_rules: tuple[str, ...] = ()
    hidden_rows: int = 0  # hidden rows that hold at least one cell
    hidden_cols: int = 0  # hidden columns that hold at least one cell
    hidden_cells: int = 0
    hidden_ranges: str = ""  # A1 summary of the hidden rows and columns holding cells
    hidden_flagged: tuple[str, ...] = ()
    hidden_flagged_severity: Severity | None = None


@dataclass(slots=True)
class PivotFacts:
    """A pivot cache: its size, source, and how its records read as a table."""

    index: int
    fields: int
    records: int
    source: str
    saved: bool
    shape: str | None = None  # TableShape value of the records, None when no records are stored
    shape_reasons: tuple[str, ...] = ()
    flagged: Severity | None = None
    flagged_rules: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()  # masked evidence of identifiers among the cached items


@dataclass(frozen=True, slots=True)
class EmbeddedFacts:
    """A file inside the workbook: an OLE object, another document, a macro project, a picture."""

    part: str
    kind: str
    size: int
    sheet: str | None = None
    scanned: bool = False  # its content was read as a member (and judged there)
    page: int | None = None
    slide: int | None = None


@dataclass(frozen=True, slots=True)
class HiddenTextFacts:
    """Content outside the cells: a comment or note, a defined name's constant, an external link's cached
    cells, a data-validation list, a chart's cached or literal data."""

    kind: str  # comment, threaded-comment, defined-name, external-link, data-validation, chart-cache
    sheet: str | None
    where: str  # value-free: cell reference, the name of a name, a part name
    items: int
    numbers: int  # items holding a number
    detail: str = ""
    identifiers: tuple[str, ...] = ()  # masked evidence ("Danish CPR number: xxxxxx-xx16")
    identifier_severity: Severity | None = None
    #: why the data is hidden or stands alone (a chart's literal data, a reference to a hidden sheet)
    concern: str = ""
    #: in a document (not a workbook): its page or slide; ``where`` is then the part ("comment 2")
    page: int | None = None
    slide: int | None = None
    document: bool = False


@dataclass(slots=True)
class WorkbookFacts:
    """Everything the DOC rules read about one workbook."""

    path: str
    kind: str
    sheets: list[SheetFacts] = field(default_factory=list)
    pivots: list[PivotFacts] = field(default_factory=list)
    embedded: list[EmbeddedFacts] = field(default_factory=list)
    hidden_texts: list[HiddenTextFacts] = field(default_factory=list)


@dataclass(slots=True)
class DocumentFacts:
    """Everything the DOC003, DOC005 and FIG rules read about one document or figure."""

    path: str
    kind: str
    embedded: list[EmbeddedFacts] = field(default_factory=list)
    hidden_texts: list[HiddenTextFacts] = field(default_factory=list)
    figures: list[FigureFacts] = field(default_factory=list)
    data: list[DataFacts] = field(default_factory=list)


def _names(rules: tuple[str, ...]) -> str:
    return ", ".join(rules) if rules else "none"


@rule("DOC001", "hidden-sheet", Severity.BLOCK, (Shape.WORKBOOK,))
def hidden_sheet(ctx: RuleContext, facts: WorkbookFacts) -> Iterator[Finding]:
    """A hidden or very hidden sheet in a workbook.

    What it flags: sheets whose state is `hidden` (Format > Sheet > Unhide shows them) or `veryHidden`
    (only the VBA editor shows them). `block` when what the sheet holds would be flagged by the table,
    microdata or identifier rules on a visible sheet; `review` when they ask a person to check it, or it
    holds cells or is a chart sheet that nothing flags; `info` when it is empty.

    Why it is disclosive: a checker reviews what the workbook shows. A hidden sheet often holds the data
    behind the visible tables (the microdata a pivot table or chart was made from, the unrounded
    counts), and it leaves with the file.

    Example: `results.xlsx` with a visible table of counts by region and a very hidden sheet `data` of
    1,200 rows, one per person.

    Options: severity only (the highest severity it gives; lower ones follow from the content).

    References: Statistics Denmark, rules for sending results home (microdata in any form); ONS/ESSnet
    output checking guidance (hidden rows, columns and sheets must be removed before release).
    """
    for sheet in facts.sheets:
        if sheet.visibility == "visible":
            continue
        state = "very hidden (visible only in the VBA editor)" if sheet.visibility == "veryHidden" else "hidden"
        name = masking.mask_name(sheet.name)
        if sheet.flagged is not None and sheet.flagged >= Severity.BLOCK:
            yield ctx.finding(
                f"Sheet '{name}' is {state} and holds content the table, microdata or identifier rules "
                f"flag ({_names(sheet.flagged_rules)}): it leaves with the file unseen.",
                masking.note(f"{sheet.cells:,} cells in {sheet.tables} table(s); rules: {_names(sheet.flagged_rules)}"),
                sheet=name, identity="hidden-sheet",
            )
        elif sheet.flagged is not None and sheet.flagged >= Severity.REVIEW:
            yield ctx.finding(
                f"Sheet '{name}' is {state} and holds content a person must check ({_names(sheet.flagged_rules)}): "
                "it leaves with the file unseen; check why it is hidden and remove it if it is not part of the "
                "output.",
                masking.note(f"{sheet.cells:,} cells in {sheet.tables} table(s); rules: {_names(sheet.flagged_rules)}"),
                sheet=name, identity="hidden-sheet", severity=Severity.REVIEW,
            )
        elif sheet.cells or sheet.chart:
            what = "a chart" if sheet.chart and not sheet.cells else f"{sheet.cells:,} cells"
            yield ctx.finding(
                f"Sheet '{name}' is {state} and holds {what}; nothing in it is flagged, but a person must "
                "check why it is hidden and remove it if it is not part of the output.",
                masking.note(f"{sheet.cells:,} cells in {sheet.tables} table(s)"),
                sheet=name, identity="hidden-sheet", severity=Severity.REVIEW,
            )
        else:
            yield ctx.finding(
                f"Sheet '{name}' is {state} and empty.",
                masking.note("0 cells"),
                sheet=name, identity="hidden-sheet", severity=Severity.INFO,
            )


@rule("DOC002", "pivot-cache-records", Severity.BLOCK, (Shape.WORKBOOK,))
def pivot_cache_records(ctx: RuleContext, facts: WorkbookFacts) -> Iterator[Finding]:
    """A pivot table's cache that stores the source rows it was made from.

    What it flags: pivot caches whose saved records (`pivotCacheRecords`) read as one row per unit
    (microdata, by the same analysis as a CSV file), or hold content the table or identifier rules flag:
    `block`. Records whose shape cannot be decided: `review`. Records that form an aggregate table that
    no rule flags, and caches that keep no records (`saveData="0"`, external sources), are not flagged;
    the distinct items a cache definition keeps are still searched for identifiers.

    Why it is disclosive: Excel stores a copy of every source row with the pivot table unless "Save
    source data with file" is off. Anyone can double-click a pivot cell (or unzip the file) to get the
    rows back: the visible aggregate table leaves with its microdata.

    Example: a pivot table of counts by region and sex in `results.xlsx` whose cache holds the 2,000
    person rows it was built from.

    Options: severity only.

    References: Microsoft, "PivotCacheRecords" (ECMA-376 Part 1, 18.10); Statistics Denmark, rules for
    sending results home (microdata in any form).
    """
    for p in facts.pivots:
        where = f"[pivot cache {p.index}]"
        if not p.saved:
            continue
        detail = masking.note(f"{p.records:,} records, {p.fields} fields, source: {p.source}")
        if p.shape == "microdata":
            reasons = "; ".join(p.shape_reasons) or "the records are one row per unit"
            yield ctx.finding(
                f"Pivot cache {p.index} stores {p.records:,} source records that read as one row per person "
                f"or firm ({reasons}); anyone can recover them from the file.",
                detail, sheet=where, identity=f"pivot{p.index}",
            )
        elif p.flagged is not None and p.flagged >= Severity.BLOCK:
            yield ctx.finding(
                f"Pivot cache {p.index} stores {p.records:,} source records holding content the table or "
                f"identifier rules flag ({_names(p.flagged_rules)}).",
                detail, sheet=where, identity=f"pivot{p.index}",
            )
        elif p.shape != "aggregate" or p.flagged is not None:
            yield ctx.finding(
                f"Pivot cache {p.index} stores {p.records:,} source records whose shape could not be decided "
                "(too few rows, or no column identifies them); a person must check whether they are unit "
                "records and, if so, turn off saving the source data.",
                detail, sheet=where, identity=f"pivot{p.index}", severity=Severity.REVIEW,
            )


@rule("DOC003", "embedded-object", Severity.REVIEW, (Shape.WORKBOOK, Shape.DOCUMENT))
def embedded_object(ctx: RuleContext, facts: WorkbookFacts | DocumentFacts) -> Iterator[Finding]:
    """An object embedded in a document that the scanner could not inspect as a file of its own.

    What it flags: OLE objects (an embedded workbook, a Word or PDF document), embedded packages (a whole
    `.xlsx` or `.docx` inside), ActiveX controls, macro projects (`vbaProject.bin`) and pictures stored
    in a workbook; in Word, PowerPoint, OpenDocument and RTF documents the embedded objects and packages,
    and a PDF's attached files, when no reader here reads them (an opaque OLE object, a macro project) or
    their bytes could not be taken out (over 64 MiB, or nested in an embedded file). Embedded and attached
    files a reader reads (a workbook, a document, a CSV, a PDF, an archive) are scanned as members of
    their own instead (`report.pdf!data.csv`, `book.xlsx!Microsoft_Word_Document.docx`, judged by every
    rule), and the document's verdict includes theirs. Pictures in documents are read as figures (FIG002
    on their metadata, FIL001 because their marks cannot be read).

    Why it is disclosive: an embedded file is a file: it can hold a whole data set, and a checker does
    not see it unless they open the icon. A macro project can hold data or identifiers in its code, and
    a picture can be a screenshot of data.

    Example: a workbook with an embedded `Microsoft_Excel_Worksheet.xlsx` holding the source data.

    Options: severity only.

    References: ECMA-376 Part 1, 15.2.10 (embedded object parts); ONS/ESSnet output checking guidance.
    """
    for e in facts.embedded:
        if e.scanned:
            continue
        where = f" on sheet '{masking.mask_name(e.sheet)}'" if e.sheet else ""
        if e.slide is not None:
            where = f" on slide {e.slide}"
        elif e.page is not None:
            where = f" on page {e.page}"
        extra = {"page": e.page, "slide": e.slide, "element": e.part} if isinstance(facts, DocumentFacts) else {}
        yield ctx.finding(
            f"The document holds {'an' if e.kind[0] in 'AEIOU' else 'a'} {e.kind}{where} "
            f"({e.size:,} bytes) that was not inspected; a person must open it or it must be removed.",
            masking.note(f"{e.kind}, {e.size:,} bytes, part {e.part}"),
            sheet=masking.mask_name(e.sheet) if e.sheet else None, identity=e.part,
            **extra,  # type: ignore[arg-type]
        )


@rule("DOC004", "hidden-rows-or-columns", Severity.BLOCK, (Shape.WORKBOOK,))
def hidden_rows_or_columns(ctx: RuleContext, facts: WorkbookFacts) -> Iterator[Finding]:
    """Hidden rows or columns of a visible sheet that hold cells.

    What it flags: rows and columns hidden by their format (hidden, zero height or width, collapsed
    outlines, filtered-out rows) that hold at least one cell: `block` when a content rule (TAB, MIC, EXT,
    PID) flags something in them, `review` otherwise. Hidden sheets are DOC001's.

    Why it is disclosive: the values are in the file whatever is shown: a hidden column of person numbers,
    hidden rows with the small counts that were "removed", a filtered list of units.

    Example: a table by municipality whose rows with counts under 3 are hidden instead of suppressed.

    Options: severity only.

    References: ONS/ESSnet output checking guidance (hidden rows and columns); Statistics Denmark, rules
    for sending results home.
    """
    for sheet in facts.sheets:
        if sheet.visibility != "visible" or not sheet.hidden_cells:
            continue
        name = masking.mask_name(sheet.name)
        what = (f"{sheet.hidden_rows:,} hidden row(s) and {sheet.hidden_cols:,} hidden column(s) "
                f"({sheet.hidden_ranges}) hold {sheet.hidden_cells:,} cells")
        if sheet.hidden_flagged_severity is not None and sheet.hidden_flagged_severity >= Severity.BLOCK:
            yield ctx.finding(
                f"On sheet '{name}', {what}, and the content rules flag them ({_names(sheet.hidden_flagged)}): "
                "hiding is not suppression.",
                masking.note(f"{sheet.hidden_cells:,} hidden cells; rules: {_names(sheet.hidden_flagged)}"),
                sheet=name, identity="hidden-cells",
            )
        else:
            yield ctx.finding(
                f"On sheet '{name}', {what}; nothing in them is flagged, but they leave with the file: a "
                "person must check them or delete them.",
                masking.note(f"{sheet.hidden_cells:,} hidden cells"),
                sheet=name, identity="hidden-cells", severity=Severity.REVIEW,
            )


_KIND_TEXT = {
    "comment": "a comment (note)",
    "threaded-comment": "a threaded comment",
    "defined-name": "a defined name holding a constant",
    "external-link": "an external link's cached cells",
    "data-validation": "a data-validation list",
    "chart-cache": "a chart's data cache",
    "pivot-cache-items": "a pivot cache's list of items",
    "tracked-deletion": "deleted text kept as a tracked change",
    "speaker-notes": "speaker notes",
    "hidden-text": "hidden text",
    "hidden-slide": "a hidden slide",
    "document-properties": "the document properties",
    "sheet-names": "a sheet name",
    "html-comment": "an HTML comment",
    "link-target": "a hyperlink's address",
    "page-header": "a sheet's printed page header or footer",
    "custom-xml": "custom XML data stored in the package",
}
# Kinds whose numbers are a concern when no identifier is found (review), and whose text alone is info.
_NUMBER_KINDS = ("comment", "threaded-comment", "defined-name", "external-link", "data-validation",
                 "tracked-deletion", "speaker-notes", "hidden-text", "hidden-slide")
_TEXT_KINDS = ("comment", "threaded-comment", "tracked-deletion", "speaker-notes", "hidden-text", "hidden-slide")


@rule("DOC005", "hidden-content", Severity.BLOCK, (Shape.WORKBOOK, Shape.DOCUMENT))
def hidden_content(ctx: RuleContext, facts: WorkbookFacts | DocumentFacts) -> Iterator[Finding]:
    """Data or identifiers kept in a document outside its visible cells or text.

    What it flags: in workbooks, comments and notes, threaded comments, defined names holding constants,
    cached cells of external links, data-validation lists, charts' data caches, and the item lists of
    pivot caches that store no records; in documents (Word, PowerPoint, OpenDocument, PDF, RTF, HTML),
    tracked deletions (the deleted text is still in the file), comments and annotations, speaker notes,
    hidden text and hidden slides, and (for identifiers only) document properties and HTML comments.
    `block` when they hold a person or
    business number (the PID rules' detection); `review` when they hold numbers (a comment "n=2 before
    rounding", a name holding a list of values, a chart with literal data or data from a hidden sheet or
    another workbook, any external link's cached cells); `info` for a comment of text only. Validation
    lists and constants of plain words, and charts drawn from visible cells, are not flagged.

    Why it is disclosive: these parts do not print and most checkers never open them, yet they travel
    with the file: an unsuppressed count in a comment, a list of person numbers in a validation
    drop-down, the cells of the source workbook in an external link's cache.

    Example: a comment on cell C7 reading "excluded 2 persons: 010190-xx16, ..."; a Word report whose
    tracked deletion still holds "pnr 010190-xx16".

    Options: severity only.

    References: ECMA-376 Part 1 (comments 18.7, defined names 18.2.5, external links 18.14, data
    validation 18.3.1.32, chart caches 21.2.2; WordprocessingML revisions 17.13.5); ONS/ESSnet output
    checking guidance.
    """
    for h in facts.hidden_texts:
        sheet = masking.mask_name(h.sheet) if h.sheet else None
        what = _KIND_TEXT.get(h.kind, h.kind)
        where = f" on sheet '{masking.mask_name(h.sheet)}'" if h.sheet else ""
        at = f" at {masking.mask_name(h.where)}" if h.where else ""
        extra: dict[str, object] = {}
        if h.document:
            place = [f"slide {h.slide}"] if h.slide is not None else []
            place += [f"page {h.page}"] if h.page is not None else []
            place += [masking.mask_name(h.where)] if h.where else []
            where, at = "", f" ({', '.join(place)})" if place else ""
            extra = {"page": h.page, "slide": h.slide, "element": h.where or None}
        detail = f" ({h.detail})" if h.detail else ""
        ident = f"{h.kind}:{h.sheet or ''}:{h.where}"
        if h.identifiers:
            yield ctx.finding(
                f"{what.capitalize()}{where}{at}{detail} holds person or business numbers.",
                masking.evidence("; ".join(h.identifiers)),
                sheet=sheet, identity=ident, severity=h.identifier_severity or Severity.BLOCK,
                **extra,  # type: ignore[arg-type]
            )
        elif h.concern:
            yield ctx.finding(
                f"{what.capitalize()}{where}{at}{detail}: {h.concern}; a person must check it.",
                masking.note(f"{h.items:,} item(s), {h.numbers:,} with numbers"),
                sheet=sheet, identity=ident, severity=Severity.REVIEW, **extra,  # type: ignore[arg-type]
            )
        elif h.numbers and h.kind in _NUMBER_KINDS:
            if h.kind == "data-validation" and 2 * h.numbers <= h.items:
                continue  # mostly words: a drop-down of categories
            outside = "any cell" if not h.document else "the visible text"
            yield ctx.finding(
                f"{what.capitalize()}{where}{at}{detail} holds numbers that are not in {outside}; a person "
                "must check that they are not unsafe data.",
                masking.note(f"{h.items:,} item(s), {h.numbers:,} with numbers"),
                sheet=sheet, identity=ident, severity=Severity.REVIEW, **extra,  # type: ignore[arg-type]
            )
        elif h.kind in _TEXT_KINDS:
            yield ctx.finding(
                f"{what.capitalize()}{where}{at} holds text only.",
                masking.note(f"{h.items:,} item(s), no numbers"),
                sheet=sheet, identity=ident, severity=Severity.INFO, **extra,  # type: ignore[arg-type]
            )
