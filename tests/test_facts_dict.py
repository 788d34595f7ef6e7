"""core.facts.asdict (the fast serialiser of the facts) equals dataclasses.asdict on real reports."""
from __future__ import annotations

import dataclasses
from collections import namedtuple

from extractor.core import facts


def test_fast_asdict_equals_dataclasses(zhoucun_path, fixtures_dir):
    import extractor
    for path in [zhoucun_path, fixtures_dir / "reports" / "synthetic-gwr.txt",
                 fixtures_dir / "reports" / "synthetic-tongji.txt"]:
        rep = extractor.extract(path)
        items = rep.section_list + rep.quantity_list + rep.measure_list + rep.indicator_list
        assert items
        for it in items:
            assert facts.asdict(it) == dataclasses.asdict(it)


def test_fast_asdict_odd_values():
    P = namedtuple("P", "a b")

    @dataclasses.dataclass
    class Inner:
        x: list

    @dataclasses.dataclass
    class Outer:
        a: tuple
        b: dict
        c: Inner
        d: P
        e: set

    o = Outer((1, [2, 3]), {"k": Inner([1, (2, 3)])}, Inner([]), P(1, [2]), {1, 2})
    got, want = facts.asdict(o), dataclasses.asdict(o)
    assert got == want and type(got["d"]) is P and got["b"]["k"] == {"x": [1, (2, 3)]}
    assert got["c"]["x"] is not o.c.x  # copies, like dataclasses.asdict


def test_indicator_rows_of_a_report_equal_those_of_its_json(zhoucun_path):
    """rows_of reads a Report's header and indicators directly (no whole-report JSON) with the same result."""
    import extractor
    from extractor.output.table import rows_of
    rep = extractor.extract(zhoucun_path)
    assert rep.indicator_list
    assert rows_of(rep) == rows_of(rep.to_dict())
