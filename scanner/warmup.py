"""``sdcscan warmup``: compile every kernel the engine uses once, at install time, into the Numba cache.

Numba compiles a kernel on its first call per argument types and keeps the machine code on disk
(``kernels/_jit.py`` says where). Without this step the first large scan on a machine (or of each worker of
a batch server's first night) pays the compile, tens of seconds. Which signatures the engine uses is the
engine's business, so warm-up does not list kernels: it runs the engine itself on a small generated
workload covering every path that reaches a kernel — identifiers in text, in string, integer and float
columns (CSV and Parquet), logs, listings and programs (the log kernel), and ``sdcscan table`` per row
and per unit with a value (the cell kernels) — with interpretation of small calls turned off, so every
call compiles or loads. ``make install`` runs it; ``tests/test_startup.py`` checks that a scan and a table
of the bundled example compile nothing afterwards.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WarmupReport", "warm"]

_REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")
_SEXES = ("Mænd", "Kvinder")

_SAS_LOG = """\
1    libname proj '/data/projekt';
NOTE: Libref PROJ was successfully assigned as follows:
2    data work.a; set proj.analyse; if lopnr = 1234 then delete; where region in (1, 2); run;
NOTE: There were 300 observations read from the data set PROJ.ANALYSE.
3    proc freq data=work.a; tables region*koen; run;
NOTE: PROCEDURE FREQ used (Total process time):
      real time           0.04 seconds
4    proc print data=work.a(obs=5); var lopnr region indkomst; run;
NOTE: There were 5 observations read from the data set WORK.A.
"""

_SAS_LISTING = """\
                                       The FREQ Procedure

                                    region       Frequency     Percent
                                    ---------------------------------
                                    Hovedstaden        120       40.00
                                    Sjælland            78       26.00
                                    Syddanmark         100       33.33
                                    Nordjylland          2        0.67

                                    Obs    lopnr    region         indkomst
                                      1    1023     Hovedstaden      312000
                                      2    4471     Sjælland         254000
                                      3    5520     Syddanmark       198000
"""

_STATA_LOG = """\
. use analyse, clear
. drop if lopnr == 1234
(1 observation deleted)
. tabulate region

     region |      Freq.     Percent        Cum.
------------+-----------------------------------
Hovedstaden |        120       40.00       40.00
   Sjælland |         78       26.00       66.00
 Syddanmark |        100       33.33       99.33
Nordjylland |          2        0.67      100.00
------------+-----------------------------------
      Total |        300      100.00
. list lopnr region in 1/3

     +--------------------+
     | lopnr       region |
     |--------------------|
  1. |  1023  Hovedstaden |
  2. |  4471     Sjælland |
  3. |  5520   Syddanmark |
     +--------------------+
"""

_R_OUT = """\
> d <- read.csv("analyse.csv")
> d <- subset(d, !(pnr %in% c(1023, 4471)))
> table(d$region)

Hovedstaden    Sjælland  Syddanmark Nordjylland
        120          78         100           2
> head(d, 3)
  pnr      region indkomst
1 1023 Hovedstaden   312000
2 4471    Sjælland   254000
3 5520  Syddanmark   198000
"""

_PROGRAM_PY = """\
import pandas as pd

