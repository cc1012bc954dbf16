"""Seeded synthetic Nordic person and business numbers, traps, and mixed documents for tests and benchmarks.

Everything here is made up: the numbers are built digit by digit from a seeded :class:`random.Random`, they
pass the check-digit rules (the specification is ``tests/reference/pid.py``), and they are not looked up
anywhere. The same seed always gives the same output on every platform (string seeds are hashed with
SHA-512 by :mod:`random`, not with Python's salted ``hash``).

Kinds and their written forms (``FORMS``):

=========== ============================================== ==============================================
kind        canonical value (``generate``)                 forms (``render``)
=========== ============================================== ==============================================
se_pnr      ``YYYYMMDDNNNC`` (12 digits)                   ``d10`` ``YYMMDDNNNC``, ``6s4`` ``YYMMDD-NNNC``,
                                                           ``plus`` ``YYMMDD+NNNC`` (born before 1926),
                                                           ``d12`` ``YYYYMMDDNNNC``, ``8s4`` ``YYYYMMDD-NNNC``
se_samnr    as se_pnr, day + 60                            as se_pnr without ``plus``
dk_cpr      ``DDMMYYSSSS``                                 ``d10``, ``6s4`` ``DDMMYY-SSSS``
no_fnr      ``DDMMYYIIIKK``                                ``d11``, ``6s5`` ``DDMMYY IIIKK``
no_dnr      as no_fnr, day + 40                            as no_fnr
fi_hetu     ``DDMMYYCZZZQ`` (with the century sign)        ``fi`` (the value itself)
se_orgnr    ``NNNNNNNNNC`` (10 digits)                     ``d10``, ``6s4`` ``NNNNNN-NNNC``, ``d12``
                                                           ``16NNNNNNNNNC``, ``8s4`` ``16NNNNNN-NNNC``,
                                                           ``vat`` ``SENNNNNNNNNC01``
dk_cvr      ``NNNNNNNC`` (8 digits)                        ``d8``, ``dk`` ``DKNNNNNNNC``
=========== ============================================== ==============================================

Birth dates lie in 1900-2025 (a few earlier: Swedish ``plus`` forms from 1870, Danish CPR from 1858,
Norwegian from 1854, Finnish ``+`` from 1850), so none is in the future. Danish CPR numbers pass modulus 11
about half of the time (numbers issued since 2007 need not); about a quarter of the Norwegian numbers follow
the rule for numbers issued from 2032 (first check digit: weighted sum mod 11 in 0..3, individual number
not tied to the century). ``generate(..., strict=True/False)`` asks for one or the other.

Traps (``TRAP_KINDS``, ``trap``, ``traps``) are numbers that real logs and tables hold and that a detector
must not report: dates, timestamps, phone numbers, amounts, payment cards, long IDs, UUIDs, hashes, IP
addresses, versions and ISBNs. Some of them (compact dates, unspaced phone numbers, ``1234567890,50``,
UUIDs and hashes) have the shape of an identifier and now and then pass its check by chance.

``document`` writes log-like text with planted identifiers and traps, and returns what it planted.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
import uuid
from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "FORMS",
    "KINDS",
    "PLUS_BORN_BEFORE",
    "TRAP_KINDS",
    "document",
    "generate",
    "render",
    "samples",
    "trap",
    "traps",
]

KINDS: tuple[str, ...] = ("se_pnr", "se_samnr", "dk_cpr", "no_fnr", "no_dnr", "fi_hetu", "se_orgnr", "dk_cvr")

#: The written forms of each kind, in the order ``samples`` cycles through them.
FORMS: dict[str, tuple[str, ...]] = {
    "se_pnr": ("d10", "6s4", "plus", "d12", "8s4"),
    "se_samnr": ("d10", "6s4", "d12", "8s4"),
    "dk_cpr": ("d10", "6s4"),
    "no_fnr": ("d11", "6s5"),
    "no_dnr": ("d11", "6s5"),
    "fi_hetu": ("fi",),
    "se_orgnr": ("d10", "6s4", "d12", "8s4", "vat"),
    "dk_cvr": ("d8", "dk"),
}

#: A Swedish personnummer is written with ``+`` from the year its holder turns 100: born before this year.
PLUS_BORN_BEFORE = 1926

TRAP_KINDS: tuple[str, ...] = (
    "date",  # 20230115
    "date_iso",  # 2023-01-15
    "timestamp",  # 20230115123045
    "timestamp_iso",  # 2023-01-15T12:30:45
    "phone_se",  # 070-123 45 67
    "phone_se_compact",  # 0701234567
    "phone_intl",  # +46701234567, +4512345678, +4791234567
    "phone_dk",  # +45 12 34 56 78
    "phone_dk_compact",  # 12345678
    "phone_no",  # +47 912 34 567
    "amount",  # 1234567890.50
    "amount_grouped",  # 12 345 678,90
    "amount_us",  # 1,234,567,890
    "amount_comma",  # 1234567890,50
    "card",  # 16 digits, Luhn
    "card_spaced",  # 4111 1111 1111 1111
    "long_id",  # 13-20 digits
    "uuid",
    "hex_hash",  # 40 or 64 hex digits
    "ip",  # 192.168.1.10
    "version",  # 1.2.3, v2.10.4, 3.11.7-rc1
    "isbn",  # ISBN-13, compact or hyphenated
)

_LAST_YEAR = 2025
_FI_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# Century signs with a weight each, so that every sign (and both numeric and letter checks) turns up often.
_FI_SIGNS: tuple[tuple[str, int, float], ...] = (
    ("+", 1800, 5), ("-", 1900, 35), ("Y", 1900, 5), ("X", 1900, 5), ("W", 1900, 5), ("V", 1900, 5),
    ("U", 1900, 5), ("A", 2000, 20), ("B", 2000, 3), ("C", 2000, 3), ("D", 2000, 3), ("E", 2000, 3),
    ("F", 2000, 3),
)
# First digit of a Swedish organisationsnummer (legal-form group): mostly 5 (aktiebolag).
_ORG_GROUPS: tuple[tuple[int, float], ...] = (
    (5, 50), (2, 10), (7, 10), (8, 12), (9, 12), (1, 2), (3, 2), (4, 1), (6, 1),
)
_CPR_W = (4, 3, 2, 7, 6, 5, 4, 3, 2)
_CVR_W = (2, 7, 6, 5, 4, 3, 2)
_NO_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


# ---------------------------------------------------------------------------------------------------------
# Identifiers


def _weighted(rng: random.Random, items: Iterable[tuple[object, float]]) -> object:
    population, weights = zip(*items, strict=True)
    return rng.choices(population, weights)[0]


def _date(rng: random.Random, first_year: int, last_year: int) -> _dt.date:
    lo = _dt.date(first_year, 1, 1).toordinal()
    hi = _dt.date(last_year, 12, 31).toordinal()
    return _dt.date.fromordinal(rng.randint(lo, hi))


def _dot(weights: Iterable[int], digits: str) -> int:
    return sum(w * int(c) for w, c in zip(weights, digits, strict=False))


def _luhn_digit(payload: str) -> str:
    """The Luhn check digit to append to ``payload`` (the digit next to it is doubled)."""
    total = 0
    for i, c in enumerate(reversed(payload)):
        v = int(c) * 2 if i % 2 == 0 else int(c)
        total += v - 9 if v > 9 else v
    return str(-total % 10)


def _cpr_year(yy: int, seventh: int) -> int:
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy


def _no_individuals(year: int) -> list[range]:
    """Individual-number ranges that encode ``year`` by the pre-2032 rules."""
    if year < 1900:
        return [range(500, 750)]
    if year < 1940:
        return [range(0, 500)]
    if year < 2000:
        return [range(0, 500), range(900, 1000)]
    return [range(500, 1000)]


def _se_person(rng: random.Random, form: str | None, samnr: bool) -> str:
    if form == "plus":
        d = _date(rng, 1870, 1899) if rng.random() < 0.2 else _date(rng, 1900, PLUS_BORN_BEFORE - 1)
    else:
        d = _date(rng, 1900, _LAST_YEAR)
    day = d.day + 60 if samnr else d.day
    nine = f"{d.year % 100:02d}{d.month:02d}{day:02d}{rng.randrange(1, 1000):03d}"
    return f"{d.year // 100:02d}{nine}{_luhn_digit(nine)}"


def _dk_cpr(rng: random.Random, strict: bool | None) -> str:
    mod11 = rng.random() < 0.5 if strict is None else strict
    while True:
        d = _date(rng, 1858, 1899) if rng.random() < 0.03 else _date(rng, 1900, _LAST_YEAR)
        yy = d.year % 100
        seventh = rng.choice([s for s in range(10) if _cpr_year(yy, s) == d.year])
        nine = f"{d.day:02d}{d.month:02d}{yy:02d}{seventh}{rng.randrange(100):02d}"
        total = _dot(_CPR_W, nine)
        if mod11:
            last = -total % 11
            if last == 10:
                continue
        else:
            last = rng.choice([x for x in range(10) if (total + x) % 11])
        return f"{nine}{last}"


def _no_number(rng: random.Random, dnr: bool, strict: bool | None) -> str:
    old_rule = rng.random() < 0.75 if strict is None else strict
    while True:
        if old_rule:
            d = _date(rng, 1854, 1899) if rng.random() < 0.04 else _date(rng, 1900, _LAST_YEAR)
            individual = rng.choice(rng.choice(_no_individuals(d.year)))
        else:
            d = _date(rng, 1900, _LAST_YEAR)
            individual = rng.randrange(1000)
        day = d.day + 40 if dnr else d.day
        nine = f"{day:02d}{d.month:02d}{d.year % 100:02d}{individual:03d}"
        s1 = _dot(_NO_W1, nine)
        if old_rule:
            k1 = -s1 % 11
        elif strict is None:  # issued from 2032: any of the four remainders
            k1 = rng.choice([(r - s1) % 11 for r in range(4)])
        else:  # issued from 2032 and rejected by the old rule
            k1 = rng.choice([(r - s1) % 11 for r in range(1, 4)])
        if k1 == 10:
            continue
        ten = f"{nine}{k1}"
        k2 = -_dot(_NO_W2, ten) % 11
        if k2 == 10:
            continue
        return f"{ten}{k2}"


def _fi_hetu(rng: random.Random) -> str:
    sign, century, _ = rng.choices(_FI_SIGNS, [w for _, _, w in _FI_SIGNS])[0]
    last = {1800: 1899, 1900: 1999, 2000: _LAST_YEAR}[century]
    d = _date(rng, 1850 if century == 1800 else century, last)
    head = f"{d.day:02d}{d.month:02d}{d.year % 100:02d}"
    individual = f"{rng.randrange(2, 900):03d}"
    return f"{head}{sign}{individual}{_FI_CHECK[int(head + individual) % 31]}"


def _se_orgnr(rng: random.Random) -> str:
    group = _weighted(rng, _ORG_GROUPS)
    nine = f"{group}{rng.randrange(10)}{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
    return f"{nine}{_luhn_digit(nine)}"


def _dk_cvr(rng: random.Random) -> str:
    while True:
        seven = f"{rng.randrange(1, 10)}{rng.randrange(10**6):06d}"
        last = -_dot(_CVR_W, seven) % 11
        if last != 10:
            return f"{seven}{last}"


def _check_kind(kind: str, form: str | None = None) -> None:
    if kind not in FORMS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if form is not None and form not in FORMS[kind]:
        raise ValueError(f"kind {kind!r} has no form {form!r}; expected one of {', '.join(FORMS[kind])}")


def generate(kind: str, rng: random.Random, *, form: str | None = None, strict: bool | None = None) -> str:
    """One valid number of ``kind`` as its canonical value (see the module docstring), drawn from ``rng``.

    ``form``: make a value that can be written in that form (only ``plus`` restricts anything: born before
    ``PLUS_BORN_BEFORE``). ``strict``: for ``dk_cpr``, True passes modulus 11 and False fails it; for
    ``no_fnr``/``no_dnr``, True follows the pre-2032 rules (century in the individual number, first check
    digit with remainder 0) and False the 2032 rule with a first check digit the old rule rejects. None (the
    default) mixes them. Other kinds ignore ``strict``.
    """
    _check_kind(kind, form)
    if kind in ("se_pnr", "se_samnr"):
        return _se_person(rng, form, kind == "se_samnr")
    if kind == "dk_cpr":
        return _dk_cpr(rng, strict)
    if kind in ("no_fnr", "no_dnr"):
        return _no_number(rng, kind == "no_dnr", strict)
    if kind == "fi_hetu":
        return _fi_hetu(rng)
    if kind == "se_orgnr":
        return _se_orgnr(rng)
    return _dk_cvr(rng)


_VALUE_LENGTH = {"se_pnr": 12, "se_samnr": 12, "dk_cpr": 10, "no_fnr": 11, "no_dnr": 11, "fi_hetu": 11,
                 "se_orgnr": 10, "dk_cvr": 8}


def render(kind: str, value: str, form: str) -> str:
    """``value`` (a canonical value of ``kind``) written in ``form``; ValueError if it cannot be."""
    _check_kind(kind, form)
    digits = value if kind != "fi_hetu" else value[:6] + value[7:10]
    if len(value) != _VALUE_LENGTH[kind] or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"{value!r} is not a canonical {kind} value")
    v = value
    if kind in ("se_pnr", "se_samnr"):
        if form == "plus" and int(v[:4]) >= PLUS_BORN_BEFORE:
            raise ValueError(f"the '+' form is for people born before {PLUS_BORN_BEFORE}")
        return {"d10": v[2:], "6s4": f"{v[2:8]}-{v[8:]}", "plus": f"{v[2:8]}+{v[8:]}", "d12": v,
                "8s4": f"{v[:8]}-{v[8:]}"}[form]
    if kind == "dk_cpr":
        return v if form == "d10" else f"{v[:6]}-{v[6:]}"
    if kind in ("no_fnr", "no_dnr"):
        return v if form == "d11" else f"{v[:6]} {v[6:]}"
    if kind == "se_orgnr":
        return {"d10": v, "6s4": f"{v[:6]}-{v[6:]}", "d12": f"16{v}", "8s4": f"16{v[:6]}-{v[6:]}",
                "vat": f"SE{v}01"}[form]
    if kind == "dk_cvr":
        return v if form == "d8" else f"DK{v}"
    return v  # fi_hetu


def samples(kind: str, n: int, seed: int, *, forms: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``n`` numbers of ``kind`` as ``(form, text)``, cycling through ``forms`` (default: all of the kind's)."""
    _check_kind(kind)
    chosen = FORMS[kind] if forms is None else tuple(forms)
    if not chosen:
        raise ValueError("forms must not be empty")
    for form in chosen:
        _check_kind(kind, form)
    rng = random.Random(f"sdcscan.synth.samples:{kind}:{seed}")
    out = []
    for i in range(n):
        form = chosen[i % len(chosen)]
        out.append((form, render(kind, generate(kind, rng, form=form), form)))
    return out


