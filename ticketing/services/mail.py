"""E-mails to buyers: order received, tickets, approval decision, cancellation and refund.

Every mail is written in the order's language as plain text and HTML, from
`templates/ticketing/email/<name>_subject.txt`, `<name>.txt` and `<name>.html` (the HTML ones
extend `_base.html`, a table layout with inline styles that Outlook renders too). Amounts and
dates are formatted for that language; times are shown in Berlin time.

The mails go to `order.email` from `DEFAULT_FROM_EMAIL`, with replies to the seller's address
and an `X-Order` header carrying the order code, through the default mailer (`MAILERS`).

Nothing here swallows errors: a PDF that fails to render or a mail server that refuses raises
out of the function, so the task that called it fails. A mail server that is down or answers
"try again later" makes the task run again later (`config.tasks.retried_on_mail_errors`: after
1 min, 5 min, 30 min, 2 h and 6 h); anything else fails the task for the organisers to see. A
mail is never sent without the attachment it promises.
"""

import datetime as dt
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from programme.models import BERLIN
from ticketing.enums import InvoiceKind, OrderStatus, PaymentMethod, PaymentProvider, RefundStatus
from ticketing.models import Invoice, Order, Refund, Ticket
from ticketing.money import ZERO, quantize
from ticketing.services import invoices as invoice_service
from ticketing.services import tickets as ticket_service

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "ticketing/email"
BRAND_COLOUR = "#004b87"
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
# Languages that write the currency symbol after the amount ("534,31 €"); others before it ("€534.31").
SYMBOL_AFTER_AMOUNT = {"de"}
PDF = "application/pdf"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = PDF


@dataclass(frozen=True)
class Line:
    """One ticket of an order as the mails list it."""

    ticket_type: str
    attendee_name: str
    price: str
    is_cancelled: bool


@dataclass(frozen=True)
class BankTransfer:
    """What a buyer needs to pay by bank transfer."""

    amount: str
    due_on: dt.date | None
    account_holder: str
    iban: str
    bic: str
    bank: str
    reference: str


