"""Figures: SVGs from real matplotlib and in svglite's form, raster images with and without text chunks,
and the corpus figures (every one gets a verdict; the scatter plots are flagged, the line charts pass)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.findings import Verdict
from tests.doc_samples import cprs, make_png
from tests.test_documents import _detail, of, rules, scan

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _mpl(name: str, draw: Callable[[object], None]) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        fig, ax = plt.subplots()
        draw(ax)
        fig.savefig(d / name)
        plt.close(fig)
        return d / name

    build.__qualname__ = name.replace(".", "_")
    return build


_rng = np.random.default_rng(11)
X, Y = _rng.normal(size=300), _rng.normal(size=300)

mpl_scatter = _mpl("scatter.svg", lambda ax: ax.scatter(X, Y))
mpl_plot_markers = _mpl("plot_o.svg", lambda ax: ax.plot(X[:80], Y[:80], "o"))
# matplotlib draws a colour-mapped scatter's points each in a clip group of its own, and one outline per size
mpl_scatter_cmap = _mpl("scatter_cmap.svg", lambda ax: ax.scatter(X[:60], Y[:60], c=Y[:60], cmap="viridis"))
mpl_scatter_sizes = _mpl("scatter_sizes.svg", lambda ax: ax.scatter(X[:60], Y[:60], s=10 + 40 * np.abs(Y[:60])))
# rasterized=True: the points are a PNG inside the SVG
mpl_scatter_rasterized = _mpl("scatter_raster.svg", lambda ax: ax.scatter(X[:60], Y[:60], rasterized=True))
mpl_strip = _mpl("strip.svg", lambda ax: ax.plot(np.repeat([1, 2, 3], 40), _rng.normal(size=120), "o"))
FEW_X = [0.13, 0.52, 0.91, 0.33, 0.71, 0.24, 0.86]
mpl_few_points = _mpl("few.svg", lambda ax: ax.scatter(FEW_X, [3, 1, 4, 1, 5, 9, 2]))
mpl_bar = _mpl("bar.svg", lambda ax: ax.bar(["North", "South", "East"], [120, 98, 77]))
# a histogram of counts is a frequency table: the thin tails of 2,000 normal values hold bins of 1 or 2
mpl_hist = _mpl("hist.svg", lambda ax: ax.hist(_rng.normal(size=2000), bins=30))
mpl_hist_safe = _mpl("hist_safe.svg", lambda ax: ax.hist(np.linspace(0, 1, 2000), bins=20))
mpl_hist_density = _mpl("hist_density.svg", lambda ax: (ax.hist(_rng.normal(size=2000), bins=30, density=True),
                                                        ax.set_ylabel("Density")))
mpl_series = _mpl("series.svg", lambda ax: ax.plot(np.arange(52), 100 + _rng.normal(size=52), "-o"))
mpl_line = _mpl("line.svg", lambda ax: ax.plot(np.arange(200), np.cumsum(_rng.normal(size=200))))
# 60 persons' points sorted by x and joined by a line: a person must tell it from a curve of estimates
_XS = np.sort(_rng.uniform(20, 70, size=60))
mpl_joined_points = _mpl("joined.pdf", lambda ax: ax.plot(_XS, 1000 * _XS + _rng.normal(0, 5000, size=60), "o-"))
mpl_series_pdf = _mpl("series.pdf", lambda ax: ax.plot(np.arange(52), 100 + _rng.normal(size=52), "-o"))
# 35 persons at whole-year ages (20-69): most ages have one mark, many have none: not a series over a grid
_AGES = _rng.integers(20, 70, size=35)
mpl_scatter_whole_ages = _mpl("ages.svg", lambda ax: ax.scatter(_AGES, 200_000 + 4_000 * _AGES
                                                                + _rng.normal(0, 30_000, size=35)))
# three yearly series with markers (2000-2020): every year, three marks at each
mpl_yearly_series = _mpl("yearly.svg", lambda ax: [ax.plot(np.arange(2000, 2021), k + _rng.normal(size=21), "o")
                                                   for k in range(3)])


def _bar_labels(ax: object, labels: list[str]) -> None:
    bars = ax.bar(["a", "b", "c"], [5, 2, 9])  # type: ignore[attr-defined]
    ax.bar_label(bars, labels=labels)  # type: ignore[attr-defined]


mpl_bar_small_n = _mpl("bar_n.svg", lambda ax: _bar_labels(ax, ["n=50", "n=2", "n=90"]))
mpl_bar_safe_n = _mpl("bar_n_safe.svg", lambda ax: _bar_labels(ax, ["n=50", "n=20", "n=90"]))


def _count_bars(ax: object, counts: list[int], ylabel: str) -> None:
    bars = ax.bar(["Nord", "Midt", "Syd"], counts)  # type: ignore[attr-defined]
    ax.bar_label(bars)  # type: ignore[attr-defined]
    ax.set_ylabel(ylabel)  # type: ignore[attr-defined]


# the value of each bar written on it (bar_label): on an axis of counts, a 2 is a small cell
mpl_bar_values_small = _mpl("bar_values.svg", lambda ax: _count_bars(ax, [120, 2, 340], "Antal personer"))
mpl_bar_values_safe = _mpl("bar_values_safe.svg", lambda ax: _count_bars(ax, [120, 87, 340], "Number of patients"))


def _monthly_cases(ax: object, may: int) -> None:
    """New cases a month, each bar labelled (matplotlib's default SVG writes texts as glyphs, each in a
    comment): the values 2, 5, 8 run in steps of three like ticks, but no axis has such ticks."""
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    bars = ax.bar(months, [5, 7, 4, 6, may, 5, 8, 3, 6, 4, 5, 7])  # type: ignore[attr-defined]
    ax.bar_label(bars)  # type: ignore[attr-defined]
    ax.set_ylabel("Nye tilfælde")  # type: ignore[attr-defined]
    ax.set_title("Nye tilfælde af myasthenia gravis pr. måned, Region Nordjylland 2023")  # type: ignore[attr-defined]


def _hexbin_with_colorbar(ax: object) -> None:
    rng = np.random.default_rng(21)
    cells = ax.hexbin(rng.lognormal(2, 1, 9214), rng.lognormal(3, 1, 9214), gridsize=25, mincnt=3,  # type: ignore[attr-defined]
                      xscale="log", yscale="log")
    plt.colorbar(cells, ax=ax, label="Antal virksomheder")
    ax.set_xlabel("Ansatte")  # type: ignore[attr-defined]
    ax.set_ylabel("Omsætning (mio. kr.)")  # type: ignore[attr-defined]


def _tile_map(ax: object, laeso: int) -> None:
    """A tile map: one square per municipality, its name and its count written on it (no bars, no axis)."""
    from matplotlib.patches import Rectangle

    tiles = {"Læsø": (3, 3, laeso), "Hjørring": (1, 2, 31), "Frederikshavn": (2, 2, 23), "Thisted": (0, 1, 22),
             "Jammerbugt": (1, 1, 19), "Aalborg": (2, 0, 71), "Morsø": (0, 0, 9)}
    for name, (x, y, n) in tiles.items():
        ax.add_patch(Rectangle((x, y), 0.9, 0.9, color="#9ecae1"))  # type: ignore[attr-defined]
        ax.text(x + 0.45, y + 0.55, name, ha="center", fontsize=7)  # type: ignore[attr-defined]
        ax.text(x + 0.45, y + 0.3, str(n), ha="center", fontsize=9)  # type: ignore[attr-defined]
    ax.set_xlim(-0.2, 4)  # type: ignore[attr-defined]
    ax.set_ylim(-0.2, 4)  # type: ignore[attr-defined]
    ax.axis("off")  # type: ignore[attr-defined]
    ax.set_title("Lyme neuroborreliosis cases by municipality, 2015-2022 (number of cases)")  # type: ignore[attr-defined]


mpl_tile_map_pdf = _mpl("tilemap.pdf", lambda ax: _tile_map(ax, 2))
mpl_tile_map_safe_pdf = _mpl("tilemap_safe.pdf", lambda ax: _tile_map(ax, 12))
mpl_monthly_cases = _mpl("nye_tilfaelde.svg", lambda ax: _monthly_cases(ax, 2))
mpl_monthly_cases_safe = _mpl("nye_tilfaelde_safe.svg", lambda ax: _monthly_cases(ax, 12))
# ... on an axis of means or rates the values are not counts
mpl_bar_values_means = _mpl("bar_means.svg", lambda ax: _count_bars(ax, [12, 2, 34], "Mean number of visits"))
AGES = ["0-19", "20-39", "40-59", "60-79", "80-99", "100+"]


def _pyramid(ax: object, oldest: int) -> None:
    ax.barh(AGES, [-120, -140, -145, -120, -40, -oldest])  # type: ignore[attr-defined]
    ax.barh(AGES, [115, 138, 150, 125, 60, oldest + 1])  # type: ignore[attr-defined]
    ax.set_xlabel("Antal personer")  # type: ignore[attr-defined]


# horizontal bars from 0 on both sides (a population pyramid): the oldest group's 1 and 2 are small cells
mpl_pyramid = _mpl("pyramid.svg", lambda ax: _pyramid(ax, 1))
mpl_pyramid_safe = _mpl("pyramid_safe.svg", lambda ax: _pyramid(ax, 12))


def _pyramid_abs(ax: object, oldest: int) -> None:
    """The pyramid with its tick labels written as absolute values ("100 50 0 50 100"), as they usually are."""
    from matplotlib.ticker import FuncFormatter

    _pyramid(ax, oldest)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):g}"))  # type: ignore[attr-defined]
# the same figures saved as PDF: bars read from the drawing's filled rectangles, ticks from its texts
mpl_hist_pdf = _mpl("hist.pdf", lambda ax: ax.hist(_rng.normal(size=2000), bins=30))
mpl_hist_safe_pdf = _mpl("hist_safe.pdf", lambda ax: ax.hist(np.linspace(0, 1, 2000), bins=20))
mpl_hist_density_pdf = _mpl("hist_density.pdf", lambda ax: (ax.hist(_rng.normal(size=2000), bins=30, density=True),
                                                            ax.set_ylabel("Density")))
mpl_bar_values_small_pdf = _mpl("bar_values.pdf", lambda ax: _count_bars(ax, [120, 2, 340], "Antal personer"))
mpl_bar_values_safe_pdf = _mpl("bar_values_safe.pdf", lambda ax: _count_bars(ax, [120, 87, 340], "Number of patients"))
mpl_bar_values_means_pdf = _mpl("bar_means.pdf", lambda ax: _count_bars(ax, [12, 2, 34], "Mean number of visits"))
def _km_with_risk_table(ax: object, last: int) -> None:
    """A Kaplan-Meier plot with its numbers at risk under the axis, Finnish, as lifelines' add_at_risk_counts
    or a hand-made table writes them (one text per cell, thousands apart by a space)."""
    times = [0, 1, 2, 3, 4, 5]
    strata = {"Kotona": [3421, 2654, 2103, 1640, 1248, 903], "Laitoshoito": [61, 29, 17, 9, 5, last]}
    for name, at_risk in strata.items():
        ax.step(times, [n / at_risk[0] for n in at_risk], where="post", label=name)  # type: ignore[attr-defined]
    ax.set_xlabel("Aika murtumasta (vuotta)")  # type: ignore[attr-defined]
    ax.text(-0.8, -0.32, "Riskissä olevat", transform=ax.get_xaxis_transform())  # type: ignore[attr-defined]
    for row, (name, at_risk) in enumerate(strata.items()):
        y = -0.42 - 0.08 * row
        ax.text(-0.8, y, name, transform=ax.get_xaxis_transform())  # type: ignore[attr-defined]
        for t, n in zip(times, at_risk, strict=True):
            ax.text(t, y, f"{n:,}".replace(",", " "), ha="center",  # type: ignore[attr-defined]
                    transform=ax.get_xaxis_transform())


mpl_km_risk_pdf = _mpl("km_risk.pdf", lambda ax: _km_with_risk_table(ax, 2))
mpl_km_risk_safe_pdf = _mpl("km_risk_safe.pdf", lambda ax: _km_with_risk_table(ax, 4))
mpl_km_risk_svg = _mpl("km_risk.svg", lambda ax: _km_with_risk_table(ax, 2))
mpl_km_risk_safe_svg = _mpl("km_risk_safe.svg", lambda ax: _km_with_risk_table(ax, 4))
mpl_pyramid_pdf = _mpl("pyramid.pdf", lambda ax: _pyramid(ax, 1))
mpl_pyramid_safe_pdf = _mpl("pyramid_safe.pdf", lambda ax: _pyramid(ax, 12))
# box plots: the points beyond the whiskers are single units' values, however few
BOXES = [np.r_[_rng.normal(50, 5, 200), [95, 99]], np.r_[_rng.normal(55, 5, 200), [5]], np.linspace(40, 60, 50)]
mpl_box = _mpl("box.svg", lambda ax: ax.boxplot(BOXES))
mpl_box_pdf = _mpl("box.pdf", lambda ax: ax.boxplot(BOXES))
mpl_box_horizontal = _mpl("boxh.svg", lambda ax: ax.boxplot(BOXES, orientation="horizontal"))
mpl_box_no_fliers = _mpl("box_safe.svg", lambda ax: ax.boxplot(BOXES, showfliers=False))
mpl_box_no_fliers_pdf = _mpl("box_safe.pdf", lambda ax: ax.boxplot(BOXES, showfliers=False))
# filled boxes (patch_artist, seaborn's default): the boxes are patches, their outliers as plain as ever
mpl_box_filled = _mpl("box_filled.svg", lambda ax: ax.boxplot(BOXES, patch_artist=True))
mpl_box_filled_no_fliers = _mpl("box_filled_safe.svg", lambda ax: ax.boxplot(BOXES, patch_artist=True,
                                                                               showfliers=False))
# points on their error bars, and lollipops (a marker at a stem's end): no box, nothing beyond
mpl_errorbars = _mpl("errorbars.svg", lambda ax: ax.errorbar([1, 2, 3], [4.1, 5.3, 4.8], yerr=[0.5, 0.7, 0.4], fmt="o"))
mpl_lollipop = _mpl("lollipop.pdf", lambda ax: (ax.stem([1, 2, 3, 4], [3.2, 4.1, 2.7, 5.0]),
                                                ax.bar([6, 7, 8], [20, 30, 40])))
mpl_scatter_png = _mpl("scatter.png", lambda ax: ax.scatter(X, Y))
mpl_scatter_jpeg = _mpl("scatter.jpg", lambda ax: ax.scatter(X, Y))


def svglite(n: int, *, line: bool = False) -> Callable[[Path], Path]:
    """A ggplot2 figure as svglite writes it: circles in a clip group (and a polyline through them)."""

    def build(d: Path) -> Path:
        rng = random.Random(n)
        pts = sorted((round(rng.uniform(40, 680), 2), round(rng.uniform(40, 520), 2)) for _ in range(n))
        if line:
            pts = [(40 + 12.0 * k, y) for k, (_, y) in enumerate(pts)]
        body = "".join(f"<circle cx='{x:.2f}' cy='{y:.2f}' r='1.95' style='stroke-width: 0.71;'/>" for x, y in pts)
        poly = ("<polyline points='" + " ".join(f"{x:.2f},{y:.2f}" for x, y in pts) + "'/>") if line else ""
        svg = ("<?xml version='1.0' encoding='UTF-8' ?><svg xmlns='http://www.w3.org/2000/svg' class='svglite' "
               "width='720.00pt' height='576.00pt' viewBox='0 0 720.00 576.00'><g clip-path='url(#cp1)'>"
               f"<rect x='0' y='0' width='720' height='576'/>{poly}{body}</g>"
               "<g><text x='300' y='560'>wt</text></g></svg>")
        (d / f"gg{n}.svg").write_text(svg)
        return d / f"gg{n}.svg"

    build.__qualname__ = f"svglite_{n}{'_line' if line else ''}"
    return build


def svglite_histogram(counts: list[int]) -> Callable[[Path], Path]:
    """A ggplot2 geom_histogram() as svglite writes it: the panel's background rect, one rect per bin on the
    panel's baseline, and the y axis's labels as right-aligned text a little below their ticks."""

    def build(d: Path) -> Path:
        base, per = 500.0, 400.0 / max(counts)  # y of 0, and SVG units per count
        rects = "".join(f"<rect x='{60 + 20 * k:.2f}' y='{base - c * per:.2f}' width='20.00' "
                        f"height='{c * per:.2f}' style='stroke-width: 1.07; stroke: none; fill: #595959;' />"
                        for k, c in enumerate(counts) if c)
        step = max(counts) // 4 or 1
        labels = "".join(f"<text x='50.00' y='{base - v * per + 3.15:.2f}' text-anchor='end' "
                         f"style='font-size: 8.80px;'>{v}</text>" for v in range(0, max(counts) + 1, step))
        svg = ("<?xml version='1.0' encoding='UTF-8' ?><svg xmlns='http://www.w3.org/2000/svg' class='svglite' "
               "width='720.00pt' height='576.00pt' viewBox='0 0 720.00 576.00'>"
               "<rect x='0' y='0' width='720' height='576' style='stroke: none; fill: #FFFFFF;'/>"
               "<rect x='55' y='80' width='640' height='420' style='stroke: none; fill: #EBEBEB;'/>"
               f"{rects}{labels}<text x='380' y='560' text-anchor='middle'>count</text></svg>")
        (d / "gghist.svg").write_text(svg)
        return d / "gghist.svg"

    build.__qualname__ = f"svglite_histogram_{min(counts)}"
    return build


def pdf_chart(counts: list[int], *, rotated: bool, ylabel: str = "Frequency") -> Callable[[Path], Path]:
    """A bar chart or histogram as R's pdf() device writes it: Helvetica text scaled by its text matrix, one
    filled ``re`` per bar from the axis's 0, and the y axis's labels either rotated and centred on their
    ticks (base R's ``hist()``) or right-aligned beside them (ggplot2)."""

    def build(d: Path) -> Path:
        from pypdf import PdfWriter
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

        size, base, per = 12.0, 100.0, 300.0 / max(counts)
        ops = ["1 g 0 0 504 504 re f", "0.92 g 70 90 420 330 re f", "0.35 g"]
        ops += [f"{90 + 24 * k:.2f} {base:.2f} 24.00 {c * per:.2f} re {'B' if rotated else 'f'}"
                for k, c in enumerate(counts)]
        ops.append("0 g")
        step = max(1, max(counts) // 4)
        for v in range(0, max(counts) + 1, step):
            at, width = base + v * per, len(str(v)) * 0.556 * size
            if rotated:
                ops.append(f"BT /F1 1 Tf 0 {size} -{size} 0 60.00 {at - width / 2:.2f} Tm ({v}) Tj ET")
            else:
                ops.append(f"BT /F1 1 Tf {size} 0 0 {size} {66 - width:.2f} {at - 0.35 * size:.2f} Tm ({v}) Tj ET")
        ops.append(f"BT /F1 1 Tf 0 {size} -{size} 0 30.00 200.00 Tm ({ylabel}) Tj ET")
        ops.append(f"BT /F1 1 Tf {size} 0 0 {size} 220.00 60.00 Tm (Age) Tj ET")
        writer = PdfWriter()
        page = writer.add_blank_page(504, 504)
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica"),
                                 NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        writer.add_metadata({"/Producer": "R 4.3.1"})
        writer.write(d / "chart.pdf")
        return d / "chart.pdf"

    build.__qualname__ = f"pdf_chart_{'rotated' if rotated else 'ggplot'}_{min(counts)}_{ylabel.split()[0]}"
    return build


def stata_histogram(counts: list[int]) -> Callable[[Path], Path]:
    """A Stata ``histogram x, frequency`` exported as SVG: a rect per bin on the plot region's baseline, and
    the y axis's labels turned upright about their ticks (Stata's default)."""

    def build(d: Path) -> Path:
        base, per = 2400.0, 2000.0 / max(counts)
        style = "fill:#1A476F;stroke:#D7D7D7;stroke-width:8.64"
        rects = "".join(f'<rect x="{600 + 120 * k:.2f}" y="{base - c * per:.2f}" width="120.00" height="{c * per:.2f}" '
                        f'style="{style}"/>' for k, c in enumerate(counts) if c)
        step = max(1, max(counts) // 4)
        labels = "".join(f'<text x="400.00" y="{base - v * per:.2f}" style="font-family:\'Helvetica\';'
                         f'font-size:99.99px" transform="rotate(-90 400.00,{base - v * per:.2f})" '
                         f'text-anchor="middle">{v}</text>' for v in range(0, max(counts) + 1, step))
        svg = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?><svg version="1.1" width="3960px" '
               'height="2880px" viewBox="0 0 3960 2880" xmlns="http://www.w3.org/2000/svg">'
               '<desc>Stata Graph - Graph</desc><rect x="0" y="0" width="3960" height="2880" '
               'style="fill:#EAF2F3;stroke:none"/>' + rects + labels
               + '<text x="200" y="1400" transform="rotate(-90 200,1400)" text-anchor="middle">Frequency</text>'
               "</svg>")
        (d / "stata_hist.svg").write_text(svg)
        return d / "stata_hist.svg"

    build.__qualname__ = f"stata_histogram_{min(c for c in counts if c)}"
    return build


def svglite_boxplot(outlier: bool) -> Callable[[Path], Path]:
    """ggplot2's geom_boxplot() as svglite writes it: a polygon per box, whiskers as two-point polylines,
    the median as a line, and the outliers as circles on the whisker's line."""

    def build(d: Path) -> Path:
        parts = []
        for k, (q1, q3, lo, hi) in enumerate([(300, 250, 340, 200), (310, 240, 350, 190)]):
            x0, x1 = 100 + 150 * k, 160 + 150 * k
            cx = (x0 + x1) / 2
            parts.append(f"<polyline points='{cx:.2f},{q3:.2f} {cx:.2f},{hi:.2f}' />")
            parts.append(f"<polyline points='{cx:.2f},{q1:.2f} {cx:.2f},{lo:.2f}' />")
            parts.append(f"<polygon points='{x0},{q1} {x0},{q3} {x1},{q3} {x1},{q1} {x0},{q1}' "
                         "style='fill: #FFFFFF;' />")
            parts.append(f"<line x1='{x0}' y1='275' x2='{x1}' y2='275' />")
            if outlier:
                parts.append(f"<circle cx='{cx:.2f}' cy='{hi - 40:.2f}' r='1.95' />")
        svg = ("<?xml version='1.0' encoding='UTF-8' ?><svg xmlns='http://www.w3.org/2000/svg' class='svglite' "
               "width='720.00pt' height='576.00pt' viewBox='0 0 720.00 576.00'><g clip-path='url(#cp1)'>"
               + "".join(parts) + "</g></svg>")
        (d / "ggbox.svg").write_text(svg)
        return d / "ggbox.svg"

    build.__qualname__ = f"svglite_boxplot_{'outliers' if outlier else 'none'}"
    return build


def svg_entities(d: Path) -> Path:
    (d / "bomb.svg").write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                                '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    return d / "bomb.svg"


def svg_data_attributes(d: Path) -> Path:
    rows = "".join(f'<rect x="{10 * k}" y="10" width="8" height="{20 + k}" data-pnr="{c}" data-income="{1000 + k}"/>'
                   for k, c in enumerate(cprs(12, seed=4)))
    (d / "d3.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><g>{rows}</g></svg>')
    return d / "d3.svg"


def png_plain(d: Path) -> Path:
    return make_png(d / "plain.png", software="matplotlib version3.8.0, https://matplotlib.org/")


def png_text_records(d: Path) -> Path:
    rows = "\n".join(f"{c};{30 + k};{1000 * k}" for k, c in enumerate(cprs(20, seed=5)))
    return make_png(d / "chunk.png", {"Comment": "pnr;age;income\n" + rows})


def png_ztxt_numbers(d: Path) -> Path:
    rows = "\n".join(f"{k};{17 + k % 5};{round(1000 + 37.5 * k, 1)}" for k in range(30))
    return make_png(d / "z.png", {"Description": "group;n;mean\n" + rows}, compressed=True)


def png_title_only(d: Path) -> Path:
    return make_png(d / "title.png", {"Title": "Deaths by week, 2020"}, software="R")


def jpeg_exif_cpr(d: Path) -> Path:
    from PIL import Image

    im = Image.new("RGB", (8, 8), "white")
    exif = Image.Exif()
    exif[0x010E] = f"Patients cpr {', cpr '.join(cprs(3, seed=6))}"
    exif[0x0131] = "Stata 17"
    im.save(d / "exif.jpg", exif=exif)
    return d / "exif.jpg"


def gif_plain(d: Path) -> Path:
    from PIL import Image

    Image.new("P", (10, 10)).save(d / "a.gif")
    return d / "a.gif"


def tiff_plain(d: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (10, 10)).save(d / "a.tiff")
    return d / "a.tiff"


def _km(name: str, at_risk: list[int]) -> Callable[[Path], Path]:
    """A Kaplan-Meier curve with its numbers at risk written under the axis (as survival packages do)."""
    def draw(ax: object) -> None:
        times = np.arange(0, 61, 10)
        ax.step(times, np.linspace(1, 0.2, len(times)), where="post")  # type: ignore[attr-defined]
        ax.set_xlabel("Months")  # type: ignore[attr-defined]
        fig = ax.figure  # type: ignore[attr-defined]
        fig.subplots_adjust(bottom=0.25)
        fig.text(0.02, 0.05, "Number at risk")
        for k, n in enumerate(at_risk):
            fig.text(0.14 + 0.13 * k, 0.05, str(n))

    return _mpl(name, draw)


# A swimmer plot: one bar per patient, its follow-up, the bars labelled "Patient 1".."Patient 8"
mpl_swimmer = _mpl("swimmer.svg", lambda ax: ax.barh([f"Patient {k}" for k in range(1, 9)],
                                                     [120, 340, 95, 600, 410, 220, 80, 530]))
mpl_regions_barh = _mpl("regions.svg", lambda ax: ax.barh(["Nord", "Midt", "Syd", "Øst", "Vest"],
                                                          [120, 340, 95, 600, 410]))


def _hist_titled(n_title: str, tail: int) -> Callable[[object], None]:
    """A histogram of 800 persons' ages with a tail bar of ``tail``, its N in the title."""
    def draw(ax: object) -> None:
        ax.bar(range(18, 28), [90, 120, 140, 130, 110, 80, 60, 40, 30, tail], width=1.0)  # type: ignore[attr-defined]
        ax.set_title(n_title)  # type: ignore[attr-defined]
        ax.set_ylabel("Antal personer")  # type: ignore[attr-defined]
    return draw


def _step_hist(tail: int, how: str) -> Callable[[object], None]:
    """A histogram drawn as one outline (hist(histtype="step") or stairs), its last bar ``tail``."""
    counts = [90, 120, 140, 130, 110, 80, 60, 40, 30, tail]

    def draw(ax: object) -> None:
        if how == "stairs":
            ax.stairs(counts, range(18, 29))  # type: ignore[attr-defined]
        else:
            ages = [18 + k + 0.5 for k, c in enumerate(counts) for _ in range(c)]
            ax.hist(ages, bins=range(18, 29), histtype=how)  # type: ignore[attr-defined]
        ax.set_ylabel("Antal personer")  # type: ignore[attr-defined]
    return draw


def _spaghetti(ax: object) -> None:
    """Twelve persons' incomes over eleven years: a line per person."""
    years = np.arange(2010, 2021)
    for _ in range(12):
        ax.plot(years, 300 + np.cumsum(_rng.normal(10, 20, len(years))), lw=0.8)  # type: ignore[attr-defined]


def _panels(name: str) -> Callable[[Path], Path]:
    """Four panels of three lines each (rates by sex and age group): twelve lines, at most three a panel."""
    def build(d: Path) -> Path:
        fig, axes = plt.subplots(2, 2)
        years = np.arange(2010, 2021)
        for ax in axes.flat:
            for k in range(3):
                ax.plot(years, 10 * k + np.linspace(1, 2, len(years)))
        fig.savefig(d / name)
        plt.close(fig)
        return d / name

    build.__qualname__ = name.replace(".", "_")
    return build


def _swimmer_pdf(d: Path) -> Path:
    """A swimmer plot in PDF: bars starting at each patient's own time (no common baseline), labelled
    "Patient 1".."Patient 10" in the page's text."""
    fig, ax = plt.subplots()
    ax.barh([f"Patient {k}" for k in range(1, 11)], [200 + 37 * k for k in range(10)],
            left=[10 * k for k in range(10)])
    fig.savefig(d / "swimmer.pdf")
    plt.close(fig)
    return d / "swimmer.pdf"


def _text_fonts(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
    """The same figure saved with svg.fonttype "none": its texts as <text> elements, not glyphs."""
    def run(d: Path) -> Path:
        with plt.rc_context({"svg.fonttype": "none"}):
            return build(d)

    run.__qualname__ = build.__qualname__ + "_text_fonts"
    return run


CASES: list[tuple[Callable[[Path], Path], Verdict, set[str]]] = [
    (mpl_swimmer, Verdict.FAIL, {"FIG001"}),
    (mpl_regions_barh, Verdict.PASS, set()),
    (_swimmer_pdf, Verdict.FAIL, {"FIG001"}),
    # a rug (a short tick per person) and an eventplot (a line per person) draw one mark per unit
    (_mpl("rug.svg", lambda ax: ax.plot(X[:40], [0] * 40, "|", markersize=0)  # (markers of no size)
          and ax.vlines(X[:40], 0, 0.03)), Verdict.FAIL, {"FIG001"}),
    (_mpl("eventplot.svg", lambda ax: ax.eventplot(X[:40])), Verdict.FAIL, {"FIG001"}),
    (_mpl("reference_lines.svg", lambda ax: (ax.plot(range(10), range(10)),
                                             [ax.axvline(x) for x in (2, 4, 6)])), Verdict.PASS, set()),
    # a histogram drawn as a step outline: its steps are bars
    (_mpl("hist_step.svg", _step_hist(1, "step")), Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_stepfilled.svg", _step_hist(2, "stepfilled")), Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_stairs.svg", _step_hist(1, "stairs")), Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_stairs.pdf", _step_hist(1, "stairs")), Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_step_safe.svg", _step_hist(12, "step")), Verdict.PASS, set()),
    # a histogram of average grades: the binned variable is a mean, the bars (its y axis says) are counts
    (_mpl("hist_of_means.svg", lambda ax: (_step_hist(1, "stairs")(ax), ax.set_xlabel("Gennemsnitlig karakter"))),
     Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_stairs_safe.pdf", _step_hist(12, "stairs")), Verdict.PASS, set()),
    # a title's "N = 801" says nothing of the tail bar's height of 1
    (_mpl("hist_title_n.svg", _hist_titled("Alder ved diagnose, N = 801", 1)), Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_title_n.pdf", _hist_titled("Alder ved diagnose, N = 801", 1)), Verdict.FAIL, {"TAB001"}),
    (_mpl("hist_title_n_safe.svg", _hist_titled("Alder ved diagnose, N = 818", 18)), Verdict.PASS, set()),
    (_mpl("spaghetti.svg", _spaghetti), Verdict.REVIEW, {"FIG001"}),
    (_mpl("spaghetti.pdf", _spaghetti), Verdict.REVIEW, {"FIG001"}),
    # a forest plot's events/N column: "2/17" is 2 events
    (_mpl("forest.svg", lambda ax: [ax.text(0.1, y, t) for y, t in ((0.9, "Events/N"), (0.7, "113/559"),
                                                                    (0.5, "61/298"), (0.3, "2/17"))]),
     Verdict.FAIL, {"TAB001"}),
    (_mpl("forest_safe.svg", lambda ax: [ax.text(0.1, y, t) for y, t in ((0.9, "Events/N"), (0.7, "113/559"),
                                                                         (0.5, "61/298"), (0.3, "12/47"))]),
     Verdict.PASS, set()),
    # counts with their shares on a pie's slices
    (_mpl("pie.svg", lambda ax: ax.pie([412, 233, 98, 41, 2], labels=[f"{v} ({v / 7.86:.1f} %)".replace(".", ",")
                                                                      for v in (412, 233, 98, 41, 2)])),
     Verdict.FAIL, {"TAB001"}),
    (_mpl("pie_safe.svg", lambda ax: ax.pie([412, 233, 98, 41, 12], labels=[f"{v} ({v / 7.96:.1f} %)".replace(".", ",")
                                                                            for v in (412, 233, 98, 41, 12)])),
     Verdict.PASS, set()),
    # a hexbin's cells tile a lattice: no mark per unit, but their counts cannot be read (review)
    (_mpl("hexbin.pdf", lambda ax: ax.hexbin(_rng.normal(size=4000), _rng.normal(size=4000), gridsize=20,
                                             mincnt=3)), Verdict.REVIEW, {"FIG001"}),
    # ... with its colour bar of counts and named axes: the bar's ticks are no counts of named areas
    (_mpl("hexbin_colorbar.pdf", _hexbin_with_colorbar), Verdict.REVIEW, {"FIG001"}),
    # persons at whole-number positions (age by number of children) with small markers: a scatter still
    (_mpl("lattice_scatter.pdf", lambda ax: ax.plot(_rng.integers(20, 60, size=300), _rng.integers(0, 6, size=300),
                                                    "o", markersize=3)), Verdict.FAIL, {"FIG001"}),
    (_panels("panels.svg"), Verdict.PASS, set()),
    (_km("km.svg", [40, 21, 11, 5, 2, 1]), Verdict.FAIL, {"TAB001"}),
    (_km("km_safe.svg", [400, 210, 110, 50, 21, 10]), Verdict.PASS, set()),
    (_text_fonts(_km("km_text.svg", [40, 21, 11, 5, 2, 1])), Verdict.FAIL, {"TAB001"}),
    (_km("km.pdf", [40, 21, 11, 5, 2, 1]), Verdict.FAIL, {"TAB001"}),
    (_km("km_safe.pdf", [400, 210, 110, 50, 21, 10]), Verdict.PASS, set()),
    (_text_fonts(mpl_bar_small_n), Verdict.FAIL, {"TAB001"}),
    (_text_fonts(mpl_bar_safe_n), Verdict.PASS, set()),
    (_text_fonts(mpl_hist), Verdict.FAIL, {"TAB001"}),
    (_text_fonts(mpl_bar_values_small), Verdict.FAIL, {"TAB001"}),
    (_text_fonts(mpl_bar_values_means), Verdict.PASS, set()),
    (_text_fonts(mpl_hist_density), Verdict.PASS, set()),
    (mpl_scatter, Verdict.FAIL, {"FIG001"}),
    (mpl_scatter_cmap, Verdict.FAIL, {"FIG001"}),
    (mpl_scatter_sizes, Verdict.FAIL, {"FIG001"}),
    (mpl_scatter_rasterized, Verdict.REVIEW, {"FIL001"}),
    (mpl_joined_points, Verdict.REVIEW, {"FIG001"}),
    (mpl_series_pdf, Verdict.PASS, set()),
    (mpl_scatter_whole_ages, Verdict.FAIL, {"FIG001"}),
    (mpl_yearly_series, Verdict.PASS, set()),
    (mpl_plot_markers, Verdict.FAIL, {"FIG001"}),
    (mpl_strip, Verdict.FAIL, {"FIG001"}),
    (mpl_few_points, Verdict.REVIEW, {"FIG001"}),
    (mpl_bar, Verdict.PASS, set()),
    (mpl_hist, Verdict.FAIL, {"TAB001"}),
    (mpl_hist_safe, Verdict.PASS, set()),
    (mpl_hist_density, Verdict.PASS, set()),
    (mpl_pyramid, Verdict.FAIL, {"TAB001"}),
    (mpl_pyramid_safe, Verdict.PASS, set()),
    (_mpl("pyramid_abs.svg", lambda ax: _pyramid_abs(ax, 1)), Verdict.FAIL, {"TAB001"}),
    (_mpl("pyramid_abs.pdf", lambda ax: _pyramid_abs(ax, 1)), Verdict.FAIL, {"TAB001"}),
    (_mpl("pyramid_abs_safe.svg", lambda ax: _pyramid_abs(ax, 12)), Verdict.PASS, set()),
    (mpl_series, Verdict.PASS, set()),
    (mpl_line, Verdict.PASS, set()),
    (mpl_bar_small_n, Verdict.FAIL, {"TAB001"}),
    (mpl_bar_safe_n, Verdict.PASS, set()),
    # a space between groups of digits, as Swedish and Finnish labels write it: n=1 388 is no n of 1
    (_mpl("bar_n_grouped.svg", lambda ax: _bar_labels(ax, ["58 % (n=1 388)", "71 % (n=214)", "78 % (n=8 412)"])),
     Verdict.PASS, set()),
    (_mpl("bar_n_grouped_small.svg", lambda ax: _bar_labels(ax, ["58 % (n=1 388)", "50 % (n=2)", "78 % (n=8 412)"])),
     Verdict.FAIL, {"TAB001"}),
    (mpl_bar_values_small, Verdict.FAIL, {"TAB001"}),
    (mpl_bar_values_safe, Verdict.PASS, set()),
    (mpl_bar_values_means, Verdict.PASS, set()),
    (mpl_hist_pdf, Verdict.FAIL, {"TAB001"}),
    (mpl_hist_safe_pdf, Verdict.PASS, set()),
    (mpl_hist_density_pdf, Verdict.PASS, set()),
    (mpl_bar_values_small_pdf, Verdict.FAIL, {"TAB001"}),
    (mpl_bar_values_safe_pdf, Verdict.PASS, set()),
    (mpl_bar_values_means_pdf, Verdict.PASS, set()),
    (mpl_tile_map_pdf, Verdict.FAIL, {"TAB001"}),
    (mpl_tile_map_safe_pdf, Verdict.PASS, set()),
    (mpl_monthly_cases, Verdict.FAIL, {"TAB001"}),
    (mpl_monthly_cases_safe, Verdict.PASS, set()),
    (mpl_km_risk_pdf, Verdict.FAIL, {"TAB001"}),
    (mpl_km_risk_safe_pdf, Verdict.PASS, set()),
    (mpl_km_risk_svg, Verdict.FAIL, {"TAB001"}),
    (mpl_km_risk_safe_svg, Verdict.PASS, set()),
    (mpl_pyramid_pdf, Verdict.FAIL, {"TAB001"}),
    (mpl_pyramid_safe_pdf, Verdict.PASS, set()),
    (pdf_chart([3, 9, 25, 48, 31, 12, 1], rotated=True), Verdict.FAIL, {"TAB001"}),
    (pdf_chart([3, 9, 25, 480, 31, 12, 4], rotated=True), Verdict.PASS, set()),
    (pdf_chart([2, 19, 125, 1480, 310, 42, 14], rotated=False, ylabel="count"), Verdict.FAIL, {"TAB001"}),
    (pdf_chart([12, 19, 125, 1480, 310, 42, 14], rotated=False, ylabel="count"), Verdict.PASS, set()),
    (pdf_chart([2, 19, 125, 80, 31, 42, 14], rotated=False, ylabel="Mean income"), Verdict.PASS, set()),
    (mpl_box, Verdict.FAIL, {"FIG001"}),
    (mpl_box_pdf, Verdict.FAIL, {"FIG001"}),
    (mpl_box_horizontal, Verdict.FAIL, {"FIG001"}),
    (mpl_box_no_fliers, Verdict.PASS, set()),
    (mpl_box_no_fliers_pdf, Verdict.PASS, set()),
    (mpl_box_filled, Verdict.FAIL, {"FIG001"}),
    (mpl_box_filled_no_fliers, Verdict.PASS, set()),
    (mpl_errorbars, Verdict.PASS, set()),
    (mpl_lollipop, Verdict.PASS, set()),
    (stata_histogram([2, 14, 40, 88, 61, 23, 7]), Verdict.FAIL, {"TAB001"}),
    (stata_histogram([12, 14, 40, 88, 61, 23, 7]), Verdict.PASS, set()),
    (svglite_boxplot(True), Verdict.FAIL, {"FIG001"}),
    (svglite_boxplot(False), Verdict.PASS, set()),
    (mpl_scatter_png, Verdict.REVIEW, {"FIL001"}),
    (mpl_scatter_jpeg, Verdict.REVIEW, {"FIL001"}),
    (svglite(120), Verdict.FAIL, {"FIG001"}),
    (svglite(40, line=True), Verdict.PASS, set()),
    (svglite_histogram([1, 4, 12, 30, 41, 28, 9, 2]), Verdict.FAIL, {"TAB001"}),
    (svglite_histogram([5, 14, 32, 60, 41, 28, 9, 3]), Verdict.PASS, set()),
    (svg_entities, Verdict.REVIEW, {"FIL001"}),
    (svg_data_attributes, Verdict.FAIL, {"FIG002"}),
    (png_plain, Verdict.REVIEW, {"FIL001"}),
    (png_text_records, Verdict.FAIL, {"FIG002"}),
    (png_ztxt_numbers, Verdict.REVIEW, {"FIG002"}),
    (png_title_only, Verdict.REVIEW, {"FIL001"}),
    (jpeg_exif_cpr, Verdict.FAIL, {"FIG002"}),
    (gif_plain, Verdict.REVIEW, {"FIL001"}),
    (tiff_plain, Verdict.REVIEW, {"FIL001"}),
]


@pytest.mark.parametrize(("build", "verdict", "codes"), CASES, ids=[c[0].__qualname__ for c in CASES])
def test_figure_verdicts(tmp_path: Path, build: Callable[[Path], Path], verdict: Verdict, codes: set[str]) -> None:
    f = scan(build(tmp_path))
    assert f.verdict is verdict, _detail(f)
    assert codes <= rules(f), _detail(f)
    if verdict is Verdict.PASS:
        assert not rules(f), _detail(f)


def test_scatter_finding_names_the_group_and_the_count(tmp_path: Path) -> None:
    f = scan(mpl_scatter(tmp_path))
    (fig,) = of(f, "FIG001")
    assert fig.location.element and "300" in fig.message and "matplotlib" in fig.message
    assert fig.severity.label == "block"


def test_raster_review_names_size_and_software(tmp_path: Path) -> None:
    f = scan(png_plain(tmp_path))
    (fil,) = of(f, "FIL001")
    assert "4x3 px" in fil.message and "matplotlib" in fil.message


def test_counts_on_a_figure_are_located(tmp_path: Path) -> None:
    f = scan(mpl_bar_small_n(tmp_path))
    small = of(f, "TAB001")
    assert small and all("counts shown on the figure" in (x.location.element or "") for x in small)
    assert {x.location.row for x in small} == {2}


def test_records_in_a_png_chunk_are_masked(tmp_path: Path) -> None:
    f = scan(png_text_records(tmp_path))
    numbers = cprs(20, seed=5)
    text = " ".join(x.message + x.evidence.text for x in f.findings)
    assert not any(c in text or c.replace("-", "") in text for c in numbers)
    assert of(f, "FIG002")[0].severity.label == "block"


def test_fig001_thresholds_are_options(tmp_path: Path) -> None:
    from scanner import api
    from scanner.config import load_config

    site = tmp_path / "site.toml"
    site.write_text("[rules.FIG001]\nreview_marks = 400\nblock_marks = 500\n")
    path = mpl_scatter(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path)
    result = api.scan([path], load_config(site), jobs=1)
    assert not [x for x in result.findings() if x.rule == "FIG001"]


# -- the corpus ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_figures() -> dict[str, object]:
    from scanner import api
    from scanner.config import load_config
    from tests.conftest import corpus_root

    root = corpus_root()
    if root is None:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    result = api.scan([root / "figures"], load_config(), jobs=1)
    return {f.path.split("/", 1)[1]: f for f in result.files}


@pytest.mark.corpus
def test_corpus_scatter_svgs_are_flagged(corpus_figures: dict[str, object]) -> None:
    for name in ("patchwork_corrected-spacing-for-long-axis-labels.svg", "patchwork_free-panel-works.svg"):
        f = corpus_figures[name]
        assert "FIG001" in rules(f) and f.verdict is Verdict.FAIL, _detail(f)  # type: ignore[arg-type,attr-defined]


@pytest.mark.corpus
def test_corpus_line_charts_pass(corpus_figures: dict[str, object]) -> None:
    for name in ("opensafely_absrisk_cumincidence_coviddeath.svg", "opensafely_longcovid_time_series_plot.svg",
                 "expat_TFP.pdf"):
        f = corpus_figures[name]
        assert f.verdict is Verdict.PASS, _detail(f)  # type: ignore[arg-type,attr-defined]


@pytest.mark.corpus
def test_corpus_raster_images_and_sas_pdf(corpus_figures: dict[str, object]) -> None:
    for name, f in corpus_figures.items():
        if name.endswith((".png", ".jpg")):
            assert rules(f) == {"FIL001"} and "px" in of(f, "FIL001")[0].message, name  # type: ignore[arg-type]
    sas = corpus_figures["pmean_hw02_sas_output.pdf"]
    assert sas.verdict is Verdict.FAIL and "TAB001" in rules(sas)  # type: ignore[arg-type,attr-defined]
    deck = corpus_figures["intro-stata_Intro-to-Stata.pdf"]
    assert deck.verdict is Verdict.REVIEW and rules(deck) == {"FIL001"}  # type: ignore[arg-type,attr-defined]


def test_value_labels_are_the_numbers_outside_the_tick_runs() -> None:
    from scanner.loaders.images import count_value_labels

    ticks = ["0", "1", "2", "3", "4"]
    assert count_value_labels(["Nord", "Syd", *ticks, "Antal", "4", "2"]) == ["4", "2"]
    assert count_value_labels(["2010", "2015", "2020", *ticks, "Count", "12", "1", "30"]) == ["12", "1", "30"]
    assert count_value_labels([*ticks, "Rate per 100,000 people", "4", "2"]) == []
    assert count_value_labels([*ticks, "4", "2"]) == []  # no axis names counts


@pytest.mark.parametrize("generator", ["", '<meta name="generator" content="quarto-1.4.550">'])
def test_inline_svg_in_html_is_read_as_a_figure(tmp_path: Path, generator: str) -> None:
    """matplotlib's SVG inlined in an HTML page (camel-case elements such as clipPath survive the HTML
    parser), in a plain page and in a rendered notebook, whose figures the document reader reads."""
    import io

    fig, ax = plt.subplots()
    ax.scatter(X[:40], Y[:40])
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    page = tmp_path / "report.html"
    page.write_text(f"<html><head>{generator}<title>R</title></head><body><h1>Figure 1</h1>{svg}</body></html>",
                    encoding="utf-8")
    f = scan(page)
    assert f.verdict is Verdict.FAIL and "FIG001" in rules(f), _detail(f)


def _svg(d: Path, name: str, body: str) -> Path:
    path = d / name
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><title>Figure</title>'
                    f"{body}</svg>", encoding="utf-8")
    return path


@pytest.mark.parametrize(("counts", "verdict"), [([45, 310, 2], Verdict.FAIL), ([45, 310, 12], Verdict.PASS)])
def test_counts_in_tooltips_are_read(tmp_path: Path, counts: list[int], verdict: Verdict) -> None:
    """A d3 bar chart's tooltips ("Mining: 2 firms") are counts the figure shows."""
    bars = "".join(f'<rect x="{40 * k}" y="10" width="30" height="{c % 200 + 5}"><title>{name}: {c} firms</title>'
                   "</rect>" for k, (name, c) in enumerate(zip(["Agriculture", "Trade", "Mining"], counts,
                                                                   strict=True)))
    f = scan(_svg(tmp_path, "bars.svg", f"<g>{bars}</g>"))
    assert f.verdict is verdict, _detail(f)


@pytest.mark.parametrize(("counts", "verdict"), [([4, 1, 2, 9], Verdict.FAIL), ([4, 11, 12, 9], Verdict.PASS)])
def test_counts_written_on_a_map_are_read(tmp_path: Path, counts: list[int], verdict: Verdict) -> None:
    """A map labels each area with its count, under a title that says they are cases."""
    labels = "".join(f'<text x="{60 * k}" y="100">{name}</text><text x="{60 * k}" y="112">{c}</text>'
                     for k, (name, c) in enumerate(zip(["Ærø", "Fanø", "Læsø", "Samsø"], counts, strict=True)))
    f = scan(_svg(tmp_path, "map.svg", f'<text x="10" y="20">New cases by island municipality</text><g>{labels}</g>'))
    assert f.verdict is verdict, _detail(f)


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (12, Verdict.PASS)])
def test_counts_on_a_norwegian_map_are_read(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """A map of municipalities labelled with their recipients ("antall mottakere"), thousands spaced."""
    areas = {"Stavanger": "2 611", "Kvitsøy": str(small), "Randaberg": "198", "Sola": "402", "Strand": "247"}
    labels = "".join(f'<text x="{60 * k}" y="100">{name}</text><text x="{60 * k}" y="112">{c}</text>'
                     for k, (name, c) in enumerate(areas.items()))
    title = ('<text x="10" y="20">Mottakere av økonomisk sosialhjelp etter kommune</text>'
             '<text x="10" y="30">(antall mottakere; farge = per 1 000 innbyggere)</text>')
    f = scan(_svg(tmp_path, "kart.svg", f"{title}<g>{labels}</g>"))
    assert f.verdict is verdict, _detail(f)


@pytest.mark.parametrize("form", ["markdown-uri", "img-tag", "inline-svg", "quarto"])
def test_images_written_into_a_note_are_read(tmp_path: Path, form: str) -> None:
    """A figure written into a Markdown note or a Quarto file (a data URI, an <img> tag, an inline SVG) is
    read like a document's: a scatter of persons is blocked. It was not read at all (the base64 was text)."""
    import base64

    svg = mpl_scatter(tmp_path).read_bytes()
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    body = {"markdown-uri": f"![Indkomst og alder]({uri})", "img-tag": f'<img src="{uri}" alt="fig">',
            "inline-svg": svg.decode("utf-8").split("?>", 1)[-1], "quarto": f"![Figur 1]({uri})"}[form]
    note = tmp_path / ("analyse.qmd" if form == "quarto" else "notat.md")
    note.write_text(f"# Resultater\n\nFigur 1 viser sammenhængen.\n\n{body}\n\nSlut.\n", encoding="utf-8")
    f = scan(note)
    assert f.verdict is Verdict.FAIL and "FIG001" in rules(f), _detail(f)


def test_a_raster_image_written_into_a_note_goes_to_a_person(tmp_path: Path) -> None:
    import base64

    png = base64.b64encode(make_png(tmp_path / "p.png").read_bytes()).decode()
    note = tmp_path / "notat.md"
    note.write_text(f"# Resultater\n\n![Figur](data:image/png;base64,{png})\n", encoding="utf-8")
    f = scan(note)
    assert f.verdict is Verdict.REVIEW and rules(f) == {"FIL001"}, _detail(f)
    assert "embedded image 1" in f.findings[0].message


@pytest.mark.parametrize(("marks", "verdict"), [(90, Verdict.FAIL), (0, Verdict.PASS)])
def test_stata_svg_scatter_in_its_large_viewbox(tmp_path: Path, marks: int, verdict: Verdict) -> None:
    # Stata draws a 600 px graph in a 3960 x 2880 viewBox: a marker of radius 26 units is 4 px on the page
    rng = random.Random(4)
    dots = "".join(
        f'<circle cx="{rng.uniform(400, 3800):.2f}" cy="{rng.uniform(120, 2450):.2f}" r="26.35" '
        'style="fill:#1A476F"/>\n' for _ in range(marks))
    bars = "".join(f'<rect x="{500 + 700 * k}" y="{900 + 100 * k}" width="520" height="{1500 - 100 * k}" '
                   'style="fill:#1A476F"/>\n' for k in range(4)) if not marks else ""
    path = tmp_path / "graph.svg"
    path.write_text('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                    "<!-- This is a Stata 18.0 generated SVG file (http://www.stata.com) -->\n"
                    '<svg version="1.1" width="600px" height="436px" viewBox="0 0 3960 2880" '
                    'xmlns="http://www.w3.org/2000/svg">\n<rect x="0" y="0" width="3960" height="2880" '
                    'style="fill:#EAF2F3"/>\n' + dots + bars + "</svg>\n", encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if marks:
        assert "FIG001" in rules(f)


@pytest.mark.parametrize(("persons", "verdict"), [(20, Verdict.REVIEW), (3, Verdict.PASS)])
def test_vega_line_per_unit_is_a_spaghetti_plot(tmp_path: Path, persons: int, verdict: Verdict) -> None:
    import json

    rng = random.Random(9)
    values = [{"id": k, "aar": y, "timer": round(rng.uniform(30, 40), 1)}
              for k in range(1, persons + 1) for y in range(2012, 2022)]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "mark": "line",
            "encoding": {"detail": {"field": "id", "type": "nominal"}, "x": {"field": "aar", "type": "ordinal"},
                         "y": {"field": "timer", "type": "quantitative"}},
            "data": {"values": values}}
    path = tmp_path / "chart.html"
    path.write_text('<html><body><div id="vis"></div><script>var spec = ' + json.dumps(spec)
                    + '; vegaEmbed("#vis", spec);</script></body></html>', encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    assert ("FIG001" in rules(f)) is (verdict is Verdict.REVIEW)


@pytest.mark.parametrize("style", ["matplotlib", "svglite"])
def test_censoring_marks_on_a_large_kaplan_meier_curve_are_no_scatter(tmp_path: Path, style: str) -> None:
    # censor marks ("+") sit on the curve's flat steps: marks on a line (review at most), not one mark a
    # unit scattered over the plot (block)
    rng = random.Random(3)
    times = sorted(rng.uniform(0, 60) for _ in range(300))
    xs, ys, s = [0.0], [1.0], 1.0
    for t in times:
        s *= 0.996
        xs += [t, t]
        ys += [ys[-1], s]
    marks = [(t, ys[2 * k + 2]) for k, t in enumerate(times) if k % 3 == 0]
    if style == "matplotlib":
        fig, ax = plt.subplots()
        ax.plot(xs, ys)
        ax.plot([m[0] for m in marks], [m[1] for m in marks], "+", linestyle="none")
        path = tmp_path / "km.svg"
        fig.savefig(path)
        plt.close(fig)
    else:
        def px(x: float, y: float) -> tuple[float, float]:
            return 50 + 8 * x, 400 - 300 * y
        line = " ".join(f"{px(x, y)[0]:.2f},{px(x, y)[1]:.2f}" for x, y in zip(xs, ys, strict=True))
        def plus(x: float, y: float) -> str:
            a, b = px(x, y)
            return (f"<line x1='{a - 3:.2f}' y1='{b:.2f}' x2='{a + 3:.2f}' y2='{b:.2f}' />"
                    f"<line x1='{a:.2f}' y1='{b + 3:.2f}' x2='{a:.2f}' y2='{b - 3:.2f}' />\n")
        ticks = "".join(plus(x, y) for x, y in marks)
        path = tmp_path / "km.svg"
        path.write_text("<?xml version='1.0' encoding='UTF-8' ?>\n<svg xmlns='http://www.w3.org/2000/svg' "
                        "width='576pt' height='432pt' viewBox='0 0 576 432'>\n<g class='svglite'>\n"
                        f"<polyline points='{line}' style='fill: none;' />\n{ticks}</g>\n</svg>\n",
                        encoding="utf-8")
    f = scan(path)
    assert f.verdict is not Verdict.FAIL, _detail(f)


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (40, Verdict.PASS)])
def test_survminer_risk_cells_with_events_are_read(tmp_path: Path, small: int, verdict: Verdict) -> None:
    # survminer's risk.table = "nrisk_cumevents": "at risk (events)" cells
    cells = [f"{n} ({e})" for n, e in ((120, 0), (96, 12), (71, 30), (52, 41), (small, 44))]
    texts = ["0", "12", "24", "36", "48", "Months", "Number at risk (number of events)", "arm=A", *cells]
    body = "".join(f"<text x='{60 + 40 * k}' y='{380 + (k % 3)}'>{t}</text>\n" for k, t in enumerate(texts))
    path = tmp_path / "km.svg"
    path.write_text("<?xml version='1.0' encoding='UTF-8' ?>\n<svg xmlns='http://www.w3.org/2000/svg' "
                    "width='576pt' height='432pt' viewBox='0 0 576 432'>\n<g class='svglite'>\n"
                    f"<polyline points='50,50 100,50 100,80 200,80 200,120' style='fill: none;' />\n{body}</g>\n"
                    "</svg>\n", encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)


def test_horizontal_forest_plot_is_no_scatter(tmp_path: Path) -> None:
    # one hazard ratio per subgroup down the y axis, with its interval: estimates on a grid of categories
    fig, ax = plt.subplots()
    groups = ["Mænd", "Kvinder", "18-39", "40-64", "65+", "Hovedstaden", "Sjælland", "Syddanmark"]
    hr = [1.12, 0.94, 1.31, 1.05, 0.88, 1.02, 1.19, 0.97]
    ax.errorbar(hr, range(len(groups)), xerr=0.1, fmt="s", capsize=3)
    ax.set_yticks(range(len(groups)), groups)
    path = tmp_path / "forest.svg"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is Verdict.PASS, _detail(f)


def test_pdf_legend_samples_are_no_data_lines(tmp_path: Path) -> None:
    # five regional rates over three years with a legend: the legend's five sample lines are not five more
    # data lines (ten would read as a spaghetti plot)
    fig, ax = plt.subplots()
    rng = random.Random(2)
    for region in ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]:
        ax.plot([2020, 2021, 2022], [rng.uniform(40, 80) for _ in range(3)], label=region)
    ax.legend()
    path = tmp_path / "rates.pdf"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is Verdict.PASS, _detail(f)


