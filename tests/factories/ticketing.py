from decimal import Decimal

import factory

from tests.factories.programme import EventFactory
from ticketing.enums import OrderStatus, PaymentMethod, TicketCategory, VoucherKind
from ticketing.models import CheckInList, OfficialDomain, Order, Quota, Ticket, TicketType, Voucher


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketType

    event = factory.SubFactory(EventFactory)
    name_de = factory.Sequence(lambda n: f"3-Tages-Ticket {n}")
    name_en = factory.Sequence(lambda n: f"3-day ticket {n}")
    category = TicketCategory.INDUSTRY
    price_amount = Decimal("534.31")
    vat_rate = Decimal("19.00")


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    size = 100


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: f"BITKOM{n:04d}")
    kind = VoucherKind.PERCENTAGE
    value = Decimal("20.00")
    max_uses = 10


class OfficialDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialDomain
        django_get_or_create = ("domain",)

    domain = "berlin.de"


class OrderFactory(factory.django.DjangoModelFactory):
    """A paid one-ticket order (use `order_place` when the placing rules matter)."""

    class Meta:
        model = Order

    event = factory.SubFactory(EventFactory)
    email = factory.Sequence(lambda n: f"buyer{n}@example.org")
    status = OrderStatus.PAID
    payment_method = PaymentMethod.INVOICE
    total_amount = Decimal("534.31")
    billing_name = "Erika Mustermann"
    billing_street = "Musterstraße 1"
    billing_postcode = "10115"
    billing_city = "Berlin"
    billing_country = "DE"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    order = factory.SubFactory(OrderFactory)
    ticket_type = factory.SubFactory(TicketTypeFactory, event=factory.SelfAttribute("..order.event"))
    attendee_name = factory.Sequence(lambda n: f"Max Mustermann {n}")
    list_price_amount = factory.LazyAttribute(lambda o: o.ticket_type.price_amount)
    price_amount = factory.LazyAttribute(lambda o: o.ticket_type.price_amount)
    vat_rate = Decimal("19.00")


class PaidTicketFactory(TicketFactory):
    """A ticket of a paid order with its signed code, as a scanner sees it."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def signed(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        from ticketing.signing import sign_ticket

        obj.code = sign_ticket(ticket_id=obj.pk, event_id=obj.order.event_id)
        if create:
            obj.save(update_fields=["code", "updated_at"])


class CheckInListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInList

    event = factory.SubFactory(EventFactory)
    name_de = factory.Sequence(lambda n: f"Eingang {n}")
    name_en = factory.Sequence(lambda n: f"Entrance {n}")
    is_default = True


def device_with_token(**kwargs):  # type: ignore[no-untyped-def]
    """A door device (through the service, as `create_device` makes it) and its token."""
    from ticketing.services.checkin import device_create

    return device_create(**{"name": "Door 1", **kwargs})
