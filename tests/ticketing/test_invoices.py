import datetime as dt
import threading
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import time_machine
from django.db import connections, transaction
from lxml import etree

from programme.models import BERLIN
from tests.factories.programme import EventFactory
from tests.factories.ticketing import OrderFactory, TicketFactory, TicketTypeFactory, VoucherFactory
from tests.ticketing.conftest import BILLING
from ticketing.enums import InvoiceKind, OrderStatus, PaymentMethod, PaymentProvider, RefundStatus
from ticketing.exceptions import InvalidOrderState
from ticketing.models import Invoice, Order, Payment, Refund, TicketType
from ticketing.services import hooks
from ticketing.services import invoices as invoice_services
from ticketing.services.invoices import (
    invoice_cancel_all,
    invoice_credit,
    invoice_issue,
    invoice_issue_if_missing,
    invoice_lines,
    invoice_pdf,
    invoice_render,
    invoice_xrechnung,
    vat_breakdown,
)
from ticketing.services.orders import TicketRequest, order_cancel, order_mark_paid, order_place
from ticketing.xrechnung import GUIDELINE_ID

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
EN16931_XSD = Path(__import__("drafthorse").__file__).parent / "schema" / "Factur-X_1.0.07_EN16931.xsd"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.SELLER = {**settings.SELLER, "phone": "+49 30 27576-0", "contact": "Ticket-Service"}


def make_order(*lines: tuple[TicketType, int], **kwargs) -> Order:  # type: ignore[no-untyped-def]
    """A paid invoice-payment order with `count` tickets of each type (billing address set)."""
    event = lines[0][0].event
    total = sum((ticket_type.price_amount * count for ticket_type, count in lines), Decimal("0.00"))
    order = OrderFactory(event=event, total_amount=total, **kwargs)
    for ticket_type, count in lines:
        for _ in range(count):
            TicketFactory(order=order, ticket_type=ticket_type, vat_rate=ticket_type.vat_rate)
    return order


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


# --- numbering ------------------------------------------------------------------------------


def test_invoice_numbers_are_sequential_per_year_and_restart_at_one():
    ticket_type = TicketTypeFactory()
    with time_machine.travel(berlin(2026, 12, 31, 23, 30), tick=False):
        first = invoice_issue(order=make_order((ticket_type, 1)))
        second = invoice_issue(order=make_order((ticket_type, 1)))
    # 00:30 in Berlin is still 31 December in UTC: the Berlin date decides the year.
    with time_machine.travel(berlin(2027, 1, 1, 0, 30), tick=False):
        third = invoice_issue(order=make_order((ticket_type, 1)))
        fourth = invoice_issue(order=make_order((ticket_type, 1)))

    assert [first.number, second.number] == ["2026-000001", "2026-000002"]
    assert (second.year, second.sequence, second.issued_on) == (2026, 2, dt.date(2026, 12, 31))
    assert [third.number, fourth.number] == ["2027-000001", "2027-000002"]
    assert third.issued_on == dt.date(2027, 1, 1)


