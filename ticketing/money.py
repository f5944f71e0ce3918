"""Money in one place: Decimal amounts, rounded half up to cents, VAT taken out of gross prices."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def net_from_gross(gross: Decimal, vat_rate: Decimal) -> Decimal:
    """The net part of a gross amount at `vat_rate` percent (19.00 for 19 %)."""
    return quantize(gross * Decimal(100) / (Decimal(100) + vat_rate))


def vat_from_gross(gross: Decimal, vat_rate: Decimal) -> Decimal:
    return quantize(gross) - net_from_gross(gross, vat_rate)


def percentage_of(amount: Decimal, percent: Decimal) -> Decimal:
    return quantize(amount * percent / Decimal(100))
