"""Public pages of the programme. Each view parses input, calls selectors and renders."""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from programme import exports
from programme.cache import ExportVersion, event_public, export_version_cached
from programme.exceptions import EventNotFound, NothingPublished
from programme.forms import SpeakerSearchForm, TimetableFilterForm
from programme.models import BERLIN, Event, ScheduleRelease
from programme.selectors import (
    event_current,
    release_changes_display,
    release_latest,
    release_list,
    release_overview,
    release_public,
    released_session_get,
    released_session_list,
    released_speaker_get,
    released_speakers,
    released_track_list,
)


def _event(slug: str) -> Event:
    try:
        return event_public(slug=slug)
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
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (admin, the API's pages)."""
    return redirect(static("img/favicon.svg"), permanent=True)


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
    overview = release_overview(release=release) if release else None
    return render(request, "programme/event_home.html", {"event": edition, "release": release, "overview": overview})


@require_safe
def timetable(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    release = release_latest(event=edition)
    days = edition.days
    context: dict[str, Any] = {"event": edition, "release": release, "days": days, "nav": "programme"}
    if release is None:
        return render(request, "programme/timetable.html", context)
    form = TimetableFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    today = dt.datetime.now(BERLIN).date()
    day = filters.get("day")
    invalid_day = bool(request.GET.get("day")) and day not in days
    if day not in days:
        day = today if today in days else days[0]
    track = filters.get("track") or None
    context.update(
        {
            "day": day,
            "invalid_day": invalid_day,
            "stages_html": _timetable_stages(request, edition, release, day, track),
            "tracks": list(released_track_list(release=release)),
            "selected_track": track,
        }
    )
    return render(request, "programme/timetable.html", context)


def _timetable_stages(
    request: HttpRequest, edition: Event, release: ScheduleRelease, day: dt.date, track: str | None
) -> str:
    """The day's stages with their session cards, rendered once per release, change to the
    programme (the exports' version: `programme.cache`), day, track and language. The free seats
    change with every booking: the cards hold a marker for them, which the page fills in."""
    version = export_version_cached(slug=edition.slug)
    key = None
    if version is not None and version.release_id == release.pk:
        stamp = version.last_modified.timestamp()
        key = f"programme:timetable:{release.pk}:{stamp}:{day.isoformat()}:{track or ''}:{get_language()}"
        html = cache.get(key)
        if html is not None:
            return str(html)
    stages: dict[int, dict[str, Any]] = {}
    for session in released_session_list(release=release, day=day, track=track):
        stages.setdefault(session.room_id, {"room": session.room, "sessions": []})["sessions"].append(session)
    html = render_to_string(
        "programme/_timetable_stages.html",
        {
            "event": edition,
            "stages": sorted(stages.values(), key=lambda s: (s["room"].position, s["room"].name_de)),
            "seat_markers": True,
        },
        request,
    )
    if key is not None:
        cache.set(key, html, EXPORT_CACHE_SECONDS)
    return html


@require_safe
def session_detail(request: HttpRequest, event: str, session_id: int) -> HttpResponse:
    edition = _event(event)
    session = released_session_get(release=_release(edition), session_id=session_id)
    if session is None:
        raise Http404("No such session in the published programme.")
    return render(request, "programme/session_detail.html", {"event": edition, "session": session, "nav": "programme"})


@require_safe
def speaker_list(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    release = release_latest(event=edition)
    form = SpeakerSearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    speakers = list(released_speakers(release=release, q=q or None)) if release else []
    return render(
        request,
        "programme/speaker_list.html",
        {"event": edition, "speakers": speakers, "q": q, "form": form, "nav": "speakers"},
    )


@require_safe
def speaker_detail(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    edition = _event(event)
    speaker = released_speaker_get(release=_release(edition), slug=slug)
    if speaker is None:
        raise Http404("No such speaker in the published programme.")
    return render(request, "programme/speaker_detail.html", {"event": edition, "speaker": speaker, "nav": "speakers"})


@require_safe
def changelog(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    shown = [
        {"release": release, "changes": release_changes_display(release.changes)}
        for release in release_list(event=edition)
    ]
    return render(request, "programme/changelog.html", {"event": edition, "releases": shown, "nav": "changelog"})


# --- exports: cached by ETag / Last-Modified ----------------------------------------------

EXPORT_CACHE_SECONDS = 3600


def _export_state(request: HttpRequest, event: str) -> ExportVersion | None:
    """Computed once per request: the conditional check and the render use the same release."""
    states: dict[str, ExportVersion | None] = request.__dict__.setdefault("_export_states", {})
    if event not in states:
        states[event] = export_version_cached(slug=event)
    return states[event]


def _export_last_modified(request: HttpRequest, event: str, **kwargs: Any) -> dt.datetime | None:
    state = _export_state(request, event)
    return state.last_modified if state else None


def _export_etag(request: HttpRequest, event: str, **kwargs: Any) -> str | None:
    state = _export_state(request, event)
    if state is None:
        return None
    # Exports carry absolute links, so scheme and host are part of what the client receives.
    key = f"{request.build_absolute_uri(request.path)}:{get_language()}:{state.last_modified.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


export_condition = condition(etag_func=_export_etag, last_modified_func=_export_last_modified)


def _export_response(
    request: HttpRequest,
    event: str,
    render_export: Callable[[Event, ScheduleRelease, str], bytes | str],
    content_type: str,
) -> HttpResponse:
    """The rendered export, from the cache when this version was rendered before (the key is the
    ETag, so a new release or an edit renders afresh)."""
    state = _export_state(request, event)
    if state is None:
        _release(_event(event))  # raises the right 404
        raise Http404
    key = f"programme-export:{_export_etag(request, event)}"
    body = cache.get(key)
    if body is None:
        loaded = state.load()
        rendered = render_export(loaded.event, loaded.release, request.build_absolute_uri("/"))
        body = rendered.encode() if isinstance(rendered, str) else rendered
        cache.set(key, body, EXPORT_CACHE_SECONDS)
    response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ["Cookie"])  # the language may come from the switcher's cookie
    return response


@require_safe
@export_condition
def schedule_xml(request: HttpRequest, event: str) -> HttpResponse:
    return _export_response(
        request,
        event,
        lambda e, r, base: exports.schedule_xml(event=e, release=r, base_url=base),
        "application/xml; charset=utf-8",
    )


@require_safe
@export_condition
def schedule_json(request: HttpRequest, event: str) -> HttpResponse:
    return _export_response(
        request,
        event,
        lambda e, r, base: exports.schedule_json(event=e, release=r, base_url=base),
        "application/json; charset=utf-8",
    )


@require_safe
@export_condition
def schedule_ics(request: HttpRequest, event: str) -> HttpResponse:
    response = _export_response(
        request,
        event,
        lambda e, r, base: exports.schedule_ics(event=e, release=r, base_url=base),
        "text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{event}.ics"'
    return response


@require_safe
@export_condition
def session_ics(request: HttpRequest, event: str, session_id: int) -> HttpResponse:
    version = _export_state(request, event)
    if version is None:
        _release(_event(event))
        raise Http404
    state = version.load()
    session = released_session_get(release=state.release, session_id=session_id)
    if session is None:
        raise Http404("No such session in the published programme.")
    response = HttpResponse(
        exports.session_ics(event=state.event, session=session, base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    patch_vary_headers(response, ["Cookie"])
    response["Content-Disposition"] = f'attachment; filename="{state.event.slug}-{session.session.code}.ics"'
    return response
