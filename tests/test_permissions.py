"""The permission matrix: every URL of the site and the API × every kind of caller.

Callers: anonymous, the attendee (who holds the order's secret), a door scanner device, an
exhibitor's lead device, door staff, exhibitor staff, an organiser (staff, not superuser) and a
superuser. For each route the matrix names who gets in; everyone else must be refused (401, 403,
404 or the login page). A route added to the URLconf without a row here fails the test.

The attendee's credential is the secret: in the URL of their order pages, in `X-Order-Secret` for
the API, the token of their calendar feed. Everyone else tries the same URLs with a wrong secret
(or none): a secret opens that order only, whoever asks, superusers included.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from exhibitors.models import BoothInvoice, Exhibitor, ExhibitorStaff, Lead
from exhibitors.services.booking import lead_device_create
from programme.models import Event, ReleasedSession, Speaker
from ticketing.models import AgendaFeed, Invoice, Order, Ticket
from ticketing.services.checkin import device_create

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "attendee",
    "door_device",
    "lead_device",
    "door_staff",
    "exhibitor_staff",
    "organiser",
    "superuser",
]
EVERYONE = frozenset(ROLES)
ATTENDEE = frozenset({"attendee"})
DOOR = frozenset({"door_device", "door_staff", "organiser", "superuser"})
DOOR_PAGE = frozenset({"door_staff", "organiser", "superuser"})
LEADS_API = frozenset({"lead_device", "exhibitor_staff"})
EXHIBITOR_PAGES = frozenset({"exhibitor_staff"})
ADMIN = frozenset({"organiser", "superuser"})
WRONG_SECRET = "not-the-secret-0123456789abcdefghijkl"


@dataclass
class World:
    """The demo edition plus the callers' credentials and the objects the URLs name."""

    event: Event
    order: Order  # a paid order with an invoice
    ticket: Ticket
    other_order: Order
    invoice_number: str
    feed: AgendaFeed
    session: ReleasedSession
    seat_session: ReleasedSession
    speaker: Speaker
    exhibitor: Exhibitor
    lead: Lead
    booth_invoice: BoothInvoice
    door_token: str
    lead_token: str
    clients: dict[str, Client] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    route: str  # the URL name (namespace:name), "admin" for the admin site
    method: str
    url: Callable[[World, str], str]  # (world, role) -> path
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    secret_header: bool = False  # the attendee sends X-Order-Secret
    refused_with: int | None = None  # the status that means "refused", where it is not 401/403/404


def secret(w: World, role: str) -> str:
    return w.order.secret if role == "attendee" else WRONG_SECRET


def order_path(w: World, role: str) -> str:
    return f"/{w.event.slug}/orders/{w.order.code}/{secret(w, role)}/"


def api(path: str) -> Callable[[World, str], str]:
    return lambda w, role: "/api/v1/" + path.format(w=w)


def page(path: str) -> Callable[[World, str], str]:
    return lambda w, role: "/" + path.format(w=w)


