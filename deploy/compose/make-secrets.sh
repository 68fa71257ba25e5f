#!/usr/bin/env bash
# Writes the secrets compose.yaml references into deploy/secrets/ (or $1), once: an existing file is
# kept, so running it again never changes a password the databases already hold.
# Directory mode 700 (only the operator reads it); files 644 because Compose bind-mounts each file
# into containers whose users (uid 10001, postgres, redis) must read it.
# PERSONAL_DATA_KEYS comes from `python -m privacy generate` (the project's own format): run this from
# a checkout where `make setup` has built .venv, or write that file yourself. LINE secrets start empty
# (the channel is then off): paste the values from the LINE console into those files.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-secrets}
mkdir -p "$dir"
chmod 700 "$dir"

random() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
put() {  # put NAME VALUE: write once
  local file=$dir/$1
  if [ ! -e "$file" ]; then
    printf '%s' "$2" >"$file"
    chmod 644 "$file"
  fi
}

put POSTGRES_PASSWORD "$(random)"
put REDIS_PASSWORD "$(random)"
put RABBITMQ_PASSWORD "$(random)"
pg=$(cat "$dir/POSTGRES_PASSWORD")
redis=$(cat "$dir/REDIS_PASSWORD")
rabbit=$(cat "$dir/RABBITMQ_PASSWORD")
put DATABASE_URL "postgresql://govbot:${pg}@postgres:5432/govbot"
put REDIS_URL "redis://:${redis}@redis:6379/0"
put RABBITMQ_URL "amqp://govbot:${rabbit}@rabbitmq:5672"
put rabbitmq.conf "default_user = govbot
default_pass = ${rabbit}
"
for name in RASA_AUTH_TOKEN ACTION_SERVER_TOKEN GATEWAY_RASA_TOKEN WEB_SESSION_SECRET STAFF_SESSION_SECRET; do
  put "$name" "$(random)"
done
if [ ! -e "$dir/PERSONAL_DATA_KEYS" ]; then
  root=$(cd .. && pwd)
  [ -x "$root/.venv/bin/python" ] || { echo "make-secrets: no .venv: run \`make setup\`, or write $dir/PERSONAL_DATA_KEYS from \`python -m privacy generate\`" >&2; exit 1; }
  put PERSONAL_DATA_KEYS "$(cd "$root" && .venv/bin/python -m privacy generate)"
fi
put LINE_CHANNEL_SECRET ""
put LINE_CHANNEL_ACCESS_TOKEN ""
echo "make-secrets: $dir/ ready ($(find "$dir" -maxdepth 1 -type f | wc -l) files)"
