"""kernels.pid against its plain-Python specification (tests/reference/pid.py), and recall on scanner.synth.

The kernels must agree with the reference exactly: the same candidates (start, end, kinds, shape, flags,
context), the same shape counts, and a VALUE column holding the candidate's digits. Hand-picked edge cases
come first, then hypothesis (random bytes, synthetic numbers and traps glued together, chunk boundaries,
Arrow string columns, integer columns), then recall: every synthetic number of every kind and written form
is found in text, as a string value and (digit-only forms) as an integer.
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernels import pid
from scanner import pid_scan, synth
from tests.conftest import REPO
from tests.reference import pid as ref

KW = pid.keyword_table({ref.CTX_PERSON: ref.PERSON_WORDS, ref.CTX_BUSINESS: ref.BUSINESS_WORDS,
                        ref.CTX_NEGATIVE: ref.NEGATIVE_WORDS})
WINDOW = ref.CONTEXT_BYTES
PROPERTY = settings(max_examples=300, deadline=None)

BITS = {
    "se_pnr": pid.SE_PNR, "se_samnr": pid.SE_SAMNR, "dk_cpr": pid.DK_CPR, "no_fnr": pid.NO_FNR,
    "no_dnr": pid.NO_DNR, "fi_hetu": pid.FI_HETU, "se_orgnr": pid.SE_ORGNR, "dk_cvr": pid.DK_CVR,
}
#: Where a form's digits start in its text (the VAT prefixes ``SE``/``DK`` are not part of the candidate).
PREFIX = {"vat": 2, "dk": 2}
#: Forms written with digits only, and the shape their integer is read as.
INT_SHAPES = {"d8": ref.D8, "d10": ref.D10, "d11": ref.D11, "d12": ref.D12}

Row = tuple[int, int, int, int, int, int]  # start, end, kinds, shape, flags, ctx


# --- helpers -----------------------------------------------------------------------------------------------


def _u8(buf: bytes) -> np.ndarray:
    return np.frombuffer(buf, dtype=np.uint8)


def _value(text: bytes, shape: int) -> int:
    """What the kernel's VALUE column must hold for a candidate written as ``text``."""
    if shape == ref.SFI:
        return int(text[:6] + text[7:10]) * 65536 + text[6] * 256 + text[10]
    return int(bytes(b for b in text if 48 <= b <= 57))


def _ref_rows(cands: Sequence[ref.Candidate]) -> list[Row]:
    return [(c.start, c.end, c.kinds, c.shape, c.flags, c.ctx) for c in cands]


def _check_table(cands: np.ndarray) -> None:
    assert cands.dtype == np.int64
    assert cands.ndim == 2 and cands.shape[1] == len(pid.COLUMNS) == 8


#: Block widths of the run-start pass (``pid._run_starts``): the default, none (one byte at a time), and
#: small ones, so that short buffers cross block boundaries too.
BLOCKS = (4096, 0, 8, 24)


def kernel_scan(buf: bytes, lo: int = 0, hi: int | None = None, block: int = 4096) -> tuple[np.ndarray, list[int]]:
    cands, counts = pid.scan_bytes(_u8(buf), lo, len(buf) if hi is None else hi, WINDOW, *KW, block)
    _check_table(cands)
    assert counts.shape == (pid.N_SHAPES,)
    return cands, [int(c) for c in counts]


