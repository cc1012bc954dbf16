"""Documents: Word, PowerPoint, OpenDocument, RTF, HTML and PDF files, generated here, safe and unsafe,
each with its expected verdict, rules and locations (page, slide, element, row)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, Finding, Severity, Verdict
from tests.doc_samples import (
    bar_chart_xml,
    chart_xml,
    cprs,
    html_table,
    make_docx,
    make_odf,
    make_pdf,
    make_png,
    make_pptx,
    make_rtf,
    odf_table,
    plotly_html,
    rtf_table,
    table_page,
    w_deleted,
    w_par,
    w_table,
)

SAFE = [["Region", "Men", "Women"], ["North", "120", "131"], ["South", "98", "104"], ["East", "77", "80"]]
SMALL = [["Region", "Men", "Women"], ["North", "120", "131"], ["South", "2", "104"], ["East", "77", "80"]]
CPR = cprs(4)


def scan(path: Path, **config: object) -> FileResult:
    """The document's own result (its verdict includes its embedded files'; they follow it as members)."""
    result = api.scan([path], load_config(**config), jobs=1)  # type: ignore[arg-type]
    assert result.files and all(f.path.startswith(result.files[0].path + "!") for f in result.files[1:])
    return result.files[0]


def scan_all(path: Path, **config: object) -> list[FileResult]:
    return list(api.scan([path], load_config(**config), jobs=1).files)  # type: ignore[arg-type]


def rules(f: FileResult) -> set[str]:
    return {x.rule for x in f.findings if x.severity.label != "info"}


def of(f: FileResult, code: str) -> list[Finding]:
    return [x for x in f.findings if x.rule == code]


def _detail(f: FileResult) -> list[tuple[str, str, str]]:
    return [(x.rule, x.severity.label, x.message) for x in f.findings]


# -- Word ---------------------------------------------------------------------------------------------


def docx_clean(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Counts by region.") + w_table(SAFE) + w_par("Source: registers."))


REGRESSION = [["", "(1)", "(2)"], ["age", "1234.5**", "1100.2*"], ["", "(567.8)", "(512.1)"],
              ["Observations", "1,450", "2"], ["R-squared", "0.12", "0.45"]]


def docx_regression_of_two(d: Path) -> Path:
    """A regression table (outreg2/esttab to Word) whose second model was fitted on 2 observations."""
    return make_docx(d / "report.docx", w_par("Table 3. OLS regression of income.") + w_table(REGRESSION))


def docx_regression_large(d: Path) -> Path:
    rows = [r if r[0] != "Observations" else ["Observations", "1,450", "2,310"] for r in REGRESSION]
    return make_docx(d / "report.docx", w_par("Table 3. OLS regression of income.") + w_table(rows))


def pdf_model_summary(d: Path) -> Path:
    """R's summary(lm) printed into a PDF report: 4 residual degrees of freedom (review)."""
    lines = ["Coefficients:", "            Estimate Std. Error t value Pr(>|t|)",
             "Residual standard error: 22220 on 4 degrees of freedom",
             "Multiple R-squared:  0.4546, Adjusted R-squared:  0.091"]
    return make_pdf(d / "model.pdf", [[(72, 700 - 14 * k, text) for k, text in enumerate(lines)]])


def docx_prose_group_size(d: Path) -> Path:
    """A group's size in a report's sentence: a small cell however it is written."""
    return make_docx(d / "report.docx", w_par("Results.") + w_par("Among women in Læsø (n = 2) the mean income "
                                                                  "was 412,000 DKK."))


