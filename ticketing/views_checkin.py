"""The door scanner page (`/<event>/checkin/`) and its service worker (`/<event>/checkin/sw.js`).

The page is a small web app (static/checkin/checkin.js) on top of the check-in API
(docs/checkin.md): camera, keyboard-wedge and manual entry, and an offline mode that decides
scans from the offline bundle and uploads them later. The service worker is served from the
page's own path so that its scope covers the page; it caches the page and its static files so
the page opens without the network.
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from config.csp import scanner_csp
from config.i18n import active_language
from programme.models import Event
from ticketing.enums import CheckInDirection, CheckInResult
from ticketing.services.checkin import EXIT_MESSAGE, MESSAGES

PERMISSION = "ticketing.scan_ticket"
# Static files the page needs offline (the service worker caches them on install).
ASSETS = {
    "css": "css/site.css",
    "checkin_css": "checkin/checkin.css",
    "js": "checkin/checkin.js",
    "ponyfill": "checkin/vendor/barcode-detector-ponyfill.js",
    "wasm": "checkin/vendor/zxing_reader.wasm",
}
# Bump when the service worker's own logic changes (asset changes are picked up by their URLs).
SW_REVISION = "1"
# How each result is shown: green, amber or red.
TONES = {
    CheckInResult.OK: "ok",
    CheckInResult.ALREADY_CHECKED_IN: "warn",
    CheckInResult.NOT_VALID_NOW: "warn",
    CheckInResult.WRONG_LIST: "warn",
    CheckInResult.INVALID: "error",
    CheckInResult.REVOKED: "error",
    CheckInResult.CANCELLED: "error",
    CheckInResult.UNPAID: "error",
}


def asset_urls() -> dict[str, str]:
    return {name: static(path) for name, path in ASSETS.items()}


def _results() -> dict[str, dict[str, str]]:
    """Per result: the big word on the answer screen, the sentence under it, and its colour."""
    results = {
        str(result.value): {"title": str(result.label), "message": str(MESSAGES[result]), "tone": TONES[result]}
        for result in CheckInResult
    }
    results[CheckInResult.OK]["title"] = _("Admitted")
    return results


def scanner_messages() -> dict[str, str]:
    """The page's words for the JavaScript (which has none of its own)."""
    return {
        "exit_title": _("Exit recorded"),
        "exit_message": str(EXIT_MESSAGE),
        "online": _("Online"),
        "offline": _("Offline"),
        "server_unreachable": _("Server not reachable"),
        "offline_answer": _("Decided offline"),
        "not_in_bundle": _("This ticket is not in the offline data yet."),
        "cannot_verify_title": _("Cannot verify offline"),
        "cannot_verify_message": _(
            "This browser cannot check ticket signatures. The scan is queued; check the ticket by hand."
        ),
        "no_bundle_message": _("No offline data on this device yet. The scan is queued; check the ticket by hand."),
        "error_title": _("Scan failed"),
        "login_message": _("Your login has expired. Log in again."),
        "forbidden_message": _("You may not scan tickets."),
        "throttled_message": _("Too many scans at once. Scan again."),
        "bad_request_message": _("The scanner sent something the server could not read."),
        "no_list_message": _("No check-in list has been set up for this edition."),
        "bundle_loading": _("Loading offline data …"),
        "bundle_ready": _("Offline data: %(tickets)s tickets, as of %(time)s"),
        "bundle_missing": _("No offline data yet"),
        "camera_start": _("Start camera"),
        "camera_stop": _("Stop camera"),
        "camera_starting": _("Starting the camera …"),
        "camera_on": _("Camera on: hold the QR code in front of it."),
        "camera_off": _("Camera off"),
        "camera_unavailable": _("No camera available. Use a hand scanner or type the code."),
        "camera_denied": _("Camera access was refused. Allow it in the browser settings."),
        "decoder_unavailable": _("QR decoding is not available in this browser."),
        "sync_done": _("Uploaded %(count)s offline scans."),
        "sync_conflicts": _("%(count)s offline scans conflict with scans at other doors (see admin)."),
        "sync_rejected": _("%(count)s offline scans were refused by the server."),
        "list_loading": _("Loading lists …"),
        "next_scan": _("Next scan"),
        "checking": _("Checking …"),
        "direction_in": str(CheckInDirection.IN.label),
        "direction_out": str(CheckInDirection.OUT.label),
    }


def _event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("venue"), slug=slug)


@scanner_csp  # the QR decoder is WebAssembly
@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
@ensure_csrf_cookie
def checkin_page(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    api = {"event": edition.slug}
    data: dict[str, Any] = {
        "mode": "door",
        "event": {"slug": edition.slug, "id": edition.pk, "name": edition.name},
        "language": active_language(),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "user": request.user.get_username(),
        "urls": {
            "page": reverse("ticketing:checkin", kwargs={"event": edition.slug}),
            "sw": reverse("ticketing:checkin-sw", kwargs={"event": edition.slug}),
            "scan": reverse("api-checkin-scan", kwargs=api),
            "bundle": reverse("api-checkin-offline-bundle", kwargs=api),
            "sync": reverse("api-checkin-sync", kwargs=api),
            "login": reverse("login"),
            **asset_urls(),
        },
        "results": _results(),
        "messages": scanner_messages(),
    }
    response = render(request, "ticketing/checkin.html", {"event": edition, "data": data, "mode": "door"})
    # Kept by the service worker (which asks the network first), never by shared caches.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def checkin_sw(request: HttpRequest, event: str) -> HttpResponse:
    """The door scanner's service worker."""
    edition = _event(event)
    return service_worker_response(
        request, name=f"sccon-checkin-{edition.slug}", page=reverse("ticketing:checkin", kwargs={"event": edition.slug})
    )


def service_worker_response(request: HttpRequest, *, name: str, page: str) -> HttpResponse:
    """A scanner page's service worker (the lead scanner's too). Public (it holds no data) and
    never cached by HTTP, so a new version is picked up at the next visit; its cache name changes
    with every asset URL (hashed names in production), so a deploy replaces the cached files."""
    assets = sorted(set(asset_urls().values()))
    version = hashlib.sha256(json.dumps([SW_REVISION, page, assets]).encode()).hexdigest()[:12]
    config = {"cache": f"{name}-{version}", "prefix": f"{name}-"}
    response = render(
        request,
        "ticketing/checkin/sw.js",
        {"config_json": json.dumps({**config, "page": page, "assets": assets})},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = page
    return response