def assert_same(buf: bytes) -> list[Row]:
    """scan_bytes over all of ``buf`` equals ref.scan, whatever the block width; VALUE holds the digits.
    Returns the candidates."""
    expected, ref_counts = ref.scan(buf)
    for block in BLOCKS:
        cands, counts = kernel_scan(buf, block=block)
        rows: list[Row] = [(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in cands]
        assert rows == _ref_rows(expected), (buf, block)
        assert counts == ref_counts, (buf, block)
        assert (cands[:, 6] == -1).all()
        for r in cands:
            start, end, shape = int(r[0]), int(r[1]), int(r[3])
            assert int(r[7]) == _value(buf[start:end], shape), (buf, start, end)
    return rows


def arrow_columns(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(int64 offsets, uint8 data, bool valid) of a string or large_string array, honouring its offset."""
    _, offsets_buf, data_buf = arr.buffers()
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    raw = np.frombuffer(offsets_buf, dtype=width)
    offsets = np.array(raw[arr.offset: arr.offset + len(arr) + 1], dtype=np.int64)
    data = _u8(b"") if data_buf is None or data_buf.size == 0 else np.frombuffer(data_buf, dtype=np.uint8)
    valid = np.array(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    return offsets, data, valid


def assert_strings_same(offsets: np.ndarray, data: np.ndarray, valid: np.ndarray,
                        values: list[str | None]) -> None:
    """scan_strings over the column equals ref.scan_values(values) (offsets relative to each value)."""
    cands, counts, nonempty = pid.scan_strings(offsets, data, valid, WINDOW, *KW)
    _check_table(cands)
    found, ref_counts, ref_nonempty = ref.scan_values(values)
    rows = []
    raw = data.tobytes()
    for r in cands:
        row, a = int(r[6]), int(offsets[int(r[6])])
        start, end, shape = int(r[0]), int(r[1]), int(r[3])
        rows.append((row, start - a, end - a, int(r[2]), shape, int(r[4]), int(r[5])))
        assert a <= start < end <= int(offsets[row + 1])
        assert int(r[7]) == _value(raw[start:end], shape)
    assert rows == [(row, c.start, c.end, c.kinds, c.shape, c.flags, c.ctx) for row, c in found], values
    assert [int(c) for c in counts] == ref_counts
    assert int(nonempty) == ref_nonempty


def assert_ints_same(values: list[int | None], filler: int = 8803200016) -> None:
    """scan_ints equals ref.scan_ints; null slots hold ``filler`` (a valid number) and must be skipped."""
    arr = np.array([filler if v is None else v for v in values], dtype=np.int64)
    valid = np.array([v is not None for v in values], dtype=np.bool_)
    cands, counts, positive = pid.scan_ints(arr, valid)
    _check_table(cands)
    found, ref_counts, ref_positive = ref.scan_ints(values)
    assert [(int(r[6]), int(r[2]), int(r[3]), int(r[4])) for r in cands] == found, values
    assert [int(c) for c in counts] == ref_counts
    assert int(positive) == ref_positive
    for r in cands:
        assert r[0] == 0 and r[1] == 0 and r[5] == 0
        assert int(r[7]) == values[int(r[6])]


# --- hand-picked numbers (each validates by the reference; see test_picked_numbers_are_valid) -------------

PICKED: dict[str, tuple[str, int]] = {  # text: (shape, kind bits it must have)
    "47729084": ("d8", pid.DK_CVR),
    "8803200016": ("d10", pid.SE_PNR),
    "2903959587": ("d10", pid.DK_CPR),
    "9945783406": ("d10", pid.SE_ORGNR),
    "1510611369": ("d10", pid.SE_SAMNR | pid.DK_CPR),
    "13041486176": ("d11", pid.NO_FNR),
    "52110689845": ("d11", pid.NO_DNR),
    "198803200016": ("d12", pid.SE_PNR),
    "169945783406": ("d12", pid.SE_ORGNR),
    "880320-0016": ("6s4", pid.SE_PNR),
    "960521+1177": ("6s4", pid.SE_PNR),
    "290395-9587": ("6s4", pid.DK_CPR),
    "994578-3406": ("6s4", pid.SE_ORGNR),
    "150222-5667": ("6s4", pid.FI_HETU),
    "110460+2008": ("6s4", pid.FI_HETU),
    "19880320-0016": ("8s4", pid.SE_PNR),
    "16994578-3406": ("8s4", pid.SE_ORGNR),
    "130414 86176": ("6s5", pid.NO_FNR),
    "130414-86176": ("6s5", pid.NO_FNR),
    "521106 89845": ("6s5", pid.NO_DNR),
    "311211-349S": ("fi", pid.FI_HETU),
    "160431V8853": ("fi", pid.FI_HETU),
    "240901C8115": ("fi", pid.FI_HETU),
    "220262+450A": ("fi", pid.FI_HETU),
}
PICKED_BYTES = [t.encode() for t in PICKED]

EDGE_CASES: dict[str, bytes] = {
    "empty": b"",
    "one digit": b"7",
    "only digits d8": b"47729084",
    "only digits d10": b"8803200016",
    "only digits 9": b"880320001",
    "only digits 13": b"8803200016123",
    "only digits long run": b"0123456789" * 20,
    "only digits 6": b"880320",
    "pnr underscore": b"pnr_198803200016",
    "id equals semicolon": b"id=8803200016;",
    "letters both sides": b"abc8803200016xyz",
    "letter before": b"a8803200016",
    "letter after": b"8803200016x",
    "underscores both sides": b"_8803200016_",
    "hex hash piece": b"a3f4911106260d",
    "hex hash piece upper": b"A3F4911106260D",
    "letters both sides 6s4": b"x880320-0016y",
    "letters both sides d8": b"x47729084y",
    "letters both sides fi": b"x311211-349S-",
    "letter and non-ascii letter": "x8803200016ø".encode(),
    "license": b"license8803200016",
    "at end": b"the number 8803200016",
    "at start": b"8803200016 is the number",
    "two adjacent": b"8803200016 8803200016",
    "two joined by dash": b"8803200016-8803200016",
    "amount": b"1234567890.50",
    "amount of a pnr": b"8803200016.50",
    "pnr then dot": b"8803200016.",
    "pnr then dot letter": b"8803200016.x",
    "fraction": b"0.8803200016",
    "dot without integer part": b".8803200016",
    "letter dot": b"x.8803200016",
    "comma decimal": b"8803200016,50",
    "comma before": b"5,8803200016",
    "6s4 fraction": b"1.880320-0016",
    "6s4 then decimal": b"880320-0016.5",
    "6s4 then dot": b"880320-0016.",
    "8s4 then decimal": b"19880320-0016.25",
    "6s5 then decimal": b"130414 86176.1",
    "fi then decimal": b"311211-349S.5",
    "d8 amount": b"47729084.00",
    "6s4 space": b"880320 0016",
    "6s5 plus": b"130414+86176",
    "8s4 plus": b"19880320+0016",
    "8s4 space": b"19880320 0016",
    "6s4 five digits": b"880320-00161",
    "8s4 five digits": b"19880320-00161",
    "6s4 three digits": b"880320-001",
    "6 digits then sep at end": b"880320-",
    "6s4 cut at end": b"880320-00",
    "fi truncated": b"311211-349",
    "fi letter after": b"311211-349Sx",
    "fi digit after": b"311211-349S7",
    "fi underscore after": b"311211-349S_",
    "fi dash after": b"311211-349S-",
    "fi letter sign letter after": b"240901C8115a",
    "fi numeric check letter after": b"150222-5667a",
    "fi numeric check digit after": b"150222-56678",
    "fi numeric check plus letter": b"110460+2008Z",
    "fi lower sign": b"160431v8853",
    "fi lower check": b"311211-349s",
    "fi bad sign": b"160431G8853",
    "fi sign Z": b"160431Z8853",
    "fi invalid check letter": b"311211-349G",
    "vat se": b"SE994578340601",
    "vat se lower": b"se994578340601",
    "vat se prefixed": b"xSE994578340601",
    "vat se after digit": b"7SE994578340601",
    "vat se after underscore": b"_SE994578340601",
    "vat se after non-ascii letter": "åSE994578340601".encode(),
    "vat dk prefixed": b"xDK47729084",
    "vat dk after punctuation": b"(DK47729084)",
    "vat se space": b"SE 994578340601",
    "vat se wrong suffix": b"SE994578340602",
    "vat se newline": b"SE\n994578340601",
    "vat dk": b"DK47729084",
    "vat dk lower": b"dk47729084",
    "vat dk space": b"DK 47729084",
    "vat se on d8": b"SE47729084",
    "vat dk on d12": b"DK994578340601",
    "context newline": b"pnr\n8803200016",
    "context crlf": b"pnr\r\n8803200016",
    "context newline cvr": b"cvr:\n47729084",
    "context same line": b"pnr: 8803200016",
    "context 48": b"pnr" + b"x" * 45 + b"8803200016",
    "context 49": b"pnr" + b"x" * 46 + b"8803200016",
    "context 48 business": b"orgnr" + b"_" * 43 + b"9945783406",
    "context 49 business": b"orgnr" + b"_" * 44 + b"9945783406",
    "context word cut by window": b"organisation" + b"-" * 40 + b"9945783406",
    "context touching": b"pnr8803200016",
    "context upper": b"PNR: 8803200016",
    "context mixed case": b"PersonNr 8803200016",
    "context upper cvr": b"CVR-nr. 47729084",
    "context upper negative": b"Tel 0701234567 TOTAL 8803200016",
    "context all three": b"pnr cvr tel 8803200016",
    "context after number": b"8803200016 pnr",
    "context second on line": b"pnr 8803200016 amount 8803200016",
    "context utf8 word": "fødselsnummer 13041486176".encode(),
    "context utf8 upper": "FØDSELSNUMMER 13041486176".encode(),
    "context utf8 henkilo": "henkilötunnus: 311211-349S".encode(),
    "context latin1": "f\xf8dsel 13041486176".encode("latin-1"),
    "non-ascii around": "ø8803200016ø".encode(),
    "non-ascii high bytes": b"\xff\xfe8803200016\x80\x00",
    "non-ascii nul": b"\x008803200016\x00",
    "fullwidth digits": "８８０３２００００１６".encode(),
    "non-ascii sep": "880320–0016".encode(),
    "non-ascii after fi": "311211-349Sø".encode(),
    "tabs": b"\t8803200016\t47729084\t",
}
for _text in PICKED:
    EDGE_CASES[f"picked {_text}"] = _text.encode()
    EDGE_CASES[f"picked {_text} in text"] = f"x {_text};".encode()


@pytest.mark.parametrize("text", list(PICKED))
def test_picked_numbers_are_valid(text: str) -> None:
    shape, bits = PICKED[text]
    cands, _ = ref.scan(text.encode())
    assert len(cands) == 1
    assert (cands[0].start, cands[0].end, ref.SHAPES[cands[0].shape]) == (0, len(text), shape)
    assert cands[0].kinds & bits == bits


@pytest.mark.parametrize("buf", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_cases(buf: bytes) -> None:
    assert_same(buf)


def test_edge_case_meaning() -> None:
    """What some edge cases must give (the comparison alone would pass if both sides were wrong alike)."""
    def found(name: str) -> list[Row]:
        return assert_same(EDGE_CASES[name])

    assert found("pnr underscore") == [(4, 16, pid.SE_PNR, ref.D12, 0, pid.CTX_PERSON)]
    assert found("id equals semicolon") == [(3, 13, pid.SE_PNR, ref.D10, 0, 0)]
    assert found("only digits d10") == [(0, 10, pid.SE_PNR, ref.D10, 0, 0)]
    assert found("at end") == [(11, 21, pid.SE_PNR, ref.D10, 0, 0)]
    for name in ("amount", "amount of a pnr", "fraction", "6s4 fraction", "6s4 then decimal", "8s4 then decimal",
                 "6s5 then decimal", "fi then decimal", "fi letter after", "fi digit after", "only digits long run",
                 "empty", "only digits 9", "only digits 13", "fi truncated", "fi lower sign", "fi lower check",
                 "letters both sides", "hex hash piece", "letters both sides 6s4", "6s5 plus", "6s4 space",
                 "vat se wrong suffix", "vat se space", "vat se prefixed", "vat se newline"):
        assert found(name) == [], name
    for name in ("pnr then dot", "pnr then dot letter", "letter dot", "dot without integer part", "comma decimal",
                 "comma before", "6s4 then dot", "letter before", "letter after", "underscores both sides",
                 "letter and non-ascii letter", "non-ascii around", "non-ascii high bytes", "tabs"):
        assert found(name) and found(name)[0][2] & pid.SE_PNR, name
    assert found("fi underscore after")[0][2:4] == (pid.FI_HETU, ref.SFI)
    assert found("fi dash after")[0][2:4] == (pid.FI_HETU, ref.SFI)
    assert found("fi numeric check letter after")[0][2] & pid.FI_HETU == 0
    assert found("picked 150222-5667")[0][2] & pid.FI_HETU and found("picked 150222-5667")[0][3] == ref.S6S4
    assert found("vat se")[0] == (2, 14, pid.SE_ORGNR, ref.D12, 0, pid.CTX_BUSINESS)
    assert found("vat se lower")[0][:4] == (2, 14, pid.SE_ORGNR, ref.D12)
    assert found("vat se after digit")[0][:4] == (3, 15, pid.SE_ORGNR, ref.D12)
    assert found("vat dk")[0] == (2, 10, pid.DK_CVR, ref.D8, 0, pid.CTX_BUSINESS)
    assert found("vat dk space")[0][5] == 0
    assert found("vat dk prefixed")[0][5] == 0
    assert found("license")[0][5] == 0  # "se" inside a word is no VAT prefix
    assert found("context newline")[0][5] == 0
    assert found("context crlf")[0][5] == 0
    assert found("context newline cvr")[0][5] == 0
    assert found("context 48")[0][5] == pid.CTX_PERSON
    assert found("context 49")[0][5] == 0
    assert found("context 48 business")[0][5] == pid.CTX_BUSINESS
    assert found("context 49 business")[0][5] == 0
    assert found("context word cut by window")[0][5] == 0
    assert found("context touching")[0][5] == pid.CTX_PERSON
    assert found("context upper")[0][5] == pid.CTX_PERSON
    assert found("context mixed case")[0][5] == pid.CTX_PERSON
    assert found("context upper cvr")[0][5] == pid.CTX_BUSINESS
    assert found("context all three")[0][5] == pid.CTX_PERSON | pid.CTX_BUSINESS | pid.CTX_NEGATIVE
    assert found("context after number")[0][5] == 0
    assert found("context utf8 word")[0][5] == pid.CTX_PERSON
    assert found("context utf8 upper")[0][5] == 0  # only ASCII letters are lower-cased
    assert found("context latin1")[0][5] == 0
    assert [(r[0], r[5]) for r in found("context second on line")] == [
        (4, pid.CTX_PERSON), (22, pid.CTX_PERSON | pid.CTX_NEGATIVE)]
    assert [r[4] for r in found("picked 960521+1177")] == [pid.FLAG_SEP | pid.FLAG_PLUS]
    assert kernel_scan(EDGE_CASES["6s4 five digits"])[1][ref.S6S5] == 1
    assert kernel_scan(EDGE_CASES["8s4 plus"])[1][ref.D8] == 1


def test_many_candidates_grow_the_table() -> None:
    buf = b" ".join(PICKED_BYTES * 40)  # about 1,000 candidates: the kernel's table starts at 256 rows
    rows = assert_same(buf)
    assert len(rows) == len(PICKED) * 40
    values: list[str | None] = [t.decode() for t in PICKED_BYTES * 40]
    assert_strings_same(*arrow_columns(pa.array(values, pa.string())), values)
    ints: list[int | None] = [int(t) for t in PICKED if t.isdigit()] * 60
    assert_ints_same(ints)


def test_lo_hi_bounds_the_starts() -> None:
    buf = b"pnr 8803200016 cvr 47729084 x"
    cands, counts = kernel_scan(buf, 8, 20)  # starts inside the first number: only the CVR starts in [8, 20)
    assert [tuple(int(x) for x in r[:6]) for r in cands] == [(19, 27, pid.DK_CVR, ref.D8, 0,
                                                              pid.CTX_PERSON | pid.CTX_BUSINESS)]
    assert counts == [1, 0, 0, 0, 0, 0, 0, 0]
    cands, counts = kernel_scan(buf, 5, 5)
    assert len(cands) == 0 and counts == [0] * 8


def test_context_words_match_scanner() -> None:
    assert pid_scan.PERSON_WORDS == ref.PERSON_WORDS
    assert pid_scan.BUSINESS_WORDS == ref.BUSINESS_WORDS
    assert pid_scan.NEGATIVE_WORDS == ref.NEGATIVE_WORDS
    assert pid_scan.CONTEXT_BYTES == ref.CONTEXT_BYTES
    assert (pid_scan.CTX_PERSON, pid_scan.CTX_BUSINESS, pid_scan.CTX_NEGATIVE) == (
        ref.CTX_PERSON, ref.CTX_BUSINESS, ref.CTX_NEGATIVE)
    assert pid_scan.SHAPE_NAMES == ref.SHAPES == pid.SHAPES


def test_constants_match_reference() -> None:
    for name in ("SE_PNR", "SE_SAMNR", "DK_CPR", "NO_FNR", "NO_DNR", "FI_HETU", "SE_ORGNR", "DK_CVR", "FLAG_SEP",
                 "FLAG_PLUS", "FLAG_STRICT", "CTX_PERSON", "CTX_BUSINESS", "CTX_NEGATIVE"):
        assert getattr(pid, name) == getattr(ref, name), name
    assert {k.bit for k in pid_scan.KINDS} == set(BITS.values())


def test_keyword_table() -> None:
    kw, off, cls = KW
    words = [*ref.PERSON_WORDS, *ref.BUSINESS_WORDS, *ref.NEGATIVE_WORDS]
    bare = [w.removeprefix("^").removesuffix("$") for w in words]
    assert [kw[off[k]:off[k + 1]].tobytes().decode() for k in range(len(words))] == bare
    flags = [(pid.WORD_START if w.startswith("^") else 0) | (pid.WORD_END if w.endswith("$") else 0) for w in words]
    classes = [ref.CTX_PERSON] * len(ref.PERSON_WORDS) + [ref.CTX_BUSINESS] * len(ref.BUSINESS_WORDS) + [
        ref.CTX_NEGATIVE] * len(ref.NEGATIVE_WORDS)
    assert list(cls) == [c | f for c, f in zip(classes, flags, strict=True)]
    with pytest.raises(ValueError, match="empty"):
        pid.keyword_table({1: ("pnr", "")})
    with pytest.raises(ValueError, match="empty"):
        pid.keyword_table({1: ("^$",)})


@pytest.mark.parametrize(("text", "ctx"), [
    # a word marked to start a word is not found inside another ("port" in "important", "vat" in
    # "observations", "firma" in "confirmation"); unmarked words are ("pnr" in "lopnr")
    (b"Important: 010180-1234", 0),
    (b"see the report 0101801234", 0),
    (b"Observations    1390807079", 0),
    (b"Sum Observations    1390807079", ref.CTX_NEGATIVE),
    (b"confirmation 5560360793", 0),
    (b"port 0101801234", ref.CTX_NEGATIVE),
    (b"report; port 0101801234", ref.CTX_NEGATIVE),
    (b"VAT 5560360793", ref.CTX_BUSINESS),
    (b"lopnr 0101801234", ref.CTX_PERSON),
    (b"belob_kr 0101801234", ref.CTX_NEGATIVE),
    (b"kroner 0101801234", 0),
    (b"bel\xc3\xb8b 0101801234", ref.CTX_NEGATIVE),
    (b"m\xc3\xa6ngde 0101801234", 0),
])
def test_context_words_that_must_start_or_end_a_word(text: bytes, ctx: int) -> None:
    start = len(text) - len(text.split()[-1])
    assert ref.context(text, start) == ctx
    assert int(pid._context(np.frombuffer(text, np.uint8), start, 0, ref.CONTEXT_BYTES, *pid._first_bytes(
        KW[0], KW[1]), *KW)) == ctx


def test_chunk_at_every_byte_of_the_edge_cases() -> None:
    """Two chunks split at every position, and one-byte chunks, give the single call's table."""
    for buf in [*EDGE_CASES.values(), b"pnr=" + b" ".join(PICKED_BYTES)]:
        whole, counts = kernel_scan(buf)
        n = len(buf)
        for cut in range(n + 1):
            assert_chunked_same(buf, [0, cut, n], whole, counts)
        assert_chunked_same(buf, list(range(n + 1)), whole, counts)


def assert_chunked_same(buf: bytes, bounds: list[int], whole: np.ndarray, counts: list[int], block: int = 4096) -> None:
    parts = [kernel_scan(buf, a, b, block) for a, b in itertools.pairwise(bounds)]
    joined = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, 8), np.int64)
    assert joined.tolist() == whole.tolist(), (buf, bounds)
    summed = [sum(col) for col in zip(*(p[1] for p in parts), strict=True)] if parts else [0] * 8
    assert summed == counts, (buf, bounds)


