"""`manage.py load_demo [--start YYYY-MM-DD] [--force]`: an idempotent demo edition of SCCON.

Modelled on Smart Country Convention 2019 (see DOMAIN.md): CityCube Berlin, four stages and eight
workshop rooms, six tracks, about 150 speakers and 130 sessions over three days, published as
release 1.0 and then changed and published as release 1.1, plus the demo logins. The content
lives in `programme.demo_content`.

Running it again changes nothing: rows are found by their natural keys (event slug, venue name,
room name, track and speaker slug, session title, release version) and releases that exist are
never published again.
"""

import datetime as dt
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from programme import demo_content as content
from programme.enums import RoomKind, SessionStatus
from programme.models import (
    BERLIN,
    Event,
    Hall,
    OpeningHours,
    Room,
    ScheduleRelease,
    Session,
    SessionSpeaker,
    Speaker,
    Track,
    Venue,
)
from programme.services import schedule_release_publish, session_cancel

DEMO_DAY = (10, 22)  # the default first day: 22 October, as in 2019
EDITION_DAYS = 3
SPEAKER_BUFFER = 15  # minutes a speaker needs between two sessions
MAX_APPEARANCES = {"moderator": 4}  # per speaker category; others: DEFAULT_MAX_APPEARANCES
DEFAULT_MAX_APPEARANCES = 3
TAGGED_SPEAKERS = 2  # how many speakers of a tagged session (e.g. "lt") come from the tag, unless it says
GUEST_TAGS = {"lt", "intl"}  # guests from abroad speak only where a session asks for them

SESSION_FIELDS = [
    "title_en",
    "abstract_de",
    "abstract_en",
    "description_de",
    "description_en",
    "format",
    "language",
    "track",
    "room",
    "starts_at",
    "ends_at",
    "status",
    "seat_capacity",
]

# Demo logins: (username, password, is_staff, is_superuser, group).
DEMO_USERS: list[tuple[str, str, bool, bool, str | None]] = [
    ("admin", "admin", True, True, "Organisers"),
    ("door", "door", False, False, "Door staff"),
    ("exhibitor", "exhibitor", False, False, "Exhibitor staff"),
]

# What the "Organisers" group may do beyond the whole programme app: see everything in ticketing,
# set up the shop (ticket types, quotas, vouchers, official domains) and run the order actions:
# approve, reject, cancel, resend and rename need `change_order`; mark paid also `add_payment`,
# refund also `add_refund` (ticketing/admin.py). Payments, refunds and invoices stay read-only.
ORGANISER_TICKETING_CODENAMES = [
    "add_tickettype",
    "change_tickettype",
    "add_quota",
    "change_quota",
    "add_voucher",
    "change_voucher",
    "delete_voucher",
    "add_officialdomain",
    "change_officialdomain",
    "delete_officialdomain",
    "change_order",
    "change_ticket",
    "add_payment",
    "add_refund",
]


def default_start(today: dt.date) -> dt.date:
    """The next 22 October: this year's if it is still ahead (or today), else next year's."""
    this_year = dt.date(today.year, *DEMO_DAY)
    return this_year if today <= this_year else dt.date(today.year + 1, *DEMO_DAY)


def parse_start(value: str | None) -> dt.date:
    if value is None:
        return default_start(timezone.localdate(timezone=BERLIN))
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise CommandError(f"--start must be a date as YYYY-MM-DD, not {value!r}.")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(f"--start must be a valid date as YYYY-MM-DD, not {value!r}: {exc}.") from exc


def clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


# --- the plan: which session sits where, with whom (pure Python, no database) -------------


@dataclass(frozen=True)
class Slot:
    room: str
    day: int
    start: dt.time
    minutes: int

    @property
    def interval(self) -> tuple[int, int]:
        """Minutes since the first day's midnight (wall clock), for overlap checks."""
        begin = self.day * 24 * 60 + self.start.hour * 60 + self.start.minute
        return begin, begin + self.minutes

    def starts_at(self, first_day: dt.date) -> dt.datetime:
        return dt.datetime.combine(first_day + dt.timedelta(days=self.day), self.start, tzinfo=BERLIN)

    def ends_at(self, first_day: dt.date) -> dt.datetime:
        return self.starts_at(first_day) + dt.timedelta(minutes=self.minutes)


