"""Write the example export request in ``examples/export-request/`` (deterministic, seeded).

A researcher on a Statistics Denmark project asks to send home the files of a small labour-market
study. The folder mixes what a checker sees every day: safe aggregate tables, a table with small cells,
microdata with and without a key column, a text note, and a log the scanner cannot judge yet.
Run: ``python scripts/make_example.py [OUT_DIR]``. See ``examples/export-request/README.md`` for what a
checker should conclude about each file.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REGIONS = ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]
SEXES = ["Mænd", "Kvinder"]
AGES = ["16-24 år", "25-34 år", "35-44 år", "45-54 år", "55-64 år"]
INDUSTRIES = ["Landbrug", "Industri", "Byggeri", "Handel", "Transport", "Finans", "Offentlig"]
DIAGNOSES = ["Diabetes type 1", "Diabetes type 2", "KOL", "Sklerose", "Cystisk fibrose"]


def _write_csv(path: Path, header: list[str], rows: list[list[object]], *, delimiter: str = ";",
               title: str | None = None) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        if title:
            fh.write(title + delimiter * (len(header) - 1) + "\r\n")
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def safe_population_table(rng: np.random.Generator, out: Path) -> None:
    """Employed persons by region, sex and age group: every cell well above 3."""
    rows: list[list[object]] = []
    for region in REGIONS:
        for sex in SEXES:
            for age in AGES:
                rows.append([region, sex, age, int(rng.integers(180, 25_000))])
    _write_csv(out / "tab1_beskaeftigede_region_koen_alder.csv", ["OMRÅDE", "KØN", "ALDER", "ANTAL"], rows,
               title="Beskæftigede efter område, køn og alder, 2022")


def small_cell_table(rng: np.random.Generator, out: Path) -> None:
    """Rare diagnoses by region: several cells of 1 or 2 persons (and one structural zero)."""
    rows: list[list[object]] = []
    for diagnosis in DIAGNOSES:
        for region in REGIONS:
            rare = diagnosis in ("Sklerose", "Cystisk fibrose")
            count = int(rng.integers(0, 6)) if rare else int(rng.integers(40, 900))
            rows.append([diagnosis, region, count])
    # Make sure the table shows the problem whatever the seed gives: a 1 and a 2.
    rows[-1][2] = 1
    rows[-2][2] = 2
    _write_csv(out / "tab2_diagnoser_region.csv", ["diagnose", "region", "n_personer"], rows, delimiter=",")


def wide_safe_table(rng: np.random.Generator, out: Path) -> None:
    """Firms by industry (rows) and year (columns), as exported from a pivot: safe."""
    years = list(range(2015, 2023))
    rows = [[ind, *[int(rng.integers(300, 9_000)) for _ in years]] for ind in INDUSTRIES]
    _write_csv(out / "tab3_virksomheder_branche_aar.csv", ["Branche", *map(str, years)], rows)


def parquet_summary(rng: np.random.Generator, out: Path) -> None:
    """Mean hourly wage by industry and sex, with the number of persons behind each mean: safe."""
    ind, sex, n, wage = [], [], [], []
    for i in INDUSTRIES:
        for s in SEXES:
            ind.append(i)
            sex.append(s)
            n.append(int(rng.integers(250, 40_000)))
            wage.append(round(float(rng.normal(260, 40)), 2))
    table = pa.table({"branche": ind, "koen": sex, "antal_personer": n, "gns_timeloen_kr": wage})
    pq.write_table(table, out / "tab4_timeloen_branche_koen.parquet")


def microdata_with_id(rng: np.random.Generator, out: Path) -> None:
    """A person-level extract with the project's pseudonymised running number: must not leave."""
    n = 400
    rows = []
    for i in range(n):
        rows.append([
            f"{int(rng.integers(10**8, 10**9 - 1))}",  # a pseudonymised running number, not a real CPR
            REGIONS[int(rng.integers(0, len(REGIONS)))],
            SEXES[int(rng.integers(0, 2))],
            int(rng.integers(18, 67)),
            round(float(rng.lognormal(12.6, 0.45)), 0),
        ])
        del i
    _write_csv(out / "udtraek_personer.csv", ["LopNr", "region", "koen", "alder", "aarsindkomst"], rows)


def microdata_without_id(rng: np.random.Generator, out: Path) -> None:
    """The same kind of extract with the ID dropped: still one row per person, still microdata."""
    n = 300
    rows = []
    for _ in range(n):
        rows.append([
            REGIONS[int(rng.integers(0, len(REGIONS)))],
            SEXES[int(rng.integers(0, 2))],
            AGES[int(rng.integers(0, len(AGES)))],
            round(float(rng.lognormal(12.6, 0.45)), 0),
            round(float(rng.normal(37, 4)), 1),
        ])
    _write_csv(out / "analysedata_uden_id.csv", ["region", "koen", "aldersgruppe", "indkomst", "timer_uge"],
               rows, delimiter=",")


def safe_text(out: Path) -> None:
    text = (
        "Notat til eksport af resultater, projekt 701234\n"
        "\n"
        "Tabellerne viser beskæftigede efter område, køn og alder samt antal virksomheder efter branche.\n"
        "Alle tal er opgjort på personniveau og aggregeret før eksport. Estimaterne i regressionen er\n"
        "robuste over for valget af referenceår. Der indgår ingen enkeltpersoner i de viste resultater.\n"
    )
    (out / "notat.txt").write_text(text, encoding="utf-8")


def sas_log(out: Path) -> None:
    text = (
        "1    libname proj '/data/projekt';\n"
        "NOTE: Libref PROJ was successfully assigned as follows:\n"
        "2    proc means data=proj.analyse; var indkomst; class region; run;\n"
        "NOTE: There were 300 observations read from the data set PROJ.ANALYSE.\n"
        "NOTE: PROCEDURE MEANS used (Total process time):\n"
        "      real time           0.04 seconds\n"
    )
    (out / "analyse.log").write_text(text, encoding="utf-8")


def main(out_dir: str | None = None) -> Path:
    out = Path(out_dir) if out_dir else Path(__file__).resolve().parents[1] / "examples" / "export-request"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20260101)
    safe_population_table(rng, out)
    small_cell_table(rng, out)
    wide_safe_table(rng, out)
    parquet_summary(rng, out)
    microdata_with_id(rng, out)
    microdata_without_id(rng, out)
    safe_text(out)
    sas_log(out)
    return out


if __name__ == "__main__":
    print(main(sys.argv[1] if len(sys.argv) > 1 else None))
