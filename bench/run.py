"""Shebao benchmarks (`make bench`): the public catalogue over HTTP and the catalogue services.

Runs `bench/measure.py` once on a fresh SQLite file and once on a throwaway PostgreSQL 15 server
(started and stopped by `scripts/with_postgres.sh`), then prints every figure as a table and as
Markdown. What is measured and what the figures mean: `docs/benchmarks.md`.

    .venv/bin/python bench/run.py [--requests 100] [--backends sqlite,postgres] [--json FILE]
                                  [--only catalogue|counter]

Then (unless `--only catalogue`) the counter benchmark, `bench/counter/run.py`: simulated tellers on
durable PostgreSQL against pgbench and the Django floor ("Counter" in `docs/benchmarks.md`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

MEASURE = ROOT / "bench" / "measure.py"
COUNTER = ROOT / "bench" / "counter" / "run.py"
WITH_POSTGRES = ROOT / "scripts" / "with_postgres.sh"

_children: list[subprocess.Popen[bytes]] = []


def _stop_children() -> None:
    """Stop every measuring process still running, as a group, gently first.

    SIGTERM lets measure.py stop its gunicorn servers (its `finally` blocks) and lets
    with_postgres.sh run its EXIT trap, which stops the PostgreSQL server and removes its folder.
    """
    for proc in _children:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = int(line.split()[1]) / 1024 / 1024
                break
    except OSError:
        pass
    import django
    import gunicorn

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_gib": round(ram_gib, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "kernel": platform.release(),
    }


def measure(backend: str, requests: int, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{backend}.json"
    env = {**os.environ, "BENCH_BACKEND": backend}
    env.pop("DATABASE_URL", None)
    cmd = [
        sys.executable,
        str(MEASURE),
        "--out",
        str(out),
        "--requests",
        str(requests),
        "--workdir",
        str(workdir),
    ]
    if backend == "sqlite":
        env["SHEBAO_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    else:
        cmd = [str(WITH_POSTGRES), *cmd]
    env["SHEBAO_VAR_DIR"] = str(workdir / f"var-{backend}")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    _children.append(proc)
    try:
        code = proc.wait()
    finally:
        _stop_children()
    if code != 0:
        raise SystemExit(f"bench/measure.py on {backend} failed with exit status {code}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["elapsed_s"] = time.monotonic() - started
    return result


def counter(workdir: Path) -> dict[str, Any]:
    """Run `bench/counter/run.py` in its own session (it starts and stops its own PostgreSQL)."""
    out = workdir / "counter.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SHEBAO_SQLITE_PATH")}
    proc = subprocess.Popen(
        [sys.executable, str(COUNTER), "--json", str(out)],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,  # its report is printed below, from the JSON
    )
    _children.append(proc)
    try:
        code = proc.wait()
    finally:
        _stop_children()
    if code != 0:
        raise SystemExit(f"bench/counter/run.py failed with exit status {code}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=100, help="requests per page and concurrency")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--only", choices=("catalogue", "counter"), help="run one benchmark only")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")

    # Stop the children on Ctrl-C (they run in their own sessions, so the terminal does not reach
    # them) and on SIGTERM; `finally` covers errors.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="shebao-bench-"))
    started = time.monotonic()
    results: dict[str, Any] = {"machine": machine(), "requests": args.requests, "backends": {}}
    try:
        if args.only != "counter":
            for backend in backends:
                print(f"== {backend}", file=sys.stderr, flush=True)
                results["backends"][backend] = measure(backend, args.requests, workdir)
        if args.only != "catalogue":
            print("== counter (durable PostgreSQL)", file=sys.stderr, flush=True)
            results["counter"] = counter(workdir)
    finally:
        _stop_children()
        shutil.rmtree(workdir, ignore_errors=True)
    results["elapsed_s"] = time.monotonic() - started
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if results["backends"]:
        print(report.text(results))
        print()
        print(report.markdown(results))
    if "counter" in results:
        from bench.counter.run import report as counter_report

        print()
        print(counter_report(results["counter"]))


if __name__ == "__main__":
    main()
