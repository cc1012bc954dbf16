"""Logs and program code as raw bytes: where the printed output is, and where code compares a name with a
literal.

Why by hand: a SAS log of a few GB is mostly echoed source lines and NOTE messages. Splitting it into
Python lines, or running a regular expression over it, costs several times the identifier scan of the same
bytes. One pass here, in machine code, finds the two things the log and code rules need:

1. *output blocks*: runs of printed output lines (where listings and tables can be), told from echoed code
   and messages by each line's start, per tool (``MODE_*``), with the echoed command that printed them;
2. *comparisons*: a name compared with, or listed against, something that starts like a literal
   (``pnr == 12``, ``lopnr in (1, 2)``, ``cpr %in% c(...)``, ``df["cvr"] == "x"``, ``.isin([``,
   ``inlist(pnr, 1``) or like a reference to one (a SAS macro variable ``&id``, a Stata macro `` `id' ``
   or ``$id``; after ``==``, ``!=`` and ``%in%`` also a plain name: ``pnr %in% ids``), and the reversed
   forms (``1234 == pnr``, ``12345678 = cvr_nr``, ``"0101" == df.cpr``: the name is then after the
   operator), in code lines only. A hash of the name (its last dotted part, lower case) lets the caller
   look each distinct name up once; Python then reads the few places whose name is a key;
3. *data statements*: where code starts data written into it (SAS ``datalines;``/``cards;``, R
   ``data.frame(``/``tibble(``/``tribble(``/``data.table(``), so a log's echoed code need not be decoded to
   find them.

Bytes are read as ASCII: every byte that matters (digits, letters of names and operators, quotes,
brackets, line breaks) is the same in UTF-8, the Windows and DOS code pages and Latin-1. UTF-16/32 text is
re-encoded as UTF-8 by the caller. The plain-Python specification is ``tests/reference/logs.py``; the
tests hold both to the same results.

Lines are numbered from 0 at ``start``; a line ends at LF (a CR before it is part of the line).
"""

from __future__ import annotations

import numpy as np

from kernels._jit import helper, kernel

__all__ = [
    "BLOCK_COLUMNS",
    "CLASS_BLANK",
    "CLASS_CODE",
    "CLASS_MESSAGE",
    "CLASS_OUTPUT",
    "CMP_COLUMNS",
    "HASH_MASK",
    "MARK_COLUMNS",
    "MODE_CODE",
    "MODE_OUTPUT",
    "MODE_PYTHON",
    "MODE_R",
    "MODE_SAS",
    "MODE_STATA",
    "scan_log",
    "words_of",
]

#: Every line is code (a program file).
MODE_CODE = 0
#: A SAS log: numbered source lines and ``MPRINT(`` lines are code; NOTE/WARNING/ERROR/INFO lines (and the
#: indented lines right after them), ``MLOGIC(`` and ``SYMBOLGEN:`` are messages; the rest is output.
MODE_SAS = 1
#: A Stata log: ``. cmd`` lines and their ``> `` continuations are code; the rest is output.
MODE_STATA = 2
#: An R transcript: ``> cmd`` lines and their ``+ `` continuations are code; the rest is output.
MODE_R = 3
#: Printed output only (a SAS listing, a Python script's output, SPSS text output).
MODE_OUTPUT = 4
#: A Python console transcript: ``>>> cmd`` lines and their ``... `` continuations are code (IPython's
#: ``In [3]:`` and ``   ...:`` too); the rest is output.
MODE_PYTHON = 5

CLASS_BLANK = 0
CLASS_CODE = 1
CLASS_MESSAGE = 2
CLASS_OUTPUT = 3

