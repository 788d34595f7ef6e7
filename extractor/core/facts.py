"""The facts every stage produces, as plain dataclasses; ``to_dict()`` gives the JSON of ``spec/output.md``.

All ``start``/``end`` offsets index the document text (``Document.text``), never the working copy.
Stages may add fields; the JSON keeps the spec's field names and order first.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Optional


_ATOMS = (str, int, float, bool, type(None))
_ATOM_TYPES = frozenset(_ATOMS)  # exact types: no call for the values most fields hold
_FIELDS: dict = {}


def _plain(v: Any) -> Any:
    """What :func:`dataclasses.asdict` makes of one value, without its deep copies of strings and numbers."""
    if isinstance(v, _ATOMS):
        return v
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {_plain(k): _plain(x) for k, x in v.items()}
    if isinstance(v, tuple):
        items = [_plain(x) for x in v]
        return type(v)(*items) if hasattr(v, "_fields") else type(v)(items)
    if is_dataclass(v) and not isinstance(v, type):
        return asdict(v)
    return copy.deepcopy(v)


def asdict(obj: Any) -> dict:
    """:func:`dataclasses.asdict` (same result), several times faster on the facts of a long document."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in fields(obj))
    out = {}
    for n in names:
        v = getattr(obj, n)
        out[n] = v if type(v) in _ATOM_TYPES else _plain(v)
    return out


@dataclass
class Section:
    id: str  # "1", "1.4", "1.4.2"
    parent: Optional[str]
    level: int  # 1 = top level (一、); 0 = the preamble (section "0", not a heading)
    number: Optional[str]  # the number as written: "一、", "（四）", "1."
    title: str
    part: Optional[str]  # preamble | results | leadership | shortcomings | plans | other
    category: Optional[str]  # category id of the catalogue, or None
    start: int  # the heading's start
    end: int  # the end of the section's body
    title_start: Optional[int] = None
    title_end: Optional[int] = None
    confidence: Optional[float] = None
    method: str = "rule"
    # a top-level section whose heading names two parts (“十四五”时期发展成就和“十五五”时期主要目标任务):
    # [[start, end, part], …] in document offsets; use sections.part_at(sections, offset)
    segments: Optional[list] = None

    def to_dict(self) -> dict:
        d = asdict(self)
        if d.get("segments") is None:
            d.pop("segments", None)
        return d


@dataclass
class Quantity:
    text: str
    start: int
    end: int
    value: float
    unit: str
    qualifier: str = "exact"  # exact | approx | lower | upper
    kind: str = "count"  # count | rate | amount | change
    period: str = "actual"  # actual | stock | cumulative | target
    subject: Optional[str] = None
    section: Optional[str] = None
    page: Optional[int] = None
    max: Optional[float] = None  # upper bound of a range
    unit_text: Optional[str] = None  # the unit as written
    clause: Optional[str] = None  # the clause it was found in (working copy), for readers and the normalizer
    table: Optional[str] = None  # a table cell's quantity: the table id ("t1"), and the cell's row and col
    row: Optional[int] = None
    col: Optional[int] = None

    def to_dict(self) -> dict:
        d = asdict(self)
        if d["max"] is None:
            d.pop("max")
        if d.get("table") is None:  # prose quantities keep the JSON of spec/output.md
            for k in ("table", "row", "col"):
                d.pop(k, None)
        v = d["value"]
        if isinstance(v, float) and v.is_integer():
            d["value"] = int(v)
        if isinstance(d.get("max"), float) and d["max"].is_integer():
            d["max"] = int(d["max"])
        return d


@dataclass
class Measure:
    text: str
    start: int
    end: int
    name: Optional[str]
    type: str  # action | initiative | document | campaign
    section: Optional[str] = None
    category: Optional[str] = None
    part: Optional[str] = None
    page: Optional[int] = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IndicatorValue:
    indicator: str
    value: float
    unit: str
    qualifier: str
    period: str
    year: Optional[int]
    evidence: str
    start: int
    end: int
    quantity: Optional[int]  # index into the report's quantities
    confidence: float
    method: str = "rule"  # rule | model
    name_zh: Optional[str] = None
    category: Optional[str] = None
    section: Optional[str] = None
    page: Optional[int] = None
    note: Optional[str] = None  # why this row was chosen over another statement of the same indicator

    def to_dict(self) -> dict:
        d = asdict(self)
        v = d["value"]
        if isinstance(v, float) and v.is_integer():
            d["value"] = int(v)
        return d


def as_dict(item: Any) -> dict:
    """The JSON dict of a fact (``to_dict()``), or the dict itself."""
    if isinstance(item, dict):
        return item
    if hasattr(item, "to_dict"):
        return item.to_dict()
    raise TypeError(f"cannot serialise {type(item).__name__}")


def from_dict(cls, data: dict):
    """A fact of class ``cls`` from its JSON dict (keys the class does not know are dropped)."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
