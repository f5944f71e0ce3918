import datetime as dt

import pytest
from django.urls import reverse

from programme.services import schedule_release_publish, session_cancel
from tests.factories.programme import (
    EventFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    TrackFactory,
    berlin,
)

pytestmark = pytest.mark.django_db


def test_index_redirects_to_current_edition(client, published_event):
    event, _release = published_event
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/{event.slug}/"


def test_index_without_editions_renders(client):
    response = client.get("/")
    assert response.status_code == 200


def test_event_home_shows_name_and_programme_link(client, published_event):
    event, _release = published_event
    response = client.get(f"/{event.slug}/")
    assert response.status_code == 200
    assert event.name_de in response.text
    assert reverse("programme:timetable", kwargs={"event": event.slug}) in response.text


def test_timetable_shows_published_sessions_by_stage(client, published_event):
    event, release = published_event
    session = release.released_sessions.first()
    response = client.get(f"/{event.slug}/programme/?day={event.start_on.isoformat()}")
    assert response.status_code == 200
    assert session.title_de in response.text
    assert session.room.name_de in response.text


def test_timetable_hides_unpublished_edits(client, published_event):
    event, _release = published_event
    SessionFactory(event=event, title_de="Noch geheim", starts_at=berlin(event.start_on, 14))
    response = client.get(f"/{event.slug}/programme/")
    assert "Noch geheim" not in response.text


def test_timetable_invalid_day_falls_back_with_notice(client, published_event):
    event, _release = published_event
    response = client.get(f"/{event.slug}/programme/?day=not-a-date")
    assert response.status_code == 200
    assert response.context["day"] == event.start_on
    assert response.context["invalid_day"] is True


def test_timetable_before_first_release_says_so(client):
    event = EventFactory()
    SessionFactory(event=event)
    response = client.get(f"/{event.slug}/programme/")
    assert response.status_code == 200
    assert response.context["release"] is None


def test_session_page_shows_speakers_and_links_them(client, published_event):
    event, release = published_event
    released = release.released_sessions.filter(released_speakers__isnull=False).first()
    speaker = released.released_speakers.first().speaker
    response = client.get(f"/{event.slug}/programme/sessions/{released.session_id}/")
    assert response.status_code == 200
    assert reverse("programme:speaker", kwargs={"event": event.slug, "slug": speaker.slug}) in response.text


def test_session_page_unknown_or_unpublished_is_404(client, published_event):
    event, _release = published_event
    draft = SessionFactory(event=event)
    assert client.get(f"/{event.slug}/programme/sessions/999999/").status_code == 404
    assert client.get(f"/{event.slug}/programme/sessions/{draft.pk}/").status_code == 404


def test_unknown_or_private_event_is_404(client):
    private = EventFactory(is_public=False)
    assert client.get("/nosuchevent/").status_code == 404
    assert client.get(f"/{private.slug}/programme/").status_code == 404


def test_speaker_pages(client, published_event):
    event, release = published_event
    speaker = release.released_sessions.get(released_speakers__isnull=False).released_speakers.get().speaker
    listing = client.get(f"/{event.slug}/speakers/")
    assert speaker.name in listing.text
    detail = client.get(f"/{event.slug}/speakers/{speaker.slug}/")
    assert detail.status_code == 200
    assert speaker.bio_de in detail.text
    assert client.get(f"/{event.slug}/speakers/nobody/").status_code == 404


def test_speaker_search_filters(client, published_event):
    event, release = published_event
    speaker = release.released_sessions.get(released_speakers__isnull=False).released_speakers.get().speaker
    SpeakerFactory(event=event, name="Nicht veröffentlicht")
    found = client.get(f"/{event.slug}/speakers/", {"q": speaker.name[:8]})
    assert found.context["speakers"] == [speaker]
    none = client.get(f"/{event.slug}/speakers/", {"q": "zzzz-no-match"})
    assert none.status_code == 200
    assert none.context["speakers"] == []


def test_pages_switch_language_with_fallback(client, published_event):
    event, release = published_event
    released = release.released_sessions.first()
    url = f"/{event.slug}/programme/sessions/{released.session_id}/"
    assert released.title_de in client.get(url, headers={"accept-language": "de"}).text
    english = client.get(url, headers={"accept-language": "en"})
    assert released.title_en in english.text
    assert '<html lang="en">' in english.text