# --- hypothesis: random bytes and synthetic text --------------------------------------------------------------

ALPHABET = "0123456789-+ .,_\nabcpnrcvrDKSEAXY"
WORD_BYTES = [w.encode() for w in (*ref.PERSON_WORDS, *ref.BUSINESS_WORDS, *ref.NEGATIVE_WORDS)]
SNIPPETS = [*PICKED_BYTES, *WORD_BYTES, b"SE", b"DK", b"se", b"dk", b".", b"\n", b"-", b"+", b" ",
            "ø".encode(), b"\xff", b"PNR", b"CVR", b"x" * 40]

noise = st.one_of(
    st.binary(max_size=24),
    st.text(alphabet=ALPHABET, max_size=40).map(str.encode),
    st.text(max_size=8).map(str.encode),
    st.sampled_from(SNIPPETS),
)
random_buffers = st.one_of(
    st.binary(max_size=200),
    st.text(alphabet=ALPHABET, max_size=200).map(str.encode),
    st.lists(noise, max_size=16).map(b"".join),
)

# A pool of synthetic numbers (every kind and form) and traps, glued with random separators and context.
SYNTH_POOL = [text.encode() for kind in synth.KINDS for _, text in synth.samples(kind, 60, seed=11)]
TRAP_POOL = [text.encode() for _, text in synth.traps(220, seed=5)]
GLUE_ALPHABET = "-+ .,;:_=/()\n\tabxyzSEDKpnrø€0123456789"
GLUE_SNIPPETS = [b"SE", b"DK", b"se", b"dk", b".", b"\n", b"-", b"+", b" ", b"x" * 40, b"PNR ", b"Tel: ", b"\xff"]
glue = st.one_of(st.text(alphabet=GLUE_ALPHABET, max_size=5).map(str.encode), st.sampled_from(GLUE_SNIPPETS),
                 st.sampled_from(WORD_BYTES).map(lambda w: w + b" "))