@pytest.mark.parametrize("suffix", ["pdf", "svg"])
def test_legend_keys_of_a_line_chart_with_markers_are_no_scatter(tmp_path: Path, suffix: str) -> None:
    # five regional rates over twelve years with circle markers and a legend in three columns: the legend's
    # five circle keys are no five units' points
    fig, ax = plt.subplots()
    rng = random.Random(3)
    for region in ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]:
        ax.plot(range(2010, 2022), [rng.uniform(74, 82) for _ in range(12)], marker="o", label=region)
    ax.legend(ncol=3)
    path = tmp_path / f"rates.{suffix}"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is Verdict.PASS, _detail(f)


@pytest.mark.parametrize(("points", "verdict"), [(40, Verdict.FAIL), (0, Verdict.PASS)])
def test_cairo_svg_text_glyphs_are_no_marks_and_its_circles_are(tmp_path: Path, points: int, verdict: Verdict) -> None:
    """R's svg() device (cairo) draws every character as a use of a glyph symbol ("#glyph0-2"), which are no
    data marks; its points (pch = 1) are two Bézier halves from a point back to it, without a Z."""
    rng = np.random.default_rng(5)
    glyph = ('<defs><g><symbol overflow="visible" id="glyph0-1"><path d="M 0 0 L 3 0 L 3 -5 Z"/></symbol>'
             '<symbol overflow="visible" id="glyph0-2"><path d="M 0 0 L 2 0 L 2 -5 Z"/></symbol></g></defs>')
    text = "".join(f'<use xlink:href="#glyph0-2" x="{30 + 6 * k}" y="{290 - (k % 3)}"/>' for k in range(20))
    circles = "".join(f'<path style="fill:none;stroke:rgb(0%,0%,0%);" d="M {x + 2.7:.2f} {y:.2f} C {x + 2.7:.2f} '
                      f'{y + 3.6:.2f} {x - 2.7:.2f} {y + 3.6:.2f} {x - 2.7:.2f} {y:.2f} C {x - 2.7:.2f} {y - 3.6:.2f} '
                      f'{x + 2.7:.2f} {y - 3.6:.2f} {x + 2.7:.2f} {y:.2f} "/>'
                      for x, y in zip(rng.uniform(50, 350, points), rng.uniform(30, 250, points), strict=True))
    frame = '<rect x="40" y="20" width="320" height="240" style="fill:none"/>'
    body = f'<g id="surface1">{glyph}{frame}{text}{circles}</g>'
    path = tmp_path / "earnings.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" '
                    f'height="300">{body}</svg>', encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)


