"""Exhibitor staff scan visitors' badges in the scanner web app's lead mode: the visitor's consent
asked at the scan, a repeat scan updating the lead, and scans made offline queued and uploaded."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from exhibitors.models import ExhibitorStaff, Lead
from exhibitors.services.leads import lead_consent_grant
from programme.models import BERLIN
from tests.factories.exhibitors import ExhibitorFactory
from tests.factories.programme import EventFactory
from tests.factories.ticketing import PaidTicketFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "#answer:not([hidden])"


@pytest.fixture
def expo():  # type: ignore[no-untyped-def]
    today = dt.datetime.now(BERLIN).date()
    event = EventFactory(slug=f"sccon{today.year}", start_on=today, end_on=today + dt.timedelta(days=2))
    exhibitor = ExhibitorFactory(event=event, name="Alpha Digital GmbH")
    user = User.objects.create_user("stand", password="stand")
    ExhibitorStaff.objects.create(exhibitor=exhibitor, user=user)
    sharing = PaidTicketFactory(
        order__event=event, attendee_name="Erika Mustermann", attendee_email="erika@musterstadt.example"
    )
    lead_consent_grant(ticket=sharing)
    private = PaidTicketFactory(order__event=event, attendee_name="Max Privat")
    return event, exhibitor, sharing, private


def log_in(page: Any, live_server: Any, event: Any) -> None:
    page.goto(f"{live_server.url}/{event.slug}/exhibitors/leads/scan/")
    page.wait_for_url("**/login/?next=**")
    page.fill("#id_username", "stand")
    page.fill("#id_password", "stand")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**/{event.slug}/exhibitors/leads/scan/")
    page.locator("html[data-checkin-ready]").wait_for()


def scan(page: Any, code: str, *, consent: bool = False, notes: str = "") -> None:
    if consent:
        page.locator("#lead-consent").check()
    if notes:
        page.fill("#lead-notes", notes)
    page.fill("#code-input", code)
    page.press("#code-input", "Enter")


def test_lead_scans_with_and_without_consent(live_server, page, expo, axe):
    event, exhibitor, sharing, private = expo
    log_in(page, live_server, event)
    assert page.locator("#list-select").count() == 0  # no door settings in lead mode
    assert axe(page) == []

    scan(page, sharing.code, consent=True, notes="Will Terminbuchung")
    saved = page.locator(f"{ANSWER}[data-tone=ok]")
    saved.wait_for()
    assert "Erika Mustermann" in saved.inner_text()
    assert not page.locator("#lead-consent").is_checked()  # asked again for the next visitor
    assert axe(page) == []
    lead = Lead.objects.get(exhibitor=exhibitor, ticket=sharing)
    assert (lead.has_consent, lead.contact_email, lead.notes) == (
        True,
        "erika@musterstadt.example",
        "Will Terminbuchung",
    )

    page.locator("#answer-close").click()
    scan(page, private.code, consent=True)  # the staff ticked it, but the visitor never agreed online
    page.locator(f"{ANSWER}[data-tone=ok]").wait_for()
    assert "Max Privat" not in page.locator("#answer").inner_text()
    assert Lead.objects.get(exhibitor=exhibitor, ticket=private).contact_name == ""

    page.locator("#answer-close").click()
    scan(page, sharing.code)  # again: the lead is updated, not doubled
    page.locator(f"{ANSWER}[data-tone=ok]").wait_for()
    assert Lead.objects.filter(exhibitor=exhibitor, ticket=sharing).get().scan_count == 2

    page.locator("#answer-close").click()
    scan(page, "SC1.not-a-badge")
    page.locator(f"{ANSWER}[data-tone=error]").wait_for()


def test_offline_lead_scans_are_queued_and_uploaded(live_server, page, expo):
    event, exhibitor, sharing, private = expo
    log_in(page, live_server, event)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")

    page.context.set_offline(True)
    scan(page, sharing.code, consent=True)
    queued = page.locator(f"{ANSWER}[data-result=queued]")
    queued.wait_for()
    assert page.locator("#answer-offline").is_visible()
    page.locator("#answer-close").click()
    scan(page, private.code)
    page.wait_for_function("document.querySelector('#queue-count').textContent === '2'")
    assert not Lead.objects.exists()

    page.context.set_offline(False)
    page.wait_for_function("document.querySelector('#queue-count').textContent === '0'", timeout=15_000)
    leads = {lead.ticket_id: lead for lead in Lead.objects.filter(exhibitor=exhibitor)}
    assert set(leads) == {sharing.pk, private.pk}
    assert leads[sharing.pk].has_consent and not leads[private.pk].has_consent
