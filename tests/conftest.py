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


def unlocated_gold(shared_dir: Path, gold_name: str, text: str) -> list[str]:
    """Gold quantity spans of ``gold_name`` (in ../shared/corpora/dev/gold) that cannot be found in ``text``,
    located the way ../shared/tools/score.py locates them."""
    import json
    import sys
    sys.path.insert(0, str(shared_dir / "tools"))
    from goldlib import locate
    gold = json.loads((shared_dir / "corpora" / "dev" / "gold" / gold_name).read_text(encoding="utf-8"))
    taken: set = set()
    unlocated = []
    for g in gold["quantities"]:
        loc = locate(text, g, taken) or locate(text, {"text": g["text"]}, taken)
        if loc:
            taken.add(loc[0])
        else:
            unlocated.append(g["text"])
    return unlocated