CASES = [
    # site-wide
    Case("favicon", "GET", page("favicon.ico"), EVERYONE),
    Case("index", "GET", page(""), EVERYONE),
    Case("set_language", "POST", page("i18n/setlang/"), EVERYONE, {"language": "en", "next": "/"}),
    Case("login", "GET", page("login/"), EVERYONE),
    Case("legal:terms", "GET", page("terms/"), EVERYONE),
    Case("legal:privacy", "GET", page("privacy/"), EVERYONE),
    Case("legal:imprint", "GET", page("imprint/"), EVERYONE),
    Case("legal:accessibility", "GET", page("accessibility/"), EVERYONE),
    Case("admin", "GET", page("admin/"), ADMIN),
    Case("admin", "GET", page("admin/ticketing/order/"), ADMIN),
    Case("admin", "GET", lambda w, role: f"/admin/ticketing/order/{w.order.pk}/change/", ADMIN),
    Case("admin", "GET", page("admin/ticketing/checkin/live/"), ADMIN),
    # programme
    Case("programme:event", "GET", page("{w.event.slug}/"), EVERYONE),
    Case("programme:timetable", "GET", page("{w.event.slug}/programme/"), EVERYONE),
    Case("programme:changelog", "GET", page("{w.event.slug}/programme/changelog/"), EVERYONE),
    Case("programme:schedule-xml", "GET", page("{w.event.slug}/programme/schedule.xml"), EVERYONE),
    Case("programme:schedule-json", "GET", page("{w.event.slug}/programme/schedule.json"), EVERYONE),
    Case("programme:schedule-ics", "GET", page("{w.event.slug}/programme/schedule.ics"), EVERYONE),
    Case("programme:session", "GET", page("{w.event.slug}/programme/sessions/{w.session.session_id}/"), EVERYONE),
    Case(
        "programme:session-ics", "GET", page("{w.event.slug}/programme/sessions/{w.session.session_id}.ics"), EVERYONE
    ),
    Case("programme:speakers", "GET", page("{w.event.slug}/speakers/"), EVERYONE),
    Case("programme:speaker", "GET", page("{w.event.slug}/speakers/{w.speaker.slug}/"), EVERYONE),
    # ticket shop and the attendee's pages
    Case("ticketing:shop", "GET", page("{w.event.slug}/tickets/"), EVERYONE),
    Case("ticketing:order", "GET", order_path, ATTENDEE),
    Case("ticketing:tickets-pdf", "GET", lambda w, role: order_path(w, role) + "tickets.pdf", ATTENDEE),
    Case("ticketing:invoice-pdf", "GET", lambda w, role: order_path(w, role) + "invoice.pdf", ATTENDEE),
    Case(
        "ticketing:invoice-number-pdf",
        "GET",
        lambda w, role: order_path(w, role) + f"invoices/{w.invoice_number}.pdf",
        ATTENDEE,
    ),
    Case(
        "ticketing:invoice-number-xml",
        "GET",
        lambda w, role: order_path(w, role) + f"invoices/{w.invoice_number}.xml",
        ATTENDEE,
    ),
    Case("ticketing:agenda", "GET", lambda w, role: order_path(w, role) + f"agenda/{w.ticket.pk}/", ATTENDEE),
    Case(
        "ticketing:agenda-feed",
        "GET",
        lambda w, role: f"/{w.event.slug}/agenda/{w.feed.token if role == 'attendee' else WRONG_SECRET}.ics",
        ATTENDEE,
    ),
    # Starring from the session page works for a browser that opened its agenda (the attendee).
    Case(
        "ticketing:session-agenda",
        "POST",
        page("{w.event.slug}/programme/sessions/{w.session.session_id}/agenda/"),
        ATTENDEE,
        {"ticket": "{ticket}", "action": "star"},
    ),
    Case("exhibitors:order-leads", "GET", lambda w, role: order_path(w, role) + "exhibitors/", ATTENDEE),
    # the door
    Case("ticketing:checkin", "GET", page("{w.event.slug}/checkin/"), DOOR_PAGE),
    Case("ticketing:checkin-sw", "GET", page("{w.event.slug}/checkin/sw.js"), EVERYONE),
    # exhibitors
    Case("exhibitors:directory", "GET", page("{w.event.slug}/exhibitors/"), EVERYONE),
    Case("exhibitors:detail", "GET", page("{w.event.slug}/exhibitors/{w.exhibitor.slug}/"), EVERYONE),
    Case("exhibitors:floorplan", "GET", page("{w.event.slug}/floorplan/"), EVERYONE),
    Case("exhibitors:apply", "GET", page("{w.event.slug}/exhibitors/apply/"), EVERYONE),
    Case("exhibitors:apply-done", "GET", page("{w.event.slug}/exhibitors/apply/thanks/"), EVERYONE),
    Case("exhibitors:leads", "GET", page("{w.event.slug}/exhibitors/leads/"), EXHIBITOR_PAGES),
    Case("exhibitors:lead-scanner", "GET", page("{w.event.slug}/exhibitors/leads/scan/"), EXHIBITOR_PAGES),
    Case("exhibitors:lead-scanner-sw", "GET", page("{w.event.slug}/exhibitors/leads/scan/sw.js"), EVERYONE),
    Case("exhibitors:portal", "GET", page("{w.event.slug}/exhibitors/portal/"), EXHIBITOR_PAGES),
    Case("exhibitors:portal-profile", "GET", page("{w.event.slug}/exhibitors/portal/profile/"), EXHIBITOR_PAGES),
    Case(
        "exhibitors:portal-invoice",
        "GET",
        page("{w.event.slug}/exhibitors/portal/invoices/{w.booth_invoice.pk}.pdf"),
        EXHIBITOR_PAGES,
    ),
    # the API: public
    Case("api-schema", "GET", page("api/schema/"), EVERYONE),
    Case("api-docs", "GET", page("api/docs/"), EVERYONE),
    Case("api-event-list", "GET", api("events/"), EVERYONE),
    Case("api-event-detail", "GET", api("events/{w.event.slug}/"), EVERYONE),
    Case("api-session-list", "GET", api("events/{w.event.slug}/sessions/"), EVERYONE),
    Case("api-session-detail", "GET", api("events/{w.event.slug}/sessions/{w.session.session_id}/"), EVERYONE),
    Case("api-speaker-list", "GET", api("events/{w.event.slug}/speakers/"), EVERYONE),
    Case("api-speaker-detail", "GET", api("events/{w.event.slug}/speakers/{w.speaker.slug}/"), EVERYONE),
    Case("api-room-list", "GET", api("events/{w.event.slug}/rooms/"), EVERYONE),
    Case("api-track-list", "GET", api("events/{w.event.slug}/tracks/"), EVERYONE),
    Case("api-ticket-type-list", "GET", api("events/{w.event.slug}/ticket-types/"), EVERYONE),
    Case("api-exhibitor-list", "GET", api("events/{w.event.slug}/exhibitors/"), EVERYONE),
    Case("api-booth-list", "GET", api("events/{w.event.slug}/booths/"), EVERYONE),
    # Anyone may try to buy (an empty body is refused as invalid, not as forbidden).
    Case("api-order-create", "POST", api("events/{w.event.slug}/orders/"), EVERYONE, {}),
    # Stripe's webhook: the signature is the credential (tests/ticketing/test_stripe.py); no one
    # gets in without it, and SPEC.md says a bad signature answers 400.
    Case("api-stripe-webhook", "POST", api("payments/stripe/webhook/"), frozenset(), {}, refused_with=400),
    # the API: the attendee's
    Case("api-order-detail", "GET", api("orders/{w.order.code}/"), ATTENDEE, secret_header=True),
    Case(
        "api-agenda",
        "GET",
        lambda w, role: f"/api/v1/events/{w.event.slug}/agenda/?order={w.order.code}&ticket={w.ticket.pk}",
        ATTENDEE,
        secret_header=True,
    ),
    Case(
        "api-session-seats",
        "POST",
        api("events/{w.event.slug}/sessions/{w.seat_session.session_id}/seats/"),
        ATTENDEE,
        {"order": "{order}", "ticket": "{ticket}"},
        secret_header=True,
    ),
    # the API: the door's
    Case("api-checkin-scan", "POST", api("events/{w.event.slug}/checkin/scan/"), DOOR, {"code": "not-a-ticket"}),
    Case("api-checkin-offline-bundle", "GET", api("events/{w.event.slug}/checkin/offline-bundle/"), DOOR),
    Case("api-checkin-sync", "POST", api("events/{w.event.slug}/checkin/sync/"), DOOR, {"scans": []}),
    # the API: the exhibitor's
    Case("api-lead-list", "GET", api("events/{w.event.slug}/leads/"), LEADS_API),
    Case("api-lead-list", "POST", api("events/{w.event.slug}/leads/"), LEADS_API, {"code": "x", "consent": False}),
    Case("api-lead-export", "GET", api("events/{w.event.slug}/leads/export.csv"), LEADS_API),
    Case("api-lead-detail", "GET", api("events/{w.event.slug}/leads/{w.lead.pk}/"), LEADS_API),
    # Last: it ends the logins.
    Case("logout", "POST", page("logout/"), EVERYONE),
]


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    names.add("admin")
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_route_is_in_the_matrix():
    assert _route_names() - {case.route for case in CASES} == set()


