"""Public pages of the expo: the exhibitor directory, exhibitor pages, the floor plan, applying."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from exhibitors.enums import BoothStatus
from exhibitors.exceptions import ExhibitorNotFound
from exhibitors.forms import DirectoryFilterForm
from exhibitors.models import ExhibitorCategory
from exhibitors.selectors import booth_exhibitor, event_halls, exhibitor_get_public, exhibitor_list, floorplan
from programme.exceptions import EventNotFound
from programme.models import Event
from programme.selectors import event_get_public

# Fill colours of the floor plan by status (contrast ≥ 3:1 against the white strokes and the page).
STATUS_COLOURS = {
    BoothStatus.AVAILABLE: "#2e7d32",
    BoothStatus.BOOKED: "#004b87",
    BoothStatus.BLOCKED: "#6b6b6b",
}


def _event(slug: str) -> Event:
    try:
        return event_get_public(slug=slug)
    except EventNotFound as exc:
        raise Http404(exc.message) from exc


@require_safe
def exhibitor_directory(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    form = DirectoryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    q = (filters.get("q") or "").strip()
    category = filters.get("category") or None
    hall = filters.get("hall") or None
    exhibitors = list(exhibitor_list(event=edition, q=q or None, category=category, hall=hall))
    return render(
        request,
        "exhibitors/directory.html",
        {
            "event": edition,
            "exhibitors": exhibitors,
            "q": q,
            "categories": ExhibitorCategory.objects.filter(exhibitors__event=edition).distinct(),
            "halls": event_halls(event=edition),
            "selected_category": category,
            "selected_hall": hall,
            "is_filtered": bool(q or category or hall),
            "nav": "exhibitors",
        },
    )


@require_safe
def exhibitor_detail(request: HttpRequest, event: str, slug: str) -> HttpResponse:
    edition = _event(event)
    try:
        exhibitor = exhibitor_get_public(event=edition, slug=slug)
    except ExhibitorNotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "exhibitors/detail.html", {"event": edition, "exhibitor": exhibitor, "nav": "exhibitors"})


@require_safe
def floorplan_page(request: HttpRequest, event: str) -> HttpResponse:
    edition = _event(event)
    plans: list[dict[str, Any]] = []
    for plan in floorplan(event=edition):
        booths = []
        for booth in plan.booths:
            exhibitor = booth_exhibitor(booth)
            booths.append(
                {
                    "booth": booth,
                    "exhibitor": exhibitor,
                    "url": exhibitor.get_absolute_url() if exhibitor and exhibitor.is_public else "",
                    "fill": STATUS_COLOURS.get(BoothStatus(booth.status), "#6b6b6b"),
                    "label_x": booth.x + booth.width / 2,
                    "label_y": booth.y + booth.depth / 2,
                }
            )
        plans.append({"hall": plan.hall, "width": plan.width + 1, "height": plan.height + 1, "booths": booths})
    legend = [{"status": status, "label": status.label, "fill": colour} for status, colour in STATUS_COLOURS.items()]
    return render(
        request, "exhibitors/floorplan.html", {"event": edition, "plans": plans, "legend": legend, "nav": "floorplan"}
    )
