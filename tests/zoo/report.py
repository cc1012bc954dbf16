"""Scan the zoo and compare every verdict with the ground truth: ``python -m tests.zoo.report``.

A flag case is *flagged* when its verdict is review or fail and at least one finding at review or block
comes from one of the case's expected rule families. A safe case is right when its verdict is pass. The
report prints recall and specificity per class, then each case that misses, with its verdict and the rule
codes it got, so a developer can iterate on the scanner:

    .venv/bin/python -m tests.zoo.report                 # mismatches and the per-class table
    .venv/bin/python -m tests.zoo.report --class 6 --all # every case of class 6
    .venv/bin/python -m tests.zoo.report --keep /tmp/zoo # keep the generated files to look at them
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.zoo.generate import CLASS_TITLES, DEFAULT_SEED, Case, Klass, build_zoo, write_zoo

__all__ = ["Outcome", "evaluate", "mismatch_lines", "scan_cases", "summary_table"]

# Findings at or above this severity count (INFO findings never change a verdict).
_REVIEW = 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """A case, what the scanner said about it, and whether that matches the ground truth."""

    case: Case
    verdict: str  # "pass", "review", "fail", or "missing" when the scan did not report the file
    rules: tuple[str, ...]  # codes of the findings at review or block, sorted, without repeats

    @property
    def flagged(self) -> bool:
        """Review or fail with a finding of an expected family."""
        return self.verdict in ("review", "fail") and any(r[:3] in self.case.families for r in self.rules)

    @property
    def ok(self) -> bool:
        return self.flagged if self.case.expect == "flag" else self.verdict == "pass"

    @property
    def exact(self) -> bool:
        """The case's own rule code was among the findings (flag cases that name one)."""
        return self.case.code is not None and self.case.code in self.rules

    def describe(self) -> str:
        """One line: the case, its truth, the verdict and rules it got, and why it is what it is."""
        truth = f"{self.case.expect} {'/'.join(sorted(self.case.families))}".rstrip()
        if self.case.code:
            truth += f" ({self.case.code})"
        rules = ",".join(self.rules) or "-"
        return f"{self.case.path}: expected {truth}; got {self.verdict} [{rules}] -- {self.case.note}"


def scan_cases(root: Path, cases: Sequence[Case], *, jobs: int = 1) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Scan the class folders under ``root``; map each reported path (``<class folder>/<file>``) to its
    verdict and the codes of its findings at review or block."""
    from scanner import api
    from scanner.config import load_config

    folders = sorted({root / c.path.split("/", 1)[0] for c in cases})
    result = api.scan(folders, load_config(), jobs=jobs)
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for f in result.files:
        rules = tuple(sorted({x.rule for x in f.findings if int(x.severity) >= _REVIEW}))
        out[f.path] = (str(f.verdict), rules)
    return out


def evaluate(cases: Sequence[Case], scanned: dict[str, tuple[str, tuple[str, ...]]]) -> list[Outcome]:
    """Pair every case with the scanner's answer for its file."""
    return [Outcome(c, *scanned.get(c.path, ("missing", ()))) for c in cases]


def _klass_key(k: Klass) -> tuple[int, int]:
    return (1, 0) if isinstance(k, str) else (0, k)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "      -"


def summary_table(outcomes: Sequence[Outcome]) -> str:
    """Recall (flag cases flagged), exact-code hits and specificity (safe cases passed) per class."""
    lines = [f"{'class':<14}{'title':<60}{'flag':>5}{'hit':>5}{'recall':>9}{'code':>6}"
             f"{'safe':>6}{'pass':>6}{'review':>7}{'fail':>5}{'spec.':>9}"]
    totals = [0] * 7
    for klass in sorted({o.case.klass for o in outcomes}, key=_klass_key):
        group = [o for o in outcomes if o.case.klass == klass]
        flags = [o for o in group if o.case.expect == "flag"]
        safes = [o for o in group if o.case.expect == "safe"]
        row = [len(flags), sum(o.flagged for o in flags), sum(o.exact for o in flags), len(safes),
               sum(o.verdict == "pass" for o in safes), sum(o.verdict == "review" for o in safes),
               sum(o.verdict == "fail" for o in safes)]
        totals = [t + v for t, v in zip(totals, row, strict=True)]
        lines.append(_table_row(str(klass), CLASS_TITLES[klass][:58], row))
    lines.append(_table_row("total", "", totals))
    return "\n".join(lines)


def _table_row(name: str, title: str, row: Sequence[int]) -> str:
    flags, hit, exact, safes, passed, review, fail = row
    flag_part = f"{flags:>5}{hit:>5}{_share(hit, flags):>9}{exact:>6}" if flags else f"{'':>25}"
    safe_part = f"{safes:>6}{passed:>6}{review:>7}{fail:>5}{_share(passed, safes):>9}" if safes else ""
    return f"{name:<14}{title:<60}{flag_part}{safe_part}".rstrip()


def mismatch_lines(outcomes: Sequence[Outcome], *, everything: bool = False) -> list[str]:
    """One line per case that misses its ground truth (or per case, with ``everything``), by class."""
    lines: list[str] = []
    for klass in sorted({o.case.klass for o in outcomes}, key=_klass_key):
        group = [o for o in outcomes if o.case.klass == klass and (everything or not o.ok)]
        if not group:
            continue
        lines.append(f"-- class {klass}: {CLASS_TITLES[klass]}")
        lines.extend(f"  {'ok  ' if o.ok else 'MISS'} {o.describe()}" for o in group)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the zoo, scan it with the default configuration (profile dst) and print the comparison."""
    parser = argparse.ArgumentParser(prog="python -m tests.zoo.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the zoo here (outside the repository) "
                                                                   "and leave it; default: a temporary folder")
    parser.add_argument("--class", dest="klass", action="append", metavar="K",
                        help="only these classes (1..15 or ordinary-safe); repeatable")
    parser.add_argument("--all", action="store_true", help="print every case, not only the mismatches")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for the scan (default 1)")
    args = parser.parse_args(argv)
    # Fingerprints are not shown here: a throwaway key keeps the scan from creating a key file.
    os.environ.setdefault("SDCSCAN_FINGERPRINT_KEY", "00112233445566778899aabbccddeeff")
    cases = build_zoo(args.seed)
    if args.klass:
        wanted = set(args.klass)
        cases = [c for c in cases if str(c.klass) in wanted]
        if not cases:
            print(f"error: no cases in classes {sorted(wanted)}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="sdcscan-zoo-") as tmp:
        root = args.keep if args.keep is not None else Path(tmp) / "zoo"
        try:
            write_zoo(root, cases, seed=args.seed)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        outcomes = evaluate(cases, scan_cases(root, cases, jobs=args.jobs))
    lines = mismatch_lines(outcomes, everything=args.all)
    print("\n".join(lines) if lines else "every case matches its ground truth")
    print()
    print(summary_table(outcomes))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