def test_numbers_at_risk_of_a_pdf_figure_read_a_line_at_a_time() -> None:
    """matplotlib's PDF text comes a line per stratum, cells apart by runs of spaces and thousands by one
    space; the Finnish title "Riskissä olevat" heads the table. The time axis (growing) is no stratum."""
    from scanner.document_scan import _at_risk_numbers

    labels = ["Kuolleisuus lonkkamurtuman jälkeen", "0                1                2                3",
              "Riskissä olevat",
              "Kotona                            3 421            2 654            2 103            1 640",
              "Laitoshoito                         61               29               17               2"]
    assert _at_risk_numbers(labels) == ["3421", "2654", "2103", "1640", "61", "29", "17", "2"]
    # one text element a cell, as an SVG writes them
    assert _at_risk_numbers(["Number at risk", "Kotona", "3 421", "2 654", "Laitoshoito", "61", "2"]) == \
        ["3421", "2654", "61", "2"]
    assert _at_risk_numbers(["0   1   2   3", "Kotona   3 421   2 654"]) == []  # no title: no table at risk


def test_a_range_of_units_in_a_note_is_no_count() -> None:
    """A map's note on its suppression ("squares with 1-2 persons are shown as '<3'") names a class of
    counts; "Mining: 2 firms" is a count."""
    from scanner.document_scan import _unit_counts

    assert _unit_counts(["Kilde: BEF og BBR. Kvadrater med 1-2 personer er vist som '<3'."]) == []
    assert _unit_counts(["Squares with 1–2 persons are grey"]) == []
    assert _unit_counts(["Mining: 2 firms"]) == [["Mining", "2"]]


