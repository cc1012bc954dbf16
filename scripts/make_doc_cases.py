"""Write the DOC rule case files (tests/rules/cases/DOC00N.toml): tiny hand-built .xlsx packages as hex.

A workbook cannot be written inline in TOML, so each case's package is built here from a few XML parts
(the smallest package Excel's readers accept: workbook, relationships, sheets with inline strings) and
stored as ``content_hex``. Run ``python scripts/make_doc_cases.py`` after changing a case.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CASES = Path(__file__).resolve().parent.parent / "tests" / "rules" / "cases"


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    state: str = "visible"
    hidden_rows: tuple[int, ...] = ()
    hidden_cols: tuple[int, ...] = ()  # 1-based
    comments: dict[str, str] = field(default_factory=dict)  # cell -> text
    validation: str | None = None  # a literal list


def _col(i: int) -> str:
    out = ""
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _cell(ref: str, v: object) -> str:
    if isinstance(v, int | float):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'


def _sheet_xml(s: Sheet) -> str:
    cols = "".join(f'<col min="{c}" max="{c}" width="0" hidden="1"/>' for c in s.hidden_cols)
    rows = []
    for r, row in enumerate(s.rows, start=1):
        hidden = ' hidden="1"' if r in s.hidden_rows else ""
        cells = "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row, start=1) if v is not None)
        rows.append(f'<row r="{r}"{hidden}>{cells}</row>')
    dv = (f'<dataValidations count="1"><dataValidation type="list" sqref="H1:H5"><formula1>"{s.validation}"'
          "</formula1></dataValidation></dataValidations>") if s.validation else ""
    legacy = '<legacyDrawing r:id="rIdVml"/>' if s.comments else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
            f'{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>{"".join(rows)}</sheetData>{dv}{legacy}'
            "</worksheet>")


def xlsx(sheets: list[Sheet], *, pivot: tuple[list[str], list[list[object]]] | None = None,
         embedded: bool = False) -> bytes:
    """A minimal workbook package."""
    parts: dict[str, str | bytes] = {}
    sheet_tags = "".join(f'<sheet name="{s.name}" sheetId="{i}" state="{s.state}" r:id="rId{i}"/>'
                         for i, s in enumerate(sheets, start=1))
    pivots = '<pivotCaches><pivotCache cacheId="1" r:id="rIdP"/></pivotCaches>' if pivot else ""
    parts["xl/workbook.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                                f"<sheets>{sheet_tags}</sheets>{pivots}</workbook>")
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    if pivot:
        rels += f'<Relationship Id="rIdP" Type="{REL}/pivotCacheDefinition" Target="pivotCache/def1.xml"/>'
    parts["xl/_rels/workbook.xml.rels"] = f'<?xml version="1.0"?><Relationships xmlns="{PKG}">{rels}</Relationships>'
    parts["_rels/.rels"] = (f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in range(1, len(sheets) + 1))
        + "</Types>")
    for i, s in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(s)
        if s.comments:
            comments = "".join(f'<comment ref="{ref}" authorId="0"><text><t>{text}</t></text></comment>'
                               for ref, text in s.comments.items())
            parts[f"xl/comments{i}.xml"] = (f'<?xml version="1.0"?><comments xmlns="{MAIN}"><authors><author>a'
                                            f"</author></authors><commentList>{comments}</commentList></comments>")
            parts[f"xl/worksheets/_rels/sheet{i}.xml.rels"] = (
                f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rIdC" '
                f'Type="{REL}/comments" Target="../comments{i}.xml"/></Relationships>')
    if pivot:
        header, records = pivot
        fields = "".join(f'<cacheField name="{h}"><sharedItems/></cacheField>' for h in header)
        parts["xl/pivotCache/def1.xml"] = (
            f'<?xml version="1.0"?><pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rId1">'
            f'<cacheSource type="worksheet"/><cacheFields>{fields}</cacheFields></pivotCacheDefinition>')
        parts["xl/pivotCache/_rels/def1.xml.rels"] = (
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/pivotCacheRecords" Target="rec1.xml"/></Relationships>')
        recs = "".join("<r>" + "".join(f'<n v="{v}"/>' if isinstance(v, int | float) else f'<s v="{v}"/>'
                                       for v in row) + "</r>" for row in records)
        parts["xl/pivotCache/rec1.xml"] = (f'<?xml version="1.0"?><pivotCacheRecords xmlns="{MAIN}">{recs}'
                                           "</pivotCacheRecords>")
    if embedded:
        parts["xl/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            # a fixed date: the same cases give the same bytes on every run
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


REGIONS = ["Nord", "Syd", "Ost", "Vest", "Midt"]


def counts(small: bool = False) -> list[list[object]]:
    rows: list[list[object]] = [["region", "antal"]]
    rows += [[r, 40 + 3 * i] for i, r in enumerate(REGIONS)]
    if small:
        rows[-1][1] = 2
    return rows


def unit_records(n: int = 60) -> list[list[object]]:
    """One row per person: few ages, so age x sex repeats while income varies."""
    return [[20 + i % 5, "MK"[i % 2], 100000 + 7919 * i % 50000] for i in range(n)]


def _case(name: str, expect: str, data: bytes, **extra: object) -> str:
    lines = ["[[case]]", f'name = "{name}"', f'expect = "{expect}"', 'file = "results.xlsx"']
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
    lines.append(f'content_hex = "{data.hex()}"')
    return "\n".join(lines) + "\n"


def build() -> dict[str, list[str]]:
    table = Sheet("Tabel", counts())
    micro = [["age", "sex", "income"], *unit_records()]
    return {
        "DOC001": [
            _case("hidden-sheet-of-small-cells", "fail", xlsx([table, Sheet("raw", counts(True), "hidden")]),
                  severity="block"),
            _case("very-hidden-clean-sheet", "fail", xlsx([table, Sheet("backup", counts(), "veryHidden")]),
                  severity="review"),
            _case("all-sheets-visible", "pass", xlsx([table, Sheet("Tabel 2", counts())])),
        ],
        "DOC002": [
            _case("cache-of-unit-records", "fail", xlsx([table], pivot=(micro[0], micro[1:])), severity="block"),
            _case("cache-of-an-aggregate-table", "pass", xlsx([table], pivot=(["region", "antal"], counts()[1:]))),
        ],
        "DOC003": [
            _case("embedded-ole-object", "fail", xlsx([table], embedded=True), severity="review"),
            _case("no-embedded-object", "pass", xlsx([table])),
        ],
        "DOC004": [
            _case("hidden-row-with-small-cell", "fail", xlsx([Sheet("Tabel", counts(True), hidden_rows=(6,))]),
                  severity="block"),
            _case("hidden-column-with-notes", "fail",
                  xlsx([Sheet("Tabel", [[*r, "checked"] for r in counts()], hidden_cols=(3,))]), severity="review"),
            _case("hidden-empty-row", "pass", xlsx([Sheet("Tabel", counts(), hidden_rows=(9,))])),
        ],
        "DOC005": [
            _case("comment-with-person-number", "fail",
                  xlsx([Sheet("Tabel", counts(), comments={"B3": "pnr 19880320-0016 removed"})]), severity="block"),
            # three CPR numbers without their hyphen, typed into a comment beside incomes (the first validates)
            _case("comment-with-person-numbers-without-separator", "fail",
                  xlsx([Sheet("Tabel", counts(), comments={"B3": "Tjek disse: 2304781187 (14,2 mio.), 1107651043 "
                                                                 "(11,8 mio.), 0912830265 (9,4 mio.)"})]),
                  severity="block"),
            _case("comment-with-a-number", "fail",
                  xlsx([Sheet("Tabel", counts(), comments={"B3": "was 2 before rounding"})]), severity="review"),
            _case("validation-list-of-words", "pass", xlsx([Sheet("Tabel", counts(), validation="Ja,Nej")])),
        ],
    }


def main() -> None:
    for code, cases in build().items():
        path = CASES / f"{code}.toml"
        header = f"# {code} cases: generated by scripts/make_doc_cases.py (edit that script, not this file)\n\n"
        path.write_text(header + "\n".join(cases), encoding="utf-8")
        print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
