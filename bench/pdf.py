"""Tickets PDF benchmark: how long `order_tickets_pdf_bytes` takes for one ticket and per further
page, warm, and whether memory stays flat over many renders.

`.venv/bin/python bench/pdf.py` sets Django up in this process with production settings
(`DJANGO_DEBUG=0`) on a throw-away SQLite database in a temporary directory, loads the demo edition,
places two paid orders through the services (`order_place` + `order_mark_paid`, which signs the
tickets): one with 1 ticket and one with 10 tickets of the 3-day ticket. After 3 unmeasured renders
of each it renders both alternately 50 times, timing every render with `time.perf_counter` (wall)
and `time.process_time` (CPU); then 10 more renders of each split the time into its parts (QR
codes, WeasyPrint's layout and its PDF writing, timed by wrapping the functions that do them; the
tickets query and template by difference); then it renders the one-ticket order 1,000
times more and reads the resident set size (VmRSS in /proc/self/status) before and every 100 renders.

The time for one ticket is the median of the one-ticket renders; the time per further page is
(median of the ten-ticket renders − median of the one-ticket renders) / 9. Memory is "flat" when
RSS grows by less than 2 MiB from render 100 to the last (the first 100 fill caches: fonts, glyphs,
compiled templates). DEBUG is off because with DEBUG on Django keeps every SQL query of the process
in memory, which would show up as growth here.

The script prints a table and replaces its own section (`<!-- bench:pdf:start -->` … `end -->`) of
docs/performance.md and nothing else; `--no-docs` leaves the file alone. The temporary directory
is removed at the end, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: the programme benchmark's machine facts and the orders benchmark's
# section writer are imported from this directory.
from orders import write_section
from run import DOC, ROOT, machine

DEFAULT_RENDERS = 50
DEFAULT_MEMORY_RENDERS = 1000
DEFAULT_WARMUP = 3
MEMORY_EVERY = 100
MANY = 10  # tickets in the larger order

TARGET_ONE_MS = 60.0
TARGET_PAGE_MS = 10.0
FLAT_MIB = 2.0


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    raise SystemExit("bench: no VmRSS in /proc/self/status")


@dataclass
class Timings:
    wall: list[float]  # seconds
    cpu: list[float]

    def median_ms(self, which: str) -> float:
        return statistics.median(getattr(self, which)) * 1000

    def percentile_ms(self, which: str, p: float) -> float:
        ordered = sorted(getattr(self, which))
        rank = max(1, -(-len(ordered) * p // 100))  # nearest rank
        return ordered[int(rank) - 1] * 1000

    def mean_ms(self, which: str) -> float:
        return statistics.fmean(getattr(self, which)) * 1000

    def min_ms(self, which: str) -> float:
        return min(getattr(self, which)) * 1000


@dataclass
class Results:
    one: Timings
    many: Timings
    pages: tuple[int, int]
    sizes: tuple[int, int]  # bytes of the two PDFs
    rss: list[tuple[int, float]]  # (renders done, MiB)
    weasyprint: str
    harfbuzz_subset: bool
    load_before: str
    load_after: str
    split: dict[str, tuple[float, float]]  # part → (median CPU ms for 1 ticket, for MANY tickets)

    def per_page_ms(self, which: str) -> float:
        return (self.many.median_ms(which) - self.one.median_ms(which)) / (MANY - 1)

    @property
    def growth_total(self) -> float:
        return self.rss[-1][1] - self.rss[0][1]

    @property
    def growth_after_first(self) -> float | None:
        later = [mib for done, mib in self.rss if done >= MEMORY_EVERY]
        return self.rss[-1][1] - later[0] if later else None

    @property
    def flat(self) -> bool | None:
        growth = self.growth_after_first
        return None if growth is None else growth < FLAT_MIB


# --- the Django side -------------------------------------------------------------------------


def setup(var_dir: Path) -> None:
    """Production settings on a throw-away SQLite database under `var_dir`, migrated, with the demo."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "EMAIL_URL": "dummy://",
            "RATE_LIMITS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("TASKS_BACKEND", None)
    sys.path.insert(0, str(ROOT))
    from ticketing.signing import generate_seed  # needs no settings

    os.environ["TICKET_SIGNING_KEY"] = generate_seed()

    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", "--force", stdout=io.StringIO())
    print(f"bench: migrated and loaded the demo ({time.perf_counter() - started:.1f} s)")


