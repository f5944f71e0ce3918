"""The ticket shop and the order page. Views parse input, call a selector or a service, render.

The shop has two steps without any JavaScript: choose quantities, then attendees, billing and
payment. The choice travels in hidden fields; a random token per rendering of the second step is
the order's idempotency key, so a double submit cannot buy twice.
"""

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from config.exceptions import ApplicationError, ServiceUnavailable
from config.i18n import active_language
from config.middleware import is_lock_timeout
from config.ratelimit import OrderCreateThrottle, secret_lookup
from programme.cache import event_public
from programme.exceptions import EventNotFound
from programme.models import Event
from ticketing.enums import OrderStatus, PaymentMethod
from ticketing.exceptions import (
    BillingRequired,
    IdempotencyKeyReused,
    InvalidOrderState,
    InvalidVoucher,
    NotOnSale,
    PaymentMethodUnavailable,
    QuantityOutOfRange,
    SoldOut,
    VoucherExhausted,
)
from ticketing.forms import DetailsForm, QuantitiesForm, RenameForm, VoucherForm, error_links
from ticketing.models import Invoice, Order
from ticketing.selectors import order_get_by_secret
from ticketing.selectors_sales import OrderDetail, ShopOffer, order_detail, order_invoices, shop_offer, shop_quote
from ticketing.services import invoices as invoice_service
from ticketing.services import stripe_payments
from ticketing.services import tickets as ticket_service
from ticketing.services.orders import (
    Billing,
    TicketRequest,
    order_place,
    order_refresh,
    stripe_is_configured,
    ticket_rename,
)

ViewFunc = Callable[..., HttpResponse]


