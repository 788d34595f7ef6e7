"""Input discovery of a batch: folders, globs, lists of paths, tabular corpora; ids from content."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractor.batch.inputs import file_hash, from_text, iter_inputs

REPORT = "某区人民政府关于2023年法治政府建设情况的报告\n全年收到行政复议申请{n}件。\n"


@pytest.fixture
def tree(tmp_path) -> Path:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "r1.txt").write_text(REPORT.format(n=1), encoding="utf-8")
    (tmp_path / "a" / "b" / "r2.md").write_text(REPORT.format(n=2), encoding="utf-8")
    (tmp_path / "a" / "b" / ".hidden.txt").write_text(REPORT.format(n=3), encoding="utf-8")
    (tmp_path / "a" / "b" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "a" / "rows.jsonl").write_text(
        "\n".join(json.dumps({"id": f"k{i}", "text": REPORT.format(n=10 + i), "year": 2023}, ensure_ascii=False)
                  for i in range(2)) + "\n", encoding="utf-8")
    (tmp_path / "list.lst").write_text("a/r1.txt\n\na/b/r2.md\n", encoding="utf-8")
    return tmp_path


def names(items) -> list[str]:
    return [Path(i.path).name for i in items]


@pytest.mark.parametrize("inputs, expected", [
    (["a"], ["r2.md", "r1.txt", "rows.jsonl#k0", "rows.jsonl#k1"]),  # recursive, path order; no hidden/unsupported
    (["a", "a/r1.txt"], ["r2.md", "r1.txt", "rows.jsonl#k0", "rows.jsonl#k1"]),  # a file named twice: once
    (["a/**/*.md"], ["r2.md"]),
    (["list.lst"], ["r1.txt", "r2.md"]),
    (["a/r1.txt", "missing.txt"], ["r1.txt", "missing.txt"]),  # a missing file is an error row later, not dropped
])
def test_discovery(tree, monkeypatch, inputs, expected):
    monkeypatch.chdir(tree)
    assert names(iter_inputs(inputs, id_column="id")) == expected


def test_rows_carry_metadata_and_content_ids(tree):
    rows = [i for i in iter_inputs([tree / "a" / "rows.jsonl"]) if i.text is not None]
    assert names(rows) == ["rows.jsonl#1", "rows.jsonl#2"]  # no id column named: row numbers
    assert rows[0].meta == {"id": "k0", "year": 2023}
    assert rows[0].doc_id == hashlib.sha256(rows[0].text.encode("utf-8")).hexdigest()
    assert rows[0].doc_id == from_text(rows[0].text).id


def test_a_report_is_not_a_list_of_paths(tree):
    # a .txt whose lines are not paths is a document
    assert [i.text for i in iter_inputs([tree / "a" / "r1.txt"])] == [None]


def test_file_hash_is_of_the_bytes(tree):
    p = tree / "a" / "r1.txt"
    assert file_hash(p) == hashlib.sha256(p.read_bytes()).hexdigest()
    assert file_hash(tree / "nope") is None
