"""docs/operations.md, run as written: back up the database and the media, restore them
elsewhere, and find every order, ticket and invoice file again (and a schema needing no
migration). PostgreSQL in the PostgreSQL run of the suite, SQLite in the SQLite run."""

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from ticketing.models import Invoice, Order, Ticket
from ticketing.services.orders import order_mark_paid

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and sqlite3 see committed data only


@pytest.fixture
def orders(tmp_path, settings):  # type: ignore[no-untyped-def]
    """Demo orders with their invoice PDFs in MEDIA_ROOT."""
    from io import StringIO

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--force", stdout=StringIO())
    for order in Order.objects.filter(status="pending", payment_method="invoice"):
        order_mark_paid(order=order)
    invoices = list(Invoice.objects.exclude(pdf=""))
    assert invoices, "the demo issues invoices"
    return {
        "orders": set(Order.objects.values_list("code", flat=True)),
        "tickets": set(Ticket.objects.values_list("pk", "code")),
        "files": {invoice.pdf.name for invoice in invoices},
        "media": Path(settings.MEDIA_ROOT),
    }


def sh(command: str, **env: str) -> None:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command], env={**os.environ, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def assert_media_restored(orders: dict, restored: Path) -> None:
    for name in orders["files"]:
        original = orders["media"] / name
        copy = restored / name
        assert copy.read_bytes() == original.read_bytes(), name


def test_postgresql_backup_restores_every_order_and_ticket(orders, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL restore runs in the PostgreSQL run of the suite (.ci/run does both)")
    db = connection.settings_dict
    base = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    restored_name = f"sccon_restored_{uuid.uuid4().hex[:8]}"
    backup = tmp_path / "backup"
    backup.mkdir()
    env = {
        "DATABASE_URL": f"{base}/{db['NAME']}",
        "MEDIA_ROOT": str(orders["media"]),
        "BACKUP": str(backup),
        "RESTORED_URL": f"{base}/{restored_name}",
        "RESTORED_MEDIA": str(tmp_path / "media-restored"),
    }
    try:
        # docs/operations.md, "PostgreSQL": back up …
        sh(
            'pg_dump --format=custom --no-owner --file="$BACKUP/db.dump" "$DATABASE_URL"\n'
            'tar -C "$MEDIA_ROOT" -czf "$BACKUP/media.tar.gz" .',
            **env,
        )
        # … and restore into a new database.
        sh(
            f"createdb --host={db['HOST'] or '127.0.0.1'} --port={db['PORT'] or 5432} --username={db['USER'] or 'postgres'} {restored_name}\n"
            'pg_restore --no-owner --exit-on-error --dbname="$RESTORED_URL" "$BACKUP/db.dump"\n'
            'mkdir -p "$RESTORED_MEDIA"\n'
            'tar -C "$RESTORED_MEDIA" -xzf "$BACKUP/media.tar.gz"',
            **env,
        )
        with psycopg.connect(env["RESTORED_URL"]) as restored:
            assert {row[0] for row in restored.execute("SELECT code FROM ticketing_order")} == orders["orders"]
            assert {tuple(row) for row in restored.execute("SELECT id, code FROM ticketing_ticket")} == orders[
                "tickets"
            ]
        assert_media_restored(orders, Path(env["RESTORED_MEDIA"]))
        _migrate_check(DATABASE_URL=env["RESTORED_URL"])
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')


def test_sqlite_backup_restores_every_order_and_ticket(orders, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup runs in the SQLite run of the suite (.ci/run does both)")
    if shutil.which("sqlite3") is None:
        pytest.fail("the sqlite3 command is missing: docs/operations.md needs it (Debian: sqlite3)")
    backup = tmp_path / "backup"
    backup.mkdir()
    # docs/operations.md, "SQLite", with the test database in place of var/db.sqlite3.
    sh(
        'sqlite3 "$DB" ".backup \'$BACKUP/db.sqlite3\'"\ntar -C "$MEDIA_ROOT" -czf "$BACKUP/media.tar.gz" .',
        DB=str(connection.settings_dict["NAME"]),
        BACKUP=str(backup),
        MEDIA_ROOT=str(orders["media"]),
    )
    restored_media = tmp_path / "media-restored"
    restored_media.mkdir()
    sh('tar -C "$RESTORED_MEDIA" -xzf "$BACKUP/media.tar.gz"', BACKUP=str(backup), RESTORED_MEDIA=str(restored_media))
    with closing(sqlite3.connect(backup / "db.sqlite3")) as restored:  # (sqlite3's own `with` does not close)
        assert {row[0] for row in restored.execute("SELECT code FROM ticketing_order")} == orders["orders"]
        assert {tuple(row) for row in restored.execute("SELECT id, code FROM ticketing_ticket")} == orders["tickets"]
    assert_media_restored(orders, restored_media)
    _migrate_check(DATABASE_URL=f"sqlite:///{backup / 'db.sqlite3'}")


def _migrate_check(**env: str) -> None:
    """`manage.py migrate --check` against the restored copy: its schema is the code's."""
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
