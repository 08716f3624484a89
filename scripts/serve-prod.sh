#!/usr/bin/env bash
# make serve-prod: the production stack in the foreground, on TRACKER_DATABASE_URL (PostgreSQL or
# MariaDB): migrations, then gunicorn (gunicorn.conf.py: several threaded workers, no scheduler
# inside) and `flask --app tracker scheduler` as a process of its own. Ctrl-C or SIGTERM stops
# both; if either one stops, the other is stopped too. docs/DEPLOY.md runs the same two under
# systemd instead.
set -euo pipefail
: "${TRACKER_DATABASE_URL:?set TRACKER_DATABASE_URL, e.g. postgresql://pantau@127.0.0.1/pantau}"
BIN=${BIN:-.venv/bin}
if [[ "$TRACKER_DATABASE_URL" == sqlite* ]]; then
    echo "serve-prod wants PostgreSQL or MariaDB: SQLite serves one process (make run)" >&2
    exit 2
fi
"$BIN/flask" --app tracker db upgrade
"$BIN/flask" --app tracker scheduler &
scheduler=$!
"$BIN/gunicorn" -c gunicorn.conf.py 'tracker:create_app()' &
web=$!
stop() {
    kill -TERM "$web" "$scheduler" 2>/dev/null || true
    wait "$web" "$scheduler" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
echo "Pantau Pakta: gunicorn $web on ${GUNICORN_BIND:-127.0.0.1:8000}, scheduler $scheduler"
set +e
wait -n "$web" "$scheduler"
status=$?
stop
exit "$status"
