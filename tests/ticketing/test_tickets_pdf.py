import base64
import ctypes
import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from tests.factories.programme import EventFactory
from tests.factories.ticketing import OrderFactory, TicketFactory, TicketTypeFactory
from ticketing import signing
from ticketing.enums import OrderStatus
from ticketing.exceptions import InvalidOrderState
from ticketing.models import Order, Ticket
from ticketing.pdf import QR_BORDER, ResourceRefused, qr_modules, qr_svg, render_pdf
from ticketing.services.orders import ticket_rename
from ticketing.services.tickets import (
    order_tickets_pdf,
    order_tickets_pdf_bytes,
    order_tickets_render,
    tickets_sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key(settings) -> Iterator[None]:
    settings.TICKET_SIGNING_KEY = signing.generate_seed()
    signing.private_key.cache_clear()
    yield
    signing.private_key.cache_clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _paid_order(*, tickets: int = 2, language: str = "en", start_on: dt.date | None = None) -> Order:
    event = EventFactory(start_on=start_on or timezone.localdate() + dt.timedelta(days=60))
    order = OrderFactory(event=event, language=language)
    for number in range(tickets):
        TicketFactory(order=order, attendee_name=f"Guest Number{number + 1}")
    tickets_sign(order=order)
    return order


def _pages(pdf: bytes) -> list[pypdfium2.PdfPage]:
    return list(pypdfium2.PdfDocument(pdf))


def _page_text(page: pypdfium2.PdfPage) -> str:
    return page.get_textpage().get_text_range()


def _qr_codes(page: pypdfium2.PdfPage) -> list[str]:
    image = page.render(scale=2).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _codes(order: Order) -> list[str]:
    return list(order.tickets.filter(is_cancelled=False).order_by("pk").values_list("code", flat=True))


def test_order_tickets_pdf_bytes_one_page_per_ticket_with_its_qr():
    order = _paid_order(tickets=2)

    pages = _pages(order_tickets_pdf_bytes(order=order))

    assert len(pages) == 2
    assert [_qr_codes(page) for page in pages] == [[code] for code in _codes(order)]


def test_order_tickets_pdf_bytes_page_shows_the_ticket():
    order = _paid_order(tickets=1)
    ticket = order.tickets.get()
    day_type = TicketTypeFactory(
        event=order.event, name_en="Day ticket", valid_on=order.event.start_on, price_amount=Decimal("199.00")
    )
    TicketFactory(order=order, ticket_type=day_type, attendee_name="Day Visitor")
    tickets_sign(order=order)

    first, second = (_page_text(page) for page in _pages(order_tickets_pdf_bytes(order=order)))

    for text in (first, second):
        assert order.event.name_en in text
        assert "CityCube Berlin" in text
        assert "Messedamm 26, 14055 Berlin" in text
        assert order.code in text
    assert ticket.attendee_name in first
    assert ticket.ticket_type.name_en in first
    assert "534.31 EUR" in first
    assert "Day Visitor" in second
    assert "Day ticket" in second
    assert "199.00 EUR" in second
    weekday = order.event.start_on.strftime("%A")
    assert f"Valid on {weekday}" in second
    # Reading order follows the page: who and what first, then the QR code, then the notes.
    assert first.index(ticket.attendee_name) < first.index("Price paid") < first.index("Ticket code")
    assert first.index("Ticket code") < first.index("Show this QR code")


def test_order_tickets_pdf_bytes_cancelled_ticket_gets_no_page():
    order = _paid_order(tickets=3)
    cancelled = order.tickets.order_by("pk")[1]
    Ticket.objects.filter(pk=cancelled.pk).update(is_cancelled=True, cancelled_at=timezone.now())

    pages = _pages(order_tickets_pdf_bytes(order=order))

    assert len(pages) == 2
    assert [_qr_codes(page) for page in pages] == [[code] for code in _codes(order)]
    assert cancelled.code not in _codes(order)
    assert all(cancelled.attendee_name not in _page_text(page) for page in pages)


def test_order_tickets_pdf_bytes_long_names_still_one_page_each():
    order = _paid_order(tickets=0)
    ticket_type = TicketTypeFactory(event=order.event, name_en="Ticket " * 28, name_de="Ticket " * 28)
    for _ in range(2):
        TicketFactory(order=order, ticket_type=ticket_type, attendee_name="Wolfeschlegelsteinhausen " * 8)
    tickets_sign(order=order)

    pages = _pages(order_tickets_pdf_bytes(order=order))

    assert len(pages) == 2
    assert [_qr_codes(page) for page in pages] == [[code] for code in _codes(order)]


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL, OrderStatus.CANCELLED])
def test_order_tickets_pdf_bytes_unpaid_order_raises(status):
    order = _paid_order(tickets=1)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()

    with pytest.raises(InvalidOrderState) as raised:
        order_tickets_pdf_bytes(order=order)
    assert raised.value.code == "invalid_order_state"


