"""The only writers of the programme."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from programme.enums import SessionStatus
from programme.exceptions import EmptyRelease, ReleaseVersionTaken
from programme.models import (
    Event,
    ReleasedSession,
    ReleasedSessionSpeaker,
    ScheduleRelease,
    Session,
    SessionSpeaker,
)
from programme.selectors import release_diff, release_latest, sessions_for_release

SNAPSHOT_FIELDS = [
    "title_de",
    "title_en",
    "abstract_de",
    "abstract_en",
    "description_de",
    "description_en",
    "format",
    "language",
    "track_id",
    "room_id",
    "starts_at",
    "ends_at",
    "status",
    "seat_capacity",
]


def session_cancel(*, session: Session) -> Session:
    """Mark a session cancelled; the public sees it with the next release."""
    if session.status != SessionStatus.CANCELLED:
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status", "updated_at"])
    return session


def sessions_cancel(*, session_ids: Iterable[int]) -> int:
    """Cancel several sessions at once; returns how many were not cancelled before."""
    count = 0
    with transaction.atomic():
        for session in Session.objects.filter(pk__in=list(session_ids)).order_by("pk").select_for_update():
            if session.status != SessionStatus.CANCELLED:
                session_cancel(session=session)
                count += 1
    return count


def schedule_release_publish(
    *,
    event: Event,
    version: str,
    comment_de: str = "",
    comment_en: str = "",
    user: Any = None,
) -> ScheduleRelease:
    """Freeze the current schedule as a new release and record what changed since the last one."""
    version = version.strip()
    with transaction.atomic():
        # Lock the edition row: two organisers publishing at once get consecutive releases.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        if ScheduleRelease.objects.filter(event=event, version=version).exists():
            raise ReleaseVersionTaken(extra={"version": version})
        previous = release_latest(event=event)
        sessions = list(sessions_for_release(event=event, previous=previous))
        if not any(session.status == SessionStatus.CONFIRMED for session in sessions):
            raise EmptyRelease()
        sequence = (ScheduleRelease.objects.filter(event=event).aggregate(m=Max("sequence"))["m"] or 0) + 1
        release = ScheduleRelease.objects.create(
            event=event,
            sequence=sequence,
            version=version,
            comment_de=comment_de,
            comment_en=comment_en,
            published_by=user if user is not None and user.is_authenticated else None,
        )
        released = ReleasedSession.objects.bulk_create(
            [
                ReleasedSession(
                    release=release, session_id=session.pk, **{f: getattr(session, f) for f in SNAPSHOT_FIELDS}
                )
                for session in sessions
            ]
        )
        by_session = {item.session_id: item for item in released}
        links = SessionSpeaker.objects.filter(session__in=[s.pk for s in sessions])
        ReleasedSessionSpeaker.objects.bulk_create(
            [
                ReleasedSessionSpeaker(
                    released_session=by_session[link.session_id],
                    speaker_id=link.speaker_id,
                    role=link.role,
                    position=link.position,
                )
                for link in links
            ]
        )
        release.changes = release_diff(previous=previous, sessions=sessions)
        release.save(update_fields=["changes"])
        Event.objects.filter(pk=event.pk).update(updated_at=release.published_at)
    return release
