"""Duplicates: the same report given twice (as .txt and .pdf, as a file and a corpus row, twice in a list).

Two documents are the same report when their normalised texts (whitespace, punctuation and layout removed) are
equal, or when their shingle sketches are close (:data:`THRESHOLD` estimated Jaccard similarity; a PDF's
reconstructed text and the .docx it was printed from differ by running headers, page numbers and line breaks)
and their year and region, when both are known, agree, and they state the same numbers (at most
:data:`MAX_NUMBER_DIFF` of their numbers differ: a revised report with other figures, or a sister
report built on the same template, is not a duplicate). A duplicate is not extracted again: it becomes one more
row of ``document_sources`` for the stored document.
"""
from __future__ import annotations

import hashlib
import unicodedata
from typing import Iterable, Optional

import regex

K = 128  # sketch size: the K smallest shingle hashes
SHINGLE = 8  # characters per shingle
THRESHOLD = 0.8  # estimated Jaccard similarity of two sketches that makes a duplicate
STRICT_THRESHOLD = 0.9  # … when the year or region of one of them is unknown
MAX_NUMBER_DIFF = 0.005  # share of the numbers that may differ between two copies (page numbers, footers)
_NUMBER = regex.compile(r"\d+(?:\.\d+)?")
_DROP = regex.compile(r"[\s\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}]+")


def normalise(text: str) -> str:
    """The text without whitespace, punctuation or symbols, NFKC (full-width digits → ASCII), lower-cased."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def text_key(text: str) -> str:
    """sha256 of the normalised text: equal for the same report read from different formats without loss."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


#: the version of the sketch hash, written before the hashes (``v2:``); sketches of other versions are not
#: compared (version 1, blake2b per shingle, was ten times slower; its stores still match exact copies by key)
SKETCH_VERSION = "v2"
_MUL = 0x100000001B3  # FNV-1a 64-bit prime: the polynomial of one shingle's code points


def _shingle_hashes(t: str):
    """64-bit hashes of every ``SHINGLE``-character substring of ``t`` (numpy: a polynomial of the code points,
    then splitmix64's finaliser), as a uint64 array."""
    import numpy as np
    codes = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    with np.errstate(over="ignore"):
        h = np.zeros(n, dtype=np.uint64)
        mul = np.uint64(_MUL)
        for j in range(SHINGLE):
            h = h * mul + codes[j:j + n] + np.uint64(1)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


def sketch(text: str, k: int = K, normalised: Optional[str] = None) -> list[int]:
    """The ``k`` smallest 64-bit hashes of the normalised text's shingles (a bottom-k MinHash sketch)."""
    import numpy as np
    t = normalise(text) if normalised is None else normalised
    if not t:
        return []
    if len(t) < SHINGLE:
        t = t + "\0" * (SHINGLE - len(t))
    h = np.unique(_shingle_hashes(t))
    return [int(x) for x in h[:k]]


def numbers(text: str, nfkc: Optional[str] = None) -> list[str]:
    """The numbers of two digits or more stated in the text (NFKC), sorted, with repeats."""
    t = unicodedata.normalize("NFKC", text or "") if nfkc is None else nfkc
    return sorted(m for m in _NUMBER.findall(t) if len(m) >= 2)


def fingerprint(text: str) -> str:
    """``sketch`` and ``numbers`` of a text as one string (the ``documents.fingerprint`` column)."""
    return key_and_fingerprint(text)[1]


def key_and_fingerprint(text: str) -> tuple[str, str]:
    """``(text_key(text), fingerprint(text))``, normalising the text once."""
    nfkc = unicodedata.normalize("NFKC", text or "")
    t = _DROP.sub("", nfkc).lower()
    key = hashlib.sha256(t.encode("utf-8")).hexdigest()
    hs = " ".join(f"{h:x}" for h in sketch(text, normalised=t))
    return key, f"{SKETCH_VERSION}:{hs} | " + " ".join(numbers(text, nfkc))


