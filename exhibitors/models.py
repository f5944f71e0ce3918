"""The expo floor: exhibitors, booths in the venue's halls, booth bookings, lead scans.

A booth is booked by exactly one confirmed `BoothBooking` at most (a partial unique constraint;
`services.booking_confirm` also locks the booth row). Leads hold an attendee's contact fields
only when the attendee opted in (`LeadConsent`) and the exhibitor's staff confirmed it at the scan.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.i18n import Translated, translated_char_fields, translated_text_fields
from config.uploads import validate_web_image
from exhibitors.enums import BookingStatus, BoothStatus, BoothType
from programme.models import Event, Hall
from ticketing.enums import DeviceKind
from ticketing.models import Device, Invoice, Order, Ticket, money_field

LOGO_MAX_BYTES = 2 * 1024 * 1024
MIN_STAND_AREA = Decimal("9")  # m², except pods sold as a package (DOMAIN.md)

# Net price per m² by type (DOMAIN.md demo prices), used unless an edition has its own `BoothRate`.
DEFAULT_PRICE_PER_SQM = {
    BoothType.ROW: Decimal("260.00"),
    BoothType.CORNER: Decimal("280.00"),
    BoothType.PENINSULA: Decimal("295.00"),
    BoothType.ISLAND: Decimal("310.00"),
}


RESERVED_EXHIBITOR_SLUGS = {"apply", "leads", "portal"}  # pages beside /<event>/exhibitors/<slug>/


def not_reserved_exhibitor_slug(value: str) -> None:
    if value.lower() in RESERVED_EXHIBITOR_SLUGS:
        raise ValidationError(_("“%(slug)s” is used by the site itself."), params={"slug": value})


def validate_logo(file: Any) -> None:
    """A logo must be a real PNG, JPEG or WebP image (checked by content, not name) of at most 2 MB."""
    validate_web_image(file, max_bytes=LOGO_MAX_BYTES)


class ExhibitorCategory(models.Model):
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name_de, name_en = translated_char_fields(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    name = Translated("name")

    class Meta:
        verbose_name = _("exhibitor category")
        verbose_name_plural = _("exhibitor categories")
        ordering = ["position", "name_de"]

    def __str__(self) -> str:
        return self.name_de


class ExhibitorQuerySet(models.QuerySet["Exhibitor"]):
    def public(self) -> "ExhibitorQuerySet":
        return self.filter(is_public=True)


class Exhibitor(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exhibitors", verbose_name=_("edition"))
    name = models.CharField(_("company"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, validators=[not_reserved_exhibitor_slug])
    description_de, description_en = translated_text_fields(_("description"))
    categories = models.ManyToManyField(
        ExhibitorCategory, related_name="exhibitors", blank=True, verbose_name=_("categories")
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="exhibitors/logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"]), validate_logo],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DE", help_text=_("ISO code, e.g. DE."))
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Listed in the exhibitor directory (set when a booking is confirmed).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    description = Translated("description")

    objects = ExhibitorQuerySet.as_manager()

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        ordering = ["event", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="exhibitor_unique_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exhibitors:detail", kwargs={"event": self.event.slug, "slug": self.slug})

    @property
    def address(self) -> str:
        return ", ".join(part for part in [self.street, f"{self.postcode} {self.city}".strip(), self.country] if part)


class ExhibitorContact(models.Model):
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("exhibitor")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_public = models.BooleanField(_("shown on the exhibitor page"), default=False)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["exhibitor", "pk"]

    def __str__(self) -> str:
        return self.name


class BoothRate(models.Model):
    """An edition's net price per m² for one booth type (default: `DEFAULT_PRICE_PER_SQM`)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="booth_rates", verbose_name=_("edition"))
    booth_type = models.CharField(_("booth type"), max_length=20, choices=BoothType.choices)
    price_per_sqm_amount = money_field(_("net price per m²"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        verbose_name = _("booth rate")
        verbose_name_plural = _("booth rates")
        ordering = ["event", "booth_type"]
        constraints = [models.UniqueConstraint(fields=["event", "booth_type"], name="booth_rate_unique_type")]

    def __str__(self) -> str:
        return f"{self.get_booth_type_display()}: {self.price_per_sqm_amount} {self.currency}/m²"


def _metres(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2, **kwargs)


class Booth(models.Model):
    """A stand in one of the venue's halls; x/y (top-left corner) and size in metres on the hall plan."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="booths", verbose_name=_("edition"))
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="booths", verbose_name=_("hall"))
    number = models.CharField(_("number"), max_length=20)
    booth_type = models.CharField(_("type"), max_length=20, choices=BoothType.choices, default=BoothType.ROW)
    width = _metres(_("width (m)"), validators=[MinValueValidator(Decimal("0.5"))])
    depth = _metres(_("depth (m)"), validators=[MinValueValidator(Decimal("0.5"))])
    x = _metres(_("x on the hall plan (m)"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    y = _metres(_("y on the hall plan (m)"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    package_price_amount = models.DecimalField(
        _("package price (net)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A fixed net price for the booth; empty: the price per m² of its type."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=20, choices=BoothStatus.choices, default=BoothStatus.AVAILABLE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["event", "hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="booth_unique_number"),
            models.CheckConstraint(condition=Q(width__gt=0, depth__gt=0), name="booth_positive_size"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.hall})"

    @property
    def area(self) -> Decimal:
        """Square metres."""
        return (self.width or Decimal("0")) * (self.depth or Decimal("0"))

    def clean(self) -> None:
        if self.width and self.depth and self.area < MIN_STAND_AREA and self.package_price_amount is None:
            raise ValidationError(
                {"width": _("A stand has at least 9 m²; smaller pods need a package price.")}, code="booth_too_small"
            )
        if self.hall_id and self.event_id and self.hall.venue_id != self.event.venue_id:
            raise ValidationError({"hall": _("The hall is not in this edition's venue.")}, code="hall_wrong_venue")


class BoothBookingQuerySet(models.QuerySet["BoothBooking"]):
    def confirmed(self) -> "BoothBookingQuerySet":
        return self.filter(status=BookingStatus.CONFIRMED)


class BoothBooking(models.Model):
    """An exhibitor's application for a booth; organisers confirm it onto a booth, or cancel it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="booth_bookings", verbose_name=_("edition"))
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("exhibitor")
    )
    wished_booth_type = models.CharField(
        _("wished type"), max_length=20, choices=BoothType.choices, default=BoothType.ROW
    )
    wished_width = _metres(_("wished width (m)"), validators=[MinValueValidator(Decimal("1"))])
    wished_depth = _metres(_("wished depth (m)"), validators=[MinValueValidator(Decimal("1"))])
    co_exhibitors = models.TextField(_("co-exhibitors"), blank=True, help_text=_("One company per line."))
    message = models.TextField(_("message"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    language = models.CharField(
        _("language"), max_length=8, default="de", help_text=_("Of the mails and the invoice to the exhibitor.")
    )
    leitweg_id = models.CharField(
        _("Leitweg-ID"), max_length=50, blank=True, help_text=_("Public buyers: their invoice is sent as an XRechnung.")
    )
    po_number = models.CharField(_("purchase-order number"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.APPLIED)
    booth = models.ForeignKey(
        Booth, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings", verbose_name=_("booth")
    )
    price_amount = models.DecimalField(
        _("net price"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    passes_included = models.PositiveSmallIntegerField(_("exhibitor passes included"), null=True, editable=False)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, editable=False)

    objects = BoothBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth booking")
        verbose_name_plural = _("booth bookings")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            # The guarantee: a booth has at most one confirmed booking (services also lock the booth).
            models.UniqueConstraint(
                fields=["booth"], condition=Q(status=BookingStatus.CONFIRMED), name="booking_one_confirmed_per_booth"
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.CONFIRMED) | Q(booth__isnull=False),
                name="booking_confirmed_has_booth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exhibitor} · {self.get_status_display()}"

    @property
    def wished_area(self) -> Decimal:
        return (self.wished_width or Decimal("0")) * (self.wished_depth or Decimal("0"))


class BoothInvoice(models.Model):
    """Links an invoice (or its cancellation) of the ticketing app's numbering to a booth booking."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, primary_key=True, related_name="booth_link", verbose_name=_("invoice")
    )
    booking = models.ForeignKey(
        BoothBooking, on_delete=models.PROTECT, related_name="invoice_links", verbose_name=_("booking")
    )

    class Meta:
        verbose_name = _("booth invoice")
        verbose_name_plural = _("booth invoices")
        ordering = ["booking", "invoice"]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.booking}"


class ExtraPassOrder(models.Model):
    """An order of extra staff passes an exhibitor bought from its portal (at the pass type's price)."""

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, primary_key=True, related_name="exhibitor_link", verbose_name=_("order")
    )
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.PROTECT, related_name="extra_pass_orders", verbose_name=_("exhibitor")
    )

    class Meta:
        verbose_name = _("extra pass order")
        verbose_name_plural = _("extra pass orders")
        ordering = ["exhibitor", "order"]

    def __str__(self) -> str:
        return f"{self.order} · {self.exhibitor}"


class ExhibitorStaff(models.Model):
    """A user who works for an exhibitor: scans leads with a login, sees its leads."""

    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="staff", verbose_name=_("exhibitor")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exhibitor_staff", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("exhibitor staff member")
        verbose_name_plural = _("exhibitor staff")
        ordering = ["exhibitor", "pk"]
        constraints = [models.UniqueConstraint(fields=["exhibitor", "user"], name="exhibitor_staff_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.exhibitor}"


class ExhibitorDevice(models.Model):
    """Links a lead scanner (`ticketing.Device` of kind leads) to its exhibitor."""

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, primary_key=True, related_name="exhibitor_link", verbose_name=_("device")
    )
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="devices", verbose_name=_("exhibitor")
    )

    class Meta:
        verbose_name = _("exhibitor device")
        verbose_name_plural = _("exhibitor devices")
        ordering = ["exhibitor", "device"]

    def __str__(self) -> str:
        return f"{self.device} · {self.exhibitor}"

    def clean(self) -> None:
        if self.device_id and self.device.kind != DeviceKind.LEADS:
            raise ValidationError({"device": _("Only a lead scanner can belong to an exhibitor.")})


class LeadConsent(models.Model):
    """The attendee's opt-in (per ticket) that exhibitors who scan the badge may get the contact fields."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="lead_consent", verbose_name=_("ticket")
    )
    granted_at = models.DateTimeField(_("granted at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead consent")
        verbose_name_plural = _("lead consents")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {'withdrawn' if self.withdrawn_at else 'granted'}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class LeadQuerySet(models.QuerySet["Lead"]):
    def of_exhibitor(self, exhibitor: Exhibitor) -> "LeadQuerySet":
        return self.filter(exhibitor=exhibitor)


class Lead(models.Model):
    """A visitor whose badge an exhibitor scanned: contact fields only with consent (else only the scan)."""

    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="leads", verbose_name=_("exhibitor")
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="leads", verbose_name=_("ticket"))
    has_consent = models.BooleanField(_("consent to share contact data"), default=False)
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_company = models.CharField(_("company / authority"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned by"),
    )
    scanned_by_device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("scanner device")
    )
    scan_count = models.PositiveIntegerField(_("scans"), default=1)
    first_scanned_at = models.DateTimeField(_("first scanned at"))
    last_scanned_at = models.DateTimeField(_("last scanned at"))

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-last_scanned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "ticket"], name="lead_unique_ticket"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="lead_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(has_consent=True) | Q(contact_name="", contact_email="", contact_company=""),
                name="lead_contact_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exhibitor} · {self.contact_name or self.ticket_id}"
