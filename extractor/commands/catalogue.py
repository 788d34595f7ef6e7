"""``extractor catalogue [NAME] [--search WORD] [--format table|csv|json|…]``: the indicators one can ask for."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("catalogue", help="list the standard indicators (ids, names, units, kinds, aliases)",
                       description="List the indicators of one catalogue (fazhi, gongzuo, gongbao, economy) or of "
                                   "all: id, Chinese and English names, unit, kind, category and aliases. --search "
                                   "keeps the indicators whose id, names, aliases or category contain the word.")
    p.add_argument("name", nargs="?", help="catalogue name (default: every catalogue)")
    p.add_argument("--search", "-s", help="a word to look for (复议, reconsideration, 增长 …)")
    p.add_argument("--format", choices=["table", "csv", "json", "xlsx", "parquet", "dta", "sqlite", "jsonl"],
                   default=None, help="output format (default: from the -o extension, else a table)")
    p.add_argument("--output", "-o", help="output file (its extension sets the format)")
    p.add_argument("--debug", action="store_true", help="show full tracebacks")
    p.set_defaults(func=run)


def frame(name=None, search=None):
    """The catalogue(s) as a DataFrame: catalogue, id, name_zh, name_en, unit, kind, category, category_zh, aliases."""
    import pandas as pd

    from extractor.indicators.catalogue import catalogue, names
    rows = []
    for cname in ([name] if name else names()):
        cat = catalogue(cname)
        for ind in cat:
            rows.append({"catalogue": cname, "id": ind.id, "name_zh": ind.name_zh, "name_en": ind.name_en,
                         "unit": ind.unit, "kind": ind.kind, "category": ind.category,
                         "category_zh": cat.category_name(ind.category), "aliases": "、".join(map(str, ind.aliases))})
    df = pd.DataFrame(rows, columns=["catalogue", "id", "name_zh", "name_en", "unit", "kind", "category",
                                     "category_zh", "aliases"])
    if search:
        w = search.lower()
        hay = df[["id", "name_zh", "name_en", "category", "category_zh", "aliases"]].fillna("").astype(str)
        df = df[hay.apply(lambda r: any(w in v.lower() for v in r), axis=1)]
    return df.reset_index(drop=True)


def run(args) -> int:
    from extractor.batch import export
    fmt = export.format_of(args.output, args.format)
    df = frame(args.name, args.search)
    if args.output:
        export.write(df, args.output, fmt)
        print(f"wrote {args.output} ({len(df)} indicators)", file=sys.stderr)
    elif fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False) + "\n")
    elif fmt != "table":
        from extractor.core.errors import ExtractorError
        raise ExtractorError(None, f"--format {fmt} needs --output FILE")
    elif df.empty:
        print(f"(no indicator matches {args.search!r})" if args.search else "(empty catalogue)")
    else:
        view = df.drop(columns=["category_zh"]).copy()
        view["aliases"] = view["aliases"].map(lambda a: a if len(a) <= 40 else a[:39] + "…")
        print(view.to_string(index=False))
    return 0