synth_buffers = st.lists(
    st.tuples(glue, st.one_of(st.sampled_from(SYNTH_POOL), st.sampled_from(TRAP_POOL))), max_size=14,
).map(lambda parts: b"".join(g + p for g, p in parts))


@PROPERTY
@given(random_buffers)
def test_random_bytes_match_reference(buf: bytes) -> None:
    assert_same(buf)


@PROPERTY
@given(synth_buffers, glue)
def test_synthetic_text_matches_reference(buf: bytes, tail: bytes) -> None:
    assert_same(buf + tail)


@PROPERTY
@given(st.one_of(random_buffers, synth_buffers), st.data())
def test_chunks_give_the_single_call_result(buf: bytes, data: st.DataObject) -> None:
    n = len(buf)
    cuts = data.draw(st.lists(st.integers(0, n), max_size=10), label="cuts")
    block = data.draw(st.sampled_from(BLOCKS), label="block")
    whole, counts = kernel_scan(buf)
    assert_chunked_same(buf, [0, *sorted(cuts), n], whole, counts, block)


@settings(max_examples=60, deadline=None)
@given(st.one_of(random_buffers, synth_buffers), st.sampled_from(BLOCKS))
def test_interpreted_kernel_matches_compiled(buf: bytes, block: int) -> None:
    """The kernel's own Python source, as kernels/_jit.py runs small calls before Numba is loaded, gives
    the compiled kernel's result (the reference checks the compiled one)."""
    from kernels import _jit

    args = (_u8(buf), 0, len(buf), WINDOW, *KW, block)
    cands, counts = pid.scan_bytes(*args)
    slow_cands, slow_counts = _jit.interpreted(pid.scan_bytes, *args)
    assert slow_cands.tolist() == cands.tolist(), buf
    assert slow_counts.tolist() == counts.tolist(), buf


