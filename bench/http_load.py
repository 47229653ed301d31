"""A gunicorn server for the benchmarks and a small load client (http.client + threads, loopback).

The server runs in its own session so that it can be stopped as a group; `gunicorn_server` stops
it on leaving the block, and an `atexit` hook stops any server still running if the process ends
some other way.
"""

from __future__ import annotations

import atexit
import http.client
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BENCH_SECRET_KEY = "bench-only-" + "x" * 50  # throwaway servers and databases
WORKERS = 2

_running: dict[int, subprocess.Popen[bytes]] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's master (a graceful stop of its workers), then SIGKILL its group if needed."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
    _running.pop(proc.pid, None)


@atexit.register
def _stop_all() -> None:
    for proc in list(_running.values()):
        _stop(proc)


def _get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def gunicorn_server(*, settings_module: str, probe: str, log_path: Path) -> Iterator[int]:
    """Serve Shebao's WSGI app with `settings_module` on a free loopback port; yield the port."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SHEBAO_DEBUG": "0",
        "SHEBAO_SECRET_KEY": os.environ.get("SHEBAO_SECRET_KEY", BENCH_SECRET_KEY),
        "SHEBAO_ALLOWED_HOSTS": HOST,
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        str(ROOT),
        "--log-level",
        "warning",
        "shebao.wsgi:application",
    ]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    _running[proc.pid] = proc
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
            try:
                status, _body = _get(port, probe, timeout=5)
                if status == 200:
                    break
                raise RuntimeError(f"gunicorn answered {status} to {probe}; see {log_path}")
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}") from None
                time.sleep(0.2)
        yield port
    finally:
        _stop(proc)


@dataclass
class LoadResult:
    path: str
    concurrency: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    bytes: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run_load(*, port: int, path: str, concurrency: int, requests: int, warmup: int = 10) -> LoadResult:
    """`requests` GETs of `path` shared by `concurrency` client threads, one connection per request.

    Gunicorn's sync workers close the connection after each response, so a new connection per
    request is what a browser gets too. Every response must be 200.
    """
    # Warm both workers (imports, template and URL caches, translations) before timing.
    for _ in range(warmup):
        _get(port, path)
    latencies: list[float] = []
    failures: list[str] = []
    sizes: list[int] = []
    counter = itertools.count()
    lock = threading.Lock()

    def client() -> None:
        while next(counter) < requests:
            started = time.perf_counter()
            try:
                status, body = _get(port, path)
            except OSError as exc:
                with lock:
                    failures.append(repr(exc))
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                sizes.append(len(body))
                if status != 200:
                    failures.append(f"HTTP {status}")

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"GET {path}: {len(failures)} failures, first: {failures[0]}")
    latencies.sort()
    return LoadResult(
        path=path,
        concurrency=concurrency,
        requests=len(latencies),
        seconds=wall,
        rps=len(latencies) / wall,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=_percentile(latencies, 0.95) * 1000,
        bytes=int(statistics.median(sizes)),
    )