@dataclass
class PlannedSession:
    content: dict[str, Any]
    format: str
    slot: Slot
    moved_to: Slot | None = None  # where release 1.1 puts it
    cancelled: bool = False  # cancelled in release 1.1
    added: bool = False  # new in release 1.1
    speakers: list[tuple[str, str]] = field(default_factory=list)  # (speaker slug, role), in order

    @property
    def title_de(self) -> str:
        return str(self.content["title_de"])

    @property
    def final_slot(self) -> Slot:
        return self.moved_to or self.slot


def build_plan() -> list[PlannedSession]:
    """Every session of the demo in both releases, with speakers who are never in two places at once."""
    plan: list[PlannedSession] = []
    for room, days in content.GRID.items():
        used: dict[str, int] = defaultdict(int)
        for day, slots in enumerate(days):
            for start, minutes, fmt in slots:
                item = content.STAGE_CONTENT[room][fmt][used[fmt]]
                used[fmt] += 1
                plan.append(PlannedSession(item, fmt, Slot(room, day, clock(start), minutes)))
    for item in content.PLACED_SESSIONS:
        plan.append(
            PlannedSession(item, item["format"], Slot(item["room"], item["day"], clock(item["start"]), item["minutes"]))
        )
    by_place = {(p.slot.room, p.slot.day, p.slot.start): p for p in plan}
    for move in content.MOVES:
        room, day, start = move["at"]
        planned = by_place[(room, day, clock(start))]
        to_room, to_day, to_start = move["to"]
        planned.moved_to = Slot(to_room, to_day, clock(to_start), planned.slot.minutes)
    for room, day, start in content.CANCELLATIONS:
        by_place[(room, day, clock(start))].cancelled = True
    for item in content.ADDITIONS:
        slot = Slot(item["room"], item["day"], clock(item["start"]), item["minutes"])
        plan.append(PlannedSession(item, item["format"], slot, added=True))
    titles = [p.title_de for p in plan]
    if len(set(titles)) != len(titles):
        raise ValueError("Demo session titles must be unique: they are the sessions' natural key.")
    assign_speakers(plan)
    return plan


def assign_speakers(plan: list[PlannedSession]) -> None:
    """Give every session its speakers, least-used first, never two overlapping sessions per speaker.

    A moved session blocks its speakers at both its places, so releases 1.0 and 1.1 are both free of
    double bookings.
    """
    order = {s["slug"]: n for n, s in enumerate(content.SPEAKERS)}
    busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
    appearances: dict[str, int] = defaultdict(int)
    best_practice_count = 0

    def free(slug: str, intervals: list[tuple[int, int]]) -> bool:
        return not any(
            begin < other_end + SPEAKER_BUFFER and other_begin < end + SPEAKER_BUFFER
            for begin, end in intervals
            for other_begin, other_end in busy[slug]
        )

    def pick(
        categories: tuple[str, ...], prefer: tuple[str, ...], intervals: list[tuple[int, int]], taken: set[str]
    ) -> str:
        candidates = [
            s
            for s in content.SPEAKERS
            if s["slug"] not in taken
            and appearances[s["slug"]] < MAX_APPEARANCES.get(s["category"], DEFAULT_MAX_APPEARANCES)
            and free(s["slug"], intervals)
        ]
        local = [s for s in candidates if set(prefer) & set(s["tags"]) or not GUEST_TAGS & set(s["tags"])]
        candidates = local or candidates
        matching = [s for s in candidates if s["category"] in categories] or candidates
        if not matching:
            raise ValueError("The demo has too few speakers for its sessions.")
        best = min(
            matching,
            key=lambda s: (
                not set(prefer) & set(s["tags"]),
                appearances[s["slug"]],
                categories.index(s["category"]) if s["category"] in categories else len(categories),
                order[s["slug"]],
            ),
        )
        return str(best["slug"])

    for planned in sorted(plan, key=lambda p: (p.slot.interval, p.title_de)):
        intervals = [planned.slot.interval] + ([planned.moved_to.interval] if planned.moved_to else [])
        roles = list(planned.content.get("speakers") or content.DEFAULT_SPEAKERS[planned.format])
        if planned.format == content.BEST_PRACTICE:
            best_practice_count += 1
            if best_practice_count % 3 == 0:
                roles.append(content.SECOND_SPEAKER[planned.format])
        elif planned.format == content.WORKSHOP and (planned.content.get("seats") or 0) >= 50:
            roles.append(content.SECOND_SPEAKER[planned.format])
        tags = tuple(planned.content.get("tags", ()))
        tagged_speakers = planned.content.get("tagged_speakers", TAGGED_SPEAKERS)
        tagged = 0
        taken: set[str] = set()
        for role, categories in roles:
            # With several tags, the tagged speakers take turns: e.g. one Lithuanian, one Danish guest.
            prefer = (tags[tagged % len(tags)],) if tags and role == "speaker" and tagged < tagged_speakers else ()
            slug = pick(categories, prefer, intervals, taken)
            if prefer:
                tagged += 1
            taken.add(slug)
            busy[slug].extend(intervals)
            appearances[slug] += 1
            planned.speakers.append((slug, role))