def docx_prose_count_of_persons(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Results.") + w_par("Two patients died within 30 days."))


def pdf_prose_group_size(d: Path) -> Path:
    return make_pdf(d / "report.pdf", [[(72, 700, "Among women in Læsø (n = 2) the mean income was 412,000.")]])


def docx_prose_large_groups(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("The cohort (n = 4,452) includes 1,234 patients in 12 regions, "
                                              "families with 2 children and one region at a time."))


def docx_small_cell(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Counts by region.") + w_table(SAFE) + w_table(SMALL))


def docx_comment_cpr(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Counts by region.") + w_table(SAFE),
                     comments=[f"Excluded: cpr {CPR[0]} and cpr {CPR[1]}"])


def docx_deleted_cpr(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Results.") + w_deleted(f"Case cpr {CPR[2]} removed") + w_table(SAFE))


def docx_deleted_count(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Results.") + w_deleted("Only 2 persons in Bornholm"))


def docx_deleted_count_beside_table_two(d: Path) -> Path:
    # the deleted "2" is no number the visible text prints: "Tabell 2" names a table
    return make_docx(d / "report.docx", w_par("Tabell 2. Fall per kommun.") + w_par("Bland de")
                     + w_deleted("2") + w_par("få kvinnorna i Arjeplog hade båda debuterat före 30 års ålder."))


def docx_text_cpr(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par(f"The patient with CPR {CPR[3]} was excluded."))


def docx_hidden_text(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Results.") + w_par("North had 2 cases", hidden=True))


def docx_embedded(d: Path) -> Path:
    return make_docx(d / "report.docx", w_par("Results."),
                     extra={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK\x05\x06" + b"\x00" * 18})


def docx_picture(d: Path) -> Path:
    png = make_png(d / "p.png", software="matplotlib version3.8")
    data = png.read_bytes()
    png.unlink()
    return make_docx(d / "report.docx", w_par("Figure 1."), extra={"word/media/image1.png": data})


def docx_picture_in_body(d: Path) -> Path:
    """The picture as Word places it: the body's drawing refers to it through the document's relationships."""
    png = make_png(d / "p.png", software="matplotlib version3.8")
    data = png.read_bytes()
    png.unlink()
    return make_docx(d / "report.docx", w_par("Figure 1."), extra={"word/media/image1.png": data},
                     rels=[("rIdImg1", "image", "media/image1.png")])


def docx_scatter_chart(d: Path) -> Path:
    import random

    rng = random.Random(3)
    points = [(round(rng.uniform(20, 70), 2), round(rng.uniform(100, 900), 1)) for _ in range(60)]
    return make_docx(d / "report.docx", w_par("Figure 1."), extra={"word/charts/chart1.xml": chart_xml(points)},
                     rels=[("rIdCh", "chart", "charts/chart1.xml")])


def docx_bar_chart(counts: list[int]) -> Callable[[Path], Path]:
    """A column chart of firms by industry pasted into a report: its values only in the chart's cache."""
    bars = list(zip(["Manufacturing", "Trade", "Transport", "Finance", "Mining"], counts, strict=True))

    def build(d: Path) -> Path:
        return make_docx(d / "report.docx", w_par("Figure 2. Firms by industry."),
                         extra={"word/charts/chart1.xml": bar_chart_xml("Firms", bars)},
                         rels=[("rIdCh", "chart", "charts/chart1.xml")])

    build.__qualname__ = f"docx_bar_chart_{min(counts)}"
    return build


def docx_line_chart(d: Path) -> Path:
    points = [(2000 + k, 100 + 3 * k) for k in range(20)]
    return make_docx(d / "report.docx", w_par("Figure 1."),
                     extra={"word/charts/chart1.xml": chart_xml(points, "lineChart")},
                     rels=[("rIdCh", "chart", "charts/chart1.xml")])


# -- PowerPoint ---------------------------------------------------------------------------------------


def pptx_clean(d: Path) -> Path:
    return make_pptx(d / "talk.pptx", [{"texts": ["Results", "Counts by region"], "table": SAFE},
                                       {"texts": ["Thanks"], "notes": "Mention the registers."}])


def pptx_small_cell(d: Path) -> Path:
    return make_pptx(d / "talk.pptx", [{"texts": ["Intro"]}, {"texts": ["Counts"], "table": SMALL}])


def pptx_top_firms_under_the_slide_title(d: Path) -> Path:
    # the slide's title says the rows are the five largest exporters: each row is one firm's own values
    rows = [["Virksomhed", "Eksport (mio. kr.)", "Ansatte"], ["Virksomhed 1", "41233,9", "3120"],
            ["Virksomhed 2", "12408,7", "1402"], ["Virksomhed 3", "8821,0", "977"], ["Virksomhed 4", "5120,4", "655"],
            ["Virksomhed 5", "3304,2", "412"]]
    return make_pptx(d / "talk.pptx", [{"texts": ["De fem største eksportører i fødevareindustrien, 2021"],
                                        "table": rows}])


def pptx_notes_cpr(d: Path) -> Path:
    return make_pptx(d / "talk.pptx", [{"texts": ["Intro"]}, {"texts": ["Results"], "notes": f"Check cpr {CPR[0]}"}])


def pptx_notes_count(d: Path) -> Path:
    return make_pptx(d / "talk.pptx", [{"texts": ["Results"], "notes": "Only 2 women in the oldest group"}])


def pptx_hidden_slide(d: Path) -> Path:
    return make_pptx(d / "talk.pptx", [{"texts": ["Results"]}, {"texts": ["Raw count: 2"], "hidden": True}])


def pptx_layout_table_small(d: Path) -> Path:
    """A table on the slide layout shows on every slide made from it (the layout's title placeholder does not)."""
    return make_pptx(d / "talk.pptx", [{"texts": ["Results"]}], layout_table=SMALL)


def pptx_layout_table_safe(d: Path) -> Path:
    return make_pptx(d / "talk.pptx", [{"texts": ["Results"]}], layout_table=SAFE)


# -- OpenDocument -------------------------------------------------------------------------------------


def odt_clean(d: Path) -> Path:
    return make_odf(d / "report.odt", "<text:p>Counts by region.</text:p>" + odf_table(SAFE))


def odt_small_cell(d: Path) -> Path:
    return make_odf(d / "report.odt", "<text:p>Counts.</text:p>" + odf_table(SMALL))


def odt_annotation_cpr(d: Path) -> Path:
    return make_odf(d / "report.odt", "<text:p>Counts.<office:annotation><dc:creator>A</dc:creator>"
                    f"<text:p>cpr {CPR[1]}</text:p></office:annotation></text:p>")


def odt_tracked_deletion(d: Path) -> Path:
    return make_odf(d / "report.odt", '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
                    f"<text:p>cpr {CPR[2]}</text:p></text:deletion></text:changed-region></text:tracked-changes>"
                    "<text:p>Results.</text:p>")


def odp_notes_count(d: Path) -> Path:
    return make_odf(d / "talk.odp", '<draw:page draw:name="p1"><text:p>Results</text:p><presentation:notes>'
                    "<text:p>Only 2 women</text:p></presentation:notes></draw:page>", presentation=True)


def odp_table_small(d: Path) -> Path:
    return make_odf(d / "talk.odp", '<draw:page draw:name="p1"><text:p>Intro</text:p></draw:page>'
                    f'<draw:page draw:name="p2">{odf_table(SMALL)}</draw:page>', presentation=True)


# -- RTF ----------------------------------------------------------------------------------------------


def rtf_clean(d: Path) -> Path:
    return make_rtf(d / "table.rtf", r"\pard Counts by region\par " + rtf_table(SAFE) + r"\par Source: registers\par")


def rtf_small_cell(d: Path) -> Path:
    return make_rtf(d / "table.rtf", r"\pard The FREQ Procedure\par " + rtf_table(SMALL) + r"\par")


def rtf_annotation_cpr(d: Path) -> Path:
    return make_rtf(d / "table.rtf", r"\pard Results{\*\atnid A}{\*\annotation\pard cpr " + CPR[3] + r"\par}\par")


def rtf_deleted_cpr(d: Path) -> Path:
    return make_rtf(d / "table.rtf", r"\pard Results {\deleted cpr " + CPR[0] + r"} kept\par")


# -- HTML ---------------------------------------------------------------------------------------------


def html_clean(d: Path) -> Path:
    (d / "t.html").write_text(f"<html><body><h1>Results</h1><p>Counts.</p>{html_table(SAFE)}</body></html>")
    return d / "t.html"


def html_small_cell(d: Path) -> Path:
    (d / "t.html").write_text(f"<html><body><p>Counts.</p>{html_table(SMALL)}</body></html>")
    return d / "t.html"


def html_text_cpr(d: Path) -> Path:
    (d / "t.html").write_text(f"<html><body><p>Patient cpr {CPR[1]} excluded.</p></body></html>")
    return d / "t.html"


def html_plotly_bar(d: Path) -> Path:
    (d / "bar.html").write_text(plotly_html([{"type": "bar", "x": ["North", "South", "East"], "y": [120, 98, 77]}]))
    return d / "bar.html"


def html_plotly_scatter(d: Path) -> Path:
    import random

    rng = random.Random(5)
    xs = [round(rng.uniform(20, 70), 1) for _ in range(300)]
    ys = [round(rng.uniform(1e5, 9e5)) for _ in range(300)]
    (d / "sc.html").write_text(plotly_html([{"type": "scatter", "mode": "markers", "x": xs, "y": ys}]))
    return d / "sc.html"


def html_plotly_histogram(d: Path) -> Path:
    import random

    rng = random.Random(6)
    (d / "hist.html").write_text(plotly_html([{"type": "histogram", "x": [rng.randint(18, 90) for _ in range(500)]}]))
    return d / "hist.html"


def html_plotly_hover_cpr(d: Path) -> Path:
    (d / "bar.html").write_text(plotly_html([{"type": "bar", "x": ["a", "b", "c", "d"], "y": [10, 12, 14, 9],
                                              "text": CPR}]))
    return d / "bar.html"


def html_plotly_bar_small(d: Path) -> Path:
    (d / "bar.html").write_text(plotly_html([{"type": "bar", "x": ["North", "South", "East"], "y": [120, 2, 77],
                                              "name": "antal"}]))
    return d / "bar.html"


def html_vega_units(d: Path) -> Path:
    records = [{"pnr": c, "income": 1000 + k} for k, c in enumerate(cprs(40, seed=9))]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "mark": "point",
            "datasets": {"data-1": records}, "data": {"name": "data-1"}}
    (d / "v.html").write_text('<html><body><div id="vis"></div><script>var spec = ' + json.dumps(spec) +
                              '; vegaEmbed("#vis", spec);</script></body></html>')
    return d / "v.html"


# -- PDF ----------------------------------------------------------------------------------------------


def pdf_clean(d: Path) -> Path:
    return make_pdf(d / "r.pdf", [[(72, 740, "Counts by region"), *table_page(SAFE)]])


def pdf_small_cell(d: Path) -> Path:
    return make_pdf(d / "r.pdf", [[(72, 740, "Introduction")], [(72, 740, "The FREQ Procedure"), *table_page(SMALL)]])


def pdf_text_cpr(d: Path) -> Path:
    return make_pdf(d / "r.pdf", [[(72, 740, "Introduction")], [(72, 700, f"Excluded patient cpr {CPR[2]}")]])


def pdf_encrypted(d: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    src = pdf_clean(d)
    writer = PdfWriter()
    for page in PdfReader(src).pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="RC4-128")
    with open(d / "enc.pdf", "wb") as fh:
        writer.write(fh)
    src.unlink()
    return d / "enc.pdf"


def pdf_attachment(d: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    src = pdf_clean(d)
    writer = PdfWriter()
    for page in PdfReader(src).pages:
        writer.add_page(page)
    writer.add_attachment("data.csv", b"pnr;income\n1;2\n")
    with open(d / "att.pdf", "wb") as fh:
        writer.write(fh)
    src.unlink()
    return d / "att.pdf"


def pdf_matplotlib(kind: str) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np

        rng = np.random.default_rng(2)
        fig, ax = plt.subplots()
        if kind == "scatter":
            ax.scatter(rng.normal(size=200), rng.normal(size=200))
        else:
            ax.bar(["a", "b", "c"], [30, 40, 50])
        fig.savefig(d / f"{kind}.pdf")
        plt.close(fig)
        return d / f"{kind}.pdf"

    return build


def pdf_outlined_table(d: Path) -> Path:
    """A table whose text is drawn as glyph outlines (no text layer): the page cannot be read."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch
    from matplotlib.textpath import TextPath

    fig, ax = plt.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 60)
    rows = [("Region", "Men", "Women"), ("Hovedstaden", "1204", "1130"), ("Bornholm", "38", "1")]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            ax.add_patch(PathPatch(TextPath((5 + 35 * c, 50 - 15 * r), cell, size=4), color="black"))
    fig.savefig(d / "outlined.pdf")
    plt.close(fig)
    return d / "outlined.pdf"


# Synthetic CPR numbers (valid date and modulus 11, made up).
_LINK_CPRS = ("110853-1009", "230472-1009", "150690-1002", "070761-4285")
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _docx_with_link(d: Path, target: str) -> Path:
    rels = (f'<?xml version="1.0"?><Relationships xmlns="{_PKG_REL}"><Relationship Id="rL" Type="{_HYPERLINK}" '
            f'Target="{escape(target)}" TargetMode="External"/></Relationships>')
    return make_docx(d / "report.docx", w_par("See the case list.") + w_table(SAFE),
                     extra={"word/_rels/document.xml.rels": rels})


def docx_link_cprs(d: Path) -> Path:
    """Person numbers in a hyperlink's address (no reader sees it; it leaves with the file)."""
    return _docx_with_link(d, "https://intranet.example/cases?ids=" + ",".join(_LINK_CPRS))


def docx_link_plain(d: Path) -> Path:
    return _docx_with_link(d, "https://www.dst.dk/da/TilSalg/Forskningsservice/Dokumentation/2024")


def docx_custom_xml_cprs(d: Path) -> Path:
    rows = "".join(f"<row><cpr>{c}</cpr><alder>{40 + k}</alder></row>" for k, c in enumerate(_LINK_CPRS))
    return make_docx(d / "report.docx", w_par("Counts by region.") + w_table(SAFE),
                     extra={"customXml/item9.xml": f'<?xml version="1.0"?><data>{rows}</data>'})


def docx_alt_chunk(cell: str) -> Callable[[Path], Path]:
    """A table imported as an HTML chunk (altChunk): Word shows it in the body."""
    def build(d: Path) -> Path:
        html = ("<html><body><table><tr><th>Region</th><th>Men</th><th>Women</th></tr>"
                "<tr><td>Hovedstaden</td><td>1204</td><td>1130</td></tr>"
                f"<tr><td>Bornholm</td><td>38</td><td>{cell}</td></tr></table></body></html>")
        body = w_par("Table 2.") + '<w:altChunk r:id="rA"/>'
        return make_docx(d / "report.docx", body, rels=[("rA", "aFChunk", "afchunk1.htm")],
                         extra={"word/afchunk1.htm": html})
    return build


def html_data_download(microdata: bool) -> Callable[[Path], Path]:
    """A report page with its data put into a download link (``data:text/csv;base64,...``)."""
    def build(d: Path) -> Path:
        import base64

        if microdata:
            rows = "\n".join(f"{c},{40 + k},{300000 + 1000 * k}" for k, c in enumerate(_LINK_CPRS))
            csv = "cpr,alder,indkomst\n" + rows + "\n"
        else:
            csv = "region,antal\nNord,412\nSyd,388\nMidt,129\n"
        uri = "data:text/csv;base64," + base64.b64encode(csv.encode()).decode()
        (d / "report.html").write_text(f'<html><body><p>Results.</p><a href="{uri}" download="data.csv">Download'
                                       "</a></body></html>", encoding="utf-8")
        return d / "report.html"
    return build


def html_json_data(women: int) -> Callable[[Path], Path]:
    """A dashboard whose chart is drawn by the page's own script from a JSON data block."""
    def build(d: Path) -> Path:
        data = json.dumps([{"region": "Hovedstaden", "men": 1204, "women": 1130},
                           {"region": "Bornholm", "men": 38, "women": women}])
        (d / "dashboard.html").write_text(f'<html><body><div id="c"></div><script type="application/json" '
                                          f'id="chart-data">{data}</script><script>draw();</script></body></html>',
                                          encoding="utf-8")
        return d / "dashboard.html"
    return build


def docx_tabbed_table(women: str) -> Callable[[Path], Path]:
    """A table typed into Word as paragraphs with tabs between the cells (no table object)."""
    def line(cells: list[str]) -> str:
        runs = "<w:r><w:tab/></w:r>".join(f'<w:r><w:t xml:space="preserve">{escape(c)}</w:t></w:r>' for c in cells)
        return f"<w:p>{runs}</w:p>"

    def build(d: Path) -> Path:
        rows = [["Region", "Men", "Women"], ["Hovedstaden", "1,204", "1,130"], ["Sjaelland", "641", "598"],
                ["Bornholm", "38", women]]
        return make_docx(d / "draft.docx", w_par("New RA patients by region and sex, 2021")
                         + "".join(line(r) for r in rows) + w_par("Source: registers."))
    return build


# (builder, verdict, rules that must be among the non-info findings, exactly those?)
CASES: list[tuple[Callable[[Path], Path], Verdict, set[str]]] = [
    (docx_clean, Verdict.PASS, set()),
    (docx_small_cell, Verdict.FAIL, {"TAB001"}),
    (docx_regression_of_two, Verdict.FAIL, {"TAB007"}),
    (docx_prose_group_size, Verdict.FAIL, {"TAB001"}),
    (docx_prose_count_of_persons, Verdict.REVIEW, {"TAB001"}),
    (pdf_prose_group_size, Verdict.FAIL, {"TAB001"}),
    (docx_prose_large_groups, Verdict.PASS, set()),
    (docx_regression_large, Verdict.PASS, set()),
    (pdf_model_summary, Verdict.REVIEW, {"TAB007"}),
    (docx_comment_cpr, Verdict.FAIL, {"DOC005"}),
    (docx_deleted_cpr, Verdict.FAIL, {"DOC005"}),
    (docx_deleted_count, Verdict.REVIEW, {"DOC005"}),
    (docx_deleted_count_beside_table_two, Verdict.REVIEW, {"DOC005"}),
    (pptx_top_firms_under_the_slide_title, Verdict.FAIL, {"MIC001"}),
    (docx_text_cpr, Verdict.FAIL, {"PID003"}),
    (docx_hidden_text, Verdict.REVIEW, {"DOC005"}),
    (docx_embedded, Verdict.REVIEW, set()),  # a damaged embedded workbook: FIL001 on the member
    (docx_picture, Verdict.REVIEW, {"FIL001"}),
    (docx_picture_in_body, Verdict.REVIEW, {"FIL001"}),
    (docx_bar_chart([412, 310, 188, 97, 2]), Verdict.FAIL, {"TAB001", "FIG002"}),
    (docx_bar_chart([412, 310, 188, 97, 12]), Verdict.PASS, set()),
    (docx_scatter_chart, Verdict.FAIL, {"FIG001"}),
    (docx_line_chart, Verdict.PASS, set()),
    (pdf_outlined_table, Verdict.REVIEW, {"FIL001"}),
    (docx_tabbed_table("1"), Verdict.FAIL, {"TAB001"}),
    (docx_tabbed_table("31"), Verdict.PASS, set()),
    (html_json_data(1), Verdict.FAIL, {"TAB001"}),
    (html_json_data(31), Verdict.PASS, set()),
    (html_data_download(True), Verdict.FAIL, set()),
    (html_data_download(False), Verdict.PASS, set()),
    (docx_link_cprs, Verdict.FAIL, {"DOC005"}),
    (docx_link_plain, Verdict.PASS, set()),
    (docx_custom_xml_cprs, Verdict.FAIL, {"DOC005"}),
    (docx_alt_chunk("1"), Verdict.FAIL, {"TAB001"}),
    (docx_alt_chunk("31"), Verdict.PASS, set()),
    (pdf_matplotlib("bar"), Verdict.PASS, set()),
    (pptx_clean, Verdict.PASS, set()),
    (pptx_small_cell, Verdict.FAIL, {"TAB001"}),
    (pptx_notes_cpr, Verdict.FAIL, {"DOC005"}),
    (pptx_notes_count, Verdict.REVIEW, {"DOC005"}),
    (pptx_hidden_slide, Verdict.REVIEW, {"DOC005"}),
    (pptx_layout_table_small, Verdict.FAIL, {"TAB001"}),
    (pptx_layout_table_safe, Verdict.PASS, set()),
    (odt_clean, Verdict.PASS, set()),
    (odt_small_cell, Verdict.FAIL, {"TAB001"}),
    (odt_annotation_cpr, Verdict.FAIL, {"DOC005"}),
    (odt_tracked_deletion, Verdict.FAIL, {"DOC005"}),
    (odp_notes_count, Verdict.REVIEW, {"DOC005"}),
    (odp_table_small, Verdict.FAIL, {"TAB001"}),
    (rtf_clean, Verdict.PASS, set()),
    (rtf_small_cell, Verdict.FAIL, {"TAB001"}),
    (rtf_annotation_cpr, Verdict.FAIL, {"DOC005"}),
    (rtf_deleted_cpr, Verdict.FAIL, {"DOC005"}),
    (html_clean, Verdict.PASS, set()),
    (html_small_cell, Verdict.FAIL, {"TAB001"}),
    (html_text_cpr, Verdict.FAIL, {"PID003"}),
    (html_plotly_bar, Verdict.PASS, set()),
    (html_plotly_scatter, Verdict.FAIL, {"FIG001"}),
    (html_plotly_histogram, Verdict.FAIL, {"FIG002"}),
    (html_plotly_hover_cpr, Verdict.FAIL, {"FIG002", "PID003"}),
    (html_plotly_bar_small, Verdict.FAIL, {"FIG002", "TAB001"}),
    (html_vega_units, Verdict.FAIL, {"FIG002"}),
    (pdf_clean, Verdict.PASS, set()),
    (pdf_small_cell, Verdict.FAIL, {"TAB001"}),
    (pdf_text_cpr, Verdict.FAIL, {"PID003"}),
    (pdf_encrypted, Verdict.REVIEW, {"FIL004"}),
    (pdf_attachment, Verdict.PASS, set()),  # its data.csv is read as a member: one row of two numbers
    (pdf_matplotlib("scatter"), Verdict.FAIL, {"FIG001"}),
    (pdf_matplotlib("bar"), Verdict.PASS, set()),
]


@pytest.mark.parametrize(("build", "verdict", "codes"), CASES,
                         ids=[c[0].__qualname__.split(".")[0] + ("" if "matplotlib" not in c[0].__qualname__ else
                                                                  f"-{i}") for i, c in enumerate(CASES)])
def test_document_verdicts(tmp_path: Path, build: Callable[[Path], Path], verdict: Verdict, codes: set[str]) -> None:
    path = build(tmp_path)
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    assert codes <= rules(f), _detail(f)
    if verdict is Verdict.PASS:
        assert not rules(f), _detail(f)


def test_word_table_small_cell_is_located_at_its_table_and_row(tmp_path: Path) -> None:
    f = scan(docx_small_cell(tmp_path))
    small = of(f, "TAB001")
    assert small and all(x.location.element == "table 2" for x in small), _detail(f)
    assert {x.location.row for x in small} == {2}
    assert {x.location.column for x in small} == {"Men"}


def test_tracked_deletion_is_hidden_content_and_masked(tmp_path: Path) -> None:
    f = scan(docx_deleted_cpr(tmp_path))
    (doc005,) = of(f, "DOC005")
    assert doc005.severity.label == "block"
    assert "deleted text" in doc005.message.lower()
    assert doc005.location.element == "paragraph 2"
    report = json.dumps([x.message + x.evidence.text for x in f.findings])
    assert CPR[2] not in report and CPR[2].replace("-", "") not in report
    # the deleted number is not part of the visible text: no PID finding on the text
    assert not of(f, "PID003")


def test_comment_location_names_the_comment(tmp_path: Path) -> None:
    f = scan(docx_comment_cpr(tmp_path))
    (doc005,) = of(f, "DOC005")
    assert doc005.location.element == "comment 1"
    assert CPR[0] not in doc005.evidence.text


def test_one_person_number_typed_into_a_comment_is_blocked(tmp_path: Path) -> None:
    """One CPR number in its standard form in a Word comment ("Tjek: ... har disp. indkomst på -3,9 mio.") is
    blocked, as in a workbook's cell comment: nobody types a person number by hand without meaning it."""
    f = scan(make_docx(tmp_path / "notat.docx", w_par("Indkomst efter kommune.") + w_table(SAFE),
                       comments=[f"Tjek: {CPR[0]} har disp. indkomst på ca. -3,9 mio."]))
    (doc005,) = of(f, "DOC005")
    assert doc005.severity.label == "block"
    assert CPR[0] not in doc005.evidence.text


@pytest.mark.parametrize(("note", "severity"), [
    ("LopNr 1048832 exkluderad – negativ inkomst (-3,1 mkr)", "block"),
    ("pnr=55012 slettet før tabellen", "block"),
    ("Tabellen bygger på 2019 og 2020, kommune 1234 slået sammen", "review"),
])
def test_a_register_key_written_out_in_a_comment_is_blocked(tmp_path: Path, note: str, severity: str) -> None:
    """A running number has no check digit to validate, but "LopNr 1048832" names one person's key."""
    f = scan(make_docx(tmp_path / "notat.docx", w_par("Inkomst efter län.") + w_table(SAFE), comments=[note]))
    (doc005,) = of(f, "DOC005")
    assert doc005.severity.label == severity
    assert "1048832" not in doc005.message + doc005.evidence.text


@pytest.mark.parametrize(("old", "expect"), [("<3", {"TAB004"}), ("12", set())])
def test_a_suppressed_cell_whose_total_another_table_of_the_document_prints(tmp_path: Path, old: str,
                                                                             expect: set[str]) -> None:
    """Table 2 prints men 167; Table 3 by age and sex suppresses men aged 80+: 167 minus the rest is 2."""
    by_sex = [["Sex", "n"], ["Men", "167" if old == "<3" else "177"], ["Women", "147"], ["Total", "314" if old == "<3"
                                                                                       else "324"]]
    by_age = [["Age group", "Men", "Women"], ["<50", "11", "9"], ["50–59", "34", "29"], ["60–69", "68", "57"],
              ["70–79", "52", "46"], ["≥80", old, "6"]]
    f = scan(make_docx(tmp_path / "release.docx", w_par("Table 2. Patients by sex") + w_table(by_sex)
                       + w_par("Table 3. Patients by sex and age group") + w_table(by_age)))
    assert {x.rule for x in f.findings} & {"TAB004"} == expect


def test_slide_findings_name_the_slide(tmp_path: Path) -> None:
    f = scan(pptx_small_cell(tmp_path))
    assert {x.location.slide for x in of(f, "TAB001")} == {2}
    notes = scan(pptx_notes_cpr(tmp_path / ".." / tmp_path.name))
    (doc005,) = of(notes, "DOC005")
    assert doc005.location.slide == 2 and doc005.location.element == "speaker notes"


def test_notes_slide_number_is_not_a_number_in_the_notes(tmp_path: Path) -> None:
    # the slide-number placeholder of a notes page is not content: notes of words pass
    f = scan(pptx_clean(tmp_path))
    assert not of(f, "DOC005") or all(x.severity.label == "info" for x in of(f, "DOC005"))


def test_pdf_findings_name_the_page(tmp_path: Path) -> None:
    f = scan(pdf_small_cell(tmp_path))
    assert {x.location.page for x in of(f, "TAB001")} == {2}, _detail(f)
    g = scan(pdf_text_cpr(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path))
    (pid,) = of(g, "PID003")
    assert pid.location.page == 2


def test_pdf_encrypted_is_fil004_not_read(tmp_path: Path) -> None:
    f = scan(pdf_encrypted(tmp_path))
    assert rules(f) == {"FIL004"}, _detail(f)


def test_refused_xml_in_a_docx_is_a_review(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            "<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>")
    path = make_docx(tmp_path / "bomb.docx", "", extra={"word/document.xml": bomb})
    f = scan(path)
    assert f.verdict is Verdict.REVIEW and "FIL001" in rules(f), _detail(f)
    assert any("DTD" in x.message for x in f.findings)


def test_damaged_docx_is_a_review(tmp_path: Path) -> None:
    path = docx_clean(tmp_path)
    path.write_bytes(path.read_bytes()[:200])
    f = scan(path)
    assert f.verdict is Verdict.REVIEW and "FIL001" in rules(f), _detail(f)


def test_select_does_not_change_hidden_judgement(tmp_path: Path) -> None:
    """The figure data is judged by every enabled content rule, whatever --select reports."""
    f = scan(html_plotly_bar_small(tmp_path), select=["FIG002"])
    assert rules(f) == {"FIG002"}, _detail(f)


def test_json_report_carries_page_slide_and_element(tmp_path: Path) -> None:
    from scanner.reporters import json as json_reporter

    result = api.scan([pptx_small_cell(tmp_path)], load_config(), jobs=1)
    data = json_reporter.to_dict(result)
    locs = [x["location"] for x in data["files"][0]["findings"]]
    assert locs and all({"page", "slide", "element"} <= set(loc) for loc in locs)
    assert any(loc["slide"] == 2 and loc["element"] == "table 1" for loc in locs)


def test_embedded_files_are_scanned_as_members(tmp_path: Path) -> None:
    """A PDF's attached CSV and a Word report's embedded workbook are files of their own in the report
    (`report.pdf!data.csv`), judged by every rule; the document's verdict includes theirs."""
    from pypdf import PdfReader, PdfWriter

    src = pdf_clean(tmp_path)
    writer = PdfWriter()
    for page in PdfReader(src).pages:
        writer.add_page(page)
    rows = "".join(f"{100000 + 7 * k},{'MK'[k % 2]},{20 + k % 50},{31000 + 17 * k}\n" for k in range(200))
    writer.add_attachment("udtraek.csv", ("lopnr,koen,alder,indkomst\n" + rows).encode())
    with open(tmp_path / "rapport.pdf", "wb") as fh:
        writer.write(fh)
    files = scan_all(tmp_path / "rapport.pdf")
    assert [f.path.split("!", 1)[-1] for f in files[1:]] == ["udtraek.csv"], [f.path for f in files]
    member = files[1]
    assert member.kind == "csv" and member.verdict is Verdict.FAIL, _detail(member)
    assert {"MIC001", "MIC002"} & rules(member), _detail(member)
    assert files[0].verdict is Verdict.FAIL and "DOC003" not in rules(files[0]), _detail(files[0])

    (tmp_path / "w").mkdir()
    docx = scan_all(docx_embedded(tmp_path / "w"))
    assert len(docx) == 2 and docx[1].path.endswith("!Microsoft_Excel_Worksheet.xlsx"), [f.path for f in docx]
    assert docx[1].verdict is Verdict.REVIEW and "FIL001" in rules(docx[1]), _detail(docx[1])
    assert docx[0].verdict is Verdict.REVIEW and "DOC003" not in rules(docx[0]), _detail(docx[0])


def _ods_html(small: int) -> str:
    """A SAS ODS HTML crosstab: a title row over the table, the row variable's name spanning two header rows,
    the column variable's name over its levels (sex coded 1/2), row headers in <th>."""
    rows = "".join(f'<tr><th class="l rowheader" scope="row">{r}</th><td class="r data">{a}</td>'
                   f'<td class="r data">{b}</td><td class="r data">{a + b}</td></tr>'
                   for r, a, b in (("Nord", 45, 38), ("Syd", small, 51), ("Midt", 61, 70)))
    return ('<html><head><meta name="Generator" content="SAS Software Version 9.4"></head><body>'
            '<table class="table" rules="all" frame="box"><thead>'
            '<tr><th class="c b header" colspan="4" scope="colgroup">Table of region by koen</th></tr>'
            '<tr><th class="l b header" rowspan="2" scope="col">region</th>'
            '<th class="c b header" colspan="3" scope="colgroup">koen</th></tr>'
            '<tr><th scope="col">1</th><th scope="col">2</th><th scope="col">Total</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></body></html>")


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (21, Verdict.PASS)])
def test_html_table_header_rows_with_spans(tmp_path: Path, small: int, verdict: Verdict) -> None:
    path = tmp_path / "freq.html"
    path.write_text(_ods_html(small), encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        (finding,) = f.findings
        assert finding.rule == "TAB001" and finding.location.column == "koen | 1"
        assert finding.location.row == 2


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (21, Verdict.PASS)])
def test_second_header_row_of_numeric_levels(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """A Word-style table (all <td>): the column variable's name on the first row, its levels and Total on
    the second ("Region 1 2 Total"): the second row names columns, it is not a row of cells."""
    body = [["", "Sex", "", ""], ["Region", "1", "2", "Total"], ["Nord", "45", "38", "83"],
            ["Syd", str(small), "51", str(51 + small)], ["Midt", "61", "70", "131"]]
    html = "<html><body><table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body) \
        + "</table></body></html>"
    path = tmp_path / "t.html"
    path.write_text(html, encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [(x.rule, x.location.column) for x in f.findings] == [("TAB001", "Sex | 1")]


def _stacked_freq(small: int) -> list[list[list[str]]]:
    """A SAS PROC FREQ crosstab as ODS writes it to HTML, RTF and Word: each cell stacks its Frequency,
    Percent, Row Pct and Col Pct on lines of their own."""
    def cell(n: int, total: int) -> list[str]:
        return [str(n), f"{100 * n / 166:.2f}", f"{100 * n / total:.2f}", f"{100 * n / 83:.2f}"]
    return [[["region"], ["K"], ["M"], ["Total"]],
            [["Nord"], cell(45, 45 + small), cell(small, 45 + small), [str(45 + small)]],
            [["Syd"], cell(61, 119), cell(58, 119), ["119"]]]


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (21, Verdict.PASS)])
@pytest.mark.parametrize("fmt", ["html", "html4", "rtf", "docx"])
def test_stacked_statistics_in_a_cell_read_as_its_count(tmp_path: Path, fmt: str, small: int,
                                                       verdict: Verdict) -> None:
    rows = _stacked_freq(small)
    if fmt.startswith("html"):
        br = "<br>" if fmt == "html4" else "<br/>"  # SAS ODS HTML (HTML 4) writes the void <br>
        body = "".join("<tr>" + "".join(f"<td>{br.join(c)}</td>" for c in r) + "</tr>" for r in rows)
        path = tmp_path / "freq.html"
        path.write_text(f"<html><body><table>{body}</table></body></html>", encoding="utf-8")
    elif fmt == "rtf":
        body = "".join(r"\trowd" + "".join(rf"\cellx{1500 * (k + 1)}" for k in range(len(r))) + r"\pard\intbl "
                       + "".join("\\line ".join(c) + "\\cell " for c in r) + r"\row" for r in rows) + r"\pard"
        path = make_rtf(tmp_path / "freq.rtf", body)
    else:
        body = "".join("<w:tr>" + "".join("<w:tc>" + "".join(w_par(x) for x in c) + "</w:tc>" for c in r)
                       + "</w:tr>" for r in rows)
        path = make_docx(tmp_path / "freq.docx", f"<w:tbl>{body}</w:tbl>")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [(x.rule, x.location.column) for x in f.findings] == [("TAB001", "M")], _detail(f)


_SAS_FREQ_PAGE = """                                         The SAS System          10:42 Tuesday, March 5, 2024   1

                                       The FREQ Procedure

                                     Table of region by koen

                              region          koen

                              Frequency  |
                              Percent    |
                              Row Pct    |
                              Col Pct    |Kvinde  |Mand    |  Total
                              -----------+--------+--------+
                              Hovedstaden|    412 |    398 |    810
                                         |  33.28 |  32.15 |  65.43
                                         |  50.86 |  49.14 |
                                         |  64.38 |  66.89 |
                              -----------+--------+--------+
                              Nordjylland|  {small:>5} |     21 |  {total:>5}
                                         |   0.16 |   1.70 |   1.86
                                         |   8.70 |  91.30 |
                                         |   0.31 |   3.53 |
                              -----------+--------+--------+
                              Total           {women:>3}      419     {grand}
"""


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (20, Verdict.PASS)])
def test_pdf_page_of_sas_listing_is_read_as_printed_output(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """A SAS listing printed to PDF: the page is read as the log reader reads a listing (PROC FREQ's
    statistics stacked under each count)."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    text = _SAS_FREQ_PAGE.format(small=small, total=small + 21, women=412 + small, grand=412 + small + 419)
    fig = plt.figure(figsize=(8.27, 11.69))
    for i, line in enumerate(text.splitlines()):
        fig.text(0.02, 0.95 - 0.014 * i, line, family="monospace", fontsize=7)
    path = tmp_path / "freq.pdf"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [(x.rule, x.location.column) for x in f.findings] == [("TAB001", "Kvinde")], _detail(f)


@pytest.mark.parametrize(("total", "verdict"), [(150, Verdict.FAIL), (15000, Verdict.PASS)])
@pytest.mark.parametrize("fmt", ["docx", "html", "rtf"])
def test_percentages_of_a_whole_stated_in_the_caption(tmp_path: Path, fmt: str, total: int,
                                                     verdict: Verdict) -> None:
    """A table of percentages whose whole is stated only in the caption paragraph above it: 1.3 % of 150 is
    2 persons."""
    caption = f"Tabel 2. Diagnoser (N = {total:,})".replace(",", ".")
    rows = [["Diagnose", "Procent"], ["Diabetes", "30,7"], ["KOL", "68,0"], ["Sjælden sygdom", "1,3"]]
    if fmt == "docx":
        path = make_docx(tmp_path / "rapport.docx", w_par("Resultater") + w_par(caption) + w_table(rows))
    elif fmt == "html":
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        path = tmp_path / "rapport.html"
        path.write_text(f"<html><body><h2>Resultater</h2><p>{caption}</p><table>{body}</table></body></html>",
                        encoding="utf-8")
    else:
        path = make_rtf(tmp_path / "rapport.rtf", rf"\pard {caption}\par " + rtf_table(rows) + r"\pard\par")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [x.rule for x in f.findings] == ["TAB001"], _detail(f)


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (21, Verdict.PASS)])
def test_dt_widget_data_are_a_table(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """R's DT::datatable() saved as HTML carries its data as JSON, column by column, under the container's
    header: read as a table."""
    spec = {"x": {"data": [["Hovedstaden", "Nordjylland", "Syddanmark"], [812, small, 610], [799, 45, 622]],
                  "container": "<table><thead><tr><th>region</th><th>Maend</th><th>Kvinder</th></tr></thead></table>"}}
    path = tmp_path / "tabel.html"
    path.write_text('<html><body><div id="htmlwidget-1" class="datatables html-widget"></div>'
                    f'<script type="application/json" data-for="htmlwidget-1">{json.dumps(spec)}</script>'
                    "</body></html>", encoding="utf-8")
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [(x.rule, x.location.column) for x in f.findings] == [("TAB001", "Maend")], _detail(f)


def test_undecoded_widget_data_are_a_review(tmp_path: Path) -> None:
    path = tmp_path / "map.html"
    path.write_text('<html><body><div id="htmlwidget-2" class="leaflet html-widget"></div>'
                    '<script type="application/json" data-for="htmlwidget-2">{"x": {"calls": []}}</script>'
                    "</body></html>", encoding="utf-8")
    assert scan(path).verdict is Verdict.REVIEW


def test_sas_crosstab_names_over_its_levels_make_one_header() -> None:
    from scanner.document_scan import table_of

    # SAS ODS PROC FREQ in RTF/Word: the row and column variables' names over the column levels, the
    # statistics legend in the corner; the first level's counts are cells, not a column of labels
    rows = [["region", "hfaudd_grp", "", "", ""],
            ["Frequency\nPercent", "Grundskole", "18-29", "67+", "Total"],
            ["Hovedstaden", "812", "655", "1120", "2587"],
            ["Nordjylland", "2", "151", "622", "775"],
            ["Total", "814", "806", "1742", "3362"]]
    table = table_of(rows, None, "document")
    assert table is not None
    # (the legend's "Frequency" names every level's cells: counts, whatever the levels look like)
    assert table.names == ["region | Frequency Percent", "hfaudd_grp | Grundskole | Frequency", "18-29 | Frequency",
                           "67+ | Frequency", "Total | Frequency"]
    assert table.rows[1][:2] == ["Nordjylland", "2"]


def test_a_pdf_table_split_at_a_heading_row_is_put_back_together() -> None:
    from scanner.loaders.pdf import _continued
    from scanner.loaders.texttables import TextTable

    head = TextTable(["Variable", "Events/N", "Crude HR (95% CI)"], [["Female sex", "913/11,071", "1.92 (1.69–2.18)"]],
                     4, "fixed-width", (4,))
    rest = TextTable(["Underweight (<18.5)", "2/61", "1.02 (0.25–4.10)"], [["Normal", "498/7,105", "1.00 (ref.)"]],
                     8, "fixed-width", (8,))
    (table,) = _continued([head, rest])
    assert table.names == head.names and [r[1] for r in table.rows] == ["913/11,071", "2/61", "498/7,105"]
    other = TextTable(["Outcome", "Model 1 (95% CI)", "Model 2 (95% CI)"], [["Death", "1.2 (1.0–1.4)", "1.1"]], 20,
                      "fixed-width", (20,))
    assert len(_continued([head, other])) == 2  # a table of its own under its own header
    # a block whose first row is data, read without a header, continues the table above too
    headless = TextTable(["column_1", "column_2", "column_3"], [["Underweight (<18.5)", "2/61", "1.02 (0.25–4.10)"]],
                         8, "fixed-width", (8,))
    (joined,) = _continued([head, headless])
    assert joined.names == head.names and [r[1] for r in joined.rows] == ["913/11,071", "2/61"]


@pytest.mark.parametrize(("events", "verdict"), [(2, Verdict.FAIL), (12, Verdict.PASS)])
def test_a_forest_plots_rows_drawn_far_apart_are_one_table(tmp_path: Path, events: int, verdict: Verdict) -> None:
    """A forest plot's text columns drawn by matplotlib: its rows two blank lines apart in the page's layout
    text, the events/N header in other columns than the cells: "2/148" is 2 events."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [("Alle", "412/9214", "318/9187", "1,29 (1,12–1,50)"),
            ("Kvinner", "131/2790", "104/2802", "1,27 (0,98–1,64)"),
            ("18–54 år", f"{events}/148", "9/161", "0,24 (0,05–1,12)"),
            ("55–74 år", "201/5368", "151/5301", "1,31 (1,06–1,62)")]
    fig = plt.figure(figsize=(10, 5))
    fig.text(0.3, 0.92, "Ticagrelor", fontsize=9)
    fig.text(0.45, 0.92, "Klopidogrel", fontsize=9)
    fig.text(0.3, 0.88, "hendelser/N", fontsize=9)
    fig.text(0.45, 0.88, "hendelser/N", fontsize=9)
    fig.text(0.8, 0.88, "HR (95 % KI)", fontsize=9)
    for i, row in enumerate(rows):
        for x, cell in zip((0.02, 0.3, 0.45, 0.8), row, strict=True):
            fig.text(x, 0.78 - 0.1 * i, cell, fontsize=9)
    path = tmp_path / "forest.pdf"
    fig.savefig(path)
    plt.close(fig)
    f = scan(path)
    assert f.verdict is verdict, _detail(f)


def test_layout_text_keeps_its_blocks_and_joins_rows_drawn_apart() -> None:
    from scanner.loaders.pdf import _compact

    assert _compact("Title\n\nSecond paragraph\n\n\nThird\n") == "Title\nSecond paragraph\n\nThird\n"
    assert _compact("A    412/9214    1,29\n\n\nB    2/148    0,24\n") == "A    412/9214    1,29\nB    2/148    0,24\n"


def test_a_count_replaced_by_a_marker_as_a_tracked_change_is_still_in_the_table(tmp_path: Path) -> None:
    from tests.doc_samples import make_docx, w_par

    def changed(old: str, new: str) -> str:
        return (f'<w:tc><w:p><w:del w:id="1" w:author="A"><w:r><w:delText>{old}</w:delText></w:r></w:del>'
                f'<w:ins w:id="2" w:author="A"><w:r><w:t>{new}</w:t></w:r></w:ins></w:p></w:tc>')

    def table(last: str) -> str:
        rows = [["Kommune", "Genindlagt", "I alt"], ["Gentofte", "41", "310"], ["Tårnby", "23", "187"],
                ["Frederiksberg", "37", "402"]]
        body = "".join("<w:tr>" + "".join(f"<w:tc>{w_par(c)}</w:tc>" for c in r) + "</w:tr>" for r in rows)
        return f"<w:tbl>{body}<w:tr><w:tc>{w_par('Dragør')}</w:tc>{last}<w:tc>{w_par('64')}</w:tc></w:tr></w:tbl>"

    # the Dragør cell: "2" deleted, "<3" inserted (a checker's request, made with track changes on)
    path = make_docx(tmp_path / "tabel3.docx", table(changed("2", "&lt;3")))
    (result,) = api.scan([path], load_config(), jobs=1).files
    (finding,) = [f for f in result.findings if f.rule == "TAB001"]
    assert "before its tracked changes" in (finding.location.element or "")
    safe = make_docx(tmp_path / "tabel3_ok.docx", table(changed("21", "12")))
    (result,) = api.scan([safe], load_config(), jobs=1).files
    assert not [f for f in result.findings if f.rule == "TAB001"]


def test_a_comment_whose_numbers_the_document_prints_is_no_review(tmp_path: Path) -> None:
    from tests.doc_samples import make_docx, w_par, w_table

    body = w_par("Indlæggelser 2019 efter region") + w_table([["Region", "2019"], ["Nord", "412"], ["Syd", "388"]])
    path = make_docx(tmp_path / "rapport.docx", body, comments=["Tallene er fra samme dag i 2019."])
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert result.verdict is Verdict.PASS, [f.message for f in result.findings]
    path = make_docx(tmp_path / "rapport2.docx", body, comments=["Før afrunding: Nord 2 mere."])
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert any(f.rule == "DOC005" and f.severity is Severity.REVIEW for f in result.findings)


def test_dates_years_and_names_with_digits_in_a_comment_are_no_hidden_data(tmp_path: Path) -> None:
    from tests.doc_samples import make_docx, w_par, w_table

    body = w_par("Indlæggelser efter region") + w_table([["Region", "Antal"], ["Nord", "412"], ["Syd", "388"]])
    path = make_docx(tmp_path / "rapport.docx", body, comments=["Ny kørsel 2023-02-21 (14.03.2023); COVID-19 i 2020."])
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert result.verdict is Verdict.PASS, [f.message for f in result.findings]


def _sas_rtf_crosstab(small: int) -> str:
    def row(cells: list[str]) -> str:
        widths = "".join(f"\\cellx{2000 * (k + 1)}" for k in range(len(cells)))
        body = "".join("\\pard\\plain\\intbl{" + c + "\\cell}" for c in cells)
        return "{\\trowd" + widths + body + "{\\row}}\n"

    rows = [["Frequency\\line Percent\\line Row Pct", "E10 Type 1", "E11 Type 2", "E13 Anden spec.", "Total"],
            ["Hovedstaden", "412\\line 4.07\\line 12.9", "1873\\line 18.5\\line 58.8", "14\\line 0.14\\line 0.44",
             "3185"],
            ["Nordjylland", "122\\line 1.20\\line 12.7", "611\\line 6.03\\line 63.6",
             f"{small}\\line 0.02\\line 0.21", "961"]]
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\pard{\\b The FREQ Procedure}\\par\n"
            + "".join(row(r) for r in rows) + "}")


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (12, Verdict.PASS)])
def test_sas_rtf_proc_freq_with_coded_levels_is_a_table_of_counts(tmp_path: Path, small: int,
                                                                  verdict: Verdict) -> None:
    # the levels' names look like codes ("E10 Type 1"); the legend over the row labels says the cells are counts
    path = tmp_path / "freq.rtf"
    path.write_text(_sas_rtf_crosstab(small), encoding="latin-1")
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert result.verdict is verdict, [f.message for f in result.findings]


