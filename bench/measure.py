"""Measure one database: `python bench/measure.py --out FILE.json` (called by `bench/run.py`).

The database is the one the environment names (`DATABASE_URL` for PostgreSQL, else the SQLite file
`SHEBAO_SQLITE_PATH`); it must be empty and throwaway. Steps: migrate, `demo_seed` (the published
108-item demo catalogue, bindings, staff), HTTP load through gunicorn, query counts and a profile of
the public pages in-process, then timings of the catalogue services. Writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ["DJANGO_SETTINGS_MODULE"] = "shebao.settings"
os.environ["SHEBAO_DEBUG"] = "0"
os.environ.setdefault("SHEBAO_SECRET_KEY", "bench-only-" + "x" * 50)  # throwaway databases
os.environ["SHEBAO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"

import django  # noqa: E402

from bench import http_load  # noqa: E402

ITEM_CODE = "SB-DY-018"
PAGES = {
    "browse": "/",
    "search": "/?q=" + quote("生育"),
    "guide": f"/items/{ITEM_CODE}/",
    "api_list": "/api/v1/catalogue/items/?limit=50",
}
FLOOR = "/floor/"
CONCURRENCY = (1, 4)
REPEATS = 5


class QueryCounter:
    """Counts and times every query on the default connection (an execute wrapper; no 9000 cap)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


@contextmanager
def counting() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def _log(message: str) -> None:
    print(f"  [{os.environ.get('BENCH_BACKEND', '?')}] {message}", file=sys.stderr, flush=True)


def _median_of(n: int, fn: Callable[[int], Any]) -> dict[str, Any]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    return {"median_ms": statistics.median(times) * 1000, "runs_ms": [t * 1000 for t in times]}


def setup_database() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    call_command("demo_seed", stdout=io.StringIO())
    seeded = time.perf_counter()
    from shebao.catalogue import selectors

    edition = selectors.published_edition()
    assert edition is not None, "demo_seed published no edition"
    items = edition.items.count()
    assert items == 108, f"expected 108 demo items, found {items}"
    info = {
        "vendor": connection.vendor,
        "server_version": _server_version(),
        "migrate_s": migrated - started,
        "demo_seed_s": seeded - migrated,
        "items": items,
    }
    connection.close()
    return info


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return "SQLite " + cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0]


def http_benchmarks(requests: int, workdir: Path) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    log = workdir / "gunicorn.log"
    runs = [("bench.settings_floor", {"floor": FLOOR}), ("shebao.settings", PAGES)]
    for settings_module, pages in runs:
        probe = next(iter(pages.values()))
        with http_load.gunicorn_server(settings_module=settings_module, probe=probe, log_path=log) as port:
            for name, path in pages.items():
                for concurrency in CONCURRENCY:
                    result = http_load.run_load(
                        port=port, path=path, concurrency=concurrency, requests=requests
                    )
                    _log(f"HTTP {name} c={concurrency}: {result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms")
                    results.append({"name": name, **result.as_dict()})
    return results


def query_counts() -> dict[str, dict[str, Any]]:
    """Queries per request of each page, in-process with the test client (second, warm request)."""
    from django.test import Client

    client = Client()
    counts: dict[str, dict[str, Any]] = {}
    for name, path in PAGES.items():
        client.get(path)
        with counting() as q:
            started = time.perf_counter()
            response = client.get(path)
            total = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = {
            "path": path,
            "queries": q.count,
            "sql_ms": q.seconds * 1000,
            "request_ms": total * 1000,
        }
    return counts