def _folium_page(markers: list[tuple[float, float, str]]) -> str:
    """A folium map as it writes it: one L.circleMarker a point, its popup set apart."""
    parts = ['<!DOCTYPE html><html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">'
             '</script></head><body><div class="folium-map" id="map_1"></div><script>',
             'var map_1 = L.map("map_1", {center: [56.2, 9.5], zoom: 7});']
    for k, (lat, lon, popup) in enumerate(markers):
        parts.append(f'var circle_marker_{k} = L.circleMarker(\n    [{lat:.6f}, {lon:.6f}],\n'
                     f'    {{"color": "#b30000", "radius": 5}}\n).addTo(map_1);\n'
                     f'var popup_{k} = L.popup({{"maxWidth": "100%"}});\n'
                     f'popup_{k}.setContent("{popup}");\ncircle_marker_{k}.bindPopup(popup_{k});')
    parts.append("</script></body></html>")
    return "\n".join(parts)


def test_a_leaflet_map_of_one_marker_per_firm_is_a_scatter_of_units(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    firms = [(56 + rng.uniform(0, 1.5), 8.2 + rng.uniform(0, 2.5), f"Ansatte (årsværk): {rng.integers(5, 400)}")
             for _ in range(38)]
    path = tmp_path / "virksomheder_kort.html"
    path.write_text(_folium_page(firms), encoding="utf-8")
    f = scan(path)
    assert f.verdict is Verdict.FAIL and "FIG001" in rules(f), _detail(f)


def test_kepler_gl_data_rows_are_read(tmp_path: Path) -> None:
    """kepler.gl's HTML export embeds its data sets (allData rows, then their fields): one row per commuter
    with home and work coordinates, sex and age group is microdata; flows between municipalities are not."""
    rng = np.random.default_rng(9)
    fields = [{"name": n, "type": t} for n, t in (("hem_lat", "real"), ("hem_lng", "real"), ("arb_lat", "real"),
                                                  ("arb_lng", "real"), ("kon", "string"), ("aldersgrupp", "string"),
                                                  ("restid_min", "integer"))]
    def commuter() -> list[object]:
        return [round(59.5 + rng.uniform(0, 1), 5), round(17 + rng.uniform(0, 1.5), 5),
                round(59.8 + rng.uniform(0, .2), 5), round(17.6 + rng.uniform(0, .2), 5), str(rng.choice(["M", "K"])),
                str(rng.choice(["20-29", "30-39", "40-49"])), int(rng.integers(5, 90))]

    rows = [commuter() for _ in range(70)]
    data = json.dumps([{"version": "v1", "data": {"id": "4d3e", "label": "pendlare", "allData": rows,
                                                   "fields": fields}}])
    path = tmp_path / "kepler.html"
    path.write_text(f"<html><head></head><body><script>const datasets = {data};\n"
                    "const config = {};</script></body></html>", encoding="utf-8")
    f = scan(path)
    assert f.verdict is Verdict.FAIL and "MIC001" in rules(f), _detail(f)


def test_a_log_axis_ticks_are_no_counts() -> None:
    """A forest plot's hazard-ratio axis (0,25 0,5 1 2) on a figure that names events: its ticks are no
    counts; a count written among a log axis's ticks still is."""
    from scanner.loaders.images import count_value_labels

    assert count_value_labels(["0,25", "0,5", "1", "2", "Hazardkvot (log-skala)", "Samtliga", "123/599",
                               "händelser/N"]) == []
    assert count_value_labels(["Antal", "1", "10", "100", "1000", "Læsø", "2"]) == ["2"]


@pytest.mark.parametrize(("title", "verdict"), [("Nørreskolen 2023 (hver prik er en elev)", Verdict.FAIL),
                                                ("Nørreskolen 2023", Verdict.REVIEW)])
def test_a_scatter_whose_text_says_each_dot_is_a_unit(tmp_path: Path, title: str, verdict: Verdict) -> None:
    """27 marks are too few to call a scatter of units by their number alone (review); the figure's own text
    saying each dot is a pupil makes it one (block)."""
    rng = random.Random(11)
    dots = "".join(f'<circle cx="{rng.uniform(40, 380):.2f}" cy="{rng.uniform(20, 260):.2f}" r="3" '
                   'style="fill:#1f77b4"/>' for _ in range(27))
    f = scan(_svg(tmp_path, "scatter.svg", f'<text x="10" y="12">{title}</text><g id="PathCollection_1">{dots}</g>'))
    assert f.verdict is verdict, _detail(f)
    assert "FIG001" in rules(f)


def test_value_labels_without_a_log_axis_written_as_powers() -> None:
    from scanner.loaders.images import count_value_labels

    # matplotlib's log axis: "10" with its exponent as a text of its own ("10", "0", "10", "1", ...)
    powers = ["10", "0", "10", "1", "10", "2", "10", "3"]
    labels = ["0-4", "5-9", *powers, "Number of admissions (log scale)", "3120", "87", "11", "1"]
    assert count_value_labels(labels) == ["3120", "87", "11", "1"]


@pytest.mark.parametrize(("tail", "verdict"), [(1, Verdict.FAIL), (22, Verdict.PASS)])
def test_pdf_histogram_on_a_log_axis_with_its_counts_on_the_bars(tmp_path: Path, tail: int,
                                                                 verdict: Verdict) -> None:
    # the bars' heights cannot be read off a log axis (and a bar of 1 is under a point high), but the counts
    # written on them can
    from scanner import api
    from scanner.config import load_config

    counts = [3120, 1804, 911, 488, 263, 151, 87, 52, 31, tail]
    fig, ax = plt.subplots()
    bars = ax.bar([f"{5 * k}-{5 * k + 4}" for k in range(len(counts))], counts)
    ax.set_yscale("log")
    ax.bar_label(bars, labels=[str(c) for c in counts])
    ax.set_ylabel("Number of admissions (log scale)")
    ax.set_title("Length of stay, psychiatric admissions")
    (tmp_path / "figures").mkdir()
    fig.savefig(tmp_path / "figures" / "los.pdf")
    plt.close(fig)
    (result,) = api.scan([tmp_path / "figures"], load_config(), jobs=1).files
    assert result.verdict is verdict, result.findings


@pytest.mark.parametrize(("monotone", "verdict"), [(True, Verdict.REVIEW), (False, Verdict.FAIL)])
def test_marks_on_a_rising_curve_are_no_scatter_of_units(tmp_path: Path, monotone: bool, verdict: Verdict) -> None:
    """A QQ plot's points (sorted values: each x with a y no lower than the one before) lie on one rising curve:
    marks on a line, for a person to judge, not a scatter of one mark per unit (block)."""
    rng = random.Random(11)
    xs = sorted(rng.uniform(20, 380) for _ in range(400))
    ys = sorted((rng.uniform(20, 280) for _ in range(400)), reverse=True) if monotone \
        else [rng.uniform(20, 280) for _ in range(400)]
    dots = "".join(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="2" style="fill:#1f77b4"/>' for x, y in zip(xs, ys,
                                                                                                   strict=True))
    f = scan(_svg(tmp_path, "qq.svg", f'<g id="PathCollection_1">{dots}</g>'))
    assert f.verdict is verdict, _detail(f)
    assert "FIG001" in rules(f)


