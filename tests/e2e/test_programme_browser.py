import pytest

from programme.enums import SpeakerRole
from programme.services import schedule_release_publish
from tests.factories.programme import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    TrackFactory,
    berlin,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme():
    event = EventFactory(slug="sccon2019")
    track = TrackFactory(event=event, name_de="Digitale Verwaltung", name_en="Digital administration", colour="#0b5394")
    stage = RoomFactory(venue=event.venue, name_de="Hauptbühne", name_en="Main Stage", position=1)
    other = RoomFactory(venue=event.venue, name_de="Smart-City-Bühne", name_en="Smart City Stage", position=2)
    speaker = SpeakerFactory(event=event, name="Anna Schmidt", slug="anna-schmidt")
    keynote = SessionFactory(
        event=event,
        room=stage,
        track=track,
        title_de="Eröffnungskeynote: Die Verwaltung von morgen",
        title_en="Opening keynote: tomorrow's administration",
        starts_at=berlin(event.start_on, 9, 30),
        ends_at=berlin(event.start_on, 10, 0),
    )
    SessionSpeakerFactory(session=keynote, speaker=speaker)
    panel = SessionFactory(
        event=event, room=other, starts_at=berlin(event.start_on, 10), ends_at=berlin(event.start_on, 11)
    )
    SessionSpeakerFactory(session=panel, speaker=speaker, role=SpeakerRole.MODERATOR)
    schedule_release_publish(event=event, version="1.0")
    return event


def test_timetable_session_speaker_and_language_switch_are_accessible(live_server, page, axe, programme):
    page.goto(f"{live_server.url}/{programme.slug}/programme/")
    assert page.locator("h1").inner_text() == "Programm"
    assert axe(page) == []

    page.get_by_role("link", name="Eröffnungskeynote: Die Verwaltung von morgen").click()
    page.wait_for_url("**/programme/sessions/*/")
    assert "Eröffnungskeynote" in page.locator("h1").inner_text()
    assert axe(page) == []

    page.get_by_role("link", name="Anna Schmidt").click()
    page.wait_for_url("**/speakers/anna-schmidt/")
    assert page.locator("h1").inner_text() == "Anna Schmidt"
    assert axe(page) == []

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/speakers/anna-schmidt/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Sessions").is_visible()
    assert page.get_by_role("link", name="Opening keynote: tomorrow's administration").is_visible()
    assert axe(page) == []

    page.get_by_role("link", name="Programme", exact=True).click()
    page.wait_for_url("**/programme/")
    assert page.locator("h1").inner_text() == "Programme"
    assert page.get_by_role("heading", name="Main Stage").is_visible()
    assert axe(page) == []


def test_timetable_is_usable_on_a_phone(live_server, browser, programme):
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 375, "height": 740}, is_mobile=True, locale="de-DE"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/{programme.slug}/programme/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the timetable scrolls sideways on a phone"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Zum Inhalt springen"
    context.close()
