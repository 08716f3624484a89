"""Drive HTTP load at one URL from this process: keep-alive connections for a bounded time.

    python bench/load.py URL [--connections 8] [--seconds 6] [--warmup 1] [--header 'K: V']
    python bench/load.py --requests 10000 --connections 8 URL URL ...   (a bounded count)

Prints one JSON object: requests, rps, p50/p95/p99 in ms, statuses, errors, and the counts of
the proxy's X-Cache header when it sends one. Loopback only (the bench starts the servers it
measures); each connection sends a request, reads the whole answer, and sends the next. The
client is a few lines of sockets rather than http.client: parsing headers with the email
package would cost this process more CPU than the pages it measures on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Connection:
    """One keep-alive HTTP/1.1 connection to a loopback server."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        return self.sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(262_144)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    def _exactly(self, n: int) -> int:
        """Read and drop ``n`` bytes of body; return how many."""
        left = n
        while left:
            if not self.buffer:
                self._fill()
            taken = min(left, len(self.buffer))
            self.buffer = self.buffer[taken:]
            left -= taken
        return n

    def request(
        self, raw: bytes, *, first_byte: list[float] | None = None
    ) -> tuple[int, dict[str, str], int]:
        """Send ``raw`` and read the answer: (status, lower-cased headers, body bytes)."""
        for attempt in (1, 2):
            sock = self._connect()
            try:
                sock.sendall(raw)
                status_line = self._line()
                break
            except (ConnectionError, OSError):
                # A keep-alive connection the server closed meanwhile: open a new one, once.
                self.close()
                if attempt == 2:
                    raise
        if first_byte is not None:
            first_byte.append(time.perf_counter())
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while line := self._line():
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        size = 0
        if status in (204, 304) or raw.startswith(b"HEAD "):
            pass
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while (length := int(self._line().split(b";")[0], 16)) > 0:
                size += self._exactly(length)
                self._line()
            while self._line():  # trailers
                pass
        elif "content-length" in headers:
            size = self._exactly(int(headers["content-length"]))
        else:
            while True:  # read until the server closes
                try:
                    self._fill()
                except ConnectionError:
                    break
            size, self.buffer = len(self.buffer), b""
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, size


def raw_request(url: str, headers: list[str]) -> tuple[str, int, bytes]:
    """Return (host, port, request bytes) for a GET of ``url`` on loopback."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host}: loopback only")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Accept: */*"]
    lines += headers
    return host, parts.port or 80, ("\r\n".join(lines) + "\r\n\r\n").encode()


def percentile(sorted_ms: list[float], p: float) -> float:
    """Return the p-th percentile (nearest rank) of sorted values, 0 without any."""
    if not sorted_ms:
        return 0.0
    rank = max(1, min(len(sorted_ms), round(p / 100 * len(sorted_ms) + 0.5)))
    return sorted_ms[rank - 1]


def run(
    urls: list[str],
    *,
    connections: int,
    seconds: float | None,
    warmup: float = 0.0,
    requests: int | None = None,
    headers: list[str] | None = None,
) -> dict[str, object]:
    """Load ``urls`` (each connection cycles through them) for ``seconds`` or ``requests``."""
    prepared = [raw_request(u, headers or []) for u in urls]
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    cache: Counter[str] = Counter()
    # The proxy's answers during the warm-up too: the first request is the one reaching the app.
    all_cache: Counter[str] = Counter()
    errors: list[str] = []
    sent = [0]
    start_at = time.perf_counter()
    measure_from = start_at + warmup
    stop_at = measure_from + seconds if seconds is not None else float("inf")

    def worker(offset: int) -> None:
        conns: dict[tuple[str, int], Connection] = {}
        i = offset
        local: list[float] = []
        local_status: Counter[int] = Counter()
        local_cache: Counter[str] = Counter()
        local_all_cache: Counter[str] = Counter()
        try:
            while True:
                now = time.perf_counter()
                if now >= stop_at:
                    break
                if requests is not None:
                    with lock:
                        if sent[0] >= requests:
                            break
                        sent[0] += 1
                host, port, raw = prepared[i % len(prepared)]
                i += 1
                conn = conns.setdefault((host, port), Connection(host, port))
                try:
                    status, head, _ = conn.request(raw)
                except (OSError, ValueError) as exc:
                    conn.close()
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                done = time.perf_counter()
                if "x-cache" in head:
                    local_all_cache[head["x-cache"]] += 1
                if now >= measure_from:
                    local.append((done - now) * 1000)
                    local_status[status] += 1
                    if "x-cache" in head:
                        local_cache[head["x-cache"]] += 1
        finally:
            for conn in conns.values():
                conn.close()
            with lock:
                latencies.extend(local)
                statuses.update(local_status)
                cache.update(local_cache)
                all_cache.update(local_all_cache)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - max(measure_from, start_at)
    latencies.sort()
    return {
        "urls": urls,
        "connections": connections,
        "seconds": round(elapsed, 3),
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "x_cache": dict(cache),
        "x_cache_with_warmup": dict(all_cache),
        "errors": errors[:5],
        "error_count": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--warmup", type=float, default=0.0)
    parser.add_argument("--requests", type=int, default=None)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    if args.seconds is None and args.requests is None:
        parser.error("give --seconds or --requests: the load is always bounded")
    result = run(
        args.urls,
        connections=args.connections,
        seconds=args.seconds,
        warmup=args.warmup,
        requests=args.requests,
        headers=args.header,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
