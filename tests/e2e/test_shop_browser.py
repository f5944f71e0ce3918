"""An attendee buys a ticket on the invoice path, the organiser records the payment, and the
attendee downloads the tickets PDF. Every page passes axe (no serious or critical violations)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories.programme import EventFactory
from tests.factories.ticketing import TicketTypeFactory
from ticketing.enums import OrderStatus, PaymentProvider, TicketCategory
from ticketing.models import Order
from ticketing.services.orders import order_mark_paid

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop():
    start = dt.date.today() + dt.timedelta(days=200)
    event = EventFactory(slug=f"sccon{start.year}", start_on=start, end_on=start + dt.timedelta(days=2))
    industry = TicketTypeFactory(
        event=event, name_de="3-Tages-Ticket Wirtschaft", name_en="3-day ticket, industry", position=1
    )
    TicketTypeFactory(
        event=event,
        name_de="Frühbucher",
        name_en="Early bird",
        price_amount=Decimal("415.31"),
        capacity=3,
        position=2,
    )
    TicketTypeFactory(
        event=event,
        name_de="Öffentliche Verwaltung",
        name_en="Public sector",
        category=TicketCategory.PUBLIC_SECTOR,
        price_amount=Decimal("0.00"),
        position=0,
    )
    return event, industry


def test_buy_on_invoice_then_download_tickets(live_server, page, axe, shop, tmp_path: Path):
    event, industry = shop
    page.goto(f"{live_server.url}/{event.slug}/tickets/")
    assert page.locator("h1").inner_text()
    assert axe(page) == []

    # Step 1: one 3-day ticket.
    page.select_option(f"#id_qty_{industry.pk}", "1")
    page.locator("form.shop-form button[type=submit]").click()
    page.wait_for_selector("#id_email")
    assert axe(page) == []

    # A first try without consent and without a name: the error summary links to the fields.
    page.fill("#id_email", "erika.mustermann@example.org")
    page.locator("form.shop-form button[type=submit]").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.locator("a[href='#id_attendee_1_name']").count() == 1
    assert summary.locator("a[href='#id_accept_terms']").count() == 1
    assert page.locator("#id_email").input_value() == "erika.mustermann@example.org"  # kept
    assert page.locator("#id_attendee_1_name").get_attribute("aria-invalid") == "true"
    assert axe(page) == []

    # Step 2 complete: attendee, billing, invoice, consent.
    page.fill("#id_attendee_1_name", "Erika Mustermann")
    page.fill("#id_billing_company", "Landeshauptstadt Musterstadt")
    page.fill("#id_billing_street", "Rathausplatz 1")
    page.fill("#id_billing_postcode", "12345")
    page.fill("#id_billing_city", "Musterstadt")
    page.fill("#id_billing_country", "DE")
    page.check("input[name=payment_method][value=invoice]")
    page.check("#id_accept_terms")
    page.locator("form.shop-form button[type=submit]").click()
    page.wait_for_url("**/orders/**")

    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING
    assert order.tickets.get().attendee_name == "Erika Mustermann"
    assert "DE02100100100006820101" in page.locator(".bank-details").inner_text()
    assert page.locator("a[href$='tickets.pdf']").count() == 0
    assert axe(page) == []

    # The organiser records the bank transfer (in admin: the "mark as paid" action).
    order_mark_paid(order=order, provider=PaymentProvider.BANK_TRANSFER, reference="e2e-transfer")
    page.reload()
    link = page.locator("a[href$='tickets.pdf']")
    assert link.count() == 1
    assert axe(page) == []
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}-{order.code}-tickets.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    # A new name for the ticket, from the order page.
    ticket = order.tickets.get()
    page.fill(f"#id_ticket-{ticket.pk}-attendee_name", "Erika Musterfrau")
    page.locator(".rename-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Erika Musterfrau" in page.locator(".order-tickets").inner_text()
    assert axe(page) == []


def test_shop_in_english_with_a_voucher_error_is_accessible(live_server, browser, axe, shop):
    event, _industry = shop
    context = browser.new_context(bypass_csp=True, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/{event.slug}/tickets/?voucher=NOPE")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#voucher-error").is_visible()
    assert "incl. 19 % VAT" in page.locator(".ticket-offers").inner_text()
    assert axe(page) == []
    context.close()


def test_shop_is_usable_on_a_phone(live_server, browser, shop):
    event, industry = shop
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 375, "height": 740}, is_mobile=True, locale="de-DE"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/{event.slug}/tickets/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the shop scrolls sideways on a phone"
    page.select_option(f"#id_qty_{industry.pk}", "2")
    page.locator("form.shop-form button[type=submit]").click()
    page.wait_for_selector("#id_attendee_2_name")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the details step scrolls sideways"
    context.close()