@pytest.fixture
def world(settings) -> World:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = False  # hundreds of wrong secrets from one address: limits are tests/test_rate_limits.py's
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_test"
    call_command("load_demo", "--force", stdout=StringIO())
    event = Event.objects.get()
    order = Order.objects.filter(event=event, status="paid", invoices__isnull=False).distinct().first()
    assert order is not None
    ticket = order.tickets.order_by("pk").first()
    invoice = order.invoices.get()
    # A public buyer's invoice, so it has an XRechnung too.
    Invoice.objects.filter(pk=invoice.pk).update(buyer={**invoice.buyer, "leitweg_id": "04011000-1234512345-06"})
    staff = ExhibitorStaff.objects.select_related("exhibitor").get(user__username="exhibitor")
    exhibitor = staff.exhibitor
    releases = ReleasedSession.objects.filter(release__event=event, release=event.releases.latest("published_at"))
    _, door_token = device_create(event=event, name="Door 1")
    _, lead_token = lead_device_create(exhibitor=exhibitor, name="Booth scanner")
    w = World(
        event=event,
        order=order,
        ticket=ticket,
        other_order=Order.objects.filter(event=event).exclude(pk=order.pk).first(),
        invoice_number=invoice.number,
        feed=AgendaFeed.objects.create(ticket=ticket),
        session=releases.filter(seat_capacity__isnull=True).first(),
        seat_session=releases.filter(seat_capacity__gt=0).order_by("starts_at").first(),
        speaker=Speaker.objects.filter(event=event).first(),
        exhibitor=exhibitor,
        lead=Lead.objects.filter(exhibitor=exhibitor).first(),
        booth_invoice=BoothInvoice.objects.filter(booking__exhibitor=exhibitor).first(),
        door_token=door_token,
        lead_token=lead_token,
    )
    organiser = User.objects.create_user("orga", is_staff=True)
    organiser.groups.add(Group.objects.get(name="Organisers"))
    logins = {
        "door_staff": User.objects.get(username="door"),
        "exhibitor_staff": User.objects.get(username="exhibitor"),
        "organiser": organiser,
        "superuser": User.objects.get(username="admin"),
    }
    for role in ROLES:
        client = Client()
        if role in logins:
            client.force_login(logins[role])
        if role == "attendee":
            # The attendee's browser has opened the agenda (what starring from a session page needs).
            client.get(f"/{event.slug}/orders/{order.code}/{order.secret}/agenda/{ticket.pk}/")
        w.clients[role] = client
    return w


