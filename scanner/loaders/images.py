"""Figures: what an SVG draws, what an image or an interactive chart carries.

* SVG (matplotlib, ggplot2/svglite, Stata, Excel, d3...): parsed as a stream with ``iterparse`` after the
  prolog was checked: a document type declaration with an internal subset or any ``<!ENTITY`` is refused
  (matplotlib writes an external ``<!DOCTYPE svg PUBLIC ...>`` without entities, which expat reads without
  fetching anything). Marks of one shape repeated in one group (matplotlib's ``<use xlink:href="#m...">``
  markers and ``PathCollection`` points, svglite's ``<circle>``, small identical paths and squares) are
  counted per group with their positions, and whether they lie on a regular grid of x (a series) or on a
  line of the same group (a line chart with markers). Texts printed on the figure (``<text>``, and the
  comments matplotlib writes before each text drawn as glyphs) are kept for the table analysis (``n=2``).
  ``data-*`` attributes, ``<metadata>``/``<desc>`` and scripts are data the figure carries.
* Raster images (PNG, JPEG, GIF, TIFF, BMP, WebP): their marks cannot be read; what they are (format,
  size, producing software) and the text they carry are: PNG ``tEXt``/``zTXt``/``iTXt`` chunks are read
  from the chunk stream (bounded decompression; the pixels are never decoded), EXIF, XMP and comments of
  the others through Pillow's header reading (``Image.open`` decodes no pixel).
* Interactive charts in HTML (plotly, bokeh, vega/altair): the JSON the page embeds is decoded (plotly's
  and bokeh's base64 typed arrays too) into columns per trace or data source; a histogram, box or violin
  trace carries the raw values it summarises (one per unit).

It reads and makes no findings.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import itertools
import json
import logging
import math
import re
import struct
import zlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, iterparse

from scanner.lazy_regex import lazy_compile
from scanner.loaders.office import DataSet, DocumentContent, Figure, MarkGroup, Place, is_regular

__all__ = ["COUNT_AXIS", "DENSITY_AXIS", "MIN_BARS", "NOT_COUNT_AXIS", "TICK_NUMBER", "bar_heights", "chart_data",
           "count_value_labels", "read_image", "read_svg"]

log = logging.getLogger(__name__)

_PROLOG_SCAN = 64 << 10
_ENTITY = lazy_compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE_SUBSET = lazy_compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
#: A mark is small: its drawn size (SVG user units, points in a PDF) is at most this.
MARK_SIZE = 16.0
#: Values decoded from one embedded array at most (a chart of more is still counted and judged).
MAX_VALUES = 2_000_000
#: Bytes of text chunks kept per image.
MAX_TEXT_BYTES = 16 << 20


class RefusedXML(Exception):
    """An XML document that declares entities (refused, never expanded)."""



def monotone(pos: list[tuple[float, float]]) -> bool:
    """Whether marks lie on one rising or falling curve (a QQ plot's or an empirical distribution function's
    points, sorted values): read as marks on a line, for a person to judge whether the values are units'."""
    if len(pos) < 20:
        return False
    ordered = sorted(pos)
    steps = [b[1] - a[1] for a, b in itertools.pairwise(ordered) if b[0] > a[0]]
    if len(steps) < 0.5 * len(pos):
        return False
    rising = sum(1 for d in steps if d >= 0)
    return max(rising, len(steps) - rising) >= 0.98 * len(steps)

def check_xml_prolog(head: bytes) -> None:
    """Refuse entity declarations and internal DTD subsets; an external DOCTYPE alone is allowed."""
    if _ENTITY.search(head) or _DOCTYPE_SUBSET.search(head):
        raise RefusedXML("declares entities or an internal DTD (refused, never expanded)")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    m = re.match(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)", text)
    return float(m.group(1)) if m else None


_NUM = lazy_compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


_ABSOLUTE_PATH = lazy_compile(r"[\sMLCQSTZz\d.,eE+-]*")


def _path_box(d: str) -> tuple[float, float, float, float, str] | None:
    """Start point, width, height and shape signature of a path whose commands are all absolute moves,
    lines and curves (the form plotting libraries write); None for relative, arc or H/V paths (their size
    is not read here)."""
    if not d or not _ABSOLUTE_PATH.fullmatch(d):
        return None
    nums = [float(x) for x in _NUM.findall(d)]
    if len(nums) < 4:
        return None
    xs, ys = nums[0::2], nums[1::2]
    x0, y0 = xs[0], ys[0]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    sig = ",".join(f"{x - x0:.1f}:{y - y0:.1f}" for x, y in zip(xs[:24], ys[:24], strict=False))
    return x0, y0, w, h, sig


def _curve_back_to_start(d: str) -> bool:
    """A path of curves that ends where it starts without a ``Z``: cairo's circle (R's ``pch = 1`` in an
    ``svg()`` figure is two Bézier halves from a point back to it)."""
    if "C" not in d and "c" not in d:
        return False
    nums = [float(x) for x in _NUM.findall(d)]
    return len(nums) >= 8 and abs(nums[0] - nums[-2]) < 0.01 and abs(nums[1] - nums[-1]) < 0.01


def _points(text: str) -> list[tuple[float, float]]:
    nums = [float(x) for x in _NUM.findall(text)]
    return list(zip(nums[0::2], nums[1::2], strict=False))


_EXCLUDED_GROUP = lazy_compile(r"^(?:[xy]?tick|legend|text|axis|matplotlib\.axis|patch|spine)", re.I)
_TEXTY = lazy_compile(r"^text_\d+$")
# A group id its author wrote (matplotlib's gid, Inkscape's label): words with a space or a colon, never the
# ids drawing programs make up ("PathCollection_1", "g1234", "line2d_3").
_NAMED_ID = lazy_compile(r"[^\W\d_]{2,}(?:[ :][^<>]*\d|[ ][^\W\d_]{2,})")


class _Group:
    __slots__ = ("anchor", "collection", "excluded", "ident", "lines", "serial")

    def __init__(self, serial: int, ident: str | None, excluded: bool, parent: _Group | None = None,
                 own_id: bool = False) -> None:
        self.serial = serial
        self.ident = ident
        self.excluded = excluded
        #: the group whose marks these are: its own; for a group without an id inside one with an id (the
        #: clip group matplotlib wraps around each point of a colour-mapped scatter), its parent's
        self.anchor = parent.anchor if parent is not None and not own_id and parent.ident else serial
        #: inside matplotlib's PathCollection: one scatter's points, whatever their sizes
        self.collection = bool(ident and ident.startswith("PathCollection"))
        self.lines: list[set[tuple[float, float]]] = []


def read_svg(source: Path | bytes, place: Place | None = None) -> DocumentContent:
    """Read an SVG figure (a file, or the bytes of one inside a document)."""
    out = DocumentContent()
    place = place or Place()
    fig = Figure(place, "SVG")
    try:
        fh: Any = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        out.problems.append(f"cannot read file ({type(exc).__name__})")
        return out
    with fh:
        head = fh.read(_PROLOG_SCAN)
        try:
            check_xml_prolog(head)
        except RefusedXML as exc:
            out.problems.append(f"SVG {exc}")
            out.limits.append(f"SVG {exc}")
            return out
        fh.seek(0)
        fig.producer = _svg_producer(head)
        rasters: list[str] = []
        try:
            _walk_svg(fh, fig, rasters)
        except SyntaxError as exc:
            out.problems.append(f"SVG could not be parsed ({type(exc).__name__})")
    out.figures.append(fig)
    for k, size in enumerate(rasters, start=1):
        # a raster image drawn in the figure (matplotlib's rasterized=True scatter): its marks cannot be read
        out.figures.append(Figure(Place(place.page, place.slide, f"{place.element or 'SVG'}: raster image {k}"),
                                  "raster image in SVG", fig.producer, size or None, readable=False))
    return out


def _svg_producer(head: bytes) -> str | None:
    text = head.decode("utf-8", errors="replace")
    for pattern, name in ((r"Created with matplotlib|Matplotlib v\d", "matplotlib"),
                          (r"class=['\"]svglite", "svglite (R)"),
                          (r"Stata \d+(?:\.\d+)? generated SVG|Stata Graph", "Stata"),
                          (r"Generator: Adobe Illustrator", "Adobe Illustrator"),
                          (r"Created with Highcharts", "Highcharts"), (r"class=['\"]main-svg", "plotly"),
                          (r"Microsoft Office|Excel", "Microsoft Office"), (r"inkscape", "Inkscape"),
                          (r"RaphaelJS|Raphaël", "Raphael"), (r"ggplot", "ggplot2"), (r"SAS", "SAS")):
        m = re.search(pattern, text, re.I)
        if m:
            return name
    return None


