"""Invoices (§14 UStG): gap-free numbers, cancellation invoices, the PDF and the XRechnung.

An invoice is a snapshot, never edited after issue: the seller (`settings.SELLER`), the buyer and
the lines are copied into JSON when it is issued, and a change is a new document (a cancellation
invoice, `kind=cancellation`) with its own number. Only the rendered files are added later.

Numbers are `YYYY-NNNNNN`, sequential per calendar year (Europe/Berlin) with no gaps: the number is
taken from the locked `InvoiceCounter` row in the same transaction that creates the invoice, so a
rollback gives it back and concurrent payments queue for it.

JSON layout (amounts are Decimal strings; negative on a cancellation invoice):

- `seller`: `settings.SELLER` as it was (name, address, VAT ID / tax number, e-mail, bank details).
- `buyer`: name, company, street, postcode, city, country, email, vat_id, leitweg_id, po_number,
  language and `payment` (method, due_on, paid_on): what was agreed with this buyer.
- `lines`: position, description, quantity, unit_code, unit_gross, vat_rate, vat_category, net, vat,
  gross, service_from/service_to (the date of supply); on a cancellation invoice each line also has
  `corrects` (id, number, issued_on of the invoice it corrects) and, when a refund caused it,
  `refund` (the refund's id). A full cancellation also sets `Invoice.cancels`; a partial credit
  only references the original in its lines (`cancels` is one-to-one).

The core (`_issue`, `_next_number`, `InvoiceLine`) knows nothing about tickets: `invoice_issue_for`
and `invoice_cancel` issue and cancel an invoice that belongs to no order (a booth, through the
exhibitors app) with its own buyer and lines, from the same counter. Its buyer's `reference` is
shown as the booking number, and its lines may be priced net (`InvoiceLine.from_net`, for
business customers; `vat_category` AE with rate 0 for a reverse charge).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from config.tasks import enqueue_safely
from programme.models import BERLIN
from ticketing import tasks
from ticketing.enums import InvoiceKind, OrderStatus, RefundStatus
from ticketing.exceptions import InvalidOrderState
from ticketing.models import Invoice, InvoiceCounter, Order, Refund, Ticket
from ticketing.money import ZERO, net_from_gross, quantize

VAT_STANDARD = "S"  # EN 16931 VAT category: standard rate
VAT_REVERSE_CHARGE = "AE"  # EN 16931: VAT reverse charge (the recipient owes it)
UNIT_PIECE = "C62"  # UN/ECE Rec. 20 "one": a ticket


# --------------------------------------------------------------------------------------------
# Lines and totals
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice. Gross is authoritative: net = net_from_gross(gross), VAT = gross − net."""

    description: str
    quantity: int
    unit_gross: Decimal
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_category: str = VAT_STANDARD
    unit_code: str = UNIT_PIECE
    service_from: dt.date | None = None
    service_to: dt.date | None = None
    corrects: dict[str, Any] | None = None
    refund: int | None = None
    position: int = 0

    @classmethod
    def from_gross(
        cls, *, description: str, quantity: int, unit_gross: Decimal, vat_rate: Decimal, **extra: Any
    ) -> InvoiceLine:
        gross = quantize(unit_gross * quantity)
        net = net_from_gross(gross, vat_rate)
        return cls(
            description=description,
            quantity=quantity,
            unit_gross=quantize(unit_gross),
            vat_rate=vat_rate,
            net=net,
            vat=gross - net,
            gross=gross,
            **extra,
        )

    @classmethod
    def from_net(
        cls,
        *,
        description: str,
        quantity: int,
        unit_net: Decimal,
        vat_rate: Decimal,
        vat_category: str = VAT_STANDARD,
        **extra: Any,
    ) -> InvoiceLine:
        """A line priced net, as businesses are quoted: VAT = net × rate, rounded once per line."""
        net = quantize(unit_net * quantity)
        vat = quantize(net * vat_rate / 100)
        return cls(
            description=description,
            quantity=quantity,
            unit_gross=quantize((net + vat) / quantity),
            vat_rate=vat_rate,
            net=net,
            vat=vat,
            gross=net + vat,
            vat_category=vat_category,
            **extra,
        )

    def negated(self, **changes: Any) -> InvoiceLine:
        """The same line with the opposite sign (quantity and amounts; the unit price stays positive)."""
        return replace(self, quantity=-self.quantity, net=-self.net, vat=-self.vat, gross=-self.gross, **changes)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "position": self.position,
            "description": self.description,
            "quantity": self.quantity,
            "unit_code": self.unit_code,
            "unit_gross": str(self.unit_gross),
            "vat_rate": str(self.vat_rate),
            "vat_category": self.vat_category,
            "net": str(self.net),
            "vat": str(self.vat),
            "gross": str(self.gross),
            "service_from": self.service_from.isoformat() if self.service_from else None,
            "service_to": self.service_to.isoformat() if self.service_to else None,
        }
        if self.corrects is not None:
            data["corrects"] = self.corrects
        if self.refund is not None:
            data["refund"] = self.refund
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InvoiceLine:
        return cls(
            position=int(data.get("position", 0)),
            description=data["description"],
            quantity=int(data["quantity"]),
            unit_code=data.get("unit_code", UNIT_PIECE),
            unit_gross=Decimal(data["unit_gross"]),
            vat_rate=Decimal(data["vat_rate"]),
            vat_category=data.get("vat_category", VAT_STANDARD),
            net=Decimal(data["net"]),
            vat=Decimal(data["vat"]),
            gross=Decimal(data["gross"]),
            service_from=dt.date.fromisoformat(data["service_from"]) if data.get("service_from") else None,
            service_to=dt.date.fromisoformat(data["service_to"]) if data.get("service_to") else None,
            corrects=data.get("corrects"),
            refund=data.get("refund"),
        )


