"""Demo data for the expo floor, loaded by `manage.py load_demo` (which lives in programme and
imports this on use, as it does ticketing's demo).

About 150 exhibitors in eight categories, booths in two halls (Halle B: the exhibition, rows with
corner booths at their ends and four islands; Halle A: the start-up area with 4 m² pods at a
package price), most exhibitors confirmed onto a booth, some applications still open, the demo
login `exhibitor` as staff of one exhibitor, and a few leads for it. Everything is found again by
natural keys (category slugs, booth numbers, exhibitor slugs), so running again changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.text import slugify

from exhibitors.enums import BoothStatus, BoothType
from exhibitors.models import Booth, BoothBooking, Exhibitor, ExhibitorCategory, ExhibitorStaff, Lead
from exhibitors.services.booking import booking_apply, booking_confirm, booking_passes_issue
from exhibitors.services.invoices import booking_invoice_issue
from exhibitors.services.leads import lead_consent_grant, lead_scan
from programme.models import Event, Hall
from ticketing.enums import OrderStatus
from ticketing.models import Ticket

CATEGORIES = [
    ("smart-city", "Smart City", "Smart City"),
    ("egovernment", "E-Government und Verwaltungsdigitalisierung", "E-government and digital administration"),
    ("mobility", "Mobilität", "Mobility"),
    ("security", "IT-Sicherheit", "IT security"),
    ("cloud", "Cloud und Infrastruktur", "Cloud and infrastructure"),
    ("data", "Daten und KI", "Data and AI"),
    ("startups", "Start-ups", "Start-ups"),
    ("research", "Forschung und Bildung", "Research and education"),
]
# Fictional companies: a first part, a second part and a legal form make 150 distinct names.
FIRST = [
    "Kommunal", "Stadt", "Land", "Bürger", "Verwaltungs", "Daten", "Netz", "Cloud", "Rathaus", "Region",
    "Mobil", "Sicher", "Campus", "Open", "Civic",
]  # fmt: skip
SECOND = ["Digital", "Werk", "Systeme", "Logik", "Plattform", "Konzept", "Service", "Labor", "Portal", "Technik"]
LEGAL = ["GmbH", "AG", "GmbH & Co. KG", "eG", "UG"]
CITIES = [
    ("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München"), ("50667", "Köln"), ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"), ("04109", "Leipzig"), ("01067", "Dresden"), ("30159", "Hannover"), ("44135", "Dortmund"),
]  # fmt: skip
EXHIBITORS = 150
CONFIRMED = 125  # onto a booth; the next ones have applied and wait
APPLIED = 15
DEMO_EXHIBITOR = "Musterstadt Digital GmbH"  # the `exhibitor` login works for it
DEMO_EXHIBITOR_DESCRIPTION = (
    "Digitale Dienste für Kommunen: Bürgerportal, Terminbuchung und Open-Data-Plattform aus einer Hand.",
    "Digital services for municipalities: citizen portal, appointment booking and an open-data platform.",
)


def _booth_plan() -> list[dict[str, Any]]:
    """Booths as (hall, number, type, width, depth, x, y, package price)."""
    plan: list[dict[str, Any]] = []
    # Halle B: 8 rows of 14 booths (3 × 3 m; 4 × 3 m corner booths at both ends), aisles of 3 m.
    for row in range(8):
        x = Decimal("2")
        y = Decimal(2 + row * 6)
        for col in range(14):
            corner = col in (0, 13)
            width = Decimal("4") if corner else Decimal("3")
            plan.append(
                {
                    "hall": "Halle B",
                    "number": f"B{row + 1}.{col + 1:02d}",
                    "booth_type": BoothType.CORNER if corner else BoothType.ROW,
                    "width": width,
                    "depth": Decimal("3"),
                    "x": x,
                    "y": y,
                    "package": None,
                }
            )
            x += width
    # Four islands (8 × 6 m) below the rows, and two peninsulas.
    for n in range(4):
        plan.append(
            {
                "hall": "Halle B",
                "number": f"B-I{n + 1}",
                "booth_type": BoothType.ISLAND,
                "width": Decimal("8"),
                "depth": Decimal("6"),
                "x": Decimal(2 + n * 11),
                "y": Decimal("52"),
                "package": None,
            }
        )
    for n in range(2):
        plan.append(
            {
                "hall": "Halle B",
                "number": f"B-P{n + 1}",
                "booth_type": BoothType.PENINSULA,
                "width": Decimal("6"),
                "depth": Decimal("4"),
                "x": Decimal(48),
                "y": Decimal(2 + n * 6),
                "package": None,
            }
        )
    # Halle A foyer: the start-up area, 2 rows of 12 pods (2 × 2 m at 2,500 € net).
    for row in range(2):
        for col in range(12):
            plan.append(
                {
                    "hall": "Halle A",
                    "number": f"S{row * 12 + col + 1:02d}",  # short: the label fits a 2 m pod
                    "booth_type": BoothType.ROW,
                    "width": Decimal("2"),
                    "depth": Decimal("2"),
                    "x": Decimal(2 + col * 2),
                    "y": Decimal(2 + row * 5),
                    "package": Decimal("2500.00"),
                }
            )
    return plan


def _companies() -> list[str]:
    names = [DEMO_EXHIBITOR]
    i = 0
    while len(names) < EXHIBITORS:
        name = f"{FIRST[i % len(FIRST)]}{SECOND[(i // len(FIRST)) % len(SECOND)].lower()} {LEGAL[i % len(LEGAL)]}"
        if name not in names:
            names.append(name)
        i += 1
    return names


def load_demo_exhibitors(*, event: Event, staff_user: Any, organiser: Any = None) -> dict[str, int]:
    """The expo floor of the demo edition; returns counts for the summary."""
    categories = []
    for position, (slug, name_de, name_en) in enumerate(CATEGORIES, start=1):
        category, _ = ExhibitorCategory.objects.update_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )
        categories.append(category)

    halls = {hall.name: hall for hall in Hall.objects.filter(venue=event.venue)}
    booths: list[Booth] = []
    for item in _booth_plan():
        booth, _ = Booth.objects.get_or_create(
            event=event,
            number=item["number"],
            defaults={
                "hall": halls[item["hall"]],
                "booth_type": item["booth_type"],
                "width": item["width"],
                "depth": item["depth"],
                "x": item["x"],
                "y": item["y"],
                "package_price_amount": item["package"],
            },
        )
        booths.append(booth)
    # A fire lane: two booths never for sale.
    Booth.objects.filter(event=event, number__in=["B4.07", "B4.08"], status=BoothStatus.AVAILABLE).update(
        status=BoothStatus.BLOCKED
    )

    exhibitors: list[Exhibitor] = []
    for index, name in enumerate(_companies()):
        postcode, city = CITIES[index % len(CITIES)]
        slug = slugify(name)[:70]
        description = DEMO_EXHIBITOR_DESCRIPTION if name == DEMO_EXHIBITOR else ("", "")
        exhibitor, created = Exhibitor.objects.get_or_create(
            event=event,
            slug=slug,
            defaults={
                "name": name,
                "email": f"messe@{slug}.example",
                "website": f"https://{slug}.example",
                "street": f"Musterstraße {index + 1}",
                "postcode": postcode,
                "city": city,
                "country": "DE",
                "description_de": description[0] or f"{name} zeigt Lösungen für die digitale Verwaltung aus {city}.",
                "description_en": description[1] or f"{name} shows solutions for digital government from {city}.",
            },
        )
        if created:
            exhibitor.categories.set([categories[index % len(categories)], categories[(index * 3 + 1) % 8]])
        exhibitors.append(exhibitor)

    # Bookings: by the services, as organisers would confirm them in admin. Pods go to the start-ups.
    free = [b for b in booths if b.status == BoothStatus.AVAILABLE and b.number not in {"B4.07", "B4.08"}]
    booked = set(BoothBooking.objects.confirmed().filter(event=event).values_list("booth_id", flat=True))
    free = [b for b in free if b.pk not in booked]
    has_booking = set(BoothBooking.objects.filter(event=event).values_list("exhibitor_id", flat=True))
    for index, exhibitor in enumerate(exhibitors[: CONFIRMED + APPLIED]):
        if exhibitor.pk in has_booking:
            continue
        wanted = free.pop(0) if index < CONFIRMED and free else None
        booking = booking_apply(
            exhibitor=exhibitor,
            wished_booth_type=wanted.booth_type if wanted else BoothType.ROW,
            wished_width=wanted.width if wanted else Decimal("3"),
            wished_depth=wanted.depth if wanted else Decimal("3"),
            contact_name="Messeteam",
            contact_email=exhibitor.email,
        )
        if wanted is not None:
            # Passes and invoice only for the demo exhibitor (below): each renders and mails a PDF,
            # which in debug happens at once; organisers issue the others from the booking admin.
            booking_confirm(booking=booking, booth=wanted, user=organiser, issue_passes=False, issue_invoice=False)

    demo = exhibitors[0]
    demo_booking = BoothBooking.objects.confirmed().filter(exhibitor=demo).first()
    if demo_booking is not None:
        booking_passes_issue(booking=demo_booking)
        booking_invoice_issue(booking=demo_booking)
    if staff_user is not None:
        ExhibitorStaff.objects.get_or_create(exhibitor=demo, user=staff_user)
    # Leads: the demo exhibitor scanned a few visitors; two of them agreed to share their contact data.
    tickets = list(
        Ticket.objects.filter(order__event=event, order__status=OrderStatus.PAID, is_cancelled=False)
        .exclude(code__isnull=True)
        .order_by("pk")[:5]
    )
    for n, ticket in enumerate(tickets):
        if Lead.objects.filter(exhibitor=demo, ticket=ticket).exists():
            continue
        if n < 2:
            lead_consent_grant(ticket=ticket)
        assert ticket.code is not None
        lead_scan(
            exhibitor=demo,
            code=ticket.code,
            consent=n < 2,
            notes="Interesse an der Terminbuchung" if n % 2 == 0 else "",
            rating=5 - n,
            user=staff_user,
        )
    return {
        "exhibitors": Exhibitor.objects.filter(event=event).count(),
        "booths": Booth.objects.filter(event=event).count(),
        "confirmed": BoothBooking.objects.confirmed().filter(event=event).count(),
        "leads": Lead.objects.filter(exhibitor__event=event).count(),
    }
