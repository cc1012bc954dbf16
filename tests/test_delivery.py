"""scanner.delivery: a suppressed cell that another file of the same folder gives away.

Each delivery is a folder of small tables written as a researcher exports them (CSV with ';', a workbook
by openpyxl), scanned with ``api.scan`` as ``sdcscan scan FOLDER`` does. The unsafe folders have a safe
twin that differs only in what makes them unsafe: consistent suppression, or tables of another year.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

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


def _completes(r: api.FileResult, other: str) -> None:
    """The other file of a pair: safe alone, held for a person (review) because its numbers complete a cell of
    ``other``; its finding names that file and says no more than the cell's own finding there."""
    assert r.verdict is Verdict.REVIEW, r.findings
    found = [f for f in r.findings if f.location.cell and f.location.cell[0][0] == "completes"]
    assert found and all(f.location.row is None for f in found)
    assert any(f"complete a cell of '{other}'" in f.message for f in found), [f.message for f in found]


def _tab004(r: api.FileResult) -> list[str]:
    return [f.message for f in r.findings if f.rule == "TAB004"]


def test_a_total_in_another_file_recomputes_a_suppressed_cell(tmp_path: Path) -> None:
    files = _scan(_folder(tmp_path / "levering", {"tab1_region.csv": BY_REGION, "tab2_region_koen.csv": BY_REGION_SEX}))
    _completes(files["tab1_region.csv"], "tab2_region_koen.csv")
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
    _completes(files["totaler.xlsx"], "tab2_region_koen.csv")
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


def test_labels_that_name_one_area_differently_are_linked(tmp_path: Path) -> None:
    # "1081 Nordjylland" and "Region Nordjylland" name one region (a code, the kind of area)
    coded = BY_REGION.replace("Hovedstaden", "1084 Hovedstaden").replace("Nordjylland", "1081 Nordjylland")
    named = BY_REGION_SEX.replace("\nNordjylland", "\nRegion Nordjylland")
    files = _scan(_folder(tmp_path / "levering", {"tab1_region.csv": coded, "tab2_region_koen.csv": named}))
    assert files["tab2_region_koen.csv"].verdict is Verdict.FAIL


def test_a_long_table_of_counts_gives_the_totals_of_a_wide_one(tmp_path: Path) -> None:
    long = ("koen,region,antal\nKvinder,Hovedstaden,212\nKvinder,Sjælland,101\nKvinder,Nordjylland,59\n"
            "Mænd,Hovedstaden,200\nMænd,Sjælland,97\nMænd,Nordjylland,2\n")
    wide = "region;0-39 år;40+ år\nHovedstaden;300;112\nSjælland;150;48\nNordjylland;60;x\n"
    files = _scan(_folder(tmp_path / "levering", {"koen_region.csv": long, "region_alder.csv": wide}))
    # the long file's own 2 fails it, so it gives nothing away; fixed, its totals pin the 40+ cell (62 - 60)
    assert files["koen_region.csv"].verdict is Verdict.FAIL
    fixed = long.replace("Mænd,Nordjylland,2", "Mænd,Nordjylland,3")
    files = _scan(_folder(tmp_path / "fixed", {"koen_region.csv": fixed, "region_alder.csv": wide}))
    _completes(files["koen_region.csv"], "region_alder.csv")
    (message,) = _tab004(files["region_alder.csv"])
    assert "koen_region.csv" in message


def test_a_row_of_totals_in_a_workbook_and_the_wrong_margin_first(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "levering", {
        # a table of a subgroup whose total row has the same columns: no margin of the other (it does not add up)
        "bmi.csv": "BMI;Mænd;Kvinder;I alt\nUndervægt;x;x;11\nNormal;31;121;152\nI alt;101;299;400\n",
        "landsdel_koen.csv": "Landsdel;Mænd;Kvinder\nByen København;312;198\nBornholm;4;<3\nNordjylland;647;429\n",
    })
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Køn"
    ws.append([None, "Mænd", "Kvinder", "I alt"])
    ws.append(["Antal patienter", 963, 628, 1591])
    ws.append(["Gns. alder ved diagnose (år)", 44.7, 41.2, 43.4])
    wb.save(folder / "noegletal.xlsx")
    files = _scan(folder)
    assert files["bmi.csv"].verdict is Verdict.PASS
    _completes(files["noegletal.xlsx"], "landsdel_koen.csv")
    (message,) = _tab004(files["landsdel_koen.csv"])  # Bornholm's women: 628 - 198 - 429 = 1
    assert "noegletal.xlsx" in message


