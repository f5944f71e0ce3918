"""Door staff scan tickets on the scanner page: from a (fake) camera, with a hand scanner that
types the code and presses Enter, and while the hall Wi-Fi is down (decided from the offline
bundle, queued, uploaded when the connection returns). The page passes axe."""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qrcode
from django.contrib.auth.models import Permission, User
from PIL import Image

from programme.models import BERLIN
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory, PaidTicketFactory, TicketTypeFactory
from ticketing.enums import CheckInDirection, CheckInResult, OrderStatus
from ticketing.models import CheckIn
from ticketing.signing import sign_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "#answer:not([hidden])"


@pytest.fixture
def door():
    """An edition running today (Berlin), its main entrance, a paid ticket and a door-staff login."""
    today = dt.datetime.now(BERLIN).date()
    event = EventFactory(
        slug=f"sccon{today.year}", start_on=today - dt.timedelta(days=1), end_on=today + dt.timedelta(days=1)
    )
    ticket_type = TicketTypeFactory(event=event, name_de="3-Tages-Ticket Wirtschaft", name_en="3-day ticket, industry")
    entrance = CheckInListFactory(event=event, name_de="Haupteingang", name_en="Main entrance", is_default=True)
    CheckInListFactory(event=event, name_de="Eingang Süd", name_en="South entrance", is_default=False, position=1)
    ticket = PaidTicketFactory(order__event=event, ticket_type=ticket_type, attendee_name="Erika Mustermann")
    # The page sends anonymous users to the admin login, which takes staff accounts only.
    user = User.objects.create_user("door", password="door")  # door staff: no admin access
    user.user_permissions.add(Permission.objects.get(codename="scan_ticket", content_type__app_label="ticketing"))
    return event, entrance, ticket


