#!/usr/bin/env bash
# Starts the bot on loopback: action server, Rasa server, analytics consumer and (when channels/
# provides it) the gateway.
# Called by `make run` after setup and training. Waits until each is ready, prints the addresses and
# a curl example, and stops every child on Ctrl-C / TERM. Logs: var/log/{actions,rasa,analytics,gateway}.log.
#
# Environment (all optional): ACTION_PORT (5055), RASA_PORT (5005), GATEWAY_PORT (8080),
# DATABASE_URL (default: SQLite file var/govbot.db), RASA_TRACKER_DB (var/rasa/tracker.db),
# REDIS_URL (redis://[:password@]host:port/db -> Redis tracker and lock store), RASA_REDIS_PREFIX
# (govbot), GATEWAY_RASA_TOKEN (shared by gateway and Rasa's input channels; random per run if unset),
# RASA_MODEL (a model file or directory; default models/, whose newest model Rasa serves),
# WEB_SESSION_SECRET, STAFF_SESSION_SECRET, PERSONAL_DATA_KEYS, RASA_AUTH_TOKEN (Rasa's HTTP API),
# ACTION_SERVER_TOKEN (what Rasa sends the action server) (generated once into var/secrets/ if unset;
# an older var/secrets/CASES_SECRET_KEY is still exported as the legacy key), RASA_EVENTS_DB
# (var/rasa/events.db: Rasa's SQL event broker), RABBITMQ_URL (amqp://user:pass@host:port -> Rasa's
# Pika broker instead), RABBITMQ_EXCHANGE (govbot-events), RABBITMQ_ANALYTICS_QUEUE (govbot_analytics).
set -euo pipefail
cd "$(dirname "$0")/.."

export ACTION_PORT=${ACTION_PORT:-5055}
export RASA_PORT=${RASA_PORT:-5005}
export GATEWAY_PORT=${GATEWAY_PORT:-8080}
export RASA_URL="http://127.0.0.1:${RASA_PORT}"
export RASA_TRACKER_DB=${RASA_TRACKER_DB:-var/rasa/tracker.db}
export RASA_TELEMETRY_ENABLED=false  # no phoning home from a government service
export GATEWAY_RASA_TOKEN=${GATEWAY_RASA_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
# Secrets (var/secrets/ unless set), URL parsing and wait_ready: scripts/lib.sh, shared with cluster.sh.
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
load_secrets
LOG_DIR=var/log
mkdir -p "$LOG_DIR" "$(dirname "$RASA_TRACKER_DB")"

export RASA_MODEL=${RASA_MODEL:-models}
if [ -d "$RASA_MODEL" ] && ! ls "$RASA_MODEL"/*.tar.gz >/dev/null 2>&1; then
  echo "run: no trained model in $RASA_MODEL/; run \`make train\` (or \`make run\`, which trains)" >&2
  exit 1
fi

endpoints=bot/endpoints.yml
if [ -n "${REDIS_URL:-}" ]; then
  export_redis_parts  # Rasa's endpoint files take host/port/db/password separately
  export RASA_REDIS_PREFIX=${RASA_REDIS_PREFIX:-govbot}
  endpoints=bot/endpoints.redis.yml
fi

# Rasa's event broker (analytics, issue 13): RabbitMQ when RABBITMQ_URL is set, else Rasa's SQL broker
# in its own SQLite file. The chosen endpoints file plus the broker section becomes var/rasa/endpoints.yml.
export RASA_EVENTS_DB=${RASA_EVENTS_DB:-var/rasa/events.db}
export RABBITMQ_EXCHANGE=${RABBITMQ_EXCHANGE:-govbot-events}
export RABBITMQ_ANALYTICS_QUEUE=${RABBITMQ_ANALYTICS_QUEUE:-govbot_analytics}
broker=bot/event_broker.sql.yml
if [ -n "${RABBITMQ_URL:-}" ]; then
  export_rabbitmq_parts
  broker=bot/event_broker.pika.yml
fi
mkdir -p var/rasa "$(dirname "$RASA_EVENTS_DB")"
cat "$endpoints" "$broker" >var/rasa/endpoints.yml
endpoints=var/rasa/endpoints.yml

pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo "run: stopping (${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

echo "run: action server on 127.0.0.1:${ACTION_PORT} (log: $LOG_DIR/actions.log)"
.venv/bin/python -m actions >>"$LOG_DIR/actions.log" 2>&1 &
pids+=($!)
action_pid=$!

echo "run: Rasa on 127.0.0.1:${RASA_PORT} with $endpoints (log: $LOG_DIR/rasa.log)"
# `rasa run` with --auth-token taken from RASA_AUTH_TOKEN inside the process (not visible in `ps`).
.venv-rasa/bin/python -m rasa_plugins.server --enable-api -i 127.0.0.1 -p "$RASA_PORT" -m "$RASA_MODEL" \
  --endpoints "$endpoints" --credentials bot/credentials.yml >>"$LOG_DIR/rasa.log" 2>&1 &
pids+=($!)
rasa_pid=$!

wait_ready "action server" "$action_pid" "http://127.0.0.1:${ACTION_PORT}/health" "$LOG_DIR/actions.log" 120
# GET / needs no token; Rasa listens only once the model is loaded.
wait_ready "Rasa" "$rasa_pid" "http://127.0.0.1:${RASA_PORT}/" "$LOG_DIR/rasa.log" 240

echo "run: analytics consumer ($broker; log: $LOG_DIR/analytics.log)"
.venv/bin/python -m analytics consume >>"$LOG_DIR/analytics.log" 2>&1 &
pids+=($!)

if [ -f channels/__main__.py ]; then
  echo "run: gateway on 127.0.0.1:${GATEWAY_PORT} (log: $LOG_DIR/gateway.log)"
  .venv/bin/python -m channels >>"$LOG_DIR/gateway.log" 2>&1 &
  pids+=($!)
  wait_ready "gateway" "$!" "http://127.0.0.1:${GATEWAY_PORT}/healthz" "$LOG_DIR/gateway.log" 120
  echo "run: web chat demo: http://127.0.0.1:${GATEWAY_PORT}/chat/demo"
fi

cat <<EOT

Ready. Chat in Thai over Rasa's REST channel (an anonymous local user: never a LINE, SMS or web citizen):
  curl -s http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{"sender":"me","message":"สวัสดีค่ะ"}'
Rasa's HTTP API needs ?token=\$(cat var/secrets/RASA_AUTH_TOKEN). Never expose ports ${RASA_PORT}, ${ACTION_PORT}, Redis or PostgreSQL.
Press Ctrl-C to stop.
EOT

# Exit (and stop the rest) as soon as any child stops.
wait -n "${pids[@]}"
echo "run: a process stopped; see $LOG_DIR/" >&2
exit 1
