"""`make bench`: the public pages at national size against a baseline measured in the same run.

    .venv/bin/python bench/national.py [--regencies 600 --agencies 10 --findings 15]
                                       [--seconds 6] [--sqlite FOLDER] [--no-proxy] [--smoke]

Numbers, with the targets of issue 14 checked at the end (a miss is reported, not an error).
Steps, each on loopback only:
1. two databases, created and dropped by the bench (PostgreSQL by default, TRACKER_BENCH_ADMIN_URL
   names the server's maintenance database; ``--sqlite`` uses files instead): one regency's data
   (1 × 10 × 15) and the country's (600 × 10 × 15 = 6,000 pacts, 90,000 findings), each
   migrated and filled by ``flask --app tracker demo generate``;
2. gunicorn with 2 workers (gunicorn.conf.py: gthread, keep-alive) on each in turn, driven by
   bench/load.py in a separate process: 8 keep-alive connections for ``--seconds`` per URL,
   after a warm-up: ``GET /api/v1/ping`` (the baseline B: the same app, no database), the home
   page, its status filter, a regency page, a pact page, the paginated API list, a conditional
   GET answered 304, and on the national data the pact page at 16 connections and through nginx
   as a caching reverse proxy (docs/nginx/pantau-pakta.conf);
3. on the national data: the CSV of every finding (first byte, whole body, the worker's memory
   while sending), one full sweep (and the one after it), one import of 5,000 rows through
   ``POST /api/v1/pacts/import``, and the workers' memory after 5,000 and 10,000 requests.
Writes bench/results/<date>.json (every figure and its ratio to B) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import Connection, raw_request  # noqa: E402 - after the path is set

NGINX_SITE = ROOT / "docs" / "nginx" / "pantau-pakta.conf"
RESULTS = ROOT / "bench" / "results"
ADMIN_URL = os.environ.get(
    "TRACKER_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# The pages measured, by name: (path template, extra headers); {pact} and {regency} are filled in.
PAGES = {
    "B ping": "/api/v1/ping",
    "home": "/",
    "home ?status=overdue": "/?status=overdue",
    "regency": "/kabupaten/{regency}",
    "pact": "/pakta/{pact}",
    "API list": "/api/v1/pacts?page=2",
    "304 pact": "/pakta/{pact}",
}


@dataclass
class Options:
    regencies: int = 600
    agencies: int = 10
    findings: int = 15
    seconds: float = 6.0
    warmup: float = 1.0
    connections: int = 8
    sqlite: Path | None = None
    proxy: bool = True
    baseline_regency: bool = True
    rss_requests: int = 10_000
    import_rows: int = 5_000
    seed: int = 1
    results: Path = RESULTS
    label: str = "national"
    # TRACKER_PAGE_CACHE of the server: "memory" as installed; "off" measures every rendering.
    page_cache: str = "memory"


@dataclass
class Server:
    """A gunicorn on loopback serving one database."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def rss_mib(self) -> dict[int, float]:
        """Return each worker's resident memory in MiB."""
        sizes = {}
        for pid in self.workers():
            with suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1]) / 1024
        return sizes


@dataclass
class Dataset:
    name: str
    url: str
    size: tuple[int, int, int]
    generate_seconds: float = 0.0
    generated: str = ""
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(database_url: str, folder: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=database_url,
        TRACKER_SECRET_KEY=secrets.token_hex(32),
        TRACKER_INSTANCE_PATH=str(folder / "instance"),
        TRACKER_UPLOAD_FOLDER=str(folder / "uploads"),
        TRACKER_BASE_URL=f"http://127.0.0.1:{port}",
        PYTHONPATH=str(ROOT),
    )
    return env


_APPS: dict[str, Any] = {}


def _app(env: dict[str, str]) -> Any:
    """The app on a bench database, in this process (one per database, built once)."""
    url = env["TRACKER_DATABASE_URL"]
    if url not in _APPS:
        from tracker import create_app

        app = create_app(
            None, DATABASE_URL=url, SECRET_KEY=env["TRACKER_SECRET_KEY"], FROZEN_NOW=None,
            BASE_URL=env["TRACKER_BASE_URL"], UPLOAD_FOLDER=env["TRACKER_UPLOAD_FOLDER"],
        )  # fmt: skip
        app.instance_path = env["TRACKER_INSTANCE_PATH"]
        _APPS[url] = app
    return _APPS[url]


