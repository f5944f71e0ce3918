"""An attendee books a workshop seat from the session page, sees it in the agenda, cancels it, and
the next person on the waiting list gets it (in German, the browser's language). The pages pass axe."""

import pytest

from tests.ticketing.agenda_helpers import future_event, holder, publish, workshop
from ticketing.models import SeatBooking, WaitingListEntry
from ticketing.services.agenda import seat_book

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_book_see_cancel_and_the_waiting_list_moves_up(live_server, page, axe):
    event = future_event()
    w = workshop(event, seats=1, title_en="Open data in practice", title_de="Open Data in der Praxis")
    publish(event, "1.0")
    erika, max_ = holder(event, "Erika Mustermann"), holder(event, "Max Warteschlange")
    order = erika.order

    # From the order page to the agenda (this browser now knows Erika's ticket).
    page.goto(f"{live_server.url}/{event.slug}/orders/{order.code}/{order.secret}/")
    page.get_by_role("link", name="Agenda von Erika Mustermann").click()
    page.wait_for_url(f"**/agenda/{erika.pk}/")
    assert axe(page) == []

    # The session page offers the seat.
    page.goto(f"{live_server.url}/{event.slug}/programme/sessions/{w.pk}/")
    assert "1 von 1 Platz frei" in page.locator("#agenda").inner_text()
    assert axe(page) == []
    page.get_by_role("button", name="Platz buchen").click()
    page.wait_for_url(f"**/programme/sessions/{w.pk}/#agenda")
    assert "Platz gebucht" in page.locator("#agenda").inner_text()
    assert "Ihr Platz ist gebucht." in page.locator("#agenda").inner_text()
    assert axe(page) == []

    # Max joins the waiting list meanwhile (from his own agenda, elsewhere).
    entry = seat_book(ticket=max_, session_id=w.pk, waitlist=True)
    assert isinstance(entry, WaitingListEntry)

    # The agenda lists the seat; Erika gives it up.
    page.goto(f"{live_server.url}/{event.slug}/orders/{order.code}/{order.secret}/agenda/{erika.pk}/")
    item = page.locator(f"#session-{w.pk}")
    assert "Open Data in der Praxis" in item.inner_text() and "Platz gebucht" in item.inner_text()
    assert axe(page) == []
    item.get_by_role("button", name="Meinen Platz stornieren").click()
    page.wait_for_url(f"**/agenda/{erika.pk}/")
    assert page.locator(f"#session-{w.pk}").count() == 0

    holders = list(SeatBooking.objects.filter(session=w, cancelled_at__isnull=True).values_list("ticket", flat=True))
    assert holders == [max_.pk]  # the first in line got the seat
    page.goto(f"{live_server.url}/{event.slug}/programme/sessions/{w.pk}/")
    assert "Ausgebucht" in page.locator("#agenda").inner_text()