def paid_order(tickets: int) -> Any:
    """A paid order of `tickets` 3-day tickets, loaded as the rendering task loads it."""
    from ticketing.enums import OrderStatus, TicketCategory
    from ticketing.models import Order, TicketType
    from ticketing.services.orders import Billing, TicketRequest, order_mark_paid, order_place

    ticket_type = (
        TicketType.objects.filter(
            price_amount__gt=0,
            category=TicketCategory.INDUSTRY,
            valid_on__isnull=True,
            requires_approval=False,
            max_per_order__gte=MANY,
            capacity__isnull=True,
        )
        .select_related("event")
        .order_by("position")
        .first()
    )
    if ticket_type is None:
        raise SystemExit("bench: the demo has no paid 3-day ticket type for 10 tickets")
    names = ["Erika Mustermann", "Jonas Becker", "Sabine Hoffmann", "Lukas Wagner", "Katrin Schulz"]
    placement = order_place(
        event=ticket_type.event,
        email=f"bench-pdf-{tickets}@example.com",
        tickets=[
            TicketRequest(ticket_type_id=ticket_type.pk, attendee_name=f"{names[i % len(names)]} {i + 1}")
            for i in range(tickets)
        ],
        payment_method="invoice",
        billing=Billing(
            name="Erika Mustermann", street="Albrechtstraße 10", postcode="10117", city="Berlin", country="DE"
        ),
        language="de",
    )
    order_mark_paid(order=placement.order, provider="bank_transfer", reference=f"bench-pdf-{tickets}")
    order = Order.objects.select_related("event", "event__venue").get(pk=placement.order.pk)
    if order.status != OrderStatus.PAID:
        raise SystemExit(f"bench: the {tickets}-ticket order is {order.status}, not paid")
    return order


