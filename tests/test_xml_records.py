"""XML data exports read as tables (scanner/formats/xml_records.py): SAS's XML engine, attribute rows, and the
XML that is no table (review, and still searched for identifiers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.discover import FileKind, discover
from scanner.findings import Verdict

SAS_XML = """<?xml version="1.0" encoding="windows-1252" ?>
<TABLE>
{rows}</TABLE>
"""


def _scan(path: Path):  # type: ignore[no-untyped-def]
    (result,) = api.scan([path], load_config(), jobs=1).files
    return result


def _sas_rows(small: int) -> str:
    cells = [("Hovedstaden", 412), ("Sjælland", 215), ("Syddanmark", 301), ("Nordjylland", small)]
    return "".join(f"   <TABEL>\n      <region>{r}</region>\n      <antal>{n}</antal>\n   </TABEL>\n" for r, n in cells)


@pytest.mark.parametrize(("small", "verdict"), [(2, Verdict.FAIL), (120, Verdict.PASS)])
def test_sas_xml_engine_table_is_read(tmp_path: Path, small: int, verdict: Verdict) -> None:
    path = tmp_path / "tabel.xml"
    path.write_text(SAS_XML.format(rows=_sas_rows(small)), encoding="utf-8")
    (entry,) = discover([path])
    assert entry.kind is FileKind.XML  # (a root named <TABLE> is no HTML table)
    result = _scan(path)
    assert result.verdict is verdict, [(f.rule, f.message) for f in result.findings]
    assert ("TAB001" in {f.rule for f in result.findings}) is (verdict is Verdict.FAIL)


def test_attribute_rows_of_persons_are_microdata(tmp_path: Path) -> None:
    rows = "".join(f'  <row lopnr="{4400000 + 37 * k}" alder="{20 + k % 50}" koen="{1 + k % 2}" loen="{300 + k}"/>\n'
                   for k in range(40))
    path = tmp_path / "udtraek.xml"
    path.write_text(f'<?xml version="1.0"?>\n<rows>\n{rows}</rows>\n', encoding="utf-8")
    result = _scan(path)
    assert result.verdict is Verdict.FAIL
    assert "MIC002" in {f.rule for f in result.findings}


@pytest.mark.parametrize("body", [
    '<!DOCTYPE r [<!ENTITY a "aaaa">]>\n<r><x><n>&a;</n></x><x><n>1</n></x></r>',  # a DTD: not parsed
    "<config><paths><in>a</in></paths><model><k>3</k></model></config>",  # no records
    "<r><x><n><m>1</m></n></x><x><n><m>2</m></n></x></r>",  # nested records
])
def test_xml_that_is_no_table_is_reviewed(tmp_path: Path, body: str) -> None:
    path = tmp_path / "doc.xml"
    path.write_text('<?xml version="1.0"?>\n' + body, encoding="utf-8")
    result = _scan(path)
    assert result.verdict is Verdict.REVIEW
    assert any(f.rule == "FIL001" for f in result.findings)


def test_identifiers_in_xml_that_is_no_table_are_found(tmp_path: Path) -> None:
    path = tmp_path / "selection.xml"
    path.write_text('<?xml version="1.0"?>\n<analysis><sample><exclude>\n'
                    '<firm cvr="85689347"/>\n<firm cvr="95813720"/>\n<firm cvr="93605675"/>\n'
                    "</exclude></sample><model k='3'/></analysis>\n", encoding="utf-8")
    result = _scan(path)
    assert result.verdict is Verdict.FAIL
    assert "PID011" in {f.rule for f in result.findings}
    assert not any("85689347" in f.message for f in result.findings)
