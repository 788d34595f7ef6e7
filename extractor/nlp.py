"""All spaCy glue: the jieba tokenizer and pipeline components whose facts equal :func:`extractor.extract`.

spaCy is optional (``pip install 'extractor[spacy]'``): :func:`extractor.extract` and ``extractor batch``
never import it; only this module does.

    nlp = extractor.nlp.load()          # tokenizer + sentences, metadata, sections, quantities, measures, indicators
    doc = nlp(text)
    doc.spans["sections"]               # label = report part, kb_id = section id
    doc.spans["quantities"]             # label = kind (count / rate / amount / change)
    doc.spans["measures"]               # label = measure type
    doc.spans["indicators"]             # label = indicator id
    doc.spans["sentences"]              # label = sentence type (action / result / problem / plan / other)
    doc._.extractor                     # the facts as plain data: the JSON of ``extractor extract`` minus "text"
    doc._.report                        # … as a Report (the same object model as extract())
    span._.fact                         # the fact of a span, as its dataclass (Section, Quantity, …)
    list(doc.sents)                     # the toolkit's sentence splitter (extractor.text.sentences)

The sentence types are the ``sentence_type`` stage (rules, or the trained ``models/sentence_type``): the
spaCy pipeline is where they are output (the JSON of ``extract()`` has no sentences).

The components are ``Language.factory`` factories (``extractor_sentences``, ``extractor_metadata``,
``extractor_sections``, ``extractor_quantities``, ``extractor_measures``, ``extractor_indicators``) with a
``use_models`` setting; they and the tokenizer (``extractor.jieba_tokenizer.v1``) are entry points, so a
pipeline saved with ``nlp.to_disk`` loads with ``spacy.load`` in a fresh process. Facts are plain data in
``doc.user_data["extractor"]``, so ``doc.to_bytes()`` and ``DocBin(store_user_data=True)`` keep them.
"""
from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from typing import Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.core.facts import IndicatorValue, Measure, Quantity, Section, as_dict, from_dict
from extractor.core.settings import Settings
from extractor.text import segment

log = logging.getLogger(__name__)

KEY = "extractor"  # doc.user_data[KEY]: {"document": {...}, "sections": [...], ...} (plain data)
PIPES = ["extractor_metadata", "extractor_sections", "extractor_sentences", "extractor_quantities",
         "extractor_measures", "extractor_indicators"]


@functools.lru_cache(maxsize=1)
def _groups() -> dict:
    from extractor.stages.sentences import Sentence
    return {"sections": Section, "quantities": Quantity, "measures": Measure, "indicators": IndicatorValue,
            "sentences": Sentence}


# ---------------------------------------------------------------- tokenizer

