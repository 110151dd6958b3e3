#!/usr/bin/env bash
# The whole guide as one PDF (A4, CJK fonts, bookmarks) from book/book/print.html.
#
# Usage: .ci/browser/pdf.sh [HTML_DIR] [OUT.pdf]   (defaults: book/book, target/guide.pdf)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec node "$here/pdf.mjs" "$@"
