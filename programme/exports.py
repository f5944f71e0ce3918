"""Machine-readable exports of a published schedule release.

- `schedule.xml` and `schedule.json`: the frab/pentabarf/pretalx exchange format described by
  the c3voc schemas (https://c3voc.de/schedule/schema.xsd, https://c3voc.de/schedule/schema.json).
  Neither format has a state for an event, so cancelled sessions are left out of both.
- iCalendar (RFC 5545): the whole release, or one session. Cancelled sessions stay in with
  `STATUS:CANCELLED` so subscribed calendars learn of the cancellation.

All texts are in the active language (the `Translated` attributes fall back to the other one).
Identifiers never depend on the host or the language: events use the session's UUID and id,
rooms and speakers a UUID5 of their primary key, so they stay the same across releases.
Every export costs the same few queries, whatever the number of sessions.
"""

import datetime as dt
import importlib.metadata
import json
import re
import uuid
import xml.etree.ElementTree as ET  # only builds and serialises, never parses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from django.urls import reverse
from django.utils.text import slugify
from icalendar import STATUS, Calendar, vDuration
from icalendar import Event as CalendarEvent

from config.i18n import active_language
from programme.enums import RoomKind, SessionFormat, SpeakerRole
from programme.models import BERLIN, Event, ReleasedSession, Room, ScheduleRelease, Speaker, Track
from programme.selectors import released_session_list

GENERATOR_NAME = "sccon"
TIME_ZONE_NAME = "Europe/Berlin"
TIMESLOT_DURATION = "00:05"
JSON_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
# Namespace of the UUID5s of rooms, speakers and calendars. Never change it: clients key on them.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "programme.smart-country-convention.de")
# Right-hand side of every iCalendar UID; a constant so UIDs do not change with the host.
ICS_UID_DOMAIN = "sccon-programme"
ICS_REFRESH_INTERVAL = dt.timedelta(hours=1)

# c3voc room types (schema.json `Room.type`).
ROOM_TYPES: dict[str, str] = {RoomKind.STAGE.value: "stage", RoomKind.WORKSHOP.value: "workshop"}
PRETALX_CODE = re.compile(r"^[0-9A-Z]{6}$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")  # what both schemas accept
# Characters XML 1.0 does not allow, even escaped.
XML_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _generator_version() -> str:
    try:
        return importlib.metadata.version("sccon")
    except importlib.metadata.PackageNotFoundError:
        return "0"


# --- shared pieces ------------------------------------------------------------------------


def _guid(kind: str, pk: int) -> uuid.UUID:
    return uuid.uuid5(GUID_NAMESPACE, f"{kind}:{pk}")


def _absolute(base_url: str, path: str) -> str:
    return urljoin(base_url, path)


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(BERLIN)


def _iso(value: dt.datetime) -> str:
    return _local(value).isoformat(timespec="seconds")


