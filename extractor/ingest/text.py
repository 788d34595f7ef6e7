"""Text and Markdown: detect the encoding; the decoded file IS the document text."""
from __future__ import annotations

import codecs

import regex

from extractor.core import errors
from extractor.core.document import Heading

_MD_HEADING = regex.compile(r"^(#{1,6})[ \t]*(.+?)[ \t]*#*[ \t]*$", regex.M)
# characters that never occur in real text: C0 controls other than tab/newline/CR, and U+FFFD
_JUNK = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _plausible(text: str) -> bool:
    if not text.strip():
        return False
    sample = text[:20000]
    junk = len(_JUNK.findall(sample))
    return junk <= max(2, len(sample) // 200)


def decode(data: bytes, path: str = "") -> tuple[str, str]:
    """Decode report bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5.

    Returns ``(text, encoding)``. Raises :class:`~extractor.errors.NotText` for binary junk and
    :class:`~extractor.errors.EmptyDocument` for files with nothing but whitespace.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030", "big5"]
    if b"\x00" in data[:4096] and candidates[0] != "utf-16":
        raise errors.NotText(path, "binary data, not text (NUL bytes): not a report in a supported format")
    decoded = []
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise errors.EmptyDocument(path, "the file holds only whitespace")
        if _plausible(text):
            if enc != "gb18030" and enc != "big5":
                return text, enc
            decoded.append((_han_score(text), -len(decoded), text, enc))
    if decoded:  # GB18030 decodes almost anything: keep the reading that looks most like Chinese text
        score, _, text, enc = max(decoded)
        if score > 0.9:
            return text, enc
    # last resort: let charset-normalizer guess
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - defensive
        best = None
    if best is not None:
        text = str(best)
        if _plausible(text) and _cjk_share(text) > 0.05:
            return text, best.encoding
    raise errors.NotText(path, "cannot be decoded as UTF-8, GB18030/GBK or Big5 text (binary or unknown encoding)")


_GOOD = regex.compile(r"[\p{Han}\x09\x0a\x0d\x20-\x7e，。、；：？！“”‘’（）《》【】〔〕—…·％\u3000\uff01-\uff5e]")


def _han_score(text: str) -> float:
    """Share of characters that belong in a Chinese report (Han, ASCII, CJK punctuation)."""
    sample = text[:20000]
    return len(_GOOD.findall(sample)) / max(1, len(sample))


def _cjk_share(text: str) -> float:
    sample = text[:5000]
    if not sample:
        return 0.0
    return sum(1 for c in sample if "\u4e00" <= c <= "\u9fff") / len(sample)


def markdown_headings(text: str) -> list[Heading]:
    """Markdown ``#`` headings as layout cues (level = number of #)."""
    out = []
    for m in _MD_HEADING.finditer(text):
        out.append(Heading(start=m.start(2), end=m.end(2), level=len(m.group(1)), cue="markdown"))
    return out
