"""Counter benchmark: simulated tellers on the general-item path, against pgbench and the Django floor.

    .venv/bin/python bench/counter/run.py [--seconds 12] [--pgbench-seconds 15] [--json FILE]

One throwaway PostgreSQL 15 server with durable settings (fsync and synchronous_commit on; see
`postgres.py`), always stopped. Steps: migrate + `demo_seed --persons 300 --employers 20`; one
extra general teller per concurrent client, each signed in to their own general window of
青河县's hall, and a queue of waiting tickets; gunicorn (2 workers × 4 threads, `gthread`,
`SHEBAO_DEBUG=0`, `SHEBAO_CONN_MAX_AGE=60`) and 1, 4, 8 simulated tellers (`tellers.py`) running
call next → identify → accept SB-CJ-011 (change of phone, a general item that completes at once),
then the identify request alone (the read, back to back);
`pgbench` TPC-B (scale 8, its own database) at the same client counts; the Django floor
(`bench/settings_floor.py`) served the same way; then queries per request and a cProfile of the
accept and identify requests in-process. What the figures mean: `docs/benchmarks.md`, "Counter".
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "shebao.settings",
        "SHEBAO_DEBUG": "0",
        "SHEBAO_SECRET_KEY": "bench-only-" + "x" * 50,  # throwaway server and database
        "SHEBAO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SHEBAO_CONN_MAX_AGE": "60",
    }
)
os.environ.pop("SHEBAO_SQLITE_PATH", None)

from bench import http_load  # noqa: E402
from bench.counter import tellers  # noqa: E402
from bench.counter.postgres import durable_postgres  # noqa: E402

CLIENTS = (1, 4, 8)
ITEM = "SB-CJ-011"  # 参保人员非关键信息变更: general, effect registry.person_change
OUTLET = "qinghe-hall"
COUNTY = "990121"  # 青河县, the demo tellers' county
PASSWORD = "Bench@2026-counter"  # noqa: S105 - throwaway database
WORKERS, THREADS = 2, 4


def _log(message: str) -> None:
    print(f"  [counter] {message}", file=sys.stderr, flush=True)


# --- the database ------------------------------------------------------------------------------


def prepare(max_clients: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from shebao.catalogue.models import BusinessClass, Zone
    from shebao.catalogue.selectors import published_edition
    from shebao.core.models import Post
    from shebao.core.permissions import PostCode
    from shebao.counter import services
    from shebao.counter.models import Outlet, WindowKind
    from shebao.registry.models import Person

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    call_command("demo_seed", persons=300, employers=20, stdout=io.StringIO())
    seeded = time.perf_counter()
    edition = published_edition()
    assert edition is not None
    item = edition.items.get(code=ITEM)
    assert item.business_class == BusinessClass.GENERAL and item.effect_code == "registry.person_change"
    received = list(range(item.materials.count()))  # the desk ticks materials by position
    outlet = Outlet.objects.get(code=OUTLET)
    User = get_user_model()
    office = User.objects.get(username="teller").office
    post = Post.objects.filter(code=PostCode.GENERAL_TELLER)
    zones = [str(z) for z in (Zone.ENROLMENT, Zone.MEDICAL, Zone.PENSION)]
    accounts = []
    for i in range(1, max_clients + 1):
        user = User.objects.create_user(
            username=f"bench{i}", password=PASSWORD, full_name=f"Bench teller {i}", office=office
        )
        user.posts.set(post)
        window = services.window_save(
            by=None, outlet=outlet, number=f"B{i}", kind=WindowKind.GENERAL, zones=zones
        )
        services.qualification_grant(by=None, teller=user, zone=str(Zone.ENROLMENT))
        services.window_sign_in(teller=user, window=window)
        accounts.append((user.username, PASSWORD))
    persons = list(
        Person.objects.filter(region__code__startswith=COUNTY, status="active")
        .order_by("pk")
        .values_list("id_number", flat=True)
    )
    assert len(persons) >= 20, f"only {len(persons)} active persons in {COUNTY}"
    person_ids = list(
        Person.objects.filter(region__code__startswith=COUNTY, status="active")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    bench1 = User.objects.get(username="bench1")
    window1 = outlet.windows.get(number="B1")
    bound_vars = {
        "item": item.pk,
        "outlet": outlet.pk,
        "window": window1.pk,
        "region": outlet.region_id,
        "teller": bench1.pk,
        "pmin": person_ids[0],
        "pmax": person_ids[-1],
    }
    info = {
        "server_version": connection.cursor().connection.info.server_version,
        "migrate_s": migrated - started,
        "demo_seed_s": seeded - migrated,
        "persons": len(persons),
        "item": ITEM,
        "materials": len(received),
    }
    connection.close()
    return {
        "info": info,
        "accounts": accounts,
        "persons": persons,
        "received": received,
        "zones": zones,
        "bound_vars": bound_vars,
    }


def top_up(zones: list[str], waiting: int) -> int:
    """Issue tickets until at least `waiting` wait at the outlet (≤ 999 per zone and day); return it."""
    from django.db import connection, transaction
    from django.utils import timezone

    from shebao.counter import services
    from shebao.counter.models import Outlet, QueueTicket

    outlet = Outlet.objects.get(code=OUTLET)
    today = timezone.localdate()
    with transaction.atomic():
        for zone in zones:
            have = QueueTicket.objects.filter(outlet=outlet, day=today, zone=zone).count()
            queued = QueueTicket.objects.filter(outlet=outlet, day=today, status="waiting").count()
            for _ in range(min(999 - have, max(0, waiting - queued))):
                services.ticket_issue(outlet=outlet, zone=zone)
    count = QueueTicket.objects.filter(outlet=outlet, day=today, status="waiting").count()
    connection.close()
    return count


def waiting_count() -> int:
    from django.db import connection
    from django.utils import timezone

    from shebao.counter.models import QueueTicket

    n = QueueTicket.objects.filter(outlet__code=OUTLET, day=timezone.localdate(), status="waiting").count()
    connection.close()
    return n


def completed(numbers: list[str]) -> int:
    from django.db import connection

    from shebao.cases.models import Case

    n = Case.objects.filter(number__in=numbers, status="completed").count()
    connection.close()
    return n


# --- servers and load --------------------------------------------------------------------------


@contextmanager
def gunicorn(settings_module: str, probe: str, log_path: Path) -> Iterator[int]:
    """Like `http_load.gunicorn_server`, with threads (keep-alive, persistent DB connections)."""
    port = http_load.free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", str(THREADS)]
    cmd += ["--bind", f"{http_load.HOST}:{port}", "--chdir", str(ROOT), "--pythonpath", str(ROOT)]
    cmd += ["--keep-alive", "30", "--log-level", "warning", "shebao.wsgi:application"]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    http_load._running[proc.pid] = proc
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
            try:
                status, _b = http_load._get(port, probe, timeout=5)
                if status != 200:
                    raise RuntimeError(f"gunicorn answered {status} to {probe}; see {log_path}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}") from None
                time.sleep(0.2)
        yield port
    finally:
        http_load._stop(proc)


def floor_load(port: int, clients: int, seconds: float) -> dict[str, Any]:
    """GET /floor/ from `clients` threads on keep-alive connections (as the tellers) for `seconds`."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(http_load.HOST, port, timeout=30)
        mine = []
        try:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                conn.request("GET", "/floor/", headers={"Host": http_load.HOST})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"floor answered {response.status}")
                mine.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(repr(exc))
        finally:
            conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"floor: {errors[0]}")
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": tellers.percentile(latencies, 0.95) * 1000,
    }


