"""The Content-Security-Policy is one the pages actually satisfy: Chromium visits the public
pages, the order pages, the scanners, the API docs and every admin list and change page of the
demo data, and reports no violation and no script error."""

from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from exhibitors.models import Exhibitor
from programme.models import Event, ReleasedSession, Speaker
from ticketing.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""

# What the scanner does when the browser has no BarcodeDetector (Chromium on Linux): load the
# vendored ponyfill and compile its ZXing WebAssembly from our static files, then decode an image.
DECODE_WITH_WASM = """async () => {
  const config = JSON.parse(document.getElementById('checkin-config').textContent);
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = config.urls.ponyfill; script.onload = resolve; script.onerror = reject;
    document.head.append(script);
  });
  const api = window.BarcodeDetectionAPI;
  const wasm = new URL(config.urls.wasm, location.href).href;
  api.setZXingModuleOverrides({locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasm : prefix + path)});
  await api.prepareZXingModule({fireImmediately: true});
  const found = await new api.BarcodeDetector({formats: ['qr_code']}).detect(new ImageData(16, 16));
  return found.length;
}"""


class Watcher:
    """Records CSP violations, console errors and uncaught exceptions of every page visited."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"{self.page.url}: console: {message.text}")

    def visit(self, url: str, *, ready: str = "body", idle: bool = False) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        assert response.headers.get("content-security-policy"), f"{url} has no CSP"
        self.page.wait_for_selector(ready, state="attached")
        self.page.wait_for_load_state("networkidle" if idle else "load")
        self.problems += [f"{url}: {v}" for v in self.page.evaluate("window.__violations")]


def _log_in(watcher: Watcher, base: str, username: str, password: str) -> None:
    watcher.visit(f"{base}/login/")
    watcher.page.fill("#id_username", username)
    watcher.page.fill("#id_password", password)
    watcher.page.locator("form.login-form button[type=submit]").click()
    watcher.page.wait_for_load_state("networkidle")


@pytest.fixture
def demo(db: None) -> Event:
    call_command("load_demo", "--force", stdout=StringIO())
    return Event.objects.get()


def test_public_and_order_pages_satisfy_the_csp(live_server, browser, demo):
    context = browser.new_context(locale="de-DE")
    watcher = Watcher(context.new_page())
    base, slug = live_server.url, demo.slug
    session = ReleasedSession.objects.filter(release__event=demo).select_related("track").first()
    speaker = Speaker.objects.filter(event=demo).first()
    exhibitor = Exhibitor.objects.filter(event=demo, is_public=True).first()
    order = Order.objects.filter(event=demo).first()
    assert session and speaker and exhibitor and order, "the demo has sessions, speakers, exhibitors and orders"
    for path in [
        "/",
        f"/{slug}/",
        f"/{slug}/programme/",
        f"/{slug}/programme/sessions/{session.session_id}/",
        f"/{slug}/programme/changelog/",
        f"/{slug}/speakers/",
        f"/{slug}/speakers/{speaker.slug}/",
        f"/{slug}/exhibitors/",
        f"/{slug}/exhibitors/{exhibitor.slug}/",
        f"/{slug}/exhibitors/apply/",
        f"/{slug}/floorplan/",
        f"/{slug}/tickets/",
        f"/{slug}/orders/{order.code}/{order.secret}/",
        f"/{slug}/orders/{order.code}/{order.secret}/exhibitors/",
        "/imprint/",
        "/privacy/",
        "/login/",
    ]:
        watcher.visit(base + path)
    # The shop's second step, and the API's own pages.
    watcher.visit(f"{base}/{slug}/tickets/")
    watcher.page.locator("select[id^=id_qty_]").first.select_option("1")
    watcher.page.locator("form.shop-form button[type=submit]").click()
    watcher.page.wait_for_selector("#id_accept_terms")
    watcher.visit(f"{base}/api/docs/", ready=".swagger-ui .information-container", idle=True)
    watcher.visit(f"{base}/api/v1/events/")  # the browsable API
    assert watcher.problems == [], "\n".join(watcher.problems)
    context.close()


def test_scanner_pages_satisfy_the_csp(live_server, browser, demo):
    for username, path in [("door", f"/{demo.slug}/checkin/"), ("exhibitor", f"/{demo.slug}/exhibitors/leads/scan/")]:
        context = browser.new_context(locale="de-DE")
        watcher = Watcher(context.new_page())
        _log_in(watcher, live_server.url, username, username)
        watcher.visit(live_server.url + path, ready="#code-input", idle=True)
        # The QR decoder (WebAssembly, allowed on these pages only) compiles and runs.
        assert watcher.page.evaluate(DECODE_WITH_WASM) == 0
        watcher.problems += [f"{path}: {v}" for v in watcher.page.evaluate("window.__violations")]
        assert watcher.problems == [], username
        context.close()


def test_every_admin_page_satisfies_the_csp(live_server, browser, demo):
    context = browser.new_context(locale="de-DE")
    watcher = Watcher(context.new_page())
    base = live_server.url
    watcher.visit(f"{base}/admin/login/")
    watcher.page.fill("#id_username", "admin")
    watcher.page.fill("#id_password", "admin")
    watcher.page.locator("#login-form [type=submit]").click()
    watcher.page.wait_for_selector("#content-main")
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model._meta.managed:
            continue  # django-rq's queue dashboard: no table, and it would talk to the production queue
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model_admin.get_queryset(_request()).first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        if model_admin.has_add_permission(_request()):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
    pages += [
        reverse("admin:programme_session_timetable") + f"?event={demo.pk}",
        reverse("admin:programme_session_conflicts") + f"?event={demo.pk}",
        reverse("admin:programme_session_publish") + f"?event={demo.pk}",
        reverse("admin:ticketing_checkin_live") + f"?event={demo.pk}",
        reverse("admin:ticketing_tickettype_sales") + f"?event={demo.pk}",
        reverse("admin:ticketing_seatbooking_seats") + f"?event={demo.pk}",
    ]
    for path in pages:
        watcher.visit(base + path)
    assert watcher.problems == []
    context.close()


def _request() -> Any:
    """A request of the demo superuser, for the admin's own queryset and permission checks."""
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    return request
