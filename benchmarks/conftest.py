"""Benchmark fixtures: a large seeded log/CSV corpus (cached outside the repository) and a summary table.

The corpus is written once per (size, seed, format) into ``$SDCSCAN_BENCH_DIR`` (default
``~/.cache/sdcscan-bench``) and reused by later runs. Its planted truth (valid identifiers per kind, invalid
look-alikes per kind) is stored next to it as JSON.

Building it: a small pool of 4 MiB log blocks (``scanner.synth.document``, traps only) and 4 MiB CSV blocks
is generated once per seed; every 4 MiB piece of the corpus takes one log and one CSV block from the pool,
rotated to a random line, and interleaves fresh lines into them: log lines with valid identifiers of every
kind (``synth.document`` with ``plant``), CSV rows with a valid identifier in their free-text column, and log
lines and CSV rows with invalid look-alikes (a valid number with its check digit changed, checked against
``tests/reference/pid.py``). Pieces are therefore all different, and only the fresh lines need the slow
Python generators: 1 GiB takes about half a minute.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner import synth
from tests.reference import pid as ref

REPO = Path(__file__).resolve().parents[1]
MiB = 1 << 20

# Warm-up calls on small inputs must compile (or load) the kernels, not interpret them (kernels/_jit.py).
os.environ.setdefault("SDCSCAN_INTERPRET_BYTES", "0")

#: Bump when the generator changes: it is part of the cached file's name.
FORMAT = 1
PIECE_BYTES = 4 * MiB
#: Valid identifiers planted per MiB and kind (in log lines; a quarter as many again in CSV rows).
PLANT_PER_MIB = 2.0
#: Invalid look-alikes per MiB and kind.
INVALID_PER_MIB = 2.0

DEFAULT_MB = 1024
SMOKE_MB = 8
DEFAULT_SEED = 20240601

#: The rule code sdcscan reports for each synth kind.
KIND_CODES = {
    "se_pnr": "PID001", "se_samnr": "PID002", "dk_cpr": "PID003", "no_fnr": "PID004", "fi_hetu": "PID005",
    "no_dnr": "PID006", "se_orgnr": "PID010", "dk_cvr": "PID011",
}

#: Words written before invalid look-alikes in log lines (each a context word of the scanner).
_LOOKALIKE_CONTEXT = {
    "se_pnr": "pnr=", "se_samnr": "samordningsnr=", "dk_cpr": "cpr ", "no_fnr": "fnr=", "no_dnr": "fnr ",
    "fi_hetu": "hetu ", "se_orgnr": "orgnr ", "dk_cvr": "cvr=",
}
_LOOKALIKE_TEMPLATES = (
    "{ts} WARN [ingest] validation failed for field {ctx}{value}\n",
    "{ts} INFO [api] record updated {ctx}{value}\n",
    "{ts} DEBUG [worker] lookup done {ctx}{value} status=404\n",
)
CSV_HEADER = b"date,customer_no,order_id,amount,currency,qty,ref,status\n"
_STATUSES = ("ok", "ok", "ok", "pending", "refunded", "failed")
_CURRENCIES = ("SEK", "DKK", "NOK", "EUR")


@dataclass(frozen=True)
class Corpus:
    """The benchmark corpus on disk and what was planted in it."""

    path: Path
    size: int
    truth: dict[str, Any]

    @property
    def planted_kinds(self) -> list[str]:
        return [k for k, n in self.truth["planted"].items() if n > 0]


# --- settings -------------------------------------------------------------------------------------------


def benchmarks_disabled(config: pytest.Config) -> bool:
    return bool(config.getoption("benchmark_disable")) and not config.getoption("benchmark_enable")


def cache_dir() -> Path:
    env = os.environ.get("SDCSCAN_BENCH_DIR")
    root = (Path(env) if env else Path.home() / ".cache" / "sdcscan-bench").expanduser().resolve()
    if root == REPO or REPO in root.parents:
        raise pytest.UsageError(f"SDCSCAN_BENCH_DIR={root} is inside the repository {REPO}: put the corpus elsewhere")
    return root


def corpus_mb(config: pytest.Config) -> int:
    if benchmarks_disabled(config):
        return int(os.environ.get("SDCSCAN_BENCH_SMOKE_MB", SMOKE_MB))
    return int(os.environ.get("SDCSCAN_BENCH_MB", DEFAULT_MB))


def corpus_seed() -> int:
    return int(os.environ.get("SDCSCAN_BENCH_SEED", DEFAULT_SEED))


# --- generation -----------------------------------------------------------------------------------------


def _csv_row(rng: random.Random, ref_value: str | None = None) -> str:
    """One CSV row; ``ref_value`` goes into the free-text ``ref`` column, else a realistic filler."""
    if ref_value is None:
        r = rng.random()
        if r < 0.5:
            ref_value = ""
        elif r < 0.65:
            ref_value = f"07{rng.choice('02369')}{rng.randrange(10**7):07d}"  # mobile number, 10 digits
        elif r < 0.8:
            ref_value = str(rng.randrange(10**9, 10**14))  # OCR payment reference, 10-14 digits
        elif r < 0.9:
            ref_value = f"INV-{rng.randrange(10**7, 10**8)}"  # invoice number, 8 digits
        else:
            ref_value = f"{rng.randrange(2019, 2026)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"  # date
    return (f"{rng.randrange(2019, 2026)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d},"
            f"{rng.randrange(10**6, 10**7)},ORD-{rng.randrange(10**5, 10**6)},"
            f"{rng.randrange(1, 100000)}.{rng.randrange(100):02d},{rng.choice(_CURRENCIES)},{rng.randrange(1, 20)},"
            f"{ref_value},{rng.choice(_STATUSES)}\n")


def _csv_block(rng: random.Random, size: int) -> bytes:
    rows: list[str] = []
    total = 0
    while total < size:
        row = _csv_row(rng)
        rows.append(row)
        total += len(row)
    return "".join(rows).encode("ascii")


def _log_block(seed: int, size: int) -> bytes:
    lines = max(1, size // 73)  # synth.document lines are about 73 bytes long
    text, _ = synth.document(lines, seed, traps_per_line=0.3)
    return text.encode("utf-8")


def _span(block: bytes, size: int, rng: random.Random) -> bytes:
    """About ``size`` bytes of whole lines of ``block``, starting at a random line (wrapping around)."""
    start = block.find(b"\n", rng.randrange(len(block))) + 1
    rotated = block[start:] + block[:start]
    reps, rest = divmod(size, len(rotated))
    if not rest:
        return rotated * reps
    end = rotated.find(b"\n", rest)
    return rotated * reps + (rotated[: end + 1] if end >= 0 else rotated)


def _interleave(body: bytes, lines: list[bytes], rng: random.Random) -> list[bytes]:
    """``body`` with ``lines`` inserted at random line boundaries."""
    out: list[bytes] = []
    prev = 0
    for cut, line in zip(sorted(rng.randrange(max(len(body), 1)) for _ in lines), lines, strict=True):
        nl = body.find(b"\n", max(cut, prev))
        pos = len(body) if nl < 0 else nl + 1
        out.append(body[prev:pos])
        out.append(line)
        prev = pos
    out.append(body[prev:])
    return out


def _month_at(kind: str, form: str) -> int | None:
    """Where the month digits are in a written identifier (None: no date in it)."""
    if kind in ("se_orgnr", "dk_cvr"):
        return None
    return 4 if form in ("d12", "8s4") else 2


def _invalid(kind: str, form: str, text: str, rng: random.Random) -> str | None:
    """``text`` made invalid for every kind (checked with the reference scanner), or None if that failed.

    Odd attempts change the check character, even ones also write an impossible month: a Danish CPR has
    no check digit since 2007, so only its date can make it invalid.
    """
    alphabet = ref.FI_CHECK if kind == "fi_hetu" else "0123456789"
    check_at = 11 if (kind, form) == ("se_orgnr", "vat") else len(text) - 1  # SE<10 digits>01
    month_at = _month_at(kind, form)
    for attempt in range(40):
        chars = list(text)
        chars[check_at] = rng.choice([c for c in alphabet if c != text[check_at]])
        if month_at is not None and attempt % 2 == 0:
            chars[month_at: month_at + 2] = f"{rng.randrange(13, 100):02d}"
        bad = "".join(chars)
        cands, _ = ref.scan(f" {bad} ".encode())
        if not cands:
            return bad
    return None


def _piece(size: int, index: int, seed: int, pool_log: list[bytes], pool_csv: list[bytes]) -> tuple[
        list[bytes], Counter[str], Counter[str], Counter[str]]:
    """One piece of about ``size`` bytes: (parts, planted per kind, planted per kind:form, look-alikes per kind)."""
    rng = random.Random(f"sdcscan-bench:piece:{seed}:{index}")
    mib = size / MiB
    n_log = max(1, round(PLANT_PER_MIB * mib))
    n_csv = max(1, round(PLANT_PER_MIB * mib / 4))
    n_bad = max(1, round(INVALID_PER_MIB * mib))
    piece_seed = seed * 100_003 + index

    # valid identifiers in log lines (half of them after a context word) and in CSV rows
    text, planted = synth.document(n_log * len(synth.KINDS), piece_seed, plant=dict.fromkeys(synth.KINDS, n_log))
    log_lines = [line.encode("utf-8") for line in text.splitlines(keepends=True)]
    kinds: Counter[str] = Counter(k for k, _, _ in planted)
    forms: Counter[str] = Counter(f"{k}:{f}" for k, f, _ in planted)
    csv_lines: list[bytes] = []
    for kind in synth.KINDS:
        for form, value in synth.samples(kind, n_csv, piece_seed):
            csv_lines.append(_csv_row(rng, value).encode("ascii"))
            kinds[kind] += 1
            forms[f"{kind}:{form}"] += 1

    # invalid look-alikes: after a context word in a log line, or bare in a CSV row
    bad: Counter[str] = Counter()
    for kind in synth.KINDS:
        for i, (form, value) in enumerate(synth.samples(kind, n_bad, piece_seed + 7)):
            wrong = _invalid(kind, form, value, rng)
            if wrong is None:
                continue
            bad[kind] += 1
            if i % 2:
                csv_lines.append(_csv_row(rng, wrong).encode("ascii"))
            else:
                ts = f"2023-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:" \
                     f"{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"
                line = rng.choice(_LOOKALIKE_TEMPLATES).format(ts=ts, ctx=_LOOKALIKE_CONTEXT[kind], value=wrong)
                log_lines.append(line.encode("utf-8"))
    rng.shuffle(log_lines)
    rng.shuffle(csv_lines)

    budget = max(size - sum(map(len, log_lines)) - sum(map(len, csv_lines)) - 2 * len(CSV_HEADER), 0)
    csv_bytes = int(budget * rng.uniform(0.25, 0.5))
    log_body = _span(rng.choice(pool_log), budget - csv_bytes, rng)
    csv_body = _span(rng.choice(pool_csv), csv_bytes, rng)
    # log, a CSV export pasted in the middle (with its header), log again
    half = log_body.find(b"\n", len(log_body) // 2) + 1 or len(log_body)
    n_first = len(log_lines) // 2
    parts = _interleave(log_body[:half], log_lines[:n_first], rng)
    parts.append(CSV_HEADER)
    parts += _interleave(csv_body, csv_lines, rng)
    parts += _interleave(log_body[half:], log_lines[n_first:], rng)
    return parts, kinds, forms, bad


def build_corpus(path: Path, mb: int, seed: int) -> dict[str, Any]:
    """Write a corpus of about ``mb`` MiB to ``path``; return its truth (also written next to it as JSON)."""
    t0 = time.perf_counter()
    target = mb * MiB
    n_pool = 2 if target <= 64 * MiB else 4
    pool_log = [_log_block(seed * 1000 + v, PIECE_BYTES) for v in range(n_pool)]
    pool_csv = [_csv_block(random.Random(f"sdcscan-bench:csv:{seed}:{v}"), PIECE_BYTES) for v in range(n_pool)]
    planted: Counter[str] = Counter()
    by_form: Counter[str] = Counter()
    lookalikes: Counter[str] = Counter()
    written = 0
    index = 0
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        while written < target - 1024:
            parts, kinds, forms, bad = _piece(min(PIECE_BYTES, target - written), index, seed, pool_log, pool_csv)
            for part in parts:
                fh.write(part)
                written += len(part)
            planted += kinds
            by_form += forms
            lookalikes += bad
            index += 1
    truth = {
        "format": FORMAT, "seed": seed, "mb": mb, "bytes": written, "pieces": index,
        "planted": {k: planted[k] for k in synth.KINDS},
        "planted_by_form": dict(sorted(by_form.items())),
        "invalid_lookalikes": {k: lookalikes[k] for k in synth.KINDS},
        "generated_seconds": round(time.perf_counter() - t0, 1),
    }
    tmp.replace(path)
    path.with_suffix(".truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


def ensure_corpus(mb: int, seed: int, root: Path | None = None) -> Corpus:
    root = cache_dir() if root is None else root
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"pid-corpus-{mb}mb-seed{seed}-v{FORMAT}.log"
    truth_path = path.with_suffix(".truth.json")
    if path.is_file() and truth_path.is_file():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("bytes") == path.stat().st_size:
            return Corpus(path, path.stat().st_size, truth)
    truth = build_corpus(path, mb, seed)
    return Corpus(path, path.stat().st_size, truth)


# --- fixtures -------------------------------------------------------------------------------------------


RESULTS_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()
CORPUS_KEY = pytest.StashKey[Corpus]()
LOAD_KEY = pytest.StashKey[float]()


def pytest_sessionstart(session: pytest.Session) -> None:
    # Other work on the machine skews the figures (the 2-thread run most): note the load before the run.
    session.config.stash[LOAD_KEY] = os.getloadavg()[0]
    # The package's bytecode as an install leaves it (`make install`, pip): with PYTHONDONTWRITEBYTECODE=1
    # and a source edited since, every timed process would compile those modules again (0.05 s for
    # loaders/texttables.py alone), which no installed copy does.
    import compileall

    for package in ("scanner", "kernels"):
        compileall.compile_dir(str(REPO / package), quiet=1)


@pytest.fixture(scope="session")
def bench_corpus(request: pytest.FixtureRequest) -> Corpus:
    corpus = ensure_corpus(corpus_mb(request.config), corpus_seed())
    request.config.stash[CORPUS_KEY] = corpus
    return corpus


@pytest.fixture(scope="session")
def bench_results(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Per tool: bytes, seconds (median) and GB/s, filled in by the tests for the summary table."""
    return request.config.stash.setdefault(RESULTS_KEY, {})


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS_KEY, {})
    corpus = config.stash.get(CORPUS_KEY, None)
    if not results or corpus is None:
        return
    tr = terminalreporter
    tr.write_sep("=", "pid-scan summary")
    tr.write_line(f"corpus: {corpus.path} ({corpus.size / 1e6:.0f} MB, seed {corpus.truth['seed']})")
    timed = {tool: r for tool, r in results.items() if r.get("gb_per_s") is not None}
    if timed:
        cat = timed.get("cat", {}).get("gb_per_s")
        rgs = [(name, timed[name]["gb_per_s"]) for name in ("ripgrep", "ripgrep_ascii", "ripgrep_digits")
               if name in timed]
        tr.write_line("throughput: GB = 1e9 bytes, median of the timed rounds; ratios of GB/s")
        head = f"  {'tool':<18}{'MB scanned':>11}{'seconds':>10}{'GB/s':>8}{'x cat':>8}"
        tr.write_line(head + "".join(f"{'x ' + name:>17}" for name, _ in rgs))
        for tool, r in timed.items():
            vs_cat = f"{r['gb_per_s'] / cat:.3f}" if cat else "-"
            line = (f"  {tool:<18}{r['bytes'] / 1e6:>11.0f}{r['seconds']:>10.3f}{r['gb_per_s']:>8.3f}{vs_cat:>8}"
                    + "".join(f"{r['gb_per_s'] / gbps:>17.2f}" for _, gbps in rgs))
            tr.write_line(line)
        sdc1 = timed.get("sdcscan_1thread", {}).get("gb_per_s")
        sdc2 = timed.get("sdcscan_2threads", {}).get("gb_per_s")
        for name, gbps in rgs:
            if sdc2:
                tr.write_line(f"  sdcscan (2 threads) / {name} (Swedish regex only, no validation): {sdc2 / gbps:.2f}")
        if sdc1 and sdc2:
            tr.write_line(f"  sdcscan 2 threads / 1 thread: {sdc2 / sdc1:.2f}")
        proc = timed.get("sdcscan_process", {}).get("gb_per_s")
        digits = timed.get("ripgrep_digits", {}).get("gb_per_s")
        if proc and digits:
            tr.write_line(f"  whole process: sdcscan scan --select PID / rg -c '[0-9]{{6}}[-+]?[0-9]{{4}}': "
                          f"{proc / digits:.2f} (issue 14's target: 2)")
        for tool, r in timed.items():
            if r.get("note"):
                tr.write_line(f"  {tool}: {r['note']}")
        load = config.stash.get(LOAD_KEY, None)
        if load is not None:
            tr.write_line(f"  load average (1 min) before the run: {load:.2f} on {os.cpu_count()} CPUs"
                          + ("  <- other work was running: figures are not clean" if load > 0.5 else ""))
    else:
        tr.write_line("throughput: not measured (benchmarks disabled)")
    detected = next((r["detected"] for tool, r in results.items() if tool.startswith("sdcscan") and "detected" in r),
                    None)
    if detected is not None:
        tr.write_line("sdcscan detections per kind (count reported / valid numbers planted, "
                      "plus invalid look-alikes planted):")
        for kind in synth.KINDS:
            planted, bad = corpus.truth["planted"][kind], corpus.truth["invalid_lookalikes"][kind]
            tr.write_line(f"  {kind:<10} {KIND_CODES[kind]} {detected.get(kind, 0):>7} / {planted:<6} lookalikes {bad}")