def pgbench(server: Any, seconds: int) -> list[dict[str, Any]]:
    server.run("createdb", "pgbench")
    server.run("pgbench", "-i", "-s", "8", "-q", "pgbench", capture=True)
    rows = []
    for clients in CLIENTS:
        out = server.run(
            "pgbench",
            "-c",
            str(clients),
            "-j",
            str(min(2, clients)),
            "-T",
            str(seconds),
            "pgbench",
            capture=True,
        )
        tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))  # type: ignore[union-attr]
        latency = re.search(r"latency average = ([\d.]+) ms", out)
        rows.append(
            {"clients": clients, "tps": tps, "latency_avg_ms": float(latency.group(1)) if latency else None}
        )
        _log(f"pgbench c={clients}: {tps:.0f} tps")
    return rows


# The rows one accepted general case writes, as plain SQL: its number (on its own, autocommit, as
# `cases/numbering.py` does), then in one transaction the case, its acceptance action, its audit event
# and the effect's row (the person's new phone). The database's own rate for this work is the bound
# the counter's complete cases are measured against.
ACCEPT_BOUND_SQL = """\\set pid random(:pmin, :pmax)
INSERT INTO cases_numbercounter (prefix, "last") VALUES ('PGB', 1) ON CONFLICT (prefix) DO UPDATE SET "last" = cases_numbercounter."last" + 1 RETURNING "last" AS n \\gset
BEGIN;
INSERT INTO cases_case (number, item_id, item_code, person_id, channel, outlet_id, window_id, region_id, accepted_by_id, accepted_at, status, step_index, data, materials, delivery, deadline, deadline_provisional, extension_days, overdue, completed_at, result, effect_result, status_before_suspension, version, waiting_posts) VALUES ('PGB' || :n, :item, 'SB-CJ-011', :pid, 'counter', :outlet, :window, :region, :teller, now(), 'completed', 0, '{"phone": "13800000000"}', '[{"name_zh": "居民身份证"}]', 'pickup', current_date, false, 0, false, now(), '参保人员信息变更', '{}', '', 1, '') RETURNING id AS case_id \\gset
INSERT INTO cases_caseaction (case_id, kind, step_index, by_id, post_code, at, comment) VALUES (:case_id, 'accept', 0, :teller, 'general_teller', now(), '');
INSERT INTO audit_auditevent (created_at, actor_id, actor_label, action, subject_type, subject_id, region_code, payload, prev_hash) VALUES (now(), :teller, 'bench1', 'cases.accept', 'cases.case', :case_id, '990121', '{"new": {"item_code": "SB-CJ-011"}}', '');
UPDATE registry_person SET phone = '139' || lpad((:n % 100000000)::text, 8, '0'), updated_at = now() WHERE id = :pid;
END;
"""


