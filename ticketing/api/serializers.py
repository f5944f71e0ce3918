from typing import Any

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
    tickets = serializers.ListField(child=OrderTicketInSerializer(), allow_empty=False, max_length=50)
    payment_method = serializers.ChoiceField(choices=[PaymentMethod.STRIPE, PaymentMethod.INVOICE])
    voucher = serializers.CharField(required=False, allow_blank=True, max_length=40)
    billing = BillingInSerializer(required=False)
    language = serializers.ChoiceField(choices=["de", "en"], required=False)


def order_links(order: Order, request: Any) -> dict[str, str]:
    base = reverse("ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret})
    return {
        "url": request.build_absolute_uri(base),
        "tickets_pdf": request.build_absolute_uri(base + "tickets.pdf"),
        "invoice_pdf": request.build_absolute_uri(base + "invoice.pdf"),
    }


class OrderCreatedSerializer(serializers.Serializer[Order]):
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
