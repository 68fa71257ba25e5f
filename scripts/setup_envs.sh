#!/usr/bin/env bash
# Creates or refreshes the two virtual environments. A stamp holding the hash of the
# requirement files makes a second run a no-op when nothing changed.
#   .venv-rasa  Python 3.10: Rasa Open Source 3.6 and the Thai NLU components (nlu/, rasa_plugins/)
#   .venv       Python 3.11: action server, knowledge base, gateway, tests, deployment linters (deploy.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

make_env() {  # make_env DIR VERSION REQUIREMENTS...
  local dir=$1 version=$2; shift 2
  local stamp; stamp=$(stamp_of "$@")
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
    echo "setup: $dir is up to date"
    return
  fi
  local py; py=$(bash scripts/find_python.sh "$version")
  echo "setup: building $dir with $py (takes a few minutes the first time)"
  [ -x "$dir/bin/python" ] || "$py" -m venv "$dir"
  for req in "$@"; do
    case "$req" in *.txt) "$dir/bin/python" -m pip install --quiet -r "$req" ;; esac
  done
  # The project's own packages are imported from the work tree, not copied.
  local site; site=$("$dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$root" > "$site/govbot-project.pth"
  echo "$stamp" > "$dir/.stamp"
}

make_env .venv-rasa 3.10 requirements/rasa.txt requirements/rasa-constraints.txt
make_env .venv 3.11 requirements/app.txt requirements/app-constraints.txt requirements/deploy.txt
