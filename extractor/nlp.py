"""The spaCy pipeline: our jieba segmenter as spaCy's Chinese tokenizer, and components that put the
project's facts on a ``Doc`` as span groups.

    nlp = extractor.nlp.load()
    doc = nlp(text)
    doc.spans["sections"]    # one span per section (label = report part, kb_id = section id)
    doc.spans["measures"]    # label = measure type (action / initiative / document / campaign)
    doc.spans["quantities"]  # label = canonical unit (from the quantities stage, when it is installed)

The tokenizer (registered as ``extractor.jieba_tokenizer.v1``) uses the private jieba instance of
:mod:`extractor.segment` with the domain dictionary; ``doc.text`` is the input text, unchanged. The
facts themselves (``facts.Section`` …) are in ``doc.user_data["sections"|"measures"|"quantities"]``.
"""
from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractor.text import segment
log = logging.getLogger(__name__)


class JiebaTokenizer:
    """spaCy tokenizer over :func:`extractor.segment.tokenize` (jieba, precise mode, domain dictionary)."""

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


def _document(doc: Doc):
    from extractor.core.document import Document
    key = "_extractor_document"
    if key not in doc.user_data:
        doc.user_data[key] = Document(text=doc.text, source="<spacy>", id="", format="text")
    return doc.user_data[key]


def _span(doc: Doc, start: int, end: int, label: str, kb_id: str = ""):
    sp = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
    return sp


@Language.component("extractor_sections")
def sections_component(doc: Doc) -> Doc:
    from extractor.stages import sections
    secs = sections.find_sections(_document(doc))
    doc.user_data["sections"] = secs
    spans = [_span(doc, s.start, s.end, s.part or "section", s.id) for s in secs]
    doc.spans["sections"] = [s for s in spans if s is not None]
    return doc


@Language.component("extractor_measures")
def measures_component(doc: Doc) -> Doc:
    from extractor.stages import measures
    from extractor.stages import sections
    secs = doc.user_data.get("sections")
    if secs is None:
        secs = sections.find_sections(_document(doc))
    ms = measures.find_measures(_document(doc), secs)
    doc.user_data["measures"] = ms
    spans = [_span(doc, m.start, m.end, m.type, m.section or "") for m in ms]
    doc.spans["measures"] = [s for s in spans if s is not None]
    return doc


@Language.component("extractor_quantity_spans")
def quantity_spans_component(doc: Doc) -> Doc:
    """Fallback for the quantities stage when it ships no spaCy factory of its own."""
    from extractor.stages import quantities
    qs = []
    if hasattr(quantities, "find_quantities"):
        qs = quantities.find_quantities(doc.text)
    elif hasattr(quantities, "extract_quantities"):
        qs = quantities.extract_quantities(_document(doc), doc.user_data.get("sections") or [])
    doc.user_data["quantities"] = qs
    spans = [_span(doc, q.start, q.end, getattr(q, "unit", "") or "quantity") for q in qs]
    doc.spans["quantities"] = [s for s in spans if s is not None]
    return doc


def build(quantities: bool = True) -> Language:
    """A new pipeline: blank Chinese with the jieba tokenizer, sections, quantities, measures."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.jieba_tokenizer.v1"}}})
    nlp.add_pipe("extractor_sections")
    if quantities:
        try:
            from extractor.stages import quantities as _q
            _q.register_spacy()
        except Exception as exc:  # pragma: no cover - the stage is another module's
            log.warning("quantities stage not importable (%s): doc.spans['quantities'] stays empty", exc)
        if Language.has_factory("extractor_quantities"):
            nlp.add_pipe("extractor_quantities")
        else:
            nlp.add_pipe("extractor_quantity_spans")
    nlp.add_pipe("extractor_measures")
    return nlp


@functools.lru_cache(maxsize=1)
def load() -> Language:
    """The shared pipeline of this process (built once)."""
    return build()


__all__ = ["load", "build", "JiebaTokenizer", "create_jieba_tokenizer"]
