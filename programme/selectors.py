"""Non-trivial reads of the programme."""

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from config.i18n import pick
from programme.enums import ConflictKind, SessionFormat, SessionStatus
from programme.exceptions import EventNotFound, NothingPublished
from programme.models import (
    BERLIN,
    Event,
    ReleasedSession,
    ReleasedSessionQuerySet,
    ReleasedSessionSpeaker,
    Room,
    ScheduleRelease,
    Session,
    SessionSpeaker,
    Speaker,
    Track,
)

TRACK_ID = re.compile(r"[0-9]{1,18}")


def event_get_public(*, slug: str) -> Event:
    event = Event.objects.public().select_related("venue").filter(slug=slug).first()
    if event is None:
        raise EventNotFound(extra={"event": slug})
    return event


def event_current() -> Event | None:
    """The edition `/` shows: the next or running public one, else the most recent."""
    today = dt.datetime.now(BERLIN).date()
    events = Event.objects.public().select_related("venue")
    return events.filter(end_on__gte=today).order_by("start_on").first() or events.order_by("-start_on").first()


def event_picked(*, event_id: str | None) -> tuple[Event | None, QuerySet[Event]]:
    """The edition an admin view's `?event=` names (else the newest) and all editions, newest first."""
    events = Event.objects.order_by("-start_on")
    value = event_id or ""
    event = events.filter(pk=int(value)).first() if value.isdigit() and len(value) < 19 else None
    return event or events.first(), events


def release_latest(*, event: Event) -> ScheduleRelease | None:
    return ScheduleRelease.objects.filter(event=event).order_by("-sequence").first()


def release_public(*, event: Event) -> ScheduleRelease:
    release = release_latest(event=event)
    if release is None:
        raise NothingPublished(extra={"event": event.slug})
    return release


# --- the published programme -------------------------------------------------------------


def released_speakers_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "released_speakers",
        queryset=ReleasedSessionSpeaker.objects.select_related("speaker").order_by("position", "id"),
    )


def released_session_list(
    *,
    release: ScheduleRelease,
    day: dt.date | None = None,
    room: int | None = None,
    track: str | None = None,
    format: str | None = None,
    language: str | None = None,
    speaker: str | None = None,
    q: str | None = None,
) -> ReleasedSessionQuerySet:
    sessions = (
        ReleasedSession.objects.filter(release=release)
        .select_related("room", "track", "session")
        .prefetch_related(released_speakers_prefetch())
        .order_by("starts_at", "room__position", "session_id")
    )
    if day is not None:
        sessions = sessions.on_day(day)
    if room is not None:
        sessions = sessions.filter(room_id=room)
    if track:
        sessions = (
            sessions.filter(track_id=int(track)) if TRACK_ID.fullmatch(track) else sessions.filter(track__slug=track)
        )
    if format:
        sessions = sessions.filter(format=format)
    if language:
        sessions = sessions.filter(language=language)
    if speaker:
        sessions = sessions.filter(released_speakers__speaker__slug=speaker)
    if q:
        terms = Q()
        for field in ["title_de", "title_en", "abstract_de", "abstract_en"]:
            terms |= Q(**{f"{field}__icontains": q})
        terms |= Q(released_speakers__speaker__name__icontains=q)
        sessions = sessions.filter(terms).distinct()
    return sessions


def released_session_get(*, release: ScheduleRelease, session_id: int) -> ReleasedSession | None:
    return (
        ReleasedSession.objects.filter(release=release, session_id=session_id)
        .select_related("room", "track", "session", "release")
        .prefetch_related(released_speakers_prefetch())
        .first()
    )


def released_speakers(*, release: ScheduleRelease, q: str | None = None) -> QuerySet[Speaker]:
    """Speakers who appear in the release, by name: the rows alone (the speaker list page)."""
    speakers = (
        Speaker.objects.filter(released_appearances__released_session__release=release)
        .distinct()
        .order_by("name", "id")
    )
    if q:
        speakers = speakers.filter(Q(name__icontains=q) | Q(organisation__icontains=q))
    return speakers


def released_speaker_list(*, release: ScheduleRelease, q: str | None = None) -> QuerySet[Speaker]:
    """Speakers who appear in the release with their links and the ids of their published
    sessions (`published_appearances`, each with its released session): the API's list."""
    return released_speakers(release=release, q=q).prefetch_related(
        "links",
        Prefetch(
            "released_appearances",
            queryset=ReleasedSessionSpeaker.objects.filter(released_session__release=release)
            .select_related("released_session")
            .only("speaker_id", "released_session__session_id", "released_session__starts_at")
            .order_by("released_session__starts_at"),
            to_attr="published_appearances",
        ),
    )


