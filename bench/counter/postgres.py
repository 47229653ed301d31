"""A throwaway PostgreSQL 15 server with durable settings (fsync and synchronous_commit on).

Like `scripts/with_postgres.sh` (temp folder, free loopback port, run as `postgres` when root, always
stopped) but without `fsync=off`/`synchronous_commit=off`/`full_page_writes=off`: the counter
benchmark compares with pgbench's durable transaction rate on the same server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.http_load import HOST, free_port

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


@dataclass
class Server:
    port: int
    folder: Path
    as_user: list[str]

    def url(self, database: str) -> str:
        return f"postgres://shebao@{HOST}:{self.port}/{database}"

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used so far: the postmaster's live children (the
        backends, the WAL writer, the checkpointer…) plus what its exited children used."""
        tick = os.sysconf("SC_CLK_TCK")
        postmaster = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])

        def fields(pid: int) -> list[str]:
            text = Path(f"/proc/{pid}/stat").read_text()
            return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "

        total = 0.0
        own = fields(postmaster)
        total += sum(int(v) for v in own[11:15]) / tick  # utime, stime, cutime, cstime
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                f = fields(int(entry.name))
            except (OSError, ValueError):
                continue  # gone meanwhile
            if int(f[1]) == postmaster:  # ppid
                total += (int(f[11]) + int(f[12])) / tick
        return total

    def run(self, tool: str, *args: str, capture: bool = False) -> str:
        """Run a PostgreSQL client tool (createdb, pgbench, …) against this server."""
        cmd = [*self.as_user, str(PGBIN / tool), "-h", HOST, "-p", str(self.port), "-U", "shebao", *args]
        done = subprocess.run(cmd, check=True, capture_output=capture, text=True, cwd=self.folder)
        return done.stdout if capture else ""


@contextmanager
def durable_postgres() -> Iterator[Server]:
    folder = Path(tempfile.mkdtemp(prefix="shebao-counter-pg."))
    as_user: list[str] = []
    if os.getuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = free_port()
    pg_ctl = [*as_user, str(PGBIN / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [*as_user, str(PGBIN / "initdb"), "-D", str(data), "-U", "shebao", "--auth=trust", "-E", "UTF8"]
            + ["--locale=C.UTF-8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {folder} -c listen_addresses={HOST} -c max_connections=100"
        subprocess.run(
            [*pg_ctl, "-l", str(folder / "log"), "-w", "-o", options, "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield Server(port=port, folder=folder, as_user=as_user)
    finally:
        subprocess.run(
            [*pg_ctl, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        shutil.rmtree(folder, ignore_errors=True)