#: Columns of the block table: byte span of the block (first to last output line, trailing blank lines left
#: out), its first line, its number of non-blank lines, and the byte span of the code lines right before it
#: (-1, -1 without any).
BLOCK_COLUMNS = ("start", "end", "line", "lines", "cmd_start", "cmd_end")
#: Columns of the comparison table: the name's byte span (its last dotted part), the operator's byte span,
#: the line, and the name's hash (:data:`HASH_MASK`). A name after a scalar operator (``name_start >= op_end``;
#: ``inlist(`` and ``any(`` put their name after the operator too) is a reversed comparison: the literal is
#: before the operator.
CMP_COLUMNS = ("name_start", "name_end", "op_start", "op_end", "line", "hash")
#: Columns of the data statement table: the keyword's byte span (``datalines``, ``frame`` of ``data.frame(``)
#: and the line.
MARK_COLUMNS = ("start", "end", "line")
#: Name hashes: two polynomial hashes of the lower-cased bytes modulo primes under 2**31, side by side in
#: 62 bits (no step overflows an int64: the same numbers with and without Numba, and no overflow warning
#: when NUMBA_DISABLE_JIT=1 runs the kernel as Python).
HASH_MASK = (1 << 62) - 1
_P1 = 2147483647  # 2**31 - 1
_P2 = 2147483629
_M1 = 1000003
_M2 = 999983

# Bytes where an operator can start (= ! ^ ~ < % ( and the blank before a word operator) and the line feed.
# Every other byte is skipped with one table look-up. (A SAS DATALINES statement ends its line: its ";" is
# looked for from the line feed, not at every ";" of a program.)
_INTEREST = np.zeros(256, dtype=np.uint8)
for _b in b"=!^~<%( \t\n":
    _INTEREST[_b] = 1

# SWAR constants: x = word ^ (LF repeated) has a zero byte where the word has a LF; the exact test
# ~(((x & 0x7f..) + 0x7f..) | x | 0x7f..) sets the high bit of exactly those bytes (no carry crosses a byte,
# so a byte after a LF is never taken for one, and nothing overflows).
_M7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_NL8 = np.uint64(0x0A0A0A0A0A0A0A0A)
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)

@helper
def _first_high_byte(mask: np.uint64) -> int:
    """The index of the lowest byte whose high bit is set in ``mask`` (which is not 0; only the bytes'
    high bits are set). At most eight steps, once per line end found; plain Python and Numba alike (an
    intrinsic such as trailing_zeros cannot run interpreted, as a short scan runs it: kernels/_jit.py)."""
    for k in range(8):
        if (mask >> np.uint64(8 * k + 7)) & np.uint64(1):
            return k
    return 8


def words_of(buf: np.ndarray) -> np.ndarray:
    """``buf``'s whole 8-byte words as little-endian ``uint64`` (a view, no copy, when ``buf`` is aligned)."""
    n = buf.shape[0] & ~7
    head = buf[:n]
    if head.ctypes.data % 8:
        head = head.copy()  # an unaligned slice: the word view needs 8-byte alignment
    return head.view("<u8")


@helper
def _is_digit(b: int) -> bool:
    return 48 <= b <= 57


@helper
def _is_name_start(b: int) -> bool:
    # letters, "_" and every non-ASCII byte (æ, ø, å in UTF-8 or a code page belong to names)
    return (65 <= b <= 90) or (97 <= b <= 122) or b == 95 or b >= 128


@helper
def _is_name(b: int) -> bool:
    return (65 <= b <= 90) or (97 <= b <= 122) or (48 <= b <= 57) or b == 95 or b >= 128


@helper
def _lower(b: int) -> int:
    return b + 32 if 65 <= b <= 90 else b


@helper
def _skip_blank(buf: np.ndarray, p: int, le: int) -> int:
    while p < le and (buf[p] == 32 or buf[p] == 9):
        p += 1
    return p


@helper
def _has_word(buf: np.ndarray, p: int, le: int, word: bytes) -> bool:
    """``buf[p:]`` starts with ``word`` (ASCII, compared case-sensitively)."""
    n = len(word)
    if p + n > le:
        return False
    for k in range(n):
        if buf[p + k] != word[k]:
            return False
    return True


