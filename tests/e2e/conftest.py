"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

These tests check what the pages do; their contexts bypass the Content-Security-Policy because
the tools they inject (axe-core, polling predicates) are inline scripts the policy rightly refuses.
test_csp_browser.py checks the policy itself, in contexts that keep it.

Playwright never downloads a browser here: it is pointed at /usr/bin/chromium, which `make test`
and `.ci/run` install when missing. A missing browser fails the run; it is never skipped.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _close_live_server_connections(django_db_blocker: Any) -> None:
    """The live server's request threads may keep an idle database connection after the browser
    is gone; on PostgreSQL that blocks dropping the test database. End those sessions."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )


@pytest.fixture(scope="session")
def browser(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium) or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
    _close_live_server_connections(django_db_blocker)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(bypass_csp=True, locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe() -> Any:
    """`axe(page)` runs axe-core in the page and returns the serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does).")

    def run(page: Any) -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run