def test_invoice_number_of_a_rolled_back_transaction_is_reused():
    ticket_type = TicketTypeFactory()
    first = invoice_issue(order=make_order((ticket_type, 1)))
    order = make_order((ticket_type, 1))

    with pytest.raises(RuntimeError), transaction.atomic():
        invoice_issue(order=order)
        raise RuntimeError("payment failed after the invoice was numbered")
    again = invoice_issue(order=order)

    assert again.sequence == first.sequence + 1
    assert Invoice.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_invoices_get_gap_free_unique_numbers(monkeypatch):
    monkeypatch.setattr(invoice_services, "_enqueue_render", lambda invoice_id: None)
    ticket_type = TicketTypeFactory()
    orders = [make_order((ticket_type, 1)) for _ in range(20)]
    barrier = threading.Barrier(len(orders))
    errors: list[Exception] = []

    def issue(order_id: int) -> None:
        try:
            barrier.wait()
            invoice_issue(order=Order.objects.get(pk=order_id))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(order.pk,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    assert Invoice.objects.values("order").distinct().count() == 20


# --- content and VAT ------------------------------------------------------------------------


def test_invoice_takes_vat_out_of_the_gross_price():
    order = make_order((TicketTypeFactory(price_amount=Decimal("534.31")), 1))

    invoice = invoice_issue(order=order)

    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (
        Decimal("449.00"),
        Decimal("85.31"),
        Decimal("534.31"),
    )
    (line,) = invoice.lines
    assert line["net"] == "449.00" and line["vat"] == "85.31" and line["gross"] == "534.31"
    assert line["vat_rate"] == "19.00" and line["quantity"] == 1
    assert invoice.kind == InvoiceKind.INVOICE
    assert invoice.seller["vat_id"] and invoice.seller["iban"]


def test_invoice_lines_round_per_line_and_add_up():
    event = EventFactory()
    day = TicketTypeFactory(event=event, price_amount=Decimal("99.00"))
    three_day = TicketTypeFactory(event=event, price_amount=Decimal("199.00"))
    full = TicketTypeFactory(event=event, price_amount=Decimal("534.31"))
    order = make_order((day, 2), (three_day, 3), (full, 1))

    invoice = invoice_issue(order=order)

    lines = invoice_lines(invoice)
    assert [(line.quantity, line.gross) for line in lines] == [
        (2, Decimal("198.00")),
        (3, Decimal("597.00")),
        (1, Decimal("534.31")),
    ]
    assert [line.net for line in lines] == [Decimal("166.39"), Decimal("501.68"), Decimal("449.00")]
    for line in lines:
        assert line.net + line.vat == line.gross
    assert invoice.net_amount == sum(line.net for line in lines) == Decimal("1117.07")
    assert invoice.vat_amount == sum(line.vat for line in lines) == Decimal("212.24")
    assert invoice.gross_amount == order.total_amount == Decimal("1329.31")
    (total,) = vat_breakdown(lines)
    assert (total.vat_rate, total.net, total.vat, total.gross) == (
        Decimal("19.00"),
        invoice.net_amount,
        invoice.vat_amount,
        invoice.gross_amount,
    )
    assert lines[0].description == f"{day.name_de} – {event.name_de}"
    assert (lines[0].service_from, lines[0].service_to) == (event.start_on, event.end_on)


def test_invoice_for_a_card_buyer_without_billing_names_the_first_attendee():
    ticket_type = TicketTypeFactory()
    order = make_order(
        (ticket_type, 2),
        payment_method=PaymentMethod.STRIPE,
        billing_name="",
        billing_street="",
        billing_postcode="",
        billing_city="",
        billing_country="",
    )
    first = order.tickets.order_by("pk").first()

    invoice = invoice_issue(order=order)

    assert invoice.buyer["name"] == first.attendee_name
    assert invoice.buyer["email"] == order.email
    assert invoice.buyer["payment"]["method"] == PaymentMethod.STRIPE


def test_free_order_gets_no_invoice():
    order = make_order((TicketTypeFactory(price_amount=Decimal("0.00")), 1), payment_method=PaymentMethod.FREE)

    assert invoice_issue_if_missing(order=order) is None
    with pytest.raises(InvalidOrderState):
        invoice_issue(order=order)
    assert not Invoice.objects.exists()


def test_invoice_issue_if_missing_issues_once():
    order = make_order((TicketTypeFactory(), 1))

    first = invoice_issue_if_missing(order=order)
    second = invoice_issue_if_missing(order=order)

    assert first is not None and second is None
    assert order.invoices.count() == 1


def test_invoice_payment_order_is_invoiced_when_placed_and_not_again_when_paid(future_event, ticket_type):
    billing = BILLING.__class__(**{**BILLING.__dict__, "leitweg_id": "991-12345-67", "po_number": "PO-2026-17"})
    order = order_place(
        event=future_event,
        email="einkauf@musterstadt.de",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Erika Mustermann")],
        payment_method=PaymentMethod.INVOICE,
        billing=billing,
    ).order

    (invoice,) = order.invoices.all()
    order_mark_paid(order=order, provider=PaymentProvider.BANK_TRANSFER, reference="transfer-1")

    assert order.invoices.count() == 1
    assert invoice.buyer["company"] == BILLING.company
    assert invoice.buyer["leitweg_id"] == "991-12345-67"
    assert invoice.buyer["po_number"] == "PO-2026-17"
    assert invoice.buyer["payment"]["due_on"] == order.payment_due_on.isoformat()
    assert invoice.gross_amount == Decimal("534.31")


def test_voucher_discount_is_named_on_the_line(future_event, ticket_type):
    voucher = VoucherFactory(event=future_event, value=Decimal("20.00"))
    order = order_place(
        event=future_event,
        email="einkauf@musterstadt.de",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Erika Mustermann")],
        payment_method=PaymentMethod.INVOICE,
        voucher_code=voucher.code,
        billing=BILLING,
    ).order

    (line,) = invoice_lines(order.invoices.get())

    assert line.unit_gross == line.gross == order.total_amount == Decimal("427.45")
    assert voucher.code in line.description and "534,31" in line.description


def test_free_ticket_in_a_paid_order_is_listed_at_zero():
    event = EventFactory()
    paid = TicketTypeFactory(event=event, price_amount=Decimal("534.31"))
    free = TicketTypeFactory(event=event, price_amount=Decimal("0.00"))
    order = make_order((paid, 1), (free, 1))

    invoice = invoice_issue(order=order)

    assert [line.gross for line in invoice_lines(invoice)] == [Decimal("534.31"), Decimal("0.00")]
    assert invoice.gross_amount == Decimal("534.31")


# --- the PDF --------------------------------------------------------------------------------


def test_invoice_pdf_carries_the_section_14_fields(settings):
    event = EventFactory(start_on=dt.date(2026, 10, 20))
    order = make_order(
        (TicketTypeFactory(event=event, price_amount=Decimal("534.31")), 1),
        status=OrderStatus.PENDING,
        billing_company="Landeshauptstadt Musterstadt",
        vat_id="DE123456789",
        leitweg_id="991-12345-67",
        po_number="PO-2026-17",
        payment_due_on=dt.date(2026, 6, 14),
    )
    with time_machine.travel(berlin(2026, 5, 31, 10, 0), tick=False):
        invoice = invoice_issue(order=order)

    text = pdf_text(invoice_pdf(invoice=invoice))

    seller = settings.SELLER
    for expected in [
        seller["name"],
        seller["street"],
        f"{seller['postcode']} {seller['city']}",
        seller["vat_id"],
        seller["iban"],
        seller["bic"],
        "Landeshauptstadt Musterstadt",
        "Erika Mustermann",
        "Musterstraße 1",
        "10115 Berlin",
        "DE123456789",
        "991-12345-67",
        "PO-2026-17",
        "2026-000001",
        "31.05.2026",  # issue date
        "20.10.2026",  # date of supply: the edition's days
        "22.10.2026",
        "14.06.2026",  # payment due
        "449,00",
        "85,31",
        "534,31",
        "19 %",
        order.code,
    ]:
        assert expected in text, expected
    assert invoice_pdf(invoice=invoice).startswith(b"%PDF")
    invoice.refresh_from_db()
    assert invoice.pdf.name.startswith(f"invoices/2026/{invoice.number}-")


def test_invoice_pdf_follows_the_order_language():
    order = make_order((TicketTypeFactory(price_amount=Decimal("534.31")), 1), language="en")
    with time_machine.travel(berlin(2026, 5, 31, 10, 0), tick=False):
        invoice = invoice_issue(order=order)

    text = pdf_text(invoice_pdf(invoice=invoice))

    assert "449.00" in text and "85.31" in text and "534.31" in text
    assert "31/05/2026" in text
    assert "Invoice" in text


def test_invoice_render_stores_the_pdf_once():
    invoice = invoice_issue(order=make_order((TicketTypeFactory(), 1)))

    invoice_render(invoice=invoice)
    name = Invoice.objects.get(pk=invoice.pk).pdf.name
    invoice_render(invoice=Invoice.objects.get(pk=invoice.pk))

    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.pdf.name == name
    assert not stored.xrechnung  # no Leitweg-ID, no XRechnung
    assert invoice_xrechnung(invoice=stored) is None


def test_invoice_is_rendered_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=make_order((TicketTypeFactory(), 1)))

    assert Invoice.objects.get(pk=invoice.pk).pdf