d = pd.read_csv("analyse.csv")
d = d[~d.cpr.isin(["0101011234", "0202021234"])]
print(d.groupby("region").size())
rows = [[1023, "Hovedstaden", 312000], [4471, "Sjælland", 254000], [5520, "Syddanmark", 198000]]
"""

_PROGRAM_DO = """\
use analyse, clear
drop if lopnr == 1234
keep if inlist(lopnr, 1023, 4471, 5520)
tabulate region
"""


@dataclass(frozen=True, slots=True)
class WarmupReport:
    """What warm-up did: kernel signatures compiled now, loaded from the cache, where, and how long."""

    compiled: int
    loaded: int
    cache_dir: str
    seconds: float


def _write_workload(root: Path, seed: int = 20240601) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner import synth

    rng = random.Random(seed)
    text, _ = synth.document(400, seed, plant={k: 2 for k in synth.KINDS})
    (root / "notat.txt").write_text(text, encoding="utf-8")
    # above identifiers.SMALL_BYTES: a large text's scan finds run starts block by block (another kernel)
    (root / "stor.log").write_text(text * (1 + (3 << 19) // len(text.encode("utf-8"))), encoding="utf-8")
    rows = 400
    pnr_text = [synth.generate("se_pnr", rng, form="6s4") for _ in range(rows)]  # separators: string kernel
    cpr_int = [int(synth.generate("dk_cpr", rng, form="d10")) for _ in range(rows)]  # whole numbers
    region = [_REGIONS[rng.randrange(len(_REGIONS))] for _ in range(rows)]
    sex = [_SEXES[rng.randrange(2)] for _ in range(rows)]
    age = [rng.randrange(16, 90) for _ in range(rows)]
    income = [float(rng.randrange(0, 900_000)) for _ in range(rows)]
    weight = [rng.random() for _ in range(rows)]
    firm = [rng.randrange(1, 40) for _ in range(rows)]
    table = pa.table({"pnr": pnr_text, "cpr": cpr_int, "firm": firm, "region": region, "koen": sex,
                      "alder": age, "aar": pa.array([2015 + a % 9 for a in age], pa.int32()),
                      "indkomst": income, "vaegt": weight,
                      "cpr_tekst": [f"{v:010d}" for v in cpr_int], "cpr_decimal": [float(v) for v in cpr_int]})
    pq.write_table(table, root / "personer.parquet")
    # Arrow IPC (Feather v2) written uncompressed (as polars and pandas may): its columns are read zero-copy
    # from the file's buffers, read-only arrays that are kernel signatures of their own (a 9 KB .arrow file
    # compiled nine of them, minutes on a loaded machine, in probe VF)
    import pyarrow.feather as feather

    feather.write_feather(table, root / "personer.arrow", compression="uncompressed")
    with (root / "personer.csv").open("w", encoding="utf-8") as fh:
        fh.write(";".join(table.column_names) + "\n")
        for r in table.to_pylist():
            fh.write(";".join(str(v) for v in r.values()) + "\n")
    with (root / "tabel.csv").open("w", encoding="utf-8") as fh:
        fh.write("region;koen;antal\n")
        for reg in _REGIONS:
            for s in _SEXES:
                fh.write(f"{reg};{s};{rng.choice([2, 15, 40, 'n<3'])}\n")
            fh.write(f"{reg};I alt;{rng.randrange(50, 100)}\n")
    (root / "analyse.log").write_text(_SAS_LOG, encoding="utf-8")
    (root / "analyse.lst").write_text(_SAS_LISTING, encoding="utf-8")
    (root / "stata.log").write_text(_STATA_LOG, encoding="utf-8")
    (root / "analyse.Rout").write_text(_R_OUT, encoding="utf-8")
    (root / "analyse.py").write_text(_PROGRAM_PY, encoding="utf-8")
    (root / "analyse.do").write_text(_PROGRAM_DO, encoding="utf-8")


@contextlib.contextmanager
def _compiled_calls() -> Iterator[None]:
    """Every kernel call compiles or loads for the duration (no interpreted small calls)."""
    old = os.environ.get("SDCSCAN_INTERPRET_BYTES")
    os.environ["SDCSCAN_INTERPRET_BYTES"] = "0"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SDCSCAN_INTERPRET_BYTES", None)
        else:
            os.environ["SDCSCAN_INTERPRET_BYTES"] = old


def warm(threads: int | None = None) -> WarmupReport:
    """Compile (or load from the cache) every kernel signature the engine uses; see the module docstring."""
    from kernels import _jit
    from scanner import api
    from scanner.config import load_config
    from scanner.tables.compute import Stat, TableSpec

    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="sdcscan-warmup-"))
    try:
        with _compiled_calls():
            _jit.compile_all()
            _write_workload(root)
            config = load_config()
            api.scan([root], config, jobs=1)
            for data in (root / "personer.parquet", root / "personer.csv"):
                for spec in (TableSpec(("region", "koen")),
                             TableSpec(("region", "alder"), value="indkomst", stat=Stat.SUM),
                             TableSpec(("aar", "koen")),  # 32-bit integers: their own kernel signatures
                             TableSpec(("region", "koen"), value="indkomst", unit="firm", stat=Stat.SUM)):
                    for t in sorted({1, threads or os.cpu_count() or 1}):
                        api.table(data, spec, config, threads=t)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    stats = _jit.compile_stats()
    return WarmupReport(stats["compiled"], stats["loaded"], str(_jit.cache_dir()), time.perf_counter() - started)
