"""The legal pages in both languages pass axe, and the footer leads to them from the shop."""

import datetime as dt

import pytest

from config.legal import PAGES
from tests.factories.programme import EventFactory
from tests.factories.ticketing import TicketTypeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_legal_pages_are_accessible(live_server, browser, axe, locale):
    context = browser.new_context(bypass_csp=True, locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for name in PAGES:
        page.goto(f"{live_server.url}/{name}/")
        assert page.locator("html").get_attribute("lang") == locale[:2]
        assert page.locator("h1").inner_text()
        assert axe(page) == [], name
    context.close()


def test_footer_and_consent_lead_to_the_legal_pages(live_server, page, axe):
    start = dt.date.today() + dt.timedelta(days=200)
    event = EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))
    ticket_type = TicketTypeFactory(event=event)
    page.goto(f"{live_server.url}/{event.slug}/tickets/")
    page.select_option(f"#id_qty_{ticket_type.pk}", "1")
    page.locator("form.shop-form button[type=submit]").click()
    page.wait_for_selector("#id_accept_terms")

    # The terms open in a new tab, so the form keeps what was typed.
    page.fill("#id_email", "erika.mustermann@example.org")
    with page.context.expect_page() as new_tab:
        page.locator("label[for=id_accept_terms] a[href='/terms/']").click()
    terms = new_tab.value
    terms.wait_for_load_state()
    assert terms.locator("h1").inner_text().startswith("Allgemeine Geschäftsbedingungen")
    terms.close()
    assert page.locator("#id_email").input_value() == "erika.mustermann@example.org"
    assert not page.locator("#id_accept_terms").is_checked()  # following the link does not tick the box

    page.get_by_role("navigation", name="Rechtliches").get_by_role("link", name="Impressum").click()
    page.wait_for_url("**/imprint/")
    assert page.locator("h1").inner_text() == "Impressum"