# --- table benchmarks (test_bench_table.py) -------------------------------------------------------------
# Appended below the PID fixtures, which stay as they are; hence the late import.

from microdata import MicrodataSet, ensure_microdata  # noqa: E402

#: Rows of the datasets of the real run, and of the smoke run (--benchmark-disable: CI stays fast).
TABLE_DEFAULT_ROWS = "1000000,20000000"
TABLE_SMOKE_ROWS = "20000"
#: ACRO takes 7-30 s per 100k rows here: only sizes up to this run it (one is added if none is that small).
TABLE_ACRO_MAX_ROWS = 100_000
#: pandas materialises the whole frame and sorts it: only sizes up to this, unless SDCSCAN_BENCH_PANDAS_ALL=1.
TABLE_PANDAS_MAX_ROWS = 1_000_000

#: (rows, format) -> (tool, mode) -> seconds, rows_per_s and extra figures, for the summary.
TableResults = dict[tuple[int, str], dict[tuple[str, str], dict[str, Any]]]
TABLE_RESULTS_KEY = pytest.StashKey[TableResults]()
TABLE_DATA_KEY = pytest.StashKey[dict[int, MicrodataSet]]()
#: Summary row order; tools not listed come after, in the order they ran.
TABLE_TOOL_ORDER = ("read", "sdcscan_1thread", "sdcscan_2threads", "build_table", "polars", "polars_sort",
                    "duckdb", "pandas", "acro")


