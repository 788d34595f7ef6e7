"""Shared fixtures. Tests that read ../shared use ``shared_dir`` and skip cleanly where it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("EXTRACTOR_SHARED", ROOT.parent / "shared"))
ZHOUCUN = ROOT / "corpora" / "sample" / "zhoucun-2023.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpora").is_dir():
        pytest.skip("../shared is not present beside the project")
    return SHARED


@pytest.fixture(scope="session")
def zhoucun_path() -> Path:
    return ZHOUCUN


@pytest.fixture(scope="session")
def zhoucun_text() -> str:
    return ZHOUCUN.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
