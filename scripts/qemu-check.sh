#!/usr/bin/env bash
# Runs every example binary of target/debug/examples that uses the tiny
# GPT's crate (its source names `tinygpt`; all of part 6 and the examples of
# other parts built on it) under
# `qemu-x86_64 -cpu Nehalem` (an x86-64 CPU without AVX, AVX2 or FMA) and
# compares what it prints with the committed examples/NAME.stdout, after the
# book engine's normalisation (trailing whitespace and trailing blank lines
# dropped). Same bytes on a 2008 CPU as on the machine that blessed the
# outputs: no code path depends on the CPU's features.
#
# `tinygpt`'s matrix product is compiled twice (SSE2 and AVX, chosen at run
# time): this check runs the SSE2 version, the blessing machine the other.
#
# Usage: scripts/qemu-check.sh [TIMEOUT_SECONDS [NAME_REGEX]]
#   (default 7200 s per example: gpt_train alone needs over an hour; NAME_REGEX narrows the set, e.g. '^gpt_train$')
# Needs: the examples built (`cargo build --examples`), qemu-user
# (Debian: `apt-get install -y qemu-user`). Not part of CI: it is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_s="${1:-7200}"
only="${2:-}"
qemu="$(command -v qemu-x86_64 || true)"
if [[ -z "$qemu" ]]; then
  echo "qemu-x86_64 not found: apt-get install -y qemu-user" >&2
  exit 2
fi
normalize() { sed -e 's/[[:space:]]*$//' "$1" | awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i] }'; }
pass=0 fail=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
names=()
for src in examples/*.rs examples/*/main.rs; do
  grep -q 'tinygpt' "$src" || continue
  name="${src#examples/}"; name="${name%.rs}"; name="${name%/main}"
  [[ -z "$only" || "$name" =~ $only ]] && names+=("$name")
done
[[ ${#names[@]} -gt 0 ]] || { echo "no example matches" >&2; exit 2; }
for name in "${names[@]}"; do
  bin="target/debug/examples/$name"
  [[ -x "$bin" ]] || { echo "FAIL $name: $bin is missing (cargo build --examples)"; fail=$((fail + 1)); continue; }
  expected="examples/$name.stdout"
  [[ -f "$expected" ]] || { echo "skip $name (no $expected)"; continue; }
  start=$(date +%s)
  if env -i LC_ALL=C.UTF-8 NO_COLOR=1 TERM=dumb RUST_BACKTRACE=0 PATH="$PATH" \
      timeout "$timeout_s" "$qemu" -cpu Nehalem "$bin" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"; then
    secs=$(( $(date +%s) - start ))
    if diff -u <(normalize "$expected") <(normalize "$tmp/$name.out") >"$tmp/$name.diff"; then
      echo "ok   $name (${secs} s under qemu)"
      pass=$((pass + 1))
    else
      echo "FAIL $name: output differs (${secs} s)"; head -40 "$tmp/$name.diff"
      fail=$((fail + 1))
    fi
  else
    echo "FAIL $name: exit status $? (timeout ${timeout_s} s?)"; tail -5 "$tmp/$name.err"
    fail=$((fail + 1))
  fi
done
echo "qemu-check: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