def test_classes_cut_at_other_bounds_give_a_small_count_by_subtraction(tmp_path: Path) -> None:
    a = "Kommune,18-29 år,30-49 år,50-67 år,I alt\nTrondheim,950,2871,5120,8941\nSteinkjer,93,388,904,1385\n" \
        "Røros,9,41,118,168\n"
    b = "Kommune,18-24 år,25-49 år,50-67 år,I alt\nTrondheim,412,3409,5120,8941\nSteinkjer,41,440,904,1385\n" \
        "Røros,7,43,118,168\n"
    files = _scan(_folder(tmp_path / "levering", {"tabell2a.csv": a, "tabell2b.csv": b}))
    _completes(files["tabell2a.csv"], "tabell2b.csv")
    (finding,) = [f for f in files["tabell2b.csv"].findings if f.rule == "TAB001"]
    assert finding.location.row == 3 and "25-29" in finding.message and "tabell2a.csv" in finding.message
    # Røros 25-29 is 12: no small count, nothing to report
    safe = b.replace("Røros,7,43", "Røros,7,33").replace("Røros,9,41,118,168", "Røros,19,31,118,168")
    files = _scan(_folder(tmp_path / "safe", {"tabell2a.csv": a.replace("Røros,9,41", "Røros,19,31"),
                                              "tabell2b.csv": safe}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_a_chapter_code_after_a_column_name_is_no_statistic() -> None:
    from scanner.names import statistic_kind

    assert statistic_kind("Mielenterveyden häiriöt (F)") is None
    assert statistic_kind("Neoplasms (C00-D48)") is None
    assert statistic_kind("F value") == "estimate"


def test_sheets_with_classes_cut_at_other_bounds(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, head, rows in (("Tabel 1", ["Region", "0-29 år", "30+ år"], [["Hovedstaden", 150, 88],
                                                                            ["Nordjylland", 29, 9]]),
                              ("Tabel 2", ["Region", "0-29 år", "30-49 år", "50+ år"],
                               [["Hovedstaden", 150, 61, 27], ["Nordjylland", 29, 7, "x"]])):
        ws = wb.create_sheet(title)
        ws.append(head)
        for r in rows:
            ws.append(r)
    wb.save(tmp_path / "t1d.xlsx")
    (result,) = api.scan([tmp_path / "t1d.xlsx"], load_config(), jobs=1).files
    (finding,) = [f for f in result.findings if f.rule == "TAB001"]  # Nordjylland 50+ = 9 - 7
    assert finding.location.sheet == "Tabel 2" and "cuts the classes at other bounds" in finding.message


def test_shares_in_one_file_and_the_sizes_in_another(tmp_path: Path) -> None:
    shares = ("Region;Grundskole %;Gymnasial %;Erhvervsfaglig %;Videregående %\n"
              "Region Hovedstaden;48,8;15,2;19,2;16,8\nRegion Sjælland;54,0;12,7;23,8;9,5\n"
              "Region Syddanmark;50,6;14,1;22,4;12,9\n"
              "Region Nordjylland;57,4;14,9;23,4;..\n")
    sizes = "Region;Antal personer (N)\nRegion Hovedstaden;125\nRegion Sjælland;63\nRegion Syddanmark;85\n" \
            "Region Nordjylland;47\n"
    files = _scan(_folder(tmp_path / "levering", {"procent.csv": shares, "antal.csv": sizes}))
    _completes(files["antal.csv"], "procent.csv")
    (finding,) = [f for f in files["procent.csv"].findings if f.rule == "TAB001"]
    assert finding.location.row == 4 and "antal.csv" in finding.message


def test_a_grand_total_in_another_file_completes_a_one_way_table(tmp_path: Path) -> None:
    causes = ("Underliggende dødsårsak;Antall dødsfall\nYtre årsaker;142\nSvulster;21\nSykdommer i nervesystemet;11\n"
              "Sykdommer i åndedrettsorganene;:\nAndre og ukjente årsaker;28\n")
    key_figures = "Nøkkeltall;Verdi\nPeriode;2010–2022\nAntall dødsfall i alt;204\nAndel menn (%);73,5\n"
    files = _scan(_folder(tmp_path / "levering", {"dodsarsak.csv": causes, "nokkeltall.csv": key_figures}))
    assert files["nokkeltall.csv"].verdict is not Verdict.FAIL  # (its period "2010–2022" is for a person)
    (message,) = _tab004(files["dodsarsak.csv"])  # 204 - 202 = 2
    assert "nokkeltall.csv" in message
    # a total of shares is no grand total of counts; nor is a total of other units (a difference of 20)
    shares = "Dødsårsak;Andel (%)\nYtre årsaker;69,6\nAndre;30,4\nTotalt;100\n"
    other = key_figures.replace("204", "222")
    files = _scan(_folder(tmp_path / "safe", {"dodsarsak.csv": causes, "andel.csv": shares, "nokkeltall.csv": other}))
    assert files["dodsarsak.csv"].verdict is files["andel.csv"].verdict is Verdict.PASS


def test_classes_down_the_rows_cut_at_other_bounds(tmp_path: Path) -> None:
    a = "Alder;Mænd;Kvinder\n18-29;40;38\n30-74;300;310\n75+;5;9\n"
    b = "Alder;Mænd;Kvinder\n18-24;20;19\n25-79;322;331\n80+;3;7\n"  # 75-79: 5 - 3 = 2 men, 9 - 7 = 2 women
    files = _scan(_folder(tmp_path / "levering", {"a.csv": a, "b.csv": b}))
    _completes(files["a.csv"], "b.csv")
    found = [f for f in files["b.csv"].findings if f.rule == "TAB001"]
    assert len(found) == 2 and all(f.location.row is None and "75-79" in f.message for f in found)
    # nobody is 75-79 in the second table's cut (5 - 5, 9 - 9): a zero, which is allowed
    safe = "Alder;Mænd;Kvinder\n18-24;20;19\n25-79;320;329\n80+;5;9\n"
    files = _scan(_folder(tmp_path / "safe", {"a.csv": a, "b.csv": safe}))
    assert files["a.csv"].verdict is files["b.csv"].verdict is Verdict.PASS


def test_a_row_of_another_table_that_is_this_tables_total(tmp_path: Path) -> None:
    # the county's row in a table by county is the total of the table of its municipalities: Berg 84 - 83 = 1
    municipalities = ("Kommun;Män;Kvinnor\nRagunda;12;9\nBräcke;15;8\nKrokom;40;21\nBerg;4;..\nÅre;35;17\n"
                      "Östersund;57;28\n")
    counties = "Län;Män;Kvinnor\nVästernorrlands län;301;155\nJämtlands län;163;84\nGävleborgs län;412;230\n"
    files = _scan(_folder(tmp_path / "levering", {"kommun.csv": municipalities, "lan.csv": counties}))
    _completes(files["lan.csv"], "kommun.csv")
    (message,) = _tab004(files["kommun.csv"])
    assert "lan.csv" in message
    # a one-row totals file, its sexes named in English
    files = _scan(_folder(tmp_path / "one", {"kommun.csv": municipalities,
                                              "totals.csv": "Area;Men;Women\nJämtland;163;84\n"}))
    assert files["kommun.csv"].verdict is Verdict.FAIL
    # the county row of another year: no row of the other table is this table's total
    other = counties.replace("163;84", "170;80")
    files = _scan(_folder(tmp_path / "year", {"kommun.csv": municipalities, "lan.csv": other}))
    assert files["kommun.csv"].verdict is Verdict.PASS


def test_r_cut_intervals_are_classes() -> None:
    from scanner.loaders.texttables import _band

    assert _band("[10,20)") == (10, 19) and _band("(10,20]") == (11, 20) and _band("18-24 år") == (18, 24)


def test_a_total_in_the_notes_to_the_checker(tmp_path: Path) -> None:
    note = ("# Noter til outputkontrollen\n\nTotaler for tabel 2:\n\n| Region | Antal |\n|---|---|\n"
            "| Hovedstaden | 412 |\n| Sjælland | 198 |\n| Syddanmark | 305 |\n| Midtjylland | 276 |\n"
            "| Nordjylland | 61 |\n")
    files = _scan(_folder(tmp_path / "levering", {"README.md": note, "tab2_region_koen.csv": BY_REGION_SEX}))
    _completes(files["README.md"], "tab2_region_koen.csv")
    (message,) = _tab004(files["tab2_region_koen.csv"])
    assert "README.md" in message
    # the note alone beside its safe table: nothing hidden, nothing linked
    files = _scan(_folder(tmp_path / "safe", {"README.md": note,
                                              "tab2_region_koen.csv": BY_REGION_SEX.replace("..;59", "..;..")}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_a_reports_table_that_hides_what_another_report_shows(tmp_path: Path) -> None:
    # the article's LaTeX table hides Ristijärvi's men and women (total 9); the appendix in markdown shows the
    # men (7): the women are 2, whichever file is read first
    tex = ("\\begin{tabular}{lrrr}\nKunta & Miehet & Naiset & Yhteensä \\\\\n\\hline\n"
           "Kajaani & 412 & 398 & 810 \\\\\nKuhmo & 51 & 47 & 98 \\\\\nSotkamo & 120 & 108 & 228 \\\\\n"
           "Ristijärvi & .. & .. & 9 \\\\\n\\end{tabular}\n")
    md = ("| Kunta | Miehet | Naiset | Yhteensä |\n|---|---:|---:|---:|\n| Kajaani | 412 | 398 | 810 |\n"
          "| Kuhmo | 51 | 47 | 98 |\n| Sotkamo | 120 | 108 | 228 |\n| Ristijärvi | 7 | .. | .. |\n")
    files = _scan(_folder(tmp_path / "toimitus", {"taulukko1.tex": tex, "liitetaulukko1.md": md}))
    assert Verdict.FAIL in {files["taulukko1.tex"].verdict, files["liitetaulukko1.md"].verdict}
    assert Verdict.PASS not in {files["taulukko1.tex"].verdict, files["liitetaulukko1.md"].verdict}
    # each alone suppresses consistently
    for name, text in (("taulukko1.tex", tex), ("liitetaulukko1.md", md)):
        assert _scan(_folder(tmp_path / name.split(".")[0], {name: text}))[name].verdict is Verdict.PASS


def test_a_twin_in_another_language_is_matched_by_place() -> None:
    # The Swedish and the Finnish export of one table: municipality names and headers translated, other
    # cells suppressed. Together they give Puolanka's men away (105 - 103 = 2).
    sv = _t(["Kommun", "Män", "Kvinnor"], ["Kajana;61;58", "Sotkamo;14;12", "Kuhmo;9;7", "Suomussalmi;..;6",
                                           "Paltamo;5;4", "Puolanka;..;3", "Kajanaland totalt;105;94"])
    fi = _t(["Kunta", "Miehet", "Naiset"], ["Kajaani;61;58", "Sotkamo;14;12", "Kuhmo;..;7", "Suomussalmi;8;6",
                                            "Paltamo;5;4", "Puolanka;..;3", "Kainuu yhteensä;105;94"])
    found = {(k, src): filled for k, src, filled in filled_from_twin([sv, fi])}
    assert found[(0, 1)].rows[3] == ["Suomussalmi", "8", "6"]
    assert found[(1, 0)].rows[2] == ["Kuhmo", "9", "7"]
    # another year's table of the same municipalities: the numbers differ, so it is no twin
    other = _t(["Kunta", "Miehet", "Naiset"], ["Kajaani;60;58", "Sotkamo;14;12", "Kuhmo;..;7", "Suomussalmi;8;6",
                                               "Paltamo;5;4", "Puolanka;..;3", "Kainuu yhteensä;104;94"])
    assert filled_from_twin([sv, other]) == []
    # rows in other places are matched by their labels only (Kajaani is then no row of the Swedish table)
    moved = _t(["Kunta", "Miehet", "Naiset"], ["Sotkamo;14;12", "Kuhmo;..;7", "Suomussalmi;8;6", "Paltamo;5;4",
                                               "Puolanka;..;3", "Kajaani;61;58", "Kainuu yhteensä;105;94"])
    ((k, src, filled),) = filled_from_twin([sv, moved])[:1]
    assert (k, src) == (0, 1) and filled.rows[0] == ["Kajana", "61", "58"] and filled.rows[3][1] == "8"


def test_shares_beside_their_groups_sizes_give_counts() -> None:
    from scanner.loaders.texttables import sized_shares

    pct = _t(["Årsag", "Bispebjerg", "Amager", "Bornholm"],
             ["Luksation;32,3;32,3;34,8", "Infektion;22,9;23,4;26,1", "Aseptisk løsning;19,8;21,8;17,4",
              "Fraktur;12,5;11,3;8,7", "Andet;12,5;11,3;13,0"])
    sizes = _t(["Hospital", "Primære operationer", "Reoperationer", "Reoperationer pr. 100 operationer"],
               ["Bispebjerg;1820;96;5,3", "Amager;2410;124;5,1", "Bornholm;272;23;8,5"])
    ((found),) = sized_shares([pct, sizes])
    assert (found.k, found.source, found.by_column) == (0, 1, True)
    # the reoperations explain every share (8.7 % of 23 is 2), the operations do not (8.7 % of 272 is 23.7)
    assert found.table.names == ["Hospital", "Luksation", "Infektion", "Aseptisk løsning", "Fraktur", "Andet", "N"]
    assert found.table.rows[2] == ["Bornholm", "34,8", "26,1", "17,4", "8,7", "13,0", "23"]
    assert found.origin == (1, 2, 3) and found.columns == (0, 1, 2, 3, 4)
    # sizes of thousands explain any share: no evidence that they are the groups' sizes
    big = _t(["Hospital", "Operationer"], ["Bispebjerg;1820", "Amager;2410", "Bornholm;2720"])
    assert sized_shares([pct, big]) == []
    # shares that do not add up to 100 are no shares of one group
    rates = _t(["Årsag", "Bispebjerg", "Amager", "Bornholm"], ["Luksation;3,3;3,3;3,8", "Infektion;2,9;2,4;2,1"])
    assert sized_shares([rates, sizes]) == []


CAUSES_PCT = ("Årsag til reoperation;Bispebjerg;Amager;Herlev;Bornholm\nLuksation;32,3;32,3;31,2;34,8\n"
              "Infektion;22,9;23,4;24,8;26,1\nAseptisk løsning;19,8;21,8;22,0;17,4\nFraktur;12,5;11,3;11,3;8,7\n"
              "Andet;12,5;11,3;10,6;13,0\n")
REOPERATIONS = ("Hospital;Operationer;Reoperationer\nBispebjerg;1820;96\nAmager;2410;124\nHerlev;2236;141\n"
                "Bornholm;272;23\n")


def test_shares_of_a_small_group_whose_size_another_file_gives_fail(tmp_path: Path) -> None:
    files = _scan(_folder(tmp_path / "udlevering", {"aarsag_pct.csv": CAUSES_PCT, "antal.csv": REOPERATIONS}))
    _completes(files["antal.csv"], "aarsag_pct.csv")
    shares = files["aarsag_pct.csv"]
    assert shares.verdict is Verdict.FAIL
    (finding,) = [f for f in shares.findings if f.rule == "TAB001"]
    assert (finding.location.row, finding.location.column) == (4, "Bornholm") and "antal.csv" in finding.message
    # the safe twin: Bornholm's group is large enough (8.7 % of 230 is 20)
    safe = REOPERATIONS.replace("272;23", "2720;230")
    files = _scan(_folder(tmp_path / "safe", {"aarsag_pct.csv": CAUSES_PCT, "antal.csv": safe}))
    assert files["aarsag_pct.csv"].verdict is Verdict.PASS


ALL_HOSPITALS = ("Udfald;<65 år;65-74 år;75-84 år;85+ år\nAntal operationer;2677;4104;3414;1110\n"
                 "Luksation;54;87;73;29\nDyb infektion;37;51;43;15\nDød inden 90 dage;3;14;47;74\n")
WITHOUT_BORNHOLM = ("Udfald;<65 år;65-74 år;75-84 år;85+ år\nAntal operationer;2616;4006;3330;1081\n"
                    "Luksation;53;85;72;29\nDyb infektion;37;50;41;15\nDød inden 90 dage;3;14;46;72\n")


def test_a_table_without_one_group_beside_the_table_with_it_gives_the_group_away(tmp_path: Path) -> None:
    files = _scan(_folder(tmp_path / "udlevering", {"komplikationer_alle.csv": ALL_HOSPITALS,
                                                     "komplikationer_ekskl_bornholm.csv": WITHOUT_BORNHOLM}))
    _completes(files["komplikationer_alle.csv"], "komplikationer_ekskl_bornholm.csv")
    excl = files["komplikationer_ekskl_bornholm.csv"]
    assert excl.verdict is Verdict.FAIL
    assert {f.location.row for f in excl.findings if f.rule == "TAB001"} == {2, 3, 4}
    # the same two tables without a word that one leaves a group out (another year, say): nothing linked
    files = _scan(_folder(tmp_path / "years", {"komplikationer_2023.csv": ALL_HOSPITALS,
                                                "komplikationer_2022.csv": WITHOUT_BORNHOLM}))
    assert all(r.verdict is Verdict.PASS for r in files.values())
    # a group of at least 3 in every cell: safe
    big = ("Udfald;<65 år;65-74 år;75-84 år;85+ år\nAntal operationer;2577;4004;3314;1010\n"
           "Luksation;44;77;63;19\nDyb infektion;27;41;33;5\nDød inden 90 dage;0;4;37;64\n")
    files = _scan(_folder(tmp_path / "safe", {"komplikationer_alle.csv": ALL_HOSPITALS,
                                               "komplikationer_ekskl_bornholm.csv": big}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def _table_one_beside_regions(path: Path, women_mid: object) -> None:
    wb = openpyxl.Workbook()
    one = wb.active
    one.title = "Tabel 1"
    for row in (["Tabel 1. Karakteristika ved diagnose", None], [None, None], [None, "n (%) / median (IQR)"],
                ["Antal patienter", "71"], ["Køn", None], ["   Mænd", "45 (63,4)"], ["   Kvinder", "26 (36,6)"],
                ["Alder ved diagnose, median (IQR)", "25 (22-28)"], ["Diabetes", "8 (11,3)"]):
        one.append(row)
    two = wb.create_sheet("Tabel 2")
    for row in (["Tabel 2. Patienter efter region og køn", None, None], [None, None, None],
                ["Region", "Mænd", "Kvinder"], ["Region Hovedstaden", 14, 9], ["Region Sjælland", 6, 4],
                ["Region Syddanmark", 9, 5], ["Region Midtjylland", 11, women_mid], ["Region Nordjylland", 5, "<3"]):
        two.append(row)
    wb.save(path)


def test_a_descriptive_tables_counts_are_margins_of_another_sheet(tmp_path: Path) -> None:
    # 'Kvinder 26 (36,6)' in Table 1 is the total of Table 2's women: Nordjylland's '<3' is 26 - 24 = 2
    _table_one_beside_regions(tmp_path / "unsafe.xlsx", 6)
    (result,) = api.scan([tmp_path / "unsafe.xlsx"], load_config(), jobs=1).files
    assert result.verdict is Verdict.FAIL and _tab004(result)
    # the safe twin also hides Midtjylland's women: 26 - 18 = 8 is shared by two hidden cells
    (tmp_path / "safe").mkdir()
    _table_one_beside_regions(tmp_path / "safe" / "safe.xlsx", "x")
    (result,) = api.scan([tmp_path / "safe" / "safe.xlsx"], load_config(), jobs=1).files
    assert result.verdict is Verdict.PASS, [f.message for f in result.findings]


def test_counts_in_a_sentence_are_the_totals_of_a_table(tmp_path: Path) -> None:
    note = "Blandt de 501 amputationer i perioden var 350 hos mænd og 151 hos kvinder.\n"
    table = ("Aldersgruppe;Mænd;Kvinder\n18-49 år;22;<3\n50-59 år;58;14\n60-69 år;104;38\n70-79 år;112;52\n"
             "80+ år;54;45\n")
    files = _scan(_folder(tmp_path / "levering", {"notat.txt": note, "tab3.csv": table}))
    assert files["notat.txt"].verdict is Verdict.PASS
    assert files["tab3.csv"].verdict is Verdict.FAIL and "notat.txt" in _tab004(files["tab3.csv"])[0]
    # the safe twin hides two of the women's cells: the sentence's total leaves 16 for the two
    files = _scan(_folder(tmp_path / "safe", {"notat.txt": note, "tab3.csv": table.replace(";14\n", ";x\n")}))
    assert files["tab3.csv"].verdict is Verdict.PASS
    # a sentence of other units (a year, a median) gives no total
    other = "I 2020 var medianalderen 68 år for mænd og 74 år for kvinder.\n"
    files = _scan(_folder(tmp_path / "other", {"notat.txt": other, "tab3.csv": table}))
    assert files["tab3.csv"].verdict is Verdict.PASS


def test_prose_counts() -> None:
    from scanner.loaders.texttables import prose_margins

    (table,) = prose_margins(["Blandt de 501 amputationer var 350 hos mænd og 151 hos kvinder. Mænd var yngre."])
    assert table.rows == [["amputationer", "501"], ["men", "350"], ["women", "151"]]
    (table,) = prose_margins(["Kvinder (n = 1 204) og mænd (n=998) indgik; 12,5 % var over 80 år i 2021."])
    assert table.rows == [["women", "1 204"], ["men", "998"]]
    assert prose_margins(["Andelen var 12,5 % blandt kvinder og 8,1 % blandt mænd i 2019 og 2020."]) == []


def test_a_reports_sentence_gives_the_total_of_its_own_table(tmp_path: Path) -> None:
    from tests.doc_samples import make_docx, w_par, w_table

    rows = [["Aldersgruppe", "Mænd", "Kvinder"], ["18-49 år", "22", "<3"], ["50-59 år", "58", "14"],
            ["60-69 år", "104", "38"], ["70-79 år", "112", "52"], ["80+ år", "54", "45"]]
    text = "Blandt de 501 amputationer i perioden var 350 hos mænd og 151 hos kvinder."
    make_docx(tmp_path / "rapport.docx", w_par(text) + w_table(rows))
    make_docx(tmp_path / "uden_tal.docx", w_par("Amputationer efter alder og køn.") + w_table(rows))
    files = _scan(tmp_path)
    assert files["rapport.docx"].verdict is Verdict.FAIL and _tab004(files["rapport.docx"])
    # the same table in another report of the delivery: the first report's sentence pins its "<3" too
    assert files["uden_tal.docx"].verdict is Verdict.FAIL
    assert any("rapport.docx" in m for m in _tab004(files["uden_tal.docx"]))
    alone = tmp_path / "alone"
    alone.mkdir()
    (tmp_path / "uden_tal.docx").rename(alone / "uden_tal.docx")
    assert _scan(alone)["uden_tal.docx"].verdict is Verdict.PASS


def _bar_chart_svg(categories: list[str], values: list[int]) -> str:
    """A bar chart as a plotting library writes it: the category labels, the axis ticks, the axis title,
    the values on the bars, the title."""
    texts = [*categories, "0", "50", "100", "150", "200", "Antal tilskadekomne", *map(str, values), "Figur 2"]
    body = "".join(f'<text x="{10 + 5 * k}" y="20">{t}</text>' for k, t in enumerate(texts))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">{body}</svg>'


def test_the_values_on_a_charts_bars_are_totals_of_a_table(tmp_path: Path) -> None:
    table = "Region;Fodgænger;Cykel;Knallert\nHovedstaden;21;38;29\nSjælland;64;121;88\nBornholm;7;15;..\n"
    chart = _bar_chart_svg(["Hovedstaden", "Sjælland", "Bornholm"], [88, 273, 24])
    files = _scan(_folder(tmp_path / "levering", {"tabel.csv": table, "figur.svg": chart}))
    assert files["figur.svg"].verdict is Verdict.PASS
    assert files["tabel.csv"].verdict is Verdict.FAIL and "figur.svg" in _tab004(files["tabel.csv"])[0]
    # the chart of another year: its values do not add up with the published cells, so they pin nothing
    other = _bar_chart_svg(["Hovedstaden", "Sjælland", "Bornholm"], [90, 270, 24])
    files = _scan(_folder(tmp_path / "other", {"tabel.csv": table, "figur.svg": other}))
    assert files["tabel.csv"].verdict is Verdict.PASS


def test_figure_margins_skip_the_axis() -> None:
    from scanner.loaders.texttables import figure_margins

    labels = ["Lappi", "Kainuu", "Savo", "0", "100", "200", "300", "Loukkaantuneet (lkm)", "149", "47", "217"]
    (table,) = figure_margins(labels)
    assert table.rows == [["Lappi", "149"], ["Kainuu", "47"], ["Savo", "217"]]
    assert figure_margins(["Lappi", "Kainuu", "Savo", "0", "100", "200", "Title"]) == []


COUNTS_BY_SIZE = ("Kommun;Kön;Barn med ADHD;Barn med guanfacin\nÖstersund;Flickor;412;39\nÖstersund;Pojkar;688;71\n"
                  "Krokom;Flickor;98;9\nKrokom;Pojkar;171;15\nRagunda;Flickor;31;<3\nRagunda;Pojkar;38;<3\n")
SHARES = ("Kommun;Kön;Andel med guanfacin (%)\nÖstersund;Flickor;9,5\nÖstersund;Pojkar;10,3\nKrokom;Flickor;9,2\n"
          "Krokom;Pojkar;8,8\nRagunda;Flickor;..\nRagunda;Pojkar;5,3\n")


def test_a_share_in_another_file_recomputes_a_hidden_count_beside_its_size(tmp_path: Path) -> None:
    files = _scan(_folder(tmp_path / "leverans", {"antal.csv": COUNTS_BY_SIZE, "andel.csv": SHARES}))
    _completes(files["andel.csv"], "antal.csv")
    counts = files["antal.csv"]
    assert counts.verdict is Verdict.FAIL
    (finding,) = [f for f in counts.findings if f.rule == "TAB001"]
    assert finding.location.row == 6 and "andel.csv" in finding.message  # Ragunda's boys: 5.3 % of 38 = 2
    # the safe twin suppresses Ragunda's shares as well
    files = _scan(_folder(tmp_path / "safe", {"antal.csv": COUNTS_BY_SIZE,
                                              "andel.csv": SHARES.replace("Pojkar;5,3", "Pojkar;..")}))
    assert all(r.verdict is Verdict.PASS for r in files.values())
    # shares of another population (they do not agree with the published counts): nothing recomputed
    files = _scan(_folder(tmp_path / "other", {"antal.csv": COUNTS_BY_SIZE,
                                               "andel.csv": SHARES.replace("9,5", "7,5").replace("10,3", "12,0")}))
    assert files["antal.csv"].verdict is Verdict.PASS


def test_the_size_of_the_study_population_in_a_readme_completes_a_one_way_table(tmp_path: Path) -> None:
    readme = ("# Baselinetabeller\n\nStudiepopulationen består af **412 deltagere** med reumatoid artritis, som alle "
              "indgår i tabellerne nedenfor.\n")
    table = ("Rygestatus;Antal\nAldrig-ryger;187\nTidligere ryger;131\nDagligryger;58\nLejlighedsvis ryger;19\n"
             "Kun e-cigaret;<3\nUoplyst;15\n")
    files = _scan(_folder(tmp_path / "kohorte", {"README.md": readme, "rygestatus.csv": table}))
    assert files["rygestatus.csv"].verdict is Verdict.FAIL and "README.md" in _tab004(files["rygestatus.csv"])[0]
    # a sentence that gives no population's size (a count of visits): no total
    visits = "# Baselinetabeller\n\nDer blev registreret 412 besøg i DANBIO i 2019.\n"
    files = _scan(_folder(tmp_path / "visits", {"README.md": visits, "rygestatus.csv": table}))
    assert files["rygestatus.csv"].verdict is Verdict.PASS


def test_sheets_of_shares_and_sizes_in_one_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    shares = wb.active
    shares.title = "Andel"
    for line in CAUSES_PCT.splitlines():
        shares.append([c if not c[:1].isdigit() else float(c.replace(",", ".")) for c in line.split(";")])
    sizes = wb.create_sheet("Antal")
    for line in REOPERATIONS.splitlines():
        sizes.append([int(c) if c.isdigit() else c for c in line.split(";")])
    excl = wb.create_sheet("Uden Bornholm")
    for line in WITHOUT_BORNHOLM.splitlines():
        excl.append([int(c) if c.isdigit() else c for c in line.split(";")])
    alle = wb.create_sheet("Alle")
    for line in ALL_HOSPITALS.splitlines():
        alle.append([int(c) if c.isdigit() else c for c in line.split(";")])
    wb.save(tmp_path / "tabeller.xlsx")
    (result,) = api.scan([tmp_path / "tabeller.xlsx"], load_config(), jobs=1).files
    assert result.verdict is Verdict.FAIL
    sheets = {(f.location.sheet, f.location.row, f.location.column) for f in result.findings if f.rule == "TAB001"}
    assert ("Andel", 5, "Bornholm") in sheets  # 8.7 % of 23
    assert {s for s, _, _ in sheets} == {"Andel", "Uden Bornholm"}


def _notebook(frame_text: str) -> str:
    import json

    cell = {"cell_type": "code", "execution_count": 3, "metadata": {},
            "source": ["emp = df.groupby('municipality')[['population', 'employed']].sum()\n", "emp"],
            "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
                         "data": {"text/plain": frame_text.splitlines(keepends=True)}}]}
    return json.dumps({"cells": [cell], "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5})


def test_a_notebooks_printed_frame_gives_a_total_another_file_hides(tmp_path: Path) -> None:
    printed = ("  municipality  population  employed  emp_rate\n0     Lycksele        6712      5480      81.6\n"
               "1   Nordmaling        3318      2702      81.4\n2      Sorsele        1148       902      78.6\n"
               "3     Storuman        2835      2281      80.5\n")
    by_birth = ("municipality;Sweden;Nordic;Europe;Asia;Rest of world\nLycksele;4850;64;88;442;36\n"
                "Nordmaling;2490;38;60;102;12\nSorsele;826;12;25;37;..\nStoruman;2075;41;52;98;15\n")
    files = _scan(_folder(tmp_path / "request", {"01_employment.ipynb": _notebook(printed),
                                                  "employment_birth.csv": by_birth}))
    assert files["employment_birth.csv"].verdict is Verdict.FAIL  # 902 - 900 = 2
    assert "01_employment.ipynb" in _tab004(files["employment_birth.csv"])[0]
    # a printed column that is no total of the table (the population) pins nothing
    other = printed.replace("5480", "5481")
    files = _scan(_folder(tmp_path / "other", {"01_employment.ipynb": _notebook(other),
                                                "employment_birth.csv": by_birth}))
    assert files["employment_birth.csv"].verdict is Verdict.PASS


def test_totals_in_thousands_to_the_person_are_margins(tmp_path: Path) -> None:
    thousands = ("næring;sysselsatte innvandrere (1 000 personer)\nA Jordbruk;0,641\nB Bergverksdrift;0,051\n"
                 "C Industri;0,726\n")
    table = "næring;Norden;EU/EØS;Øvrige land\nA Jordbruk;41;388;212\nB Bergverksdrift;:;31;18\nC Industri;27;402;297\n"
    files = _scan(_folder(tmp_path / "leveranse", {"i_1000.csv": thousands, "tab2.csv": table}))
    assert files["tab2.csv"].verdict is Verdict.FAIL  # 51 - 31 - 18 = 2
    # rounded thousands (one decimal) pin nothing
    rounded = thousands.replace("0,641", "0,6").replace("0,051", "0,1").replace("0,726", "0,7")
    files = _scan(_folder(tmp_path / "rounded", {"i_1000.csv": rounded, "tab2.csv": table}))
    assert files["tab2.csv"].verdict is Verdict.PASS


SUMS = ("Kunta;Perusaste;Toinen aste;Tutkijakoulutusaste\nHyrynsalmi;5671,4;17291,7;217,1\n"
        "Kajaani;70091,1;299398,2;7781,8\nPuolanka;6854,2;18166,2;238,7\nRistijärvi;3165,5;10381,0;116,1\n")
MEANS = ("Kunta;Perusaste;Toinen aste;Tutkijakoulutusaste\nHyrynsalmi;20255;26603;54268\nKajaani;22465;28651;55190\n"
         "Puolanka;20770;26328;79558\nRistijärvi;19784;25319;58057\n")


def test_sums_in_thousands_beside_their_means_count_the_persons(tmp_path: Path) -> None:
    # 116,1 thousand euro over a mean of 58 057 euro: Ristijärvi's researchers are 2 persons
    files = _scan(_folder(tmp_path / "toimitus", {"tulot_yhteensa.csv": SUMS, "keskitulot.csv": MEANS}))
    _completes(files["keskitulot.csv"], "tulot_yhteensa.csv")
    (finding,) = [f for f in files["tulot_yhteensa.csv"].findings if f.rule == "TAB001"]
    assert finding.location.row == 4 and "keskitulot.csv" in finding.message
    # means of another year: the ratios are no whole numbers
    other = MEANS.replace("20255", "20311").replace("58057", "57102").replace("28651", "28702")
    files = _scan(_folder(tmp_path / "other", {"tulot_yhteensa.csv": SUMS, "keskitulot.csv": other}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_two_versions_of_one_table_are_no_sums_beside_means_at_any_scale() -> None:
    # the same numbers read as thousands over themselves are 1,000 in every cell: no counts
    from scanner.loaders.texttables import find_tables, sums_and_means

    first = ("Kunta;Perusaste;Toinen aste\nHyrynsalmi;5671,4;17291,7\nKajaani;70091,1;299398,2\n"
             "Puolanka;6854,2;18166,2\n")
    second = first + "Ristijärvi;3165,5;\n"
    tables = [*find_tables(first + "Ristijärvi;3165,5;10381,0\n", 1), *find_tables(second, 1)]
    assert len(tables) == 2 and sums_and_means(tables) == []


def test_a_value_published_where_another_file_marks_the_group_too_small(tmp_path: Path) -> None:
    means = ("Næring;Menn;Kvinner\nA Jordbruk;583200;507800\nB Bergverksdrift;654700;<3\nC Industri;450200;391600\n"
             "F Bygg;558100;557200\n")
    sums = ("Næring;Menn;Kvinner\nA Jordbruk;123638;18789\nB Bergverksdrift;20296;1224\nC Industri;174678;37594\n"
            "F Bygg;340999;12258\n")
    files = _scan(_folder(tmp_path / "leveranse", {"gjennomsnitt.csv": means, "sum.csv": sums}))
    _completes(files["gjennomsnitt.csv"], "sum.csv")
    (finding,) = [f for f in files["sum.csv"].findings if f.rule == "TAB001"]
    assert finding.location.row == 2 and finding.location.column == "Kvinner" and "gjennomsnitt.csv" in finding.message
    # the safe twin suppresses the sum as well
    files = _scan(_folder(tmp_path / "safe", {"gjennomsnitt.csv": means, "sum.csv": sums.replace(";1224", ";<3")}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


CUMULATIVE_2021 = ("Region;Kumuleret antal personer med hjertesarkoidose (ultimo 2021)\nRegion Hovedstaden;214\n"
                   "Region Sjælland;97\nRegion Syddanmark;151\nRegion Midtjylland;133\nRegion Nordjylland;58\n")


@pytest.mark.parametrize(("nordjylland", "verdict"), [(60, Verdict.FAIL), (65, Verdict.PASS)])
def test_cumulative_counts_a_year_apart_give_the_years_new_cases(tmp_path: Path, nordjylland: int,
                                                                 verdict: Verdict) -> None:
    """Cumulative counts at the end of 2021 and of 2022, in two files: 60 - 58 is 2 new cases in 2022. The
    later file gives them away; the earlier alone is harmless."""
    later = (CUMULATIVE_2021.replace("2021", "2022").replace(";214", ";231").replace(";97", ";104")
             .replace(";151", ";160").replace(";133", ";141").replace(";58", f";{nordjylland}"))
    files = _scan(_folder(tmp_path / "sarkoidose", {"kumuleret_ultimo2021.csv": CUMULATIVE_2021,
                                                    "kumuleret_ultimo2022.csv": later}))
    if verdict is Verdict.FAIL:
        _completes(files["kumuleret_ultimo2021.csv"], "kumuleret_ultimo2022.csv")
    else:
        assert files["kumuleret_ultimo2021.csv"].verdict is Verdict.PASS
    assert files["kumuleret_ultimo2022.csv"].verdict is verdict, files["kumuleret_ultimo2022.csv"].findings
    if verdict is Verdict.FAIL:
        (f,) = files["kumuleret_ultimo2022.csv"].findings
        assert f.rule == "TAB001" and "Region Nordjylland" in f.message and "a year earlier" in f.message


def test_counts_a_year_apart_that_are_not_cumulative_are_not_differenced(tmp_path: Path) -> None:
    """Two years' stocks (persons living in a region) are no cumulative counts: their difference is no group."""
    stock = CUMULATIVE_2021.replace("Kumuleret antal personer med hjertesarkoidose", "Antal personer")
    later = stock.replace("2021", "2022").replace(";58", ";60")
    files = _scan(_folder(tmp_path / "bestand", {"bestand_ultimo2021.csv": stock, "bestand_ultimo2022.csv": later}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_a_file_of_one_sex_beside_the_file_of_all(tmp_path: Path) -> None:
    # "alle" minus "menn": 27 - 25 hires is 2 women; no file of women, so the difference is theirs alone
    alle = "Næring;1-4;5-9;250+\nA Jordbruk;205;171;27\nC Industri;1013;777;289\nF Bygg;1718;1347;499\n"
    menn = "Næring;1-4;5-9;250+\nA Jordbruk;160;134;25\nC Industri;770;591;220\nF Bygg;1564;1226;455\n"
    files = _scan(_folder(tmp_path / "leveranse", {"ansettelser_alle.csv": alle, "ansettelser_menn.csv": menn}))
    _completes(files["ansettelser_alle.csv"], "ansettelser_menn.csv")
    (finding,) = [f for f in files["ansettelser_menn.csv"].findings if f.rule == "TAB001"]
    assert finding.location.row == 1 and finding.location.column == "250+" and "ansettelser_alle.csv" in finding.message
    # the men's 250+ at 15: the women are 12
    files = _scan(_folder(tmp_path / "safe", {"ansettelser_alle.csv": alle,
                                               "ansettelser_menn.csv": menn.replace(";25\n", ";15\n")}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


MEN_BY_KOMMUN = "Kommun;Antal män\nBjurholm;7\nDorotea;5\nLycksele;27\nSorsele;5\nStoruman;14\n"
ALL_BY_KOMMUN = "Kommun;Antal\nBjurholm;12\nDorotea;9\nLycksele;48\nSorsele;7\nStoruman;25\n"


def test_a_file_of_one_group_beside_the_file_of_all_with_numbered_names(tmp_path: Path) -> None:
    """'tabell1_man' beside 'tabell2_totalt': the table numbers and the group in the column's name ("Antal män")
    do not hide that the difference is the women (Sorsele 7 - 5 is 2)."""
    files = _scan(_folder(tmp_path / "req", {"tabell1_man.csv": MEN_BY_KOMMUN, "tabell2_totalt.csv": ALL_BY_KOMMUN}))
    men = files["tabell1_man.csv"]
    assert men.verdict is Verdict.FAIL
    assert {f.location.row for f in men.findings if f.rule == "TAB001"} == {4}
    _completes(files["tabell2_totalt.csv"], "tabell1_man.csv")
    safe = ALL_BY_KOMMUN.replace("Sorsele;7", "Sorsele;11")
    files = _scan(_folder(tmp_path / "safe", {"tabell1_man.csv": MEN_BY_KOMMUN, "tabell2_totalt.csv": safe}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_a_file_of_an_age_band_beside_the_file_of_all_ages(tmp_path: Path) -> None:
    """Patients aged 0-17 beside patients of all ages, with a rate column beside the counts: Finnmark's adults
    are 25 - 24 = 1."""
    young = ("Fylke;Antall pasienter;Per 100 000 innbyggere\nOslo;312;44,0\nRogaland;228;45,7\n"
             "Nordland;61;28,4\nFinnmark;24;42,1\n")
    every = ("Fylke;Antall pasienter;Per 100 000 innbyggere\nOslo;401;56,6\nRogaland;290;58,1\n"
             "Nordland;88;36,9\nFinnmark;25;33,5\n")
    files = _scan(_folder(tmp_path / "req", {"tabell_0-17_aar.csv": young, "tabell_alle_aldre.csv": every}))
    assert files["tabell_0-17_aar.csv"].verdict is Verdict.FAIL
    assert {f.location.row for f in files["tabell_0-17_aar.csv"].findings if f.rule == "TAB001"} == {4}
    files = _scan(_folder(tmp_path / "safe", {"tabell_0-17_aar.csv": young,
                                               "tabell_alle_aldre.csv": every.replace("Finnmark;25", "Finnmark;31")}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def _zip(path: Path, files: dict[str, str]) -> Path:
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


def test_the_members_of_an_archive_folder_are_one_delivery(tmp_path: Path) -> None:
    # the pair of the first test, zipped in a folder of the archive beside a README: linked like files on disk
    request = _zip(tmp_path / "levering" / "udtraek_2024.zip", {
        "README.md": "Tabeller til artiklen.\n", "tabeller/tab1_region.csv": BY_REGION,
        "tabeller/tab2_region_koen.csv": BY_REGION_SEX})
    result = api.scan([request.parent], load_config(), jobs=1)
    files = {r.path.split("/", 1)[1]: r for r in result.files}  # (the path under "levering/")
    details = files["udtraek_2024.zip!tabeller/tab2_region_koen.csv"]
    assert details.verdict is Verdict.FAIL
    (finding,) = [f for f in details.findings if f.rule == "TAB004"]
    assert "tab1_region.csv" in finding.message
    assert finding.location.path.endswith("udtraek_2024.zip")
    assert finding.location.member == "tabeller/tab2_region_koen.csv"
    _completes(files["udtraek_2024.zip!tabeller/tab1_region.csv"], "tab2_region_koen.csv")
    assert files["udtraek_2024.zip"].verdict is Verdict.FAIL
    assert files["udtraek_2024.zip!README.md"].verdict is Verdict.PASS


def test_archive_members_in_other_folders_or_suppressed_consistently_are_not_linked(tmp_path: Path) -> None:
    apart = _zip(tmp_path / "a" / "apart.zip", {"2021/tab1_region.csv": BY_REGION,
                                                 "2022/tab2_region_koen.csv": BY_REGION_SEX})
    both_hidden = BY_REGION_SEX.replace("..;59", "..;..")
    fixed = _zip(tmp_path / "b" / "fixed.zip", {"tab1_region.csv": BY_REGION, "tab2_region_koen.csv": both_hidden})
    for archive in (apart, fixed):
        files = _scan(archive.parent)
        assert {r.verdict for r in files.values()} == {Verdict.PASS}, archive.name


def test_a_file_of_pupils_without_an_immigrant_background_beside_the_file_of_all(tmp_path: Path) -> None:
    # named by origin in the file name, not by sex: Troms og Finnmark 39 - 38 = 1 immigrant pupil not completing
    head = "Fylke;Elevar;Fullført;Ikkje fullført\n"
    alle = head + "Innlandet;312;221;91\nViken;284;196;88\nVestland;402;301;101\nTroms og Finnmark;152;113;39\n"
    rest = head + "Innlandet;291;209;82\nViken;248;176;72\nVestland;371;282;89\nTroms og Finnmark;143;105;38\n"
    files = _scan(_folder(tmp_path / "levering", {"tabell_alle.csv": alle, "tabell_ikkje_innvandrar.csv": rest}))
    assert files["tabell_ikkje_innvandrar.csv"].verdict is Verdict.FAIL
    # (the file names say it twice: a group's table beside all's, and all's name narrowed by words of its own)
    assert any("of one group" in f.message or "leaves a group out" in f.message
               for f in files["tabell_ikkje_innvandrar.csv"].findings)
    larger = rest.replace("Troms og Finnmark;143;105;38", "Troms og Finnmark;141;110;31")
    files = _scan(_folder(tmp_path / "twin", {"tabell_alle.csv": alle, "tabell_ikkje_innvandrar.csv": larger}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_an_areas_parts_with_some_left_out_beside_the_areas_total_in_another_file(tmp_path: Path) -> None:
    # Nordjylland 52 in the region file; its municipalities shown add up to 51: the ones left out hold 1
    regions = "Region;Antal_nye_tilfaelde;Andel_piger_pct\nRegion Hovedstaden;148;46,6\nRegion Nordjylland;52;46,2\n"
    parts = ("Kommune;Antal nye tilfælde\nAalborg;17\nHjørring;6\nFrederikshavn;5\nThisted;4\nBrønderslev;3\n"
             "Jammerbugt;4\nMariagerfjord;3\nVesthimmerland;3\nRebild;3\nMorsø;3\n")
    files = _scan(_folder(tmp_path / "a", {"t1_tilfaelde_region.csv": regions,
                                           "t2_tilfaelde_kommuner_nordjylland.csv": parts}))
    assert files["t2_tilfaelde_kommuner_nordjylland.csv"].verdict is Verdict.FAIL
    assert any("rows left out" in f.message for f in files["t2_tilfaelde_kommuner_nordjylland.csv"].findings)
    files = _scan(_folder(tmp_path / "b", {"t1_tilfaelde_region.csv": regions.replace(";52;", ";61;"),
                                           "t2_tilfaelde_kommuner_nordjylland.csv": parts}))
    assert all(r.verdict is Verdict.PASS for r in files.values())


def test_cumulative_counts_a_year_apart_beside_a_share_column(tmp_path: Path) -> None:
    head = '"lan";"ackumulerat_antal_sfi_d";"andel_av_kohort_pct"\n'
    y20 = head + ('"Stockholms län";412;"27,3"\n"Uppsala län";88;"29,2"\n"Skåne län";288;"27,1"\n'
                  '"Jämtlands län";23;"25,0"\n')
    y21 = head + ('"Stockholms län";468;"31,0"\n"Uppsala län";97;"32,2"\n"Skåne län";321;"30,2"\n'
                  '"Jämtlands län";24;"26,1"\n')
    files = _scan(_folder(tmp_path / "c", {"sfi_ackumulerat_2020.csv": y20, "sfi_ackumulerat_2021.csv": y21}))
    assert files["sfi_ackumulerat_2021.csv"].verdict is Verdict.FAIL


def test_numbered_table_files_of_all_and_of_one_sex(tmp_path: Path) -> None:
    head = "| Aldersgruppe | Antal |\n|---|---|\n"
    alle = head + "| 18-29 år | 9 |\n| 30-49 år | 412 |\n| 50-64 år | 1204 |\n| 65+ år | 88 |\n"
    kvinder = head + "| 18-29 år | 7 |\n| 30-49 år | 230 |\n| 50-64 år | 688 |\n| 65+ år | 41 |\n"
    files = _scan(_folder(tmp_path / "d", {"t3_pension_alle_2022.md": alle, "t4_pension_kvinder_2022.md": kvinder}))
    assert files["t4_pension_kvinder_2022.md"].verdict is Verdict.FAIL


def test_an_areas_total_after_a_pandas_index_and_its_count_named_otherwise(tmp_path: Path) -> None:
    regions = (",region,n_firms_exporting_us,share_pct\n0,Capital Region of Denmark,1212,24.8\n"
               "1,Central Denmark Region,960,27.2\n2,North Denmark Region,341,26.9\n")
    parts = ("Municipality,Number of firms\nAarhus,231\nHerning,78\nSilkeborg,64\nHorsens,60\nRanders,58\n"
             "Viborg,55\nHolstebro,50\nSkanderborg,49\nRingkøbing-Skjern,48\nFavrskov,40\nSkive,38\n"
             "Hedensted,37\nSyddjurs,33\nIkast-Brande,31\nNorddjurs,27\nStruer,24\nOdder,19\nLemvig,16\n")
    files = _scan(_folder(tmp_path / "a", {"firms_by_region_2021.csv": regions,
                                           "firms_central_denmark_region_municipalities_2021.csv": parts}))
    assert files["firms_central_denmark_region_municipalities_2021.csv"].verdict is Verdict.FAIL


def test_a_row_of_statistics_without_labels_is_no_area_total(tmp_path: Path) -> None:
    # R's summary() of another group, printed with its length (40): its row names no area, so the counts by
    # birth year beside it (38 in all) leave out no rows
    counts = "birth_year,n\n" + "".join(f"{y},{n}\n" for y, n in zip(range(2010, 2020), [4, 3, 5, 4, 3, 4, 3, 5, 4, 3],
                                                                      strict=True))
    printout = ("> length(d$liggetid)\n[1] 40\n> summary(d$liggetid)\n"
                "   Min. 1st Qu.  Median    Mean 3rd Qu.    Max. \n   1.00    2.75    4.50   10.20   11.00   58.00 \n")
    files = _scan(_folder(tmp_path / "levering", {"birthyear_counts_cf_cohort.csv": counts,
                                                  "r_liggetid.txt": printout}))
    counted = files["birthyear_counts_cf_cohort.csv"]
    assert counted.verdict is Verdict.PASS, counted.findings


def test_a_small_mark_of_one_year_says_nothing_of_another_years_cell() -> None:
    from scanner.loaders.texttables import shown_where_small

    def sheet(fanoe_women: str) -> TextTable:
        return TextTable(["Kommune", "Mænd", "Kvinder"], [["Fanø", "4", fanoe_women], ["Ærø", "12", "15"]], 2, "sheet")

    marked, shown = sheet("<3"), sheet("3")
    assert shown_where_small([marked, shown], 3, ["2021", "2019"]) == []
    # the same year (a mean's sheet beside the sum's): the value shown rests on fewer than 3
    assert [(b, a) for b, a, _, _ in shown_where_small([marked, shown], 3, ["Middelindkomst 2021", "Sum 2021"])] \
        == [(1, 0)]


def test_tables_of_one_layout_for_other_areas_give_nothing_away(tmp_path: Path) -> None:
    # Lolland's months beside Bornholm's: the same layout, counts of other people (few agree); Bornholm's "<3" for
    # June says nothing of Lolland's June, 10
    months = ["Januar", "Februar", "Marts", "April", "Maj", "Juni", "Juli", "August"]
    lolland = "Måned;Antal\n" + "".join(f"{m};{n}\n" for m, n in zip(months, [9, "<3", 8, 12, 7, 10, 11, 9],
                                                                      strict=True))
    bornholm = "Måned;Antal\n" + "".join(f"{m};{n}\n" for m, n in zip(months, [5, 4, 6, 7, 3, "<3", 6, 4],
                                                                       strict=True))
    files = _scan(_folder(tmp_path / "levering", {"tilskadekomne_lolland_2022.csv": lolland,
                                                  "tilskadekomne_bornholm_2022.csv": bornholm}))
    assert all(r.verdict is Verdict.PASS for r in files.values()), {k: r.findings for k, r in files.items()}


def test_a_grand_total_of_another_year_completes_nothing(tmp_path: Path) -> None:
    quarters = "Kvartal;Antal\nKvartal 1;16\nKvartal 2;12\nKvartal 3;14\nKvartal 4;19\nTotalt;61\n"
    months = ("Måned;Antal\nJanuar;7\nFebruar;5\nMarts;6\nApril;8\nMaj;6\nJuni;5\nJuli;4\nAugust;..\n"
              "September;..\nOktober;7\nNovember;5\nDecember;6\n")
    files = _scan(_folder(tmp_path / "levering", {"dodsfall_jonkoping_2021_kvartal.csv": quarters,
                                                  "foertidspension_skive_2022_maaned.csv": months}))
    assert all(r.verdict is Verdict.PASS for r in files.values()), {k: r.findings for k, r in files.items()}


def test_a_count_below_the_rows_it_would_total_is_no_group_size(tmp_path: Path) -> None:
    """A figure's "Finland 2" (cases of another outcome) beside a table whose Finland rows publish 141, 962 and 296
    pregnancies: 2 cannot be their total, so it gives the table no small cell."""
    matplotlib = pytest.importorskip("matplotlib")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    root = _folder(tmp_path / "req", {
        "pregnancies.csv": "country,age_group,n_pregnancies,n_preterm\n" + "".join(
            f"{c},{a},{n},{p}\n" for c, rows in (("Denmark", (203, 1348, 465)), ("Sweden", (322, 2290, 856)),
                                                 ("Norway", (158, 1099, 383)), ("Finland", (141, 962, 296)))
            for a, n, p in zip(("<25", "25-34", "35+"), rows, (19, 82, 28), strict=True)),
    })
    fig, ax = plt.subplots()
    bars = ax.bar(["Denmark", "Sweden", "Norway", "Finland"], [21, 38, 14, 2])
    ax.bar_label(bars)
    ax.set_ylabel("Infants with PPHN (n)")
    fig.savefig(root / "cases_by_country.svg")
    plt.close(fig)
    results = _scan(root)
    assert results["pregnancies.csv"].verdict is Verdict.PASS, results["pregnancies.csv"].findings
    assert results["cases_by_country.svg"].verdict is Verdict.FAIL


def test_a_folder_whose_tables_cannot_be_linked_is_reviewed_not_passed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Linking is a check of the folder: when it fails (an internal error), its files are not passed as if it had
    found nothing, each gets a FIL001 review that says why."""
    from scanner import delivery
    from scanner.config import load_config

    (tmp_path / "a.csv").write_text("region;antal\nNord;120\nSyd;88\nI alt;208\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("region;antal\nNord;120\nSyd;90\nI alt;210\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("could not convert string to float")

    monkeypatch.setattr(delivery, "_linked_findings", broken)
    result = api.scan([tmp_path], load_config(), jobs=1)
    for f in result.files:
        assert f.verdict is Verdict.REVIEW, f
        assert any(x.rule == "FIL001" and "beside the other files" in x.message for x in f.findings)