def _rows_env(name: str, default: str) -> tuple[int, ...]:
    text = os.environ.get(name, default)
    try:
        rows = sorted({int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise pytest.UsageError(
            f"{name}={text!r}: expected comma-separated row counts such as 1000000,20000000") from None
    if not rows or rows[0] < 1000:
        raise pytest.UsageError(f"{name}={text!r}: give at least one size of 1000 rows or more")
    return tuple(rows)


def table_sizes(config: pytest.Config) -> tuple[int, ...]:
    """Dataset sizes (rows, ascending): ``SDCSCAN_BENCH_TABLE_ROWS``, or ``..._SMOKE_ROWS`` in the smoke run."""
    if benchmarks_disabled(config):
        return _rows_env("SDCSCAN_BENCH_TABLE_SMOKE_ROWS", TABLE_SMOKE_ROWS)
    return _rows_env("SDCSCAN_BENCH_TABLE_ROWS", TABLE_DEFAULT_ROWS)


def acro_max_rows() -> int:
    """The largest size ACRO runs at (``SDCSCAN_BENCH_ACRO_MAX_ROWS``)."""
    return int(os.environ.get("SDCSCAN_BENCH_ACRO_MAX_ROWS", TABLE_ACRO_MAX_ROWS))


def acro_sizes(config: pytest.Config) -> tuple[int, ...]:
    """Sizes ACRO runs at: the sizes up to ``acro_max_rows()``, else one extra dataset of that many rows."""
    small = tuple(rows for rows in table_sizes(config) if rows <= acro_max_rows())
    return small or (acro_max_rows(),)


def table_extra_sizes(config: pytest.Config) -> tuple[int, ...]:
    """Sizes added only so that ACRO and sdcscan meet on one dataset (empty when a listed size is small)."""
    return tuple(rows for rows in acro_sizes(config) if rows not in table_sizes(config))


def pandas_sizes(config: pytest.Config) -> tuple[int, ...]:
    """Sizes pandas runs at: up to 1M rows, or all with ``SDCSCAN_BENCH_PANDAS_ALL=1``."""
    if os.environ.get("SDCSCAN_BENCH_PANDAS_ALL") == "1":
        return table_sizes(config)
    return tuple(rows for rows in table_sizes(config) if rows <= TABLE_PANDAS_MAX_ROWS)


@pytest.fixture(scope="session")
def table_data(request: pytest.FixtureRequest) -> Any:
    """A function rows -> MicrodataSet: the seeded dataset of that size, generated into the cache once."""
    datasets = request.config.stash.setdefault(TABLE_DATA_KEY, {})

    def get(rows: int) -> MicrodataSet:
        if rows not in datasets:
            datasets[rows] = ensure_microdata(rows, corpus_seed(), cache_dir())
        return datasets[rows]

    return get


@pytest.fixture(scope="session")
def table_results(request: pytest.FixtureRequest) -> TableResults:
    """Per (rows, format) and (tool, mode): median seconds and rows/s, filled in by the table benchmarks."""
    return request.config.stash.setdefault(TABLE_RESULTS_KEY, {})


def _table_rows_label(rows: int) -> str:
    return f"{rows / 1e6:g}M" if rows >= 1_000_000 else f"{rows / 1e3:g}k"


def _tool_rank(tool: str) -> int:
    return TABLE_TOOL_ORDER.index(tool) if tool in TABLE_TOOL_ORDER else len(TABLE_TOOL_ORDER)


# pytest registers a conftest's hooks by name, and the PID suite above owns pytest_terminal_summary.
@pytest.hookimpl(specname="pytest_terminal_summary")
def pytest_terminal_summary_table(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    results = config.stash.get(TABLE_RESULTS_KEY, {})
    datasets = config.stash.get(TABLE_DATA_KEY, {})
    if not results:
        return
    tr = terminalreporter
    tr.write_sep("=", "table summary")
    root = next(iter(datasets.values())).parquet.parent if datasets else cache_dir()
    tr.write_line(f"datasets in {root} (seed {corpus_seed()}):")
    for rows, data in sorted(datasets.items()):
        m = data.meta
        tr.write_line(f"  {_table_rows_label(rows):>6} rows: {m['firms']:,} firms, {m['nonempty_cells']:,} non-empty "
                      f"cells, {m['null_values']:,} null and {m['negative_values']:,} negative values; Parquet "
                      f"{m['parquet_bytes'] / 1e6:,.1f} MB, CSV {m['csv_bytes'] / 1e6:,.1f} MB")
    timed = any("seconds" in entry for tools in results.values() for entry in tools.values())
    threads = max((int(tool.split("_")[1].split("thread")[0]) for tools in results.values()
                   for tool, _ in tools if tool.startswith("sdcscan_")), default=0)
    ours_name = f"sdcscan_{threads}thread{'s' if threads > 1 else ''}"
    if timed:
        tr.write_line("mode row: per-row statistics; unit: per firm (firm_id read too). Mrows/s: rows / median "
                      "seconds.")
        tr.write_line("x read: the tool's rows/s over read's on the same file and columns (1 = as fast as only "
                      "reading them).")
        tr.write_line(f"sdcscan is: the tool's seconds over {ours_name}'s, same file and mode (> 1: sdcscan is "
                      "faster).")
    else:
        tr.write_line("throughput: not measured (benchmarks disabled)")
    for (rows, fmt), tools in sorted(results.items()):
        entries = sorted(((key, entry) for key, entry in tools.items() if not key[0].startswith("memory_")),
                         key=lambda item: (_tool_rank(item[0][0]), item[0][1]))
        if not timed or not entries:
            continue
        tr.write_line(f"  {_table_rows_label(rows)} rows, {fmt}")
        tr.write_line(f"    {'tool':<18}{'mode':<6}{'seconds':>10}{'Mrows/s':>10}{'x read':>9}{'sdcscan is':>12}")
        for (tool, mode), entry in entries:
            if "seconds" not in entry:
                continue
            read = tools.get(("read", mode), {}).get("seconds")
            ours = tools.get((ours_name, mode), {}).get("seconds")
            vs_read = f"{read / entry['seconds']:.3g}" if read else "-"
            vs_ours = f"{entry['seconds'] / ours:.3g}" if ours else "-"
            note = f"  ({entry['note']})" if entry.get("note") else ""
            tr.write_line(f"    {tool:<18}{mode:<6}{entry['seconds']:>10.3f}{entry['rows_per_s'] / 1e6:>10.3g}"
                          f"{vs_read:>9}{vs_ours:>12}{note}")
    for (rows, fmt), tools in sorted(results.items()):
        for (tool, mode), entry in sorted(tools.items()):
            if tool.startswith("memory_") and "rss_growth" in entry:
                how = "" if entry.get("reset") else " (peak not resettable: measured from the warm-up's peak)"
                tr.write_line(f"memory, {tool.removeprefix('memory_')}, {_table_rows_label(rows)} rows {fmt}, "
                              f"per {mode}: peak RSS growth {entry['rss_growth'] / 1e6:,.0f} MB in a fresh process; "
                              f"the columns it reads take {entry['arrow_bytes'] / 1e6:,.0f} MB in Arrow{how}")
    load = config.stash.get(LOAD_KEY, None)
    if load is not None and timed:
        tr.write_line(f"load average (1 min) before the run: {load:.2f} on {os.cpu_count()} CPUs"
                      + ("  <- other work was running: figures are not clean" if load > 0.5 else ""))