def test_order_tickets_render_unpaid_order_stores_nothing():
    order = _paid_order(tickets=1)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PENDING)
    order.refresh_from_db()

    order_tickets_render(order=order)

    order.refresh_from_db()
    assert not order.tickets_pdf
    assert order.tickets_pdf_rendered_at is None


def test_order_tickets_render_paid_order_stores_the_pdf(media_root):
    order = _paid_order(tickets=2)
    before = timezone.now()

    order_tickets_render(order=order)

    order.refresh_from_db()
    assert order.tickets_pdf.name.startswith(f"tickets/{order.code}-")
    assert order.tickets_pdf_rendered_at >= before
    with order.tickets_pdf.open("rb") as stored:
        pages = _pages(stored.read())
    assert len(pages) == 2
    assert (media_root / order.tickets_pdf.name).is_file()


def test_order_tickets_render_again_replaces_the_file(media_root, django_capture_on_commit_callbacks):
    order = _paid_order(tickets=1)
    order_tickets_render(order=order)
    order.refresh_from_db()
    first_name = order.tickets_pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        order_tickets_render(order=order)

    order.refresh_from_db()
    assert order.tickets_pdf.name != first_name
    assert not (media_root / first_name).exists()
    assert (media_root / order.tickets_pdf.name).is_file()


def test_order_tickets_pdf_serves_the_stored_file_while_current():
    order = _paid_order(tickets=1)
    first = order_tickets_pdf(order=order)
    order.refresh_from_db()
    name, rendered_at = order.tickets_pdf.name, order.tickets_pdf_rendered_at

    second = order_tickets_pdf(order=order)

    order.refresh_from_db()
    assert second == first
    assert (order.tickets_pdf.name, order.tickets_pdf_rendered_at) == (name, rendered_at)


def test_order_tickets_pdf_renders_again_after_ticket_rename(media_root, django_capture_on_commit_callbacks):
    order = _paid_order(tickets=2)
    old = order_tickets_pdf(order=order)
    order.refresh_from_db()
    old_name = order.tickets_pdf.name
    ticket = order.tickets.order_by("pk").last()
    ticket_rename(ticket=ticket, attendee_name="Renata Neumann")

    with django_capture_on_commit_callbacks(execute=True):
        new = order_tickets_pdf(order=order)

    order.refresh_from_db()
    assert new != old
    assert order.tickets_pdf.name != old_name
    assert not (media_root / old_name).exists()
    pages = _pages(new)
    assert "Renata Neumann" in _page_text(pages[1])
    assert "Guest Number2" not in _page_text(pages[1])
    assert _qr_codes(pages[1]) == [ticket.code]  # a new name keeps its code
    with order.tickets_pdf.open("rb") as stored:
        assert stored.read() == new


def test_order_tickets_pdf_renders_again_after_a_ticket_is_cancelled():
    order = _paid_order(tickets=2)
    assert len(_pages(order_tickets_pdf(order=order))) == 2
    # Cancelling goes through QuerySet.update(), which leaves updated_at alone: cancelled_at counts too.
    Ticket.objects.filter(pk=order.tickets.order_by("pk")[0].pk).update(is_cancelled=True, cancelled_at=timezone.now())

    pages = _pages(order_tickets_pdf(order=order))

    assert [_qr_codes(page) for page in pages] == [[code] for code in _codes(order)]


def test_order_tickets_pdf_renders_again_when_the_stored_file_is_gone(media_root):
    order = _paid_order(tickets=1)
    order_tickets_render(order=order)
    order.refresh_from_db()
    (media_root / order.tickets_pdf.name).unlink()

    pdf = order_tickets_pdf(order=order)

    assert len(_pages(pdf)) == 1


def test_order_tickets_pdf_unpaid_order_raises():
    order = _paid_order(tickets=1)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    order.refresh_from_db()

    with pytest.raises(InvalidOrderState):
        order_tickets_pdf(order=order)


def test_order_tickets_pdf_bytes_labels_in_english():
    order = _paid_order(tickets=1, language="en", start_on=dt.date(2031, 10, 21))

    text = _page_text(_pages(order_tickets_pdf_bytes(order=order))[0])

    assert "Attendee" in text
    assert "Ticket type" in text
    assert "Price paid" in text
    assert "incl. 19 % VAT" in text
    assert "21 October 2031" in text
    assert "3-day ticket" in text


