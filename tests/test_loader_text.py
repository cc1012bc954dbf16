"""Tests for scanner.loaders.text: plain text in line-aligned, decoded chunks."""

from __future__ import annotations

import codecs
import itertools
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.loaders.base import LoadError, TextChunk
from scanner.loaders.text import iter_text, read_text_head

REPO = Path(__file__).resolve().parents[1]


def corpus_root() -> Path:
    """The corpus root: $SDCSCAN_CORPUS, else ../shared/corpus relative to the repository root."""
    env = os.environ.get("SDCSCAN_CORPUS")
    return Path(env) if env else REPO.parent / "shared" / "corpus"


def write(tmp_path: Path, data: bytes, name: str = "t.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def universal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_chunks(chunks: list[TextChunk], raw: bytes, codec: str, skip: int = 0) -> str:
    """Assert the chunk invariants against the raw bytes; return the joined text."""
    line = 1
    offset = skip
    for i, chunk in enumerate(chunks):
        assert chunk.first_line == line
        assert chunk.byte_offset == offset
        last = i == len(chunks) - 1
        if not last:
            assert chunk.text.endswith("\n"), "a chunk must end on a line boundary"
        line += chunk.text.count("\n")
        offset = _advance(raw, offset, chunk.text, codec)
    assert offset == len(raw)
    return "".join(c.text for c in chunks)


def _advance(raw: bytes, offset: int, text: str, codec: str) -> int:
    """Byte offset after the raw bytes that decode (with universal newlines) to ``text``.

    Decoding ``raw[offset:]`` fails if ``offset`` is not on a character boundary.
    """
    rest = raw[offset:].decode(codec)
    taken = 0
    produced = 0
    out = []
    while produced < len(text):
        ch = rest[taken]
        if ch == "\r" and taken + 1 < len(rest) and rest[taken + 1] == "\n":
            out.append("\n")
            taken += 2
        elif ch == "\r":
            out.append("\n")
            taken += 1
        else:
            out.append(ch)
            taken += 1
        produced += 1
    assert "".join(out) == text
    return offset + len(rest[:taken].encode(codec))


def test_chunks_split_on_line_boundaries(tmp_path: Path) -> None:
    lines = [f"line {i}: {'x' * (i % 17)}\n" for i in range(500)]
    raw = "".join(lines).encode()
    chunks = list(iter_text(write(tmp_path, raw), chunk_bytes=64))
    assert len(chunks) > 10
    assert check_chunks(chunks, raw, "utf-8") == "".join(lines)
    assert chunks[0].encoding == "utf-8"


def test_line_numbers_point_at_lines(tmp_path: Path) -> None:
    raw = b"".join(f"row {i}\n".encode() for i in range(1, 1001))
    for chunk in iter_text(write(tmp_path, raw), chunk_bytes=100):
        first = chunk.text.split("\n", 1)[0]
        assert first == f"row {chunk.first_line}"


def test_multibyte_character_straddling_the_chunk_boundary(tmp_path: Path) -> None:
    # "Ø" (2 bytes), "€" (3 bytes) and an emoji (4 bytes) placed across every possible cut position.
    for prefix in range(0, 8):
        raw = ("a" * prefix + "Ø€😀 Österåker\n" * 3 + "slut uden linjeskift").encode()
        chunks = list(iter_text(write(tmp_path, raw, f"m{prefix}.txt"), chunk_bytes=5))
        assert check_chunks(chunks, raw, "utf-8") == raw.decode()


def test_crlf_split_across_reads_is_one_line_break(tmp_path: Path) -> None:
    raw = b"abc\r\ndef\r\nghi\r\n"
    for size in range(1, len(raw) + 2):
        chunks = list(iter_text(write(tmp_path, raw), chunk_bytes=size))
        assert "".join(c.text for c in chunks) == "abc\ndef\nghi\n", size
        assert [c.first_line for c in chunks] == sorted({c.first_line for c in chunks})
        check_chunks(chunks, raw, "utf-8")


def test_cr_only_line_ends(tmp_path: Path) -> None:
    raw = b"one\rtwo\rthree\r"
    chunks = list(iter_text(write(tmp_path, raw), chunk_bytes=4))
    assert check_chunks(chunks, raw, "utf-8") == "one\ntwo\nthree\n"


def test_long_line_is_yielded_whole(tmp_path: Path) -> None:
    raw = b"short\n" + b"y" * 10_000 + b"\nend\n"
    chunks = list(iter_text(write(tmp_path, raw), chunk_bytes=100))
    assert any(c.text.startswith("y" * 10_000 + "\n") for c in chunks)
    assert check_chunks(chunks, raw, "utf-8") == raw.decode()


def test_line_longer_than_the_limit_is_a_load_error(tmp_path: Path) -> None:
    raw = b"ok\n" + b"190101-1234" * 1000 + b"\n"
    with pytest.raises(LoadError) as info:
        list(iter_text(write(tmp_path, raw), chunk_bytes=64, max_line_bytes=1000))
    assert info.value.reason == "line 2 is longer than 1000 bytes"
    assert "1234" not in info.value.reason.replace("line 2 is longer than 1000 bytes", "")


def test_empty_file_yields_nothing(tmp_path: Path) -> None:
    assert list(iter_text(write(tmp_path, b""))) == []


def test_no_final_newline(tmp_path: Path) -> None:
    chunks = list(iter_text(write(tmp_path, b"a\nb"), chunk_bytes=1))
    assert "".join(c.text for c in chunks) == "a\nb"
    assert chunks[-1].first_line == 2


def test_utf8_bom_is_skipped_and_offset_counts_it(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + "TID;KØN\n2021;M\n".encode()
    chunks = list(iter_text(write(tmp_path, raw)))
    assert chunks[0].text == "TID;KØN\n2021;M\n"
    assert chunks[0].byte_offset == 3
    assert chunks[0].encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-32"])
def test_wide_encodings_chunk_on_code_units(tmp_path: Path, codec: str) -> None:
    # "\u0a41\u4100" is 41 0A 00 41 in UTF-16-LE: an LF code unit at an odd offset, which is no line break.
    text = "".join(f"Väsby {i}\u0a41\u4100\r\n" for i in range(200)) + "\u0a0d\u0d0a tail"
    raw = text.encode(codec)
    bom = 0 if codec == "utf-16-le" else (2 if codec == "utf-16" else 4)
    chunks = list(iter_text(write(tmp_path, raw), chunk_bytes=33))
    assert "".join(c.text for c in chunks) == universal(text)
    assert chunks[0].byte_offset == bom
    for c in chunks[:-1]:
        assert c.text.endswith("\n")


def test_cp1252_text(tmp_path: Path) -> None:
    raw = "Kommun: Österåker\n".encode("cp1252") * 3
    chunks = list(iter_text(write(tmp_path, raw), chunk_bytes=10))
    assert chunks[0].encoding == "cp1252"
    assert "".join(c.text for c in chunks) == "Kommun: Österåker\n" * 3


def test_explicit_wrong_encoding_is_a_value_free_load_error(tmp_path: Path) -> None:
    raw = b"ok line\n" + "Väsby 190101-1234\n".encode("cp1252")
    with pytest.raises(LoadError) as info:
        list(iter_text(write(tmp_path, raw), encoding="utf-8"))
    assert info.value.reason == "bytes not valid utf-8 at byte offset 9"


def test_chunk_bytes_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        list(iter_text(write(tmp_path, b"x\n"), chunk_bytes=0))


def test_read_text_head(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + ("Österåker\r\n" * 100).encode()
    # 17 bytes: BOM (3) + "Österåker\r\n" (13) + the first byte of "Ö", which is dropped.
    assert read_text_head(write(tmp_path, raw), max_bytes=17) == "Österåker\n"
    assert read_text_head(write(tmp_path, raw), max_bytes=18) == "Österåker\nÖ"


def test_read_text_head_cp1252(tmp_path: Path) -> None:
    raw = "region;pop\r\nÖsteråker;44130\r\n".encode("cp1252")
    assert read_text_head(write(tmp_path, raw)) == "region;pop\nÖsteråker;44130\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(
        st.tuples(st.text(alphabet="abÅø€😀 \t,;", max_size=12), st.sampled_from(["\n", "\r\n", "\r", ""])),
        max_size=30,
    ),
    chunk=st.integers(min_value=1, max_value=40),
)
def test_chunking_property(tmp_path: Path, parts: list[tuple[str, str]], chunk: int) -> None:
    text = "".join(a + b for a, b in parts)
    raw = text.encode()
    chunks = list(iter_text(write(tmp_path, raw, "prop.txt"), chunk_bytes=chunk, encoding="utf-8"))
    joined = check_chunks(chunks, raw, "utf-8")
    assert joined == universal(text)
    for c in chunks[:-1]:
        assert c.text.endswith("\n")


@pytest.mark.slow
def test_huge_file_streams(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    block = "".join(f"{i:08d} obs=1 x=2.5 y=some text here\n" for i in range(100_000)).encode()
    with open(path, "wb") as fh:
        for _ in range(20):  # ~ 80 MB
            fh.write(block)
    total_lines = 0
    biggest = 0
    for chunk in iter_text(path, chunk_bytes=1 << 20):
        total_lines += chunk.text.count("\n")
        biggest = max(biggest, len(chunk.text))
    assert total_lines == 2_000_000
    assert biggest <= 2 << 20  # about one chunk, never the file


@pytest.mark.corpus
def test_corpus_logs_read_completely() -> None:
    folder = corpus_root() / "logs"
    if not folder.is_dir():
        pytest.skip(f"corpus not found at {corpus_root()} (set SDCSCAN_CORPUS)")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    assert files
    for path in files:
        raw = path.read_bytes()
        chunks = list(iter_text(path, chunk_bytes=4096))
        text = "".join(c.text for c in chunks)
        expected_lines = len(re.findall(r"\r\n|\r|\n", raw.decode(chunks[0].encoding)))
        assert text.count("\n") == expected_lines, path.name
        assert chunks[0].first_line == 1
        for a, b in itertools.pairwise(chunks):
            assert b.first_line == a.first_line + a.text.count("\n"), path.name
            assert b.byte_offset > a.byte_offset
