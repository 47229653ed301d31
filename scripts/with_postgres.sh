#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 server: a temp dir, a free local port, started as
# the `postgres` user when we are root, always stopped afterwards. Usage: with_postgres.sh CMD...
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL 15 not found in $PGBIN; installing postgresql-15" >&2
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql-15 >/dev/null
fi
DIR=$(mktemp -d /tmp/shebao-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ "$(id -u)" = 0 ]; then
  chown postgres "$DIR"
  AS=(runuser -u postgres --)
else
  AS=()
fi
cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U shebao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null
echo "PostgreSQL 15 on 127.0.0.1:$PORT ($DIR)" >&2
export DATABASE_URL="postgres://shebao@127.0.0.1:$PORT/shebao"
"${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U shebao shebao
"$@"