# ---------------------------------------------------------------------------------------------------------
# Traps


def _digits(rng: random.Random, n: int, *, lead: str = "123456789") -> str:
    return rng.choice(lead) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def _moment(rng: random.Random) -> _dt.datetime:
    day = _date(rng, 1995, 2030)
    return _dt.datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), rng.randrange(60))


def _trap_timestamp_iso(rng: random.Random) -> str:
    text = _moment(rng).isoformat()
    if rng.random() < 0.4:
        text += f".{rng.randrange(1000):03d}"
    return text + rng.choice(("", "Z", "+01:00", "+02:00"))


def _trap_phone_se(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"07{rng.choice('02369')}-{_digits(rng, 3)} {_digits(rng, 2, lead='0123456789')} {_digits(rng, 2)}"
    return f"0{rng.choice(('8', '31', '40', '18'))}-{_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}"


def _trap_phone_intl(rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return f"+467{rng.choice('02369')}{_digits(rng, 7, lead='0123456789')}"
    if choice == 1:
        return f"+45{_digits(rng, 8, lead='23456789')}"
    return f"+47{rng.choice('49')}{_digits(rng, 7, lead='0123456789')}"


def _trap_phone_dk(rng: random.Random) -> str:
    pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(3))
    return f"{'+45 ' if rng.random() < 0.6 else ''}{rng.randrange(20, 100)} {pairs}"


def _trap_phone_no(rng: random.Random) -> str:
    return f"{'+47 ' if rng.random() < 0.6 else ''}{rng.choice('49')}{_digits(rng, 2, lead='0123456789')} " \
           f"{rng.randrange(100):02d} {rng.randrange(1000):03d}"


def _trap_amount_grouped(rng: random.Random) -> str:
    whole = f"{rng.randrange(10**6, 10**12):,}".replace(",", " ")
    return f"{whole},{rng.randrange(100):02d}"


def _trap_amount_us(rng: random.Random) -> str:
    whole = f"{rng.randrange(10**6, 10**12):,}"
    return f"{whole}.{rng.randrange(100):02d}" if rng.random() < 0.5 else whole


def _trap_card(rng: random.Random) -> str:
    head = rng.choice(("4", "51", "52", "53", "54", "55"))
    body = head + _digits(rng, 15 - len(head), lead="0123456789")
    return body + _luhn_digit(body)


def _trap_hex_hash(rng: random.Random) -> str:
    width = rng.choice((40, 64))
    return f"{rng.getrandbits(width * 4):0{width}x}"


def _trap_version(rng: random.Random) -> str:
    major, minor, patch = rng.randrange(30), rng.randrange(20), rng.randrange(50)
    style = rng.randrange(4)
    if style == 0:
        return f"{major}.{minor}.{patch}"
    if style == 1:
        return f"v{major}.{minor}.{patch}"
    if style == 2:
        return f"{major}.{minor}.{patch}-rc{rng.randrange(1, 5)}"
    return f"{major}.{minor}"


def _trap_isbn(rng: random.Random) -> str:
    twelve = "97891" + _digits(rng, 7, lead="0123456789")
    check = str(-sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(twelve)) % 10)
    if rng.random() < 0.5:
        return twelve + check
    return f"{twelve[:3]}-{twelve[3:5]}-{twelve[5:9]}-{twelve[9:]}-{check}"