# --- cancellation and refunds ---------------------------------------------------------------


def test_cancel_all_issues_a_negative_cancellation_invoice_referencing_the_original():
    order = make_order((TicketTypeFactory(price_amount=Decimal("534.31")), 2))
    with time_machine.travel(berlin(2026, 5, 31, 10, 0), tick=False):
        original = invoice_issue(order=order)
    with time_machine.travel(berlin(2026, 6, 2, 10, 0), tick=False):
        (cancellation,) = invoice_cancel_all(order=order)

    assert cancellation.kind == InvoiceKind.CANCELLATION
    assert cancellation.cancels == original
    assert cancellation.number == "2026-000002" != original.number
    assert (cancellation.net_amount, cancellation.vat_amount, cancellation.gross_amount) == (
        -original.net_amount,
        -original.vat_amount,
        -original.gross_amount,
    )
    for line in invoice_lines(cancellation):
        assert line.quantity < 0 and line.net < 0 and line.vat < 0 and line.gross < 0
        assert line.corrects == {"id": original.pk, "number": original.number, "issued_on": "2026-05-31"}
    original.refresh_from_db()
    assert original.gross_amount == Decimal("1068.62")  # never edited
    text = pdf_text(invoice_pdf(invoice=cancellation))
    assert original.number in text and "31.05.2026" in text and "-1.068,62" in text
    assert invoice_cancel_all(order=order) == []  # nothing left to cancel