@pytest.mark.parametrize("suffix", ["pdf", "svg"])
def test_kaplan_meier_censoring_marks_are_marks_on_its_curve(tmp_path: Path, suffix: str) -> None:
    """A Kaplan-Meier curve drawn as steps with a "+" at each censoring time (lifelines' show_censors): its
    marks sit on the curve's flat steps, also after its last event, where the curve's last level goes on:
    marks on a line (review), in a PDF as in an SVG, never a scatter of units (block)."""
    rng = np.random.default_rng(7)
    times = np.sort(rng.exponential(5.0, 400))
    events = rng.random(400) < 0.6
    surv, at_risk = 1.0, len(times)
    xs, ys, cx, cy = [0.0], [1.0], [], []
    for t, e in zip(times, events, strict=True):
        if e:
            xs += [t, t]
            ys += [surv, surv * (1 - 1 / at_risk)]
            surv *= 1 - 1 / at_risk
        elif t <= times[events][-1] + 5:
            cx.append(t)
            cy.append(surv)
        at_risk -= 1
    fig, ax = plt.subplots()
    ax.plot(xs, ys, drawstyle="default", color="C0")
    ax.plot(cx, cy, "+", color="C0")
    path = tmp_path / f"km.{suffix}"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is Verdict.REVIEW, _detail(f)
    assert any(x.rule == "FIG001" and "on a line" in x.message for x in f.findings), _detail(f)


