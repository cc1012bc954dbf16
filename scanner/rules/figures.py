"""FIG: figures — a plot may not draw one mark per unit, and may not carry data besides what it shows.

The rules read :class:`~scanner.rules.documents.DocumentFacts`, built by :mod:`scanner.document_scan`
from what the figure readers found (:mod:`scanner.loaders.images`, :mod:`scanner.loaders.pdf`): the
groups of marks of one shape in each vector figure (with whether they lie on a regular grid or on a line),
and each data set a figure carries, already judged by the table, microdata and identifier rules. A raster
image's marks cannot be read: it is a FIL001 review naming its size and producing software.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner import masking
from scanner.findings import Finding, Severity
from scanner.lazy_regex import lazy_compile
from scanner.rules.context import RuleContext
from scanner.rules.registry import Shape, rule

if TYPE_CHECKING:
    from scanner.rules.documents import DocumentFacts

__all__ = ["DataFacts", "FigureFacts", "MarkFacts", "UnitPlotOptions"]


@dataclass(frozen=True, slots=True)
class MarkFacts:
    """Marks of one shape in one group of a figure (see :class:`scanner.loaders.office.MarkGroup`)."""

    count: int
    distinct: int
    shape: str
    element: str
    regular: bool = False
    on_line: bool = False
    cells: bool = False
    named: bool = False


@dataclass(slots=True)
class FigureFacts:
    """One figure: where it is, what made it, and its groups of marks."""

    format: str
    producer: str | None = None
    size: str | None = None
    page: int | None = None
    slide: int | None = None
    element: str | None = None
    marks: list[MarkFacts] = field(default_factory=list)
    outliers: int = 0  # points beyond a box plot's whiskers
    unit_labels: int = 0  # labels that name single units ("Patient 1", "ID 17"): a mark or bar per unit
    lines: int = 0  # data lines (three points or more): a line per series, or per unit in a spaghetti plot
    #: the figure's own text says each mark is one unit ("hver prik er en elev", "each dot is a patient")
    stated_units: bool = False
    #: boxes drawn with whiskers (a box plot's groups), and the figure's labels that state a group's size
    #: ("Barnmorskor (n=6)"; value-bearing: masked in any message)
    whiskered: int = 0
    size_labels: list[str] = field(default_factory=list)

    def describe(self) -> str:
        made = f", made by {self.producer}" if self.producer else ""
        size = f", {self.size}" if self.size else ""
        return f"{self.format}{size}{made}"


@dataclass(slots=True)
class DataFacts:
    """Data a figure carries (a plotly trace, a bokeh source, data-* attributes, image text chunks), with
    how the content rules judge it (reported or not)."""

    where: str  # value-free: "script 2: plotly trace 1", "PNG text metadata"
    page: int | None = None
    slide: int | None = None
    element: str | None = None
    records: int = 0
    columns: int = 0
    numbers: int = 0  # numbers in free text (metadata)
    tables: int = 0  # tables found in free text
    metadata: bool = False
    unit_values: str = ""
    unreadable: str = ""
    shape: str | None = None  # TableShape value of the data read as a table
    flagged: Severity | None = None
    flagged_rules: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    identifier_severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class UnitPlotOptions:
    """FIG001 options (see rules.toml)."""

    review_marks: int = 5
    block_marks: int = 30
    review_lines: int = 10
    review_box_group: int = 10

    def __post_init__(self) -> None:
        if self.review_marks < 2:
            raise ValueError("review_marks must be at least 2")
        if self.review_lines < 2:
            raise ValueError("review_lines must be at least 2")
        if self.block_marks < self.review_marks:
            raise ValueError("block_marks must be at least review_marks")


def _where(page: int | None, slide: int | None, element: str | None) -> str:
    parts = []
    if slide is not None:
        parts.append(f"slide {slide}")
    if page is not None:
        parts.append(f"page {page}")
    if element:
        parts.append(masking.mask_name(element))
    return f" ({', '.join(parts)})" if parts else ""


# A group's size in a figure's label: "(n=6)", "n = 6", "N=6".
STATED_SIZE = lazy_compile(r"(?i)(?<![\w])n\s*=\s*(\d{1,3}(?:[ ,.\u00a0]\d{3})*|\d+)(?![\d])")


def _small_box_groups(fig: FigureFacts, review_below: int) -> tuple[int, str] | None:
    """The smallest group a box plot's labels state under ``review_below`` (size, label), or None."""
    if not fig.whiskered or review_below <= 0:
        return None
    found = []
    for label in fig.size_labels:
        for m in STATED_SIZE.finditer(label):
            n = int(re.sub(r"\D", "", m.group(1)))
            if 0 < n < review_below:
                found.append((n, label))
    return min(found) if found else None