@helper
def _classify(buf: np.ndarray, ls: int, le: int, mode: int, prev: int) -> int:
    """The class of the line starting at ``ls`` (``prev``: the class of the line before it), from its first
    bytes only; ``le`` bounds the look (the end of the buffer: the line's end is not known yet)."""
    f = ls
    while f < le and (buf[f] == 32 or buf[f] == 9 or buf[f] == 13 or buf[f] == 12):
        f += 1
    if f == le or buf[f] == 10:
        return CLASS_BLANK
    if mode == MODE_CODE:
        return CLASS_CODE
    if mode == MODE_OUTPUT:
        return CLASS_OUTPUT
    c = buf[ls]
    nxt = buf[ls + 1] if ls + 1 < le else 10
    if mode == MODE_SAS:
        if _is_digit(c):
            p = ls
            while p < le and _is_digit(buf[p]):
                p += 1
            if p < le and buf[p] == 32:
                return CLASS_CODE
            return CLASS_OUTPUT
        if c == 78 or c == 87 or c == 69 or c == 73:  # N, W, E, I
            for word in (b"NOTE", b"WARNING", b"ERROR", b"INFO"):
                if _has_word(buf, ls, le, word):
                    p = ls + len(word)
                    if p < le and (buf[p] == 58 or (buf[p] == 32 and p + 1 < le and _is_digit(buf[p + 1]))):
                        return CLASS_MESSAGE
        if c == 77:  # M
            if _has_word(buf, ls, le, b"MPRINT("):
                return CLASS_CODE
            if _has_word(buf, ls, le, b"MLOGIC(") or _has_word(buf, ls, le, b"MACROGEN("):
                return CLASS_MESSAGE
        if c == 83 and _has_word(buf, ls, le, b"SYMBOLGEN:"):
            return CLASS_MESSAGE
        if (c == 32 or c == 9) and prev == CLASS_MESSAGE:
            return CLASS_MESSAGE
        return CLASS_OUTPUT
    if mode == MODE_STATA:
        if c == 46 and (nxt == 32 or nxt == 10 or nxt == 13):  # ". cmd"
            return CLASS_CODE
        if c == 62 and nxt == 32 and prev == CLASS_CODE:  # "> continued"
            return CLASS_CODE
        return CLASS_OUTPUT
    if mode == MODE_R:
        if c == 62 and (nxt == 32 or nxt == 10 or nxt == 13):  # "> cmd"
            return CLASS_CODE
        if c == 43 and nxt == 32 and prev == CLASS_CODE:  # "+ continued"
            return CLASS_CODE
        return CLASS_OUTPUT
    if mode == MODE_PYTHON:
        after = buf[ls + 3] if ls + 3 < le else 10
        if c == 62 and _has_word(buf, ls, le, b">>>") and (after == 32 or after == 10 or after == 13):
            return CLASS_CODE  # ">>> cmd"
        if c == 46 and _has_word(buf, ls, le, b"...") and (after == 32 or after == 10 or after == 13) \
                and prev == CLASS_CODE:
            return CLASS_CODE  # "... continued"
        if c == 73 and _has_word(buf, ls, le, b"In ["):  # IPython's "In [3]: cmd"
            p = ls + 4
            while p < le and _is_digit(buf[p]):
                p += 1
            if p > ls + 4 and p + 1 < le and buf[p] == 93 and buf[p + 1] == 58:
                return CLASS_CODE
        if f + 3 < le and buf[f] == 46 and buf[f + 1] == 46 and buf[f + 2] == 46 and buf[f + 3] == 58 \
                and prev == CLASS_CODE:
            return CLASS_CODE  # IPython's "   ...: continued"
        return CLASS_OUTPUT
    return CLASS_OUTPUT


@helper
def _code_start(buf: np.ndarray, ls: int, end: int, mode: int) -> int:
    """Where the code of a code line starts: after a SAS log's line number or ``MPRINT(NAME):`` and the
    blanks after it. The prefix holds no operator, so skipping it changes no result; it only saves reading
    a quarter of a SAS log's code bytes twice."""
    if mode != MODE_SAS:
        return ls
    p = ls
    if _is_digit(buf[p]):
        while p < end and _is_digit(buf[p]):
            p += 1
    elif _has_word(buf, p, end, b"MPRINT("):
        while p < end and buf[p] != 41 and buf[p] != 10:  # ")"
            p += 1
        if p < end and buf[p] == 41:
            p += 1
        if p < end and buf[p] == 58:  # ":"
            p += 1
    while p < end and (buf[p] == 32 or buf[p] == 9):
        p += 1
    return p