def same_numbers(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two texts state the same numbers (as multisets), but for :data:`MAX_NUMBER_DIFF` of them."""
    from collections import Counter
    ca, cb = Counter(a), Counter(b)
    diff = sum(((ca - cb) + (cb - ca)).values())
    return diff <= MAX_NUMBER_DIFF * max(sum(ca.values()), sum(cb.values()))


def similarity(a: Iterable[int], b: Iterable[int], k: int = K) -> float:
    """Estimated Jaccard similarity of two bottom-k sketches."""
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    union = sorted(a | b)[:k]
    return sum(1 for h in union if h in a and h in b) / len(union)


def parse(fp: Optional[str]) -> tuple[list[int], list[str]]:
    """``(sketch, numbers)`` of a fingerprint string (a sketch of another :data:`SKETCH_VERSION`: empty)."""
    hs, _, nums = (fp or "").partition("|")
    version, colon, hs = hs.strip().partition(":")
    if not colon or version != SKETCH_VERSION:
        return [], nums.split()
    return [int(x, 16) for x in hs.split()], nums.split()


class Index:
    """The documents of a store, to find the one a new document duplicates.

    Compact, since a batch holds one entry per stored document: each sketch is a numpy array, the numbers stay
    one string until a candidate is checked, and the inverted index from shingle hash to documents is a
    sorted array (``uint64`` hashes beside ``int32`` document numbers) merged from a short list of recent
    additions, not a dict of lists (about 1 KB per document instead of 30)."""

    MERGE_EVERY = 512  # recent additions kept in a dict before they are merged into the sorted arrays

    def __init__(self, rows: Iterable = ()):
        import numpy as np
        self.by_key: dict = {}
        self.docs: dict = {}  # doc_id → (sketch array, numbers string, year, region_code, title)
        self.formats: dict = {}
        self._names: list = []  # document number → doc_id (None once removed)
        self._number: dict = {}  # doc_id → document number
        self._hashes = np.zeros(0, dtype=np.uint64)
        self._owners = np.zeros(0, dtype=np.int32)
        self._recent: dict = {}  # hash → [document numbers] not merged yet
        for doc_id, key, fp, year, region_code, title, *fmt in rows:
            self.add(doc_id, key, fp, year, region_code, title, fmt[0] if fmt else None)

    def remove(self, doc_id) -> None:
        """Forget a document (replaced by a better copy)."""
        self.docs.pop(doc_id, None)
        self.formats.pop(doc_id, None)
        self.by_key = {k: d for k, d in self.by_key.items() if d != doc_id}
        n = self._number.pop(doc_id, None)
        if n is not None:
            self._names[n] = None

    def add(self, doc_id, key, fp, year=None, region_code=None, title=None, fmt=None) -> None:
        import numpy as np
        if doc_id in self._number:
            self.remove(doc_id)
        hs, _, nums = (fp or "").partition("|")
        sk = np.asarray(parse(fp)[0], dtype=np.uint64)
        self.docs[doc_id] = (sk, nums.strip(), year, region_code, title)
        self.formats[doc_id] = fmt
        if key:
            self.by_key.setdefault(key, doc_id)
        n = len(self._names)
        self._names.append(doc_id)
        self._number[doc_id] = n
        for h in sk.tolist():
            self._recent.setdefault(h, []).append(n)
        if len(self._recent) >= self.MERGE_EVERY * 128:
            self._merge()

    def _merge(self) -> None:
        import numpy as np
        if not self._recent:
            return
        hs = np.fromiter((h for h, ns in self._recent.items() for _ in ns), dtype=np.uint64)
        owners = np.fromiter((n for ns in self._recent.values() for n in ns), dtype=np.int32)
        hs = np.concatenate([self._hashes, hs])
        owners = np.concatenate([self._owners, owners])
        order = np.argsort(hs, kind="stable")
        self._hashes, self._owners = hs[order], owners[order]
        self._recent = {}

    def _votes(self, fp: list) -> dict:
        """``{doc_id: number of the sketch's hashes it shares}``."""
        import numpy as np
        votes: dict = {}
        q = np.asarray(fp, dtype=np.uint64)
        if len(self._hashes):
            lo = np.searchsorted(self._hashes, q, "left")
            hi = np.searchsorted(self._hashes, q, "right")
            for a, b in zip(lo.tolist(), hi.tolist()):
                for n in self._owners[a:b].tolist():
                    votes[n] = votes.get(n, 0) + 1
        for h in fp:
            for n in self._recent.get(h, ()):
                votes[n] = votes.get(n, 0) + 1
        out: dict = {}
        for n, v in votes.items():
            d = self._names[n]
            if d is not None:
                out[d] = out.get(d, 0) + v
        return out

    def find(self, key, fp, year=None, region_code=None) -> Optional[tuple[str, float]]:
        """``(doc_id, similarity)`` of the stored document this one duplicates, or None (``fp``: a
        :func:`fingerprint` string)."""
        if key and key in self.by_key:
            return self.by_key[key], 1.0
        fp, nums = parse(fp)
        if not fp:
            return None
        best = None
        for d, n in sorted(self._votes(fp).items(), key=lambda kv: -kv[1]):
            if n < len(fp) * THRESHOLD / 2:
                break
            other, nums2, y2, r2, _ = self.docs[d]
            if not same_numbers(nums, nums2.split()):
                continue
            sim = similarity(fp, other.tolist())
            known = year is not None and y2 is not None and region_code and r2
            if (year is not None and y2 is not None and int(year) != int(y2)) or (
                    region_code and r2 and region_code != r2):
                continue  # same boilerplate, another year or region: a different report
            if sim >= (THRESHOLD if known else STRICT_THRESHOLD) and (best is None or sim > best[1]):
                best = (d, round(sim, 3))
        return best


#: the better original of two copies of a report: its offsets index a plain file, then the richer layout
FORMAT_RANK = {"text": 0, "markdown": 0, "docx": 1, "html": 2, "pdf": 3}


def better_original(new_format: Optional[str], old_format: Optional[str]) -> bool:
    """Whether a new copy in ``new_format`` should replace the stored original in ``old_format``."""
    return FORMAT_RANK.get(new_format or "", 9) < FORMAT_RANK.get(old_format or "", 9)
