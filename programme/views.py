"""Public pages of the programme. Each view parses input, calls selectors and renders."""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from config.i18n import pick
from programme import exports
from programme.exceptions import EventNotFound, NothingPublished
from programme.models import BERLIN, Event, Room, ScheduleRelease, Venue
from programme.selectors import (
    event_current,
    event_get_public,
    release_latest,
    release_public,
    released_session_get,
    released_session_list,
    released_speaker_get,
    released_speaker_list,
)


def _event(slug: str) -> Event:
    try:
        return event_get_public(slug=slug)
    except EventNotFound as exc:
        raise Http404(exc.message) from exc


def _release(event: Event) -> ScheduleRelease:
    try:
        return release_public(event=event)
    except NothingPublished as exc:
        raise Http404(exc.message) from exc


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found.", "extra": {}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": "Internal error.", "extra": {}}, status=500)
    return render(request, "500.html", status=500)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    event = event_current()
    if event is None:
        return render(request, "programme/no_event.html")
    return redirect(event.get_absolute_url())


@require_safe
def event_home(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    release = release_latest(event=edition)
    context: dict[str, Any] = {"event": edition, "release": release}
    if release is not None:
        sessions = released_session_list(release=release).active()
        context["keynotes"] = [s for s in sessions if s.format == "keynote"][:6]
        context["session_count"] = len(sessions)
        context["speaker_count"] = released_speaker_list(release=release).count()
    return render(request, "programme/event_home.html", context)


def _parse_day(value: str | None, days: list[dt.date]) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if day in days else None


@require_safe
def timetable(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    release = release_latest(event=edition)
    days = edition.days
    context: dict[str, Any] = {"event": edition, "release": release, "days": days, "nav": "programme"}
    if release is None:
        return render(request, "programme/timetable.html", context)
    requested = request.GET.get("day")
    day = _parse_day(requested, days)
    today = dt.datetime.now(BERLIN).date()
    if day is None:
        day = today if today in days else days[0]
    track = request.GET.get("track") or None
    sessions = list(released_session_list(release=release, day=day, track=track))
    stages: dict[int, dict[str, Any]] = {}
    for session in sessions:
        stage = stages.setdefault(session.room_id, {"room": session.room, "sessions": []})
        stage["sessions"].append(session)
    context.update(
        {
            "day": day,
            "invalid_day": bool(requested) and requested != day.isoformat(),
            "stages": sorted(stages.values(), key=lambda s: (s["room"].position, s["room"].name_de)),
            "tracks": list(edition.tracks.all()),
            "selected_track": track,
        }
    )
    return render(request, "programme/timetable.html", context)


@require_safe
def session_detail(request: HttpRequest, event: str, session_id: int) -> HttpResponse:
    edition = _event(event)
    release = _release(edition)
    session = released_session_get(release=release, session_id=session_id)
    if session is None:
        raise Http404("No such session in the published programme.")
    return render(request, "programme/session_detail.html", {"event": edition, "session": session, "nav": "programme"})


@require_safe
def speaker_list(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    release = release_latest(event=edition)
    q = request.GET.get("q", "").strip()[:100]
    speakers = list(released_speaker_list(release=release, q=q or None)) if release else []
    return render(
        request, "programme/speaker_list.html", {"event": edition, "speakers": speakers, "q": q, "nav": "speakers"}
    )


@require_safe
def speaker_detail(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    edition = _event(event)
    release = _release(edition)
    speaker = released_speaker_get(release=release, slug=slug)
    if speaker is None:
        raise Http404("No such speaker in the published programme.")
    return render(request, "programme/speaker_detail.html", {"event": edition, "speaker": speaker, "nav": "speakers"})


@require_safe
def changelog(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    releases = list(ScheduleRelease.objects.filter(event=edition).order_by("-sequence"))
    shown = [
        {"release": r, "changes": {key: [_change_entry(e) for e in entries] for key, entries in r.changes.items()}}
        for r in releases
    ]
    return render(request, "programme/changelog.html", {"event": edition, "releases": shown, "nav": "changelog"})


def _change_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A stored change in the active language, with real datetimes for the template."""
    shown = {
        "session": entry["session"],
        "title": pick({"de": entry.get("title_de", ""), "en": entry.get("title_en", "")}),
        "room": pick({"de": entry.get("room_de", ""), "en": entry.get("room_en", "")}),
        "starts_at": dt.datetime.fromisoformat(entry["starts_at"]),
    }
    if "from" in entry:
        shown["from_room"] = pick({"de": entry["from"].get("room_de", ""), "en": entry["from"].get("room_en", "")})
        shown["from_starts_at"] = dt.datetime.fromisoformat(entry["from"]["starts_at"])
    return shown


# --- exports: cached by ETag / Last-Modified ----------------------------------------------


def _export_last_modified(request: HttpRequest, event: str, **kwargs: Any) -> dt.datetime | None:
    """The newest change an export shows: the release, or a live edit of the edition, its venue,
    rooms, tracks or speakers. Computed once per request (the ETag derives from it)."""
    cached: dict[str, dt.datetime | None] = request.__dict__.setdefault("_export_last_modified", {})
    if event not in cached:
        edition = Event.objects.public().filter(slug=event).first()
        release = release_latest(event=edition) if edition else None
        if edition is None or release is None:
            cached[event] = None
        else:
            candidates = [
                release.published_at,
                edition.updated_at,
                edition.speakers.aggregate(m=Max("updated_at"))["m"],
                edition.tracks.aggregate(m=Max("updated_at"))["m"],
                Venue.objects.filter(pk=edition.venue_id).values_list("updated_at", flat=True).first(),
                Room.objects.filter(venue=edition.venue_id).aggregate(m=Max("updated_at"))["m"],
            ]
            cached[event] = max(c for c in candidates if c is not None)
    return cached[event]


def _export_etag(request: HttpRequest, event: str, **kwargs: Any) -> str | None:
    last_modified = _export_last_modified(request, event)
    if last_modified is None:
        return None
    # Exports carry absolute links, so the host is part of what the client receives.
    key = f"{request.get_host()}:{request.path}:{get_language()}:{last_modified.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


export_condition = condition(etag_func=_export_etag, last_modified_func=_export_last_modified)


EXPORT_CACHE_SECONDS = 3600


def _export_body(request: HttpRequest, event: str, render: Callable[[Event, ScheduleRelease], bytes | str]) -> bytes:
    """The rendered export, from the cache when this version was rendered before (the key is the
    ETag, so a new release or an edit renders afresh)."""
    key = f"programme-export:{_export_etag(request, event)}"
    body = cache.get(key)
    if body is None:
        edition = _event(event)
        rendered = render(edition, _release(edition))
        body = rendered.encode() if isinstance(rendered, str) else rendered
        cache.set(key, body, EXPORT_CACHE_SECONDS)
    return body


@require_safe
@export_condition
def schedule_xml(request: HttpRequest, event: str) -> HttpResponse:
    base_url = request.build_absolute_uri("/")
    body = _export_body(request, event, lambda e, r: exports.schedule_xml(event=e, release=r, base_url=base_url))
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_safe
@export_condition
def schedule_json(request: HttpRequest, event: str) -> HttpResponse:
    base_url = request.build_absolute_uri("/")
    body = _export_body(request, event, lambda e, r: exports.schedule_json(event=e, release=r, base_url=base_url))
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@require_safe
@export_condition
def schedule_ics(request: HttpRequest, event: str) -> HttpResponse:
    base_url = request.build_absolute_uri("/")
    body = _export_body(request, event, lambda e, r: exports.schedule_ics(event=e, release=r, base_url=base_url))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{event}.ics"'
    return response


@require_safe
@export_condition
def session_ics(request: HttpRequest, event: str, session_id: int) -> HttpResponse:
    edition = _event(event)
    session = released_session_get(release=_release(edition), session_id=session_id)
    if session is None:
        raise Http404("No such session in the published programme.")
    response = HttpResponse(
        exports.session_ics(event=edition, session=session, base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-{session.session.code}.ics"'
    return response
