"""VAT on a booth (DOMAIN.md): 19 % German VAT, or net with a reverse charge for a business in
another EU member state that gives a well-formed VAT ID of that state.

A booth is a service to a business whose place of supply is where the customer is established
(§3a Abs. 2 UStG; CJEU C-530/09 *Inter-Mark*): for a customer in another member state the
customer owes the VAT (Art. 196 VAT Directive, §13b UStG) and the invoice is net with a note
and both VAT IDs. Everything else is invoiced with 19 %: German customers, EU customers without a
well-formed VAT ID of their own country, and, conservatively, customers outside the EU (whose
business status the shop cannot check; an organiser corrects such an invoice by cancelling it).

"Well-formed" is `python-stdnum`'s check of the format and check digits. Whether the number is
registered is a question for the EU's VIES service, which the shop does not call (no network in
the request path); organisers confirm it there before they confirm the booking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from ticketing.services.invoices import VAT_REVERSE_CHARGE, VAT_STANDARD

GERMAN_RATE = Decimal("19")
HOME_COUNTRY = "DE"
# Member states by ISO 3166 code. Northern Ireland's "XI" numbers cover goods only, so a service
# to Northern Ireland is one to the United Kingdom: no reverse charge from here.
EU_COUNTRIES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) - {"XI"}
# The VAT ID prefixes where they differ from the ISO code: Greece's numbers begin with EL.
VAT_PREFIXES = {"GR": ("EL", "GR")}


@dataclass(frozen=True)
class BoothVat:
    """How a booth is taxed for one customer."""

    category: str  # EN 16931 VAT category code: S (standard) or AE (reverse charge)
    rate: Decimal
    vat_id: str  # the customer's VAT ID, normalised ("" when it has none or it does not count)

    @property
    def is_reverse_charge(self) -> bool:
        return self.category == VAT_REVERSE_CHARGE


def vat_id_clean(value: str) -> str:
    """A VAT ID without spaces, dots and dashes, upper case ("de 136 695 976" → "DE136695976")."""
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def vat_id_validate(value: str, *, country: str = "") -> str:
    """The normalised VAT ID, or a `ValidationError` (for forms) if it is not a well-formed EU VAT
    ID or, with `country`, not one of that country."""
    compact = vat_id_clean(value)
    if not compact:
        return ""
    try:
        eu_vat.validate(compact)
    except StdnumError as exc:
        raise ValidationError(
            _("This is not a valid EU VAT ID (e.g. DE136695976, ATU13585627)."), code="vat_id_invalid"
        ) from exc
    country = (country or "").upper()
    if country in EU_COUNTRIES and not compact.startswith(VAT_PREFIXES.get(country, (country,))):
        raise ValidationError(
            _("This VAT ID belongs to another country than the address (%(country)s)."),
            code="vat_id_country",
            params={"country": country},
        )
    return compact


def booth_vat(*, country: str, vat_id: str) -> BoothVat:
    """The VAT treatment of a booth for a customer in `country` with `vat_id`."""
    country = (country or HOME_COUNTRY).upper()
    try:
        compact = vat_id_validate(vat_id, country=country)
    except ValidationError:
        compact = ""
    if country != HOME_COUNTRY and country in EU_COUNTRIES and compact:
        return BoothVat(category=VAT_REVERSE_CHARGE, rate=Decimal("0"), vat_id=compact)
    return BoothVat(category=VAT_STANDARD, rate=GERMAN_RATE, vat_id=compact)
