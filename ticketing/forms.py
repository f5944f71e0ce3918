"""Input of the shop, the order page and the organisers' refund step. Forms check the shape of
what was typed; the rules (capacity, vouchers, billing for invoices) live in the services."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.de import leitweg
from stdnum.eu import vat

from ticketing.enums import PaymentMethod, TicketCategory
from ticketing.exceptions import UnknownTicketType
from ticketing.models import TicketType
from ticketing.selectors_sales import Offer
from ticketing.services.orders import MAX_TICKETS_PER_ORDER

BILLING_FIELDS = [
    "billing_name",
    "billing_company",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "billing_country",
    "vat_id",
    "leitweg_id",
    "po_number",
]
# What a complete billing address needs (`Billing.is_complete`): the fields marked when it is missing.
BILLING_ADDRESS_FIELDS = ["billing_street", "billing_postcode", "billing_city", "billing_country"]


@dataclass(frozen=True)
class ErrorLink:
    """One entry of the error summary at the top of a page, linking to its field."""

    anchor: str
    label: str
    message: str


def error_links(form: forms.Form) -> list[ErrorLink]:
    links = [ErrorLink(anchor="", label="", message=str(message)) for message in form.non_field_errors()]
    for bound in form:
        if not bound.errors:
            continue
        anchor = bound.auto_id
        if bound.widget_type in ("radioselect", "checkboxselectmultiple"):
            anchor = f"{bound.auto_id}_0"
        # A checkbox's label is a whole sentence: its message alone says what is wrong.
        label = "" if bound.widget_type == "checkbox" else str(bound.label)
        for message in bound.errors:
            links.append(ErrorLink(anchor=anchor, label=label, message=str(message)))
    return links


class VoucherForm(forms.Form):
    voucher = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        required=False,
        strip=True,
        help_text=_("Unlocks special tickets or a discount."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class QuantitiesForm(forms.Form):
    """How many tickets of each type. As a visible step (`editable`) the choices follow what is
    on sale and left; carried as hidden fields into the next step, any count is taken and the
    order decides."""

    def __init__(self, *args: Any, offers: Iterable[Offer], editable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offers = list(offers)
        self.editable = editable
        for offer in self.offers:
            ticket_type = offer.ticket_type
            name = self.field_name(ticket_type)
            if not editable:
                self.fields[name] = forms.IntegerField(
                    min_value=0, max_value=MAX_TICKETS_PER_ORDER, required=False, widget=forms.HiddenInput
                )
            elif offer.can_buy:
                choices = [(0, "0")] + [
                    (n, str(n)) for n in range(ticket_type.min_per_order, offer.max_quantity + 1) if n > 0
                ]
                self.fields[name] = forms.TypedChoiceField(
                    label=format_lazy(_("Quantity: {name}"), name=ticket_type.name),
                    choices=choices,
                    coerce=int,
                    required=False,
                    empty_value=None,
                    initial=0,
                )

    @staticmethod
    def field_name(ticket_type: TicketType) -> str:
        return f"qty_{ticket_type.pk}"

    def rows(self) -> list[tuple[Offer, forms.BoundField | None]]:
        return [
            (
                offer,
                self[self.field_name(offer.ticket_type)] if self.field_name(offer.ticket_type) in self.fields else None,
            )
            for offer in self.offers
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        total = sum(value or 0 for value in cleaned.values())
        unknown = [
            key
            for key, value in self.data.items()
            if key.startswith("qty_") and key not in self.fields and str(value).strip() not in ("", "0")
        ]
        if unknown:
            # A ticket type this shop does not offer (e.g. a hidden one without its voucher).
            raise forms.ValidationError(UnknownTicketType().message, code=UnknownTicketType.code)
        if not self.errors:
            if total == 0:
                raise forms.ValidationError(_("Please choose at least one ticket."), code="nothing_chosen")
            if total > MAX_TICKETS_PER_ORDER:
                raise forms.ValidationError(
                    _("At most %(count)d tickets fit in one order.") % {"count": MAX_TICKETS_PER_ORDER},
                    code="too_many",
                )
        return cleaned

    def quantities(self) -> dict[int, int]:
        """Chosen count per ticket type id (only those above zero)."""
        result = {}
        for offer in self.offers:
            value = self.cleaned_data.get(self.field_name(offer.ticket_type)) or 0
            if value > 0:
                result[offer.ticket_type.pk] = int(value)
        return result


class DetailsForm(forms.Form):
    """The buyer, one row per ticket, billing, payment method and consent."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={"required": _("Please enter your e-mail address.")},
        help_text=_("We send the order confirmation and the tickets to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    billing_name = forms.CharField(
        label=_("Name"), max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    billing_company = forms.CharField(
        label=_("Company or authority"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    billing_street = forms.CharField(
        label=_("Street and number"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    billing_postcode = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    billing_city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    billing_country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        required=False,
        initial="DE",
        help_text=_("Two-letter country code, e.g. DE, AT or FR."),
        validators=[RegexValidator(r"^[A-Za-z]{2}$", _("Enter a two-letter country code, e.g. DE."))],
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 3}),
    )
    vat_id = forms.CharField(
        label=_("VAT ID (optional)"),
        max_length=20,
        required=False,
        help_text=_("For businesses in the EU, e.g. DE123456789."),
    )
    leitweg_id = forms.CharField(
        label=_("Leitweg-ID (optional)"),
        max_length=50,
        required=False,
        help_text=_("For an XRechnung to a German public authority, e.g. 04011000-1234512345-06."),
    )
    po_number = forms.CharField(label=_("Purchase-order number (optional)"), max_length=100, required=False)
    payment_method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)
    accept_terms = forms.BooleanField(
        label=_("I accept the terms and conditions and have read the privacy notice."),
        error_messages={"required": _("Please accept the terms and conditions to place the order.")},
    )

    def __init__(
        self,
        *args: Any,
        ticket_types: list[TicketType],
        card_available: bool,
        is_free: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ticket_types = ticket_types
        self.is_free = is_free
        for index, ticket_type in enumerate(ticket_types, start=1):
            self.fields[f"attendee_{index}_name"] = forms.CharField(
                label=format_lazy(_("Name on ticket {number}"), number=index),
                max_length=200,
                error_messages={"required": _("Please enter the name of the person attending.")},
            )
            official_hint = (
                _("A public-sector ticket for an official e-mail address of an authority is confirmed at once.")
                if ticket_type.category == TicketCategory.PUBLIC_SECTOR
                else ""
            )
            self.fields[f"attendee_{index}_email"] = forms.EmailField(
                label=format_lazy(_("E-mail address for ticket {number} (optional)"), number=index),
                max_length=254,
                required=False,
                help_text=official_hint,
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
            )
        # The order of the page, which the error summary follows.
        self.order_fields(
            ["token", "email"]
            + [f"attendee_{index}_{part}" for index in range(1, len(ticket_types) + 1) for part in ("name", "email")]
        )
        if is_free:
            for name in [*BILLING_FIELDS, "payment_method"]:
                del self.fields[name]
        else:
            choices = [(PaymentMethod.INVOICE.value, _("Invoice (bank transfer)"))]
            if card_available:
                choices.insert(0, (PaymentMethod.STRIPE.value, _("Card (via Stripe)")))
            field = self.fields["payment_method"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
            field.initial = choices[0][0]

    def attendee_rows(self) -> list[tuple[int, TicketType, forms.BoundField, forms.BoundField]]:
        return [
            (index, ticket_type, self[f"attendee_{index}_name"], self[f"attendee_{index}_email"])
            for index, ticket_type in enumerate(self.ticket_types, start=1)
        ]

    def billing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in BILLING_FIELDS if name in self.fields]

    def clean_billing_country(self) -> str:
        return str(self.cleaned_data.get("billing_country", "")).upper()

    def clean_vat_id(self) -> str:
        value = str(self.cleaned_data.get("vat_id", "")).strip()
        if value and not vat.is_valid(value):
            raise forms.ValidationError(_("This is not a valid EU VAT ID."), code="invalid_vat_id")
        return str(vat.compact(value)) if value else ""

    def clean_leitweg_id(self) -> str:
        value = str(self.cleaned_data.get("leitweg_id", "")).strip()
        if value and not leitweg.is_valid(value):
            raise forms.ValidationError(_("This is not a valid Leitweg-ID."), code="invalid_leitweg_id")
        return value

    def attendees(self) -> list[tuple[int, str, str]]:
        """(ticket type id, name, e-mail) per ticket, in the order of the rows."""
        return [
            (
                ticket_type.pk,
                self.cleaned_data[f"attendee_{index}_name"],
                self.cleaned_data.get(f"attendee_{index}_email") or "",
            )
            for index, ticket_type in enumerate(self.ticket_types, start=1)
        ]

    def mark_billing_missing(self) -> None:
        """The order needs a billing address: point at each part that is missing."""
        message = _("Needed for payment by invoice.")
        data = self.cleaned_data
        if not (data.get("billing_name") or data.get("billing_company")) and "billing_name" not in self.errors:
            self.add_error("billing_name", _("Needed for payment by invoice: a name or a company or authority."))
        for name in BILLING_ADDRESS_FIELDS:
            if name in self.fields and not data.get(name) and name not in self.errors:
                self.add_error(name, message)


class RenameForm(forms.Form):
    attendee_name = forms.CharField(
        label=_("Name on the ticket"),
        max_length=200,
        error_messages={"required": _("Please enter the name of the person attending.")},
    )


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (gross)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
