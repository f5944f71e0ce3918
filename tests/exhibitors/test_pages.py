"""Public pages: directory with search and filters, exhibitor page, the floor plan SVG."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from exhibitors.enums import BoothStatus
from exhibitors.services.booking import booking_confirm
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorCategoryFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _book(exhibitor, booth):  # type: ignore[no-untyped-def]
    return booking_confirm(booking=BoothBookingFactory(exhibitor=exhibitor), booth=booth)


def test_directory_lists_public_exhibitors_with_search_and_filters(client, event):
    category = ExhibitorCategoryFactory(name_de="Smart City", name_en="Smart City")
    alpha = ExhibitorFactory(event=event, name="Alpha Urban Data")
    alpha.categories.add(category)
    _book(alpha, BoothFactory(event=event, number="B101"))
    ExhibitorFactory(event=event, name="Beta Akten GmbH")
    ExhibitorFactory(event=event, name="Gamma Geheim", is_public=False)
    url = f"/{event.slug}/exhibitors/"

    page = client.get(url).content.decode()
    assert "Alpha Urban Data" in page and "Beta Akten GmbH" in page and "Gamma Geheim" not in page
    assert "B101" in page
    assert "Beta" not in client.get(url, {"q": "urban"}).content.decode()
    assert "Beta" not in client.get(url, {"category": category.slug}).content.decode()
    hall_page = client.get(url, {"hall": alpha.bookings.get().booth.hall_id}).content.decode()
    assert "Alpha Urban Data" in hall_page and "Beta" not in hall_page
    assert client.get(url, {"hall": "bogus"}).status_code == 200  # a malformed filter is ignored


def test_directory_in_english(client, event):
    client.cookies["django_language"] = "en"
    page = client.get(f"/{event.slug}/exhibitors/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The exhibitors will be announced soon." in page


def test_exhibitor_page_shows_its_booth(client, event):
    exhibitor = ExhibitorFactory(event=event, name="Alpha Urban Data", description_de="Daten für Städte.")
    booth = BoothFactory(event=event, number="B7")
    _book(exhibitor, booth)

    response = client.get(f"/{event.slug}/exhibitors/{exhibitor.slug}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alpha Urban Data" in page and "Daten für Städte." in page and "B7" in page
    assert f"#booth-{booth.pk}" in page


def test_exhibitor_page_unknown_or_hidden_is_404(client, event):
    hidden = ExhibitorFactory(event=event, is_public=False)
    assert client.get(f"/{event.slug}/exhibitors/{hidden.slug}/").status_code == 404
    assert client.get(f"/{event.slug}/exhibitors/nope/").status_code == 404
    assert client.get("/nope/exhibitors/").status_code == 404


@pytest.mark.parametrize("language", ["de", "en"])
def test_floorplan_svg_is_well_formed_with_one_element_per_booth_linking_to_exhibitors(client, event, language):
    booked = [BoothFactory(event=event, x=Decimal("0.5"), y=Decimal("1.25")), BoothFactory(event=event)]
    free = BoothFactory(event=event, width=Decimal("6"), depth=Decimal("6"), booth_type="island")
    blocked = BoothFactory(event=event, status=BoothStatus.BLOCKED)
    exhibitors = [ExhibitorFactory(event=event, name=f"Firma & Co {n}") for n in range(2)]
    for exhibitor, booth in zip(exhibitors, booked, strict=True):
        _book(exhibitor, booth)
    client.cookies["django_language"] = language

    response = client.get(f"/{event.slug}/floorplan/")

    assert response.status_code == 200
    page = response.content.decode()
    svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="floorplan".*?</svg>', page, re.S)
    assert len(svgs) == 1  # one hall
    root = ET.fromstring(svgs[0])  # noqa: S314 (our own page) -- well-formed XML
    booth_elements = [el for el in root if el.get("class") == "booth"]
    assert len(booth_elements) == 4
    assert {el.get("data-booth") for el in booth_elements} == {b.number for b in [*booked, free, blocked]}
    links = {el.get("data-booth"): el.get("href") for el in booth_elements if el.tag == f"{SVG}a"}
    assert links == {b.number: e.get_absolute_url() for b, e in zip(booked, exhibitors, strict=True)}
    for element in booth_elements:
        assert element.find(f"{SVG}title") is not None
        rect = element.find(f"{SVG}rect")
        assert rect is not None
        float(rect.get("x")), float(rect.get("width"))  # never a localised "0,50"
    first = next(el for el in booth_elements if el.get("data-booth") == booked[0].number).find(f"{SVG}rect")
    assert (first.get("x"), first.get("y")) == ("0.50", "1.25")
    fills = {el.get("data-status"): el.find(f"{SVG}rect").get("fill") for el in booth_elements}
    assert len(set(fills.values())) == 3  # coloured by status
    for exhibitor in exhibitors:  # the text list beside it
        assert exhibitor.name.replace("&", "&amp;") in page.split("</svg>")[-1]
    assert client.get(exhibitors[0].get_absolute_url()).status_code == 200


def test_floorplan_colours_booked_booths_by_their_exhibitors_category(client, event, django_assert_max_num_queries):
    public, industry = ExhibitorCategoryFactory(position=1), ExhibitorCategoryFactory(position=2)
    booths = [BoothFactory(event=event) for _ in range(4)]
    exhibitors = [ExhibitorFactory(event=event) for _ in range(3)]
    exhibitors[0].categories.set([public])
    exhibitors[1].categories.set([industry, public])  # the first by position counts: public
    exhibitors[2].categories.set([industry])
    for exhibitor, booth in zip(exhibitors, booths, strict=False):
        _book(exhibitor, booth)

    with django_assert_max_num_queries(12):
        response = client.get(f"/{event.slug}/floorplan/?colour=category")

    page = response.content.decode()
    svg = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="floorplan".*?</svg>', page, re.S)
    assert svg is not None
    root = ET.fromstring(svg.group(0))  # noqa: S314 (our own page)
    fills = {el.get("data-booth"): el.find(f"{SVG}rect").get("fill") for el in root if el.get("class") == "booth"}
    assert fills[booths[0].number] == fills[booths[1].number] != fills[booths[2].number]
    assert fills[booths[3].number] not in {fills[b.number] for b in booths[:3]}  # the free one
    legend = page.split('class="floorplan-legend"')[1].split("</ul>")[0]
    assert str(public.name) in legend and str(industry.name) in legend
    assert 'href="?colour=category" aria-current="page"' in page


def test_floorplan_without_booths_says_so(client, event):
    response = client.get(f"/{event.slug}/floorplan/")
    assert response.status_code == 200
    assert 'class="floorplan"' not in response.content.decode()