def test_order_cancel_cancels_the_invoice():
    order = make_order((TicketTypeFactory(), 1))
    original = invoice_issue(order=order)

    order_cancel(order=order)

    assert Invoice.objects.get(cancels=original).gross_amount == -original.gross_amount


def refund(order: Order, amount: str) -> Refund:
    return Refund.objects.create(order=order, amount=Decimal(amount), status=RefundStatus.SUCCEEDED)


def pay(order: Order) -> None:
    Payment.objects.create(order=order, provider=PaymentProvider.BANK_TRANSFER, amount=order.total_amount)


def test_partial_refund_credits_the_refunded_amount():
    order = make_order((TicketTypeFactory(price_amount=Decimal("534.31")), 1))
    pay(order)
    original = invoice_issue(order=order)

    credit = invoice_credit(order=order, refund=refund(order, "100.00"))

    assert credit is not None and credit.kind == InvoiceKind.CANCELLATION
    assert credit.cancels is None  # a correction, not a cancellation of the whole invoice
    assert (credit.net_amount, credit.vat_amount, credit.gross_amount) == (
        Decimal("-84.03"),
        Decimal("-15.97"),
        Decimal("-100.00"),
    )
    (line,) = invoice_lines(credit)
    assert line.corrects is not None and line.corrects["number"] == original.number
    assert original.number in line.description
    assert original.number in pdf_text(invoice_pdf(invoice=credit))

    # Cancelling the order later cancels only what is left.
    (cancellation,) = invoice_cancel_all(order=order)
    assert cancellation.cancels == original
    assert cancellation.gross_amount == Decimal("-434.31")
    assert sum(i.gross_amount for i in order.invoices.all()) == 0
    assert sum(i.net_amount for i in order.invoices.all()) == 0
    assert sum(i.vat_amount for i in order.invoices.all()) == 0


def test_same_refund_is_credited_once():
    order = make_order((TicketTypeFactory(), 1))
    invoice_issue(order=order)
    money_back = refund(order, "50.00")

    first = invoice_credit(order=order, refund=money_back)
    second = invoice_credit(order=order, refund=money_back)

    assert first == second
    assert order.invoices.filter(kind=InvoiceKind.CANCELLATION).count() == 1