def test_large_text_matches_reference_across_blocks() -> None:
    """A text of many blocks and regions (``_run_starts`` works 256 blocks at a time): the same as the
    reference, and as one byte at a time."""
    text, _ = synth.document(3000, 29, plant=dict.fromkeys(synth.KINDS, 40))
    buf = text.encode("utf-8")
    assert len(buf) > 256 * 24 * 3
    expected, ref_counts = ref.scan(buf)
    for block in (4096, 0, 24):
        cands, counts = kernel_scan(buf, block=block)
        assert [tuple(int(x) for x in r[:6]) for r in cands] == _ref_rows(expected), block
        assert counts == ref_counts, block


# --- hypothesis: string columns ------------------------------------------------------------------------------

SAMPLE_TEXTS = [b.decode() for b in SYNTH_POOL + TRAP_POOL]
string_values = st.one_of(
    st.none(),
    st.just(""),
    st.text(alphabet=ALPHABET + "øöå€😀", max_size=30),
    st.text(max_size=6),
    st.sampled_from(SAMPLE_TEXTS),
    st.tuples(st.sampled_from(["", "pnr ", "x", "SE", "cvr=", "tel ", "ø"]), st.sampled_from(SAMPLE_TEXTS),
              st.sampled_from(["", " ", "x", ".5", "9", ";"])).map("".join),
)


