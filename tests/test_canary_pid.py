"""Canary: person and business numbers of every kind, planted in every file kind the PID rules read, are
found, and no report format and no log line repeats them (not even a 7-digit piece of one)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scanner import synth
from tests.conftest import REPO

# One canary per kind and written form, from the seeded generators.
CANARIES: list[tuple[str, str, str]] = [
    (kind, form, text)
    for kind in synth.KINDS
    for form in synth.FORMS[kind]
    for _, text in synth.samples(kind, 1, f"canary-{kind}-{form}", forms=[form])
]
WORDS = {"se_pnr": "pnr", "se_samnr": "samordningsnr", "dk_cpr": "cpr", "no_fnr": "fnr", "no_dnr": "d-nummer",
         "fi_hetu": "hetu", "se_orgnr": "orgnr", "dk_cvr": "cvr"}
CODES = {"se_pnr": "PID001", "se_samnr": "PID002", "dk_cpr": "PID003", "no_fnr": "PID004", "fi_hetu": "PID005",
         "no_dnr": "PID006", "se_orgnr": "PID010", "dk_cvr": "PID011"}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def plant(folder: Path) -> None:
    lines = [f"{WORDS[kind]}={text};" for kind, _, text in CANARIES]
    (folder / "note.txt").write_text("Removed before export:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (folder / "run.log").write_text("\n".join(f"NOTE: dropped {line}" for line in lines) + "\n", encoding="utf-8")
    (folder / "clean.sas").write_text("\n".join(f"if {WORDS[k]} = '{t}' then delete;" for k, _, t in CANARIES),
                                      encoding="utf-8")
    (folder / "wide.txt").write_text("\n".join(lines) + "\n", encoding="utf-16")
    # a CSV and a Parquet file per kind: the numbers as strings, and (digit forms) as integers and floats
    for kind in synth.KINDS:
        values = [t for _, t in synth.samples(kind, 30, f"canary-col-{kind}")]
        (folder / f"{kind}.csv").write_text("id;n\n" + "\n".join(f"{v};{i}" for i, v in enumerate(values)) + "\n",
                                            encoding="utf-8")
        columns: dict[str, pa.Array] = {"id": pa.array(values)}
        digit_only = [v for v in values if v.isdigit()]
        if digit_only:
            columns = {"id": pa.array(values), "num": pa.array([int(v) for v in digit_only] + [None] *
                                                            (len(values) - len(digit_only)), pa.int64()),
                       "dbl": pa.array([float(v) for v in digit_only] + [None] * (len(values) - len(digit_only)),
                                       pa.float64())}
        pq.write_table(pa.table(columns), folder / f"{kind}.parquet")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("canary") / "export"
    folder.mkdir()
    plant(folder)
    return folder


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_identifier_canaries_never_leave(export: Path, fmt: str) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", str(export), "--format", fmt, "-vv"],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=600, check=False)
    assert proc.returncode == 1, proc.stderr
    for code in CODES.values():  # every kind was found...
        assert code in proc.stdout, f"{code} not reported"
    for kind, form, text in CANARIES:  # ...and no report or log line repeats one, whole or in part
        digits = _digits(text)
        for out, where in ((proc.stdout, f"the {fmt} report"), (proc.stderr, "the log")):
            assert text not in out, f"{kind}/{form} canary leaked into {where}"
            for i in range(len(digits) - 6):
                assert digits[i:i + 7] not in _digits_runs(out), f"7 digits of a {kind}/{form} canary in {where}"


def _digits_runs(text: str) -> str:
    """The output's digit runs joined by '|' (so a masked 'xx' breaks a run, as it does for a reader)."""
    return "|".join(re.findall(r"\d+", text))


def test_every_file_kind_reports_identifiers(export: Path) -> None:
    from scanner import api
    from scanner.config import load_config

    result = api.scan([export], load_config(select=["PID"]), jobs=1)
    by_file = {r.path.split("/", 1)[1]: {f.rule for f in r.findings} for r in result.files}
    for name in ("note.txt", "run.log", "clean.sas", "wide.txt"):
        assert set(CODES.values()) <= by_file[name], (name, by_file[name])
    for kind, code in CODES.items():
        assert code in by_file[f"{kind}.csv"], (kind, by_file[f"{kind}.csv"])
        assert code in by_file[f"{kind}.parquet"], (kind, by_file[f"{kind}.parquet"])
    parquet_columns = {(r.path, f.location.column) for r in result.files for f in r.findings
                       if r.path.endswith(".parquet")}
    for kind in ("se_pnr", "dk_cpr", "no_fnr", "dk_cvr"):
        for column in ("id", "num", "dbl"):
            assert (f"export/{kind}.parquet", column) in parquet_columns, (kind, column)