def accept_bound(server: Any, variables: dict[str, Any], seconds: int) -> list[dict[str, Any]]:
    """pgbench running `ACCEPT_BOUND_SQL` on the counter's own database (after the teller load)."""
    script = server.folder / "accept_bound.sql"
    script.write_text(ACCEPT_BOUND_SQL, encoding="utf-8")
    if server.as_user:
        shutil.chown(script, "postgres")
    defines = [arg for k, v in variables.items() for arg in ("-D", f"{k}={v}")]
    rows = []
    for clients in CLIENTS:
        out = server.run(
            "pgbench", "-n", "-f", str(script), *defines, "-c", str(clients), "-j", str(min(2, clients)),
            "-T", str(seconds), "shebao", capture=True,
        )  # fmt: skip
        tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))  # type: ignore[union-attr]
        failed = re.search(r"number of failed transactions: (\d+)", out)
        rows.append({"clients": clients, "tps": tps, "failed": int(failed.group(1)) if failed else 0})
        _log(f"accept bound c={clients}: {tps:.0f} tps")
    return rows


# --- in-process: queries and profile -------------------------------------------------------------


def _pick(stats: pstats.Stats, file_end: str, func: str) -> float:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    return sum(v[3] for (f, _l, n), v in raw.items() if n == func and f.endswith(file_end))


