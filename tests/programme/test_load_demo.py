import datetime as dt
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from programme import demo_content
from programme.enums import ConflictKind, RoomKind, SessionFormat, SessionStatus, SpeakerRole
from programme.management.commands.load_demo import Command, default_start, parse_start
from programme.models import (
    BERLIN,
    Event,
    Hall,
    OpeningHours,
    ReleasedSession,
    ReleasedSessionSpeaker,
    Room,
    ScheduleRelease,
    Session,
    SessionSpeaker,
    Speaker,
    Track,
    Venue,
)
from programme.selectors import session_conflicts
from programme.services import SNAPSHOT_FIELDS

START = "2030-10-22"


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--force", *(args or ("--start", START)), stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Venue, Hall, Room, Event, OpeningHours, Track, Speaker, Session, SessionSpeaker]
    models += [ScheduleRelease, ReleasedSession, ReleasedSessionSpeaker, User, Group]
    return {model.__name__: model.objects.count() for model in models}


def overlapping(items: list[tuple[dt.datetime, dt.datetime, int]]) -> list[tuple[int, int]]:
    items = sorted(items)
    return [(a[2], b[2]) for i, a in enumerate(items) for b in items[i + 1 :] if b[0] < a[1]]


@pytest.mark.django_db
def test_refuses_without_debug_or_force(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", "--start", START, stdout=StringIO())
    assert not Event.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_runs_with_debug_on_without_force(settings: Any) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", "--start", START, stdout=out)
    assert Event.objects.filter(slug="sccon2030").exists()
    assert "/sccon2030/programme/" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2030-13-01", "2030-02-30", "22.10.2030", "20301022", "tomorrow", ""])
def test_invalid_start_is_refused(value: str) -> None:
    with pytest.raises(CommandError, match="--start"):
        call_command("load_demo", "--force", "--start", value, stdout=StringIO())
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2030, 1, 1), dt.date(2030, 10, 22)),
        (dt.date(2030, 10, 22), dt.date(2030, 10, 22)),
        (dt.date(2030, 10, 23), dt.date(2031, 10, 22)),
        (dt.date(2030, 12, 31), dt.date(2031, 10, 22)),
    ],
)
def test_default_start_is_the_next_22_october(today: dt.date, expected: dt.date) -> None:
    assert default_start(today) == expected


def test_default_start_uses_the_date_in_berlin() -> None:
    # 22:30 UTC on 22 October is already 23 October in Berlin (CEST): next year's edition.
    with time_machine.travel(dt.datetime(2031, 10, 22, 22, 30, tzinfo=dt.UTC), tick=False):
        assert parse_start(None) == dt.date(2032, 10, 22)
    with time_machine.travel(dt.datetime(2031, 10, 22, 21, 30, tzinfo=dt.UTC), tick=False):
        assert parse_start(None) == dt.date(2031, 10, 22)


@pytest.mark.django_db
def test_start_is_respected_also_across_the_clock_change() -> None:
    # 24–26 October 2026: summer time ends in the night to the 25th.
    load("--start", "2026-10-24")
    event = Event.objects.get()
    assert event.slug == "sccon2026"
    assert event.name_de == event.name_en == "Smart Country Convention 2026"
    assert event.is_public
    assert "Litauen" in event.description_de and "Lithuania" in event.description_en
    assert (event.start_on, event.end_on) == (dt.date(2026, 10, 24), dt.date(2026, 10, 26))
    hours = [(h.day_on, h.opens_at, h.closes_at) for h in event.opening_hours.order_by("day_on")]
    assert hours == [
        (dt.date(2026, 10, 24), dt.time(9), dt.time(18)),
        (dt.date(2026, 10, 25), dt.time(9), dt.time(18)),
        (dt.date(2026, 10, 26), dt.time(9), dt.time(17)),
    ]
    days = defaultdict(int)
    for session in Session.objects.all():
        assert session.starts_at is not None and session.ends_at is not None
        local = session.starts_at.astimezone(BERLIN)
        days[local.date()] += 1
        assert local.time() >= dt.time(9), session
    assert set(days) == set(event.days)
    assert all(count >= 30 for count in days.values())
    opening = Session.objects.get(title_de="Eröffnung der Smart Country Convention")
    assert opening.starts_at == dt.datetime(2026, 10, 24, 9, 30, tzinfo=BERLIN)
    assert opening.starts_at.astimezone(dt.UTC).hour == 7  # CEST before the change
    second_day = Session.objects.filter(room__name_en="Main Stage").on_day(dt.date(2026, 10, 25)).first()
    assert second_day is not None
    assert second_day.starts_at == dt.datetime(2026, 10, 25, 9, 30, tzinfo=BERLIN)
    assert second_day.starts_at.astimezone(dt.UTC).hour == 8  # CET after the change


