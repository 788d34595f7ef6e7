"""Bounds on what a small file may expand to, checked before a reader inflates anything.

A .docx is a ZIP: the declared sizes of its entries (which Python's zipfile never reads past) are summed
before python-docx opens it. A PDF's streams are Flate-compressed: each stream large enough to inflate past
the limit (deflate cannot expand more than ~1032×) is inflated in chunks here, stopping at the limit, before
pdfium sees it. Both raise :class:`~extractor.core.errors.LimitExceeded`, naming the limit and the option
that raises it. The limits are settings (``max_inflated``).
"""
from __future__ import annotations

import io
import re
import zlib

from extractor.core import errors

#: the default limit of one inflated ZIP entry, all entries together, or one PDF stream
MAX_INFLATED = 512 * 1024 * 1024
_DEFLATE_MAX_RATIO = 1032  # the most a deflate stream can expand
_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 20


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def check_zip(data: bytes, src: str, limit: int = MAX_INFLATED) -> None:
    import zipfile
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader reports it as corrupt
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > limit or total > limit:
            raise errors.LimitExceeded(src, f"the ZIP entries inflate to more than {_mib(limit)} (a decompression "
                                            "bomb?); raise the limit with --max-inflated-mb")


def check_pdf(data: bytes, src: str, limit: int = MAX_INFLATED) -> None:
    floor = limit // _DEFLATE_MAX_RATIO  # a shorter compressed stream cannot inflate past the limit
    for m in _STREAM.finditer(data):
        begin = m.end()
        end = data.find(b"endstream", begin)
        if end < 0:
            break
        if end - begin < floor:
            continue
        d = zlib.decompressobj()
        out = 0
        pos = begin
        try:
            while pos < end:
                chunk = d.decompress(data[pos:min(end, pos + _CHUNK)], _CHUNK)
                pos = min(end, pos + _CHUNK)
                out += len(chunk)
                while d.unconsumed_tail:
                    out += len(d.decompress(d.unconsumed_tail, _CHUNK))
                    if out > limit:
                        break
                if out > limit:
                    raise errors.LimitExceeded(src, f"a PDF stream inflates to more than {_mib(limit)} (a "
                                                    "decompression bomb?); raise the limit with --max-inflated-mb")
                if d.eof:
                    break
        except zlib.error:
            continue  # not Flate (or damaged): pdfium decides


def check(kind: str, data: bytes, src: str, limit: int = MAX_INFLATED) -> None:
    if kind in ("docx", "zip"):
        check_zip(data, src, limit)
    elif kind == "pdf":
        check_pdf(data, src, limit)
