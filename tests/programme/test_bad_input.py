"""Odd input on every public URL gets a 4xx or a normal page, never a 500."""

import pytest

from tests.factories.programme import SessionSpeakerFactory, berlin

pytestmark = pytest.mark.django_db

ODD_VALUES = ["²", "%00", "\x00", "99999999999999999999", "-1", "ß" * 300, "<script>", "' OR 1=1 --", "1e9", ""]


@pytest.fixture
def urls(published_event):
    event, release = published_event
    released = release.released_sessions.first()
    speaker = SessionSpeakerFactory(session__event=event, session__starts_at=berlin(event.start_on, 15)).speaker
    return [
        f"/{event.slug}/",
        f"/{event.slug}/programme/",
        f"/{event.slug}/programme/changelog/",
        f"/{event.slug}/programme/sessions/{released.session_id}/",
        f"/{event.slug}/speakers/",
        f"/{event.slug}/speakers/{speaker.slug}/",
        f"/{event.slug}/programme/schedule.xml",
        f"/{event.slug}/programme/schedule.json",
        f"/{event.slug}/programme/schedule.ics",
        "/api/v1/events/",
        f"/api/v1/events/{event.slug}/",
        f"/api/v1/events/{event.slug}/sessions/",
        f"/api/v1/events/{event.slug}/sessions/{released.session_id}/",
        f"/api/v1/events/{event.slug}/speakers/",
        f"/api/v1/events/{event.slug}/rooms/",
        f"/api/v1/events/{event.slug}/tracks/",
    ]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_query_parameters_never_fail(client, urls, value):
    params = dict.fromkeys(["day", "track", "room", "format", "language", "speaker", "q", "page", "page_size"], value)
    for url in urls:
        response = client.get(url, params)
        assert response.status_code < 500, (url, value, response.status_code)
        if url.startswith("/api/") and response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "extra"}


@pytest.mark.parametrize(
    "path",
    [
        "/{slug}/programme/sessions/99999999999999999999/",
        "/{slug}/programme/sessions/99999999999999999999.ics",
        "/api/v1/events/{slug}/sessions/99999999999999999999/",
        "/{slug}/programme/sessions/0/",
        "/{slug}/speakers/%C3%9F/",
        "/no-such-edition/programme/schedule.ics",
    ],
)
def test_odd_ids_are_404(client, published_event, path):
    event, _release = published_event
    assert client.get(path.format(slug=event.slug)).status_code == 404
