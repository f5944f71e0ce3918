"""Public pages of the expo: the exhibitor directory, exhibitor pages, the floor plan, applying."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from exhibitors.enums import BoothStatus
from exhibitors.exceptions import ExhibitorNotFound
from exhibitors.forms import ApplicationForm, DirectoryFilterForm
from exhibitors.models import ExhibitorCategory
from exhibitors.selectors import (
    booth_exhibitor,
    event_halls,
    exhibitor_get_public,
    exhibitor_list,
    exhibitor_pass_orders,
    exhibitors_for_user,
    floorplan,
    lead_list,
    order_ticket_leads,
)
from exhibitors.services.booking import Company, application_submit
from exhibitors.services.leads import lead_consent_grant, lead_consent_withdraw
from programme.exceptions import EventNotFound
from programme.models import Event
from programme.selectors import event_get_public
from ticketing.selectors import order_get_by_secret

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


@require_http_methods(["GET", "HEAD", "POST"])
def application(request: HttpRequest, event: str) -> HttpResponse:
    """A company applies for a booth (no login): a new exhibitor (not yet public) and its application."""
    edition = _event(event)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application_submit(
            event=edition,
            company=Company(
                name=data["name"],
                email=data["contact_email"],
                phone=data["phone"],
                website=data["website"],
                street=data["street"],
                postcode=data["postcode"],
                city=data["city"],
                country=data["country"],
                vat_id=data["vat_id"],
            ),
            wished_booth_type=data["wished_booth_type"],
            wished_width=data["wished_width"],
            wished_depth=data["wished_depth"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            co_exhibitors=data["co_exhibitors"],
            message=data["message"],
        )
        return redirect(reverse("exhibitors:apply-done", kwargs={"event": edition.slug}))
    errors = [
        {"anchor": form[name].auto_id, "label": form[name].label, "message": message}
        for name, messages in form.errors.items()
        if name in form.fields
        for message in messages
    ]
    return render(
        request,
        "exhibitors/apply.html",
        {"event": edition, "form": form, "errors": errors, "nav": "exhibitors"},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def application_done(request: HttpRequest, event: str) -> HttpResponse:
    return render(request, "exhibitors/apply_done.html", {"event": _event(event), "nav": "exhibitors"})


@require_safe
@login_required
def staff_leads(request: HttpRequest, event: str) -> HttpResponse:
    """An exhibitor's staff see their own exhibitor's leads (and nobody else's)."""
    edition = _event(event)
    exhibitors = exhibitors_for_user(user=request.user, event=edition)
    if not exhibitors:
        raise PermissionDenied("Not staff of an exhibitor of this edition.")
    wanted = request.GET.get("exhibitor")
    chosen = [e for e in exhibitors if e.slug == wanted] if wanted else exhibitors
    if len(chosen) != 1:
        return render(request, "exhibitors/leads.html", {"event": edition, "exhibitors": exhibitors, "exhibitor": None})
    exhibitor = chosen[0]
    return render(
        request,
        "exhibitors/leads.html",
        {
            "event": edition,
            "exhibitor": exhibitor,
            "exhibitors": exhibitors,
            "leads": list(lead_list(exhibitor=exhibitor)),
            "pass_orders": exhibitor_pass_orders(exhibitor=exhibitor),
            "export_url": reverse("api-lead-export", kwargs={"event": edition.slug}) + f"?exhibitor={exhibitor.slug}",
        },
    )


# --- the attendee's side of leads (linked from the order page) -------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def order_leads(request: HttpRequest, event: str, code: str, secret: str) -> HttpResponse:
    """Per ticket of an order (the order's secret link is the key): whether exhibitors who scan
    the badge receive the attendee's contact details, and which exhibitors have scanned it."""
    order = order_get_by_secret(code=code[:20], secret=secret[:100])
    if order is None or order.event.slug != event:
        raise Http404("No such order.")
    if request.method == "POST":
        ticket_id = request.POST.get("ticket", "")
        ticket = (
            order.tickets.filter(pk=int(ticket_id), is_cancelled=False).first()
            if ticket_id.isdigit() and len(ticket_id) < 19
            else None
        )
        action = request.POST.get("action")
        if ticket is None or action not in {"grant", "withdraw"}:
            raise Http404("No such ticket in this order.")
        if action == "grant":
            lead_consent_grant(ticket=ticket)
            messages.success(request, _("Exhibitors who scan this badge from now on receive the contact details."))
        else:
            cleared = lead_consent_withdraw(ticket=ticket)
            messages.success(
                request,
                ngettext(
                    "Consent withdrawn; %(count)d exhibitor no longer has the contact details.",
                    "Consent withdrawn; %(count)d exhibitors no longer have the contact details.",
                    cleared,
                )
                % {"count": cleared},
            )
        response: HttpResponse = redirect(request.path + f"#ticket-{ticket.pk}")
    else:
        response = render(
            request,
            "exhibitors/order_leads.html",
            {
                "event": order.event,
                "order": order,
                "tickets": order_ticket_leads(order=order),
                "order_url": reverse(
                    "ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret}
                ),
            },
        )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
