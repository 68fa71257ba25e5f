#!/bin/sh
# Container entry point of both images: load secrets given as files, then run one role.
#
# Secrets only ever come from the environment (the processes read nothing else). Where the platform
# hands them over as files instead — Compose `secrets:`, or a Kubernetes Secret mounted as a volume —
# each file in $SECRETS_DIR (default /run/secrets) named like a variable (RASA_AUTH_TOKEN, …) is
# exported under that name, unless the environment already sets it. Nothing is printed about them.
#
# Roles: rasa | gateway | actions | consumer | notices | migrate; anything else is run as given.
set -eu

secrets_dir=${SECRETS_DIR:-/run/secrets}
if [ -d "$secrets_dir" ]; then
  for file in "$secrets_dir"/*; do
    [ -f "$file" ] || continue
    name=$(basename "$file")
    case "$name" in
      *[!A-Z0-9_]* | [0-9]*) continue ;;  # not a variable name (e.g. Kubernetes' ..data links)
    esac
    if eval "[ -z \"\${$name:-}\" ]"; then
      value=$(cat "$file")
      export "$name=$value"
    fi
  done
fi

role=${1:-}
case "$role" in
  rasa)
    # `rasa run` with --auth-token from RASA_AUTH_TOKEN inside the process (rasa_plugins/server.py);
    # it refuses to start with the HTTP API on and no token.
    exec python -m rasa_plugins.server --enable-api -i 0.0.0.0 -p "${RASA_PORT:-5005}" \
      -m "${RASA_MODEL:-/app/models}" --endpoints "${RASA_ENDPOINTS:-/app/deploy/rasa/endpoints.yml}" \
      --credentials /app/bot/credentials.yml
    ;;
  gateway) exec python -m channels ;;
  actions) exec python -m actions ;;
  consumer) exec python -m analytics consume ;;
  notices) exec python -m cases worker ;;
  migrate) exec python -m db.migrate ;;
  "")
    echo "entrypoint: give a role: rasa, gateway, actions, consumer, notices or migrate" >&2
    exit 64
    ;;
  *) exec "$@" ;;
esac
