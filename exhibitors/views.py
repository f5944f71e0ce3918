"""Pages of the expo: the exhibitor directory, exhibitor pages, the floor plan, applying, and the
exhibitor portal (booking and invoices, profile, staff passes, leads) for exhibitor staff."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_safe

from config.csp import scanner_csp
from config.exceptions import ApplicationError
from config.i18n import active_language
from config.ratelimit import ClientRateThrottle, RateLimited, secret_lookup
from exhibitors.enums import BoothStatus
from exhibitors.exceptions import ExhibitorNotFound, InvalidTicketCode, PassNotFound, TicketNotFound
from exhibitors.forms import (
    ApplicationForm,
    DirectoryFilterForm,
    ExtraPassesForm,
    LeadEditForm,
    PassAssignForm,
    ProfileForm,
)
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
    lead_get,
    lead_list,
    order_ticket_leads,
    pass_type,
)
from exhibitors.services.booking import Company, application_submit
from exhibitors.services.leads import lead_consent_grant, lead_consent_withdraw, lead_update
from exhibitors.services.portal import PROFILE_FIELDS, exhibitor_profile_update, extra_passes_buy, pass_assign
from programme.cache import event_public
from programme.exceptions import EventNotFound
from programme.models import Event
from ticketing.enums import CheckInResult
from ticketing.selectors import order_get_by_secret
from ticketing.services.invoices import invoice_pdf
from ticketing.views_checkin import asset_urls, scanner_messages, service_worker_response

# Fill colours of the floor plan by status (contrast ≥ 3:1 against the white strokes and the page,
# ≥ 4.5:1 against the white booth numbers).
STATUS_COLOURS = {
    BoothStatus.AVAILABLE: "#2e7d32",
    BoothStatus.BOOKED: "#004b87",
    BoothStatus.BLOCKED: "#6b6b6b",
}
# By category: booked booths in their exhibitor's first category's colour (in the order the plan
# meets them), the others in greys; every colour ≥ 4.5:1 against white.
CATEGORY_COLOURS = ["#004b87", "#8a2b0c", "#5b2a86", "#00695c", "#ad1457", "#4e5b0f", "#6d4c00", "#0d47a1"]
UNCATEGORISED_COLOUR = "#1b5e20"
CATEGORY_MODE_STATUS_COLOURS = {BoothStatus.AVAILABLE: "#757575", BoothStatus.BLOCKED: "#424242"}


def _event(slug: str) -> Event:
    try:
        return event_public(slug=slug)
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
    """The halls as SVG plans, booths coloured by status (`?colour=status`, the default) or by their
    exhibitor's first category (`?colour=category`), with a table of the booths beside each plan."""
    edition = _event(event)
    by_category = request.GET.get("colour") == "category"
    category_fill: dict[int, str] = {}
    legend: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    for plan in floorplan(event=edition, with_categories=by_category):
        booths = []
        for booth in plan.booths:
            exhibitor = booth_exhibitor(booth)
            if by_category and exhibitor is not None:
                category = next(iter(exhibitor.categories.all()), None)
                if category is None:
                    fill = UNCATEGORISED_COLOUR
                else:
                    if category.pk not in category_fill:
                        category_fill[category.pk] = CATEGORY_COLOURS[len(category_fill) % len(CATEGORY_COLOURS)]
                        legend.append({"label": category.name, "fill": category_fill[category.pk]})
                    fill = category_fill[category.pk]
            elif by_category:
                fill = CATEGORY_MODE_STATUS_COLOURS.get(BoothStatus(booth.status), "#424242")
            else:
                fill = STATUS_COLOURS.get(BoothStatus(booth.status), "#6b6b6b")
            booths.append(
                {
                    "booth": booth,
                    "exhibitor": exhibitor,
                    "url": exhibitor.get_absolute_url() if exhibitor and exhibitor.is_public else "",
                    "fill": fill,
                    "label_x": booth.x + booth.width / 2,
                    "label_y": booth.y + booth.depth / 2,
                }
            )
        plans.append({"hall": plan.hall, "width": plan.width + 1, "height": plan.height + 1, "booths": booths})
    if by_category:
        legend.append({"label": _("Exhibitor without a category"), "fill": UNCATEGORISED_COLOUR})
        legend += [{"label": status.label, "fill": colour} for status, colour in CATEGORY_MODE_STATUS_COLOURS.items()]
    else:
        legend = [{"label": status.label, "fill": colour} for status, colour in STATUS_COLOURS.items()]
    return render(
        request,
        "exhibitors/floorplan.html",
        {
            "event": edition,
            "plans": plans,
            "legend": legend,
            "colour": "category" if by_category else "status",
            "nav": "floorplan",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def application(request: HttpRequest, event: str) -> HttpResponse:
    """A company applies for a booth (no login): a new exhibitor (not yet public) and its application."""
    edition = _event(event)
    form = ApplicationForm(request.POST or None)
    limited = None
    if request.method == "POST" and form.is_valid():
        try:
            ClientRateThrottle("exhibitor_apply").check(request)
        except RateLimited as exc:
            limited = exc
            form.add_error(None, exc.message)  # the form comes back as typed, to send again later
    if limited is None and request.method == "POST" and form.is_valid():
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
    response = render(
        request,
        "exhibitors/apply.html",
        {"event": edition, "form": form, "errors": _form_errors(form), "nav": "exhibitors"},
        status=limited.http_status if limited else 400 if request.method == "POST" else 200,
    )
    if limited:
        response["Retry-After"] = str(limited.retry_after)
    return response


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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def staff_leads(request: HttpRequest, event: str) -> HttpResponse:
    """An exhibitor's staff see their own exhibitor's leads (and nobody else's) and edit their
    notes, rating and tags (POST with the lead's id)."""
    edition = _event(event)
    exhibitor = _staff_exhibitor(request, edition, "exhibitors/leads.html")
    if isinstance(exhibitor, HttpResponse):
        return exhibitor
    form: LeadEditForm | None = None
    if request.method == "POST":
        form = LeadEditForm(request.POST)
        if form.is_valid():
            lead = lead_get(exhibitor=exhibitor, lead_id=form.cleaned_data["lead"])
            if lead is None:
                raise Http404("No such lead.")
            data = form.cleaned_data
            lead_update(
                lead=lead,
                notes=data["notes"],
                rating=data["rating"],
                tags=data["tags"],
                clear_rating=data["rating"] is None,
            )
            messages.success(request, _("Lead saved."))
            return redirect(_portal_url(edition, exhibitor, "exhibitors:leads") + f"#lead-{lead.pk}")
    edited = str(form.data.get("lead", ""))[:19] if form is not None else ""
    return _private(
        render(
            request,
            "exhibitors/leads.html",
            {
                "event": edition,
                "exhibitor": exhibitor,
                "leads": list(lead_list(exhibitor=exhibitor)),
                "form": form,
                "edited": edited,
                "errors": _form_errors(form, f"lead-{edited}-%s") if form is not None else [],
                "portal_url": _portal_url(edition, exhibitor),
                "scanner_url": _portal_url(edition, exhibitor, "exhibitors:lead-scanner"),
                "export_url": reverse("api-lead-export", kwargs={"event": edition.slug})
                + f"?exhibitor={exhibitor.slug}",
                "exhibitor_query": f"?exhibitor={exhibitor.slug}",
            },
            status=400 if form is not None else 200,
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
            "scanner_url": _portal_url(edition, exhibitor, "exhibitors:lead-scanner"),
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


@scanner_csp  # the QR decoder is WebAssembly
@require_safe
@login_required
@ensure_csrf_cookie
def lead_scanner(request: HttpRequest, event: str) -> HttpResponse:
    """The door scanner's web app in lead mode, for exhibitor staff: camera, hand scanner or typed
    code, the visitor's consent asked at each scan; scans made offline are queued and uploaded."""
    edition = _event(event)
    exhibitor = _staff_exhibitor(request, edition, "exhibitors/leads.html")
    if isinstance(exhibitor, HttpResponse):
        return exhibitor
    query = f"?exhibitor={exhibitor.slug}"
    page = reverse("exhibitors:lead-scanner", kwargs={"event": edition.slug})
    data: dict[str, Any] = {
        "mode": "leads",
        "storage_prefix": f"{edition.slug}:leads:{exhibitor.slug}",
        "event": {"slug": edition.slug, "id": edition.pk, "name": edition.name},
        "language": active_language(),
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "user": request.user.get_username(),
        "urls": {
            "page": page,
            "sw": reverse("exhibitors:lead-scanner-sw", kwargs={"event": edition.slug}),
            "leads": reverse("api-lead-list", kwargs={"event": edition.slug}) + query,
            "login": reverse("login"),
            **asset_urls(),
        },
        "results": {
            "invalid": {"title": str(CheckInResult.INVALID.label), "message": str(InvalidTicketCode.default_message)},
        },
        "messages": {
            **scanner_messages(),
            "lead_saved": _("Lead saved"),
            "lead_updated": _("Lead updated"),
            "lead_with_contact": _("With the visitor's contact details."),
            "lead_without_contact": _("Without contact details: only the scan is recorded."),
            "lead_not_found": str(TicketNotFound.default_message),
            "lead_queued_title": _("Saved on this device"),
            "lead_queued_message": _("No connection: the scan is uploaded as soon as the server is reachable."),
        },
    }
    response = render(
        request,
        "ticketing/checkin.html",
        {
            "event": edition,
            "exhibitor": exhibitor,
            "data": data,
            "mode": "leads",
            "leads_url": reverse("exhibitors:leads", kwargs={"event": edition.slug}) + query,
        },
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def lead_scanner_sw(request: HttpRequest, event: str) -> HttpResponse:
    """The lead scanner's service worker (caches the page and its files, never API answers)."""
    edition = _event(event)
    return service_worker_response(
        request,
        name=f"sccon-leads-{edition.slug}",
        page=reverse("exhibitors:lead-scanner", kwargs={"event": edition.slug}),
    )


# --- the attendee's side of leads (linked from the order page) -------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def order_leads(request: HttpRequest, event: str, code: str, secret: str) -> HttpResponse:
    """Per ticket of an order (the order's secret link is the key): whether exhibitors who scan
    the badge receive the attendee's contact details, and which exhibitors have scanned it."""
    order = secret_lookup(request, lambda: order_get_by_secret(code=code, secret=secret, event=event))
    if order is None:
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