@helper
def _literal_start(buf: np.ndarray, q: int, le: int) -> bool:
    """Something that starts like a literal or a list of literals (a digit, a quote, a bracket, ``c(``) or
    like a macro reference that may stand for one (SAS ``&x``, Stata `` `x' `` and ``$x``)."""
    if q >= le:
        return False
    b = buf[q]
    if _is_digit(b) or b == 34 or b == 39 or b == 40 or b == 91 or b == 123 or b == 38 or b == 96 or b == 36:
        return True
    return (b == 99 or b == 67) and q + 1 < le and buf[q + 1] == 40  # c( C(


@helper
def _literal_end(buf: np.ndarray, ls: int, p: int) -> bool:
    """The left operand of an operator at ``p`` ends like a literal: a closing quote, or a number that is
    not the end of a name (``1234``, ``12.5``; not ``x1``)."""
    k = p
    while k > ls and (buf[k - 1] == 32 or buf[k - 1] == 9):
        k -= 1
    if k == ls:
        return False
    c = buf[k - 1]
    if c == 34 or c == 39:
        return True
    if not _is_digit(c):
        return False
    while k > ls and (_is_digit(buf[k - 1]) or buf[k - 1] == 46):
        k -= 1
    return k == ls or not _is_name(buf[k - 1])


@helper
def _name_after(buf: np.ndarray, q: int, le: int) -> tuple[int, int]:
    """The last part of the name that starts at ``q``: ``pnr``, ``cpr`` of ``df.cpr``, ``df$cpr``,
    ``df["cpr"]`` or ``df[["cpr"]]`` (``q, q`` when no name starts there)."""
    if q >= le or not _is_name_start(buf[q]):
        return q, q
    s = q
    r = q
    while r < le and _is_name(buf[r]):
        r += 1
    while r + 1 < le:
        c = buf[r]
        if (c == 46 or c == 36) and _is_name_start(buf[r + 1]):  # . $
            s = r + 1
            r = s
            while r < le and _is_name(buf[r]):
                r += 1
            continue
        if c == 91:  # [ or [[, then a quoted name
            k = r + 1
            if k < le and buf[k] == 91:
                k += 1
            if k < le and (buf[k] == 34 or buf[k] == 39):
                quote = buf[k]
                a = k + 1
                e = a
                while e < le and _is_name(buf[e]):
                    e += 1
                if e > a and e < le and buf[e] == quote and _is_name_start(buf[a]):
                    return a, e
        break
    return s, r


@helper
def _word_op(buf: np.ndarray, p: int, le: int, a: int, b: int) -> bool:
    """A two-letter word operator (``eq``, ``ne``, ``in``, any case) at ``p``, not part of a longer name."""
    if p + 1 >= le or _lower(buf[p]) != a or _lower(buf[p + 1]) != b:
        return False
    return p + 2 >= le or not _is_name(buf[p + 2])


@helper
def _name_hash(buf: np.ndarray, a: int, b: int) -> int:
    h1 = 0
    h2 = 0
    for k in range(a, b):
        c = np.int64(_lower(buf[k])) + 1
        h1 = (h1 * _M1 + c) % _P1
        h2 = (h2 * _M2 + c) % _P2
    return (h1 << 31) | h2


@helper
def _is_lower_word(buf: np.ndarray, a: int, b: int, word: bytes) -> bool:
    if b - a != len(word):
        return False
    for k in range(len(word)):
        if _lower(buf[a + k]) != word[k]:
            return False
    return True


@helper
def _record(out: np.ndarray, n: int, ns: int, ne: int, os_: int, oe: int, line: int, buf: np.ndarray) -> int:
    # Rows beyond the caller's capacity are counted, not written: the caller runs again with room for all.
    # (Growing an array inside the loop would make Numba count references on every byte: 5x slower.)
    if n < out.shape[0]:
        out[n, 0] = ns
        out[n, 1] = ne
        out[n, 2] = os_
        out[n, 3] = oe
        out[n, 4] = line
        out[n, 5] = _name_hash(buf, ns, ne)
    return n + 1


@helper
def _mark(out: np.ndarray, n: int, start: int, end: int, line: int) -> int:
    if n < out.shape[0]:
        out[n, 0] = start
        out[n, 1] = end
        out[n, 2] = line
    return n + 1


