"""XRechnung 3.0 (EN 16931, UN/CEFACT CII syntax) for buyers with a Leitweg-ID.

Built with drafthorse from the invoice's snapshot and checked against the EN 16931 Factur-X
schema that drafthorse ships (the XRechnung schematron needs XSLT 2 and is not run here). A
cancellation invoice becomes a credit note (type 381) with positive amounts that references the
invoice it corrects; the sign of a line is carried by its quantity, prices are never negative.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem

from ticketing.enums import InvoiceKind
from ticketing.models import Invoice
from ticketing.money import ZERO

GUIDELINE_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
BUSINESS_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
TYPE_INVOICE = "380"
TYPE_CREDIT_NOTE = "381"
PAYMENT_SEPA_CREDIT_TRANSFER = "58"
PAYMENT_NOT_DEFINED = "1"
SCHEMA = "FACTUR-X_EN16931"
EXEMPTION_REASONS = {"AE": ("Reverse charge", "VATEX-EU-AE")}


def _amount(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _party(party: Any, data: dict[str, Any], *, name: str) -> None:
    party.name = name
    party.address.line_one = data.get("street", "")
    party.address.postcode = data.get("postcode", "")
    party.address.city_name = data.get("city", "")
    party.address.country_id = data.get("country") or "DE"
    if data.get("email"):
        party.electronic_address.uri_ID = ("EM", data["email"])


def xrechnung_build(*, invoice: Invoice) -> bytes:
    """The invoice as XRechnung CII XML (UTF-8), validated against the EN 16931 schema."""
    from ticketing.services.invoices import invoice_lines, vat_breakdown

    seller: dict[str, Any] = invoice.seller
    buyer: dict[str, Any] = invoice.buyer
    payment: dict[str, Any] = buyer.get("payment") or {}
    is_credit = invoice.kind == InvoiceKind.CANCELLATION
    sign = -1 if is_credit else 1
    currency = invoice.currency
    lines = invoice_lines(invoice)

    doc = Document()
    doc.context.business_parameter.id = BUSINESS_PROCESS
    doc.context.guideline_parameter.id = GUIDELINE_ID
    doc.header.id = invoice.number
    doc.header.type_code = TYPE_CREDIT_NOTE if is_credit else TYPE_INVOICE
    doc.header.issue_date_time = invoice.issued_on
    del doc.header.name  # BT-3 is the code; CII's free-text name is not part of EN 16931
    with translation.override(buyer.get("language") or "de"):
        terms_text = _payment_terms(invoice, payment, is_credit)
        if buyer.get("order_code"):
            note = IncludedNote()
            note.content = _("Order %(code)s") % {"code": buyer["order_code"]}
            doc.header.notes.add(note)
        if buyer.get("reference"):
            note = IncludedNote()
            note.content = _("Booking %(reference)s") % {"reference": buyer["reference"]}
            doc.header.notes.add(note)

    # Parties (BG-4 seller with contact BG-6 and VAT ID BT-31, BG-7 buyer)
    agreement = doc.trade.agreement
    agreement.buyer_reference = buyer["leitweg_id"]
    _party(agreement.seller, seller, name=seller["name"])
    agreement.seller.contact.person_name = seller.get("contact") or seller["name"]
    if seller.get("phone"):
        agreement.seller.contact.telephone.number = seller["phone"]
    agreement.seller.contact.email.address = seller.get("email", "")
    if seller.get("vat_id"):
        agreement.seller.tax_registrations.add(TaxRegistration(id=("VA", seller["vat_id"])))
    if seller.get("tax_number"):
        agreement.seller.tax_registrations.add(TaxRegistration(id=("FC", seller["tax_number"])))
    _party(agreement.buyer, buyer, name=buyer.get("company") or buyer.get("name") or buyer.get("email", ""))
    if buyer.get("company") and buyer.get("name"):
        agreement.buyer.contact.person_name = buyer["name"]
    if buyer.get("vat_id"):
        agreement.buyer.tax_registrations.add(TaxRegistration(id=("VA", buyer["vat_id"])))
    if buyer.get("po_number"):
        agreement.buyer_order.issuer_assigned_id = buyer["po_number"]
        del agreement.buyer_order.issue_date_time

    # Lines (BG-25): the sign sits in the quantity, the net price (BT-146) is never negative.
    for line in lines:
        item = LineItem()
        item.document.line_id = str(line.position)
        item.product.name = line.description
        quantity = Decimal(line.quantity * sign)
        net = _amount(line.net * sign)
        unit_price = abs(net) / abs(quantity) if quantity else ZERO
        if unit_price == unit_price.quantize(Decimal("0.0001")):
            item.agreement.net.amount = unit_price.quantize(Decimal("0.0001"))
        else:
            # Not exact per piece: the price of the whole quantity (BT-149 base quantity).
            item.agreement.net.amount = abs(net)
            item.agreement.net.basis_quantity = (abs(quantity), line.unit_code)
        item.delivery.billed_quantity = (quantity, line.unit_code)
        item.settlement.trade_tax.type_code = "VAT"
        item.settlement.trade_tax.category_code = line.vat_category
        item.settlement.trade_tax.rate_applicable_percent = line.vat_rate
        if line.service_from and line.service_to:
            item.settlement.period.start = line.service_from
            item.settlement.period.end = line.service_to
            del item.settlement.period.description
        item.settlement.monetary_summation.total_amount = net
        doc.trade.items.add(item)

    # Delivery (BT-72): the first day of the service
    froms = [line.service_from for line in lines if line.service_from]
    tos = [line.service_to for line in lines if line.service_to]
    if froms:
        doc.trade.delivery.event.occurrence = min(froms)

    # Settlement: currency, payment, VAT breakdown (BG-23), totals (BG-22)
    settlement = doc.trade.settlement
    settlement.currency_code = currency
    settlement.payment_reference = invoice.number
    means = PaymentMeans()
    if is_credit or not seller.get("iban"):
        means.type_code = PAYMENT_NOT_DEFINED
    else:
        means.type_code = PAYMENT_SEPA_CREDIT_TRANSFER
        means.payee_account.iban = seller["iban"].replace(" ", "")
        if seller.get("name"):
            means.payee_account.account_name = seller["name"]
        if seller.get("bic"):
            means.payee_institution.bic = seller["bic"]
    settlement.payment_means.add(means)
    breakdown = vat_breakdown(lines)
    for total in breakdown:
        tax = ApplicableTradeTax()
        tax.calculated_amount = _amount(total.vat * sign)
        tax.type_code = "VAT"
        tax.basis_amount = _amount(total.net * sign)
        tax.category_code = total.vat_category
        if total.vat_category in EXEMPTION_REASONS:
            tax.exemption_reason, tax.exemption_reason_code = EXEMPTION_REASONS[total.vat_category]
        tax.rate_applicable_percent = total.vat_rate
        settlement.trade_tax.add(tax)
    if froms and tos:
        settlement.period.start = min(froms)
        settlement.period.end = max(tos)
        del settlement.period.description
    terms = PaymentTerms()
    terms.description = terms_text
    due_on = payment.get("due_on")
    paid_on = payment.get("paid_on")
    if due_on and not is_credit and not paid_on:
        terms.due = dt.date.fromisoformat(due_on)
    settlement.terms.add(terms)

    net_total = _amount(invoice.net_amount * sign)
    vat_total = _amount(invoice.vat_amount * sign)
    gross_total = _amount(invoice.gross_amount * sign)
    prepaid = gross_total if paid_on and not is_credit else ZERO
    summation = settlement.monetary_summation
    summation.line_total = net_total
    summation.charge_total = _amount(ZERO)
    summation.allowance_total = _amount(ZERO)
    summation.tax_basis_total = net_total
    summation.tax_total = (vat_total, currency)
    summation.grand_total = gross_total
    summation.prepaid_total = _amount(prepaid)
    summation.due_amount = _amount(gross_total - prepaid)

    references = _corrected(invoice)
    if references:
        # BG-3: the preceding invoice (CII allows one per document in EN 16931)
        number, issued_on = references[0]
        settlement.invoice_referenced_document.issuer_assigned_id = number
        settlement.invoice_referenced_document.issue_date_time = issued_on
        del settlement.invoice_referenced_document.type_code

    xml: bytes = doc.serialize(schema=SCHEMA)
    return xml


def _corrected(invoice: Invoice) -> list[tuple[str, dt.date]]:
    seen: dict[str, dt.date] = {}
    for line in invoice.lines:
        ref = line.get("corrects")
        if ref and ref["number"] not in seen:
            seen[ref["number"]] = dt.date.fromisoformat(ref["issued_on"])
    return list(seen.items())


def _payment_terms(invoice: Invoice, payment: dict[str, Any], is_credit: bool) -> str:
    if is_credit:
        references = ", ".join(number for number, _date in _corrected(invoice))
        return _("Corrects invoice %(numbers)s. Money already paid is refunded.") % {"numbers": references}
    if payment.get("paid_on"):
        return _("Paid on %(date)s.") % {
            "date": date_format(dt.date.fromisoformat(payment["paid_on"]), "SHORT_DATE_FORMAT")
        }
    if payment.get("due_on"):
        return _("Payable without deduction by %(date)s, quoting the invoice number.") % {
            "date": date_format(dt.date.fromisoformat(payment["due_on"]), "SHORT_DATE_FORMAT")
        }
    return _("Payable without deduction on receipt, quoting the invoice number.")
