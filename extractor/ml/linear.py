"""Inference of a TF-IDF + linear text classifier in numpy, from plain files (no pickle, no scikit-learn).

A model is two files written by the training side (:mod:`extractor.learn.registry`):

* ``model.json`` — the vectorizer settings (``analyzer`` ``char_wb``, ``ngram_range``, ``lowercase``,
  ``sublinear_tf``, ``norm``), the vocabulary (one n-gram per feature column, in column order), the
  class labels, and how probabilities are made (``softmax`` for several classes, ``sigmoid`` for two);
* ``model.npz`` — ``idf`` (n_features, float32), ``coef`` (n_classes or 1, n_features, float64) and
  ``intercept``; read with ``allow_pickle=False`` so it can only hold numbers.

:meth:`LinearTextModel.predict_proba` reproduces scikit-learn's ``TfidfVectorizer(analyzer="char_wb")`` →
``LogisticRegression.predict_proba`` (same n-grams, float32 tf-idf, l2 norm, float64 decision), which the
training side checks on every model it writes and the tests check on many texts.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

FORMAT = "extractor-linear/1"
_MAX_VECTOR_N = 3  # n-grams up to this length are counted with numpy (the code of 3 code points fits 64 bits)
_BASE = 0x110000  # one more than the largest code point
_LEN_UNIT = _BASE ** 3  # code + n × this: n-grams of different lengths never meet
_WHITE_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, lo: int, hi: int) -> list:
    """The n-grams scikit-learn's ``char_wb`` analyzer yields (each word padded with one space)."""
    out = []
    extend = out.extend
    for w in _WHITE_SPACES.sub(" ", text).split():
        w = " " + w + " "
        n_w = len(w)
        for n in range(lo, hi + 1):
            if n >= n_w:  # a word no longer than n: counted once, and no longer n-grams
                out.append(w[:n])
                break
            extend([w[i:i + n] for i in range(n_w - n + 1)])
    return out