def test_order_tickets_pdf_bytes_german_order_in_german():
    order = _paid_order(tickets=1, language="de", start_on=dt.date(2031, 10, 21))

    text = _page_text(_pages(order_tickets_pdf_bytes(order=order))[0])

    assert "21. Oktober 2031 – 23. Oktober 2031" in text
    assert "534,31 EUR" in text
    assert "3-Tages-Ticket" in text


@pytest.fixture
def german_catalogue() -> None:
    with translation.override("de"):
        if gettext("Ticket type") == "Ticket type":
            pytest.skip("The German catalogue lacks the tickets PDF strings yet (locale/de/LC_MESSAGES/django.po).")


def test_order_tickets_pdf_bytes_labels_in_german(german_catalogue):
    order = _paid_order(tickets=1, language="de")

    text = _page_text(_pages(order_tickets_pdf_bytes(order=order))[0])

    assert "Teilnehmende Person" in text
    assert "Ticketart" in text
    assert "Bezahlter Preis" in text
    assert "inkl. 19 % MwSt." in text
    assert "Attendee" not in text


def test_order_tickets_pdf_bytes_logs_no_weasyprint_problem(caplog):
    order = _paid_order(tickets=1)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        order_tickets_pdf_bytes(order=order)

    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


def _catalog_language(document: pypdfium2.PdfDocument) -> str:
    size = pypdfium2.raw.FPDFCatalog_GetLanguage(document.raw, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pypdfium2.raw.FPDFCatalog_GetLanguage(document.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw.decode("utf-16-le").rstrip("\x00")


@pytest.mark.parametrize("language", ["de", "en"])
def test_order_tickets_pdf_bytes_is_a_tagged_pdf_with_title_and_language(language):
    order = _paid_order(tickets=1, language=language)

    document = pypdfium2.PdfDocument(order_tickets_pdf_bytes(order=order))

    assert pypdfium2.raw.FPDFCatalog_IsTagged(document.raw)
    assert _catalog_language(document) == language
    assert order.code in document.get_metadata_dict()["Title"]


def test_render_pdf_never_fetches_from_the_network(caplog, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    monkeypatch.setattr("socket.create_connection", no_network)
    html = (
        '<html lang="en"><title>x</title><link rel="stylesheet" href="https://example.org/x.css">'
        '<p>x</p><img src="http://example.org/x.png" alt="x"><img src="file:///etc/passwd" alt="y"></html>'
    )

    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = render_pdf(html)

    assert len(_pages(pdf)) == 1
    refused = [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")]
    assert len(refused) == 3
    assert all("Refused to load" in message for message in refused)


def test_render_pdf_loads_data_urls_and_our_template_files(settings, caplog):
    png = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0"
            "000003010100c9fe92ef0000000049454e44ae426082"
        )
    ).decode()
    templates = settings.BASE_DIR / "templates"
    html = (
        '<html lang="en"><title>x</title><link rel="stylesheet" href="ticketing/pdf/tickets.css">'
        f'<img src="data:image/png;base64,{png}" alt="dot"><p class="edition-name">x</p></html>'
    )

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(html, base_url=f"file://{templates}/")

    assert len(_pages(pdf)) == 1
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


def test_local_fetcher_refuses_files_outside_templates_and_static():
    from ticketing import pdf as pdf_module

    fetcher = pdf_module._setup()["url_fetcher"]

    with pytest.raises(ResourceRefused):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ResourceRefused):
        fetcher.fetch("https://example.org/")
    with pytest.raises(ResourceRefused):
        fetcher.fetch(f"file://{pdf_module.allowed_roots()[0]}/../manage.py")


def test_qr_svg_is_an_inline_svg_element():
    svg = qr_svg("SC1.test", label='Ticket <1> "A&B"')

    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "<?xml" not in svg
    assert 'id="' not in svg
    assert "width=" not in svg
    assert 'aria-label="Ticket &lt;1&gt; &quot;A&amp;B&quot;"' in svg
    assert "<title>Ticket &lt;1&gt; &quot;A&amp;B&quot;</title>" in svg


def test_qr_svg_without_label_has_no_accessible_name():
    svg = qr_svg("SC1.test")

    assert "aria-label" not in svg
    assert "<title>" not in svg


def test_generate_signing_key_prints_only_a_new_key():
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("generate_signing_key", stdout=out)
        outputs.append(out.getvalue())

    for output in outputs:
        value = output.removesuffix("\n")
        assert "\n" not in value
        assert len(base64.b64decode(value, validate=True)) == 32
    assert outputs[0] != outputs[1]


def _random_codes(count: int) -> list[str]:
    """Ticket codes as `sign_ticket` makes them (115 characters), and random ones of the longest
    length a code may have."""
    signed = [
        signing.sign_ticket(ticket_id=secrets.randbelow(2**40), event_id=secrets.randbelow(2**20)) for _ in range(count)
    ]
    longest = [
        "SC1." + secrets.token_urlsafe(signing.MAX_CODE_LENGTH)[: signing.MAX_CODE_LENGTH - 4] for _ in range(count)
    ]
    return signed + longest


def _filled(path: str, size: int) -> list[list[bool]]:
    """Which unit squares of a `size` × `size` viewBox a path of closed `M x,y` + `h`/`v` loops fills
    under the nonzero rule: the winding number at each square's centre, from the vertical edges left
    of it."""
    winding = [[0] * size for _ in range(size)]
    for loop in re.findall(r"M[^Mz]*z", path):
        start = re.match(r"M(\d+),(\d+)", loop)
        assert start is not None
        x, y = int(start[1]), int(start[2])
        for command, value in re.findall(r"([hv])(-?\d+)", loop):
            if command == "h":
                x += int(value)
                continue
            end = y + int(value)
            for row in range(min(y, end), max(y, end)):
                for column in range(x, size):
                    winding[row][column] += 1 if end > y else -1
            y = end
        assert (x, y) == (int(start[1]), int(start[2])), "every loop closes where it began"
    return [[count != 0 for count in row] for row in winding]


def test_qr_svg_path_fills_exactly_the_dark_modules():
    for code in _random_codes(25):
        modules = qr_modules(code)
        size = len(modules) + 2 * QR_BORDER
        svg = qr_svg(code)
        path = re.search(r' d="([^"]*)"', svg)
        assert path is not None
        assert f'viewBox="0 0 {size} {size}"' in svg

        filled = _filled(path[1], size)

        quiet = [False] * QR_BORDER
        expected = [[False] * size] * QR_BORDER
        expected += [quiet + row + quiet for row in modules]
        expected += [[False] * size] * QR_BORDER
        assert filled == expected


def test_qr_modules_fixed_mask_decodes_for_many_random_codes():
    # The mask is fixed rather than scored (ticketing.pdf.qr_modules): every code must still read.
    for code in _random_codes(150):
        modules = qr_modules(code)
        size = len(modules) + 2 * QR_BORDER
        image = Image.new("L", (size, size), 255)
        for y, row in enumerate(modules, start=QR_BORDER):
            for x, dark in enumerate(row, start=QR_BORDER):
                if dark:
                    image.putpixel((x, y), 0)
        image = image.resize((size * 3, size * 3), Image.Resampling.NEAREST)

        decoded = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)

        assert [barcode.text for barcode in decoded] == [code]


