"""Indicator catalogues (``data/catalogues/*.yaml``): the standard indicators a report's quantities map to.

>>> import extractor
>>> cat = extractor.catalogue("fazhi")
>>> cat["reconsideration.applications_received"].unit
'件'
>>> cat.frame()            # one row per indicator: id, name_zh, unit, kind, category, aliases …

A catalogue is data: adding an indicator is a new entry in the YAML file (id, name_zh, unit, kind, category,
aliases / patterns) plus a test row in ``tests/cases/indicators.yaml``. Fields of an entry:

- ``aliases``: words that name the indicator in the text before the quantity (or right after a count:
  ``建立8个行政复议便民联系点``); the longest alias nearest to the quantity wins.
- ``patterns``: regular expressions, same use; ``{Q}`` stands for the quantity itself
  (``{Q}.{0,20}开展法治督察`` → a count followed by the verb) and ``…`` for up to 20 characters that may
  include it (``调整…行政职权事项``); other patterns must not span the quantity.
- ``exclude``: words that, before the quantity in the same clause, veto the match (人均 for the aggregate).
- ``requires``: a regular expression the sentence must contain (复议 for the reconsideration rates).
- ``accept_units``: other units the value may come in, with a factor to the catalogue unit (``{家: 1}``;
  ``{斤: 0.0005}`` for 吨); ``kinds``: quantity kinds accepted besides ``kind``.
- ``sum_parts``: a total stated only as its parts (一级站3处、二级站5处…) is one row, the sum.
- ``extends`` (catalogue level): inherit every indicator of another catalogue file.

Catalogues and indicators are immutable: :meth:`Catalogue.with_indicator` / :meth:`Catalogue.without` /
:meth:`Indicator.replace` return new objects, and ``extractor.extract(path, catalogue=cat)`` uses one::

    new = extractor.Indicator(id="custom.x", name_zh="便民联系点", unit="个", kind="count", aliases=["便民联系点"])
    report = extractor.extract("report.txt", catalogue=extractor.catalogue("fazhi").with_indicator(new))
"""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from pathlib import Path
from typing import Optional

from extractor.text import yamlio

from extractor.core import errors
DATA = Path(__file__).resolve().parents[1] / "data" / "catalogues"
#: catalogue used for each genre
GENRE_CATALOGUE = {"fazhi": "fazhi", "gongzuo": "gongzuo", "gongbao": "gongbao"}


@dataclass(frozen=True, eq=False)
class Indicator:
    id: str
    name_zh: str
    unit: str
    kind: str
    category: Optional[str] = None
    name_en: Optional[str] = None
    aliases: list = field(default_factory=list)
    patterns: list = field(default_factory=list)
    exclude: list = field(default_factory=list)
    requires: Optional[str] = None
    accept_units: dict = field(default_factory=dict)
    kinds: list = field(default_factory=list)
    sum_parts: bool = False
    examples: list = field(default_factory=list)
    added: bool = False
    notes: Optional[str] = None
    max_abs: Optional[float] = None  # |value| above this (in the catalogue unit) is not this indicator (CPI index 100.0)

    def __post_init__(self):  # lists become tuples, so that an indicator cannot be edited in place
        for name in ("aliases", "patterns", "exclude", "kinds", "examples"):
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))
        object.__setattr__(self, "accept_units", MappingProxyType(dict(self.accept_units or {})))

    def replace(self, **changes) -> "Indicator":
        """A new indicator with ``changes`` (``ind.replace(aliases=[*ind.aliases, "新说法"])``)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """The entry as in the catalogue file (lists and a dict)."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = dict(v) if isinstance(v, MappingProxyType) else list(v) if isinstance(v, tuple) else v
        return out

    @functools.cached_property
    def compiled(self) -> list:
        """(regex, length weight, may span the quantity) for every alias and pattern. In a pattern ``{Q}``
        is the quantity and ``…`` up to 20 characters that may contain it (``调整…行政职权事项``)."""
        out = []
        for a in self.aliases:
            out.append((re.compile(re.escape(str(a))), len(str(a)), False))
        for p in self.patterns:
            p = str(p)
            rx = p.replace("{Q}", QMARK).replace("…", ".{0,20}")
            weight = len(re.sub(r"[.\\{}\d,*+?()\[\]^…]|\{Q\}", "", p))
            out.append((re.compile(rx), weight, "{Q}" in p or "…" in p))
        return out

    def unit_factor(self, unit: str) -> Optional[float]:
        """Factor from ``unit`` to the catalogue unit, or None when the unit does not fit."""
        if unit == self.unit:
            return 1.0
        if unit in self.accept_units:
            return float(self.accept_units[unit])
        return None

    def kind_ok(self, kind: str) -> bool:
        return kind == self.kind or kind in (self.kinds or [])


QMARK = "\ue000"  # stands for the quantity inside a context string


