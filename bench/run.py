"""Programme benchmarks: the public pages, the read API and the exports under load.

`make bench` (or `.venv/bin/python bench/run.py`) prepares a throw-away database with the demo
edition, starts gunicorn on a free port of 127.0.0.1 with production settings, sends a fixed
number of requests (300, or as many as fit in 5 seconds) to each hot path at concurrency 1 and
8, prints a table and replaces this database's results section of docs/performance.md.
Everything it starts is stopped and removed at the end, also on Ctrl-C, SIGTERM or an error.

SQLite in a temporary directory by default; with `DATABASE_URL=postgres://…` a throw-away
database `<name>_bench` on that (loopback) server, dropped at the end.

The load generator is plain Python: one thread per concurrent client, each with its own
keep-alive `http.client` connection (gunicorn's sync workers close it after every response, so
clients reconnect as a real client would). A response that is not 2xx (or not the 304 a
conditional GET expects) counts as an error; any error makes the script exit with status 1 and
leaves docs/performance.md untouched.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import io
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zoneinfo
from collections.abc import Callable, Container, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
HOST = "127.0.0.1"  # loopback only: the server binds here and the clients connect here
LOOPBACK_DB_HOSTS = {"", "127.0.0.1", "localhost", "::1"}
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

DEFAULT_REQUESTS = 300
DEFAULT_CONCURRENCY = (1, 8)
# Each measurement stops after DEFAULT_REQUESTS or this many seconds, whichever comes first, so the
# whole run stays around two minutes on 2 cores; the table shows how many requests were sent.
DEFAULT_MAX_SECONDS = 5.0
WARMUP_REQUESTS = 8  # per path, not measured: fills the workers' caches and compiled templates
WORKERS = 2
REQUEST_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0

# Targets (docs/performance.md): p95 in milliseconds at TARGET_CONCURRENCY.
TARGET_CONCURRENCY = 8
PAGE_P95_MS = 150.0
NOT_MODIFIED_P95_MS = 20.0
CACHED_EXPORT_RPS = 500.0  # issue 7: a cached export answers over 500 requests/s


# --- the paths under test ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a path must achieve at `TARGET_CONCURRENCY`: p95 below `p95_ms`, and at least
    `min_rps` requests per second (each where set)."""

    p95_ms: float | None = None
    min_rps: float | None = None

    def met(self, result: Result) -> bool:
        fast = self.p95_ms is None or result.percentile_ms(95) < self.p95_ms
        many = self.min_rps is None or result.rps > self.min_rps
        return result.errors == 0 and fast and many

    def describe(self) -> str:
        parts = [f"p95 < {self.p95_ms:.0f} ms"] if self.p95_ms is not None else []
        parts += [f"> {self.min_rps:.0f} req/s"] if self.min_rps is not None else []
        return ", ".join(parts)

    def shortfall(self, result: Result) -> str:
        parts = [f"p95 {result.percentile_ms(95):.0f} ms"] if self.p95_ms is not None else []
        parts += [f"{result.rps:.0f} req/s"] if self.min_rps is not None else []
        return ", ".join(parts)


PAGE_TARGET = Target(p95_ms=PAGE_P95_MS)  # pages and API lists
CACHED_EXPORT_TARGET = Target(min_rps=CACHED_EXPORT_RPS)  # a full export from the cache
NOT_MODIFIED_TARGET = Target(p95_ms=NOT_MODIFIED_P95_MS, min_rps=CACHED_EXPORT_RPS)  # a 304


@dataclass(frozen=True)
class Probe:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: frozenset[int] = frozenset(range(200, 300)) | {304}
    target: Target | None = None


@dataclass
class Result:
    probe: Probe
    concurrency: int
    latencies: list[float]  # seconds, successful and failed requests alike
    errors: int
    seconds: float
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile_ms(self.latencies, p)

    def target_met(self) -> bool | None:
        """None when this row is not judged (no target, or another concurrency)."""
        if self.probe.target is None or self.concurrency != TARGET_CONCURRENCY:
            return None
        return self.probe.target.met(self)