def test_full_refund_then_order_cancel_issues_one_cancellation():
    order = make_order((TicketTypeFactory(), 1))
    pay(order)
    original = invoice_issue(order=order)

    with transaction.atomic():
        hooks.refund_succeeded(refund=refund(order, "534.31"))
    order_cancel(order=order)

    (cancellation,) = order.invoices.filter(kind=InvoiceKind.CANCELLATION)
    assert cancellation.cancels == original
    assert cancellation.gross_amount == Decimal("-534.31")


def test_order_cancel_then_full_refund_issues_one_cancellation():
    order = make_order((TicketTypeFactory(), 1))
    pay(order)
    original = invoice_issue(order=order)

    order_cancel(order=order)
    credit = invoice_credit(order=order, refund=refund(order, "534.31"))

    (cancellation,) = order.invoices.filter(kind=InvoiceKind.CANCELLATION)
    assert credit == cancellation
    assert cancellation.cancels == original


def test_refund_of_a_second_payment_credits_nothing():
    order = make_order((TicketTypeFactory(), 1))
    pay(order)
    pay(order)  # paid twice: the organiser sends one payment back
    invoice_issue(order=order)

    assert invoice_credit(order=order, refund=refund(order, "534.31")) is None
    assert not order.invoices.filter(kind=InvoiceKind.CANCELLATION).exists()


# --- XRechnung ------------------------------------------------------------------------------


def xrechnung_order(**kwargs) -> Order:  # type: ignore[no-untyped-def]
    event = EventFactory(start_on=dt.date(2026, 10, 20))
    return make_order(
        (TicketTypeFactory(event=event, price_amount=Decimal("534.31")), 2),
        status=OrderStatus.PENDING,
        billing_company="Landeshauptstadt Musterstadt",
        leitweg_id="991-12345-67",
        po_number="PO-2026-17",
        payment_due_on=dt.date(2026, 6, 14),
        **kwargs,
    )


def parse(xml: bytes) -> etree._Element:
    schema = etree.XMLSchema(file=str(EN16931_XSD))
    root = etree.fromstring(xml)
    schema.assertValid(root)
    return root


def one(root: etree._Element, path: str) -> str:
    (value,) = root.xpath(path, namespaces=NS)
    return str(value)


def test_xrechnung_only_for_a_buyer_with_a_leitweg_id():
    plain = invoice_issue(order=make_order((TicketTypeFactory(), 1)))
    public = invoice_issue(order=xrechnung_order())

    invoice_render(invoice=plain)
    invoice_render(invoice=public)

    assert not Invoice.objects.get(pk=plain.pk).xrechnung
    assert Invoice.objects.get(pk=public.pk).xrechnung.name.endswith(".xml")


