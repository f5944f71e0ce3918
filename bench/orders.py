"""Order benchmark: placing one-ticket orders through the API against gunicorn, and the server
CPU each order costs.

`.venv/bin/python bench/orders.py` (SQLite in a temporary directory) or
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/orders.py`
(a throw-away database `<name>_bench_orders_<pid>` on that loopback server, dropped at the end)
prepares the demo edition, starts gunicorn (2 sync workers, production settings) on a free port
of 127.0.0.1, warms up, then POSTs one-ticket orders (payment by invoice, with a billing address,
a new e-mail address and an `Idempotency-Key` each) at 1 and 8 concurrent clients: 300 orders or
60 seconds per level, whichever comes first.

It reports orders/s, the p50/p95/p99 latency seen by the client, and the server CPU per order:
utime + stime of the gunicorn workers (read from /proc before, during and after each level)
divided by the orders placed; on PostgreSQL also the CPU of the database backends serving the
bench database. Then, with the server stopped, a child process places a few orders in-process
through Django's test client and times the parts of one order (the request as a whole, then each
task it enqueued, and within them the invoice PDF) with `time.process_time`, and checks that every
order got its invoice and PDF.

Any answer that is not 201 is an error; an error makes the script exit with status 1 and leaves
docs/performance.md untouched. Otherwise the script replaces its own section
(`<!-- bench:orders:<database>:start -->` … `end -->`) of docs/performance.md and nothing else.
Everything it starts is stopped and removed at the end, also on Ctrl-C, SIGTERM or an error.
`--profile` prints a cProfile of one in-process order (terminal only, never in the numbers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: run.py (the programme benchmark) is imported from this directory.
from run import (
    DOC,
    HOST,
    LOOPBACK_DB_HOSTS,
    ROOT,
    WORKERS,
    Database,
    Request,
    app_env,
    fetch,
    load_requests,
    machine,
    manage,
    percentile_ms,
    server,
)

DEFAULT_ORDERS = 300
DEFAULT_CONCURRENCY = (1, 8)
DEFAULT_MAX_SECONDS = 60.0  # per level: keeps a run on a slow or busy machine within a few minutes
WARMUP_ORDERS = 12  # not measured: both workers import WeasyPrint and fill their caches
WARMUP_CONCURRENCY = 4
BREAKDOWN_WARMUP = 4
BREAKDOWN_ORDERS = 30
SAMPLE_SECONDS = 0.25
DRAIN_TIMEOUT = 1200.0  # the task worker renders an invoice PDF per order: about 0.3 s of CPU each
CLK_TCK = os.sysconf("SC_CLK_TCK")

TARGET_CPU_MS = 10.0  # server CPU per one-ticket order
PEER_CPU_MS = 100.0  # what the leading open-source peer spends, for scale

BILLING = {
    "name": "Erika Mustermann",
    "company": "Benchmark GmbH",
    "street": "Albrechtstraße 10",
    "postcode": "10117",
    "city": "Berlin",
    "country": "DE",
}
PROFILE_MARK = "bench: cProfile of one in-process order request (not part of any number):"
# What the request does before its tasks (the text of the results section).
STEPS = (
    "validate the body; lock the ticket type and its quota rows (with FOR UPDATE) and read the tickets "
    "held per type (counts the database keeps, less unpaid orders past their time); create the order and "
    "its ticket; issue the invoice (the next gap-free number from the locked yearly counter, buyer and "
    "seller snapshots);"
)
SECTION_ORDER = ("orders:postgresql", "orders:sqlite", "checkin:postgresql", "checkin:sqlite", "pdf", "scaleout")


# --- CPU time from /proc ------------------------------------------------------------------


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process in clock ticks; None when it is gone or unreadable."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = data.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def children(pid: int) -> list[int]:
    """The child processes of `pid`."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def gunicorn_master() -> int:
    """Our child process running gunicorn (run.server starts it and yields only the port)."""
    for pid in children(os.getpid()):
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise SystemExit("bench: cannot find the gunicorn master among this script's child processes")


