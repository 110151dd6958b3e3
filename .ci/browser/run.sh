#!/usr/bin/env bash
# The browser test of the rendered book (see docs/reader-site.md).
#
# Usage: .ci/browser/run.sh [HTML_DIR]        (default: book/book, built first
#        by `cargo run --release -p guide -- build`)
# Env:   SCREENSHOT_THEMES=light,navy  SEARCH_TERMS=词1,词2  SCREENSHOT_DIR=…
#
# Installs, if missing: chromium and fonts-noto-cjk (apt, as root), and the
# pinned playwright-core into .ci/browser/node_modules (npm ci). Screenshots
# go to target/screenshots/. Exit status 0 only if every check passed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec node "$here/site-test.mjs" "$@"
