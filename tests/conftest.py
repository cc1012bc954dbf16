"""Shared test fixtures: a fixed fingerprint key, the real-world corpus, the example export request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "export-request"

# Kernel tests test the compiled kernels: no interpreted small calls (kernels/_jit.py) unless a test asks.
os.environ.setdefault("SDCSCAN_INTERPRET_BYTES", "0")


def corpus_root() -> Path | None:
    """The shared real-world corpus: $SDCSCAN_CORPUS, or ../shared/corpus beside the repository."""
    env = os.environ.get("SDCSCAN_CORPUS")
    root = Path(env) if env else REPO.parent / "shared" / "corpus"
    return root if (root / "MANIFEST.tsv").is_file() else None


@pytest.fixture(autouse=True)
def _fixed_fingerprint_key(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Tests must not create a key file in the user's home, and golden reports need stable fingerprints.
    monkeypatch.setenv("SDCSCAN_FINGERPRINT_KEY", "00112233445566778899aabbccddeeff")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.getbasetemp() / "state"))


@pytest.fixture
def corpus() -> Path:
    root = corpus_root()
    if root is None:
        pytest.skip("real-world corpus not found: set SDCSCAN_CORPUS or place it at ../shared/corpus")
    return root
