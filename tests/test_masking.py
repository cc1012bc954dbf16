"""masking: the only place that turns protected values into evidence."""

from __future__ import annotations

import hashlib

import pytest

from scanner import masking


def test_evidence_cannot_be_built_outside_masking() -> None:
    with pytest.raises(TypeError):
        masking.Masked("198803200016")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("198803200016", "xxxxxxxxxx16"),
        ("19880320-0016", "xxxxxxxx-xx16"),
        ("010170-1234", "xxxxxx-xx34"),
        ("pnr_198803200016", "pnr_xxxxxxxxxx16"),
        ("Christiansø", "Christiansø"),
        ("2011", "2011"),
        ("12345", "12345"),
    ],
)
def test_mask_label_masks_long_digit_runs(raw: str, shown: str) -> None:
    assert masking.mask_label(raw) == shown


def test_labels_are_capped_and_printable() -> None:
    assert len(masking.mask_label("a" * 500)) == 60
    assert masking.mask_label("a\x1b[31mb") == "a?[31mb"
    assert masking.mask_label(None) == "(missing)"


def test_counts_with_thousands_separators_survive() -> None:
    text = "4,800 small cells of 1,920,000 count cells"
    assert masking.note(text).text == text


def test_count_band_hides_small_counts() -> None:
    assert masking.count_band(1, 3) == "1-2"
    assert masking.count_band(2, 10) == "1-9"
    assert masking.count_band(0, 3) == "0"
    assert masking.count_band(1, 2) == "1"


def test_fingerprint_is_keyed_and_stable() -> None:
    a = masking.fingerprint(b"k1", "MIC002", "export/x.csv", "pnr")
    assert a == masking.fingerprint(b"k1", "MIC002", "export/x.csv", "pnr")
    assert a != masking.fingerprint(b"k2", "MIC002", "export/x.csv", "pnr")
    plain = hashlib.sha256(b"MIC002\x1fexport/x.csv\x1fpnr").hexdigest()[:32]
    assert a != plain


def test_key_file_is_created_once_outside_scanned_folders(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SDCSCAN_FINGERPRINT_KEY")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    first = masking.fingerprint_key()
    assert (tmp_path / "sdcscan" / "fingerprint.key").stat().st_mode & 0o777 == 0o600
    assert masking.fingerprint_key() == first


def test_periods_are_not_masked_but_numbers_with_a_date_are() -> None:
    """Year ranges and months label cohorts and periods ("1970-1974", "2020-21", "2023-05"): a checker must
    read them. No person or business number is written with a separator after four digits, so those stay."""
    for label in ("1970-1974", "Overgange 2020-21", "kull 2010-2015", "2023-05", "2019/2020"):
        assert masking.mask_label(label) == label
    for raw, shown in (("19880320-0016", "xxxxxxxx-xx16"), ("010190-1234", "xxxxxx-xx34"),
                       ("198803200016", "xxxxxxxxxx16"), ("1234-5678", "xxxx-xx78")):
        assert masking.mask_label(raw) == shown


def test_grouped_thousands_are_not_masked_but_grouped_identifiers_are() -> None:
    """A count or a rate's base in groups of thousands with full stops ("N = 116.908", "pr. 100.000") or a round
    one with spaces ("per 1 000 000") is read as written; other groupings (an organisation number "937 697 392",
    a date and serial "880320.0016") are masked."""
    for label in ("Domfældte pr. 100.000 indbyggere", "per 1 000 000", "Rate per 100,000", "DOAK, N = 116.908"):
        assert masking.mask_label(label) == label
    for raw, shown in (("937 697 392", "xxx xxx x92"), ("880320 000", "xxxxxx x00"), ("880320.0016", "xxxxxx.xx16")):
        assert masking.mask_label(raw) == shown


def test_pseudonymised_alphanumeric_keys_are_masked_but_classification_codes_are_not() -> None:
    """FinnGen's "FG129F3436" (capitals, then eight hexadecimal characters or more with digits among them) is a
    person's key: masked but for its last two characters. ATC, ICD and study codes are shorter or have no such
    run, and stay readable."""
    assert masking.mask_label("FG129F3436") == "xxxxxxxx36"
    assert masking.mask_label("FINNGENID=FGB6CC60D5") == "FINNGENID=xxxxxxxxD5"
    for code in ("B01AA04", "DI219", "ICD10", "CDISCPILOT01", "Q1 (lowest)"):
        assert masking.mask_label(code) == code


def test_size_classes_and_round_bases_are_not_masked_but_numbers_with_a_hyphen_are() -> None:
    # probe VA: two size classes, "250-499" and "500-999", both printed "xxx-x99", could not be told apart
    assert masking.mask_label("250-499") == "250-499"
    assert masking.mask_label("1000-4999") == "1000-4999"
    assert masking.mask_name("doedsfald_pr_100000") == "doedsfald_pr_100000"
    # a CPR or organisation number keeps six digits before its hyphen; a "range" going down is no class
    assert masking.mask_label("010101-1234") == "xxxxxx-xx34"
    assert masking.mask_label("556677-8899") == "xxxxxx-xx99"
    assert masking.mask_label("499-250") == "xxx-x50"
    assert masking.mask_label("1234567") == "xxxxx67"
    assert masking.mask_label("1234-5678") == "xxxx-xx78"