def in_process(persons: list[str], received: list[int]) -> dict[str, Any]:
    """Queries of one call next, identify and accept (test client, warm), and cProfile of 5 accepts
    and 5 identifies."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench1"))
    person_pk: dict[str, str] = {}
    counter = iter(range(10_000))

    def call_next() -> Any:
        r = client.post("/counter/window/next/")
        assert r.status_code == 302, r.status_code
        return r

    def identify() -> Any:
        id_number = persons[next(counter) % len(persons)]
        r = client.post("/cases/desk/", {"action": "identify", "q": id_number})
        match = tellers.PERSON.search(r.content)
        assert r.status_code == 200 and match, r.status_code
        person_pk["pk"] = match.group(1).decode()
        return r

    def accept() -> Any:
        data = {
            "action": "accept",
            "person": person_pk["pk"],
            "item": ITEM,
            "received": [str(m) for m in received],
            "d-phone": f"1380000{next(counter):04d}",
            "delivery": "pickup",
        }
        r = client.post("/cases/desk/", data)
        assert r.status_code == 302 and "/receipt/" in r["Location"], (r.status_code, r.content[:300])
        return r

    steps = {"call_next": call_next, "identify": identify, "accept": accept}
    for fn in steps.values():  # warm
        fn()
    queries: dict[str, Any] = {}
    for name, fn in steps.items():
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            wall = time.perf_counter() - t0
        sql = [q["sql"] for q in ctx.captured_queries]
        # The audit chain's head row is locked only by the seal that runs after the request's
        # transaction commits: from that lock to the end is the one part writers take in turn.
        head = [i for i, s in enumerate(sql) if "audit_audithead" in s and "FOR UPDATE" in s]
        queries[name] = {
            "queries": len(sql),
            "writes": sum(1 for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))),
            "locks": sum(1 for s in sql if "FOR UPDATE" in s),
            "sql_ms": sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
            "request_ms": wall * 1000,
            "audit_events": sum(1 for s in sql if s.startswith("INSERT") and "audit_auditevent" in s),
            "queries_under_audit_lock": len(sql) - head[0] if head else 0,
            "sql_ms_under_audit_lock": sum(float(q["time"]) for q in ctx.captured_queries[head[0] :]) * 1000
            if head
            else 0.0,
        }
    profiles: dict[str, Any] = {}
    rounds = 5
    for name in ("accept", "identify"):
        profiler = cProfile.Profile()
        total = 0.0
        for _ in range(rounds):
            call_next()
            if name == "accept":
                identify()
            t0 = time.perf_counter()
            profiler.enable()
            steps[name]()
            profiler.disable()
            total += time.perf_counter() - t0
            if name == "identify":
                accept()
        stats = pstats.Stats(profiler)
        per = 1000 / rounds
        buckets = {
            "case_accept (service, incl. its SQL)": _pick(
                stats, "shebao/cases/services/intake.py", "case_accept"
            ),
            "registry effect person_change": _pick(stats, "shebao/registry/effects.py", "person_change"),
            "audit_record (hash-chained audit rows)": _pick(
                stats, "shebao/audit/services.py", "audit_record"
            ),
            "SQL execution (driver, incl. waiting for PostgreSQL)": _pick(
                stats, "django/db/backends/utils.py", "_execute"
            ),
            "COMMIT (fsync wait)": _pick(stats, "django/db/backends/base/base.py", "_commit"),
            "SQL compilation (ORM)": _pick(stats, "django/db/models/sql/compiler.py", "as_sql"),
            "template rendering": _pick(stats, "django/template/backends/django.py", "render"),
            "forms (validation)": _pick(stats, "django/forms/forms.py", "full_clean"),
            "session and auth middleware": _pick(stats, "django/contrib/auth/middleware.py", "get_user"),
        }
        raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
        top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:10]
        profiles[name] = {
            "rounds": rounds,
            "wall_ms": total * per,
            "buckets_ms": {k: v * per for k, v in buckets.items()},
            "top_tottime": [
                {
                    "function": f"{f.split('site-packages/')[-1].replace(str(ROOT) + '/', '')}:{line}({fn})",
                    "calls": nc / rounds,
                    "tottime_ms": tt * per,
                    "cumtime_ms": ct * per,
                }
                for (f, line, fn), (_cc, nc, tt, ct, _callers) in top
            ],
        }
    connection.close()
    return {"queries": queries, "profile": profiles}


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=12, help="teller load per client count")
    parser.add_argument("--floor-seconds", type=float, default=5)
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="shebao-counter-"))
    os.environ["SHEBAO_VAR_DIR"] = str(workdir / "var")
    log = workdir / "gunicorn.log"
    started = time.monotonic()
    results: dict[str, Any] = {"loadavg_start": os.getloadavg(), "workers": WORKERS, "threads": THREADS}
    try:
        with durable_postgres() as server:
            os.environ["DATABASE_URL"] = server.url("shebao")
            server.run("createdb", "shebao")
            import django

            django.setup()
            _log(f"PostgreSQL on port {server.port} (durable); migrate + demo_seed + {max(CLIENTS)} tellers")
            prepared = prepare(max(CLIENTS))
            results["setup"] = prepared["info"]
            zones = prepared["zones"]
            results["pgbench"] = pgbench(server, args.pgbench_seconds)
            results["counter"] = []
            with gunicorn("shebao.settings", "/login/", log) as port:
                for clients in CLIENTS:
                    before = top_up(zones, 600)
                    cpu_before = server.cpu_seconds()
                    row = tellers.run(
                        port=port,
                        tellers=prepared["accounts"][:clients],
                        persons=prepared["persons"],
                        item=ITEM,
                        received=prepared["received"],
                        seconds=args.seconds,
                    )
                    row["pg_cpu_s"] = server.cpu_seconds() - cpu_before
                    after = waiting_count()
                    calls = row["call_next"]["requests"]
                    # Every call next must have called a ticket (the queue never ran dry).
                    assert before - after == calls, (
                        f"{before - after} tickets called for {calls} call-next requests"
                    )
                    numbers = row.pop("cases")
                    row["completed"] = completed(numbers)
                    assert row["completed"] == len(numbers), (
                        f"{row['completed']} of {len(numbers)} cases completed"
                    )
                    results["counter"].append(row)
                    _log(
                        f"tellers={clients}: {row['cases_per_s']:.1f} cases/s; accept p50 "
                        f"{row['accept']['p50_ms']:.0f} ms, identify p50 {row['identify']['p50_ms']:.0f} ms"
                    )
                results["identify_only"] = []
                for clients in CLIENTS:
                    row = tellers.run(
                        port=port,
                        tellers=prepared["accounts"][:clients],
                        persons=prepared["persons"],
                        item=ITEM,
                        received=prepared["received"],
                        seconds=args.floor_seconds,
                        identify_only=True,
                    )
                    row.pop("cases")
                    results["identify_only"].append(row)
                    _log(f"identify only, tellers={clients}: {row['identify']['rps']:.0f} req/s")
            results["accept_bound"] = accept_bound(server, prepared["bound_vars"], args.pgbench_seconds)
            results["floor"] = []
            with gunicorn("bench.settings_floor", "/floor/", log) as port:
                for clients in CLIENTS:
                    floor_load(port, clients, 1)  # warm every worker thread
                    row = floor_load(port, clients, args.floor_seconds)
                    results["floor"].append(row)
                    _log(f"floor c={clients}: {row['rps']:.0f} req/s")
            top_up(zones, 40)
            results["in_process"] = in_process(prepared["persons"], prepared["received"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["loadavg_end"] = os.getloadavg()
    results["elapsed_s"] = time.monotonic() - started
    text = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(text)


def report(r: dict[str, Any]) -> str:
    pg = {row["clients"]: row["tps"] for row in r["pgbench"]}
    floor = {row["clients"]: row for row in r["floor"]}
    lines = [
        f"Counter benchmark: PostgreSQL {r['setup']['server_version']} (durable), gunicorn {r['workers']} workers"
        f" × {r['threads']} threads; {r['elapsed_s']:.0f} s; load {r['loadavg_start'][0]:.1f} → "
        f"{r['loadavg_end'][0]:.1f}",
        "",
        "| tellers | request | req/s | p50 ms | p95 ms |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for row in r["counter"]:
        for kind in tellers.KINDS:
            k = row[kind]
            lines.append(
                f"| {row['clients']} | {kind} | {k['rps']:.1f} | {k['p50_ms']:.1f} | {k['p95_ms']:.1f} |"
            )
        lines.append(
            f"| {row['clients']} | complete cases ({row['busy_retries']} accepts refused as busy, sent again) "
            f"| {row['cases_per_s']:.1f} | | |"
        )
    lines += [
        "",
        "| clients | pgbench tps | floor req/s | floor p50 ms | floor p95 ms | identify alone req/s "
        "| identify alone p50 ms | identify alone p95 ms |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    alone = {row["clients"]: row["identify"] for row in r["identify_only"]}
    for c in CLIENTS:
        f, i = floor[c], alone[c]
        lines.append(
            f"| {c} | {pg[c]:.0f} | {f['rps']:.0f} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | {i['rps']:.1f} "
            f"| {i['p50_ms']:.1f} | {i['p95_ms']:.1f} |"
        )
    bound = {row["clients"]: row for row in r["accept_bound"]}
    lines += [
        "",
        "| clients | accept bound tps (case, action, audit event, effect row) | failed |",
        "| ---: | ---: | ---: |",
    ]
    lines += [f"| {c} | {bound[c]['tps']:.0f} | {bound[c]['failed']} |" for c in CLIENTS]
    lines += [
        "",
        "| clients | cases / pgbench TPC-B (aim ≥ 0.02 at 8) | cases / accept bound "
        "| identify alone / floor (aim ≥ 0.15 at 8) | identify in the cycle / floor "
        "| PostgreSQL CPU ms per case |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in r["counter"]:
        c = row["clients"]
        cases = row["cases_per_s"]
        n_cases = row["completed"]
        lines.append(
            f"| {c} | {cases / pg[c]:.4f} | {cases / bound[c]['tps']:.4f} | "
            f"{alone[c]['rps'] / floor[c]['rps']:.4f} | {row['identify']['rps'] / floor[c]['rps']:.4f} | "
            f"{row['pg_cpu_s'] * 1000 / max(1, n_cases):.1f} |"
        )
    lines += [
        "",
        "| request | queries | writes | FOR UPDATE | SQL ms | request ms | audit events "
        "| queries (SQL ms) of the after-commit audit seal, the only serialised part |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, q in r["in_process"]["queries"].items():
        lines.append(
            f"| {name} | {q['queries']} | {q['writes']} | {q['locks']} | {q['sql_ms']:.1f} | {q['request_ms']:.1f} | "
            f"{q['audit_events']} | {q['queries_under_audit_lock']} ({q['sql_ms_under_audit_lock']:.1f}) |"
        )
    for name, p in r["in_process"]["profile"].items():
        lines += [
            "",
            f"cProfile, {name} ({p['rounds']} requests, ms per request; wall {p['wall_ms']:.1f} ms):",
            "",
        ]
        lines += ["| part | ms |", "| --- | ---: |"]
        lines += [f"| {k} | {v:.1f} |" for k, v in p["buckets_ms"].items()]
        lines += ["", "| function | calls | own ms | cumulative ms |", "| --- | ---: | ---: | ---: |"]
        lines += [
            f"| {t['function']} | {t['calls']:.0f} | {t['tottime_ms']:.1f} | {t['cumtime_ms']:.1f} |"
            for t in p["top_tottime"]
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
