"""Shop and order pages (being written)."""

from django.http import HttpRequest, HttpResponse


def shop(request: HttpRequest, event: str) -> HttpResponse:
    raise NotImplementedError


order_page = tickets_pdf = invoice_pdf = shop