def test_xrechnung_invoice_has_the_required_fields(settings):
    with time_machine.travel(berlin(2026, 5, 31, 10, 0), tick=False):
        invoice = invoice_issue(order=xrechnung_order())

    root = parse(invoice_xrechnung(invoice=invoice))

    seller = settings.SELLER
    settlement = "//ram:ApplicableHeaderTradeSettlement"
    totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert (
        one(root, "//rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()")
        == GUIDELINE_ID
    )
    assert one(root, "//rsm:ExchangedDocument/ram:ID/text()") == invoice.number
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode/text()") == "380"
    assert one(root, "//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString/text()") == "20260531"
    assert one(root, "//ram:BuyerReference/text()") == "991-12345-67"  # BR-DE-15
    assert one(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID/text()") == "PO-2026-17"
    seller_party = "//ram:SellerTradeParty"
    assert one(root, f"{seller_party}/ram:Name/text()") == seller["name"]
    assert one(root, f"{seller_party}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']/text()") == seller["vat_id"]
    assert one(root, f"{seller_party}/ram:PostalTradeAddress/ram:CityName/text()") == seller["city"]  # BR-DE-3
    assert one(root, f"{seller_party}/ram:PostalTradeAddress/ram:PostcodeCode/text()") == seller["postcode"]  # BR-DE-4
    assert one(root, f"{seller_party}/ram:DefinedTradeContact/ram:PersonName/text()")  # BR-DE-5
    assert one(
        root, f"{seller_party}/ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber/text()"
    )  # BR-DE-6
    assert one(
        root, f"{seller_party}/ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID/text()"
    )  # BR-DE-7
    assert one(root, f"{seller_party}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == "EM"  # BT-34
    assert one(root, "//ram:BuyerTradeParty/ram:Name/text()") == "Landeshauptstadt Musterstadt"
    assert one(root, "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID/@schemeID") == "EM"  # BT-49
    assert one(root, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName/text()") == "Berlin"  # BR-DE-8
    assert one(root, f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()") == "58"
    assert (
        one(
            root,
            f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()",
        )
        == seller["iban"]
    )  # BR-DE-23
    assert (
        one(root, f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString/text()")
        == "20260614"
    )
    assert (
        one(root, f"{settlement}/ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString/text()") == "20261020"
    )
    assert one(root, f"{settlement}/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString/text()") == "20261022"
    tax = f"{settlement}/ram:ApplicableTradeTax"
    assert one(root, f"{tax}/ram:CategoryCode/text()") == "S"
    assert Decimal(one(root, f"{tax}/ram:RateApplicablePercent/text()")) == Decimal("19")
    assert one(root, f"{tax}/ram:BasisAmount/text()") == "898.00"
    assert one(root, f"{tax}/ram:CalculatedAmount/text()") == "170.62"
    assert one(root, f"{totals}/ram:LineTotalAmount/text()") == "898.00"
    assert one(root, f"{totals}/ram:TaxBasisTotalAmount/text()") == "898.00"
    assert one(root, f"{totals}/ram:TaxTotalAmount/text()") == "170.62"
    assert one(root, f"{totals}/ram:TaxTotalAmount/@currencyID") == "EUR"
    assert one(root, f"{totals}/ram:GrandTotalAmount/text()") == "1068.62"
    assert one(root, f"{totals}/ram:DuePayableAmount/text()") == "1068.62"
    item = "//ram:IncludedSupplyChainTradeLineItem"
    assert one(root, f"{item}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/text()") == "2"
    assert (
        one(root, f"{item}/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount/text()")
        == "449.0000"
    )
    assert (
        one(root, f"{item}//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount/text()") == "898.00"
    )
    # BR-CO-15: grand total = tax basis + VAT
    assert Decimal(one(root, f"{totals}/ram:GrandTotalAmount/text()")) == Decimal(
        one(root, f"{totals}/ram:TaxBasisTotalAmount/text()")
    ) + Decimal(one(root, f"{totals}/ram:TaxTotalAmount/text()"))


def test_xrechnung_for_a_cancellation_is_a_credit_note_with_positive_amounts():
    order = xrechnung_order()
    with time_machine.travel(berlin(2026, 5, 31, 10, 0), tick=False):
        original = invoice_issue(order=order)
        (cancellation,) = invoice_cancel_all(order=order)

    root = parse(invoice_xrechnung(invoice=cancellation))

    totals = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert one(root, "//rsm:ExchangedDocument/ram:TypeCode/text()") == "381"
    assert one(root, "//ram:BuyerReference/text()") == "991-12345-67"
    assert one(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == original.number
    assert one(root, f"{totals}/ram:GrandTotalAmount/text()") == "1068.62"
    assert one(root, f"{totals}/ram:TaxTotalAmount/text()") == "170.62"
    assert one(root, "//ram:BilledQuantity/text()") == "2"


def test_xrechnung_for_a_partial_credit_keeps_prices_positive():
    order = xrechnung_order()
    original = invoice_issue(order=order)
    invoice_credit(order=order, refund=refund(order, "100.00"))
    (cancellation,) = invoice_cancel_all(order=order)

    root = parse(invoice_xrechnung(invoice=cancellation))

    prices = [Decimal(p) for p in root.xpath("//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()", namespaces=NS)]
    quantities = [Decimal(q) for q in root.xpath("//ram:BilledQuantity/text()", namespaces=NS)]
    assert all(price >= 0 for price in prices)
    assert quantities == [Decimal(2), Decimal(-1)]  # the earlier credit of 100.00 is taken off again
    assert one(root, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount/text()") == "968.62"
    assert one(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == original.number