def _pick(stats: pstats.Stats, file_end: str, func: str) -> float:
    """Cumulative seconds of one function in a profile (0 if it never ran)."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in raw.items():
        if name == func and filename.endswith(file_end):
            total += ct
    return total


def profile_page(path: str, rounds: int = 20) -> dict[str, Any]:
    """cProfile `rounds` warm requests of one page through the test client; where the time goes."""
    from django.test import Client

    client = Client()
    client.get(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(rounds):
        client.get(path)
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    per = 1000 / rounds
    buckets = {
        "template rendering (incl. queries run from templates)": _pick(
            stats, "django/template/backends/django.py", "render"
        ),
        "SQL execution (driver)": _pick(stats, "django/db/backends/utils.py", "_execute"),
        "SQL compilation (ORM)": _pick(stats, "django/db/models/sql/compiler.py", "as_sql"),
        "model instances from rows": _pick(stats, "django/db/models/base.py", "from_db"),
        "prefetch_related": _pick(stats, "django/db/models/query.py", "prefetch_related_objects"),
        "translation (gettext)": _pick(stats, "django/utils/translation/trans_real.py", "gettext"),
    }
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:15]
    top_rows = []
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in top:
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        top_rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls_per_request": nc / rounds,
                "tottime_ms": tt * per,
                "cumtime_ms": ct * per,
            }
        )
    return {
        "path": path,
        "rounds": rounds,
        "wall_ms_per_request": wall * per,
        "buckets_ms": {k: v * per for k, v in buckets.items()},
        "top_tottime": top_rows,
    }


def service_timings() -> dict[str, dict[str, Any]]:
    """Median of 5 of each catalogue service on the 108-item edition.

    Each round opens a draft (copying the published edition), exports the published edition,
    imports that file into the draft and publishes the draft: each round commits, and the next
    round starts from the edition just published, so every round does the same work.
    """
    from django.utils import translation

    from shebao.catalogue import rules, selectors, services, xlsx
    from shebao.catalogue.pdf import render_guide_pdf

    translation.activate("zh-hans")
    timings: dict[str, dict[str, Any]] = {}

    def violations(_i: int) -> None:
        edition = selectors.published_edition()
        assert edition is not None
        found = rules.edition_violations(edition)
        assert not found, found[:3]

    timings["rules.edition_violations"] = _median_of(REPEATS, violations)
    with counting() as q:
        violations(0)
    timings["rules.edition_violations"]["queries"] = q.count

    phases: dict[str, list[float]] = {"create_draft": [], "export_xlsx": [], "import_xlsx": [], "publish": []}
    sizes: dict[str, int] = {}
    for i in range(REPEATS):
        published = selectors.published_edition()
        assert published is not None
        with counting() as q0:
            t0 = time.perf_counter()
            draft = services.edition_create_draft(by=None, title=f"Benchmark edition {i + 1}")
            t1 = time.perf_counter()
        with counting() as q1:
            content = xlsx.edition_export_xlsx(edition=published)
            t2 = time.perf_counter()
        with counting() as q2:
            result = xlsx.edition_import_xlsx(edition=draft, file=content, by=None)
            t3 = time.perf_counter()
        with counting() as q3:
            services.edition_publish(edition=draft, by=None)
            t4 = time.perf_counter()
        queries = {
            "create_draft": q0.count,
            "export_xlsx": q1.count,
            "import_xlsx": q2.count,
            "publish": q3.count,
        }
        phases["create_draft"].append(t1 - t0)
        phases["export_xlsx"].append(t2 - t1)
        phases["import_xlsx"].append(t3 - t2)
        phases["publish"].append(t4 - t3)
        sizes = {
            "draft_items": draft.items.count(),
            "xlsx_bytes": len(content),
            "imported": result.created + result.updated,
        }
        assert sizes["draft_items"] == 108 and sizes["imported"] == 108, sizes
    for name, key in (
        ("services.edition_create_draft", "create_draft"),
        ("services.edition_publish", "publish"),
        ("xlsx.edition_export_xlsx", "export_xlsx"),
        ("xlsx.edition_import_xlsx", "import_xlsx"),
    ):
        runs = phases[key]
        timings[name] = {
            "median_ms": statistics.median(runs) * 1000,
            "runs_ms": [t * 1000 for t in runs],
            "queries": queries[key],
        }
    timings["xlsx.edition_export_xlsx"]["bytes"] = sizes["xlsx_bytes"]

    published = selectors.published_edition()
    assert published is not None
    item = selectors.item_get(edition=published, code=ITEM_CODE)
    started = time.perf_counter()
    pdf = render_guide_pdf(item=item, binding=None)
    first = time.perf_counter() - started

    def guide_pdf(_i: int) -> None:
        render_guide_pdf(item=item, binding=None)

    with counting() as q:
        guide_pdf(0)
    timings["pdf.render_guide_pdf"] = {
        "queries": q.count,
        **_median_of(REPEATS, guide_pdf),
        "first_ms": first * 1000,
        "bytes": len(pdf),
    }
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--workdir", type=Path, help="for the gunicorn log (default: a new temp folder)")
    args = parser.parse_args()

    # A SIGTERM from run.py must still run the `finally` blocks that stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    django.setup()
    from django.db import connection

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="shebao-bench-"))
    results: dict[str, Any] = {"loadavg_start": os.getloadavg()}
    _log("migrate + demo_seed")
    results["setup"] = setup_database()
    os.environ["BENCH_BACKEND"] = results["setup"]["vendor"]
    _log(f"{results['setup']['server_version']}: HTTP load, {args.requests} requests per case")
    results["http"] = http_benchmarks(args.requests, workdir)
    _log("query counts and profile")
    results["queries"] = query_counts()
    results["profile"] = {"browse": profile_page(PAGES["browse"]), "guide": profile_page(PAGES["guide"])}
    _log("catalogue services")
    results["services"] = service_timings()
    connection.close()
    results["loadavg_end"] = os.getloadavg()
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
