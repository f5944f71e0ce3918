from django.urls import path

from programme import views

app_name = "programme"

urlpatterns = [
    path("", views.event_home, name="event"),
    path("programme/", views.timetable, name="timetable"),
    path("programme/changelog/", views.changelog, name="changelog"),
    path("programme/schedule.xml", views.schedule_xml, name="schedule-xml"),
    path("programme/schedule.json", views.schedule_json, name="schedule-json"),
    path("programme/schedule.ics", views.schedule_ics, name="schedule-ics"),
    path("programme/sessions/<id:session_id>/", views.session_detail, name="session"),
    path("programme/sessions/<id:session_id>.ics", views.session_ics, name="session-ics"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
]
