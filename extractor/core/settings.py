"""Settings: every option a stage takes, in one immutable object passed down the pipeline.

Stages never read the environment. The environment is read in one place, :func:`from_env` (called by the
CLI and by :func:`extractor.extract` when no settings are given); the variables are listed in the README.

>>> from extractor.core.settings import Settings
>>> s = Settings(ocr="never", use_models=False)
>>> s.replace(max_bytes=10_000_000).max_bytes
10000000
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

#: environment variable → settings field (the only place the environment is read)
ENV = {
    "EXTRACTOR_MAX_BYTES": "max_bytes",
    "EXTRACTOR_MAX_INFLATED": "max_inflated",
    "EXTRACTOR_MODELS": "models_dir",
    "EXTRACTOR_NO_MODELS": "use_models",
    "EXTRACTOR_PDF_ENGINE": "pdf_engine",
    "EXTRACTOR_OCR": "ocr",
    "EXTRACTOR_TIMEOUT": "timeout",
    "EXTRACTOR_SHARED": "shared_dir",
}


@dataclass(frozen=True)
class Settings:
    """Options of one extraction. ``None`` means "the default of the stage that reads it"."""

    models_dir: Optional[Path] = None  # trained classifiers (default: the ones shipped in the package)
    use_models: bool = True  # False: rules only
    pdf_engine: str = "pdfium"  # pdfium | pdfplumber
    ocr: str = "auto"  # auto (pages with no or almost no text) | always | never
    max_bytes: int = 200 * 1024 * 1024  # larger input files are refused
    max_inflated: int = 512 * 1024 * 1024  # largest inflated .docx (all entries) or PDF stream (bombs refused)
    timeout: Optional[float] = None  # wall-time limit of one extraction, seconds (None: no limit)
    memory_mb: Optional[int] = None  # memory limit of one extraction (a worker's address space)
    password: Optional[str] = None  # of an encrypted PDF
    catalogue: Optional[object] = None  # a Catalogue to use instead of the genre's own
    shared_dir: Optional[Path] = None  # ../shared (gold, corpora) for training and evaluation only

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


def _coerce(field: str, raw: str):
    if field == "use_models":
        return not raw or raw.lower() in ("0", "false", "no")  # EXTRACTOR_NO_MODELS=1 → use_models False
    if field in ("max_bytes", "max_inflated", "memory_mb"):
        return int(raw)
    if field == "timeout":
        return float(raw)
    if field in ("models_dir", "shared_dir"):
        return Path(raw)
    return raw


def from_env(environ: Optional[Mapping[str, str]] = None, **overrides) -> Settings:
    """Settings from the environment (``EXTRACTOR_*``, see :data:`ENV`), then ``overrides``."""
    environ = os.environ if environ is None else environ
    values = {}
    for var, field in ENV.items():
        if var in environ:
            values[field] = _coerce(field, environ[var])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


DEFAULT = Settings()


