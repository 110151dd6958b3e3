#!/usr/bin/env bash
# Lighthouse (npm, pinned in package.json) on three representative pages of
# the built site, mobile, against Debian's Chromium; the median of three runs
# per page. Not part of CI (scores move by a few points run to run).
#
# Usage: .ci/lighthouse/run.sh [HTML_DIR]   (default: book/book, built first
#        by `cargo run --release -p guide -- build`)
# Env:   LH_PAGES="a.html b.html"  LH_RUNS=3  CHROME_PATH=/usr/bin/chromium
# Writes target/lighthouse/<page>-<run>.json and prints one line per page:
#   page  performance accessibility best-practices seo  (medians, 0–100)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
html="${1:-$root/book/book}"
pages="${LH_PAGES:-index.html part2/transformer/attention.html part3/cases/finance.html}"
runs="${LH_RUNS:-3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
out="$root/target/lighthouse"
mkdir -p "$out"

if [ ! -x "$here/node_modules/.bin/lighthouse" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# Lighthouse needs HTTP; python's server is on every machine that has pip.
port="${LH_PORT:-8765}"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$html" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1

for p in $pages; do
  for i in $(seq 1 "$runs"); do
    "$here/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$p" \
      --quiet --output=json --output-path="$out/${p//\//_}-$i.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --form-factor=mobile \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run" \
      >/dev/null 2>&1 || { echo "lighthouse failed on $p" >&2; exit 1; }
  done
  node -e '
    const fs = require("fs");
    const [dir, page, runs] = process.argv.slice(1);
    const cats = ["performance", "accessibility", "best-practices", "seo"];
    const scores = cats.map(() => []);
    for (let i = 1; i <= +runs; i++) {
      const r = JSON.parse(fs.readFileSync(`${dir}/${page.replace(/\//g, "_")}-${i}.json`, "utf8"));
      cats.forEach((c, k) => scores[k].push(Math.round(r.categories[c].score * 100)));
    }
    const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log(page.padEnd(36), cats.map((c, k) => `${c} ${median(scores[k])}`).join("  "));
  ' "$out" "$p" "$runs"
done
