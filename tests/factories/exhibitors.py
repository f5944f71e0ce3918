from decimal import Decimal

import factory
from django.utils.text import slugify

from exhibitors.enums import BookingStatus, BoothType
from exhibitors.models import Booth, BoothBooking, Exhibitor, ExhibitorCategory, ExhibitorStaff
from programme.models import Hall
from tests.factories.programme import EventFactory, VenueFactory


class ExhibitorCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExhibitorCategory

    name_de = factory.Sequence(lambda n: f"Kategorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("venue", "name")

    venue = factory.SubFactory(VenueFactory)
    name = "Halle B"
    level = 3


class ExhibitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibitor

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Digital GmbH {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description_de = "Software für die digitale Verwaltung."
    description_en = "Software for the digital administration."
    website = "https://example.org/"
    city = "Berlin"
    country = "DE"
    is_public = True


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    event = factory.SubFactory(EventFactory)
    hall = factory.LazyAttribute(lambda o: HallFactory(venue=o.event.venue))
    number = factory.Sequence(lambda n: f"B{100 + n}")
    booth_type = BoothType.ROW
    width = Decimal("3.00")
    depth = Decimal("4.00")
    x = factory.Sequence(lambda n: Decimal(4 * (n % 10)))
    y = factory.Sequence(lambda n: Decimal(5 * (n // 10)))


class BoothBookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoothBooking

    exhibitor = factory.SubFactory(ExhibitorFactory)
    event = factory.LazyAttribute(lambda o: o.exhibitor.event)
    wished_booth_type = BoothType.ROW
    wished_width = Decimal("3.00")
    wished_depth = Decimal("4.00")
    contact_name = "Erika Mustermann"
    contact_email = "erika@example.org"
    status = BookingStatus.APPLIED


class ExhibitorStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExhibitorStaff

    exhibitor = factory.SubFactory(ExhibitorFactory)
    user = factory.SubFactory("tests.factories.exhibitors.UserFactory")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    password = factory.django.Password("pw")


def lead_device_with_token(*, exhibitor, name="Lead scanner 1"):  # type: ignore[no-untyped-def]
    """A lead scanner of `exhibitor` (as `create_device --exhibitor` makes it) and its token."""
    from exhibitors.services.booking import lead_device_create

    return lead_device_create(exhibitor=exhibitor, name=name)
