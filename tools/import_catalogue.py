"""One-off import of ../shared/spec/indicators.yaml into extractor/data/catalogues/fazhi.yaml.

Keeps ids, names, units, kinds and categories; aliases without "…" stay aliases, aliases with "…" become
regular-expression patterns ("…" → up to 15 characters); examples are kept (text only) for tests and the
classifier. The file it writes is then the project's own data (curated by hand: removed misleading aliases,
added patterns, accepted units, required context): re-running it overwrites those edits, so diff first.

    .venv/bin/python tools/import_catalogue.py ../shared/spec/indicators.yaml > /tmp/fazhi.yaml
"""
import re
import sys

import yaml


def main(path):
    spec = yaml.safe_load(open(path, encoding="utf-8"))
    out = {"catalogue": {"name": "fazhi", "title": spec["catalogue"]["title"], "genres": ["fazhi"],
                         "source": "../shared/spec/indicators.yaml (v1), ids unchanged"},
           "categories": [{"id": c["id"], "name_zh": c["name_zh"]} for c in spec["categories"]],
           "indicators": [], "candidates": spec.get("candidates", [])}
    for ind in spec["indicators"]:
        aliases, patterns = [], []
        for a in ind.get("aliases_zh", []):
            if "…" in a:
                patterns.append(re.escape(a).replace("…", ".{0,15}"))
            else:
                aliases.append(a)
        row = {"id": ind["id"], "name_zh": ind["name_zh"], "name_en": ind.get("name_en"), "unit": str(ind["unit"]),
               "kind": ind["kind"], "category": ind["category"], "aliases": aliases}
        if patterns:
            row["patterns"] = patterns
        row["examples"] = [e["text"] for e in ind.get("examples", [])]
        out["indicators"].append(row)
    yaml.safe_dump(out, sys.stdout, allow_unicode=True, sort_keys=False, width=120)


if __name__ == "__main__":
    main(sys.argv[1])