@helper
def _is_data_word(buf: np.ndarray, a: int, b: int) -> bool:
    """SAS ``datalines``, ``cards``, ``lines`` (and their ``4`` forms): in-stream data follows."""
    if b > a and buf[b - 1] == 52:  # datalines4, cards4
        b -= 1
    return _is_lower_word(buf, a, b, b"datalines") or _is_lower_word(buf, a, b, b"cards") or \
        _is_lower_word(buf, a, b, b"lines")


@helper
def _name_before(buf: np.ndarray, ls: int, p: int) -> int:
    """The start of the name that ends at ``p`` (``p`` itself when there is none). A name starts with a
    letter or ``_``; digits before it (``12pnr``) make it no name."""
    a = p
    while a > ls and _is_name(buf[a - 1]):
        a -= 1
    if a == p or not _is_name_start(buf[a]):
        return p
    return a


@helper
def _operand_end(buf: np.ndarray, ls: int, p: int) -> int:
    """Where the left operand ends, for an operator at ``p``: blanks skipped, and the ``"]``, ``']``,
    ``"]]`` of ``df["pnr"]`` or ``df[["pnr"]]``, or the ``")`` of ``pl.col("pnr")`` (Polars, PySpark)."""
    q = p
    while q > ls and (buf[q - 1] == 32 or buf[q - 1] == 9):
        q -= 1
    k = q
    if k > ls + 1 and buf[k - 1] == 41:  # one ")"
        k -= 1
    else:
        while k > ls and k > q - 2 and buf[k - 1] == 93:  # up to two "]"
            k -= 1
    if k < q and k > ls and (buf[k - 1] == 34 or buf[k - 1] == 39):
        return k - 1
    return q


