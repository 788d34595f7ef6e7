"""Write extractor/data/t2s_changes.txt: every character that OpenCC's ``t2s`` conversion may change, read
from OpenCC's own dictionary sources, for the installed OpenCC version.

The working copy converts traditional characters to simplified ones (``text.normalize.to_simplified``). A line
holding none of these characters comes out of OpenCC unchanged, so only the lines that hold one are converted
(most reports hold none). Why that is exact: OpenCC cuts a line into the longest dictionary keys and
writes each key's value; a key whose value differs from it differs at a character listed here (or has another
length, and then all its characters are listed). No key holds a line break, so lines convert alone.

The dictionaries are those of ``t2s.json``: the normalisation (``CJK_Compatibility_Ideographs``), then
``TSPhrases``, ``TSCharactersExt`` (the ``@tofu-risk`` entries of ``TSCharacters``, their identity value
dropped) and ``TSCharacters``, each key written as its first value. They are in OpenCC's source distribution
(``pip download OpenCC==<version> --no-binary :all: --no-deps``, then unpack it). When the installed OpenCC
is another version than the file's, every line is converted (correct, slower) until this is rerun;
``tests/test_normalize_t2s.py`` checks the file against the installed converter.

    python tools/build_t2s_changes.py path/to/opencc-<version>
"""
from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "extractor" / "data" / "t2s_changes.txt"
TOFU = "# @tofu-risk:"


def entries(path: Path):
    """``(key, values, tofu_risk)`` of one OpenCC dictionary source."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        key, values = line.split("\t", 1)
        yield key, values.split(), i > 0 and lines[i - 1].startswith(TOFU)


def changed(key: str, value: str) -> set:
    if len(value) != len(key):
        return set(key)
    return {a for a, b in zip(key, value) if a != b}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    src = Path(argv[0])
    version = src.name.split("-", 1)[-1]
    import opencc
    installed = opencc.__version__  # what text.normalize compares the file with
    if version != installed:
        print(f"the sources are OpenCC {version}, the installed one is {installed}", file=sys.stderr)
        return 2
    d = src / "data" / "dictionary"
    chars: set = set()
    for name in ("CJK_Compatibility_Ideographs.txt", "TSPhrases.txt"):
        for key, values, _ in entries(d / name):
            chars |= changed(key, values[0])
    for key, values, tofu in entries(d / "TSCharacters.txt"):
        chars |= changed(key, values[0])
        if tofu:  # TSCharactersExt: the first value that is not the key itself
            ext = [v for v in values if v != key] or values
            chars |= changed(key, ext[0])
    chars.discard("\n")
    body = "".join(sorted(chars))
    OUT.write_text(f"# the characters OpenCC t2s may change (tools/build_t2s_changes.py)\nopencc {installed}\n"
                   f"{body}\n", encoding="utf-8")
    print(f"{OUT}: {len(chars)} characters for OpenCC {installed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
