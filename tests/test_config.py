"""The foundation: migrations in step with the models, production settings, catalogues, errors."""

import gettext
import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from django.db import OperationalError
from django.utils import translation

from config.api import exception_handler
from config.exceptions import ApplicationError

ROOT = Path(settings.BASE_DIR)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "TICKET_SIGNING_KEY"}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_makemigrations_check_finds_nothing_to_do():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="sccon.example.org",
        TICKET_SIGNING_KEY="dGVzdHMtb25seS1zaWduaW5nLWtleS0zMi1ieXRlcyE=",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_check_deploy_requires_the_ticket_signing_key():
    result = run_manage(
        "check", "--deploy", DJANGO_SECRET_KEY=secrets.token_urlsafe(60), DJANGO_ALLOWED_HOSTS="sccon.example.org"
    )
    assert result.returncode != 0
    assert "ticketing.E001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="1", VAR_DIR=str(tmp_path), DATABASE_URL="")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_german_catalogue_is_compiled_and_complete():
    po = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
    with po.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    text = po.read_text(encoding="utf-8")
    msgids = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
    untranslated = re.findall(r'^msgstr ""\n\n', text, flags=re.MULTILINE)
    assert not untranslated, "the German catalogue has untranslated strings: run `make messages` and translate"
    assert "#, fuzzy" not in text
    # Every message of the .po is in the compiled .mo (the .mo was compiled after the last edit).
    keys = (key[0] if isinstance(key, tuple) else key for key in catalogue._catalog)  # type: ignore[attr-defined]
    compiled = {key.split("\x04")[-1] for key in keys}  # "context\x04msgid" for entries with a context
    missing = [m for m in msgids if m.replace('\\"', '"') not in compiled]
    assert not missing, f"locale/de is not compiled: {missing[:3]}"
    with translation.override("de"):
        assert translation.gettext("Skip to content") == "Zum Inhalt springen"


def test_application_error_renders_in_error_shape():
    class Boom(ApplicationError):
        code = "boom"
        http_status = 409

    response = exception_handler(Boom("Nope", extra={"why": "because"}), {})
    assert response is not None
    assert response.status_code == 409
    assert response.data == {"code": "boom", "message": "Nope", "extra": {"why": "because"}}


def test_lock_timeout_renders_503_with_retry_after():
    response = exception_handler(OperationalError("database is locked"), {})
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.data["code"] == "service_unavailable"


def test_django_validation_error_renders_fields():
    response = exception_handler(DjangoValidationError({"title_de": ["Required."]}), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data["extra"]["fields"] == {"title_de": ["Required."]}
