"""The application form (no login) and the staff's own leads page."""

import pytest

from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking, Exhibitor
from exhibitors.services.leads import lead_consent_grant, lead_scan
from tests.factories.exhibitors import ExhibitorStaffFactory
from tests.factories.ticketing import PaidTicketFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Apply GmbH",
    "street": "Musterweg 1",
    "postcode": "10115",
    "city": "Berlin",
    "country": "de",
    "vat_id": "",
    "website": "",
    "contact_name": "Max Muster",
    "contact_email": "max@apply.example",
    "phone": "",
    "wished_booth_type": "corner",
    "wished_width": "4",
    "wished_depth": "3",
    "co_exhibitors": "Start-up A",
    "message": "",
}


def test_application_form_creates_a_hidden_exhibitor_and_an_application(client, event):
    url = f"/{event.slug}/exhibitors/apply/"
    assert client.get(url).status_code == 200

    response = client.post(url, VALID)

    assert response.status_code == 302
    assert response["Location"] == f"/{event.slug}/exhibitors/apply/thanks/"
    booking = BoothBooking.objects.select_related("exhibitor").get()
    assert (booking.status, booking.wished_booth_type, booking.co_exhibitors) == (
        BookingStatus.APPLIED,
        "corner",
        "Start-up A",
    )
    assert (booking.exhibitor.name, booking.exhibitor.country, booking.exhibitor.is_public) == (
        "Apply GmbH",
        "DE",
        False,
    )
    assert client.get(response["Location"]).status_code == 200


def test_application_form_invalid_shows_errors_and_saves_nothing(client, event):
    response = client.post(f"/{event.slug}/exhibitors/apply/", {**VALID, "wished_width": "0", "contact_email": "x"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not Exhibitor.objects.exists()


def test_staff_leads_page_shows_only_own_leads(client, event, exhibitor, other_exhibitor, ticket, staff_user):
    lead_consent_grant(ticket=ticket)
    lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True)
    other_ticket = PaidTicketFactory(order__event=event, attendee_name="Zoë Geheim")
    lead_consent_grant(ticket=other_ticket)
    lead_scan(exhibitor=other_exhibitor, code=other_ticket.code, consent=True)
    url = f"/{event.slug}/exhibitors/leads/"

    assert client.get(url).status_code == 302  # login first
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "Erika Mustermann" in page and "Geheim" not in page
    assert client.get(url, {"exhibitor": other_exhibitor.slug}).content.decode().count("Geheim") == 0

    client.force_login(ExhibitorStaffFactory(exhibitor__event=event).user)  # a third exhibitor's staff
    assert "Erika" not in client.get(url).content.decode()
    client.logout()
    client.force_login(ExhibitorStaffFactory().user)  # another edition's
    assert client.get(url).status_code == 403


def test_application_checks_the_vat_id_against_the_country_and_keeps_the_leitweg_id(client, settings, event):
    settings.LANGUAGE_CODE = "en"
    url = f"/{event.slug}/exhibitors/apply/"

    wrong = client.post(url, {**VALID, "country": "AT", "vat_id": "DE136695976"})
    right = client.post(
        url,
        {
            **VALID,
            "country": "AT",
            "vat_id": "atu 13585627",
            "leitweg_id": "04011000-1234512345-06",
            "po_number": "PO 1",
        },
    )

    assert wrong.status_code == 400
    assert "This VAT ID belongs to another country than the address (AT)." in wrong.content.decode()
    assert right.status_code == 302
    booking = BoothBooking.objects.select_related("exhibitor").get()
    assert booking.exhibitor.vat_id == "ATU13585627"
    assert (booking.leitweg_id, booking.po_number) == ("04011000-1234512345-06", "PO 1")


def test_application_refuses_a_malformed_leitweg_id(client, event):
    response = client.post(f"/{event.slug}/exhibitors/apply/", {**VALID, "leitweg_id": "12"})

    assert response.status_code == 400
    assert not BoothBooking.objects.exists()


def test_lead_scanner_page_is_for_exhibitor_staff_only(client, event, exhibitor, staff_user, django_user_model):
    url = f"/{event.slug}/exhibitors/leads/scan/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get(url).status_code == 403

    client.force_login(staff_user)
    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert '"mode": "leads"' in page
    assert f"/api/v1/events/{event.slug}/leads/?exhibitor={exhibitor.slug}" in page
    assert 'id="lead-consent"' in page and 'id="list-select"' not in page
    worker = client.get(f"{url}sw.js")
    assert worker.status_code == 200
    assert worker["Service-Worker-Allowed"] == url
    assert worker["Content-Type"].startswith("text/javascript")


def test_staff_edit_a_leads_notes_rating_and_tags(client, event, exhibitor, ticket, staff_user):
    lead, _ = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False, rating=2)
    client.force_login(staff_user)
    url = f"/{event.slug}/exhibitors/leads/"

    saved = client.post(url, {"lead": lead.pk, "notes": " Rückruf ", "rating": "5", "tags": "cloud, Berlin , "})
    lead.refresh_from_db()
    assert saved.status_code == 302 and saved["Location"].endswith(f"#lead-{lead.pk}")
    assert (lead.notes, lead.rating, lead.tags) == ("Rückruf", 5, ["cloud", "Berlin"])

    cleared = client.post(url, {"lead": lead.pk, "notes": "", "rating": "", "tags": ""})
    lead.refresh_from_db()
    assert cleared.status_code == 302
    assert (lead.notes, lead.rating, lead.tags) == ("", None, [])

    too_many = client.post(
        url, {"lead": lead.pk, "notes": "x", "rating": "9", "tags": ",".join("t" * 3 for _ in range(30))}
    )
    assert too_many.status_code == 400
    assert f'href="#lead-{lead.pk}-tags"' in too_many.content.decode()
    lead.refresh_from_db()
    assert lead.notes == ""


def test_staff_cannot_edit_another_exhibitors_lead(client, event, other_exhibitor, ticket, staff_user):
    lead, _ = lead_scan(exhibitor=other_exhibitor, code=ticket.code, consent=False)
    client.force_login(staff_user)

    response = client.post(f"/{event.slug}/exhibitors/leads/", {"lead": lead.pk, "notes": "mine now"})

    assert response.status_code == 404
    lead.refresh_from_db()
    assert lead.notes == ""
