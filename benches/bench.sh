#!/usr/bin/env bash
# The engine's benchmark: how much a build of the book costs beyond the work
# that cannot be avoided. See docs/performance.md for what each scenario
# measures, the floors it is compared with, and the figures.
#
#   benches/bench.sh                    every scenario
#   benches/bench.sh warm edit          some of: cold warm edit scaling serve
#
# Needs hyperfine (Debian: `apt-get install -y hyperfine`) and, for `serve`,
# curl. Everything runs on a copy of the workspace under target/bench/ws with
# its own target directory, so nothing in the checkout is touched and no
# other build is disturbed. Raw numbers (hyperfine JSON/CSV, serve latencies)
# and the final table go to target/bench/ (BENCH_OUT); the table is printed.
#
# Knobs (environment): BENCH_RUNS_COLD (3), BENCH_RUNS (10, warm and edit),
# BENCH_SCALING ("10 50 200"), BENCH_SCALING_RUNS_COLD (2), BENCH_SERVE_EDITS
# (5), BENCH_EDIT_EXAMPLE (default: the first example a chapter shows whole),
# BENCH_OUT (target/bench).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${BENCH_OUT:-$ROOT/target/bench}
WS=$OUT/ws
RUNS_COLD=${BENCH_RUNS_COLD:-3}
RUNS=${BENCH_RUNS:-10}
SCALING=${BENCH_SCALING:-10 50 200}
SCALING_RUNS_COLD=${BENCH_SCALING_RUNS_COLD:-2}
SERVE_EDITS=${BENCH_SERVE_EDITS:-5}
JOBS=$(nproc)

if [ $# -eq 0 ]; then
  set -- cold warm edit scaling serve
fi
for s in "$@"; do
  case $s in
    cold | warm | edit | scaling | serve) ;;
    *) echo "unknown scenario '$s' (cold warm edit scaling serve)" >&2; exit 2 ;;
  esac
done

command -v hyperfine >/dev/null || {
  echo "hyperfine is missing: apt-get install -y hyperfine" >&2
  exit 1
}

mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY.rows"

say() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- machine
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $JOBS"
  echo "load (uptime): $(uptime)"
  echo "rustc: $(rustc --version)"
  echo "top:"
  top -bn1 | head -15
} >"$OUT/machine.txt"
say "machine: $JOBS cores, $(uptime | sed 's/.*load average/load average/')"

# ---------------------------------------------------------------- the engine
say "building the front end (release)"
(cd "$ROOT" && env -u CARGO_TARGET_DIR cargo build --quiet --release -p guide)
GUIDE=$ROOT/target/release/guide