def released_speaker_get(*, release: ScheduleRelease, slug: str) -> Speaker | None:
    """One speaker of the release, each published session with its room, track and co-speakers."""
    return (
        released_speakers(release=release)
        .filter(slug=slug)
        .prefetch_related(
            "links",
            Prefetch(
                "released_appearances",
                queryset=ReleasedSessionSpeaker.objects.filter(released_session__release=release)
                .select_related("released_session__room", "released_session__track")
                .prefetch_related(
                    Prefetch(
                        "released_session__released_speakers",
                        queryset=ReleasedSessionSpeaker.objects.select_related("speaker").order_by("position", "id"),
                    )
                )
                .order_by("released_session__starts_at"),
                to_attr="published_appearances",
            ),
        )
        .first()
    )


def released_room_list(*, release: ScheduleRelease) -> QuerySet[Room]:
    return Room.objects.filter(pk__in=release.released_sessions.values("room_id")).select_related("hall")


def released_track_list(*, release: ScheduleRelease) -> QuerySet[Track]:
    return Track.objects.filter(pk__in=release.released_sessions.values("track_id"))


# --- publishing ---------------------------------------------------------------------------


def sessions_for_release(*, event: Event, previous: ScheduleRelease | None) -> QuerySet[Session]:
    """What a new release would contain: confirmed scheduled sessions, and cancelled ones
    the public has already seen (so calendars learn of the cancellation)."""
    seen = previous.released_sessions.values("session_id") if previous else Session.objects.none().values("pk")
    return (
        Session.objects.filter(event=event)
        .scheduled()
        .filter(Q(status=SessionStatus.CONFIRMED) | Q(status=SessionStatus.CANCELLED, pk__in=seen))
        .select_related("room")
        .order_by("starts_at", "pk")
    )


def _summary(title_de: str, title_en: str, room: Room | None, starts_at: dt.datetime) -> dict[str, Any]:
    return {
        "title_de": title_de,
        "title_en": title_en,
        "room_de": room.name_de if room else "",
        "room_en": (room.name_en or room.name_de) if room else "",
        "starts_at": starts_at.isoformat(),
    }


def released_sessions_dropped(
    *, previous: ScheduleRelease | None, sessions: Iterable[Session]
) -> list[ReleasedSession]:
    """Sessions the public has seen that the new release would no longer schedule (back to draft,
    unscheduled or deleted): they stay in it as cancelled, so calendars learn of it."""
    if previous is None:
        return []
    keep = {session.pk for session in sessions}
    return [item for item in previous.released_sessions.select_related("room") if item.session_id not in keep]


def release_diff(*, previous: ScheduleRelease | None, sessions: Iterable[Session]) -> dict[str, list[dict[str, Any]]]:
    """What a release adds, moves and cancels compared to the previous one."""
    sessions = list(sessions)
    before = {
        item.session_id: item
        for item in (previous.released_sessions.select_related("room") if previous else ReleasedSession.objects.none())
    }
    changes: dict[str, list[dict[str, Any]]] = {"added": [], "moved": [], "cancelled": []}
    now_ids = set()
    for session in sessions:
        now_ids.add(session.pk)
        assert session.starts_at is not None
        entry = {"session": session.pk, **_summary(session.title_de, session.title_en, session.room, session.starts_at)}
        old = before.get(session.pk)
        if session.status == SessionStatus.CANCELLED:
            if old is not None and old.status != SessionStatus.CANCELLED:
                changes["cancelled"].append(entry)
        elif old is None or old.status == SessionStatus.CANCELLED:
            changes["added"].append(entry)
        elif (old.starts_at, old.ends_at, old.room_id) != (session.starts_at, session.ends_at, session.room_id):
            entry["from"] = _summary(old.title_de, old.title_en, old.room, old.starts_at)
            changes["moved"].append(entry)
    for old in released_sessions_dropped(previous=previous, sessions=sessions):
        if old.status != SessionStatus.CANCELLED:
            changes["cancelled"].append(
                {"session": old.session_id, **_summary(old.title_de, old.title_en, old.room, old.starts_at)}
            )
    return changes


def release_diff_digest(changes: dict[str, list[dict[str, Any]]]) -> str:
    """A fingerprint of a previewed diff, so publishing can refuse when the schedule moved on."""
    return hashlib.sha256(json.dumps(changes, sort_keys=True).encode()).hexdigest()


