"""The only writers of the programme."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from programme import signals
from programme.enums import SessionStatus
from programme.exceptions import EmptyRelease, ReleasePreviewOutdated, ReleaseVersionTaken
from programme.models import (
    Event,
    ReleasedSession,
    ReleasedSessionSpeaker,
    ScheduleRelease,
    Session,
    SessionSpeaker,
)
from programme.selectors import (
    release_diff,
    release_diff_digest,
    release_latest,
    released_sessions_dropped,
    sessions_for_release,
)

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


def _sessions_set_status(*, session_ids: Iterable[int], status: SessionStatus) -> int:
    count = 0
    with transaction.atomic():
        for session in Session.objects.filter(pk__in=list(session_ids)).order_by("pk").select_for_update():
            if session.status != status:
                session.status = status
                session.save(update_fields=["status", "updated_at"])
                count += 1
    return count


def sessions_cancel(*, session_ids: Iterable[int]) -> int:
    """Cancel several sessions at once; returns how many were not cancelled before."""
    return _sessions_set_status(session_ids=session_ids, status=SessionStatus.CANCELLED)


def sessions_confirm(*, session_ids: Iterable[int]) -> int:
    """Confirm drafts (or revive cancelled sessions); the public sees them with the next release."""
    return _sessions_set_status(session_ids=session_ids, status=SessionStatus.CONFIRMED)


def schedule_release_publish(
    *,
    event: Event,
    version: str,
    comment_de: str = "",
    comment_en: str = "",
    user: Any = None,
    expected_digest: str | None = None,
) -> ScheduleRelease:
    """Freeze the current schedule as a new release and record what changed since the last one.

    `expected_digest` (from the preview an organiser saw) makes the call refuse when the
    schedule changed in between, so what is published is what was previewed.
    """
    version = version.strip()
    with transaction.atomic():
        # Lock the edition row, then its sessions: two organisers publishing at once get
        # consecutive releases, and no edit lands half-way through the snapshot.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        list(Session.objects.filter(event=event).select_for_update().order_by("pk").values_list("pk", flat=True))
        if ScheduleRelease.objects.filter(event=event, version=version).exists():
            raise ReleaseVersionTaken(extra={"version": version})
        previous = release_latest(event=event)
        sessions = list(sessions_for_release(event=event, previous=previous))
        if not any(session.status == SessionStatus.CONFIRMED for session in sessions):
            raise EmptyRelease()
        changes = release_diff(previous=previous, sessions=sessions)
        if expected_digest is not None and expected_digest != release_diff_digest(changes):
            raise ReleasePreviewOutdated()
        dropped = released_sessions_dropped(previous=previous, sessions=sessions)
        sequence = (ScheduleRelease.objects.filter(event=event).aggregate(m=Max("sequence"))["m"] or 0) + 1
        release = ScheduleRelease.objects.create(
            event=event,
            sequence=sequence,
            version=version,
            comment_de=comment_de,
            comment_en=comment_en,
            published_by=user if user is not None and user.is_authenticated else None,
            changes=changes,
        )
        snapshots = [
            ReleasedSession(release=release, session_id=session.pk, **{f: getattr(session, f) for f in SNAPSHOT_FIELDS})
            for session in sessions
        ] + [
            ReleasedSession(
                release=release,
                session_id=old.session_id,
                **{f: getattr(old, f) for f in SNAPSHOT_FIELDS if f != "status"},
                status=SessionStatus.CANCELLED,
            )
            for old in dropped
        ]
        released = ReleasedSession.objects.bulk_create(snapshots)
        by_session = {item.session_id: item for item in released}
        speakers = [
            ReleasedSessionSpeaker(
                released_session=by_session[link.session_id],
                speaker_id=link.speaker_id,
                role=link.role,
                position=link.position,
            )
            for link in SessionSpeaker.objects.filter(session__in=[s.pk for s in sessions])
        ] + [
            ReleasedSessionSpeaker(
                released_session=by_session[link.released_session.session_id],
                speaker_id=link.speaker_id,
                role=link.role,
                position=link.position,
            )
            for link in ReleasedSessionSpeaker.objects.filter(released_session__in=dropped).select_related(
                "released_session"
            )
        ]
        ReleasedSessionSpeaker.objects.bulk_create(speakers)
        Event.objects.filter(pk=event.pk).update(updated_at=release.published_at)
        signals.release_published.send(sender=ScheduleRelease, release=release)
    return release