@pytest.mark.django_db
def test_venue_rooms_tracks_speakers_and_sessions() -> None:
    out = load()
    event = Event.objects.get(slug="sccon2030")
    venue = event.venue
    assert (venue.name, venue.address) == ("CityCube Berlin", "Messedamm 26, 14055 Berlin")
    assert (venue.opens_at, venue.closes_at) == (dt.time(9), dt.time(18))
    assert {(h.name, h.level) for h in venue.halls.all()} == {("Halle A", 1), ("Halle B", 3)}

    stages = list(venue.rooms.filter(kind=RoomKind.STAGE).order_by("position"))
    assert [r.name_en for r in stages] == ["Main Stage", "Smart City Stage", "Smart Region Stage", "eGovernment Stage"]
    assert [r.position for r in stages] == [1, 2, 3, 4]
    assert stages[0].name_de == "Hauptbühne" and stages[0].hall is not None and stages[0].hall.name == "Halle B"
    workshops = venue.rooms.filter(kind=RoomKind.WORKSHOP)
    assert sorted(r.name_de[-2:] for r in workshops) == [f"M{n}" for n in range(1, 9)]
    for room in venue.rooms.all():
        assert room.capacity and room.accessibility_notes_de and room.accessibility_notes_en and room.name_en

    assert event.tracks.count() == 6
    assert Speaker.objects.filter(event=event).count() >= 120
    assert Speaker.objects.filter(event=event).exclude(bio_de="").exclude(bio_en="").exclude(
        position_en=""
    ).count() == (Speaker.objects.filter(event=event).count())
    assert any("Vilnius" in s.organisation for s in Speaker.objects.filter(event=event))

    sessions = list(Session.objects.filter(event=event).select_related("room").prefetch_related("session_speakers"))
    assert len(sessions) >= 100
    assert {s.status for s in sessions} == {SessionStatus.CONFIRMED, SessionStatus.CANCELLED}
    assert {s.format for s in sessions} >= {
        SessionFormat.KEYNOTE,
        SessionFormat.PANEL,
        SessionFormat.BEST_PRACTICE,
        SessionFormat.WORKSHOP,
        SessionFormat.PITCH,
        SessionFormat.SIDE_EVENT,
        SessionFormat.RECEPTION,
    }
    assert {s.language for s in sessions} == {"de", "en"}
    assert sum(s.room.kind == RoomKind.STAGE for s in sessions) >= 90
    for session in sessions:
        assert session.title_de and session.title_en and session.abstract_de and session.abstract_en
        links = sorted(session.session_speakers.all(), key=lambda link: link.position)
        assert 1 <= len(links) <= 4, session
        assert [link.position for link in links] == list(range(len(links)))
        if session.format == SessionFormat.PANEL:
            assert [link.role for link in links].count(SpeakerRole.MODERATOR) == 1, session
        if session.format == SessionFormat.WORKSHOP:
            assert session.room.kind == RoomKind.WORKSHOP
            assert session.seat_capacity and session.room.capacity
            assert session.seat_capacity <= session.room.capacity
        if session.format == SessionFormat.KEYNOTE:
            assert session.room.name_en == "Main Stage"
            assert session.starts_at is not None and session.starts_at.astimezone(BERLIN).hour < 17
    assert SessionSpeaker.objects.filter(role=SpeakerRole.HOST).exists()
    reception = next(s for s in sessions if s.format == SessionFormat.RECEPTION)
    assert reception.starts_at is not None and reception.starts_at.astimezone(BERLIN).time() >= dt.time(18)

    assert f"sessions: {len(sessions)}" in out
    assert "/sccon2030/programme/" in out