class JiebaTokenizer:
    """spaCy tokenizer over :func:`extractor.text.segment.tokenize` (jieba, precise mode, domain dictionary)."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        if not text:
            return Doc(self.vocab, words=[], spaces=[])
        words, spaces = [], []
        for w, s, e in segment.tokenize(text):
            if w == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True  # a single space after a word is its trailing whitespace
                continue
            words.append(w)
            spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        assert doc.text == text
        return doc

    # spaCy serialises tokenizers with the pipeline; ours has no state of its own
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs):
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs):
        return self


@spacy.registry.tokenizers("extractor.jieba_tokenizer.v1")
def create_jieba_tokenizer():
    def make(nlp):
        return JiebaTokenizer(nlp.vocab)
    return make


# ---------------------------------------------------------------- facts on the Doc

def _plain(x):
    """Lists where msgpack (``DocBin``) gave tuples back."""
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _facts(doc: Doc) -> dict:
    data = doc.user_data.get(KEY)
    if data is None:
        data = doc.user_data[KEY] = {}
    elif any(isinstance(v, tuple) for v in data.values()):
        data = doc.user_data[KEY] = _plain(data)
    return data


def _get_facts(doc: Doc) -> Optional[dict]:
    return _facts(doc) if KEY in doc.user_data else None


def _report(doc: Doc):
    from extractor.output.report import Report
    data = dict(_get_facts(doc) or {})
    data.setdefault("document", {})
    return Report.from_dict({"schema": "extractor/1", **data, "text": doc.text})


def _span_fact(span: Span):
    group, _, i = (span.id_ or "").partition(":")
    items = (_get_facts(span.doc) or {}).get(group)
    if group not in _groups() or not items or not i.isdigit() or int(i) >= len(items):
        return None
    return from_dict(_groups()[group], items[int(i)])


for _name, _kw in (("extractor", {"getter": _get_facts}), ("report", {"getter": _report})):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, **_kw)
if not Span.has_extension("fact"):
    Span.set_extension("fact", getter=_span_fact)


_DOCUMENTS: "OrderedDict[tuple, object]" = OrderedDict()


def _document(doc: Doc):
    """The toolkit's Document of this text (built as ``load`` builds a text file's; a few kept per process)."""
    from extractor.ingest import from_text
    key = (id(doc), len(doc.text), hash(doc.text))
    d = _DOCUMENTS.get(key)
    if d is None:
        d = from_text(doc.text, source=doc.user_data.get("source", "<spacy>") if isinstance(
            doc.user_data.get("source"), str) else "<spacy>")
        _DOCUMENTS[key] = d
        while len(_DOCUMENTS) > 4:
            _DOCUMENTS.popitem(last=False)
    return d


def _items(doc: Doc, group: str) -> Optional[list]:
    raw = (_get_facts(doc) or {}).get(group)
    return None if raw is None else [from_dict(_groups()[group], x) for x in raw]


def _store(doc: Doc, group: str, items: list, label, kb_id=lambda it: "") -> None:
    _facts(doc)[group] = [as_dict(it) for it in items]
    spans = []
    for i, it in enumerate(items):
        sp = doc.char_span(it.start, it.end, label=label(it) or group, kb_id=kb_id(it) or "",
                           alignment_mode="expand")
        if sp is not None:
            sp.id_ = f"{group}:{i}"
            spans.append(sp)
    doc.spans[group] = spans


class _Component:
    def __init__(self, nlp: Language, name: str, use_models: bool = True):
        self.name = name
        self.settings = Settings(use_models=use_models)

    # what each stage needs, computed on the fly when the component that stores it is not in the pipeline
    def meta(self, doc: Doc) -> dict:
        stored = (_get_facts(doc) or {}).get("meta")
        if stored is not None:
            return stored
        from extractor.stages import metadata
        return metadata.detect(_document(doc))

    def sections(self, doc: Doc):
        from extractor.stages.index import SectionIndex
        secs = _items(doc, "sections")
        if secs is None:
            from extractor.stages import sections
            secs = sections.find_sections(_document(doc), self.settings.use_models, self.settings)
        return SectionIndex(secs)

    def quantities(self, doc: Doc, index) -> list:
        qs = _items(doc, "quantities")
        if qs is None:
            qs = _quantities_and_tables(doc, index)[1]
        return qs

    def tables(self, doc: Doc, qs: list, index) -> list:
        """The document's tables (``extractor.stages.tables``), their cells linked to ``qs``."""
        from extractor.stages import tables
        tabs = tables.find_tables(_document(doc))
        tables.link_quantities(tabs, qs)
        index.locate(_document(doc), tabs)
        return tabs


def _quantities_and_tables(doc: Doc, index) -> tuple:
    """The quantities stage then the tables stage, as :func:`extractor.pipeline.run` runs them: the tables and
    the quantity list with the table cells in it."""
    from extractor.stages import quantities, tables
    d = _document(doc)
    qs = quantities.extract_quantities(d, index)
    tabs, qs = tables.apply(d, qs)
    index.locate(d, qs)
    index.locate(d, tabs)
    return tabs, qs


class SentencesComponent(_Component):
    """``doc.sents`` from the toolkit's splitter (:func:`extractor.text.sentences.split`: never inside quotes,
    never at a ``.``) and ``doc.spans["sentences"]`` labelled with each sentence's type."""

    def __call__(self, doc: Doc) -> Doc:
        from extractor.stages import sentences
        if not len(doc):
            doc.spans["sentences"] = []
            return doc
        index = self.sections(doc)
        sents = sentences.classify(_document(doc), index, self.settings.use_models, self.settings)
        _store(doc, "sentences", sents, lambda s: s.type or "other", lambda s: s.section or "")
        starts = {sp.start for sp in doc.spans["sentences"]}
        for tok in doc:
            tok.is_sent_start = tok.i == 0 or tok.i in starts
        return doc


