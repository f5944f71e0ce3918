from django.urls import path

from programme.api import views

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="api-event-list"),
    path("events/<slug:event>/", views.EventDetailView.as_view(), name="api-event-detail"),
    path("events/<slug:event>/sessions/", views.SessionListView.as_view(), name="api-session-list"),
    path("events/<slug:event>/sessions/<id:pk>/", views.SessionDetailView.as_view(), name="api-session-detail"),
    path("events/<slug:event>/speakers/", views.SpeakerListView.as_view(), name="api-speaker-list"),
    path("events/<slug:event>/speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="api-speaker-detail"),
    path("events/<slug:event>/rooms/", views.RoomListView.as_view(), name="api-room-list"),
    path("events/<slug:event>/tracks/", views.TrackListView.as_view(), name="api-track-list"),
]
