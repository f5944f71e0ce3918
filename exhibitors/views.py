"""Pages of the expo: the exhibitor directory, exhibitor pages, the floor plan, applying, and the
exhibitor portal (booking and invoices, profile, staff passes, leads) for exhibitor staff."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from config.exceptions import ApplicationError
from exhibitors.enums import BoothStatus
from exhibitors.exceptions import ExhibitorNotFound, PassNotFound
from exhibitors.forms import ApplicationForm, DirectoryFilterForm, ExtraPassesForm, PassAssignForm, ProfileForm
from exhibitors.models import Exhibitor, ExhibitorCategory
from exhibitors.selectors import (
    booth_exhibitor,
    booth_invoice_get,
    event_halls,
    exhibitor_bookings,
    exhibitor_get_public,
    exhibitor_list,
    exhibitor_pass_orders,
    exhibitors_for_user,
    floorplan,
    lead_list,
    order_ticket_leads,
    pass_type,
)
from exhibitors.services.booking import Company, application_submit
from exhibitors.services.leads import lead_consent_grant, lead_consent_withdraw
from exhibitors.services.portal import PROFILE_FIELDS, exhibitor_profile_update, extra_passes_buy, pass_assign
from programme.exceptions import EventNotFound
from programme.models import Event
from programme.selectors import event_get_public
from ticketing.selectors import order_get_by_secret
from ticketing.services.invoices import invoice_pdf

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
            leitweg_id=data["leitweg_id"],
            po_number=data["po_number"],
            language=translation.get_language() or "de",
        )
        return redirect(reverse("exhibitors:apply-done", kwargs={"event": edition.slug}))
    return render(
        request,
        "exhibitors/apply.html",
        {"event": edition, "form": form, "errors": _form_errors(form), "nav": "exhibitors"},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def application_done(request: HttpRequest, event: str) -> HttpResponse:
    return render(request, "exhibitors/apply_done.html", {"event": _event(event), "nav": "exhibitors"})


def _staff_exhibitor(request: HttpRequest, edition: Event, template: str) -> Exhibitor | HttpResponse:
    """The exhibitor the logged-in staff member works for (`?exhibitor=<slug>` when several), or
    the page asking which one. Not staff of this edition's exhibitors: 403."""
    exhibitors = exhibitors_for_user(user=request.user, event=edition)
    if not exhibitors:
        raise PermissionDenied("Not staff of an exhibitor of this edition.")
    wanted = request.GET.get("exhibitor", "")[:80]
    chosen = [e for e in exhibitors if e.slug == wanted] if wanted else exhibitors
    if len(chosen) != 1:
        return render(request, template, {"event": edition, "exhibitors": exhibitors, "exhibitor": None})
    return chosen[0]


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _form_errors(form: Any, anchor: str = "") -> list[dict[str, Any]]:
    """The error summary's entries: each links to its field (`anchor` % name overrides the id)."""
    return [
        {
            "anchor": (anchor % name if anchor else form[name].auto_id) if name in form.fields else "",
            "label": form[name].label if name in form.fields else "",
            "message": message,
        }
        for name, messages in form.errors.items()
        for message in messages
    ]


@require_safe
@login_required
def staff_leads(request: HttpRequest, event: str) -> HttpResponse:
    """An exhibitor's staff see their own exhibitor's leads (and nobody else's)."""
    edition = _event(event)
    exhibitor = _staff_exhibitor(request, edition, "exhibitors/leads.html")
    if isinstance(exhibitor, HttpResponse):
        return exhibitor
    return _private(
        render(
            request,
            "exhibitors/leads.html",
            {
                "event": edition,
                "exhibitor": exhibitor,
                "leads": list(lead_list(exhibitor=exhibitor)),
                "portal_url": _portal_url(edition, exhibitor),
                "export_url": reverse("api-lead-export", kwargs={"event": edition.slug})
                + f"?exhibitor={exhibitor.slug}",
            },
        )
    )


