"""Scale-out benchmark: a sale rush and double scans against two app servers and a task worker
sharing one PostgreSQL and one Redis, as docs/deploy.md runs them.

`DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scaleout.py`
creates a throw-away database `<name>_bench_orders_<pid>` on that loopback server (dropped at the
end) and uses one Redis database (`--redis-url`, default redis://127.0.0.1:6379/11: emptied before
and after) as cache and task queue. It loads the demo edition, adds a ticket type with 200
tickets (inside the venue's quota, as a real sale would be), starts two gunicorn app servers on
two ports (production settings, 2 sync workers each) and one RQ task worker
(`manage.py rqworker --job-class django_tasks_rq.Job --worker-class rq.worker.SimpleWorker --with-scheduler`),
then:

1. **Sale rush**: 1,000 buyers arrive at once (100 client threads, each buyer a new connection to
   one of the two servers in turn) and each POSTs a one-ticket order of that type. Every answer
   must be 201 or 409 `sold_out`; anything else (a 5xx above all) is an error. It reports the time
   to sell out (the last 201), the first `sold_out`, the p50/p95/p99 latency, and checks in the
   database that exactly 200 tickets were sold.
2. **Double scans**: 200 paid tickets, each scanned by two door devices at the same moment, one
   through each server: exactly one `ok` and one `already_checked_in` per ticket, one check-in row.
3. **The worker**: every order enqueued its order-received mail (with the invoice PDF) in Redis;
   the worker on its own works them off, and every sold order ends with its invoice PDF stored.

Any failed guarantee makes the script exit with status 1 and leaves docs/performance.md as it
was; otherwise it replaces its own section (`<!-- bench:scaleout:start -->` … `end -->`).
`--quick` runs a small version (tests/test_scaleout.py uses it) and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from checkin import child as checkin_child
from checkin import paid_codes
from orders import BILLING, database, write_section
from run import HOST, REQUEST_TIMEOUT, ROOT, app_env, machine, manage, percentile_ms, server

BUYERS = 1000
TICKETS = 200
RUSH_CLIENTS = 100
SCAN_TICKETS = 200
SCAN_PAIRS_AT_ONCE = 10
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
DRAIN_SECONDS_PER_ORDER = 2.0  # the worker renders an invoice PDF per order: about 0.3 s of CPU
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# --- the child: runs inside Django with the servers' settings ------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare_child(tickets: int, scan_tickets: int) -> dict[str, Any]:
    """The rush's ticket type (`tickets` of them, inside the venue quota), paid tickets with signed
    codes for the double scans and two door devices; as JSON."""
    _django()
    from django.db import transaction

    from programme.models import Event
    from ticketing.enums import TicketCategory
    from ticketing.models import TicketType
    from ticketing.services.checkin import device_create

    event = Event.objects.order_by("-start_on").first()
    assert event is not None, "load_demo made no edition"
    template = TicketType.objects.filter(event=event, valid_on__isnull=True, price_amount__gt=0).first()
    assert template is not None
    with transaction.atomic():
        rush = TicketType.objects.create(
            event=event,
            name_de="Frühbucher-Rush",
            name_en="Early-bird rush",
            category=TicketCategory.INDUSTRY,
            price_amount=template.price_amount,
            vat_rate=template.vat_rate,
            capacity=tickets,
        )
        rush.quotas.set(template.quotas.all())
    codes = paid_codes(event, template, scan_tickets)
    tokens = [device_create(event=event, name=f"Bench door {n}")[1] for n in range(2)]
    return {"event": event.slug, "ticket_type": rush.pk, "codes": codes, "tokens": tokens}


def check_child(ticket_type: int, codes: list[str]) -> dict[str, Any]:
    """What the database holds after the run: tickets sold of the rush type, their orders and
    invoices (with PDF), and the admitting check-ins (`ok`) per scanned ticket."""
    _django()
    from django.db.models import Count

    from ticketing.models import CheckIn, Invoice, Order, Ticket

    sold = Ticket.objects.filter(ticket_type_id=ticket_type, is_cancelled=False).exclude(
        order__status__in=["expired", "cancelled"]
    )
    orders = Order.objects.filter(tickets__ticket_type_id=ticket_type).distinct()
    invoices = Invoice.objects.filter(order__in=orders)
    per_ticket = Counter(
        dict(
            CheckIn.objects.filter(ticket__code__in=codes, result="ok")
            .values_list("ticket__code")
            .annotate(n=Count("id"))
            .values_list("ticket__code", "n")
        )
    )
    return {
        "sold": sold.count(),
        "orders": orders.count(),
        "invoices": invoices.count(),
        "invoice_pdfs": invoices.exclude(pdf="").count(),
        "checkins": {str(n): sum(1 for c in codes if per_ticket.get(c, 0) == n) for n in range(3)},
    }


def child(env: dict[str, str], *args: str, stdin: str | None = None) -> dict[str, Any]:
    return checkin_child(env, *args, stdin=stdin, script=__file__)


# --- Redis and the task worker --------------------------------------------------------------


def _redis(url: str) -> Any:
    import redis

    parts = urllib.parse.urlsplit(url)
    if (parts.hostname or "") not in LOOPBACK:
        raise SystemExit(f"bench: refusing to empty a Redis database on {parts.hostname}: loopback only.")
    return redis.Redis.from_url(url)


@contextmanager
def task_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        sys.executable,
        "manage.py",
        "rqworker",
        "--job-class",
        "django_tasks_rq.Job",
        "--worker-class",
        "rq.worker.SimpleWorker",
        "--with-scheduler",
        "default",
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # RQ's warm shutdown: the job at hand finishes first
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        print("bench: task worker stopped")


def queue_state(connection: Any) -> tuple[int, int]:
    """(jobs waiting, jobs running) in the default queue."""
    from rq import Queue
    from rq.registry import StartedJobRegistry

    queue = Queue("default", connection=connection)
    return queue.count, StartedJobRegistry(queue=queue).count


# --- the load -------------------------------------------------------------------------------


def _post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Rush:
    buyers: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    sold_at: list[float] = field(default_factory=list)  # seconds from the start to each 201
    first_sold_out: float | None = None
    first_error: str = ""
    clients: int = 0

    @property
    def errors(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome not in {"201", "409 sold_out"})

    @property
    def fives(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if outcome.startswith("5"))

    def percentile_ms(self, p: float) -> float:
        return percentile_ms(self.latencies, p)


def rush(ports: Sequence[int], event: str, ticket_type: int, buyers: int, clients: int) -> Rush:
    """`buyers` one-ticket orders, all waiting at the start, sent by `clients` threads; buyer n
    goes to server n mod len(ports)."""
    path = f"/api/v1/events/{event}/orders/"
    lock = threading.Lock()
    queue = list(range(buyers))
    result = Rush(buyers, 0.0, clients=clients)
    start_gate = threading.Event()
    started = [0.0]

    def client() -> None:
        start_gate.wait()
        while True:
            with lock:
                if not queue:
                    return
                n = queue.pop()
            body = json.dumps(
                {
                    "email": f"rush-{n}@example.com",
                    "tickets": [{"ticket_type": ticket_type, "attendee_name": f"Rush Buyer {n}"}],
                    "payment_method": "invoice",
                    "billing": BILLING,
                    "language": "de",
                }
            ).encode()
            headers = {"Content-Type": "application/json", "Accept": "application/json"}
            headers["Idempotency-Key"] = str(uuid.uuid4())
            sent = time.perf_counter()
            try:
                status, answer = _post(ports[n % len(ports)], path, body, headers)
                code = ""
                if status == 409:
                    code = json.loads(answer).get("code", "")
                outcome = f"{status} {code}".strip()
                problem = "" if outcome in {"201", "409 sold_out"} else f"HTTP {status}: {answer[:300]!r}"
            except (OSError, http.client.HTTPException, ValueError) as exc:
                outcome, problem = type(exc).__name__, f"{type(exc).__name__}: {exc}"
            done = time.perf_counter()
            with lock:
                result.latencies.append(done - sent)
                result.outcomes[outcome] += 1
                if outcome == "201":
                    result.sold_at.append(done - started[0])
                elif outcome == "409 sold_out" and result.first_sold_out is None:
                    result.first_sold_out = done - started[0]
                if problem and not result.first_error:
                    result.first_error = problem

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    started[0] = time.perf_counter()
    start_gate.set()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started[0]
    return result


@dataclass
class Scans:
    pairs: int
    seconds: float
    outcomes: Counter[str] = field(default_factory=Counter)  # the pair of results, sorted
    first_error: str = ""


def double_scans(ports: Sequence[int], event: str, codes: Sequence[str], tokens: Sequence[str], at_once: int) -> Scans:
    """Each code scanned by two devices at the same moment (a barrier per pair), device 0 through
    the first server and device 1 through the second."""
    path = f"/api/v1/events/{event}/checkin/scan/"
    lock = threading.Lock()
    pending = list(codes)
    result = Scans(len(codes), 0.0)

    def scan(code: str, side: int, barrier: threading.Barrier, into: list[str]) -> None:
        body = json.dumps({"code": code, "nonce": uuid.uuid4().hex}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Device {tokens[side]}"}
        barrier.wait()
        try:
            status, answer = _post(ports[side % len(ports)], path, body, headers)
            into[side] = json.loads(answer).get("result", f"HTTP {status}") if status < 500 else f"HTTP {status}"
        except (OSError, http.client.HTTPException, ValueError) as exc:
            into[side] = type(exc).__name__

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                code = pending.pop()
            barrier = threading.Barrier(2)
            answers = ["", ""]
            pair = [threading.Thread(target=scan, args=(code, side, barrier, answers)) for side in (0, 1)]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join()
            with lock:
                result.outcomes[" + ".join(sorted(answers))] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


# --- the report -----------------------------------------------------------------------------

EXPECTED_PAIR = "already_checked_in + ok"


def section(
    info: dict[str, str], db_version: str, redis_version: str, r: Rush, scans: Scans, drain: dict[str, Any]
) -> str:
    when = dt.datetime.now(dt.UTC)
    sold_out_at = max(r.sold_at) if r.sold_at else 0.0
    first_sold_out = f"{r.first_sold_out:.2f} s" if r.first_sold_out is not None else "none"
    outcomes = ", ".join(f"{n} × {outcome}" for outcome, n in sorted(r.outcomes.items()))
    pairs = ", ".join(f"{n} × {outcome}" for outcome, n in sorted(scans.outcomes.items()))
    lines = [
        "## Scale-out: two app servers and a task worker on one PostgreSQL and Redis",
        "",
        f"Measured {when:%Y-%m-%d %H:%M} UTC on {info['nproc']} × {info['cpu']} ({info['system']}), "
        f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}, {db_version}, "
        f"Redis {redis_version}; load average before the run: {info['load']}.",
        "",
        "Two gunicorn app servers on two ports of 127.0.0.1 (2 sync workers each, production settings, "
        "`REDIS_URL` set: Redis is the cache of both and the task queue), one RQ task worker "
        "(`manage.py rqworker --job-class django_tasks_rq.Job --worker-class rq.worker.SimpleWorker --with-scheduler`), "
        "all on this machine with the load generator, as [deploy.md](deploy.md) describes them.",
        "",
        "Reproduce: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/scaleout.py` "
        "(`--help` for the options).",
        "",
        f"**Sale rush** — {r.buyers} buyers at once ({r.clients} client threads, a new connection per buyer, "
        f"alternately to either server) for a ticket type with {drain['capacity']} tickets, one ticket each, "
        f"payment by invoice: {outcomes}; **{drain['sold']} tickets sold** (checked in the database), "
        f"{r.fives} 5xx. Sold out after {sold_out_at:.2f} s (the last 201); the first `sold_out` came after "
        f"{first_sold_out}; all {r.buyers} answered within {r.seconds:.2f} s; latency p50 {r.percentile_ms(50):.0f} ms, "
        f"p95 {r.percentile_ms(95):.0f} ms, p99 {r.percentile_ms(99):.0f} ms.",
        "",
        f"**Double scans** — {scans.pairs} paid tickets, each scanned by two door devices at the same moment, "
        f"one through each server ({SCAN_PAIRS_AT_ONCE} pairs at a time): {pairs}; `ok` check-ins recorded per ticket: "
        f"{drain['checkins'].get('1', 0)} tickets with one, {drain['checkins'].get('2', 0)} with two, "
        f"{drain['checkins'].get('0', 0)} with none; {scans.seconds:.2f} s in all.",
        "",
        f"**The task worker** — the {drain['orders']} orders enqueued their order-received mail in Redis; the "
        f"worker had rendered and stored {drain['invoice_pdfs']} of {drain['invoices']} invoice PDFs "
        f"{drain['drain_seconds']:.1f} s after the rush ended.",
    ]
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=BUYERS)
    parser.add_argument("--tickets", type=int, default=TICKETS, help="capacity of the rush's ticket type")
    parser.add_argument("--scan-tickets", type=int, default=SCAN_TICKETS, help="tickets scanned twice at once")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="a Redis database this run may empty")
    parser.add_argument("--quick", action="store_true", help="60 buyers for 20 tickets, 20 double scans; no docs")
    parser.add_argument("--no-docs", action="store_true", help="leave docs/performance.md alone")
    parser.add_argument("--child", choices=["prepare", "check"], help=argparse.SUPPRESS)
    parser.add_argument("--ticket-type", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.buyers, args.tickets, args.scan_tickets, args.no_docs = 60, 20, 20, True
    return args


def run(args: argparse.Namespace) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: the scale-out run needs PostgreSQL: set DATABASE_URL=postgres://…")
    info = machine()
    connection = _redis(args.redis_url)
    redis_version = connection.info("server")["redis_version"]
    connection.flushdb()
    var_dir = Path(tempfile.mkdtemp(prefix="sccon-bench-scaleout-"))
    failures: list[str] = []
    try:
        with database() as bench, ExitStack() as stack:
            env = app_env(var_dir, bench.db)
            env.update({"RATE_LIMITS": "0", "REDIS_URL": args.redis_url, "TASKS_BACKEND": "rq"})
            manage({**env, "TASKS_BACKEND": "immediate"}, "migrate", "--no-input", "-v", "0")
            today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=1))).date()
            manage({**env, "TASKS_BACKEND": "immediate"}, "load_demo", "--force", "--start", today.isoformat())
            if not args.quick:  # the API needs no static files; the pages' manifest takes half a minute
                manage(env, "collectstatic", "--no-input", "-v", "0")
            data = child(
                env, "--child", "prepare", "--tickets", str(args.tickets), "--scan-tickets", str(args.scan_tickets)
            )
            ports = [stack.enter_context(server(env, var_dir)) for _ in range(2)]
            worker = stack.enter_context(task_worker(env, var_dir / "worker.log"))
            print(f"bench: app servers on ports {ports}, task worker pid {worker.pid}")

            result = rush(ports, data["event"], data["ticket_type"], args.buyers, min(RUSH_CLIENTS, args.buyers))
            print(f"bench: rush {dict(result.outcomes)} in {result.seconds:.2f} s")
            scans = double_scans(ports, data["event"], data["codes"], data["tokens"], SCAN_PAIRS_AT_ONCE)
            print(f"bench: double scans {dict(scans.outcomes)}")

            rush_ended = time.perf_counter()
            deadline = rush_ended + 60 + DRAIN_SECONDS_PER_ORDER * result.outcomes.get("201", 0)
            while queue_state(connection) != (0, 0):
                if worker.poll() is not None:
                    failures.append(f"the task worker exited with status {worker.returncode}")
                    break
                if time.perf_counter() > deadline:
                    failures.append(f"the task worker left {queue_state(connection)} (waiting, running) jobs")
                    break
                time.sleep(0.5)
            drain_seconds = time.perf_counter() - rush_ended
            check = child(
                env, "--child", "check", "--ticket-type", str(data["ticket_type"]), stdin=json.dumps(data["codes"])
            )
        check.update({"capacity": args.tickets, "drain_seconds": drain_seconds})
    finally:
        connection.flushdb()
        shutil.rmtree(var_dir, ignore_errors=True)

    if result.errors:
        failures.append(f"{result.errors} rush answers were neither 201 nor 409 sold_out: {result.first_error}")
    if check["sold"] != min(args.tickets, args.buyers):
        failures.append(f"{check['sold']} tickets sold, not {min(args.tickets, args.buyers)}")
    if result.outcomes.get("201", 0) != check["orders"]:
        failures.append(f"{result.outcomes.get('201', 0)} answers 201 but {check['orders']} orders")
    if scans.outcomes != Counter({EXPECTED_PAIR: scans.pairs}):
        failures.append(f"double scans: {dict(scans.outcomes)}")
    if check["checkins"].get("1", 0) != scans.pairs:
        failures.append(f"check-in rows per ticket: {check['checkins']}")
    if check["invoice_pdfs"] != check["orders"]:
        failures.append(f"{check['invoice_pdfs']} invoice PDFs for {check['orders']} orders")

    body = section(info, bench.db.version, redis_version, result, scans, check)
    print()
    print(body)
    if failures:
        print("bench: FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    if not args.no_docs:
        write_section("scaleout", body)
        print("bench: wrote the scale-out section of docs/performance.md")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "prepare":
        sys.stdout.write(json.dumps(prepare_child(args.tickets, args.scan_tickets)))
        return 0
    if args.child == "check":
        sys.stdout.write(json.dumps(check_child(args.ticket_type, json.loads(sys.stdin.read()))))
        return 0
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
