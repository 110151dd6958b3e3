#!/usr/bin/env bash
# What one part of the book adds to a cold build: the book built cold as it
# is, and again with that part taken out (its chapters, its SUMMARY lines,
# the examples only it uses, and `require-shown`, which only a full book can
# satisfy). "Cold" is the engine's cold build of benches/bench.sh: the
# examples package cleaned and the engine's cache emptied, dependencies
# already built.
#
#   benches/cold-part.sh part6          # BENCH_RUNS_COLD (2) runs of each
#
# Needs hyperfine. Works on a copy of the workspace under
# target/bench/cold-part/ (BENCH_OUT) with its own target directory; prints
# both means and their difference, and keeps hyperfine's JSON there.
set -euo pipefail

part=${1:?usage: benches/cold-part.sh PART_DIR (a directory of book/src, e.g. part6)}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/target/bench/cold-part}
RUNS=${BENCH_RUNS_COLD:-2}
[ -d "$ROOT/book/src/$part" ] || { echo "no book/src/$part" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 1; }

say() { printf '\n== %s\n' "$*" >&2; }

say "building the front end (release)"
(cd "$ROOT" && env -u CARGO_TARGET_DIR cargo build --quiet --release -p guide)
GUIDE=$ROOT/target/release/guide

mkdir -p "$OUT"
export CARGO_TARGET_DIR=$OUT/target
copy() { # copy DEST: the workspace's sources
  rm -rf "$1" && mkdir -p "$1"
  tar -C "$ROOT" --exclude=./target --exclude=./.git --exclude=./book/book \
    --exclude=node_modules -cf - . | tar -C "$1" -xf -
}
full=$OUT/full without=$OUT/without
copy "$full"
copy "$without"

say "taking book/src/$part out of the second copy"
names() { # the examples the given chapter files use
  grep -hoE '\{\{#(example|source|output|output-md|figure|solution|value) [A-Za-z0-9_.-]+' "$@" |
    sed -E 's/.* //' | sort -u
}
mapfile -d '' in_part < <(find "$without/book/src/$part" -name '*.md' -print0)
mapfile -d '' others < <(find "$without/book/src" -name '*.md' ! -path "*/src/$part/*" -print0)
names "${in_part[@]}" >"$OUT/part-examples.txt"
names "${others[@]}" >"$OUT/other-examples.txt"
comm -23 "$OUT/part-examples.txt" "$OUT/other-examples.txt" >"$OUT/only-part.txt"
while read -r n; do
  rm -rf "$without/examples/$n.rs" "$without/examples/$n" "$without/examples/$n.stdout"
done <"$OUT/only-part.txt"
rm -rf "$without/book/src/$part"
sed -i "\#($part/#d" "$without/book/src/SUMMARY.md"
sed -i '/^require-shown *=/d' "$without/book/book.toml"
echo "$(wc -l <"$OUT/only-part.txt") examples only $part uses" >&2

pkg=$(awk -F'"' '/^\[package\]/ { p = 1 } p && /^name *=/ { print $2; exit }' "$ROOT/Cargo.toml")
for ws in "$full" "$without"; do
  say "dependencies and one build of $ws (proves it builds)"
  (cd "$ws" && cargo build --quiet --examples)
  "$GUIDE" build --book "$ws/book" --dest "$OUT/site-$(basename "$ws")" 2>"$OUT/build-$(basename "$ws").log" || {
    tail -30 "$OUT/build-$(basename "$ws").log" >&2
    exit 1
  }
done

clean() { echo "cd $1 && cargo clean --quiet -p $pkg && rm -rf $CARGO_TARGET_DIR/mdbook-exec"; }
say "cold builds, $RUNS runs each"
hyperfine --style basic --runs "$RUNS" --export-json "$OUT/cold-part.json" --export-csv "$OUT/cold-part.csv" \
  --prepare "$(clean "$full")" -n full "$GUIDE build --book $full/book --dest $OUT/site-full" \
  --prepare "$(clean "$without")" -n "without-$part" "$GUIDE build --book $without/book --dest $OUT/site-without" >&2
mean() { awk -F, -v n="$1" 'NR > 1 && $1 == n { printf "%.1f", $2 }' "$OUT/cold-part.csv"; }
f=$(mean full) w=$(mean "without-$part")
echo "cold build, full book: $f s; without $part: $w s; $part adds $(awk -v a="$f" -v b="$w" 'BEGIN { printf "%.1f", a - b }') s ($(wc -l <"$OUT/only-part.txt") examples)"