# ---------------------------------------------------------------- timing helpers
# bench NAME [hyperfine args…]: runs hyperfine, keeps its JSON and CSV.
bench() {
  local name=$1
  shift
  hyperfine --style basic --export-json "$OUT/$name.json" --export-csv "$OUT/$name.csv" "$@" >&2
}
# mean FILE COMMAND-NAME: the mean in seconds of one command of a CSV export.
mean() {
  awk -F, -v n="$2" 'NR > 1 && $1 == n { printf "%.3f", $2 }' "$OUT/$1.csv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '%-40s %10s %10s %8s   %s\n' "$@" >>"$SUMMARY.rows"; }

# ---------------------------------------------------------------- real book
real_book_setup() {
  say "copying the workspace to $WS (its target directory is kept)"
  mkdir -p "$WS"
  find "$WS" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
  tar -C "$ROOT" --exclude=./target --exclude=./.git --exclude=./book/book \
    --exclude=node_modules -cf - . | tar -C "$WS" -xf -
  export CARGO_TARGET_DIR=$WS/target
  T=$CARGO_TARGET_DIR
  PKG=$(awk -F'"' '/^\[package\]/ { p = 1 } p && /^name *=/ { print $2; exit }' "$WS/Cargo.toml")
  (cd "$WS/examples" && for f in *; do
    if [ "${f%.rs}" != "$f" ]; then
      echo "${f%.rs}"
    elif [ -f "$f/main.rs" ]; then
      echo "$f"
    fi
  done) | sort >"$OUT/examples.txt"
  NAMES=$(wc -l <"$OUT/examples.txt")

  say "building the dependencies and every example once (both feature sets)"
  (cd "$WS" && cargo build --quiet --workspace --examples && cargo build --quiet --examples)
  say "building the book once (fills the engine's cache, proves the book builds)"
  "$GUIDE" build --book "$WS/book" --dest "$OUT/site-ours" 2>"$OUT/build.log" || {
    tail -50 "$OUT/build.log" >&2
    echo "the book does not build; fix it first" >&2
    exit 1
  }
  say "writing the spliced book (the floor's input) to $OUT/plain"
  "$GUIDE" splice --book "$WS/book" --out "$OUT/plain" 2>>"$OUT/build.log"

  # The floor's pieces, as scripts hyperfine can run.
  cat >"$OUT/run-all.sh" <<EOF
#!/usr/bin/env bash
# Runs every example binary once, $JOBS at a time, from the workspace root.
cd "$WS"
xargs -P $JOBS -I{} sh -c '"\$1"/debug/examples/{} </dev/null >/dev/null 2>&1 || true' sh "$T" <"$OUT/examples.txt"
EOF
  cat >"$OUT/render-plain.sh" <<EOF
#!/usr/bin/env bash
# The plain render: the front end on the spliced book, without the engine.
exec "$GUIDE" build --book "$OUT/plain" --dest "$OUT/site-plain" 2>/dev/null
EOF
  cat >"$OUT/floor-cold.sh" <<EOF
#!/usr/bin/env bash
set -e
cd "$WS"
cargo build --quiet --examples
bash "$OUT/run-all.sh"
bash "$OUT/render-plain.sh"
EOF
  cat >"$OUT/per-snippet.sh" <<EOF
#!/usr/bin/env bash
# One cargo invocation per example, one after the other, each run at once
# (mdbook-keeper runs one rustc per snippet in a loop).
set -e
cd "$WS"
while read -r n; do
  cargo build --quiet --example "\$n"
  "$T/debug/examples/\$n" </dev/null >/dev/null 2>&1 || true
done <"$OUT/examples.txt"
bash "$OUT/render-plain.sh"
EOF
  OURS="$GUIDE build --book $WS/book --dest $OUT/site-ours"
  CLEAN="cd $WS && cargo clean --quiet -p $PKG && rm -rf $T/mdbook-exec"
  EDIT_EX=${BENCH_EDIT_EXAMPLE:-$(grep -rhoE '\{\{#example [A-Za-z0-9_.-]+\}\}' "$WS/book/src" |
    sed -E 's/.*#example ([^}]*)\}\}/\1/' | sort | head -1)}
}

# per-rustc.sh: one rustc per example, the command lines cargo itself used
# (captured from a verbose cold build), one after the other: per-snippet
# compilation at its cheapest, without even cargo's start-up.
write_per_rustc() {
  say "capturing cargo's rustc command line for each example"
  (eval "$CLEAN" && cd "$WS" && cargo build --examples -vv 2>"$OUT/cargo-v.log" >/dev/null)
  {
    echo '#!/usr/bin/env bash'
    echo "set -e"
    echo "cd $(printf %q "$WS")"
    sed -n 's/^ *Running `\(.*\)`$/\1/p' "$OUT/cargo-v.log" |
      grep -e '--crate-type bin' | grep -e ' examples/' |
      while IFS= read -r line; do
        local name hash
        name=$(sed -E 's/.*--crate-name ([^ ]+) .*/\1/' <<<"$line")
        hash=$(sed -E 's/.*-C extra-filename=([^ ]+) .*/\1/' <<<"$line")
        printf '%s 2>/dev/null\n' "$line"
        printf '%q </dev/null >/dev/null 2>&1 || true\n' "$T/debug/examples/$name$hash"
      done
    printf 'bash %q\n' "$OUT/render-plain.sh"
  } >"$OUT/per-rustc.sh"
  local n
  n=$(grep -c -- '--crate-name' "$OUT/per-rustc.sh" || true)
  [ "$n" -eq "$NAMES" ] || {
    echo "captured $n rustc command lines for $NAMES examples (see $OUT/cargo-v.log)" >&2
    exit 1
  }
}

cold() {
  write_per_rustc
  say "cold: $NAMES examples from a clean examples build ($RUNS_COLD runs each)"
  bench cold --runs "$RUNS_COLD" --prepare "$CLEAN" \
    -n ours "$OURS" \
    -n floor "bash $OUT/floor-cold.sh" \
    -n per-snippet-cargo "bash $OUT/per-snippet.sh" \
    -n per-snippet-rustc "bash $OUT/per-rustc.sh"
  # The floor's parts, for the record.
  bench cold-parts --runs "$RUNS_COLD" --prepare "$CLEAN" \
    -n cargo-build-examples "cd $WS && cargo build --quiet --examples"
  bench run-all --warmup 1 --runs "$RUNS" -n run-all "bash $OUT/run-all.sh"
  local o f pc pr
  o=$(mean cold ours) f=$(mean cold floor)
  pc=$(mean cold per-snippet-cargo) pr=$(mean cold per-snippet-rustc)
  row "cold ($NAMES examples)" "$o" "$f" "$(ratio "$o" "$f")" "goal <= 1.15"
  row "cold, one cargo per example" "$o" "$pc" "$(ratio "$pc" "$o")x" "ours faster by; goal >= 3x"
  row "cold, one rustc per example" "$o" "$pr" "$(ratio "$pr" "$o")x" "ours faster by; goal >= 3x"
  row "  floor part: cargo build --examples" "-" "$(mean cold-parts cargo-build-examples)" "-" ""
  row "  floor part: run every example once" "-" "$(mean run-all run-all)" "-" "$JOBS at a time"
}

warm() {
  say "warm: nothing changed ($RUNS runs each)"
  bench warm --warmup 1 --runs "$RUNS" -n ours "$OURS" -n floor "bash $OUT/render-plain.sh"
  local o f
  o=$(mean warm ours) f=$(mean warm floor)
  row "warm (nothing changed)" "$o" "$f" "$(ratio "$o" "$f")" "goal <= 1.2; floor = plain render"
}

edit() {
  local src=$WS/examples/$EDIT_EX.rs
  say "one example edited: $EDIT_EX ($RUNS runs each)"
  # A new first line each time: every line moves, so the binary changes too
  # (its line tables) and the program must run again.
  local prepare="sed -i \"1i // bench edit \$(date +%s%N)\" $src"
  bench edit --warmup 1 --runs "$RUNS" --prepare "$prepare" \
    -n ours "$OURS" \
    -n floor "cd $WS && cargo build --quiet --example $EDIT_EX && $T/debug/examples/$EDIT_EX </dev/null >/dev/null && bash $OUT/render-plain.sh"
  cp "$ROOT/examples/$EDIT_EX.rs" "$src"
  local o f
  o=$(mean edit ours) f=$(mean edit floor)
  row "one example edited ($EDIT_EX)" "$o" "$f" "$(ratio "$o" "$f")" "goal <= 1.3"
}

# ---------------------------------------------------------------- serve
serve() {
  local mdbook=$ROOT/target/bench-tools/bin/mdbook
  if [ ! -x "$mdbook" ]; then
    say "installing mdbook 0.5.4 into target/bench-tools (benchmark only)"
    CARGO_TARGET_DIR=$ROOT/target/bench-tools/build \
      cargo install --quiet --locked --root "$ROOT/target/bench-tools" mdbook@0.5.4
  fi
  command -v curl >/dev/null || { echo "serve needs curl" >&2; return 1; }
  say "building what book.toml's preprocessor commands run (release)"
  (cd "$WS" && cargo build --quiet --release -p mdbook-exec -p guide)

  local chapter page port log=$OUT/serve.log src=$WS/examples/$EDIT_EX.rs
  chapter=$(grep -rlF "{{#example $EDIT_EX}}" "$WS/book/src" | head -1)
  page=${chapter#"$WS/book/src/"}
  page=${page%.md}.html
  case $page in README.html | */README.html) page=${page%README.html}index.html ;; esac
  port=$((20000 + RANDOM % 20000))
  say "mdbook serve: $SERVE_EDITS saves of examples/$EDIT_EX.rs, polling /$page"
  setsid "$mdbook" serve "$WS/book" -n 127.0.0.1 -p "$port" >"$log" 2>&1 &
  local pid=$!
  # shellcheck disable=SC2064
  trap "kill -- -$pid 2>/dev/null; cp '$ROOT/examples/$EDIT_EX.rs' '$src'" EXIT
  local deadline=$((SECONDS + 600))
  until curl -sf "http://127.0.0.1:$port/$page" >/dev/null; do
    [ $SECONDS -lt $deadline ] || { tail -30 "$log" >&2; echo "serve never came up" >&2; return 1; }
    sleep 0.2
  done
  : >"$OUT/serve.txt"
  for i in $(seq "$SERVE_EDITS"); do
    sleep 2 # let the watcher settle
    local token start end
    token="bench-serve-$i-$(date +%s%N)"
    start=$(date +%s%N)
    sed -i "1i // $token" "$src"
    deadline=$((SECONDS + 600))
    until curl -s "http://127.0.0.1:$port/$page" | grep -qF "$token"; do
      [ $SECONDS -lt $deadline ] || { tail -30 "$log" >&2; echo "page never updated" >&2; return 1; }
      sleep 0.02
    done
    end=$(date +%s%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }' >>"$OUT/serve.txt"
  done
  kill -- -"$pid" 2>/dev/null || true
  trap - EXIT
  cp "$ROOT/examples/$EDIT_EX.rs" "$src"
  local stats
  stats=$(sort -n "$OUT/serve.txt" | awk '{ a[NR] = $1; s += $1 } END { printf "%.3f %.3f %.3f", s / NR, a[1], a[NR] }')
  set -- $stats
  row "mdbook serve: save -> page" "$1" "-" "-" "min $2, max $3 (s)"
}

# ---------------------------------------------------------------- scaling
# A synthetic book of N std-only examples in ten chapters.
synth() {
  local n=$1 dir=$2 k c
  rm -rf "$dir"
  mkdir -p "$dir/examples" "$dir/book/src"
  cat >"$dir/Cargo.toml" <<'EOF'
[workspace]

[package]
name = "synth"
version = "0.0.0"
edition = "2024"
publish = false
EOF
  cat >"$dir/book/book.toml" <<'EOF'
[book]
title = "Synthetic"
language = "zh-Hans"

[preprocessor.exec]
command = "mdbook-exec"
before = ["links"]

[output.html.playground]
runnable = false
EOF
  echo "# Summary" >"$dir/book/src/SUMMARY.md"
  for c in $(seq 0 9); do
    echo "- [第 $c 章](c$c.md)" >>"$dir/book/src/SUMMARY.md"
    printf '# 第 %s 章\n\n' "$c" >"$dir/book/src/c$c.md"
  done
  for k in $(seq 1 "$n"); do
    cat >"$dir/examples/ex_$k.rs" <<EOF
//! 合成示例 $k
fn main() {
    let mut acc: u64 = $k;
    for i in 0..(1000 + $k as u64) {
        acc = acc.wrapping_mul(6364136223846793005).wrapping_add(i ^ $k);
    }
    println!("example $k: acc = {acc}");
    for row in 0..5u64 {
        println!("{row:>3} {:>8}", row * $k);
    }
}
EOF
    printf '示例 %s 的说明文字。\n\n{{#example ex_%s}}\n\n' "$k" "$k" >>"$dir/book/src/c$((k % 10)).md"
  done
}

scaling() {
  local n dir
  for n in $SCALING; do
    dir=$OUT/synth-$n
    say "scaling: synthetic book of $n examples"
    synth "$n" "$dir"
    (
      export CARGO_TARGET_DIR=$dir/target
      "$GUIDE" bless --book "$dir/book" 2>"$OUT/synth-$n.log"
      "$GUIDE" splice --book "$dir/book" --out "$dir/plain" 2>>"$OUT/synth-$n.log"
      ls "$dir/examples" | sed -n 's/\.rs$//p' >"$dir/examples.txt"
      local ours="$GUIDE build --book $dir/book --dest $dir/site"
      local plain="$GUIDE build --book $dir/plain --dest $dir/site-plain"
      local runall="xargs -P $JOBS -I{} sh -c '$dir/target/debug/examples/{} >/dev/null' <$dir/examples.txt"
      bench "scaling-$n-cold" --runs "$SCALING_RUNS_COLD" --prepare "rm -rf $dir/target" \
        -n ours "$ours" \
        -n floor "cd $dir && cargo build --quiet --examples && $runall && $plain"
      bench "scaling-$n-warm" --warmup 1 --runs "$RUNS" -n ours "$ours" -n floor "$plain"
    )
    local co cf wo wf
    co=$(mean "scaling-$n-cold" ours) cf=$(mean "scaling-$n-cold" floor)
    wo=$(mean "scaling-$n-warm" ours) wf=$(mean "scaling-$n-warm" floor)
    row "scaling $n examples, cold" "$co" "$cf" "$(ratio "$co" "$cf")" ""
    row "scaling $n examples, warm" "$wo" "$wf" "$(ratio "$wo" "$wf")" ""
  done
}

# ---------------------------------------------------------------- main
for s in "$@"; do
  case $s in cold | warm | edit | serve)
    real_book_setup
    break
    ;;
  esac
done
for s in "$@"; do
  "$s"
done

{
  echo "mdbook-exec benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), $JOBS cores"
  echo "load at start: $(grep '^load' "$OUT/machine.txt" | sed 's/.*load average/load average/')"
  echo "load at end:   $(uptime | sed 's/.*load average/load average/')"
  echo
  printf '%-40s %10s %10s %8s   %s\n' scenario "ours (s)" "floor (s)" ratio note
  cat "$SUMMARY.rows"
} >"$SUMMARY"
rm -f "$SUMMARY.rows"
echo
cat "$SUMMARY"
