#!/usr/bin/env bash
# `make cluster`: several replicas of every process on one machine, behind HAProxy (issue 15).
# CLUSTER_REPLICAS (default 2) Rasa servers, action servers and gateways; PostgreSQL holds the
# application's tables and Rasa's conversations, Redis the gateway's queue (Redis Streams, shared by
# the gateways) and Rasa's lock store. HAProxy (scripts/haproxy.cfg.tmpl) listens on GATEWAY_PORT like
# `make run`, and on RASA_PORT / ACTION_PORT in front of the Rasa and action servers, health-checked, so
# a dead replica is routed around. An analytics consumer per gateway, one active at a time (a lease).
# Writes CLUSTER_DIR/pids.json once everything is ready; Ctrl-C / TERM stops every process. A replica
# that dies is reported and the rest carry on (that is the point); the script exits when HAProxy or
# every replica of one kind is gone.
#
# Environment (all optional; the channel settings and secrets are the same as `make run`'s,
# scripts/lib.sh): CLUSTER_REPLICAS (2), GATEWAY_PORT (8080), RASA_PORT (5005), ACTION_PORT (5055):
# HAProxy's listeners; replica i listens on that port + i. DATABASE_URL (postgresql://127.0.0.1:5432/
# govbot, created if missing), RASA_DATABASE_URL (same server, database <name>_rasa, created if
# missing), REDIS_URL (redis://127.0.0.1:6379/0), RASA_REDIS_PREFIX (govbot), RASA_MODEL (models/),
# RABBITMQ_URL (Rasa's Pika broker; else Rasa's SQL broker in CLUSTER_DIR/rasa/events.db),
# CLUSTER_DIR (var/cluster: pids.json, rasa-urls (read by `make reload-model`), haproxy.cfg,
# endpoints.yml; logs in CLUSTER_DIR/log/).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG_PREFIX=cluster

