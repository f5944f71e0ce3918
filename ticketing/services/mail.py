"""E-mails to buyers (being written)."""

from ticketing.models import Order, Refund


def order_received_send(*, order: Order) -> None:
    pass


def tickets_send(*, order: Order) -> None:
    pass


def approval_decision_send(*, order: Order) -> None:
    pass


def order_cancelled_send(*, order: Order) -> None:
    pass


def refund_send(*, refund: Refund) -> None:
    pass
