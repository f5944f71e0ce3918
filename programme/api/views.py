from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request

from config.exceptions import NotFound
from programme.api.serializers import (
    EventSerializer,
    RoomSerializer,
    SessionFilterSerializer,
    SessionSerializer,
    SpeakerFilterSerializer,
    SpeakerSerializer,
    TrackSerializer,
)
from programme.cache import event_public
from programme.models import Event, ReleasedSession, Room, ScheduleRelease, Speaker, Track
from programme.selectors import (
    release_latest,
    release_public,
    released_room_list,
    released_session_get,
    released_session_list,
    released_speaker_get,
    released_speaker_list,
    released_track_list,
)


class EventListView(generics.ListAPIView[Event]):
    """Public editions, newest first."""

    serializer_class = EventSerializer
    queryset = Event.objects.public().select_related("venue").order_by("-start_on")


class EventDetailView(generics.RetrieveAPIView[Event]):
    serializer_class = EventSerializer

    def get_object(self) -> Event:
        return event_public(slug=self.kwargs["event"])


class EventScopedMixin(generics.GenericAPIView[Any]):
    """Resolves the edition from the URL and exposes its latest release (or None)."""

    def event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = event_public(slug=self.kwargs["event"])
        return self._event

    def release(self) -> ScheduleRelease | None:
        if not hasattr(self, "_release"):
            self._release = release_latest(event=self.event())
        return self._release

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "event": self.event()}

    def filters(self, serializer_class: type) -> dict[str, Any]:
        self.event()  # an unknown edition is a 404 before any bad filter is a 400
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)


class SessionListView(EventScopedMixin, generics.ListAPIView[ReleasedSession]):
    """Sessions of the published programme, in time order. Cancelled sessions stay listed with
    `status: cancelled` so clients can update their copies."""

    serializer_class = SessionSerializer

    @extend_schema(parameters=[SessionFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ReleasedSession]:
        filters = self.filters(SessionFilterSerializer)
        release = self.release()
        if release is None:
            return ReleasedSession.objects.none()
        return released_session_list(release=release, **filters)


class SessionDetailView(EventScopedMixin, generics.RetrieveAPIView[ReleasedSession]):
    serializer_class = SessionSerializer

    def get_object(self) -> ReleasedSession:
        session = released_session_get(release=release_public(event=self.event()), session_id=self.kwargs["pk"])
        if session is None:
            raise NotFound(extra={"session": self.kwargs["pk"]})
        return session


class SpeakerListView(EventScopedMixin, generics.ListAPIView[Speaker]):
    serializer_class = SpeakerSerializer

    @extend_schema(parameters=[SpeakerFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Speaker]:
        filters = self.filters(SpeakerFilterSerializer)
        release = self.release()
        if release is None:
            return Speaker.objects.none()
        return released_speaker_list(release=release, **filters)


class SpeakerDetailView(EventScopedMixin, generics.RetrieveAPIView[Speaker]):
    serializer_class = SpeakerSerializer

    def get_object(self) -> Speaker:
        speaker = released_speaker_get(release=release_public(event=self.event()), slug=self.kwargs["slug"])
        if speaker is None:
            raise NotFound(extra={"speaker": self.kwargs["slug"]})
        return speaker


class RoomListView(EventScopedMixin, generics.ListAPIView[Room]):
    """Rooms that hold at least one session of the published programme."""

    serializer_class = RoomSerializer

    def get_queryset(self) -> QuerySet[Room]:
        release = self.release()
        return released_room_list(release=release) if release else Room.objects.none()


class TrackListView(EventScopedMixin, generics.ListAPIView[Track]):
    serializer_class = TrackSerializer

    def get_queryset(self) -> QuerySet[Track]:
        release = self.release()
        return released_track_list(release=release) if release else Track.objects.none()
