"""Editions, workshops and ticket holders for the agenda tests."""

import datetime as dt

from programme.enums import SessionFormat
from programme.models import BERLIN
from programme.services import schedule_release_publish
from tests.factories.programme import EventFactory, RoomFactory, SessionFactory
from tests.factories.ticketing import PaidTicketFactory, TicketTypeFactory


def future_event():  # type: ignore[no-untyped-def]
    """An edition a month ahead: its sessions can still be booked."""
    start = dt.date.today() + dt.timedelta(days=30)
    return EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))


def at(event, day: int, hour: int, minute: int = 0) -> dt.datetime:  # type: ignore[no-untyped-def]
    return dt.datetime.combine(event.start_on + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=BERLIN)


def workshop(event, *, seats=2, day=0, hour=10, minutes=90, **kwargs):  # type: ignore[no-untyped-def]
    return SessionFactory(
        event=event,
        format=SessionFormat.WORKSHOP,
        seat_capacity=seats,
        starts_at=at(event, day, hour),
        ends_at=at(event, day, hour) + dt.timedelta(minutes=minutes),
        room=RoomFactory(venue=event.venue),
        **kwargs,
    )


def publish(event, version):  # type: ignore[no-untyped-def]
    return schedule_release_publish(event=event, version=version)


def holder(event, name="Erika", **ticket_type):  # type: ignore[no-untyped-def]
    return PaidTicketFactory(
        order__event=event, attendee_name=name, ticket_type=TicketTypeFactory(event=event, **ticket_type)
    )