def format_money(amount: Decimal, currency: str) -> str:
    """`amount` with two decimals and its currency, as the active language writes it:
    "1.534,31 €" in German, "€1,534.31" in English."""
    number = formats.number_format(quantize(amount), 2, use_l10n=True, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower().split("-")[0]
    if language in SYMBOL_AFTER_AMOUNT:
        return f"{number} {symbol}"
    if len(symbol) > 1:
        return f"{symbol} {number}"
    return f"{symbol}{number}"


def order_url(order: Order) -> str:
    """The absolute address of the buyer's order page (it needs no login: the secret is the key)."""
    path = reverse("ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret})
    return f"{settings.SITE_URL}{path}"


def _url(name: str, **kwargs: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs)}"


def _language(order: Order) -> str:
    try:
        return translation.get_supported_language_variant((order.language or settings.LANGUAGE_CODE).lower())
    except LookupError:
        return settings.LANGUAGE_CODE


@contextmanager
def _localised(order: Order) -> Iterator[str]:
    """Render in the order's language and in Berlin time."""
    language = _language(order)
    with translation.override(language), timezone.override(BERLIN):
        yield language


def _invoice(order: Order, *, include_cancelled: bool = False) -> Invoice | None:
    """The order's latest invoice; unless `include_cancelled`, only one no cancellation invoice voids."""
    invoices = order.invoices.filter(kind=InvoiceKind.INVOICE)
    if not include_cancelled:
        invoices = invoices.filter(cancelled_by__isnull=True)
    return invoices.order_by("-year", "-sequence").first()


def _lines(order: Order, *, include_cancelled: bool = False) -> list[Line]:
    tickets = order.tickets.select_related("ticket_type").order_by("pk")
    if not include_cancelled:
        tickets = tickets.filter(is_cancelled=False)
    return [
        Line(
            ticket_type=ticket.ticket_type.name,
            attendee_name=ticket.attendee_name,
            price=format_money(ticket.price_amount, order.currency),
            is_cancelled=ticket.is_cancelled,
        )
        for ticket in tickets
    ]


def _paid_amount(order: Order) -> Decimal:
    return order.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def _refunded_amount(order: Order) -> Decimal:
    return order.refunds.filter(status=RefundStatus.SUCCEEDED).aggregate(total=Sum("amount"))["total"] or ZERO


def _bank_transfer(order: Order, invoice: Invoice | None) -> BankTransfer:
    seller = settings.SELLER
    return BankTransfer(
        amount=format_money(order.total_amount, order.currency),
        due_on=order.payment_due_on,
        account_holder=seller["name"],
        iban=seller["iban"],
        bic=seller["bic"],
        bank=seller["bank_name"],
        reference=" ".join(part for part in (order.code, invoice.number if invoice else "") if part),
    )


def _payment_context(order: Order) -> dict[str, Any]:
    """How the buyer of an unpaid order pays: `payment` is "card" or "transfer"."""
    invoice = _invoice(order)
    context: dict[str, Any] = {"invoice": invoice, "expires_at": order.expires_at}
    if invoice is not None:
        context["invoice_url"] = _url(
            "ticketing:invoice-pdf", event=order.event.slug, code=order.code, secret=order.secret
        )
    if order.payment_method == PaymentMethod.INVOICE:
        context["payment"] = "transfer"
        context["bank"] = _bank_transfer(order, invoice)
    else:
        context["payment"] = "card"
    return context


def _base_context(order: Order, language: str) -> dict[str, Any]:
    event = order.event
    return {
        "language": language,
        "brand_colour": BRAND_COLOUR,
        "order": order,
        "event": event,
        "venue": event.venue,
        "seller": settings.SELLER,
        "order_url": order_url(order),
        "lines": _lines(order),
        "total": format_money(order.total_amount, order.currency),
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    """Plain text without the blank lines and trailing spaces that template tags leave behind."""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def mail_build(
    *,
    template: str,
    context: dict[str, Any],
    to: Sequence[str],
    headers: dict[str, str],
    attachments: Sequence[Attachment] = (),
) -> EmailMultiAlternatives:
    """A mail from `<template>_subject.txt`, `<template>.txt` and `<template>.html` (render it in
    the recipient's language), from `DEFAULT_FROM_EMAIL` with replies to the seller. Other apps'
    mails are built here too, so they look and behave the same."""
    subject = _one_line(render_to_string(f"{template}_subject.txt", context))
    context = {**context, "subject": subject}
    text = _tidy(render_to_string(f"{template}.txt", context))
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=[settings.SELLER["email"]],
        headers={**headers, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def _send(*, order: Order, name: str, context: dict[str, Any], attachments: Sequence[Attachment] = ()) -> None:
    """Render `<name>` (call inside `_localised`) and send it to the buyer."""
    mail_build(
        template=f"{TEMPLATE_DIR}/{name}",
        context=context,
        to=[order.email],
        headers={"X-Order": order.code},
        attachments=attachments,
    ).send()
    logger.info("Sent %s mail for order %s.", name, order.code)


def _skip(name: str, order: Order) -> None:
    logger.info("Not sending %s mail for order %s: its status is now %s.", name, order.code, order.status)


def order_received_send(*, order: Order) -> None:
    """Confirm a new order: what was ordered and what happens next, which depends on its status:
    pay by card on the order page before the hold ends, pay by bank transfer against the invoice,
    or wait for the organisers' approval. An order that expired or was cancelled before this mail
    went out gets none; one already paid is told that its tickets follow. A bank-transfer order
    gets its invoice PDF attached."""
    if order.status == OrderStatus.AWAITING_APPROVAL:
        state = "approval"
    elif order.status == OrderStatus.PENDING:
        state = "payment"
    elif order.status == OrderStatus.PAID:
        state = "paid"
    else:
        _skip("order_received", order)
        return
    with _localised(order) as language:
        context = {**_base_context(order, language), "state": state}
        attachments: list[Attachment] = []
        if state == "payment":
            context.update(_payment_context(order))
            invoice = _invoice(order)
            if invoice is not None:
                # Public buyers pay by bank transfer against this invoice: it travels with the mail.
                attachments.append(
                    Attachment(
                        f"invoice-{_filename_part(invoice.number)}.pdf", invoice_service.invoice_pdf(invoice=invoice)
                    )
                )
        _send(order=order, name="order_received", context=context, attachments=attachments)


def tickets_send(*, order: Order) -> None:
    """Send a paid order's tickets as one PDF (`tickets-<code>.pdf`), with its invoice PDF when
    there is one.

    The PDFs are rendered here. If rendering fails the exception propagates and no mail is sent,
    so the task (`render_and_send_tickets`) fails: a tickets mail without its tickets would only
    confuse the buyer.
    """
    if order.status != OrderStatus.PAID:
        _skip("tickets", order)
        return
    with _localised(order) as language:
        invoice = _invoice(order)
        attachments = [Attachment(f"tickets-{order.code}.pdf", ticket_service.order_tickets_pdf(order=order))]
        if invoice is not None:
            attachments.append(
                Attachment(
                    f"invoice-{_filename_part(invoice.number)}.pdf", invoice_service.invoice_pdf(invoice=invoice)
                )
            )
        context = {**_base_context(order, language), "invoice": invoice}
        _send(order=order, name="tickets", context=context, attachments=attachments)


def ticket_send(*, ticket: Ticket) -> None:
    """Send one ticket to the person it was assigned to (`attendee_email`), in the order's language,
    without the order's link: the holder of one pass cannot change the others. Nothing is sent for a
    ticket that is cancelled, has no e-mail, or whose order is no longer paid."""
    order = ticket.order
    if ticket.is_cancelled or not ticket.attendee_email or order.status != OrderStatus.PAID:
        _skip("ticket", order)
        return
    with _localised(order) as language:
        context = {**_base_context(order, language), "ticket": ticket, "ticket_type": ticket.ticket_type.name}
        attachment = Attachment(f"ticket-{order.code}-{ticket.pk}.pdf", ticket_service.ticket_pdf_bytes(ticket=ticket))
        mail_build(
            template=f"{TEMPLATE_DIR}/ticket",
            context=context,
            to=[ticket.attendee_email],
            headers={"X-Order": order.code},
            attachments=[attachment],
        ).send()
    logger.info("Sent ticket %s of order %s to its holder.", ticket.pk, order.code)


def _filename_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-.") or "invoice"


def approval_decision_send(*, order: Order) -> None:
    """Tell the buyer what the organisers decided about an order that needed approval.

    Approved and free (now paid): the tickets follow in their own mail. Approved and to be paid
    (now pending): how to pay, as in the order-received mail. Rejected (cancelled by the
    decision): the order is cancelled and nothing is charged. An order cancelled later, after
    being approved, is covered by the cancellation mail instead.
    """
    if order.status == OrderStatus.CANCELLED and order.decided_at and order.cancelled_at == order.decided_at:
        decision = "rejected"
    elif order.status in (OrderStatus.PAID, OrderStatus.PENDING) and order.decided_at:
        decision = "approved"
    else:
        _skip("approval_decision", order)
        return
    with _localised(order) as language:
        context = {
            **_base_context(order, language),
            "decision": decision,
            "shop_url": _url("ticketing:shop", event=order.event.slug),
        }
        if decision == "rejected":
            context["lines"] = _lines(order, include_cancelled=True)
        if order.status == OrderStatus.PENDING:
            context.update(_payment_context(order))
        _send(order=order, name="approval_decision", context=context)


def order_cancelled_send(*, order: Order) -> None:
    """Tell the buyer that an order was cancelled and its tickets revoked. `refund` says what
    happens to money paid: "pending" (a refund follows in its own mail), "done" (already paid
    back) or "none" (nothing was paid; an issued invoice is void)."""
    if order.status != OrderStatus.CANCELLED:
        _skip("order_cancelled", order)
        return
    paid = _paid_amount(order)
    refunded = _refunded_amount(order)
    if paid <= 0:
        refund = "none"
    elif refunded < paid:
        refund = "pending"
    else:
        refund = "done"
    with _localised(order) as language:
        context = {
            **_base_context(order, language),
            "lines": _lines(order, include_cancelled=True),
            "refund": refund,
            "paid": format_money(paid, order.currency),
            "invoice": _invoice(order, include_cancelled=True)
            if order.payment_method == PaymentMethod.INVOICE
            else None,
        }
        _send(order=order, name="order_cancelled", context=context)


def _refund_channel(refund: Refund) -> str:
    """Where the money goes: "card", "transfer" or "other" (the way the buyer paid)."""
    provider = refund.payment.provider if refund.payment is not None else ""
    if provider == PaymentProvider.STRIPE or (not provider and refund.order.payment_method == PaymentMethod.STRIPE):
        return "card"
    if provider == PaymentProvider.BANK_TRANSFER or (
        not provider and refund.order.payment_method == PaymentMethod.INVOICE
    ):
        return "transfer"
    return "other"


def refund_send(*, refund: Refund) -> None:
    """Tell the buyer that money went back: the amount, where it goes, and what remains paid on
    the order. Only a refund that succeeded is announced."""
    if refund.status != RefundStatus.SUCCEEDED:
        logger.info("Not sending refund mail for refund %s: its status is %s.", refund.pk, refund.status)
        return
    order = refund.order
    paid = _paid_amount(order)
    refunded = _refunded_amount(order)
    with _localised(order) as language:
        context = {
            **_base_context(order, language),
            "lines": _lines(order, include_cancelled=True),
            "refund": refund,
            "amount": format_money(refund.amount, refund.currency),
            "channel": _refund_channel(refund),
            "paid": format_money(paid, order.currency),
            "refunded": format_money(refunded, order.currency),
            "balance": format_money(max(paid - refunded, ZERO), order.currency),
        }
        _send(order=order, name="refund", context=context)