@pytest.mark.django_db
def test_two_releases_and_the_working_copy_equals_the_second() -> None:
    load()
    event = Event.objects.get(slug="sccon2030")
    first, second = ScheduleRelease.objects.filter(event=event).order_by("sequence")
    assert (first.version, second.version) == ("1.0", "1.1")
    assert first.comment_de and first.comment_en and second.comment_de and second.comment_en
    assert first.published_by is not None and first.published_by.username == "admin"
    assert first.released_sessions.count() >= 100
    assert not first.released_sessions.exclude(status=SessionStatus.CONFIRMED).exists()
    assert len(first.changes["added"]) == first.released_sessions.count()
    assert second.changes["added"] and second.changes["moved"] and second.changes["cancelled"]
    moved_rooms = [m for m in second.changes["moved"] if m["room_de"] != m["from"]["room_de"]]
    moved_days = [m for m in second.changes["moved"] if m["starts_at"][:10] != m["from"]["starts_at"][:10]]
    assert moved_rooms and moved_days

    # The working copy is exactly what release 1.1 shows.
    released = {r.session_id: r for r in second.released_sessions.all()}
    sessions = {s.pk: s for s in Session.objects.filter(event=event)}
    assert released.keys() == sessions.keys()
    for pk, session in sessions.items():
        assert {f: getattr(session, f) for f in SNAPSHOT_FIELDS} == {
            f: getattr(released[pk], f) for f in SNAPSHOT_FIELDS
        }
    working = set(
        SessionSpeaker.objects.filter(session__event=event).values_list("session_id", "speaker_id", "role", "position")
    )
    published = set(
        ReleasedSessionSpeaker.objects.filter(released_session__release=second).values_list(
            "released_session__session_id", "speaker_id", "role", "position"
        )
    )
    assert working == published
    # Every speaker appears in the published programme.
    assert Speaker.objects.filter(
        event=event, released_appearances__released_session__release=second
    ).distinct().count() == (Speaker.objects.filter(event=event).count())


@pytest.mark.django_db
def test_no_double_bookings_in_either_release() -> None:
    load()
    event = Event.objects.get(slug="sccon2030")
    conflicts = session_conflicts(event=event)
    assert not [
        c
        for c in conflicts
        if c.kind
        in {
            ConflictKind.ROOM_DOUBLE_BOOKED,
            ConflictKind.SPEAKER_DOUBLE_BOOKED,
            ConflictKind.CAPACITY_ABOVE_ROOM,
            ConflictKind.OUTSIDE_EVENT_DAYS,
        }
    ]
    # Only the deliberate evening reception runs outside the opening hours.
    outside = {Session.objects.get(pk=c.session_id).format for c in conflicts}
    assert outside <= {SessionFormat.RECEPTION}

    for release in ScheduleRelease.objects.filter(event=event):
        active = list(release.released_sessions.active())
        by_room: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
        for item in active:
            by_room[item.room_id].append((item.starts_at, item.ends_at, item.session_id))
        assert not [pair for items in by_room.values() for pair in overlapping(items)], release.version
        by_speaker: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)
        for link in ReleasedSessionSpeaker.objects.filter(released_session__in=active).select_related(
            "released_session"
        ):
            item = link.released_session
            by_speaker[link.speaker_id].append((item.starts_at, item.ends_at, item.session_id))
        assert not [pair for items in by_speaker.values() for pair in overlapping(items)], release.version


@pytest.mark.django_db
def test_running_twice_changes_no_counts() -> None:
    load()
    before = counts()
    releases = list(ScheduleRelease.objects.values_list("pk", "version", "changes"))
    out = load()
    assert counts() == before
    assert list(ScheduleRelease.objects.values_list("pk", "version", "changes")) == releases
    assert "already published" in out
    assert before["Session"] >= 100 and before["ScheduleRelease"] == 2