def _walk_svg(fh: Any, fig: Figure, rasters: list[str]) -> None:
    """Read the marks, texts, bars and data of an SVG into ``fig``; the sizes of the raster images it draws
    (larger than an icon) into ``rasters``."""
    stack: list[_Group] = []
    serial = 0
    # (group serial, shape signature) -> positions
    marks: dict[tuple[int, str], list[tuple[float, float]]] = {}
    shape_of: dict[tuple[int, str], str] = {}
    group_of: dict[int, _Group] = {}
    data_rows: dict[tuple[str, ...], list[dict[str, str]]] = {}
    meta_texts: list[str] = []
    scripts: list[str] = []
    depth_meta = 0
    labels = fig.labels
    # matplotlib's tick groups (ytick_3, xtick_2): the tick's position, and its label
    tick_at: dict[tuple[str, int], float] = {}
    tick_label: dict[tuple[str, int], str] = {}
    placed_numbers: list[tuple[float, float, str]] = []  # right-aligned numbers: svglite's y axis labels
    centred_numbers: list[tuple[float, float, str]] = []  # centred numbers: svglite's x axis labels
    bars: list[tuple[float, float, float, float]] = []
    # for box plots: outlines of boxes, straight segments (whiskers) and the centres of round marks
    boxes: list[tuple[float, float, float, float]] = []
    segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
    panel_lines: dict[str, int] = defaultdict(int)  # data lines per panel
    centres: list[tuple[float, float]] = []
    curves: list[list[tuple[float, float]]] = []  # drawn lines of three points or more (step curves)
    in_defs = 0  # inside definitions (clip paths, markers): shapes there are not drawn as they are
    scale = 1.0  # user units a pixel: Stata draws a 600 px graph in a 3960-unit viewBox
    for event, el in iterparse(fh, events=("start", "end", "comment")):
        if event == "comment":
            text = (el.text or "").strip()
            # matplotlib writes each text it draws as glyphs in a comment at the head of its group
            if text and stack and stack[-1].ident and _TEXTY.match(stack[-1].ident):
                labels.append(text)
                tick = _tick_of(stack)
                if tick is not None:
                    tick_label[tick] = text
            continue
        tag = _local(el.tag)
        if event == "start":
            if tag == "svg" and not stack:
                scale = _user_units_per_pixel(el)
            if tag in ("g", "svg", "a", "switch"):
                serial += 1
                ident = el.get("id")
                parent_excluded = stack[-1].excluded if stack else False
                excluded = parent_excluded or bool(ident and _EXCLUDED_GROUP.match(ident))
                # a group without an id is named by its nearest ancestor with one (matplotlib's clip group
                # inside "PathCollection_1")
                g = _Group(serial, ident or (stack[-1].ident if stack else None), excluded,
                           stack[-1] if stack else None, own_id=bool(ident))
                if ident and _NAMED_ID.search(ident):
                    labels.append(ident)  # a mark's own id set by its author ("Lycksele lasarett: 1/11"), data
                stack.append(g)
                group_of[serial] = g
            elif tag in ("metadata", "desc", "title"):
                depth_meta += 1
            elif tag in ("defs", "clipPath", "pattern", "marker", "symbol"):
                in_defs += 1
            attrs = {k: v for k, v in el.attrib.items() if k.startswith("data-") and k != "data-engine-version"}
            if attrs:
                key = tuple(sorted(attrs))
                data_rows.setdefault(key, []).append(attrs)
            continue
        # end
        if tag in ("metadata", "desc", "title"):
            depth_meta -= 1
            if tag != "metadata":
                t = "".join(el.itertext()).strip()
                if t:
                    meta_texts.append(t)
                    if tag == "title" and stack and len(stack) > 1:
                        labels.append(t)  # a mark's tooltip ("Mining: 2 firms"): shown on the figure
            else:
                meta_texts.extend(t.strip() for t in el.itertext() if t.strip())
            el.clear()
            continue
        if tag in ("g", "svg", "a", "switch"):
            if stack:
                stack.pop()
            el.clear()
            continue
        if tag in ("defs", "clipPath", "pattern", "marker", "symbol"):
            in_defs = max(in_defs - 1, 0)
        if tag == "text":
            t = "".join(el.itertext()).strip()
            if t:
                labels.append(t)
                tick = _tick_of(stack)
                if tick is not None:  # matplotlib with svg.fonttype "none": the tick's label as text
                    tick_label[tick] = t
                x, y = _float(el.get("x")), _float(el.get("y"))
                anchor = el.get("text-anchor") or _style_anchor(el.get("style", ""))
                # (matplotlib writes "rotate(-0 x y)" on upright text: no turn at all)
                level = not el.get("transform") or _NO_TURN.match(el.get("transform", ""))
                if x is not None and y is not None and level:
                    if anchor == "end":
                        placed_numbers.append((x, y, t))
                    elif anchor == "middle":
                        centred_numbers.append((y, x, t))
                elif x is not None and y is not None and el.get("text-anchor") == "middle" \
                        and _UPRIGHT.match(el.get("transform", "")):
                    # Stata's default y axis labels: turned upright about their own centre, on their ticks
                    placed_numbers.append((x, y, t))
            el.clear()
            continue
        if tag == "script":
            if el.text:
                scripts.append(el.text)
            el.clear()
            continue
        if tag == "image" and not in_defs and not depth_meta:
            w, h = _float(el.get("width")), _float(el.get("height"))
            if w is None or h is None or (w >= _ICON and h >= _ICON):
                rasters.append(f"{w:g}x{h:g}" if w is not None and h is not None else "")
            el.clear()
            continue
        if depth_meta or not stack:
            continue
        g = stack[-1]
        if tag == "use":
            tick = _tick_of(stack)
            at = _float(el.get("y" if tick is not None and tick[0] == "y" else "x"))
            if tick is not None and at is not None:
                tick_at[tick] = at
        elif tag in ("path", "rect") and not in_defs and not _in_axis_furniture(stack):
            bar = _bar(tag, el)
            if bar is not None:
                bars.append(bar)
            elif tag == "path":
                bars.extend(stair_bars(_line_points(tag, el, closed=True)))
        found = _mark(tag, el, scale)
        if found is not None:
            sig, shape, pos = found
            if not g.excluded:
                # a scatter's markers drawn from several definitions or outlines (one per size) are one set
                key = (g.anchor, shape if g.collection and shape in ("marker", "symbol") else sig)
                marks.setdefault(key, []).append(pos)
                shape_of[key] = shape
                if shape in ("marker", "circle") and not in_defs:
                    centres.append(pos)
        elif tag in ("path", "polyline", "line") and not g.excluded:
            pts = _line_points(tag, el)
            if len(pts) >= 3:
                group_of[g.anchor].lines.append({(round(x, 1), round(y, 1)) for x, y in pts})
                if not in_defs and not _in_axis_furniture(stack):
                    curves.append(pts)
                if not in_defs and not _in_axis_furniture(stack) and pts[0] != pts[-1]:
                    # counted per panel (matplotlib's "axes_2"): four panels of three lines are not twelve; an
                    # outline that closes on itself (a heatmap's cell) is no line
                    panel = next((x.ident for x in reversed(stack) if x.ident and _PANEL.match(x.ident)), "")
                    panel_lines[panel] += 1
        if found is None and tag in ("path", "polyline", "line", "polygon") and not in_defs \
                and not _in_axis_furniture(stack) and not el.get("transform") and (not g.excluded or _patch(stack)):
            # (a filled box plot's boxes are matplotlib patches, "patch_3": boxes, not furniture)
            pts = _line_points(tag, el, closed=True) if tag != "polygon" else _points(el.get("points", ""))
            if len(pts) == 2:
                segments.append((pts[0], pts[1]))
            elif (outline := outline_box(pts)) is not None:
                boxes.append(outline)
        if tag == "rect" and not in_defs and not g.excluded and not el.get("transform"):
            x, y = _float(el.get("x")) or 0.0, _float(el.get("y")) or 0.0
            w, h = _float(el.get("width")), _float(el.get("height"))
            if w is not None and h is not None and w > 0 and h > 0:
                boxes.append((x, x + w, y, y + h))
        if tag not in ("defs", "clipPath", "style"):
            el.clear()
    steps = StepIndex(curves)
    for (serial_no, _sig), pos in marks.items():
        if len(pos) < 2:
            continue
        g = group_of[serial_no]
        rounded = {(round(x, 1), round(y, 1)) for x, y in pos}
        # on a line of its own group, or sitting on another curve's flat steps (a Kaplan-Meier curve's
        # censoring marks: matplotlib draws them as a marker-only line beside the step line)
        on_line = any(len(rounded & line) >= 0.8 * len(rounded) for line in g.lines) or steps.holds(pos) \
            or monotone(pos)
        element = g.ident or f"group {serial_no}"
        fig.marks.append(MarkGroup(len(pos), len(rounded), shape_of[(serial_no, _sig)], element,
                                   regular=is_regular(pos), on_line=on_line))
    rug = rug_ticks(segments, steps)
    if rug is not None:
        fig.marks.append(rug)
    fig.marks.sort(key=lambda m: -m.count)
    fig.lines = max(panel_lines.values(), default=0)
    if centres and boxes and segments:
        fig.outliers = box_plot_outliers(boxes, segments, centres)
    if boxes and segments:
        fig.whiskered = whiskered_boxes(boxes, segments)
    ticks = [(tick_label[k], tick_at[k]) for k in tick_at if k in tick_label and k[0] == "y"]
    slack = 1.0
    if len(ticks) < 2:
        # a label's baseline sits a few units below its tick (about a third of the font size)
        ticks, slack = _placed_ticks(placed_numbers), 6.0
    fig.bar_heights = bar_heights(bars, ticks, slack)
    if not fig.bar_heights:
        # horizontal bars (barh, a population pyramid): lengths on the x axis, from its 0
        xticks = [(tick_label[k], tick_at[k]) for k in tick_at if k in tick_label and k[0] == "x"]
        xslack = 1.0
        if len(xticks) < 2:
            xticks, xslack = _placed_ticks(centred_numbers), 1.0
        across = [(top, bottom, left, right) for left, right, top, bottom in bars]
        fig.bar_heights = bar_heights(across, xticks, xslack)
    for key, rows in data_rows.items():
        if len(rows) >= 2 or any(len(v) > 40 for r in rows for v in r.values()):
            fig.data.append(DataSet("data-* attributes",
                                    columns={k[5:] or k: [r.get(k, "") for r in rows] for k in key}))
    if meta_texts:
        fig.data.append(DataSet("SVG metadata and descriptions", texts=meta_texts, metadata=True))
    for text in scripts:
        fig.data.extend(chart_data(text, "SVG script"))


#: An image drawn in an SVG smaller than this (in its units) each way is an icon or a logo, not a plot.
_ICON = 32.0
_TICK = lazy_compile(r"^([xy])tick_\d+$")
_NO_TURN = lazy_compile(r"^\s*rotate\(\s*-?0(?:\.0*)?(?:[\s,]+[-\d.e]+){0,2}\s*\)\s*$")
_STYLE_ANCHOR = lazy_compile(r"text-anchor\s*:\s*(start|middle|end)")


def _style_anchor(style: str) -> str | None:
    m = _STYLE_ANCHOR.search(style)
    return m.group(1) if m else None
_PANEL = lazy_compile(r"^axes_\d+$")
_FURNITURE = lazy_compile(r"^(?:legend|[xy]tick|matplotlib\.axis|axis|spine|patch_1$)", re.I)
_RECT_PATH = lazy_compile(r"^\s*M\s*([-\d.eE+]+)[\s,]+([-\d.eE+]+)\s*L\s*([-\d.eE+]+)[\s,]+([-\d.eE+]+)\s*"
                        r"L\s*([-\d.eE+]+)[\s,]+([-\d.eE+]+)\s*L\s*([-\d.eE+]+)[\s,]+([-\d.eE+]+)\s*[zZ]\s*$")
# A text turned upright about its own anchor: rotate(-90 x,y) or rotate(270, x, y).
_UPRIGHT = lazy_compile(r"^\s*rotate\(\s*(?:-90|270)(?:\.0+)?[\s,]+[-\d.]+[\s,]+[-\d.]+\s*\)\s*$")
TICK_NUMBER = lazy_compile(r"^[-\u2212]?\d[\d,]*(?:\.\d+)?$")
#: Bars on one baseline needed to read them as a histogram or a bar chart.
MIN_BARS = 3


def _tick_of(stack: list[_Group]) -> tuple[str, int] | None:
    """The axis ("x" or "y") and serial of the matplotlib tick group (``ytick_3``) the current element is
    in, if any."""
    for g in reversed(stack):
        m = _TICK.match(g.ident) if g.ident else None
        if m is not None:
            return m.group(1), g.serial
    return None


def _patch(stack: list[_Group]) -> bool:
    """Inside a matplotlib patch other than the axes' background (a bar, a filled box of a box plot)."""
    own = next((g.ident for g in reversed(stack) if g.ident), None)
    return bool(own and own.startswith("patch_") and own != "patch_1")


def _in_axis_furniture(stack: list[_Group]) -> bool:
    """Inside a legend, tick, axis or spine group, or the axes' background (matplotlib's ``patch_1``)."""
    return any(g.ident and _FURNITURE.match(g.ident) for g in stack)


