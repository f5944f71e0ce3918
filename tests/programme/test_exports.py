"""schedule.xml / schedule.json / iCalendar exports, tested through their public URLs."""

import datetime as dt
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import jsonschema
import pytest
import xmlschema
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.http import http_date
from pytest_django import DjangoAssertNumQueries

from programme.enums import SessionFormat, SpeakerRole
from programme.models import Event, ScheduleRelease, Session
from programme.services import schedule_release_publish, session_cancel
from tests.factories.programme import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    TrackFactory,
    berlin,
)

SCHEMA_DIR = Path(settings.BASE_DIR).parent / "shared" / "schedule-formats"
EXPORTS = ["schedule-xml", "schedule-json", "schedule-ics", "session-ics"]


# --- helpers ------------------------------------------------------------------------------


def export_url(name: str, event: Event | str, session_id: int | None = None) -> str:
    slug = event if isinstance(event, str) else event.slug
    if name == "session-ics":
        if session_id is None:
            session_id = Session.objects.filter(event__slug=slug).order_by("pk").values_list("pk", flat=True)[0]
        return reverse("programme:session-ics", kwargs={"event": slug, "session_id": session_id})
    return reverse(f"programme:{name}", kwargs={"event": slug})


def xml_root(content: bytes) -> ET.Element:
    return xmlschema.XMLResource(io.BytesIO(content)).root


def xml_events(content: bytes) -> list[ET.Element]:
    return xml_root(content).findall("./day/room/event")


def json_events(document: dict[str, Any]) -> list[dict[str, Any]]:
    days = document["schedule"]["conference"]["days"]
    return [event for day in days for events in day["rooms"].values() for event in events]


def vevents(content: bytes) -> list[icalendar.Event]:
    return [item for item in icalendar.Calendar.from_ical(content).walk("VEVENT") if isinstance(item, icalendar.Event)]


def vevent_of(content: bytes, session: Session) -> icalendar.Event:
    (found,) = [e for e in vevents(content) if str(e["UID"]).startswith(str(session.uuid))]
    return found


def publish(event: Event, version: str) -> ScheduleRelease:
    return schedule_release_publish(event=event, version=version)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    if not SCHEMA_DIR.is_dir():
        message = f"shared schedule-format schemas not available: {SCHEMA_DIR} does not exist"
        if os.environ.get("REQUIRE_SHARED_SCHEMAS") == "1":
            pytest.fail(message + " (REQUIRE_SHARED_SCHEMAS=1, as in CI)")
        pytest.skip(message)
    return SCHEMA_DIR


