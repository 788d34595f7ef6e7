"""Old import paths of the flat layout (``extractor.quantities``, ``extractor.ingest_pdf`` …), kept working.

The modules moved into layered packages (see the README's layout). :data:`MOVED` maps each old name to its
new home; :class:`_Alias` makes ``import extractor.quantities`` return the very module object of
``extractor.stages.quantities`` (same object, so monkeypatching either name affects both). New code imports
the new paths; this file is the only place that knows the old ones.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

MOVED = {
    "extractor.errors": "extractor.core.errors",
    "extractor.facts": "extractor.core.facts",
    "extractor.document": "extractor.core.document",
    "extractor.normalize": "extractor.text.normalize",
    "extractor.segment": "extractor.text.segment",
    "extractor.ingest_text": "extractor.ingest.text",
    "extractor.ingest_pdf": "extractor.ingest.pdf",
    "extractor.ingest_html": "extractor.ingest.html",
    "extractor.ingest_docx": "extractor.ingest.docx",
    "extractor.models": "extractor.ml.models",
    "extractor.sections": "extractor.stages.sections",
    "extractor.quantities": "extractor.stages.quantities",
    "extractor.measures": "extractor.stages.measures",
    "extractor.metadata": "extractor.stages.metadata",
    "extractor.gazetteer": "extractor.stages.gazetteer",
    "extractor.sentences": "extractor.stages.sentences",
    "extractor.indicator_model": "extractor.indicators.model",
    "extractor.report": "extractor.output.report",
    "extractor.table": "extractor.output.table",
    "extractor.display": "extractor.output.display",
    "extractor.viz": "extractor.output.viz",
    "extractor.training": "extractor.learn.training",
    "extractor.evaluate": "extractor.learn.evaluate",
    "extractor.corpus": "extractor.batch.inputs",
    "extractor.storage": "extractor.batch.store",
    "extractor.compare": "extractor.batch.compare",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module):  # the real module is already executed
        pass


def install() -> None:
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