def release_changes_display(changes: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Stored changes in the active language, with aware datetimes for templates."""

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        shown = {
            "session": item["session"],
            "title": pick({"de": item.get("title_de", ""), "en": item.get("title_en", "")}),
            "room": pick({"de": item.get("room_de", ""), "en": item.get("room_en", "")}),
            "starts_at": dt.datetime.fromisoformat(item["starts_at"]),
        }
        if "from" in item:
            shown["from_room"] = pick({"de": item["from"].get("room_de", ""), "en": item["from"].get("room_en", "")})
            shown["from_starts_at"] = dt.datetime.fromisoformat(item["from"]["starts_at"])
        return shown

    return {key: [entry(item) for item in items] for key, items in changes.items()}


def release_list(*, event: Event) -> QuerySet[ScheduleRelease]:
    return ScheduleRelease.objects.filter(event=event).order_by("-sequence")


# --- conflicts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str
    session_id: int
    other_id: int | None
    message: str


def event_hours_on(*, event: Event, day: dt.date) -> tuple[dt.time, dt.time]:
    for hours in event.opening_hours.all():
        if hours.day_on == day:
            return hours.opens_at, hours.closes_at
    return event.venue.opens_at, event.venue.closes_at


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(BERLIN)


def session_conflicts(*, event: Event, session_id: int | None = None) -> list[Conflict]:
    """Every scheduling problem of the edition's working schedule (or only those of one session).

    Cancelled and unscheduled sessions take part in none.
    """
    event = Event.objects.select_related("venue").prefetch_related("opening_hours").get(pk=event.pk)
    sessions = list(
        Session.objects.filter(event=event)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(starts_at__isnull=False, ends_at__isnull=False)
        .select_related("room")
        .order_by("starts_at", "pk")
    )
    by_id = {s.pk: s for s in sessions}
    conflicts: list[Conflict] = []

    def overlaps(a: Session, b: Session) -> bool:
        assert a.starts_at and a.ends_at and b.starts_at and b.ends_at
        return a.starts_at < b.ends_at and b.starts_at < a.ends_at

    def add(kind: ConflictKind, a: Session, b: Session | None, message: str) -> None:
        if session_id is None or session_id in (a.pk, b.pk if b else None):
            conflicts.append(Conflict(kind.value, a.pk, b.pk if b else None, message))

    by_room: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        if s.room_id is not None:
            by_room[s.room_id].append(s)
    for room_sessions in by_room.values():
        for i, a in enumerate(room_sessions):
            for b in room_sessions[i + 1 :]:
                assert a.ends_at and b.starts_at
                if b.starts_at >= a.ends_at:
                    break
                add(
                    ConflictKind.ROOM_DOUBLE_BOOKED,
                    a,
                    b,
                    _("%(room)s is booked twice: “%(a)s” and “%(b)s” overlap.")
                    % {"room": a.room, "a": a.title, "b": b.title},
                )

    appearances: dict[int, list[Session]] = defaultdict(list)
    speaker_names: dict[int, str] = {}
    for link in SessionSpeaker.objects.filter(session__in=by_id.keys()).select_related("speaker"):
        appearances[link.speaker_id].append(by_id[link.session_id])
        speaker_names[link.speaker_id] = link.speaker.name
    for speaker_id, speaker_sessions in appearances.items():
        speaker_sessions.sort(key=lambda s: (s.starts_at, s.pk))
        for i, a in enumerate(speaker_sessions):
            for b in speaker_sessions[i + 1 :]:
                if overlaps(a, b):
                    add(
                        ConflictKind.SPEAKER_DOUBLE_BOOKED,
                        a,
                        b,
                        _("%(speaker)s is in two places at once: “%(a)s” and “%(b)s”.")
                        % {"speaker": speaker_names[speaker_id], "a": a.title, "b": b.title},
                    )

    for s in sessions:
        assert s.starts_at and s.ends_at
        start, end = _local(s.starts_at), _local(s.ends_at)
        if s.seat_capacity and s.room and s.room.capacity is not None and s.seat_capacity > s.room.capacity:
            add(
                ConflictKind.CAPACITY_ABOVE_ROOM,
                s,
                None,
                _("“%(title)s” offers %(seats)s seats but %(room)s holds %(capacity)s.")
                % {"title": s.title, "seats": s.seat_capacity, "room": s.room, "capacity": s.room.capacity},
            )
        if start.date() < event.start_on or end.date() > event.end_on:
            add(
                ConflictKind.OUTSIDE_EVENT_DAYS,
                s,
                None,
                _("“%(title)s” lies outside the edition's days (%(first)s to %(last)s).")
                % {"title": s.title, "first": event.start_on.isoformat(), "last": event.end_on.isoformat()},
            )
            continue
        opens, closes = event_hours_on(event=event, day=start.date())
        if start.time() < opens or end.date() != start.date() or end.time() > closes:
            add(
                ConflictKind.OUTSIDE_OPENING_HOURS,
                s,
                None,
                _("“%(title)s” runs outside the venue's opening hours (%(opens)s–%(closes)s).")
                % {"title": s.title, "opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")},
            )
    return conflicts


# --- the organisers' timetable -------------------------------------------------------------

SLOT_MINUTES = 5


@dataclass
class TimetableItem:
    session: Session
    column: int
    row_start: int
    row_end: int
    has_conflict: bool


@dataclass
class TimetableGrid:
    rooms: list[Room]
    items: list[TimetableItem]
    labels: list[tuple[int, str]]
    rows: int


def _slot(value: dt.datetime, origin: dt.datetime) -> int:
    return int((value - origin).total_seconds() // (SLOT_MINUTES * 60))


def timetable_grid(*, event: Event, day: dt.date) -> TimetableGrid:
    """Every scheduled session of one day (drafts included) laid out as rooms × 5-minute rows."""
    sessions = list(
        Session.objects.filter(event=event)
        .scheduled()
        .on_day(day)
        .select_related("room", "track")
        .prefetch_related("session_speakers__speaker")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return TimetableGrid(rooms=[], items=[], labels=[], rows=0)
    conflicts = session_conflicts(event=event)
    conflicted = {c.session_id for c in conflicts} | {c.other_id for c in conflicts if c.other_id}
    rooms = sorted({s.room for s in sessions if s.room}, key=lambda r: (r.position, r.name_de))
    column = {room.pk: index + 2 for index, room in enumerate(rooms)}
    first = min(s.starts_at for s in sessions if s.starts_at).astimezone(BERLIN)
    origin = first.replace(minute=first.minute - first.minute % 30, second=0, microsecond=0)
    last = max(s.ends_at for s in sessions if s.ends_at)
    rows = _slot(last, origin) + 1
    items = [
        TimetableItem(
            session=s,
            column=column[s.room_id],  # type: ignore[index]
            row_start=_slot(s.starts_at, origin) + 2,  # type: ignore[arg-type]
            row_end=max(_slot(s.ends_at, origin) + 2, _slot(s.starts_at, origin) + 3),  # type: ignore[arg-type]
            has_conflict=s.pk in conflicted,
        )
        for s in sessions
    ]
    labels = [
        (index + 2, (origin + dt.timedelta(minutes=index * SLOT_MINUTES)).strftime("%H:%M"))
        for index in range(0, rows, 30 // SLOT_MINUTES)
    ]
    return TimetableGrid(rooms=rooms, items=items, labels=labels, rows=rows)


# --- public overview and exports ----------------------------------------------------------


@dataclass
class ReleaseOverview:
    session_count: int
    speaker_count: int
    keynotes: list[ReleasedSession]


def release_overview(*, release: ScheduleRelease) -> ReleaseOverview:
    active = ReleasedSession.objects.filter(release=release).active()
    return ReleaseOverview(
        session_count=active.count(),
        speaker_count=released_speakers(release=release).count(),
        keynotes=list(released_session_list(release=release, format=SessionFormat.KEYNOTE).active()[:6]),
    )


@dataclass
class ExportState:
    event: Event
    release: ScheduleRelease
    last_modified: dt.datetime


def export_state(*, slug: str) -> ExportState | None:
    """The release an export shows and the newest change it reflects: the release, or a live
    edit of the edition, its venue, rooms, tracks or speakers. None when nothing is published."""
    event = Event.objects.public().filter(slug=slug).select_related("venue").first()
    release = release_latest(event=event) if event else None
    if event is None or release is None:
        return None
    candidates = [
        release.published_at,
        event.updated_at,
        event.venue.updated_at,
        event.speakers.aggregate(m=Max("updated_at"))["m"],
        event.tracks.aggregate(m=Max("updated_at"))["m"],
        Room.objects.filter(venue=event.venue_id).aggregate(m=Max("updated_at"))["m"],
    ]
    return ExportState(event=event, release=release, last_modified=max(c for c in candidates if c is not None))