class Catalogue:
    """A named, immutable list of :class:`Indicator` (``cat[id]``, ``for ind in cat``, ``cat.frame()``).

    Ids are unique. Change a catalogue by making a new one: :meth:`with_indicator`, :meth:`without`."""

    __slots__ = ("name", "meta", "categories", "indicators", "candidates", "_index", "_fitting")

    def __init__(self, name: str, meta: dict, categories: list, indicators: list, candidates: Optional[list] = None):
        inds = tuple(indicators)
        index = {}
        for i in inds:
            if i.id in index:
                raise ValueError(f"catalogue {name}: indicator id {i.id!r} appears twice")
            index[i.id] = i
        for k, v in (("name", name), ("meta", MappingProxyType(dict(meta or {}))),
                     ("categories", tuple(MappingProxyType(dict(c)) for c in categories or ())),
                     ("indicators", inds), ("candidates", tuple(candidates or ())),
                     ("_index", MappingProxyType(index)), ("_fitting", {})):
            object.__setattr__(self, k, v)

    def __setattr__(self, key, value):
        raise AttributeError(f"a Catalogue is immutable (use with_indicator / without): cannot set {key}")

    def with_indicator(self, indicator: Indicator, name: Optional[str] = None) -> "Catalogue":
        """A new catalogue with ``indicator`` added (or replacing the indicator of the same id)."""
        inds = [i for i in self.indicators if i.id != indicator.id] + [indicator]
        return Catalogue(name or self.name, dict(self.meta), list(self.categories), inds, list(self.candidates))

    def without(self, indicator_id: str, name: Optional[str] = None) -> "Catalogue":
        """A new catalogue without the indicator ``indicator_id``."""
        if indicator_id not in self._index:
            raise KeyError(indicator_id)
        inds = [i for i in self.indicators if i.id != indicator_id]
        return Catalogue(name or self.name, dict(self.meta), list(self.categories), inds, list(self.candidates))

    def __getitem__(self, key: str) -> Indicator:
        return self._index[key]

    def fitting(self, kind: str, unit: str) -> tuple:
        """``(indicator, unit factor)`` of every indicator, in catalogue order, that takes a quantity of this
        kind and unit (with a unit factor) (computed once per kind and unit: the catalogue does not change)."""
        key = (kind, unit)
        got = self._fitting.get(key)
        if got is None:
            got = tuple((i, f) for i in self.indicators if i.kind_ok(kind)
                        for f in (i.unit_factor(unit),) if f is not None)
            self._fitting[key] = got
        return got

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    @property
    def one_per(self) -> list:
        return list(self.meta.get("one_per") or ["indicator"])

    def category_name(self, cid: Optional[str]) -> Optional[str]:
        return next((c.get("name_zh") for c in self.categories if c.get("id") == cid), None)

    def frame(self):
        """The catalogue as a pandas DataFrame, one row per indicator."""
        import pandas as pd
        cols = ["id", "name_zh", "unit", "kind", "category", "aliases", "patterns", "exclude", "accept_units", "added"]
        return pd.DataFrame([{c: i.to_dict()[c] for c in cols} for i in self.indicators], columns=cols)

    def _repr_html_(self) -> str:
        return self.frame()._repr_html_()

    def __repr__(self) -> str:
        return f"Catalogue({self.name!r}: {len(self.indicators)} indicators)"


def _read(name: str) -> dict:
    path = DATA / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in DATA.glob("*.yaml")))
        raise errors.ExtractorError(str(path), f"no catalogue named {name!r} (known: {known})")
    return yamlio.safe_load(path.read_text(encoding="utf-8")) or {}


@functools.lru_cache(maxsize=None)
def catalogue(name: str = "fazhi") -> Catalogue:
    """The catalogue ``name`` (``fazhi``, ``gongzuo``, ``gongbao``, ``economy``); cached, and immutable, so
    sharing it is safe."""
    raw = _read(name)
    meta = dict(raw.get("catalogue") or {})
    rows: list = []
    cats: list = list(raw.get("categories") or [])
    if meta.get("extends"):
        base = catalogue(meta["extends"])
        rows = [i.to_dict() for i in base.indicators]
        cats = cats or [dict(c) for c in base.categories]
    for r in raw.get("indicators") or []:
        rows = [x for x in rows if x["id"] != r["id"]] + [dict(r)]
    fields = set(Indicator.__dataclass_fields__)
    inds = []
    for r in rows:
        r = {k: v for k, v in r.items() if k in fields}
        r["unit"] = str(r.get("unit", ""))
        inds.append(Indicator(**r))
    return Catalogue(name, meta, cats, inds, raw.get("candidates"))


def for_genre(genre: Optional[str]) -> Optional[Catalogue]:
    name = GENRE_CATALOGUE.get(genre or "")
    return catalogue(name) if name else None


def names() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.yaml"))


__all__ = ["Catalogue", "Indicator", "catalogue", "for_genre", "names", "QMARK"]
