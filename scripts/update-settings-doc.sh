#!/usr/bin/env bash
# Rewrites the settings table of docs/OPERATIONS.md (between its settings-table markers) from the settings the
# server declares (Sources/ServerApp/SettingsTable.swift), as `jacobian-server --print-settings-markdown` prints
# them. ServerAppTests' SettingsDocumentationTests fails while the document and the declarations differ.
# Usage: scripts/update-settings-doc.sh [path/to/jacobian-server]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/debug/jacobian-server}
if [ $# -eq 0 ]; then swift build --product jacobian-server; fi
table=$("$binary" --print-settings-markdown)
TABLE="$table" python3 - docs/OPERATIONS.md <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
begin, end = "<!-- settings-table:begin -->", "<!-- settings-table:end -->"
pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
if not pattern.search(text):
    sys.exit(f"{path}: no {begin} ... {end} markers")
text = pattern.sub(lambda _: f"{begin}\n{os.environ['TABLE']}\n{end}", text)
open(path, "w", encoding="utf-8").write(text)
print(f"{path}: settings table rewritten")
PY
