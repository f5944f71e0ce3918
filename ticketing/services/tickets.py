"""Tickets: signed QR codes and the tickets PDF."""

from ticketing.models import Order
from ticketing.signing import sign_ticket


def tickets_sign(*, order: Order) -> None:
    """Give every valid ticket of a paid order its signed code (once; a code never changes)."""
    for ticket in order.tickets.filter(is_cancelled=False, code__isnull=True).order_by("pk"):
        ticket.code = sign_ticket(ticket_id=ticket.pk, event_id=order.event_id)
        ticket.save(update_fields=["code", "updated_at"])


def order_tickets_render(*, order: Order) -> None:
    """Render and store the order's tickets PDF (being written)."""