def _private(view: ViewFunc) -> ViewFunc:
    """Pages whose URL holds a secret: never cached, never sent on as a referrer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def _event(slug: str) -> Event:
    try:
        return event_public(slug=slug)
    except EventNotFound as exc:
        raise Http404(exc.message) from exc


def _order(request: HttpRequest, event: str, code: str, secret: str) -> Order:
    order = secret_lookup(request, lambda: order_get_by_secret(code=code, secret=secret, event=event))
    if order is None:
        raise Http404("No such order.")
    return order_refresh(order=order)


def _order_url(order: Order) -> str:
    return reverse("ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret})


# --- the shop -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def shop(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    source = request.POST if request.method == "POST" else request.GET
    voucher_form = VoucherForm(source)
    voucher_code = voucher_form.cleaned_data["voucher"] if voucher_form.is_valid() else ""
    offer = shop_offer(event=edition, voucher_code=voucher_code)
    context: dict[str, Any] = {
        "event": edition,
        "nav": "tickets",
        "offer": offer,
        "voucher_form": voucher_form,
        "voucher_error": offer.voucher_error or (voucher_form.errors.get("voucher", [""])[0]),
    }
    step = request.POST.get("step", "") if request.method == "POST" else ""

    if step == "details":
        carried = QuantitiesForm(request.POST, offers=offer.offers, editable=False)
        if carried.is_valid():
            return _details_step(request, edition, offer, carried, context)
        context["quantities_form"] = QuantitiesForm(offers=offer.offers)
        context["errors"] = error_links(carried)
        return render(request, "ticketing/shop.html", context)
    elif step == "choose":
        chosen = QuantitiesForm(request.POST, offers=offer.offers)
        if chosen.is_valid():
            return _render_details(request, offer, chosen.quantities(), None, context)
        context["quantities_form"] = chosen
        context["errors"] = error_links(chosen)
        return render(request, "ticketing/shop.html", context)
    elif step == "change":
        carried = QuantitiesForm(request.POST, offers=offer.offers, editable=False)
        initial = carried.quantities() if carried.is_valid() else {}
        context["quantities_form"] = QuantitiesForm(
            offers=offer.offers, initial={f"qty_{type_id}": n for type_id, n in initial.items()}
        )
        return render(request, "ticketing/shop.html", context)

    context["quantities_form"] = QuantitiesForm(offers=offer.offers)
    return render(request, "ticketing/shop.html", context)


def _render_details(
    request: HttpRequest,
    offer: ShopOffer,
    quantities: dict[int, int],
    form: DetailsForm | None,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    quote = shop_quote(offer=offer, quantities=quantities)
    if form is None:
        form = DetailsForm(
            initial={"token": secrets.token_urlsafe(24)},
            ticket_types=quote.ticket_types,
            card_available=stripe_is_configured(),
            is_free=quote.is_free,
        )
    context.update(
        {
            "quote": quote,
            "form": form,
            "carried": [(f"qty_{type_id}", n) for type_id, n in quantities.items()],
            "errors": error_links(form) if form.is_bound else [],
        }
    )
    return render(request, "ticketing/shop_details.html", context, status=status)


def _details_step(
    request: HttpRequest, edition: Event, offer: ShopOffer, carried: QuantitiesForm, context: dict[str, Any]
) -> HttpResponse:
    quantities = carried.quantities()
    quote = shop_quote(offer=offer, quantities=quantities)
    form = DetailsForm(
        request.POST,
        ticket_types=quote.ticket_types,
        card_available=stripe_is_configured(),
        is_free=quote.is_free,
    )
    if not form.is_valid():
        return _render_details(request, offer, quantities, form, context)
    data = form.cleaned_data
    billing = None
    if not form.is_free:
        billing = Billing(
            name=data["billing_name"],
            company=data["billing_company"],
            street=data["billing_street"],
            postcode=data["billing_postcode"],
            city=data["billing_city"],
            country=data["billing_country"],
            vat_id=data["vat_id"],
            leitweg_id=data["leitweg_id"],
            po_number=data["po_number"],
        )
    try:
        OrderCreateThrottle().check(request)
        placement = order_place(
            event=edition,
            email=data["email"],
            tickets=[
                TicketRequest(ticket_type_id=type_id, attendee_name=name, attendee_email=email)
                for type_id, name, email in form.attendees()
            ],
            # A free order needs no payment; the service records it as free.
            payment_method=data.get("payment_method") or PaymentMethod.INVOICE,
            voucher_code=offer.voucher_code,
            billing=billing,
            language=active_language(),
            idempotency_key=data["token"],
        )
    except OperationalError as exc:
        if not is_lock_timeout(exc):
            raise
        return _place_failed(request, offer, quantities, form, context, ServiceUnavailable())
    except ApplicationError as exc:
        return _place_failed(request, offer, quantities, form, context, exc)
    order = placement.order
    if order.status == OrderStatus.PENDING and order.payment_method == PaymentMethod.STRIPE:
        return _to_checkout(request, order)
    return redirect(_order_url(order))


def _place_failed(
    request: HttpRequest,
    offer: ShopOffer,
    quantities: dict[int, int],
    form: DetailsForm,
    context: dict[str, Any],
    exc: ApplicationError,
) -> HttpResponse:
    """A domain error from placing the order: shown on the form, with everything typed kept."""
    names = {item.ticket_type.pk: item.ticket_type.name for item in offer.offers}
    type_id = exc.extra.get("ticket_type")
    name = names.get(type_id) if isinstance(type_id, int) else None
    if isinstance(exc, BillingRequired):
        form.add_error(None, exc.message)
        form.mark_billing_missing()
    elif isinstance(exc, PaymentMethodUnavailable) and "payment_method" in form.fields:
        form.add_error("payment_method", exc.message)
    elif isinstance(exc, SoldOut | NotOnSale | QuantityOutOfRange) and name:
        form.add_error(None, f"{exc.message} ({name})")
    elif isinstance(exc, InvalidVoucher | VoucherExhausted):
        form.add_error(None, f"{exc.message} ({offer.voucher_code})")
    elif isinstance(exc, IdempotencyKeyReused):
        form.add_error(
            None,
            _(
                "This form has already been used to place an order; the confirmation is on its way to your "
                "e-mail address. To place another order, please start again."
            ),
        )
    else:
        form.add_error(None, exc.message)
    context["restart"] = isinstance(exc, IdempotencyKeyReused)
    # Busy (503) or too many orders from this address (429): the same form, to send again later.
    response = _render_details(
        request, offer, quantities, form, context, status=exc.http_status if exc.retry_after else 200
    )
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def _to_checkout(request: HttpRequest, order: Order) -> HttpResponse:
    """Off to Stripe's payment page; when Stripe cannot be reached, the order page offers it again."""
    try:
        url = stripe_payments.checkout_session_url(
            order=order, return_url=request.build_absolute_uri(_order_url(order))
        )
    except ApplicationError as exc:
        # Stripe unreachable (PaymentProviderUnavailable), a payment already in progress, …
        messages.error(request, exc.message)
        return redirect(_order_url(order))
    return redirect(url)


# --- the order page -----------------------------------------------------------------------


