"""Rate limits (config.ratelimit) and the login lockout (django-axes): a script is stopped, a
legitimate client is not, and nothing typed is lost."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory

from config.ratelimit import client_ip
from tests.exhibitors.test_apply_and_staff_pages import VALID as APPLICATION
from tests.factories.programme import EventFactory
from tests.factories.ticketing import OrderFactory, PaidTicketFactory, TicketTypeFactory
from tests.ticketing.test_api import order_body
from tests.ticketing.test_shop import buy
from ticketing.models import AgendaFeed, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_type(db):  # type: ignore[no-untyped-def]
    start = dt.date.today() + dt.timedelta(days=365)  # on sale now
    return TicketTypeFactory(event=EventFactory(start_on=start, end_on=start + dt.timedelta(days=2)))


@pytest.fixture
def rates(settings):  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "order_create": "3/m",
            "secret_lookup_failure": "4/h",
            "exhibitor_apply": "2/h",
        },
    }
    return settings


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) >= 1


# --- the client's address --------------------------------------------------------------------


def test_client_ip_is_the_address_the_proxy_appended(settings):
    settings.BEHIND_PROXY = True
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"  # the first one is whatever the client claimed
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_client_ip_ignores_the_header_without_a_proxy(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="198.51.100.1")
    assert client_ip(request) == "198.51.100.1"


# --- placing orders ---------------------------------------------------------------------------


def test_api_order_creation_is_limited_per_address(rates, client, ticket_type):
    url = f"/api/v1/events/{ticket_type.event.slug}/orders/"
    for _ in range(3):
        assert client.post(url, order_body(ticket_type), content_type="application/json").status_code == 201
    response = client.post(url, order_body(ticket_type), content_type="application/json")
    assert_throttled(response)
    assert response.json()["code"] == "throttled"
    assert set(response.json()) == {"code", "message", "extra"}
    assert Order.objects.count() == 3
    # Another address is not affected.
    other = client.post(url, order_body(ticket_type), content_type="application/json", REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 201


def test_rate_limits_off_switch(rates, client, ticket_type):
    rates.RATE_LIMITS = False
    url = f"/api/v1/events/{ticket_type.event.slug}/orders/"
    for _ in range(5):
        assert client.post(url, order_body(ticket_type), content_type="application/json").status_code == 201


def test_shop_form_refused_by_the_limit_keeps_what_was_typed(rates, client, ticket_type):
    for _ in range(3):
        assert buy(client, ticket_type.event, {ticket_type: 1}, email="first@example.org").status_code == 302
    response = buy(client, ticket_type.event, {ticket_type: 1}, email="fourth@example.org")
    assert_throttled(response)
    page = response.content.decode()
    assert "Too many requests" in page or "Zu viele Anfragen" in page
    assert 'value="fourth@example.org"' in page  # the form comes back filled in
    assert Order.objects.count() == 3


# --- look-ups by secret ----------------------------------------------------------------------


def test_wrong_order_secrets_are_limited_but_the_right_one_never_counts(rates, client):
    order = OrderFactory(event=EventFactory())
    page = f"/{order.event.slug}/orders/{order.code}/{order.secret}/"
    for _ in range(10):  # reloading one's own order page is never limited
        assert client.get(page).status_code == 200
    for attempt in range(4):
        assert client.get(f"/{order.event.slug}/orders/{order.code}/guess{attempt}/").status_code == 404
    assert_throttled(client.get(f"/{order.event.slug}/orders/{order.code}/guess5/"))
    # The API shares the count (same address) and answers in the error shape.
    response = client.get(f"/api/v1/orders/{order.code}/", HTTP_X_ORDER_SECRET="guess")
    assert_throttled(response)
    assert response.json()["code"] == "throttled"
    # Someone else, at another address, still opens their order.
    assert client.get(page, REMOTE_ADDR="192.0.2.10").status_code == 200


def test_an_order_of_another_edition_counts_as_a_miss(rates, client):
    order = OrderFactory(event=EventFactory())
    other = EventFactory()
    for _ in range(4):
        assert client.get(f"/{other.slug}/orders/{order.code}/{order.secret}/").status_code == 404
    assert_throttled(client.get(f"/{order.event.slug}/orders/{order.code}/{order.secret}/"))


def test_api_order_lookup_misses_are_limited(rates, client):
    order = OrderFactory(event=EventFactory())
    for _ in range(4):
        response = client.get(f"/api/v1/orders/{order.code}/", HTTP_X_ORDER_SECRET="wrong")
        assert response.status_code == 404
    assert_throttled(client.get(f"/api/v1/orders/{order.code}/", HTTP_X_ORDER_SECRET=order.secret))


def test_calendar_feed_token_misses_are_limited(rates, client):
    ticket = PaidTicketFactory(order__event=EventFactory())
    feed = AgendaFeed.objects.create(ticket=ticket)
    slug = ticket.order.event.slug
    for n in range(4):
        assert client.get(f"/{slug}/agenda/wrong{n}.ics").status_code == 404
    assert_throttled(client.get(f"/{slug}/agenda/{feed.token}.ics"))


# --- exhibitor applications --------------------------------------------------------------------


def test_exhibitor_applications_are_limited_and_keep_the_form(rates, client, event):
    url = f"/{event.slug}/exhibitors/apply/"
    for n in range(2):
        assert client.post(url, {**APPLICATION, "name": f"Firma {n}"}).status_code == 302
    response = client.post(url, {**APPLICATION, "name": "Firma Drei"})
    assert_throttled(response)
    assert 'value="Firma Drei"' in response.content.decode()


# --- login lockout -----------------------------------------------------------------------------


@pytest.fixture
def lockout(settings):  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


@pytest.mark.parametrize("login_url", ["/admin/login/", "/login/"])
def test_login_is_locked_after_repeated_failures(lockout, client, django_user_model, login_url):
    django_user_model.objects.create_superuser("orga", "orga@example.org", "right-password")
    for _ in range(2):
        response = client.post(login_url, {"username": "orga", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    assert_throttled(client.post(login_url, {"username": "orga", "password": "wrong"}))  # the third locks
    response = client.post(login_url, {"username": "orga", "password": "right-password"})
    assert_throttled(response)
    assert "_auth_user_id" not in client.session  # not even the right password gets in now
    # The same user from another address, and another user from this one, are not locked.
    elsewhere = client.post(login_url, {"username": "orga", "password": "right-password"}, REMOTE_ADDR="192.0.2.20")
    assert elsewhere.status_code == 302


def test_a_lockout_is_listed_in_admin_and_can_be_lifted(lockout, client, django_user_model):
    django_user_model.objects.create_user("door2", password="door-password")
    for _ in range(3):
        client.post("/login/", {"username": "door2", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="door2", failures_since_start=3).exists()
    admin = django_user_model.objects.create_superuser("orga", "orga@example.org", "x")
    admin_client = type(client)()
    admin_client.force_login(admin)
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "door2" in listing.content.decode()
    call_command("axes_reset_username", "door2")
    assert client.post("/login/", {"username": "door2", "password": "door-password"}).status_code == 302
