"""The agenda beneath the order's secret link, the seat buttons on session pages, the timetable's
free seats."""

import pytest

from tests.ticketing.agenda_helpers import future_event, holder, publish, workshop
from ticketing.models import AgendaStar, SeatBooking, WaitingListEntry
from ticketing.services.agenda import seat_book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    return future_event()


def agenda_path(ticket) -> str:  # type: ignore[no-untyped-def]
    order = ticket.order
    return f"/{order.event.slug}/orders/{order.code}/{order.secret}/agenda/{ticket.pk}/"


def test_order_page_links_each_tickets_agenda(client, event):
    ticket = holder(event)
    order = ticket.order

    page = client.get(f"/{event.slug}/orders/{order.code}/{order.secret}/").content.decode()

    assert agenda_path(ticket) in page


def test_agenda_page_is_private_and_only_for_the_orders_tickets(client, event):
    ticket, stranger = holder(event), holder(event, "Other")

    response = client.get(agenda_path(ticket))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "no-referrer"
    order = ticket.order
    assert client.get(f"/{event.slug}/orders/{order.code}/{order.secret}/agenda/{stranger.pk}/").status_code == 404
    assert client.get(f"/{event.slug}/orders/{order.code}/wrong-secret/agenda/{ticket.pk}/").status_code == 404


def test_book_from_the_session_page_after_opening_the_agenda(client, event):
    w = workshop(event, seats=1)
    publish(event, "1.0")
    ticket, other = holder(event, "Erika"), holder(event, "Max")
    session_page = f"/{event.slug}/programme/sessions/{w.pk}/"
    assert "open your agenda from your order page" in client.get(session_page).content.decode()

    client.get(agenda_path(ticket))
    page = client.get(session_page).content.decode()
    assert "1 of 1 seat free" in page and 'value="book"' in page

    response = client.post(f"{session_page}agenda/", {"ticket": ticket.pk, "action": "book"})

    assert response.status_code == 302 and response["Location"].endswith(f"{session_page}#agenda")
    assert SeatBooking.objects.filter(ticket=ticket, session=w, cancelled_at__isnull=True).exists()
    after = client.get(session_page).content.decode()
    assert "Seat booked" in after and "Fully booked" in after
    # A ticket this browser never opened the agenda of cannot be used.
    assert client.post(f"{session_page}agenda/", {"ticket": other.pk, "action": "book"}).status_code == 404


def test_full_session_offers_the_waiting_list_and_a_refusal_is_a_message(client, event):
    w = workshop(event, seats=1)
    publish(event, "1.0")
    first, second = holder(event, "A"), holder(event, "B")
    seat_book(ticket=first, session_id=w.pk)
    client.get(agenda_path(second))
    session_page = f"/{event.slug}/programme/sessions/{w.pk}/"

    assert 'value="waitlist"' in client.get(session_page).content.decode()
    refused = client.post(f"{session_page}agenda/", {"ticket": second.pk, "action": "book"}, follow=True)
    assert "All seats are taken" in refused.content.decode()
    client.post(f"{session_page}agenda/", {"ticket": second.pk, "action": "waitlist"})
    assert WaitingListEntry.objects.filter(ticket=second, session=w, promoted_at__isnull=True).exists()
    assert "Waiting list, place 1" in client.get(agenda_path(second)).content.decode()


def test_agenda_page_cancels_a_seat_and_unstars(client, event):
    w = workshop(event)
    publish(event, "1.0")
    ticket = holder(event)
    seat_book(ticket=ticket, session_id=w.pk)
    AgendaStar.objects.create(ticket=ticket, session=w, starred_at=w.starts_at)

    page = client.get(agenda_path(ticket)).content.decode()
    assert w.title_en in page and "Seat booked" in page and ".ics" in page

    client.post(agenda_path(ticket), {"action": "cancel", "session": w.pk})
    client.post(agenda_path(ticket), {"action": "unstar", "session": w.pk})
    assert not SeatBooking.objects.filter(ticket=ticket, cancelled_at__isnull=True).exists()
    assert not AgendaStar.objects.exists()
    assert client.post(agenda_path(ticket), {"action": "cancel", "session": "x"}).status_code == 404
    assert client.post(agenda_path(ticket), {"action": "explode", "session": w.pk}).status_code == 404


def test_timetable_shows_free_seats(client, event):
    w = workshop(event, seats=3)
    publish(event, "1.0")
    seat_book(ticket=holder(event), session_id=w.pk)

    page = client.get(f"/{event.slug}/programme/?day={event.start_on.isoformat()}").content.decode()

    assert "2 of 3 seats free" in page


