"""What happens after an order changes: the one place that wires order events to tickets,
invoices, payments and mail. Called inside the service's transaction; anything that leaves the
database (rendering, e-mail, Stripe) is scheduled with `transaction.on_commit`."""

from collections.abc import Sequence
from typing import Any

from config.tasks import enqueue_on_commit
from programme.models import ScheduleRelease
from ticketing import tasks
from ticketing.enums import OrderStatus, PaymentMethod
from ticketing.models import Order, Refund, Ticket


def order_placed(*, order: Order, tickets: Sequence[Ticket] | None = None) -> None:
    """`tickets`: the order's tickets as the placing transaction just created them (saves the
    invoice a re-read)."""
    if order.status == OrderStatus.PAID:
        order_paid(order=order)
        return
    if order.payment_method == PaymentMethod.INVOICE and order.status == OrderStatus.PENDING:
        # Public buyers pay by bank transfer against this invoice.
        from ticketing.services.invoices import invoice_issue

        invoice_issue(order=order, placed_tickets=tickets)
    enqueue_on_commit(tasks.send_order_received, order.pk)


def order_paid(*, order: Order) -> None:
    from ticketing.services.invoices import invoice_issue_if_missing
    from ticketing.services.tickets import tickets_sign

    tickets_sign(order=order)
    if order.total_amount > 0:
        invoice_issue_if_missing(order=order)
    enqueue_on_commit(tasks.render_and_send_tickets, order.pk)


def order_expired(*, order: Order) -> None:
    from ticketing.services.invoices import invoice_cancel_all

    # An unpaid bank-transfer invoice must not stay valid once the order has lapsed.
    invoice_cancel_all(order=order)
    if order.stripe_checkout_session_id:
        enqueue_on_commit(tasks.expire_checkout_session, order.pk)


def order_approved(*, order: Order) -> None:
    if order.status == OrderStatus.PENDING and order.payment_method == PaymentMethod.INVOICE:
        from ticketing.services.invoices import invoice_issue_if_missing

        invoice_issue_if_missing(order=order)
    enqueue_on_commit(tasks.send_approval_decision, order.pk)


def order_rejected(*, order: Order) -> None:
    enqueue_on_commit(tasks.send_approval_decision, order.pk)


def order_cancelled(*, order: Order, was_paid: bool) -> None:
    from ticketing.services.invoices import invoice_cancel_all

    invoice_cancel_all(order=order)
    from ticketing.services.agenda import seats_release_for_tickets

    seats_release_for_tickets(tickets=order.tickets.all())
    if order.stripe_checkout_session_id and not was_paid:
        enqueue_on_commit(tasks.expire_checkout_session, order.pk)
    enqueue_on_commit(tasks.send_order_cancelled, order.pk)


def release_published(sender: Any, *, release: ScheduleRelease, **kwargs: Any) -> None:
    """A new programme release (the programme's signal): the agenda's part of it."""
    from ticketing.services.agenda import release_published as agenda_release_published

    agenda_release_published(release=release)


def ticket_assigned(*, ticket: Ticket) -> None:
    """A ticket got its holder's e-mail: send them that ticket (after the PDF is rendered again)."""
    enqueue_on_commit(tasks.send_ticket, ticket.pk)


def ticket_renamed(*, ticket: Ticket) -> None:
    if ticket.order.status == OrderStatus.PAID:
        enqueue_on_commit(tasks.render_tickets, ticket.order_id)


def refund_succeeded(*, refund: Refund) -> None:
    """Money went back: a cancellation invoice for the amount, and a mail to the buyer."""
    from ticketing.services.invoices import invoice_credit

    invoice_credit(order=refund.order, refund=refund)
    enqueue_on_commit(tasks.send_refund, refund.pk)
