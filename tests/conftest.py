import pytest
from django.test import Client

from programme.models import Event, ScheduleRelease
from programme.services import schedule_release_publish
from tests.factories.programme import EventFactory, SessionFactory, SessionSpeakerFactory, TrackFactory


@pytest.fixture
def event(db: None) -> Event:
    return EventFactory()


@pytest.fixture
def published_event(db: None) -> tuple[Event, ScheduleRelease]:
    """An edition with two confirmed sessions (one with a speaker and a track), published."""
    event = EventFactory()
    track = TrackFactory(event=event)
    first = SessionFactory(event=event, track=track)
    SessionSpeakerFactory(session=first)
    SessionFactory(
        event=event, room=first.room, starts_at=first.ends_at, ends_at=first.ends_at + (first.ends_at - first.starts_at)
    )
    release = schedule_release_publish(event=event, version="1.0")
    return event, release


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and rendered files (PDFs) of a test go to its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rendered exports are cached by ETag)."""
    from django.core.cache import cache

    from ticketing.services.checkin import device_cache_clear

    cache.clear()
    device_cache_clear()
    yield
    cache.clear()
    device_cache_clear()
