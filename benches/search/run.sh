#!/usr/bin/env bash
# The search evaluation of docs/search.md: our sharded Chinese-bigram index
# (`guide build`) against stock mdBook's (`guide build --stock-search`, the
# same in-process mdBook 0.5.4 + mdbook-katex) and Pagefind 1.6 (extended),
# on the real book (1x) and a book ten times its size (10x: the chapters
# copied nine times, scale.py). Build figures are warm rebuilds: each build
# runs twice into the same directory and the second is measured.
#
# Usage: benches/search/run.sh            (after `cargo build --release -p guide`)
# Needs: the browser check's node_modules (.ci/browser: npm ci) and Chromium,
# GNU time (/usr/bin/time). Builds benches/search/pagefind-index (its own
# workspace; downloads Pagefind from crates.io the first time). Writes
# everything under target/search-eval/ and prints one line per figure.
# Timings are from one run: run it on a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/search-eval"
guide="$root/target/release/guide"
mkdir -p "$out"

[ -x "$guide" ] || (cd "$root" && cargo build --release -p guide)
(cd "$here/pagefind-index" && CARGO_TARGET_DIR="$out/pf-target" cargo build --release --quiet)
pf="$out/pf-target/release/pagefind-index"

"$guide" --book "$root/book" splice --out "$out/plain1" 2>/dev/null
python3 "$here/scale.py" "$out/plain1" "$out/plain10" 10 >/dev/null
python3 "$here/queries.py" "$root/book/data/glossary.toml" "$out/queries.json" >/dev/null

quiet() { shift; "$@" >/dev/null 2>&1; }
measure() { # label command... : prints "label: wall s, peak RSS MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>&1
  read -r wall rss <"$out/time.txt"
  printf '%-34s %8s s %8d MB\n' "$label" "$wall" $((rss / 1024))
}

for n in 1 10; do
  for k in warm-up measured; do
    m=measure; [ $k = warm-up ] && m=quiet
    $m "${n}x stock mdBook + katex" "$guide" --book "$out/plain$n" build --dest "$out/stock-$n" --stock-search
    $m "${n}x guide build (sharded)" "$guide" --book "$out/plain$n" build --dest "$out/guide-$n"
  done
  measure "${n}x Pagefind on the stock site" "$pf" "$out/stock-$n" "$out/stock-$n/pagefind"
  idx=$(ls "$out/stock-$n"/searchindex-*.js)
  printf '%-34s %8d KB\n' "${n}x stock index file" $(( $(stat -c %s "$idx") / 1024 ))
  printf '%-34s %8d KB, %d files\n' "${n}x guide-search/ on disk" $(du -sk "$out/guide-$n/guide-search" | cut -f1) \
    $(find "$out/guide-$n/guide-search" -type f | wc -l)
  printf '%-34s %8d KB\n' "${n}x Pagefind bundle on disk" $(du -sk "$out/stock-$n/pagefind" | cut -f1)
done

# Bytes per query and ranking, in Chromium (at 10x every query has ten
# equally good pages, so only the bytes mean something there).
for n in 1 10; do
  node "$here/eval.mjs" guide "$out/guide-$n" "$out/queries.json"
  node "$here/eval.mjs" pagefind "$out/stock-$n" "$out/queries.json"
done
node "$here/eval.mjs" stock "$out/stock-1" "$out/queries.json"
