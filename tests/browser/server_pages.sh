#!/bin/sh
# The server's pages in a real Chromium driven by npm's playwright-core
# (pages.mjs).  playwright-core is installed once into a cache directory
# ($KIBAN_NPM_CACHE, default ~/.cache/kiban-npm).  Screenshots are kept in
# $KIBAN_ARTEFACTS (ctest: build directory's artefacts/).  Skips (77) only
# when Chromium or Node.js is missing, or npm's registry cannot be reached
# for a first install; 'make test' installs the Debian packages.
. "$(dirname "$0")/../e2e/lib.sh"

for tool in chromium:chromium node:nodejs npm:npm; do
	if ! command -v ${tool%%:*} >/dev/null 2>&1; then
		echo "SKIP: ${tool%%:*} is not installed: the Debian package ${tool#*:} is missing" \
			"(install it with: apt-get install ${tool#*:}, or sh scripts/deps.sh test as root)"
		exit 77
	fi
done
npmdir=${KIBAN_NPM_CACHE:-$HOME/.cache/kiban-npm}
if [ ! -f "$npmdir/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$npmdir"
	(cd "$npmdir" && npm install --no-audit --no-fund --silent playwright-core@1 >npm.log 2>&1) || {
		tail -n 20 "$npmdir/npm.log"
		echo "SKIP: the npm package playwright-core is missing and npm could not install it" \
			"(install it with: npm install --prefix $npmdir playwright-core@1)"
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
