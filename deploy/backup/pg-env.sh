# shellcheck shell=bash
# Sourced by pg-backup.sh and pg-restore.sh: split a database URL (postgresql://user:pass@host:port/db,
# also postgresql+psycopg://…, as DATABASE_URL is written) into libpq's PG* variables, so the password
# never appears on a command line (`ps` shows command lines to every local user).
pg_env_from_url() {  # pg_env_from_url URL
  eval "$(python3 - "$1" <<'PY'
import shlex, sys
from urllib.parse import unquote, urlsplit
u = urlsplit(sys.argv[1])
if not u.scheme.startswith(("postgresql", "postgres")) or not u.path.strip("/"):
    sys.exit("not a postgresql://user:password@host:port/database URL")
values = {"PGHOST": u.hostname or "127.0.0.1", "PGPORT": str(u.port or 5432),
          "PGUSER": unquote(u.username or "postgres"), "PGDATABASE": unquote(u.path.strip("/"))}
if u.password:
    values["PGPASSWORD"] = unquote(u.password)
for name, value in values.items():
    print(f"export {name}={shlex.quote(value)}")
PY
)"
}
