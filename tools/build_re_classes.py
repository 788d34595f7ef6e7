"""Write extractor/data/quantities/re_classes.json: the ``re`` translations of the ``regex`` classes the quantity
tables use (``stages.quantities._exact``), for the installed versions, so that a process need not read
``regex``'s Unicode tables at load. Rerun after upgrading ``regex`` or Python (else the classes are computed at
load, correctly, just slower); ``tests/test_re_classes.py`` recomputes every entry.

    python tools/build_re_classes.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.stages import quantities as q  # noqa: E402


def main() -> int:
    seen: dict = {}
    real = q._compute_exact

    def recording(cls: str) -> str:
        seen[cls] = real(cls)
        return seen[cls]

    q._compute_exact = recording
    q._shipped_classes.cache_clear()
    q._exact.cache_clear()
    q.tables.cache_clear()
    q.RE_CLASSES, keep = Path("/nonexistent"), q.RE_CLASSES
    q._shipped_classes.cache_clear()
    q.tables()
    q.RE_CLASSES = keep
    out = {"versions": q.re_class_versions(), "classes": dict(sorted(seen.items()))}
    keep.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{keep}: {len(seen)} classes for {out['versions']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