@PROPERTY
@given(st.lists(string_values, max_size=30), st.data())
def test_string_column_matches_reference(values: list[str | None], data: st.DataObject) -> None:
    typ = data.draw(st.sampled_from([pa.string(), pa.large_string()]), label="type")
    arr = pa.array(values, typ)
    start = data.draw(st.integers(0, len(values)), label="slice start")
    stop = data.draw(st.integers(start, len(values)), label="slice stop")
    sliced = arr[start:stop]
    assert_strings_same(*arrow_columns(sliced), values[start:stop])


@PROPERTY
@given(st.lists(string_values, max_size=20), st.binary(max_size=12), st.binary(max_size=12),
       st.sampled_from([b"", b"8803200016", b"pnr ", b"9"]))
def test_string_column_reads_only_its_values(values: list[str | None], before: bytes, after: bytes,
                                             null_bytes: bytes) -> None:
    """A hand-built column with bytes before the first value, after the last and under null slots."""
    pieces = [null_bytes if v is None else v.encode() for v in values]
    offsets = np.array(np.cumsum([len(before), *map(len, pieces)]), dtype=np.int64)
    data = _u8(before + b"".join(pieces) + after)
    valid = np.array([v is not None for v in values], dtype=np.bool_)
    assert_strings_same(offsets, data, valid, values)


