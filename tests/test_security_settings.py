"""Production settings: `check --deploy` is clean, and answers carry HSTS, secure cookies and the
Content-Security-Policy (the browser test tests/e2e/test_csp_browser.py shows the pages keep it)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.factories.programme import EventFactory

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "sccon.example.org",
    "SITE_URL": "https://sccon.example.org",
    "TICKET_SIGNING_KEY": "dGVzdHMtb25seS1zaWduaW5nLWtleS0zMi1ieXRlcyE=",
}


@pytest.mark.parametrize("ssl_redirect", ["1", "0"], ids=["app-redirects", "proxy-redirects"])
def test_check_deploy_is_clean_with_the_production_settings(ssl_redirect):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV, DJANGO_SECURE_SSL_REDIRECT=ssl_redirect)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_https_answers_carry_the_security_headers(client):
    event = EventFactory()
    response = client.get(f"/{event.slug}/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    policy = dict(directives)
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert "wasm-unsafe-eval" not in policy["script-src"]  # the scanner pages only


@pytest.mark.django_db
def test_only_the_scanner_pages_allow_webassembly(client, django_user_model):
    from django.contrib.auth.models import Permission

    event = EventFactory()
    user = django_user_model.objects.create_user("door-csp")
    user.user_permissions.add(Permission.objects.get(codename="scan_ticket"))
    client.force_login(user)
    response = client.get(f"/{event.slug}/checkin/", secure=True)
    assert response.status_code == 200
    assert "'wasm-unsafe-eval'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_cookies_are_secure_and_the_session_cookie_is_http_only(client, django_user_model):
    django_user_model.objects.create_user("cookie-user", password="a-long-password-1")
    login = client.get("/login/", secure=True)
    assert login.cookies["csrftoken"]["secure"]
    response = client.post("/login/", {"username": "cookie-user", "password": "a-long-password-1"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
