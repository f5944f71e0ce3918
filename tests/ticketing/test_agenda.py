"""Workshop seats, waiting lists, stars, the agenda's changes and its calendar feed."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from programme.enums import SessionStatus
from tests.factories.programme import SessionFactory
from tests.factories.ticketing import OrderFactory, PaidTicketFactory
from tests.ticketing.agenda_helpers import at, future_event, holder, publish, workshop
from ticketing.enums import OrderStatus, TicketCategory
from ticketing.exceptions import SeatOverlap, SessionFull, SessionNotBookable, TicketNotAdmitted
from ticketing.models import SeatBooking, WaitingListEntry
from ticketing.selectors_agenda import feed_sequences, seat_figures, ticket_agenda
from ticketing.services.agenda import (
    agenda_mark_seen,
    seat_book,
    seat_cancel,
    star_add,
    waitlist_leave,
)
from ticketing.services.orders import order_cancel

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    return future_event()


@pytest.fixture
def setup(event):  # type: ignore[no-untyped-def]
    w = workshop(event, seats=2)
    publish(event, "1.0")
    return w


def test_booking_takes_a_seat_once_and_is_mailed(event, setup, django_capture_on_commit_callbacks):
    ticket = holder(event)

    with django_capture_on_commit_callbacks(execute=True):
        first = seat_book(ticket=ticket, session_id=setup.pk)
    again = seat_book(ticket=ticket, session_id=setup.pk)

    assert isinstance(first, SeatBooking) and again == first
    assert SeatBooking.objects.filter(session=setup, cancelled_at__isnull=True).count() == 1
    (message,) = mail.outbox
    assert message.to == [ticket.order.email] and setup.title_de in message.subject


def test_never_past_capacity_then_the_waiting_list(event, setup):
    a, b, c = holder(event, "A"), holder(event, "B"), holder(event, "C")
    seat_book(ticket=a, session_id=setup.pk)
    seat_book(ticket=b, session_id=setup.pk)

    with pytest.raises(SessionFull):
        seat_book(ticket=c, session_id=setup.pk)
    entry = seat_book(ticket=c, session_id=setup.pk, waitlist=True)

    assert isinstance(entry, WaitingListEntry)
    assert seat_book(ticket=c, session_id=setup.pk, waitlist=True) == entry  # joins once
    figures = seat_figures(release=setup.event.releases.get(), session_ids=[setup.pk])[setup.pk]
    assert (figures.capacity, figures.taken, figures.free, figures.waiting) == (2, 2, 0, 1)


def test_a_cancelled_seat_goes_to_the_first_in_line(event, setup, django_capture_on_commit_callbacks):
    a, b, c, d = (holder(event, n) for n in "ABCD")
    c.order.language = "en"
    c.order.save()
    seat_book(ticket=a, session_id=setup.pk)
    seat_book(ticket=b, session_id=setup.pk)
    seat_book(ticket=c, session_id=setup.pk, waitlist=True)
    seat_book(ticket=d, session_id=setup.pk, waitlist=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = seat_cancel(ticket=a, session_id=setup.pk)

    assert [p.ticket for p in promoted] == [c]
    assert promoted[0].from_waiting_list
    holders = set(SeatBooking.objects.filter(session=setup, cancelled_at__isnull=True).values_list("ticket", flat=True))
    assert holders == {b.pk, c.pk}
    assert WaitingListEntry.objects.get(ticket=c).promoted_at is not None
    assert WaitingListEntry.objects.get(ticket=d).promoted_at is None
    (message,) = mail.outbox
    assert message.to == [c.order.email] and message.subject.startswith("A seat has become free for you")


def test_two_seats_freeing_at_once_go_to_the_first_two(event, django_capture_on_commit_callbacks):
    w = workshop(event, seats=2)
    publish(event, "1.0")
    a, b, c, d, e = (holder(event, n) for n in "ABCDE")
    seat_book(ticket=a, session_id=w.pk)
    seat_book(ticket=b, session_id=w.pk)
    for t in (c, d, e):
        seat_book(ticket=t, session_id=w.pk, waitlist=True)

    # Both holders' order is cancelled: two seats at once.
    order = OrderFactory(event=event, status=OrderStatus.PAID)
    a.order, b.order = order, order
    a.save()
    b.save()
    order_cancel(order=order)

    holders = set(SeatBooking.objects.filter(session=w, cancelled_at__isnull=True).values_list("ticket", flat=True))
    assert holders == {c.pk, d.pk}
    assert WaitingListEntry.objects.get(ticket=e).promoted_at is None


def test_more_seats_published_fill_from_the_waiting_list(event, setup):
    a, b, c = (holder(event, n) for n in "ABC")
    seat_book(ticket=a, session_id=setup.pk)
    seat_book(ticket=b, session_id=setup.pk)
    seat_book(ticket=c, session_id=setup.pk, waitlist=True)
    setup.seat_capacity = 3
    setup.title_de = "Mehr Plätze"
    setup.save()

    publish(event, "1.1")

    assert SeatBooking.objects.filter(session=setup, ticket=c, cancelled_at__isnull=True).exists()


def test_a_holder_cannot_book_two_overlapping_sessions(event):
    first = workshop(event, hour=10, minutes=90)
    overlapping = workshop(event, hour=11, minutes=60)
    later = workshop(event, hour=12, minutes=60)  # starts as the first one's 11:30 end has passed
    publish(event, "1.0")
    ticket = holder(event)
    seat_book(ticket=ticket, session_id=first.pk)

    with pytest.raises(SeatOverlap):
        seat_book(ticket=ticket, session_id=overlapping.pk)
    seat_book(ticket=ticket, session_id=later.pk)
    seat_cancel(ticket=ticket, session_id=first.pk)
    seat_cancel(ticket=ticket, session_id=later.pk)
    seat_book(ticket=ticket, session_id=overlapping.pk)  # free again


def test_the_waiting_list_passes_over_whoever_now_has_a_seat_at_that_time(event):
    full = workshop(event, seats=1, hour=10)
    other = workshop(event, seats=5, hour=10, minutes=30)
    publish(event, "1.0")
    a, b, c = (holder(event, n) for n in "ABC")
    seat_book(ticket=a, session_id=full.pk)
    seat_book(ticket=b, session_id=full.pk, waitlist=True)
    seat_book(ticket=c, session_id=full.pk, waitlist=True)
    seat_book(ticket=b, session_id=other.pk)  # B took a seat elsewhere at that time

    promoted = seat_cancel(ticket=a, session_id=full.pk)

    assert [p.ticket for p in promoted] == [c]
    assert WaitingListEntry.objects.get(ticket=b).promoted_at is None  # still waiting


def test_a_day_ticket_books_only_on_its_day_and_an_add_on_not_at_all(event):
    first_day = workshop(event, day=0)
    second_day = workshop(event, day=1)
    publish(event, "1.0")
    day_ticket = holder(event, valid_on=event.start_on)
    reception = holder(event, category=TicketCategory.ADDON)

    seat_book(ticket=day_ticket, session_id=first_day.pk)
    with pytest.raises(TicketNotAdmitted):
        seat_book(ticket=day_ticket, session_id=second_day.pk)
    with pytest.raises(TicketNotAdmitted):
        seat_book(ticket=reception, session_id=first_day.pk)
    unpaid = PaidTicketFactory(order__event=event, order__status=OrderStatus.PENDING)
    with pytest.raises(TicketNotAdmitted):
        seat_book(ticket=unpaid, session_id=first_day.pk)


def test_only_published_sessions_with_seats_before_they_start(event):
    talk = SessionFactory(event=event)  # no seat limit
    w = workshop(event)
    publish(event, "1.0")
    draft = workshop(event, status=SessionStatus.DRAFT)
    ticket = holder(event)

    for session in (talk, draft):
        with pytest.raises(SessionNotBookable):
            seat_book(ticket=ticket, session_id=session.pk)
    with time_machine.travel(w.starts_at + dt.timedelta(minutes=1)), pytest.raises(SessionNotBookable):
        seat_book(ticket=ticket, session_id=w.pk)


def test_leaving_the_waiting_list(event, setup):
    a, b, c = (holder(event, n) for n in "ABC")
    seat_book(ticket=a, session_id=setup.pk)
    seat_book(ticket=b, session_id=setup.pk)
    seat_book(ticket=c, session_id=setup.pk, waitlist=True)

    assert waitlist_leave(ticket=c, session_id=setup.pk) == 1
    assert seat_cancel(ticket=a, session_id=setup.pk) == []


# --- the agenda and its changes -------------------------------------------------------------


def test_agenda_shows_stars_and_seats_with_clashes_and_changes_since(event, django_capture_on_commit_callbacks):
    w = workshop(event, hour=10)
    talk = SessionFactory(event=event, starts_at=at(event, 0, 10, 30), ends_at=at(event, 0, 11))
    gone = SessionFactory(event=event, starts_at=at(event, 1, 9), ends_at=at(event, 1, 10))
    publish(event, "1.0")
    ticket = holder(event)
    seat_book(ticket=ticket, session_id=w.pk)
    star_add(ticket=ticket, session_id=talk.pk)
    star_add(ticket=ticket, session_id=gone.pk)

    agenda = ticket_agenda(ticket=ticket, event=event)
    assert [i.session.session_id for i in agenda.items] == [w.pk, talk.pk, gone.pk]
    assert agenda.items[0].booked and agenda.items[1].starred
    assert [c.session_id for c in agenda.items[0].clashes] == [talk.pk]
    assert not agenda.changed

    w.starts_at, w.ends_at = at(event, 0, 14), at(event, 0, 15, 30)
    w.save()
    gone.status = SessionStatus.CANCELLED
    gone.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        release = publish(event, "1.1")

    agenda = ticket_agenda(ticket=ticket, event=event)
    moved = agenda.items[[i.session.session_id for i in agenda.items].index(w.pk)]
    assert moved.moved_from is not None and moved.moved_from.starts_at == at(event, 0, 10)
    assert next(i for i in agenda.items if i.session.session_id == gone.pk).cancelled_since
    assert not moved.clashes  # 14:00 no longer clashes with the 10:30 talk
    (message,) = mail.outbox  # one mail for the holder, naming both changes
    assert gone.title_de in message.body and w.title_de in message.body

    agenda_mark_seen(ticket=ticket, release=release)
    assert not ticket_agenda(ticket=ticket, event=event).changed


def test_feed_sequence_bumps_when_a_session_moves_and_not_otherwise(event):
    w = workshop(event)
    other = SessionFactory(event=event, starts_at=at(event, 1, 9), ends_at=at(event, 1, 10))
    publish(event, "1.0")
    other.title_de = "Neuer Titel"
    other.save()
    publish(event, "1.1")  # a new title: same time and room
    w.starts_at, w.ends_at = at(event, 0, 14), at(event, 0, 15)
    w.save()
    publish(event, "1.2")

    assert feed_sequences(event=event, session_ids=[w.pk, other.pk]) == {w.pk: 1, other.pk: 0}


def test_cancelling_an_order_frees_its_seats(event, setup):
    ticket = holder(event)
    seat_book(ticket=ticket, session_id=setup.pk)

    order_cancel(order=ticket.order)

    assert not SeatBooking.objects.filter(ticket=ticket, cancelled_at__isnull=True).exists()


def test_feed_lists_the_agenda_with_cancelled_sessions(client, event):
    w = workshop(event)
    talk = SessionFactory(event=event, starts_at=at(event, 1, 9), ends_at=at(event, 1, 10))
    publish(event, "1.0")
    ticket = holder(event)
    seat_book(ticket=ticket, session_id=w.pk)
    star_add(ticket=ticket, session_id=talk.pk)
    from ticketing.services.agenda import agenda_feed

    url = f"/{event.slug}/agenda/{agenda_feed(ticket=ticket).token}.ics"
    first = Calendar.from_ical(client.get(url).content)
    talk.status = SessionStatus.CANCELLED
    talk.save()
    w.starts_at, w.ends_at = at(event, 0, 14), at(event, 0, 15)
    w.save()
    publish(event, "1.1")
    response = client.get(url)
    second = Calendar.from_ical(response.content)

    assert response["Content-Type"].startswith("text/calendar")
    before = {str(e["UID"]): e for e in first.walk("VEVENT")}
    after = {str(e["UID"]): e for e in second.walk("VEVENT")}
    assert before.keys() == after.keys() and len(after) == 2
    w_uid = next(uid for uid in after if uid.startswith(str(w.uuid)))
    talk_uid = next(uid for uid in after if uid.startswith(str(talk.uuid)))
    assert int(after[w_uid]["SEQUENCE"]) == int(before[w_uid]["SEQUENCE"]) + 1
    assert str(after[talk_uid]["STATUS"]) == "CANCELLED"
    assert client.get(f"/{event.slug}/agenda/not-a-token.ics").status_code == 404


def test_a_workshop_list_admits_exactly_its_seat_holders(event):
    from tests.factories.ticketing import CheckInListFactory
    from ticketing.selectors_checkin import offline_bundle
    from ticketing.services.checkin import ticket_scan

    w = workshop(event)
    publish(event, "1.0")
    seated, other = holder(event, "Seated"), holder(event, "Other")
    seat_book(ticket=seated, session_id=w.pk)
    room = CheckInListFactory(event=event, name_de="Workshop M1", is_default=False, session=w)

    with time_machine.travel(w.starts_at - dt.timedelta(minutes=5), tick=False):
        ok = ticket_scan(event=event, code=seated.code, checkin_list_id=room.pk, nonce="n1")
        refused = ticket_scan(event=event, code=other.code, checkin_list_id=room.pk, nonce="n2")

    assert (ok.result, refused.result) == ("ok", "wrong_list")
    (listed,) = [item for item in offline_bundle(event=event, since=None)["lists"] if item["id"] == room.pk]
    assert listed["session"] == w.pk and listed["seat_tickets"] == [seated.pk]