# --- hypothesis: integer columns -----------------------------------------------------------------------------

INT_POOL = [int(text) for kind in synth.KINDS for form, text in synth.samples(kind, 80, seed=13)
            if form in INT_SHAPES]
BOUNDARIES = [0, -1, 1, 10**7 - 1, 10**7, 10**8 - 1, 10**8, 10**9 - 1, 10**9, 10**10 - 1, 10**10, 10**11 - 1,
              10**11, 10**12 - 1, 10**12, 2**63 - 1, -(2**63)]
int_values = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(7, 13).flatmap(lambda k: st.integers(10 ** (k - 1), 10**k - 1)),
    st.sampled_from(INT_POOL),
    st.sampled_from(INT_POOL).map(lambda v: -v),
    st.sampled_from(BOUNDARIES),
)


@PROPERTY
@given(st.lists(int_values, max_size=60))
def test_int_column_matches_reference(values: list[int | None]) -> None:
    assert_ints_same(values)


def test_int_pool_matches_reference() -> None:
    assert_ints_same(list(INT_POOL))
    assert_ints_same([None, *INT_POOL, None])


# --- recall on synthetic numbers -----------------------------------------------------------------------------

GLUE_CHARS = "abcxyzABCXYZ_-+ ,;:=/()[]<>\"'#|\t\nøö€"
PUNCT = " ,;:()[]"


def _isletter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _glued(rng: random.Random, texts: Sequence[tuple[str, str]], kind: str) -> tuple[bytes, list[tuple[str, int, int]]]:
    """``texts`` joined by random non-digit glue, and (form, start, end) of each number's digits.

    The glue keeps to what the specification says a number needs: no ASCII letter on both sides of its digit
    run (a piece of a token), no letter right before a ``SE``/``DK`` prefix, nothing alphanumeric right after
    a HETU's check character, and no digit or decimal point anywhere.
    """
    def glue() -> str:
        return "".join(rng.choice(GLUE_CHARS) for _ in range(rng.randint(1, 6)))

    parts: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    before = glue()
    for form, text in texts:
        after = glue()
        prefixed = form in PREFIX
        if prefixed and _isletter(before[-1]):
            before += rng.choice(PUNCT)
        if (kind == "fi_hetu" or prefixed or _isletter(before[-1])) and after[0].isascii() and after[0].isalnum():
            after = rng.choice(PUNCT) + after
        parts += [before, text]
        pos += len(before.encode())
        spans.append((form, pos + PREFIX.get(form, 0), pos + len(text)))
        pos += len(text)
        before = after
    parts.append(before)
    return "".join(parts).encode(), spans


def _recall_report(misses: dict[str, int], totals: dict[str, int]) -> str:
    return ", ".join(f"{form}: {totals[form] - misses[form]}/{totals[form]}" for form in totals)