@rule("FIG001", "unit-level-plot", Severity.BLOCK, (Shape.DOCUMENT,), UnitPlotOptions)
def unit_level_plot(ctx: RuleContext, facts: DocumentFacts) -> Iterator[Finding]:
    """A plot that draws one mark per unit: a scatter, strip or jitter plot of persons or firms.

    What it flags: vector figures (SVG from matplotlib, ggplot2/svglite, Stata, Excel and d3; PDF pages;
    charts in Word and PowerPoint files; plotly, bokeh and vega charts in HTML) with a group of marks of one
    shape (matplotlib markers and scatter collections, svglite circles, small identical paths or squares,
    chart points) whose positions are not a series: not on a regular grid of x with a few marks per x (a
    time series or one point per category) and not on a line drawn through them (a line chart with
    markers). `block` from `block_marks` marks in one group, `review` from `review_marks`; `block_marks` marks
    or more on a line at irregular positions are `review` (a line through units' points, or a curve?). A box plot's
    points beyond its whiskers (its outliers) are blocked whatever their number, and so is a figure whose labels
    name single units (`Patient 1` .. `Patient 10`: a swimmer plot, a bar or line per person; review for two to
    four). Ten lines or more (`review_lines`) are `review`: a spaghetti plot draws a line per person. Bars, a
    few lines, areas and histograms draw no such marks and pass. A raster image's marks cannot be read: FIL001.

    Why it is disclosive: each mark of a scatter plot is one unit's exact values on two variables; with
    one known value (an age, an income band) a reader finds the person and learns the other. An outlier
    is a single person whatever the axis labels say. Output checking guidance allows plots of aggregates
    only, or scatter plots whose points are groups of at least the threshold.

    Example: `income_vs_age.svg`, a matplotlib scatter of 2,000 persons (`<use xlink:href="#m...">` 2,000
    times in one `PathCollection`).

    Options: `review_marks` (5) and `block_marks` (30): marks in one group from which a plot is reviewed or
    blocked; `review_lines` (10): lines in one figure from which it is reviewed. Points of a scatter of
    aggregates (one per region) below `block_marks` go to a person.

    References: Eurostat/ESSnet, Guidelines for the checking of output based on microdata research (SDAP,
    2015): graphs, scatter plots and outliers; Statistics Denmark, rules for sending results home (figures
    must not show individual observations); ONS SRS output checking (scatter plots are microdata).
    """
    opts: UnitPlotOptions = ctx.options
    for fig in facts.figures:
        if fig.outliers:
            yield ctx.finding(
                f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} is a box plot that draws "
                f"{fig.outliers:,} point(s) beyond its whiskers: each outlier is one unit's own value. Draw it "
                "without them (matplotlib showfliers=False, ggplot2 outlier.shape = NA).",
                masking.note(f"{fig.outliers:,} outlying points"),
                page=fig.page, slide=fig.slide, element=fig.element, identity=f"{fig.element}:outliers",
            )
        small = _small_box_groups(fig, opts.review_box_group)
        if small is not None:
            n, label = small
            threshold = ctx.profile.threshold
            yield ctx.finding(
                f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} is a box plot, and its label "
                f"{masking.mask_label(label)!r} states a group of fewer than "
                f"{threshold if n < threshold else opts.review_box_group} units: its box "
                "and whiskers draw that group's quartiles, minimum and maximum (single units' values)"
                + ("." if n < threshold else "; a person must judge whether they may leave."),
                masking.evidence(f"group size {masking.count_band(1, threshold)}" if n < threshold
                                 else f"group size {threshold}-{opts.review_box_group - 1}"),
                page=fig.page, slide=fig.slide, element=fig.element, identity=f"{fig.element}:box-group",
                severity=None if n < threshold else Severity.REVIEW,
            )
        if fig.unit_labels >= 2:
            # a swimmer plot, or a bar or line per person: its labels name the units ("Patient 1".."Patient 10")
            yield ctx.finding(
                f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} labels {fig.unit_labels:,} "
                "single units (a bar, line or mark per patient, person or firm): it shows each one's own values.",
                masking.note(f"{fig.unit_labels:,} labels naming single units"),
                page=fig.page, slide=fig.slide, element=fig.element, identity=f"{fig.element}:unit-labels",
                severity=Severity.BLOCK if fig.unit_labels >= opts.review_marks else Severity.REVIEW,
            )
            continue
        if fig.lines >= opts.review_lines:
            # a spaghetti plot (each person's income over the years) draws one unit's values per line; many
            # lines of groups (one per municipality) look the same: a person must tell
            yield ctx.finding(
                f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} draws {fig.lines:,} lines: "
                "if each is one person's or firm's trajectory (a spaghetti plot) it shows their own values. Lines "
                "of groups of units are safe. A person must check.",
                masking.note(f"{fig.lines:,} lines of three points or more"),
                page=fig.page, slide=fig.slide, element=fig.element, identity=f"{fig.element}:lines",
                severity=Severity.REVIEW,
            )
        cells = [m for m in fig.marks if m.cells and m.count >= opts.review_marks]
        if cells:
            # a hexbin or heatmap: its cells' counts are colours, not numbers to read; a cell of one unit
            # shows where that unit lies (unless the plot drops cells under the threshold: mincnt)
            top = max(cells, key=lambda m: m.count)
            yield ctx.finding(
                f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} draws {top.count:,} cells "
                "that tile a grid (a hexbin or heatmap): a cell of one or two units shows where they lie, and "
                "the cells' counts cannot be read from the drawing. A person must check that no drawn cell holds "
                "fewer units than the threshold.",
                masking.note(f"{top.count:,} cells on a lattice"),
                page=fig.page, slide=fig.slide, element=fig.element or top.element, severity=Severity.REVIEW,
                identity=f"{fig.element}:{top.element}:cells",
            )
        # (a legend draws one key per series: as many marks as the figure has series of marks, in a box)
        series = [m for m in fig.marks if (m.regular or m.on_line) and not m.cells]
        units = [m for m in fig.marks if not m.regular and not m.on_line and not m.cells
                 and m.count >= opts.review_marks and not (len(series) >= 2 and m.count == len(series))]
        # many marks on a line at irregular positions: a line drawn through units' points (plot(x, y, "o-")
        # of persons sorted by x) as much as a curve of estimates: a person must tell
        joined = [m for m in fig.marks if not m.regular and not m.cells and m.on_line and m.count >= opts.block_marks]
        if not units and joined:
            top = max(joined, key=lambda m: m.count)
            yield ctx.finding(
                f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} draws {top.count:,} "
                f"{top.shape} marks at irregular positions on a line in '{masking.mask_name(top.element)}': the "
                "line may join single units' points (a scatter drawn with a line) rather than estimates. A person "
                "must check.",
                masking.note(f"{top.count:,} marks on a line, {top.distinct:,} distinct positions"),
                page=fig.page, slide=fig.slide, element=fig.element or top.element, severity=Severity.REVIEW,
                identity=f"{fig.element}:{top.element}:line",
            )
        if not units:
            continue
        top = max(units, key=lambda m: m.count)
        severity = Severity.BLOCK if top.count >= opts.block_marks or fig.stated_units else Severity.REVIEW
        if top.named and not fig.stated_units:
            # (each mark named in words, "Frederiksberg": municipalities or hospitals as likely as persons)
            severity = Severity.REVIEW
        more = f" and {len(units) - 1} more group(s) like it" if len(units) > 1 else ""
        what = "one mark per unit" if severity is Severity.BLOCK else "possibly one mark per unit"
        if top.named:
            what += ", each mark named (areas or groups, or units)"
        if fig.stated_units:
            what += " (its text says each mark is one)"
        yield ctx.finding(
            f"Figure ({fig.describe()}){_where(fig.page, fig.slide, fig.element)} draws {top.count:,} "
            f"{top.shape} marks of one shape at irregular positions in '{masking.mask_name(top.element)}'{more}: "
            f"a scatter, strip or jitter plot with {what}.",
            masking.note(f"{top.count:,} marks, {top.distinct:,} distinct positions, {len(units)} group(s)"),
            page=fig.page, slide=fig.slide, element=fig.element or top.element, severity=severity,
            identity=f"{fig.element}:{top.element}",
        )