@pytest.mark.parametrize("suffix", ["svg", "pdf"])
@pytest.mark.parametrize(("smallest", "verdict"), [(6, Verdict.REVIEW), (2, Verdict.FAIL), (25, Verdict.PASS)])
def test_box_plot_of_a_small_stated_group(tmp_path: Path, suffix: str, smallest: int, verdict: Verdict) -> None:
    """A box plot whose labels state its groups' sizes ("Barnmorskor (n=6)"): the box and whiskers of a group
    under ten are its quartiles and extremes, single units' values (review); under the threshold, block."""
    rng = np.random.default_rng(11)
    sizes = [412, 96, smallest]
    data = [rng.normal(40000, 5000, n) for n in sizes]
    fig, ax = plt.subplots()
    ax.boxplot(data, showfliers=False)
    ax.set_xticks([1, 2, 3], [f"{name}\n(n={n})" for name, n in zip(["Sjuksköterskor", "Läkare", "Barnmorskor"],
                                                                    sizes, strict=True)])
    path = tmp_path / f"box.{suffix}"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is verdict, _detail(f)


@pytest.mark.parametrize("tail", [(2, 1), (12, 9)])
def test_pdf_bar_chart_with_two_line_range_ticks(tmp_path: Path, tail: tuple[int, int]) -> None:
    """A bar chart of deaths by two-year age band, its tick labels on two lines ("60\\n–61") and its bars labelled:
    the repeated "–" of the ticks makes no rows of units (it read as microdata, MIC001), and a bar of 2 is a
    small count (TAB001); with bars of 9 and more it passes."""
    heights = [6, 9, 14, 19, 27, 35, 44, 56, 68, 79, 85, 81, 72, *tail]
    labels = [f"{60 + 2 * k}\n–{61 + 2 * k}" for k in range(len(heights))]
    fig, ax = plt.subplots(figsize=(9, 4))
    bars = ax.bar(labels, heights)
    ax.bar_label(bars)
    ax.set_xlabel("Ålder vid döden")
    ax.set_ylabel("Antal döda")
    ax.set_title(f"Döda i demenssjukdomar efter ålder (n = {sum(heights)})")
    path = tmp_path / "figur.pdf"
    fig.savefig(path)
    plt.close(fig)
    result = scan(path)
    assert "MIC001" not in rules(result), _detail(result)
    if tail == (2, 1):
        assert result.verdict is Verdict.FAIL and of(result, "TAB001"), _detail(result)
    else:
        assert result.verdict is Verdict.PASS, _detail(result)


