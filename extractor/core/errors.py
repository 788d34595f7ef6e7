"""Errors that reach the user as one clear line (``extractor: <file>: <cause>``) and exit code 2.

Every stage raises a subclass of :class:`ExtractorError` for bad input; the CLI prints ``str(exc)``
and a batch run records ``exc.stage``, the class name and the message in its ``errors`` table.
"""
from __future__ import annotations


class ExtractorError(Exception):
    """A problem with one input that the user can act on."""

    stage = "ingest"

    def __init__(self, path, cause: str):
        self.path = str(path) if path is not None else None
        self.cause = cause
        super().__init__(f"{self.path}: {cause}" if self.path else cause)


class InputNotFound(ExtractorError):
    pass


class NotAFile(ExtractorError):
    pass


class EmptyDocument(ExtractorError):
    pass


class NotText(ExtractorError):
    """Bytes given as a text file that decode to no plausible text (binary junk)."""


class UnsupportedFormat(ExtractorError):
    pass


class CorruptDocument(ExtractorError):
    """A PDF, Word or HTML file that cannot be parsed (corrupt or truncated)."""


class EncryptedPDF(ExtractorError):
    pass


class NoTextLayer(ExtractorError):
    """A PDF whose pages are images only: it needs OCR first."""


class DocumentTooLarge(ExtractorError):
    pass


class StageError(ExtractorError):
    """An unexpected failure inside an extraction stage (a bug, reported with its stage)."""

    def __init__(self, path, stage: str, exc: BaseException):
        self.stage = stage
        self.original = exc
        super().__init__(path, f"{stage} stage failed: {type(exc).__name__}: {exc}")
