"""Nordic person and business numbers found in raw bytes, Arrow string buffers and integer columns.

Why by hand: a regular expression engine (``re``, ripgrep, hyperscan) can find identifier-*shaped*
digit runs but not validate them, and validating every match in Python costs more than the search. These
kernels find candidates at digit boundaries and validate the date and check digits inline, in one pass
over the bytes, without a Python object per value. The plain-Python specification is
``tests/reference/pid.py``: read it for the shapes, kinds and rules; the tests hold both to the same
results.

Every function returns a candidate table: an ``int64`` array of shape (n, 8) with the columns
``START, END, KINDS, SHAPE, FLAGS, CTX, ROW, VALUE`` (byte offsets into the buffer; ROW is the row of a
column value, -1 for a byte scan; VALUE the candidate's digits as one number, for a Finnish number
``DDMMYYZZZ * 65536 + sign * 256 + check``, so callers can count distinct numbers and mask them without
the buffer) and the number of occurrences of each shape, valid or not (the density of a
shape tells a list of person numbers from a log of amounts).
"""

from __future__ import annotations

import numpy as np

from kernels._jit import helper, kernel
from kernels.numbers import ALL_WHOLE, MAX_DIGITS, NO_VALUES, NOT_WHOLE

__all__ = [
    "COLUMNS",
    "CTX_BUSINESS",
    "CTX_NEGATIVE",
    "CTX_PERSON",
    "DK_CPR",
    "DK_CVR",
    "FI_HETU",
    "FLAG_PLUS",
    "FLAG_SEP",
    "FLAG_STRICT",
    "NO_DNR",
    "NO_FNR",
    "N_SHAPES",
    "SE_ORGNR",
    "SE_PNR",
    "SE_SAMNR",
    "SHAPES",
    "WORD_END",
    "WORD_START",
    "keyword_table",
    "scan_bytes",
    "scan_ints",
    "scan_strings",
    "scan_whole_strings",
]

SE_PNR = 1
SE_SAMNR = 2
DK_CPR = 4
NO_FNR = 8
NO_DNR = 16
FI_HETU = 32
SE_ORGNR = 64
DK_CVR = 128

FLAG_SEP = 1
FLAG_PLUS = 2
FLAG_STRICT = 4

CTX_PERSON = 1
CTX_BUSINESS = 2
CTX_NEGATIVE = 4

SHAPES = ("d8", "d10", "d11", "d12", "6s4", "8s4", "6s5", "fi")
N_SHAPES = 8
_D8, _D10, _D11, _D12, _S6S4, _S8S4, _S6S5, _SFI = range(8)

COLUMNS = ("start", "end", "kinds", "shape", "flags", "ctx", "row", "value")
_NCOL = 8
#: The fewest bytes any shape takes (d8: eight digits).
_MIN_SHAPE_BYTES = 8

# FI check characters, as a lookup from (number mod 31) to the byte, and century signs to centuries.
_LUHN2 = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)  # digit * 2 with its digits summed
_FI_CHECK = np.frombuffer(b"0123456789ABCDEFHJKLMNPRSTUVWXY", dtype=np.uint8).copy()


#: Flags of a context word, above its class bits: it must start a word (no letter before it), or end one.
WORD_START = 1 << 16
WORD_END = 1 << 17
_CLASS_BITS = WORD_START - 1