def test_timetable_seats_are_live_though_the_cards_are_cached(client, event):
    w = workshop(event, seats=2)
    publish(event, "1.0")
    url = f"/{event.slug}/programme/?day={event.start_on.isoformat()}"
    assert "2 of 2 seats free" in client.get(url).content.decode()
    seat_book(ticket=holder(event, "Erika"), session_id=w.pk)
    assert "1 of 2 seats free" in client.get(url).content.decode()
    seat_book(ticket=holder(event, "Max"), session_id=w.pk)
    assert "Fully booked" in client.get(url).content.decode()


def test_admin_shows_seats_and_cancelling_a_seat_moves_the_waiting_list_up(client, event, django_user_model):
    w = workshop(event, seats=1)
    publish(event, "1.0")
    first, second = holder(event, "Erika"), holder(event, "Max")
    seat_book(ticket=first, session_id=w.pk)
    seat_book(ticket=second, session_id=w.pk, waitlist=True)
    client.force_login(django_user_model.objects.create_superuser("organiser", "o@example.org", "pw"))

    overview = client.get(f"/admin/ticketing/seatbooking/seats/?event={event.pk}").content.decode()
    assert w.title_de in overview
    assert '<td class="numeric">1</td>' in overview  # seats 1, free 0 shown as numbers
    for url in ["/admin/ticketing/seatbooking/", "/admin/ticketing/waitinglistentry/"]:
        assert client.get(url).status_code == 200

    booking = SeatBooking.objects.get(ticket=first)
    client.post("/admin/ticketing/seatbooking/", {"action": "cancel", "_selected_action": [booking.pk]})

    assert SeatBooking.objects.filter(ticket=second, cancelled_at__isnull=True).exists()


def test_seats_through_the_api(event):
    from rest_framework.test import APIClient

    w = workshop(event, seats=1)
    publish(event, "1.0")
    first, second = holder(event, "A"), holder(event, "B")
    url = f"/api/v1/events/{event.slug}/sessions/{w.pk}/seats/"

    def client(ticket):  # type: ignore[no-untyped-def]
        return APIClient(HTTP_X_ORDER_SECRET=ticket.order.secret)

    booked = client(first).post(url, {"order": first.order.code, "ticket": first.pk}, format="json")
    full = client(second).post(url, {"order": second.order.code, "ticket": second.pk}, format="json")
    waiting = client(second).post(
        url, {"order": second.order.code, "ticket": second.pk, "waitlist": True}, format="json"
    )
    wrong = APIClient(HTTP_X_ORDER_SECRET="nope").post(
        url, {"order": first.order.code, "ticket": first.pk}, format="json"
    )
    other = client(first).post(url, {"order": first.order.code, "ticket": second.pk}, format="json")

    assert (booked.status_code, booked.json()["status"]) == (201, "booked")
    assert (full.status_code, full.json()["code"]) == (409, "session_full")
    assert set(full.json()) == {"code", "message", "extra"}
    assert (waiting.status_code, waiting.json()["position"]) == (202, 1)
    assert wrong.status_code == 404 and other.status_code == 404

    cancelled = client(first).delete(f"{url}?order={first.order.code}&ticket={first.pk}")
    assert cancelled.json()["status"] == "cancelled"
    agenda = (
        client(second)
        .get(f"/api/v1/events/{event.slug}/agenda/", {"order": second.order.code, "ticket": second.pk})
        .json()
    )
    assert [(i["session"], i["booked"]) for i in agenda["items"]] == [(w.pk, True)]  # moved up from the queue


@pytest.mark.parametrize("count", [1, 3])
def test_agenda_api_query_count_is_constant(event, django_assert_num_queries, count):
    from rest_framework.test import APIClient

    sessions = [workshop(event, seats=5, hour=9 + 2 * n) for n in range(count)]
    publish(event, "1.0")
    ticket = holder(event)
    for session in sessions:
        seat_book(ticket=ticket, session_id=session.pk)
    client = APIClient(HTTP_X_ORDER_SECRET=ticket.order.secret)
    url = f"/api/v1/events/{event.slug}/agenda/"
    client.get(url, {"order": ticket.order.code, "ticket": ticket.pk})
    # order, ticket, edition, release, seats, stars, waiting places, released sessions with their
    # speakers, the release the stars were seen in, then seats, taken and waiting per session
    with django_assert_num_queries(13):
        agenda = client.get(url, {"order": ticket.order.code, "ticket": ticket.pk}).json()
    assert len(agenda["items"]) == count