def _fill(body: dict[str, Any] | None, w: World) -> dict[str, Any] | None:
    if body is None:
        return None
    values = {"{ticket}": w.ticket.pk, "{order}": w.order.code}
    return {key: values.get(value, value) if isinstance(value, str) else value for key, value in body.items()}


def _request(case: Case, w: World, role: str) -> Any:
    client = w.clients[role]
    headers: dict[str, str] = {}
    if role == "door_device":
        headers["Authorization"] = f"Device {w.door_token}"
    elif role == "lead_device":
        headers["Authorization"] = f"Device {w.lead_token}"
    if case.secret_header:
        headers["X-Order-Secret"] = secret(w, role)
    url = case.url(w, role)
    body = _fill(case.body, w)
    if case.method == "GET":
        return client.get(url, headers=headers)
    if url.startswith("/api/"):
        return client.post(url, body, content_type="application/json", headers=headers)
    return client.post(url, body, headers=headers)


def _got_in(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    if response.status_code in (301, 302):
        location = response["Location"]
        return not (location.startswith("/login/") or location.startswith("/admin/login/"))
    return True


def test_the_permission_matrix(world):
    failures = []
    for case in CASES:
        for role in ROLES:
            response = _request(case, world, role)
            assert response.status_code < 500, (case.route, role, response.status_code)
            got_in = response.status_code != case.refused_with and _got_in(response)
            if got_in != (role in case.allowed):
                failures.append(f"{case.method} {case.url(world, role)} as {role}: {response.status_code}")
    assert failures == [], "\n".join(failures)


def test_a_secret_opens_its_own_order_only(world, client):
    other = world.other_order
    # The secret of one order with the code of another: refused, on the page and in the API.
    assert client.get(f"/{world.event.slug}/orders/{other.code}/{world.order.secret}/").status_code == 404
    response = client.get(f"/api/v1/orders/{other.code}/", headers={"X-Order-Secret": world.order.secret})
    assert response.status_code == 404
    assert (
        client.get(f"/api/v1/orders/{world.order.code}/", headers={"X-Order-Secret": world.order.secret}).status_code
        == 200
    )


def test_devices_cannot_read_orders_or_use_admin(world):
    for token in (world.door_token, world.lead_token):
        headers = {"Authorization": f"Device {token}"}
        client = Client()
        assert client.get(f"/api/v1/orders/{world.order.code}/", headers=headers).status_code == 404
        assert client.get("/admin/ticketing/order/", headers=headers)["Location"].startswith("/admin/login/")
    lead_headers = {"Authorization": f"Device {world.lead_token}"}
    response = Client().post(
        f"/api/v1/events/{world.event.slug}/checkin/scan/",
        {"code": "x"},
        content_type="application/json",
        headers=lead_headers,
    )
    assert response.status_code == 403


def test_public_answers_hold_no_personal_data(world):
    """Buyers', attendees' and speakers' private details appear on no public page or API answer."""
    private = {world.order.email, world.order.billing_street, world.ticket.attendee_name}
    private |= {t.attendee_email for t in Ticket.objects.filter(order__event=world.event) if t.attendee_email}
    private |= {s.email for s in Speaker.objects.filter(event=world.event) if s.email}
    private.discard("")
    assert private, "the demo has personal data to look for"
    anonymous = world.clients["anonymous"]
    for case in CASES:
        if case.method != "GET" or case.allowed != EVERYONE or case.route in {"api-schema", "api-docs"}:
            continue
        response = anonymous.get(case.url(world, "anonymous"))
        if response.status_code in (301, 302):
            response = anonymous.get(response["Location"])
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        leaked = [value for value in private if value in text]
        assert leaked == [], f"{case.route} shows {leaked}"
