#!/bin/sh
# The server's pages in a real Chromium driven by npm's playwright-core
# (pages.mjs).  playwright-core is installed once into a cache directory
# ($KIBAN_NPM_CACHE, default ~/.cache/kiban-npm).  Screenshots are kept in
# $KIBAN_ARTEFACTS (ctest: build directory's artefacts/).  Skips (77) only
# when Chromium or Node.js is missing, or npm's registry cannot be reached
# for a first install; 'make test' installs the Debian packages.
. "$(dirname "$0")/../e2e/lib.sh"

for tool in chromium node npm; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (scripts/deps.sh test installs it)"
		exit 77
	fi
done
npmdir=${KIBAN_NPM_CACHE:-$HOME/.cache/kiban-npm}
if [ ! -f "$npmdir/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$npmdir"
	(cd "$npmdir" && npm install --no-audit --no-fund --silent playwright-core@1 >npm.log 2>&1) || {
		cat "$npmdir/npm.log" >&2
		echo "SKIP: cannot install playwright-core from npm"
		exit 77
	}
fi
shots=${KIBAN_ARTEFACTS:-$work}/screenshots
mkdir -p "$shots"

export KIBAN_LANG=ja
$KIBAN demo --quiet
start_server
PLAYWRIGHT_DIR="$npmdir/node_modules" SHOTS="$shots" \
	node "$KIBAN_SRC/tests/browser/pages.mjs" "$url" kiban-demo-2026 ||
	{ cat "$work/server.log" >&2; fail "the pages in Chromium (screenshots in $shots)"; }
stop_server
echo "screenshots: $shots"
