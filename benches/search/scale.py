#!/usr/bin/env python3
"""scale.py SPLICED OUT N: a book N times the size of the spliced book SPLICED
(written by `guide splice`): the original chapters plus N-1 copies under
copyK/, each listed in SUMMARY.md under its own part heading."""
import re, shutil, sys
from pathlib import Path

src_book, out, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
if out.exists():
    shutil.rmtree(out)
shutil.copytree(src_book, out, ignore=shutil.ignore_patterns("book"))
src = out / "src"
summary = (src / "SUMMARY.md").read_text(encoding="utf-8")
chapters = [l for l in summary.splitlines() if re.match(r"\s*- \[", l)]
extra = []
for k in range(2, n + 1):
    prefix = f"copy{k}"
    for md in sorted((src_book / "src").rglob("*.md")):
        rel = md.relative_to(src_book / "src")
        if rel.name == "SUMMARY.md" or rel.parts[0].startswith("copy"):
            continue
        dest = src / prefix / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(md, dest)
    extra.append(f"\n# 副本 {k}\n")
    for line in chapters:
        extra.append(re.sub(r"\]\(([^)]+)\)", lambda m: f"]({prefix}/{m.group(1)})", line))
(src / "SUMMARY.md").write_text(summary.rstrip("\n") + "\n" + "\n".join(extra) + "\n", encoding="utf-8")
print(f"{out}: {n}x, {len(chapters) * n} chapters")
