from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.urls import reverse
from rest_framework import serializers
from stdnum.de import leitweg
from stdnum.eu import vat

from ticketing.enums import PaymentMethod
from ticketing.models import Order, Ticket
from ticketing.selectors import Availability

MAX_ID = 2**63 - 1


class TicketTypeSerializer(serializers.Serializer[Availability]):
    id = serializers.IntegerField(source="ticket_type.pk")
    name = serializers.CharField(source="ticket_type.name")
    description = serializers.CharField(source="ticket_type.description")
    category = serializers.CharField(source="ticket_type.category")
    price = serializers.DecimalField(source="ticket_type.price_amount", max_digits=12, decimal_places=2)
    vat_rate = serializers.DecimalField(source="ticket_type.vat_rate", max_digits=5, decimal_places=2)
    currency = serializers.CharField(source="ticket_type.currency")
    valid_on = serializers.DateField(source="ticket_type.valid_on", allow_null=True)
    min_per_order = serializers.IntegerField(source="ticket_type.min_per_order")
    max_per_order = serializers.IntegerField(source="ticket_type.max_per_order")
    requires_approval = serializers.BooleanField(source="ticket_type.requires_approval")
    is_on_sale = serializers.BooleanField()
    available = serializers.IntegerField(allow_null=True, help_text="Tickets left; null when unlimited.")


class OrderTicketInSerializer(serializers.Serializer[Any]):
    ticket_type = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    attendee_name = serializers.CharField(max_length=200)
    attendee_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)


class BillingInSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    company = serializers.CharField(required=False, allow_blank=True, max_length=200)
    street = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=20)
    city = serializers.CharField(max_length=100)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2, help_text="ISO 3166-1 alpha-2, e.g. DE.")
    vat_id = serializers.CharField(required=False, allow_blank=True, max_length=20)
    leitweg_id = serializers.CharField(required=False, allow_blank=True, max_length=50)
    po_number = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_vat_id(self, value: str) -> str:
        if value and not vat.is_valid(value):
            raise serializers.ValidationError("Not a well-formed EU VAT ID.")
        return vat.compact(value) if value else ""

    def validate_leitweg_id(self, value: str) -> str:
        if value and not leitweg.is_valid(value):
            raise serializers.ValidationError("Not a valid Leitweg-ID.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("name") and not attrs.get("company"):
            raise serializers.ValidationError({"name": "A name or a company is needed."})
        return attrs


class OrderCreateSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    tickets = serializers.ListField(child=OrderTicketInSerializer(), allow_empty=False, min_length=1, max_length=50)
    payment_method = serializers.ChoiceField(choices=[PaymentMethod.STRIPE, PaymentMethod.INVOICE])
    voucher = serializers.CharField(required=False, allow_blank=True, max_length=40)
    billing = BillingInSerializer(required=False)
    language = serializers.ChoiceField(choices=["de", "en"], required=False)


PAYMENT_METHODS = {str(m): m for m in (PaymentMethod.STRIPE, PaymentMethod.INVOICE)}
LANGUAGES = frozenset({"de", "en"})
BILLING_TEXT = {  # field: (max_length, required); country, vat_id and leitweg_id have their own rules
    "name": (200, False),
    "company": (200, False),
    "street": (200, True),
    "postcode": (20, True),
    "city": (100, True),
    "po_number": (100, False),
}


def order_create_validate(data: Any) -> dict[str, Any]:
    """The body of an order as `OrderCreateSerializer` validates it (the same values).

    DRF serializers cost milliseconds per order. A plain check accepts the common well-formed
    body (a JSON object with nothing to coerce) and builds the same validated data; for anything
    else the serializer decides, so every error keeps its message and shape."""
    validated = _order_create_plain(data)
    if validated is None:
        serializer = OrderCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        validated = dict(serializer.validated_data)
    return validated


def _text(value: Any, max_length: int, *, allow_blank: bool = False) -> str | None:
    """`value` as a CharField cleans it (stripped), or None unless plainly valid."""
    if type(value) is not str:
        return None
    value = value.strip()
    if (not value and not allow_blank) or len(value) > max_length or "\x00" in value:
        return None
    try:
        value.encode()  # a lone surrogate fails here (and in DRF)
    except UnicodeEncodeError:
        return None
    return value


def _email(value: Any, *, allow_blank: bool = False) -> str | None:
    value = _text(value, 254, allow_blank=allow_blank)
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            return None
    return value


def _order_create_plain(data: Any) -> dict[str, Any] | None:
    """The validated data for a plainly valid body, else None (the serializer decides)."""
    if type(data) is not dict:
        return None
    email = _email(data.get("email"))
    method_name = data.get("payment_method")
    method = PAYMENT_METHODS.get(method_name) if isinstance(method_name, str) else None
    tickets = data.get("tickets")
    if email is None or method is None or type(tickets) is not list or not 1 <= len(tickets) <= 50:
        return None
    result: dict[str, Any] = {"email": email, "payment_method": method}
    lines = []
    for ticket in tickets:
        if type(ticket) is not dict:
            return None
        type_id = ticket.get("ticket_type")
        name = _text(ticket.get("attendee_name"), 200)
        if type(type_id) is not int or not 1 <= type_id <= MAX_ID or name is None:
            return None
        line: dict[str, Any] = {"ticket_type": type_id, "attendee_name": name}
        if "attendee_email" in ticket:
            attendee_email = _email(ticket["attendee_email"], allow_blank=True)
            if attendee_email is None:
                return None
            line["attendee_email"] = attendee_email
        lines.append(line)
    result["tickets"] = lines
    if "voucher" in data:
        voucher = _text(data["voucher"], 40, allow_blank=True)
        if voucher is None:
            return None
        result["voucher"] = voucher
    if "language" in data:
        if type(data["language"]) is not str or data["language"] not in LANGUAGES:
            return None
        result["language"] = data["language"]
    if "billing" in data:
        billing = _billing_plain(data["billing"])
        if billing is None:
            return None
        result["billing"] = billing
    return result


def _billing_plain(data: Any) -> dict[str, str] | None:
    if type(data) is not dict:
        return None
    billing: dict[str, str] = {}
    for name, (max_length, required) in BILLING_TEXT.items():
        if name in data:
            value = _text(data[name], max_length, allow_blank=not required)
            if value is None:
                return None
            billing[name] = value
        elif required:
            return None
    country = _text(data.get("country"), 2)
    if country is None or len(country) != 2 or not country.isascii() or not country.isalpha():
        return None
    billing["country"] = country
    for name, max_length, check, clean in (
        ("vat_id", 20, vat.is_valid, vat.compact),
        ("leitweg_id", 50, leitweg.is_valid, str),
    ):
        if name in data:
            value = _text(data[name], max_length, allow_blank=True)
            if value is None or (value and not check(value)):
                return None
            billing[name] = clean(value) if value else ""
    if not billing.get("name") and not billing.get("company"):
        return None
    return billing


def order_links(order: Order, request: Any) -> dict[str, str]:
    base = reverse("ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret})
    return {
        "url": request.build_absolute_uri(base),
        "tickets_pdf": request.build_absolute_uri(base + "tickets.pdf"),
        "invoice_pdf": request.build_absolute_uri(base + "invoice.pdf"),
    }


_TOTAL = serializers.DecimalField(max_digits=12, decimal_places=2)
_EXPIRES_AT = serializers.DateTimeField(allow_null=True)


def order_created_data(order: Order, *, url: str, payment_url: str | None) -> dict[str, Any]:
    """What `OrderCreatedSerializer` gives for a new order (the same fields, formatted by the same
    DRF fields), without building a serializer per request."""
    data: dict[str, Any] = {
        "code": str(order.code),
        "secret": str(order.secret),
        "status": str(order.status),
        "total": _TOTAL.to_representation(order.total_amount),
        "currency": str(order.currency),
        "expires_at": None if order.expires_at is None else _EXPIRES_AT.to_representation(order.expires_at),
        "url": url,
    }
    if payment_url is not None:
        data["payment_url"] = payment_url
    return data


def order_url(order: Order, request: Any) -> str:
    """The order page, absolute."""
    path = reverse("ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret})
    return str(request.build_absolute_uri(path))


class OrderCreatedSerializer(serializers.Serializer[Order]):
    """The 201 answer to a new order (`order_created_data` builds it; this documents it)."""

    code = serializers.CharField()
    secret = serializers.CharField()
    status = serializers.CharField()
    total = serializers.DecimalField(source="total_amount", max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()
    payment_url = serializers.SerializerMethodField()

    def get_url(self, order: Order) -> str:
        return order_links(order, self.context["request"])["url"]

    def get_payment_url(self, order: Order) -> str | None:
        return self.context.get("payment_url")

    def to_representation(self, instance: Order) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data["payment_url"] is None:
            del data["payment_url"]
        return data


class OrderTicketSerializer(serializers.ModelSerializer[Ticket]):
    code = serializers.SerializerMethodField(help_text="The QR content, once the order is paid.")
    pdf_url = serializers.SerializerMethodField()
    ticket_type = serializers.IntegerField(source="ticket_type_id")
    ticket_type_name = serializers.CharField(source="ticket_type.name")
    price = serializers.DecimalField(source="price_amount", max_digits=12, decimal_places=2)

    class Meta:
        model = Ticket
        fields = ["id", "ticket_type", "ticket_type_name", "attendee_name", "price", "is_cancelled", "code", "pdf_url"]

    def get_code(self, ticket: Ticket) -> str | None:
        return ticket.code if ticket.order.status == "paid" and not ticket.is_cancelled else None

    def get_pdf_url(self, ticket: Ticket) -> str | None:
        if ticket.order.status != "paid" or ticket.is_cancelled:
            return None
        return order_links(ticket.order, self.context["request"])["tickets_pdf"]


class OrderSerializer(serializers.ModelSerializer[Order]):
    total = serializers.DecimalField(source="total_amount", max_digits=12, decimal_places=2)
    event = serializers.CharField(source="event.slug")
    links = serializers.SerializerMethodField()
    tickets = OrderTicketSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "code",
            "event",
            "status",
            "payment_method",
            "total",
            "currency",
            "expires_at",
            "payment_due_on",
            "created_at",
            "paid_at",
            "links",
            "tickets",
        ]

    def get_links(self, order: Order) -> dict[str, str]:
        return order_links(order, self.context["request"])