class MetadataComponent(_Component):
    def __call__(self, doc: Doc) -> Doc:
        from extractor.stages import metadata
        d = _document(doc)
        meta = metadata.detect(d)
        facts = _facts(doc)
        facts["meta"] = meta
        facts["document"] = {"id": d.id, "source": d.source, "title": meta.get("title", d.title),
                             "genre": meta.get("genre"), "year": meta.get("year"), "region": meta.get("region"),
                             "issuers": meta.get("issuers", []), "pages": None, "format": d.format,
                             "encoding": d.encoding}
        return doc


class SectionsComponent(_Component):
    def __call__(self, doc: Doc) -> Doc:
        from extractor.stages import sections
        secs = sections.find_sections(_document(doc), self.settings.use_models, self.settings)
        _store(doc, "sections", secs, lambda s: s.part or "section", lambda s: s.id)
        return doc


class QuantitiesComponent(_Component):
    """The quantities of the prose and of the tables' cells (``doc._.extractor["tables"]`` holds the tables)."""

    def __call__(self, doc: Doc) -> Doc:
        index = self.sections(doc)
        tabs, qs = _quantities_and_tables(doc, index)
        _store(doc, "quantities", qs, lambda q: q.kind)
        _facts(doc)["tables"] = [as_dict(t) for t in tabs]
        return doc


class MeasuresComponent(_Component):
    def __call__(self, doc: Doc) -> Doc:
        from extractor.stages import measures
        index = self.sections(doc)
        ms = measures.find_measures(_document(doc), index)
        index.locate(_document(doc), ms)
        _store(doc, "measures", ms, lambda m: m.type, lambda m: m.section or "")
        return doc


class IndicatorsComponent(_Component):
    def __call__(self, doc: Doc) -> Doc:
        from extractor.indicators import normalizer
        from extractor.indicators import tables as table_indicators
        index = self.sections(doc)
        qs = self.quantities(doc, index)
        tabs = self.tables(doc, qs, index)
        inds = table_indicators.map_with_tables(normalizer.map_indicators, tabs, _document(doc), self.meta(doc),
                                                index, qs, self.settings.use_models, self.settings)
        index.locate(_document(doc), inds)
        from extractor.pipeline import whole_words
        whole_words(_document(doc), inds)  # evidence widened to whole words, as extract() does
        _store(doc, "indicators", inds, lambda i: i.indicator, lambda i: i.section or "")
        return doc


_ASSIGNS = {
    "extractor_sentences": ["token.is_sent_start", "doc.spans", "doc._.extractor"],
    "extractor_metadata": ["doc._.extractor"],
    "extractor_sections": ["doc.spans", "doc._.extractor"],
    "extractor_quantities": ["doc.spans", "doc._.extractor"],
    "extractor_measures": ["doc.spans", "doc._.extractor"],
    "extractor_indicators": ["doc.spans", "doc._.extractor"],
}


def _factory(name: str, cls):
    @Language.factory(name, default_config={"use_models": True}, assigns=_ASSIGNS[name],
                      requires=[] if name in ("extractor_sentences", "extractor_metadata") else [])
    def make(nlp: Language, name: str, use_models: bool):
        return cls(nlp, name, use_models)
    make.__name__ = "make_" + name.split("_", 1)[1]
    return make


make_sentences = _factory("extractor_sentences", SentencesComponent)
make_metadata = _factory("extractor_metadata", MetadataComponent)
make_sections = _factory("extractor_sections", SectionsComponent)
make_quantities = _factory("extractor_quantities", QuantitiesComponent)
make_measures = _factory("extractor_measures", MeasuresComponent)
make_indicators = _factory("extractor_indicators", IndicatorsComponent)


def build(use_models: bool = True, pipes: Optional[list] = None) -> Language:
    """A new pipeline: blank Chinese with the jieba tokenizer and the toolkit's components (all of
    :data:`PIPES` unless ``pipes`` names some)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.jieba_tokenizer.v1"}}})
    for name in pipes or PIPES:
        nlp.add_pipe(name, config={"use_models": use_models})
    return nlp


@functools.lru_cache(maxsize=1)
def load() -> Language:
    """The shared pipeline of this process (built once)."""
    return build()


__all__ = ["load", "build", "JiebaTokenizer", "create_jieba_tokenizer", "PIPES", "KEY", "make_sentences",
           "make_metadata", "make_sections", "make_quantities", "make_measures", "make_indicators"]
