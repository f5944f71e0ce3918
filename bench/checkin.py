"""Door check-in benchmark: scans through the API against gunicorn, and offline signature checks.

`.venv/bin/python bench/checkin.py` (PostgreSQL: with `DATABASE_URL` pointing to a loopback
server; a throw-away database `<name>_bench_orders` is created and dropped) migrates a fresh
database, loads the demo edition with `--start` today (so the main entrance admits now), adds
paid tickets with signed codes and one door device per client, starts gunicorn with production
settings (2 sync workers, `RATE_LIMITS=0`) and sends `POST /api/v1/events/<event>/checkin/scan/`
from one thread per client, each with its own keep-alive connection and its own device token,
each code scanned once (so every answer must be 200 with `result: ok`). Server CPU is utime +
stime of the gunicorn workers (and, on PostgreSQL, of the database backends) sampled from /proc.

Then, in this process: how long checking a code's signature offline takes, per code, with the
`cryptography` package (what the server does first) and with WebCrypto's Ed25519 in headless
Chromium (what the scanner page does offline: `crypto.subtle.verify`).

Writes its section of docs/performance.md (`<!-- bench:checkin:<db> -->`), or nothing with
`--no-docs`; any error leaves the file as it was.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from orders import CpuMeter, backend_pids, children, database, gunicorn_master, write_section
from run import DOC, HOST, ROOT, Request, app_env, load_requests, machine, manage, percentile_ms, server

DEFAULT_SCANS = 1500
DEFAULT_CONCURRENCY = (1, 8)
DEFAULT_MAX_SECONDS = 60.0
WARMUP_SCANS = 40
VERIFY_CODES = 2000
QUEUE_DOORS = 20  # the morning queue: doors scanning at once
QUEUE_TICKETS = 5000  # distinct tickets, each scanned once
TARGET_CPU_MS = 3.0
TARGET_P99_MS = 50.0
TARGET_CONCURRENCY = 8
PEER_CPU_MS = 45.0


# --- the child: runs inside Django ----------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare_child(tickets: int, devices: int) -> dict[str, Any]:
    """Paid tickets with signed codes in the demo edition, and door devices; as JSON."""
    _django()
    from programme.models import Event
    from ticketing.models import TicketType
    from ticketing.services.checkin import device_create

    event = Event.objects.order_by("-start_on").first()
    assert event is not None, "load_demo made no edition"
    ticket_type = TicketType.objects.filter(event=event, valid_on__isnull=True, price_amount__gt=0).first()
    assert ticket_type is not None
    codes = paid_codes(event, ticket_type, tickets)
    tokens = [device_create(event=event, name=f"Bench door {n}")[1] for n in range(devices)]
    return {"event": event.slug, "codes": codes, "tokens": tokens}


def paid_codes(event: Any, ticket_type: Any, tickets: int) -> list[str]:
    """The signed codes of `tickets` new tickets of `ticket_type`, in one paid order (inside Django)."""
    from django.db import transaction

    from ticketing.enums import OrderStatus, PaymentMethod
    from ticketing.models import Order, Ticket
    from ticketing.signing import sign_ticket

    with transaction.atomic():
        order = Order.objects.create(
            event=event,
            email="bench@example.org",
            status=OrderStatus.PAID,
            payment_method=PaymentMethod.INVOICE,
            total_amount=ticket_type.price_amount * tickets,
        )
        rows = Ticket.objects.bulk_create(
            Ticket(
                order=order,
                ticket_type=ticket_type,
                attendee_name=f"Bench Attendee {n}",
                list_price_amount=ticket_type.price_amount,
                price_amount=ticket_type.price_amount,
                vat_rate=ticket_type.vat_rate,
            )
            for n in range(tickets)
        )
        for row in rows:
            row.code = sign_ticket(ticket_id=row.pk, event_id=event.pk)
        Ticket.objects.bulk_update(rows, ["code"], batch_size=500)
    return [str(row.code) for row in rows]


def verify_child(codes: list[str]) -> dict[str, Any]:
    """Server-side signature check per code (µs), with the same key the scanner gets."""
    _django()
    from ticketing.signing import public_key_bytes, verify_ticket

    key = public_key_bytes()
    for code in codes[:50]:
        verify_ticket(code, public_key=key)
    started = time.perf_counter()
    ok = sum(verify_ticket(code, public_key=key) is not None for code in codes)
    seconds = time.perf_counter() - started
    return {"codes": len(codes), "ok": ok, "us": seconds / len(codes) * 1e6, "public_key": key.hex()}


def child_main(args: argparse.Namespace) -> int:
    if args.child == "prepare":
        result = prepare_child(args.tickets, args.devices)
    else:
        result = verify_child(json.loads(sys.stdin.read()))
    sys.stdout.write(json.dumps(result))
    return 0


def child(env: dict[str, str], *args: str, stdin: str | None = None, script: str = __file__) -> dict[str, Any]:
    """Run `script` (this one by default) as a child with `args` in `env`; its stdout is JSON."""
    proc = subprocess.run(
        [sys.executable, str(Path(script).resolve()), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench: child {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# --- WebCrypto in Chromium --------------------------------------------------------------------

BROWSER_VERIFY = """
async ([keyHex, codes]) => {
  const key = await crypto.subtle.importKey(
    "raw", new Uint8Array(keyHex.match(/../g).map((h) => parseInt(h, 16))), {name: "Ed25519"}, false, ["verify"]);
  const decode = (text) => {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  };
  const raw = codes.map((code) => decode(code.slice(4)));
  for (const bytes of raw.slice(0, 50)) {
    await crypto.subtle.verify({name: "Ed25519"}, key, bytes.slice(19), bytes.slice(0, 19));
  }
  const started = performance.now();
  let ok = 0;
  for (const bytes of raw) {
    if (await crypto.subtle.verify({name: "Ed25519"}, key, bytes.slice(19), bytes.slice(0, 19))) ok++;
  }
  return {ok, ms: performance.now() - started};
}
"""


def browser_verify(key_hex: str, codes: list[str], origin: str) -> dict[str, Any] | None:
    """µs per code for WebCrypto's Ed25519 in Debian's Chromium, or None when it cannot run here."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page()
            page.goto(origin)  # WebCrypto needs a secure context: a loopback origin is one
            version = browser.version
            result: dict[str, Any] = page.evaluate(BROWSER_VERIFY, [key_hex, codes])
        finally:
            browser.close()
    return {"codes": len(codes), "ok": result["ok"], "us": result["ms"] * 1000 / len(codes), "version": version}


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Level:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    results: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    first_error: str = ""
    seconds: float = 0.0
    app_cpu: float = 0.0
    db_cpu: float | None = None

    @property
    def scans(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.scans / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        return percentile_ms(self.latencies, p)

    def per_scan_ms(self, seconds: float | None) -> float | None:
        return None if seconds is None or not self.scans else seconds / self.scans * 1000


def scan_load(
    port: int, event: str, tokens: Sequence[str], codes: Sequence[str], concurrency: int, max_seconds: float | None
) -> Level:
    """Each code scanned once, by `concurrency` clients, each with its own device token and
    keep-alive connection (`run.load_requests`); an answer other than 200 with `ok` is an error."""
    level = Level(concurrency)
    lock = threading.Lock()
    path = f"/api/v1/events/{event}/checkin/scan/"
    pending = iter(codes)
    local = threading.local()
    devices = iter(tokens)

    def build() -> Request:
        with lock:
            if not hasattr(local, "headers"):  # the thread's first request: its own device
                local.headers = {"Content-Type": "application/json", "Authorization": f"Device {next(devices)}"}
            code = next(pending)
        body = json.dumps({"code": code, "nonce": secrets.token_hex(8)}).encode()
        return Request("POST", path, local.headers, body)

    def check(status: int, body: bytes) -> str:
        result = json.loads(body).get("result", "")
        with lock:
            level.results[result] += 1
        return "" if result == "ok" else f"result {result}: {body[:200]!r}"

    run = load_requests(port, build, len(codes), concurrency, {200}, max_seconds, check)
    level.latencies, level.errors, level.seconds, level.first_error = (
        run.latencies,
        run.errors,
        run.seconds,
        run.first_error,
    )
    non_ok = level.errors - sum(n for result, n in level.results.items() if result != "ok")
    if non_ok:
        level.results["HTTP error"] += non_ok
    return level


def measure(
    port: int,
    event: str,
    tokens: Sequence[str],
    codes: Sequence[str],
    concurrency: int,
    max_seconds: float | None,
    pg_pids: Any,
) -> Level:
    master = gunicorn_master()
    app = CpuMeter(lambda: children(master))
    db = CpuMeter(pg_pids)
    app.start()
    db.start()
    level = scan_load(port, event, tokens, codes, concurrency, max_seconds)
    level.app_cpu = app.stop()
    db_seconds = db.stop()
    level.db_cpu = db_seconds if db.processes else None
    return level


# --- the report ---------------------------------------------------------------------------


def calibration_us() -> float:
    """How fast this machine runs Python right now: µs for `sum(range(1000))` (best of 5 × 2000).
    A shared machine under load runs it several times slower, and every CPU time above with it."""
    import timeit

    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def section(
    db: Any,
    levels: Sequence[Level],
    queue: Level | None,
    offline: dict[str, Any],
    browser: dict[str, Any] | None,
    info: dict[str, Any],
) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    top = next((lv for lv in levels if lv.concurrency == TARGET_CONCURRENCY), levels[-1])
    cpu = [lv.per_scan_ms(lv.app_cpu + (lv.db_cpu or 0)) or 0.0 for lv in levels]
    cpu_met = all(value < TARGET_CPU_MS for value in cpu)
    p99_met = top.percentile_ms(99) < TARGET_P99_MS
    where = "the gunicorn workers and the PostgreSQL backends" if db.kind == "postgresql" else "the gunicorn workers"
    lines = [
        f"## Door check-in: scans through the API — {db.title}",
        "",
        f"Measured {when} on {info['nproc']} × {info['cpu']} ({info['system']}), Python {info['python']}, "
        f"Django {info['django']}, gunicorn {info['gunicorn']}, "
        f"{db.version}; load average before the run: {info['load']} (the load generator shares the machine); "
        f"`sum(range(1000))` took {info['calibration_us']:.1f} µs before and {info['calibration_after_us']:.1f} µs "
        "after the run (a speed reading to compare runs by: it was 14–63 µs on this machine during one afternoon "
        "of shared use, and CPU times grow with it).",
        "",
        "`POST /api/v1/events/<event>/checkin/scan/` with `Authorization: Device <token>` (one device and one "
        'keep-alive connection per client), body `{"code", "nonce"}`, every code of a paid 3-day ticket '
        "scanned once at the default list (the main entrance), so every answer is `ok` and records a check-in; "
        f"gunicorn with 2 sync workers, production settings, `RATE_LIMITS=0`; {WARMUP_SCANS} unmeasured scans "
        "first. Server CPU per scan is the CPU time of " + where + " during the level divided by the scans.",
        "",
        "Reproduce: `"
        + ("DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres " if db.kind == "postgresql" else "")
        + ".venv/bin/python bench/checkin.py` (`--help` for the options).",
        "",
        f"**Targets** — server CPU under {TARGET_CPU_MS:.0f} ms per scan (the leading open-source peer spends "
        f"about {PEER_CPU_MS:.0f} ms): **{'met' if cpu_met else 'not met'}** ("
        + ", ".join(f"{value:.2f} ms at {lv.concurrency}" for value, lv in zip(cpu, levels, strict=True))
        + f"); p99 under {TARGET_P99_MS:.0f} ms at {TARGET_CONCURRENCY} devices: "
        f"**{'met' if p99_met else 'not met'}** ({top.percentile_ms(99):.1f} ms).",
        "",
        "| devices | scans | scans/s | p50 ms | p95 ms | p99 ms | errors | app CPU ms/scan | DB CPU ms/scan | "
        "server CPU ms/scan |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for lv, total in zip(levels, cpu, strict=True):
        lines.append(
            f"| {lv.concurrency} | {lv.scans} | {lv.rate:.0f} | {lv.percentile_ms(50):.1f} | {lv.percentile_ms(95):.1f} "
            f"| {lv.percentile_ms(99):.1f} | {lv.errors} | {_ms(lv.per_scan_ms(lv.app_cpu))} | "
            f"{_ms(lv.per_scan_ms(lv.db_cpu))} | {total:.2f} |"
        )
    if queue is not None:
        fives = sum(n for result, n in queue.results.items() if result.startswith("5"))
        lines += [
            "",
            f"Morning queue: {QUEUE_DOORS} doors at once, {queue.scans} distinct tickets each scanned once: "
            f"{queue.results.get('ok', 0)} `ok`, {fives} 5xx, {queue.errors} errors; all through in "
            f"{queue.seconds:.1f} s ({queue.rate:.0f} scans/s), p50 {queue.percentile_ms(50):.1f} ms, "
            f"p99 {queue.percentile_ms(99):.1f} ms; server CPU "
            f"{_ms(queue.per_scan_ms(queue.app_cpu + (queue.db_cpu or 0)))} ms per scan.",
        ]
    lines += [
        "",
        "Offline signature check per code (what a scanner does without the network): "
        f"{offline['us']:.0f} µs with the `cryptography` package in Python ({offline['codes']} codes)"
        + (
            f", {browser['us']:.0f} µs with WebCrypto Ed25519 in headless Chromium {browser['version']} "
            f"({browser['codes']} codes, as the scanner page checks them)."
            if browser
            else "; WebCrypto in Chromium not measured (no Chromium or Playwright here)."
        ),
    ]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=DEFAULT_SCANS, help="scans per concurrency level")
    parser.add_argument(
        "--concurrency", type=lambda v: tuple(int(x) for x in v.split(",")), default=DEFAULT_CONCURRENCY
    )
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS, help="per level; 0 for no limit")
    parser.add_argument(
        "--queue-tickets", type=int, default=QUEUE_TICKETS, help="morning queue: distinct tickets (0 skips it)"
    )
    parser.add_argument("--no-docs", action="store_true", help="leave docs/performance.md alone")
    parser.add_argument("--child", choices=["prepare", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--tickets", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--devices", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    info: dict[str, Any] = {**machine(), "calibration_us": calibration_us()}
    var_dir = Path(tempfile.mkdtemp(prefix="sccon-bench-checkin-"))
    levels: list[Level] = []
    try:
        with database() as bench:
            db = bench.db
            env = app_env(var_dir, db)
            env.update({"RATE_LIMITS": "0", "DJANGO_BEHIND_PROXY": "0", "TASKS_BACKEND": "immediate"})
            env["TICKET_SIGNING_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
            manage(env, "migrate", "--no-input", "-v", "0")
            today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=1))).date()
            manage(env, "load_demo", "--force", "--start", today.isoformat())
            devices = max(*args.concurrency, QUEUE_DOORS if args.queue_tickets else 2)  # the warm-up uses two
            needed = WARMUP_SCANS + args.scans * len(args.concurrency) + args.queue_tickets
            data = child(env, "--child", "prepare", "--tickets", str(needed), "--devices", str(devices))
            codes: list[str] = data["codes"]
            print(f"bench: {len(codes)} tickets and {devices} devices in {data['event']}")
            with server(env, var_dir) as port, backend_pids(bench) as pg_pids:
                warm = scan_load(port, data["event"], data["tokens"], codes[:WARMUP_SCANS], 2, None)
                if warm.errors:
                    raise SystemExit(f"bench: the warm-up failed: {warm.first_error}")
                offset = WARMUP_SCANS
                for concurrency in args.concurrency:
                    share = codes[offset : offset + args.scans]
                    offset += args.scans
                    level = measure(
                        port, data["event"], data["tokens"], share, concurrency, args.max_seconds or None, pg_pids
                    )
                    levels.append(level)
                    print(
                        f"  c={concurrency:<2} {level.scans:5d} scans {level.rate:7.1f}/s  "
                        f"p99 {level.percentile_ms(99):6.1f} ms  app CPU {_ms(level.per_scan_ms(level.app_cpu))} "
                        f"DB CPU {_ms(level.per_scan_ms(level.db_cpu))} ms/scan  errors {level.errors} {dict(level.results)}"
                    )
                queue = None
                if args.queue_tickets:
                    share = codes[offset : offset + args.queue_tickets]
                    queue = measure(port, data["event"], data["tokens"], share, QUEUE_DOORS, None, pg_pids)
                    print(
                        f"  morning queue: {queue.scans} scans at {QUEUE_DOORS} doors in {queue.seconds:.1f} s, "
                        f"p99 {queue.percentile_ms(99):.1f} ms, {dict(queue.results)}"
                    )
                sample = codes[:VERIFY_CODES]
                offline = child(env, "--child", "verify", stdin=json.dumps(sample))
                browser = browser_verify(offline["public_key"], sample, f"http://{HOST}:{port}/api/v1/events/")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    info["calibration_after_us"] = calibration_us()
    body = section(db, levels, queue, offline, browser, info)
    print()
    print(f"bench: offline check {offline}, browser {browser}")
    print(body)
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all")
    errors = sum(lv.errors for lv in levels) + (queue.errors if queue else 0)
    if offline["ok"] != offline["codes"] or (browser and browser["ok"] != browser["codes"]):
        print("bench: a genuine code failed its offline signature check", file=sys.stderr)
        errors += 1
    if errors:
        print(f"bench: {errors} errors; {DOC.relative_to(ROOT)} left unchanged", file=sys.stderr)
        return 1
    if not args.no_docs:
        write_section(f"checkin:{db.kind}", body)
        print(f"bench: wrote the check-in/{db.title} section of {DOC.relative_to(ROOT)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