@pytest.fixture(scope="session")
def xml_schema(schema_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(schema_dir / "xsd" / "schedule.xml.xsd")


@pytest.fixture(scope="session")
def json_validator(schema_dir: Path) -> jsonschema.Draft6Validator:
    schema = json.loads((schema_dir / "json" / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft6Validator.check_schema(schema)
    checker = jsonschema.FormatChecker()

    # jsonschema checks these two only with optional packages; check them here instead.
    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return parts.scheme in {"http", "https"} and bool(parts.netloc)

    return jsonschema.Draft6Validator(schema, format_checker=checker)


@pytest.fixture
def rich_event(db: None) -> tuple[Event, dict[str, Session]]:
    """Two days, two rooms, two tracks, several speakers, markup in a title, and a session
    that was published, then cancelled and published again."""
    event = EventFactory.create(description_de="Die Konferenz für den digitalen Staat.")
    day1, day2 = event.start_on, event.start_on + dt.timedelta(days=1)
    stage, workshop_room = RoomFactory.create(venue=event.venue), RoomFactory.create(venue=event.venue, kind="workshop")
    track = TrackFactory.create(event=event)
    odd_track = TrackFactory.create(event=event, slug="1_odd_slug")  # a slug the XSD's pattern refuses: left out
    keynote = SessionFactory.create(
        event=event,
        room=stage,
        track=track,
        format=SessionFormat.KEYNOTE,
        title_de="Daten & <Dienste> für „alle“",
        title_en="Data & <services> for “everyone”",
        starts_at=berlin(day1, 9),
        ends_at=berlin(day1, 10, 15),
    )
    SessionSpeakerFactory.create(session=keynote, position=0)
    SessionSpeakerFactory.create(session=keynote, position=1)
    SessionSpeakerFactory.create(session=keynote, role=SpeakerRole.MODERATOR, position=2)
    workshop = SessionFactory.create(
        event=event,
        room=workshop_room,
        track=odd_track,
        format=SessionFormat.WORKSHOP,
        language="en",
        title_en="",  # English falls back to German
        starts_at=berlin(day1, 9, 30),
        ends_at=berlin(day1, 12),
        seat_capacity=30,
    )
    SessionSpeakerFactory.create(session=workshop)
    late = SessionFactory.create(event=event, room=stage, starts_at=berlin(day2, 19), ends_at=berlin(day2, 20, 30))
    doomed = SessionFactory.create(event=event, room=stage, starts_at=berlin(day2, 11), ends_at=berlin(day2, 12))
    publish(event, "1.0")
    session_cancel(session=doomed)
    publish(event, "1.1")
    return event, {"keynote": keynote, "workshop": workshop, "late": late, "cancelled": doomed}


def event_with_sessions(count: int) -> Event:
    event = EventFactory.create()
    for index in range(count):
        day = event.start_on + dt.timedelta(days=index % 2)
        session = SessionFactory.create(
            event=event,
            track=TrackFactory.create(event=event),
            starts_at=berlin(day, 10 + index),
            ends_at=berlin(day, 10 + index, 45),
        )
        SessionSpeakerFactory.create(session=session)
        SessionSpeakerFactory.create(session=session, role=SpeakerRole.MODERATOR, position=1)
    publish(event, "1.0")
    return event


# --- schedule.xml -------------------------------------------------------------------------


def test_schedule_xml_validates_against_the_c3voc_xsd(
    client: Client, xml_schema: xmlschema.XMLSchema, rich_event: tuple[Event, dict[str, Session]]
) -> None:
    event, sessions = rich_event
    response = client.get(export_url("schedule-xml", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    xml_schema.validate(io.BytesIO(response.content))

    root = xml_root(response.content)
    assert root.findtext("version") == "1.1"
    conference = root.find("conference")
    assert conference is not None
    assert conference.findtext("acronym") == event.slug
    assert conference.findtext("start") == "2019-10-22"
    assert conference.findtext("end") == "2019-10-24"
    assert conference.findtext("days") == "3"
    assert conference.findtext("timeslot_duration") == "00:05"
    assert conference.findtext("time_zone_name") == "Europe/Berlin"
    assert conference.findtext("base_url") == "http://testserver/"
    assert [day.get("index") for day in root.findall("day")] == ["1", "2", "3"]
    # The day stretches to cover the evening session past the venue's closing time.
    assert root.findall("day")[1].get("end") == "2019-10-23T20:30:00+02:00"

    by_id = {int(node.get("id", "0")): node for node in xml_events(response.content)}
    assert set(by_id) == {sessions["keynote"].pk, sessions["workshop"].pk, sessions["late"].pk}
    keynote = by_id[sessions["keynote"].pk]
    assert keynote.get("guid") == str(sessions["keynote"].uuid)
    assert keynote.get("code") == sessions["keynote"].code
    assert keynote.findtext("title") == "Daten & <Dienste> für „alle“"
    assert keynote.findtext("date") == "2019-10-22T09:00:00+02:00"
    assert keynote.findtext("start") == "09:00"
    assert keynote.findtext("duration") == "01:15"
    assert keynote.findtext("type") == "keynote"
    assert keynote.findtext("language") == "de"
    assert keynote.findtext("url") == f"http://testserver/{event.slug}/programme/sessions/{sessions['keynote'].pk}/"
    assert len(keynote.findall("persons/person")) == 3
    rooms = {room.get("name"): room.get("guid") for room in root.findall("day/room")}
    assert len(set(rooms.values())) == 2  # one stable guid per room, the same on every day


def test_schedule_xml_room_guids_are_stable_across_releases(
    client: Client, published_event: tuple[Event, ScheduleRelease]
) -> None:
    event, _release = published_event
    before = xml_root(client.get(export_url("schedule-xml", event)).content).find("day/room")
    Session.objects.filter(event=event).update(title_de="Neu")
    publish(event, "2.0")
    after = xml_root(client.get(export_url("schedule-xml", event)).content).find("day/room")

    assert before is not None and after is not None
    assert before.get("guid") == after.get("guid")


# --- schedule.json ------------------------------------------------------------------------


def test_schedule_json_validates_against_the_c3voc_schema(
    client: Client, json_validator: jsonschema.Draft6Validator, rich_event: tuple[Event, dict[str, Session]]
) -> None:
    event, sessions = rich_event
    response = client.get(export_url("schedule-json", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = response.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in json_validator.iter_errors(document)]
    assert errors == []

    schedule = document["schedule"]
    assert schedule["version"] == "1.1"
    conference = schedule["conference"]
    assert conference["acronym"] == event.slug
    assert conference["daysCount"] == len(conference["days"]) == 3
    assert conference["time_zone_name"] == "Europe/Berlin"
    assert len(conference["rooms"]) == 2
    keynote_track = sessions["keynote"].track
    assert keynote_track is not None
    assert {track.get("slug") for track in conference["tracks"]} == {keynote_track.slug, None}
    events = {item["id"]: item for item in json_events(document)}
    assert set(events) == {sessions["keynote"].pk, sessions["workshop"].pk, sessions["late"].pk}
    keynote = events[sessions["keynote"].pk]
    assert keynote["guid"] == str(sessions["keynote"].uuid)
    assert keynote["date"] == "2019-10-22T09:00:00+02:00"
    assert keynote["end"] == "2019-10-22T10:15:00+02:00"
    assert keynote["duration"] == "01:15"
    assert [person["name"] for person in keynote["persons"]] == [
        link.speaker.name for link in sessions["keynote"].session_speakers.order_by("position")
    ]
    assert all("public_name" not in person for person in keynote["persons"])


# --- languages ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["schedule-xml", "schedule-json", "schedule-ics"])
def test_exports_speak_german_by_default_and_english_on_request(
    client: Client, published_event: tuple[Event, ScheduleRelease], name: str
) -> None:
    event, _release = published_event
    german = client.get(export_url(name, event)).content.decode()
    english = client.get(export_url(name, event), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Die digitale Verwaltung" in german
    assert "The digital administration" not in german
    assert "The digital administration" in english
    assert "Die digitale Verwaltung" not in english
    if name != "schedule-ics":
        assert "Bühne" in german
        assert "Stage" in english


def test_english_falls_back_to_german_when_untranslated(
    client: Client, rich_event: tuple[Event, dict[str, Session]]
) -> None:
    event, sessions = rich_event
    document = client.get(export_url("schedule-json", event), HTTP_ACCEPT_LANGUAGE="en").json()
    (workshop,) = [item for item in json_events(document) if item["id"] == sessions["workshop"].pk]

    assert workshop["title"] == sessions["workshop"].title_de


# --- iCalendar ----------------------------------------------------------------------------


def test_schedule_ics_is_a_calendar_in_berlin_time(
    client: Client, published_event: tuple[Event, ScheduleRelease]
) -> None:
    event, release = published_event
    response = client.get(export_url("schedule-ics", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == event.name_de
    assert calendar["X-PUBLISHED-TTL"] == "PT1H"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    items = calendar.walk("VEVENT")
    assert len(items) == 2
    for item in items:
        assert item["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert item["DTEND"].params["TZID"] == "Europe/Berlin"
        assert item["STATUS"] == "CONFIRMED"
        assert item["SEQUENCE"] == release.sequence
    first = Session.objects.filter(event=event).order_by("starts_at").first()
    assert first is not None and first.room is not None
    item = vevent_of(response.content, first)
    assert item["UID"] == f"{first.uuid}@sccon-programme"
    assert item.start == first.starts_at
    assert item.end == first.ends_at
    assert item["SUMMARY"] == first.title_de
    assert str(item["LOCATION"]).startswith(f"{first.room.name_de}, {event.venue.name}")
    assert item["URL"] == f"http://testserver/{event.slug}/programme/sessions/{first.pk}/"
    assert first.session_speakers.get().speaker.name in str(item["DESCRIPTION"])
    assert "Wie Kommunen" in str(item["DESCRIPTION"])


def test_ics_uid_survives_an_edit_and_a_new_release(
    client: Client, published_event: tuple[Event, ScheduleRelease]
) -> None:
    event, _release = published_event
    session = Session.objects.filter(event=event).order_by("starts_at").first()
    assert session is not None
    before = vevent_of(client.get(export_url("schedule-ics", event)).content, session)

    assert session.starts_at is not None
    new_start = session.starts_at + dt.timedelta(hours=3)
    session.title_de = "Ganz neuer Titel"
    session.starts_at, session.ends_at = new_start, new_start + dt.timedelta(minutes=45)
    session.save()
    publish(event, "2.0")
    after = vevent_of(client.get(export_url("schedule-ics", event)).content, session)

    assert after["UID"] == before["UID"]
    assert after["SUMMARY"] == "Ganz neuer Titel"
    assert after.start == before.start + dt.timedelta(hours=3)
    assert after.sequence > before.sequence
    single = vevents(client.get(export_url("session-ics", event, session.pk)).content)
    assert [item["UID"] for item in single] == [before["UID"]]


def test_cancelled_session_is_in_the_ics_but_not_in_xml_or_json(
    client: Client, published_event: tuple[Event, ScheduleRelease]
) -> None:
    event, _release = published_event
    session = Session.objects.filter(event=event).order_by("starts_at").first()
    assert session is not None
    session_cancel(session=session)
    publish(event, "2.0")

    assert vevent_of(client.get(export_url("schedule-ics", event)).content, session)["STATUS"] == "CANCELLED"
    (single,) = vevents(client.get(export_url("session-ics", event, session.pk)).content)
    assert single["STATUS"] == "CANCELLED"
    xml_ids = [node.get("guid") for node in xml_events(client.get(export_url("schedule-xml", event)).content)]
    json_ids = [item["guid"] for item in json_events(client.get(export_url("schedule-json", event)).json())]
    assert str(session.uuid) not in xml_ids
    assert str(session.uuid) not in json_ids
    assert len(xml_ids) == len(json_ids) == 1


def test_session_ics_holds_one_session(client: Client, published_event: tuple[Event, ScheduleRelease]) -> None:
    event, _release = published_event
    session = Session.objects.filter(event=event).order_by("starts_at").first()
    assert session is not None
    response = client.get(export_url("session-ics", event, session.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}-{session.code}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (item,) = calendar.walk("VEVENT")
    assert item["UID"] == f"{session.uuid}@sccon-programme"
    assert item["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_session_ics_404s_for_a_session_not_in_the_release(
    client: Client, published_event: tuple[Event, ScheduleRelease]
) -> None:
    event, _release = published_event
    draft = SessionFactory.create(event=event, status="draft")

    assert client.get(export_url("session-ics", event, 999_999)).status_code == 404
    assert client.get(export_url("session-ics", event, draft.pk)).status_code == 404


# --- HTTP caching -------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_answer_conditional_requests(
    client: Client, published_event: tuple[Event, ScheduleRelease], name: str
) -> None:
    event, _release = published_event
    url = export_url(name, event)
    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]

    assert response.status_code == 200
    assert etag and last_modified
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    later = http_date((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    publish(event, "2.0")
    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag


@pytest.mark.parametrize(
    "edit",
    ["speaker", "track", "room", "venue", "event"],
)
def test_an_edit_shows_at_once_though_the_version_is_cached(
    client: Client, published_event: tuple[Event, ScheduleRelease], edit: str
) -> None:
    """The cached version (programme.cache) is forgotten by every save the exports depend on."""
    event, _release = published_event
    url = export_url("schedule-json", event)
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    speaker = event.speakers.order_by("pk").first()
    track = event.tracks.order_by("pk").first()
    room = event.venue.rooms.order_by("pk").first()
    assert speaker and track and room
    target = {"speaker": speaker, "track": track, "room": room, "venue": event.venue, "event": event}[edit]
    target.save()

    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag


def test_a_cached_version_does_not_outlive_its_transaction(
    client: Client, published_event: tuple[Event, ScheduleRelease]
) -> None:
    """A request that read the rows before a change committed cannot keep them under the new
    generation: the generation moves on again at the commit."""
    from programme.cache import GENERATION_KEY

    event, _release = published_event
    client.get(export_url("schedule-json", event))
    with TestCase.captureOnCommitCallbacks(execute=True):
        before = cache.get(GENERATION_KEY)
        event.speakers.order_by("pk").first().save()
        during = cache.get(GENERATION_KEY)
    after = cache.get(GENERATION_KEY)
    assert before < during < after


def test_etag_differs_between_languages(client: Client, published_event: tuple[Event, ScheduleRelease]) -> None:
    event, _release = published_event
    url = export_url("schedule-xml", event)

    assert client.get(url)["ETag"] != client.get(url, HTTP_ACCEPT_LANGUAGE="en")["ETag"]


# --- not found ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_404_for_an_unknown_event(client: Client, db: None, name: str) -> None:
    assert client.get(export_url(name, "nosuchevent", session_id=1)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_404_without_a_release(client: Client, db: None, name: str) -> None:
    event = EventFactory.create()
    session = SessionFactory.create(event=event)

    assert client.get(export_url(name, event, session.pk)).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_404_for_a_non_public_event(
    client: Client, published_event: tuple[Event, ScheduleRelease], name: str
) -> None:
    event, _release = published_event
    Event.objects.filter(pk=event.pk).update(is_public=False)

    assert client.get(export_url(name, event)).status_code == 404


# --- query count --------------------------------------------------------------------------

# 5 for the export state, shared by the conditional check and the render (event with venue,
# release, the last change of speakers, tracks and rooms), then the export itself:
# xml/json: sessions, their speakers, opening hours; schedule.ics: sessions, speakers;
# session .ics: the session (with its release), its speakers.
QUERIES = {"schedule-xml": 8, "schedule-json": 8, "schedule-ics": 7, "session-ics": 7}


@pytest.mark.parametrize("sessions", [1, 3])
@pytest.mark.parametrize("name", EXPORTS)
def test_export_query_count_does_not_depend_on_the_sessions(
    client: Client, db: None, django_assert_num_queries: DjangoAssertNumQueries, name: str, sessions: int
) -> None:
    event = event_with_sessions(sessions)
    url = export_url(name, event)

    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["schedule-xml", "schedule-json", "schedule-ics"])
def test_export_is_rendered_once_per_version(
    client: Client, published_event: tuple[Event, ScheduleRelease], django_assert_max_num_queries: Any, name: str
) -> None:
    event, _release = published_event
    url = export_url(name, event)
    first = client.get(url)
    # A repeat finds the version and the body in the cache: no query at all.
    with django_assert_max_num_queries(0):
        second = client.get(url)
    assert second.content == first.content

    session = Session.objects.filter(event=event).order_by("pk").first()
    assert session is not None
    session.title_de = "Neu gerendert nach der Veröffentlichung"
    session.save()
    schedule_release_publish(event=event, version="2.0")
    assert "Neu gerendert nach der Veröffentlichung" in client.get(url).text