def _portal_url(edition: Event, exhibitor: Exhibitor, name: str = "exhibitors:portal") -> str:
    return reverse(name, kwargs={"event": edition.slug}) + f"?exhibitor={exhibitor.slug}"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def portal(request: HttpRequest, event: str) -> HttpResponse:
    """The exhibitor portal: booking and invoices, staff passes (names, e-mails, extra passes), and
    links to the profile and the leads. POST `action=assign` or `action=extra`."""
    edition = _event(event)
    exhibitor = _staff_exhibitor(request, edition, "exhibitors/portal.html")
    if isinstance(exhibitor, HttpResponse):
        return exhibitor
    assign_form: PassAssignForm | None = None
    extra_form = ExtraPassesForm(initial={"quantity": 1, "token": secrets.token_urlsafe(18)})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign":
            assign_form = PassAssignForm(request.POST)
            if assign_form.is_valid():
                data = assign_form.cleaned_data
                try:
                    ticket = pass_assign(
                        exhibitor=exhibitor,
                        ticket_id=data["ticket"],
                        attendee_name=data["attendee_name"],
                        attendee_email=data["attendee_email"],
                    )
                except PassNotFound as exc:
                    raise Http404(exc.message) from exc
                except ApplicationError as exc:  # e.g. the edition has started: names are fixed
                    assign_form.add_error(None, exc.message)
                else:
                    if ticket.attendee_email:
                        messages.success(
                            request,
                            _("Pass saved for %(name)s and sent to %(email)s.")
                            % {"name": ticket.attendee_name, "email": ticket.attendee_email},
                        )
                    else:
                        messages.success(request, _("Pass saved for %(name)s.") % {"name": ticket.attendee_name})
                    return redirect(_portal_url(edition, exhibitor) + f"#pass-{ticket.pk}")
            status = 400
        elif action == "extra":
            extra_form = ExtraPassesForm(request.POST)
            if extra_form.is_valid():
                try:
                    order = extra_passes_buy(
                        exhibitor=exhibitor,
                        quantity=extra_form.cleaned_data["quantity"],
                        email=getattr(request.user, "email", "") or exhibitor.email,
                        token=extra_form.cleaned_data["token"],
                        language=translation.get_language() or "de",
                    )
                except ApplicationError as exc:  # sold out, not on sale, address missing
                    extra_form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _("Order %(code)s placed: the invoice is on its way; the passes follow once it is paid.")
                        % {"code": order.code},
                    )
                    return redirect(_portal_url(edition, exhibitor) + "#passes")
            status = 400
        else:
            raise Http404("Unknown action.")
    pass_orders = exhibitor_pass_orders(exhibitor=exhibitor)
    assign_ticket = str(assign_form.data.get("ticket", ""))[:19] if assign_form is not None else ""
    if not assign_ticket.isdigit():
        assign_ticket = ""
    extra_type = pass_type(event_id=edition.pk)
    response = render(
        request,
        "exhibitors/portal.html",
        {
            "event": edition,
            "exhibitor": exhibitor,
            "bookings": exhibitor_bookings(exhibitor=exhibitor),
            "pass_orders": pass_orders,
            "assign_form": assign_form,
            "assign_ticket": assign_ticket,
            "extra_form": extra_form,
            "extra_type": extra_type if extra_type is not None and extra_type.price_amount > 0 else None,
            "errors": _form_errors(extra_form)
            + (_form_errors(assign_form, f"pass-{assign_ticket}-%s") if assign_form is not None else []),
            "profile_url": _portal_url(edition, exhibitor, "exhibitors:portal-profile"),
            "leads_url": _portal_url(edition, exhibitor, "exhibitors:leads"),
            "exhibitor_query": f"?exhibitor={exhibitor.slug}",
        },
        status=status,
    )
    return _private(response)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def portal_profile(request: HttpRequest, event: str) -> HttpResponse:
    """Exhibitor staff edit their public profile and the address of their next invoice."""
    edition = _event(event)
    exhibitor = _staff_exhibitor(request, edition, "exhibitors/portal.html")
    if isinstance(exhibitor, HttpResponse):
        return exhibitor
    form = ProfileForm(request.POST or None, request.FILES or None, instance=exhibitor)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        categories = data.pop("categories")
        logo = data.pop("logo")
        changes = {name: value for name, value in data.items() if name in PROFILE_FIELDS}
        if logo is False:  # "clear" ticked
            changes["logo"] = None
        elif logo is not None:
            changes["logo"] = logo
        exhibitor_profile_update(exhibitor=Exhibitor.objects.get(pk=exhibitor.pk), categories=categories, **changes)
        messages.success(request, _("Your profile has been saved."))
        return redirect(_portal_url(edition, exhibitor))
    response = render(
        request,
        "exhibitors/portal_profile.html",
        {
            "event": edition,
            "exhibitor": exhibitor,
            "form": form,
            "errors": _form_errors(form),
            "portal_url": _portal_url(edition, exhibitor),
        },
        status=400 if request.method == "POST" else 200,
    )
    return _private(response)


@require_safe
@login_required
def portal_invoice(request: HttpRequest, event: str, invoice_id: int) -> HttpResponse:
    """One of the exhibitor's booth invoices as PDF (404 for anyone else's)."""
    edition = _event(event)
    exhibitor = _staff_exhibitor(request, edition, "exhibitors/portal.html")
    if isinstance(exhibitor, HttpResponse):
        return exhibitor
    invoice = booth_invoice_get(exhibitor=exhibitor, invoice_id=invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invoice-{invoice.number}.pdf"'
    return _private(response)


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
