"""Word segmentation with jieba: an instance of its own with the domain user dictionary.

The dictionary is a data file (``data/segment/userdict.txt``, jieba's ``word freq tag`` format)
loaded into a private ``jieba.Tokenizer`` so that the process-global jieba stays untouched.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

USERDICT = Path(__file__).with_name("data") / "segment" / "userdict.txt"


@functools.lru_cache(maxsize=1)
def tokenizer():
    """The shared jieba.Tokenizer of this process, with the domain dictionary loaded."""
    import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(USERDICT))
    return tk


def cut(text: str) -> list[str]:
    """Words of ``text`` (jieba's precise mode, no HMM for new words so results are stable)."""
    return tokenizer().lcut(text, HMM=False)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` triples whose offsets index ``text``."""
    return list(tokenizer().tokenize(text, HMM=False))