def check_recall(kind: str, n: int, seed: int) -> None:
    """Every sample of ``kind`` (cycling through its forms) is found in text, as a value and as an integer."""
    bit = BITS[kind]
    samples = synth.samples(kind, n, seed)
    totals: dict[str, int] = defaultdict(int)
    for form, _ in samples:
        totals[form] += 1

    # In text, with random non-digit glue.
    buf, spans = _glued(random.Random(f"test_kernels_pid.recall:{kind}:{seed}"), samples, kind)
    cands, _ = kernel_scan(buf)
    by_start = {int(r[0]): (int(r[1]), int(r[2])) for r in cands}
    misses: dict[str, int] = defaultdict(int)
    for form, a, b in spans:
        end, kinds = by_start.get(a, (-1, 0))
        if end != b or not kinds & bit:
            misses[form] += 1
    assert not misses, f"{kind} in text: {_recall_report(misses, totals)}"

    # As string values, one number per value.
    values: list[str | None] = [text for _, text in samples]
    offsets, data, valid = arrow_columns(pa.array(values, pa.string()))
    cands, _, nonempty = pid.scan_strings(offsets, data, valid, WINDOW, *KW)
    assert nonempty == n
    got = {int(r[6]): (int(r[0] - offsets[r[6]]), int(r[1] - offsets[r[6]]), int(r[2])) for r in cands}
    misses.clear()
    for row, (form, text) in enumerate(samples):
        a, b, kinds = got.get(row, (-1, -1, 0))
        if (a, b) != (PREFIX.get(form, 0), len(text)) or not kinds & bit:
            misses[form] += 1
    assert not misses, f"{kind} as strings: {_recall_report(misses, totals)}"

    # As integers (digit-only forms): leading zeros are lost (two or three for a Swedish year ending in 00).
    digit_rows = [(form, int(text)) for form, text in samples if form in INT_SHAPES]
    if not digit_rows:
        return
    ints = np.array([v for _, v in digit_rows], dtype=np.int64)
    cands, _, positive = pid.scan_ints(ints, np.ones(len(ints), dtype=np.bool_))
    assert positive == len(ints)
    hit = {(int(r[6]), int(r[3])) for r in cands if r[2] & bit}
    misses.clear()
    int_totals: dict[str, int] = defaultdict(int)
    for row, (form, _) in enumerate(digit_rows):
        int_totals[form] += 1
        if (row, INT_SHAPES[form]) not in hit:
            misses[form] += 1
    assert not misses, f"{kind} as integers: {_recall_report(misses, int_totals)}"


@pytest.mark.parametrize("kind", synth.KINDS)
def test_recall(kind: str) -> None:
    check_recall(kind, 2000, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize("kind", synth.KINDS)
def test_recall_large(kind: str) -> None:
    check_recall(kind, 100_000, seed=2)


def test_leading_zero_numbers_as_integers() -> None:
    """A CPR or a short Swedish number with a leading zero is 9 digits as an integer, a Norwegian one 10."""
    cpr = next(int(t) for _, t in synth.samples("dk_cpr", 200, 3, forms=["d10"]) if t[0] == "0")
    fnr = next(int(t) for _, t in synth.samples("no_fnr", 200, 3, forms=["d11"]) if t[0] == "0")
    assert len(str(cpr)) == 9 and len(str(fnr)) == 10
    cands, _, _ = pid.scan_ints(np.array([cpr, fnr], dtype=np.int64), np.ones(2, dtype=np.bool_))
    assert {(int(r[6]), int(r[3])) for r in cands if r[2] & (pid.DK_CPR | pid.NO_FNR)} >= {(0, ref.D10),
                                                                                           (1, ref.D11)}
    assert_ints_same([cpr, fnr])


# --- found by hand -------------------------------------------------------------------------------------------

#: Valid Swedish personnummer (d10) of people born in 1900 or 2000 (from synth.samples("se_pnr", 2000, 1)).
SE_YEAR_00 = ["0012121216", "0003094216", "0008105876"]


def test_swedish_year_00_as_text() -> None:
    for text in SE_YEAR_00:
        assert [r[2] & pid.SE_PNR for r in assert_same(text.encode())] == [pid.SE_PNR], text
    assert_ints_same([int(t) for t in SE_YEAR_00])


def test_swedish_year_00_as_integer() -> None:
    values = np.array([int(t) for t in SE_YEAR_00], dtype=np.int64)
    cands, _, _ = pid.scan_ints(values, np.ones(len(values), dtype=np.bool_))
    assert sorted({int(r[6]) for r in cands if r[2] & pid.SE_PNR}) == list(range(len(values)))

_NO_JIT_FI = """
import numpy as np
from kernels import pid
from tests.reference import pid as ref
kw = pid.keyword_table({ref.CTX_PERSON: ref.PERSON_WORDS, ref.CTX_BUSINESS: ref.BUSINESS_WORDS,
                        ref.CTX_NEGATIVE: ref.NEGATIVE_WORDS})
cands, _ = pid.scan_bytes(np.frombuffer(b"311211-349S", dtype=np.uint8), 0, 11, 48, *kw)
print(int(cands[0, 7]))
"""


def test_fi_value_without_jit() -> None:
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", _NO_JIT_FI], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) == _value(b"311211-349S", ref.SFI)