def _bar(tag: str, el: Element) -> tuple[float, float, float, float] | None:
    """An axis-aligned filled rectangle larger than a mark: ``(left, right, top, bottom)`` in SVG units."""
    style = (el.get("style") or "") + " " + (el.get("fill") or "")
    if "fill: none" in style or "fill:none" in style or el.get("fill") == "none" or el.get("transform"):
        return None
    if tag == "rect":
        x, y = _float(el.get("x")) or 0.0, _float(el.get("y")) or 0.0
        w, h = _float(el.get("width")), _float(el.get("height"))
        if w is None or h is None or w <= 0 or h <= 0:
            return None
        return x, x + w, y, y + h
    m = _RECT_PATH.match(el.get("d", ""))
    if m is None:
        return None
    xs = [float(m.group(k)) for k in (1, 3, 5, 7)]
    ys = [float(m.group(k)) for k in (2, 4, 6, 8)]
    if len({round(x, 2) for x in xs}) != 2 or len({round(y, 2) for y in ys}) != 2:
        return None
    return min(xs), max(xs), min(ys), max(ys)


def stair_bars(pts: list[tuple[float, float]]) -> list[tuple[float, float, float, float]]:
    """The bars a step histogram draws as one outline (matplotlib ``hist(histtype="step")``, ``stairs``):
    a path that starts and ends on its baseline and goes up and down in steps, alternately vertical and
    horizontal. Each horizontal step over the baseline is a bar ``(left, right, top, bottom)`` (SVG's y grows
    downwards); none when the path is no such staircase."""
    if len(pts) < 6:
        return []
    pts = [p for k, p in enumerate(pts) if k == 0 or p != pts[k - 1]]
    if len(pts) > 2 and pts[-1] == pts[0]:
        pts = pts[:-1]  # (a closed outline back along the baseline)
    base = max(y for _, y in pts)
    if abs(pts[0][1] - base) > 0.01 or abs(pts[-1][1] - base) > 0.01:
        return []
    bars: list[tuple[float, float, float, float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        horizontal, vertical = abs(y1 - y0) <= 0.01, abs(x1 - x0) <= 0.01
        if not horizontal and not vertical:
            return []  # a curve or a slope: no staircase
        if horizontal and x1 > x0 and y0 < base - 0.01:
            bars.append((x0, x1, y0, base))
        elif horizontal and x1 < x0 and abs(y0 - base) > 0.01:
            return []  # back along the top: not one step outline
    return bars if len(bars) >= 3 else []


def _placed_ticks(numbers: list[tuple[float, float, str]]) -> list[tuple[str, float]]:
    """The y axis labels among right-aligned numbers drawn as text (svglite): the largest set sharing one
    x position, at least three of them."""
    by_x: dict[float, list[tuple[str, float]]] = {}
    for x, y, t in numbers:
        if TICK_NUMBER.match(t):
            by_x.setdefault(round(x, 0), []).append((t, y))
    best = max(by_x.values(), key=len, default=[])
    return best if len(best) >= 3 else []


def bar_heights(bars: list[tuple[float, float, float, float]], ticks: list[tuple[str, float]],
                slack: float = 1.0, tolerance: float = 1.0) -> list[float]:
    """The lengths, in the value axis's units, of the bars drawn from the axis's 0 (at least
    :data:`MIN_BARS` of them, of one thickness). A bar is ``(across_lo, across_hi, along_lo, along_hi)`` in
    SVG units, ``along`` being the value axis (y for columns, x for horizontal bars); it may end at 0 on
    either side (a population pyramid's two halves). The scale comes from the axis's tick labels and their
    positions; without two ticks, or when the labels are not in proportion to their positions (a log
    scale), there are none. ``tolerance`` is how far a tick may lie off the line through the others (a
    PDF's tick positions are estimated from the labels' lengths)."""
    points = []
    for label, at in ticks:
        try:
            points.append((float(label.replace("\u2212", "-").replace(",", "")), at))
        except ValueError:
            continue
    if len(points) < 2 or len(bars) < MIN_BARS:
        return []
    for attempt in (points, _unfolded(points)):
        if attempt is None:
            return []
        attempt.sort()
        (v0, a0), (v1, a1) = attempt[0], attempt[-1]
        if v1 == v0 or a1 == a0:
            return []
        per_unit = (a1 - a0) / (v1 - v0)  # negative on a y axis: SVG's y grows downwards
        if not any(abs(a0 + (v - v0) * per_unit - a) > tolerance for v, a in attempt):
            break
    else:
        return []  # not a linear axis
    zero = a0 - v0 * per_unit  # where the value 0 is drawn
    on = [b for b in bars if min(abs(b[2] - zero), abs(b[3] - zero)) <= slack]
    if on:
        # the bars of one chart share a thickness; a background or a panel behind them is thicker
        widths = sorted(b[1] - b[0] for b in on)
        median = widths[len(widths) // 2]
        on = [b for b in on if abs((b[1] - b[0]) - median) <= 0.05 * median]
    if len(on) < MIN_BARS:
        return []  # bars that do not start at 0 do not show counts by their length
    return [(b[3] - b[2]) / abs(per_unit) for b in sorted(on)]


#: A rug's ticks are short: at most this long (SVG units; matplotlib's and seaborn's are 5-10).
_RUG_TICK = 20.0


class StepIndex:
    """The flat (horizontal) pieces of a figure's drawn curves, by their y: whether marks sit on them."""

    def __init__(self, curves: list[list[tuple[float, float]]]) -> None:
        self.flat: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
        for pts in curves:
            for (x0, y0), (x1, y1) in itertools.pairwise(pts):
                if abs(y0 - y1) < 0.01 and abs(x1 - x0) > 0:
                    self.flat[round(y0)].append((min(x0, x1), max(x0, x1), y0))
            if len(pts) >= 3 and abs(pts[-1][0] - pts[-2][0]) < 0.01 and pts[-1][0] > pts[0][0]:
                # a step curve that ends with a step down (a Kaplan-Meier curve at its last event): its last
                # level goes on to the right, where the censored after the last event are marked
                x_end, y_end = pts[-1]
                self.flat[round(y_end)].append((x_end, math.inf, y_end))

    def holds(self, pos: list[tuple[float, float]], share: float = 0.8, tol: float = 1.0) -> bool:
        """Whether at least ``share`` of the points lie on a flat piece (within ``tol`` units)."""
        if not self.flat or not pos:
            return False
        on = 0
        for x, y in pos:
            k = round(y)
            if any(a - tol <= x <= b + tol and abs(y - sy) <= tol
                   for j in (k - 1, k, k + 1) for a, b, sy in self.flat.get(j, ())):
                on += 1
        return on >= share * len(pos)


def rug_ticks(segments: list[tuple[tuple[float, float], tuple[float, float]]],
              steps: StepIndex | None = None) -> MarkGroup | None:
    """A rug (seaborn's rugplot, an eventplot, vlines at each value): segments of one length side by side on
    one line, one per observation at its own value. The largest such set as marks (two or more short ticks,
    ten or more long lines); a few reference lines or error bars of different lengths are no rug. Short
    ticks whose middles sit on a curve's flat steps (``steps``) are censoring marks on a Kaplan-Meier curve
    ("+" or "|"): marks on a line."""
    sets: dict[tuple[str, float, float], list[tuple[float, float]]] = defaultdict(list)
    middles: dict[tuple[str, float, float], list[tuple[float, float]]] = defaultdict(list)
    for (x0, y0), (x1, y1) in segments:
        if abs(x0 - x1) < 0.01 and abs(y1 - y0) > 0:
            key = ("v", round(min(y0, y1), 1), round(max(y0, y1), 1))
            sets[key].append((x0, min(y0, y1)))
            middles[key].append((x0, (y0 + y1) / 2))
        elif abs(y0 - y1) < 0.01 and abs(x1 - x0) > 0:
            key = ("h", round(min(x0, x1), 1), round(max(x0, x1), 1))
            sets[key].append((min(x0, x1), y0))
            middles[key].append(((x0 + x1) / 2, y0))
    if not sets:
        return None
    key, pos = max(sets.items(), key=lambda kv: len(kv[1]))
    # short ticks make a rug from two on; lines across the plot (an eventplot, vlines at each value) from
    # ten on, so that a few reference lines (axvline at some years) are none
    if len(pos) < (2 if key[2] - key[1] <= _RUG_TICK else 10):
        return None
    rounded = {(round(x, 1), round(y, 1)) for x, y in pos}
    regular = is_regular(pos) if len({p[0] for p in pos}) > 1 else is_regular([(y, x) for x, y in pos])
    on_line = key[2] - key[1] <= _RUG_TICK and steps is not None and steps.holds(middles[key])
    return MarkGroup(len(pos), len(rounded), "rug tick", "rug", regular=regular, on_line=on_line)


def _unfolded(points: list[tuple[float, float]]) -> list[tuple[float, float]] | None:
    """Tick labels written as absolute values (a population pyramid's "100 50 0 50 100", matplotlib's
    FuncFormatter(abs)): the values before the 0, in the axis's order, made negative; None when the labels
    do not fall to 0 and rise again."""
    by_at = sorted(points, key=lambda p: p[1])
    values = [v for v, _ in by_at]
    if 0 not in values or any(v < 0 for v in values):
        return None
    z = values.index(0)
    falling = all(values[i] > values[i + 1] for i in range(z))
    rising = all(values[i] < values[i + 1] for i in range(z, len(values) - 1))
    if z == 0 or z == len(values) - 1 or not falling or not rising:
        return None
    return [(-v if i < z else v, a) for i, (v, a) in enumerate(by_at)]


def outline_box(pts: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    """The rectangle ``(left, right, low, high)`` a path of four corners draws (a fifth closing the outline, as
    matplotlib strokes a box plot's box), or None."""
    if len(pts) == 5 and abs(pts[0][0] - pts[4][0]) < 0.01 and abs(pts[0][1] - pts[4][1]) < 0.01:
        pts = pts[:4]
    if len(pts) != 4:
        return None
    xs, ys = {round(x, 2) for x, _ in pts}, {round(y, 2) for _, y in pts}
    if len(xs) != 2 or len(ys) != 2:
        return None
    return min(xs), max(xs), min(ys), max(ys)


def box_plot_outliers(boxes: list[tuple[float, float, float, float]],
                      segments: list[tuple[tuple[float, float], tuple[float, float]]],
                      points: list[tuple[float, float]], tol: float = 1.0) -> int:
    """The points a box plot draws beyond its whiskers: its outliers, each one unit's own value.

    A whisker is a straight segment along the value axis from the middle of a box's edge outwards (columns:
    vertical from the top or bottom edge; horizontal box plots: from the left or right edge); a point on the
    whisker's line beyond its far end is an outlier. Error bars, lollipops and reference lines start at no
    box's edge, and their points are on them, not beyond. Points drawn twice at one place count once.

    Segments and points are indexed by their position across the value axis, so a scatter of a million
    points beside a heat map of thousands of tiles costs one pass over each, not their product.
    """
    from collections import defaultdict

    found: set[tuple[float, float]] = set()
    for axis in (0, 1):  # 0: vertical boxes (values on y), 1: horizontal boxes (values on x)
        other = 1 - axis
        lines: dict[int, list[tuple[float, float, float]]] = defaultdict(list)  # across -> (at, lo, hi)
        for a, b in segments:
            if abs(a[axis] - b[axis]) <= 0.01:
                lo, hi = sorted((a[other], b[other]))
                lines[round(a[axis])].append((a[axis], lo, hi))
        if not lines:
            continue
        marks: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for pt in points:
            marks[round(pt[axis])].append(pt)
        for box in boxes:
            across_lo, across_hi, along_lo, along_hi = box if axis == 0 else (box[2], box[3], box[0], box[1])
            if across_hi - across_lo <= tol or along_hi - along_lo <= 0:
                continue
            centre = (across_lo + across_hi) / 2
            keys = range(round(centre - tol) - 1, round(centre + tol) + 2)
            for key in keys:
                for at, lo, hi in lines.get(key, ()):
                    if abs(at - centre) > tol:
                        continue
                    if abs(lo - along_hi) <= tol and hi > along_hi + tol:
                        end, sign = hi, 1.0  # the whisker goes up (right) from the box
                    elif abs(hi - along_lo) <= tol and lo < along_lo - tol:
                        end, sign = lo, -1.0
                    else:
                        continue
                    for k in keys:
                        for pt in marks.get(k, ()):
                            if abs(pt[axis] - centre) <= tol and sign * (pt[other] - end) > 0.5:
                                found.add((round(pt[0], 1), round(pt[1], 1)))
    return len(found)


def whiskered_boxes(boxes: list[tuple[float, float, float, float]],
                    segments: list[tuple[tuple[float, float], tuple[float, float]]], tol: float = 1.0) -> int:
    """The boxes with a whisker (a segment along the value axis from the middle of the box's edge outwards,
    as :func:`box_plot_outliers` reads them): a box plot's groups, each drawing its quartiles and extremes."""
    from collections import defaultdict

    found = 0
    for axis in (0, 1):
        other = 1 - axis
        lines: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
        for a, b in segments:
            if abs(a[axis] - b[axis]) <= 0.01:
                lo, hi = sorted((a[other], b[other]))
                lines[round(a[axis])].append((a[axis], lo, hi))
        for box in boxes if lines else ():
            across_lo, across_hi, along_lo, along_hi = box if axis == 0 else (box[2], box[3], box[0], box[1])
            if across_hi - across_lo <= tol or along_hi - along_lo <= 0:
                continue
            centre = (across_lo + across_hi) / 2
            if any(abs(at - centre) <= tol and ((abs(lo - along_hi) <= tol and hi > along_hi + tol)
                                                or (abs(hi - along_lo) <= tol and lo < along_lo - tol))
                   for key in range(round(centre - tol) - 1, round(centre + tol) + 2)
                   for at, lo, hi in lines.get(key, ())):
                found += 1
    return found


# An axis or title naming counts ("Antal personer", "Number of patients", "Count") and not a rate or share.
COUNT_AXIS = lazy_compile(r"(?<![a-zæøåäö])(antal\w*|antall\w*|count\w*|number|frequency|freq|frekvens\w*|lkm|"
                        r"persons|personer|patients|patienter|observations|observationer|no\.? of|"
                        # cases, events and deaths counted ("Nye tilfælde", "Nya fall", "Tapaukset", "Deaths")
                        r"tilfælde|tilfaelde|tilfeller|tilfelle|nya fall|cases|tapaukset|tapauksia|tapausta|"
                        r"events|hændelser|haendelser|händelser|hendelser|deaths|dødsfald|dödsfall|dødsfall|"
                        # households, firms and persons counted ("Asuntokuntia", "Husstande", "Households")
                        r"lukumäärä|asuntokun\w*|kotitalou\w*|henkilöä|households|husstande|hushåll|husholdninger|"
                        r"firms|virksomheder|företag|foretak|yrityksiä)"
                        r"(?![a-zæøåäö])")
NOT_COUNT_AXIS = lazy_compile(r"rate|per\b|pr\.|%|andel|share|percent|procent|prosent|mean|gennemsnit|average|"
                            r"median|ratio|proportion")
INTEGER_LABEL = lazy_compile(r"^\d{1,9}$|^\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+$")
DENSITY_AXIS = lazy_compile(r"density|tæthed|taethed|täthet|tetthet|probability|sandsynlighed")


def count_value_labels(labels: list[str]) -> list[str]:
    """The whole numbers printed on a figure whose axis or title names counts, other than its axis ticks:
    the values written on bars or points (matplotlib's ``bar_label``, ggplot's ``geom_text(aes(label =
    n))``), each a published count.

    Tick labels come as runs of numbers in arithmetic progression (0, 50, 100, ...); those runs (of three or
    more) are dropped. A figure that names no counts is left alone: its numbers may be means or rates.
    """
    if not any(_names_counts(x) for x in labels):
        return []
    values: list[str] = []
    run: list[str] = []
    for label in [*labels, ""]:
        text = label.strip()
        if INTEGER_LABEL.match(text) or _DECIMAL_TICK.match(text):
            run.append(re.sub(r"[ \u00a0\u2009\u202f]", "", text))  # ("18 412": one number)
            continue
        values.extend(v for v in _outside_progressions(_outside_log_ticks(_outside_powers(run)))
                      if INTEGER_LABEL.match(v))
        run = []
    return values


def _names_counts(label: str) -> bool:
    """Whether a label names counts in one of its clauses, without a rate or an amount in that clause (a map's
    legend "(farve: pr. 100.000 indbyggere, tal: antal dødsfald)": the colours are rates, the numbers counts)."""
    text = label.lower()
    if COUNT_AXIS.search(text) and not NOT_COUNT_AXIS.search(text):
        return True
    clauses = [c for c in re.split(r"[,;:()\[\]]", text) if c.strip()]
    return len(clauses) > 1 and any(COUNT_AXIS.search(c) and not NOT_COUNT_AXIS.search(c) for c in clauses)


# A decimal tick label ("0,25", "0.5", "2.5"): part of an axis's run of ticks, never a count.
_DECIMAL_TICK = lazy_compile(r"^\d{1,6}[.,]\d{1,4}$")


def _outside_powers(run: list[str]) -> list[str]:
    """``run`` without a log axis's ticks written as powers, base and exponent apart (matplotlib's "10" with a
    superscript "0", "10" "1", "10" "2" ...): two such pairs or more, their exponents one apart."""
    out: list[str] = []
    i = 0
    while i < len(run):
        j = i
        while j + 1 < len(run) and run[j] == "10" and re.fullmatch(r"-?\d", run[j + 1]) and (
                j == i or int(run[j + 1]) == int(run[j - 1]) + 1):
            j += 2
        if j - i >= 4:
            i = j
        else:
            out.append(run[i])
            i += 1
    return out


def _outside_log_ticks(run: list[str]) -> list[str]:
    """``run`` without its stretches of three or more in a geometric progression (a log axis's ticks: 0,25
    0,5 1 2 4; 1 10 100 1000); decimals are kept for the arithmetic test, which drops none of them as
    counts."""
    nums = [float(v.replace(",", ".")) for v in run]
    out: list[str] = []
    i = 0
    while i < len(run):
        j = i + 1
        if j < len(run) and nums[i] > 0 and nums[j] > nums[i]:
            ratio = nums[j] / nums[i]
            while j + 1 < len(run) and nums[j] > 0 and abs(nums[j + 1] / nums[j] - ratio) < 1e-9 * ratio:
                j += 1
        if j - i + 1 >= 3 and nums[i] > 0 and round(nums[i + 1] / nums[i], 6) in (2.0, 5.0, 10.0, 2.5):
            i = j + 1
        else:
            out.append(run[i])
            i += 1
    return out


def _outside_progressions(run: list[str]) -> list[str]:
    """The numbers of ``run`` outside its stretches of three or more in arithmetic progression (one axis's
    ticks after another's: 2010 2015 2020, then 0 1 2 3 4)."""
    out: list[str] = []
    i = 0
    while i < len(run):
        j = i + 1
        if j < len(run) and INTEGER_LABEL.match(run[i]) and INTEGER_LABEL.match(run[j]):
            step = int(run[j]) - int(run[i])
            while j + 1 < len(run) and INTEGER_LABEL.match(run[j + 1]) and int(run[j + 1]) - int(run[j]) == step:
                j += 1
        if j - i + 1 >= 3 and INTEGER_LABEL.match(run[i]) and _tick_step(int(run[i]), int(run[j]) - int(run[j - 1])):
            i = j + 1
        else:
            out.append(run[i])
            i += 1
    return out


def _tick_step(start: int, step: int) -> bool:
    """Whether a progression could be an axis's ticks: a round step (1, 2, 2.5 or 5 times a power of ten) from
    a multiple of it (0 1 2 3, 2010 2015 2020, 0 50 100). Bar values 2, 5, 8 are no ticks."""
    step = abs(step)
    if step == 0:
        return False
    scale = 10 ** (len(str(step)) - 1)
    return step / scale in (1, 2, 2.5, 5) and start % step == 0


def _user_units_per_pixel(svg: Element) -> float:
    """How many user units of the root's ``viewBox`` make one pixel of its ``width`` (at least 1): Stata
    writes ``width="600px" viewBox="0 0 3960 2880"``, so its markers of radius 26 are 4 px on the page."""
    box = (svg.get("viewBox") or "").replace(",", " ").split()
    width = _float(re.sub(r"(px|pt)$", "", (svg.get("width") or "").strip()))
    if len(box) != 4 or not width:
        return 1.0
    view = _float(box[2])
    return max(1.0, view / width) if view else 1.0


# The symbols cairo (R's svg() device, Cairo-based exports) draws its text's characters with: "#glyph0-2".
_CAIRO_GLYPH = lazy_compile(r"^#glyph\d+-\d+$")


def _mark(tag: str, el: Element, scale: float = 1.0) -> tuple[str, str, tuple[float, float]] | None:
    """A mark's shape signature, kind and position, or None when ``el`` is not a small repeated shape
    (sizes in pixels: ``scale`` user units a pixel)."""
    size = MARK_SIZE * scale
    if tag == "use":
        href = el.get("{http://www.w3.org/1999/xlink}href") or el.get("href") or ""
        x, y = _float(el.get("x")), _float(el.get("y"))
        if x is None or y is None or _CAIRO_GLYPH.match(href):
            return None  # (cairo, R's svg(), draws every character of its text as a use of a glyph symbol)
        return f"use:{href}", "marker", (x, y)
    if tag in ("circle", "ellipse"):
        x, y = _float(el.get("cx")), _float(el.get("cy"))
        r = _float(el.get("r")) if tag == "circle" else _float(el.get("rx"))
        if x is None or y is None or r is None or r > size / 2:
            return None
        return f"{tag}:{r:.1f}:{el.get('style', '')[:0]}", "circle", (x, y)
    if tag == "rect":
        w, h = _float(el.get("width")), _float(el.get("height"))
        x, y = _float(el.get("x")) or 0.0, _float(el.get("y")) or 0.0
        if w is None or h is None or not (0 < w <= size and 0 < h <= size):
            return None
        return f"rect:{w:.1f}:{h:.1f}", "square", (x, y)
    if tag in ("path", "polygon"):
        if tag == "polygon":
            pts = _points(el.get("points", ""))
            if len(pts) < 3:
                return None
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            x0, y0 = xs[0], ys[0]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            sig = ",".join(f"{x - x0:.1f}:{y - y0:.1f}" for x, y in pts[:24])
        else:
            box = _path_box(el.get("d", ""))
            if box is None:
                return None
            x0, y0, w, h, sig = box
            d = el.get("d", "")
            if not re.search(r"[zZ]", d) and not _curve_back_to_start(d):
                return None  # an open path is a line, not a mark
        if w > size or h > size or (w == 0 and h == 0):
            return None
        return f"{tag}:{sig}", "symbol", (x0, y0)
    return None


def _line_points(tag: str, el: Element, *, closed: bool = False) -> list[tuple[float, float]]:
    """The points of a straight line, polyline or path of moves and lines (``closed``: a path closed with
    ``z`` too, an outline such as a filled box plot's box)."""
    if tag == "line":
        ends = [_float(el.get(k)) for k in ("x1", "y1", "x2", "y2")]
        if any(v is None for v in ends):
            return []
        return [(ends[0], ends[1]), (ends[2], ends[3])]  # type: ignore[list-item]
    if tag == "polyline":
        return _points(el.get("points", ""))
    if tag == "path":
        d = el.get("d", "")
        if closed and re.fullmatch(r"[\sML\d.,eE+-]*[zZ]\s*", d):
            d = d.rstrip()[:-1]
        if not re.fullmatch(r"[\sML\d.,eE+-]*", d):
            return []
        return _points(d)
    return []


# -- raster images -------------------------------------------------------------------------------------

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Metadata keys that name the software, dates and technical settings: not data.
_TECHNICAL_KEYS = frozenset({
    "software", "creation time", "date:create", "date:modify", "date:timestamp", "dpi", "gamma", "icc_profile",
    "aspect", "transparency", "interlace", "compression", "progressive", "progression", "jfif", "jfif_version",
    "jfif_unit", "jfif_density", "exif", "adobe", "adobe_transform", "srgb", "chromaticity", "photoshop",
    "resolution", "loop", "duration", "background", "version", "extension", "mp", "mpoffset", "icc",
})
_EXIF_TEXT_TAGS = {0x010E: "ImageDescription", 0x013B: "Artist", 0x8298: "Copyright", 0x9286: "UserComment",
                   0x9C9C: "XPComment", 0x9C9B: "XPTitle", 0x9C9F: "XPSubject", 0x9C9E: "XPKeywords",
                   0x010D: "DocumentName", 0x9C9D: "XPAuthor"}
_EXIF_SOFTWARE = 0x0131


def _png_texts(data_iter: Iterator[bytes]) -> tuple[dict[str, str], list[str], int, int]:
    """Text chunks of a PNG stream: (key -> text, problems, width, height). Never decodes pixels."""
    buf = b"".join(data_iter)
    texts: dict[str, str] = {}
    problems: list[str] = []
    width = height = 0
    pos = 8
    kept = 0
    while pos + 8 <= len(buf):
        length, ctype = struct.unpack(">I4s", buf[pos:pos + 8])
        body = buf[pos + 8:pos + 8 + length]
        pos += 12 + length
        if len(body) < length:
            problems.append("PNG chunks are cut off: the file is damaged or truncated")
            break
        if ctype == b"IHDR" and length >= 8:
            width, height = struct.unpack(">II", body[:8])
        elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
            key, _, rest = body.partition(b"\x00")
            try:
                if ctype == b"tEXt":
                    text = rest.decode("latin-1")
                elif ctype == b"zTXt":
                    text = _inflate(rest[1:]).decode("latin-1")
                else:
                    flag, _method = rest[0], rest[1]
                    _lang, _, rest2 = rest[2:].partition(b"\x00")
                    _tkey, _, raw = rest2.partition(b"\x00")
                    text = (_inflate(raw) if flag else raw).decode("utf-8", errors="replace")
            except (zlib.error, IndexError, ValueError):
                problems.append("a PNG text chunk could not be decoded")
                continue
            kept += len(text)
            if kept > MAX_TEXT_BYTES:
                problems.append(f"PNG text chunks hold more than {MAX_TEXT_BYTES:,} bytes: the rest were not read")
                break
            name = key.decode("latin-1", errors="replace")
            texts[name] = texts[name] + "\n" + text if name in texts else text
        elif ctype == b"eXIf":
            for k, v in _exif_texts(body).items():
                texts[k] = v
        elif ctype == b"IEND":
            break
    return texts, problems, width, height


def _inflate(data: bytes) -> bytes:
    d = zlib.decompressobj()
    out = d.decompress(data, MAX_TEXT_BYTES + 1)
    if len(out) > MAX_TEXT_BYTES:
        raise ValueError("text chunk too large")
    return out


def _exif_texts(raw: bytes) -> dict[str, str]:
    """Text tags of an EXIF block (TIFF structure), through Pillow's reader."""
    try:
        from PIL import Image

        exif = Image.Exif()
        exif.load(raw if raw.startswith((b"II", b"MM")) else raw[6:] if raw.startswith(b"Exif") else raw)
    except Exception:  # a damaged EXIF block: its text cannot be read
        return {"(EXIF)": "(unreadable EXIF block)"}
    return _exif_dict(exif)


def _exif_dict(exif: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    items = dict(exif.items())
    with contextlib.suppress(Exception):  # no EXIF sub-IFD, or a damaged one
        items.update(exif.get_ifd(0x8769).items())
    for tag, value in items.items():
        if tag == _EXIF_SOFTWARE:
            out["Software"] = _exif_value(value)
        elif tag in _EXIF_TEXT_TAGS:
            text = _exif_value(value)
            if text.strip():
                out[_EXIF_TEXT_TAGS[tag]] = text
    return out


def _exif_value(value: object) -> str:
    if isinstance(value, bytes):
        if value[:8] in (b"ASCII\x00\x00\x00", b"UNICODE\x00"):
            enc = "utf-16" if value.startswith(b"UNICODE") else "ascii"
            return value[8:].decode(enc, errors="replace").strip("\x00 ")
        try:
            return value.decode("utf-16-le").strip("\x00")  # XP tags are UTF-16 byte arrays
        except UnicodeDecodeError:
            return value.decode("latin-1", errors="replace").strip("\x00")
    if isinstance(value, tuple):
        return bytes(v for v in value if isinstance(v, int) and 0 <= v < 256).decode("utf-16-le", errors="replace")
    return str(value)


_XMP_SKIP = lazy_compile(r"(?i)date|instanceid|documentid|derivedfrom|history|format|creatortool|toolkit|"
                       r"colorspace|resolution|dimension|orientation|pixel|compression|rating|when|action|"
                       r"softwareagent|changed|stevt|ref$")


def xmp_texts(xml: bytes) -> list[str]:
    """The text values of an XMP packet, except dates, ids and technical fields."""
    try:
        check_xml_prolog(xml[:_PROLOG_SCAN])
    except RefusedXML:
        return ["(XMP packet refused: it declares entities)"]
    out: list[str] = []
    try:
        stack: list[str] = []
        for event, el in iterparse(io.BytesIO(xml), events=("start", "end")):
            if event == "start":
                stack.append(_local(el.tag))
                for k, v in el.attrib.items():
                    if not _XMP_SKIP.search(_local(k)) and v.strip() and "}" in k and "rdf" not in k:
                        out.append(v.strip())
                continue
            stack.pop()
            if el.text and el.text.strip() and len(el) == 0 and not any(_XMP_SKIP.search(s) for s in stack[-3:]) \
                    and not _XMP_SKIP.search(_local(el.tag)):
                out.append(el.text.strip())
    except SyntaxError:
        return ["(XMP packet could not be parsed)"]
    return out


def read_image(source: Path | bytes, kind: str, place: Place | None = None) -> DocumentContent:
    """Read what can be read of a raster image: format, size, producing software and its text metadata.
    Its marks cannot be read (``readable`` False)."""
    out = DocumentContent()
    place = place or Place()
    fig = Figure(place, kind.upper(), readable=False)
    texts: dict[str, str] = {}
    try:
        if kind == "png":
            raw = source if isinstance(source, bytes) else Path(source).read_bytes()
            if not raw.startswith(_PNG_SIG):
                out.problems.append("not a PNG file")
                return out
            texts, problems, w, h = _png_texts(iter([raw]))
            out.problems.extend(problems)
            fig.size = f"{w}x{h} px"
        else:
            texts = _pillow_texts(source, fig, out)
    except OSError as exc:
        out.problems.append(f"image could not be read ({type(exc).__name__})")
        return out
    fig.producer = next((v.strip()[:80] for k, v in texts.items() if k.lower() == "software" and v.strip()), None)
    kept: list[str] = []
    for k, v in texts.items():
        if k.lower() in _TECHNICAL_KEYS or k.lower().startswith(("date:", "exif:", "icc", "png:")):
            continue
        if k in ("XML:com.adobe.xmp", "xmp", "XMP"):
            kept.extend(xmp_texts(v.encode("utf-8") if isinstance(v, str) else v))
        elif v and v.strip():
            kept.append(v)
    if kept:
        fig.data.append(DataSet(f"{fig.format} text metadata", texts=kept, metadata=True))
    out.figures.append(fig)
    return out


def _pillow_texts(source: Path | bytes, fig: Figure, out: DocumentContent) -> dict[str, str]:
    import warnings

    from PIL import Image

    texts: dict[str, str] = {}
    with warnings.catch_warnings():
        # A huge image only warns of a decompression bomb; its pixels are never decoded here.
        warnings.simplefilter("ignore")
        try:
            im = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        except Image.DecompressionBombError:
            out.problems.append("image dimensions are those of a decompression bomb: not read")
            return texts
        except (Image.UnidentifiedImageError, SyntaxError, ValueError) as exc:
            out.problems.append(f"image could not be read ({type(exc).__name__})")
            return texts
        with im:
            fig.size = f"{im.size[0]}x{im.size[1]} px"
            if getattr(im, "n_frames", 1) > 1:
                fig.size += f", {im.n_frames} frames"
            try:
                texts.update(_exif_dict(im.getexif()))
            except Exception:  # a damaged EXIF block
                out.problems.append("EXIF metadata could not be read")
            for k, v in im.info.items():
                if k in ("exif", "icc_profile"):
                    continue
                if k in ("xmp", "XML:com.adobe.xmp") and isinstance(v, bytes | str):
                    texts["xmp"] = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
                elif k == "comment" and isinstance(v, bytes | str):
                    texts["Comment"] = v.decode("latin-1") if isinstance(v, bytes) else v
                elif isinstance(v, str):
                    texts[k] = v
    return texts


# -- data embedded in interactive charts -----------------------------------------------------------------

_PLOTLY_CALL = lazy_compile(r"Plotly\.(?:newPlot|react|plot)\s*\(")
# The data argument of a plotly call given as a variable's name: ", data," / ", traces)".
_JS_NAME_ARGUMENT = lazy_compile(r"\s*([A-Za-z_$][\w$]*)\s*[,)]")
_VEGA_SPEC = lazy_compile(r"(?:var|let|const)\s+spec\s*=\s*|vegaEmbed\s*\(\s*['\"][^'\"]*['\"]\s*,\s*")
_UNIT_TRACES = {"histogram": "a histogram that carries the raw values it bins (one per unit)",
                "histogram2d": "a 2-d histogram that carries the raw values it bins (one per unit)",
                "histogram2dcontour": "a density plot that carries the raw values it bins (one per unit)",
                "box": "a box plot that carries the raw values it summarises (one per unit)",
                "violin": "a violin plot that carries the raw values it summarises (one per unit)",
                "densitymapbox": "a density map that carries every raw point"}
_DATA_KEYS = ("x", "y", "z", "text", "hovertext", "customdata", "ids", "lat", "lon", "values", "labels", "r",
              "theta", "a", "b", "c", "open", "high", "low", "close", "locations", "size")


def chart_data(script: str, where: str) -> list[DataSet]:
    """Data sets embedded in a script or JSON block of an HTML page or SVG: plotly traces, bokeh column
    data sources, vega/vega-lite data values. A call or block whose JSON does not decode is a data set
    marked ``unreadable`` (fail closed)."""
    found: list[DataSet] = []
    decoder = json.JSONDecoder()
    for m in _PLOTLY_CALL.finditer(script):
        pos = m.end()
        # first argument: the element id (a string) or an element; the data array follows the comma, written
        # there or as a variable assigned before ("var data = [...]; Plotly.newPlot('plot', data, layout)")
        bracket = script.find("[", pos)
        comma = script.find(",", pos)
        if comma >= 0:
            named = _JS_NAME_ARGUMENT.match(script, comma + 1)
            if named is not None:
                assigned = [a for a in re.finditer(rf"(?:var|let|const)\s+{re.escape(named.group(1))}\s*=\s*(?=\[)",
                                                   script[:m.start()])]
                if assigned:
                    bracket = assigned[-1].end()
        if comma < 0 or bracket < 0:
            continue
        try:
            traces, _ = decoder.raw_decode(script, bracket)
        except (json.JSONDecodeError, ValueError):
            # ("var trace = {...}; Plotly.newPlot('fig', [trace], layout)": the array names traces assigned before)
            traces = _named_traces(script, bracket, m.start(), decoder)
            if traces is None:
                found.append(DataSet(f"{where}: plotly figure", unreadable="its data could not be decoded"))
                continue
        if isinstance(traces, list):
            for k, trace in enumerate(traces, start=1):
                if isinstance(trace, dict):
                    found.append(_plotly_trace(trace, f"{where}: plotly trace {k}"))
    for m in _VEGA_SPEC.finditer(script):
        pos = m.end()
        while pos < len(script) and script[pos].isspace():
            pos += 1
        if pos >= len(script) or script[pos] != "{":
            continue
        try:
            spec, _ = decoder.raw_decode(script, pos)
        except (json.JSONDecodeError, ValueError):
            found.append(DataSet(f"{where}: vega specification", unreadable="its data could not be decoded"))
            continue
        found.extend(_vega(spec, where))
    found.extend(_shap_forces(script, where, decoder))
    found.extend(_leaflet_markers(script, where))
    found.extend(_kepler(script, where, decoder))
    found.extend(_script_records(script, where, decoder))
    stripped = script.strip()
    if stripped.startswith("{") and ("ColumnDataSource" in stripped or '"roots"' in stripped):
        try:
            doc = json.loads(stripped)
        except (json.JSONDecodeError, ValueError):
            found.append(DataSet(f"{where}: bokeh document", unreadable="its data could not be decoded"))
        else:
            found.extend(_bokeh(doc, where))
    elif stripped.startswith("{") and ('"$schema"' in stripped and "vega" in stripped):
        try:
            found.extend(_vega(json.loads(stripped), where))
        except (json.JSONDecodeError, ValueError):
            found.append(DataSet(f"{where}: vega specification", unreadable="its data could not be decoded"))
    elif stripped.startswith('{"x":') or stripped.startswith('{"x" :'):
        found.extend(_htmlwidget(stripped, where))
    return found


# An array of variables' names: "[trace]", "[trace1, trace2]".
_JS_NAMES_ARRAY = lazy_compile(r"\[\s*([A-Za-z_$][\w$]*(?:\s*,\s*[A-Za-z_$][\w$]*)*)\s*\]")


def _named_traces(script: str, bracket: int, before: int, decoder: json.JSONDecoder) -> list[object] | None:
    """The traces of a plotly call whose data array names variables (``[trace1, trace2]``), each an object
    assigned before the call (``var trace1 = {...};``); None when any is not found or does not decode."""
    names = _JS_NAMES_ARRAY.match(script, bracket)
    if names is None:
        return None
    traces: list[object] = []
    for name in re.split(r"\s*,\s*", names.group(1).strip()):
        assigned = list(re.finditer(rf"(?<![\w$.]){re.escape(name)}\s*=\s*(?=\{{)", script[:before]))
        if not assigned:
            return None
        try:
            trace = _relaxed_value(script, assigned[-1].end(), decoder)
        except (json.JSONDecodeError, ValueError):
            return None
        traces.append(trace)
    return traces


# Leaflet's calls that draw one mark per point: (the latitudes' and longitudes' argument, the popups').
_LEAFLET_POINTS = {"addCircleMarkers": (0, 1, 6), "addMarkers": (0, 1, 5), "addCircles": (0, 1, 6),
                   "addAwesomeMarkers": (0, 1, 5), "addLabelOnlyMarkers": (0, 1, 5)}


def _htmlwidget(text: str, where: str) -> list[DataSet]:
    """The data of an R htmlwidget (``{"x": {...}, "evals": [...]}`` in the page's JSON script): plotly's
    traces (``x.data``), leaflet's markers (``x.calls``: ``addCircleMarkers`` with its latitudes, longitudes
    and popups), highcharter's and echarts4r's series (``x.hc_opts.series``, ``x.opts.series``) with their
    categories. Written by hand: each widget package has its own layout and no library reads them."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return [DataSet(f"{where}: htmlwidget", unreadable="its data could not be decoded")]
    x = doc.get("x") if isinstance(doc, dict) else None
    if not isinstance(x, dict):
        return []
    found: list[DataSet] = []
    traces = x.get("data")
    if isinstance(traces, list) and any(isinstance(t, dict) and ("x" in t or "y" in t or "type" in t) for t in traces):
        found.extend(_plotly_trace(t, f"{where}: plotly trace {k}") for k, t in enumerate(traces, start=1)
                     if isinstance(t, dict))
    calls = x.get("calls")
    if isinstance(calls, list):
        found.extend(_leaflet_calls(calls, where))
    for key in ("hc_opts", "opts"):
        opts = x.get(key)
        if isinstance(opts, dict):
            found.extend(_series(opts, where))
    return found


def _leaflet_calls(calls: list[Any], where: str) -> list[DataSet]:
    """R leaflet's marker calls as the marks of a scatter on the map, their popups as texts."""
    found: list[DataSet] = []
    for k, call in enumerate(calls, start=1):
        if not isinstance(call, dict) or call.get("method") not in _LEAFLET_POINTS:
            continue
        args = call.get("args")
        lat_at, lng_at, popup_at = _LEAFLET_POINTS[str(call["method"])]
        if not isinstance(args, list) or len(args) <= lng_at:
            continue
        lats = args[lat_at] if isinstance(args[lat_at], list) else [args[lat_at]]
        lngs = args[lng_at] if isinstance(args[lng_at], list) else [args[lng_at]]
        points = [(float(b), float(a)) for a, b in zip(lats, lngs, strict=False)
                  if isinstance(a, int | float) and isinstance(b, int | float)]
        if not points:
            continue
        name = f"{where}: map markers ({call['method']} {k})"
        ds = DataSet(name, columns={"lat": [f"{y:g}" for _, y in points], "lon": [f"{x:g}" for x, _ in points]})
        popups = args[popup_at] if len(args) > popup_at else None
        if isinstance(popups, list):
            ds.texts = [re.sub(r"<[^>]+>", " ", str(p)) for p in popups[:MAX_VALUES] if p is not None]
        ds.marks = MarkGroup(len(points), len(set(points)), "map marker", name, regular=is_regular(points))
        found.append(ds)
    return found


def _series(opts: dict[str, Any], where: str) -> list[DataSet]:
    """A highcharts or echarts chart's series: each a column of values over the categories (the x axis's, or
    each point's name), named by the value axis's title or the series' name ("Antal konkurser", "Antal
    døde"). A box plot's five numbers are its groups' minimum, quartiles and maximum."""
    series = opts.get("series")
    if not isinstance(series, list):
        return []
    axis = opts.get("xAxis")
    axis = axis[0] if isinstance(axis, list) and axis else axis
    categories = axis.get("categories") if isinstance(axis, dict) else None
    if not isinstance(categories, list):
        categories = axis.get("data") if isinstance(axis, dict) else None
    value_axis = opts.get("yAxis")
    value_axis = value_axis[0] if isinstance(value_axis, list) and value_axis else value_axis
    title = value_axis.get("title") if isinstance(value_axis, dict) else None
    title = title.get("text") if isinstance(title, dict) else title
    found: list[DataSet] = []
    for k, one in enumerate(series, start=1):
        if not isinstance(one, dict) or not isinstance(one.get("data"), list):
            continue
        data = one["data"][:MAX_VALUES]
        name = str(title or one.get("name") or "value")
        labels: list[str] = []
        values: list[str] = []
        box: list[list[str]] = []
        for i, point in enumerate(data):
            label = str(categories[i]) if isinstance(categories, list) and i < len(categories) else str(i + 1)
            if isinstance(point, dict) and "low" in point and "high" in point:
                point = [point.get(q) for q in ("low", "q1", "median", "q3", "high")]  # (highcharts' box)
                box.append([str(point_label) if (point_label := data[i].get("name")) else label,
                            *("" if v is None else str(v) for v in point)])
                continue
            if isinstance(point, dict):
                label = str(point.get("name", label))
                point = point.get("y", point.get("value"))
            if isinstance(point, list) and len(point) == 5 and str(one.get("type", "")) == "boxplot":
                box.append([label, *(str(v) for v in point)])
                continue
            if isinstance(point, list) and len(point) == 2:
                label, point = str(point[0]), point[1]
            if isinstance(point, int | float) and not isinstance(point, bool):
                labels.append(label)
                values.append(f"{point:g}")
        at = f"{where}: series {k}"
        if box:
            found.append(DataSet(at, columns={"group": [r[0] for r in box], "min": [r[1] for r in box],
                                              "q1": [r[2] for r in box], "median": [r[3] for r in box],
                                              "q3": [r[4] for r in box], "max": [r[5] for r in box]}))
        elif values:
            found.append(DataSet(at, columns={"category": labels, name: values}))
    return found


# An array of records assigned in a page's script (Observable Plot, D3, Chart.js fed by hand: "const patienter =
# [{"alder": 48, ...}, ...]"); keys may be unquoted, as JavaScript allows.
_SCRIPT_ARRAY = lazy_compile(r"\b(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*(?=\[\s*\{)")
_BARE_KEY = lazy_compile(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:")
_SCRIPT_OBJECT = lazy_compile(r"\b(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*(?=\{)")
#: Records an array must hold to be read as a page's data (a few settings objects are no data set).
_SCRIPT_RECORDS_MIN = 3


_SHAP_FORCE = lazy_compile(r"AdditiveForce(?:Array)?Visualizer\s*,\s*(?=\{)")


def _shap_forces(script: str, where: str, decoder: json.JSONDecoder) -> list[DataSet]:
    """SHAP's force plot saved as HTML (``SHAP.AdditiveForceVisualizer, {"featureNames": [...], "features": {"0":
    {"effect": ..., "value": ...}}}``): the explanation of one unit's prediction, carrying that unit's own value
    of every feature (an array of them, ``AdditiveForceArrayVisualizer``, one unit's each)."""
    found: list[DataSet] = []
    for m in _SHAP_FORCE.finditer(script):
        try:
            spec = _relaxed_value(script, m.end(), decoder)
        except (json.JSONDecodeError, ValueError):
            found.append(DataSet(f"{where}: SHAP force plot", unreadable="its data could not be decoded"))
            continue
        names = spec.get("featureNames") if isinstance(spec, dict) else None
        features = spec.get("features") if isinstance(spec, dict) else None
        if not isinstance(names, list) or not isinstance(features, dict):
            continue
        values = {str(names[int(k)]) if str(k).isdigit() and int(k) < len(names) else str(k):
                  str(v.get("value")) for k, v in features.items() if isinstance(v, dict)}
        found.append(DataSet(f"{where}: SHAP force plot", columns={"feature": list(values),
                                                                   "value": list(values.values())},
                             unit_values="the explanation of one unit's prediction, with that unit's own value of "
                                         "each feature"))
    return found


def _relaxed_value(script: str, start: int, decoder: json.JSONDecoder) -> Any:
    """The JSON value (an object or an array) at ``script[start]``, also when written as JavaScript (unquoted
    keys, single quotes); raises ValueError when it is neither."""
    try:
        value, _ = decoder.raw_decode(script, start)
        return value
    except (json.JSONDecodeError, ValueError):
        from scanner.loaders.programs import balanced

        inner = balanced(script, start)
        if inner is None:
            raise ValueError("unbalanced") from None
        opener = script[start]
        closer = "}" if opener == "{" else "]"
        return json.loads(_BARE_KEY.sub(r'\1"\2":', f"{opener}{inner}{closer}").replace("'", '"'))


def _script_records(script: str, where: str, decoder: json.JSONDecoder) -> list[DataSet]:
    """Arrays of records a page's script assigns to a variable, as data sets of columns: what a chart drawn by
    the page's own code (Observable Plot, D3) carries, one record per person as often as not."""
    found: list[DataSet] = []
    for m in _SCRIPT_ARRAY.finditer(script):
        start = m.end()
        try:
            records, _ = decoder.raw_decode(script, start)
        except (json.JSONDecodeError, ValueError):
            from scanner.loaders.programs import balanced

            inner = balanced(script, start)
            if inner is None:
                continue
            try:  # (JavaScript's unquoted keys and single quotes, written as JSON)
                records = json.loads(_BARE_KEY.sub(r'\1"\2":', f"[{inner}]").replace("'", '"'))
            except (json.JSONDecodeError, ValueError):
                continue
        if not isinstance(records, list) or len(records) < _SCRIPT_RECORDS_MIN \
                or not all(isinstance(r, dict) for r in records):
            continue
        found.append(_records_data(records, f"{where}: script data"))
    for m in _SCRIPT_OBJECT.finditer(script):
        # an object of arrays of records ("const data = {nodes: [...], links: [...]}", a D3 Sankey's or graph's
        # data): each array a data set
        try:
            obj = _relaxed_value(script, m.end(), decoder)
        except (json.JSONDecodeError, ValueError):
            continue
        if not isinstance(obj, dict):
            continue
        flows = _graph_links(obj, f"{where}: script data (links)")
        if flows is not None:
            found.append(flows)
            continue
        for key, records in obj.items():
            if isinstance(records, list) and len(records) >= _SCRIPT_RECORDS_MIN \
                    and all(isinstance(r, dict) for r in records):
                found.append(_records_data(records, f"{where}: script data ({key})"))
    return found


def _graph_links(obj: dict[str, Any], where: str) -> DataSet | None:
    """A graph's data (D3's Sankey: ``{nodes: [{name}], links: [{source, target, value}]}``) as its flows: each link
    by its nodes' names and the units it carries (``value``; a hidden one written "<3" in its label), or None."""
    nodes, links = obj.get("nodes"), obj.get("links")
    if not isinstance(nodes, list) or not isinstance(links, list) or not links \
            or not all(isinstance(x, dict) and "source" in x and "target" in x for x in links):
        return None

    def name(ref: object) -> str:
        if isinstance(ref, int) and 0 <= ref < len(nodes) and isinstance(nodes[ref], dict):
            node = nodes[ref]
            return str(node.get("name", node.get("label", node.get("id", ref))))
        return str(ref.get("name", ref) if isinstance(ref, dict) else ref)

    def units(link: dict[str, Any]) -> str:
        value = link.get("value")
        if value is None and isinstance(link.get("label"), str):
            return link["label"]  # ("<3": a suppressed flow, as a table's cell would be)
        return "" if value is None else str(value)

    links = links[:MAX_VALUES]
    src, dst, n = [name(x["source"]) for x in links], [name(x["target"]) for x in links], [units(x) for x in links]
    totals = {name(k): node["value"] for k, node in enumerate(nodes)
              if isinstance(node, dict) and isinstance(node.get("value"), (int, float))}
    if totals and set(src) | set(dst) <= set(totals):
        # the nodes' totals as the flows into the first nodes and out of the last: every node then balances (what
        # flows in flows out), and a node with one hidden link gives it back
        first = list(dict.fromkeys(x for x in src if x not in set(dst)))
        last = list(dict.fromkeys(x for x in dst if x not in set(src)))
        return DataSet(where, columns={
            "from": ["(all)"] * len(first) + src + last, "to": first + dst + ["(all)"] * len(last),
            "stage": ["a: into"] * len(first) + ["b: links"] * len(links) + ["c: out of"] * len(last),
            "n": [str(totals[x]) for x in first] + n + [str(totals[x]) for x in last]})
    return DataSet(where, columns={"from": src, "to": dst, "n": n})


def _records_data(records: list[dict[str, Any]], where: str) -> DataSet:
    names = list(dict.fromkeys(str(k) for r in records for k in r))
    return DataSet(where, columns={n: ["" if r.get(n) is None else str(r.get(n)) for r in records[:MAX_VALUES]]
                                   for n in names})


# Leaflet's markers (folium, R leaflet): a point on the map at [latitude, longitude].
_LEAFLET_MARKER = lazy_compile(r"\bL\.(?:circleMarker|marker|circle)\(\s*\[\s*(-?\d+(?:\.\d+)?)\s*,\s*"
                               r"(-?\d+(?:\.\d+)?)\s*\]")
_KEPLER_ROWS = lazy_compile(r'"allData"\s*:\s*\[')
_KEPLER_FIELDS = lazy_compile(r'"fields"\s*:\s*\[')


def _leaflet_markers(script: str, where: str) -> list[DataSet]:
    """The point markers a Leaflet map (folium, R leaflet) draws, as the marks of a scatter on the map: one
    marker per firm or person is as disclosive as a scatter of them (FIG001)."""
    points = [(float(m.group(2)), float(m.group(1))) for m in _LEAFLET_MARKER.finditer(script)]
    if not points:
        return []
    ds = DataSet(f"{where}: map markers", columns={"lat": [f"{y:g}" for _, y in points],
                                                   "lon": [f"{x:g}" for x, _ in points]})
    ds.marks = MarkGroup(len(points), len(set(points)), "map marker", f"{where}: map markers",
                         regular=is_regular(points))
    return [ds]


def _kepler(script: str, where: str, decoder: json.JSONDecoder) -> list[DataSet]:
    """The data sets a kepler.gl map embeds (``{"allData": [[...], ...], "fields": [{"name": ...}]}``, in
    either order): rows of values, each field a column (a commuter's home and work coordinates, sex, age)."""
    found: list[DataSet] = []
    for m in _KEPLER_ROWS.finditer(script):
        try:
            rows, end = decoder.raw_decode(script, m.end() - 1)
        except (json.JSONDecodeError, ValueError):
            found.append(DataSet(f"{where}: kepler.gl data", unreadable="its data could not be decoded"))
            continue
        after = _KEPLER_FIELDS.search(script, end, end + 200)
        before = [f for f in _KEPLER_FIELDS.finditer(script, max(0, m.start() - 5000), m.start())]
        at = after or (before[-1] if before else None)
        fields: Any = None
        if at is not None:
            try:
                fields, _ = decoder.raw_decode(script, at.end() - 1)
            except (json.JSONDecodeError, ValueError):
                fields = None
        if not isinstance(rows, list) or not isinstance(fields, list):
            found.append(DataSet(f"{where}: kepler.gl data", unreadable="its rows or fields could not be read"))
            continue
        names = [str(f.get("name", f"field {k + 1}")) if isinstance(f, dict) else f"field {k + 1}"
                 for k, f in enumerate(fields)]
        if not all(isinstance(r, list) and len(r) == len(names) for r in rows):
            found.append(DataSet(f"{where}: kepler.gl data", unreadable="its rows do not match its fields"))
            continue
        found.append(DataSet(f"{where}: kepler.gl data", columns={
            n: ["" if r[k] is None else str(r[k]) for r in rows] for k, n in enumerate(names)}))
    return found


def _decode_typed(value: Any) -> list[Any] | None:
    """A plotly typed array ({"dtype": "f8", "bdata": base64}) or a bokeh ndarray, as a list."""
    import numpy as np

    if not isinstance(value, dict):
        return None
    try:
        if "bdata" in value and "dtype" in value:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return arr[:MAX_VALUES].tolist()
        if value.get("type") == "ndarray":
            data = value.get("array")
            if isinstance(data, dict) and data.get("type") == "bytes":
                arr = np.frombuffer(base64.b64decode(data["data"]), dtype=np.dtype(value.get("dtype", "float64")))
                return arr[:MAX_VALUES].tolist()
            if isinstance(data, list):
                return data[:MAX_VALUES]
        if "__ndarray__" in value:
            arr = np.frombuffer(base64.b64decode(value["__ndarray__"]), dtype=np.dtype(value.get("dtype", "float64")))
            return arr[:MAX_VALUES].tolist()
    except (binascii.Error, TypeError, ValueError):
        return None
    return None


def _record_rows(value: Any) -> list[list[str]] | None:
    """The fields of a list of equally long lists of scalars (a trace's per-point ``customdata``) as columns;
    None for anything else."""
    if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, list) and v for v in value):
        return None
    width = len(value[0])
    if width > 20 or any(len(v) != width or any(isinstance(x, (list, dict)) for x in v) for v in value):
        return None
    return [["" if v[j] is None else str(v[j]) for v in value[:MAX_VALUES]] for j in range(width)]


def _heatmap_cells(trace: dict[str, Any]) -> dict[str, list[str]] | None:
    """A heatmap's grid as one row per cell: its column and row labels (``x``, ``y``) beside its value (``z``) and
    the cell's hover fields (``customdata``, ``text``), so that a grid's repeated values are no repeated rows of
    units. None when ``z`` is no grid."""
    z = trace.get("z")
    if not isinstance(z, list) or not z or not all(isinstance(r, list) for r in z):
        return None
    n_rows, n_cols = len(z), max(len(r) for r in z)
    xs = trace.get("x") if isinstance(trace.get("x"), list) and len(trace["x"]) == n_cols else list(range(n_cols))
    ys = trace.get("y") if isinstance(trace.get("y"), list) and len(trace["y"]) == n_rows else list(range(n_rows))
    cells = [(i, j) for i in range(n_rows) for j in range(len(z[i]))][:MAX_VALUES]
    out = {"y": [str(ys[i]) for i, _ in cells], "x": [str(xs[j]) for _, j in cells],
           "z": ["" if z[i][j] is None else str(z[i][j]) for i, j in cells]}
    for key in ("customdata", "text", "hovertext"):
        extra = trace.get(key)
        if isinstance(extra, list) and len(extra) == n_rows and all(isinstance(r, list) for r in extra):
            values = [extra[i][j] if j < len(extra[i]) else None for i, j in cells]
            if all(isinstance(v, list) for v in values if v is not None):
                width = max((len(v) for v in values if v is not None), default=0)
                for k in range(min(width, 20)):
                    out[f"{key} {k + 1}"] = ["" if v is None or k >= len(v) or v[k] is None else str(v[k])
                                             for v in values]
            elif key == "customdata":
                out[key] = ["" if v is None else str(v) for v in values]
            else:
                # (a cell's hover text: its fields when written "key: value", else no column: a label per cell
                # would make every cell a combination of its own)
                out.update(_hover_fields(["" if v is None else str(v) for v in values], set(out)))
    return out


def _column(value: Any) -> list[str] | None:
    if isinstance(value, list):
        flat = value
        if flat and all(isinstance(v, list) for v in flat):  # a 2-d array (a heatmap's z)
            flat = [x for row in flat for x in row]
        return ["" if v is None else str(v) for v in flat[:MAX_VALUES]]
    typed = _decode_typed(value)
    if typed is not None:
        return [str(v) for v in typed]
    return None


def _sankey_links(trace: dict[str, Any], where: str) -> DataSet | None:
    """A plotly Sankey's flows: its links' sources and targets by their nodes' labels and the units each carries
    (``link.value``), as a table of counts (a flow of 2 persons from one state to another is a cell of 2)."""
    link, node = trace.get("link"), trace.get("node")
    if not isinstance(link, dict):
        return None
    sources, targets, values = (_column(link.get(k)) for k in ("source", "target", "value"))
    if not sources or not targets or not values or not len(sources) == len(targets) == len(values):
        return DataSet(where, unreadable="its links could not be read")
    labels = _column(node.get("label")) if isinstance(node, dict) else None

    def name(index: str) -> str:
        k = int(float(index)) if re.fullmatch(r"\d+(?:\.0)?", index) else -1
        return labels[k] if labels and 0 <= k < len(labels) else f"node {index}"

    return DataSet(where, columns={"from": [name(x) for x in sources], "to": [name(x) for x in targets],
                                   "n": list(values)})


def _plotly_trace(trace: dict[str, Any], where: str) -> DataSet:
    kind = str(trace.get("type", "scatter"))
    if kind == "sankey":
        flows = _sankey_links(trace, where)
        if flows is not None:
            return flows
    columns: dict[str, list[str]] = {}
    grid = _heatmap_cells(trace) if kind in ("heatmap", "heatmapgl", "contour") else None
    if grid is not None:
        columns.update(grid)
    for key in _DATA_KEYS:
        if key in trace and key not in columns and not (grid is not None and key in ("x", "y", "z", "customdata",
                                                                                  "text", "hovertext")):
            rows = _record_rows(trace[key]) if key == "customdata" else None
            if rows is not None:
                # per-point records ("customdata": [[52, 29490721], ...]: each point's count and population): a
                # column per field, as the hover template reads them
                columns.update({f"{key} {j + 1}": col for j, col in enumerate(rows)})
                continue
            col = _column(trace[key])
            if col is None and isinstance(trace[key], dict):
                return DataSet(where, unreadable=f"the values of '{key}' are encoded in a form not read")
            if col is not None:
                columns[key] = col
    for key in ("text", "hovertext"):
        fields = _hover_fields(columns[key], set(columns)) if key in columns else {}
        if fields:
            # (the texts themselves go: their fields are the columns, and a text is no label to print)
            del columns[key]
            columns.update(fields)
    marker = trace.get("marker")
    if isinstance(marker, dict) and "size" in marker:
        col = _column(marker["size"])
        if col is not None and len(col) > 1:
            columns["marker size"] = col
    mode = str(trace.get("mode", ""))
    if kind in ("scatter", "scattergl") and "lines" in mode and "markers" not in mode and "text" not in mode \
            and set(columns) <= {"x", "y"} and all(len(v) == 2 for v in columns.values()):
        # a straight segment of two ends (a ROC plot's chance diagonal, x = [0, 1], y = [0, 1]; a reference
        # line): drawn, no data of units
        columns = {}
    ds = DataSet(where, columns=_equal_lengths(columns))
    if isinstance(trace.get("name"), str):
        ds.label = trace["name"].strip()
    ds.unit_values = _UNIT_TRACES.get(kind, "")
    if kind == "box" and trace.get("boxpoints") is False and not any(len(v) > 1 for v in columns.values()):
        ds.unit_values = ""
    boxes = len(_column(trace.get("median")) or []) if kind == "box" else 0
    if boxes and "q1" in trace and "q3" in trace and not any(len(v) > boxes for v in columns.values()):
        # a box drawn from statistics computed before (plotly's q1, median, q3, fences): one value per box, no
        # raw values
        ds.unit_values = ""
    if kind in ("scatter", "scattergl", "scatter3d", "scatterpolar", "scattergeo", "scattermapbox") and (
            "markers" in mode or (not mode and max((len(v) for v in columns.values()), default=0) < 20)):
        xs = [_float(v) for v in columns.get("x", [])]
        ys = [_float(v) for v in columns.get("y", [])]
        points = [(x, y or 0.0) for x, y in zip(xs, ys, strict=False) if x is not None]
        n = max((len(v) for k, v in columns.items() if k in ("x", "y", "lat", "lon", "r")), default=0)
        if n:
            names = next((v for k in ("hovertext", "text") if isinstance(v := trace.get(k), list) and len(v) == n), [])
            named = bool(names) and len(set(map(str, names))) == n and all(
                isinstance(x, str) and re.search(r"[^\W\d_]{3,}", x) and not re.search(r"\d", x) for x in names)
            ds.marks = MarkGroup(n, len(set(points)) or n, "plotly marker", where,
                                 regular=is_regular(points) if points else False, on_line="lines" in mode,
                                 named=named)
    return ds


_HOVER_FIELD = lazy_compile(r"^\s*([^:<>]{1,40}?)\s*:\s*(.*?)\s*$")


def _hover_fields(texts: list[str], taken: set[str]) -> dict[str, list[str]]:
    """The fields of a trace's hover texts written "key: value" line by line ("tid: 0.002 år<br>n.risk: 577<br>
    n.event: 1", a survival curve's points from R or plotly): each key a column, when every text has it."""
    if not texts or not all("<br" in t or "\n" in t for t in texts[:50]):
        return {}
    fields: dict[str, list[str]] = {}
    for k, text in enumerate(texts):
        seen = set()
        for part in re.split(r"<br\s*/?>|\n", text):
            m = _HOVER_FIELD.match(re.sub(r"<[^>]{0,40}>", "", part))
            if m is None or m.group(1) in seen:
                continue
            seen.add(m.group(1))
            column = fields.setdefault(m.group(1), [""] * k) if k == 0 or m.group(1) in fields else None
            if column is not None:
                column.append(m.group(2))
        for key in [f for f in fields if len(fields[f]) != k + 1]:
            del fields[key]  # (a key missing from one text: no column)
    return {key if key not in taken else f"{key} (hover)": v for key, v in fields.items() if len(fields) >= 2}


def _equal_lengths(columns: dict[str, list[str]]) -> dict[str, list[str]]:
    """Columns of the longest length (shorter ones, such as a single colour, are settings, not data)."""
    if not columns:
        return {}
    n = max(len(v) for v in columns.values())
    return {k: v for k, v in columns.items() if len(v) == n}


def _vega(spec: Any, where: str) -> list[DataSet]:
    out: list[DataSet] = []

    def records(values: Any, name: str) -> None:
        if isinstance(values, list) and values and all(isinstance(r, dict) for r in values):
            keys: list[str] = []
            for r in values[:1000]:
                keys.extend(k for k in r if k not in keys)
            cols = {k: ["" if r.get(k) is None else str(r.get(k)) for r in values[:MAX_VALUES]] for k in keys}
            out.append(DataSet(f"{where}: vega data '{name}'", columns=cols))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("datasets"), dict):
                for name, values in node["datasets"].items():
                    records(values, str(name)[:24])
            data = node.get("data")
            if isinstance(data, dict) and "values" in data:
                records(data["values"], str(data.get("name", "inline")))
            elif isinstance(data, list):
                for d in data:
                    if isinstance(d, dict) and "values" in d:
                        records(d["values"], str(d.get("name", "inline")))
            mark = node.get("mark")
            kind = mark.get("type") if isinstance(mark, dict) else mark
            if kind in ("point", "circle", "square", "tick") and out and out[-1].marks is None:
                n = max((len(v) for v in out[-1].columns.values()), default=0)
                if n:
                    out[-1].marks = MarkGroup(n, n, f"vega {kind} mark", out[-1].where)
            if kind in ("line", "trail") and out and isinstance(node.get("encoding"), dict):
                # a line per value of the field that splits the lines: 20 ids, 20 persons' trajectories
                for channel in ("detail", "color", "strokeDash", "stroke"):
                    enc = node["encoding"].get(channel)
                    field = enc.get("field") if isinstance(enc, dict) else None
                    values = out[-1].columns.get(field) if isinstance(field, str) else None
                    if values:
                        out[-1].lines = max(out[-1].lines, len(set(values)))
            for k, v in node.items():
                if k not in ("datasets", "data"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


def _bokeh(doc: Any, where: str) -> list[DataSet]:
    out: list[DataSet] = []
    scatter = False

    def data_of(attrs: dict[str, Any]) -> dict[str, list[str]] | None:
        data = attrs.get("data")
        entries: list[tuple[str, Any]] = []
        if isinstance(data, dict) and data.get("type") == "map":
            entries = [(str(k), v) for k, v in data.get("entries", [])]
        elif isinstance(data, dict):
            entries = [(str(k), v) for k, v in data.items()]
        cols: dict[str, list[str]] = {}
        for k, v in entries:
            col = _column(v)
            if col is None:
                return None
            cols[k] = col
        return cols

    def walk(node: Any) -> None:
        nonlocal scatter
        if isinstance(node, dict):
            name = node.get("name") or node.get("type")
            if name in ("Scatter", "Circle", "Marker", "Square", "Diamond", "Triangle"):
                scatter = True
            if name == "ColumnDataSource":
                attrs = node.get("attributes", node)
                cols = data_of(attrs if isinstance(attrs, dict) else {})
                if cols is None:
                    out.append(DataSet(f"{where}: bokeh data source", unreadable="its columns are encoded in a "
                                                                                 "form not read"))
                elif cols:
                    out.append(DataSet(f"{where}: bokeh data source {len(out) + 1}", columns=_equal_lengths(cols)))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    if scatter:
        for ds in out:
            if ds.columns:
                n = max(len(v) for v in ds.columns.values())
                xs = [_float(v) for v in ds.columns.get("x", [])]
                points = [(x, 0.0) for x in xs if x is not None]
                ds.marks = MarkGroup(n, n, "bokeh marker", ds.where, regular=is_regular(points) if points else False)
    return out
