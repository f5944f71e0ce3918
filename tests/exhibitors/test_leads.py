"""Lead scans: create or update, consent (attendee opt-in and staff confirmation), withdrawal, CSV."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from exhibitors.exceptions import InvalidTicketCode, TicketNotFound
from exhibitors.models import Lead
from exhibitors.selectors import leads_csv
from exhibitors.services.leads import lead_consent_grant, lead_consent_withdraw, lead_scan, lead_update
from tests.factories.programme import EventFactory
from tests.factories.ticketing import PaidTicketFactory
from ticketing.signing import sign_ticket

pytestmark = pytest.mark.django_db


def test_lead_scan_without_opt_in_stores_only_the_scan(exhibitor, ticket):
    lead, created = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True, notes="Interested in eAkte")

    assert created
    assert (lead.has_consent, lead.contact_name, lead.contact_email, lead.contact_company) == (False, "", "", "")
    assert lead.notes == "Interested in eAkte"


def test_lead_scan_with_opt_in_but_no_staff_confirmation_stores_only_the_scan(exhibitor, ticket):
    lead_consent_grant(ticket=ticket)
    lead, _created = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False)
    assert (lead.has_consent, lead.contact_name, lead.contact_email) == (False, "", "")


def test_lead_scan_with_opt_in_and_confirmation_copies_contact_fields(exhibitor, ticket):
    lead_consent_grant(ticket=ticket)
    lead, _created = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True)
    assert (lead.has_consent, lead.contact_name, lead.contact_email, lead.contact_company) == (
        True,
        "Erika Mustermann",
        "erika@musterstadt.de",
        "Stadt Musterstadt",
    )


def test_lead_second_scan_updates_rather_than_duplicates(exhibitor, ticket):
    first, _ = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False, rating=2)
    second, created = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False, notes="Again", rating=5)

    assert not created
    assert second.pk == first.pk
    assert (second.scan_count, second.rating, second.notes) == (2, 5, "Again")
    assert Lead.objects.count() == 1


def test_two_exhibitors_scanning_one_badge_get_a_lead_each(exhibitor, other_exhibitor, ticket):
    lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False)
    lead_scan(exhibitor=other_exhibitor, code=ticket.code, consent=False)
    assert Lead.objects.count() == 2


def test_consent_withdrawal_clears_contact_fields_of_every_lead(exhibitor, other_exhibitor, ticket):
    lead_consent_grant(ticket=ticket)
    lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True)
    lead_scan(exhibitor=other_exhibitor, code=ticket.code, consent=True)

    assert lead_consent_withdraw(ticket=ticket) == 2

    assert set(Lead.objects.values_list("has_consent", "contact_name", "contact_email")) == {(False, "", "")}
    # a later scan after withdrawal stores nothing either
    lead, _ = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True)
    assert (lead.has_consent, lead.contact_name) == (False, "")


def test_lead_scan_invalid_code_raises_invalid_code(exhibitor):
    with pytest.raises(InvalidTicketCode) as caught:
        lead_scan(exhibitor=exhibitor, code="not-a-ticket", consent=True)
    assert (caught.value.code, caught.value.http_status) == ("invalid_code", 400)


def test_lead_scan_other_editions_or_reissued_code_raises_ticket_not_found(exhibitor, ticket):
    foreign = PaidTicketFactory(order__event=EventFactory())
    with pytest.raises(TicketNotFound):
        lead_scan(exhibitor=exhibitor, code=foreign.code, consent=True)
    old_code = ticket.code
    ticket.code = sign_ticket(ticket_id=ticket.pk, event_id=ticket.order.event_id)
    ticket.save(update_fields=["code"])
    with pytest.raises(TicketNotFound) as caught:
        lead_scan(exhibitor=exhibitor, code=old_code, consent=True)
    assert (caught.value.code, caught.value.http_status) == ("ticket_not_found", 404)


def test_lead_rating_out_of_range_raises_validation_error(exhibitor, ticket):
    with pytest.raises(ValidationError):
        lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False, rating=6)
    lead, _ = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False)
    with pytest.raises(ValidationError):
        lead_update(lead=lead, rating=0)
    assert lead_update(lead=lead, tags=["eAkte", " eAkte ", "KI"], notes="Call back").tags == ["eAkte", "KI"]


def test_leads_csv_is_excel_friendly_and_only_the_exhibitors_own(exhibitor, other_exhibitor, ticket):
    lead_consent_grant(ticket=ticket)
    lead_scan(exhibitor=exhibitor, code=ticket.code, consent=True, notes='=HYPERLINK("x")\nzweite Zeile')
    other_ticket = PaidTicketFactory(order__event=exhibitor.event, attendee_name="Zoë Geheim")
    lead_consent_grant(ticket=other_ticket)
    lead_scan(exhibitor=other_exhibitor, code=other_ticket.code, consent=True)

    text = leads_csv(exhibitor=exhibitor)

    assert text.startswith("\ufeff")
    assert "Geheim" not in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["id", "first_scanned_at", "last_scanned_at"]
    assert len(rows) == 2
    assert rows[1][5] == "Erika Mustermann"
    assert rows[1][-1].startswith("'=")  # never a formula in Excel
