"""gunicorn's settings for Pantau Pakta (read from the working folder; docs/DEPLOY.md).

    gunicorn -c gunicorn.conf.py 'tracker:create_app()'

Each setting can be changed by an environment variable: GUNICORN_BIND (127.0.0.1:8000),
GUNICORN_WORKERS (2 per CPU + 1), GUNICORN_THREADS (4), GUNICORN_TIMEOUT (120 s). Threaded
workers keep connections alive behind a proxy, and a worker's threads overlap their waits on the
database. The scheduler never runs inside a worker: it is its own process
(`flask --app tracker scheduler`), since APScheduler 3 does not coordinate processes.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# An import of thousands of rows, or the XLSX of every finding, takes more than the default 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Every request's line in the journal; the proxy in front logs them too.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The workers import the app themselves: each opens its own database pool after the fork.
preload_app = False
