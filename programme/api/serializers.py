from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programme.enums import SessionFormat, SessionLanguage
from programme.models import Event, ReleasedSession, ReleasedSessionSpeaker, Room, Speaker, SpeakerLink, Track


def _absolute(context: Mapping[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class VenueSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()


class EventSerializer(serializers.ModelSerializer[Event]):
    name = serializers.CharField()
    tagline = serializers.CharField()
    description = serializers.CharField()
    time_zone = serializers.SerializerMethodField()
    venue = VenueSerializer()
    url = serializers.SerializerMethodField()
    exports = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "name",
            "name_de",
            "name_en",
            "tagline",
            "description",
            "start_on",
            "end_on",
            "time_zone",
            "venue",
            "website",
            "url",
            "exports",
        ]

    def get_time_zone(self, obj: Event) -> str:
        return "Europe/Berlin"

    def get_url(self, obj: Event) -> str:
        return _absolute(self.context, obj.get_absolute_url())

    @extend_schema_field(
        {"type": "object", "properties": {k: {"type": "string", "format": "uri"} for k in ["xml", "json", "ics"]}}
    )
    def get_exports(self, obj: Event) -> dict[str, str]:
        return {
            kind: _absolute(self.context, reverse(f"programme:schedule-{kind}", kwargs={"event": obj.slug}))
            for kind in ["xml", "json", "ics"]
        }


class RoomSerializer(serializers.ModelSerializer[Room]):
    name = serializers.CharField()
    accessibility_notes = serializers.CharField()
    hall = serializers.CharField(source="hall.name", default=None, allow_null=True)

    class Meta:
        model = Room
        fields = ["id", "name", "name_de", "name_en", "kind", "hall", "level", "capacity", "accessibility_notes"]


class TrackSerializer(serializers.ModelSerializer[Track]):
    name = serializers.CharField()
    description = serializers.CharField()

    class Meta:
        model = Track
        fields = ["id", "slug", "name", "name_de", "name_en", "description", "colour"]


class TrackRefSerializer(serializers.ModelSerializer[Track]):
    name = serializers.CharField()

    class Meta:
        model = Track
        fields = ["id", "slug", "name", "colour"]


class RoomRefSerializer(serializers.ModelSerializer[Room]):
    name = serializers.CharField()

    class Meta:
        model = Room
        fields = ["id", "name"]


class SessionSpeakerSerializer(serializers.ModelSerializer[ReleasedSessionSpeaker]):
    slug = serializers.CharField(source="speaker.slug")
    name = serializers.CharField(source="speaker.name")
    organisation = serializers.CharField(source="speaker.organisation")

    class Meta:
        model = ReleasedSessionSpeaker
        fields = ["slug", "name", "organisation", "role"]


class SessionSerializer(serializers.ModelSerializer[ReleasedSession]):
    id = serializers.IntegerField(source="session_id")
    uuid = serializers.UUIDField(source="session.uuid")
    code = serializers.CharField(source="session.code")
    title = serializers.CharField()
    abstract = serializers.CharField()
    description = serializers.CharField()
    track = TrackRefSerializer(allow_null=True)
    room = RoomRefSerializer()
    duration_minutes = serializers.SerializerMethodField()
    speakers = SessionSpeakerSerializer(source="released_speakers", many=True)
    url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = ReleasedSession
        fields = [
            "id",
            "uuid",
            "code",
            "title",
            "title_de",
            "title_en",
            "abstract",
            "abstract_de",
            "abstract_en",
            "description",
            "format",
            "language",
            "status",
            "track",
            "room",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "seat_capacity",
            "speakers",
            "url",
            "ics_url",
        ]

    def get_duration_minutes(self, obj: ReleasedSession) -> int:
        return int(obj.duration.total_seconds() // 60)

    def _path(self, name: str, obj: ReleasedSession) -> str:
        event = self.context["event"]
        return _absolute(self.context, reverse(name, kwargs={"event": event.slug, "session_id": obj.session_id}))

    def get_url(self, obj: ReleasedSession) -> str:
        return self._path("programme:session", obj)

    def get_ics_url(self, obj: ReleasedSession) -> str:
        return self._path("programme:session-ics", obj)


class SpeakerLinkSerializer(serializers.ModelSerializer[SpeakerLink]):
    class Meta:
        model = SpeakerLink
        fields = ["label", "url"]


class SpeakerSerializer(serializers.ModelSerializer[Speaker]):
    position = serializers.CharField()
    bio = serializers.CharField()
    photo = serializers.SerializerMethodField()
    links = SpeakerLinkSerializer(many=True)
    sessions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Speaker
        fields = ["slug", "name", "organisation", "position", "bio", "photo", "links", "sessions", "url"]

    def get_photo(self, obj: Speaker) -> str | None:
        return _absolute(self.context, obj.photo.url) if obj.photo else None

    def get_sessions(self, obj: Speaker) -> list[int]:
        return [appearance.released_session.session_id for appearance in getattr(obj, "published_appearances", [])]

    def get_url(self, obj: Speaker) -> str:
        event = self.context["event"]
        return _absolute(self.context, reverse("programme:speaker", kwargs={"event": event.slug, "slug": obj.slug}))


class SessionFilterSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(required=False, help_text="A day of the edition, YYYY-MM-DD (Berlin time).")
    room = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    track = serializers.SlugField(required=False, max_length=50, help_text="Track id or slug.")
    format = serializers.ChoiceField(required=False, choices=SessionFormat.choices)
    language = serializers.ChoiceField(required=False, choices=SessionLanguage.choices)
    speaker = serializers.SlugField(required=False, max_length=100, help_text="Speaker slug.")
    q = serializers.CharField(required=False, max_length=100, help_text="Search in titles, abstracts and speakers.")


class SpeakerFilterSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, max_length=100, help_text="Search in names and organisations.")