_TRAPS: dict[str, Callable[[random.Random], str]] = {
    "date": lambda rng: _date(rng, 1995, 2030).strftime("%Y%m%d"),
    "date_iso": lambda rng: _date(rng, 1995, 2030).isoformat(),
    "timestamp": lambda rng: _moment(rng).strftime("%Y%m%d%H%M%S"),
    "timestamp_iso": _trap_timestamp_iso,
    "phone_se": _trap_phone_se,
    "phone_se_compact": lambda rng: f"07{rng.choice('02369')}{_digits(rng, 7, lead='0123456789')}",
    "phone_intl": _trap_phone_intl,
    "phone_dk": _trap_phone_dk,
    "phone_dk_compact": lambda rng: _digits(rng, 8, lead="23456789"),
    "phone_no": _trap_phone_no,
    "amount": lambda rng: f"{_digits(rng, rng.choice((8, 10, 11, 12)))}.{rng.randrange(100):02d}",
    "amount_grouped": _trap_amount_grouped,
    "amount_us": _trap_amount_us,
    "amount_comma": lambda rng: f"{_digits(rng, rng.choice((8, 10, 11, 12)))},{rng.randrange(100):02d}",
    "card": _trap_card,
    "card_spaced": lambda rng: " ".join(re.findall("....", _trap_card(rng))),
    "long_id": lambda rng: _digits(rng, rng.randint(13, 20)),
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "hex_hash": _trap_hex_hash,
    "ip": lambda rng: ".".join(str(rng.randrange(1, 255)) for _ in range(4)),
    "version": _trap_version,
    "isbn": _trap_isbn,
}