def _forget(url: str) -> None:
    """Close the pool of the in-process app on ``url`` (before its database is dropped)."""
    app = _APPS.pop(url, None)
    if app is not None:
        from tracker.extensions import db

        with app.app_context():
            db.engine.dispose()


def _flask(env: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run the command ``flask --app tracker ARGS`` (in this process); return what it printed."""
    result = _app(env).test_cli_runner().invoke(args=list(args), input=stdin)
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.output}{result.exception!r}")
    return str(result.output).strip()


@contextmanager
def database(opts: Options, name: str, folder: Path) -> Iterator[str]:
    """Create an empty database for the bench and drop it afterwards; yield its URL."""
    if opts.sqlite is not None:
        opts.sqlite.mkdir(parents=True, exist_ok=True)
        path = opts.sqlite.resolve() / f"bench-{name}.sqlite3"
        for stale in opts.sqlite.glob(f"bench-{name}.sqlite3*"):
            stale.unlink()
        yield f"sqlite:///{path}"
        _forget(f"sqlite:///{path}")
        return
    import psycopg

    db = f"pantau_bench_{name}"
    with psycopg.connect(
        ADMIN_URL.replace("postgresql+psycopg", "postgresql"), autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{db}"
    finally:
        _forget(f"{base}/{db}")
        with psycopg.connect(ADMIN_URL, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def fill(data: Dataset, folder: Path, seed: int) -> None:
    """Migrate and generate, each through the command line an operator would use."""
    env = _env(data.url, folder, 5000)
    _flask(env, "db", "upgrade")
    n, m, k = data.size
    started = time.perf_counter()
    out = _flask(
        env,
        "demo",
        "generate",
        "--regencies",
        str(n),
        "--agencies-per-regency",
        str(m),
        "--findings-per-pact",
        str(k),
        "--seed",
        str(seed),
    )
    data.generate_seconds = round(time.perf_counter() - started, 1)
    data.generated = out.splitlines()[-1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def gunicorn(database_url: str, folder: Path, page_cache: str = "memory") -> Iterator[Server]:
    """Serve the app with gunicorn.conf.py (2 workers) on a free loopback port."""
    port = _free_port()
    env = _env(database_url, folder, port)
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", TRACKER_PAGE_CACHE=page_cache
    )
    log = folder / f"gunicorn-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "tracker:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, env, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
            with suppress(OSError):
                if _get(server.url + "/api/v1/ping")[0] == 200 and len(server.workers()) >= 2:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def nginx(upstream: str, folder: Path) -> Iterator[str | None]:
    """Run Debian's nginx with docs/nginx/pantau-pakta.conf in front of ``upstream``."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        yield None
        return
    port = _free_port()
    # nginx's workers run as nobody: a folder of their own that they may enter.
    prefix = Path(tempfile.mkdtemp(prefix="pantau-nginx-"))
    (prefix / "cache").mkdir(parents=True, exist_ok=True)
    (prefix / "logs").mkdir(exist_ok=True)
    for part in (prefix, prefix / "cache", prefix / "logs"):
        part.chmod(0o777)
    site = NGINX_SITE.read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("server 127.0.0.1:8000;", f"server {upstream.removeprefix('http://')};")
    site = site.replace("/var/cache/nginx/pantau", str(prefix / "cache"))
    temp = "".join(
        f"    {kind}_temp_path {prefix}/{kind}_temp;\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log warn;\n"
        f"worker_processes 1;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n    access_log off;\n{temp}{site}\n}}\n"
    )
    subprocess.run([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")], check=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with suppress(OSError):
                if _get(url + "/api/v1/ping")[0] == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        subprocess.run(
            [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-s", "stop"],
            check=False,
            capture_output=True,
        )
        time.sleep(0.5)
        shutil.rmtree(prefix, ignore_errors=True)


def load(
    opts: Options,
    urls: list[str],
    *,
    connections: int | None = None,
    headers: list[str] | None = None,
    requests: int | None = None,
    seconds: float | None = None,
) -> dict[str, Any]:
    """Run bench/load.py in its own process against ``urls``; return its figures."""
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "load.py"),
        *urls,
        "--connections",
        str(connections or opts.connections),
    ]
    if requests is not None:
        cmd += ["--requests", str(requests), "--seconds", str(seconds or 600)]
    else:
        cmd += ["--seconds", str(seconds or opts.seconds), "--warmup", str(opts.warmup)]
    for header in headers or []:
        cmd += ["--header", header]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=900)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_csv(server: Server) -> dict[str, Any]:
    """Download every finding as CSV once: first byte, whole body, the workers' memory meanwhile."""
    before = server.rss_mib()
    peak = dict(before)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for pid, mib in server.rss_mib().items():
                peak[pid] = max(peak.get(pid, 0.0), mib)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    host, port, raw = raw_request(server.url + "/data/temuan.csv", [])
    conn = Connection(host, port)
    first: list[float] = []
    started = time.perf_counter()
    try:
        status, _, size = conn.request(raw, first_byte=first)
    finally:
        conn.close()
        done = time.perf_counter()
        stop.set()
        watcher.join()
    growth = max((peak[p] - before.get(p, peak[p]) for p in peak), default=0.0)
    return {
        "status": status,
        "bytes": size,
        "first_byte_s": round(first[0] - started, 3) if first else None,
        "total_s": round(done - started, 3),
        "worker_growth_mib": round(growth, 1),
    }


def measure_sweep(server: Server) -> dict[str, Any]:
    """Run `flask --app tracker sweep` twice on the served database (the first writes notices)."""
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        out = _flask(server.env, "sweep")
        runs.append(
            {"wall_s": round(time.perf_counter() - started, 2), "summary": " ".join(out.split())}
        )
    return {"first": runs[0], "second": runs[1]}


def _multipart(data: bytes, name: str) -> tuple[bytes, str]:
    boundary = secrets.token_hex(12)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def measure_import(server: Server, rows: int) -> dict[str, Any]:
    """Import ``rows`` findings (10 a pact) into a generated regency through the API."""
    from datetime import date, timedelta

    from tracker.pacts import imports
    from tracker.spreadsheets import sheets

    regency = "rekaan-002"
    email = f"admin-bench@{regency}.demo"
    password = secrets.token_urlsafe(16) + "\n"
    _flask(
        server.env,
        "users",
        "create",
        email,
        "--role",
        "admin",
        "--regency",
        regency,
        stdin=password,
    )
    token = next(
        w for w in _flask(server.env, "users", "token", email).split() if w.startswith("pp_")
    )
    agencies = [
        a["slug"]
        for a in json.loads(_get(f"{server.url}/api/v1/agencies?regency={regency}")[2])["items"]
    ]
    records = []
    for n in range(max(1, rows // 10)):
        pact = {
            "regency": regency,
            "agency": agencies[n % len(agencies)],
            "reference": f"bench/{n:05d}",
            "signatory_title": "Kepala Dinas",
            "signatory_name": f"Pejabat Contoh {n}",
            "signed_on": date(2025, 1, 2) + timedelta(days=n % 300),
            "period_months": 3,
            "pledge": "(Contoh rekaan) Memperbaiki seluruh temuan.",
            "source": "Bench",
        }
        for f in range(min(10, rows)):
            records.append(
                {
                    **pact,
                    "finding_title": f"(Contoh rekaan) Temuan {f + 1}",
                    "finding_category": ("input", "process", "output", "complaints")[f % 4],
                }
            )
    body, content_type = _multipart(sheets.write_csv(imports.FORMAT, records), "pakta.csv")
    result: dict[str, Any] = {"rows": len(records)}
    for step, query in (("preview", "?preview=true"), ("commit", "")):
        request = urllib.request.Request(
            f"{server.url}/api/v1/pacts/import{query}",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                status, answer = response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            status, answer = error.code, json.loads(error.read() or b"{}")
        result[step] = {
            "status": status,
            "seconds": round(time.perf_counter() - started, 2),
            "counts": answer.get("counts"),
        }
    return result


def measure_rss(opts: Options, server: Server, data: Dataset) -> dict[str, Any]:
    """The workers' memory before, after half of ``opts.rss_requests`` and after all of them."""
    ids = data.extra["pact_ids"]
    slugs = data.extra["regency_slugs"]
    mix = [f"{server.url}/pakta/{i}" for i in ids]
    mix += [f"{server.url}/kabupaten/{s}" for s in slugs]
    mix += [f"{server.url}/api/v1/pacts?page={p}" for p in range(1, 6)]
    mix += [f"{server.url}/"]
    start = server.rss_mib()
    half = opts.rss_requests // 2
    first = load(opts, mix, requests=half, seconds=300)
    middle = server.rss_mib()
    second = load(opts, mix, requests=opts.rss_requests - half, seconds=300)
    end = server.rss_mib()
    growth = [(end[p] - middle[p]) / middle[p] * 100 for p in end if p in middle and middle[p] > 0]
    return {
        "requests": first["requests"] + second["requests"],
        "rss_mib_start": [round(v, 1) for v in start.values()],
        "rss_mib_half": [round(v, 1) for v in middle.values()],
        "rss_mib_end": [round(v, 1) for v in end.values()],
        "growth_half_to_end_pct": round(max(growth, default=0.0), 1),
        "statuses": {
            k: first["statuses"].get(k, 0) + second["statuses"].get(k, 0)
            for k in set(first["statuses"]) | set(second["statuses"])
        },
    }


def _targets_of(server: Server) -> tuple[str, str, list[int], list[str]]:
    """A pact and a regency to measure (the middle of the country), and a mix for the RSS run."""
    _, _, body = _get(server.url + "/api/v1/regencies")
    regencies = [r["slug"] for r in json.loads(body)["items"]]
    regency = regencies[len(regencies) // 2]
    _, _, body = _get(f"{server.url}/api/v1/pacts?regency={regency}&per_page=5")
    pact = json.loads(body)["items"][0]["id"]
    _, _, body = _get(f"{server.url}/api/v1/pacts?per_page=50&page=3")
    more = [p["id"] for p in json.loads(body)["items"]] or [pact]
    return regency, str(pact), more[:30], regencies[:10]


def measure_pages(
    opts: Options, server: Server, data: Dataset, *, national: bool, folder: Path
) -> None:
    regency, pact, ids, slugs = _targets_of(server)
    data.extra.update(pact=pact, regency=regency, pact_ids=ids, regency_slugs=slugs)
    urls = {
        name: server.url + path.format(pact=pact, regency=regency) for name, path in PAGES.items()
    }
    _, head, _ = _get(urls["304 pact"])
    etag = head.get("ETag") or head.get("Etag") or ""
    for name, url in urls.items():
        _phase(f"{data.name}: {name}")
        headers = [f"If-None-Match: {etag}"] if name.startswith("304") else []
        data.pages[name] = load(opts, [url], headers=headers)
        expected = "304" if name.startswith("304") else "200"
        if set(data.pages[name]["statuses"]) != {expected}:
            print(f"WARNING {name}: answered {data.pages[name]['statuses']}", flush=True)
    if not national:
        return
    data.pages["pact, 16 connections"] = load(opts, [urls["pact"]], connections=16)
    if opts.proxy:
        with nginx(server.url, folder) as proxy:
            if proxy is None:
                data.extra["proxy"] = "nginx is not installed: `make bench` installs it"
            else:
                figures = load(opts, [f"{proxy}/pakta/{pact}"])
                hits = figures["x_cache_with_warmup"]
                figures["reached_app"] = sum(
                    n for k, n in hits.items() if k in ("MISS", "EXPIRED", "REVALIDATED", "BYPASS")
                )
                data.pages["pact via nginx"] = figures


_STARTED = time.perf_counter()


def _phase(what: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {what}", flush=True)


def run(opts: Options) -> dict[str, Any]:
    sizes = [("national", (opts.regencies, opts.agencies, opts.findings))]
    if opts.baseline_regency:
        sizes.insert(0, ("regency", (1, opts.agencies, opts.findings)))
    datasets = []
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmp:
        folder = Path(tmp)
        for name, size in sizes:
            with database(opts, name, folder) as url:
                data = Dataset(name, url, size)
                _phase(f"{name}: migrating and generating {size}")
                fill(data, folder, opts.seed)
                print(
                    f"{name}: {data.generated} ({data.generate_seconds} s with the command)",
                    flush=True,
                )
                with gunicorn(url, folder, opts.page_cache) as server:
                    _phase(f"{name}: gunicorn up, measuring the pages")
                    national = name == "national"
                    measure_pages(opts, server, data, national=national, folder=folder)
                    if national:
                        _phase("national: the CSV of every finding")
                        data.extra["csv"] = measure_csv(server)
                        _phase(f"national: memory over {opts.rss_requests} requests")
                        data.extra["rss"] = measure_rss(opts, server, data)
                        _phase("national: sweeps")
                        data.extra["sweep"] = measure_sweep(server)
                        _phase(f"national: import of {opts.import_rows} rows")
                        data.extra["import"] = measure_import(server, opts.import_rows)
                _phase(f"{name}: done")
                datasets.append(data)
    return report(opts, datasets)


def _ratio(value: float, base: float) -> float:
    return round(value / base, 3) if base else 0.0


def report(opts: Options, datasets: list[Dataset]) -> dict[str, Any]:
    """Build the result (every figure with its ratio to B), check the targets, print the table."""
    out: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "database": "sqlite" if opts.sqlite else "postgresql",
        "cpus": os.cpu_count(),
        "load": {"connections": opts.connections, "seconds": opts.seconds, "warmup": opts.warmup},
        "page_cache": opts.page_cache,
        "datasets": {},
    }
    for data in datasets:
        base = data.pages["B ping"]["rps"]
        for figures in data.pages.values():
            figures["ratio_to_B"] = _ratio(figures["rps"], base)
        out["datasets"][data.name] = {
            "size": dict(
                zip(
                    ("regencies", "agencies_per_regency", "findings_per_pact"),
                    data.size,
                    strict=True,
                )
            ),
            "generated": data.generated,
            "generate_seconds": data.generate_seconds,
            "pages": data.pages,
            **{k: v for k, v in data.extra.items() if k not in ("pact_ids", "regency_slugs")},
        }
    out["targets"] = targets(out)
    print_table(out)
    opts.results.mkdir(parents=True, exist_ok=True)
    path = (
        opts.results / f"{out['date']}{'' if opts.label == 'national' else '-' + opts.label}.json"
    )
    path.write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(f"written: {path}")
    return out


def targets(out: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 14's targets, each with the measured value and whether it holds."""
    nat = out["datasets"].get("national", {})
    one = out["datasets"].get("regency")
    pages = nat.get("pages", {})
    checks: list[dict[str, Any]] = []

    def check(name: str, value: Any, holds: bool) -> None:
        checks.append({"target": name, "value": value, "holds": bool(holds)})

    for page, floor in (
        ("pact", 0.25),
        ("regency", 0.25),
        ("home", 0.2),
        ("API list", 0.35),
        ("304 pact", 0.6),
        ("pact via nginx", 1.0),
    ):
        if page in pages:
            ratio = pages[page]["ratio_to_B"]
            check(f"{page} >= {floor} x B", ratio, ratio >= floor)
    if one:
        for page, figures in pages.items():
            base = one["pages"].get(page)
            if base and page != "B ping":
                ratio = _ratio(figures["p95_ms"], base["p95_ms"])
                check(f"{page}: p95 national <= 2 x one regency", ratio, ratio <= 2)
    if "pact, 16 connections" in pages:
        p95 = pages["pact, 16 connections"]["p95_ms"]
        check("pact p95 <= 150 ms at 16 connections", p95, p95 <= 150)
    if csv := nat.get("csv"):
        check("CSV first byte < 1 s", csv["first_byte_s"], (csv["first_byte_s"] or 99) < 1)
        check("CSV complete < 10 s", csv["total_s"], csv["total_s"] < 10)
        check(
            "CSV worker growth < 50 MB",
            csv["worker_growth_mib"],
            csv["worker_growth_mib"] * 1.048576 < 50,
        )
    if sweep := nat.get("sweep"):
        check("sweep < 30 s", sweep["first"]["wall_s"], sweep["first"]["wall_s"] < 30)
    if rss := nat.get("rss"):
        check(
            "RSS growth 5k->10k < 10 %",
            rss["growth_half_to_end_pct"],
            rss["growth_half_to_end_pct"] < 10,
        )
    if "pact via nginx" in pages:
        reached = pages["pact via nginx"].get("reached_app", 0)
        check("proxy: the app asked at most once per URL per max-age", reached, reached <= 1)
    return checks


def print_table(out: dict[str, Any]) -> None:
    one = out["datasets"].get("regency", {}).get("pages", {})
    nat = out["datasets"]["national"]["pages"]
    print(
        f"\nmake bench, {out['date']}, {out['database']}, {out['cpus']} CPUs; "
        f"{out['load']['connections']} keep-alive connections, {out['load']['seconds']} s a URL; "
        f"page cache: {out['page_cache']}"
    )
    head = (
        f"| {'page':<22} | one regency: rps, p95 | national: rps "
        "| p50 ms | p95 ms | p99 ms | ratio to B |"
    )
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for name, f in nat.items():
        o = one.get(name)
        o_text = f"{o['rps']:,.0f}, {o['p95_ms']:,.1f} ms" if o else "—"
        print(
            f"| {name:<22} | {o_text:>21} | {f['rps']:>13,.0f} | {f['p50_ms']:>6,.1f} | "
            f"{f['p95_ms']:>6,.1f} | {f['p99_ms']:>6,.1f} | {f['ratio_to_B']:>10.3f} |"
        )
    data = out["datasets"]["national"]
    for key in ("csv", "sweep", "import", "rss", "proxy"):
        if key in data:
            print(f"{key}: {json.dumps(data[key], default=str)}")
    print("\ntargets:")
    for t in out["targets"]:
        print(f"  {'holds' if t['holds'] else 'MISSED':<6}  {t['target']}: {t['value']}")


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description="Pantau Pakta at national size (issue 14).")
    parser.add_argument("--regencies", type=int, default=600)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--findings", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--sqlite", type=Path, default=None, help="SQLite files in this folder")
    parser.add_argument("--no-proxy", action="store_true")
    parser.add_argument("--no-regency-baseline", action="store_true")
    parser.add_argument("--rss-requests", type=int, default=10_000)
    parser.add_argument("--import-rows", type=int, default=5_000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--label", default="national")
    parser.add_argument(
        "--page-cache",
        default="memory",
        help="the server's TRACKER_PAGE_CACHE; off: every page rendered for every request",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny data and a fraction of a second a URL (make test)",
    )
    args = parser.parse_args(argv)
    opts = Options(
        regencies=args.regencies,
        agencies=args.agencies,
        findings=args.findings,
        seconds=args.seconds,
        warmup=args.warmup,
        sqlite=args.sqlite,
        proxy=not args.no_proxy,
        baseline_regency=not args.no_regency_baseline,
        rss_requests=args.rss_requests,
        import_rows=args.import_rows,
        results=args.results,
        label=args.label,
        page_cache=args.page_cache,
    )
    if args.smoke:
        opts.regencies, opts.agencies, opts.findings = 4, 3, 3
        opts.seconds, opts.warmup, opts.rss_requests, opts.import_rows = 0.3, 0.0, 200, 20
        opts.baseline_regency, opts.label = False, "smoke"
    return opts


def main(argv: list[str] | None = None) -> dict[str, Any]:
    return run(parse(argv))


if __name__ == "__main__":
    main()