@dataclass
class VatTotal:
    """The amounts of one VAT rate (and category) on a document: what §14 Abs. 4 Nr. 7/8 asks for."""

    vat_category: str
    vat_rate: Decimal
    net: Decimal = ZERO
    vat: Decimal = ZERO
    gross: Decimal = ZERO


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    return [InvoiceLine.from_json(line) for line in invoice.lines]


def vat_breakdown(lines: Iterable[InvoiceLine]) -> list[VatTotal]:
    """Net, VAT and gross per (category, rate): sums of the lines, so they always match them."""
    totals: dict[tuple[str, Decimal], VatTotal] = {}
    for line in lines:
        key = (line.vat_category, line.vat_rate)
        total = totals.setdefault(key, VatTotal(vat_category=line.vat_category, vat_rate=line.vat_rate))
        total.net += line.net
        total.vat += line.vat
        total.gross += line.gross
    return sorted(totals.values(), key=lambda t: (-t.vat_rate, t.vat_category))


# --------------------------------------------------------------------------------------------
# The core: numbering and issuing (independent of tickets)
# --------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate(timezone.now(), BERLIN)


def _next_number(year: int) -> tuple[int, str]:
    """The next sequence and number of `year`. Call inside the transaction that creates the
    invoice: the counter row stays locked until it commits, and a rollback returns the number.

    The increment is one `UPDATE … RETURNING`, which takes the row lock (on PostgreSQL it waits
    for a concurrent issuer, then counts on from the number that one committed) and answers the
    new value (SQLite has RETURNING since 3.35)."""
    sequence = _increment(year)
    if sequence is None:
        # The year's first invoice: create its counter (a concurrent first one may win) and count.
        InvoiceCounter.objects.bulk_create([InvoiceCounter(year=year)], ignore_conflicts=True)
        sequence = _increment(year)
        assert sequence is not None  # the row exists now
    return sequence, f"{year}-{sequence:06d}"


def _increment(year: int) -> int | None:
    meta = InvoiceCounter._meta
    table, column = meta.db_table, meta.get_field("last_sequence").column
    year_column = meta.get_field("year").column
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 WHERE {year_column} = %s RETURNING {column}",  # noqa: S608
            [year],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _seller_snapshot() -> dict[str, Any]:
    return {key: str(value) for key, value in settings.SELLER.items()}


def _enqueue_render(invoice_id: int) -> None:
    enqueue_safely(tasks.render_invoice, invoice_id)


