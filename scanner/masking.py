"""The only place that turns a protected value into evidence.

A report leaves the secure environment's review queue and lands in ticket systems, mail and logs, so a
finding must never repeat what it protects: a person number, a small count, a raw row. Every finding's
evidence is a :class:`Masked` value, and only this module can construct one (the constructor checks a
module-private token). Fingerprints are keyed hashes (HMAC-SHA256): a plain hash of a 10-digit person
number can be reversed by hashing all 10^10 candidates, a keyed one cannot without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from scanner.lazy_regex import lazy_compile

__all__ = [
    "Masked",
    "count_band",
    "evidence",
    "fingerprint",
    "fingerprint_key",
    "identifier",
    "mask_label",
    "mask_name",
    "note",
]

_TOKEN = object()

# A run of six or more digits (optionally split by one '-', '+', ' ' or '.') can be a person, firm or
# address number; labels and column names are printed only with such runs masked.
_DIGIT_RUN = lazy_compile(r"\d(?:[-+ .]?\d){5,}")
_MAX_LABEL = 60


class Masked:
    """Evidence text that has been through this module. Construct with the functions below only."""

    __slots__ = ("text",)
    text: str

    def __init__(self, text: str, _token: object = None) -> None:
        if _token is not _TOKEN:
            raise TypeError("Masked evidence is created only by scanner.masking")
        object.__setattr__(self, "text", text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Masked is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Masked) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Masked({self.text!r})"

    def __reduce__(self) -> tuple[object, tuple[str]]:
        # Results cross process boundaries (the parallel scan): rebuild through the token-holding helper.
        return (_restore, (self.text,))

    def __str__(self) -> str:
        return self.text


def _restore(text: str) -> Masked:
    return Masked(text, _TOKEN)


# Periods that are no identifiers: year ranges ("1970-1974", "2020-21", "2019/2020") and months ("2023-05").
# No person or business number is written with a separator after four digits.
_PERIOD = lazy_compile(r"(?:1[89]|20)(\d\d)(?:[-/](?:(?:1[89]|20)\d\d|\d\d)|-(?:0[1-9]|1[0-2]))")


# A number written in groups of thousands with full stops ("N = 116.908", "pr. 100.000 indbyggere": a Danish or
# Norwegian count or a rate's base), or a round one with spaces ("1 000 000"): no person or business number is
# written so (an organisasjonsnummer's "937 697 392" is grouped by spaces, and stays masked).
_ROUND_THOUSANDS = lazy_compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}([ ,])000(?:\1(?:000))*")


# A class of sizes or values, "250-499", "1000-4999" (two parts of at most four digits, cut as classes are), and
# a round base, "100000" of "doedsfald_pr_100000": no person or business number is written so (CPR and
# organisation numbers put six digits before their hyphen).
_CLASS_RANGE = lazy_compile(r"(\d{1,4})-(\d{1,4})")
_ROUND_BASE = lazy_compile(r"[1-9]0{5,}")


def _class_bounds(low: int, high: int) -> bool:
    """Bounds of a class as classes are cut: from a round number (or 1) to one below the next ("250-499",
    "1000-4999", "1-9"); "1234-5678" is no class."""
    return low < high and (low == 1 or low % 5 == 0) and high % 10 in (0, 4, 9)


def _mask_digits(match: re.Match[str]) -> str:
    raw = match.group(0)
    if _PERIOD.fullmatch(raw) or _ROUND_THOUSANDS.fullmatch(raw) or _ROUND_BASE.fullmatch(raw):
        return raw
    if (m := _CLASS_RANGE.fullmatch(raw)) and _class_bounds(int(m.group(1)), int(m.group(2))):
        return raw
    digits = [c for c in raw if c.isdigit()]
    keep = 2  # the last two digits help a checker find the place; the rest could re-identify
    out = []
    seen = 0
    total = len(digits)
    for ch in raw:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "x")
        else:
            out.append(ch)
    return "".join(out)


# A pseudonymised key of letters and digits: FinnGen's "FG129F3436", "FGB6CC60D5" (a prefix of capitals, then
# eight or more hexadecimal characters, three digits at least). Codes of classifications are shorter (ATC "B01AA04",
# ICD "DI219"); such a key is masked but for its last two characters.
_ALNUM_KEY = lazy_compile(r"(?<![\w-])[A-Z]{1,4}(?=[0-9A-F]{8,16}(?![\w-]))(?=(?:[A-F]*[0-9]){3})"
                          r"[0-9A-F]{8,16}(?![\w-])")


def _mask_key(match: re.Match[str]) -> str:
    raw = match.group(0)
    return "x" * (len(raw) - 2) + raw[-2:]


def _clean(text: str) -> str:
    masked = _ALNUM_KEY.sub(_mask_key, _DIGIT_RUN.sub(_mask_digits, text))
    masked = "".join(ch if ch.isprintable() else "?" for ch in masked)
    if len(masked) > _MAX_LABEL:
        masked = masked[: _MAX_LABEL - 1] + "…"
    return masked


def mask_label(value: object) -> str:
    """A category label or header made safe to print: long digit runs masked, length capped."""
    if value is None:
        return "(missing)"
    return _clean(str(value))


def mask_name(name: str) -> str:
    """A column or sheet name for a message: names are metadata, but a name can hold an ID too."""
    return _clean(name)


def note(text: str) -> Masked:
    """Evidence that is a description built from non-protected facts (kinds, counts of findings)."""
    return Masked(_clean_free_text(text), _TOKEN)


def _clean_free_text(text: str) -> str:
    return _DIGIT_RUN.sub(_mask_digits, text)


def mask_path(path: str) -> str:
    """A file's path or an archive member's name with its long digit runs masked (a path that holds a
    person number), at full length (a checker still finds the file by its other parts)."""
    return _DIGIT_RUN.sub(_mask_digits, path)


def count_band(count: float, threshold: int) -> str:
    """A count under the threshold, printed as a band so the report does not repeat the small number."""
    if count == 0:
        return "0"
    if count < 0:
        return "negative"
    if count < threshold:
        return f"1-{threshold - 1}" if threshold > 2 else "1"
    return f">={threshold}"


def fingerprint_key() -> bytes:
    """The HMAC key: ``SDCSCAN_FINGERPRINT_KEY`` (hex or text) or a per-user key file made on first use.

    The key file lives in the user's state directory, never in a scanned folder.
    """
    env = os.environ.get("SDCSCAN_FINGERPRINT_KEY")
    if env:
        try:
            return bytes.fromhex(env)
        except ValueError:
            return env.encode("utf-8")
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "sdcscan"
    key_file = state / "fingerprint.key"
    try:
        return bytes.fromhex(key_file.read_text().strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    try:
        state.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key.hex())
    except FileExistsError:  # another process won the race: use its key
        return bytes.fromhex(key_file.read_text().strip())
    except OSError:
        pass  # read-only home: fingerprints are stable within this run only
    return key


def fingerprint(key: bytes, *parts: str) -> str:
    """A keyed, non-reversible fingerprint of a finding's stable identity (rule, path, column, cell)."""
    msg = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:32]


def evidence(text: str) -> Masked:
    """Evidence from a template the rule filled with already-masked parts (labels, bands, names)."""
    return Masked(_clean_free_text(text), _TOKEN)


def identifier(text: str) -> str:
    """A person or business number as a checker may see it: ``19xxxxxx-xx16``, ``xxxxxx-xx8T``.

    Separators and a Finnish century sign stay (they show the form); the last two characters stay (to
    find the place); a 12-digit form keeps its first two digits (the century or the ``16`` prefix).
    Everything else becomes ``x``: with the two kept characters, at least 6 digits are hidden.
    """
    n_digits = sum(c.isdigit() for c in text)
    keep_front = 2 if n_digits >= 12 else 0
    out = []
    seen = 0
    for i, ch in enumerate(text):
        if ch.isdigit() or (i == len(text) - 1 and ch.isalpha()):
            seen += 1
            front = seen <= keep_front
            back = i >= len(text) - 2
            out.append(ch if front or back else "x")
        else:
            out.append(ch)
    return "".join(out)