def trap(kind: str, rng: random.Random) -> str:
    """One trap of ``kind`` (one of ``TRAP_KINDS``), drawn from ``rng``."""
    if kind not in _TRAPS:
        raise ValueError(f"unknown trap kind {kind!r}; expected one of {', '.join(TRAP_KINDS)}")
    return _TRAPS[kind](rng)


def traps(n: int, seed: int, *, kinds: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``n`` traps as ``(trap kind, text)``, cycling through ``kinds`` (default: all of ``TRAP_KINDS``)."""
    chosen = tuple(TRAP_KINDS if kinds is None else kinds)
    if not chosen:
        raise ValueError("kinds must not be empty")
    rng = random.Random(f"sdcscan.synth.traps:{seed}")
    return [(k, trap(k, rng)) for k in (chosen[i % len(chosen)] for i in range(n))]


# ---------------------------------------------------------------------------------------------------------
# Documents

#: Context words written before planted numbers (each contains a word of the scanner's context lists).
_CONTEXT: dict[str, tuple[str, ...]] = {
    "se_pnr": ("pnr=", "personnummer: ", "pnr_", "Personnr ", "pnr "),
    "se_samnr": ("samordningsnummer: ", "samordningsnr=", "pnr "),
    "dk_cpr": ("cpr ", "CPR-nr. ", "cpr=", "cprnr:"),
    "no_fnr": ("fnr ", "fødselsnummer: ", "fnr=", "fodselsnr "),
    "no_dnr": ("d-nummer ", "fnr=", "fnr "),
    "fi_hetu": ("hetu ", "henkilötunnus: ", "hetu="),
    "se_orgnr": ("orgnr ", "org.nr ", "organisationsnummer: ", "orgnr=", "vat="),
    "dk_cvr": ("cvr ", "CVR-nr. ", "cvr=", "moms "),
}
#: Non-digit wrappers for planted numbers without a context word.
_BARE: tuple[tuple[str, str], ...] = (
    ("", ""), ("", ""), ("(", ")"), ("[", "]"), ("id=", ""), ("id=", ";"), ("ref:", ""), ("#", ""),
    ('"', '"'), ("<", ">"), ("", ","), ("", ";"), ("key_", ""),
)
_CONTEXT_SUFFIX = ("", "", ",", ";")
#: Labels sometimes written before a trap in a document.
_TRAP_LABELS: dict[str, tuple[str, ...]] = {
    "date": ("date=", "dato "), "date_iso": ("date=", "dato "), "timestamp": ("ts=",),
    "timestamp_iso": ("at ", "ts="), "phone_se": ("tel ", "phone="), "phone_se_compact": ("tel ", "mobil:"),
    "phone_intl": ("phone=", "tel "), "phone_dk": ("tlf ", "tel "), "phone_dk_compact": ("tlf ", "phone="),
    "phone_no": ("tlf ", "mobil "), "amount": ("amount=", "sum "), "amount_grouped": ("belopp ", "total "),
    "amount_us": ("amount=",), "amount_comma": ("belopp ", "beløb "), "card": ("card=",),
    "card_spaced": ("card ",), "long_id": ("txn=", "order "), "uuid": ("trace_id=", "request "),
    "hex_hash": ("sha=", "commit "), "ip": ("ip=", "from "), "version": ("version ", "build "),
    "isbn": ("isbn ", "ISBN "),
}
_LEVELS: tuple[tuple[str, float], ...] = (("INFO", 70), ("DEBUG", 15), ("WARN", 10), ("ERROR", 5))
_COMPONENTS = ("api", "worker", "billing", "auth", "scheduler", "db", "mailer", "ingest")
_MESSAGES = (
    "request handled in {ms} ms status={status}",
    "GET /api/v{v}/items/{small} {status} {ms}ms",
    "batch {small} of {small2} written rows={rows}",
    "payment received amount={amount} SEK",
    "cache refreshed entries={rows}",
    "retrying connection to {host} attempt {k}",
    "validation failed for field {field}",
    "record updated",
    "job finished in {sec}s",
    "queue depth {small}",
    "lookup done",
    "user logged in",
)


def _message(rng: random.Random) -> list[str]:
    fields = {
        "ms": rng.randrange(1, 5000), "status": rng.choice((200, 201, 204, 400, 404, 500)),
        "v": rng.randrange(1, 4), "small": rng.randrange(1, 10000), "small2": rng.randrange(1, 10000),
        "rows": rng.randrange(1, 100000), "amount": f"{rng.randrange(1, 100000)}.{rng.randrange(100):02d}",
        "host": rng.choice(("db01.internal", "cache-2", "10.0.3.17", "queue.local")), "k": rng.randrange(1, 6),
        "field": rng.choice(("email", "address", "zip", "name", "city")), "sec": f"{rng.uniform(0, 90):.1f}",
    }
    return rng.choice(_MESSAGES).format(**fields).split(" ")


def document(
    n_lines: int,
    seed: int,
    *,
    plant: Mapping[str, int] | None = None,
    traps_per_line: float = 0.3,
    context_words: bool = True,
) -> tuple[str, list[tuple[str, str, str]]]:
    """A log-like text of ``n_lines`` lines (each ending in a newline) and what was planted in it.

    ``plant`` maps kinds to how many numbers of that kind to place on randomly chosen lines, cycling through
    the kind's forms. ``traps_per_line`` is the mean number of traps per line. With ``context_words`` about
    half the planted numbers follow a context word (``pnr=``, ``cpr``, ``hetu`` ...), the rest are bare or in
    punctuation; a planted number never touches another digit, is never followed by ``.`` and a digit, and
    a HETU is never followed by a letter or digit. Returns the text and the planted numbers as
    ``(kind, form, text)`` in the order they appear.
    """
    plant = dict(plant or {})
    for kind, count in plant.items():
        _check_kind(kind)
        if count < 0:
            raise ValueError(f"negative count for {kind!r}")
    if n_lines < 0 or traps_per_line < 0:
        raise ValueError("n_lines and traps_per_line must not be negative")
    if n_lines == 0 and any(plant.values()):
        raise ValueError("cannot plant numbers in a document without lines")
    rng = random.Random(f"sdcscan.synth.document:{seed}")

    items: list[tuple[str, str, str]] = []
    for kind in KINDS:
        forms = FORMS[kind]
        first = rng.randrange(len(forms))
        for i in range(plant.get(kind, 0)):
            form = forms[(first + i) % len(forms)]
            items.append((kind, form, render(kind, generate(kind, rng, form=form), form)))
    rng.shuffle(items)
    per_line: list[list[tuple[str, str, str]]] = [[] for _ in range(n_lines)]
    for item in items:
        per_line[rng.randrange(n_lines)].append(item)

    whole, frac = int(traps_per_line), traps_per_line - int(traps_per_line)
    clock = _dt.datetime(2023, 1, 1) + _dt.timedelta(seconds=rng.randrange(365 * 86400))
    lines: list[str] = []
    planted: list[tuple[str, str, str]] = []
    for line_items in per_line:
        clock += _dt.timedelta(milliseconds=rng.randrange(1, 5000))
        level = _weighted(rng, _LEVELS)
        tokens: list[tuple[str, tuple[str, str, str] | None]] = [(t, None) for t in _message(rng)]
        for _ in range(whole + (rng.random() < frac)):
            trap_kind = rng.choice(TRAP_KINDS)
            label = rng.choice(_TRAP_LABELS[trap_kind]) if rng.random() < 0.5 else ""
            tokens.insert(rng.randint(0, len(tokens)), (label + trap(trap_kind, rng), None))
        for item in line_items:
            if context_words and rng.random() < 0.5:
                prefix, suffix = rng.choice(_CONTEXT[item[0]]), rng.choice(_CONTEXT_SUFFIX)
            else:
                prefix, suffix = rng.choice(_BARE)
            tokens.insert(rng.randint(0, len(tokens)), (f"{prefix}{item[2]}{suffix}", item))
        stamp = clock.isoformat(timespec="milliseconds") + "Z"
        component = rng.choice(_COMPONENTS)
        lines.append(f"{stamp} {level} [{component}] " + " ".join(t for t, _ in tokens) + "\n")
        planted.extend(item for _, item in tokens if item is not None)
    return "".join(lines), planted
