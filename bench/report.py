"""The figures of `bench/run.py` as aligned text tables and as Markdown (same rows, same numbers)."""

from __future__ import annotations

import re
from typing import Any

PAGE_LABELS = {
    "floor": "floor: Django + SELECT 1",
    "browse": "GET / (browse, 108 items)",
    "search": "GET /?q=生育 (search)",
    "guide": "GET /items/SB-DY-018/ (guide)",
    "api_list": "GET /api/v1/catalogue/items/?limit=50",
}
SERVICE_LABELS = {
    "rules.edition_violations": "rules.edition_violations (108 items)",
    "services.edition_create_draft": "edition_create_draft (copies 108 items)",
    "services.edition_publish": "edition_publish",
    "xlsx.edition_export_xlsx": "edition_export_xlsx (whole edition)",
    "xlsx.edition_import_xlsx": "edition_import_xlsx (108 items into a draft)",
    "pdf.render_guide_pdf": "render_guide_pdf (SB-DY-018)",
}
Table = tuple[str, list[str], list[list[str]]]


def _f(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _http(results: dict[str, Any]) -> Table:
    backends = results["backends"]
    header = ["page", "clients"]
    for name in backends:
        header += [f"{name} req/s", f"{name} p50 ms", f"{name} p95 ms", f"{name} × floor"]
    floors = {
        (b, r["concurrency"]): r["rps"]
        for b, data in backends.items()
        for r in data["http"]
        if r["name"] == "floor"
    }
    keyed = {(b, r["name"], r["concurrency"]): r for b, data in backends.items() for r in data["http"]}
    pages = list(dict.fromkeys(r["name"] for data in backends.values() for r in data["http"]))
    levels = sorted({r["concurrency"] for data in backends.values() for r in data["http"]})
    rows = []
    for page in pages:
        for c in levels:
            row = [PAGE_LABELS.get(page, page), str(c)]
            for b in backends:
                r = keyed.get((b, page, c))
                if r is None:
                    row += ["-"] * 4
                    continue
                ratio = floors[(b, c)] / r["rps"]
                row += [_f(r["rps"]), _f(r["p50_ms"]), _f(r["p95_ms"]), f"{ratio:.1f}×"]
            rows.append(row)
    title = (
        f"HTTP through gunicorn (2 sync workers, loopback, {results['requests']} requests per row; "
        "'× floor' = floor req/s ÷ page req/s: how many floor requests one page costs)"
    )
    return title, header, rows


def _queries(results: dict[str, Any]) -> Table:
    backends = results["backends"]
    header = ["page"]
    for name in backends:
        header += [f"{name} queries", f"{name} SQL ms", f"{name} request ms"]
    pages = list(next(iter(backends.values()))["queries"])
    rows = []
    for page in pages:
        row = [PAGE_LABELS.get(page, page)]
        for b in backends:
            q = backends[b]["queries"][page]
            row += [str(q["queries"]), _f(q["sql_ms"], 2), _f(q["request_ms"])]
        rows.append(row)
    return "Queries per request (in-process test client, warm, one request)", header, rows


def _services(results: dict[str, Any]) -> Table:
    backends = results["backends"]
    header = ["operation", "queries", *[f"{b} median ms" for b in backends]]
    rows = []
    for key, label in SERVICE_LABELS.items():
        queries = "/".join(
            dict.fromkeys(str(backends[b]["services"][key].get("queries", "-")) for b in backends)
        )
        rows.append([label, queries, *[_f(backends[b]["services"][key]["median_ms"]) for b in backends]])
    rows.append(
        [
            "render_guide_pdf, first call (loads WeasyPrint, fonts)",
            "",
            *[_f(backends[b]["services"]["pdf.render_guide_pdf"]["first_ms"]) for b in backends],
        ]
    )
    return "Catalogue services in-process (median of 5)", header, rows


def _profile(results: dict[str, Any], page: str) -> Table:
    backends = results["backends"]
    header = ["part of the request", *[f"{b} ms" for b in backends]]
    first = next(iter(backends.values()))["profile"][page]
    rows = [
        [
            "whole request (under cProfile)",
            *[_f(d["profile"][page]["wall_ms_per_request"]) for d in backends.values()],
        ]
    ]
    for bucket in first["buckets_ms"]:
        rows.append([bucket, *[_f(d["profile"][page]["buckets_ms"][bucket]) for d in backends.values()]])
    title = f"Where the time goes: cProfile of {first['rounds']} warm requests of {first['path']} (ms per request, buckets overlap)"
    return title, header, rows


def _top(results: dict[str, Any], page: str, backend: str, n: int = 10) -> Table:
    prof = results["backends"][backend]["profile"][page]
    header = ["function", "calls/request", "own ms", "cumulative ms"]
    rows = [
        [r["function"], _f(r["calls_per_request"], 0), _f(r["tottime_ms"]), _f(r["cumtime_ms"])]
        for r in prof["top_tottime"][:n]
    ]
    return (
        f"Top functions by own time, {prof['path']} on {backend} (per request, under cProfile)",
        header,
        rows,
    )


def _machine(results: dict[str, Any]) -> Table:
    m = results["machine"]
    rows = [
        ["CPU", f"{m['cpu']} ({m['nproc']} CPUs, nproc)"],
        ["RAM", f"{m['ram_gib']} GiB"],
        [
            "software",
            f"Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, Linux {m['kernel']}",
        ],
    ]
    for name, data in results["backends"].items():
        rows.append(
            [
                name,
                f"{data['setup']['server_version']}; load average {data['loadavg_start'][0]:.2f} at start, "
                f"{data['loadavg_end'][0]:.2f} at end; {data['elapsed_s']:.0f} s",
            ]
        )
    rows.append(["whole run", f"{results['elapsed_s']:.0f} s"])
    return "Machine", ["", ""], rows


def tables(results: dict[str, Any]) -> list[Table]:
    found = [
        _machine(results),
        _http(results),
        _queries(results),
        _services(results),
        _profile(results, "browse"),
    ]
    first = next(iter(results["backends"]))
    found.append(_top(results, "browse", first))
    found.append(_profile(results, "guide"))
    return found


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def _numeric(text: str) -> bool:
    return re.fullmatch(r"[\d,./×-]+", text) is not None


def text(results: dict[str, Any]) -> str:
    out: list[str] = []
    for title, header, rows in tables(results):
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        out += [title, "=" * min(_width(title), 100)]
        out.append(
            "  ".join(_pad(h, w, i > 0) for i, (h, w) in enumerate(zip(header, widths, strict=True))).rstrip()
        )
        out.append("  ".join("-" * w for w in widths))
        for row in rows:
            cells = [
                _pad(c, w, i > 0 and _numeric(c)) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            out.append("  ".join(cells).rstrip())
        out.append("")
    return "\n".join(out)


def markdown(results: dict[str, Any]) -> str:
    out: list[str] = []
    for title, header, rows in tables(results):
        out += [f"### {title}", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("| " + " | ".join("---:" if i > 0 else "---" for i in range(len(header))) + " |")
        for row in rows:
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
        out.append("")
    return "\n".join(out)
