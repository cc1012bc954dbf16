"""Every spreadsheet of the real-world corpus gets a verdict, and the reason for each non-pass is the expected
one (corpus/MANIFEST.tsv describes the files; the reasons are in the issue 12 note).

The corpus is read where it lies (``$SDCSCAN_CORPUS`` or ``../shared/corpus``); the test skips without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config

pytestmark = pytest.mark.corpus

#: file -> (verdict, rules that must be among the non-info findings). The reason in a comment.
EXPECTED: dict[str, tuple[str, set[str]]] = {
    # test workbooks of the calamine reader: 3x2 unlabelled small numbers on the visible sheet (a CSV with
    # them fails too), two empty hidden sheets (DOC001 info); .xls/.xlsb: structure not read (FIL001)
    "calamine_any_sheets.xls": ("fail", {"TAB001", "FIL001"}),
    "calamine_any_sheets.xlsb": ("fail", {"TAB001", "FIL001"}),
    "calamine_any_sheets.xlsx": ("fail", {"TAB001"}),
    "calamine_inventory-table.xlsx": ("pass", set()),
    "calamine_merged_range.xlsx": ("pass", set()),
    # an OLE container with EncryptionInfo: cannot be read without the password
    "calamine_pass_protected.xlsx": ("review", set()),
    # pivot tables of 10 source records: counts of 1-2 on a pivot sheet, record keys, caches of too few
    # rows to decide (DOC002 review)
    "calamine_pivots.xlsx": ("fail", {"TAB001", "DOC002", "MIC002"}),
    "calamine_table-multiple.xlsx": ("pass", set()),
    "calamine_temperature-table.xlsx": ("pass", set()),
    # EPPlus pivot test files: each cache stores the transaction rows (DOC002), the source sheets are
    # transactions with counts of 1-2 (TAB001); hidden rows and very hidden sheets (DOC004, DOC001)
    "epplus_GetPivotDataTestData.xlsx": ("fail", {"DOC002", "TAB001"}),
    "epplus_PivotTableBackedByExcelTable.xlsx": ("fail", {"DOC002", "TAB001"}),
    "epplus_PivotTableCustomGroupingsAndHiddenGroups.xlsx": ("fail", {"DOC004", "DOC001", "MIC001"}),
    "epplus_PivotTableDataCalculationCountType.xlsx": ("fail", {"DOC002", "TAB001"}),
    "epplus_PivotTableDataSourceTypeWorksheet.xlsx": ("fail", {"DOC002", "TAB001"}),
    "epplus_PivotTableHiddenRowAndColumnItems.xlsx": ("fail", {"DOC004", "DOC001", "MIC001"}),
    "epplus_PivotTableLargeDataSet.xlsx": ("fail", {"MIC001"}),
    # an OLAP source: no records stored, nothing else
    "epplus_PivotTableWithExternalSource.xlsx": ("pass", set()),
    "epplus_PivotTableWithPageFields.xlsx": ("fail", {"DOC002", "TAB001"}),
    "epplus_PivotTableWithReportFilter.xlsx": ("fail", {"DOC004", "DOC001", "MIC001"}),
    "epplus_PivotTableWithSourceDataMissingValues.xlsx": ("fail", {"DOC002", "TAB001"}),
    "epplus_PivotTablesWorksheetSources.xlsx": ("fail", {"DOC002", "MIC001"}),  # transaction records
    "epplus_SlicerFromExcel.xlsx": ("fail", {"DOC004", "DOC001", "MIC001"}),
    # official published aggregates with titles, stacked header rows and spacer rows
    "statsnz_nzhs-2012-adults-health-status-behaviours.xlsx": ("pass", set()),
    # an aggregate of TP/FP/FN/TN counts whose label column is named "ID": the table analysis reads it as a
    # record key (the same file as CSV fails the same way; see the issue 12 note)
    "t1dm_qba_tab2data.xlsx": ("fail", {"MIC001"}),
    "xportr_ADaM_spec.xlsx": ("pass", set()),
}


def test_every_corpus_spreadsheet_gets_its_verdict(corpus: Path) -> None:
    folder = corpus / "excel"
    if not folder.is_dir():
        pytest.skip("corpus has no excel folder")
    result = api.scan([folder], load_config(), jobs=1)
    got = {Path(f.path).name: f for f in result.files}
    assert set(got) == set(EXPECTED), sorted(set(got) ^ set(EXPECTED))
    wrong = []
    for name, (verdict, rules) in EXPECTED.items():
        f = got[name]
        flagged = {x.rule for x in f.findings if x.severity.label != "info"}
        if f.verdict != verdict or not rules <= flagged:
            wrong.append((name, f.verdict, sorted(flagged)))
    assert not wrong, wrong
    encrypted = got["calamine_pass_protected.xlsx"]
    assert any("encrypted" in x.message for x in encrypted.findings)
