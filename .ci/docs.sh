#!/usr/bin/env bash
# Build the documentation site in strict mode (every warning, such as a broken link or a
# page missing from the nav, fails the build) into a temporary directory.
# The examples in docs/ are run by pytest (--doctest-glob=*.md), not here.
set -euo pipefail

cd "$(dirname "$0")/.."
python="${PYTHON:-python}"
export NO_MKDOCS_2_WARNING=1  # the theme's end-of-life notice is not a docs problem

"$python" -m pip install --quiet "mkdocs-material>=9.5"

site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
"$python" -m mkdocs build --strict --config-file mkdocs.yml --site-dir "$site"
echo "docs: built $(find "$site" -name '*.html' | wc -l) pages in strict mode"