def test_qr_svg_decodes_from_the_pdf_for_random_codes():
    codes = _random_codes(8)
    pages = "".join(
        f'<div style="break-before: page; width: 62mm; height: 62mm">{qr_svg(code)}</div>' for code in codes
    )
    html = f'<html lang="en"><title>x</title><style>svg {{ display: block; width: 62mm; height: 62mm }}</style>{pages}</html>'

    pages_read = [_qr_codes(page) for page in _pages(render_pdf(html))]

    assert pages_read == [[code] for code in codes]


def test_render_pdf_stylesheet_is_parsed_once_and_applied():
    from ticketing import pdf as pdf_module

    html = '<html lang="en"><title>x</title><p class="edition-name">x</p></html>'

    first = render_pdf(html, stylesheet="ticketing/pdf/tickets.css")
    parsed = pdf_module._setup()["stylesheets"]["ticketing/pdf/tickets.css"]
    second = render_pdf(html, stylesheet="ticketing/pdf/tickets.css")

    assert pdf_module._setup()["stylesheets"]["ticketing/pdf/tickets.css"] is parsed
    for pdf in (first, second):
        left, bottom, _right, top = _pages(pdf)[0].get_textpage().get_charbox(0)
        # The page margin of tickets.css (18 mm; WeasyPrint's own is 75 px plus the body's 8 px) and
        # the edition name's 20 pt (an "x" that tall, where the default 12 pt makes one about 6.5 pt).
        assert abs(left - 18 / 25.4 * 72) < 2
        assert top - bottom > 9
