"""Invoices (being written)."""

from ticketing.models import Invoice, Order


def invoice_issue(*, order: Order) -> Invoice:
    raise NotImplementedError


def invoice_issue_if_missing(*, order: Order) -> Invoice | None:
    raise NotImplementedError


def invoice_cancel_all(*, order: Order) -> list[Invoice]:
    return []


def invoice_render(*, invoice: Invoice) -> None:
    raise NotImplementedError


def invoice_credit(*, order: Order, refund: object) -> Invoice:
    raise NotImplementedError
