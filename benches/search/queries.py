#!/usr/bin/env python3
"""queries.py GLOSSARY.toml OUT.json: the labelled query set of the search
evaluation: every glossary term (its Chinese name) whose entry names a page,
with that page's HTML path as the expected hit."""
import json, sys, tomllib
g = tomllib.load(open(sys.argv[1], "rb"))
pages = g.get("page", {})
out = []
for t in g.get("term", []):
    see = t.get("see")
    if see and see in pages:
        path = pages[see]["path"].replace("README.md", "index.md")
        out.append({"q": t["zh"], "page": path[:-3] + ".html"})
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=0)
print(f"{len(out)} labelled queries")
