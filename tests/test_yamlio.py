"""The data files read with libyaml's C loader give what the pure-Python loader gives (extractor.text.yamlio)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.text import yamlio

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(list((ROOT / "extractor" / "data").rglob("*.yaml")) + list((ROOT / "tests" / "cases").rglob("*.yaml")))


def test_there_are_data_files():
    assert len(FILES) > 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_c_loader_reads_what_the_python_loader_reads(path):
    text = path.read_text(encoding="utf-8")
    assert yamlio.safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader)
