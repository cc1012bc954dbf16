"""Printed output larger than a parse piece is read in pieces cut at paragraph ends: bounded memory, the
same tables at the same lines."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import api
from scanner.config import load_config
from scanner.discover import discover
from scanner.loaders import printouts


@given(st.lists(st.sampled_from(["x" * 30, "", "\r", "row 1 2 3", "y" * 200]), max_size=200), st.integers(16, 400))
@settings(max_examples=200, deadline=None)
def test_pieces_cover_the_block_within_the_limit_and_cut_after_line_ends(lines: list[str], limit: int) -> None:
    data = ("\n".join(lines)).encode()
    buf = np.frombuffer(data, dtype=np.uint8) if data else np.zeros(0, np.uint8)
    pieces = list(printouts._pieces(buf, 0, len(data), limit))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    assert all(e - s <= limit for s, e in pieces)
    for s, e in pieces[:-1]:
        window = data[s + limit // 2:s + limit]
        if b"\n" in window:
            assert data[e - 1:e] == b"\n"  # a cut after a line break whenever the window has one
        if b"\n\n" in window:
            assert data[e - 2:e] == b"\n\n"  # and after a blank line whenever it has one


STATA = """\
. tab region sex

{filler}
           |          sex
    region |         1          2 |     Total
-----------+----------------------+----------
         1 |       120        131 |       251
         2 |         2         45 |        47
-----------+----------------------+----------
     Total |       122        176 |       298
"""


def test_a_table_after_a_long_stretch_of_output_is_found_at_its_line(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    filler = "\n\n".join(f"note: {k} observations had missing values in the covariates" for k in range(400))
    path = tmp_path / "analysis.log"
    path.write_text(STATA.format(filler=filler), encoding="utf-8")
    line = STATA.format(filler=filler).splitlines().index("         2 |         2         45 |        47") + 1

    def tab001_lines() -> list[int | None]:
        result = api.scan([path], load_config())
        return [f.location.line for f in result.files[0].findings if f.rule == "TAB001"]

    whole = tab001_lines()
    monkeypatch.setattr(printouts, "MAX_BLOCK_BYTES", 2048)  # the output block is 24 KB: eight pieces or more
    assert len(list(printouts._pieces(np.frombuffer(path.read_bytes(), np.uint8), 0, path.stat().st_size))) >= 8
    assert tab001_lines() == whole == [line]
    assert next(iter(discover([path]))).kind.value == "log"