def test_english_falls_back_to_german_when_empty(client):
    event = EventFactory()
    session = SessionFactory(event=event, title_de="Nur auf Deutsch", title_en="")
    schedule_release_publish(event=event, version="1")
    response = client.get(f"/{event.slug}/programme/sessions/{session.pk}/", headers={"accept-language": "en"})
    assert "Nur auf Deutsch" in response.text


def test_language_switcher_sets_cookie(client, published_event):
    event, _release = published_event
    response = client.post("/i18n/setlang/", {"language": "en", "next": f"/{event.slug}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/{event.slug}/"
    assert '<html lang="en">' in client.get(f"/{event.slug}/").text


def test_changelog_lists_added_moved_and_cancelled(client):
    event = EventFactory()
    moved = SessionFactory(event=event, title_de="Wird verschoben")
    cancelled = SessionFactory(event=event, title_de="Fällt aus", starts_at=berlin(event.start_on, 11))
    schedule_release_publish(event=event, version="1.0")
    moved.starts_at = berlin(event.start_on, 15)
    moved.ends_at = moved.starts_at + dt.timedelta(minutes=30)
    moved.save()
    session_cancel(session=cancelled)
    SessionSpeakerFactory(
        session__event=event, session__title_de="Ganz neu", session__starts_at=berlin(event.start_on, 16)
    )
    schedule_release_publish(event=event, version="1.1")

    response = client.get(f"/{event.slug}/programme/changelog/")

    assert response.status_code == 200
    newest = response.context["releases"][0]["changes"]
    assert [e["title"] for e in newest["moved"]] == ["Wird verschoben"]
    assert [e["title"] for e in newest["cancelled"]] == ["Fällt aus"]
    assert [e["title"] for e in newest["added"]] == ["Ganz neu"]
    assert "Wird verschoben" in response.text


PAGE_QUERIES = {
    "": 6,  # event, release, session count, speaker count, keynotes, their speakers
    # event, release; the exports' version (5, cached after); sessions, their speakers; tracks, seats
    "programme/": 11,
    "programme/changelog/": 2,  # event, releases
    "programme/sessions/{session}/": 4,  # event, release, session, its speakers
    "speakers/": 3,  # event, release, speakers (the rows alone: the list shows names and positions)
    "speakers/{speaker}/": 6,
}


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("path", PAGE_QUERIES)
def test_page_query_count_does_not_grow(client, django_assert_num_queries, count, path):
    event = EventFactory()
    track = TrackFactory(event=event)
    links = [
        SessionSpeakerFactory(
            session__event=event,
            session__track=track,
            session__format="keynote",
            session__starts_at=berlin(event.start_on, 9 + i),
        )
        for i in range(count)
    ]
    schedule_release_publish(event=event, version="1.0")
    url = f"/{event.slug}/" + path.format(session=links[0].session_id, speaker=links[0].speaker.slug)
    with django_assert_num_queries(PAGE_QUERIES[path]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_timetable_cards_are_rendered_once_per_version(client, django_assert_num_queries, count):
    event = EventFactory()
    track = TrackFactory(event=event, name_de="Verwaltung", name_en="Administration")
    for i in range(count):
        SessionSpeakerFactory(
            session__event=event, session__track=track, session__starts_at=berlin(event.start_on, 9 + i)
        )
    schedule_release_publish(event=event, version="1.0")
    url = f"/{event.slug}/programme/?day={event.start_on.isoformat()}"
    first = client.get(url).text
    # release, tracks (the filter), seats of workshops: the edition and the cards come from the cache
    with django_assert_num_queries(3):
        again = client.get(url).text
    body = first[first.index('<h2 class="day-heading">') :]  # (the language form's CSRF token differs)
    assert again[again.index('<h2 class="day-heading">') :] == body and "session-card" in body
    # A change to the programme (here a track's name) is on the very next request.
    track.name_de = "Digitale Verwaltung"
    track.save()
    assert "Digitale Verwaltung" in client.get(url).text
