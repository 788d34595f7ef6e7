"""Rebuild parts.tsv and sentences.tsv (run once by the annotator; `extractor train` only reads them).

How the labels were made:
* parts — Zhoucun: by hand. Synthetic reports: by construction (synthetic/labels.jsonl). The 31 provincial
  政府工作报告 (../shared/corpora/external/provincial-gwr-2026): the rule output (heading rules and body
  cues, no model), every top-level heading read and checked by hand; HAND_PARTS below overrides it.
* sentences — Zhoucun: rule output reviewed sentence by sentence, corrections in ZHOUCUN_FIX (by the
  sentence's first characters). Synthetic: by construction. Provincial: rule-assisted (the part of the
  section + words), at most PER_DOC sentences a report, spot-checked; these are weak labels.
Only offsets and sha1 prefixes of the provincial texts are stored, never their text.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

os.environ["EXTRACTOR_NO_MODELS"] = "1"
from extractor import sections, sentences, training  # noqa: E402
from extractor.learn.training import sha1, source_text, _doc  # noqa: E402

HERE = Path(__file__).resolve().parent
PER_DOC = 80
HAND_PARTS = {  # source → {heading title prefix: part}; where the rule output was wrong (none so far)
}
ZHOUCUN_FIX = {"严格落实《淄博市重大": "action", "成功破获部督": "result", "将法治建设工作纳入": "action",
               "抓好领导干部学法用法": "action"}


def main() -> None:
    parts = []
    z = "sample/zhoucun-2023.txt"
    ztext = source_text(z)
    hand = ["results", "leadership", "shortcomings", "plans"]
    ztop = [s for s in sections.find_sections(_doc(z, ztext), use_model=False) if s.level == 1 and s.part != "preamble"]
    for s, p in zip(ztop, hand):
        parts.append((z, s.title_start, sha1(s.title), p, "hand"))
    for r in training.synthetic_part_rows():
        parts.append((r["source"], r["title_start"], r["title_sha1"], r["part"], "construction"))
    shared = sorted(glob.glob(str(training.SHARED / "corpora/external/provincial-gwr-2026/2026_*.csv")))
    for f in shared:
        src = "shared:provincial-gwr-2026/" + Path(f).name
        text = source_text(src)
        for s in sections.find_sections(_doc(src, text), use_model=False):
            if s.level == 1 and s.part != "preamble":
                p = next((v for k, v in HAND_PARTS.get(src, {}).items() if s.title.startswith(k)), s.part)
                parts.append((src, s.title_start, sha1(s.title), p, "rule, checked by hand"))
    with open(HERE / "parts.tsv", "w", encoding="utf-8") as f:
        f.write("# report part of top-level sections; see make_annotations.py for how they were made\n")
        f.write("source\ttitle_start\ttitle_sha1\tpart\thow\n")
        for row in parts:
            f.write("\t".join(map(str, row)) + "\n")
    rows = []
    doc = _doc(z, ztext)
    secs = sections.find_sections(doc, use_model=False)
    for s in sentences.classify(doc, secs, use_model=False):
        t = next((v for k, v in ZHOUCUN_FIX.items() if s.text.startswith(k)), s.type)
        rows.append((z, s.start, s.end, sha1(s.text), t, "reviewed"))
    for r in training.synthetic_sentence_rows():
        rows.append((r["source"], r["start"], r["end"], r["text_sha1"], r["type"], "construction"))
    for f in shared:
        src = "shared:provincial-gwr-2026/" + Path(f).name
        text = source_text(src)
        doc = _doc(src, text)
        secs = sections.find_sections(doc, use_model=False)
        ss = [s for s in sentences.classify(doc, secs, use_model=False) if s.section not in (None, "0")
              and len(s.text) >= 8]
        step = max(1, len(ss) // PER_DOC)
        for s in ss[::step][:PER_DOC]:
            rows.append((src, s.start, s.end, sha1(s.text), s.type, "rule-assisted"))
    with open(HERE / "sentences.tsv", "w", encoding="utf-8") as f:
        f.write("# sentence types; see make_annotations.py for how they were made\n")
        f.write("source\tstart\tend\ttext_sha1\ttype\thow\n")
        for row in rows:
            f.write("\t".join(map(str, row)) + "\n")
    print(len(parts), "part rows;", len(rows), "sentence rows")


if __name__ == "__main__":
    main()
