import datetime as dt

import pytest

from programme.enums import SessionFormat
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

pytestmark = pytest.mark.django_db


def _published(session_count: int):
    """An edition with `session_count` sessions, each with a speaker, in a track, published."""
    event = EventFactory()
    track = TrackFactory(event=event)
    for index in range(session_count):
        SessionSpeakerFactory(
            session__event=event,
            session__track=track,
            session__starts_at=berlin(event.start_on, 9 + index),
        )
    schedule_release_publish(event=event, version="1.0")
    return event


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] == code


def test_event_list_and_detail(client, published_event):
    event, _release = published_event
    EventFactory(is_public=False)
    listing = client.get("/api/v1/events/").json()
    assert listing["count"] == 1
    assert set(listing) == {"count", "next", "previous", "results"}
    detail = client.get(f"/api/v1/events/{event.slug}/").json()
    assert detail["slug"] == event.slug
    assert detail["time_zone"] == "Europe/Berlin"
    assert detail["exports"]["ics"].endswith(f"/{event.slug}/programme/schedule.ics")


def test_unknown_event_is_404_in_error_shape(client):
    _assert_error(client.get("/api/v1/events/nope/"), 404, "event_not_found")
    _assert_error(client.get("/api/v1/events/nope/sessions/"), 404, "event_not_found")


def test_session_list_shape(client, published_event):
    event, release = published_event
    body = client.get(f"/api/v1/events/{event.slug}/sessions/").json()
    assert body["count"] == 2
    first = body["results"][0]
    released = release.released_sessions.get(session_id=first["id"])
    assert first["uuid"] == str(released.session.uuid)
    assert first["code"] == released.session.code
    assert first["title"] == released.title_de
    assert first["room"]["id"] == released.room_id
    assert first["duration_minutes"] == 30
    assert first["url"].endswith(f"/{event.slug}/programme/sessions/{first['id']}/")


def test_session_list_in_english(client, published_event):
    event, release = published_event
    body = client.get(f"/api/v1/events/{event.slug}/sessions/", headers={"accept-language": "en"}).json()
    titles = {s["title"] for s in body["results"]}
    assert titles == set(release.released_sessions.values_list("title_en", flat=True))


def test_session_list_is_empty_before_publication(client):
    event = EventFactory()
    SessionFactory(event=event)
    assert client.get(f"/api/v1/events/{event.slug}/sessions/").json()["count"] == 0


@pytest.mark.parametrize("count", [1, 3])
def test_session_list_query_count_is_constant(client, django_assert_num_queries, count):
    event = _published(count)
    # event, release, count, sessions (with room, track, session), speakers prefetch
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/events/{event.slug}/sessions/")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_speaker_list_query_count_is_constant(client, django_assert_num_queries, count):
    event = _published(count)
    # event, release, count, speakers, links prefetch, appearances (with their session ids) prefetch
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/events/{event.slug}/speakers/")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_room_and_track_list_query_count_is_constant(client, django_assert_num_queries, count):
    event = EventFactory()
    for index in range(count):
        SessionFactory(event=event, track=TrackFactory(event=event), starts_at=berlin(event.start_on, 9 + index))
    schedule_release_publish(event=event, version="1.0")
    with django_assert_num_queries(4):  # event, release, count, rooms
        rooms = client.get(f"/api/v1/events/{event.slug}/rooms/").json()
    with django_assert_num_queries(3):  # the edition is cached now
        tracks = client.get(f"/api/v1/events/{event.slug}/tracks/").json()
    assert rooms["count"] == count
    assert tracks["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_event_list_query_count_is_constant(client, django_assert_num_queries, count):
    EventFactory.create_batch(count)
    with django_assert_num_queries(2):  # count, events with venue
        response = client.get("/api/v1/events/")
    assert response.json()["count"] == count


def test_session_filters(client):
    event = EventFactory()
    room = RoomFactory(venue=event.venue)
    track = TrackFactory(event=event, slug="smart-city")
    speaker = SpeakerFactory(event=event, slug="jane-doe", name="Jane Doe")
    day_two = event.start_on + dt.timedelta(days=1)
    keynote = SessionFactory(
        event=event, format=SessionFormat.KEYNOTE, title_de="Eröffnung", title_en="Opening", language="en"
    )
    in_room = SessionFactory(event=event, room=room, track=track, starts_at=berlin(day_two, 10))
    SessionSpeakerFactory(session=in_room, speaker=speaker)
    schedule_release_publish(event=event, version="1.0")
    url = f"/api/v1/events/{event.slug}/sessions/"

    def ids(**params):
        return [s["id"] for s in client.get(url, params).json()["results"]]

    assert ids(day=day_two.isoformat()) == [in_room.pk]
    assert ids(room=room.pk) == [in_room.pk]
    assert ids(track="smart-city") == [in_room.pk]
    assert ids(track=str(track.pk)) == [in_room.pk]
    assert ids(format="keynote") == [keynote.pk]
    assert ids(language="en") == [keynote.pk]
    assert ids(speaker="jane-doe") == [in_room.pk]
    assert ids(q="opening") == [keynote.pk]
    assert ids(q="Jane") == [in_room.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"day": "22.10.2019"}, "day"), ({"format": "dance"}, "format"), ({"room": "x"}, "room"), ({"q": "x" * 101}, "q")],
)
def test_session_filters_reject_bad_input(client, published_event, params, field):
    event, _release = published_event
    response = client.get(f"/api/v1/events/{event.slug}/sessions/", params)
    _assert_error(response, 400, "invalid")
    assert field in response.json()["extra"]["fields"]


def test_session_detail_and_404s(client, published_event):
    event, release = published_event
    released = release.released_sessions.first()
    body = client.get(f"/api/v1/events/{event.slug}/sessions/{released.session_id}/").json()
    assert body["id"] == released.session_id
    _assert_error(client.get(f"/api/v1/events/{event.slug}/sessions/987654/"), 404, "not_found")


def test_session_detail_before_publication_is_404(client):
    event = EventFactory()
    session = SessionFactory(event=event)
    _assert_error(client.get(f"/api/v1/events/{event.slug}/sessions/{session.pk}/"), 404, "schedule_not_published")


def test_speaker_detail_hides_private_email(client, published_event):
    event, release = published_event
    speaker = release.released_sessions.get(released_speakers__isnull=False).released_speakers.get().speaker
    speaker.email = "private@example.org"
    speaker.save()
    body = client.get(f"/api/v1/events/{event.slug}/speakers/{speaker.slug}/").json()
    assert body["name"] == speaker.name
    assert "private@example.org" not in str(body)
    _assert_error(client.get(f"/api/v1/events/{event.slug}/speakers/nobody/"), 404, "not_found")


def test_bad_page_is_404_in_error_shape(client, published_event):
    event, _release = published_event
    _assert_error(client.get(f"/api/v1/events/{event.slug}/sessions/?page=99"), 404, "not_found")


def test_write_method_is_405_in_error_shape(client, published_event):
    event, _release = published_event
    _assert_error(client.post(f"/api/v1/events/{event.slug}/sessions/", {}), 405, "method_not_allowed")


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/", headers={"accept": "application/json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/events/{event}/sessions/" in paths
    parameters = {p["name"] for p in paths["/api/v1/events/{event}/sessions/"]["get"]["parameters"]}
    assert {"day", "room", "track", "format", "language", "speaker", "q", "page"} <= parameters
    assert client.get("/api/docs/").status_code == 200


def test_unknown_api_path_is_404_in_error_shape(client):
    _assert_error(client.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_unknown_page_is_html_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
