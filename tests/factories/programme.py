import datetime as dt

import factory
from django.utils.text import slugify

from programme.enums import SessionFormat, SessionStatus, SpeakerRole
from programme.models import BERLIN, Event, Room, Session, SessionSpeaker, Speaker, Track, Venue


def berlin(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("name",)

    name = "CityCube Berlin"
    street = "Messedamm 26"
    postcode = "14055"
    city = "Berlin"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"sccon{2019 + n}")
    name_de = factory.LazyAttribute(lambda o: f"Smart Country Convention {o.slug[-4:]}")
    name_en = factory.LazyAttribute(lambda o: f"Smart Country Convention {o.slug[-4:]}")
    venue = factory.SubFactory(VenueFactory)
    start_on = dt.date(2019, 10, 22)
    end_on = factory.LazyAttribute(lambda o: o.start_on + dt.timedelta(days=2))
    is_public = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    venue = factory.SubFactory(VenueFactory)
    name_de = factory.Sequence(lambda n: f"Bühne {n}")
    name_en = factory.Sequence(lambda n: f"Stage {n}")
    capacity = 500
    position = factory.Sequence(int)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    name_de = factory.Sequence(lambda n: f"Themenfeld {n}")
    name_en = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))
    colour = "#005f87"


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Erika Mustermann {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    organisation = "Stadt Musterstadt"
    position_de = "Chief Digital Officer"
    bio_de = "Leitet die Digitalisierung der Stadtverwaltung."
    bio_en = "Leads the digital transformation of the city administration."


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title_de = factory.Sequence(lambda n: f"Die digitale Verwaltung, Teil {n}")
    title_en = factory.Sequence(lambda n: f"The digital administration, part {n}")
    abstract_de = "Wie Kommunen ihre Dienste online bringen."
    abstract_en = "How municipalities bring their services online."
    format = SessionFormat.TALK
    room = factory.SubFactory(RoomFactory, venue=factory.SelfAttribute("..event.venue"))
    starts_at = factory.LazyAttribute(lambda o: berlin(o.event.start_on, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))
    status = SessionStatus.CONFIRMED


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory, event=factory.SelfAttribute("..session.event"))
    role = SpeakerRole.SPEAKER
