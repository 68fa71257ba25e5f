#!/usr/bin/env bash
# Restore a dump made by pg-backup.sh into an EMPTY database: pg-restore.sh DUMP
# The target comes from DATABASE_URL in the environment. Refuses a dump whose checksum does not
# match and a target that already has tables (restore into a new database, check it, then switch
# DATABASE_URL: nothing is overwritten in place). One transaction: a failed restore leaves the
# target empty. Afterwards `python -m db.migrate` brings an older dump to the current schema.
# docs/operations.md, "Backup and restore".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pg-env.sh
. "$here/pg-env.sh"
dump=${1:?usage: pg-restore.sh DUMP (target database from DATABASE_URL)}
: "${DATABASE_URL:?DATABASE_URL is not set}"
if [ -f "$dump.sha256" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$dump").sha256") \
    || { echo "pg-restore: $dump does not match its checksum" >&2; exit 1; }
fi
pg_env_from_url "$DATABASE_URL"
tables=$(psql --no-psqlrc --tuples-only --no-align \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "pg-restore: database $PGDATABASE already has $tables tables; restore into an empty database" >&2
  exit 1
fi
pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$PGDATABASE" "$dump"
echo "pg-restore: $dump restored into $PGDATABASE"