@_private
@require_http_methods(["GET", "HEAD", "POST"])
def order_page(request: HttpRequest, event: str, code: str, secret: str) -> HttpResponse:
    order = _order(request, event, code, secret)
    submitted: tuple[int, RenameForm] | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "pay":
            if order.status == OrderStatus.PENDING and order.payment_method == PaymentMethod.STRIPE:
                return _to_checkout(request, order)
            messages.info(request, _("This order has no payment due by card."))
            return redirect(_order_url(order))
        if action == "rename":
            renamed = _rename(request, order)
            if isinstance(renamed, HttpResponse):
                return renamed
            submitted = renamed
    detail = order_detail(order=order)
    return _render_order(request, detail, submitted)


def _rename(request: HttpRequest, order: Order) -> HttpResponse | tuple[int, RenameForm]:
    ticket_id = request.POST.get("ticket", "")
    ticket = order.tickets.filter(pk=int(ticket_id)).first() if ticket_id.isdigit() and len(ticket_id) < 19 else None
    if ticket is None:
        raise Http404("No such ticket in this order.")
    form = RenameForm(request.POST, prefix=f"ticket-{ticket.pk}")
    if form.is_valid():
        try:
            ticket_rename(ticket=ticket, attendee_name=form.cleaned_data["attendee_name"])
        except ApplicationError as exc:
            form.add_error("attendee_name", exc.message)
        else:
            messages.success(request, _("The name on the ticket has been changed."))
            return redirect(_order_url(order) + f"#ticket-{ticket.pk}")
    return ticket.pk, form


def _render_order(request: HttpRequest, detail: OrderDetail, submitted: tuple[int, RenameForm] | None) -> HttpResponse:
    rows = []
    for ticket in detail.tickets:
        if submitted and submitted[0] == ticket.pk:
            form = submitted[1]
        else:
            form = RenameForm(prefix=f"ticket-{ticket.pk}", initial={"attendee_name": ticket.attendee_name})
        rows.append((ticket, form))
    order = detail.order
    context = {
        "event": order.event,
        "order": order,
        "detail": detail,
        "rows": rows,
        "errors": error_links(submitted[1]) if submitted else [],
        "seller": settings.SELLER,
        "payment_returning": request.GET.get("paid") == "1" and order.status == OrderStatus.PENDING,
        "card_available": stripe_is_configured(),
        "order_url": _order_url(order),
    }
    return render(request, "ticketing/order.html", context)


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@_private
@require_safe
def tickets_pdf(request: HttpRequest, event: str, code: str, secret: str) -> HttpResponse:
    order = _order(request, event, code, secret)
    if order.status != OrderStatus.PAID:
        raise Http404("The tickets are issued once the order is paid.")
    try:
        body = ticket_service.order_tickets_pdf(order=order)
    except InvalidOrderState as exc:  # e.g. every ticket of the order was cancelled
        raise Http404(exc.message) from exc
    return _pdf(body, f"{order.event.slug}-{order.code}-tickets.pdf")


def _invoice_response(invoice: Invoice | None, order: Order) -> HttpResponse:
    if invoice is None:
        raise Http404("This order has no invoice.")
    return _pdf(invoice_service.invoice_pdf(invoice=invoice), f"{order.event.slug}-invoice-{invoice.number}.pdf")


@_private
@require_safe
def invoice_pdf(request: HttpRequest, event: str, code: str, secret: str) -> HttpResponse:
    order = _order(request, event, code, secret)
    detail = OrderDetail(order=order, tickets=[], invoices=order_invoices(order=order), can_rename=False)
    return _invoice_response(detail.invoice, order)


@_private
@require_safe
def invoice_number_pdf(request: HttpRequest, event: str, code: str, secret: str, number: str) -> HttpResponse:
    order = _order(request, event, code, secret)
    invoice = next((i for i in order_invoices(order=order) if i.number == number), None)
    return _invoice_response(invoice, order)


@_private
@require_safe
def invoice_number_xml(request: HttpRequest, event: str, code: str, secret: str, number: str) -> HttpResponse:
    """The XRechnung of one invoice, for a buyer who gave a Leitweg-ID (else 404)."""
    order = _order(request, event, code, secret)
    invoice = next((i for i in order_invoices(order=order) if i.number == number), None)
    body = invoice_service.invoice_xrechnung(invoice=invoice) if invoice is not None else None
    if invoice is None or body is None:
        raise Http404("This order has no such XRechnung.")
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{order.event.slug}-invoice-{invoice.number}.xml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
