"""Workbooks: generated .xlsx files, safe and unsafe, through the whole scan (reader, table rules, DOC rules).

Every workbook is written here with openpyxl or xlsxwriter (pivot caches, external links and hostile XML
are added to the package by hand: no Python writer makes them) into a fresh folder, scanned with
``api.scan``, and judged by its verdict and the rules, sheets and references of its findings.
"""

from __future__ import annotations

import json
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from scanner import api, synth
from scanner.config import load_config
from scanner.findings import FileResult, Finding, Severity, Verdict
from scanner.loaders.ooxml import PackageLimits, inspect_package
from scanner.loaders.workbook import find_blocks, open_workbook, sheet_tables
from scanner.reporters import json as json_reporter
from tests.test_discover import make_cfb

REGIONS = ["Nord", "Syd", "Øst", "Vest", "Midt"]


def _aggregate(ws, top: int = 1, left: int = 1, small: bool = False) -> None:
    """A clean table of counts by region and sex at (top, left); ``small`` puts a 2 in its last cell."""
    ws.cell(top, left, "region")
    ws.cell(top, left + 1, "sex")
    ws.cell(top, left + 2, "antal")
    r = top + 1
    for region in REGIONS:
        for sex in ("M", "K"):
            ws.cell(r, left, region)
            ws.cell(r, left + 1, sex)
            ws.cell(r, left + 2, 100 + 7 * (r - top))
            r += 1
    if small:
        ws.cell(r - 1, left + 2, 2)


def _microdata(ws, rows: int = 300, with_pnr: bool = False) -> None:
    """One row per person: age, sex, region, income (and a person number column)."""
    rng = random.Random(7)
    header = (["pnr"] if with_pnr else []) + ["age", "sex", "region", "income"]
    ws.append(header)
    numbers = [t for _, t in synth.samples("se_pnr", rows, 3, forms=["6s4"])]
    for i in range(rows):
        # few ages, so age x sex x region repeats while income varies: one row per person
        row = [rng.randint(20, 29), rng.choice("MK"), rng.choice(REGIONS), round(rng.uniform(1e5, 9e5), 2)]
        ws.append(([numbers[i]] if with_pnr else []) + row)


def _save(wb: openpyxl.Workbook, folder: Path, name: str = "results.xlsx") -> Path:
    path = folder / name
    wb.save(path)
    return path


def _scan(folder: Path, **config: object) -> FileResult:
    result = api.scan([folder], load_config(**config), jobs=1)  # type: ignore[arg-type]
    assert len(result.files) == 1
    return result.files[0]


def _rules(res: FileResult, code: str) -> list[Finding]:
    return [f for f in res.findings if f.rule == code]


@pytest.fixture()
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    return folder


def _new() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.active.title = "Tabel"
    return wb


# -- plain sheets ---------------------------------------------------------------------------------------


def test_clean_workbook_passes(export: Path) -> None:
    wb = _new()
    wb.active["A1"] = "Tabel 1. Personer efter region og køn"
    _aggregate(wb.active, top=3)
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "pass", [(f.rule, f.message) for f in res.findings]
    assert res.kind == "xlsx"


def test_small_cell_points_at_sheet_row_and_cell(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active, top=4, left=2, small=True)  # table B4:D14, the small count in D14
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "fail"
    [f] = _rules(res, "TAB001")
    assert f.location.sheet == "Tabel"
    assert f.location.row == 14
    assert f.location.column == "antal"
    assert "D14" in f.message


def test_two_tables_side_by_side(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active, top=1, left=1)  # A1:C11, clean
    _aggregate(wb.active, top=1, left=6, small=True)  # F1:H11, small cell in H11
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "TAB001")
    assert "H11" in f.message and f.location.row == 11


def test_two_tables_stacked_with_titles(export: Path) -> None:
    wb = _new()
    ws = wb.active
    ws["A1"] = "Table 1"
    _aggregate(ws, top=2)  # A2:C12, clean
    ws["A15"] = "Table 2"
    _aggregate(ws, top=16, small=True)  # A16:C26, small cell in C26
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "TAB001")
    assert f.location.row == 26 and "C26" in f.message


def test_blocks_and_tables_of_a_sheet(export: Path) -> None:
    wb = _new()
    ws = wb.active
    ws["A1"] = "Title"
    _aggregate(ws, top=3)  # A3:C13
    _aggregate(ws, top=3, left=5)  # E3:G13
    ws["A16"] = "Source: registers"
    path = _save(wb, export)
    book = open_workbook(path)
    _info, grid = book.load(0)
    assert len(find_blocks(grid.nonblank)) == 4
    tables = [t for _, t in sheet_tables(grid) if t is not None]
    assert [t.range_a1 for t in tables] == ["A3:C13", "E3:G13"]
    assert tables[1].names == ["region", "sex", "antal"]
    assert tables[1].data_row == 4


def test_table_continued_below_a_spacer_row(export: Path) -> None:
    wb = _new()
    ws = wb.active
    ws.append(["region", "sex", "antal"])
    for i, region in enumerate(REGIONS):
        ws.append([region, "M", 40 + i])
        ws.append([region, "K", 50 + i])
        ws.append([])  # a spacer row between groups
    ws.cell(ws.max_row - 1, 3, 1)  # a small count in the last group
    path = _save(wb, export)
    _info, grid = open_workbook(path).load(0)
    tables = [t for _, t in sheet_tables(grid) if t is not None]
    assert len(tables) == 1 and tables[0].n_rows == 10
    res = _scan(export)
    [f] = _rules(res, "TAB001")
    assert f.location.column == "antal" and f.location.row == ws.max_row - 1


def test_visible_microdata_sheet_fails(export: Path) -> None:
    wb = _new()
    _microdata(wb.active, with_pnr=True)
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "fail"
    [mic] = _rules(res, "MIC002")
    assert mic.location.sheet == "Tabel" and mic.location.column == "pnr" and "A2:A301" in mic.message
    pid = _rules(res, "PID001")
    assert pid and pid[0].location.sheet == "Tabel" and pid[0].location.row is not None
    assert pid[0].location.row >= 2  # a sheet row: the header is row 1


# -- hidden sheets ----------------------------------------------------------------------------------------


