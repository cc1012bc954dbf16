"""OpenDocument spreadsheets (.ods): the package structure (scanner.loaders.ods) and the workbook scan on it.

The files are written as LibreOffice Calc writes them: ``mimetype`` first and stored, ``content.xml`` with the
automatic styles before the spreadsheet body, repeated rows and columns, comments as ``office:annotation``
inside a cell, a chart as an embedded object with its own local table.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from scanner import api
from scanner.config import load_config
from scanner.findings import Verdict
from scanner.loaders.ods import inspect_ods

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
       'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" '
       'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/"')
_STYLES = ('<office:automatic-styles><style:style style:name="ta1" style:family="table"><style:table-properties '
           'table:display="true"/></style:style><style:style style:name="ta2" style:family="table">'
           '<style:table-properties table:display="false"/></style:style></office:automatic-styles>')


def cell(value: object, comment: str | None = None) -> str:
    note = (f'<office:annotation><dc:creator>A</dc:creator><text:p>{escape(comment)}</text:p></office:annotation>'
            if comment else "")
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">{note}<text:p>{value}</text:p>'
                "</table:table-cell>")
    if value is None:
        return f"<table:table-cell>{note}</table:table-cell>"
    return (f'<table:table-cell office:value-type="string">{note}<text:p>{escape(str(value))}</text:p>'
            "</table:table-cell>")


def row(cells: list[object], *, hidden: bool = False, repeat: int = 1) -> str:
    attrs = (' table:visibility="collapse"' if hidden else "") + (
        f' table:number-rows-repeated="{repeat}"' if repeat > 1 else "")
    body = "".join(c if isinstance(c, str) and c.startswith("<") else cell(c) for c in cells)
    return f"<table:table-row{attrs}>{body}</table:table-row>"


def sheet(name: str, rows: list[str], *, hidden: bool = False, columns: str = "", shapes: str = "") -> str:
    return (f'<table:table table:name="{escape(name)}" table:style-name="{"ta2" if hidden else "ta1"}">{columns}'
            f"{shapes}{''.join(rows)}</table:table>")


def make_ods(path: Path, sheets: list[str], *, extra: dict[str, str | bytes] | None = None, after: str = "",
             before: str = "") -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.2">{_STYLES}'
               f"<office:body><office:spreadsheet>{before}{''.join(sheets)}{after}</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="'
                'application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


HEADER = ["Kommune", "Mænd", "Kvinder"]
BODY = [["Aarhus", 412, 398], ["Odense", 301, 322], ["Aalborg", 255, 240], ["Esbjerg", 140, 151]]


def _scan(path: Path) -> api.FileResult:
    (result,) = api.scan([path], load_config(), jobs=1).files
    return result


def test_a_plain_spreadsheet_passes(tmp_path: Path) -> None:
    path = make_ods(tmp_path / "tabel.ods", [sheet("Ark1", [row(HEADER), *(row(r) for r in BODY)])])
    structure = inspect_ods(path)
    assert structure.problems == [] and [s.name for s in structure.sheets] == ["Ark1"]
    result = _scan(path)
    assert result.verdict is Verdict.PASS, [f.message for f in result.findings]


def test_hidden_rows_and_columns_are_found(tmp_path: Path) -> None:
    columns = ('<table:table-column table:number-columns-repeated="2"/><table:table-column '
               'table:visibility="collapse"/><table:table-column table:number-columns-repeated="1021"/>')
    rows = [row(["Tabel 1"]), row([None]), row(HEADER), row(BODY[0]), row(["Læsø", 2, 1], hidden=True), row(BODY[1]),
            row([None], hidden=True, repeat=1048000)]
    path = make_ods(tmp_path / "skjult.ods", [sheet("Ark1", rows, columns=columns)])
    (layout,) = inspect_ods(path).sheets
    assert layout.hidden_rows == [5]  # (the hidden empty rows to the sheet's end hide nothing)
    assert layout.hidden_cols == [(2, 2)]
    result = _scan(path)
    assert result.verdict is Verdict.FAIL
    (hidden,) = [f for f in result.findings if f.rule == "DOC004"]
    assert "rows 5; columns C" in hidden.message


def test_a_hidden_sheet_of_person_numbers(tmp_path: Path) -> None:
    data = sheet("data", [row(["cpr", "indkomst"]), *(row([f"0101{80 + k:02d}-{1000 + k}", 300000 + k])
                                                       for k in range(12))], hidden=True)
    path = make_ods(tmp_path / "skjult_ark.ods", [sheet("Tabel", [row(HEADER), *(row(r) for r in BODY)]), data])
    assert [s.visibility for s in inspect_ods(path).sheets] == ["visible", "hidden"]
    result = _scan(path)
    assert result.verdict is Verdict.FAIL and any(f.rule == "DOC001" for f in result.findings)


def test_a_comment_with_a_count_is_read(tmp_path: Path) -> None:
    rows = [row(HEADER), row([cell("Aarhus", "Læsø: 2 kvinder, slået sammen med Aarhus"), 412, 398]),
            *(row(r) for r in BODY[1:])]
    path = make_ods(tmp_path / "kommentar.ods", [sheet("Ark1", rows)])
    (comment,) = inspect_ods(path).hidden_texts
    assert (comment.kind, comment.sheet, comment.where) == ("comment", "Ark1", "A2")
    assert "Læsø" in comment.texts[0]
    assert _scan(path).verdict is not Verdict.PASS


def test_a_chart_keeps_its_data_and_macros_are_embedded(tmp_path: Path) -> None:
    chart = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}><office:body><office:chart>'
             '<chart:chart chart:class="chart:bar"><chart:plot-area table:cell-range-address="Ark1.A1:C5"/>'
             '</chart:chart><table:table table:name="local-table"><table:table-rows>'
             + row(["Aarhus", 412]) + row(["Læsø", 2]) +
             '</table:table-rows></table:table></office:chart></office:body></office:document-content>')
    shapes = ('<table:shapes><draw:frame><draw:object xlink:href="./Object 1" xlink:type="simple"/></draw:frame>'
              "</table:shapes>")
    path = make_ods(tmp_path / "figur.ods", [sheet("Ark1", [row(HEADER), *(row(r) for r in BODY)], shapes=shapes)],
                    extra={"Object 1/content.xml": chart, "Basic/Standard/Module1.xml": "<module/>"})
    structure = inspect_ods(path)
    (cache,) = structure.charts
    assert cache.refs == ("Ark1",) and cache.points == 2 and "Læsø" in cache.texts
    assert [(e.part, e.kind) for e in structure.embedded] == [("Basic/Standard/Module1.xml", "macro project")]
    assert _scan(path).verdict is not Verdict.PASS


def test_a_named_constant_and_a_validation_list(tmp_path: Path) -> None:
    after = ('<table:named-expressions><table:named-range table:name="data" table:cell-range-address="$Ark1.$A$1:'
             '.$C$5"/><table:named-expression table:name="laesoe" table:expression="of:=2"/></table:named-expressions>')
    before = ('<table:content-validations><table:content-validation table:name="val1" table:condition='
              '"of:cell-content-is-in-list(&quot;0101801234&quot;;&quot;0202814321&quot;)"/>'
              "</table:content-validations>")
    path = make_ods(tmp_path / "navne.ods", [sheet("Ark1", [row(HEADER), *(row(r) for r in BODY)])], after=after,
                    before=before)
    kinds = {(h.kind, h.where) for h in inspect_ods(path).hidden_texts}
    assert kinds == {("defined-name", "laesoe"), ("data-validation", "val1")}


def test_a_dtd_is_refused_and_damage_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "dtd.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    structure = inspect_ods(path)
    assert structure.problems and "DTD" in structure.problems[0]
    (tmp_path / "broken.ods").write_bytes(b"PK\x03\x04 not a zip")
    assert inspect_ods(tmp_path / "broken.ods").problems
    result = _scan(tmp_path / "broken.ods")
    assert result.verdict is not Verdict.PASS


def _programmes(women: tuple[int, int]) -> list[str]:
    rows = [row(["Elever i Vg3 yrkesfag etter utdanningsprogram og kjønn. Vestland 2023"]), row([None]),
            row(["Utdanningsprogram", "Gutter", "Jenter", "I alt"])]
    for programme, parts in (("Bygg- og anleggsteknikk", [("Bergen", 118, 9), ("Sunnfjord", 31, women[0]),
                                                          ("Voss", 22, 4)]),
                             ("Teknologi- og industrifag", [("Bergen", 171, 21), ("Sunnfjord", 44, 6),
                                                            ("Voss", 18, women[1])])):
        rows.append(row([programme, sum(p[1] for p in parts), sum(p[2] for p in parts),
                         sum(p[1] + p[2] for p in parts)]))
        rows.extend(row([f"   {name}", boys, girls, boys + girls]) for name, boys, girls in parts)
    return rows


def test_a_hierarchy_shown_by_indentation_is_cells_not_records(tmp_path: Path) -> None:
    # municipalities indented under each programme: the same names under two programmes are cells of a table
    safe = _scan(make_ods(tmp_path / "elever.ods", [sheet("Elever", _programmes((3, 3)))]))
    assert safe.verdict is Verdict.PASS, [f.message for f in safe.findings]
    (tmp_path / "u").mkdir()
    unsafe = _scan(make_ods(tmp_path / "u" / "elever.ods", [sheet("Elever", _programmes((1, 2)))]))
    assert unsafe.verdict is Verdict.FAIL
    assert {f.rule for f in unsafe.findings} == {"TAB001"}
    assert any("Bygg- og anleggsteknikk / Sunnfjord" in f.message for f in unsafe.findings)