@pytest.mark.parametrize(("small", "verdict"), [(1, Verdict.FAIL), (11, Verdict.PASS)])
def test_proc_freq_pdf_with_stacked_cells_a_line_each(tmp_path: Path, small: int, verdict: Verdict) -> None:
    """SAS ODS PDF of PROC FREQ (Swedish): each cell stacks its Frekvens over its Radprocent, and the PDF's
    text gives them a line each, the row label on the percentages' line: the frequencies are the cells."""
    from tests.doc_samples import make_pdf

    def rows(label: str, counts: list[int]) -> list[tuple[str, list[str]]]:
        total = sum(counts)
        return [("", [str(n) for n in counts] + [""]),
                (label, [f"{100 * n / total:.2f}".replace(".", ",") for n in counts] + [str(total)])]

    regions = {"Stockholms län": [4120, 5877, 212], "Uppsala län": [988, 1301, 64], "Gotlands län": [88, 102, small],
               "Västerbottens län": [612, 790, 38], "Jämtlands län": [341, 402, 6]}
    data = [line for label, counts in regions.items() for line in rows(label, counts)]
    data.append(("Totalt", [str(sum(c[k] for c in regions.values())) for k in range(3)]
                 + [str(sum(map(sum, regions.values())))]))
    # (SAS wraps the levels' names over two lines, as it does the legend)
    texts = [(300, 770, "Proceduren FREQ"), (270, 740, "Tabell för lan efter sun2020niva"),
             (72, 716, "Frekvens"), (72, 704, "Radprocent"),
             (200, 716, "Förgymnasia"), (200, 704, "l"), (280, 704, "Gymnasial"), (360, 716, "Forskarutbil"),
             (360, 704, "dning"), (440, 704, "Totalt")]
    y = 688
    for label, cells in data:
        if label:
            texts.append((72, y, label))
        texts.extend((200 + 80 * k, y, c) for k, c in enumerate(cells) if c)
        y -= 12
    path = make_pdf(tmp_path / "freq_lan.pdf", [texts])
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert {x.rule for x in f.findings} == {"TAB001"}