def _issue(
    *,
    order: Order | None,
    buyer: dict[str, Any],
    lines: Sequence[InvoiceLine],
    kind: str = InvoiceKind.INVOICE,
    cancels: Invoice | None = None,
    render: bool = True,
    savepoint: bool = True,
    currency: str | None = None,
) -> Invoice:
    """Number and store a document; its PDF is rendered after the transaction commits (unless
    `render` is False: the caller has a task that renders it anyway)."""
    if not lines:
        raise InvalidOrderState(extra={"reason": "An invoice needs at least one line."})
    numbered = [replace(line, position=i) for i, line in enumerate(lines, start=1)]
    with transaction.atomic(savepoint=savepoint):
        issued_on = _today()
        sequence, number = _next_number(issued_on.year)
        invoice = Invoice.objects.create(
            order=order,
            kind=kind,
            cancels=cancels,
            year=issued_on.year,
            sequence=sequence,
            number=number,
            issued_on=issued_on,
            seller=_seller_snapshot(),
            buyer=buyer,
            lines=[line.to_json() for line in numbered],
            net_amount=sum((line.net for line in numbered), ZERO),
            vat_amount=sum((line.vat for line in numbered), ZERO),
            gross_amount=sum((line.gross for line in numbered), ZERO),
            currency=order.currency if order is not None else (currency or "EUR"),
        )
        if render:
            transaction.on_commit(lambda: _enqueue_render(invoice.pk))
    return invoice


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("event", "voucher").get(pk=order.pk)


# --------------------------------------------------------------------------------------------
# Orders: buyer and lines
# --------------------------------------------------------------------------------------------


def _buyer_snapshot(order: Order, tickets: Sequence[Ticket] | None = None) -> dict[str, Any]:
    name = order.billing_name
    if not name and not order.billing_company:
        # A card buyer who gave no billing data: the name on the first ticket.
        first = order.tickets.order_by("pk").first() if tickets is None else next(iter(tickets), None)
        name = first.attendee_name if first else ""
    paid_on = timezone.localdate(order.paid_at, BERLIN) if order.paid_at else None
    return {
        "name": name,
        "company": order.billing_company,
        "street": order.billing_street,
        "postcode": order.billing_postcode,
        "city": order.billing_city,
        "country": order.billing_country,
        "email": order.email,
        "vat_id": order.vat_id,
        "leitweg_id": order.leitweg_id,
        "po_number": order.po_number,
        "order_code": order.code,
        "language": order.language,
        "payment": {
            "method": order.payment_method,
            "due_on": order.payment_due_on.isoformat() if order.payment_due_on else None,
            "paid_on": paid_on.isoformat() if paid_on and order.status == OrderStatus.PAID else None,
        },
    }


def _ticket_lines(order: Order, tickets: Sequence[Ticket] | None = None) -> list[InvoiceLine]:
    """One line per ticket type and price, the edition's days as the date of supply. `tickets`:
    the order's tickets in primary-key order with their types, if the caller has them."""
    event = order.event
    groups: dict[tuple[int, Decimal, Decimal], list[Ticket]] = {}
    rows: Iterable[Ticket] = (
        order.tickets.filter(is_cancelled=False).select_related("ticket_type").order_by("pk")
        if tickets is None
        else [t for t in tickets if not t.is_cancelled]
    )
    for ticket in rows:
        groups.setdefault((ticket.ticket_type_id, ticket.price_amount, ticket.vat_rate), []).append(ticket)
    lines = []
    with translation.override(order.language):
        for (_type_id, price, vat_rate), group in groups.items():
            description = f"{group[0].ticket_type.name} – {event.name}"
            list_price = group[0].list_price_amount
            if price != list_price and order.voucher_id is not None:
                # The reduction agreed in advance (§14 Abs. 4 Nr. 7 UStG): the price is after it.
                description += " " + _("(list price %(price)s %(currency)s, voucher %(code)s)") % {
                    "price": number_format(list_price, 2),
                    "currency": order.currency,
                    "code": order.voucher.code if order.voucher else "",
                }
            lines.append(
                InvoiceLine.from_gross(
                    description=description,
                    quantity=len(group),
                    unit_gross=price,
                    vat_rate=vat_rate,
                    service_from=event.start_on,
                    service_to=event.end_on,
                )
            )
    return lines


def _ref(invoice: Invoice) -> dict[str, Any]:
    return {"id": invoice.pk, "number": invoice.number, "issued_on": invoice.issued_on.isoformat()}


def _open_invoices(order: Order) -> list[Invoice]:
    """The order's invoices that no cancellation invoice has cancelled, newest first."""
    return list(
        order.invoices.filter(kind=InvoiceKind.INVOICE, cancelled_by__isnull=True).order_by("-year", "-sequence")
    )


