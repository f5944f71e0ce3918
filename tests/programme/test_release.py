"""The release step: what a release contains, what it says changed, and who may race whom."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from programme.enums import SessionStatus
from programme.exceptions import EmptyRelease, ReleasePreviewOutdated, ReleaseVersionTaken
from programme.models import Event, ReleasedSession, ScheduleRelease
from programme.selectors import release_diff, release_diff_digest, sessions_for_release
from programme.services import schedule_release_publish, session_cancel
from tests.factories.programme import EventFactory, SessionFactory, berlin

pytestmark = pytest.mark.django_db


def test_publish_needs_a_confirmed_session():
    event = EventFactory()
    SessionFactory(event=event, status=SessionStatus.DRAFT)
    with pytest.raises(EmptyRelease):
        schedule_release_publish(event=event, version="1.0")


def test_publish_refuses_a_taken_version():
    event = EventFactory()
    SessionFactory(event=event)
    schedule_release_publish(event=event, version="1.0")
    with pytest.raises(ReleaseVersionTaken):
        schedule_release_publish(event=event, version="1.0")


def test_session_back_to_draft_stays_public_as_cancelled():
    event = EventFactory()
    kept = SessionFactory(event=event)
    withdrawn = SessionFactory(event=event, starts_at=berlin(event.start_on, 14))
    schedule_release_publish(event=event, version="1.0")
    withdrawn.status = SessionStatus.DRAFT
    withdrawn.room = None
    withdrawn.starts_at = withdrawn.ends_at = None
    withdrawn.save()

    release = schedule_release_publish(event=event, version="1.1")

    statuses = dict(release.released_sessions.values_list("session_id", "status"))
    assert statuses == {kept.pk: SessionStatus.CONFIRMED, withdrawn.pk: SessionStatus.CANCELLED}
    assert [entry["session"] for entry in release.changes["cancelled"]] == [withdrawn.pk]


def test_cancelled_session_is_not_announced_twice():
    event = EventFactory()
    SessionFactory(event=event)
    cancelled = SessionFactory(event=event, starts_at=berlin(event.start_on, 14))
    schedule_release_publish(event=event, version="1.0")
    session_cancel(session=cancelled)
    second = schedule_release_publish(event=event, version="1.1")
    third = schedule_release_publish(event=event, version="1.2")
    assert [e["session"] for e in second.changes["cancelled"]] == [cancelled.pk]
    assert third.changes == {"added": [], "moved": [], "cancelled": []}
    assert third.released_sessions.get(session_id=cancelled.pk).status == SessionStatus.CANCELLED


def test_never_published_cancelled_session_is_not_released():
    event = EventFactory()
    SessionFactory(event=event)
    ghost = SessionFactory(event=event, status=SessionStatus.CANCELLED, starts_at=berlin(event.start_on, 14))
    release = schedule_release_publish(event=event, version="1.0")
    assert not release.released_sessions.filter(session_id=ghost.pk).exists()


def test_outdated_preview_is_refused():
    event = EventFactory()
    SessionFactory(event=event)
    digest = release_diff_digest(release_diff(previous=None, sessions=sessions_for_release(event=event, previous=None)))
    SessionFactory(event=event, starts_at=berlin(event.start_on, 14))
    with pytest.raises(ReleasePreviewOutdated):
        schedule_release_publish(event=event, version="1.0", expected_digest=digest)
    assert not ScheduleRelease.objects.exists()


def test_deleting_an_edition_removes_its_releases():
    event = EventFactory()
    SessionFactory(event=event)
    schedule_release_publish(event=event, version="1.0")
    event.delete()
    assert not ReleasedSession.objects.exists()


def test_error_messages_follow_the_request_language():
    with translation.override("en"):
        assert EmptyRelease().message == "There is no confirmed, scheduled session to publish."
    with translation.override("de"):
        assert EmptyRelease().message != "There is no confirmed, scheduled session to publish."


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishing_gives_consecutive_releases():
    if connection.vendor != "postgresql":
        pytest.skip("row locks race only on PostgreSQL; SQLite serialises writers (IMMEDIATE)")
    event = EventFactory()
    SessionFactory(event=event)
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def publish(version: str) -> None:
        try:
            barrier.wait()
            schedule_release_publish(event=Event.objects.get(pk=event.pk), version=version)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(f"1.{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(ScheduleRelease.objects.filter(event=event).values_list("sequence", flat=True)) == [1, 2, 3, 4]