def keyword_table(classes: dict[int, tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pack context words into arrays for the kernels: (bytes, offsets, class bit per word).

    Words are matched against lower-cased ASCII bytes, so give them in lower case (UTF-8 letters such as
    ``ø`` are matched byte for byte). A word is matched anywhere in the text before a number ("pnr" in
    "lopnr"), unless it is written ``^word`` (it must start a word: "^port" is not in "important") or
    ``word$`` (it must end one); the markers become the ``WORD_START`` and ``WORD_END`` flags of its class.
    """
    words: list[bytes] = []
    bits: list[int] = []
    for bit, group in classes.items():
        for w in group:
            flags = (WORD_START if w.startswith("^") else 0) | (WORD_END if w.endswith("$") and len(w) > 1 else 0)
            raw = w.removeprefix("^").removesuffix("$").encode("utf-8")
            if not raw:
                raise ValueError("empty context word")
            words.append(raw)
            bits.append(bit | flags)
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(w) for w in words])
    data = np.frombuffer(b"".join(words), dtype=np.uint8).copy()
    return data, offsets, np.asarray(bits, dtype=np.int64)


# --- validators over a scratch array of digit values --------------------------------------------


@helper
def _isdigit(b: int) -> bool:
    return 48 <= b <= 57


@helper
def _isalnum(b: int) -> bool:
    return (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122)


@helper
def _isalpha(b: int) -> bool:
    return (65 <= b <= 90) or (97 <= b <= 122)


@helper
def _letter(b: int) -> bool:
    """A letter of a word: ASCII, or a byte of a UTF-8 letter (æ, ø, å, ä, ö)."""
    return (65 <= b <= 90) or (97 <= b <= 122) or b >= 128


@helper
def _lower(b: int) -> int:
    return b + 32 if 65 <= b <= 90 else b


@helper
def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    if month == 4 or month == 6 or month == 9 or month == 11:
        return 30
    return 31


@helper
def _date_ok(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)


@helper
def _num(d: np.ndarray, o: int, k: int) -> int:
    v = 0
    for q in range(k):
        v = v * 10 + d[o + q]
    return v


@helper
def _luhn10(d: np.ndarray, o: int) -> bool:
    # Branch-free (a table for the doubled digits): on random digits the "v > 9" branch mispredicts
    # half the time, which made this check the slowest part of a scan.
    s = (_LUHN2[d[o]] + d[o + 1] + _LUHN2[d[o + 2]] + d[o + 3] + _LUHN2[d[o + 4]] + d[o + 5] + _LUHN2[d[o + 6]]
         + d[o + 7] + _LUHN2[d[o + 8]] + d[o + 9])
    return s % 10 == 0


@helper
def _swedish_person(d: np.ndarray, o: int, year: int) -> int:
    """SE_PNR / SE_SAMNR bits for the 10 digits at ``o``; ``year`` is the full year or -1 (unknown)."""
    if not _luhn10(d, o):
        return 0
    yy = _num(d, o, 2)
    month = _num(d, o + 2, 2)
    day = _num(d, o + 4, 2)
    y = year if year >= 0 else 2000 + yy
    kinds = 0
    if _date_ok(y, month, day):
        kinds |= SE_PNR
    if _date_ok(y, month, day - 60):
        kinds |= SE_SAMNR
    return kinds


@helper
def _swedish_org(d: np.ndarray, o: int) -> bool:
    return d[o + 2] >= 2 and _luhn10(d, o)


@helper
def _cpr(d: np.ndarray, o: int) -> int:
    """0 invalid, 1 valid date, 2 valid date and modulus 11."""
    day = _num(d, o, 2)
    month = _num(d, o + 2, 2)
    yy = _num(d, o + 4, 2)
    seventh = d[o + 6]
    if seventh <= 3:
        year = 1900 + yy
    elif seventh == 4 or seventh == 9:
        year = 2000 + yy if yy <= 36 else 1900 + yy
    else:
        year = 2000 + yy if yy <= 57 else 1800 + yy
    if not _date_ok(year, month, day):
        return 0
    s = 4 * d[o] + 3 * d[o + 1] + 2 * d[o + 2] + 7 * d[o + 3] + 6 * d[o + 4] + 5 * d[o + 5]
    s += 4 * d[o + 6] + 3 * d[o + 7] + 2 * d[o + 8] + d[o + 9]
    return 2 if s % 11 == 0 else 1


@helper
def _cvr(d: np.ndarray, o: int) -> bool:
    if d[o] == 0:
        return False
    s = 2 * d[o] + 7 * d[o + 1] + 6 * d[o + 2] + 5 * d[o + 3] + 4 * d[o + 4] + 3 * d[o + 5] + 2 * d[o + 6]
    s += d[o + 7]
    return s % 11 == 0


@helper
def _norwegian(d: np.ndarray, o: int) -> int:
    """Kind bit (NO_FNR or NO_DNR) plus 256 when the first check digit meets the pre-2032 rule; 0 invalid."""
    day = _num(d, o, 2)
    month = _num(d, o + 2, 2)
    yy = _num(d, o + 4, 2)
    kind = NO_FNR
    if day > 40:
        day -= 40
        kind = NO_DNR
    if not _date_ok(2000 + yy, month, day):
        return 0
    r1 = (3 * d[o] + 7 * d[o + 1] + 6 * d[o + 2] + d[o + 3] + 8 * d[o + 4] + 9 * d[o + 5] + 4 * d[o + 6]
          + 5 * d[o + 7] + 2 * d[o + 8] + d[o + 9]) % 11
    r2 = (5 * d[o] + 4 * d[o + 1] + 3 * d[o + 2] + 2 * d[o + 3] + 7 * d[o + 4] + 6 * d[o + 5] + 5 * d[o + 6]
          + 4 * d[o + 7] + 3 * d[o + 8] + 2 * d[o + 9] + d[o + 10]) % 11
    if r1 > 3 or r2 != 0:
        return 0
    return kind + 256 if r1 == 0 else kind


@helper
def _fi_century(sign: int) -> int:
    if sign == 43:  # '+'
        return 1800
    if sign == 45 or sign == 89 or sign == 88 or sign == 87 or sign == 86 or sign == 85:  # - Y X W V U
        return 1900
    if 65 <= sign <= 70:  # A..F
        return 2000
    return -1


@helper
def _finnish(d: np.ndarray, o: int, sign: int, check: int) -> bool:
    """The 9 digits DDMMYYZZZ at ``o``, the century sign byte and the check character byte."""
    century = _fi_century(sign)
    if century < 0:
        return False
    if not _date_ok(century + _num(d, o + 4, 2), _num(d, o + 2, 2), _num(d, o, 2)):
        return False
    if _num(d, o + 6, 3) < 2:
        return False
    return _FI_CHECK[_num(d, o, 9) % 31] == check


@helper
def _is_fi_check(b: int) -> bool:
    for k in range(31):
        if _FI_CHECK[k] == b:
            return True
    return False


@helper
def _validate(shape: int, d: np.ndarray, sep: int, vat: bool, fi_sign: int, fi_check: int) -> tuple[int, int]:
    """(kinds, flags) of a candidate whose digits are in ``d`` (as in the reference ``validate``)."""
    kinds = 0
    flags = 0
    if shape == _S6S4 or shape == _S8S4 or shape == _S6S5 or shape == _SFI:
        flags |= FLAG_SEP
    if shape == _D8:
        if _cvr(d, 0):
            kinds |= DK_CVR
    elif shape == _D10 or shape == _S6S4:
        kinds |= _swedish_person(d, 0, -1)
        if sep == 43:  # '+': only a Swedish personnummer is written so
            flags |= FLAG_PLUS
        else:
            if _swedish_org(d, 0):
                kinds |= SE_ORGNR
            c = _cpr(d, 0)
            if c > 0:
                kinds |= DK_CPR
                if c == 2:
                    flags |= FLAG_STRICT
        if shape == _S6S4 and _finnish(d, 0, sep, 48 + d[9]):
            kinds |= FI_HETU
    elif shape == _D12 or shape == _S8S4:
        year = _num(d, 0, 4)
        if 1800 <= year <= 2099:
            kinds |= _swedish_person(d, 2, year)
        if d[0] == 1 and d[1] == 6 and _swedish_org(d, 2):
            kinds |= SE_ORGNR
        if shape == _D12 and vat and d[10] == 0 and d[11] == 1 and _swedish_org(d, 0):
            kinds |= SE_ORGNR
    elif shape == _D11 or shape == _S6S5:
        r = _norwegian(d, 0)
        if r > 0:
            kinds |= r & 255
            if r >= 256:
                flags |= FLAG_STRICT
    elif shape == _SFI:
        if _finnish(d, 0, fi_sign, fi_check):
            kinds |= FI_HETU
    return kinds, flags


@helper
def _plausible(shape: int, d: np.ndarray) -> bool:
    """A cheap necessary condition for ``_validate`` to find a kind, checked inline in the hot loop: most
    random digit runs fail it, and only the rest pay for the full validation call."""
    if shape == _D8:
        return _cvr(d, 0)
    if shape == _D10 or shape == _S6S4:
        day = d[0] * 10 + d[1]
        month = d[2] * 10 + d[3]
        return _luhn10(d, 0) or (1 <= day <= 31 and 1 <= month <= 12)
    if shape == _D11 or shape == _S6S5:
        day = d[0] * 10 + d[1]
        month = d[2] * 10 + d[3]
        return (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12
    if shape == _D12 or shape == _S8S4:
        return _luhn10(d, 2) or _luhn10(d, 0)
    return True


# --- context --------------------------------------------------------------------------------------


@helper
def _vat_prefix(buf: np.ndarray, start: int, lo: int, a: int, b: int) -> bool:
    """Letters ``a`` ``b`` (lower case) right before ``start``, starting a word (not before ``lo``)."""
    if start - 2 < lo or _lower(buf[start - 2]) != a or _lower(buf[start - 1]) != b:
        return False
    if start - 3 < lo:
        return True
    c = buf[start - 3]
    return not ((65 <= c <= 90) or (97 <= c <= 122))


@kernel
def _context(buf: np.ndarray, start: int, base_lo: int, window: int, first: np.ndarray, order: np.ndarray,
             kw: np.ndarray, kw_off: np.ndarray, kw_cls: np.ndarray) -> int:
    """Context bits from the words in the ``window`` bytes before ``start`` on the same line. Only the
    words that begin with a byte are tried at it: ``order[first[c]:first[c + 1]]`` (see ``_first_bytes``)."""
    lo = start - window
    if lo < base_lo:
        lo = base_lo
    for p in range(start - 1, lo - 1, -1):
        if buf[p] == 10:
            lo = p + 1
            break
    ctx = 0
    for p in range(lo, start):
        c = _lower(int(buf[p]))  # int: a uint8 would wrap at c + 1 without the JIT
        for t in range(first[c], first[c + 1]):
            k = order[t]
            a = kw_off[k]
            b = kw_off[k + 1]
            cls = kw_cls[k] & _CLASS_BITS
            if p + (b - a) > start or (ctx & cls) != 0:
                continue
            if (kw_cls[k] & WORD_START) != 0 and p > base_lo and _letter(int(buf[p - 1])):
                continue
            if (kw_cls[k] & WORD_END) != 0 and p + (b - a) < start and _letter(int(buf[p + (b - a)])):
                continue
            ok = True
            for q in range(1, b - a):
                if _lower(buf[p + q]) != kw[a + q]:
                    ok = False
                    break
            if ok:
                ctx |= cls
    if _vat_prefix(buf, start, lo, 100, 107) or _vat_prefix(buf, start, lo, 115, 101):  # "dk", "se"
        ctx |= CTX_BUSINESS
    return ctx


@kernel
def _first_bytes(kw: np.ndarray, kw_off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The words grouped by first byte (a counting sort): words starting with byte c are
    ``order[first[c]:first[c + 1]]``, so a context window tries only those at each byte."""
    # Whole-array NumPy calls, not loops: interpreted (a small file's scan) the loops cost 0.4 ms a file.
    heads = kw[kw_off[:-1]].astype(np.int64)
    first = np.zeros(257, dtype=np.int64)
    first[1:] = np.cumsum(np.bincount(heads, minlength=256))
    order = np.argsort(heads, kind="mergesort").astype(np.int64)
    return first, order


# --- the scan -------------------------------------------------------------------------------------


@kernel
def _grow(out: np.ndarray) -> np.ndarray:
    bigger = np.empty((out.shape[0] * 2, _NCOL), dtype=np.int64)
    bigger[: out.shape[0]] = out
    return bigger


@helper
def _digits_at(buf: np.ndarray, p: int, k: int, n_end: int) -> bool:
    if p + k > n_end:
        return False
    for q in range(p, p + k):
        if not _isdigit(buf[q]):
            return False
    return p + k == n_end or not _isdigit(buf[p + k])


@helper
def _sep_after_six(c: int) -> bool:
    """Whether a byte can follow the six digits of a written form: ``-`` ``+`` (6s4, a Finnish century
    sign), space (6s5), the Finnish century signs ``A``-``F`` and ``U``-``Y`` (as ``_fi_century``)."""
    # bitwise, not ``or``: no branches, so that the loop calling it vectorises
    return (c == 45) | (c == 43) | (c == 32) | ((c >= 65) & (c <= 70)) | ((c >= 85) & (c <= 89))


@helper
def _mark_block(buf: np.ndarray, b0: int, b1: int, isd: np.ndarray, marks: np.ndarray, starts: np.ndarray,
                n: int) -> int:
    """Append to ``starts[n:]`` the positions in [b0, b1) that start a run of digits that can be a
    candidate; returns the new ``n``. Reads ``buf[b0 - 1 : b1 + 16]``.

    A candidate starts a run of 6, 8, 10, 11 or 12 digits (a run of 6 followed by a separator of a written
    form). In a log or CSV file a third of the bytes are digits and one run of six or more digits in six has
    a candidate's length, so instead of visiting every digit, each position gets a branch-free test that
    LLVM vectorises (``isd[k]``: byte b0 - 1 + k is a digit; ``marks[k]``: position b0 + k passes), and
    the marks are read eight at a time."""
    width = b1 - b0
    # Indexing a slice with range() indices, not ``buf[b0 - 1 + k]``: Numba wraps negative indices, and
    # only indices known to be non-negative let LLVM drop that check and vectorise (measured: 0.6 against
    # 4 GB/s).
    src = buf[b0 - 1: b1 + 16]
    for k in range(width + 17):
        c = src[k]
        isd[k] = (c >= 48) & (c <= 57)
    one = np.uint8(1)
    for k in range(width):
        six = isd[k + 1] & isd[k + 2] & isd[k + 3] & isd[k + 4] & isd[k + 5] & isd[k + 6] & (isd[k] ^ one)
        d6 = isd[k + 7]
        d7 = isd[k + 8]
        d8 = isd[k + 9]
        d9 = isd[k + 10]
        sep = np.uint8(_sep_after_six(int(src[k + 7])))
        run7 = d6 & (d7 ^ one)
        run9 = d6 & d7 & d8 & (d9 ^ one)
        run13 = d6 & d7 & d8 & d9 & isd[k + 11] & isd[k + 12] & isd[k + 13]
        marks[k] = six & (((d6 ^ one) & sep) | (d6 & (run7 ^ one) & (run9 ^ one) & (run13 ^ one)))
    for k in range(width, (width + 7) & ~7):
        marks[k] = 0
    words = marks[: (width + 7) & ~7].view(np.uint64)
    for w in range(words.shape[0]):
        if words[w] != 0:
            for k in range(w * 8, w * 8 + 8):
                if marks[k] != 0:
                    starts[n] = b0 + k
                    n += 1
    return n


@kernel
def _run_starts(buf: np.ndarray, lo: int, hi: int, block: int) -> tuple[np.ndarray, int]:
    """Every position in [lo, hi) that starts a run of digits that can be a candidate (see
    ``_mark_block``), ``block`` positions at a time; reads ``buf[lo - 1 : hi + 16]``. The scan calls it for
    1 MiB at a time (256 blocks), then visits the starts."""
    isd = np.empty(block + 24, dtype=np.uint8)
    marks = np.empty(block + 24, dtype=np.uint8)
    starts = np.empty(max(1024, (hi - lo) >> 5), dtype=np.int64)
    n = 0
    b0 = lo
    while b0 < hi:
        b1 = b0 + block if b0 + block < hi else hi
        if n + (b1 - b0) > starts.shape[0]:
            bigger = np.empty(max(starts.shape[0] * 2, n + (b1 - b0)), dtype=np.int64)
            bigger[:n] = starts[:n]
            starts = bigger
        n = _mark_block(buf, b0, b1, isd, marks, starts, n)
        b0 = b1
    return starts, n


@kernel
def _scan_span(buf: np.ndarray, lo: int, hi: int, base_lo: int, n_end: int, row: int, out: np.ndarray, n: int,
               counts: np.ndarray, d: np.ndarray, window: int, first: np.ndarray, order: np.ndarray,
               kw: np.ndarray, kw_off: np.ndarray, kw_cls: np.ndarray, block: int) -> tuple[np.ndarray, int]:
    """Candidates starting in [lo, hi) of ``buf``, reading only [base_lo, n_end); appended to ``out``.

    With ``block`` > 0, run starts are found ``block`` positions at a time (``_run_starts``); else, and
    where that would read outside [base_lo, n_end), one byte at a time. Both find the same candidates."""
    i = lo
    m1 = 0  # run starts in [.., m1) are starts[s:ns]
    s = 0
    ns = 0
    starts = np.empty(0, dtype=np.int64)
    while i < hi:
        if i < m1:
            while s < ns and starts[s] < i:
                s += 1
            if s == ns:
                i = m1
                continue
            i = starts[s]
            s += 1
            j = i + 6
            while j < n_end and _isdigit(buf[j]):
                j += 1
        elif block > 0 and i - 1 >= base_lo and i + 16 < n_end and i >= m1:
            # 256 blocks at a time (the run starts of 1 MiB take 256 KiB), as far as a block can read (the
            # last 16 bytes of the buffer are read one at a time)
            m1 = i + 256 * block
            if m1 > hi:
                m1 = hi
            if m1 + 16 > n_end:
                m1 = n_end - 16
            starts, ns = _run_starts(buf, i, m1, block)
            s = 0
            continue
        else:
            # one byte at a time: short buffers, a buffer's first byte and its last block
            while i < hi and (buf[i] < 48 or buf[i] > 57):
                i += 1
            if i >= hi:
                break
            j = i + 1
            while j < n_end and _isdigit(buf[j]):
                j += 1
            if i > base_lo and _isdigit(buf[i - 1]):
                i = j  # the rest of a run that started before ``lo`` (the previous chunk's)
                continue
        run = j - i
        if run != 6 and run != 8 and run != 10 and run != 11 and run != 12:
            i = j
            continue
        if i - 2 >= base_lo and buf[i - 1] == 46 and _isdigit(buf[i - 2]):
            i = j
            continue
        shape = -1
        end = j
        sep = 0
        if run == 6:
            if j < n_end:
                c = buf[j]
                if (c == 45 or c == 43) and _digits_at(buf, j + 1, 4, n_end):
                    shape = _S6S4
                    end = j + 5
                    sep = c
                elif (c == 32 or c == 45) and _digits_at(buf, j + 1, 5, n_end):
                    shape = _S6S5
                    end = j + 6
                    sep = c
                elif (_fi_century(c) >= 0 and j + 5 <= n_end and _isdigit(buf[j + 1]) and _isdigit(buf[j + 2])
                      and _isdigit(buf[j + 3]) and _is_fi_check(buf[j + 4])
                      and (j + 5 == n_end or not _isalnum(buf[j + 5]))):
                    shape = _SFI
                    end = j + 5
                    sep = c
        elif run == 8:
            if j < n_end and buf[j] == 45 and _digits_at(buf, j + 1, 4, n_end):
                shape = _S8S4
                end = j + 5
                sep = 45
            else:
                shape = _D8
        elif run == 10:
            shape = _D10
        elif run == 11:
            shape = _D11
        else:
            shape = _D12
        if shape < 0:
            i = j
            continue
        if end + 1 < n_end and buf[end] == 46 and _isdigit(buf[end + 1]):
            i = end
            continue
        if i - 1 >= base_lo and _isalpha(buf[i - 1]) and end < n_end and _isalpha(buf[end]):
            i = end  # a piece of a token such as a hex hash
            continue
        counts[shape] += 1
        fi_sign = 0
        fi_check = 0
        nd = 0
        if shape == _SFI:
            for q in range(i, i + 6):
                d[nd] = buf[q] - 48
                nd += 1
            for q in range(i + 7, i + 10):
                d[nd] = buf[q] - 48
                nd += 1
            fi_sign = int(buf[i + 6])  # int: uint8 arithmetic would overflow without the JIT
            fi_check = int(buf[i + 10])
        else:
            for q in range(i, end):
                if q != j or sep == 0:
                    d[nd] = buf[q] - 48
                    nd += 1
        if not _plausible(shape, d):
            i = end
            continue
        vat = _vat_prefix(buf, i, base_lo, 115, 101)
        kinds, flags = _validate(shape, d, sep, vat, fi_sign, fi_check)
        if shape == _S6S4 and (kinds & FI_HETU) != 0 and end < n_end and _isalnum(buf[end]):
            kinds &= ~FI_HETU
        if kinds != 0:
            if n == out.shape[0]:
                out = _grow(out)
            out[n, 0] = i
            out[n, 1] = end
            out[n, 2] = kinds
            out[n, 3] = shape
            out[n, 4] = flags
            out[n, 5] = _context(buf, i, base_lo, window, first, order, kw, kw_off, kw_cls)
            out[n, 6] = row
            if shape == _SFI:
                out[n, 7] = _num(d, 0, 9) * 65536 + fi_sign * 256 + fi_check
            else:
                out[n, 7] = _num(d, 0, nd)
            n += 1
        i = end
    return out, n


@kernel
def scan_bytes(buf: np.ndarray, lo: int, hi: int, window: int, kw: np.ndarray, kw_off: np.ndarray,
               kw_cls: np.ndarray, block: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Candidates that start in ``buf[lo:hi]`` (a ``uint8`` view of a whole file or a chunk of it).

    A candidate may run past ``hi`` (up to the end of ``buf``), and the byte before ``lo`` is read to
    tell whether ``lo`` is inside a digit run: chunks cut anywhere give, together, exactly the result
    of one call over the whole buffer. ``window`` bytes before a candidate (same line) are searched for
    the context words packed by :func:`keyword_table`. ``block``: positions tested at once for a run start
    (see ``_mark_block``); 0 tests one byte at a time, which costs less on small buffers, interpreted.
    """
    out = np.empty((256, _NCOL), dtype=np.int64)
    counts = np.zeros(N_SHAPES, dtype=np.int64)
    d = np.zeros(16, dtype=np.int64)
    first, order = _first_bytes(kw, kw_off)
    out, n = _scan_span(buf, lo, hi, 0, buf.shape[0], -1, out, 0, counts, d, window, first, order, kw, kw_off,
                        kw_cls, block)
    return out[:n].copy(), counts


@kernel
def scan_strings(offsets: np.ndarray, data: np.ndarray, valid: np.ndarray, window: int, kw: np.ndarray,
                 kw_off: np.ndarray, kw_cls: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidates in every value of an Arrow string column (``offsets``, ``data``, one bool per row).

    Each value is scanned on its own, as if it were a whole buffer. Also returns the number of
    non-empty values, the denominator of a column's density.
    """
    out = np.empty((256, _NCOL), dtype=np.int64)
    counts = np.zeros(N_SHAPES, dtype=np.int64)
    d = np.zeros(16, dtype=np.int64)
    first, order = _first_bytes(kw, kw_off)
    n = 0
    nonempty = 0
    # No shape is shorter than 8 bytes (d8): a shorter value holds no candidate and no shape to count, and
    # most values of a column (codes, labels, amounts) are that short. The rows worth scanning are listed
    # first: a loop that reassigns ``out`` (below) pays reference counting on every iteration, and over a
    # column of one-letter codes that cost twenty times the loop itself.
    rows = np.empty(offsets.shape[0] - 1, dtype=np.int64)
    longs = 0
    for r in range(offsets.shape[0] - 1):
        if valid[r]:
            width = offsets[r + 1] - offsets[r]
            if width > 0:
                nonempty += 1
                if width >= _MIN_SHAPE_BYTES:
                    rows[longs] = r
                    longs += 1
    for k in range(longs):
        r = rows[k]
        a = offsets[r]
        b = offsets[r + 1]
        # values are short: one byte at a time
        out, n = _scan_span(data, a, b, a, b, r, out, n, counts, d, window, first, order, kw, kw_off, kw_cls, 0)
    return out[:n].copy(), counts, nonempty


@helper
def _int_digits(v: int, width: int, d: np.ndarray) -> None:
    for q in range(width - 1, -1, -1):
        d[q] = v % 10
        v //= 10


_INT_MIN = 1_000_000  # 7 digits: the shortest number that can be a d10 that lost its leading zeros
_INT_MAX = 1_000_000_000_000  # 13 digits: longer than any shape


@kernel
def _int_candidates(values: np.ndarray, valid: np.ndarray, rows: np.ndarray, sized: int, counts: np.ndarray
                    ) -> np.ndarray:
    """The candidate table of the integer ``values`` (where ``valid``, all when it is empty; value ``k`` is
    of row ``rows[k]``, or row ``k`` when ``rows`` is empty), counting shapes into ``counts`` (see
    :func:`scan_ints`). ``sized`` values lie in ``[_INT_MIN, _INT_MAX)``: a number has at most two shapes,
    so the table is sized once.

    The table is never grown in the loop: an array reassigned in a loop is reference-counted on every
    iteration. One call per column: the same code as an inlined helper per value measured twice as slow.
    """
    out = np.empty((2 * sized, _NCOL), dtype=np.int64)
    d = np.zeros(16, dtype=np.int64)
    n = 0
    for k in range(values.shape[0]):
        v = values[k]
        if (valid.shape[0] and not valid[k]) or v < _INT_MIN or v >= _INT_MAX:
            continue
        r = rows[k] if rows.shape[0] else k
        for shape in (_D8, _D10, _D11, _D12):
            if shape == _D8:
                ok = 10_000_000 <= v < 100_000_000
                width = 8
            elif shape == _D10:
                # from 7 digits: a Swedish number of a year ending in 00 loses two or three zeros
                ok = _INT_MIN <= v < 10_000_000_000
                width = 10
            elif shape == _D11:
                ok = 1_000_000_000 <= v < 100_000_000_000
                width = 11
            else:
                ok = 100_000_000_000 <= v
                width = 12
            if not ok:
                continue
            counts[shape] += 1
            _int_digits(v, width, d)
            if not _plausible(shape, d):
                continue
            kinds, flags = _validate(shape, d, 0, False, 0, 0)
            if kinds != 0:
                out[n, 0] = 0
                out[n, 1] = 0
                out[n, 2] = kinds
                out[n, 3] = shape
                out[n, 4] = flags
                out[n, 5] = 0
                out[n, 6] = r
                out[n, 7] = v
                n += 1
    return out[:n].copy()


@kernel
def scan_ints(values: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Candidates among the integers of a column: a person number stored as a number lost its leading
    zeros, so 7 to 9 digits are tried as 10 (d10; ``0012121216`` is 12121216) and 10 digits also as 11
    (d11, a Norwegian number).

    Returns the candidate table (START and END are 0, CTX 0), shape counts and the number of positive
    values.
    """
    counts = np.zeros(N_SHAPES, dtype=np.int64)
    positive = 0
    sized = 0  # values with a shape: the table needs at most two rows for each
    for r in range(values.shape[0]):
        if valid[r] and values[r] > 0:
            positive += 1
            if _INT_MIN <= values[r] < _INT_MAX:
                sized += 1
    return _int_candidates(values, valid, values[:0], sized, counts), counts, positive


@helper
def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


@kernel
def scan_whole_strings(offsets: np.ndarray, data: np.ndarray, valid: np.ndarray, anchor: int, ints: np.ndarray
                       ) -> tuple[int, np.ndarray, np.ndarray, int, int, int, int]:
    """:func:`kernels.numbers.parse_whole`, then :func:`scan_ints` on its numbers, and the grid step of
    the numbers around ``anchor``, in one pass over a string column (the identifier scan of a CSV).

    Returns ``(status, candidates, counts, positive, present, anchor, step)``: ``status`` as
    ``parse_whole`` gives it (on ``NOT_WHOLE`` nothing else is meaningful: scan the values as strings);
    ``ints[:present]`` the non-empty values in row order; ``anchor`` the one given, or the first value when
    the one given is negative (no value of the column seen yet); ``step`` the gcd of ``|value - anchor|``
    over the values (0 when they all equal it).
    """
    counts = np.zeros(N_SHAPES, dtype=np.int64)
    none = np.empty((0, _NCOL), dtype=np.int64)
    rows = np.empty(offsets.shape[0] - 1, dtype=np.int64)
    positive = 0
    present = 0
    sized = 0
    step = 0
    for r in range(offsets.shape[0] - 1):
        if not valid[r]:
            continue
        # The trim and the digits of kernels.numbers.parse_whole, written out here: the same code through
        # inlined helpers measured 1.6 times slower (Numba's IR inlining loses the loop optimisations).
        a = offsets[r]
        b = offsets[r + 1]
        while a < b:
            c = data[a]
            if c == 32 or 9 <= c <= 13:
                a += 1
            elif c == 0xC2 and a + 1 < b and data[a + 1] == 0xA0:
                a += 2
            else:
                break
        while b > a:
            c = data[b - 1]
            if c == 32 or 9 <= c <= 13:
                b -= 1
            elif c == 0xA0 and b - 2 >= a and data[b - 2] == 0xC2:
                b -= 2
            else:
                break
        if a == b:
            continue
        if b - a > MAX_DIGITS:
            return NOT_WHOLE, none, counts, 0, 0, anchor, 0
        v = np.int64(0)
        for k in range(a, b):
            c = data[k]
            if c < 48 or c > 57:
                return NOT_WHOLE, none, counts, 0, 0, anchor, 0
            v = v * 10 + (c - 48)
        ints[present] = v
        rows[present] = r
        present += 1
        if anchor < 0:
            anchor = v
        if step != 1:
            step = _gcd(step, abs(v - anchor))
        if v > 0:
            positive += 1
            if _INT_MIN <= v < _INT_MAX:
                sized += 1
    cands = _int_candidates(ints[:present], valid[:0], rows[:present], sized, counts) if sized else none
    return ALL_WHOLE if present else NO_VALUES, cands, counts, positive, present, anchor, step
