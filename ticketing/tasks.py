"""Background work of the ticket shop (Django's task framework). Tasks take ids, load, and call
a service. In development and tests they run immediately; in production a worker runs them."""

from django.tasks import task

from config.tasks import retried_later, retried_on_mail_errors
from ticketing.models import Invoice, Order, Refund, Ticket


def _order(order_id: int) -> Order | None:
    return Order.objects.select_related("event", "event__venue").filter(pk=order_id).first()


@task
@retried_on_mail_errors
def send_order_received(order_id: int) -> None:
    from ticketing.services.mail import order_received_send

    if order := _order(order_id):
        order_received_send(order=order)


@task
def render_tickets(order_id: int) -> None:
    from ticketing.services.tickets import order_tickets_render

    if order := _order(order_id):
        order_tickets_render(order=order)


@task
@retried_on_mail_errors
def render_and_send_tickets(order_id: int) -> None:
    from ticketing.services.mail import tickets_send
    from ticketing.services.tickets import order_tickets_render

    if order := _order(order_id):
        order_tickets_render(order=order)
        tickets_send(order=order)


def _stripe_unreachable(exc: BaseException) -> bool:
    from ticketing.exceptions import PaymentProviderUnavailable

    return isinstance(exc, PaymentProviderUnavailable)


@task
@retried_later(_stripe_unreachable)
def expire_checkout_session(order_id: int) -> None:
    from ticketing.services.stripe_payments import checkout_session_expire

    if order := _order(order_id):
        checkout_session_expire(order=order)


@task
@retried_on_mail_errors
def send_approval_decision(order_id: int) -> None:
    from ticketing.services.mail import approval_decision_send

    if order := _order(order_id):
        approval_decision_send(order=order)


@task
@retried_on_mail_errors
def send_order_cancelled(order_id: int) -> None:
    from ticketing.services.mail import order_cancelled_send

    if order := _order(order_id):
        order_cancelled_send(order=order)


@task
@retried_on_mail_errors
def send_refund(refund_id: int) -> None:
    from ticketing.services.mail import refund_send

    if refund := Refund.objects.select_related("order__event").filter(pk=refund_id).first():
        refund_send(refund=refund)


@task
@retried_on_mail_errors
def send_ticket(ticket_id: int) -> None:
    from ticketing.services.mail import ticket_send

    if ticket := Ticket.objects.select_related("order__event__venue", "ticket_type").filter(pk=ticket_id).first():
        ticket_send(ticket=ticket)


@task
def render_invoice(invoice_id: int) -> None:
    from ticketing.services.invoices import invoice_render

    if invoice := Invoice.objects.select_related("order__event").filter(pk=invoice_id).first():
        invoice_render(invoice=invoice)


@task
@retried_on_mail_errors
def send_seat_booked(booking_id: int) -> None:
    from ticketing.services.agenda_mail import seat_mail_send

    seat_mail_send(booking_id=booking_id, from_waiting_list=False)


@task
@retried_on_mail_errors
def send_seat_from_waiting_list(booking_id: int) -> None:
    from ticketing.services.agenda_mail import seat_mail_send

    seat_mail_send(booking_id=booking_id, from_waiting_list=True)


@task
@retried_on_mail_errors
def send_agenda_changes(ticket_id: int, release_id: int) -> None:
    from ticketing.services.agenda_mail import agenda_changes_send

    agenda_changes_send(ticket_id=ticket_id, release_id=release_id)