# --- the command --------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Load an idempotent demo edition of the Smart Country Convention (three days from --start, default "
        "the next 22 October) with a published programme and the demo logins. Runs only with DEBUG on or --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", metavar="YYYY-MM-DD", help="first day of the edition (default: next 22 October)")
        parser.add_argument("--force", action="store_true", help="run even though DEBUG is off")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "load_demo writes demo data and demo logins with known passwords (admin/admin): it runs only "
                "with DEBUG on (DJANGO_DEBUG=1) or with --force."
            )
        start = parse_start(options["start"])
        from ticketing.audit import acting_as  # the ticketing app is loaded lazily here, as below

        began = time.monotonic()
        with acting_as("load_demo"), transaction.atomic():
            users = self.load_users()
            venue, rooms = self.load_venue()
            event = self.load_event(venue, start)
            tracks = self.load_tracks(event)
            speakers = self.load_speakers(event)
            published = self.load_programme(event, rooms, tracks, speakers, publisher=users["admin"])
            ticket_types = self.load_ticketing(event)
            self.load_checkin(event, ticket_types)
            self.expo = self.load_exhibitors(event, users)
        self.print_summary(event, published, time.monotonic() - began)

    # --- users ----------------------------------------------------------------------------

    def load_users(self) -> dict[str, AbstractUser]:
        organisers, _ = Group.objects.get_or_create(name="Organisers")
        organisers.permissions.set(
            Permission.objects.filter(
                Q(content_type__app_label="programme")
                | Q(content_type__app_label="ticketing", codename__startswith="view_")
                | Q(content_type__app_label="ticketing", codename__in=ORGANISER_TICKETING_CODENAMES)
            )
        )
        # Door staff and exhibitor staff get their permissions from the ticketing and exhibitors apps.
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in ["Door staff", "Exhibitor staff"]}
        groups["Organisers"] = organisers
        user_model = get_user_model()
        users: dict[str, AbstractUser] = {}
        for username, password, is_staff, is_superuser, group in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.email = f"{username}@example.org"
            user.is_active = True
            user.is_staff = is_staff
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            if group:
                user.groups.add(groups[group])
            users[username] = user
        return users

    # --- venue ----------------------------------------------------------------------------

    def load_venue(self) -> tuple[Venue, dict[str, Room]]:
        values = {**content.VENUE}
        name = values.pop("name")
        values["opens_at"] = clock(values["opens_at"])
        values["closes_at"] = clock(values["closes_at"])
        venue, _ = Venue.objects.update_or_create(name=name, defaults=values)
        halls = {}
        for hall in content.HALLS:
            values = {**hall}
            halls[hall["name"]], _ = Hall.objects.update_or_create(
                venue=venue, name=values.pop("name"), defaults=values
            )
        rooms = {}
        for position, room in enumerate(content.ROOMS, start=1):
            values = {k: v for k, v in room.items() if k not in {"key", "hall", "name_de"}}
            values.setdefault("kind", RoomKind.STAGE)
            values["hall"] = halls[room["hall"]] if room["hall"] else None
            values["position"] = position
            rooms[room["key"]], _ = Room.objects.update_or_create(venue=venue, name_de=room["name_de"], defaults=values)
        return venue, rooms

    # --- edition --------------------------------------------------------------------------

    def load_event(self, venue: Venue, start: dt.date) -> Event:
        slug = f"sccon{start.year}"
        existing = Event.objects.filter(slug=slug).first()
        if existing is not None and existing.start_on != start and existing.sessions.exists():
            raise CommandError(
                f"The edition {slug} already exists from {existing.start_on.isoformat()} with sessions; run "
                f"load_demo with --start {existing.start_on.isoformat()} or delete the edition first."
            )
        values = {
            key: value.format(year=start.year) if isinstance(value, str) else value
            for key, value in content.EVENT.items()
        }
        end = start + dt.timedelta(days=EDITION_DAYS - 1)
        event, _ = Event.objects.update_or_create(
            slug=slug, defaults={**values, "venue": venue, "start_on": start, "end_on": end, "is_public": True}
        )
        days = event.days
        for day, (opens, closes) in zip(days, content.OPENING_HOURS, strict=True):
            OpeningHours.objects.update_or_create(
                event=event, day_on=day, defaults={"opens_at": clock(opens), "closes_at": clock(closes)}
            )
        event.opening_hours.exclude(day_on__in=days).delete()
        return event

    def load_tracks(self, event: Event) -> dict[str, Track]:
        tracks = {}
        for position, track in enumerate(content.TRACKS, start=1):
            values = {k: v for k, v in track.items() if k != "slug"}
            tracks[track["slug"]], _ = Track.objects.update_or_create(
                event=event, slug=track["slug"], defaults={**values, "position": position}
            )
        return tracks

    def load_speakers(self, event: Event) -> dict[str, Speaker]:
        fields = ["name", "organisation", "position_de", "position_en", "bio_de", "bio_en"]
        existing = {
            s.slug: s for s in Speaker.objects.filter(event=event, slug__in=[s["slug"] for s in content.SPEAKERS])
        }
        to_create, to_update = [], []
        for item in content.SPEAKERS:
            speaker = existing.get(item["slug"])
            if speaker is None:
                to_create.append(Speaker(event=event, slug=item["slug"], **{f: item[f] for f in fields}))
            elif any(getattr(speaker, f) != item[f] for f in fields):
                for f in fields:
                    setattr(speaker, f, item[f])
                to_update.append(speaker)
        Speaker.objects.bulk_create(to_create)
        Speaker.objects.bulk_update(to_update, fields)
        return {s.slug: s for s in Speaker.objects.filter(event=event, slug__in=[s["slug"] for s in content.SPEAKERS])}

    # --- programme ------------------------------------------------------------------------

    def load_programme(
        self,
        event: Event,
        rooms: dict[str, Room],
        tracks: dict[str, Track],
        speakers: dict[str, Speaker],
        publisher: AbstractUser,
    ) -> list[str]:
        """Sessions and the two releases; returns the versions published by this run."""
        versions = set(ScheduleRelease.objects.filter(event=event).values_list("version", flat=True))
        first, second = content.RELEASES
        if second["version"] in versions and first["version"] not in versions:
            raise CommandError(
                f"{event.slug} has release {second['version']} but not {first['version']}: "
                "delete the edition and run load_demo again."
            )
        plan = build_plan()
        published = []

        def values(planned: PlannedSession, slot: Slot, status: str) -> dict[str, Any]:
            item = planned.content
            has_seats = planned.format in (content.WORKSHOP, content.HACKATHON)
            return {
                "title_en": item["title_en"],
                "abstract_de": item["abstract_de"],
                "abstract_en": item["abstract_en"],
                "description_de": item.get("description_de", ""),
                "description_en": item.get("description_en", ""),
                "format": planned.format,
                "language": item.get("language", "de"),
                "track": tracks[item["track"]] if item["track"] else None,
                "room": rooms[slot.room],
                "starts_at": slot.starts_at(event.start_on),
                "ends_at": slot.ends_at(event.start_on),
                "status": status,
                "seat_capacity": item.get("seats") if has_seats else None,
            }

        if first["version"] not in versions:
            original = [p for p in plan if not p.added]
            sessions = self.save_sessions(
                event, {p.title_de: values(p, p.slot, SessionStatus.CONFIRMED) for p in original}
            )
            self.save_session_speakers(sessions, original, speakers)
            # Left over from an earlier run whose releases were deleted: not part of release 1.0.
            Session.objects.filter(event=event, title_de__in=[p.title_de for p in plan if p.added]).update(
                status=SessionStatus.DRAFT
            )
            schedule_release_publish(event=event, user=publisher, **first)
            published.append(first["version"])

        if second["version"] not in versions:
            changed = [p for p in plan if p.moved_to or p.cancelled or p.added]
            sessions = {
                s.title_de: s for s in Session.objects.filter(event=event, title_de__in=[p.title_de for p in changed])
            }
            for planned in changed:
                if planned.moved_to and not planned.added:
                    session = sessions[planned.title_de]
                    session.room = rooms[planned.moved_to.room]
                    session.starts_at = planned.moved_to.starts_at(event.start_on)
                    session.ends_at = planned.moved_to.ends_at(event.start_on)
                    session.save(update_fields=["room", "starts_at", "ends_at", "updated_at"])
                if planned.cancelled:
                    session_cancel(session=sessions[planned.title_de])
            added = [p for p in plan if p.added]
            new = self.save_sessions(
                event, {p.title_de: values(p, p.final_slot, SessionStatus.CONFIRMED) for p in added}
            )
            self.save_session_speakers(new, added, speakers)
            schedule_release_publish(event=event, user=publisher, **second)
            published.append(second["version"])
        return published

    def save_sessions(self, event: Event, rows: dict[str, dict[str, Any]]) -> dict[str, Session]:
        """Create or update sessions by title (their natural key in the demo); returns them by title."""
        existing: dict[str, Session] = {}
        for found in Session.objects.filter(event=event, title_de__in=rows.keys()).order_by("pk"):
            existing.setdefault(found.title_de, found)
        to_create: list[Session] = []
        to_update: list[Session] = []
        for title_de, values in rows.items():
            session = existing.get(title_de)
            if session is None:
                to_create.append(Session(event=event, title_de=title_de, **values))
            else:
                for name, value in values.items():
                    setattr(session, name, value)
                to_update.append(session)
        Session.objects.bulk_create(to_create)
        Session.objects.bulk_update(to_update, SESSION_FIELDS)
        return {s.title_de: s for s in [*to_create, *to_update]}

    def save_session_speakers(
        self, sessions: dict[str, Session], plan: list[PlannedSession], speakers: dict[str, Speaker]
    ) -> None:
        SessionSpeaker.objects.filter(session__in=sessions.values()).delete()
        SessionSpeaker.objects.bulk_create(
            [
                SessionSpeaker(session=sessions[p.title_de], speaker=speakers[slug], role=role, position=position)
                for p in plan
                for position, (slug, role) in enumerate(p.speakers)
            ]
        )

    # --- ticketing ------------------------------------------------------------------------

    def load_ticketing(self, event: Event) -> dict[str, Any]:
        """Ticket types, quotas, vouchers, official domains and a few demo orders.

        Every type is on sale from now until the edition ends; an edition already over (an old
        --start) stays on sale for a year from now, so the shop can still be tried. Rows are found by
        natural keys (type and quota names, voucher codes, domains) and the demo orders by their
        idempotency keys, so running again changes nothing.
        """
        # Ticketing imports programme, never the other way round: imported here, where the demo needs it.
        from ticketing.models import OfficialDomain, Quota, TicketType, Voucher
        from ticketing.services.orders import Billing, TicketRequest, order_mark_paid, order_place

        now = timezone.now()
        sales_end_at = None if event.ends_at > now else now + dt.timedelta(days=365)
        quotas = {}
        for item in content.TICKET_QUOTAS:
            quotas[item["key"]], _ = Quota.objects.update_or_create(
                event=event, name=item["name"], defaults={"size": item["size"]}
            )
        types = {}
        for position, item in enumerate(content.TICKET_TYPES, start=1):
            valid_day = item.get("valid_day")
            values = {
                "name_en": item["name_en"],
                "description_de": item.get("description_de", ""),
                "description_en": item.get("description_en", ""),
                "category": item["category"],
                "price_amount": Decimal(item["price"]),
                "vat_rate": Decimal("19.00"),
                "currency": "EUR",
                "valid_on": event.start_on + dt.timedelta(days=valid_day) if valid_day is not None else None,
                "sales_start_at": None,
                "sales_end_at": sales_end_at,
                "min_per_order": 1,
                "max_per_order": item.get("max_per_order", 10),
                "visibility": item.get("visibility", "public"),
                "requires_approval": item.get("requires_approval", False),
                "capacity": item.get("capacity"),
                "position": position,
                "is_active": True,
            }
            ticket_type, _ = TicketType.objects.update_or_create(event=event, name_de=item["name_de"], defaults=values)
            ticket_type.quotas.set([quotas[key] for key in item.get("quotas", [])])
            types[item["key"]] = ticket_type
        for item in content.VOUCHERS:
            voucher, _ = Voucher.objects.update_or_create(
                event=event,
                code=item["code"].format(year=event.start_on.year),
                defaults={
                    "kind": item["kind"],
                    "value": Decimal(item["value"]),
                    "max_uses": item["max_uses"],
                    "valid_until": None,
                    "comment": item["comment"],
                },
            )
            voucher.ticket_types.set([types[key] for key in item["ticket_types"]])
        for domain, comment in content.OFFICIAL_DOMAINS:
            OfficialDomain.objects.update_or_create(domain=domain, defaults={"comment": comment})

        for item in content.DEMO_ORDERS:
            placement = order_place(
                event=event,
                email=item["email"],
                tickets=[
                    TicketRequest(ticket_type_id=types[key].pk, attendee_name=name) for key, name in item["tickets"]
                ],
                payment_method=item["payment_method"],
                billing=Billing(**item["billing"]) if item.get("billing") else None,
                language="de",
                idempotency_key=f"load-demo-{item['key']}",
            )
            if item.get("paid"):
                order_mark_paid(
                    order=placement.order, provider="bank_transfer", reference=f"load-demo-{event.slug}-{item['key']}"
                )
        return types

    def load_checkin(self, event: Event, ticket_types: dict[str, Any]) -> None:
        """The main entrance (default list: every ticket type, any hour of the edition's days, re-entry)
        and the evening reception (its add-on only, 18:00–23:30, once); door staff may scan, organisers
        manage lists and devices."""
        from ticketing.models import CheckInList

        CheckInList.objects.update_or_create(
            event=event,
            name_de="Haupteingang",
            defaults={
                "name_en": "Main entrance",
                "all_ticket_types": True,
                "opens_at": None,
                "closes_at": None,
                "allows_reentry": True,
                "is_default": True,
                "position": 1,
            },
        )
        reception, _ = CheckInList.objects.update_or_create(
            event=event,
            name_de="Abendempfang",
            defaults={
                "name_en": "Evening reception",
                "all_ticket_types": False,
                "opens_at": dt.time(18, 0),
                "closes_at": dt.time(23, 30),
                "allows_reentry": False,
                "is_default": False,
                "position": 2,
            },
        )
        reception.ticket_types.set([ticket_types["reception"]])
        Group.objects.get(name="Door staff").permissions.add(
            Permission.objects.get(content_type__app_label="ticketing", codename="scan_ticket")
        )
        Group.objects.get(name="Organisers").permissions.add(
            *Permission.objects.filter(
                content_type__app_label="ticketing",
                codename__in=["scan_ticket", "add_checkinlist", "change_checkinlist", "add_device", "change_device"],
            )
        )

    def load_exhibitors(self, event: Event, users: dict[str, AbstractUser]) -> dict[str, int]:
        """About 150 exhibitors, booths in two halls, bookings and leads; `exhibitor` is staff of one."""
        # Exhibitors import programme, never the other way round: imported here, like ticketing above.
        from exhibitors.demo import load_demo_exhibitors

        return load_demo_exhibitors(event=event, staff_user=users["exhibitor"], organiser=users["admin"])

    # --- summary --------------------------------------------------------------------------

    def print_summary(self, event: Event, published: list[str], seconds: float) -> None:
        sessions = Session.objects.filter(event=event)
        rooms = Room.objects.filter(venue=event.venue)
        releases = ", ".join(
            ScheduleRelease.objects.filter(event=event).order_by("sequence").values_list("version", flat=True)
        )
        lines = [
            f"Demo edition {event.slug}: {event.name_de}, {event.start_on:%d.%m.%Y}–{event.end_on:%d.%m.%Y}, "
            f"{event.venue.name}",
            f"  rooms: {rooms.count()} ({rooms.filter(kind=RoomKind.STAGE).count()} stages, "
            f"{rooms.filter(kind=RoomKind.WORKSHOP).count()} workshop rooms); tracks: {event.tracks.count()}; "
            f"speakers: {event.speakers.count()}",
            f"  sessions: {sessions.count()} ({sessions.filter(status=SessionStatus.CONFIRMED).count()} confirmed, "
            f"{sessions.filter(status=SessionStatus.CANCELLED).count()} cancelled)",
            f"  expo: {self.expo['exhibitors']} exhibitors, {self.expo['booths']} booths "
            f"({self.expo['confirmed']} booked), {self.expo['leads']} leads",
            f"  releases: {releases}"
            + (f" (published now: {', '.join(published)})" if published else " (already published, left as they are)"),
            f"  programme: {reverse('programme:timetable', kwargs={'event': event.slug})}",
            "  logins: " + ", ".join(f"{username}/{password}" for username, password, *_ in DEMO_USERS),
            f"  done in {seconds:.1f} s",
        ]
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
