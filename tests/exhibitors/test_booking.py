"""Booth prices, included passes, applying, confirming (never twice), cancelling, the logo check."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from exhibitors.enums import BookingStatus, BoothStatus, BoothType
from exhibitors.exceptions import BookingNotApplied, BoothTaken, BoothUnavailable
from exhibitors.models import Booth, BoothBooking, BoothRate, Exhibitor, validate_logo
from exhibitors.services.booking import (
    Company,
    application_submit,
    booking_cancel,
    booking_confirm,
    booth_price,
    passes_included,
)
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory
from tests.factories.programme import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("area", "passes"),
    [("4", 3), ("9", 3), ("20", 3), ("29.99", 3), ("30", 4), ("39", 4), ("40", 5), ("100", 11)],
)
def test_passes_included_by_area(area, passes):
    assert passes_included(area=Decimal(area)) == passes


@pytest.mark.parametrize(
    ("booth_type", "price"),
    [
        (BoothType.ROW, "3120.00"),
        (BoothType.CORNER, "3360.00"),
        (BoothType.PENINSULA, "3540.00"),
        (BoothType.ISLAND, "3720.00"),
    ],
)
def test_booth_price_per_sqm_by_type(booth_type, price):
    booth = BoothFactory(booth_type=booth_type, width=Decimal("3"), depth=Decimal("4"))
    assert booth_price(booth=booth) == Decimal(price)


def test_booth_price_package_and_edition_rate():
    event = EventFactory()
    BoothRate.objects.create(event=event, booth_type=BoothType.ROW, price_per_sqm_amount=Decimal("250.00"))
    assert booth_price(booth=BoothFactory(event=event, width=Decimal("2.5"), depth=Decimal("4"))) == Decimal("2500.00")
    pod = BoothFactory(event=event, width=Decimal("2"), depth=Decimal("2"), package_price_amount=Decimal("2500"))
    assert booth_price(booth=pod) == Decimal("2500.00")


def test_booth_below_minimum_needs_a_package_price():
    booth = BoothFactory.build(event=EventFactory(), width=Decimal("2"), depth=Decimal("2"))
    booth.hall = BoothFactory(event=booth.event).hall
    with pytest.raises(ValidationError):
        booth.full_clean()


def test_application_submit_creates_exhibitor_and_application():
    event = EventFactory()
    booking = application_submit(
        event=event,
        company=Company(name="Stadtwerke Musterstadt GmbH", city="Musterstadt", vat_id="de 123456789"),
        wished_booth_type=BoothType.CORNER,
        wished_width=Decimal("4"),
        wished_depth=Decimal("4"),
        contact_name="Max Mustermann",
        contact_email="max@example.org",
        co_exhibitors="Startup A\nStartup B",
    )
    assert booking.status == BookingStatus.APPLIED
    exhibitor = Exhibitor.objects.get()
    assert (exhibitor.slug, exhibitor.vat_id, exhibitor.is_public) == (
        "stadtwerke-musterstadt-gmbh",
        "DE123456789",
        False,
    )
    assert booking.wished_area == Decimal("16")


def test_booking_confirm_books_the_booth_copies_price_and_passes():
    booth = BoothFactory(width=Decimal("5"), depth=Decimal("6"))
    booking = BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event, is_public=False))

    confirmed = booking_confirm(booking=booking, booth=booth)

    assert confirmed.status == BookingStatus.CONFIRMED
    assert confirmed.price_amount == Decimal("7800.00")
    assert confirmed.passes_included == 4
    booth.refresh_from_db()
    assert booth.status == BoothStatus.BOOKED
    assert Exhibitor.objects.get(pk=booking.exhibitor_id).is_public


def test_booking_confirm_second_booking_on_booked_booth_raises_booth_taken():
    booth = BoothFactory()
    first = BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event))
    second = BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event))
    booking_confirm(booking=first, booth=booth)

    with pytest.raises(BoothTaken) as caught:
        booking_confirm(booking=second, booth=booth)

    assert caught.value.code == "booth_taken"
    assert caught.value.http_status == 409
    assert BoothBooking.objects.get(pk=second.pk).status == BookingStatus.APPLIED


def test_booking_confirm_twice_raises_not_applied():
    booth = BoothFactory()
    booking = BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event))
    booking_confirm(booking=booking, booth=booth)
    with pytest.raises(BookingNotApplied):
        booking_confirm(booking=booking, booth=BoothFactory(event=booth.event))


def test_booking_confirm_blocked_booth_raises():
    booth = BoothFactory(status=BoothStatus.BLOCKED)
    with pytest.raises(BoothUnavailable):
        booking_confirm(booking=BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event)), booth=booth)


def test_constraint_allows_one_confirmed_booking_per_booth():
    booth = BoothFactory()
    BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event), booth=booth, status=BookingStatus.CONFIRMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event), booth=booth, status=BookingStatus.CONFIRMED)


def test_booking_cancel_frees_the_booth_for_another_booking():
    booth = BoothFactory()
    first = BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event))
    second = BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event))
    booking_confirm(booking=first, booth=booth)

    cancelled = booking_cancel(booking=first)
    assert booking_cancel(booking=first).status == BookingStatus.CANCELLED  # twice changes nothing

    assert cancelled.status == BookingStatus.CANCELLED
    assert Booth.objects.get(pk=booth.pk).status == BoothStatus.AVAILABLE
    assert booking_confirm(booking=second, booth=booth).status == BookingStatus.CONFIRMED


def _image(fmt: str, size: tuple[int, int] = (10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


def test_logo_accepts_png_and_refuses_fakes_and_big_files():
    validate_logo(SimpleUploadedFile("logo.png", _image("PNG")))
    with pytest.raises(ValidationError):
        validate_logo(SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    with pytest.raises(ValidationError):
        validate_logo(SimpleUploadedFile("logo.gif", _image("GIF")))
    with pytest.raises(ValidationError):
        validate_logo(SimpleUploadedFile("logo.png", _image("PNG") + b"\0" * (2 * 1024 * 1024)))
