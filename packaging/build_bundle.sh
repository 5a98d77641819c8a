#!/usr/bin/env bash
# Build the one-folder desktop bundle packaging/dist/triage-app/ and smoke-test it.
# Uses a throwaway venv under packaging/build/ so nothing of the system Python is touched.
# Usage: packaging/build_bundle.sh            (PYTHON=python3.11 to pick the interpreter;
#        BUNDLE_BUILD=DIR and BUNDLE_DIST=DIR to build elsewhere, as tests/packaging does)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
python="${PYTHON:-python3}"
build="${BUNDLE_BUILD:-$here/build}"
dist="${BUNDLE_DIST:-$here/dist}"
venv="$build/venv"
start=$SECONDS

rm -rf "$build" "$dist"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
# Install from a copy of the sources: building in the tree could ship stale build/lib files.
mkdir -p "$build/src"
for part in pyproject.toml README.md LICENSE COPYING triage_app resources; do
    if [ -e "$repo/$part" ]; then cp -r "$repo/$part" "$build/src/"; fi
done
find "$build/src" \( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +
"$venv/bin/python" -m pip install -q "$build/src" "pyinstaller>=6.10"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --workpath "$build/work" --distpath "$dist" "$here/triage-app.spec"
echo "built $dist/triage-app in $((SECONDS - start)) s ($(du -sh "$dist/triage-app" | cut -f1)," \
    "$(du -sb "$dist/triage-app" | cut -f1) bytes)"

# Smoke test: the bundle alone, outside the source tree, with a fresh library.
app="$dist/triage-app/triage-app"
library="$(mktemp -d)"
trap 'rm -rf "$library"' EXIT
cd "$library"
export QT_QPA_PLATFORM=offscreen
"$app" --version
out="$("$app" --library "$library/lib" demo --no-gui)"
echo "$out"
grep -q "(64 papers)\$" <<<"$out" || { echo "smoke test failed: expected 64 papers" >&2; exit 1; }
echo "smoke test passed"
