# shellcheck shell=bash
# Shared by scripts/run.sh (`make run`) and scripts/cluster.sh (`make cluster`): the secrets every
# process needs, the Redis/RabbitMQ URL split into the parts Rasa's endpoint files take, and the
# readiness wait. Sourced, never run; the caller has `set -euo pipefail` and is in the repository root.

# Secrets the gateway needs, generated once into var/secrets/ (mode 600) unless the environment sets
# them, so browser sessions, staff sign-ins and the keyed hashes of citizens' contacts survive a
# restart. Production sets all of them from its own secret store.
ensure_secret() {  # ensure_secret NAME: export NAME from the environment or var/secrets/NAME
  local name=$1 file=var/secrets/$1
  if [ -z "${!name:-}" ]; then
    mkdir -p var/secrets
    [ -s "$file" ] || (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_hex(32))' >"$file")
    printf -v "$name" '%s' "$(cat "$file")"
  fi
  export "${name?}"
}

load_secrets() {  # export every secret the processes share (environment first, else var/secrets/)
  ensure_secret WEB_SESSION_SECRET    # web chat session ids
  ensure_secret STAFF_SESSION_SECRET  # staff console sessions and CSRF tokens
  ensure_secret RASA_AUTH_TOKEN       # Rasa's HTTP API (/conversations/…, /model/…): ?token=…
  ensure_secret ACTION_SERVER_TOKEN   # Rasa -> action server (bot/endpoints*.yml: Authorization: Bearer)
  # Personal-data keys (privacy/README.md): hash root + sealing key k1, generated once; with them the
  # gateway delivers case notices. A CASES_SECRET_KEY from an older run is kept as the legacy key so
  # data sealed under it still opens (`make rotate-keys` re-seals it under the current key).
  if [ -z "${CASES_SECRET_KEY:-}" ] && [ -s var/secrets/CASES_SECRET_KEY ]; then
    CASES_SECRET_KEY=$(cat var/secrets/CASES_SECRET_KEY)
    export CASES_SECRET_KEY
  fi
  if [ -z "${PERSONAL_DATA_KEYS:-}" ]; then
    mkdir -p var/secrets
    # `generate` keeps an existing CASES_SECRET_KEY as the hash root, so stored hashes still match.
    [ -s var/secrets/PERSONAL_DATA_KEYS ] || (umask 077 && .venv/bin/python -m privacy generate >var/secrets/PERSONAL_DATA_KEYS)
    PERSONAL_DATA_KEYS=$(cat var/secrets/PERSONAL_DATA_KEYS)
  fi
  export PERSONAL_DATA_KEYS
  # The console is served over plain HTTP on loopback here; behind TLS set STAFF_COOKIE_SECURE=true.
  export STAFF_COOKIE_SECURE=${STAFF_COOKIE_SECURE:-false}
}

export_redis_parts() {  # REDIS_URL -> REDIS_HOST/PORT/DB/PASSWORD (Rasa's endpoint files take parts)
  eval "$(.venv/bin/python - <<'PY'
import os, shlex
from urllib.parse import unquote, urlsplit
u = urlsplit(os.environ["REDIS_URL"])
if u.scheme not in ("redis", "rediss"):
    raise SystemExit(f"REDIS_URL must start with redis://, got {u.scheme}://")
db = (u.path or "/0").lstrip("/") or "0"
for name, value in (("REDIS_HOST", u.hostname or "127.0.0.1"), ("REDIS_PORT", str(u.port or 6379)),
                    ("REDIS_DB", db), ("REDIS_PASSWORD", unquote(u.password or ""))):
    print(f"export {name}={shlex.quote(value)}")
PY
)"
}

export_rabbitmq_parts() {  # RABBITMQ_URL -> RABBITMQ_HOST/PORT/USERNAME/PASSWORD
  eval "$(.venv/bin/python - <<'PY'
import os, shlex
from urllib.parse import unquote, urlsplit
u = urlsplit(os.environ["RABBITMQ_URL"])
if u.scheme != "amqp" or u.path not in ("", "/"):  # Rasa's broker here: plain AMQP, vhost "/"
    raise SystemExit("RABBITMQ_URL must look like amqp://user:password@host:5672")
for name, value in (("RABBITMQ_HOST", u.hostname or "127.0.0.1"), ("RABBITMQ_PORT", str(u.port or 5672)),
                    ("RABBITMQ_USERNAME", unquote(u.username or "guest")),
                    ("RABBITMQ_PASSWORD", unquote(u.password or "guest"))):
    print(f"export {name}={shlex.quote(value)}")
PY
)"
}

wait_ready() {  # wait_ready NAME PID URL LOG SECONDS (messages prefixed with $LOG_PREFIX, default "run")
  local name=$1 pid=$2 url=$3 log=$4 seconds=$5 prefix=${LOG_PREFIX:-run}
  for _ in $(seq 1 "$seconds"); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$prefix: $name exited during start-up; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    if curl -sf -o /dev/null "$url"; then
      echo "$prefix: $name ready at ${url%/*}"
      return 0
    fi
    sleep 1
  done
  echo "$prefix: $name not ready after ${seconds}s; see $log" >&2
  exit 1
}