def _hhmm(value: dt.timedelta) -> str:
    minutes = max(int(value.total_seconds() // 60), 0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _acronym(event: Event) -> str:
    """The edition's slug in the shape the schemas demand (`sccon2019` stays as it is)."""
    return re.sub(r"[^a-z0-9_]", "_", event.slug.lower()).ljust(4, "_")


def _session_slug(event: Event, session: ReleasedSession) -> str:
    """`<acronym>-<id>-<title>`, from the German title so it does not depend on the language."""
    title = slugify(session.title_de or session.title_en)[:60].strip("-_") or "session"
    return f"{_acronym(event)}-{session.session_id}-{title}"


def _session_url(event: Event, session: ReleasedSession, base_url: str) -> str:
    path = reverse("programme:session", kwargs={"event": event.slug, "session_id": session.session_id})
    return _absolute(base_url, path)


def _speaker_url(event: Event, speaker: Speaker, base_url: str) -> str:
    return _absolute(base_url, reverse("programme:speaker", kwargs={"event": event.slug, "slug": speaker.slug}))


def _session_code(session: ReleasedSession) -> str | None:
    code = session.session.code
    return code if PRETALX_CODE.match(code) else None


def _format_label(session: ReleasedSession) -> str:
    return str(SessionFormat(session.format).label) if session.format in SessionFormat.values else session.format


@dataclass
class _Day:
    index: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    sessions: list[ReleasedSession] = field(default_factory=list)


@dataclass
class _Schedule:
    event: Event
    release: ScheduleRelease
    base_url: str
    sessions: list[ReleasedSession]
    rooms: list[Room]
    tracks: list[Track]
    days: list[_Day]


def _unique_sorted[T: (Room, Track)](items: Iterable[T | None]) -> list[T]:
    by_pk = {item.pk: item for item in items if item is not None}
    return sorted(by_pk.values(), key=lambda item: (item.position, item.name_de, item.pk))


def _schedule(*, event: Event, release: ScheduleRelease, base_url: str) -> _Schedule:
    """The release's active sessions grouped into days, with their rooms and tracks (3 queries)."""
    sessions = [s for s in released_session_list(release=release) if not s.is_cancelled]
    hours = {h.day_on: (h.opens_at, h.closes_at) for h in event.opening_hours.all()}
    dates = {_local(s.starts_at).date() for s in sessions}
    first = min([event.start_on, *dates])
    last = max([event.end_on, *dates])
    days: list[_Day] = []
    for index in range((last - first).days + 1):
        date = first + dt.timedelta(days=index)
        opens, closes = hours.get(date, (event.venue.opens_at, event.venue.closes_at))
        days.append(
            _Day(
                index=index + 1,
                date=date,
                start=dt.datetime.combine(date, opens, tzinfo=BERLIN),
                end=dt.datetime.combine(date, closes, tzinfo=BERLIN),
            )
        )
    by_date = {day.date: day for day in days}
    for session in sessions:
        day = by_date[_local(session.starts_at).date()]
        day.sessions.append(session)
        # A session outside the venue's hours widens its day rather than poking out of it.
        day.start = min(day.start, _local(session.starts_at))
        day.end = max(day.end, _local(session.ends_at))
    return _Schedule(
        event=event,
        release=release,
        base_url=base_url,
        sessions=sessions,
        rooms=_unique_sorted(s.room for s in sessions),
        tracks=_unique_sorted(s.track for s in sessions),
        days=days,
    )


def _sessions_by_room(schedule: _Schedule, day: _Day) -> list[tuple[Room, list[ReleasedSession]]]:
    """Every room of the release (so each day has the same columns) with that day's sessions."""
    by_room: dict[int, list[ReleasedSession]] = {room.pk: [] for room in schedule.rooms}
    for session in day.sessions:
        by_room[session.room_id].append(session)
    return [(room, by_room[room.pk]) for room in schedule.rooms]


# --- schedule.xml -------------------------------------------------------------------------


def _xml_text(value: object) -> str:
    return XML_INVALID_CHARS.sub("", str(value))


def _element(parent: ET.Element, tag: str, text: object = None, **attributes: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: _xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def _xml_event(parent: ET.Element, schedule: _Schedule, session: ReleasedSession) -> None:
    attributes: dict[str, object] = {"guid": session.session.uuid, "id": session.session_id}
    if code := _session_code(session):
        attributes["code"] = code
    node = _element(parent, "event", **attributes)
    start = _local(session.starts_at)
    _element(node, "date", _iso(session.starts_at))
    _element(node, "start", f"{start:%H:%M}")
    _element(node, "duration", _hhmm(session.duration))
    _element(node, "room", session.room.name)
    _element(node, "slug", _session_slug(schedule.event, session))
    _element(node, "url", _session_url(schedule.event, session, schedule.base_url))
    _element(node, "title", session.title)
    _element(node, "subtitle", "")
    _element(node, "track", session.track.name if session.track else "")
    _element(node, "type", session.format)
    _element(node, "language", session.language)
    _element(node, "abstract", session.abstract)
    _element(node, "description", session.description)
    _element(node, "logo", "")
    persons = _element(node, "persons")
    for link in session.released_speakers.all():
        _element(persons, "person", link.speaker.name, id=link.speaker_id, guid=_guid("speaker", link.speaker_id))
    _element(node, "links")
    _element(node, "attachments")


def schedule_xml(*, event: Event, release: ScheduleRelease, base_url: str) -> bytes:
    """The release as c3voc `schedule.xml`."""
    schedule = _schedule(event=event, release=release, base_url=base_url)
    root = ET.Element("schedule")
    _element(root, "generator", name=GENERATOR_NAME, version=_generator_version())
    _element(root, "url", _absolute(base_url, reverse("programme:schedule-xml", kwargs={"event": event.slug})))
    _element(root, "version", release.version)
    conference = _element(root, "conference")
    _element(conference, "acronym", _acronym(event))
    _element(conference, "title", event.name)
    _element(conference, "start", schedule.days[0].date.isoformat())
    _element(conference, "end", schedule.days[-1].date.isoformat())
    _element(conference, "days", len(schedule.days))
    _element(conference, "timeslot_duration", TIMESLOT_DURATION)
    _element(conference, "time_zone_name", TIME_ZONE_NAME)
    _element(conference, "base_url", base_url)
    _element(conference, "url", _absolute(base_url, event.get_absolute_url()))
    if HEX_COLOUR.match(event.primary_colour):
        _element(conference, "color", primary=event.primary_colour)
    for track in schedule.tracks:
        track_attributes: dict[str, object] = {"name": track.name}
        if HEX_COLOUR.match(track.colour):
            track_attributes["color"] = track.colour
        if TRACK_SLUG.match(track.slug):
            track_attributes["slug"] = track.slug
        _element(conference, "track", track.name, **track_attributes)
    for day in schedule.days:
        day_node = _element(
            root, "day", index=day.index, date=day.date.isoformat(), start=_iso(day.start), end=_iso(day.end)
        )
        for room, sessions in _sessions_by_room(schedule, day):
            room_node = _element(day_node, "room", name=room.name, guid=_guid("room", room.pk))
            for session in sessions:
                _xml_event(room_node, schedule, session)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# --- schedule.json ------------------------------------------------------------------------


def _json_person(schedule: _Schedule, speaker: Speaker) -> dict[str, Any]:
    # The pretalx shape (`name`, no `public_name`): the schema accepts exactly one of frab's and pretalx's.
    person: dict[str, Any] = {
        "id": speaker.pk,
        "guid": str(_guid("speaker", speaker.pk)),
        "name": speaker.name,
        "url": _speaker_url(schedule.event, speaker, schedule.base_url),
        "biography": speaker.bio or None,
        "avatar": _absolute(schedule.base_url, speaker.photo.url) if speaker.photo else None,
    }
    return person


def _json_event(schedule: _Schedule, session: ReleasedSession) -> dict[str, Any]:
    data: dict[str, Any] = {"guid": str(session.session.uuid), "id": session.session_id}
    if code := _session_code(session):
        data["code"] = code
    data.update(
        {
            "date": _iso(session.starts_at),
            "start": f"{_local(session.starts_at):%H:%M}",
            "end": _iso(session.ends_at),
            "duration": _hhmm(session.duration),
            "room": session.room.name,
            "slug": _session_slug(schedule.event, session),
            "url": _session_url(schedule.event, session, schedule.base_url),
            "title": session.title,
            "subtitle": "",
            "track": session.track.name if session.track else None,
            "type": session.format,
            "language": session.language,
            "abstract": session.abstract,
            "description": session.description,
            "persons": [_json_person(schedule, link.speaker) for link in session.released_speakers.all()],
            "links": [],
            "attachments": [],
        }
    )
    return data


def _json_room(room: Room) -> dict[str, Any]:
    return {
        "name": room.name,
        "guid": str(_guid("room", room.pk)),
        "type": ROOM_TYPES.get(room.kind, "other"),
        "capacity": room.capacity,
    }


def _json_track(track: Track) -> dict[str, Any]:
    data: dict[str, Any] = {"name": track.name}
    if HEX_COLOUR.match(track.colour):
        data["color"] = track.colour
    if TRACK_SLUG.match(track.slug):
        data["slug"] = track.slug
    return data


def schedule_json(*, event: Event, release: ScheduleRelease, base_url: str) -> bytes:
    """The release as c3voc `schedule.json` (v1, frab/pretalx style)."""
    schedule = _schedule(event=event, release=release, base_url=base_url)
    days = []
    for day in schedule.days:
        rooms: dict[str, list[dict[str, Any]]] = {}
        for room, sessions in _sessions_by_room(schedule, day):
            rooms.setdefault(room.name, []).extend(_json_event(schedule, session) for session in sessions)
        days.append(
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": _iso(day.start),
                "day_end": _iso(day.end),
                "rooms": rooms,
            }
        )
    conference: dict[str, Any] = {
        "acronym": _acronym(event),
        "title": event.name,
        "start": schedule.days[0].date.isoformat(),
        "end": schedule.days[-1].date.isoformat(),
        "daysCount": len(schedule.days),
        "timeslot_duration": TIMESLOT_DURATION,
        "time_zone_name": TIME_ZONE_NAME,
        "url": _absolute(base_url, event.get_absolute_url()),
        "rooms": [_json_room(room) for room in schedule.rooms],
        "tracks": [_json_track(track) for track in schedule.tracks],
        "days": days,
    }
    if HEX_COLOUR.match(event.primary_colour):
        conference["colors"] = {"primary": event.primary_colour}
    if event.description:
        conference["description"] = event.description
    document = {
        "$schema": JSON_SCHEMA_URL,
        "generator": {"name": GENERATOR_NAME, "version": _generator_version()},
        "schedule": {
            "url": _absolute(base_url, reverse("programme:schedule-json", kwargs={"event": event.slug})),
            "version": release.version,
            "base_url": base_url,
            "conference": conference,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# --- iCalendar ----------------------------------------------------------------------------


def session_uid(session: ReleasedSession) -> str:
    """The session's iCalendar UID: only from its UUID, so edits and new releases keep it."""
    return f"{session.session.uuid}@{ICS_UID_DOMAIN}"


def _ics_location(event: Event, session: ReleasedSession) -> str:
    venue = event.venue
    return ", ".join(part for part in [session.room.name, venue.name, venue.address] if part)


def _ics_description(event: Event, session: ReleasedSession, url: str) -> str:
    names: dict[str, list[str]] = {}
    for link in session.released_speakers.all():
        names.setdefault(link.role, []).append(link.speaker.name)
    people = [
        f"{SpeakerRole(role).label if role in SpeakerRole.values else role}: {', '.join(role_names)}"
        for role, role_names in names.items()
    ]
    parts = [session.abstract, "\n".join(people), url]
    return "\n\n".join(part for part in parts if part)


def _ics_event(
    *, event: Event, session: ReleasedSession, release: ScheduleRelease, base_url: str, sequence: int | None = None
) -> CalendarEvent:
    url = _session_url(event, session, base_url)
    categories = [_format_label(session)]
    if session.track:
        categories.append(session.track.name)
    return CalendarEvent.new(
        uid=session_uid(session),
        stamp=release.published_at.astimezone(dt.UTC),
        sequence=release.sequence if sequence is None else sequence,
        start=_local(session.starts_at),
        end=_local(session.ends_at),
        summary=session.title,
        description=_ics_description(event, session, url),
        location=_ics_location(event, session),
        url=url,
        categories=categories,
        status=STATUS.CANCELLED if session.is_cancelled else STATUS.CONFIRMED,
    )


def _calendar(
    *,
    event: Event,
    release: ScheduleRelease,
    sessions: list[ReleasedSession],
    base_url: str,
    kind: str,
    source: str | None = None,
    sequences: dict[int, int] | None = None,
    name: str | None = None,
) -> bytes:
    language = active_language()
    calendar = Calendar.new(
        prodid=f"-//Smart Country Convention//{GENERATOR_NAME} {_generator_version()}//{language.upper()}",
        uid=uuid.uuid5(GUID_NAMESPACE, f"calendar:{event.pk}:{kind}"),
        name=name or event.name,
        description=event.tagline or None,
        method="PUBLISH",
        url=_absolute(base_url, event.get_absolute_url()),
        source=source,
        refresh_interval=ICS_REFRESH_INTERVAL if source else None,
        subcomponents=[
            _ics_event(
                event=event,
                session=session,
                release=release,
                base_url=base_url,
                sequence=sequences.get(session.session_id, 0) if sequences is not None else None,
            )
            for session in sessions
        ],
    )
    calendar.add("X-WR-TIMEZONE", TIME_ZONE_NAME)
    if source:
        calendar.add("X-PUBLISHED-TTL", vDuration(ICS_REFRESH_INTERVAL).to_ical().decode())
    if sessions:
        # Transitions for the years the sessions span are enough and keep the VTIMEZONE short.
        first = min(_local(s.starts_at) for s in sessions).year
        last = max(_local(s.ends_at) for s in sessions).year
        calendar.add_missing_timezones(first_date=dt.date(first - 1, 1, 1), last_date=dt.date(last + 1, 12, 31))
    return calendar.to_ical()


def schedule_ics(*, event: Event, release: ScheduleRelease, base_url: str) -> bytes:
    """Every session of the release, the cancelled ones with `STATUS:CANCELLED`."""
    return _calendar(
        event=event,
        release=release,
        sessions=list(released_session_list(release=release)),
        base_url=base_url,
        kind="schedule",
        source=_absolute(base_url, reverse("programme:schedule-ics", kwargs={"event": event.slug})),
    )


def session_ics(*, event: Event, session: ReleasedSession, base_url: str) -> bytes:
    """One published session (e.g. "add to my calendar"); same UID as in `schedule_ics`."""
    return _calendar(event=event, release=session.release, sessions=[session], base_url=base_url, kind="session")


def personal_ics(
    *,
    event: Event,
    release: ScheduleRelease,
    sessions: list[ReleasedSession],
    sequences: dict[int, int],
    base_url: str,
    source: str,
    name: str,
    key: str,
) -> bytes:
    """A person's own selection of sessions (e.g. an attendee's agenda) as a subscribable feed.
    Same UIDs as `schedule_ics`; SEQUENCE is per session (`sequences`: how often it moved or
    changed status), so calendar apps update an entry exactly when it changed."""
    return _calendar(
        event=event,
        release=release,
        sessions=sessions,
        base_url=base_url,
        kind=f"personal:{key}",
        source=source,
        sequences=sequences,
        name=name,
    )