@helper
def _comparisons(buf: np.ndarray, ls: int, le: int, line: int, out: np.ndarray, n: int, marks: np.ndarray,
                 nm: int) -> tuple[int, int, int]:
    """Record every name in the line starting at ``ls`` that is compared with, or listed against, a literal,
    and every statement that starts data written into code (``datalines;``, ``data.frame(``, ``tibble(``,
    ``tribble(``, ``data.table(``); return where the line ends (its LF, or ``le``) and the new counts.

    Operators are found first (most bytes are none), then the name before them and the literal after; the
    same sweep finds the line's end, so a code line is read once.
    """
    p = ls
    while p < le:
        b = buf[p]
        if _INTEREST[b] == 0:
            p += 1
            continue
        if b == 10:
            return p, n, _data_statement(buf, ls, p, line, marks, nm)
        op_len = 0
        if b == 61:  # "=", "==" (not the second "=" of "==", "<=", ">=", "!=")
            pb = buf[p - 1] if p > ls else 32
            if pb == 61 or pb == 60 or pb == 62 or pb == 33 or pb == 94 or pb == 126 or pb == 58:
                p += 1
                continue
            op_len = 2 if p + 1 < le and buf[p + 1] == 61 else 1
        elif b == 32 or b == 9:  # " eq", " ne", " in"
            c1 = buf[p + 1] | 32 if p + 1 < le else 0
            if c1 != 101 and c1 != 110 and c1 != 105:
                p += 1  # (most blanks: indentation, or before a name)
                continue
            if p + 3 < le and (_word_op(buf, p + 1, le, 101, 113) or _word_op(buf, p + 1, le, 110, 101)
                               or _word_op(buf, p + 1, le, 105, 110)):
                p += 1
                op_len = 2
        elif (b == 33 or b == 94 or b == 126) and p + 1 < le and buf[p + 1] == 61:  # != ^= ~=
            op_len = 2
        elif b == 60 and p + 1 < le and (buf[p + 1] == 62 or buf[p + 1] == 45):  # <> and R's <-
            op_len = 2
        elif b == 37 and p + 3 < le and _lower(buf[p + 1]) == 105 and _lower(buf[p + 2]) == 110 \
                and buf[p + 3] == 37:  # %in%
            op_len = 4
        elif b == 40 and p > ls:  # "(" after isin / eq / inlist / any, or a data frame literal
            a = _name_before(buf, ls, p)
            if a < p and (_is_lower_word(buf, a, p, b"tibble") or _is_lower_word(buf, a, p, b"tribble") or (
                    a > ls + 5 and buf[a - 1] == 46 and _is_lower_word(buf, a - 5, a - 1, b"data")
                    and (_is_lower_word(buf, a, p, b"frame") or _is_lower_word(buf, a, p, b"table")))):
                nm = _mark(marks, nm, a, p + 1, line)
            if a < p:
                isin = _is_lower_word(buf, a, p, b"isin") or _is_lower_word(buf, a, p, b"is_in")
                if a > ls + 1 and buf[a - 1] == 46 and (isin or _is_lower_word(buf, a, p, b"eq")
                                                       or _is_lower_word(buf, a, p, b"ne")):
                    q = _skip_blank(buf, p + 1, le)
                    # .isin(ids): a variable that may hold literals, followed like ``pnr %in% ids``
                    if _literal_start(buf, q, le) or (q < le and _is_name_start(buf[q]) and isin):
                        e = _operand_end(buf, ls, a - 1)
                        s = _name_before(buf, ls, e)
                        if s < e:
                            n = _record(out, n, s, e, a, p + 1, line, buf)
                elif (a == ls or buf[a - 1] != 46) and (_is_lower_word(buf, a, p, b"inlist")
                                                        or _is_lower_word(buf, a, p, b"any")):
                    q = _skip_blank(buf, p + 1, le)
                    s = q
                    while q < le and _is_name(buf[q]):
                        q += 1
                    if s < q and _is_name_start(buf[s]):
                        q2 = _skip_blank(buf, q, le)
                        if q2 < le and buf[q2] == 44:
                            q3 = _skip_blank(buf, q2 + 1, le)
                            if q3 < le and (_is_digit(buf[q3]) or buf[q3] == 34 or buf[q3] == 39):
                                n = _record(out, n, s, q, a, p + 1, line, buf)
            p += 1
            continue
        if op_len == 0:
            p += 1
            continue
        q = _skip_blank(buf, p + op_len, le)
        done = False
        # a name on the right after ==, != or %in% may be a variable that holds literals (pnr %in% ids)
        named = q < le and _is_name_start(buf[q]) and (op_len == 4 or (op_len == 2 and buf[p + 1] == 61 and (
            b == 61 or b == 33)))
        if _literal_start(buf, q, le) or named:
            e = _operand_end(buf, ls, p)
            s = _name_before(buf, ls, e)
            if s < e and op_len == 2 and (b == 32 or b == 9) and _is_lower_word(buf, s, e, b"not"):
                e = _operand_end(buf, ls, s)  # "pnr not in (...)": the name is before the "not"
                s = _name_before(buf, ls, e)
            if s < e:
                n = _record(out, n, s, e, p, p + op_len, line, buf)
                done = True
        # reversed: a literal before a scalar operator and a name after it (1234 == pnr, 1 = pnr)
        if not done and op_len <= 2 and not (b == 60 and buf[p + 1] == 45) and _literal_end(buf, ls, p) and not (
                op_len == 2 and (b == 32 or b == 9) and _lower(buf[p]) == 105):
            s, e = _name_after(buf, q, le)
            if s < e:
                n = _record(out, n, s, e, p, p + op_len, line, buf)
        p += op_len
    return le, n, _data_statement(buf, ls, le, line, marks, nm)


@helper
def _data_statement(buf: np.ndarray, ls: int, le: int, line: int, marks: np.ndarray, nm: int) -> int:
    """Mark a SAS ``datalines;`` (``cards;``, ``lines;``...) that ends the line ``buf[ls:le]``: the data
    start on the next line."""
    e = le
    while e > ls and (buf[e - 1] == 32 or buf[e - 1] == 9 or buf[e - 1] == 13):
        e -= 1
    if e == ls or buf[e - 1] != 59:
        return nm
    semi = e - 1
    e = semi
    while e > ls and (buf[e - 1] == 32 or buf[e - 1] == 9):
        e -= 1
    a = _name_before(buf, ls, e)
    if a < e and _is_data_word(buf, a, e):
        nm = _mark(marks, nm, a, semi + 1, line)
    return nm


