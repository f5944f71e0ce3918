import datetime as dt

import pytest

from programme.enums import ConflictKind, SessionStatus
from programme.models import OpeningHours
from programme.selectors import session_conflicts
from tests.factories.programme import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    berlin,
)

pytestmark = pytest.mark.django_db


def kinds(event, session_id=None):
    return [c.kind for c in session_conflicts(event=event, session_id=session_id)]


def test_room_double_booked_fires_on_overlap():
    event = EventFactory()
    first = SessionFactory(event=event, starts_at=berlin(event.start_on, 10), ends_at=berlin(event.start_on, 11))
    second = SessionFactory(
        event=event, room=first.room, starts_at=berlin(event.start_on, 10, 30), ends_at=berlin(event.start_on, 12)
    )
    conflicts = session_conflicts(event=event)
    assert [(c.kind, c.session_id, c.other_id) for c in conflicts] == [
        (ConflictKind.ROOM_DOUBLE_BOOKED, first.pk, second.pk)
    ]
    assert kinds(event, session_id=second.pk) == [ConflictKind.ROOM_DOUBLE_BOOKED]


def test_room_double_booked_not_for_back_to_back_or_other_rooms_or_cancelled():
    event = EventFactory()
    first = SessionFactory(event=event, starts_at=berlin(event.start_on, 10), ends_at=berlin(event.start_on, 11))
    SessionFactory(
        event=event, room=first.room, starts_at=berlin(event.start_on, 11), ends_at=berlin(event.start_on, 12)
    )
    SessionFactory(event=event, starts_at=berlin(event.start_on, 10), ends_at=berlin(event.start_on, 11))
    SessionFactory(
        event=event,
        room=first.room,
        status=SessionStatus.CANCELLED,
        starts_at=berlin(event.start_on, 10),
        ends_at=berlin(event.start_on, 11),
    )
    assert kinds(event) == []


def test_speaker_double_booked_fires_across_rooms():
    event = EventFactory()
    speaker = SpeakerFactory(event=event)
    a = SessionFactory(event=event, starts_at=berlin(event.start_on, 10), ends_at=berlin(event.start_on, 11))
    b = SessionFactory(event=event, starts_at=berlin(event.start_on, 10, 45), ends_at=berlin(event.start_on, 11, 30))
    SessionSpeakerFactory(session=a, speaker=speaker)
    SessionSpeakerFactory(session=b, speaker=speaker)
    assert kinds(event) == [ConflictKind.SPEAKER_DOUBLE_BOOKED]


def test_speaker_double_booked_not_when_sessions_follow_each_other():
    event = EventFactory()
    speaker = SpeakerFactory(event=event)
    a = SessionFactory(event=event, starts_at=berlin(event.start_on, 10), ends_at=berlin(event.start_on, 11))
    b = SessionFactory(event=event, starts_at=berlin(event.start_on, 11), ends_at=berlin(event.start_on, 12))
    SessionSpeakerFactory(session=a, speaker=speaker)
    SessionSpeakerFactory(session=b, speaker=speaker)
    assert kinds(event) == []


def test_outside_event_days_fires_before_and_after():
    event = EventFactory()
    before = event.start_on - dt.timedelta(days=1)
    after = event.end_on + dt.timedelta(days=1)
    SessionFactory(event=event, starts_at=berlin(before, 10), ends_at=berlin(before, 11))
    SessionFactory(event=event, starts_at=berlin(after, 10), ends_at=berlin(after, 11))
    assert kinds(event) == [ConflictKind.OUTSIDE_EVENT_DAYS] * 2


def test_outside_event_days_not_on_the_last_day():
    event = EventFactory()
    SessionFactory(event=event, starts_at=berlin(event.end_on, 10), ends_at=berlin(event.end_on, 11))
    assert kinds(event) == []


def test_outside_opening_hours_uses_day_specific_hours():
    event = EventFactory()  # venue default 09:00-18:00
    OpeningHours.objects.create(event=event, day_on=event.end_on, opens_at=dt.time(9), closes_at=dt.time(17))
    SessionFactory(event=event, starts_at=berlin(event.end_on, 16, 30), ends_at=berlin(event.end_on, 17, 30))
    SessionFactory(event=event, starts_at=berlin(event.start_on, 8), ends_at=berlin(event.start_on, 9, 30))
    assert kinds(event) == [ConflictKind.OUTSIDE_OPENING_HOURS] * 2


def test_outside_opening_hours_not_within_hours():
    event = EventFactory()
    SessionFactory(event=event, starts_at=berlin(event.start_on, 9), ends_at=berlin(event.start_on, 18))
    SessionFactory(event=event, starts_at=berlin(event.end_on, 16, 30), ends_at=berlin(event.end_on, 17, 30))
    assert kinds(event) == []


def test_capacity_above_room_fires_and_not():
    event = EventFactory()
    room = RoomFactory(venue=event.venue, capacity=40)
    SessionFactory(event=event, room=room, seat_capacity=41)
    SessionFactory(event=event, room=room, seat_capacity=40, starts_at=berlin(event.start_on, 14))
    SessionFactory(event=event, room=RoomFactory(venue=event.venue, capacity=None), seat_capacity=500)
    assert kinds(event) == [ConflictKind.CAPACITY_ABOVE_ROOM]


def test_unscheduled_drafts_take_part_in_nothing():
    event = EventFactory()
    SessionFactory(event=event, starts_at=None, ends_at=None, room=None, status=SessionStatus.DRAFT)
    assert kinds(event) == []