def _credits_of(order: Order) -> dict[int, list[tuple[Invoice, InvoiceLine]]]:
    """Partial credit lines by the id of the invoice they correct."""
    credits: dict[int, list[tuple[Invoice, InvoiceLine]]] = defaultdict(list)
    for document in order.invoices.filter(kind=InvoiceKind.CANCELLATION, cancels__isnull=True).order_by("sequence"):
        for line in invoice_lines(document):
            if line.corrects:
                credits[int(line.corrects["id"])].append((document, line))
    return credits


def _remaining_by_rate(
    invoice: Invoice, credits: list[tuple[Invoice, InvoiceLine]]
) -> dict[tuple[str, Decimal], Decimal]:
    remaining: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in invoice_lines(invoice):
        remaining[(line.vat_category, line.vat_rate)] += line.gross
    for _document, line in credits:
        remaining[(line.vat_category, line.vat_rate)] += line.gross
    return remaining


# --------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------


def invoice_issue(*, order: Order, placed_tickets: Sequence[Ticket] | None = None) -> Invoice:
    """Issue the invoice for an order's tickets (inside the caller's transaction).

    `placed_tickets`: the placing transaction's own order and tickets, just created, so no one
    else sees them before it commits and they cannot be staler than the database: no lock, no
    re-read, no savepoint (that transaction is all or nothing). The order-received mail it
    schedules attaches the invoice PDF, rendering and storing it (`invoice_pdf`): a separate
    render task would only render it twice."""
    if placed_tickets is not None:
        tickets = placed_tickets
        lines = _ticket_lines(order, tickets)
        if order.total_amount <= 0 or not lines:
            raise InvalidOrderState(extra={"reason": "A free order gets no invoice."})
        buyer = _buyer_snapshot(order, tickets)
        return _issue(order=order, buyer=buyer, lines=lines, render=False, savepoint=False)
    with transaction.atomic():
        order = _lock(order)
        lines = _ticket_lines(order)
        if order.total_amount <= 0 or not lines:
            raise InvalidOrderState(extra={"reason": "A free order gets no invoice."})
        return _issue(order=order, buyer=_buyer_snapshot(order), lines=lines)


def invoice_issue_if_missing(*, order: Order) -> Invoice | None:
    """Issue the invoice unless the order has one that is not cancelled (or is free)."""
    with transaction.atomic():
        order = _lock(order)
        if order.total_amount <= 0 or _open_invoices(order):
            return None
        return invoice_issue(order=order)


def _cancel(
    *,
    order: Order | None,
    invoice: Invoice,
    credits: list[tuple[Invoice, InvoiceLine]],
    refund_id: int | None,
    render: bool = True,
) -> Invoice | None:
    """A cancellation invoice for what is left of `invoice` after earlier partial credits."""
    ref = _ref(invoice)
    lines = [line.negated(corrects=ref, refund=refund_id) for line in invoice_lines(invoice)]
    with translation.override(_language(invoice)):
        for document, line in credits:
            lines.append(
                line.negated(
                    description=_("Less the amount already credited with %(number)s of %(date)s")
                    % {"number": document.number, "date": date_format(document.issued_on, "SHORT_DATE_FORMAT")},
                    corrects=ref,
                    refund=refund_id,
                )
            )
    if sum((line.gross for line in lines), ZERO) == 0:
        return None  # fully credited already: nothing left to cancel
    return _issue(
        order=order,
        buyer=invoice.buyer,
        lines=lines,
        kind=InvoiceKind.CANCELLATION,
        cancels=invoice,
        currency=invoice.currency,
        render=render,
    )


def _language(invoice: Invoice) -> str:
    language = invoice.buyer.get("language")
    if not language and invoice.order_id is not None and invoice.order is not None:
        language = invoice.order.language
    return language or settings.LANGUAGE_CODE


def invoice_issue_for(
    *, buyer: dict[str, Any], lines: Sequence[InvoiceLine], currency: str = "EUR", render: bool = True
) -> Invoice:
    """Issue an invoice that belongs to no order (e.g. a booth), numbered like every invoice.

    `buyer` is the snapshot described above (name, company, address, email, vat_id, leitweg_id,
    po_number, language, payment, and optionally `reference`: the caller's number for what is
    invoiced). Runs in the caller's transaction; the PDF is rendered after it commits (unless
    `render` is False: the caller's own task renders it, e.g. to mail it)."""
    return _issue(order=None, buyer=buyer, lines=lines, currency=currency, render=render)