def percentile_ms(latencies: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of latencies in seconds, in milliseconds (0 for none)."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1] * 1000


# --- load generator ----------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request of a load: what a request builder returns (a new one for every request)."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Load:
    """What `load_requests` measured."""

    latencies: list[float]  # seconds, successful and failed requests alike
    errors: int
    seconds: float
    first_error: str = ""


def _send(conn: http.client.HTTPConnection, request: Request) -> tuple[int, bytes, dict[str, str]]:
    conn.request(request.method, request.path, body=request.body, headers=request.headers)
    response = conn.getresponse()
    body = response.read()
    if response.will_close:
        conn.close()
    return response.status, body, {k.lower(): v for k, v in response.getheaders()}


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        return _send(conn, Request("GET", path, headers or {}))
    finally:
        conn.close()


def load_requests(
    port: int,
    build: Callable[[], Request],
    requests: int,
    concurrency: int,
    expect: Container[int],
    max_seconds: float | None = None,
    check: Callable[[int, bytes], str] | None = None,
) -> Load:
    """`requests` requests made by `build()` from `concurrency` threads (none started after
    `max_seconds`); every thread keeps its keep-alive connection open as long as the server
    allows and reconnects when it closes it. An answer whose status is not in `expect` is an
    error, and so is one for which `check(status, body)` returns a problem. The clock runs from
    sending a request to having read its answer (not while building it or checking it)."""
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.perf_counter() + max_seconds if max_seconds else None
    latencies: list[float] = []
    errors = [0]
    first_error: list[str] = []

    def take() -> bool:
        with lock:
            if remaining[0] <= 0 or (deadline is not None and time.perf_counter() > deadline):
                return False
            remaining[0] -= 1
            return True

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        mine: list[float] = []
        failed = 0
        try:
            while take():
                request = build()
                start = time.perf_counter()
                try:
                    status, body, _ = _send(conn, request)
                    elapsed = time.perf_counter() - start
                    ok = status in expect
                    problem = "" if ok else f"HTTP {status}: {body[:300]!r}"
                    if ok and check is not None:
                        problem = check(status, body)
                        ok = not problem
                except (OSError, http.client.HTTPException) as exc:
                    elapsed = time.perf_counter() - start
                    conn.close()
                    ok, problem = False, f"{type(exc).__name__}: {exc}"
                mine.append(elapsed)
                if not ok:
                    failed += 1
                    with lock:
                        if not first_error:
                            first_error.append(problem)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                errors[0] += failed

    threads = [threading.Thread(target=client, name=f"bench-{i}", daemon=True) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Load(latencies, errors[0], seconds, first_error[0] if first_error else "")


def load(port: int, probe: Probe, requests: int, concurrency: int, max_seconds: float | None = None) -> Result:
    """`requests` GETs of the probe's path from `concurrency` threads (none started after `max_seconds`)."""
    request = Request("GET", probe.path, probe.headers)
    run = load_requests(port, lambda: request, requests, concurrency, probe.expect, max_seconds)
    return Result(probe, concurrency, run.latencies, run.errors, run.seconds, run.first_error)


# --- the throw-away database -------------------------------------------------------------


@dataclass
class Database:
    kind: str  # "sqlite" or "postgresql"
    url: str | None  # DATABASE_URL for the app, None for SQLite under VAR_DIR
    version: str

    @property
    def title(self) -> str:
        return "PostgreSQL" if self.kind == "postgresql" else "SQLite"


def _pg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


@contextmanager
def database(var_dir: Path) -> Iterator[Database]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url or url.startswith("sqlite"):
        yield Database("sqlite", None, f"SQLite {sqlite3.sqlite_version}")
        return  # the file lives in var_dir, removed with it
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"bench: DATABASE_URL must be SQLite or PostgreSQL, not {parts.scheme}://")
    if (parts.hostname or "") not in LOOPBACK_DB_HOSTS:
        raise SystemExit(f"bench: refusing to create a database on {parts.hostname}: loopback servers only.")
    base = urllib.parse.unquote(parts.path.lstrip("/")) or "postgres"
    name = f"{base}_bench"
    bench_url = urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name)))
    from psycopg import sql

    with _pg_connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    db = Database("postgresql", bench_url, f"PostgreSQL {version.split()[0]}")
    try:
        yield db
    finally:
        with _pg_connect(url) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        print(f"bench: dropped database {name}")


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# Variables that could make the run talk to a service outside this machine (or this run): the
# cache is local memory, mail goes nowhere, Stripe stays off.
UNSET_VARIABLES = ("REDIS_URL", "EMAIL_URL", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_API_BASE")


def app_env(var_dir: Path, db: Database) -> dict[str, str]:
    """Production settings (see .env.example) with throw-away secrets, for this run only."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET_VARIABLES}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_BEHIND_PROXY": "0",  # the clients talk to gunicorn directly
            "TICKET_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),  # load_demo signs tickets
            "EMAIL_URL": "dummy://",
            "SITE_URL": f"http://{HOST}",
            "VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if db.url:
        env["DATABASE_URL"] = db.url
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"bench: manage.py {' '.join(args)} failed with status {proc.returncode}")
    print(f"bench: manage.py {' '.join(args)} ({time.perf_counter() - started:.1f} s)")


def gunicorn_command(port: int) -> list[str]:
    exe = Path(sys.executable).parent / "gunicorn"
    prefix = [str(exe)] if exe.exists() else [sys.executable, "-m", "gunicorn"]
    return [
        *prefix,
        "config.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        "1",
        "--error-logfile",
        "-",  # stderr, which server() sends to the log
        "--log-level",
        "warning",
    ]


@contextmanager
def server(env: dict[str, str], var_dir: Path) -> Iterator[int]:
    port = free_port()
    log = var_dir / "gunicorn.log"
    # A session of its own: Ctrl-C reaches this script only, which then stops gunicorn cleanly.
    # Its output (and Django's request warnings) goes to the log: a failing path would flood the
    # terminal with one traceback per request; the run prints the log's tail instead.
    with log.open("ab") as out:
        proc = subprocess.Popen(
            gunicorn_command(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited with status {proc.returncode}:\n{_tail(log)}")
            try:
                status, _, _ = fetch(port, "/api/v1/events/", {"Accept": "application/json"})
            except OSError:
                status = 0
            if status == 200:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: gunicorn did not answer within {STARTUP_TIMEOUT:.0f} s:\n{_tail(log)}")
            time.sleep(0.2)
        print(f"bench: gunicorn ({WORKERS} workers) answers on http://{HOST}:{port}/")
        yield port
    finally:
        _stop(proc)
        print("bench: gunicorn stopped")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # Kill the master and its workers: they share the process group of its own session.
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- discovery: the demo edition, a session, a day and a track ---------------------------


def _json(port: int, path: str) -> Any:
    status, body, _ = fetch(port, path, {"Accept": "application/json"})
    if status != 200:
        raise SystemExit(f"bench: GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def _results(payload: Any) -> list[dict[str, Any]]:
    return list(payload["results"] if isinstance(payload, dict) else payload)


def probes(port: int) -> list[Probe]:
    events = _results(_json(port, "/api/v1/events/"))
    if not events:
        raise SystemExit("bench: the API lists no public edition; did load_demo run?")
    event = events[0]["slug"]
    sessions = _results(_json(port, f"/api/v1/events/{event}/sessions/?page_size=200"))
    tracked = [s for s in sessions if s.get("track") and s.get("status") != "cancelled"]
    if not tracked:
        raise SystemExit(f"bench: no session with a track in {event}'s published programme")
    session = tracked[0]
    day = dt.datetime.fromisoformat(session["starts_at"]).astimezone(BERLIN).date().isoformat()
    track = session["track"]["slug"]
    session_path = urllib.parse.urlsplit(session["url"]).path

    etag = _etag(port, f"/{event}/programme/schedule.json")

    html = {"Accept": "text/html"}
    api = {"Accept": "application/json"}
    return [
        Probe("Timetable page", f"/{event}/programme/", html, target=PAGE_TARGET),
        Probe("Session page", session_path, html, target=PAGE_TARGET),
        Probe("Speaker list page", f"/{event}/speakers/", html, target=PAGE_TARGET),
        Probe("API sessions (page of 50)", f"/api/v1/events/{event}/sessions/", api, target=PAGE_TARGET),
        Probe(
            "API sessions, day + track",
            f"/api/v1/events/{event}/sessions/?{urllib.parse.urlencode({'day': day, 'track': track})}",
            api,
            target=PAGE_TARGET,
        ),
        Probe("API speakers (page of 50)", f"/api/v1/events/{event}/speakers/", api, target=PAGE_TARGET),
        *export_probes(event, etag, cold=False),
    ]


def _etag(port: int, path: str) -> str:
    status, _, headers = fetch(port, path)
    etag = headers.get("etag")
    if status != 200 or not etag:
        raise SystemExit(f"bench: GET {path} answered {status} without an ETag")
    return etag


def export_probes(event: str, etag: str, *, cold: bool) -> list[Probe]:
    """The exports and a conditional GET: warm (the version and the body from the cache), or cold
    (a server without a cache: every request finds the release and renders the export)."""
    json_path = f"/{event}/programme/schedule.json"
    suffix = ", cold" if cold else ""
    target = None if cold else CACHED_EXPORT_TARGET
    return [
        Probe(f"schedule.json{suffix}", json_path, target=target),
        Probe(f"schedule.xml{suffix}", f"/{event}/programme/schedule.xml", target=target),
        Probe(f"schedule.ics{suffix}", f"/{event}/programme/schedule.ics", target=target),
        Probe(
            f"schedule.json, If-None-Match{suffix}",
            json_path,
            {"If-None-Match": etag},
            expect=frozenset({304}),
            target=None if cold else NOT_MODIFIED_TARGET,
        ),
    ]


# --- the report --------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    import django
    import gunicorn

    try:
        load_average = f"{os.getloadavg()[0]:.2f}"
    except OSError:
        load_average = "unknown"
    return {
        "load": load_average,
        "nproc": str(nproc),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "system": f"{platform.system()} {platform.release()}",
    }


def table(results: Sequence[Result]) -> list[str]:
    rows = [
        "| path | conc. | requests | req/s | p50 ms | p95 ms | p99 ms | errors | target |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        met = r.target_met()
        if met is None:
            verdict = ""
        else:
            assert r.probe.target is not None
            verdict = f"{r.probe.target.describe()}: {'met' if met else '**not met**'}"
        rows.append(
            f"| {r.probe.name} | {r.concurrency} | {r.requests} | {r.rps:.1f} | {r.percentile_ms(50):.1f} | "
            f"{r.percentile_ms(95):.1f} | {r.percentile_ms(99):.1f} | {r.errors} | {verdict} |"
        )
    return rows


def section(db: Database, results: Sequence[Result], info: dict[str, str], when: dt.datetime) -> str:
    judged = [r for r in results if r.target_met() is not None]
    missed = [r for r in judged if not r.target_met()]
    if not judged:
        summary = f"No row ran at concurrency {TARGET_CONCURRENCY}, so the targets were not judged."
    elif not missed:
        summary = f"All {len(judged)} targets met."
    else:
        summary = f"{len(judged) - len(missed)} of {len(judged)} targets met; missed: " + ", ".join(
            f"{r.probe.name} ({r.probe.target.shortfall(r) if r.probe.target else ''})" for r in missed
        )
        summary += "."
    lines = [
        f"## {SECTION_TITLE} — {db.title}",
        "",
        f"Measured {when:%Y-%m-%d %H:%M} UTC on {info['nproc']} × {info['cpu']} ({info['system']}), "
        f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}, {db.version}, local-memory cache (the cold rows: none); "
        f"load average before the run: {info['load']}.",
        "",
        f"**Targets:** {summary}",
        "",
        *table(results),
    ]
    return "\n".join(lines)


HEADER = f"""\
# Performance

What `make bench` measures: the programme's hot read paths, served the way production serves
them. `bench/run.py` loads the demo edition (about 120 sessions and 150 speakers, two published
releases) into a throw-away database, starts gunicorn with production settings
(`DJANGO_DEBUG=0`, whitenoise's manifest storage, {WORKERS} sync workers with one thread each) on a
free port of 127.0.0.1, warms every path up with a few unmeasured requests, then sends GET
requests to each path from a Python load generator (one thread per client, each with its own
keep-alive `http.client` connection) at concurrency 1 and 8: {DEFAULT_REQUESTS} requests per path and
level, or as many as fit in {DEFAULT_MAX_SECONDS:.0f} seconds (which keeps the whole run around two minutes; the
table shows how many were sent). It reports the throughput and the 50th, 95th and 99th
percentile of the latency seen by the client, and counts every answer that is not 2xx (or not
the 304 the conditional GET expects) as an error; an error fails the run and leaves this file as
it was. Everything the script starts is stopped and removed at the end.

| row | request |
|---|---|
| Timetable page | `/<event>/programme/` (the first day, all tracks) |
| Session page | `/<event>/programme/sessions/<id>/` |
| Speaker list page | `/<event>/speakers/` (all speakers, no paging) |
| API sessions (page of 50) | `/api/v1/events/<event>/sessions/` |
| API sessions, day + track | `/api/v1/events/<event>/sessions/?day=<day>&track=<slug>` |
| API speakers (page of 50) | `/api/v1/events/<event>/speakers/` |
| schedule.json, .xml, .ics | `/<event>/programme/schedule.json` etc. (the full exports) |
| schedule.json, If-None-Match | the same with the ETag of the previous answer: a 304 |
| … , cold | the exports and the 304 from a second server started with `DJANGO_CACHE=off`: every request finds the release and renders |

The load generator runs on the same machine as the server and competes with it for the CPU,
so the numbers are a floor for a dedicated server and comparable only between runs on the same
machine; the load average before the run is recorded with each section.

## Running the programme benchmark

```sh
make bench                                                             # SQLite
DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench    # PostgreSQL
```

With PostgreSQL the script creates the database `<name>_bench` on the server of `DATABASE_URL`
(here `postgres_bench`) and drops it at the end; it accepts loopback servers only.
`.venv/bin/python bench/run.py --help` lists the options (requests per path, time limit,
concurrency levels, `--no-docs` for a run that leaves this file alone). A run replaces only the
section of the database it ran on.

## Targets for the programme read paths

- Pages (timetable, session, speaker list) and API lists (sessions, filtered sessions, speakers):
  p95 under {PAGE_P95_MS:.0f} ms at concurrency {TARGET_CONCURRENCY} on 2 cores.
- A conditional GET answered with 304: p95 under {NOT_MODIFIED_P95_MS:.0f} ms and over {CACHED_EXPORT_RPS:.0f} requests/s at
  concurrency {TARGET_CONCURRENCY}.
- The full exports (`schedule.json`, `.xml`, `.ics`) from the cache: over {CACHED_EXPORT_RPS:.0f} requests/s at
  concurrency {TARGET_CONCURRENCY}. The cold rows have no target: they show what a change costs.

The "target" column judges the rows at concurrency {TARGET_CONCURRENCY}.
"""

SECTION_ORDER = ("sqlite", "postgresql")
SECTION_TITLE = "Programme read paths"


def _markers(kind: str) -> tuple[str, str]:
    return f"<!-- bench:{kind}:start -->", f"<!-- bench:{kind}:end -->"


def write_doc(kind: str, body: str) -> None:
    """Replace this database's section of docs/performance.md and keep the other's."""
    start, end = _markers(kind)
    block = f"{start}\n{body}\n{end}"
    text = DOC.read_text() if DOC.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        if not text:
            text = HEADER
        text = text.rstrip("\n") + "\n\n"
        placeholders = []
        for other in SECTION_ORDER:
            if other == kind:
                placeholders.append(block)
            elif _markers(other)[0] not in text:
                title = "PostgreSQL" if other == "postgresql" else "SQLite"
                placeholders.append(
                    f"{_markers(other)[0]}\n## {SECTION_TITLE} — {title}\n\nNot measured yet.\n{_markers(other)[1]}"
                )
        text += "\n\n".join(placeholders)
    DOC.write_text(text.rstrip("\n") + "\n")


# --- main --------------------------------------------------------------------------------


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("a positive integer")
    return number


def _concurrency(value: str) -> tuple[int, ...]:
    levels = tuple(int(v) for v in value.split(",") if v.strip())
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive integers, e.g. 1,8")
    return levels


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=_positive, default=DEFAULT_REQUESTS, help="requests per path and level")
    parser.add_argument(
        "--concurrency",
        type=_concurrency,
        default=DEFAULT_CONCURRENCY,
        help="comma-separated client counts (default: 1,8)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        help="stop a measurement after this many seconds even if requests remain (0: no limit)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="measure only the rows whose name contains TEXT (repeatable; implies --no-docs)",
    )
    parser.add_argument("--no-docs", action="store_true", help="print the table only, leave docs/performance.md")
    return parser.parse_args(argv)


def _chosen(paths: list[Probe], only: list[str] | None) -> list[Probe]:
    if not only:
        return paths
    return [p for p in paths if any(text.lower() in p.name.lower() for text in only)]


def measure(port: int, paths: Sequence[Probe], args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    for probe in paths:
        load(port, probe, WARMUP_REQUESTS, min(WORKERS, WARMUP_REQUESTS))
        for level in args.concurrency:
            result = load(port, probe, args.requests, level, args.max_seconds or None)
            results.append(result)
            print(
                f"  {probe.name:<36} c={level:<2} {result.rps:7.1f} req/s  "
                f"p95 {result.percentile_ms(95):7.1f} ms  errors {result.errors}"
            )
            if result.first_error:
                print(f"    first error: {result.first_error}")
    return results


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    info = machine()  # before anything of ours runs: the load average is the machine's own
    if info["load"] != "unknown" and float(info["load"]) > 0.5:
        print(f"bench: warning: load average {info['load']}; other processes will skew the numbers", file=sys.stderr)
    var_dir = Path(tempfile.mkdtemp(prefix="sccon-bench-"))
    try:
        with database(var_dir) as db:
            print(f"bench: {db.version}, VAR_DIR={var_dir}")
            env = app_env(var_dir, db)
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "load_demo", "--force")
            manage(env, "collectstatic", "--no-input", "-v", "0")
            results: list[Result] = []
            with server(env, var_dir) as port:
                paths = probes(port)
                event_slug = paths[-1].path.split("/")[1]
                results += measure(port, _chosen(paths, args.only), args)
            # The same exports from a server without a cache ("cold": DJANGO_CACHE=off).
            with server({**env, "DJANGO_CACHE": "off"}, var_dir) as port:
                etag = _etag(port, f"/{event_slug}/programme/schedule.json")  # the host, port included, is part of it
                results += measure(port, _chosen(export_probes(event_slug, etag, cold=True), args.only), args)
            if any(r.errors for r in results):
                print(f"bench: the end of the server's log:\n{_tail(var_dir / 'gunicorn.log')}", file=sys.stderr)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    when = dt.datetime.now(dt.UTC)
    body = section(db, results, info, when)
    print()
    print(body)
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all")
    errors = sum(r.errors for r in results)
    if errors:
        print(f"bench: {errors} errors; {DOC.relative_to(ROOT)} left unchanged", file=sys.stderr)
        return 1
    if not args.no_docs and not args.only:
        write_doc(db.kind, body)
        print(f"bench: wrote the {db.title} section of {DOC.relative_to(ROOT)}")
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # progress lines in order with stderr's
    # A SIGTERM or SIGHUP (a CI timeout, a closed terminal) cleans up like Ctrl-C does: gunicorn
    # runs in a session of its own and would otherwise outlive this script.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\nbench: interrupted; cleaned up", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
