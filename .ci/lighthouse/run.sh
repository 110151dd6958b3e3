#!/usr/bin/env bash
# Lighthouse (npm, pinned in package.json) on three representative pages of
# the built site, mobile, against Debian's Chromium; the median of three runs
# per page. Not part of CI (scores move by a few points run to run).
#
# Usage: .ci/lighthouse/run.sh [HTML_DIR]   (default: book/book, built first
#        by `cargo run --release -p guide -- build`)
# Env:   LH_PAGES="a.html b.html"  LH_RUNS=3  CHROME_PATH=/usr/bin/chromium
#        LH_OUT=target/lighthouse  LH_PORT=8765
# Writes $LH_OUT/<page>-<run>.json and prints two lines per page:
#   page  performance accessibility best-practices seo  (medians, 0–100)
#         FCP LCP TBT CLS SI                             (medians of the runs)
#
# The site is served by serve.mjs (Node's http and zlib, no dependency) the
# way GitHub Pages serves it: text gzip-compressed, `Cache-Control:
# max-age=600` with ETag/Last-Modified, 404.html for a missing page. Python's
# http.server, used before, sends everything uncompressed, which no reader
# of the deployed site sees (the attention page is 151 KB of HTML, 25 KB
# gzipped); see docs/reader-site.md ("Lighthouse").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
html="${1:-$root/book/book}"
pages="${LH_PAGES:-index.html part2/transformer/attention.html part3/cases/finance.html}"
runs="${LH_RUNS:-3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
out="${LH_OUT:-$root/target/lighthouse}"
mkdir -p "$out"

if [ ! -x "$here/node_modules/.bin/lighthouse" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# Lighthouse needs HTTP: serve the site as the real host does (see above).
port="${LH_PORT:-8765}"
node "$here/serve.mjs" "$html" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break
  sleep 0.1
done

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
    const metrics = [
      ["FCP", "first-contentful-paint", (v) => `${(v / 1000).toFixed(1)} s`],
      ["LCP", "largest-contentful-paint", (v) => `${(v / 1000).toFixed(1)} s`],
      ["TBT", "total-blocking-time", (v) => `${Math.round(v)} ms`],
      ["CLS", "cumulative-layout-shift", (v) => v.toFixed(3)],
      ["SI", "speed-index", (v) => `${(v / 1000).toFixed(1)} s`],
    ];
    const scores = cats.map(() => []);
    const values = metrics.map(() => []);
    for (let i = 1; i <= +runs; i++) {
      const r = JSON.parse(fs.readFileSync(`${dir}/${page.replace(/\//g, "_")}-${i}.json`, "utf8"));
      cats.forEach((c, k) => scores[k].push(Math.round(r.categories[c].score * 100)));
      metrics.forEach(([, id], k) => values[k].push(r.audits[id].numericValue));
    }
    const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log(page.padEnd(36), cats.map((c, k) => `${c} ${median(scores[k])}`).join("  "));
    console.log("".padEnd(36), metrics.map(([name, , f], k) => `${name} ${f(median(values[k]))}`).join("  "));
  ' "$out" "$p" "$runs"
done
