"""The door scanner page needs a login with the scan permission; its service worker is served from
the page's path, uncached, as JavaScript."""

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from programme.models import Event
from tests.factories.programme import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition() -> Event:
    return EventFactory(slug="sccon2026")


@pytest.fixture
def door_user() -> User:
    user = User.objects.create_user("door", password="door")
    user.user_permissions.add(Permission.objects.get(codename="scan_ticket", content_type__app_label="ticketing"))
    return user


def test_checkin_page_anonymous_redirects_to_admin_login(client, edition):
    url = reverse("ticketing:checkin", kwargs={"event": edition.slug})

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_checkin_page_without_permission_is_forbidden(client, edition):
    client.force_login(User.objects.create_user("visitor", password="x"))

    response = client.get(reverse("ticketing:checkin", kwargs={"event": edition.slug}))

    assert response.status_code == 403


def test_checkin_page_with_permission_renders_config(client, edition, door_user):
    client.force_login(door_user)

    response = client.get(reverse("ticketing:checkin", kwargs={"event": edition.slug}), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "csrftoken" in response.cookies
    html = response.content.decode()
    start = html.index('<script id="checkin-config" type="application/json">')
    config = json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert config["event"] == {"slug": "sccon2026", "id": edition.pk, "name": edition.name}
    assert config["urls"]["scan"] == "/api/v1/events/sccon2026/checkin/scan/"
    assert config["urls"]["bundle"] == "/api/v1/events/sccon2026/checkin/offline-bundle/"
    assert config["urls"]["sync"] == "/api/v1/events/sccon2026/checkin/sync/"
    assert config["urls"]["sw"] == "/sccon2026/checkin/sw.js"
    assert config["urls"]["wasm"].endswith("zxing_reader.wasm")
    assert set(config["results"]) == {
        "ok",
        "already_checked_in",
        "invalid",
        "revoked",
        "cancelled",
        "unpaid",
        "not_valid_now",
        "wrong_list",
    }
    assert config["results"]["wrong_list"]["tone"] == "warn"
    assert config["results"]["unpaid"]["tone"] == "error"
    # No inline script besides the JSON data block, no inline event handlers (CSP-friendly).
    assert html.count("<script") == 2
    assert " onclick=" not in html and " onload=" not in html
    assert "//cdn" not in html and "jsdelivr" not in html


def test_checkin_page_unknown_edition_is_404(client, door_user):
    client.force_login(door_user)

    response = client.get(reverse("ticketing:checkin", kwargs={"event": "nope2026"}))

    assert response.status_code == 404


def test_checkin_service_worker_headers_and_scope(client, edition):
    response = client.get(reverse("ticketing:checkin-sw", kwargs={"event": edition.slug}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/sccon2026/checkin/"
    body = response.content.decode()
    config = json.loads(body.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["page"] == "/sccon2026/checkin/"
    assert "/static/checkin/checkin.js" in config["assets"]
    assert "/static/checkin/vendor/zxing_reader.wasm" in config["assets"]
    assert config["cache"].startswith(config["prefix"])


def test_checkin_service_worker_cache_name_follows_the_assets(client, edition, settings):
    url = reverse("ticketing:checkin-sw", kwargs={"event": edition.slug})
    before = client.get(url).content

    settings.STATIC_URL = "/assets/"

    assert client.get(url).content != before


def test_door_staff_log_in_on_the_site_not_in_admin(client, django_user_model):
    from django.contrib.auth.models import Permission

    from tests.factories.programme import EventFactory

    event = EventFactory()
    door = django_user_model.objects.create_user("door", password="door")
    door.user_permissions.add(Permission.objects.get(codename="scan_ticket"))
    page = f"/{event.slug}/checkin/"

    login = client.get(f"/login/?next={page}")
    response = client.post("/login/", {"username": "door", "password": "door", "next": page})

    assert login.status_code == 200
    assert response.status_code == 302 and response["Location"] == page
    assert client.get(page).status_code == 200
    assert client.get("/admin/").status_code == 302  # not an admin user


def test_login_with_a_wrong_password_is_a_form_error(client, django_user_model):
    django_user_model.objects.create_user("door", password="door")

    response = client.post("/login/", {"username": "door", "password": "wrong"})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