def page_count(pdf: bytes) -> int:
    try:
        import pypdfium2
    except ImportError:
        return -1
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def timed(render: Callable[[], bytes]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    render()
    return time.perf_counter() - wall, time.process_time() - cpu


SPLIT_RENDERS = 10
PARTS = {
    "qr": "QR codes (`qr_svg`, one per ticket)",
    "html": "the tickets query, formatting and the HTML template",
    "weasyprint": "WeasyPrint (`render_pdf`)",
    "layout": "… of which parsing, styling and layout (`_layout`: `HTML.render`)",
    "write": "… of which drawing and writing the PDF (`_write`: `Document.write_pdf`)",
    "total": "all of `order_tickets_pdf_bytes`",
}


def split(orders: Sequence[Any]) -> dict[str, tuple[float, float]]:
    """Median CPU ms of the parts of a render, for each order, all from the same renders: QR codes,
    WeasyPrint's layout and its PDF writing timed by wrapping `ticketing.pdf.qr_svg`, `_layout` and
    `_write` (looked up when called), the rest (query, formatting, template) by difference."""
    import ticketing.pdf as pdf_module
    from ticketing.services.tickets import order_tickets_pdf_bytes

    wrapped = {"qr": "qr_svg", "layout": "_layout", "write": "_write"}
    originals = {part: getattr(pdf_module, name) for part, name in wrapped.items()}
    spent = dict.fromkeys(wrapped, 0.0)

    def timing(part: str) -> Callable[..., Any]:
        original = originals[part]

        def timed_part(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - start

        return timed_part

    medians: dict[str, list[float]] = {key: [] for key in PARTS}
    for part, name in wrapped.items():
        setattr(pdf_module, name, timing(part))
    try:
        for order in orders:
            samples: dict[str, list[float]] = {key: [] for key in PARTS}
            for _ in range(SPLIT_RENDERS):
                spent.update(dict.fromkeys(wrapped, 0.0))
                start = time.process_time()
                order_tickets_pdf_bytes(order=order)
                total = time.process_time() - start
                samples["total"].append(total)
                for part in wrapped:
                    samples[part].append(spent[part])
                samples["weasyprint"].append(spent["layout"] + spent["write"])
                samples["html"].append(total - sum(spent.values()))
            for key, values in samples.items():
                medians[key].append(statistics.median(values) * 1000)
    finally:
        for part, name in wrapped.items():
            setattr(pdf_module, name, originals[part])
    return {key: (values[0], values[1]) for key, values in medians.items()}


def measure(args: argparse.Namespace) -> Results:
    from weasyprint import __version__ as weasyprint_version
    from weasyprint.text.ffi import harfbuzz_subset

    from ticketing.services.tickets import order_tickets_pdf_bytes

    one_order, many_order = paid_order(1), paid_order(MANY)

    def one() -> bytes:
        return order_tickets_pdf_bytes(order=one_order)

    def many() -> bytes:
        return order_tickets_pdf_bytes(order=many_order)

    first, tenth = one(), many()
    pages = (page_count(first), page_count(tenth))
    if -1 not in pages and pages != (1, MANY):
        raise SystemExit(f"bench: expected 1 and {MANY} pages, got {pages}")
    for _ in range(args.warmup):
        one()
        many()

    load_before = f"{os.getloadavg()[0]:.2f}"
    one_t, many_t = Timings([], []), Timings([], [])
    for _ in range(args.renders):  # alternately: a change in the machine's load hits both alike
        for render, into in ((one, one_t), (many, many_t)):
            wall, cpu = timed(render)
            into.wall.append(wall)
            into.cpu.append(cpu)
    print(
        f"bench: {args.renders} renders each: 1 ticket {one_t.median_ms('wall'):.1f} ms, "
        f"{MANY} tickets {many_t.median_ms('wall'):.1f} ms (medians, wall)"
    )
    load_after = f"{os.getloadavg()[0]:.2f}"
    parts = split([one_order, many_order])
    print(f"bench: split into parts ({SPLIT_RENDERS} more renders each)")

    gc.collect()
    rss = [(0, rss_mib())]
    print(f"bench: RSS before {args.memory_renders} one-ticket renders: {rss[0][1]:.1f} MiB")
    for done in range(1, args.memory_renders + 1):
        one()
        if done % MEMORY_EVERY == 0 or done == args.memory_renders:
            gc.collect()
            rss.append((done, rss_mib()))
            print(f"  {done:5d} renders: RSS {rss[-1][1]:.1f} MiB ({rss[-1][1] - rss[0][1]:+.1f})")
    return Results(
        one_t,
        many_t,
        pages,
        (len(first), len(tenth)),
        rss,
        weasyprint_version,
        harfbuzz_subset is not None,
        load_before,
        load_after,
        parts,
    )


# --- report ----------------------------------------------------------------------------------


def _verdict(wall: float, cpu: float, target: float) -> str:
    if wall <= target and cpu <= target:
        return "met"
    if cpu <= target:
        return "**not met** in wall time, met in CPU time (the machine was busy)"
    return "**not met**"


def section(r: Results, info: dict[str, str], when: dt.datetime, args: argparse.Namespace) -> str:
    one_wall, one_cpu = r.one.median_ms("wall"), r.one.median_ms("cpu")
    page_wall, page_cpu = r.per_page_ms("wall"), r.per_page_ms("cpu")
    growth = r.growth_after_first
    if r.flat is None:
        memory = f"not judged: fewer than {MEMORY_EVERY} renders"
    else:
        memory = (
            f"{'met' if r.flat else '**not met**'}: {growth:+.1f} MiB from render {MEMORY_EVERY} to render "
            f"{r.rss[-1][0]} ({r.growth_total:+.1f} MiB from the start)"
        )
    pages = "" if -1 in r.pages else f" ({r.pages[0]} and {r.pages[1]} pages, checked with pypdfium2)"
    lines = [
        "## Tickets PDF rendering",
        "",
        f"Measured {when:%Y-%m-%d %H:%M} UTC on {info['nproc']} × {info['cpu']} ({info['system']}), "
        f"Python {info['python']}, Django {info['django']}, WeasyPrint {r.weasyprint} "
        f"(HarfBuzz font subsetting: {'yes' if r.harfbuzz_subset else 'no, fontTools'}); load average "
        f"{info['load']} before the run, {r.load_before} when the timed renders started and "
        f"{r.load_after} when they ended (other engineers share this machine; the timings are medians, and CPU "
        "time is less affected by them than wall time).",
        "",
        "`ticketing.services.tickets.order_tickets_pdf_bytes` in one process (production settings, SQLite): "
        f"a paid order with 1 ticket and one with {MANY} tickets of the 3-day ticket{pages}, "
        f"{args.warmup} unmeasured renders each, then {args.renders} renders of each, alternately. "
        "A render reads the tickets, builds a QR code per ticket, renders the template and lays out and "
        f"writes the PDF with WeasyPrint; the PDFs are {r.sizes[0] / 1024:.0f} KiB and "
        f"{r.sizes[1] / 1024:.0f} KiB. Per further page = (median for {MANY} tickets − median for 1) / "
        f"{MANY - 1}. Memory: VmRSS after a garbage collection, before and every {MEMORY_EVERY} of "
        f"{r.rss[-1][0]} one-ticket renders.",
        "",
        "Reproduce: `.venv/bin/python bench/pdf.py` (`--help` for the options).",
        "",
        "**Targets**",
        "",
        f"- One-ticket order in {TARGET_ONE_MS:.0f} ms or less, warm: {_verdict(one_wall, one_cpu, TARGET_ONE_MS)} "
        f"— median {one_wall:.1f} ms wall, {one_cpu:.1f} ms CPU.",
        f"- {TARGET_PAGE_MS:.0f} ms or less per further page: {_verdict(page_wall, page_cpu, TARGET_PAGE_MS)} — "
        f"{page_wall:.1f} ms wall, {page_cpu:.1f} ms CPU.",
        f"- Memory flat over {r.rss[-1][0]} renders (less than {FLAT_MIB:.0f} MiB of growth after the first "
        f"{MEMORY_EVERY}): {memory}.",
        "",
        "| order | renders | median ms | mean ms | p95 ms | min ms | median CPU ms | mean CPU ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, t in (("1 ticket", r.one), (f"{MANY} tickets", r.many)):
        lines.append(
            f"| {name} | {len(t.wall)} | {t.median_ms('wall'):.1f} | {t.mean_ms('wall'):.1f} | "
            f"{t.percentile_ms('wall', 95):.1f} | {t.min_ms('wall'):.1f} | {t.median_ms('cpu'):.1f} | "
            f"{t.mean_ms('cpu'):.1f} |"
        )
    lines.append(f"| per further page | | {page_wall:.1f} | | | | {page_cpu:.1f} | |")
    lines += [
        "",
        f"Where the time goes (median CPU ms of {SPLIT_RENDERS} more renders of each order, timed by wrapping "
        "`ticketing.pdf.qr_svg` and WeasyPrint's two steps `ticketing.pdf._layout` and `_write` in the same "
        "renders, the rest by difference; medians of each part, so the rows need not add up exactly; a "
        "separate measurement from the table above):",
        "",
        f"| part | 1 ticket | {MANY} tickets | per further page |",
        "|---|--:|--:|--:|",
        *(
            f"| {label} | {r.split[key][0]:.1f} | {r.split[key][1]:.1f} | "
            f"{(r.split[key][1] - r.split[key][0]) / (MANY - 1):.1f} |"
            for key, label in PARTS.items()
        ),
        "",
        "What a page costs and why (see `ticketing/pdf.py` and `templates/ticketing/pdf/tickets.css`): the QR "
        "matrix is made with a fixed mask (`qr_modules`: scoring all 8 masks in pure Python cost about 30 ms a "
        "code) and drawn as one path outlining the dark areas, about 1,600 `h`/`v` commands for a version-7 "
        "code, which WeasyPrint parses and draws command by command in Python; that is still the largest single "
        "part of `_write`. Details and QR code float side by side: as a grid, WeasyPrint measured the min- and "
        "max-content width of every item (line-breaking every text at every `overflow-wrap: anywhere` "
        "opportunity) and laid the items out twice, over half of a page's layout time. The PDF stays tagged "
        "(`pdf_tags=True`): tagging cost about 3 % in an A/B run. The stylesheet is parsed once per process "
        "(`render_pdf(stylesheet=...)`), not from a `<style>` element in every render. The rest is WeasyPrint's work per box and "
        "per line of text in Python (computed styles, a Pango layout per line, drawing each glyph run): a "
        "ticket page has about 25 lines. Measured by hand on 2026-12-06 (quiet machine): with the QR code "
        "replaced by an empty SVG a further page still cost 29 ms (43 with it), so the QR is about a third "
        "of a page and WeasyPrint's layout and drawing of the rest about two thirds; the QR drawn as one "
        "dashed stroke per row (45 `<path>` elements instead of 1,600 commands) cost the same. 10 ms per page "
        "is out of reach while WeasyPrint lays out and draws every page itself.",
        "",
        "Memory, one-ticket renders:",
        "",
        "| renders | " + " | ".join(str(done) for done, _ in r.rss) + " |",
        "|---|" + "--:|" * len(r.rss),
        "| RSS MiB | " + " | ".join(f"{mib:.1f}" for _, mib in r.rss) + " |",
    ]
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("a positive integer")
    return number


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("zero or a positive integer")
    return number


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--renders", type=_positive, default=DEFAULT_RENDERS, help="timed renders per order (50)")
    parser.add_argument(
        "--memory-renders",
        type=_positive,
        default=DEFAULT_MEMORY_RENDERS,
        help="one-ticket renders for the memory check (1000)",
    )
    parser.add_argument("--warmup", type=_count, default=DEFAULT_WARMUP, help="unmeasured renders per order (3)")
    parser.add_argument("--no-docs", action="store_true", help="print the results only, leave docs/performance.md")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    info = machine()  # before anything of ours runs: the load average is the machine's own
    if info["load"] != "unknown" and float(info["load"]) > 0.5:
        print(f"bench: warning: load average {info['load']}; other processes will skew the numbers", file=sys.stderr)
    var_dir = Path(tempfile.mkdtemp(prefix="sccon-bench-pdf-"))
    try:
        setup(var_dir)
        results = measure(args)
        from django.db import connections

        connections.close_all()
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    body = section(results, info, dt.datetime.now(dt.UTC), args)
    print()
    print(body)
    print(f"\nbench: {time.perf_counter() - started:.0f} s in all")
    if not args.no_docs:
        write_section("pdf", body)
        print(f"bench: wrote the PDF section of {DOC.relative_to(ROOT)}")
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\nbench: interrupted; cleaned up", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