@rule("FIG002", "embedded-data", Severity.BLOCK, (Shape.DOCUMENT,))
def embedded_data(ctx: RuleContext, facts: DocumentFacts) -> Iterator[Finding]:
    """Data a figure carries besides what it shows: chart data, data attributes, image metadata.

    What it flags: the data arrays of interactive charts (plotly traces, bokeh data sources, vega and
    altair data sets) in HTML, `data-*` attributes and metadata of SVG figures, text chunks of PNG images
    (`tEXt`, `zTXt`, `iTXt`), EXIF, XMP and comments of JPEG, TIFF and other images. Each is read as a table
    (or free text) and judged by the table, microdata and identifier rules: `block` when they flag it
    (person numbers, unit records, small counts), when a histogram, box or violin chart carries the raw
    values it summarises (one per unit: the browser bins them), or when the data reads as microdata;
    `review` when it cannot be decoded, or when metadata holds numbers or a table no rule flags; `info`
    when a chart carries only the aggregates it draws.

    Why it is disclosive: a figure file is not only its picture. A plotly histogram holds every
    underlying value, a scatter's hover text can hold person numbers, and an image's text chunk can hold
    whatever a program wrote into it: all leave with the file and are one click or one `exiftool` away.

    Example: `age_hist.html` from `plotly.express.histogram(df, x="age")`, whose page holds the 1,200
    ages; `plot.png` with a `tEXt` chunk `Comment` holding rows of `pnr;income`.

    Options: severity only.

    References: Eurostat/ESSnet, Guidelines for the checking of output based on microdata research (SDAP,
    2015); plotly.js figure reference (traces carry their data); PNG specification (ISO/IEC 15948) 11.3.4
    (textual information); Exif 2.3 (ImageDescription, UserComment).
    """
    for d in facts.data:
        where = f"{masking.mask_name(d.where)}{_where(d.page, d.slide, None)}"
        size = f"{d.records:,} records in {d.columns} column(s)" if d.columns else f"{d.numbers:,} numbers"
        kw = {"page": d.page, "slide": d.slide, "element": d.element or d.where, "identity": d.where}
        if d.identifiers:
            yield ctx.finding(
                f"Data carried by a figure, {where}, holds person or business numbers.",
                masking.evidence("; ".join(d.identifiers)), severity=d.identifier_severity or Severity.BLOCK,
                **kw,  # type: ignore[arg-type]
            )
        elif d.unit_values:
            counted = f" ({size})" if d.columns or d.numbers else ""
            yield ctx.finding(
                f"Data carried by a figure, {where}: {d.unit_values}{counted}; anyone can read them out of the "
                "file.", masking.note(size if counted else "values not decoded"), **kw,  # type: ignore[arg-type]
            )
        elif d.shape == "microdata" or (d.flagged is not None and d.flagged >= Severity.BLOCK):
            rules = ", ".join(d.flagged_rules) or "the microdata analysis"
            yield ctx.finding(
                f"Data carried by a figure, {where}, holds content the table, microdata or identifier rules "
                f"flag ({rules}); it leaves with the file ({size}).",
                masking.note(f"{size}; rules: {rules}"), **kw,  # type: ignore[arg-type]
            )
        elif d.unreadable:
            yield ctx.finding(
                f"Data carried by a figure, {where}: {d.unreadable}; a person must check what it holds.",
                masking.note(d.unreadable), severity=Severity.REVIEW, **kw,  # type: ignore[arg-type]
            )
        elif d.metadata:
            if d.tables or d.numbers >= 20 or (d.flagged is not None and d.flagged >= Severity.REVIEW):
                yield ctx.finding(
                    f"Metadata of a figure, {where}, holds data ({d.tables} table(s), {d.numbers:,} numbers) "
                    "that nothing flags; a person must check it and remove it if it is not needed.",
                    masking.note(size), severity=Severity.REVIEW, **kw,  # type: ignore[arg-type]
                )
        elif d.flagged is not None and d.flagged >= Severity.REVIEW:
            rules = ", ".join(d.flagged_rules)
            yield ctx.finding(
                f"Data carried by a figure, {where} ({size}), is unsure for the table rules ({rules}); a person "
                "must check it.", masking.note(f"{size}; rules: {rules}"), severity=Severity.REVIEW,
                **kw,  # type: ignore[arg-type]
            )
        else:
            yield ctx.finding(
                f"A figure carries its data, {where} ({size}); nothing in it is flagged: it is what the figure "
                "draws.", masking.note(size), severity=Severity.INFO, **kw,  # type: ignore[arg-type]
            )
