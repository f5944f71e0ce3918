"""The attendee's side of leads: consent per ticket from the order's secret link, who scanned."""

import pytest

from exhibitors.models import Lead, LeadConsent
from exhibitors.services.leads import lead_consent_grant, lead_scan
from tests.factories.ticketing import PaidTicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


def url(ticket):  # type: ignore[no-untyped-def]
    order = ticket.order
    return f"/{order.event.slug}/orders/{order.code}/{order.secret}/exhibitors/"


def test_order_page_links_to_the_consent_page(client, ticket):
    order = ticket.order
    page = client.get(f"/{order.event.slug}/orders/{order.code}/{order.secret}/").content.decode()

    assert url(ticket) in page


def test_attendee_grants_consent_and_a_later_scan_shares_the_contact(client, exhibitor, ticket):
    response = client.post(url(ticket), {"ticket": ticket.pk, "action": "grant"})

    assert response.status_code == 302
    assert LeadConsent.objects.get(ticket=ticket).withdrawn_at is None
    lead, _ = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True)
    assert lead.contact_email == "erika@musterstadt.de"


def test_attendee_sees_who_scanned_and_withdraws(client, exhibitor, other_exhibitor, ticket):
    lead_consent_grant(ticket=ticket)
    lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True)
    lead_scan(exhibitor=other_exhibitor, code=ticket.code, consent=False)

    page = client.get(url(ticket))
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "no-referrer"
    text = page.content.decode()
    assert "Alpha Digital GmbH" in text and "Beta Verwaltung AG" in text

    response = client.post(url(ticket), {"ticket": ticket.pk, "action": "withdraw"}, follow=True)

    assert "1 exhibitor no longer has the contact details" in response.content.decode()
    assert not Lead.objects.filter(has_consent=True).exists()
    assert not Lead.objects.exclude(contact_email="").exists()


def test_wrong_secret_or_another_orders_ticket_is_404(client, event, ticket):
    other = PaidTicketFactory(order__event=event)
    order = ticket.order

    assert client.get(f"/{event.slug}/orders/{order.code}/wrong-secret/exhibitors/").status_code == 404
    assert client.post(url(ticket), {"ticket": other.pk, "action": "grant"}).status_code == 404
    assert client.post(url(ticket), {"ticket": ticket.pk, "action": "delete"}).status_code == 404
    assert client.post(url(ticket), {"ticket": "x" * 30, "action": "grant"}).status_code == 404
    assert not LeadConsent.objects.exists()


def test_cancelled_ticket_is_not_offered(client, ticket):
    ticket.is_cancelled = True
    ticket.save()

    assert "This order has no valid tickets." in client.get(url(ticket)).content.decode()
    assert client.post(url(ticket), {"ticket": ticket.pk, "action": "grant"}).status_code == 404
