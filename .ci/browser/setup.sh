# Sourced by run.sh and pdf.sh: makes sure Debian's Chromium, the CJK fonts
# and the pinned playwright-core (package-lock.json) are installed.
# Installs system packages only through apt, and only when they are missing.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# CHROMIUM may name another Chromium-based browser (lib.mjs reads it too).
# (fc-list is read whole: `fc-list | grep -q` fails under pipefail on SIGPIPE.)
fonts="$(fc-list 2>/dev/null || true)"
if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]] || ! grep -q "Noto Sans CJK" <<<"$fonts"; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "browser: installing chromium fonts-noto-cjk (apt)" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    else
        echo "browser: need Debian's chromium and fonts-noto-cjk: apt-get install -y chromium fonts-noto-cjk" >&2
        exit 1
    fi
fi

# npm ci only when node_modules does not hold the pinned version already.
pinned="$(node -p "require('$here/package.json').dependencies['playwright-core']")"
installed="$(node -p "try { require('$here/node_modules/playwright-core/package.json').version } catch { '' }")"
if [[ "$installed" != "$pinned" ]]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