export CLUSTER_REPLICAS=${CLUSTER_REPLICAS:-2}
export ACTION_PORT=${ACTION_PORT:-5055}
export RASA_PORT=${RASA_PORT:-5005}
export GATEWAY_PORT=${GATEWAY_PORT:-8080}
export RASA_URL="http://127.0.0.1:${RASA_PORT}"  # the gateways call Rasa through HAProxy
export RASA_TELEMETRY_ENABLED=false
export GATEWAY_RASA_TOKEN=${GATEWAY_RASA_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export DATABASE_URL=${DATABASE_URL:-postgresql://127.0.0.1:5432/govbot}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export RASA_REDIS_PREFIX=${RASA_REDIS_PREFIX:-govbot}
export RASA_MODEL=${RASA_MODEL:-models}
CLUSTER_DIR=${CLUSTER_DIR:-var/cluster}
LOG_DIR=$CLUSTER_DIR/log
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
load_secrets

if ! [[ $CLUSTER_REPLICAS =~ ^[1-9]$ ]]; then
  echo "cluster: CLUSTER_REPLICAS must be 1..9, got $CLUSTER_REPLICAS" >&2
  exit 1
fi
if ! command -v haproxy >/dev/null; then
  echo "cluster: haproxy is missing; install Debian's (apt-get install -y haproxy; \`make cluster\` does)" >&2
  exit 1
fi
if [ -d "$RASA_MODEL" ] && ! ls "$RASA_MODEL"/*.tar.gz >/dev/null 2>&1; then
  echo "cluster: no trained model in $RASA_MODEL/; run \`make train\`" >&2
  exit 1
fi

# Both databases on PostgreSQL (created if missing); Rasa's endpoint file takes the parts of its URL.
eval "$(.venv/bin/python - <<'PY'
import os, shlex
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg

app = os.environ["DATABASE_URL"]
if not app.startswith(("postgresql://", "postgres://")):
    raise SystemExit("cluster: DATABASE_URL must be postgresql://… (the replicas share it)")
u = urlsplit(app)
rasa = os.environ.get("RASA_DATABASE_URL", "").strip() or urlunsplit(u._replace(path=u.path + "_rasa"))
r = urlsplit(rasa)
for url in (urlsplit(app), r):
    name = unquote(url.path.lstrip("/"))
    admin = urlunsplit(url._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"echo 'cluster: created PostgreSQL database {name}'")
for key, value in (("RASA_DB_HOST", r.hostname or "127.0.0.1"), ("RASA_DB_PORT", str(r.port or 5432)),
                   ("RASA_DB_NAME", unquote(r.path.lstrip("/"))), ("RASA_DB_USER", unquote(r.username or "")),
                   ("RASA_DB_PASSWORD", unquote(r.password or ""))):
    print(f"export {key}={shlex.quote(value)}")
PY
)"
export_redis_parts

mkdir -p "$LOG_DIR" "$CLUSTER_DIR/rasa"
rm -f "$CLUSTER_DIR/pids.json" "$CLUSTER_DIR/rasa-urls"
export RASA_EVENTS_DB=${RASA_EVENTS_DB:-$CLUSTER_DIR/rasa/events.db}
export RABBITMQ_EXCHANGE=${RABBITMQ_EXCHANGE:-govbot-events}
export RABBITMQ_ANALYTICS_QUEUE=${RABBITMQ_ANALYTICS_QUEUE:-govbot_analytics}
broker=bot/event_broker.sql.yml
if [ -n "${RABBITMQ_URL:-}" ]; then
  export_rabbitmq_parts
  broker=bot/event_broker.pika.yml
fi
endpoints=$CLUSTER_DIR/endpoints.yml
cat bot/endpoints.cluster.yml "$broker" >"$endpoints"

# HAProxy's configuration from the template: one `server` line per replica.
servers() {  # servers NAME BASE_PORT
  local i
  for i in $(seq 1 "$CLUSTER_REPLICAS"); do
    printf '    server %s-%d 127.0.0.1:%d check\\n' "$1" "$i" $(($2 + i))
  done
}
sed -e "s|@PIDFILE@|$CLUSTER_DIR/haproxy.pid|" -e "s|@GATEWAY_PORT@|$GATEWAY_PORT|" \
  -e "s|@RASA_PORT@|$RASA_PORT|" -e "s|@ACTION_PORT@|$ACTION_PORT|" \
  -e "s|@GATEWAY_SERVERS@|$(servers gateway "$GATEWAY_PORT")|" \
  -e "s|@RASA_SERVERS@|$(servers rasa "$RASA_PORT")|" \
  -e "s|@ACTION_SERVERS@|$(servers actions "$ACTION_PORT")|" \
  scripts/haproxy.cfg.tmpl >"$CLUSTER_DIR/haproxy.cfg"
haproxy -c -q -f "$CLUSTER_DIR/haproxy.cfg"

declare -A pid_of=()
stop_all() {
  trap - INT TERM EXIT
  rm -f "$CLUSTER_DIR/pids.json" "$CLUSTER_DIR/rasa-urls"
  local alive=()
  for name in "${!pid_of[@]}"; do
    kill -0 "${pid_of[$name]}" 2>/dev/null && alive+=("${pid_of[$name]}")
  done
  if [ ${#alive[@]} -gt 0 ]; then
    echo "cluster: stopping (${alive[*]})"
    kill -TERM "${alive[@]}" 2>/dev/null || true
    wait "${alive[@]}" 2>/dev/null || true
  fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

echo "cluster: migrating $DATABASE_URL (credentials not shown)" | sed -E 's|//[^@/]*@|//…@|'
.venv/bin/python -m db.migrate >>"$LOG_DIR/migrate.log" 2>&1

echo "cluster: HAProxy on 127.0.0.1:${GATEWAY_PORT} (gateways), :${RASA_PORT} (Rasa), :${ACTION_PORT} (actions)"
haproxy -db -f "$CLUSTER_DIR/haproxy.cfg" >>"$LOG_DIR/haproxy.log" 2>&1 &
pid_of[haproxy]=$!

# Together: each seeds the knowledge base into an empty database at start, serialised in the database
# (KnowledgeStore.import_missing), so the first adds the services and the others find them.
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  ACTION_PORT=$((ACTION_PORT + i)) .venv/bin/python -m actions >>"$LOG_DIR/actions-$i.log" 2>&1 &
  pid_of[actions-$i]=$!
done
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  wait_ready "actions-$i" "${pid_of[actions-$i]}" "http://127.0.0.1:$((ACTION_PORT + i))/health" "$LOG_DIR/actions-$i.log" 180
done

# Rasa creates its tables (the tracker store's in PostgreSQL, the SQL broker's in SQLite) when it
# starts; two replicas creating them at once collide (one stopped with "Cannot connect to event
# broker"), so they are created once here, with the classes the endpoints name.
.venv-rasa/bin/python - "$broker" >>"$LOG_DIR/rasa-tables.log" 2>&1 <<'PY'
import os, sys

from rasa_plugins.event_broker import SQLiteEventBroker
from rasa_plugins.tracker_store import MaskingSQLTrackerStore

e = os.environ
MaskingSQLTrackerStore(dialect="postgresql", host=e["RASA_DB_HOST"], port=int(e["RASA_DB_PORT"]),
                       db=e["RASA_DB_NAME"], username=e["RASA_DB_USER"] or None,
                       password=e["RASA_DB_PASSWORD"] or None)
if sys.argv[1].endswith("event_broker.sql.yml"):
    SQLiteEventBroker(db=e["RASA_EVENTS_DB"])
PY
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  .venv-rasa/bin/python -m rasa_plugins.server --enable-api -i 127.0.0.1 -p $((RASA_PORT + i)) -m "$RASA_MODEL" \
    --endpoints "$endpoints" --credentials bot/credentials.yml >>"$LOG_DIR/rasa-$i.log" 2>&1 &
  pid_of[rasa-$i]=$!
done
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  wait_ready "rasa-$i" "${pid_of[rasa-$i]}" "http://127.0.0.1:$((RASA_PORT + i))/" "$LOG_DIR/rasa-$i.log" 400
done

# An analytics consumer beside each gateway: one holds the lease (a PostgreSQL advisory lock,
# analytics/lease.py) and works, the others wait and take over within seconds if it dies.
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  .venv/bin/python -m analytics consume >>"$LOG_DIR/analytics-$i.log" 2>&1 &
  pid_of[analytics-$i]=$!
done

for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  GATEWAY_PORT=$((GATEWAY_PORT + i)) GATEWAY_STATE_DIR=$CLUSTER_DIR/gateway-$i \
    .venv/bin/python -m channels >>"$LOG_DIR/gateway-$i.log" 2>&1 &
  pid_of[gateway-$i]=$!
done
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  wait_ready "gateway-$i" "${pid_of[gateway-$i]}" "http://127.0.0.1:$((GATEWAY_PORT + i))/healthz" "$LOG_DIR/gateway-$i.log" 120
done
# Through HAProxy: every listener answers (its health checks have seen the replicas up).
wait_ready "HAProxy -> action servers" "${pid_of[haproxy]}" "http://127.0.0.1:${ACTION_PORT}/health" "$LOG_DIR/haproxy.log" 30
wait_ready "HAProxy -> Rasa" "${pid_of[haproxy]}" "http://127.0.0.1:${RASA_PORT}/" "$LOG_DIR/haproxy.log" 30
wait_ready "HAProxy -> gateways" "${pid_of[haproxy]}" "http://127.0.0.1:${GATEWAY_PORT}/healthz" "$LOG_DIR/haproxy.log" 30

# pids.json only now, written whole then renamed: a reader never sees half a file or a cluster starting.
{
  printf '{'
  sep=''
  for name in $(printf '%s\n' "${!pid_of[@]}" | sort); do
    printf '%s"%s": %d' "$sep" "$name" "${pid_of[$name]}"
    sep=', '
  done
  printf '}\n'
} >"$CLUSTER_DIR/pids.json.tmp"
mv "$CLUSTER_DIR/pids.json.tmp" "$CLUSTER_DIR/pids.json"
# Every Rasa replica's own address: `make reload-model` swaps each one (through HAProxy only one would).
for i in $(seq 1 "$CLUSTER_REPLICAS"); do
  echo "http://127.0.0.1:$((RASA_PORT + i))"
done >"$CLUSTER_DIR/rasa-urls.tmp"
mv "$CLUSTER_DIR/rasa-urls.tmp" "$CLUSTER_DIR/rasa-urls"

cat <<EOT

cluster: ready, ${CLUSTER_REPLICAS} of each behind HAProxy on http://127.0.0.1:${GATEWAY_PORT} (pids: $CLUSTER_DIR/pids.json, logs: $LOG_DIR/).
Never expose ports ${RASA_PORT}, ${ACTION_PORT}, the replicas' ports, Redis or PostgreSQL. Press Ctrl-C to stop.
EOT

# A replica that dies is reported once; the rest carry on. Stop when HAProxy dies or a kind is gone.
declare -A reported=()
while true; do
  sleep 1 &
  wait $! || true
  for name in "${!pid_of[@]}"; do
    if [ -z "${reported[$name]:-}" ] && ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
      reported[$name]=1
      echo "cluster: $name (pid ${pid_of[$name]}) stopped; see $LOG_DIR/$name.log" >&2
    fi
  done
  [ -n "${reported[haproxy]:-}" ] && exit 1
  for kind in rasa actions gateway analytics; do
    left=0
    for i in $(seq 1 "$CLUSTER_REPLICAS"); do
      [ -z "${reported[$kind-$i]:-}" ] && left=$((left + 1))
    done
    if [ "$left" -eq 0 ]; then
      echo "cluster: no $kind replica left" >&2
      exit 1
    fi
  done
done