def qr_y4m(code: str, path: Path, *, frames: int = 3) -> Path:
    """A Y4M video (640×480, 4:2:0) that shows the QR code of `code` still, for Chromium's fake camera."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(code)
    qr.make(fit=True)
    symbol = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    picture = Image.new("RGB", (640, 480), "white")
    picture.paste(symbol, ((640 - symbol.width) // 2, (480 - symbol.height) // 2))
    y, cb, cr = picture.convert("YCbCr").split()
    chroma = [plane.resize((320, 240), Image.Resampling.BILINEAR).tobytes() for plane in (cb, cr)]
    frame = b"FRAME\n" + y.tobytes() + chroma[0] + chroma[1]
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + frame * frames)
    return path


@pytest.fixture
def camera_page(browser, door, tmp_path: Path) -> Iterator[Any]:
    """A page in a Chromium of its own whose camera shows the ticket's QR code (a launch flag)."""
    _event, _entrance, ticket = door
    video = qr_y4m(ticket.code, tmp_path / "ticket.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = camera_browser.new_context(
        bypass_csp=True, locale="de-DE", viewport={"width": 1280, "height": 900}, permissions=["camera"]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    camera_browser.close()


def log_in(page: Any, live_server: Any, event: Any) -> None:
    page.goto(f"{live_server.url}/{event.slug}/checkin/")
    page.wait_for_url("**/login/?next=**")
    page.fill("#id_username", "door")
    page.fill("#id_password", "door")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**/{event.slug}/checkin/")
    page.locator("#bundle-state[data-ready]").wait_for()


def answer(page: Any, result: str) -> Any:
    locator = page.locator(f"{ANSWER}[data-result={result}]")
    locator.wait_for()
    return locator


def test_scan_from_the_camera_then_again_by_hand(live_server, camera_page, door, axe):
    event, entrance, ticket = door
    page = camera_page
    external: list[str] = []
    page.context.route(
        re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"),
        lambda route: (external.append(route.request.url), route.abort()),
    )
    wasm: list[str] = []
    page.on("request", lambda request: wasm.append(request.url) if request.url.endswith(".wasm") else None)
    log_in(page, live_server, event)
    assert page.locator("#list-select").input_value() == str(entrance.pk)  # the default list
    assert axe(page) == []

    page.locator("#camera-toggle").click()
    ok = answer(page, "ok").first
    ok.wait_for(timeout=30_000)
    assert "Erika Mustermann" in ok.inner_text()
    assert "3-Tages-Ticket Wirtschaft" in ok.inner_text()
    page.wait_for_function("document.querySelector('#announcer').textContent.includes('Erika Mustermann')")
    assert page.locator("#answer").get_attribute("data-tone") == "ok"
    assert axe(page) == []

    # The code stays in front of the camera: it is not scanned again.
    page.locator("#answer-close").click()
    page.wait_for_timeout(2500)
    assert CheckIn.objects.filter(ticket=ticket).count() == 1

    # The same ticket once more, typed in: already inside.
    page.fill("#code-input", ticket.code)
    page.press("#code-input", "Enter")
    again = answer(page, "already_checked_in")
    assert page.locator("#answer").get_attribute("data-tone") == "warn"
    assert "Erika Mustermann" in again.inner_text()
    assert axe(page) == []

    results = list(CheckIn.objects.filter(ticket=ticket).order_by("pk").values_list("result", flat=True))
    assert results == [CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN]
    assert external == []  # no CDN: the decoder and its wasm come from our static files
    assert any("/static/checkin/vendor/zxing_reader.wasm" in url for url in wasm) or page.evaluate(
        "'BarcodeDetector' in window"
    )


def test_hand_scanner_types_the_code_and_enter(live_server, page, door, axe):
    event, entrance, ticket = door
    log_in(page, live_server, event)

    # The hand scanner "types" wherever the focus is: the page sends it to the code field.
    page.locator("h1").click()
    page.keyboard.type(ticket.code, delay=2)
    page.keyboard.press("Enter")

    ok = answer(page, "ok")
    assert "Erika Mustermann" in ok.inner_text()
    assert page.locator("#code-input").input_value() == ""
    checkin = CheckIn.objects.get(ticket=ticket)
    assert checkin.checkin_list == entrance
    assert checkin.direction == CheckInDirection.IN
    assert checkin.nonce  # every online scan carries a nonce
    assert not checkin.is_offline

    # The way out, then a forged code.
    page.locator("#answer-close").click()
    page.locator("label.direction-option:has(input[value=out])").click()
    page.locator("#code-input").focus()
    page.keyboard.type(ticket.code, delay=2)
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#answer').dataset.direction === 'out'")
    answer(page, "ok")
    assert CheckIn.objects.filter(ticket=ticket, direction=CheckInDirection.OUT, result=CheckInResult.OK).count() == 1

    page.locator("#answer-close").click()
    page.locator("#code-input").focus()
    page.keyboard.type("SC1.not-a-ticket", delay=2)
    page.keyboard.press("Enter")
    answer(page, "invalid")
    assert page.locator("#answer").get_attribute("data-tone") == "error"
    assert axe(page) == []


def test_offline_scan_is_decided_locally_queued_and_synced(live_server, page, door):
    event, _entrance, ticket = door
    log_in(page, live_server, event)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    cached = page.evaluate(
        """async (url) => {
            for (let i = 0; i < 100; i++) {
                if (await caches.match(url)) return true;
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return false;
        }""",
        f"/{event.slug}/checkin/",
    )
    assert cached, "the service worker did not cache the page"

    page.context.set_offline(True)
    # The page itself opens from the service worker's cache.
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.locator("#bundle-state[data-ready]").wait_for()
    assert page.locator("#net-state").get_attribute("data-state") == "offline"
    assert page.locator("#queue-count").inner_text() == "0"

    page.fill("#code-input", ticket.code)
    page.press("#code-input", "Enter")
    ok = answer(page, "ok")
    assert page.locator("#answer").get_attribute("data-offline") is not None
    assert page.locator("#answer-offline").is_visible()
    assert "Erika Mustermann" in ok.inner_text()
    assert page.locator("#queue-count").inner_text() == "1"
    assert not CheckIn.objects.exists()

    # Scanned again while still offline: the page remembers it let the ticket in.
    page.locator("#answer-close").click()
    page.fill("#code-input", ticket.code)
    page.press("#code-input", "Enter")
    answer(page, "already_checked_in")
    assert page.locator("#queue-count").inner_text() == "2"

    page.context.set_offline(False)
    page.wait_for_function("document.querySelector('#queue-count').textContent === '0'", timeout=15_000)
    assert page.locator("#net-state").get_attribute("data-state") == "online"
    rows = list(CheckIn.objects.filter(ticket=ticket).order_by("scanned_at"))
    assert [(row.result, row.offline_result, row.is_offline) for row in rows] == [
        (CheckInResult.OK, CheckInResult.OK, True),
        (CheckInResult.ALREADY_CHECKED_IN, CheckInResult.ALREADY_CHECKED_IN, True),
    ]
    assert all(row.nonce for row in rows)
    assert not any(row.is_conflict for row in rows)


def test_offline_decisions_agree_with_the_server(live_server, page, door):
    """Every refusal the page can decide offline, then uploaded: the server finds the same."""
    event, entrance, ticket = door
    today = dt.datetime.now(BERLIN).date()
    industry = ticket.ticket_type
    day_ticket = TicketTypeFactory(event=event, valid_on=today + dt.timedelta(days=1))
    workshop = TicketTypeFactory(event=event)
    entrance.all_ticket_types = False
    entrance.save()
    entrance.ticket_types.set([industry, day_ticket])
    cancelled = PaidTicketFactory(order__event=event, order__status=OrderStatus.CANCELLED, ticket_type=industry)
    unpaid = PaidTicketFactory(order__event=event, order__status=OrderStatus.PENDING, ticket_type=industry)
    tomorrow = PaidTicketFactory(order__event=event, ticket_type=day_ticket)
    elsewhere = PaidTicketFactory(order__event=event, ticket_type=workshop)
    reissued = PaidTicketFactory(order__event=event, ticket_type=industry)
    old_code = reissued.code
    reissued.code = sign_ticket(ticket_id=reissued.pk, event_id=event.pk)
    reissued.save()
    forged = ticket.code[:-3] + ("AAA" if not ticket.code.endswith("AAA") else "BBB")
    other_edition = sign_ticket(ticket_id=ticket.pk, event_id=event.pk + 1000)
    expected = {
        ticket.code: CheckInResult.OK,
        cancelled.code: CheckInResult.CANCELLED,
        unpaid.code: CheckInResult.UNPAID,
        tomorrow.code: CheckInResult.NOT_VALID_NOW,
        elsewhere.code: CheckInResult.WRONG_LIST,
        old_code: CheckInResult.REVOKED,
        forged: CheckInResult.INVALID,
        other_edition: CheckInResult.INVALID,
    }
    log_in(page, live_server, event)

    page.context.set_offline(True)
    for code in expected:
        page.fill("#code-input", code)
        page.press("#code-input", "Enter")
    page.wait_for_function(f"document.querySelector('#queue-count').textContent === '{len(expected)}'", timeout=30_000)
    assert not CheckIn.objects.exists()

    page.context.set_offline(False)
    page.wait_for_function("document.querySelector('#queue-count').textContent === '0'", timeout=15_000)
    rows = list(CheckIn.objects.order_by("scanned_at", "pk"))
    assert len(rows) == len(expected)
    for row, (code, result) in zip(rows, expected.items(), strict=True):
        assert (row.offline_result, row.result) == (result, result), code
        assert row.is_offline and not row.is_conflict


def test_scanner_in_english_on_a_phone_is_accessible(live_server, browser, door, axe):
    event, _entrance, ticket = door
    context = browser.new_context(
        bypass_csp=True, locale="en-GB", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, event)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the scanner scrolls sideways on a phone"
    assert page.locator("#camera-toggle").bounding_box()["height"] >= 44  # a thumb-sized target
    assert axe(page) == []

    page.fill("#code-input", ticket.code)
    page.press("#code-input", "Enter")
    ok = answer(page, "ok")
    assert "Admitted" in ok.inner_text()
    assert page.locator("#queue-count").is_visible()  # the status bar stays above the answer
    assert axe(page) == []
    context.close()