@pytest.mark.parametrize(("cases", "verdict"), [("2", Verdict.REVIEW), ("nogle", Verdict.PASS)])
def test_a_comment_that_counts_a_few_persons_is_a_concern_whatever_the_visible_digits(
        tmp_path: Path, cases: str, verdict: Verdict) -> None:
    """The comment's "2 tilfælde" shares its digit with "Tabel 2" in the visible text: it still counts
    persons (DOC005 review, not "text only")."""
    from tests.doc_samples import make_docx, w_par, w_table

    body = w_par("Tabel 2. Screeningsfund efter kommune") + w_table([["Kommune", "Fund"], ["Aalborg", "412"],
                                                                      ["Hjørring", "188"]])
    note = f"Læsø er udeladt af tabel 2, fordi der kun blev fundet {cases} tilfælde af brystkræft dér."
    path = make_docx(tmp_path / "notat.docx", body, comments=[note])
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]


@pytest.mark.parametrize(("deaths", "verdict"), [(2, Verdict.FAIL), (12, Verdict.PASS)])
def test_a_table_split_by_a_page_break_is_read_across_it(tmp_path: Path, deaths: int, verdict: Verdict) -> None:
    """A table's last rows at the top of the next page, under no header: Bornholm's 2 deaths are a small
    cell of the table that began on the page before."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    page1 = ["Tabel 2. Dødsfald inden for 30 dage efter sygehus", "",
             "Sygehus                   Patienter       Døde",
             "Aalborg UH                     1412        118",
             "Aarhus UH                      1710        131"]
    page2 = ["Odense UH                      1533        124",
             f"Bornholm                        140         {deaths:>2}", "",
             "3. Konklusion", "", "Dødeligheden er på niveau med landsgennemsnittet."]
    path = tmp_path / "rapport.pdf"
    with PdfPages(path) as pdf:
        for lines, top in ((page1, 0.2), (page2, 0.95)):
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.05, top - 0.014 * i, line, family="monospace", fontsize=8)
            pdf.savefig(fig)
            plt.close(fig)
    f = scan(path)
    assert f.verdict is verdict, _detail(f)


@pytest.mark.parametrize(("july", "verdict"), [("2", Verdict.FAIL), ("12", Verdict.PASS)])
def test_a_charts_table_of_values_under_its_months_in_a_pdf(tmp_path: Path, july: str, verdict: Verdict) -> None:
    # a line chart exported with its data table: the months on one line, "Antal" and a value under each
    values = ["9", "7", "8", "6", "5", "4", july, "5", "6", "8", "7", "9"]
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    texts = [(72, 740, "Indlæggelser for selvskade, piger 13-17 år, Bornholm, 2022"),
             *((110 + 38 * k, 300, m) for k, m in enumerate(months)), (60, 280, "Antal"),
             *((114 + 38 * k, 280, v) for k, v in enumerate(values))]
    make_pdf(tmp_path / "figur.pdf", [texts])
    (result,) = api.scan([tmp_path], load_config(), jobs=1).files
    assert result.verdict is verdict, result.findings
    if verdict is Verdict.FAIL:
        (finding,) = [f for f in result.findings if f.rule == "TAB001"]
        assert finding.location.page == 1 and finding.location.column == "jul"


@pytest.mark.parametrize(("women", "verdict"), [(2, Verdict.FAIL), (4, Verdict.PASS)])
def test_word_table_with_a_header_three_rows_deep(tmp_path: Path, women: int, verdict: Verdict) -> None:
    """Stata's collect exported to Word: "Kjønn" over "Mann / Kvinne / Total" over "Frekvens / Gj.snitt inntekt",
    each upper label a merged cell spanning the blanks after it: the frequencies are counts (Agder's 2 women)."""
    rows = [["", "Kjønn", "", "", "", "", ""],
            ["", "Mann", "", "Kvinne", "", "Total", ""],
            ["Fylke", "Frekvens", "Gj.snitt inntekt", "Frekvens", "Gj.snitt inntekt", "Frekvens", "Gj.snitt inntekt"],
            ["Oslo", "61", "684 200", "38", "651 300", "99", "671 572"],
            ["Viken", "22", "702 900", "14", "659 800", "36", "686 139"],
            ["Agder", "7", "655 100", str(women), "612 400", str(7 + women), "645 611"],
            ["Vestland", "19", "671 500", "11", "640 200", "30", "660 023"]]
    path = make_docx(tmp_path / "collect.docx", w_table(rows))
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert any(x.rule == "TAB001" and "Kvinne | Frekvens" in x.message for x in f.findings), _detail(f)


def test_word_table_1_rows_under_the_header_are_data(tmp_path: Path) -> None:
    """A Table 1's first rows hold statistics in text ("54.1 (12.3)", "2 (0.4)"): data, never more header rows,
    even with a row of plain numbers under them (the N)."""
    rows = [["", "Kontroll", "Behandling"],
            ["Age, mean (SD)", "54.1 (12.3)", "55.0 (11.9)"],
            ["Women, n (%)", "2 (0.4)", "120 (45.1)"],
            ["N", "412", "389"]]
    f = scan(make_docx(tmp_path / "table1.docx", w_table(rows)))
    assert f.verdict is Verdict.FAIL, _detail(f)


@pytest.mark.parametrize(("note", "verdict"), [(f"(ekskl. {CPR[0]})", Verdict.REVIEW),
                                               ("(ekskl. 2019-2020)", Verdict.PASS)])
def test_a_person_number_in_a_figures_title_is_found(tmp_path: Path, note: str, verdict: Verdict) -> None:
    svg = ('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">\n'
           f'<!-- Indkomst omkring jobtab {note} -->\n<text x="10" y="20">Indkomst omkring jobtab {note}</text>\n'
           '<rect x="10" y="30" width="50" height="40"/>\n</svg>\n')
    (tmp_path / "fig.svg").write_text(svg, encoding="utf-8")
    (result,) = api.scan([tmp_path / "fig.svg"], load_config(), jobs=1).files
    assert result.verdict is verdict, result.findings
    assert CPR[0] not in json.dumps([f.message + f.evidence.text for f in result.findings])


def test_numbers_in_a_figures_ids_and_paths_are_no_identifiers(tmp_path: Path) -> None:
    # matplotlib names its clip paths with ten digits ("p5560360793", a valid Swedish organisationsnummer by chance)
    clip = "p5560360793"
    svg = ('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">\n'
           f'<defs><clipPath id="{clip}"><rect x="0" y="0" width="200" height="100"/></clipPath></defs>\n'
           + "".join(f'<path d="M 10 {20 + k} L 50 {30 + k}" clip-path="url(#{clip})"/>\n' for k in range(4))
           + '<text x="10" y="90">Middelindkomst efter alder</text>\n</svg>\n')
    (tmp_path / "fig.svg").write_text(svg, encoding="utf-8")
    (result,) = api.scan([tmp_path / "fig.svg"], load_config(), jobs=1).files
    assert not [f for f in result.findings if f.rule.startswith("PID")], result.findings


def test_pdf_header_names_run_together_are_set_apart() -> None:
    """pypdf's layout text runs a narrow header's names together ("CountryExposed pregnancies ... casesPrevalence
    per 10 000Unexposed"); set apart, the rows below are cut at their own gutters. Only a line over table rows
    is touched."""
    from scanner.loaders.pdf import _unsquashed_headers

    text = ("NordPerinatal supplementary material\n\n"
            "   CountryExposed pregnancies        NTD casesPrevalence per 10 000\n\n"
            "  Denmark               6 102                  5               8.2\n"
            "  Finland               3 988                  1               2.5\n")
    out = _unsquashed_headers(text).split("\n")
    assert out[0] == "NordPerinatal supplementary material"
    assert "Country   Exposed" in out[2] and "cases   Prevalence" in out[2]
    assert out[4:] == text.split("\n")[4:]


def test_pdf_risk_table_labels_run_into_their_counts_and_time_points() -> None:
    """A Kaplan-Meier risk table as pypdf's layout text gives it: each row's label run into its first count
    ("Plejefamilie3.104") and the years over the rows ("0 2 4 6 8 10"): the label is set apart from its count, and
    the years are a header of time points, no row of counts (a "2" read as a count failed a safe figure)."""
    from scanner.loaders.pdf import _time_points, _unsquashed_headers

    text = ("Antal i risiko\n"
            "              0            2            4            6            8           10\n"
            "Plejefamilie3.104       2.211        1.489        1.102          907          788\n"
            "Døgninst. inkl. sikret1.769   1.479   1.200   985   845   747\n")
    out = _unsquashed_headers(text).split("\n")
    assert out[2].startswith("Plejefamilie   3.104") and out[3].startswith("Døgninst. inkl. sikret   1.769")
    assert out[:2] == text.split("\n")[:2]
    assert _time_points(["0", "2", "4", "6", "8", "10"])
    assert not _time_points(["12", "2", "45", "7"]) and not _time_points(["0", "2", "5"])


@pytest.mark.parametrize(("part", "verdict"), [(7, Verdict.FAIL), (4, Verdict.PASS)])
@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_table_captioned_as_part_of_the_table_before_it(tmp_path: Path, fmt: str, part: int,
                                                          verdict: Verdict) -> None:
    """"Tabell 2. Därav flickor" under "Tabell 1. Antal elever med F": the first table minus the second counts
    the boys (Leksand 9 - 7 is 2); with 4 girls of 9 the boys are 5."""
    whole = [["Kommun", "Antal elever med F"], ["Falun", "74"], ["Borlänge", "88"], ["Mora", "27"],
             ["Leksand", "9"], ["Rättvik", "11"], ["Totalt", "209"]]
    girls = [["Kommun", "Flickor med F"], ["Falun", "31"], ["Borlänge", "39"], ["Mora", "12"],
             ["Leksand", str(part)], ["Rättvik", "5"], ["Totalt", str(87 + part)]]
    first, second = "Tabell 1. Antal elever med F i matematik efter kommun", "Tabell 2. Därav flickor"
    if fmt == "docx":
        path = make_docx(tmp_path / "tabeller.docx", w_par(first) + w_table(whole) + w_par(second) + w_table(girls))
    else:
        body = (f"<text:p>{first}</text:p>" + odf_table(whole) + f"<text:p>{second}</text:p>" + odf_table(girls))
        path = make_odf(tmp_path / "tabeller.odt", body)
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [x.rule for x in f.findings] == ["TAB001"], _detail(f)
        assert "of one group" in f.findings[0].message


@pytest.mark.parametrize(("share", "verdict"), [("93.8", Verdict.FAIL), ("43.8", Verdict.PASS)])
def test_pdf_table_set_with_wide_line_spacing(tmp_path: Path, share: str, verdict: Verdict) -> None:
    """A PDF table whose rows are 60 points apart: the layout text puts many blank lines between them, and the
    rows are still one table (its top-2 share column reads 93.8 % for one cell)."""
    rows = [["Industry", "Plants", "Turnover (DKK m)", "Top-2 share (%)"],
            ["Food products", "118", "38,412", "31.4"], ["Pharmaceuticals", "6", "41,210", share],
            ["Machinery", "141", "31,877", "22.6"], ["Metal products", "64", "7,211", "29.8"]]
    texts = [(72 + 120 * c, 700 - 60 * r, text) for r, row in enumerate(rows) for c, text in enumerate(row)]
    path = make_pdf(tmp_path / "tabA5.pdf", [[(72, 760, "Table A5: Plants by industry, 2007"), *texts]])
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert [x.rule for x in f.findings] == ["TAB002"], _detail(f)


@pytest.mark.parametrize(("narrow", "verdict"), [(4810, Verdict.FAIL), (4795, Verdict.PASS)])
def test_pdf_tables_of_all_ages_and_an_age_band_on_two_pages(tmp_path: Path, narrow: int, verdict: Verdict) -> None:
    """Two PDF pages, each a table set far below its caption ("Table B1: ... all ages", "Table B2: ... aged
    25-60"): the difference of the two is the count outside the band (Nordjylland 4,812 - 4,810 is 2)."""
    def page(caption: str, counts: list[int]) -> list[tuple[float, float, str]]:
        rows = [["Region", "Displaced", "Earnings (DKK 1,000)"]] + [
            [region, f"{n:,}", "358.2"] for region, n in zip(("Hovedstaden", "Sjælland", "Syddanmark", "Nordjylland"),
                                                              counts, strict=True)]
        cells = [(72 + 150 * c, 600 - 40 * r, text) for r, row in enumerate(rows) for c, text in enumerate(row)]
        return [(72, 760, caption), *cells]

    path = make_pdf(tmp_path / "appendix_B.pdf", [
        page("Table B1: Displaced workers by region, all ages", [12433, 5102, 9881, 4812]),
        page("Table B2: Displaced workers by region, aged 25-60", [11208, 4611, 8920, narrow])])
    f = scan(path)
    assert f.verdict is verdict, _detail(f)
    if verdict is Verdict.FAIL:
        assert {x.rule for x in f.findings} == {"TAB001"}, _detail(f)


def test_a_paragraph_naming_an_amount_above_a_word_table_leaves_its_counts_counts(tmp_path: Path) -> None:
    """The paragraph above a Word table is read as its title; a sentence that names an amount ("10,5 mia. kr.") is
    no title giving the table's unit as money, so a count of 2 in the table is still a small cell."""
    from tests.doc_samples import make_docx, w_par, w_table

    body = w_par("I Lemvig er erhvervsomsætningen i industrien domineret af én virksomhed, som alene står for 91 % "
                 "af branchens omsætning i kommunen (10,5 mia. kr.).") + w_table(
        [["Kommune", "Anbragte 0-17 år", "Udgift pr. anbragt (kr.)"], ["Frederikshavn", "131", "812.400"],
         ["Læsø", "2", "1.364.000"], ["Hjørring", "142", "798.100"]])
    path = make_docx(tmp_path / "notat.docx", body)
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert any(f.rule == "TAB001" and f.severity.label == "block" and "Læsø" in f.message for f in result.findings), \
        [(f.rule, f.message) for f in result.findings]