def machine_busy_ticks() -> int:
    """Busy clock ticks of the whole machine (all CPUs) since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


class CpuMeter:
    """CPU seconds spent by a changing set of processes between start() and stop().

    Samples every SAMPLE_SECONDS in a thread: a process that appears during the run (a respawned
    worker, a new database connection) counts from zero; one that ends counts up to its last sample.
    """

    def __init__(self, pids: Callable[[], Sequence[int]]) -> None:
        self._pids = pids
        self._base: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self, *, initial: bool = False) -> None:
        for pid in self._pids():
            ticks = cpu_ticks(pid)
            if ticks is None:
                continue
            self._base.setdefault(pid, ticks if initial else 0)
            self._last[pid] = ticks

    def _loop(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def start(self) -> None:
        self._sample(initial=True)
        self._thread = threading.Thread(target=self._loop, name="cpu-meter", daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()
        return sum(self._last[pid] - self._base[pid] for pid in self._last) / CLK_TCK

    @property
    def processes(self) -> int:
        return len(self._last)


# --- the throw-away database (like run.database, under a name of its own) -----------------


@dataclass
class Bench:
    db: Database
    admin_url: str | None = None  # PostgreSQL: the server's database we create ours from
    name: str = ""  # PostgreSQL: our database's name


def _pg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


@contextmanager
def database() -> Iterator[Bench]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url or url.startswith("sqlite"):
        yield Bench(Database("sqlite", None, f"SQLite {sqlite3.sqlite_version}"))
        return  # the file lives in VAR_DIR, removed with it
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"bench: DATABASE_URL must be SQLite or PostgreSQL, not {parts.scheme}://")
    if (parts.hostname or "") not in LOOPBACK_DB_HOSTS:
        raise SystemExit(f"bench: refusing to create a database on {parts.hostname}: loopback servers only.")
    base = urllib.parse.unquote(parts.path.lstrip("/")) or "postgres"
    name = f"{base}_bench_orders_{os.getpid()}"  # concurrent runs (this and bench/checkin.py) never meet
    bench_url = urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name)))
    from psycopg import sql

    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _pg_connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Bench(Database("postgresql", bench_url, f"PostgreSQL {version.split()[0]}"), url, name)
    finally:
        with _pg_connect(url) as conn:
            conn.execute(drop)
        print(f"bench: dropped database {name}")


@contextmanager
def backend_pids(bench: Bench) -> Iterator[Callable[[], list[int]]]:
    """A function listing the PostgreSQL backends connected to our database (none on SQLite,
    where the database work is done inside the workers and counted with them)."""
    if bench.admin_url is None:
        yield list
        return
    conn = _pg_connect(bench.admin_url)
    try:

        def pids() -> list[int]:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                (bench.name,),
            ).fetchall()
            return [int(row[0]) for row in rows]

        yield pids
    finally:
        conn.close()


# --- load generator ----------------------------------------------------------------------


@dataclass
class Level:
    concurrency: int
    latencies: list[float]  # seconds, successful and failed requests alike
    errors: int
    seconds: float
    app_cpu: float  # seconds of gunicorn worker CPU
    db_cpu: float | None  # seconds of PostgreSQL backend CPU; None on SQLite
    other_cpu: float  # seconds of CPU used on the machine by anything but the workers, backends and us
    load_after: float
    first_error: str = ""

    @property
    def orders(self) -> int:
        return len(self.latencies)

    @property
    def placed(self) -> int:
        return self.orders - self.errors

    @property
    def rate(self) -> float:
        return self.placed / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile_ms(self.latencies, p)

    def per_order_ms(self, seconds: float | None) -> float | None:
        return None if seconds is None or not self.placed else seconds / self.placed * 1000

    @property
    def server_cpu(self) -> float:
        """The gunicorn workers' CPU and, on PostgreSQL, the database backends'."""
        return self.app_cpu + (self.db_cpu or 0.0)


@dataclass
class Shop:
    event: str
    ticket_type: int
    ticket_type_name: str
    price: str
    tag: str = field(default_factory=lambda: secrets.token_hex(4))
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def path(self) -> str:
        return f"/api/v1/events/{self.event}/orders/"

    def payload(self) -> bytes:
        with self.lock:
            self.counter += 1
            n = self.counter
        return json.dumps(
            {
                "email": f"bench-{self.tag}-{n}@example.com",
                "tickets": [{"ticket_type": self.ticket_type, "attendee_name": f"Bench Attendee {n}"}],
                "payment_method": "invoice",
                "billing": BILLING,
                "language": "de",
            }
        ).encode()


def place(port: int, shop: Shop, orders: int, concurrency: int, max_seconds: float | None = None) -> Level:
    """`orders` POSTs from `concurrency` threads (none started after `max_seconds`)."""

    def build() -> Request:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        return Request("POST", shop.path, headers, shop.payload())

    run = load_requests(port, build, orders, concurrency, {201}, max_seconds)
    return Level(concurrency, run.latencies, run.errors, run.seconds, 0.0, None, 0.0, 0.0, run.first_error)


def measure(
    port: int,
    shop: Shop,
    orders: int,
    concurrency: int,
    max_seconds: float | None,
    pg_pids: Callable[[], list[int]],
    postgres: bool,
) -> Level:
    master = gunicorn_master()
    app = CpuMeter(lambda: children(master))
    db = CpuMeter(pg_pids)
    own_before = cpu_ticks(os.getpid()) or 0
    busy_before = machine_busy_ticks()
    app.start()
    db.start()
    level = place(port, shop, orders, concurrency, max_seconds)
    level.app_cpu = app.stop()
    db_cpu = db.stop()
    level.db_cpu = db_cpu if postgres else None
    own = ((cpu_ticks(os.getpid()) or 0) - own_before) / CLK_TCK
    busy = (machine_busy_ticks() - busy_before) / CLK_TCK
    level.other_cpu = max(0.0, busy - level.app_cpu - db_cpu - own)
    level.load_after = os.getloadavg()[0]
    return level


# --- discovery -----------------------------------------------------------------------------


def _json(port: int, path: str) -> Any:
    status, body, _ = fetch(port, path, {"Accept": "application/json"})
    if status != 200:
        raise SystemExit(f"bench: GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def _results(payload: Any) -> list[dict[str, Any]]:
    return list(payload["results"] if isinstance(payload, dict) else payload)


def discover(port: int, needed: int) -> Shop:
    """The demo edition and its paid public ticket type with the most tickets left (the 3-day
    industry ticket: no capacity of its own, only the venue's quota of 12,700)."""
    events = _results(_json(port, "/api/v1/events/"))
    if not events:
        raise SystemExit("bench: the API lists no public edition; did load_demo run?")
    event = events[0]["slug"]
    types = _results(_json(port, f"/api/v1/events/{event}/ticket-types/"))
    candidates = [
        t
        for t in types
        if float(t["price"]) > 0
        and t["is_on_sale"]
        and not t["requires_approval"]
        and t["category"] != "public_sector"
        and t["min_per_order"] <= 1
        and (t["available"] is None or t["available"] >= needed)
    ]
    if not candidates:
        raise SystemExit(f"bench: {event} has no paid ticket type on sale with {needed} tickets left")
    best = max(candidates, key=lambda t: (t["available"] is None, t["available"] or 0, t["valid_on"] is None))
    return Shop(event, int(best["id"]), best["name"], f"{best['price']} {best['currency']}")


# --- child processes with the server's environment: the task queue, checks, the breakdown ---


def _child_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def check_child(tag: str) -> int:
    """The task backend in use, and what the orders of this run left in the database. Prints JSON."""
    _child_setup()
    from django.conf import settings
    from django.db.models import Count

    from ticketing.models import Invoice, Order

    placed = Order.objects.filter(email__startswith=f"bench-{tag}-")
    invoices = Invoice.objects.filter(order__in=placed)
    backend: str = settings.TASKS["default"]["BACKEND"]
    tasks: dict[str, int] = {}
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
        tasks = {str(status): int(n) for status, n in rows}
    result = {
        "backend": backend,
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE", 0),
        "orders": placed.count(),
        "invoices": invoices.count(),
        "invoice_pdfs": invoices.exclude(pdf="").count(),
        "tasks": tasks,
    }
    print(json.dumps(result))
    return 0


def breakdown_child(orders: int, tag: str, profile: bool) -> int:
    """Time `orders` orders (after a warm-up) placed in this process through Django's test client,
    with the server's settings (so the tasks are only enqueued), then run the tasks they enqueued
    here too (read back from the task table), timed one by one. Prints JSON."""
    import cProfile
    import pstats

    _child_setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from ticketing.models import Invoice, Order
    from ticketing.services import invoices

    issue = [0.0]
    rendering = [0.0]  # CPU seconds in invoice_render (the invoice PDF, rendered and stored)
    original_issue = invoices.invoice_issue
    original_render = invoices.invoice_render

    def timed_issue(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original_issue(*args, **kwargs)
        finally:
            issue[0] += time.process_time() - start

    def timed_render(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original_render(*args, **kwargs)
        finally:
            rendering[0] += time.process_time() - start

    # hooks.order_placed imports invoice_issue by name when it runs, and invoice_pdf calls
    # invoice_render through the module: patching the module reaches both.
    invoices.invoice_issue = timed_issue
    invoices.invoice_render = timed_render

    shop = Shop(os.environ["BENCH_EVENT"], int(os.environ["BENCH_TICKET_TYPE"]), "", "", tag=f"{tag}x")
    client = Client(SERVER_NAME=HOST)
    mine = Order.objects.filter(email__startswith=f"bench-{shop.tag}-")

    def one() -> None:
        response = client.post(
            shop.path,
            data=shop.payload(),
            content_type="application/json",
            headers={"Accept": "application/json", "Idempotency-Key": str(uuid.uuid4())},
        )
        if response.status_code != 201:
            raise SystemExit(f"bench: in-process order answered {response.status_code}: {response.content[:300]!r}")

    def run_tasks(since: dt.datetime) -> dict[str, float]:
        """Run the tasks enqueued since `since` here, one by one: CPU seconds by task name."""
        spent: dict[str, float] = {}
        for row in DBTaskResult.objects.filter(enqueued_at__gte=since).order_by("enqueued_at"):
            arguments = row.args_kwargs
            start = time.process_time()
            row.task.call(*arguments["args"], **arguments["kwargs"])
            name = row.task_path.rpartition(".")[2]
            spent[name] = spent.get(name, 0.0) + time.process_time() - start
        DBTaskResult.objects.filter(enqueued_at__gte=since).delete()  # done here, not for db_worker
        return spent

    sql = [0.0, 0.0]  # CPU seconds inside the driver, statements

    def timed_sql(execute: Callable[..., Any], query: str, params: Any, many: bool, context: Any) -> Any:
        start = time.process_time()
        try:
            return execute(query, params, many, context)
        finally:
            sql[0] += time.process_time() - start
            sql[1] += 1

    warm_since = timezone.now()
    for _ in range(BREAKDOWN_WARMUP):
        one()
    warm = list(mine.values_list("pk", flat=True))
    run_tasks(warm_since)  # imports WeasyPrint, loads the fonts
    issue[0] = rendering[0] = 0.0
    since = timezone.now()
    started = time.process_time()
    with connection.execute_wrapper(timed_sql):
        for _ in range(orders):
            one()
    request = time.process_time() - started
    measured = list(mine.exclude(pk__in=warm).order_by("pk").values_list("pk", flat=True))
    if len(measured) != orders:
        raise SystemExit(f"bench: {orders} in-process orders placed, {len(measured)} found")
    enqueued = DBTaskResult.objects.filter(enqueued_at__gte=since).count()
    spent = run_tasks(since)
    if Invoice.objects.filter(order_id__in=measured).exclude(pdf="").count() != orders:
        raise SystemExit("bench: an in-process order's invoice has no PDF after its tasks ran")
    per = {
        "request": request / orders * 1000,
        "issue": issue[0] / orders * 1000,
        "invoice_pdf": rendering[0] / orders * 1000,
        "sql": sql[0] / orders * 1000,
        "queries": sql[1] / orders,
        "tasks_per_order": enqueued / orders,
    }
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        one()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        sys.stderr.write(PROFILE_MARK + "\n" + out.getvalue())
    tasks_ms = {name: seconds / orders * 1000 for name, seconds in sorted(spent.items())}
    print(json.dumps({"ms": per, "tasks": tasks_ms, "orders": orders}))
    return 0


def child(env: dict[str, str], *args: str, show_stderr: bool = False) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-30000:])
    elif show_stderr and PROFILE_MARK in proc.stderr:
        sys.stderr.write(proc.stderr[proc.stderr.index(PROFILE_MARK) :])
    if proc.returncode != 0:
        raise SystemExit(f"bench: the child process {' '.join(args)} failed with status {proc.returncode}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@dataclass
class Drain:
    seconds: float = 0.0
    cpu: float = 0.0  # utime + stime of the worker process, start-up included


def drain(env: dict[str, str]) -> Drain:
    """Run the task worker until the queue is empty (`db_worker --batch`); its CPU from wait4()."""
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    guard = threading.Timer(DRAIN_TIMEOUT, proc.kill)  # bounded: a stuck worker ends the run with an error
    guard.start()
    try:
        output = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        guard.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, for Popen's bookkeeping
    if proc.stdout:
        proc.stdout.close()
    if proc.returncode != 0:
        sys.stderr.write(output.decode(errors="replace")[-4000:])
        raise SystemExit(f"bench: db_worker --batch failed with status {proc.returncode}")
    return Drain(time.perf_counter() - started, usage.ru_utime + usage.ru_stime)


# --- report ----------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def table(levels: Sequence[Level]) -> list[str]:
    rows = [
        "| clients | orders | orders/s | p50 ms | p95 ms | p99 ms | errors | app CPU ms/order | DB CPU ms/order "
        "| server CPU ms/order | other CPU, % of machine | load avg after |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    ncpu = os.cpu_count() or 1
    for lv in levels:
        other = lv.other_cpu / (lv.seconds * ncpu) * 100 if lv.seconds else 0.0
        rows.append(
            f"| {lv.concurrency} | {lv.orders} | {lv.rate:.1f} | {lv.percentile_ms(50):.1f} | "
            f"{lv.percentile_ms(95):.1f} | {lv.percentile_ms(99):.1f} | {lv.errors} | "
            f"{_ms(lv.per_order_ms(lv.app_cpu))} | {_ms(lv.per_order_ms(lv.db_cpu))} | "
            f"{_ms(lv.per_order_ms(lv.server_cpu))} | {other:.0f} % | "
            f"{lv.load_after:.2f} |"
        )
    return rows


# What the tasks an order enqueues do (the text of the results section).
TASK_WORK = {
    "send_order_received": (
        "renders the order-received mail (text + HTML) and hands it to the mailer with the invoice PDF "
        "attached, which it renders with WeasyPrint and stores first"
    ),
    "render_invoice": "renders the invoice PDF with WeasyPrint and stores it",
}


def breakdown_table(parts: dict[str, Any]) -> list[str]:
    ms: dict[str, float] = parts["ms"]
    tasks: dict[str, float] = parts["tasks"]
    total = ms["request"] + sum(tasks.values())

    def share(value: float) -> str:
        return f"{value / total * 100:.0f} %" if total else "–"

    rows = [
        "| part of one order (in-process, warm, CPU time) | ms/order | share |",
        "|---|--:|--:|",
        f"| the request, tasks only enqueued (as the table measures it) | {ms['request']:.1f} | "
        f"{share(ms['request'])} |",
        f"| … of which inside the database driver ({ms['queries']:.0f} SQL statements) | {ms['sql']:.1f} | "
        f"{share(ms['sql'])} |",
        f"| … of which `invoice_issue`: the number from the locked counter, snapshots, the row | "
        f"{ms['issue']:.1f} | {share(ms['issue'])} |",
    ]
    rows += [f"| task `{name}` | {value:.1f} | {share(value)} |" for name, value in tasks.items()]
    rows += [
        f"| … of which the invoice PDF (WeasyPrint), rendered and stored | {ms['invoice_pdf']:.1f} | "
        f"{share(ms['invoice_pdf'])} |",
        f"| **all of one order** | **{total:.1f}** | 100 % |",
    ]
    return rows


def section(
    bench: Bench,
    shop: Shop,
    levels: Sequence[Level],
    worker: Drain | None,
    check: dict[str, Any],
    parts: dict[str, Any],
    info: dict[str, str],
    when: dt.datetime,
    args: argparse.Namespace,
) -> str:
    db = bench.db
    immediate = worker is None
    judged = [lv for lv in levels if lv.placed]
    worst = max((lv.per_order_ms(lv.server_cpu) or 0.0 for lv in judged), default=0.0)
    met = bool(judged) and worst < TARGET_CPU_MS
    per_level = ", ".join(f"{_ms(lv.per_order_ms(lv.server_cpu))} ms at {lv.concurrency}" for lv in judged)
    ms = parts["ms"]
    tasks_ms = sum(parts["tasks"].values())
    command = ".venv/bin/python bench/orders.py"
    if db.kind == "postgresql":
        command = f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres {command}"
    backend = check["backend"].rsplit(".", 1)[-1]
    work = "; ".join(f"`{name}` {TASK_WORK.get(name, 'runs')}" for name in parts["tasks"])
    if immediate:
        where = (
            f"then commit and run the tasks inside the request ({backend}): {work or 'none'} "
            "(`EMAIL_URL=dummy://` here, so nothing leaves the machine). All of it is in the table."
        )
    else:
        count = ms["tasks_per_order"]
        enqueued = "one task" if count == 1 else f"{count:g} tasks"
        where = (
            f"then commit and enqueue {enqueued} ({backend}: one row per task in the task table). Later, and "
            f"outside the web workers, `manage.py db_worker` runs them: {work} (`EMAIL_URL=dummy://` here, so "
            "nothing leaves the machine). The table shows the web workers only; the task worker's share "
            "follows it."
        )
    driver = "the database driver and SQLite" if db.kind == "sqlite" else "the database driver (psycopg)"
    verdict = (
        f"**{'met' if met else 'not met'}**: {per_level} client(s) in the gunicorn workers"
        f"{' and the database backends' if db.kind == 'postgresql' else ''}. In-process and "
        f"warm (below) the request costs {ms['request']:.1f} ms of CPU: {ms['queries']:.0f} SQL statements, "
        f"{ms['sql']:.1f} ms of it inside {driver}, `invoice_issue` {ms['issue']:.1f} ms; the rest is "
        "Django, DRF and the ORM building and reading the queries."
    )
    if check.get("conn_max_age") == 0:
        verdict += (
            " The workers also open and close their database connection for every request "
            "(`CONN_MAX_AGE=0`; on SQLite closing the last connection checkpoints the write-ahead log), which "
            "the in-process measurement (one connection for all its orders) does not pay."
        )
    if not immediate:
        verdict += (
            f" The deferred tasks add {tasks_ms:.0f} ms per order in the task worker, {ms['invoice_pdf']:.0f} ms "
            f"of it the invoice PDF: about {ms['request'] + tasks_ms:.0f} ms of CPU per order on the machine "
            "in all."
        )
    db_note = (
        "DB CPU is the CPU time of the PostgreSQL backends connected to the bench database (same method)."
        if db.kind == "postgresql"
        else "On SQLite the database work runs inside the workers and is part of app CPU."
    )
    placed = WARMUP_ORDERS + sum(lv.placed for lv in levels)
    lines = [
        f"## Orders through the API — {db.title}",
        "",
        f"Measured {when:%Y-%m-%d %H:%M} UTC on {info['nproc']} × {info['cpu']} ({info['system']}), "
        f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']} ({WORKERS} sync workers), "
        f"{db.version}; load average before the run: {info['load']} (other engineers share this machine: "
        "the table shows how much CPU other processes used while each level ran, and the load average "
        "after it, which includes the benchmark's own clients and workers).",
        "",
        f"`POST /api/v1/events/{shop.event}/orders/` with one ticket of “{shop.ticket_type_name}” "
        f"({shop.price}), payment by invoice with a billing address, a new e-mail address and an "
        f"`Idempotency-Key` per request, as JSON; {args.orders} orders per level or as many as fit in "
        f"{args.max_seconds:.0f} s, after {WARMUP_ORDERS} unmeasured ones. Every answer but 201 is an error. "
        "Production settings (`DJANGO_DEBUG=0`, the default task backend, `RATE_LIMITS=0`). "
        "App CPU is utime + stime of the gunicorn workers (from `/proc/<pid>/stat`, sampled during the "
        f"level) divided by the orders placed. {db_note} Server CPU is the two together, and what the "
        "target judges. The load generator runs on the same machine.",
        "",
        f"What one order does in the request: {STEPS} {where}",
        "",
        f"Reproduce: `{command}` (`--help` for the options).",
        "",
        f"**Target** — server CPU under {TARGET_CPU_MS:.0f} ms per one-ticket order (for scale: the leading "
        f"open-source peer spends about {PEER_CPU_MS:.0f} ms): {verdict}",
        "",
        *table(levels),
    ]
    if worker is not None:
        tasks_done = sum(check["tasks"].values())
        lines += [
            "",
            f"The task worker afterwards: `db_worker --batch` worked off the queue ({tasks_done} tasks in the "
            f"table, from {placed} orders and the demo data) in {worker.seconds:.1f} s with "
            f"{worker.cpu:.1f} s of CPU, {worker.cpu / placed * 1000:.0f} ms per order including its own "
            "start-up (Django, the WeasyPrint import, the fonts).",
        ]
    lines += [
        "",
        f"Where the time goes: {parts['orders']} more orders placed in one process through Django's test "
        "client after the server stopped, with the server's settings, then the tasks they enqueued (read back "
        "from the task table) run in the same process one by one (`Task.call`), all timed with `time.process_time` after a warm-up (a separate "
        "measurement from the table: no gunicorn, no HTTP parsing, no other clients; the database server's "
        "CPU not included). The SQL row counts the CPU spent inside the driver's execute calls of the "
        "request (Django's `execute_wrapper`).",
        "",
        *breakdown_table(parts),
        "",
        f"Check: {check['orders']} orders of the run in the database, {check['invoices']} invoices, "
        f"{check['invoice_pdfs']} with their PDF stored"
        + (
            "; tasks by status: " + ", ".join(f"{k.lower()} {v}" for k, v in sorted(check["tasks"].items())) + "."
            if check["tasks"]
            else "."
        ),
    ]
    return "\n".join(lines)


def _markers(key: str) -> tuple[str, str]:
    return f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"


def write_section(key: str, body: str) -> None:
    """Replace this key's section of docs/performance.md (re-read just before writing), or add
    it before the next of our sections or at the end; every other part of the file is kept."""
    start, end = _markers(key)
    block = f"{start}\n{body}\n{end}"
    for _attempt in range(3):
        text = DOC.read_text() if DOC.exists() else "# Performance\n"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: block, text, count=1)
        else:
            later = [k for k in SECTION_ORDER[SECTION_ORDER.index(key) + 1 :] if _markers(k)[0] in text]
            if later:
                anchor = _markers(later[0])[0]
                text = text.replace(anchor, f"{block}\n\n{anchor}", 1)
            else:
                text = text.rstrip("\n") + "\n\n" + block
        temporary = DOC.with_name(f".{DOC.name}.{os.getpid()}.tmp")
        temporary.write_text(text.rstrip("\n") + "\n")
        os.replace(temporary, DOC)
        time.sleep(0.2)
        if block in DOC.read_text():  # another writer may have replaced the file meanwhile
            return
    print(f"bench: warning: could not keep the {key} section in {DOC}; another writer keeps replacing it")


# --- main ------------------------------------------------------------------------------------


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
    parser.add_argument("--orders", type=_positive, default=DEFAULT_ORDERS, help="orders per level (default 300)")
    parser.add_argument(
        "--concurrency", type=_concurrency, default=DEFAULT_CONCURRENCY, help="comma-separated clients (default 1,8)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        help="stop a level after this many seconds even if orders remain (0: no limit; default 60)",
    )
    parser.add_argument(
        "--breakdown-orders", type=_positive, default=BREAKDOWN_ORDERS, help="in-process orders timed (default 30)"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one in-process order")
    parser.add_argument("--no-docs", action="store_true", help="print the results only, leave docs/performance.md")
    parser.add_argument("--child", choices=["check", "breakdown"], help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    info = machine()  # before anything of ours runs: the load average is the machine's own
    if info["load"] != "unknown" and float(info["load"]) > 0.5:
        print(f"bench: warning: load average {info['load']}; other processes will skew the numbers", file=sys.stderr)
    var_dir = Path(tempfile.mkdtemp(prefix="sccon-bench-orders-"))
    levels: list[Level] = []
    worker: Drain | None = None
    warm_errors = 0
    try:
        with database() as bench:
            db = bench.db
            print(f"bench: {db.version}, VAR_DIR={var_dir}")
            env = app_env(var_dir, db)
            env.update({"RATE_LIMITS": "0", "EMAIL_URL": "dummy://", "DJANGO_BEHIND_PROXY": "0"})
            env.pop("TASKS_BACKEND", None)  # production's default
            env["TICKET_SIGNING_KEY"] = subprocess.run(
                [sys.executable, "manage.py", "generate_signing_key"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "load_demo", "--force")
            tag = secrets.token_hex(4)
            queued = child(env, "--child", "check", "--tag", tag)["backend"].startswith("django_tasks_db.")
            if queued:
                drain(env)  # the demo orders' tasks, unmeasured
            needed = WARMUP_ORDERS + args.orders * len(args.concurrency) + args.breakdown_orders + BREAKDOWN_WARMUP + 1
            with server(env, var_dir) as port, backend_pids(bench) as pg_pids:
                shop = discover(port, needed)
                shop.tag = tag
                print(f"bench: ordering “{shop.ticket_type_name}” ({shop.price}) in {shop.event}")
                warm = place(port, shop, WARMUP_ORDERS, WARMUP_CONCURRENCY)
                warm_errors = warm.errors
                if warm.errors:
                    print(f"bench: the warm-up failed: {warm.first_error}", file=sys.stderr)
                for concurrency in args.concurrency:
                    level = measure(
                        port,
                        shop,
                        args.orders,
                        concurrency,
                        args.max_seconds or None,
                        pg_pids,
                        db.kind == "postgresql",
                    )
                    levels.append(level)
                    print(
                        f"  c={concurrency:<2} {level.orders:4d} orders  {level.rate:6.1f}/s  "
                        f"p95 {level.percentile_ms(95):7.1f} ms  app CPU {_ms(level.per_order_ms(level.app_cpu))} "
                        f"ms/order  DB CPU {_ms(level.per_order_ms(level.db_cpu))} ms/order  errors {level.errors}"
                    )
                    if level.first_error:
                        print(f"    first error: {level.first_error}")
            if warm_errors or any(lv.errors for lv in levels):
                print(f"bench: the end of the server's log:\n{_log_tail(var_dir)}", file=sys.stderr)
            if queued:
                print("bench: working off the task queue (db_worker --batch)")
                worker = drain(env)
            check = child(env, "--child", "check", "--tag", tag)
            print(f"bench: timing the parts of {args.breakdown_orders} orders in-process")
            parts = child(
                {
                    **env,
                    "BENCH_EVENT": shop.event,
                    "BENCH_TICKET_TYPE": str(shop.ticket_type),
                },
                "--child",
                "breakdown",
                "--tag",
                tag,
                "--breakdown-orders",
                str(args.breakdown_orders),
                *(["--profile"] if args.profile else []),
                show_stderr=args.profile,
            )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

    when = dt.datetime.now(dt.UTC)
    body = section(bench, shop, levels, worker, check, parts, info, when, args)
    print()
    print(body)
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all")
    errors = sum(lv.errors for lv in levels) + warm_errors
    placed = WARMUP_ORDERS - warm_errors + sum(lv.placed for lv in levels)
    if check["orders"] != placed or check["invoice_pdfs"] != placed:
        print(
            f"bench: {placed} orders answered 201, but the database holds {check['orders']} with "
            f"{check['invoice_pdfs']} invoice PDFs",
            file=sys.stderr,
        )
        errors += 1
    unfinished = {k: v for k, v in check["tasks"].items() if k != "SUCCESSFUL" and v}
    if unfinished:
        print(f"bench: tasks not successful: {unfinished}", file=sys.stderr)
        errors += 1
    if errors:
        print(f"bench: {errors} errors; {DOC.relative_to(ROOT)} left unchanged", file=sys.stderr)
        return 1
    if not args.no_docs:
        write_section(f"orders:{db.kind}", body)
        print(f"bench: wrote the orders/{db.title} section of {DOC.relative_to(ROOT)}")
    return 0


def _log_tail(var_dir: Path, lines: int = 40) -> str:
    try:
        return "\n".join((var_dir / "gunicorn.log").read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "check":
        return check_child(args.tag)
    if args.child == "breakdown":
        return breakdown_child(args.breakdown_orders, args.tag, args.profile)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    # A SIGTERM or SIGHUP cleans up like Ctrl-C: gunicorn runs in a session of its own.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\nbench: interrupted; cleaned up", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
