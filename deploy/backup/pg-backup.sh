#!/usr/bin/env bash
# Back up the application's PostgreSQL database: pg-backup.sh OUT_DIR
# The database comes from DATABASE_URL in the environment (never on the command line). Writes
# OUT_DIR/govbot-<UTC time>.dump (pg_dump custom format: compressed, restorable table by table) and a
# .sha256 beside it, then proves the dump is readable (pg_restore --list). Exit status non-zero on any
# failure. Rasa's tracker database (RASA_DB_NAME) is backed up the same way with its own URL.
# docs/operations.md, "Backup and restore".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pg-env.sh
. "$here/pg-env.sh"
out_dir=${1:?usage: pg-backup.sh OUT_DIR (database from DATABASE_URL)}
: "${DATABASE_URL:?DATABASE_URL is not set}"
pg_env_from_url "$DATABASE_URL"
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dump="$out_dir/govbot-$stamp.dump"
umask 077  # the dump holds sealed personal data and hashes: readable by the operator only
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$dump.partial"
pg_restore --list "$dump.partial" >/dev/null
mv "$dump.partial" "$dump"
(cd "$out_dir" && sha256sum "$(basename "$dump")" >"$(basename "$dump").sha256")
echo "$dump"