@pytest.mark.parametrize("unit", [True, False])
def test_plotly_traces_named_after_single_units(tmp_path: Path, unit: bool) -> None:
    """An interactive chart with one trace per patient ("patient 1" .. "patient 12", each that patient's eGFR at
    a few ages) shows each one's own values (FIG001); traces named after groups do not."""
    names = [f"patient {k}" for k in range(1, 13)] if unit else ["Statin users", "Non-users"]
    rnd = random.Random(4)
    traces = [{"type": "scatter", "mode": "lines+markers", "name": name,
               "x": [60 + k for k in range(5)], "y": [round(rnd.uniform(40, 90), 1) for _ in range(5)]}
              for name in names]
    html = ("<html><head><script src='plotly.min.js'></script></head><body><div id='p'></div>"
            f"<script>Plotly.newPlot('p', {json.dumps(traces)}, {{}});</script></body></html>")
    path = tmp_path / "egfr.html"
    path.write_text(html, encoding="utf-8")
    result = scan(path)
    if unit:
        assert result.verdict is Verdict.FAIL and of(result, "FIG001"), _detail(result)
    else:
        assert "FIG001" not in rules(result), _detail(result)


def test_plotly_box_from_precomputed_statistics_passes(tmp_path: Path) -> None:
    # a box drawn from q1, median, q3 and fences computed before: one value per box, no raw values (its figure
    # carries its data: FIG002 info, nothing flagged)
    traces = [{"type": "box", "name": name, "q1": [q1], "median": [220], "q3": [q3], "lowerfence": [150],
               "upperfence": [300], "x": [name], "hovertext": [f"n={n}"]}
              for name, q1, q3, n in (("<30", 150, 220, 38), ("30-49", 220, 300, 171))]
    page = tmp_path / "dosis_egfr.html"
    page.write_text('<html><body><div id="plot"></div><script>Plotly.newPlot("plot", '
                    f'{json.dumps(traces)}, {{"title": "Dose by eGFR"}});</script></body></html>', encoding="utf-8")
    f = scan(page)
    assert f.verdict is Verdict.PASS and not rules(f), _detail(f)
    # the same boxes over raw values carry one value per patient
    raw = [{"type": "box", "name": "<30", "y": [150, 220, 220, 300, 150, 220, 110, 220]}]
    page.write_text('<html><body><div id="plot"></div><script>Plotly.newPlot("plot", '
                    f'{json.dumps(raw)}, {{}});</script></body></html>', encoding="utf-8")
    assert "FIG002" in rules(scan(page))


def test_units_named_by_what_they_are_are_single_units() -> None:
    """A legend's "Værft A (Fyn, 566 ansatte)" or "Apotek C" names one firm, as "Virksomhed A" does; a series
    named by a group ("Værfter i alt", "Region A") names none."""
    from scanner.loaders.office import UNIT_LABEL

    for label in ("Værft A (Fyn, 566 ansatte)", "Verft B", "Shipyard C", "Apotek 2", "Virksomhed A"):
        assert UNIT_LABEL.match(label), label
    for label in ("Værfter i alt", "Region A", "Apoteker (alle)", "Skibsværfter 2015-2022"):
        assert not UNIT_LABEL.match(label), label
