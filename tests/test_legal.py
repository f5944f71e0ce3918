"""The site-wide legal pages: terms, privacy notice, imprint and accessibility statement, in both
languages, linked from every page's footer and from the shop's consent checkbox."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from config.legal import PAGES
from tests.factories.programme import EventFactory
from tests.factories.ticketing import TicketTypeFactory

pytestmark = pytest.mark.django_db

HEADINGS = {
    ("terms", "de"): "Allgemeine Geschäftsbedingungen (AGB) für den Ticketverkauf",
    ("terms", "en"): "Terms and conditions for ticket sales",
    ("privacy", "de"): "Datenschutzhinweise",
    ("privacy", "en"): "Privacy notice",
    ("imprint", "de"): "Impressum",
    ("imprint", "en"): "Imprint",
    ("accessibility", "de"): "Erklärung zur Barrierefreiheit",
    ("accessibility", "en"): "Accessibility statement",
}
TEMPLATE_NOTICE = {"de": "Vorlage:", "en": "Template:"}


def legal_links(html: str) -> dict[str, str]:
    """href → label of the links in the footer's legal navigation."""
    nav = re.search(r'<nav aria-label="[^"]+">\s*<ul class="nav legal-nav">(.*?)</ul>', html, flags=re.S)
    assert nav, "the footer has the legal navigation"
    return dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1)))


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_legal_page_renders_in_both_languages(client, page, language):
    response = client.get(f"/{page}/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert f'<h1 id="legal-heading">{HEADINGS[page, language]}</h1>' in response.text
    assert TEMPLATE_NOTICE[language] in response.text  # says it is a template to adapt
    assert response.templates[0].name == f"legal/{page}_{language}.html"


@pytest.mark.parametrize("page", PAGES)
def test_legal_page_shows_the_seller_from_settings(client, settings, page):
    settings.SELLER = {
        **settings.SELLER,
        "name": "Musterveranstaltungen GmbH",
        "street": "Messedamm 26",
        "postcode": "14055",
        "city": "Berlin",
        "email": "kontakt@muster.example",
        "vat_id": "DE999999999",
    }

    text = client.get(f"/{page}/", HTTP_ACCEPT_LANGUAGE="de").text

    assert "Musterveranstaltungen GmbH" in text
    if page != "accessibility":
        assert "Messedamm 26" in text and "14055 Berlin" in text
    assert "kontakt@muster.example" in text


def test_imprint_has_the_vat_id_and_terms_the_deadlines(client, settings):
    settings.SELLER = {**settings.SELLER, "vat_id": "DE999999999"}
    settings.ORDER_HOLD_MINUTES = 45
    settings.INVOICE_PAYMENT_DAYS = 10

    assert "§ 5 DDG" in client.get("/imprint/").text
    assert "DE999999999" in client.get("/imprint/").text
    terms = client.get("/terms/", HTTP_ACCEPT_LANGUAGE="de").text
    assert "§ 312g Abs. 2 Nr. 9 BGB" in terms
    assert "45 Minuten" in terms and "innerhalb von 10 Tagen" in terms
    assert "within 10 days" in client.get("/terms/", HTTP_ACCEPT_LANGUAGE="en").text


def test_legal_page_answers_head_and_refuses_post(client):
    assert client.head("/privacy/").status_code == 200
    assert client.post("/privacy/").status_code == 405


def test_legal_urls_are_named():
    assert [reverse(f"legal:{page}") for page in PAGES] == ["/terms/", "/privacy/", "/imprint/", "/accessibility/"]


def test_footer_links_to_every_legal_page(client, published_event):
    event, _release = published_event
    expected = {reverse(f"legal:{page}") for page in PAGES}
    for path in [f"/{event.slug}/", f"/{event.slug}/programme/", f"/{event.slug}/tickets/", "/terms/", "/nope/x/"]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert set(legal_links(response.text)) == expected, path
    labels = legal_links(client.get(f"/{event.slug}/", HTTP_ACCEPT_LANGUAGE="de").text)
    assert labels["/imprint/"] == "Impressum" and labels["/terms/"] == "AGB"


def test_footer_marks_the_current_legal_page(client):
    text = client.get("/privacy/").text
    assert '<a href="/privacy/" aria-current="page">' in text
    assert '<a href="/terms/" aria-current="page">' not in text


def test_shop_consent_checkbox_links_to_terms_and_privacy(client):
    start = dt.date.today() + dt.timedelta(days=365)
    future_event = EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))
    ticket_type = TicketTypeFactory(event=future_event)
    response = client.post(
        f"/{future_event.slug}/tickets/", {"step": "choose", f"qty_{ticket_type.pk}": 1}, HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 200
    label = re.search(r'<label for="id_accept_terms">(.*?)</label>', response.text, flags=re.S)
    assert label, "the consent checkbox has its label"
    links = re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener">', label.group(1))
    assert links == ["/terms/", "/privacy/"]
    assert "AGB" in label.group(1) and "Datenschutzhinweise" in label.group(1)
    assert "(öffnet in einem neuen Tab)" in label.group(1)


@pytest.mark.parametrize("slug", ["terms", "privacy", "imprint", "accessibility"])
def test_edition_slug_cannot_hide_behind_a_legal_page(slug):
    from django.core.exceptions import ValidationError

    from programme.models import not_reserved

    with pytest.raises(ValidationError):
        not_reserved(slug)
