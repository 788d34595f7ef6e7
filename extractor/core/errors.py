"""Errors that reach the user as one clear line (``extractor: <file>: <cause>``) and exit code 2.

Every stage raises a subclass of :class:`ExtractorError` for bad input; the CLI prints ``str(exc)``
and a batch run records ``exc.stage``, the class name and the message in its ``errors`` table.
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(s: str) -> str:
    """``s`` with control characters (newlines in file names, escape sequences) written as ``\\n``, ``\\x1b``…,
    so that a message is always one line and cannot forge another log line or drive the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


class ExtractorError(Exception):
    """A problem with one input that the user can act on."""

    stage = "ingest"

    def __init__(self, path, cause: str):
        self.path = str(path) if path is not None else None
        self.cause = one_line(str(cause))
        super().__init__(f"{one_line(self.path)}: {self.cause}" if self.path else self.cause)

    def __reduce__(self):  # picklable across processes whatever a subclass's __init__ takes
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls, args, state):
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


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


class LimitExceeded(ExtractorError):
    """A resource limit (size, decompressed size, time, memory) was reached; the message names the option."""


class StageError(ExtractorError):
    """An unexpected failure inside an extraction stage (a bug, reported with its stage)."""

    def __init__(self, path, stage: str, exc: BaseException):
        self.stage = stage
        self.original = exc
        super().__init__(path, f"{stage} stage failed: {type(exc).__name__}: {exc}")