@pytest.mark.django_db
def test_a_deleted_second_release_is_published_again() -> None:
    load()
    ScheduleRelease.objects.get(version="1.1").delete()
    load()
    second = ScheduleRelease.objects.get(version="1.1")
    assert {key: len(value) for key, value in second.changes.items()} == {
        "added": len(demo_content.ADDITIONS),
        "moved": len(demo_content.MOVES),
        "cancelled": len(demo_content.CANCELLATIONS),
    }


@pytest.mark.django_db
def test_an_existing_edition_on_other_days_is_not_moved() -> None:
    load()
    with pytest.raises(CommandError, match="--start 2030-10-22"):
        load("--start", "2030-10-01")
    assert Event.objects.get(slug="sccon2030").start_on == dt.date(2030, 10, 22)


@pytest.mark.django_db
def test_demo_logins() -> None:
    load()
    load()  # passwords and groups survive a second run
    request = RequestFactory().post("/login/")  # the login lockout (django-axes) needs the request
    admin = authenticate(request, username="admin", password="admin")
    assert admin is not None and admin.is_superuser and admin.is_staff
    door = authenticate(request, username="door", password="door")
    assert door is not None and not door.is_staff and not door.is_superuser
    assert list(door.groups.values_list("name", flat=True)) == ["Door staff"]
    exhibitor = authenticate(request, username="exhibitor", password="exhibitor")
    assert exhibitor is not None and not exhibitor.is_superuser
    assert list(exhibitor.groups.values_list("name", flat=True)) == ["Exhibitor staff"]
    assert authenticate(request, username="door", password="wrong") is None
    organisers = Group.objects.get(name="Organisers")
    programme_permissions = Permission.objects.filter(content_type__app_label="programme")
    assert programme_permissions.exists()
    granted = set(organisers.permissions.all())
    assert set(programme_permissions) <= granted
    assert {p.content_type.app_label for p in granted} == {"programme", "ticketing"}


@pytest.mark.django_db
def test_organisers_group_can_run_the_shop_in_admin() -> None:
    Command().load_users()
    Command().load_users()  # idempotent: the same permissions, no duplicates
    organisers = Group.objects.get(name="Organisers")
    codenames = set(
        organisers.permissions.filter(content_type__app_label="ticketing").values_list("codename", flat=True)
    )

    # Everything in ticketing is visible; the shop is set up and orders run through the actions.
    assert {"view_order", "view_ticket", "view_payment", "view_refund", "view_invoice", "view_stripeevent"} <= codenames
    assert {"add_tickettype", "change_tickettype", "add_quota", "change_quota", "add_voucher"} <= codenames
    assert {"change_order", "add_payment", "add_refund", "change_ticket"} <= codenames
    # Money and history stay read-only: no editing or deleting payments, refunds, invoices or orders.
    assert not codenames & {"change_payment", "delete_payment", "change_refund", "change_invoice", "delete_order"}


@pytest.mark.django_db
def test_organiser_opens_the_order_admin_and_marks_an_order_paid(client: Any) -> None:
    from tests.factories.ticketing import TicketTypeFactory
    from tests.ticketing.conftest import BILLING
    from ticketing.enums import OrderStatus, PaymentMethod
    from ticketing.models import Order
    from ticketing.services.orders import TicketRequest, order_place

    Command().load_users()
    organiser = User.objects.create_user("organiser", password="organiser", is_staff=True)
    organiser.groups.add(Group.objects.get(name="Organisers"))
    start = dt.date.today() + dt.timedelta(days=200)
    ticket_type = TicketTypeFactory(event__start_on=start, event__end_on=start + dt.timedelta(days=2))
    order = order_place(
        event=ticket_type.event,
        email="buyer@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Erika Mustermann")],
        payment_method=PaymentMethod.INVOICE,
        billing=BILLING,
    ).order
    client.force_login(organiser)

    page = client.get("/admin/ticketing/order/")
    assert page.status_code == 200
    actions = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert {"mark_paid", "approve", "cancel", "refund"} <= set(actions)
    assert client.get(f"/admin/ticketing/order/{order.pk}/change/").status_code == 200
    assert client.get("/admin/ticketing/tickettype/").status_code == 200
    assert client.get("/admin/programme/session/").status_code == 200

    response = client.post("/admin/ticketing/order/", {"action": "mark_paid", "_selected_action": [order.pk]})

    assert response.status_code == 302
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.PAID
    assert order.payments.get().recorded_by == organiser


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.django_db
def test_track_colours_carry_white_text() -> None:
    load()
    for track in Track.objects.all():
        contrast = 1.05 / (_luminance(track.colour) + 0.05)
        assert contrast >= 4.5, (track.slug, track.colour, contrast)