def test_hidden_sheet_with_microdata_blocks(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    data = wb.create_sheet("data")
    _microdata(data)
    data.sheet_state = "hidden"
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC001")
    assert f.severity is Severity.BLOCK and f.location.sheet == "data"
    assert "MIC001" in f.message


def test_hidden_sheet_with_content_to_check_says_so(export: Path) -> None:
    """A hidden sheet that a rule asks a person to check (a few persons' rows without a key: MIC003 review)
    is review, and the message names that rule instead of saying nothing in it is flagged."""
    wb = _new()
    _aggregate(wb.active)
    data = wb.create_sheet("data")
    data.append(["koen", "alder", "region", "loen"])
    for i in range(30):
        data.append([1 + i % 2, 20 + (i * 7) % 45, REGIONS[i % len(REGIONS)], 300_000 + 1_000 * i])
    data.sheet_state = "hidden"
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC001")
    assert f.severity is Severity.REVIEW and "MIC003" in f.message and "nothing in it" not in f.message


def test_very_hidden_sheet_with_clean_table_is_review(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    extra = wb.create_sheet("backup")
    _aggregate(extra)
    extra.sheet_state = "veryHidden"
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "review"
    [f] = _rules(res, "DOC001")
    assert f.severity is Severity.REVIEW and "very hidden" in f.message


def test_very_hidden_sheet_judged_by_xlsxwriter_file(export: Path) -> None:
    path = export / "results.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Tabel")
    ws.write_row(0, 0, ["region", "antal"])
    for i, region in enumerate(REGIONS):
        ws.write_row(i + 1, 0, [region, 50 + i])
    hidden = wb.add_worksheet("small")
    hidden.write_row(0, 0, ["region", "antal"])
    for i, region in enumerate(REGIONS):
        hidden.write_row(i + 1, 0, [region, 1 + (i % 2)])
    hidden.very_hidden()
    wb.close()
    res = _scan(export)
    [f] = _rules(res, "DOC001")
    assert f.severity is Severity.BLOCK and "TAB001" in f.message
    assert res.verdict == "fail"


def test_empty_hidden_sheet_is_info(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.create_sheet("spare").sheet_state = "hidden"
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "pass"
    [f] = _rules(res, "DOC001")
    assert f.severity is Severity.INFO


def test_hidden_sheet_verdict_does_not_follow_ignore(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    hidden = wb.create_sheet("raw")
    _aggregate(hidden, small=True)
    hidden.sheet_state = "hidden"
    _save(wb, export)
    res = _scan(export, ignore=["TAB001"])
    assert not _rules(res, "TAB001")
    [f] = _rules(res, "DOC001")
    assert f.severity is Severity.BLOCK


# -- hidden rows and columns --------------------------------------------------------------------------------


def test_hidden_rows_with_small_cell_block(export: Path) -> None:
    wb = _new()
    ws = wb.active
    _aggregate(ws, small=True)  # the small cell in row 11
    ws.row_dimensions[11].hidden = True
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC004")
    assert f.severity is Severity.BLOCK and "TAB001" in f.message and "rows 11" in f.message


def test_hidden_column_without_flagged_content_is_review(export: Path) -> None:
    wb = _new()
    ws = wb.active
    _aggregate(ws)
    ws["D1"] = "note"
    ws["D2"] = "checked"
    ws.column_dimensions["D"].hidden = True
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC004")
    assert f.severity is Severity.REVIEW and "columns D" in f.message
    assert res.verdict == "review"


def test_hidden_empty_rows_pass(export: Path) -> None:
    wb = _new()
    ws = wb.active
    _aggregate(ws)
    ws.row_dimensions[30].hidden = True
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "pass" and not _rules(res, "DOC004")


# -- comments, names, validation lists ----------------------------------------------------------------------


def test_comment_with_person_number_blocks_and_is_masked(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.active["C3"].comment = Comment("Removed pnr 19880320-0016 from this cell", "researcher")
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC005")
    assert f.severity is Severity.BLOCK and f.location.sheet == "Tabel" and "C3" in f.message
    text = json.dumps([f.message, f.evidence.text])
    assert "880320" not in text and "0016" not in text.replace("xx16", "")


def test_comment_with_a_number_is_review(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.active["C4"].comment = Comment("was 2 before rounding", "researcher")
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC005")
    assert f.severity is Severity.REVIEW and res.verdict == "review"


def test_comment_with_a_reference_or_a_date_only_is_info(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.active["A1"].comment = Comment("Extrema kapitalvinster har exkluderats, se metodbilaga avsnitt 2.3 "
                                      "(körning 2024-03-11, tabell 4).", "researcher")
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "pass"
    assert [f.severity for f in _rules(res, "DOC005")] == [Severity.INFO]


def test_comment_of_text_only_is_info(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.active["A1"].comment = Comment("Source: population register", "researcher")
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "pass"
    assert [f.severity for f in _rules(res, "DOC005")] == [Severity.INFO]


def test_validation_list_of_person_numbers_blocks(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    numbers = ",".join(t for _, t in synth.samples("dk_cpr", 5, 11, forms=["6s4"]))
    dv = DataValidation(type="list", formula1=f'"{numbers}"')
    wb.active.add_data_validation(dv)
    dv.add("E2:E5")
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC005")
    assert f.severity is Severity.BLOCK and "data-validation" in f.message
    assert not any(n in f.message + f.evidence.text for n in numbers.split(","))


def test_validation_list_of_words_passes(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    dv = DataValidation(type="list", formula1='"Ja,Nej,Ved ikke"')
    wb.active.add_data_validation(dv)
    dv.add("E2:E5")
    _save(wb, export)
    assert _scan(export).verdict == "pass"


def test_defined_name_constant_is_review(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.defined_names["cases_removed"] = DefinedName("cases_removed", attr_text="2")
    wb.defined_names["table_area"] = DefinedName("table_area", attr_text="Tabel!$A$1:$C$11")
    _save(wb, export)
    res = _scan(export)
    [f] = _rules(res, "DOC005")
    assert f.severity is Severity.REVIEW and "cases_removed" in f.message


# -- pivot caches, external links, embedded objects -------------------------------------------------------


_PIVOT_DEF = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1" recordCount="{n}">
<cacheSource type="worksheet"><worksheetSource ref="A1:{last}" sheet="Tabel"/></cacheSource>
<cacheFields count="{k}">{fields}</cacheFields></pivotCacheDefinition>"""


def _add_parts(path: Path, parts: dict[str, str], workbook_xml: Callable[[str], str],
               workbook_rels: list[tuple[str, str, str]]) -> None:
    """Rewrite the package at ``path`` with extra parts, an edited workbook.xml and extra relationships."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["xl/workbook.xml"] = workbook_xml(members["xl/workbook.xml"].decode()).encode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    extra = "".join(f'<Relationship Id="{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/{t}" Target="{target}"/>' for i, t, target in workbook_rels)
    members["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", extra + "</Relationships>").encode()
    members.update({n: v.encode() for n, v in parts.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _add_pivot_cache(path: Path, header: list[str], rows: list[list[object]]) -> None:
    fields = "".join(f'<cacheField name="{h}" numFmtId="0"><sharedItems/></cacheField>' for h in header)
    records = "".join(
        "<r>" + "".join(f'<n v="{v}"/>' if isinstance(v, int | float) else f'<s v="{v}"/>' for v in row) + "</r>"
        for row in rows)
    last = f"{chr(64 + len(header))}{len(rows) + 1}"
    parts = {
        "xl/pivotCache/pivotCacheDefinition1.xml": _PIVOT_DEF.format(n=len(rows), last=last, k=len(header),
                                                                     fields=fields),
        "xl/pivotCache/pivotCacheRecords1.xml":
            '<?xml version="1.0" encoding="UTF-8"?><pivotCacheRecords xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" count="{len(rows)}">{records}</pivotCacheRecords>',
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/pivotCacheRecords" Target="pivotCacheRecords1.xml"/>'
            "</Relationships>",
    }

    def edit(xml: str) -> str:
        ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        return xml.replace("</workbook>", f'<pivotCaches><pivotCache xmlns:r="{ns}" cacheId="1" r:id="rIdPivot1"/>'
                                          "</pivotCaches></workbook>")

    _add_parts(path, parts, edit, [("rIdPivot1", "pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml")])


def test_pivot_cache_of_unit_rows_blocks(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    path = _save(wb, export)
    rng = random.Random(5)
    rows = [[rng.randint(20, 29), rng.choice("MK"), rng.choice(REGIONS), round(rng.uniform(1e5, 9e5), 2)]
            for _ in range(200)]
    _add_pivot_cache(path, ["age", "sex", "region", "income"], rows)
    res = _scan(export)
    [f] = _rules(res, "DOC002")
    assert f.severity is Severity.BLOCK and f.location.sheet == "[pivot cache 1]" and "200 source records" in f.message


def test_pivot_cache_of_an_aggregate_table_passes(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    path = _save(wb, export)
    rows = [[region, sex, 100 + 3 * i] for i, (region, sex) in enumerate((r, s) for r in REGIONS for s in "MK")]
    _add_pivot_cache(path, ["region", "sex", "antal"], rows)
    res = _scan(export)
    assert not _rules(res, "DOC002")
    assert res.verdict == "pass", [(f.rule, f.message) for f in res.findings]


def test_external_link_cache_is_review(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    path = _save(wb, export)
    link = ('<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><externalBook><sheetNames><sheetName val="raw"/></sheetNames><sheetDataSet>'
            '<sheetData sheetId="0"><row r="1"><cell r="A1"><v>17</v></cell><cell r="B1"><v>2</v></cell></row>'
            "</sheetData></sheetDataSet></externalBook></externalLink>")
    _add_parts(path, {"xl/externalLinks/externalLink1.xml": link}, lambda x: x,
               [("rIdExt1", "externalLink", "externalLinks/externalLink1.xml")])
    res = _scan(export)
    [f] = _rules(res, "DOC005")
    assert f.severity is Severity.REVIEW and "another workbook" in f.message


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d8c6a70000000049454e44ae426082")


def test_picture_is_an_embedded_object_for_review(export: Path, tmp_path: Path) -> None:
    png = tmp_path / "logo.png"  # outside the scanned folder
    png.write_bytes(_PNG)
    path = export / "results.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Tabel")
    ws.write_row(0, 0, ["region", "antal"])
    for i, region in enumerate(REGIONS):
        ws.write_row(i + 1, 0, [region, 50 + i])
    ws.insert_image("D2", str(png))
    wb.close()
    res = _scan(export)
    [f] = _rules(res, "DOC003")
    assert f.severity is Severity.REVIEW and "picture" in f.message and f.location.sheet == "Tabel"


# -- encryption, damage, hostile packages -----------------------------------------------------------------


def test_encrypted_workbook_is_reviewed(export: Path) -> None:
    (export / "secret.xlsx").write_bytes(make_cfb(["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"]))
    res = _scan(export)
    assert res.kind == "ole-encrypted" and res.verdict == "review"
    codes = {f.rule for f in res.findings}
    assert codes & {"FIL004", "FIL001"}
    assert any("encrypted" in f.message for f in res.findings)


def test_entity_declaration_is_refused_not_expanded(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    path = _save(wb, export)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", members["xl/workbook.xml"])
    members["xl/workbook.xml"] = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'.encode() + body
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    structure = inspect_package(path)
    assert any("DTD" in p for p in structure.problems)
    res = _scan(export)
    assert res.verdict in ("review", "fail")
    assert any(f.rule in ("FIL001", "FIL003") and "DTD" in f.message for f in res.findings)


def test_decompression_bomb_is_a_limit_not_a_crash(export: Path) -> None:
    path = export / "bomb.xlsx"
    wb = _new()
    _aggregate(wb.active)
    wb.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/blank.bin", b"\0" * (40 << 20))
    structure = inspect_package(path, PackageLimits(max_ratio=100.0, ratio_floor=1 << 20))
    assert structure.values_unsafe and structure.limits
    assert any("bomb" in p for p in structure.problems)


def test_damaged_package_is_reviewed(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    path = _save(wb, export)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    res = _scan(export)
    assert res.verdict == "review" and _rules(res, "FIL001")


def test_report_never_holds_the_hidden_identifiers(export: Path, tmp_path: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    hidden = wb.create_sheet("ids")
    _microdata(hidden, rows=30, with_pnr=True)
    hidden.sheet_state = "veryHidden"
    numbers = [t for _, t in synth.samples("se_pnr", 30, 3, forms=["6s4"])]
    wb.active["B2"].comment = Comment(f"see {numbers[0]}", "r")
    _save(wb, export)
    result = api.scan([export], load_config(), jobs=1)
    out = tmp_path / "report.json"
    with open(out, "w", encoding="utf-8") as fh:
        json_reporter.render(result, fh)
    text = out.read_text(encoding="utf-8")
    assert result.files[0].verdict == "fail"
    for n in numbers:
        assert n not in text and n.replace("-", "") not in text


def test_cfb_helper_is_what_discover_calls_encrypted() -> None:
    # Guards the fixture above: the container must classify as an encrypted Office document.
    data = make_cfb(["EncryptionInfo", "EncryptedPackage"])
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and struct.unpack_from("<H", data, 0x1E)[0] == 9


def test_a_workbook_embedded_in_a_workbook_is_scanned_as_a_member(tmp_path: Path) -> None:
    """An embedded package (here a workbook of person rows inside `xl/embeddings/`) is a member of its own,
    `book.xlsx!Microsoft_Excel_Worksheet.xlsx`, judged by every rule; the outer workbook's verdict includes
    it and DOC003 does not report it. An opaque OLE object stays DOC003."""
    import zipfile

    import xlsxwriter

    from scanner import api
    from scanner.config import load_config
    from scanner.findings import Verdict

    inner = tmp_path / "inner.xlsx"
    wb = xlsxwriter.Workbook(str(inner))
    ws = wb.add_worksheet("data")
    ws.write_row(0, 0, ["lopnr", "koen", "alder", "indkomst"])
    for k in range(1, 201):
        ws.write_row(k, 0, [100000 + 7 * k, "MK"[k % 2], 20 + k % 50, 31000 + 17 * k])
    wb.close()
    outer = tmp_path / "export" / "book.xlsx"
    outer.parent.mkdir()
    wb = xlsxwriter.Workbook(str(outer))
    wb.add_worksheet("Tabel").write_row(0, 0, ["region", "antal"])
    wb.close()
    with zipfile.ZipFile(outer, "a") as zf:
        zf.writestr("xl/embeddings/Microsoft_Excel_Worksheet.xlsx", inner.read_bytes())
        zf.writestr("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    files = api.scan([outer.parent], load_config(), jobs=1).files
    by_path = {f.path: f for f in files}
    member = by_path["export/book.xlsx!Microsoft_Excel_Worksheet.xlsx"]
    assert member.verdict is Verdict.FAIL and {"MIC001", "MIC002"} & {f.rule for f in member.findings}
    book = by_path["export/book.xlsx"]
    assert book.verdict is Verdict.FAIL
    doc003 = [f for f in book.findings if f.rule == "DOC003"]
    assert len(doc003) == 1 and "OLE object" in doc003[0].message


def test_formulas_without_stored_values_cannot_be_inspected(export: Path) -> None:
    """openpyxl writes formulas without the values they calculate to (it does not calculate): no reader can
    tell what those cells show, so the workbook is a review (FIL001), whatever else it holds. A workbook
    whose formulas carry their values (as Excel, LibreOffice and xlsxwriter with a value store them) is read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Region", "Antal"])
    for k, region in enumerate(["Nord", "Midt", "Syd"], start=1):
        ws.append([region, f"=calc!A{k}"])
    calc = wb.create_sheet("calc")
    for n in (120, 87, 340):
        calc.append([n])
    _save(wb, export)
    result = _scan(export)
    fil = _rules(result, "FIL001")
    assert result.verdict is Verdict.REVIEW and len(fil) == 1
    assert "3 formula cell(s) without a stored value" in fil[0].message

    (export / "results.xlsx").unlink()
    book = xlsxwriter.Workbook(str(export / "cached.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Region", "Men", "Women", "Total"])
    for r, (region, m, w) in enumerate([("Nord", 120, 131), ("Midt", 87, 40), ("Syd", 73, 80)], start=1):
        sheet.write_row(r, 0, [region, m, w])
        sheet.write_formula(r, 3, f"=B{r + 1}+C{r + 1}", None, m + w)
    book.close()
    assert _scan(export).verdict is Verdict.PASS


def test_a_formula_cell_cut_by_a_chunk_boundary_is_counted_once() -> None:
    from scanner.loaders.ooxml import _uncached_formulas

    xml = b'<c r="B2"><f>A1</f></c><c r="B3"><f>A2</f><v>3</v></c><c r="B4"><f t="shared" si="0"/><v/></c>'
    assert _uncached_formulas(b"", xml) == 2
    for cut in range(1, len(xml)):
        assert _uncached_formulas(b"", xml[:cut]) + _uncached_formulas(xml[:cut][-256:], xml[cut:]) == 2, cut


@pytest.mark.parametrize(("total", "verdict"), [(150, Verdict.FAIL), (15000, Verdict.PASS)])
def test_percentages_of_a_total_in_the_sheet_title(export: Path, total: int, verdict: Verdict) -> None:
    """A title row above the table gives the size its percentages are shares of: 1.3 % of 150 is 2."""
    wb = _new()
    ws = wb.active
    ws.append([f"Table 2. Diagnoses (N = {total})"])
    ws.append([])
    ws.append(["diagnosis", "percent"])
    for row in [("A", 60.7), ("B", 38.0), ("C", 1.3)]:
        ws.append(row)
    _save(wb, export)
    res = _scan(export)
    assert res.verdict is verdict, res.findings
    if verdict is Verdict.FAIL:
        assert ["B6" in f.message for f in _rules(res, "TAB001")] == [True]


def test_regression_table_in_a_sheet(export: Path) -> None:
    """outreg2/esttab to Excel: the observations row of a model of 8 (TAB007 review)."""
    wb = _new()
    ws = wb.active
    for row in [("", "(1)", "(2)"), ("VARIABLES", "income", "income"), ("age", "123.4**", "101.2*"),
                ("", "(2.91)", "(2.10)"), ("Observations", 2345, 8), ("R-squared", 0.12, 0.45)]:
        ws.append(row)
    _save(wb, export)
    res = _scan(export)
    assert res.verdict is Verdict.REVIEW and {f.rule for f in res.findings} == {"TAB007"}, res.findings


@pytest.mark.parametrize(("small", "verdict"), [(2, "fail"), (21, "pass")])
def test_stacked_statistics_in_a_wrapped_cell(export: Path, small: int, verdict: str) -> None:
    """SAS ODS EXCEL writes PROC FREQ's Frequency, Percent, Row Pct and Col Pct into one wrapped cell: the
    first number is the cell's count."""
    wb = _new()
    ws = wb.active
    ws.append(["Table of region by sex"])
    ws.append(["region", "K", "M", "Total"])
    ws.append(["Nord", "45\n27.11\n95.74\n42.45", f"{small}\n1.20\n4.26\n3.33", f"{45 + small}\n28.31"])
    ws.append(["Syd", "61\n36.75\n51.26\n57.55", "58\n34.94\n48.74\n96.67", "119\n71.69"])
    ws.append(["Midt", "70\n36.75\n51.26\n57.55", "64\n34.94\n48.74\n96.67", "134\n71.69"])
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == verdict, [(f.rule, f.message) for f in res.findings]
    if verdict == "fail":
        [f] = _rules(res, "TAB001")
        assert f.location.column == "M" and f.location.row == 3


@pytest.mark.parametrize(("points", "verdict"), [(60, "fail"), (15, "review"), (0, "pass")])
def test_scatter_chart_draws_one_mark_per_unit(export: Path, points: int, verdict: str) -> None:
    """An Excel scatter chart of persons' (age, wage): one mark per person, as in a document (FIG001); a line
    chart of yearly means is not."""
    import xlsxwriter

    rng = random.Random(9)
    wb = xlsxwriter.Workbook(str(export / "figur.xlsx"))
    ws = wb.add_worksheet("Figur")
    data = wb.add_worksheet("data")
    data.write_row(0, 0, ["aar", "gns_loen", "alder", "loen"])
    for i in range(10):
        data.write_row(1 + i, 0, [2010 + i, 350000 + 1000 * i])
    for i in range(points):
        data.write_row(1 + i, 2, [rng.randint(18, 90), rng.randint(200000, 900000)])
    line = wb.add_chart({"type": "line"})
    line.add_series({"categories": "=data!$A$2:$A$11", "values": "=data!$B$2:$B$11"})
    ws.insert_chart("B2", line)
    if points:
        chart = wb.add_chart({"type": "scatter"})
        chart.add_series({"categories": f"=data!$C$2:$C${points + 1}", "values": f"=data!$D$2:$D${points + 1}"})
        ws.insert_chart("B20", chart)
    wb.close()
    res = _scan(export)
    fig = _rules(res, "FIG001")
    if verdict == "pass":
        assert not fig, [(f.rule, f.message) for f in res.findings]
    else:
        assert len(fig) == 1 and fig[0].severity.label == ("block" if verdict == "fail" else "review"), fig


def test_suppressed_cell_recovered_from_a_table_on_another_sheet(export: Path) -> None:
    """Sheet 1 publishes each region's total, sheet 2 the region by sex with a '<3': Bornholm's 8 less its 6
    men gives the women's 2 (TAB004 on sheet 2's cell); with both of Bornholm's cells hidden ("x"), nothing."""
    for hidden, expected in ((["<3"], 1), (["x", "x"], 0)):
        wb = _new()
        one = wb.active
        one.title = "Region"
        for row in (("Region", "Antal personer"), ("Hovedstaden", 410), ("Sjælland", 167), ("Bornholm", 8)):
            one.append(row)
        two = wb.create_sheet("Region x køn")
        men = 6 if len(hidden) == 1 else hidden[0]
        for row in (("Region", "Mænd", "Kvinder"), ("Hovedstaden", 212, 198), ("Sjælland", 88, 79),
                    ("Bornholm", men, hidden[-1])):
            two.append(row)
        _save(wb, export)
        found = _rules(_scan(export), "TAB004")
        assert len(found) == expected, [f.message for f in found]
        if expected:
            assert found[0].location.sheet == "Region x køn" and found[0].location.column == "Kvinder"


# Synthetic CPR numbers (valid date and modulus 11, made up).
_HEADER_CPRS = ("110853-1009", "230472-1009", "150690-1002")


@pytest.mark.parametrize("where", ["header", "link"])
def test_person_numbers_in_page_headers_and_hyperlinks(export: Path, where: str) -> None:
    """A sheet's printed header and its hyperlinks' addresses are in no cell: still read for identifiers."""
    wb = _new()
    _aggregate(wb.active)
    if where == "header":
        wb.active.oddHeader.center.text = "Patients " + ", ".join(_HEADER_CPRS)
    else:
        wb.active.cell(20, 1, "case list").hyperlink = "https://intranet.example/cases?ids=" + ",".join(_HEADER_CPRS)
    _save(wb, export)
    res = _scan(export)
    assert res.verdict is Verdict.FAIL and _rules(res, "DOC005")
    assert not any(c in json.dumps(json_reporter.to_dict(api.scan([export], load_config(), jobs=1)))
                   for c in _HEADER_CPRS)


def test_plain_page_header_and_hyperlink_pass(export: Path) -> None:
    wb = _new()
    _aggregate(wb.active)
    wb.active.oddHeader.center.text = "Tabel 2, side &P af &N, 2024"
    wb.active.cell(20, 1, "Kilde").hyperlink = "https://www.dst.dk/da/Statistik/emner/2024/12345"
    _save(wb, export)
    assert _scan(export).verdict is Verdict.PASS


def _commented_table(tmp_path: Path, rows: list[list[object]], comment: str) -> Finding:
    """Scan a one-sheet table whose cell B3 carries ``comment``; the file fails, and its DOC005 finding."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    ws["B3"].comment = Comment(comment, "forsker")
    path = tmp_path / "tabel.xlsx"
    wb.save(path)
    (result,) = api.scan([path], load_config(), jobs=1).files
    assert result.verdict is Verdict.FAIL
    (doc,) = [f for f in result.findings if f.rule == "DOC005"]
    return doc


def test_a_cpr_in_its_standard_form_in_a_cell_comment_is_blocked(tmp_path: Path) -> None:
    doc = _commented_table(tmp_path, [["Region", "Antal"], ["Hovedstaden", 412], ["Sjælland", 215]],
                           "NB: tjek 140760-2729 - dobbelt registreret i LPR, fjernet")
    assert doc.severity.label == "block" and "140760" not in doc.message


def test_a_register_key_written_out_in_a_cell_comment_is_blocked(tmp_path: Path) -> None:
    doc = _commented_table(tmp_path, [["Län", "Medianinkomst"], ["Stockholm", 412000], ["Gotland", 315000]],
                           "LopNr 1048832 exkluderad – negativ inkomst (-3,1 mkr)")
    assert "LopNr" in doc.evidence.text and "1048832" not in doc.evidence.text + doc.message


def test_shares_of_groups_sized_in_a_note_under_the_sheet_table(tmp_path: Path) -> None:
    import openpyxl

    from scanner import api
    from scanner.config import load_config

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tabel 3. Andel der har fuldført en ungdomsuddannelse, efter herkomst (%)"])
    ws.append([])
    ws.append(["Herkomst", "Fuldført (%)", "Ikke i uddannelse (%)"])
    for row in (["Dansk oprindelse", 86.3, 13.7], ["Indvandrer", 76.7, 23.3], ["Grønlandsk baggrund", 94.7, 5.3]):
        ws.append(row)
    ws.append([])
    ws.append(["Note: Antal elever: Dansk oprindelse 51.203; Indvandrer 4.410; Grønlandsk baggrund 38."])
    ws.append(["Kilde: KOTRE 2023, BEF. Egne beregninger."])
    path = tmp_path / "tabeller.xlsx"
    wb.save(path)
    (result,) = api.scan([path], load_config(), jobs=1).files
    found = [f for f in result.findings if f.rule == "TAB001"]
    assert len(found) == 1 and "Grønlandsk" in found[0].message and "note under the table" in found[0].message


HIRES = [("A Jordbruk", 205, 171, 27, 403), ("C Industri", 1013, 777, 289, 2079), ("F Bygg", 1718, 1347, 499, 3564),
         ("G Handel", 1955, 1739, 779, 4473)]
HIRES_MEN = [("A Jordbruk", 160, 134, 25, 319), ("C Industri", 770, 591, 220, 1581), ("F Bygg", 1564, 1226, 455, 3245),
             ("G Handel", 1017, 905, 406, 2328)]


@pytest.mark.parametrize(("men_250", "verdict"), [(25, "fail"), (15, "pass")])
def test_a_sheet_of_one_sex_beside_the_sheet_of_all(export: Path, men_250: int, verdict: str) -> None:
    """'Alle' minus 'Menn' is the women's table: 27 - 25 hires in the largest firms is 2 women."""
    wb = _new()
    for title, rows in (("Alle", HIRES), ("Menn", HIRES_MEN)):
        ws = wb.active if title == "Alle" else wb.create_sheet(title)
        ws.title = title
        ws.append(["Næring", "1-4", "5-9", "250+", "I alt"])
        for label, *cells in rows:
            if title == "Menn" and label == "A Jordbruk":
                cells = [160, 134, men_250, 294 + men_250]
            ws.append([label, *cells])
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == verdict, [(f.rule, f.message) for f in res.findings]
    if verdict == "fail":
        [f] = _rules(res, "TAB001")
        assert f.location.sheet == "Menn" and f.location.column == "250+" and "'Alle'" in f.message


def test_a_mark_on_one_sex_says_nothing_of_the_other_sex_sheet(export: Path) -> None:
    """'Piger' marks Stevns '<3'; 'Drenge' shows its 9 boys: other children, no small cell (and no total
    sheet gives the girls back)."""
    wb = _new()
    rows = [("Køge", 14, 11), ("Roskilde", 12, 10), ("Stevns", "<3", 9), ("Greve", 8, 13)]
    for k, title in enumerate(("Piger", "Drenge")):
        ws = wb.active if k == 0 else wb.create_sheet(title)
        ws.title = title
        ws.append(["Kommune", "Antal nyanbragte"])
        for label, girls, boys in rows:
            ws.append([label, girls if k == 0 else boys])
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == "pass", [(f.rule, f.message) for f in res.findings]


def _two_age_sheets(path: Path, laeso_all: int) -> None:
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "Tabel A"
    for row in (["Tabel A. Registrerede ledige efter kommune, 2023 (alle aldre)", None], [None, None],
                ["Kommune", "Ledige i alt"], ["Frederikshavn", 1210], ["Læsø", laeso_all], ["Hjørring", 1388],
                ["Brønderslev", 702], ["Jammerbugt", 655]):
        a.append(row)
    b = wb.create_sheet("Tabel B")
    for row in (["Tabel B. Registrerede ledige 16-64 år efter kommune, 2023", None], [None, None],
                ["Kommune", "Ledige 16-64 år"], ["Frederikshavn", 1160], ["Læsø", 30], ["Hjørring", 1311],
                ["Brønderslev", 664], ["Jammerbugt", 630]):
        b.append(row)
    wb.save(path)


def test_sheets_whose_titles_name_all_ages_and_an_age_band(tmp_path: Path) -> None:
    """'Tabel A' of all ages beside 'Tabel B' of 16-64 år: the sheet names say nothing, the titles do; Læsø's
    31 - 30 is 1 unemployed person of another age."""
    (tmp_path / "u").mkdir()
    _two_age_sheets(tmp_path / "u" / "ledige.xlsx", 31)
    res = _scan(tmp_path / "u")
    assert res.verdict is Verdict.FAIL
    (f,) = [f for f in _rules(res, "TAB001")]
    assert f.location.sheet == "Tabel B" and "'Tabel A'" in f.message
    (tmp_path / "s").mkdir()
    _two_age_sheets(tmp_path / "s" / "ledige.xlsx", 37)
    assert _scan(tmp_path / "s").verdict is Verdict.PASS


def test_sheets_of_adults_and_of_an_age_band(tmp_path: Path) -> None:
    """'18 år og over' is all adults beside '18-66 år': Sentrum's 143 - 142 is 1 recipient aged 67 or more."""
    wb = openpyxl.Workbook()
    one = wb.active
    one.title = "Tabell 1"
    for row in (["Tabell 1. Mottakere av sosialhjelp etter bydel, 18 år og over, Oslo 2022", None], [None, None],
                ["Bydel", "Antall mottakere"], ["Gamle Oslo", 2410], ["Grünerløkka", 1870], ["Sentrum", 143],
                ["Alna", 2104]):
        one.append(row)
    two = wb.create_sheet("Tabell 2")
    for row in (["Tabell 2. Mottakere av sosialhjelp etter bydel, 18-66 år, Oslo 2022", None], [None, None],
                ["Bydel", "Antall mottakere"], ["Gamle Oslo", 2391], ["Grünerløkka", 1852], ["Sentrum", 142],
                ["Alna", 2078]):
        two.append(row)
    (tmp_path / "u").mkdir()
    wb.save(tmp_path / "u" / "sosialhjelp.xlsx")
    res = _scan(tmp_path / "u")
    assert res.verdict is Verdict.FAIL
    assert [f.location.sheet for f in _rules(res, "TAB001")] == ["Tabell 2"]


@pytest.mark.parametrize(("stevns", "faxe", "verdict"), [("x", 11, Verdict.FAIL), ("x", "x", Verdict.PASS)])
def test_a_sheet_of_one_regions_municipalities_beside_the_sheet_of_regions(
        tmp_path: Path, stevns: object, faxe: object, verdict: Verdict) -> None:
    # the region's row on the first sheet is the total the second sheet leaves out: 166 - 164 is 2 in Stevns
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Regioner"
    for row in (["Dræbte i trafikken efter bopælsregion"], [], ["Region", "Dræbte"], ["Region Hovedstaden", 298],
                ["Region Sjælland", 166], ["Region Syddanmark", 214], ["Hele landet", 678]):
        ws.append(row)
    ws = wb.create_sheet("Kommuner Sjælland")
    for row in (["Dræbte i trafikken efter bopælskommune"], [], ["Kommune", "Dræbte"], ["Stevns", stevns],
                ["Faxe", faxe], ["Køge", 12], ["Roskilde", 13], ["Holbæk", 14], ["Næstved", 114]):
        ws.append(row)
    folder = tmp_path / "export"
    folder.mkdir()
    wb.save(folder / "trafik.xlsx")
    result = _scan(folder)
    assert result.verdict is verdict, result.findings
    if verdict is Verdict.FAIL:
        (finding,) = [f for f in result.findings if f.rule == "TAB004"]
        assert finding.location.sheet == "Kommuner Sjælland"


@pytest.mark.parametrize(("viborg_adults", "verdict"), [(46, "fail"), (40, "pass")])
def test_sheets_named_by_their_age_groups_are_differenced(export: Path, viborg_adults: int, verdict: str) -> None:
    """Sheets named "Alle patienter" and "18 år og derover" with the same rows: the first minus the second is
    the children (47 - 46 is 1 child at Viborg)."""
    wb = openpyxl.Workbook()
    rows = {"Rigshospitalet": (418, 361), "Odense Universitetshospital": (233, 197),
            "Aarhus Universitetshospital": (312, 270), "Regionshospitalet Viborg": (47, viborg_adults),
            "Aalborg Universitetshospital": (221, 188)}
    for k, title in enumerate(["Alle patienter", "18 år og derover"]):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        ws.append(["Hospital", "Antal patienter"])
        for name, counts in rows.items():
            ws.append([name, counts[k]])
    _save(wb, export)
    res = _scan(export)
    assert res.verdict == verdict, [(f.rule, f.message) for f in res.findings]


@pytest.mark.parametrize(("note", "verdict"), [
    ("Cellerne for Ærø er undertrykt; de udgør 2 personer (1 dreng og 1 pige).", "review"),
    ("Celler med færre end 3 personer er undertrykt.", "pass")])
def test_a_note_under_a_sheet_table_is_read_as_a_note(export: Path, note: str, verdict: str) -> None:
    wb = _new()
    ws = wb.active
    ws.append(["Tabel 2. Personer med type 1-diabetes, 0-17 år, 2019-2022"])
    ws.append([])
    ws.append(["Kommune", "Drenge", "Piger"])
    for row in (["Svendborg", 14, 11], ["Faaborg-Midtfyn", 12, 9], ["Ærø", "..", ".."], ["Lolland", 10, 8]):
        ws.append(row)
    ws.append([])
    ws.append(["Kilde: Landspatientregisteret, egne beregninger."])
    ws.append([note])
    _save(wb, export)
    assert _scan(export).verdict.value == verdict


@pytest.mark.parametrize("finnmark_known", [1429, 1421])
def test_a_sheet_titled_as_leaving_a_group_out_beside_the_sheet_of_all(tmp_path: Path, finnmark_known: int) -> None:
    """"Alle mottakere" beside "Med kjent diagnose" titled "(ekskl. ukjent diagnose)": the difference of the two
    is the left-out group, by county (Finnmark 1 431 - 1 429 = 2), even when the second sheet adds a column.
    A difference of 10 says nothing small."""
    path = tmp_path / "aap_fylke.xlsx"
    wb = openpyxl.Workbook()
    counties = [("Østfold", 7212, 7174), ("Akershus", 12480, 12419), ("Oslo", 15102, 15020), ("Innlandet", 6230, 6199),
                ("Vestfold", 4871, 4850), ("Finnmark", 1431, finnmark_known)]
    first = wb.active
    first.title = "Alle mottakere"
    first.append(["Mottakere av AAP 31.12.2022, etter bostedsfylke"])
    first.append([])
    first.append(["Fylke", "Personer"])
    for name, all_, _ in counties:
        first.append([name, all_])
    second = wb.create_sheet("Med kjent diagnose")
    second.append(["Mottakere av AAP 31.12.2022 med registrert diagnose (ekskl. ukjent/manglende diagnose)"])
    second.append([])
    second.append(["Fylke", "Personer", "Herav psykisk lidelse"])
    for name, _, known in counties:
        second.append([name, known, known // 3])
    wb.save(path)
    result = api.scan([path], load_config()).files[0]
    hits = [f for f in result.findings if f.rule == "TAB001" and "leaves a group out" in f.message]
    if finnmark_known == 1429:
        assert result.verdict is Verdict.FAIL and len(hits) == 1 and "Finnmark" in str(hits[0].location.cell)
    else:
        assert result.verdict is Verdict.PASS, result.findings


@pytest.mark.parametrize("adopted_2005", [2, 214])
def test_statistics_stacked_under_each_group_are_read_one_row_a_group(tmp_path: Path, adopted_2005: int) -> None:
    """Stata's `collect export` of `table (year) (reform), statistic(frequency) statistic(mean employed)`: each
    year's label on a row of its own, its Frequency and Mean rows under it. The repeated statistic names are no
    unit rows (no MIC001), and a frequency of 2 is a small cell at the sheet cell that prints it."""
    path = tmp_path / "collect.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, "Municipality has adopted guarantee", None, None])
    ws.append([None, "No", "Yes", "Total"])
    ws.append(["Year", None, None, None])
    for year, no, yes in (("2005", 7560, adopted_2005), ("2007", 3012, 1088), ("2008", 2410, 1720),
                          ("2009", 1802, 2366)):
        ws.append([year, None, None, None])
        ws.append(["Frequency", no, yes, no + yes])
        ws.append(["Mean (employed)", 0.602, 0.5 if yes == 2 else 0.618, 0.603])
    wb.save(path)
    result = api.scan([path], load_config()).files[0]
    assert not [f for f in result.findings if f.rule.startswith("MIC")], result.findings
    if adopted_2005 == 2:
        hits = [f for f in result.findings if f.rule == "TAB001" and f.severity is Severity.BLOCK]
        assert result.verdict is Verdict.FAIL and len(hits) == 1
        assert "C5" in hits[0].message and "Yes | Frequency" in str(hits[0].location.column)
    else:
        assert result.verdict is Verdict.PASS, result.findings


def test_identifiers_in_a_sheet_name_or_the_document_properties(tmp_path: Path) -> None:
    """A CPR number typed into a sheet's name or the workbook's title property leaves with the file (DOC005);
    the same workbook with neither passes."""
    def book(path: Path, sheet: str, title: str) -> Path:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = sheet
        for row in (["Region", "Antal"], ["Nord", 45], ["Syd", 61], ["Øst", 38]):
            ws.append(row)
        wb.properties.title = title
        wb.save(path)
        return path

    named = book(tmp_path / "named.xlsx", "Patient 070761-4285", "Udtræk 2021")
    titled = book(tmp_path / "titled.xlsx", "Tabel 1", "Udtræk for CPR 070761-4285")
    plain = book(tmp_path / "plain.xlsx", "Tabel 1", "Udtræk 2021")
    results = {r.path.rsplit("/", 1)[-1]: r for r in api.scan([named, titled, plain], load_config()).files}
    for name, what in (("named.xlsx", "sheet name"), ("titled.xlsx", "document properties")):
        hits = [f for f in results[name].findings if f.rule == "DOC005"]
        assert results[name].verdict is Verdict.FAIL and len(hits) == 1 and what in hits[0].message
        assert "070761" not in json.dumps([f.message for f in results[name].findings])
    assert results["plain.xlsx"].verdict is Verdict.PASS, results["plain.xlsx"].findings


def test_a_sheet_of_women_beside_the_sheet_of_all_with_rates_of_their_own(tmp_path: Path) -> None:
    """Sheet "Kvinder" beside sheet "Alle ofre", titled "... – kvinder" and "... – alle", each with a rate column
    of its own base ("Pr. 1.000 kvinder", "Pr. 1.000 indb."): their counts still give the men (Læsø 5 - 3 = 2)."""
    path = tmp_path / "ofre.xlsx"
    wb = openpyxl.Workbook()
    rows = [("København", 212, 121), ("Aarhus", 88, 47), ("Odense", 61, 33), ("Aalborg", 49, 26), ("Læsø", 5, 3)]
    for k, (title, group, rate) in enumerate((("Alle ofre", "alle", "Pr. 1.000 indb."),
                                              ("Kvinder", "kvinder", "Pr. 1.000 kvinder"))):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        ws.append([f"Ofre for anmeldt vold, 65+ år, 2020 – {group}"])
        ws.append([])
        ws.append(["Kommune", "Ofre i alt" if k == 0 else "Kvindelige ofre", rate])
        for name, all_, women in rows:
            ws.append([name, all_ if k == 0 else women, 2.1])
    wb.save(path)
    result = api.scan([path], load_config()).files[0]
    hits = [f for f in result.findings if f.rule == "TAB001" and f.severity is Severity.BLOCK]
    assert result.verdict is Verdict.FAIL and len(hits) == 1 and "Læsø" in str(hits[0].location.cell)


def test_a_sheet_excluding_a_group_beside_a_mean_of_amounts(tmp_path: Path) -> None:
    """Sheet "Ekskl. udl. pension" beside sheet "Alle": the counts give the left-out group (Læsø 812 - 810 = 2),
    though each sheet's mean pension wealth (whole kroner, larger in some rows of the part) differs either way."""
    path = tmp_path / "pension.xlsx"
    wb = openpyxl.Workbook()
    rows = [("Aalborg", 71204, 1612383, 70588, 1573797), ("Hjørring", 22017, 1201233, 21902, 1307062),
            ("Brønderslev", 12183, 1607540, 12102, 1141546), ("Jammerbugt", 13381, 1274418, 13310, 1395979),
            ("Læsø", 812, 1402233, 810, 1398000)]
    for k, title in enumerate(("Alle", "Ekskl. udl. pension")):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        ws.append(["Antal personer 50-74 år med pensionsformue, 2021" + (", ekskl. pension fra udlandet" if k else "")])
        ws.append([])
        ws.append(["Kommune", "Antal", "Gns. pensionsformue (kr.)"])
        for name, *values in rows:
            ws.append([name, values[2 * k], values[2 * k + 1]])
    wb.save(path)
    result = api.scan([path], load_config()).files[0]
    hits = [f for f in result.findings if f.rule == "TAB001" and "leaves a group out" in f.message]
    assert result.verdict is Verdict.FAIL and len(hits) == 1 and "Læsø" in str(hits[0].location.cell)


@pytest.mark.parametrize("periods", [("2015-2022", "2015-2021"), ("2015-2018", "2019-2022")])
def test_sheets_of_nested_periods(tmp_path: Path, periods: tuple[str, str]) -> None:
    """Sheets "2015-2022" and "2015-2021" of the same table: the longer period less the shorter counts 2022 alone
    (Helse Nord 17 - 15 = 2 children). Sheets of periods side by side ("2015-2018", "2019-2022") give nothing."""
    path = tmp_path / "narkolepsi.xlsx"
    wb = openpyxl.Workbook()
    counts = {"2015-2022": (96, 38, 25, 17), "2015-2021": (84, 33, 22, 15), "2015-2018": (40, 17, 11, 8),
              "2019-2022": (56, 21, 14, 9)}
    for k, period in enumerate(periods):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = period
        ws.append([f"Nye tilfeller av narkolepsi hos barn 0–17 år, {period} (NPR)"])
        ws.append([])
        ws.append(["Helseregion", "Antall pasienter"])
        for name, n in zip(("Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord"), counts[period],
                           strict=True):
            ws.append([name, n])
    wb.save(path)
    result = api.scan([path], load_config()).files[0]
    if periods[1] == "2015-2021":
        hits = [f for f in result.findings if f.rule == "TAB001" and f.severity is Severity.BLOCK]
        assert result.verdict is Verdict.FAIL and len(hits) == 1 and "Helse Nord" in str(hits[0].location.cell)
    else:
        assert result.verdict is Verdict.PASS, result.findings


def test_a_header_of_levels_with_a_merged_range_is_the_header(tmp_path: Path) -> None:
    """Probe WC: answer categories 2 and 3 merged ("Region | 0 | 1 | 2–3 | I alt", the labels written as text): the
    row is the header, not a row of cells of 0 and 1 (a false fail of a safe workbook); a cell of 2 under it is."""
    def book(name: str, cell: int) -> Path:
        path = tmp_path / name
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("HADS-A")
        ws.write_row(0, 0, ["Tabell 1. Svar på HADS-A item 1 etter region, antall"])
        ws.write_row(2, 0, ["Region", "0", "1", "2–3", "I alt"])
        for r, row in enumerate([["Trøndelag", 412, 233, 58], ["Nordland", 301, 150, cell], ["Troms", 220, 98, 21]],
                                start=3):
            ws.write_row(r, 0, [*row, sum(row[1:])])
        wb.close()
        return path

    safe = api.scan([book("safe.xlsx", 33)], load_config(), jobs=1).files[0]
    assert safe.verdict is Verdict.PASS, [(f.rule, f.message) for f in safe.findings]
    small = api.scan([book("small.xlsx", 2)], load_config(), jobs=1).files[0]
    assert [f.location.column for f in small.findings if f.rule == "TAB001"] == ["2–3"]
