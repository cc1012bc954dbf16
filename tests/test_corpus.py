"""The real-world corpus (../shared/corpus): files nobody on the team wrote.

Every file gets a verdict without a crash; nothing the scanner could not fully read passes; published
statistics-office tables without small cells pass; microdata the loaders read is flagged.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scanner import api
from scanner.config import load_config
from scanner.findings import FileResult, ScanResult, Verdict
from tests.conftest import corpus_root

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

# Kinds whose content the scanner reads completely today; anything else must not pass.
# SAS, Stata and SPSS data files are read as tables since the microdata readers (issue 3); logs, listings
# and program code since issue 11 (tests/test_logs.py judges the corpus logs); documents and vector figures
# since issue 12 (tests/test_figures.py judges the corpus figures). Raster images are not: their marks cannot
# be read, so they stay FIL001 reviews.
FULLY_READ = {"csv", "parquet", "text", "empty", "sas7bdat", "xpt", "dta", "sav", "por", "xlsx", "log", "code",
              "svg", "pdf", "docx", "pptx", "odt", "odp", "html", "rtf"}

# Published aggregate tables (statistics offices and released study outputs) with no cell under 3.
PUBLISHED_SAFE = [
    "csv/california_eitc_mw_lw_data.csv",
    "csv/cpop_dk_ASFR.csv",
    "csv/cpop_dk_DeathsDenmark_Epiyear.txt",
    "csv/ide_dk_befolkingPerKommune.csv",
    "csv/ide_dk_befolkning.csv",
    "csv/intro-stata_aid.csv",
    "csv/opensafely_longcovid_all_long_covid_codes_redacted.csv",
    "csv/opensafely_longcovid_age_group_rate.csv",
    "csv/opensafely_longcovid_counts_table.csv",
    "csv/ssb_befolkning.csv",
    "csv/ssb_kommunedata.csv",
    "csv/ssb_sykemelding.csv",
    "csv/stathelp_befolkning.csv",
    "csv/stathelp_countypop.csv",
    "csv/stathelp_population2018.csv",
    "csv/statsnz_TABLECODE7501_subnational_population.csv",
    "csv/t1dm_qba_corrected_table.csv",
    "csv/t1dm_qba_uncorrected.csv",
    "logs/opensafely_absrisk_basetable1.txt",
    "logs/opensafely_absrisk_X_covid_outcomes_by_at_risk.out",
]
# Published tables whose MANIFEST entry names cells of 1 or 2: a table rule must see them (they are
# public, but the scanner cannot know that; a checker approves them).
PUBLISHED_WITH_SMALL_CELLS = [
    "csv/dst_FOLK1A_bom.csv",
    "csv/dst_FOLK1A_municipality.csv",
    "csv/cpop_dk_PopQ3_Denmark.csv",
    "csv/statsnz_VSB356401.csv",
]
# Row-level files in formats this issue reads.
MICRODATA = [
    "csv/pmean_gardasil.csv",
    "parquet/sparktests_userdata.parquet",
    "parquet/parquettesting_delta_byte_array.parquet",
]
UNREADABLE = [
    "excel/calamine_pass_protected.xlsx",
    "parquet/parquettesting_uniform_encryption.parquet.encrypted",
]


def _manifest(root: Path) -> list[str]:
    with (root / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return [row["path"] for row in csv.DictReader(fh, delimiter="\t")]


@pytest.fixture(scope="module")
def scanned() -> tuple[Path, dict[str, ScanResult]]:
    root = corpus_root()
    if root is None:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    results = {}
    for profile in ("dst", "acro"):
        results[profile] = api.scan([root], load_config(profile=profile), jobs=1)
    return root, results


def _by_path(result: ScanResult) -> dict[str, FileResult]:
    return {f.path.split("/", 1)[1]: f for f in result.files}


def _rules(f: FileResult) -> set[str]:
    return {x.rule for x in f.findings}


def test_every_manifest_file_gets_a_verdict(scanned: tuple[Path, dict[str, ScanResult]]) -> None:
    root, results = scanned
    files = _by_path(results["dst"])
    missing = [p for p in _manifest(root) if p not in files]
    assert not missing, missing
    internal = [(p, x.message) for p, f in files.items() for x in f.findings if "internal error" in x.message]
    assert not internal, internal


def test_nothing_unread_passes(scanned: tuple[Path, dict[str, ScanResult]]) -> None:
    _, results = scanned
    for path, f in _by_path(results["dst"]).items():
        if f.kind not in FULLY_READ:
            assert f.verdict is not Verdict.PASS, f"{path} ({f.kind}) passed without being read"
            assert _rules(f) & {"FIL001", "FIL004"}, path


@pytest.mark.parametrize("path", PUBLISHED_SAFE)
def test_published_tables_without_small_cells_pass(scanned: tuple[Path, dict[str, ScanResult]], path: str) -> None:
    f = _by_path(scanned[1]["dst"])[path]
    assert f.verdict is Verdict.PASS, [(x.rule, x.location, x.message) for x in f.findings]


@pytest.mark.parametrize("path", PUBLISHED_WITH_SMALL_CELLS)
def test_small_cells_in_published_tables_are_seen(scanned: tuple[Path, dict[str, ScanResult]], path: str) -> None:
    f = _by_path(scanned[1]["dst"])[path]
    assert _rules(f) == {"TAB001"}, [(x.rule, x.message) for x in f.findings]
    assert all(x.location.column for x in f.findings if x.location.row is not None)


def test_small_cell_locations_in_statbank_export(scanned: tuple[Path, dict[str, ScanResult]]) -> None:
    f = _by_path(scanned[1]["dst"])["csv/dst_FOLK1A_bom.csv"]
    cells = [dict(x.location.cell or ()) for x in f.findings]
    assert cells and all(c.get("KØN") in {"Men", "Women"} and "ALDER" in c for c in cells), cells
    assert {x.location.column for x in f.findings} == {"INDHOLD"}


@pytest.mark.parametrize("path", MICRODATA)
def test_microdata_is_flagged(scanned: tuple[Path, dict[str, ScanResult]], path: str) -> None:
    f = _by_path(scanned[1]["dst"])[path]
    assert f.verdict is Verdict.FAIL
    assert _rules(f) & {"MIC001", "MIC002"}, [(x.rule, x.message) for x in f.findings]


def test_identifier_columns_in_userdata(scanned: tuple[Path, dict[str, ScanResult]]) -> None:
    f = _by_path(scanned[1]["dst"])["parquet/sparktests_userdata.parquet"]
    flagged = {x.location.column for x in f.findings if x.rule == "MIC002"}
    assert {"first_name", "last_name", "email", "ip_address"} <= flagged, flagged


@pytest.mark.parametrize("path", UNREADABLE)
def test_encrypted_files_go_to_a_person(scanned: tuple[Path, dict[str, ScanResult]], path: str) -> None:
    f = _by_path(scanned[1]["dst"])[path]
    # FIL004 where the encryption is recognised (an encrypted Office container), FIL001 where the reader
    # only fails (Parquet modular encryption): review either way, never a pass.
    assert f.verdict is Verdict.REVIEW and _rules(f) in ({"FIL001"}, {"FIL004"}), _rules(f)


def test_acro_threshold_sees_cells_dst_allows(scanned: tuple[Path, dict[str, ScanResult]]) -> None:
    acro = _by_path(scanned[1]["acro"])
    deaths = acro["csv/cpop_dk_DeathsDenmark_Epiyear.txt"]
    # MANIFEST: observed counts down to 4, 9 cells under 10.
    small = [x for x in deaths.findings if x.rule == "TAB001" and x.location.row is not None]
    assert len(small) == 9, [(x.location.row, x.location.column) for x in small]
    assert {x.location.column for x in small} <= {"Dx_Observed_Women", "Dx_Observed_Men"}
    released = acro["logs/opensafely_absrisk_X_covid_outcomes_by_at_risk.out"]
    assert "TAB001" in _rules(released)


def test_statistical_data_files_are_read_as_tables(scanned: tuple[Path, dict[str, ScanResult]]) -> None:
    """Every SAS/Stata/SPSS data file of the corpus is read (no FIL001) and none passes unless it is a crosstab
    saved as a data set: a data set in an export is microdata unless shown to be a table (MIC001 block when
    proven microdata, review when neither is shown). Stata's voter.dta (candidate x income group, a count of
    voters in each of its 15 cells) is that crosstab."""
    _, results = scanned
    stats = {p: f for p, f in _by_path(results["dst"]).items() if f.kind in {"sas7bdat", "xpt", "dta", "sav", "por"}}
    assert stats, "the corpus has SAS/Stata/SPSS files"
    unread = [p for p, f in stats.items() if "FIL001" in _rules(f)]
    assert not unread, unread
    passed = [p for p, f in stats.items() if f.verdict is Verdict.PASS]
    assert passed == ["stata/statadata_voter.dta"], passed
    # 462 individuals: row-level (MIC001) and nearly every combination of their attributes is unique (MIC003)
    assert _rules(stats["stata/intro-stata_SAheart.dta"]) == {"MIC001", "MIC003"}