def invoice_cancel(*, invoice: Invoice, render: bool = True) -> Invoice | None:
    """Cancel an invoice that belongs to no order, by a cancellation invoice. The invoice row is
    locked, so two cancellations at once issue one document; a cancelled one returns None."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.order_id is not None:
            raise InvalidOrderState(extra={"reason": "Cancel an order's invoices through the order."})
        if locked.kind != InvoiceKind.INVOICE or Invoice.objects.filter(cancels=locked).exists():
            return None
        return _cancel(order=None, invoice=locked, credits=[], refund_id=None, render=render)


def invoice_cancel_all(*, order: Order) -> list[Invoice]:
    """Cancel every invoice of the order that is not cancelled yet, each by its own cancellation
    invoice. Safe to call again: a cancelled invoice is skipped."""
    with transaction.atomic():
        order = _lock(order)
        credits = _credits_of(order)
        issued = []
        for invoice in reversed(_open_invoices(order)):
            cancellation = _cancel(order=order, invoice=invoice, credits=credits.get(invoice.pk, []), refund_id=None)
            if cancellation is not None:
                issued.append(cancellation)
        return issued


def _money_kept(order: Order, refund: Refund) -> Decimal:
    """What the buyer has paid and not got back once `refund` is paid out."""
    paid = order.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    refunded = (
        order.refunds.filter(status=RefundStatus.SUCCEEDED).exclude(pk=refund.pk).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return paid - refunded - refund.amount


def invoice_credit(*, order: Order, refund: Refund) -> Invoice | None:
    """Correct the invoice for money paid back.

    The credit covers the refund only as far as it reduces what the buyer pays for the order: a
    refund of a second payment credits nothing, and after a full cancellation nothing is left to
    credit. A refund of everything still invoiced cancels the invoice (the same document
    `invoice_cancel_all` would issue; whichever of the two runs first issues it, the other finds
    nothing left); a smaller one issues a cancellation invoice for the refunded amount that
    references the original. Returns the document covering the refund (an earlier one if the
    invoice was already cancelled), or None when the order has no invoice.
    """
    with transaction.atomic():
        order = _lock(order)
        documents = list(order.invoices.filter(kind=InvoiceKind.CANCELLATION).order_by("-year", "-sequence"))
        for document in documents:
            if any(line.get("refund") == refund.pk for line in document.lines):
                return document  # this refund was credited already
        credits = _credits_of(order)
        open_invoices = _open_invoices(order)
        remaining = {inv.pk: _remaining_by_rate(inv, credits.get(inv.pk, [])) for inv in open_invoices}
        still_invoiced = sum((sum(r.values(), ZERO) for r in remaining.values()), ZERO)
        amount = min(refund.amount, max(ZERO, still_invoiced - max(_money_kept(order, refund), ZERO)))
        if amount <= 0:
            return documents[0] if documents else None

        issued: list[Invoice] = []
        partial: list[InvoiceLine] = []
        for invoice in open_invoices:
            left = sum(remaining[invoice.pk].values(), ZERO)
            if amount <= 0 or left <= 0:
                continue
            if amount >= left:
                cancellation = _cancel(
                    order=order, invoice=invoice, credits=credits.get(invoice.pk, []), refund_id=refund.pk
                )
                if cancellation is not None:
                    issued.append(cancellation)
                amount -= left
                continue
            partial.extend(
                _credit_lines(
                    order=order, invoice=invoice, remaining=remaining[invoice.pk], amount=amount, refund=refund
                )
            )
            amount = ZERO
        if partial:
            buyer = open_invoices[0].buyer
            issued.append(_issue(order=order, buyer=buyer, lines=partial, kind=InvoiceKind.CANCELLATION))
        return issued[0] if issued else (documents[0] if documents else None)


def _credit_lines(
    *, order: Order, invoice: Invoice, remaining: dict[tuple[str, Decimal], Decimal], amount: Decimal, refund: Refund
) -> list[InvoiceLine]:
    """Negative lines for `amount` (gross) of `invoice`, split over its VAT rates by what is left."""
    rates = [(key, left) for key, left in sorted(remaining.items(), key=lambda kv: -kv[1]) if left > 0]
    total_left = sum((left for _key, left in rates), ZERO)
    shares: list[tuple[tuple[str, Decimal], Decimal]] = []
    allocated = ZERO
    for i, (key, left) in enumerate(rates):
        share = amount - allocated if i == len(rates) - 1 else min(left, quantize(amount * left / total_left))
        allocated += share
        if share > 0:
            shares.append((key, share))
    service = [line for line in invoice_lines(invoice) if line.service_from]
    with translation.override(order.language):
        description = _("Credit for invoice %(number)s of %(date)s") % {
            "number": invoice.number,
            "date": date_format(invoice.issued_on, "SHORT_DATE_FORMAT"),
        }
        if refund.reason:
            description = f"{description}: {refund.reason}"
    return [
        InvoiceLine.from_gross(
            description=description,
            quantity=-1,
            unit_gross=share,
            vat_rate=rate,
            vat_category=category,
            service_from=service[0].service_from if service else None,
            service_to=service[0].service_to if service else None,
            corrects=_ref(invoice),
            refund=refund.pk,
        )
        for (category, rate), share in shares
    ]


# --------------------------------------------------------------------------------------------
# Rendering: PDF and XRechnung
# --------------------------------------------------------------------------------------------


def _references(invoice: Invoice) -> list[dict[str, Any]]:
    """The invoices a cancellation invoice corrects (number and date), in order."""
    seen: dict[Any, dict[str, Any]] = {}
    for line in invoice.lines:
        ref = line.get("corrects")
        if ref and ref["id"] not in seen:
            seen[ref["id"]] = {"number": ref["number"], "issued_on": dt.date.fromisoformat(ref["issued_on"])}
    return list(seen.values())


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """What the PDF template shows."""
    lines = invoice_lines(invoice)
    payment = dict(invoice.buyer.get("payment") or {})
    for key in ("due_on", "paid_on"):
        payment[key] = dt.date.fromisoformat(payment[key]) if payment.get(key) else None
    froms = [line.service_from for line in lines if line.service_from]
    tos = [line.service_to for line in lines if line.service_to]
    return {
        "invoice": invoice,
        "seller": invoice.seller,
        "buyer": invoice.buyer,
        "lines": lines,
        "breakdown": vat_breakdown(lines),
        "is_cancellation": invoice.kind == InvoiceKind.CANCELLATION,
        "is_correction": invoice.kind == InvoiceKind.CANCELLATION and invoice.cancels_id is None,
        "references": _references(invoice),
        "service_from": min(froms) if froms else None,
        "service_to": max(tos) if tos else None,
        "payment": payment,
        "reverse_charge": any(line.vat_category == "AE" for line in lines),
    }


def _store(invoice: Invoice, field_name: str, data: bytes, extension: str) -> str:
    name = default_storage.save(
        f"invoices/{invoice.year}/{invoice.number}-{secrets.token_urlsafe(12)}.{extension}", ContentFile(data)
    )
    # A service write of the rendered file only; the invoice's content is never edited.
    Invoice.objects.filter(pk=invoice.pk).update(**{field_name: name})
    getattr(invoice, field_name).name = name
    return name


def invoice_render_pdf(*, invoice: Invoice) -> bytes:
    """The invoice as PDF, in the language of its order (not stored)."""
    from ticketing.pdf import render_pdf

    with translation.override(_language(invoice)):
        html = render_to_string("ticketing/pdf/invoice.html", invoice_context(invoice))
    return render_pdf(html)


def invoice_render(*, invoice: Invoice, force: bool = False) -> None:
    """Render and store the PDF (and, for a buyer with a Leitweg-ID, the XRechnung)."""
    if force or not invoice.pdf:
        _store(invoice, "pdf", invoice_render_pdf(invoice=invoice), "pdf")
    if invoice.buyer.get("leitweg_id") and (force or not invoice.xrechnung):
        from ticketing.xrechnung import xrechnung_build

        _store(invoice, "xrechnung", xrechnung_build(invoice=invoice), "xml")


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The stored PDF, rendered now if the background task has not done it yet."""
    if not invoice.pdf:
        invoice_render(invoice=invoice)
    with invoice.pdf.open("rb") as file:
        return file.read()


def invoice_xrechnung(*, invoice: Invoice) -> bytes | None:
    """The stored XRechnung XML (built now if missing); None for a buyer without a Leitweg-ID."""
    if not invoice.buyer.get("leitweg_id"):
        return None
    if not invoice.xrechnung:
        invoice_render(invoice=invoice)
    with invoice.xrechnung.open("rb") as file:
        return file.read()