# --- ticketing demo data ------------------------------------------------------------------


def _public_ticket_types(client: Any, slug: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/events/{slug}/ticket-types/", {"page_size": 200})
    assert response.status_code == 200
    return response.json()["results"]


def _ticketing_counts() -> dict[str, int]:
    from ticketing.models import Invoice, OfficialDomain, Order, Payment, Quota, Ticket, TicketType, Voucher

    models = [Quota, TicketType, Voucher, OfficialDomain, Order, Ticket, Payment, Invoice]
    counts = {model.__name__: model.objects.count() for model in models}
    # The demo exhibitor's staff passes are an order too (tests/exhibitors covers them).
    counts["Order"] -= Order.objects.filter(idempotency_key__startswith="exhibitor-passes-").count()
    return counts


def _assert_spec_ticketing(client: Any, slug: str) -> None:
    """SPEC: every public ticket type is on sale; among them a paid type that can be bought alone
    and has fewer than 200 tickets left. It is bought alone here, through the API."""
    types = _public_ticket_types(client, slug)
    assert len(types) >= 8
    assert all(t["is_on_sale"] for t in types), [t["name"] for t in types if not t["is_on_sale"]]
    scarce = [
        t
        for t in types
        if Decimal(t["price"]) > 0
        and t["available"] is not None
        and 0 < t["available"] < 200
        and t["min_per_order"] == 1
        and not t["requires_approval"]
    ]
    assert scarce, "a paid type with fewer than 200 tickets left"
    body = {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": scarce[0]["id"], "attendee_name": "Erika Mustermann"}],
        "payment_method": "invoice",
        "billing": {
            "name": "Erika Mustermann",
            "street": "Musterweg 1",
            "postcode": "10115",
            "city": "Berlin",
            "country": "DE",
        },
    }
    response = client.post(f"/api/v1/events/{slug}/orders/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    after = {t["id"]: t for t in _public_ticket_types(client, slug)}
    assert after[scarce[0]["id"]]["available"] == scarce[0]["available"] - 1


@pytest.mark.django_db
def test_ticketing_demo_meets_the_spec(client: Any) -> None:
    load()
    _assert_spec_ticketing(client, "sccon2030")


@pytest.mark.django_db
def test_ticketing_demo_of_a_past_edition_is_still_on_sale(client: Any) -> None:
    load("--start", "2019-10-22")
    _assert_spec_ticketing(client, "sccon2019")


@pytest.mark.django_db
def test_ticketing_demo_types_prices_vouchers_and_domains() -> None:
    from ticketing.enums import OrderStatus, TicketCategory, TicketVisibility
    from ticketing.models import OfficialDomain, Order, Quota, TicketType, Voucher

    load()
    event = Event.objects.get(slug="sccon2030")
    types = {t.name_en: t for t in TicketType.objects.filter(event=event)}
    prices = {name: t.price_amount for name, t in types.items()}
    assert prices["3-day ticket, industry"] == Decimal("534.31")
    assert prices["Early-bird 3-day ticket, industry"] == Decimal("415.31")
    assert types["Early-bird 3-day ticket, industry"].capacity == 100
    day_tickets = [t for t in types.values() if t.category == TicketCategory.INDUSTRY and t.valid_on]
    assert sorted(t.valid_on for t in day_tickets) == event.days
    assert types["Public sector (3 days)"].price_amount == 0
    hidden = {t.category for t in types.values() if t.visibility == TicketVisibility.VOUCHER}
    assert hidden == {TicketCategory.PRESS, TicketCategory.SPEAKER, TicketCategory.EXHIBITOR_PASS}
    reception = types["Evening reception on day 1 (add-on)"]
    assert reception.category == TicketCategory.ADDON and reception.capacity
    venue = Quota.objects.get(event=event, size=12_700)
    assert {t.name_en for t in venue.ticket_types.all()} >= {"3-day ticket, industry", "Day ticket, industry, day 2"}
    student = types["Students (3 days)"]
    assert student.price_amount == 0 and student.quotas.filter(size__lt=12_700).exists()
    bitkom = Voucher.objects.get(event=event, code="BITKOM20")
    assert bitkom.value == Decimal("20.00") and {t.category for t in bitkom.ticket_types.all()} == {"industry"}
    press = Voucher.objects.get(event=event, code="PRESS2030")
    assert list(press.ticket_types.values_list("category", flat=True)) == [TicketCategory.PRESS]
    assert {"bund.de", "berlin.de", "bayern.de", "nrw.de"} <= set(
        OfficialDomain.objects.values_list("domain", flat=True)
    )
    statuses = sorted(
        Order.objects.filter(event=event)
        .exclude(idempotency_key__startswith="exhibitor-passes-")  # the demo exhibitor's staff passes
        .values_list("status", flat=True)
    )
    assert statuses == sorted([OrderStatus.PAID, OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL, OrderStatus.PAID])


@pytest.mark.django_db
def test_ticketing_demo_running_twice_changes_nothing() -> None:
    load()
    before = _ticketing_counts()
    load()
    assert _ticketing_counts() == before
    assert before["Order"] == 4 and before["Payment"] == 1 and before["Invoice"] >= 2


@pytest.mark.django_db
def test_expo_demo_exhibitors_booths_bookings_and_leads(client: Any) -> None:
    from exhibitors.enums import BookingStatus, BoothStatus
    from exhibitors.models import Booth, BoothBooking, Exhibitor, ExhibitorStaff, Lead

    load()
    event = Event.objects.get(slug="sccon2030")
    exhibitors = Exhibitor.objects.filter(event=event)
    booths = Booth.objects.filter(event=event)

    assert 140 <= exhibitors.count() <= 160  # "about 150"
    assert set(booths.values_list("hall__name", flat=True)) == {"Halle A", "Halle B"}
    assert (
        booths.filter(status=BoothStatus.BOOKED).count()
        == BoothBooking.objects.filter(event=event, status=BookingStatus.CONFIRMED).count()
        > 100
    )
    assert booths.filter(status=BoothStatus.AVAILABLE).exists()  # something left to book
    assert BoothBooking.objects.filter(event=event, status=BookingStatus.APPLIED).exists()
    staff = ExhibitorStaff.objects.get(user__username="exhibitor")  # SPEC: staff of one demo exhibitor
    assert staff.exhibitor.event == event
    leads = Lead.objects.filter(exhibitor=staff.exhibitor)
    assert leads.count() == 5
    assert leads.filter(has_consent=True).exclude(contact_name="").count() == 2
    assert not leads.filter(has_consent=False).exclude(contact_name="").exists()
    assert client.get("/sccon2030/floorplan/").status_code == 200
    from exhibitors.selectors import exhibitor_pass_orders

    passes = exhibitor_pass_orders(exhibitor=staff.exhibitor)  # the demo exhibitor's staff passes
    assert len(passes) == 1 and passes[0].tickets.filter(code__isnull=False).count() >= 3
    from exhibitors.selectors import booking_open_invoice

    booking = BoothBooking.objects.confirmed().get(exhibitor=staff.exhibitor)
    invoice = booking_open_invoice(booking=booking)  # the demo exhibitor's booth invoice
    assert invoice is not None and invoice.order is None and invoice.vat_amount > 0


@pytest.mark.django_db
def test_expo_demo_running_twice_changes_nothing() -> None:
    from exhibitors.models import Booth, BoothBooking, Exhibitor, ExhibitorStaff, Lead

    load()
    from ticketing.models import Invoice

    models = [Exhibitor, Booth, BoothBooking, ExhibitorStaff, Lead, Invoice]
    first = {m.__name__: m.objects.count() for m in models}
    load()
    assert {m.__name__: m.objects.count() for m in models} == first
