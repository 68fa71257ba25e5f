#!/usr/bin/env bash
# Prints the path of a working interpreter for the version given (3.10 or 3.11).
# pyenv shims answer "command not found" for versions that are installed but not
# selected, so the shim on PATH is tried first and the pyenv install folders after.
set -euo pipefail
want="$1"
var="PYTHON${want/./}"
candidates=("${!var:-}" "python${want}")
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"${want}".*/bin /usr/local/bin /usr/bin; do
  candidates+=("$dir/python${want}")
done
for c in "${candidates[@]}"; do
  [ -n "$c" ] || continue
  if "$c" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '${want}'.split('.')))" 2>/dev/null; then
    command -v "$c" || echo "$c"
    exit 0
  fi
done
echo "no working python${want} found; set ${var}=/path/to/python${want}" >&2
exit 1
