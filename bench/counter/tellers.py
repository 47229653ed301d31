"""Simulated tellers over HTTP: http.client, one thread and one keep-alive connection per teller.

Each teller signs in (login form, session cookie, CSRF token), then loops until the deadline:
call next at the window console → identify an applicant at the desk by ID number → accept the
general item with a changed phone number. Every request must answer as the page does when it
works (302 to the console, 200 with the applicant's hidden `person` field, 302 to the new case's
receipt); anything else fails the run.
"""

from __future__ import annotations

import http.client
import itertools
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bench.http_load import HOST

PHONES = itertools.count(1)  # a new phone number for every accept of the run (a change must change)
KINDS = ("call_next", "identify", "accept")
PERSON = re.compile(rb'name="person" value="(\d+)"')
BUSY = "同时受理的办件过多".encode()  # "Too many cases at once; try again." (zh-Hans pages)
BUSY_RETRIES = 10
RECEIPT = re.compile(r"/cases/([^/]+)/receipt/$")


class TellerError(RuntimeError):
    pass


@dataclass
class Teller:
    port: int
    username: str
    password: str
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None
    busy: int = 0  # accepts refused as busy and sent again

    def _request(
        self, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": HOST}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def login(self) -> None:
        status, _h, _body = self._request("GET", "/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise TellerError(f"{self.username}: GET /login/ answered {status}")
        form = {"username": self.username, "password": self.password}
        status, _h, _b = self._request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise TellerError(f"{self.username}: login answered {status}")

    def call_next(self) -> None:
        status, headers, _b = self._request("POST", "/counter/window/next/", {})
        if status != 302 or not headers.get("location", "").endswith("/counter/window/"):
            raise TellerError(f"{self.username}: call next answered {status} {headers.get('location')}")

    def identify(self, id_number: str) -> str:
        status, _h, body = self._request("POST", "/cases/desk/", {"action": "identify", "q": id_number})
        match = PERSON.search(body)
        if status != 200 or match is None:
            raise TellerError(f"{self.username}: identify {id_number} answered {status} without the person")
        return match.group(1).decode()

    def accept(self, *, person: str, item: str, received: list[int], phone: str) -> str:
        form = {
            "action": "accept",
            "person": person,
            "item": item,
            "received": [str(m) for m in received],
            "d-phone": phone,
            "delivery": "pickup",
        }
        for _attempt in range(BUSY_RETRIES + 1):
            status, headers, body = self._request("POST", "/cases/desk/", form)
            if BUSY not in body:
                break
            # The platform's "too many cases at once; try again" (the case number is taken by a
            # concurrent accept 20 times over): the teller presses Accept again.
            self.busy += 1
        match = RECEIPT.search(headers.get("location", ""))
        if status != 302 or match is None:
            why = re.findall(rb'role="alert">(.*?)</div>|<ul class="errorlist[^>]*>(.*?)</ul>', body, re.S)
            raise TellerError(f"{self.username}: accept answered {status}: {why!r}"[:2000])
        return match.group(1)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run(
    *,
    port: int,
    tellers: list[tuple[str, str]],
    persons: list[str],
    item: str,
    received: list[int],
    seconds: float,
    identify_only: bool = False,
) -> dict[str, Any]:
    """Sign every teller in (untimed), then run them together for `seconds`; latencies per request."""
    sessions = [Teller(port=port, username=u, password=p) for u, p in tellers]
    for teller in sessions:
        teller.login()
    latencies: dict[str, list[float]] = {k: [] for k in KINDS}
    cases: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def loop(index: int, teller: Teller) -> None:
        mine: dict[str, list[float]] = {k: [] for k in KINDS}
        done: list[str] = []
        start_gate.wait()
        n = 0
        try:
            while time.perf_counter() < deadline[0]:
                id_number = persons[(index * 7919 + n) % len(persons)]
                n += 1
                if identify_only:  # the read alone, back to back (no writes in between)
                    t1 = time.perf_counter()
                    teller.identify(id_number)
                    mine["identify"].append(time.perf_counter() - t1)
                    continue
                t0 = time.perf_counter()
                teller.call_next()
                t1 = time.perf_counter()
                person = teller.identify(id_number)
                t2 = time.perf_counter()
                number = teller.accept(
                    person=person, item=item, received=received, phone=f"139{next(PHONES):08d}"
                )
                t3 = time.perf_counter()
                mine["call_next"].append(t1 - t0)
                mine["identify"].append(t2 - t1)
                mine["accept"].append(t3 - t2)
                done.append(number)
        except Exception as exc:  # noqa: BLE001 - reported below, fails the run
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        with lock:
            for k in KINDS:
                latencies[k].extend(mine[k])
            cases.extend(done)

    threads = [threading.Thread(target=loop, args=(i, t)) for i, t in enumerate(sessions)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    for teller in sessions:
        teller.close()
    if errors:
        raise TellerError(f"{len(errors)} tellers failed; first: {errors[0]}")
    result: dict[str, Any] = {"clients": len(sessions), "seconds": wall, "cases": cases}
    for k in KINDS:
        values = sorted(latencies[k])
        if not values:
            continue
        result[k] = {
            "requests": len(values),
            "rps": len(values) / wall,
            "p50_ms": statistics.median(values) * 1000,
            "p95_ms": percentile(values, 0.95) * 1000,
        }
    result["cases_per_s"] = len(cases) / wall
    result["busy_retries"] = sum(t.busy for t in sessions)
    return result
