"""Stripe (being written)."""

from ticketing.models import Order


def checkout_session_url(*, order: Order, return_url: str) -> str:
    raise NotImplementedError


def checkout_session_expire(*, order: Order) -> None:
    raise NotImplementedError
