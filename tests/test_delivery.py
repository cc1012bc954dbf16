"""scanner.delivery: a suppressed cell that another file of the same folder gives away.

Each delivery is a folder of small tables written as a researcher exports them (CSV with ';', a workbook
by openpyxl), scanned with ``api.scan`` as ``sdcscan scan FOLDER`` does. The unsafe folders have a safe
twin that differs only in what makes them unsafe: consistent suppression, or tables of another year.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from scanner import api
from scanner.config import load_config
from scanner.findings import Verdict
from scanner.loaders.texttables import TextTable, filled_from_twin, linked_tables

BY_REGION = "Region;Antal\nHovedstaden;412\nSjælland;198\nSyddanmark;305\nMidtjylland;276\nNordjylland;61\n"
# Nordjylland: 61 persons, 59 of them women; the men (2) are suppressed
BY_REGION_SEX = ("Region;Mænd;Kvinder\nHovedstaden;200;212\nSjælland;97;101\nSyddanmark;150;155\n"
                 "Midtjylland;130;146\nNordjylland;..;59\n")


def _folder(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _scan(path: Path, **config: object) -> dict[str, api.FileResult]:
    result = api.scan([path], load_config(**config), jobs=1)
    return {r.path.rsplit("/", 1)[-1]: r for r in result.files}


def _tab004(r: api.FileResult) -> list[str]:
    return [f.message for f in r.findings if f.rule == "TAB004"]


def test_a_total_in_another_file_recomputes_a_suppressed_cell(tmp_path: Path) -> None:
    files = _scan(_folder(tmp_path / "levering", {"tab1_region.csv": BY_REGION, "tab2_region_koen.csv": BY_REGION_SEX}))
    assert files["tab1_region.csv"].verdict is Verdict.PASS
    details = files["tab2_region_koen.csv"]
    assert details.verdict is Verdict.FAIL
    (message,) = _tab004(details)
    assert "recomputed exactly" in message and "tab1_region.csv" in message
    (finding,) = [f for f in details.findings if f.rule == "TAB004"]
    assert finding.location.row == 5 and finding.location.column == "Mænd"


def test_each_file_alone_passes(tmp_path: Path) -> None:
    # the same files in folders of their own: nothing links them
    one = _scan(_folder(tmp_path / "a", {"tab1_region.csv": BY_REGION}))
    two = _scan(_folder(tmp_path / "b", {"tab2_region_koen.csv": BY_REGION_SEX}))
    assert one["tab1_region.csv"].verdict is two["tab2_region_koen.csv"].verdict is Verdict.PASS


def test_consistent_suppression_across_files_passes(tmp_path: Path) -> None:
    both_hidden = BY_REGION_SEX.replace("..;59", "..;..")
    files = _scan(_folder(tmp_path / "levering", {"tab1_region.csv": BY_REGION, "tab2_region_koen.csv": both_hidden}))
    assert [r.verdict for r in files.values()] == [Verdict.PASS, Verdict.PASS]


def test_totals_of_another_population_are_no_margin(tmp_path: Path) -> None:
    # the regional totals of another year: the fully published rows do not add up to them
    other_year = BY_REGION.replace("412", "415").replace("198", "190").replace("61", "64")
    files = _scan(_folder(tmp_path / "levering", {"tab1_region_2021.csv": other_year,
                                                  "tab2_region_koen.csv": BY_REGION_SEX}))
    assert [r.verdict for r in files.values()] == [Verdict.PASS, Verdict.PASS]


def test_two_versions_with_different_suppression_give_each_other_away(tmp_path: Path) -> None:
    # each version hides a rectangle of four cells (safe alone: every hidden cell can be 0..4 or more);
    # the second publishes Odder, which the first hides, and with it Samsø's men (1) follow from the totals
    head, tail = "Kommune;Mænd;Kvinder;I alt\nAarhus;120;131;251\n", "Samsø;x;x;4\nI alt;175;187;362\n"
    v1 = head + "Odder;x;x;29\nSkanderborg;40;38;78\n" + tail
    v2 = head + "Odder;14;15;29\nSkanderborg;x;x;78\n" + tail
    alone = _scan(_folder(tmp_path / "alone", {"v1.csv": v1}))
    assert alone["v1.csv"].verdict is Verdict.PASS
    files = _scan(_folder(tmp_path / "levering", {"v1.csv": v1, "v2.csv": v2}))
    assert files["v1.csv"].verdict is Verdict.FAIL
    assert any("v2.csv" in m and "recomputed exactly" in m for m in _tab004(files["v1.csv"]))
    # the same suppression pattern twice gives nothing away
    same = _scan(_folder(tmp_path / "same", {"v1.csv": v1, "v1_kopi.csv": v1}))
    assert [r.verdict for r in same.values()] == [Verdict.PASS, Verdict.PASS]


def test_a_workbook_of_totals_beside_a_csv_of_details(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "levering", {"tab2_region_koen.csv": BY_REGION_SEX})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Totaler"
    ws.append(["Befolkning efter region, 2022"])
    ws.append([])
    ws.append(["Region", "Antal"])
    for line in BY_REGION.splitlines()[1:]:
        name, n = line.split(";")
        ws.append([name, int(n)])
    wb.save(folder / "totaler.xlsx")
    files = _scan(folder)
    assert files["totaler.xlsx"].verdict is Verdict.PASS
    assert files["tab2_region_koen.csv"].verdict is Verdict.FAIL
    assert any("totaler.xlsx" in m for m in _tab004(files["tab2_region_koen.csv"]))


def test_a_suppressed_cell_in_a_workbook_given_away_by_a_csv(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "levering", {"tab1_region.csv": BY_REGION})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Køn"
    for line in BY_REGION_SEX.splitlines():
        ws.append([c if not c.isdigit() else int(c) for c in line.split(";")])
    wb.save(folder / "tabeller.xlsx")
    files = _scan(folder)
    book = files["tabeller.xlsx"]
    assert book.verdict is Verdict.FAIL
    (finding,) = [f for f in book.findings if f.rule == "TAB004"]
    assert finding.location.sheet == "Køn" and "tab1_region.csv" in finding.message


def test_ignoring_tab004_skips_the_delivery_pass(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "levering", {"tab1_region.csv": BY_REGION, "tab2_region_koen.csv": BY_REGION_SEX})
    result = api.scan([folder], load_config(ignore=["TAB004"]), jobs=1)
    assert all(r.verdict is Verdict.PASS for r in result.files)


def _t(names: list[str], rows: list[str]) -> TextTable:
    return TextTable(names, [r.split(";") for r in rows], 2, "csv")


def test_a_twin_needs_agreeing_numbers() -> None:
    hides = _t(["Kommune", "Mænd", "Kvinder"], ["Aarhus;120;131", "Odder;x;15", "Samsø;2;x"])
    shows = _t(["Kommune", "Kvinder", "Mænd"], ["Samsø;2;2", "Aarhus;131;120", "Odder;15;14"])
    ((k, src, filled),) = filled_from_twin([hides, shows])
    assert (k, src) == (0, 1)
    assert filled.rows == [["Aarhus", "120", "131"], ["Odder", "14", "15"], ["Samsø", "2", "2"]]
    # another year's table: a published cell differs, so it is no twin
    other = _t(["Kommune", "Mænd", "Kvinder"], ["Aarhus;121;131", "Odder;14;15", "Samsø;2;2"])
    assert filled_from_twin([hides, other]) == []
    # one agreeing cell is not enough evidence
    thin = _t(["Kommune", "Mænd", "Kvinder"], ["Odder;14;15", "Samsø;3;1"])
    assert filled_from_twin([hides, thin]) == []


def test_a_table_is_never_its_own_link() -> None:
    t = _t(["Region", "Mænd", "Kvinder", "I alt"], ["Nord;..;59;61", "Syd;97;101;198"])
    assert linked_tables([t]) == []


def test_a_file_that_fails_on_its_own_gives_nothing_away(tmp_path: Path) -> None:
    # the first, unsafe version (the 2 printed) beside the suppressed one: the first does not leave, so it
    # does not undo the second's suppression
    shown = BY_REGION_SEX.replace("..;59", "2;59")
    files = _scan(_folder(tmp_path / "levering", {"tab2_region_koen.csv": BY_REGION_SEX,
                                                  "tab2_region_koen_v0.csv": shown, "tab1_region.csv": BY_REGION}))
    assert files["tab2_region_koen_v0.csv"].verdict is Verdict.FAIL
    # the totals still give it away: that finding names the totals, never the failed file
    (message,) = _tab004(files["tab2_region_koen.csv"])
    assert "tab1_region.csv" in message and "v0" not in message
    files = _scan(_folder(tmp_path / "two", {"tab2_region_koen.csv": BY_REGION_SEX, "tab2_region_koen_v0.csv": shown}))
    assert files["tab2_region_koen.csv"].verdict is Verdict.PASS


MEN = "Län;Data/IT;Vård\nStockholm;120;40\nGotland;9;5\nSkåne;80;33\n"
WOMEN = "Län;Data/IT;Vård\nStockholm;60;140\nGotland;..;12\nSkåne;41;90\n"
TOTAL = "Län;Data/IT;Vård\nStockholm;180;180\nGotland;11;17\nSkåne;121;123\n"


def test_files_per_sex_beside_the_total_file(tmp_path: Path) -> None:
    # Gotland's women in Data/IT: 11 - 9 = 2
    files = _scan(_folder(tmp_path / "levering", {"man.csv": MEN, "kvinnor.csv": WOMEN, "totalt.csv": TOTAL}))
    assert files["man.csv"].verdict is files["totalt.csv"].verdict is Verdict.PASS
    (finding,) = [f for f in files["kvinnor.csv"].findings if f.rule == "TAB004"]
    assert finding.location.row == 2 and finding.location.column == "Data/IT"
    assert "add up to the table of 'totalt.csv'" in finding.message
    # the men's cell suppressed too: the two hidden cells share the total, nothing is pinned
    both = MEN.replace("Gotland;9;5", "Gotland;..;5")
    files = _scan(_folder(tmp_path / "twin", {"man.csv": both, "kvinnor.csv": WOMEN, "totalt.csv": TOTAL}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_sheets_per_sex_beside_the_total_sheet(tmp_path: Path) -> None:
    def book(path: Path, men: str) -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, text in (("Män", men), ("Kvinnor", WOMEN), ("Totalt", TOTAL)):
            ws = wb.create_sheet(title)
            for line in text.splitlines():
                ws.append([int(c) if c.isdigit() else c for c in line.split(";")])
        wb.save(path)
        return path

    (result,) = api.scan([book(tmp_path / "yh.xlsx", MEN)], load_config(), jobs=1).files
    (finding,) = [f for f in result.findings if f.rule == "TAB004"]
    assert finding.location.sheet == "Kvinnor" and "add up to sheet 'Totalt'" in finding.message
    hidden_too = MEN.replace("Gotland;9;5", "Gotland;..;5")
    (result,) = api.scan([book(tmp_path / "yh2.xlsx", hidden_too)], load_config(), jobs=1).files
    assert result.verdict is Verdict.PASS, [f.message for f in result.findings]


def test_tables_of_other_years_are_no_parts_of_a_sum() -> None:
    from scanner.loaders.texttables import stacked_tables

    years = [_t(["Län", "Data/IT"], rows) for rows in (["Stockholm;120", "Gotland;9", "Skåne;80"],
                                                        ["Stockholm;125", "Gotland;..", "Skåne;77"],
                                                        ["Stockholm;131", "Gotland;11", "Skåne;85"])]
    assert stacked_tables(years, ["2021", "2022", "2023"]) == []
