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
        idx = np.asarray(indices, dtype=np.int64)
        data = np.asarray(counts, dtype=np.float32)
        if self.sublinear_tf:
            np.log(data, out=data)
            data += np.float32(1.0)
        data *= self.idf[idx]
        ptr = np.asarray(indptr, dtype=np.int64)
        if self.norm == "l2" and len(data):
            lengths = np.diff(ptr)
            nz = lengths > 0
            sq = np.zeros(len(texts), dtype=np.float64)
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