class LinearTextModel:
    """A loaded classifier: ``classes_``, ``predict_proba(texts)``, ``predict(texts)``."""

    def __init__(self, spec: dict, arrays: dict):
        import numpy as np
        if spec.get("format") != FORMAT:
            raise ValueError(f"unknown model format {spec.get('format')!r}")
        if spec.get("analyzer") != "char_wb":
            raise ValueError(f"unsupported analyzer {spec.get('analyzer')!r}")
        self.spec = spec
        self.ngram_range = tuple(spec["ngram_range"])
        self.lowercase = bool(spec.get("lowercase", True))
        self.sublinear_tf = bool(spec.get("sublinear_tf", False))
        self.norm = spec.get("norm", "l2")
        self.proba = spec["proba"]
        self.classes_ = np.array(spec["classes"])
        self.vocabulary = {g: i for i, g in enumerate(spec["vocabulary"])}
        self.idf = np.asarray(arrays["idf"], dtype=np.float32)
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        self.coef_t = np.ascontiguousarray(coef.T)  # (n_features, k): rows gathered by feature
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        n = len(self.vocabulary)
        if self.idf.shape != (n,) or coef.shape[1] != n or coef.shape[0] != self.intercept.shape[0]:
            raise ValueError("model arrays do not match the vocabulary")

    @classmethod
    def from_dir(cls, d: Path) -> "LinearTextModel":
        import numpy as np
        spec = json.loads((Path(d) / "model.json").read_text(encoding="utf-8"))
        with np.load(Path(d) / "model.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("idf", "coef", "intercept")}
        return cls(spec, arrays)

    # ---------------------------------------------------------------- features

    def _features(self, texts: list):
        """CSR parts of the tf-idf matrix: ``(indptr, indices, data)`` (float32, rows l2-normalised)."""
        lo, hi = self.ngram_range
        if hi <= _MAX_VECTOR_N and texts and not any("\0" in t for t in texts):
            return self._weigh(*self._counts_vectorised(texts), len(texts))
        return self._features_python(texts)

    def _features_python(self, texts: list):
        """:meth:`_features` one n-gram at a time (any n-gram range; the definition the vectorised path is
        tested against)."""
        import numpy as np
        lo, hi = self.ngram_range
        vocab = self.vocabulary
        indptr = [0]
        indices: list = []
        counts: list = []
        for t in texts:
            if self.lowercase:
                t = t.lower()
            row = {}
            for g, c in Counter(char_wb_ngrams(t, lo, hi)).items():
                j = vocab.get(g)
                if j is not None:
                    row[j] = c
            for j in sorted(row):
                indices.append(j)
                counts.append(row[j])
            indptr.append(len(indices))
        return self._weigh(np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                           np.asarray(counts, dtype=np.float32), len(texts))

    def _counts_vectorised(self, texts: list):
        """``(indptr, indices, counts)`` of the n-gram counts of ``texts`` with numpy (n-grams of at most
        :data:`_MAX_VECTOR_N` characters): every text becomes its words joined by single spaces between
        spaces, texts are joined by NUL, and an n-gram is kept when it holds no NUL and no space inside it
        (``char_wb`` pads each word with spaces and never crosses words). Each word pads itself on both sides,
        so the 1-gram " " counts once more per word beyond the first."""
        import numpy as np
        lo, hi = self.ngram_range
        codes_v, cols_v = self._vocab_codes()
        parts, n_words = [], []
        for t in texts:
            if self.lowercase:
                t = t.lower()
            words = t.split()
            n_words.append(len(words))
            parts.append(" " + " ".join(words) + " " if words else "")
        joined = "\0".join(parts)
        c = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        owner = np.zeros(len(c), dtype=np.int64)  # the text each character belongs to
        bounds = np.cumsum([len(p) + 1 for p in parts])[:-1]
        if len(bounds):
            owner[bounds - 1] = 1  # the NUL separators
            owner = np.cumsum(owner)
        bad = (c == 0)
        space = (c == 32)
        keys, rows = [], []
        base = np.uint64(_BASE)
        for n in range(lo, hi + 1):
            m = len(c) - n + 1
            if m <= 0:
                break
            code = np.zeros(m, dtype=np.uint64)
            ok = np.ones(m, dtype=bool)
            for j in range(n):
                code = code * base + c[j:j + m]
                ok &= ~bad[j:j + m]
                if 0 < j < n - 1:
                    ok &= ~space[j:j + m]
            code += np.uint64(n * _LEN_UNIT)
            keys.append(code[ok])
            rows.append(owner[:m][ok])
        keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
        rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(codes_v, keys)
        pos[pos >= len(codes_v)] = 0
        hit = codes_v[pos] == keys
        cols = cols_v[pos[hit]]
        rows = rows[hit]
        n_feat = np.int64(len(self.vocabulary))
        pair, counts = np.unique(rows * n_feat + cols, return_counts=True)
        r, k = pair // n_feat, pair % n_feat
        counts = counts.astype(np.float32)
        j_space = self.vocabulary.get(" ")
        if j_space is not None and lo <= 1:
            extra = np.maximum(np.asarray(n_words, dtype=np.float32) - 1, 0)
            counts[k == j_space] += extra[r[k == j_space]]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=len(texts)), out=indptr[1:])
        return indptr, k.astype(np.int64), counts

    def _vocab_codes(self):
        """The vocabulary's n-grams as sorted integer codes (as :meth:`_counts_vectorised` computes them) and
        their feature columns."""
        import numpy as np
        if getattr(self, "_codes", None) is None:
            codes, cols = [], []
            for g, j in self.vocabulary.items():
                if not g or len(g) > _MAX_VECTOR_N:
                    continue
                v = 0
                for ch in g:
                    v = v * _BASE + ord(ch)
                codes.append(v + len(g) * _LEN_UNIT)
                cols.append(j)
            codes = np.asarray(codes, dtype=np.uint64)
            order = np.argsort(codes, kind="stable")
            self._codes = (codes[order], np.asarray(cols, dtype=np.int64)[order])
        return self._codes

    def _weigh(self, ptr, idx, data, n_texts: int):
        """tf-idf weights and l2 norms of the counts."""
        import numpy as np
        if self.sublinear_tf:
            np.log(data, out=data)
            data += np.float32(1.0)
        data *= self.idf[idx]
        if self.norm == "l2" and len(data):
            lengths = np.diff(ptr)
            nz = lengths > 0
            sq = np.zeros(n_texts, dtype=np.float64)
            sq[nz] = np.add.reduceat(data.astype(np.float64) ** 2, ptr[:-1][nz])
            norms = np.sqrt(sq)
            norms[norms == 0] = 1.0
            data /= np.repeat(norms, lengths).astype(np.float32)
        return ptr, idx, data

    def decision_function(self, texts: list):
        import numpy as np
        ptr, idx, data = self._features(texts)
        k = self.coef_t.shape[1]
        out = np.zeros((len(texts), k), dtype=np.float64)
        if len(data):
            contrib = self.coef_t[idx] * data[:, None].astype(np.float64)
            lengths = np.diff(ptr)
            nz = lengths > 0
            out[nz] = np.add.reduceat(contrib, ptr[:-1][nz], axis=0)
        out += self.intercept
        return out

    def predict_proba(self, texts: list):
        import numpy as np
        d = self.decision_function(list(texts))
        if self.proba == "sigmoid":  # two classes: one decision column
            p = 1.0 / (1.0 + np.exp(-d[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        d = d - d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        d /= d.sum(axis=1, keepdims=True)
        return d

    def predict(self, texts: list):
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]


__all__ = ["LinearTextModel", "char_wb_ngrams", "FORMAT"]
