#!/usr/bin/env bash
# Writes the poetry slice of the 全链路 part (book/data/poetry/) from the npm
# package chinese-poetry, pinned to one version and one tarball hash.
#
# What it does:
#   1. `npm pack chinese-poetry@VERSION` into a temporary directory (the npm
#      registry is the only network access);
#   2. checks the tarball against the pinned Subresource-Integrity hash;
#   3. extracts the three files we use and the licence;
#   4. converts 唐诗三百首 and 千家诗 from traditional to simplified characters
#      with OpenCC's t2s dictionaries (crates/poetry-t2s, ferrous-opencc); the
#      whole file is converted as text, so keys, layout and punctuation are
#      the package's, byte for byte. 宋词三百首 is already in simplified
#      characters in the package and is copied unchanged;
#   5. writes PROVENANCE.md: package, version, licence, integrity, the SHA-256
#      of every source file and of every file written.
#
# Nothing else is changed here: cleaning (dedupe, length) and the split into
# training and validation poems happen when the corpus is loaded
# (crates/tinygpt/src/corpus.rs), where the book shows them.
# The results are committed: building the book never needs the network, and
# rerunning this script leaves `git diff` empty.
# Usage: scripts/fetch-poetry.sh        (from anywhere; needs node + npm, cargo)
set -euo pipefail

VERSION=2.0.1
INTEGRITY='sha512-KtYARvV7CWNtax0na9+Jn6PlhGgSoid7PWyDzXI4KsCEm2odZcqEQyval5koaLygZnM/EQ3lfJ//25K8p3uHNg=='

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/book/data/poetry"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
tarball="$(npm pack --silent "chinese-poetry@$VERSION")"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$actual" != "$INTEGRITY" ]]; then
    echo "fetch-poetry: integrity mismatch for $tarball" >&2
    echo "  expected $INTEGRITY" >&2
    echo "  actual   $actual" >&2
    exit 1
fi

# source path in the package -> file written under book/data/poetry/, how
CONVERT=(
    "dist/mengxue/tangshisanbaishou.json tangshisanbaishou.json t2s"
    "dist/mengxue/qianjiashi.json qianjiashi.json t2s"
    "dist/songci/宋词三百首.json songcisanbaishou.json copy"
)
members=(package/LICENSE package/package.json)
for entry in "${CONVERT[@]}"; do
    read -r src _ _ <<<"$entry"
    members+=("package/$src")
done
tar -xzf "$tarball" "${members[@]}"

# The package must be the version we pinned, or the pin is wrong.
grep -q "\"version\": \"$VERSION\"" package/package.json || {
    echo "fetch-poetry: package/package.json does not declare version $VERSION" >&2
    exit 1
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$OUT"
rows=""
for entry in "${CONVERT[@]}"; do
    read -r src dst how <<<"$entry"
    case "$how" in
        t2s) cargo run --quiet --release --manifest-path "$ROOT/Cargo.toml" -p poetry-t2s -- "package/$src" "$OUT/$dst" ;;
        copy) cp "package/$src" "$OUT/$dst" ;;
    esac
    what="unchanged"
    [[ "$how" == t2s ]] && what="traditional → simplified (OpenCC t2s)"
    rows+="| \`$dst\` | \`$src\` | \`$(sha256 "package/$src")\` | $what | \`$(sha256 "$OUT/$dst")\` |"$'\n'
done
cp package/LICENSE "$OUT/LICENSE"

cat >"$OUT/PROVENANCE.md" <<MD
# Provenance of book/data/poetry/

Written by \`scripts/fetch-poetry.sh\`; do not edit. Rerunning the script
rewrites every file here byte for byte.

- Package: \`chinese-poetry\` (npm), version $VERSION, from the chinese-poetry
  project (JackeyGao and contributors).
- Licence: MIT, copied to \`LICENSE\` beside this file.
- Tarball integrity: \`$INTEGRITY\`
  (checked before anything is extracted).
- Conversion: OpenCC's \`t2s\` configuration (TSPhrases, then TSCharacters)
  through the Rust crate ferrous-opencc 0.4.0 (\`crates/poetry-t2s\`), applied
  to the whole file as text: JSON keys, layout and punctuation are unchanged.
- Nothing is removed or reordered here. Cleaning (normalization, dedupe,
  length filter) and the train/validation split are done when the corpus is
  loaded, by \`crates/tinygpt/src/corpus.rs\`.

| file | source in the package | source SHA-256 | transformation | file SHA-256 |
| --- | --- | --- | --- | --- |
$rows
MD

echo "fetch-poetry: chinese-poetry $VERSION -> $(ls "$OUT" | wc -l) files in book/data/poetry/"