@helper
def _line_end(buf: np.ndarray, words: np.ndarray, p: int, end: int) -> int:
    """The position of the next LF at or after ``p`` (or ``end``). Eight bytes at a time (``words`` is
    ``buf`` viewed as little-endian uint64), the first word with the bytes before ``p`` masked out and the
    LF's byte taken from the mask's lowest bit: a line that is not code is only searched for its end, most
    of a log's bytes are in such lines, and a byte-by-byte search costs a mispredicted branch or three per
    line."""
    w = p >> 3
    w_end = min((end + 7) >> 3, words.shape[0])
    if w < w_end:
        x = words[w] ^ _NL8
        mask = ~(((x & _M7) + _M7) | x | _M7) & (_ONES << np.uint64((p & 7) << 3))
        while True:
            if mask != 0:
                q = (w << 3) + _first_high_byte(mask)
                return q if q < end else end
            w += 1
            if w >= w_end:
                break
            x = words[w] ^ _NL8
            mask = ~(((x & _M7) + _M7) | x | _M7)
        p = max(p, w << 3)
    while p < end:
        if buf[p] == 10:
            return p
        p += 1
    return end


@helper
def _block(out: np.ndarray, n: int, start: int, end: int, line: int, lines: int, cmd_start: int,
           cmd_end: int) -> int:
    if n < out.shape[0]:
        out[n, 0] = start
        out[n, 1] = end
        out[n, 2] = line
        out[n, 3] = lines
        out[n, 4] = cmd_start
        out[n, 5] = cmd_end
    return n + 1


@kernel
def scan_log(buf: np.ndarray, words: np.ndarray, start: int, end: int, mode: int, min_lines: int, max_block: int,
             blocks: np.ndarray, comps: np.ndarray, marks: np.ndarray) -> tuple[int, int, int, int]:
    """Output blocks, comparisons and data statements in ``buf[start:end]`` (which should start at a line
    start), written into ``blocks``, ``comps`` and ``marks`` (see ``BLOCK_COLUMNS``, ``CMP_COLUMNS``,
    ``MARK_COLUMNS``).

    ``words`` is ``buf`` viewed as ``uint64`` over its whole 8-byte words (:func:`words_of`), for the
    line-end search. ``min_lines``: blocks with fewer non-blank lines are left out (a one-line message such as ``(35
    observations deleted)`` holds no table). ``max_block``: a block is cut at the next blank line once it
    is this many bytes long (bounded memory for a listing of millions of lines).

    Returns the number of blocks, of comparisons, of data statements and of lines. When a count exceeds its
    array's rows, only the first rows were written: call again with arrays of at least that many rows.
    """
    nb = 0
    nc = 0
    nm = 0
    prev = CLASS_BLANK
    line = 0
    ls = start
    # the open block: first byte, end of its last output line, first line, output lines
    b_start = -1
    b_end = -1
    b_line = 0
    b_lines = 0
    # the last run of code lines, and the one before the open block
    c_start = -1
    c_end = -1
    cmd_start = -1
    cmd_end = -1
    while ls < end:
        cls = _classify(buf, ls, end, mode, prev)
        if cls == CLASS_CODE:
            le, nc, nm = _comparisons(buf, _code_start(buf, ls, end, mode), end, line, comps, nc, marks, nm)
        else:
            le = _line_end(buf, words, ls, end)
        if cls == CLASS_OUTPUT:
            if b_start < 0:
                b_start = ls
                b_line = line
                b_lines = 0
                cmd_start = c_start
                cmd_end = c_end
            b_end = le
            b_lines += 1
        elif cls == CLASS_BLANK:
            if b_start >= 0 and b_end - b_start >= max_block:
                if b_lines >= min_lines:
                    nb = _block(blocks, nb, b_start, b_end, b_line, b_lines, cmd_start, cmd_end)
                b_start = -1
        else:
            if b_start >= 0:
                if b_lines >= min_lines:
                    nb = _block(blocks, nb, b_start, b_end, b_line, b_lines, cmd_start, cmd_end)
                b_start = -1
            if cls == CLASS_CODE:
                if prev != CLASS_CODE:
                    c_start = ls
                c_end = le
        prev = cls
        line += 1
        ls = le + 1
    if b_start >= 0 and b_lines >= min_lines:
        nb = _block(blocks, nb, b_start, b_end, b_line, b_lines, cmd_start, cmd_end)
    return nb, nc, nm, line
