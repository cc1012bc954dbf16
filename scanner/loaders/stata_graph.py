"""Stata graph files (``.gph``): what kind of graph, which command drew it, whether it keeps its data.

``graph save`` writes a *live* graph by default: a text header (``StataFileTM:...:LiveGPH``, then ``*!
command: twoway scatter income age``), the graph's class tree and its *sersets*, the data of every plotted
variable, so that ``graph use`` can redraw and edit it. An *as-is* graph (``graph save, asis``) keeps only
the drawing. No library reads either (the serset part is a Stata-internal binary layout); this reads the
text header and the names of the plotted series, which is what a judgment needs: a live graph of a
unit-level plot (a scatter, a histogram) carries one value per person.
"""

from __future__ import annotations

import re
from pathlib import Path

from scanner.lazy_regex import lazy_compile
from scanner.loaders.base import LoadError
from scanner.loaders.office import DataSet, DocumentContent, Figure, Place

__all__ = ["MAGIC", "read_stata_graph"]

MAGIC = b"StataFileTM:"
#: Bytes of the file read for its header and series names (the class tree precedes the sersets' data).
_HEAD_BYTES = 4 << 20
_COMMAND = lazy_compile(rb"^\*! command: ?(.*)$", re.M)
_FAMILY = lazy_compile(rb"^\*! family: ?(.*)$", re.M)
_SERIES_NAME = lazy_compile(rb"^\s*\.name = `\"([^\"\n]{1,64})\"'", re.M)
# Plots that draw (or bin in Stata's own code, from the serset) one value per observation.
_UNIT_PLOTS = lazy_compile(r"\b(?:scatter|sc|histogram|hist|kdensity|lowess|"
                         r"qnorm|pnorm|qqplot|quantile|symplot|avplots?|rvfplot|lvr2plot|matrix)\b")


def read_stata_graph(path: Path) -> DocumentContent:
    """The figure a Stata ``.gph`` file holds, with the data a live graph keeps (LoadError if unreadable)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        raise LoadError(f"cannot read file ({type(exc).__name__})") from None
    first = head.split(b"\n", 1)[0]
    if not first.startswith(MAGIC):
        raise LoadError("not a Stata graph file")
    content = DocumentContent()
    live = b"LiveGPH" in first
    command = _text(_COMMAND.search(head))
    family = _text(_FAMILY.search(head))
    figure = Figure(Place(), "Stata live graph" if live else "Stata as-is graph", producer="Stata",
                    readable=False)
    content.figures.append(figure)
    if not live:
        return content
    series = {m.group(1) for m in _SERIES_NAME.finditer(head)}
    what = f"the {len(series)} plotted variable(s)" if series else "the plotted variables"
    plot = _UNIT_PLOTS.search(command.lower()) or (family == "twoway" and not command)
    if plot:
        name = plot.group(0) if isinstance(plot, re.Match) else "twoway"
        figure.data.append(DataSet(
            "Stata graph sersets",
            unit_values=f"a live Stata graph keeps the data of its {name} plot ({what}, one value per "
                        "observation) so that `graph use` can redraw it"))
    else:
        figure.data.append(DataSet(
            "Stata graph sersets",
            unreadable=f"a live Stata graph keeps the data it plots ({what}) in sersets, a binary form the "
                       "scanner does not decode; save the graph as PNG or PDF, or check the data it holds"))
    return content


def _text(m: re.Match[bytes] | None) -> str:
    return m.group(1).decode("latin-1").strip() if m else ""
